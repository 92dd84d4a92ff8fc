/*
 * import_write.h - the sink that writes an import into a site
 * (import.h's struct imp_sink over store.h).
 *
 * Authors become accounts with role author, verified, with no usable
 * password (they set one with "Forgot your password?"); an account with
 * the same e-mail address is reused as it is.  Stories are saved with
 * store_article_put() (story, tags and lead photo together): their
 * original slug, publication date, full status (a scheduled story is
 * scheduled), section, tags and byline, and their author's account as
 * owner (store_story_owner_set()), so they edit it in the newsroom.  A
 * lead photo, and each upload a body shows (body_photo()), is read from
 * the uploads folder and goes through the newsroom's photo pipeline
 * (media_process(): upright, no metadata, responsive copies, WebP).
 * Pages become static pages (store_page_save()) under their parent page;
 * one whose parent is not written yet waits in memory for it, and those
 * still waiting at the end (their parent is not in the export) go to the
 * top.
 *
 * The sink's callbacks run on the import's thread: they process photos
 * there and hand a copy of each item to a thread of the writer's own
 * (import_queue.h, IMP_QUEUE_DEPTH items ahead at most), which makes
 * every store call, in the order handed on.  A write error comes back
 * from the next callback (or finish()); the sink's why() names the item
 * that failed.
 *
 * Writes go in batches (store_batch_begin()): at most IMP_BATCH_ITEMS
 * items or IMP_BATCH_MS milliseconds to a transaction, committed between
 * items only, so a story is never visible without its photos or
 * comments; what a killed import leaves is a prefix of the export.
 *
 * What each item became is kept (store_import_note()), keyed by the
 * export's site address and the item's id there: importing the same
 * export again finds each story, page and comment again (with the slug
 * the newsroom may have given it since) and updates them in place; one
 * that already holds what the export brings is not written again.  A
 * slug already taken by a story the import did not make is not touched:
 * the imported story gets "SLUG-wpID" instead (a page likewise, also for
 * a slug the site's own addresses hold).
 *
 * Comments: parents before replies; a reply deeper than @max_depth joins
 * the deepest ancestor allowed; approved ones are shown, pending ones
 * held; the commenter is kept as a guest (name shown, e-mail for
 * moderation only).  Old addresses: the story's or page's <link> path and
 * "/?p=ID" ("/?page_id=ID") answer 301 with its new address, and so do
 * the site's list addresses.
 */
#ifndef DATELINE_IMPORT_WRITE_H
#define DATELINE_IMPORT_WRITE_H

#include "import/import.h"

struct store;
struct imp_writer;

/*
 * A writer into @s reading photos under @uploads (may be NULL), replies
 * nested at most @max_depth deep; its sink in *@sink.  Starts libvips
 * and the writing thread.  Caller frees with imp_writer_free(), which
 * writes what is still queued and commits.  ERR_INVALID when the image
 * library or the thread cannot start.
 */
int imp_writer_new(struct store *s, const char *uploads, int max_depth,
		   struct imp_writer **out, struct imp_sink *sink);
void imp_writer_free(struct imp_writer *w);

/* The last photo problem (for a warning), or "". */
const char *imp_writer_error(const struct imp_writer *w);

#endif
