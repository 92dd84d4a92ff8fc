/*
 * store_comments.c - the comment calls of store.h: argument checks shared
 * by every backend, then dispatch through the backend's comment table.
 */
#include "store.h"
#include "store_int.h"

#include <string.h>

#include "core/err.h"

const char *const comment_mode_names[COMMENT_MODES] = {
	"open", "first", "all",
};

#define OPS(s) ((s)->ops->comments)
/* Call comment op @op; ERR_UNSUPPORTED when the backend has none. */
#define CALL(s, op, ...) (OPS(s) && OPS(s)->op ? \
	OPS(s)->op((s), __VA_ARGS__) : ERR_UNSUPPORTED)
/* Call comment op @op; ERR_UNSUPPORTED when the backend has none. */
#define CALL(s, op, ...) (OPS(s) && OPS(s)->op ? \
	OPS(s)->op((s), __VA_ARGS__) : ERR_UNSUPPORTED)
/* Call comment op @op; ERR_UNSUPPORTED when the backend has none. */
#define CALL(s, op, ...) (OPS(s) && OPS(s)->op ? \
	OPS(s)->op((s), __VA_ARGS__) : ERR_UNSUPPORTED)

int store_comment_post(struct store *s, struct comment_post *p)
{
	if (!p->article_id || !p->account_id || !p->body || !*p->body ||
	    !p->body_hash || !p->html || p->max_depth < 0 || p->parent_id < 0)
		return ERR_INVALID;
	return CALL(s, post, p);
}

int store_comments_list(struct store *s, struct arena *ar,
			const struct comment_query *q,
			struct comment_page *out)
{
	if (q->limit < 1 || q->limit > 100 || (unsigned)q->sort > COMMENT_LIKED)
		return ERR_INVALID;
	return CALL(s, list, ar, q, out);
}

int store_comment_get(struct store *s, struct arena *ar, int64_t id,
		      int64_t viewer, struct comment *out)
{
	return id > 0 ? CALL(s, get, ar, id, viewer, out) : ERR_NOTFOUND;
}

int store_comment_edit(struct store *s, int64_t id, const char *body,
		       const char *html, const char *body_hash, int64_t now)
{
	if (!body || !*body || !body_hash || !html)
		return ERR_INVALID;
	return CALL(s, edit, id, body, html, body_hash, now);
}

int store_comment_delete(struct store *s, int64_t id)
{
	return CALL(s, remove, id);
}

int store_comment_like(struct store *s, int64_t id, int64_t account_id,
		       bool on, int64_t *likes)
{
	return CALL(s, like, id, account_id, on, likes);
}

int store_comment_report(struct store *s, int64_t id, int64_t account_id,
			 int64_t now)
{
	return CALL(s, report, id, account_id, now);
}

int store_comment_moderate(struct store *s, int64_t id,
			   enum comment_action act,
			   const struct outbox_msg *mail, bool *now_visible)
{
	if ((unsigned)act > COMMENT_MARK_SPAM)
		return ERR_INVALID;
	return CALL(s, moderate, id, act, mail, now_visible);
}

int store_account_ban(struct store *s, int64_t account_id)
{
	return CALL(s, ban, account_id);
}

int store_comment_queue(struct store *s, struct arena *ar, size_t limit,
			struct comment **out, size_t *n)
{
	if (limit < 1 || limit > 500)
		return ERR_INVALID;
	return CALL(s, queue, ar, limit, out, n);
}

int store_comment_settings(struct store *s, int64_t article_id,
			   struct comment_settings *out)
{
	return CALL(s, settings, article_id, out);
}

int store_comment_settings_set(struct store *s, int64_t article_id, int mode,
			       bool closed)
{
	if (mode < -1 || mode >= COMMENT_MODES)
		return ERR_INVALID;
	return CALL(s, settings_set, article_id, mode, closed);
}

int store_comment_counts(struct store *s, const int64_t *ids, size_t n,
			 int64_t *counts)
{
	return n ? CALL(s, counts, ids, n, counts) : 0;
}

int store_account_reply_mail(struct store *s, int64_t account_id, bool on)
{
	return CALL(s, reply_mail, account_id, on);
}

int store_account_banned(struct store *s, int64_t account_id, bool *banned)
{
	return CALL(s, banned, account_id, banned);
}
