/*
 * comment_md.h - readers' comment text to HTML: a safe subset of Markdown
 * through cmark-gfm.
 *
 * Emphasis, strikethrough, links (and bare URLs), inline code and code
 * blocks, quotes and lists.  Everything else degrades to text: raw HTML is
 * shown as the characters typed, images become their alt text, headings
 * become paragraphs, rules vanish.  Only http:, https: and mailto: links
 * survive (others become their text), and every link gets
 * rel="nofollow ugc noopener".  The output may be written into a page
 * unescaped.
 */
#ifndef DATELINE_COMMENT_MD_H
#define DATELINE_COMMENT_MD_H

#include <stddef.h>

struct arena;

/* Most characters (code points) in a comment. */
#define COMMENT_MAX_CHARS 5000

/*
 * The text a reader typed, made ready to store (arena): CR LF and CR
 * become LF, Unicode bidirectional controls (U+202A..U+202E,
 * U+2066..U+2069) and other C0 controls but tab and LF are dropped, white
 * space around the text is trimmed.  NULL when @s is not UTF-8.
 * *chars gets the number of code points of the result.
 */
char *comment_clean(struct arena *a, const char *s, size_t len, size_t *chars);

/*
 * Render comment text @md (as comment_clean() left it) to HTML in the
 * arena; *links (may be NULL) gets the number of links kept.
 */
char *comment_render(struct arena *a, const char *md, size_t len,
		     size_t *links);

#endif
