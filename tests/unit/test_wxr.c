/*
 * test_wxr.c - unit tests for src/import/wxr.c (the streaming export
 * reader) and src/import/import.c (what each item becomes): the three
 * real WordPress exports in ../shared/testdata/wxr (argv[1]) read field
 * by field, and small exports written here for each rule: refusals,
 * namespaces, empty and unknown elements, statuses, types, dates,
 * sections and tags, page paths, featured images and comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "import/import.h"
#include "import/wxr.h"

static const char *dir;
static struct arena *arena;
static char err[512];

/* ---- what the reader handed over, kept for the checks ---- */

struct seen {
	char channel[512];
	int nchannel, nauthors, nterms, nitems;
	char authors[8][256];
	char terms[40][160];
	char items[16][1024];
	char warnings[4][256];
	int nwarnings;
	int stop_after;		/* items; 0: never */
};

static int on_channel(void *ctx, const struct wxr_channel *c)
{
	struct seen *s = ctx;

	s->nchannel++;
	snprintf(s->channel, sizeof(s->channel), "%s|%s|%s|%s|%s|%s", c->title,
		 c->link, c->wxr_version, c->base_site_url, c->base_blog_url,
		 c->language);
	return 0;
}

static int on_author(void *ctx, const struct wxr_author *a)
{
	struct seen *s = ctx;

	if (s->nauthors < 8)
		snprintf(s->authors[s->nauthors], 256, "%s|%s|%s|%s|%s|%s", a->id,
			 a->login, a->email, a->display_name, a->first_name,
			 a->last_name);
	s->nauthors++;
	return 0;
}

static int on_term(void *ctx, const struct wxr_term *t)
{
	struct seen *s = ctx;

	if (s->nterms < 40)
		snprintf(s->terms[s->nterms], 160, "%d|%s|%s|%s|%s|%s|%s", t->kind,
			 t->id, t->taxonomy, t->slug, t->name, t->parent,
			 t->description);
	s->nterms++;
	return 0;
}

static int on_item(void *ctx, const struct wxr_item *it)
{
	struct seen *s = ctx;
	char *p;
	size_t i, left = 1024;

	if (s->nitems < 16) {
		p = s->items[s->nitems];
		p += snprintf(p, left, "%s|%s|%s|%s|%s|%s|%s|%s|%s|terms",
			      it->post_id, it->post_type, it->status, it->title,
			      it->post_name, it->post_date_gmt, it->post_parent,
			      it->creator, it->excerpt);
		for (i = 0; i < it->nterms; i++)
			p += snprintf(p, 1024 - (size_t)(p - s->items[s->nitems]),
				      ",%s:%s:%s", it->terms[i].domain,
				      it->terms[i].nicename, it->terms[i].name);
		p += snprintf(p, 1024 - (size_t)(p - s->items[s->nitems]), "|meta");
		for (i = 0; i < it->nmeta; i++)
			p += snprintf(p, 1024 - (size_t)(p - s->items[s->nitems]),
				      ",%s=%s", it->meta[i].key, it->meta[i].value);
		p += snprintf(p, 1024 - (size_t)(p - s->items[s->nitems]),
			      "|comments");
		for (i = 0; i < it->ncomments; i++)
			p += snprintf(p, 1024 - (size_t)(p - s->items[s->nitems]),
				      ",%s:%s:%s:%s:%s:%zu", it->comments[i].id,
				      it->comments[i].author, it->comments[i].approved,
				      it->comments[i].parent, it->comments[i].date_gmt,
				      it->comments[i].nmeta);
	}
	s->nitems++;
	return s->stop_after && s->nitems >= s->stop_after ? 42 : 0;
}

static void on_warn(void *ctx, const char *msg)
{
	struct seen *s = ctx;

	if (s->nwarnings < 4)
		snprintf(s->warnings[s->nwarnings], 256, "%s", msg);
	s->nwarnings++;
}

static int read_file(const char *name, struct seen *s)
{
	struct wxr_handler h = { s, on_channel, on_author, on_term, on_item, on_warn };
	char path[1024];

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return wxr_read_file(path, &h, err, sizeof(err));
}

