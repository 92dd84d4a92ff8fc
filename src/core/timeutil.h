/*
 * timeutil.h - times as int64 Unix seconds (UTC) and their text forms.
 */
#ifndef DATELINE_TIMEUTIL_H
#define DATELINE_TIMEUTIL_H

#include <stdint.h>

struct arena;

/* Seconds since the epoch, now. */
int64_t time_now(void);
/* Milliseconds on the monotonic clock (for intervals and rate limits;
 * not a date). */
int64_t time_mono_ms(void);

/*
 * Parse ISO 8601 / RFC 3339: "2026-11-20", "2026-11-20T08:30",
 * "2026-11-20T08:30:00Z", "2026-11-20 08:30:00+02:00" (no offset means UTC).
 * ERR_INVALID on anything else, including impossible dates.
 */
int time_parse_iso(const char *s, int64_t *out);

/* "2026-11-20T08:30:00Z" (RFC 3339, UTC), arena string. */
char *time_iso(struct arena *a, int64_t t);
/* "20 November 2026", arena string. */
char *time_human(struct arena *a, int64_t t);
/* "Fri, 20 Nov 2026 08:30:00 GMT" (HTTP and RFC 822 dates) into @out (30 bytes). */
void time_http(int64_t t, char out[30]);
/*
 * Parse an HTTP date in the preferred form time_http() writes (IMF-fixdate);
 * ERR_INVALID on anything else (obsolete forms included: a cache then
 * simply revalidates in full).
 */
int time_parse_http(const char *s, int64_t *out);

#endif
