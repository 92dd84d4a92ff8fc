/*
 * pg_schema.c - the schema of the PostgreSQL backend: the migrations in
 * sql/postgres/NNN_*.sql (embedded in the binary), applied in order, one
 * transaction each, recorded in schema_migrations.  Several nodes may
 * start at once: each migration runs under a transaction-scoped advisory
 * lock, and the version is read again after taking it, so every migration
 * runs exactly once.
 */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "store_int.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"

static int schema_version(struct pgconn *c, int *version)
{
	PGresult *res;
	int r;

	*version = 0;
	res = PQexec(c->db, "SELECT coalesce(max(version), 0) FROM"
		     " schema_migrations");
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		*version = (int)pg_int(res, 0, 0);
		r = 0;
	} else {
		const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		/* 42P01: no table yet, so no migration has run. */
		r = st && !strcmp(st, "42P01") ? 0 :
		    pg_result_err(c, res, "schema version");
	}
	PQclear(res);
	return r;
}

static int migrate_one(struct pgconn *c, const struct embedded_file *f, int v,
		       int *have)
{
	struct pgargs a = { 0 };
	PGresult *res;
	int r;

	if ((r = pg_exec(c, "BEGIN")))
		return r;
	/*
	 * Another node may be migrating: wait for it, then look again.  The
	 * key of the advisory lock is any number, the same on every node.
	 */
	res = PQexec(c->db, "SELECT pg_advisory_xact_lock(4242017)");
	r = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 :
	    pg_result_err(c, res, "migration lock");
	PQclear(res);
	if (!r)
		r = pg_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			    "version integer PRIMARY KEY,"
			    " applied bigint NOT NULL)");
	if (!r)
		r = schema_version(c, have);
	if (r || v <= *have)
		return pg_txn_end(c, r);
	if ((r = pg_exec(c, f->data))) {
		log_err("migration '%s' failed", f->name);
		return pg_txn_end(c, r);
	}
	pa_int(&a, v);
	pa_int(&a, time_now());
	res = PQexecParams(c->db, "INSERT INTO schema_migrations VALUES"
			   " ($1::integer, $2::bigint)", a.n, NULL, a.v, a.len,
			   a.fmt, 0);
	r = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 :
	    pg_result_err(c, res, "schema_migrations");
	PQclear(res);
	if (!r)
		*have = v;
	return pg_txn_end(c, r) ? ERR_DB : 0;
}

int pg_migrate(struct store *base, int *applied)
{
	struct pg_store *s = PG(base);
	const struct embedded_file *files[64];
	struct pgconn *c = pg_conn_get(s);
	size_t n, i;
	int r, have, done = 0;

	if (!c)
		return ERR_DB;
	n = store_migration_files("postgres/", files, 64);
	r = schema_version(c, &have);
	for (i = 0; !r && i < n; i++) {
		int v = atoi(files[i]->name + 9), before = have;

		if (v <= have)
			continue;
		r = migrate_one(c, files[i], v, &have);
		if (!r && have == v && before < v)
			done++;
	}
	pg_conn_put(s, c);
	if (applied)
		*applied = done;
	return r;
}

int pg_check_schema(struct store *base)
{
	struct pg_store *s = PG(base);
	const struct embedded_file *files[64];
	struct pgconn *c = pg_conn_get(s);
	size_t n;
	int r, have;

	if (!c)
		return ERR_DB;
	n = store_migration_files("postgres/", files, 64);
	r = schema_version(c, &have);
	pg_conn_put(s, c);
	if (r)
		return r;
	return n && have < atoi(files[n - 1]->name + 9) ? ERR_INVALID : 0;
}
