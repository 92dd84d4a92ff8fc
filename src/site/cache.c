/*
 * cache.c - open-hashing table of rendered pages.
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/compress.h"
#include "http/static.h"

#define NBUCKETS 1024

struct entry {
	struct entry *next;
	char *key;
	uint64_t generation;
	struct cached_page page;
};

struct page_cache {
	pthread_rwlock_t lock;
	struct entry *buckets[NBUCKETS];
	size_t n;
	size_t bytes;
};

static unsigned hash_key(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % NBUCKETS;
}

struct page_cache *page_cache_new(void)
{
	struct page_cache *pc = xcalloc(1, sizeof(*pc));

	pthread_rwlock_init(&pc->lock, NULL);
	return pc;
}

static void entry_free(struct entry *e)
{
	blob_unref(e->page.body);
	blob_unref(e->page.gz);
	free(e->key);
	free(e);
}

static void clear_all(struct page_cache *pc)
{
	size_t i;

	for (i = 0; i < NBUCKETS; i++) {
		struct entry *e = pc->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			entry_free(e);
		}
		pc->buckets[i] = NULL;
	}
	pc->n = 0;
	pc->bytes = 0;
}

void page_cache_free(struct page_cache *pc)
{
	if (!pc)
		return;
	clear_all(pc);
	pthread_rwlock_destroy(&pc->lock);
	free(pc);
}

static void copy_out(const struct entry *e, struct cached_page *out)
{
	*out = e->page;
	blob_ref(out->body);
	if (out->gz)
		blob_ref(out->gz);
}

int page_cache_get(struct page_cache *pc, const char *key, uint64_t generation,
		   struct cached_page *out)
{
	struct entry *e;
	int r = ERR_NOTFOUND;

	pthread_rwlock_rdlock(&pc->lock);
	for (e = pc->buckets[hash_key(key)]; e; e = e->next) {
		if (!strcmp(e->key, key)) {
			if (e->generation == generation) {
				copy_out(e, out);
				r = 0;
			}
			break;
		}
	}
	pthread_rwlock_unlock(&pc->lock);
	return r;
}

static size_t entry_bytes(const struct entry *e)
{
	return e->page.body->len + (e->page.gz ? e->page.gz->len : 0) +
	       strlen(e->key) + sizeof(*e);
}

void page_cache_put(struct page_cache *pc, const char *key, uint64_t generation,
		    const char *type, const char *data, size_t len,
		    int64_t modified, struct cached_page *out)
{
	struct entry *e = xcalloc(1, sizeof(*e)), **pp;
	unsigned h = hash_key(key);
	char hash[11];
	struct buf z;

	e->key = xstrdup(key);
	e->generation = generation;
	e->page.type = type;
	e->page.modified = modified;
	e->page.body = blob_new(data, len);
	content_hash(data, len, hash);
	memcpy(e->page.etag, "\"", 1);
	memcpy(e->page.etag + 1, hash, 10);
	memcpy(e->page.etag + 11, "\"", 2);
	buf_init(&z, NULL, len + 1024);
	if (len >= 256 && !gzip_compress(&z, data, len) && z.len < len)
		e->page.gz = blob_new(z.data, z.len);
	buf_release(&z);
	copy_out(e, out);

	pthread_rwlock_wrlock(&pc->lock);
	for (pp = &pc->buckets[h]; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->key, key)) {
			struct entry *old = *pp;

			*pp = old->next;
			pc->n--;
			pc->bytes -= entry_bytes(old);
			entry_free(old);
			break;
		}
	}
	if (pc->n >= PAGE_CACHE_MAX ||
	    pc->bytes + entry_bytes(e) > PAGE_CACHE_MAX_BYTES)
		clear_all(pc);
	e->next = pc->buckets[h];
	pc->buckets[h] = e;
	pc->n++;
	pc->bytes += entry_bytes(e);
	pthread_rwlock_unlock(&pc->lock);
}
