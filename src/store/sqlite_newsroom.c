/*
 * sqlite_newsroom.c - the newsroom's part of the SQLite backend: the story
 * list with filters, saves with optimistic locking and a revision per
 * save, photo variants, the scheduler's publish step and reaction series
 * for the dashboard chart (sql/sqlite/005_newsroom.sql).
 *
 * articles.status stays the public flag readers' queries use; stage is
 * the full status.  Every write here sets both, so they never disagree.
 */
#include "sqlite_int.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

#define STORY_COLS ARTICLE_COLS ", a.stage, coalesce(a.owner_id, 0)"

static const char sql_stories[] =
	"SELECT " STORY_COLS ", coalesce((SELECT sum(count) FROM"
	" reaction_counts rc WHERE rc.article_id = a.id), 0), a.comment_count"
	ARTICLE_FROM
	"WHERE (?1 < 0 OR a.stage = ?1) AND (?2 IS NULL OR a.section_slug = ?2)"
	" AND (?3 IS NULL OR a.author = ?3)"
	" AND (?4 IS NULL OR instr(lower(a.headline), lower(?4)) > 0)"
	" AND (?6 IS NULL OR a.slug = ?6) AND (a.updated, a.id) < (?7, ?8)"
	" ORDER BY a.updated DESC, a.id DESC LIMIT ?5";
static const char sql_story_get[] =
	"SELECT " STORY_COLS ", a.body" ARTICLE_FROM "WHERE a.id = ?1";
static const char sql_story_version[] =
	"SELECT version FROM articles WHERE id = ?1";
static const char sql_story_insert[] =
	"INSERT INTO articles (slug, headline, summary, dateline, body, author,"
	" section, section_slug, photo_key, caption, credit, photo_alt, status,"
	" published, created, updated, version, stage, owner_id) VALUES (?1,"
	" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, 1,"
	" ?16, nullif(?17, 0))";
static const char sql_story_update[] =
	"UPDATE articles SET slug = ?1, headline = ?2, summary = ?3,"
	" dateline = ?4, body = ?5, author = ?6, section = ?7,"
	" section_slug = ?8, photo_key = ?9, caption = ?10, credit = ?11,"
	" photo_alt = ?12, status = ?13, published = ?14, updated = ?15,"
	" stage = ?16, version = version + 1 WHERE id = ?18 AND version = ?19";
static const char sql_revision_insert[] =
	"INSERT INTO revisions (article_id, version, account_id, who, created,"
	" stage, slug, headline, summary, dateline, section, tags, author, body,"
	" photo_key, caption, credit, photo_alt, published) SELECT id, version,"
	" nullif(?2, 0), ?3, ?4, stage, slug, headline, summary, dateline,"
	" section, ?5, author, body, photo_key, caption, credit, photo_alt,"
	" published FROM articles WHERE id = ?1";
static const char sql_slug_owner[] =
	"SELECT id FROM articles WHERE slug = ?1 AND id <> ?2";
static const char sql_variant_put[] =
	"INSERT OR IGNORE INTO photo_variants (photo_key, type, width, height,"
	" media_key) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_variants[] =
	"SELECT type, width, height, media_key FROM photo_variants"
	" WHERE photo_key = ?1 ORDER BY type, width";
#define REVISION_COLS \
	"id, version, coalesce(account_id, 0), who, created, stage, slug," \
	" headline, summary, dateline, section, tags, author, photo_key," \
	" caption, credit, photo_alt, published"
static const char sql_revisions[] =
	"SELECT " REVISION_COLS " FROM revisions WHERE article_id = ?1"
	" ORDER BY id DESC LIMIT 500";
static const char sql_revision_get[] =
	"SELECT " REVISION_COLS ", body FROM revisions WHERE article_id = ?1"
	" AND id = ?2";
/* The scheduler's revision: the story as it becomes public. */
static const char sql_publish_revisions[] =
	"INSERT INTO revisions (article_id, version, account_id, who, created,"
	" stage, slug, headline, summary, dateline, section, tags, author, body,"
	" photo_key, caption, credit, photo_alt, published) SELECT a.id,"
	" a.version + 1, NULL, 'Scheduler', ?1, 1, a.slug, a.headline,"
	" a.summary, a.dateline, a.section, coalesce((SELECT r.tags FROM"
	" revisions r WHERE r.article_id = a.id ORDER BY r.id DESC LIMIT 1),"
	" ''), a.author, a.body, a.photo_key, a.caption, a.credit, a.photo_alt,"
	" a.published FROM articles a WHERE a.stage = 3 AND a.published <= ?1";
static const char sql_publish_due[] =
	"UPDATE articles SET stage = 1, status = 1, updated = ?1,"
	" version = version + 1 WHERE stage = 3 AND published <= ?1";
