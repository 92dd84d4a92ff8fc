/*
 * store_newsroom.c - the newsroom's part of the store, written once over
 * the driver (db.h): the story list with filters, saves with optimistic
 * locking and a revision per save, photo variants, the scheduler's
 * publish step, and the dashboard's reaction series and comment leaders
 * (sql/{sqlite,postgres}/005_newsroom.sql).
 *
 * articles.status stays the public flag readers' queries use; stage is
 * the full status.  Every write here sets both, so they never disagree.
 * A save compares versions inside its transaction: SQLite's BEGIN
 * IMMEDIATE already holds the one write lock, PostgreSQL locks the story
 * row (SELECT ... FOR UPDATE), so two nodes saving one story at once
 * cannot both win.
 */
#include "store.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

/*
 * The copies of one lead photo read back: the widths and types the
 * newsroom makes are far fewer, so more rows mean a bad import.
 */
#define PHOTO_VARIANTS_MAX 16
/* Revisions listed for one story, newest first. */
#define REVISIONS_MAX 500
#define REVISIONS_MAX_SQL "500"

#define STORY_COLS ARTICLE_COLS ", a.stage, coalesce(a.owner_id, 0)"
#define STORIES_HEAD \
	"SELECT " STORY_COLS ", coalesce((SELECT sum(count) FROM" \
	" reaction_counts rc WHERE rc.article_id = a.id), 0), a.comment_count" \
	ARTICLE_FROM

/* Both revision writes: the columns of a revision. */
#define REVISION_INSERT \
	"INSERT INTO revisions (article_id, version, account_id, who," \
	" created, stage, slug, headline, summary, dateline, section, tags," \
	" author, body, photo_key, caption, credit, photo_alt, published," \
	" lang) "

#define REVISION_COLS \
	"id, version, coalesce(account_id, 0), who, created, stage, slug," \
	" headline, summary, dateline, section, tags, author, photo_key," \
	" caption, credit, photo_alt, published, lang"

static enum article_status stage_of(int64_t stage)
{
	return stage >= 0 && stage < ARTICLE_STATUSES ?
	       (enum article_status)stage : ARTICLE_DRAFT;
}

/* Fill a story row: ARTICLE_COLS, then stage and owner. */
static void read_story(struct dbs *st, struct arena *ar, struct article *a)
{
	art_read(st, ar, 0, a);
	a->status = stage_of(db_int(st, ARTICLE_NCOLS));
	a->owner_id = db_int(st, ARTICLE_NCOLS + 1);
}

/* A headline contains the search text: instr() in SQLite, strpos() here. */
static struct dbq q_stories = DBQ2(
	STORIES_HEAD
	"WHERE (?1 < 0 OR a.stage = ?1) AND (?2 IS NULL OR a.section_slug = ?2)"
	" AND (?3 IS NULL OR a.author = ?3)"
	" AND (?4 IS NULL OR instr(lower(a.headline), lower(?4)) > 0)"
	" AND (?6 IS NULL OR a.slug = ?6) AND (a.updated, a.id) < (?7, ?8)"
	" ORDER BY a.updated DESC, a.id DESC LIMIT ?5",
	STORIES_HEAD
	"WHERE ($1::int < 0 OR a.stage = $1::int)"
	" AND ($2::text IS NULL OR a.section_slug = $2::text)"
	" AND ($3::text IS NULL OR a.author = $3::text)"
	" AND ($4::text IS NULL"
	" OR strpos(lower(a.headline), lower($4::text)) > 0)"
	" AND ($6::text IS NULL OR a.slug = $6::text)"
	" AND (a.updated, a.id) < ($7::bigint, $8::bigint)"
	" ORDER BY a.updated DESC, a.id DESC LIMIT $5::bigint");

