/*
 * mustache.c - compile Mustache templates into node trees and render them.
 *
 * Compiling scans the source once.  It finds tags with the current
 * delimiters, decides whether a tag stands alone on its line (the spec then
 * drops the line's whitespace and newline), splits names on dots, and nests
 * the contents of each section under its section node.  Rendering walks the
 * tree with the context stack linked through the C stack, so it allocates
 * nothing.
 *
 * A standalone partial is indented as if its source had the tag's
 * indentation put before every line (what the reference implementation
 * does).  We get the same result without recompiling: text nodes remember
 * whether they begin a source line, a tag that begins a line gets an empty
 * text node in front of it to carry that mark, and the renderer writes the
 * indentation at those marks and after each newline inside a text node.
 *
 * Each template owns an arena holding its source copy and its nodes.
 * Partial nodes point to a slot of the set; a slot lives as long as the set,
 * so replacing a template never leaves another one pointing at freed memory,
 * and a partial added after the template that uses it is still found.
 */
#include "mustache.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/value.h"

/* Sections open at once in one template: bounds the renderer's recursion. */
#define MAX_NEST 100

#define NONE ((size_t)-1)

enum node_kind {
	N_TEXT,		/* literal text; empty with bol: a line-start mark */
	N_VAR,		/* {{name}}: HTML-escaped */
	N_RAW,		/* {{{name}}} and {{& name}}: as is */
	N_SECTION,	/* {{#name}} */
	N_INVERTED,	/* {{^name}} */
	N_PARTIAL,	/* {{> name}} */
	N_GROUP,	/* {{#_}}: the translation's nodes, in place */
	N_PLURAL,	/* {{#_n name}}: one node list per plural form */
};

/* Plural forms of one message: enough for every language. */
#define MAX_FORMS 8

struct slot;

struct node {
	enum node_kind kind;
	/* N_TEXT: begins a source line; N_PARTIAL: the tag stands alone. */
	bool bol;
	/* N_TEXT: the bytes; N_PARTIAL: whitespace before a standalone tag. */
	struct str text;
	/* N_VAR, N_RAW, sections: the name split on dots; none for ".". */
	const struct str *parts;
	size_t nparts;
	const struct node *kids;	/* sections */
	size_t nkids;
	const struct slot *partial;	/* N_PARTIAL */
	const struct node *const *forms;	/* N_PLURAL: nforms lists ... */
	const size_t *nform;		/* ... of nform[i] nodes each */
	size_t nforms;
	const struct tmpl_tr *tr;	/* N_PLURAL: picks the form */
};

struct tmpl {
	struct arena *arena;	/* holds this struct, the source, the nodes */
	const struct node *nodes;
	size_t n;
};

struct slot {
	struct tmpl *tmpl;	/* NULL until a template of the name is added */
	char name[];
};

struct tmpl_set {
	struct slot **slots;
	size_t n, cap;
	struct tmpl_tr tr_copy;
	const struct tmpl_tr *tr;	/* &tr_copy, or NULL: English */
};

struct open_section {
	size_t node;		/* index of the section node in parser.vec */
	size_t tag;		/* offset of the opening tag, for messages */
	struct str name;	/* as written, to match the end tag */
};

struct parser {
	struct tmpl_set *set;
	struct arena *a;
	const char *src;	/* the arena copy */
	size_t len;
	struct node *vec;	/* nodes of the open sections, innermost last */
	size_t n, cap;
	struct open_section open[MAX_NEST];
	size_t nopen;
	char *err;
	size_t errlen;
	bool in_tr;	/* compiling a translation: offset 0 is mid-line */
};

struct tmpl_set *tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

static void tmpl_free(struct tmpl *t)
{
	if (t)
		arena_free(t->arena);	/* t lives in its own arena */
}

void tmpl_set_free(struct tmpl_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++) {
		tmpl_free(set->slots[i]->tmpl);
		free(set->slots[i]);
	}
	free(set->slots);
	free(set);
}

/* The slot called [name, name+len), or NULL. */
static struct slot *slot_get(const struct tmpl_set *set, const char *name,
			     size_t len)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		struct slot *s = set->slots[i];

		if (s->name[0] == (len ? name[0] : '\0') &&
		    strnlen(s->name, len + 1) == len &&
		    !memcmp(s->name, name, len))
			return s;
	}
	return NULL;
}

