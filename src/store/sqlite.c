/*
 * sqlite.c - the embedded SQLite backend of store.h.
 *
 * A small pool of connections (WAL mode, so readers never wait for the
 * writer); each connection keeps its prepared statements for its whole
 * life.  Writes use BEGIN IMMEDIATE so two writers never deadlock on a
 * lock upgrade.  The writers of this process queue on a mutex first
 * (write_lock): on SQLite's busy timeout alone a waiter sleeps in steps
 * of up to 100 ms and keeps losing the race, and a comment's POST took
 * a second at its 99th percentile with four writers.  Another process
 * (the CLI) still meets the busy timeout.  A separate "watch"
 * connection reads PRAGMA data_version to notice commits made by other
 * processes (the CLI adding an article while the server runs).
 */
#include "sqlite_int.h"
#include "sqlite_fts.h"

#include <pthread.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/embedded.h"
#include "store_int.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"


int sq_db_err(sqlite3 *db, const char *what)
{
	int code = sqlite3_extended_errcode(db);

	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return ERR_CONFLICT;
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
		log_warn("sqlite busy during %s", what);
		return ERR_BUSY;
	}
	log_err("sqlite: %s: %s", what, sqlite3_errmsg(db));
	return ERR_DB;
}

static int open_db(const char *path, sqlite3 **out, struct fts_defer **defer,
		   char *err, size_t errlen)
{
	static const char *pragmas =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA temp_store = MEMORY;";
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return ERR_IO;
	}
	sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite_fts_register(db, defer);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "database '%s' is not usable: %s", path,
			 sqlite3_errmsg(db));
		sqlite3_close(db);
		return ERR_DB;
	}
	*out = db;
	return 0;
}

static void conn_close(struct dbc *dc)
{
	struct conn *c = (struct conn *)dc;

	db_conn_release(&c->base);
	sqlite3_close(c->db);
	free(c);
}

static struct dbc *conn_open(struct db_pool *p)
{
	struct sqlite_store *s = (struct sqlite_store *)
		((char *)p - offsetof(struct sqlite_store, pool));
	struct conn *c = xcalloc(1, sizeof(*c));
	char err[256];

	if (open_db(s->path, &c->db, &c->defer, err, sizeof(err))) {
		log_err("%s", err);
		free(c);
		return NULL;
	}
	return &c->base;
}

int sq_exec(struct conn *c, const char *sql)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_db_err(c->db, sql);
	return 0;
}

static void sq_close(struct store *base)
{
	struct sqlite_store *s = SQ(base);

	db_pool_release(&s->pool);
	sqlite3_close(s->watch);
	pthread_mutex_destroy(&s->write_lock);
	free(s->path);
	free(s);
}

/* The meta table's content version; ERR_DB before migration 002. */
static int content_version(struct store *base, int64_t *out)
{
	sqlite3 *db = SQ(base)->watch;
	sqlite3_stmt *st;
	int r = ERR_DB;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE"
			       " key = 'content_version'", -1, &st, NULL))
		return ERR_DB;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.content_version = content_version,
	.reactions_apply = sq_reactions_apply,
};

/* SQLite counts the bytes it allocates under a process-wide mutex, taken
 * at every allocation by every thread; nothing here reads the count.
 * Only possible before SQLite starts: a later call is refused, harmlessly. */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open_sqlite(const char *path, struct store **out, char *err,
		      size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sqlite_store *s;
	struct conn *c;
	int r;

	pthread_once(&once, sqlite_setup);
	s = xcalloc(1, sizeof(*s));
	store_init(&s->base, &sqlite_ops, &db_sqlite);
	s->path = xstrdup(path);
	db_pool_init(&s->pool, conn_open, conn_close, NULL);
	pthread_mutex_init(&s->write_lock, NULL);
	/* Open one connection now so a bad path fails here, clearly. */
	c = xcalloc(1, sizeof(*c));
	if ((r = open_db(path, &c->db, &c->defer, err, errlen))) {
		free(c);
		goto fail;
	}
	db_pool_adopt(&s->pool, &c->base);
	if ((r = open_db(path, &s->watch, NULL, err, errlen)))
		goto fail;
	*out = &s->base;
	return 0;
fail:
	sq_close(&s->base);
	return r;
}
