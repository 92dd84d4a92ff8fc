/*
 * csrf.h - cross-site request forgery defences (docs/security.md).
 *
 * Two checks, used by every state-changing request:
 * - Origin: a request whose Origin header (or, without one, Sec-Fetch-Site)
 *   shows it came from another site is refused.  Requests with neither
 *   header (non-browser clients) pass this check.
 * - Token: HTML forms carry a token, an HMAC-SHA-256 under a site secret of
 *   the reader's identity (reader cookie or session); a form post must
 *   carry the token of the identity it acts as.  JSON API calls need
 *   Content-Type: application/json instead, which a cross-site form cannot
 *   send without a CORS preflight (which we never grant).
 */
#ifndef DATELINE_CSRF_H
#define DATELINE_CSRF_H

#include <stdbool.h>
#include <stddef.h>

struct http_request;

#define CSRF_KEY_SIZE 32
#define CSRF_TOKEN_SIZE 44	/* 43 base64url characters + NUL */

/* The token for @subject ("" for a reader without identity yet). */
void csrf_token(const unsigned char key[CSRF_KEY_SIZE], const char *subject,
		char out[CSRF_TOKEN_SIZE]);

/* Constant-time check of @token (may be NULL) for @subject. */
bool csrf_token_ok(const unsigned char key[CSRF_KEY_SIZE], const char *subject,
		   const char *token);

/* False when the request's Origin / Sec-Fetch-Site show another site. */
bool csrf_same_origin(const struct http_request *req);

#endif
