/*
 * file.h - reading whole files, with a size cap.
 */
#ifndef DATELINE_FILE_H
#define DATELINE_FILE_H

#include <stddef.h>

struct arena;

/*
 * Read the regular file @path into arena memory (NUL-terminated; the NUL
 * is not counted in *len).  ERR_IO when it is missing, not a regular file
 * or unreadable; ERR_TOOBIG when larger than @max bytes.
 */
int file_read(struct arena *a, const char *path, size_t max, char **data,
	      size_t *len);

/*
 * Call @fn(ctx, name, data, len) for every regular file in the @what folder
 * @dir ("templates": errors then say "cannot open templates folder ...")
 * whose name does not start with '.', its contents read whole (at most
 * @max bytes).  Stops at the first non-zero return of @fn and returns it.
 * On a folder or file that cannot be read, or a file over @max, returns
 * ERR_IO / ERR_TOOBIG with a one-line reason in @err.  @fn writes its own
 * reason into @err when it fails.
 */
int file_each_in_dir(const char *what, const char *dir, size_t max,
		     int (*fn)(void *ctx, const char *name, const char *data,
			       size_t len, char *err, size_t errlen),
		     void *ctx, char *err, size_t errlen);

#endif
