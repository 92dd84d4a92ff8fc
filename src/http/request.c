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

/* Skip optional whitespace. */
static const char *ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Find @name in an urlencoded list "a=1&b=2" and decode its value; *bad
 * (may be NULL) tells whether it was present but malformed.
 */
static const char *urlencoded_get(const struct http_request *req,
				  struct str list, const char *name, bool *bad)
{
	const char *p = list.p, *end = p ? p + list.len : NULL;
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

			if (url_decode(req->arena, val, true, &v) == 0)
				return v;
			if (bad)
				*bad = true;
			return NULL;
		}
		p = amp ? amp + 1 : end;
	}
	return NULL;
}

const char *http_query(const struct http_request *req, const char *name)
{
	return urlencoded_get(req, req->query, name, NULL);
}

bool http_query_bad(const struct http_request *req, const char *name)
{
	bool bad = false;

	urlencoded_get(req, req->query, name, &bad);
	return bad;
}

const struct http_part *http_part(const struct http_request *req,
				  const char *name)
{
	const struct http_part *p;

	for (p = req->parts; p; p = p->next)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const char *http_urlencoded_bad_utf8(struct arena *a, const char *body,
				     size_t len)
{
	const char *p = body, *end = body + len;

	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		char *k = NULL, *v = NULL;

		if (eq && !url_decode(a, (struct str){ eq + 1,
				      (size_t)(stop - eq - 1) }, true, &v) &&
		    !utf8_valid(v, strlen(v)))
			return url_decode(a, (struct str){ p, (size_t)(eq - p) },
					  true, &k) || !utf8_valid(k, strlen(k)) ?
			       "?" : k;
		p = amp ? amp + 1 : end;
	}
	return NULL;
}

const char *http_form_bad_utf8(const struct http_request *req)
{
	const char *type = http_header(req, "Content-Type");
	const struct http_part *part;

	if (req->multipart) {
		for (part = req->parts; part; part = part->next)
			if (!part->filename &&
			    !utf8_valid(part->data.data, part->data.len))
				return part->name;
		return NULL;
	}
	if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33))
		return NULL;
	return http_urlencoded_bad_utf8(req->arena, req->body.data,
					req->body.len);
}

const char *http_form(const struct http_request *req, const char *name)
{
	if (req->multipart) {
		const struct http_part *p = http_part(req, name);

		return p && !p->filename ? p->data.data : NULL;
	}
	return urlencoded_get(req, (struct str){ req->body.data, req->body.len },
			      name, NULL);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
	return http_cookie_parse(req->arena, http_header(req, "Cookie"), name);
}

bool http_forwarded_for(const char *h, char *out, size_t len)
{
	const char *last;
	size_t n;

	if (!h)
		return false;
	last = strrchr(h, ',');
	last = ows(last ? last + 1 : h);
	n = strcspn(last, " \t");
	if (!n || n >= len || last[n + strspn(last + n, " \t")] != '\0' ||
	    strspn(last, "0123456789abcdefABCDEF.:") != n)
		return false;
	memcpy(out, last, n);
	out[n] = '\0';
	return true;
}

const char *http_cookie_parse(struct arena *a, const char *h, const char *name)
{
	const char *p;
	size_t nlen = strlen(name);

	for (p = h; p && *p; ) {
		const char *end, *eq;

		p = ows(p);
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq && (size_t)(eq - p) == nlen && !memcmp(p, name, nlen)) {
			const char *v = eq + 1, *ve = end;

			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
				v++;
				ve--;
			}
			return arena_strndup(a, v, (size_t)(ve - v));
		}
		p = *end ? end + 1 : end;
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

bool http_accepts(const char *ae, const char *coding)
{
	size_t clen = strlen(coding);
	const char *p = ae;
	double star = -1;	/* q of "*", which only counts when @coding is unlisted */

	while (p && *p) {
		const char *tok = ows(p), *end = tok;
		bool match, any;
		double q = 1.0;

		while (*end && *end != ',' && *end != ';' && *end != ' ' &&
		       *end != '\t')
			end++;
		match = (size_t)(end - tok) == clen &&
			!strncasecmp(tok, coding, clen);
		any = end - tok == 1 && *tok == '*';
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
		if (any)
			star = q;
		if (*p == ',')
			p++;
	}
	return star > 0;
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

/*
 * True when @ae names brotli ("br") and accepts it.  A bare "*" keeps
 * meaning gzip: old clients that send it may not know brotli.
 */
bool http_wants_brotli(const char *ae)
{
	const char *p = ae;

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, " \t,;");
		if (n == 2 && !strncasecmp(p, "br", 2))
			return http_accepts(ae, "br");
		p += strcspn(p, ",");
	}
	return false;
}
