/*
 * search.c - /search?q= (a page) and GET /api/v1/search?q= (JSON): the
 * store's full-text search, best match first, with highlighted snippets
 * and keyset pagination (?after=SCORE.PUBLISHED.ID); /opensearch.xml lets
 * browsers offer the site's search.
 *
 * Whatever the reader types is answered 200: empty or unreadable text,
 * syntax characters, 10 KB of text.  Only a malformed ?after= is a 400.
 * Snippets come from the store as plain text with marks around the
 * matched words; they are escaped here and the marks become <mark>.
 */
#include "site_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "core/value.h"

#define SEARCH_PAGE 10

/* The length of at most @max bytes of @s, not splitting a character. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* "S.P.I": three non-negative decimal integers. */
static bool parse_cursor(const char *s, struct search_cursor *c)
{
	int64_t *f[3] = { &c->score, &c->published, &c->id };
	const char *p = s;
	char *end;
	int i;

	if (strlen(s) > 62)
		return false;
	for (i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		*f[i] = strtoll(p, &end, 10);
		if (errno || *end != (i < 2 ? '.' : '\0'))
			return false;
		p = end + 1;
	}
	return true;
}

/*
 * The snippet as HTML: escaped, marks turned into balanced <mark>
 * elements, Markdown emphasis characters dropped, and heading and quote
 * marks at the start of a line too (snippets come from the source text).
 */
static char *snippet_html(struct arena *a, const char *s)
{
	struct buf b;
	bool open = false, line_start = true;
	size_t n;

	buf_init(&b, a, 6 * strlen(s) + 64);
	while (*s) {
		if (*s == SEARCH_MARK_OPEN || *s == SEARCH_MARK_CLOSE) {
			if ((*s == SEARCH_MARK_OPEN) != open) {
				buf_adds(&b, open ? "</mark>" : "<mark>");
				open = !open;
			}
			s++;
			continue;
		}
		if (strchr("*_`", *s) || (line_start && strchr("#>", *s))) {
			s++;
			continue;
		}
		line_start = *s == '\n' || (line_start && *s == ' ');
		n = line_start ? 1 : strcspn(s, "\x01\x02*_`\n");
		html_escape(&b, s, n);
		s += n;
	}
	if (open)
		buf_adds(&b, "</mark>");
	return b.data;
}

/* What the reader's text gave: results, a message, or both. */
struct outcome {
	const char *q;			/* the text, "" when none */
	const char *message;		/* NULL: none */
	struct search_results res;
	bool bad_cursor;
	char *next;			/* cursor of the next page, or NULL */
};

static int run_search(struct site *site, struct http_request *req,
		      struct outcome *o)
{
	const char *q = http_query(req, "q");
	const char *after = http_query(req, "after");
	struct search_cursor cur;
	size_t len, cut;
	int r;

	memset(o, 0, sizeof(*o));
	o->q = q ? q : "";
	if (http_query_bad(req, "after") || (after && !parse_cursor(after, &cur))) {
		o->bad_cursor = true;
		return 0;
	}
	if (http_query_bad(req, "q")) {
		o->message = tr(req_lang(req), "We could not read your search; please type it"
			     " again.");
		o->q = "";
		return 0;
	}
	len = strlen(o->q);
	/* A search cut short (a 414) may end inside a character: drop it. */
	for (cut = 1; cut <= 3 && len >= cut && !utf8_valid(o->q, len); cut++)
		if (utf8_valid(o->q, len - cut))
			o->q = arena_strndup(req->arena, o->q, len -= cut);
	if (!utf8_valid(o->q, len)) {
		o->message = tr(req_lang(req), "Your search holds characters we cannot read.");
		o->q = "";
		return 0;
	}
	if (!str_trim(str_from(o->q)).len) {
		o->message = tr(req_lang(req), "Type a word or two to search the stories.");
		return 0;
	}
	r = store_search(site->store, req->arena, o->q, after ? &cur : NULL,
			 SEARCH_PAGE, &o->res);
	if (r)
		return r;
	if (!o->res.terms)
		o->message = tr(req_lang(req), "Your search holds no words to look for: try"
			     " letters or numbers.");
	else if (len > SEARCH_TEXT_MAX)
		o->message = o->res.n || after ? tr(req_lang(req), "Your search was long: only its"
			     " first words were used.") : tr(req_lang(req), "Your search was long:"
			     " only its first words were used, and no stories"
			     " match them.");
	else if (!o->res.n && !after)
		o->message = tr(req_lang(req), "No stories match your search.");
	if (o->res.more && o->res.n) {
		const struct search_hit *h = &o->res.hits[o->res.n - 1];

		o->next = arena_printf(req->arena, "%" PRId64 ".%" PRId64 ".%"
				       PRId64, h->score, h->article.published,
				       h->article.id);
	}
	return 0;
}

