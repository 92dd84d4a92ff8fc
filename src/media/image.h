/*
 * image.h - reading lead photos: check a file really is a JPEG, PNG or
 * WebP image (libvips decodes it fully), learn its size, and name it by
 * its content so equal bytes share one key.
 *
 * libvips is loaded at run time by media_init(), which must succeed before
 * use; image work never runs on an HTTP connection thread.
 */
#ifndef DATELINE_IMAGE_H
#define DATELINE_IMAGE_H

#include <stddef.h>

struct arena;
struct media;

/* Largest photo accepted. */
#define MEDIA_MAX_SIZE (20 * 1024 * 1024)

/* Start libvips (once per process); ERR_INVALID when it cannot start. */
int media_init(const char *argv0);
void media_shutdown(void);

/*
 * Read the image at @path into @out (data, type, width, height, key), all in
 * the arena.  ERR_IO when unreadable, ERR_TOOBIG past MEDIA_MAX_SIZE,
 * ERR_INVALID when not a complete JPEG, PNG or WebP image; @err says which.
 */
int media_load_file(struct arena *a, const char *path, struct media *out,
		    char *err, size_t errlen);

#endif
