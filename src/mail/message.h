/*
 * message.h - e-mail messages as the outbox stores them: one RFC 5322
 * text with Date, Message-ID, From, To, Subject and a plain-text UTF-8
 * body, CRLF line ends.  Also the checks that keep reader input out of
 * header lines.
 */
#ifndef DATELINE_MESSAGE_H
#define DATELINE_MESSAGE_H

#include <stdbool.h>
#include <stdint.h>

struct arena;

#define MAIL_ADDRESS_MAX 254

/*
 * True when @s (may be NULL) is an address we send to: local@domain with
 * printable ASCII only, no spaces, quotes, angle brackets or commas, at
 * most MAIL_ADDRESS_MAX bytes and 64 before the '@', and a domain of
 * letters, digits, '-' and '.' labels holding at least one dot.
 */
bool mail_address_valid(const char *s);

/*
 * The whole message (arena) from @from to @to at Unix time @now.  @subject
 * is encoded per RFC 2047 when it is not plain ASCII; @text (UTF-8, '\n'
 * line ends) becomes the body with CRLF line ends.  NULL when @from or @to
 * is not a valid address or @subject holds a line break.
 */
char *mail_format(struct arena *a, const char *from, const char *to,
		  const char *subject, const char *text, int64_t now);

/*
 * The same with List-Unsubscribe and List-Unsubscribe-Post (one-click,
 * RFC 8058) headers for @unsubscribe, an http(s) URL that answers a POST
 * by unsubscribing; NULL also when that URL does not fit in a header.
 */
char *mail_format_list(struct arena *a, const char *from, const char *to,
		       const char *subject, const char *text, int64_t now,
		       const char *unsubscribe);

#endif
