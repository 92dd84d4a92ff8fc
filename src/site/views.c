/*
 * views.c - page views counted in memory and added to the store by a
 * thread of their own (views.h).
 */
#include "views.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "http/http.h"
#include "store/store.h"

struct slot {
	int64_t id;		/* 0: free */
	int64_t n;
};

struct shard {
	pthread_mutex_t lock;
	size_t used;
	struct slot slot[VIEWS_SLOTS];
};

struct views {
	struct store *store;
	unsigned flush_ms;
	views_tick_fn *tick;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;	/* guards stop, with wake */
	pthread_cond_t wake;
	bool stop;
	atomic_uint_fast64_t counted, dropped;
	struct shard shard[VIEWS_SHARDS];
	/* The flushing thread's own copy of one flush. */
	int64_t ids[VIEWS_SHARDS * VIEWS_SLOTS];
	int64_t ns[VIEWS_SHARDS * VIEWS_SLOTS];
};

static size_t hash_id(int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32);
}

/* This thread's shard number: each thread its own while there are no
 * more than VIEWS_SHARDS, so the lock is one nobody else wants but the
 * flush, every few seconds. */
static _Thread_local int my_shard = -1;
static atomic_uint next_shard;

/* Add @n views of @id to shard @k; false when it is full. */
static bool shard_add(struct views *v, int k, int64_t id, int64_t n)
{
	size_t h = hash_id(id);
	struct shard *s = &v->shard[k];
	size_t i = h % VIEWS_SLOTS, j;
	bool ok = false;

	pthread_mutex_lock(&s->lock);
	for (j = 0; j < VIEWS_SLOTS; j++, i = (i + 1) % VIEWS_SLOTS) {
		if (s->slot[i].id == id) {
			s->slot[i].n += n;
			ok = true;
			break;
		}
		if (!s->slot[i].id) {
			/* A table more than 3/4 full probes too long. */
			if (s->used >= VIEWS_SLOTS * 3 / 4)
				break;
			s->slot[i].id = id;
			s->slot[i].n = n;
			s->used++;
			ok = true;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void views_add(struct views *v, int64_t id)
{
	if (!v || id <= 0)
		return;
	if (my_shard < 0)
		my_shard = (int)(atomic_fetch_add(&next_shard, 1) % VIEWS_SHARDS);
	if (shard_add(v, my_shard, id, 1))
		atomic_fetch_add(&v->counted, 1);
	else
		atomic_fetch_add(&v->dropped, 1);
}

/* Take every shard's counts into v->ids/v->ns; how many. */
static size_t take(struct views *v)
{
	size_t n = 0, i, k;

	for (k = 0; k < VIEWS_SHARDS; k++) {
		struct shard *s = &v->shard[k];

		pthread_mutex_lock(&s->lock);
		for (i = 0; s->used && i < VIEWS_SLOTS; i++) {
			if (!s->slot[i].id)
				continue;
			v->ids[n] = s->slot[i].id;
			v->ns[n++] = s->slot[i].n;
		}
		memset(s->slot, 0, sizeof(s->slot));
		s->used = 0;
		pthread_mutex_unlock(&s->lock);
	}
	return n;
}

/* Add the counts to the store; on failure they go back for next time. */
static void flush(struct views *v)
{
	size_t n = take(v), i;
	int r;

	if (!n)
		return;
	r = store_views_add(v->store, time_now() / 86400, v->ids, v->ns, n);
	if (!r)
		return;
	log_warn("page views could not be saved (%s); kept for the next try",
		 err_str(r));
	for (i = 0; i < n; i++)
		if (!shard_add(v, (int)(i % VIEWS_SHARDS), v->ids[i], v->ns[i]))
			atomic_fetch_add(&v->dropped, (uint64_t)v->ns[i]);
}

static void *run(void *arg)
{
	struct views *v = arg;
	bool stop = false;

	while (!stop) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += v->flush_ms / 1000;
		until.tv_nsec += (long)(v->flush_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&v->lock);
		while (!v->stop &&
		       pthread_cond_timedwait(&v->wake, &v->lock, &until) !=
		       ETIMEDOUT)
			;
		stop = v->stop;
		pthread_mutex_unlock(&v->lock);
		flush(v);
		if (v->tick && !stop)
			v->tick(v->ctx);
	}
	return NULL;
}

struct views *views_start(struct store *store, unsigned flush_ms,
			  views_tick_fn *tick, void *ctx)
{
	struct views *v = xcalloc(1, sizeof(*v));
	size_t k;

	v->store = store;
	v->flush_ms = flush_ms ? flush_ms : 5000;
	v->tick = tick;
	v->ctx = ctx;
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->wake, NULL);
	for (k = 0; k < VIEWS_SHARDS; k++)
		pthread_mutex_init(&v->shard[k].lock, NULL);
	if (pthread_create(&v->thread, NULL, run, v)) {
		free(v);
		return NULL;
	}
	return v;
}

void views_stop(struct views *v)
{
	size_t k;

	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->stop = true;
	pthread_cond_signal(&v->wake);
	pthread_mutex_unlock(&v->lock);
	pthread_join(v->thread, NULL);
	for (k = 0; k < VIEWS_SHARDS; k++)
		pthread_mutex_destroy(&v->shard[k].lock);
	pthread_mutex_destroy(&v->lock);
	pthread_cond_destroy(&v->wake);
	free(v);
}

uint64_t views_counted(const struct views *v)
{
	return v ? atomic_load(&v->counted) : 0;
}

uint64_t views_dropped(const struct views *v)
{
	return v ? atomic_load(&v->dropped) : 0;
}

/* Whether @s contains @word (lower case), ignoring ASCII case. */
static bool has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (tolower((unsigned char)*s) == word[0] &&
		    !strncasecmp(s, word, n))
			return true;
	return false;
}

