/*
 * comments_post.c - a reader's comment writes: post (and reply), edit,
 * delete, like and report; each as an HTML form (works without
 * JavaScript) and as JSON (docs/api.md).
 *
 * Checks run on the connection thread in a fixed order (origin and token,
 * session, verified address, rate limits, honeypot and form age, the
 * text, the article and the parent); the write runs as a job on the auth
 * pool and is answered once committed.  A refused form post shows the
 * form again with the reader's text and the reason beside the field.
 */
#include "comments_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "auth/csrf.h"
#include "auth/ratelimit.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "mail/outbox.h"
#include "render/comment_md.h"

enum op { OP_POST, OP_EDIT, OP_DELETE, OP_LIKE, OP_REPORT };

struct cjob {
	enum op op;
	bool json;
	struct comment_post p;
	struct comment target;		/* edit, delete, like, report */
	struct comment parent;		/* post: the comment replied to */
	bool has_parent;
	const char *article_path;
	const char *slug;		/* post: the story's */
	const char *raw;		/* the text as typed */
	const char *action, *parent_s;	/* of the form to show again */
	const char *body_clean;
	bool like_on;
	int64_t likes, count;
};

/* The page with the comment form again, @alert at the top or @error by
 * the field, and the reader's @text kept. */
static void form_page(struct site *site, struct http_request *req,
		      struct http_response *res, unsigned status,
		      const char *heading, const char *action,
		      const char *parent, const char *text, const char *error,
		      const char *alert, const char *back,
		      const struct comment *quoted)
{
	struct arena *a = req->arena;
	struct tval *ctx = page_context(site, req, heading, "", req->path ?
					req->path : "/");
	struct reader_state *rs = site_reader(site, req);
	char token[CSRF_TOKEN_SIZE];

	tv_set_str(a, ctx, "heading", heading);
	if (alert)
		tv_set_str(a, ctx, "alert", alert);
	if (back)
		tv_set_str(a, ctx, "back", back);
	if (!rs->logged_in) {
		tv_set_str(a, ctx, "login", arena_printf(a,
			   "/account/login?next=%s", back ? back : "/"));
	}
	if (quoted) {
		struct tval *q = tv_map(a);

		tv_set_str(a, q, "author", comments_author(a, quoted));
		tv_set_str(a, q, "html", quoted->html);
		tv_set(a, ctx, "quoted", q);
	}
	if (action && rs->logged_in) {
		struct tval *f = tv_map(a);

		csrf_token(site->csrf_key, site_csrf_subject(site, req), token);
		tv_set_str(a, f, "action", action);
		tv_set_str(a, f, "csrf", arena_strdup(a, token));
		tv_set_str(a, f, "stamp", comments_form_stamp(site, a,
			   comments_now()));
		tv_set_str(a, f, "parent", parent ? parent : "");
		tv_set_str(a, f, "body", text ? text : "");
		tv_set_str(a, f, "button", !strncmp(action, "/comments/new/", 14) ?
			   tr(req_lang(req), "Post comment") : tr(req_lang(req), "Save comment"));
		if (quoted)
			tv_set_str(a, f, "replying", arena_printf(a,
				   tr(req_lang(req), "Replying to %s"), comments_author(a, quoted)));
		if (error)
			tv_set_str(a, f, "error", error);
		tv_set(a, ctx, "form", f);
	}
	buf_reset(&res->body);
	render_page(site, req, res, "comment-page", ctx);
	if (!res->status || res->status == 200)
		res->status = status;
	res->content_type = "text/html; charset=utf-8";
	res->cache_control = "no-store";
}

/* Answer a refusal of @j as JSON or as the form page. */
static void refuse(struct site *site, struct http_request *req,
		   struct http_response *res, struct cjob *c, unsigned status,
		   const char *message)
{
	if (c->json) {
		json_error(res, status, message);
		return;
	}
	form_page(site, req, res, status, c->op == OP_EDIT ? tr(req_lang(req), "Edit your comment") :
		  c->op == OP_POST ? tr(req_lang(req), "Your comment was not posted") :
		  tr(req_lang(req), "That did not work"), c->action, c->parent_s, c->raw,
		  c->action ? message : NULL, c->action ? NULL : message,
		  c->article_path, NULL);
}

