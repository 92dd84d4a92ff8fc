/*
 * sqlite_int.h - what the files of the SQLite backend share: the
 * connection pool, per-connection prepared statements, and row helpers.
 * Not used outside src/store/.
 */
#ifndef DATELINE_SQLITE_INT_H
#define DATELINE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "db.h"
#include "store.h"
#include "store_int.h"

enum stmt_id {
	/* sqlite_reactions.c */
	ST_REACTION_GET,
	ST_REACTION_INSERT,
	ST_REACTION_UPDATE,
	ST_REACTION_DELETE,
	ST_REACTION_COUNTS,
	ST_COUNT
};

struct conn {
	struct dbc base;	/* first: the driver's view (db.h) */
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct conn *next;
};

struct sqlite_store {
	struct store base;
	char *path;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct conn *free;
	int nconns;
	pthread_mutex_t watch_lock;
	sqlite3 *watch;
	int64_t watch_version;
	atomic_llong watch_checked;	/* monotonic ns of the last check */
};

#define SQ(s) ((struct sqlite_store *)(s))

/* A pooled connection, or NULL when none can be opened (logged). */
struct conn *sq_conn_get(struct sqlite_store *s);
void sq_conn_put(struct sqlite_store *s, struct conn *c);

/* Statement @id prepared from @sql once per connection, reset. */
sqlite3_stmt *sq_prepared(struct conn *c, enum stmt_id id, const char *sql);

/* Log and map the connection's last error to an enum err. */
int sq_db_err(sqlite3 *db, const char *what);
int sq_exec(struct conn *c, const char *sql);
void sq_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Backend functions implemented in sqlite_reactions.c. */
int sq_reactions_apply(struct store *s, struct reaction_change *changes,
		       size_t n);



#endif
