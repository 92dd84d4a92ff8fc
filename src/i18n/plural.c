/*
 * plural.c - parse and evaluate a catalogue's Plural-Forms expression.
 *
 * A recursive-descent parser over C's precedence levels (?:, ||, &&,
 * equality, relational, additive, multiplicative, unary !), writing nodes
 * into the rule's fixed array.  Depth and size are capped so a hostile
 * header costs nothing; an out-of-range result is clamped to the last form.
 */
#include "plural.h"

#include <stdbool.h>
#include <string.h>

#include "core/err.h"

struct pp {
	const char *s, *end;
	struct plural_rule *r;
	size_t n;		/* nodes used */
	int depth;
	bool bad;
};

static void skip_ws(struct pp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
				 *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

/* Consume @tok when it comes next (after white space). */
static bool eat(struct pp *p, const char *tok)
{
	size_t k = strlen(tok);

	skip_ws(p);
	if ((size_t)(p->end - p->s) < k || memcmp(p->s, tok, k))
		return false;
	/* "<" must not eat the start of "<=", "!" not of "!=". */
	if (k == 1 && p->s + 1 < p->end && p->s[1] == '=' &&
	    strchr("<>!=", tok[0]))
		return false;
	p->s += k;
	return true;
}

static short node(struct pp *p, enum plural_op op, short a, short b, short c)
{
	struct plural_node *nd;

	if (p->bad || p->n == PLURAL_MAX_NODES || a < -1 || b < -1 || c < -1) {
		p->bad = true;
		return -2;
	}
	nd = &p->r->nodes[p->n];
	nd->op = op;
	nd->num = 0;
	nd->a = a;
	nd->b = b;
	nd->c = c;
	return (short)p->n++;
}

static short cond(struct pp *p);

static short primary(struct pp *p)
{
	short k;

	if (++p->depth > PLURAL_MAX_DEPTH) {
		p->bad = true;
		return -2;
	}
	skip_ws(p);
	if (eat(p, "(")) {
		k = cond(p);
		if (!eat(p, ")"))
			p->bad = true;
	} else if (eat(p, "!")) {
		k = primary(p);
		k = node(p, PL_NOT, k, -1, -1);
	} else if (p->s < p->end && *p->s == 'n') {
		p->s++;
		k = node(p, PL_N, -1, -1, -1);
	} else if (p->s < p->end && *p->s >= '0' && *p->s <= '9') {
		unsigned long v = 0;

		while (p->s < p->end && *p->s >= '0' && *p->s <= '9') {
			if (v > 100000000UL)
				p->bad = true;
			v = v * 10 + (unsigned long)(*p->s++ - '0');
		}
		k = node(p, PL_NUM, -1, -1, -1);
		if (k >= 0)
			p->r->nodes[k].num = v;
	} else {
		p->bad = true;
		k = -2;
	}
	p->depth--;
	return k;
}

struct level {
	const char *tok;
	enum plural_op op;
};

static const struct level levels[][4] = {
	{ { "||", PL_OR } },
	{ { "&&", PL_AND } },
	{ { "==", PL_EQ }, { "!=", PL_NE } },
	{ { "<=", PL_LE }, { ">=", PL_GE }, { "<", PL_LT }, { ">", PL_GT } },
	{ { "+", PL_ADD }, { "-", PL_SUB } },
	{ { "*", PL_MUL }, { "/", PL_DIV }, { "%", PL_MOD } },
};
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

/* Left-associative binary operators of precedence level @lv and tighter. */
static short binary(struct pp *p, size_t lv)
{
	short left;
	size_t i;
	bool more = true;

	if (lv == NLEVELS)
		return primary(p);
	left = binary(p, lv + 1);
	while (more && !p->bad) {
		more = false;
		for (i = 0; i < 4 && levels[lv][i].tok; i++) {
			if (eat(p, levels[lv][i].tok)) {
				short right = binary(p, lv + 1);

				left = node(p, levels[lv][i].op, left, right, -1);
				more = true;
				break;
			}
		}
	}
	return left;
}

static short cond(struct pp *p)
{
	short c, t, f;

	if (++p->depth > PLURAL_MAX_DEPTH) {
		p->bad = true;
		return -2;
	}
	c = binary(p, 0);
	if (!p->bad && eat(p, "?")) {
		t = cond(p);
		if (!eat(p, ":"))
			p->bad = true;
		f = cond(p);
		c = node(p, PL_COND, c, t, f);
	}
	p->depth--;
	return c;
}

void plural_default(struct plural_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->nplurals = 2;
	r->nodes[0] = (struct plural_node){ PL_N, 0, -1, -1, -1 };
	r->nodes[1] = (struct plural_node){ PL_NUM, 1, -1, -1, -1 };
	r->nodes[2] = (struct plural_node){ PL_NE, 0, 0, 1, -1 };
	r->root = 2;
}

/* The value after "key=" in @s, or NULL; *rest is past it. */
static const char *field(const char *s, const char *end, const char *key)
{
	size_t k = strlen(key);
	const char *p;

	for (p = s; p + k <= end; p++) {
		if (!memcmp(p, key, k) && (p == s || p[-1] == ' ' ||
					   p[-1] == ';' || p[-1] == '\t')) {
			p += k;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && *p == '=')
				return p + 1;
		}
	}
	return NULL;
}

