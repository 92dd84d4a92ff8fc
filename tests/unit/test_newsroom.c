/*
 * test_newsroom.c - unit tests for the newsroom's logic: the line diff,
 * the WebP metadata filter, and the store's newsroom functions against a
 * temporary SQLite file and, with $DATELINE_TEST_PG, a fresh PostgreSQL
 * database (testdb.h): saves with optimistic locking, slugs, revisions,
 * the scheduler's publish step, stage kept right for the CLI's writes,
 * reaction series.
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
#include "media/webp.h"
#include "site/diff.h"
#include "store/store.h"
#include "testdb.h"

/* ---- diff ---- */

/* The diff as "=a|-b|+c|" for easy comparison. */
static const char *diff_str(struct arena *a, const char *x, const char *y)
{
	struct diff_line *d;
	struct buf out;
	size_t n, i;

	buf_init(&out, a, 4096);
	d = diff_lines(a, x, y, &n);
	for (i = 0; i < n; i++)
		buf_printf(&out, "%c%.*s|", d[i].op == DIFF_SAME ? '=' :
			   d[i].op == DIFF_DEL ? '-' : '+', (int)d[i].len,
			   d[i].text);
	return out.data;
}

static void test_diff(void **state)
{
	struct arena *a = arena_new(0);

	(void)state;
	assert_string_equal(diff_str(a, "", ""), "");
	assert_string_equal(diff_str(a, "a\nb\n", "a\nb\n"), "=a|=b|");
	assert_string_equal(diff_str(a, "", "x\n"), "+x|");
	assert_string_equal(diff_str(a, "x", ""), "-x|");
	assert_string_equal(diff_str(a, "a\nb\nc\n", "a\nB\nc\nd\n"),
			    "=a|-b|+B|=c|+d|");
	assert_string_equal(diff_str(a, "1\n2\n3\n4\n", "2\n3\n4\n1\n"),
			    "-1|=2|=3|=4|+1|");
	/* A line without its final newline still compares equal. */
	assert_string_equal(diff_str(a, "a\nb", "a\nb\n"), "=a|=b|");
	arena_free(a);
}

static void test_diff_large(void **state)
{
	struct arena *a = arena_new(0);
	char *x = malloc(3000 * 8), *y = malloc(3000 * 8), *px = x, *py = y;
	struct diff_line *d;
	size_t n, i, del = 0, add = 0;

	(void)state;
	/* 2,500 x 2,500 middle lines: past DIFF_MAX_CELLS, so all removed
	 * then all added, never quadratic memory. */
	for (i = 0; i < 2500; i++) {
		px += snprintf(px, (size_t)(x + 3000 * 8 - px), "x%zu\n", i);
		py += snprintf(py, (size_t)(y + 3000 * 8 - py), "y%zu\n", i);
	}
	d = diff_lines(a, x, y, &n);
	assert_int_equal(n, 5000);
	for (i = 0; i < n; i++) {
		if (d[i].op == DIFF_DEL)
			assert_int_equal(add, 0), del++;
		if (d[i].op == DIFF_ADD)
			add++;
	}
	assert_int_equal(del, 2500);
	assert_int_equal(add, 2500);
	free(x);
	free(y);
	arena_free(a);
}

/* ---- WebP ---- */

static size_t chunk(unsigned char *p, const char *fourcc, const char *data,
		    size_t len)
{
	memcpy(p, fourcc, 4);
	p[4] = (unsigned char)len;
	p[5] = p[6] = p[7] = 0;
	memcpy(p + 8, data, len);
	if (len & 1)
		p[8 + len++] = 0;
	return 8 + len;
}

