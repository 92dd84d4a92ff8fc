/*
 * fuzz_json.c - libFuzzer driver for the JSON parser and writer.
 *
 * Whatever parses must write, parse again and write the same bytes again
 * (json_write's output is a fixed point); whatever is refused must say why
 * and where.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct tval *v, *again;
	struct buf first, second;
	char err[128];
	int r;

	r = json_parse(a, (const char *)data, size, &v, err, sizeof(err));
	if (r) {
		if (r != ERR_INVALID || v || !strstr(err, " at byte "))
			abort();
		goto out;
	}
	buf_init(&first, a, 1 << 24);
	buf_init(&second, a, 1 << 24);
	if (json_write(&first, v))
		abort();
	if (json_parse(a, first.data, first.len, &again, err, sizeof(err)))
		abort();
	if (json_write(&second, again))
		abort();
	if (first.len != second.len ||
	    memcmp(first.data, second.data, first.len))
		abort();
out:
	arena_free(a);
	return 0;
}
