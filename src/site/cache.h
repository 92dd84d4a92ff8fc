/*
 * cache.h - rendered pages kept in memory, keyed by request URI and valid
 * for one store generation.
 *
 * A hot page is rendered and gzipped once per change of the site, not per
 * request: a hit hands out shared references to the stored bytes.  Entries
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
	struct blob *suffix;	/* NULL: no hole */
	struct blob *suffix_z;	/* raw deflate of the suffix, final block */
	uint32_t body_crc, suffix_crc;
	int64_t hole_id;
	char hole_key[128];
	const char *type;	/* static string */
	char etag[24];
	int64_t modified;	/* Unix seconds, for Last-Modified */
};

/* Drop the references a cached_page holds. */
void cached_page_release(struct cached_page *p);

/*
 * Append a holed page with @mid in its hole to @out: identity bytes, or a
 * gzip stream when @gzip.  ERR_TOOBIG when @out overflows.
 */
int page_assemble(const struct cached_page *p, const char *mid, size_t midlen,
		  bool gzip, struct buf *out);

struct page_cache *page_cache_new(void);
void page_cache_free(struct page_cache *pc);

/* 0 and a filled @out on a hit for @key at @generation, ERR_NOTFOUND else. */
int page_cache_get(struct page_cache *pc, const char *key, uint64_t generation,
		   struct cached_page *out);

/*
 * Store @len bytes of @data (content type @type, a static string) for @key
 * and fill @out as page_cache_get() would, gzipping text once here.
 */
void page_cache_put(struct page_cache *pc, const char *key, uint64_t generation,
		    const char *type, const char *data, size_t len,
		    int64_t modified, struct cached_page *out);

#endif
