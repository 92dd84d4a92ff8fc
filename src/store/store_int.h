/*
 * store_int.h - helpers the backends share.  Not used outside src/store/.
 */
#ifndef DATELINE_STORE_INT_H
#define DATELINE_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/embedded.h"
#include "store.h"
#include "store_stats.h"

struct db_driver;

/* The function table a backend provides; see the functions above. */
struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	/*
	 * The meta table's content version, read on the engine's own watch
	 * connection (store_generation() polls it): 0 or an error (also
	 * before migration 002 made the table).  moved() (may be NULL) is
	 * told when it changed, before the generation moves on.
	 */
	int (*content_version)(struct store *s, int64_t *out);
	void (*moved)(struct store *s);
	/* A line per read replica into @detail (store_ping()). */
	void (*replicas)(struct store *s, char *detail, size_t len);
	int (*reactions_apply)(struct store *s, struct reaction_change *changes,
			       size_t n);
	int (*watch_reactions)(struct store *s, store_reactions_fn fn,
			       void *arg);
	/* Across nodes (pg_notify.c). */
	int (*comment_announce)(struct store *s, enum comment_event ev,
				int64_t article_id, int64_t comment_id);
	int (*watch_comments)(struct store *s, store_comments_fn fn,
			      void *arg);
	int (*rate_take)(struct store *s, const char *key, unsigned per_minute,
			 bool take, bool *allowed, unsigned *retry_after);
	int (*add_replica)(struct store *s, const char *url, int max_lag_ms,
			   char *err, size_t errlen);
	uint64_t (*write_position)(struct store *s);
	/* The replicas' lag into out->replica[] (NULL: none). */
	void (*replica_lag)(struct store *s, struct store_stats *out);
};

/* What db.c counts for store_stats() (relaxed atomics, no lock). */
struct store_counters {
	atomic_uint_fast64_t wait[STORE_WAIT_BUCKETS + 1];
	atomic_uint_fast64_t wait_ns;
	atomic_uint_fast64_t errors[STORE_ERR_KINDS];
};

/*
 * Every engine's struct starts with this header: the operations only an
 * engine has (above), its half of the driver (db.h), the generation
 * page caches follow (moved on after each committed content change), the
 * slug -> id cache of store_article_id(), and the counters of
 * store_stats().
 */
struct store_idcache;
struct store {
	const struct store_ops *ops;
	const struct db_driver *db;
	atomic_uint_fast64_t generation;
	_Atomic(struct store_idcache *) ids;	/* store_article_id()'s */
	/* store_generation()'s poll of the content version */
	pthread_mutex_t watch_lock;
	int64_t watch_version;
	_Atomic int64_t watch_checked;		/* time_mono_ms() */
	struct store_counters counters;
};

/* Set up the header of a new engine store (store.c). */
void store_init(struct store *s, const struct store_ops *ops,
		const struct db_driver *db);

/* Free the cache of store_article_id() (store_close()). */
void store_idcache_free(struct store *s);

/*
 * Count failure @r of database work on @s (ERR_BUSY as busy; ERR_CONFLICT,
 * ERR_NOTFOUND and ERR_INVALID, which are answers, not failures, are not
 * counted).  db.c calls it for every statement; engine code that bypasses
 * the driver calls it itself.
 */
void store_count_error(struct store *s, int r);

/* Backend constructors (store.c chooses by URL). */
int store_open_sqlite(const char *path, struct store **out, char *err,
		      size_t errlen);
int store_open_pg(const char *url, struct store **out, char *err,
		  size_t errlen);


/*
 * The embedded migrations whose names start with @prefix ("sqlite/",
 * "postgres/"), sorted by name (so by number), at most @max; how many.
 */
size_t store_migration_files(const char *prefix,
			     const struct embedded_file **out, size_t max);

/*
 * The calling thread's read routing (store_reads_begin()): whether its
 * reads may go to a replica, and the log position a replica must have
 * replayed for them.  Backends raise @floor after the thread's writes.
 */
struct store_route {
	bool replica_ok;
	uint64_t floor;
};
struct store_route *store_route(void);

/*
 * Shared steps on stories (store_articles.c), over the driver (db.h).
 * ARTICLE_COLS are the columns art_read() reads, from ARTICLE_FROM.
 */
#define ARTICLE_COLS \
	"a.id, a.slug, a.headline, a.summary, a.dateline, a.author, " \
	"a.section, a.section_slug, a.photo_key, m.type, m.width, m.height, " \
	"a.caption, a.credit, a.photo_alt, a.status, a.published, a.created, " \
	"a.updated, a.version, a.lang, a.update_marked"
#define ARTICLE_NCOLS 22	/* how many columns ARTICLE_COLS has */
#define ARTICLE_FROM " FROM articles a LEFT JOIN media m ON m.key = a.photo_key "

struct dbc;
struct dbs;
struct dbv;
/* Fill @a from the row of @st, ARTICLE_COLS from column @col (body ""). */
void art_read(struct dbs *st, struct arena *ar, int col, struct article *a);
/* Read up to @limit rows of ARTICLE_COLS from @st into @out (arena);
 * a row past them sets out->more.  0 or an error. */
int art_read_list(struct dbs *st, struct arena *ar, size_t limit,
		  struct article_list *out);
/*
 * @a's 16 stored fields as parameters 1..16 of an article INSERT/UPDATE
 * (slug, headline, summary, dateline, body, author, section, section
 * slug, photo key, caption, credit, alt, published flag, published, @now)
 * into @v[0..14]; texts borrowed from @a.
 */
void art_args(struct dbv *v, const struct article *a, int64_t now);
/* Inside a transaction: replace article @id's tags by a->tags. */
int art_put_tags(struct dbc *c, int64_t id, const struct article *a);
/* Read article a->id's tags into @a (arena). */
int art_read_tags(struct dbc *c, struct arena *ar, struct article *a);
/* Store image @m (a second put of the same key is a no-op). */
int art_media_insert(struct dbc *c, const struct media *m);
/* Store images @media and the variant rows @variants (no-ops if there). */
struct photo_variant;
int art_photos_put(struct dbc *c, const struct media *media, size_t nmedia,
		   const struct photo_variant *variants, size_t nvariants);

/*
 * On @c: article @article_id's reaction counts, and @reader's reaction
 * when @reader is not NULL (out->mine, else -1) (store_reactions.c).
 */
int rx_state(struct dbc *c, int64_t article_id, const char *reader,
	     struct reaction_state *out);
/* On @c: @reader's reaction on the article into *mine, -1 for none. */
int rx_mine(struct dbc *c, int64_t article_id, const char *reader, int *mine);

/*
 * Queue @m (NULL: nothing) on @c in its transaction, due at @now
 * (store_accounts.c): the change that causes a message commits with it.
 */
int outbox_insert(struct dbc *c, const struct outbox_msg *m, int64_t now);

/*
 * Inside @c's transaction: @path answers 301 with @target from now on,
 * as store_redirect_set() (store_import.c).  ERR_INVALID for a path
 * that cannot be one or a redirect to itself; otherwise 0 or the
 * failure that sticks on @c.
 */
int redirect_put(struct dbc *c, const char *path, const char *target);

#endif