static int read_text(const char *text, struct seen *s)
{
	struct wxr_handler h = { s, on_channel, on_author, on_term, on_item, on_warn };
	int stop = s->stop_after;

	memset(s, 0, sizeof(*s));
	s->stop_after = stop;
	return wxr_read_memory(text, strlen(text), "t.xml", &h, err, sizeof(err));
}

static int setup(void **state)
{
	(void)state;
	arena = arena_new(0);
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(arena);
	return 0;
}

/* ---- the real exports ---- */

static void test_valid_11(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(read_file("valid-wxr-1.1.xml", &s), 0);
	assert_string_equal(err, "");
	assert_int_equal(s.nchannel, 1);
	assert_string_equal(s.channel, "Export Datasets|http://localhost/|1.1|"
			    "http://localhost/|http://localhost/|en");
	assert_int_equal(s.nauthors, 1);
	assert_string_equal(s.authors[0], "2|john|johndoe@example.org|John Doe|"
			    "John|Doe");
	assert_int_equal(s.nterms, 3);
	assert_string_equal(s.terms[0], "0|3|category|alpha|alpha||The alpha category");
	assert_string_equal(s.terms[1], "1|22|post_tag|clippable|Clippable||"
			    "The Clippable post_tag");
	assert_string_equal(s.terms[2], "2|40|post_tax|bieup|bieup||The bieup post_tax");
	assert_int_equal(s.nitems, 2);
	assert_string_equal(s.items[0], "1|post|publish|Hello world!|hello-world|"
			    "2010-10-16 20:53:18|0|john||terms,category:alpha:alpha,"
			    "post_tag:clippable:Clippable,post_tax:bieup:bieup|meta"
			    "|comments,1:Mr WordPress:1:0:2010-10-16 20:53:18:0");
	assert_string_equal(s.items[1], "2|page|publish|About|about|"
			    "2010-10-16 20:53:18|0|john||terms|meta,"
			    "_wp_page_template=default|comments");
}

static void test_small_export(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(read_file("small-export.xml", &s), 0);
	assert_string_equal(s.channel, "trunk|http://localhost/|1.1|"
			    "http://localhost/|http://localhost/|en");
	assert_int_equal(s.nauthors, 3);
	assert_string_equal(s.authors[1], "2|editor|editor@example.org|editor|"
			    "FirstName|LastName");
	assert_int_equal(s.nterms, 33);
	assert_string_equal(s.terms[8], "0|5|category|foo-bar|Foo|bar|"
			    "The child foo category");
	assert_string_equal(s.terms[29], "0|7|category|eternity|"
			    "\xE8\xBF\x9C\xE5\xBE\x81\xE6\x89\x8B\xE8\xAE\xB0|"
			    "|No more duplicate categories, #13364");
	assert_string_equal(s.terms[32], "1|35|post_tag|tag3|Tag3||");
	assert_int_equal(s.nitems, 11);
	assert_string_equal(s.items[2], "4|page|publish|Child Page|child-page|"
			    "2011-01-18 07:45:50|6|admin||terms|meta,_edit_last=1,"
			    "_wp_page_template=default|comments");
	assert_string_equal(s.items[4], "9|page|draft|Draft Page||"
			    "0000-00-00 00:00:00|0|admin||terms|meta,_edit_last=1,"
			    "_wp_page_template=default|comments");
	assert_string_equal(s.items[6], "13|post|private|Private Post|private-post|"
			    "2011-01-18 07:47:19|0|admin||terms,post_tag:tag1:Tag1,"
			    "post_tag:tag2:Tag2,post_tag:tag3:Tag3,category:"
			    "uncategorized:Uncategorized|meta,_edit_last=1|comments");
}

static void test_comprehensive_12(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(read_file("wxr-comprehensive.xml", &s), 0);
	assert_string_equal(s.channel, "Comprehensive WXR Fixture|"
			    "https://playground.internal/site|1.2|"
			    "https://playground.internal/site|"
			    "https://playground.internal/site|en-US");
	assert_int_equal(s.nauthors, 2);
	assert_string_equal(s.authors[1], "11|bob|bob@example.com|Bob|Bob|Smith");
	assert_int_equal(s.nterms, 4);
	assert_string_equal(s.terms[1], "0|101|category|updates|Updates|news|"
			    "Updates category");
	assert_int_equal(s.nitems, 2);
	assert_string_equal(s.items[0], "1000|post|publish|Comprehensive Post|"
			    "comprehensive-post|2024-06-05 16:04:48|0|alice|"
			    "An excerpt for comprehensive post|terms,category:news:"
			    "News,category:updates:Updates,post_tag:t1:T1,post_tag:"
			    "t2:T2|meta,custom_key=custom_value|comments,5000:"
			    "Commenter:1:0:2024-06-06 10:00:00:2");
}

