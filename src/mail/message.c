/*
 * message.c - RFC 5322 messages and address checks.
 */
#include "message.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"

bool mail_address_valid(const char *s)
{
	const char *at, *p, *label;
	bool dot = false;

	if (!s || strlen(s) > MAIL_ADDRESS_MAX || !(at = strchr(s, '@')) ||
	    at == s || at - s > 64 || strchr(at + 1, '@'))
		return false;
	for (p = s; p < at; p++)
		if (*p <= ' ' || *p >= 127 || strchr("\"(),:;<>[\\]", *p))
			return false;
	if (*s == '.' || at[-1] == '.' || strstr(s, ".."))
		return false;
	label = at + 1;
	for (p = at + 1;; p++) {
		if (*p == '.' || !*p) {
			if (p == label || p - label > 63 || *label == '-' ||
			    p[-1] == '-')
				return false;
			if (!*p)
				break;
			dot = true;
			label = p + 1;
		} else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '-')) {
			return false;
		}
	}
	return dot;
}

static bool ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s >= 127)
			return false;
	return true;
}

/* Subject: as is when printable ASCII, else one RFC 2047 B-word per
 * 45 bytes (cut at UTF-8 character starts when there are any). */
static void add_subject(struct buf *b, const char *subject)
{
	size_t len = strlen(subject), at = 0;

	buf_adds(b, "Subject: ");
	if (ascii_printable(subject)) {
		buf_adds(b, subject);
		buf_adds(b, "\r\n");
		return;
	}
	while (at < len) {
		size_t n = len - at > 45 ? 45 : len - at;
		char enc[128];

		while (n > 1 && at + n < len &&
		       ((unsigned char)subject[at + n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(enc, sizeof(enc),
				  (const unsigned char *)subject + at, n,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", at ? "\r\n " : "", enc);
		at += n;
	}
	buf_adds(b, "\r\n");
}

/* An unsubscribe URL fit for a header: http(s), printable, no blanks, '<>'. */
static bool header_url(const char *u)
{
	size_t i;

	if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
		return false;
	for (i = 0; u[i]; i++)
		if ((unsigned char)u[i] <= ' ' || (unsigned char)u[i] >= 127 ||
		    u[i] == '<' || u[i] == '>' || u[i] == ',')
			return false;
	return i <= 900;
}

char *mail_format(struct arena *a, const char *from, const char *to,
		  const char *subject, const char *text, int64_t now)
{
	return mail_format_list(a, from, to, subject, text, now, NULL);
}

char *mail_format_list(struct arena *a, const char *from, const char *to,
		       const char *subject, const char *text, int64_t now,
		       const char *unsubscribe)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
					    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	unsigned char raw[16];
	char id[33];
	time_t t = (time_t)now;
	struct tm tm;
	struct buf b;
	const char *p;

	if (!mail_address_valid(from) || !mail_address_valid(to) ||
	    strpbrk(subject, "\r\n") || (unsubscribe && !header_url(unsubscribe)))
		return NULL;
	gmtime_r(&t, &tm);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, sizeof(id), raw, sizeof(raw));
	buf_init(&b, a, 256 * 1024);
	buf_printf(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		   days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf_printf(&b, "Message-ID: <%s@%s>\r\n", id, strchr(from, '@') + 1);
	buf_printf(&b, "From: %s\r\nTo: %s\r\n", from, to);
	add_subject(&b, subject);
	if (unsubscribe)	/* RFC 2369 and RFC 8058 one-click */
		buf_printf(&b, "List-Unsubscribe: <%s>\r\n"
			   "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
			   unsubscribe);
	buf_adds(&b, "MIME-Version: 1.0\r\n"
		 "Content-Type: text/plain; charset=utf-8\r\n"
		 "Content-Transfer-Encoding: 8bit\r\n\r\n");
	for (p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			buf_adds(&b, "\r\n");
		else
			buf_addch(&b, *p);
	}
	if (b.len < 2 || memcmp(b.data + b.len - 2, "\r\n", 2))
		buf_adds(&b, "\r\n");
	return b.data;
}
