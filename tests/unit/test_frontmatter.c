/*
 * test_frontmatter.c - unit tests for src/frontmatter.c, the article file
 * header: keys, quoting, fences, BOM and CRLF, and the error messages a
 * writer sees (with their line numbers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "frontmatter.h"

static struct arena *arena;
static struct frontmatter fm;
static char err[256];

static int setup(void **state)
{
	(void)state;
	arena = arena_new(0);
	memset(&fm, 0, sizeof(fm));
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(arena);
	return 0;
}

static int parse(const char *text)
{
	return fm_parse(arena, text, strlen(text), &fm, err, sizeof(err));
}

/* Parse @text expecting an error @code whose message is exactly @msg. */
static void assert_fails(const char *text, int code, const char *msg)
{
	assert_int_equal(parse(text), code);
	assert_string_equal(err, msg);
}

static void test_all_keys(void **state)
{
	const char *text =
		"---\n"
		"headline: Harbour cranes return to work\n"
		"slug: harbour-cranes\n"
		"summary: The port reopens after the storm.\n"
		"dateline: BEIRUT\n"
		"photo: cranes.jpg\n"
		"caption: Cranes at dawn\n"
		"credit: Photo: A. Writer\n"
		"alt: Three cranes against the sky\n"
		"author: Rana Haddad\n"
		"section: World\n"
		"tags: ports, weather\n"
		"published: 2026-11-20T08:30:00Z\n"
		"updated: 2026-11-20T10:05:00Z\n"
		"status: published\n"
		"---\n"
		"Body in *Markdown*.\n\nSecond paragraph.\n";

	(void)state;
	assert_int_equal(parse(text), 0);
	assert_string_equal(fm.headline, "Harbour cranes return to work");
	assert_string_equal(fm.slug, "harbour-cranes");
	assert_string_equal(fm.summary, "The port reopens after the storm.");
	assert_string_equal(fm.dateline, "BEIRUT");
	assert_string_equal(fm.photo, "cranes.jpg");
	assert_string_equal(fm.caption, "Cranes at dawn");
	/* Only the first colon separates key and value. */
	assert_string_equal(fm.credit, "Photo: A. Writer");
	assert_string_equal(fm.alt, "Three cranes against the sky");
	assert_string_equal(fm.author, "Rana Haddad");
	assert_string_equal(fm.section, "World");
	assert_string_equal(fm.tags, "ports, weather");
	assert_string_equal(fm.published, "2026-11-20T08:30:00Z");
	assert_string_equal(fm.updated, "2026-11-20T10:05:00Z");
	assert_string_equal(fm.status, "published");
	assert_string_equal(fm.body, "Body in *Markdown*.\n\nSecond paragraph.\n");
	assert_int_equal(fm.body_len, strlen(fm.body));
}

static void test_absent_keys_are_null(void **state)
{
	(void)state;
	assert_int_equal(parse("---\nheadline: Only this\n---\n"), 0);
	assert_string_equal(fm.headline, "Only this");
	assert_null(fm.slug);
	assert_null(fm.summary);
	assert_null(fm.tags);
	assert_null(fm.status);
	assert_null(fm.updated);
	assert_null(fm.alt);
	assert_string_equal(fm.body, "");
	assert_int_equal(fm.body_len, 0);

	/* Header only, no newline after the closing fence. */
	assert_int_equal(parse("---\nslug: x\n---"), 0);
	assert_string_equal(fm.slug, "x");
	assert_null(fm.headline);
	assert_int_equal(fm.body_len, 0);
	/* An empty header is allowed. */
	assert_int_equal(parse("---\n---\nbody"), 0);
	assert_string_equal(fm.body, "body");
}

static void test_whitespace_trimmed(void **state)
{
	(void)state;
	assert_int_equal(parse("---  \n  headline  :   spaced out \t\n"
			       "slug:tight\nsummary:\n--- \nbody"), 0);
	assert_string_equal(fm.headline, "spaced out");
	assert_string_equal(fm.slug, "tight");
	assert_string_equal(fm.summary, "");
	assert_string_equal(fm.body, "body");
}

