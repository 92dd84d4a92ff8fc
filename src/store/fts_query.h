/*
 * fts_query.h - a reader's search text as an SQLite FTS5 MATCH expression
 * that always parses.
 *
 * Readers type anything: quotes, parentheses, "NEAR", stars, 10 KB of
 * text.  FTS5 refuses malformed expressions with an error, so the text is
 * never passed through: it is rebuilt from a small grammar.
 *
 *   "several words"   a phrase (an unmatched quote runs to the end)
 *   word*             a prefix (two or more characters before the star)
 *   -word, -"a b"     excluded: no story with it (a '-' at the start or
 *                     after a space; inside a word it is punctuation)
 *   anything else     terms: runs of letters and digits (any UTF-8
 *                     character from U+0080 counts as a letter; invalid
 *                     UTF-8 bytes separate terms like punctuation does;
 *                     a word of symbols alone, "€€", is passed over)
 *
 * The last word the reader typed (no phrase after it, not excluded, at
 * least FTS_QUERY_MIN_PREFIX bytes) is also a prefix, so a search typed
 * as far as "coordinat" finds "coordination": ("word" OR "word"*), the
 * word itself still stemmed.
 *
 * Every term and phrase is written as an FTS5 string ("..."), so operator
 * words (AND, OR, NOT, NEAR) and syntax characters are plain text.  All
 * required parts must match (" AND " between them), then " NOT part" for
 * each excluded one; exclusions alone search nothing.  Pure: no SQL, no
 * allocation but @out.
 */
#ifndef DATELINE_FTS_QUERY_H
#define DATELINE_FTS_QUERY_H

#include <stddef.h>

struct buf;

/* At most this many terms and phrases are used; the rest is ignored. */
#define FTS_QUERY_MAX_PARTS 16
/* At most this many words are kept in one phrase. */
#define FTS_QUERY_MAX_PHRASE 8
/* The last word is a prefix too from this many bytes on. */
#define FTS_QUERY_MIN_PREFIX 3
/* At most this many bytes of a term are kept (longer ones are cut). */
#define FTS_QUERY_MAX_TERM 64

/*
 * Append the expression for [text, text+len) to @out.  Returns the number
 * of parts written (0: nothing searchable, @out unchanged) or ERR_TOOBIG
 * when @out is full.
 */
int fts_query_translate(const char *text, size_t len, struct buf *out);

#endif
