/*
 * fuzz_mail.c - libFuzzer driver for the account input checks and the
 * message writer: e-mail addresses (mail_address_valid), return paths
 * after log in (account_return_ok), tokens (token_valid) and mail_format()
 * with the input as recipient, subject and body.  Properties: an address
 * we accept has no byte that could break a header line; a return path we
 * accept stays on this site; a message's header block never gains a line
 * from the input (no header injection).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/tokens.h"
#include "core/arena.h"
#include "mail/message.h"
#include "site/site_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	char *s = arena_strndup(a, (const char *)data, size);
	const char *m, *body;

	if (mail_address_valid(s) && (strpbrk(s, "\r\n<>, ") || !strchr(s, '@')))
		abort();
	if (account_return_ok(s) && (s[0] != '/' || s[1] == '/' || s[1] == '\\' ||
				     strpbrk(s, "\r\n")))
		abort();
	if (token_valid(s) && strlen(s) != TOKEN_LEN)
		abort();
	m = mail_format(a, "news@example.com", s, "Subject", s, 0);
	if (m && !mail_address_valid(s))
		abort();
	m = mail_format(a, "news@example.com", "ann@example.com", s, s, 0);
	if (m) {
		/* Date, Message-ID, From, To, Subject (maybe folded), MIME. */
		body = strstr(m, "\r\n\r\n");
		if (!body || memmem(m, (size_t)(body - m), "\r\nBcc", 5) ||
		    memmem(m, (size_t)(body - m), "\n\n", 2))
			abort();
	}
	/* Any bytes as the unsubscribe URL: never a header of their own. */
	m = mail_format_list(a, "news@example.com", "ann@example.com", "Hi",
			     "x", 0, s);
	if (m) {
		body = strstr(m, "\r\n\r\n");
		if (!body || memmem(m, (size_t)(body - m), "\r\nBcc", 5) ||
		    strpbrk(s, "\r\n <>"))
			abort();
	}
	arena_free(a);
	return 0;
}
