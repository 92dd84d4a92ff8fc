/*
 * feeds.c - one feed builder for every feed of the site: RSS 2.0, Atom
 * 1.0 and JSON Feed 1.1 for the whole site, a section, a tag, an author
 * (handlers here) and the most-reacted lists (archive.c).
 *
 * A feed is the newest FEED_ITEMS stories of its list.  Links are absolute
 * (the --base-url), dates RFC 822 in RSS and RFC 3339 elsewhere, and an
 * item's id is a tag: URI made of the site's host, the story's creation
 * date and its id, so it survives edits of headline, slug, section or
 * publication time.  Summaries by default; the whole story with
 * --feed-content full.  Feeds go through the page cache like pages do, so
 * a feed is built and compressed once per change of the site and answers
 * conditional requests (ETag, Last-Modified).
 */
#include "i18n/dates.h"
#include "site_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "render/markdown.h"
#include "render/mustache.h"

#define FEED_ITEMS 20
#define FEED_SUMMARY_MAX 300

static const struct {
	const char *file, *type, *link_type, *label;
} formats[] = {
	[FEED_RSS] = { "feed.xml", "application/rss+xml; charset=utf-8",
		       "application/rss+xml", "RSS" },
	[FEED_ATOM] = { "atom.xml", "application/atom+xml; charset=utf-8",
			"application/atom+xml", "Atom" },
	[FEED_JSON] = { "feed.json", "application/feed+json; charset=utf-8",
			"application/feed+json", "JSON Feed" },
};

int feed_format_of(struct str file)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (str_eqs(file, formats[i].file))
			return (int)i;
	return -1;
}

void feed_links(struct site *site, struct arena *a, struct tval *page,
		const char *title, const char *dir)
{
	struct tval *list = tv_get(page, "feeds", 5);
	size_t i;

	if (!list) {
		list = tv_list(a);
		tv_set(a, page, "feeds", list);
	}
	for (i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		struct tval *v = tv_map(a);

		tv_set_str(a, v, "type", formats[i].link_type);
		tv_set_str(a, v, "title", arena_printf(a, "%s (%s)", title,
						       formats[i].label));
		tv_set_str(a, v, "href", absolute_url(site, a, arena_printf(a,
			   "%s%s", dir, formats[i].file)));
		tv_push(a, list, v);
	}
}

/* "example.org" from "https://example.org:8443/news" (arena). */
static char *base_host(struct site *site, struct arena *a)
{
	const char *h = strstr(site->base_url, "://");

	h = h ? h + 3 : site->base_url;
	if (*h == '[') {	/* an IPv6 literal: up to its ']' */
		const char *close = strchr(h, ']');

		return arena_strndup(a, h, close ? (size_t)(close - h) + 1 :
				     strcspn(h, "/"));
	}
	return arena_strndup(a, h, strcspn(h, ":/"));
}

char *article_guid(struct site *site, struct arena *a,
		   const struct article *art)
{
	char *date = time_iso(a, art->created);

	date[10] = '\0';	/* "2026-11-20" */
	return arena_printf(a, "tag:%s,%s:article:%" PRId64, base_host(site, a),
			    date, art->id);
}

static char *rfc822(struct arena *a, int64_t t)
{
	char d[30];

	time_http(t, d);
	return arena_strdup(a, d);
}

/* @s escaped for HTML (arena): RSS descriptions are HTML by custom, so
 * plain text is escaped once here and once for XML by the template. */
static char *as_html(struct arena *a, const char *s)
{
	struct buf h;

	buf_init(&h, a, 6 * strlen(s) + 1);
	html_escape(&h, s, strlen(s));
	return h.data;
}

/* The lead photo of @art as an enclosure: URL, type, size, caption. */
static struct tval *photo_value(struct site *site, struct arena *a,
				const struct article *art)
{
	struct tval *p = tv_map(a);
	int64_t size;

	tv_set_str(a, p, "url", absolute_url(site, a,
		   media_path(a, art->photo.key)));
	tv_set_str(a, p, "type", art->photo.type ? art->photo.type :
		   "image/jpeg");
	if (!store_media_size(site->store, art->photo.key, &size))
		tv_set_int(a, p, "length", size);
	tv_set_int(a, p, "width", art->photo.width);
	tv_set_int(a, p, "height", art->photo.height);
	tv_set_str(a, p, "caption", art->caption);
	if (*art->credit)
		tv_set_str(a, p, "credit", art->credit);
	return p;
}

