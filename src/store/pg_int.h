/*
 * pg_int.h - what the files of the PostgreSQL backend share: the
 * connection pool, statements prepared per connection on first use, text
 * parameters passed apart from the SQL, and row helpers.  Not used outside
 * src/store/.
 */
#ifndef DATELINE_PG_INT_H
#define DATELINE_PG_INT_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "db.h"
#include "store.h"
#include "store_int.h"

/* The time as Unix seconds, in SQL. */
#define PG_NOW "extract(epoch FROM now())::bigint"

struct pgpool;

struct pgconn {
	struct dbc base;	/* first: the driver's view (db.h) */
	unsigned char qprep[DB_MAX_SLOTS / 8];	/* db.h statements prepared */
	PGconn *db;
	bool broken;		/* the connection failed: close, do not pool */
	bool wrote;		/* changed rows since taken from the pool */
	bool bumped;		/* moved the content version since taken */
	char sqlstate[6];	/* of the last failed statement */
	struct pgpool *pool;	/* where it goes back */
};

/* Connections to one server (db.h's pool). */
struct pgpool {
	struct db_pool base;		/* first */
	char *url;
	struct pg_replica *replica;	/* NULL for the primary */
};

/* A streaming replica (pg_pool.c); its health is checked every 100 ms. */
struct pg_replica {
	struct pgpool pool;
	struct pgpool *primary;		/* where its reads fail over to */
	char name[128];			/* host:port/db, for logs (no password) */
	PGconn *health;			/* the checker's own connection */
	atomic_bool usable;		/* up, replaying, not lagging */
	atomic_uint_fast64_t replay;	/* its replayed log position */
	atomic_uint_fast64_t reads;	/* connections handed out for reads */
	atomic_llong lag_ms;		/* behind the primary; -1: unknown */
	bool was_usable;		/* for logging changes */
};

struct pg_store {
	struct store base;
	char *url;			/* the primary's (primary.url) */
	struct pgpool primary;
	/* pg_pool.c: read replicas */
	struct pg_replica replicas[STORE_MAX_REPLICAS];
	int nreplicas;
	int max_lag_ms;
	atomic_uint_fast64_t write_lsn;	/* after this node's newest write */
	atomic_uint_fast64_t content_lsn; /* after the newest content change */
	atomic_uint_fast64_t rr;	/* round robin over replicas */
	PGconn *health;			/* the checker's primary connection */
	bool checking;			/* the checker thread runs */
	atomic_bool check_stop;
	pthread_t checker;
	struct pgconn *watch;		/* reads the content version */
	/* pg_notify.c: events from other nodes */
	char node[17];			/* random hex id of this store */
	pthread_mutex_t listen_lock;	/* held while calling listen_fn */
	store_reactions_fn listen_fn;
	void *listen_arg;
	store_comments_fn listen_cm_fn;	/* comments of other nodes */
	void *listen_cm_arg;
	bool listening;			/* the thread runs */
	atomic_bool listen_stop;
	pthread_t listener;
};

#define PG(s) ((struct pg_store *)(s))

/* The parameters of one statement as libpq takes them: text, or bytes. */
enum { PG_MAXARGS = 32 };
struct pgargs {
	int n;
	const char *v[PG_MAXARGS];
	int len[PG_MAXARGS];
	int fmt[PG_MAXARGS];
	char num[PG_MAXARGS][24];
};

/* @v[0..n) into @a (db_pg.c): ERR_INVALID for more than PG_MAXARGS. */
int pg_args(struct pgargs *a, const struct dbv *v, size_t n);
/* Whether the statement of slot @slot (db.h) is prepared on @c, as "q<slot>". */
bool pg_prepared(const struct pgconn *c, int slot);
void pg_set_prepared(struct pgconn *c, int slot);
/* Note that a result of @res's kind changed rows (for the replicas). */
void pg_note_write(struct pgconn *c, PGresult *res);

/* A new connection to @url (notices silenced); NULL with a reason in @err. */
PGconn *pg_connect(const char *url, char *err, size_t errlen);

/*
 * pg_pool.c.  A pooled connection to the primary, or NULL when none can be
 * opened (logged).
 */
struct pgconn *pg_conn_get(struct pg_store *s);
/*
 * A connection for a read of public content: to a usable replica when the
 * thread's routing allows it (store_reads_begin()) and the replica has
 * replayed far enough, else to the primary.
 */
struct pgconn *pg_conn_read(struct pg_store *s);
/*
 * Back to its pool (a broken connection is closed instead).  After rows
 * were changed on the primary, with replicas, notes the log position.
 */
void pg_conn_put(struct pg_store *s, struct pgconn *c);
/* Close @c (may be NULL) and free it, pooled or not. */
void pg_conn_free(struct pgconn *c);
/*
 * @c, a replica connection that just failed, becomes a connection to the
 * primary (the replica is left out and its idle connections closed): true
 * when the statement may be run again on @c.  False for a primary
 * connection, or when the primary cannot be reached either.
 */
bool pg_conn_failover(struct pgconn *c);
/* Set up / tear down the primary's pool, replicas and checker. */
void pg_pool_init(struct pg_store *s, const char *url);
void pg_pool_close(struct pg_store *s);
/* Adopt @db as the primary pool's first connection. */
void pg_pool_adopt(struct pg_store *s, PGconn *db);
int pg_add_replica(struct store *s, const char *url, int max_lag_ms,
		   char *err, size_t errlen);
