/*
 * writer.c - the group-commit queue and its thread.
 */
#include "writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"

struct item {
	struct item *next;
	struct reaction_change *ch;
	void (*done)(void *arg);
	void *arg;
};

struct writer {
	struct store *store;
	writer_batch_fn after;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct item *head, **tail;
	bool stopping;
	struct reaction_change batch[WRITER_MAX_BATCH];
	struct item *items[WRITER_MAX_BATCH];
};

static size_t take_batch(struct writer *w)
{
	size_t n = 0;

	while (w->head && n < WRITER_MAX_BATCH) {
		struct item *it = w->head;

		w->head = it->next;
		w->items[n++] = it;
	}
	if (!w->head)
		w->tail = &w->head;
	return n;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	for (;;) {
		size_t n, i;
		int r;

		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->head && w->stopping) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		n = take_batch(w);
		pthread_mutex_unlock(&w->lock);

		for (i = 0; i < n; i++)
			w->batch[i] = *w->items[i]->ch;
		r = store_reactions_apply(w->store, w->batch, n);
		for (i = 0; i < n; i++) {
			if (r)
				w->batch[i].result = r;
			*w->items[i]->ch = w->batch[i];
		}
		if (r)
			log_err("reaction batch of %zu failed: %s", n, err_str(r));
		else if (w->after)
			w->after(w->ctx, w->batch, n);
		for (i = 0; i < n; i++) {
			struct item *it = w->items[i];

			it->done(it->arg);
			free(it);
		}
	}
	return NULL;
}

struct writer *writer_start(struct store *s, writer_batch_fn after, void *ctx)
{
	struct writer *w = xcalloc(1, sizeof(*w));

	w->store = s;
	w->after = after;
	w->ctx = ctx;
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		log_err("cannot start the writer thread");
		abort();
	}
	return w;
}

void writer_submit(struct writer *w, struct reaction_change *ch,
		   void (*done)(void *arg), void *arg)
{
	struct item *it = xmalloc(sizeof(*it));

	it->next = NULL;
	it->ch = ch;
	it->done = done;
	it->arg = arg;
	pthread_mutex_lock(&w->lock);
	*w->tail = it;
	w->tail = &it->next;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void writer_stop(struct writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}
