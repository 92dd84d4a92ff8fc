/*
 * compress.h - gzip for response bodies (zlib).
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

#endif
