/*
 * test_core.c - unit tests for src/core: the arena, buffers and slices,
 * escaping and decoding, slugs, UTF-8 checks and time parsing/formatting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/timeutil.h"

/* ---- arena ---- */

static void test_arena_alignment(void **state)
{
	struct arena *a = arena_new(0);
	size_t sizes[] = { 1, 3, 7, 8, 13, 16, 31, 100, 255, 1 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *p = arena_alloc(a, sizes[i]);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		memset(p, 0xAB, sizes[i]);
	}
	arena_free(a);
}

static void test_arena_distinct_blocks(void **state)
{
	struct arena *a = arena_new(256);
	char *p = arena_alloc(a, 10), *q = arena_alloc(a, 10);
	char *z1 = arena_alloc(a, 0), *z2 = arena_alloc(a, 0);

	(void)state;
	assert_true(q >= p + 10);
	/* n == 0 still gives a valid, unique pointer. */
	assert_non_null(z1);
	assert_non_null(z2);
	assert_ptr_not_equal(z1, z2);
	assert_ptr_not_equal(z1, q);
	arena_free(a);
}

static void test_arena_big_allocation(void **state)
{
	struct arena *a = arena_new(256);
	unsigned char *big, *small;
	size_t i;

	(void)state;
	small = arena_alloc(a, 16);
	memset(small, 1, 16);
	big = arena_alloc(a, 100000);
	assert_int_equal((uintptr_t)big % _Alignof(max_align_t), 0);
	memset(big, 2, 100000);
	/* Small allocations after a big one still work and do not overlap. */
	for (i = 0; i < 100; i++)
		memset(arena_alloc(a, 64), 3, 64);
	for (i = 0; i < 16; i++)
		assert_int_equal(small[i], 1);
	for (i = 0; i < 100000; i += 997)
		assert_int_equal(big[i], 2);
	assert_int_equal(arena_used(a), 16 + 100000 + 100 * 64);
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
	/* Usable after reset. */
	memset(arena_alloc(a, 5000), 4, 5000);
	arena_free(a);
}

static void test_arena_zalloc(void **state)
{
	struct arena *a = arena_new(0);
	unsigned char *p;
	size_t i;

	(void)state;
	memset(arena_alloc(a, 200), 0xFF, 200);
	arena_reset(a);
	p = arena_zalloc(a, 200);
	for (i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	arena_free(a);
}

static int hook_log[8];
static int hook_n;

static void hook(void *arg)
{
	hook_log[hook_n++] = *(int *)arg;
}

static void test_arena_hooks_reverse_order(void **state)
{
	static int one = 1, two = 2, three = 3;
	struct arena *a = arena_new(0);

	(void)state;
	hook_n = 0;
	arena_on_reset(a, hook, &one);
	arena_on_reset(a, hook, &two);
	arena_on_reset(a, hook, &three);
	assert_int_equal(hook_n, 0);
	arena_reset(a);
	assert_int_equal(hook_n, 3);
	assert_int_equal(hook_log[0], 3);
	assert_int_equal(hook_log[1], 2);
	assert_int_equal(hook_log[2], 1);
	/* Hooks run once: a second reset runs nothing. */
	arena_reset(a);
	assert_int_equal(hook_n, 3);
	/* arena_free runs hooks registered since. */
	arena_on_reset(a, hook, &two);
	arena_free(a);
	assert_int_equal(hook_n, 4);
	assert_int_equal(hook_log[3], 2);
	arena_free(NULL);
}

static void test_arena_strings(void **state)
{
	struct arena *a = arena_new(0);
	char *s, *long_s, want[2001];

	(void)state;
	assert_string_equal(arena_strdup(a, "hello"), "hello");
	assert_string_equal(arena_strdup(a, ""), "");
	s = arena_strndup(a, "abcdef", 3);
	assert_string_equal(s, "abc");
	assert_string_equal(arena_printf(a, "%d-%s-%05.1f", 42, "x", 3.14159),
			    "42-x-003.1");
	/* Longer than a block: printf sizes the allocation itself. */
	memset(want, 'z', 2000);
	want[2000] = '\0';
	long_s = arena_printf(a, "%s", want);
	assert_int_equal(strlen(long_s), 2000);
	assert_string_equal(long_s, want);
	arena_free(a);
}

static void test_xalloc(void **state)
{
	char *p = xstrdup("copy");
	int *z = xcalloc(4, sizeof(int));

	(void)state;
	assert_string_equal(p, "copy");
	p = xrealloc(p, 100);
	assert_string_equal(p, "copy");
	assert_int_equal(z[0] | z[1] | z[2] | z[3], 0);
	free(p);
	free(z);
	free(xmalloc(0));
}

/* ---- buf ---- */

static void test_buf_init_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, NULL, 10);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	assert_false(b.overflow);
	buf_release(&b);
	assert_non_null(b.data);
}