int store_stories(struct store *s, struct arena *ar,
		  const struct story_query *q, struct story_row **out,
		  size_t *n)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	if (q->limit < 1 || q->limit > 500 || q->status >= ARTICLE_STATUSES)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	*out = arena_zalloc(ar, q->limit * sizeof(**out));
	*n = 0;
	st = db_query(c, &q_stories, DB_I(q->status), DB_T(q->section_slug),
		      DB_T(q->author), DB_T(q->search), DB_I(q->limit),
		      DB_T(q->slug),
		      DB_I(q->before ? q->before->published : INT64_MAX),
		      DB_I(q->before ? q->before->id : INT64_MAX));
	while (*n < q->limit && db_step(st) == 1) {
		struct story_row *row = &(*out)[(*n)++];

		read_story(st, ar, &row->a);
		row->reactions = db_int(st, ARTICLE_NCOLS + 2);
		row->comments = db_int(st, ARTICLE_NCOLS + 3);
	}
	r = db_failed(c);
	db_put(c);
	return r;
}

static struct dbq q_story_get = DBQ(
	"SELECT " STORY_COLS ", a.body" ARTICLE_FROM "WHERE a.id = ?1");

int store_story_get(struct store *s, struct arena *ar, int64_t id,
		    struct article **out)
{
	struct dbc *c = db_get(s, DB_WRITE);
	struct article *a;
	struct dbs *st;
	int r;

	st = db_query(c, &q_story_get, DB_I(id));
	if ((r = db_row(st)))
		goto out;
	a = arena_alloc(ar, sizeof(*a));
	read_story(st, ar, a);
	a->body = db_text0(st, ar, ARTICLE_NCOLS + 2);
	if (!(r = art_read_tags(c, ar, a)))
		*out = a;
out:
	db_put(c);
	return r;
}

static struct dbq q_slug_owner = DBQ(
	"SELECT id FROM articles WHERE slug = ?1 AND id <> ?2");

/* ERR_CONFLICT when a story other than @id has @slug. */
static int slug_check(struct dbc *c, const char *slug, int64_t id)
{
	int r = db_row(db_query(c, &q_slug_owner, DB_T(slug), DB_I(id)));

	return r == ERR_NOTFOUND ? 0 : r ? r : ERR_CONFLICT;
}

/* PostgreSQL locks the row until commit; SQLite holds the write lock. */
static struct dbq q_story_version = DBQ2(
	"SELECT version FROM articles WHERE id = ?1",
	"SELECT version FROM articles WHERE id = $1 FOR UPDATE");

/* ERR_NOTFOUND / ERR_STALE unless story @id is at @version. */
static int version_check(struct dbc *c, int64_t id, int64_t version)
{
	int64_t have = 0;
	int r = db_get_int(c, &q_story_version, &have, DB_I(id));

	return r ? r : have == version ? 0 : ERR_STALE;
}

static struct dbq q_story_insert = DBQ(
	"INSERT INTO articles (slug, headline, summary, dateline, body, author,"
	" section, section_slug, photo_key, caption, credit, photo_alt, status,"
	" published, created, updated, version, lang, stage, owner_id) VALUES"
	" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	" ?15, 1, ?16, ?17, nullif(CAST(?18 AS BIGINT), 0)) RETURNING id");
static struct dbq q_story_update = DBQ(
	"UPDATE articles SET slug = ?1, headline = ?2, summary = ?3,"
	" dateline = ?4, body = ?5, author = ?6, section = ?7,"
	" section_slug = ?8, photo_key = ?9, caption = ?10, credit = ?11,"
	" photo_alt = ?12, status = ?13, published = ?14, updated = ?15,"
	" lang = ?16, stage = ?17, update_marked = CASE WHEN"
	" CAST(?20 AS BIGINT) = 1 THEN CAST(?15 AS BIGINT) ELSE update_marked END,"
	" version = version + 1 WHERE id = ?18 AND version = ?19 RETURNING id");

