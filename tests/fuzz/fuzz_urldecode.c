/*
 * fuzz_urldecode.c - libFuzzer driver for URL decoding, slugs and the UTF-8
 * check.
 *
 * url_decode must agree with re-encoding (decode . encode is the identity),
 * slugify must always give a valid slug or "", and utf8_valid must agree
 * with a plain reference decoder written from RFC 3629.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 3629 table 4 ("UTF8-octets"), without NUL. */
static bool ref_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t need;
		uint8_t lo = 0x80, hi = 0xBF;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3;
		else
			return false;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n - i <= need)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return false;
		i += need + 1;
	}
	return true;
}

static void check_decode(struct arena *a, struct str in, bool plus)
{
	char *out = NULL, *again = NULL;
	struct buf b;
	bool has_pct = memchr(in.p, '%', in.len) != NULL;
	int r = url_decode(a, in, plus, &out);

	if (r) {
		if (r != ERR_INVALID)
			abort();
		/* Refusal needs a '%' or a NUL byte. */
		if (!has_pct && !memchr(in.p, '\0', in.len))
			abort();
		return;
	}
	if (strlen(out) > in.len)
		abort();
	if (!has_pct && !plus && (strlen(out) != in.len ||
				  memcmp(out, in.p, in.len)))
		abort();
	buf_init(&b, a, 3 * in.len + 1);
	if (url_encode(&b, out, strlen(out)))
		abort();
	if (url_decode(a, (struct str){ b.data, b.len }, plus, &again) ||
	    strcmp(again, out))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct str in = { (const char *)data, size };
	char *text, *slug;
	size_t max;

	check_decode(a, in, false);
	check_decode(a, in, true);

	if (utf8_valid(in.p, in.len) != ref_utf8(data, size))
		abort();

	text = arena_strndup(a, in.p, in.len);
	max = size ? data[0] % 130 : 80;
	slug = slugify(a, text, max);
	if (strlen(slug) > max || (*slug && max <= 120 && !slug_valid(slug)))
		abort();
	/* A slug is its own slug. */
	if (strcmp(slugify(a, slug, max), slug))
		abort();
	arena_free(a);
	return 0;
}
