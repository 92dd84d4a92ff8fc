/*
 * fuzz_htmlmd.c - libFuzzer driver for the WordPress HTML to Markdown
 * converter (src/import/html_md.c, with its shortcodes).
 *
 * Whatever the input, with and without wpautop: the Markdown is valid
 * UTF-8 with no control characters but newline and tab (the paragraph
 * markers never leak), empty or ending in exactly one newline; rendered
 * by cmark-gfm it holds no script and no javascript: link; the plain text
 * is valid UTF-8 within its limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/escape.h"
#include "import/html_md.h"
#include "render/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ready;

static void check_md(const char *md, size_t n)
{
	size_t i;

	if (strlen(md) != n || !utf8_valid(md, n))
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)md[i];

		if ((c < ' ' && c != '\n' && c != '\t') || c == 0x7f)
			abort();
	}
	if (n && (md[n - 1] != '\n' || (n > 1 && md[n - 2] == '\n')))
		abort();
}

static void check_html(const char *html)
{
	const char *p;

	for (p = html; *p; p++)
		if (!strncasecmp(p, "<script", 7) ||
		    !strncasecmp(p, "href=\"javascript:", 17) ||
		    !strncasecmp(p, "src=\"javascript:", 16))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	const char *in = (const char *)data;
	int autop;

	if (size > 64 * 1024)
		return 0;
	if (!ready) {
		md_init();
		ready = 1;
	}
	a = arena_new(0);
	for (autop = 0; autop < 2; autop++) {
		struct html_md_opts o = { autop, "http://example.com/", NULL, NULL };
		char *md, *plain;
		size_t n;

		if (html_md(a, in, size, &o, &md, &n))
			abort();
		check_md(md, n);
		check_html(md_render(a, md, n, NULL));
		plain = html_plain(a, in, size, 100);
		if (strlen(plain) > 100 || !utf8_valid(plain, strlen(plain)))
			abort();
	}
	arena_free(a);
	return 0;
}
