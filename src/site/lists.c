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

/*
 * How wide a list's photos are shown (static/site.css: .stories, .wrap):
 * the first story's at 3/5 of the 1100 px column, the others in the grid's
 * 300 px-and-more columns, one column on a phone.
 */
#define THUMB_SIZES_FIRST "(min-width: 1100px) 626px, (min-width: 641px) 58vw, 100vw"
#define THUMB_SIZES "(min-width: 1100px) 340px, (min-width: 641px) 48vw, 100vw"

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
			render_error(site, req, res, 400, tr(req_lang(req), "The page position in"
				     " the address is malformed."));
			return;
		}
		q->before = &cur;
	}
	q->limit = PAGE_SIZE;
	r = store_articles_list(site->store, a, q, &list);
	if (r) {
		render_error(site, req, res, 503, tr(req_lang(req), "Stories cannot be loaded"
			     " right now; please try again."));
		return;
	}
	ctx = page_context(site, req, title, description, path);
	tv_set_str(a, ctx, "heading", before ? arena_printf(a, "%s: older stories",
		   heading) : heading);
	tv_set_bool(a, ctx, "hide_heading", hide_heading && !before);
	/* The front page's first view carries the "Most reacted" box. */
	if (hide_heading && !before) {
		tv_set_str(a, ctx, "box_hole", PAGE_HOLE_OPEN "0:"
			   HOLE_MOST_REACTED PAGE_HOLE_CLOSE);
		most_read_put(site, req, ctx);
	}
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
			struct tval *photo;

			tv_set_int(a, v, "comment_count", counts[i]);
			/* The first photo is the page's largest paint: no lazy load. */
			if ((photo = tv_get(v, "photo", 5)))
				article_photo_srcset(site, a, &list.items[i],
						     photo, i ? THUMB_SIZES :
						     THUMB_SIZES_FIRST, true);
			if (i == 0 && photo)
				tv_set_bool(a, photo, "first", true);
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
	if (before && (list.n || q->before)) {
		struct cursor first = list.n ? (struct cursor){
			list.items[0].published, list.items[0].id } : cur;
		struct cursor prev;
		int kind;

		if (!store_list_prev(site->store, q, &first, PAGE_SIZE, &kind,
				     &prev) && kind) {
			char *newer = kind == 1 ? arena_strdup(a, path) :
				arena_printf(a, "%s?before=%" PRId64 ".%" PRId64,
					     path, prev.published, prev.id);

			tv_set_str(a, ctx, "newer", newer);
			tv_set_str(a, page_meta(ctx), "prev",
				   absolute_url(site, a, newer));
		}
	}
	if (strcmp(path, "/"))
		feed_links(site, a, page_meta(ctx), title, path);
	list_breadcrumbs(site, a, page_meta(ctx), title, path);
	render_page(site, req, res, "list", ctx);
}

void h_home(struct site *site, struct http_request *req,
	    struct http_response *res, const struct route_match *m)
{
	struct article_query q = { 0 };

	(void)m;
	/* The front page's title is the site's name alone. */
	list_page(site, req, res, &q, "", tr(req_lang(req), "Latest stories"), site->tagline, "/",
		  true);
}

bool author_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (!n || n > 200 || !utf8_valid(name, n) || strchr(name, '/'))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return true;
}

char *author_path(struct arena *a, const char *name)
{
	struct buf path;

	buf_init(&path, a, 1024);
	buf_adds(&path, "/author/");
	url_encode(&path, name, strlen(name));
	buf_addch(&path, '/');
	return path.data;
}

bool list_target_find(struct site *site, struct http_request *req,
		      struct http_response *res, const struct route_match *m,
		      struct list_target *t)
{
	struct arena *a = req->arena;
	char *key = str_dup(a, m->params[0]);
	bool is_tag = !strncmp(req->path, "/tag/", 5);
	bool is_author = !strncmp(req->path, "/author/", 8);
	int r;

	memset(t, 0, sizeof(*t));
	if (is_author) {
		struct article_query q = { .author = key, .limit = 1 };
		struct article_list one;

		if (!author_valid(key)) {
			render_error(site, req, res, 404, tr(req_lang(req), "There is no such author."));
			return false;
		}
		r = store_articles_list(site->store, a, &q, &one);
		if (!r && !one.n)
			r = ERR_NOTFOUND;
		t->author = key;
		t->path = author_path(a, key);
		t->name = key;
		t->description = arena_printf(a, tr(req_lang(req), "The latest stories by %s from"
					      " %s."), key, site->name);
	} else {
		if (!slug_valid(key)) {
			render_error(site, req, res, 404, tr(req_lang(req), "There is no such"
				     " section or tag."));
			return false;
		}
		r = is_tag ? store_tag_name(site->store, a, key, &t->name) :
			     store_section_name(site->store, a, key, &t->name);
		if (is_tag)
			t->tag_slug = key;
		else
			t->section_slug = key;
		t->path = is_tag ? tag_path(a, key) : section_path(a, key);
		if (!r)
			t->description = arena_printf(a, is_tag ?
				tr(req_lang(req), "The latest stories tagged"
				   " %s from %s.") :
				tr(req_lang(req), "The latest stories in %s"
				   " from %s."), t->name, site->name);
	}
	if (r == ERR_NOTFOUND) {
		render_error(site, req, res, 404, is_author ?
			     tr(req_lang(req), "There is no such author.") : is_tag ?
			     tr(req_lang(req), "There is no such tag.") : tr(req_lang(req), "There is no such section."));
		return false;
	}
	if (r) {
		render_error(site, req, res, 503, tr(req_lang(req), "This page cannot be loaded"
			     " right now; please try again."));
		return false;
	}
	return true;
}

void list_target_query(const struct list_target *t, struct article_query *q)
{
	q->section_slug = t->section_slug;
	q->tag_slug = t->tag_slug;
	q->author = t->author;
}

static void named_list(struct site *site, struct http_request *req,
		       struct http_response *res, const struct route_match *m)
{
	struct article_query q = { 0 };
	struct list_target t;

	if (!list_target_find(site, req, res, m, &t))
		return;
	list_target_query(&t, &q);
	list_page(site, req, res, &q, t.name, t.name, t.description, t.path,
		  false);
}

void h_section(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	named_list(site, req, res, m);
}

void h_tag(struct site *site, struct http_request *req,
	   struct http_response *res, const struct route_match *m)
{
	named_list(site, req, res, m);
}

void h_author(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	named_list(site, req, res, m);
}
