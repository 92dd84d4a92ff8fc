/*
 * passwords.h - password hashing (argon2id through libsodium) and the
 * small thread pool that runs it.
 *
 * Hashing costs tens of milliseconds and 64 MB on purpose, so it never runs
 * on an HTTP connection thread: a handler suspends its connection
 * (http_defer), hands the work to auth_pool_submit(), and the work resumes
 * the connection when done.  Page serving never waits for a log in.
 */
#ifndef DATELINE_PASSWORDS_H
#define DATELINE_PASSWORDS_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN 8		/* characters (Unicode code points) */
#define PASSWORD_MAX 256
#define PASSWORD_HASH_MAX 128	/* crypto_pwhash_STRBYTES */

/*
 * 0 when @pw is a password we accept: valid UTF-8 of PASSWORD_MIN to
 * PASSWORD_MAX characters; ERR_INVALID otherwise.
 */
int password_check(const char *pw);

/*
 * Hash @pw into @out ("$argon2id$v=19$m=65536,t=2,p=1$..."), with the
 * current limits (libsodium's "interactive" ones).  ERR_NOMEM when the
 * memory for hashing cannot be had.  Slow: never on a connection thread.
 */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);

/*
 * 0 when @pw matches @stored, ERR_INVALID otherwise (also for a malformed
 * @stored).  *rehash is set when @stored was made with other limits than
 * today's, so the caller should store password_hash(@pw) instead.  Slow.
 */
int password_verify(const char *stored, const char *pw, bool *rehash);

/*
 * A stored-form hash of a random password nobody knows, made with
 * today's limits, to verify against when an address is unknown (so a log
 * in with it costs what one with a known address does).  Made once when
 * the limits change, never at start-up: hashing costs 64 MiB.  Fills
 * @out; 0, or an error when the limits changed and hashing failed.
 */
int password_dummy(char out[PASSWORD_HASH_MAX]);

/* A fixed pool of threads for slow authentication work. */
struct auth_pool;

struct auth_pool *auth_pool_start(unsigned threads);

/* Run @fn(@arg) on a pool thread; the caller keeps @arg alive till then. */
void auth_pool_submit(struct auth_pool *p, void (*fn)(void *arg), void *arg);

/* Run what is queued, then stop the threads and free the pool. */
void auth_pool_stop(struct auth_pool *p);

#endif
