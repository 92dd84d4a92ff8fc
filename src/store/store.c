/*
 * store.c - chooses a backend by URL and dispatches to its function table,
 * checking the arguments every backend would otherwise check again.
 */
#include "store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "store_int.h"

/*
 * Call op @op of @s's backend; ERR_UNSUPPORTED when the backend does not
 * have it (yet), never a crash.
 */
#define OP(s, op, ...) \
	((s)->ops->op ? (s)->ops->op((s), __VA_ARGS__) : ERR_UNSUPPORTED)
#define OP0(s, op) ((s)->ops->op ? (s)->ops->op(s) : ERR_UNSUPPORTED)

const char *const reaction_names[REACTION_KINDS] = {
	"angry", "fail", "geeky", "lol", "love", "scary", "win",
};
const char *const reaction_labels[REACTION_KINDS] = {
	"Angry", "Fail", "Geeky", "Lol", "Love", "Scary", "Win",
};

const char *const status_names[ARTICLE_STATUSES] = {
	"draft", "published", "ready", "scheduled", "unpublished",
};

int status_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < ARTICLE_STATUSES; i++)
		if (!strcmp(name, status_names[i]))
			return i;
	return -1;
}

int reaction_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < REACTION_KINDS; i++)
		if (!strcmp(name, reaction_names[i]))
			return i;
	return -1;
}

int store_open(const char *url, struct store **out, char *err, size_t errlen)
{
	const char *path;
	int fd;

	if (!url || !*url) {
		snprintf(err, errlen, "no database given (use --db or DATELINE_DB)");
		return ERR_INVALID;
	}
	if (!(path = store_sqlite_path(url)))
		return store_open_pg(url, out, err, errlen);
	/* Created here so that SQLite finds it, with our mode, not 0644. */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	return store_open_sqlite(path, out, err, errlen);
}

const char *store_sqlite_path(const char *url)
{
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		return NULL;
	return strncmp(url, "sqlite:", 7) ? url : url + 7;
}

int store_ping(struct store *s, char *detail, size_t len)
{
	if (detail && len)
		*detail = '\0';
	return OP(s, ping, detail, len);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

int store_migrate(struct store *s, int *applied)
{
	return OP(s, migrate, applied);
}

int store_check_schema(struct store *s)
{
	return OP0(s, check_schema);
}

uint64_t store_generation(struct store *s)
{
	return s->ops->generation(s);
}

int store_article_put(struct store *s, const struct article *a,
		      int64_t *id_out, bool *inserted)
{
	if (!a->slug || !*a->slug || !a->headline || !*a->headline || !a->body)
		return ERR_INVALID;
	return OP(s, article_put, a, id_out, inserted);
}

int store_article_by_slug(struct store *s, struct arena *ar, const char *slug,
			  bool include_drafts, struct article **out)
{
	return OP(s, article_by_slug, ar, slug, include_drafts, out);
}

int store_articles_list(struct store *s, struct arena *ar,
			const struct article_query *q, struct article_list *out)
{
	if (q->limit < 1 || q->limit > 100)
		return ERR_INVALID;
	return OP(s, articles_list, ar, q, out);
}

int store_section_name(struct store *s, struct arena *ar, const char *slug,
		       const char **name)
{
	return OP(s, section_name, ar, slug, name);
}

int store_tag_name(struct store *s, struct arena *ar, const char *slug,
		   const char **name)
{
	return OP(s, tag_name, ar, slug, name);
}

int store_media_put(struct store *s, const struct media *m)
{
	if (!m->key || !*m->key || !m->type || !m->len)
		return ERR_INVALID;
	return OP(s, media_put, m);
}

int store_media_get(struct store *s, struct arena *ar, const char *key,
		    struct media *out)
{
	return OP(s, media_get, ar, key, out);
}

int store_article_count(struct store *s, int64_t *n)
{
	return OP(s, article_count, n);
}

int store_sections(struct store *s, struct arena *ar, struct section **out,
		   size_t *n)
{
	return OP(s, sections, ar, out, n);
}

int store_reactions_apply(struct store *s, struct reaction_change *changes,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct reaction_change *c = &changes[i];

		c->result = 0;
		if (!c->reader || !*c->reader ||
		    (c->op != REACTION_CLEAR &&
		     (c->kind < 0 || c->kind >= REACTION_KINDS)))
			c->result = ERR_INVALID;
	}
	return n ? OP(s, reactions_apply, changes, n) : 0;
}

int store_reaction_state(struct store *s, int64_t article_id,
			 const char *reader, struct reaction_state *out)
{
	return OP(s, reaction_state, article_id, reader, out);
}

int store_article_id(struct store *s, const char *slug, int64_t *id)
{
	return OP(s, article_id, slug, id);
}

