/*
 * request.c - reading requests: headers, query parameters, content
 * negotiation and entity tags.  Only http_header() touches libmicrohttpd.
 */
#include "http.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/escape.h"

const char *http_header(const struct http_request *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_request *req, const char *name)
{
	const char *p = req->query.p, *end = p + req->query.len;
	size_t nlen = strlen(name);

	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		struct str key = { p, (size_t)((eq ? eq : stop) - p) };
		char *k, *v;

		if (url_decode(req->arena, key, true, &k) == 0 &&
		    strlen(k) == nlen && !memcmp(k, name, nlen)) {
			struct str val = eq ? (struct str){ eq + 1,
				(size_t)(stop - eq - 1) } : STR("");

			return url_decode(req->arena, val, true, &v) ? NULL : v;
		}
		p = amp ? amp + 1 : end;
	}
	return NULL;
}

void http_add_header(struct http_response *res, const char *name,
		     const char *value)
{
	if (res->nextra >= HTTP_MAX_EXTRA_HEADERS)
		return;
	res->extra[res->nextra].name = name;
	res->extra[res->nextra].value = value;
	res->nextra++;
}

/* Skip optional whitespace. */
static const char *ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool http_accepts(const char *ae, const char *coding)
{
	size_t clen = strlen(coding);
	const char *p = ae;

	while (p && *p) {
		const char *tok = ows(p), *end = tok;
		bool match;
		double q = 1.0;

		while (*end && *end != ',' && *end != ';' && *end != ' ' &&
		       *end != '\t')
			end++;
		match = ((size_t)(end - tok) == clen &&
			 !strncasecmp(tok, coding, clen)) ||
			(end - tok == 1 && *tok == '*');
		p = end;
		while (*p && *p != ',') {
			p = ows(p);
			if (*p == ';') {
				p = ows(p + 1);
				if ((*p == 'q' || *p == 'Q') && p[1] == '=')
					q = strtod(p + 2, NULL);
			}
			while (*p && *p != ',' && *p != ';')
				p++;
		}
		if (match)
			return q > 0;
		if (*p == ',')
			p++;
	}
	return false;
}

bool http_etag_match(const char *inm, const char *etag)
{
	size_t elen;
	const char *p = inm;

	if (!inm || !etag)
		return false;
	if (!strncmp(etag, "W/", 2))
		etag += 2;
	elen = strlen(etag);
	while (*p) {
		const char *tok = ows(p), *end;

		if (*tok == '*')
			return true;
		if (!strncmp(tok, "W/", 2))
			tok += 2;
		end = tok;
		while (*end && *end != ',')
			end++;
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - tok) == elen && !memcmp(tok, etag, elen))
			return true;
		p = strchr(tok, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}
