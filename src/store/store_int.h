/*
 * store_int.h - helpers the backends share.  Not used outside src/store/.
 */
#ifndef DATELINE_STORE_INT_H
#define DATELINE_STORE_INT_H

#include <stddef.h>

#include "core/embedded.h"

/*
 * The embedded migrations whose names start with @prefix ("sqlite/",
 * "postgres/"), sorted by name (so by number), at most @max; how many.
 */
size_t store_migration_files(const char *prefix,
			     const struct embedded_file **out, size_t max);

#endif
