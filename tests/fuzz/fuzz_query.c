/*
 * fuzz_query.c - libFuzzer driver for the urlencoded parameter parser
 * behind http_query() and http_form().
 *
 * The input is used as a query string and as a form body.  Every value
 * found must be a NUL-free string no longer than the input, the same from
 * both, and looking a name up twice must give the same answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"before", "a", "q", "", " ", "a b", "=", "&", "%", "page", "x+y",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct http_request req = { .arena = a, .method = HTTP_GET };
	char first[32];
	size_t i, n;

	req.query = (struct str){ (const char *)data, size };
	buf_init(&req.body, a, size + 1);
	buf_add(&req.body, data, size);
	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *q = http_query(&req, names[i]);
		const char *f = http_form(&req, names[i]);
		const char *again = http_query(&req, names[i]);

		if ((q == NULL) != (f == NULL) || (q == NULL) != (again == NULL))
			abort();
		if (q && (strlen(q) > size || strcmp(q, f) || strcmp(q, again)))
			abort();
	}
	/* The first key of a non-empty input, when it has no value and holds
	 * no escape or '+', is found with an empty value. */
	for (n = 0; n < size && n < sizeof(first) - 1; n++) {
		char c = (char)data[n];

		if (c == '&' || c == '=' || c == '%' || c == '+' || c == '\0')
			break;
		first[n] = c;
	}
	first[n] = '\0';
	if ((n == size && size) || (n < size && data[n] == '&')) {
		const char *v = http_query(&req, first);

		if (!v || *v)
			abort();
	}
	arena_free(a);
	return 0;
}
