/*
 * test_html_md.c - unit tests for src/import/html_md.c and shortcode.c:
 * WordPress post HTML (classic editor text with wpautop's line rules,
 * block editor text with its comments) and shortcodes as the Markdown
 * the newsroom edits, each case with its exact expected text.
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
#include "import/html_md.h"
#include "import/shortcode.h"
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

/* @html converted with wpautop when @autop, links under localhost local. */
static const char *conv(const char *html, bool autop)
{
	struct html_md_opts o = { autop, "http://localhost/", NULL, NULL };
	char *out;
	size_t n;

	assert_int_equal(html_md(arena, html, strlen(html), &o, &out, &n), 0);
	assert_int_equal(strlen(out), n);
	return out;
}

static void test_autop_paragraphs(void **state)
{
	(void)state;
	assert_string_equal(conv("One\n\nTwo\nstill two\n\n\n\nThree", true),
			    "One\n\nTwo\\\nstill two\n\nThree\n");
	/* Without wpautop (block editor), newlines are spaces. */
	assert_string_equal(conv("<p>One\ntwo</p>\n\n<p>Three</p>", false),
			    "One two\n\nThree\n");
	assert_string_equal(conv("<p>One\ntwo</p>", true), "One\\\ntwo\n");
	/* Empty paragraphs and no-break spaces alone go. */
	assert_string_equal(conv("<p>&nbsp;</p><p>x</p><p> </p>", false), "x\n");
	assert_string_equal(conv("", true), "");
	assert_string_equal(conv("<!-- only a comment -->", false), "");
}

static void test_block_editor(void **state)
{
	const char *html =
		"<!-- wp:paragraph -->\n<p>First.</p>\n<!-- /wp:paragraph -->\n\n"
		"<!-- wp:heading {\"level\":3} -->\n<h3>Head</h3>\n"
		"<!-- /wp:heading -->\n"
		"<!-- wp:list --><ul><li>One</li><li>Two</li></ul><!-- /wp:list -->";

	(void)state;
	assert_false(html_md_autop(html, strlen(html)));
	assert_true(html_md_autop("a\n\nb", 4));
	assert_string_equal(conv(html, false),
			    "First.\n\n### Head\n\n- One\n- Two\n");
}

static void test_escapes(void **state)
{
	(void)state;
	assert_string_equal(conv("a *b* _c_ snake_case [d] `e` \\ &lt;x&gt; a&amp;b "
				 "&amp;copy; ~f~", false),
			    "a \\*b\\* \\_c\\_ snake_case \\[d\\] \\`e\\` \\\\ "
			    "\\<x> a&b \\&copy; \\~f\\~\n");
	/* What would start a block at the start of a line. */
	assert_string_equal(conv("# no\n- no\n+ no\n> no\n= no\n12. no\n3) no\n"
				 "2026 yes", true),
			    "\\# no\\\n\\- no\\\n\\+ no\\\n\\> no\\\n\\= no\\\n"
			    "12\\. no\\\n3\\) no\\\n2026 yes\n");
}

static void test_inline(void **state)
{
	(void)state;
	assert_string_equal(conv("<p><strong>Bold</strong>, <b>b</b>, <em> it </em>"
				 "x, <i>i</i>, <del>d</del>, <s>s</s>, "
				 "<code>a`b</code>, <kbd>k</kbd><br>next</p>", false),
			    "**Bold**, **b**, *it* x, *i*, ~~d~~, ~~s~~, ``a`b``,"
			    " `k`\\\nnext\n");
	/* Nested emphasis of one kind is written once; empty is dropped. */
	assert_string_equal(conv("<em>a <i>b</i></em> <strong></strong>c", false),
			    "*a b* c\n");
	assert_string_equal(conv("<strong><em>both</em></strong>", false),
			    "***both***\n");
}

static void test_links_and_images(void **state)
{
	(void)state;
	assert_string_equal(conv("<a href=\"http://localhost/2011/01/post/\">old"
				 "</a> <a href=\"https://localhost/?p=5\">p</a> "
				 "<a href=\"http://localhost.evil/x\">e</a> "
				 "<a href=\"https://ex.org/a b(c)\" title='say \"hi\"'>"
				 "t</a> <a href=\"javascript:alert(1)\">js</a> "
				 "<a name=\"anchor\">n</a> <a href=\"/x\"> </a>", false),
			    "[old](/2011/01/post/) [p](/?p=5) "
			    "[e](http://localhost.evil/x) "
			    "[t](https://ex.org/a%20b%28c%29 \"say \\\"hi\\\"\") js n\n");
	assert_string_equal(conv("<img src=\"http://localhost/wp-content/uploads/"
				 "a.jpg\" alt=\"An [alt]\" title=\"T\">", false),
			    "![An \\[alt\\]](/wp-content/uploads/a.jpg \"T\")\n");
	assert_string_equal(conv("<a href=\"https://ex.org/big.jpg\"><img "
				 "src=\"https://ex.org/s.jpg\" alt=\"\"></a>", false),
			    "[![](https://ex.org/s.jpg)](https://ex.org/big.jpg)\n");
	assert_string_equal(conv("<img src=\"data:image/png;base64,AAAA\">x", false),
			    "x\n");
}

