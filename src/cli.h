/*
 * cli.h - the dateline command line: one function per subcommand.
 *
 * Each takes the arguments after its name, prints its --help, reads every
 * option also from an environment variable (DATELINE_DB, DATELINE_LISTEN,
 * ...; the command line wins), and returns the process exit code: 0 on
 * success, 1 when the work failed, 2 for a usage error.  Errors are one
 * line on stderr: "error: what went wrong".
 */
#ifndef DATELINE_CLI_H
#define DATELINE_CLI_H

#include <stddef.h>

int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_article(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_outbox(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_import(int argc, char **argv);

/*
 * Option parsing shared by the commands (opts.c).  An option is one of:
 * a string (@value), a repeatable string (@list), a whole number from
 * @min to @max (@num; its text also goes to @value when that is set),
 * or a flag (@flag: 1 when given on the command line; from the
 * environment 1/0, true/false, yes/no or on/off, any case).  A value
 * that does not parse is a usage error naming the option and, when it
 * came from there, the variable.
 */
struct opt {
	const char *name;	/* "db" for --db */
	const char *env;	/* "DATELINE_DB", or NULL */
	const char *arg;	/* "PATH" for an option with a value, NULL for a flag */
	const char *help;
	const char **value;	/* where the value goes (options with arg) */
	int *flag;		/* where 1 goes (flags) */
	struct optlist *list;	/* a repeatable option's values (not @value) */
	long *num;		/* a number option: where the number goes */
	long min, max;		/* its range, both included */
};

/* At most this many options per command (the parser keeps a slot each). */
#define OPTS_MAX 64

/* The values of a repeatable option, in order. */
#define OPTLIST_MAX 8
struct optlist {
	const char *v[OPTLIST_MAX];
	int n;
};

/*
 * Parse @argv (argv[0] is the command name) against @opts, after taking
 * defaults from the environment.  Positional arguments are collected into
 * @pos (at most @maxpos, *npos set).  Returns -1 to go on, or an exit
 * code: 0 after printing help, 2 after a usage error.
 */
int opts_parse(int argc, char **argv, const struct opt *opts,
	       const char *usage, const char **pos, int maxpos, int *npos);

/*
 * The boolean spelled @s: 1/true/yes/on is 1, 0/false/no/off is 0 (any
 * case); -1 for anything else.
 */
int opt_bool(const char *s);

/* The whole number @s if it is one from @min to @max, in *out; else -1. */
int opt_number(const char *s, long min, long max, long *out);

/*
 * @in as the site's public address: an absolute http:// or https:// URL
 * with a host, no query or fragment, parsed by libcurl's URL API.  *out
 * (caller frees) gets it as libcurl normalises it, and with the path
 * without its trailing slashes ("https://example.org/news/" ->
 * "https://example.org/news").  -1 with a reason in @err otherwise.
 */
int opt_base_url(const char *in, char **out, char *err, size_t errlen);

/*
 * The start every database command shares: -1 to go on, or an exit code
 * after a one-line error (2: no --db given; 1: libsodium cannot start).
 */
int cli_start(const char *db);

struct store;

/*
 * Open the site database @db, whose schema must be up to date, into *@s
 * (caller closes).  0, or 1 after a one-line error.
 */
int cli_open_store(const char *db, struct store **s);

#endif