uint64_t pg_write_position(struct store *s);
/* Each replica's lag as the checker last saw it (store_stats()). */
void pg_replica_lag(struct store *s, struct store_stats *out);
/* The current log position of the server of @db (0 on failure). */
uint64_t pg_wal_position(PGconn *db);
/* Raise @a to at least @v. */
void pg_lsn_raise(atomic_uint_fast64_t *a, uint64_t v);

/*
 * Map the failed result @res of @what to an enum err: unique and foreign
 * key violations are ERR_CONFLICT, deadlocks and serialisation failures
 * ERR_BUSY; a lost connection marks @c broken.  Logs what is unexpected.
 */
int pg_result_err(struct pgconn *c, PGresult *res, const char *what);

/* Run @sql (no parameters, e.g. "BEGIN") as a simple query. */
int pg_exec(struct pgconn *c, const char *sql);

/* Whether the last failure on @c was a foreign key violation. */
bool pg_fk_violation(const struct pgconn *c);

/* Row helpers: an integer column. */
int64_t pg_int(const PGresult *r, int row, int col);
/* A bytea column into the arena; its length in *len. */
void *pg_bytes(struct arena *ar, const PGresult *r, int row, int col,
	       size_t *len);

/*
 * Pipeline mode (pg_pipe.c): statements sent one after the other without
 * waiting, their results read together at pg_pipe_sync() (one round trip).
 *
 *	pg_pipe_begin(&p, c);
 *	pg_pipe_query(&p, &q_x, DB_T(a));	(up to PG_PIPE_MAX)
 *	r = pg_pipe_sync(&p);			results in p.items[i].res
 *	... pg_pipe_clear(&p); more sends and syncs ...
 *	r = pg_pipe_end(&p);
 *
 * The parameters are copied when sent.  After a failure the server skips
 * the rest up to the sync; pg_pipe_sync() returns the first failure as
 * the driver would (and keeps returning it), a lost connection marks @c broken.
 */
enum { PG_PIPE_MAX = 12 };
struct pgpipe_item {
	struct dbq *q;		/* NULL for a plain statement */
	int slot;		/* of @q (db_slot()) */
	const char *sql;
	bool prepare;		/* a Prepare was sent before it */
	PGresult *res;		/* after a successful sync */
};
struct pgpipe {
	struct pgconn *c;
	int n;
	int err;
	struct pgpipe_item items[PG_PIPE_MAX];
};
int pg_pipe_begin(struct pgpipe *p, struct pgconn *c);
int pg_pipe_send(struct pgpipe *p, struct dbq *q, const struct dbv *v,
		 size_t n);
#define pg_pipe_query(p, q, ...) pg_pipe_send((p), (q), DB_ARGS(__VA_ARGS__))
/* The result of the item of @p that ran @q in the last sync, or NULL. */
PGresult *pg_pipe_result(struct pgpipe *p, const struct dbq *q);
/* A statement without parameters that is not prepared ("BEGIN"). */
int pg_pipe_send_plain(struct pgpipe *p, const char *sql);
int pg_pipe_sync(struct pgpipe *p);
/* Free the results of the last sync. */
void pg_pipe_clear(struct pgpipe *p);
/* Leave pipeline mode (results freed); p->err or 0. */
int pg_pipe_end(struct pgpipe *p);


/* pg_notify.c: set up / tear down the event state of @s. */
void pg_notify_init(struct pg_store *s);
void pg_notify_close(struct pg_store *s);
/*
 * Into the open pipeline @p, inside the transaction of a batch: tell the
 * other nodes, at commit, which articles' reactions changed (@articles, a
 * PostgreSQL array literal of ids, each once).  One statement.
 */
struct pgpipe;
int pg_notify_reactions(struct pg_store *s, struct pgpipe *p,
			const char *articles);
/* Inside the open transaction: tell the other nodes content changed. */
int pg_notify_content(struct pg_store *s, struct pgconn *c);
int pg_watch_reactions(struct store *s, store_reactions_fn fn, void *arg);
int pg_comment_announce(struct store *s, enum comment_event ev,
			int64_t article_id, int64_t comment_id);

/* A notification on the "dateline" channel, parsed (pg_notify.c). */
struct pg_event {
	enum {
		PG_EV_NONE, PG_EV_CONTENT, PG_EV_REACTIONS, PG_EV_COMMENT,
		PG_EV_LIKES
	} kind;
	int64_t article_id;	/* > 0 for REACTIONS, COMMENT and LIKES */
	int64_t comment_id;	/* COMMENT: >= 0 (0: the count alone);
				 * LIKES: > 0 */
};

/*
 * Parse @payload "<node>:c", "<node>:<article>",
 * "<node>:m<article>:<comment>" or "<node>:l<article>:<comment>" into
 * @ev.  ERR_NOTFOUND when <node> is
 * @node (a store's own event), ERR_INVALID when malformed (ev->kind NONE).
 */
int pg_notify_parse(const char *payload, const char *node, struct pg_event *ev);
int pg_watch_comments(struct store *s, store_comments_fn fn, void *arg);
int pg_rate_take(struct store *s, const char *key, unsigned per_minute,
		 bool take, bool *allowed, unsigned *retry_after);

/* Inside an open transaction: move the content version on and tell the
 * other nodes, at commit. */
int pg_content_bump(struct pg_store *s, struct pgconn *c);


/* Backend functions implemented in pg_reactions.c. */
int pg_reactions_apply(struct store *s, struct reaction_change *changes,
		       size_t n);


#endif
