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
 * the way pg_run() does (pg_result_err()).  The connection stays in
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

int pg_pipe_send(struct pgpipe *p, enum pst_id id, const char *sql,
		 const struct pgargs *a)
{
	struct pgconn *c = p->c;
	struct pgpipe_item *it;
	char name[16];
	bool prepare;
	int i;

	if (p->err)
		return p->err;
	if (p->n == PG_PIPE_MAX) {
		log_err("postgres: more than %d statements in one pipeline",
			PG_PIPE_MAX);
		return p->err = ERR_INVALID;
	}
	it = &p->items[p->n];
	memset(it, 0, sizeof(*it));
	it->id = id;
	it->sql = sql;
	snprintf(name, sizeof(name), "d%d", (int)id);
	/* Not prepared yet, nor earlier in this pipeline. */
	prepare = !c->prepared[id];
	for (i = 0; i < p->n && prepare; i++)
		if (p->items[i].id == (int)id && p->items[i].prepare)
			prepare = false;
	if (prepare) {
		if (PQsendPrepare(c->db, name, sql, 0, NULL) != 1)
			return send_failed(p, sql);
		it->prepare = true;
	}
	if (PQsendQueryPrepared(c->db, name, a ? a->n : 0, a ? a->v : NULL,
				a ? a->len : NULL, a ? a->fmt : NULL, 0) != 1)
		return send_failed(p, sql);
	p->n++;
	return 0;
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
	it->id = -1;
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

/* Keep the first failure, as pg_run() would report it. */
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
			if (PQresultStatus(res) == PGRES_COMMAND_OK &&
			    it->id >= 0)
				c->prepared[it->id] = true;
			else if (PQresultStatus(res) != PGRES_COMMAND_OK)
				failed(p, res, it->sql);
			PQclear(res);
		}
		if (!(res = next_result(p)))
			goto lost;
		st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			/* Rows changed: as in pg_run(), for the replicas. */
			if (!strncmp(PQcmdStatus(res), "INSERT", 6) ||
			    !strncmp(PQcmdStatus(res), "UPDATE", 6) ||
			    !strncmp(PQcmdStatus(res), "DELETE", 6))
				c->wrote = true;
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
