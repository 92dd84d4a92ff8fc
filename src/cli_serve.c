/*
 * cli_serve.c - `dateline serve`: options into a struct site, the HTTP
 * server, and the signals an operator sends (SIGINT/SIGTERM stop it,
 * SIGHUP reopens the access log and re-reads the templates).
 */
#include "i18n/dates.h"
#include "i18n/i18n.h"
#include "cli.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "http/http.h"
#include "http/static.h"
#include "mail/message.h"
#include "media/image.h"
#include "render/markdown.h"
#include "render/mustache.h"
#include "render/templates.h"
#include "site/cache.h"
#include "site/site.h"
#include "site/newsroom.h"
#include "store/store.h"

/* Every option of serve, as parsed (numbers already range-checked). */
struct serve_args {
	const char *db, *listen, *templates, *statics, *base_url, *name;
	const char *tagline, *smtp_url, *mail_from, *maildir, *smtp_ca;
	const char *time_zone, *feed_content, *language, *cm_mode;
	const char *access_log, *log_format, *metrics_listen;
	struct optlist replicas;
	long threads, react_limit, reset_ttl, login_limit, upload_limit;
	long max_lag, cm_rate, cm_depth, cm_links, cm_close, cm_min;
	long client_timeout, per_address, photo_pixels, photo_jobs, views_flush;
	int quiet, smtp_plain, trust_proxy, authors_publish, no_views;
};

static const char serve_usage[] =
	"usage: dateline serve --db PATH|URL [--listen ADDR:PORT]"
	" [--templates DIR] [--static DIR]\n\n"
	"Serve the site over HTTP until SIGINT or SIGTERM; SIGHUP reopens the\n"
	"access log file and re-reads the templates.  --db takes a SQLite file\n"
	"path or a postgres:// URL.  Flags set from the environment take\n"
	"1/0, true/false, yes/no or on/off.";