/* ---- the reader's rules ---- */

#define HEAD(ns) "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:wp=\"" ns \
	"\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">" \
	"<channel>"

static void test_refusals(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(read_text(HEAD("http://wordpress.org/export/1.2/")
				   "<wp:wxr_version>1.2</wp:wxr_version>\n"
				   "<item><title>x</titel></item>", &s), WXR_MALFORMED);
	assert_string_equal(err, "t.xml:3:23: Opening and ending tag mismatch:"
			    " title line 3 and titel");
	assert_int_equal(read_text(HEAD("http://wordpress.org/export/1.2/")
				   "<item><title>x</title></item></channel></rss>",
				   &s), WXR_VERSION);
	assert_string_equal(err, "t.xml: not a WordPress export (no wp:wxr_version"
			    " in its channel)");
	assert_int_equal(s.nitems, 0);
	assert_int_equal(read_text(HEAD("http://wordpress.org/export/1.3/")
				   "<wp:wxr_version>1.3</wp:wxr_version>"
				   "</channel></rss>", &s), WXR_VERSION);
	assert_string_equal(err, "t.xml: WXR version '1.3' is not supported (1.0,"
			    " 1.1 and 1.2 are)");
	/* The message stays one line whatever the file's version says. */
	assert_int_equal(read_text(HEAD("http://wordpress.org/export/1.2/")
				   "<wp:wxr_version>\n2.\n2\t</wp:wxr_version>"
				   "</channel></rss>", &s), WXR_VERSION);
	assert_string_equal(err, "t.xml: WXR version '2.?2' is not supported (1.0,"
			    " 1.1 and 1.2 are)");
	assert_int_equal(read_text("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
				   "<!ENTITY a \"aaaa\">]>\n<rss>&a;</rss>", &s),
			 WXR_MALFORMED);
	assert_string_equal(err, "t.xml:4:15: a document type declaration is not"
			    " allowed in an export");
	assert_int_equal(read_text("", &s), WXR_MALFORMED);
	assert_int_equal(read_text("<html><body>not an export</body></html>", &s),
			 WXR_VERSION);
	assert_int_equal(wxr_read_file("/nonexistent/x.xml", NULL, err, sizeof(err)),
			 WXR_OPEN);
	assert_string_equal(err, "/nonexistent/x.xml: No such file or directory");
}

static void test_namespaces_and_text(void **state)
{
	struct seen s;

	(void)state;
	/* https namespace, another prefix, fields verbatim, empty elements,
	 * unknown elements skipped whole, a callback stopping the reader. */
	assert_int_equal(read_text("<rss xmlns:w=\"https://wordpress.org/export/1.0/\""
				   " xmlns:x=\"http://example.org/x/\"><channel>"
				   "<w:wxr_version> 1.0 </w:wxr_version>"
				   "<w:author><w:author_login>ann</w:author_login>"
				   "<w:author_display_name>Ann\n  Lee</w:author_display_name>"
				   "<w:author_email/></w:author>"
				   "<item><title>C:\\path\\to &amp; /slash/</title>"
				   "<x:title>not this</x:title><foo><title>nor this"
				   "</title></foo><w:post_id>7</w:post_id><w:comment/>"
				   "<w:postmeta><w:meta_key>k</w:meta_key></w:postmeta>"
				   "</item><item/><item/></channel></rss>",
				   (s.stop_after = 2, &s)), 42);
	assert_string_equal(s.channel, "||1.0|||");
	assert_string_equal(s.authors[0], "|ann||Ann\n  Lee||");
	assert_int_equal(s.nitems, 2);
	assert_string_equal(s.items[0], "7|||C:\\path\\to & /slash/||||||terms|"
			    "meta,k=|comments,:::::0");
	assert_string_equal(s.items[1], "|||||||||terms|meta|comments");
}

