/*
 * capture/cmd_capture.c — placeholder for `rigor capture` until its module lands.
 */
#include "core/cli.h"

int cmd_capture(int argc, char **argv)
{
    return rg_not_implemented(argc, argv, "usage: rigor capture [-i IFACE | -r FILE] [-o DATASET] [--log FILE]\n");
}
