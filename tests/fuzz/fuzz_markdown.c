/*
 * fuzz_markdown.c - libFuzzer driver for article Markdown rendering.
 *
 * Safe mode must hold whatever the input: no raw <script>, no javascript:
 * links, no frame (embeds are placeholders) and no trace of dropped raw
 * HTML.  The dateline must lead the output, and the first-paragraph text
 * must be the whole text or a prefix of it within the limit plus an
 * ellipsis, never splitting a UTF-8 sequence.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/escape.h"
#include "render/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ready;

static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return hay;
	return NULL;
}

static void check_safe(const char *html)
{
	if (find_ci(html, "<script") || find_ci(html, "<iframe") ||
	    strstr(html, "<!-- raw HTML omitted -->") || find_ci(html, "href=\"javascript:") ||
	    find_ci(html, "src=\"javascript:") || find_ci(html, "href=\"vbscript:"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char lead[] =
		"<p><span class=\"dateline\">BEIRUT &amp; CO \xE2\x80\x94</span>";
	struct arena *a;
	const char *md = (const char *)data;
	char *html, *text, *full;
	size_t max, flen, tlen;

	if (size > 64 * 1024)
		return 0;
	if (!ready) {
		md_init();
		ready = 1;
	}
	a = arena_new(0);
	html = md_render(a, md, size, NULL);
	check_safe(html);
	html = md_render(a, md, size, "BEIRUT & CO");
	check_safe(html);
	if (strncmp(html, lead, sizeof(lead) - 1))
		abort();
	full = md_first_text(a, md, size, 1 << 20);
	flen = strlen(full);
	max = size ? data[0] % 200 : 160;
	text = md_first_text(a, md, size, max);
	tlen = strlen(text);
	if (utf8_valid(md, size) && !utf8_valid(text, tlen))
		abort();
	/* Short enough: whole.  Too long: a prefix of it and an ellipsis. */
	if (flen <= max) {
		if (strcmp(text, full))
			abort();
	} else if (tlen < 3 || tlen - 3 > max ||
		   strcmp(text + tlen - 3, "\xE2\x80\xA6") ||
		   strncmp(text, full, tlen - 3)) {
		abort();
	}
	arena_free(a);
	return 0;
}