static void test_dates_and_ids(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(wxr_date("2011-01-18 07:40:14", &t), 0);
	assert_int_equal(t, 1295336414);
	assert_int_equal(wxr_date(" 2011-01-18 07:40:14\n", &t), 0);
	assert_int_equal(wxr_date("0000-00-00 00:00:00", &t), ERR_NOTFOUND);
	assert_int_equal(wxr_date("", &t), ERR_NOTFOUND);
	assert_int_equal(wxr_date("2011-02-30 07:40:14", &t), ERR_INVALID);
	assert_int_equal(wxr_date("yesterday", &t), ERR_INVALID);
	assert_int_equal(wxr_date("2011-01-18T07:40:14", &t), ERR_INVALID);
	assert_int_equal(wxr_id(" 42 ", &t), 0);
	assert_int_equal(t, 42);
	assert_int_equal(wxr_id("", &t), ERR_INVALID);
	assert_int_equal(wxr_id("-1", &t), ERR_INVALID);
	assert_int_equal(wxr_id("99999999999999999999", &t), ERR_INVALID);
}

/* ---- what the items become ---- */

struct got {
	struct imp_post posts[16];
	char text[16][1024];
	int n;
	char warnings[8][256];
	int nwarnings;
	int authors;
	char redirects[16][160];
	int nredirects;
	char id_path[16][32], source[16][64];
};

static int got_author(void *ctx, const struct imp_author *a)
{
	(void)a;
	((struct got *)ctx)->authors++;
	return 0;
}

static int got_post(void *ctx, const struct imp_post *p)
{
	struct got *g = ctx;
	char *t;
	size_t i, n = 1024;
	int k;

	if (g->n >= 16)
		return 0;
	g->posts[g->n] = *p;	/* its numbers; its strings are copied below */
	snprintf(g->id_path[g->n], 32, "%s", p->id_path);
	snprintf(g->source[g->n], 64, "%s", p->source);
	t = g->text[g->n];
	k = snprintf(t, n, "%lld %d %d %s|%s|%s|%s|%s|%lld|%s|%s|%s|%s|", (long long)p->wp_id,
		     p->kind, p->state, p->slug, p->headline, p->byline,
		     p->section ? p->section : "-", p->summary, (long long)p->published,
		     p->path ? p->path : "-", p->old_path ? p->old_path : "-",
		     p->photo ? p->photo : "-", p->body);
	for (i = 0; i < p->ntags && k < (int)n; i++)
		k += snprintf(t + k, n - (size_t)k, "%s%s=%s", i ? "," : "",
			      p->tag_slugs[i], p->tags[i]);
	for (i = 0; i < p->ncomments && k < (int)n; i++)
		k += snprintf(t + k, n - (size_t)k, "|c%lld<%lld %s %s %s %lld",
			      (long long)p->comments[i].wp_id,
			      (long long)p->comments[i].parent_id,
			      p->comments[i].shown ? "shown" : "held",
			      p->comments[i].author, p->comments[i].body,
			      (long long)p->comments[i].created);
	g->n++;
	return 0;
}

static int got_redirect(void *ctx, const char *from, const char *to)
{
	struct got *g = ctx;

	if (g->nredirects < 16)
		snprintf(g->redirects[g->nredirects], 160, "%s %s", from, to);
	g->nredirects++;
	return 0;
}

/* Whether the run asked for the redirect "FROM TO". */
static bool has_redirect(const struct got *g, const char *pair)
{
	int i;

	for (i = 0; i < g->nredirects && i < 16; i++)
		if (!strcmp(g->redirects[i], pair))
			return true;
	return false;
}

static int got_photo(void *ctx, const char *path)
{
	(void)ctx;
	return !strcmp(path, "2020/01/here.jpg");
}

static void got_warn(void *ctx, const char *msg)
{
	struct got *g = ctx;

	if (g->nwarnings < 8)
		snprintf(g->warnings[g->nwarnings], 256, "%s", msg);
	g->nwarnings++;
}

static int run_import(const char *path, struct got *g, struct imp_summary *sum)
{
	struct imp_sink sink = { .ctx = g, .author = got_author, .post = got_post,
				 .photo = got_photo, .redirect = got_redirect,
				 .comments = true };
	struct imp_opts o = { path, &sink, got_warn, NULL, g };

	memset(g, 0, sizeof(*g));
	return imp_run(&o, sum, err, sizeof(err));
}

