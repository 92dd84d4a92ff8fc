/*
 * test_http.c - unit tests for the request-level helpers of src/http that
 * need no connection: query and form parameters, Accept-Encoding
 * negotiation, If-None-Match, and the static-asset MIME types and hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/http.h"
#include "http/static.h"

static struct arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = arena_new(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(arena);
	return 0;
}

static struct http_request request(const char *query)
{
	struct http_request req = { .arena = arena, .method = HTTP_GET };

	req.query = query ? str_from(query) : STR_NULL;
	buf_init(&req.body, arena, 1024);
	return req;
}

static void test_query_basic(void **state)
{
	struct http_request req = request("a=1&b=two+words&c=%41%42&empty=&flag");

	(void)state;
	assert_string_equal(http_query(&req, "a"), "1");
	assert_string_equal(http_query(&req, "b"), "two words");
	assert_string_equal(http_query(&req, "c"), "AB");
	assert_string_equal(http_query(&req, "empty"), "");
	/* A name without '=' is present with an empty value. */
	assert_string_equal(http_query(&req, "flag"), "");
	assert_null(http_query(&req, "missing"));
	/* Whole names only: neither prefixes nor suffixes match. */
	assert_null(http_query(&req, "fla"));
	assert_null(http_query(&req, "flags"));
	assert_null(http_query(&req, ""));
}

static void test_query_order_and_empty_parts(void **state)
{
	struct http_request req = request("&&before=1.2&before=9.9&&x=%3D&");

	(void)state;
	/* The first occurrence wins. */
	assert_string_equal(http_query(&req, "before"), "1.2");
	/* An encoded '=' in a value is data. */
	assert_string_equal(http_query(&req, "x"), "=");
	/* Only the first '=' separates. */
	req = request("k=a=b");
	assert_string_equal(http_query(&req, "k"), "a=b");
}

static void test_query_encoded_names(void **state)
{
	struct http_request req = request("%62efore=5&my+key=v&%zz=1&ok=2");

	(void)state;
	assert_string_equal(http_query(&req, "before"), "5");
	assert_string_equal(http_query(&req, "my key"), "v");
	/* A malformed name is skipped, not fatal for the others. */
	assert_string_equal(http_query(&req, "ok"), "2");
}

static void test_query_malformed_values(void **state)
{
	struct http_request req = request("a=%zz&b=%4&c=%00&d=ok");

	(void)state;
	assert_null(http_query(&req, "a"));
	assert_null(http_query(&req, "b"));
	assert_null(http_query(&req, "c"));
	assert_string_equal(http_query(&req, "d"), "ok");
}

static void test_query_absent_or_bounded(void **state)
{
	struct http_request req = request(NULL);

	(void)state;
	assert_null(http_query(&req, "a"));
	req = request("");
	assert_null(http_query(&req, "a"));
	/* Only query.len bytes are the query. */
	req.query = (struct str){ "a=1&b=2", 3 };
	assert_string_equal(http_query(&req, "a"), "1");
	assert_null(http_query(&req, "b"));
	req.query = (struct str){ "a=123", 4 };
	assert_string_equal(http_query(&req, "a"), "12");
}

static void test_form(void **state)
{
	struct http_request req = request(NULL);

	(void)state;
	assert_null(http_form(&req, "x"));
	buf_adds(&req.body, "headline=Cranes+%26+ships&status=published");
	assert_string_equal(http_form(&req, "headline"), "Cranes & ships");
	assert_string_equal(http_form(&req, "status"), "published");
	assert_null(http_form(&req, "slug"));
	/* No connection: no headers, no cookies. */
	assert_null(http_header(&req, "Cookie"));
	assert_null(http_cookie(&req, "session"));
}

static void test_accepts_basic(void **state)
{
	(void)state;
	assert_false(http_accepts(NULL, "gzip"));
	assert_false(http_accepts("", "gzip"));
	assert_true(http_accepts("gzip", "gzip"));
	assert_true(http_accepts("gzip, deflate, br", "gzip"));
	assert_true(http_accepts("deflate,gzip", "gzip"));
	assert_true(http_accepts("  br ,  gzip  ", "gzip"));
	assert_false(http_accepts("deflate, br", "gzip"));
	assert_false(http_accepts("identity", "gzip"));
	/* Whole tokens only. */
	assert_false(http_accepts("x-gzip", "gzip"));
	assert_false(http_accepts("gzipped", "gzip"));
	assert_false(http_accepts("gzi", "gzip"));
}

