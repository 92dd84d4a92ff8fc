/*
 * log.h - one-line diagnostics on stderr, and the access log on stdout.
 *
 * Lines are written with a single write(2) so lines from different threads
 * never interleave.  Messages follow the git style: lower case, subject in
 * quotes, no full stop.
 */
#ifndef DATELINE_LOG_H
#define DATELINE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Access log on/off (serve --quiet turns it off; benchmarks use that). */
void log_access_enable(int on);
/* One access-log line: "ip method path status bytes ms". */
void log_access(const char *ip, const char *method, const char *path,
		unsigned status, unsigned long long bytes, double ms);

#endif
