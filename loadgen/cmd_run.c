/*
 * loadgen/cmd_run.c — placeholder for `rigor run` until its module lands.
 */
#include "core/cli.h"

int cmd_run(int argc, char **argv)
{
    return rg_not_implemented(argc, argv, "usage: rigor run PLAN.json [-o FILE] [--report DIR]\n");
}
