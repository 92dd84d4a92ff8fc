/*
 * json.c - strict JSON (RFC 8259) into value trees, and compact output.
 *
 * A recursive-descent parser over a slice that need not be NUL-terminated.
 * Strings are scanned twice: once to find the closing quote (so the arena
 * copy is sized to the string, not to the rest of the input) and once to
 * validate and decode.  Objects are built directly rather than through
 * tv_set(), whose linear search would make a large object quadratic;
 * duplicate keys are refused, since parsers disagree on which one wins.
 */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "err.h"
#include "escape.h"
#include "value.h"

struct parser {
	struct arena *a;
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
};

static int parse_value(struct parser *p, int depth, struct tval **out);

/* Write "<message> at byte N" into the caller's buffer; returns ERR_INVALID. */
__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return ERR_INVALID;
	va_start(ap, fmt);
	n = vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < p->errlen)
		snprintf(p->err + n, p->errlen - (size_t)n, " at byte %zu", at);
	return ERR_INVALID;
}

/* The error for whatever is at @at when it cannot start what we expect. */
static int unexpected(struct parser *p, size_t at)
{
	unsigned char c;

	if (at >= p->len)
		return fail(p, at, "unexpected end of input");
	c = (unsigned char)p->s[at];
	if (c > 0x20 && c < 0x7f)
		return fail(p, at, "unexpected '%c'", c);
	return fail(p, at, "unexpected byte 0x%02x", c);
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static bool is_digit(const struct parser *p, size_t at)
{
	return at < p->len && p->s[at] >= '0' && p->s[at] <= '9';
}

static int hex4(const struct parser *p, size_t at, unsigned int *cp)
{
	unsigned int v = 0;
	size_t i;

	if (at + 4 > p->len)
		return -1;
	for (i = at; i < at + 4; i++) {
		char c = p->s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*cp = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Length of the UTF-8 sequence a lead byte announces, 0 if it cannot lead. */
static size_t utf8_seqlen(unsigned char c)
{
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* Decode the escape at p->pos (a backslash) into @o; advance past it. */
static int parse_escape(struct parser *p, char *o, size_t *olen)
{
	size_t at = p->pos;
	unsigned int cp, lo;
	char c = at + 1 < p->len ? p->s[at + 1] : '\0';
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit = c ? strchr(from, c) : NULL;

	if (hit) {
		*o = to[hit - from];
		*olen = 1;
		p->pos += 2;
		return 0;
	}
	if (c != 'u')
		return fail(p, at, "invalid escape");
	if (hex4(p, at + 2, &cp))
		return fail(p, at, "invalid \\u escape");
	if (cp == 0)
		return fail(p, at, "\\u0000 in string");
	p->pos += 6;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(p, at, "lone surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (p->pos + 1 >= p->len || p->s[p->pos] != '\\' ||
		    p->s[p->pos + 1] != 'u' || hex4(p, p->pos + 2, &lo) ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return fail(p, at, "lone surrogate");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p->pos += 6;
	}
	*olen = put_utf8(o, cp);
	return 0;
}

/*
 * The string at p->pos (its opening quote) as a NUL-terminated arena copy
 * in *out, its length in *outlen.
 */
static int parse_string(struct parser *p, char **out, size_t *outlen)
{
	size_t open = p->pos, end = open + 1, n = 0, k;
	char *o;
	int r;

	while (end < p->len && p->s[end] != '"')
		end += p->s[end] == '\\' ? 2 : 1;
	if (end > p->len)
		end = p->len;
	o = arena_alloc(p->a, end - open);
	p->pos = open + 1;
	while (p->pos < end) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c == '\\') {
			k = 0;
			r = parse_escape(p, o + n, &k);
			if (r)
				return r;
			n += k;
		} else if (c < 0x20) {
			return fail(p, p->pos, "control character in string");
		} else if (c < 0x80) {
			o[n++] = (char)c;
			p->pos++;
		} else {
			k = utf8_seqlen(c);
			if (!k || p->pos + k > end ||
			    !utf8_valid(p->s + p->pos, k))
				return fail(p, p->pos,
					    "invalid utf-8 in string");
			memcpy(o + n, p->s + p->pos, k);
			n += k;
			p->pos += k;
		}
	}
	if (end >= p->len)
		return fail(p, open, "unterminated string");
	p->pos = end + 1;
	o[n] = '\0';
	*out = o;
	*outlen = n;
	return 0;
}

static int parse_number(struct parser *p, struct tval **out)
{
	size_t start = p->pos;
	char small[64], *text;
	double d;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (!is_digit(p, p->pos))
		return fail(p, p->pos, "digit expected in number");
	if (p->s[p->pos] == '0') {
		p->pos++;
		if (is_digit(p, p->pos))
			return fail(p, p->pos, "leading zero in number");
	} else {
		while (is_digit(p, p->pos))
			p->pos++;
	}
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (!is_digit(p, p->pos))
			return fail(p, p->pos, "digit expected after '.'");
		while (is_digit(p, p->pos))
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len &&
		    (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (!is_digit(p, p->pos))
			return fail(p, p->pos, "digit expected in exponent");
		while (is_digit(p, p->pos))
			p->pos++;
	}
	/* strtod() needs a terminated copy; the input need not be. */
	if (p->pos - start < sizeof(small)) {
		memcpy(small, p->s + start, p->pos - start);
		small[p->pos - start] = '\0';
		text = small;
	} else {
		text = arena_strndup(p->a, p->s + start, p->pos - start);
	}
	d = strtod(text, NULL);
	if (!isfinite(d))
		return fail(p, start, "number out of range");
	*out = tv_num(p->a, d);
	return 0;
}

static int parse_literal(struct parser *p, const char *word, struct tval *v,
			 struct tval **out)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return unexpected(p, p->pos);
	p->pos += n;
	*out = v;
	return 0;
}

static int cmp_keys(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A key that occurs twice in @m, or NULL.  Sorting a copy keeps it n log n. */
static const char *dup_key(struct arena *a, const struct tval *m)
{
	const char **keys = m->u.map.keys, **sorted;
	size_t i, j, n = m->u.map.n;

	if (n <= 16) {
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (!strcmp(keys[i], keys[j]))
					return keys[i];
		return NULL;
	}
	sorted = arena_alloc(a, n * sizeof(*sorted));
	memcpy(sorted, keys, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_keys);
	for (i = 1; i < n; i++)
		if (!strcmp(sorted[i - 1], sorted[i]))
			return sorted[i];
	return NULL;
}

/* Append without tv_set()'s search for the key; see dup_key(). */
static void map_append(struct arena *a, struct tval *m, const char *key,
		       struct tval *v)
{
	size_t n = m->u.map.n;

	if (n == m->u.map.cap) {
		size_t cap = n ? n * 2 : 8;
		const char **keys = arena_alloc(a, cap * sizeof(*keys));
		struct tval **vals = arena_alloc(a, cap * sizeof(*vals));

		if (n) {
			memcpy(keys, m->u.map.keys, n * sizeof(*keys));
			memcpy(vals, m->u.map.vals, n * sizeof(*vals));
		}
		m->u.map.keys = keys;
		m->u.map.vals = vals;
		m->u.map.cap = cap;
	}
	m->u.map.keys[n] = key;
	m->u.map.vals[n] = v;
	m->u.map.n = n + 1;
}

static int parse_object(struct parser *p, int depth, struct tval **out)
{
	size_t open = p->pos;
	struct tval *m = tv_map(p->a), *v;
	const char *dup;
	char *key;
	size_t klen;
	int r;

	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		*out = m;
		return 0;
	}
	for (;;) {
		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != '"')
			return unexpected(p, p->pos);
		r = parse_string(p, &key, &klen);
		if (r)
			return r;
		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != ':')
			return unexpected(p, p->pos);
		p->pos++;
		r = parse_value(p, depth, &v);
		if (r)
			return r;
		map_append(p->a, m, key, v);
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == '}')
			break;
		return unexpected(p, p->pos);
	}
	p->pos++;
	dup = dup_key(p->a, m);
	if (dup)
		return fail(p, open, "duplicate key \"%.40s\" in object", dup);
	*out = m;
	return 0;
}