static void test_quoting(void **state)
{
	(void)state;
	assert_int_equal(parse(
		"---\n"
		"headline: \"Say \\\"hello\\\" to C:\\\\path\"\n"
		"summary: 'single \"quotes\" keep \\ as is'\n"
		"dateline: \"  padded  \"\n"
		"caption: \"\"\n"
		"credit: ''\n"
		"alt: \"# not a comment: really\"\n"
		"author: O'Brien\n"
		"---\n"), 0);
	assert_string_equal(fm.headline, "Say \"hello\" to C:\\path");
	assert_string_equal(fm.summary, "single \"quotes\" keep \\ as is");
	assert_string_equal(fm.dateline, "  padded  ");
	assert_string_equal(fm.caption, "");
	assert_string_equal(fm.credit, "");
	assert_string_equal(fm.alt, "# not a comment: really");
	/* A quote that does not open the value is just a character. */
	assert_string_equal(fm.author, "O'Brien");
}

static void test_bad_quoting(void **state)
{
	static const char *const bad[] = {
		"\"unterminated", "'unterminated", "\"mixed'", "'mixed\"",
		"\"", "'", "\"inner \" quote\"", "'it's'", "\"bad \\n escape\"",
		"\"ends in backslash\\\"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char text[200];

		snprintf(text, sizeof(text), "---\n\nheadline: %s\n---\n", bad[i]);
		arena_reset(arena);
		if (parse(text) != ERR_INVALID)
			fail_msg("accepted: %s", bad[i]);
		assert_string_equal(err,
				    "line 3: badly quoted value for 'headline'");
	}
}

static void test_bom(void **state)
{
	(void)state;
	assert_int_equal(parse("\xEF\xBB\xBF---\nheadline: With BOM\n---\nText"), 0);
	assert_string_equal(fm.headline, "With BOM");
	assert_string_equal(fm.body, "Text");
	/* A BOM anywhere else is not skipped. */
	assert_fails("\n\xEF\xBB\xBF---\nheadline: x\n---\n", ERR_INVALID,
		     "line 1: expected '---' to open the header");
}

static void test_crlf(void **state)
{
	(void)state;
	assert_int_equal(parse("---\r\nheadline: Windows\r\nslug: 'win'\r\n"
			       "---\r\nLine one\r\nLine two\r\n"), 0);
	assert_string_equal(fm.headline, "Windows");
	assert_string_equal(fm.slug, "win");
	/* The body is kept byte for byte. */
	assert_string_equal(fm.body, "Line one\r\nLine two\r\n");
	assert_fails("---\r\nheadline: x\r\nbogus: y\r\n---\r\n", ERR_INVALID,
		     "line 3: unknown key 'bogus'");
}

static void test_comments_and_blank_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("---\n"
			       "# the story\n"
			       "\n"
			       "   \t\n"
			       "headline: Kept\n"
			       "  # indented comment: with colon\n"
			       "#slug: commented-out\n"
			       "---\n"
			       "# Heading in body\n"), 0);
	assert_string_equal(fm.headline, "Kept");
	assert_null(fm.slug);
	assert_string_equal(fm.body, "# Heading in body\n");
}

