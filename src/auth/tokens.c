/*
 * tokens.c - random tokens and their hashes (libsodium).
 */
#include "tokens.h"

#include <sodium.h>
#include <string.h>

void token_new(char out[TOKEN_SIZE])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_SIZE, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

bool token_valid(const char *s)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789-_";

	return s && strlen(s) == TOKEN_LEN && strspn(s, alphabet) == TOKEN_LEN;
}

void token_hash(const char *token, char out[TOKEN_HASH_SIZE])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, TOKEN_HASH_SIZE, h, sizeof(h));
}
