/*
 * embedded.h - files compiled into the binary by tools/embed.c.
 *
 * Each table ends with an entry whose name is NULL.  Data is NUL-terminated
 * (the NUL is not counted in len) and lives for the whole process.
 */
#ifndef DATELINE_EMBEDDED_H
#define DATELINE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;	/* path relative to its folder, e.g. "page.mustache" */
	const char *data;
	size_t len;
};

extern const struct embedded_file embedded_templates[];
extern const struct embedded_file embedded_static[];
extern const struct embedded_file embedded_sql[];
/* Compiled message catalogues, "de.mo" (po/meson.build). */
extern const struct embedded_file embedded_mo[];

#endif
