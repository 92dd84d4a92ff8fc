/*
 * store_copy.c - `dateline copy`, written once over the driver (db.h):
 * rows of a table in key order, batches of rows written in one
 * transaction, and at the end (PostgreSQL) identity sequences moved past
 * the copied ids.
 *
 * Table and column names come from the fixed list in cli_copy.c; values
 * are always parameters.  Parameter i (1-based) is column i of the table
 * in every write statement, whatever its place in the SQL, so a row binds
 * the same way for every mode.  The statements are built per table at run
 * time, so they run as one-offs (db_query_sql()).
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "db.h"
#include "store_int.h"

/* The tables whose "id" is an identity column (PostgreSQL). */
static const char *const identity_tables[] = {
	"accounts", "articles", "tags", "revisions", "comments", "outbox",
	"pages", "corrections",
};

static void names(struct buf *b, const struct copy_table *t, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		buf_printf(b, "%s%s", i > from ? ", " : "", t->cols[i]);
}

/* A keyset SELECT (after the key: parameters 1..nkeys, then the limit). */
static const char *sql_select(struct arena *a, const struct copy_table *t,
			      bool after)
{
	struct buf b;
	int i;

	buf_init(&b, a, 4096);
	buf_adds(&b, "SELECT ");
	names(&b, t, 0, t->ncols);
	buf_printf(&b, " FROM %s", t->name);
	if (after) {
		buf_adds(&b, " WHERE (");
		names(&b, t, 0, t->nkeys);
		buf_adds(&b, ") > (");
		for (i = 0; i < t->nkeys; i++)
			buf_printf(&b, "%s%c%d", i ? ", " : "", '?', i + 1);
		buf_adds(&b, ")");
	}
	buf_adds(&b, " ORDER BY ");
	names(&b, t, 0, t->nkeys);
	buf_printf(&b, " LIMIT %c%d", '?', (after ? t->nkeys : 0) + 1);
	return b.data;
}

/* The write of one row for @mode (parameter i = column i). */
static const char *sql_write(struct arena *a, const struct copy_table *t,
			     enum copy_mode mode)
{
	struct buf b;
	int i;

	buf_init(&b, a, 4096);
	if (mode == COPY_UPDATE) {
		buf_printf(&b, "UPDATE %s SET ", t->name);
		for (i = t->nkeys; i < t->ncols; i++)
			buf_printf(&b, "%s%s = %c%d", i > t->nkeys ? ", " : "",
				   t->cols[i], '?', i + 1);
		buf_adds(&b, " WHERE ");
		for (i = 0; i < t->nkeys; i++)
			buf_printf(&b, "%s%s = %c%d", i ? " AND " : "",
				   t->cols[i], '?', i + 1);
		return b.data;
	}
	buf_printf(&b, "INSERT INTO %s (", t->name);
	names(&b, t, 0, t->ncols);
	buf_adds(&b, ") VALUES (");
	for (i = 0; i < t->ncols; i++)
		buf_printf(&b, "%s%c%d", i ? ", " : "", '?', i + 1);
	buf_adds(&b, ") ON CONFLICT ");
	if (mode == COPY_KEEP || t->nkeys == t->ncols) {
		buf_adds(&b, "DO NOTHING");
		return b.data;
	}
	buf_adds(&b, "(");
	names(&b, t, 0, t->nkeys);
	buf_adds(&b, ") DO UPDATE SET ");
	for (i = t->nkeys; i < t->ncols; i++)
		buf_printf(&b, "%s%s = excluded.%s", i > t->nkeys ? ", " : "",
			   t->cols[i], t->cols[i]);
	return b.data;
}

/* Cell @c of a column typed @type as a parameter. */
static struct dbv param(char type, const struct copy_cell *c)
{
	if (c->kind == CELL_NULL)
		return DB_NULL;
	if (c->kind == CELL_INT)
		return DB_I(c->i);
	if (type == 'b')
		return DB_B(c->p, c->len);
	return DB_T(c->p);	/* text cells are NUL-terminated */
}

