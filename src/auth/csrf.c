/*
 * csrf.c - tokens (HMAC-SHA-256 through libsodium) and origin checks.
 */
#include "csrf.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"

void csrf_token(const unsigned char key[CSRF_KEY_SIZE], const char *subject,
		char out[CSRF_TOKEN_SIZE])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, CSRF_KEY_SIZE);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf:", 5);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)subject,
				      strlen(subject));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, CSRF_TOKEN_SIZE, mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool csrf_token_ok(const unsigned char key[CSRF_KEY_SIZE], const char *subject,
		   const char *token)
{
	char want[CSRF_TOKEN_SIZE];

	if (!token || strlen(token) != CSRF_TOKEN_SIZE - 1)
		return false;
	csrf_token(key, subject, want);
	return sodium_memcmp(want, token, CSRF_TOKEN_SIZE - 1) == 0;
}

/* "http://example.org:8080" -> "example.org:8080" (scheme dropped). */
static const char *origin_host(const char *origin)
{
	const char *p = strstr(origin, "://");

	return p ? p + 3 : NULL;
}

bool csrf_same_origin(const struct http_request *req)
{
	const char *origin = http_header(req, "Origin");
	const char *host = http_header(req, "Host");

	if (origin) {
		const char *oh = origin_host(origin);

		/* "null" origins (sandboxed frames, file:) are never ours. */
		return oh && host && !strcasecmp(oh, host);
	}
	origin = http_header(req, "Sec-Fetch-Site");
	if (origin)
		return !strcmp(origin, "same-origin") || !strcmp(origin, "none");
	return true;
}
