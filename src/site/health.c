/*
 * health.c - what a load balancer and a monitoring system ask: /healthz
 * (the process serves), /readyz (the database answers a round trip in
 * time) and /metrics (Prometheus).  None of them is cached or written to
 * the access log.
 */
#include "site_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "live.h"
#include "metrics.h"
#include "newsroom.h"
#include "mail/outbox.h"
#include "core/arena.h"
#include "core/err.h"
#include "views.h"

/* /readyz answers 503 when the round trip takes longer than this. */
#define READY_MAX_MS 2000
/* The exposition is a few KB; a route table of hundreds stays under. */
#define METRICS_MAX_BODY (1024 * 1024)

static void plain(struct http_request *req, struct http_response *res,
		  unsigned status)
{
	req->no_log = true;
	res->status = status;
	res->content_type = "text/plain; charset=utf-8";
	res->cache_control = "no-store";
	res->no_compress = true;
}

void h_healthz(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	(void)site;
	(void)m;
	plain(req, res, 200);
	buf_adds(&res->body, "ok\n");
}

/* One store_ping(): *ms gets its duration, @detail the replicas' state. */
static int ping(struct site *site, char *detail, size_t len, double *ms)
{
	struct timespec t0, t1;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = store_ping(site->store, detail, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return r;
}

void h_readyz(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	char detail[2048];
	double ms;
	int r = ping(site, detail, sizeof(detail), &ms);

	(void)m;
	if (r) {
		plain(req, res, 503);
		buf_printf(&res->body, "not ready: the database does not"
			   " answer (%s)\n", err_str(r));
	} else if (ms > READY_MAX_MS) {
		plain(req, res, 503);
		buf_printf(&res->body, "not ready: the database took %.0f ms"
			   " (limit %d ms)\n", ms, READY_MAX_MS);
	} else {
		plain(req, res, 200);
		buf_printf(&res->body, "ready: database round trip %.1f ms\n",
			   ms);
	}
	buf_adds(&res->body, detail);
}

/* The outbox, counted for dateline_outbox_pending (one COUNT(*)). */
static const char *const outbox_cols[] = { "id" };
static const struct copy_table outbox_t = { "outbox", outbox_cols, 1, "i", 1 };

/* A loopback client: 127.0.0.0/8, ::1 or IPv4-mapped 127.x. */
static bool loopback(const char *ip)
{
	return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1") ||
	       !strncmp(ip, "::ffff:127.", 11);
}

static void metrics_answer(struct site *site, struct http_request *req,
			   struct http_response *res)
{
	struct metrics_gauges g = { 0 };
	struct store_stats st;
	char detail[2048], *p;
	int64_t pending;
	double ms;

	g.db_up = !ping(site, detail, sizeof(detail), &ms);
	g.db_ping_seconds = ms / 1e3;
	for (p = detail; (p = strstr(p, "replica ")); p++) {
		g.replicas++;
		g.replicas_usable += !strncmp(p + strcspn(p, "\n") - 6,
					      "usable", 6);
	}
	g.live_streams = site->live ? live_count(site->live) : 0;
	g.views = views_counted(site->views);
	g.views_dropped = views_dropped(site->views);
	g.outbox_pending = -1;
	if (g.db_up && !store_copy_count(site->store, &outbox_t, &pending))
		g.outbox_pending = pending;
	g.outbox_failed = mail_outbox_failed(site->outbox);
	nr_photo_count(site, &g.photos_running, &g.photos_waiting);
	store_stats(site->store, &st);
	g.store = &st;
	plain(req, res, 200);
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	buf_init(&res->body, req->arena, METRICS_MAX_BODY);
	if (metrics_render(site->metrics, &g, &res->body)) {
		plain(req, res, 500);
		buf_reset(&res->body);
		buf_adds(&res->body, "metrics too large\n");
	}
}

void h_metrics(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	(void)m;
	if (site->metrics_elsewhere) {
		render_error(site, req, res, 404, "We could not find that"
			     " page. It may have moved, or the address may be"
			     " mistyped.");
		return;
	}
	if (!loopback(req->remote_ip)) {
		plain(req, res, 403);
		buf_adds(&res->body, "metrics answer loopback clients only"
			 " (see --metrics-listen)\n");
		return;
	}
	metrics_answer(site, req, res);
}

void site_metrics_handle(void *ctx, struct http_request *req,
			 struct http_response *res)
{
	struct site *site = ctx;

	if (req->error_status || !req->path || strcmp(req->path, "/metrics") ||
	    (req->method != HTTP_GET && req->method != HTTP_HEAD)) {
		plain(req, res, req->error_status ? req->error_status : 404);
		buf_adds(&res->body, "only GET /metrics here\n");
		return;
	}
	metrics_answer(site, req, res);
}
