/*
 * articles.c - the story page: headline, lead photo with caption and
 * credit, dateline, body, tags, and the metadata search engines and social
 * cards read (canonical link, OpenGraph, schema.org NewsArticle JSON-LD).
 */
#include "i18n/dates.h"
#include "site_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "render/embed.h"
#include "render/markdown.h"

#define DESCRIPTION_MAX 200

struct tval *article_summary_value(struct site *site, struct arena *a,
				   const struct article *art)
{
	struct tval *v = tv_map(a);

	(void)site;
	tv_set_str(a, v, "headline", art->headline);
	tv_set_str(a, v, "slug", art->slug);
	tv_set_str(a, v, "url", article_path(a, art));
	if (*art->summary)
		tv_set_str(a, v, "summary", art->summary);
	if (*art->author) {
		tv_set_str(a, v, "author", art->author);
		if (author_valid(art->author))
			tv_set_str(a, v, "author_url", author_path(a, art->author));
	}
	if (*art->section) {
		tv_set_str(a, v, "section", art->section);
		tv_set_str(a, v, "section_url", section_path(a, art->section_slug));
	}
	tv_set_str(a, v, "published_iso", time_iso(a, art->published));
	tv_set_str(a, v, "published_human", i18n_date(site->lang, a,
		   art->published));
	if (art->photo.key) {
		struct tval *p = tv_map(a);

		tv_set_str(a, p, "src", media_path(a, art->photo.key));
		tv_set_int(a, p, "width", art->photo.width);
		tv_set_int(a, p, "height", art->photo.height);
		tv_set_str(a, p, "alt", *art->photo_alt ? art->photo_alt :
			   art->caption);
		tv_set_str(a, p, "caption", art->caption);
		if (*art->credit)
			tv_set_str(a, p, "credit", art->credit);
		tv_set(a, v, "photo", p);
	}
	return v;
}

/* schema.org CorrectionComment items of @n corrections @c. */
static struct tval *corrections_jsonld(struct arena *a,
				       const struct correction *c, size_t n)
{
	struct tval *list = tv_list(a);
	size_t i;

	for (i = 0; i < n; i++) {
		struct tval *v = tv_map(a);

		tv_set_str(a, v, "@type", "CorrectionComment");
		tv_set_str(a, v, "text", c[i].body);
		tv_set_str(a, v, "datePublished", time_iso(a, c[i].created));
		tv_push(a, list, v);
	}
	return list;
}

/* schema.org NewsArticle as a JSON string, safe inside <script>; its
 * @ncorr corrections @corr too. */
static char *news_article_jsonld(struct site *site, struct arena *a,
				 const struct article *art, const char *url,
				 const char *description,
				 const struct correction *corr, size_t ncorr)
{
	struct tval *ld = tv_map(a), *pub = tv_map(a), *logo = tv_map(a);
	struct buf b;
	size_t i;

	tv_set_str(a, ld, "@context", "https://schema.org");
	tv_set_str(a, ld, "@type", "NewsArticle");
	tv_set_str(a, ld, "headline", art->headline);
	tv_set_str(a, ld, "inLanguage", site_language(site));
	tv_set_str(a, ld, "description", description);
	tv_set_str(a, ld, "mainEntityOfPage", url);
	tv_set_str(a, ld, "url", url);
	tv_set_str(a, ld, "datePublished", time_iso(a, art->published));
	tv_set_str(a, ld, "dateModified", time_iso(a, article_modified(art)));
	if (art->photo.key) {
		struct tval *imgs = tv_list(a);

		tv_push(a, imgs, tv_str(a, absolute_url(site, a,
					 media_path(a, art->photo.key))));
		tv_set(a, ld, "image", imgs);
	}
	if (*art->author) {
		struct tval *authors = tv_list(a), *p = tv_map(a);

		tv_set_str(a, p, "@type", "Person");
		tv_set_str(a, p, "name", art->author);
		tv_push(a, authors, p);
		tv_set(a, ld, "author", authors);
	}
	tv_set_str(a, pub, "@type", "NewsMediaOrganization");
	tv_set_str(a, pub, "name", site->name);
	tv_set_str(a, pub, "url", site->base_url);
	tv_set_str(a, logo, "@type", "ImageObject");
	tv_set_str(a, logo, "url", absolute_url(site, a, "/static/icon.svg"));
	tv_set(a, pub, "logo", logo);
	tv_set(a, ld, "publisher", pub);
	if (*art->section)
		tv_set_str(a, ld, "articleSection", art->section);
	if (art->ntags) {
		struct tval *kw = tv_list(a);

		for (i = 0; i < art->ntags; i++)
			tv_push(a, kw, tv_str(a, art->tags[i].name));
		tv_set(a, ld, "keywords", kw);
	}
	if (*art->dateline) {
		struct tval *place = tv_map(a);

		tv_set_str(a, ld, "dateline", art->dateline);
		tv_set_str(a, place, "@type", "Place");
		tv_set_str(a, place, "name", art->dateline);
		tv_set(a, ld, "locationCreated", place);
	}
	if (ncorr)
		tv_set(a, ld, "correction", corrections_jsonld(a, corr, ncorr));
	buf_init(&b, a, 64 * 1024);
	if (json_write(&b, ld))
		return NULL;
	return b.data;
}

