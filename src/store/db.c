/*
 * db.c - the engine-neutral half of the store's driver (db.h): statement
 * slots, the statements a connection has run, sticky failures,
 * transactions, typed column reads and connection pools.  The engines' halves are
 * db_sqlite.c and db_pg.c.
 */
#include "db.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "store_int.h"

static atomic_int next_slot;

int db_slot(struct dbq *q)
{
	int s = atomic_load_explicit(&q->slot, memory_order_acquire);
	int expect = 0;

	if (s)
		return s;
	s = atomic_fetch_add(&next_slot, 1) + 1;
	if (s >= DB_MAX_SLOTS) {
		log_err("store: more than %d statements", DB_MAX_SLOTS);
		abort();
	}
	if (!atomic_compare_exchange_strong(&q->slot, &expect, s))
		s = expect;	/* another thread gave it one first */
	return s;
}

/* What db_get() hands out when no connection can be had (per thread). */
static _Thread_local struct dbc dead_conn;
static _Thread_local struct dbs dead_stmt;

const double store_wait_le[STORE_WAIT_BUCKETS] = {
	0.00001, 0.0001, 0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10,
};
const char *const store_error_names[STORE_ERR_KINDS] = {
	"busy", "failed", "unavailable",
};

#define ADD(x, n) atomic_fetch_add_explicit(&(x), (n), memory_order_relaxed)

