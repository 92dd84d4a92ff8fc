/*
 * ratelimit.h - per-key (client address) rate limits in bounded memory.
 *
 * A token bucket per key: @per_minute tokens, refilled continuously.  The
 * table has a fixed number of slots; a new key takes the least recently
 * seen slot of its probe window, so memory never grows with the number of
 * clients (an attacker cycling addresses only evicts old entries, which
 * errs on the side of letting requests through).  Thread-safe.  A limiter
 * may be shared by several processes through a callback (ratelimit_share):
 * the nodes of one PostgreSQL database.
 */
#ifndef DATELINE_RATELIMIT_H
#define DATELINE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 8192

struct ratelimit;

/* A limiter allowing @per_minute events per key (0: no limit). */
struct ratelimit *ratelimit_new(unsigned per_minute);
void ratelimit_free(struct ratelimit *rl);

/*
 * Take one token for @key at @now_ms (monotonic milliseconds).  True when
 * allowed; false when over the limit, with *retry_after (seconds, >= 1) set.
 */
bool ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms,
		    unsigned *retry_after);

/*
 * Like ratelimit_take() but takes nothing: true when a token is there.
 * For limits that count only failures (peek first, take on failure).
 */
bool ratelimit_peek(struct ratelimit *rl, const char *key, int64_t now_ms,
		    unsigned *retry_after);

/*
 * A limit shared with other processes: @fn(@arg, key, per_minute, take,
 * &allowed, &retry_after) decides instead of the local table, with key
 * "<@name>:<the caller's key>" (@name a static string); when it fails
 * (returns non-zero: the shared store is away) the local table decides.
 * Set before the limiter is used.
 */
typedef int (*ratelimit_shared_fn)(void *arg, const char *key,
				   unsigned per_minute, bool take,
				   bool *allowed, unsigned *retry_after);
void ratelimit_share(struct ratelimit *rl, const char *name,
		     ratelimit_shared_fn fn, void *arg);

#endif
