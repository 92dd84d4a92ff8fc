/*
 * store_comments.c - comments, their likes and reports, moderation and
 * per-article comment settings (sql/{sqlite,postgres}/004_comments.sql),
 * written once over the driver (db.h).
 *
 * Every write that changes what a page shows (a visible comment, an edit,
 * a deletion, a moderation decision, a ban, the settings) moves the
 * content version in its transaction (db_content_bump(); on PostgreSQL
 * that also notifies the other nodes), so the page caches of every
 * process and node follow.  Counts are kept by triggers, so they always
 * equal the rows.  A reply notification is queued in the transaction that
 * makes the reply visible, the moderators' mail in the transaction that
 * holds a comment or brings it to the queue with a first report.
 *
 * A failed statement aborts a PostgreSQL transaction, so every refusal is
 * decided by a read before anything is written.  PostgreSQL lets writers
 * of several nodes run at once, so the rows such a decision rests on are
 * locked (FOR UPDATE); SQLite's BEGIN IMMEDIATE already admits one writer
 * at a time, and its texts leave the lock out.
 */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

const char *const comment_mode_names[COMMENT_MODES] = {
	"open", "first", "all",
};

/*
 * Replies of one thread a page shows at most: a bound on one request's
 * memory far above any thread a reader follows (a thread of 2,000
 * replies renders whole, tests/e2e/comments-size.test.mjs).
 */
#define THREAD_MAX "10000"

/* Columns of struct comment; @v is the viewer's parameter (for "liked"). */
#define CMT_COLS(v) \
	"c.id, c.article_id, coalesce(c.parent_id, 0), c.root_id, c.depth," \
	" coalesce(c.account_id, 0), coalesce(a.name, c.guest_name, ''), c.body," \
	" c.status," \
	" c.likes, c.reports, c.created, coalesce(c.edited, 0)," \
	" EXISTS (SELECT 1 FROM comment_likes l WHERE l.comment_id = c.id" \
	" AND l.account_id = CAST(" v " AS BIGINT)), c.html"
#define CMT_NCOLS 15
/* What store_comment_get() and the queue add, from CMT_NCOLS on. */
#define CMT_MORE \
	", coalesce(a.email, ''), coalesce(a.reply_mail, 0), ar.slug," \
	" ar.headline"
#define CMT_FROM " FROM comments c LEFT JOIN accounts a ON a.id = c.account_id"
#define CMT_FROM_MORE CMT_FROM " JOIN articles ar ON ar.id = c.article_id"

/*
 * Top-level comments of article ?1 after the keyset (?2, ?3) in one sort
 * order, at most ?4, viewer ?5: only @key, @cmp and @order differ.  A
 * top-level comment that is not visible (deleted, held, rejected, spam)
 * is listed only while a visible reply is in its thread (every comment of
 * the thread is below it), so it can hold that reply as a placeholder.
 */
#define CMT_TOP(key, cmp, order) DBQ( \
	"SELECT " CMT_COLS("?5") CMT_FROM " WHERE c.article_id = ?1" \
	" AND c.depth = 0 AND (c.status = 0 OR EXISTS (SELECT 1 FROM comments r" \
	" WHERE r.root_id = c.id AND r.depth > 0 AND r.status = 0))" \
	" AND (" key ", c.id) " cmp \
	" (CAST(?2 AS BIGINT), CAST(?3 AS BIGINT)) ORDER BY " order \
	" LIMIT CAST(?4 AS BIGINT)")

/* Fill @c from CMT_COLS of the row of @st (the rest ""). */
static void read_comment(struct dbs *st, struct arena *ar, struct comment *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_int(st, 0);
	c->article_id = db_int(st, 1);
	c->parent_id = db_int(st, 2);
	c->root_id = db_int(st, 3);
	c->depth = (int)db_int(st, 4);
	c->account_id = db_int(st, 5);
	c->author = db_text0(st, ar, 6);
	c->body = db_text0(st, ar, 7);
	c->status = (enum comment_status)db_int(st, 8);
	c->likes = db_int(st, 9);
	c->reports = db_int(st, 10);
	c->created = db_int(st, 11);
	c->edited = db_int(st, 12);
	c->liked = db_int(st, 13) != 0;
	c->html = db_text0(st, ar, 14);
	c->author_email = "";
	c->article_slug = c->article_headline = "";
}