static void test_webp_strip(void **state)
{
	unsigned char f[256];
	size_t n = 12, out;

	(void)state;
	memcpy(f, "RIFF\0\0\0\0WEBP", 12);
	n += chunk(f + n, "VP8X", "\x0c\0\0\0\0\0\0\0\0\0", 10);
	n += chunk(f + n, "VP8 ", "pixels", 6);
	n += chunk(f + n, "EXIF", "GPS!!", 5);
	n += chunk(f + n, "XMP ", "<x/>", 4);
	f[4] = (unsigned char)(n - 8);
	out = webp_strip(f, n);
	assert_int_equal(out, 12 + 18 + 14);
	assert_int_equal(f[4], out - 8);
	assert_int_equal(f[12 + 8] & 0x0c, 0);	/* flags cleared */
	assert_memory_equal(f + 30, "VP8 ", 4);
	assert_null(memmem(f, out, "GPS", 3));
	/* Again: nothing to do. */
	assert_int_equal(webp_strip(f, out), out);
	/* Malformed: wrong size, truncated chunk, not RIFF. */
	f[4]++;
	assert_int_equal(webp_strip(f, out), 0);
	f[4]--;
	assert_int_equal(webp_strip(f, out - 1), 0);
	memcpy(f, "RIFX", 4);
	assert_int_equal(webp_strip(f, out), 0);
	assert_int_equal(webp_strip(f, 3), 0);
}

/* ---- store ---- */

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

static void story(struct article *a, const char *slug, const char *body)
{
	memset(a, 0, sizeof(*a));
	a->slug = slug;
	a->headline = "A headline";
	a->body = body;
	a->section = "World";
	a->section_slug = "world";
	a->author = "Ann";
	a->published = time_now();
	a->owner_id = 7;
}

static int save(struct store *s, struct article *a, int64_t expect,
		int64_t *id, int64_t *version)
{
	struct story_save sv = { .a = a, .expect_version = expect,
				 .account_id = 7, .who = "Ann",
				 .tags_text = "" };

	return store_story_save(s, &sv, id, version);
}