static int serve_parse(int argc, char **argv, struct serve_args *a)
{
	const char *pos[1];
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH|URL", "the site database: a SQLite file path or a postgres:// URL", &a->db, NULL },
		{ "db-replica", "DATELINE_DB_REPLICA", "URL", "also read public content from this PostgreSQL streaming replica (repeatable; the variable takes URLs separated by spaces)", NULL, NULL, &a->replicas },
		{ "replica-max-lag", "DATELINE_REPLICA_MAX_LAG", "SECONDS", "leave out a replica that is more than this far behind the primary (default 5)", .num = &a->max_lag, .min = 1, .max = 3600 },
		{ "listen", "DATELINE_LISTEN", "ADDR:PORT", "where to listen (default 127.0.0.1:8080)", &a->listen, NULL },
		{ "templates", "DATELINE_TEMPLATES", "DIR", "templates overriding the built-in ones", &a->templates, NULL },
		{ "static", "DATELINE_STATIC", "DIR", "static files overriding the built-in ones", &a->statics, NULL },
		{ "base-url", "DATELINE_BASE_URL", "URL", "public address of the site, http:// or https:// (default http://LISTEN)", &a->base_url, NULL },
		{ "site-name", "DATELINE_SITE_NAME", "NAME", "the site's name (default Dateline)", &a->name, NULL },
		{ "tagline", "DATELINE_TAGLINE", "TEXT", "a line under the name", &a->tagline, NULL },
		{ "threads", "DATELINE_THREADS", "N", "HTTP threads (default: one per core)", .num = &a->threads, .min = 1, .max = 256 },
		{ "reaction-rate-limit", "DATELINE_REACTION_RATE_LIMIT", "N", "reaction changes per minute per client address (default 30, 0: off)", .num = &a->react_limit, .min = 0, .max = 1000000 },
		{ "smtp-url", "DATELINE_SMTP_URL", "URL", "send mail through this SMTP server: smtp://user:pw@host:587 (STARTTLS) or smtps://... (default: write it to --maildir)", &a->smtp_url, NULL },
		{ "smtp-plain", "DATELINE_SMTP_PLAIN", NULL, "allow smtp:// without STARTTLS (a local relay)", NULL, &a->smtp_plain },
		{ "smtp-ca-file", "DATELINE_SMTP_CA_FILE", "FILE", "trust the SMTP server's certificate if signed by a CA in FILE (default: the system's CAs)", &a->smtp_ca, NULL },
		{ "mail-from", "DATELINE_MAIL_FROM", "ADDRESS", "the From address of the site's mail (default noreply@ the base URL's host)", &a->mail_from, NULL },
		{ "maildir", "DATELINE_MAILDIR", "DIR", "without --smtp-url, mail goes to DIR/new/ (default: the database path + \"-mail\"; on PostgreSQL ./dateline-mail)", &a->maildir, NULL },
		{ "reset-token-ttl", "DATELINE_RESET_TOKEN_TTL", "SECONDS", "how long a password reset link works (default 3600)", .num = &a->reset_ttl, .min = 1, .max = 7 * 24 * 3600 },
		{ "login-rate-limit", "DATELINE_LOGIN_RATE_LIMIT", "N", "log in tries per minute per client address (default 20; 0: every account limit off)", .num = &a->login_limit, .min = 0, .max = 1000000 },
		{ "trust-proxy", "DATELINE_TRUST_PROXY", NULL, "believe X-Forwarded-Proto from a proxy in front (Secure cookies)", NULL, &a->trust_proxy },
		{ "feed-content", "DATELINE_FEED_CONTENT", "summary|full", "what feed items carry: the summary (default) or the whole story", &a->feed_content, NULL },
		{ "time-zone", "DATELINE_TIME_ZONE", "ZONE", "the newsroom's time zone for schedule times, e.g. Europe/Berlin (default UTC)", &a->time_zone, NULL },
		{ "upload-limit", "DATELINE_UPLOAD_LIMIT", "MB", "largest lead photo upload in MB (default 20)", .num = &a->upload_limit, .min = 1, .max = 200 },
		{ "photo-max-pixels", "DATELINE_PHOTO_MAX_PIXELS", "N", "refuse lead photos of more pixels, read from the file's header before decoding (default 40000000)", .num = &a->photo_pixels, .min = 1, .max = MEDIA_MAX_PIXELS },
		{ "photo-jobs", "DATELINE_PHOTO_JOBS", "N", "photos processed at once; more uploads wait their turn (default 1)", .num = &a->photo_jobs, .min = 1, .max = 16 },
		{ "authors-publish", "DATELINE_AUTHORS_PUBLISH", NULL, "authors may publish, schedule and unpublish (default: editors only)", NULL, &a->authors_publish },
		{ "comment-rate-limit", "DATELINE_COMMENT_RATE_LIMIT", "N", "comments per minute per account and per client address (default 4, 0: off)", .num = &a->cm_rate, .min = 0, .max = 1000000 },
		{ "comment-moderation", "DATELINE_COMMENT_MODERATION", "MODE", "open, first (hold the first comment of an account) or all (hold every comment); default open", &a->cm_mode, NULL },
		{ "comment-depth", "DATELINE_COMMENT_DEPTH", "N", "replies nest at most N deep (default 3)", .num = &a->cm_depth, .min = 1, .max = 10 },
		{ "comment-links", "DATELINE_COMMENT_LINKS", "N", "hold comments with more than N links (default 2)", .num = &a->cm_links, .min = 0, .max = 1000 },
		{ "comments-close-days", "DATELINE_COMMENTS_CLOSE_DAYS", "N", "close comments N days after publication (default 0: never)", .num = &a->cm_close, .min = 0, .max = 36500 },
		{ "comment-min-seconds", "DATELINE_COMMENT_MIN_SECONDS", "N", "a comment form must be N seconds old when posted (default 3)", .num = &a->cm_min, .min = 0, .max = 3600 },
		{ "language", "DATELINE_LANGUAGE", "TAG", "the language of the site's text, a BCP 47 tag such as en, de or pt-BR (default en)", &a->language, NULL },
		{ "access-log", "DATELINE_ACCESS_LOG", "FILE", "append the access log to FILE (default: standard output); SIGHUP reopens it", &a->access_log, NULL },
		{ "access-log-format", "DATELINE_ACCESS_LOG_FORMAT", "FORMAT", "short (default), combined (as nginx and Apache write it) or json", &a->log_format, NULL },
		{ "client-timeout", "DATELINE_CLIENT_TIMEOUT", "SECONDS", "close a connection that sends nothing for this long, idle or mid-request (default 30)", .num = &a->client_timeout, .min = 1, .max = 3600 },
		{ "per-address-limit", "DATELINE_PER_ADDRESS_LIMIT", "N", "open connections one client address may hold (default 2000; 0: no limit; behind a proxy every connection is the proxy's)", .num = &a->per_address, .min = 0, .max = 1000000 },
		{ "metrics-listen", "DATELINE_METRICS_LISTEN", "ADDR:PORT", "serve /metrics here, to any client that reaches it, instead of to loopback clients on --listen", &a->metrics_listen, NULL },
		{ "no-page-views", "DATELINE_NO_PAGE_VIEWS", NULL, "do not count page views (no \"Most read\" box)", NULL, &a->no_views },
		{ "page-views-flush", "DATELINE_PAGE_VIEWS_FLUSH", "MS", "add the page views counted in memory to the database every MS milliseconds (default 5000)", .num = &a->views_flush, .min = 50, .max = 600000 },
		{ "quiet", "DATELINE_QUIET", NULL, "no access log", NULL, &a->quiet },
		{ 0 },
	};
	int npos;

	*a = (struct serve_args){
		.listen = "127.0.0.1:8080", .name = "Dateline",
		.tagline = "News as it happens.", .feed_content = "summary",
		.language = "en", .cm_mode = "open", .log_format = "short",
		.react_limit = 30, .reset_ttl = 3600, .login_limit = 20,
		.upload_limit = 20, .max_lag = 5, .cm_rate = 4, .cm_depth = 3,
		.cm_links = 2, .cm_min = 3, .client_timeout = 30,
		.per_address = 2000, .photo_pixels = MEDIA_DEFAULT_PIXELS,
		.photo_jobs = 1, .views_flush = 5000,
	};
	return opts_parse(argc, argv, opts, serve_usage, pos, 0, &npos);
}