/* Fill @c from CMT_COLS and CMT_MORE. */
static void read_comment_more(struct dbs *st, struct arena *ar,
			      struct comment *c)
{
	read_comment(st, ar, c);
	c->author_email = db_text0(st, ar, CMT_NCOLS);
	c->author_wants_mail = db_int(st, CMT_NCOLS + 1) != 0;
	c->article_slug = db_text0(st, ar, CMT_NCOLS + 2);
	c->article_headline = db_text0(st, ar, CMT_NCOLS + 3);
}

/* A growing arena array of comments. */
struct cvec {
	struct comment *v;
	size_t n, cap;
};

/* The next free element of @cv (the array doubles when full). */
static struct comment *cvec_push(struct cvec *cv, struct arena *ar)
{
	if (cv->n == cv->cap) {
		size_t cap = cv->cap ? cv->cap * 2 : 32;
		struct comment *v = arena_alloc(ar, cap * sizeof(*v));

		if (cv->n)
			memcpy(v, cv->v, cv->n * sizeof(*v));
		cv->v = v;
		cv->cap = cap;
	}
	return &cv->v[cv->n++];
}

/* Append every row of @st to @cv: 0 or an error. */
static int cvec_rows(struct cvec *cv, struct dbs *st, struct arena *ar)
{
	int r;

	while ((r = db_step(st)) == 1)
		read_comment(st, ar, cvec_push(cv, ar));
	return r;
}

/*
 * A comment a page lists but may not show (not visible: deleted, held,
 * rejected, spam) keeps only its place in the thread: no text, no name.
 */
static void placeholder(struct comment *c)
{
	if (c->status == COMMENT_VISIBLE)
		return;
	c->body = c->html = c->author = "";
}

/* Queue every message of @b (may be NULL): 0 or an error. */
static int outbox_batch_insert(struct dbc *c, const struct outbox_batch *b,
			       int64_t now)
{
	size_t i;
	int r = 0;

	for (i = 0; b && !r && i < b->n; i++)
		r = outbox_insert(c, b->msgs[i], now);
	return r;
}

/* Locked on PostgreSQL: the decision to accept rests on this row. */
static struct dbq q_article = DBQ2(
	"SELECT published, comment_mode, comments_closed FROM articles"
	" WHERE id = ?1 AND status = 1 AND published <= ?2",
	"SELECT published, comment_mode, comments_closed FROM articles"
	" WHERE id = $1 AND status = 1 AND published <= $2::bigint FOR UPDATE");

/*
 * Admission, step 1: article p->article_id must be published and open.
 * *mode gets its moderation mode (else the site's).  0 with p->refusal
 * set or not, ERR_NOTFOUND, or an error.
 */
static int check_article(struct dbc *c, struct comment_post *p, int *mode)
{
	struct dbs *st = db_query(c, &q_article, DB_I(p->article_id),
				  DB_I(p->now));
	int64_t published;
	int r;

	if ((r = db_row(st)))
		return r;
	published = db_int(st, 0);
	*mode = db_is_null(st, 1) ? (int)p->site_mode : (int)db_int(st, 1);
	if (db_int(st, 2) ||
	    (p->close_after > 0 && p->now >= published + p->close_after))
		p->refusal = COMMENT_CLOSED;
	return 0;
}

static struct dbq q_parent = DBQ(
	"SELECT article_id, root_id, depth, status FROM comments"
	" WHERE id = ?1");

/*
 * Admission, step 3: a reply needs a visible parent on the same article
 * and room below it.  *root and *depth get the new comment's place (0 and
 * 0 for a top-level one).  0 with p->refusal set or not, or an error.
 */
