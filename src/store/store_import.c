/*
 * store_import.c - what imports keep, written once over the driver
 * (db.h): the map from an export's items to what they became
 * (import_items), the old addresses that answer 301 (redirects), and
 * imported comments, guests' included (sql/ *\/008_import.sql).
 */
#include "store.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

static struct dbq q_map_get = DBQ(
	"SELECT local_id FROM import_items"
	" WHERE source = ?1 AND kind = ?2 AND wp_id = ?3");

int store_import_find(struct store *s, const char *source, int kind,
		      int64_t wp_id, int64_t *local_id)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	r = db_get_int(c, &q_map_get, local_id, DB_T(source), DB_I(kind),
		       DB_I(wp_id));
	db_put(c);
	return r;
}

static struct dbq q_map_put = DBQ(
	"INSERT INTO import_items (source, kind, wp_id, local_id)"
	" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source, kind, wp_id)"
	" DO UPDATE SET local_id = excluded.local_id");

int store_import_note(struct store *s, const char *source, int kind,
		      int64_t wp_id, int64_t local_id)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	r = db_exec(c, &q_map_put, DB_T(source), DB_I(kind), DB_I(wp_id),
		    DB_I(local_id));
	db_put(c);
	return r;
}

static struct dbq q_owner_set = DBQ(
	"UPDATE articles SET owner_id = nullif(CAST(?2 AS BIGINT), 0)"
	" WHERE id = ?1");

int store_story_owner_set(struct store *s, int64_t id, int64_t owner_id)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r = db_change(c, &q_owner_set, DB_I(id), DB_I(owner_id));

	db_put(c);
	return r;
}

/* The longest old address kept (the longest request path). */
#define REDIRECT_PATH_MAX 2048

/*
 * @path as redirects keys it, in @out: without its trailing slash (but
 * "/"), a query kept as it is ("/?p=12").  False when it cannot be one.
 */
static bool redirect_key(const char *path, char out[REDIRECT_PATH_MAX + 1])
{
	size_t n = path ? strlen(path) : 0;

	if (!n || *path != '/' || n > REDIRECT_PATH_MAX)
		return false;
	memcpy(out, path, n + 1);
	if (!strchr(out, '?'))
		while (n > 1 && out[n - 1] == '/')
			out[--n] = '\0';
	return true;
}

static struct dbq q_redirect_put = DBQ(
	"INSERT INTO redirects (path, target, created) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (path) DO UPDATE SET target = excluded.target");
/* Older redirects to @path (as keyed, ?1, or as given, ?3) now go
 * straight to its new address. */
static struct dbq q_redirect_chain = DBQ(
	"UPDATE redirects SET target = ?2 WHERE target = ?1 OR target = ?3");

int redirect_put(struct dbc *c, const char *path, const char *target)
{
	char key[REDIRECT_PATH_MAX + 1], tkey[REDIRECT_PATH_MAX + 1];

	if (!redirect_key(path, key) || !target || !*target ||
	    (redirect_key(target, tkey) && !strcmp(key, tkey)))
		return ERR_INVALID;
	db_exec(c, &q_redirect_chain, DB_T(key), DB_T(target), DB_T(path));
	return db_exec(c, &q_redirect_put, DB_T(key), DB_T(target),
		       DB_I(time_now()));
}

int store_redirect_set(struct store *s, const char *path, const char *target)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	db_begin(c);
	r = db_end(c, redirect_put(c, path, target));
	db_put(c);
	return r;
}

static struct dbq q_redirect_get = DBQ(
	"SELECT target FROM redirects WHERE path = ?1");

int store_redirect_get(struct store *s, struct arena *ar, const char *path,
		       const char **target)
{
	char key[REDIRECT_PATH_MAX + 1];
	struct dbc *c;
	struct dbs *st;
	int r;

	if (!redirect_key(path, key))
		return ERR_NOTFOUND;
	c = db_get(s, DB_READ);
	st = db_query(c, &q_redirect_get, DB_T(key));
	if (!(r = db_row(st)))
		*target = db_text0(st, ar, 0);
	db_put(c);
	return r;
}

static struct dbq q_cmt_parent = DBQ(
	"SELECT coalesce(parent_id, 0), root_id, depth FROM comments"
	" WHERE id = ?1 AND article_id = ?2");

/*
 * Where a reply to @parent goes: under @parent, or under the ancestor at
 * depth @max - 1 when @parent is already @max deep.  A parent that is not
 * a comment of the article makes a top-level comment.
 */
static int place(struct dbc *c, int64_t article, int64_t parent, int max,
		 int64_t *at, int64_t *root, int *depth)
{
	int guard;

	*at = *root = 0;
	*depth = 0;
	for (guard = 0; parent && guard < 64; guard++) {
		struct dbs *st = db_query(c, &q_cmt_parent, DB_I(parent),
					  DB_I(article));
		int r = db_row(st);
		int64_t up;
		int d;

		if (r == ERR_NOTFOUND)
			return 0;
		if (r)
			return r;
		up = db_int(st, 0);
		d = (int)db_int(st, 2);
		if (d < max) {
			*at = parent;
			*root = db_int(st, 1);
			*depth = d + 1;
			return 0;
		}
		parent = up;
	}
	return 0;
}

static struct dbq q_cmt_insert = DBQ(
	"INSERT INTO comments (article_id, parent_id, root_id, depth, body,"
	" html, body_hash, status, created, guest_name, guest_email)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id");
static struct dbq q_cmt_root = DBQ(
	"UPDATE comments SET root_id = id WHERE id = ?1");
static struct dbq q_cmt_update = DBQ(
	"UPDATE comments SET body = ?2, html = ?3, body_hash = ?4,"
	" guest_name = ?5, guest_email = ?6 WHERE id = ?1");

int store_comment_import(struct store *s, const struct comment_import *ci,
			 int64_t *id)
{
	struct dbc *c;
	int64_t at, root, old;
	int depth, r;

	if (!ci->source || !ci->body || !*ci->body || !ci->html)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	if (!ci->fresh &&
	    !db_get_int(c, &q_map_get, &old, DB_T(ci->source), DB_I(1),
			DB_I(ci->wp_id)) &&
	    !db_change(c, &q_cmt_update, DB_I(old), DB_T(ci->body),
		       DB_T(ci->html), DB_T(ci->body_hash),
		       DB_T(ci->guest_name), DB_T(ci->guest_email))) {
		*id = old;	/* imported before: its text refreshed */
		goto out;
	}
	if ((r = place(c, ci->article_id, ci->parent_id, ci->max_depth, &at,
		       &root, &depth)))
		goto out;
	if ((r = db_get_int(c, &q_cmt_insert, id, DB_I(ci->article_id),
			    at ? DB_I(at) : DB_NULL, DB_I(root), DB_I(depth),
			    DB_T(ci->body), DB_T(ci->html), DB_T(ci->body_hash),
			    DB_I(ci->held ? COMMENT_HELD : COMMENT_VISIBLE),
			    DB_I(ci->created), DB_T(ci->guest_name),
			    DB_T(ci->guest_email))))
		goto out;
	if (!at)
		db_exec(c, &q_cmt_root, DB_I(*id));
	db_exec(c, &q_map_put, DB_T(ci->source), DB_I(1), DB_I(ci->wp_id),
		DB_I(*id));
	if (!ci->held)
		db_content_bump(c);
out:
	r = db_end(c, db_failed(c));
	db_put(c);
	return r;
}

int store_batch_begin(struct store *s)
{
	return db_batch_begin(s);
}

int store_batch_end(struct store *s, int r)
{
	return db_batch_end(s, r);
}
