/*
 * respond.c - answer pieces shared by the handlers of every area (see
 * respond.h): error codes to statuses, JSON errors, body ETags, the
 * Secure cookie attribute.
 */
#include "respond.h"

#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "http/static.h"
#include "site.h"

unsigned err_http_status(int e)
{
	switch (e) {
	case 0: return 200;
	case ERR_NOTFOUND: return 404;
	case ERR_CONFLICT:
	case ERR_STALE: return 409;
	case ERR_INVALID: return 422;
	case ERR_TOOBIG: return 413;
	default: return 503;
	}
}

void json_error(struct http_response *res, unsigned status,
		const char *message)
{
	res->status = status;
	res->content_type = "application/json";
	res->cache_control = "no-store";
	buf_reset(&res->body);
	buf_adds(&res->body, "{\"error\":");
	json_escape(&res->body, message, strlen(message));
	buf_addch(&res->body, '}');
}

void body_etag(struct http_request *req, struct http_response *res)
{
	char hash[11];

	content_hash(res->body.data, res->body.len, hash);
	res->etag = arena_printf(req->arena, "\"%s\"", hash);
}

bool cookie_secure(struct site *site, struct http_request *req)
{
	const char *proto = http_header(req, "X-Forwarded-Proto");

	return !strncmp(site->base_url, "https:", 6) ||
	       (site->trust_proxy && proto && !strcasecmp(proto, "https"));
}
