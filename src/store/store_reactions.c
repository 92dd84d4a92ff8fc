/*
 * store_reactions.c - the reads of reactions that both engines share,
 * written once over the driver (db.h): one article's counts and the
 * reader's own reaction, the most-reacted lists, and the site secrets.
 *
 * The writes are the engines' own (sqlite_reactions.c: one transaction
 * per batch with counts kept by triggers; pg_reactions.c: a pipelined,
 * set-based batch with counts kept in C).
 *
 * The slug -> id lookup of a reaction is cached, so that a reaction does
 * not cost a query for its article on every request: direct-mapped by a
 * hash of the slug, each entry valid while the store's generation (moved
 * by every content write, of this process at once and of the others
 * within the poll or the notification) is the one it was read in.  Only
 * found articles are kept: one not published yet can become visible by
 * the clock alone.
 */
#include "store.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

static struct dbq q_mine = DBQ(
	"SELECT kind FROM reactions WHERE article_id = ?1 AND reader = ?2");

int rx_mine(struct dbc *c, int64_t article_id, const char *reader, int *mine)
{
	int64_t k;
	int r = db_get_int(c, &q_mine, &k, DB_I(article_id), DB_T(reader));

	*mine = r ? -1 : (int)k;
	return r == ERR_NOTFOUND ? 0 : r;
}

static struct dbq q_counts = DBQ(
	"SELECT kind, count FROM reaction_counts WHERE article_id = ?1");

int rx_state(struct dbc *c, int64_t article_id, const char *reader,
	     struct reaction_state *out)
{
	struct dbs *st;
	int r;

	memset(out->counts, 0, sizeof(out->counts));
	out->total = 0;
	out->mine = -1;
	st = db_query(c, &q_counts, DB_I(article_id));
	while ((r = db_step(st)) == 1) {
		int64_t k = db_int(st, 0);

		if (k >= 0 && k < REACTION_KINDS) {
			out->counts[k] = db_int(st, 1);
			out->total += out->counts[k];
		}
	}
	if (!r && reader)
		r = rx_mine(c, article_id, reader, &out->mine);
	return r;
}

int store_reaction_state(struct store *s, int64_t article_id,
			 const char *reader, struct reaction_state *out)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r = rx_state(c, article_id, reader, out);

	db_put(c);
	return r;
}

static struct dbq q_top_all = DBQ(
	"SELECT " ARTICLE_COLS ", rc.count FROM reaction_counts rc"
	" JOIN articles a ON a.id = rc.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE rc.kind = ?1 AND rc.count > 0 AND a.status = 1"
	" AND a.published <= ?2 AND (rc.count, a.id) < (?3, ?4)"
	" ORDER BY rc.count DESC, a.id DESC LIMIT ?5");
static struct dbq q_top_since = DBQ(
	"WITH t AS (SELECT article_id, count(*) AS n FROM reactions"
	" WHERE (?1 < 0 OR kind = ?1) AND created >= ?6 GROUP BY article_id)"
	" SELECT " ARTICLE_COLS ", t.n FROM t"
	" JOIN articles a ON a.id = t.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE a.status = 1 AND a.published <= ?2 AND (t.n, a.id) < (?3, ?4)"
	" ORDER BY t.n DESC, a.id DESC LIMIT ?5");

int store_reaction_top(struct store *s, struct arena *ar, int kind,
		       int64_t since, const struct top_cursor *before,
		       size_t limit, struct article_list *out,
		       int64_t **counts)
{
	struct dbv v[6];
	struct dbc *c;
	struct dbs *st;
	int r;

	if (kind < -1 || kind >= REACTION_KINDS || (kind < 0 && since <= 0) ||
	    limit < 1 || limit > 100)
		return ERR_INVALID;
	c = db_get(s, DB_READ);
	v[0] = DB_I(kind);
	v[1] = DB_I(time_now());
	v[2] = DB_I(before ? before->count : INT64_MAX);
	v[3] = DB_I(before ? before->id : INT64_MAX);
	v[4] = DB_I((int64_t)limit + 1);
	v[5] = DB_I(since);
	st = db_query_v(c, since ? &q_top_since : &q_top_all, v, since ? 6 : 5);
	out->items = arena_alloc(ar, (limit + 1) * sizeof(*out->items));
	*counts = arena_alloc(ar, (limit + 1) * sizeof(**counts));
	out->n = 0;
	out->more = false;
	while ((r = db_step(st)) == 1) {
		if (out->n == limit) {
			out->more = true;
			r = 0;
			break;
		}
		art_read(st, ar, 0, &out->items[out->n]);
		(*counts)[out->n] = db_int(st, ARTICLE_NCOLS);
		out->n++;
	}
	db_put(c);
	return r;
}

