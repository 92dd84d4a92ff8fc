/*
 * timeutil.c - parsing and formatting of UTC times.
 */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "err.h"

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

int64_t time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : d[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), after Howard Hinnant. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int time_parse_iso(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 1;
	size_t n = strlen(s);
	const char *p;

	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return ERR_INVALID;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo))
		return ERR_INVALID;
	p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return ERR_INVALID;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return ERR_INVALID;
			p += 3;
			if (*p == '.') {	/* fractions are ignored */
				p++;
				if (*p < '0' || *p > '9')
					return ERR_INVALID;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return ERR_INVALID;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (digits(p + 1, 2, &oh) || p[3] != ':' ||
			    digits(p + 4, 2, &om) || oh > 23 || om > 59)
				return ERR_INVALID;
			p += 6;
		}
	}
	if (*p)
		return ERR_INVALID;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60);
	return 0;
}

char *time_iso(struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(a, s);
}

char *time_human(struct arena *a, int64_t t)
{
	static const char *months[] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"
	};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	return arena_printf(a, "%d %s %d", tm.tm_mday, months[tm.tm_mon],
			    tm.tm_year + 1900);
}

void time_http(int64_t t, char out[30])
{
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		 days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon],
		 (tm.tm_year + 1900) % 10000, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int time_parse_http(const char *s, int64_t *out)
{
	static const char mons[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char iso[32], again[30];
	const char *m;
	int64_t t;

	/* "Fri, 20 Nov 2026 08:30:00 GMT": 29 bytes, fixed positions. */
	if (strlen(s) != 29 || s[7] != ' ' || s[11] != ' ')
		return ERR_INVALID;
	m = strstr(mons, (char[4]){ s[8], s[9], s[10], '\0' });
	if (!m || (m - mons) % 3)
		return ERR_INVALID;
	snprintf(iso, sizeof(iso), "%.4s-%02d-%.2sT%.8sZ", s + 12,
		 (int)(m - mons) / 3 + 1, s + 5, s + 17);
	if (time_parse_iso(iso, &t))
		return ERR_INVALID;
	/* Only the exact form time_http() writes, weekday included. */
	time_http(t, again);
	if (strcmp(again, s))
		return ERR_INVALID;
	*out = t;
	return 0;
}
