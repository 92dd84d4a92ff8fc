/*
 * sqlite_int.h - what the files of the SQLite backend share: the
 * connection pool and error mapping.
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

struct conn {
	struct dbc base;	/* first: the driver's view (db.h) */
	sqlite3 *db;
	struct fts_defer *defer;	/* stories a batch indexes at its end */
	bool batched;		/* has written a batch (db_sqlite.c) */
	bool writing;		/* holds its store's write_lock */
};

struct sqlite_store {
	struct store base;
	char *path;
	struct db_pool pool;
	sqlite3 *watch;			/* reads the content version */
	/* Held from BEGIN IMMEDIATE to the end of the transaction, so this
	 * process's writers queue here and the next one starts as soon as
	 * the last commits (db_sqlite.c); other processes still meet the
	 * busy timeout. */
	pthread_mutex_t write_lock;
};

#define SQ(s) ((struct sqlite_store *)(s))


/* Log and map the connection's last error to an enum err. */
int sq_db_err(sqlite3 *db, const char *what);
int sq_exec(struct conn *c, const char *sql);

/* Backend functions implemented in sqlite_reactions.c. */
int sq_reactions_apply(struct store *s, struct reaction_change *changes,
		       size_t n);



#endif
