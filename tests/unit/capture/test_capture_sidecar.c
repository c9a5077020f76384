/*
 * tests/unit/capture/test_capture_sidecar.c — the sidecar the load generator uses: started on `lo`
 * with a port filter, it must see exactly the transactions this test makes on loopback (a
 * blocking client and server in one thread, 20 requests over 4 connections), and report
 * drops. Needs root (or CAP_NET_RAW): skipped otherwise.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/err.h"
#include "tests/unit/unit.h"
#include "core/units.h"
#include "capture/capture.h"

static int listen_port(int *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return s;
}

/* One connection carrying n keep-alive transactions; 0 or -1. */
static int exchange(int ls, int port, int n)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    static const char req[] = "GET /x HTTP/1.1\r\nHost: t\r\n\r\n";
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    char buf[256];
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) != 0)
        return -1;
    int s = accept(ls, NULL, NULL);
    int rc = s < 0 ? -1 : 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        if (write(c, req, sizeof req - 1) != (ssize_t)(sizeof req - 1) ||
            read(s, buf, sizeof buf) != (ssize_t)(sizeof req - 1) ||
            write(s, resp, sizeof resp - 1) != (ssize_t)(sizeof resp - 1) ||
            read(c, buf, sizeof buf) != (ssize_t)(sizeof resp - 1))
            rc = -1;
    }
    close(c);
    if (s >= 0)
        close(s);
    return rc;
}

static void test_sidecar_counts(void)
{
    char err[RG_ERRLEN], filter[64];
    int port = 0, ls = listen_port(&port);
    CHECK(ls >= 0);
    snprintf(filter, sizeof filter, "tcp port %d", port);
    cap_sidecar *sc = cap_sidecar_start("lo", filter, err);
    CHECK_MSG(sc != NULL, "%s", err);
    for (int i = 0; i < 4; i++)
        CHECK(exchange(ls, port, 5) == 0);
    json_t *w = cap_sidecar_stop(sc);
    CHECK(w != NULL);
    CHECK_INT(json_integer_value(json_object_get(w, "requests")), 20);
    CHECK_INT(json_integer_value(json_object_get(w, "drops")), 0);
    CHECK_STR(json_string_value(json_object_get(w, "unit")), "us");
    json_t *h = json_object_get(json_object_get(w, "handshake_rtt"), "histogram");
    CHECK_INT(json_integer_value(json_object_get(h, "count")), 4);
    CHECK(json_is_object(json_object_get(w, "ttfb")) && json_is_object(json_object_get(w, "server_time")));
    CHECK(json_is_integer(json_object_get(w, "retransmits")) && json_is_integer(json_object_get(w, "ifdrops")));
    json_decref(w);
    close(ls);
}

static void test_sidecar_errors(void)
{
    char err[RG_ERRLEN] = "";
    CHECK(cap_sidecar_start("no-such-if0", "tcp", err) == NULL);
    CHECK_HAS(err, "no-such-if0");
    err[0] = '\0';
    CHECK(cap_sidecar_start("lo", "tcp port banana", err) == NULL);
    CHECK_HAS(err, "bad filter");
    CHECK(cap_sidecar_stop(NULL) == NULL);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("ok 1 - # SKIP the sidecar needs root to capture on lo\n1..1\n");
        return 0;
    }
    RUN(test_sidecar_counts);
    RUN(test_sidecar_errors);
    return unit_done();
}
