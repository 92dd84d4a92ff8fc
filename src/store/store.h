/*
 * store.h - the one storage interface of dateline, in the site's words.
 *
 * Nothing outside src/store/ knows which database is underneath: the
 * embedded SQLite file (default) or PostgreSQL (several nodes on one
 * database).  Each function is written once, in the store_<area>.c of its
 * area, over the internal driver db.h; store_open() picks the engine from
 * the URL.
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

/*
 * Reader-facing code only sees DRAFT (not public) and PUBLISHED; the
 * newsroom (store_story_*) reads and writes the whole set.
 */
enum article_status {
	ARTICLE_DRAFT = 0,
	ARTICLE_PUBLISHED = 1,
	ARTICLE_READY = 2,		/* submitted for review */
	ARTICLE_SCHEDULED = 3,		/* published by the server at .published */
	ARTICLE_UNPUBLISHED = 4,	/* was public, taken down */
};
enum { ARTICLE_STATUSES = 5 };
extern const char *const status_names[ARTICLE_STATUSES];	/* "draft", ... */
/* The status called @name, or -1. */
int status_from_name(const char *name);

struct media;
struct story_query;
struct story_row;
struct story_save;
struct photo_variant;
struct revision;

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
	/* BCP 47 tag of the story's text when it is not the site's
	 * language ("en" on an Arabic site); "" for the site's. */
	const char *lang;
	enum article_status status;
	int64_t published;	/* Unix seconds; the publication time */
	int64_t created, updated;	/* updated: the last save of any kind */
	/* The last change an editor marked as an update readers are told of
	 * (0: none); see article_modified().  On store_article_put() 0
	 * keeps what the story had. */
	int64_t update_marked;
	int64_t version;	/* 1 on insert, +1 on every update */
	int64_t owner_id;	/* newsroom: the account that made it; 0: none */
	/* On put only: an image to store in the same transaction (may be NULL),
	 * and its responsive copies with their variant rows (may be none). */
	const struct media *new_photo;
	const struct media *new_copies;
	size_t ncopies;
	const struct photo_variant *new_variants;
	size_t nvariants;
};

/* When readers are told story @a last changed: its last marked update
 * if after its publication, else its publication (dateModified, the
 * feeds' updated, the sitemaps' lastmod, "Updated" on the page). */
static inline int64_t article_modified(const struct article *a)
{
	return a->update_marked > a->published ? a->update_marked : a->published;
}

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
	const char *author;		/* NULL: any; else this exact byline */
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
 * Open the store named by @url: a file path (or "sqlite:PATH") for SQLite,
 * "postgres://..." or "postgresql://..." (a libpq URL) for PostgreSQL.
 * Does not create tables: call store_migrate().  On failure returns an error
 * and writes a one-line reason into @err.
 */
int store_open(const char *url, struct store **out, char *err, size_t errlen);
void store_close(struct store *s);

/*
 * The SQLite file @url names (borrowed from @url, "sqlite:" taken off),
 * or NULL when @url is a PostgreSQL URL.  A new SQLite file is created
 * 0600 whatever the umask (its -wal and -shm files follow its mode): it
 * holds password hashes and the site's secrets.
 */
const char *store_sqlite_path(const char *url);

/*
 * Copy the SQLite database @url into the new file @dest (0600) while
 * servers read and write it (SQLite's online backup API; one read
 * transaction, so the copy is consistent), check it with PRAGMA
 * integrity_check, and only then give it its name (sqlite_backup.c).
 * ERR_UNSUPPORTED for PostgreSQL, ERR_CONFLICT when @dest exists; a
 * one-line reason in @err on any failure (nothing is left at @dest).
 */
int store_backup(const char *url, const char *dest, char *err, size_t errlen);

/*
 * One round trip to the database on a pooled connection (readiness
 * checks).  @detail (@len bytes, may be NULL) gets a line per read
 * replica, "replica NAME usable\n" or "... left out\n" (PostgreSQL;
 * empty otherwise).  ERR_DB when the database does not answer.
 */
int store_ping(struct store *s, char *detail, size_t len);

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
 * (tags replaced, version + 1, created kept).  a->status is the full
 * newsroom status (a scheduled story is published by the scheduler at
 * a->published).  a->updated is stored as the last change (0: now);
 * fields id, created, owner_id, version of @a are ignored (created is
 * now on insert, kept on update); *id_out (may be NULL) gets the id and
 * *inserted (may be NULL) whether a new row was made.
 * ERR_INVALID when a required field is missing.
 */
int store_article_put(struct store *s, const struct article *a,
		      int64_t *id_out, bool *inserted);

/* A correction appended to a story (021_updates.sql of each engine). */
#define CORRECTION_MAX 2000	/* bytes of one correction's text */
struct correction {
	int64_t created;	/* Unix seconds */
	const char *body;	/* plain text */
};

/*
 * The corrections of story @article_id, oldest first, into *@out (arena)
 * and *@n; at most 100.
 */
int store_corrections(struct store *s, struct arena *ar, int64_t article_id,
		      struct correction **out, size_t *n);

/* The article with @slug (drafts only when @include_drafts), or ERR_NOTFOUND. */
int store_article_by_slug(struct store *s, struct arena *ar, const char *slug,
			  bool include_drafts, struct article **out);

