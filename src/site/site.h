/*
 * site.h - the news site: turns requests into pages.
 *
 * struct site holds the long-lived state built in main(): the store, the
 * compiled templates, the static assets and the page cache.  site_handle()
 * is the http_handler the server calls for every request.
 */
#ifndef DATELINE_SITE_H
#define DATELINE_SITE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "http/http.h"

struct arena;
struct article;
struct store;
struct tmpl_set;
struct assets;
struct page_cache;
struct writer;
struct live;
struct ratelimit;
struct block_cache;
struct auth_pool;
struct mail_outbox;
struct section_cache;
struct newsroom;
struct metrics;
struct i18n;
struct i18n_lang;

#include "mail/outbox.h"

/* Template reloads kept before a reload is refused (their sets stay). */
#define SITE_MAX_RELOADS 64
/* Shipped languages the newsroom's users may choose from. */
#define SITE_MAX_LANGS 15

struct site {
	struct store *store;
	/* Swapped whole by site_reload_templates(); read with one load. */
	struct tmpl_set *_Atomic tmpl;
	/* The same templates in each other shipped language (i18n_at()
	 * order; NULL at the site language's place), for newsroom users
	 * who chose their own; made by site_templates_languages(). */
	struct tmpl_set *_Atomic tmpl_lang[SITE_MAX_LANGS];
	struct assets *assets;
	struct page_cache *cache;
	const char *name;	/* "Dateline" */
	const char *tagline;
	const char *base_url;	/* "http://127.0.0.1:8080", no trailing '/' */
	struct writer *writer;	/* group commit of reader writes */
	struct live *live;	/* Server-Sent Events hub */
	struct ratelimit *reaction_limit;
	struct block_cache *blocks;	/* anonymous reaction blocks */
	unsigned char csrf_key[32];
	/* Reader accounts (accounts.c): set before site_start(). */
	const char *mail_from;	/* "news@example.org" */
	struct mail_config mail;
	const char *language;	/* BCP 47 tag of the site's text: "en" */
	struct i18n *i18n;	/* every shipped catalogue */
	const struct i18n_lang *lang;	/* the site language's; @tmpl is
					 * compiled in it (never NULL once
					 * serving) */
	bool trust_proxy;	/* believe X-Forwarded-Proto (Secure) and -For */
	bool feed_full;		/* feeds carry whole stories, not summaries */
	struct section_cache *sections;	/* the masthead's list (sections.c) */
	struct section_cache *footer_pages;	/* the footer's (sections.c) */
	int64_t reset_ttl;	/* seconds a password reset link works */
	unsigned login_per_minute;	/* log in tries per client address */
	/* Made by site_start(). */
	struct auth_pool *auth_pool;	/* password hashing, account writes */
	struct mail_outbox *outbox;
	struct ratelimit *login_ip, *login_account, *signup_ip, *reset_ip,
			 *reset_address;
	char dummy_hash[128];	/* verified against for unknown addresses */
	/* The newsroom (newsroom.c): set before site_start(). */
	const char *time_zone;	/* schedule times, e.g. "Europe/Berlin"; NULL: UTC */
	size_t upload_max;	/* bytes of a photo upload; 0: 20 MB */
	bool authors_publish;	/* authors may publish, not only submit */
	long photo_max_pixels;	/* larger photos refused; 0: the default */
	unsigned photo_jobs;	/* photos processed at once; 0: 1 */
	struct newsroom *newsroom;	/* made by site_start() */
	/* Comments (comments*.c): set before site_start(); 0 means the
	 * default where one is noted. */
	unsigned comment_per_minute;	/* posts a minute per account and per
					 * address (default 4) */
	int comment_mode;		/* enum comment_mode */
	int comment_depth;		/* replies nest this deep (3) */
	int comment_max_links;		/* more links than this: held (2) */
	int comment_close_days;		/* close N days after publication */
	int comment_min_seconds;	/* from showing the form to a post */
	struct ratelimit *comment_ip, *comment_account;
	/* Read replicas: seconds a reader's reads follow their write
	 * (the read-your-writes cookie); 0 without replicas. */
	int replica_cookie_s;
	/* The front page's "Most reacted" box, rendered at most every few s. */
	pthread_mutex_t box_lock;
	char *box_html;
	int64_t box_time;
	/* Template sets replaced on SIGHUP, freed by site_stop(): a request
	 * may still be rendering with one. */
	struct tmpl_set *retired[SITE_MAX_RELOADS * (SITE_MAX_LANGS + 1)];
	int nretired;
	atomic_uint_fast64_t tmpl_epoch;	/* reloads so far */
	/* Page views and the "Most read" box (most_read.c): the two
	 * settings before site_start(), the rest made by it. */
	bool views_off;			/* --no-page-views */
	unsigned views_flush_ms;	/* 0: every 5 s */
	struct views *views;		/* NULL when off */
	pthread_mutex_t read_lock;	/* guards read_html */
	char *read_html;		/* the box; NULL: nothing read yet */
	unsigned read_ticks;		/* the counting thread's */
	atomic_uint_fast64_t read_epoch;	/* changes of the box */
	struct metrics *metrics;	/* made by site_start() */
	bool metrics_elsewhere;	/* --metrics-listen: not on this port */
};