int store_reaction_top(struct store *s, struct arena *ar, int kind,
		       int64_t since, const struct top_cursor *before,
		       size_t limit, struct article_list *out,
		       int64_t **counts)
{
	if (kind < -1 || kind >= REACTION_KINDS || (kind < 0 && since <= 0) ||
	    limit < 1 || limit > 100)
		return ERR_INVALID;
	return OP(s, reaction_top, ar, kind, since, before, limit, out,
				    counts);
}

int store_secret(struct store *s, const char *name, unsigned char *out,
		 size_t len)
{
	return OP(s, secret, name, out, len);
}

const char *const role_names[ACCOUNT_ROLES] = {
	"reader", "author", "editor", "admin",
};

int role_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < ACCOUNT_ROLES; i++)
		if (!strcmp(name, role_names[i]))
			return i;
	return -1;
}

/* A token or session hash: 64 lower-case hex digits. */
static bool hash_ok(const char *h)
{
	return h && strlen(h) == 64 && strspn(h, "0123456789abcdef") == 64;
}

static bool mail_ok(const struct outbox_msg *m)
{
	return !m || (m->to && *m->to && m->data && *m->data);
}

int store_account_create(struct store *s, const struct account *a,
			 const char *verify_hash, int64_t verify_expires,
			 const struct outbox_msg *mail, int64_t *id)
{
	if (!a->email || !*a->email || !a->name || !*a->name ||
	    !a->password || !*a->password || (unsigned)a->role >= ACCOUNT_ROLES ||
	    (verify_hash && !hash_ok(verify_hash)) || !mail_ok(mail))
		return ERR_INVALID;
	return OP(s, account_create, a, verify_hash, verify_expires, mail, id);
}

int store_account_by_email(struct store *s, struct arena *ar, const char *email,
			   struct account *out)
{
	if (!email || !*email)
		return ERR_NOTFOUND;
	return OP(s, account_by_email, ar, email, out);
}

int store_account_by_id(struct store *s, struct arena *ar, int64_t id,
			struct account *out)
{
	return OP(s, account_by_id, ar, id, out);
}

int store_accounts_list(struct store *s, struct arena *ar,
			struct account **out, size_t *n)
{
	return OP(s, accounts_list, ar, out, n);
}

int store_account_set_name(struct store *s, int64_t id, const char *name)
{
	if (!name || !*name)
		return ERR_INVALID;
	return OP(s, account_set_name, id, name);
}

int store_account_set_role(struct store *s, int64_t id, enum account_role role)
{
	if ((unsigned)role >= ACCOUNT_ROLES)
		return ERR_INVALID;
	return OP(s, account_set_role, id, role);
}

int store_account_set_password(struct store *s, int64_t id, const char *hash,
			       const char *reset_hash, const char *keep_session,
			       int64_t now, const struct outbox_msg *mail)
{
	if (!hash || !*hash || (reset_hash && !hash_ok(reset_hash)) ||
	    (keep_session && !hash_ok(keep_session)) || !mail_ok(mail))
		return ERR_INVALID;
	return OP(s, account_set_password, id, hash, reset_hash,
					    keep_session, now, mail);
}

int store_account_rehash(struct store *s, int64_t id, const char *hash)
{
	if (!hash || !*hash)
		return ERR_INVALID;
	return OP(s, account_rehash, id, hash);
}

int store_account_delete(struct store *s, int64_t id)
{
	return OP(s, account_delete, id);
}

int store_token_add(struct store *s, int64_t account_id,
		    enum token_purpose purpose, const char *hash,
		    const char *email, int64_t expires,
		    const struct outbox_msg *mail)
{
	if (!hash_ok(hash) || (unsigned)purpose > TOKEN_EMAIL ||
	    (purpose == TOKEN_EMAIL) != (email != NULL) || !mail_ok(mail))
		return ERR_INVALID;
	return OP(s, token_add, account_id, purpose, hash, email, expires,
				 mail);
}

int store_token_find(struct store *s, struct arena *ar,
		     enum token_purpose purpose, const char *hash, int64_t now,
		     struct account *out)
{
	if (!hash_ok(hash))
		return ERR_NOTFOUND;
	return OP(s, token_find, ar, purpose, hash, now, out);
}

int store_token_apply(struct store *s, enum token_purpose purpose,
		      const char *hash, int64_t now, int64_t *account_id)
{
	if (purpose == TOKEN_RESET)
		return ERR_INVALID;
	if (!hash_ok(hash))
		return ERR_NOTFOUND;
	return OP(s, token_apply, purpose, hash, now, account_id);
}

