/*
 * opts.c - long options with environment-variable defaults, and the
 * typed values they carry (booleans, bounded numbers, the base URL).
 */
#include "cli.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

static void print_help(const char *usage, const struct opt *opts)
{
	const struct opt *o;

	printf("%s\n", usage);
	if (opts[0].name)
		printf("\noptions:\n");
	for (o = opts; o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-26s %s", left, o->help);
		if (o->num)
			printf(" (%ld to %ld)", o->min, o->max);
		if (o->env)
			printf(" [env %s]", o->env);
		printf("\n");
	}
	printf("  %-26s %s\n", "--help", "show this help");
}

int opt_bool(const char *s)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

int opt_number(const char *s, long min, long max, long *out)
{
	const char *p = s;
	long v = 0;
	bool neg = *p == '-';

	if (neg)
		p++;
	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 18)
		return -1;
	for (; *p; p++)
		v = v * 10 + (*p - '0');
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int opt_base_url(const char *in, char **out, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *user = NULL, *query = NULL, *frag = NULL;
	int r = -1;
	size_t n;

	if (!u || curl_url_set(u, CURLUPART_URL, in, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) {
		snprintf(err, errlen, "--base-url '%s' is not an absolute URL"
			 " (want e.g. https://news.example.org)", in);
		goto out;
	}
	if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		snprintf(err, errlen, "--base-url '%s': the scheme must be"
			 " http or https", in);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !*host) {
		snprintf(err, errlen, "--base-url '%s' has no host", in);
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_USER, &user, 0) ||
	    !curl_url_get(u, CURLUPART_QUERY, &query, 0) ||
	    !curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0)) {
		snprintf(err, errlen, "--base-url '%s': no user, query or"
			 " fragment", in);
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	if (curl_url_get(u, CURLUPART_PATH, &path, 0))
		goto out;
	for (n = strlen(path); n > 0 && path[n - 1] == '/'; n--)
		;
	path[n] = '\0';
	n += strlen(scheme) + strlen(host) + (port ? strlen(port) : 0) + 8;
	if ((*out = malloc(n))) {
		snprintf(*out, n, "%s://%s%s%s%s", scheme, host, port ? ":" : "",
			 port ? port : "", path);
		r = 0;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	curl_free(query);
	curl_free(frag);
	curl_url_cleanup(u);
	return r;
}

/* Where option @o's raw text came from: its variable or the command line. */
struct raw {
	const char *text;
	bool from_env;
};

/* Turn the raw texts of typed options into their values; -1 or 2. */
static int opts_convert(const struct opt *opts, const struct raw *raw)
{
	const struct opt *o;

	for (o = opts; o->name; o++) {
		const struct raw *w = &raw[o - opts];
		char where[80] = "";
		int b;

		if (!w->text)
			continue;
		if (w->from_env)
			snprintf(where, sizeof(where), " (from %s)", o->env);
		if (o->flag && !o->arg) {
			if ((b = opt_bool(w->text)) < 0) {
				fprintf(stderr, "error: --%s%s wants 1/0, true/false,"
					" yes/no or on/off, not '%s'\n", o->name,
					where, w->text);
				return 2;
			}
			*o->flag = b;
		} else if (o->num) {
			if (opt_number(w->text, o->min, o->max, o->num)) {
				fprintf(stderr, "error: --%s%s wants a whole number"
					" from %ld to %ld, not '%s'\n", o->name,
					where, o->min, o->max, w->text);
				return 2;
			}
			if (o->value)
				*o->value = w->text;
		} else if (o->value) {
			*o->value = w->text;
		}
	}
	return -1;
}

int opts_parse(int argc, char **argv, const struct opt *opts,
	       const char *usage, const char **pos, int maxpos, int *npos)
{
	const struct opt *o;
	struct raw raw[OPTS_MAX];
	unsigned long long listed = 0;
	int i;

	*npos = 0;
	memset(raw, 0, sizeof(raw));
	for (o = opts; o->name; o++) {
		const char *e = o->env ? getenv(o->env) : NULL;

		if (o - opts >= OPTS_MAX) {
			fprintf(stderr, "error: more than %d options\n", OPTS_MAX);
			return 2;
		}
		if (e && *e) {
			if (o->list)
				o->list->v[o->list->n++] = e;
			else
				raw[o - opts] = (struct raw){ e, true };
		}
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t n;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_help(usage, opts);
			return 0;
		}
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++) {
				if (*npos == maxpos)
					goto too_many;
				pos[(*npos)++] = argv[i];
			}
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (*npos == maxpos)
				goto too_many;
			pos[(*npos)++] = a;
			continue;
		}
		if (a[1] != '-') {
			fprintf(stderr, "error: unknown option '%s' (try --help)\n", a);
			return 2;
		}
		eq = strchr(a + 2, '=');
		n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (o = opts; o->name; o++)
			if (strlen(o->name) == n && !strncmp(o->name, a + 2, n))
				break;
		if (!o->name) {
			fprintf(stderr, "error: unknown option '%.*s' (try --help)\n",
				(int)n + 2, a);
			return 2;
		}
		if (!o->arg) {
			if (eq) {
				fprintf(stderr, "error: option '--%s' takes no value\n",
					o->name);
				return 2;
			}
			raw[o - opts] = (struct raw){ "1", false };
			continue;
		}
		/* The command line replaces what the environment gave. */
		if (o->list && !(listed & 1ULL << (o - opts) % 64)) {
			listed |= 1ULL << (o - opts) % 64;
			o->list->n = 0;
		}
		if (o->list && o->list->n == OPTLIST_MAX) {
			fprintf(stderr, "error: option '--%s' given more than %d"
				" times\n", o->name, OPTLIST_MAX);
			return 2;
		}
		if (!eq && i + 1 >= argc) {
			fprintf(stderr, "error: option '--%s' needs a value (%s)\n",
				o->name, o->arg);
			return 2;
		}
		if (o->list)
			o->list->v[o->list->n++] = eq ? eq + 1 : argv[++i];
		else
			raw[o - opts] = (struct raw){ eq ? eq + 1 : argv[++i],
						      false };
	}
	return opts_convert(opts, raw);
too_many:
	fprintf(stderr, "error: too many arguments (try --help)\n");
	return 2;
}

int cli_start(const char *db)
{
	if (!db) {
		fprintf(stderr, "error: no database given (use --db or DATELINE_DB)\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "error: libsodium cannot start\n");
		return 1;
	}
	return -1;
}