static void test_save_and_lock(void **state)
{
	struct fixture *f = *state;
	struct article a, b, *got;
	struct revision *revs, rev;
	int64_t id, v, id2;
	size_t n;

	story(&a, "first", "one\n");
	assert_int_equal(save(f->s, &a, 0, &id, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_story_get(f->s, f->a, id, &got), 0);
	assert_int_equal(got->status, ARTICLE_DRAFT);
	assert_int_equal(got->owner_id, 7);
	/* Drafts stay off the public side. */
	assert_int_equal(store_article_by_slug(f->s, f->a, "first", false, &got),
			 ERR_NOTFOUND);
	a.id = id;
	a.body = "two\n";
	a.status = ARTICLE_PUBLISHED;
	assert_int_equal(save(f->s, &a, 1, &id, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(store_article_by_slug(f->s, f->a, "first", false, &got), 0);
	/* A save from version 1 is stale now, and changes nothing. */
	a.body = "three\n";
	assert_int_equal(save(f->s, &a, 1, &id, &v), ERR_STALE);
	assert_int_equal(store_story_get(f->s, f->a, id, &got), 0);
	assert_string_equal(got->body, "two\n");
	assert_int_equal(got->version, 2);
	/* Another story may not take the slug. */
	story(&b, "first", "x");
	assert_int_equal(save(f->s, &b, 0, &id2, &v), ERR_CONFLICT);
	/* Two revisions, newest first, with bodies on request. */
	assert_int_equal(store_revisions(f->s, f->a, id, &revs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(revs[0].version, 2);
	assert_string_equal(revs[0].who, "Ann");
	assert_int_equal(store_revision_get(f->s, f->a, id, revs[1].id, &rev), 0);
	assert_string_equal(rev.a.body, "one\n");
	assert_int_equal(rev.a.status, ARTICLE_DRAFT);
	assert_int_equal(store_revision_get(f->s, f->a, id + 1, revs[1].id, &rev),
			 ERR_NOTFOUND);
	a.id = 999;
	assert_int_equal(save(f->s, &a, 1, &id2, &v), ERR_NOTFOUND);
}

static void test_slug_free_and_list(void **state)
{
	struct fixture *f = *state;
	struct story_query q = { .status = -1, .limit = 10 };
	struct story_row *rows;
	struct article a;
	int64_t id, v;
	size_t n;
	bool free;

	story(&a, "harbour-news", "x");
	a.headline = "Harbour News";
	assert_int_equal(save(f->s, &a, 0, &id, &v), 0);
	assert_int_equal(store_slug_free(f->s, "harbour-news", 0, &free), 0);
	assert_false(free);
	assert_int_equal(store_slug_free(f->s, "harbour-news", id, &free), 0);
	assert_true(free);
	assert_int_equal(store_slug_free(f->s, "other", 0, &free), 0);
	assert_true(free);
	q.search = "HARBOUR";
	assert_int_equal(store_stories(f->s, f->a, &q, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].a.status, ARTICLE_DRAFT);
	q.status = ARTICLE_PUBLISHED;
	assert_int_equal(store_stories(f->s, f->a, &q, &rows, &n), 0);
	assert_int_equal(n, 0);
	q.status = ARTICLE_STATUSES;
	assert_int_equal(store_stories(f->s, f->a, &q, &rows, &n), ERR_INVALID);
}

static void test_publish_due(void **state)
{
	struct fixture *f = *state;
	struct article a, *got;
	uint64_t gen;
	int64_t id, v, now = time_now();
	int n = -1;

	story(&a, "later", "soon");
	a.status = ARTICLE_SCHEDULED;
	a.published = now + 100;
	assert_int_equal(save(f->s, &a, 0, &id, &v), 0);
	assert_int_equal(store_publish_due(f->s, now, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_article_by_slug(f->s, f->a, "later", false, &got),
			 ERR_NOTFOUND);
	gen = store_generation(f->s);
	assert_int_equal(store_publish_due(f->s, now + 100, &n), 0);
	assert_int_equal(n, 1);
	assert_true(store_generation(f->s) != gen);
	assert_int_equal(store_story_get(f->s, f->a, id, &got), 0);
	assert_int_equal(got->status, ARTICLE_PUBLISHED);
	assert_int_equal(got->version, 2);
	/* Public once its time has come (the clock is past it only in this
	 * test's imagination, so ask with drafts included). */
	assert_int_equal(store_article_by_slug(f->s, f->a, "later", true, &got), 0);
	assert_int_equal(store_publish_due(f->s, now + 200, &n), 0);
	assert_int_equal(n, 0);
}

static void test_cli_put_keeps_stage(void **state)
{
	struct fixture *f = *state;
	struct article a, *got;
	int64_t id;

	/* `dateline article add` only knows DRAFT / PUBLISHED. */
	story(&a, "from-cli", "x");
	a.status = ARTICLE_PUBLISHED;
	assert_int_equal(store_article_put(f->s, &a, &id, NULL), 0);
	assert_int_equal(store_story_get(f->s, f->a, id, &got), 0);
	assert_int_equal(got->status, ARTICLE_PUBLISHED);
	assert_int_equal(got->owner_id, 0);
	a.status = ARTICLE_DRAFT;
	assert_int_equal(store_article_put(f->s, &a, &id, NULL), 0);
	assert_int_equal(store_story_get(f->s, f->a, id, &got), 0);
	assert_int_equal(got->status, ARTICLE_DRAFT);
}

static void test_reaction_series(void **state)
{
	struct fixture *f = *state;
	struct reaction_change ch[2] = {
		{ .reader = "r:1", .op = REACTION_SET, .kind = 4 },
		{ .reader = "r:2", .op = REACTION_SET, .kind = 4 },
	};
	struct article a;
	int64_t id, v, counts[3 * REACTION_KINDS], now = time_now();

	story(&a, "reacted", "x");
	a.status = ARTICLE_PUBLISHED;
	assert_int_equal(save(f->s, &a, 0, &id, &v), 0);
	ch[0].article_id = ch[1].article_id = id;
	assert_int_equal(store_reactions_apply(f->s, ch, 2), 0);
	assert_int_equal(store_reaction_series(f->s, id, now - 2 * 86400 + 10,
					       86400, 3, counts), 0);
	assert_int_equal(counts[2 * REACTION_KINDS + 4] +
			 counts[1 * REACTION_KINDS + 4], 2);
	assert_int_equal(counts[0 * REACTION_KINDS + 4], 0);
	assert_int_equal(store_reaction_series(f->s, id, now, 0, 3, counts),
			 ERR_INVALID);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_diff_large),
		cmocka_unit_test(test_webp_strip),
		T(test_save_and_lock),
		T(test_slug_free_and_list),
		T(test_publish_due),
		T(test_cli_put_keeps_stage),
		T(test_reaction_series),
	};

	return testdb_run_groups(tests);
}
