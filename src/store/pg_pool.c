/*
 * pg_pool.c - connections of the PostgreSQL backend: the primary's pool,
 * streaming read replicas, and which server a read goes to.
 *
 * Every server has a small pool, opened on demand.  Writes, and reads that
 * must be exact (sessions, accounts, reaction counts, the newsroom), use
 * the primary.  Reads of public content (stories, lists, comments, search,
 * sitemaps) take pg_conn_read(): a replica when the calling thread allows
 * it (store_reads_begin(): a visitor's request) and the replica is usable
 * and has replayed the log far enough, else the primary.  A read whose
 * replica connection breaks is run again on the primary (db_pg.c).
 *
 * "Far enough" makes writes visible where they must be:
 *  - the reader's own writes: after a write, the site hands the reader the
 *    primary's log position (a cookie); their next reads want a replica at
 *    or past it (read-your-writes, also across nodes);
 *  - this node's view of content: whenever the node learns that content
 *    changed (its own write, another node's notification, the version
 *    poll) it notes the primary's position before moving its page-cache
 *    generation on, so a page cached for the new generation is never read
 *    from a replica that has not seen the change.
 * Positions are read with pg_current_wal_insert_lsn() after the commit, only
 * when replicas are configured.
 *
 * A checker thread asks every 100 ms for the primary's position and each
 * replica's replayed position.  A replica is usable when it answers, is in
 * recovery, and has replayed at least what the primary had @max_lag_ms
 * ago; otherwise reads skip it (logged once per change).  Its lag in
 * time (store_stats(), /metrics) comes from the same samples: how long
 * ago the primary was where the replica's replay is now.  A read that
 * finds its replica connection broken marks the replica unusable at once,
 * closes its idle connections and is run again on the primary.
 */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store_int.h"

#define CHECK_INTERVAL_MS 100
#define SAMPLES 1024		/* primary positions kept: 102 s */

void pg_conn_free(struct pgconn *c)
{
	if (c) {
		db_conn_release(&c->base);
		PQfinish(c->db);
		free(c);
	}
}

static void conn_close(struct dbc *c)
{
	pg_conn_free((struct pgconn *)c);
}

static struct dbc *conn_open(struct db_pool *base)
{
	struct pgpool *p = (struct pgpool *)base;
	struct pgconn *c = xcalloc(1, sizeof(*c));
	char err[512];

	c->pool = p;
	if (!(c->db = pg_connect(p->url, err, sizeof(err)))) {
		log_err("%s%s", p->replica ? "replica: " : "", err);
		free(c);
		return NULL;
	}
	return &c->base;
}

/* Whether @c may go back to its pool: whole, and outside a transaction. */
static bool conn_usable(struct dbc *dc)
{
	struct pgconn *c = (struct pgconn *)dc;

	return !c->broken && PQstatus(c->db) == CONNECTION_OK &&
	       PQtransactionStatus(c->db) == PQTRANS_IDLE;
}

static void pool_init(struct pgpool *p, const char *url,
		      struct pg_replica *replica)
{
	db_pool_init(&p->base, conn_open, conn_close, conn_usable);
	p->url = xstrdup(url);
	p->replica = replica;
}

static void pool_destroy(struct pgpool *p)
{
	if (!p->url)
		return;
	db_pool_release(&p->base);
	free(p->url);
	p->url = NULL;
}

static struct pgconn *pool_get(struct pgpool *p)
{
	return (struct pgconn *)db_pool_get(&p->base);
}

static void pool_put(struct pgpool *p, struct pgconn *c)
{
	db_pool_put(&p->base, &c->base);
}

static void pool_drain(struct pgpool *p)
{
	db_pool_drain(&p->base);
}

void pg_pool_init(struct pg_store *s, const char *url)
{
	pool_init(&s->primary, url, NULL);
	s->url = s->primary.url;
}

void pg_pool_adopt(struct pg_store *s, PGconn *db)
{
	struct pgconn *c = xcalloc(1, sizeof(*c));

	c->db = db;
	c->pool = &s->primary;
	db_pool_adopt(&s->primary.base, &c->base);
}

