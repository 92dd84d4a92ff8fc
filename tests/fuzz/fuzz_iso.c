/*
 * fuzz_iso.c - libFuzzer driver for ISO 8601 / RFC 3339 time parsing.
 *
 * An accepted time must name a real calendar date, and (in the range the
 * formatter covers) survive a round trip through time_iso().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	char *s;
	int64_t t = 42, back = 0;
	int r, y, mo, d;
	struct tm tm = { 0 };
	time_t tt;

	if (size > 64)
		return 0;
	a = arena_new(0);
	s = arena_strndup(a, (const char *)data, size);
	r = time_parse_iso(s, &t);
	if (r) {
		if (r != ERR_INVALID || t != 42)
			abort();
		goto out;
	}
	/* The date part is a real date: timegm() does not normalise it. */
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	mo = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tt = timegm(&tm);
	gmtime_r(&tt, &tm);
	if (tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 || tm.tm_mday != d)
		abort();
	/* Within a day (and an offset) of that date's midnight. */
	if (t < (int64_t)tt - 86400 || t > (int64_t)tt + 2 * 86400)
		abort();
	if (t >= 0 && t <= 253402300799LL) {
		if (time_parse_iso(time_iso(a, t), &back) || back != t)
			abort();
	}
out:
	arena_free(a);
	return 0;
}
