/*
 * diff.c - line diff by longest common subsequence (see diff.h).
 *
 * The table is (m+1) x (n+1) 32-bit lengths over the middle part only;
 * DIFF_MAX_CELLS caps it at 16 MB.
 */
#include "diff.h"

#include <stdint.h>
#include <string.h>

#include "core/arena.h"

struct lines {
	const char **p;
	size_t *len;
	size_t n;
};

static void split(struct arena *a, const char *s, struct lines *out)
{
	size_t cap = 1, i = 0;
	const char *q;

	for (q = s; *q; q++)
		cap += *q == '\n';
	out->p = arena_alloc(a, cap * sizeof(*out->p));
	out->len = arena_alloc(a, cap * sizeof(*out->len));
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		out->p[i] = s;
		out->len[i++] = len;
		s += len + (nl ? 1 : 0);
	}
	out->n = i;
}

static int same(const struct lines *x, size_t i, const struct lines *y,
		size_t j)
{
	return x->len[i] == y->len[j] && !memcmp(x->p[i], y->p[j], x->len[i]);
}

static void emit(struct diff_line *out, size_t *k, enum diff_op op,
		 const char *p, size_t len)
{
	out[*k].op = op;
	out[*k].text = p;
	out[*k].len = len;
	(*k)++;
}

struct diff_line *diff_lines(struct arena *a, const char *old, const char *new,
			     size_t *n)
{
	struct lines x, y;
	struct diff_line *out;
	size_t head = 0, tail = 0, m, w, i, j, k = 0;
	uint32_t *t = NULL;

	split(a, old, &x);
	split(a, new, &y);
	out = arena_alloc(a, (x.n + y.n + 1) * sizeof(*out));
	while (head < x.n && head < y.n && same(&x, head, &y, head))
		head++;
	while (tail < x.n - head && tail < y.n - head &&
	       same(&x, x.n - 1 - tail, &y, y.n - 1 - tail))
		tail++;
	m = x.n - head - tail;
	w = y.n - head - tail;
	for (i = 0; i < head; i++)
		emit(out, &k, DIFF_SAME, x.p[i], x.len[i]);
	if (m && w && (m + 1) * (w + 1) <= DIFF_MAX_CELLS) {
		/* t[i][j]: LCS length of the middles from line i and j on. */
		t = arena_zalloc(a, (m + 1) * (w + 1) * sizeof(*t));
		for (i = m; i-- > 0; )
			for (j = w; j-- > 0; )
				t[i * (w + 1) + j] = same(&x, head + i, &y, head + j) ?
					t[(i + 1) * (w + 1) + j + 1] + 1 :
					t[(i + 1) * (w + 1) + j] > t[i * (w + 1) + j + 1] ?
					t[(i + 1) * (w + 1) + j] : t[i * (w + 1) + j + 1];
	}
	i = j = 0;
	while (t && i < m && j < w) {
		if (same(&x, head + i, &y, head + j)) {
			emit(out, &k, DIFF_SAME, x.p[head + i], x.len[head + i]);
			i++;
			j++;
		} else if (t[(i + 1) * (w + 1) + j] >= t[i * (w + 1) + j + 1]) {
			emit(out, &k, DIFF_DEL, x.p[head + i], x.len[head + i]);
			i++;
		} else {
			emit(out, &k, DIFF_ADD, y.p[head + j], y.len[head + j]);
			j++;
		}
	}
	for (; i < m; i++)
		emit(out, &k, DIFF_DEL, x.p[head + i], x.len[head + i]);
	for (; j < w; j++)
		emit(out, &k, DIFF_ADD, y.p[head + j], y.len[head + j]);
	for (i = x.n - tail; i < x.n; i++)
		emit(out, &k, DIFF_SAME, x.p[i], x.len[i]);
	*n = k;
	return out;
}