static void test_buf_cap_and_overflow(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, NULL, 8);
	assert_int_equal(buf_adds(&b, "abcd"), 0);
	assert_int_equal(buf_adds(&b, "efgh"), 0);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	assert_false(b.overflow);
	/* One byte over: refused whole, content kept, flag set. */
	assert_int_equal(buf_addch(&b, 'i'), ERR_TOOBIG);
	assert_true(b.overflow);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	/* An empty append still fits. */
	assert_int_equal(buf_add(&b, "", 0), 0);
	buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_adds(&b, "0123456789"), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void test_buf_partial_append_refused(void **state)
{
	struct arena *a = arena_new(0);
	struct buf b;

	(void)state;
	buf_init(&b, a, 5);
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_adds(&b, "def"), ERR_TOOBIG);
	assert_string_equal(b.data, "abc");
	assert_true(b.overflow);
	/* Later appends that fit are still accepted; overflow stays set. */
	assert_int_equal(buf_adds(&b, "de"), 0);
	assert_string_equal(b.data, "abcde");
	assert_true(b.overflow);
	arena_free(a);
}

static void test_buf_printf_growth(void **state)
{
	struct buf b;
	char want[1001];
	size_t i;

	(void)state;
	buf_init(&b, NULL, 1 << 20);
	assert_int_equal(buf_printf(&b, "%s=%d;", "n", 5), 0);
	memset(want, 'q', 1000);
	want[1000] = '\0';
	/* Over the 256-byte fast path: formatted straight into the buffer. */
	assert_int_equal(buf_printf(&b, "[%s]", want), 0);
	assert_int_equal(b.len, 4 + 1002);
	assert_memory_equal(b.data, "n=5;[", 5);
	for (i = 5; i < 1005; i++)
		assert_int_equal(b.data[i], 'q');
	assert_int_equal(b.data[1005], ']');
	assert_int_equal(b.data[1006], '\0');
	assert_true(b.cap >= b.len + 1);
	buf_release(&b);

	buf_init(&b, NULL, 300);
	assert_int_equal(buf_printf(&b, "%s", want), ERR_TOOBIG);
	assert_true(b.overflow);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void test_buf_arena_backed_growth(void **state)
{
	struct arena *a = arena_new(0);
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, a, 100000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(buf_printf(&b, "%03d,", i), 0);
	assert_int_equal(b.len, 4000);
	assert_memory_equal(b.data, "000,001,002,", 12);
	assert_memory_equal(b.data + 3996, "999,", 4);
	assert_int_equal(b.data[4000], '\0');
	/* Releasing an arena buffer only forgets it. */
	buf_release(&b);
	assert_int_equal(b.len, 0);
	arena_free(a);
}

static void test_buf_detach(void **state)
{
	struct buf b;
	char *p;
	size_t len = 99;

	(void)state;
	buf_init(&b, NULL, 100);
	buf_adds(&b, "detached");
	p = buf_detach(&b, &len);
	assert_string_equal(p, "detached");
	assert_int_equal(len, 8);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_ptr_not_equal(b.data, p);
	free(p);

	/* Detaching an untouched buffer still gives heap memory to free. */
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	buf_release(&b);
}

static void test_buf_addstr(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, NULL, 64);
	buf_addstr(&b, (struct str){ "abcdef", 3 });
	buf_addstr(&b, STR_NULL);
	buf_addch(&b, '!');
	assert_string_equal(b.data, "abc!");
	buf_release(&b);
}

