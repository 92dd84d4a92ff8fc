/*
 * sqlite.c - the embedded SQLite backend of store.h.
 *
 * A small pool of connections (WAL mode, so readers never wait for the
 * writer); each connection keeps its prepared statements for its whole
 * life.  Writes use BEGIN IMMEDIATE so two writers queue on the busy
 * timeout instead of deadlocking on a lock upgrade.  A separate "watch"
 * connection reads PRAGMA data_version to notice commits made by other
 * processes (the CLI adding an article while the server runs).
 */
#include "sqlite_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/embedded.h"
#include "store_int.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"

#define POOL_MAX 16
#define WATCH_INTERVAL_NS (100 * 1000 * 1000LL)


/* Newest first, strictly before the cursor (?2, ?3), visible per ?4/?5. */
#define LIST_TAIL \
	" AND a.status >= ?4 AND a.published <= ?5" \
	" AND (a.published, a.id) < (?2, ?3)" \
	" ORDER BY a.published DESC, a.id DESC LIMIT ?6"

static const char *const stmt_sql[ST_SQLITE_C_END] = {
	[ST_ARTICLE_FIND] = "SELECT id FROM articles WHERE slug = ?1",
	[ST_ARTICLE_INSERT] =
		"INSERT INTO articles (slug, headline, summary, dateline, body,"
		" author, section, section_slug, photo_key, caption, credit,"
		" photo_alt, status, published, created, updated, version)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, ?14, ?15, ?15, 1)",
	[ST_ARTICLE_UPDATE] =
		"UPDATE articles SET headline = ?2, summary = ?3, dateline = ?4,"
		" body = ?5, author = ?6, section = ?7, section_slug = ?8,"
		" photo_key = ?9, caption = ?10, credit = ?11, photo_alt = ?12,"
		" status = ?13, published = ?14, updated = ?15,"
		" version = version + 1 WHERE slug = ?1",
	[ST_TAGS_CLEAR] = "DELETE FROM article_tags WHERE article_id = ?1",
	[ST_TAG_UPSERT] =
		"INSERT INTO tags (slug, name) VALUES (?1, ?2)"
		" ON CONFLICT (slug) DO UPDATE SET name = excluded.name"
		" RETURNING id",
	[ST_ARTICLE_TAG_ADD] =
		"INSERT OR IGNORE INTO article_tags (article_id, tag_id, pos)"
		" VALUES (?1, ?2, ?3)",
	[ST_ARTICLE_BY_SLUG] =
		"SELECT " ARTICLE_COLS ", a.body" ARTICLE_FROM
		"WHERE a.slug = ?1 AND a.status >= ?2 AND a.published <= ?3",
	[ST_ARTICLE_TAGS] =
		"SELECT t.slug, t.name FROM article_tags x"
		" JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?1"
		" ORDER BY x.pos",
	[ST_LIST_ALL] = "SELECT " ARTICLE_COLS ARTICLE_FROM
		"WHERE ?1 IS NULL" LIST_TAIL,
	[ST_LIST_SECTION] = "SELECT " ARTICLE_COLS ARTICLE_FROM
		"WHERE a.section_slug = ?1" LIST_TAIL,
	[ST_LIST_TAG] = "SELECT " ARTICLE_COLS
		" FROM article_tags x JOIN tags t ON t.id = x.tag_id"
		" JOIN articles a ON a.id = x.article_id"
		" LEFT JOIN media m ON m.key = a.photo_key"
		" WHERE t.slug = ?1" LIST_TAIL,
	/* Only names with a public story: drafts must not show through. */
	[ST_SECTION_NAME] =
		"SELECT section FROM articles WHERE section_slug = ?1"
		" AND status = 1 AND published <= unixepoch() LIMIT 1",
	[ST_TAG_NAME] =
		"SELECT t.name FROM tags t WHERE t.slug = ?1 AND EXISTS (SELECT 1"
		" FROM article_tags x JOIN articles a ON a.id = x.article_id"
		" WHERE x.tag_id = t.id AND a.status = 1"
		" AND a.published <= unixepoch())",
	[ST_MEDIA_PUT] =
		"INSERT OR IGNORE INTO media (key, type, width, height, data,"
		" created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_MEDIA_GET] =
		"SELECT type, width, height, data FROM media WHERE key = ?1",
	[ST_ARTICLE_COUNT] = "SELECT count(*) FROM articles",
	[ST_SECTIONS] =
		"SELECT section_slug, min(section), count(*) FROM articles"
		" WHERE status = 1 AND published <= ?1 AND section_slug <> ''"
		" GROUP BY section_slug ORDER BY count(*) DESC, section_slug"
		" LIMIT 12",
	[ST_LIST_AUTHOR] = "SELECT " ARTICLE_COLS ARTICLE_FROM
		"WHERE a.author = ?1" LIST_TAIL,
};



