/*
 * store_pages.c - static pages, written once over the driver (db.h):
 * reads by id and by path, the lists the footer, the sitemap and the
 * newsroom show, and saving with optimistic locking, where a page whose
 * path changes takes the pages below it along and leaves a 301 at each
 * published address it had (sql/ *\/011_pages.sql).
 */
#include "store.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

/* The longest path a page can have: its slugs and the slashes. */
#define PAGE_SLUG_MAX 120
#define PAGE_PATH_MAX (PAGE_DEPTH_MAX * (PAGE_SLUG_MAX + 1))

#define PAGE_COLS \
	"id, coalesce(parent_id, 0), slug, path, title, status," \
	" coalesce(owner_id, 0), created, updated, version"

/* Fill @p from PAGE_COLS (and the body at column 10 when @body). */
static void page_read(struct dbs *st, struct arena *ar, struct page *p,
		      bool body)
{
	p->id = db_int(st, 0);
	p->parent_id = db_int(st, 1);
	p->slug = db_text0(st, ar, 2);
	p->path = db_text0(st, ar, 3);
	p->title = db_text0(st, ar, 4);
	p->status = db_int(st, 5) ? PAGE_PUBLISHED : PAGE_DRAFT;
	p->owner_id = db_int(st, 6);
	p->created = db_int(st, 7);
	p->updated = db_int(st, 8);
	p->version = db_int(st, 9);
	p->body = body ? db_text0(st, ar, 10) : "";
}

static int page_one(struct store *s, struct arena *ar, struct dbq *q,
		    struct dbv v, struct page **out)
{
	struct dbc *c = db_get(s, DB_READ);
	struct dbs *st = db_query(c, q, v);
	int r = db_row(st);

	if (!r) {
		*out = arena_zalloc(ar, sizeof(**out));
		page_read(st, ar, *out, true);
	}
	db_put(c);
	return r;
}

static struct dbq q_get = DBQ(
	"SELECT " PAGE_COLS ", body FROM pages WHERE id = ?1");

int store_page_get(struct store *s, struct arena *ar, int64_t id,
		   struct page **out)
{
	return page_one(s, ar, &q_get, DB_I(id), out);
}

static struct dbq q_by_path = DBQ(
	"SELECT " PAGE_COLS ", body FROM pages WHERE path = ?1 AND status = 1");

int store_page_by_path(struct store *s, struct arena *ar, const char *path,
		       struct page **out)
{
	if (!path || !*path || strlen(path) > PAGE_PATH_MAX)
		return ERR_NOTFOUND;
	return page_one(s, ar, &q_by_path, DB_T(path), out);
}

static struct dbq q_list = DBQ(
	"SELECT " PAGE_COLS " FROM pages WHERE (?1 = 0 OR status = 1)"
	" AND (?2 = 0 OR parent_id IS NULL) ORDER BY path LIMIT ?3");

int store_pages_list(struct store *s, struct arena *ar, bool published_only,
		     bool top_only, size_t max, struct page **out, size_t *n)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	*n = 0;
	*out = arena_alloc(ar, (max ? max : 1) * sizeof(**out));
	if (!max)
		return 0;
	c = db_get(s, DB_READ);
	st = db_query(c, &q_list, DB_I(published_only), DB_I(top_only),
		      DB_I(max));
	while ((r = db_step(st)) == 1)
		page_read(st, ar, &(*out)[(*n)++], false);
	db_put(c);
	return r;
}

static struct dbq q_parent = DBQ(
	"SELECT path, coalesce(parent_id, 0) FROM pages WHERE id = ?1");

/*
 * The path of a page with @slug under @parent (0: none), in @ar; @self
 * (0 for a new page) may not be among its ancestors.  ERR_INVALID.
 */
static int path_of(struct dbc *c, struct arena *ar, int64_t self,
		   int64_t parent, const char *slug, const char **out)
{
	struct dbs *st;
	const char *ppath;
	int64_t up = parent;
	int depth, r;

	if (!slug_valid(slug) || strlen(slug) > PAGE_SLUG_MAX)
		return ERR_INVALID;
	if (!parent) {
		*out = slug;
		return 0;
	}
	st = db_query(c, &q_parent, DB_I(parent));
	if ((r = db_row(st)))
		return r == ERR_NOTFOUND ? ERR_INVALID : r;
	ppath = db_text0(st, ar, 0);
	/* Walk up: the page may not be its own ancestor, nor too deep. */
	for (depth = 1; up; depth++) {
		if (up == self || depth >= PAGE_DEPTH_MAX)
			return ERR_INVALID;
		st = db_query(c, &q_parent, DB_I(up));
		if ((r = db_row(st)))
			return r == ERR_NOTFOUND ? ERR_INVALID : r;
		up = db_int(st, 1);
	}
	*out = arena_printf(ar, "%s/%s", ppath, slug);
	return 0;
}

/* "/" @path "/" (arena). */
static const char *address(struct arena *ar, const char *path)
{
	return arena_printf(ar, "/%s/", path);
}

/* The pages below @path ("a/b": "a/b/c", "a/b/c/d"), for moving them. */
static struct dbq q_below = DBQ(
	"SELECT id, path, status FROM pages WHERE substr(path, 1, ?2) = ?1"
	" ORDER BY path");
