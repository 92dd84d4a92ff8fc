/*
 * fuzz_plural.c - libFuzzer driver for the Plural-Forms parser: the input
 * is a header value; a rule that parses must give a form below nplurals
 * for every number tried.
 */
#include <stdint.h>
#include <stdlib.h>

#include "i18n/plural.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long ns[] = { 0, 1, 2, 3, 5, 11, 21, 100, 101,
					    111, 1000000, (unsigned long)-1 };
	struct plural_rule r;
	size_t i;

	plural_parse(&r, (const char *)data, size);
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (plural_eval(&r, ns[i]) >= r.nplurals)
			abort();
	return 0;
}