/* ---- str ---- */

static void test_str_helpers(void **state)
{
	struct arena *a = arena_new(0);
	struct str s = str_from("hello world"), t;

	(void)state;
	assert_int_equal(s.len, 11);
	assert_int_equal(str_from(NULL).len, 0);
	assert_true(str_eq(STR("abc"), (struct str){ "abcdef", 3 }));
	assert_false(str_eq(STR("abc"), STR("abd")));
	assert_false(str_eq(STR("abc"), STR("ab")));
	assert_true(str_eq(STR_NULL, STR("")));
	assert_true(str_eqs(s, "hello world"));
	assert_false(str_eqs(s, "hello"));
	assert_true(str_starts(s, "hello"));
	assert_true(str_starts(s, ""));
	assert_false(str_starts(STR("he"), "hello"));
	assert_string_equal(str_dup(a, (struct str){ "abcdef", 4 }), "abcd");
	assert_string_equal(str_dup(a, STR_NULL), "");

	t = str_trim(STR(" \t\r\n mid dle \n\t"));
	assert_true(str_eqs(t, "mid dle"));
	t = str_trim(STR(" \t \r\n"));
	assert_int_equal(t.len, 0);
	t = str_trim(STR("x"));
	assert_true(str_eqs(t, "x"));
	arena_free(a);
}

static void test_err_str(void **state)
{
	(void)state;
	assert_string_equal(err_str(0), "success");
	assert_string_equal(err_str(ERR_NOTFOUND), "not found");
	assert_string_equal(err_str(ERR_TOOBIG), "too large");
	assert_string_equal(err_str(-1000), "unknown error");
}

/* ---- escaping ---- */