static struct dbq q_secret_get = DBQ(
	"SELECT value FROM secrets WHERE name = ?1");

/* Read secret @name into @out; ERR_NOTFOUND when absent or not @len long. */
static int secret_read(struct dbc *c, const char *name, unsigned char *out,
		       size_t len)
{
	struct dbs *st = db_query(c, &q_secret_get, DB_T(name));
	struct arena *a;
	const void *p;
	size_t n;
	int r = db_row(st);

	if (r)
		return r;
	a = arena_new(0);
	p = db_blob(st, a, 0, &n);
	if (n == len)
		memcpy(out, p, len);
	else
		r = ERR_NOTFOUND;
	arena_free(a);
	return r;
}

static struct dbq q_secret_put = DBQ(
	"INSERT INTO secrets (name, value) VALUES (?1, ?2)"
	" ON CONFLICT (name) DO NOTHING");

int store_secret(struct store *s, const char *name, unsigned char *out,
		 size_t len)
{
	unsigned char fresh[256];
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	r = secret_read(c, name, out, len);
	if (r == ERR_NOTFOUND) {
		if (len > sizeof(fresh)) {
			r = ERR_INVALID;
			goto out;
		}
		randombytes_buf(fresh, len);
		r = db_exec(c, &q_secret_put, DB_T(name), DB_B(fresh, len));
		/* Another process or node may have won the race: read it. */
		if (!r)
			r = secret_read(c, name, out, len);
		sodium_memzero(fresh, sizeof(fresh));
	}
out:
	db_put(c);
	return r;
}

enum { IDS_SLOTS = 512, IDS_SLUG_MAX = 96 };

struct store_idcache {
	pthread_mutex_t lock;
	struct {
		uint64_t gen;
		int64_t id;
		char slug[IDS_SLUG_MAX];	/* "" when unused */
	} slot[IDS_SLOTS];
};

static struct store_idcache *idcache(struct store *s)
{
	struct store_idcache *c = atomic_load(&s->ids), *none = NULL;

	if (c)
		return c;
	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	if (!atomic_compare_exchange_strong(&s->ids, &none, c)) {
		pthread_mutex_destroy(&c->lock);
		free(c);
		c = none;
	}
	return c;
}

void store_idcache_free(struct store *s)
{
	struct store_idcache *c = atomic_load(&s->ids);

	if (c) {
		pthread_mutex_destroy(&c->lock);
		free(c);
	}
}

static size_t slug_slot(const char *slug)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *slug; slug++)
		h = (h ^ (unsigned char)*slug) * 16777619u;
	return h % IDS_SLOTS;
}

static struct dbq q_article_id = DBQ(
	"SELECT id FROM articles WHERE slug = ?1 AND status = 1"
	" AND published <= ?2");

int store_article_id(struct store *s, const char *slug, int64_t *id)
{
	struct store_idcache *ids = idcache(s);
	uint64_t gen = store_generation(s);
	size_t slot = slug_slot(slug);
	bool cacheable = *slug && strlen(slug) < IDS_SLUG_MAX;
	struct dbc *c;
	int r;

	if (cacheable) {
		pthread_mutex_lock(&ids->lock);
		r = ids->slot[slot].gen == gen &&
		    !strcmp(ids->slot[slot].slug, slug);
		if (r)
			*id = ids->slot[slot].id;
		pthread_mutex_unlock(&ids->lock);
		if (r)
			return 0;
	}
	c = db_get(s, DB_WRITE);
	r = db_get_int(c, &q_article_id, id, DB_T(slug), DB_I(time_now()));
	db_put(c);
	if (!r && cacheable) {
		/* @gen was read before the query: a write since then wins. */
		pthread_mutex_lock(&ids->lock);
		ids->slot[slot].gen = gen;
		ids->slot[slot].id = *id;
		memcpy(ids->slot[slot].slug, slug, strlen(slug) + 1);
		pthread_mutex_unlock(&ids->lock);
	}
	return r;
}
