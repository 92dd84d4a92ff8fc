/*
 * store_articles.c - the steps on stories that several areas of the store
 * share, written once over the driver (db.h): reading an article row,
 * its tags, storing an image.  See store_int.h.
 */
#include "store.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

void art_read(struct dbs *st, struct arena *ar, int col, struct article *a)
{
	memset(a, 0, sizeof(*a));
	a->id = db_int(st, col);
	a->slug = db_text0(st, ar, col + 1);
	a->headline = db_text0(st, ar, col + 2);
	a->summary = db_text0(st, ar, col + 3);
	a->dateline = db_text0(st, ar, col + 4);
	a->author = db_text0(st, ar, col + 5);
	a->section = db_text0(st, ar, col + 6);
	a->section_slug = db_text0(st, ar, col + 7);
	a->photo.key = db_text(st, ar, col + 8);
	a->photo.type = db_text(st, ar, col + 9);
	a->photo.width = (int)db_int(st, col + 10);
	a->photo.height = (int)db_int(st, col + 11);
	a->caption = db_text0(st, ar, col + 12);
	a->credit = db_text0(st, ar, col + 13);
	a->photo_alt = db_text0(st, ar, col + 14);
	a->status = db_int(st, col + 15) ? ARTICLE_PUBLISHED : ARTICLE_DRAFT;
	a->published = db_int(st, col + 16);
	a->created = db_int(st, col + 17);
	a->updated = db_int(st, col + 18);
	a->version = db_int(st, col + 19);
	a->lang = db_text0(st, ar, col + 20);
	a->update_marked = db_int(st, col + 21);
	a->body = "";
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

void art_args(struct dbv *v, const struct article *a, int64_t now)
{
	v[0] = DB_T(a->slug);
	v[1] = DB_T(a->headline);
	v[2] = DB_T(or_empty(a->summary));
	v[3] = DB_T(or_empty(a->dateline));
	v[4] = DB_T(a->body);
	v[5] = DB_T(or_empty(a->author));
	v[6] = DB_T(or_empty(a->section));
	v[7] = DB_T(or_empty(a->section_slug));
	v[8] = DB_T(a->photo.key);
	v[9] = DB_T(or_empty(a->caption));
	v[10] = DB_T(or_empty(a->credit));
	v[11] = DB_T(or_empty(a->photo_alt));
	v[12] = DB_I(a->status == ARTICLE_PUBLISHED);
	v[13] = DB_I(a->published);
	v[14] = DB_I(now);
	v[15] = DB_T(or_empty(a->lang));
}

static struct dbq q_tags_clear = DBQ(
	"DELETE FROM article_tags WHERE article_id = ?1");
static struct dbq q_tag_upsert = DBQ(
	"INSERT INTO tags (slug, name) VALUES (?1, ?2)"
	" ON CONFLICT (slug) DO UPDATE SET name = excluded.name RETURNING id");
static struct dbq q_article_tag_add = DBQ(
	"INSERT INTO article_tags (article_id, tag_id, pos)"
	" VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");

int art_put_tags(struct dbc *c, int64_t id, const struct article *a)
{
	size_t i;

	db_exec(c, &q_tags_clear, DB_I(id));
	/* The last first: the search index is written once, when pos 0
	 * comes (sql/sqlite/011_pages.sql). */
	for (i = a->ntags; i-- > 0;) {
		int64_t tag = 0;

		db_get_int(c, &q_tag_upsert, &tag, DB_T(a->tags[i].slug),
			   DB_T(a->tags[i].name));
		db_exec(c, &q_article_tag_add, DB_I(id), DB_I(tag),
			DB_I((int64_t)i));
	}
	return db_failed(c);
}

static struct dbq q_article_tags = DBQ(
	"SELECT t.slug, t.name FROM article_tags x"
	" JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?1"
	" ORDER BY x.pos");

int art_read_tags(struct dbc *c, struct arena *ar, struct article *a)
{
	struct dbs *st = db_query(c, &q_article_tags, DB_I(a->id));
	size_t cap = 8;
	int r;

	a->tags = arena_alloc(ar, cap * sizeof(*a->tags));
	a->ntags = 0;
	while ((r = db_step(st)) == 1) {
		if (a->ntags == cap) {
			struct tag *t = arena_alloc(ar, 2 * cap * sizeof(*t));

			memcpy(t, a->tags, cap * sizeof(*t));
			a->tags = t;
			cap *= 2;
		}
		a->tags[a->ntags].slug = db_text0(st, ar, 0);
		a->tags[a->ntags].name = db_text0(st, ar, 1);
		a->ntags++;
	}
	return r;
}

static struct dbq q_media_put = DBQ(
	"INSERT INTO media (key, type, width, height, data, created)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO NOTHING");

int art_media_insert(struct dbc *c, const struct media *m)
{
	return db_exec(c, &q_media_put, DB_T(m->key), DB_T(m->type),
		       DB_I(m->width), DB_I(m->height), DB_B(m->data, m->len),
		       DB_I(time_now()));
}

/* Newest first, strictly before the cursor (?2, ?3), visible per ?4/?5. */
#define LIST_TAIL \
	" AND a.status >= ?4 AND a.published <= ?5" \
	" AND (a.published, a.id) < (?2, ?3)" \
	" ORDER BY a.published DESC, a.id DESC LIMIT ?6"

static struct dbq q_variant_put = DBQ(
	"INSERT INTO photo_variants (photo_key, type, width, height,"
	" media_key) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");

int art_photos_put(struct dbc *c, const struct media *media, size_t nmedia,
		   const struct photo_variant *variants, size_t nvariants)
{
	size_t i;

	for (i = 0; i < nmedia; i++)
		art_media_insert(c, &media[i]);
	for (i = 0; i < nvariants; i++) {
		const struct photo_variant *v = &variants[i];

		db_exec(c, &q_variant_put, DB_T(v->photo_key), DB_T(v->type),
			DB_I(v->width), DB_I(v->height), DB_T(v->media_key));
	}
	return db_failed(c);
}

static struct dbq q_find = DBQ("SELECT id FROM articles WHERE slug = ?1");
static struct dbq q_insert = DBQ(
	"INSERT INTO articles (slug, headline, summary, dateline, body,"
	" author, section, section_slug, photo_key, caption, credit,"
	" photo_alt, status, published, created, updated, version, lang,"
	" stage, update_marked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	" ?10, ?11, ?12, ?13, ?14, ?18, ?15, 1, ?16, ?17, ?19) RETURNING id");
static struct dbq q_update = DBQ(
	"UPDATE articles SET headline = ?2, summary = ?3, dateline = ?4,"
	" body = ?5, author = ?6, section = ?7, section_slug = ?8,"
	" photo_key = ?9, caption = ?10, credit = ?11, photo_alt = ?12,"
	" status = ?13, published = ?14, updated = ?15, lang = ?16,"
	" stage = ?17, update_marked = CASE WHEN CAST(?18 AS BIGINT) > 0"
	" THEN CAST(?18 AS BIGINT) ELSE update_marked END,"
	" version = version + 1 WHERE slug = ?1 RETURNING id");

int store_article_put(struct store *s, const struct article *a,
		      int64_t *id_out, bool *inserted)
{
	struct dbv v[19];
	int64_t id = 0, old = 0, now = time_now();
	bool found;
	struct dbc *c;
	int r;

	if (!a->slug || !*a->slug || !a->headline || !*a->headline || !a->body)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	if (a->new_photo)
		art_media_insert(c, a->new_photo);
	art_photos_put(c, a->new_copies, a->ncopies, a->new_variants,
		       a->nvariants);
	found = !db_get_int(c, &q_find, &old, DB_T(a->slug));
	art_args(v, a, a->updated ? a->updated : now);
	v[16] = DB_I((int)a->status >= 0 && (int)a->status < ARTICLE_STATUSES ?
		     a->status : ARTICLE_DRAFT);
	if (found) {
		v[17] = DB_I(a->update_marked);
		r = db_int_v(c, &q_update, &id, v, 18);
	} else {
		v[17] = DB_I(now);	/* created */
		v[18] = DB_I(a->update_marked);
		r = db_int_v(c, &q_insert, &id, v, 19);
	}
	art_put_tags(c, id, a);
	db_content_bump(c);
	r = db_end(c, r);
	if (!r && id_out)
		*id_out = id;
	if (!r && inserted)
		*inserted = !found;
	db_put(c);
	return r;
}

static struct dbq q_by_slug = DBQ(
	"SELECT " ARTICLE_COLS ", a.body" ARTICLE_FROM
	"WHERE a.slug = ?1 AND a.status >= ?2 AND a.published <= ?3");

int store_article_by_slug(struct store *s, struct arena *ar, const char *slug,
			  bool include_drafts, struct article **out)
{
	struct dbc *c = db_get(s, DB_READ);
	struct article *a;
	struct dbs *st;
	int r;

	st = db_query(c, &q_by_slug, DB_T(slug), DB_I(include_drafts ? 0 : 1),
		      DB_I(include_drafts ? INT64_MAX : time_now()));
	if (!(r = db_row(st))) {
		a = arena_alloc(ar, sizeof(*a));
		art_read(st, ar, 0, a);
		a->body = db_text0(st, ar, ARTICLE_NCOLS);
		if (!(r = art_read_tags(c, ar, a)))
			*out = a;
	}
	db_put(c);
	return r;
}

static struct dbq q_list_all = DBQ(
	"SELECT " ARTICLE_COLS ARTICLE_FROM
	"WHERE CAST(?1 AS TEXT) IS NULL" LIST_TAIL);
static struct dbq q_list_section = DBQ(
	"SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.section_slug = ?1"
	LIST_TAIL);
static struct dbq q_list_author = DBQ(
	"SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.author = ?1" LIST_TAIL);
static struct dbq q_list_tag = DBQ(
	"SELECT " ARTICLE_COLS
	" FROM article_tags x JOIN tags t ON t.id = x.tag_id"
	" JOIN articles a ON a.id = x.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE t.slug = ?1" LIST_TAIL);

int art_read_list(struct dbs *st, struct arena *ar, size_t limit,
		  struct article_list *out)
{
	int r;

	out->items = arena_alloc(ar, (limit + 1) * sizeof(*out->items));
	out->n = 0;
	out->more = false;
	while ((r = db_step(st)) == 1) {
		if (out->n == limit) {
			out->more = true;
			return 0;
		}
		art_read(st, ar, 0, &out->items[out->n++]);
	}
	return r;
}

int store_articles_list(struct store *s, struct arena *ar,
			const struct article_query *q, struct article_list *out)
{
	struct dbq *list = q->tag_slug ? &q_list_tag :
			   q->section_slug ? &q_list_section :
			   q->author ? &q_list_author : &q_list_all;
	struct dbc *c;
	struct dbs *st;
	int r;

	if (q->limit < 1 || q->limit > 100)
		return ERR_INVALID;
	c = db_get(s, DB_READ);
	st = db_query(c, list, DB_T(q->tag_slug ? q->tag_slug :
				    q->section_slug ? q->section_slug :
				    q->author),
		      DB_I(q->before ? q->before->published : INT64_MAX),
		      DB_I(q->before ? q->before->id : INT64_MAX),
		      DB_I(q->include_drafts ? 0 : 1),
		      DB_I(q->include_drafts ? INT64_MAX : time_now()),
		      DB_I((int64_t)q->limit + 1));
	r = art_read_list(st, ar, q->limit, out);
	db_put(c);
	return r;
}

/*
 * Stories sharing a tag with story ?1: two points a shared tag, one for
 * the same section; the newest first among equals.  The candidates are
 * the newest RELATED_SCAN published stories (one indexed range read),
 * so a tag on half the archive costs no more than a small one; an old
 * story gets recent ones to read next.
 */
#define RELATED_SCAN "2000"
static struct dbq q_related = DBQ(
	"WITH recent AS (SELECT id FROM articles WHERE status = 1"
	" AND published <= ?2 ORDER BY published DESC LIMIT " RELATED_SCAN "),"
	" near AS (SELECT x.article_id AS id, count(*) AS n FROM recent"
	" JOIN article_tags x ON x.article_id = recent.id"
	" WHERE x.tag_id IN (SELECT tag_id FROM article_tags"
	" WHERE article_id = ?1) AND x.article_id <> ?1"
	" GROUP BY x.article_id)"
	" SELECT " ARTICLE_COLS " FROM near JOIN articles a ON a.id = near.id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" ORDER BY 2 * near.n + CASE WHEN a.section_slug = (SELECT"
	" section_slug FROM articles WHERE id = ?1) THEN 1 ELSE 0 END DESC,"
	" a.published DESC, a.id DESC LIMIT ?3");

int store_related(struct store *s, struct arena *ar, int64_t article_id,
		  size_t limit, struct article_list *out)
{
	struct dbc *c;
	int r;

	if (limit < 1 || limit > 100)
		return ERR_INVALID;
	c = db_get(s, DB_READ);
	r = art_read_list(db_query(c, &q_related, DB_I(article_id),
			       DB_I(time_now()), DB_I((int64_t)limit)),
		      ar, limit, out);
	db_put(c);
	return r;
}

/* A one-text-column lookup of a public name by slug. */
static int name_by_slug(struct store *s, struct dbq *q, struct arena *ar,
			const char *slug, const char **name)
{
	struct dbc *c = db_get(s, DB_READ);
	struct dbs *st;
	int r;

	st = db_query(c, q, DB_T(slug), DB_I(time_now()));
	if (!(r = db_row(st)))
		*name = db_text0(st, ar, 0);
	db_put(c);
	return r;
}

/* Only names with a public story: drafts must not show through. */
static struct dbq q_section_name = DBQ(
	"SELECT section FROM articles WHERE section_slug = ?1"
	" AND status = 1 AND published <= ?2 LIMIT 1");

int store_section_name(struct store *s, struct arena *ar, const char *slug,
		       const char **name)
{
	return name_by_slug(s, &q_section_name, ar, slug, name);
}

static struct dbq q_tag_name = DBQ(
	"SELECT t.name FROM tags t WHERE t.slug = ?1 AND EXISTS (SELECT 1"
	" FROM article_tags x JOIN articles a ON a.id = x.article_id"
	" WHERE x.tag_id = t.id AND a.status = 1 AND a.published <= ?2)");

int store_tag_name(struct store *s, struct arena *ar, const char *slug,
		   const char **name)
{
	return name_by_slug(s, &q_tag_name, ar, slug, name);
}

int store_media_put(struct store *s, const struct media *m)
{
	struct dbc *c;
	int r;

	if (!m->key || !*m->key || !m->type || !m->len)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	if (!(r = art_media_insert(c, m)))
		atomic_fetch_add(&s->generation, 1);
	db_put(c);
	return r;
}

int store_photo_put(struct store *s, const struct media *items, size_t n,
		    const struct photo_variant *variants, size_t nvariants)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	db_begin(c);
	r = db_end(c, art_photos_put(c, items, n, variants, nvariants));
	db_put(c);
	return r;
}

static struct dbq q_media_get = DBQ(
	"SELECT type, width, height, data FROM media WHERE key = ?1");

int store_media_get(struct store *s, struct arena *ar, const char *key,
		    struct media *out)
{
	struct dbc *c = db_get(s, DB_READ);
	struct dbs *st;
	int r;

	st = db_query(c, &q_media_get, DB_T(key));
	if (!(r = db_row(st))) {
		out->key = arena_strdup(ar, key);
		out->type = db_text0(st, ar, 0);
		out->width = (int)db_int(st, 1);
		out->height = (int)db_int(st, 2);
		out->data = db_blob(st, ar, 3, &out->len);
	}
	db_put(c);
	return r;
}

static struct dbq q_count = DBQ("SELECT count(*) FROM articles");

int store_article_count(struct store *s, int64_t *n)
{
	struct dbc *c = db_get(s, DB_READ);
	int r;

	r = db_int_v(c, &q_count, n, NULL, 0);
	db_put(c);
	return r;
}

static struct dbq q_sections = DBQ(
	"SELECT section_slug, min(section), count(*) FROM articles"
	" WHERE status = 1 AND published <= ?1 AND section_slug <> ''"
	" GROUP BY section_slug ORDER BY count(*) DESC, section_slug"
	" LIMIT 12");

int store_sections(struct store *s, struct arena *ar, struct section **out,
		   size_t *n)
{
	struct dbc *c = db_get(s, DB_READ);
	struct section *list;
	struct dbs *st;
	int r;

	list = arena_alloc(ar, 12 * sizeof(*list));
	*n = 0;
	*out = list;
	st = db_query(c, &q_sections, DB_I(time_now()));
	while (*n < 12 && (r = db_step(st)) == 1) {
		list[*n].slug = db_text0(st, ar, 0);
		list[*n].name = db_text0(st, ar, 1);
		list[*n].count = db_int(st, 2);
		(*n)++;
	}
	r = db_failed(c);
	db_put(c);
	return r;
}

static struct dbq q_corrections = DBQ(
	"SELECT created, body FROM corrections WHERE article_id = ?1"
	" ORDER BY id LIMIT 100");

int store_corrections(struct store *s, struct arena *ar, int64_t article_id,
		      struct correction **out, size_t *n)
{
	struct dbc *c = db_get(s, DB_READ);
	struct dbs *st = db_query(c, &q_corrections, DB_I(article_id));
	int r;

	*out = arena_alloc(ar, 100 * sizeof(**out));
	*n = 0;
	while ((r = db_step(st)) == 1) {
		(*out)[*n].created = db_int(st, 0);
		(*out)[*n].body = db_text0(st, ar, 1);
		(*n)++;
	}
	db_put(c);
	return r;
}