/* Column @i of the row of @st as a cell of type @type (arena). */
static void read_cell(struct dbs *st, struct arena *ar, int i, char type,
		      struct copy_cell *cell)
{
	if (db_is_null(st, i)) {
		cell->kind = CELL_NULL;
	} else if (type == 'i') {
		cell->kind = CELL_INT;
		cell->i = db_int(st, i);
	} else if (type == 'b') {
		cell->kind = CELL_BYTES;
		cell->p = db_blob(st, ar, i, &cell->len);
	} else {
		cell->kind = CELL_BYTES;
		cell->p = db_text(st, ar, i);
		cell->len = strlen(cell->p);
	}
}

int store_copy_read(struct store *s, struct arena *ar,
		    const struct copy_table *t, const struct copy_cell *after,
		    size_t limit, struct copy_cell **rows, size_t *n)
{
	struct dbv v[COPY_MAX_COLS + 1];
	struct copy_cell *out;
	struct dbc *c;
	struct dbs *st;
	size_t got = 0;
	int i, nv = 0, r;

	*rows = NULL;
	*n = 0;
	if (!limit || t->nkeys < 1 || t->nkeys > t->ncols ||
	    t->ncols > COPY_MAX_COLS || strlen(t->types) != (size_t)t->ncols)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	out = arena_zalloc(ar, limit * t->ncols * sizeof(*out));
	for (i = 0; after && i < t->nkeys; i++)
		v[nv++] = param(t->types[i], &after[i]);
	v[nv++] = DB_I((int64_t)limit);
	st = db_query_sql(c, sql_select(ar, t, after != NULL), v, nv);
	while (got < limit && (r = db_step(st)) == 1) {
		for (i = 0; i < t->ncols; i++)
			read_cell(st, ar, i, t->types[i],
				  &out[got * t->ncols + i]);
		got++;
	}
	r = db_failed(c);
	db_put(c);
	*rows = out;
	*n = r ? 0 : got;
	return r;
}

int store_copy_write(struct store *s, const struct copy_table *t,
		     const struct copy_cell *rows, size_t n,
		     enum copy_mode mode)
{
	struct dbv v[COPY_MAX_COLS];
	struct arena *a;
	const char *sql;
	struct dbc *c;
	size_t k;
	int i, r;

	if (!n)
		return 0;
	if ((mode == COPY_UPDATE && t->nkeys >= t->ncols) ||
	    t->ncols > COPY_MAX_COLS || strlen(t->types) != (size_t)t->ncols)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	a = arena_new(4096);
	sql = sql_write(a, t, mode);
	db_begin(c);
	for (k = 0; k < n && !db_failed(c); k++) {
		for (i = 0; i < t->ncols; i++)
			v[i] = param(t->types[i], &rows[k * t->ncols + i]);
		db_done(db_query_sql(c, sql, v, t->ncols));
	}
	r = db_end(c, 0);
	db_put(c);
	arena_free(a);
	return r;
}

int store_copy_count(struct store *s, const struct copy_table *t, int64_t *n)
{
	struct dbc *c = db_get(s, DB_WRITE);
	struct arena *a;
	struct dbs *st;
	int r;

	a = arena_new(1024);
	st = db_query_sql(c, arena_printf(a, "SELECT count(*) FROM %s",
					  t->name), NULL, 0);
	if (!(r = db_row(st)))
		*n = db_int(st, 0);
	db_put(c);
	arena_free(a);
	return r;
}

int store_copy_done(struct store *s)
{
	struct dbc *c = db_get(s, DB_WRITE);
	char sql[256];
	size_t i;
	int r;

	db_begin(c);
	for (i = 0; db_is_pg(c) &&
	     i < sizeof(identity_tables) / sizeof(*identity_tables); i++) {
		snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence("
			 "'%s', 'id'), max(id)) FROM %s HAVING max(id) IS NOT"
			 " NULL", identity_tables[i], identity_tables[i]);
		db_done(db_query_sql(c, sql, NULL, 0));
	}
	db_content_bump(c);
	r = db_end(c, 0);
	db_put(c);
	return r;
}
