/*
 * dates.c - ICU date formatters, one pair per language, and ICU's
 * number format for messages.
 */
#include "dates.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "i18n.h"

/* UTF-16 units of a pattern or a formatted date: far more than needed. */
#define DATE_UNITS 128

struct i18n_dates {
	pthread_mutex_t lock;
	UDateFormat *date, *datetime;
};

/* ICU's best pattern for @skeleton in @locale, as a formatter in @zone. */
static UDateFormat *open_fmt(const char *locale, const UChar *zone,
			     int32_t zlen, const char *skeleton)
{
	UErrorCode st = U_ZERO_ERROR;
	UDateTimePatternGenerator *g = udatpg_open(locale, &st);
	UChar skel[64], pat[DATE_UNITS];
	int32_t plen;
	UDateFormat *f = NULL;

	if (U_FAILURE(st))
		return NULL;
	u_uastrcpy(skel, skeleton);
	plen = udatpg_getBestPattern(g, skel, -1, pat, DATE_UNITS, &st);
	udatpg_close(g);
	if (U_FAILURE(st) || plen >= DATE_UNITS)
		return NULL;
	f = udat_open(UDAT_PATTERN, UDAT_PATTERN, locale, zone, zlen, pat, plen,
		      &st);
	if (U_FAILURE(st)) {
		udat_close(f);
		return NULL;
	}
	return f;
}

void i18n_dates_free(struct i18n_dates *d)
{
	if (!d)
		return;
	udat_close(d->date);
	udat_close(d->datetime);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

int i18n_dates_open(struct i18n *in, const char *zone, char *err,
		    size_t errlen)
{
	UChar uz[64];
	size_t i;

	if (!zone || !*zone)
		zone = "UTC";
	if (strlen(zone) >= sizeof(uz)) {
		snprintf(err, errlen, "time zone name '%s' too long", zone);
		return ERR_INVALID;
	}
	u_uastrcpy(uz, zone);
	for (i = 0; i < i18n_count(in); i++) {
		struct i18n_lang *l = (struct i18n_lang *)i18n_at(in, i);
		struct i18n_dates *d;

		/* English keeps the site's own "20 November 2025" (UTC). */
		if (!l->mo)
			continue;
		d = xcalloc(1, sizeof(*d));

		pthread_mutex_init(&d->lock, NULL);
		d->date = open_fmt(l->tag, uz, -1, "dMMMMy");
		d->datetime = open_fmt(l->tag, uz, -1, "dMMMMyjmmz");
		if (!d->date || !d->datetime) {
			snprintf(err, errlen, "ICU has no date formats for '%s'",
				 l->tag);
			i18n_dates_free(d);
			return ERR_INVALID;
		}
		i18n_dates_free(l->dates);
		l->dates = d;
	}
	return 0;
}

static char *format(UDateFormat *f, pthread_mutex_t *lock, struct arena *a,
		    int64_t t)
{
	UChar out[DATE_UNITS];
	UErrorCode st = U_ZERO_ERROR;
	char utf8[DATE_UNITS * 3 + 1];
	int32_t n, len;

	pthread_mutex_lock(lock);
	n = udat_format(f, (UDate)t * 1000.0, out, DATE_UNITS, NULL, &st);
	pthread_mutex_unlock(lock);
	if (U_FAILURE(st) || n >= DATE_UNITS)
		return NULL;
	u_strToUTF8(utf8, sizeof(utf8), &len, out, n, &st);
	if (U_FAILURE(st) || (size_t)len >= sizeof(utf8))
		return NULL;
	return arena_strndup(a, utf8, (size_t)len);
}

char *i18n_date(const struct i18n_lang *l, struct arena *a, int64_t t)
{
	char *s = l && l->dates ? format(l->dates->date, &l->dates->lock,
					 a, t) : NULL;

	return s ? s : time_human(a, t);
}

char *i18n_datetime(const struct i18n_lang *l, struct arena *a, int64_t t)
{
	char *s = l && l->dates ? format(l->dates->datetime, &l->dates->lock,
					 a, t) : NULL;

	return s ? s : arena_printf(a, "%s, %.5s UTC", time_human(a, t),
				    time_iso(a, t) + 11);
}

char *i18n_decimal(const struct i18n_lang *l, struct arena *a, double v,
		   int digits)
{
	UErrorCode st = U_ZERO_ERROR;
	UNumberFormat *f;
	UChar out[DATE_UNITS];
	char utf8[DATE_UNITS * 3 + 1];
	int32_t n = 0, len = 0;

	/* A formatter per call: numbers are formatted only in refusals,
	 * and opening one costs microseconds (no lock to hold). */
	f = l ? unum_open(UNUM_DECIMAL, NULL, 0, l->tag, NULL, &st) : NULL;
	if (f) {
		unum_setAttribute(f, UNUM_MIN_FRACTION_DIGITS, digits);
		unum_setAttribute(f, UNUM_MAX_FRACTION_DIGITS, digits);
		n = unum_formatDouble(f, v, out, DATE_UNITS, NULL, &st);
		unum_close(f);
		if (U_SUCCESS(st) && n < DATE_UNITS)
			u_strToUTF8(utf8, sizeof(utf8), &len, out, n, &st);
	}
	if (!f || U_FAILURE(st) || n >= DATE_UNITS ||
	    (size_t)len >= sizeof(utf8))
		return arena_printf(a, "%.*f", digits, v);
	return arena_strndup(a, utf8, (size_t)len);
}
