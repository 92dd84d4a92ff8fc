/*
 * html_md.c - the blocks of a WordPress post as Markdown: paragraphs,
 * headings, quotes, lists, code, tables and rules, each line written
 * with the prefixes of the quotes and list items around it.  The text
 * inside a paragraph is html_md_inline.c's.
 */
#include "html_md.h"

#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "import/html_md_int.h"
#include "import/shortcode.h"

static const char *const blocks[] = {
	"p", "div", "section", "article", "main", "header", "footer", "aside",
	"nav", "center", "address", "figure", "blockquote", "ul", "ol", "li",
	"dl", "dt", "dd", "pre", "table", "thead", "tbody", "tfoot", "tr",
	"td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
	"form", "fieldset", "details", "summary", "hgroup", "body", "menu",
	NULL,
};

static const char *const dropped[] = {
	"script", "style", "noscript", "template", "head", "title", "meta",
	"link", "svg", "math", "button", "input", "select", "textarea",
	"option", "map", "area", "canvas", "param", "source", "track",
	"frameset", "frame", "dialog", NULL,
};

static bool in_list(const xmlNode *n, const char *const *list)
{
	size_t i;

	if (n->type != XML_ELEMENT_NODE)
		return false;
	for (i = 0; list[i]; i++)
		if (!xmlStrcmp(n->name, (const xmlChar *)list[i]))
			return true;
	return false;
}

bool md_block_element(const xmlNode *n)
{
	return in_list(n, blocks);
}

bool md_dropped_element(const xmlNode *n)
{
	return in_list(n, dropped);
}

/* ---- lines ---- */

/* A blank line, if one is due: the quotes' ">" kept, nothing else. */
static void blank_line(struct conv *c)
{
	int i;
	size_t end;

	if (!c->blank || !c->out.len) {
		c->blank = false;
		return;
	}
	for (i = 0; i < c->nlv && c->lv[i].started; i++)
		buf_adds(&c->out, c->lv[i].cont);
	end = c->out.len;
	while (end && c->out.data[end - 1] == ' ')
		end--;
	c->out.len = end;
	c->out.data[end] = '\0';
	buf_addch(&c->out, '\n');
	c->blank = false;
}

/* Begin a line of a new block: the blank line before it, its prefixes. */
static void start_line(struct conv *c)
{
	int i;

	blank_line(c);
	for (i = 0; i < c->nlv; i++) {
		buf_adds(&c->out, c->lv[i].started ? c->lv[i].cont : c->lv[i].first);
		c->lv[i].started = true;
	}
}

/* End the current line and begin the next one of the same block. */
static void next_line(struct conv *c, bool empty)
{
	int i;

	buf_addch(&c->out, '\n');
	for (i = 0; i < c->nlv; i++)
		buf_adds(&c->out, c->lv[i].cont);
	if (empty) {
		size_t end = c->out.len;

		while (end && c->out.data[end - 1] == ' ')
			end--;
		c->out.len = end;
		c->out.data[end] = '\0';
	}
}

/* A block has ended: a blank line before the next, unless in a tight item. */
static void block_done(struct conv *c)
{
	buf_addch(&c->out, '\n');
	c->blank = !(c->nlv && c->lv[c->nlv - 1].item && c->lv[c->nlv - 1].tight);
}

static bool push_level(struct conv *c, const char *first, bool item, bool tight)
{
	struct md_level *l;
	size_t n = strlen(first);

	if (c->nlv >= HTML_MD_LEVELS_MAX) {
		c->deep++;
		return false;
	}
	l = &c->lv[c->nlv++];
	snprintf(l->first, sizeof(l->first), "%s", first);
	if (item)
		snprintf(l->cont, sizeof(l->cont), "%*s", (int)n, "");
	else
		snprintf(l->cont, sizeof(l->cont), "%s", first);
	l->started = false;
	l->item = item;
	l->tight = tight;
	return true;
}

static void pop_level(struct conv *c)
{
	if (c->deep) {
		c->deep--;
		return;
	}
	c->nlv--;
}

/* One line of paragraph text, escaped where Markdown would see a block. */
static void write_segment(struct conv *c, const char *s, size_t n)
{
	size_t d = 0;

	if (n && strchr("#>+-=", s[0]))
		buf_addch(&c->out, '\\');
	while (d < n && d < 10 && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d && d < 10 && d < n && (s[d] == '.' || s[d] == ')') &&
	    (d + 1 == n || s[d + 1] == ' ')) {
		buf_add(&c->out, s, d);
		buf_addch(&c->out, '\\');
		s += d;
		n -= d;
	}
	buf_add(&c->out, s, n);
}

