/*
 * test_router.c - unit tests for src/http/router.c: literal segments,
 * ":name" parameters, the final "*", trailing slashes, HEAD on GET routes,
 * and telling 405 from 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "http/router.h"

/* The handler field only identifies the route in these tests. */
static int h_home, h_section, h_tag, h_static, h_media, h_article, h_files,
	h_post, h_put_article, h_nine;

/* A caller's table entry: its struct route first, then its own fields. */
struct test_route {
	struct route route;
	const int *handler;
};

static const struct test_route routes[] = {
	{ { HTTP_GET, "/" }, &h_home },
	{ { HTTP_GET, "/section/:slug/" }, &h_section },
	{ { HTTP_GET, "/tag/:slug/" }, &h_tag },
	{ { HTTP_GET, "/static/:name" }, &h_static },
	{ { HTTP_GET, "/media/:key" }, &h_media },
	{ { HTTP_GET, "/files/*" }, &h_files },
	{ { HTTP_POST, "/admin/articles" }, &h_post },
	{ { HTTP_PUT, "/admin/articles/:slug" }, &h_put_article },
	{ { HTTP_GET, "/:section/:year/:month/:day/:slug/" }, &h_article },
};
#define NROUTES (sizeof(routes) / sizeof(*routes))

/* The router over @n entries of @table. */
static int match_in(const struct test_route *table, size_t n,
		    enum http_method m, const char *path,
		    struct route_match *out)
{
	return router_match(&table->route, n, sizeof(*table), m, path, out);
}

/* The handler field of the entry that matched. */
static const void *handler_of(const struct route_match *m)
{
	return ((const struct test_route *)m->route)->handler;
}

static const void *match(enum http_method m, const char *path,
			 struct route_match *out)
{
	memset(out, 0x5A, sizeof(*out));
	if (match_in(routes, NROUTES, m, path, out))
		return NULL;
	assert_non_null(out->route);
	return handler_of(out);
}

static void assert_param(const struct route_match *m, size_t i, const char *want)
{
	assert_true(i < m->nparams);
	assert_int_equal(m->params[i].len, strlen(want));
	assert_memory_equal(m->params[i].p, want, strlen(want));
}

static void test_literal(void **state)
{
	struct route_match m;

	(void)state;
	assert_ptr_equal(match(HTTP_GET, "/", &m), &h_home);
	assert_int_equal(m.nparams, 0);
	assert_false(m.wrong_method);
	assert_ptr_equal(match(HTTP_POST, "/admin/articles", &m), &h_post);
	assert_int_equal(m.nparams, 0);
	assert_null(match(HTTP_GET, "", &m));
	assert_null(match(HTTP_GET, "//", &m));
	assert_null(match(HTTP_POST, "/admin/article", &m));
	assert_null(match(HTTP_POST, "/admin/articlesx", &m));
	assert_null(match(HTTP_GET, "/section", &m));
}

static void test_params(void **state)
{
	struct route_match m;

	(void)state;
	assert_ptr_equal(match(HTTP_GET, "/section/world/", &m), &h_section);
	assert_int_equal(m.nparams, 1);
	assert_param(&m, 0, "world");

	assert_ptr_equal(match(HTTP_GET, "/static/site-3fa2c1d07b.css", &m),
			 &h_static);
	assert_param(&m, 0, "site-3fa2c1d07b.css");

	assert_ptr_equal(match(HTTP_GET, "/world/2026/11/20/harbour-cranes/", &m),
			 &h_article);
	assert_int_equal(m.nparams, 5);
	assert_param(&m, 0, "world");
	assert_param(&m, 1, "2026");
	assert_param(&m, 2, "11");
	assert_param(&m, 3, "20");
	assert_param(&m, 4, "harbour-cranes");

	/* Parameters are slices of the path, not copies. */
	{
		const char *path = "/tag/ports/";

		assert_ptr_equal(match(HTTP_GET, path, &m), &h_tag);
		assert_ptr_equal(m.params[0].p, path + 5);
	}
}

static void test_params_never_empty_nor_span_slash(void **state)
{
	struct route_match m;

	(void)state;
	assert_null(match(HTTP_GET, "/section//", &m));
	assert_null(match(HTTP_GET, "/static/", &m));
	assert_null(match(HTTP_GET, "/media/a/b", &m));
	/* One segment too few or too many for the article route. */
	assert_null(match(HTTP_GET, "/world/2026/11/20/", &m));
	assert_null(match(HTTP_GET, "/world/2026/11/20/slug/extra/", &m));
	assert_null(match(HTTP_GET, "/world/2026//20/slug/", &m));
	assert_int_equal(m.nparams, 0);
}

static void test_rest(void **state)
{
	struct route_match m;

	(void)state;
	assert_ptr_equal(match(HTTP_GET, "/files/a/b/c.txt", &m), &h_files);
	assert_int_equal(m.nparams, 1);
	assert_param(&m, 0, "a/b/c.txt");
	assert_ptr_equal(match(HTTP_GET, "/files/x", &m), &h_files);
	assert_param(&m, 0, "x");
	assert_ptr_equal(match(HTTP_GET, "/files/dir/", &m), &h_files);
	assert_param(&m, 0, "dir/");
	/* The rest must not be empty. */
	assert_null(match(HTTP_GET, "/files/", &m));
	assert_null(match(HTTP_GET, "/files", &m));
}

