/*
 * test_ops.c - unit tests for what an operator types and reads: typed
 * option values (src/opts.c: booleans, bounded numbers, the base URL)
 * and the access log formats (src/core/log.c).
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

#include "cli.h"
#include "core/log.h"

static void test_bool(void **state)
{
	static const char *const yes[] = { "1", "true", "TRUE", "yes", "Yes", "on" };
	static const char *const no[] = { "0", "false", "no", "OFF", "off" };
	static const char *const bad[] = { "", "2", "y", "n", "truee", " 1", "onn", "-1" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		assert_int_equal(opt_bool(yes[i]), 1);
	for (i = 0; i < sizeof(no) / sizeof(*no); i++)
		assert_int_equal(opt_bool(no[i]), 0);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(opt_bool(bad[i]), -1);
}

static void test_number(void **state)
{
	long v = 42;

	(void)state;
	assert_int_equal(opt_number("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(opt_number("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(opt_number("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	v = 42;
	assert_int_equal(opt_number("11", 0, 10, &v), -1);
	assert_int_equal(opt_number("-1", 0, 10, &v), -1);
	assert_int_equal(opt_number("", 0, 10, &v), -1);
	assert_int_equal(opt_number("-", 0, 10, &v), -1);
	assert_int_equal(opt_number("1x", 0, 10, &v), -1);
	assert_int_equal(opt_number(" 1", 0, 10, &v), -1);
	assert_int_equal(opt_number("+1", 0, 10, &v), -1);
	assert_int_equal(opt_number("9999999999999999999999", 0, 10, &v), -1);
	assert_int_equal(v, 42);
}

static void base_ok(const char *in, const char *want)
{
	char err[256], *out = NULL;

	if (opt_base_url(in, &out, err, sizeof(err)))
		fail_msg("'%s' refused: %s", in, err);
	assert_string_equal(out, want);
	free(out);
}

static void base_bad(const char *in, const char *reason)
{
	char err[256] = "", *out = NULL;

	assert_int_equal(opt_base_url(in, &out, err, sizeof(err)), -1);
	assert_null(out);
	if (!strstr(err, reason))
		fail_msg("'%s': '%s' lacks '%s'", in, err, reason);
}

static void test_base_url(void **state)
{
	(void)state;
	base_ok("https://news.example.org", "https://news.example.org");
	base_ok("https://news.example.org/", "https://news.example.org");
	base_ok("https://news.example.org///", "https://news.example.org");
	base_ok("HTTP://news.example.org:8080/", "http://news.example.org:8080");
	base_ok("https://example.org/paper/", "https://example.org/paper");
	base_ok("http://[::1]:8080", "http://[::1]:8080");
	base_bad("news.example.org", "not an absolute URL");
	base_bad("ftp://news.example.org", "http or https");
	base_bad("mailto:a@example.org", "");
	base_bad("https://", "");
	base_bad("https://u:p@example.org", "no user, query or fragment");
	base_bad("https://example.org/?x=1", "no user, query or fragment");
	base_bad("https://example.org/#top", "no user, query or fragment");
	base_bad("", "");
}

static void test_log_formats(void **state)
{
	struct access_entry e = {
		.ip = "192.0.2.7", .method = "GET", .uri = "/a?b=\"c\"",
		.protocol = "HTTP/1.1", .referer = "https://example.org/",
		.agent = "Mozilla/5.0 (X11) \"quoted\" \\ \x01\xc3\xa9",
		.status = 200, .bytes = 1234, .ms = 1.5,
	};
	char line[4096];
	size_t n;

	(void)state;
	/* 2026-12-06T22:32:18Z */
	n = log_access_format(line, sizeof(line), LOG_COMBINED, &e, 1796596338LL);
	assert_int_equal(n, strlen(line));
	assert_string_equal(line, "192.0.2.7 - - [06/Dec/2026:22:32:18 +0000] "
		"\"GET /a?b=\\x22c\\x22 HTTP/1.1\" 200 1234 "
		"\"https://example.org/\" "
		"\"Mozilla/5.0 (X11) \\x22quoted\\x22 \\x5C \\x01\\xC3\\xA9\"");
	n = log_access_format(line, sizeof(line), LOG_JSON, &e, 1796596338LL);
	assert_string_equal(line, "{\"time\":\"2026-12-06T22:32:18Z\","
		"\"remote_addr\":\"192.0.2.7\",\"method\":\"GET\","
		"\"uri\":\"/a?b=\\u0022c\\u0022\",\"protocol\":\"HTTP/1.1\","
		"\"status\":200,\"bytes\":1234,\"duration_ms\":1.50,"
		"\"referer\":\"https://example.org/\",\"user_agent\":"
		"\"Mozilla/5.0 (X11) \\u0022quoted\\u0022 \\u005c \\u0001\\u00c3\\u00a9\"}");
	e.referer = NULL;
	e.agent = NULL;
	n = log_access_format(line, sizeof(line), LOG_SHORT, &e, 1796596338LL);
	assert_string_equal(line, "2026-12-06T22:32:18Z 192.0.2.7 \"GET /a?b=\"c\"\" 200 1234 1.50ms");
	n = log_access_format(line, sizeof(line), LOG_COMBINED, &e, 1796596338LL);
	assert_non_null(strstr(line, "1234 \"-\" \"-\""));
	/* a small buffer: cut, never overrun, NUL-terminated */
	n = log_access_format(line, 20, LOG_JSON, &e, 1796596338LL);
	assert_true(n < 20);
	assert_int_equal(strlen(line), n);
	assert_int_equal(log_format_from_name("combined"), LOG_COMBINED);
	assert_int_equal(log_format_from_name("json"), LOG_JSON);
	assert_int_equal(log_format_from_name("short"), LOG_SHORT);
	assert_int_equal(log_format_from_name("apache"), -1);
}

/* Lines in @path containing @needle. */
static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* Two format strings 64 x 8 bytes apart (see test_log_repeats). */
static char colliding[2][64 * 8] = { "colliding site A %d", "colliding site B %d" };

static void test_log_repeats(void **state)
{
	char path[] = "/tmp/dateline-test-log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2), i;

	(void)state;
	assert_true(fd >= 0);
	dup2(fd, 2);
	log_set_repeat(1, 3);
	for (i = 0; i < 50; i++)
		log_err("disk full writing '%s'", "x.db");
	log_warn("another call site");
	/*
	 * Call sites whose format strings share a hash slot (64 slots, the
	 * pointer's bits from 3 up: 64 * 8 bytes apart) are throttled each
	 * on its own, not let through because they take turns.
	 */
	for (i = 0; i < 40; i++) {
		log_err(&colliding[0][0], i);
		log_err(&colliding[1][0], i);
	}
	log_info("info is never throttled %d", 1);
	log_info("info is never throttled %d", 2);
	log_info("info is never throttled %d", 3);
	log_info("info is never throttled %d", 4);
	sleep(2);
	log_err("disk full writing '%s'", "x.db");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_int_equal(count_lines(path, "disk full"), 4);
	assert_int_equal(count_lines(path, "(and 47 more like this in the last"
				     " 1 s, not shown)"), 1);
	assert_int_equal(count_lines(path, "another call site"), 1);
	assert_int_equal(count_lines(path, "never throttled"), 4);
	assert_int_equal(count_lines(path, "colliding site"), 2 * 3);
	log_set_repeat(LOG_REPEAT_S, LOG_REPEAT_BURST);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_base_url),
		cmocka_unit_test(test_log_formats),
		cmocka_unit_test(test_log_repeats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
