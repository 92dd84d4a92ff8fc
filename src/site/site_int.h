/*
 * site_int.h - what the handlers in src/site/ share: the page context,
 * rendering, error pages and URLs; with reader.h (who is calling) and
 * respond.h (error statuses, JSON errors, ETags).  Not used outside
 * src/site/.
 */
#ifndef DATELINE_SITE_INT_H
#define DATELINE_SITE_INT_H

#include <stdint.h>

#include "http/router.h"
#include "reader.h"
#include "respond.h"
#include "site.h"
#include "store/store.h"
#include "i18n/i18n.h"

struct tval;

typedef void (*site_handler)(struct site *site, struct http_request *req,
			     struct http_response *res,
			     const struct route_match *m);

/*
 * Answer @req from the page cache (serve_cached.c): a hit as stored, its
 * hole filled and a logged-in reader's account area spliced in; a miss
 * rendered by @fn, kept for the site's generation, then answered alike.
 */
void serve_cached(struct site *site, site_handler fn,
		  struct http_request *req, struct http_response *res,
		  const struct route_match *m);

/* health.c: /healthz, /readyz, /metrics. */
void h_healthz(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m);
void h_readyz(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m);
void h_metrics(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m);

/*
 * The context every page template gets: site, assets, sections and a "page"
 * map with title, heading, description and canonical URL (@path is made
 * absolute).  Handlers add their own keys.
 */
struct tval *page_context(struct site *site, struct http_request *req,
			  const char *title, const char *description,
			  const char *path);

/*
 * Mark the masthead's link to section @url in @ctx (of page_context()) as
 * the section the page is in ("in_section": aria-current="true"), for a
 * story's page; the section's own page is "current" already.
 */
void page_in_section(struct arena *a, struct tval *ctx, const char *url);

/* The "page" map inside a page context. */
struct tval *page_meta(struct tval *ctx);

/* Render template @name into res->body; a 500 page when that fails. */
void render_page(struct site *site, struct http_request *req,
		 struct http_response *res, const char *name, struct tval *ctx);

/* The error page for @status with a one-line @message. */
void render_error(struct site *site, struct http_request *req,
		  struct http_response *res, unsigned status,
		  const char *message);

/* The route pattern of a story page, the shape article_path() makes; its
 * fifth parameter is the slug. */
#define ARTICLE_PATTERN "/:section/:year/:month/:day/:slug/"

/* "/section/world/" and "/tag/ports/" (arena strings). */
char *section_path(struct arena *a, const char *slug);
char *tag_path(struct arena *a, const char *slug);
/* "/media/KEY" for a photo key. */
char *media_path(struct arena *a, const char *key);
/* @path made absolute with the site's base URL. */
char *absolute_url(struct site *site, struct arena *a, const char *path);

/* A story's fields for list and page templates (no body). */
struct tval *article_summary_value(struct site *site, struct arena *a,
				   const struct article *art);

/*
 * The responsive copies of @art's lead photo into its photo value @p:
 * srcset, webp_srcset and @sizes (static text); with @small_src, src
 * becomes a small copy instead of the original.  Nothing when the photo
 * has no copies.
 */
void article_photo_srcset(struct site *site, struct arena *a,
			  const struct article *art, struct tval *p,
			  const char *sizes, bool small_src);

/*
 * The page context of story @art at @path, as its public page shows it
 * (with the reactions hole when @reactions); the newsroom's preview uses
 * it too.
 */
/*
 * The Content-Security-Policy of a page embedding the providers of bit
 * set @embeds (embed.h): HTTP_CSP with a frame-src of their origins only;
 * NULL (HTTP_CSP, no frames but the site's own) when 0.
 */
const char *embed_csp(struct arena *a, unsigned embeds);

struct tval *article_page_context(struct site *site, struct http_request *req,
				  const struct article *art, const char *path,
				  bool reactions);