int sq_db_err(sqlite3 *db, const char *what)
{
	int code = sqlite3_extended_errcode(db);

	if ((code & 0xff) == SQLITE_CONSTRAINT)
		return ERR_CONFLICT;
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
		log_warn("sqlite busy during %s", what);
		return ERR_BUSY;
	}
	log_err("sqlite: %s: %s", what, sqlite3_errmsg(db));
	return ERR_DB;
}

static int open_db(const char *path, sqlite3 **out, char *err, size_t errlen)
{
	static const char *pragmas =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA temp_store = MEMORY;";
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return ERR_IO;
	}
	sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "database '%s' is not usable: %s", path,
			 sqlite3_errmsg(db));
		sqlite3_close(db);
		return ERR_DB;
	}
	*out = db;
	return 0;
}

static void conn_free(struct conn *c)
{
	int i;

	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_close(c->db);
	free(c);
}

/* Take a connection from the pool, opening one if the pool may grow. */
struct conn *sq_conn_get(struct sqlite_store *s)
{
	struct conn *c;
	char err[256];

	pthread_mutex_lock(&s->lock);
	while (!s->free && s->nconns >= POOL_MAX)
		pthread_cond_wait(&s->freed, &s->lock);
	c = s->free;
	if (c) {
		s->free = c->next;
		pthread_mutex_unlock(&s->lock);
		return c;
	}
	s->nconns++;
	pthread_mutex_unlock(&s->lock);

	c = xcalloc(1, sizeof(*c));
	if (open_db(s->path, &c->db, err, sizeof(err))) {
		log_err("%s", err);
		free(c);
		pthread_mutex_lock(&s->lock);
		s->nconns--;
		pthread_cond_signal(&s->freed);
		pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	return c;
}

void sq_conn_put(struct sqlite_store *s, struct conn *c)
{
	pthread_mutex_lock(&s->lock);
	c->next = s->free;
	s->free = c;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

/* The prepared statement @id on @c, reset and unbound, or NULL. */
sqlite3_stmt *sq_prepared(struct conn *c, enum stmt_id id, const char *sql)
{
	if (!c->st[id]) {
		if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				       &c->st[id], NULL) != SQLITE_OK) {
			sq_db_err(c->db, sql);
			return NULL;
		}
	} else {
		sqlite3_reset(c->st[id]);
		sqlite3_clear_bindings(c->st[id]);
	}
	return c->st[id];
}

int sq_run(struct store *base, enum stmt_id id, const char *sql,
	   const char *what, const char *types, ...)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	va_list ap;
	int r = ERR_DB, i;

	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, id, sql))) {
		va_start(ap, types);
		for (i = 0; types[i]; i++) {
			if (types[i] == 'i')
				sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			else
				sq_bind_text(st, i + 1, va_arg(ap, const char *));
		}
		va_end(ap);
		r = sq_step_done(c, st, what);
	}
	sq_conn_put(s, c);
	return r;
}

