/*
 * pg_comments.c - comments, their likes and reports, moderation and
 * per-article comment settings in the PostgreSQL backend
 * (sql/postgres/004_comments.sql).  The same semantics as
 * sqlite_comments.c.
 *
 * Every write that changes what a page shows (a visible comment, an edit,
 * a deletion, a moderation decision, the settings) moves the content
 * version and notifies the other nodes in the same transaction, so page
 * caches of every node follow.  Counts are kept by triggers, so they
 * always equal the rows.  A reply notification is queued in the
 * transaction that makes the reply visible.  A failed statement aborts a
 * PostgreSQL transaction, so every refusal is decided by a read first.
 */
#include "pg_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"

/* Columns of struct comment; @v is the viewer's parameter (for "liked"). */
#define CMT_COLS(v) \
	"c.id, c.article_id, coalesce(c.parent_id, 0), c.root_id, c.depth," \
	" coalesce(c.account_id, 0), coalesce(a.name, ''), c.body, c.status," \
	" c.likes, c.reports, c.created, coalesce(c.edited, 0)," \
	" EXISTS (SELECT 1 FROM comment_likes l WHERE l.comment_id = c.id" \
	" AND l.account_id = " v "), c.html"
#define CMT_NCOLS 15
#define CMT_FROM " FROM comments c LEFT JOIN accounts a ON a.id = c.account_id"
#define CMT_MORE \
	", coalesce(a.email, ''), coalesce(a.reply_mail, 0), ar.slug, ar.headline"

static const char sql_article[] =
	"SELECT published, comment_mode, comments_closed FROM articles"
	" WHERE id = $1 AND status = 1 AND published <= $2::bigint FOR UPDATE";
static const char sql_parent[] =
	"SELECT article_id, root_id, depth, status FROM comments WHERE id = $1";
static const char sql_account[] = "SELECT banned FROM accounts WHERE id = $1";
static const char sql_dup[] =
	"SELECT 1 FROM comments WHERE account_id = $1 AND body_hash = $2"
	" AND created >= $3::bigint AND status <> 4 LIMIT 1";
static const char sql_has_visible[] =
	"SELECT 1 FROM comments WHERE account_id = $1 AND status = 0 LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO comments (article_id, parent_id, root_id, depth,"
	" account_id, body, body_hash, status, ip, created, html)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
static const char sql_root[] = "UPDATE comments SET root_id = id WHERE id = $1";
static const char sql_top_oldest[] =
	"SELECT " CMT_COLS("$5::bigint") CMT_FROM " WHERE c.article_id = $1"
	" AND c.depth = 0 AND c.status IN (0, 4)"
	" AND (c.created, c.id) > ($2::bigint, $3::bigint)"
	" ORDER BY c.created, c.id LIMIT $4::bigint";
static const char sql_top_newest[] =
	"SELECT " CMT_COLS("$5::bigint") CMT_FROM " WHERE c.article_id = $1"
	" AND c.depth = 0 AND c.status IN (0, 4)"
	" AND (c.created, c.id) < ($2::bigint, $3::bigint)"
	" ORDER BY c.created DESC, c.id DESC LIMIT $4::bigint";
static const char sql_top_liked[] =
	"SELECT " CMT_COLS("$5::bigint") CMT_FROM " WHERE c.article_id = $1"
	" AND c.depth = 0 AND c.status IN (0, 4)"
	" AND (c.likes, c.id) < ($2::bigint, $3::bigint)"
	" ORDER BY c.likes DESC, c.id DESC LIMIT $4::bigint";
static const char sql_thread[] =
	"SELECT " CMT_COLS("$2::bigint") CMT_FROM " WHERE c.root_id = $1"
	" AND c.depth > 0 AND c.status IN (0, 4) ORDER BY c.created, c.id"
	" LIMIT 1000";
static const char sql_get[] =
	"SELECT " CMT_COLS("$2::bigint") CMT_MORE CMT_FROM
	" JOIN articles ar ON ar.id = c.article_id WHERE c.id = $1";