static const char sql_comment_top[] =
	"SELECT " ARTICLE_COLS ", count(*) FROM comments c"
	" JOIN articles a ON a.id = c.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE c.status = 0 AND c.created >= ?1 AND a.status = 1"
	" GROUP BY a.id ORDER BY count(*) DESC, a.id DESC LIMIT ?2";
static const char sql_due_any[] =
	"SELECT 1 FROM articles WHERE stage = 3 AND published <= ?1 LIMIT 1";
static const char sql_series[] =
	"SELECT (created - ?2) / ?3, kind, count(*) FROM reactions"
	" WHERE article_id = ?1 AND created >= ?2 AND created < ?2 + ?3 * ?4"
	" GROUP BY 1, 2";

/* Fill a story row: ARTICLE_COLS, then stage and owner. */
static void read_story(struct arena *ar, sqlite3_stmt *st, struct article *a)
{
	int stage;

	sq_read_article(ar, st, a);
	stage = sqlite3_column_int(st, 20);
	a->status = stage >= 0 && stage < ARTICLE_STATUSES ?
		    (enum article_status)stage : ARTICLE_DRAFT;
	a->owner_id = sqlite3_column_int64(st, 21);
}

int sq_stories(struct store *base, struct arena *ar, const struct story_query *q,
	       struct story_row **out, size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_prepared(c, ST_STORIES, sql_stories)))
		goto out;
	sqlite3_bind_int(st, 1, q->status);
	sq_bind_text(st, 2, q->section_slug);
	sq_bind_text(st, 3, q->author);
	sq_bind_text(st, 4, q->search);
	sqlite3_bind_int64(st, 5, (int64_t)q->limit);
	sq_bind_text(st, 6, q->slug);
	sqlite3_bind_int64(st, 7, q->before ? q->before->published : INT64_MAX);
	sqlite3_bind_int64(st, 8, q->before ? q->before->id : INT64_MAX);
	*out = arena_zalloc(ar, q->limit * sizeof(**out));
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < q->limit) {
		struct story_row *row = &(*out)[(*n)++];

		read_story(ar, st, &row->a);
		row->reactions = sqlite3_column_int64(st, 22);
		row->comments = sqlite3_column_int64(st, 23);
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    sq_db_err(c->db, "story list");
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

int sq_story_get(struct store *base, struct arena *ar, int64_t id,
		 struct article **out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	struct article *a;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_prepared(c, ST_STORY_GET, sql_story_get)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, "story");
		sqlite3_reset(st);
		goto out;
	}
	a = arena_alloc(ar, sizeof(*a));
	read_story(ar, st, a);
	a->body = sq_col_text_or_empty(ar, st, 22);
	sqlite3_reset(st);
	if (!(r = sq_read_tags(c, ar, a)))
		*out = a;
out:
	sq_conn_put(s, c);
	return r;
}

/* ARTICLE_INSERT's bindings, and the stage as ?16. */
static void bind_story(sqlite3_stmt *st, const struct article *a, int64_t now)
{
	sq_bind_article(st, a, now);
	sqlite3_bind_int(st, 16, (int)a->status);
}

/* See sqlite_int.h. */
int sq_photos_put(struct conn *c, const struct media *media, size_t nmedia,
		  const struct photo_variant *variants, size_t nvariants)
{
	sqlite3_stmt *st;
	size_t i;
	int r;

	for (i = 0; i < nmedia; i++)
		if ((r = sq_media_insert(c, &media[i])))
			return r;
	for (i = 0; i < nvariants; i++) {
		const struct photo_variant *v = &variants[i];

		if (!(st = sq_prepared(c, ST_VARIANT_PUT, sql_variant_put)))
			return ERR_DB;
		sq_bind_text(st, 1, v->photo_key);
		sq_bind_text(st, 2, v->type);
		sqlite3_bind_int(st, 3, v->width);
		sqlite3_bind_int(st, 4, v->height);
		sq_bind_text(st, 5, v->media_key);
		r = sq_step_done(c, st, "photo variant");
		sqlite3_reset(st);
		if (r)
			return r;
	}
	return 0;
}

/* ERR_CONFLICT when a story other than @id has @slug. */
static int slug_check(struct conn *c, const char *slug, int64_t id)
{
	sqlite3_stmt *st = sq_prepared(c, ST_SLUG_OWNER, sql_slug_owner);
	int rc;

	if (!st)
		return ERR_DB;
	sq_bind_text(st, 1, slug);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ERR_CONFLICT;
	return rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "slug check");
}

