/*
 * respond.h - small pieces of an answer that handlers of every area use:
 * the HTTP status of an error code, the JSON error body, an ETag over the
 * body, and whether cookies get the Secure attribute.  Not used outside
 * src/site/.
 *
 * Pages (HTML, cached or not) are built with render_page() and
 * render_error() (site_int.h); these helpers are for what is not a page
 * or sits beside one.
 */
#ifndef DATELINE_RESPOND_H
#define DATELINE_RESPOND_H

#include <stdbool.h>

#include "http/http.h"

struct site;

/*
 * The HTTP status that answers enum err @e from the store or a job: 200
 * for 0; 404 ERR_NOTFOUND; 409 ERR_CONFLICT (a unique value is taken) and
 * ERR_STALE (someone saved first); 422 ERR_INVALID; 413 ERR_TOOBIG; 503
 * for everything else (the database, memory, a busy resource: the same
 * request may work later).  The one place where errors become statuses;
 * a handler with a different answer for one code tests for it first.
 */
unsigned err_http_status(int e);

/* A JSON error answer {"error": @message} with @status, never stored by
 * caches (Cache-Control: no-store); res->body is replaced. */
void json_error(struct http_response *res, unsigned status,
		const char *message);

/* A strong ETag from a hash of res->body (arena), for answers not in the
 * page cache (search, oEmbed, archive): a revalidation still costs the
 * work, not the bytes. */
void body_etag(struct http_request *req, struct http_response *res);

/* Whether cookies set for @req get the Secure attribute: the site is
 * https, or a trusted proxy says the client came over https. */
bool cookie_secure(struct site *site, struct http_request *req);

#endif
