/*
 * router.h - match a method and decoded path against a table of patterns.
 *
 * Pattern syntax: literal segments, ":name" for one non-empty segment
 * without '/', and a final "*" for the non-empty rest of the path.  A
 * trailing '/' in a pattern is significant.  Routes are tried in table
 * order; the first match wins.  GET routes also answer HEAD.
 *
 * The table is the caller's: an array of its own entries, each starting
 * with a struct route (its first member), so that an entry carries what
 * the caller needs beside the pattern (a handler, flags) with no cast of
 * a handler and no second table.  router_match() is given the entries'
 * size; the caller gets its entry back from out->route.
 */
#ifndef DATELINE_ROUTER_H
#define DATELINE_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define ROUTE_MAX_PARAMS 8

struct route {
	enum http_method method;
	const char *pattern;
};

struct route_match {
	const struct route *route;	/* the matching entry (its first member) */
	struct str params[ROUTE_MAX_PARAMS];	/* borrowed from the path */
	size_t nparams;
	bool wrong_method;	/* some route matched the path, none the method */
};

/*
 * Match @m and @path against the @n entries of the table at @table, each
 * @size bytes long and starting with a struct route (a plain array of
 * struct route: sizeof(struct route)).  0 and out->route set on a match;
 * ERR_NOTFOUND otherwise (then out->wrong_method tells 405 from 404).
 */
int router_match(const struct route *table, size_t n, size_t size,
		 enum http_method m, const char *path,
		 struct route_match *out);

#endif
