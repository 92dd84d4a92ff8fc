/*
 * serve_cached.c - answering a request from the page cache (cache.h):
 * a hit is handed out as stored, with the hole filled for this request
 * (live counts, the reader's own state) and, for a logged-in reader, their
 * account area spliced in; a miss is rendered once by the route's handler
 * and kept for the site's generation.  A page whose live part cannot be
 * built is served with a note; while the database is away the last good
 * page is served rather than an error.
 */
#include "site_int.h"

#include <string.h>

#include "cache.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "http/compress.h"
#include "metrics.h"
#include "reader.h"

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
		render_error(site, req, res, 500, tr(req_lang(req), "This page could not be built."));
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
	int r;

	buf_init(&mid, req->arena, HOLE_BODY_MAX);
	if (p->hole_id)		/* a story page: counts as a view */
		most_read_seen(site, req, p->hole_id);
	r = p->hole_id ? reactions_render_block(site, req, p->hole_id,
						p->hole_key, &mid, &fill,
						&personal) :
	    !strcmp(p->hole_key, HOLE_MOST_REACTED) ?
	    most_reacted_render(site, req, &mid) : ERR_INVALID;
	if (r || mid.overflow) {
		/*
		 * The database is away (or the block outgrew its cap): the
		 * page itself is in the cache, so readers still get the
		 * story, with a note where the live part goes, and no
		 * shared cache keeps this version.
		 */
		log_warn("%s: the live part of the page could not be built: %s",
			 req->uri, r ? err_str(r) : "larger than its cap");
		mid.len = 0;
		mid.overflow = false;
		buf_adds(&mid, "<p class=\"unavailable\" role=\"status\">");
		buf_adds(&mid, tr(req_lang(req), "This part of the page is"
				  " unavailable for a moment."));
		buf_adds(&mid, "</p>");
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
			render_error(site, req, res, 500, tr(req_lang(req), "This page could not"
				     " be built."));
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
	res->csp = embed_csp(req->arena, p->embeds);
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

void serve_cached(struct site *site, site_handler fn,
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
	fn(site, req, res, m);
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
		       rs->acct_placed ? rs->acct_len : 0, rs->embeds, &page);
	buf_init(&res->body, req->arena, 16 * 1024 * 1024);
	from_cache(site, req, res, &page);
}
