/*
 * html_md_inline.c - the text of a paragraph: whitespace as wpautop or
 * HTML would have it, Markdown's characters escaped, emphasis, code,
 * links, images and embeds (see html_md.h for the whole mapping).
 */
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "import/html_md_int.h"

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

static char last(const struct conv *c)
{
	return c->inl.len ? c->inl.data[c->inl.len - 1] : MD_PARA;
}

const char *md_attr(struct conv *c, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = arena_strdup(c->a, (const char *)v);
	xmlFree(v);
	return s;
}

/* A space, unless the paragraph is empty or already ends in one or a break. */
static void add_space(struct conv *c)
{
	char l = last(c);

	if (l != ' ' && l != MD_PARA && l != MD_BR)
		buf_addch(&c->inl, ' ');
}

/* A line or paragraph break in place of the spaces before it. */
static void add_break(struct conv *c, char marker)
{
	if (c->table) {
		add_space(c);
		return;
	}
	if (marker == MD_PARA && c->inline_depth)
		marker = MD_BR;
	while (c->inl.len && c->inl.data[c->inl.len - 1] == ' ')
		c->inl.len--;
	c->inl.data[c->inl.len] = '\0';
	buf_addch(&c->inl, marker);
}

/* One character of text that Markdown would read as syntax, escaped. */
static void add_escaped(struct conv *c, const char *s, size_t i, size_t n)
{
	char ch = s[i], next = i + 1 < n ? s[i + 1] : '\0';
	bool esc = false;

	switch (ch) {
	case '\\': case '`': case '*': case '[': case ']': case '<':
	case '~':
		esc = true;
		break;
	case '_':
		esc = !is_alnum(last(c)) || !is_alnum(next);
		break;
	case '&': {	/* only what would read as an entity: &name; &#12; */
		size_t j = i + 1;

		while (j < n && j < i + 34 && (is_alnum(s[j]) || s[j] == '#'))
			j++;
		esc = j > i + 1 && j < n && s[j] == ';';
		break;
	}
	default:
		break;
	}
	if (esc)
		buf_addch(&c->inl, '\\');
	buf_addch(&c->inl, ch);
}

void md_text(struct conv *c, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char ch = (unsigned char)s[i];

		if (is_ws((char)ch)) {
			size_t nl = 0;

			for (; i < n && is_ws(s[i]); i++)
				nl += s[i] == '\n';
			if (c->o->autop && nl >= 2)
				add_break(c, MD_PARA);
			else if (c->o->autop && nl == 1)
				add_break(c, MD_BR);
			else
				add_space(c);
			continue;
		}
		if (ch < 0x20 || ch == 0x7f) {
			i++;
			continue;
		}
		add_escaped(c, s, i, n);
		i++;
	}
}

void md_wrap(struct conv *c, size_t start, const char *delim)
{
	struct buf *b = &c->inl;
	size_t from = start, to = b->len, dl = strlen(delim);
	char *mid, *tail;
	size_t midlen, taillen;

	while (from < to && (b->data[from] == ' ' || b->data[from] == MD_BR))
		from++;
	while (to > from && (b->data[to - 1] == ' ' || b->data[to - 1] == MD_BR))
		to--;
	if (from == to)
		return;
	midlen = to - from;
	taillen = b->len - to;
	mid = arena_strndup(c->a, b->data + from, midlen);
	tail = arena_strndup(c->a, b->data + to, taillen);
	b->len = from;
	b->data[from] = '\0';
	buf_add(b, delim, dl);
	buf_add(b, mid, midlen);
	buf_add(b, delim, dl);
	buf_add(b, tail, taillen);
}

/* Children wrapped in @delim, unless already inside that emphasis. */
static void emphasis(struct conv *c, xmlNode *n, int *level, const char *delim)
{
	size_t start = c->inl.len;

	(*level)++;
	c->inline_depth++;
	md_inline_children(c, n);
	c->inline_depth--;
	(*level)--;
	if (!*level)
		md_wrap(c, start, delim);
}

/* The text of @n and below, as libxml2 gathers it (caller frees). */
static xmlChar *text_of(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);

	return t ? t : xmlStrdup((const xmlChar *)"");
}

