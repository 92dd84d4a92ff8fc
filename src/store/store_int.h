/*
 * store_int.h - helpers the backends share.  Not used outside src/store/.
 */
#ifndef DATELINE_STORE_INT_H
#define DATELINE_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/embedded.h"
#include "store.h"

/*
 * The embedded migrations whose names start with @prefix ("sqlite/",
 * "postgres/"), sorted by name (so by number), at most @max; how many.
 */
size_t store_migration_files(const char *prefix,
			     const struct embedded_file **out, size_t max);

/*
 * The calling thread's read routing (store_reads_begin()): whether its
 * reads may go to a replica, and the log position a replica must have
 * replayed for them.  Backends raise @floor after the thread's writes.
 */
struct store_route {
	bool replica_ok;
	uint64_t floor;
};
struct store_route *store_route(void);

/*
 * Sitemap parts from @n rows of the URL collector whose slug is the part
 * number as text and modified the part's newest change (arena).
 */
struct sitemap_part *sitemap_parts_of(struct arena *a,
				      const struct sitemap_url *rows, size_t n);

/*
 * The copy statements of @t (store_copy.c), placeholders "?i" or "$i"
 * by @mark: a keyset SELECT (after the key: parameters 1..nkeys, then the
 * limit), and the write of one row for @mode (parameter i = column i).
 */
struct arena;
const char *copy_sql_select(struct arena *a, const struct copy_table *t,
			    bool after, char mark);
const char *copy_sql_write(struct arena *a, const struct copy_table *t,
			   enum copy_mode mode, char mark);

#endif
