/*
 * frontmatter.h - the article file format: a front-matter header between
 * "---" lines, then the Markdown body.  docs/article-format.md describes it.
 *
 *   ---
 *   headline: Harbour cranes return to work
 *   dateline: BEIRUT
 *   tags: ports, weather
 *   ---
 *   Body in Markdown...
 *
 * Each header line is "key: value"; the value may be wrapped in double
 * quotes (with \" and \\ escapes) or single quotes.  Blank lines and lines
 * starting with '#' are skipped.  Unknown and repeated keys are errors, so
 * a typo never silently drops a field.
 */
#ifndef DATELINE_FRONTMATTER_H
#define DATELINE_FRONTMATTER_H

#include <stddef.h>

struct arena;
struct i18n_lang;
struct tag;

/* At most this many tags a story; slugs made from text at most this long. */
#define MAX_TAGS 20
#define SLUG_MAX 80

/* Every key is NULL when absent; strings are arena copies. */
struct frontmatter {
	const char *headline, *slug, *summary, *dateline, *photo, *caption,
		*credit, *alt, *author, *section, *tags, *published, *updated,
		*status, *lang;
	const char *body;
	size_t body_len;
};

/* Largest article file accepted, header and body together. */
#define FM_MAX_SIZE (1024 * 1024)

/*
 * Parse @len bytes at @text.  On error returns ERR_INVALID (or ERR_TOOBIG)
 * and writes "line N: what is wrong" into @err.  The text must be UTF-8.
 */
int fm_parse(struct arena *a, const char *text, size_t len,
	     struct frontmatter *out, char *err, size_t errlen);

/*
 * Split "a, b, c" into tags with slugs (arena); duplicates by slug are
 * dropped.  ERR_INVALID with a phrase in @err, in language @l (NULL:
 * English), for a tag with no letters or digits or more than MAX_TAGS
 * tags.
 */
int tags_parse(struct arena *a, const struct i18n_lang *l, const char *s,
	       struct tag **tags, size_t *n, char *err, size_t errlen);

#endif
