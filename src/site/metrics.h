/*
 * metrics.h - counters for /metrics, in the Prometheus text format.
 *
 * Counting is a few relaxed atomic additions per request, no lock, so it
 * may run on every connection thread (docs/performance.md has its cost on
 * the cached page path).  Requests are counted by route (the route table's
 * index + 1, 0 for no route) and status; durations go into one histogram
 * for all routes (event streams, open for hours, are left out of it).
 */
#ifndef DATELINE_METRICS_H
#define DATELINE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "store/store_stats.h"

struct metrics;

/* A route's name for the `route` and `method` labels. */
struct metrics_route {
	const char *method;	/* "GET" */
	const char *pattern;	/* "/section/:slug/" */
};

/* Counters for @nroutes routes (@routes borrowed for the process). */
struct metrics *metrics_new(const struct metrics_route *routes,
			    size_t nroutes);
void metrics_free(struct metrics *m);

/* One answered request: @route 0 (none) to nroutes, @streamed for event
 * streams (counted, not timed). */
void metrics_request(struct metrics *m, int route, unsigned status,
		     double seconds, bool streamed);
/* A cacheable page served from the page cache (@hit) or rendered. */
void metrics_page_cache(struct metrics *m, bool hit);
/* A committed reaction batch of @n changes. */
void metrics_reaction_batch(struct metrics *m, size_t n);

/* What the counters do not hold, read when /metrics is asked. */
struct metrics_gauges {
	size_t live_streams;
	bool db_up;		/* store_ping() answered */
	double db_ping_seconds;	/* how long it took */
	int replicas, replicas_usable;
	long long outbox_pending;	/* queued mail, failed included; -1: unknown */
	unsigned long long outbox_failed;	/* failed for good by this node */
	unsigned photos_running, photos_waiting;	/* --photo-jobs */
	const struct store_stats *store;	/* pool waits, errors, replica lag */
	unsigned long long views, views_dropped;	/* page views (views.h) */
};

/* The whole exposition (counters, @g, this process) appended to @out. */
int metrics_render(struct metrics *m, const struct metrics_gauges *g,
		   struct buf *out);

#endif