/* A page of articles, newest first (by published, then id). */
int store_articles_list(struct store *s, struct arena *ar,
			const struct article_query *q, struct article_list *out);

/*
 * Published stories related to story @article_id, at most @limit (1 to
 * 100): those sharing the most of its tags first, then one in its
 * section, then the newest.  Stories without a shared tag are not
 * listed (the section's newest are a list of their own).
 */
int store_related(struct store *s, struct arena *ar, int64_t article_id,
		  size_t limit, struct article_list *out);

/*
 * Published stories like story @article_id, at most @limit (1 to 100),
 * the most alike first: those whose headline or tags hold a word of its
 * headline (four letters or more, not a function word), ranked as a
 * search ranks them (store_search.c).  None when it has no such word.
 */
int store_similar(struct store *s, struct arena *ar, int64_t article_id,
		  size_t limit, struct article_list *out);

/*
 * Where "newer stories" leads from a page of @q whose newest story is at
 * @first, for pages of @page stories: *prev_kind 0 when nothing is newer,
 * 1 when the newer page is the first one (no cursor), 2 when it is the
 * page before *prev.  Only q's filters are used.
 */
int store_list_prev(struct store *s, const struct article_query *q,
		    const struct cursor *first, size_t page, int *prev_kind,
		    struct cursor *prev);

/* The display name of a section or tag by slug, or ERR_NOTFOUND. */
int store_section_name(struct store *s, struct arena *ar, const char *slug,
		       const char **name);
int store_tag_name(struct store *s, struct arena *ar, const char *slug,
		   const char **name);

/* Store an image under m->key (a second put of the same key is a no-op). */
int store_media_put(struct store *s, const struct media *m);

/* Store the @n images @items (a photo and its copies) and the variant rows
 * @variants in one transaction (those already there are no-ops). */
int store_photo_put(struct store *s, const struct media *items, size_t n,
		    const struct photo_variant *variants, size_t nvariants);

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

/* ---- Reader accounts (sql/sqlite/003_accounts.sql) ---- */

enum account_role { ROLE_READER, ROLE_AUTHOR, ROLE_EDITOR, ROLE_ADMIN };
enum { ACCOUNT_ROLES = 4 };
extern const char *const role_names[ACCOUNT_ROLES];	/* "reader", ... */
/* The role called @name, or -1. */
int role_from_name(const char *name);

struct account {
	int64_t id;
	const char *email;
	const char *name;	/* display name */
	const char *password;	/* crypto_pwhash_str() string ($argon2id$...) */
	enum account_role role;
	bool verified;		/* the e-mail address was confirmed */
	int64_t created;
	/* BCP 47 tag of the newsroom's language for this account; "" for
	 * the site's (at most ACCOUNT_LANGUAGE_MAX bytes). */
	const char *language;
	/* When mail to the address was refused for good (an SMTP 5xx), 0
	 * while it is delivered; the server's answer (never NULL). */
	int64_t bounced;
	const char *bounce_reason;
	/* Banned by a moderator (store_account_ban()): may log in and read,
	 * but not comment, react, like or report. */
	bool banned;
};

#define ACCOUNT_LANGUAGE_MAX 35

/*
 * An e-mail to queue in the outbox, in the same transaction as the change
 * that causes it.  @data is the whole RFC 5322 message (CRLF line ends).
 * A @notice is mail the reader did not ask for just then (a reply to
 * their comment, "your password was changed"): it is not queued while
 * an account with the address @to bounces (account.bounced), and
 * nothing fails for it.  Links the reader asked for (confirmation,
 * reset) are always queued: they are how an address is confirmed again.
 */
struct outbox_msg {
	const char *to;
	const char *data;
	bool notice;
};

/* Several messages queued together (one per moderator); @n may be 0. */
struct outbox_batch {
	const struct outbox_msg *const *msgs;
	size_t n;
};

/* A queued message as the sender thread sees it. */
struct outbox_item {
	int64_t id;
	const char *to;
	const char *data;
	int attempts;		/* failed deliveries so far */
};

/* What a one-time token in a link is for. */
enum token_purpose { TOKEN_VERIFY, TOKEN_RESET, TOKEN_EMAIL };

/*
 * Token and session values are never stored: callers pass their hash
 * (64 hex digits, see auth/tokens.h) wherever "hash" appears below.
 */

/*
 * Create account @a (id and created ignored) and, in the same transaction,
 * its verification token (@verify_hash, may be NULL, valid until
 * @verify_expires) and @mail (may be NULL).  ERR_CONFLICT when the e-mail
 * address is taken (nothing is written then).
 */
int store_account_create(struct store *s, const struct account *a,
			 const char *verify_hash, int64_t verify_expires,
			 const struct outbox_msg *mail, int64_t *id);

/* The account with @email (case-insensitive) or @id; ERR_NOTFOUND. */
int store_account_by_email(struct store *s, struct arena *ar, const char *email,
			   struct account *out);
int store_account_by_id(struct store *s, struct arena *ar, int64_t id,
			struct account *out);

/* All accounts, oldest first (arena array). */
int store_accounts_list(struct store *s, struct arena *ar,
			struct account **out, size_t *n);
/* The accounts that moderate comments (editors and admins, confirmed and
 * not banned), oldest first (arena array). */
int store_moderators(struct store *s, struct arena *ar, struct account **out,
		     size_t *n);