static int check_parent(struct dbc *c, struct comment_post *p, int64_t *root,
			int *depth)
{
	struct dbs *st;
	int r;

	*root = 0;
	*depth = 0;
	if (!p->parent_id)
		return 0;
	st = db_query(c, &q_parent, DB_I(p->parent_id));
	r = db_row(st);
	if (r == ERR_NOTFOUND || (!r && (db_int(st, 0) != p->article_id ||
					 db_int(st, 3) != COMMENT_VISIBLE))) {
		p->refusal = COMMENT_NO_PARENT;
		return 0;
	}
	if (r)
		return r;
	*root = db_int(st, 1);
	*depth = (int)db_int(st, 2) + 1;
	if (*depth > p->max_depth)
		p->refusal = COMMENT_TOO_DEEP;
	return 0;
}

static struct dbq q_banned = DBQ("SELECT banned FROM accounts WHERE id = ?1");
static struct dbq q_dup = DBQ(
	"SELECT 1 FROM comments WHERE account_id = ?1 AND body_hash = ?2"
	" AND created >= CAST(?3 AS BIGINT) AND status <> 4 LIMIT 1");

/*
 * Every check of a new comment, inside its transaction and before any
 * write: closed, banned, parent and depth, duplicate.  0 with p->refusal
 * set or not, or an error.
 */
static int post_checks(struct dbc *c, struct comment_post *p, int64_t *root,
		       int *depth, int *mode)
{
	int64_t v = 0;
	int r;

	if ((r = check_article(c, p, mode)) || p->refusal)
		return r;
	if ((r = db_get_int(c, &q_banned, &v, DB_I(p->account_id))))
		return r;
	if (v) {
		p->refusal = COMMENT_BANNED;
		return 0;
	}
	if ((r = check_parent(c, p, root, depth)) || p->refusal)
		return r;
	r = db_get_int(c, &q_dup, &v, DB_I(p->account_id), DB_T(p->body_hash),
		       DB_I(p->now - p->dup_window));
	if (r == 0)
		p->refusal = COMMENT_DUPLICATE;
	return r == ERR_NOTFOUND ? 0 : r;
}

static struct dbq q_has_visible = DBQ(
	"SELECT 1 FROM comments WHERE account_id = ?1 AND status = 0 LIMIT 1");

/* The status a comment admitted under @mode gets: 0 or an error. */
static int post_status(struct dbc *c, struct comment_post *p, int mode)
{
	int64_t v;
	int r;

	p->status = COMMENT_VISIBLE;
	if (p->hold || mode == COMMENT_HOLD_ALL) {
		p->status = COMMENT_HELD;
	} else if (mode == COMMENT_HOLD_FIRST) {
		/* Held until the account has one visible comment. */
		r = db_get_int(c, &q_has_visible, &v, DB_I(p->account_id));
		if (r == ERR_NOTFOUND)
			p->status = COMMENT_HELD;
		else if (r)
			return r;
	}
	return 0;
}

static struct dbq q_insert = DBQ(
	"INSERT INTO comments (article_id, parent_id, root_id, depth,"
	" account_id, body, body_hash, status, ip, created, html)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id");
static struct dbq q_root = DBQ(
	"UPDATE comments SET root_id = id WHERE id = ?1");
static struct dbq q_count = DBQ(
	"SELECT comment_count FROM articles WHERE id = ?1");

/* Write admitted comment @p at (@root, @depth): 0 or an error. */
static int post_write(struct dbc *c, struct comment_post *p, int64_t root,
		      int depth)
{
	int r;

	r = db_get_int(c, &q_insert, &p->id, DB_I(p->article_id),
		       p->parent_id ? DB_I(p->parent_id) : DB_NULL, DB_I(root),
		       DB_I(depth), DB_I(p->account_id), DB_T(p->body),
		       DB_T(p->body_hash), DB_I(p->status),
		       DB_T(p->ip ? p->ip : ""), DB_I(p->now), DB_T(p->html));
	/* A top-level comment is the root of its own thread. */
	if (!r && !root)
		r = db_exec(c, &q_root, DB_I(p->id));
	if (!r && p->status == COMMENT_VISIBLE) {
		outbox_insert(c, p->mail, p->now);
		db_content_bump(c);
	} else if (!r) {
		outbox_batch_insert(c, &p->held_mail, p->now);
	}
	if (!r)
		r = db_get_int(c, &q_count, &p->count, DB_I(p->article_id));
	return r;
}