/* The body field as stored, or NULL after answering with the problem. */
static const char *check_body(struct site *site, struct http_request *req,
			      struct http_response *res, struct cjob *c,
			      const char *action, const char *parent)
{
	size_t chars = 0;
	const char *clean = c->raw ? comment_clean(req->arena, c->raw,
						   strlen(c->raw), &chars) : "";
	const char *problem = NULL;

	if (!clean)
		problem = tr(req_lang(req), "The comment has characters we cannot read.");
	else if (chars == 0)
		problem = tr(req_lang(req), "Write something before posting.");
	else if (chars > COMMENT_MAX_CHARS)
		problem = arena_printf(req->arena, tr(req_lang(req), "Use at most 5,000 characters"
				       " (this has %zu)."), chars);
	if (!problem)
		return clean;
	if (c->json)
		json_error(res, 422, problem);
	else
		form_page(site, req, res, 422, c->op == OP_EDIT ?
			  tr(req_lang(req), "Edit your comment") : tr(req_lang(req), "Your comment was not posted"),
			  action, parent, c->raw, problem, NULL,
			  c->article_path, NULL);
	return NULL;
}

/* Origin, token (forms) or JSON content type (API), and a session. */
static bool writer_ok(struct site *site, struct http_request *req,
		      struct http_response *res, struct cjob *c,
		      bool needs_body)
{
	struct reader_state *rs = site_reader(site, req);
	const char *ct = http_header(req, "Content-Type");

	if (!csrf_same_origin(req) || (!c->json &&
	    !csrf_token_ok(site->csrf_key, site_csrf_subject(site, req),
			   http_form(req, "csrf")))) {
		if (c->json)
			json_error(res, 403, "cross-site requests are"
				   " not allowed");
		else
			form_page(site, req, res, 403, tr(req_lang(req), "This form has expired"),
				  NULL, NULL, NULL, NULL, tr(req_lang(req), "The form has expired"
				  " or came from another site. Go back, reload"
				  " the page and try again."), c->article_path,
				  NULL);
		return false;
	}
	/* As for reactions: without a body the type may be left out. */
	if (c->json && (needs_body || ct || req->body.len) &&
	    (!ct || strncmp(ct, "application/json", 16) ||
	     (ct[16] && ct[16] != ';' && ct[16] != ' '))) {
		json_error(res, 415, "send the body as application/json");
		return false;
	}
	if (!rs->logged_in) {
		if (c->json)
			json_error(res, 401, "log in to comment");
		else
			form_page(site, req, res, 401, tr(req_lang(req), "Log in to comment"), NULL,
				  NULL, NULL, NULL, tr(req_lang(req), "You need to log in to do"
				  " that."), c->article_path, NULL);
		return false;
	}
	return true;
}

/* A comment's own JSON field @name, or NULL. */
static const char *json_field(struct http_request *req, const char *name,
			      struct tval **body)
{
	struct tval *v;
	char err[128];

	if (!*body && json_parse(req->arena, req->body.data, req->body.len,
				 body, err, sizeof(err)))
		return NULL;
	if (!*body || (*body)->type != TV_MAP)
		return NULL;
	v = tv_get(*body, name, strlen(name));
	return v && v->type == TV_STR ? v->u.str.p : NULL;
}

/* ---- The job ---- */