/* Banned accounts, the newest first, at most BANNED_LIST_MAX (a page's
 * worth: older ones are on the users page). */
#define BANNED_LIST_MAX "100"
int store_accounts_banned(struct store *s, struct arena *ar,
			  struct account **out, size_t *n);

/* Change the display name or the role of account @id; ERR_NOTFOUND. */
int store_account_set_name(struct store *s, int64_t id, const char *name);
int store_account_set_role(struct store *s, int64_t id, enum account_role role);
/* The newsroom language of account @id (@tag: a BCP 47 tag, "" for the
 * site's); ERR_INVALID when longer than ACCOUNT_LANGUAGE_MAX, ERR_NOTFOUND. */
int store_account_set_language(struct store *s, int64_t id, const char *tag);

/*
 * Tell the store the site's language (BCP 47 @tag), which search stems
 * stories without their own language in; a change indexes those again
 * (once: the tag is kept in the database).  ERR_INVALID, ERR_DB.
 */
int store_site_language(struct store *s, const char *tag);

/*
 * Set account @id's password hash.  In one transaction: when
 * @reset_hash is not NULL that reset token is consumed first (ERR_NOTFOUND
 * when it is gone or expired at @now: nothing changes), and since its
 * link reached the reader the account no longer bounces; every reset token
 * of the account dies; every session except @keep_session (may be NULL)
 * ends; @mail (may be NULL) is queued.
 */
int store_account_set_password(struct store *s, int64_t id, const char *hash,
			       const char *reset_hash, const char *keep_session,
			       int64_t now, const struct outbox_msg *mail);

/* Replace the password hash only (a rehash with new limits at log in). */
int store_account_rehash(struct store *s, int64_t id, const char *hash);

/*
 * Delete account @id with its sessions, tokens and queued mail.  What the
 * reader wrote (reactions under "u:<id>") stays, owned by nobody.
 */
int store_account_delete(struct store *s, int64_t id);

/*
 * Store a token of @purpose for account @id (@email: the new address of
 * TOKEN_EMAIL, else NULL) valid until @expires, and queue @mail (may be
 * NULL), in one transaction.
 */
int store_token_add(struct store *s, int64_t account_id,
		    enum token_purpose purpose, const char *hash,
		    const char *email, int64_t expires,
		    const struct outbox_msg *mail);

/* The account a live token belongs to (not consumed); ERR_NOTFOUND. */
int store_token_find(struct store *s, struct arena *ar,
		     enum token_purpose purpose, const char *hash, int64_t now,
		     struct account *out);

/*
 * Consume a TOKEN_VERIFY (the account becomes verified) or TOKEN_EMAIL
 * (the account takes the new address, verified) token; either way the
 * account no longer bounces.  ERR_NOTFOUND when
 * gone or expired, ERR_CONFLICT when the new address was taken meanwhile.
 * *account_id (may be NULL) gets the account.
 */
int store_token_apply(struct store *s, enum token_purpose purpose,
		       const char *hash, int64_t now, int64_t *account_id);

/* A new session @hash for account @id, started at @now. */
int store_session_create(struct store *s, const char *hash, int64_t account_id,
			 int64_t now);

/*
 * The account of session @hash, or ERR_NOTFOUND when there is none or it
 * expired at @now: idle for more than @idle seconds or older than
 * @absolute seconds (an expired session is deleted).  The session's last
 * use is recorded at most once a minute.
 */
int store_session_get(struct store *s, struct arena *ar, const char *hash,
		      int64_t now, int64_t idle, int64_t absolute,
		      struct account *out);

/* End session @hash (no error when it is gone). */
int store_session_delete(struct store *s, const char *hash);

/* End every session of account @id except @keep (may be NULL). */
int store_sessions_end(struct store *s, int64_t account_id, const char *keep);

/* Queue @mail on its own. */
int store_outbox_add(struct store *s, const struct outbox_msg *mail);

/*
 * Up to @limit messages due at @now, oldest first (arena array).  On
 * PostgreSQL the messages are claimed for this caller: they are not due
 * for any other node for a few minutes (unless store_outbox_retry() makes
 * them due sooner), so several nodes send each message once.
 */
int store_outbox_due(struct store *s, struct arena *ar, int64_t now,
		     size_t limit, struct outbox_item **out, size_t *n);

/* Message @id was delivered: forget it. */
int store_outbox_sent(struct store *s, int64_t id);

/* Delivery of @id failed with @error: try again at @next_attempt. */
int store_outbox_retry(struct store *s, int64_t id, int64_t next_attempt,
		       const char *error);

/* The soonest next_attempt of any queued message; ERR_NOTFOUND when none. */
int store_outbox_next(struct store *s, int64_t *when);

/*
 * Mail to @address was refused for good at @when with @reason (an SMTP
 * 5xx): the account with that address (ignoring case), if any, bounces
 * from now on: notices to it are not queued (struct outbox_msg) until
 * its address is confirmed again (store_token_apply() of a TOKEN_VERIFY
 * or TOKEN_EMAIL token, or a password set with a reset token, clears
 * it).  0 also when no account has the address.
 */
int store_address_bounced(struct store *s, const char *address, int64_t when,
			  const char *reason);

/* ---- Changes made by other nodes on the same database ---- */

/* Called with the id of an article whose reactions another node changed. */
typedef void (*store_reactions_fn)(void *arg, int64_t article_id);

