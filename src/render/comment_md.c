/*
 * comment_md.c - the Markdown subset of comments (see comment_md.h).
 *
 * The text is parsed by cmark-gfm and the tree is rewritten before it is
 * rendered in safe mode, so whatever the reader typed, the HTML holds only
 * the elements of the subset and links with allowed schemes.
 */
#include "comment_md.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"

/* Bytes of the UTF-8 sequence at @p that is a bidi control, else 0. */
static size_t bidi_control(const unsigned char *p, size_t left)
{
	if (left < 3 || p[0] != 0xE2)
		return 0;
	if (p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE)	/* U+202A-E */
		return 3;
	if (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)	/* U+2066-9 */
		return 3;
	return 0;
}

char *comment_clean(struct arena *a, const char *s, size_t len, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t i, n = 0, start, end, skip;

	if (!utf8_valid(s, len))
		return NULL;
	o = out = arena_alloc(a, len + 1);
	for (i = 0; i < len; i++) {
		if ((skip = bidi_control(p + i, len - i))) {
			i += skip - 1;
			continue;
		}
		if (p[i] == '\r') {
			*o++ = '\n';
			if (i + 1 < len && p[i + 1] == '\n')
				i++;
			continue;
		}
		if ((p[i] < ' ' && p[i] != '\n' && p[i] != '\t') || p[i] == 127)
			continue;
		*o++ = (char)p[i];
	}
	*o = '\0';
	end = (size_t)(o - out);
	start = 0;
	while (start < end && strchr(" \t\n", out[start]))
		start++;
	while (end > start && strchr(" \t\n", out[end - 1]))
		end--;
	out[end] = '\0';
	for (i = start; i < end; i++)
		if (((unsigned char)out[i] & 0xC0) != 0x80)
			n++;
	if (chars)
		*chars = n;
	return out + start;
}

static bool url_allowed(const char *url)
{
	return url && (!strncasecmp(url, "http://", 7) ||
		       !strncasecmp(url, "https://", 8) ||
		       !strncasecmp(url, "mailto:", 7));
}

/* Move @n's children before it and free it. */
static void unwrap(cmark_node *n)
{
	cmark_node *ch;

	while ((ch = cmark_node_first_child(n)))
		cmark_node_insert_before(n, ch);
	cmark_node_free(n);
}

/*
 * Replace block @n by a new node of @type holding @n's children.  @n is
 * only unlinked, and goes to @later: the text of inline children lives in
 * their block's buffer, so the block is freed after rendering.
 */
static void retype(cmark_node *n, cmark_node_type type, cmark_node *later)
{
	cmark_node *m = cmark_node_new(type), *ch;

	while ((ch = cmark_node_first_child(n)))
		cmark_node_append_child(m, ch);
	cmark_node_replace(n, m);
	cmark_node_append_child(later, n);
}

/* Raw HTML becomes the text it is (escaped when rendered). */
static void html_to_text(cmark_node *n, bool block)
{
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	const char *lit = cmark_node_get_literal(n);
	size_t len = lit ? strlen(lit) : 0;
	char *copy;

	/* A block's text ends in a newline the paragraph does not want. */
	while (block && len && lit[len - 1] == '\n')
		len--;
	copy = strndup(lit ? lit : "", len);
	if (!copy)
		abort();
	cmark_node_set_literal(t, copy);
	free(copy);
	if (block) {
		cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);

		cmark_node_append_child(p, t);
		t = p;
	}
	cmark_node_replace(n, t);
	cmark_node_free(n);
}

/* Rewrite the tree to the subset; the number of links kept.  Nodes that
 * must outlive rendering are moved under @later. */
static size_t rewrite(cmark_node *doc, cmark_node *later)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node **nodes = NULL;
	size_t n = 0, cap = 0, links = 0, i;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nodes = realloc(nodes, cap * sizeof(*nodes));
			if (!nodes)
				abort();
		}
		nodes[n++] = cmark_iter_get_node(it);
	}
	cmark_iter_free(it);
	/* Children before parents: a node is changed only after everything
	 * inside it. */
	for (i = n; i-- > 0;) {
		cmark_node *x = nodes[i];

		switch (cmark_node_get_type(x)) {
		case CMARK_NODE_HTML_BLOCK:
			html_to_text(x, true);
			break;
		case CMARK_NODE_HTML_INLINE:
			html_to_text(x, false);
			break;
		case CMARK_NODE_IMAGE:
			unwrap(x);
			break;
		case CMARK_NODE_LINK:
			if (url_allowed(cmark_node_get_url(x)))
				links++;
			else
				unwrap(x);
			break;
		case CMARK_NODE_HEADING:
			retype(x, CMARK_NODE_PARAGRAPH, later);
			break;
		case CMARK_NODE_THEMATIC_BREAK:
			cmark_node_free(x);
			break;
		default:
			break;
		}
	}
	free(nodes);
	return links;
}

char *comment_render(struct arena *a, const char *md, size_t len,
		     size_t *links)
{
	static const char *const exts[] = { "autolink", "strikethrough" };
	static const char link[] = "<a href=\"";
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_node *doc, *later = cmark_node_new(CMARK_NODE_DOCUMENT);
	char *html, *at, *from;
	size_t i, nlinks;
	struct buf b;

	for (i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);

		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, md, len);
	doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	nlinks = rewrite(doc, later);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, NULL);
	cmark_node_free(doc);
	cmark_node_free(later);
	buf_init(&b, a, strlen(html) * 2 + 64);
	/* Text is escaped, so "<a href=" occurs only where a link starts. */
	for (from = html; (at = strstr(from, link)); from = at + sizeof(link) - 1) {
		buf_add(&b, from, (size_t)(at - from));
		buf_adds(&b, "<a rel=\"nofollow ugc noopener\" href=\"");
	}
	buf_adds(&b, from);
	free(html);
	if (links)
		*links = nlinks;
	return b.data;
}
