/*
 * store.h - the one storage interface of dateline, in the site's words.
 *
 * Nothing outside src/store/ knows which database is underneath: the
 * embedded SQLite file (default) or, later, PostgreSQL.  A backend fills a
 * struct store_ops; store.c picks the backend from the URL and dispatches.
 *
 * Threads: a struct store may be used from any number of threads at once;
 * backends keep a pool of connections.  Memory: everything a store
 * function returns lives in the arena the caller passes (the request's),
 * so nothing is freed by hand.  Errors: 0 or a negative enum err; the store
 * never knows about HTTP.
 */
#ifndef DATELINE_STORE_H
#define DATELINE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

enum article_status { ARTICLE_DRAFT = 0, ARTICLE_PUBLISHED = 1 };

struct media;

struct tag {
	const char *slug;
	const char *name;
};

/* A stored lead photo (image bytes are fetched separately). */
struct photo_ref {
	const char *key;	/* media key, e.g. "3fa2...c1.jpg"; NULL: no photo */
	const char *type;	/* "image/jpeg" */
	int width, height;
};

struct article {
	int64_t id;
	const char *slug;
	const char *headline;
	const char *summary;
	const char *dateline;	/* place, e.g. "BEIRUT"; "" when none */
	const char *body;	/* Markdown source */
	const char *author;
	const char *section;	/* display name, e.g. "World" */
	const char *section_slug;
	struct tag *tags;
	size_t ntags;
	struct photo_ref photo;
	const char *caption;
	const char *credit;
	const char *photo_alt;
	enum article_status status;
	int64_t published;	/* Unix seconds; the publication time */
	int64_t created, updated;
	int64_t version;	/* 1 on insert, +1 on every update */
	/* On put only: an image to store in the same transaction (may be NULL). */
	const struct media *new_photo;
};

/* An image to store in the media table (content-addressed by its key). */
struct media {
	const char *key;
	const char *type;
	int width, height;
	const void *data;
	size_t len;
};

/* Keyset position in a newest-first list: rows strictly older than this. */
struct cursor {
	int64_t published;
	int64_t id;
};

struct article_query {
	const char *section_slug;	/* NULL: any */
	const char *tag_slug;		/* NULL: any */
	bool include_drafts;		/* false: published and not in the future */
	const struct cursor *before;	/* NULL: from the newest */
	size_t limit;			/* 1..100 */
};

struct section {
	const char *slug;
	const char *name;
	int64_t count;		/* published articles in it */
};

struct article_list {
	struct article *items;		/* without body */
	size_t n;
	bool more;			/* another page exists after the last item */
};

/* Reactions, in the order the page shows them. */
enum { REACTION_KINDS = 7 };
extern const char *const reaction_names[REACTION_KINDS];	/* "angry", ... */
extern const char *const reaction_labels[REACTION_KINDS];	/* "Angry", ... */
/* The index of reaction @name, or -1. */
int reaction_from_name(const char *name);

struct reaction_state {
	int64_t counts[REACTION_KINDS];
	int64_t total;
	int mine;		/* the reader's reaction, -1 for none */
};

enum reaction_op {
	REACTION_SET,		/* hold @kind (moving from another one) */
	REACTION_CLEAR,		/* hold none */
	REACTION_TOGGLE,	/* @kind again clears it, otherwise SET */
};

struct reaction_change {
	int64_t article_id;
	const char *reader;	/* "r:<hex>" anonymous, "u:<id>" account */
	enum reaction_op op;
	int kind;
	/* Filled by store_reactions_apply(): */
	int result;		/* 0 or an error for this change alone */
	/* Counts as of the commit of the whole batch; mine = the reader's
	 * reaction right after this change. */
	struct reaction_state state;
};

/* Keyset position in a most-reacted list. */
struct top_cursor {
	int64_t count;
	int64_t id;
};

struct store;

/*
 * Open the store named by @url: a file path (or "sqlite:PATH") for SQLite.
 * Does not create tables: call store_migrate().  On failure returns an error
 * and writes a one-line reason into @err.
 */
int store_open(const char *url, struct store **out, char *err, size_t errlen);
void store_close(struct store *s);

/* Create or upgrade the schema to the newest version, in one transaction per
 * migration.  *applied (may be NULL) gets the number of migrations run. */
int store_migrate(struct store *s, int *applied);

/* ERR_INVALID when the schema is older than this binary (run migrate). */
int store_check_schema(struct store *s);

/*
 * A number that changes whenever stored content changes, from this process or
 * any other (changes from elsewhere are seen within about 100 ms).  Cheap:
 * callers use it on every request to validate caches.
 */
uint64_t store_generation(struct store *s);