static void cjob_work(struct site_job *j)
{
	struct cjob *c = j->data;
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	struct comment_settings cs;
	char hash[TOKEN_HASH_SIZE];

	switch (c->op) {
	case OP_POST:
		if (c->has_parent)
			c->p.mail = comments_reply_mail(j, &c->parent,
							j->acct.name, c->p.body,
							c->parent.id);
		c->p.held_mail = comments_mod_mail(j, j->acct.name, c->p.body,
						   c->slug, false);
		j->result = store_comment_post(site->store, &c->p);
		if (j->result || c->p.refusal)
			return;
		if (c->p.status == COMMENT_HELD && c->p.held_mail.n)
			mail_outbox_kick(site->outbox);
		if (c->p.status == COMMENT_VISIBLE) {
			struct comment made;

			if (!store_comment_get(site->store, a, c->p.id, 0, &made))
				comments_publish(site, a, &made, c->p.count);
			if (c->p.mail)
				mail_outbox_kick(site->outbox);
		}
		break;
	case OP_EDIT:
		token_hash(c->body_clean, hash);
		j->result = store_comment_edit(site->store, c->target.id,
					       c->body_clean, c->p.html, hash,
					       comments_now());
		break;
	case OP_DELETE:
		j->result = store_comment_delete(site->store, c->target.id);
		if (!j->result && !store_comment_settings(site->store,
							  c->target.article_id,
							  &cs)) {
			c->count = cs.count;
			comments_publish_count(site, c->target.article_id,
					       cs.count);
		}
		break;
	case OP_LIKE:
		j->result = store_comment_like(site->store, c->target.id,
					       j->acct.id, c->like_on, &c->likes);
		if (!j->result) {
			block_drop(site->blocks, c->target.article_id);
			comments_publish_likes(site, c->target.article_id,
					       c->target.id, c->likes);
		}
		break;
	case OP_REPORT: {
		struct outbox_batch mods = comments_mod_mail(j,
			c->target.author, c->target.body,
			c->target.article_slug, true);
		bool queued = false;

		j->result = store_comment_report(site->store, c->target.id,
						 j->acct.id, comments_now(),
						 &mods, &queued);
		if (queued && mods.n)
			mail_outbox_kick(site->outbox);
		break;
	}
	}
}

static const char *refusal_text(struct site *site, const struct i18n_lang *l,
				struct arena *a,
				enum comment_refusal r, unsigned *status)
{
	*status = 403;
	switch (r) {
	case COMMENT_CLOSED:
		return tr(l, "Comments on this story are closed.");
	case COMMENT_BANNED:
		return tr(l, "Your account may not comment.");
	case COMMENT_DUPLICATE:
		*status = 409;
		return tr(l, "You have already posted this comment.");
	case COMMENT_NO_PARENT:
		*status = 422;
		return tr(l, "The comment you are replying to is no longer there.");
	case COMMENT_TOO_DEEP:
		*status = 422;
		return arena_printf(a, tr(l, "Replies nest at most %d deep: reply"
				    " higher up the thread."), site->comment_depth);
	default:
		return "";
	}
}

static void cjob_answer(struct site_job *j, struct http_request *req,
		       struct http_response *res)
{
	struct cjob *c = j->data;
	struct site *site = j->site;
	struct arena *a = req->arena;
	unsigned status;

	if (j->result == ERR_NOTFOUND) {
		refuse(site, req, res, c, 404, c->op == OP_POST ?
		       tr(req_lang(req), "We could not find that story.") :
		       tr(req_lang(req), "That comment is no longer there."));
		return;
	}
	if (j->result) {
		http_add_header(res, "Retry-After", "2");
		refuse(site, req, res, c, 503, tr(req_lang(req), "That could not be saved right"
		       " now. Please try again."));
		return;
	}
	if (c->op == OP_POST && c->p.refusal) {
		const char *msg = refusal_text(site, req_lang(req), a, c->p.refusal,
					       &status);

		if (c->json)
			json_error(res, status, msg);
		else
			refuse(site, req, res, c, status, msg);
		return;
	}
	res->cache_control = "no-store";
	if (c->json) {
		struct comment got;

		res->content_type = "application/json";
		switch (c->op) {
		case OP_POST:
		case OP_EDIT:
			if (store_comment_get(site->store, a, c->op == OP_POST ?
					      c->p.id : c->target.id, j->acct.id,
					      &got)) {
				json_error(res, 503, "saved, but it"
					   " cannot be read back now");
				return;
			}
			res->status = c->op == OP_EDIT ? 200 :
				      c->p.status == COMMENT_VISIBLE ? 201 : 202;
			buf_adds(&res->body, "{\"comment\":");
			comment_json(site, a, &res->body, &got, comments_now());
			buf_printf(&res->body, ",\"replies\":[]}");
			if (c->op == OP_POST)
				buf_printf(&res->body, ",\"count\":%" PRId64 "}",
					   c->p.count);
			else
				buf_addch(&res->body, '}');
			/* {"comment":{...,"replies":[]},"count":N} */
			break;
		case OP_DELETE:
			buf_printf(&res->body, "{\"deleted\":true,\"count\":%"
				   PRId64 "}", c->count);
			break;
		case OP_LIKE:
			buf_printf(&res->body, "{\"likes\":%" PRId64 ",\"liked\":%s}",
				   c->likes, c->like_on ? "true" : "false");
			break;
		case OP_REPORT:
			buf_adds(&res->body, "{\"reported\":true}");
			break;
		}
		return;
	}
	res->status = 303;
	switch (c->op) {
	case OP_POST:
		res->location = c->p.status == COMMENT_VISIBLE ?
			arena_printf(a, "%s#comment-%" PRId64, c->article_path,
				     c->p.id) :
			arena_printf(a, "%s?cheld=1#comments", c->article_path);
		break;
	case OP_REPORT:
		res->location = arena_printf(a, "%s?creported=1#comment-%"
					     PRId64, c->article_path,
					     c->target.id);
		break;
	case OP_DELETE:
		res->location = arena_printf(a, "%s#comments", c->article_path);
		break;
	default:
		res->location = arena_printf(a, "%s#comment-%" PRId64,
					     c->article_path, c->target.id);
	}
}