/*
 * Call @fn(@arg, id) from a store thread, after the commit, whenever
 * another process on this database changed the reactions of article id
 * (PostgreSQL: LISTEN/NOTIFY; changes of this store itself are not
 * reported).  @fn NULL stops the calls and returns once none is running.
 * ERR_UNSUPPORTED on SQLite, where one process serves the file.
 */
int store_watch_reactions(struct store *s, store_reactions_fn fn, void *arg);

/*
 * Comments across nodes.  store_comment_announce() tells the other nodes
 * (PostgreSQL: NOTIFY, sent at once, after the change was committed)
 * that, for COMMENT_SHOWN, comment @comment_id of article @article_id
 * became visible, or with @comment_id 0 that only the article's comment
 * count changed; for COMMENT_LIKES, that the likes of comment @comment_id
 * (> 0) changed.  Their store_watch_comments() callback gets the same
 * three values, from the store's listener thread; a store never hears
 * its own announcements.  @fn NULL stops the calls.  Both ERR_UNSUPPORTED
 * on SQLite (one process).  ERR_INVALID for likes of comment 0.
 */
enum comment_event { COMMENT_SHOWN, COMMENT_LIKES };
typedef void (*store_comments_fn)(void *arg, enum comment_event ev,
				  int64_t article_id, int64_t comment_id);
int store_comment_announce(struct store *s, enum comment_event ev,
			   int64_t article_id, int64_t comment_id);
int store_watch_comments(struct store *s, store_comments_fn fn, void *arg);

/*
 * Rate limits shared by every node on the database: a token bucket of
 * @per_minute (>= 1) tokens per @key, refilled continuously on the
 * database's clock.  Takes a token when @take (else only looks); sets
 * *allowed, and *retry_after (seconds, >= 1) when not allowed.  Buckets
 * untouched for two minutes are full and get deleted.  ERR_UNSUPPORTED on
 * SQLite (one process: the in-memory limiter, auth/ratelimit.h, is enough).
 */
int store_rate_take(struct store *s, const char *key, unsigned per_minute,
		    bool take, bool *allowed, unsigned *retry_after);

/* ---- Moving a whole site between databases (dateline copy) ---- */

/* A value of a copied column. */
struct copy_cell {
	enum { CELL_NULL, CELL_INT, CELL_BYTES } kind;
	int64_t i;		/* CELL_INT */
	const void *p;		/* CELL_BYTES: text or blob, @len bytes */
	size_t len;
};

/* The most columns a table `dateline copy` moves may have. */
enum { COPY_MAX_COLS = 32 };

/*
 * A table as `dateline copy` moves it: columns @cols (@ncols), each typed
 * by a letter of @types ('i' integer, 't' text, 'b' bytes); the first
 * @nkeys columns are its key, read in their order.  Names come from a
 * fixed list in the code, never from input.
 */
struct copy_table {
	const char *name;
	const char *const *cols;
	int ncols;
	const char *types;
	int nkeys;
};

/* How store_copy_write() treats rows whose key is already there. */
enum copy_mode {
	COPY_KEEP,	/* insert new rows, leave existing ones */
	COPY_REPLACE,	/* insert, or overwrite every column */
	COPY_UPDATE,	/* only overwrite the non-key columns of existing rows */
};

/*
 * At most @limit rows of @t with a key greater than @after (@t->nkeys
 * cells; NULL: from the first), in key order: *rows gets @n x ncols cells,
 * row after row, in the arena.
 */
int store_copy_read(struct store *s, struct arena *ar,
		    const struct copy_table *t, const struct copy_cell *after,
		    size_t limit, struct copy_cell **rows, size_t *n);

/* Write @n rows (@n x ncols cells) of @t in one transaction, per @mode. */
int store_copy_write(struct store *s, const struct copy_table *t,
		     const struct copy_cell *rows, size_t n,
		     enum copy_mode mode);

/* The number of rows of @t. */
int store_copy_count(struct store *s, const struct copy_table *t, int64_t *n);

/*
 * After rows were copied in: identity sequences moved past the copied ids
 * (PostgreSQL) and the content version moved on, so running servers drop
 * their caches.
 */
int store_copy_done(struct store *s);

/* ---- Read replicas (PostgreSQL streaming replicas) ---- */

/*
 * Send read-only queries of public content to the streaming replica at
 * @url as well (call before serving; at most STORE_MAX_REPLICAS).  A
 * replica that is down, not in recovery, or whose replay is more than
 * @max_lag_ms behind the primary is left out until it is well again;
 * reads then go to the primary.  ERR_INVALID with a reason in @err for a
 * bad URL or a server that is not a replica; ERR_UNSUPPORTED on SQLite.
 */
#define STORE_MAX_REPLICAS 8
int store_add_replica(struct store *s, const char *url, int max_lag_ms,
		      char *err, size_t errlen);

/*
 * Read routing of the calling thread.  Reads may go to a replica only
 * between store_reads_begin() and store_reads_end() (a request of a
 * visitor that writes nothing), and only to a replica that has replayed
 * the primary's log up to @floor (a position from store_write_position(),
 * e.g. carried by the reader's cookie after a write: read-your-writes),
 * to this node's newest content change, and to every write this thread
 * made since.  Every other thread (jobs, writers, mail) reads from the
 * primary.  No-ops without replicas.
 */
