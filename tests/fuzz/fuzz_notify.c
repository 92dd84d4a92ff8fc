/*
 * fuzz_notify.c - libFuzzer driver for the parser of the notifications
 * the PostgreSQL nodes send each other (pg_notify_parse): any bytes as a
 * payload.  An accepted event has a kind, a positive article id for
 * reactions, comments and likes, a comment id >= 0 (> 0 for likes); a
 * refused one has none;
 * the store's own node id is never accepted as another node's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char node[] = "0123456789abcdef";
	char *p = malloc(size + 1);
	struct pg_event ev;
	int r;

	if (!p)
		return 0;
	memcpy(p, data, size);
	p[size] = '\0';
	r = pg_notify_parse(p, node, &ev);
	if (r) {
		if (ev.kind != PG_EV_NONE)
			abort();
	} else {
		if (ev.kind == PG_EV_NONE || !strncmp(p, node, strlen(node)))
			abort();
		if (ev.kind != PG_EV_CONTENT && ev.article_id <= 0)
			abort();
		if (ev.comment_id < 0 || (ev.kind != PG_EV_COMMENT &&
					  ev.kind != PG_EV_LIKES &&
					  ev.comment_id))
			abort();
		if (ev.kind == PG_EV_LIKES && ev.comment_id <= 0)
			abort();
	}
	free(p);
	return 0;
}