static void submit(struct site *site, struct http_request *req, struct cjob *c)
{
	struct site_job *j = job_new(site, req, cjob_work, cjob_answer);

	j->data = c;
	job_submit(j);
}

/* ---- Posting ---- */

static bool rate_ok(struct site *site, struct http_request *req,
		    struct http_response *res, struct cjob *c,
		    const char *action, const char *parent)
{
	struct reader_state *rs = site_reader(site, req);
	unsigned retry = 1;
	const char *msg;

	if (ratelimit_take(site->comment_account, arena_printf(req->arena,
			   "ca:%" PRId64, rs->account.id), time_mono_ms(),
			   &retry) &&
	    ratelimit_take(site->comment_ip, arena_printf(req->arena, "ci:%s",
			   req->remote_ip), time_mono_ms(), &retry))
		return true;
	http_add_header(res, "Retry-After", arena_printf(req->arena, "%u", retry));
	msg = arena_printf(req->arena, trn(req_lang(req), "You are commenting too"
			   " fast. Wait %u second and post again.", "You are"
			   " commenting too fast. Wait %u seconds and post again.",
			   retry), retry);
	if (c->json)
		json_error(res, 429, msg);
	else
		form_page(site, req, res, 429, tr(req_lang(req), "Your comment was not posted"),
			  action, parent, c->raw, msg, NULL, c->article_path, NULL);
	return false;
}

