/*
 * oembed.c - GET /oembed?url=STORY_URL[&format=json][&maxwidth=N]: an
 * oEmbed 1.0 "rich" answer so other sites can embed a story card (a
 * blockquote with the headline linking home, the summary and the site's
 * name).  Story pages advertise it with
 * <link rel="alternate" type="application/json+oembed">.
 *
 * Only this site's own story URLs are answered (404 otherwise); format=xml
 * is 501 as the specification asks of providers without XML.
 */
#include "site_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/value.h"

#define EMBED_WIDTH 600
#define EMBED_MIN_WIDTH 200
#define EMBED_HEIGHT 240

static const struct route story_route = { HTTP_GET, ARTICLE_PATTERN };

char *oembed_link(struct site *site, struct arena *a, const char *url)
{
	struct buf b;

	buf_init(&b, a, 4096);
	buf_adds(&b, site->base_url);
	buf_adds(&b, "/oembed?url=");
	url_encode(&b, url, strlen(url));
	buf_adds(&b, "&format=json");
	return b.data;
}

/* The story @url names on this site, or an error already answered. */
static struct article *find_story(struct site *site, struct http_request *req,
				  struct http_response *res, const char *url)
{
	size_t bl = strlen(site->base_url);
	struct route_match m;
	struct article *art;
	char *path, *slug;
	int r;

	if (!url || strncmp(url, site->base_url, bl) || url[bl] != '/') {
		json_error(res, 404, "url is not a story of this site");
		return NULL;
	}
	path = arena_strndup(req->arena, url + bl, strcspn(url + bl, "?#"));
	if (router_match(&story_route, 1, sizeof(story_route), HTTP_GET, path,
			 &m)) {
		json_error(res, 404, "url is not a story of this site");
		return NULL;
	}
	slug = str_dup(req->arena, m.params[4]);
	r = slug_valid(slug) ? store_article_by_slug(site->store, req->arena,
						     slug, false, &art) :
	    ERR_NOTFOUND;
	if (r == ERR_NOTFOUND) {
		json_error(res, 404, "no published story at url");
		return NULL;
	}
	if (r) {
		json_error(res, 503, "the story cannot be read now; try again");
		return NULL;
	}
	return art;
}

/* The card: every value escaped; the only markup is ours. */
static char *card_html(struct site *site, struct arena *a,
		       const struct article *art, const char *url)
{
	struct buf b;

	/* Escaping at most sextuples a byte ("&quot;"). */
	buf_init(&b, a, 6 * (strlen(url) + strlen(art->headline) +
			     strlen(art->summary) + strlen(site->name)) + 256);
	buf_adds(&b, "<blockquote class=\"dateline-embed\"><p><a href=\"");
	html_escape(&b, url, strlen(url));
	buf_adds(&b, "\">");
	html_escape(&b, art->headline, strlen(art->headline));
	buf_adds(&b, "</a></p>");
	if (*art->summary) {
		buf_adds(&b, "<p>");
		html_escape(&b, art->summary, strlen(art->summary));
		buf_adds(&b, "</p>");
	}
	buf_adds(&b, "<p>&mdash; ");
	html_escape(&b, site->name, strlen(site->name));
	buf_adds(&b, "</p></blockquote>");
	return b.data;
}

void h_oembed(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	struct arena *a = req->arena;
	const char *format = http_query(req, "format");
	const char *maxw = http_query(req, "maxwidth");
	struct tval *v = tv_map(a);
	struct article *art;
	const char *url;
	long width = EMBED_WIDTH;

	(void)m;
	if (format && strcmp(format, "json")) {
		json_error(res, 501, "only format=json is offered");
		return;
	}
	if (maxw && strspn(maxw, "0123456789") == strlen(maxw) && *maxw &&
	    strlen(maxw) < 6 && atol(maxw) < width)
		width = atol(maxw) < EMBED_MIN_WIDTH ? EMBED_MIN_WIDTH : atol(maxw);
	if (!(art = find_story(site, req, res, http_query(req, "url"))))
		return;
	url = absolute_url(site, a, article_path(a, art));
	tv_set_str(a, v, "version", "1.0");
	tv_set_str(a, v, "type", "rich");
	tv_set_str(a, v, "provider_name", site->name);
	tv_set_str(a, v, "provider_url", absolute_url(site, a, "/"));
	tv_set_str(a, v, "title", art->headline);
	if (*art->author) {
		tv_set_str(a, v, "author_name", art->author);
		tv_set_str(a, v, "author_url", absolute_url(site, a,
			   author_path(a, art->author)));
	}
	tv_set_str(a, v, "url", url);
	tv_set_str(a, v, "html", card_html(site, a, art, url));
	tv_set_int(a, v, "width", width);
	tv_set_int(a, v, "height", EMBED_HEIGHT);
	tv_set_int(a, v, "cache_age", 3600);
	if (art->photo.key) {
		tv_set_str(a, v, "thumbnail_url", absolute_url(site, a,
			   media_path(a, art->photo.key)));
		tv_set_int(a, v, "thumbnail_width", art->photo.width);
		tv_set_int(a, v, "thumbnail_height", art->photo.height);
	}
	res->content_type = "application/json";
	if (json_write(&res->body, v)) {
		json_error(res, 500, "the answer is too large");
		return;
	}
	body_etag(req, res);
	res->cache_control = "public, max-age=300";
}