static void test_accepts_case(void **state)
{
	(void)state;
	assert_true(http_accepts("GZIP", "gzip"));
	assert_true(http_accepts("GZip;Q=1", "gzip"));
	assert_false(http_accepts("gzip;Q=0", "gzip"));
}

static void test_accepts_q(void **state)
{
	(void)state;
	assert_false(http_accepts("gzip;q=0", "gzip"));
	assert_false(http_accepts("gzip; q=0.000", "gzip"));
	assert_false(http_accepts("gzip ; q=0", "gzip"));
	assert_false(http_accepts("br, gzip;q=0, deflate", "gzip"));
	assert_true(http_accepts("gzip;q=0.5", "gzip"));
	assert_true(http_accepts("gzip;q=1.0", "gzip"));
	assert_true(http_accepts("gzip;q=0.001", "gzip"));
	/* Other parameters around q are skipped. */
	assert_false(http_accepts("gzip;level=9;q=0", "gzip"));
	assert_true(http_accepts("gzip;level=9", "gzip"));
	/* A malformed q reads as 0: not accepted. */
	assert_false(http_accepts("gzip;q=zero", "gzip"));
	/* The q of another coding does not leak. */
	assert_true(http_accepts("br;q=0, gzip", "gzip"));
}

static void test_accepts_star(void **state)
{
	(void)state;
	assert_true(http_accepts("*", "gzip"));
	assert_true(http_accepts("br, *;q=0.1", "gzip"));
	assert_false(http_accepts("*;q=0", "gzip"));
	/* An explicit entry beats "*", whichever comes first. */
	assert_false(http_accepts("gzip;q=0, *", "gzip"));
	assert_false(http_accepts("*, gzip;q=0", "gzip"));
	assert_true(http_accepts("*;q=0, gzip", "gzip"));
	assert_true(http_accepts("gzip, *;q=0", "gzip"));
}

static void test_etag_match(void **state)
{
	(void)state;
	assert_false(http_etag_match(NULL, "\"abc\""));
	assert_false(http_etag_match("\"abc\"", NULL));
	assert_false(http_etag_match("", "\"abc\""));
	assert_true(http_etag_match("\"abc\"", "\"abc\""));
	assert_false(http_etag_match("\"abd\"", "\"abc\""));
	assert_false(http_etag_match("\"ab\"", "\"abc\""));
	assert_false(http_etag_match("\"abcd\"", "\"abc\""));
	/* Unquoted is a different tag. */
	assert_false(http_etag_match("abc", "\"abc\""));
}

static void test_etag_weak(void **state)
{
	(void)state;
	/* Weak comparison: W/ on either side is ignored. */
	assert_true(http_etag_match("W/\"abc\"", "\"abc\""));
	assert_true(http_etag_match("\"abc\"", "W/\"abc\""));
	assert_true(http_etag_match("W/\"abc\"", "W/\"abc\""));
	assert_false(http_etag_match("W/\"abd\"", "\"abc\""));
}

static void test_etag_lists(void **state)
{
	(void)state;
	assert_true(http_etag_match("\"x\", \"abc\"", "\"abc\""));
	assert_true(http_etag_match("\"x\",\"abc\"", "\"abc\""));
	assert_true(http_etag_match("\"abc\" , \"x\"", "\"abc\""));
	assert_true(http_etag_match("\"x\", W/\"abc\"\t", "\"abc\""));
	assert_false(http_etag_match("\"x\", \"y\", \"z\"", "\"abc\""));
	assert_false(http_etag_match(",,,", "\"abc\""));
	assert_false(http_etag_match("\"x\",", "\"abc\""));
}

static void test_etag_star(void **state)
{
	(void)state;
	assert_true(http_etag_match("*", "\"abc\""));
	assert_true(http_etag_match(" *", "W/\"abc\""));
}

