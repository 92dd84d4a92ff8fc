/*
 * fts_query.c - turn a reader's search text into a safe FTS5 expression
 * (see fts_query.h for the grammar).  One pass over the text; the output
 * holds only '"', '*', spaces, ASCII letters and digits and whole UTF-8
 * characters from U+0080, so it cannot be misread by FTS5.
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
static size_t word_char(const unsigned char *p, size_t left)
{
	uint32_t cp;
	size_t n, i;

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
	return n;
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

int fts_query_translate(const char *text, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, start = out->len;
	int parts = 0, r = 0;

	while (i < len && parts < FTS_QUERY_MAX_PARTS && !r) {
		size_t w;

		if (p[i] == '"') {
			/* A phrase: the words up to the closing quote. */
			int words = 0;
			bool opened = false;

			for (i++; i < len && p[i] != '"'; ) {
				w = word_len(p + i, len - i);
				if (!w) {
					i++;
					continue;
				}
				if (words < FTS_QUERY_MAX_PHRASE) {
					r |= buf_adds(out, opened ? " " :
						      parts ? " \"" : "\"");
					r |= buf_add(out, p + i, cut(p + i, w));
					opened = true;
					words++;
				}
				i += w;
			}
			i++;	/* the closing quote, if any */
			if (opened) {
				r |= buf_adds(out, "\"");
				parts++;
			}
			continue;
		}
		w = word_len(p + i, len - i);
		if (!w) {
			i++;
			continue;
		}
		r |= buf_adds(out, parts ? " \"" : "\"");
		r |= buf_add(out, p + i, cut(p + i, w));
		r |= buf_adds(out, "\"");
		/* A prefix: "wo*" but not "w*" (a one-letter prefix matches
		 * nearly everything and costs a scan of the index). */
		if (i + w < len && p[i + w] == '*' && w >= 2)
			r |= buf_adds(out, "*");
		i += w;
		parts++;
	}
	if (r) {
		out->len = start;
		out->data[start] = '\0';
		return ERR_TOOBIG;
	}
	return parts;
}