/* ERR_NOTFOUND / ERR_STALE unless story @id is at @version. */
static int version_check(struct conn *c, int64_t id, int64_t version)
{
	sqlite3_stmt *st = sq_prepared(c, ST_STORY_VERSION, sql_story_version);
	int64_t have;
	int rc;

	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	have = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ERR_NOTFOUND;
	if (rc != SQLITE_ROW)
		return sq_db_err(c->db, "story version");
	return have == version ? 0 : ERR_STALE;
}

static int write_story(struct conn *c, const struct story_save *sv,
		       int64_t now, int64_t *id)
{
	const struct article *a = sv->a;
	sqlite3_stmt *st;
	int r;

	if (a->id && (r = version_check(c, a->id, sv->expect_version)))
		return r;
	if ((r = slug_check(c, a->slug, a->id)) ||
	    (r = sq_photos_put(c, sv->media, sv->nmedia, sv->variants,
				   sv->nvariants)))
		return r;
	st = a->id ? sq_prepared(c, ST_STORY_UPDATE, sql_story_update) :
		     sq_prepared(c, ST_STORY_INSERT, sql_story_insert);
	if (!st)
		return ERR_DB;
	bind_story(st, a, now);
	if (a->id) {
		sqlite3_bind_int64(st, 18, a->id);
		sqlite3_bind_int64(st, 19, sv->expect_version);
	} else {
		sqlite3_bind_int64(st, 17, a->owner_id);
	}
	r = sq_step_done(c, st, "story save");
	sqlite3_reset(st);
	if (r)
		return r;
	*id = a->id ? a->id : sqlite3_last_insert_rowid(c->db);
	return 0;
}

int sq_story_save(struct store *base, const struct story_save *sv, int64_t *id,
		  int64_t *version)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	struct article tagged;
	sqlite3_stmt *st;
	int64_t now = time_now(), sid = 0;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out_put;
	if ((r = write_story(c, sv, now, &sid)))
		goto out;
	tagged = *sv->a;
	if ((r = sq_put_tags(c, sid, &tagged)))
		goto out;
	r = ERR_DB;
	if (!(st = sq_prepared(c, ST_REVISION_INSERT, sql_revision_insert)))
		goto out;
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_int64(st, 2, sv->account_id);
	sq_bind_text(st, 3, sv->who ? sv->who : "");
	sqlite3_bind_int64(st, 4, now);
	sq_bind_text(st, 5, sv->tags_text ? sv->tags_text : "");
	r = sq_step_done(c, st, "revision");
	sqlite3_reset(st);
	if (r || (r = sq_content_bump(c)))
		goto out;
	if (!(r = version_check(c, sid, sv->a->id ? sv->expect_version + 1 : 1)))
		r = sq_exec(c, "COMMIT");
out:
	if (r)
		sq_exec(c, "ROLLBACK");
	else
		atomic_fetch_add(&s->base.generation, 1);
	if (!r) {
		*id = sid;
		*version = sv->a->id ? sv->expect_version + 1 : 1;
	}
out_put:
	sq_conn_put(s, c);
	return r;
}

int sq_slug_free(struct store *base, const char *slug, int64_t except_id,
		 bool *free)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = slug_check(c, slug, except_id);
	*free = r == 0;
	sq_conn_put(s, c);
	return r == ERR_CONFLICT ? 0 : r;
}

