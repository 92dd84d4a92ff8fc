/*
 * views.h - page views of stories, counted without cookies and without
 * storing addresses.
 *
 * Each node counts in memory (a table per HTTP thread with its own mutex,
 * which only the flush also takes: tens of nanoseconds on the story
 * page's path) and a thread of its own
 * adds the counts to the store every few seconds (store_views_add(), one
 * transaction; a failed flush keeps its counts for the next one).  What
 * is counted: a GET of a published story page answered 200 or 304, from
 * a browser's User-Agent that names no known robot, without "DNT: 1" or
 * "Sec-GPC: 1", and not a prefetch.  Nothing about the reader is kept.
 *
 * Invariants: at most 3/4 of VIEWS_SLOTS stories per thread between two
 * flushes (views past that are dropped, and counted: views_dropped());
 * the day of a view is the UTC day of its flush.
 */
#ifndef DATELINE_VIEWS_H
#define DATELINE_VIEWS_H

#include <stdbool.h>
#include <stdint.h>

struct http_request;
struct store;
struct views;

#define VIEWS_SHARDS 16
#define VIEWS_SLOTS 4096

/* Run on the counting thread after every flush. */
typedef void views_tick_fn(void *ctx);

/*
 * Start counting into @store, flushing every @flush_ms milliseconds and
 * then calling @tick(@ctx) (may be NULL).  NULL when the thread cannot be
 * started.
 */
struct views *views_start(struct store *store, unsigned flush_ms,
			  views_tick_fn *tick, void *ctx);
/* Flush what is counted, stop the thread and free @v (NULL is fine). */
void views_stop(struct views *v);

/* One view of story @id (> 0). */
void views_add(struct views *v, int64_t id);

/* Whether @req may count as a view (method and headers; see above). */
bool views_countable(const struct http_request *req);

/* Whether User-Agent @ua is not a person's browser: empty, not
 * "Mozilla/..." or "Opera/...", or naming a robot, crawler, previewer,
 * monitor or HTTP library. */
bool views_robot(const char *ua);

/* Views this node has counted since it started, and dropped (full). */
uint64_t views_counted(const struct views *v);
uint64_t views_dropped(const struct views *v);

#endif