static int parse_array(struct parser *p, int depth, struct tval **out)
{
	struct tval *list = tv_list(p->a), *v;
	int r;

	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		*out = list;
		return 0;
	}
	for (;;) {
		r = parse_value(p, depth, &v);
		if (r)
			return r;
		tv_push(p->a, list, v);
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == ']')
			break;
		return unexpected(p, p->pos);
	}
	p->pos++;
	*out = list;
	return 0;
}

/* One value after optional whitespace; @depth counts enclosing containers. */
static int parse_value(struct parser *p, int depth, struct tval **out)
{
	char *s;
	size_t n;
	int r;

	skip_ws(p);
	if (p->pos >= p->len)
		return unexpected(p, p->pos);
	switch (p->s[p->pos]) {
	case '{':
	case '[':
		if (depth >= JSON_MAX_DEPTH)
			return fail(p, p->pos, "nested deeper than %d",
				    JSON_MAX_DEPTH);
		if (p->s[p->pos] == '{')
			return parse_object(p, depth + 1, out);
		return parse_array(p, depth + 1, out);
	case '"':
		r = parse_string(p, &s, &n);
		if (!r)
			*out = tv_strn(p->a, s, n);
		return r;
	case 't':
		return parse_literal(p, "true", tv_bool(p->a, true), out);
	case 'f':
		return parse_literal(p, "false", tv_bool(p->a, false), out);
	case 'n':
		return parse_literal(p, "null", tv_null(p->a), out);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return parse_number(p, out);
	default:
		return unexpected(p, p->pos);
	}
}

