/*
 * cli.c - the init, migrate and serve commands.
 */
#include "cli.h"

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "http/http.h"
#include "http/static.h"
#include "render/markdown.h"
#include "render/mustache.h"
#include "render/templates.h"
#include "site/cache.h"
#include "site/site.h"
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
	if (!db) {
		fprintf(stderr, "error: no database given (use --db or DATELINE_DB)\n");
		return 2;
	}
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

int cmd_serve(int argc, char **argv)
{
	const char *db = NULL, *listen = "127.0.0.1:8080", *templates = NULL;
	const char *statics = NULL, *base_url = NULL, *name = "Dateline";
	const char *tagline = "News as it happens.", *threads = NULL, *pos[1];
	const char *react_limit = "30";
	int quiet = 0, npos, r, sig, code = 1;
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH", "the site database (SQLite file)", &db, NULL },
		{ "listen", "DATELINE_LISTEN", "ADDR:PORT", "where to listen (default 127.0.0.1:8080)", &listen, NULL },
		{ "templates", "DATELINE_TEMPLATES", "DIR", "templates overriding the built-in ones", &templates, NULL },
		{ "static", "DATELINE_STATIC", "DIR", "static files overriding the built-in ones", &statics, NULL },
		{ "base-url", "DATELINE_BASE_URL", "URL", "public address of the site (default http://LISTEN)", &base_url, NULL },
		{ "site-name", "DATELINE_SITE_NAME", "NAME", "the site's name (default Dateline)", &name, NULL },
		{ "tagline", "DATELINE_TAGLINE", "TEXT", "a line under the name", &tagline, NULL },
		{ "threads", "DATELINE_THREADS", "N", "HTTP threads (default: one per core)", &threads, NULL },
		{ "reaction-rate-limit", "DATELINE_REACTION_RATE_LIMIT", "N", "reaction changes per minute per client address (default 30, 0: off)", &react_limit, NULL },
		{ "quiet", "DATELINE_QUIET", NULL, "no access log", NULL, &quiet },
		{ 0 },
	};
	struct http_config cfg = { 0 };
	struct http_server *srv = NULL;
	struct site site = { 0 };
	char err[512], *base = NULL;
	sigset_t set;

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline serve --db PATH [--listen ADDR:PORT]"
			    " [--templates DIR] [--static DIR]\n\n"
			    "Serve the site over HTTP until SIGINT or SIGTERM.",
			    pos, 0, &npos)) >= 0)
		return r;
	if (!db) {
		fprintf(stderr, "error: no database given (use --db or DATELINE_DB)\n");
		return 2;
	}
	if (threads && (atoi(threads) < 1 || atoi(threads) > 256)) {
		fprintf(stderr, "error: --threads wants a number from 1 to 256\n");
		return 2;
	}
	if (strspn(react_limit, "0123456789") != strlen(react_limit) ||
	    !*react_limit || atoi(react_limit) > 1000000) {
		fprintf(stderr, "error: --reaction-rate-limit wants a number of"
			" changes per minute\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "error: libsodium cannot start\n");
		return 1;
	}
	md_init();
	log_access_enable(!quiet);
	if ((r = store_open(db, &site.store, err, sizeof(err)))) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (store_check_schema(site.store)) {
		fprintf(stderr, "error: database '%s' needs migrating: run"
			" 'dateline migrate --db %s'\n", db, db);
		goto out;
	}
	if (templates_load(templates, &site.tmpl, err, sizeof(err)) ||
	    assets_load(statics, &site.assets, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	if (!base_url) {
		size_t n = strlen(listen) + 8;

		base = malloc(n);
		snprintf(base, n, "http://%s", listen);
		base_url = base;
	}
	site.base_url = base_url;
	site.name = name;
	site.tagline = tagline;
	site.cache = page_cache_new();
	if (site_start(&site, (unsigned)atoi(react_limit))) {
		fprintf(stderr, "error: cannot read the site secrets from '%s'\n", db);
		goto out;
	}

	/* Block the stop signals in every thread; main waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	cfg.listen = listen;
	cfg.threads = threads ? (unsigned)atoi(threads) : 0;
	cfg.handler = site_handle;
	cfg.ctx = &site;
	if (http_server_start(&cfg, &srv, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	log_info("dateline serving %s on http://%s (port %u)", db, listen,
		 http_server_port(srv));
	sigwait(&set, &sig);
	log_info("%s received, finishing in-flight requests",
		 sig == SIGINT ? "SIGINT" : "SIGTERM");
	site_quiesce(&site);
	http_server_stop(srv, 10000);
	log_info("stopped");
	code = 0;
out:
	site_stop(&site);
	page_cache_free(site.cache);
	assets_free(site.assets);
	if (site.tmpl)
		tmpl_set_free(site.tmpl);
	store_close(site.store);
	free(base);
	return code;
}
