/*
 * capture/stub_sidecar.c — placeholder sidecar until the capture engine lands.
 */
#include <stdio.h>
#include "core/units.h"
#include "capture/capture.h"

cap_sidecar *cap_sidecar_start(const char *iface, const char *filter, char *err)
{
    (void)iface; (void)filter;
    snprintf(err, RG_ERRLEN, "capture not implemented yet");
    return NULL;
}

json_t *cap_sidecar_stop(cap_sidecar *sc)
{
    (void)sc;
    return NULL;
}
