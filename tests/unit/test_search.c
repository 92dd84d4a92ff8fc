/*
 * test_search.c - unit tests for the reader's search text translator
 * (src/store/fts_query.c), the store's full-text search and sitemap lists
 * (src/store/store_search.c, sql/{sqlite,postgres}/006_search.sql) against
 * a temporary SQLite file and, with $DATELINE_TEST_PG, a fresh PostgreSQL
 * database (testdb.h), author lists, HTTP date parsing, and the page
 * cache's brotli copies (src/site/cache.c).
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
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "http/http.h"
#include "site/cache.h"
#include "store/fts_query.h"
#include "store/store.h"
#include "testdb.h"

/* ---- the translator ---- */

static void expect_fts(const char *in, const char *want, int parts)
{
	struct arena *a = arena_new(0);
	struct buf b;

	buf_init(&b, a, 4096);
	assert_int_equal(fts_query_translate(in, strlen(in), &b), parts);
	assert_string_equal(b.data, want);
	arena_free(a);
}

static void test_translate(void **state)
{
	(void)state;
	expect_fts("harbour", "(\"harbour\" OR \"harbour\"*)", 1);
	expect_fts("  Harbour   cranes ", "\"Harbour\" AND (\"cranes\" OR \"cranes\"*)", 2);
	expect_fts("\"storm surge\" port", "\"storm surge\" AND (\"port\" OR \"port\"*)", 2);
	expect_fts("harb*", "\"harb\"*", 1);
	expect_fts("h*", "\"h\"", 1);		/* one letter: no prefix */
	expect_fts("a AND b OR NOT c NEAR(d e)",
		   "\"a\" AND \"AND\" AND \"b\" AND \"OR\" AND \"NOT\" AND \"c\" AND \"NEAR\" AND \"d\" AND \"e\"", 9);
	/* Exclusions come last, after NOT; a '-' inside a word separates. */
	expect_fts("harbour -storm cranes", "\"harbour\" AND (\"cranes\" OR \"cranes\"*) NOT \"storm\"", 3);
	expect_fts("-\"storm surge\" port -wind*", "(\"port\" OR \"port\"*) NOT \"storm surge\" NOT \"wind\"*", 3);
	expect_fts("well-known", "\"well\" AND (\"known\" OR \"known\"*)", 2);
	expect_fts("-storm -wind", "", 0);	/* nothing to look for */
	expect_fts("- -- -\"\" x", "\"x\"", 1);
	/* The last word is a prefix unless a phrase follows or it is short. */
	expect_fts("coordinat \"port\"", "\"coordinat\" AND \"port\"", 2);
	expect_fts("port of", "\"port\" AND \"of\"", 2);
	expect_fts("coordinat -storm", "(\"coordinat\" OR \"coordinat\"*) NOT \"storm\"", 2);
	expect_fts("col:val ^x -y +z", "\"col\" AND \"val\" AND \"x\" AND \"z\" NOT \"y\"", 5);
	expect_fts("\"unclosed phrase", "\"unclosed phrase\"", 1);
	expect_fts("\"\" \" \" ***", "", 0);
	expect_fts("", "", 0);
	expect_fts("((()))", "", 0);
	expect_fts("don't", "\"don\" AND \"t\"", 2);
	expect_fts("caf\xC3\xA9 \xE5\x8C\x97\xE4\xBA\xAC", "\"caf\xC3\xA9\" AND (\"\xE5\x8C\x97\xE4\xBA\xAC\" OR \"\xE5\x8C\x97\xE4\xBA\xAC\"*)", 2);
	/* Invalid UTF-8 separates like punctuation. */
	expect_fts("ab\xFF" "cd\xC3", "\"ab\" AND \"cd\"", 2);
	expect_fts("\xE2\x80", "", 0);
	/* Words of symbols alone are passed over (no token, no match). */
	expect_fts("harbour \xE2\x82\xAC\xE2\x82\xAC", "(\"harbour\" OR \"harbour\"*)", 1);
	expect_fts("\xE2\x82\xAC \"\xC2\xA9 sea\"", "\"sea\"", 1);
	/* A word* inside a phrase is just the word. */
	expect_fts("\"sea* wall\"", "\"sea wall\"", 1);
}

