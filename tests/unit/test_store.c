/*
 * test_store.c - unit tests for src/store against a temporary SQLite file
 * and, with $DATELINE_TEST_PG, a fresh PostgreSQL database (testdb.h):
 * migrations, saving and reading articles, visibility rules, keyset
 * pagination, filters, media, the change generation, and refusing bad
 * input without writing anything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>

#include "core/arena.h"
#include "core/embedded.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	char dir[64];
	char path[256];
	struct store *s;
	struct arena *a;
};

static int setup_open(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (testdb_make(f->dir, f->path))
		return -1;
	if (store_open(f->path, &f->s, err, sizeof(err))) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	f->a = arena_new(0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f;

	if (setup_open(state))
		return -1;
	f = *state;
	return store_migrate(f->s, NULL) ? -1 : 0;
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

/* A minimal valid published article, in the past. */
static struct article article(const char *slug, const char *headline,
			      int64_t published)
{
	struct article a = {
		.slug = slug,
		.headline = headline,
		.body = "Body text.",
		.status = ARTICLE_PUBLISHED,
		.published = published,
	};

	return a;
}

static int64_t put(struct store *s, const struct article *a)
{
	int64_t id = 0;
	bool inserted = false;

	assert_int_equal(store_article_put(s, a, &id, &inserted), 0);
	assert_true(id > 0);
	return id;
}

static int64_t count(struct store *s)
{
	int64_t n = -1;

	assert_int_equal(store_article_count(s, &n), 0);
	return n;
}

/* Run SQL directly on the database, as another program would. */
#define raw_sql testdb_sql

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void test_open_errors(void **state)
{
	struct store *s = NULL;
	char err[256] = "";

	(void)state;
	testdb_only_sqlite();
	assert_int_equal(store_open("", &s, err, sizeof(err)), ERR_INVALID);
	assert_non_null(strstr(err, "no database"));
	/* Nothing listens on port 1: a clear error, not a hang. */
	assert_int_equal(store_open("postgres://127.0.0.1:1/none", &s, err,
				    sizeof(err)), ERR_IO);
	assert_non_null(strstr(err, "PostgreSQL"));
	assert_int_equal(store_open("/nonexistent-dir/x/y.db", &s, err,
				    sizeof(err)), ERR_IO);
	assert_non_null(strstr(err, "/nonexistent-dir/x/y.db"));
	assert_null(s);
}

