/*
 * comments.c - the comment block under every story ("Comments N", the
 * threads, "Show more comments", the form or "Log in to comment"), the
 * values templates and the JSON API share, live events, and the small
 * helpers of the other comment files (clock, form stamps, ids).
 *
 * The block is rendered into the story page's hole together with the
 * reaction block (reactions_render_block()), so a cached page stays
 * cached: anonymous readers of the first page of comments get a kept
 * block; anyone logged in, or paging or sorting, gets a fresh one.
 */
#include "i18n/dates.h"
#include "comments_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/csrf.h"
#include "auth/ratelimit.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "live.h"
#include "render/comment_md.h"
#include "render/mustache.h"

void comments_start(struct site *site)
{
	if (!site->comment_depth)
		site->comment_depth = 3;
	site->comment_ip = ratelimit_new(site->comment_per_minute);
	site->comment_account = ratelimit_new(site->comment_per_minute);
}

void comments_stop(struct site *site)
{
	ratelimit_free(site->comment_ip);
	ratelimit_free(site->comment_account);
	site->comment_ip = site->comment_account = NULL;
}

int64_t comments_now(void)
{
	const char *path = getenv("DATELINE_TEST_CLOCK_FILE");
	int64_t now = time_now();
	char text[32];
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "r")))
		return now;
	if (fgets(text, sizeof(text), f))
		now += strtoll(text, NULL, 10);
	fclose(f);
	return now;
}

bool comments_moderator(const struct reader_state *rs)
{
	return rs && rs->logged_in && rs->account.role >= ROLE_EDITOR;
}

