/*
 * tokens.h - random secrets handed to readers (session cookies, links in
 * e-mail) and the hashes under which the store keeps them.
 *
 * A token is 32 random bytes (256 bits) from libsodium, written as 43
 * base64url characters.  The store only ever sees its SHA-256, as 64 hex
 * digits: a copy of the database does not let anyone log in or reset a
 * password.
 */
#ifndef DATELINE_TOKENS_H
#define DATELINE_TOKENS_H

#include <stdbool.h>

#define TOKEN_LEN 43		/* characters of a token */
#define TOKEN_SIZE (TOKEN_LEN + 1)
#define TOKEN_HASH_SIZE 65	/* 64 hex digits + NUL */

/* A fresh random token. */
void token_new(char out[TOKEN_SIZE]);

/* True when @s (may be NULL) has the form of a token. */
bool token_valid(const char *s);

/* The SHA-256 of @token as 64 lower-case hex digits. */
void token_hash(const char *token, char out[TOKEN_HASH_SIZE]);

#endif
