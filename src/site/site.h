/*
 * site.h - the news site: turns requests into pages.
 *
 * struct site holds the long-lived state built in main(): the store, the
 * compiled templates, the static assets and the page cache.  site_handle()
 * is the http_handler the server calls for every request.
 */
#ifndef DATELINE_SITE_H
#define DATELINE_SITE_H

#include "http/http.h"

struct arena;
struct article;
struct store;
struct tmpl_set;
struct assets;
struct page_cache;

struct site {
	struct store *store;
	struct tmpl_set *tmpl;
	struct assets *assets;
	struct page_cache *cache;
	const char *name;	/* "Dateline" */
	const char *tagline;
	const char *base_url;	/* "http://127.0.0.1:8080", no trailing '/' */
};

/* "/world/2026/11/20/some-slug/": an article's canonical path (arena). */
char *article_path(struct arena *a, const struct article *art);

/* The http_handler: @ctx is the struct site. */
void site_handle(void *ctx, struct http_request *req, struct http_response *res);

#endif