static void test_migrate_idempotent(void **state)
{
	struct fixture *f = *state;
	int applied = -1;

	assert_int_equal(store_check_schema(f->s), ERR_INVALID);
	assert_int_equal(store_migrate(f->s, &applied), 0);
	assert_true(applied >= 1);
	assert_int_equal(store_check_schema(f->s), 0);
	assert_int_equal(store_migrate(f->s, &applied), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(store_migrate(f->s, NULL), 0);
	assert_int_equal(store_check_schema(f->s), 0);
	assert_int_equal(count(f->s), 0);
}

/* The migrations of @engine ("sqlite/"), as a bit per number. */
static void migration_numbers(const char *engine, unsigned char *bits,
			      size_t nbits)
{
	size_t i, len = strlen(engine);

	memset(bits, 0, nbits / 8);
	for (i = 0; embedded_sql[i].name; i++) {
		long v;

		if (strncmp(embedded_sql[i].name, engine, len))
			continue;
		v = strtol(embedded_sql[i].name + len, NULL, 10);
		assert_true(v > 0 && (size_t)v < nbits);
		bits[v / 8] |= (unsigned char)(1u << (v % 8));
	}
}

/* Both engines count the same versions: 'dateline copy' compares them. */
static void test_migrations_twinned(void **state)
{
	unsigned char lite[128], pg[128];
	size_t i;

	(void)state;
	migration_numbers("sqlite/", lite, sizeof(lite) * 8);
	migration_numbers("postgres/", pg, sizeof(pg) * 8);
	for (i = 1; i < sizeof(lite) * 8; i++)
		if ((lite[i / 8] ^ pg[i / 8]) & (1u << (i % 8)))
			fail_msg("migration %03zu exists for one engine only",
				 i);
	assert_true(lite[0] & 2);	/* 001 is there: the table was read */
}

static void test_sqlite_url_prefix(void **state)
{
	struct fixture *f = *state;
	struct store *s2;
	char url[300], err[256];

	testdb_only_sqlite();
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	assert_int_equal(store_open(url, &s2, err, sizeof(err)), 0);
	assert_int_equal(store_check_schema(s2), 0);
	store_close(s2);
}

static void test_put_insert_then_update(void **state)
{
	struct fixture *f = *state;
	struct tag tags1[] = { { "ports", "Ports" }, { "weather", "Weather" } };
	struct tag tags2[] = { { "economy", "Economy" }, { "weather", "Weather!" } };
	struct article a = article("cranes", "Cranes return", 1000000);
	struct article *got;
	int64_t id1 = 0, id2 = 0;
	bool inserted = false;

	a.summary = "The port reopens.";
	a.dateline = "BEIRUT";
	a.author = "Rana";
	a.section = "World";
	a.section_slug = "world";
	a.tags = tags1;
	a.ntags = 2;
	a.caption = "cap";
	a.credit = "cred";
	a.photo_alt = "alt";
	a.version = 99;		/* ignored */
	a.created = 5;		/* ignored */
	assert_int_equal(store_article_put(f->s, &a, &id1, &inserted), 0);
	assert_true(inserted);
	assert_int_equal(store_article_by_slug(f->s, f->a, "cranes", false, &got), 0);
	assert_int_equal(got->id, id1);
	assert_string_equal(got->headline, "Cranes return");
	assert_string_equal(got->summary, "The port reopens.");
	assert_string_equal(got->dateline, "BEIRUT");
	assert_string_equal(got->author, "Rana");
	assert_string_equal(got->section, "World");
	assert_string_equal(got->section_slug, "world");
	assert_string_equal(got->body, "Body text.");
	assert_string_equal(got->caption, "cap");
	assert_string_equal(got->credit, "cred");
	assert_string_equal(got->photo_alt, "alt");
	assert_null(got->photo.key);
	assert_int_equal(got->status, ARTICLE_PUBLISHED);
	assert_int_equal(got->published, 1000000);
	assert_int_equal(got->version, 1);
	assert_int_equal(got->created, got->updated);
	assert_true(got->created >= time_now() - 60);
	assert_int_equal(got->ntags, 2);
	assert_string_equal(got->tags[0].slug, "ports");
	assert_string_equal(got->tags[1].slug, "weather");
	assert_string_equal(got->tags[1].name, "Weather");

	/* Pretend it was created long ago, to see created kept on update. */
	raw_sql(f->path, "UPDATE articles SET created = 1234, updated = 1234");

	a.headline = "Cranes return to work";
	a.summary = NULL;	/* NULL optional fields become "" */
	a.tags = tags2;
	a.ntags = 2;
	inserted = true;
	assert_int_equal(store_article_put(f->s, &a, &id2, &inserted), 0);
	assert_false(inserted);
	assert_int_equal(id2, id1);
	assert_int_equal(count(f->s), 1);
	assert_int_equal(store_article_by_slug(f->s, f->a, "cranes", false, &got), 0);
	assert_string_equal(got->headline, "Cranes return to work");
	assert_string_equal(got->summary, "");
	assert_int_equal(got->version, 2);
	assert_int_equal(got->created, 1234);
	assert_true(got->updated >= time_now() - 60);
	/* Tags replaced, in the new order; a tag's name follows the last put. */
	assert_int_equal(got->ntags, 2);
	assert_string_equal(got->tags[0].slug, "economy");
	assert_string_equal(got->tags[1].slug, "weather");
	assert_string_equal(got->tags[1].name, "Weather!");

	/* Third put: version keeps counting; no tags left. */
	a.ntags = 0;
	put(f->s, &a);
	assert_int_equal(store_article_by_slug(f->s, f->a, "cranes", false, &got), 0);
	assert_int_equal(got->version, 3);
	assert_int_equal(got->ntags, 0);
	/* "ports" no longer lists this article. */
	{
		struct article_query q = { .tag_slug = "ports", .limit = 10 };
		struct article_list l;

		assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
		assert_int_equal(l.n, 0);
	}
}

static void test_many_tags(void **state)
{
	struct fixture *f = *state;
	struct tag tags[20];
	char slugs[20][8];
	struct article a = article("tagged", "Tagged", 1000);
	struct article *got;
	int i;

	for (i = 0; i < 20; i++) {
		snprintf(slugs[i], sizeof(slugs[i]), "t%02d", 19 - i);
		tags[i] = (struct tag){ slugs[i], slugs[i] };
	}
	a.tags = tags;
	a.ntags = 20;
	put(f->s, &a);
	assert_int_equal(store_article_by_slug(f->s, f->a, "tagged", false, &got), 0);
	assert_int_equal(got->ntags, 20);
	/* Order of the put, not of the slugs. */
	for (i = 0; i < 20; i++)
		assert_string_equal(got->tags[i].slug, slugs[i]);
}

static void test_by_slug_drafts(void **state)
{
	struct fixture *f = *state;
	struct article a = article("draft", "A draft", 1000);
	struct article *got = NULL;

	a.status = ARTICLE_DRAFT;
	put(f->s, &a);
	assert_int_equal(store_article_by_slug(f->s, f->a, "draft", false, &got),
			 ERR_NOTFOUND);
	assert_null(got);
	assert_int_equal(store_article_by_slug(f->s, f->a, "draft", true, &got), 0);
	assert_string_equal(got->headline, "A draft");
	assert_int_equal(got->status, ARTICLE_DRAFT);
	assert_int_equal(store_article_by_slug(f->s, f->a, "missing", true, &got),
			 ERR_NOTFOUND);

	/* Publishing it makes it visible. */
	a.status = ARTICLE_PUBLISHED;
	put(f->s, &a);
	got = NULL;
	assert_int_equal(store_article_by_slug(f->s, f->a, "draft", false, &got), 0);
	assert_int_equal(got->status, ARTICLE_PUBLISHED);
}

static void test_future_hidden(void **state)
{
	struct fixture *f = *state;
	struct article a = article("future", "Embargoed", time_now() + 3600);
	struct article_query q = { .limit = 10 };
	struct article_list l;
	struct article *got;

	put(f->s, &a);
	put(f->s, &(struct article){ .slug = "past", .headline = "Past",
				     .body = "", .status = ARTICLE_PUBLISHED,
				     .published = time_now() - 10 });
	assert_int_equal(store_article_by_slug(f->s, f->a, "future", false, &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_article_by_slug(f->s, f->a, "future", true, &got), 0);
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].slug, "past");
	q.include_drafts = true;
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].slug, "future");
	assert_int_equal(count(f->s), 2);
}