static const char sql_edit[] =
	"UPDATE comments SET body = $2, body_hash = $3, edited = $4, html = $5"
	" WHERE id = $1 AND status IN (0, 1)";
static const char sql_delete[] =
	"UPDATE comments SET status = 4, body = '', html = ''"
	" WHERE id = $1 AND status <> 4";
static const char sql_like_add[] =
	"INSERT INTO comment_likes (comment_id, account_id) VALUES ($1, $2)"
	" ON CONFLICT DO NOTHING";
static const char sql_like_del[] =
	"DELETE FROM comment_likes WHERE comment_id = $1 AND account_id = $2";
static const char sql_likes[] = "SELECT likes FROM comments WHERE id = $1";
static const char sql_report[] =
	"INSERT INTO comment_reports (comment_id, account_id, created)"
	" VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
static const char sql_status[] =
	"SELECT status FROM comments WHERE id = $1 FOR UPDATE";
static const char sql_set_status[] =
	"UPDATE comments SET status = $2, reviewed = 1 WHERE id = $1";
static const char sql_ban[] = "UPDATE accounts SET banned = 1 WHERE id = $1";
static const char sql_ban_held[] =
	"UPDATE comments SET status = 3 WHERE account_id = $1 AND status = 1";
static const char sql_ban_sessions[] =
	"DELETE FROM sessions WHERE account_id = $1";
static const char sql_queue[] =
	"SELECT " CMT_COLS("0") CMT_MORE CMT_FROM
	" JOIN articles ar ON ar.id = c.article_id"
	" WHERE c.status = 1 OR (c.reports > 0 AND c.reviewed = 0"
	" AND c.status = 0) ORDER BY c.created, c.id LIMIT $1::bigint";
static const char sql_settings[] =
	"SELECT comment_count, comment_mode, comments_closed, published"
	" FROM articles WHERE id = $1";
static const char sql_settings_set[] =
	"UPDATE articles SET comment_mode = $2::integer, comments_closed = $3"
	" WHERE id = $1";
static const char sql_count[] =
	"SELECT comment_count FROM articles WHERE id = $1";
static const char sql_counts[] =
	"SELECT id, comment_count FROM articles WHERE id = ANY($1::bigint[])";
static const char sql_reply_mail[] =
	"UPDATE accounts SET reply_mail = $2 WHERE id = $1";
static const char sql_bump[] =
	"UPDATE meta SET value = (value::bigint + 1)::text"
	" WHERE key = 'content_version'";
static const char sql_outbox[] =
	"INSERT INTO outbox (recipient, message, created, next_attempt)"
	" VALUES ($1, $2, $3, $3)";

static void read_comment(struct arena *ar, const PGresult *res, int row,
			 struct comment *c)
{
	memset(c, 0, sizeof(*c));
	c->id = pg_int(res, row, 0);
	c->article_id = pg_int(res, row, 1);
	c->parent_id = pg_int(res, row, 2);
	c->root_id = pg_int(res, row, 3);
	c->depth = (int)pg_int(res, row, 4);
	c->account_id = pg_int(res, row, 5);
	c->author = pg_text_or_empty(ar, res, row, 6);
	c->body = pg_text_or_empty(ar, res, row, 7);
	c->status = (enum comment_status)pg_int(res, row, 8);
	c->likes = pg_int(res, row, 9);
	c->reports = pg_int(res, row, 10);
	c->created = pg_int(res, row, 11);
	c->edited = pg_int(res, row, 12);
	c->liked = !strcmp(PQgetvalue(res, row, 13), "t");
	c->html = pg_text_or_empty(ar, res, row, 14);
	c->author_email = "";
	c->article_slug = c->article_headline = "";
}

