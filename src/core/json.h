/*
 * json.h - a strict JSON parser (RFC 8259) into a struct tval tree.
 *
 * Used for API request bodies and by tests.  Strict: no comments, no
 * trailing commas, no leading zeros, strings must be valid UTF-8 with valid
 * escapes (surrogate pairs combined; lone surrogates refused; \u0000 refused
 * because our strings are NUL-terminated).  Nesting deeper than
 * JSON_MAX_DEPTH is refused, so hostile input cannot exhaust the stack.
 */
#ifndef DATELINE_JSON_H
#define DATELINE_JSON_H

#include <stddef.h>

struct arena;
struct tval;

#define JSON_MAX_DEPTH 64

/*
 * Parse [s, s+len) as one JSON value (surrounding whitespace allowed).
 * On success *out is an arena tree whose strings are arena copies.
 * Returns ERR_INVALID on any syntax error; @err (may be NULL) then gets a
 * short lower-case reason with the byte offset.
 */
int json_parse(struct arena *a, const char *s, size_t len, struct tval **out,
	       char *err, size_t errlen);

/* Append @v as compact JSON to @out (object keys in insertion order). */
struct buf;
int json_write(struct buf *out, const struct tval *v);

#endif
