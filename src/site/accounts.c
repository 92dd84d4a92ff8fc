/*
 * accounts.c - reader accounts: the masthead's account area, the shared
 * parts of the account pages, and sign up, log in and log out (the
 * session behind each request is looked up in reader.c).  The reset, verification and settings flows
 * are in accounts_flows.c.  See docs/security.md for the mechanisms.
 *
 * A session is a random 256-bit token in the dl_session cookie; the store
 * keeps only its SHA-256.  Log in always makes a new token.
 */
#include "accounts_int.h"

#include <ctype.h>
#include <sodium.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/csrf.h"
#include "auth/passwords.h"
#include "auth/ratelimit.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "mail/message.h"
#include "mail/outbox.h"
#include "render/mustache.h"

#define AUTH_THREADS 2

int accounts_start(struct site *site)
{
	char err[512];
	int r;

	if (!site->reset_ttl)
		site->reset_ttl = 3600;
	if (!site->mail_from)
		site->mail_from = "dateline@localhost.localdomain";
	site->auth_pool = auth_pool_start(AUTH_THREADS);
	site->login_ip = ratelimit_new(site->login_per_minute);
	site->login_account = ratelimit_new(site->login_per_minute ? 5 : 0);
	site->signup_ip = ratelimit_new(site->login_per_minute ? 10 : 0);
	site->reset_ip = ratelimit_new(site->login_per_minute ? 10 : 0);
	site->reset_address = ratelimit_new(site->login_per_minute ? 3 : 0);
	/* Unknown addresses are verified against this, so a log in with one
	 * costs what a log in with a known one does. */
	if ((r = password_dummy(site->dummy_hash)))
		return r;
	site->outbox = mail_outbox_start(site->store, &site->mail, err,
					 sizeof(err));
	if (!site->outbox) {
		log_err("%s", err);
		return ERR_IO;
	}
	return 0;
}

void accounts_stop(struct site *site)
{
	auth_pool_stop(site->auth_pool);	/* first: its jobs queue mail */
	mail_outbox_stop(site->outbox);
	ratelimit_free(site->login_ip);
	ratelimit_free(site->login_account);
	ratelimit_free(site->signup_ip);
	ratelimit_free(site->reset_ip);
	ratelimit_free(site->reset_address);
	site->auth_pool = NULL;
	site->outbox = NULL;
	site->login_ip = site->login_account = site->signup_ip = NULL;
	site->reset_ip = site->reset_address = NULL;
}

bool account_return_ok(const char *path)
{
	size_t i, n;

	if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return false;
	n = strlen(path);
	if (n > 512)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)path[i] <= ' ' || (unsigned char)path[i] >= 127 ||
		    path[i] == '\\')
			return false;
	return true;
}

/* Where to go after log in: @next when it is same-site and not an
 * account page, else the front page. */
static const char *return_path(const char *next)
{
	if (!account_return_ok(next) || !strncmp(next, "/account/", 9))
		return "/";
	return next;
}

int account_area_render(struct site *site, struct http_request *req,
			bool anonymous, struct buf *out)
{
	struct arena *a = req->arena;
	struct tval *ctx = tv_map(a);
	struct reader_state *rs = anonymous ? NULL : site_reader(site, req);

	if (rs && rs->logged_in) {
		char token[CSRF_TOKEN_SIZE];

		csrf_token(site->csrf_key, site_csrf_subject(site, req), token);
		tv_set_str(a, ctx, "name", rs->account.name);
		tv_set_str(a, ctx, "csrf", arena_strdup(a, token));
	} else if (req->path && strcmp(req->path, "/") &&
		   account_return_ok(req->path) &&
		   strncmp(req->path, "/account/", 9)) {
		struct buf b;

		buf_init(&b, a, 2048);
		url_encode(&b, req->path, strlen(req->path));
		if (!b.overflow && b.len)
			tv_set_str(a, ctx, "next", b.data);
	}
	return tmpl_render(site_tmpl(site, req_lang(req)), "account-area", ctx,
			   out);
}

/* ---- Page building ---- */