void store_reads_begin(uint64_t floor);
void store_reads_end(void);

/*
 * The primary's log position after the newest write this process
 * committed; 0 without replicas (or before any write).
 */
uint64_t store_write_position(struct store *s);

/* ---- Search and sitemaps (sql/sqlite/006_search.sql) ---- */

/* The byte size of the image stored under @key (feeds' enclosures), or
 * ERR_NOTFOUND; the bytes are not read. */
int store_media_size(struct store *s, const char *key, int64_t *size);

/* Keyset position in search results: rows ranked after this one. */
struct search_cursor {
	int64_t score;
	int64_t published;
	int64_t id;
};

/* Marks around matched words in a search snippet (plain text otherwise). */
#define SEARCH_MARK_OPEN '\x01'
#define SEARCH_MARK_CLOSE '\x02'

struct search_hit {
	struct article article;	/* without body */
	const char *snippet;	/* text around the match, with marks */
	int64_t score;		/* relevance, higher is better, >= 0 */
};

struct search_results {
	struct search_hit *hits;
	size_t n;
	bool more;		/* another page exists after the last hit */
	int64_t total;		/* all the stories that match, every page */
	int terms;		/* words and phrases searched for; 0: nothing
				 * searchable in the text (no hits, no error) */
};

/* At most this many bytes of a reader's search text are used. */
#define SEARCH_TEXT_MAX 256

/*
 * Public stories matching the reader's search @text, whatever it holds:
 * the backend builds a safe query of its own ("a phrase", prefix*, the
 * last word also as a prefix, -excluded, other words as terms, all
 * required; src/store/fts_query.h).  Best first: relevance over headline,
 * summary, body, tags and author, then newest.  Keyset pagination by
 * @after (NULL: from the top); @limit 1..50.  Only the first
 * SEARCH_TEXT_MAX bytes of @text count.
 */
int store_search(struct store *s, struct arena *ar, const char *text,
		 const struct search_cursor *after, size_t limit,
		 struct search_results *out);

enum sitemap_kind { SITEMAP_ARTICLES, SITEMAP_TAGS };

/* One sitemap file of a kind, and the newest change of what it lists. */
struct sitemap_part {
	int64_t number;
	int64_t modified;
};

/* One URL of a sitemap: a story (slug, section_slug, published), a tag
 * (slug) or a section (slug). */
struct sitemap_url {
	const char *slug;
	const char *section_slug;
	int64_t published;
	int64_t modified;
};

/*
 * The non-empty parts of the @kind sitemap, ascending.  Part N lists the
 * public rows with ids from N * @per_part + 1 to (N + 1) * @per_part, so a
 * URL stays in the same part for good and no part holds more than
 * @per_part URLs.
 */
int store_sitemap_parts(struct store *s, struct arena *ar,
			enum sitemap_kind kind, int64_t per_part,
			struct sitemap_part **out, size_t *n);

/* The URLs of part @number of the @kind sitemap (arena array). */
int store_sitemap_urls(struct store *s, struct arena *ar,
		       enum sitemap_kind kind, int64_t number, int64_t per_part,
		       struct sitemap_url **out, size_t *n);

/* Every section with public stories (at most @max), by slug. */
int store_sitemap_sections(struct store *s, struct arena *ar, size_t max,
			   struct sitemap_url **out, size_t *n);
/* ---- Newsroom (sql/sqlite/005_newsroom.sql) ---- */

/* Stories for the newsroom's list, newest change first (keyset by
 * cursor.published = updated, cursor.id = id). */
struct story_query {
	int status;			/* enum article_status; -1: any */
	const char *section_slug;	/* NULL: any */
	const char *author;		/* byline, exact; NULL: any */
	const char *search;		/* in the headline, any case; NULL: any */
	const char *slug;		/* exactly this slug; NULL: any */
	const struct cursor *before;	/* changed before (updated, id); NULL: from the newest */
	size_t limit;			/* 1..500 */
};

struct story_row {
	struct article a;	/* without body and tags; status is the full one */
	int64_t reactions;	/* reactions held now, all kinds */
	int64_t comments;	/* visible comments */
};

int store_stories(struct store *s, struct arena *ar,
		  const struct story_query *q, struct story_row **out,
		  size_t *n);

/* Story @id in any status, with body, tags and owner; ERR_NOTFOUND. */
int store_story_get(struct store *s, struct arena *ar, int64_t id,
		    struct article **out);

/* A responsive copy of a lead photo (@media_key names its bytes). */
struct photo_variant {
	const char *photo_key;
	const char *type;
	int width, height;
	const char *media_key;
};

/* One save from the newsroom. */
struct story_save {
	const struct article *a;	/* a->id 0: a new story */
	bool mark_update;		/* this change is an update readers
					 * are told of (update_marked = now) */
	const char *correction;		/* NULL or "": none; else appended
					 * (at most CORRECTION_MAX bytes) */
	int64_t expect_version;		/* the version the editor loaded */
	int64_t account_id;		/* who saves (kept with the revision) */
	const char *who;		/* their display name */
	const char *tags_text;		/* the tags as typed, for the revision */
	/* Images to store first (lead photo and its variants) and the
	 * variant rows to record; all in the same transaction. */
	const struct media *media;
	size_t nmedia;
	const struct photo_variant *variants;
	size_t nvariants;
};