static int import_text(const char *text, struct got *g, struct imp_summary *sum)
{
	char path[] = "/tmp/test_wxr.XXXXXX";
	int fd = mkstemp(path), r;
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	r = run_import(path, g, sum);
	unlink(path);
	return r;
}

static void test_import_small_export(void **state)
{
	struct got g;
	struct imp_summary s;
	char path[1024];

	(void)state;
	snprintf(path, sizeof(path), "%s/small-export.xml", dir);
	assert_int_equal(run_import(path, &g, &s), 0);
	assert_int_equal(s.stories, 5);
	assert_int_equal(s.pages, 4);
	assert_int_equal(s.drafts, 1);
	assert_int_equal(s.comments_shown, 1);
	assert_int_equal(s.sections, 3);
	assert_int_equal(s.tags, 21);
	assert_int_equal(s.authors, 3);
	assert_int_equal(g.authors, 3);
	assert_int_equal(s.skipped[SKIP_PRIVATE], 1);
	assert_int_equal(g.n, 10);
	assert_string_equal(g.text[0], "1 0 0 hello-world|Hello world!|author|-||"
			    "1295336414|-|/?p=1|-|Welcome to WordPress. This is your"
			    " first post. Edit or delete it, then start blogging!\n|"
			    "|c1<0 shown Mr WordPress Hi, this is a comment.\\\nTo"
			    " delete a comment, just log in and view the post's"
			    " comments. There you will have the option to edit or"
			    " delete them.\n 1295336414");
	/* A child page before its parent still gets its parent's path. */
	assert_string_equal(g.text[2], "4 1 0 child-page|Child Page|admin|-||"
			    "1295336750|parent-page/child-page|/?page_id=4|-|This"
			    " child page appears before its parent in the export"
			    " file.\n|");
	assert_string_equal(g.text[4], "9 1 1 draft-page|Draft Page|admin|-||"
			    "1295336789|draft-page|/?page_id=9|-|This is a draft.\n|");
	/* The child category's top one is the section, the child a tag. */
	assert_string_equal(g.text[6], "15 0 0 foo-child|Foo-child|editor|Bar||"
			    "1295336887|-|/?p=15|-|Post associated with the Foo"
			    " category that is a child of Bar.\n|foo-bar=Foo");
	assert_string_equal(g.text[8], "19 0 0 non-standard-post-format|"
			    "Non-standard post format|admin|-||1295336932|-|/?p=19|-|"
			    "This is an aside.\n|");
	assert_int_equal(g.posts[9].ntags, 20);
	assert_string_equal(g.warnings[0], "post 22: 6 tags and categories over the"
			    " 20 a story keeps; the last 6 left out");
}

static void test_import_comprehensive(void **state)
{
	struct got g;
	struct imp_summary s;
	char path[1024];

	(void)state;
	snprintf(path, sizeof(path), "%s/wxr-comprehensive.xml", dir);
	assert_int_equal(run_import(path, &g, &s), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "1000 0 0 comprehensive-post|Comprehensive"
			    " Post|Alice|News|An excerpt for comprehensive post|"
			    "1717603488|-|/?p=1000|-|This is a comprehensive post"
			    " body used to validate the importer.\n\nIncludes"
			    " categories, tags and a comment.\n|t1=T1,t2=T2,"
			    "updates=Updates|c5000<0 shown Commenter Great post!\n"
			    " 1717668000");
	assert_int_equal(s.warnings, 0);
	assert_string_equal(g.id_path[0], "/?p=1000");
	assert_string_equal(g.id_path[1], "/?page_id=2000");
	assert_string_equal(g.source[0], "https://playground.internal/site");
	assert_int_equal(g.nredirects, 7);
	assert_true(has_redirect(&g, "/feed/ /feed.xml"));
	assert_true(has_redirect(&g, "/category/news/ /section/news/"));
	assert_true(has_redirect(&g, "/category/news/feed/ /section/news/feed.xml"));
	assert_true(has_redirect(&g, "/category/news/updates/ /tag/updates/"));
	assert_true(has_redirect(&g, "/category/news/updates/feed/"
				 " /tag/updates/feed.xml"));
	assert_true(has_redirect(&g, "/author/alice/ /author/Alice/"));
	assert_true(has_redirect(&g, "/author/bob/ /author/Bob/"));
}

