/*
 * comments_mod.c - moderation: the queue page for editors and admins
 * (/newsroom/comments: approve, reject, mark as spam, ban the account),
 * lifting a ban (from the newsroom's users page), per-article comment
 * settings, reply notification mail and its one-click unsubscribe link.
 *
 * A reply's notification is queued in the transaction that makes the
 * reply visible (its post, or its approval), never for a held, rejected
 * or spam comment.  The moderators' mail about a held comment is queued
 * in the transaction that holds it, about a reported one in that of the
 * report that brings it to the queue (once, not per report).
 */
#include "comments_int.h"
#include "newsroom.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/csrf.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "mail/message.h"
#include "mail/outbox.h"
#include "render/comment_md.h"

#define QUEUE_MAX 200

struct outbox_msg *comments_reply_mail(struct site_job *j,
				       const struct comment *parent,
				       const char *reply_author,
				       const char *reply_text,
				       int64_t anchor_id)
{
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	/* The reader is written to in the site's language, whoever
	 * approved the reply (a moderator may use the newsroom in another). */
	const struct i18n_lang *l = site->lang;
	struct article *art;
	struct outbox_msg *mail;
	const char *story, *unsub;

	if (!parent->account_id || !parent->author_wants_mail ||
	    !*parent->author_email || parent->account_id == j->acct.id)
		return NULL;
	if (store_article_by_slug(site->store, a, parent->article_slug, false,
				  &art))
		return NULL;
	reply_author = comment_clean(a, reply_author, strlen(reply_author), NULL);
	if (!reply_author || !*reply_author)
		reply_author = tr(l, "A reader");
	story = absolute_url(site, a, arena_printf(a, "%s#comment-%" PRId64,
				article_path(a, art), anchor_id));
	unsub = absolute_url(site, a, comments_unsub_path(site, a,
							  parent->account_id));
	mail = acct_mail_list(j, parent->author_email, arena_printf(a, tr(l,
			      "New reply to your comment on \"%s\""),
			      art->headline),
			      arena_printf(a, tr(l, "%s replied to your comment"
					   " on \"%s\":\n\n%.600s\n\nRead the"
					   " conversation:\n%s\n\nTo stop e-mail"
					   " about replies, open this link:\n%s"),
					   reply_author, art->headline,
					   reply_text, story, unsub), unsub);
	if (mail)
		mail->notice = true;	/* not queued to an address that bounces */
	return mail;
}

struct outbox_batch comments_mod_mail(struct site_job *j, const char *author,
				      const char *text, const char *slug,
				      bool reported)
{
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	/* Moderators are written to in the site's language. */
	const struct i18n_lang *l = site->lang;
	struct outbox_batch b = { NULL, 0 };
	const struct outbox_msg **msgs;
	const char *subject, *body, *queue;
	struct account *mods;
	struct article *art;
	size_t n, i;

	if (store_moderators(site->store, a, &mods, &n) || !n ||
	    store_article_by_slug(site->store, a, slug, false, &art))
		return b;
	author = comment_clean(a, author, strlen(author), NULL);
	if (!author || !*author)
		author = tr(l, "A reader");
	queue = absolute_url(site, a, "/newsroom/comments");
	subject = arena_printf(a, reported ?
			       tr(l, "A comment on \"%s\" was reported") :
			       tr(l, "A comment on \"%s\" is waiting for"
				  " moderation"), art->headline);
	body = arena_printf(a, reported ?
			    tr(l, "A reader reported this comment by %s on"
			       " \"%s\":\n\n%.600s\n\nReview it in the"
			       " moderation queue:\n%s") :
			    tr(l, "%s wrote this comment on \"%s\"; it is held"
			       " until a moderator approves it:\n\n%.600s\n\n"
			       "Approve or remove it in the moderation queue:"
			       "\n%s"), author, art->headline, text, queue);
	msgs = arena_alloc(a, n * sizeof(*msgs));
	for (i = 0; i < n; i++) {
		struct outbox_msg *m;

		/* Whoever posted or reported it knows already. */
		if (mods[i].id == j->acct.id ||
		    !(m = acct_mail(j, mods[i].email, subject, body)))
			continue;
		m->notice = true;	/* not queued to an address that bounces */
		msgs[b.n++] = m;
	}
	b.msgs = msgs;
	return b;
}

/* ---- Unsubscribe (no log in needed: the link is signed) ---- */

static void unsub_work(struct site_job *j)
{
	j->result = store_account_reply_mail(j->site->store,
					     (int64_t)(intptr_t)j->data, false);
}

