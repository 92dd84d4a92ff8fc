/*
 * html_md_int.h - what the two halves of the HTML to Markdown converter
 * share: html_md.c writes blocks (paragraphs, lists, quotes, code,
 * tables) and the output lines with their prefixes; html_md_inline.c
 * writes the text of one paragraph (escaping, emphasis, links, images).
 *
 * A paragraph is gathered in conv.inl with two marker bytes that cannot
 * come from the input (control characters are dropped from it):
 * MD_PARA where a paragraph ends (wpautop's blank line, an embed) and
 * MD_BR for a line break.  md_flush() turns them into blank lines and
 * "\" line ends, with each line's prefix.
 */
#ifndef DATELINE_HTML_MD_INT_H
#define DATELINE_HTML_MD_INT_H

#include <libxml/HTMLtree.h>
#include <stdbool.h>

#include "core/buf.h"
#include "import/html_md.h"

#define MD_PARA '\x01'
#define MD_BR '\x02'

/* One level of block nesting: a quote ("> ") or a list item ("- "). */
struct md_level {
	char first[16];		/* the first line's prefix: "- ", "12. ", "> " */
	char cont[16];		/* the following lines': "  ", "    ", "> " */
	bool started;		/* its first line is written */
	bool item;		/* a list item */
	bool tight;		/* in a tight list: no blank line inside */
};

struct conv {
	struct arena *a;
	const struct html_md_opts *o;
	struct buf out;		/* the Markdown */
	struct buf inl;		/* the paragraph being gathered */
	struct md_level lv[HTML_MD_LEVELS_MAX];
	int nlv;
	int deep;		/* levels past HTML_MD_LEVELS_MAX, not indented */
	bool blank;		/* a blank line is due before the next line */
	int depth;		/* element nesting, for HTML_MD_DEPTH_MAX */
	int inline_depth;	/* inside em, a, ...: no paragraph breaks */
	int em, strong, del, link;
	int table;		/* inside a table cell: one line */
};

/* Element names, lower case as libxml2's HTML parser gives them. */
static inline bool md_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       !xmlStrcmp(n->name, (const xmlChar *)name);
}

/* The attribute @name of @n as an arena string, or NULL. */
const char *md_attr(struct conv *c, const xmlNode *n, const char *name);

/* Elements that start a block of their own. */
bool md_block_element(const xmlNode *n);

/* Elements whose content is never shown (script, style, form controls...). */
bool md_dropped_element(const xmlNode *n);

/* Text from the page into the paragraph: whitespace folded (wpautop's
 * rules when asked), Markdown's characters escaped. */
void md_text(struct conv *c, const char *s, size_t n);

/* Write @n (any node) and what it holds into the paragraph. */
void md_inline(struct conv *c, xmlNode *n);

/* Write each child of @n into the paragraph. */
void md_inline_children(struct conv *c, xmlNode *n);

/*
 * Make the paragraph text from @start to its end *x* (@delim "*", "**",
 * "~~"): the delimiters go inside the spaces at either end, and nothing
 * is added when there is no text between them.
 */
void md_wrap(struct conv *c, size_t start, const char *delim);

/* Write the gathered paragraph(s) out and empty conv.inl. */
void md_flush(struct conv *c);

#endif
