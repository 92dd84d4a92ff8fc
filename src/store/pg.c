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
 * Migrations are in pg_schema.c, events between nodes in pg_notify.c.
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

#define WATCH_INTERVAL_NS (100 * 1000 * 1000LL)

/* Newest first, strictly before the cursor ($2, $3), visible per $4/$5. */
#define LIST_TAIL \
	" AND a.status >= $4::int AND a.published <= $5::bigint" \
	" AND (a.published, a.id) < ($2::bigint, $3::bigint)" \
	" ORDER BY a.published DESC, a.id DESC LIMIT $6::bigint"

static const char *const stmt_sql[PS_CONTENT_VERSION + 1] = {
	[PS_ARTICLE_FIND] = "SELECT id FROM articles WHERE slug = $1 FOR UPDATE",
	[PS_ARTICLE_INSERT] =
		"INSERT INTO articles (slug, headline, summary, dateline, body,"
		" author, section, section_slug, photo_key, caption, credit,"
		" photo_alt, status, published, created, updated, version)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
		" $13, $14, $15, $15, 1) RETURNING id",
	[PS_ARTICLE_UPDATE] =
		"UPDATE articles SET headline = $2, summary = $3, dateline = $4,"
		" body = $5, author = $6, section = $7, section_slug = $8,"
		" photo_key = $9, caption = $10, credit = $11, photo_alt = $12,"
		" status = $13, published = $14, updated = $15,"
		" version = version + 1 WHERE slug = $1 RETURNING id",
	[PS_TAGS_CLEAR] = "DELETE FROM article_tags WHERE article_id = $1",
	[PS_TAG_UPSERT] =
		"INSERT INTO tags (slug, name) VALUES ($1, $2)"
		" ON CONFLICT (slug) DO UPDATE SET name = excluded.name"
		" RETURNING id",
	[PS_ARTICLE_TAG_ADD] =
		"INSERT INTO article_tags (article_id, tag_id, pos)"
		" VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	[PS_ARTICLE_BY_SLUG] =
		"SELECT " PG_ARTICLE_COLS ", a.body" PG_ARTICLE_FROM
		"WHERE a.slug = $1 AND a.status >= $2::int"
		" AND a.published <= $3::bigint",
	[PS_ARTICLE_TAGS] =
		"SELECT t.slug, t.name FROM article_tags x"
		" JOIN tags t ON t.id = x.tag_id WHERE x.article_id = $1"
		" ORDER BY x.pos",
	[PS_LIST_ALL] = "SELECT " PG_ARTICLE_COLS PG_ARTICLE_FROM
		"WHERE $1::text IS NULL" LIST_TAIL,
	[PS_LIST_SECTION] = "SELECT " PG_ARTICLE_COLS PG_ARTICLE_FROM
		"WHERE a.section_slug = $1::text" LIST_TAIL,
	[PS_LIST_TAG] = "SELECT " PG_ARTICLE_COLS
		" FROM article_tags x JOIN tags t ON t.id = x.tag_id"
		" JOIN articles a ON a.id = x.article_id"
		" LEFT JOIN media m ON m.key = a.photo_key"
		" WHERE t.slug = $1::text" LIST_TAIL,
	[PS_LIST_AUTHOR] = "SELECT " PG_ARTICLE_COLS PG_ARTICLE_FROM
		"WHERE a.author = $1::text" LIST_TAIL,
	/* Only names with a public story: drafts must not show through. */
	[PS_SECTION_NAME] =
		"SELECT section FROM articles WHERE section_slug = $1"
		" AND status = 1 AND published <= " PG_NOW " LIMIT 1",
	[PS_TAG_NAME] =
		"SELECT t.name FROM tags t WHERE t.slug = $1 AND EXISTS (SELECT 1"
		" FROM article_tags x JOIN articles a ON a.id = x.article_id"
		" WHERE x.tag_id = t.id AND a.status = 1"
		" AND a.published <= " PG_NOW ")",
	[PS_MEDIA_PUT] =
		"INSERT INTO media (key, type, width, height, data, created)"
		" VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
	[PS_MEDIA_GET] =
		"SELECT type, width, height, data FROM media WHERE key = $1",
	[PS_ARTICLE_COUNT] = "SELECT count(*) FROM articles",
	[PS_SECTIONS] =
		"SELECT section_slug, min(section), count(*) FROM articles"
		" WHERE status = 1 AND published <= $1 AND section_slug <> ''"
		" GROUP BY section_slug ORDER BY count(*) DESC, section_slug"
		" LIMIT 12",
	[PS_CONTENT_BUMP] =
		"UPDATE meta SET value = (value::bigint + 1)::text"
		" WHERE key = 'content_version'",
	[PS_CONTENT_VERSION] =
		"SELECT value::bigint FROM meta WHERE key = 'content_version'",
};

