/*
 * import_write.h - the sink that writes an import into a site
 * (import.h's struct imp_sink over store.h).
 *
 * Authors become accounts with role author, verified, with no usable
 * password (they set one with "Forgot your password?"); an account with
 * the same e-mail address is reused as it is.  Stories are saved with
 * store_article_put(), one transaction each (story, tags and photo
 * together): their original slug, publication date, status, section,
 * tags and byline (no owner account yet: editors edit them).  A lead photo is read from the uploads folder
 * and goes through the newsroom's photo pipeline (media_process(): upright,
 * no metadata, responsive copies, WebP).
 *
 * A story is found again by its slug: importing the same export again
 * updates the stories in place.  A slug already taken by a story with
 * another headline (one the newsroom wrote) is not touched: the imported
 * story gets "SLUG-wpID" instead.
 *
 * Not written yet (counted as "not written" in the summary): static
 * pages (the sink answers IMP_LEFT_OUT) and comments.
 */
#ifndef DATELINE_IMPORT_WRITE_H
#define DATELINE_IMPORT_WRITE_H

#include "import/import.h"

struct store;
struct imp_writer;

/*
 * A writer into @s reading photos under @uploads (may be NULL); its sink
 * in *@sink.  Starts libvips.  Caller frees with imp_writer_free().
 * ERR_INVALID when the image library cannot start.
 */
int imp_writer_new(struct store *s, const char *uploads,
		   struct imp_writer **out, struct imp_sink *sink);
void imp_writer_free(struct imp_writer *w);

/* The last photo problem (for a warning), or "". */
const char *imp_writer_error(const struct imp_writer *w);

#endif