/*
 * The responsive copies of @art's lead photo as srcset strings in @p, with
 * @sizes.  With @small_src the fallback src becomes the smallest copy of
 * the original's type that is at least THUMB_SRC_MIN wide (the largest when
 * none is), so a list never sends the original to a browser without srcset.
 */
#define THUMB_SRC_MIN 480

void article_photo_srcset(struct site *site, struct arena *a,
			  const struct article *art, struct tval *p,
			  const char *sizes, bool small_src)
{
	struct photo_variant *v;
	struct buf own, webp;
	const char *src = NULL;
	int src_w = 0;
	size_t n, i;

	if (store_photo_variants(site->store, a, art->photo.key, &v, &n) || !n)
		return;
	buf_init(&own, a, 8192);
	buf_init(&webp, a, 8192);
	for (i = 0; i < n; i++) {
		bool is_webp = !strcmp(v[i].type, "image/webp");
		struct buf *b = is_webp ? &webp : &own;
		const char *url = media_path(a, v[i].media_key);

		buf_printf(b, "%s%s %dw", b->len ? ", " : "", url, v[i].width);
		if (!is_webp && (!src || src_w < THUMB_SRC_MIN)) {
			src = url;
			src_w = v[i].width;
		}
	}
	if (own.len)
		buf_printf(&own, ", %s %dw", media_path(a, art->photo.key),
			   art->photo.width);
	if (own.len)
		tv_set_str(a, p, "srcset", own.data);
	if (webp.len)
		tv_set_str(a, p, "webp_srcset", webp.data);
	if (small_src && src)
		tv_set_str(a, p, "src", src);
	tv_set_str(a, p, "sizes", sizes);
}

/*
 * A story written in another language than the site's: its text (headline,
 * standfirst, photo, body) carries lang, and dir when the direction
 * differs, so readers' software reads and lays it out as that language;
 * the page's own words stay in the site's.
 */
static void story_language(struct site *site, struct arena *a,
			   struct tval *v, const char *lang)
{
	bool site_rtl = site->lang && site->lang->rtl;

	if (!lang || !*lang || !strcasecmp(lang, site_language(site)))
		return;
	tv_set_str(a, v, "lang", lang);
	if (i18n_tag_rtl(lang) != site_rtl)
		tv_set_str(a, v, "dir", i18n_tag_rtl(lang) ? "rtl" : "ltr");
}

