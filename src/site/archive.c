/*
 * archive.c - most-reacted lists: /reactions/{name}/ for the last 24
 * hours, 7 days or all time (?window=24h|7d|all), its feeds (built by
 * feeds.c), and the "Most reacted" box of the front page (kept for
 * MOST_REACTED_TTL_S so a busy front page does not count reactions on
 * every request).
 */
#include "site_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "render/mustache.h"

#define ARCHIVE_PAGE 20
#define MOST_REACTED_N 5
#define MOST_REACTED_WINDOW (7 * 86400)

static const struct {
	const char *name, *label;
	int64_t seconds;
} windows[] = {
	{ "24h", N_("Last 24 hours"), 86400 },
	{ "7d", N_("Last 7 days"), 7 * 86400 },
	{ "all", N_("All time"), 0 },
};

/* The window named by ?window= (default 24h), or -1 when unknown. */
static int window_of(struct http_request *req)
{
	const char *w = http_query(req, "window");
	size_t i;

	if (!w)
		return 0;
	for (i = 0; i < sizeof(windows) / sizeof(*windows); i++)
		if (!strcmp(w, windows[i].name))
			return (int)i;
	return -1;
}

/* Shared by the page and the feed: kind, window and one page of articles. */
static bool load_top(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m,
		     int *kind, int *win, struct top_cursor *cur, bool *has_cur,
		     struct article_list *list, int64_t **counts)
{
	char *name = str_dup(req->arena, m->params[0]);
	const char *before = http_query(req, "before");
	int r;

	*kind = reaction_from_name(name);
	if (*kind < 0) {
		render_error(site, req, res, 404, tr(req_lang(req), "There is no such reaction."));
		return false;
	}
	*win = window_of(req);
	*has_cur = before != NULL;
	if (*win < 0 || http_query_bad(req, "before") ||
	    (before && !parse_keyset(before, &cur->count, &cur->id))) {
		render_error(site, req, res, 400, tr(req_lang(req), "The address asks for a period"
			     " or position we do not know."));
		return false;
	}
	r = store_reaction_top(site->store, req->arena, *kind,
			       windows[*win].seconds ? time_now() -
			       windows[*win].seconds : 0,
			       before ? cur : NULL, ARCHIVE_PAGE, list, counts);
	if (r) {
		render_error(site, req, res, 503, tr(req_lang(req), "This list cannot be loaded"
			     " right now; please try again."));
		return false;
	}
	return true;
}

void h_reaction_archive(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct article_list list;
	struct top_cursor cur;
	int64_t *counts;
	int kind, win;
	bool has_cur;
	struct tval *ctx, *stories, *tabs;
	const char *path, *title;
	size_t i;

	if (!load_top(site, req, res, m, &kind, &win, &cur, &has_cur, &list,
		      &counts))
		return;
	path = arena_printf(a, "/reactions/%s/", reaction_names[kind]);
	title = arena_printf(a, tr(req_lang(req), "Most “%s” reactions"),
			     reaction_label(req_lang(req), kind));
	ctx = page_context(site, req, title, arena_printf(a, tr(req_lang(req), "Stories readers"
			   " reacted to with %s on %s."), reaction_label(req_lang(req), kind),
			   site->name), path);
	tv_set_str(a, ctx, "heading", title);
	tv_set_str(a, ctx, "window_label", tr(req_lang(req), windows[win].label));
	tv_set_str(a, ctx, "icon", site_asset_url(site, arena_printf(a,
		   "react-%s.svg", reaction_names[kind])));
	tv_set_str(a, ctx, "label", reaction_label(req_lang(req), kind));
	tv_set_str(a, ctx, "feed", arena_printf(a, "%sfeed.xml?window=%s", path,
						windows[win].name));
	tabs = tv_list(a);
	for (i = 0; i < sizeof(windows) / sizeof(*windows); i++) {
		struct tval *t = tv_map(a);

		tv_set_str(a, t, "label", tr(req_lang(req), windows[i].label));
		tv_set_str(a, t, "url", arena_printf(a, "%s?window=%s", path,
						     windows[i].name));
		tv_set_bool(a, t, "current", (int)i == win);
		tv_push(a, tabs, t);
	}
	tv_set(a, ctx, "windows", tabs);
	stories = tv_list(a);
	for (i = 0; i < list.n; i++) {
		struct tval *v = article_summary_value(site, a, &list.items[i]);

		tv_set_int(a, v, "reaction_count", counts[i]);
		tv_push(a, stories, v);
	}
	tv_set(a, ctx, "stories", stories);
	if (list.more && list.n) {
		char *older = arena_printf(a, "%s?window=%s&before=%" PRId64 ".%"
					   PRId64, path, windows[win].name,
					   counts[list.n - 1],
					   list.items[list.n - 1].id);

		tv_set_str(a, ctx, "older", older);
		tv_set_str(a, page_meta(ctx), "next", absolute_url(site, a, older));
	}
	render_page(site, req, res, "reaction-archive", ctx);
	res->cache_control = "public, max-age=0, s-maxage=10, must-revalidate";
}

