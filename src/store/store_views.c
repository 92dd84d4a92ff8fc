/*
 * store_views.c - page views of stories (017_page_views.sql), written
 * once over the driver: the counts a node adds every few seconds, the
 * most read stories of recent days, and a story's views by day for the
 * newsroom's dashboard.
 *
 * Adding views does not move the content generation: a view changes no
 * page (the "Most read" boxes are refreshed on their own clock, see
 * src/site/views.c).
 */
#include "store.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

/* A story deleted since its views were counted is skipped. */
static struct dbq q_views_add = DBQ(
	"INSERT INTO page_views (article_id, day, views)"
	" SELECT CAST(?1 AS BIGINT), CAST(?2 AS INTEGER), CAST(?3 AS BIGINT)"
	" WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?1)"
	" ON CONFLICT (article_id, day) DO UPDATE"
	" SET views = page_views.views + excluded.views");

int store_views_add(struct store *s, int64_t day, const int64_t *ids,
		    const int64_t *counts, size_t n)
{
	struct dbc *c;
	size_t i;
	int r;

	if (!n)
		return 0;
	c = db_get(s, DB_WRITE);
	r = db_begin(c);
	for (i = 0; !r && i < n; i++)
		r = db_exec(c, &q_views_add, DB_I(ids[i]), DB_I(day),
			    DB_I(counts[i]));
	r = db_end(c, r);
	db_put(c);
	return r;
}

static struct dbq q_most_read = DBQ(
	"WITH t AS (SELECT article_id, sum(views) AS n FROM page_views"
	" WHERE day >= ?1 GROUP BY article_id)"
	" SELECT " ARTICLE_COLS ", t.n FROM t"
	" JOIN articles a ON a.id = t.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE a.status = 1 AND a.published <= ?2"
	" ORDER BY t.n DESC, a.id DESC LIMIT ?3");

int store_most_read(struct store *s, struct arena *ar, int64_t since_day,
		    size_t limit, struct article_list *out, int64_t **views)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	out->n = 0;
	out->more = false;
	if (limit < 1 || limit > 100)
		return ERR_INVALID;
	out->items = arena_alloc(ar, limit * sizeof(*out->items));
	*views = arena_alloc(ar, limit * sizeof(**views));
	c = db_get(s, DB_READ);
	st = db_query(c, &q_most_read, DB_I(since_day), DB_I(time_now()),
		      DB_I((int64_t)limit));
	while ((r = db_step(st)) == 1 && out->n < limit) {
		art_read(st, ar, 0, &out->items[out->n]);
		(*views)[out->n] = db_int(st, ARTICLE_NCOLS);
		out->n++;
	}
	db_put(c);
	return r < 0 ? r : 0;
}

static struct dbq q_views_days = DBQ(
	"SELECT day, views FROM page_views WHERE article_id = ?1"
	" AND day >= ?2 AND day < ?3");

int store_views_days(struct store *s, int64_t article_id, int64_t since_day,
		     size_t ndays, int64_t *per_day)
{
	struct dbc *c = db_get(s, DB_READ);
	struct dbs *st;
	size_t i;
	int r;

	for (i = 0; i < ndays; i++)
		per_day[i] = 0;
	st = db_query(c, &q_views_days, DB_I(article_id), DB_I(since_day),
		      DB_I(since_day + (int64_t)ndays));
	while ((r = db_step(st)) == 1) {
		int64_t d = db_int(st, 0) - since_day;

		if (d >= 0 && (size_t)d < ndays)
			per_day[d] = db_int(st, 1);
	}
	db_put(c);
	return r < 0 ? r : 0;
}
