/*
 * sqlite_copy.c - the SQLite side of `dateline copy`: rows of a table in
 * key order, and batches of rows written in one transaction.
 */
#include "sqlite_int.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store_int.h"

/* @len bytes into the arena, NUL-terminated (text cells stay C strings). */
static const void *keep(struct arena *a, const void *p, size_t len)
{
	char *d = arena_alloc(a, len + 1);

	if (len)
		memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

static void bind_cell(sqlite3_stmt *st, int i, char type,
		      const struct copy_cell *c)
{
	if (c->kind == CELL_NULL)
		sqlite3_bind_null(st, i);
	else if (c->kind == CELL_INT)
		sqlite3_bind_int64(st, i, c->i);
	else if (type == 'b')
		sqlite3_bind_blob64(st, i, c->p, c->len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_text64(st, i, c->p, c->len, SQLITE_TRANSIENT,
				    SQLITE_UTF8);
}

int sq_copy_read(struct store *base, struct arena *ar,
		 const struct copy_table *t, const struct copy_cell *after,
		 size_t limit, struct copy_cell **rows, size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	const char *sql = copy_sql_select(ar, t, after != NULL, '?');
	struct copy_cell *out = arena_zalloc(ar, limit * t->ncols * sizeof(*out));
	sqlite3_stmt *st = NULL;
	size_t got = 0;
	int i, rc, r = 0;

	if (!c)
		return ERR_DB;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		r = sq_db_err(c->db, sql);
		goto out;
	}
	for (i = 0; after && i < t->nkeys; i++)
		bind_cell(st, i + 1, t->types[i], &after[i]);
	sqlite3_bind_int64(st, (after ? t->nkeys : 0) + 1, (sqlite3_int64)limit);
	while (got < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct copy_cell *row = out + got * t->ncols;

		for (i = 0; i < t->ncols; i++) {
			if (sqlite3_column_type(st, i) == SQLITE_NULL) {
				row[i].kind = CELL_NULL;
			} else if (t->types[i] == 'i') {
				row[i].kind = CELL_INT;
				row[i].i = sqlite3_column_int64(st, i);
			} else {
				const void *p = t->types[i] == 'b' ?
					sqlite3_column_blob(st, i) :
					(const void *)sqlite3_column_text(st, i);

				row[i].kind = CELL_BYTES;
				row[i].len = (size_t)sqlite3_column_bytes(st, i);
				row[i].p = keep(ar, p, row[i].len);
			}
		}
		got++;
	}
	if (got < limit && rc != SQLITE_DONE)
		r = sq_db_err(c->db, sql);
out:
	sqlite3_finalize(st);
	sq_conn_put(s, c);
	*rows = out;
	*n = r ? 0 : got;
	return r;
}

int sq_copy_write(struct store *base, const struct copy_table *t,
		  const struct copy_cell *rows, size_t n, enum copy_mode mode)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	struct arena *a = arena_new(4096);
	const char *sql = copy_sql_write(a, t, mode, '?');
	sqlite3_stmt *st = NULL;
	size_t k;
	int i, r;

	if (!c) {
		arena_free(a);
		return ERR_DB;
	}
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		r = sq_db_err(c->db, sql);
		goto out;
	}
	for (k = 0; k < n && !r; k++) {
		for (i = 0; i < t->ncols; i++)
			bind_cell(st, i + 1, t->types[i], &rows[k * t->ncols + i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = sq_db_err(c->db, t->name);
		sqlite3_reset(st);
	}
out:
	sqlite3_finalize(st);
	if (!r)
		r = sq_exec(c, "COMMIT");
	if (r && !sqlite3_get_autocommit(c->db))
		sq_exec(c, "ROLLBACK");
	sq_conn_put(s, c);
	arena_free(a);
	return r;
}

int sq_copy_count(struct store *base, const struct copy_table *t, int64_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	struct arena *a = arena_new(1024);
	const char *sql = arena_printf(a, "SELECT count(*) FROM %s", t->name);
	sqlite3_stmt *st = NULL;
	int r = 0;

	if (!c) {
		arena_free(a);
		return ERR_DB;
	}
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		r = sq_db_err(c->db, sql);
	else
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sq_conn_put(s, c);
	arena_free(a);
	return r;
}

int sq_copy_done(struct store *base)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = sq_content_bump(c);
	sq_conn_put(s, c);
	return r;
}
