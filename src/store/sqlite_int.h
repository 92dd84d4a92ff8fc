/*
 * sqlite_int.h - what the files of the SQLite backend share: the
 * connection pool, per-connection prepared statements, and row helpers.
 * Not used outside src/store/.
 */
#ifndef DATELINE_SQLITE_INT_H
#define DATELINE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "store.h"

enum stmt_id {
	ST_ARTICLE_FIND,
	ST_ARTICLE_INSERT,
	ST_ARTICLE_UPDATE,
	ST_TAGS_CLEAR,
	ST_TAG_UPSERT,
	ST_ARTICLE_TAG_ADD,
	ST_ARTICLE_BY_SLUG,
	ST_ARTICLE_TAGS,
	ST_LIST_ALL,
	ST_LIST_SECTION,
	ST_LIST_TAG,
	ST_SECTION_NAME,
	ST_TAG_NAME,
	ST_MEDIA_PUT,
	ST_MEDIA_GET,
	ST_ARTICLE_COUNT,
	ST_SECTIONS,
	ST_SQLITE_C_END,	/* statements below live in sqlite_reactions.c */
	ST_REACTION_GET = ST_SQLITE_C_END,
	ST_REACTION_INSERT,
	ST_REACTION_UPDATE,
	ST_REACTION_DELETE,
	ST_REACTION_COUNTS,
	ST_ARTICLE_ID,
	ST_TOP_ALL,
	ST_TOP_SINCE,
	ST_SECRET_GET,
	ST_SECRET_PUT,
	ST_CONTENT_BUMP,
	ST_COUNT
};

#define ARTICLE_COLS \
	"a.id, a.slug, a.headline, a.summary, a.dateline, a.author, " \
	"a.section, a.section_slug, a.photo_key, m.type, m.width, m.height, " \
	"a.caption, a.credit, a.photo_alt, a.status, a.published, a.created, " \
	"a.updated, a.version"
#define ARTICLE_FROM " FROM articles a LEFT JOIN media m ON m.key = a.photo_key "

struct conn {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct conn *next;
};

struct sqlite_store {
	struct store base;
	char *path;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct conn *free;
	int nconns;
	atomic_uint_fast64_t generation;
	pthread_mutex_t watch_lock;
	sqlite3 *watch;
	int64_t watch_version;
	atomic_llong watch_checked;	/* monotonic ns of the last check */
};

#define SQ(s) ((struct sqlite_store *)(s))

/* A pooled connection, or NULL when none can be opened (logged). */
struct conn *sq_conn_get(struct sqlite_store *s);
void sq_conn_put(struct sqlite_store *s, struct conn *c);

/* Statement @id of sqlite.c's table, prepared once per connection, reset. */
sqlite3_stmt *sq_stmt(struct conn *c, enum stmt_id id);
/* The same for a statement whose SQL lives in another file. */
sqlite3_stmt *sq_prepared(struct conn *c, enum stmt_id id, const char *sql);

/* Log and map the connection's last error to an enum err. */
int sq_db_err(sqlite3 *db, const char *what);
int sq_exec(struct conn *c, const char *sql);
int sq_step_done(struct conn *c, sqlite3_stmt *st, const char *what);
void sq_bind_text(sqlite3_stmt *st, int i, const char *s);
const char *sq_col_text(struct arena *a, sqlite3_stmt *st, int i);
const char *sq_col_text_or_empty(struct arena *a, sqlite3_stmt *st, int i);
/* Fill @a from a row in ARTICLE_COLS order (body left ""). */
void sq_read_article(struct arena *ar, sqlite3_stmt *st, struct article *a);

/* Backend functions implemented in sqlite_reactions.c. */
int sq_reactions_apply(struct store *s, struct reaction_change *changes,
		       size_t n);
int sq_reaction_state(struct store *s, int64_t article_id, const char *reader,
		      struct reaction_state *out);
int sq_article_id(struct store *s, const char *slug, int64_t *id);
int sq_reaction_top(struct store *s, struct arena *ar, int kind, int64_t since,
		    const struct top_cursor *before, size_t limit,
		    struct article_list *out, int64_t **counts);
int sq_secret(struct store *s, const char *name, unsigned char *out,
	      size_t len);

#endif
