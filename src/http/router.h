/*
 * router.h - match a method and decoded path against a table of patterns.
 *
 * Pattern syntax: literal segments, ":name" for one non-empty segment
 * without '/', and a final "*" for the non-empty rest of the path.  A
 * trailing '/' in a pattern is significant.  Routes are tried in table
 * order; the first match wins.  GET routes also answer HEAD.
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
	void *handler;		/* opaque to the router */
};

struct route_match {
	const struct route *route;
	struct str params[ROUTE_MAX_PARAMS];	/* borrowed from the path */
	size_t nparams;
	bool wrong_method;	/* some route matched the path, none the method */
};

/* 0 and out->route set on a match; ERR_NOTFOUND otherwise (then
 * out->wrong_method tells 405 from 404). */
int router_match(const struct route *routes, size_t n, enum http_method m,
		 const char *path, struct route_match *out);

#endif
