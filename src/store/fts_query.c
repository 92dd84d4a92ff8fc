/*
 * fts_query.c - turn a reader's search text into a safe FTS5 expression
 * (see fts_query.h for the grammar).  Three passes over the text (find the
 * last word; write the required parts; write the excluded ones); the
 * output holds only '"', '*', '(', ')', spaces, ASCII letters and digits
 * and whole UTF-8 characters from U+0080, with AND, OR and NOT outside
 * quotes,
 * so it cannot be misread by FTS5.
 */
#include "fts_query.h"

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

static bool ascii_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/*
 * Length of the word character at @p (at most @left bytes): 1 for an ASCII
 * letter or digit, 2 to 4 for a well-formed UTF-8 character from U+0080,
 * 0 for anything else (punctuation, space, control, invalid UTF-8).
 */
static size_t word_char_cp(const unsigned char *p, size_t left, uint32_t *out)
{
	uint32_t cp;
	size_t n, i;

	*out = p[0];
	if (p[0] < 0x80)
		return ascii_word(p[0]) ? 1 : 0;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*out = cp;
	return n;
}

static size_t word_char(const unsigned char *p, size_t left)
{
	uint32_t cp;

	return word_char_cp(p, left, &cp);
}

/*
 * Whether @cp is in a block of symbols and punctuation, which the
 * tokenizer drops (Latin-1's signs, general punctuation to the
 * miscellaneous symbols and arrows, CJK punctuation, emoji).
 */
static bool symbol_block(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7 ||
	       (cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	       (cp >= 0x1f000 && cp <= 0x1faff);
}

/*
 * Whether word [w, w+len) has a character outside the symbol blocks.  A
 * word of symbols alone gives the tokenizer no token, and such a part
 * next to AND matches no story: it is passed over like punctuation.
 */
static bool has_letter(const unsigned char *w, size_t len)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < len && (k = word_char_cp(w + i, len - i, &cp))) {
		if (!symbol_block(cp))
			return true;
		i += k;
	}
	return false;
}

/* Length of the run of word characters at @p (at most @left bytes). */
static size_t word_len(const unsigned char *p, size_t left)
{
	size_t n = 0, k;

	while (n < left && (k = word_char(p + n, left - n)))
		n += k;
	return n;
}

/* Cut a word to FTS_QUERY_MAX_TERM bytes without splitting a character. */
static size_t cut(const unsigned char *w, size_t len)
{
	size_t n = 0, k;

	while (n < len && (k = word_char(w + n, len - n)) &&
	       n + k <= FTS_QUERY_MAX_TERM)
		n += k;
	return n;
}

/* One part of the reader's text: a word or a phrase, maybe excluded. */
struct part {
	size_t at, end;		/* its bytes, quotes and star included */
	bool phrase, exclude, star;
};

static bool space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

/*
 * The next part at or after *@i, *@i moved past it; false at the end.  A
 * '-' right before a word or quote, at the start or after a space,
 * excludes it ("-storm", -"storm surge"); inside a word ("well-known") it
 * separates words as other punctuation does.
 */
static bool next_part(const unsigned char *p, size_t len, size_t *i,
		      struct part *pt)
{
	while (*i < len) {
		size_t at = *i, w;
		bool minus = p[at] == '-' && at + 1 < len &&
			     (!at || space(p[at - 1]));

		pt->exclude = minus;
		if (minus)
			at++;
		if (p[at] == '"') {
			for (*i = at + 1; *i < len && p[*i] != '"'; (*i)++)
				;
			if (*i < len)
				(*i)++;	/* the closing quote */
			pt->at = at;
			pt->end = *i;
			pt->phrase = true;
			pt->star = false;
			return true;
		}
		w = word_len(p + at, len - at);
		if (!w || !has_letter(p + at, w)) {
			*i = at + (w ? w : 1);
			continue;
		}
		pt->at = at;
		pt->end = at + w;
		pt->phrase = false;
		/* A prefix: "wo*" but not "w*" (a one-letter prefix matches
		 * nearly everything and costs a scan of the index). */
		pt->star = at + w < len && p[at + w] == '*' && w >= 2;
		*i = at + w;
		return true;
	}
	return false;
}

/* The words of phrase @pt as one FTS5 string; 0 when it has none. */
static int write_phrase(const unsigned char *p, const struct part *pt,
			struct buf *out)
{
	size_t i = pt->at + 1, w;
	int words = 0, r = 0;

	while (i < pt->end && p[i] != '"') {
		w = word_len(p + i, pt->end - i);
		if (!w) {
			i++;
			continue;
		}
		if (words < FTS_QUERY_MAX_PHRASE && has_letter(p + i, w)) {
			r |= buf_adds(out, words ? " " : "\"");
			r |= buf_add(out, p + i, cut(p + i, w));
			words++;
		}
		i += w;
	}
	if (words)
		r |= buf_adds(out, "\"");
	return r ? ERR_TOOBIG : words;
}

/*
 * Write part @pt after @sep; @last_word makes a word also a prefix, as
 * ("word" OR "word"*).  0 when the part has no words, 1 when written.
 */
static int write_part(const unsigned char *p, const struct part *pt,
		      const char *sep, bool last_word, struct buf *out)
{
	size_t start = out->len, w;
	int r;

	r = buf_adds(out, sep);
	if (pt->phrase) {
		int words = write_phrase(p, pt, out);

		if (words <= 0) {
			out->len = start;
			out->data[start] = '\0';
			return words;
		}
		return r ? ERR_TOOBIG : 1;
	}
	w = cut(p + pt->at, pt->end - pt->at);
	if (last_word)
		r |= buf_adds(out, "(\"");
	else
		r |= buf_adds(out, "\"");
	r |= buf_add(out, p + pt->at, w);
	r |= buf_adds(out, "\"");
	if (last_word) {
		r |= buf_adds(out, " OR \"");
		r |= buf_add(out, p + pt->at, w);
		r |= buf_adds(out, "\"*)");
	} else if (pt->star) {
		r |= buf_adds(out, "*");
	}
	return r ? ERR_TOOBIG : 1;
}

int fts_query_translate(const char *text, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i, start = out->len, last = (size_t)-1;
	struct part pt;
	int parts = 0, pos = 0, n = 0, r = 0, k, pass;

	/* The last word the reader typed, unless a phrase follows it. */
	for (i = 0; next_part(p, len, &i, &pt) && n < FTS_QUERY_MAX_PARTS; n++)
		if (!pt.exclude)
			last = pt.phrase || pt.star ||
			       pt.end - pt.at < FTS_QUERY_MIN_PREFIX ?
			       (size_t)-1 : pt.at;
	/* Required parts first, then the excluded ones: X AND Y NOT Z NOT W
	 * (FTS5 has no implicit AND next to a group in parentheses). */
	for (pass = 0; pass < 2 && r >= 0; pass++) {
		for (i = 0, n = 0; next_part(p, len, &i, &pt) &&
		     n < FTS_QUERY_MAX_PARTS; n++) {
			if (pt.exclude != (pass == 1))
				continue;
			k = write_part(p, &pt, pass ? " NOT " : pos ? " AND " : "",
				       pt.at == last, out);
			if (k < 0) {
				r = k;
				break;
			}
			pos += pass ? 0 : k;
			parts += k;
		}
		if (!pos)
			break;	/* only exclusions: nothing to look for */
	}
	if (r < 0) {
		out->len = start;
		out->data[start] = '\0';
		return ERR_TOOBIG;
	}
	return parts;
}
