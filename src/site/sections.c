/*
 * sections.c - the masthead's section list, kept between requests.
 *
 * Every page shows the sections with public stories, biggest first; the
 * store counts them with a scan of all stories (a quarter of a second on a
 * site of 100,000), which pages in the page cache pay once but uncached
 * pages (search, errors, accounts) would pay on every request.  The list
 * is kept for one store generation and at most SECTIONS_TTL_S seconds
 * (stories scheduled for later appear without a write).
 *
 * The footer's list of static pages is kept the same way, in a cache of
 * its own (a page's path as the slug, its title as the name).
 */
#include "site_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

#define SECTIONS_TTL_S 60

/* At most this many pages are listed in the footer. */
#define FOOTER_PAGES_MAX 50

struct section_cache {
	pthread_mutex_t lock;
	/* Where the list comes from. */
	int (*load)(struct store *s, struct arena *a, struct section **out,
		    size_t *n);
	bool valid;
	uint64_t generation;
	int64_t made;
	struct section *list;	/* heap, strings too */
	size_t n;
};

/* The published top-level pages as sections: path and title. */
static int load_pages(struct store *s, struct arena *a, struct section **out,
		      size_t *n)
{
	struct page *pages;
	size_t i;
	int r = store_pages_list(s, a, true, true, FOOTER_PAGES_MAX, &pages, n);

	if (r)
		return r;
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (i = 0; i < *n; i++) {
		(*out)[i].slug = pages[i].path;
		(*out)[i].name = pages[i].title;
		(*out)[i].count = 0;
	}
	return 0;
}

struct section_cache *section_cache_new(bool pages)
{
	struct section_cache *c = xcalloc(1, sizeof(*c));

	c->load = pages ? load_pages : store_sections;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void drop(struct section_cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->list[i].slug);
		free((char *)c->list[i].name);
	}
	free(c->list);
	c->list = NULL;
	c->n = 0;
	c->valid = false;
}

void section_cache_free(struct section_cache *c)
{
	if (!c)
		return;
	drop(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Copy @n sections into @a (strings too). */
static struct section *copy(struct arena *a, const struct section *src,
			    size_t n)
{
	struct section *out = arena_alloc(a, (n ? n : 1) * sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].slug = arena_strdup(a, src[i].slug);
		out[i].name = arena_strdup(a, src[i].name);
		out[i].count = src[i].count;
	}
	return out;
}

/* The list @c keeps, fresh from the store when it is out of date. */
static int cached(struct site *site, struct section_cache *c,
		  struct arena *a, struct section **out, size_t *n)
{
	uint64_t gen = site_generation(site);
	int64_t now = time_now();
	struct section *fresh;
	size_t i;
	int r;

	pthread_mutex_lock(&c->lock);
	if (c->valid && c->generation == gen && now - c->made < SECTIONS_TTL_S) {
		*out = copy(a, c->list, c->n);
		*n = c->n;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	pthread_mutex_unlock(&c->lock);
	if ((r = c->load(site->store, a, &fresh, n)))
		return r;
	*out = fresh;
	pthread_mutex_lock(&c->lock);
	drop(c);
	c->list = xcalloc(*n ? *n : 1, sizeof(*c->list));
	for (i = 0; i < *n; i++) {
		c->list[i].slug = xstrdup(fresh[i].slug);
		c->list[i].name = xstrdup(fresh[i].name);
		c->list[i].count = fresh[i].count;
	}
	c->n = *n;
	c->generation = gen;
	c->made = now;
	c->valid = true;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int site_sections(struct site *site, struct arena *a, struct section **out,
		  size_t *n)
{
	if (!site->sections)
		return store_sections(site->store, a, out, n);
	return cached(site, site->sections, a, out, n);
}

int site_footer_pages(struct site *site, struct arena *a,
		      struct section **out, size_t *n)
{
	if (!site->footer_pages)
		return load_pages(site->store, a, out, n);
	return cached(site, site->footer_pages, a, out, n);
}
