/*
 * mustache.h - our Mustache engine (https://mustache.github.io/mustache.5.html).
 *
 * Templates are compiled once (at start-up) into a tree of nodes and
 * rendered many times against a struct tval context.  {{name}} escapes HTML
 * by default; {{{name}}} and {{& name}} write raw.  Sections, inverted
 * sections, comments, set-delimiter tags, dotted names, implicit iterator
 * and partials (with standalone indentation) follow the official spec; the
 * optional lambdas are not supported.
 *
 * Translation (our extension; see tmpl_set_translator()): the section
 * {{#_}}Comments{{/_}} is replaced, when the template is compiled, by the
 * translation of its raw text ("Comments") compiled in its place, so a
 * message may hold tags ({{#_}}By {{author}}{{/_}}, msgid "By {{author}}")
 * and a translation may move them.  {{#_n count}}{{count}} reaction{{|}}
 * {{count}} reactions{{/_n count}} is a plural message (msgid and
 * msgid_plural split at "{{|}}"): every translated form is compiled, and
 * rendering picks the one the number @count takes.  Both are written with
 * the default delimiters, on one line, and do not nest; the end tag is
 * spelled exactly as the start tag's name.  Without a translator the
 * English text is used.
 *
 * Invariants: a compiled set is immutable and may be rendered from many
 * threads at once.  Partials are looked up by name in the same set at
 * render time; a missing partial renders as empty text, as the spec says.
 * Partial nesting deeper than TMPL_MAX_DEPTH stops with ERR_INVALID, so a
 * self-including template cannot exhaust the stack.
 */
#ifndef DATELINE_MUSTACHE_H
#define DATELINE_MUSTACHE_H

#include <stddef.h>

struct buf;
struct tval;

#define TMPL_MAX_DEPTH 32

struct tmpl_set;

/*
 * The translator of a set: hooks the compiler calls for {{#_}} sections.
 * @ctx is passed to each; all three must be set; what they return must
 * live as long as the set.
 */
struct tmpl_tr {
	const void *ctx;
	/* The translation of @msgid, or NULL to keep the English. */
	const char *(*text)(const void *ctx, const char *msgid);
	/* Up to @max forms of the plural message into @out; how many, or 0
	 * to keep the English pair. */
	size_t (*forms)(const void *ctx, const char *sing, const char *plural,
			const char **out, size_t max);
	/* The form number @n takes (an index into what forms() gave). */
	size_t (*plural)(const void *ctx, unsigned long n);
};

/* An empty set. Caller frees with tmpl_set_free(). */
struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);

/*
 * Compile @src (@len bytes, need not be NUL-terminated) under @name, replacing
 * a template of the same name.  The set keeps its own copies.  On a syntax
 * error (unclosed tag or section, mismatched section end, bad delimiter tag)
 * returns ERR_INVALID and writes "line N: what is wrong" into @err.
 */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
		 size_t len, char *err, size_t errlen);

/*
 * Translate the {{#_}} sections of templates added from now on with @tr
 * (copied; its ctx must outlive the set).  NULL: English.
 */
void tmpl_set_translator(struct tmpl_set *set, const struct tmpl_tr *tr);

/* True when the set holds a template called @name. */
int tmpl_set_has(const struct tmpl_set *set, const char *name);

/*
 * Render template @name with context @ctx, appending to @out.
 * ERR_NOTFOUND when there is no such template, ERR_TOOBIG when @out
 * overflows, ERR_INVALID when partials nest too deep.
 */
int tmpl_render(const struct tmpl_set *set, const char *name,
		const struct tval *ctx, struct buf *out);

#endif
