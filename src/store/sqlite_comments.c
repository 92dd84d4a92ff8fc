/*
 * sqlite_comments.c - comments, their likes and reports, moderation and
 * per-article comment settings in the SQLite backend
 * (sql/sqlite/004_comments.sql).
 *
 * Every write that changes what a page shows (a visible comment, an edit,
 * a deletion, a moderation decision, the settings) moves the content
 * version in the same transaction, so page caches of every process follow.
 * Counts are kept by triggers, so they always equal the rows.  A reply
 * notification is queued in the transaction that makes the reply visible.
 */
#include "sqlite_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"

/* Columns of struct comment; ?9 is the viewer (for "liked"). */
#define CMT_COLS \
	"c.id, c.article_id, coalesce(c.parent_id, 0), c.root_id, c.depth," \
	" coalesce(c.account_id, 0), coalesce(a.name, ''), c.body, c.status," \
	" c.likes, c.reports, c.created, coalesce(c.edited, 0)," \
	" EXISTS (SELECT 1 FROM comment_likes l WHERE l.comment_id = c.id" \
	" AND l.account_id = ?9), c.html"
#define CMT_NCOLS 15
#define CMT_FROM " FROM comments c LEFT JOIN accounts a ON a.id = c.account_id"

static const char sql_article[] =
	"SELECT published, comment_mode, comments_closed FROM articles"
	" WHERE id = ?1 AND status = 1 AND published <= ?2";
static const char sql_parent[] =
	"SELECT article_id, root_id, depth, status FROM comments WHERE id = ?1";
static const char sql_account[] = "SELECT banned FROM accounts WHERE id = ?1";
static const char sql_dup[] =
	"SELECT 1 FROM comments WHERE account_id = ?1 AND body_hash = ?2"
	" AND created >= ?3 AND status <> 4 LIMIT 1";
static const char sql_has_visible[] =
	"SELECT 1 FROM comments WHERE account_id = ?1 AND status = 0 LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO comments (article_id, parent_id, root_id, depth,"
	" account_id, body, body_hash, status, ip, created, html)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_root[] = "UPDATE comments SET root_id = id WHERE id = ?1";
static const char sql_top_oldest[] =
	"SELECT " CMT_COLS CMT_FROM " WHERE c.article_id = ?1 AND c.depth = 0"
	" AND c.status IN (0, 4) AND (c.created, c.id) > (?2, ?3)"
	" ORDER BY c.created, c.id LIMIT ?4";
static const char sql_top_newest[] =
	"SELECT " CMT_COLS CMT_FROM " WHERE c.article_id = ?1 AND c.depth = 0"
	" AND c.status IN (0, 4) AND (c.created, c.id) < (?2, ?3)"
	" ORDER BY c.created DESC, c.id DESC LIMIT ?4";
static const char sql_top_liked[] =
	"SELECT " CMT_COLS CMT_FROM " WHERE c.article_id = ?1 AND c.depth = 0"
	" AND c.status IN (0, 4) AND (c.likes, c.id) < (?2, ?3)"
	" ORDER BY c.likes DESC, c.id DESC LIMIT ?4";
static const char sql_thread[] =
	"SELECT " CMT_COLS CMT_FROM " WHERE c.root_id = ?1 AND c.depth > 0"
	" AND c.status IN (0, 4) ORDER BY c.created, c.id LIMIT 1000";
static const char sql_get[] =
	"SELECT " CMT_COLS ", coalesce(a.email, ''), coalesce(a.reply_mail, 0),"
	" ar.slug, ar.headline" CMT_FROM
	" JOIN articles ar ON ar.id = c.article_id WHERE c.id = ?1";
static const char sql_edit[] =
	"UPDATE comments SET body = ?2, body_hash = ?3, edited = ?4, html = ?5"
	" WHERE id = ?1 AND status IN (0, 1)";
static const char sql_delete[] =
	"UPDATE comments SET status = 4, body = '', html = ''"
	" WHERE id = ?1 AND status <> 4";
static const char sql_like_add[] =
	"INSERT OR IGNORE INTO comment_likes (comment_id, account_id)"
	" VALUES (?1, ?2)";
static const char sql_like_del[] =
	"DELETE FROM comment_likes WHERE comment_id = ?1 AND account_id = ?2";
static const char sql_likes[] = "SELECT likes FROM comments WHERE id = ?1";
static const char sql_report[] =
	"INSERT OR IGNORE INTO comment_reports (comment_id, account_id, created)"
	" VALUES (?1, ?2, ?3)";