/*
 * Insert or update a story and keep a revision of it, in one transaction
 * (content version bumped).  An update applies only when the stored
 * version is still sv->expect_version: else ERR_STALE and nothing is
 * written.  ERR_CONFLICT when another story has the slug, ERR_NOTFOUND
 * when the story is gone.  *id and *version get the saved row's.
 */
int store_story_save(struct store *s, const struct story_save *sv,
		     int64_t *id, int64_t *version);

/* *free is whether @slug is unused by any story other than @except_id. */
int store_slug_free(struct store *s, const char *slug, int64_t except_id,
		    bool *free);

/* The variants of lead photo @photo_key, smallest first, by type. */
int store_photo_variants(struct store *s, struct arena *ar,
			 const char *photo_key, struct photo_variant **out,
			 size_t *n);

/* A saved revision: the story as it was (a.body and tags_text set). */
struct revision {
	int64_t id;
	int64_t version;
	int64_t account_id;
	const char *who;
	int64_t created;
	const char *tags_text;
	struct article a;	/* a.id is the story, a.updated = created */
};

/* Revisions of story @article_id, newest first (at most 500; bodies
 * left ""). */
int store_revisions(struct store *s, struct arena *ar, int64_t article_id,
		    struct revision **out, size_t *n);
/* Revision @rev_id of story @article_id with its body; ERR_NOTFOUND. */
int store_revision_get(struct store *s, struct arena *ar, int64_t article_id,
		       int64_t rev_id, struct revision *out);

/*
 * Publish every scheduled story whose time is at or before @now (one
 * transaction, content version bumped when any).  *published (may be
 * NULL) gets how many.
 */
int store_publish_due(struct store *s, int64_t now, int *published);

/*
 * Reactions held now on story @article_id, by the time they were made:
 * @counts[i * REACTION_KINDS + kind] for the @nsteps windows of @step
 * seconds from @since.  @counts is zeroed first.
 */
int store_reaction_series(struct store *s, int64_t article_id, int64_t since,
			  int64_t step, size_t nsteps, int64_t *counts);
/* ---- Comments (sql/sqlite/004_comments.sql; store_comments.c) ---- */

enum comment_status {
	COMMENT_VISIBLE, COMMENT_HELD, COMMENT_REJECTED, COMMENT_SPAM,
	COMMENT_DELETED
};
enum comment_mode { COMMENT_OPEN, COMMENT_HOLD_FIRST, COMMENT_HOLD_ALL };
enum { COMMENT_MODES = 3 };
extern const char *const comment_mode_names[COMMENT_MODES]; /* "open", ... */
enum comment_sort { COMMENT_OLDEST, COMMENT_NEWEST, COMMENT_LIKED };
enum comment_action { COMMENT_APPROVE, COMMENT_REJECT, COMMENT_MARK_SPAM };

struct comment {
	int64_t id, article_id;
	int64_t parent_id;	/* 0: a top-level comment */
	int64_t root_id;	/* the top-level comment of its thread */
	int depth;		/* 0 top level, 1 a reply, ... */
	int64_t account_id;	/* 0: the account was deleted */
	const char *author;	/* display name; "" without account */
	const char *body;	/* Markdown source; "" when deleted */
	const char *html;	/* body rendered when written; "" when deleted */
	enum comment_status status;
	int64_t likes, reports, created;
	int64_t edited;		/* 0: never edited */
	bool liked;		/* by the viewer of the query */
	/* Filled by store_comment_get() only: */
	const char *author_email;	/* "" without account */
	bool author_wants_mail;	/* reply notifications on */
	const char *article_slug, *article_headline;
};

/* What a new comment is checked against, and what happened to it. */
enum comment_refusal {
	COMMENT_ACCEPTED = 0,
	COMMENT_CLOSED,		/* the article takes no comments now */
	COMMENT_NO_PARENT,	/* the parent is not a visible comment here */
	COMMENT_TOO_DEEP,	/* the parent is at the deepest level */
	COMMENT_DUPLICATE,	/* the same text from the same account, lately */
	COMMENT_BANNED,		/* the account is banned */
};

struct comment_post {
	int64_t article_id, parent_id, account_id;
	const char *body, *body_hash, *ip;
	const char *html;	/* body rendered (comment_render()) */
	int64_t now;
	enum comment_mode site_mode;	/* unless the article has its own */
	bool hold;		/* hold whatever the mode (too many links) */
	int max_depth;		/* replies nest at most this deep */
	int64_t close_after;	/* seconds after publication; 0: never */
	int64_t dup_window;	/* seconds a duplicate is looked for */
	/* Queued in the same transaction when the comment is visible at
	 * once (a reply notification); may be NULL. */
	const struct outbox_msg *mail;
	/* Queued in the same transaction when the comment is held (to the
	 * moderators); may be empty. */
	struct outbox_batch held_mail;
	/* Results. */
	enum comment_refusal refusal;
	int64_t id;
	enum comment_status status;
	int64_t count;		/* visible comments of the article after */
};

/* An article's comment state. */
struct comment_settings {
	int64_t article_id;
	int64_t count;		/* visible comments */
	int mode;		/* enum comment_mode, or -1: the site's */
	bool closed;		/* closed by an editor */
	int64_t published;
};

