/*
 * metrics.c - the counters behind /metrics and their exposition in the
 * Prometheus text format (version 0.0.4), with this process's memory,
 * descriptors and CPU time read from /proc and getrusage().
 */
#include "metrics.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"

/* The statuses counted one by one; any other lands in "other". */
static const unsigned codes[] = {
	200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 410,
	413, 414, 415, 422, 429, 431, 500, 501, 503,
};
#define NCODES (sizeof(codes) / sizeof(*codes) + 1)

/* Request duration buckets, seconds (upper bounds; +Inf implied). */
static const double dur_le[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10,
};
#define NDUR (sizeof(dur_le) / sizeof(*dur_le))

/* Reaction batch sizes (upper bounds; up to WRITER_MAX_BATCH). */
static const double batch_le[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
				   1024 };
#define NBATCH (sizeof(batch_le) / sizeof(*batch_le))

struct metrics {
	const struct metrics_route *routes;
	size_t nroutes;
	atomic_uint_fast64_t *requests;	/* (nroutes + 1) x NCODES */
	atomic_uint_fast64_t dur[NDUR + 1];
	atomic_uint_fast64_t dur_sum_us;
	atomic_uint_fast64_t cache_hits, cache_misses;
	atomic_uint_fast64_t batch[NBATCH + 1];
	atomic_uint_fast64_t batch_sum;
	time_t started;
};

struct metrics *metrics_new(const struct metrics_route *routes, size_t nroutes)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->routes = routes;
	m->nroutes = nroutes;
	m->requests = xcalloc((nroutes + 1) * NCODES, sizeof(*m->requests));
	m->started = time(NULL);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->requests);
	free(m);
}

static size_t code_index(unsigned status)
{
	size_t i;

	for (i = 0; i < NCODES - 1; i++)
		if (codes[i] == status)
			return i;
	return NCODES - 1;
}

#define ADD(x, n) atomic_fetch_add_explicit(&(x), (n), memory_order_relaxed)
#define GET(x) atomic_load_explicit(&(x), memory_order_relaxed)

void metrics_request(struct metrics *m, int route, unsigned status,
		     double seconds, bool streamed)
{
	size_t i;

	if (route < 0 || (size_t)route > m->nroutes)
		route = 0;
	ADD(m->requests[(size_t)route * NCODES + code_index(status)], 1);
	if (streamed)
		return;
	for (i = 0; i < NDUR && seconds > dur_le[i]; i++)
		;
	ADD(m->dur[i], 1);
	ADD(m->dur_sum_us, (uint_fast64_t)(seconds * 1e6));
}

void metrics_page_cache(struct metrics *m, bool hit)
{
	if (hit)
		ADD(m->cache_hits, 1);
	else
		ADD(m->cache_misses, 1);
}

void metrics_reaction_batch(struct metrics *m, size_t n)
{
	size_t i;

	for (i = 0; i < NBATCH && n > batch_le[i]; i++)
		;
	ADD(m->batch[i], 1);
	ADD(m->batch_sum, n);
}

static void head(struct buf *out, const char *name, const char *type,
		 const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * Histogram @name: @n upper bounds @le (+Inf added), @counts[n + 1] per
 * bucket (not cumulative), and the @sum of what was observed.
 */
static void histogram(struct buf *out, const char *name, const char *help,
		      const double *le, size_t n, const uint64_t *counts,
		      double sum)
{
	uint64_t cum = 0;
	size_t i;

	head(out, name, "histogram", help);
	for (i = 0; i <= n; i++) {
		cum += counts[i];
		if (i < n)
			buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name,
				   le[i], (unsigned long long)cum);
	}
	buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name,
		   (unsigned long long)cum);
	buf_printf(out, "%s_sum %.15g\n%s_count %llu\n", name, sum, name,
		   (unsigned long long)cum);
}

static void render_requests(struct metrics *m, struct buf *out)
{
	uint64_t counts[NDUR + 1];
	size_t r, c;

	head(out, "dateline_http_requests_total", "counter",
	     "HTTP requests answered, by route and status code.");
	for (r = 0; r <= m->nroutes; r++) {
		for (c = 0; c < NCODES; c++) {
			uint_fast64_t v = GET(m->requests[r * NCODES + c]);
			char code[16];

			if (!v)
				continue;
			if (c < NCODES - 1)
				snprintf(code, sizeof(code), "%u", codes[c]);
			else
				snprintf(code, sizeof(code), "other");
			buf_printf(out, "dateline_http_requests_total{code=\"%s\","
				   "method=\"%s\",route=\"%s\"} %llu\n", code,
				   r ? m->routes[r - 1].method : "",
				   r ? m->routes[r - 1].pattern : "none",
				   (unsigned long long)v);
		}
	}
	for (c = 0; c <= NDUR; c++)
		counts[c] = GET(m->dur[c]);
	histogram(out, "dateline_http_request_duration_seconds",
		  "Time from the request line to the last byte sent (event"
		  " streams left out).", dur_le, NDUR, counts,
		  (double)GET(m->dur_sum_us) / 1e6);
}

static void render_batches(struct metrics *m, struct buf *out)
{
	uint64_t counts[NBATCH + 1];
	size_t c;

	for (c = 0; c <= NBATCH; c++)
		counts[c] = GET(m->batch[c]);
	histogram(out, "dateline_reaction_batch_size",
		  "Reaction changes committed together (group commit).",
		  batch_le, NBATCH, counts, (double)GET(m->batch_sum));
}