/* The snippet to show: the store's, unless it only repeats the headline. */
static const char *hit_snippet(struct arena *a, const struct search_hit *h)
{
	struct buf plain;
	const char *s;

	buf_init(&plain, a, strlen(h->snippet) + 1);
	for (s = h->snippet; *s; s++)
		if (*s != SEARCH_MARK_OPEN && *s != SEARCH_MARK_CLOSE)
			buf_addch(&plain, *s);
	if (!strcmp(plain.data, h->article.headline) && *h->article.summary) {
		struct buf b;

		buf_init(&b, a, 6 * strlen(h->article.summary) + 16);
		html_escape(&b, h->article.summary, strlen(h->article.summary));
		return b.data;
	}
	return snippet_html(a, h->snippet);
}

static char *more_url(struct arena *a, const struct outcome *o)
{
	struct buf b;

	buf_init(&b, a, 2048);
	buf_adds(&b, "/search?q=");
	url_encode(&b, o->q, strlen(o->q) > SEARCH_TEXT_MAX ? SEARCH_TEXT_MAX :
		   strlen(o->q));
	buf_printf(&b, "&after=%s", o->next);
	return b.overflow ? NULL : b.data;
}

bool search_long_uri(struct site *site, struct http_request *req,
		     struct http_response *res)
{
	bool api = !strncmp(req->uri, "/api/v1/search?", 15);
	size_t len;
	char *q;

	if (req->error_status != 414 || (!api && strncmp(req->uri, "/search?", 8)))
		return false;
	/* The query as far as it was kept, without a cut percent escape. */
	q = arena_strdup(req->arena, strchr(req->uri, '?') + 1);
	len = strlen(q);
	if (len && q[len - 1] == '%')
		q[--len] = '\0';
	else if (len > 1 && q[len - 2] == '%')
		q[len -= 2] = '\0';
	req->query = (struct str){ q, len };
	req->path = api ? "/api/v1/search" : "/search";
	req->error_status = 0;
	req->error_reason = NULL;
	(api ? h_search_api : h_search)(site, req, res, NULL);
	return true;
}

void h_search(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct outcome o;
	struct tval *ctx, *hits;
	size_t i;

	(void)m;
	if (run_search(site, req, &o)) {
		render_error(site, req, res, 503, tr(req_lang(req), "Search is not available right"
			     " now; please try again."));
		return;
	}
	if (o.bad_cursor) {
		render_error(site, req, res, 400, tr(req_lang(req), "The position in the results"
			     " in the address is malformed."));
		return;
	}
	ctx = page_context(site, req, *o.q ? arena_printf(a, "Search: %.*s",
			   (int)utf8_cut(o.q, 80), o.q) : tr(req_lang(req), "Search"),
			   arena_printf(a, tr(req_lang(req), "Search the stories"
			   " of %s."), site->name), "/search");
	tv_set_bool(a, page_meta(ctx), "noindex", true);
	tv_set_str(a, ctx, "q", o.q);
	if (o.message)
		tv_set_str(a, ctx, "message", o.message);
	hits = tv_list(a);
	for (i = 0; i < o.res.n; i++) {
		const struct search_hit *h = &o.res.hits[i];
		struct tval *v = article_summary_value(site, a, &h->article);

		tv_set_str(a, v, "snippet_html", hit_snippet(a, h));
		tv_push(a, hits, v);
	}
	tv_set(a, ctx, "hits", hits);
	if (o.res.n)
		tv_set_int(a, ctx, "total", o.res.total);
	if (o.next)
		tv_set_str(a, ctx, "more", more_url(a, &o));
	render_page(site, req, res, "search", ctx);
	if (res->status && res->status != 200)
		return;
	body_etag(req, res);
	res->cache_control = "public, max-age=0, s-maxage=60, must-revalidate";
}

