/*
 * db_pg.c - PostgreSQL's half of the store's driver (db.h): connections
 * from pg_pool.c (reads of public content may go to a replica), each
 * statement prepared on a connection the first time it runs there
 * (named "q<slot>"), parameters passed as text apart from the SQL, the
 * whole result read at once and stepped through client-side.
 *
 * A read on a replica that goes away is run again on the primary: the
 * connection trades places with a primary one (pg_conn_failover()), and
 * the caller never sees it.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "pg_int.h"

static struct dbc *pgd_get(struct store *s, enum db_use use)
{
	struct pgconn *c = use == DB_READ ? pg_conn_read(PG(s)) :
					    pg_conn_get(PG(s));

	return c ? &c->base : NULL;
}

static void pgd_put(struct dbc *c)
{
	pg_conn_put(PG(c->store), (struct pgconn *)c);
}

static int pgd_exec(struct dbc *dc, const char *sql)
{
	struct pgconn *c = (struct pgconn *)dc;

	if (!strcmp(sql, "ROLLBACK") &&
	    PQtransactionStatus(c->db) == PQTRANS_IDLE)
		return 0;
	return pg_exec(c, sql);
}

bool pg_prepared(const struct pgconn *c, int slot)
{
	return c->qprep[slot / 8] & (1u << (slot % 8));
}

void pg_set_prepared(struct pgconn *c, int slot)
{
	c->qprep[slot / 8] |= (unsigned char)(1u << (slot % 8));
}

void pg_note_write(struct pgconn *c, PGresult *res)
{
	/* Rows changed: with replicas, pg_conn_put() notes the position. */
	if (!strncmp(PQcmdStatus(res), "INSERT", 6) ||
	    !strncmp(PQcmdStatus(res), "UPDATE", 6) ||
	    !strncmp(PQcmdStatus(res), "DELETE", 6))
		c->wrote = true;
}

int pg_args(struct pgargs *a, const struct dbv *v, size_t n)
{
	size_t i;

	if (n > PG_MAXARGS)
		return ERR_INVALID;
	a->n = (int)n;
	for (i = 0; i < n; i++) {
		a->len[i] = 0;
		a->fmt[i] = 0;
		if (v[i].type == 'i') {
			snprintf(a->num[i], sizeof(a->num[i]), "%lld",
				 (long long)v[i].i);
			a->v[i] = a->num[i];
		} else if (v[i].type == 'b') {
			a->v[i] = v[i].p;
			a->len[i] = (int)v[i].len;
			a->fmt[i] = 1;
		} else {
			a->v[i] = v[i].type == 't' ? v[i].p : NULL;
		}
	}
	return 0;
}

static int run_once(struct pgconn *c, int slot, const char *sql,
		    const struct pgargs *a, PGresult **out)
{
	char name[16];
	PGresult *res;
	ExecStatusType rs;
	int r;

	snprintf(name, sizeof(name), "q%d", slot);
	if (!slot) {
		/* A one-off: the unnamed statement, parsed with its run. */
		res = PQexecParams(c->db, sql, a->n, NULL, a->v, a->len, a->fmt,
				   0);
	} else if (!pg_prepared(c, slot)) {
		res = PQprepare(c->db, name, sql, 0, NULL);
		r = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 :
			pg_result_err(c, res, sql);
		PQclear(res);
		if (r)
			return r;
		pg_set_prepared(c, slot);
	}
	if (slot)
		res = PQexecPrepared(c->db, name, a->n, a->v, a->len, a->fmt,
				     0);
	rs = PQresultStatus(res);
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
		r = pg_result_err(c, res, sql);
		PQclear(res);
		return r;
	}
	pg_note_write(c, res);
	*out = res;
	return 0;
}

static int pgd_run(struct dbs *st, int slot, const char *sql,
		   const struct dbv *v, size_t n)
{
	struct pgconn *c = (struct pgconn *)st->c;
	struct pgargs a;
	PGresult *res = NULL;
	int r;

	if ((r = pg_args(&a, v, n)))
		return r;
	r = run_once(c, slot, sql, &a, &res);
	if (r && c->broken && pg_conn_failover(c))
		r = run_once(c, slot, sql, &a, &res);
	if (r)
		return r;
	st->h = res;
	st->nrows = PQntuples(res);
	st->changes = strtoll(PQcmdTuples(res), NULL, 10);
	return 0;
}

static int pgd_step(struct dbs *st)
{
	return ++st->row < st->nrows ? 1 : 0;
}

static void pgd_release(struct dbs *st)
{
	PQclear(st->h);
	st->h = NULL;
}

static const char *pgd_column(struct dbs *st, int col, size_t *len)
{
	if (PQgetisnull(st->h, st->row, col))
		return NULL;
	*len = (size_t)PQgetlength(st->h, st->row, col);
	return PQgetvalue(st->h, st->row, col);
}

static int64_t pgd_column_int(struct dbs *st, int col)
{
	const char *s = PQgetvalue(st->h, st->row, col);

	/* Booleans read as 1 and 0, like SQLite's. */
	if (*s == 't' || *s == 'f')
		return *s == 't';
	return strtoll(s, NULL, 10);
}

static void *pgd_blob(struct dbs *st, struct arena *a, int col, size_t *len)
{
	return pg_bytes(a, st->h, st->row, col, len);
}

static int pgd_content_bump(struct dbc *c)
{
	return pg_content_bump(PG(c->store), (struct pgconn *)c);
}

static bool pgd_fk_failed(const struct dbc *c)
{
	return pg_fk_violation((const struct pgconn *)c);
}

const struct db_driver db_pg = {
	.name = "postgres",
	.mark = '$',
	.get = pgd_get,
	.put = pgd_put,
	.exec = pgd_exec,
	.run = pgd_run,
	.step = pgd_step,
	.release = pgd_release,
	.finalize = pgd_release,
	.column = pgd_column,
	.column_int = pgd_column_int,
	.blob = pgd_blob,
	.content_bump = pgd_content_bump,
	.fk_failed = pgd_fk_failed,
};
