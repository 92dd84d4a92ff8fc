/*
 * cache.h - rendered pages kept in memory, keyed by request URI and valid
 * for one store generation.
 *
 * A hot page is rendered and compressed (gzip and brotli) once per change
 * of the site, not per request: a hit hands out shared references to the
 * stored bytes.  Entries
 * of an older generation are dropped on lookup; the table holds at most
 * PAGE_CACHE_MAX entries and is emptied when full, so hostile query strings
 * cannot grow it without bound.  Thread-safe (a read-write lock).
 */
#ifndef DATELINE_CACHE_H
#define DATELINE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define PAGE_CACHE_MAX 4096
#define PAGE_CACHE_MAX_BYTES (256u * 1024 * 1024)

struct page_cache;

/*
 * A page may have one hole, marked in the rendered HTML by
 * PAGE_HOLE_OPEN "<id>:<key>" PAGE_HOLE_CLOSE: the part that differs per
 * request (live counts, the reader's own state, a form token).  Such a page
 * is kept as prefix and suffix, each also as raw deflate data ending on a
 * byte boundary, so page_assemble() compresses only the small middle per
 * request and splices a valid gzip stream from the three parts.
 */
#define PAGE_HOLE_OPEN "<!--dl:hole:"
#define PAGE_HOLE_CLOSE "-->"

struct cached_page {
	struct blob *body;	/* whole page, or the prefix of a holed one */
	struct blob *gz;	/* gzip of body (no hole) or raw deflate of prefix */
	struct blob *br;	/* brotli of body; NULL for a holed page (only
				 * gzip can be spliced around a hole) */
	struct blob *suffix;	/* NULL: no hole */
	struct blob *suffix_z;	/* raw deflate of the suffix, final block */
	uint32_t body_crc, suffix_crc;
	int64_t hole_id;
	char hole_key[128];
	/* The anonymous account area inside body (acct_len 0: none), for
	 * splicing in a logged-in reader's one: the body before and after it
	 * as raw deflate data (the part after it final when there is no
	 * hole), with their CRC-32s.  NULL when compression failed. */
	size_t acct_off, acct_len;
	struct blob *acct_head_z, *acct_tail_z;
	uint32_t acct_head_crc, acct_tail_crc;
	const char *type;	/* static string */
	char etag[24];
	int64_t modified;	/* Unix seconds, for Last-Modified */
	unsigned embeds;	/* the embed providers the page has, a bit
				 * each (embed.h): its CSP allows their
				 * frames */
};

/* Drop the references a cached_page holds. */
void cached_page_release(struct cached_page *p);

/* What goes into a hole for one request. */
struct hole_fill {
	const char *html;
	size_t len;
	const char *z;		/* raw deflate of html, sync-flushed; NULL:
				 * page_assemble() compresses it when needed */
	size_t zlen;
	uint32_t crc;		/* CRC-32 of html (hole_fill_finish() sets it) */
};

/* Set @f's CRC (cheap); the ETag of a holed page is built from it. */
void hole_fill_finish(struct hole_fill *f);

/* Append the raw deflate of [html, html+len), ending on a byte boundary. */
int hole_deflate(struct buf *out, const char *html, size_t len);

/*
 * Append a holed page with @fill in its hole to @out: identity bytes, or a
 * gzip stream when @gzip.  ERR_TOOBIG when @out overflows.
 */
int page_assemble(const struct cached_page *p, const struct hole_fill *fill,
		  bool gzip, struct buf *out);

/*
 * Append the page for a logged-in reader to @out: @area (the reader's
 * account area) in place of the anonymous one, and @fill in the hole when
 * the page has one (else NULL); identity bytes, or a gzip stream when
 * @gzip, compressing only @area and the hole.  ERR_TOOBIG when @out
 * overflows, ERR_INVALID when @p has no account area.
 */
int page_assemble_account(const struct cached_page *p, const char *area,
			  size_t arealen, const struct hole_fill *fill,
			  bool gzip, struct buf *out);

/*
 * Brotli variants of holed pages.  A holed page is spliced per request
 * from gzip pieces; brotli cannot be spliced, so the whole page with one
 * hole content (known by the CRC-32 of that content) is compressed once
 * and kept in the entry until the hole changes: one variant per entry.
 */
/* The kept variant of @key at @generation for hole CRC @crc (a new
 * reference), or NULL. */
struct blob *page_cache_variant_get(struct page_cache *pc, const char *key,
				    uint64_t generation, uint32_t crc);
/* Keep @br (a reference is taken) as that variant; ignored when the entry
 * is gone or of another generation. */
void page_cache_variant_put(struct page_cache *pc, const char *key,
			    uint64_t generation, uint32_t crc, struct blob *br);

struct page_cache *page_cache_new(void);
void page_cache_free(struct page_cache *pc);

/* 0 and a filled @out on a hit for @key at @generation, ERR_NOTFOUND else. */
int page_cache_get(struct page_cache *pc, const char *key, uint64_t generation,
		   struct cached_page *out);

/*
 * Like page_cache_get() but of whatever generation is kept for @key: the
 * last good page, for answering while the database cannot render a new
 * one (stale beats a 503 for readers).  0 on a hit, ERR_NOTFOUND else.
 */
int page_cache_get_stale(struct page_cache *pc, const char *key,
			 struct cached_page *out);

/*
 * Store @len bytes of @data (content type @type, a static string) for @key
 * and fill @out as page_cache_get() would, gzipping text once here.
 * [@acct_off, +@acct_len) is the anonymous account area in @data (length
 * 0: none); it must lie before any hole.  @embeds is kept as the page's
 * embeds (see struct cached_page).
 */
void page_cache_put(struct page_cache *pc, const char *key, uint64_t generation,
		    const char *type, const char *data, size_t len,
		    int64_t modified, size_t acct_off, size_t acct_len,
		    unsigned embeds, struct cached_page *out);

#endif
