/*
 * fuzz_mo.c - libFuzzer driver for the .mo catalogue reader: parse the
 * input as a .mo file, then look up every entry's key and a few others,
 * and read a Plural-Forms rule from the header when there is one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "i18n/mo.h"
#include "i18n/plural.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mo *mo;
	struct str orig, trans, t;
	struct plural_rule rule;
	char err[128];
	size_t i;

	if (mo_parse(data, size, &mo, err, sizeof(err)))
		return 0;
	for (i = 0; i < mo_count(mo); i++) {
		mo_entry(mo, i, &orig, &trans);
		if (mo_find(mo, orig.p, strnlen(orig.p, orig.len), &t) &&
		    t.p[t.len] != '\0')
			abort();
	}
	mo_find(mo, "Comments", 8, &t);
	if (mo_find(mo, "", 0, &t)) {
		const char *pf = memmem(t.p, t.len, "Plural-Forms:", 13);

		if (pf) {
			plural_parse(&rule, pf + 13, t.len - (size_t)(pf + 13 - t.p));
			for (i = 0; i < 200; i++)
				if (plural_eval(&rule, i) >= rule.nplurals)
					abort();
		}
	}
	mo_free(mo);
	return 0;
}