int store_comment_post(struct store *s, struct comment_post *p)
{
	int64_t root = 0;
	int depth = 0, mode = COMMENT_OPEN, r;
	struct dbc *c;

	if (!p->article_id || !p->account_id || !p->body || !*p->body ||
	    !p->body_hash || !p->html || p->max_depth < 0 || p->parent_id < 0)
		return ERR_INVALID;
	p->refusal = COMMENT_ACCEPTED;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	r = post_checks(c, p, &root, &depth, &mode);
	if (!r && !p->refusal && !(r = post_status(c, p, mode)))
		r = post_write(c, p, root, depth);
	if (!r && p->refusal)
		db_end(c, ERR_INVALID);	/* refused: nothing written */
	else
		r = db_end(c, r);
	db_put(c);
	return r;
}

/* By enum comment_sort. */
static struct dbq q_top[] = {
	CMT_TOP("c.created", ">", "c.created, c.id"),
	CMT_TOP("c.created", "<", "c.created DESC, c.id DESC"),
	CMT_TOP("c.likes", "<", "c.likes DESC, c.id DESC"),
};

/*
 * The top-level comments of the page @q asks for, from keyset @after
 * (NULL: the first page), into @top, and where the next page starts into
 * @out.  0 or an error.
 */
static int list_top(struct dbc *c, struct arena *ar,
		    const struct comment_query *q, const struct cursor *after,
		    struct cvec *top, struct comment_page *out)
{
	int64_t from = q->sort == COMMENT_OLDEST ? INT64_MIN : INT64_MAX;
	struct cursor k = after ? *after : (struct cursor){ from, from };
	struct comment *last;
	int r;

	/* One more than asked: whether another page follows. */
	r = cvec_rows(top, db_query(c, &q_top[q->sort], DB_I(q->article_id),
				    DB_I(k.published), DB_I(k.id),
				    DB_I((int64_t)q->limit + 1),
				    DB_I(q->viewer)), ar);
	if (r || top->n <= q->limit)
		return r;
	top->n = q->limit;
	last = &top->v[top->n - 1];
	out->more = true;
	out->next.published = q->sort == COMMENT_LIKED ? last->likes :
			      last->created;
	out->next.id = last->id;
	return 0;
}

/* Every status: a removed reply may hold visible ones below it. */
static struct dbq q_thread = DBQ(
	"SELECT " CMT_COLS("?2") CMT_FROM " WHERE c.root_id = ?1"
	" AND c.depth > 0 ORDER BY c.created, c.id"
	" LIMIT " THREAD_MAX);

int store_comments_list(struct store *s, struct arena *ar,
			const struct comment_query *q,
			struct comment_page *out)
{
	struct cvec top = { 0 }, all = { 0 };
	struct cursor after = { 0, 0 };
	struct dbc *c;
	size_t i;
	int r;

	if (q->limit < 1 || q->limit > 100 || (unsigned)q->sort > COMMENT_LIKED)
		return ERR_INVALID;
	/* q->after may point into @out (the previous page's next). */
	if (q->after)
		after = *q->after;
	memset(out, 0, sizeof(*out));
	c = db_get(s, DB_READ);
	r = list_top(c, ar, q, q->after ? &after : NULL, &top, out);
	/* Each top-level comment, then its thread oldest first. */
	for (i = 0; !r && i < top.n; i++) {
		*cvec_push(&all, ar) = top.v[i];
		r = cvec_rows(&all, db_query(c, &q_thread, DB_I(top.v[i].id),
					     DB_I(q->viewer)), ar);
	}
	db_put(c);
	if (!r) {
		for (i = 0; i < all.n; i++)
			placeholder(&all.v[i]);
		out->items = all.v;
		out->n = all.n;
	}
	return r;
}