static struct dbq q_move = DBQ(
	"UPDATE pages SET path = ?2, updated = ?3, version = version + 1"
	" WHERE id = ?1");

/*
 * The pages below @old move under @new; each published one keeps its old
 * address as a 301.  Whether any published page moved goes in *@public.
 */
static int move_below(struct dbc *c, struct arena *ar, const char *old,
		      const char *new, int64_t now, bool *public)
{
	const char *prefix = arena_printf(ar, "%s/", old);
	struct dbs *st = db_query(c, &q_below, DB_T(prefix),
				  DB_I((int64_t)strlen(prefix)));
	struct { int64_t id; const char *path; bool pub; } *rows = NULL;
	size_t n = 0, cap = 0, i;
	int r;

	while ((r = db_step(st)) == 1) {
		if (n == cap) {
			void *grown = arena_alloc(ar, (cap = cap ? cap * 2 : 16) *
						  sizeof(*rows));

			if (n)
				memcpy(grown, rows, n * sizeof(*rows));
			rows = grown;
		}
		rows[n].id = db_int(st, 0);
		rows[n].path = db_text0(st, ar, 1);
		rows[n++].pub = db_int(st, 2) == PAGE_PUBLISHED;
	}
	for (i = 0; !r && i < n; i++) {
		const char *to = arena_printf(ar, "%s/%s", new,
					      rows[i].path + strlen(prefix));

		if (strlen(to) > PAGE_PATH_MAX)
			return ERR_INVALID;
		r = db_exec(c, &q_move, DB_I(rows[i].id), DB_T(to), DB_I(now));
		if (!r && rows[i].pub) {
			*public = true;
			r = redirect_put(c, address(ar, rows[i].path),
					 address(ar, to));
		}
	}
	return r;
}

static struct dbq q_current = DBQ2(
	"SELECT version, path, status FROM pages WHERE id = ?1",
	"SELECT version, path, status FROM pages WHERE id = $1 FOR UPDATE");
static struct dbq q_path_owner = DBQ(
	"SELECT id FROM pages WHERE path = ?1 AND id <> ?2");
static struct dbq q_insert = DBQ(
	"INSERT INTO pages (slug, parent_id, path, title, body, status,"
	" owner_id, created, updated, version) VALUES (?1,"
	" nullif(CAST(?2 AS BIGINT), 0), ?3, ?4, ?5, ?6,"
	" nullif(CAST(?7 AS BIGINT), 0), ?8, ?8, 1) RETURNING id");
static struct dbq q_update = DBQ(
	"UPDATE pages SET slug = ?1, parent_id = nullif(CAST(?2 AS BIGINT), 0),"
	" path = ?3, title = ?4, body = ?5, status = ?6, updated = ?7,"
	" version = version + 1 WHERE id = ?8 AND version = ?9");

/* Inside the transaction: check @p against what is stored, and write it. */
static int page_write(struct dbc *c, struct arena *ar, const struct page *p,
		      int64_t expect, int64_t now, int64_t *id)
{
	const char *path, *was = NULL;
	bool public = p->status == PAGE_PUBLISHED, was_public = false;
	int64_t have, other;
	int r;

	if (!p->title || !*p->title || !p->body)
		return ERR_INVALID;
	if (p->id) {
		struct dbs *st = db_query(c, &q_current, DB_I(p->id));

		if ((r = db_row(st)))
			return r;
		have = db_int(st, 0);
		was = db_text0(st, ar, 1);
		was_public = db_int(st, 2) == PAGE_PUBLISHED;
		if (have != expect)
			return ERR_STALE;
	}
	if ((r = path_of(c, ar, p->id, p->parent_id, p->slug, &path)))
		return r;
	r = db_get_int(c, &q_path_owner, &other, DB_T(path), DB_I(p->id));
	if (r != ERR_NOTFOUND)
		return r ? r : ERR_CONFLICT;
	if (!p->id) {
		r = db_get_int(c, &q_insert, id, DB_T(p->slug),
			       DB_I(p->parent_id), DB_T(path), DB_T(p->title),
			       DB_T(p->body), DB_I(p->status), DB_I(p->owner_id),
			       DB_I(now));
		if (!r && public)
			r = db_content_bump(c);
		return r;
	}
	*id = p->id;
	if ((r = db_exec(c, &q_update, DB_T(p->slug), DB_I(p->parent_id),
			 DB_T(path), DB_T(p->title), DB_T(p->body),
			 DB_I(p->status), DB_I(now), DB_I(p->id), DB_I(expect))))
		return r;
	if (strcmp(was, path)) {
		if (was_public)
			r = redirect_put(c, address(ar, was), address(ar, path));
		if (!r)
			r = move_below(c, ar, was, path, now, &public);
	}
	if (!r && (public || was_public))
		r = db_content_bump(c);
	return r;
}

int store_page_save(struct store *s, const struct page *p,
		    int64_t expect_version, int64_t *id, int64_t *version)
{
	struct arena *ar = arena_new(0);
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	*id = 0;
	db_begin(c);
	r = db_end(c, page_write(c, ar, p, expect_version, time_now(), id));
	if (!r && version)
		r = db_get_int(c, &q_current, version, DB_I(*id));
	db_put(c);
	arena_free(ar);
	return r;
}
