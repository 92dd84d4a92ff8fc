/*
 * pg_newsroom.c - the newsroom's part of the PostgreSQL backend: the story
 * list with filters, saves with optimistic locking and a revision per
 * save, photo variants, the scheduler's publish step and reaction series
 * for the dashboard chart (sql/postgres/005_newsroom.sql).  The same
 * semantics as sqlite_newsroom.c.
 *
 * articles.status stays the public flag readers' queries use; stage is
 * the full status.  Every write here sets both, so they never disagree.
 * A save locks the story row (SELECT ... FOR UPDATE) before it compares
 * versions, so two nodes saving the same story at once cannot both win.
 */
#include "pg_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

#define STORY_COLS PG_ARTICLE_COLS ", a.stage, coalesce(a.owner_id, 0)"

static const char sql_stories[] =
	"SELECT " STORY_COLS ", coalesce((SELECT sum(count) FROM"
	" reaction_counts rc WHERE rc.article_id = a.id), 0), a.comment_count"
	PG_ARTICLE_FROM
	"WHERE ($1::int < 0 OR a.stage = $1::int)"
	" AND ($2::text IS NULL OR a.section_slug = $2::text)"
	" AND ($3::text IS NULL OR a.author = $3::text)"
	" AND ($4::text IS NULL OR strpos(lower(a.headline), lower($4::text)) > 0)"
	" AND ($6::text IS NULL OR a.slug = $6::text)"
	" AND (a.updated, a.id) < ($7::bigint, $8::bigint)"
	" ORDER BY a.updated DESC, a.id DESC LIMIT $5::bigint";
static const char sql_story_get[] =
	"SELECT " STORY_COLS ", a.body" PG_ARTICLE_FROM "WHERE a.id = $1";
static const char sql_story_version[] =
	"SELECT version FROM articles WHERE id = $1 FOR UPDATE";
static const char sql_story_insert[] =
	"INSERT INTO articles (slug, headline, summary, dateline, body, author,"
	" section, section_slug, photo_key, caption, credit, photo_alt, status,"
	" published, created, updated, version, stage, owner_id) VALUES ($1,"
	" $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1,"
	" $16, nullif($17::bigint, 0)) RETURNING id";
static const char sql_story_update[] =
	"UPDATE articles SET slug = $1, headline = $2, summary = $3,"
	" dateline = $4, body = $5, author = $6, section = $7,"
	" section_slug = $8, photo_key = $9, caption = $10, credit = $11,"
	" photo_alt = $12, status = $13, published = $14, updated = $15,"
	" stage = $16, version = version + 1 WHERE id = $17 AND version = $18"
	" RETURNING id";
static const char sql_revision_insert[] =
	"INSERT INTO revisions (article_id, version, account_id, who, created,"
	" stage, slug, headline, summary, dateline, section, tags, author, body,"
	" photo_key, caption, credit, photo_alt, published) SELECT id, version,"
	" nullif($2::bigint, 0), $3, $4, stage, slug, headline, summary,"
	" dateline, section, $5, author, body, photo_key, caption, credit,"
	" photo_alt, published FROM articles WHERE id = $1";
static const char sql_slug_owner[] =
	"SELECT id FROM articles WHERE slug = $1 AND id <> $2";
static const char sql_variant_put[] =
	"INSERT INTO photo_variants (photo_key, type, width, height,"
	" media_key) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
static const char sql_variants[] =
	"SELECT type, width, height, media_key FROM photo_variants"
	" WHERE photo_key = $1 ORDER BY type, width";
#define REVISION_COLS \
	"id, version, coalesce(account_id, 0), who, created, stage, slug," \
	" headline, summary, dateline, section, tags, author, photo_key," \
	" caption, credit, photo_alt, published"
static const char sql_revisions[] =
	"SELECT " REVISION_COLS " FROM revisions WHERE article_id = $1"
	" ORDER BY id DESC LIMIT 500";
static const char sql_revision_get[] =
	"SELECT " REVISION_COLS ", body FROM revisions WHERE article_id = $1"
	" AND id = $2";
/* The scheduler's revision: the story as it becomes public. */
static const char sql_publish_revisions[] =
	"INSERT INTO revisions (article_id, version, account_id, who, created,"
	" stage, slug, headline, summary, dateline, section, tags, author, body,"
	" photo_key, caption, credit, photo_alt, published) SELECT a.id,"
	" a.version + 1, NULL, 'Scheduler', $1::bigint, 1, a.slug, a.headline,"
	" a.summary, a.dateline, a.section, coalesce((SELECT r.tags FROM"
	" revisions r WHERE r.article_id = a.id ORDER BY r.id DESC LIMIT 1),"
	" ''), a.author, a.body, a.photo_key, a.caption, a.credit, a.photo_alt,"
	" a.published FROM articles a WHERE a.stage = 3"
	" AND a.published <= $1::bigint";
