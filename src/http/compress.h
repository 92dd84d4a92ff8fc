/*
 * compress.h - gzip for response bodies (zlib).
 */
#ifndef DATELINE_COMPRESS_H
#define DATELINE_COMPRESS_H

#include <stddef.h>

struct buf;

/* Append the gzip form of [data, data+len) to @out; ERR_TOOBIG or ERR_NOMEM. */
int gzip_compress(struct buf *out, const void *data, size_t len);

#endif