struct tval *acct_ctx(struct site *site, struct http_request *req,
		      const char *heading)
{
	struct tval *ctx = page_context(site, req, heading, "", req->path ?
					req->path : "/");

	tv_set_str(req->arena, ctx, "heading", heading);
	return ctx;
}

struct tval *acct_form(struct http_request *req, struct tval *ctx,
		       const char *action, const char *button)
{
	struct arena *a = req->arena;
	struct tval *forms = tv_get(ctx, "forms", 5), *f = tv_map(a);

	if (!forms) {
		forms = tv_list(a);
		tv_set(a, ctx, "forms", forms);
	}
	tv_set_str(a, f, "action", action);
	tv_set_str(a, f, "button", button);
	tv_set(a, f, "fields", tv_list(a));
	tv_push(a, forms, f);
	return f;
}

void acct_field(struct http_request *req, struct tval *form, const char *name,
		const char *label, const char *type, const char *value,
		const char *autocomplete, const char *error)
{
	struct arena *a = req->arena;
	struct tval *f = tv_map(a);
	const char *action = tv_get(form, "action", 6)->u.str.p;

	/* Ids unique on a page with several forms: "email" of /account/email
	 * is "email-email", of /account/login "login-email".  The reset form
	 * posts to its link, whose last part is the secret token. */
	tv_set_str(a, f, "id", arena_printf(a, "%s-%s",
		   strncmp(action, "/account/reset/", 15) ?
		   strrchr(action, '/') + 1 : "reset", name));
	tv_set_str(a, f, "name", name);
	tv_set_str(a, f, "label", label);
	tv_set_str(a, f, "type", type);
	tv_set_str(a, f, "value", value ? value : "");
	tv_set_str(a, f, "autocomplete", autocomplete);
	tv_set_bool(a, f, "required", true);
	if (!strcmp(autocomplete, "new-password"))
		tv_set_str(a, f, "hint", tr(req_lang(req),
			   "8 to 256 characters."));
	if (error)
		tv_set_str(a, f, "error", error);
	tv_push(a, tv_get(form, "fields", 6), f);
}

static void push_str(struct http_request *req, struct tval *ctx,
		     const char *key, struct tval *v)
{
	struct tval *list = tv_get(ctx, key, strlen(key));

	if (!list) {
		list = tv_list(req->arena);
		tv_set(req->arena, ctx, key, list);
	}
	tv_push(req->arena, list, v);
}

void acct_paragraph(struct http_request *req, struct tval *ctx,
		    const char *text)
{
	push_str(req, ctx, "paragraphs", tv_str(req->arena, text));
}

void acct_link(struct http_request *req, struct tval *ctx, const char *href,
	       const char *text)
{
	struct tval *l = tv_map(req->arena);

	tv_set_str(req->arena, l, "href", href);
	tv_set_str(req->arena, l, "text", text);
	push_str(req, ctx, "links", l);
	tv_set_bool(req->arena, ctx, "has_links", true);
}

void acct_render(struct site *site, struct http_request *req,
		 struct http_response *res, struct tval *ctx, unsigned status)
{
	struct tval *forms = tv_get(ctx, "forms", 5);
	char token[CSRF_TOKEN_SIZE];

	if (forms) {
		size_t i;

		csrf_token(site->csrf_key, site_csrf_subject(site, req), token);
		for (i = 0; i < forms->u.list.n; i++)
			tv_set_str(req->arena, forms->u.list.items[i], "csrf",
				   arena_strdup(req->arena, token));
	}
	buf_reset(&res->body);
	render_page(site, req, res, "account", ctx);
	if (!res->status || res->status == 200)
		res->status = status;
	res->content_type = "text/html; charset=utf-8";
	/* Forms carry tokens bound to the reader; links carry secrets.  (The
	 * site-wide strict-origin-when-cross-origin referrer policy keeps
	 * the reset token in the path from other sites; "no-referrer" would
	 * make browsers post forms with "Origin: null", which we refuse.) */
	res->cache_control = "no-store";
}

