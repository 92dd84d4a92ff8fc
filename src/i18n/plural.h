/*
 * plural.h - the Plural-Forms rule of a gettext catalogue.
 *
 * A catalogue's header says how many forms a plural message has and which
 * one a number takes, as a C expression over n:
 *
 *     Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 :
 *                   n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;
 *
 * plural_parse() compiles that expression (the subset gettext itself
 * accepts: n, decimal numbers, ! * / % + - < > <= >= == != && || ?: and
 * parentheses) into a small tree; plural_eval() runs it.  A compiled rule
 * is immutable and may be evaluated from many threads at once.
 *
 * Invariants: a rule has at most PLURAL_MAX_NODES nodes and nests at most
 * PLURAL_MAX_DEPTH deep (so evaluation recursion is bounded); division by
 * zero gives 0, as does overflow-free unsigned arithmetic on unsigned long.
 */
#ifndef DATELINE_PLURAL_H
#define DATELINE_PLURAL_H

#include <stddef.h>

#define PLURAL_MAX_NODES 128
#define PLURAL_MAX_DEPTH 32
/* More forms than any language has (Arabic has six). */
#define PLURAL_MAX_FORMS 8

enum plural_op {
	PL_NUM, PL_N, PL_NOT, PL_MUL, PL_DIV, PL_MOD, PL_ADD, PL_SUB,
	PL_LT, PL_GT, PL_LE, PL_GE, PL_EQ, PL_NE, PL_AND, PL_OR, PL_COND,
};

struct plural_node {
	enum plural_op op;
	unsigned long num;	/* PL_NUM */
	short a, b, c;		/* operands: indexes into nodes, -1 none */
};

struct plural_rule {
	size_t nplurals;	/* 1 to PLURAL_MAX_FORMS */
	struct plural_node nodes[PLURAL_MAX_NODES];
	short root;
};

/* English's rule: two forms, n != 1. */
void plural_default(struct plural_rule *r);

/*
 * Parse a Plural-Forms header value ("nplurals=2; plural=n != 1;"),
 * @len bytes, into @r.  0, or ERR_INVALID (and @r holds English's rule)
 * when it is malformed, too big, or nplurals is out of range.
 */
int plural_parse(struct plural_rule *r, const char *s, size_t len);

/* The form number @n takes, always below r->nplurals. */
size_t plural_eval(const struct plural_rule *r, unsigned long n);

#endif
