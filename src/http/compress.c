/*
 * compress.c - one-shot gzip through zlib's deflate with a gzip wrapper,
 * and one-shot brotli through libbrotlienc.
 */
#include "compress.h"

#include <brotli/encode.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/err.h"

int deflate_buf(struct buf *out, const void *data, size_t len, int level,
		int window_bits, int mem_level, bool finish)
{
	z_stream zs = { 0 };
	unsigned char chunk[16384];
	int flush = finish ? Z_FINISH : Z_SYNC_FLUSH, rc;

	if (deflateInit2(&zs, level, Z_DEFLATED, window_bits, mem_level,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return ERR_NOMEM;
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = deflate(&zs, flush);
		if (rc == Z_STREAM_ERROR ||
		    buf_add(out, chunk, sizeof(chunk) - zs.avail_out)) {
			deflateEnd(&zs);
			return ERR_TOOBIG;
		}
	} while (zs.avail_out == 0 || (finish && rc != Z_STREAM_END));
	deflateEnd(&zs);
	return 0;
}

int gzip_compress(struct buf *out, const void *data, size_t len)
{
	/* windowBits 15 + 16 asks zlib for a gzip header and trailer. */
	return deflate_buf(out, data, len, 6, 15 + 16, 8, true);
}

/*
 * The smallest window that holds @len bytes (brotli's window is 2^lgwin
 * - 16 bytes).  The encoder's default, 22, makes its hash tables for a
 * 4 MB window whatever the input: at quality 9 to 11 about 34 MB for a
 * 30 KB style sheet, all of the server's peak memory at start.  A window
 * larger than the input finds nothing more.
 */
static uint32_t window_for(size_t len)
{
	uint32_t w = BROTLI_MIN_WINDOW_BITS;

	while (w < BROTLI_DEFAULT_WINDOW && ((size_t)1 << w) - 16 < len)
		w++;
	return w;
}

int brotli_compress(struct buf *out, const void *data, size_t len,
		    int quality)
{
	BrotliEncoderState *st = BrotliEncoderCreateInstance(NULL, NULL, NULL);
	const uint8_t *in = data;
	size_t avail_in = len;
	uint8_t chunk[16384];
	int r = 0;

	if (!st)
		return ERR_NOMEM;
	BrotliEncoderSetParameter(st, BROTLI_PARAM_QUALITY, (uint32_t)quality);
	BrotliEncoderSetParameter(st, BROTLI_PARAM_LGWIN, window_for(len));
	BrotliEncoderSetParameter(st, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT);
	BrotliEncoderSetParameter(st, BROTLI_PARAM_SIZE_HINT,
				  len > (1u << 30) ? 1u << 30 : (uint32_t)len);
	while (!r && !BrotliEncoderIsFinished(st)) {
		uint8_t *next = chunk;
		size_t avail_out = sizeof(chunk);

		if (!BrotliEncoderCompressStream(st, BROTLI_OPERATION_FINISH,
						 &avail_in, &in, &avail_out,
						 &next, NULL))
			r = ERR_NOMEM;
		else
			r = buf_add(out, chunk, sizeof(chunk) - avail_out);
	}
	BrotliEncoderDestroyInstance(st);
	return r;
}

int brotli_keep(struct buf *out, const void *data, size_t len)
{
	return brotli_compress(out, data, len, len > 1024 * 1024 ?
			       BROTLI_KEEP_LARGE_QUALITY : BROTLI_KEEP_QUALITY);
}
