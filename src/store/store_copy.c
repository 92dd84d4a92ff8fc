/*
 * store_copy.c - the SQL of `dateline copy`, the same for both backends.
 *
 * Table and column names come from the fixed list in cli_copy.c; values
 * are always parameters.  Parameter i (1-based) is column i of the table
 * in every write statement, whatever its place in the SQL, so a row binds
 * the same way for every mode: "?i" on SQLite, "$i" on PostgreSQL.
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "store_int.h"

static void names(struct buf *b, const struct copy_table *t, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		buf_printf(b, "%s%s", i > from ? ", " : "", t->cols[i]);
}

const char *copy_sql_select(struct arena *a, const struct copy_table *t,
			    bool after, char mark)
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
			buf_printf(&b, "%s%c%d", i ? ", " : "", mark, i + 1);
		buf_adds(&b, ")");
	}
	buf_adds(&b, " ORDER BY ");
	names(&b, t, 0, t->nkeys);
	buf_printf(&b, " LIMIT %c%d", mark, (after ? t->nkeys : 0) + 1);
	return b.data;
}

const char *copy_sql_write(struct arena *a, const struct copy_table *t,
			   enum copy_mode mode, char mark)
{
	struct buf b;
	int i;

	buf_init(&b, a, 4096);
	if (mode == COPY_UPDATE) {
		buf_printf(&b, "UPDATE %s SET ", t->name);
		for (i = t->nkeys; i < t->ncols; i++)
			buf_printf(&b, "%s%s = %c%d", i > t->nkeys ? ", " : "",
				   t->cols[i], mark, i + 1);
		buf_adds(&b, " WHERE ");
		for (i = 0; i < t->nkeys; i++)
			buf_printf(&b, "%s%s = %c%d", i ? " AND " : "",
				   t->cols[i], mark, i + 1);
		return b.data;
	}
	buf_printf(&b, "INSERT INTO %s (", t->name);
	names(&b, t, 0, t->ncols);
	buf_adds(&b, ") VALUES (");
	for (i = 0; i < t->ncols; i++)
		buf_printf(&b, "%s%c%d", i ? ", " : "", mark, i + 1);
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
