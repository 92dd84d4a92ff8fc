/*
 * pg_reactions.c - reactions, most-reacted lists and shared secrets in the
 * PostgreSQL backend.
 *
 * Exact counts without triggers: the reader's row is locked (SELECT ...
 * FOR UPDATE), changed, and the count rows moved by the same transaction
 * (INSERT ... ON CONFLICT DO UPDATE takes the count row's lock, so two
 * nodes changing the same article queue on it instead of losing an
 * increment), summed per batch and written in key order.  A batch of the writer is one transaction (group commit).
 * Unlike SQLite, a failed statement aborts the whole transaction in
 * PostgreSQL, so a change on a missing article is detected before it
 * fails (INSERT ... WHERE EXISTS), and a batch that lost a race with
 * another node (deadlock, serialisation, unique key) is run again.
 */
#include "pg_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"

/* How often a batch that lost a race with another node is tried again. */
#define BATCH_TRIES 4

static const char sql_get[] =
	"SELECT kind FROM reactions WHERE article_id = $1 AND reader = $2"
	" FOR UPDATE";
static const char sql_mine[] =
	"SELECT kind FROM reactions WHERE article_id = $1 AND reader = $2";
static const char sql_insert[] =
	"INSERT INTO reactions (article_id, reader, kind, created)"
	" SELECT $1::bigint, $2::text, $3::int, $4::bigint"
	" WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1::bigint)"
	" ON CONFLICT DO NOTHING RETURNING kind";
static const char sql_update[] =
	"UPDATE reactions SET kind = $3, created = $4"
	" WHERE article_id = $1 AND reader = $2";
static const char sql_delete[] =
	"DELETE FROM reactions WHERE article_id = $1 AND reader = $2";
static const char sql_count_up[] =
	"INSERT INTO reaction_counts (article_id, kind, count)"
	" VALUES ($1, $2, $3) ON CONFLICT (article_id, kind)"
	" DO UPDATE SET count = reaction_counts.count + excluded.count";
static const char sql_count_down[] =
	"UPDATE reaction_counts SET count = count + $3"
	" WHERE article_id = $1 AND kind = $2";
static const char sql_counts[] =
	"SELECT kind, count FROM reaction_counts WHERE article_id = $1";
static const char sql_article_id[] =
	"SELECT id FROM articles WHERE slug = $1 AND status = 1"
	" AND published <= $2::bigint";
static const char sql_top_all[] =
	"SELECT " PG_ARTICLE_COLS ", rc.count FROM reaction_counts rc"
	" JOIN articles a ON a.id = rc.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE rc.kind = $1::int AND rc.count > 0 AND a.status = 1"
	" AND a.published <= $2::bigint"
	" AND (rc.count, a.id) < ($3::bigint, $4::bigint)"
	" ORDER BY rc.count DESC, a.id DESC LIMIT $5::bigint";
static const char sql_top_since[] =
	"WITH t AS (SELECT article_id, count(*) AS n FROM reactions"
	" WHERE ($1::int < 0 OR kind = $1::int) AND created >= $6::bigint"
	" GROUP BY article_id)"
	" SELECT " PG_ARTICLE_COLS ", t.n FROM t"
	" JOIN articles a ON a.id = t.article_id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE a.status = 1 AND a.published <= $2::bigint"
	" AND (t.n, a.id) < ($3::bigint, $4::bigint)"
	" ORDER BY t.n DESC, a.id DESC LIMIT $5::bigint";
static const char sql_secret_get[] = "SELECT value FROM secrets WHERE name = $1";
static const char sql_secret_put[] =
	"INSERT INTO secrets (name, value) VALUES ($1, $2)"
	" ON CONFLICT (name) DO NOTHING";

/* The reader's current reaction on the article (row locked), -1 for none. */
static int current(struct pgconn *c, int64_t article, const char *reader,
		   int *kind)
{
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	pa_int(&p, article);
	pa_text(&p, reader);
	if ((r = pg_run(c, PS_REACTION_GET, sql_get, &p, &res)))
		return r;
	*kind = PQntuples(res) ? (int)pg_int(res, 0, 0) : -1;
	PQclear(res);
	return 0;
}

static int read_counts(struct pgconn *c, int64_t article,
		       struct reaction_state *out)
{
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, n;

	memset(out->counts, 0, sizeof(out->counts));
	out->total = 0;
	pa_int(&p, article);
	if ((r = pg_run(c, PS_REACTION_COUNTS, sql_counts, &p, &res)))
		return r;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		int k = (int)pg_int(res, i, 0);

		if (k >= 0 && k < REACTION_KINDS) {
			out->counts[k] = pg_int(res, i, 1);
			out->total += out->counts[k];
		}
	}
	PQclear(res);
	return 0;
}

/*
 * What a batch does to the count rows, summed per (article, kind) and
 * written at the end in key order: two nodes' batches then lock count rows
 * in the same order and cannot deadlock on them, and a hot article's row
 * is written once per batch, not once per change.
 */