struct comment_query {
	int64_t article_id;
	enum comment_sort sort;
	/* Keyset: top-level comments after this (created or likes, id) in
	 * the sort order; NULL from the first. */
	const struct cursor *after;
	size_t limit;		/* top-level comments, 1..100 */
	int64_t viewer;		/* account for comment.liked; 0 none */
};

struct comment_page {
	/*
	 * Each top-level comment followed by its thread (oldest first).
	 * Comments in any other status than visible are placeholders, with
	 * body, html and author "": a top-level one is listed only while its
	 * thread has a visible reply, replies in every status (the page keeps
	 * those with a visible reply below them).
	 */
	struct comment *items;
	size_t n;
	bool more;		/* more top-level comments follow */
	struct cursor next;	/* the position to continue from */
};


/*
 * Add comment @p in one transaction: checks (closed, parent, depth,
 * duplicate, ban) refuse it with p->refusal and nothing written; else
 * its status follows the mode (the article's, else p->site_mode) and
 * p->hold, p->mail is queued when it is visible, and p->id, p->status
 * and p->count are set.  ERR_NOTFOUND when the article is not published.
 */
int store_comment_post(struct store *s, struct comment_post *p);

/* A page of an article's comments (see struct comment_page). */
int store_comments_list(struct store *s, struct arena *ar,
			const struct comment_query *q,
			struct comment_page *out);

/* Comment @id in any status, with its author's and article's details;
 * ERR_NOTFOUND. */
int store_comment_get(struct store *s, struct arena *ar, int64_t id,
		      int64_t viewer, struct comment *out);

/* Replace the body (and its rendering @html) of comment @id, marked
 * edited at @now. */
int store_comment_edit(struct store *s, int64_t id, const char *body,
		       const char *html, const char *body_hash, int64_t now);

/* Delete comment @id: its text goes, a placeholder keeps the thread. */
int store_comment_delete(struct store *s, int64_t id);

/* Like (@on) or unlike comment @id as @account_id; *likes (may be NULL)
 * gets the new count.  ERR_NOTFOUND when the comment is not visible. */
int store_comment_like(struct store *s, int64_t id, int64_t account_id,
		       bool on, int64_t *likes);

/*
 * Report comment @id (once per account; again is no error).  When this
 * report is the first since a moderator last reviewed the comment (it
 * brings it to the queue), @mail (may be NULL: none) is queued in the
 * same transaction and *queued (may be NULL) set.  ERR_NOTFOUND when the
 * comment is not visible.
 */
int store_comment_report(struct store *s, int64_t id, int64_t account_id,
			 int64_t now, const struct outbox_batch *mail,
			 bool *queued);

/*
 * Approve (visible, its reports marked reviewed so they no longer bring it
 * to the queue), reject or mark as spam comment @id; ERR_NOTFOUND when it
 * is deleted or unknown.
 * @mail (may be NULL) is queued in the same transaction only when the
 * comment becomes visible; *now_visible (may be NULL) says whether it did.
 */
int store_comment_moderate(struct store *s, int64_t id,
			   enum comment_action act,
			   const struct outbox_msg *mail, bool *now_visible);

/* Ban account @id: no more comments; its held comments become spam and
 * its sessions end. */
int store_account_ban(struct store *s, int64_t account_id);
/* Lift the ban of account @id (its removed comments stay removed);
 * ERR_NOTFOUND when there is no such account. */
int store_account_unban(struct store *s, int64_t account_id);

/* Held comments and reported ones not yet reviewed, oldest first. */
int store_comment_queue(struct store *s, struct arena *ar, size_t limit,
			struct comment **out, size_t *n);

/* The comment state of article @id; ERR_NOTFOUND. */
int store_comment_settings(struct store *s, int64_t article_id,
			   struct comment_settings *out);

/* Set article @id's moderation @mode (-1: the site's) and closed flag. */
int store_comment_settings_set(struct store *s, int64_t article_id, int mode,
			       bool closed);

/* Visible comment counts of articles @ids (0 for unknown ids). */
int store_comment_counts(struct store *s, const int64_t *ids, size_t n,
			 int64_t *counts);

/* Turn reply notification mail of account @id on or off. */
int store_account_reply_mail(struct store *s, int64_t account_id, bool on);

/* Whether account @id is banned. */
int store_account_banned(struct store *s, int64_t account_id, bool *banned);

/*
 * Published stories with the most visible comments made since @since,
 * most first (at most @limit, 1..100); @counts (arena) gets each count.
 */
int store_comment_top(struct store *s, struct arena *ar, int64_t since,
		      size_t limit, struct article_list *out, int64_t **counts);

/* ---- Static pages (sql/sqlite/011_pages.sql; store_pages.c) ---- */

enum page_status { PAGE_DRAFT = 0, PAGE_PUBLISHED = 1 };

/* How deep pages nest: a page and at most three ancestors. */
#define PAGE_DEPTH_MAX 4

/*
 * A static page (About, Contact, Imprint).  @path is its ancestors' slugs
 * and its own joined by "/" ("about/team"), kept by the store: a page
 * answers at "/" PATH "/".
 */
struct page {
	int64_t id;
	int64_t parent_id;	/* 0: a top-level page */
	const char *slug, *path, *title;
	const char *body;	/* Markdown; "" in lists */
	enum page_status status;
	int64_t owner_id;	/* 0: none (imported without an account) */
	int64_t created, updated, version;
};