int store_session_create(struct store *s, const char *hash, int64_t account_id,
			 int64_t now)
{
	if (!hash_ok(hash))
		return ERR_INVALID;
	return OP(s, session_create, hash, account_id, now);
}

int store_session_get(struct store *s, struct arena *ar, const char *hash,
		      int64_t now, int64_t idle, int64_t absolute,
		      struct account *out)
{
	if (!hash_ok(hash))
		return ERR_NOTFOUND;
	return OP(s, session_get, ar, hash, now, idle, absolute, out);
}

int store_session_delete(struct store *s, const char *hash)
{
	if (!hash_ok(hash))
		return 0;
	return OP(s, session_delete, hash);
}

int store_sessions_end(struct store *s, int64_t account_id, const char *keep)
{
	if (keep && !hash_ok(keep))
		return ERR_INVALID;
	return OP(s, sessions_end, account_id, keep);
}

int store_outbox_add(struct store *s, const struct outbox_msg *mail)
{
	if (!mail || !mail_ok(mail))
		return ERR_INVALID;
	return OP(s, outbox_add, mail);
}

int store_outbox_due(struct store *s, struct arena *ar, int64_t now,
		     size_t limit, struct outbox_item **out, size_t *n)
{
	if (limit < 1 || limit > 1000)
		return ERR_INVALID;
	return OP(s, outbox_due, ar, now, limit, out, n);
}

int store_outbox_sent(struct store *s, int64_t id)
{
	return OP(s, outbox_sent, id);
}

int store_outbox_retry(struct store *s, int64_t id, int64_t next_attempt,
		       const char *error)
{
	return OP(s, outbox_retry, id, next_attempt, error ? error : "");
}

int store_outbox_next(struct store *s, int64_t *when)
{
	return OP(s, outbox_next, when);
}

int store_watch_reactions(struct store *s, store_reactions_fn fn, void *arg)
{
	return OP(s, watch_reactions, fn, arg);
}

int store_comment_announce(struct store *s, int64_t article_id,
			   int64_t comment_id)
{
	return OP(s, comment_announce, article_id, comment_id);
}

int store_watch_comments(struct store *s, store_comments_fn fn, void *arg)
{
	return OP(s, watch_comments, fn, arg);
}

int store_rate_take(struct store *s, const char *key, unsigned per_minute,
		    bool take, bool *allowed, unsigned *retry_after)
{
	if (!key || !per_minute)
		return ERR_INVALID;
	return OP(s, rate_take, key, per_minute, take, allowed, retry_after);
}

struct sitemap_part *sitemap_parts_of(struct arena *a,
				      const struct sitemap_url *rows, size_t n)
{
	struct sitemap_part *out = arena_alloc(a, (n ? n : 1) * sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].number = strtoll(rows[i].slug, NULL, 10);
		out[i].modified = rows[i].modified;
	}
	return out;
}

int store_add_replica(struct store *s, const char *url, int max_lag_ms,
		      char *err, size_t errlen)
{
	if (!s->ops->add_replica) {
		snprintf(err, errlen, "read replicas need a PostgreSQL database");
		return ERR_UNSUPPORTED;
	}
	return s->ops->add_replica(s, url, max_lag_ms, err, errlen);
}

int store_copy_read(struct store *s, struct arena *ar,
		    const struct copy_table *t, const struct copy_cell *after,
		    size_t limit, struct copy_cell **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!limit || t->nkeys < 1 || t->nkeys > t->ncols ||
	    strlen(t->types) != (size_t)t->ncols)
		return ERR_INVALID;
	return OP(s, copy_read, ar, t, after, limit, rows, n);
}

int store_copy_write(struct store *s, const struct copy_table *t,
		     const struct copy_cell *rows, size_t n,
		     enum copy_mode mode)
{
	if (!n)
		return 0;
	if ((mode == COPY_UPDATE && t->nkeys >= t->ncols) ||
	    strlen(t->types) != (size_t)t->ncols)
		return ERR_INVALID;
	return OP(s, copy_write, t, rows, n, mode);
}

int store_copy_count(struct store *s, const struct copy_table *t, int64_t *n)
{
	return OP(s, copy_count, t, n);
}

int store_copy_done(struct store *s)
{
	return OP0(s, copy_done);
}

uint64_t store_write_position(struct store *s)
{
	return s->ops->write_position ? s->ops->write_position(s) : 0;
}

/* The routing of this thread's reads (see store_reads_begin()). */
static _Thread_local struct store_route route;

void store_reads_begin(uint64_t floor)
{
	route.replica_ok = true;
	route.floor = floor;
}

void store_reads_end(void)
{
	route.replica_ok = false;
	route.floor = 0;
}

struct store_route *store_route(void)
{
	return &route;
}