void h_search_api(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct tval *root = tv_map(a), *list = tv_list(a);
	struct outcome o;
	size_t i;

	(void)m;
	res->content_type = "application/json";
	if (run_search(site, req, &o) || o.bad_cursor) {
		json_error(res, o.bad_cursor ? 400 : 503, o.bad_cursor ?
			   "after is not a position from a previous answer" :
			   "search is not available now; try again");
		return;
	}
	tv_set_str(a, root, "query", o.q);
	tv_set(a, root, "message", o.message ? tv_str(a, o.message) :
	       tv_null(a));
	for (i = 0; i < o.res.n; i++) {
		const struct search_hit *h = &o.res.hits[i];
		const struct article *art = &h->article;
		struct tval *v = tv_map(a);

		tv_set_str(a, v, "headline", art->headline);
		tv_set_str(a, v, "url", absolute_url(site, a,
			   article_path(a, art)));
		tv_set_str(a, v, "summary", art->summary);
		tv_set_str(a, v, "snippet_html", hit_snippet(a, h));
		tv_set_str(a, v, "author", art->author);
		tv_set_str(a, v, "section", art->section);
		tv_set_str(a, v, "published", time_iso(a, art->published));
		tv_set_int(a, v, "score", h->score);
		tv_push(a, list, v);
	}
	tv_set(a, root, "results", list);
	tv_set_int(a, root, "total", o.res.total);
	tv_set(a, root, "next", o.next ? tv_str(a, o.next) : tv_null(a));
	if (json_write(&res->body, root)) {
		json_error(res, 500, "the answer is too large");
		return;
	}
	body_etag(req, res);
	res->cache_control = "public, max-age=0, s-maxage=60, must-revalidate";
}

/* OpenSearch 1.1 description: browsers add the site's search from it. */
void h_opensearch(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	struct buf *b = &res->body;
	const char *icon = site_asset_url(site, "icon.svg");
	/* TRANSLATORS: %s is the site's name (the browser's search list). */
	const char *desc = arena_printf(req->arena, tr(req_lang(req),
					"Search the stories of %s"), site->name);

	(void)m;
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/"
		 "opensearch/1.1/\">\n<ShortName>");
	/* ShortName: at most 16 characters; the name is cut in bytes, on a
	 * character boundary, which is never more. */
	html_escape(b, site->name, utf8_cut(site->name, 16));
	buf_adds(b, "</ShortName>\n<Description>");
	html_escape(b, desc, strlen(desc));
	buf_adds(b, "</Description>\n<InputEncoding>UTF-8</InputEncoding>\n");
	if (*icon) {
		buf_adds(b, "<Image type=\"image/svg+xml\">");
		html_escape(b, site->base_url, strlen(site->base_url));
		html_escape(b, icon, strlen(icon));
		buf_adds(b, "</Image>\n");
	}
	buf_adds(b, "<Url type=\"text/html\" method=\"get\" template=\"");
	html_escape(b, site->base_url, strlen(site->base_url));
	buf_adds(b, "/search?q={searchTerms}\"/>\n<Url type=\"application/json\""
		 " method=\"get\" template=\"");
	html_escape(b, site->base_url, strlen(site->base_url));
	buf_adds(b, "/api/v1/search?q={searchTerms}\"/>\n"
		 "</OpenSearchDescription>\n");
	res->content_type = "application/opensearchdescription+xml";
}