/* Page @id in any status; ERR_NOTFOUND. */
int store_page_get(struct store *s, struct arena *ar, int64_t id,
		   struct page **out);
/* The published page at @path ("about/team", no slashes around); ERR_NOTFOUND. */
int store_page_by_path(struct store *s, struct arena *ar, const char *path,
		       struct page **out);
/*
 * Pages by path (bodies left ""): only published ones when
 * @published_only, only top-level ones when @top_only.  At most @max.
 */
int store_pages_list(struct store *s, struct arena *ar, bool published_only,
		     bool top_only, size_t max, struct page **out, size_t *n);

/*
 * Save @p in one transaction: p->id 0 inserts (*id gets the new id),
 * else updates when the stored version is still @expect_version (else
 * ERR_STALE, nothing written; ERR_NOTFOUND when it is gone).  The path
 * comes from p->parent_id and p->slug; the pages below a page whose path
 * changes move with it, and each published page whose address changed
 * keeps the old one as a 301 (redirects).  ERR_INVALID for a bad slug, a
 * parent that is missing, the page itself or below it, or nesting deeper
 * than PAGE_DEPTH_MAX; ERR_CONFLICT when another page has the path.
 * Content version bumped when a published page changed.  *version (may be
 * NULL) gets the saved version.
 */
int store_page_save(struct store *s, const struct page *p,
		    int64_t expect_version, int64_t *id, int64_t *version);

/*
 * Imports (store_import.c).  An import remembers what each exported item
 * became, keyed by the export's site address (@source), the kind of item
 * and its id there, so an export imported again updates in place.
 */
enum import_kind { IMPORT_POST = 0, IMPORT_COMMENT = 1, IMPORT_PAGE = 2 };

/* The local id item (@source, @kind, @wp_id) became; ERR_NOTFOUND. */
int store_import_find(struct store *s, const char *source, int kind,
		      int64_t wp_id, int64_t *local_id);
/* Account @owner_id (0: none) owns story @id from now on: its author in
 * the newsroom. */
int store_story_owner_set(struct store *s, int64_t id, int64_t owner_id);
/* Remember that item (@source, @kind, @wp_id) became @local_id. */
int store_import_note(struct store *s, const char *source, int kind,
		      int64_t wp_id, int64_t local_id);

/*
 * Old addresses: @path ("/2011/01/post", no trailing slash but for "/";
 * or "/?p=12") answers 301 to @target from now on, and earlier redirects
 * to @path go to @target too.  ERR_INVALID for a path not starting with
 * "/" or a redirect to itself.
 */
int store_redirect_set(struct store *s, const char *path, const char *target);
/* Where @path moved to (arena string); ERR_NOTFOUND. */
int store_redirect_get(struct store *s, struct arena *ar, const char *path,
		       const char **target);

/*
 * A batch of writes in one transaction on the calling thread (an import
 * commits a few hundred items at once instead of each alone): between
 * store_batch_begin() and store_batch_end(), the store functions this
 * thread calls on @s write into one transaction; nothing is committed,
 * and so nothing is visible to readers, until store_batch_end() with @r
 * 0.  The first error of any of them fails the batch (what follows fails
 * too, and store_batch_end() rolls it all back and returns the error);
 * so does an error @r.  0 or an error; ERR_INVALID when this thread has
 * a batch already.
 */
int store_batch_begin(struct store *s);
int store_batch_end(struct store *s, int r);

/* An imported comment (store_comment_import()). */
struct comment_import {
	const char *source;		/* the export's site address */
	int64_t wp_id;			/* the comment's id in the export */
	int64_t article_id;
	int64_t parent_id;		/* a local comment id, or 0 */
	int max_depth;			/* deeper replies join an ancestor */
	const char *guest_name;		/* shown */
	const char *guest_email;	/* for moderation only */
	const char *body, *html, *body_hash;
	bool held;			/* to the moderation queue */
	bool fresh;			/* its story is new: not imported before */
	int64_t created;
};

/*
 * Write imported comment @ci in one transaction with its import_items
 * row: a reply under its parent, or under the parent's ancestor at depth
 * @max_depth - 1 when the parent is that deep already; a comment imported
 * before only gets its text and guest fields refreshed (not looked for
 * when @fresh says its story was new).  *@id gets its id.
 */
int store_comment_import(struct store *s, const struct comment_import *ci,
			 int64_t *id);


/*
 * Page views (store_views.c).  Days are days since 1970-01-01 UTC.
 *
 * store_views_add(): add @counts[i] views of story @ids[i] on @day, all
 * in one transaction (stories deleted since are skipped).  Does not move
 * the content generation.
 */
int store_views_add(struct store *s, int64_t day, const int64_t *ids,
		    const int64_t *counts, size_t n);
/*
 * Published stories with the most views on days >= @since_day, most
 * first, then newest id; at most @limit (1 to 100).  @views (arena) gets
 * each one's views.
 */
int store_most_read(struct store *s, struct arena *ar, int64_t since_day,
		    size_t limit, struct article_list *out, int64_t **views);
/* The views of story @article_id on each of @ndays days from @since_day
 * into @per_day (0 for a day without any). */
int store_views_days(struct store *s, int64_t article_id, int64_t since_day,
		     size_t ndays, int64_t *per_day);

#endif
