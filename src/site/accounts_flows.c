/*
 * accounts_flows.c - "Forgot your password?" and the reset link, the
 * e-mail confirmation links, and the account settings page (display name,
 * e-mail address, password, log out of all devices, delete the account).
 *
 * A reset request answers the same words, after the same minimum time,
 * whether or not the address has an account.  A reset token is 256 random
 * bits, stored only as a hash, single use, dies after site->reset_ttl
 * seconds or when the password changes.
 */
#include "accounts_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/passwords.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "i18n/dates.h"
#include "mail/outbox.h"

static const char expired_text[] =
	N_("This link has expired or has already been used. You can ask for a"
	   " new one.");

/* The :token of the route, hashed into @out; false when malformed. */
static bool route_token(const struct route_match *m, struct arena *a,
			char out[TOKEN_HASH_SIZE])
{
	char *t = str_dup(a, m->params[0]);

	if (!token_valid(t))
		return false;
	token_hash(t, out);
	return true;
}

static void expired_page(struct site *site, struct http_request *req,
			 struct http_response *res)
{
	struct tval *ctx = acct_ctx(site, req, tr(req_lang(req), "Link expired"));

	acct_paragraph(req, ctx, tr(req_lang(req), expired_text));
	acct_link(req, ctx, "/account/forgot", tr(req_lang(req), "Forgot your password?"));
	acct_link(req, ctx, "/account/login", tr(req_lang(req), "Back to log in"));
	acct_render(site, req, res, ctx, 400);
}

static void busy_page(struct site *site, struct http_request *req,
		      struct http_response *res)
{
	http_add_header(res, "Retry-After", "2");
	acct_message(site, req, res, 503, tr(req_lang(req), "Please try again"),
		     tr(req_lang(req), "This could not be done right now. Please try again."));
}

/* ---- Forgot your password? ---- */

static void forgot_page(struct site *site, struct http_request *req,
			struct http_response *res, unsigned status,
			const char *email, const char *email_error)
{
	struct tval *ctx = acct_ctx(site, req, tr(req_lang(req), "Forgot your password?"));
	struct tval *form = acct_form(req, ctx, "/account/forgot",
				      tr(req_lang(req), "Send the link"));

	tv_set_str(req->arena, form, "intro", tr(req_lang(req), "Enter the e-mail address of"
		   " your account. We will send you a link to choose a new"
		   " password."));
	acct_field(req, form, "email", tr(req_lang(req), "Email"), "email", email, "email",
		   email_error);
	acct_link(req, ctx, "/account/login", tr(req_lang(req), "Back to log in"));
	acct_render(site, req, res, ctx, status);
}

void h_forgot_form(struct site *site, struct http_request *req,
		   struct http_response *res, const struct route_match *m)
{
	(void)m;
	forgot_page(site, req, res, 200, NULL, NULL);
}

static void forgot_work(struct site_job *j)
{
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	char token[TOKEN_SIZE], th[TOKEN_HASH_SIZE];
	struct outbox_msg *mail;
	struct account acct;
	int r;

	r = store_account_by_email(site->store, a, j->email, &acct);
	if (!r) {
		token_new(token);
		token_hash(token, th);
		mail = acct_mail(j, acct.email, arena_printf(a, tr(req_lang(j->req), "Reset your"
					 " password at %s"), site->name),
				 arena_printf(a, tr(req_lang(j->req), "Someone (we hope you) asked to"
					      " reset the password of your"
					      " account at %s. To choose a new"
					      " password, open this link:\n\n%s"
					      "\n\nThe link works for %s and only"
					      " once. If you did not ask, ignore"
					      " this message: your password"
					      " stays as it is."), site->name,
					      absolute_url(site, a, arena_printf(a,
					      "/account/reset/%s", token)),
					      ttl_words(req_lang(j->req), a, site->reset_ttl)));
		r = store_token_add(site->store, acct.id, TOKEN_RESET, th, NULL,
				    time_now() + site->reset_ttl, mail);
		mail_outbox_kick(site->outbox);
	} else if (r == ERR_NOTFOUND) {
		r = 0;
	}
	j->result = r;
	job_equal_time(j, EQUAL_TIME_MS);
}