static const char sql_publish_due[] =
	"UPDATE articles SET stage = 1, status = 1, updated = $1::bigint,"
	" version = version + 1 WHERE stage = 3 AND published <= $1::bigint";
static const char sql_due_any[] =
	"SELECT 1 FROM articles WHERE stage = 3 AND published <= $1 LIMIT 1";
/* Several nodes run the scheduler: one at a time publishes. */
static const char sql_due_lock[] = "SELECT pg_advisory_xact_lock(4242018)";
static const char sql_comment_top[] =
	"SELECT " PG_ARTICLE_COLS ", count(*) FROM comments c"
	" JOIN articles a ON a.id = c.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE c.status = 0 AND c.created >= $1::bigint AND a.status = 1"
	" GROUP BY a.id, m.key ORDER BY count(*) DESC, a.id DESC"
	" LIMIT $2::bigint";
static const char sql_series[] =
	"SELECT (created - $2::bigint) / $3::bigint, kind, count(*)"
	" FROM reactions WHERE article_id = $1 AND created >= $2::bigint"
	" AND created < $2::bigint + $3::bigint * $4::bigint GROUP BY 1, 2";

/* Fill a story row: PG_ARTICLE_COLS, then stage and owner. */
static void read_story(struct arena *ar, const PGresult *res, int row,
		       struct article *a)
{
	int stage;

	pg_read_article(ar, res, row, a);
	stage = (int)pg_int(res, row, 20);
	a->status = stage >= 0 && stage < ARTICLE_STATUSES ?
		    (enum article_status)stage : ARTICLE_DRAFT;
	a->owner_id = pg_int(res, row, 21);
}

