/*
 * arena.c - region allocator: a chain of blocks plus a list of cleanup hooks.
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN _Alignof(max_align_t)

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(max_align_t) unsigned char data[];
};

struct hook {
	struct hook *next;
	void (*fn)(void *);
	void *arg;
};

struct arena {
	struct block *head;	/* current block, first in chain */
	struct hook *hooks;
	size_t block_size;
	size_t total;
};

static void die_nomem(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_nomem(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_nomem(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_nomem(n);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static struct block *block_new(size_t size)
{
	struct block *b = xmalloc(sizeof(*b) + size);

	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(size_t block_size)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	if (block_size < 256)
		block_size = 256;
	a->block_size = block_size;
	a->head = block_new(block_size);
	return a;
}

static void run_hooks(struct arena *a)
{
	/* Hooks may allocate from nothing and must not register new hooks. */
	while (a->hooks) {
		struct hook *h = a->hooks;

		a->hooks = h->next;
		h->fn(h->arg);
	}
}

void arena_reset(struct arena *a)
{
	struct block *b, *next;

	run_hooks(a);
	/* Keep the oldest block (the last in the chain): it is the usual size. */
	for (b = a->head; b->next; b = next) {
		next = b->next;
		free(b);
	}
	a->head = b;
	b->used = 0;
	a->total = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	arena_reset(a);
	free(a->head);
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct block *b = a->head;
	size_t off = (b->used + ALIGN - 1) & ~(ALIGN - 1);
	size_t take = n ? n : 1;	/* zero-size requests still get unique pointers */

	if (n > SIZE_MAX / 2)
		die_nomem(n);
	if (off + take > b->size) {
		size_t size = take > a->block_size ? take : a->block_size;

		b = block_new(size);
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	b->used = off + take;
	a->total += n;
	return b->data + off;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	return memset(arena_alloc(a, n), 0, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_on_reset(struct arena *a, void (*fn)(void *), void *arg)
{
	struct hook *h = arena_alloc(a, sizeof(*h));

	h->fn = fn;
	h->arg = arg;
	h->next = a->hooks;
	a->hooks = h;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