static void test_html_escape(void **state)
{
	struct buf b;
	const char *in = "a&b<c>d\"e'f";

	(void)state;
	buf_init(&b, NULL, 1000);
	assert_int_equal(html_escape(&b, in, strlen(in)), 0);
	assert_string_equal(b.data, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	buf_reset(&b);
	assert_int_equal(html_escape(&b, "plain", 5), 0);
	assert_string_equal(b.data, "plain");
	buf_reset(&b);
	assert_int_equal(html_escape(&b, "<<>>", 4), 0);
	assert_string_equal(b.data, "&lt;&lt;&gt;&gt;");
	buf_reset(&b);
	/* Length-bounded: bytes after @len are ignored. */
	assert_int_equal(html_escape(&b, "ab<cd", 2), 0);
	assert_string_equal(b.data, "ab");
	buf_release(&b);

	buf_init(&b, NULL, 6);
	assert_int_equal(html_escape(&b, "<<", 2), ERR_TOOBIG);
	assert_true(b.overflow);
	buf_release(&b);
}

/* What XML 1.0 forbids never reaches a feed or a sitemap: dropped. */
static void test_html_escape_xml_forbidden(void **state)
{
	struct buf b;
	const char *in = "a\x01" "b\x0b\x1b[1mc\td\ne\rf\xEF\xBF\xBFg\xEF\xBF\xBE"
			 "h\xEF\xBF\xBD<\x7f";

	(void)state;
	buf_init(&b, NULL, 1000);
	assert_int_equal(html_escape(&b, in, strlen(in)), 0);
	assert_string_equal(b.data, "ab[1mc\td\ne\rfgh\xEF\xBF\xBD&lt;\x7f");
	buf_reset(&b);
	/* A trailing lead byte of U+FFFx cut by @len is kept as it is. */
	assert_int_equal(html_escape(&b, "x\xEF\xBF", 3), 0);
	assert_string_equal(b.data, "x\xEF\xBF");
	buf_release(&b);
}

static void test_text_control(void **state)
{
	const char *s = "Head\x01line";

	(void)state;
	assert_ptr_equal(text_control(s, strlen(s), false), s + 4);
	assert_null(text_control("tab\there", 8, false));
	assert_non_null(text_control("two\nlines", 9, false));
	assert_null(text_control("two\r\nlines", 10, true));
	assert_non_null(text_control("esc\x1b[0m", 7, true));
	assert_non_null(text_control("vt\x0b", 3, true));
	assert_null(text_control("caf\xC3\xA9 \x7f", 7, false));
}

static void test_json_escape(void **state)
{
	struct buf b;
	const char ctl[] = "a\x01\x1f\n\r\tb";
	const char *script = "</script><!-- & -->";

	(void)state;
	buf_init(&b, NULL, 1000);
	assert_int_equal(json_escape(&b, "say \"hi\" \\o/", 12), 0);
	assert_string_equal(b.data, "\"say \\\"hi\\\" \\\\o/\"");
	buf_reset(&b);
	assert_int_equal(json_escape(&b, ctl, sizeof(ctl) - 1), 0);
	assert_string_equal(b.data, "\"a\\u0001\\u001f\\n\\r\\tb\"");
	buf_reset(&b);
	assert_int_equal(json_escape(&b, script, strlen(script)), 0);
	assert_null(strstr(b.data, "</"));
	assert_null(strchr(b.data, '<'));
	assert_string_equal(b.data, "\"\\u003c/script\\u003e\\u003c!-- \\u0026"
			    " --\\u003e\"");
	buf_reset(&b);
	/* A NUL byte inside the slice is escaped, not a terminator. */
	assert_int_equal(json_escape(&b, "a\0b", 3), 0);
	assert_string_equal(b.data, "\"a\\u0000b\"");
	buf_reset(&b);
	/* UTF-8 passes through untouched. */
	assert_int_equal(json_escape(&b, "caf\xC3\xA9", 5), 0);
	assert_string_equal(b.data, "\"caf\xC3\xA9\"");
	buf_reset(&b);
	assert_int_equal(json_escape(&b, "", 0), 0);
	assert_string_equal(b.data, "\"\"");
	buf_release(&b);
}

static void test_url_encode(void **state)
{
	struct buf b;
	const char *in = "a b&c=d/e?f#g~h_i.j-k\xC3\xA9";

	(void)state;
	buf_init(&b, NULL, 1000);
	assert_int_equal(url_encode(&b, in, strlen(in)), 0);
	assert_string_equal(b.data,
			    "a%20b%26c%3Dd%2Fe%3Ff%23g~h_i.j-k%C3%A9");
	buf_reset(&b);
	assert_int_equal(url_encode(&b, "+%", 2), 0);
	assert_string_equal(b.data, "%2B%25");
	buf_release(&b);
}

static void test_url_decode_valid(void **state)
{
	struct arena *a = arena_new(0);
	char *out = NULL;

	(void)state;
	assert_int_equal(url_decode(a, STR("plain"), false, &out), 0);
	assert_string_equal(out, "plain");
	assert_int_equal(url_decode(a, STR("a%20b%2fc%2Fd"), false, &out), 0);
	assert_string_equal(out, "a b/c/d");
	assert_int_equal(url_decode(a, STR("caf%C3%a9"), false, &out), 0);
	assert_string_equal(out, "caf\xC3\xA9");
	assert_int_equal(url_decode(a, STR(""), false, &out), 0);
	assert_string_equal(out, "");
	/* An escape right at the end. */
	assert_int_equal(url_decode(a, STR("x%41"), false, &out), 0);
	assert_string_equal(out, "xA");
	/* Decoded '%' is not decoded again. */
	assert_int_equal(url_decode(a, STR("%2541"), false, &out), 0);
	assert_string_equal(out, "%41");
	/* Only @len bytes are read. */
	assert_int_equal(url_decode(a, (struct str){ "ab%zz", 2 }, false, &out), 0);
	assert_string_equal(out, "ab");
	arena_free(a);
}

static void test_url_decode_plus(void **state)
{
	struct arena *a = arena_new(0);
	char *out = NULL;

	(void)state;
	assert_int_equal(url_decode(a, STR("a+b%2Bc"), true, &out), 0);
	assert_string_equal(out, "a b+c");
	assert_int_equal(url_decode(a, STR("a+b%2Bc"), false, &out), 0);
	assert_string_equal(out, "a+b+c");
	arena_free(a);
}

static void test_url_decode_invalid(void **state)
{
	static const char *const bad[] = {
		"%", "%4", "abc%4", "%zz", "%4g", "%g4", "a%%41", "%00", "x%00y",
	};
	struct arena *a = arena_new(0);
	char *out = (char *)"untouched";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		out = (char *)"untouched";
		assert_int_equal(url_decode(a, str_from(bad[i]), true, &out),
				 ERR_INVALID);
		assert_string_equal(out, "untouched");
	}
	/* A raw NUL inside the slice is refused too. */
	assert_int_equal(url_decode(a, (struct str){ "a\0b", 3 }, false, &out),
			 ERR_INVALID);
	arena_free(a);
}

