/*
 * reader.c - the reader behind a request (see reader.h): the session
 * looked up once per request, the anonymous reader's cookie, the
 * identity the reader's form tokens are bound to, and what a banned
 * account is told.
 */
#include "site_int.h"

#include <string.h>

#include "auth/tokens.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

struct reader_state *site_reader(struct site *site, struct http_request *req)
{
	struct reader_state *rs = req->app;
	const char *token;
	int r;

	if (!rs)
		rs = req->app = arena_zalloc(req->arena, sizeof(*rs));
	if (rs->looked_up)
		return rs;
	rs->looked_up = true;
	token = http_cookie(req, SESSION_COOKIE);
	if (!token_valid(token))
		return rs;
	token_hash(token, rs->session_hash);
	r = store_session_get(site->store, req->arena, rs->session_hash,
			      time_now(), SESSION_IDLE_S, SESSION_MAX_S,
			      &rs->account);
	if (!r)
		rs->logged_in = true;
	else if (r != ERR_NOTFOUND)
		rs->unavailable = true;
	return rs;
}

const char *site_csrf_subject(struct site *site, struct http_request *req)
{
	struct reader_state *rs = site_reader(site, req);
	const char *hex;

	if (rs->logged_in)
		return arena_printf(req->arena, "s:%s", rs->session_hash);
	hex = site_reader_cookie(req);
	return hex ? hex : "";
}

const char *site_reader_cookie(struct http_request *req)
{
	const char *v = http_cookie(req, READER_COOKIE);

	if (!v || strlen(v) != READER_HEX ||
	    strspn(v, "0123456789abcdef") != READER_HEX)
		return NULL;
	return v;
}

const char *reader_banned_text(const struct i18n_lang *l)
{
	return tr(l, "Your account is banned: you can read, but you cannot"
		  " comment, react, like or report.");
}

bool reader_banned_refused(struct site *site, struct http_request *req,
			   struct http_response *res, bool json)
{
	struct reader_state *rs = site_reader(site, req);

	if (!rs->logged_in || !rs->account.banned)
		return false;
	if (json)
		json_error(res, 403, READER_BANNED_JSON);
	else
		render_error(site, req, res, 403,
			     reader_banned_text(req_lang(req)));
	return true;
}
