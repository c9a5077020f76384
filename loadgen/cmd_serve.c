/*
 * loadgen/cmd_serve.c — placeholder for `rigor serve` until its module lands.
 */
#include "core/cli.h"

int cmd_serve(int argc, char **argv)
{
    return rg_not_implemented(argc, argv, "usage: rigor serve [--listen ADDR:PORT] [--threads N]\n");
}