/* ---- slugs ---- */

static void test_slugify_basic(void **state)
{
	struct arena *a = arena_new(0);

	(void)state;
	assert_string_equal(slugify(a, "Harbour cranes return to work", 80),
			    "harbour-cranes-return-to-work");
	assert_string_equal(slugify(a, "  Lots   of -- space!!  ", 80),
			    "lots-of-space");
	assert_string_equal(slugify(a, "G7: talks, 2026 (live)", 80),
			    "g7-talks-2026-live");
	assert_string_equal(slugify(a, "!!!", 80), "");
	assert_string_equal(slugify(a, "", 80), "");
	arena_free(a);
}

static void test_slugify_accents(void **state)
{
	struct arena *a = arena_new(0);

	(void)state;
	assert_string_equal(slugify(a, "Caf\xC3\xA9 cr\xC3\xA8" "me br\xC3\xBB"
				    "l\xC3\xA9" "e", 80), "cafe-creme-brulee");
	assert_string_equal(slugify(a, "\xC3\x89" "TAT \xC3\x80 \xC3\x87" "A", 80),
			    "etat-a-ca");
	assert_string_equal(slugify(a, "Stra\xC3\x9F" "e M\xC3\xBCnchen", 80),
			    "strase-munchen");
	assert_string_equal(slugify(a, "Espa\xC3\xB1" "a", 80), "espana");
	/* U+00D7 (multiplication sign) separates words. */
	assert_string_equal(slugify(a, "3\xC3\x97" "4", 80), "3-4");
	/* Letters beyond Latin-1 (here Greek) separate words. */
	assert_string_equal(slugify(a, "a\xCE\xB1" "b", 80), "a-b");
	arena_free(a);
}

static void test_slugify_apostrophes(void **state)
{
	struct arena *a = arena_new(0);

	(void)state;
	assert_string_equal(slugify(a, "Don't stop", 80), "dont-stop");
	/* U+2019 RIGHT SINGLE QUOTATION MARK joins like ASCII '. */
	assert_string_equal(slugify(a, "Don\xE2\x80\x99t stop", 80), "dont-stop");
	assert_string_equal(slugify(a, "\xE2\x80\x98quoted\xE2\x80\x99", 80),
			    "quoted");
	/* Other punctuation in the U+2000 block (em dash, ellipsis) separates. */
	assert_string_equal(slugify(a, "before\xE2\x80\x94" "after", 80),
			    "before-after");
	assert_string_equal(slugify(a, "wait\xE2\x80\xA6" "what", 80),
			    "wait-what");
	arena_free(a);
}

static void test_slugify_max_length(void **state)
{
	struct arena *a = arena_new(0);
	char *s;

	(void)state;
	assert_string_equal(slugify(a, "abcdefghij", 4), "abcd");
	/* A word boundary at the limit never leaves a trailing '-'. */
	assert_string_equal(slugify(a, "abcd efgh", 5), "abcd");
	assert_string_equal(slugify(a, "abcd efgh", 4), "abcd");
	/* Words are never run together when the separator does not fit. */
	assert_string_equal(slugify(a, "ab cd", 3), "ab");
	assert_string_equal(slugify(a, "ab cd", 4), "ab-c");
	assert_string_equal(slugify(a, "anything", 0), "");
	s = slugify(a, "the quick brown fox jumps over the lazy dog", 20);
	assert_true(strlen(s) <= 20);
	assert_true(slug_valid(s));
	assert_string_equal(s, "the-quick-brown-fox");
	arena_free(a);
}

