/*
 * markdown.h - article Markdown to HTML through cmark-gfm.
 *
 * GitHub-flavoured extensions: tables, autolinks, strikethrough.  Safe mode:
 * raw HTML in the source is dropped (without a trace in the output) and
 * dangerous URLs (javascript:, data: other than images, vbscript:) are
 * removed, so the output may be written into a page unescaped.  A link
 * of a known provider alone in a top-level paragraph, or a provider's
 * <iframe> as an HTML block, becomes an embed placeholder (embed.h).
 */
#ifndef DATELINE_MARKDOWN_H
#define DATELINE_MARKDOWN_H

#include <stddef.h>

struct arena;

/* Register the cmark-gfm extensions; call once before threads start. */
void md_init(void);

/*
 * Render @md to HTML in the arena.  When @dateline is not empty it is set
 * before the first paragraph as newspapers do: "<p><span class=dateline>
 * BEIRUT —</span> First words..." (or as its own paragraph when the text
 * does not open with one).
 */
char *md_render(struct arena *a, const char *md, size_t len, const char *dateline);

/* md_render(), and in *@embeds (when not NULL) a bit 1 << i for each
 * provider i (embed.h) the text embeds, for the page's frame-src. */
char *md_render_embeds(struct arena *a, const char *md, size_t len,
		       const char *dateline, unsigned *embeds);

/* The first paragraph's plain text, at most @max bytes cut at a word (for
 * meta descriptions when an article has no summary). */
char *md_first_text(struct arena *a, const char *md, size_t len, size_t max);

#endif
