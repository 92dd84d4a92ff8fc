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

static const char *embeds(const char *md, unsigned *mask)
{
	return md_render_embeds(arena, md, strlen(md), NULL, mask);
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
	/* A leading raw HTML block is dropped without a trace, so the
	 * paragraph after it is the first. */
	assert_string_equal(render("<div>x</div>\n\nText", "ROME"),
			    "<p><span class=\"dateline\">ROME \xE2\x80\x94</span>"
			    " Text</p>\n");
}

/* Raw HTML leaves nothing, not even safe mode's comment. */
static void test_render_raw_html_gone(void **state)
{
	const char *html;

	(void)state;
	html = render("A <span class=x>b</span> c\n\n<div>\nblock\n</div>\n\n"
		      "> <iframe src=\"https://evil.example/\"></iframe>\n\n"
		      "- <iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\">"
		      "</iframe>\n", NULL);
	assert_null(strstr(html, "omitted"));
	assert_null(strstr(html, "<span"));
	assert_null(strstr(html, "iframe"));
	assert_null(strstr(html, "embed"));	/* nested: not an embed */
	assert_string_equal(html, "<p>A b c</p>\n<blockquote>\n</blockquote>\n"
			    "<ul>\n<li></li>\n</ul>\n");
}

static void test_render_embeds(void **state)
{
	unsigned mask = 0;
	const char *html;

	(void)state;
	html = embeds("Intro.\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nEnd.", &mask);
	assert_string_equal(html, "<p>Intro.</p>\n"
		"<figure class=\"embed embed-video\" data-embed-src=\""
		"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" "
		"data-embed-provider=\"YouTube\">\n<figcaption>YouTube</figcaption>\n"
		"<p><a href=\"https://youtu.be/dQw4w9WgXcQ\">https://youtu.be/dQw4w9WgXcQ"
		"</a></p>\n</figure>\n<p>End.</p>\n");
	assert_int_equal(mask, 1u << 0);
	/* An iframe block of a provider; a link with its own words, an
	 * unknown site and a provider's link inside a sentence stay links. */
	html = embeds("<iframe width=\"560\" src=\"//player.vimeo.com/"
		      "video/76979871?h=1\"></iframe>\n\n"
		      "[a talk](https://vimeo.com/1)\n\nhttps://example.org/x\n\n"
		      "See https://x.com/nasa/status/1 now.\n\n"
		      "https://x.com/nasa/status/123\n", &mask);
	assert_non_null(strstr(html, "<figure class=\"embed embed-video\" data-embed-src=\""
			       "https://player.vimeo.com/video/76979871?dnt=1\""));
	assert_non_null(strstr(html, "<a href=\"https://player.vimeo.com/video/76979871?h=1\">"));
	assert_non_null(strstr(html, "<p><a href=\"https://vimeo.com/1\">a talk</a></p>"));
	assert_non_null(strstr(html, "<p><a href=\"https://example.org/x\">"));
	assert_non_null(strstr(html, "<p>See <a href=\"https://x.com/nasa/status/1\">"));
	assert_non_null(strstr(html, "data-embed-src=\"https://platform.twitter.com/embed/"
			       "Tweet.html?id=123&amp;dnt=true\" data-embed-provider=\"X\""
			       " data-embed-height=\"560\""));
	assert_int_equal(mask, (1u << 1) | (1u << 2));
	assert_null(strstr(html, "<iframe"));
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
		T(test_render_raw_html_gone),
		T(test_render_embeds),
		T(test_first_text_first_paragraph),
		T(test_first_text_cut_at_word),
		T(test_first_text_long_paragraph),
	};

	md_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
