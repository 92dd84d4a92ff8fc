/*
 * mo.c - parse a .mo file into a sorted table of (original, translation).
 *
 * Layout (all 32-bit words in the file's byte order, shown by the magic):
 * magic, revision, N, offset of the originals table, offset of the
 * translations table, hash table size and offset (unused here: we sort).
 * Each table holds N pairs (length, offset); the string at offset is
 * length bytes followed by a NUL.
 */
#include "mo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"

#define MO_MAGIC 0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U
#define MO_HEADER_BYTES 28

struct mo_entry {
	struct str key;		/* original up to its first NUL */
	struct str orig;	/* whole original */
	struct str trans;
};

struct mo {
	struct mo_entry *e;
	size_t n;
};

static uint32_t word(const unsigned char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xff00U) | ((v << 8) & 0xff0000U) |
		    (v << 24);
	return v;
}

/* String pair @i of the table at @table: checked against the file. */
static bool string_at(const unsigned char *d, size_t len, bool swap,
		      uint32_t table, uint32_t i, struct str *out)
{
	size_t at = (size_t)table + (size_t)i * 8, slen, off;

	if (at > len || len - at < 8)
		return false;
	slen = word(d + at, swap);
	off = word(d + at + 4, swap);
	if (off > len || slen >= len - off || d[off + slen] != '\0')
		return false;
	*out = (struct str){ (const char *)d + off, slen };
	return true;
}

static int cmp_key(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.p, b.p, n);

	if (c)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

static int cmp_entry(const void *x, const void *y)
{
	return cmp_key(((const struct mo_entry *)x)->key,
		       ((const struct mo_entry *)y)->key);
}

int mo_parse(const void *data, size_t len, struct mo **out, char *err,
	     size_t errlen)
{
	const unsigned char *d = data;
	uint32_t magic, n, otab, ttab, i;
	struct mo *mo = NULL;
	bool swap;

	*out = NULL;
	if (len < MO_HEADER_BYTES) {
		snprintf(err, errlen, "shorter than a .mo header");
		return ERR_INVALID;
	}
	memcpy(&magic, d, 4);
	if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED) {
		snprintf(err, errlen, "not a .mo file (bad magic number)");
		return ERR_INVALID;
	}
	swap = magic == MO_MAGIC_SWAPPED;
	if (word(d + 4, swap) >> 16 > 1) {
		snprintf(err, errlen, "unknown .mo revision %u",
			 (unsigned)word(d + 4, swap));
		return ERR_INVALID;
	}
	n = word(d + 8, swap);
	otab = word(d + 12, swap);
	ttab = word(d + 16, swap);
	if (n > MO_MAX_ENTRIES) {
		snprintf(err, errlen, "%u entries, more than %d", (unsigned)n,
			 MO_MAX_ENTRIES);
		return ERR_INVALID;
	}
	mo = xcalloc(1, sizeof(*mo));
	mo->e = xcalloc(n ? n : 1, sizeof(*mo->e));
	for (i = 0; i < n; i++) {
		struct mo_entry *e = &mo->e[i];

		if (!string_at(d, len, swap, otab, i, &e->orig) ||
		    !string_at(d, len, swap, ttab, i, &e->trans)) {
			snprintf(err, errlen, "entry %u lies outside the file",
				 (unsigned)i);
			mo_free(mo);
			return ERR_INVALID;
		}
		e->key = (struct str){ e->orig.p, strnlen(e->orig.p,
							  e->orig.len) };
	}
	mo->n = n;
	qsort(mo->e, n, sizeof(*mo->e), cmp_entry);
	*out = mo;
	return 0;
}

void mo_free(struct mo *mo)
{
	if (!mo)
		return;
	free(mo->e);
	free(mo);
}

size_t mo_count(const struct mo *mo)
{
	return mo->n;
}

bool mo_find(const struct mo *mo, const char *key, size_t keylen,
	     struct str *out)
{
	struct str k = { key, keylen };
	size_t lo = 0, hi = mo->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(k, mo->e[mid].key);

		if (!c) {
			if (!mo->e[mid].trans.len)
				return false;
			*out = mo->e[mid].trans;
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

void mo_entry(const struct mo *mo, size_t i, struct str *orig,
	      struct str *trans)
{
	*orig = mo->e[i].orig;
	*trans = mo->e[i].trans;
}