static void read_comment_more(struct arena *ar, const PGresult *res, int row,
			      struct comment *c)
{
	read_comment(ar, res, row, c);
	c->author_email = pg_text_or_empty(ar, res, row, CMT_NCOLS);
	c->author_wants_mail = pg_int(res, row, CMT_NCOLS + 1) != 0;
	c->article_slug = pg_text_or_empty(ar, res, row, CMT_NCOLS + 2);
	c->article_headline = pg_text_or_empty(ar, res, row, CMT_NCOLS + 3);
}

/* One integer from a one-row query: 0 and *v, ERR_NOTFOUND, or an error. */
static int one_int(struct pgconn *c, enum pst_id id, const char *sql,
		   const struct pgargs *p, int64_t *v)
{
	PGresult *res;
	int r = pg_run(c, id, sql, p, &res);

	if (r)
		return r;
	if (PQntuples(res) && !PQgetisnull(res, 0, 0))
		*v = pg_int(res, 0, 0);
	else
		r = ERR_NOTFOUND;
	PQclear(res);
	return r;
}

/* One statement with the integer arguments @a (@n of them). */
static int run_ints(struct pgconn *c, enum pst_id id, const char *sql,
		    const int64_t *a, int n)
{
	struct pgargs p = { 0 };
	int i;

	for (i = 0; i < n; i++)
		pa_int(&p, a[i]);
	return pg_run(c, id, sql, &p, NULL);
}

/* The content moved: the version row, and a notice to the other nodes. */
static int bump(struct pg_store *s, struct pgconn *c)
{
	int r = pg_run(c, PS_CMT_CONTENT_BUMP, sql_bump, NULL, NULL);

	c->bumped = true;
	return r ? r : pg_notify_content(s, c);
}

static int queue_mail(struct pgconn *c, const struct outbox_msg *m,
		      int64_t now)
{
	struct pgargs p = { 0 };

	if (!m)
		return 0;
	pa_text(&p, m->to);
	pa_text(&p, m->data);
	pa_int(&p, now);
	return pg_run(c, PS_CMT_OUTBOX, sql_outbox, &p, NULL);
}

/* COMMIT when @r is 0 (then the generation moves when @changed), else
 * ROLLBACK; gives the connection back. */
static int finish(struct pg_store *s, struct pgconn *c, int r, bool changed)
{
	r = pg_txn_end(c, r);
	if (!r && changed)
		atomic_fetch_add(&s->base.generation, 1);
	pg_conn_put(s, c);
	return r;
}

/* A connection in a transaction, or NULL (*r says why). */
static struct pgconn *begin(struct pg_store *s, int *r)
{
	struct pgconn *c = pg_conn_get(s);

	*r = ERR_DB;
	if (!c)
		return NULL;
	if ((*r = pg_exec(c, "BEGIN"))) {
		pg_conn_put(s, c);
		return NULL;
	}
	return c;
}

/* The checks of a new comment inside the transaction; 0 with p->refusal
 * set (or not), or an error. */
