/*
 * store_stats.h - what the store counts, for monitoring (/metrics): the
 * waits for a pooled connection, failed database work by kind, and each
 * read replica's lag.  Counted with relaxed atomics (no lock) in the
 * driver (db.c) and the replica checker (pg_pool.c); read as a snapshot.
 */
#ifndef DATELINE_STORE_STATS_H
#define DATELINE_STORE_STATS_H

#include <stdint.h>

#include "store.h"

/*
 * Upper bounds (seconds) of the histogram of waits for a pooled
 * connection (db_get(): a free one, or a new one opened); +Inf implied.
 */
#define STORE_WAIT_BUCKETS 10
extern const double store_wait_le[STORE_WAIT_BUCKETS];

/* Failed database work by kind; names in store_error_names[]. */
enum store_error_kind {
	STORE_ERR_BUSY,		/* lock contention, serialization: "busy" */
	STORE_ERR_FAILED,	/* a statement or commit failed: "failed" */
	STORE_ERR_UNAVAILABLE,	/* no connection could be had: "unavailable" */
	STORE_ERR_KINDS
};
extern const char *const store_error_names[STORE_ERR_KINDS];

struct store_stats {
	uint64_t wait[STORE_WAIT_BUCKETS + 1];	/* by bucket, not cumulative */
	double wait_seconds;			/* the sum */
	uint64_t errors[STORE_ERR_KINDS];
	/* PostgreSQL: each read replica's lag behind the primary (how long
	 * ago the primary had written what the replica has replayed; 0 when
	 * it has replayed everything), < 0 when unknown (down).  SQLite: 0
	 * replicas. */
	int nreplicas;
	struct {
		const char *name;	/* host:port/db, borrowed from the store */
		double lag_seconds;
	} replica[STORE_MAX_REPLICAS];
};

/* The counters since the store opened (relaxed reads: a snapshot). */
void store_stats(struct store *s, struct store_stats *out);

#endif