void store_count_error(struct store *s, int r)
{
	if (!r || r == ERR_CONFLICT || r == ERR_NOTFOUND || r == ERR_INVALID)
		return;
	ADD(s->counters.errors[r == ERR_BUSY ? STORE_ERR_BUSY :
			       STORE_ERR_FAILED], 1);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The wait of one db_get() into the histogram. */
static void count_wait(struct store *s, int64_t ns)
{
	double sec = (double)ns / 1e9;
	size_t i;

	for (i = 0; i < STORE_WAIT_BUCKETS && sec > store_wait_le[i]; i++)
		;
	ADD(s->counters.wait[i], 1);
	ADD(s->counters.wait_ns, (uint_fast64_t)(ns > 0 ? ns : 0));
}

/* The calling thread's batch (db_batch_begin()), or NULL. */
static _Thread_local struct dbc *batch;

struct dbc *db_get(struct store *s, enum db_use use)
{
	struct dbc *c;
	int64_t t0;

	if (batch && batch->store == s) {
		c = batch;
		c->units++;
		c->err = c->batch_err;	/* a failed batch fails what follows */
		return c;
	}
	t0 = mono_ns();
	c = s->db->get(s, use);

	count_wait(s, mono_ns() - t0);
	if (!c) {
		ADD(s->counters.errors[STORE_ERR_UNAVAILABLE], 1);
		c = &dead_conn;
		c->dead = true;
	}
	c->store = s;
	c->err = c->dead ? ERR_DB : 0;
	c->bumped = false;
	return c;
}

/* Drop the bindings and results of every statement @c ran. */
static void release_all(struct dbc *c)
{
	const struct db_driver *d = c->store->db;
	struct dbs *st = c->active, *next;

	for (; st; st = next) {
		next = st->next;
		d->release(st);
		st->on_list = false;
		st->next = NULL;
	}
	c->active = NULL;
}

/* The end of a store function's work in a batch: a failure fails the
 * batch. */
static void unit_end(struct dbc *c)
{
	if (c->err && !c->batch_err)
		c->batch_err = c->err;
	c->units--;
	c->err = c->batch_err;
}

void db_put(struct dbc *c)
{
	if (!c || c->dead)
		return;
	release_all(c);
	if (c->pinned) {
		unit_end(c);
		return;
	}
	c->store->db->put(c);
}

int db_batch_begin(struct store *s)
{
	struct dbc *c;
	int r;

	if (batch)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	if ((r = db_begin(c))) {
		db_put(c);
		return r;
	}
	c->pinned = true;
	c->units = 0;
	c->batch_err = 0;
	batch = c;
	if (s->db->batch_begin)
		s->db->batch_begin(c);
	return 0;
}

int db_batch_end(struct store *s, int r)
{
	struct dbc *c = batch;

	if (!c || c->store != s)
		return r ? r : ERR_INVALID;
	batch = NULL;
	c->pinned = false;
	c->err = 0;
	r = r ? r : c->batch_err;
	if (s->db->batch_end)
		r = s->db->batch_end(c, r);
	r = db_end(c, r);
	db_put(c);
	return r;
}

void db_conn_release(struct dbc *c)
{
	int i;

	if (!c->st)
		return;
	release_all(c);
	for (i = 0; i < c->nst; i++) {
		if (!c->st[i])
			continue;
		if (c->store)
			c->store->db->finalize(c->st[i]);
		free(c->st[i]);
	}
	free(c->st);
	c->st = NULL;
	c->nst = 0;
}

/* The statement of slot @slot on @c, made on first use. */
static struct dbs *stmt_of(struct dbc *c, struct dbq *q, int slot)
{
	struct dbs *st;

	if (slot >= c->nst) {
		int n = slot + 32;

		c->st = xrealloc(c->st, n * sizeof(*c->st));
		memset(c->st + c->nst, 0, (n - c->nst) * sizeof(*c->st));
		c->nst = n;
	}
	if (!(st = c->st[slot])) {
		st = c->st[slot] = xcalloc(1, sizeof(*st));
		st->c = c;
	}
	st->q = q;
	return st;
}

/* "?N" -> "$N" for PostgreSQL, into a malloc'd copy. */
static char *to_dollars(const char *sql)
{
	char *out = xstrdup(sql), *p;

	for (p = out; *p; p++)
		if (*p == '?' && p[1] >= '0' && p[1] <= '9')
			*p = '$';
	return out;
}

/* Run @sql (statement @q, NULL for a one-off) at @slot of @c. */
static struct dbs *run_at(struct dbc *c, struct dbq *q, int slot,
			  const char *sql, const struct dbv *v, size_t n)
{
	const struct db_driver *d = c->store->db;
	struct dbs *st;
	char *own = NULL;

	if (c->dead) {
		dead_stmt.c = c;
		dead_stmt.err = ERR_DB;
		return &dead_stmt;
	}
	st = stmt_of(c, q, slot);
	if (st->on_list) {
		d->release(st);
	} else {
		st->on_list = true;
		st->next = c->active;
		c->active = st;
	}
	st->row = -1;
	st->nrows = 0;
	st->changes = 0;
	st->done = false;
	if ((st->err = c->err))
		return st;
	if (d->mark == '$') {
		if (q && q->pg)
			sql = q->pg;
		else
			sql = own = to_dollars(sql);
	}
	st->err = d->run(st, slot, sql, v, n);
	free(own);
	if (st->err && !c->err) {
		c->err = st->err;
		store_count_error(c->store, st->err);
	}
	return st;
}

struct dbs *db_query_v(struct dbc *c, struct dbq *q, const struct dbv *v,
		       size_t n)
{
	return run_at(c, q, db_slot(q), q->sql, v, n);
}

struct dbs *db_query_sql(struct dbc *c, const char *sql, const struct dbv *v,
			 size_t n)
{
	return run_at(c, NULL, 0, sql, v, n);
}

int db_step(struct dbs *st)
{
	int r;

	if (st->err)
		return st->err;
	if (st->done)
		return 0;
	r = st->c->store->db->step(st);
	if (r == 0)
		st->done = true;
	if (r < 0) {
		st->err = r;
		if (!st->c->err) {
			st->c->err = r;
			store_count_error(st->c->store, r);
		}
	}
	return r;
}

int db_row(struct dbs *st)
{
	int r = db_step(st);

	return r == 1 ? 0 : r == 0 ? ERR_NOTFOUND : r;
}

int db_done(struct dbs *st)
{
	int r;

	while ((r = db_step(st)) == 1)
		;
	return r;
}

int64_t db_changes(struct dbs *st)
{
	return st->changes;
}

int db_change_v(struct dbc *c, struct dbq *q, const struct dbv *v, size_t n)
{
	struct dbs *st = db_query_v(c, q, v, n);
	int r = db_done(st);

	return r ? r : st->changes ? 0 : ERR_NOTFOUND;
}

int db_int_v(struct dbc *c, struct dbq *q, int64_t *out,
	     const struct dbv *v, size_t n)
{
	struct dbs *st = db_query_v(c, q, v, n);
	int r = db_row(st);

	if (!r)
		*out = db_int(st, 0);
	return r;
}

int64_t db_int(struct dbs *st, int col)
{
	return st->c->store->db->column_int(st, col);
}

bool db_is_null(struct dbs *st, int col)
{
	size_t len;

	return !st->c->store->db->column(st, col, &len);
}

const char *db_peek(struct dbs *st, int col)
{
	size_t len;

	return st->c->store->db->column(st, col, &len);
}

const char *db_text(struct dbs *st, struct arena *a, int col)
{
	size_t len;
	const char *s = st->c->store->db->column(st, col, &len);

	return s ? arena_strndup(a, s, len) : NULL;
}

const char *db_text0(struct dbs *st, struct arena *a, int col)
{
	const char *s = db_text(st, a, col);

	return s ? s : "";
}

void *db_blob(struct dbs *st, struct arena *a, int col, size_t *len)
{
	return st->c->store->db->blob(st, a, col, len);
}

int db_begin(struct dbc *c)
{
	int r;

	if (c->dead)
		return c->err;
	if (c->pinned)		/* in a batch: the batch's transaction is it */
		return c->err;
	c->err = 0;
	c->bumped = false;
	r = c->store->db->exec(c, c->store->db->mark == '?' ?
			       "BEGIN IMMEDIATE" : "BEGIN");
	if (r) {
		c->err = r;
		store_count_error(c->store, r);
	}
	return r;
}

int db_end(struct dbc *c, int r)
{
	const struct db_driver *d = c->store->db;

	if (c->dead)
		return r ? r : c->err;
	release_all(c);
	if (!r)
		r = c->err;
	if (c->pinned) {	/* the batch commits; a failure fails it */
		if (r && !c->batch_err)
			c->batch_err = r;
		c->err = c->batch_err;
		return r;
	}
	if (!r && (r = d->exec(c, "COMMIT")))
		store_count_error(c->store, r);
	if (r)
		d->exec(c, "ROLLBACK");
	else if (c->bumped)
		atomic_fetch_add(&c->store->generation, 1);
	c->err = 0;
	c->bumped = false;
	return r;
}

int db_script(struct dbc *c, const char *sql)
{
	int r;

	release_all(c);
	if (c->err)
		return c->err;
	if ((r = c->store->db->exec(c, sql))) {
		c->err = r;
		store_count_error(c->store, r);
	}
	return r;
}

int db_failed(const struct dbc *c)
{
	return c->err;
}

int db_content_bump(struct dbc *c)
{
	int r;

	if (c->err)
		return c->err;
	if (c->pinned && c->bumped)
		return 0;	/* once per batch is enough */
	if ((r = c->store->db->content_bump(c))) {
		c->err = r;
		store_count_error(c->store, r);
	} else
		c->bumped = true;
	return r;
}

bool db_fk_failed(const struct dbc *c)
{
	return c->err == ERR_CONFLICT && c->store->db->fk_failed(c);
}

bool db_is_pg(const struct dbc *c)
{
	return c->store->db->mark == '$';
}

void db_pool_init(struct db_pool *p, struct dbc *(*open)(struct db_pool *),
		  void (*close)(struct dbc *), bool (*usable)(struct dbc *))
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->open = open;
	p->close = close;
	p->usable = usable;
}

