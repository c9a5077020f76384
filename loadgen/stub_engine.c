/*
 * loadgen/stub_engine.c — placeholder engine until the load generator lands.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "core/units.h"
#include "loadgen/loadgen.h"

static volatile sig_atomic_t stop_flag;

void lg_config_init(lg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->method = "GET";
    cfg->threads = 1;
    cfg->connections = 10;
    cfg->duration_s = 10;
    cfg->timeout_s = 10;
    cfg->keepalive = true;
}

json_t *lg_run(const lg_config *cfg, int run_index, char *err)
{
    (void)cfg; (void)run_index;
    snprintf(err, RG_ERRLEN, "load generator not implemented yet");
    return NULL;
}

void lg_request_stop(void) { stop_flag = 1; }
bool lg_stop_requested(void) { return stop_flag != 0; }
void lg_clear_stop(void) { stop_flag = 0; }