static int post_checks(struct pgconn *c, struct comment_post *p, int64_t *root,
		       int *depth, int *mode)
{
	struct pgargs a = { 0 };
	PGresult *res;
	int64_t v = 0, published;
	int r;

	pa_int(&a, p->article_id);
	pa_int(&a, p->now);
	if ((r = pg_run(c, PS_CMT_ARTICLE, sql_article, &a, &res)))
		return r;
	if (!PQntuples(res)) {
		PQclear(res);
		return ERR_NOTFOUND;
	}
	published = pg_int(res, 0, 0);
	*mode = PQgetisnull(res, 0, 1) ? (int)p->site_mode :
		(int)pg_int(res, 0, 1);
	if (pg_int(res, 0, 2) ||
	    (p->close_after > 0 && p->now >= published + p->close_after))
		p->refusal = COMMENT_CLOSED;
	PQclear(res);
	if (p->refusal)
		return 0;
	memset(&a, 0, sizeof(a));
	pa_int(&a, p->account_id);
	if ((r = one_int(c, PS_CMT_ACCOUNT, sql_account, &a, &v)))
		return r;
	if (v) {
		p->refusal = COMMENT_BANNED;
		return 0;
	}
	*root = 0;
	*depth = 0;
	if (p->parent_id) {
		memset(&a, 0, sizeof(a));
		pa_int(&a, p->parent_id);
		if ((r = pg_run(c, PS_CMT_PARENT, sql_parent, &a, &res)))
			return r;
		if (PQntuples(res) && pg_int(res, 0, 0) == p->article_id &&
		    pg_int(res, 0, 3) == COMMENT_VISIBLE) {
			*root = pg_int(res, 0, 1);
			*depth = (int)pg_int(res, 0, 2) + 1;
		} else {
			p->refusal = COMMENT_NO_PARENT;
		}
		PQclear(res);
		if (p->refusal)
			return 0;
		if (*depth > p->max_depth) {
			p->refusal = COMMENT_TOO_DEEP;
			return 0;
		}
	}
	memset(&a, 0, sizeof(a));
	pa_int(&a, p->account_id);
	pa_text(&a, p->body_hash);
	pa_int(&a, p->now - p->dup_window);
	r = one_int(c, PS_CMT_DUP, sql_dup, &a, &v);
	if (r == 0)
		p->refusal = COMMENT_DUPLICATE;
	return r == ERR_NOTFOUND ? 0 : r;
}

static int pg_comment_post(struct store *base, struct comment_post *p)
{
	struct pg_store *s = PG(base);
	struct pgargs a = { 0 };
	struct pgconn *c;
	PGresult *res;
	int64_t root = 0, v;
	int depth = 0, mode = COMMENT_OPEN, r;
	bool visible = false;

	p->refusal = COMMENT_ACCEPTED;
	if (!(c = begin(s, &r)))
		return r;
	if ((r = post_checks(c, p, &root, &depth, &mode)) || p->refusal)
		goto out;
	p->status = COMMENT_VISIBLE;
	if (p->hold || mode == COMMENT_HOLD_ALL) {
		p->status = COMMENT_HELD;
	} else if (mode == COMMENT_HOLD_FIRST) {
		pa_int(&a, p->account_id);
		r = one_int(c, PS_CMT_HAS_VISIBLE, sql_has_visible, &a, &v);
		if (r == ERR_NOTFOUND)
			p->status = COMMENT_HELD;
		else if (r)
			goto out;
		r = 0;
	}
	visible = p->status == COMMENT_VISIBLE;
	memset(&a, 0, sizeof(a));
	pa_int(&a, p->article_id);
	if (p->parent_id)
		pa_int(&a, p->parent_id);
	else
		pa_text(&a, NULL);
	pa_int(&a, root);
	pa_int(&a, depth);
	pa_int(&a, p->account_id);
	pa_text(&a, p->body);
	pa_text(&a, p->body_hash);
	pa_int(&a, (int)p->status);
	pa_text(&a, p->ip ? p->ip : "");
	pa_int(&a, p->now);
	pa_text(&a, p->html);
	if ((r = pg_run(c, PS_CMT_INSERT, sql_insert, &a, &res)))
		goto out;
	p->id = pg_int(res, 0, 0);
	PQclear(res);
	if (!root && (r = run_ints(c, PS_CMT_ROOT, sql_root, &p->id, 1)))
		goto out;
	if (visible && ((r = queue_mail(c, p->mail, p->now)) || (r = bump(s, c))))
		goto out;
	memset(&a, 0, sizeof(a));
	pa_int(&a, p->article_id);
	r = one_int(c, PS_CMT_COUNT, sql_count, &a, &p->count);
out:
	if (p->refusal && !r) {
		/* Refused: nothing written. */
		pg_txn_end(c, ERR_INVALID);
		pg_conn_put(s, c);
		return 0;
	}
	return finish(s, c, r, visible);
}

/* Append the rows of @res to @items (arena array, grown by doubling). */
static void read_rows(const PGresult *res, struct arena *ar,
		      struct comment **items, size_t *n, size_t *cap)
{
	int i, rows = PQntuples(res);

