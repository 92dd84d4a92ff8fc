/*
 * db.h - the store's internal driver: one small interface over SQLite and
 * PostgreSQL, so that every store function is written once.  Not used
 * outside src/store/.
 *
 * A store function takes a connection (db_get()), runs statements on it
 * and gives it back (db_put()).  A statement is a static struct dbq that
 * holds its SQL once, with "?N" parameters; PostgreSQL runs the same text
 * with "$N".  Where the dialects differ, DBQ2() puts PostgreSQL's text
 * beside SQLite's, so a reader sees both forms of one statement in one
 * place.  A connection prepares a statement the first time it runs it and
 * keeps it for its whole life.
 *
 *	static struct dbq q_tag = DBQ("SELECT name FROM tags WHERE slug = ?1");
 *
 *	struct dbc *c = db_get(s, DB_READ);
 *	struct dbs *st;
 *
 *	if (!c)
 *		return ERR_DB;
 *	st = db_query(c, &q_tag, DB_T(slug));
 *	if (!(r = db_row(st)))			(ERR_NOTFOUND: no row)
 *		*name = db_text(st, ar, 0);
 *	db_put(c);				(every statement released)
 *
 * Invariants: a struct dbs is borrowed from its connection and valid until
 * the same statement runs again on it or the connection is put back; the
 * caller never frees or resets anything by hand.  Column texts are copied
 * into the caller's arena (db_text()) or borrowed until the next step
 * (db_peek()).  Parameters are numbered from 1 in the order given; a
 * SQLite text may leave out trailing ones its PostgreSQL twin needs.
 *
 * Errors: 0 or a negative enum err.  ERR_CONFLICT for a unique or foreign
 * key violation, ERR_BUSY for lock contention, ERR_DB otherwise (logged).
 * The first failure on a connection sticks (db_failed()): later statements
 * on it are not run and return it, db_end() rolls back, so a transaction of
 * several writes checks once at the end.
 */
#ifndef DATELINE_DB_H
#define DATELINE_DB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

/* One statement's text; see DBQ() and DBQ2(). */
struct dbq {
	const char *sql;	/* both engines, or SQLite's when .pg is set */
	const char *pg;		/* PostgreSQL's own text, or NULL */
	atomic_int slot;	/* its place in each connection, from 1 */
};
#define DBQ(sql_) { .sql = (sql_) }
#define DBQ2(sqlite_, pg_) { .sql = (sqlite_), .pg = (pg_) }
/* A statement of PostgreSQL's own files (pg_*.c), in its "$N" text. */
#define DBQ_PG(pg_) { .sql = (pg_), .pg = (pg_) }

/* A parameter value; build with DB_I(), DB_T(), DB_B(), DB_NULL. */
struct dbv {
	char type;		/* 'i' integer, 't' text, 'b' bytes, 'n' NULL */
	size_t len;		/* 'b' */
	int64_t i;
	const void *p;		/* 't' (NUL-terminated, NULL binds NULL), 'b' */
};
#define DB_I(v) ((struct dbv){ .type = 'i', .i = (int64_t)(v) })
#define DB_T(v) ((struct dbv){ .type = 't', .p = (v) })
#define DB_B(v, n) ((struct dbv){ .type = 'b', .p = (v), .len = (n) })
#define DB_NULL ((struct dbv){ .type = 'n' })

/* Statement texts are static: more slots than this is a programming error. */
enum { DB_MAX_SLOTS = 1024 };

struct dbs;

/*
 * What both engines' connections start with.  @store is the store it
 * belongs to; the rest is db.c's.
 */
struct dbc {
	struct store *store;
	struct dbs **st;	/* by slot; allocated on first use */
	int nst;
	struct dbs *active;	/* run since the last release */
	int err;		/* the first failure since taken / begun */
	bool bumped;		/* the content version moved in this txn */
	bool dead;		/* no connection could be had (db_get()) */
	bool pinned;		/* a batch's (db_batch_begin()) */
	int units;		/* pinned: store functions running on it */
	int batch_err;		/* pinned: the failure that fails the batch */
	struct dbc *next;	/* in its pool's free list */
};

/* A statement on one connection (engine handle in @h). */
struct dbs {
	struct dbc *c;
	struct dbq *q;
	void *h;		/* sqlite3_stmt *, or the PGresult * of a run */
	int err;		/* of this run */
	int row, nrows;		/* PostgreSQL: the row db_step() is on */
	int64_t changes;	/* rows the last run changed */
	bool on_list;		/* on c->active */
	bool done;		/* stepped past its last row */
	struct dbs *next;
};

