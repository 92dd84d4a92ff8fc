/*
 * dates.h - dates, times and numbers in the reader's language (ICU).
 *
 * Month and day names, their order and the 12- or 24-hour clock come from
 * ICU's locale data (Debian's libicu, built into the library: nothing to
 * install at run time, unlike glibc's locales for strftime_l()).  The
 * patterns are ICU's best for the skeletons "d MMMM y" (a date) and
 * "d MMMM y, j:mm z" (a date and time), so German gets "6. Dezember 2026",
 * English "6 December 2026, 14:05 UTC" and Arabic its own digits and order.
 * Times are shown in the site's zone (--time-zone; UTC without one).
 * Machine-readable times (datetime attributes, feeds, JSON) never go
 * through here: they stay ISO 8601 (time_iso()).
 *
 * Invariants: ICU's formatters are not thread-safe, so each language's
 * pair is used under its own mutex (a format takes about a microsecond).
 * Before i18n_dates_open(), for a NULL language and for the English
 * source, the functions give the site's English form in UTC
 * (time_human(): "20 November 2025", "20 November 2025, 14:05 UTC").
 */
#ifndef DATELINE_DATES_H
#define DATELINE_DATES_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct i18n;
struct i18n_lang;

/*
 * Make the formatters of every language of @in for time zone @zone (an
 * IANA name such as "Europe/Berlin"; NULL or "" for UTC).  0, or
 * ERR_INVALID with a reason in @err.  Freed by i18n_free().
 */
int i18n_dates_open(struct i18n *in, const char *zone, char *err,
		    size_t errlen);

/* "6 December 2026" in language @l (arena). */
char *i18n_date(const struct i18n_lang *l, struct arena *a, int64_t t);
/* "6 December 2026, 14:05 UTC" in language @l (arena). */
char *i18n_datetime(const struct i18n_lang *l, struct arena *a, int64_t t);

/*
 * @v with @digits digits after the decimal mark, as language @l writes
 * numbers (ICU: "1.5" in English, "1,5" in German and French, Arabic
 * digits in Arabic; grouping as the language groups).  For messages
 * such as a photo's size; on any ICU failure, and for a NULL language,
 * printf's "%.*f".  Arena string.
 */
char *i18n_decimal(const struct i18n_lang *l, struct arena *a, double v,
		   int digits);

#endif