	for (i = 0; i < rows; i++) {
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 32;
			struct comment *nv = arena_alloc(ar, ncap * sizeof(*nv));

			if (*n)
				memcpy(nv, *items, *n * sizeof(*nv));
			*items = nv;
			*cap = ncap;
		}
		read_comment(ar, res, i, &(*items)[(*n)++]);
	}
}

static int pg_comments_list(struct store *base, struct arena *ar,
			    const struct comment_query *q,
			    struct comment_page *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	static const enum pst_id ids[] = { PS_CMT_TOP_OLDEST, PS_CMT_TOP_NEWEST,
					   PS_CMT_TOP_LIKED };
	static const char *const sqls[] = { sql_top_oldest, sql_top_newest,
					    sql_top_liked };
	struct comment *top = NULL, *all = NULL;
	size_t ntop = 0, topcap = 0, n = 0, cap = 0, i;
	struct pgargs a = { 0 };
	PGresult *res;
	int r;

	/* q->after may point into @out (the previous page's next). */
	struct cursor after = q->after ? *q->after : (struct cursor){ 0, 0 };

	memset(out, 0, sizeof(*out));
	if (!c)
		return ERR_DB;
	pa_int(&a, q->article_id);
	if (q->after) {
		pa_int(&a, after.published);
		pa_int(&a, after.id);
	} else {
		pa_int(&a, q->sort == COMMENT_OLDEST ? INT64_MIN : INT64_MAX);
		pa_int(&a, q->sort == COMMENT_OLDEST ? INT64_MIN : INT64_MAX);
	}
	pa_int(&a, (int64_t)q->limit + 1);
	pa_int(&a, q->viewer);
	if ((r = pg_run(c, ids[q->sort], sqls[q->sort], &a, &res)))
		goto out;
	read_rows(res, ar, &top, &ntop, &topcap);
	PQclear(res);
	if (ntop > q->limit) {
		out->more = true;
		ntop = q->limit;
		out->next.published = q->sort == COMMENT_LIKED ?
				      top[ntop - 1].likes : top[ntop - 1].created;
		out->next.id = top[ntop - 1].id;
	}
	for (i = 0; i < ntop; i++) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct comment *nv = arena_alloc(ar, ncap * sizeof(*nv));

			if (n)
				memcpy(nv, all, n * sizeof(*nv));
			all = nv;
			cap = ncap;
		}
		all[n++] = top[i];
		memset(&a, 0, sizeof(a));
		pa_int(&a, top[i].id);
		pa_int(&a, q->viewer);
		if ((r = pg_run(c, PS_CMT_THREAD, sql_thread, &a, &res)))
			goto out;
		read_rows(res, ar, &all, &n, &cap);
		PQclear(res);
	}
	out->items = all;
	out->n = n;
out:
	pg_conn_put(s, c);
	return r;
}

