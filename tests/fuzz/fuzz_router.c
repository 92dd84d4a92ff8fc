/*
 * fuzz_router.c - libFuzzer driver for the route matcher, with the site's
 * pattern shapes.
 *
 * The first byte picks the method, the rest is the path.  A match must
 * rebuild the exact path from its pattern and parameters; parameters are
 * non-empty slices of the path, ':' ones without '/'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct route routes[] = {
	{ HTTP_GET, "/" },
	{ HTTP_GET, "/section/:slug/" },
	{ HTTP_GET, "/tag/:slug/" },
	{ HTTP_GET, "/static/:name" },
	{ HTTP_GET, "/media/:key" },
	{ HTTP_POST, "/react/:slug" },
	{ HTTP_GET, "/files/*" },
	{ HTTP_PUT, "/admin/:kind/*" },
	{ HTTP_GET, "/:section/:year/:month/:day/:slug/" },
	{ HTTP_DELETE, "/:a/:b/:c/:d/:e/:f/:g/:h" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct route_match m;
	struct buf b;
	const char *path, *pat;
	enum http_method method;
	size_t i = 0;
	int r;

	if (size < 1)
		return 0;
	a = arena_new(0);
	method = (enum http_method)(data[0] % (HTTP_OTHER + 1));
	path = arena_strndup(a, (const char *)data + 1, size - 1);
	r = router_match(routes, sizeof(routes) / sizeof(*routes),
			 sizeof(*routes), method, path, &m);
	if (r) {
		if (r != ERR_NOTFOUND || m.route || m.nparams)
			abort();
		goto out;
	}
	if (!m.route || m.nparams > ROUTE_MAX_PARAMS)
		abort();
	if (m.route->method != method &&
	    !(m.route->method == HTTP_GET && method == HTTP_HEAD))
		abort();
	/* Substitute the parameters back into the pattern. */
	buf_init(&b, a, 2 * size + 64);
	for (pat = m.route->pattern; *pat; ) {
		if (*pat == ':' || (*pat == '*' && !pat[1])) {
			struct str p;

			if (i >= m.nparams)
				abort();
			p = m.params[i++];
			if (!p.len || p.p < path || p.p + p.len > path + strlen(path))
				abort();
			if (*pat == ':' && memchr(p.p, '/', p.len))
				abort();
			buf_addstr(&b, p);
			pat += *pat == '*' ? 1 : strcspn(pat, "/");
		} else {
			buf_addch(&b, *pat++);
		}
	}
	if (i != m.nparams || strcmp(b.data, path))
		abort();
out:
	arena_free(a);
	return 0;
}