/* One connection fewer (closed, or never opened): a waiter may open one. */
static void pool_less(struct db_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->n--;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

struct dbc *db_pool_get(struct db_pool *p)
{
	struct timespec until;
	struct dbc *c;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DB_POOL_WAIT_S;
	pthread_mutex_lock(&p->lock);
	while (!p->free && p->n >= DB_POOL_MAX)
		if (pthread_cond_timedwait(&p->freed, &p->lock, &until) ==
		    ETIMEDOUT && !p->free && p->n >= DB_POOL_MAX) {
			pthread_mutex_unlock(&p->lock);
			log_warn("store: no free database connection after %d s",
				 DB_POOL_WAIT_S);
			return NULL;
		}
	if ((c = p->free)) {
		p->free = c->next;
		pthread_mutex_unlock(&p->lock);
		return c;
	}
	p->n++;
	pthread_mutex_unlock(&p->lock);
	if (!(c = p->open(p)))
		pool_less(p);
	return c;
}

void db_pool_put(struct db_pool *p, struct dbc *c)
{
	if (p->usable && !p->usable(c)) {
		p->close(c);
		pool_less(p);
		return;
	}
	pthread_mutex_lock(&p->lock);
	c->next = p->free;
	p->free = c;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

void db_pool_adopt(struct db_pool *p, struct dbc *c)
{
	pthread_mutex_lock(&p->lock);
	p->n++;
	c->next = p->free;
	p->free = c;
	pthread_mutex_unlock(&p->lock);
}

void db_pool_drain(struct db_pool *p)
{
	struct dbc *c, *next;

	pthread_mutex_lock(&p->lock);
	c = p->free;
	p->free = NULL;
	for (; c; c = next) {
		next = c->next;
		p->n--;
		p->close(c);
	}
	pthread_cond_broadcast(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

void db_pool_release(struct db_pool *p)
{
	if (!p->open)
		return;
	db_pool_drain(p);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	p->open = NULL;
}
