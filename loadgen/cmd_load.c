/*
 * loadgen/cmd_load.c — placeholder for `rigor load` until its module lands.
 */
#include "core/cli.h"

int cmd_load(int argc, char **argv)
{
    return rg_not_implemented(argc, argv, "usage: rigor load URL [-c N] [-t N] [-d DURATION] [--rate R] [-o FILE]\n");
}