static void post(struct site *site, struct http_request *req,
		 struct http_response *res, const struct route_match *m,
		 bool json)
{
	struct arena *a = req->arena;
	struct cjob *c = arena_zalloc(a, sizeof(*c));
	struct reader_state *rs;
	char *slug = str_dup(a, m->params[0]);
	const char *parent_s, *action, *body;
	struct tval *jbody = NULL;
	struct article *art;
	char hash[TOKEN_HASH_SIZE];
	size_t links = 0;
	int64_t parent = 0;
	int r;

	c->op = OP_POST;
	c->json = json;
	c->slug = slug;
	action = c->action = arena_printf(a, "/comments/new/%s", slug);
	r = slug_valid(slug) ? store_article_by_slug(site->store, a, slug, false,
						     &art) : ERR_NOTFOUND;
	if (!r)
		c->article_path = article_path(a, art);
	if (json) {
		struct tval *pv;

		c->raw = json_field(req, "body", &jbody);
		pv = jbody && jbody->type == TV_MAP ? tv_get(jbody, "parent", 6) :
		     NULL;
		if (pv && pv->type == TV_NUM)
			parent = (int64_t)pv->u.num;
		parent_s = NULL;
	} else {
		c->raw = http_form(req, "body");
		parent_s = c->parent_s = http_form(req, "parent");
		if (parent_s && *parent_s) {
			struct route_match pm = { 0 };

			pm.params[0] = str_from(parent_s);
			parent = comments_param_id(req, &pm, 0);
			if (!parent)
				parent = -1;
		}
	}
	if (!writer_ok(site, req, res, c, true))
		return;
	rs = site_reader(site, req);
	if (!rs->account.verified) {
		refuse(site, req, res, c, 403, tr(req_lang(req), "Confirm your e-mail address"
		       " before you comment: follow the link in the message"
		       " we sent you."));
		return;
	}
	/* Their page has no form to post from (the store refuses too). */
	if (rs->account.banned) {
		unsigned status;

		refuse(site, req, res, c, 403, refusal_text(site, req_lang(req),
		       a, COMMENT_BANNED, &status));
		return;
	}
	if (r) {
		refuse(site, req, res, c, err_http_status(r),
		       r == ERR_NOTFOUND ? tr(req_lang(req), "We could not find that story.") :
		       tr(req_lang(req), "The story cannot be loaded right now."));
		return;
	}
	if (!rate_ok(site, req, res, c, action, parent_s))
		return;
	if (!json) {
		const char *hp = http_form(req, "website");

		if (hp && *hp) {
			form_page(site, req, res, 400, tr(req_lang(req), "Your comment was not posted"),
				  action, parent_s, c->raw, tr(req_lang(req), "Leave the hidden"
				  " website field empty."), NULL, c->article_path,
				  NULL);
			return;
		}
		if (!comments_stamp_ok(site, a, http_form(req, "stamp"),
				       comments_now())) {
			form_page(site, req, res, 400, tr(req_lang(req), "Your comment was not posted"),
				  action, parent_s, c->raw, tr(req_lang(req), "That was quick: read"
				  " your comment over, then post it again."),
				  NULL, c->article_path, NULL);
			return;
		}
	}
	if (!(body = check_body(site, req, res, c, action, parent_s)))
		return;
	if (parent) {
		r = parent > 0 ? store_comment_get(site->store, a, parent, 0,
						   &c->parent) : ERR_NOTFOUND;
		if (r || c->parent.article_id != art->id ||
		    c->parent.status != COMMENT_VISIBLE) {
			refuse(site, req, res, c, r && r != ERR_NOTFOUND ?
			       err_http_status(r) : 422,
			       tr(req_lang(req), "The comment you are replying to is no longer"
			       " there."));
			return;
		}
		c->has_parent = true;
	}
	c->p.html = comment_render(a, body, strlen(body), &links);
	token_hash(body, hash);
	c->p.article_id = art->id;
	c->p.parent_id = parent;
	c->p.account_id = rs->account.id;
	c->p.body = body;
	c->p.body_hash = arena_strdup(a, hash);
	c->p.ip = req->remote_ip;
	c->p.now = comments_now();
	c->p.site_mode = (enum comment_mode)site->comment_mode;
	c->p.hold = links > (size_t)site->comment_max_links;
	c->p.max_depth = site->comment_depth;
	c->p.close_after = (int64_t)site->comment_close_days * 86400;
	c->p.dup_window = COMMENT_DUP_S;
	submit(site, req, c);
}

void h_comment_new(struct site *site, struct http_request *req,
		   struct http_response *res, const struct route_match *m)
{
	post(site, req, res, m, false);
}

void h_comments_post_api(struct site *site, struct http_request *req,
			 struct http_response *res, const struct route_match *m)
{
	post(site, req, res, m, true);
}

/* ---- Edit, delete, like, report ---- */

/* The comment of :id for a write by this reader; false after answering. */
static bool load_target(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m,
			struct cjob *c, bool needs_body)
{
	struct reader_state *rs;
	int64_t id = comments_param_id(req, m, 0);
	int r;

	if (!writer_ok(site, req, res, c, needs_body))
		return false;
	rs = site_reader(site, req);
	r = id ? store_comment_get(site->store, req->arena, id, rs->account.id,
				   &c->target) : ERR_NOTFOUND;
	if (!r && c->target.status == COMMENT_DELETED)
		r = ERR_NOTFOUND;
	if (r) {
		refuse(site, req, res, c, err_http_status(r),
		       r == ERR_NOTFOUND ? tr(req_lang(req), "That comment is no longer there.") :
		       tr(req_lang(req), "The comment cannot be loaded right now."));
		return false;
	}
	c->article_path = "/";
	return true;
}

/* False after refusing: a banned account may not like, report or edit. */
static bool not_banned(struct site *site, struct http_request *req,
		       struct http_response *res, struct cjob *c)
{
	if (!site_reader(site, req)->account.banned)
		return true;
	if (c->json)
		json_error(res, 403, READER_BANNED_JSON);
	else
		refuse(site, req, res, c, 403, reader_banned_text(req_lang(req)));
	return false;
}

