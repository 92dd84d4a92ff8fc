/*
 * markdown.c - cmark-gfm with the GFM extensions, in safe mode.
 *
 * Between parsing and rendering the tree is tidied: raw HTML is taken out
 * (safe mode would leave "<!-- raw HTML omitted -->" in the page), and a
 * paragraph that is only a link to a known provider's item, or an HTML
 * block holding a provider's <iframe>, becomes an embed placeholder
 * (embed.h) written as a custom block, which cmark writes out as given.
 */
#include "markdown.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "embed.h"

#define EMBED_HTML_MAX (4 * 1024)

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

/* Whether @n is a text node of nothing but spaces (the autolink
 * extension leaves an empty one before the link it makes). */
static bool blank_text(cmark_node *n)
{
	const char *s = cmark_node_get_type(n) == CMARK_NODE_TEXT ?
			cmark_node_get_literal(n) : NULL;

	return s && !s[strspn(s, " \t")];
}

/* The URL of paragraph @p when it is one link whose text is its URL. */
static const char *lone_link(cmark_node *p)
{
	cmark_node *l = cmark_node_first_child(p), *t;
	const char *url, *text;

	while (l && blank_text(l))
		l = cmark_node_next(l);
	if (!l || cmark_node_get_type(l) != CMARK_NODE_LINK)
		return NULL;
	for (t = cmark_node_next(l); t; t = cmark_node_next(t))
		if (!blank_text(t))
			return NULL;
	t = cmark_node_first_child(l);
	if (!t || cmark_node_next(t) || cmark_node_get_type(t) != CMARK_NODE_TEXT)
		return NULL;
	url = cmark_node_get_url(l);
	text = cmark_node_get_literal(t);
	return url && text && !strcmp(url, text) ? url : NULL;
}

/* The src of the first <iframe> in HTML block @html (libxml2's HTML
 * parser), "https:" put before a "//host" one; NULL when none. */
static char *iframe_src(struct arena *a, const char *html)
{
	htmlDocPtr doc;
	xmlNodePtr n;
	xmlChar *src = NULL;
	char *out = NULL;

	if (!strstr(html, "<iframe") && !strstr(html, "<IFRAME"))
		return NULL;
	doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
			     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			     HTML_PARSE_NONET);
	for (n = doc ? xmlDocGetRootElement(doc) : NULL; n && !src; ) {
		if (n->type == XML_ELEMENT_NODE &&
		    !xmlStrcasecmp(n->name, BAD_CAST "iframe"))
			src = xmlGetProp(n, BAD_CAST "src");
		/* Depth first: child, else next, else an ancestor's next. */
		if (n->children)
			n = n->children;
		else {
			while (n && !n->next)
				n = n->parent;
			n = n ? n->next : NULL;
		}
	}
	if (src)
		out = arena_printf(a, "%s%s", !strncmp((char *)src, "//", 2) ?
				   "https:" : "", (char *)src);
	xmlFree(src);
	xmlFreeDoc(doc);
	return out;
}

/* Node @n replaced by the placeholder of @e, whose link is @url. */
static void put_embed(struct arena *a, cmark_node *n, const struct embed *e,
		      const char *url)
{
	cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	struct buf h;

	buf_init(&h, a, EMBED_HTML_MAX);
	buf_adds(&h, "<figure class=\"embed embed-");
	buf_adds(&h, e->kind);
	buf_adds(&h, "\" data-embed-src=\"");
	html_escape(&h, e->frame, strlen(e->frame));
	buf_adds(&h, "\" data-embed-provider=\"");
	buf_adds(&h, e->name);
	if (e->height)
		buf_printf(&h, "\" data-embed-height=\"%u", e->height);
	buf_adds(&h, "\">\n<figcaption>");
	buf_adds(&h, e->name);
	buf_adds(&h, "</figcaption>\n<p><a href=\"");
	html_escape(&h, url, strlen(url));
	buf_adds(&h, "\">");
	html_escape(&h, url, strlen(url));
	buf_adds(&h, "</a></p>\n</figure>\n");
	if (h.overflow) {	/* an absurd URL: it stays a link */
		cmark_node_free(b);
		return;
	}
	cmark_node_set_on_enter(b, h.data);
	cmark_node_replace(n, b);
	cmark_node_free(n);
}

/* The node after @n in document order, its children left out, within
 * @doc (NULL at the end). */
static cmark_node *after(cmark_node *doc, cmark_node *n)
{
	while (n && n != doc && !cmark_node_next(n))
		n = cmark_node_parent(n);
	return n && n != doc ? cmark_node_next(n) : NULL;
}

/*
 * In @doc: raw HTML out, lone provider links and provider iframes (top
 * level only) in as embeds, their providers' bits in *@mask.  A walk
 * without recursion: nesting depth is the writer's to choose.
 */
static void tidy(struct arena *a, cmark_node *doc, unsigned *mask)
{
	cmark_node *n = cmark_node_first_child(doc), *next;
	struct embed e;

	while (n) {
		cmark_node_type t = cmark_node_get_type(n);
		bool top = cmark_node_parent(n) == doc;
		const char *url = NULL;

		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			next = after(doc, n);
			if (top && t == CMARK_NODE_HTML_BLOCK)
				url = iframe_src(a, cmark_node_get_literal(n));
			if (url && embed_match(url, &e)) {
				*mask |= 1u << e.provider;
				put_embed(a, n, &e, url);
			} else {
				cmark_node_free(n);	/* unlinks it too */
			}
		} else if (top && t == CMARK_NODE_PARAGRAPH &&
			   (url = lone_link(n)) && embed_match(url, &e)) {
			next = after(doc, n);
			*mask |= 1u << e.provider;
			put_embed(a, n, &e, url);
		} else {
			next = cmark_node_first_child(n);
			if (!next)
				next = after(doc, n);
		}
		n = next;
	}
}

static char *render(struct arena *a, cmark_node *doc, const char *dateline);

char *md_render(struct arena *a, const char *md, size_t len, const char *dateline)
{
	return md_render_embeds(a, md, len, dateline, NULL);
}

char *md_render_embeds(struct arena *a, const char *md, size_t len,
		       const char *dateline, unsigned *embeds)
{
	cmark_node *doc = parse(md, len);
	unsigned mask = 0;

	tidy(a, doc, &mask);
	if (embeds)
		*embeds = mask;
	return render(a, doc, dateline);
}

/* @doc as HTML (freed), the dateline set before its first paragraph. */
static char *render(struct arena *a, cmark_node *doc, const char *dateline)
{
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
