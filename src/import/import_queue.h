/*
 * import_queue.h - a bounded queue of jobs run in order by a thread of
 * its own, so an import reads and converts the next items while the
 * last ones are written.
 *
 * The queue owns @depth slots of @size bytes.  The producer asks for
 * the next free slot (impq_next(), which waits while every slot is
 * taken), fills it and hands it on (impq_push()); the queue's thread
 * gives each slot to run() in the order pushed, then the slot is free
 * again.  The first error run() returns is kept: from then on run() is
 * told so (to release what the slot holds, writing nothing) and
 * impq_next() and impq_wait() return it.  When the queue closes, its
 * thread calls end() once, after the last job.  One producer thread.
 */
#ifndef DATELINE_IMPORT_QUEUE_H
#define DATELINE_IMPORT_QUEUE_H

#include <stddef.h>

struct imp_queue;

/*
 * Handed each job in turn, on the queue's thread; @failed is the error
 * kept so far (0: none).  Returns 0 or an error, kept if it is the first.
 */
typedef int (*impq_run_fn)(void *ctx, void *slot, int failed);
/* Called once on the queue's thread when it closes; @failed as above. */
typedef int (*impq_end_fn)(void *ctx, int failed);

/* A queue and its thread; NULL when the thread cannot start. */
struct imp_queue *impq_new(size_t depth, size_t size, impq_run_fn run,
			   impq_end_fn end, void *ctx);

/* The next free slot (zeroed on first use, as left after), in *@slot;
 * 0, or the error kept (then no slot). */
int impq_next(struct imp_queue *q, void **slot);
/* Hand on the slot impq_next() gave. */
void impq_push(struct imp_queue *q);
/* Wait until every job pushed has run: 0 or the error kept. */
int impq_wait(struct imp_queue *q);
/* Run what is pushed, call end(), stop the thread; then @each (may be
 * NULL) is called with every slot, to free what it holds, and the queue
 * is freed.  Returns the error kept, or end()'s. */
int impq_close(struct imp_queue *q, void (*each)(void *slot));

#endif