/* `code`: the text with a fence longer than any run of backticks in it. */
static void code_span(struct conv *c, xmlNode *n)
{
	xmlChar *t = text_of(n);
	const char *s = (const char *)t;
	size_t len = strlen(s), run = 0, longest = 0, i, j;
	bool pad;

	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i < len && is_ws(s[i]); i++)
		;
	if (i == len) {
		xmlFree(t);
		return;
	}
	pad = s[0] == '`' || s[len - 1] == '`' || is_ws(s[0]) || is_ws(s[len - 1]);
	for (j = 0; j <= longest; j++)
		buf_addch(&c->inl, '`');
	if (pad)
		buf_addch(&c->inl, ' ');
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (is_ws((char)ch))
			ch = ' ';
		else if (ch < 0x20 || ch == 0x7f)
			continue;
		buf_addch(&c->inl, (char)ch);
	}
	if (pad)
		buf_addch(&c->inl, ' ');
	for (j = 0; j <= longest; j++)
		buf_addch(&c->inl, '`');
	xmlFree(t);
}

/* Schemes a link or image may not have. */
static bool unsafe_url(const char *u)
{
	static const char *const bad[] = {
		"javascript:", "vbscript:", "data:", "file:", NULL,
	};
	char s[16];
	size_t n = 0, i;

	for (; *u && n < sizeof(s) - 1; u++)
		if ((unsigned char)*u > ' ')
			s[n++] = *u;
	s[n] = '\0';
	for (i = 0; bad[i]; i++)
		if (!strncasecmp(s, bad[i], strlen(bad[i])))
			return true;
	return false;
}

/* @u without its scheme ("//host/..."), or NULL when it has none. */
static const char *after_scheme(const char *u)
{
	if (!strncasecmp(u, "https:", 6))
		return u + 6;
	if (!strncasecmp(u, "http:", 5))
		return u + 5;
	return !strncmp(u, "//", 2) ? u : NULL;
}

const char *html_md_local(struct arena *a, const char *site, const char *u)
{
	const char *su, *uu;
	size_t n;

	if (!site || !*site || !(su = after_scheme(site)) || !(uu = after_scheme(u)))
		return NULL;
	n = strlen(su);
	while (n && su[n - 1] == '/')
		n--;
	if (strncasecmp(uu, su, n) || (uu[n] && !strchr("/?#", uu[n])))
		return NULL;
	return uu[n] == '/' ? uu + n : arena_printf(a, "/%s", uu + n);
}

/* An address under the old site as a path on this one, else as it is. */
static const char *site_path(struct conv *c, const char *u)
{
	const char *p = html_md_local(c->a, c->o->site_url, u);

	return p ? p : u;
}

/* A link or image address as Markdown writes it. */
static void add_url(struct conv *c, const char *u)
{
	for (; *u; u++) {
		unsigned char ch = (unsigned char)*u;

		if (ch <= ' ' || ch == 0x7f) {
			if (ch == ' ')
				buf_adds(&c->inl, "%20");
			continue;
		}
		switch (ch) {
		case '(': buf_adds(&c->inl, "%28"); break;
		case ')': buf_adds(&c->inl, "%29"); break;
		case '<': buf_adds(&c->inl, "%3C"); break;
		case '>': buf_adds(&c->inl, "%3E"); break;
		case '\\': buf_adds(&c->inl, "%5C"); break;
		default: buf_addch(&c->inl, (char)ch); break;
		}
	}
}

/* A link or image title: "..." with its quotes and backslashes escaped. */
static void add_title(struct conv *c, const char *t)
{
	if (!t || !*t)
		return;
	buf_adds(&c->inl, " \"");
	for (; *t; t++) {
		unsigned char ch = (unsigned char)*t;

		if (ch == '"' || ch == '\\')
			buf_addch(&c->inl, '\\');
		if (ch < 0x20 || ch == 0x7f)
			ch = ' ';
		buf_addch(&c->inl, (char)ch);
	}
	buf_addch(&c->inl, '"');
}

static void link(struct conv *c, xmlNode *n)
{
	const char *href = md_attr(c, n, "href");
	size_t start = c->inl.len, i;

	if (!href || !*href || c->link || unsafe_url(href)) {
		md_inline_children(c, n);
		return;
	}
	buf_addch(&c->inl, '[');
	c->link++;
	c->inline_depth++;
	md_inline_children(c, n);
	c->inline_depth--;
	c->link--;
	for (i = start + 1; i < c->inl.len; i++)
		if (c->inl.data[i] != ' ' && c->inl.data[i] != MD_BR)
			break;
	if (i == c->inl.len) {
		c->inl.len = start;
		c->inl.data[start] = '\0';
		return;
	}
	buf_adds(&c->inl, "](");
	add_url(c, site_path(c, str_trim(str_from(href)).p));
	add_title(c, md_attr(c, n, "title"));
	buf_addch(&c->inl, ')');
}