static void test_lists(void **state)
{
	(void)state;
	assert_string_equal(conv("<ul>\n<li>a</li>\n<li>b<ul><li>c</li></ul></li>\n"
				 "</ul>", true),
			    "- a\n- b\n  - c\n");
	assert_string_equal(conv("<ol start=\"9\"><li>x</li><li>y</li>"
				 "<li>z</li></ol>", false),
			    "9. x\n10. y\n11. z\n");
	/* An item with two paragraphs makes the list loose. */
	assert_string_equal(conv("<ol><li><p>p1</p><p>p2</p></li><li>q</li></ol>",
				 false),
			    "1. p1\n\n   p2\n\n2. q\n");
	assert_string_equal(conv("<ul><li></li><li>b</li></ul>", false),
			    "-\n- b\n");
}

static void test_quotes_and_code(void **state)
{
	(void)state;
	assert_string_equal(conv("Before\n<blockquote>Quote one\n\nQuote two"
				 "</blockquote>\nAfter", true),
			    "Before\n\n> Quote one\n>\n> Quote two\n\nAfter\n");
	assert_string_equal(conv("<blockquote><blockquote>deep</blockquote>"
				 "</blockquote>", false), "> > deep\n");
	assert_string_equal(conv("<pre class=\"brush: php\">$x = `a`;\n\n"
				 "if (1) {}\n</pre>", true),
			    "```php\n$x = `a`;\n\nif (1) {}\n```\n");
	assert_string_equal(conv("<pre><code class=\"language-js\">a\n```\nb"
				 "</code></pre>", false),
			    "````js\na\n```\nb\n````\n");
	assert_string_equal(conv("<blockquote><pre>x\n\ny</pre></blockquote>",
				 false), "> ```\n> x\n>\n> y\n> ```\n");
}

static void test_headings_rules_tables(void **state)
{
	(void)state;
	assert_string_equal(conv("<h1>One</h1><h4>Four <em>it</em><br>more</h4>"
				 "<h2>C#</h2><h3> </h3><hr>", false),
			    "# One\n\n#### Four *it* more\n\n## C\\#\n\n---\n");
	assert_string_equal(conv("<table><thead><tr><th>A</th><th>B|c</th></tr>"
				 "</thead><tbody><tr><td>1</td><td><b>2</b>"
				 "</td><td>extra</td></tr><tr><td></td></tr>"
				 "</tbody></table>", false),
			    "| A | B\\|c | |\n| --- | --- | --- |\n"
			    "| 1 | **2** | extra |\n| | | |\n");
}

static void test_figures_and_embeds(void **state)
{
	(void)state;
	assert_string_equal(conv("[caption id=\"attachment_5\" align=\"alignnone\""
				 " width=\"300\"]<a href=\"http://localhost/"
				 "wp-content/uploads/x.jpg\"><img src=\"http://"
				 "localhost/wp-content/uploads/x.jpg\" alt=\"Alt\""
				 " /></a> The <b>caption</b>[/caption]", true),
			    "[![Alt](/wp-content/uploads/x.jpg)](/wp-content/"
			    "uploads/x.jpg)\\\n*The **caption***\n");
	assert_string_equal(conv("[caption caption=\"Old style\"]<img src=\"/a.jpg\""
				 " alt=\"\">[/caption]", true),
			    "![](/a.jpg)\\\n*Old style*\n");
	assert_string_equal(conv("<figure class=\"wp-block-image\"><img src=\"/b."
				 "jpg\" alt=\"B\"/><figcaption>A <em>cap</em>"
				 "</figcaption></figure>", false),
			    "![B](/b.jpg)\\\n*A cap*\n");
	assert_string_equal(conv("Watch:\n<iframe src=\"//www.youtube.com/embed/"
				 "a_b\"></iframe>\nafter", true),
			    "Watch:\n\n<https://www.youtube.com/embed/a_b>\n\nafter\n");
	assert_string_equal(conv("<p>x<video><source src=\"https://ex.org/v.mp4\">"
				 "</video></p><script>alert(1)</script><style>p{}"
				 "</style><noscript>no</noscript>", false),
			    "x\n\n<https://ex.org/v.mp4>\n");
	assert_string_equal(conv("[embed]https://vimeo.com/1[/embed]", true),
			    "https://vimeo.com/1\n");
	assert_string_equal(conv("[youtube https://youtu.be/x]", true),
			    "https://youtu.be/x\n");
}

static void test_shortcodes_removed(void **state)
{
	(void)state;
	assert_string_equal(conv("a [gallery ids=\"1,2\"] b [vc_row][vc_column]"
				 "inner[/vc_column][/vc_row] [contact-form-7 id="
				 "\"4\"] [[gallery]] [sic] [1] [citation needed] "
				 "[/stray_close]", true),
			    "a b inner \\[gallery\\] \\[sic\\] \\[1\\] \\[citation"
			    " needed\\]\n");
}