static void forgot_answer(struct site_job *j, struct http_request *req,
			  struct http_response *res)
{
	if (j->result) {
		busy_page(j->site, req, res);
		return;
	}
	acct_message(j->site, req, res, 200, tr(req_lang(req), "Check your e-mail"),
		     arena_printf(req->arena, tr(req_lang(req), "If an account exists for %s, we"
				  " sent a link to reset its password. The link"
				  " works for %s."), j->email,
				  ttl_words(req_lang(req), req->arena, j->site->reset_ttl)));
}

void h_forgot(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	const char *email;
	struct site_job *j;

	(void)m;
	if (!acct_form_ok(site, req, res) ||
	    !acct_rate_ok(site, req, res, site->reset_ip,
			  arena_printf(req->arena, "ri:%s", req->remote_ip)))
		return;
	if (!(email = form_email(req, "email"))) {
		forgot_page(site, req, res, 400, http_form(req, "email"),
			    tr(req_lang(req), "Enter an e-mail address like name@example.com."));
		return;
	}
	if (!acct_rate_ok(site, req, res, site->reset_address,
			  acct_address_key(req->arena, "ra:", email)))
		return;
	j = job_new(site, req, forgot_work, forgot_answer);
	j->email = email;
	job_submit(j);
}

/* ---- The reset link ---- */

static void reset_page(struct site *site, struct http_request *req,
		       struct http_response *res, unsigned status,
		       const char *error)
{
	struct tval *ctx = acct_ctx(site, req, tr(req_lang(req), "Choose a new password"));
	struct tval *form = acct_form(req, ctx, req->path, tr(req_lang(req), "Set the password"));

	acct_field(req, form, "password", tr(req_lang(req), "New password"), "password", NULL,
		   "new-password", error);
	acct_link(req, ctx, "/account/login", tr(req_lang(req), "Back to log in"));
	acct_render(site, req, res, ctx, status);
}

void h_reset_form(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	char th[TOKEN_HASH_SIZE];
	struct account acct;
	int r;

	if (!route_token(m, req->arena, th)) {
		expired_page(site, req, res);
		return;
	}
	/* One indexed read, like any page; the answer is not cached. */
	r = store_token_find(site->store, req->arena, TOKEN_RESET, th,
			     time_now(), &acct);
	if (r == ERR_NOTFOUND)
		expired_page(site, req, res);
	else if (r)
		busy_page(site, req, res);
	else
		reset_page(site, req, res, 200, NULL);
}

static void reset_work(struct site_job *j)
{
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	char hash[PASSWORD_HASH_MAX];
	struct outbox_msg *mail;
	struct account acct;
	int r;

	r = store_token_find(site->store, a, TOKEN_RESET, j->token_hash,
			     time_now(), &acct);
	if (!r)
		r = password_hash(j->new_password, hash);
	if (r) {
		j->result = r;
		return;
	}
	mail = acct_mail(j, acct.email, arena_printf(a, tr(req_lang(j->req), "Your password at %s"
				 " was changed"), site->name),
			 arena_printf(a, tr(req_lang(j->req), "The password of your account at %s"
				      " was changed, and every device logged"
				      " in to it was logged out. If you did"
				      " not do this, reset your password at"
				      " once:\n\n%s"), site->name,
				      absolute_url(site, a, "/account/forgot")));
	if (mail)
		mail->notice = true;
	j->result = store_account_set_password(site->store, acct.id, hash,
					       j->token_hash, NULL, time_now(),
					       mail);
	sodium_memzero(hash, sizeof(hash));
	mail_outbox_kick(site->outbox);
}

static void reset_answer(struct site_job *j, struct http_request *req,
			 struct http_response *res)
{
	if (j->result == ERR_NOTFOUND) {
		expired_page(j->site, req, res);
		return;
	}
	if (j->result) {
		busy_page(j->site, req, res);
		return;
	}
	/* Every session of the account ended, this browser's too. */
	http_add_header(res, "Set-Cookie", session_cookie_clear(j->site, req));
	acct_message(j->site, req, res, 200, tr(req_lang(req), "Your password is changed"),
		     tr(req_lang(req), "Your new password is set, and every device that was"
		     " logged in to your account has been logged out. Log in"
		     " with your new password."));
}

void h_reset(struct site *site, struct http_request *req,
	     struct http_response *res, const struct route_match *m)
{
	const char *pw = http_form(req, "password");
	struct site_job *j;
	char th[TOKEN_HASH_SIZE];