/*
 * A keyset position "A.B" (two non-negative decimal integers, as the
 * "Older stories" links carry them); false when malformed or out of range.
 */
bool parse_keyset(const char *s, int64_t *a, int64_t *b);

/* The hashed URL of static asset @name ("" when there is none). */
const char *site_asset_url(struct site *site, const char *name);

/* The name of reaction @kind as readers of language @l see it ("Lol"). */
const char *reaction_label(const struct i18n_lang *l, int kind);
/* The name of account role @role as language @l says it ("editor";
 * role_names[] holds the machine names). */
const char *role_label(const struct i18n_lang *l, int role);

/* The reaction block of a story page (reactions.c); *personal is set when
 * it shows the reader's own state, so the page must not be shared. */
struct hole_fill;
/* ... and when the block comes from the anonymous cache, @fill (may be
 * NULL) gets its kept CRC and compressed bytes. */
int reactions_render_block(struct site *site, struct http_request *req,
			   int64_t article_id, const char *slug, struct buf *out,
			   struct hole_fill *fill, bool *personal);
/* Rendered anonymous reaction blocks, per article (blocks.c). */
#define BLOCK_BUCKETS 1024
struct block_cache *block_cache_new(void);
void block_cache_free(struct block_cache *bc);
/* Append the kept block of @article_id (for @slug at content generation
 * @gen) to @out; false when none is kept.  *ticket is for block_put(): a
 * block rendered after a miss is kept only if no block_drop() came between
 * (else it may show counts from before that reaction). */
bool block_get(struct block_cache *bc, int64_t article_id, const char *slug,
	       uint64_t gen, struct buf *out, uint64_t *ticket);
/* block_get() that also fills @fill with the kept CRC and deflated bytes. */
struct hole_fill;
bool block_get_fill(struct block_cache *bc, int64_t article_id,
		    const char *slug, uint64_t gen, struct buf *out,
		    struct hole_fill *fill, uint64_t *ticket);
void block_put(struct block_cache *bc, int64_t article_id, const char *slug,
	       uint64_t gen, const char *html, size_t len, uint64_t ticket);
/* Forget the block of @article_id (its counts changed). */
void block_drop(struct block_cache *bc, int64_t article_id);

/*
 * The comment block of a story (comments.c), appended to its reaction
 * block in the page's hole.  comments_block_personal(): this request's
 * block is not the kept anonymous one (a logged-in reader, or another
 * page or sort of the comments).
 */
int comments_render_block(struct site *site, struct http_request *req,
			  int64_t article_id, const char *slug,
			  struct buf *out);
bool comments_block_personal(struct site *site, struct http_request *req);

/* writer_batch_fn publishing committed reactions to the live streams. */
void reactions_committed(void *ctx, const struct reaction_change *ch, size_t n);
/* Another node changed article @id's reactions: refresh caches and streams. */
void reactions_remote(void *ctx, int64_t article_id);

/* Seconds the front page's "Most reacted" box is reused. */
#define MOST_REACTED_TTL_S 5
/* Hole keys of cached pages (see cache.h). */
#define HOLE_MOST_REACTED "most-reacted"
/*
 * The most bytes the live part of a story page (reactions, the comments
 * and their threads, as one reader sees them) may take: a thread of the
 * store's most replies (THREAD_MAX in store_comments.c) fits, with its
 * forms.  A cap, not an allocation: memory grows as the block does.
 */
#define HOLE_BODY_MAX (32u * 1024 * 1024)

/*
 * Page views and the "Most read" box (most_read.c).  most_read_start()
 * counts unless site->views_off; most_read_put() sets "most_read" (the
 * box's HTML) in a page context when something has been read;
 * most_read_seen() notes that @req shows story @article_id and
 * most_read_done() counts it once answered.
 */
void most_read_start(struct site *site);
void most_read_stop(struct site *site);
void most_read_put(struct site *site, struct http_request *req,
		   struct tval *ctx);
