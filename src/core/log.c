/*
 * log.c - timestamped single-write log lines, and the access log in
 * its three formats.
 */
#include "log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

static atomic_int access_on = 1;
static atomic_int access_fmt = LOG_SHORT;
/* The access log's descriptor: 1, or the file's (never closed while
 * serving: reopening dup2()s the new file onto it). */
static int access_fd = 1;
static char *access_path;
static pthread_mutex_t access_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Repeated warnings and errors (a full disk, a database gone) would write
 * a line per request.  Each call site (its format string) may write
 * repeat_burst lines per repeat_s seconds; the rest are counted, and the
 * first line after the interval says how many were left out.
 */
#define REPEAT_SLOTS 64
#define REPEAT_PROBE 8		/* slots looked at for one call site */
struct repeat {
	const char *fmt;
	time_t start;
	unsigned n, dropped;
};
static struct repeat repeats[REPEAT_SLOTS];
static int repeat_s = LOG_REPEAT_S, repeat_burst = LOG_REPEAT_BURST;
static pthread_mutex_t repeat_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_repeat(int seconds, int burst)
{
	pthread_mutex_lock(&repeat_lock);
	repeat_s = seconds;
	repeat_burst = burst;
	memset(repeats, 0, sizeof(repeats));
	pthread_mutex_unlock(&repeat_lock);
}

/*
 * The slot of @fmt: its own among the REPEAT_PROBE slots from its hash,
 * else a free one there, else the one whose interval began first (its
 * count is lost).  Two call sites with the same hash then each keep a
 * slot: evicting each other would let both write every line.
 */
static struct repeat *repeat_slot(const char *fmt)
{
	size_t h = ((uintptr_t)fmt >> 3) % REPEAT_SLOTS, i;
	struct repeat *pick = NULL;

	for (i = 0; i < REPEAT_PROBE; i++) {
		struct repeat *r = &repeats[(h + i) % REPEAT_SLOTS];

		if (r->fmt == fmt)
			return r;
		if (!pick || (pick->fmt && (!r->fmt || r->start < pick->start)))
			pick = r;
	}
	return pick;
}

/* Whether a line of @fmt may be written now; *dropped: left out before. */
static bool repeat_admit(const char *fmt, unsigned *dropped)
{
	time_t now = time(NULL);
	struct repeat *r;
	bool ok = true;

	*dropped = 0;
	pthread_mutex_lock(&repeat_lock);
	r = repeat_slot(fmt);
	if (r->fmt != fmt || now - r->start >= repeat_s) {
		*dropped = r->fmt == fmt ? r->dropped : 0;
		*r = (struct repeat){ fmt, now, 1, 0 };
	} else if (++r->n > (unsigned)repeat_burst) {
		r->dropped++;
		ok = false;
	}
	pthread_mutex_unlock(&repeat_lock);
	return ok;
}

