/*
 * fuzz_opts.c - libFuzzer driver for typed option values (opt_bool,
 * opt_number, opt_base_url) and the access log formats.
 *
 * A number is accepted only inside its range; an accepted base URL is
 * http(s), has no trailing slash and parses to itself again; a formatted
 * access line fits its buffer and, in the combined format, has exactly
 * the six quotes of its three quoted fields (escaping holds).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *out = NULL, *again = NULL, err[256], line[8192];
	long v = 7;
	size_t n, i, quotes = 0;
	struct access_entry e = { .ip = "192.0.2.1", .method = "GET",
				  .protocol = "HTTP/1.1", .status = 200 };

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (opt_bool(s) < -1 || opt_bool(s) > 1)
		abort();
	if (!opt_number(s, -100, 100, &v) && (v < -100 || v > 100))
		abort();
	if (!opt_base_url(s, &out, err, sizeof(err))) {
		n = strlen(out);
		if (strncmp(out, "http://", 7) && strncmp(out, "https://", 8))
			abort();
		if (out[n - 1] == '/')
			abort();
		if (opt_base_url(out, &again, err, sizeof(err)) ||
		    strcmp(out, again))
			abort();
	}
	free(out);
	free(again);
	e.uri = e.referer = e.agent = s;
	n = log_access_format(line, sizeof(line), LOG_COMBINED, &e, 0);
	if (n >= sizeof(line) || strlen(line) != n)
		abort();
	for (i = 0; i < n; i++)
		quotes += line[i] == '"';
	if (n < sizeof(line) - 8 && quotes != 6)
		abort();
	n = log_access_format(line, sizeof(line), LOG_JSON, &e, 0);
	if (n >= sizeof(line) || strlen(line) != n)
		abort();
	free(s);
	return 0;
}