static void test_rest_only_at_end(void **state)
{
	static int h_star;
	static const struct test_route mid[] = {
		{ { HTTP_GET, "/a/*/b" }, &h_star },
	};
	struct route_match m;

	(void)state;
	/* '*' in the middle of a pattern is a literal character. */
	assert_int_equal(match_in(mid, 1, HTTP_GET, "/a/*/b", &m), 0);
	assert_int_equal(m.nparams, 0);
	assert_int_equal(match_in(mid, 1, HTTP_GET, "/a/x/b", &m),
			 ERR_NOTFOUND);
}

static void test_trailing_slash_significant(void **state)
{
	struct route_match m;

	(void)state;
	assert_null(match(HTTP_GET, "/section/world", &m));
	assert_false(m.wrong_method);
	assert_null(match(HTTP_GET, "/world/2026/11/20/harbour-cranes", &m));
	assert_null(match(HTTP_GET, "/static/site.css/", &m));
	assert_null(match(HTTP_GET, "/media/k.jpg/", &m));
	assert_null(match(HTTP_POST, "/admin/articles/", &m));
}

static void test_head_matches_get(void **state)
{
	struct route_match m;

	(void)state;
	assert_ptr_equal(match(HTTP_HEAD, "/", &m), &h_home);
	assert_ptr_equal(match(HTTP_HEAD, "/section/world/", &m), &h_section);
	assert_param(&m, 0, "world");
	/* HEAD only borrows GET routes, not others. */
	assert_null(match(HTTP_HEAD, "/admin/articles", &m));
	assert_true(m.wrong_method);
}

static void test_wrong_method_vs_not_found(void **state)
{
	struct route_match m;

	(void)state;
	assert_int_equal(match_in(routes, NROUTES, HTTP_POST, "/", &m),
				  ERR_NOTFOUND);
	assert_null(m.route);
	assert_true(m.wrong_method);
	assert_int_equal(m.nparams, 0);

	assert_int_equal(match_in(routes, NROUTES, HTTP_GET,
				  "/admin/articles", &m), ERR_NOTFOUND);
	assert_true(m.wrong_method);
	assert_int_equal(match_in(routes, NROUTES, HTTP_DELETE,
				  "/admin/articles/slug", &m), ERR_NOTFOUND);
	assert_true(m.wrong_method);

	assert_int_equal(match_in(routes, NROUTES, HTTP_GET, "/nope", &m),
				  ERR_NOTFOUND);
	assert_null(m.route);
	assert_false(m.wrong_method);

	assert_int_equal(match_in(routes, NROUTES, HTTP_PUT,
				  "/admin/articles/abc", &m), 0);
	assert_ptr_equal(handler_of(&m), &h_put_article);
	assert_param(&m, 0, "abc");
}

static void test_first_match_wins(void **state)
{
	struct route_match m;

	(void)state;
	/* "/section/x/" would not fit the article route anyway; but a
	 * five-segment path under /tag/ is an article, not a tag page. */
	assert_ptr_equal(match(HTTP_GET, "/tag/2026/11/20/s/", &m), &h_article);
	assert_param(&m, 0, "tag");
	/* A GET route listed after a non-matching POST route of the same
	 * path is still found. */
	{
		static int h_get;
		static const struct test_route two[] = {
			{ { HTTP_POST, "/x" }, &h_post },
			{ { HTTP_GET, "/x" }, &h_get },
		};

		assert_int_equal(match_in(two, 2, HTTP_GET, "/x", &m), 0);
		assert_ptr_equal(handler_of(&m), &h_get);
		assert_int_equal(match_in(two, 2, HTTP_HEAD, "/x", &m), 0);
		assert_ptr_equal(handler_of(&m), &h_get);
	}
}

static void test_param_limit(void **state)
{
	static const struct test_route many[] = {
		{ { HTTP_GET, "/:a/:b/:c/:d/:e/:f/:g/:h/:i" }, &h_nine },
		{ { HTTP_GET, "/:a/:b/:c/:d/:e/:f/:g/:h" }, &h_nine },
	};
	struct route_match m;

	(void)state;
	/* Nine parameters do not fit: the route cannot match. */
	assert_int_equal(match_in(many, 1, HTTP_GET, "/1/2/3/4/5/6/7/8/9",
				  &m), ERR_NOTFOUND);
	assert_int_equal(match_in(many, 2, HTTP_GET, "/1/2/3/4/5/6/7/8",
				  &m), 0);
	assert_int_equal(m.nparams, ROUTE_MAX_PARAMS);
	assert_param(&m, 7, "8");
	assert_int_equal(router_match(NULL, 0, sizeof(struct route), HTTP_GET,
				      "/", &m), ERR_NOTFOUND);
	assert_false(m.wrong_method);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_params_never_empty_nor_span_slash),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_rest_only_at_end),
		cmocka_unit_test(test_trailing_slash_significant),
		cmocka_unit_test(test_head_matches_get),
		cmocka_unit_test(test_wrong_method_vs_not_found),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_param_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
