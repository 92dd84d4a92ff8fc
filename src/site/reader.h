/*
 * reader.h - who is calling: the reader behind a request, as every area
 * of the site asks for it (pages, reactions, comments, the newsroom).
 * Not used outside src/site/.
 *
 * A logged-in reader has a session: a random token in the dl_session
 * cookie, of which the store keeps only the hash.  An anonymous reader
 * who has reacted has a random id in the dl_reader cookie instead (set by
 * the first reaction, never before).  The session is looked up at most
 * once per request; the answer is kept in req->app (arena).
 */
#ifndef DATELINE_READER_H
#define DATELINE_READER_H

#include "i18n/i18n.h"
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "store/store.h"

struct site;

#define SESSION_COOKIE "dl_session"
#define SESSION_IDLE_S (14 * 24 * 3600)	/* unused this long: ended */
#define SESSION_MAX_S (60 * 24 * 3600)	/* older than this: ended */
#define READER_COOKIE "dl_reader"
#define READER_HEX 32			/* hex digits of a dl_reader id */

/* Per-request state of the site, kept in req->app (arena). */
struct reader_state {
	bool looked_up;		/* the session cookie has been checked */
	bool logged_in;
	bool unavailable;	/* the session could not be looked up (database) */
	struct account account;	/* when logged_in */
	char session_hash[65];	/* when logged_in */
	bool for_cache;		/* rendering a page for the page cache */
	size_t acct_off, acct_len;	/* the account area render_page() put */
	bool acct_placed;
	const struct i18n_lang *lang;	/* this request's language */
	int64_t view_id;	/* the story this answer counts a view of */
	unsigned embeds;	/* the embed providers of the page rendered
				 * (embed.h), for its CSP */
};

/*
 * The language this request is answered in (site_handle() sets it: the
 * site's --language), for tr()/trn() of its messages; NULL (English)
 * before site_handle() began.
 */
const struct i18n_lang *req_lang(const struct http_request *req);

/*
 * This request's reader (arena, never NULL), looking the session cookie up
 * once.  A session the store cannot check now (the database is away) is
 * not logged in and has ->unavailable set.
 */
struct reader_state *site_reader(struct site *site, struct http_request *req);

/*
 * The identity CSRF tokens of this reader's forms are bound to (arena or
 * borrowed): the session (a logged-in reader), else the dl_reader id,
 * else "".
 */
const char *site_csrf_subject(struct site *site, struct http_request *req);

/*
 * A banned account (account.banned) may log in and read, but not
 * comment, react, like or report.  reader_banned_text() is the note pages
 * show it, in @l (borrowed); reader_banned_refused() answers 403 with it
 * (as JSON when @json) and returns true when this reader is banned, else
 * answers nothing and returns false.
 */
#define READER_BANNED_JSON "your account is banned: it may not comment," \
	" react, like or report"
const char *reader_banned_text(const struct i18n_lang *l);
bool reader_banned_refused(struct site *site, struct http_request *req,
			   struct http_response *res, bool json);

/* The dl_reader id (READER_HEX lower-case hex digits, borrowed from the
 * request) of an anonymous reader, or NULL. */
const char *site_reader_cookie(struct http_request *req);

#endif
