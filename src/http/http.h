/*
 * http.h - the HTTP layer: requests, responses and the server, on
 * libmicrohttpd.  This folder is the only code that includes microhttpd.h.
 *
 * Requests whose framing is ambiguous (two Hosts or Content-Lengths, a
 * transfer coding other than chunked, HTTP/1.1 without Host) are answered
 * 400 or 501 and the connection is closed, so that no proxy in front
 * reads them differently.
 *
 * The server hands each complete request to one application callback with a
 * struct http_request (everything parsed and size-checked) and a
 * struct http_response to fill.  The layer then adds the security headers,
 * answers conditional requests (ETag / If-None-Match, else Last-Modified /
 * If-Modified-Since -> 304), compresses text with brotli or gzip when the
 * client accepts it (brotli first; kept compressed copies are used when the
 * response has them), sends, and logs one access line.  Slow work never
 * belongs on the calling thread.
 *
 * Memory: a request's arena lives until its response has been sent; every
 * string in the request and the response may point into it.
 */
#ifndef DATELINE_HTTP_H
#define DATELINE_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct arena;

enum http_method {
	HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_PATCH,
	HTTP_OTHER
};

/* Limits on input; over them the request is refused with a clear 4xx. */
#define HTTP_MAX_PATH 2048		/* 414 beyond */
#define HTTP_MAX_HEADERS (8 * 1024)	/* request line + headers: 431 beyond */
#define HTTP_MAX_BODY (1024 * 1024)	/* 413 beyond */

/*
 * A part of a multipart/form-data body, parsed by libmicrohttpd's post
 * processor; only requests under http_config.upload_prefix have them.
 */
struct http_part {
	const char *name;
	const char *filename;	/* NULL for a plain field */
	const char *type;	/* the part's Content-Type, or NULL */
	struct buf data;	/* arena-backed, NUL-terminated */
	struct http_part *next;
};

struct http_request {
	struct arena *arena;
	enum http_method method;
	const char *method_name;
	const char *uri;	/* as received: path and query, not decoded */
	const char *path;	/* decoded path; NULL when error_status is set */
	struct str query;	/* raw query string, without '?' */
	char remote_ip[64];
	struct buf body;	/* request body (POST/PUT), capped */
	/*
	 * Non-zero when the layer already knows the answer is an error
	 * (400 bad encoding, 413 body too large, 414 path too long): the
	 * application renders its error page for this status.
	 */
	unsigned error_status;
	const char *error_reason;
	struct http_part *parts;	/* multipart/form-data parts, in order */
	bool multipart;		/* the body was multipart/form-data */
	void *conn;		/* the MHD connection (layer-private) */
	void *app;		/* the application's per-request state; NULL
				 * when the request starts, never touched by
				 * the layer */
	bool no_log;		/* set by the application: no access line
				 * (health checks) */
	int label;		/* the application's tag for its done hook
				 * (a route); 0 when the request starts */
};

/* Reference-counted immutable bytes shared by responses (page caches). */
struct blob {
	atomic_int refs;
	size_t len;
	char data[];
};

/* A new blob with refs = 1 holding a copy of @data. */
struct blob *blob_new(const void *data, size_t len);
struct blob *blob_ref(struct blob *b);
void blob_unref(struct blob *b);

#define HTTP_MAX_EXTRA_HEADERS 8

/* The Content-Security-Policy of every HTML answer whose csp is NULL:
 * nothing but this site's own scripts, styles, images and frames. */
#define HTTP_CSP \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; " \
	"script-src 'self'; object-src 'none'; base-uri 'self'; " \
	"form-action 'self'; frame-ancestors 'none'"

struct http_response {
	unsigned status;		/* 200 when left 0 */
	const char *content_type;	/* "text/html; charset=utf-8" when NULL */
	struct buf body;		/* arena-backed, used when blob is NULL */
	struct blob *blob;		/* shared body; the layer drops the ref */
	struct blob *blob_gzip;		/* the same body gzipped, optional */
	struct blob *blob_br;		/* the same body in brotli, optional */
	const char *etag;		/* quoted, e.g. "\"3fa2\"" */
	const char *last_modified;	/* HTTP date */
	const char *cache_control;	/* default "no-cache" */
	const char *location;		/* for redirects */
	const char *vary;		/* added to "Accept-Encoding" for text */
	const char *csp;		/* an HTML answer's policy; NULL: HTTP_CSP */
	bool no_compress;
	bool body_gzipped;		/* body is already a gzip stream */
	bool body_brotli;		/* body is already a brotli stream */
	struct http_stream *stream;	/* set by http_respond_stream() */
	struct {
		const char *name, *value;
	} extra[HTTP_MAX_EXTRA_HEADERS];
	int nextra;
};

/* The value of request header @name (case-insensitive), or NULL. */
const char *http_header(const struct http_request *req, const char *name);

/*
 * The decoded value of query parameter @name, or NULL when absent or when
 * its encoding is malformed (http_query_bad() tells the two apart).
 */
const char *http_query(const struct http_request *req, const char *name);
/* True when parameter @name is present but its encoding is malformed. */
bool http_query_bad(const struct http_request *req, const char *name);

/*
 * The value of cookie @name from the Cookie header (arena copy), or NULL.
 * Malformed cookie headers yield NULL rather than a guess.
 */
const char *http_cookie(const struct http_request *req, const char *name);
/* The same over a Cookie header value @header (may be NULL). */
const char *http_cookie_parse(struct arena *a, const char *header,
			      const char *name);