void pg_lsn_raise(atomic_uint_fast64_t *a, uint64_t v)
{
	uint_fast64_t cur = atomic_load(a);

	while (cur < v && !atomic_compare_exchange_weak(a, &cur, v))
		;
}

/* "16/B374D848" -> 0x16B374D848; 0 for anything else. */
static uint64_t lsn_parse(const char *s)
{
	unsigned long long hi, lo;
	char *end;

	if (!s || !*s)
		return 0;
	hi = strtoull(s, &end, 16);
	if (*end != '/')
		return 0;
	lo = strtoull(end + 1, &end, 16);
	if (*end || hi > 0xffffffffULL || lo > 0xffffffffULL)
		return 0;
	return (uint64_t)hi << 32 | lo;
}

/* One pg_lsn value from @sql on @db; 0 on failure (or NULL). */
static uint64_t query_lsn(PGconn *db, const char *sql, bool *ok)
{
	PGresult *res = PQexec(db, sql);
	uint64_t v = 0;

	*ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	if (*ok && !PQgetisnull(res, 0, 0))
		v = lsn_parse(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

/*
 * The primary's insert position: past every committed record, also with
 * synchronous_commit off (pg_current_wal_lsn() may not be yet).  At a page
 * start it points past the page header, where a replica's replayed end
 * can never be: step back to the boundary (Debian's 8 kB pages, 16 MB
 * segments).
 */
static uint64_t insert_position(PGconn *db, bool *ok)
{
	uint64_t v = query_lsn(db, "SELECT pg_current_wal_insert_lsn()", ok);

	if (v % (16 << 20) == 40)
		v -= 40;
	else if (v % 8192 == 24)
		v -= 24;
	return v;
}

uint64_t pg_wal_position(PGconn *db)
{
	bool ok;

	return insert_position(db, &ok);
}

struct pgconn *pg_conn_get(struct pg_store *s)
{
	return pool_get(&s->primary);
}

void pg_conn_put(struct pg_store *s, struct pgconn *c)
{
	struct pg_replica *r = c->pool->replica;

	if (r && c->broken) {
		/* The replica went away: no more reads there until it is back. */
		if (atomic_exchange(&r->usable, false))
			log_warn("replica %s failed a read: reads go to the"
				 " primary", r->name);
		pool_put(c->pool, c);
		pool_drain(&r->pool);
		return;
	}
	if (!r && s->nreplicas && (c->wrote || c->bumped) && !c->broken &&
	    PQtransactionStatus(c->db) == PQTRANS_IDLE) {
		uint64_t lsn = pg_wal_position(c->db);

		pg_lsn_raise(&s->write_lsn, lsn);
		if (c->bumped)
			pg_lsn_raise(&s->content_lsn, lsn);
		if (store_route()->floor < lsn)
			store_route()->floor = lsn;
	}
	c->wrote = c->bumped = false;
	pool_put(c->pool, c);
}

struct pgconn *pg_conn_read(struct pg_store *s)
{
	struct store_route *route = store_route();
	uint64_t floor, start;
	int i;

	if (!s->nreplicas || !route->replica_ok)
		return pg_conn_get(s);
	floor = atomic_load(&s->content_lsn);
	if (floor < route->floor)
		floor = route->floor;
	start = atomic_fetch_add(&s->rr, 1);
	for (i = 0; i < s->nreplicas; i++) {
		struct pg_replica *r = &s->replicas[(start + i) % s->nreplicas];
		struct pgconn *c;

		if (!atomic_load(&r->usable) || atomic_load(&r->replay) < floor)
			continue;
		if ((c = pool_get(&r->pool))) {
			atomic_fetch_add(&r->reads, 1);
			return c;
		}
		atomic_store(&r->usable, false);
	}
	return pg_conn_get(s);
}

bool pg_conn_failover(struct pgconn *c)
{
	struct pg_replica *r = c->pool->replica;
	struct pgconn *p, tmp;
	struct dbc hdr;

	if (!r)
		return false;
	if (atomic_exchange(&r->usable, false))
		log_warn("replica %s failed a read: reads go to the primary",
			 r->name);
	if (!(p = pool_get(r->primary)))
		return false;
	/* Trade places: the caller's @c is now the primary's connection. */
	tmp = *c;
	*c = *p;
	*p = tmp;
	/* The caller's statements (db.h) stay with the caller. */
	hdr = c->base;
	c->base = p->base;
	p->base = hdr;
	pool_put(&r->pool, p);		/* broken: closed */
	pool_drain(&r->pool);
	return true;
}

uint64_t pg_write_position(struct store *base)
{
	return atomic_load(&PG(base)->write_lsn);
}

/* The primary's positions over the last SAMPLES checks. */
struct samples {
	long long at[SAMPLES];
	uint64_t lsn[SAMPLES];
	size_t n, next;
};

/* The primary's position @ms ago (the oldest known, if older). */
static uint64_t position_ago(const struct samples *h, long long now, long long ms)
{
	uint64_t best = 0;
	size_t i;

	for (i = 0; i < h->n; i++) {
		size_t k = (h->next + SAMPLES - 1 - i) % SAMPLES;

		best = h->lsn[k];
		if (now - h->at[k] >= ms)
			break;
	}
	return best;
}

/*
 * How long ago the primary had written no more than @replay: 0 when
 * @replay is at or past its newest known position, else the time since
 * the newest sample at or before it (at least the oldest sample's age
 * when it is behind all of them); -1 without samples.
 */
static long long lag_ms(const struct samples *h, long long now,
			uint64_t replay)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		size_t k = (h->next + SAMPLES - 1 - i) % SAMPLES;

		if (h->lsn[k] <= replay)
			return i ? now - h->at[k] : 0;
	}
	return h->n ? now - h->at[(h->next + SAMPLES - h->n) % SAMPLES] : -1;
}

