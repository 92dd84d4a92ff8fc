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

#include "store/store.h"

struct arena;

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

/* Widths of the responsive copies (narrower than the photo only). */
#define MEDIA_WIDTHS { 480, 960, 1600 }
/* The stored photo is at most this wide. */
#define MEDIA_MAX_WIDTH 2400
/* Larger images are refused before decoding, whatever the site allows. */
#define MEDIA_MAX_PIXELS 100000000
/* What a site allows by default (serve --photo-max-pixels). */
#define MEDIA_DEFAULT_PIXELS 40000000

/*
 * Read only the header of the image in @data and refuse it when it has
 * more than @max_pixels pixels (or is no JPEG, PNG or WebP): ERR_TOOBIG
 * or ERR_INVALID with a sentence in @err.  Milliseconds, whatever the
 * image's size: nothing is decoded.  @width and @height (either may be
 * NULL) get the image's size when its header could be read, so that a
 * caller can word the refusal in its reader's language.
 */
int media_check_pixels(const void *data, size_t len, long max_pixels,
		       long *width, long *height,
		       char *err, size_t errlen);

/* A processed upload: every image to store, and the variant rows. */
struct media_set {
	struct media main;	/* the photo: upright, no metadata */
	struct media *items;	/* main first, then every copy */
	size_t n;
	struct photo_variant *variants;	/* rows for the copies */
	size_t nvariants;
};

/*
 * Check that @data is a complete JPEG, PNG or WebP image, turn it upright
 * (EXIF orientation), drop every metadata block (EXIF with GPS, XMP, IPTC,
 * comments; the ICC profile too, after conversion) and make the copies:
 * each of MEDIA_WIDTHS narrower than the photo, in its own format and in
 * WebP, plus the photo itself in WebP.  All in the arena.  ERR_INVALID
 * with a sentence in @err for the person who sent it.  Slow: never on a
 * connection thread.
 */
int media_process(struct arena *a, const void *data, size_t len,
		  struct media_set *out, char *err, size_t errlen);

#endif