static const char sql_status[] = "SELECT status FROM comments WHERE id = ?1";
static const char sql_set_status[] =
	"UPDATE comments SET status = ?2, reviewed = 1 WHERE id = ?1";
static const char sql_ban[] = "UPDATE accounts SET banned = 1 WHERE id = ?1";
static const char sql_ban_held[] =
	"UPDATE comments SET status = 3 WHERE account_id = ?1 AND status = 1";
static const char sql_ban_sessions[] =
	"DELETE FROM sessions WHERE account_id = ?1";
static const char sql_queue[] =
	"SELECT " CMT_COLS ", coalesce(a.email, ''), coalesce(a.reply_mail, 0),"
	" ar.slug, ar.headline" CMT_FROM
	" JOIN articles ar ON ar.id = c.article_id"
	" WHERE c.status = 1 OR (c.reports > 0 AND c.reviewed = 0"
	" AND c.status = 0) ORDER BY c.created, c.id LIMIT ?1";
static const char sql_settings[] =
	"SELECT comment_count, comment_mode, comments_closed, published"
	" FROM articles WHERE id = ?1";
static const char sql_settings_set[] =
	"UPDATE articles SET comment_mode = ?2, comments_closed = ?3"
	" WHERE id = ?1";
static const char sql_count[] =
	"SELECT comment_count FROM articles WHERE id = ?1";
static const char sql_reply_mail[] =
	"UPDATE accounts SET reply_mail = ?2 WHERE id = ?1";
static const char sql_bump[] =
	"UPDATE meta SET value = value + 1 WHERE key = 'content_version'";
static const char sql_outbox[] =
	"INSERT INTO outbox (recipient, message, created, next_attempt)"
	" VALUES (?1, ?2, ?3, ?3)";

static void read_comment(struct arena *ar, sqlite3_stmt *st,
			 struct comment *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	c->article_id = sqlite3_column_int64(st, 1);
	c->parent_id = sqlite3_column_int64(st, 2);
	c->root_id = sqlite3_column_int64(st, 3);
	c->depth = sqlite3_column_int(st, 4);
	c->account_id = sqlite3_column_int64(st, 5);
	c->author = sq_col_text_or_empty(ar, st, 6);
	c->body = sq_col_text_or_empty(ar, st, 7);
	c->status = (enum comment_status)sqlite3_column_int(st, 8);
	c->likes = sqlite3_column_int64(st, 9);
	c->reports = sqlite3_column_int64(st, 10);
	c->created = sqlite3_column_int64(st, 11);
	c->edited = sqlite3_column_int64(st, 12);
	c->liked = sqlite3_column_int(st, 13) != 0;
	c->html = sq_col_text_or_empty(ar, st, 14);
	c->author_email = "";
	c->article_slug = c->article_headline = "";
}

static void read_comment_more(struct arena *ar, sqlite3_stmt *st,
			      struct comment *c)
{
	read_comment(ar, st, c);
	c->author_email = sq_col_text_or_empty(ar, st, CMT_NCOLS);
	c->author_wants_mail = sqlite3_column_int(st, CMT_NCOLS + 1) != 0;
	c->article_slug = sq_col_text_or_empty(ar, st, CMT_NCOLS + 2);
	c->article_headline = sq_col_text_or_empty(ar, st, CMT_NCOLS + 3);
}

/* One integer from a one-row query: 0 and *v, ERR_NOTFOUND, or ERR_DB. */
static int one_int(struct conn *c, sqlite3_stmt *st, int col, int64_t *v,
		   const char *what)
{
	int rc = sqlite3_step(st), r = 0;

	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, col);
	else
		r = rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, what);
	sqlite3_reset(st);
	return r;
}

/* The status of comment @id (ERR_NOTFOUND when there is none). */
static int comment_status(struct conn *c, int64_t id, int64_t *status)
{
	sqlite3_stmt *st = sq_prepared(c, ST_CMT_STATUS, sql_status);

	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	return one_int(c, st, 0, status, "comment status");
}

static int bump(struct conn *c)
{
	sqlite3_stmt *st = sq_prepared(c, ST_CMT_CONTENT_BUMP, sql_bump);
	int r;

	if (!st)
		return ERR_DB;
	r = sq_step_done(c, st, "content version");
	sqlite3_reset(st);
	return r;
}

