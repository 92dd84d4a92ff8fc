/*
 * compress.c - one-shot gzip through zlib's deflate with a gzip wrapper.
 */
#include "compress.h"

#include <zlib.h>

#include "core/buf.h"
#include "core/err.h"

int gzip_compress(struct buf *out, const void *data, size_t len)
{
	z_stream zs = { 0 };
	unsigned char chunk[16384];
	int rc;

	/* windowBits 15 + 16 asks zlib for a gzip header and trailer. */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return ERR_NOMEM;
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = deflate(&zs, Z_FINISH);
		if (rc == Z_STREAM_ERROR ||
		    buf_add(out, chunk, sizeof(chunk) - zs.avail_out)) {
			deflateEnd(&zs);
			return ERR_TOOBIG;
		}
	} while (rc != Z_STREAM_END);
	deflateEnd(&zs);
	return 0;
}
