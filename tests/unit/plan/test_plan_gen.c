/*
 * tests/unit/plan/test_plan_gen.c — external generators in plans: parsing, inheritance from
 * the plan, placeholder expansion (durations as the tools take them, text single-quoted for
 * /bin/sh so that a hostile name stays one word) and one rejection per kind of error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

static pl_plan *parse(const char *text)
{
    err[0] = '\0';
    return pl_plan_parse("p.json", text, strlen(text), err);
}

static void rejects(const char *text, const char *want)
{
    pl_plan *p = parse(text);
    CHECK_MSG(p == NULL, "accepted: %s", text);
    CHECK_MSG(strstr(err, want) != NULL, "message \"%s\" lacks \"%s\"", err, want);
    pl_plan_free(p);
}

static void test_expand_closed_loop(void)
{
    pl_plan *p = parse("{\"concurrency\": [50], \"duration\": \"1.5s\", \"warmup\": \"2s\","
                       " \"targets\": [{\"name\": \"it's\", \"url\": \"http://127.0.0.1:1/a?b=c\","
                       " \"generator\": {\"command\": \"tool -c {concurrency} -d {duration} "
                       "-w {warmup} -t {total} -n {target} -u {url} -o {output} -r {run} "
                       "${HOME} {not a placeholder}\", \"format\": \"hey\"}}]}");
    CHECK_MSG(p != NULL, "%s", err);
    if (p == NULL)
        return;
    char *cmd = pl_gen_expand(p, &p->targets[0], 50, 3, "/tmp/o ut");
    CHECK_STR(cmd, "tool -c 50 -d 1500ms -w 2s -t 3500ms -n 'it'\\''s' "
                   "-u 'http://127.0.0.1:1/a?b=c' -o '/tmp/o ut' -r 3 ${HOME} "
                   "{not a placeholder}");
    CHECK_STR(p->targets[0].gen.format, "hey");
    CHECK(!p->targets[0].gen.trim_warmup);
    free(cmd);
    pl_plan_free(p);
}

/* Open loop: {rate} is the cell, {concurrency} the connections; the plan's generator is
 * inherited by a target without one, a target's own wins. */
static void test_open_loop_inherit(void)
{
    pl_plan *p = parse("{\"rate\": [250.5], \"connections\": 20, \"duration\": \"10s\","
                       " \"generator\": {\"command\": \"vegeta -rate {rate} -c {concurrency} "
                       "-duration {duration}\", \"format\": \"vegeta\", \"trim_warmup\": true,"
                       " \"timeout\": \"1m\"},"
                       " \"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\"},"
                       "  {\"name\": \"b\", \"url\": \"http://127.0.0.1:2/\","
                       "   \"generator\": {\"command\": \"hey -z {duration} {url}\","
                       "   \"format\": \"hey\"}}]}");
    CHECK_MSG(p != NULL, "%s", err);
    if (p == NULL)
        return;
    char *a = pl_gen_expand(p, &p->targets[0], 250.5, 1, "o");
    char *b = pl_gen_expand(p, &p->targets[1], 250.5, 1, "o");
    CHECK_STR(a, "vegeta -rate 250.5 -c 20 -duration 10s");
    CHECK_STR(b, "hey -z 10s 'http://127.0.0.1:2/'");
    CHECK(p->targets[0].gen.trim_warmup);
    CHECK_NEAR(p->targets[0].gen.timeout_s, 60, 0);
    CHECK_STR(p->targets[1].gen.format, "hey");
    free(a);
    free(b);
    pl_plan_free(p);
}

#define TGT(gen) "{\"concurrency\": [2], \"targets\": [{\"url\": \"http://127.0.0.1:1/\", " gen "}]}"

static void test_rejections(void)
{
    rejects(TGT("\"generator\": \"hey\""), "targets[0].generator: expected an object");
    rejects(TGT("\"generator\": {\"format\": \"hey\"}"), "targets[0].generator.command: missing");
    rejects(TGT("\"generator\": {\"command\": \"x\"}"), "targets[0].generator.format: missing");
    rejects(TGT("\"generator\": {\"command\": \"x\", \"format\": \"k7\"}"),
            "unknown format \"k7\"");
    rejects(TGT("\"generator\": {\"command\": \"x {urll}\", \"format\": \"hey\"}"),
            "unknown placeholder {urll}");
    rejects(TGT("\"generator\": {\"command\": \"x {rate}\", \"format\": \"hey\"}"),
            "{rate} in a closed-loop plan");
    rejects(TGT("\"generator\": {\"command\": \"x\", \"format\": \"autocannon\", "
                "\"trim_warmup\": true}"), "autocannon holds aggregates only");
    rejects(TGT("\"generator\": {\"command\": \"x\", \"format\": \"hey\", \"trim_warmup\": 1}"),
            "trim_warmup: expected true or false");
    rejects(TGT("\"generator\": {\"command\": \"x\", \"format\": \"hey\", \"timeout\": \"0s\"}"),
            "timeout: duration out of range");
    rejects(TGT("\"generator\": {\"command\": \"x\", \"format\": \"hey\"}, \"threads\": 2"),
            "targets[0].threads: not used with an external generator");
    rejects("{\"concurrency\": [2], \"generator\": {\"command\": \"x\", \"format\": \"hey\"}, "
            "\"targets\": [{\"url\": \"http://127.0.0.1:1/\", \"body\": \"x\"}]}",
            "targets[0].body: not used with an external generator");
    rejects("{\"concurrency\": [2], \"generator\": {\"command\": \"\", \"format\": \"hey\"}, "
            "\"targets\": [{\"url\": \"http://127.0.0.1:1/\"}]}", "generator.command: empty string");
}

int main(void)
{
    RUN(test_expand_closed_loop);
    RUN(test_open_loop_inherit);
    RUN(test_rejections);
    return unit_done();
}
