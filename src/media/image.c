/*
 * image.c - image checks through libvips.
 */
#include "image.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <vips/vips.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

int media_init(const char *argv0)
{
	if (VIPS_INIT(argv0))
		return ERR_INVALID;
	vips_concurrency_set(1);
	return 0;
}

void media_shutdown(void)
{
	vips_shutdown();
}

static const char *type_of(const char *loader, const char **ext)
{
	static const struct {
		const char *loader, *type, *ext;
	} known[] = {
		{ "LoadJpeg", "image/jpeg", "jpg" },
		{ "LoadPng", "image/png", "png" },
		{ "LoadWebp", "image/webp", "webp" },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(*known); i++) {
		/* libvips names loaders like "VipsForeignLoadJpegBuffer". */
		if (strstr(loader, known[i].loader)) {
			*ext = known[i].ext;
			return known[i].type;
		}
	}
	return NULL;
}

int media_load_file(struct arena *a, const char *path, struct media *out,
		    char *err, size_t errlen)
{
	const char *loader, *type, *ext = "";
	struct stat st;
	VipsImage *img;
	unsigned char hash[16];
	char hex[33];
	double avg;
	FILE *f;
	void *data;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || !(f = fopen(path, "rb"))) {
		snprintf(err, errlen, "cannot read photo '%s'", path);
		return ERR_IO;
	}
	if (st.st_size > MEDIA_MAX_SIZE || st.st_size == 0) {
		fclose(f);
		snprintf(err, errlen, st.st_size ? "photo '%s' is larger than"
			 " 20 MB" : "photo '%s' is empty", path);
		return st.st_size ? ERR_TOOBIG : ERR_INVALID;
	}
	data = arena_alloc(a, (size_t)st.st_size);
	if (fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fclose(f);
		snprintf(err, errlen, "cannot read photo '%s'", path);
		return ERR_IO;
	}
	fclose(f);
	loader = vips_foreign_find_load_buffer(data, (size_t)st.st_size);
	type = loader ? type_of(loader, &ext) : NULL;
	vips_error_clear();
	if (!type) {
		snprintf(err, errlen, "photo '%s' is not a JPEG, PNG or WebP image",
			 path);
		return ERR_INVALID;
	}
	img = vips_image_new_from_buffer(data, (size_t)st.st_size, "",
					 "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	/* Decoding every pixel is the only proof the file is not truncated. */
	if (!img || vips_avg(img, &avg, NULL)) {
		if (img)
			g_object_unref(img);
		vips_error_clear();
		snprintf(err, errlen, "photo '%s' is damaged or incomplete", path);
		return ERR_INVALID;
	}
	out->width = vips_image_get_width(img);
	out->height = vips_image_get_height(img);
	g_object_unref(img);
	crypto_generichash(hash, sizeof(hash), data, (size_t)st.st_size, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	out->key = arena_printf(a, "%s.%s", hex, ext);
	out->type = type;
	out->data = data;
	out->len = (size_t)st.st_size;
	return 0;
}
