/*
 * webp.c - cut metadata chunks out of a RIFF WebP file (see webp.h).
 *
 * Layout: "RIFF" size32le "WEBP", then chunks: fourcc size32le payload,
 * padded to an even length.  VP8X (the extended header) carries flags:
 * 0x08 EXIF present, 0x04 XMP present.
 */
#include "webp.h"

#include <stdint.h>
#include <string.h>

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

size_t webp_strip(unsigned char *data, size_t len)
{
	size_t in = 12, out = 12;

	if (len < 12 || len > UINT32_MAX || memcmp(data, "RIFF", 4) ||
	    memcmp(data + 8, "WEBP", 4) || le32(data + 4) != len - 8)
		return 0;
	while (in < len) {
		size_t size, whole;

		if (len - in < 8)
			return 0;
		size = le32(data + in + 4);
		whole = 8 + size + (size & 1);
		if (whole > len - in)
			return 0;
		if (!memcmp(data + in, "EXIF", 4) || !memcmp(data + in, "XMP ", 4)) {
			in += whole;
			continue;
		}
		if (!memcmp(data + in, "VP8X", 4) && size >= 1)
			data[in + 8] &= (unsigned char)~0x0c;
		memmove(data + out, data + in, whole);
		in += whole;
		out += whole;
	}
	put_le32(data + 4, (uint32_t)(out - 8));
	return out;
}
