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

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define PAGE_CACHE_MAX 4096
#define PAGE_CACHE_MAX_BYTES (256u * 1024 * 1024)

struct page_cache;

struct cached_page {
	struct blob *body;	/* a reference the caller drops */
	struct blob *gz;	/* a reference the caller drops; may be NULL */
	const char *type;	/* static string */
	char etag[24];
	int64_t modified;	/* Unix seconds, for Last-Modified */
};

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
