/*
 * mo.h - read GNU gettext's binary catalogue, the .mo file msgfmt writes.
 *
 * The file is a table of original strings and a table of translations
 * (https://www.gnu.org/software/gettext/manual/html_node/MO-Files.html),
 * in either byte order.  An original is a msgid, "msgctxt\004msgid" for a
 * message with a context, and "msgid\0msgid_plural" for a plural message,
 * whose translation is its forms one after another, each NUL-terminated.
 * The entry with the empty msgid is the header (Plural-Forms and so on).
 *
 * mo_parse() checks every offset and length against the file and sorts
 * the entries itself (it trusts nothing in the file), then mo_find() is a
 * binary search.  A parsed catalogue points into the file's bytes, which
 * must outlive it; it is immutable and may be read from many threads.
 */
#ifndef DATELINE_MO_H
#define DATELINE_MO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Entries in one catalogue: a bound far above any real one. */
#define MO_MAX_ENTRIES 100000

struct mo;

/*
 * Parse the @len bytes at @data.  0 and *out (caller frees with mo_free()),
 * or ERR_INVALID with a reason in @err (bad magic, unknown revision, a
 * string outside the file or not NUL-terminated, too many entries).
 */
int mo_parse(const void *data, size_t len, struct mo **out, char *err,
	     size_t errlen);
void mo_free(struct mo *mo);

/* Number of entries (the header included). */
size_t mo_count(const struct mo *mo);

/*
 * The translation of original @key (@keylen bytes, without the plural
 * part: msgid, or msgctxt "\004" msgid).  True and *out (borrowed from the
 * file's bytes; for a plural message all forms with their NULs) when
 * present; an empty translation counts as absent, as in gettext.
 */
bool mo_find(const struct mo *mo, const char *key, size_t keylen,
	     struct str *out);

/* Entry @i (sorted by original): its original (whole, with a plural
 * part after a NUL) and translation.  For tests and tools. */
void mo_entry(const struct mo *mo, size_t i, struct str *orig,
	      struct str *trans);

#endif
