/*
 * cache.c - open-hashing table of rendered pages.
 */
#include "cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
	struct blob *variant;	/* brotli of the page with one hole content */
	uint32_t variant_crc;
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

void cached_page_release(struct cached_page *p)
{
	blob_unref(p->body);
	blob_unref(p->gz);
	blob_unref(p->br);
	blob_unref(p->suffix);
	blob_unref(p->suffix_z);
	blob_unref(p->acct_head_z);
	blob_unref(p->acct_tail_z);
	p->body = p->gz = p->br = p->suffix = p->suffix_z = NULL;
	p->acct_head_z = p->acct_tail_z = NULL;
}

static void entry_free(struct entry *e)
{
	cached_page_release(&e->page);
	blob_unref(e->variant);
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
	if (out->br)
		blob_ref(out->br);
	if (out->suffix)
		blob_ref(out->suffix);
	if (out->suffix_z)
		blob_ref(out->suffix_z);
	if (out->acct_head_z)
		blob_ref(out->acct_head_z);
	if (out->acct_tail_z)
		blob_ref(out->acct_tail_z);
}

/*
 * Raw deflate of [data, data+len): Z_SYNC_FLUSH ends on a byte boundary
 * with a non-final block, so more deflate data may follow; Z_FINISH ends
 * the stream.  @small uses a small window and little memory (per-request
 * middles).  0, or ERR_NOMEM / ERR_TOOBIG.
 */
static int raw_deflate(struct buf *out, const void *data, size_t len,
		       int flush, bool small)
{
	/*
	 * Small pieces: level 1 with an 8 KB window and a moderate literal
	 * buffer; a tiny buffer splits the data into many blocks, each with
	 * its own Huffman tables, and is slower and larger.
	 */
	return deflate_buf(out, data, len, small ? 1 : 6, small ? -13 : -15,
			   small ? 6 : 8, flush == Z_FINISH);
}

static struct blob *deflate_blob(const void *data, size_t len, int flush)
{
	struct buf z;
	struct blob *b = NULL;