static void test_slug_valid(void **state)
{
	char long_ok[121], long_bad[122];

	(void)state;
	assert_true(slug_valid("a"));
	assert_true(slug_valid("harbour-cranes-2026"));
	assert_false(slug_valid(""));
	assert_false(slug_valid("-a"));
	assert_false(slug_valid("a-"));
	assert_false(slug_valid("a--b"));
	assert_false(slug_valid("Abc"));
	assert_false(slug_valid("a_b"));
	assert_false(slug_valid("a b"));
	assert_false(slug_valid("a/b"));
	assert_false(slug_valid("caf\xC3\xA9"));
	memset(long_ok, 'a', 120);
	long_ok[120] = '\0';
	assert_true(slug_valid(long_ok));
	memset(long_bad, 'a', 121);
	long_bad[121] = '\0';
	assert_false(slug_valid(long_bad));
}

/* ---- UTF-8 ---- */

static bool u8(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(u8(""));
	assert_true(u8("plain ascii"));
	assert_true(u8("caf\xC3\xA9"));			/* U+00E9 */
	assert_true(u8("\xE2\x80\x94"));		/* U+2014 */
	assert_true(u8("\xED\x9F\xBF"));		/* U+D7FF */
	assert_true(u8("\xEE\x80\x80"));		/* U+E000 */
	assert_true(u8("\xF0\x9F\x93\xB0"));		/* U+1F4F0 */
	assert_true(u8("\xF4\x8F\xBF\xBF"));		/* U+10FFFF */

	/* Overlong forms. */
	assert_false(u8("\xC0\xAF"));
	assert_false(u8("\xC1\xBF"));
	assert_false(u8("\xE0\x80\xAF"));
	assert_false(u8("\xE0\x9F\xBF"));
	assert_false(u8("\xF0\x80\x80\xAF"));
	assert_false(u8("\xF0\x8F\xBF\xBF"));
	/* Surrogates. */
	assert_false(u8("\xED\xA0\x80"));
	assert_false(u8("\xED\xBF\xBF"));
	/* Beyond U+10FFFF. */
	assert_false(u8("\xF4\x90\x80\x80"));
	assert_false(u8("\xF5\x80\x80\x80"));
	assert_false(u8("\xFF"));
	/* Truncated sequences, at the end and before ASCII. */
	assert_false(u8("\xC3"));
	assert_false(u8("\xE2\x80"));
	assert_false(u8("\xF0\x9F\x93"));
	assert_false(u8("\xE2\x80" "a"));
	/* Stray continuation byte. */
	assert_false(u8("a\x80"));
	/* A NUL byte inside the range. */
	assert_false(utf8_valid("a\0b", 3));
	/* Only @len bytes count. */
	assert_true(utf8_valid("ab\xFF", 2));
	assert_false(utf8_valid("\xC3\xA9", 1));
}

/* ---- time ---- */

static int64_t iso(const char *s)
{
	int64_t t = -1;

	assert_int_equal(time_parse_iso(s, &t), 0);
	return t;
}

static void test_time_parse_valid(void **state)
{
	(void)state;
	assert_int_equal(iso("1970-01-01"), 0);
	assert_int_equal(iso("2026-11-20"), 1795132800);
	assert_int_equal(iso("2026-11-20T08:30"), 1795163400);
	assert_int_equal(iso("2026-11-20T08:30:00Z"), 1795163400);
	assert_int_equal(iso("2026-11-20t08:30:00z"), 1795163400);
	assert_int_equal(iso("2026-11-20 08:30:00"), 1795163400);
	assert_int_equal(iso("2026-11-20T08:30:00.123456Z"), 1795163400);
	assert_int_equal(iso("2026-11-20T08:30:59"), 1795163400 + 59);
	assert_int_equal(iso("2024-02-29"), 1709164800);
	assert_int_equal(iso("2000-02-29"), 951782400);
	assert_int_equal(iso("9999-12-31T23:59:59Z"), 253402300799LL);
}

