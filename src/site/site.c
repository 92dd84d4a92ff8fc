/*
 * site.c - routing, the page cache, the shared page context, error pages,
 * static assets and media.
 */
#include "site_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/ratelimit.h"
#include "cache.h"
#include "accounts_int.h"
#include "comments_int.h"
#include "live.h"
#include "metrics.h"
#include "writer.h"
#include "newsroom.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "http/compress.h"
#include "http/static.h"
#include "render/mustache.h"
#include "render/templates.h"

struct handler_info {
	site_handler fn;
	bool cacheable;		/* a public page: same bytes for every reader */
};

static void h_static(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
static void h_media(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);

static const struct handler_info home = { h_home, true };
static const struct handler_info section = { h_section, true };
static const struct handler_info tag = { h_tag, true };
static const struct handler_info article = { h_article, true };
static const struct handler_info stat = { h_static, false };
static const struct handler_info media = { h_media, false };
static const struct handler_info react_get = { h_reactions_get, false };
static const struct handler_info react_put = { h_reactions_put, false };
static const struct handler_info react_del = { h_reactions_delete, false };
static const struct handler_info react_form = { h_react_form, false };
static const struct handler_info events = { h_events, false };
static const struct handler_info archive = { h_reaction_archive, false };
static const struct handler_info archive_feed = { h_reaction_feed, false };
static const struct handler_info acct_home = { h_account_home, false };
static const struct handler_info login_form = { h_login_form, false };
static const struct handler_info login = { h_login, false };
static const struct handler_info logout = { h_logout, false };
static const struct handler_info logout_all = { h_logout_all, false };
static const struct handler_info signup_form = { h_signup_form, false };
static const struct handler_info signup = { h_signup, false };
static const struct handler_info forgot_form = { h_forgot_form, false };
static const struct handler_info forgot = { h_forgot, false };
static const struct handler_info reset_form = { h_reset_form, false };
static const struct handler_info reset = { h_reset, false };
static const struct handler_info verify = { h_verify, false };
static const struct handler_info confirm_email = { h_confirm_email, false };
static const struct handler_info acct_name = { h_account_name, false };
static const struct handler_info acct_email = { h_account_email, false };
static const struct handler_info acct_password = { h_account_password, false };
static const struct handler_info acct_delete = { h_account_delete, false };
/* Reach: feeds, sitemaps, search, oEmbed. */
static const struct handler_info author = { h_author, true };
static const struct handler_info feed = { h_feed, true };
static const struct handler_info list_feed = { h_list_feed, true };
static const struct handler_info sitemap_index = { h_sitemap_index, true };
static const struct handler_info sitemap = { h_sitemap, true };
static const struct handler_info robots = { h_robots, true };
static const struct handler_info search = { h_search, false };
static const struct handler_info search_api = { h_search_api, false };
static const struct handler_info oembed = { h_oembed, false };
static const struct handler_info opensearch = { h_opensearch, true };
/* The newsroom (newsroom.c, newsroom_more.c). */
static const struct handler_info nr_list = { h_nr_list, false };
static const struct handler_info nr_new = { h_nr_new, false };
static const struct handler_info nr_edit = { h_nr_edit, false };
static const struct handler_info nr_save = { h_nr_save, false };
static const struct handler_info nr_preview = { h_nr_preview, false };
static const struct handler_info nr_slug = { h_nr_slug, false };
static const struct handler_info nr_revisions = { h_nr_revisions, false };
static const struct handler_info nr_diff = { h_nr_diff, false };
static const struct handler_info nr_restore = { h_nr_restore, false };
static const struct handler_info nr_users = { h_nr_users, false };
static const struct handler_info nr_role = { h_nr_role, false };
static const struct handler_info nr_dashboard = { h_nr_dashboard, false };
/* Comments (comments*.c). */
static const struct handler_info cm_get = { h_comments_get, false };
static const struct handler_info cm_post_api = { h_comments_post_api, false };
static const struct handler_info cm_patch = { h_comment_patch, false };
static const struct handler_info cm_del_api = { h_comment_delete_api, false };
static const struct handler_info cm_like_put = { h_comment_like_put, false };
static const struct handler_info cm_like_del = { h_comment_like_delete, false };
static const struct handler_info cm_new = { h_comment_new, false };
static const struct handler_info cm_settings = { h_comment_settings, false };
static const struct handler_info cm_unsub = { h_comment_unsubscribe, false };
static const struct handler_info cm_reply = { h_comment_reply_form, false };
static const struct handler_info cm_edit_form = { h_comment_edit_form, false };
static const struct handler_info cm_edit = { h_comment_edit, false };
static const struct handler_info cm_delete = { h_comment_delete, false };
static const struct handler_info cm_like = { h_comment_like, false };
static const struct handler_info cm_report = { h_comment_report, false };
static const struct handler_info cm_queue = { h_comment_queue, false };
static const struct handler_info cm_moderate = { h_comment_moderate, false };
/* Operations (health.c). */
static const struct handler_info healthz = { h_healthz, false };
static const struct handler_info readyz = { h_readyz, false };
static const struct handler_info metrics = { h_metrics, false };

static const struct route routes[] = {
	{ HTTP_GET, "/", (void *)&home },
	{ HTTP_GET, "/section/:slug/", (void *)&section },
	{ HTTP_GET, "/tag/:slug/", (void *)&tag },
	{ HTTP_GET, "/static/:name", (void *)&stat },
	{ HTTP_GET, "/media/:key", (void *)&media },
	{ HTTP_GET, "/api/v1/articles/:slug/reactions", (void *)&react_get },
	{ HTTP_PUT, "/api/v1/articles/:slug/reactions", (void *)&react_put },
	{ HTTP_DELETE, "/api/v1/articles/:slug/reactions", (void *)&react_del },
	{ HTTP_GET, "/api/v1/articles/:slug/events", (void *)&events },
	{ HTTP_POST, "/react/:slug", (void *)&react_form },
	{ HTTP_GET, "/reactions/:name/", (void *)&archive },
	{ HTTP_GET, "/reactions/:name/:feed", (void *)&archive_feed },
	{ HTTP_GET, "/account/", (void *)&acct_home },
	{ HTTP_GET, "/account/login", (void *)&login_form },
	{ HTTP_POST, "/account/login", (void *)&login },
	{ HTTP_POST, "/account/logout", (void *)&logout },
	{ HTTP_POST, "/account/logout-all", (void *)&logout_all },
	{ HTTP_GET, "/account/signup", (void *)&signup_form },
	{ HTTP_POST, "/account/signup", (void *)&signup },
	{ HTTP_GET, "/account/forgot", (void *)&forgot_form },
	{ HTTP_POST, "/account/forgot", (void *)&forgot },
	{ HTTP_GET, "/account/reset/:token", (void *)&reset_form },
	{ HTTP_POST, "/account/reset/:token", (void *)&reset },
	{ HTTP_GET, "/account/verify/:token", (void *)&verify },
	{ HTTP_GET, "/account/email/:token", (void *)&confirm_email },
	{ HTTP_POST, "/account/name", (void *)&acct_name },
	{ HTTP_POST, "/account/email", (void *)&acct_email },
	{ HTTP_POST, "/account/password", (void *)&acct_password },
	{ HTTP_POST, "/account/delete", (void *)&acct_delete },
	{ HTTP_GET, "/author/:name/", (void *)&author },
	{ HTTP_GET, "/feed.xml", (void *)&feed },
	{ HTTP_GET, "/atom.xml", (void *)&feed },
	{ HTTP_GET, "/feed.json", (void *)&feed },
	{ HTTP_GET, "/section/:slug/:feed", (void *)&list_feed },
	{ HTTP_GET, "/tag/:slug/:feed", (void *)&list_feed },
	{ HTTP_GET, "/author/:name/:feed", (void *)&list_feed },
	{ HTTP_GET, "/sitemap.xml", (void *)&sitemap_index },
	{ HTTP_GET, "/sitemaps/:file", (void *)&sitemap },
	{ HTTP_GET, "/robots.txt", (void *)&robots },
	{ HTTP_GET, "/search", (void *)&search },
	{ HTTP_GET, "/api/v1/search", (void *)&search_api },
	{ HTTP_GET, "/oembed", (void *)&oembed },
	{ HTTP_GET, "/opensearch.xml", (void *)&opensearch },
	{ HTTP_GET, "/newsroom", (void *)&nr_list },
	{ HTTP_GET, "/newsroom/new", (void *)&nr_new },
	{ HTTP_GET, "/newsroom/stories/:id", (void *)&nr_edit },
	{ HTTP_POST, NEWSROOM_UPLOAD_PREFIX, (void *)&nr_save },
	{ HTTP_POST, "/newsroom/preview", (void *)&nr_preview },
	{ HTTP_GET, "/newsroom/slug", (void *)&nr_slug },
	{ HTTP_GET, "/newsroom/stories/:id/revisions", (void *)&nr_revisions },
	{ HTTP_GET, "/newsroom/stories/:id/diff", (void *)&nr_diff },
	{ HTTP_POST, "/newsroom/stories/:id/restore", (void *)&nr_restore },
	{ HTTP_GET, "/newsroom/users", (void *)&nr_users },
	{ HTTP_POST, "/newsroom/users/:id/role", (void *)&nr_role },
	{ HTTP_GET, "/newsroom/dashboard", (void *)&nr_dashboard },
	{ HTTP_GET, "/api/v1/articles/:slug/comments", (void *)&cm_get },
	{ HTTP_POST, "/api/v1/articles/:slug/comments", (void *)&cm_post_api },
	{ HTTP_PATCH, "/api/v1/comments/:id", (void *)&cm_patch },
	{ HTTP_DELETE, "/api/v1/comments/:id", (void *)&cm_del_api },
	{ HTTP_PUT, "/api/v1/comments/:id/like", (void *)&cm_like_put },
	{ HTTP_DELETE, "/api/v1/comments/:id/like", (void *)&cm_like_del },
	{ HTTP_POST, "/comments/new/:slug", (void *)&cm_new },
	{ HTTP_POST, "/comments/settings/:slug", (void *)&cm_settings },
	{ HTTP_GET, "/comments/unsubscribe/:token", (void *)&cm_unsub },
	{ HTTP_POST, "/comments/unsubscribe/:token", (void *)&cm_unsub },
	{ HTTP_GET, "/comments/:id/reply", (void *)&cm_reply },
	{ HTTP_GET, "/comments/:id/edit", (void *)&cm_edit_form },
	{ HTTP_POST, "/comments/:id/edit", (void *)&cm_edit },
	{ HTTP_POST, "/comments/:id/delete", (void *)&cm_delete },
	{ HTTP_POST, "/comments/:id/like", (void *)&cm_like },
	{ HTTP_POST, "/comments/:id/report", (void *)&cm_report },
	{ HTTP_GET, "/newsroom/comments", (void *)&cm_queue },
	{ HTTP_POST, "/newsroom/comments/:id", (void *)&cm_moderate },
	{ HTTP_GET, "/healthz", (void *)&healthz },
	{ HTTP_GET, "/readyz", (void *)&readyz },
	{ HTTP_GET, "/metrics", (void *)&metrics },
	{ HTTP_GET, "/:section/:year/:month/:day/:slug/", (void *)&article },
};
#define NROUTES (sizeof(routes) / sizeof(*routes))

char *article_path(struct arena *a, const struct article *art)
{
	time_t t = (time_t)art->published;
	struct tm tm;

	gmtime_r(&t, &tm);
	return arena_printf(a, "/%s/%04d/%02d/%02d/%s/",
			    *art->section_slug ? art->section_slug : "news",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    art->slug);
}

char *section_path(struct arena *a, const char *slug)
{
	return arena_printf(a, "/section/%s/", slug);
}

char *tag_path(struct arena *a, const char *slug)
{
	return arena_printf(a, "/tag/%s/", slug);
}

char *media_path(struct arena *a, const char *key)
{
	return arena_printf(a, "/media/%s", key);
}

char *absolute_url(struct site *site, struct arena *a, const char *path)
{
	return arena_printf(a, "%s%s", site->base_url, path);
}

bool parse_keyset(const char *s, int64_t *a, int64_t *b)
{
	char *end, *second;
	long long x, y;

	if (!s || !*s || strlen(s) > 41 || strspn(s, "0123456789.") != strlen(s))
		return false;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (*end != '.' || end == s)
		return false;
	second = end + 1;
	y = strtoll(second, &end, 10);
	if (*end || end == second || errno)	/* "5." or overflow */
		return false;
	*a = x;
	*b = y;
	return true;
}

const char *site_asset_url(struct site *site, const char *name)
{
	const struct asset *as = assets_find(site->assets, name);

	return as ? as->url : "";
}

const char *site_language(const struct site *site)
{
	return site->language && *site->language ? site->language : "en";
}

bool language_tag_valid(const char *lt)
{
	size_t i, run = 0, alpha = strspn(lt, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

	if ((alpha < 2 || alpha > 8) || strlen(lt) > 35)
		return false;
	for (i = 0; lt[i]; i++) {
		if (lt[i] == '-') {
			if (!run || !lt[i + 1])
				return false;
			run = 0;
		} else if (!((lt[i] >= 'a' && lt[i] <= 'z') ||
			     (lt[i] >= 'A' && lt[i] <= 'Z') ||
			     (lt[i] >= '0' && lt[i] <= '9')) || ++run > 8) {
			return false;
		}
	}
	return true;
}

struct tval *page_context(struct site *site, struct http_request *req,
			  const char *title, const char *description,
			  const char *path)
{
	struct arena *a = req->arena;
	struct tval *ctx = tv_map(a), *s = tv_map(a), *assets = tv_map(a);
	struct tval *page = tv_map(a), *secs = tv_list(a);
	struct section *list;
	size_t n, i;

	tv_set_str(a, s, "name", site->name);
	tv_set_str(a, s, "tagline", site->tagline);
	tv_set_str(a, s, "base_url", site->base_url);
	tv_set_str(a, s, "language", site_language(site));
	tv_set(a, ctx, "site", s);
	tv_set_str(a, assets, "css", site_asset_url(site, "site.css"));
	tv_set_str(a, assets, "icon", site_asset_url(site, "icon.svg"));
	tv_set_str(a, assets, "js", site_asset_url(site, "site.js"));
	tv_set(a, ctx, "assets", assets);
	tv_set_str(a, page, "title", *title ? arena_printf(a, "%s \xE2\x80\x94 %s",
				title, site->name) : site->name);
	tv_set_str(a, page, "heading", *title ? title : site->name);
	tv_set_str(a, page, "description", description);
	tv_set_str(a, page, "canonical", absolute_url(site, a, path));
	tv_set_str(a, page, "og_type", "website");
	tv_set(a, ctx, "page", page);
	feed_links(site, a, page, site->name, "/");
	if (!site_sections(site, a, &list, &n)) {
		for (i = 0; i < n; i++) {
			struct tval *v = tv_map(a);
			char *url = section_path(a, list[i].slug);

			tv_set_str(a, v, "name", list[i].name);
			tv_set_str(a, v, "url", url);
			tv_set_bool(a, v, "current", req->path &&
				    !strcmp(req->path, url));
			tv_push(a, secs, v);
		}
	}
	tv_set(a, ctx, "sections", secs);
	return ctx;
}

struct tval *page_meta(struct tval *ctx)
{
	return tv_get(ctx, "page", 4);
}

/*
 * Replace the account mark in res->body with this reader's account area
 * (the anonymous one when rendering for the cache; its place is noted).
 */
static int place_account(struct site *site, struct http_request *req,
			 struct http_response *res)
{
	struct reader_state *rs = site_reader(site, req);
	const char *mark = res->body.len ? memmem(res->body.data, res->body.len,
				  PAGE_ACCOUNT_MARK,
				  sizeof(PAGE_ACCOUNT_MARK) - 1) : NULL;
	size_t off, after;
	struct buf nb;
	int r;

	if (!mark)
		return 0;
	off = (size_t)(mark - res->body.data);
	after = off + sizeof(PAGE_ACCOUNT_MARK) - 1;
	buf_init(&nb, req->arena, res->body.max);
	buf_add(&nb, res->body.data, off);
	if ((r = account_area_render(site, req, rs->for_cache, &nb)))
		return r;
	rs->acct_off = off;
	rs->acct_len = nb.len - off;
	rs->acct_placed = true;
	if (buf_add(&nb, res->body.data + after, res->body.len - after))
		return ERR_TOOBIG;
	res->body = nb;
	return 0;
}

void render_page(struct site *site, struct http_request *req,
		 struct http_response *res, const char *name, struct tval *ctx)
{
	int r = tmpl_render(site->tmpl, name, ctx, &res->body);

	if (!r)
		r = place_account(site, req, res);
	if (r) {
		log_err("rendering template '%s' failed: %s", name, err_str(r));
		buf_reset(&res->body);
		res->status = 500;
		buf_adds(&res->body, "<!doctype html><title>Error</title>"
			 "<h1>Something went wrong</h1>");
	}
}

static const char *status_heading(unsigned status)
{
	switch (status) {
	case 400: return "Bad request";
	case 403: return "Forbidden";
	case 404: return "Page not found";
	case 405: return "Method not allowed";
	case 410: return "Story withdrawn";
	case 413: return "Too large";
	case 414: return "Address too long";
	case 503: return "Service unavailable";
	default: return status >= 500 ? "Something went wrong" : "Error";
	}
}

void render_error(struct site *site, struct http_request *req,
		  struct http_response *res, unsigned status,
		  const char *message)
{
	const char *heading = status_heading(status);
	struct tval *ctx = page_context(site, req, heading, message,
					req->path ? req->path : "/");

	buf_reset(&res->body);
	res->blob = NULL;
	site_reader(site, req)->for_cache = false;	/* errors are not cached */
	tv_set_str(req->arena, ctx, "heading", heading);
	tv_set_str(req->arena, ctx, "message", message);
	render_page(site, req, res, "error", ctx);
	res->status = status;
	res->content_type = "text/html; charset=utf-8";
	res->cache_control = "no-store";
	res->etag = NULL;
	res->body_gzipped = false;
}

static void h_static(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	char *name = str_dup(req->arena, m->params[0]);
	const struct asset *as = assets_find(site->assets, name);

	if (!as) {
		render_error(site, req, res, 404, "There is no such file.");
		return;
	}
	res->content_type = as->type;
	res->blob = blob_ref(as->body);
	res->blob_gzip = as->gz ? blob_ref(as->gz) : NULL;
	res->blob_br = as->br ? blob_ref(as->br) : NULL;
	res->etag = as->etag;
	res->cache_control = strcmp(name, as->hashed) ? "public, max-age=300" :
			     "public, max-age=31536000, immutable";
}

static void h_media(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	char *key = str_dup(req->arena, m->params[0]);
	struct media md;
	int r;

	/* Keys are "HEX.EXT", e.g. "3fa2...c1.jpg". */
	if (strlen(key) > 80 ||
	    strspn(key, "0123456789abcdefghijklmnopqrstuvwxyz.") != strlen(key) ||
	    (r = store_media_get(site->store, req->arena, key, &md)) == ERR_NOTFOUND) {
		render_error(site, req, res, 404, "There is no such image.");
		return;
	}
	if (r) {
		render_error(site, req, res, 503, "The image cannot be read now;"
			     " please try again.");
		return;
	}
	res->content_type = md.type;
	buf_init(&res->body, req->arena, md.len);
	buf_add(&res->body, md.data, md.len);
	res->etag = arena_printf(req->arena, "\"%s\"", key);
	/* Keys are content hashes: the bytes behind a key never change. */
	res->cache_control = "public, max-age=31536000, immutable";
}

/*
 * A cached page for a logged-in reader: the cached page with the reader's
 * account area spliced in (and @fill in the hole, if the page has one).
 * Only the area is rendered, and only it and the hole are compressed.
 */
static void personal_page(struct site *site, struct http_request *req,
			  struct http_response *res, struct cached_page *p,
			  const struct hole_fill *fill)
{
	bool gzip = http_accepts(http_header(req, "Accept-Encoding"), "gzip");
	struct buf area, out;

	buf_init(&area, req->arena, 64 * 1024);
	buf_init(&out, req->arena, p->body->len + (fill ? fill->len * 2 : 0) +
		 (p->suffix ? p->suffix->len : 0) + 128 * 1024);
	if (account_area_render(site, req, false, &area) ||
	    page_assemble_account(p, area.data, area.len, fill, gzip, &out)) {
		render_error(site, req, res, 500, "This page could not be built.");
		return;
	}
	res->body = out;
	res->body_gzipped = gzip;
	res->blob = NULL;
	res->blob_gzip = NULL;
	res->blob_br = NULL;
	/*
	 * No validators: the reader's own page changes with what they do
	 * (a comment, a reaction) within the second the cached page was
	 * built, and a date alone would answer a stale 304.
	 */
	res->etag = NULL;
	res->last_modified = NULL;
	res->vary = "Accept-Encoding, Cookie";
	res->cache_control = "private, no-cache";
}

/* True when this request is from a logged-in reader and @p can show it. */
static bool wants_personal(struct site *site, struct http_request *req,
			   const struct cached_page *p)
{
	return p->acct_len && site_reader(site, req)->logged_in;
}

/*
 * Answer with the brotli variant of holed page @p with @fill, compressing
 * it once per hole content.  False when it cannot be made (then gzip or
 * identity is sent).
 */
static bool brotli_variant(struct site *site, struct http_request *req,
			   struct http_response *res, struct cached_page *p,
			   const struct hole_fill *fill)
{
	uint64_t gen = site_generation(site);
	struct blob *v = page_cache_variant_get(site->cache, req->uri, gen,
						fill->crc);

	if (!v) {
		struct buf whole, z;

		buf_init(&whole, req->arena, p->body->len + fill->len +
			 p->suffix->len + 1);
		if (page_assemble(p, fill, false, &whole))
			return false;
		buf_init(&z, NULL, whole.len + 1024);
		if (!brotli_compress(&z, whole.data, whole.len,
				     BROTLI_VARIANT_QUALITY))
			v = blob_new(z.data, z.len);
		buf_release(&z);
		if (!v)
			return false;
		page_cache_variant_put(site->cache, req->uri, gen, fill->crc, v);
	}
	buf_reset(&res->body);
	if (buf_add(&res->body, v->data, v->len)) {
		blob_unref(v);
		return false;
	}
	blob_unref(v);
	res->body_brotli = true;
	return true;
}

/* Fill the hole of a cached page for this request. */
static void fill_hole(struct site *site, struct http_request *req,
		      struct http_response *res, struct cached_page *p)
{
	const char *ae = http_header(req, "Accept-Encoding");
	bool gzip = http_accepts(ae, "gzip");
	bool personal = false, own_page, degraded = false;
	struct hole_fill fill = { 0 };
	struct buf mid;

	buf_init(&mid, req->arena, 256 * 1024);
	if (p->hole_id ? reactions_render_block(site, req, p->hole_id,
						p->hole_key, &mid, &fill,
						&personal) :
	    !strcmp(p->hole_key, HOLE_MOST_REACTED) ?
	    most_reacted_render(site, req, &mid) : ERR_INVALID) {
		/*
		 * The database is away: the page itself is in the cache, so
		 * readers still get the story, with a note where the live
		 * part goes, and no shared cache keeps this version.
		 */
		mid.len = 0;
		buf_adds(&mid, "<p class=\"unavailable\" role=\"status\">"
			 "This part of the page is unavailable for a moment."
			 "</p>");
		memset(&fill, 0, sizeof(fill));
		personal = true;	/* no shared brotli variant */
		degraded = true;
	}
	buf_init(&res->body, req->arena, p->body->len + p->suffix->len +
		 mid.len * 2 + 4096);
	own_page = wants_personal(site, req, p);
	if (!fill.html) {
		fill.html = mid.data;
		fill.len = mid.len;
		/* Its CRC serves gzip splicing and the ETag; a reader's own
		 * page without gzip needs neither (5% of its time). */
		if (!own_page || gzip)
			hole_fill_finish(&fill);
	}
	if (own_page) {
		personal_page(site, req, res, p, &fill);
		return;
	}
	if (personal || !http_wants_brotli(ae) ||
	    !brotli_variant(site, req, res, p, &fill)) {
		if (page_assemble(p, &fill, gzip, &res->body)) {
			render_error(site, req, res, 500, "This page could not"
				     " be built.");
			return;
		}
		res->body_gzipped = gzip;
	}
	/*
	 * The hole changes without the page: its last change is not known,
	 * so Last-Modified is now (If-Modified-Since never hides new counts;
	 * the ETag below gives the 304s).
	 */
	{
		char date[30];

		time_http(time_now(), date);
		res->last_modified = arena_strdup(req->arena, date);
	}
	/* The page's hash and the hole's CRC-32: cheap, and changes with it. */
	res->etag = arena_printf(req->arena, "\"%.10s-%08x\"", p->etag + 1,
				 (unsigned)fill.crc);
	res->vary = "Accept-Encoding, Cookie";
	res->cache_control = degraded ? "no-store" : personal ?
			     "private, no-cache" :
			     "public, max-age=0, s-maxage=5, must-revalidate";
}

static void from_cache(struct site *site, struct http_request *req,
		       struct http_response *res, struct cached_page *p)
{
	char date[30];

	res->status = 200;
	res->content_type = p->type;
	time_http(p->modified, date);
	res->last_modified = arena_strdup(req->arena, date);
	if (p->suffix) {
		fill_hole(site, req, res, p);
		cached_page_release(p);
		return;
	}
	if (wants_personal(site, req, p)) {
		personal_page(site, req, res, p, NULL);
		cached_page_release(p);
		return;
	}
	/* The response takes over the page's references; the pieces kept
	 * for logged-in readers are not needed. */
	res->blob = p->body;
	res->blob_gzip = p->gz;
	res->blob_br = p->br;
	blob_unref(p->acct_head_z);
	blob_unref(p->acct_tail_z);
	res->etag = arena_strdup(req->arena, p->etag);
	/* A page with an account area differs for a logged-in reader. */
	if (p->acct_len)
		res->vary = "Accept-Encoding, Cookie";
	/* Shared caches may keep public pages briefly; browsers revalidate. */
	res->cache_control = "public, max-age=0, s-maxage=30, must-revalidate";
}

static void run_cached(struct site *site, const struct handler_info *h,
		       struct http_request *req, struct http_response *res,
		       const struct route_match *m)
{
	uint64_t gen = site_generation(site);
	struct reader_state *rs;
	struct cached_page page;

	if (!page_cache_get(site->cache, req->uri, gen, &page)) {
		metrics_page_cache(site->metrics, true);
		from_cache(site, req, res, &page);
		return;
	}
	metrics_page_cache(site->metrics, false);
	rs = site_reader(site, req);
	rs->for_cache = true;
	h->fn(site, req, res, m);
	rs->for_cache = false;
	if (res->status == 503 && !page_cache_get_stale(site->cache, req->uri,
							&page)) {
		/* The database is away: the last good page, not kept by
		 * shared caches, rather than an error. */
		res->nextra = 0;
		buf_init(&res->body, req->arena, 16 * 1024 * 1024);
		from_cache(site, req, res, &page);
		res->cache_control = "no-store";
		return;
	}
	if ((res->status && res->status != 200) || res->blob)
		return;
	page_cache_put(site->cache, req->uri, gen, res->content_type ?
		       res->content_type : "text/html; charset=utf-8",
		       res->body.data, res->body.len, time_now(), rs->acct_off,
		       rs->acct_placed ? rs->acct_len : 0, &page);
	buf_init(&res->body, req->arena, 16 * 1024 * 1024);
	from_cache(site, req, res, &page);
}

void site_handle(void *ctx, struct http_request *req, struct http_response *res)
{
	struct site *site = ctx;
	struct route_match m;
	const struct handler_info *h;
	struct reader_state *rs;
	const char *bad;

	if (req->error_status) {
		if (!search_long_uri(site, req, res))
			render_error(site, req, res, req->error_status,
				     req->error_reason);
		return;
	}
	if (router_match(routes, sizeof(routes) / sizeof(*routes), req->method,
			 req->path, &m)) {
		if (m.wrong_method) {
			/* The methods some route answers at this path. */
			static const enum http_method meth[] = { HTTP_GET,
				HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_DELETE,
				HTTP_PATCH };
			static const char *const names[] = { "GET", "HEAD",
				"POST", "PUT", "DELETE", "PATCH" };
			struct route_match o;
			char allow[48] = "";
			size_t i;

			for (i = 0; i < sizeof(meth) / sizeof(*meth); i++)
				if (!router_match(routes, sizeof(routes) /
						  sizeof(*routes), meth[i],
						  req->path, &o))
					snprintf(allow + strlen(allow),
						 sizeof(allow) - strlen(allow),
						 "%s%s", *allow ? ", " : "",
						 names[i]);
			http_add_header(res, "Allow", arena_strdup(req->arena,
								   allow));
			render_error(site, req, res, 405, strcmp(allow,
				     "GET, HEAD") ? arena_printf(req->arena,
				     "This address only answers %s requests.",
				     allow) : "This address only answers GET"
				     " and HEAD requests.");
		} else {
			render_error(site, req, res, 404, "We could not find"
				     " that page. It may have moved, or the"
				     " address may be mistyped.");
		}
		return;
	}
	h = m.route->handler;
	req->label = (int)(m.route - routes) + 1;
	/*
	 * A reader with a session whose session cannot be looked up (the
	 * database is down or restarting) gets 503, not the answer for a
	 * stranger (401, the login form).  Cached public pages are still
	 * served from the cache; assets never look the session up.
	 */
	if (!h->cacheable && h != &stat && h != &media &&
	    http_cookie(req, SESSION_COOKIE) &&
	    site_reader(site, req)->unavailable) {
		if (!strncmp(req->path, "/api/", 5))
			json_error(res, 503, "the session cannot be checked"
				   " now; try again");
		else
			render_error(site, req, res, 503, "Your session cannot"
				     " be checked right now. Please try again"
				     " in a moment.");
		return;
	}
	if (req->method == HTTP_POST && (bad = http_form_bad_utf8(req))) {
		render_error(site, req, res, 422, arena_printf(req->arena,
			     "The field '%s' is not valid UTF-8. Nothing was"
			     " saved.", bad));
		return;
	}
	if (h->cacheable)
		run_cached(site, h, req, res, &m);
	else
		h->fn(site, req, res, &m);
	/* A logged-in reader's pages show who they are: never shared.  Only
	 * pages look the session up; assets keep their public caching. */
	rs = req->app;
	if (rs && rs->logged_in && (!res->content_type ||
				    !strncmp(res->content_type, "text/html", 9)) &&
	    (!res->cache_control || !strncmp(res->cache_control, "public", 6)))
		res->cache_control = "private, no-cache";
}

/* ratelimit_shared_fn over the store (PostgreSQL: every node's limit). */
static int shared_limit(void *arg, const char *key, unsigned per_minute,
			bool take, bool *allowed, unsigned *retry_after)
{
	struct site *site = arg;
	int r = store_rate_take(site->store, key, per_minute, take, allowed,
				retry_after);

	if (r && r != ERR_UNSUPPORTED)
		log_warn("shared rate limit unavailable (%s); this node's"
			 " limit applies", err_str(r));
	return r;
}

/*
 * The limits that protect accounts and comment posting count on every
 * node together when the store can share them (PostgreSQL; SQLite keeps
 * one process's in-memory limits).  Reactions stay per node: too frequent
 * for a database round trip each, and abuse of them costs little.
 */
static void share_limits(struct site *site)
{
	bool allowed;
	unsigned retry;

	if (store_rate_take(site->store, "probe", 1, false, &allowed,
			    &retry) == ERR_UNSUPPORTED)
		return;
	ratelimit_share(site->login_ip, "login_ip", shared_limit, site);
	ratelimit_share(site->login_account, "login_account", shared_limit,
			site);
	ratelimit_share(site->signup_ip, "signup_ip", shared_limit, site);
	ratelimit_share(site->reset_ip, "reset_ip", shared_limit, site);
	ratelimit_share(site->reset_address, "reset_address", shared_limit,
			site);
	ratelimit_share(site->comment_ip, "comment_ip", shared_limit, site);
	ratelimit_share(site->comment_account, "comment_account",
			shared_limit, site);
}

#define RW_COOKIE "dl_rw"

void site_enter(void *ctx, struct http_request *req)
{
	struct site *site = ctx;
	const char *v;
	uint64_t floor = 0;
	char *end;

	/* Behind a trusted proxy: the address the proxy saw. */
	if (site->trust_proxy)
		http_forwarded_for(http_header(req, "X-Forwarded-For"),
				   req->remote_ip, sizeof(req->remote_ip));
	if (!site->replica_cookie_s || (req->method != HTTP_GET &&
					req->method != HTTP_HEAD))
		return;
	if ((v = http_cookie(req, RW_COOKIE)) && strlen(v) == 16 &&
	    strspn(v, "0123456789abcdef") == 16) {
		floor = strtoull(v, &end, 16);
	}
	store_reads_begin(floor);
}

void site_leave(void *ctx, struct http_request *req, struct http_response *res)
{
	struct site *site = ctx;
	uint64_t pos;

	if (!site->replica_cookie_s)
		return;
	store_reads_end();
	if (!res || req->method == HTTP_GET || req->method == HTTP_HEAD ||
	    res->status >= 400 || !(pos = store_write_position(site->store)))
		return;
	http_add_header(res, "Set-Cookie", arena_printf(req->arena,
			RW_COOKIE "=%016" PRIx64 "; Path=/; Max-Age=%d; HttpOnly;"
			" SameSite=Lax%s", pos, site->replica_cookie_s,
			cookie_secure(site, req) ? "; Secure" : ""));
}

/* The route table's names for the metrics' labels. */
static void site_metrics_start(struct site *site)
{
	static struct metrics_route names[NROUTES];
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT",
		"DELETE", "PATCH", "OTHER" };
	size_t i;

	for (i = 0; i < NROUTES; i++) {
		names[i].method = methods[routes[i].method];
		names[i].pattern = routes[i].pattern;
	}
	site->metrics = metrics_new(names, NROUTES);
}

void site_done(void *ctx, struct http_request *req, unsigned status,
	       double seconds, bool streamed)
{
	struct site *site = ctx;

	if (site->metrics)
		metrics_request(site->metrics, req->label, status, seconds,
				streamed);
}

int site_start(struct site *site, unsigned reaction_per_minute)
{
	int r = store_secret(site->store, "csrf", site->csrf_key,
			     sizeof(site->csrf_key));

	if (r)
		return r;
	if ((r = accounts_start(site)))
		return r;
	comments_start(site);
	share_limits(site);
	pthread_mutex_init(&site->box_lock, NULL);
	site_metrics_start(site);
	site->sections = section_cache_new();
	site->reaction_limit = ratelimit_new(reaction_per_minute);
	site->blocks = block_cache_new();
	site->live = live_new();
	site->writer = writer_start(site->store, reactions_committed, site);
	/* Several nodes on one database (PostgreSQL): their changes too. */
	store_watch_reactions(site->store, reactions_remote, site);
	store_watch_comments(site->store, comments_remote, site);
	return newsroom_start(site);
}

int site_reload_templates(struct site *site, const char *dir, char *err,
			  size_t errlen)
{
	struct tmpl_set *fresh, *old;
	int r;

	if (site->nretired == SITE_MAX_RELOADS) {
		snprintf(err, errlen, "templates reloaded %d times: restart to"
			 " reload again", SITE_MAX_RELOADS);
		return ERR_TOOBIG;
	}
	if ((r = templates_load(dir, &fresh, err, errlen)))
		return r;
	old = atomic_exchange(&site->tmpl, fresh);
	site->retired[site->nretired++] = old;
	atomic_fetch_add(&site->tmpl_epoch, 1);
	return 0;
}

uint64_t site_generation(struct site *site)
{
	/* Far above any content generation: the two never meet. */
	return store_generation(site->store) +
	       (atomic_load(&site->tmpl_epoch) << 40);
}

void site_quiesce(struct site *site)
{
	if (site->live)
		live_stop(site->live);
}

void site_stop(struct site *site)
{
	if (site->live) {
		store_watch_reactions(site->store, NULL, NULL);
		store_watch_comments(site->store, NULL, NULL);
	}
	newsroom_stop(site);
	accounts_stop(site);
	comments_stop(site);
	writer_stop(site->writer);
	live_stop(site->live);	/* when serve failed before site_quiesce() */
	live_free(site->live);
	ratelimit_free(site->reaction_limit);
	block_cache_free(site->blocks);
	site->blocks = NULL;
	section_cache_free(site->sections);
	site->sections = NULL;
	if (site->live || site->reaction_limit)
		pthread_mutex_destroy(&site->box_lock);
	free(site->box_html);
	site->box_html = NULL;
	site->writer = NULL;
	site->live = NULL;
	site->reaction_limit = NULL;
	metrics_free(site->metrics);
	site->metrics = NULL;
	while (site->nretired > 0)
		tmpl_set_free(site->retired[--site->nretired]);
}