static void test_translate_limits(void **state)
{
	struct arena *a = arena_new(0);
	char in[4096], want[256];
	struct buf b;
	size_t i;

	(void)state;
	/* At most FTS_QUERY_MAX_PARTS parts. */
	for (i = 0; i < 40; i++)
		memcpy(in + 2 * i, "w ", 2);
	in[2 * i] = '\0';
	buf_init(&b, a, 4096);
	assert_int_equal(fts_query_translate(in, strlen(in), &b),
			 FTS_QUERY_MAX_PARTS);
	/* Long words are cut to FTS_QUERY_MAX_TERM bytes. */
	memset(in, 'x', 300);
	in[300] = '\0';
	snprintf(want, sizeof(want), "(\"%.*s\" OR \"%.*s\"*)",
		 FTS_QUERY_MAX_TERM, in, FTS_QUERY_MAX_TERM, in);
	buf_init(&b, a, 4096);
	assert_int_equal(fts_query_translate(in, 300, &b), 1);
	assert_string_equal(b.data, want);
	/* At most FTS_QUERY_MAX_PHRASE words of a phrase. */
	buf_init(&b, a, 4096);
	assert_int_equal(fts_query_translate("\"a b c d e f g h i j\"", 21, &b), 1);
	assert_string_equal(b.data, "\"a b c d e f g h\"");
	/* A full buffer: ERR_TOOBIG and nothing left behind. */
	buf_init(&b, a, 5);
	assert_int_equal(fts_query_translate("harbour", 7, &b), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	arena_free(a);
}

/* ---- the store ---- */

struct fixture {
	char dir[64];
	char path[256];
	struct store *s;
	struct arena *a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (testdb_make(f->dir, f->path))
		return -1;
	if (store_open(f->path, &f->s, err, sizeof(err)) ||
	    store_migrate(f->s, NULL))
		return -1;
	f->a = arena_new(0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	arena_free(f->a);
	testdb_drop(f->dir, f->path);
	free(f);
	return 0;
}

static int64_t put(struct store *s, const char *slug, const char *headline,
		   const char *summary, const char *body, int64_t published,
		   enum article_status status)
{
	struct article a = {
		.slug = slug, .headline = headline, .summary = summary,
		.body = body, .author = "Desk", .section = "World",
		.section_slug = "world", .status = status,
		.published = published,
	};
	int64_t id = 0;

	assert_int_equal(store_article_put(s, &a, &id, NULL), 0);
	return id;
}

/* The slugs found for @text, comma-separated, in order. */
static const char *found(struct fixture *f, const char *text)
{
	struct search_results r;
	struct buf b;
	size_t i;

	assert_int_equal(store_search(f->s, f->a, text, NULL, 50, &r), 0);
	buf_init(&b, f->a, 4096);
	for (i = 0; i < r.n; i++)
		buf_printf(&b, "%s%s", i ? "," : "", r.hits[i].article.slug);
	return b.data;
}

static void fillers(struct store *s, int n)
{
	char slug[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(slug, sizeof(slug), "filler-%d", i);
		put(s, slug, "Gardens", "", "Quiet gardens.", 1000 + i,
		    ARTICLE_PUBLISHED);
	}
}

static void test_relevance_and_visibility(void **state)
{
	struct fixture *f = *state;
	int64_t now = time_now();

	fillers(f->s, 6);
	put(f->s, "head", "Harbour cranes", "", "Text.", 100, ARTICLE_PUBLISHED);
	put(f->s, "sum", "Other", "The harbour reopened.", "Text.", 200,
	    ARTICLE_PUBLISHED);
	put(f->s, "body", "Other", "", "Once the harbour.", 300,
	    ARTICLE_PUBLISHED);
	put(f->s, "draft", "Harbour draft", "", "Text.", 50, ARTICLE_DRAFT);
	put(f->s, "future", "Harbour future", "", "Text.", now + 3600,
	    ARTICLE_PUBLISHED);
	assert_string_equal(found(f, "harbour"), "head,sum,body");
	assert_string_equal(found(f, "harbours"), "head,sum,body");
	assert_string_equal(found(f, "harb*"), "head,sum,body");
	assert_string_equal(found(f, "\"harbour cranes\""), "head");
	assert_string_equal(found(f, "\"cranes harbour\""), "");
	/* Drafts and stories still to come are not found. */
	assert_string_equal(found(f, "draft"), "");
	assert_string_equal(found(f, "future"), "");
}

static void test_nothing_searchable(void **state)
{
	struct fixture *f = *state;
	struct search_results r;

	put(f->s, "one", "One", "", "Text.", 100, ARTICLE_PUBLISHED);
	assert_int_equal(store_search(f->s, f->a, "*** ((", NULL, 10, &r), 0);
	assert_int_equal(r.terms, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(store_search(f->s, f->a, "x", NULL, 0, &r), ERR_INVALID);
	assert_int_equal(store_search(f->s, f->a, "x", NULL, 51, &r), ERR_INVALID);
}

static void test_sync_on_edit_and_tags(void **state)
{
	struct fixture *f = *state;
	struct tag t1[] = { { "ports", "Ports" }, { "trade", "Trade" } };
	struct tag t2[] = { { "weather", "Weather" } };
	struct article a = {
		.slug = "story", .headline = "Zebra crossing", .body = "Text.",
		.author = "Ana Diaz", .status = ARTICLE_PUBLISHED,
		.published = 100, .tags = t1, .ntags = 2,
	};

	fillers(f->s, 4);
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), 0);
	assert_string_equal(found(f, "zebra"), "story");
	assert_string_equal(found(f, "trade"), "story");
	assert_string_equal(found(f, "diaz"), "story");
	a.headline = "Giraffe crossing";
	a.tags = t2;
	a.ntags = 1;
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), 0);
	assert_string_equal(found(f, "zebra"), "");
	assert_string_equal(found(f, "giraffe"), "story");
	assert_string_equal(found(f, "trade"), "");
	assert_string_equal(found(f, "weather"), "story");
}