static bool trim_char(const char *s, size_t i, size_t n, size_t *w)
{
	if (s[i] == ' ' || s[i] == MD_BR) {
		*w = 1;
		return true;
	}
	if (i + 1 < n && (unsigned char)s[i] == 0xC2 &&
	    (unsigned char)s[i + 1] == 0xA0) {
		*w = 2;
		return true;
	}
	return false;
}

/* [*from, *to) without spaces, breaks and no-break spaces at either end. */
static void trim(const char *s, size_t *from, size_t *to)
{
	size_t w;

	while (*from < *to && trim_char(s, *from, *to, &w))
		*from += w;
	while (*to > *from) {
		if (s[*to - 1] == ' ' || s[*to - 1] == MD_BR)
			(*to)--;
		else if (*to - *from >= 2 && (unsigned char)s[*to - 2] == 0xC2 &&
			 (unsigned char)s[*to - 1] == 0xA0)
			*to -= 2;
		else
			break;
	}
}

/* One paragraph: its segments, a "\" line break apart. */
static void paragraph(struct conv *c, const char *s, size_t from, size_t to)
{
	bool first = true;

	trim(s, &from, &to);
	if (from == to)
		return;
	start_line(c);
	while (from < to) {
		const char *br = memchr(s + from, MD_BR, to - from);
		size_t end = br ? (size_t)(br - s) : to, a = from, b = end;

		trim(s, &a, &b);
		if (a < b) {
			if (!first) {
				buf_addch(&c->out, '\\');
				next_line(c, false);
			}
			write_segment(c, s + a, b - a);
			first = false;
		}
		from = end + 1;
	}
	block_done(c);
}

void md_flush(struct conv *c)
{
	const char *s = c->inl.data;
	size_t n = c->inl.len, from = 0;

	while (from < n) {
		const char *p = memchr(s + from, MD_PARA, n - from);
		size_t end = p ? (size_t)(p - s) : n;

		paragraph(c, s, from, end);
		from = end + 1;
	}
	buf_reset(&c->inl);
}

/* ---- blocks ---- */

static void block(struct conv *c, xmlNode *n);

/* The children of a container: runs of text as paragraphs, and blocks. */
static void children(struct conv *c, xmlNode *n)
{
	xmlNode *k;

	for (k = n->children; k; k = k->next) {
		if (md_block_element(k) && !md_is(k, "figcaption")) {
			md_flush(c);
			block(c, k);
		} else {
			md_inline(c, k);
		}
	}
	md_flush(c);
}

/* The paragraph gathered so far as one line, its breaks as spaces. */
static char *one_line(struct conv *c)
{
	struct buf *b = &c->inl;
	char *s;
	size_t i, j = 0, from = 0, to;

	for (i = 0; i < b->len; i++)
		if (b->data[i] == MD_BR || b->data[i] == MD_PARA)
			b->data[i] = ' ';
	s = arena_alloc(c->a, b->len + 1);
	for (i = 0; i < b->len; i++)
		if (b->data[i] != ' ' || (j && s[j - 1] != ' '))
			s[j++] = b->data[i];
	to = j;
	trim(s, &from, &to);
	memmove(s, s + from, to - from);
	s[to - from] = '\0';
	buf_reset(b);
	return s;
}

static void heading(struct conv *c, xmlNode *n, int level)
{
	char *t;
	size_t len, h;

	c->inline_depth++;
	md_inline_children(c, n);
	c->inline_depth--;
	t = one_line(c);
	if (!*t)
		return;
	start_line(c);
	buf_printf(&c->out, "%.*s ", level, "######");
	len = strlen(t);
	for (h = len; h && t[h - 1] == '#'; h--)
		;
	buf_add(&c->out, t, h);
	if (h < len)
		buf_addch(&c->out, '\\');
	buf_add(&c->out, t + h, len - h);
	block_done(c);
}

static void quote(struct conv *c, xmlNode *n)
{
	bool pushed = push_level(c, "> ", false, false);

	children(c, n);
	if (pushed && !c->lv[c->nlv - 1].started) {
		pop_level(c);
		return;
	}
	pop_level(c);
	c->blank = true;
}