static void vlog(int fd, const char *level, unsigned dropped, const char *fmt,
		 va_list ap)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "%s", level);
	if (n < (int)sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (dropped && n < (int)sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " (and %u more"
			      " like this in the last %d s, not shown)", dropped,
			      repeat_s);
	if (n >= (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(fd, line, (size_t)n) < 0)
		return;
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(2, "info: ", 0, fmt, ap);
	va_end(ap);
}

#define DEFINE_LOG(name, fd, level)                     \
	void name(const char *fmt, ...)                 \
	{                                               \
		va_list ap;                             \
		unsigned dropped;                       \
		if (!repeat_admit(fmt, &dropped))       \
			return;                         \
		va_start(ap, fmt);                      \
		vlog(fd, level, dropped, fmt, ap);      \
		va_end(ap);                             \
	}

DEFINE_LOG(log_warn, 2, "warning: ")
DEFINE_LOG(log_err, 2, "error: ")

void log_access_enable(int on)
{
	atomic_store(&access_on, on);
}

bool log_access_on(void)
{
	return atomic_load(&access_on);
}

int log_format_from_name(const char *name)
{
	static const char *const names[] = { "short", "combined", "json" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

bool log_format_wants_headers(enum log_format fmt)
{
	return fmt != LOG_SHORT;
}

int log_access_open(const char *path, enum log_format fmt)
{
	int fd = -1;

	if (path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return ERR_IO;
	}
	pthread_mutex_lock(&access_lock);
	if (access_fd != 1)
		close(access_fd);
	access_fd = fd >= 0 ? fd : 1;
	free(access_path);
	access_path = path ? strdup(path) : NULL;
	atomic_store(&access_fmt, fmt);
	pthread_mutex_unlock(&access_lock);
	return 0;
}

int log_access_reopen(void)
{
	int fd, r = 0;

	pthread_mutex_lock(&access_lock);
	if (access_path) {
		fd = open(access_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			  0640);
		/* dup2: writers keep the same number, now the new file. */
		if (fd < 0 || dup2(fd, access_fd) < 0)
			r = ERR_IO;
		if (fd >= 0)
			close(fd);
	}
	pthread_mutex_unlock(&access_lock);
	return r;
}

/*
 * Append @s to @out (at @n of @len) escaped for a quoted field: for
 * LOG_COMBINED as nginx does (\xHH for '"', '\\', controls and bytes
 * from 0x7f), for LOG_JSON as a JSON string body (\u00HH, bytes from
 * 0x80 too, so a line is valid JSON whatever a client sent).
 */
static size_t put_escaped(char *out, size_t n, size_t len, const char *s,
			  enum log_format fmt, size_t max)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";	/* nginx's */
	const char *hex = fmt == LOG_JSON ? lower : upper;
	size_t i;

	if (!s)
		s = "-";
	for (i = 0; s[i] && i < max && n + 7 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			out[n++] = (char)ch;
		} else if (fmt == LOG_JSON) {
			memcpy(out + n, "\\u00", 4);
			out[n + 4] = hex[ch >> 4];
			out[n + 5] = hex[ch & 15];
			n += 6;
		} else {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	return n;
}

/* Append printf output; stops at the end of @out. */
static size_t put(char *out, size_t n, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t put(char *out, size_t n, size_t len, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (n >= len - 1)
		return n;
	va_start(ap, fmt);
	w = vsnprintf(out + n, len - n, fmt, ap);
	va_end(ap);
	if (w < 0)
		return n;
	return n + (size_t)w >= len ? len - 1 : n + (size_t)w;
}

/* Fields are cut at this many bytes (a client controls them). */
#define FIELD_MAX 512

size_t log_access_format(char *out, size_t len, enum log_format fmt,
			 const struct access_entry *e, long long now)
{
	time_t t = (time_t)now;
	struct tm tm;
	char date[40];
	size_t n = 0;

	gmtime_r(&t, &tm);
	if (fmt == LOG_COMBINED) {
		strftime(date, sizeof(date), "%d/%b/%Y:%H:%M:%S +0000", &tm);
		n = put(out, n, len, "%s - - [%s] \"", e->ip ? e->ip : "-", date);
		n = put_escaped(out, n, len, e->method, fmt, 32);
		n = put(out, n, len, " ");
		n = put_escaped(out, n, len, e->uri, fmt, FIELD_MAX);
		n = put(out, n, len, " ");
		n = put_escaped(out, n, len, e->protocol, fmt, 16);
		n = put(out, n, len, "\" %u %llu \"", e->status, e->bytes);
		n = put_escaped(out, n, len, e->referer, fmt, FIELD_MAX);
		n = put(out, n, len, "\" \"");
		n = put_escaped(out, n, len, e->agent, fmt, FIELD_MAX);
		n = put(out, n, len, "\"");
	} else if (fmt == LOG_JSON) {
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
		n = put(out, n, len, "{\"time\":\"%s\",\"remote_addr\":\"", date);
		n = put_escaped(out, n, len, e->ip, fmt, 64);
		n = put(out, n, len, "\",\"method\":\"");
		n = put_escaped(out, n, len, e->method, fmt, 32);
		n = put(out, n, len, "\",\"uri\":\"");
		n = put_escaped(out, n, len, e->uri, fmt, FIELD_MAX);
		n = put(out, n, len, "\",\"protocol\":\"");
		n = put_escaped(out, n, len, e->protocol, fmt, 16);
		n = put(out, n, len, "\",\"status\":%u,\"bytes\":%llu,"
			"\"duration_ms\":%.2f,\"referer\":\"", e->status,
			e->bytes, e->ms);
		n = put_escaped(out, n, len, e->referer, fmt, FIELD_MAX);
		n = put(out, n, len, "\",\"user_agent\":\"");
		n = put_escaped(out, n, len, e->agent, fmt, FIELD_MAX);
		n = put(out, n, len, "\"}");
	} else {
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
		n = put(out, n, len, "%s %s \"%s %.512s\" %u %llu %.2fms", date,
			e->ip ? e->ip : "-", e->method ? e->method : "-",
			e->uri ? e->uri : "-", e->status, e->bytes, e->ms);
	}
	return n;
}

void log_access(const struct access_entry *e)
{
	/* Room for every field at its cap, each byte escaped (6 x). */
	char line[12 * 1024];
	size_t n;

	if (!atomic_load(&access_on))
		return;
	n = log_access_format(line, sizeof(line) - 1,
			      (enum log_format)atomic_load(&access_fmt), e,
			      (long long)time(NULL));
	line[n++] = '\n';
	if (write(access_fd, line, n) < 0)
		return;
}