int sq_photo_variants(struct store *base, struct arena *ar,
		      const char *photo_key, struct photo_variant **out,
		      size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	size_t cap = 16;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = arena_alloc(ar, cap * sizeof(**out));
	if (!(st = sq_prepared(c, ST_VARIANTS, sql_variants)))
		goto out;
	sq_bind_text(st, 1, photo_key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
		struct photo_variant *v = &(*out)[(*n)++];

		v->photo_key = photo_key;
		v->type = sq_col_text_or_empty(ar, st, 0);
		v->width = sqlite3_column_int(st, 1);
		v->height = sqlite3_column_int(st, 2);
		v->media_key = sq_col_text_or_empty(ar, st, 3);
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    sq_db_err(c->db, "photo variants");
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

static void read_revision(struct arena *ar, sqlite3_stmt *st,
			  int64_t article_id, struct revision *v)
{
	int stage = sqlite3_column_int(st, 5);

	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, 0);
	v->version = sqlite3_column_int64(st, 1);
	v->account_id = sqlite3_column_int64(st, 2);
	v->who = sq_col_text_or_empty(ar, st, 3);
	v->created = sqlite3_column_int64(st, 4);
	v->a.id = article_id;
	v->a.version = v->version;
	v->a.updated = v->created;
	v->a.status = stage >= 0 && stage < ARTICLE_STATUSES ?
		      (enum article_status)stage : ARTICLE_DRAFT;
	v->a.slug = sq_col_text_or_empty(ar, st, 6);
	v->a.headline = sq_col_text_or_empty(ar, st, 7);
	v->a.summary = sq_col_text_or_empty(ar, st, 8);
	v->a.dateline = sq_col_text_or_empty(ar, st, 9);
	v->a.section = sq_col_text_or_empty(ar, st, 10);
	v->tags_text = sq_col_text_or_empty(ar, st, 11);
	v->a.author = sq_col_text_or_empty(ar, st, 12);
	v->a.photo.key = sq_col_text(ar, st, 13);
	v->a.caption = sq_col_text_or_empty(ar, st, 14);
	v->a.credit = sq_col_text_or_empty(ar, st, 15);
	v->a.photo_alt = sq_col_text_or_empty(ar, st, 16);
	v->a.published = sqlite3_column_int64(st, 17);
	v->a.section_slug = "";
	v->a.body = "";
}

int sq_revisions(struct store *base, struct arena *ar, int64_t article_id,
		 struct revision **out, size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	size_t cap = 500;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = NULL;
	if (!(st = sq_prepared(c, ST_REVISIONS, sql_revisions)))
		goto out;
	sqlite3_bind_int64(st, 1, article_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
		if (!*out)
			*out = arena_alloc(ar, cap * sizeof(**out));
		read_revision(ar, st, article_id, &(*out)[(*n)++]);
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    sq_db_err(c->db, "revisions");
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

int sq_revision_get(struct store *base, struct arena *ar, int64_t article_id,
		    int64_t rev_id, struct revision *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_prepared(c, ST_REVISION_GET, sql_revision_get)))
		goto out;
	sqlite3_bind_int64(st, 1, article_id);
	sqlite3_bind_int64(st, 2, rev_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_revision(ar, st, article_id, out);
		out->a.body = sq_col_text_or_empty(ar, st, 18);
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? ERR_NOTFOUND :
		    sq_db_err(c->db, "revision");
	}
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

/* Run statement @id (@sql) bound to @now; *changes gets its row count. */
static int run_at(struct conn *c, enum stmt_id id, const char *sql,
		  int64_t now, int *changes)
{
	sqlite3_stmt *st = sq_prepared(c, id, sql);
	int r;

	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, now);
	r = sq_step_done(c, st, "publish due");
	sqlite3_reset(st);
	if (changes)
		*changes = sqlite3_changes(c->db);
	return r;
}

int sq_publish_due(struct store *base, int64_t now, int *published)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, changed = 0, rc;

	if (!c)
		return ERR_DB;
	/* A read first: most ticks find nothing and take no write lock. */
	if (!(st = sq_prepared(c, ST_DUE_ANY, sql_due_any)))
		goto out_put;
	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "due stories");
		goto out_put;
	}
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out_put;
	if (!(r = run_at(c, ST_PUBLISH_REVISIONS, sql_publish_revisions, now,
			 NULL)) &&
	    !(r = run_at(c, ST_PUBLISH_DUE, sql_publish_due, now, &changed)) &&
	    (!changed || !(r = sq_content_bump(c))))
		r = sq_exec(c, "COMMIT");
	if (r)
		sq_exec(c, "ROLLBACK");
	else if (changed)
		atomic_fetch_add(&s->base.generation, 1);
out_put:
	if (published)
		*published = r ? 0 : changed;
	sq_conn_put(s, c);
	return r;
}

int sq_reaction_series(struct store *base, int64_t article_id, int64_t since,
		       int64_t step, size_t nsteps, int64_t *counts)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	memset(counts, 0, nsteps * REACTION_KINDS * sizeof(*counts));
	if (!(st = sq_prepared(c, ST_REACTION_SERIES, sql_series)))
		goto out;
	sqlite3_bind_int64(st, 1, article_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, step);
	sqlite3_bind_int64(st, 4, (int64_t)nsteps);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(st, 0);
		int kind = sqlite3_column_int(st, 1);

		if (i >= 0 && (size_t)i < nsteps && kind >= 0 &&
		    kind < REACTION_KINDS)
			counts[i * REACTION_KINDS + kind] =
				sqlite3_column_int64(st, 2);
	}
	r = rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "reaction series");
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

int sq_comment_top(struct store *base, struct arena *ar, int64_t since,
		   size_t limit, struct article_list *out, int64_t **counts)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	out->items = arena_alloc(ar, limit * sizeof(*out->items));
	*counts = arena_alloc(ar, limit * sizeof(**counts));
	out->n = 0;
	out->more = false;
	if (!(st = sq_prepared(c, ST_COMMENT_TOP, sql_comment_top)))
		goto out;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n < limit) {
		sq_read_article(ar, st, &out->items[out->n]);
		(*counts)[out->n++] = sqlite3_column_int64(st, 20);
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    sq_db_err(c->db, "comment top");
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}
