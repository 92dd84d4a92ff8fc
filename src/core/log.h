/*
 * log.h - one-line diagnostics on stderr, and the access log on stdout or
 * in a file.
 *
 * Lines are written with a single write(2) so lines from different threads
 * never interleave.  Messages follow the git style: lower case, subject in
 * quotes, no full stop.  The access log file is reopened in place
 * (log_access_reopen(), on SIGHUP) so that logrotate can move it away;
 * a writer never sees a closed descriptor (dup2(2) swaps it atomically).
 */
#ifndef DATELINE_LOG_H
#define DATELINE_LOG_H

/*
 * Warnings and errors that repeat are throttled per call site (format
 * string): LOG_REPEAT_BURST lines per LOG_REPEAT_S seconds, then they
 * are counted, and the next line after the interval ends with "(and N
 * more like this in the last 10 s, not shown)".  Info lines never are.
 */
#define LOG_REPEAT_S 10
#define LOG_REPEAT_BURST 5
/* Change the interval and burst (tests); resets the counts. */
void log_set_repeat(int seconds, int burst);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <stdbool.h>
#include <stddef.h>

/* Access log on/off (serve --quiet turns it off; benchmarks use that). */
void log_access_enable(int on);
/* Whether access lines are written at all (callers skip their work). */
bool log_access_on(void);

/*
 * Access log formats: LOG_SHORT is `ip "METHOD URI" status bytes 1.23ms`
 * after the timestamp; LOG_COMBINED is the NCSA combined format nginx and
 * Apache write (with Referer and User-Agent); LOG_JSON one object a line.
 */
enum log_format { LOG_SHORT, LOG_COMBINED, LOG_JSON };

/* The format named @name ("short", "combined", "json"), or -1. */
int log_format_from_name(const char *name);

/* Whether @fmt shows the Referer, User-Agent and protocol. */
bool log_format_wants_headers(enum log_format fmt);

/*
 * Write access lines in @fmt to the file @path (appended, created 0640),
 * or to standard output when @path is NULL.  0, or ERR_IO (errno set).
 */
int log_access_open(const char *path, enum log_format fmt);

/*
 * Open the access log file again under its name (after logrotate moved
 * it).  0 (also without a file), or ERR_IO: the old file stays in use.
 */
int log_access_reopen(void);

/* What one access line says; strings may be NULL ("-"). */
struct access_entry {
	const char *ip, *method, *uri;
	const char *protocol;	/* "HTTP/1.1" */
	const char *referer, *agent;
	unsigned status;
	unsigned long long bytes;
	double ms;
};

void log_access(const struct access_entry *e);

/*
 * Format @e in @fmt at @now (Unix seconds) into @out (@len bytes, no
 * newline): the line's length, at most len - 1 (longer lines are cut).
 * Exposed for the unit tests.
 */
size_t log_access_format(char *out, size_t len, enum log_format fmt,
			 const struct access_entry *e, long long now);

#endif
