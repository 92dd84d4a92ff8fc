/*
 * lists.c - the front page, section pages and tag pages: newest stories
 * first, keyset pagination ("Older stories" carries ?before=TIME.ID, so a
 * page costs the same however deep a reader goes).
 */
#include "site_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/value.h"

#define PAGE_SIZE 20

static void list_page(struct site *site, struct http_request *req,
		      struct http_response *res, struct article_query *q,
		      const char *title, const char *heading,
		      const char *description, const char *path,
		      bool hide_heading)
{
	struct arena *a = req->arena;
	const char *before = http_query(req, "before");
	struct article_list list;
	struct cursor cur;
	struct tval *ctx, *stories;
	size_t i;
	int r;

	if (before || http_query_bad(req, "before")) {
		if (!before || !parse_keyset(before, &cur.published, &cur.id)) {
			render_error(site, req, res, 400, "The page position in"
				     " the address is malformed.");
			return;
		}
		q->before = &cur;
	}
	q->limit = PAGE_SIZE;
	r = store_articles_list(site->store, a, q, &list);
	if (r) {
		render_error(site, req, res, 503, "Stories cannot be loaded"
			     " right now; please try again.");
		return;
	}
	ctx = page_context(site, req, title, description, path);
	tv_set_str(a, ctx, "heading", before ? arena_printf(a, "%s: older stories",
		   heading) : heading);
	tv_set_bool(a, ctx, "hide_heading", hide_heading && !before);
	/* The front page's first view carries the "Most reacted" box. */
	if (hide_heading && !before)
		tv_set_str(a, ctx, "box_hole", PAGE_HOLE_OPEN "0:"
			   HOLE_MOST_REACTED PAGE_HOLE_CLOSE);
	stories = tv_list(a);
	{
		/* "Comments N" on each story: the count the API gives. */
		int64_t *ids = arena_alloc(a, (list.n + 1) * sizeof(*ids));
		int64_t *counts = arena_alloc(a, (list.n + 1) * sizeof(*counts));

		for (i = 0; i < list.n; i++)
			ids[i] = list.items[i].id;
		if (store_comment_counts(site->store, ids, list.n, counts))
			memset(counts, 0, (list.n + 1) * sizeof(*counts));
		for (i = 0; i < list.n; i++) {
			struct tval *v = article_summary_value(site, a,
							       &list.items[i]);

			tv_set_int(a, v, "comment_count", counts[i]);
			tv_push(a, stories, v);
		}
	}
	tv_set(a, ctx, "stories", stories);
	if (list.more && list.n) {
		const struct article *last = &list.items[list.n - 1];
		char *older = arena_printf(a, "%s?before=%" PRId64 ".%" PRId64,
					   path, last->published, last->id);

		tv_set_str(a, ctx, "older", older);
		tv_set_str(a, page_meta(ctx), "next", absolute_url(site, a, older));
	}
	render_page(site, req, res, "list", ctx);
}

void h_home(struct site *site, struct http_request *req,
	    struct http_response *res, const struct route_match *m)
{
	struct article_query q = { 0 };

	(void)m;
	/* The front page's title is the site's name alone. */
	list_page(site, req, res, &q, "", "Latest stories", site->tagline, "/",
		  true);
}

static void named_list(struct site *site, struct http_request *req,
		       struct http_response *res, const struct route_match *m,
		       bool is_tag)
{
	struct arena *a = req->arena;
	char *slug = str_dup(a, m->params[0]);
	struct article_query q = { 0 };
	const char *name;
	int r;

	if (!slug_valid(slug)) {
		render_error(site, req, res, 404, "There is no such section or tag.");
		return;
	}
	r = is_tag ? store_tag_name(site->store, a, slug, &name) :
		     store_section_name(site->store, a, slug, &name);
	if (r == ERR_NOTFOUND) {
		render_error(site, req, res, 404, is_tag ?
			     "There is no such tag." : "There is no such section.");
		return;
	}
	if (r) {
		render_error(site, req, res, 503, "This page cannot be loaded"
			     " right now; please try again.");
		return;
	}
	if (is_tag)
		q.tag_slug = slug;
	else
		q.section_slug = slug;
	list_page(site, req, res, &q, name, name,
		  arena_printf(a, "The latest stories %s %s from %s.",
			       is_tag ? "tagged" : "in", name, site->name),
		  is_tag ? tag_path(a, slug) : section_path(a, slug), false);
}

void h_section(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	named_list(site, req, res, m, false);
}

void h_tag(struct site *site, struct http_request *req,
	   struct http_response *res, const struct route_match *m)
{
	named_list(site, req, res, m, true);
}