sqlite3_stmt *sq_stmt(struct conn *c, enum stmt_id id)
{
	return sq_prepared(c, id, stmt_sql[id]);
}

void sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

const char *sq_col_text(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	if (!t)
		return NULL;
	return arena_strndup(a, (const char *)t,
			     (size_t)sqlite3_column_bytes(st, i));
}

const char *sq_col_text_or_empty(struct arena *a, sqlite3_stmt *st, int i)
{
	const char *t = sq_col_text(a, st, i);

	return t ? t : "";
}

/* Fill @a from a row in ARTICLE_COLS order. */
void sq_read_article(struct arena *ar, sqlite3_stmt *st, struct article *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->slug = sq_col_text_or_empty(ar, st, 1);
	a->headline = sq_col_text_or_empty(ar, st, 2);
	a->summary = sq_col_text_or_empty(ar, st, 3);
	a->dateline = sq_col_text_or_empty(ar, st, 4);
	a->author = sq_col_text_or_empty(ar, st, 5);
	a->section = sq_col_text_or_empty(ar, st, 6);
	a->section_slug = sq_col_text_or_empty(ar, st, 7);
	a->photo.key = sq_col_text(ar, st, 8);
	a->photo.type = sq_col_text(ar, st, 9);
	a->photo.width = sqlite3_column_int(st, 10);
	a->photo.height = sqlite3_column_int(st, 11);
	a->caption = sq_col_text_or_empty(ar, st, 12);
	a->credit = sq_col_text_or_empty(ar, st, 13);
	a->photo_alt = sq_col_text_or_empty(ar, st, 14);
	a->status = sqlite3_column_int(st, 15) ? ARTICLE_PUBLISHED : ARTICLE_DRAFT;
	a->published = sqlite3_column_int64(st, 16);
	a->created = sqlite3_column_int64(st, 17);
	a->updated = sqlite3_column_int64(st, 18);
	a->version = sqlite3_column_int64(st, 19);
	a->body = "";
}

int sq_exec(struct conn *c, const char *sql)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_db_err(c->db, sql);
	return 0;
}

static void sq_close(struct store *base)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c, *next;

	for (c = s->free; c; c = next) {
		next = c->next;
		conn_free(c);
	}
	sqlite3_close(s->watch);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->watch_lock);
	free(s->path);
	free(s);
}

static int schema_version(struct conn *c, int *version)
{
	sqlite3_stmt *st;
	int r = sq_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			"version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)");

	if (r)
		return r;
	if (sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version), 0)"
			       " FROM schema_migrations", -1, &st, NULL))
		return sq_db_err(c->db, "schema version");
	*version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

static int sq_migrate(struct store *base, int *applied)
{
	struct sqlite_store *s = SQ(base);
	const struct embedded_file *files[64];
	struct conn *c = sq_conn_get(s);
	size_t n, i;
	int r, have, done = 0;

	if (!c)
		return ERR_DB;
	n = store_migration_files("sqlite/", files, 64);
	r = schema_version(c, &have);
	for (i = 0; !r && i < n; i++) {
		int v = atoi(files[i]->name + 7);
		char rec[128];

		if (v <= have)
			continue;
		r = sq_exec(c, "BEGIN IMMEDIATE");
		if (r)
			break;
		snprintf(rec, sizeof(rec), "INSERT INTO schema_migrations"
			 " VALUES (%d, %lld)", v, (long long)time_now());
		r = sq_exec(c, files[i]->data);
		if (!r)
			r = sq_exec(c, rec);
		if (!r)
			r = sq_exec(c, "COMMIT");
		if (r) {
			log_err("migration '%s' failed", files[i]->name);
			sq_exec(c, "ROLLBACK");
			break;
		}
		done++;
	}
	sq_conn_put(s, c);
	if (applied)
		*applied = done;
	return r;
}