static void test_mime_type(void **state)
{
	static const struct {
		const char *name, *type;
	} cases[] = {
		{ "site.css", "text/css; charset=utf-8" },
		{ "app.js", "text/javascript; charset=utf-8" },
		{ "logo.svg", "image/svg+xml" },
		{ "a.png", "image/png" },
		{ "a.jpg", "image/jpeg" },
		{ "a.jpeg", "image/jpeg" },
		{ "a.webp", "image/webp" },
		{ "favicon.ico", "image/x-icon" },
		{ "font.woff2", "font/woff2" },
		{ "robots.txt", "text/plain; charset=utf-8" },
		{ "manifest.json", "application/json" },
		{ "offline.html", "text/html; charset=utf-8" },
		{ "site-3fa2c1d07b.css", "text/css; charset=utf-8" },
		{ "README", "application/octet-stream" },
		{ "archive.tar.gz", "application/octet-stream" },
		{ "font.woff", "application/octet-stream" },
		{ "dir.d/file", "application/octet-stream" },
		{ "trailing.", "application/octet-stream" },
		{ "", "application/octet-stream" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		assert_string_equal(mime_type(cases[i].name), cases[i].type);
}

static void test_content_hash(void **state)
{
	char h1[11], h2[11];
	const char *css = "body { color: red }";
	size_t i;

	(void)state;
	/* BLAKE2b with an 8-byte digest, first 5 bytes in lower-case hex. */
	content_hash("abc", 3, h1);
	assert_string_equal(h1, "d8bb14d833");
	content_hash("", 0, h1);
	assert_string_equal(h1, "e4a6a05774");
	content_hash(css, strlen(css), h1);
	assert_string_equal(h1, "25428a09d7");
	content_hash(css, strlen(css), h2);
	assert_string_equal(h1, h2);
	content_hash(css, strlen(css) - 1, h2);
	assert_string_not_equal(h1, h2);
	assert_int_equal(strlen(h1), 10);
	for (i = 0; i < 10; i++)
		assert_non_null(strchr("0123456789abcdef", h1[i]));
}

static void test_forwarded_for(void **state)
{
	char a[16];

	(void)state;
	memset(a, 0, sizeof(a));
	assert_false(http_forwarded_for(NULL, a, sizeof(a)));
	assert_true(http_forwarded_for("203.0.113.1", a, sizeof(a)));
	assert_string_equal(a, "203.0.113.1");
	/* The proxy's entry is the last: the client's own come first. */
	assert_true(http_forwarded_for("1.2.3.4, 5.6.7.8 ", a, sizeof(a)));
	assert_string_equal(a, "5.6.7.8");
	assert_true(http_forwarded_for("x,::1", a, sizeof(a)));
	assert_string_equal(a, "::1");
	snprintf(a, sizeof(a), "kept");
	assert_false(http_forwarded_for("", a, sizeof(a)));
	assert_false(http_forwarded_for("1.2.3.4,", a, sizeof(a)));
	assert_false(http_forwarded_for("<script>", a, sizeof(a)));
	assert_false(http_forwarded_for("1.2.3.4 5.6.7.8", a, sizeof(a)));
	assert_false(http_forwarded_for("2001:0db8:0000:0000:0000:ff00:0042:8329",
					a, sizeof(a)));	/* longer than @a */
	assert_string_equal(a, "kept");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_query_basic),
		T(test_query_order_and_empty_parts),
		T(test_query_encoded_names),
		T(test_query_malformed_values),
		T(test_query_absent_or_bounded),
		T(test_form),
		cmocka_unit_test(test_accepts_basic),
		cmocka_unit_test(test_accepts_case),
		cmocka_unit_test(test_accepts_q),
		cmocka_unit_test(test_accepts_star),
		cmocka_unit_test(test_etag_match),
		cmocka_unit_test(test_etag_weak),
		cmocka_unit_test(test_etag_lists),
		cmocka_unit_test(test_etag_star),
		cmocka_unit_test(test_mime_type),
		cmocka_unit_test(test_content_hash),
		cmocka_unit_test(test_forwarded_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