static int cmp_files(const void *a, const void *b)
{
	const struct embedded_file *x = *(const struct embedded_file *const *)a;
	const struct embedded_file *y = *(const struct embedded_file *const *)b;

	return strcmp(x->name, y->name);
}

size_t store_migration_files(const char *prefix,
			     const struct embedded_file **out, size_t max)
{
	size_t n = 0, i, len = strlen(prefix);

	for (i = 0; embedded_sql[i].name; i++)
		if (!strncmp(embedded_sql[i].name, prefix, len) && n < max)
			out[n++] = &embedded_sql[i];
	qsort(out, n, sizeof(*out), cmp_files);
	return n;
}

int store_search(struct store *s, struct arena *ar, const char *text,
		 const struct search_cursor *after, size_t limit,
		 struct search_results *out)
{
	if (!text || limit < 1 || limit > 50)
		return ERR_INVALID;
	return OP(s, search, ar, text, after, limit, out);
}

int store_sitemap_parts(struct store *s, struct arena *ar,
			enum sitemap_kind kind, int64_t per_part,
			struct sitemap_part **out, size_t *n)
{
	if (per_part < 1)
		return ERR_INVALID;
	return OP(s, sitemap_parts, ar, kind, per_part, out, n);
}

int store_sitemap_urls(struct store *s, struct arena *ar,
		       enum sitemap_kind kind, int64_t number, int64_t per_part,
		       struct sitemap_url **out, size_t *n)
{
	if (per_part < 1 || number < 0 || number > INT64_MAX / per_part - 1)
		return ERR_INVALID;
	return OP(s, sitemap_urls, ar, kind, number, per_part, out, n);
}

int store_sitemap_sections(struct store *s, struct arena *ar, size_t max,
			   struct sitemap_url **out, size_t *n)
{
	if (max < 1)
		return ERR_INVALID;
	return OP(s, sitemap_sections, ar, max, out, n);
}

int store_list_prev(struct store *s, const struct article_query *q,
		    const struct cursor *first, size_t page, int *prev_kind,
		    struct cursor *prev)
{
	if (page < 1 || page > 100)
		return ERR_INVALID;
	return OP(s, list_prev, q, first, page, prev_kind, prev);
}

int store_media_size(struct store *s, const char *key, int64_t *size)
{
	if (!key)
		return ERR_INVALID;
	return OP(s, media_size, key, size);
}

int store_stories(struct store *s, struct arena *ar,
		  const struct story_query *q, struct story_row **out,
		  size_t *n)
{
	if (q->limit < 1 || q->limit > 500 || q->status >= ARTICLE_STATUSES)
		return ERR_INVALID;
	return OP(s, stories, ar, q, out, n);
}

int store_story_get(struct store *s, struct arena *ar, int64_t id,
		    struct article **out)
{
	return OP(s, story_get, ar, id, out);
}

int store_story_save(struct store *s, const struct story_save *sv,
		     int64_t *id, int64_t *version)
{
	const struct article *a = sv->a;

	if (!a || !a->slug || !*a->slug || !a->headline || !*a->headline ||
	    !a->body || (unsigned)a->status >= ARTICLE_STATUSES)
		return ERR_INVALID;
	return OP(s, story_save, sv, id, version);
}

int store_slug_free(struct store *s, const char *slug, int64_t except_id,
		    bool *free)
{
	return OP(s, slug_free, slug, except_id, free);
}

int store_photo_variants(struct store *s, struct arena *ar,
			 const char *photo_key, struct photo_variant **out,
			 size_t *n)
{
	return OP(s, photo_variants, ar, photo_key, out, n);
}

int store_revisions(struct store *s, struct arena *ar, int64_t article_id,
		    struct revision **out, size_t *n)
{
	return OP(s, revisions, ar, article_id, out, n);
}

int store_revision_get(struct store *s, struct arena *ar, int64_t article_id,
		       int64_t rev_id, struct revision *out)
{
	return OP(s, revision_get, ar, article_id, rev_id, out);
}

int store_publish_due(struct store *s, int64_t now, int *published)
{
	return OP(s, publish_due, now, published);
}

int store_reaction_series(struct store *s, int64_t article_id, int64_t since,
			  int64_t step, size_t nsteps, int64_t *counts)
{
	if (step < 1 || nsteps < 1 || nsteps > 1000)
		return ERR_INVALID;
	return OP(s, reaction_series, article_id, since, step, nsteps,
				       counts);
}

int store_comment_top(struct store *s, struct arena *ar, int64_t since,
		      size_t limit, struct article_list *out, int64_t **counts)
{
	if (limit < 1 || limit > 100)
		return ERR_INVALID;
	return OP(s, comment_top, ar, since, limit, out, counts);
}