int64_t comments_param_id(struct http_request *req,
			  const struct route_match *m, size_t i)
{
	char *s = str_dup(req->arena, m->params[i]), *end;
	long long v;

	if (!*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end || v <= 0 ? 0 : (int64_t)v;
}

const char *comments_form_stamp(struct site *site, struct arena *a,
				int64_t now)
{
	char mac[CSRF_TOKEN_SIZE];

	csrf_token(site->csrf_key, arena_printf(a, "cstamp:%" PRId64, now), mac);
	return arena_printf(a, "%" PRId64 ".%s", now, mac);
}

bool comments_stamp_ok(struct site *site, struct arena *a, const char *v,
		       int64_t now)
{
	const char *dot = v ? strchr(v, '.') : NULL;
	char *end;
	long long t;

	if (!dot || dot == v || dot - v > 18)
		return false;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (errno || end != dot)
		return false;
	if (!csrf_token_ok(site->csrf_key, arena_printf(a, "cstamp:%lld", t),
			   dot + 1))
		return false;
	return now - t >= site->comment_min_seconds;
}

const char *comments_unsub_path(struct site *site, struct arena *a,
				int64_t id)
{
	char mac[CSRF_TOKEN_SIZE];

	csrf_token(site->csrf_key, arena_printf(a, "unsub:%" PRId64, id), mac);
	return arena_printf(a, "/comments/unsubscribe/%" PRId64 ".%s", id, mac);
}

const char *comments_author(struct arena *a, const struct comment *c)
{
	const char *n;

	if (!*c->author)
		return "[deleted account]";
	n = comment_clean(a, c->author, strlen(c->author), NULL);
	return n && *n ? n : "[no name]";
}

/*
 * "just now", "5 minutes ago", "3 hours ago", "2 days ago", or the date.
 * The page script says the same from the strings comments_script_strings()
 * gives it, so keep the two in step.
 */
static const char *ago(const struct i18n_lang *l, struct arena *a,
		       int64_t now, int64_t t)
{
	unsigned long d = now > t ? (unsigned long)(now - t) : 0;

	if (d < 60)
		return tr(l, "just now");
	if (d < 3600)
		return arena_printf(a, trn(l, "%lu minute ago", "%lu minutes ago",
					   d / 60), d / 60);
	if (d < 86400)
		return arena_printf(a, trn(l, "%lu hour ago", "%lu hours ago",
					   d / 3600), d / 3600);
	if (d < 30 * 86400)
		return arena_printf(a, trn(l, "%lu day ago", "%lu days ago",
					   d / 86400), d / 86400);
	return i18n_date(l, a, t);
}


struct tval *comment_value(struct site *site, struct arena *a,
			   const struct comment *c,
			   const struct reader_state *rs, const char *csrf,
			   int64_t now)
{
	struct tval *v = tv_map(a);
	/* Only visible comments and placeholders are shown (see nest()). */
	bool in = rs && rs->logged_in, deleted = c->status != COMMENT_VISIBLE;
	bool own = in && c->account_id == rs->account.id;
	/* A banned reader may delete, but not write or judge. */
	bool acts = in && !rs->account.banned;

	/* Every key is set on every comment: a missing one would be looked
	 * up in the enclosing comment (Mustache context stack). */
	tv_set_int(a, v, "id", c->id);
	tv_set_int(a, v, "depth", c->depth);
	tv_set_bool(a, v, "deleted", deleted);
	tv_set_bool(a, v, "removed", deleted && c->status != COMMENT_DELETED);
	tv_set_str(a, v, "author", comments_author(a, c));
	tv_set_str(a, v, "html", deleted ? "" : c->html);
	tv_set_str(a, v, "iso", time_iso(a, c->created));
	/* Comments show in the site's language (also when sent live). */
	tv_set_str(a, v, "ago", ago(site->lang, a, now, c->created));
	tv_set_str(a, v, "exact", i18n_datetime(site->lang, a, c->created));
	tv_set_bool(a, v, "edited", c->edited != 0);
	tv_set_int(a, v, "likes", c->likes);
	tv_set_str(a, v, "liked", c->liked ? "true" : "false");
	tv_set_bool(a, v, "can_like", acts && !own && !deleted);
	tv_set_bool(a, v, "can_reply", acts && rs->account.verified &&
		    !deleted && c->depth < site->comment_depth);
	tv_set_bool(a, v, "can_edit", acts && own && !deleted &&
		    now - c->created < COMMENT_EDIT_S);
	tv_set_bool(a, v, "can_delete", !deleted && (own ||
		    comments_moderator(rs)));
	tv_set_bool(a, v, "can_report", acts && !own && !deleted);
	tv_set_str(a, v, "csrf", csrf ? csrf : "");
	tv_set_bool(a, v, "has_replies", false);
	tv_set(a, v, "replies", tv_list(a));
	return v;
}

void comment_json(struct site *site, struct arena *a, struct buf *b,
		  const struct comment *c, int64_t now)
{
	/* A placeholder of a list (store_comments_list()) has no text; the
	 * held comment its author just posted has. */
	bool gone = c->status != COMMENT_VISIBLE && !*c->body;
	bool deleted = c->status == COMMENT_DELETED;

	(void)now;
	buf_printf(b, "{\"id\":%" PRId64 ",\"parent\":", c->id);
	if (c->parent_id)
		buf_printf(b, "%" PRId64, c->parent_id);
	else
		buf_adds(b, "null");
	buf_printf(b, ",\"depth\":%d,\"author\":", c->depth);
	{
		const char *name = gone ? "" : comments_author(a, c);

		json_escape(b, name, strlen(name));
	}
	buf_adds(b, ",\"body\":");
	json_escape(b, c->body, strlen(c->body));
	buf_adds(b, ",\"html\":");
	if (gone)
		buf_adds(b, "\"\"");
	else
		json_escape(b, c->html, strlen(c->html));
	buf_printf(b, ",\"created\":\"%s\",\"edited\":", time_iso(a, c->created));
	if (c->edited)
		buf_printf(b, "\"%s\"", time_iso(a, c->edited));
	else
		buf_adds(b, "null");
	buf_printf(b, ",\"likes\":%" PRId64 ",\"liked\":%s,\"deleted\":%s,"
		   "\"status\":\"%s\"", c->likes, c->liked ? "true" : "false",
		   deleted ? "true" : "false",
		   c->status == COMMENT_VISIBLE ? "visible" :
		   c->status == COMMENT_HELD && !gone ? "held" :
		   c->status == COMMENT_DELETED ? "deleted" : "removed");
	(void)site;
}

/* The "comment" event on this node's streams only. */
static void publish_here(struct site *site, struct arena *a,
			 const struct comment *c, int64_t count)
{
	struct tval *ctx = tv_map(a), *list = tv_list(a);
	struct buf html, b;

	tv_push(a, list, comment_value(site, a, c, NULL, NULL, comments_now()));
	tv_set(a, ctx, "comments", list);
	buf_init(&html, a, 64 * 1024);
	if (tmpl_render(site->tmpl, "comment-one", ctx, &html))
		return;
	buf_init(&b, a, 256 * 1024);
	buf_printf(&b, "{\"id\":%" PRId64 ",\"parent\":%" PRId64
		   ",\"count\":%" PRId64 ",\"html\":", c->id, c->parent_id, count);
	json_escape(&b, html.data, html.len);
	buf_addch(&b, '}');
	if (!b.overflow)
		live_publish(site->live, c->article_id, "comment", b.data);
}

static void publish_count_here(struct site *site, int64_t article_id,
			       int64_t count)
{
	char data[64];

	snprintf(data, sizeof(data), "{\"count\":%" PRId64 "}", count);
	live_publish(site->live, article_id, "comment-count", data);
}

/*
 * Here and, through the store, on the other nodes on the same database
 * (no-op on SQLite); a lost announcement costs other nodes' open pages
 * one live update, never data, so its failure is only logged.
 */
void comments_publish(struct site *site, struct arena *a,
		      const struct comment *c, int64_t count)
{
	int r;

	publish_here(site, a, c, count);
	r = store_comment_announce(site->store, COMMENT_SHOWN, c->article_id,
				   c->id);
	if (r && r != ERR_UNSUPPORTED)
		log_warn("comment %" PRId64 " not announced to other nodes: %s",
			 c->id, err_str(r));
}

void comments_publish_count(struct site *site, int64_t article_id,
			    int64_t count)
{
	int r;

	publish_count_here(site, article_id, count);
	r = store_comment_announce(site->store, COMMENT_SHOWN, article_id, 0);
	if (r && r != ERR_UNSUPPORTED)
		log_warn("comment count of article %" PRId64 " not announced"
			 " to other nodes: %s", article_id, err_str(r));
}

static void publish_likes_here(struct site *site, int64_t article_id,
			       int64_t comment_id, int64_t likes)
{
	char data[80];

	snprintf(data, sizeof(data), "{\"id\":%" PRId64 ",\"likes\":%" PRId64
		 "}", comment_id, likes);
	live_publish(site->live, article_id, "comment-likes", data);
}

void comments_publish_likes(struct site *site, int64_t article_id,
			    int64_t comment_id, int64_t likes)
{
	int r;

	publish_likes_here(site, article_id, comment_id, likes);
	r = store_comment_announce(site->store, COMMENT_LIKES, article_id,
				   comment_id);
	if (r && r != ERR_UNSUPPORTED)
		log_warn("likes of comment %" PRId64 " not announced to other"
			 " nodes: %s", comment_id, err_str(r));
}

/* Another node changed the likes of @comment_id: its count now, here. */
static void remote_likes(struct site *site, int64_t article_id,
			 int64_t comment_id)
{
	struct arena *a = arena_new(64 * 1024);
	struct comment c;

	if (!store_comment_get(site->store, a, comment_id, 0, &c) &&
	    c.article_id == article_id && c.status == COMMENT_VISIBLE)
		publish_likes_here(site, article_id, comment_id, c.likes);
	arena_free(a);
}

void comments_remote(void *ctx, enum comment_event ev, int64_t article_id,
		     int64_t comment_id)
{
	struct site *site = ctx;
	struct comment_settings cs;
	struct arena *a;
	struct comment c;

	/* The kept block shows counts and likes: it is rebuilt. */
	block_drop(site->blocks, article_id);
	if (ev == COMMENT_LIKES) {
		remote_likes(site, article_id, comment_id);
		return;
	}
	if (store_comment_settings(site->store, article_id, &cs))
		return;
	if (!comment_id) {
		publish_count_here(site, article_id, cs.count);
		return;
	}
	a = arena_new(64 * 1024);
	if (!store_comment_get(site->store, a, comment_id, 0, &c) &&
	    c.article_id == article_id && c.status == COMMENT_VISIBLE)
		publish_here(site, a, &c, cs.count);
	arena_free(a);
}

/* The sort and position of comments this request asks for. */
static void block_query(struct http_request *req, struct comment_query *q,
			struct cursor *after, const char **sort_name)
{
	const char *sort = http_query(req, "csort");
	const char *pos = http_query(req, "cafter");

	q->sort = COMMENT_OLDEST;
	*sort_name = "oldest";
	if (sort && !strcmp(sort, "newest")) {
		q->sort = COMMENT_NEWEST;
		*sort_name = "newest";
	} else if (sort && !strcmp(sort, "liked")) {
		q->sort = COMMENT_LIKED;
		*sort_name = "liked";
	}
	q->after = NULL;
	if (pos && parse_keyset(pos, &after->published, &after->id))
		q->after = after;
}

bool comments_block_personal(struct site *site, struct http_request *req)
{
	return site_reader(site, req)->logged_in || http_query(req, "csort") ||
	       http_query(req, "cafter");
}

/*
 * Nest the page's comments (pre-order by thread) into @top, leaving out
 * deleted comments that have no visible reply under them.
 */
static void nest(struct site *site, struct arena *a,
		 const struct comment_page *pg, const struct reader_state *rs,
		 const char *csrf, int64_t now, struct tval *top)
{
	size_t n = pg->n, i, j;
	long *parent = arena_alloc(a, (n + 1) * sizeof(*parent));
	bool *live = arena_alloc(a, n + 1);
	struct tval **vals = arena_alloc(a, (n + 1) * sizeof(*vals));

	for (i = 0; i < n; i++) {
		parent[i] = -1;
		live[i] = pg->items[i].status == COMMENT_VISIBLE;
		if (!pg->items[i].parent_id)
			continue;
		for (j = i; j-- > 0;)
			if (pg->items[j].id == pg->items[i].parent_id) {
				parent[i] = (long)j;
				break;
			}
	}
	for (i = n; i-- > 0;)
		if (live[i] && parent[i] >= 0)
			live[parent[i]] = true;
	for (i = 0; i < n; i++) {
		struct tval *pv;

		vals[i] = NULL;
		if (!live[i])
			continue;
		vals[i] = comment_value(site, a, &pg->items[i], rs, csrf, now);
		if (pg->items[i].depth == 0) {
			tv_push(a, top, vals[i]);
			continue;
		}
		if (parent[i] < 0 || !(pv = vals[parent[i]]))
			continue;
		tv_push(a, tv_get(pv, "replies", 7), vals[i]);
		tv_set_bool(a, pv, "has_replies", true);
	}
}

int comments_render_block(struct site *site, struct http_request *req,
			  int64_t article_id, const char *slug,
			  struct buf *out)
{
	struct arena *a = req->arena;
	struct reader_state *rs = site_reader(site, req);
	struct comment_settings cs;
	struct comment_query q = { 0 };
	struct comment_page pg;
	struct cursor after;
	struct tval *ctx = tv_map(a), *top = tv_list(a), *sorts = tv_list(a);
	char token[CSRF_TOKEN_SIZE];
	const char *sort_name, *csrf = NULL;
	static const char *const sort_keys[] = { "oldest", "newest", "liked" };
	static const char *const sort_labels[] = { N_("Oldest"), N_("Newest"),
						   N_("Most liked") };
	int64_t now = comments_now();
	bool closed;
	size_t i;
	int r;

	if ((r = store_comment_settings(site->store, article_id, &cs)))
		return r;
	block_query(req, &q, &after, &sort_name);
	q.article_id = article_id;
	q.limit = COMMENT_PAGE;
	q.viewer = rs->logged_in ? rs->account.id : 0;
	if ((r = store_comments_list(site->store, a, &q, &pg)))
		return r;
	if (rs->logged_in) {
		csrf_token(site->csrf_key, site_csrf_subject(site, req), token);
		csrf = arena_strdup(a, token);
	}
	closed = cs.closed || (site->comment_close_days > 0 &&
			       now >= cs.published +
			       (int64_t)site->comment_close_days * 86400);
	nest(site, a, &pg, rs, csrf, now, top);
	tv_set_str(a, ctx, "slug", slug);
	tv_set_int(a, ctx, "count", cs.count);
	tv_set(a, ctx, "comments", top);
	/* What the reader sees: a page of only pruned placeholders is empty. */
	tv_set_bool(a, ctx, "empty", top->u.list.n == 0);
	/* After a form post (only logged-in readers post: never cached). */
	if (rs->logged_in && http_query(req, "cheld"))
		tv_set_str(a, ctx, "notice", tr(req_lang(req), "Thank you. Your comment will"
			   " appear once a moderator has approved it."));
	else if (rs->logged_in && http_query(req, "creported"))
		tv_set_str(a, ctx, "notice", tr(req_lang(req), "Thank you for the report. A"
			   " moderator will look at the comment."));
	for (i = 0; i < 3; i++) {
		struct tval *s = tv_map(a);

		tv_set_str(a, s, "label", tr(req_lang(req), sort_labels[i]));
		tv_set_str(a, s, "href", arena_printf(a, "?csort=%s#comments",
			   sort_keys[i]));
		tv_set_bool(a, s, "current", !strcmp(sort_name, sort_keys[i]));
		tv_push(a, sorts, s);
	}
	tv_set(a, ctx, "sorts", sorts);
	if (pg.more)
		tv_set_str(a, ctx, "more", arena_printf(a, "?csort=%s&cafter=%"
			   PRId64 ".%" PRId64 "#comments", sort_name,
			   pg.next.published, pg.next.id));
	if (closed) {
		tv_set_bool(a, ctx, "closed", true);
	} else if (!rs->logged_in) {
		struct buf b;

		buf_init(&b, a, 2048);
		url_encode(&b, req->path ? req->path : "/", req->path ?
			   strlen(req->path) : 1);
		tv_set_str(a, ctx, "login_next", arena_printf(a, "%s%%23comments",
			   b.data));
	} else if (rs->account.banned) {
		tv_set_str(a, ctx, "banned", reader_banned_text(req_lang(req)));
	} else if (!rs->account.verified) {
		tv_set_bool(a, ctx, "unverified", true);
	} else {
		struct tval *f = tv_map(a);

		tv_set_str(a, f, "action", arena_printf(a, "/comments/new/%s", slug));
		tv_set_str(a, f, "csrf", csrf);
		tv_set_str(a, f, "stamp", comments_form_stamp(site, a, now));
		tv_set_str(a, f, "button", tr(req_lang(req), "Post comment"));
		tv_set_str(a, f, "body", "");
		tv_set_str(a, f, "parent", "");
		tv_set(a, ctx, "form", f);
	}
	if (comments_moderator(rs)) {
		struct tval *set = tv_map(a), *modes = tv_list(a);

		tv_set_str(a, set, "action", arena_printf(a,
			   "/comments/settings/%s", slug));
		tv_set_str(a, set, "csrf", csrf);
		tv_set_bool(a, set, "closed", cs.closed);
		for (i = 0; i <= COMMENT_MODES; i++) {
			struct tval *m = tv_map(a);
			int mode = (int)i - 1;

			tv_set_str(a, m, "value", mode < 0 ? "site" :
				   comment_mode_names[mode]);
			tv_set_str(a, m, "label", mode < 0 ? tr(req_lang(req), "The site's default") :
				   mode == COMMENT_OPEN ? tr(req_lang(req), "Open") :
				   mode == COMMENT_HOLD_FIRST ?
				   tr(req_lang(req), "Hold the first comment of new accounts") :
				   tr(req_lang(req), "Hold every comment"));
			tv_set_bool(a, m, "selected", cs.mode == mode);
			tv_push(a, modes, m);
		}
		tv_set(a, set, "modes", modes);
		tv_set(a, ctx, "settings", set);
	}
	return tmpl_render(site->tmpl, "comments", ctx, out);
}

/* ---- GET /api/v1/articles/{slug}/comments ---- */

/* Append item @i and its replies (live ones) as JSON. */
static void json_thread(struct site *site, struct arena *a, struct buf *b,
			const struct comment_page *pg, const long *first,
			const long *next, const bool *live, long i,
			int64_t now)
{
	long k;
	bool any = false;

	comment_json(site, a, b, &pg->items[i], now);
	buf_adds(b, ",\"replies\":[");
	for (k = first[i]; k >= 0; k = next[k]) {
		if (!live[k])
			continue;
		if (any)
			buf_addch(b, ',');
		any = true;
		json_thread(site, a, b, pg, first, next, live, k, now);
	}
	buf_adds(b, "]}");
}

void h_comments_get(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct reader_state *rs = site_reader(site, req);
	char *slug = str_dup(a, m->params[0]);
	const char *sort = http_query(req, "sort"), *after = http_query(req, "after");
	const char *limit = http_query(req, "limit");
	static const char *const names[] = { "oldest", "newest", "liked" };
	struct comment_query q = { 0 };
	struct comment_settings cs;
	struct comment_page pg;
	struct cursor cur;
	long *parent, *first, *next, *last;
	bool *live, any = false;
	int64_t id, now = comments_now();
	size_t i, j;
	int r;

	r = slug_valid(slug) ? store_article_id(site->store, slug, &id) :
			       ERR_NOTFOUND;
	if (r) {
		json_error(res, err_http_status(r),
			   r == ERR_NOTFOUND ? "no such article" :
			   "the article cannot be read now");
		return;
	}
	q.sort = COMMENT_OLDEST;
	if (sort) {
		for (i = 0; i < 3 && strcmp(sort, names[i]); i++)
			;
		if (i == 3) {
			json_error(res, 400, "sort is oldest, newest or"
				   " liked");
			return;
		}
		q.sort = (enum comment_sort)i;
	}
	if (after || http_query_bad(req, "after")) {
		if (!after || !parse_keyset(after, &cur.published, &cur.id)) {
			json_error(res, 400, "after is malformed");
			return;
		}
		q.after = &cur;
	}
	q.limit = COMMENT_PAGE;
	if (limit) {
		if (strspn(limit, "0123456789") != strlen(limit) || !*limit ||
		    strlen(limit) > 3 || atoi(limit) < 1 || atoi(limit) > 100) {
			json_error(res, 400, "limit is 1 to 100");
			return;
		}
		q.limit = (size_t)atoi(limit);
	}
	q.article_id = id;
	q.viewer = rs->logged_in ? rs->account.id : 0;
	if (store_comment_settings(site->store, id, &cs) ||
	    store_comments_list(site->store, a, &q, &pg)) {
		json_error(res, 503, "comments cannot be read now");
		return;
	}
	parent = arena_alloc(a, (pg.n + 1) * sizeof(long));
	first = arena_alloc(a, (pg.n + 1) * sizeof(long));
	next = arena_alloc(a, (pg.n + 1) * sizeof(long));
	last = arena_alloc(a, (pg.n + 1) * sizeof(long));
	live = arena_alloc(a, pg.n + 1);
	for (i = 0; i < pg.n; i++) {
		parent[i] = first[i] = next[i] = last[i] = -1;
		live[i] = pg.items[i].status == COMMENT_VISIBLE;
		if (!pg.items[i].parent_id)
			continue;
		for (j = i; j-- > 0;)
			if (pg.items[j].id == pg.items[i].parent_id) {
				parent[i] = (long)j;
				break;
			}
		if (parent[i] < 0)
			continue;
		if (last[parent[i]] < 0)
			first[parent[i]] = (long)i;
		else
			next[last[parent[i]]] = (long)i;
		last[parent[i]] = (long)i;
	}
	for (i = pg.n; i-- > 0;)
		if (live[i] && parent[i] >= 0)
			live[parent[i]] = true;
	res->content_type = "application/json";
	res->cache_control = "no-store";
	buf_printf(&res->body, "{\"count\":%" PRId64 ",\"sort\":\"%s\","
		   "\"comments\":[", cs.count, names[q.sort]);
	for (i = 0; i < pg.n; i++) {
		if (pg.items[i].depth != 0 || !live[i])
			continue;
		if (any)
			buf_addch(&res->body, ',');
		any = true;
		json_thread(site, a, &res->body, &pg, first, next, live, (long)i,
			    now);
	}
	buf_adds(&res->body, "],\"next\":");
	if (pg.more)
		buf_printf(&res->body, "\"/api/v1/articles/%s/comments?sort=%s"
			   "&after=%" PRId64 ".%" PRId64 "\"}", slug,
			   names[q.sort], pg.next.published, pg.next.id);
	else
		buf_adds(&res->body, "null}");
	if (res->body.overflow)
		json_error(res, 500, "the answer is too large");
}
