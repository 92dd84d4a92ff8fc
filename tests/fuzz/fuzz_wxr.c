/*
 * fuzz_wxr.c - libFuzzer driver for the streaming WordPress export
 * reader (src/import/wxr.c).
 *
 * Whatever the input: the reader returns 0, a refusal with a one-line
 * message, or the callback's code; every string it hands over is valid
 * UTF-8 and never NULL; the channel comes once, before any author, term
 * or item, and only with a supported version.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "import/wxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	int channels, after;
};

static void check(const char *s)
{
	if (!s || !utf8_valid(s, strlen(s)))
		abort();
}

static int on_channel(void *ctx, const struct wxr_channel *c)
{
	struct state *st = ctx;

	if (st->channels++ || st->after)
		abort();
	check(c->title);
	check(c->base_site_url);
	if (strcmp(c->wxr_version, "1.0") && strcmp(c->wxr_version, "1.1") &&
	    strcmp(c->wxr_version, "1.2"))
		abort();
	return 0;
}

/* An author, term or item: only after the channel. */
static void part(struct state *st)
{
	if (!st->channels)
		abort();
	st->after++;
}

static int on_author(void *ctx, const struct wxr_author *a)
{
	part(ctx);
	check(a->login);
	check(a->display_name);
	return 0;
}

static int on_term(void *ctx, const struct wxr_term *t)
{
	part(ctx);
	check(t->slug);
	check(t->name);
	return 0;
}

static int on_item(void *ctx, const struct wxr_item *it)
{
	size_t i;
	int64_t v;

	part(ctx);
	check(it->title);
	check(it->content);
	check(it->post_id);
	(void)wxr_id(it->post_id, &v);
	(void)wxr_date(it->post_date_gmt, &v);
	for (i = 0; i < it->nterms; i++) {
		check(it->terms[i].domain);
		check(it->terms[i].name);
	}
	for (i = 0; i < it->nmeta; i++)
		check(it->meta[i].value);
	for (i = 0; i < it->ncomments; i++) {
		check(it->comments[i].content);
		check(it->comments[i].author);
	}
	return it->ncomments > 1000 ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st = { 0, 0 };
	struct wxr_handler h = { &st, on_channel, on_author, on_term, on_item, NULL };
	char err[256];
	int r;

	if (size > 256 * 1024)
		return 0;
	r = wxr_read_memory((const char *)data, size, "fuzz.xml", &h, err,
			    sizeof(err));
	if (r != 0 && r != WXR_MALFORMED && r != WXR_VERSION && r != 7)
		abort();
	if ((r == WXR_MALFORMED || r == WXR_VERSION) &&
	    (strncmp(err, "fuzz.xml", 8) || strchr(err, '\n')))
		abort();
	return 0;
}
