/*
 * main.c - dateline's entry point: pick the subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: dateline <command> [options]\n"
	"\n"
	"commands:\n"
	"  init      create and migrate a site database\n"
	"  migrate   upgrade a site database to this version\n"
	"  serve     serve the site over HTTP\n"
	"  article   add or update an article from a file, list articles\n"
	"  user      add reader accounts, list them, change their roles\n"
	"  copy      copy a whole site into another database\n"
	"  backup    copy a SQLite site database while it serves\n"
	"  outbox    list the queued mail, retry or drop a message\n"
	"  import    bring in a WordPress export\n"
	"\n"
	"Run 'dateline <command> --help' for a command's options.";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "init", cmd_init },
		{ "migrate", cmd_migrate },
		{ "serve", cmd_serve },
		{ "article", cmd_article },
		{ "user", cmd_user },
		{ "copy", cmd_copy },
		{ "backup", cmd_backup },
		{ "outbox", cmd_outbox },
		{ "import", cmd_import },
	};
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "%s\n", usage);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		printf("%s\n", usage);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dateline 0.1.0\n");
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "error: unknown command '%s' (try 'dateline --help')\n",
		argv[1]);
	return 2;
}
