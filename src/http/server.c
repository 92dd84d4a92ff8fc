/*
 * server.c - the libmicrohttpd daemon: request contexts, body limits,
 * response building, conditional GET, compression, security headers and
 * the access log.
 *
 * Mode: internal polling threads using poll(2), one per core.  With
 * Debian's libmicrohttpd 0.9.75 the epoll mode stalls when a process that
 * served 64 keep-alive connections receives 256 more (every socket holds an
 * unread request, the process sits idle); poll mode holds that ramp.
 * tests/e2e/ramp.test.mjs keeps it that way.
 *
 * Requests use the two-phase idiom: the first call of the access handler
 * only sets up, the response is queued on a later call; queueing in the
 * first call makes libmicrohttpd close every keep-alive connection.
 */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "compress.h"
#include "stream.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/timeutil.h"

#define POOL_KEEP 256
#define ARENA_BLOCK (32 * 1024)

enum defer_state { DEFER_NONE, DEFER_PENDING, DEFER_SUSPENDED, DEFER_DONE };

struct http_deferred {
	pthread_mutex_t lock;
	enum defer_state state;
	http_finish finish;
	void *arg;
};

struct reqctx {
	struct http_request req;	/* first: a request is its context */
	struct http_deferred defer;
	struct timespec start;
	unsigned status;
	size_t bytes;
	bool started;
	bool responded;
	bool close;		/* answer with Connection: close (bad framing) */
	/* A multipart/form-data upload (see http_config.upload_prefix). */
	struct MHD_PostProcessor *pp;
	struct http_part *last;
	size_t file_bytes, field_bytes, upload_max;
	char *shed;		/* a stream's method and URI once its arena is gone */
	/* For the access log formats that show them (arena, or shed). */
	const char *protocol, *referer, *agent;
	struct reqctx *next;
};

struct http_server {
	struct MHD_Daemon *daemon;
	http_handler handler;
	void (*enter)(void *ctx, struct http_request *req);
	void (*leave)(void *ctx, struct http_request *req,
		      struct http_response *res);
	void (*done)(void *ctx, struct http_request *req, unsigned status,
		     double seconds, bool streamed);
	void *ctx;
	unsigned port;
	pthread_mutex_t lock;
	struct reqctx *free;
	int nfree;
	atomic_int active;
	const char *upload_prefix;
	size_t upload_max;
	bool log_headers;	/* the access log shows Referer, User-Agent */
};

struct blob *blob_new(const void *data, size_t len)
{
	struct blob *b = xmalloc(sizeof(*b) + len + 1);

	atomic_init(&b->refs, 1);
	b->len = len;
	if (len)
		memcpy(b->data, data, len);
	b->data[len] = '\0';
	return b;
}

struct blob *blob_ref(struct blob *b)
{
	atomic_fetch_add(&b->refs, 1);
	return b;
}

void blob_unref(struct blob *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

static void blob_release_cb(void *data)
{
	blob_unref((struct blob *)((char *)data - offsetof(struct blob, data)));
}

static struct reqctx *ctx_get(struct http_server *srv)
{
	struct reqctx *c;

	pthread_mutex_lock(&srv->lock);
	c = srv->free;
	if (c) {
		srv->free = c->next;
		srv->nfree--;
	}
	pthread_mutex_unlock(&srv->lock);
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->req.arena = arena_new(ARENA_BLOCK);
		pthread_mutex_init(&c->defer.lock, NULL);
	}
	return c;
}

