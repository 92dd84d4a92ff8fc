/*
 * newsroom_list.c - the newsroom's story list at /newsroom: filtered by
 * status, section, author and words, newest change first, paged by a
 * keyset; authors see their own unpublished stories and every published
 * one.
 */
#include "newsroom.h"

#include <inttypes.h>
#include <string.h>

#include "core/arena.h"
#include "core/escape.h"
#include "core/timeutil.h"
#include "core/value.h"

/* Stories a page of the list shows. */
#define LIST_LIMIT 50

void h_nr_list(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct story_query q = { .status = -1, .limit = LIST_LIMIT + 1 };
	struct tval *ctx, *rows, *statuses, *f;
	struct story_row *list;
	const char *st, *sec, *auth, *search, *before;
	struct cursor cur;
	struct buf next;
	size_t n, i, shown;

	(void)m;
	if (!who)
		return;
	st = http_query(req, "status");
	sec = http_query(req, "section");
	auth = http_query(req, "author");
	search = http_query(req, "q");
	before = http_query(req, "before");
	if (before && *before) {
		if (!parse_keyset(before, &cur.published, &cur.id)) {
			render_error(site, req, res, 400, N_("The page position is"
				     " malformed."));
			return;
		}
		q.before = &cur;
	}
	if (st && *st)
		q.status = status_from_name(st);
	if (q.status < -1 || (st && *st && q.status < 0)) {
		render_error(site, req, res, 400, N_("There is no such status."));
		return;
	}
	q.section_slug = sec && *sec ? sec : NULL;
	q.author = auth && *auth ? auth : NULL;
	q.search = search && *search ? search : NULL;
	if ((q.search && strlen(q.search) > 200) ||
	    (q.author && strlen(q.author) > 200) ||
	    (q.section_slug && strlen(q.section_slug) > 120)) {
		render_error(site, req, res, 400, N_("The filter is too long."));
		return;
	}
	if (store_stories(site->store, a, &q, &list, &n)) {
		render_error(site, req, res, 503, N_("The stories cannot be"
			     " loaded right now; please try again."));
		return;
	}
	ctx = nr_ctx(site, req, who, N_("Stories"), "stories");
	if (n > LIST_LIMIT) {
		/* Another page: the same filters, after the last row shown. */
		n = LIST_LIMIT;
		buf_init(&next, a, 4096);
		buf_printf(&next, "/newsroom?before=%" PRId64 ".%" PRId64,
			   list[n - 1].a.updated, list[n - 1].a.id);
		if (q.status >= 0)
			buf_printf(&next, "&status=%s", status_names[q.status]);
		if (q.section_slug) {
			buf_adds(&next, "&section=");
			url_encode(&next, q.section_slug, strlen(q.section_slug));
		}
		if (q.author) {
			buf_adds(&next, "&author=");
			url_encode(&next, q.author, strlen(q.author));
		}
		if (q.search) {
			buf_adds(&next, "&q=");
			url_encode(&next, q.search, strlen(q.search));
		}
		tv_set_str(a, ctx, "older_url", next.data);
	}
	rows = tv_list(a);
	for (i = 0, shown = 0; i < n; i++) {
		const struct article *art = &list[i].a;
		struct tval *v;

		/* An author sees only their own unpublished stories (the
		 * page after this one follows the rows left out too). */
		if (art->status != ARTICLE_PUBLISHED && !nr_may_edit(who, art))
			continue;
		v = tv_map(a);
		shown++;
		tv_set_str(a, v, "headline", art->headline);
		tv_set_str(a, v, "edit_url", arena_printf(a,
			   "/newsroom/stories/%" PRId64, art->id));
		tv_set_str(a, v, "status", status_names[art->status]);
		tv_set_str(a, v, "status_label", nr_status_label(req_lang(req),
			   art->status));
		tv_set_str(a, v, "author", art->author);
		tv_set_str(a, v, "section", art->section);
		tv_set_str(a, v, "updated", nr_time(site, a, art->updated));
		tv_set_str(a, v, "updated_iso", time_iso(a, art->updated));
		tv_set_int(a, v, "reactions", list[i].reactions);
		tv_set_int(a, v, "comments", list[i].comments);
		if (art->status == ARTICLE_PUBLISHED)
			tv_set_str(a, v, "public_url", article_path(a, art));
		tv_set_bool(a, v, "editable", nr_may_edit(who, art));
		tv_push(a, rows, v);
	}
	tv_set(a, ctx, "stories", rows);
	tv_set_bool(a, ctx, "has_stories", shown > 0);
	statuses = tv_list(a);
	for (i = 0; i < ARTICLE_STATUSES; i++) {
		struct tval *v = tv_map(a);

		tv_set_str(a, v, "name", status_names[i]);
		tv_set_str(a, v, "label", nr_status_label(req_lang(req), i));
		tv_set_bool(a, v, "selected", q.status == (int)i);
		tv_push(a, statuses, v);
	}
	f = tv_map(a);
	tv_set(a, f, "statuses", statuses);
	tv_set_str(a, f, "section", q.section_slug ? q.section_slug : "");
	tv_set_str(a, f, "author", q.author ? q.author : "");
	tv_set_str(a, f, "q", q.search ? q.search : "");
	tv_set(a, ctx, "filter", f);
	nr_render(site, req, res, "newsroom-list", ctx, 200);
}