static void unsub_answer(struct site_job *j, struct http_request *req,
			 struct http_response *res)
{
	if (j->result && j->result != ERR_NOTFOUND) {
		http_add_header(res, "Retry-After", "2");
		acct_message(j->site, req, res, 503, tr(req_lang(req),
			     "Not unsubscribed"), tr(req_lang(req), "That did"
			     " not work right now. Please open the link"
			     " again."));
		return;
	}
	acct_message(j->site, req, res, 200, tr(req_lang(req), "Unsubscribed"),
		     tr(req_lang(req), "You will get no more e-mail about"
			" replies to your comments."));
}

void h_comment_unsubscribe(struct site *site, struct http_request *req,
			   struct http_response *res,
			   const struct route_match *m)
{
	char *tok = str_dup(req->arena, m->params[0]), *dot = strchr(tok, '.');
	struct route_match idm = { 0 };
	struct site_job *j;
	int64_t id;

	if (dot)
		*dot = '\0';
	idm.params[0] = str_from(tok);
	id = dot ? comments_param_id(req, &idm, 0) : 0;
	if (!id || strcmp(comments_unsub_path(site, req->arena, id) +
			  strlen("/comments/unsubscribe/"),
			  arena_printf(req->arena, "%s.%s", tok, dot + 1))) {
		acct_message(site, req, res, 400, tr(req_lang(req),
			     "This link does not work"), tr(req_lang(req),
			     "The unsubscribe link is not complete. Copy the"
			     " whole link from the e-mail."));
		return;
	}
	if (req->method != HTTP_POST) {
		/* Opening the link asks; only a POST (the button, or a mail
		 * program's one-click, RFC 8058) unsubscribes, so link
		 * checkers that fetch every link in a mail change nothing. */
		const struct i18n_lang *l = req_lang(req);
		struct tval *ctx = acct_ctx(site, req, tr(l,
					    "Stop e-mail about replies?"));

		acct_paragraph(req, ctx, tr(l, "You get an e-mail when someone"
			       " replies to one of your comments. Press the"
			       " button to stop these e-mails."));
		acct_form(req, ctx, req->path, tr(l,
			  "Stop e-mail about replies"));
		acct_render(site, req, res, ctx, 200);
		return;
	}
	j = job_new(site, req, unsub_work, unsub_answer);
	j->data = (void *)(intptr_t)id;
	job_submit(j);
}

/* ---- The queue ---- */

/* The reader may moderate; otherwise answered (log in, or 403). */
static bool moderator_ok(struct site *site, struct http_request *req,
			 struct http_response *res)
{
	struct reader_state *rs = site_reader(site, req);

	if (!rs->logged_in) {
		res->status = 303;
		res->location = "/account/login?next=%2Fnewsroom%2Fcomments";
		res->cache_control = "no-store";
		return false;
	}
	if (!comments_moderator(rs)) {
		render_error(site, req, res, 403, "Only editors and admins can"
			     " moderate comments.");
		return false;
	}
	return true;
}

/* The banned accounts, each with its Unban form (token @csrf), or NULL
 * when there is none (or they cannot be read now: the queue still shows). */
static struct tval *banned_rows(struct site *site, struct arena *a,
				const char *csrf)
{
	struct account *list;
	struct tval *rows;
	size_t n, i;

	if (store_accounts_banned(site->store, a, &list, &n) || !n)
		return NULL;
	rows = tv_list(a);
	for (i = 0; i < n; i++) {
		struct tval *v = tv_map(a);
		struct comment who = { .author = list[i].name };

		tv_set_int(a, v, "id", list[i].id);
		tv_set_str(a, v, "name", comments_author(a, &who));
		tv_set_str(a, v, "csrf", csrf);
		tv_push(a, rows, v);
	}
	return rows;
}