void most_read_seen(struct site *site, struct http_request *req,
		    int64_t article_id);
void most_read_done(struct site *site, struct http_request *req,
		    unsigned status, bool streamed);

/* The "Most reacted" box (archive.c). */
int most_reacted_render(struct site *site, struct http_request *req,
			struct buf *out);

/*
 * Reader accounts (accounts.c).  The masthead of every page holds
 * PAGE_ACCOUNT_MARK (head.mustache); render_page() replaces it with the
 * reader's account area ("Log in" / "Sign up", or the display name and a
 * "Log out" button).  A page rendered for the page cache gets the
 * anonymous area and its place is remembered, so the cache can splice in
 * a logged-in reader's area per request.
 */
#define PAGE_ACCOUNT_MARK "<!--dl:account-->"

/* Start and stop the account machinery (auth pool, limits, mail sender). */
int accounts_start(struct site *site);
void accounts_stop(struct site *site);

/* Append the account area for this reader (or the anonymous one) to @out. */
int account_area_render(struct site *site, struct http_request *req,
			bool anonymous, struct buf *out);

/*
 * True when @path is a same-site return address for after log in: one
 * leading '/', not "//" or "/\", printable ASCII, at most 512 bytes.
 */
bool account_return_ok(const char *path);

/* Handlers. */
void h_account_home(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);
void h_login_form(struct site *, struct http_request *,
		  struct http_response *, const struct route_match *);
void h_login(struct site *, struct http_request *, struct http_response *,
	     const struct route_match *);