/* A list is tight when no item holds more than one block. */
static bool tight_list(xmlNode *list)
{
	xmlNode *li, *k;

	for (li = list->children; li; li = li->next) {
		int blocks_in = 0;
		bool run = false;

		if (!md_is(li, "li"))
			continue;
		for (k = li->children; k; k = k->next) {
			if (md_is(k, "ul") || md_is(k, "ol"))
				continue;
			if (md_block_element(k))
				blocks_in++;
			else if (k->type == XML_ELEMENT_NODE ||
				 (k->type == XML_TEXT_NODE && k->content &&
				  strspn((const char *)k->content, " \t\r\n") !=
				  strlen((const char *)k->content)))
				run = true;
		}
		if (blocks_in + run > 1)
			return false;
	}
	return true;
}

static void list(struct conv *c, xmlNode *n, bool ordered)
{
	const char *start = ordered ? md_attr(c, n, "start") : NULL;
	long num = start ? strtol(start, NULL, 10) : 1;
	bool tight = tight_list(n), pushed;
	xmlNode *k;

	if (num < 0 || num > 999999999)
		num = 1;
	for (k = n->children; k; k = k->next) {
		char marker[16];

		if (!md_is(k, "li"))
			continue;
		snprintf(marker, sizeof(marker), ordered ? "%ld. " : "- ", num++);
		pushed = push_level(c, marker, true, tight);
		children(c, k);
		if (pushed && !c->lv[c->nlv - 1].started) {
			start_line(c);
			c->out.data[--c->out.len] = '\0';	/* "-", not "- " */
			block_done(c);
		}
		pop_level(c);
		c->blank = !tight;
	}
	c->blank = !(c->nlv && c->lv[c->nlv - 1].item && c->lv[c->nlv - 1].tight);
}

/* The text of a <pre>, line breaks as newlines. */
static void pre_text(struct conv *c, xmlNode *n, struct buf *b, int depth)
{
	xmlNode *k;

	for (k = n->children; k; k = k->next) {
		if (k->type == XML_TEXT_NODE && k->content)
			buf_adds(b, (const char *)k->content);
		else if (md_is(k, "br"))
			buf_addch(b, '\n');
		else if (k->type == XML_ELEMENT_NODE && !md_dropped_element(k) &&
			 depth < HTML_MD_DEPTH_MAX)
			pre_text(c, k, b, depth + 1);
	}
}

/* The language of a code block from "language-X", "lang-X" or "brush: X". */
static const char *code_language(struct conv *c, xmlNode *pre)
{
	static const char *const keys[] = { "language-", "lang-", "brush: ", NULL };
	xmlNode *n = pre;
	int round, i;

	for (round = 0; round < 2 && n; round++) {
		const char *cls = md_attr(c, n, "class");

		for (i = 0; cls && keys[i]; i++) {
			const char *p = strstr(cls, keys[i]);
			size_t len;

			if (!p)
				continue;
			p += strlen(keys[i]);
			len = strspn(p, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-");
			if (len && len < 32)
				return arena_strndup(c->a, p, len);
		}
		for (n = pre->children; n && !md_is(n, "code"); n = n->next)
			;
	}
	return "";
}

static void code_block(struct conv *c, xmlNode *n)
{
	struct buf b;
	size_t longest = 0, run = 0, i, fence, len;
	const char *s;

	buf_init(&b, c->a, HTML_MD_OUTPUT_MAX);
	pre_text(c, n, &b, c->depth);
	s = b.data;
	len = b.len;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	while (len && s[0] == '\n') {
		s++;
		len--;
	}
	if (!len || strspn(s, " \t\r\n") >= len)
		return;
	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest >= 3 ? longest + 1 : 3;
	start_line(c);
	for (i = 0; i < fence; i++)
		buf_addch(&c->out, '`');
	buf_adds(&c->out, code_language(c, n));
	for (i = 0; i < len; ) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len, j;

		next_line(c, end == i);
		for (j = i; j < end; j++) {
			unsigned char ch = (unsigned char)s[j];

			if ((ch >= 0x20 && ch != 0x7f) || ch == '\t')
				buf_addch(&c->out, (char)ch);
		}
		i = end + 1;
	}
	next_line(c, false);
	for (i = 0; i < fence; i++)
		buf_addch(&c->out, '`');
	block_done(c);
}

/* ---- tables ---- */

struct row {
	char **cell;
	size_t n;
};

/* The text of one cell: one line, its pipes escaped. */
static char *cell_text(struct conv *c, xmlNode *cell)
{
	const char *t;
	struct buf b;

	c->table++;
	md_inline_children(c, cell);
	c->table--;
	t = one_line(c);
	buf_init(&b, c->a, HTML_MD_OUTPUT_MAX);
	for (; *t; t++) {
		if (*t == '|')
			buf_addch(&b, '\\');
		buf_addch(&b, *t);
	}
	return b.data;
}