void h_comment_queue(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct comment *items;
	struct tval *ctx, *list;
	char token[CSRF_TOKEN_SIZE];
	const char *done = http_query(req, "done");
	size_t n, i;

	(void)m;
	if (!moderator_ok(site, req, res))
		return;
	if (store_comment_queue(site->store, a, QUEUE_MAX, &items, &n)) {
		render_error(site, req, res, 503, N_("The queue cannot be"
			     " loaded right now; please try again."));
		return;
	}
	csrf_token(site->csrf_key, site_csrf_subject(site, req), token);
	/* The newsroom's page context: its navigation, "Comments" current. */
	ctx = nr_ctx(site, req, &site_reader(site, req)->account,
		     N_("Comments to moderate"), "comments");
	list = tv_list(a);
	for (i = 0; i < n; i++) {
		struct tval *v = tv_map(a);
		const struct comment *c = &items[i];
		struct article *art;

		tv_set_int(a, v, "id", c->id);
		tv_set_str(a, v, "state", c->status == COMMENT_HELD ?
			   tr(req_lang(req), "Held") :
			   tr(req_lang(req), "Reported"));
		tv_set_str(a, v, "author", comments_author(a, c));
		tv_set_str(a, v, "html", c->html);
		tv_set_str(a, v, "iso", time_iso(a, c->created));
		tv_set_str(a, v, "exact", time_human(a, c->created));
		tv_set_str(a, v, "headline", c->article_headline);
		tv_set_str(a, v, "url", store_article_by_slug(site->store, a,
			   c->article_slug, true, &art) ? "/" :
			   arena_printf(a, "%s#comments", article_path(a, art)));
		if (c->reports > 0)
			tv_set_str(a, v, "reports", arena_printf(a,
				   trn(req_lang(req), "reported %lu time",
				       "reported %lu times",
				       (unsigned long)c->reports),
				   (unsigned long)c->reports));
		else
			tv_set_bool(a, v, "reports", false);
		tv_set_bool(a, v, "can_ban", c->account_id != 0);
		tv_set_str(a, v, "csrf", arena_strdup(a, token));
		tv_push(a, list, v);
	}
	tv_set(a, ctx, "items", list);
	if ((list = banned_rows(site, a, arena_strdup(a, token)))) {
		struct tval *b = tv_map(a);

		tv_set(a, b, "accounts", list);
		tv_set(a, ctx, "banned", b);
	}
	if (done && (!strcmp(done, "approve") || !strcmp(done, "reject") ||
		     !strcmp(done, "spam") || !strcmp(done, "ban") ||
		     !strcmp(done, "unban")))
		tv_set_str(a, ctx, "notice", tr(req_lang(req),
			   !strcmp(done, "approve") ?
			   N_("The comment is published.") :
			   !strcmp(done, "ban") ? N_("The account is banned.") :
			   !strcmp(done, "unban") ? N_("The ban is lifted.") :
			   N_("The comment is removed.")));
	render_page(site, req, res, "comment-queue", ctx);
	res->content_type = "text/html; charset=utf-8";
	res->cache_control = "no-store";
}

struct mod {
	struct comment c;
	const char *action;
	bool visible;
	int64_t count;
};

static void mod_work(struct site_job *j)
{
	struct mod *md = j->data;
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	struct comment parent, fresh;
	struct outbox_msg *mail = NULL;
	struct comment_settings cs;
	enum comment_action act;

	if (!strcmp(md->action, "ban")) {
		j->result = md->c.account_id ?
			    store_account_ban(site->store, md->c.account_id) :
			    ERR_NOTFOUND;
		if (!j->result && md->c.status == COMMENT_VISIBLE)
			j->result = store_comment_moderate(site->store, md->c.id,
							   COMMENT_MARK_SPAM,
							   NULL, NULL);
	} else {
		act = !strcmp(md->action, "approve") ? COMMENT_APPROVE :
		      !strcmp(md->action, "reject") ? COMMENT_REJECT :
		      COMMENT_MARK_SPAM;
		if (act == COMMENT_APPROVE && md->c.parent_id &&
		    !store_comment_get(site->store, a, md->c.parent_id, 0,
				       &parent) &&
		    parent.status == COMMENT_VISIBLE) {
			/* The mail is from the reply's author, not us. */
			struct account me = j->acct;

			j->acct.id = md->c.account_id;
			mail = comments_reply_mail(j, &parent, md->c.author,
						   md->c.body, md->c.id);
			j->acct = me;
		}
		j->result = store_comment_moderate(site->store, md->c.id, act,
						   mail, &md->visible);
	}
	if (j->result)
		return;
	if (!store_comment_settings(site->store, md->c.article_id, &cs)) {
		md->count = cs.count;
		if (md->visible && !store_comment_get(site->store, a, md->c.id,
						      0, &fresh))
			comments_publish(site, a, &fresh, cs.count);
		else
			comments_publish_count(site, md->c.article_id, cs.count);
	}
	if (md->visible && mail)
		mail_outbox_kick(site->outbox);
}

static void mod_answer(struct site_job *j, struct http_request *req,
		       struct http_response *res)
{
	struct mod *md = j->data;

	if (j->result) {
		render_error(j->site, req, res, err_http_status(j->result),
			     j->result == ERR_NOTFOUND ?
			     N_("That comment is no longer there.") :
			     N_("That could not be saved right now. Please"
				" try again."));
		return;
	}
	res->status = 303;
	res->location = arena_printf(req->arena, "/newsroom/comments?done=%s",
				     md->action);
	res->cache_control = "no-store";
}