int plural_parse(struct plural_rule *r, const char *s, size_t len)
{
	const char *end = s + len, *np, *ex;
	struct pp p = { 0 };
	unsigned long n = 0;

	memset(r, 0, sizeof(*r));
	np = field(s, end, "nplurals");
	ex = field(s, end, "plural");
	if (!np || !ex)
		goto bad;
	while (np < end && *np == ' ')
		np++;
	while (np < end && *np >= '0' && *np <= '9' && n <= PLURAL_MAX_FORMS)
		n = n * 10 + (unsigned long)(*np++ - '0');
	if (n < 1 || n > PLURAL_MAX_FORMS)
		goto bad;
	p.s = ex;
	p.end = memchr(ex, ';', (size_t)(end - ex));
	if (!p.end)
		p.end = end;
	p.r = r;
	r->root = cond(&p);
	skip_ws(&p);
	if (p.bad || p.s != p.end || r->root < 0)
		goto bad;
	r->nplurals = n;
	return 0;
bad:
	plural_default(r);
	return ERR_INVALID;
}

static unsigned long eval(const struct plural_rule *r, short k,
			  unsigned long n)
{
	const struct plural_node *nd = &r->nodes[k];
	unsigned long a, b;

	switch (nd->op) {
	case PL_NUM: return nd->num;
	case PL_N: return n;
	case PL_NOT: return !eval(r, nd->a, n);
	case PL_AND: return eval(r, nd->a, n) && eval(r, nd->b, n);
	case PL_OR: return eval(r, nd->a, n) || eval(r, nd->b, n);
	case PL_COND:
		return eval(r, nd->a, n) ? eval(r, nd->b, n) : eval(r, nd->c, n);
	default:
		break;
	}
	a = eval(r, nd->a, n);
	b = eval(r, nd->b, n);
	switch (nd->op) {
	case PL_MUL: return a * b;
	case PL_DIV: return b ? a / b : 0;
	case PL_MOD: return b ? a % b : 0;
	case PL_ADD: return a + b;
	case PL_SUB: return a - b;
	case PL_LT: return a < b;
	case PL_GT: return a > b;
	case PL_LE: return a <= b;
	case PL_GE: return a >= b;
	case PL_EQ: return a == b;
	case PL_NE: return a != b;
	default: return 0;
	}
}

size_t plural_eval(const struct plural_rule *r, unsigned long n)
{
	unsigned long v = eval(r, r->root, n);

	return v < r->nplurals ? (size_t)v : r->nplurals - 1;
}