static void add_row(struct conv *c, xmlNode *tr, struct row **rows,
		    size_t *nrows, size_t *cap)
{
	struct row r = { NULL, 0 };
	xmlNode *k;
	size_t n = 0;

	for (k = tr->children; k; k = k->next)
		n += md_is(k, "td") || md_is(k, "th");
	if (n > HTML_MD_COLUMNS_MAX)
		n = HTML_MD_COLUMNS_MAX;
	r.cell = arena_alloc(c->a, (n + 1) * sizeof(char *));
	for (k = tr->children; k && r.n < n; k = k->next)
		if (md_is(k, "td") || md_is(k, "th"))
			r.cell[r.n++] = cell_text(c, k);
	if (*nrows == *cap) {
		struct row *nr = arena_alloc(c->a, (*cap * 2 + 8) * sizeof(*nr));

		if (*nrows)
			memcpy(nr, *rows, *nrows * sizeof(*nr));
		*rows = nr;
		*cap = *cap * 2 + 8;
	}
	(*rows)[(*nrows)++] = r;
}

static void write_row(struct conv *c, const struct row *r, size_t cols)
{
	size_t i;

	buf_addch(&c->out, '|');
	for (i = 0; i < cols; i++) {
		const char *t = i < r->n ? r->cell[i] : "";

		buf_addch(&c->out, ' ');
		buf_adds(&c->out, t);
		buf_adds(&c->out, *t ? " |" : "|");
	}
}

static void table(struct conv *c, xmlNode *n)
{
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0, cols = 0, i;
	xmlNode *k, *g;

	for (k = n->children; k; k = k->next) {
		if (md_is(k, "tr"))
			add_row(c, k, &rows, &nrows, &cap);
		else if (md_is(k, "thead") || md_is(k, "tbody") || md_is(k, "tfoot"))
			for (g = k->children; g; g = g->next)
				if (md_is(g, "tr"))
					add_row(c, g, &rows, &nrows, &cap);
	}
	for (i = 0; i < nrows; i++)
		if (rows[i].n > cols)
			cols = rows[i].n;
	if (!cols)
		return;
	start_line(c);
	write_row(c, &rows[0], cols);
	next_line(c, false);
	buf_addch(&c->out, '|');
	for (i = 0; i < cols; i++)
		buf_adds(&c->out, " --- |");
	for (i = 1; i < nrows; i++) {
		next_line(c, false);
		write_row(c, &rows[i], cols);
	}
	block_done(c);
	for (k = n->children; k; k = k->next)
		if (md_is(k, "caption")) {
			md_inline_children(c, k);
			md_flush(c);
		}
}

static void block(struct conv *c, xmlNode *n)
{
	if (c->depth >= HTML_MD_DEPTH_MAX) {
		md_inline(c, n);
		md_flush(c);
		return;
	}
	c->depth++;
	if (n->name[0] == 'h' && n->name[1] >= '1' && n->name[1] <= '6' &&
	    !n->name[2])
		heading(c, n, n->name[1] - '0');
	else if (md_is(n, "blockquote"))
		quote(c, n);
	else if (md_is(n, "ul") || md_is(n, "ol") || md_is(n, "menu"))
		list(c, n, md_is(n, "ol"));
	else if (md_is(n, "pre"))
		code_block(c, n);
	else if (md_is(n, "table"))
		table(c, n);
	else if (md_is(n, "hr")) {
		start_line(c);
		buf_adds(&c->out, "---");
		block_done(c);
	} else
		children(c, n);
	c->depth--;
}

/* ---- entry points ---- */

#define HTML_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | \
		      HTML_PARSE_NOWARNING | HTML_PARSE_NONET | \
		      HTML_PARSE_NODEFDTD)

/* The parsed tree of @html (caller frees), its <body> in *body. */
static htmlDocPtr parse(const char *html, size_t len, xmlNode **body)
{
	htmlDocPtr doc;
	xmlNode *root, *k;

	*body = NULL;
	if (!len)
		return NULL;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", HTML_OPTIONS);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	for (k = root ? root->children : NULL; k; k = k->next)
		if (md_is(k, "body"))
			*body = k;
	return doc;
}

/* The length of the valid UTF-8 sequence at @s (of @n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

/*
 * @s with each byte that is not part of valid UTF-8 (and each NUL) as
 * U+FFFD: libxml2's HTML parser passes such bytes through.  An export
 * read by wxr.c is valid already, so this copies only for other callers.
 */