/* Inside the transaction: the story row itself; its id into *id. */
static int write_story(struct dbc *c, const struct story_save *sv,
		       int64_t now, int64_t *id)
{
	const struct article *a = sv->a;
	struct dbv v[20];
	int r;

	if (a->id && (r = version_check(c, a->id, sv->expect_version)))
		return r;
	if ((r = slug_check(c, a->slug, a->id)) ||
	    (r = art_photos_put(c, sv->media, sv->nmedia, sv->variants,
				sv->nvariants)))
		return r;
	art_args(v, a, now);
	v[16] = DB_I(a->status);
	if (a->id) {
		v[17] = DB_I(a->id);
		v[18] = DB_I(sv->expect_version);
		v[19] = DB_I(sv->mark_update);
		r = db_int_v(c, &q_story_update, id, v, 20);
	} else {
		v[17] = DB_I(a->owner_id);
		r = db_int_v(c, &q_story_insert, id, v, 18);
	}
	/* No row back: the version moved on between check and write. */
	return r == ERR_NOTFOUND ? ERR_STALE : r;
}

static struct dbq q_revision_insert = DBQ(
	REVISION_INSERT "SELECT id, version,"
	" nullif(CAST(?2 AS BIGINT), 0), ?3, ?4, stage, slug, headline,"
	" summary, dateline, section, ?5, author, body, photo_key, caption,"
	" credit, photo_alt, published, lang FROM articles WHERE id = ?1");

static struct dbq q_correction_insert = DBQ(
	"INSERT INTO corrections (article_id, created, body)"
	" VALUES (?1, ?2, ?3)");

int store_story_save(struct store *s, const struct story_save *sv,
		     int64_t *id, int64_t *version)
{
	const struct article *a = sv->a;
	int64_t now = time_now(), sid = 0;
	struct dbc *c;
	int r;

	if (!a || !a->slug || !*a->slug || !a->headline || !*a->headline ||
	    !a->body || (unsigned)a->status >= ARTICLE_STATUSES ||
	    (sv->correction && strlen(sv->correction) > CORRECTION_MAX))
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	if ((r = db_begin(c)))
		goto out;
	if (!(r = write_story(c, sv, now, &sid)) &&
	    !(r = art_put_tags(c, sid, a)))
		r = db_exec(c, &q_revision_insert, DB_I(sid),
			    DB_I(sv->account_id), DB_T(sv->who ? sv->who : ""),
			    DB_I(now),
			    DB_T(sv->tags_text ? sv->tags_text : ""));
	if (!r && sv->correction && *sv->correction)
		r = db_exec(c, &q_correction_insert, DB_I(sid), DB_I(now),
			    DB_T(sv->correction));
	if (!r)
		r = db_content_bump(c);
	if (!(r = db_end(c, r))) {
		*id = sid;
		*version = a->id ? sv->expect_version + 1 : 1;
	}
out:
	db_put(c);
	return r;
}

int store_slug_free(struct store *s, const char *slug, int64_t except_id,
		    bool *free)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	r = slug_check(c, slug, except_id);
	*free = r == 0;
	db_put(c);
	return r == ERR_CONFLICT ? 0 : r;
}

static struct dbq q_variants = DBQ(
	"SELECT type, width, height, media_key FROM photo_variants"
	" WHERE photo_key = ?1 ORDER BY type, width");

int store_photo_variants(struct store *s, struct arena *ar,
			 const char *photo_key, struct photo_variant **out,
			 size_t *n)
{
	struct dbc *c = db_get(s, DB_READ);
	struct dbs *st;
	int r;

	*n = 0;
	*out = arena_alloc(ar, PHOTO_VARIANTS_MAX * sizeof(**out));
	st = db_query(c, &q_variants, DB_T(photo_key));
	while (*n < PHOTO_VARIANTS_MAX && db_step(st) == 1) {
		struct photo_variant *v = &(*out)[(*n)++];

		v->photo_key = photo_key;
		v->type = db_text0(st, ar, 0);
		v->width = (int)db_int(st, 1);
		v->height = (int)db_int(st, 2);
		v->media_key = db_text0(st, ar, 3);
	}
	r = db_failed(c);
	db_put(c);
	return r;
}