static int queue_mail(struct conn *c, const struct outbox_msg *m, int64_t now)
{
	sqlite3_stmt *st;
	int r;

	if (!m)
		return 0;
	if (!(st = sq_prepared(c, ST_OUTBOX_INSERT, sql_outbox)))
		return ERR_DB;
	sq_bind_text(st, 1, m->to);
	sq_bind_text(st, 2, m->data);
	sqlite3_bind_int64(st, 3, now);
	r = sq_step_done(c, st, "outbox insert");
	sqlite3_reset(st);
	return r;
}

/* COMMIT when @r is 0 (then the generation moves when @changed), else
 * ROLLBACK; gives the connection back. */
/* A pooled connection inside BEGIN IMMEDIATE; NULL with *r set if none. */
static struct conn *begin(struct sqlite_store *s, int *r)
{
	struct conn *c = sq_conn_get(s);

	*r = ERR_DB;
	if (c && (*r = sq_exec(c, "BEGIN IMMEDIATE"))) {
		sq_conn_put(s, c);
		c = NULL;
	}
	return c;
}

static int finish(struct sqlite_store *s, struct conn *c, int r, bool changed)
{
	if (!r)
		r = sq_exec(c, "COMMIT");
	if (r)
		sq_exec(c, "ROLLBACK");
	else if (changed)
		atomic_fetch_add(&s->base.generation, 1);
	sq_conn_put(s, c);
	return r;
}

/* The checks of a new comment inside the transaction; 0 with p->refusal
 * set (or not), or an error. */
static int post_checks(struct conn *c, struct comment_post *p, int64_t *root,
		       int *depth, int *mode)
{
	sqlite3_stmt *st;
	int64_t v = 0, published;
	int r, rc;

	if (!(st = sq_prepared(c, ST_CMT_ARTICLE, sql_article)))
		return ERR_DB;
	sqlite3_bind_int64(st, 1, p->article_id);
	sqlite3_bind_int64(st, 2, p->now);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, "article");
	}
	published = sqlite3_column_int64(st, 0);
	*mode = sqlite3_column_type(st, 1) == SQLITE_NULL ? (int)p->site_mode :
		sqlite3_column_int(st, 1);
	if (sqlite3_column_int(st, 2) ||
	    (p->close_after > 0 && p->now >= published + p->close_after))
		p->refusal = COMMENT_CLOSED;
	sqlite3_reset(st);
	if (p->refusal)
		return 0;
	if (!(st = sq_prepared(c, ST_CMT_ACCOUNT, sql_account)))
		return ERR_DB;
	sqlite3_bind_int64(st, 1, p->account_id);
	if ((r = one_int(c, st, 0, &v, "account")))
		return r;
	if (v) {
		p->refusal = COMMENT_BANNED;
		return 0;
	}
	*root = 0;
	*depth = 0;
	if (p->parent_id) {
		if (!(st = sq_prepared(c, ST_CMT_PARENT, sql_parent)))
			return ERR_DB;
		sqlite3_bind_int64(st, 1, p->parent_id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == p->article_id &&
		    sqlite3_column_int(st, 3) == COMMENT_VISIBLE) {
			*root = sqlite3_column_int64(st, 1);
			*depth = sqlite3_column_int(st, 2) + 1;
		} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
			p->refusal = COMMENT_NO_PARENT;
		} else {
			sqlite3_reset(st);
			return sq_db_err(c->db, "parent comment");
		}
		sqlite3_reset(st);
		if (p->refusal)
			return 0;
		if (*depth > p->max_depth) {
			p->refusal = COMMENT_TOO_DEEP;
			return 0;
		}
	}
	if (!(st = sq_prepared(c, ST_CMT_DUP, sql_dup)))
		return ERR_DB;
	sqlite3_bind_int64(st, 1, p->account_id);
	sq_bind_text(st, 2, p->body_hash);
	sqlite3_bind_int64(st, 3, p->now - p->dup_window);
	r = one_int(c, st, 0, &v, "duplicate check");
	if (r == 0)
		p->refusal = COMMENT_DUPLICATE;
	return r == ERR_NOTFOUND ? 0 : r;
}

