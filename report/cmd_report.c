/*
 * report/cmd_report.c — placeholder for `rigor report` until its module lands.
 */
#include "core/cli.h"

int cmd_report(int argc, char **argv)
{
    return rg_not_implemented(argc, argv, "usage: rigor report DATASET... -o DIR\n");
}
