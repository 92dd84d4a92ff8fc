/*
 * cli.c - the init, migrate and serve commands.
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

/* "noreply@HOST" for the host of @base_url (arena-free: caller frees). */
static char *default_from(const char *base_url)
{
	const char *h = strstr(base_url, "://");
	size_t n;
	char *out;

	h = h ? h + 3 : base_url;
	n = strcspn(h, ":/[");
	out = malloc(n + 40);
	snprintf(out, n + 40, "noreply@%.*s", (int)n, h);
	if (!mail_address_valid(out))
		snprintf(out, n + 40, "noreply@localhost.localdomain");
	return out;
}

/* A whole number from @lo to @hi in @s, else -1. */
static long number_in(const char *s, long lo, long hi)
{
	long v;

	if (!*s || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s))
		return -1;
	v = atol(s);
	return v < lo || v > hi ? -1 : v;
}

/* The comment options into @site; 0, or 1 after a usage message. */
static int comment_options(struct site *site, const char *rate,
			   const char *mode, const char *depth,
			   const char *links, const char *close,
			   const char *min)
{
	long v;
	int i;

	if ((v = number_in(rate, 0, 1000000)) < 0) {
		fprintf(stderr, "error: --comment-rate-limit wants a number of"
			" comments per minute\n");
		return 1;
	}
	site->comment_per_minute = (unsigned)v;
	site->comment_mode = -1;
	for (i = 0; i < COMMENT_MODES; i++)
		if (!strcmp(mode, comment_mode_names[i]))
			site->comment_mode = i;
	if (site->comment_mode < 0) {
		fprintf(stderr, "error: --comment-moderation is open, first or"
			" all\n");
		return 1;
	}
	if ((v = number_in(depth, 1, 10)) < 0) {
		fprintf(stderr, "error: --comment-depth wants 1 to 10\n");
		return 1;
	}
	site->comment_depth = (int)v;
	if ((v = number_in(links, 0, 1000)) < 0) {
		fprintf(stderr, "error: --comment-links wants a number of"
			" links\n");
		return 1;
	}
	site->comment_max_links = (int)v;
	if ((v = number_in(close, 0, 36500)) < 0) {
		fprintf(stderr, "error: --comments-close-days wants a number of"
			" days\n");
		return 1;
	}
	site->comment_close_days = (int)v;
	if ((v = number_in(min, 0, 3600)) < 0) {
		fprintf(stderr, "error: --comment-min-seconds wants 0 to 3600\n");
		return 1;
	}
	site->comment_min_seconds = (int)v;
	return 0;
}

/* @db for the log: a URL's password replaced by "***". */
static const char *shown_db(const char *db, char *out, size_t len)
{
	const char *scheme = strstr(db, "://"), *at, *colon;

	if (!scheme || !(at = strchr(scheme + 3, '@')) ||
	    !(colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3))))
		return db;
	snprintf(out, len, "%.*s:***%s", (int)(colon - db), db, at);
	return out;
}

/*
 * Each --db-replica (a value may hold several URLs apart by spaces);
 * reads of a reader follow their writes for the longest lag allowed.
 */