static void ctx_put(struct http_server *srv, struct reqctx *c)
{
	struct arena *a = c->req.arena;

	if (c->pp)
		MHD_destroy_post_processor(c->pp);
	if (!a) {	/* a stream's context (stream_shed): not pooled */
		free(c->shed);
		pthread_mutex_destroy(&c->defer.lock);
		free(c);
		return;
	}
	arena_reset(a);
	/*
	 * A pthread mutex must not be copied (POSIX leaves a copy's use
	 * undefined), so the lock is not saved and put back around the wipe:
	 * it is ended before it and made anew after.
	 */
	pthread_mutex_destroy(&c->defer.lock);
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->defer.lock, NULL);
	c->req.arena = a;
	pthread_mutex_lock(&srv->lock);
	if (srv->nfree < POOL_KEEP) {
		c->next = srv->free;
		srv->free = c;
		srv->nfree++;
		c = NULL;
	}
	pthread_mutex_unlock(&srv->lock);
	if (c) {
		arena_free(c->req.arena);
		pthread_mutex_destroy(&c->defer.lock);
		free(c);
	}
}

/* Called by libmicrohttpd with the raw URI, before any other callback. */
static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	struct reqctx *c = ctx_get(srv);
	struct http_request *req = &c->req;
	size_t len = strlen(uri);
	const char *q;
	char *path;

	(void)conn;
	atomic_fetch_add(&srv->active, 1);
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	req->uri = arena_strndup(req->arena, uri, len > HTTP_MAX_PATH ?
				 HTTP_MAX_PATH : len);
	buf_init(&req->body, req->arena, HTTP_MAX_BODY);
	if (len > HTTP_MAX_PATH) {
		req->error_status = 414;
		req->error_reason = "The address is too long.";
		return c;
	}
	q = strchr(req->uri, '?');
	if (q)
		req->query = (struct str){ q + 1, strlen(q + 1) };
	if (req->uri[0] != '/' ||
	    url_decode(req->arena, (struct str){ req->uri, q ? (size_t)(q - req->uri) :
						 len }, false, &path)) {
		req->error_status = 400;
		req->error_reason = "The address is malformed.";
		return c;
	}
	req->path = path;
	return c;
}

static enum http_method parse_method(const char *m)
{
	static const struct {
		const char *name;
		enum http_method m;
	} methods[] = {
		{ "GET", HTTP_GET }, { "HEAD", HTTP_HEAD }, { "POST", HTTP_POST },
		{ "PUT", HTTP_PUT }, { "DELETE", HTTP_DELETE },
		{ "PATCH", HTTP_PATCH },
	};
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (!strcmp(m, methods[i].name))
			return methods[i].m;
	return HTTP_OTHER;
}

static void client_ip(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, len, "-");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  out, (socklen_t)len);
}

static bool is_text(const char *type)
{
	return !strncmp(type, "text/", 5) || strstr(type, "json") ||
	       strstr(type, "xml") || strstr(type, "javascript") ||
	       strstr(type, "svg");
}

static void add_common_headers(struct MHD_Response *r, const char *type,
			       const char *csp)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy",
				"strict-origin-when-cross-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (!strncmp(type, "text/html", 9))
		MHD_add_response_header(r, "Content-Security-Policy",
					csp ? csp : HTTP_CSP);
}

/* Build and queue the MHD response for @res. */
static enum MHD_Result send_response(struct reqctx *c, struct http_response *res)
{
	struct http_request *req = &c->req;
	struct MHD_Connection *conn = req->conn;
	const char *type = res->content_type ? res->content_type :
			   "text/html; charset=utf-8";
	const char *ae = http_header(req, "Accept-Encoding");
	bool text = is_text(type), gzip = false, br = false;
	bool want_br = http_wants_brotli(ae), want_gzip = http_accepts(ae, "gzip");
	const char *inm = http_header(req, "If-None-Match");
	struct MHD_Response *r;
	unsigned status = res->status ? res->status : 200;
	enum MHD_Result ret;
	size_t sent = 0;
	int i;