static void test_shortcode_parser(void **state)
{
	const char *t = "x [audio src='a.mp3' loop autoplay=\"1\" /] "
			"[note type=info]in [b]side[/b][/note] [[esc]x[/esc]]";
	struct shortcode sc;
	struct str v;

	(void)state;
	assert_true(sc_find(t, strlen(t), 0, &sc));
	assert_true(str_eqs(sc.name, "audio"));
	assert_false(sc.paired);
	assert_int_equal(sc.nattr, 3);
	assert_true(str_eqs(sc_attr_get(&sc, "SRC"), "a.mp3"));
	assert_true(str_eqs(sc.attr[1].value, "loop"));
	assert_int_equal(sc.attr[1].name.len, 0);
	v = sc_attr_get(&sc, "autoplay");
	assert_true(str_eqs(v, "1"));
	assert_null(sc_attr_get(&sc, "none").p);
	assert_true(sc_find(t, strlen(t), sc.end, &sc));
	assert_true(str_eqs(sc.name, "note"));
	assert_true(sc.paired);
	assert_true(str_eqs(sc.inner, "in [b]side[/b]"));
	assert_true(str_eqs(sc_attr_get(&sc, "type"), "info"));
	assert_true(sc_find(t, strlen(t), sc.end, &sc));
	assert_true(sc.escaped);
	assert_int_equal(sc.end, strlen(t));
	assert_false(sc_find(t, strlen(t), sc.end, &sc));
	/* Unclosed brackets and names that are not names. */
	assert_false(sc_find("[caption", 8, 0, &sc));
	assert_false(sc_find("[9lives]", 8, 0, &sc));
	assert_false(sc_find("[Editor's note]", 15, 0, &sc));
}

static void test_shortcode_expand(void **state)
{
	char *out;
	size_t n;

	(void)state;
	assert_int_equal(sc_expand(arena, "[caption]<img src=x>Cap[/caption]", 33,
				   1 << 20, &out, &n), 0);
	assert_string_equal(out, "<figure><img src=x><figcaption>Cap</figcaption>"
			    "</figure>");
	assert_int_equal(sc_expand(arena, "[caption]<img src=x>Cap[/caption]", 33,
				   20, &out, &n), ERR_TOOBIG);
	/* Deep nesting stops expanding at SC_DEPTH_MAX and stays linear. */
	{
		char deep[4096];
		size_t k = 0;
		int i;

		for (i = 0; i < 40; i++)
			k += (size_t)snprintf(deep + k, sizeof(deep) - k, "[s_%d]", i);
		for (i = 39; i >= 0; i--)
			k += (size_t)snprintf(deep + k, sizeof(deep) - k, "[/s_%d]", i);
		assert_int_equal(sc_expand(arena, deep, k, 1 << 20, &out, &n), 0);
		assert_non_null(strstr(out, "[s_16]"));
		assert_null(strstr(out, "[s_15]"));
	}
}

/* The Markdown renders as the reader should see it. */
static void test_renders(void **state)
{
	const char *md = conv("[caption]<img src=\"/a.jpg\" alt=\"A\"> Cap"
			      "[/caption]\n\nText with a_b and *stars*", true);
	const char *html = md_render(arena, md, strlen(md), NULL);

	(void)state;
	assert_string_equal(html, "<p><img src=\"/a.jpg\" alt=\"A\" /><br />\n"
			    "<em>Cap</em></p>\n<p>Text with a_b and *stars*</p>\n");
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(html_plain(arena, "  <p>An <b>excerpt</b>\n"
				       "&amp; more</p><script>x</script> ", 48, 100),
			    "An excerpt & more");
	assert_string_equal(html_plain(arena, "caf\xC3\xA9 au lait", 14, 4), "caf");
	assert_string_equal(html_plain(arena, "", 0, 10), "");
}

static void test_limits(void **state)
{
	struct html_md_opts o = { false, NULL, NULL, NULL };
	size_t n = 200 * 7 + 16, i;
	char *deep = malloc(n), *out;

	/* Past HTML_MD_DEPTH_MAX (libxml2 itself stops at 256). */
	(void)state;
	for (i = 0; i < 200; i++)
		memcpy(deep + i * 7, "<div>x ", 7);
	memcpy(deep + 200 * 7, "end", 4);
	assert_int_equal(html_md(arena, deep, strlen(deep), &o, &out, &n), 0);
	assert_non_null(strstr(out, "end"));
	free(deep);
	assert_int_equal(html_md(arena, "x", HTML_MD_INPUT_MAX + 1, &o, &out, &n),
			 ERR_TOOBIG);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_autop_paragraphs),
		T(test_block_editor),
		T(test_escapes),
		T(test_inline),
		T(test_links_and_images),
		T(test_lists),
		T(test_quotes_and_code),
		T(test_headings_rules_tables),
		T(test_figures_and_embeds),
		T(test_shortcodes_removed),
		T(test_shortcode_parser),
		T(test_shortcode_expand),
		T(test_renders),
		T(test_plain),
		T(test_limits),
	};

	md_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