static void image(struct conv *c, xmlNode *n)
{
	const char *src = md_attr(c, n, "src"), *alt = md_attr(c, n, "alt");
	const char *to = NULL;

	if (!src || !*src || unsafe_url(src))
		return;
	if (!alt)
		alt = "";
	if (c->o->image)
		to = c->o->image(c->o->ctx, src, alt);
	if (to && !*to)
		return;		/* left out */
	buf_adds(&c->inl, "![");
	for (; *alt; alt++) {
		if (is_ws(*alt))
			add_space(c);
		else if ((unsigned char)*alt >= 0x20 && *alt != 0x7f)
			add_escaped(c, alt, 0, 1);
	}
	buf_adds(&c->inl, "](");
	add_url(c, to ? to : site_path(c, src));
	add_title(c, md_attr(c, n, "title"));
	buf_addch(&c->inl, ')');
}

/* iframe, video, ...: the address alone on its line, as an autolink. */
static void embed(struct conv *c, xmlNode *n)
{
	const char *u = md_attr(c, n, "src");
	xmlNode *k;

	if (!u && md_is(n, "object"))
		u = md_attr(c, n, "data");
	for (k = n->children; !u && k; k = k->next)
		if (md_is(k, "source"))
			u = md_attr(c, k, "src");
	if (!u || !(u = str_dup(c->a, str_trim(str_from(u)))) || !*u ||
	    unsafe_url(u))
		return;
	if (!strncmp(u, "//", 2))
		u = arena_printf(c->a, "https:%s", u);
	if (!after_scheme(u))
		return;
	add_break(c, MD_PARA);
	buf_addch(&c->inl, '<');
	add_url(c, u);
	buf_addch(&c->inl, '>');
	add_break(c, MD_PARA);
}

/* A figure's caption: after a line break, emphasised. */
static void caption(struct conv *c, xmlNode *n)
{
	size_t i;

	for (i = 0; i < c->inl.len; i++)
		if (c->inl.data[i] != ' ' && c->inl.data[i] != MD_BR &&
		    c->inl.data[i] != MD_PARA)
			break;
	if (i < c->inl.len)
		add_break(c, MD_BR);
	emphasis(c, n, &c->em, "*");
}

static void element(struct conv *c, xmlNode *n)
{
	if (md_is(n, "br"))
		add_break(c, MD_BR);
	else if (md_is(n, "em") || md_is(n, "i") || md_is(n, "cite") ||
		 md_is(n, "dfn") || md_is(n, "var"))
		emphasis(c, n, &c->em, "*");
	else if (md_is(n, "strong") || md_is(n, "b"))
		emphasis(c, n, &c->strong, "**");
	else if (md_is(n, "del") || md_is(n, "s") || md_is(n, "strike"))
		emphasis(c, n, &c->del, "~~");
	else if (md_is(n, "code") || md_is(n, "kbd") || md_is(n, "tt") ||
		 md_is(n, "samp") || md_is(n, "pre"))
		code_span(c, n);
	else if (md_is(n, "a"))
		link(c, n);
	else if (md_is(n, "img"))
		image(c, n);
	else if (md_is(n, "iframe") || md_is(n, "embed") || md_is(n, "object") ||
		 md_is(n, "video") || md_is(n, "audio"))
		embed(c, n);
	else if (md_is(n, "figcaption"))
		caption(c, n);
	else if (md_dropped_element(n))
		return;
	else if (md_block_element(n)) {
		add_space(c);
		md_inline_children(c, n);
		add_space(c);
	} else
		md_inline_children(c, n);
}

void md_inline(struct conv *c, xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		const char *s = (const char *)n->content;

		if (s)
			md_text(c, s, strlen(s));
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return;
	if (c->depth >= HTML_MD_DEPTH_MAX) {
		xmlChar *t = text_of(n);

		md_text(c, (const char *)t, strlen((const char *)t));
		xmlFree(t);
		return;
	}
	c->depth++;
	element(c, n);
	c->depth--;
}

void md_inline_children(struct conv *c, xmlNode *n)
{
	xmlNode *k;

	for (k = n->children; k; k = k->next)
		md_inline(c, k);
}