static int sq_check_schema(struct store *base)
{
	struct sqlite_store *s = SQ(base);
	const struct embedded_file *files[64];
	struct conn *c = sq_conn_get(s);
	size_t n;
	int r, have;

	if (!c)
		return ERR_DB;
	n = store_migration_files("sqlite/", files, 64);
	r = schema_version(c, &have);
	sq_conn_put(s, c);
	if (r)
		return r;
	return n && have < atoi(files[n - 1]->name + 7) ? ERR_INVALID : 0;
}

static int sq_ping(struct store *base, char *detail, size_t len)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int rc;

	(void)detail;
	(void)len;
	if (!c)
		return ERR_DB;
	rc = sqlite3_exec(c->db, "SELECT 1", NULL, NULL, NULL);
	sq_conn_put(s, c);
	return rc == SQLITE_OK ? 0 : ERR_DB;
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The meta table's content version; ERR_DB before migration 002. */
static int content_version(sqlite3 *db, int64_t *out)
{
	sqlite3_stmt *st;
	int r = ERR_DB;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE"
			       " key = 'content_version'", -1, &st, NULL))
		return ERR_DB;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static uint64_t sq_generation(struct store *base)
{
	struct sqlite_store *s = SQ(base);
	long long now = mono_ns();

	/*
	 * Only one thread polls, and only every WATCH_INTERVAL_NS.  The content
	 * version (meta table) moves with content writes only, so reactions
	 * and other high-rate writes do not empty the page cache.
	 */
	if (now - s->watch_checked >= WATCH_INTERVAL_NS &&
	    !pthread_mutex_trylock(&s->watch_lock)) {
		int64_t v;

		if (now - s->watch_checked >= WATCH_INTERVAL_NS &&
		    !content_version(s->watch, &v) && v != s->watch_version) {
			s->watch_version = v;
			atomic_fetch_add(&s->generation, 1);
		}
		s->watch_checked = now;
		pthread_mutex_unlock(&s->watch_lock);
	}
	return atomic_load(&s->generation);
}

void sq_bind_article(sqlite3_stmt *st, const struct article *a, int64_t now)
{
	sq_bind_text(st, 1, a->slug);
	sq_bind_text(st, 2, a->headline);
	sq_bind_text(st, 3, a->summary ? a->summary : "");
	sq_bind_text(st, 4, a->dateline ? a->dateline : "");
	sq_bind_text(st, 5, a->body);
	sq_bind_text(st, 6, a->author ? a->author : "");
	sq_bind_text(st, 7, a->section ? a->section : "");
	sq_bind_text(st, 8, a->section_slug ? a->section_slug : "");
	sq_bind_text(st, 9, a->photo.key);
	sq_bind_text(st, 10, a->caption ? a->caption : "");
	sq_bind_text(st, 11, a->credit ? a->credit : "");
	sq_bind_text(st, 12, a->photo_alt ? a->photo_alt : "");
	sqlite3_bind_int(st, 13, a->status == ARTICLE_PUBLISHED);
	sqlite3_bind_int64(st, 14, a->published);
	sqlite3_bind_int64(st, 15, now);
}

/* Step a statement that returns no rows (or whose rows are not needed). */
int sq_step_done(struct conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_db_err(c->db, what);
	return 0;
}

int sq_put_tags(struct conn *c, int64_t id, const struct article *a)
{
	sqlite3_stmt *st;
	size_t i;
	int r;

	if (!(st = sq_stmt(c, ST_TAGS_CLEAR)))
		return ERR_DB;
	sqlite3_bind_int64(st, 1, id);
	if ((r = sq_step_done(c, st, "clear tags")))
		return r;
	for (i = 0; i < a->ntags; i++) {
		int64_t tag;

		if (!(st = sq_stmt(c, ST_TAG_UPSERT)))
			return ERR_DB;
		sq_bind_text(st, 1, a->tags[i].slug);
		sq_bind_text(st, 2, a->tags[i].name);
		if (sqlite3_step(st) != SQLITE_ROW)
			return sq_db_err(c->db, "tag upsert");
		tag = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (!(st = sq_stmt(c, ST_ARTICLE_TAG_ADD)))
			return ERR_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, tag);
		sqlite3_bind_int64(st, 3, (int64_t)i);
		if ((r = sq_step_done(c, st, "article tag")))
			return r;
	}
	return 0;
}