void pa_int(struct pgargs *a, int64_t v)
{
	int i = a->n++;

	snprintf(a->num[i], sizeof(a->num[i]), "%lld", (long long)v);
	a->v[i] = a->num[i];
	a->len[i] = 0;
	a->fmt[i] = 0;
}

void pa_text(struct pgargs *a, const char *s)
{
	int i = a->n++;

	a->v[i] = s;
	a->len[i] = 0;
	a->fmt[i] = 0;
}

void pa_bytes(struct pgargs *a, const void *p, size_t len)
{
	int i = a->n++;

	a->v[i] = p;
	a->len[i] = (int)len;
	a->fmt[i] = 1;
}

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

static int run_once(struct pgconn *c, enum pst_id id, const char *sql,
		    const struct pgargs *a, PGresult **out)
{
	char name[16];
	PGresult *res;
	ExecStatusType st;
	int r = 0;

	if (out)
		*out = NULL;
	snprintf(name, sizeof(name), "d%d", (int)id);
	if (!c->prepared[id]) {
		res = PQprepare(c->db, name, sql, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			r = pg_result_err(c, res, sql);
			PQclear(res);
			return r;
		}
		PQclear(res);
		c->prepared[id] = true;
	}
	res = PQexecPrepared(c->db, name, a ? a->n : 0, a ? a->v : NULL,
			     a ? a->len : NULL, a ? a->fmt : NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		r = pg_result_err(c, res, sql);
		PQclear(res);
		return r;
	}
	/* Rows changed: with replicas, pg_conn_put() notes the position. */
	if (!strncmp(PQcmdStatus(res), "INSERT", 6) ||
	    !strncmp(PQcmdStatus(res), "UPDATE", 6) ||
	    !strncmp(PQcmdStatus(res), "DELETE", 6))
		c->wrote = true;
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

int pg_run(struct pgconn *c, enum pst_id id, const char *sql,
	   const struct pgargs *a, PGresult **out)
{
	int r = run_once(c, id, sql, a, out);

	/* A replica that went away: the read is done on the primary. */
	if (r && c->broken && pg_conn_failover(c))
		r = run_once(c, id, sql, a, out);
	return r;
}

int pg_change(struct pgconn *c, enum pst_id id, const char *sql,
	      const struct pgargs *a)
{
	PGresult *res;
	int r = pg_run(c, id, sql, a, &res);

	if (r)
		return r;
	if (!strcmp(PQcmdTuples(res), "0"))
		r = ERR_NOTFOUND;
	PQclear(res);
	return r;
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

int pg_txn_end(struct pgconn *c, int r)
{
	if (!r)
		r = pg_exec(c, "COMMIT");
	if (r && PQtransactionStatus(c->db) != PQTRANS_IDLE)
		pg_exec(c, "ROLLBACK");
	return r;
}

int64_t pg_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

const char *pg_text(struct arena *ar, const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return arena_strndup(ar, PQgetvalue(r, row, col),
			     (size_t)PQgetlength(r, row, col));
}

const char *pg_text_or_empty(struct arena *ar, const PGresult *r, int row,
			     int col)
{
	const char *t = pg_text(ar, r, row, col);

	return t ? t : "";
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

void pg_read_article(struct arena *ar, const PGresult *r, int row,
		     struct article *a)
{
	memset(a, 0, sizeof(*a));
	a->id = pg_int(r, row, 0);
	a->slug = pg_text_or_empty(ar, r, row, 1);
	a->headline = pg_text_or_empty(ar, r, row, 2);
	a->summary = pg_text_or_empty(ar, r, row, 3);
	a->dateline = pg_text_or_empty(ar, r, row, 4);
	a->author = pg_text_or_empty(ar, r, row, 5);
	a->section = pg_text_or_empty(ar, r, row, 6);
	a->section_slug = pg_text_or_empty(ar, r, row, 7);
	a->photo.key = pg_text(ar, r, row, 8);
	a->photo.type = pg_text(ar, r, row, 9);
	a->photo.width = (int)pg_int(r, row, 10);
	a->photo.height = (int)pg_int(r, row, 11);
	a->caption = pg_text_or_empty(ar, r, row, 12);
	a->credit = pg_text_or_empty(ar, r, row, 13);
	a->photo_alt = pg_text_or_empty(ar, r, row, 14);
	a->status = pg_int(r, row, 15) ? ARTICLE_PUBLISHED : ARTICLE_DRAFT;
	a->published = pg_int(r, row, 16);
	a->created = pg_int(r, row, 17);
	a->updated = pg_int(r, row, 18);
	a->version = pg_int(r, row, 19);
	a->body = "";
}

/* Statement @id of this file's table. */
static int run(struct pgconn *c, enum pst_id id, const struct pgargs *a,
	       PGresult **res)
{
	return pg_run(c, id, stmt_sql[id], a, res);
}

static void pg_close(struct store *base)
{
	struct pg_store *s = PG(base);

	pg_notify_close(s);
	pg_idcache_free(s);
	pg_pool_close(s);
	pg_conn_free(s->watch);
	pthread_mutex_destroy(&s->watch_lock);
	free(s);
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The meta table's content version; quietly an error before migration 002
 * (so not a prepared statement: it could not be prepared then).
 */
static int content_version(struct pgconn *c, int64_t *out)
{
	PGresult *res = PQexec(c->db, stmt_sql[PS_CONTENT_VERSION]);
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

static uint64_t pg_generation(struct store *base)
{
	struct pg_store *s = PG(base);
	long long now = mono_ns();

	/*
	 * Only one thread polls, and only every WATCH_INTERVAL_NS.  The content
	 * version moves with content writes only, so reactions and other
	 * high-rate writes do not empty the page cache.  A lost watch
	 * connection is opened again at the next poll.
	 */
	if (now - s->watch_checked >= WATCH_INTERVAL_NS &&
	    !pthread_mutex_trylock(&s->watch_lock)) {
		int64_t v;

		if (now - s->watch_checked >= WATCH_INTERVAL_NS) {
			if (s->watch && s->watch->broken) {
				pg_conn_free(s->watch);
				s->watch = NULL;
			}
			if (!s->watch) {
				char err[512];
				PGconn *db = pg_connect(s->url, err, sizeof(err));

				if (db) {
					s->watch = xcalloc(1, sizeof(*s->watch));
					s->watch->db = db;
				}
			}
			if (s->watch && !content_version(s->watch, &v) &&
			    v != s->watch_version) {
				s->watch_version = v;
				/* Caches refill from replicas that have it. */
				if (s->nreplicas)
					pg_lsn_raise(&s->content_lsn,
						     pg_wal_position(s->watch->db));
				atomic_fetch_add(&s->generation, 1);
			}
			s->watch_checked = mono_ns();
		}
		pthread_mutex_unlock(&s->watch_lock);
	}
	return atomic_load(&s->generation);
}

void pg_article_args(struct pgargs *p, const struct article *a, int64_t now)
{
	pa_text(p, a->slug);
	pa_text(p, a->headline);
	pa_text(p, a->summary ? a->summary : "");
	pa_text(p, a->dateline ? a->dateline : "");
	pa_text(p, a->body);
	pa_text(p, a->author ? a->author : "");
	pa_text(p, a->section ? a->section : "");
	pa_text(p, a->section_slug ? a->section_slug : "");
	pa_text(p, a->photo.key);
	pa_text(p, a->caption ? a->caption : "");
	pa_text(p, a->credit ? a->credit : "");
	pa_text(p, a->photo_alt ? a->photo_alt : "");
	pa_int(p, a->status == ARTICLE_PUBLISHED);
	pa_int(p, a->published);
	pa_int(p, now);
}

int pg_put_tags(struct pgconn *c, int64_t id, const struct article *a)
{
	struct pgargs p = { 0 };
	PGresult *res;
	size_t i;
	int r;

	pa_int(&p, id);
	if ((r = run(c, PS_TAGS_CLEAR, &p, NULL)))
		return r;
	for (i = 0; i < a->ntags; i++) {
		int64_t tag;

		memset(&p, 0, sizeof(p));
		pa_text(&p, a->tags[i].slug);
		pa_text(&p, a->tags[i].name);
		if ((r = run(c, PS_TAG_UPSERT, &p, &res)))
			return r;
		tag = pg_int(res, 0, 0);
		PQclear(res);
		memset(&p, 0, sizeof(p));
		pa_int(&p, id);
		pa_int(&p, tag);
		pa_int(&p, (int64_t)i);
		if ((r = run(c, PS_ARTICLE_TAG_ADD, &p, NULL)))
			return r;
	}
	return 0;
}

int pg_media_insert(struct pgconn *c, const struct media *m)
{
	struct pgargs p = { 0 };

	pa_text(&p, m->key);
	pa_text(&p, m->type);
	pa_int(&p, m->width);
	pa_int(&p, m->height);
	pa_bytes(&p, m->data, m->len);
	pa_int(&p, time_now());
	return run(c, PS_MEDIA_PUT, &p, NULL);
}

int pg_content_bump(struct pg_store *s, struct pgconn *c)
{
	int r = run(c, PS_CONTENT_BUMP, NULL, NULL);

	c->bumped = true;

	return r ? r : pg_notify_content(s, c);
}

static int pg_article_put(struct store *base, const struct article *a,
			  int64_t *id_out, bool *inserted)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int64_t id = 0;
	bool found = false;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = pg_exec(c, "BEGIN")))
		goto out_put;
	if ((a->new_photo && (r = pg_media_insert(c, a->new_photo))) ||
	    (r = pg_photos_put(c, a->new_copies, a->ncopies, a->new_variants,
			       a->nvariants)))
		goto out;
	pa_text(&p, a->slug);
	if ((r = run(c, PS_ARTICLE_FIND, &p, &res)))
		goto out;
	found = PQntuples(res) > 0;
	PQclear(res);
	memset(&p, 0, sizeof(p));
	pg_article_args(&p, a, time_now());
	if ((r = run(c, found ? PS_ARTICLE_UPDATE : PS_ARTICLE_INSERT, &p, &res)))
		goto out;
	id = PQntuples(res) ? pg_int(res, 0, 0) : 0;
	PQclear(res);
	if ((r = pg_put_tags(c, id, a)))
		goto out;
	r = pg_content_bump(s, c);
out:
	r = pg_txn_end(c, r);
	if (!r) {
		atomic_fetch_add(&s->generation, 1);
		if (id_out)
			*id_out = id;
		if (inserted)
			*inserted = !found;
	}
out_put:
	pg_conn_put(s, c);
	return r;
}

int pg_read_tags(struct pgconn *c, struct arena *ar, struct article *a)
{
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, n;

	pa_int(&p, a->id);
	if ((r = run(c, PS_ARTICLE_TAGS, &p, &res)))
		return r;
	n = PQntuples(res);
	a->tags = arena_alloc(ar, (size_t)(n ? n : 1) * sizeof(*a->tags));
	a->ntags = (size_t)n;
	for (i = 0; i < n; i++) {
		a->tags[i].slug = pg_text_or_empty(ar, res, i, 0);
		a->tags[i].name = pg_text_or_empty(ar, res, i, 1);
	}
	PQclear(res);
	return 0;
}

static int pg_article_by_slug(struct store *base, struct arena *ar,
			      const char *slug, bool include_drafts,
			      struct article **out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	struct article *a;
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, slug);
	pa_int(&p, include_drafts ? 0 : 1);
	pa_int(&p, include_drafts ? INT64_MAX : time_now());
	if ((r = run(c, PS_ARTICLE_BY_SLUG, &p, &res)))
		goto out;
	if (PQntuples(res) == 0) {
		PQclear(res);
		r = ERR_NOTFOUND;
		goto out;
	}
	a = arena_alloc(ar, sizeof(*a));
	pg_read_article(ar, res, 0, a);
	a->body = pg_text_or_empty(ar, res, 0, 20);
	PQclear(res);
	if ((r = pg_read_tags(c, ar, a)))
		goto out;
	*out = a;
out:
	pg_conn_put(s, c);
	return r;
}

static int pg_articles_list(struct store *base, struct arena *ar,
			    const struct article_query *q,
			    struct article_list *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	enum pst_id id = q->tag_slug ? PS_LIST_TAG :
			 q->section_slug ? PS_LIST_SECTION :
			 q->author ? PS_LIST_AUTHOR : PS_LIST_ALL;
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, n;

	if (!c)
		return ERR_DB;
	pa_text(&p, q->tag_slug ? q->tag_slug : q->section_slug ?
		q->section_slug : q->author);
	pa_int(&p, q->before ? q->before->published : INT64_MAX);
	pa_int(&p, q->before ? q->before->id : INT64_MAX);
	pa_int(&p, q->include_drafts ? 0 : 1);
	pa_int(&p, q->include_drafts ? INT64_MAX : time_now());
	pa_int(&p, (int64_t)q->limit + 1);
	out->items = arena_alloc(ar, (q->limit + 1) * sizeof(*out->items));
	out->n = 0;
	out->more = false;
	if ((r = run(c, id, &p, &res)))
		goto out;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (out->n == q->limit) {
			out->more = true;
			break;
		}
		pg_read_article(ar, res, i, &out->items[out->n++]);
	}
	PQclear(res);
out:
	pg_conn_put(s, c);
	return r;
}

