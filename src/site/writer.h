/*
 * writer.h - one writer thread with group commit for reader writes
 * (reactions now; comments later).
 *
 * Connection threads submit a change and suspend their connection; the
 * writer takes everything queued, applies it in one transaction (one disk
 * flush), and then calls each change's done() so its connection can
 * answer.  A client is therefore answered only after its change is
 * durable, and N concurrent writers cost about one fsync, not N.
 */
#ifndef DATELINE_WRITER_H
#define DATELINE_WRITER_H

#include "store/store.h"

#define WRITER_MAX_BATCH 1024

struct writer;

/* Called on the writer thread after each committed batch (may be NULL). */
typedef void (*writer_batch_fn)(void *ctx, const struct reaction_change *ch,
				size_t n);

struct writer *writer_start(struct store *s, writer_batch_fn after, void *ctx);

/*
 * Queue @ch (owned by the caller until done runs).  @done(arg) runs on the
 * writer thread once the change is committed or has failed (ch->result).
 */
void writer_submit(struct writer *w, struct reaction_change *ch,
		   void (*done)(void *arg), void *arg);

/* Finish what is queued, then stop the thread and free the writer. */
void writer_stop(struct writer *w);

#endif
