/*
 * live.c - the Server-Sent Events hub.
 */
#include "live.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"

#define NBUCKETS 1024

struct sub {
	struct sub *next, *prev;
	struct live *lv;
	int64_t article_id;
	struct http_stream *stream;
};

struct live {
	pthread_mutex_t lock;
	pthread_cond_t tick;
	struct sub *buckets[NBUCKETS];
	size_t count;
	bool stopping;
	pthread_t heart;
};

static struct sub **bucket(struct live *lv, int64_t id)
{
	return &lv->buckets[(uint64_t)id % NBUCKETS];
}

/* Closed hook: the connection is gone; unlink and drop our reference. */
static void sub_closed(void *arg)
{
	struct sub *s = arg;
	struct live *lv = s->lv;

	pthread_mutex_lock(&lv->lock);
	if (s->prev)
		s->prev->next = s->next;
	else
		*bucket(lv, s->article_id) = s->next;
	if (s->next)
		s->next->prev = s->prev;
	lv->count--;
	pthread_mutex_unlock(&lv->lock);
	http_stream_unref(s->stream);
	free(s);
}

static void write_all(struct live *lv, const char *msg, size_t len,
		      int64_t only_id, bool all)
{
	size_t i;

	pthread_mutex_lock(&lv->lock);
	for (i = 0; i < NBUCKETS; i++) {
		struct sub *s;

		if (!all && i != (uint64_t)only_id % NBUCKETS)
			continue;
		for (s = lv->buckets[i]; s; s = s->next)
			if (all || s->article_id == only_id)
				http_stream_write(s->stream, msg, len);
	}
	pthread_mutex_unlock(&lv->lock);
}

static void *heart_main(void *arg)
{
	struct live *lv = arg;
	static const char ping[] = ": ping\n\n";

	pthread_mutex_lock(&lv->lock);
	while (!lv->stopping) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += LIVE_HEARTBEAT_S;
		pthread_cond_timedwait(&lv->tick, &lv->lock, &ts);
		if (lv->stopping)
			break;
		pthread_mutex_unlock(&lv->lock);
		write_all(lv, ping, sizeof(ping) - 1, 0, true);
		pthread_mutex_lock(&lv->lock);
	}
	pthread_mutex_unlock(&lv->lock);
	return NULL;
}

struct live *live_new(void)
{
	struct live *lv = xcalloc(1, sizeof(*lv));

	pthread_mutex_init(&lv->lock, NULL);
	pthread_cond_init(&lv->tick, NULL);
	if (pthread_create(&lv->heart, NULL, heart_main, lv))
		abort();
	return lv;
}

void live_subscribe(struct live *lv, struct http_request *req,
		    struct http_response *res, int64_t article_id)
{
	struct sub *s = xcalloc(1, sizeof(*s));
	static const char hello[] = "retry: 3000\n: connected\n\n";

	s->lv = lv;
	s->article_id = article_id;
	pthread_mutex_lock(&lv->lock);
	s->stream = http_respond_stream(req, res, sub_closed, s);
	s->next = *bucket(lv, article_id);
	if (s->next)
		s->next->prev = s;
	*bucket(lv, article_id) = s;
	lv->count++;
	pthread_mutex_unlock(&lv->lock);
	http_stream_write(s->stream, hello, sizeof(hello) - 1);
}

void live_publish(struct live *lv, int64_t article_id, const char *event,
		  const char *data)
{
	struct buf b;

	buf_init(&b, NULL, 16 * 1024);
	buf_printf(&b, "event: %s\ndata: %s\n\n", event, data);
	if (!b.overflow)
		write_all(lv, b.data, b.len, article_id, false);
	buf_release(&b);
}

size_t live_count(struct live *lv)
{
	size_t n;

	pthread_mutex_lock(&lv->lock);
	n = lv->count;
	pthread_mutex_unlock(&lv->lock);
	return n;
}

void live_stop(struct live *lv)
{
	size_t i;

	if (!lv)
		return;
	pthread_mutex_lock(&lv->lock);
	if (lv->stopping) {	/* already stopped (safe to call twice) */
		pthread_mutex_unlock(&lv->lock);
		return;
	}
	lv->stopping = true;
	pthread_cond_signal(&lv->tick);
	for (i = 0; i < NBUCKETS; i++) {
		struct sub *s;

		for (s = lv->buckets[i]; s; s = s->next)
			http_stream_end(s->stream);
	}
	pthread_mutex_unlock(&lv->lock);
	pthread_join(lv->heart, NULL);
}

void live_free(struct live *lv)
{
	if (!lv)
		return;
	pthread_mutex_destroy(&lv->lock);
	pthread_cond_destroy(&lv->tick);
	free(lv);
}