static int add_replicas(struct site *site, const struct optlist *l,
			const char *max_lag)
{
	long lag = number_in(max_lag, 1, 3600);
	char err[512], url[4096];
	int i;

	if (!l->n)
		return 0;
	if (lag < 0) {
		fprintf(stderr, "error: --replica-max-lag wants 1 to 3600 seconds\n");
		return 1;
	}
	for (i = 0; i < l->n; i++) {
		const char *p = l->v[i];

		while (*p) {
			size_t n = strcspn(p, " \t\n");

			if (n >= sizeof(url)) {
				fprintf(stderr, "error: --db-replica URL too long\n");
				return 1;
			}
			if (n) {
				memcpy(url, p, n);
				url[n] = '\0';
				if (store_add_replica(site->store, url,
						      (int)lag * 1000, err,
						      sizeof(err))) {
					fprintf(stderr, "error: --db-replica: %s\n",
						err);
					return 1;
				}
			}
			p += n;
			p += strspn(p, " \t\n");
		}
	}
	site->replica_cookie_s = (int)lag + 1;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	const char *db = NULL, *listen = "127.0.0.1:8080", *templates = NULL;
	const char *statics = NULL, *base_url = NULL, *name = "Dateline";
	const char *tagline = "News as it happens.", *threads = NULL, *pos[1];
	const char *react_limit = "30", *smtp_url = NULL, *mail_from = NULL;
	const char *maildir = NULL, *reset_ttl = "3600", *login_limit = "20";
	const char *smtp_ca = NULL, *time_zone = NULL, *upload_limit = "20";
	const char *feed_content = "summary", *max_lag = "5", *language = "en";
	struct optlist replicas = { 0 };
	const char *cm_rate = "4", *cm_mode = "open", *cm_depth = "3";
	const char *cm_links = "2", *cm_close = "0", *cm_min = "3";
	int quiet = 0, smtp_plain = 0, trust_proxy = 0, npos, r, sig, code = 1;
	int authors_publish = 0;
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH", "the site database (SQLite file)", &db, NULL },
		{ "db-replica", "DATELINE_DB_REPLICA", "URL", "also read public content from this PostgreSQL streaming replica (repeatable; the variable takes URLs separated by spaces)", NULL, NULL, &replicas },
		{ "replica-max-lag", "DATELINE_REPLICA_MAX_LAG", "SECONDS", "leave out a replica that is more than this far behind the primary (default 5)", &max_lag, NULL },
		{ "listen", "DATELINE_LISTEN", "ADDR:PORT", "where to listen (default 127.0.0.1:8080)", &listen, NULL },
		{ "templates", "DATELINE_TEMPLATES", "DIR", "templates overriding the built-in ones", &templates, NULL },
		{ "static", "DATELINE_STATIC", "DIR", "static files overriding the built-in ones", &statics, NULL },
		{ "base-url", "DATELINE_BASE_URL", "URL", "public address of the site (default http://LISTEN)", &base_url, NULL },
		{ "site-name", "DATELINE_SITE_NAME", "NAME", "the site's name (default Dateline)", &name, NULL },
		{ "tagline", "DATELINE_TAGLINE", "TEXT", "a line under the name", &tagline, NULL },
		{ "threads", "DATELINE_THREADS", "N", "HTTP threads (default: one per core)", &threads, NULL },
		{ "reaction-rate-limit", "DATELINE_REACTION_RATE_LIMIT", "N", "reaction changes per minute per client address (default 30, 0: off)", &react_limit, NULL },
		{ "smtp-url", "DATELINE_SMTP_URL", "URL", "send mail through this SMTP server: smtp://user:pw@host:587 (STARTTLS) or smtps://... (default: write it to --maildir)", &smtp_url, NULL },
		{ "smtp-plain", "DATELINE_SMTP_PLAIN", NULL, "allow smtp:// without STARTTLS (a local relay)", NULL, &smtp_plain },
		{ "smtp-ca-file", "DATELINE_SMTP_CA_FILE", "FILE", "trust the SMTP server's certificate if signed by a CA in FILE (default: the system's CAs)", &smtp_ca, NULL },
		{ "mail-from", "DATELINE_MAIL_FROM", "ADDRESS", "the From address of the site's mail (default noreply@ the base URL's host)", &mail_from, NULL },
		{ "maildir", "DATELINE_MAILDIR", "DIR", "without --smtp-url, mail goes to DIR/new/ (default: the database path + \"-mail\"; on PostgreSQL ./dateline-mail)", &maildir, NULL },
		{ "reset-token-ttl", "DATELINE_RESET_TOKEN_TTL", "SECONDS", "how long a password reset link works (default 3600)", &reset_ttl, NULL },
		{ "login-rate-limit", "DATELINE_LOGIN_RATE_LIMIT", "N", "log in tries per minute per client address (default 20; 0: every account limit off)", &login_limit, NULL },
		{ "trust-proxy", "DATELINE_TRUST_PROXY", NULL, "believe X-Forwarded-Proto from a proxy in front (Secure cookies)", NULL, &trust_proxy },
		{ "feed-content", "DATELINE_FEED_CONTENT", "summary|full", "what feed items carry: the summary (default) or the whole story", &feed_content, NULL },
		{ "time-zone", "DATELINE_TIME_ZONE", "ZONE", "the newsroom's time zone for schedule times, e.g. Europe/Berlin (default UTC)", &time_zone, NULL },
		{ "upload-limit", "DATELINE_UPLOAD_LIMIT", "MB", "largest lead photo upload in MB (default 20)", &upload_limit, NULL },
		{ "authors-publish", "DATELINE_AUTHORS_PUBLISH", NULL, "authors may publish, schedule and unpublish (default: editors only)", NULL, &authors_publish },
		{ "comment-rate-limit", "DATELINE_COMMENT_RATE_LIMIT", "N", "comments per minute per account and per client address (default 4, 0: off)", &cm_rate, NULL },
		{ "comment-moderation", "DATELINE_COMMENT_MODERATION", "MODE", "open, first (hold the first comment of an account) or all (hold every comment); default open", &cm_mode, NULL },
		{ "comment-depth", "DATELINE_COMMENT_DEPTH", "N", "replies nest at most N deep (default 3)", &cm_depth, NULL },
		{ "comment-links", "DATELINE_COMMENT_LINKS", "N", "hold comments with more than N links (default 2)", &cm_links, NULL },
		{ "comments-close-days", "DATELINE_COMMENTS_CLOSE_DAYS", "N", "close comments N days after publication (default 0: never)", &cm_close, NULL },
		{ "comment-min-seconds", "DATELINE_COMMENT_MIN_SECONDS", "N", "a comment form must be N seconds old when posted (default 3)", &cm_min, NULL },
		{ "language", "DATELINE_LANGUAGE", "TAG", "the language of the site's text, a BCP 47 tag such as en, de or pt-BR (default en)", &language, NULL },
		{ "quiet", "DATELINE_QUIET", NULL, "no access log", NULL, &quiet },
		{ 0 },
	};
	struct http_config cfg = { 0 };
	struct http_server *srv = NULL;
	struct site site = { 0 };
	char err[512], *base = NULL, *mdir = NULL, *from = NULL, shown[512];
	bool curl_up = false;
	sigset_t set;

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline serve --db PATH [--listen ADDR:PORT]"
			    " [--templates DIR] [--static DIR]\n\n"
			    "Serve the site over HTTP until SIGINT or SIGTERM.",
			    pos, 0, &npos)) >= 0)
		return r;
	if ((r = cli_start(db)) >= 0)
		return r;
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
	if (strspn(reset_ttl, "0123456789") != strlen(reset_ttl) ||
	    atoi(reset_ttl) < 1 || atoi(reset_ttl) > 7 * 24 * 3600) {
		fprintf(stderr, "error: --reset-token-ttl wants seconds from 1 to"
			" 604800\n");
		return 2;
	}
	if (strspn(login_limit, "0123456789") != strlen(login_limit) ||
	    !*login_limit || atoi(login_limit) > 1000000) {
		fprintf(stderr, "error: --login-rate-limit wants a number of"
			" tries per minute\n");
		return 2;
	}
	if (strspn(upload_limit, "0123456789") != strlen(upload_limit) ||
	    atoi(upload_limit) < 1 || atoi(upload_limit) > 200) {
		fprintf(stderr, "error: --upload-limit wants MB from 1 to 200\n");
		return 2;
	}
	/* Before any thread: TZ is process-wide. */
	if ((r = newsroom_zone(time_zone))) {
		fprintf(stderr, "error: --time-zone wants a zone name such as"
			" Europe/Berlin%s\n", r == ERR_NOTFOUND ?
			" (not in /usr/share/zoneinfo)" : "");
		return 2;
	}
	if (comment_options(&site, cm_rate, cm_mode, cm_depth, cm_links,
			    cm_close, cm_min))
		return 2;
	if (smtp_url && *smtp_url && strncmp(smtp_url, "smtp://", 7) &&
	    strncmp(smtp_url, "smtps://", 8)) {
		fprintf(stderr, "error: --smtp-url must start with smtp:// or"
			" smtps://\n");
		return 2;
	}
	if (strcmp(feed_content, "summary") && strcmp(feed_content, "full")) {
		fprintf(stderr, "error: --feed-content wants 'summary' or"
			" 'full'\n");
		return 2;
	}
	if (!language_tag_valid(language)) {
		fprintf(stderr, "error: --language wants a language tag such as"
			" en, de or pt-BR\n");
		return 2;
	}
	if (mail_from && !mail_address_valid(mail_from)) {
		fprintf(stderr, "error: --mail-from '%s' is not an e-mail"
			" address\n", mail_from);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "error: libcurl cannot start\n");
		return 1;
	}
	curl_up = true;
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
	if (add_replicas(&site, &replicas, max_lag))
		goto out;
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
	if (!maildir && (!strncmp(db, "postgres://", 11) ||
			 !strncmp(db, "postgresql://", 13))) {
		maildir = "dateline-mail";
	} else if (!maildir) {
		size_t n = strlen(db) + 8;

		mdir = malloc(n);
		snprintf(mdir, n, "%s-mail", strncmp(db, "sqlite:", 7) ? db :
			 db + 7);
		maildir = mdir;
	}
	if (!mail_from) {
		from = default_from(base_url);
		mail_from = from;
	}
	site.mail_from = mail_from;
	site.mail.smtp_url = smtp_url && *smtp_url ? smtp_url : NULL;
	site.mail.smtp_plain = smtp_plain;
	site.mail.smtp_ca = smtp_ca;
	site.mail.maildir = maildir;
	site.reset_ttl = atoi(reset_ttl);
	site.login_per_minute = (unsigned)atoi(login_limit);
	site.trust_proxy = trust_proxy;
	site.feed_full = !strcmp(feed_content, "full");
	site.language = language;
	site.time_zone = time_zone;
	site.upload_max = (size_t)atoi(upload_limit) * 1024 * 1024;
	site.authors_publish = authors_publish;
	site.cache = page_cache_new();
	if ((r = site_start(&site, (unsigned)atoi(react_limit)))) {
		if (r == ERR_IO)
			fprintf(stderr, "error: cannot make the maildir '%s'\n",
				maildir);
		else
			fprintf(stderr, "error: cannot read the site secrets"
				" from '%s'\n", db);
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
	cfg.enter = site_enter;
	cfg.leave = site_leave;
	cfg.upload_prefix = NEWSROOM_UPLOAD_PREFIX;
	cfg.upload_max = site.upload_max;
	cfg.ctx = &site;
	if (http_server_start(&cfg, &srv, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	log_info("dateline serving %s on http://%s (port %u)",
		 shown_db(db, shown, sizeof(shown)), listen,
		 http_server_port(srv));
	if (!site.mail.smtp_url)
		log_info("no --smtp-url: mail is written to %s/new/ and its"
			 " links to this log", maildir);
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
	free(mdir);
	free(from);
	if (curl_up)
		curl_global_cleanup();
	return code;
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