/* The story path of @c's article (arena), for answers and links. */
static void set_story_path(struct site *site, struct http_request *req,
			   struct cjob *c)
{
	struct article *art;

	if (!store_article_by_slug(site->store, req->arena,
				   c->target.article_slug, false, &art))
		c->article_path = article_path(req->arena, art);
}

static void edit(struct site *site, struct http_request *req,
		 struct http_response *res, const struct route_match *m,
		 bool json)
{
	struct cjob *c = arena_zalloc(req->arena, sizeof(*c));
	struct tval *jbody = NULL;
	struct reader_state *rs;
	const char *action;
	size_t links = 0;

	c->op = OP_EDIT;
	c->json = json;
	c->raw = json ? json_field(req, "body", &jbody) : http_form(req, "body");
	if (!load_target(site, req, res, m, c, true))
		return;
	set_story_path(site, req, c);
	if (!not_banned(site, req, res, c))
		return;
	rs = site_reader(site, req);
	action = c->action = arena_printf(req->arena, "/comments/%" PRId64
					  "/edit", c->target.id);
	if (c->target.account_id != rs->account.id) {
		refuse(site, req, res, c, 403, tr(req_lang(req), "You can only edit your own"
		       " comments."));
		return;
	}
	if (comments_now() - c->target.created >= COMMENT_EDIT_S) {
		refuse(site, req, res, c, 403, tr(req_lang(req), "The 15 minutes to edit this"
		       " comment have passed."));
		return;
	}
	if (!(c->body_clean = check_body(site, req, res, c, action, NULL)))
		return;
	/* An edit must not bring in what a post would have been held for. */
	c->p.html = comment_render(req->arena, c->body_clean,
				   strlen(c->body_clean), &links);
	if (links > (size_t)site->comment_max_links) {
		refuse(site, req, res, c, 422, arena_printf(req->arena,
		       trn(req_lang(req), "An edit may hold at most %d link."
		       " Remove some, or post a new comment (it will wait for a"
		       " moderator).", "An edit may hold at most %d links."
		       " Remove some, or post a new comment (it will wait for a"
		       " moderator).", (unsigned long)site->comment_max_links),
		       site->comment_max_links));
		return;
	}
	submit(site, req, c);
}

void h_comment_edit(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	edit(site, req, res, m, false);
}

void h_comment_patch(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	edit(site, req, res, m, true);
}

static void remove_comment(struct site *site, struct http_request *req,
			   struct http_response *res,
			   const struct route_match *m, bool json)
{
	struct cjob *c = arena_zalloc(req->arena, sizeof(*c));
	struct reader_state *rs;

	c->op = OP_DELETE;
	c->json = json;
	if (!load_target(site, req, res, m, c, false))
		return;
	set_story_path(site, req, c);
	rs = site_reader(site, req);
	if (c->target.account_id != rs->account.id && !comments_moderator(rs)) {
		refuse(site, req, res, c, 403, tr(req_lang(req), "You can only delete your own"
		       " comments."));
		return;
	}
	submit(site, req, c);
}

void h_comment_delete(struct site *site, struct http_request *req,
		      struct http_response *res, const struct route_match *m)
{
	remove_comment(site, req, res, m, false);
}

void h_comment_delete_api(struct site *site, struct http_request *req,
			  struct http_response *res,
			  const struct route_match *m)
{
	remove_comment(site, req, res, m, true);
}

static void like(struct site *site, struct http_request *req,
		 struct http_response *res, const struct route_match *m,
		 bool json, int on)
{
	struct cjob *c = arena_zalloc(req->arena, sizeof(*c));

	c->op = OP_LIKE;
	c->json = json;
	if (!load_target(site, req, res, m, c, false))
		return;
	set_story_path(site, req, c);
	if (!not_banned(site, req, res, c))
		return;
	if (c->target.status != COMMENT_VISIBLE) {
		refuse(site, req, res, c, 404, tr(req_lang(req), "That comment is no longer there."));
		return;
	}
	c->like_on = on < 0 ? !c->target.liked : on;
	submit(site, req, c);
}

void h_comment_like(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	like(site, req, res, m, false, -1);
}