void h_comment_moderate(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m)
{
	struct mod *md = arena_zalloc(req->arena, sizeof(*md));
	const char *action = http_form(req, "action");
	int64_t id = comments_param_id(req, m, 0);
	struct site_job *j;
	int r;

	if (!moderator_ok(site, req, res))
		return;
	if (!csrf_same_origin(req) ||
	    !csrf_token_ok(site->csrf_key, site_csrf_subject(site, req),
			   http_form(req, "csrf"))) {
		render_error(site, req, res, 403, "This form has expired or came"
			     " from another site. Go back, reload the page and"
			     " try again.");
		return;
	}
	if (!action || (strcmp(action, "approve") && strcmp(action, "reject") &&
			strcmp(action, "spam") && strcmp(action, "ban"))) {
		render_error(site, req, res, 422, "Choose approve, reject, mark"
			     " as spam or ban.");
		return;
	}
	r = id ? store_comment_get(site->store, req->arena, id, 0, &md->c) :
		 ERR_NOTFOUND;
	if (r) {
		render_error(site, req, res, err_http_status(r),
			     r == ERR_NOTFOUND ?
			     N_("That comment is no longer there.") :
			     N_("The comment cannot be loaded now."));
		return;
	}
	md->action = action;
	j = job_new(site, req, mod_work, mod_answer);
	j->data = md;
	job_submit(j);
}

/* ---- Lifting a ban (POST /newsroom/users/:id/unban) ---- */

struct unban_job {
	const struct account *who;
	int64_t id;
};

static void unban_work(struct site_job *j)
{
	struct unban_job *uj = j->data;

	j->result = store_account_unban(j->site->store, uj->id);
}

static void unban_answer(struct site_job *j, struct http_request *req,
			 struct http_response *res)
{
	struct unban_job *uj = j->data;

	if (j->result) {
		nr_message(j->site, req, res, uj->who,
			   err_http_status(j->result), N_("Ban not lifted"),
			   j->result == ERR_NOTFOUND ?
			   N_("There is no such account.") :
			   N_("Please try again."));
		return;
	}
	res->status = 303;
	/* Only admins see the users page; editors go back to the queue. */
	res->location = uj->who->role >= ROLE_ADMIN ?
			"/newsroom/users?done=unban" :
			"/newsroom/comments?done=unban";
	res->cache_control = "no-store";
}

void h_comment_unban(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_EDITOR);
	struct unban_job *uj;
	struct site_job *j;

	if (!who || !nr_form_ok(site, req, res))
		return;
	uj = arena_zalloc(req->arena, sizeof(*uj));
	uj->who = who;
	uj->id = comments_param_id(req, m, 0);
	if (!uj->id) {
		nr_message(site, req, res, who, 404, N_("Ban not lifted"),
			   N_("There is no such account."));
		return;
	}
	j = job_new(site, req, unban_work, unban_answer);
	j->data = uj;
	nr_submit(j);
}

/* ---- Per-article settings ---- */

struct settings_job {
	int64_t article_id;
	int mode;
	bool closed;
	const char *path;
};

static void settings_work(struct site_job *j)
{
	struct settings_job *sj = j->data;

	j->result = store_comment_settings_set(j->site->store, sj->article_id,
					       sj->mode, sj->closed);
}

static void settings_answer(struct site_job *j, struct http_request *req,
			    struct http_response *res)
{
	struct settings_job *sj = j->data;

	if (j->result) {
		render_error(j->site, req, res, 503, "The settings could not be"
			     " saved right now. Please try again.");
		return;
	}
	res->status = 303;
	res->location = arena_printf(req->arena, "%s#comments", sj->path);
	res->cache_control = "no-store";
}

void h_comment_settings(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m)
{
	struct settings_job *sj = arena_zalloc(req->arena, sizeof(*sj));
	char *slug = str_dup(req->arena, m->params[0]);
	const char *mode = http_form(req, "mode"), *closed;
	struct article *art;
	struct site_job *j;
	int i, r;

	if (!moderator_ok(site, req, res))
		return;
	if (!csrf_same_origin(req) ||
	    !csrf_token_ok(site->csrf_key, site_csrf_subject(site, req),
			   http_form(req, "csrf"))) {
		render_error(site, req, res, 403, "This form has expired or came"
			     " from another site. Go back, reload the page and"
			     " try again.");
		return;
	}
	r = slug_valid(slug) ? store_article_by_slug(site->store, req->arena,
						     slug, false, &art) :
			       ERR_NOTFOUND;
	if (r) {
		render_error(site, req, res, err_http_status(r),
			     "We could not find that story.");
		return;
	}
	sj->mode = -2;
	if (mode && !strcmp(mode, "site"))
		sj->mode = -1;
	for (i = 0; mode && i < COMMENT_MODES; i++)
		if (!strcmp(mode, comment_mode_names[i]))
			sj->mode = i;
	if (sj->mode == -2) {
		render_error(site, req, res, 422, "Choose the site's default,"
			     " open, first or all.");
		return;
	}
	closed = http_form(req, "closed");
	sj->closed = closed && !strcmp(closed, "1");
	sj->article_id = art->id;
	sj->path = article_path(req->arena, art);
	j = job_new(site, req, settings_work, settings_answer);
	j->data = sj;
	job_submit(j);
}
