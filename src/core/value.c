/*
 * value.c - building and reading value trees.
 */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static struct tval *tv_new(struct arena *a, enum tv_type t)
{
	struct tval *v = arena_zalloc(a, sizeof(*v));

	v->type = t;
	return v;
}

struct tval *tv_null(struct arena *a)
{
	return tv_new(a, TV_NULL);
}

struct tval *tv_bool(struct arena *a, bool b)
{
	struct tval *v = tv_new(a, TV_BOOL);

	v->u.b = b;
	return v;
}

struct tval *tv_num(struct arena *a, double n)
{
	struct tval *v = tv_new(a, TV_NUM);

	v->u.num = n;
	return v;
}

struct tval *tv_strn(struct arena *a, const char *s, size_t len)
{
	struct tval *v;

	if (!s)
		return tv_null(a);
	v = tv_new(a, TV_STR);
	v->u.str.p = s;
	v->u.str.len = len;
	return v;
}

struct tval *tv_str(struct arena *a, const char *s)
{
	return tv_strn(a, s, s ? strlen(s) : 0);
}

struct tval *tv_list(struct arena *a)
{
	return tv_new(a, TV_LIST);
}

struct tval *tv_map(struct arena *a)
{
	return tv_new(a, TV_MAP);
}

/* Grow an arena array of pointers; the old copy is left to the arena. */
static void *grow_ptrs(struct arena *a, void *old, size_t n, size_t *cap)
{
	size_t ncap = *cap ? *cap * 2 : 8;
	void **p = arena_alloc(a, ncap * sizeof(void *));

	if (n)
		memcpy(p, old, n * sizeof(void *));
	*cap = ncap;
	return p;
}

void tv_push(struct arena *a, struct tval *list, struct tval *v)
{
	size_t n = list->u.list.n;

	if (n == list->u.list.cap)
		list->u.list.items = grow_ptrs(a, list->u.list.items, n,
					       &list->u.list.cap);
	list->u.list.items[n] = v;
	list->u.list.n = n + 1;
}

void tv_set(struct arena *a, struct tval *map, const char *key, struct tval *v)
{
	size_t i, n = map->u.map.n, cap;

	for (i = 0; i < n; i++) {
		if (map->u.map.keys[i][0] == key[0] &&
		    !strcmp(map->u.map.keys[i], key)) {
			map->u.map.vals[i] = v;
			return;
		}
	}
	if (n == map->u.map.cap) {
		cap = map->u.map.cap;
		map->u.map.keys = grow_ptrs(a, map->u.map.keys, n, &cap);
		cap = map->u.map.cap;
		map->u.map.vals = grow_ptrs(a, map->u.map.vals, n, &cap);
		map->u.map.cap = cap;
	}
	map->u.map.keys[n] = key;
	map->u.map.vals[n] = v;
	map->u.map.n = n + 1;
}

void tv_set_str(struct arena *a, struct tval *map, const char *key, const char *s)
{
	tv_set(a, map, key, tv_str(a, s));
}

void tv_set_int(struct arena *a, struct tval *map, const char *key, int64_t n)
{
	tv_set(a, map, key, tv_num(a, (double)n));
}

void tv_set_bool(struct arena *a, struct tval *map, const char *key, bool b)
{
	tv_set(a, map, key, tv_bool(a, b));
}

struct tval *tv_get(const struct tval *map, const char *key, size_t klen)
{
	size_t i;
	char first;

	if (!map || map->type != TV_MAP)
		return NULL;
	first = klen ? key[0] : '\0';
	for (i = 0; i < map->u.map.n; i++) {
		const char *k = map->u.map.keys[i];

		/* The first byte rules out most keys without a strnlen. */
		if (k[0] == first && strnlen(k, klen + 1) == klen &&
		    !memcmp(k, key, klen))
			return map->u.map.vals[i];
	}
	return NULL;
}

bool tv_truthy(const struct tval *v)
{
	if (!v)
		return false;
	switch (v->type) {
	case TV_NULL: return false;
	case TV_BOOL: return v->u.b;
	case TV_LIST: return v->u.list.n > 0;
	default: return true;
	}
}

void tv_num_format(double d, char out[40])
{
	int prec;

	if (d == 0)
		d = 0;	/* no "-0" */
	if (!isfinite(d)) {
		snprintf(out, 40, "%g", d);
	} else if (d == floor(d) && fabs(d) < 1e17) {
		/* Integers are most numbers on a page (ids, counts): digits
		 * by hand, not printf's floating-point path. */
		long long v = (long long)d;
		unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
					       (unsigned long long)v;
		char tmp[24];
		int n = 0, i = 0;

		do {
			tmp[n++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (v < 0)
			out[i++] = '-';
		while (n)
			out[i++] = tmp[--n];
		out[i] = '\0';
	} else {
		for (prec = 15; prec < 17; prec++) {
			snprintf(out, 40, "%.*g", prec, d);
			if (strtod(out, NULL) == d)
				return;
		}
		snprintf(out, 40, "%.17g", d);
	}
}