static void test_unknown_key(void **state)
{
	(void)state;
	assert_fails("---\nheadline: x\n\n# c\nheadlin: typo\n---\n",
		     ERR_INVALID, "line 5: unknown key 'headlin'");
	/* Keys are case-sensitive. */
	assert_fails("---\nHeadline: x\n---\n", ERR_INVALID,
		     "line 2: unknown key 'Headline'");
	assert_fails("---\n: no key\n---\n", ERR_INVALID,
		     "line 2: unknown key ''");
	/* A very long key is cut in the message. */
	{
		char text[300];

		snprintf(text, sizeof(text), "---\n%s: v\n---\n",
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		assert_fails(text, ERR_INVALID, "line 2: unknown key "
			     "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
	}
}

static void test_line_without_colon(void **state)
{
	(void)state;
	assert_fails("---\nheadline: x\njust words\n---\n", ERR_INVALID,
		     "line 3: expected 'key: value'");
}

static void test_duplicate_key(void **state)
{
	(void)state;
	assert_fails("---\nslug: a\nheadline: h\nslug: b\n---\n", ERR_INVALID,
		     "line 4: key 'slug' given twice");
	/* Even when the first value was empty. */
	assert_fails("---\nsummary:\nsummary: again\n---\n", ERR_INVALID,
		     "line 3: key 'summary' given twice");
	assert_fails("---\nupdated: 2026-11-20\nupdated: 2026-11-21\n---\n",
		     ERR_INVALID, "line 3: key 'updated' given twice");
}

static void test_missing_closing_fence(void **state)
{
	(void)state;
	assert_fails("---\nheadline: x\nslug: y\n", ERR_INVALID,
		     "line 3: header is not closed with '---'");
	assert_fails("---\nheadline: x", ERR_INVALID,
		     "line 2: header is not closed with '---'");
	assert_fails("---\n", ERR_INVALID,
		     "line 1: header is not closed with '---'");
	/* Four dashes are not a fence. */
	assert_fails("---\nheadline: x\n----\nbody\n", ERR_INVALID,
		     "line 3: expected 'key: value'");
}

static void test_no_opening_fence(void **state)
{
	(void)state;
	assert_fails("headline: x\n---\n", ERR_INVALID,
		     "line 1: expected '---' to open the header");
	assert_fails("", ERR_INVALID,
		     "line 1: expected '---' to open the header");
	assert_fails("--\n", ERR_INVALID,
		     "line 1: expected '---' to open the header");
	assert_fails("\n---\nheadline: x\n---\n", ERR_INVALID,
		     "line 1: expected '---' to open the header");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_fails("---\nheadline: caf\xE9\n---\n", ERR_INVALID,
		     "file is not valid UTF-8 text");
	/* Bad bytes in the body count too. */
	assert_fails("---\nheadline: x\n---\n\xC0\xAF", ERR_INVALID,
		     "file is not valid UTF-8 text");
	/* So does a NUL byte. */
	assert_int_equal(fm_parse(arena, "---\n---\na\0b", 10, &fm, err,
				  sizeof(err)), ERR_INVALID);
	assert_string_equal(err, "file is not valid UTF-8 text");
	/* Valid multi-byte text is fine. */
	assert_int_equal(parse("---\nheadline: Caf\xC3\xA9 \xE2\x80\x94 "
			       "\xF0\x9F\x93\xB0\n---\n"), 0);
	assert_string_equal(fm.headline, "Caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x93\xB0");
}

static void test_size_limit(void **state)
{
	const char *head = "---\nheadline: big\n---\n";
	size_t hl = strlen(head);
	char *text = malloc(FM_MAX_SIZE + 2);

	(void)state;
	memcpy(text, head, hl);
	memset(text + hl, 'x', FM_MAX_SIZE + 1 - hl);
	text[FM_MAX_SIZE + 1] = '\0';
	assert_int_equal(fm_parse(arena, text, FM_MAX_SIZE + 1, &fm, err,
				  sizeof(err)), ERR_TOOBIG);
	assert_string_equal(err, "file is larger than 1048576 bytes");
	/* Exactly at the limit is accepted. */
	assert_int_equal(fm_parse(arena, text, FM_MAX_SIZE, &fm, err,
				  sizeof(err)), 0);
	assert_string_equal(fm.headline, "big");
	assert_int_equal(fm.body_len, FM_MAX_SIZE - hl);
	assert_int_equal(strlen(fm.body), FM_MAX_SIZE - hl);
	free(text);
}

static void test_length_bounded(void **state)
{
	const char *text = "---\nheadline: x\n---\nbody and more";

	(void)state;
	/* Bytes past @len are never read, even without a NUL there. */
	assert_int_equal(fm_parse(arena, text, strlen(text) - 9, &fm, err,
				  sizeof(err)), 0);
	assert_string_equal(fm.body, "body");
	assert_int_equal(fm.body_len, 4);
}

static void test_small_error_buffer(void **state)
{
	char small[8];

	(void)state;
	assert_int_equal(fm_parse(arena, "nope", 4, &fm, small, sizeof(small)),
			 ERR_INVALID);
	assert_string_equal(small, "line 1:");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_all_keys),
		T(test_absent_keys_are_null),
		T(test_whitespace_trimmed),
		T(test_quoting),
		T(test_bad_quoting),
		T(test_bom),
		T(test_crlf),
		T(test_comments_and_blank_lines),
		T(test_unknown_key),
		T(test_line_without_colon),
		T(test_duplicate_key),
		T(test_missing_closing_fence),
		T(test_no_opening_fence),
		T(test_invalid_utf8),
		T(test_size_limit),
		T(test_length_bounded),
		T(test_small_error_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