static int sq_comment_post(struct store *base, struct comment_post *p)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c;
	sqlite3_stmt *st;
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
		if (!(st = sq_prepared(c, ST_CMT_HAS_VISIBLE, sql_has_visible))) {
			r = ERR_DB;
			goto out;
		}
		sqlite3_bind_int64(st, 1, p->account_id);
		r = one_int(c, st, 0, &v, "first comment");
		if (r == ERR_NOTFOUND)
			p->status = COMMENT_HELD;
		else if (r)
			goto out;
		r = 0;
	}
	visible = p->status == COMMENT_VISIBLE;
	if (!(st = sq_prepared(c, ST_CMT_INSERT, sql_insert))) {
		r = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(st, 1, p->article_id);
	if (p->parent_id)
		sqlite3_bind_int64(st, 2, p->parent_id);
	sqlite3_bind_int64(st, 3, root);
	sqlite3_bind_int(st, 4, depth);
	sqlite3_bind_int64(st, 5, p->account_id);
	sq_bind_text(st, 6, p->body);
	sq_bind_text(st, 7, p->body_hash);
	sqlite3_bind_int(st, 8, (int)p->status);
	sq_bind_text(st, 9, p->ip ? p->ip : "");
	sqlite3_bind_int64(st, 10, p->now);
	sq_bind_text(st, 11, p->html);
	if ((r = sq_step_done(c, st, "comment insert")))
		goto out;
	p->id = sqlite3_last_insert_rowid(c->db);
	if (!root) {
		if (!(st = sq_prepared(c, ST_CMT_ROOT, sql_root))) {
			r = ERR_DB;
			goto out;
		}
		sqlite3_bind_int64(st, 1, p->id);
		if ((r = sq_step_done(c, st, "comment root")))
			goto out;
	}
	if (visible && ((r = queue_mail(c, p->mail, p->now)) || (r = bump(c))))
		goto out;
	if (!(st = sq_prepared(c, ST_CMT_COUNT, sql_count))) {
		r = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(st, 1, p->article_id);
	r = one_int(c, st, 0, &p->count, "comment count");
out:
	if (p->refusal && !r) {
		sq_exec(c, "ROLLBACK");
		sq_conn_put(s, c);
		return 0;
	}
	return finish(s, c, r, visible);
}

/* Read the rows of a prepared comment query into @v (arena array). */
static int read_rows(struct conn *c, sqlite3_stmt *st, struct arena *ar,
		     struct comment **items, size_t *n, size_t *cap)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 32;
			struct comment *nv = arena_alloc(ar, ncap * sizeof(*nv));

			if (*n)
				memcpy(nv, *items, *n * sizeof(*nv));
			*items = nv;
			*cap = ncap;
		}
		read_comment(ar, st, &(*items)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "comments");
}

static int sq_comments_list(struct store *base, struct arena *ar,
			    const struct comment_query *q,
			    struct comment_page *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	static const enum stmt_id ids[] = { ST_CMT_TOP_OLDEST, ST_CMT_TOP_NEWEST,
					    ST_CMT_TOP_LIKED };
	static const char *const sqls[] = { sql_top_oldest, sql_top_newest,
					    sql_top_liked };
	struct comment *top = NULL, *all = NULL;
	size_t ntop = 0, topcap = 0, n = 0, cap = 0, i;
	sqlite3_stmt *st;
	int r;

	/* q->after may point into @out (the previous page's next). */
	struct cursor after = q->after ? *q->after : (struct cursor){ 0, 0 };

	memset(out, 0, sizeof(*out));
	if (!c)
		return ERR_DB;
	if (!(st = sq_prepared(c, ids[q->sort], sqls[q->sort]))) {
		r = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(st, 1, q->article_id);
	if (q->after) {
		sqlite3_bind_int64(st, 2, after.published);
		sqlite3_bind_int64(st, 3, after.id);
	} else {
		sqlite3_bind_int64(st, 2, q->sort == COMMENT_OLDEST ? INT64_MIN :
				   INT64_MAX);
		sqlite3_bind_int64(st, 3, q->sort == COMMENT_OLDEST ? INT64_MIN :
				   INT64_MAX);
	}
	sqlite3_bind_int64(st, 4, (int64_t)q->limit + 1);
	sqlite3_bind_int64(st, 9, q->viewer);
	if ((r = read_rows(c, st, ar, &top, &ntop, &topcap)))
		goto out;
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
		if (!(st = sq_prepared(c, ST_CMT_THREAD, sql_thread))) {
			r = ERR_DB;
			goto out;
		}
		sqlite3_bind_int64(st, 1, top[i].id);
		sqlite3_bind_int64(st, 9, q->viewer);
		if ((r = read_rows(c, st, ar, &all, &n, &cap)))
			goto out;
	}
	out->items = all;
	out->n = n;
out:
	sq_conn_put(s, c);
	return r;
}