#define ITEM(id, type, status, extra) \
	"<item><title>T" #id "</title><link>http://old.example/?p=" #id "</link>" \
	"<wp:post_id>" #id "</wp:post_id><wp:post_type>" type "</wp:post_type>" \
	"<wp:status>" status "</wp:status><wp:post_name>s" #id "</wp:post_name>" \
	"<wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>" extra "</item>"

static const char rules[] =
	HEAD("http://wordpress.org/export/1.2/")
	"<wp:wxr_version>1.2</wp:wxr_version>"
	"<wp:base_site_url>http://old.example</wp:base_site_url>"
	"<wp:category><wp:category_nicename>world</wp:category_nicename>"
	"<wp:term_id>5</wp:term_id><wp:cat_name>World</wp:cat_name></wp:category>"
	"<wp:category><wp:category_nicename>europe</wp:category_nicename>"
	"<wp:term_id>6</wp:term_id><wp:category_parent>world</wp:category_parent>"
	"<wp:cat_name>Europe</wp:cat_name></wp:category>"
	"<wp:category><wp:category_nicename>sport</wp:category_nicename>"
	"<wp:term_id>7</wp:term_id><wp:cat_name>Sport</wp:cat_name></wp:category>"
	ITEM(1, "post", "pending", "")
	ITEM(2, "post", "future", "")
	ITEM(3, "post", "publish", "<wp:post_password>pw</wp:post_password>")
	ITEM(4, "post", "trash", "")
	ITEM(5, "post", "auto-draft", "")
	ITEM(6, "nav_menu_item", "publish", "")
	ITEM(7, "revision", "inherit", "")
	ITEM(8, "product", "publish", "")
	ITEM(9, "wp_global_styles", "publish", "")
	"<item><wp:post_id>10</wp:post_id><wp:post_type>post</wp:post_type>"
	"<wp:status>publish</wp:status><wp:post_date_gmt>soon</wp:post_date_gmt>"
	"</item>"
	ITEM(11, "post", "publish",
	     "<category domain=\"category\" nicename=\"sport\">Sport</category>"
	     "<category domain=\"category\" nicename=\"europe\">Europe</category>"
	     "<wp:postmeta><wp:meta_key>_yoast_wpseo_primary_category</wp:meta_key>"
	     "<wp:meta_value>6</wp:meta_value></wp:postmeta>"
	     "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
	     "<wp:meta_value>20</wp:meta_value></wp:postmeta>"
	     "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>A"
	     "</wp:comment_author><wp:comment_date_gmt>2020-01-03 00:00:00"
	     "</wp:comment_date_gmt><wp:comment_approved>1</wp:comment_approved>"
	     "<wp:comment_content>First</wp:comment_content></wp:comment>"
	     "<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_parent>1"
	     "</wp:comment_parent><wp:comment_author>B</wp:comment_author>"
	     "<wp:comment_date_gmt>2020-01-03 00:00:01</wp:comment_date_gmt>"
	     "<wp:comment_approved>0</wp:comment_approved><wp:comment_content>"
	     "Reply</wp:comment_content></wp:comment>"
	     "<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_approved>"
	     "spam</wp:comment_approved></wp:comment>"
	     "<wp:comment><wp:comment_id>4</wp:comment_id><wp:comment_type>pingback"
	     "</wp:comment_type><wp:comment_approved>1</wp:comment_approved>"
	     "</wp:comment>"
	     "<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_approved>trash"
	     "</wp:comment_approved></wp:comment>"
	     "<wp:comment><wp:comment_id>6</wp:comment_id><wp:comment_approved>1"
	     "</wp:comment_approved><wp:comment_date_gmt>never</wp:comment_date_gmt>"
	     "</wp:comment>")
	ITEM(12, "post", "publish",
	     "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
	     "<wp:meta_value>21</wp:meta_value></wp:postmeta>")
	ITEM(20, "attachment", "inherit",
	     "<wp:attachment_url>http://old.example/wp-content/uploads/2020/01/"
	     "here.jpg</wp:attachment_url>")
	ITEM(21, "attachment", "inherit",
	     "<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
	     "<wp:meta_value>2020/01/gone.jpg</wp:meta_value></wp:postmeta>")
	"</channel></rss>";

