/*
 * test_markdown.c - unit tests for src/render/markdown.c: GFM rendering in
 * safe mode, the dateline set before the first paragraph, and the plain
 * first-paragraph text used for meta descriptions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "render/markdown.h"

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

static const char *render(const char *md, const char *dateline)
{
	return md_render(arena, md, strlen(md), dateline);
}

static const char *first(const char *md, size_t max)
{
	return md_first_text(arena, md, strlen(md), max);
}

static void test_render_basic(void **state)
{
	(void)state;
	assert_string_equal(render("Hello *world*", NULL),
			    "<p>Hello <em>world</em></p>\n");
	assert_string_equal(render("Hello", ""), "<p>Hello</p>\n");
	assert_string_equal(render("", NULL), "");
	assert_string_equal(render("# Title\n\nText", NULL),
			    "<h1>Title</h1>\n<p>Text</p>\n");
}

static void test_render_safe(void **state)
{
	const char *html;

	(void)state;
	html = render("<script>alert(1)</script>\n\nText <b>bold</b>", NULL);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>"));
	assert_non_null(strstr(html, "bold"));
	html = render("[x](javascript:alert(1)) [y](vbscript:z) "
		      "[d](data:text/html,x) ![i](data:image/png;base64,AAA)", NULL);
	assert_null(strstr(html, "javascript:"));
	assert_null(strstr(html, "vbscript:"));
	assert_null(strstr(html, "data:text/html"));
	/* Images may use data: URLs. */
	assert_non_null(strstr(html, "src=\"data:image/png;base64,AAA\""));
	html = render("[ok](https://example.com/a?b=1&c=2)", NULL);
	assert_string_equal(html, "<p><a href=\"https://example.com/a?b=1&amp;c=2\">"
			    "ok</a></p>\n");
}

static void test_render_extensions(void **state)
{
	const char *html;

	(void)state;
	html = render("| a | b |\n|---|---|\n| 1 | 2 |\n", NULL);
	assert_non_null(strstr(html, "<table>"));
	assert_non_null(strstr(html, "<th>a</th>"));
	assert_non_null(strstr(html, "<td>2</td>"));
	assert_string_equal(render("~~gone~~", NULL), "<p><del>gone</del></p>\n");
	assert_string_equal(render("see https://x.org", NULL),
			    "<p>see <a href=\"https://x.org\">https://x.org</a></p>\n");
}

static void test_render_dateline_in_first_paragraph(void **state)
{
	(void)state;
	assert_string_equal(render("Cranes moved again.\n\nMore.", "BEIRUT"),
			    "<p><span class=\"dateline\">BEIRUT \xE2\x80\x94</span>"
			    " Cranes moved again.</p>\n<p>More.</p>\n");
	/* The dateline is text: escaped. */
	assert_string_equal(render("Line", "\"Q\" <x> & 'y'"),
			    "<p><span class=\"dateline\">&quot;Q&quot; &lt;x&gt;"
			    " &amp; &#39;y&#39; \xE2\x80\x94</span> Line</p>\n");
}

static void test_render_dateline_own_paragraph(void **state)
{
	(void)state;
	/* When the text does not open with a paragraph. */
	assert_string_equal(render("> quote", "PARIS"),
			    "<p><span class=\"dateline\">PARIS \xE2\x80\x94</span></p>\n"
			    "<blockquote>\n<p>quote</p>\n</blockquote>\n");
	assert_string_equal(render("## Sub\n\ntext", "PARIS"),
			    "<p><span class=\"dateline\">PARIS \xE2\x80\x94</span></p>\n"
			    "<h2>Sub</h2>\n<p>text</p>\n");
	assert_string_equal(render("", "PARIS"),
			    "<p><span class=\"dateline\">PARIS \xE2\x80\x94</span></p>\n");
	/* A leading raw HTML block is dropped but still is not a paragraph. */
	assert_non_null(strstr(render("<div>x</div>\n\nText", "ROME"),
			       "ROME \xE2\x80\x94</span></p>\n"));
}

static void test_first_text_first_paragraph(void **state)
{
	(void)state;
	assert_string_equal(first("# Title\n\nFirst *para* with `code`\nand more."
				  "\n\nSecond.", 100),
			    "First para with code and more.");
	assert_string_equal(first("", 10), "");
	assert_string_equal(first("# Only a heading", 10), "");
	assert_string_equal(first("Short.", 100), "Short.");
}

static void test_first_text_cut_at_word(void **state)
{
	const char *s;

	(void)state;
	assert_string_equal(first("ab cd ef gh", 5), "ab cd\xE2\x80\xA6");
	assert_string_equal(first("ab cd ef gh", 7), "ab cd\xE2\x80\xA6");
	assert_string_equal(first("ab cd ef gh", 11), "ab cd ef gh");
	/* One long word: cut inside it. */
	assert_string_equal(first("Supercalifragilisticexpialidocious", 10),
			    "Supercalif\xE2\x80\xA6");
	/* Never inside a UTF-8 sequence. */
	s = first("caf\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 6);
	assert_string_equal(s, "caf\xC3\xA9\xE2\x80\xA6");
}

static void test_first_text_long_paragraph(void **state)
{
	char para[2000];
	const char *s;
	int i;

	(void)state;
	/* A long plain paragraph is cut, not dropped. */
	for (i = 0; i < 100; i++)
		memcpy(para + 5 * i, "word ", 5);
	para[5 * i] = '\0';
	s = first(para, 40);
	assert_string_equal(s, "word word word word word word word word"
			    "\xE2\x80\xA6");
	/* Likewise when markup splits the text into several nodes. */
	s = first("Some *emph* then a long tail of words that goes on and on"
		  " past the limit", 40);
	assert_string_equal(s, "Some emph then a long tail of words that"
			    "\xE2\x80\xA6");
	s = first("**Bold start** and then a great many more words than fit"
		  " in the limit", 30);
	assert_true(strlen(s) <= 30 + 3);
	assert_string_equal(s, "Bold start and then a great\xE2\x80\xA6");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_render_basic),
		T(test_render_safe),
		T(test_render_extensions),
		T(test_render_dateline_in_first_paragraph),
		T(test_render_dateline_own_paragraph),
		T(test_first_text_first_paragraph),
		T(test_first_text_cut_at_word),
		T(test_first_text_long_paragraph),
	};

	md_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
