/*
 * analyze/cmd_analyze.c — placeholder for `rigor analyze` until its module lands.
 */
#include "core/cli.h"

int cmd_analyze(int argc, char **argv)
{
    return rg_not_implemented(argc, argv, "usage: rigor analyze DATASET... [--json | --markdown]\n");
}
