/*
 * pg_ratelimit.c - rate limits shared by the nodes of one PostgreSQL
 * database (store_rate_take()).
 *
 * One row per key in the UNLOGGED table rate_limits (sql/postgres/
 * 007_ratelimits.sql) holds a token bucket: the tokens left and when they
 * were counted, in milliseconds of the database's clock (so the nodes'
 * clocks do not matter).  One upsert refills the bucket for the time
 * passed, takes a token when there is one and says whether it did, so
 * concurrent requests on any node serialise on the row and an attacker
 * spreading attempts over nodes gets the limit of one.  The key stored is
 * a hash of the caller's key (which holds client addresses and email
 * addresses).  Once a minute per process, buckets untouched for two
 * minutes (full again for any rate) are deleted: storage stays bounded by
 * the keys seen in two minutes.
 */
#include "pg_int.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"

#define SWEEP_EVERY_S 60
#define KEEP_MS 120000

/*
 * $1 key, $2 tokens per minute, $3 tokens to take (1, or 0 to look).
 * f = the bucket refilled up to now (EXCLUDED.at is now).
 */
#define REFILL "least($2::float8, r.tokens + greatest(EXCLUDED.at - r.at, 0)" \
	" * $2::float8 / 60000.0)"

static _Atomic long long last_sweep;

static struct dbq q_sweep = DBQ_PG(
	"DELETE FROM rate_limits WHERE at <"
	" (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $1");

/* Delete old buckets at most once a SWEEP_EVERY_S in this process. */
static void sweep(struct dbc *c)
{
	long long now = (long long)time(NULL), was = atomic_load(&last_sweep);

	if (now - was < SWEEP_EVERY_S ||
	    !atomic_compare_exchange_strong(&last_sweep, &was, now))
		return;
	if (db_exec(c, &q_sweep, DB_I(KEEP_MS)))
		log_warn("postgres: old rate limit buckets not deleted");
}

static struct dbq q_take = DBQ_PG(
	"INSERT INTO rate_limits AS r (key, tokens, at, ok) VALUES ($1,"
	" $2::float8 - $3::float8,"
	" (extract(epoch FROM clock_timestamp()) * 1000)::bigint, true)"
	" ON CONFLICT (key) DO UPDATE SET"
	" tokens = CASE WHEN " REFILL " >= 1 THEN " REFILL " - $3::float8"
	" ELSE " REFILL " END,"
	" ok = " REFILL " >= 1, at = EXCLUDED.at"
	" RETURNING ok, tokens");

int pg_rate_take(struct store *s, const char *key, unsigned per_minute,
		 bool take, bool *allowed, unsigned *retry_after)
{
	struct dbc *c = db_get(s, DB_WRITE);
	unsigned char h[16];
	char hex[2 * sizeof(h) + 1];
	struct dbs *st;
	int r;

	crypto_generichash(h, sizeof(h), (const unsigned char *)key,
			   strlen(key), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	st = db_query(c, &q_take, DB_T(hex), DB_I(per_minute),
		      DB_I(take ? 1 : 0));
	if (!(r = db_row(st))) {
		double tokens = strtod(db_peek(st, 1), NULL);

		*allowed = db_int(st, 0);
		if (!*allowed)
			*retry_after = (unsigned)((1.0 - tokens) * 60.0 /
						  per_minute) + 1;
		sweep(c);
	}
	db_put(c);
	return r == ERR_NOTFOUND ? ERR_DB : r;
}