/*
 * Insert @a, or update the article with the same slug, in one transaction
 * (tags replaced, version + 1, created kept).  Fields id, created, updated,
 * version of @a are ignored; *id_out (may be NULL) gets the id and
 * *inserted (may be NULL) whether a new row was made.
 * ERR_INVALID when a required field is missing.
 */
int store_article_put(struct store *s, const struct article *a,
		      int64_t *id_out, bool *inserted);

/* The article with @slug (drafts only when @include_drafts), or ERR_NOTFOUND. */
int store_article_by_slug(struct store *s, struct arena *ar, const char *slug,
			  bool include_drafts, struct article **out);

/* A page of articles, newest first (by published, then id). */
int store_articles_list(struct store *s, struct arena *ar,
			const struct article_query *q, struct article_list *out);

/* The display name of a section or tag by slug, or ERR_NOTFOUND. */
int store_section_name(struct store *s, struct arena *ar, const char *slug,
		       const char **name);
int store_tag_name(struct store *s, struct arena *ar, const char *slug,
		   const char **name);

/* Store an image under m->key (a second put of the same key is a no-op). */
int store_media_put(struct store *s, const struct media *m);

/* The image stored under @key, or ERR_NOTFOUND; data in the arena. */
int store_media_get(struct store *s, struct arena *ar, const char *key,
		    struct media *out);

/* Sections with published articles, biggest first (at most 12). */
int store_sections(struct store *s, struct arena *ar, struct section **out,
		   size_t *n);

/*
 * Apply @n reaction changes in one transaction (group commit: one disk
 * flush for all).  Each change gets its own result: a change on a missing
 * article fails alone.  Returns an error only when the transaction itself
 * failed, and then no change was made.
 */
int store_reactions_apply(struct store *s, struct reaction_change *changes,
			  size_t n);

/* Counts of article @id, and @reader's reaction when @reader is not NULL. */
int store_reaction_state(struct store *s, int64_t article_id,
			 const char *reader, struct reaction_state *out);

/* The id of the published article with @slug, or ERR_NOTFOUND. */
int store_article_id(struct store *s, const char *slug, int64_t *id);

/*
 * Published articles with the most reactions of @kind (-1: of any kind,
 * then @since must be > 0) made since @since (0: all time), most first,
 * then newest id; @counts (arena) gets each
 * article's count.  Keyset pagination by @before (NULL: from the top).
 */
int store_reaction_top(struct store *s, struct arena *ar, int kind,
		       int64_t since, const struct top_cursor *before,
		       size_t limit, struct article_list *out,
		       int64_t **counts);

/*
 * The secret called @name (@len bytes), created with random bytes on first
 * use and shared by every process on this database.
 */
int store_secret(struct store *s, const char *name, unsigned char *out,
		 size_t len);

/* Number of articles, drafts included. */
int store_article_count(struct store *s, int64_t *n);

/* The function table a backend provides; see the functions above. */
struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	int (*migrate)(struct store *s, int *applied);
	int (*check_schema)(struct store *s);
	uint64_t (*generation)(struct store *s);
	int (*article_put)(struct store *s, const struct article *a,
			   int64_t *id_out, bool *inserted);
	int (*article_by_slug)(struct store *s, struct arena *ar,
			       const char *slug, bool include_drafts,
			       struct article **out);
	int (*articles_list)(struct store *s, struct arena *ar,
			     const struct article_query *q,
			     struct article_list *out);
	int (*section_name)(struct store *s, struct arena *ar, const char *slug,
			    const char **name);
	int (*tag_name)(struct store *s, struct arena *ar, const char *slug,
			const char **name);
	int (*media_put)(struct store *s, const struct media *m);
	int (*media_get)(struct store *s, struct arena *ar, const char *key,
			 struct media *out);
	int (*article_count)(struct store *s, int64_t *n);
	int (*sections)(struct store *s, struct arena *ar,
			struct section **out, size_t *n);
	int (*reactions_apply)(struct store *s, struct reaction_change *changes,
			       size_t n);
	int (*reaction_state)(struct store *s, int64_t article_id,
			      const char *reader, struct reaction_state *out);
	int (*article_id)(struct store *s, const char *slug, int64_t *id);
	int (*reaction_top)(struct store *s, struct arena *ar, int kind,
			    int64_t since, const struct top_cursor *before,
			    size_t limit, struct article_list *out,
			    int64_t **counts);
	int (*secret)(struct store *s, const char *name, unsigned char *out,
		      size_t len);
};

/* Every backend's struct starts with this header. */
struct store {
	const struct store_ops *ops;
};

/* Backend constructors (store.c chooses by URL). */
int store_open_sqlite(const char *path, struct store **out, char *err,
		      size_t errlen);

#endif
