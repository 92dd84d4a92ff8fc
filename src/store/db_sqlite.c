/*
 * db_sqlite.c - SQLite's half of the store's driver (db.h): connections
 * from sqlite.c's pool, statements prepared once per connection
 * (SQLITE_PREPARE_PERSISTENT), typed binds and columns.
 */
#include "db.h"

#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "sqlite_int.h"
#include "sqlite_fts.h"

static struct dbc *lite_get(struct store *s, enum db_use use)
{
	(void)use;	/* WAL: readers and the writer share the one file */
	return db_pool_get(&SQ(s)->pool);
}

static void lite_put(struct dbc *c)
{
	db_pool_put(&SQ(c->store)->pool, c);
}

/* How long a writer waits for another of this process: the busy
 * timeout's length (sqlite.c). */
#define WRITE_WAIT_MS 5000

/* Take @s's write lock: 0, or ERR_BUSY after WRITE_WAIT_MS. */
static int write_lock(struct sqlite_store *s)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WRITE_WAIT_MS / 1000;
	if (pthread_mutex_timedlock(&s->write_lock, &until)) {
		log_warn("sqlite: another writer of this process held the"
			 " database for %d ms", WRITE_WAIT_MS);
		return ERR_BUSY;
	}
	return 0;
}

static int lite_exec(struct dbc *dc, const char *sql)
{
	struct conn *c = (struct conn *)dc;
	struct sqlite_store *s = SQ(dc->store);
	int r;

	if (!strcmp(sql, "BEGIN IMMEDIATE")) {
		if ((r = write_lock(s)))
			return r;
		c->writing = true;
	}
	if (!strcmp(sql, "ROLLBACK") && sqlite3_get_autocommit(c->db))
		r = 0;	/* nothing began (BEGIN failed) */
	else
		r = sq_exec(c, sql);
	if (c->writing && sqlite3_get_autocommit(c->db)) {
		c->writing = false;	/* ended, or never began */
		pthread_mutex_unlock(&s->write_lock);
	}
	return r;
}

static int lite_run(struct dbs *st, int slot, const char *sql,
		    const struct dbv *v, size_t n)
{
	struct conn *c = (struct conn *)st->c;
	sqlite3_stmt *h = st->h;
	size_t i;
	int rc = SQLITE_OK;

	if (!slot && h) {
		sqlite3_finalize(h);	/* a one-off: made afresh each run */
		st->h = h = NULL;
	}
	if (!h) {
		if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				       &h, NULL) != SQLITE_OK)
			return sq_db_err(c->db, sql);
		st->h = h;
	}
	if (n > (size_t)sqlite3_bind_parameter_count(h))
		n = (size_t)sqlite3_bind_parameter_count(h);
	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		int k = (int)i + 1;

		switch (v[i].type) {
		case 'i':
			rc = sqlite3_bind_int64(h, k, v[i].i);
			break;
		case 't':
			rc = v[i].p ? sqlite3_bind_text(h, k, v[i].p, -1,
							SQLITE_TRANSIENT) :
				      sqlite3_bind_null(h, k);
			break;
		case 'b':
			rc = sqlite3_bind_blob64(h, k, v[i].p, v[i].len,
						 SQLITE_TRANSIENT);
			break;
		default:
			rc = sqlite3_bind_null(h, k);
		}
	}
	return rc == SQLITE_OK ? 0 : sq_db_err(c->db, sql);
}

static int lite_step(struct dbs *st)
{
	struct conn *c = (struct conn *)st->c;
	int rc = sqlite3_step(st->h);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_changes64(c->db);
		/* Done: let go of its read snapshot or write at once. */
		sqlite3_reset(st->h);
		return 0;
	}
	rc = sq_db_err(c->db, sqlite3_sql(st->h));
	sqlite3_reset(st->h);
	return rc;
}

static void lite_release(struct dbs *st)
{
	if (st->h) {
		sqlite3_reset(st->h);
		sqlite3_clear_bindings(st->h);
	}
}

static void lite_finalize(struct dbs *st)
{
	sqlite3_finalize(st->h);
	st->h = NULL;
}

static const char *lite_column(struct dbs *st, int col, size_t *len)
{
	const char *s;

	if (sqlite3_column_type(st->h, col) == SQLITE_NULL)
		return NULL;
	s = (const char *)sqlite3_column_text(st->h, col);
	*len = (size_t)sqlite3_column_bytes(st->h, col);
	return s ? s : "";
}

static int64_t lite_column_int(struct dbs *st, int col)
{
	return sqlite3_column_int64(st->h, col);
}

static void *lite_blob(struct dbs *st, struct arena *a, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(st->h, col);
	void *out;

	*len = (size_t)sqlite3_column_bytes(st->h, col);
	out = arena_alloc(a, *len + 1);
	if (*len)
		memcpy(out, p, *len);
	return out;
}

static struct dbq q_bump =
	DBQ("UPDATE meta SET value = value + 1 WHERE key = 'content_version'");

static int lite_content_bump(struct dbc *c)
{
	return db_done(db_query0(c, &q_bump));
}

static bool lite_fk_failed(const struct dbc *c)
{
	return sqlite3_extended_errcode(((const struct conn *)c)->db) ==
	       SQLITE_CONSTRAINT_FOREIGNKEY;
}

/*
 * A batch's stories are indexed for search once, at its end
 * (sqlite_fts.c).  A connection that writes batches (an import) moves
 * its WAL into the database every BATCH_CHECKPOINT_PAGES instead of
 * SQLite's 1,000: each of those checkpoints wrote and synced the pages
 * the last few batches had changed, and an import of 100,000 posts took
 * a third longer with them (docs/performance.md).  What such a
 * connection leaves in the WAL when it closes, the site's next write
 * moves, or SQLite does as the last connection closes.
 */
#define BATCH_CHECKPOINT_PAGES 10000

static void lite_batch_begin(struct dbc *dc)
{
	struct conn *c = (struct conn *)dc;

	if (!c->batched) {
		sqlite3_wal_autocheckpoint(c->db, BATCH_CHECKPOINT_PAGES);
		c->batched = true;
	}
	if (c->defer)
		sqlite_fts_defer(c->defer, 1);
}

static int lite_batch_end(struct dbc *dc, int r)
{
	struct conn *c = (struct conn *)dc;

	if (!c->defer)
		return r;
	if (!r && sqlite_fts_flush(c->db, c->defer) != SQLITE_OK)
		r = sq_db_err(c->db, "indexing a batch's stories");
	sqlite_fts_defer(c->defer, 0);
	return r;
}

const struct db_driver db_sqlite = {
	.name = "sqlite",
	.mark = '?',
	.get = lite_get,
	.put = lite_put,
	.exec = lite_exec,
	.run = lite_run,
	.step = lite_step,
	.release = lite_release,
	.finalize = lite_finalize,
	.column = lite_column,
	.column_int = lite_column_int,
	.blob = lite_blob,
	.content_bump = lite_content_bump,
	.fk_failed = lite_fk_failed,
	.batch_begin = lite_batch_begin,
	.batch_end = lite_batch_end,
};