	if (!acct_form_ok(site, req, res))
		return;
	if (!route_token(m, req->arena, th)) {
		expired_page(site, req, res);
		return;
	}
	if (password_check(pw)) {
		reset_page(site, req, res, 400, tr(req_lang(req), "Use 8 to 256 characters."));
		return;
	}
	j = job_new(site, req, reset_work, reset_answer);
	memcpy(j->token_hash, th, sizeof(th));
	j->new_password = pw;
	job_submit(j);
}

/* ---- E-mail confirmation links ---- */

static void apply_work(struct site_job *j)
{
	j->result = store_token_apply(j->site->store, j->next ? TOKEN_EMAIL :
				      TOKEN_VERIFY, j->token_hash, time_now(),
				      NULL);
}

static void apply_answer(struct site_job *j, struct http_request *req,
			 struct http_response *res)
{
	if (j->result == ERR_NOTFOUND || j->result == ERR_CONFLICT) {
		acct_message(j->site, req, res, 400, tr(req_lang(req), "Link expired"),
			     tr(req_lang(req), "This link has expired or has already been used."));
		return;
	}
	if (j->result) {
		busy_page(j->site, req, res);
		return;
	}
	acct_message(j->site, req, res, 200, tr(req_lang(req), "Your address is confirmed"),
		     j->next ? tr(req_lang(req), "Your account now uses the new e-mail address.") :
		     tr(req_lang(req), "Thank you: your e-mail address is confirmed."));
}

static void apply_link(struct site *site, struct http_request *req,
		       struct http_response *res, const struct route_match *m,
		       bool email)
{
	struct site_job *j = job_new(site, req, apply_work, apply_answer);

	/* Link checkers send HEAD: it must not use the token up. */
	if (req->method == HTTP_HEAD) {
		acct_message(site, req, res, 200, tr(req_lang(req), "Confirm your address"),
			     tr(req_lang(req), "Open this link in a browser to confirm."));
		return;
	}
	if (!route_token(m, req->arena, j->token_hash)) {
		acct_message(site, req, res, 400, tr(req_lang(req), "Link expired"),
			     tr(req_lang(req), "This link has expired or has already been used."));
		return;
	}
	j->next = email ? "email" : NULL;
	job_submit(j);
}

void h_verify(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	apply_link(site, req, res, m, false);
}

void h_confirm_email(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	apply_link(site, req, res, m, true);
}

/* ---- The account page ---- */

