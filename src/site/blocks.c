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

#include "core/arena.h"

struct block_entry {
	struct block_entry *next;
	int64_t article_id;
	uint64_t generation;
	char slug[128];
	size_t len;
	char html[];
};

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
			free(e);
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
			free(e);
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
bool block_get(struct block_cache *bc, int64_t article_id,
		      const char *slug, uint64_t gen, struct buf *out,
		      uint64_t *ticket)
{
	struct block_entry *e;
	bool hit = false;

	pthread_rwlock_rdlock(&bc->lock);
	*ticket = bc->drops;
	for (e = bc->buckets[(uint64_t)article_id % BLOCK_BUCKETS]; e; e = e->next) {
		if (e->article_id == article_id && e->generation == gen &&
		    !strcmp(e->slug, slug)) {
			hit = !buf_add(out, e->html, e->len);
			break;
		}
	}
	pthread_rwlock_unlock(&bc->lock);
	return hit;
}

void block_put(struct block_cache *bc, int64_t article_id,
		      const char *slug, uint64_t gen, const char *html,
		      size_t len, uint64_t ticket)
{
	struct block_entry *e;

	if (strlen(slug) >= sizeof(e->slug))
		return;
	e = xmalloc(sizeof(*e) + len);
	e->article_id = article_id;
	e->generation = gen;
	strcpy(e->slug, slug);
	e->len = len;
	memcpy(e->html, html, len);
	pthread_rwlock_wrlock(&bc->lock);
	if (bc->drops != ticket) {
		/* A reaction was committed since block_get(): @html may have
		 * been rendered from the counts before it; keep nothing. */
		pthread_rwlock_unlock(&bc->lock);
		free(e);
		return;
	}
	block_drop_locked(bc, article_id);
	e->next = bc->buckets[(uint64_t)article_id % BLOCK_BUCKETS];
	bc->buckets[(uint64_t)article_id % BLOCK_BUCKETS] = e;
	pthread_rwlock_unlock(&bc->lock);
}

