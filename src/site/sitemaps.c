/*
 * sitemaps.c - what search engines crawl: /robots.txt, the sitemap index
 * /sitemap.xml, and the sitemaps under /sitemaps/ (sitemaps.org 0.9):
 *
 *   articles-N.xml  stories, SITEMAP_PER_PART a file at most; part N
 *                   holds the stories with ids N*50000+1 .. (N+1)*50000,
 *                   so a story stays in the same file for good
 *   tags-N.xml      tag pages, parted the same way by tag id
 *   sections.xml    section pages
 *   pages.xml       static pages (About, Contact, ...)
 *   news.xml        a Google News sitemap: stories of the last 48 hours
 *                   (at most 1,000)
 *
 * Every file carries lastmod (a story's update or publication).  They go
 * through the page cache: built once per change of the site.
 */
#include "site_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/timeutil.h"

#define SITEMAP_PER_PART 50000
#define SITEMAP_SECTIONS_MAX 50000
#define NEWS_WINDOW (48 * 3600)
#define NEWS_MAX 1000
/* 50,000 URLs of up to ~300 bytes each fit; the protocol allows 50 MB. */
#define SITEMAP_BODY_MAX (16u * 1024 * 1024)

static const char xml_head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
static const char urlset_open[] =
	"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

static void add_escaped(struct buf *b, const char *s)
{
	html_escape(b, s, strlen(s));
}

/* <loc> of an absolute URL for @path, then <lastmod> when @t > 0. */
static void add_loc(struct site *site, struct buf *b, const char *path,
		    int64_t t, struct arena *a)
{
	buf_adds(b, "<loc>");
	add_escaped(b, site->base_url);
	add_escaped(b, path);
	buf_adds(b, "</loc>");
	if (t > 0) {
		buf_adds(b, "<lastmod>");
		buf_adds(b, time_iso(a, t));
		buf_adds(b, "</lastmod>");
	}
}

static void sitemap_entry(struct site *site, struct buf *b, const char *file,
			  int64_t t, struct arena *a)
{
	buf_adds(b, "<sitemap>");
	add_loc(site, b, file, t, a);
	buf_adds(b, "</sitemap>\n");
}

static void xml_answer(struct site *site, struct http_request *req,
		       struct http_response *res, struct buf *b)
{
	if (b->overflow) {
		render_error(site, req, res, 500, tr(req_lang(req), "This sitemap is too large."));
		return;
	}
	res->body = *b;
	res->content_type = "application/xml; charset=utf-8";
}

static void unavailable(struct site *site, struct http_request *req,
			struct http_response *res)
{
	render_error(site, req, res, 503, tr(req_lang(req), "The sitemap cannot be built right"
		     " now; please try again."));
}

/* The published static pages as sitemap URLs (slug: the path). */
static int page_urls(struct site *site, struct arena *a,
		     struct sitemap_url **out, size_t *n)
{
	struct page *pages;
	size_t i;
	int r = store_pages_list(site->store, a, true, false,
				 SITEMAP_SECTIONS_MAX, &pages, n);

	if (r)
		return r;
	*out = arena_zalloc(a, (*n ? *n : 1) * sizeof(**out));
	for (i = 0; i < *n; i++) {
		(*out)[i].slug = pages[i].path;
		(*out)[i].modified = pages[i].updated;
	}
	return 0;
}

/* The newest story of the last NEWS_WINDOW seconds, newest first. */
static int recent_stories(struct site *site, struct arena *a,
			  struct article **out, size_t *n)
{
	int64_t since = time_now() - NEWS_WINDOW;
	struct article_query q = { .limit = 100 };
	struct article *all = arena_alloc(a, NEWS_MAX * sizeof(*all));
	struct article_list list;
	struct cursor cur;
	size_t i;
	int r;

