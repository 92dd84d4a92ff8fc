/*
 * site_int.h - what the handlers in src/site/ share: the page context,
 * rendering, error pages and URLs.  Not used outside src/site/.
 */
#ifndef DATELINE_SITE_INT_H
#define DATELINE_SITE_INT_H

#include <stdint.h>

#include "http/router.h"
#include "site.h"
#include "store/store.h"

struct tval;

typedef void (*site_handler)(struct site *site, struct http_request *req,
			     struct http_response *res,
			     const struct route_match *m);

/*
 * The context every page template gets: site, assets, sections and a "page"
 * map with title, heading, description and canonical URL (@path is made
 * absolute).  Handlers add their own keys.
 */
struct tval *page_context(struct site *site, struct http_request *req,
			  const char *title, const char *description,
			  const char *path);

/* The "page" map inside a page context. */
struct tval *page_meta(struct tval *ctx);

/* Render template @name into res->body; a 500 page when that fails. */
void render_page(struct site *site, struct http_request *req,
		 struct http_response *res, const char *name, struct tval *ctx);

/* The error page for @status with a one-line @message. */
void render_error(struct site *site, struct http_request *req,
		  struct http_response *res, unsigned status,
		  const char *message);

/* "/section/world/" and "/tag/ports/" (arena strings). */
char *section_path(struct arena *a, const char *slug);
char *tag_path(struct arena *a, const char *slug);
/* "/media/KEY" for a photo key. */
char *media_path(struct arena *a, const char *key);
/* @path made absolute with the site's base URL. */
char *absolute_url(struct site *site, struct arena *a, const char *path);

/* A story's fields for list and page templates (no body). */
struct tval *article_summary_value(struct site *site, struct arena *a,
				   const struct article *art);

/* Handlers. */
void h_home(struct site *, struct http_request *, struct http_response *,
	    const struct route_match *);
void h_section(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
void h_tag(struct site *, struct http_request *, struct http_response *,
	   const struct route_match *);
void h_article(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);

#endif
