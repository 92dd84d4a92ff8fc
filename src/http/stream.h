/*
 * stream.h - layer-private glue between struct http_stream and
 * libmicrohttpd's content reader callbacks (the public API is in http.h).
 */
#ifndef DATELINE_STREAM_H
#define DATELINE_STREAM_H

#include <stdint.h>
#include <sys/types.h>

#include "http.h"

/* MHD_ContentReaderCallback for a stream. */
ssize_t http_stream_read(void *cls, uint64_t pos, char *buf, size_t max);
/* MHD_ContentReaderFreeCallback: runs the closed hook, drops the response's ref. */
void http_stream_free(void *cls);

#endif