int json_parse(struct arena *a, const char *s, size_t len, struct tval **out,
	       char *err, size_t errlen)
{
	struct parser p = { a, s ? s : "", s ? len : 0, 0, err, errlen };
	struct tval *v = NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	*out = NULL;
	r = parse_value(&p, 0, &v);
	if (r)
		return r;
	skip_ws(&p);
	if (p.pos < p.len)
		return unexpected(&p, p.pos);
	*out = v;
	return 0;
}

/* Integers without a decimal point, others in the shortest exact form. */
static int write_num(struct buf *out, double d)
{
	char tmp[40];

	if (!isfinite(d))
		return buf_adds(out, "null");	/* JSON has no NaN or Inf */
	tv_num_format(d, tmp);
	return buf_adds(out, tmp);
}

int json_write(struct buf *out, const struct tval *v)
{
	size_t i;
	int r = 0;

	if (!v)
		return buf_adds(out, "null");
	switch (v->type) {
	case TV_NULL:
		return buf_adds(out, "null");
	case TV_BOOL:
		return buf_adds(out, v->u.b ? "true" : "false");
	case TV_NUM:
		return write_num(out, v->u.num);
	case TV_STR:
		return json_escape(out, v->u.str.p, v->u.str.len);
	case TV_LIST:
		r |= buf_addch(out, '[');
		for (i = 0; i < v->u.list.n && !r; i++) {
			if (i)
				r |= buf_addch(out, ',');
			r |= json_write(out, v->u.list.items[i]);
		}
		r |= buf_addch(out, ']');
		break;
	case TV_MAP:
		r |= buf_addch(out, '{');
		for (i = 0; i < v->u.map.n && !r; i++) {
			const char *k = v->u.map.keys[i];

			if (i)
				r |= buf_addch(out, ',');
			r |= json_escape(out, k, strlen(k));
			r |= buf_addch(out, ':');
			r |= json_write(out, v->u.map.vals[i]);
		}
		r |= buf_addch(out, '}');
		break;
	}
	return r ? ERR_TOOBIG : 0;
}