/* Like slot_get(), but add an empty slot when there is none. */
static struct slot *slot_make(struct tmpl_set *set, const char *name,
			      size_t len)
{
	struct slot *s = slot_get(set, name, len);

	if (s)
		return s;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->slots = xrealloc(set->slots,
				      set->cap * sizeof(*set->slots));
	}
	s = xmalloc(sizeof(*s) + len + 1);
	s->tmpl = NULL;
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	set->slots[set->n++] = s;
	return s;
}

void tmpl_set_translator(struct tmpl_set *set, const struct tmpl_tr *tr)
{
	if (tr)
		set->tr_copy = *tr;
	set->tr = tr ? &set->tr_copy : NULL;
}

int tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	const struct slot *s = slot_get(set, name, strlen(name));

	return s && s->tmpl;
}

/* 1-based line number of byte @off, for messages. */
static size_t line_of(const struct parser *p, size_t off)
{
	size_t i, line = 1;

	for (i = 0; i < off && i < p->len; i++)
		line += p->src[i] == '\n';
	return line;
}

/* Write "line N: <message>" into the caller's buffer; returns ERR_INVALID. */
__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return ERR_INVALID;
	n = snprintf(p->err, p->errlen, "line %zu: ", line_of(p, off));
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return ERR_INVALID;
}

/* Length to quote a name with in a message. */
static int qlen(struct str s)
{
	return s.len > 40 ? 40 : (int)s.len;
}

