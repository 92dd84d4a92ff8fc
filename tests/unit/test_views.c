/*
 * test_views.c - page views (src/site/views.c, src/store/store_views.c)
 * on SQLite and, with $DATELINE_TEST_PG, PostgreSQL (testdb.h): which
 * User-Agents are people's browsers, counts kept in memory and added to
 * the store by the counting thread (and by its last flush when stopped),
 * a story deleted before the flush skipped, the most read list (published
 * stories only, most first) and a story's views by day.
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
#include "core/timeutil.h"
#include "site/views.h"
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

static int64_t story(const char *slug, enum article_status status)
{
	struct article art = { .slug = slug, .headline = slug, .body = "Text.",
			       .section = "World", .section_slug = "world",
			       .author = "Ann", .status = status,
			       .published = time_now() - 60 };
	int64_t id = 0;

	assert_int_equal(store_article_put(s, &art, &id, NULL), 0);
	return id;
}

static void test_robots(void **state)
{
	static const char *const people[] = {
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like"
		" Gecko) Chrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0)"
		" Gecko/20100101 Firefox/121.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)"
		" AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1"
		" Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
		" (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
		" Edg/120.0.0.0",
		"Opera/9.80 (Android; Opera Mini/7.5.33361/31.1448; U; en)"
		" Presto/2.8.119 Version/11.1010",
	};
	static const char *const robots[] = {
		"", "curl/8.5.0", "Wget/1.21", "python-requests/2.31",
		"Mozilla/5.0 (compatible; Googlebot/2.1;"
		" +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0;"
		" +http://www.bing.com/bingbot.htm)",
		"facebookexternalhit/1.1", "Slackbot-LinkExpanding 1.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML,"
		" like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (compatible; YandexBot/3.0)",
		"Mozilla/5.0 (compatible; UptimeRobot/2.0)",
		"Mozilla/5.0 (Windows NT 10.0) Chrome-Lighthouse",
		"Feedly/1.0 (+http://www.feedly.com/fetcher.html)",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible;"
		" GPTBot/1.0)",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(people) / sizeof(*people); i++)
		assert_false(views_robot(people[i]));
	for (i = 0; i < sizeof(robots) / sizeof(*robots); i++)
		if (!views_robot(robots[i]))
			fail_msg("not taken for a robot: %s", robots[i]);
	assert_true(views_robot(NULL));
}

static void test_counted_and_flushed(void **state)
{
	int64_t one = story("one", ARTICLE_PUBLISHED);
	int64_t two = story("two", ARTICLE_PUBLISHED);
	int64_t gone = story("gone", ARTICLE_PUBLISHED);
	struct views *v = views_start(s, 50, NULL, NULL);
	char sql[160];
	int i;

	(void)state;
	assert_non_null(v);
	for (i = 0; i < 5; i++)
		views_add(v, one);
	views_add(v, two);
	views_add(v, 0);	/* not a story: ignored */
	/* The thread flushes every 50 ms. */
	snprintf(sql, sizeof(sql), "SELECT views FROM page_views WHERE"
		 " article_id = %lld", (long long)one);
	for (i = 0; i < 100 && testdb_int(url, sql) != 5; i++)
		usleep(20000);
	assert_int_equal(testdb_int(url, sql), 5);
	/* More views of the same day add to its row. */
	views_add(v, one);
	views_add(v, gone);
	snprintf(sql, sizeof(sql), "DELETE FROM articles WHERE id = %lld",
		 (long long)gone);
	testdb_sql(url, sql);
	views_stop(v);		/* the last flush */
	snprintf(sql, sizeof(sql), "SELECT views FROM page_views WHERE"
		 " article_id = %lld", (long long)one);
	assert_int_equal(testdb_int(url, sql), 6);
	assert_int_equal(testdb_int(url, "SELECT count(*) FROM page_views"), 2);
}

static void test_most_read(void **state)
{
	int64_t one = story("one", ARTICLE_PUBLISHED);
	int64_t two = story("two", ARTICLE_PUBLISHED);
	int64_t draft = story("draft", ARTICLE_DRAFT);
	int64_t today = time_now() / 86400, per[3];
	int64_t ids[] = { one, two, draft }, counts[] = { 3, 7, 50 };
	int64_t old[] = { one }, many[] = { 100 }, *views;
	struct article_list list;

	(void)state;
	assert_int_equal(store_views_add(s, today, ids, counts, 3), 0);
	assert_int_equal(store_views_add(s, today - 10, old, many, 1), 0);
	assert_int_equal(store_most_read(s, a, today - 1, 5, &list, &views), 0);
	assert_int_equal(list.n, 2);	/* not the draft */
	assert_int_equal(list.items[0].id, two);
	assert_int_equal(views[0], 7);
	assert_int_equal(list.items[1].id, one);
	assert_int_equal(views[1], 3);
	/* Ten days back, the old views put "one" first. */
	assert_int_equal(store_most_read(s, a, today - 10, 1, &list, &views), 0);
	assert_int_equal(list.n, 1);
	assert_int_equal(list.items[0].id, one);
	assert_int_equal(views[0], 103);
	assert_int_equal(store_views_days(s, one, today - 2, 3, per), 0);
	assert_int_equal(per[0], 0);
	assert_int_equal(per[1], 0);
	assert_int_equal(per[2], 3);
	assert_int_equal(store_most_read(s, a, today, 0, &list, &views),
			 ERR_INVALID);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_robots),
		T(test_counted_and_flushed),
		T(test_most_read),
	};

	return testdb_run_groups(tests);
}