/* Fill @v from a row in REVISION_COLS order (body left ""). */
static void read_revision(struct dbs *st, struct arena *ar,
			  int64_t article_id, struct revision *v)
{
	memset(v, 0, sizeof(*v));
	v->id = db_int(st, 0);
	v->version = db_int(st, 1);
	v->account_id = db_int(st, 2);
	v->who = db_text0(st, ar, 3);
	v->created = db_int(st, 4);
	v->a.id = article_id;
	v->a.version = v->version;
	v->a.updated = v->created;
	v->a.status = stage_of(db_int(st, 5));
	v->a.slug = db_text0(st, ar, 6);
	v->a.headline = db_text0(st, ar, 7);
	v->a.summary = db_text0(st, ar, 8);
	v->a.dateline = db_text0(st, ar, 9);
	v->a.section = db_text0(st, ar, 10);
	v->tags_text = db_text0(st, ar, 11);
	v->a.author = db_text0(st, ar, 12);
	v->a.photo.key = db_text(st, ar, 13);
	v->a.caption = db_text0(st, ar, 14);
	v->a.credit = db_text0(st, ar, 15);
	v->a.photo_alt = db_text0(st, ar, 16);
	v->a.published = db_int(st, 17);
	v->a.lang = db_text0(st, ar, 18);
	v->a.section_slug = "";
	v->a.body = "";
}

static struct dbq q_revisions = DBQ(
	"SELECT " REVISION_COLS " FROM revisions WHERE article_id = ?1"
	" ORDER BY id DESC LIMIT " REVISIONS_MAX_SQL);

int store_revisions(struct store *s, struct arena *ar, int64_t article_id,
		    struct revision **out, size_t *n)
{
	struct dbc *c = db_get(s, DB_WRITE);
	struct dbs *st;
	int r;

	*n = 0;
	*out = NULL;
	st = db_query(c, &q_revisions, DB_I(article_id));
	while (*n < REVISIONS_MAX && db_step(st) == 1) {
		if (!*out)
			*out = arena_alloc(ar, REVISIONS_MAX * sizeof(**out));
		read_revision(st, ar, article_id, &(*out)[(*n)++]);
	}
	r = db_failed(c);
	db_put(c);
	return r;
}

static struct dbq q_revision_get = DBQ(
	"SELECT " REVISION_COLS ", body FROM revisions WHERE article_id = ?1"
	" AND id = ?2");

int store_revision_get(struct store *s, struct arena *ar, int64_t article_id,
		       int64_t rev_id, struct revision *out)
{
	struct dbc *c = db_get(s, DB_WRITE);
	struct dbs *st;
	int r;

	st = db_query(c, &q_revision_get, DB_I(article_id), DB_I(rev_id));
	if (!(r = db_row(st))) {
		read_revision(st, ar, article_id, out);
		out->a.body = db_text0(st, ar, 19);
	}
	db_put(c);
	return r;
}

static struct dbq q_due_any = DBQ(
	"SELECT 1 FROM articles WHERE stage = 3 AND published <= ?1 LIMIT 1");
/* Several nodes run the scheduler: one at a time publishes. */
static struct dbq q_due_lock = DBQ("SELECT pg_advisory_xact_lock(4242018)");
/* The scheduler's revision: the story as it becomes public. */
static struct dbq q_publish_revisions = DBQ(
	REVISION_INSERT "SELECT a.id,"
	" a.version + 1, NULL, 'Scheduler', CAST(?1 AS BIGINT), 1, a.slug,"
	" a.headline, a.summary, a.dateline, a.section, coalesce((SELECT r.tags"
	" FROM revisions r WHERE r.article_id = a.id ORDER BY r.id DESC"
	" LIMIT 1), ''), a.author, a.body, a.photo_key, a.caption, a.credit,"
	" a.photo_alt, a.published, a.lang FROM articles a WHERE a.stage = 3"
	" AND a.published <= CAST(?1 AS BIGINT)");
