/*
 * buf.c - capped growable buffer and string slice helpers.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"

static char empty_data[1];

struct str str_from(const char *s)
{
	return (struct str){ s, s ? strlen(s) : 0 };
}

bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len));
}

bool str_eqs(struct str a, const char *s)
{
	return str_eq(a, str_from(s));
}

bool str_starts(struct str a, const char *prefix)
{
	size_t n = strlen(prefix);

	return a.len >= n && !memcmp(a.p, prefix, n);
}

char *str_dup(struct arena *a, struct str s)
{
	return arena_strndup(a, s.p ? s.p : "", s.len);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct str str_trim(struct str s)
{
	while (s.len && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

void buf_init(struct buf *b, struct arena *a, size_t max)
{
	b->data = empty_data;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->arena = a;
	b->overflow = false;
}

void buf_release(struct buf *b)
{
	if (!b->arena && b->cap)
		free(b->data);
	buf_init(b, b->arena, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
	b->overflow = false;
}

static int grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->max - b->len) {
		b->overflow = true;
		return ERR_TOOBIG;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if (b->arena) {
		p = arena_alloc(b->arena, cap);
		memcpy(p, b->data, b->len + 1);
	} else {
		p = xrealloc(b->cap ? b->data : NULL, cap);
		if (!b->cap)
			p[0] = '\0';
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	int r = grow(b, len);

	if (r)
		return r;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addstr(struct buf *b, struct str s)
{
	return buf_add(b, s.p, s.len);
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return ERR_INVALID;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	r = grow(b, (size_t)n);
	if (r)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (!b->cap)
		grow(b, 0);
	p = b->data;
	if (len)
		*len = b->len;
	buf_init(b, b->arena, b->max);
	return p;
}
