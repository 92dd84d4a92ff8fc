/*
 * pg_copy.c - the PostgreSQL side of `dateline copy`: rows of a table in
 * key order, batches of rows written in one transaction, and identity
 * sequences moved past the copied ids afterwards.
 *
 * Parameters travel apart from the SQL, as text, bytes ('b' columns) in
 * binary; results come as text, bytea unescaped.
 */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store_int.h"

/* The tables whose "id" is an identity column. */
static const char *const identity_tables[] = {
	"accounts", "articles", "tags", "revisions", "comments", "outbox",
};

/* Cell @c of a column typed @type as parameter @i of @a. */
static void param(struct pgargs *a, char type, const struct copy_cell *c)
{
	if (c->kind == CELL_NULL)
		pa_text(a, NULL);
	else if (c->kind == CELL_INT)
		pa_int(a, c->i);
	else if (type == 'b')
		pa_bytes(a, c->p, c->len);
	else
		pa_text(a, c->p);	/* text cells are NUL-terminated */
}

/* Run @sql with @a, not prepared (names vary by table). */
static int exec(struct pgconn *c, const char *sql, const struct pgargs *a,
		PGresult **out)
{
	PGresult *res = PQexecParams(c->db, sql, a ? a->n : 0, NULL,
				     a ? a->v : NULL, a ? a->len : NULL,
				     a ? a->fmt : NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	int r;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (out)
			*out = res;
		else
			PQclear(res);
		return 0;
	}
	r = pg_result_err(c, res, sql);
	PQclear(res);
	return r;
}

int pg_copy_read(struct store *base, struct arena *ar,
		 const struct copy_table *t, const struct copy_cell *after,
		 size_t limit, struct copy_cell **rows, size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	const char *sql = copy_sql_select(ar, t, after != NULL, '$');
	struct copy_cell *out = arena_zalloc(ar, limit * t->ncols * sizeof(*out));
	struct pgargs p = { 0 };
	PGresult *res = NULL;
	int i, k, r;

	*rows = out;
	*n = 0;
	if (!c)
		return ERR_DB;
	for (i = 0; after && i < t->nkeys; i++)
		param(&p, t->types[i], &after[i]);
	pa_int(&p, (int64_t)limit);
	if ((r = exec(c, sql, &p, &res)))
		goto out;
	for (k = 0; k < PQntuples(res) && (size_t)k < limit; k++) {
		struct copy_cell *row = out + (size_t)k * t->ncols;

		for (i = 0; i < t->ncols; i++) {
			if (PQgetisnull(res, k, i)) {
				row[i].kind = CELL_NULL;
			} else if (t->types[i] == 'i') {
				row[i].kind = CELL_INT;
				row[i].i = strtoll(PQgetvalue(res, k, i), NULL, 10);
			} else if (t->types[i] == 'b') {
				row[i].kind = CELL_BYTES;
				row[i].p = pg_bytes(ar, res, k, i, &row[i].len);
			} else {
				char *v = arena_alloc(ar, (size_t)PQgetlength(res, k, i) + 1);

				memcpy(v, PQgetvalue(res, k, i),
				       (size_t)PQgetlength(res, k, i) + 1);
				row[i].kind = CELL_BYTES;
				row[i].p = v;
				row[i].len = (size_t)PQgetlength(res, k, i);
			}
		}
	}
	*n = (size_t)k;
out:
	PQclear(res);
	pg_conn_put(s, c);
	return r;
}

int pg_copy_write(struct store *base, const struct copy_table *t,
		  const struct copy_cell *rows, size_t n, enum copy_mode mode)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct arena *a = arena_new(4096);
	const char *sql = copy_sql_write(a, t, mode, '$');
	size_t k;
	int i, r;

	if (!c) {
		arena_free(a);
		return ERR_DB;
	}
	r = pg_exec(c, "BEGIN");
	for (k = 0; k < n && !r; k++) {
		struct pgargs p = { 0 };

		for (i = 0; i < t->ncols; i++)
			param(&p, t->types[i], &rows[k * t->ncols + i]);
		r = exec(c, sql, &p, NULL);
	}
	if (!r)
		c->wrote = true;
	r = pg_txn_end(c, r);
	pg_conn_put(s, c);
	arena_free(a);
	return r;
}

int pg_copy_count(struct store *base, const struct copy_table *t, int64_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	char sql[128];
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t->name);
	if (!(r = exec(c, sql, NULL, &res))) {
		*n = pg_int(res, 0, 0);
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_copy_done(struct store *base)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	char sql[256];
	size_t i;
	int r;

	if (!c)
		return ERR_DB;
	r = pg_exec(c, "BEGIN");
	for (i = 0; !r && i < sizeof(identity_tables) / sizeof(*identity_tables);
	     i++) {
		snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence("
			 "'%s', 'id'), max(id)) FROM %s HAVING max(id) IS NOT"
			 " NULL", identity_tables[i], identity_tables[i]);
		r = exec(c, sql, NULL, NULL);
	}
	if (!r)
		r = pg_content_bump(s, c);
	r = pg_txn_end(c, r);
	pg_conn_put(s, c);
	return r;
}
