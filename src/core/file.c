/*
 * file.c - whole-file reads for article files, photos, themes and assets.
 */
#include "file.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#include "arena.h"
#include "err.h"

int file_read(struct arena *a, const char *path, size_t max, char **data,
	      size_t *len)
{
	struct stat st;
	FILE *f;
	size_t n;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return ERR_IO;
	if ((size_t)st.st_size > max)
		return ERR_TOOBIG;
	if (!(f = fopen(path, "rb")))
		return ERR_IO;
	*data = arena_alloc(a, (size_t)st.st_size + 1);
	n = fread(*data, 1, (size_t)st.st_size, f);
	fclose(f);
	if (n != (size_t)st.st_size)
		return ERR_IO;
	(*data)[n] = '\0';
	*len = n;
	return 0;
}

int file_each_in_dir(const char *what, const char *dir, size_t max,
		     int (*fn)(void *ctx, const char *name, const char *data,
			       size_t len, char *err, size_t errlen),
		     void *ctx, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct arena *a;
	struct dirent *e;
	int r = 0;

	if (!d) {
		snprintf(err, errlen, "cannot open %s folder '%s'", what, dir);
		return ERR_IO;
	}
	a = arena_new(64 * 1024);
	while (!r && (e = readdir(d))) {
		char path[4096], *data;
		struct stat st;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		r = file_read(a, path, max, &data, &len);
		if (r == ERR_TOOBIG)
			snprintf(err, errlen, "'%s' is larger than %zu bytes", path, max);
		else if (r)
			snprintf(err, errlen, "cannot read '%s'", path);
		else
			r = fn(ctx, e->d_name, data, len, err, errlen);
		arena_reset(a);
	}
	closedir(d);
	arena_free(a);
	return r;
}