/*
 * Start the site's background parts (writer, live hub, limits, secrets,
 * the auth pool and the mail sender) once store, templates, assets and
 * the account settings are set.  0 or an error (ERR_IO: the maildir
 * cannot be made).
 */
int site_start(struct site *site, unsigned reaction_per_minute);
/*
 * Compile the templates of @dir (NULL: the built-in ones) in every shipped
 * language but the site's into site->tmpl_lang (start-up; also done by
 * site_reload_templates()).  0, or an error with a reason in @err (the
 * sets held stay).  Call from one thread at a time.
 */
int site_templates_languages(struct site *site, const char *dir, char *err,
			     size_t errlen);
/* The template set for pages in language @l: site->tmpl for the site's
 * (and NULL), else that language's when compiled. */
struct tmpl_set *site_tmpl(struct site *site, const struct i18n_lang *l);
/*
 * Compile the templates of @dir (NULL: the built-in ones) and put them in
 * place of the running set (SIGHUP); cached pages and blocks rendered
 * with the old set are dropped.  0, or an error with a reason in @err:
 * the old set stays.  Call from one thread at a time.
 */
int site_reload_templates(struct site *site, const char *dir, char *err,
			  size_t errlen);

/*
 * The version caches of rendered pages and blocks are keyed by: the
 * store's content generation, moved on by each template reload and each
 * change of the "Most read" box.
 */
uint64_t site_generation(struct site *site);

/* Stop accepting live streams; call before stopping the HTTP server. */
void site_quiesce(struct site *site);
/* Stop the background parts; call after the HTTP server has stopped. */
void site_stop(struct site *site);

/* A well-formed BCP 47 tag: letters first, then '-'-separated subtags of
 * 1 to 8 letters or digits, 35 bytes at most ("en", "pt-BR", "zh-Hant"). */
bool language_tag_valid(const char *lt);

/* "/world/2026/11/20/some-slug/": an article's canonical path (arena). */
char *article_path(struct arena *a, const struct article *art);

/*
 * The http_handler of --metrics-listen: GET /metrics for any client
 * (the operator chose who can reach that address), 404 for the rest.
 */
void site_metrics_handle(void *ctx, struct http_request *req,
			 struct http_response *res);

/* The http_config done hook: counts the answer for /metrics. */
void site_done(void *ctx, struct http_request *req, unsigned status,
	       double seconds, bool streamed);

/* The http_handler: @ctx is the struct site. */
void site_handle(void *ctx, struct http_request *req, struct http_response *res);
/*
 * The http_config enter/leave hooks.  Behind --trust-proxy the reader's
 * address comes from X-Forwarded-For.  A visitor's reads may go to a read
 * replica that has replayed the reader's last write (cookie "dl_rw"); a
 * successful write hands the reader that position.
 */
void site_enter(void *ctx, struct http_request *req);
void site_leave(void *ctx, struct http_request *req, struct http_response *res);

/*
 * Whether the site's own addresses hold the top-level slug @slug
 * ("newsroom", "search", ...), so a static page there would never be
 * reached (newsroom_pages.c).
 */
bool page_slug_reserved(const char *slug);

#endif
