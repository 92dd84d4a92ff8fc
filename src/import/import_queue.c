/*
 * import_queue.c - jobs run in order by a thread of their own (see
 * import_queue.h): a ring of slots under one mutex.
 */
#include "import_queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"

struct imp_queue {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t moved;	/* a job pushed or run, or closing */
	unsigned char *slots;
	size_t depth, size;
	uint64_t head, tail;	/* pushed, run */
	bool closing;
	int err;
	impq_run_fn run;
	impq_end_fn end;
	void *ctx;
};

static void *slot_at(struct imp_queue *q, uint64_t n)
{
	return q->slots + (size_t)(n % q->depth) * q->size;
}

static void *worker(void *arg)
{
	struct imp_queue *q = arg;
	int e;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		void *slot;
		int failed;

		while (q->tail == q->head && !q->closing)
			pthread_cond_wait(&q->moved, &q->mu);
		if (q->tail == q->head)
			break;
		slot = slot_at(q, q->tail);
		failed = q->err;
		pthread_mutex_unlock(&q->mu);
		e = q->run(q->ctx, slot, failed);
		pthread_mutex_lock(&q->mu);
		if (e && !q->err)
			q->err = e;
		q->tail++;
		pthread_cond_broadcast(&q->moved);
	}
	e = q->err;
	pthread_mutex_unlock(&q->mu);
	if (q->end && (e = q->end(q->ctx, e)) && !q->err)
		q->err = e;	/* only this thread writes it now */
	return NULL;
}

struct imp_queue *impq_new(size_t depth, size_t size, impq_run_fn run,
			   impq_end_fn end, void *ctx)
{
	struct imp_queue *q = xcalloc(1, sizeof(*q));

	q->slots = xcalloc(depth, size);
	q->depth = depth;
	q->size = size;
	q->run = run;
	q->end = end;
	q->ctx = ctx;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->moved, NULL);
	if (pthread_create(&q->thread, NULL, worker, q)) {
		pthread_cond_destroy(&q->moved);
		pthread_mutex_destroy(&q->mu);
		free(q->slots);
		free(q);
		return NULL;
	}
	return q;
}

int impq_next(struct imp_queue *q, void **slot)
{
	int e;

	pthread_mutex_lock(&q->mu);
	while (!q->err && q->head - q->tail == q->depth)
		pthread_cond_wait(&q->moved, &q->mu);
	e = q->err;
	pthread_mutex_unlock(&q->mu);
	*slot = e ? NULL : slot_at(q, q->head);
	return e;
}

void impq_push(struct imp_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->head++;
	pthread_cond_broadcast(&q->moved);
	pthread_mutex_unlock(&q->mu);
}

int impq_wait(struct imp_queue *q)
{
	int e;

	pthread_mutex_lock(&q->mu);
	while (q->tail != q->head)
		pthread_cond_wait(&q->moved, &q->mu);
	e = q->err;
	pthread_mutex_unlock(&q->mu);
	return e;
}

int impq_close(struct imp_queue *q, void (*each)(void *slot))
{
	size_t i;
	int e;

	if (!q)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->closing = true;
	pthread_cond_broadcast(&q->moved);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	e = q->err;
	for (i = 0; each && i < q->depth; i++)
		each(q->slots + i * q->size);
	pthread_cond_destroy(&q->moved);
	pthread_mutex_destroy(&q->mu);
	free(q->slots);
	free(q);
	return e;
}