/* Open descriptors of this process (entries of /proc/self/fd). */
static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static void render_process(struct metrics *m, struct buf *out)
{
	long pages = sysconf(_SC_PAGESIZE), fds = open_fds();
	unsigned long long vsize = 0, rss = 0;
	struct rlimit rl;
	struct rusage ru;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%llu %llu", &vsize, &rss) != 2)
			vsize = rss = 0;
		fclose(f);
	}
	head(out, "process_resident_memory_bytes", "gauge",
	     "Resident memory size in bytes.");
	buf_printf(out, "process_resident_memory_bytes %llu\n",
		   rss * (unsigned long long)pages);
	head(out, "process_virtual_memory_bytes", "gauge",
	     "Virtual memory size in bytes.");
	buf_printf(out, "process_virtual_memory_bytes %llu\n",
		   vsize * (unsigned long long)pages);
	if (fds >= 0) {
		head(out, "process_open_fds", "gauge",
		     "Open file descriptors.");
		buf_printf(out, "process_open_fds %ld\n", fds);
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		head(out, "process_max_fds", "gauge",
		     "The limit on open file descriptors.");
		buf_printf(out, "process_max_fds %llu\n",
			   (unsigned long long)rl.rlim_cur);
	}
	if (!getrusage(RUSAGE_SELF, &ru)) {
		head(out, "process_cpu_seconds_total", "counter",
		     "User and system CPU time spent, in seconds.");
		buf_printf(out, "process_cpu_seconds_total %.3f\n",
			   (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	}
	head(out, "process_start_time_seconds", "gauge",
	     "Start time of the process since the Unix epoch, in seconds.");
	buf_printf(out, "process_start_time_seconds %lld\n", (long long)m->started);
}

/* @s as a label value: \\, \" and \n escaped (Prometheus text format). */
static void label_value(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_printf(out, "\\%c", *s);
		else if (*s == '\n')
			buf_adds(out, "\\n");
		else
			buf_addch(out, *s);
	}
}

static void render_store(const struct store_stats *st, struct buf *out)
{
	size_t i;
	int r, known = 0;

	histogram(out, "dateline_db_pool_wait_seconds", "Time to get a database"
		  " connection from the pool (a free one, or a new one"
		  " opened).", store_wait_le, STORE_WAIT_BUCKETS, st->wait,
		  st->wait_seconds);
	head(out, "dateline_db_errors_total", "counter",
	     "Database work that failed: busy (lock contention), failed"
	     " (a statement or commit), unavailable (no connection).");
	for (i = 0; i < STORE_ERR_KINDS; i++)
		buf_printf(out, "dateline_db_errors_total{kind=\"%s\"} %llu\n",
			   store_error_names[i],
			   (unsigned long long)st->errors[i]);
	for (r = 0; r < st->nreplicas; r++)
		known += st->replica[r].lag_seconds >= 0;
	if (!known)
		return;		/* SQLite, no replicas, or none answering */
	head(out, "dateline_replica_lag_seconds", "gauge",
	     "How far a read replica's replay is behind the primary (a"
	     " replica that does not answer is left out).");
	for (r = 0; r < st->nreplicas; r++) {
		if (st->replica[r].lag_seconds < 0)
			continue;
		buf_adds(out, "dateline_replica_lag_seconds{replica=\"");
		label_value(out, st->replica[r].name);
		buf_printf(out, "\"} %.3f\n", st->replica[r].lag_seconds);
	}
}

/* A series of one sample, @v. */
static void one(struct buf *out, const char *name, const char *type,
		const char *help, double v)
{
	head(out, name, type, help);
	buf_printf(out, "%s %.15g\n", name, v);
}

int metrics_render(struct metrics *m, const struct metrics_gauges *g,
		   struct buf *out)
{
	render_requests(m, out);
	one(out, "dateline_page_cache_hits_total", "counter",
	    "Cacheable pages served from the page cache.",
	    (double)GET(m->cache_hits));
	one(out, "dateline_page_cache_misses_total", "counter",
	    "Cacheable pages that had to be rendered.",
	    (double)GET(m->cache_misses));
	one(out, "dateline_page_views_total", "counter",
	    "Story page views this node counted (robots and readers asking"
	    " not to be tracked left out).", (double)g->views);
	one(out, "dateline_page_views_dropped_total", "counter",
	    "Views not counted: too many stories between two flushes, or"
	    " their flushes kept failing.", (double)g->views_dropped);
	one(out, "dateline_live_streams", "gauge",
	    "Open live event streams (Server-Sent Events).",
	    (double)g->live_streams);
	render_batches(m, out);
	one(out, "dateline_db_up", "gauge",
	    "Whether the database answered a round trip just now.",
	    g->db_up ? 1 : 0);
	one(out, "dateline_db_ping_seconds", "gauge",
	    "How long that round trip took (a pooled connection included).",
	    g->db_ping_seconds);
	one(out, "dateline_replicas", "gauge", "Read replicas configured.",
	    g->replicas);
	one(out, "dateline_replicas_usable", "gauge",
	    "Read replicas up, replaying and within the lag limit.",
	    g->replicas_usable);
	if (g->outbox_pending >= 0)
		one(out, "dateline_outbox_pending", "gauge",
		    "Mail in the outbox (waiting or failed for good).",
		    (double)g->outbox_pending);
	one(out, "dateline_outbox_failed_total", "counter",
	    "Mail this node failed for good (SMTP 5xx, or 2 days of"
	    " retries).", (double)g->outbox_failed);
	one(out, "dateline_photo_jobs_running", "gauge",
	    "Photos being decoded and resized now (at most --photo-jobs).",
	    g->photos_running);
	one(out, "dateline_photo_jobs_waiting", "gauge",
	    "Photo uploads waiting for a --photo-jobs slot.",
	    g->photos_waiting);
	if (g->store)
		render_store(g->store, out);
	render_process(m, out);
	return out->overflow ? ERR_TOOBIG : 0;
}