/* Move the content version on: other processes drop their page caches. */
int sq_content_bump(struct conn *c)
{
	sqlite3_stmt *st = sq_prepared(c, ST_CONTENT_BUMP,
		"UPDATE meta SET value = value + 1 WHERE key = 'content_version'");
	int r;

	if (!st)
		return ERR_DB;
	r = sq_step_done(c, st, "content version");
	sqlite3_reset(st);
	return r;
}

int sq_media_insert(struct conn *c, const struct media *m)
{
	sqlite3_stmt *st = sq_stmt(c, ST_MEDIA_PUT);
	int r;

	if (!st)
		return ERR_DB;
	sq_bind_text(st, 1, m->key);
	sq_bind_text(st, 2, m->type);
	sqlite3_bind_int(st, 3, m->width);
	sqlite3_bind_int(st, 4, m->height);
	sqlite3_bind_blob64(st, 5, m->data, m->len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, time_now());
	r = sq_step_done(c, st, "media put");
	sqlite3_reset(st);
	return r;
}

static int sq_article_put(struct store *base, const struct article *a,
			  int64_t *id_out, bool *inserted)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int64_t id = 0, now = time_now();
	bool found;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out_put;
	if ((a->new_photo && (r = sq_media_insert(c, a->new_photo))) ||
	    (r = sq_photos_put(c, a->new_copies, a->ncopies, a->new_variants,
			       a->nvariants)))
		goto out;
	r = ERR_DB;
	if (!(st = sq_stmt(c, ST_ARTICLE_FIND)))
		goto out;
	sq_bind_text(st, 1, a->slug);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!(st = sq_stmt(c, found ? ST_ARTICLE_UPDATE : ST_ARTICLE_INSERT)))
		goto out;
	sq_bind_article(st, a, now);
	if ((r = sq_step_done(c, st, "article save")))
		goto out;
	if (!found)
		id = sqlite3_last_insert_rowid(c->db);
	sqlite3_reset(st);
	if ((r = sq_put_tags(c, id, a)))
		goto out;
	if ((r = sq_content_bump(c)))
		goto out;
	r = sq_exec(c, "COMMIT");
out:
	if (r)
		sq_exec(c, "ROLLBACK");
	else
		atomic_fetch_add(&s->generation, 1);
	if (!r && id_out)
		*id_out = id;
	if (!r && inserted)
		*inserted = !found;
out_put:
	sq_conn_put(s, c);
	return r;
}

int sq_read_tags(struct conn *c, struct arena *ar, struct article *a)
{
	sqlite3_stmt *st = sq_stmt(c, ST_ARTICLE_TAGS);
	size_t cap = 8;
	int rc;

	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, a->id);
	a->tags = arena_alloc(ar, cap * sizeof(*a->tags));
	a->ntags = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->ntags == cap) {
			struct tag *t = arena_alloc(ar, 2 * cap * sizeof(*t));

			memcpy(t, a->tags, cap * sizeof(*t));
			a->tags = t;
			cap *= 2;
		}
		a->tags[a->ntags].slug = sq_col_text_or_empty(ar, st, 0);
		a->tags[a->ntags].name = sq_col_text_or_empty(ar, st, 1);
		a->ntags++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "article tags");
}