static struct dbq q_get = DBQ(
	"SELECT " CMT_COLS("?2") CMT_MORE CMT_FROM_MORE " WHERE c.id = ?1");

int store_comment_get(struct store *s, struct arena *ar, int64_t id,
		      int64_t viewer, struct comment *out)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	if (id <= 0)
		return ERR_NOTFOUND;
	c = db_get(s, DB_WRITE);
	st = db_query(c, &q_get, DB_I(id), DB_I(viewer));
	if (!(r = db_row(st)))
		read_comment_more(st, ar, out);
	db_put(c);
	return r;
}

/*
 * Run @q (@n parameters @v), a write of one row.  With @content, in a
 * transaction that moves the content version, and ERR_NOTFOUND when it
 * changed no row; else on its own, and no row is no error.
 */
static int write_one(struct store *s, bool content, struct dbq *q,
		     const struct dbv *v, size_t n)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	if (!content) {
		r = db_done(db_query_v(c, q, v, n));
	} else {
		db_begin(c);
		if (!(r = db_change_v(c, q, v, n)))
			db_content_bump(c);
		r = db_end(c, r);
	}
	db_put(c);
	return r;
}

static struct dbq q_edit = DBQ(
	"UPDATE comments SET body = ?2, body_hash = ?3, edited = ?4, html = ?5"
	" WHERE id = ?1 AND status IN (0, 1)");

int store_comment_edit(struct store *s, int64_t id, const char *body,
		       const char *html, const char *body_hash, int64_t now)
{
	if (!body || !*body || !body_hash || !html)
		return ERR_INVALID;
	return write_one(s, true, &q_edit,
			 DB_ARGS(DB_I(id), DB_T(body), DB_T(body_hash),
				 DB_I(now), DB_T(html)));
}

static struct dbq q_delete = DBQ(
	"UPDATE comments SET status = 4, body = '', html = ''"
	" WHERE id = ?1 AND status <> 4");

int store_comment_delete(struct store *s, int64_t id)
{
	return write_one(s, true, &q_delete, DB_ARGS(DB_I(id)));
}

/* Locked on PostgreSQL: a like or a decision rests on the status. */
static struct dbq q_status = DBQ2(
	"SELECT status FROM comments WHERE id = ?1",
	"SELECT status FROM comments WHERE id = $1 FOR UPDATE");
static struct dbq q_like_add = DBQ(
	"INSERT INTO comment_likes (comment_id, account_id) VALUES (?1, ?2)"
	" ON CONFLICT DO NOTHING");
static struct dbq q_like_del = DBQ(
	"DELETE FROM comment_likes WHERE comment_id = ?1 AND account_id = ?2");
static struct dbq q_likes = DBQ("SELECT likes FROM comments WHERE id = ?1");

int store_comment_like(struct store *s, int64_t id, int64_t account_id,
		       bool on, int64_t *likes)
{
	int64_t status = 0, n = 0;
	struct dbc *c;
	int r;

	c = db_get(s, DB_WRITE);
	db_begin(c);
	r = db_get_int(c, &q_status, &status, DB_I(id));
	if (!r && status != COMMENT_VISIBLE)
		r = ERR_NOTFOUND;
	if (!r)
		r = db_exec(c, on ? &q_like_add : &q_like_del, DB_I(id),
			    DB_I(account_id));
	/* The trigger counted it: the count pages show moves on its own. */
	if (!r)
		r = db_get_int(c, &q_likes, &n, DB_I(id));
	r = db_end(c, r);
	db_put(c);
	if (!r && likes)
		*likes = n;
	return r;
}

/* Locked on PostgreSQL: whether a report is the first rests on these. */
static struct dbq q_report_state = DBQ2(
	"SELECT status, reports, reviewed FROM comments WHERE id = ?1",
	"SELECT status, reports, reviewed FROM comments WHERE id = $1"
	" FOR UPDATE");