void acct_message(struct site *site, struct http_request *req,
		  struct http_response *res, unsigned status,
		  const char *heading, const char *text)
{
	struct tval *ctx = acct_ctx(site, req, heading);

	acct_paragraph(req, ctx, text);
	acct_link(req, ctx, "/account/login", tr(req_lang(req), "Back to log in"));
	acct_render(site, req, res, ctx, status);
}

/* ---- Checks ---- */

bool acct_form_ok(struct site *site, struct http_request *req,
		  struct http_response *res)
{
	if (csrf_same_origin(req) &&
	    csrf_token_ok(site->csrf_key, site_csrf_subject(site, req),
			  http_form(req, "csrf")))
		return true;
	acct_message(site, req, res, 403, tr(req_lang(req), "This form has expired"),
		     tr(req_lang(req), "The form has expired or came from another site. Go back,"
		     " reload the page and try again."));
	return false;
}

bool acct_rate_ok(struct site *site, struct http_request *req,
		  struct http_response *res, struct ratelimit *rl,
		  const char *key)
{
	unsigned retry = 1;

	if (ratelimit_take(rl, key, time_mono_ms(), &retry))
		return true;
	http_add_header(res, "Retry-After", arena_printf(req->arena, "%u", retry));
	acct_message(site, req, res, 429, tr(req_lang(req), "Too many attempts"),
		     arena_printf(req->arena, trn(req_lang(req),
				  "There have been too many attempts. Wait %u"
				  " second and try again.", "There have been too"
				  " many attempts. Wait %u seconds and try again.",
				  retry), retry));
	return false;
}