/* Substrings of robots' and libraries' names (lower case). */
static const char *const robots[] = {
	"bot", "crawl", "spider", "slurp", "scrape", "preview",
	"facebookexternalhit", "mediapartners", "embedly", "headless",
	"lighthouse", "pagespeed", "monitor", "uptime", "pingdom", "feed",
	"rss", "archiver", "curl/", "wget/", "python", "go-http-client",
	"java/", "okhttp", "node-fetch", "axios", "libwww", "httpclient",
	"phantomjs", "wrk", "check_http",
};

/* For each pair of lower-case letters, the robots[] words starting with
 * it (a bit each): one pass over a User-Agent compares only those, which
 * a person's browser almost never has (a few hundred nanoseconds). */
static uint64_t first_of[26][26];
static pthread_once_t first_once = PTHREAD_ONCE_INIT;

static void first_init(void)
{
	size_t i;

	for (i = 0; i < sizeof(robots) / sizeof(*robots); i++)
		first_of[robots[i][0] - 'a'][robots[i][1] - 'a'] |= 1ull << i;
}

/* @c as a letter index 0-25, or -1. */
static int letter(char c)
{
	unsigned u = (unsigned char)c | 0x20;

	return u >= 'a' && u <= 'z' ? (int)(u - 'a') : -1;
}

bool views_robot(const char *ua)
{
	const char *p;
	int c, d;

	if (!ua || (strncmp(ua, "Mozilla/", 8) && strncmp(ua, "Opera/", 6)))
		return true;
	pthread_once(&first_once, first_init);
	for (p = ua, c = letter(*p); *p; p++, c = d) {
		uint64_t m;

		d = letter(p[1]);
		if (c < 0 || d < 0 || !(m = first_of[c][d]))
			continue;
		for (; m; m &= m - 1) {
			const char *w = robots[__builtin_ctzll(m)];

			if (!strncasecmp(p, w, strlen(w)))
				return true;
		}
	}
	return false;
}

bool views_countable(const struct http_request *req)
{
	const char *dnt = http_header(req, "DNT");
	const char *gpc = http_header(req, "Sec-GPC");
	const char *purpose = http_header(req, "Sec-Purpose");

	if (req->method != HTTP_GET)
		return false;
	if ((dnt && !strcmp(dnt, "1")) || (gpc && !strcmp(gpc, "1")))
		return false;
	if (!purpose)
		purpose = http_header(req, "Purpose");
	if (purpose && has_word(purpose, "prefetch"))
		return false;
	return !views_robot(http_header(req, "User-Agent"));
}