struct delta {
	int64_t article;
	int kind;
	int64_t n;
};

struct deltas {
	struct delta *d;
	size_t n, cap;
};

static void count_move(struct deltas *ds, int64_t article, int kind, int n)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (ds->d[i].article == article && ds->d[i].kind == kind) {
			ds->d[i].n += n;
			return;
		}
	if (ds->n < ds->cap)
		ds->d[ds->n++] = (struct delta){ article, kind, n };
}

static int cmp_delta(const void *a, const void *b)
{
	const struct delta *x = a, *y = b;

	if (x->article != y->article)
		return x->article < y->article ? -1 : 1;
	return x->kind - y->kind;
}

static int counts_write(struct pgconn *c, struct deltas *ds)
{
	size_t i;
	int r;

	qsort(ds->d, ds->n, sizeof(*ds->d), cmp_delta);
	for (i = 0; i < ds->n; i++) {
		struct pgargs p = { 0 };

		if (!ds->d[i].n)
			continue;
		pa_int(&p, ds->d[i].article);
		pa_int(&p, ds->d[i].kind);
		pa_int(&p, ds->d[i].n);
		r = ds->d[i].n > 0 ?
		    pg_run(c, PS_COUNT_UP, sql_count_up, &p, NULL) :
		    pg_run(c, PS_COUNT_DOWN, sql_count_down, &p, NULL);
		if (r)
			return r;
	}
	return 0;
}

/* Apply one change inside the open transaction. */
static int apply_one(struct pgconn *c, struct deltas *ds,
		     struct reaction_change *ch, int64_t now)
{
	struct pgargs p = { 0 };
	PGresult *res;
	int cur, target, r, tries;

	for (tries = 0; tries < 2; tries++) {
		if ((r = current(c, ch->article_id, ch->reader, &cur)))
			return r;
		target = ch->op == REACTION_CLEAR ? -1 :
			 ch->op == REACTION_TOGGLE && cur == ch->kind ? -1 :
			 ch->kind;
		if (target == cur)
			break;
		memset(&p, 0, sizeof(p));
		pa_int(&p, ch->article_id);
		pa_text(&p, ch->reader);
		if (target < 0) {
			r = pg_run(c, PS_REACTION_DELETE, sql_delete, &p, NULL);
			if (!r)
				count_move(ds, ch->article_id, cur, -1);
			break;
		}
		pa_int(&p, target);
		pa_int(&p, now);
		if (cur >= 0) {
			r = pg_run(c, PS_REACTION_UPDATE, sql_update, &p, NULL);
			if (!r) {
				count_move(ds, ch->article_id, cur, -1);
				count_move(ds, ch->article_id, target, 1);
			}
			break;
		}
		if ((r = pg_run(c, PS_REACTION_INSERT, sql_insert, &p, &res)))
			return r;
		if (PQntuples(res)) {
			PQclear(res);
			count_move(ds, ch->article_id, target, 1);
			break;
		}
		PQclear(res);
		/*
		 * No row: the article is missing, or another node inserted
		 * the reader's row meanwhile; look again (locked now).
		 */
		if ((r = current(c, ch->article_id, ch->reader, &cur)))
			return r;
		if (cur < 0)
			return ERR_NOTFOUND;
	}
	if (r)
		return r == ERR_NOTFOUND ? ERR_DB : r;
	ch->state.mine = target;
	return 0;
}

/*
 * Counts after the batch, read once per article: every change of the batch
 * is answered with the state its commit produced.
 */
static int batch_counts(struct pgconn *c, struct reaction_change *changes,
			size_t n)
{
	size_t i, j;
	int r;

	for (i = 0; i < n; i++)
		changes[i].state.total = -1;
	for (i = 0; i < n; i++) {
		struct reaction_change *ch = &changes[i];
		int mine = ch->state.mine;

		if (ch->result || ch->state.total >= 0)
			continue;
		if ((r = read_counts(c, ch->article_id, &ch->state)))
			return r;
		ch->state.mine = mine;
		for (j = i + 1; j < n; j++) {
			if (changes[j].article_id != ch->article_id ||
			    changes[j].result)
				continue;
			mine = changes[j].state.mine;
			changes[j].state = ch->state;
			changes[j].state.mine = mine;
		}
	}
	return 0;
}

/* One try of the whole batch in one transaction. */
static int apply_batch(struct pg_store *s, struct pgconn *c,
		       struct reaction_change *changes, size_t n)
{
	struct deltas ds = { xcalloc(2 * n, sizeof(*ds.d)), 0, 2 * n };
	int64_t now = time_now();
	size_t i;
	int r;