static int sq_article_by_slug(struct store *base, struct arena *ar,
			      const char *slug, bool include_drafts,
			      struct article **out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	struct article *a;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_stmt(c, ST_ARTICLE_BY_SLUG)))
		goto out;
	sq_bind_text(st, 1, slug);
	sqlite3_bind_int(st, 2, include_drafts ? 0 : 1);
	sqlite3_bind_int64(st, 3, include_drafts ? INT64_MAX : time_now());
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		r = ERR_NOTFOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = sq_db_err(c->db, "article by slug");
		goto out;
	}
	a = arena_alloc(ar, sizeof(*a));
	sq_read_article(ar, st, a);
	a->body = sq_col_text_or_empty(ar, st, 20);
	sqlite3_reset(st);
	if ((r = sq_read_tags(c, ar, a)))
		goto out;
	*out = a;
out:
	if (st)
		sqlite3_reset(st);
	sq_conn_put(s, c);
	return r;
}

static int sq_articles_list(struct store *base, struct arena *ar,
			    const struct article_query *q,
			    struct article_list *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	enum stmt_id id = q->tag_slug ? ST_LIST_TAG :
			  q->section_slug ? ST_LIST_SECTION :
			  q->author ? ST_LIST_AUTHOR : ST_LIST_ALL;
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_stmt(c, id)))
		goto out;
	sq_bind_text(st, 1, q->tag_slug ? q->tag_slug : q->section_slug ?
		     q->section_slug : q->author);
	sqlite3_bind_int64(st, 2, q->before ? q->before->published : INT64_MAX);
	sqlite3_bind_int64(st, 3, q->before ? q->before->id : INT64_MAX);
	sqlite3_bind_int(st, 4, q->include_drafts ? 0 : 1);
	sqlite3_bind_int64(st, 5, q->include_drafts ? INT64_MAX : time_now());
	sqlite3_bind_int64(st, 6, (int64_t)q->limit + 1);
	out->items = arena_alloc(ar, (q->limit + 1) * sizeof(*out->items));
	out->n = 0;
	out->more = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == q->limit) {
			out->more = true;
			break;
		}
		sq_read_article(ar, st, &out->items[out->n++]);
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "list");
out:
	if (st)
		sqlite3_reset(st);
	sq_conn_put(s, c);
	return r;
}

/* Run a one-text-column lookup by slug. */
static int name_by_slug(struct sqlite_store *s, enum stmt_id id,
			struct arena *ar, const char *slug, const char **name)
{
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_stmt(c, id)))
		goto out;
	sq_bind_text(st, 1, slug);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*name = sq_col_text_or_empty(ar, st, 0);
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, "name");
	}
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

static int sq_section_name(struct store *base, struct arena *ar,
			   const char *slug, const char **name)
{
	return name_by_slug(SQ(base), ST_SECTION_NAME, ar, slug, name);
}

static int sq_tag_name(struct store *base, struct arena *ar, const char *slug,
		       const char **name)
{
	return name_by_slug(SQ(base), ST_TAG_NAME, ar, slug, name);
}

static int sq_media_put(struct store *base, const struct media *m)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = sq_media_insert(c, m);
	if (!r)
		atomic_fetch_add(&s->generation, 1);
	sq_conn_put(s, c);
	return r;
}

static int sq_media_get(struct store *base, struct arena *ar, const char *key,
			struct media *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_stmt(c, ST_MEDIA_GET)))
		goto out;
	sq_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 3);
		void *p = arena_alloc(ar, n);

		memcpy(p, sqlite3_column_blob(st, 3), n);
		out->key = arena_strdup(ar, key);
		out->type = sq_col_text_or_empty(ar, st, 0);
		out->width = sqlite3_column_int(st, 1);
		out->height = sqlite3_column_int(st, 2);
		out->data = p;
		out->len = n;
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, "media get");
	}
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

static int sq_article_count(struct store *base, int64_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB;

	if (!c)
		return ERR_DB;
	if ((st = sq_stmt(c, ST_ARTICLE_COUNT))) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			*n = sqlite3_column_int64(st, 0);
			r = 0;
		} else {
			r = sq_db_err(c->db, "count");
		}
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}

