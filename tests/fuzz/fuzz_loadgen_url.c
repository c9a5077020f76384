/*
 * tests/fuzz/fuzz_loadgen_url.c — fuzz target for what `rigor load` does with typed input
 * before any connection: URL parsing (http-parser's splitter plus rigor's rules), header
 * checks and the one serialized request. Input: the first line is the URL, the second a
 * header, the rest the body. Must never crash; an accepted URL must serialize to a request
 * that starts with the method and whose head (everything before the body) ends with its
 * first CRLF CRLF. The request is length-counted, not a C string: it is searched with
 * memmem within its length only.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "loadgen/lg_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), err[RG_ERRLEN];
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *hdr = strchr(buf, '\n'), *body = NULL;
    if (hdr != NULL) {
        *hdr++ = '\0';
        body = strchr(hdr, '\n');
        if (body != NULL)
            *body++ = '\0';
    }
    lg_url u;
    if (lg_url_parse(buf, &u, err) == 0) {
        assert(u.path != NULL && u.path[0] == '/' && u.port > 0);
        lg_config cfg;
        const char *headers[1];
        lg_config_init(&cfg);
        if (hdr != NULL && lg_header_check(hdr, err) == 0) {
            headers[0] = hdr;
            cfg.headers = headers;
            cfg.nheaders = 1;
        }
        if (body != NULL) {
            cfg.body = body;
            cfg.body_len = strlen(body);
        }
        size_t len;
        char *req = lg_request_build(&cfg, &u, &len, err);
        assert(req != NULL && len >= 4 && memcmp(req, "GET ", 4) == 0);
        assert(len >= cfg.body_len + 4);
        size_t head = len - cfg.body_len;
        assert(memmem(req, head, "\r\n\r\n", 4) == req + head - 4);
        free(req);
        lg_url_free(&u);
    }
    free(buf);
    return 0;
}
