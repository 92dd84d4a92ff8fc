/*
 * html_md.h - a WordPress post's HTML as dateline Markdown.
 *
 * The text goes through shortcode expansion (shortcode.h), then libxml2's
 * HTML parser (recovering, as a browser would, from unclosed and
 * misnested tags), then a walk of the tree that writes CommonMark + GFM
 * as cmark-gfm reads it (render/markdown.h):
 *
 *   p, div, section, ...   paragraphs, a blank line apart
 *   text                   wpautop's rules when @autop (classic editor
 *                          posts): a blank line starts a paragraph, a
 *                          single newline is a line break ("\" at the
 *                          end of the line); otherwise whitespace is
 *                          collapsed as HTML does.  Markdown's own
 *                          characters are escaped, so the text reads as
 *                          it did.
 *   h1-h6                  "#" headings
 *   em/i, strong/b, del/s  *x*, **x**, ~~x~~;  code, kbd: `x`
 *   a, img                 [text](url "title"), ![alt](src "title")
 *   ul, ol, li             "- " and "N. " lists, nested by indentation
 *   blockquote             "> "
 *   pre                    fenced code (language from a language-X class)
 *   table                  a GFM table, the first row its header
 *   figure + figcaption    the image, a line break, *caption*
 *   hr, br                 ---, line break
 *   comments               dropped (Gutenberg's <!-- wp:... --> included)
 *   script, style, ...     dropped
 *   iframe, embed, video,  dropped, their address kept as a paragraph of
 *   audio, object          its own (an embed)
 *
 * Output is valid UTF-8 (the parser replaces what is not), LF line ends,
 * no trailing spaces, "" or text ending in one "\n".
 */
#ifndef DATELINE_HTML_MD_H
#define DATELINE_HTML_MD_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* The largest HTML converted; bigger text is ERR_TOOBIG. */
#define HTML_MD_INPUT_MAX (16u << 20)
/* The largest Markdown written. */
#define HTML_MD_OUTPUT_MAX (32u << 20)
/* Elements nested deeper than this give only their text. */
#define HTML_MD_DEPTH_MAX 128
/* Block quotes and lists nested deeper than this are not indented further. */
#define HTML_MD_LEVELS_MAX 16
/* Columns kept of a table. */
#define HTML_MD_COLUMNS_MAX 64

struct html_md_opts {
	/* wpautop's line rules (classic editor posts; see html_md_autop()). */
	bool autop;
	/* Links and images under this address ("http://example.com/") become
	 * paths on this site ("/2011/01/post/"); NULL or "": kept as they are. */
	const char *site_url;
	/* Each image's address (as written in the HTML): the address to
	 * write instead (an arena string), "" to leave the image out, or
	 * NULL to keep it.  May be NULL. */
	const char *(*image)(void *ctx, const char *src, const char *alt);
	void *ctx;
};

/*
 * Convert @len bytes of @html.  *@out (NUL-terminated, *@outlen bytes)
 * lives in @a.  ERR_TOOBIG when the input or output is over its limit,
 * ERR_NOMEM when libxml2 cannot allocate.
 */
int html_md(struct arena *a, const char *html, size_t len,
	    const struct html_md_opts *o, char **out, size_t *outlen);

/*
 * @url as a path on this site ("/2011/01/post/", "/?p=12") when it lies
 * under the old site's address @site (scheme ignored), else NULL.  The
 * path may point into @url or be an arena string.
 */
const char *html_md_local(struct arena *a, const char *site, const char *url);

/*
 * Whether wpautop applies to @html: WordPress runs it on classic editor
 * text, and not on block editor text (which holds "<!-- wp:" comments).
 */
bool html_md_autop(const char *html, size_t len);

/*
 * The plain text of @html (tags dropped, entities decoded, whitespace
 * collapsed, trimmed), at most @max bytes cut at a character boundary;
 * for summaries from excerpts.  An arena string, never NULL.
 */
char *html_plain(struct arena *a, const char *html, size_t len, size_t max);

#endif
