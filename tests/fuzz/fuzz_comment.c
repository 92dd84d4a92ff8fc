/*
 * fuzz_comment.c - libFuzzer driver for the comment text parser
 * (render/comment_md.c): cleaning what a reader typed, then rendering the
 * Markdown subset.
 *
 * Whatever the input: cleaning gives valid UTF-8 without bidi controls or
 * other C0 controls but tab and LF, and no longer than the input; the
 * HTML holds no element outside the subset, no event attribute, and only
 * links with http:, https: or mailto: URLs, each with
 * rel="nofollow ugc noopener".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/escape.h"
#include "render/comment_md.h"
#include "render/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ready;

static const char *const allowed[] = {
	"p", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol",
	"li", "del", "br", NULL,
};

/* The tag name at @p (after '<' or "</") is in the subset. */
static int allowed_tag(const char *p)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
	int i;

	for (i = 0; allowed[i]; i++)
		if (strlen(allowed[i]) == n && !strncmp(p, allowed[i], n))
			return 1;
	return 0;
}

static void check_html(const char *html)
{
	static const char rel[] = "<a rel=\"nofollow ugc noopener\" href=\"";
	const char *p;

	for (p = html; (p = strchr(p, '<')); p++) {
		const char *name = p[1] == '/' ? p + 2 : p + 1;
		const char *end = strchr(p, '>');

		if (!allowed_tag(name) || !end)
			abort();
		if (!strncmp(p, "<a ", 3)) {
			const char *url = p + sizeof(rel) - 1;

			if (strncmp(p, rel, sizeof(rel) - 1) ||
			    (strncasecmp(url, "http://", 7) &&
			     strncasecmp(url, "https://", 8) &&
			     strncasecmp(url, "mailto:", 7)))
				abort();
		}
		/* Attributes: only rel, href, title (and class on code). */
		for (const char *q = p; q < end; q++)
			if (*q == ' ' && strncmp(q + 1, "rel=", 4) &&
			    strncmp(q + 1, "href=", 5) && strncmp(q + 1, "title=", 6) &&
			    strncmp(q + 1, "class=", 6) && strncmp(q + 1, "start=", 6) &&
			    strncmp(q + 1, "/>", 2)) {
				/* A space inside a quoted value is fine. */
				const char *quote = memchr(p, '"', (size_t)(q - p));
				size_t quotes = 0;

				for (; quote && quote < q; quote++)
					quotes += *quote == '"';
				if (quotes % 2 == 0)
					abort();
			}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	const char *in = (const char *)data;
	char *clean, *html;
	size_t chars = 0, links = 0, i, n;

	if (size > 32 * 1024)
		return 0;
	if (!ready) {
		md_init();
		ready = 1;
	}
	a = arena_new(0);
	clean = comment_clean(a, in, size, &chars);
	if (clean) {
		n = strlen(clean);
		if (n > size || !utf8_valid(clean, n) || chars > n)
			abort();
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)clean[i];

			if ((c < ' ' && c != '\n' && c != '\t') || c == 127)
				abort();
			if (i + 2 < n && c == 0xE2 &&
			    (((unsigned char)clean[i + 1] == 0x80 &&
			      (unsigned char)clean[i + 2] >= 0xAA &&
			      (unsigned char)clean[i + 2] <= 0xAE) ||
			     ((unsigned char)clean[i + 1] == 0x81 &&
			      (unsigned char)clean[i + 2] >= 0xA6 &&
			      (unsigned char)clean[i + 2] <= 0xA9)))
				abort();
		}
		html = comment_render(a, clean, n, &links);
		check_html(html);
	} else if (utf8_valid(in, size)) {
		abort();
	}
	/* Raw bytes too: rendering must hold for any input. */
	check_html(comment_render(a, in, strnlen(in, size), NULL));
	arena_free(a);
	return 0;
}