/* A new zeroed node at the end of vec; valid until the next push. */
static struct node *push(struct parser *p, enum node_kind kind)
{
	struct node *n;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->vec = xrealloc(p->vec, p->cap * sizeof(*p->vec));
	}
	n = &p->vec[p->n++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

static bool at_bol(const struct parser *p, size_t off)
{
	return off == 0 ? !p->in_tr : p->src[off - 1] == '\n';
}

/* Text [from, to) as a node, if there is any. */
static void add_text(struct parser *p, size_t from, size_t to)
{
	struct node *n;

	if (to <= from)
		return;
	n = push(p, N_TEXT);
	n->text = (struct str){ p->src + from, to - from };
	n->bol = at_bol(p, from);
}

/* An empty text node marking that the next tag begins a line. */
static void add_mark(struct parser *p, size_t off)
{
	struct node *n = push(p, N_TEXT);

	n->text = (struct str){ p->src + off, 0 };
	n->bol = true;
}

/* Copy nodes [from, p->n) into the arena and drop them from vec. */
static const struct node *take_nodes(struct parser *p, size_t from,
				     size_t *count)
{
	size_t n = p->n - from;
	struct node *out = arena_alloc(p->a, n * sizeof(*out));

	if (n)
		memcpy(out, p->vec + from, n * sizeof(*out));
	p->n = from;
	*count = n;
	return out;
}

/* Offset of @needle in the source at or after @from, or NONE. */
static size_t find(const struct parser *p, size_t from, struct str needle)
{
	const char *hit;

	if (from > p->len)
		return NONE;
	hit = memmem(p->src + from, p->len - from, needle.p, needle.len);
	return hit ? (size_t)(hit - p->src) : NONE;
}

/*
 * Where a tag whose body starts at @from ends: the offset of @lead followed
 * by the closing delimiter, or of the delimiter alone when @lead is 0.
 */
static size_t find_close(const struct parser *p, size_t from, char lead,
			 struct str ctag)
{
	size_t at = from, c;

	for (;;) {
		c = find(p, at, ctag);
		if (c == NONE || !lead)
			return c;
		if (c > from && p->src[c - 1] == lead)
			return c - 1;
		at = c + 1;
	}
}

/*
 * True when the tag [t, e) is alone on its line but for spaces and tabs;
 * then *ws is where the line starts and *next is past its line ending.
 * @from is where the current text run began: nothing before it can count.
 */
static bool standalone(const struct parser *p, size_t from, size_t t,
		       size_t e, size_t *ws, size_t *next)
{
	const char *s = p->src;
	size_t b = t, q = e;

	while (b > from && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	if (!at_bol(p, b))
		return false;
	while (q < p->len && (s[q] == ' ' || s[q] == '\t'))
		q++;
	if (q < p->len) {
		if (s[q] == '\n')
			q++;
		else if (s[q] == '\r' && q + 1 < p->len && s[q + 1] == '\n')
			q += 2;
		else
			return false;
	}
	*ws = b;
	*next = q;
	return true;
}

/* Split the trimmed tag body into the dotted parts of a name. */
static int parse_name(struct parser *p, struct str body, size_t tag,
		      struct node *n)
{
	struct str s = str_trim(body), *parts;
	size_t i, k, start, count = 1;

	if (!s.len)
		return fail(p, tag, "empty tag");
	if (s.len == 1 && s.p[0] == '.')
		return 0;
	for (i = 0; i < s.len; i++)
		count += s.p[i] == '.';
	parts = arena_alloc(p->a, count * sizeof(*parts));
	for (i = 0, k = 0, start = 0; i <= s.len; i++) {
		if (i < s.len && s.p[i] != '.')
			continue;
		if (i == start)
			return fail(p, tag, "bad name \"%.*s\"", qlen(s), s.p);
		parts[k++] = (struct str){ s.p + start, i - start };
		start = i + 1;
	}
	n->parts = parts;
	n->nparts = count;
	return 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* {{=open close=}}: two words, neither containing '='. */
static int set_delims(struct parser *p, struct str body, size_t tag,
		      struct str *otag, struct str *ctag)
{
	struct str s = str_trim(body), o, c;
	size_t i = 0;

	while (i < s.len && !is_ws(s.p[i]))
		i++;
	o = (struct str){ s.p, i };
	while (i < s.len && is_ws(s.p[i]))
		i++;
	c = (struct str){ s.p + i, s.len - i };
	if (!o.len || !c.len || memchr(o.p, '=', o.len) ||
	    memchr(c.p, '=', c.len))
		return fail(p, tag, "bad delimiter tag");
	for (i = 0; i < c.len; i++)
		if (is_ws(c.p[i]))
			return fail(p, tag, "bad delimiter tag");
	*otag = o;
	*ctag = c;
	return 0;
}

static int open_section(struct parser *p, char type, struct str body,
			size_t tag)
{
	struct node *n;
	int r;

	if (p->nopen == MAX_NEST)
		return fail(p, tag, "sections nested deeper than %d", MAX_NEST);
	n = push(p, type == '#' ? N_SECTION : N_INVERTED);
	r = parse_name(p, body, tag, n);
	if (r)
		return r;
	p->open[p->nopen++] = (struct open_section){
		p->n - 1, tag, str_trim(body)
	};
	return 0;
}

static int close_section(struct parser *p, struct str body, size_t tag)
{
	struct str name = str_trim(body);
	struct open_section *o;
	struct node *n;
	const struct node *kids;
	size_t count;

	if (!p->nopen)
		return fail(p, tag, "end of section \"%.*s\" that is not open",
			    qlen(name), name.p);
	o = &p->open[p->nopen - 1];
	if (!str_eq(o->name, name))
		return fail(p, tag, "section \"%.*s\" ended by \"%.*s\"",
			    qlen(o->name), o->name.p, qlen(name), name.p);
	kids = take_nodes(p, o->node + 1, &count);
	n = &p->vec[o->node];
	n->kids = kids;
	n->nkids = count;
	p->nopen--;
	return 0;
}

static int add_partial(struct parser *p, struct str body, size_t tag,
		       bool alone, size_t ws)
{
	struct str name = str_trim(body);
	struct node *n;

	if (!name.len)
		return fail(p, tag, "empty partial name");
	n = push(p, N_PARTIAL);
	n->partial = slot_make(p->set, name.p, name.len);
	n->bol = alone;
	n->text = (struct str){ p->src + ws, alone ? tag - ws : 0 };
	return 0;
}

static int compile(struct parser *p);

/* "_" or "_n NAME": a translation section (*plural says which). */
static bool is_tr_name(struct str name, bool *plural)
{
	*plural = name.len > 3 && !memcmp(name.p, "_n ", 3);
	return *plural || (name.len == 1 && name.p[0] == '_');
}

/* Compile translated text @src as nodes of their own (in the arena). */
static int compile_tr(struct parser *p, size_t tag, const char *src,
		      const struct node **nodes, size_t *count)
{
	struct parser sub = { .set = p->set, .a = p->a, .in_tr = true };
	char msg[200];
	int r;

	sub.src = arena_strdup(p->a, src);
	sub.len = strlen(src);
	sub.err = msg;
	sub.errlen = sizeof(msg);
	msg[0] = '\0';
	r = compile(&sub);
	if (!r)
		*nodes = take_nodes(&sub, 0, count);
	free(sub.vec);
	if (r)
		return fail(p, tag, "in the translation of this message: %s",
			    msg);
	return 0;
}

static const char *tr_text(const struct tmpl_tr *tr, const char *msgid)
{
	const char *t = tr ? tr->text(tr->ctx, msgid) : NULL;

	return t ? t : msgid;
}

/*
 * The translation section whose start tag [t, e) names @name: compile its
 * translation in place; *next is past its end tag.
 */
static int add_translation(struct parser *p, struct str name, size_t t,
			   size_t e, size_t *next)
{
	const struct tmpl_tr *tr = p->set->tr;
	char *end_tag = arena_printf(p->a, "{{/%.*s}}", (int)name.len, name.p);
	size_t close = find(p, e, str_from(end_tag)), bar, i, k = 0;
	const char *forms[MAX_FORMS];
	const struct node **lists;
	size_t *counts;
	struct node *n;
	bool plural;
	char *msg;
	int r;

	is_tr_name(name, &plural);
	if (p->in_tr)
		return fail(p, t, "a translation inside a translation");
	if (close == NONE)
		return fail(p, t, "unclosed translation \"%.*s\"",
			    qlen(name), name.p);
	*next = close + strlen(end_tag);
	msg = arena_strndup(p->a, p->src + e, close - e);
	if (!plural) {
		n = push(p, N_GROUP);
		return compile_tr(p, t, tr_text(tr, msg), &n->kids, &n->nkids);
	}
	bar = find(p, e, STR("{{|}}"));
	if (bar == NONE || bar > close)
		return fail(p, t, "plural message without {{|}}");
	msg[bar - e] = '\0';
	forms[0] = msg;
	forms[1] = msg + (bar - e) + 5;
	if (tr)
		k = tr->forms(tr->ctx, forms[0], forms[1], forms, MAX_FORMS);
	if (!k)
		k = 2;
	lists = arena_alloc(p->a, k * sizeof(*lists));
	counts = arena_alloc(p->a, k * sizeof(*counts));
	for (i = 0; i < k; i++)
		if ((r = compile_tr(p, t, forms[i], &lists[i], &counts[i])))
			return r;
	n = push(p, N_PLURAL);
	n->forms = lists;
	n->nform = counts;
	n->nforms = k;
	n->tr = tr;
	return parse_name(p, (struct str){ name.p + 3, name.len - 3 }, t, n);
}

/* Compile the whole source into p->vec (the top level stays there). */
static int compile(struct parser *p)
{
	struct str otag = STR("{{"), ctag = STR("}}");
	size_t pos = 0;
	int r = 0;

	for (;;) {
		size_t t, start, c, e, ws, next;
		struct str body;
		char type, lead;
		bool alone = false;

		t = find(p, pos, otag);
		if (t == NONE) {
			add_text(p, pos, p->len);
			break;
		}
		start = t + otag.len;
		type = start < p->len ? p->src[start] : '\0';
		if (type && memchr("#^/>!=&{", type, 8))
			start++;
		else
			type = 'n';
		lead = type == '{' ? '}' : type == '=' ? '=' : '\0';
		c = find_close(p, start, lead, ctag);
		if (c == NONE)
			return fail(p, t, "unclosed tag");
		body = (struct str){ p->src + start, c - start };
		e = c + (lead ? 1 : 0) + ctag.len;
		if (type == '#' && is_tr_name(str_trim(body), &alone)) {
			add_text(p, pos, t);
			if (at_bol(p, t))
				add_mark(p, t);
			r = add_translation(p, str_trim(body), t, e, &pos);
			if (r)
				return r;
			continue;
		}
		alone = false;
		if (memchr("#^/>!=", type, 6))
			alone = standalone(p, pos, t, e, &ws, &next);
		if (alone) {
			add_text(p, pos, ws);
		} else {
			add_text(p, pos, t);
			if (at_bol(p, t))
				add_mark(p, t);
			ws = t;
			next = e;
		}
		switch (type) {
		case 'n':
		case '&':
		case '{':
			r = parse_name(p, body, t,
				       push(p, type == 'n' ? N_VAR : N_RAW));
			break;
		case '#':
		case '^':
			r = open_section(p, type, body, t);
			break;
		case '/':
			r = close_section(p, body, t);
			break;
		case '>':
			r = add_partial(p, body, t, alone, ws);
			break;
		case '=':
			r = set_delims(p, body, t, &otag, &ctag);
			break;
		}
		if (r)
			return r;
		pos = next;
	}
	if (p->nopen) {
		struct open_section *o = &p->open[p->nopen - 1];

		return fail(p, o->tag, "unclosed section \"%.*s\"",
			    qlen(o->name), o->name.p);
	}
	return 0;
}

int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
		 size_t len, char *err, size_t errlen)
{
	struct parser p = { .set = set, .err = err, .errlen = errlen };
	struct tmpl *t;
	struct slot *slot;
	int r;

	if (err && errlen)
		err[0] = '\0';
	p.a = arena_new(len + 4096);
	t = arena_zalloc(p.a, sizeof(*t));
	t->arena = p.a;
	p.src = arena_strndup(p.a, src ? src : "", src ? len : 0);
	p.len = src ? len : 0;
	r = compile(&p);
	if (r)
		goto out;
	t->nodes = take_nodes(&p, 0, &t->n);
	slot = slot_make(set, name, strlen(name));
	tmpl_free(slot->tmpl);
	slot->tmpl = t;
	t = NULL;
out:
	free(p.vec);
	tmpl_free(t);
	return r;
}

/* Rendering. */

struct ctx {
	const struct tval *v;
	const struct ctx *up;
};

struct indent {
	struct str s;
	const struct indent *up;
};

static void put_indent(struct buf *out, const struct indent *ind)
{
	if (!ind)
		return;
	put_indent(out, ind->up);
	buf_addstr(out, ind->s);
}

static void put_text(struct buf *out, const struct node *n,
		     const struct indent *ind)
{
	const char *s = n->text.p, *end = s + n->text.len, *nl;

	if (!ind) {
		buf_addstr(out, n->text);
		return;
	}
	if (n->bol)
		put_indent(out, ind);
	while ((nl = memchr(s, '\n', (size_t)(end - s))) && nl + 1 < end) {
		buf_add(out, s, (size_t)(nl + 1 - s));
		put_indent(out, ind);
		s = nl + 1;
	}
	buf_add(out, s, (size_t)(end - s));
}

/* Integers without a decimal point, others in the shortest exact form. */
static void put_num(struct buf *out, double d)
{
	char tmp[40];

	tv_num_format(d, tmp);
	buf_adds(out, tmp);
}

static void put_value(struct buf *out, const struct tval *v, bool escape)
{
	if (!v)
		return;
	switch (v->type) {
	case TV_STR:
		if (escape)
			html_escape(out, v->u.str.p, v->u.str.len);
		else
			buf_add(out, v->u.str.p, v->u.str.len);
		break;
	case TV_NUM:
		put_num(out, v->u.num);
		break;
	case TV_BOOL:
		buf_adds(out, v->u.b ? "true" : "false");
		break;
	default:
		break;	/* null, lists and maps print nothing */
	}
}

/*
 * The value a name refers to: the first part is looked up from the
 * innermost context outwards, the others only inside what it found.
 */
static const struct tval *lookup(const struct node *n, const struct ctx *cx)
{
	const struct tval *v = NULL;
	size_t i;

	if (!n->nparts)
		return cx ? cx->v : NULL;
	for (; cx && !v; cx = cx->up)
		v = tv_get(cx->v, n->parts[0].p, n->parts[0].len);
	for (i = 1; i < n->nparts && v; i++)
		v = tv_get(v, n->parts[i].p, n->parts[i].len);
	return v;
}

static int render_nodes(const struct node *n, size_t count,
			const struct ctx *cx, const struct indent *ind,
			int depth, struct buf *out);

static int render_section(const struct node *n, const struct ctx *cx,
			  const struct indent *ind, int depth,
			  struct buf *out)
{
	const struct tval *v = lookup(n, cx);
	struct ctx inner = { v, cx };
	size_t i;
	int r;

	if (n->kind == N_INVERTED) {
		if (tv_truthy(v))
			return 0;
		return render_nodes(n->kids, n->nkids, cx, ind, depth, out);
	}
	if (!tv_truthy(v))
		return 0;
	if (v->type != TV_LIST)
		return render_nodes(n->kids, n->nkids, &inner, ind, depth, out);
	for (i = 0; i < v->u.list.n; i++) {
		inner.v = v->u.list.items[i];
		r = render_nodes(n->kids, n->nkids, &inner, ind, depth, out);
		if (r)
			return r;
	}
	return 0;
}

/* The form of a plural message that the number under its name takes. */
static int render_plural(const struct node *n, const struct ctx *cx,
			 const struct indent *ind, int depth, struct buf *out)
{
	const struct tval *v = lookup(n, cx);
	unsigned long count = 0;
	size_t i;

	if (v && v->type == TV_NUM && v->u.num >= 0 && v->u.num < 4e18)
		count = (unsigned long)v->u.num;
	else if (v && v->type == TV_STR && v->u.str.len < 20) {
		char tmp[20];

		memcpy(tmp, v->u.str.p, v->u.str.len);
		tmp[v->u.str.len] = '\0';
		count = tmp[0] >= '0' && tmp[0] <= '9' ? strtoul(tmp, NULL, 10) : 0;
	}
	i = n->tr ? n->tr->plural(n->tr->ctx, count) : count != 1;
	if (i >= n->nforms)
		i = n->nforms - 1;
	return render_nodes(n->forms[i], n->nform[i], cx, ind, depth, out);
}

static int render_partial(const struct node *n, const struct ctx *cx,
			  const struct indent *ind, int depth,
			  struct buf *out)
{
	const struct tmpl *t = n->partial->tmpl;
	struct indent more = { n->text, ind };

	if (!t)
		return 0;
	if (depth >= TMPL_MAX_DEPTH)
		return ERR_INVALID;
	/* Only a standalone partial is indented, by all enclosing indents. */
	return render_nodes(t->nodes, t->n, cx, n->bol ? &more : NULL,
			    depth + 1, out);
}

static int render_nodes(const struct node *n, size_t count,
			const struct ctx *cx, const struct indent *ind,
			int depth, struct buf *out)
{
	const struct node *end = n + count;
	int r = 0;

	for (; n < end && !r; n++) {
		switch (n->kind) {
		case N_TEXT:
			put_text(out, n, ind);
			break;
		case N_VAR:
		case N_RAW:
			put_value(out, lookup(n, cx), n->kind == N_VAR);
			break;
		case N_SECTION:
		case N_INVERTED:
			r = render_section(n, cx, ind, depth, out);
			break;
		case N_PARTIAL:
			r = render_partial(n, cx, ind, depth, out);
			break;
		case N_GROUP:
			r = render_nodes(n->kids, n->nkids, cx, ind, depth, out);
			break;
		case N_PLURAL:
			r = render_plural(n, cx, ind, depth, out);
			break;
		}
		if (out->overflow)
			return ERR_TOOBIG;
	}
	return r;
}

int tmpl_render(const struct tmpl_set *set, const char *name,
		const struct tval *ctx, struct buf *out)
{
	const struct slot *s = slot_get(set, name, strlen(name));
	struct ctx root = { ctx, NULL };

	if (!s || !s->tmpl)
		return ERR_NOTFOUND;
	return render_nodes(s->tmpl->nodes, s->tmpl->n, &root, NULL, 0, out);
}
