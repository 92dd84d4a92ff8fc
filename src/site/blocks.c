/*
 * blocks.c - rendered reaction blocks as readers without an identity see
 * them: the same for all such readers until the next reaction on the
 * article, so a hot story costs a memory copy, not two queries and a
 * render.  Entries are dropped by reactions_committed() and ignored once
 * the content generation moves.
 */
#include "site_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "core/arena.h"
#include "core/buf.h"

struct block_entry {
	struct block_entry *next;
	int64_t article_id;
	uint64_t generation;
	char slug[128];
	uint32_t crc;
	size_t len, zlen;
	char *z;		/* raw deflate of html, for gzip responses */
	char html[];
};

static void entry_free(struct block_entry *e)
{
	free(e->z);
	free(e);
}

/* CRC and deflate the entry's html once, so gzip answers cost a copy. */
static int entry_compress(struct block_entry *e)
{
	struct hole_fill f = { .html = e->html, .len = e->len };
	struct buf z;
	int r;

	hole_fill_finish(&f);
	e->crc = f.crc;
	buf_init(&z, NULL, e->len + 1024);
	r = hole_deflate(&z, e->html, e->len);
	if (r)
		buf_release(&z);
	else
		e->z = buf_detach(&z, &e->zlen);
	return r;
}

struct block_cache {
	pthread_rwlock_t lock;
	uint64_t drops;		/* +1 on every block_drop() */
	struct block_entry *buckets[BLOCK_BUCKETS];
};

struct block_cache *block_cache_new(void)
{
	struct block_cache *bc = xcalloc(1, sizeof(*bc));

	pthread_rwlock_init(&bc->lock, NULL);
	return bc;
}

static void block_drop_locked(struct block_cache *bc, int64_t article_id)
{
	struct block_entry **pp = &bc->buckets[(uint64_t)article_id % BLOCK_BUCKETS];

	while (*pp) {
		struct block_entry *e = *pp;

		if (e->article_id == article_id) {
			*pp = e->next;
			entry_free(e);
		} else {
			pp = &e->next;
		}
	}
}

void block_cache_free(struct block_cache *bc)
{
	size_t i;

	if (!bc)
		return;
	for (i = 0; i < BLOCK_BUCKETS; i++) {
		while (bc->buckets[i]) {
			struct block_entry *e = bc->buckets[i];

			bc->buckets[i] = e->next;
			entry_free(e);
		}
	}
	pthread_rwlock_destroy(&bc->lock);
	free(bc);
}

void block_drop(struct block_cache *bc, int64_t article_id)
{
	pthread_rwlock_wrlock(&bc->lock);
	bc->drops++;
	block_drop_locked(bc, article_id);
	pthread_rwlock_unlock(&bc->lock);
}

/* Append the kept block of @article_id to @out; false when not kept. */
bool block_get_fill(struct block_cache *bc, int64_t article_id,
		    const char *slug, uint64_t gen, struct buf *out,
		    struct hole_fill *fill, uint64_t *ticket)
{
	struct block_entry *e;
	size_t start = out->len;
	bool hit = false;

	pthread_rwlock_rdlock(&bc->lock);
	*ticket = bc->drops;
	for (e = bc->buckets[(uint64_t)article_id % BLOCK_BUCKETS]; e; e = e->next) {
		if (e->article_id == article_id && e->generation == gen &&
		    !strcmp(e->slug, slug)) {
			hit = !buf_add(out, e->html, e->len);
			if (hit && fill) {
				char *z = arena_alloc(out->arena, e->zlen);

				memcpy(z, e->z, e->zlen);
				fill->html = out->data + start;
				fill->len = e->len;
				fill->z = z;
				fill->zlen = e->zlen;
				fill->crc = e->crc;
			}
			break;
		}
	}
	pthread_rwlock_unlock(&bc->lock);
	return hit;
}

bool block_get(struct block_cache *bc, int64_t article_id, const char *slug,
	       uint64_t gen, struct buf *out, uint64_t *ticket)
{
	return block_get_fill(bc, article_id, slug, gen, out, NULL, ticket);
}

void block_put(struct block_cache *bc, int64_t article_id,
		      const char *slug, uint64_t gen, const char *html,
		      size_t len, uint64_t ticket)
{
	struct block_entry *e;
	size_t slug_len = strlen(slug);

	if (slug_len >= sizeof(e->slug))
		return;
	e = xcalloc(1, sizeof(*e) + len);
	e->article_id = article_id;
	e->generation = gen;
	memcpy(e->slug, slug, slug_len + 1);
	e->len = len;
	memcpy(e->html, html, len);
	if (entry_compress(e)) {
		entry_free(e);
		return;
	}
	pthread_rwlock_wrlock(&bc->lock);
	if (bc->drops != ticket) {
		/* A reaction was committed since block_get(): @html may have
		 * been rendered from the counts before it; keep nothing. */
		pthread_rwlock_unlock(&bc->lock);
		entry_free(e);
		return;
	}
	block_drop_locked(bc, article_id);
	e->next = bc->buckets[(uint64_t)article_id % BLOCK_BUCKETS];
	bc->buckets[(uint64_t)article_id % BLOCK_BUCKETS] = e;
	pthread_rwlock_unlock(&bc->lock);
}

