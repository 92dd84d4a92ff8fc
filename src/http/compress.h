/*
 * compress.h - gzip (zlib) and brotli for response bodies.
 */
#ifndef DATELINE_COMPRESS_H
#define DATELINE_COMPRESS_H

#include <stddef.h>

struct buf;

#include <stdbool.h>

/* Append the gzip form of [data, data+len) to @out; ERR_TOOBIG or ERR_NOMEM. */
int gzip_compress(struct buf *out, const void *data, size_t len);

/*
 * Append [data, data+len) deflated with zlib's @level, @window_bits
 * (negative: raw deflate; +16: gzip wrapper) and @mem_level.  @finish ends
 * the stream; otherwise it is flushed to a byte boundary (Z_SYNC_FLUSH) so
 * more deflate data may follow.  0, ERR_NOMEM or ERR_TOOBIG.
 */
int deflate_buf(struct buf *out, const void *data, size_t len, int level,
		int window_bits, int mem_level, bool finish);

/* Brotli quality for bodies compressed once and kept (cached pages,
 * assets) and for bodies compressed per response. */
#define BROTLI_KEEP_QUALITY 9
#define BROTLI_KEEP_LARGE_QUALITY 5	/* bodies over 1 MB */
#define BROTLI_RESPONSE_QUALITY 4
#define BROTLI_VARIANT_QUALITY 5	/* kept until a hole's content changes */

/*
 * Append the brotli form of [data, data+len) at @quality (0-11) to @out;
 * ERR_TOOBIG when it does not fit, ERR_NOMEM when the encoder fails.
 */
int brotli_compress(struct buf *out, const void *data, size_t len,
		    int quality);

/* brotli_compress() at the quality for a kept body of @len bytes. */
int brotli_keep(struct buf *out, const void *data, size_t len);

#endif