enum db_use {
	DB_WRITE,	/* the primary: writes, and reads that must see them */
	DB_READ,	/* public content; may go to a replica */
};

/*
 * A pooled connection; with DB_READ the calling thread's routing
 * (store_reads_begin()) decides whether a replica may answer.  Never
 * NULL: when none can be had (logged), a dead one whose every statement
 * fails with ERR_DB, so the caller's error path is the usual one.
 */
struct dbc *db_get(struct store *s, enum db_use use);
/* Release every statement @c ran and give it back (NULL: no-op). */
void db_put(struct dbc *c);

/*
 * Run @q with the @n parameters @v; the returned statement is ready for
 * db_step()/db_row() (never NULL: a failure is kept in it).  db_query()
 * takes the values as arguments, db_query0() none.
 */
struct dbs *db_query_v(struct dbc *c, struct dbq *q, const struct dbv *v,
		       size_t n);
#define DB_ARGS(...) (const struct dbv[]){ __VA_ARGS__ }, \
	sizeof((const struct dbv[]){ __VA_ARGS__ }) / sizeof(struct dbv)
#define db_query(c, q, ...) db_query_v((c), (q), DB_ARGS(__VA_ARGS__))
#define db_query0(c, q) db_query_v((c), (q), NULL, 0)

/*
 * Run @sql, built at run time from fixed names (never from input), with
 * the @n parameters @v: prepared for this run only, and dropped by the
 * next one (one such statement per connection at a time).
 */
struct dbs *db_query_sql(struct dbc *c, const char *sql, const struct dbv *v,
			 size_t n);

/* 1 when a row is there to read, 0 after the last, or an error. */
int db_step(struct dbs *st);
/* The first row: 0, ERR_NOTFOUND when there is none, or an error. */
int db_row(struct dbs *st);
/* Run to the end: 0 or an error. */
int db_done(struct dbs *st);
/* Rows the statement changed (after db_done()). */
int64_t db_changes(struct dbs *st);

/* Run @q to the end: 0 or an error. */
#define db_exec(c, q, ...) db_done(db_query((c), (q), __VA_ARGS__))
/* Run @q to the end: ERR_NOTFOUND when it changed no row. */
int db_change_v(struct dbc *c, struct dbq *q, const struct dbv *v, size_t n);
#define db_change(c, q, ...) db_change_v((c), (q), DB_ARGS(__VA_ARGS__))
/*
 * Run @q and read column 0 of its first row as an integer into *out:
 * 0, ERR_NOTFOUND (no row, *out untouched) or an error.
 */
int db_int_v(struct dbc *c, struct dbq *q, int64_t *out,
	     const struct dbv *v, size_t n);
#define db_get_int(c, q, out, ...) \
	db_int_v((c), (q), (out), DB_ARGS(__VA_ARGS__))

/* Columns of the current row, from 0. */
int64_t db_int(struct dbs *st, int col);
bool db_is_null(struct dbs *st, int col);
/* A copy in @a; NULL for SQL NULL (db_text) or "" (db_text0). */
const char *db_text(struct dbs *st, struct arena *a, int col);
const char *db_text0(struct dbs *st, struct arena *a, int col);
/* Borrowed until the next step; NULL for SQL NULL. */
const char *db_peek(struct dbs *st, int col);
/* A bytes column copied into @a, its length in *len. */
void *db_blob(struct dbs *st, struct arena *a, int col, size_t *len);

/*
 * Transactions.  db_begin() starts one that takes the write lock at once
 * (SQLite: BEGIN IMMEDIATE).  db_end() commits when @r is 0 and nothing
 * failed on @c since, else rolls back; it returns @r, the failure, or
 * the commit's error.  After a commit in which db_content_bump() ran, the
 * store's generation moves on (page caches drop what they hold).
 */
int db_begin(struct dbc *c);
int db_end(struct dbc *c, int r);
/*
 * Run @sql, one or more statements without parameters or rows (a
 * migration), as the engine's simple query: 0 or an error, which sticks.
 */
int db_script(struct dbc *c, const char *sql);