/* 25 articles, some sharing a publication time so ids break the ties. */
static void put_many(struct fixture *f, int n)
{
	static struct tag even4 = { "even4", "Every fourth" };
	int i;

	for (i = 0; i < n; i++) {
		char *slug = arena_printf(f->a, "story-%02d", i);
		struct article a = article(slug, slug, 100000 + (i / 3) * 60);

		if (i % 5 == 0) {
			a.section = "World";
			a.section_slug = "world";
		} else {
			a.section = "Sport";
			a.section_slug = "sport";
		}
		if (i % 4 == 0) {
			a.tags = &even4;
			a.ntags = 1;
		}
		if (i == 7)
			a.status = ARTICLE_DRAFT;
		put(f->s, &a);
	}
}

/* Page through with @q and check order and completeness; returns count. */
static size_t page_through(struct fixture *f, struct article_query *q,
			   int64_t *ids, size_t max)
{
	struct article_list l;
	struct cursor cur = { 0, 0 };
	size_t total = 0, i, pages = 0;

	q->before = NULL;
	for (;;) {
		assert_int_equal(store_articles_list(f->s, f->a, q, &l), 0);
		assert_true(l.n <= q->limit);
		pages++;
		for (i = 0; i < l.n; i++) {
			const struct article *a = &l.items[i];

			assert_true(total < max);
			/* List items carry no body. */
			assert_string_equal(a->body, "");
			if (total) {
				const struct article *p = i ? &l.items[i - 1] : NULL;
				int64_t pp = p ? p->published : cur.published;
				int64_t pid = p ? p->id : cur.id;

				assert_true(a->published < pp ||
					    (a->published == pp && a->id < pid));
			}
			ids[total++] = a->id;
		}
		if (!l.more)
			break;
		assert_int_equal(l.n, q->limit);
		cur.published = l.items[l.n - 1].published;
		cur.id = l.items[l.n - 1].id;
		q->before = &cur;
		assert_true(pages < 100);
	}
	for (i = 0; i < total; i++) {
		size_t j;

		for (j = i + 1; j < total; j++)
			assert_true(ids[i] != ids[j]);
	}
	return total;
}