/* A batch's stories are found once it commits (SQLite indexes them at its
 * end), with what they say last; a batch that fails leaves no trace, and
 * what follows it is indexed at once again. */
static void test_batch_indexed_at_end(void **state)
{
	struct fixture *f = *state;
	struct tag t1[] = { { "ports", "Ports" }, { "trade", "Trade" } };
	struct tag t2[] = { { "weather", "Weather" } };
	struct article a = {
		.slug = "old", .headline = "Zebra crossing", .body = "Text.",
		.author = "Desk", .status = ARTICLE_PUBLISHED, .published = 100,
		.tags = t1, .ntags = 2,
	};
	struct article b = {
		.slug = "new", .headline = "Okapi sighting", .body = "Text.",
		.author = "Desk", .status = ARTICLE_PUBLISHED, .published = 200,
		.tags = t2, .ntags = 1,
	};

	fillers(f->s, 4);
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), 0);
	assert_int_equal(store_batch_begin(f->s), 0);
	a.headline = "Giraffe crossing";
	a.tags = t2;
	a.ntags = 1;
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), 0);
	assert_int_equal(store_article_put(f->s, &b, NULL, NULL), 0);
	b.headline = "Okapi census";	/* the same story twice in a batch */
	assert_int_equal(store_article_put(f->s, &b, NULL, NULL), 0);
	assert_int_equal(store_batch_end(f->s, 0), 0);
	assert_string_equal(found(f, "zebra"), "");
	assert_string_equal(found(f, "giraffe"), "old");
	assert_string_equal(found(f, "trade"), "");
	assert_string_equal(found(f, "weather"), "new,old");
	assert_string_equal(found(f, "okapi"), "new");
	assert_string_equal(found(f, "sighting"), "");
	assert_string_equal(found(f, "census"), "new");

	assert_int_equal(store_batch_begin(f->s), 0);
	b.slug = "lost";
	b.headline = "Tapir";
	assert_int_equal(store_article_put(f->s, &b, NULL, NULL), 0);
	assert_int_equal(store_batch_end(f->s, ERR_INVALID), ERR_INVALID);
	assert_string_equal(found(f, "tapir"), "");
	b.slug = "after";
	b.headline = "Tapir again";
	assert_int_equal(store_article_put(f->s, &b, NULL, NULL), 0);
	assert_string_equal(found(f, "tapir"), "after");
}

