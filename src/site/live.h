/*
 * live.h - Server-Sent Events hub: readers subscribe to an article's
 * stream; committed changes are published to every subscriber.
 *
 * Subscribers are held in a hash table of per-article lists under one
 * lock; a stream that ends (client gone, server stopping) is removed by
 * its closed hook, which also drops the hub's reference.  A heartbeat
 * thread writes a comment line every LIVE_HEARTBEAT_S seconds, which is
 * how vanished clients are found (the write fails) and how proxies are
 * kept from timing the stream out.
 */
#ifndef DATELINE_LIVE_H
#define DATELINE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define LIVE_HEARTBEAT_S 20

struct live;

struct live *live_new(void);
/* End every stream (their connections finish); call before stopping HTTP. */
void live_stop(struct live *lv);
/* Free the hub, after the HTTP server has stopped. */
void live_free(struct live *lv);

/* Answer @req with an event stream for article @id. */
void live_subscribe(struct live *lv, struct http_request *req,
		    struct http_response *res, int64_t article_id);

/* Send "event: @event\ndata: @data\n\n" to every subscriber of @id. */
void live_publish(struct live *lv, int64_t article_id, const char *event,
		  const char *data);

/* Number of open streams (for tests and metrics). */
size_t live_count(struct live *lv);

#endif