/*
 * Check replica @r against the primary's position @limit; its lag from
 * the primary's positions @h at @now.
 */
static void check_replica(struct pg_replica *r, uint64_t limit,
			  const struct samples *h, long long now)
{
	PGresult *res;
	bool usable = false, recovering = false;
	uint64_t replay = 0;
	char err[512];

	if (!r->health && !(r->health = pg_connect(r->pool.url, err, sizeof(err)))) {
		if (r->was_usable)
			log_warn("replica: %s", err);
		atomic_store(&r->lag_ms, -1);
		goto out;
	}
	res = PQexec(r->health, "SELECT pg_is_in_recovery(),"
		     " pg_last_wal_replay_lsn()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		recovering = !strcmp(PQgetvalue(res, 0, 0), "t");
		replay = lsn_parse(PQgetvalue(res, 0, 1));
		usable = recovering && replay >= limit;
	} else {
		PQfinish(r->health);
		r->health = NULL;
	}
	PQclear(res);
	if (recovering)
		atomic_store(&r->replay, replay);
	atomic_store(&r->lag_ms, recovering ? lag_ms(h, now, replay) : -1);
out:
	if (!usable && r->health == NULL)
		pool_drain(&r->pool);	/* down: its connections are stale */
	if (usable != r->was_usable) {
		if (usable)
			log_info("replica %s is usable: reads go to it",
				 r->name);
		else
			log_warn("replica %s is %s: reads go to the primary",
				 r->name, !r->health ? "down" :
				 !recovering ? "not a replica (promoted?)" :
				 "lagging");
		r->was_usable = usable;
	}
	atomic_store(&r->usable, usable);
}

static void *check_main(void *arg)
{
	struct pg_store *s = arg;
	struct samples *h = xcalloc(1, sizeof(*h));
	char err[512];
	int i;

	while (!atomic_load(&s->check_stop)) {
		struct timespec ts = { 0, CHECK_INTERVAL_MS * 1000000L };
		long long now = time_mono_ms();
		uint64_t limit = 0;
		bool ok = false;

		if (!s->health)
			s->health = pg_connect(s->url, err, sizeof(err));
		if (s->health) {
			uint64_t lsn = insert_position(s->health, &ok);

			if (ok) {
				h->at[h->next] = now;
				h->lsn[h->next] = lsn;
				h->next = (h->next + 1) % SAMPLES;
				if (h->n < SAMPLES)
					h->n++;
			} else {
				PQfinish(s->health);
				s->health = NULL;
			}
		}
		/* Without the primary, lag cannot be judged: keep the last. */
		limit = position_ago(h, now, s->max_lag_ms);
		for (i = 0; i < s->nreplicas; i++)
			check_replica(&s->replicas[i], limit, h, now);
		nanosleep(&ts, NULL);
	}
	free(h);
	return NULL;
}