/* Run a one-text-column lookup by slug. */
static int name_by_slug(struct pg_store *s, enum pst_id id, struct arena *ar,
			const char *slug, const char **name)
{
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, slug);
	if (!(r = run(c, id, &p, &res))) {
		if (PQntuples(res))
			*name = pg_text_or_empty(ar, res, 0, 0);
		else
			r = ERR_NOTFOUND;
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

static int pg_section_name(struct store *base, struct arena *ar,
			   const char *slug, const char **name)
{
	return name_by_slug(PG(base), PS_SECTION_NAME, ar, slug, name);
}

static int pg_tag_name(struct store *base, struct arena *ar, const char *slug,
		       const char **name)
{
	return name_by_slug(PG(base), PS_TAG_NAME, ar, slug, name);
}

static int pg_media_put(struct store *base, const struct media *m)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = pg_media_insert(c, m);
	if (!r)
		atomic_fetch_add(&s->generation, 1);
	pg_conn_put(s, c);
	return r;
}

static int pg_media_get(struct store *base, struct arena *ar, const char *key,
			struct media *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, key);
	if ((r = run(c, PS_MEDIA_GET, &p, &res)))
		goto out;
	if (PQntuples(res) == 0) {
		r = ERR_NOTFOUND;
	} else {
		out->key = arena_strdup(ar, key);
		out->type = pg_text_or_empty(ar, res, 0, 0);
		out->width = (int)pg_int(res, 0, 1);
		out->height = (int)pg_int(res, 0, 2);
		out->data = pg_bytes(ar, res, 0, 3, &out->len);
		if (!out->data)
			r = ERR_NOMEM;
	}
	PQclear(res);