int pg_stories(struct store *base, struct arena *ar,
	       const struct story_query *q, struct story_row **out, size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs a = { 0 };
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	pa_int(&a, q->status);
	pa_text(&a, q->section_slug);
	pa_text(&a, q->author);
	pa_text(&a, q->search);
	pa_int(&a, (int64_t)q->limit);
	pa_text(&a, q->slug);
	pa_int(&a, q->before ? q->before->published : INT64_MAX);
	pa_int(&a, q->before ? q->before->id : INT64_MAX);
	*out = arena_zalloc(ar, q->limit * sizeof(**out));
	*n = 0;
	if (!(r = pg_run(c, PS_STORIES, sql_stories, &a, &res))) {
		rows = PQntuples(res);
		for (i = 0; i < rows && *n < q->limit; i++) {
			struct story_row *row = &(*out)[(*n)++];

			read_story(ar, res, i, &row->a);
			row->reactions = pg_int(res, i, 22);
			row->comments = pg_int(res, i, 23);
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_story_get(struct store *base, struct arena *ar, int64_t id,
		 struct article **out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	struct article *a;
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_int(&p, id);
	if ((r = pg_run(c, PS_STORY_GET, sql_story_get, &p, &res)))
		goto out;
	if (!PQntuples(res)) {
		PQclear(res);
		r = ERR_NOTFOUND;
		goto out;
	}
	a = arena_alloc(ar, sizeof(*a));
	read_story(ar, res, 0, a);
	a->body = pg_text_or_empty(ar, res, 0, 22);
	PQclear(res);
	if (!(r = pg_read_tags(c, ar, a)))
		*out = a;
out:
	pg_conn_put(s, c);
	return r;
}

/* See pg_int.h. */
int pg_photos_put(struct pgconn *c, const struct media *media, size_t nmedia,
		  const struct photo_variant *variants, size_t nvariants)
{
	size_t i;
	int r;

	for (i = 0; i < nmedia; i++)
		if ((r = pg_media_insert(c, &media[i])))
			return r;
	for (i = 0; i < nvariants; i++) {
		const struct photo_variant *v = &variants[i];
		struct pgargs p = { 0 };

		pa_text(&p, v->photo_key);
		pa_text(&p, v->type);
		pa_int(&p, v->width);
		pa_int(&p, v->height);
		pa_text(&p, v->media_key);
		if ((r = pg_run(c, PS_VARIANT_PUT, sql_variant_put, &p, NULL)))
			return r;
	}
	return 0;
}

/* ERR_CONFLICT when a story other than @id has @slug. */
static int slug_check(struct pgconn *c, const char *slug, int64_t id)
{
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	pa_text(&p, slug);
	pa_int(&p, id);
	if ((r = pg_run(c, PS_SLUG_OWNER, sql_slug_owner, &p, &res)))
		return r;
	r = PQntuples(res) ? ERR_CONFLICT : 0;
	PQclear(res);
	return r;
}

/* ERR_NOTFOUND / ERR_STALE unless story @id is at @version (row locked). */
static int version_check(struct pgconn *c, int64_t id, int64_t version)
{
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	pa_int(&p, id);
	if ((r = pg_run(c, PS_STORY_VERSION, sql_story_version, &p, &res)))
		return r;
	if (!PQntuples(res))
		r = ERR_NOTFOUND;
	else if (pg_int(res, 0, 0) != version)
		r = ERR_STALE;
	PQclear(res);
	return r;
}

static int write_story(struct pgconn *c, const struct story_save *sv,
		       int64_t now, int64_t *id)
{
	const struct article *a = sv->a;
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (a->id && (r = version_check(c, a->id, sv->expect_version)))
		return r;
	if ((r = slug_check(c, a->slug, a->id)) ||
	    (r = pg_photos_put(c, sv->media, sv->nmedia, sv->variants,
				   sv->nvariants)))
		return r;
	pg_article_args(&p, a, now);
	pa_int(&p, (int)a->status);
	if (a->id) {
		pa_int(&p, a->id);
		pa_int(&p, sv->expect_version);
		r = pg_run(c, PS_STORY_UPDATE, sql_story_update, &p, &res);
	} else {
		pa_int(&p, a->owner_id);
		r = pg_run(c, PS_STORY_INSERT, sql_story_insert, &p, &res);
	}
	if (r)
		return r;
	if (PQntuples(res))
		*id = pg_int(res, 0, 0);
	else
		r = ERR_STALE;
	PQclear(res);
	return r;
}

int pg_story_save(struct store *base, const struct story_save *sv,
		  int64_t *id, int64_t *version)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int64_t now = time_now(), sid = 0;
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	if ((r = pg_exec(c, "BEGIN")))
		goto out_put;
	if ((r = write_story(c, sv, now, &sid)))
		goto out;
	if ((r = pg_put_tags(c, sid, sv->a)))
		goto out;
	pa_int(&p, sid);
	pa_int(&p, sv->account_id);
	pa_text(&p, sv->who ? sv->who : "");
	pa_int(&p, now);
	pa_text(&p, sv->tags_text ? sv->tags_text : "");
	if ((r = pg_run(c, PS_REVISION_INSERT, sql_revision_insert, &p, NULL)))
		goto out;
	r = pg_content_bump(s, c);
out:
	r = pg_txn_end(c, r);
	if (!r) {
		atomic_fetch_add(&s->base.generation, 1);
		*id = sid;
		*version = sv->a->id ? sv->expect_version + 1 : 1;
	}
out_put:
	pg_conn_put(s, c);
	return r;
}

int pg_slug_free(struct store *base, const char *slug, int64_t except_id,
		 bool *free)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = slug_check(c, slug, except_id);
	*free = r == 0;
	pg_conn_put(s, c);
	return r == ERR_CONFLICT ? 0 : r;
}

int pg_photo_variants(struct store *base, struct arena *ar,
		      const char *photo_key, struct photo_variant **out,
		      size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	size_t cap = 16;
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = arena_alloc(ar, cap * sizeof(**out));
	pa_text(&p, photo_key);
	if (!(r = pg_run(c, PS_VARIANTS, sql_variants, &p, &res))) {
		rows = PQntuples(res);
		for (i = 0; i < rows && *n < cap; i++) {
			struct photo_variant *v = &(*out)[(*n)++];

			v->photo_key = photo_key;
			v->type = pg_text_or_empty(ar, res, i, 0);
			v->width = (int)pg_int(res, i, 1);
			v->height = (int)pg_int(res, i, 2);
			v->media_key = pg_text_or_empty(ar, res, i, 3);
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

static void read_revision(struct arena *ar, const PGresult *res, int row,
			  int64_t article_id, struct revision *v)
{
	int stage = (int)pg_int(res, row, 5);

	memset(v, 0, sizeof(*v));
	v->id = pg_int(res, row, 0);
	v->version = pg_int(res, row, 1);
	v->account_id = pg_int(res, row, 2);
	v->who = pg_text_or_empty(ar, res, row, 3);
	v->created = pg_int(res, row, 4);
	v->a.id = article_id;
	v->a.version = v->version;
	v->a.updated = v->created;
	v->a.status = stage >= 0 && stage < ARTICLE_STATUSES ?
		      (enum article_status)stage : ARTICLE_DRAFT;
	v->a.slug = pg_text_or_empty(ar, res, row, 6);
	v->a.headline = pg_text_or_empty(ar, res, row, 7);
	v->a.summary = pg_text_or_empty(ar, res, row, 8);
	v->a.dateline = pg_text_or_empty(ar, res, row, 9);
	v->a.section = pg_text_or_empty(ar, res, row, 10);
	v->tags_text = pg_text_or_empty(ar, res, row, 11);
	v->a.author = pg_text_or_empty(ar, res, row, 12);
	v->a.photo.key = pg_text(ar, res, row, 13);
	v->a.caption = pg_text_or_empty(ar, res, row, 14);
	v->a.credit = pg_text_or_empty(ar, res, row, 15);
	v->a.photo_alt = pg_text_or_empty(ar, res, row, 16);
	v->a.published = pg_int(res, row, 17);
	v->a.section_slug = "";
	v->a.body = "";
}

int pg_revisions(struct store *base, struct arena *ar, int64_t article_id,
		 struct revision **out, size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = NULL;
	pa_int(&p, article_id);
	if (!(r = pg_run(c, PS_REVISIONS, sql_revisions, &p, &res))) {
		rows = PQntuples(res);
		if (rows)
			*out = arena_alloc(ar, (size_t)rows * sizeof(**out));
		for (i = 0; i < rows; i++)
			read_revision(ar, res, i, article_id, &(*out)[(*n)++]);
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_revision_get(struct store *base, struct arena *ar, int64_t article_id,
		    int64_t rev_id, struct revision *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_int(&p, article_id);
	pa_int(&p, rev_id);
	if (!(r = pg_run(c, PS_REVISION_GET, sql_revision_get, &p, &res))) {
		if (PQntuples(res)) {
			read_revision(ar, res, 0, article_id, out);
			out->a.body = pg_text_or_empty(ar, res, 0, 18);
		} else {
			r = ERR_NOTFOUND;
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_publish_due(struct store *base, int64_t now, int *published)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, changed = 0;

	if (!c)
		return ERR_DB;
	pa_int(&p, now);
	/* A read first: most ticks find nothing and take no lock. */
	if ((r = pg_run(c, PS_DUE_ANY, sql_due_any, &p, &res)))
		goto out_put;
	changed = PQntuples(res);
	PQclear(res);
	if (!changed || (r = pg_exec(c, "BEGIN")))
		goto out_put;
	changed = 0;
	if ((r = pg_run(c, PS_DUE_LOCK, sql_due_lock, NULL, NULL)) ||
	    (r = pg_run(c, PS_PUBLISH_REVISIONS, sql_publish_revisions, &p,
			NULL)) ||
	    (r = pg_run(c, PS_PUBLISH_DUE, sql_publish_due, &p, &res)))
		goto out;
	changed = atoi(PQcmdTuples(res));
	PQclear(res);
	if (changed)
		r = pg_content_bump(s, c);
out:
	r = pg_txn_end(c, r);
	if (!r && changed)
		atomic_fetch_add(&s->base.generation, 1);
out_put:
	if (published)
		*published = r ? 0 : changed;
	pg_conn_put(s, c);
	return r;
}

int pg_reaction_series(struct store *base, int64_t article_id, int64_t since,
		       int64_t step, size_t nsteps, int64_t *counts)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	memset(counts, 0, nsteps * REACTION_KINDS * sizeof(*counts));
	pa_int(&p, article_id);
	pa_int(&p, since);
	pa_int(&p, step);
	pa_int(&p, (int64_t)nsteps);
	if (!(r = pg_run(c, PS_REACTION_SERIES, sql_series, &p, &res))) {
		rows = PQntuples(res);
		for (i = 0; i < rows; i++) {
			int64_t k = pg_int(res, i, 0);
			int kind = (int)pg_int(res, i, 1);

			if (k >= 0 && (size_t)k < nsteps && kind >= 0 &&
			    kind < REACTION_KINDS)
				counts[k * REACTION_KINDS + kind] =
					pg_int(res, i, 2);
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_comment_top(struct store *base, struct arena *ar, int64_t since,
		   size_t limit, struct article_list *out, int64_t **counts)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	out->items = arena_alloc(ar, (limit ? limit : 1) * sizeof(*out->items));
	*counts = arena_alloc(ar, (limit ? limit : 1) * sizeof(**counts));
	out->n = 0;
	out->more = false;
	pa_int(&p, since);
	pa_int(&p, (int64_t)limit);
	if (!(r = pg_run(c, PS_COMMENT_TOP, sql_comment_top, &p, &res))) {
		rows = PQntuples(res);
		for (i = 0; i < rows && out->n < limit; i++) {
			pg_read_article(ar, res, i, &out->items[out->n]);
			(*counts)[out->n++] = pg_int(res, i, 20);
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}
