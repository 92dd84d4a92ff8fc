/*
 * router.c - pattern matching for the route table.
 */
#include "router.h"

#include <string.h>

#include "core/err.h"

static bool match_pattern(const char *pat, const char *path,
			  struct route_match *m)
{
	m->nparams = 0;
	while (*pat) {
		if (*pat == '*' && pat[1] == '\0') {
			if (!*path || m->nparams == ROUTE_MAX_PARAMS)
				return false;
			m->params[m->nparams++] = (struct str){ path, strlen(path) };
			return true;
		}
		if (*pat == ':') {
			size_t n = strcspn(path, "/");

			if (n == 0 || m->nparams == ROUTE_MAX_PARAMS)
				return false;
			m->params[m->nparams++] = (struct str){ path, n };
			path += n;
			pat += strcspn(pat, "/");
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *path == '\0';
}

int router_match(const struct route *table, size_t n, size_t size,
		 enum http_method m, const char *path,
		 struct route_match *out)
{
	const char *entry = (const char *)table;
	size_t i;

	out->route = NULL;
	out->wrong_method = false;
	for (i = 0; i < n; i++, entry += size) {
		const struct route *r = (const struct route *)entry;

		if (!match_pattern(r->pattern, path, out))
			continue;
		if (r->method == m || (r->method == HTTP_GET && m == HTTP_HEAD)) {
			out->route = r;
			return 0;
		}
		out->wrong_method = true;
	}
	out->nparams = 0;
	return ERR_NOTFOUND;
}
