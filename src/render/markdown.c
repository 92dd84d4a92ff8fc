/*
 * markdown.c - cmark-gfm with the GFM extensions, in safe mode.
 */
#include "markdown.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"

void md_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static cmark_node *parse(const char *md, size_t len)
{
	static const char *const exts[] = { "table", "autolink", "strikethrough" };
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_node *doc;
	size_t i;

	for (i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);

		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, md, len);
	doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	return doc;
}

char *md_render(struct arena *a, const char *md, size_t len, const char *dateline)
{
	cmark_node *doc = parse(md, len);
	cmark_node *first = cmark_node_first_child(doc);
	char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, NULL);
	struct buf b;
	size_t hl = strlen(html);

	buf_init(&b, a, hl + 1024 + (dateline ? strlen(dateline) * 6 : 0));
	if (dateline && *dateline) {
		bool para = first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH &&
			    !strncmp(html, "<p>", 3);

		buf_adds(&b, "<p>");
		buf_adds(&b, "<span class=\"dateline\">");
		html_escape(&b, dateline, strlen(dateline));
		buf_adds(&b, " \xE2\x80\x94</span>");
		if (para) {
			buf_addch(&b, ' ');
			buf_add(&b, html + 3, hl - 3);
		} else {
			buf_adds(&b, "</p>\n");
			buf_add(&b, html, hl);
		}
	} else {
		buf_add(&b, html, hl);
	}
	free(html);
	cmark_node_free(doc);
	return b.data;
}

/* Append as much of @s as still fits: a long text is cut, not dropped. */
static void add_upto(struct buf *b, const char *s)
{
	size_t n = strlen(s), room = b->max - b->len;

	buf_add(b, s, n < room ? n : room);
}

char *md_first_text(struct arena *a, const char *md, size_t len, size_t max)
{
	cmark_node *doc = parse(md, len);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	struct buf b;
	bool in_para = false, done = false;

	buf_init(&b, a, max + 8);
	while (!done && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);

		if (t == CMARK_NODE_PARAGRAPH) {
			if (ev == CMARK_EVENT_EXIT && in_para)
				done = true;
			in_para = ev == CMARK_EVENT_ENTER;
		} else if (in_para && ev == CMARK_EVENT_ENTER &&
			   (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
			add_upto(&b, cmark_node_get_literal(n));
		} else if (in_para && (t == CMARK_NODE_SOFTBREAK ||
				       t == CMARK_NODE_LINEBREAK)) {
			buf_addch(&b, ' ');
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	if (b.len > max) {
		size_t cut = max;

		while (cut > 0 && b.data[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = max;
		/* Never cut inside a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
			cut--;
		b.data[cut] = '\0';
		b.len = cut;
		buf_adds(&b, "\xE2\x80\xA6");
	}
	return b.data;
}