	if (res->etag && status == 200 && http_etag_match(inm, res->etag))
		status = 304;
	/* If-Modified-Since counts only without If-None-Match (RFC 9110). */
	if (!inm && res->last_modified && status == 200) {
		const char *ims = http_header(req, "If-Modified-Since");
		int64_t since, lm;

		if (ims && !time_parse_http(ims, &since) &&
		    !time_parse_http(res->last_modified, &lm) && lm <= since)
			status = 304;
	}
	if (res->stream) {
		/*
		 * libmicrohttpd keeps a buffer of this size per open stream;
		 * events are small, and thousands of streams stay open.
		 */
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024,
						      http_stream_read, res->stream,
						      http_stream_free);
		if (!r)
			http_stream_free(res->stream);
		res->stream = NULL;
		text = false;
	} else if (status == 304) {
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else if (res->blob) {
		struct blob *b = res->blob;

		if (res->blob_br && want_br) {
			b = res->blob_br;
			br = true;
		} else if (res->blob_gzip && want_gzip) {
			b = res->blob_gzip;
			gzip = true;
		}
		sent = b->len;
		blob_ref(b);
		r = MHD_create_response_from_buffer_with_free_callback(
			b->len, b->data, blob_release_cb);
	} else {
		const char *data = res->body.data;
		size_t len = res->body.len;

		if (res->body_gzipped || res->body_brotli) {
			gzip = res->body_gzipped;
			br = res->body_brotli;
		} else if (text && !res->no_compress && len >= 256 &&
			   (want_br || want_gzip)) {
			struct buf z;

			buf_init(&z, req->arena, len + 1024);
			if (want_br ? !brotli_compress(&z, data, len,
						       BROTLI_RESPONSE_QUALITY) :
			    !gzip_compress(&z, data, len)) {
				data = z.data;
				len = z.len;
				br = want_br;
				gzip = !want_br;
			}
		}
		sent = len;
		r = MHD_create_response_from_buffer(len, (void *)data,
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	add_common_headers(r, type, res->csp);
	if (gzip || br)
		MHD_add_response_header(r, "Content-Encoding", br ? "br" : "gzip");
	if (text)
		MHD_add_response_header(r, "Vary", res->vary ? res->vary :
					"Accept-Encoding");
	MHD_add_response_header(r, "Cache-Control", res->cache_control ?
				res->cache_control : "no-cache");
	if (res->etag)
		MHD_add_response_header(r, "ETag", res->etag);
	if (res->last_modified)
		MHD_add_response_header(r, "Last-Modified", res->last_modified);
	if (res->location)
		MHD_add_response_header(r, "Location", res->location);
	for (i = 0; i < res->nextra; i++)
		MHD_add_response_header(r, res->extra[i].name, res->extra[i].value);
	/*
	 * Every 503 (the database is down or restarting, the server is busy)
	 * tells clients when to come back, whichever handler answered it.
	 */
	if (status == 503 && !MHD_get_response_header(r, "Retry-After"))
		MHD_add_response_header(r, "Retry-After", "2");
	if (c->close)
		MHD_add_response_header(r, "Connection", "close");
	c->status = status;
	c->bytes = status == 304 || req->method == HTTP_HEAD ? 0 : sent;
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	c->responded = true;
	return ret;
}

struct http_deferred *http_defer(struct http_request *req, http_finish finish,
				 void *arg)
{
	struct reqctx *c = (struct reqctx *)req;

	c->defer.state = DEFER_PENDING;
	c->defer.finish = finish;
	c->defer.arg = arg;
	return &c->defer;
}

void http_resume(struct http_deferred *d)
{
	struct reqctx *c = (struct reqctx *)((char *)d - offsetof(struct reqctx, defer));
	struct MHD_Connection *conn = c->req.conn;
	bool wake;

	/*
	 * Mark the work done before resuming: a resumed connection runs
	 * respond() at once on its own thread, and must see DEFER_DONE there
	 * (otherwise it runs the handler a second time).  Touch nothing of
	 * @c after unlocking: the request may finish and be recycled.
	 */
	pthread_mutex_lock(&d->lock);
	wake = d->state == DEFER_SUSPENDED;
	d->state = DEFER_DONE;
	pthread_mutex_unlock(&d->lock);
	if (wake)
		MHD_resume_connection(conn);
}

/*
 * An event stream may stay open for hours and needs nothing of its
 * request's arena once the response is queued (libmicrohttpd copied the
 * headers) but the two strings of the access-log line: keep those and free
 * the arena, whose first block costs a page of memory per open stream.
 */
static void stream_shed(struct reqctx *c)
{
	const char *keep[5] = { c->req.method_name, c->req.uri, c->protocol,
				c->referer, c->agent };
	size_t len[5], total = 0;
	char *p;
	int i;

	for (i = 0; i < 5; i++)
		total += (len[i] = keep[i] ? strlen(keep[i]) + 1 : 0);
	p = c->shed = xmalloc(total);
	for (i = 0; i < 5; i++) {
		if (keep[i])
			memcpy(p, keep[i], len[i]);
		keep[i] = keep[i] ? p : NULL;
		p += len[i];
	}
	arena_free(c->req.arena);
	c->req.arena = NULL;
	c->req.method_name = keep[0];
	c->req.uri = keep[1];
	c->protocol = keep[2];
	c->referer = keep[3];
	c->agent = keep[4];
	c->req.path = NULL;
	c->req.query = (struct str){ NULL, 0 };
	memset(&c->req.body, 0, sizeof(c->req.body));
	c->req.error_reason = NULL;
	c->req.app = NULL;
}

static enum MHD_Result finish_response(struct reqctx *c, struct http_response *res)
{
	bool stream = res->stream != NULL;
	enum MHD_Result ret = send_response(c, res);

	blob_unref(res->blob);
	blob_unref(res->blob_gzip);
	blob_unref(res->blob_br);
	if (stream)
		stream_shed(c);
	return ret;
}

static void response_init(struct reqctx *c, struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	buf_init(&res->body, c->req.arena, 16 * 1024 * 1024);
}

static enum MHD_Result respond(struct http_server *srv, struct reqctx *c)
{
	struct http_response res;
	bool now;

	if (srv->enter)
		srv->enter(srv->ctx, &c->req);
	if (c->defer.state == DEFER_DONE) {
		/* Resumed after deferred work: let the application answer. */
		response_init(c, &res);
		c->defer.finish(c->defer.arg, &c->req, &res);
		c->defer.state = DEFER_NONE;
		if (srv->leave)
			srv->leave(srv->ctx, &c->req, &res);
		return finish_response(c, &res);
	}
	response_init(c, &res);
	srv->handler(srv->ctx, &c->req, &res);
	if (srv->leave)
		srv->leave(srv->ctx, &c->req, c->defer.state == DEFER_NONE ?
			   &res : NULL);
	if (c->defer.state == DEFER_NONE)
		return finish_response(c, &res);
	/* Deferred: sleep unless the work finished already. */
	pthread_mutex_lock(&c->defer.lock);
	now = c->defer.state == DEFER_DONE;
	if (!now) {
		c->defer.state = DEFER_SUSPENDED;
		MHD_suspend_connection(c->req.conn);
	}
	pthread_mutex_unlock(&c->defer.lock);
	if (now)
		return respond(srv, c);
	return MHD_YES;
}

/*
 * libmicrohttpd's post processor hands each part over in pieces (@off is
 * the piece's place in its part).  A piece continues the last part when
 * it has its name and starts where that part's data ends: when the
 * network splits the body just after a part's headers, libmicrohttpd
 * first calls with no data and then again at offset 0, and both calls
 * are one part.  (So an empty part followed by a part of the same name
 * becomes one; the form's first value is the one read.)  Files count
 * against the upload limit, plain fields against HTTP_MAX_BODY.
 */
static enum MHD_Result part_cb(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *filename,
			       const char *type, const char *encoding,
			       const char *data, uint64_t off, size_t size)
{
	struct reqctx *c = cls;
	struct http_request *req = &c->req;
	struct http_part *p = c->last;
	size_t *used = filename ? &c->file_bytes : &c->field_bytes;
	size_t max = filename ? c->upload_max : HTTP_MAX_BODY;

	(void)kind;
	(void)encoding;
	if (req->error_status)
		return MHD_NO;
	if (!p || off != p->data.len || strcmp(p->name, key)) {
		p = arena_zalloc(req->arena, sizeof(*p));
		p->name = arena_strdup(req->arena, key);
		p->filename = filename ? arena_strdup(req->arena, filename) : NULL;
		p->type = type ? arena_strdup(req->arena, type) : NULL;
		buf_init(&p->data, req->arena, max);
		if (c->last)
			c->last->next = p;
		else
			req->parts = p;
		c->last = p;
	}
	if (size > max - *used || buf_add(&p->data, data, size)) {
		req->error_status = 413;
		req->error_reason = filename ? arena_printf(req->arena,
			"The file is larger than the %zu MB limit.",
			c->upload_max / (1024 * 1024)) :
			"The form is too large.";
		return MHD_NO;
	}
	*used += size;
	return MHD_YES;
}

/* The request's protocol, Referer and User-Agent, for the access log. */
static void log_fields(struct reqctx *c, struct MHD_Connection *conn,
		       const char *version)
{
	struct arena *a = c->req.arena;
	const char *v;

	c->protocol = arena_strndup(a, version, strnlen(version, 16));
	if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Referer")))
		c->referer = arena_strndup(a, v, strnlen(v, 512));
	if ((v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					     "User-Agent")))
		c->agent = arena_strndup(a, v, strnlen(v, 512));
}

/* What framing_cb counts over the request's headers. */
struct framing {
	int hosts, lengths, encodings;
	bool lengths_differ, bad_name, bad_encoding;
	const char *length;
};

static enum MHD_Result framing_cb(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (strpbrk(key, " \t"))
		f->bad_name = true;
	if (!strcasecmp(key, "Host")) {
		f->hosts++;
	} else if (!strcasecmp(key, "Content-Length")) {
		if (f->lengths++ && strcmp(f->length, value))
			f->lengths_differ = true;
		f->length = value;
	} else if (!strcasecmp(key, "Transfer-Encoding")) {
		f->encodings++;
		if (strcasecmp(value, "chunked"))
			f->bad_encoding = true;
	}
	return MHD_YES;
}

/*
 * Requests whose framing a proxy in front could read differently
 * (request smuggling): two Hosts, two different Content-Lengths, both
 * Content-Length and Transfer-Encoding, a coding other than "chunked",
 * whitespace in a header name.  libmicrohttpd's strict mode already
 * refuses HTTP/1.1 without Host.  Sets the error (400, or 501 for an
 * unknown coding) and true; the answer closes the connection.
 */
static bool bad_framing(struct reqctx *c, struct MHD_Connection *conn)
{
	struct framing f = { 0 };
	struct http_request *req = &c->req;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, framing_cb, &f);
	if (f.bad_encoding || f.encodings > 1) {
		req->error_status = 501;
		req->error_reason = "Only the chunked transfer coding is"
				    " understood here.";
	} else if (f.hosts > 1 || f.lengths_differ || f.bad_name ||
		   (f.encodings && f.lengths)) {
		req->error_status = 400;
		req->error_reason = f.hosts > 1 ? "The request has two Host"
			" headers." : f.bad_name ? "A header name is"
			" malformed." : "The request's length is ambiguous.";
	} else {
		return false;
	}
	c->close = true;
	return true;
}

