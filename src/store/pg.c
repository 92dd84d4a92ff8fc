/*
 * pg.c - the PostgreSQL backend of store.h (libpq).
 *
 * A small pool of connections; each connection prepares a statement the
 * first time it runs it and keeps it for its life.  Parameters always
 * travel apart from the SQL (PQexecPrepared), as text, or as bytes for
 * bytea.  A connection that fails is closed instead of pooled, and the
 * next request opens a new one, so the nodes reconnect by themselves after
 * a database restart.  A separate "watch" connection polls the content
 * version (meta table), like the SQLite backend, so page caches follow
 * writes made by other nodes and by the CLI.
 *
 * Migrations are in store_schema.c, events between nodes in pg_notify.c.
 */
#include "pg_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"

/* Not prepared: it fails before migration 002 (see content_version()). */
static const char sql_version[] =
	"SELECT value::bigint FROM meta WHERE key = 'content_version'";

/* Server notices ("relation already exists, skipping") are not errors. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Open a connection to @url; NULL with a reason in @err. */
PGconn *pg_connect(const char *url, char *err, size_t errlen)
{
	/*
	 * Bounded waits when the server goes away: 5 s to connect, and a dead
	 * peer (host gone, network cut) is noticed by TCP keepalives and the
	 * unacknowledged-data timeout within about 15 s instead of hanging a
	 * worker for minutes.  A restarting server closes its connections, so
	 * that case fails at once.  Later keys override what the URL says.
	 */
	static const char *const keys[] = {
		"dbname", "connect_timeout", "application_name", "keepalives",
		"keepalives_idle", "keepalives_interval", "keepalives_count",
		"tcp_user_timeout", NULL,
	};
	const char *vals[] = { url, "5", "dateline", "1", "10", "2", "3",
			       "15000", NULL };
	PGconn *db = PQconnectdbParams(keys, vals, 1);
	size_t n;

	if (db && PQstatus(db) == CONNECTION_OK) {
		PQsetNoticeProcessor(db, quiet, NULL);
		return db;
	}
	snprintf(err, errlen, "cannot connect to PostgreSQL: %s",
		 db ? PQerrorMessage(db) : "out of memory");
	n = strlen(err);
	while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
	PQfinish(db);
	return NULL;
}

/* See pg_int.h. */
int pg_result_err(struct pgconn *c, PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
	if (PQstatus(c->db) != CONNECTION_OK || !state) {
		c->broken = true;
		log_err("postgres: %s: %s", what, PQerrorMessage(c->db));
		return ERR_DB;
	}
	if (!strcmp(state, "23505") || !strcmp(state, "23503"))
		return ERR_CONFLICT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
	    !strcmp(state, "55P03")) {
		log_warn("postgres busy during %s (%s)", what, state);
		return ERR_BUSY;
	}
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		c->broken = true;	/* connection or server going away */
	log_err("postgres: %s: %s", what, PQresultErrorMessage(res));
	return ERR_DB;
}

bool pg_fk_violation(const struct pgconn *c)
{
	return !strcmp(c->sqlstate, "23503");
}

int pg_exec(struct pgconn *c, const char *sql)
{
	PGresult *res = PQexec(c->db, sql);
	ExecStatusType st = PQresultStatus(res);
	int r = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		r = pg_result_err(c, res, sql);
	PQclear(res);
	return r;
}

int64_t pg_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void *pg_bytes(struct arena *ar, const PGresult *r, int row, int col,
	       size_t *len)
{
	unsigned char *raw;
	void *p;

	*len = 0;
	raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col),
			      len);
	if (!raw)
		return NULL;
	p = arena_alloc(ar, *len ? *len : 1);
	memcpy(p, raw, *len);
	PQfreemem(raw);
	return p;
}

static void pg_close(struct store *base)
{
	struct pg_store *s = PG(base);

	pg_notify_close(s);
	pg_pool_close(s);
	pg_conn_free(s->watch);
	free(s);
}

/*
 * The meta table's content version; quietly an error before migration 002
 * (so not a prepared statement: it could not be prepared then).
 */
static int content_version(struct pgconn *c, int64_t *out)
{
	PGresult *res = PQexec(c->db, sql_version);
	int r = ERR_NOTFOUND;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		*out = pg_int(res, 0, 0);
		r = 0;
	} else if (PQstatus(c->db) != CONNECTION_OK) {
		c->broken = true;
		r = ERR_DB;
	}
	PQclear(res);
	return r;
}

/* The version, read on the watch connection (opened again when lost). */
static int pg_content_version(struct store *base, int64_t *out)
{
	struct pg_store *s = PG(base);
	char err[512];

	if (s->watch && s->watch->broken) {
		pg_conn_free(s->watch);
		s->watch = NULL;
	}
	if (!s->watch) {
		PGconn *db = pg_connect(s->url, err, sizeof(err));

		if (!db)
			return ERR_DB;
		s->watch = xcalloc(1, sizeof(*s->watch));
		s->watch->db = db;
	}
	return content_version(s->watch, out);
}

/* Caches refill from replicas that have the change. */
static void pg_moved(struct store *base)
{
	struct pg_store *s = PG(base);

	if (s->nreplicas)
		pg_lsn_raise(&s->content_lsn, pg_wal_position(s->watch->db));
}

static struct dbq q_bump = DBQ_PG(
	"UPDATE meta SET value = (value::bigint + 1)::text"
	" WHERE key = 'content_version'");

int pg_content_bump(struct pg_store *s, struct pgconn *c)
{
	int r = db_done(db_query0(&c->base, &q_bump));

	c->bumped = true;
	return r ? r : pg_notify_content(s, c);
}

static void pg_replicas(struct store *base, char *detail, size_t len)
{
	struct pg_store *s = PG(base);
	size_t used = 0;
	int i;

	for (i = 0; i < s->nreplicas && used < len; i++)
		used += (size_t)snprintf(detail + used, len - used,
			"replica %s %s\n", s->replicas[i].name,
			atomic_load(&s->replicas[i].usable) ? "usable" :
			"left out");
}

static const struct store_ops pg_ops = {
	.name = "postgres",
	.close = pg_close,
	.content_version = pg_content_version,
	.moved = pg_moved,
	.replicas = pg_replicas,
	.reactions_apply = pg_reactions_apply,
	.watch_reactions = pg_watch_reactions,
	.comment_announce = pg_comment_announce,
	.watch_comments = pg_watch_comments,
	.rate_take = pg_rate_take,
	.add_replica = pg_add_replica,
	.write_position = pg_write_position,
	.replica_lag = pg_replica_lag,
};

int store_open_pg(const char *url, struct store **out, char *err,
		  size_t errlen)
{
	struct pg_store *s;
	PGconn *db;

	s = xcalloc(1, sizeof(*s));
	store_init(&s->base, &pg_ops, &db_pg);
	pg_pool_init(s, url);
	pg_notify_init(s);
	/* Connect once now so a bad URL fails here, clearly. */
	if (!(db = pg_connect(url, err, errlen))) {
		pg_close(&s->base);
		return ERR_IO;
	}
	pg_pool_adopt(s, db);
	s->watch = xcalloc(1, sizeof(*s->watch));
	if (!(s->watch->db = pg_connect(url, err, errlen))) {
		pg_close(&s->base);
		return ERR_IO;
	}
	*out = &s->base;
	return 0;
}