static int sq_comment_get(struct store *base, struct arena *ar, int64_t id,
			  int64_t viewer, struct comment *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, ST_CMT_GET, sql_get))) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 9, viewer);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			read_comment_more(ar, st, out);
			r = 0;
		} else {
			r = rc == SQLITE_DONE ? ERR_NOTFOUND :
			    sq_db_err(c->db, "comment");
		}
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}

/* One UPDATE by id in a transaction with the content bump. */
static int change(struct store *base, enum stmt_id id, const char *sql,
		  const char *what, const char *types, ...)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c;
	sqlite3_stmt *st;
	va_list ap;
	int r, i;

	if (!(c = begin(s, &r)))
		return r;
	if (!(st = sq_prepared(c, id, sql)))
		return finish(s, c, ERR_DB, false);
	va_start(ap, types);
	for (i = 0; types[i]; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else
			sq_bind_text(st, i + 1, va_arg(ap, const char *));
	}
	va_end(ap);
	r = sq_step_done(c, st, what);
	if (!r && sqlite3_changes(c->db) == 0)
		r = ERR_NOTFOUND;
	if (!r)
		r = bump(c);
	return finish(s, c, r, true);
}

static int sq_comment_edit(struct store *s, int64_t id, const char *body,
			   const char *html, const char *body_hash, int64_t now)
{
	return change(s, ST_CMT_EDIT, sql_edit, "comment edit", "ittit", id,
		      body, body_hash, now, html);
}

static int sq_comment_delete(struct store *s, int64_t id)
{
	return change(s, ST_CMT_DELETE, sql_delete, "comment delete", "i", id);
}

static int sq_comment_like(struct store *base, int64_t id, int64_t account,
			   bool on, int64_t *likes)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c;
	sqlite3_stmt *st;
	int64_t status = 0, n = 0;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	if ((r = comment_status(c, id, &status)))
		return finish(s, c, r, false);
	if (status != COMMENT_VISIBLE)
		return finish(s, c, ERR_NOTFOUND, false);
	if (!(st = on ? sq_prepared(c, ST_CMT_LIKE_ADD, sql_like_add) :
	      sq_prepared(c, ST_CMT_LIKE_DEL, sql_like_del)))
		return finish(s, c, ERR_DB, false);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, account);
	if ((r = sq_step_done(c, st, "comment like")))
		return finish(s, c, r, false);
	if (!(st = sq_prepared(c, ST_CMT_LIKES, sql_likes)))
		return finish(s, c, ERR_DB, false);
	sqlite3_bind_int64(st, 1, id);
	r = one_int(c, st, 0, &n, "comment likes");
	if (!r && likes)
		*likes = n;
	return finish(s, c, r, false);
}

static int sq_comment_report(struct store *base, int64_t id, int64_t account,
			     int64_t now)
{
	return sq_run(base, ST_CMT_REPORT, sql_report, "comment report", "iii",
		      id, account, now);
}

static int sq_comment_moderate(struct store *base, int64_t id,
			       enum comment_action act,
			       const struct outbox_msg *mail, bool *now_visible)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c;
	sqlite3_stmt *st;
	int64_t status = 0;
	int target = act == COMMENT_APPROVE ? COMMENT_VISIBLE :
		     act == COMMENT_REJECT ? COMMENT_REJECTED : COMMENT_SPAM;
	bool became = false;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	if ((r = comment_status(c, id, &status)))
		return finish(s, c, r, false);
	if (status == COMMENT_DELETED)
		return finish(s, c, ERR_NOTFOUND, false);
	if (!(st = sq_prepared(c, ST_CMT_SET_STATUS, sql_set_status)))
		return finish(s, c, ERR_DB, false);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, target);
	if ((r = sq_step_done(c, st, "comment moderate")))
		return finish(s, c, r, false);
	became = status != COMMENT_VISIBLE && target == COMMENT_VISIBLE;
	if (became && (r = queue_mail(c, mail, time(NULL))))
		return finish(s, c, r, false);
	if ((r = bump(c)))
		return finish(s, c, r, false);
	r = finish(s, c, 0, true);
	if (!r && now_visible)
		*now_visible = became;
	return r;
}

