/*
 * analyze/cmd_stats.c — placeholder for `rigor stats` until its module lands.
 */
#include "core/cli.h"

int cmd_stats(int argc, char **argv)
{
    return rg_not_implemented(argc, argv, "usage: rigor stats FILE... [--json]\n");
}
