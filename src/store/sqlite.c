/*
 * sqlite.c - the embedded SQLite backend of store.h.
 *
 * A small pool of connections (WAL mode, so readers never wait for the
 * writer); each connection keeps its prepared statements for its whole
 * life.  Writes use BEGIN IMMEDIATE so two writers queue on the busy
 * timeout instead of deadlocking on a lock upgrade.  A separate "watch"
 * connection reads PRAGMA data_version to notice commits made by other
 * processes (the CLI adding an article while the server runs).
 */
#include "sqlite_int.h"
#include "sqlite_fts.h"

#include <pthread.h>
#include <stdarg.h>
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

#define POOL_MAX 16
#define WATCH_INTERVAL_NS (100 * 1000 * 1000LL)

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

static int open_db(const char *path, sqlite3 **out, char *err, size_t errlen)
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
		rc = sqlite_fts_register(db);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "database '%s' is not usable: %s", path,
			 sqlite3_errmsg(db));
		sqlite3_close(db);
		return ERR_DB;
	}
	*out = db;
	return 0;
}

static void conn_free(struct conn *c)
{
	int i;

	db_conn_release(&c->base);
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_close(c->db);
	free(c);
}

/* Take a connection from the pool, opening one if the pool may grow. */
struct conn *sq_conn_get(struct sqlite_store *s)
{
	struct conn *c;
	char err[256];

	pthread_mutex_lock(&s->lock);
	while (!s->free && s->nconns >= POOL_MAX)
		pthread_cond_wait(&s->freed, &s->lock);
	c = s->free;
	if (c) {
		s->free = c->next;
		pthread_mutex_unlock(&s->lock);
		return c;
	}
	s->nconns++;
	pthread_mutex_unlock(&s->lock);

	c = xcalloc(1, sizeof(*c));
	if (open_db(s->path, &c->db, err, sizeof(err))) {
		log_err("%s", err);
		free(c);
		pthread_mutex_lock(&s->lock);
		s->nconns--;
		pthread_cond_signal(&s->freed);
		pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	return c;
}

void sq_conn_put(struct sqlite_store *s, struct conn *c)
{
	pthread_mutex_lock(&s->lock);
	c->next = s->free;
	s->free = c;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

/* The prepared statement @id on @c, reset and unbound, or NULL. */
sqlite3_stmt *sq_prepared(struct conn *c, enum stmt_id id, const char *sql)
{
	if (!c->st[id]) {
		if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				       &c->st[id], NULL) != SQLITE_OK) {
			sq_db_err(c->db, sql);
			return NULL;
		}
	} else {
		sqlite3_reset(c->st[id]);
		sqlite3_clear_bindings(c->st[id]);
	}
	return c->st[id];
}

void sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
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
	struct conn *c, *next;

	for (c = s->free; c; c = next) {
		next = c->next;
		conn_free(c);
	}
	sqlite3_close(s->watch);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->watch_lock);
	free(s->path);
	free(s);
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The meta table's content version; ERR_DB before migration 002. */
static int content_version(sqlite3 *db, int64_t *out)
{
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

static uint64_t sq_generation(struct store *base)
{
	struct sqlite_store *s = SQ(base);
	long long now = mono_ns();

	/*
	 * Only one thread polls, and only every WATCH_INTERVAL_NS.  The content
	 * version (meta table) moves with content writes only, so reactions
	 * and other high-rate writes do not empty the page cache.
	 */
	if (now - s->watch_checked >= WATCH_INTERVAL_NS &&
	    !pthread_mutex_trylock(&s->watch_lock)) {
		int64_t v;

		if (now - s->watch_checked >= WATCH_INTERVAL_NS &&
		    !content_version(s->watch, &v) && v != s->watch_version) {
			s->watch_version = v;
			atomic_fetch_add(&s->base.generation, 1);
		}
		s->watch_checked = now;
		pthread_mutex_unlock(&s->watch_lock);
	}
	return atomic_load(&s->base.generation);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.generation = sq_generation,
	.reactions_apply = sq_reactions_apply,
	.article_id = sq_article_id,
};

int store_open_sqlite(const char *path, struct store **out, char *err,
		      size_t errlen)
{
	struct sqlite_store *s;
	struct conn *c;
	int r;

	s = xcalloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->base.db = &db_sqlite;
	s->path = xstrdup(path);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->freed, NULL);
	pthread_mutex_init(&s->watch_lock, NULL);
	s->watch_checked = mono_ns();
	/* Open one connection now so a bad path fails here, clearly. */
	c = xcalloc(1, sizeof(*c));
	if ((r = open_db(path, &c->db, err, errlen))) {
		free(c);
		goto fail;
	}
	s->nconns = 1;
	s->free = c;
	if ((r = open_db(path, &s->watch, err, errlen)))
		goto fail;
	/* Start from the stored content version, so the first poll is quiet. */
	content_version(s->watch, &s->watch_version);
	*out = &s->base;
	return 0;
fail:
	sq_close(&s->base);
	return r;
}
