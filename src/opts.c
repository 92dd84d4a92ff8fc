/*
 * opts.c - long options with environment-variable defaults.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

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
		if (o->env)
			printf(" [env %s]", o->env);
		printf("\n");
	}
	printf("  %-26s %s\n", "--help", "show this help");
}

int opts_parse(int argc, char **argv, const struct opt *opts,
	       const char *usage, const char **pos, int maxpos, int *npos)
{
	const struct opt *o;
	unsigned long long listed = 0;
	int i;

	*npos = 0;
	for (o = opts; o->name; o++) {
		const char *e = o->env ? getenv(o->env) : NULL;

		if (e && *e) {
			if (o->list)
				o->list->v[o->list->n++] = e;
			else if (o->value)
				*o->value = e;
			else if (o->flag)
				*o->flag = strcmp(e, "0") != 0;
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
			*o->flag = 1;
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
		if (eq) {
			*(o->list ? &o->list->v[o->list->n++] : o->value) = eq + 1;
		} else if (i + 1 < argc) {
			*(o->list ? &o->list->v[o->list->n++] : o->value) =
				argv[++i];
		} else {
			fprintf(stderr, "error: option '--%s' needs a value (%s)\n",
				o->name, o->arg);
			return 2;
		}
	}
	return -1;
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
