/*
 * templates.c - compile embedded templates, then a theme folder over them.
 */
#include "templates.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/embedded.h"
#include "core/err.h"
#include "mustache.h"

#define MAX_TEMPLATE_SIZE (1024 * 1024)
#define SUFFIX ".mustache"

/* "page.mustache" -> "page" in @out; false for other file names. */
static bool template_name(const char *file, char *out, size_t len)
{
	size_t n = strlen(file), s = strlen(SUFFIX);

	if (n <= s || strcmp(file + n - s, SUFFIX) || n - s >= len)
		return false;
	memcpy(out, file, n - s);
	out[n - s] = '\0';
	return true;
}

static int add(struct tmpl_set *set, const char *file, const char *src,
	       size_t len, char *err, size_t errlen)
{
	char name[256], msg[256];

	if (!template_name(file, name, sizeof(name)))
		return 0;
	if (tmpl_set_add(set, name, src, len, msg, sizeof(msg))) {
		snprintf(err, errlen, "template '%s': %s", file, msg);
		return ERR_INVALID;
	}
	return 0;
}

static int load_dir(struct tmpl_set *set, const char *dir, char *err,
		    size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	if (!d) {
		snprintf(err, errlen, "cannot open templates folder '%s'", dir);
		return ERR_IO;
	}
	while (!r && (e = readdir(d))) {
		char path[4096], name[256];
		struct stat st;
		FILE *f;
		char *src;

		if (!template_name(e->d_name, name, sizeof(name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (st.st_size > MAX_TEMPLATE_SIZE) {
			snprintf(err, errlen, "template '%s' is too large", path);
			r = ERR_TOOBIG;
			break;
		}
		if (!(f = fopen(path, "rb"))) {
			snprintf(err, errlen, "cannot read '%s'", path);
			r = ERR_IO;
			break;
		}
		src = xmalloc((size_t)st.st_size + 1);
		if (fread(src, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
			snprintf(err, errlen, "cannot read '%s'", path);
			r = ERR_IO;
		} else {
			r = add(set, e->d_name, src, (size_t)st.st_size, err, errlen);
		}
		free(src);
		fclose(f);
	}
	closedir(d);
	return r;
}

int templates_load(const char *dir, struct tmpl_set **out, char *err,
		   size_t errlen)
{
	struct tmpl_set *set = tmpl_set_new();
	size_t i;
	int r = 0;

	for (i = 0; !r && embedded_templates[i].name; i++)
		r = add(set, embedded_templates[i].name, embedded_templates[i].data,
			embedded_templates[i].len, err, errlen);
	if (!r && dir)
		r = load_dir(set, dir, err, errlen);
	if (r) {
		tmpl_set_free(set);
		return r;
	}
	*out = set;
	return 0;
}
