/*
 * testdb.h - the database a store unit test runs on, and SQL run on it
 * directly "as another program would": a temporary SQLite file, or, while
 * testdb_pg is set, a fresh PostgreSQL database on the server named by
 * $DATELINE_TEST_PG (scripts/test starts one; see scripts/pg-cluster).
 *
 * A test program runs its group once on SQLite and, when that variable is
 * set, once more on PostgreSQL (testdb_run_groups()); tests that are about
 * one backend only call testdb_only_sqlite() first.
 */
#ifndef DATELINE_TESTDB_H
#define DATELINE_TESTDB_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "store/sqlite_fts.h"
#include "store/store.h"

static bool testdb_pg;		/* the group running now is on PostgreSQL */
static int testdb_serial;

/* Run @sql on the server's maintenance database; aborts on failure. */
static inline void testdb_admin(const char *sql)
{
	PGconn *db = PQconnectdb(getenv("DATELINE_TEST_PG"));
	PGresult *r;

	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "testdb: %s", PQerrorMessage(db));
		abort();
	}
	r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "testdb: %s: %s", sql, PQerrorMessage(db));
		abort();
	}
	PQclear(r);
	PQfinish(db);
}

/*
 * Make a new empty database: @dir (64 bytes) gets a temporary folder and
 * @url (256 bytes) what store_open() takes.  0 or -1.
 */
static inline int testdb_make(char *dir, char *url)
{
	const char *server = getenv("DATELINE_TEST_PG");
	char sql[128], name[64];
	const char *slash;

	snprintf(dir, 64, "/tmp/dateline-unit-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (!testdb_pg) {
		snprintf(url, 256, "%s/test.db", dir);
		return 0;
	}
	snprintf(name, sizeof(name), "dl_unit_%d_%d", (int)getpid(),
		 testdb_serial++);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	testdb_admin(sql);
	/* The server URL with its database path replaced by @name. */
	slash = strrchr(server, '/');
	snprintf(url, 256, "%.*s/%s", (int)(slash - server), server, name);
	return 0;
}

/* Remove what testdb_make() made. */
static inline void testdb_drop(const char *dir, const char *url)
{
	char cmd[128], sql[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "testdb: cannot remove %s\n", dir);
	if (testdb_pg) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
			 strrchr(url, '/') + 1);
		testdb_admin(sql);
	}
}

/* Run @sql (one or more statements) directly on the database @url. */
static inline void testdb_sql(const char *url, const char *sql)
{
	if (testdb_pg) {
		PGconn *db = PQconnectdb(url);
		PGresult *r = PQexec(db, sql);

		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(db));
		PQclear(r);
		PQfinish(db);
	} else {
		sqlite3 *db;
		char *msg = NULL;

		assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
		/* The search table's tokenizer, as every connection has. */
		assert_int_equal(sqlite_fts_register(db, NULL), SQLITE_OK);
		sqlite3_busy_timeout(db, 5000);
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("%s: %s", sql, msg);
		sqlite3_close(db);
	}
}

/* One integer from a query run directly on the database @url (-1: none). */
static inline int64_t testdb_int(const char *url, const char *sql)
{
	int64_t v = -1;

	if (testdb_pg) {
		PGconn *db = PQconnectdb(url);
		PGresult *r = PQexec(db, sql);

		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(db));
		if (PQntuples(r))
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(db);
	} else {
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
		/* The search table's tokenizer, as every connection has. */
		assert_int_equal(sqlite_fts_register(db, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
				 SQLITE_OK);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return v;
}

/* A test about the SQLite backend only: skipped on PostgreSQL. */
#define testdb_only_sqlite() do { if (testdb_pg) { skip(); } } while (0)

/* Run @n @tests on SQLite, then on PostgreSQL when $DATELINE_TEST_PG is set. */
static inline int testdb_run(const struct CMUnitTest *tests, size_t n)
{
	const char *pg = getenv("DATELINE_TEST_PG");
	int failed = _cmocka_run_group_tests("sqlite", tests, n, NULL, NULL);

	if (pg && *pg) {
		testdb_pg = true;
		failed += _cmocka_run_group_tests("postgres", tests, n, NULL,
						  NULL);
	}
	return failed;
}
/*
 * The usual fixture of a store test: *@s a migrated store on a new
 * database (testdb_make(): @dir and @url as there), *@a an arena.  0 or
 * -1.  testdb_store_close() undoes it.
 */
static inline int testdb_store_open(struct store **s, struct arena **a,
				    char *dir, char *url)
{
	char err[256];

	if (testdb_make(dir, url) || store_open(url, s, err, sizeof(err)) ||
	    store_migrate(*s, NULL))
		return -1;
	*a = arena_new(0);
	return 0;
}

static inline void testdb_store_close(struct store *s, struct arena *a,
				      const char *dir, const char *url)
{
	store_close(s);
	arena_free(a);
	testdb_drop(dir, url);
}

#define testdb_run_groups(tests) \
	testdb_run((tests), sizeof(tests) / sizeof((tests)[0]))

#endif
