/*
 * pg_pipe.c - libpq pipeline mode for the PostgreSQL backend: several
 * statements sent without waiting for each answer, read back together at
 * a sync point, so that a batch of statements costs one round trip to the
 * server instead of one each.
 *
 * A statement is prepared on its connection the first time it is sent
 * (the Prepare message goes into the same pipeline, just before it), and
 * marked prepared only once the server has answered the Prepare.  When a
 * statement fails, the server skips the rest of the pipeline up to the
 * sync (PGRES_PIPELINE_ABORTED); pg_pipe_sync() reports the first failure
 * the way the driver does (pg_result_err()).  The connection stays in
 * blocking mode: pipelines here are a few statements with parameters of
 * tens of kilobytes at most, which the socket buffers hold.
 */
#include "pg_int.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"

int pg_pipe_begin(struct pgpipe *p, struct pgconn *c)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	if (PQenterPipelineMode(c->db) != 1) {
		log_err("postgres: cannot enter pipeline mode: %s",
			PQerrorMessage(c->db));
		c->broken = true;
		return ERR_DB;
	}
	return 0;
}

/* Note a failure to send (the first one is kept); the connection is bad. */
static int send_failed(struct pgpipe *p, const char *what)
{
	if (!p->err) {
		log_err("postgres: cannot send %s: %s", what,
			PQerrorMessage(p->c->db));
		p->c->broken = true;
		p->err = ERR_DB;
	}
	return p->err;
}

int pg_pipe_send(struct pgpipe *p, struct dbq *q, const struct dbv *v,
		 size_t n)
{
	struct pgconn *c = p->c;
	struct pgpipe_item *it;
	struct pgargs a;
	char name[16];
	int i;

	if (p->err)
		return p->err;
	if (p->n == PG_PIPE_MAX || pg_args(&a, v, n)) {
		log_err("postgres: a pipeline of more than %d statements, or"
			" of more than %d parameters", PG_PIPE_MAX, PG_MAXARGS);
		return p->err = ERR_INVALID;
	}
	it = &p->items[p->n];
	memset(it, 0, sizeof(*it));
	it->q = q;
	it->slot = db_slot(q);
	it->sql = q->pg;
	snprintf(name, sizeof(name), "q%d", it->slot);
	/* Not prepared yet, nor earlier in this pipeline. */
	it->prepare = !pg_prepared(c, it->slot);
	for (i = 0; i < p->n && it->prepare; i++)
		if (p->items[i].q == q && p->items[i].prepare)
			it->prepare = false;
	if (it->prepare && PQsendPrepare(c->db, name, it->sql, 0, NULL) != 1)
		return send_failed(p, it->sql);
	if (PQsendQueryPrepared(c->db, name, a.n, a.v, a.len, a.fmt, 0) != 1)
		return send_failed(p, it->sql);
	p->n++;
	return 0;
}

PGresult *pg_pipe_result(struct pgpipe *p, const struct dbq *q)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->items[i].q == q)
			return p->items[i].res;
	return NULL;
}

int pg_pipe_send_plain(struct pgpipe *p, const char *sql)
{
	struct pgpipe_item *it;

	if (p->err)
		return p->err;
	if (p->n == PG_PIPE_MAX)
		return p->err = ERR_INVALID;
	it = &p->items[p->n];
	memset(it, 0, sizeof(*it));
	it->sql = sql;
	if (PQsendQueryParams(p->c->db, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
		return send_failed(p, sql);
	p->n++;
	return 0;
}

/*
 * The next result of the pipeline, skipping the NULL that ends each
 * statement's results; NULL when the connection gave out.
 */
static PGresult *next_result(struct pgpipe *p)
{
	PGresult *res;
	int nulls;

	for (nulls = 0; nulls < 2; nulls++) {
		if ((res = PQgetResult(p->c->db)))
			return res;
		if (PQstatus(p->c->db) != CONNECTION_OK)
			break;
	}
	return NULL;
}

/* Keep the first failure, as the driver would report it. */
static void failed(struct pgpipe *p, PGresult *res, const char *what)
{
	if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
		if (!p->err)
			p->err = ERR_DB;	/* cannot happen first */
		return;
	}
	if (!p->err)
		p->err = pg_result_err(p->c, res, what);
}

int pg_pipe_sync(struct pgpipe *p)
{
	struct pgconn *c = p->c;
	PGresult *res;
	int i;

	if (PQpipelineSync(c->db) != 1)
		send_failed(p, "a pipeline sync");
	if (p->err && c->broken)
		goto out;
	for (i = 0; i < p->n; i++) {
		struct pgpipe_item *it = &p->items[i];
		ExecStatusType st;

		if (it->prepare) {
			if (!(res = next_result(p)))
				goto lost;
			if (PQresultStatus(res) == PGRES_COMMAND_OK)
				pg_set_prepared(c, it->slot);
			else if (PQresultStatus(res) != PGRES_COMMAND_OK)
				failed(p, res, it->sql);
			PQclear(res);
		}
		if (!(res = next_result(p)))
			goto lost;
		st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			pg_note_write(c, res);
			it->res = res;
			continue;
		}
		failed(p, res, it->sql);
		PQclear(res);
	}
	/* The sync point itself. */
	if (!(res = next_result(p)))
		goto lost;
	if (PQresultStatus(res) != PGRES_PIPELINE_SYNC)
		failed(p, res, "a pipeline sync");
	PQclear(res);
	goto out;
lost:
	if (!p->err) {
		log_err("postgres: connection lost in a pipeline: %s",
			PQerrorMessage(c->db));
		p->err = ERR_DB;
	}
	c->broken = true;
out:
	return p->err;
}

void pg_pipe_clear(struct pgpipe *p)
{
	int i;

	for (i = 0; i < p->n; i++) {
		PQclear(p->items[i].res);
		p->items[i].res = NULL;
	}
	p->n = 0;
}

int pg_pipe_end(struct pgpipe *p)
{
	pg_pipe_clear(p);
	if (!p->c->broken && PQexitPipelineMode(p->c->db) != 1) {
		log_err("postgres: cannot leave pipeline mode: %s",
			PQerrorMessage(p->c->db));
		p->c->broken = true;
		if (!p->err)
			p->err = ERR_DB;
	}
	return p->err;
}