struct tval *article_page_context(struct site *site, struct http_request *req,
				  const struct article *art, const char *path,
				  bool reactions)
{
	struct arena *a = req->arena;
	struct tval *ctx, *page, *v, *tags, *photo, *corrs = tv_list(a);
	struct correction *corr = NULL;
	const char *desc;
	size_t i, ncorr = 0;

	/* Without them (the database is away) the story still shows. */
	if (store_corrections(site->store, a, art->id, &corr, &ncorr))
		ncorr = 0;
	desc = *art->summary ? art->summary :
	       md_first_text(a, art->body, strlen(art->body), DESCRIPTION_MAX);
	ctx = page_context(site, req, art->headline, desc, path);
	page = page_meta(ctx);
	tv_set_str(a, page, "og_type", "article");
	tv_set_str(a, page, "published", time_iso(a, art->published));
	tv_set_str(a, page, "modified", time_iso(a, article_modified(art)));
	tv_set_str(a, page, "section", art->section);
	if (art->section_slug && *art->section_slug)
		page_in_section(a, ctx, section_path(a, art->section_slug));
	if (art->photo.key) {
		tv_set_str(a, page, "image", absolute_url(site, a,
			   media_path(a, art->photo.key)));
		tv_set_str(a, page, "image_alt", *art->photo_alt ?
			   art->photo_alt : art->caption);
	}
	tv_set_str(a, page, "jsonld", news_article_jsonld(site, a, art,
		   absolute_url(site, a, path), desc, corr, ncorr));
	tv_set_str(a, page, "breadcrumbs", story_breadcrumbs(site, a, art, path));
	tv_set_str(a, page, "oembed", oembed_link(site, a,
		   absolute_url(site, a, path)));

	v = article_summary_value(site, a, art);
	tv_set_str(a, v, "body_html", md_render_embeds(a, art->body,
		   strlen(art->body), art->dateline, &site_reader(site, req)->embeds));
	story_language(site, a, v, art->lang);
	for (i = 0; i < ncorr; i++) {
		struct tval *c = tv_map(a);

		tv_set_str(a, c, "iso", time_iso(a, corr[i].created));
		tv_set_str(a, c, "human", i18n_datetime(site->lang, a,
			   corr[i].created));
		tv_set_str(a, c, "text", corr[i].body);
		tv_push(a, corrs, c);
	}
	tv_set(a, v, "corrections", corrs);
	tv_set_bool(a, v, "has_corrections", ncorr > 0);
	/* The story's own page gives the time of day, in the site's zone. */
	tv_set_str(a, v, "published_full", i18n_datetime(site->lang, a,
		   art->published));
	if (article_modified(art) > art->published) {
		tv_set_bool(a, v, "updated", true);
		tv_set_str(a, v, "updated_iso", time_iso(a, art->update_marked));
		tv_set_str(a, v, "updated_human", i18n_datetime(site->lang, a,
			   art->update_marked));
	}
	tags = tv_list(a);
	for (i = 0; i < art->ntags; i++) {
		struct tval *t = tv_map(a);

		tv_set_str(a, t, "name", art->tags[i].name);
		tv_set_str(a, t, "url", tag_path(a, art->tags[i].slug));
		tv_push(a, tags, t);
	}
	tv_set(a, v, "tags", tags);
	/* The reaction block differs per request: leave a hole for it. */
	if (reactions)
		tv_set_str(a, v, "reactions_hole", arena_printf(a, PAGE_HOLE_OPEN
			   "%" PRId64 ":%s" PAGE_HOLE_CLOSE, art->id,
			   art->slug));
	if (art->photo.key && (photo = tv_get(v, "photo", 5)))
		article_photo_srcset(site, a, art, photo,
				     "(min-width: 50rem) 46rem, 100vw", false);
	tv_set_bool(a, v, "has_tags", art->ntags > 0);
	tv_set(a, ctx, "article", v);
	return ctx;
}

const char *embed_csp(struct arena *a, unsigned embeds)
{
	struct buf b;
	unsigned i;

	if (!embeds)
		return NULL;
	buf_init(&b, a, 1024);
	buf_adds(&b, HTTP_CSP "; frame-src");
	for (i = 0; i < embed_providers(); i++)
		if (embeds & (1u << i)) {
			buf_addch(&b, ' ');
			buf_adds(&b, embed_origin(i));
		}
	return b.data;
}

/* Stories under the body: related, then more of the section. */
#define READ_NEXT_N 4