static int pg_comment_get(struct store *base, struct arena *ar, int64_t id,
			  int64_t viewer, struct comment *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs a = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_int(&a, id);
	pa_int(&a, viewer);
	if (!(r = pg_run(c, PS_CMT_GET, sql_get, &a, &res))) {
		if (PQntuples(res))
			read_comment_more(ar, res, 0, out);
		else
			r = ERR_NOTFOUND;
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

static int pg_comment_edit(struct store *base, int64_t id, const char *body,
			   const char *html, const char *body_hash, int64_t now)
{
	struct pg_store *s = PG(base);
	struct pgargs a = { 0 };
	struct pgconn *c;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	pa_int(&a, id);
	pa_text(&a, body);
	pa_text(&a, body_hash);
	pa_int(&a, now);
	pa_text(&a, html);
	r = pg_change(c, PS_CMT_EDIT, sql_edit, &a);
	if (!r)
		r = bump(s, c);
	return finish(s, c, r, true);
}

static int pg_comment_delete(struct store *base, int64_t id)
{
	struct pg_store *s = PG(base);
	struct pgargs a = { 0 };
	struct pgconn *c;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	pa_int(&a, id);
	r = pg_change(c, PS_CMT_DELETE, sql_delete, &a);
	if (!r)
		r = bump(s, c);
	return finish(s, c, r, true);
}

static int pg_comment_like(struct store *base, int64_t id, int64_t account,
			   bool on, int64_t *likes)
{
	struct pg_store *s = PG(base);
	int64_t status = 0, n = 0, args[2] = { id, account };
	struct pgargs a = { 0 };
	struct pgconn *c;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	pa_int(&a, id);
	if ((r = one_int(c, PS_CMT_STATUS, sql_status, &a, &status)))
		return finish(s, c, r, false);
	if (status != COMMENT_VISIBLE)
		return finish(s, c, ERR_NOTFOUND, false);
	r = on ? run_ints(c, PS_CMT_LIKE_ADD, sql_like_add, args, 2) :
		 run_ints(c, PS_CMT_LIKE_DEL, sql_like_del, args, 2);
	if (r)
		return finish(s, c, r, false);
	r = one_int(c, PS_CMT_LIKES, sql_likes, &a, &n);
	if (!r && likes)
		*likes = n;
	return finish(s, c, r, false);
}

static int pg_comment_report(struct store *base, int64_t id, int64_t account,
			     int64_t now)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int64_t args[3] = { id, account, now };
	int r;

	if (!c)
		return ERR_DB;
	r = run_ints(c, PS_CMT_REPORT, sql_report, args, 3);
	pg_conn_put(s, c);
	return r;
}

static int pg_comment_moderate(struct store *base, int64_t id,
			       enum comment_action act,
			       const struct outbox_msg *mail, bool *now_visible)
{
	struct pg_store *s = PG(base);
	int target = act == COMMENT_APPROVE ? COMMENT_VISIBLE :
		     act == COMMENT_REJECT ? COMMENT_REJECTED : COMMENT_SPAM;
	int64_t status = 0, args[2] = { id, target };
	struct pgargs a = { 0 };
	struct pgconn *c;
	bool became;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	pa_int(&a, id);
	if ((r = one_int(c, PS_CMT_STATUS, sql_status, &a, &status)))
		return finish(s, c, r, false);
	if (status == COMMENT_DELETED)
		return finish(s, c, ERR_NOTFOUND, false);
	if ((r = run_ints(c, PS_CMT_SET_STATUS, sql_set_status, args, 2)))
		return finish(s, c, r, false);
	became = status != COMMENT_VISIBLE && target == COMMENT_VISIBLE;
	if (became && (r = queue_mail(c, mail, time(NULL))))
		return finish(s, c, r, false);
	if ((r = bump(s, c)))
		return finish(s, c, r, false);
	r = finish(s, c, 0, true);
	if (!r && now_visible)
		*now_visible = became;
	return r;
}

static int pg_account_ban(struct store *base, int64_t account)
{
	struct pg_store *s = PG(base);
	struct pgargs a = { 0 };
	struct pgconn *c;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	pa_int(&a, account);
	r = pg_change(c, PS_CMT_BAN, sql_ban, &a);
	if (!r)
		r = pg_run(c, PS_CMT_BAN_HELD, sql_ban_held, &a, NULL);
	if (!r)
		r = pg_run(c, PS_CMT_BAN_SESSIONS, sql_ban_sessions, &a, NULL);
	if (!r)
		r = bump(s, c);
	return finish(s, c, r, true);
}

static int pg_comment_queue(struct store *base, struct arena *ar, size_t limit,
			    struct comment **out, size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	size_t cap = limit ? limit : 1;
	struct pgargs a = { 0 };
	PGresult *res;
	int r, i, rows;

	*n = 0;
	*out = arena_alloc(ar, cap * sizeof(**out));
	if (!c)
		return ERR_DB;
	pa_int(&a, (int64_t)limit);
	if (!(r = pg_run(c, PS_CMT_QUEUE, sql_queue, &a, &res))) {
		rows = PQntuples(res);
		for (i = 0; i < rows && *n < cap; i++)
			read_comment_more(ar, res, i, &(*out)[(*n)++]);
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

static int pg_comment_settings(struct store *base, int64_t article_id,
			       struct comment_settings *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs a = { 0 };
	PGresult *res;
	int r;

	memset(out, 0, sizeof(*out));
	if (!c)
		return ERR_DB;
	pa_int(&a, article_id);
	if (!(r = pg_run(c, PS_CMT_SETTINGS, sql_settings, &a, &res))) {
		if (PQntuples(res)) {
			out->article_id = article_id;
			out->count = pg_int(res, 0, 0);
			out->mode = PQgetisnull(res, 0, 1) ? -1 :
				    (int)pg_int(res, 0, 1);
			out->closed = pg_int(res, 0, 2) != 0;
			out->published = pg_int(res, 0, 3);
		} else {
			r = ERR_NOTFOUND;
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

static int pg_comment_settings_set(struct store *base, int64_t article_id,
				   int mode, bool closed)
{
	struct pg_store *s = PG(base);
	struct pgargs a = { 0 };
	struct pgconn *c;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	pa_int(&a, article_id);
	if (mode >= 0)
		pa_int(&a, mode);
	else
		pa_text(&a, NULL);
	pa_int(&a, closed);
	r = pg_change(c, PS_CMT_SETTINGS_SET, sql_settings_set, &a);
	if (!r)
		r = bump(s, c);
	return finish(s, c, r, true);
}

static int pg_comment_counts(struct store *base, const int64_t *ids, size_t n,
			     int64_t *counts)
{
	struct pg_store *s = PG(base);
	struct pgconn *c;
	struct pgargs a = { 0 };
	PGresult *res;
	char *list, *p;
	size_t i, j;
	int r, rows, k;

	for (i = 0; i < n; i++)
		counts[i] = 0;
	if (!n)
		return 0;
	if (!(c = pg_conn_read(s)))
		return ERR_DB;
	/* One array parameter "{1,2,3}" (digits only: no quoting needed). */
	list = p = xcalloc(n, 22);
	*p++ = '{';
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%lld", i ? "," : "", (long long)ids[i]);
	*p++ = '}';
	pa_text(&a, list);
	if (!(r = pg_run(c, PS_CMT_COUNTS, sql_counts, &a, &res))) {
		rows = PQntuples(res);
		for (k = 0; k < rows; k++)
			for (j = 0; j < n; j++)
				if (ids[j] == pg_int(res, k, 0))
					counts[j] = pg_int(res, k, 1);
		PQclear(res);
	}
	free(list);
	pg_conn_put(s, c);
	return r;
}

static int pg_account_reply_mail(struct store *base, int64_t account, bool on)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int64_t args[2] = { account, on };
	int r;

	if (!c)
		return ERR_DB;
	r = run_ints(c, PS_CMT_REPLY_MAIL, sql_reply_mail, args, 2);
	pg_conn_put(s, c);
	return r;
}

static int pg_account_banned(struct store *base, int64_t account, bool *banned)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs a = { 0 };
	int64_t v = 0;
	int r;

	if (!c)
		return ERR_DB;
	pa_int(&a, account);
	r = one_int(c, PS_CMT_ACCOUNT, sql_account, &a, &v);
	*banned = v != 0;
	pg_conn_put(s, c);
	return r;
}

const struct comment_store_ops pg_comment_ops = {
	.post = pg_comment_post,
	.list = pg_comments_list,
	.get = pg_comment_get,
	.edit = pg_comment_edit,
	.remove = pg_comment_delete,
	.like = pg_comment_like,
	.report = pg_comment_report,
	.moderate = pg_comment_moderate,
	.ban = pg_account_ban,
	.queue = pg_comment_queue,
	.settings = pg_comment_settings,
	.settings_set = pg_comment_settings_set,
	.counts = pg_comment_counts,
	.reply_mail = pg_account_reply_mail,
	.banned = pg_account_banned,
};
