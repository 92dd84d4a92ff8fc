/*
 * ratelimit.c - token buckets in a fixed open-addressed table.
 */
#include "ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define PROBE 8
#define KEY_MAX 48

struct slot {
	char key[KEY_MAX];
	double tokens;
	int64_t last_ms;
};

struct ratelimit {
	pthread_mutex_t lock;
	unsigned per_minute;
	const char *name;		/* shared: see ratelimit_share() */
	ratelimit_shared_fn shared;
	void *shared_arg;
	struct slot slots[RATELIMIT_SLOTS];
};

struct ratelimit *ratelimit_new(unsigned per_minute)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	pthread_mutex_init(&rl->lock, NULL);
	rl->per_minute = per_minute;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static bool bucket(struct ratelimit *rl, const char *key, int64_t now_ms,
		   unsigned *retry_after, bool take)
{
	unsigned h = hash(key), i;
	struct slot *s = NULL, *oldest = NULL;
	double rate = rl->per_minute / 60000.0;	/* tokens per ms */
	bool ok;

	if (!rl->per_minute)
		return true;
	if (rl->shared) {
		char k[384];	/* names and email addresses fit */
		bool allowed;

		snprintf(k, sizeof(k), "%s:%s", rl->name, key);
		if (!rl->shared(rl->shared_arg, k, rl->per_minute, take,
				&allowed, retry_after))
			return allowed;
	}
	pthread_mutex_lock(&rl->lock);
	for (i = 0; i < PROBE; i++) {
		struct slot *c = &rl->slots[(h + i) % RATELIMIT_SLOTS];

		if (!strncmp(c->key, key, KEY_MAX - 1) && c->key[0]) {
			s = c;
			break;
		}
		if (!oldest || c->last_ms < oldest->last_ms)
			oldest = c;
	}
	if (!s) {
		size_t n = strnlen(key, KEY_MAX - 1);

		s = oldest;
		memcpy(s->key, key, n);
		s->key[n] = '\0';
		s->tokens = rl->per_minute;
		s->last_ms = now_ms;
	}
	s->tokens += (double)(now_ms - s->last_ms) * rate;
	if (s->tokens > rl->per_minute)
		s->tokens = rl->per_minute;
	s->last_ms = now_ms;
	ok = s->tokens >= 1.0;
	if (ok) {
		if (take)
			s->tokens -= 1.0;
	} else {
		double wait_ms = (1.0 - s->tokens) / rate;

		*retry_after = (unsigned)(wait_ms / 1000.0) + 1;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

bool ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms,
		    unsigned *retry_after)
{
	return bucket(rl, key, now_ms, retry_after, true);
}

bool ratelimit_peek(struct ratelimit *rl, const char *key, int64_t now_ms,
		    unsigned *retry_after)
{
	return bucket(rl, key, now_ms, retry_after, false);
}

void ratelimit_share(struct ratelimit *rl, const char *name,
		     ratelimit_shared_fn fn, void *arg)
{
	if (!rl)
		return;
	rl->name = name;
	rl->shared = fn;
	rl->shared_arg = arg;
}