void h_logout(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_logout_all(struct site *, struct http_request *,
		  struct http_response *, const struct route_match *);
void h_signup_form(struct site *, struct http_request *,
		   struct http_response *, const struct route_match *);
void h_signup(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_forgot_form(struct site *, struct http_request *,
		   struct http_response *, const struct route_match *);
void h_forgot(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_reset_form(struct site *, struct http_request *,
		  struct http_response *, const struct route_match *);
void h_reset(struct site *, struct http_request *, struct http_response *,
	     const struct route_match *);
void h_verify(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_confirm_email(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_account_language(struct site *, struct http_request *,
			struct http_response *, const struct route_match *);
void h_account_name(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);
void h_account_email(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_account_password(struct site *, struct http_request *,
			struct http_response *, const struct route_match *);
void h_account_delete(struct site *, struct http_request *,
		      struct http_response *, const struct route_match *);
/* POST /account/confirm: a new confirmation link (after a bounce). */
void h_account_confirm(struct site *, struct http_request *,
		       struct http_response *, const struct route_match *);

void h_reaction_archive(struct site *, struct http_request *,
			struct http_response *, const struct route_match *);
void h_reaction_feed(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_reactions_get(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_reactions_put(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_reactions_delete(struct site *, struct http_request *,
			struct http_response *, const struct route_match *);
void h_react_form(struct site *, struct http_request *,
		  struct http_response *, const struct route_match *);
void h_events(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_home(struct site *, struct http_request *, struct http_response *,
	    const struct route_match *);
void h_section(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
void h_tag(struct site *, struct http_request *, struct http_response *,
	   const struct route_match *);
void h_article(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);

/* ---- Reach: feeds, sitemaps, search, structured data, oEmbed ---- */

/* What a section, tag or author page (and its feeds) lists. */
struct list_target {
	const char *name;		/* display name */
	const char *section_slug, *tag_slug, *author;	/* one is set */
	const char *path;		/* "/tag/ports/", "/author/Ana%20Diaz/" */
	const char *description;
};
/*
 * Resolve the section, tag or author (by the path's first segment) of
 * m->params[0]; on failure the 404/503 page is rendered and false returned.
 */
bool list_target_find(struct site *site, struct http_request *req,
		      struct http_response *res, const struct route_match *m,
		      struct list_target *t);
/* The list of @t as a query (section, tag or author set). */
void list_target_query(const struct list_target *t, struct article_query *q);
/* True when @name can be an author's byline in an address: 1 to 200
 * bytes of UTF-8 without control characters or '/'. */
bool author_valid(const char *name);
/* "/author/Ana%20Diaz/" (arena). */
char *author_path(struct arena *a, const char *name);

enum feed_format { FEED_RSS, FEED_ATOM, FEED_JSON };
/* The format served under file name @file ("feed.xml", "atom.xml",
 * "feed.json"), or -1. */
int feed_format_of(struct str file);
/* One feed: @items newest first; @notes (may be NULL) adds a note per item
 * to its summary. */
struct feed {
	enum feed_format format;
	const char *title, *description;
	const char *page_path;		/* the page the feed follows */
	const struct article *items;
	size_t n;
	const char *const *notes;
};
/* Build @f into @res (body and content type); a 500 page on failure. */
void feed_respond(struct site *site, struct http_request *req,
		  struct http_response *res, const struct feed *f);
/* Add the autodiscovery links of the feeds under @dir ("/", "/tag/x/")
 * titled @title to the "feeds" list of @page. */
void feed_links(struct site *site, struct arena *a, struct tval *page,
		const char *title, const char *dir);
/* A story's feed id: tag:HOST,CREATED-DATE:article:ID (arena). */
char *article_guid(struct site *site, struct arena *a,
		   const struct article *art);

/* schema.org BreadcrumbList JSON for @n steps (arena; NULL on overflow). */
char *breadcrumbs_jsonld(struct site *site, struct arena *a,
			 const char *const *names, const char *const *paths,
			 size_t n);
/* Site > section > story (site > story without a section), @path being
 * the story's. */
char *story_breadcrumbs(struct site *site, struct arena *a,
			const struct article *art, const char *path);
/* The breadcrumbs of a list page into @page ("breadcrumbs"); on the front
 * page the WebSite with its SearchAction ("jsonld") instead. */
void list_breadcrumbs(struct site *site, struct arena *a, struct tval *page,
		      const char *title, const char *path);

/* The sections with public stories, as store_sections() gives them, kept
 * per store generation (sections.c); the store's answer when the site
 * has no cache (before site_start()). */
struct section_cache *section_cache_new(bool pages);
void section_cache_free(struct section_cache *c);
int site_sections(struct site *site, struct arena *a, struct section **out,
		  size_t *n);
/* The footer's static pages, kept the same way: the published top-level
 * ones by path, each as a section (slug: its path, name: its title). */
int site_footer_pages(struct site *site, struct arena *a,
		      struct section **out, size_t *n);

/*
 * The published static page at req->path ("/about/team/"), when there is
 * one (pages.c): answered (200, or 301 to the address with its final
 * slash) and true; false otherwise, nothing answered.
 */
bool page_serve(struct site *site, struct http_request *req,
		struct http_response *res);

/* The oEmbed address for story @url (absolute; arena). */
char *oembed_link(struct site *site, struct arena *a, const char *url);

void h_author(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_feed(struct site *, struct http_request *, struct http_response *,
	    const struct route_match *);
void h_list_feed(struct site *, struct http_request *, struct http_response *,
		 const struct route_match *);
void h_sitemap_index(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
void h_sitemap(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
void h_robots(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
/*
 * A search whose address was too long (414) is answered anyway, with the
 * part of the query that was kept: readers paste long text.  True when
 * @req was such a search and has been answered.
 */
bool search_long_uri(struct site *site, struct http_request *req,
		     struct http_response *res);
void h_search(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_search_api(struct site *, struct http_request *,
		  struct http_response *, const struct route_match *);
void h_opensearch(struct site *, struct http_request *,
		  struct http_response *, const struct route_match *);
void h_oembed(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);

/* The site's language tag (--language; "en" when not given). */
const char *site_language(const struct site *site);

#endif
