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
#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "http/compress.h"
#include "http/static.h"
#include "render/mustache.h"
#include "render/templates.h"

/*
 * How site_handle() runs a route's handler.  A route with neither flag is
 * an asset (static files, media): no page cache, no session look-up.
 */
enum route_flags {
	/* A public page, the same bytes for every reader: served through the
	 * page cache (built once per content generation). */
	ROUTE_CACHE = 1 << 0,
	/* The answer depends on who asks: a reader whose session cookie
	 * cannot be checked now (the database is away) gets 503, not the
	 * answer for a stranger. */
	ROUTE_SESSION = 1 << 1,
};

/* One route of the site: the router's part first, then what runs it. */
struct site_route {
	struct route route;	/* first: router_match() sees only this */
	site_handler fn;
	unsigned flags;		/* enum route_flags */
};

static void h_static(struct site *, struct http_request *,
		     struct http_response *, const struct route_match *);
static void h_media(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);

/* Tried in order, the first match wins (see router.h for patterns). */
static const struct site_route routes[] = {
	{ { HTTP_GET, "/" }, h_home, ROUTE_CACHE },
	{ { HTTP_GET, "/section/:slug/" }, h_section, ROUTE_CACHE },
	{ { HTTP_GET, "/tag/:slug/" }, h_tag, ROUTE_CACHE },
	{ { HTTP_GET, "/static/:name" }, h_static, 0 },
	{ { HTTP_GET, "/media/:key" }, h_media, 0 },
	/* Reactions (reactions.c, archive.c). */
	{ { HTTP_GET, "/api/v1/articles/:slug/reactions" },
	  h_reactions_get, ROUTE_SESSION },
	{ { HTTP_PUT, "/api/v1/articles/:slug/reactions" },
	  h_reactions_put, ROUTE_SESSION },
	{ { HTTP_DELETE, "/api/v1/articles/:slug/reactions" },
	  h_reactions_delete, ROUTE_SESSION },
	{ { HTTP_GET, "/api/v1/articles/:slug/events" },
	  h_events, ROUTE_SESSION },
	{ { HTTP_POST, "/react/:slug" }, h_react_form, ROUTE_SESSION },
	{ { HTTP_GET, "/reactions/:name/" },
	  h_reaction_archive, ROUTE_SESSION },
	{ { HTTP_GET, "/reactions/:name/:feed" },
	  h_reaction_feed, ROUTE_SESSION },
	/* Accounts (accounts.c, accounts_flows.c). */
	{ { HTTP_GET, "/account/" }, h_account_home, ROUTE_SESSION },
	{ { HTTP_GET, "/account/login" }, h_login_form, ROUTE_SESSION },
	{ { HTTP_POST, "/account/login" }, h_login, ROUTE_SESSION },
	{ { HTTP_POST, "/account/logout" }, h_logout, ROUTE_SESSION },
	{ { HTTP_POST, "/account/logout-all" }, h_logout_all, ROUTE_SESSION },
	{ { HTTP_GET, "/account/signup" }, h_signup_form, ROUTE_SESSION },
	{ { HTTP_POST, "/account/signup" }, h_signup, ROUTE_SESSION },
	{ { HTTP_GET, "/account/forgot" }, h_forgot_form, ROUTE_SESSION },
	{ { HTTP_POST, "/account/forgot" }, h_forgot, ROUTE_SESSION },
	{ { HTTP_GET, "/account/reset/:token" }, h_reset_form, ROUTE_SESSION },
	{ { HTTP_POST, "/account/reset/:token" }, h_reset, ROUTE_SESSION },
	{ { HTTP_GET, "/account/verify/:token" }, h_verify, ROUTE_SESSION },
	{ { HTTP_GET, "/account/email/:token" },
	  h_confirm_email, ROUTE_SESSION },
	{ { HTTP_POST, "/account/name" }, h_account_name, ROUTE_SESSION },
	{ { HTTP_POST, "/account/language" }, h_account_language, ROUTE_SESSION },
	{ { HTTP_POST, "/account/email" }, h_account_email, ROUTE_SESSION },
	{ { HTTP_POST, "/account/password" },
	  h_account_password, ROUTE_SESSION },
	{ { HTTP_POST, "/account/delete" }, h_account_delete, ROUTE_SESSION },
	{ { HTTP_POST, "/account/confirm" }, h_account_confirm, ROUTE_SESSION },
	/* Reach: feeds, sitemaps, search, oEmbed. */
	{ { HTTP_GET, "/author/:name/" }, h_author, ROUTE_CACHE },
	{ { HTTP_GET, "/feed.xml" }, h_feed, ROUTE_CACHE },
	{ { HTTP_GET, "/atom.xml" }, h_feed, ROUTE_CACHE },
	{ { HTTP_GET, "/feed.json" }, h_feed, ROUTE_CACHE },
	{ { HTTP_GET, "/section/:slug/:feed" }, h_list_feed, ROUTE_CACHE },
	{ { HTTP_GET, "/tag/:slug/:feed" }, h_list_feed, ROUTE_CACHE },
	{ { HTTP_GET, "/author/:name/:feed" }, h_list_feed, ROUTE_CACHE },
	{ { HTTP_GET, "/sitemap.xml" }, h_sitemap_index, ROUTE_CACHE },
	{ { HTTP_GET, "/sitemaps/:file" }, h_sitemap, ROUTE_CACHE },
	{ { HTTP_GET, "/robots.txt" }, h_robots, ROUTE_CACHE },
	{ { HTTP_GET, "/search" }, h_search, ROUTE_SESSION },
	{ { HTTP_GET, "/api/v1/search" }, h_search_api, ROUTE_SESSION },
	{ { HTTP_GET, "/oembed" }, h_oembed, ROUTE_SESSION },
	{ { HTTP_GET, "/opensearch.xml" }, h_opensearch, ROUTE_CACHE },
	/* The newsroom (newsroom.c, newsroom_more.c). */
	{ { HTTP_GET, "/newsroom" }, h_nr_list, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/new" }, h_nr_new, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/stories/:id" }, h_nr_edit, ROUTE_SESSION },
	{ { HTTP_POST, NEWSROOM_UPLOAD_PREFIX }, h_nr_save, ROUTE_SESSION },
	{ { HTTP_POST, "/newsroom/preview" }, h_nr_preview, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/slug" }, h_nr_slug, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/stories/:id/revisions" },
	  h_nr_revisions, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/stories/:id/diff" },
	  h_nr_diff, ROUTE_SESSION },
	{ { HTTP_POST, "/newsroom/stories/:id/restore" },
	  h_nr_restore, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/users" }, h_nr_users, ROUTE_SESSION },
	{ { HTTP_POST, "/newsroom/users/:id/role" }, h_nr_role, ROUTE_SESSION },
	{ { HTTP_POST, "/newsroom/users/:id/unban" }, h_comment_unban,
	  ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/dashboard" }, h_nr_dashboard, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/pages" }, h_nr_pages, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/pages/new" }, h_nr_page_new, ROUTE_SESSION },
	{ { HTTP_POST, "/newsroom/pages/save" }, h_nr_page_save, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/pages/:id" }, h_nr_page_edit, ROUTE_SESSION },
	/* Comments (comments*.c). */
	{ { HTTP_GET, "/api/v1/articles/:slug/comments" },
	  h_comments_get, ROUTE_SESSION },
	{ { HTTP_POST, "/api/v1/articles/:slug/comments" },
	  h_comments_post_api, ROUTE_SESSION },
	{ { HTTP_PATCH, "/api/v1/comments/:id" },
	  h_comment_patch, ROUTE_SESSION },
	{ { HTTP_DELETE, "/api/v1/comments/:id" },
	  h_comment_delete_api, ROUTE_SESSION },
	{ { HTTP_PUT, "/api/v1/comments/:id/like" },
	  h_comment_like_put, ROUTE_SESSION },
	{ { HTTP_DELETE, "/api/v1/comments/:id/like" },
	  h_comment_like_delete, ROUTE_SESSION },
	{ { HTTP_POST, "/comments/new/:slug" }, h_comment_new, ROUTE_SESSION },
	{ { HTTP_POST, "/comments/settings/:slug" },
	  h_comment_settings, ROUTE_SESSION },
	{ { HTTP_GET, "/comments/unsubscribe/:token" },
	  h_comment_unsubscribe, ROUTE_SESSION },
	{ { HTTP_POST, "/comments/unsubscribe/:token" },
	  h_comment_unsubscribe, ROUTE_SESSION },
	{ { HTTP_GET, "/comments/:id/reply" },
	  h_comment_reply_form, ROUTE_SESSION },
	{ { HTTP_GET, "/comments/:id/edit" },
	  h_comment_edit_form, ROUTE_SESSION },
	{ { HTTP_POST, "/comments/:id/edit" }, h_comment_edit, ROUTE_SESSION },
	{ { HTTP_POST, "/comments/:id/delete" },
	  h_comment_delete, ROUTE_SESSION },
	{ { HTTP_POST, "/comments/:id/like" }, h_comment_like, ROUTE_SESSION },
	{ { HTTP_POST, "/comments/:id/report" },
	  h_comment_report, ROUTE_SESSION },
	{ { HTTP_GET, "/newsroom/comments" }, h_comment_queue, ROUTE_SESSION },
	{ { HTTP_POST, "/newsroom/comments/:id" },
	  h_comment_moderate, ROUTE_SESSION },
	/* Last: its five segments would take other routes' paths. */
	/* Operations (health.c). */
	{ { HTTP_GET, "/healthz" }, h_healthz, 0 },
	{ { HTTP_GET, "/readyz" }, h_readyz, 0 },
	{ { HTTP_GET, "/metrics" }, h_metrics, 0 },
	{ { HTTP_GET, ARTICLE_PATTERN }, h_article, ROUTE_CACHE },
};

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

const struct i18n_lang *req_lang(const struct http_request *req)
{
	const struct reader_state *rs = req->app;

	return rs ? rs->lang : NULL;
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

/* Numbers the script's plural table covers; a larger n takes the form of
 * 100 + n % 100, which is right for every rule gettext knows of (they look
 * at n, n % 10 and n % 100). */
#define SCRIPT_PLURALS 200

/* Forms of plural message (@sing, @plural) as a JSON list. */
static struct tval *script_forms(struct arena *a, const struct i18n_lang *l,
				 const char *sing, const char *plural)
{
	const char *forms[PLURAL_MAX_FORMS];
	size_t n = i18n_forms(l, sing, plural, forms, PLURAL_MAX_FORMS), i;
	struct tval *list = tv_list(a);

	for (i = 0; i < n; i++)
		tv_push(a, list, tv_str(a, forms[i]));
	return list;
}

/* The newsroom script's words (static/newsroom.js), into @v. */
static void newsroom_strings(struct arena *a, const struct i18n_lang *l,
			     struct tval *v)
{
	static const struct {
		const char *key, *msgid;
	} words[] = {
		{ "slugHint", N_("Part of the address; made from the headline"
				 " when empty.") },
		{ "slugBad", N_("Use lower-case letters, digits and hyphens.") },
		{ "slugFree", N_("This slug is free.") },
		{ "slugTaken", N_("Another story has this slug.") },
		/* TRANSLATORS: %s is why the draft was not saved. */
		{ "notSavedBecause", N_("Not saved: %s") },
		{ "useSaveButton", N_("try the Save draft button.") },
		/* TRANSLATORS: %s is the time of day. */
		{ "draftSavedAt", N_("Draft saved at %s.") },
		{ "saving", N_("Saving\xE2\x80\xA6") },
		{ "keptHere", N_("Not saved \xE2\x80\x94 kept on this device."
				 " Trying again shortly.") },
		/* TRANSLATORS: %s is a date and time. */
		{ "copyKept", N_("This device kept a copy of this story from %s"
				 " that the newsroom did not receive.") },
		{ "restore", N_("Restore") },
		{ "discard", N_("Discard") },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		tv_set_str(a, v, words[i].key, tr(l, words[i].msgid));
}

/*
 * The page script's words in this request's language, as the JSON of
 * <div id="dl-i18n" data-strings> (foot.mustache): messages, plural forms with
 * "%lu" for the number, and which form each number takes.
 */
static char *script_strings(struct http_request *req)
{
	const struct i18n_lang *l = req_lang(req);
	struct arena *a = req->arena;
	struct tval *v = tv_map(a), *idx = tv_list(a);
	struct buf b;
	unsigned long n;

	tv_set_str(a, v, "tooFast", tr(l, "You are reacting too fast; wait a"
				       " moment."));
	tv_set_str(a, v, "notSaved", tr(l, "Your reaction could not be"
					" saved."));
	/* TRANSLATORS: %s is the name of the comment's author. */
	tv_set_str(a, v, "replyingTo", tr(l, "Replying to %s"));
	tv_set_str(a, v, "aComment", tr(l, "a comment"));
	tv_set_str(a, v, "justNow", tr(l, "just now"));
	/* TRANSLATORS: %s is a provider's name: YouTube, X, Spotify... */
	tv_set_str(a, v, "loadEmbed", tr(l, "Load content from %s"));
	/* TRANSLATORS: %s is a provider's name: YouTube, X, Spotify... */
	tv_set_str(a, v, "embedNote", tr(l, "Loading it connects you to %s,"
					 " which may set cookies."));
	/* TRANSLATORS: the title of an embedded frame; %s is a provider's
	 * name: YouTube, X, Spotify... */
	tv_set_str(a, v, "embedTitle", tr(l, "Content from %s"));
	tv_set(a, v, "minutesAgo", script_forms(a, l, "%lu minute ago",
						"%lu minutes ago"));
	tv_set(a, v, "hoursAgo", script_forms(a, l, "%lu hour ago",
					      "%lu hours ago"));
	tv_set(a, v, "daysAgo", script_forms(a, l, "%lu day ago",
					     "%lu days ago"));
	/* reactions.mustache's total, so a live count takes its form too. */
	tv_set(a, v, "reactionTotal", script_forms(a, l,
	       "<span data-total>{{total}}</span> reaction",
	       "<span data-total>{{total}}</span> reactions"));
	/* comment.mustache's likes, for the live "comment-likes" event. */
	tv_set(a, v, "commentLikes", script_forms(a, l,
	       "<span data-likes>{{likes}}</span> like",
	       "<span data-likes>{{likes}}</span> likes"));
	if (req->path && !strncmp(req->path, "/newsroom", 9))
		newsroom_strings(a, l, v);
	for (n = 0; n < SCRIPT_PLURALS; n++)
		tv_push(a, idx, tv_num(a, (double)i18n_plural(l, n)));
	tv_set(a, v, "plural", idx);
	buf_init(&b, a, 16 * 1024);
	if (json_write(&b, v) || b.overflow)
		return NULL;
	return b.data;
}

void page_in_section(struct arena *a, struct tval *ctx, const char *url)
{
	struct tval *secs = tv_get(ctx, "sections", 8);
	size_t i;

	if (!secs || secs->type != TV_LIST || !url)
		return;
	for (i = 0; i < secs->u.list.n; i++) {
		struct tval *v = secs->u.list.items[i];
		struct tval *u = tv_get(v, "url", 3);

		if (u && u->type == TV_STR && strlen(url) == u->u.str.len &&
		    !memcmp(u->u.str.p, url, u->u.str.len))
			tv_set_bool(a, v, "in_section", true);
	}
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
	/* A newsroom user's own language (see site_handle()) names the
	 * page's language too. */
	tv_set_str(a, s, "language", req_lang(req) == site->lang ?
		   site_language(site) : req_lang(req)->tag);
	tv_set_bool(a, s, "rtl", req_lang(req) && req_lang(req)->rtl);
	tv_set(a, ctx, "site", s);
	tv_set_str(a, ctx, "i18n_json", script_strings(req));
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
	secs = tv_list(a);
	if (!site_footer_pages(site, a, &list, &n) && n) {
		for (i = 0; i < n; i++) {
			struct tval *v = tv_map(a);

			tv_set_str(a, v, "title", list[i].name);
			tv_set_str(a, v, "url", arena_printf(a, "/%s/", list[i].slug));
			tv_push(a, secs, v);
		}
		tv_set_bool(a, ctx, "has_footer_pages", true);
	}
	tv_set(a, ctx, "footer_pages", secs);
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
	int r = tmpl_render(site_tmpl(site, req_lang(req)), name, ctx,
			    &res->body);

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

static const char *status_heading(const struct http_request *req,
				  unsigned status)
{
	switch (status) {
	case 400: return tr(req_lang(req), "Bad request");
	case 403: return tr(req_lang(req), "Forbidden");
	case 404: return tr(req_lang(req), "Page not found");
	case 405: return tr(req_lang(req), "Method not allowed");
	case 410: return tr(req_lang(req), "Story withdrawn");
	case 413: return tr(req_lang(req), "Too large");
	case 414: return tr(req_lang(req), "Address too long");
	case 503: return tr(req_lang(req), "Service unavailable");
	default:
		return tr(req_lang(req), status >= 500 ? N_("Something went wrong") :
			  N_("Error"));
	}
}

/*
 * An old address that moved (an imported site's, a story whose slug,
 * section or date changed): answer 301 with its new one.  WordPress's
 * "/?p=ID" and "/?page_id=ID" are looked up with their query.  True when
 * answered.
 */
static bool moved(struct site *site, struct http_request *req,
		  struct http_response *res)
{
	const char *path = req->path, *to, *id;

	if (!path || (req->method != HTTP_GET && req->method != HTTP_HEAD))
		return false;
	if (!strcmp(path, "/")) {
		if ((id = http_query(req, "p")))
			path = arena_printf(req->arena, "/?p=%s", id);
		else if ((id = http_query(req, "page_id")))
			path = arena_printf(req->arena, "/?page_id=%s", id);
		else
			return false;
	}
	if (store_redirect_get(site->store, req->arena, path, &to))
		return false;
	buf_reset(&res->body);
	res->status = 301;
	res->location = to;
	res->cache_control = "public, max-age=300";
	return true;
}

void render_error(struct site *site, struct http_request *req,
		  struct http_response *res, unsigned status,
		  const char *message)
{
	const char *heading = status_heading(req, status);
	struct tval *ctx;

	if (status == 404 && (page_serve(site, req, res) ||
			      moved(site, req, res)))
		return;
	/* Callers pass translated text; the HTTP layer's reasons are English. */
	message = tr(req_lang(req), message);
	ctx = page_context(site, req, heading, message,
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
		render_error(site, req, res, 404, tr(req_lang(req), "There is no such file."));
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
		render_error(site, req, res, 404, tr(req_lang(req), "There is no such image."));
		return;
	}
	if (r) {
		render_error(site, req, res, 503, tr(req_lang(req), "The image cannot be read now;"
			     " please try again."));
		return;
	}
	res->content_type = md.type;
	buf_init(&res->body, req->arena, md.len);
	buf_add(&res->body, md.data, md.len);
	res->etag = arena_printf(req->arena, "\"%s\"", key);
	/* Keys are content hashes: the bytes behind a key never change. */
	res->cache_control = "public, max-age=31536000, immutable";
}

#define NROUTES (sizeof(routes) / sizeof(*routes))

/*
 * No route answers @req: 405 with the Allow header when some route has its
 * path (@wrong_method), else 404.
 */
static void no_route(struct site *site, struct http_request *req,
		     struct http_response *res, bool wrong_method)
{
	/* The methods some route may answer at a path. */
	static const enum http_method meth[] = { HTTP_GET, HTTP_HEAD,
		HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_PATCH };
	static const char *const names[] = { "GET", "HEAD", "POST", "PUT",
		"DELETE", "PATCH" };
	struct route_match o;
	char allow[48] = "";
	size_t i;

	if (!wrong_method) {
		render_error(site, req, res, 404, "We could not find that"
			     " page. It may have moved, or the address may be"
			     " mistyped.");
		return;
	}
	for (i = 0; i < sizeof(meth) / sizeof(*meth); i++)
		if (!router_match(&routes[0].route, NROUTES, sizeof(*routes),
				  meth[i], req->path, &o))
			snprintf(allow + strlen(allow), sizeof(allow) -
				 strlen(allow), "%s%s", *allow ? ", " : "",
				 names[i]);
	http_add_header(res, "Allow", arena_strdup(req->arena, allow));
	render_error(site, req, res, 405, strcmp(allow, "GET, HEAD") ?
		     arena_printf(req->arena, tr(req_lang(req), "This address"
				  " only answers %s requests."), allow) :
		     N_("This address only answers GET and HEAD requests."));
}

/*
 * The newsroom speaks its user's own language when they chose one
 * (accounts.language, the account settings page), else the site's.
 */
static void newsroom_language(struct site *site, struct http_request *req)
{
	struct reader_state *rs = site_reader(site, req);

	if (rs->logged_in && rs->account.language && *rs->account.language)
		rs->lang = i18n_lang(site->i18n, rs->account.language);
}

void site_handle(void *ctx, struct http_request *req, struct http_response *res)
{
	struct site *site = ctx;
	const struct site_route *sr;
	struct route_match m;
	struct reader_state *rs;
	const char *bad;

	rs = req->app ? req->app : (req->app = arena_zalloc(req->arena,
					     sizeof(*rs)));
	rs->lang = site->lang;
	if (req->error_status) {
		if (!search_long_uri(site, req, res))
			render_error(site, req, res, req->error_status,
				     req->error_reason);
		return;
	}
	if (req->query.len && !strcmp(req->path, "/") && moved(site, req, res))
		return;
	if (!strncmp(req->path, "/newsroom", 9))
		newsroom_language(site, req);
	if (router_match(&routes[0].route, NROUTES, sizeof(*routes),
			 req->method, req->path, &m)) {
		no_route(site, req, res, m.wrong_method);
		return;
	}
	/* m.route is the first member of one of routes[]. */
	sr = (const struct site_route *)m.route;
	req->label = (int)(sr - routes) + 1;
	/*
	 * A reader with a session whose session cannot be looked up (the
	 * database is down or restarting) gets 503, not the answer for a
	 * stranger (401, the login form).  Cached public pages are still
	 * served from the cache; assets never look the session up.
	 */
	if ((sr->flags & ROUTE_SESSION) && http_cookie(req, SESSION_COOKIE) &&
	    site_reader(site, req)->unavailable) {
		if (!strncmp(req->path, "/api/", 5))
			json_error(res, 503, "the session cannot be checked"
				   " now; try again");
		else
			render_error(site, req, res, 503, tr(req_lang(req), "Your session cannot"
				     " be checked right now. Please try again"
				     " in a moment."));
		return;
	}
	if (req->method == HTTP_POST && (bad = http_form_bad_utf8(req))) {
		render_error(site, req, res, 422, arena_printf(req->arena,
			     tr(req_lang(req), "The field '%s' is not valid"
				" UTF-8. Nothing was saved."), bad));
		return;
	}
	if (sr->flags & ROUTE_CACHE)
		serve_cached(site, sr->fn, req, res, &m);
	else
		sr->fn(site, req, res, &m);
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
		names[i].method = methods[routes[i].route.method];
		names[i].pattern = routes[i].route.pattern;
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
	most_read_done(site, req, status, streamed);
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
	most_read_start(site);
	site_metrics_start(site);
	site->sections = section_cache_new(false);
	site->footer_pages = section_cache_new(true);
	site->reaction_limit = ratelimit_new(reaction_per_minute);
	site->blocks = block_cache_new();
	site->live = live_new();
	site->writer = writer_start(site->store, reactions_committed, site);
	/* Several nodes on one database (PostgreSQL): their changes too. */
	store_watch_reactions(site->store, reactions_remote, site);
	store_watch_comments(site->store, comments_remote, site);
	return newsroom_start(site);
}

int site_templates_languages(struct site *site, const char *dir, char *err,
			     size_t errlen)
{
	struct tmpl_set *fresh[SITE_MAX_LANGS] = { 0 }, *old;
	size_t i, n = site->i18n ? i18n_count(site->i18n) : 0;
	int r = 0;

	if (n > SITE_MAX_LANGS)
		n = SITE_MAX_LANGS;
	for (i = 0; i < n && !r; i++)
		if (i18n_at(site->i18n, i) != site->lang)
			r = templates_load(dir, i18n_at(site->i18n, i),
					   &fresh[i], err, errlen);
	for (i = 0; i < n; i++) {
		if (r) {
			if (fresh[i])
				tmpl_set_free(fresh[i]);
			continue;
		}
		old = atomic_exchange(&site->tmpl_lang[i], fresh[i]);
		if (old)
			site->retired[site->nretired++] = old;
	}
	return r;
}

struct tmpl_set *site_tmpl(struct site *site, const struct i18n_lang *l)
{
	size_t i, n;
	struct tmpl_set *set;

	if (!l || l == site->lang || !site->i18n)
		return site->tmpl;
	n = i18n_count(site->i18n);
	for (i = 0; i < n && i < SITE_MAX_LANGS; i++)
		if (i18n_at(site->i18n, i) == l)
			return (set = atomic_load(&site->tmpl_lang[i])) ?
			       set : site->tmpl;
	return site->tmpl;
}

int site_reload_templates(struct site *site, const char *dir, char *err,
			  size_t errlen)
{
	struct tmpl_set *fresh, *old;
	int r;

	if (site->nretired + SITE_MAX_LANGS + 1 >
	    (int)(sizeof(site->retired) / sizeof(*site->retired))) {
		snprintf(err, errlen, "templates reloaded %d times: restart to"
			 " reload again", SITE_MAX_RELOADS);
		return ERR_TOOBIG;
	}
	if ((r = templates_load(dir, site->lang, &fresh, err, errlen)))
		return r;
	if ((r = site_templates_languages(site, dir, err, errlen))) {
		tmpl_set_free(fresh);
		return r;
	}
	old = atomic_exchange(&site->tmpl, fresh);
	site->retired[site->nretired++] = old;
	atomic_fetch_add(&site->tmpl_epoch, 1);
	return 0;
}

uint64_t site_generation(struct site *site)
{
	/* Far above any content generation: the two never meet. */
	return store_generation(site->store) +
	       (atomic_load(&site->tmpl_epoch) << 40) +
	       (atomic_load(&site->read_epoch) << 52);
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
	most_read_stop(site);
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
	section_cache_free(site->footer_pages);
	site->footer_pages = NULL;
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
	for (size_t i = 0; i < SITE_MAX_LANGS; i++)
		if (site->tmpl_lang[i]) {
			tmpl_set_free(site->tmpl_lang[i]);
			site->tmpl_lang[i] = NULL;
		}
}
