/*
 * escape.c - HTML/JSON/URL escaping, URL decoding, slugs, UTF-8 checks.
 */
#include "escape.h"

#include <string.h>

#include "arena.h"
#include "err.h"

/* A C0 control XML 1.0 forbids (all but tab, line feed and return). */
static bool xml_forbidden(unsigned char c)
{
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

int html_escape(struct buf *b, const char *s, size_t len)
{
	size_t i, start = 0;
	int r = 0;

	for (i = 0; i < len; i++) {
		const char *ent;

		size_t skip = 1;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		case '\xEF':
			/* U+FFFE and U+FFFF: not characters to XML. */
			if (i + 2 >= len || s[i + 1] != '\xBF' ||
			    (s[i + 2] != '\xBE' && s[i + 2] != '\xBF'))
				continue;
			ent = "";
			skip = 3;
			break;
		default:
			if (!xml_forbidden((unsigned char)s[i]))
				continue;
			/* Dropped: XML has no way to write it. */
			ent = "";
			break;
		}
		r |= buf_add(b, s + start, i - start);
		r |= buf_adds(b, ent);
		start = i + skip;
		i += skip - 1;
	}
	r |= buf_add(b, s + start, len - start);
	return r ? ERR_TOOBIG : 0;
}

int json_escape(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	int r = buf_addch(b, '"');

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			r |= buf_addch(b, '\\');
			r |= buf_addch(b, (char)c);
		} else if (c == '\n') {
			r |= buf_adds(b, "\\n");
		} else if (c == '\r') {
			r |= buf_adds(b, "\\r");
		} else if (c == '\t') {
			r |= buf_adds(b, "\\t");
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			/* <>& escaped so JSON is safe inside <script> too. */
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			r |= buf_add(b, u, 6);
		} else {
			r |= buf_addch(b, (char)c);
		}
	}
	r |= buf_addch(b, '"');
	return r ? ERR_TOOBIG : 0;
}

static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '~';
}

int url_encode(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int r = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c)) {
			r |= buf_addch(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			r |= buf_add(b, e, 3);
		}
	}
	return r ? ERR_TOOBIG : 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_decode(struct arena *a, struct str in, bool plus, char **out)
{
	char *p = arena_alloc(a, in.len + 1);
	size_t i, n = 0;

	for (i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= in.len)
				return ERR_INVALID;
			hi = hexval(in.p[i + 1]);
			lo = hexval(in.p[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return ERR_INVALID;
			p[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus) {
			p[n++] = ' ';
		} else if (c == '\0') {
			return ERR_INVALID;
		} else {
			p[n++] = c;
		}
	}
	p[n] = '\0';
	*out = p;
	return 0;
}

/* Fold a two-byte UTF-8 Latin-1 letter (C3 xx) to its ASCII base letter. */
static char fold_latin1(unsigned char c2)
{
	static const char map[64] =
		"aaaaaaaceeeeiiii" "dnooooo\0ouuuuyts"
		"aaaaaaaceeeeiiii" "dnooooo\0ouuuuyty";

	return c2 >= 0x80 && c2 < 0xC0 ? map[c2 - 0x80] : 0;
}

char *slugify(struct arena *a, const char *text, size_t max)
{
	size_t len = strlen(text), i, n = 0;
	char *out = arena_alloc(a, max + 1);
	bool dash = false;

	for (i = 0; i < len && n < max; i++) {
		unsigned char c = (unsigned char)text[i];
		char o = 0;

		if (c >= 'A' && c <= 'Z')
			o = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			o = (char)c;
		else if (c == 0xC3 && i + 1 < len)
			o = fold_latin1((unsigned char)text[++i]);
		else if (c == '\'' || (c == 0xE2 && i + 2 < len &&
			 (unsigned char)text[i + 1] == 0x80 &&
			 ((unsigned char)text[i + 2] == 0x98 ||
			  (unsigned char)text[i + 2] == 0x99))) {
			/* apostrophes (' U+2018 U+2019) join: "don't" -> "dont" */
			i += c == 0xE2 ? 2 : 0;
			continue;
		}
		if (o) {
			if (dash && n) {
				if (n + 1 >= max)
					break;	/* no room for '-' and a letter */
				out[n++] = '-';
			}
			dash = false;
			out[n++] = o;
		} else if (c < 0x80 || c >= 0xC0) {
			dash = true;
		}
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	return out;
}

bool slug_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 120 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
		if (c == '-' && s[i + 1] == '-')
			return false;
	}
	return true;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned char c = *p;
		size_t n;
		unsigned int cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3; cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((p[k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[k] & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		p += n + 1;
	}
	return true;
}

const char *text_control(const char *s, size_t len, bool lines)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t' || (lines && (c == '\n' || c == '\r')))
			continue;
		if (c < 0x20)
			return s + i;
	}
	return NULL;
}
