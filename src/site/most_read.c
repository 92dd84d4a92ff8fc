/*
 * most_read.c - page views on the site (views.h) and the "Most read" box
 * of the front and story pages.
 *
 * The box is part of the cached pages, not a hole: the counting thread
 * renders it after every MOST_READ_EVERY flushes, and only when its text
 * changed does it move site->read_epoch, which site_generation() folds
 * in, so cached pages are rendered again with the new box.  A view of a
 * story is noted when its cached page is served (fill_hole() in site.c
 * calls most_read_seen()) and counted once the answer went out with 200
 * or 304 (most_read_done()).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "reader.h"
#include "render/mustache.h"
#include "site.h"
#include "site_int.h"
#include "store/store.h"
#include "views.h"

/* Flushes of the view counts between two renderings of the box. */
#define MOST_READ_EVERY 12
/* Stories in the box, and the days (today and before) it counts. */
#define MOST_READ_N 5
#define MOST_READ_DAYS 2

/* Render the box from the store; NULL when nothing was read (or on a
 * failure: the old box stays). */
static char *render_box(struct site *site, bool *failed)
{
	struct arena *a = arena_new(64 * 1024);
	struct article_list list;
	struct tval *ctx, *stories;
	int64_t *views;
	struct buf b;
	char *html = NULL;
	size_t i;

	*failed = store_most_read(site->store, a, time_now() / 86400 -
				  (MOST_READ_DAYS - 1), MOST_READ_N, &list,
				  &views) != 0;
	if (!*failed && list.n) {
		ctx = tv_map(a);
		stories = tv_list(a);
		for (i = 0; i < list.n; i++)
			tv_push(a, stories, article_summary_value(site, a,
								  &list.items[i]));
		tv_set(a, ctx, "stories", stories);
		buf_init(&b, a, 64 * 1024);
		if (tmpl_render(site->tmpl, "most-read", ctx, &b) || b.overflow)
			*failed = true;
		else
			html = xstrdup(b.data);
	}
	arena_free(a);
	return html;
}

static void refresh(struct site *site)
{
	bool failed;
	char *html = render_box(site, &failed), *old;
	bool changed;

	if (failed) {
		free(html);
		return;
	}
	pthread_mutex_lock(&site->read_lock);
	old = site->read_html;
	changed = (old == NULL) != (html == NULL) ||
		  (old && strcmp(old, html));
	if (changed) {
		site->read_html = html;
		html = old;
	}
	pthread_mutex_unlock(&site->read_lock);
	free(html);
	if (changed)
		atomic_fetch_add(&site->read_epoch, 1);
}

/* views_tick_fn: the box, on the first flush and every few after. */
static void tick(void *ctx)
{
	struct site *site = ctx;

	if (site->read_ticks++ % MOST_READ_EVERY == 0)
		refresh(site);
}

void most_read_start(struct site *site)
{
	pthread_mutex_init(&site->read_lock, NULL);
	if (site->views_off)
		return;
	site->views = views_start(site->store, site->views_flush_ms, tick,
				  site);
	if (!site->views)
		log_warn("page views are not counted: no thread for them");
}

void most_read_stop(struct site *site)
{
	views_stop(site->views);
	site->views = NULL;
	free(site->read_html);
	site->read_html = NULL;
}

void most_read_put(struct site *site, struct http_request *req,
		   struct tval *ctx)
{
	char *html = NULL;

	if (req_lang(req) != site->lang)
		return;	/* a newsroom user's own language: not the box's */
	pthread_mutex_lock(&site->read_lock);
	if (site->read_html)
		html = arena_strdup(req->arena, site->read_html);
	pthread_mutex_unlock(&site->read_lock);
	if (html)
		tv_set_str(req->arena, ctx, "most_read", html);
}

void most_read_seen(struct site *site, struct http_request *req,
		    int64_t article_id)
{
	struct reader_state *rs = req->app;

	if (site->views && rs && views_countable(req))
		rs->view_id = article_id;
}

void most_read_done(struct site *site, struct http_request *req,
		    unsigned status, bool streamed)
{
	struct reader_state *rs = streamed ? NULL : req->app;

	if (rs && rs->view_id && (status == 200 || status == 304))
		views_add(site->views, rs->view_id);
}
