/*
 * fuzz_shortcode.c - libFuzzer driver for the WordPress shortcode parser
 * (src/import/shortcode.c).
 *
 * Whatever the input: shortcodes are found in order, each inside the
 * text and after the one before, with a name of letters, digits, '_'
 * and '-' starting with a letter, attributes and inner text inside the
 * shortcode's own span; expansion succeeds within a bound proportional
 * to the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "import/shortcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(struct str s, const char *text, const struct shortcode *sc)
{
	return !s.p || (s.p >= text + sc->start &&
			s.p + s.len <= text + sc->end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct shortcode sc;
	struct arena *a;
	size_t at = 0, i, outlen;
	char *out;

	if (size > 64 * 1024)
		return 0;
	while (sc_find(t, size, at, &sc)) {
		if (sc.start < at || sc.end > size || sc.end <= sc.start ||
		    !sc.name.len || sc.name.len > SC_NAME_MAX ||
		    strspn(sc.name.p, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") < sc.name.len ||
		    !inside(sc.name, t, &sc) || !inside(sc.inner, t, &sc) ||
		    sc.nattr > SC_ATTRS_MAX)
			abort();
		for (i = 0; i < sc.nattr; i++)
			if (!inside(sc.attr[i].name, t, &sc) ||
			    !inside(sc.attr[i].value, t, &sc))
				abort();
		at = sc.end;
	}
	a = arena_new(0);
	if (sc_expand(a, t, size, 64 * size + 64, &out, &outlen) ||
	    strlen(out) > outlen)
		abort();
	arena_free(a);
	return 0;
}