	*n = 0;
	do {
		if ((r = store_articles_list(site->store, a, &q, &list)))
			return r;
		for (i = 0; i < list.n && *n < NEWS_MAX; i++) {
			if (list.items[i].published < since) {
				list.more = false;
				break;
			}
			all[(*n)++] = list.items[i];
		}
		if (list.n) {
			cur.published = list.items[list.n - 1].published;
			cur.id = list.items[list.n - 1].id;
			q.before = &cur;
		}
	} while (list.more && *n < NEWS_MAX);
	*out = all;
	return 0;
}

void h_sitemap_index(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	struct sitemap_part *arts, *tags;
	struct sitemap_url *secs, *pages;
	struct article *recent;
	size_t na, nt, ns, nr, np, i;
	int64_t newest = 0;
	struct buf b;

	(void)m;
	if (store_sitemap_parts(site->store, a, SITEMAP_ARTICLES,
				SITEMAP_PER_PART, &arts, &na) ||
	    store_sitemap_parts(site->store, a, SITEMAP_TAGS, SITEMAP_PER_PART,
				&tags, &nt) ||
	    store_sitemap_sections(site->store, a, SITEMAP_SECTIONS_MAX, &secs,
				   &ns) ||
	    page_urls(site, a, &pages, &np) ||
	    recent_stories(site, a, &recent, &nr)) {
		unavailable(site, req, res);
		return;
	}
	buf_init(&b, a, 1024 * 1024);
	buf_adds(&b, xml_head);
	buf_adds(&b, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/"
		 "sitemap/0.9\">\n");
	for (i = 0; i < ns; i++)
		if (secs[i].modified > newest)
			newest = secs[i].modified;
	if (ns)
		sitemap_entry(site, &b, "/sitemaps/sections.xml", newest, a);
	for (i = 0, newest = 0; i < np; i++)
		if (pages[i].modified > newest)
			newest = pages[i].modified;
	if (np)
		sitemap_entry(site, &b, "/sitemaps/pages.xml", newest, a);
	for (i = 0; i < na; i++)
		sitemap_entry(site, &b, arena_printf(a, "/sitemaps/articles-%"
			      PRId64 ".xml", arts[i].number), arts[i].modified, a);
	for (i = 0; i < nt; i++)
		sitemap_entry(site, &b, arena_printf(a, "/sitemaps/tags-%"
			      PRId64 ".xml", tags[i].number), tags[i].modified, a);
	if (nr)
		sitemap_entry(site, &b, "/sitemaps/news.xml", recent[0].updated >
			      recent[0].published ? recent[0].updated :
			      recent[0].published, a);
	buf_adds(&b, "</sitemapindex>\n");
	xml_answer(site, req, res, &b);
}

/*
 * The News sitemap's language: an ISO 639 code, lower case (the tag's
 * first subtag), except Chinese, which Google names zh-cn or zh-tw.
 */