static void test_list_pagination(void **state)
{
	struct fixture *f = *state;
	struct article_query q = { .limit = 7 };
	int64_t ids[64];
	struct article_list l;

	put_many(f, 25);
	/* 24 published (one draft), pages of 7: 7 + 7 + 7 + 3. */
	assert_int_equal(page_through(f, &q, ids, 64), 24);
	q.include_drafts = true;
	assert_int_equal(page_through(f, &q, ids, 64), 25);
	/* Exact multiple of the page size: the last full page says no more. */
	q.include_drafts = false;
	q.limit = 8;
	assert_int_equal(page_through(f, &q, ids, 64), 24);
	q.limit = 100;
	q.before = NULL;
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_int_equal(l.n, 24);
	assert_false(l.more);
	/* Newest first: the last three share a time, highest id first. */
	assert_string_equal(l.items[0].slug, "story-24");
	assert_string_equal(l.items[1].slug, "story-23");
	assert_string_equal(l.items[2].slug, "story-22");
	assert_string_equal(l.items[23].slug, "story-00");

	/* A cursor in the middle of a tie keeps the rest of the tie. */
	{
		struct cursor cur = { l.items[1].published, l.items[1].id };

		q.before = &cur;
		q.limit = 2;
		assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
		assert_int_equal(l.n, 2);
		assert_true(l.more);
		assert_string_equal(l.items[0].slug, "story-22");
		assert_string_equal(l.items[1].slug, "story-21");
	}
	/* A cursor before everything: an empty last page. */
	{
		struct cursor cur = { 0, 0 };

		q.before = &cur;
		assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
		assert_int_equal(l.n, 0);
		assert_false(l.more);
	}
}

static void test_list_limits(void **state)
{
	struct fixture *f = *state;
	struct article_query q = { .limit = 0 };
	struct article_list l;

	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), ERR_INVALID);
	q.limit = 101;
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), ERR_INVALID);
	q.limit = 1;
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_int_equal(l.n, 0);
	assert_false(l.more);
}

static void test_section_and_tag_filters(void **state)
{
	struct fixture *f = *state;
	struct article_query q = { .section_slug = "world", .limit = 2 };
	int64_t ids[64];
	struct article_list l;
	size_t i;

	put_many(f, 25);
	/* World: i % 5 == 0, i.e. 0 5 10 15 20. */
	assert_int_equal(page_through(f, &q, ids, 64), 5);
	q.limit = 100;
	q.before = NULL;
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	for (i = 0; i < l.n; i++)
		assert_string_equal(l.items[i].section_slug, "world");
	assert_string_equal(l.items[0].slug, "story-20");
	/* Sport, without the draft (7). */
	q.section_slug = "sport";
	assert_int_equal(page_through(f, &q, ids, 64), 19);
	/* Tag even4: 0 4 8 12 16 20 24. */
	q.section_slug = NULL;
	q.tag_slug = "even4";
	q.limit = 3;
	assert_int_equal(page_through(f, &q, ids, 64), 7);
	q.limit = 100;
	q.before = NULL;
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_string_equal(l.items[0].slug, "story-24");
	assert_string_equal(l.items[6].slug, "story-00");
	/* Unknown filters give empty lists. */
	q.tag_slug = "nope";
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_int_equal(l.n, 0);
	q.tag_slug = NULL;
	q.section_slug = "nope";
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_int_equal(l.n, 0);
}