/* Append the stories of @list but @skip (READ_NEXT_N ids, 0: none) to
 * @to, at most READ_NEXT_N in @to in all; their ids go into @seen. */
static void add_stories(struct site *site, struct arena *a, struct tval *to,
			const struct article_list *list, int64_t *seen,
			size_t *nseen)
{
	struct tval *v;
	size_t i, k;

	for (i = 0; i < list->n && to->u.list.n < READ_NEXT_N; i++) {
		for (k = 0; k < *nseen && seen[k] != list->items[i].id; k++)
			;
		if (k < *nseen)
			continue;
		seen[(*nseen)++] = list->items[i].id;
		v = article_summary_value(site, a, &list->items[i]);
		/* Its own language, not the story's around it. */
		tv_set_bool(a, v, "lang", false);
		tv_set_bool(a, v, "dir", false);
		story_language(site, a, v, list->items[i].lang);
		tv_push(a, to, v);
	}
}

/*
 * "Related stories" (sharing its tags, store_related(); then, if fewer
 * than READ_NEXT_N, alike in words, store_similar()) and "More in
 * <section>" (the section's newest, none of those) for story @art, in
 * its page value @v.  Nothing on a failure: the story still shows.
 */
static void read_next(struct site *site, struct arena *a, struct tval *v,
		      const struct article *art)
{
	struct article_query q = { .section_slug = art->section_slug,
				   .limit = 2 * READ_NEXT_N + 1 };
	int64_t seen[3 * READ_NEXT_N + 2] = { art->id };
	struct tval *related = tv_list(a), *more = tv_list(a);
	struct article_list list;
	size_t nseen = 1;

	if (!store_related(site->store, a, art->id, READ_NEXT_N, &list))
		add_stories(site, a, related, &list, seen, &nseen);
	if (*art->section_slug &&
	    !store_articles_list(site->store, a, &q, &list))
		add_stories(site, a, more, &list, seen, &nseen);
	if (related->u.list.n < READ_NEXT_N &&
	    !store_similar(site->store, a, art->id, 2 * READ_NEXT_N + 1, &list))
		add_stories(site, a, related, &list, seen, &nseen);
	tv_set(a, v, "related", related);
	tv_set_bool(a, v, "has_related", related->u.list.n > 0);
	tv_set(a, v, "more", more);
	tv_set_bool(a, v, "has_more", more->u.list.n > 0);
}

void h_article(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	char *slug = str_dup(a, m->params[4]);
	struct article *art;
	struct tval *ctx;
	const char *path;
	int r;

	if (!slug_valid(slug)) {
		render_error(site, req, res, 404, tr(req_lang(req), "We could not find that story."));
		return;
	}
	r = store_article_by_slug(site->store, a, slug, false, &art);
	if (r == ERR_NOTFOUND) {
		struct story_query q = { .status = ARTICLE_UNPUBLISHED,
					 .slug = slug, .limit = 1 };
		struct story_row *gone;
		size_t n = 0;

		/* A story the newsroom took down: gone for good, say so. */
		if (!store_stories(site->store, a, &q, &gone, &n) && n)
			render_error(site, req, res, 410, tr(req_lang(req), "This story was"
				     " withdrawn by the newsroom."));
		else
			render_error(site, req, res, 404, tr(req_lang(req), "We could not find"
				     " that story. It may have been moved or"
				     " unpublished."));
		return;
	}
	if (r) {
		render_error(site, req, res, 503, tr(req_lang(req), "The story cannot be loaded"
			     " right now; please try again."));
		return;
	}
	path = article_path(a, art);
	if (strcmp(path, req->path)) {
		res->status = 301;
		res->location = path;
		res->cache_control = "public, max-age=300";
		return;
	}
	ctx = article_page_context(site, req, art, path, true);
	res->csp = embed_csp(a, site_reader(site, req)->embeds);
	read_next(site, a, tv_get(ctx, "article", 7), art);
	most_read_put(site, req, ctx);
	render_page(site, req, res, "article", ctx);
}