	if ((r = pg_exec(c, "BEGIN"))) {
		free(ds.d);
		return r;
	}
	for (i = 0; i < n && !r; i++) {
		if (changes[i].result)
			continue;
		changes[i].result = apply_one(c, &ds, &changes[i], now);
		if (changes[i].result != ERR_NOTFOUND && changes[i].result)
			r = changes[i].result;
	}
	if (!r)
		r = counts_write(c, &ds);
	free(ds.d);
	if (!r)
		r = batch_counts(c, changes, n);
	if (!r)
		r = pg_notify_reactions(s, c, changes, n);
	return pg_txn_end(c, r);
}

int pg_reactions_apply(struct store *base, struct reaction_change *changes,
		       size_t n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = NULL;
	int *given = xcalloc(n, sizeof(*given));
	size_t i;
	int r = ERR_DB, tries;

	for (i = 0; i < n; i++)
		given[i] = changes[i].result;	/* ERR_INVALID from store.c */
	for (tries = 0; tries < BATCH_TRIES; tries++) {
		if (!(c = pg_conn_get(s)))
			break;
		for (i = 0; i < n; i++)
			changes[i].result = given[i];
		r = apply_batch(s, c, changes, n);
		pg_conn_put(s, c);
		if (r != ERR_BUSY && r != ERR_CONFLICT)
			break;
		log_warn("reaction batch of %zu lost a race; trying again", n);
	}
	free(given);
	return r;
}

int pg_reaction_state(struct store *base, int64_t article_id,
		      const char *reader, struct reaction_state *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	out->mine = -1;
	r = read_counts(c, article_id, out);
	if (!r && reader) {
		/* Not current(): a reader needs no row lock. */
		pa_int(&p, article_id);
		pa_text(&p, reader);
		r = pg_run(c, PS_REACTION_MINE, sql_mine, &p, &res);
		if (!r) {
			out->mine = PQntuples(res) ? (int)pg_int(res, 0, 0) : -1;
			PQclear(res);
		}
	}
	pg_conn_put(s, c);
	return r;
}

int pg_article_id(struct store *base, const char *slug, int64_t *id)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, slug);
	pa_int(&p, time_now());
	if (!(r = pg_run(c, PS_ARTICLE_ID, sql_article_id, &p, &res))) {
		if (PQntuples(res))
			*id = pg_int(res, 0, 0);
		else
			r = ERR_NOTFOUND;
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_reaction_top(struct store *base, struct arena *ar, int kind,
		    int64_t since, const struct top_cursor *before,
		    size_t limit, struct article_list *out, int64_t **counts)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	pa_int(&p, kind);
	pa_int(&p, time_now());
	pa_int(&p, before ? before->count : INT64_MAX);
	pa_int(&p, before ? before->id : INT64_MAX);
	pa_int(&p, (int64_t)limit + 1);
	if (since)
		pa_int(&p, since);
	out->items = arena_alloc(ar, (limit + 1) * sizeof(*out->items));
	*counts = arena_alloc(ar, (limit + 1) * sizeof(**counts));
	out->n = 0;
	out->more = false;
	r = since ? pg_run(c, PS_TOP_SINCE, sql_top_since, &p, &res) :
		    pg_run(c, PS_TOP_ALL, sql_top_all, &p, &res);
	if (!r) {
		rows = PQntuples(res);
		for (i = 0; i < rows; i++) {
			if (out->n == limit) {
				out->more = true;
				break;
			}
			pg_read_article(ar, res, i, &out->items[out->n]);
			(*counts)[out->n] = pg_int(res, i, 20);
			out->n++;
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

/* Read secret @name into @out; ERR_NOTFOUND when absent. */
static int secret_read(struct pgconn *c, const char *name, unsigned char *out,
		       size_t len)
{
	struct pgargs p = { 0 };
	unsigned char *raw;
	PGresult *res;
	size_t n = 0;
	int r;

	pa_text(&p, name);
	if ((r = pg_run(c, PS_SECRET_GET, sql_secret_get, &p, &res)))
		return r;
	r = ERR_NOTFOUND;
	if (PQntuples(res)) {
		raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0),
				      &n);
		if (raw && n == len) {
			memcpy(out, raw, len);
			r = 0;
		}
		if (raw) {
			sodium_memzero(raw, n);
			PQfreemem(raw);
		}
	}
	PQclear(res);
	return r;
}

int pg_secret(struct store *base, const char *name, unsigned char *out,
	      size_t len)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	unsigned char fresh[256];
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	r = secret_read(c, name, out, len);
	if (r == ERR_NOTFOUND) {
		if (len > sizeof(fresh)) {
			r = ERR_INVALID;
			goto out;
		}
		randombytes_buf(fresh, len);
		pa_text(&p, name);
		pa_bytes(&p, fresh, len);
		r = pg_run(c, PS_SECRET_PUT, sql_secret_put, &p, NULL);
		/* Another node may have won the race: read what is stored. */
		if (!r)
			r = secret_read(c, name, out, len);
		sodium_memzero(fresh, sizeof(fresh));
	}
out:
	pg_conn_put(s, c);
	return r;
}