static void test_section_and_tag_names(void **state)
{
	struct fixture *f = *state;
	const char *name = NULL;

	put_many(f, 6);
	assert_int_equal(store_section_name(f->s, f->a, "world", &name), 0);
	assert_string_equal(name, "World");
	assert_int_equal(store_section_name(f->s, f->a, "sport", &name), 0);
	assert_string_equal(name, "Sport");
	assert_int_equal(store_tag_name(f->s, f->a, "even4", &name), 0);
	assert_string_equal(name, "Every fourth");
	name = NULL;
	assert_int_equal(store_section_name(f->s, f->a, "nope", &name),
			 ERR_NOTFOUND);
	assert_int_equal(store_tag_name(f->s, f->a, "nope", &name), ERR_NOTFOUND);
	assert_null(name);
}

static void test_sections(void **state)
{
	struct fixture *f = *state;
	struct section *secs;
	size_t n = 99;
	struct article a = article("no-section", "No section", 1000);

	assert_int_equal(store_sections(f->s, f->a, &secs, &n), 0);
	assert_int_equal(n, 0);
	put_many(f, 25);
	put(f->s, &a);		/* no section: not listed */
	a = article("future-world", "Later", time_now() + 3600);
	a.section = "World";
	a.section_slug = "world";
	put(f->s, &a);		/* in the future: not counted */
	assert_int_equal(store_sections(f->s, f->a, &secs, &n), 0);
	assert_int_equal(n, 2);
	/* Biggest first; the draft is not counted. */
	assert_string_equal(secs[0].slug, "sport");
	assert_string_equal(secs[0].name, "Sport");
	assert_int_equal(secs[0].count, 19);
	assert_string_equal(secs[1].slug, "world");
	assert_int_equal(secs[1].count, 5);
}

static void test_sections_capped(void **state)
{
	struct fixture *f = *state;
	struct section *secs;
	size_t n = 0;
	int i;

	for (i = 0; i < 15; i++) {
		char *slug = arena_printf(f->a, "s%02d", i);
		struct article a = article(slug, slug, 1000);

		a.section = slug;
		a.section_slug = slug;
		put(f->s, &a);
	}
	assert_int_equal(store_sections(f->s, f->a, &secs, &n), 0);
	assert_int_equal(n, 12);
	/* Ties broken by slug. */
	assert_string_equal(secs[0].slug, "s00");
	assert_string_equal(secs[11].slug, "s11");
}

static void test_media(void **state)
{
	struct fixture *f = *state;
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF, 0x00, 0x01, 0xFF, 0xD9 };
	struct media m = { "abc123.jpg", "image/jpeg", 640, 480, jpeg, sizeof(jpeg) };
	struct media other = { "abc123.jpg", "image/png", 1, 1, "xx", 2 };
	struct media got;

	assert_int_equal(store_media_get(f->s, f->a, "abc123.jpg", &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_media_put(f->s, &m), 0);
	assert_int_equal(store_media_get(f->s, f->a, "abc123.jpg", &got), 0);
	assert_string_equal(got.key, "abc123.jpg");
	assert_string_equal(got.type, "image/jpeg");
	assert_int_equal(got.width, 640);
	assert_int_equal(got.height, 480);
	assert_int_equal(got.len, sizeof(jpeg));
	assert_memory_equal(got.data, jpeg, sizeof(jpeg));
	/* A second put of the same key changes nothing. */
	assert_int_equal(store_media_put(f->s, &other), 0);
	assert_int_equal(store_media_get(f->s, f->a, "abc123.jpg", &got), 0);
	assert_string_equal(got.type, "image/jpeg");
	assert_int_equal(got.len, sizeof(jpeg));
	/* Invalid media is refused. */
	other.key = "";
	assert_int_equal(store_media_put(f->s, &other), ERR_INVALID);
	other.key = "k";
	other.len = 0;
	assert_int_equal(store_media_put(f->s, &other), ERR_INVALID);
	other.len = 2;
	other.type = NULL;
	assert_int_equal(store_media_put(f->s, &other), ERR_INVALID);
	assert_int_equal(store_media_get(f->s, f->a, "k", &got), ERR_NOTFOUND);
}