static void test_time_parse_offsets(void **state)
{
	(void)state;
	assert_int_equal(iso("2026-11-20 08:30:00+02:00"), 1795156200);
	assert_int_equal(iso("2026-11-20T08:30+02:00"), 1795156200);
	assert_int_equal(iso("2026-11-20T06:30:00-00:00"), 1795156200);
	assert_int_equal(iso("2026-11-20T01:00:00-05:30"), 1795132800 + 6 * 3600 + 1800);
	/* An offset can move the day. */
	assert_int_equal(iso("2026-11-20T00:30:00+01:00"), 1795132800 - 1800);
}

static void test_time_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"", "2026", "2026-11", "2026-11-2", "26-11-20", "2026/11/20",
		"2026-02-30", "2026-02-29", "2100-02-29", "2026-04-31",
		"2026-13-01", "2026-00-10", "2026-11-00", "2026-11-32",
		"1969-12-31", "2026-11-20T", "2026-11-20T8:30", "2026-11-20T24:00",
		"2026-11-20T08:60", "2026-11-20T08:30:61", "2026-11-20T08:30:",
		"2026-11-20T08:30:00.", "2026-11-20T08:30:00+0200",
		"2026-11-20T08:30:00+02", "2026-11-20T08:30:00+24:00",
		"2026-11-20T08:30:00+02:60", "2026-11-20T08:30:00Zjunk",
		"2026-11-20 ", "2026-11-20x", "2026-11-20T08:30:00 Z",
		"2026-1a-20", "+026-11-20", " 2026-11-20",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int64_t t = 12345;

		if (time_parse_iso(bad[i], &t) != ERR_INVALID)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(t, 12345);
	}
}

static void test_time_format(void **state)
{
	struct arena *a = arena_new(0);
	char http[30];

	(void)state;
	assert_string_equal(time_iso(a, 0), "1970-01-01T00:00:00Z");
	assert_string_equal(time_iso(a, 1795163400), "2026-11-20T08:30:00Z");
	assert_string_equal(time_human(a, 1795163400), "20 November 2026");
	assert_string_equal(time_human(a, 1709164800), "29 February 2024");
	assert_string_equal(time_human(a, 0), "1 January 1970");
	time_http(1795163400, http);
	assert_string_equal(http, "Fri, 20 Nov 2026 08:30:00 GMT");
	time_http(951782400, http);
	assert_string_equal(http, "Tue, 29 Feb 2000 00:00:00 GMT");
	time_http(253402300799LL, http);
	assert_string_equal(http, "Fri, 31 Dec 9999 23:59:59 GMT");
	assert_int_equal(strlen(http), 29);
	/* Round trip through the parser. */
	assert_int_equal(iso(time_iso(a, 1234567890)), 1234567890);
	assert_true(time_now() > 1700000000);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alignment),
		cmocka_unit_test(test_arena_distinct_blocks),
		cmocka_unit_test(test_arena_big_allocation),
		cmocka_unit_test(test_arena_zalloc),
		cmocka_unit_test(test_arena_hooks_reverse_order),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_xalloc),
		cmocka_unit_test(test_buf_init_empty),
		cmocka_unit_test(test_buf_cap_and_overflow),
		cmocka_unit_test(test_buf_partial_append_refused),
		cmocka_unit_test(test_buf_printf_growth),
		cmocka_unit_test(test_buf_arena_backed_growth),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_buf_addstr),
		cmocka_unit_test(test_str_helpers),
		cmocka_unit_test(test_err_str),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_html_escape_xml_forbidden),
		cmocka_unit_test(test_text_control),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_url_decode_valid),
		cmocka_unit_test(test_url_decode_plus),
		cmocka_unit_test(test_url_decode_invalid),
		cmocka_unit_test(test_slugify_basic),
		cmocka_unit_test(test_slugify_accents),
		cmocka_unit_test(test_slugify_apostrophes),
		cmocka_unit_test(test_slugify_max_length),
		cmocka_unit_test(test_slug_valid),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_time_parse_valid),
		cmocka_unit_test(test_time_parse_offsets),
		cmocka_unit_test(test_time_parse_invalid),
		cmocka_unit_test(test_time_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
