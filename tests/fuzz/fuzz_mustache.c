/*
 * fuzz_mustache.c - libFuzzer driver for the template compiler and renderer.
 *
 * The input is compiled under two names, "t" and "p", so that {{>p}} makes
 * a template include itself, and rendered against a small fixed context
 * into a capped buffer.  The context is chosen so that the fuzzer finds
 * crashes, not slow units: its lists hold one item each (nested loops over
 * longer lists are exponential by design, a cost the templates' authors
 * own), and no key hides an outer one with a false value, so recursion
 * through {{>p}} never ends before the depth limit stops it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/value.h"
#include "render/mustache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tval *make_context(struct arena *a)
{
	struct tval *ctx = tv_map(a), *list = tv_list(a), *item = tv_map(a);
	struct tval *deep = tv_map(a), *mid = tv_map(a);

	tv_set_str(a, ctx, "name", "<b>\"Tom\" & 'Jerry'</b>");
	tv_set(a, ctx, "num", tv_num(a, 85));
	tv_set(a, ctx, "dec", tv_num(a, 1.21));
	tv_set_bool(a, ctx, "yes", true);
	tv_set_bool(a, ctx, "no", false);
	tv_set(a, ctx, "nil", tv_null(a));
	tv_set(a, ctx, "empty", tv_list(a));
	tv_set_str(a, ctx, "blank", "");
	tv_set_str(a, ctx, "lines", "one\ntwo\n");
	tv_set_str(a, item, "name", "item");
	tv_set_int(a, item, "n", 1);
	tv_push(a, list, item);
	tv_set(a, ctx, "list", list);
	tv_set_str(a, mid, "c", "deep");
	tv_set(a, deep, "b", mid);
	tv_set(a, ctx, "a", deep);
	return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *arena;
	static struct tval *ctx;
	struct tmpl_set *set = tmpl_set_new();
	const char *src = (const char *)data;
	char err[128];
	struct buf out;
	int r;

	if (!ctx) {
		arena = arena_new(0);
		ctx = make_context(arena);
	}
	r = tmpl_set_add(set, "t", src, size, err, sizeof(err));
	if (r) {
		if (r != ERR_INVALID || strncmp(err, "line ", 5))
			abort();
		goto out;
	}
	if (tmpl_set_add(set, "p", src, size, NULL, 0))
		abort();
	buf_init(&out, NULL, 1 << 16);
	r = tmpl_render(set, "t", ctx, &out);
	if ((r && r != ERR_TOOBIG && r != ERR_INVALID) ||
	    out.len > out.max || out.data[out.len] != '\0')
		abort();
	buf_release(&out);
out:
	tmpl_set_free(set);
	return 0;
}
