/*
 * accounts_int.h - what accounts.c and accounts_flows.c share: the page
 * builder of the account pages, input checks, cookies and mail.  Not used
 * outside src/site/.
 *
 * Every account handler that hashes a password or writes to the store
 * runs that work as a job on the auth pool (jobs.h); the job resumes the
 * connection and its answer function answers on a connection thread.
 * Page serving never waits for argon2id or fsync.
 */
#ifndef DATELINE_ACCOUNTS_INT_H
#define DATELINE_ACCOUNTS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/tokens.h"
#include "jobs.h"
#include "site_int.h"

struct tval;

#define VERIFY_TTL_S (24 * 3600)	/* e-mail confirmation links */
#define NAME_MAX_CHARS 60
/* Sign-up and reset requests take at least this long, whether or not the
 * address has an account, so their timing does not tell. */
#define EQUAL_TIME_MS 300

/* The page context of an account page with heading @heading. */
struct tval *acct_ctx(struct site *site, struct http_request *req,
		      const char *heading);
/* A form appended to the page: posts to @action with button @button. */
struct tval *acct_form(struct http_request *req, struct tval *ctx,
		       const char *action, const char *button);
/* A labelled field of @form; @error (may be NULL) is tied to it. */
void acct_field(struct http_request *req, struct tval *form, const char *name,
		const char *label, const char *type, const char *value,
		const char *autocomplete, const char *error);
void acct_paragraph(struct http_request *req, struct tval *ctx,
		    const char *text);
void acct_link(struct http_request *req, struct tval *ctx, const char *href,
	       const char *text);
/* Render @ctx as an account page (never cached) with @status. */
void acct_render(struct site *site, struct http_request *req,
		 struct http_response *res, struct tval *ctx, unsigned status);
/* A one-message page with a "Back to log in" link. */
void acct_message(struct site *site, struct http_request *req,
		  struct http_response *res, unsigned status,
		  const char *heading, const char *text);

/*
 * The request's form passes the origin check and carries the CSRF token
 * of this reader; otherwise a 403 page is answered and false returned.
 */
bool acct_form_ok(struct site *site, struct http_request *req,
		  struct http_response *res);
/* Take a token of @rl for @key; false after answering 429 + Retry-After. */
bool acct_rate_ok(struct site *site, struct http_request *req,
		  struct http_response *res, struct ratelimit *rl,
		  const char *key);
/* "k:" and the first 32 hex digits of the hash of the lower-cased
 * address: a bounded rate-limit key. */
const char *acct_address_key(struct arena *a, const char *prefix,
			     const char *email);

/* Trimmed, lower-cased form field @name when it is a valid address. */
const char *form_email(struct http_request *req, const char *name);
/* NULL when @name is a display name we accept (else the reason). */
const char *name_problem(const struct i18n_lang *l, const char *name);

/* The Set-Cookie value starting session @token / ending the session. */
const char *session_cookie(struct site *site, struct http_request *req,
			   const char *token);
const char *session_cookie_clear(struct site *site, struct http_request *req);

/*
 * An outbox message to @to (arena), with @text under a greeting; NULL
 * when the address cannot take mail.
 */
struct outbox_msg *acct_mail(struct site_job *j, const char *to,
			     const char *subject, const char *text);
/* The same for mail a reader can stop: with one-click unsubscribe headers
 * pointing at @unsubscribe (an absolute URL). */
struct outbox_msg *acct_mail_list(struct site_job *j, const char *to,
				  const char *subject, const char *text,
				  const char *unsubscribe);
/* "1 hour", "15 minutes", "30 seconds" (arena). */
const char *ttl_words(const struct i18n_lang *l, struct arena *a,
		      int64_t seconds);

#endif