/* True when this request may carry a multipart upload. */
static bool upload_route(struct http_server *srv, struct MHD_Connection *conn,
			 const struct http_request *req)
{
	const char *type;

	if (!srv->upload_prefix || req->method != HTTP_POST || !req->path ||
	    strncmp(req->path, srv->upload_prefix, strlen(srv->upload_prefix)))
		return false;
	type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					   "Content-Type");
	return type && !strncasecmp(type, "multipart/form-data", 19);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn,
				 const char *url, const char *method,
				 const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct reqctx *c = *con_cls;
	struct http_request *req = &c->req;

	(void)url;
	(void)version;
	if (c->responded) {
		*upload_size = 0;	/* drain what follows a refusal */
		return MHD_YES;
	}
	if (!c->started) {
		const char *cl;

		c->started = true;
		req->conn = conn;
		req->method = parse_method(method);
		req->method_name = arena_strdup(req->arena, method);
		client_ip(conn, req->remote_ip, sizeof(req->remote_ip));
		if (srv->log_headers)
			log_fields(c, conn, version);
		if (bad_framing(c, conn))
			return respond(srv, c);
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 "Content-Length");
		if (!req->error_status && upload_route(srv, conn, req)) {
			c->upload_max = srv->upload_max;
			c->pp = MHD_create_post_processor(conn, 64 * 1024,
							  part_cb, c);
			req->multipart = c->pp != NULL;
		}
		if (cl && strtoull(cl, NULL, 10) > (c->pp ? c->upload_max +
		    HTTP_MAX_BODY : HTTP_MAX_BODY) && !req->error_status) {
			req->error_status = 413;
			req->error_reason = c->pp ? arena_printf(req->arena,
				"The upload is larger than the %zu MB limit.",
				c->upload_max / (1024 * 1024)) :
				"The request body is too large.";
			/*
			 * Refuse before the body is read: libmicrohttpd queues
			 * a response only now or once the whole body is in.
			 */
			return respond(srv, c);
		}
		return MHD_YES;
	}
	if (*upload_size && c->pp) {
		if (!req->error_status &&
		    MHD_post_process(c->pp, upload, *upload_size) != MHD_YES &&
		    !req->error_status) {
			req->error_status = 400;
			req->error_reason = "The form data is malformed.";
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!req->error_status &&
		    buf_add(&req->body, upload, *upload_size)) {
			req->error_status = 413;
			req->error_reason = "The request body is too large.";
		}
		*upload_size = 0;	/* over the cap: drain, answer at the end */
		return MHD_YES;
	}
	return respond(srv, c);
}

