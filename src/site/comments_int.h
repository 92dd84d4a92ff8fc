/*
 * comments_int.h - what the comment files share: comments.c (the block
 * under a story, values for templates and JSON, live events),
 * comments_post.c (posting, editing, deleting, likes and reports, as forms
 * and as JSON) and comments_mod.c (the moderation queue, per-article
 * settings, reply mail and unsubscribing).  Not used outside src/site/.
 *
 * Writes run off the connection thread as jobs on the auth pool (see
 * accounts_int.h); pages and the API answer once the change is committed.
 */
#ifndef DATELINE_COMMENTS_INT_H
#define DATELINE_COMMENTS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "accounts_int.h"
#include "core/buf.h"

struct tval;

#define COMMENT_EDIT_S (15 * 60)	/* authors may edit this long */
#define COMMENT_DUP_S (24 * 3600)	/* the same text again: refused */
#define COMMENT_PAGE 20			/* top-level comments per page */

/* Start and stop the comment limits (from site_start()/site_stop()). */
void comments_start(struct site *site);
void comments_stop(struct site *site);

/*
 * Now, in Unix seconds, for comment times and windows.  Tests move it on:
 * when the environment has DATELINE_TEST_CLOCK_FILE, the whole number of
 * seconds in that file (read at every call) is added.
 */
int64_t comments_now(void);

/* The display name to show for @c's author (arena): bidirectional
 * controls dropped, "[deleted account]" without an account. */
const char *comments_author(struct arena *a, const struct comment *c);

/* True when the reader may moderate (editor or admin). */
bool comments_moderator(const struct reader_state *rs);

/* The comment as a template value (no replies) for @rs (may be NULL:
 * anonymous), with a form token @csrf (may be NULL). */
struct tval *comment_value(struct site *site, struct arena *a,
			   const struct comment *c,
			   const struct reader_state *rs, const char *csrf,
			   int64_t now);

/* Append the comment as a JSON object (replies: @replies, may be NULL:
 * none) to @b. */
void comment_json(struct site *site, struct arena *a, struct buf *b,
		  const struct comment *c, int64_t now);

/* A visible comment @c of article @slug, for pages already open: the
 * "comment" event on the article's stream, with the new @count. */
void comments_publish(struct site *site, struct arena *a,
		      const struct comment *c, int64_t count);
/* The count alone changed (a comment went away). */
void comments_publish_count(struct site *site, int64_t article_id,
			    int64_t count);
/* The likes of comment @comment_id changed to @likes: the
 * "comment-likes" event, here and on the other nodes. */
void comments_publish_likes(struct site *site, int64_t article_id,
			    int64_t comment_id, int64_t likes);
/* Another node published comment @comment_id (0: the count alone) of
 * article @article_id, or changed its likes (@ev;
 * store_watch_comments()): the same events here. */
void comments_remote(void *ctx, enum comment_event ev, int64_t article_id,
		     int64_t comment_id);

/*
 * A reply notification for the author of @parent about @reply (arena), or
 * NULL when none is due: no account, notifications off, or the same
 * account.  @anchor_id is the comment the link shows.
 */
struct outbox_msg *comments_reply_mail(struct site_job *j,
				       const struct comment *parent,
				       const char *reply_author,
				       const char *reply_text,
				       int64_t anchor_id);

/*
 * Mail to every moderator (store_moderators(), but the account of @j)
 * about the comment of @author with @text on story @slug: held for
 * moderation, or @reported; in the site's language (arena; empty when
 * there is none to send).
 */
struct outbox_batch comments_mod_mail(struct site_job *j, const char *author,
				      const char *text, const char *slug,
				      bool reported);

/* The signed form timestamp "T.MAC" and its check: false when forged or
 * younger than the site's minimum. */
const char *comments_form_stamp(struct site *site, struct arena *a,
				int64_t now);
bool comments_stamp_ok(struct site *site, struct arena *a, const char *v,
		       int64_t now);

/* "/comments/unsubscribe/ID.MAC" for account @id (arena). */
const char *comments_unsub_path(struct site *site, struct arena *a,
				int64_t id);

/* The comment id in :id, or 0. */
int64_t comments_param_id(struct http_request *req,
			  const struct route_match *m, size_t i);

/* Handlers. */
void h_comments_get(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);
void h_comments_post_api(struct site *, struct http_request *,
			 struct http_response *, const struct route_match *);
void h_comment_patch(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_comment_delete_api(struct site *, struct http_request *,
			  struct http_response *, const struct route_match *);
void h_comment_like_put(struct site *, struct http_request *,
			struct http_response *, const struct route_match *);
void h_comment_like_delete(struct site *, struct http_request *,
			   struct http_response *, const struct route_match *);
void h_comment_new(struct site *, struct http_request *,
		   struct http_response *, const struct route_match *);
void h_comment_reply_form(struct site *, struct http_request *,
			  struct http_response *, const struct route_match *);
void h_comment_edit_form(struct site *, struct http_request *,
			 struct http_response *, const struct route_match *);
void h_comment_edit(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);
void h_comment_delete(struct site *, struct http_request *,
		      struct http_response *, const struct route_match *);
void h_comment_like(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);
void h_comment_report(struct site *, struct http_request *,
		      struct http_response *, const struct route_match *);
void h_comment_settings(struct site *, struct http_request *,
			struct http_response *, const struct route_match *);
void h_comment_unsubscribe(struct site *, struct http_request *,
			   struct http_response *, const struct route_match *);
void h_comment_queue(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_comment_moderate(struct site *, struct http_request *,
			struct http_response *, const struct route_match *);
void h_comment_unban(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);

#endif