	buf_init(&z, NULL, len + 4096);
	if (!raw_deflate(&z, data, len, flush, false))
		b = blob_new(z.data, z.len);
	buf_release(&z);
	return b;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

void hole_fill_finish(struct hole_fill *f)
{
	f->crc = (uint32_t)crc32(0, (const Bytef *)f->html, (uInt)f->len);
}

int hole_deflate(struct buf *out, const char *html, size_t len)
{
	return raw_deflate(out, html, len, Z_SYNC_FLUSH, true);
}

int page_assemble(const struct cached_page *p, const struct hole_fill *fill,
		  bool gzip, struct buf *out)
{
	const char *mid = fill->html;
	size_t midlen = fill->len;
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	unsigned char trailer[8];
	uLong crc;
	int r = 0;

	if (!gzip) {
		r |= buf_add(out, p->body->data, p->body->len);
		r |= buf_add(out, mid, midlen);
		r |= buf_add(out, p->suffix->data, p->suffix->len);
		return r ? ERR_TOOBIG : 0;
	}
	r |= buf_add(out, header, sizeof(header));
	r |= buf_add(out, p->gz->data, p->gz->len);
	if (fill->z)
		r |= buf_add(out, fill->z, fill->zlen);
	else
		r |= raw_deflate(out, mid, midlen, Z_SYNC_FLUSH, true);
	r |= buf_add(out, p->suffix_z->data, p->suffix_z->len);
	crc = crc32_combine(p->body_crc, fill->crc, (z_off_t)midlen);
	crc = crc32_combine(crc, p->suffix_crc, (z_off_t)p->suffix->len);
	put_le32(trailer, (uint32_t)crc);
	put_le32(trailer + 4, (uint32_t)(p->body->len + midlen + p->suffix->len));
	r |= buf_add(out, trailer, sizeof(trailer));
	return r ? ERR_TOOBIG : 0;
}

int page_assemble_account(const struct cached_page *p, const char *area,
			  size_t arealen, const struct hole_fill *fill,
			  bool gzip, struct buf *out)
{
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	const struct blob *b = p->body;
	size_t rest = p->acct_off + p->acct_len, total;
	unsigned char trailer[8];
	uLong crc;
	int r = 0;

	if (!p->acct_len || (fill != NULL) != (p->suffix != NULL))
		return ERR_INVALID;
	if (!gzip || !p->acct_head_z || !p->acct_tail_z) {
		r |= buf_add(out, b->data, p->acct_off);
		r |= buf_add(out, area, arealen);
		r |= buf_add(out, b->data + rest, b->len - rest);
		if (fill) {
			r |= buf_add(out, fill->html, fill->len);
			r |= buf_add(out, p->suffix->data, p->suffix->len);
		}
		return r ? ERR_TOOBIG : 0;
	}
	r |= buf_add(out, header, sizeof(header));
	r |= buf_add(out, p->acct_head_z->data, p->acct_head_z->len);
	r |= raw_deflate(out, area, arealen, Z_SYNC_FLUSH, true);
	r |= buf_add(out, p->acct_tail_z->data, p->acct_tail_z->len);
	crc = crc32_combine(p->acct_head_crc, crc32(0, (const Bytef *)area,
			    (uInt)arealen), (z_off_t)arealen);
	crc = crc32_combine(crc, p->acct_tail_crc, (z_off_t)(b->len - rest));
	total = b->len - p->acct_len + arealen;
	if (fill) {
		if (fill->z)
			r |= buf_add(out, fill->z, fill->zlen);
		else
			r |= raw_deflate(out, fill->html, fill->len,
					 Z_SYNC_FLUSH, true);
		r |= buf_add(out, p->suffix_z->data, p->suffix_z->len);
		crc = crc32_combine(crc, fill->crc, (z_off_t)fill->len);
		crc = crc32_combine(crc, p->suffix_crc, (z_off_t)p->suffix->len);
		total += fill->len + p->suffix->len;
	}
	put_le32(trailer, (uint32_t)crc);
	put_le32(trailer + 4, (uint32_t)total);
	r |= buf_add(out, trailer, sizeof(trailer));
	return r ? ERR_TOOBIG : 0;
}

/* Keep the body around the anonymous account area compressed apart. */
static void split_account(struct cached_page *p, size_t off, size_t len)
{
	const struct blob *b = p->body;
	size_t rest = off + len;

	p->acct_off = off;
	p->acct_len = len;
	p->acct_head_z = deflate_blob(b->data, off, Z_SYNC_FLUSH);
	p->acct_tail_z = deflate_blob(b->data + rest, b->len - rest,
				      p->suffix ? Z_SYNC_FLUSH : Z_FINISH);
	p->acct_head_crc = (uint32_t)crc32(0, (const Bytef *)b->data, (uInt)off);
	p->acct_tail_crc = (uint32_t)crc32(0, (const Bytef *)b->data + rest,
					   (uInt)(b->len - rest));
}

/* Split a page at its hole marker; false when it has none. */
static bool split_hole(struct entry *e, const char *data, size_t len)
{
	const char *open = memmem(data, len, PAGE_HOLE_OPEN,
				  sizeof(PAGE_HOLE_OPEN) - 1);
	const char *close, *colon, *after;
	long long id;

	if (!open)
		return false;
	after = open + sizeof(PAGE_HOLE_OPEN) - 1;
	close = memmem(after, len - (size_t)(after - data), PAGE_HOLE_CLOSE,
		       sizeof(PAGE_HOLE_CLOSE) - 1);
	colon = close ? memchr(after, ':', (size_t)(close - after)) : NULL;
	if (!colon || sscanf(after, "%lld", &id) != 1 ||
	    (size_t)(close - colon - 1) >= sizeof(e->page.hole_key))
		return false;
	e->page.hole_id = id;
	memcpy(e->page.hole_key, colon + 1, (size_t)(close - colon - 1));
	e->page.hole_key[close - colon - 1] = '\0';
	close += sizeof(PAGE_HOLE_CLOSE) - 1;
	e->page.body = blob_new(data, (size_t)(open - data));
	e->page.suffix = blob_new(close, len - (size_t)(close - data));
	e->page.gz = deflate_blob(e->page.body->data, e->page.body->len,
				  Z_SYNC_FLUSH);
	e->page.suffix_z = deflate_blob(e->page.suffix->data,
					e->page.suffix->len, Z_FINISH);
	e->page.body_crc = (uint32_t)crc32(0, (const Bytef *)e->page.body->data,
					   (uInt)e->page.body->len);
	e->page.suffix_crc = (uint32_t)crc32(0, (const Bytef *)e->page.suffix->data,
					     (uInt)e->page.suffix->len);
	if (!e->page.gz || !e->page.suffix_z) {
		cached_page_release(&e->page);
		return false;
	}
	return true;
}

/* page_cache_get(), of any generation when @any. */
static int lookup(struct page_cache *pc, const char *key, uint64_t generation,
		  bool any, struct cached_page *out)
{
	struct entry *e;
	int r = ERR_NOTFOUND;

	pthread_rwlock_rdlock(&pc->lock);
	for (e = pc->buckets[hash_key(key)]; e; e = e->next) {
		if (!strcmp(e->key, key)) {
			if (any || e->generation == generation) {
				copy_out(e, out);
				r = 0;
			}
			break;
		}
	}
	pthread_rwlock_unlock(&pc->lock);
	return r;
}

int page_cache_get(struct page_cache *pc, const char *key, uint64_t generation,
		   struct cached_page *out)
{
	return lookup(pc, key, generation, false, out);
}

int page_cache_get_stale(struct page_cache *pc, const char *key,
			 struct cached_page *out)
{
	return lookup(pc, key, 0, true, out);
}

/* The entry of @key at @generation, or NULL; the caller holds the lock. */
static struct entry *find(struct page_cache *pc, const char *key,
			  uint64_t generation)
{
	struct entry *e;

	for (e = pc->buckets[hash_key(key)]; e; e = e->next)
		if (!strcmp(e->key, key))
			return e->generation == generation ? e : NULL;
	return NULL;
}

struct blob *page_cache_variant_get(struct page_cache *pc, const char *key,
				    uint64_t generation, uint32_t crc)
{
	struct blob *b = NULL;
	struct entry *e;

	pthread_rwlock_rdlock(&pc->lock);
	e = find(pc, key, generation);
	if (e && e->variant && e->variant_crc == crc)
		b = blob_ref(e->variant);
	pthread_rwlock_unlock(&pc->lock);
	return b;
}

void page_cache_variant_put(struct page_cache *pc, const char *key,
			    uint64_t generation, uint32_t crc, struct blob *br)
{
	struct blob *old = NULL;
	struct entry *e;

	pthread_rwlock_wrlock(&pc->lock);
	e = find(pc, key, generation);
	if (e) {
		old = e->variant;
		pc->bytes -= old ? old->len : 0;
		e->variant = blob_ref(br);
		e->variant_crc = crc;
		pc->bytes += br->len;
	}
	pthread_rwlock_unlock(&pc->lock);
	blob_unref(old);
}

static size_t entry_bytes(const struct entry *e)
{
	const struct cached_page *p = &e->page;

	return p->body->len + (p->gz ? p->gz->len : 0) +
	       (p->br ? p->br->len : 0) +
	       (p->suffix ? p->suffix->len + p->suffix_z->len : 0) +
	       (p->acct_head_z ? p->acct_head_z->len : 0) +
	       (p->acct_tail_z ? p->acct_tail_z->len : 0) +
	       (e->variant ? e->variant->len : 0) +
	       strlen(e->key) + sizeof(*e);
}

void page_cache_put(struct page_cache *pc, const char *key, uint64_t generation,
		    const char *type, const char *data, size_t len,
		    int64_t modified, size_t acct_off, size_t acct_len,
		    unsigned embeds, struct cached_page *out)
{
	struct entry *e = xcalloc(1, sizeof(*e)), **pp;
	unsigned h = hash_key(key);
	char hash[11];
	struct buf z;

	e->key = xstrdup(key);
	e->generation = generation;
	e->page.type = type;
	e->page.modified = modified;
	e->page.embeds = embeds;
	content_hash(data, len, hash);
	memcpy(e->page.etag, "\"", 1);
	memcpy(e->page.etag + 1, hash, 10);
	memcpy(e->page.etag + 11, "\"", 2);
	if (!split_hole(e, data, len)) {
		e->page.body = blob_new(data, len);
		buf_init(&z, NULL, len + 1024);
		if (len >= 256 && !gzip_compress(&z, data, len) && z.len < len)
			e->page.gz = blob_new(z.data, z.len);
		buf_release(&z);
		buf_init(&z, NULL, len + 1024);
		if (len >= 256 && !brotli_keep(&z, data, len) && z.len < len)
			e->page.br = blob_new(z.data, z.len);
		buf_release(&z);
	}
	if (acct_len && acct_off + acct_len <= e->page.body->len)
		split_account(&e->page, acct_off, acct_len);
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