static struct dbq q_report = DBQ(
	"INSERT INTO comment_reports (comment_id, account_id, created)"
	" VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");

int store_comment_report(struct store *s, int64_t id, int64_t account_id,
			 int64_t now, const struct outbox_batch *mail,
			 bool *queued)
{
	struct dbc *c = db_get(s, DB_WRITE);
	struct dbs *st;
	bool first = false;
	int r;

	db_begin(c);
	st = db_query(c, &q_report_state, DB_I(id));
	if (!(r = db_row(st))) {
		/* In the queue already: reported, not reviewed since. */
		bool waiting = db_int(st, 1) > 0 && !db_int(st, 2);

		if (db_int(st, 0) != COMMENT_VISIBLE) {
			r = ERR_NOTFOUND;
		} else {
			/* ERR_NOTFOUND: this account reported it before. */
			r = db_change(c, &q_report, DB_I(id), DB_I(account_id),
				      DB_I(now));
			first = !r && !waiting;
			if (r == ERR_NOTFOUND)
				r = 0;
		}
	}
	if (!r && first)
		r = outbox_batch_insert(c, mail, now);
	r = db_end(c, r);
	db_put(c);
	if (queued)
		*queued = !r && first;
	return r;
}

static struct dbq q_set_status = DBQ(
	"UPDATE comments SET status = ?2, reviewed = 1 WHERE id = ?1");

int store_comment_moderate(struct store *s, int64_t id,
			   enum comment_action act,
			   const struct outbox_msg *mail, bool *now_visible)
{
	int target = act == COMMENT_APPROVE ? COMMENT_VISIBLE :
		     act == COMMENT_REJECT ? COMMENT_REJECTED : COMMENT_SPAM;
	int64_t status = 0;
	bool became = false;
	struct dbc *c;
	int r;

	if ((unsigned)act > COMMENT_MARK_SPAM)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	r = db_get_int(c, &q_status, &status, DB_I(id));
	if (!r && status == COMMENT_DELETED)
		r = ERR_NOTFOUND;
	if (!r) {
		db_exec(c, &q_set_status, DB_I(id), DB_I(target));
		became = status != COMMENT_VISIBLE && target == COMMENT_VISIBLE;
		/* The reply mail goes once: when it first becomes visible. */
		if (became)
			outbox_insert(c, mail, time_now());
		db_content_bump(c);
	}
	r = db_end(c, r);
	db_put(c);
	if (!r && now_visible)
		*now_visible = became;
	return r;
}

static struct dbq q_ban = DBQ("UPDATE accounts SET banned = 1 WHERE id = ?1");
static struct dbq q_ban_held = DBQ(
	"UPDATE comments SET status = 3 WHERE account_id = ?1 AND status = 1");
static struct dbq q_ban_sessions = DBQ(
	"DELETE FROM sessions WHERE account_id = ?1");

int store_account_ban(struct store *s, int64_t account_id)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	db_begin(c);
	if (!(r = db_change(c, &q_ban, DB_I(account_id)))) {
		db_exec(c, &q_ban_held, DB_I(account_id));
		db_exec(c, &q_ban_sessions, DB_I(account_id));
		db_content_bump(c);
	}
	r = db_end(c, r);
	db_put(c);
	return r;
}

static struct dbq q_unban = DBQ("UPDATE accounts SET banned = 0 WHERE id = ?1");

int store_account_unban(struct store *s, int64_t account_id)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r = db_change(c, &q_unban, DB_I(account_id));

	db_put(c);
	return r;
}

static struct dbq q_queue = DBQ(
	"SELECT " CMT_COLS("0") CMT_MORE CMT_FROM_MORE
	" WHERE c.status = 1 OR (c.reports > 0 AND c.reviewed = 0"
	" AND c.status = 0) ORDER BY c.created, c.id LIMIT CAST(?1 AS BIGINT)");

