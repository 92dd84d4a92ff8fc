/*
 * fuzz_form.c - libFuzzer driver for the UTF-8 check of urlencoded form
 * bodies (http_urlencoded_bad_utf8).
 *
 * A body whose every byte is printable ASCII is never refused; a named
 * field is one whose value really decodes to invalid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/escape.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	const char *bad;
	size_t i;
	bool ascii = true;

	if (size > 64 * 1024)
		return 0;
	a = arena_new(0);
	bad = http_urlencoded_bad_utf8(a, (const char *)data, size);
	for (i = 0; i < size; i++)
		if (data[i] < 0x20 || data[i] >= 0x7f || data[i] == '%')
			ascii = false;
	if (ascii && bad)
		abort();
	if (bad && !utf8_valid(bad, strlen(bad)))
		abort();
	arena_free(a);
	return 0;
}