static void test_keyset_and_ties(void **state)
{
	struct fixture *f = *state;
	struct search_results r;
	struct search_cursor cur;
	char slug[32];
	int i, total = 0;
	int64_t last_pub = INT64_MAX;

	fillers(f->s, 10);
	for (i = 0; i < 7; i++) {
		snprintf(slug, sizeof(slug), "twin-%d", i);
		put(f->s, slug, "Lighthouse keepers", "", "Twin.", 500 + i,
		    ARTICLE_PUBLISHED);
	}
	assert_int_equal(store_search(f->s, f->a, "lighthouse", NULL, 3, &r), 0);
	for (;;) {
		for (i = 0; i < (int)r.n; i++) {
			/* Equal text, equal score: newest first. */
			assert_true(r.hits[i].article.published < last_pub);
			last_pub = r.hits[i].article.published;
			assert_non_null(strstr(r.hits[i].snippet, "\x01"));
			total++;
		}
		if (!r.more)
			break;
		cur.score = r.hits[r.n - 1].score;
		cur.published = r.hits[r.n - 1].article.published;
		cur.id = r.hits[r.n - 1].article.id;
		assert_int_equal(store_search(f->s, f->a, "lighthouse", &cur, 3,
					      &r), 0);
	}
	assert_int_equal(total, 7);
}