static int sq_account_ban(struct store *base, int64_t account)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c;
	static const enum stmt_id ids[] = { ST_CMT_BAN, ST_CMT_BAN_HELD,
					    ST_CMT_BAN_SESSIONS };
	const char *sqls[] = { sql_ban, sql_ban_held, sql_ban_sessions };
	sqlite3_stmt *st;
	size_t i;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	for (i = 0; i < 3 && !r; i++) {
		if (!(st = sq_prepared(c, ids[i], sqls[i])))
			return finish(s, c, ERR_DB, false);
		sqlite3_bind_int64(st, 1, account);
		r = sq_step_done(c, st, "ban");
		if (!r && i == 0 && sqlite3_changes(c->db) == 0)
			r = ERR_NOTFOUND;
	}
	if (!r)
		r = bump(c);
	return finish(s, c, r, true);
}

static int sq_comment_queue(struct store *base, struct arena *ar, size_t limit,
			    struct comment **out, size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	size_t cap = limit ? limit : 1;
	int r = ERR_DB, rc;

	*n = 0;
	*out = arena_alloc(ar, cap * sizeof(**out));
	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, ST_CMT_QUEUE, sql_queue))) {
		sqlite3_bind_int64(st, 1, (int64_t)limit);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
			read_comment_more(ar, st, &(*out)[(*n)++]);
		r = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 :
		    sq_db_err(c->db, "comment queue");
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}

static int sq_comment_settings(struct store *base, int64_t article_id,
			       struct comment_settings *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	memset(out, 0, sizeof(*out));
	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, ST_CMT_SETTINGS, sql_settings))) {
		sqlite3_bind_int64(st, 1, article_id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			out->article_id = article_id;
			out->count = sqlite3_column_int64(st, 0);
			out->mode = sqlite3_column_type(st, 1) == SQLITE_NULL ?
				    -1 : sqlite3_column_int(st, 1);
			out->closed = sqlite3_column_int(st, 2) != 0;
			out->published = sqlite3_column_int64(st, 3);
			r = 0;
		} else {
			r = rc == SQLITE_DONE ? ERR_NOTFOUND :
			    sq_db_err(c->db, "comment settings");
		}
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}

static int sq_comment_settings_set(struct store *base, int64_t article_id,
				   int mode, bool closed)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c;
	sqlite3_stmt *st;
	int r;

	if (!(c = begin(s, &r)))
		return r;
	if (!(st = sq_prepared(c, ST_CMT_SETTINGS_SET, sql_settings_set)))
		return finish(s, c, ERR_DB, false);
	sqlite3_bind_int64(st, 1, article_id);
	if (mode >= 0)
		sqlite3_bind_int(st, 2, mode);
	sqlite3_bind_int(st, 3, closed);
	r = sq_step_done(c, st, "comment settings");
	if (!r && sqlite3_changes(c->db) == 0)
		r = ERR_NOTFOUND;
	if (!r)
		r = bump(c);
	return finish(s, c, r, true);
}

static int sq_comment_counts(struct store *base, const int64_t *ids, size_t n,
			     int64_t *counts)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	size_t i;
	int r = 0;

	if (!c)
		return ERR_DB;
	for (i = 0; i < n && !r; i++) {
		counts[i] = 0;
		if (!(st = sq_prepared(c, ST_CMT_COUNT, sql_count))) {
			r = ERR_DB;
			break;
		}
		sqlite3_bind_int64(st, 1, ids[i]);
		r = one_int(c, st, 0, &counts[i], "comment count");
		if (r == ERR_NOTFOUND)
			r = 0;
	}
	sq_conn_put(s, c);
	return r;
}

static int sq_account_reply_mail(struct store *base, int64_t account, bool on)
{
	return sq_run(base, ST_CMT_REPLY_MAIL, sql_reply_mail, "reply mail",
		      "ii", account, (int64_t)on);
}

static int sq_account_banned(struct store *base, int64_t account, bool *banned)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int64_t v = 0;
	int r = ERR_DB;

	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, ST_CMT_ACCOUNT, sql_account))) {
		sqlite3_bind_int64(st, 1, account);
		r = one_int(c, st, 0, &v, "account");
	}
	*banned = v != 0;
	sq_conn_put(s, c);
	return r;
}

const struct comment_store_ops sq_comment_ops = {
	.post = sq_comment_post,
	.list = sq_comments_list,
	.get = sq_comment_get,
	.edit = sq_comment_edit,
	.remove = sq_comment_delete,
	.like = sq_comment_like,
	.report = sq_comment_report,
	.moderate = sq_comment_moderate,
	.ban = sq_account_ban,
	.queue = sq_comment_queue,
	.settings = sq_comment_settings,
	.settings_set = sq_comment_settings_set,
	.counts = sq_comment_counts,
	.reply_mail = sq_account_reply_mail,
	.banned = sq_account_banned,
};