static void test_article_with_new_photo(void **state)
{
	struct fixture *f = *state;
	static const char png[] = "\x89PNG fake image bytes";
	struct media m = { "ffee.png", "image/png", 1200, 800, png, sizeof(png) };
	struct article a = article("photo", "With photo", 1000);
	struct article *got;
	struct media mg;
	struct article_query q = { .limit = 5 };
	struct article_list l;

	a.photo.key = "ffee.png";
	a.new_photo = &m;
	put(f->s, &a);
	assert_int_equal(store_article_by_slug(f->s, f->a, "photo", false, &got), 0);
	assert_string_equal(got->photo.key, "ffee.png");
	assert_string_equal(got->photo.type, "image/png");
	assert_int_equal(got->photo.width, 1200);
	assert_int_equal(got->photo.height, 800);
	assert_int_equal(store_media_get(f->s, f->a, "ffee.png", &mg), 0);
	assert_int_equal(mg.len, sizeof(png));
	assert_memory_equal(mg.data, png, sizeof(png));
	/* Lists carry the photo too. */
	assert_int_equal(store_articles_list(f->s, f->a, &q, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].photo.key, "ffee.png");
	assert_int_equal(l.items[0].photo.width, 1200);
	/* Updating with the same new photo again is fine (put is a no-op). */
	put(f->s, &a);
}

static void test_photo_must_exist(void **state)
{
	struct fixture *f = *state;
	struct tag t = { "lost", "Lost" };
	struct article a = article("dangling", "Dangling photo", 1000);
	const char *name;
	bool inserted = false;
	uint64_t g;

	/* Let the cross-process watcher take its first look. */
	sleep_ms(150);
	store_generation(f->s);
	g = store_generation(f->s);

	a.photo.key = "missing.jpg";
	a.tags = &t;
	a.ntags = 1;
	assert_int_equal(store_article_put(f->s, &a, NULL, &inserted),
			 ERR_CONFLICT);
	/* Rolled back whole: no article, no tag, no generation change. */
	assert_int_equal(count(f->s), 0);
	assert_int_equal(store_tag_name(f->s, f->a, "lost", &name), ERR_NOTFOUND);
	assert_int_equal(store_generation(f->s), g);
	/* The store is still usable after the rollback. */
	a.photo.key = NULL;
	put(f->s, &a);
	assert_int_equal(count(f->s), 1);
}

static void test_invalid_input_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct article a = article("valid-slug", NULL, 1000);
	int64_t id = -7;
	bool inserted = true;

	assert_int_equal(store_article_put(f->s, &a, &id, &inserted), ERR_INVALID);
	assert_int_equal(id, -7);
	assert_true(inserted);
	a.headline = "";
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), ERR_INVALID);
	a.headline = "Headline";
	a.slug = NULL;
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), ERR_INVALID);
	a.slug = "";
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), ERR_INVALID);
	a.slug = "valid-slug";
	a.body = NULL;
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), ERR_INVALID);
	assert_int_equal(count(f->s), 0);
	a.body = "";
	assert_int_equal(store_article_put(f->s, &a, NULL, NULL), 0);
	assert_int_equal(count(f->s), 1);
}

static void test_article_count(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(count(f->s), 0);
	put_many(f, 10);
	/* Drafts included. */
	assert_int_equal(count(f->s), 10);
	put_many(f, 10);	/* same slugs: updates */
	assert_int_equal(count(f->s), 10);
}

static void test_generation_local_write(void **state)
{
	struct fixture *f = *state;
	struct article a = article("gen", "Gen", 1000);
	uint64_t g0, g1, g2;

	g0 = store_generation(f->s);
	put(f->s, &a);
	g1 = store_generation(f->s);
	assert_true(g1 != g0);
	assert_int_equal(store_generation(f->s), g1);
	assert_int_equal(store_media_put(f->s, &(struct media){ "m.jpg",
		"image/jpeg", 1, 1, "x", 1 }), 0);
	g2 = store_generation(f->s);
	assert_true(g2 != g1);
}

