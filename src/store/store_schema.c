/*
 * store_schema.c - the schema: the migrations in sql/<engine>/NNN_*.sql
 * (embedded in the binary), applied in order, one transaction each,
 * recorded in schema_migrations; written once over the driver (db.h).
 *
 * Several PostgreSQL nodes may start at once: each migration runs under a
 * transaction-scoped advisory lock, and the version is read again after
 * taking it, so every migration runs exactly once.  SQLite's BEGIN
 * IMMEDIATE serialises processes the same way.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

/* More migrations than this is a programming error (sql/meson.build). */
#define MAX_MIGRATIONS 64

static struct dbq q_has_table = DBQ2(
	"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name = 'schema_migrations'",
	"SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'"
	" AND schemaname = current_schema()");
static struct dbq q_version = DBQ(
	"SELECT coalesce(max(version), 0) FROM schema_migrations");

/* The newest migration applied on @c's database (0: none, no table). */
static int schema_version(struct dbc *c, int *version)
{
	int64_t has = 0, v = 0;
	int r = db_get_int(c, &q_has_table, &has);

	if (!r && has)
		r = db_get_int(c, &q_version, &v);
	*version = (int)v;
	return r;
}

/* This engine's migrations, by number; how many. */
static size_t files_of(struct store *s, const struct embedded_file **files,
		       size_t *skip)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%s/", s->db->name);
	*skip = strlen(prefix);
	return store_migration_files(prefix, files, MAX_MIGRATIONS);
}

static struct dbq q_record = DBQ(
	"INSERT INTO schema_migrations VALUES (?1, ?2)");
/* Another node may be migrating: wait for it (any fixed key will do). */
static struct dbq q_lock = DBQ("SELECT pg_advisory_xact_lock(4242017)");

/* Apply migration @f (number @v) unless it has been: 0 or an error. */
static int migrate_one(struct dbc *c, const struct embedded_file *f, int v,
		       int *have)
{
	int r;

	db_begin(c);
	if (db_is_pg(c))
		db_done(db_query0(c, &q_lock));
	db_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		  "version integer PRIMARY KEY, applied bigint NOT NULL)");
	if ((r = schema_version(c, have)) || v <= *have)
		return db_end(c, r);
	if ((r = db_script(c, f->data)))
		log_err("migration '%s' failed", f->name);
	db_exec(c, &q_record, DB_I(v), DB_I(time_now()));
	if (!(r = db_end(c, r)))
		*have = v;
	return r;
}

int store_migrate(struct store *s, int *applied)
{
	const struct embedded_file *files[MAX_MIGRATIONS];
	struct dbc *c = db_get(s, DB_WRITE);
	size_t n, i, skip;
	int r, have, done = 0;

	n = files_of(s, files, &skip);
	r = schema_version(c, &have);
	for (i = 0; !r && i < n; i++) {
		int v = atoi(files[i]->name + skip), before = have;

		if (v <= have)
			continue;
		r = migrate_one(c, files[i], v, &have);
		if (!r && have == v && before < v)
			done++;
	}
	db_put(c);
	if (applied)
		*applied = done;
	return r;
}

int store_check_schema(struct store *s)
{
	const struct embedded_file *files[MAX_MIGRATIONS];
	struct dbc *c = db_get(s, DB_WRITE);
	size_t n, skip;
	int r, have;

	n = files_of(s, files, &skip);
	r = schema_version(c, &have);
	db_put(c);
	if (r)
		return r;
	return n && have < atoi(files[n - 1]->name + skip) ? ERR_INVALID : 0;
}