out:
	pg_conn_put(s, c);
	return r;
}

static int pg_article_count(struct store *base, int64_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	if (!(r = run(c, PS_ARTICLE_COUNT, NULL, &res))) {
		*n = pg_int(res, 0, 0);
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

static int pg_sections(struct store *base, struct arena *ar,
		       struct section **out, size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	struct section *list;
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	list = arena_alloc(ar, 12 * sizeof(*list));
	*n = 0;
	*out = list;
	pa_int(&p, time_now());
	if (!(r = run(c, PS_SECTIONS, &p, &res))) {
		rows = PQntuples(res);
		for (i = 0; i < rows && i < 12; i++) {
			list[i].slug = pg_text_or_empty(ar, res, i, 0);
			list[i].name = pg_text_or_empty(ar, res, i, 1);
			list[i].count = pg_int(res, i, 2);
			(*n)++;
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

static int pg_ping(struct store *base, char *detail, size_t len)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	size_t used = 0;
	int r, i;

	if (!c)
		return ERR_DB;
	r = pg_exec(c, "SELECT 1");
	pg_conn_put(s, c);
	for (i = 0; detail && i < s->nreplicas && used < len; i++)
		used += (size_t)snprintf(detail + used, len - used,
			"replica %s %s\n", s->replicas[i].name,
			atomic_load(&s->replicas[i].usable) ? "usable" :
			"left out");
	return r ? ERR_DB : 0;
}

static const struct store_ops pg_ops = {
	.name = "postgres",
	.close = pg_close,
	.migrate = pg_migrate,
	.check_schema = pg_check_schema,
	.ping = pg_ping,
	.generation = pg_generation,
	.article_put = pg_article_put,
	.article_by_slug = pg_article_by_slug,
	.articles_list = pg_articles_list,
	.section_name = pg_section_name,
	.tag_name = pg_tag_name,
	.media_put = pg_media_put,
	.media_get = pg_media_get,
	.article_count = pg_article_count,
	.sections = pg_sections,
	.reactions_apply = pg_reactions_apply,
	.reaction_state = pg_reaction_state,
	.article_id = pg_article_id,
	.reaction_top = pg_reaction_top,
	.secret = pg_secret,
	.account_create = pg_account_create,
	.account_by_email = pg_account_by_email,
	.account_by_id = pg_account_by_id,
	.accounts_list = pg_accounts_list,
	.account_set_name = pg_account_set_name,
	.account_set_role = pg_account_set_role,
	.account_set_password = pg_account_set_password,
	.account_rehash = pg_account_rehash,
	.account_delete = pg_account_delete,
	.token_add = pg_token_add,
	.token_find = pg_token_find,
	.token_apply = pg_token_apply,
	.session_create = pg_session_create,
	.session_get = pg_session_get,
	.session_delete = pg_session_delete,
	.sessions_end = pg_sessions_end,
	.outbox_add = pg_outbox_add,
	.outbox_due = pg_outbox_due,
	.outbox_sent = pg_outbox_sent,
	.outbox_retry = pg_outbox_retry,
	.outbox_next = pg_outbox_next,
	.watch_reactions = pg_watch_reactions,
	.media_size = pg_media_size,
	.list_prev = pg_list_prev,
	.search = pg_search,
	.sitemap_parts = pg_sitemap_parts,
	.sitemap_urls = pg_sitemap_urls,
	.sitemap_sections = pg_sitemap_sections,
	.stories = pg_stories,
	.story_get = pg_story_get,
	.story_save = pg_story_save,
	.slug_free = pg_slug_free,
	.photo_variants = pg_photo_variants,
	.revisions = pg_revisions,
	.revision_get = pg_revision_get,
	.publish_due = pg_publish_due,
	.reaction_series = pg_reaction_series,
	.comment_top = pg_comment_top,
	.comment_announce = pg_comment_announce,
	.watch_comments = pg_watch_comments,
	.rate_take = pg_rate_take,
	.comments = &pg_comment_ops,
	.add_replica = pg_add_replica,
	.write_position = pg_write_position,
	.copy_read = pg_copy_read,
	.copy_write = pg_copy_write,
	.copy_count = pg_copy_count,
	.copy_done = pg_copy_done,
};

int store_open_pg(const char *url, struct store **out, char *err,
		  size_t errlen)
{
	struct pg_store *s;
	PGconn *db;
	int64_t v;

	s = xcalloc(1, sizeof(*s));
	s->base.ops = &pg_ops;
	pg_pool_init(s, url);
	pthread_mutex_init(&s->watch_lock, NULL);
	s->watch_checked = mono_ns();
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
	/* Start from the stored content version, so the first poll is quiet. */
	if (!content_version(s->watch, &v))
		s->watch_version = v;
	*out = &s->base;
	return 0;
}
