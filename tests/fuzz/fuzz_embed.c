/*
 * fuzz_embed.c - libFuzzer driver for embed_match() (src/render/embed.c).
 *
 * Whatever the text, a match names a provider, and its frame address
 * starts with that provider's origin and holds only URL characters that
 * need no escaping in an HTML attribute (no quote, angle bracket, space
 * or control character).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/embed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char url[4096];
	struct embed e;
	const char *origin, *p;

	if (size >= sizeof(url))
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	if (!embed_match(url, &e))
		return 0;
	origin = embed_origin(e.provider);
	if (!origin || !e.name || !e.kind ||
	    strncmp(e.frame, origin, strlen(origin)) ||
	    e.frame[strlen(origin)] != '/')
		abort();
	for (p = e.frame; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("\"'<>`\\", *p))
			abort();
	return 0;
}
