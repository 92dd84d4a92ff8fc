/*
 * stream.c - open-ended response bodies for Server-Sent Events.
 *
 * libmicrohttpd pulls the body through stream_read().  With nothing
 * pending the reader suspends the connection (allowed from a content
 * reader callback) and returns 0; a writer on another thread appends and
 * resumes it.  The stream's lock orders "decide to sleep" against "new
 * data", so a wake-up is never lost.  A suspended connection does not
 * notice a vanished client: writers send periodic comments, and the write
 * that fails ends the stream.
 */
#include "stream.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"

struct http_stream {
	pthread_mutex_t lock;
	atomic_int refs;
	struct MHD_Connection *conn;
	bool suspended;		/* we suspended the connection */
	bool ended;		/* no more data will come */
	bool gone;		/* libmicrohttpd freed the response */
	char *pending;		/* grown on demand up to the maximum */
	size_t len, cap;
	http_stream_closed closed;
	void *arg;
};

void http_stream_unref(struct http_stream *s)
{
	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		pthread_mutex_destroy(&s->lock);
		free(s->pending);
		free(s);
	}
}

struct http_stream *http_respond_stream(struct http_request *req,
					struct http_response *res,
					http_stream_closed closed, void *arg)
{
	struct http_stream *s = xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->refs, 2);	/* the caller's and the response's */
	s->conn = req->conn;
	s->closed = closed;
	s->arg = arg;
	res->stream = s;
	res->content_type = "text/event-stream; charset=utf-8";
	res->cache_control = "no-store";
	res->no_compress = true;
	return s;
}

/* Called with the lock held. */
static void wake(struct http_stream *s)
{
	if (s->suspended && !s->gone) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

int http_stream_write(struct http_stream *s, const char *data, size_t len)
{
	int r = 0;

	pthread_mutex_lock(&s->lock);
	if (s->gone || s->ended) {
		r = ERR_IO;
	} else if (len > HTTP_STREAM_MAX_PENDING - s->len) {
		s->ended = true;	/* a reader this slow is cut off */
		r = ERR_TOOBIG;
	} else {
		if (s->len + len > s->cap) {
			/* Idle streams hold no buffer; busy ones grow it. */
			s->cap = s->len + len < 512 ? 512 : 2 * (s->len + len);
			if (s->cap > HTTP_STREAM_MAX_PENDING)
				s->cap = HTTP_STREAM_MAX_PENDING;
			s->pending = xrealloc(s->pending, s->cap);
		}
		memcpy(s->pending + s->len, data, len);
		s->len += len;
	}
	wake(s);
	pthread_mutex_unlock(&s->lock);
	return r;
}

void http_stream_end(struct http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->ended = true;
	wake(s);
	pthread_mutex_unlock(&s->lock);
}

ssize_t http_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *s = cls;
	size_t n;

	(void)pos;
	pthread_mutex_lock(&s->lock);
	if (s->len) {
		n = s->len < max ? s->len : max;
		memcpy(buf, s->pending, n);
		memmove(s->pending, s->pending + n, s->len - n);
		s->len -= n;
		if (!s->len) {
			free(s->pending);
			s->pending = NULL;
			s->cap = 0;
		}
		pthread_mutex_unlock(&s->lock);
		return (ssize_t)n;
	}
	if (s->ended) {
		pthread_mutex_unlock(&s->lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	s->suspended = true;
	MHD_suspend_connection(s->conn);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void http_stream_free(void *cls)
{
	struct http_stream *s = cls;

	pthread_mutex_lock(&s->lock);
	s->gone = true;
	s->ended = true;
	pthread_mutex_unlock(&s->lock);
	if (s->closed)
		s->closed(s->arg);
	http_stream_unref(s);
}
