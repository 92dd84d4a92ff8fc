/*
 * test_store_import.c - unit tests for src/store/store_import.c on SQLite
 * and, with $DATELINE_TEST_PG, PostgreSQL (testdb.h): the import map, the
 * redirects (keys without trailing slashes, chains followed, refusals)
 * and imported comments (threads, the depth clamp, guests, held ones,
 * a second import refreshing instead of adding).
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
#include "store/store.h"
#include "testdb.h"

static struct store *s;
static struct arena *a;
static char dir[64], url[256];

static int setup(void **state)
{
	(void)state;
	return testdb_store_open(&s, &a, dir, url);
}

static int teardown(void **state)
{
	(void)state;
	testdb_store_close(s, a, dir, url);
	return 0;
}

static void test_map(void **state)
{
	int64_t id = 0;

	(void)state;
	assert_int_equal(store_import_find(s, "http://old", IMPORT_POST, 7, &id),
			 ERR_NOTFOUND);
	assert_int_equal(store_import_note(s, "http://old", IMPORT_POST, 7, 70), 0);
	assert_int_equal(store_import_note(s, "http://other", IMPORT_POST, 7, 71), 0);
	assert_int_equal(store_import_note(s, "http://old", IMPORT_POST, 7, 72), 0);
	assert_int_equal(store_import_find(s, "http://old", IMPORT_POST, 7, &id), 0);
	assert_int_equal(id, 72);
	assert_int_equal(store_import_find(s, "http://other", IMPORT_POST, 7, &id), 0);
	assert_int_equal(id, 71);
	assert_int_equal(store_import_find(s, "http://old", IMPORT_COMMENT, 7, &id),
			 ERR_NOTFOUND);
}

static void test_redirects(void **state)
{
	const char *to = NULL;

	(void)state;
	assert_int_equal(store_redirect_set(s, "/2011/01/post/", "/news/a/"), 0);
	assert_int_equal(store_redirect_get(s, a, "/2011/01/post", &to), 0);
	assert_string_equal(to, "/news/a/");
	assert_int_equal(store_redirect_get(s, a, "/2011/01/post//", &to), 0);
	assert_int_equal(store_redirect_set(s, "/?p=5", "/news/a/"), 0);
	assert_int_equal(store_redirect_get(s, a, "/?p=5", &to), 0);
	assert_int_equal(store_redirect_get(s, a, "/?p=6", &to), ERR_NOTFOUND);
	/* The story moves on: the older addresses follow it. */
	assert_int_equal(store_redirect_set(s, "/news/a/", "/world/b/"), 0);
	assert_int_equal(store_redirect_get(s, a, "/2011/01/post/", &to), 0);
	assert_string_equal(to, "/world/b/");
	assert_int_equal(store_redirect_get(s, a, "/?p=5", &to), 0);
	assert_string_equal(to, "/world/b/");
	assert_int_equal(store_redirect_set(s, "relative", "/x/"), ERR_INVALID);
	assert_int_equal(store_redirect_set(s, "/x/", "/x"), ERR_INVALID);
	assert_int_equal(store_redirect_set(s, "/x/", ""), ERR_INVALID);
	assert_int_equal(store_redirect_get(s, a, "", &to), ERR_NOTFOUND);
}

static int64_t story(void)
{
	struct article art = { .slug = "threads", .headline = "Threads",
			       .body = "Body.", .status = ARTICLE_PUBLISHED,
			       .published = 1577836800 };
	int64_t id = 0;

	assert_int_equal(store_article_put(s, &art, &id, NULL), 0);
	return id;
}

static int64_t comment(int64_t article, int64_t wp_id, int64_t parent,
		       bool held)
{
	struct comment_import ci = {
		.source = "http://old", .wp_id = wp_id, .article_id = article,
		.parent_id = parent, .max_depth = 2,
		.guest_name = "Guest", .guest_email = "g@example.org",
		.body = "Text.", .html = "<p>Text.</p>\n", .body_hash = "h",
		.held = held, .created = 1577836800 + wp_id,
	};
	int64_t id = 0;

	assert_int_equal(store_comment_import(s, &ci, &id), 0);
	assert_true(id > 0);
	return id;
}

static void test_comments(void **state)
{
	int64_t art = story(), c1, c2, c3, c4, again, map = 0;
	char sql[160];

	(void)state;
	c1 = comment(art, 1, 0, false);
	c2 = comment(art, 2, c1, false);
	c3 = comment(art, 3, c2, false);
	c4 = comment(art, 4, c3, true);		/* too deep: joins c2 */
	snprintf(sql, sizeof(sql), "SELECT depth * 1000 + coalesce(parent_id, 0)"
		 " FROM comments WHERE id = %lld", (long long)c3);
	assert_int_equal(testdb_int(url, sql), 2000 + c2);
	snprintf(sql, sizeof(sql), "SELECT depth * 1000 + coalesce(parent_id, 0)"
		 " FROM comments WHERE id = %lld", (long long)c4);
	assert_int_equal(testdb_int(url, sql), 2000 + c2);
	snprintf(sql, sizeof(sql), "SELECT root_id FROM comments WHERE id = %lld",
		 (long long)c4);
	assert_int_equal(testdb_int(url, sql), c1);
	snprintf(sql, sizeof(sql), "SELECT comment_count FROM articles WHERE id"
		 " = %lld", (long long)art);
	assert_int_equal(testdb_int(url, sql), 3);	/* c4 is held */
	assert_int_equal(testdb_int(url, "SELECT count(*) FROM comments WHERE"
				    " guest_name = 'Guest' AND account_id IS NULL"), 4);
	/* Imported again: found, not added. */
	again = comment(art, 3, c2, false);
	assert_int_equal(again, c3);
	assert_int_equal(testdb_int(url, "SELECT count(*) FROM comments"), 4);
	assert_int_equal(store_import_find(s, "http://old", IMPORT_COMMENT, 4, &map), 0);
	assert_int_equal(map, c4);
	/* A parent that is not the article's makes a top-level comment. */
	snprintf(sql, sizeof(sql), "SELECT depth FROM comments WHERE id = %lld",
		 (long long)comment(art, 9, 999999, false));
	assert_int_equal(testdb_int(url, sql), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_map),
		T(test_redirects),
		T(test_comments),
	};

	return testdb_run_groups(tests);
}