/* "host:port/db" of a parsed URL: never its password. */
static void replica_name(PQconninfoOption *info, char *out, size_t len)
{
	const char *host = "", *port = "", *db = "";

	for (; info->keyword; info++) {
		if (!info->val)
			continue;
		if (!strcmp(info->keyword, "host"))
			host = info->val;
		else if (!strcmp(info->keyword, "port"))
			port = info->val;
		else if (!strcmp(info->keyword, "dbname"))
			db = info->val;
	}
	snprintf(out, len, "%s%s%s/%s", *host ? host : "localhost",
		 *port ? ":" : "", port, db);
}

int pg_add_replica(struct store *base, const char *url, int max_lag_ms,
		   char *err, size_t errlen)
{
	struct pg_store *s = PG(base);
	struct pg_replica *r;
	PQconninfoOption *info;
	char *msg = NULL;
	PGconn *db;

	if (s->nreplicas >= STORE_MAX_REPLICAS) {
		snprintf(err, errlen, "at most %d replicas", STORE_MAX_REPLICAS);
		return ERR_INVALID;
	}
	if (strncmp(url, "postgres://", 11) && strncmp(url, "postgresql://", 13)) {
		snprintf(err, errlen, "a replica URL starts with postgres://");
		return ERR_INVALID;
	}
	if (!(info = PQconninfoParse(url, &msg))) {
		snprintf(err, errlen, "bad replica URL: %s", msg ? msg : "out of"
			 " memory");
		PQfreemem(msg);
		return ERR_INVALID;
	}
	r = &s->replicas[s->nreplicas];
	replica_name(info, r->name, sizeof(r->name));
	PQconninfoFree(info);
	/* Reachable now: it must be a replica.  Down now: it may come. */
	if ((db = pg_connect(url, err, errlen))) {
		PGresult *res = PQexec(db, "SELECT pg_is_in_recovery()");
		bool replica = PQresultStatus(res) == PGRES_TUPLES_OK &&
			       !strcmp(PQgetvalue(res, 0, 0), "t");

		PQclear(res);
		PQfinish(db);
		if (!replica) {
			snprintf(err, errlen, "the replica URL points at a"
				 " server that is not a streaming replica");
			return ERR_INVALID;
		}
	} else {
		log_warn("replica: %s (reads go to the primary until it"
			 " answers)", err);
	}
	pool_init(&r->pool, url, r);
	r->primary = &s->primary;
	atomic_store(&r->lag_ms, -1);
	s->max_lag_ms = max_lag_ms;
	s->nreplicas++;
	if (!s->checking) {
		if (pthread_create(&s->checker, NULL, check_main, s)) {
			snprintf(err, errlen, "cannot start a thread");
			s->nreplicas--;
			pool_destroy(&r->pool);
			return ERR_NOMEM;
		}
		s->checking = true;
	}
	return 0;
}

void pg_replica_lag(struct store *base, struct store_stats *out)
{
	struct pg_store *s = PG(base);
	int i;

	out->nreplicas = s->nreplicas;
	for (i = 0; i < s->nreplicas; i++) {
		long long ms = atomic_load(&s->replicas[i].lag_ms);

		out->replica[i].name = s->replicas[i].name;
		out->replica[i].lag_seconds = ms < 0 ? -1 : (double)ms / 1e3;
	}
}

void pg_pool_close(struct pg_store *s)
{
	int i;

	if (s->checking) {
		atomic_store(&s->check_stop, true);
		pthread_join(s->checker, NULL);
		s->checking = false;
	}
	PQfinish(s->health);
	for (i = 0; i < s->nreplicas; i++) {
		PQfinish(s->replicas[i].health);
		pool_destroy(&s->replicas[i].pool);
	}
	pool_destroy(&s->primary);
	s->url = NULL;
}
