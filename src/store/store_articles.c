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

static struct dbq q_tags_clear = DBQ(
	"DELETE FROM article_tags WHERE article_id = ?1");
static struct dbq q_tag_upsert = DBQ(
	"INSERT INTO tags (slug, name) VALUES (?1, ?2)"
	" ON CONFLICT (slug) DO UPDATE SET name = excluded.name RETURNING id");
static struct dbq q_article_tag_add = DBQ(
	"INSERT INTO article_tags (article_id, tag_id, pos)"
	" VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
static struct dbq q_article_tags = DBQ(
	"SELECT t.slug, t.name FROM article_tags x"
	" JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?1"
	" ORDER BY x.pos");
static struct dbq q_media_put = DBQ(
	"INSERT INTO media (key, type, width, height, data, created)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO NOTHING");

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
}

int art_put_tags(struct dbc *c, int64_t id, const struct article *a)
{
	size_t i;

	db_exec(c, &q_tags_clear, DB_I(id));
	for (i = 0; i < a->ntags; i++) {
		int64_t tag = 0;

		db_get_int(c, &q_tag_upsert, &tag, DB_T(a->tags[i].slug),
			   DB_T(a->tags[i].name));
		db_exec(c, &q_article_tag_add, DB_I(id), DB_I(tag),
			DB_I((int64_t)i));
	}
	return db_failed(c);
}

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

int art_media_insert(struct dbc *c, const struct media *m)
{
	return db_exec(c, &q_media_put, DB_T(m->key), DB_T(m->type),
		       DB_I(m->width), DB_I(m->height), DB_B(m->data, m->len),
		       DB_I(time_now()));
}