static struct dbq q_publish_due = DBQ(
	"UPDATE articles SET stage = 1, status = 1,"
	" updated = CAST(?1 AS BIGINT), version = version + 1 WHERE stage = 3"
	" AND published <= CAST(?1 AS BIGINT)");

int store_publish_due(struct store *s, int64_t now, int *published)
{
	struct dbc *c = db_get(s, DB_WRITE);
	struct dbs *st;
	int64_t changed = 0;
	int r;

	/*
	 * A read first: most ticks find nothing and take no lock.  Run to
	 * its end, so SQLite lets go of the read before BEGIN IMMEDIATE.
	 */
	st = db_query(c, &q_due_any, DB_I(now));
	if ((r = db_row(st)) || (r = db_done(st))) {
		if (r == ERR_NOTFOUND)
			r = 0;
		goto out;
	}
	if ((r = db_begin(c)))
		goto out;
	if (db_is_pg(c))
		db_done(db_query0(c, &q_due_lock));
	db_exec(c, &q_publish_revisions, DB_I(now));
	st = db_query(c, &q_publish_due, DB_I(now));
	if (!(r = db_done(st)) && (changed = db_changes(st)))
		r = db_content_bump(c);
	r = db_end(c, r);
out:
	if (published)
		*published = r ? 0 : (int)changed;
	db_put(c);
	return r;
}

static struct dbq q_series = DBQ(
	"SELECT (created - CAST(?2 AS BIGINT)) / CAST(?3 AS BIGINT), kind,"
	" count(*) FROM reactions WHERE article_id = ?1"
	" AND created >= CAST(?2 AS BIGINT) AND created < CAST(?2 AS BIGINT)"
	" + CAST(?3 AS BIGINT) * CAST(?4 AS BIGINT) GROUP BY 1, 2");

int store_reaction_series(struct store *s, int64_t article_id, int64_t since,
			  int64_t step, size_t nsteps, int64_t *counts)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	if (step < 1 || nsteps < 1 || nsteps > 1000)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	memset(counts, 0, nsteps * REACTION_KINDS * sizeof(*counts));
	st = db_query(c, &q_series, DB_I(article_id), DB_I(since), DB_I(step),
		      DB_I(nsteps));
	while ((r = db_step(st)) == 1) {
		int64_t i = db_int(st, 0), kind = db_int(st, 1);

		if (i >= 0 && (size_t)i < nsteps && kind >= 0 &&
		    kind < REACTION_KINDS)
			counts[i * REACTION_KINDS + kind] = db_int(st, 2);
	}
	db_put(c);
	return r;
}

/* m.key in the grouping: PostgreSQL then lets the media columns be read. */
static struct dbq q_comment_top = DBQ(
	"SELECT " ARTICLE_COLS ", count(*) FROM comments c"
	" JOIN articles a ON a.id = c.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE c.status = 0 AND c.created >= CAST(?1 AS BIGINT)"
	" AND a.status = 1 GROUP BY a.id, m.key"
	" ORDER BY count(*) DESC, a.id DESC LIMIT CAST(?2 AS BIGINT)");

int store_comment_top(struct store *s, struct arena *ar, int64_t since,
		      size_t limit, struct article_list *out, int64_t **counts)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	if (limit < 1 || limit > 100)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	out->items = arena_alloc(ar, limit * sizeof(*out->items));
	*counts = arena_alloc(ar, limit * sizeof(**counts));
	out->n = 0;
	out->more = false;
	st = db_query(c, &q_comment_top, DB_I(since), DB_I(limit));
	while (out->n < limit && db_step(st) == 1) {
		art_read(st, ar, 0, &out->items[out->n]);
		(*counts)[out->n++] = db_int(st, ARTICLE_NCOLS);
	}
	r = db_failed(c);
	db_put(c);
	return r;
}