const char *acct_address_key(struct arena *a, const char *prefix,
			     const char *email)
{
	char *low = arena_strdup(a, email), *p;
	char h[TOKEN_HASH_SIZE];

	for (p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	token_hash(low, h);
	return arena_printf(a, "%s%.32s", prefix, h);
}

/* Form field @name with surrounding white space trimmed (arena), or "". */
static const char *form_trimmed(struct http_request *req, const char *name)
{
	const char *v = http_form(req, name);

	return v ? str_dup(req->arena, str_trim(str_from(v))) : "";
}

const char *form_email(struct http_request *req, const char *name)
{
	char *v = (char *)form_trimmed(req, name), *p;

	for (p = v; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return mail_address_valid(v) ? v : NULL;
}

const char *name_problem(const struct i18n_lang *l, const char *name)
{
	size_t len = strlen(name), chars = 0, i;

	if (!len)
		return tr(l, "Enter a display name.");
	if (!utf8_valid(name, len))
		return tr(l, "The display name has characters we cannot show.");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < ' ' || c == 127)
			return tr(l, "The display name has characters we cannot show.");
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	if (chars > NAME_MAX_CHARS)
		return tr(l, "Use at most 60 characters.");
	return NULL;
}

const char *session_cookie(struct site *site, struct http_request *req,
			   const char *token)
{
	return arena_printf(req->arena, SESSION_COOKIE "=%s; Path=/;"
			    " Max-Age=%d; HttpOnly; SameSite=Lax%s", token,
			    SESSION_MAX_S, cookie_secure(site, req) ?
			    "; Secure" : "");
}

const char *session_cookie_clear(struct site *site, struct http_request *req)
{
	return arena_printf(req->arena, SESSION_COOKIE "=; Path=/; Max-Age=0;"
			    " HttpOnly; SameSite=Lax%s",
			    cookie_secure(site, req) ? "; Secure" : "");
}

const char *ttl_words(const struct i18n_lang *l, struct arena *a, int64_t s)
{
	unsigned long n = (unsigned long)s;

	if (s % 3600 == 0)
		return arena_printf(a, trn(l, "%lu hour", "%lu hours", n / 3600),
				    n / 3600);
	if (s % 60 == 0)
		return arena_printf(a, trn(l, "%lu minute", "%lu minutes",
					   n / 60), n / 60);
	return arena_printf(a, trn(l, "%lu second", "%lu seconds", n), n);
}

struct outbox_msg *acct_mail(struct site_job *j, const char *to,
			     const char *subject, const char *text)
{
	return acct_mail_list(j, to, subject, text, NULL);
}

struct outbox_msg *acct_mail_list(struct site_job *j, const char *to,
				  const char *subject, const char *text,
				  const char *unsubscribe)
{
	struct arena *a = j->req->arena;
	struct outbox_msg *m = arena_zalloc(a, sizeof(*m));

	m->to = to;
	m->data = mail_format_list(a, j->site->mail_from, to, subject,
				   arena_printf(a, tr(req_lang(j->req), "Hello,\n\n%s\n\n-- \n%s\n%s/\n"),
						text, j->site->name,
						j->site->base_url),
				   time_now(), unsubscribe);
	if (!m->data) {
		log_warn("cannot write mail to '%s' (check --mail-from)", to);
		return NULL;
	}
	return m;
}

/* A new session for account @id: the cookie to set, or NULL. */
static const char *start_session(struct site_job *j, int64_t id)
{
	char token[TOKEN_SIZE], hash[TOKEN_HASH_SIZE];

	token_new(token);
	token_hash(token, hash);
	if (store_session_create(j->site->store, hash, id, time_now()))
		return NULL;
	return session_cookie(j->site, j->req, token);
}

/* ---- Log in ---- */

static void login_page(struct site *site, struct http_request *req,
		       struct http_response *res, unsigned status,
		       const char *email, const char *next,
		       const char *email_error, const char *password_error,
		       const char *alert)
{
	struct tval *ctx = acct_ctx(site, req, tr(req_lang(req), "Log in"));
	struct tval *form = acct_form(req, ctx, "/account/login", tr(req_lang(req), "Log in"));

	if (alert)
		tv_set_str(req->arena, ctx, "alert", alert);
	if (next && account_return_ok(next))
		tv_set_str(req->arena, form, "next", next);
	acct_field(req, form, "email", tr(req_lang(req), "Email"), "email", email, "email",
		   email_error);
	acct_field(req, form, "password", tr(req_lang(req), "Password"), "password", NULL,
		   "current-password", password_error);
	acct_link(req, ctx, "/account/forgot", tr(req_lang(req), "Forgot your password?"));
	acct_link(req, ctx, "/account/signup", tr(req_lang(req), "Sign up"));
	acct_render(site, req, res, ctx, status);
}

void h_login_form(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	(void)m;
	login_page(site, req, res, 200, NULL, http_query(req, "next"), NULL,
		   NULL, NULL);
}

static void login_work(struct site_job *j)
{
	struct site *site = j->site;
	struct account a;
	bool rehash = false;
	char hash[PASSWORD_HASH_MAX];
	unsigned retry;
	int r;

	r = store_account_by_email(site->store, j->req->arena, j->email, &a);
	if (r && r != ERR_NOTFOUND) {
		j->result = r;
		return;
	}
	/* An unknown address costs a verification too, and its failures
	 * count like a known one's: neither timing nor 429s tell. */
	if (password_verify(r ? site->dummy_hash : a.password, j->password,
			    &rehash) || r) {
		/* Only failures count against the account. */
		ratelimit_take(site->login_account, acct_address_key(
			       j->req->arena, "la:", j->email), time_mono_ms(),
			       &retry);
		j->result = ERR_INVALID;
		return;
	}
	if (rehash && !password_hash(j->password, hash))
		store_account_rehash(site->store, a.id, hash);
	if (!(j->set_cookie = start_session(j, a.id))) {
		j->result = ERR_DB;
		return;
	}
	/* The old session (if any) ends: a new token at every log in. */
	if (j->logged_in)
		store_session_delete(site->store, j->session_hash);
	j->result = 0;
}

static void login_answer(struct site_job *j, struct http_request *req,
			 struct http_response *res)
{
	if (j->result == ERR_INVALID) {
		login_page(j->site, req, res, 401, j->email, j->next, NULL,
			   tr(req_lang(req), "The e-mail address or the password is not right."),
			   NULL);
		return;
	}
	if (j->result) {
		http_add_header(res, "Retry-After", "2");
		login_page(j->site, req, res, 503, j->email, j->next, NULL, NULL,
			   tr(req_lang(req), "You cannot log in right now. Please try again."));
		return;
	}
	res->status = 303;
	res->location = return_path(j->next);
	res->cache_control = "no-store";
}

void h_login(struct site *site, struct http_request *req,
	     struct http_response *res, const struct route_match *m)
{
	const char *email, *pw = http_form(req, "password");
	const char *next = http_form(req, "next");
	struct site_job *j;
	unsigned retry = 1;

	(void)m;
	if (!acct_form_ok(site, req, res) ||
	    !acct_rate_ok(site, req, res, site->login_ip,
			  arena_printf(req->arena, "li:%s", req->remote_ip)))
		return;
	email = form_email(req, "email");
	if (!email || !pw || !*pw) {
		login_page(site, req, res, 400, form_trimmed(req, "email"), next,
			   email ? NULL : tr(req_lang(req), "Enter the e-mail address of your"
			   " account, like name@example.com."),
			   pw && *pw ? NULL : tr(req_lang(req), "Enter your password."), NULL);
		return;
	}
	if (!ratelimit_peek(site->login_account, acct_address_key(req->arena,
			    "la:", email), time_mono_ms(), &retry)) {
		http_add_header(res, "Retry-After", arena_printf(req->arena,
				"%u", retry));
		login_page(site, req, res, 429, email, next, NULL, NULL,
			   arena_printf(req->arena, trn(req_lang(req),
					"Too many failed attempts for this"
					" account. Wait %u second and try again.",
					"Too many failed attempts for this"
					" account. Wait %u seconds and try again.",
					retry), retry));
		return;
	}
	j = job_new(site, req, login_work, login_answer);
	j->email = email;
	j->password = pw;
	j->next = next;
	job_submit(j);
}

/* ---- Log out ---- */

static void logout_work(struct site_job *j)
{
	j->result = !j->logged_in ? 0 : j->next ?
		    store_sessions_end(j->site->store, j->acct.id, NULL) :
		    store_session_delete(j->site->store, j->session_hash);
}

static void logout_answer(struct site_job *j, struct http_request *req,
			  struct http_response *res)
{
	if (j->result) {
		http_add_header(res, "Retry-After", "2");
		acct_message(j->site, req, res, 503, tr(req_lang(req), "Not logged out"),
			     tr(req_lang(req), "You could not be logged out right now. Please"
			     " try again."));
		return;
	}
	http_add_header(res, "Set-Cookie", session_cookie_clear(j->site, req));
	res->status = 303;
	res->location = "/";
	res->cache_control = "no-store";
}

static void logout(struct site *site, struct http_request *req,
		   struct http_response *res, bool everywhere)
{
	struct site_job *j;

	if (!acct_form_ok(site, req, res))
		return;
	j = job_new(site, req, logout_work, logout_answer);
	j->next = everywhere ? "all" : NULL;
	job_submit(j);
}

void h_logout(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	(void)m;
	logout(site, req, res, false);
}

void h_logout_all(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	(void)m;
	logout(site, req, res, true);
}

/* ---- Sign up ---- */

static void signup_page(struct site *site, struct http_request *req,
			struct http_response *res, unsigned status,
			const char *name, const char *email,
			const char *name_error, const char *email_error,
			const char *password_error)
{
	struct tval *ctx = acct_ctx(site, req, tr(req_lang(req), "Sign up"));
	struct tval *form = acct_form(req, ctx, "/account/signup",
				      tr(req_lang(req), "Sign up"));

	acct_field(req, form, "name", tr(req_lang(req), "Display name"), "text", name, "nickname",
		   name_error);
	acct_field(req, form, "email", tr(req_lang(req), "Email"), "email", email, "email",
		   email_error);
	acct_field(req, form, "password", tr(req_lang(req), "Password"), "password", NULL,
		   "new-password", password_error);
	acct_link(req, ctx, "/account/login", tr(req_lang(req), "Back to log in"));
	acct_render(site, req, res, ctx, status);
}

void h_signup_form(struct site *site, struct http_request *req,
		   struct http_response *res, const struct route_match *m)
{
	(void)m;
	signup_page(site, req, res, 200, NULL, NULL, NULL, NULL, NULL);
}

static void signup_work(struct site_job *j)
{
	struct site *site = j->site;
	struct arena *a = j->req->arena;
	char hash[PASSWORD_HASH_MAX], token[TOKEN_SIZE], th[TOKEN_HASH_SIZE];
	struct account acct = { .email = j->email, .name = j->name,
				.password = hash, .role = ROLE_READER };
	struct outbox_msg *mail;
	int r;

	/* Hash first, whether or not the address is taken: equal work. */
	if ((r = password_hash(j->password, hash)))
		goto out;
	token_new(token);
	token_hash(token, th);
	mail = acct_mail(j, j->email, arena_printf(a, tr(req_lang(j->req), "Confirm your e-mail"
				  " address for %s"), site->name),
			 arena_printf(a, tr(req_lang(j->req), "You signed up at %s as \"%s\". To"
				      " confirm this e-mail address, open this"
				      " link:\n\n%s\n\nThe link works for 24"
				      " hours. If you did not sign up, ignore"
				      " this message."), site->name, j->name,
				      absolute_url(site, a, arena_printf(a,
				      "/account/verify/%s", token))));
	r = store_account_create(site->store, &acct, th,
				 time_now() + VERIFY_TTL_S, mail, NULL);
	if (r == ERR_CONFLICT) {
		/* The page must not tell: the owner hears of it instead. */
		mail = acct_mail(j, j->email, arena_printf(a, tr(req_lang(j->req), "Sign-up attempt"
					  " at %s"), site->name),
				 arena_printf(a, tr(req_lang(j->req), "Someone tried to sign up at %s"
					      " with this e-mail address, which"
					      " already has an account. If it"
					      " was you, log in:\n\n%s\n\nForgot"
					      " your password? Reset it here:"
					      "\n\n%s\n\nIf it was not you, ignore"
					      " this message."), site->name,
					      absolute_url(site, a, "/account/login"),
					      absolute_url(site, a, "/account/forgot")));
		if (mail)
			mail->notice = true;
		r = mail ? store_outbox_add(site->store, mail) : 0;
	}
	mail_outbox_kick(site->outbox);
out:
	sodium_memzero(hash, sizeof(hash));
	j->result = r;
	job_equal_time(j, EQUAL_TIME_MS);
}

static void signup_answer(struct site_job *j, struct http_request *req,
			  struct http_response *res)
{
	if (j->result) {
		http_add_header(res, "Retry-After", "2");
		signup_page(j->site, req, res, 503, j->name, j->email, NULL, NULL,
			    tr(req_lang(req), "Your account could not be made right now. Please"
			    " try again."));
		return;
	}
	acct_message(j->site, req, res, 200, tr(req_lang(req), "Check your e-mail"),
		     arena_printf(req->arena, tr(req_lang(req), "We sent a message to %s. Follow"
				  " the link in it to confirm your address,"
				  " then log in."), j->email));
}

void h_signup(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	const char *name, *email, *pw = http_form(req, "password");
	const char *name_err, *email_err = NULL, *pw_err = NULL;
	struct site_job *j;

	(void)m;
	if (!acct_form_ok(site, req, res) ||
	    !acct_rate_ok(site, req, res, site->signup_ip,
			  arena_printf(req->arena, "su:%s", req->remote_ip)))
		return;
	name = form_trimmed(req, "name");
	email = form_email(req, "email");
	name_err = name_problem(req_lang(req), name);
	if (!email)
		email_err = tr(req_lang(req), "Enter an e-mail address like name@example.com.");
	if (password_check(pw))
		pw_err = tr(req_lang(req), "Use 8 to 256 characters.");
	if (name_err || email_err || pw_err) {
		signup_page(site, req, res, 400, name, email ? email :
			    form_trimmed(req, "email"), name_err, email_err,
			    pw_err);
		return;
	}
	j = job_new(site, req, signup_work, signup_answer);
	j->name = name;
	j->email = email;
	j->password = pw;
	job_submit(j);
}