static void done_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct reqctx *c = *con_cls;
	struct timespec end;
	double ms;

	(void)conn;
	(void)toe;
	if (!c)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - c->start.tv_sec) * 1e3 +
	     (double)(end.tv_nsec - c->start.tv_nsec) / 1e6;
	if (c->started && !c->req.no_log) {
		struct access_entry e = {
			.ip = c->req.remote_ip, .method = c->req.method_name,
			.uri = c->req.uri, .protocol = c->protocol,
			.referer = c->referer, .agent = c->agent,
			.status = c->status, .bytes = c->bytes, .ms = ms,
		};

		log_access(&e);
	}
	if (c->started && srv->done)
		srv->done(srv->ctx, &c->req, c->status, ms / 1e3,
			  c->req.arena == NULL);
	*con_cls = NULL;
	ctx_put(srv, c);
	atomic_fetch_sub(&srv->active, 1);
}

/* Split "host:port", "[v6]:port" or ":port" and resolve it. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss,
			char *err, size_t errlen)
{
	char host[256];
	const char *colon, *port;
	struct addrinfo hints, *ai = NULL;
	size_t hl;
	int rc;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');

		if (!close || close[1] != ':')
			goto bad;
		hl = (size_t)(close - listen - 1);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, hl);
		port = close + 2;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			goto bad;
		hl = (size_t)(colon - listen);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, listen, hl);
		port = colon + 1;
	}
	host[hl] = '\0';
	if (!*port || strspn(port, "0123456789") != strlen(port) ||
	    atoi(port) > 65535)
		goto bad;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(*host ? host : NULL, port, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "cannot resolve listen address '%s': %s",
			 listen, gai_strerror(rc));
		return ERR_INVALID;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
bad:
	snprintf(err, errlen, "bad listen address '%s' (want HOST:PORT)", listen);
	return ERR_INVALID;
}

int http_server_start(const struct http_config *cfg, struct http_server **out,
		      char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct http_server *srv;
	unsigned threads = cfg->threads;
	/*
	 * No MHD_USE_ERROR_LOG: its messages are multi-line, can be provoked by
	 * any client, and duplicate our own one-line errors.
	 */
	unsigned flags = MHD_USE_POLL_INTERNAL_THREAD |
			 MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	struct MHD_OptionItem where[2];
	int r;

	if (cfg->listen_fd > 0) {
		socklen_t sl = sizeof(ss);

		if (getsockname(cfg->listen_fd, (struct sockaddr *)&ss, &sl)) {
			snprintf(err, errlen, "descriptor %d is not a socket",
				 cfg->listen_fd);
			return ERR_INVALID;
		}
	} else if ((r = parse_listen(cfg->listen, &ss, err, errlen))) {
		return r;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n > 0 ? (unsigned)n : 1;
	}
	/*
	 * A big page (a story with hundreds of comments) grows its request's
	 * arena by blocks of 128 KiB and more, which glibc would mmap and
	 * unmap, or trim back to the system, on every request: a page fault
	 * per touched page each time.  Keep such blocks in the heap instead
	 * (the same as MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_).
	 */
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
	srv = xcalloc(1, sizeof(*srv));
	srv->handler = cfg->handler;
	srv->enter = cfg->enter;
	srv->leave = cfg->leave;
	srv->done = cfg->done;
	srv->ctx = cfg->ctx;
	srv->upload_prefix = cfg->upload_prefix;
	srv->upload_max = cfg->upload_max ? cfg->upload_max : HTTP_MAX_BODY;
	srv->log_headers = cfg->log_headers;
	pthread_mutex_init(&srv->lock, NULL);
	/* Where to listen: our own socket, or the one systemd passed. */
	where[0] = cfg->listen_fd > 0 ?
		(struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET,
					 cfg->listen_fd, NULL } :
		(struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &ss };
	where[1] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, srv,
		MHD_OPTION_ARRAY, where,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_URI_LOG_CALLBACK, uri_cb, srv,
		MHD_OPTION_NOTIFY_COMPLETED, done_cb, srv,
		/*
		 * Per-connection memory: request line, headers and the send
		 * buffer.  libmicrohttpd clears it for every request and keeps
		 * it for idle streams, so it is kept small.
		 */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MAX_HEADERS + 4096,
		MHD_OPTION_CONNECTION_LIMIT,
		cfg->max_connections ? cfg->max_connections : 20000,
		/* Idle or slow clients (a request sent a byte at a time)
		 * are closed; suspended streams are not timed. */
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->client_timeout ?
		cfg->client_timeout : 30u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_address_max,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096,
		MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errlen, "cannot listen on '%s' (address in use or"
			 " not allowed)", cfg->listen);
		pthread_mutex_destroy(&srv->lock);
		free(srv);
		return ERR_IO;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	*out = srv;
	return 0;
}

void http_server_stop(struct http_server *srv, int grace_ms)
{
	struct reqctx *c, *next;
	int waited = 0;

	if (!srv)
		return;
	MHD_quiesce_daemon(srv->daemon);
	while (atomic_load(&srv->active) > 0 && waited < grace_ms) {
		usleep(10 * 1000);
		waited += 10;
	}
	MHD_stop_daemon(srv->daemon);
	for (c = srv->free; c; c = next) {
		next = c->next;
		arena_free(c->req.arena);
		free(c);
	}
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}

unsigned http_server_port(const struct http_server *srv)
{
	return srv->port;
}