/* "noreply@HOST" for the host of @base_url (caller frees). */
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
static int add_replicas(struct site *site, const struct optlist *l, long lag)
{
	char err[512], url[4096];
	int i;

	if (!l->n)
		return 0;
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

/*
 * The checks that need more than a number range, and the values that
 * go into @site before the store opens; 0, or 2 after a one-line error.
 * *base, *mdir and *from get what the caller frees.
 */
static int serve_settings(struct serve_args *a, struct site *site,
			  char **base, char **mdir, char **from)
{
	char err[512];
	const char *file = store_sqlite_path(a->db);
	int r, i;

	/* Before any thread: TZ is process-wide. */
	if ((r = newsroom_zone(a->time_zone))) {
		fprintf(stderr, "error: --time-zone wants a zone name such as"
			" Europe/Berlin%s\n", r == ERR_NOTFOUND ?
			" (not in /usr/share/zoneinfo)" : "");
		return 2;
	}
	site->comment_mode = -1;
	for (i = 0; i < COMMENT_MODES; i++)
		if (!strcmp(a->cm_mode, comment_mode_names[i]))
			site->comment_mode = i;
	if (site->comment_mode < 0) {
		fprintf(stderr, "error: --comment-moderation is open, first or"
			" all\n");
		return 2;
	}
	if (a->smtp_url && *a->smtp_url && strncmp(a->smtp_url, "smtp://", 7) &&
	    strncmp(a->smtp_url, "smtps://", 8)) {
		fprintf(stderr, "error: --smtp-url must start with smtp:// or"
			" smtps://\n");
		return 2;
	}
	if (strcmp(a->feed_content, "summary") && strcmp(a->feed_content, "full")) {
		fprintf(stderr, "error: --feed-content wants 'summary' or"
			" 'full'\n");
		return 2;
	}
	if (!language_tag_valid(a->language)) {
		fprintf(stderr, "error: --language wants a language tag such as"
			" en, de or pt-BR\n");
		return 2;
	}
	if (a->mail_from && !mail_address_valid(a->mail_from)) {
		fprintf(stderr, "error: --mail-from '%s' is not an e-mail"
			" address\n", a->mail_from);
		return 2;
	}
	if (log_format_from_name(a->log_format) < 0) {
		fprintf(stderr, "error: --access-log-format is short, combined or"
			" json\n");
		return 2;
	}
	if (a->base_url) {
		if (opt_base_url(a->base_url, base, err, sizeof(err))) {
			fprintf(stderr, "error: %s\n", err);
			return 2;
		}
	} else {
		size_t n = strlen(a->listen) + 8;

		*base = malloc(n);
		snprintf(*base, n, "http://%s", a->listen);
	}
	if (!a->maildir && !file) {
		a->maildir = "dateline-mail";
	} else if (!a->maildir) {
		size_t n = strlen(file) + 8;

		*mdir = malloc(n);
		snprintf(*mdir, n, "%s-mail", file);
		a->maildir = *mdir;
	}
	if (!a->mail_from)
		a->mail_from = *from = default_from(*base);
	site->base_url = *base;
	site->name = a->name;
	site->tagline = a->tagline;
	site->mail_from = a->mail_from;
	site->mail.smtp_url = a->smtp_url && *a->smtp_url ? a->smtp_url : NULL;
	site->mail.smtp_plain = a->smtp_plain;
	site->mail.smtp_ca = a->smtp_ca;
	site->mail.maildir = a->maildir;
	site->reset_ttl = a->reset_ttl;
	site->login_per_minute = (unsigned)a->login_limit;
	site->trust_proxy = a->trust_proxy;
	site->feed_full = !strcmp(a->feed_content, "full");
	site->language = a->language;
	site->time_zone = a->time_zone;
	site->upload_max = (size_t)a->upload_limit * 1024 * 1024;
	site->authors_publish = a->authors_publish;
	site->photo_max_pixels = a->photo_pixels;
	site->photo_jobs = (unsigned)a->photo_jobs;
	site->views_off = a->no_views;
	site->views_flush_ms = (unsigned)a->views_flush;
	site->comment_per_minute = (unsigned)a->cm_rate;
	site->comment_depth = (int)a->cm_depth;
	site->comment_max_links = (int)a->cm_links;
	site->comment_close_days = (int)a->cm_close;
	site->comment_min_seconds = (int)a->cm_min;
	return 0;
}

/* SIGHUP: the access log file again under its name, the templates again. */
static void serve_reload(struct site *site, const struct serve_args *a)
{
	char err[512];

	if (log_access_reopen())
		log_err("cannot reopen the access log '%s'; still writing to"
			" the old file", a->access_log);
	if (site_reload_templates(site, a->templates, err, sizeof(err)))
		log_err("templates not reloaded: %s", err);
	else
		log_info("SIGHUP: access log reopened, templates reloaded");
}

/* Open the store and load what the pages need; 0, or 1 after an error. */
static int serve_open(struct serve_args *a, struct site *site)
{
	struct tmpl_set *tmpl = NULL;
	char err[512];

	if (store_open(a->db, &site->store, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (store_check_schema(site->store)) {
		fprintf(stderr, "error: database '%s' needs migrating: run"
			" 'dateline migrate --db %s'\n", a->db, a->db);
		return 1;
	}
	if (add_replicas(site, &a->replicas, a->max_lag))
		return 1;
	if (i18n_load(&site->i18n, err, sizeof(err)) ||
	    i18n_dates_open(site->i18n, a->time_zone, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	site->lang = i18n_lang(site->i18n, a->language);
	/* Search stems the site's stories in its language: every writer
	 * (the CLI too) finds it in the database. */
	if (store_site_language(site->store, a->language))
		fprintf(stderr, "warning: the site's language could not be"
			" stored; search stems as before\n");
	if (templates_load(a->templates, site->lang, &tmpl, err, sizeof(err)) ||
	    assets_load(a->statics, &site->assets, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		if (tmpl)
			tmpl_set_free(tmpl);
		return 1;
	}
	site->tmpl = tmpl;
	if (site_templates_languages(site, a->templates, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (log_access_open(a->access_log, log_format_from_name(a->log_format))) {
		fprintf(stderr, "error: cannot open the access log '%s'\n",
			a->access_log);
		return 1;
	}
	return 0;
}

/* The --metrics-listen server: one thread, /metrics only. */
static int start_metrics(struct site *site, const char *listen,
			 struct http_server **out)
{
	struct http_config cfg = { 0 };
	char err[512];

	cfg.listen = listen;
	cfg.threads = 1;
	cfg.handler = site_metrics_handle;
	cfg.ctx = site;
	if (http_server_start(&cfg, out, err, sizeof(err))) {
		fprintf(stderr, "error: --metrics-listen: %s\n", err);
		return 1;
	}
	site->metrics_elsewhere = true;
	log_info("metrics on http://%s/metrics (port %u)", listen,
		 http_server_port(*out));
	return 0;
}

/*
 * The listening socket systemd passed (socket activation: LISTEN_PID is
 * this process, LISTEN_FDS >= 1; the first is descriptor 3), or 0.  The
 * variables are removed so that no child takes them for its own.
 */
static int systemd_socket(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	long p, n;

	if (!pid || !fds || opt_number(pid, 1, LONG_MAX, &p) ||
	    opt_number(fds, 1, 64, &n) || p != (long)getpid())
		return 0;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

/* Serve until SIGINT or SIGTERM; the signals are blocked in @set. */
static void serve_wait(struct site *site, const struct serve_args *a,
		       const sigset_t *set)
{
	int sig = 0;

	for (;;) {
		if (sigwait(set, &sig))
			continue;
		if (sig != SIGHUP)
			break;
		serve_reload(site, a);
	}
	log_info("%s received, finishing in-flight requests",
		 sig == SIGINT ? "SIGINT" : "SIGTERM");
}

/* Start the HTTP server (and the --metrics-listen one); 0, or 1 after an error. */
static int serve_http(struct serve_args *a, struct site *site,
		      struct http_server **srv, struct http_server **msrv)
{
	struct http_config cfg = { 0 };
	char err[512], shown[512];

	cfg.listen = a->listen;
	cfg.listen_fd = systemd_socket();
	cfg.threads = (unsigned)a->threads;
	cfg.handler = site_handle;
	cfg.enter = site_enter;
	cfg.leave = site_leave;
	cfg.done = site_done;
	cfg.client_timeout = (unsigned)a->client_timeout;
	cfg.per_address_max = (unsigned)a->per_address;
	cfg.upload_prefix = NEWSROOM_UPLOAD_PREFIX;
	cfg.upload_max = site->upload_max;
	cfg.log_headers = !a->quiet && log_format_wants_headers(
		log_format_from_name(a->log_format));
	cfg.ctx = site;
	if (http_server_start(&cfg, srv, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (a->metrics_listen && start_metrics(site, a->metrics_listen, msrv))
		return 1;
	if (cfg.listen_fd)
		log_info("dateline serving %s on the socket systemd passed"
			 " (port %u)", shown_db(a->db, shown, sizeof(shown)),
			 http_server_port(*srv));
	else
		log_info("dateline serving %s on http://%s (port %u)",
			 shown_db(a->db, shown, sizeof(shown)), a->listen,
			 http_server_port(*srv));
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_args a;
	struct http_server *srv = NULL, *msrv = NULL;
	struct site site = { 0 };
	char *base = NULL, *mdir = NULL, *from = NULL;
	bool curl_up = false;
	sigset_t set;
	int r, code = 1;

	if ((r = serve_parse(argc, argv, &a)) >= 0)
		return r;
	/*
	 * Block the signals before any thread starts (the store's, the
	 * site's), so that every thread inherits the mask and only main
	 * takes them: a SIGHUP reaching another thread would kill.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((r = cli_start(a.db)) >= 0)
		return r;
	if ((r = serve_settings(&a, &site, &base, &mdir, &from))) {
		code = r;
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "error: libcurl cannot start\n");
		goto out;
	}
	curl_up = true;
	md_init();
	log_access_enable(!a.quiet);
	if (serve_open(&a, &site))
		goto out;
	site.cache = page_cache_new();
	if ((r = site_start(&site, (unsigned)a.react_limit))) {
		if (r == ERR_IO)
			fprintf(stderr, "error: cannot make the maildir '%s'\n",
				a.maildir);
		else
			fprintf(stderr, "error: cannot read the site secrets"
				" from '%s'\n", a.db);
		goto out;
	}


	if (serve_http(&a, &site, &srv, &msrv))
		goto out;
	if (!site.mail.smtp_url)
		log_info("no --smtp-url: mail is written to %s/new/ and its"
			 " links to this log", a.maildir);
	serve_wait(&site, &a, &set);
	site_quiesce(&site);
	http_server_stop(srv, 10000);
	http_server_stop(msrv, 1000);
	log_info("stopped");
	code = 0;
out:
	if (code)
		http_server_stop(srv, 0);
	site_stop(&site);
	page_cache_free(site.cache);
	assets_free(site.assets);
	i18n_free(site.i18n);
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
