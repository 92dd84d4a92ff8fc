/*
 * log.c - timestamped single-write log lines.
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static atomic_int access_on = 1;

static void vlog(int fd, const char *level, const char *fmt, va_list ap)
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
	if (n >= (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(fd, line, (size_t)n) < 0)
		return;
}

#define DEFINE_LOG(name, fd, level)                     \
	void name(const char *fmt, ...)                 \
	{                                               \
		va_list ap;                             \
		va_start(ap, fmt);                      \
		vlog(fd, level, fmt, ap);               \
		va_end(ap);                             \
	}

DEFINE_LOG(log_info, 2, "info: ")
DEFINE_LOG(log_warn, 2, "warning: ")
DEFINE_LOG(log_err, 2, "error: ")

void log_access_enable(int on)
{
	atomic_store(&access_on, on);
}

static void access_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(1, "", fmt, ap);
	va_end(ap);
}

void log_access(const char *ip, const char *method, const char *path,
		unsigned status, unsigned long long bytes, double ms)
{
	if (!atomic_load(&access_on))
		return;
	access_line("%s \"%s %.512s\" %u %llu %.2fms", ip, method, path,
		    status, bytes, ms);
}