int store_comment_queue(struct store *s, struct arena *ar, size_t limit,
			struct comment **out, size_t *n)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	if (limit < 1 || limit > 500)
		return ERR_INVALID;
	*n = 0;
	*out = arena_alloc(ar, limit * sizeof(**out));
	c = db_get(s, DB_WRITE);
	st = db_query(c, &q_queue, DB_I((int64_t)limit));
	while (*n < limit && (r = db_step(st)) == 1)
		read_comment_more(st, ar, &(*out)[(*n)++]);
	r = db_failed(c);
	db_put(c);
	return r;
}

static struct dbq q_settings = DBQ(
	"SELECT comment_count, comment_mode, comments_closed, published"
	" FROM articles WHERE id = ?1");

int store_comment_settings(struct store *s, int64_t article_id,
			   struct comment_settings *out)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	memset(out, 0, sizeof(*out));
	c = db_get(s, DB_WRITE);
	st = db_query(c, &q_settings, DB_I(article_id));
	if (!(r = db_row(st))) {
		out->article_id = article_id;
		out->count = db_int(st, 0);
		out->mode = db_is_null(st, 1) ? -1 : (int)db_int(st, 1);
		out->closed = db_int(st, 2) != 0;
		out->published = db_int(st, 3);
	}
	db_put(c);
	return r;
}

static struct dbq q_settings_set = DBQ(
	"UPDATE articles SET comment_mode = CAST(?2 AS INTEGER),"
	" comments_closed = ?3 WHERE id = ?1");

int store_comment_settings_set(struct store *s, int64_t article_id, int mode,
			       bool closed)
{
	if (mode < -1 || mode >= COMMENT_MODES)
		return ERR_INVALID;
	return write_one(s, true, &q_settings_set,
			 DB_ARGS(DB_I(article_id),
				 mode >= 0 ? DB_I(mode) : DB_NULL,
				 DB_I(closed)));
}

/* @ids as the JSON array "[1,2,3]" (caller frees). */
static char *json_ids(const int64_t *ids, size_t n)
{
	/* "-9223372036854775808," is 21 bytes; brackets and NUL 3 more. */
	size_t cap = n * 21 + 3, len = 1, i;
	char *out = xmalloc(cap);

	out[0] = '[';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%" PRId64,
					i ? "," : "", ids[i]);
	out[len++] = ']';
	out[len] = '\0';
	return out;
}

/* One JSON array parameter "[1,2,3]" for any number of articles. */
static struct dbq q_counts = DBQ2(
	"SELECT id, comment_count FROM articles"
	" WHERE id IN (SELECT value FROM json_each(?1))",
	"SELECT id, comment_count FROM articles WHERE id IN"
	" (SELECT CAST(value AS bigint)"
	" FROM json_array_elements_text(CAST($1 AS json)))");

int store_comment_counts(struct store *s, const int64_t *ids, size_t n,
			 int64_t *counts)
{
	struct dbc *c;
	struct dbs *st;
	char *list;
	size_t i;
	int r;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		counts[i] = 0;
	c = db_get(s, DB_READ);
	/* One statement for the whole list (a list page's stories). */
	list = json_ids(ids, n);
	st = db_query(c, &q_counts, DB_T(list));
	while ((r = db_step(st)) == 1)
		for (i = 0; i < n; i++)
			if (ids[i] == db_int(st, 0))
				counts[i] = db_int(st, 1);
	free(list);
	db_put(c);
	return r;
}

static struct dbq q_reply_mail = DBQ(
	"UPDATE accounts SET reply_mail = ?2 WHERE id = ?1");

int store_account_reply_mail(struct store *s, int64_t account_id, bool on)
{
	return write_one(s, false, &q_reply_mail,
			 DB_ARGS(DB_I(account_id), DB_I(on)));
}

int store_account_banned(struct store *s, int64_t account_id, bool *banned)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int64_t v = 0;
	int r;

	r = db_get_int(c, &q_banned, &v, DB_I(account_id));
	*banned = v != 0;
	db_put(c);
	return r;
}