void h_comment_like_put(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m)
{
	like(site, req, res, m, true, 1);
}

void h_comment_like_delete(struct site *site, struct http_request *req,
			   struct http_response *res,
			   const struct route_match *m)
{
	like(site, req, res, m, true, 0);
}

void h_comment_report(struct site *site, struct http_request *req,
		      struct http_response *res, const struct route_match *m)
{
	struct cjob *c = arena_zalloc(req->arena, sizeof(*c));

	c->op = OP_REPORT;
	if (!load_target(site, req, res, m, c, false))
		return;
	set_story_path(site, req, c);
	if (!not_banned(site, req, res, c))
		return;
	submit(site, req, c);
}

/* ---- Pages without JavaScript: reply and edit forms ---- */

static bool page_target(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m,
			struct comment *out, const char **story)
{
	int64_t id = comments_param_id(req, m, 0);
	struct reader_state *rs = site_reader(site, req);
	struct article *art;
	int r = id ? store_comment_get(site->store, req->arena, id,
				       rs->logged_in ? rs->account.id : 0, out) :
		     ERR_NOTFOUND;

	if (!r && (out->status != COMMENT_VISIBLE ||
		   store_article_by_slug(site->store, req->arena,
					 out->article_slug, false, &art)))
		r = ERR_NOTFOUND;
	if (r) {
		render_error(site, req, res, err_http_status(r),
			     r == ERR_NOTFOUND ? tr(req_lang(req), "That comment is no longer"
			     " there.") : tr(req_lang(req), "The comment cannot be loaded now."));
		return false;
	}
	*story = article_path(req->arena, art);
	return true;
}

void h_comment_reply_form(struct site *site, struct http_request *req,
			  struct http_response *res,
			  const struct route_match *m)
{
	struct reader_state *rs = site_reader(site, req);
	struct comment c;
	const char *story;

	if (!page_target(site, req, res, m, &c, &story))
		return;
	if (!rs->logged_in || rs->account.banned || !rs->account.verified ||
	    c.depth >= site->comment_depth) {
		form_page(site, req, res, rs->logged_in ? 403 : 200,
			  tr(req_lang(req), "Reply to a comment"), NULL, NULL, NULL, NULL,
			  !rs->logged_in ? NULL : rs->account.banned ?
			  reader_banned_text(req_lang(req)) :
			  !rs->account.verified ?
			  tr(req_lang(req), "Confirm your e-mail address before you comment.") :
			  tr(req_lang(req), "This thread is as deep as it goes: reply higher up."),
			  story, &c);
		return;
	}
	form_page(site, req, res, 200, tr(req_lang(req), "Reply to a comment"),
		  arena_printf(req->arena, "/comments/new/%s", c.article_slug),
		  arena_printf(req->arena, "%" PRId64, c.id), NULL, NULL, NULL,
		  story, &c);
}

void h_comment_edit_form(struct site *site, struct http_request *req,
			 struct http_response *res,
			 const struct route_match *m)
{
	struct reader_state *rs = site_reader(site, req);
	struct comment c;
	const char *story;

	if (!page_target(site, req, res, m, &c, &story))
		return;
	if (!rs->logged_in || c.account_id != rs->account.id) {
		form_page(site, req, res, 403, tr(req_lang(req), "Edit your comment"), NULL, NULL,
			  NULL, NULL, tr(req_lang(req), "You can only edit your own comments."),
			  story, NULL);
		return;
	}
	if (comments_now() - c.created >= COMMENT_EDIT_S) {
		form_page(site, req, res, 403, tr(req_lang(req), "Edit your comment"), NULL, NULL,
			  NULL, NULL, tr(req_lang(req), "The 15 minutes to edit this comment have"
			  " passed."), story, NULL);
		return;
	}
	if (rs->account.banned) {
		form_page(site, req, res, 403, tr(req_lang(req), "Edit your comment"),
			  NULL, NULL, NULL, NULL,
			  reader_banned_text(req_lang(req)), story, NULL);
		return;
	}
	form_page(site, req, res, 200, tr(req_lang(req), "Edit your comment"),
		  arena_printf(req->arena, "/comments/%" PRId64 "/edit", c.id),
		  NULL, c.body, NULL, NULL, story, NULL);
}