static void test_sitemap_parts(void **state)
{
	struct fixture *f = *state;
	struct sitemap_part *parts;
	struct sitemap_url *urls;
	struct tag t[] = { { "ports", "Ports" } };
	struct article a = {
		.slug = "tagged", .headline = "Tagged", .body = "Text.",
		.section = "Business", .section_slug = "business",
		.status = ARTICLE_PUBLISHED, .published = 100, .tags = t,
		.ntags = 1,
	};
	size_t n;

	put(f->s, "s1", "S1", "", "T.", 100, ARTICLE_PUBLISHED);	/* id 1 */
	put(f->s, "s2", "S2", "", "T.", 100, ARTICLE_DRAFT);		/* 2 */
	put(f->s, "s3", "S3", "", "T.", 100, ARTICLE_DRAFT);		/* 3 */
	put(f->s, "s4", "S4", "", "T.", 100, ARTICLE_DRAFT);		/* 4 */
	put(f->s, "s5", "S5", "", "T.", 100, ARTICLE_PUBLISHED);	/* 5 */
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), 0);	/* 6 */
	/* Two ids a part: parts 0 (1), 2 (5, 6); part 1 is all drafts. */
	assert_int_equal(store_sitemap_parts(f->s, f->a, SITEMAP_ARTICLES, 2,
					     &parts, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(parts[0].number, 0);
	assert_int_equal(parts[1].number, 2);
	assert_true(parts[1].modified >= 100);
	assert_int_equal(store_sitemap_urls(f->s, f->a, SITEMAP_ARTICLES, 2, 2,
					    &urls, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(urls[0].slug, "s5");
	assert_string_equal(urls[1].slug, "tagged");
	assert_string_equal(urls[1].section_slug, "business");
	assert_int_equal(urls[1].published, 100);
	assert_int_equal(store_sitemap_urls(f->s, f->a, SITEMAP_ARTICLES, 1, 2,
					    &urls, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_sitemap_parts(f->s, f->a, SITEMAP_TAGS, 50000,
					     &parts, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_sitemap_urls(f->s, f->a, SITEMAP_TAGS, 0, 50000,
					    &urls, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(urls[0].slug, "ports");
	assert_int_equal(store_sitemap_sections(f->s, f->a, 10, &urls, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(urls[0].slug, "business");
	assert_string_equal(urls[1].slug, "world");
	assert_int_equal(store_sitemap_urls(f->s, f->a, SITEMAP_ARTICLES, -1, 2,
					    &urls, &n), ERR_INVALID);
	assert_int_equal(store_sitemap_urls(f->s, f->a, SITEMAP_ARTICLES,
					    INT64_MAX / 2, 2, &urls, &n),
			 ERR_INVALID);
}

static void test_author_list(void **state)
{
	struct fixture *f = *state;
	struct article_query q = { .author = "Ana Diaz", .limit = 10 };
	struct article_list list;
	struct article a = {
		.slug = "by-ana", .headline = "By Ana", .body = "T.",
		.author = "Ana Diaz", .status = ARTICLE_PUBLISHED,
		.published = 100,
	};

	put(f->s, "by-desk", "By desk", "", "T.", 200, ARTICLE_PUBLISHED);
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), 0);
	assert_int_equal(store_articles_list(f->s, f->a, &q, &list), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.items[0].slug, "by-ana");
	q.author = "ana diaz";	/* exact byline only */
	assert_int_equal(store_articles_list(f->s, f->a, &q, &list), 0);
	assert_int_equal(list.n, 0);
}

static void test_media_size(void **state)
{
	struct fixture *f = *state;
	struct media m = { .key = "abc.jpg", .type = "image/jpeg", .width = 1,
			   .height = 1, .data = "0123456789", .len = 10 };
	int64_t size = 0;

	assert_int_equal(store_media_put(f->s, &m), 0);
	assert_int_equal(store_media_size(f->s, "abc.jpg", &size), 0);
	assert_int_equal(size, 10);
	assert_int_equal(store_media_size(f->s, "nope.jpg", &size), ERR_NOTFOUND);
}

static void test_list_prev(void **state)
{
	struct fixture *f = *state;
	struct article_query q = { .section_slug = "world" };
	struct cursor first, prev;
	char slug[16];
	int i, kind;

	/* Stories 1..7 published at 10, 20, ... 70; pages of 3. */
	for (i = 1; i <= 7; i++) {
		snprintf(slug, sizeof(slug), "s%d", i);
		put(f->s, slug, "S", "", "T.", i * 10, ARTICLE_PUBLISHED);
	}
	/* The newest page has nothing newer. */
	first = (struct cursor){ 70, 7 };
	assert_int_equal(store_list_prev(f->s, &q, &first, 3, &kind, &prev), 0);
	assert_int_equal(kind, 0);
	/* A page starting at story 4: 5, 6, 7 are newer, the first page. */
	first = (struct cursor){ 40, 4 };
	assert_int_equal(store_list_prev(f->s, &q, &first, 3, &kind, &prev), 0);
	assert_int_equal(kind, 1);
	/* A page starting at story 2: the page before is 5, 4, 3, that is
	 * the stories before story 6. */
	first = (struct cursor){ 20, 2 };
	assert_int_equal(store_list_prev(f->s, &q, &first, 3, &kind, &prev), 0);
	assert_int_equal(kind, 2);
	assert_int_equal(prev.published, 60);
	assert_int_equal(prev.id, 6);
	q.section_slug = "elsewhere";
	assert_int_equal(store_list_prev(f->s, &q, &first, 3, &kind, &prev), 0);
	assert_int_equal(kind, 0);
	assert_int_equal(store_list_prev(f->s, &q, &first, 0, &kind, &prev),
			 ERR_INVALID);
}

/* ---- the page cache's brotli copies ---- */

static void test_cache_brotli(void **state)
{
	struct page_cache *pc = page_cache_new();
	struct arena *a = arena_new(0);
	struct cached_page p;
	struct blob *v, *b;
	struct buf page;
	size_t i;

	(void)state;
	buf_init(&page, a, 1 << 20);
	for (i = 0; i < 200; i++)
		buf_printf(&page, "<p>paragraph %zu</p>", i);
	/* A whole page keeps a brotli copy, smaller than the page. */
	page_cache_put(pc, "/whole", 1, "text/html", page.data, page.len, 0, 0,
		       0, 0, &p);
	assert_non_null(p.br);
	assert_true(p.br->len < page.len / 4);
	cached_page_release(&p);
	/* A holed page has none (only gzip can be spliced)... */
	buf_adds(&page, PAGE_HOLE_OPEN "7:slug" PAGE_HOLE_CLOSE "<footer>");
	page_cache_put(pc, "/holed", 1, "text/html", page.data, page.len, 0, 0,
		       0, 0, &p);
	assert_null(p.br);
	assert_non_null(p.suffix);
	cached_page_release(&p);
	/* ...but keeps one variant, for one hole content and generation. */
	assert_null(page_cache_variant_get(pc, "/holed", 1, 42));
	b = blob_new("brotli bytes", 12);
	page_cache_variant_put(pc, "/holed", 1, 42, b);
	page_cache_variant_put(pc, "/holed", 2, 43, b);	/* other generation */
	page_cache_variant_put(pc, "/nowhere", 1, 42, b);	/* no entry */
	blob_unref(b);
	v = page_cache_variant_get(pc, "/holed", 1, 42);
	assert_non_null(v);
	assert_int_equal(v->len, 12);
	blob_unref(v);
	assert_null(page_cache_variant_get(pc, "/holed", 1, 43));
	assert_null(page_cache_variant_get(pc, "/holed", 2, 42));
	b = blob_new("newer", 5);
	page_cache_variant_put(pc, "/holed", 1, 44, b);	/* replaces it */
	blob_unref(b);
	assert_null(page_cache_variant_get(pc, "/holed", 1, 42));
	v = page_cache_variant_get(pc, "/holed", 1, 44);
	assert_int_equal(v->len, 5);
	blob_unref(v);
	page_cache_free(pc);
	arena_free(a);
}

/* ---- HTTP dates ---- */

static void test_http_dates(void **state)
{
	char d[30];
	int64_t t;

	(void)state;
	time_http(1700000000, d);
	assert_int_equal(time_parse_http(d, &t), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(time_parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
	assert_int_equal(t, 784111777);
	assert_int_equal(time_parse_http("Mon, 06 Nov 1994 08:49:37 GMT", &t),
			 ERR_INVALID);	/* wrong weekday */
	assert_int_equal(time_parse_http("Sunday, 06-Nov-94 08:49:37 GMT", &t),
			 ERR_INVALID);
	assert_int_equal(time_parse_http("Sun Nov  6 08:49:37 1994", &t),
			 ERR_INVALID);
	assert_int_equal(time_parse_http("Sun, 31 Feb 1994 08:49:37 GMT", &t),
			 ERR_INVALID);
	assert_int_equal(time_parse_http("Sun, 06 Nox 1994 08:49:37 GMT", &t),
			 ERR_INVALID);
	assert_int_equal(time_parse_http("", &t), ERR_INVALID);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate),
		cmocka_unit_test(test_translate_limits),
		T(test_relevance_and_visibility),
		T(test_nothing_searchable),
		T(test_sync_on_edit_and_tags),
		T(test_batch_indexed_at_end),
		T(test_keyset_and_ties),
		T(test_sitemap_parts),
		T(test_author_list),
		T(test_media_size),
		T(test_list_prev),
		cmocka_unit_test(test_http_dates),
		cmocka_unit_test(test_cache_brotli),
	};

	return testdb_run_groups(tests);
}
