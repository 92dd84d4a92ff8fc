/*
 * escape.h - escaping and decoding for HTML, URLs and JSON, and slugs.
 *
 * The escapers append to a struct buf and return its result (0 or
 * ERR_TOOBIG).  The decoders write into arena memory and refuse malformed
 * input with ERR_INVALID rather than guessing.
 */
#ifndef DATELINE_ESCAPE_H
#define DATELINE_ESCAPE_H

#include <stdbool.h>

#include "buf.h"

/*
 * & < > " ' become entities, so the text is safe in content and
 * attributes.  Characters XML 1.0 forbids (C0 controls but tab, LF and
 * CR; U+FFFE, U+FFFF) are dropped, so the same escaper keeps the feeds
 * and sitemaps well-formed whatever the store holds.
 */
int html_escape(struct buf *b, const char *s, size_t len);

/* A JSON string literal with its quotes; control characters and </ escaped. */
int json_escape(struct buf *b, const char *s, size_t len);

/* Percent-encode everything but unreserved characters (RFC 3986). */
int url_encode(struct buf *b, const char *s, size_t len);

/*
 * Decode %XX escapes (and '+' as space when @plus) into a new arena string.
 * ERR_INVALID on a truncated or non-hex escape, or a decoded NUL byte.
 */
int url_decode(struct arena *a, struct str in, bool plus, char **out);

/*
 * A URL slug from free text: lower-case ASCII letters and digits, words joined
 * by '-', at most @max bytes, never ending in '-'.  Latin-1 accented letters
 * in UTF-8 are folded to their base letter; other characters separate words.
 * Returns "" when nothing usable remains.
 */
char *slugify(struct arena *a, const char *text, size_t max);

/* True when @s is a valid slug as slugify() makes them (1 to 120 bytes). */
bool slug_valid(const char *s);

/* True when [s, s+len) is well-formed UTF-8 without NUL bytes. */
bool utf8_valid(const char *s, size_t len);

/*
 * The first control character of [s, s+len) that text fields refuse, or
 * NULL: C0 controls except tab, and line feed and carriage
 * return when @lines (multi-line text such as a body).
 */
const char *text_control(const char *s, size_t len, bool lines);

#endif