/*
 * A batch: several store functions' writes in one transaction, for a
 * writer that makes many small changes in a row (an import).  Between
 * db_batch_begin() and db_batch_end() on a thread, every db_get() of
 * that store on that thread gets the batch's one connection, and the
 * functions' db_begin()/db_end() mark no transaction of their own.  The
 * first failure in any of them (a failed statement, or an error handed to
 * db_end()) fails the batch: what follows fails with it, and
 * db_batch_end() rolls it all back and returns it.  (No savepoint per
 * function: SQLite's FTS5 writes its pending index out at each one.)
 * Nothing is visible to other connections before db_batch_end() commits
 * (@r 0 and no failure) or after it rolls back.  0 or an error; one
 * batch at a time per thread (ERR_INVALID otherwise).
 */
int db_batch_begin(struct store *s);
int db_batch_end(struct store *s, int r);

/* The failure that sticks on @c, or 0. */
int db_failed(const struct dbc *c);

/*
 * Inside a transaction: move the content version on (other processes and
 * nodes drop their caches when it commits).  0 or an error.
 */
int db_content_bump(struct dbc *c);

/* Whether the failure that sticks on @c is a foreign key violation. */
bool db_fk_failed(const struct dbc *c);

/* Whether @c's store is PostgreSQL (for the rare rule that differs). */
bool db_is_pg(const struct dbc *c);

/*
 * The engine's half of the driver (db_sqlite.c, db_pg.c); only db.c calls
 * it.  run() prepares @sql (already in the engine's placeholders) on the
 * connection when it has not yet (slot 0: afresh each time, for
 * db_query_sql()), binds @v and starts a run (0 or an
 * error, in st->err too); step() moves to the next row (1, 0 or an
 * error); release() drops the run's bindings and result; finalize()
 * everything (the connection closes).  column() is borrowed bytes, NULL
 * for SQL NULL.  batch_begin() and batch_end() (may be NULL) let the
 * engine put work off to the end of a batch (db_batch_begin()):
 * batch_end() does it while the transaction is still open when @r is 0
 * and returns @r or its own failure.
 */
struct db_driver {
	const char *name;
	char mark;			/* placeholder prefix: '?' or '$' */
	struct dbc *(*get)(struct store *s, enum db_use use);
	void (*put)(struct dbc *c);
	int (*exec)(struct dbc *c, const char *sql);
	int (*run)(struct dbs *st, int slot, const char *sql,
		   const struct dbv *v, size_t n);
	int (*step)(struct dbs *st);
	void (*release)(struct dbs *st);
	void (*finalize)(struct dbs *st);
	const char *(*column)(struct dbs *st, int col, size_t *len);
	int64_t (*column_int)(struct dbs *st, int col);
	void *(*blob)(struct dbs *st, struct arena *a, int col, size_t *len);
	int (*content_bump)(struct dbc *c);
	bool (*fk_failed)(const struct dbc *c);
	void (*batch_begin)(struct dbc *c);
	int (*batch_end)(struct dbc *c, int r);
};
extern const struct db_driver db_sqlite, db_pg;

/*
 * A pool of connections to one database, opened on demand by the engine's
 * @open (NULL when it failed, logged), at most DB_POOL_MAX.  db_pool_get()
 * waits at most DB_POOL_WAIT_S for a free one and then gives NULL (the
 * request fails instead of queueing without end).  db_pool_put() keeps
 * a connection only when @usable (may be NULL: always) says it is fit,
 * and closes it otherwise.
 */
enum { DB_POOL_MAX = 16, DB_POOL_WAIT_S = 10 };
struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct dbc *free;
	int n;			/* open connections, lent or free */
	struct dbc *(*open)(struct db_pool *p);
	void (*close)(struct dbc *c);
	bool (*usable)(struct dbc *c);
};
void db_pool_init(struct db_pool *p, struct dbc *(*open)(struct db_pool *),
		  void (*close)(struct dbc *), bool (*usable)(struct dbc *));
struct dbc *db_pool_get(struct db_pool *p);
void db_pool_put(struct db_pool *p, struct dbc *c);
/* Count @c, opened apart, as one of the pool's free connections. */
void db_pool_adopt(struct db_pool *p, struct dbc *c);
/* Close the free connections (after the server went away). */
void db_pool_drain(struct db_pool *p);
/* Drain, then free what the pool holds (every connection is back). */
void db_pool_release(struct db_pool *p);

/* The slot of @q (assigned on first use), from 1. */
int db_slot(struct dbq *q);
/* Free every statement of @c (when the connection closes). */
void db_conn_release(struct dbc *c);

#endif