static void test_generation_other_connection(void **state)
{
	struct fixture *f = *state;
	struct store *other;
	char err[256];
	uint64_t g0, g1;

	assert_int_equal(store_open(f->path, &other, err, sizeof(err)), 0);
	/* Let the watcher settle, then check nothing changes on its own. */
	sleep_ms(150);
	store_generation(f->s);
	sleep_ms(150);
	g0 = store_generation(f->s);
	sleep_ms(150);
	assert_int_equal(store_generation(f->s), g0);

	/* A write through another handle (another connection, as another
	 * process would make) is noticed after the polling interval. */
	put(other, &(struct article){ .slug = "elsewhere", .headline = "E",
				      .body = "", .status = ARTICLE_PUBLISHED,
				      .published = 1000 });
	sleep_ms(150);
	g1 = store_generation(f->s);
	assert_true(g1 != g0);
	assert_int_equal(count(f->s), 1);

	/* An update from the other handle is noticed too. */
	put(other, &(struct article){ .slug = "elsewhere", .headline = "E2",
				      .body = "", .status = ARTICLE_PUBLISHED,
				      .published = 1000 });
	sleep_ms(150);
	assert_true(store_generation(f->s) != g1);
	store_close(other);
}

struct writer {
	struct store *s;
	int n;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	int i, fails = 0;

	for (i = 0; i < 10; i++) {
		char slug[32];
		struct article a = article(slug, "Concurrent", 1000 + i);

		snprintf(slug, sizeof(slug), "w%d-%d", w->n, i);
		if (store_article_put(w->s, &a, NULL, NULL))
			fails++;
	}
	return (void *)(intptr_t)fails;
}

static void test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	pthread_t th[4];
	struct writer w[4];
	int i;

	for (i = 0; i < 4; i++) {
		w[i] = (struct writer){ f->s, i };
		assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		void *ret;

		pthread_join(th[i], &ret);
		assert_int_equal((intptr_t)ret, 0);
	}
	assert_int_equal(count(f->s), 40);
}

/*
 * Shared rate limits: a bucket of 3 a minute allows 3 takes, then refuses
 * with a Retry-After of about 20 s; looking takes nothing; keys are
 * separate and stored hashed; tokens come back with time.
 * SQLite has none (its limits live in the process).
 */
/* One store_rate_take() of 3 a minute on @key; whether it was allowed. */
static bool rate(struct store *s, const char *key, bool take, unsigned *retry)
{
	bool ok = false;

	assert_int_equal(store_rate_take(s, key, 3, take, &ok, retry), 0);
	return ok;
}

static void test_rate_take(void **state)
{
	struct fixture *f = *state;
	const char *a = "login:a@example.com";
	unsigned retry = 0;
	bool ok;
	int i;

	if (!testdb_pg) {
		assert_int_equal(store_rate_take(f->s, "k", 3, true, &ok, &retry),
				 ERR_UNSUPPORTED);
		return;
	}
	assert_int_equal(store_rate_take(f->s, "k", 0, true, &ok, &retry),
			 ERR_INVALID);
	for (i = 0; i < 3; i++) {
		assert_true(rate(f->s, a, false, &retry));
		assert_true(rate(f->s, a, true, &retry));
	}
	assert_false(rate(f->s, a, true, &retry));
	assert_true(retry >= 15 && retry <= 21);
	assert_false(rate(f->s, a, false, &retry));
	assert_true(rate(f->s, "login:b@example.com", true, &retry));
	assert_int_equal(testdb_int(f->path, "SELECT count(*) FROM rate_limits"
				    " WHERE key LIKE '%@%'"), 0);
	/* A bucket last touched 40 s ago got 2 of its 3 tokens back. */
	testdb_sql(f->path, "UPDATE rate_limits SET at = at - 40000");
	assert_true(rate(f->s, a, true, &retry));
	assert_true(rate(f->s, a, true, &retry));
	assert_false(rate(f->s, a, true, &retry));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_migrations_twinned),
		cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup_open,
						teardown),
		T(test_sqlite_url_prefix),
		T(test_put_insert_then_update),
		T(test_many_tags),
		T(test_by_slug_drafts),
		T(test_future_hidden),
		T(test_list_pagination),
		T(test_list_limits),
		T(test_section_and_tag_filters),
		T(test_section_and_tag_names),
		T(test_sections),
		T(test_sections_capped),
		T(test_media),
		T(test_article_with_new_photo),
		T(test_photo_must_exist),
		T(test_invalid_input_writes_nothing),
		T(test_article_count),
		T(test_generation_local_write),
		T(test_generation_other_connection),
		T(test_concurrent_writers),
		T(test_rate_take),
	};

	return testdb_run_groups(tests);
}