static const char *utf8_repair(struct arena *a, const char *s, size_t *n)
{
	struct buf b;
	size_t i, k;

	if (utf8_valid(s, *n))
		return s;
	buf_init(&b, a, *n * 3 + 1);
	for (i = 0; i < *n; i += k) {
		if ((k = utf8_seq((const unsigned char *)s + i, *n - i))) {
			buf_add(&b, s + i, k);
		} else {
			buf_adds(&b, "\xEF\xBF\xBD");
			k = 1;
		}
	}
	*n = b.len;
	return b.data;
}

/* Text with no markup, entity or shortcode: what the parser would give. */
static bool plain_text(const char *s, size_t n)
{
	return !memchr(s, '<', n) && !memchr(s, '&', n) && !memchr(s, '[', n) &&
	       utf8_valid(s, n);
}

bool html_md_autop(const char *html, size_t len)
{
	return !memmem(html, len, "<!-- wp:", 8);
}

int html_md(struct arena *a, const char *html, size_t len,
	    const struct html_md_opts *o, char **out, size_t *outlen)
{
	struct conv c = { .a = a, .o = o };
	htmlDocPtr doc = NULL;
	xmlNode *body;
	char *text = (char *)html;
	size_t tlen = len;
	int r;

	if (len > HTML_MD_INPUT_MAX)
		return ERR_TOOBIG;
	html = utf8_repair(a, html, &len);
	text = (char *)html;
	tlen = len;
	if (memchr(html, '[', len) &&
	    (r = sc_expand(a, html, len, HTML_MD_INPUT_MAX, &text, &tlen)))
		return r;
	buf_init(&c.out, a, HTML_MD_OUTPUT_MAX);
	buf_init(&c.inl, a, HTML_MD_OUTPUT_MAX);
	if (plain_text(text, tlen)) {	/* most comments: no parser needed */
		md_text(&c, text, tlen);
		md_flush(&c);
		goto out;
	}
	doc = parse(text, tlen, &body);
	if (body)
		children(&c, body);
	if (doc)
		xmlFreeDoc(doc);
out:
	if (c.out.overflow || c.inl.overflow)
		return ERR_TOOBIG;
	*out = c.out.data;
	*outlen = c.out.len;
	return 0;
}

/* The text below @n, spaces folded, into @b. */
static void plain_walk(xmlNode *n, struct buf *b, int depth)
{
	xmlNode *k;

	for (k = n->children; k; k = k->next) {
		if (k->type == XML_TEXT_NODE && k->content) {
			const char *s = (const char *)k->content;

			for (; *s; s++) {
				unsigned char ch = (unsigned char)*s;

				if (ch <= ' ' || ch == 0x7f) {
					if (b->len && b->data[b->len - 1] != ' ')
						buf_addch(b, ' ');
				} else {
					buf_addch(b, (char)ch);
				}
			}
		} else if (k->type == XML_ELEMENT_NODE &&
			   !in_list(k, dropped) && depth < HTML_MD_DEPTH_MAX) {
			if (md_block_element(k) || md_is(k, "br"))
				if (b->len && b->data[b->len - 1] != ' ')
					buf_addch(b, ' ');
			plain_walk(k, b, depth + 1);
		}
	}
}

char *html_plain(struct arena *a, const char *html, size_t len, size_t max)
{
	struct buf b;
	xmlNode *body;
	htmlDocPtr doc;
	char *text = (char *)html;
	size_t tlen = len, n;

	if (len > HTML_MD_INPUT_MAX)
		len = HTML_MD_INPUT_MAX;
	html = utf8_repair(a, html, &len);
	text = (char *)html;
	tlen = len;
	if (memchr(html, '[', len) &&
	    sc_expand(a, html, len, HTML_MD_INPUT_MAX, &text, &tlen))
		text = (char *)html, tlen = len;
	buf_init(&b, a, HTML_MD_OUTPUT_MAX);
	doc = parse(text, tlen, &body);
	if (body)
		plain_walk(body, &b, 0);
	if (doc)
		xmlFreeDoc(doc);
	n = b.len;
	while (n && b.data[n - 1] == ' ')
		n--;
	if (n > max) {
		n = max;
		while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80)
			n--;
		while (n && b.data[n - 1] == ' ')
			n--;
	}
	b.data[n] = '\0';
	return b.data[0] == ' ' ? b.data + 1 : b.data;
}
