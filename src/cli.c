/*
 * cli.c - the init and migrate commands (serve: cli_serve.c).
 */
#include "cli.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "http/http.h"
#include "http/static.h"
#include "mail/message.h"
#include "render/markdown.h"
#include "render/mustache.h"
#include "render/templates.h"
#include "site/cache.h"
#include "site/site.h"
#include "site/newsroom.h"
#include "store/store.h"

/* Open the store named by @db and bring its schema up to date. */
static int open_migrated(const char *db, struct store **s, int *applied)
{
	char err[512];
	int r;

	if ((r = store_open(db, s, err, sizeof(err)))) {
		fprintf(stderr, "error: %s\n", err);
		return r;
	}
	if ((r = store_migrate(*s, applied))) {
		fprintf(stderr, "error: cannot migrate database '%s': %s\n", db,
			err_str(r));
		store_close(*s);
	}
	return r;
}

static int migrate_cmd(int argc, char **argv, const char *usage, bool init)
{
	const char *db = NULL, *pos[1];
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH", "the site database (SQLite file)", &db, NULL },
		{ 0 },
	};
	struct store *s;
	int npos, r, applied;

	if ((r = opts_parse(argc, argv, opts, usage, pos, 0, &npos)) >= 0)
		return r;
	if ((r = cli_start(db)) >= 0)
		return r;
	if (open_migrated(db, &s, &applied))
		return 1;
	printf("%s: %s, %d migration%s applied\n", db,
	       init && applied ? "created" : "up to date", applied,
	       applied == 1 ? "" : "s");
	store_close(s);
	return 0;
}

int cmd_init(int argc, char **argv)
{
	return migrate_cmd(argc, argv,
		"usage: dateline init --db PATH\n\n"
		"Create a site database (if needed) and bring its schema up to date.",
		true);
}

int cmd_migrate(int argc, char **argv)
{
	return migrate_cmd(argc, argv,
		"usage: dateline migrate --db PATH\n\n"
		"Apply the schema migrations this version of dateline needs.",
		false);
}

int cli_open_store(const char *db, struct store **s)
{
	char err[512];

	if (store_open(db, s, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (store_check_schema(*s)) {
		fprintf(stderr, "error: database '%s' needs migrating: run"
			" 'dateline migrate --db %s'\n", db, db);
		store_close(*s);
		return 1;
	}
	return 0;
}