/*
 * Story @art's corrections after @summary, a paragraph each ("Correction,
 * <date>: <text>"), and into *@html (arena) the same as HTML paragraphs
 * ("" when none).  Without them (the database is away) the summary alone.
 */
static const char *with_corrections(struct site *site, struct arena *a,
				    const struct article *art,
				    const char *summary, const char **html)
{
	struct correction *c;
	struct buf text, h;
	size_t n, i;

	*html = "";
	if (store_corrections(site->store, a, art->id, &c, &n) || !n)
		return summary;
	buf_init(&text, a, strlen(summary) + n * (CORRECTION_MAX + 200));
	buf_init(&h, a, n * (CORRECTION_MAX * 6 + 200));
	buf_adds(&text, summary);
	for (i = 0; i < n; i++) {
		/* TRANSLATORS: in feeds, after a story; the first %s is a date
		 * and time, the second the correction's text. */
		const char *line = arena_printf(a, tr(site->lang,
			"Correction, %s: %s"), i18n_datetime(site->lang, a,
			c[i].created), c[i].body);

		buf_adds(&text, "\n\n");
		buf_adds(&text, line);
		buf_adds(&h, "<p class=\"correction\">");
		html_escape(&h, line, strlen(line));
		buf_adds(&h, "</p>\n");
	}
	*html = h.data;
	return text.data;
}

/* One item as the templates and the JSON writer see it. */
static struct tval *item_value(struct site *site, struct arena *a,
			       const struct feed *f, const struct article *art,
			       size_t i)
{
	struct tval *v = tv_map(a), *tags = tv_list(a);
	const char *summary = *art->summary ? art->summary : art->headline;
	const char *corr_html;
	size_t k;

	if (f->notes && f->notes[i])
		summary = arena_printf(a, "%s (%s)", summary, f->notes[i]);
	summary = with_corrections(site, a, art, summary, &corr_html);
	tv_set_str(a, v, "title", art->headline);
	tv_set_str(a, v, "url", absolute_url(site, a, article_path(a, art)));
	tv_set_str(a, v, "id", article_guid(site, a, art));
	tv_set_str(a, v, "summary", summary);
	tv_set_str(a, v, "summary_html", as_html(a, summary));
	tv_set_str(a, v, "rfc822", rfc822(a, art->published));
	tv_set_str(a, v, "published", time_iso(a, art->published));
	tv_set_str(a, v, "updated", time_iso(a, article_modified(art)));
	if (*art->author)
		tv_set_str(a, v, "author", art->author);
	if (*art->section)
		tv_push(a, tags, tv_str(a, art->section));
	for (k = 0; k < art->ntags; k++)
		tv_push(a, tags, tv_str(a, art->tags[k].name));
	tv_set(a, v, "categories", tags);
	if (art->photo.key)
		tv_set(a, v, "photo", photo_value(site, a, art));
	if (site->feed_full && *art->body)
		tv_set_str(a, v, "content_html", arena_printf(a, "%s%s",
			   md_render(a, art->body, strlen(art->body),
				     art->dateline), corr_html));
	return v;
}

/* JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
static int json_feed(struct site *site, struct arena *a, const struct feed *f,
		     struct tval *items, const char *self, struct buf *out)
{
	struct tval *root = tv_map(a), *list = tv_list(a), *authors = tv_list(a);
	struct tval *pub = tv_map(a);
	size_t i;

	tv_set_str(a, root, "version", "https://jsonfeed.org/version/1.1");
	tv_set_str(a, root, "title", f->title);
	tv_set_str(a, root, "home_page_url", absolute_url(site, a, f->page_path));
	tv_set_str(a, root, "feed_url", self);
	tv_set_str(a, root, "description", f->description);
	tv_set_str(a, root, "icon", absolute_url(site, a,
		   site_asset_url(site, "icon.svg")));
	tv_set_str(a, root, "language", site_language(site));
	tv_set_str(a, pub, "name", site->name);
	tv_set_str(a, pub, "url", site->base_url);
	tv_push(a, authors, pub);
	tv_set(a, root, "authors", authors);
	for (i = 0; i < items->u.list.n; i++) {
		const struct tval *in = items->u.list.items[i];
		struct tval *v = tv_map(a), *photo = tv_get(in, "photo", 5);
		struct tval *author = tv_get(in, "author", 6);
		struct tval *html = tv_get(in, "content_html", 12);

		tv_set(a, v, "id", tv_get(in, "id", 2));
		tv_set(a, v, "url", tv_get(in, "url", 3));
		tv_set(a, v, "title", tv_get(in, "title", 5));
		tv_set(a, v, "summary", tv_get(in, "summary", 7));
		if (html)
			tv_set(a, v, "content_html", html);
		else
			tv_set(a, v, "content_text", tv_get(in, "summary", 7));
		tv_set(a, v, "date_published", tv_get(in, "published", 9));
		tv_set(a, v, "date_modified", tv_get(in, "updated", 7));
		if (author) {
			struct tval *al = tv_list(a), *p = tv_map(a);

			tv_set(a, p, "name", author);
			tv_push(a, al, p);
			tv_set(a, v, "authors", al);
		}
		if (tv_get(in, "categories", 10)->u.list.n)
			tv_set(a, v, "tags", tv_get(in, "categories", 10));
		if (photo)
			tv_set(a, v, "image", tv_get(photo, "url", 3));
		tv_push(a, list, v);
	}
	tv_set(a, root, "items", list);
	return json_write(out, root);
}

void feed_respond(struct site *site, struct http_request *req,
		  struct http_response *res, const struct feed *f)
{
	struct arena *a = req->arena;
	struct tval *ctx = tv_map(a), *items = tv_list(a);
	const char *self = absolute_url(site, a, req->uri);
	int64_t newest = 0;
	size_t i;
	int r;

	for (i = 0; i < f->n; i++) {
		const struct article *art = &f->items[i];
		struct article *whole;

		/* Lists come without tags and body: read the whole story. */
		if (!store_article_by_slug(site->store, a, art->slug, false,
					   &whole))
			art = whole;
		tv_push(a, items, item_value(site, a, f, art, i));
		if (article_modified(art) > newest)
			newest = article_modified(art);
	}
	/* An empty feed's last change is unknown: the start of this hour
	 * keeps its bytes (and ETag) stable while it stays empty. */
	if (!newest)
		newest = time_now() / 3600 * 3600;
	if (f->format == FEED_JSON) {
		r = json_feed(site, a, f, items, self, &res->body);
	} else {
		tv_set_str(a, ctx, "title", f->title);
		tv_set_str(a, ctx, "description", f->description);
		tv_set_str(a, ctx, "link", absolute_url(site, a, f->page_path));
		tv_set_str(a, ctx, "self", self);
		tv_set_str(a, ctx, "id", self);
		tv_set_str(a, ctx, "site_name", site->name);
		tv_set_str(a, ctx, "language", site_language(site));
		tv_set_str(a, ctx, "site_url", site->base_url);
		tv_set_str(a, ctx, "built", rfc822(a, newest));
		tv_set_str(a, ctx, "updated", time_iso(a, newest));
		tv_set(a, ctx, "items", items);
		r = tmpl_render(site->tmpl, f->format == FEED_RSS ? "feed-rss" :
				"feed-atom", ctx, &res->body);
	}
	if (r) {
		render_error(site, req, res, 500, tr(req_lang(req), "This feed could not be built."));
		return;
	}
	res->content_type = formats[f->format].type;
}

/* Common to the list feeds: the newest stories of @q as @format. */
static void list_feed(struct site *site, struct http_request *req,
		      struct http_response *res, struct article_query *q,
		      int format, const char *title, const char *description,
		      const char *page_path)
{
	struct article_list list;
	struct feed f = { 0 };

	if (format < 0) {
		render_error(site, req, res, 404, tr(req_lang(req), "There is no such feed."));
		return;
	}
	q->limit = FEED_ITEMS;
	if (store_articles_list(site->store, req->arena, q, &list)) {
		render_error(site, req, res, 503, tr(req_lang(req), "This feed cannot be loaded"
			     " right now; please try again."));
		return;
	}
	f.format = (enum feed_format)format;
	f.title = title;
	f.description = description;
	f.page_path = page_path;
	f.items = list.items;
	f.n = list.n;
	feed_respond(site, req, res, &f);
}

void h_feed(struct site *site, struct http_request *req,
	    struct http_response *res, const struct route_match *m)
{
	struct article_query q = { 0 };
	struct str file = str_from(req->path + 1);

	(void)m;
	list_feed(site, req, res, &q, feed_format_of(file), site->name,
		  site->tagline, "/");
}

/* Section, tag and author feeds: /{kind}/{name}/{file}. */
void h_list_feed(struct site *site, struct http_request *req,
		 struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct article_query q = { 0 };
	struct list_target t;

	if (!list_target_find(site, req, res, m, &t))
		return;
	list_target_query(&t, &q);
	list_feed(site, req, res, &q, feed_format_of(m->params[1]),
		  arena_printf(a, "%s: %s", site->name, t.name),
		  t.description, t.path);
}