static int sq_sections(struct store *base, struct arena *ar,
		       struct section **out, size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	struct section *list;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_stmt(c, ST_SECTIONS)))
		goto out;
	sqlite3_bind_int64(st, 1, time_now());
	list = arena_alloc(ar, 12 * sizeof(*list));
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < 12) {
		list[*n].slug = sq_col_text_or_empty(ar, st, 0);
		list[*n].name = sq_col_text_or_empty(ar, st, 1);
		list[*n].count = sqlite3_column_int64(st, 2);
		(*n)++;
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "sections");
	*out = list;
	sqlite3_reset(st);
out:
	sq_conn_put(s, c);
	return r;
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.migrate = sq_migrate,
	.check_schema = sq_check_schema,
	.ping = sq_ping,
	.generation = sq_generation,
	.article_put = sq_article_put,
	.article_by_slug = sq_article_by_slug,
	.articles_list = sq_articles_list,
	.section_name = sq_section_name,
	.tag_name = sq_tag_name,
	.media_put = sq_media_put,
	.media_get = sq_media_get,
	.article_count = sq_article_count,
	.sections = sq_sections,
	.reactions_apply = sq_reactions_apply,
	.reaction_state = sq_reaction_state,
	.article_id = sq_article_id,
	.reaction_top = sq_reaction_top,
	.secret = sq_secret,
	.account_create = sq_account_create,
	.account_by_email = sq_account_by_email,
	.account_by_id = sq_account_by_id,
	.accounts_list = sq_accounts_list,
	.account_set_name = sq_account_set_name,
	.account_set_role = sq_account_set_role,
	.account_set_password = sq_account_set_password,
	.account_rehash = sq_account_rehash,
	.account_delete = sq_account_delete,
	.token_add = sq_token_add,
	.token_find = sq_token_find,
	.token_apply = sq_token_apply,
	.session_create = sq_session_create,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
	.sessions_end = sq_sessions_end,
	.outbox_add = sq_outbox_add,
	.outbox_due = sq_outbox_due,
	.outbox_sent = sq_outbox_sent,
	.outbox_retry = sq_outbox_retry,
	.outbox_next = sq_outbox_next,
	.media_size = sq_media_size,
	.list_prev = sq_list_prev,
	.search = sq_search,
	.sitemap_parts = sq_sitemap_parts,
	.sitemap_urls = sq_sitemap_urls,
	.sitemap_sections = sq_sitemap_sections,
	.stories = sq_stories,
	.story_get = sq_story_get,
	.story_save = sq_story_save,
	.slug_free = sq_slug_free,
	.photo_variants = sq_photo_variants,
	.revisions = sq_revisions,
	.revision_get = sq_revision_get,
	.publish_due = sq_publish_due,
	.reaction_series = sq_reaction_series,
	.comment_top = sq_comment_top,
	.comments = &sq_comment_ops,
	.copy_read = sq_copy_read,
	.copy_write = sq_copy_write,
	.copy_count = sq_copy_count,
	.copy_done = sq_copy_done,
};

int store_open_sqlite(const char *path, struct store **out, char *err,
		      size_t errlen)
{
	struct sqlite_store *s;
	struct conn *c;
	int r;

	s = xcalloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->path = xstrdup(path);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->freed, NULL);
	pthread_mutex_init(&s->watch_lock, NULL);
	s->watch_checked = mono_ns();
	/* Open one connection now so a bad path fails here, clearly. */
	c = xcalloc(1, sizeof(*c));
	if ((r = open_db(path, &c->db, err, errlen))) {
		free(c);
		goto fail;
	}
	s->nconns = 1;
	s->free = c;
	if ((r = open_db(path, &s->watch, err, errlen)))
		goto fail;
	/* Start from the stored content version, so the first poll is quiet. */
	content_version(s->watch, &s->watch_version);
	*out = &s->base;
	return 0;
fail:
	sq_close(&s->base);
	return r;
}
