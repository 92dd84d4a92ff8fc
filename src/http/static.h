/*
 * static.h - static assets (CSS, script, icons) with content-hashed URLs.
 *
 * Assets come from the binary (static/ embedded at build time) or, for a
 * theme, from a folder given with --static that overrides files by name.
 * Each asset is reachable as /static/NAME (short cache) and as
 * /static/NAME-HASH.EXT with HASH taken from its bytes (cached for a
 * year, immutable): pages link the hashed form, so a new release never
 * shows a stale file.  Text assets are gzipped and brotli-compressed once at load.
 */
#ifndef DATELINE_STATIC_H
#define DATELINE_STATIC_H

#include <stddef.h>

#include "http/http.h"

struct asset {
	char *name;		/* "site.css" */
	char *hashed;		/* "site-3fa2c1d07b.css" */
	char *url;		/* "/static/site-3fa2c1d07b.css" */
	const char *type;	/* MIME type */
	char etag[24];
	struct blob *body, *gz;	/* gz NULL for binary types */
	struct blob *br;	/* brotli; NULL for binary types */
};

struct assets;

/* Load embedded assets, then files of @dir (may be NULL) over them. */
int assets_load(const char *dir, struct assets **out, char *err, size_t errlen);
void assets_free(struct assets *as);

/* The asset named @name in plain or hashed form, or NULL. */
const struct asset *assets_find(const struct assets *as, const char *name);

/* Iterate: the i-th asset or NULL past the end. */
const struct asset *assets_at(const struct assets *as, size_t i);

/* A MIME type from a file name's extension. */
const char *mime_type(const char *name);

/* Fill @out with 10 hex digits of a content hash of the bytes (libsodium). */
void content_hash(const void *data, size_t len, char out[11]);

#endif