static void test_import_rules(void **state)
{
	struct got g;
	struct imp_summary s;

	(void)state;
	assert_int_equal(import_text(rules, &g, &s), 0);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.text[0], "1 0 2 s1|T1||-||1577934245|-|/?p=1|-||");
	assert_string_equal(g.text[1], "2 0 3 s2|T2||-||1577934245|-|/?p=2|-||");
	assert_string_equal(g.text[2], "3 0 1 s3|T3||-||1577934245|-|/?p=3|-||");
	assert_string_equal(g.text[3], "11 0 0 s11|T11||World||1577934245|-|"
			    "/?p=11|2020/01/here.jpg||sport=Sport,europe=Europe"
			    "|c1<0 shown A First\n 1578009600"
			    "|c2<1 held B Reply\n 1578009601");
	assert_string_equal(g.text[4], "12 0 0 s12|T12||-||1577934245|-|/?p=12|-||");
	assert_int_equal(s.stories, 2);
	assert_int_equal(s.drafts, 2);
	assert_int_equal(s.in_review, 1);
	assert_int_equal(s.scheduled, 1);
	assert_int_equal(s.comments_shown, 1);
	assert_int_equal(s.comments_held, 1);
	assert_int_equal(s.sections, 1);
	assert_int_equal(s.tags, 2);
	assert_int_equal(s.photos_imported, 1);
	assert_int_equal(s.photos_missing, 1);
	assert_int_equal(s.skipped[SKIP_TRASH], 1);
	assert_int_equal(s.skipped[SKIP_AUTO_DRAFT], 1);
	assert_int_equal(s.skipped[SKIP_MENU_ITEM], 1);
	assert_int_equal(s.skipped[SKIP_REVISION], 1);
	assert_int_equal(s.skipped[SKIP_UNKNOWN_TYPE], 1);
	assert_int_equal(s.skipped[SKIP_INTERNAL], 1);
	assert_int_equal(s.skipped[SKIP_BAD], 1);
	assert_int_equal(s.skipped[SKIP_COMMENT_SPAM], 1);
	assert_int_equal(s.skipped[SKIP_PINGBACK], 1);
	assert_int_equal(s.skipped[SKIP_COMMENT_TRASH], 1);
	assert_int_equal(s.skipped[SKIP_COMMENT_BAD], 1);
	assert_int_equal(g.nwarnings, 4);
	assert_string_equal(g.warnings[0], "post 8: unknown post type 'product',"
			    " skipped");
	assert_string_equal(g.warnings[1], "post 10: unreadable date 'soon', skipped");
	assert_string_equal(g.warnings[2], "post 11: comment '6' has no readable id"
			    " or date, skipped");
	assert_string_equal(g.warnings[3], "post 12: photo '2020/01/gone.jpg' is"
			    " missing");
}

static void test_import_refused_hands_nothing(void **state)
{
	struct got g;
	struct imp_summary s;
	char bad[sizeof(rules) + 16];

	(void)state;
	/* The error is at the very end: the first pass catches it. */
	snprintf(bad, sizeof(bad), "%.*s</rss>",
		 (int)(strlen(rules) - strlen("</channel></rss>")), rules);
	assert_int_equal(import_text(bad, &g, &s), 1);
	assert_non_null(strstr(err, "Opening and ending tag mismatch: channel"));
	assert_int_equal(g.n, 0);
	assert_int_equal(g.authors, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_valid_11),
		T(test_small_export),
		T(test_comprehensive_12),
		T(test_refusals),
		T(test_namespaces_and_text),
		T(test_dates_and_ids),
		T(test_import_small_export),
		T(test_import_comprehensive),
		T(test_import_rules),
		T(test_import_refused_hands_nothing),
	};

	/* The exports: $DATELINE_WXR_DIR, else the folder meson passes. */
	dir = getenv("DATELINE_WXR_DIR");
	if (!dir || !*dir)
		dir = argc > 1 ? argv[1] : "../shared/testdata/wxr";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
