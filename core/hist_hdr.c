/*
 * core/hist_hdr.c — HdrHistogram's standard compressed encoding (V2), as dataset v2 stores
 * every histogram (docs/dataset-format.md, "Format v2").
 *
 * The form every HdrHistogram port reads and writes (Java's encodeIntoCompressedByteBuffer,
 * HdrHistogram_c's hdr_log_encode, Python's hdrh, HdrHistogramJS; the "HISTFAAA..." strings of
 * .hlog files), so a dataset's histograms can be opened by those tools without rigor:
 *   base64( BE32 0x1c849314 | BE32 n | zlib(payload) )      n = bytes of the zlib stream
 *   payload = BE32 0x1c849313 | BE32 counts bytes | BE32 normalizing index offset (0) |
 *             BE32 significant digits | BE64 lowest discernible value (1) |
 *             BE64 highest trackable value | BE64 double int-to-double ratio (1.0) | counts
 *   counts  = ZigZag LEB128 varints, one per counts-array index from 0 to the last non-zero
 *             one; a negative varint -k stands for k zero counts (one zero is written as 0).
 * rigor's layout is HdrHistogram's with lowest discernible value 1 (core/hist.c), so an
 * index means the same bucket on both sides and nothing is approximated. min, max and the
 * exact sum are not part of the encoding; the dataset keeps them beside it.
 *
 * zlib does the compression and OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock the base64 (both
 * already linked); the 40-byte header and the varints are written by hand: no Debian library
 * implements HdrHistogram's encoding (HdrHistogram_c is not packaged).
 *
 * Expected load: one decode per histogram a reader needs (charts, export, merge) and one
 * checking walk per histogram when a v2 dataset is loaded: 25,000 of them in a large
 * dataset, a few hundred bytes each, so the walk allocates two small buffers and no counts.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "core/err.h"
#include "core/hist.h"
#include "core/hist_int.h"

#define HDR_COOKIE_V2 0x1c849303u             /* | 0x10: 8-byte word size, as Java writes */
#define HDR_COOKIE_V2_COMPRESSED 0x1c849304u
#define HDR_HEADER 40
#define HDR_MAX_TEXT ((size_t)64 << 20)       /* far above any real histogram */

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* ZigZag LEB128 as HdrHistogram writes it: 7 bits a byte, the ninth byte holds 8 bits. */
static size_t put_varint(unsigned char *p, int64_t sv)
{
    uint64_t v = ((uint64_t)sv << 1) ^ (uint64_t)(sv >> 63);
    size_t n = 0;
    while (n < 8 && v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Read one varint at *pos (< end); -1 when the bytes end inside it. */
static int get_varint(const unsigned char *p, size_t end, size_t *pos, int64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 9; i++) {
        if (*pos >= end)
            return -1;
        unsigned char b = p[(*pos)++];
        if (i == 8) {
            v |= (uint64_t)b << 56;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            break;
    }
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return 0;
}

/* The uncompressed payload: header then counts. Caller frees; NULL on OOM. */
static unsigned char *encode_payload(const rg_hist *h, size_t *len)
{
    size_t pos = 0, cap = HDR_HEADER + 16, n = HDR_HEADER, next = 0;
    int64_t lo, hi;
    uint64_t count;
    while (rg_hist_next(h, &pos, &lo, &hi, &count))
        cap += 18;                      /* a zero run and a count, 9 bytes at most each */
    unsigned char *p = malloc(cap);
    if (p == NULL)
        return NULL;
    for (pos = 0; rg_hist_next(h, &pos, &lo, &hi, &count); next = pos) {
        size_t idx = pos - 1, zeros = idx - next;
        if (zeros == 1)
            n += put_varint(p + n, 0);
        else if (zeros > 1)
            n += put_varint(p + n, -(int64_t)zeros);
        n += put_varint(p + n, (int64_t)count);
    }
    double ratio = 1.0;
    uint64_t bits;
    memcpy(&bits, &ratio, sizeof bits);
    put32(p, HDR_COOKIE_V2 | 0x10);
    put32(p + 4, (uint32_t)(n - HDR_HEADER));
    put32(p + 8, 0);
    put32(p + 12, (uint32_t)rg_hist_sigfigs(h));
    put64(p + 16, 1);
    put64(p + 24, (uint64_t)rg_hist_highest(h));
    put64(p + 32, bits);
    *len = n;
    return p;
}

char *rg_hist_hdr_encode(const rg_hist *h)
{
    size_t plen = 0;
    unsigned char *payload = encode_payload(h, &plen);
    uLongf zlen = compressBound((uLong)plen);
    unsigned char *bin = payload ? malloc(8 + zlen) : NULL;
    char *text = NULL;
    if (bin == NULL ||
        compress2(bin + 8, &zlen, payload, (uLong)plen, Z_DEFAULT_COMPRESSION) != Z_OK)
        goto done;
    put32(bin, HDR_COOKIE_V2_COMPRESSED | 0x10);
    put32(bin + 4, (uint32_t)zlen);
    size_t blen = 8 + zlen;
    if ((text = malloc(4 * ((blen + 2) / 3) + 1)) != NULL)
        EVP_EncodeBlock((unsigned char *)text, bin, (int)blen);
done:
    free(payload);
    free(bin);
    return text;
}

/* 1 for the 64 characters of base64's alphabet (RFC 4648 §4). */
static int is_b64(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/';
}

/* Strict base64 (RFC 4648, padded, no line breaks) to bytes; caller frees. */
static unsigned char *unbase64(const char *text, size_t len, size_t *out, char *err)
{
    size_t pad = len >= 1 && text[len - 1] == '=' ? (len >= 2 && text[len - 2] == '=' ? 2 : 1) : 0;
    if (len == 0 || len % 4 != 0 || len > HDR_MAX_TEXT) {
        rg_err_set(err, "not base64 text of a length a multiple of 4");
        return NULL;
    }
    for (size_t i = 0; i < len - pad; i++)
        if (!is_b64((unsigned char)text[i])) {
            rg_err_set(err, "not base64: byte %zu", i);
            return NULL;
        }
    unsigned char *bin = malloc(len / 4 * 3 + 1);
    if (bin == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes: they are taken off again */
    int n = EVP_DecodeBlock(bin, (const unsigned char *)text, (int)len);
    if (n < 0 || (size_t)n < pad) {
        free(bin);
        rg_err_set(err, "not base64");
        return NULL;
    }
    *out = (size_t)n - pad;
    return bin;
}

/*
 * zlib's allocator, without calloc's zeroing: inflate asks for its 32 KB window zeroed, but
 * only ever reads bytes it has written (a distance beyond them is an error), and zeroing
 * it was a third of a histogram's check (callgrind: 76k of 170k instructions).
 */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return malloc((size_t)items * size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    free(p);
}

int rg_hist_hdr_envelope_(const char *text, size_t len, char *err)
{
    size_t pad = len >= 2 ? (text[len - 1] == '=') + (text[len - 2] == '=') : 0, blen;
    if (len < 12 || len % 4 != 0 || len > HDR_MAX_TEXT)
        return rg_err(err, "not base64 text of a length a multiple of 4");
    unsigned char *head = unbase64(text, 12, &blen, err);
    if (head == NULL)
        return -1;
    uint32_t cookie = get32(head), n = get32(head + 4);
    free(head);
    if ((cookie & ~0xf0u) != HDR_COOKIE_V2_COMPRESSED || (size_t)n + 8 != len / 4 * 3 - pad)
        return rg_err(err, "not HdrHistogram's compressed V2 encoding (\"HISTFAAA...\")");
    return 0;
}

/* Inflate exactly `want` bytes of the zlib stream into out: 0, or -1 (*z is then done). */
static int inflate_some(z_stream *z, unsigned char *out, size_t want)
{
    z->next_out = out;
    z->avail_out = (uInt)want;
    int rc = inflate(z, Z_SYNC_FLUSH);
    return (rc == Z_OK || rc == Z_STREAM_END) && z->avail_out == 0 ? 0 : -1;
}

/* The 40-byte payload header: layout from it, counts length; 0 or -1 with err. */
static int read_header(const unsigned char *p, rg_hist_layout *l, size_t *counts_len,
                       char *err)
{
    if ((get32(p) & ~0xf0u) != HDR_COOKIE_V2)
        return rg_err(err, "not an HdrHistogram V2 payload (cookie 0x%08x)", get32(p));
    /* p + 8, the normalizing index offset, is not read: HdrHistogram's ports write 0
     * (Java, C) or 1 (hdr-histogram-js) for counts that are not shifted at all, and their
     * decoders ignore it; p + 32, the int-to-double ratio, means nothing for integers. */
    if (get64(p + 16) != 1)
        return rg_err(err, "lowest discernible value %llu: rigor's histograms count from 1",
                      (unsigned long long)get64(p + 16));
    uint64_t highest = get64(p + 24);
    if (highest > INT64_C(1000000000000))
        return rg_err(err, "highest trackable value %llu is out of range",
                      (unsigned long long)highest);
    if (rg_hist_layout_(l, (int64_t)highest, (int)get32(p + 12), err) != 0)
        return -1;
    *counts_len = get32(p + 4);
    if (*counts_len > 9 * l->len + 9)
        return rg_err(err, "counts of %zu bytes for %zu buckets", *counts_len, l->len);
    return 0;
}

/* Decode the varint counts, calling fn per non-zero count. */
static int walk_counts(const unsigned char *p, size_t n, const rg_hist_layout *l,
                       rg_hist_hdr_fn fn, void *ctx, char *err)
{
    size_t pos = 0, idx = 0, last = rg_hist_layout_index_(l, l->highest);
    while (pos < n) {
        int64_t v;
        if (get_varint(p, n, &pos, &v) != 0)
            return rg_err(err, "the counts end inside a number");
        if (v < 0) {
            if (v == INT64_MIN || (uint64_t)-v > l->len)
                return rg_err(err, "a run of %lld zero counts is too long", (long long)-v);
            idx += (size_t)-v;
            continue;
        }
        if (v > 0 && fn != NULL) {
            if (idx > last)
                return rg_err(err, "a count above the highest trackable value");
            if (fn(ctx, idx, (uint64_t)v, err) != 0)
                return -1;
        }
        idx++;
    }
    return 0;
}

int rg_hist_hdr_walk_(const char *text, size_t len, rg_hist_layout *l, rg_hist_hdr_fn fn,
                      void *ctx, char *err)
{
    size_t blen, clen = 0;
    unsigned char head[HDR_HEADER], *counts = NULL;
    unsigned char *bin = unbase64(text, len, &blen, err);
    z_stream z;
    memset(&z, 0, sizeof z);
    int rc = -1, zok = 0;
    if (bin == NULL)
        return -1;
    if (blen < 8 || (get32(bin) & ~0xf0u) != HDR_COOKIE_V2_COMPRESSED ||
        get32(bin + 4) != blen - 8) {
        rg_err_set(err, "not HdrHistogram's compressed V2 encoding (\"HISTFAAA...\")");
        goto done;
    }
    z.zalloc = z_alloc;
    z.zfree = z_free;
    z.next_in = bin + 8;
    z.avail_in = (uInt)(blen - 8);
    if (inflateInit(&z) != Z_OK) {
        rg_err_set(err, "zlib: out of memory");
        goto done;
    }
    zok = 1;
    if (inflate_some(&z, head, HDR_HEADER) != 0) {
        rg_err_set(err, "damaged compressed data (zlib)");
        goto done;
    }
    if (read_header(head, l, &clen, err) != 0)
        goto done;
    if ((counts = malloc(clen + 1)) == NULL) {
        rg_err_set(err, "out of memory");
        goto done;
    }
    unsigned char extra;
    int short_ = clen > 0 && inflate_some(&z, counts, clen) != 0;
    z.next_out = &extra;                /* the stream must end here, with nothing after it */
    z.avail_out = 1;
    if (short_ || inflate(&z, Z_FINISH) != Z_STREAM_END || z.avail_out != 1 ||
        z.avail_in != 0) {
        rg_err_set(err, "damaged compressed data (zlib), or a length that does not match");
        goto done;
    }
    rc = walk_counts(counts, clen, l, fn, ctx, err);
done:
    if (zok)
        inflateEnd(&z);
    free(counts);
    free(bin);
    return rc;
}

/* Decoding: the histogram is made at the first count, once the walk has read the header. */
struct decode {
    rg_hist *h;
    const rg_hist_layout *l;
};

static int record_one(void *ctx, size_t index, uint64_t count, char *err)
{
    struct decode *d = ctx;
    if (d->h == NULL && (d->h = rg_hist_new(d->l->highest, d->l->sigfigs, err)) == NULL)
        return -1;
    rg_hist_record_n(d->h, rg_hist_layout_value_(d->l, index), count);
    return 0;
}

rg_hist *rg_hist_hdr_decode(const char *text, size_t len, char *err)
{
    rg_hist_layout l;
    struct decode d = {NULL, &l};
    if (rg_hist_hdr_walk_(text, len, &l, record_one, &d, err) != 0) {
        rg_hist_free(d.h);
        return NULL;
    }
    return d.h != NULL ? d.h : rg_hist_new(l.highest, l.sigfigs, err);  /* no counts */
}
