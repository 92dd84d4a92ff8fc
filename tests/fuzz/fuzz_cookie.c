/*
 * fuzz_cookie.c - libFuzzer driver for the Cookie header parser
 * (http_cookie_parse): any bytes as a header, several names looked up;
 * a found value must be a substring of the header without ';'.  The same
 * bytes as an X-Forwarded-For value (http_forwarded_for): an address found
 * must be a substring without ',' or blanks, shorter than the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "dl_reader", "dl_session", "a", "" };
	struct arena *a = arena_new(4096);
	char *h = arena_strndup(a, (const char *)data, size);
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *v = http_cookie_parse(a, h, names[i]);

		if (v && (strchr(v, ';') || !strstr(h, v)))
			abort();
	}
	{
		char addr[64];

		memset(addr, 'x', sizeof(addr));
		if (http_forwarded_for(h, addr, sizeof(addr)) &&
		    (strlen(addr) >= sizeof(addr) || !*addr ||
		     strpbrk(addr, ", \t") || !strstr(h, addr)))
			abort();
	}
	arena_free(a);
	return 0;
}