static const char *news_language(struct arena *a, const char *tag)
{
	char *l = arena_strdup(a, tag), *p;

	for (p = l; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	if (!strncmp(l, "zh-", 3))
		return strstr(l, "-tw") || strstr(l, "-hant") ? "zh-tw" : "zh-cn";
	l[strcspn(l, "-")] = '\0';
	return l;
}

static void news_sitemap(struct site *site, struct http_request *req,
			 struct http_response *res)
{
	struct arena *a = req->arena;
	const char *lang = news_language(a, site_language(site));
	struct article *recent;
	struct buf b;
	size_t n, i;

	if (recent_stories(site, a, &recent, &n)) {
		unavailable(site, req, res);
		return;
	}
	buf_init(&b, a, 4 * 1024 * 1024);
	buf_adds(&b, xml_head);
	buf_adds(&b, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/"
		 "0.9\" xmlns:news=\"http://www.google.com/schemas/"
		 "sitemap-news/0.9\">\n");
	for (i = 0; i < n; i++) {
		buf_adds(&b, "<url>");
		add_loc(site, &b, article_path(a, &recent[i]), 0, a);
		buf_adds(&b, "<news:news><news:publication><news:name>");
		add_escaped(&b, site->name);
		buf_adds(&b, "</news:name><news:language>");
		buf_adds(&b, lang);
		buf_adds(&b, "</news:language></news:publication>"
			 "<news:publication_date>");
		buf_adds(&b, time_iso(a, recent[i].published));
		buf_adds(&b, "</news:publication_date><news:title>");
		add_escaped(&b, recent[i].headline);
		buf_adds(&b, "</news:title></news:news></url>\n");
	}
	buf_adds(&b, "</urlset>\n");
	xml_answer(site, req, res, &b);
}

/* "articles-12.xml" -> 12 for @prefix "articles-"; -1 when it is not. */
static int64_t part_number(const char *file, const char *prefix)
{
	size_t pl = strlen(prefix), digits;
	const char *p = file + pl;

	if (strncmp(file, prefix, pl))
		return -1;
	digits = strspn(p, "0123456789");
	if (!digits || digits > 9 || strcmp(p + digits, ".xml") ||
	    (digits > 1 && *p == '0'))
		return -1;
	return strtoll(p, NULL, 10);
}

void h_sitemap(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	char *file = str_dup(a, m->params[0]);
	int64_t art = part_number(file, "articles-");
	int64_t tag = part_number(file, "tags-");
	bool pages = !strcmp(file, "pages.xml");
	struct sitemap_url *urls;
	struct buf b;
	size_t n, i;
	int r;

	if (!strcmp(file, "news.xml")) {
		news_sitemap(site, req, res);
		return;
	}
	if (!strcmp(file, "sections.xml"))
		r = store_sitemap_sections(site->store, a, SITEMAP_SECTIONS_MAX,
					   &urls, &n);
	else if (pages)
		r = page_urls(site, a, &urls, &n);
	else if (art >= 0 || tag >= 0)
		r = store_sitemap_urls(site->store, a, art >= 0 ?
				       SITEMAP_ARTICLES : SITEMAP_TAGS,
				       art >= 0 ? art : tag, SITEMAP_PER_PART,
				       &urls, &n);
	else
		r = ERR_NOTFOUND;
	if (!r && !n)
		r = ERR_NOTFOUND;
	if (r == ERR_NOTFOUND) {
		render_error(site, req, res, 404, tr(req_lang(req), "There is no such sitemap."));
		return;
	}
	if (r) {
		unavailable(site, req, res);
		return;
	}
	buf_init(&b, a, SITEMAP_BODY_MAX);
	buf_adds(&b, xml_head);
	buf_adds(&b, urlset_open);
	for (i = 0; i < n; i++) {
		const char *path;

		if (art >= 0) {
			struct article x = { 0 };

			x.slug = urls[i].slug;
			x.section_slug = urls[i].section_slug;
			x.published = urls[i].published;
			path = article_path(a, &x);
		} else if (pages) {
			path = arena_printf(a, "/%s/", urls[i].slug);
		} else {
			path = tag >= 0 ? tag_path(a, urls[i].slug) :
			       section_path(a, urls[i].slug);
		}
		buf_adds(&b, "<url>");
		add_loc(site, &b, path, urls[i].modified, a);
		buf_adds(&b, "</url>\n");
	}
	buf_adds(&b, "</urlset>\n");
	xml_answer(site, req, res, &b);
}

void h_robots(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	(void)m;
	buf_printf(&res->body, "User-agent: *\n"
		   "Disallow: /account/\n"
		   "Disallow: /search\n"
		   "Disallow: /api/\n"
		   "Disallow: /react/\n"
		   "\n"
		   "Sitemap: %s/sitemap.xml\n"
		   "Sitemap: %s/sitemaps/news.xml\n",
		   site->base_url, site->base_url);
	(void)req;
	res->content_type = "text/plain; charset=utf-8";
}