/*
 * The client address a trusted proxy added to X-Forwarded-For value
 * @header: its last entry, when it is made of IPv4/IPv6 address
 * characters only and fits @out (@len bytes, NUL-terminated).  False,
 * @out untouched, otherwise (entries before the last come from the client
 * and are never used).
 */
bool http_forwarded_for(const char *header, char *out, size_t len);

/*
 * The decoded value of @name in an application/x-www-form-urlencoded body
 * (or of the plain multipart/form-data field @name), or NULL.
 */
const char *http_form(const struct http_request *req, const char *name);

/*
 * The name of the first field of a form body (urlencoded, or a plain
 * multipart field) whose value is not valid UTF-8 ("?" when the name is
 * not either), or NULL when every value is.
 */
const char *http_form_bad_utf8(const struct http_request *req);
/* The same over an urlencoded @body of @len bytes (copies in @a). */
const char *http_urlencoded_bad_utf8(struct arena *a, const char *body,
				     size_t len);

/* The multipart part called @name (a file or a field), or NULL. */
const struct http_part *http_part(const struct http_request *req,
				  const char *name);

/* Add a response header (ignored past HTTP_MAX_EXTRA_HEADERS). */
void http_add_header(struct http_response *res, const char *name,
		     const char *value);

/* True when @accept_encoding (may be NULL) accepts gzip with q > 0. */
bool http_accepts(const char *accept_encoding, const char *coding);

/*
 * True when @accept_encoding names brotli ("br") with q > 0.  A bare "*"
 * is not taken as brotli: such clients get gzip, as before brotli.
 */
bool http_wants_brotli(const char *accept_encoding);

/* True when the If-None-Match value @inm matches @etag (weak comparison). */
bool http_etag_match(const char *inm, const char *etag);

/* The application's request handler; it always fills @res. */
typedef void (*http_handler)(void *ctx, struct http_request *req,
			     struct http_response *res);

struct http_config {
	const char *listen;	/* "127.0.0.1:8080", "[::1]:8080", ":8080" */
	int listen_fd;		/* > 0: accept on this bound, listening socket
				 * (socket activation) instead of @listen */
	unsigned threads;	/* 0: one per core */
	unsigned max_connections;
	unsigned client_timeout;	/* seconds a connection may idle or
					 * send nothing; 0: 30 */
	unsigned per_address_max;	/* open connections per client
					 * address; 0: no limit */
	http_handler handler;
	void *ctx;
	/*
	 * POSTs to paths starting with @upload_prefix (NULL: none) may carry
	 * a multipart/form-data body: its files may total @upload_max bytes,
	 * its plain fields HTTP_MAX_BODY.  Everywhere else the body limit is
	 * HTTP_MAX_BODY.
	 */
	const char *upload_prefix;
	size_t upload_max;
	/* Keep each request's protocol, Referer and User-Agent for the
	 * access log (log_format_wants_headers()). */
	bool log_headers;
	/*
	 * Optional: @enter runs on the connection thread before the handler
	 * (and before a deferred answer's finish), @leave after it, with the
	 * filled response, or with NULL when the answer was deferred.
	 */
	void (*enter)(void *ctx, struct http_request *req);
	void (*leave)(void *ctx, struct http_request *req,
		      struct http_response *res);
	/*
	 * Optional: @done runs once the answer has been sent (or the
	 * client left), on a connection thread, with the status sent, the
	 * seconds since the request line and whether it was an event
	 * stream.  Only req->label, method_name, uri and remote_ip are
	 * still valid then.
	 */
	void (*done)(void *ctx, struct http_request *req, unsigned status,
		     double seconds, bool streamed);
};

/*
 * Deferred answers.  A handler that hands work to another thread calls
 * http_defer() and returns without filling the response; the connection is
 * suspended (no thread waits).  When the work is done, any thread calls
 * http_resume() once; the layer then calls @finish on a connection thread
 * to fill the response.  The request and its arena stay valid until then.
 */
struct http_deferred;
typedef void (*http_finish)(void *arg, struct http_request *req,
			    struct http_response *res);
struct http_deferred *http_defer(struct http_request *req, http_finish finish,
				 void *arg);
void http_resume(struct http_deferred *d);

/*
 * Streamed answers (Server-Sent Events).  http_respond_stream() turns the
 * response into an open-ended body fed by http_stream_write() from any
 * thread; while nothing is pending the connection sleeps, costing no thread.
 * @closed(arg) runs once when the connection ends (client gone, server
 * stopping, or after http_stream_end()).  The stream is reference counted:
 * the caller owns one reference and drops it with http_stream_unref().
 */
struct http_stream;
typedef void (*http_stream_closed)(void *arg);

/* At most this many unsent bytes per stream; a slower reader is cut off. */
#define HTTP_STREAM_MAX_PENDING (64 * 1024)

struct http_stream *http_respond_stream(struct http_request *req,
					struct http_response *res,
					http_stream_closed closed, void *arg);
/* 0, or ERR_IO when the connection is gone, ERR_TOOBIG when the reader lags. */
int http_stream_write(struct http_stream *s, const char *data, size_t len);
void http_stream_end(struct http_stream *s);
void http_stream_unref(struct http_stream *s);

struct http_server;

/* Start serving; ERR_INVALID for a bad address, ERR_IO when bind fails. */
int http_server_start(const struct http_config *cfg, struct http_server **out,
		      char *err, size_t errlen);

/*
 * Stop accepting, let in-flight requests finish (up to @grace_ms), then
 * close every connection and free the server.
 */
void http_server_stop(struct http_server *srv, int grace_ms);

/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);

#endif