void h_reaction_feed(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct article_list list;
	struct top_cursor cur;
	int64_t *counts;
	int kind, win, format = feed_format_of(m->params[1]);
	bool has_cur;
	struct feed f = { 0 };
	const char **notes;
	size_t i;

	if (format < 0) {
		render_error(site, req, res, 404, tr(req_lang(req), "There is no such feed."));
		return;
	}
	if (!load_top(site, req, res, m, &kind, &win, &cur, &has_cur, &list,
		      &counts))
		return;
	notes = arena_alloc(a, (list.n + 1) * sizeof(*notes));
	for (i = 0; i < list.n; i++)
		notes[i] = arena_printf(a, "%" PRId64 " %s", counts[i],
					reaction_label(req_lang(req), kind));
	f.format = (enum feed_format)format;
	/* TRANSLATORS: site name, reaction, period ("Last 7 days"). */
	f.title = arena_printf(a, tr(req_lang(req), "%s: most “%s” reactions"
				     " (%s)"), site->name,
			       reaction_label(req_lang(req), kind), tr(req_lang(req), windows[win].label));
	f.description = arena_printf(a, tr(req_lang(req), "Stories readers reacted to with %s."),
				     reaction_label(req_lang(req), kind));
	f.page_path = arena_printf(a, "/reactions/%s/?window=%s",
				   reaction_names[kind], windows[win].name);
	f.items = list.items;
	f.n = list.n;
	f.notes = notes;
	feed_respond(site, req, res, &f);
	if (res->status && res->status != 200)
		return;
	/* Not in the page cache (the counts move): a body ETag for 304s. */
	body_etag(req, res);
	res->cache_control = "public, max-age=60";
}

int most_reacted_render(struct site *site, struct http_request *req,
			struct buf *out)
{
	struct arena *a = req->arena;
	struct article_list list;
	struct tval *ctx, *stories;
	int64_t *counts, now = time_now();
	struct buf b;
	size_t i;
	int r;

	pthread_mutex_lock(&site->box_lock);
	if (site->box_html && now - site->box_time < MOST_REACTED_TTL_S) {
		r = buf_adds(out, site->box_html);
		pthread_mutex_unlock(&site->box_lock);
		return r;
	}
	pthread_mutex_unlock(&site->box_lock);

	r = store_reaction_top(site->store, a, -1, now - MOST_REACTED_WINDOW,
			       NULL, MOST_REACTED_N, &list, &counts);
	if (r)
		return r;
	ctx = tv_map(a);
	stories = tv_list(a);
	for (i = 0; i < list.n; i++) {
		struct tval *v = article_summary_value(site, a, &list.items[i]);

		tv_set_int(a, v, "reaction_count", counts[i]);
		tv_push(a, stories, v);
	}
	tv_set(a, ctx, "stories", stories);
	tv_set_bool(a, ctx, "any", list.n > 0);
	tv_set_str(a, ctx, "lol", reaction_label(site->lang, reaction_from_name("lol")));
	tv_set_str(a, ctx, "love", reaction_label(site->lang, reaction_from_name("love")));
	tv_set_str(a, ctx, "angry", reaction_label(site->lang,
		   reaction_from_name("angry")));
	tv_set_str(a, ctx, "win", reaction_label(site->lang, reaction_from_name("win")));
	buf_init(&b, a, 64 * 1024);
	if ((r = tmpl_render(site->tmpl, "most-reacted", ctx, &b)))
		return r;
	pthread_mutex_lock(&site->box_lock);
	free(site->box_html);
	site->box_html = xstrdup(b.data);
	site->box_time = now;
	pthread_mutex_unlock(&site->box_lock);
	return buf_add(out, b.data, b.len);
}
