/*
 * fuzz_frontmatter.c - libFuzzer driver for the article file header parser.
 *
 * Whatever parses must give valid UTF-8 values on one line each and a body
 * that is the exact tail of the input; whatever is refused must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const char *v)
{
	if (v && (!utf8_valid(v, strlen(v)) || strchr(v, '\n')))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	const char *text = (const char *)data;
	struct frontmatter fm;
	char err[128] = "";
	int r;

	r = fm_parse(a, text, size, &fm, err, sizeof(err));
	if (r) {
		if ((r != ERR_INVALID && r != ERR_TOOBIG) || !err[0])
			abort();
		goto out;
	}
	check_value(fm.headline);
	check_value(fm.slug);
	check_value(fm.summary);
	check_value(fm.dateline);
	check_value(fm.photo);
	check_value(fm.caption);
	check_value(fm.credit);
	check_value(fm.alt);
	check_value(fm.author);
	check_value(fm.section);
	check_value(fm.tags);
	check_value(fm.published);
	check_value(fm.updated);
	check_value(fm.status);
	check_value(fm.lang);
	/* The body is the unchanged tail of the input, NUL-free. */
	if (!fm.body || fm.body_len > size || strlen(fm.body) != fm.body_len ||
	    memcmp(fm.body, text + size - fm.body_len, fm.body_len))
		abort();
out:
	arena_free(a);
	return 0;
}