/* A shipped language's name in itself, for the language list. */
static const char *language_name(const char *tag)
{
	static const struct {
		const char *tag, *name;
	} names[] = {
		{ "en", "English" }, { "de", "Deutsch" },
		{ "fr", "Fran\xC3\xA7" "ais" },
		{ "ar", "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(tag, names[i].tag))
			return names[i].name;
	return tag;
}

/* True for "" (the site's) and the tags of the shipped languages. */
static bool language_offered(struct site *site, const char *tag)
{
	size_t i, n = i18n_count(site->i18n);

	if (!*tag)
		return true;
	for (i = 0; i < n && i < SITE_MAX_LANGS; i++)
		if (!strcmp(tag, i18n_at(site->i18n, i)->tag))
			return true;
	return false;
}

/* The newsroom language form: the site's, or one of the shipped ones,
 * each named in itself. */
static void language_form(struct site *site, struct http_request *req,
			  struct tval *ctx, const char *error)
{
	const struct account *acc = &site_reader(site, req)->account;
	const char *mine = acc->language ? acc->language : "";
	struct arena *a = req->arena;
	struct tval *f, *field, *opts = tv_list(a), *o;
	size_t i, n = i18n_count(site->i18n);

	f = acct_form(req, ctx, "/account/language", tr(req_lang(req),
		      "Change the language"));
	tv_set_str(a, f, "title", tr(req_lang(req), "Newsroom language"));
	acct_field(req, f, "language", tr(req_lang(req), "Language of the"
		   " newsroom"), "select", mine, "off", error);
	field = tv_get(f, "fields", 6);
	field = field->u.list.items[field->u.list.n - 1];
	o = tv_map(a);
	tv_set_str(a, o, "value", "");
	tv_set_str(a, o, "text", arena_printf(a, tr(req_lang(req),
		   "The site's language (%s)"),
		   language_name(site_language(site))));
	tv_set_bool(a, o, "selected", !*mine);
	tv_push(a, opts, o);
	for (i = 0; i < n && i < SITE_MAX_LANGS; i++) {
		const char *tag = i18n_at(site->i18n, i)->tag;

		o = tv_map(a);
		tv_set_str(a, o, "value", tag);
		tv_set_str(a, o, "text", language_name(tag));
		tv_set_str(a, o, "lang", tag);
		tv_set_bool(a, o, "selected", !strcmp(tag, mine));
		tv_push(a, opts, o);
	}
	tv_set_bool(a, field, "is_select", true);
	tv_set(a, field, "options", opts);
}

static void settings_page(struct site *site, struct http_request *req,
			  struct http_response *res, unsigned status,
			  const char *notice, const char *field,
			  const char *error)
{
	struct reader_state *rs = site_reader(site, req);
	const struct account *a = &rs->account;
	struct tval *ctx = acct_ctx(site, req, tr(req_lang(req), "Your account"));
	struct tval *f;

#define ERR(name) (field && !strcmp(field, name) ? error : NULL)
	if (notice)
		tv_set_str(req->arena, ctx, "notice", notice);
	acct_paragraph(req, ctx, arena_printf(req->arena, tr(req_lang(req), "You are logged in"
		       " as %s (%s), role %s."), a->name, a->email,
		       role_label(req_lang(req), a->role)));
	if (!a->verified)
		acct_paragraph(req, ctx, tr(req_lang(req), "Your e-mail address is not confirmed"
			       " yet: follow the link we sent you. Until then"
			       " you cannot comment."));
	if (a->bounced) {
		acct_paragraph(req, ctx, arena_printf(req->arena, tr(req_lang(req),
			       "Mail to %s was refused on %s (%s), so we stopped"
			       " sending you replies and notices. Confirm the"
			       " address to have them again, or change it"
			       " below."), a->email, i18n_date(req_lang(req),
			       req->arena, a->bounced), a->bounce_reason));
		f = acct_form(req, ctx, "/account/confirm",
			      tr(req_lang(req), "Send a confirmation link"));
		tv_set_str(req->arena, f, "title", tr(req_lang(req), "Confirm your address"));
	}
	f = acct_form(req, ctx, "/account/name", tr(req_lang(req), "Change the name"));
	tv_set_str(req->arena, f, "title", tr(req_lang(req), "Display name"));
	acct_field(req, f, "name", tr(req_lang(req), "Display name"), "text", a->name, "nickname",
		   ERR("name"));
	f = acct_form(req, ctx, "/account/email", tr(req_lang(req), "Change the address"));
	tv_set_str(req->arena, f, "title", tr(req_lang(req), "E-mail address"));
	tv_set_str(req->arena, f, "intro", tr(req_lang(req), "We send a link to the new address;"
		   " the change is made when you follow it."));
	acct_field(req, f, "email", tr(req_lang(req), "Email"), "email", a->email, "email",
		   ERR("email"));
	acct_field(req, f, "password", tr(req_lang(req), "Password"), "password", NULL,
		   "current-password", ERR("email-password"));
	f = acct_form(req, ctx, "/account/password", tr(req_lang(req), "Change the password"));
	tv_set_str(req->arena, f, "title", tr(req_lang(req), "Password"));
	acct_field(req, f, "password", tr(req_lang(req), "Password"), "password", NULL,
		   "current-password", ERR("password"));
	acct_field(req, f, "new_password", tr(req_lang(req), "New password"), "password", NULL,
		   "new-password", ERR("new_password"));
	if (a->role >= ROLE_AUTHOR)
		language_form(site, req, ctx, ERR("language"));
	f = acct_form(req, ctx, "/account/logout-all",
		      tr(req_lang(req), "Log out of all devices"));
	tv_set_str(req->arena, f, "title", tr(req_lang(req), "Devices"));
	f = acct_form(req, ctx, "/account/delete", tr(req_lang(req), "Delete my account"));
	tv_set_str(req->arena, f, "title", tr(req_lang(req), "Delete the account"));
	tv_set_str(req->arena, f, "intro", tr(req_lang(req), "Your name, address and password"
		   " are removed. What you wrote stays, shown as by a deleted"
		   " reader."));
	tv_set_bool(req->arena, f, "danger", true);
	acct_field(req, f, "password", tr(req_lang(req), "Password"), "password", NULL,
		   "current-password", ERR("delete-password"));
#undef ERR
	acct_render(site, req, res, ctx, status);
}

/* True when logged in; otherwise answers with a redirect to log in. */
static bool need_login(struct site *site, struct http_request *req,
		       struct http_response *res)
{
	if (site_reader(site, req)->logged_in)
		return true;
	res->status = 303;
	res->location = "/account/login?next=%2Faccount%2F";
	res->cache_control = "no-store";
	return false;
}

void h_account_home(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	const char *done = http_query(req, "done");

	(void)m;
	if (!need_login(site, req, res))
		return;
	settings_page(site, req, res, 200, !done ? NULL :
		      !strcmp(done, "name") ? tr(req_lang(req), "Your display name is changed.") :
		      !strcmp(done, "email") ? tr(req_lang(req), "We sent a link to the new"
		      " address. Follow it to make the change.") :
		      !strcmp(done, "password") ? tr(req_lang(req), "Your password is changed."
		      " Other devices were logged out.") :
		      !strcmp(done, "confirm") ? tr(req_lang(req), "We sent a confirmation"
		      " link to your address. Follow it to have replies and"
		      " notices again.") :
		      !strcmp(done, "language") ? tr(req_lang(req), "The newsroom"
		      " language is changed.") : NULL, NULL, NULL);
}

static void settings_answer(struct site_job *j, struct http_request *req,
			    struct http_response *res)
{
	if (j->result == ERR_INVALID) {
		settings_page(j->site, req, res, 400, NULL, j->field_error,
			      !strcmp(j->field_error, "name") ?
			      name_problem(req_lang(j->req), j->name) :
			      !strcmp(j->field_error, "email") ?
			      tr(req_lang(req), "Enter an e-mail address like name@example.com.") :
			      !strcmp(j->field_error, "new_password") ?
			      tr(req_lang(req), "Use 8 to 256 characters.") :
			      !strcmp(j->field_error, "language") ?
			      tr(req_lang(req), "Choose one of the languages"
				 " listed.") :
			      tr(req_lang(req), "The password is not right."));
		return;
	}
	if (j->result) {
		busy_page(j->site, req, res);
		return;
	}
	if (!strcmp(j->field_error, "delete-password")) {
		http_add_header(res, "Set-Cookie",
				session_cookie_clear(j->site, req));
		acct_message(j->site, req, res, 200, tr(req_lang(req), "Your account is deleted"),
			     tr(req_lang(req), "Your account and its personal data are removed."));
		return;
	}
	res->status = 303;
	res->location = arena_printf(req->arena, "/account/?done=%s",
				     !strcmp(j->field_error, "email-password") ?
				     "email" : j->field_error);
	res->cache_control = "no-store";
}

/* Check the reader's current password on the pool; false sets result. */
static bool current_password_ok(struct site_job *j, const char *field)
{
	bool rehash;

	j->field_error = field;
	if (password_verify(j->acct.password, j->password ? j->password : "",
			    &rehash)) {
		j->result = ERR_INVALID;
		return false;
	}
	return true;
}

static void name_work(struct site_job *j)
{
	j->result = store_account_set_name(j->site->store, j->acct.id, j->name);
}

static void language_work(struct site_job *j)
{
	j->result = store_account_set_language(j->site->store, j->acct.id,
					       j->name);
}

/*
 * Queue a link to @path_fmt (with a new token of @purpose, for @email of
 * TOKEN_EMAIL) for the reader, to @to: @subject_fmt takes the site's
 * name, @text_fmt the site's name and the link.  0 or an error.
 */
static int send_link(struct site_job *j, enum token_purpose purpose,
		     const char *to, const char *email, const char *subject_fmt,
		     const char *text_fmt, const char *path_fmt)
{
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	char token[TOKEN_SIZE], th[TOKEN_HASH_SIZE];
	struct outbox_msg *mail;
	int r;

	token_new(token);
	token_hash(token, th);
	mail = acct_mail(j, to, arena_printf(a, subject_fmt, site->name),
			 arena_printf(a, text_fmt, site->name,
				      absolute_url(site, a, arena_printf(a,
				      path_fmt, token))));
	r = store_token_add(site->store, j->acct.id, purpose, th, email,
			    time_now() + VERIFY_TTL_S, mail);
	mail_outbox_kick(site->outbox);
	return r;
}

static void email_work(struct site_job *j)
{
	const struct i18n_lang *l = req_lang(j->req);

	if (!current_password_ok(j, "email-password"))
		return;
	j->result = send_link(j, TOKEN_EMAIL, j->email, j->email,
			      tr(l, "Confirm your new e-mail address for %s"),
			      tr(l, "You asked to use this address for your"
				 " account at %s. To confirm it, open this"
				 " link:\n\n%s\n\nThe link works for 24"
				 " hours. If you did not ask, ignore this"
				 " message."), "/account/email/%s");
}

/* A confirmation link to the reader's own address (it bounced). */
static void confirm_work(struct site_job *j)
{
	const struct i18n_lang *l = req_lang(j->req);

	j->field_error = "confirm";
	j->result = send_link(j, TOKEN_VERIFY, j->acct.email, NULL,
			      tr(l, "Confirm your e-mail address for %s"),
			      tr(l, "You asked to confirm this address for"
				 " your account at %s. To confirm it, open"
				 " this link:\n\n%s\n\nThe link works for"
				 " 24 hours."), "/account/verify/%s");
}

static void password_work(struct site_job *j)
{
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	char hash[PASSWORD_HASH_MAX];
	struct outbox_msg *mail;

	if (!current_password_ok(j, "password"))
		return;
	if ((j->result = password_hash(j->new_password, hash)))
		return;
	mail = acct_mail(j, j->acct.email, arena_printf(a, tr(req_lang(j->req), "Your password at"
				 " %s was changed"), site->name),
			 arena_printf(a, tr(req_lang(j->req), "The password of your account at %s"
				      " was changed, and every other device"
				      " logged in to it was logged out. If you"
				      " did not do this, reset your password"
				      " at once:\n\n%s"), site->name,
				      absolute_url(site, a, "/account/forgot")));
	if (mail)
		mail->notice = true;
	j->result = store_account_set_password(site->store, j->acct.id, hash,
					       NULL, j->session_hash,
					       time_now(), mail);
	sodium_memzero(hash, sizeof(hash));
	mail_outbox_kick(site->outbox);
}

static void delete_work(struct site_job *j)
{
	if (current_password_ok(j, "delete-password"))
		j->result = store_account_delete(j->site->store, j->acct.id);
}

/* The shared start of the settings posts: a job, or NULL after answering. */
static struct site_job *settings_job(struct site *site,
				     struct http_request *req,
				     struct http_response *res, job_fn work)
{
	struct site_job *j;

	if (!need_login(site, req, res) || !acct_form_ok(site, req, res))
		return NULL;
	j = job_new(site, req, work, settings_answer);
	j->password = http_form(req, "password");
	return j;
}

void h_account_name(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	struct site_job *j = settings_job(site, req, res, name_work);
	const char *name;

	(void)m;
	if (!j)
		return;
	name = http_form(req, "name");
	j->name = name ? str_dup(req->arena, str_trim(str_from(name))) : "";
	j->field_error = "name";
	if (name_problem(req_lang(j->req), j->name)) {
		j->result = ERR_INVALID;
		settings_answer(j, req, res);
		return;
	}
	job_submit(j);
}

void h_account_language(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m)
{
	struct site_job *j = settings_job(site, req, res, language_work);
	const char *tag;

	(void)m;
	if (!j)
		return;
	tag = http_form(req, "language");
	j->name = tag ? tag : "";
	j->field_error = "language";
	if (!tag || !language_offered(site, tag)) {
		j->result = ERR_INVALID;
		settings_answer(j, req, res);
		return;
	}
	job_submit(j);
}

void h_account_email(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	struct site_job *j = settings_job(site, req, res, email_work);

	(void)m;
	if (!j)
		return;
	if (!(j->email = form_email(req, "email"))) {
		j->field_error = "email";
		j->result = ERR_INVALID;
		settings_answer(j, req, res);
		return;
	}
	job_submit(j);
}

void h_account_password(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m)
{
	struct site_job *j = settings_job(site, req, res, password_work);

	(void)m;
	if (!j)
		return;
	j->new_password = http_form(req, "new_password");
	if (password_check(j->new_password)) {
		j->field_error = "new_password";
		j->result = ERR_INVALID;
		settings_answer(j, req, res);
		return;
	}
	job_submit(j);
}

void h_account_confirm(struct site *site, struct http_request *req,
		       struct http_response *res, const struct route_match *m)
{
	struct site_job *j = settings_job(site, req, res, confirm_work);

	(void)m;
	if (j && acct_rate_ok(site, req, res, site->reset_address,
			      acct_address_key(req->arena, "cf:",
					       site_reader(site, req)->account.email)))
		job_submit(j);
}

void h_account_delete(struct site *site, struct http_request *req,
		      struct http_response *res, const struct route_match *m)
{
	struct site_job *j = settings_job(site, req, res, delete_work);

	(void)m;
	if (j)
		job_submit(j);
}
