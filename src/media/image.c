/*
 * image.c - image checks through libvips.
 *
 * libvips (and the ~90 libraries it pulls in) is loaded with dlopen() by
 * media_init(), so commands that never touch images -- serve among them --
 * do not carry it: that is about 15 MiB of resident memory.
 */
#include "image.h"

#include <dlfcn.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/file.h"
#include "store/store.h"

#define VIPS_SONAME "libvips.so.42"

/* The libvips functions we call, resolved at run time. */
static struct {
	void *handle;
	__typeof__(vips_version) *version;
	__typeof__(vips_init) *init;
	__typeof__(vips_shutdown) *shutdown;
	__typeof__(vips_concurrency_set) *concurrency_set;
	__typeof__(vips_foreign_find_load_buffer) *find_load_buffer;
	__typeof__(vips_error_clear) *error_clear;
	__typeof__(vips_image_new_from_buffer) *new_from_buffer;
	__typeof__(vips_avg) *avg;
	__typeof__(vips_image_get_width) *get_width;
	__typeof__(vips_image_get_height) *get_height;
	__typeof__(g_object_unref) *unref;
} vips;

static int resolve(void **slot, const char *name)
{
	*slot = dlsym(vips.handle, name);
	return *slot ? 0 : ERR_INVALID;
}

int media_init(const char *argv0)
{
	int r = 0;

	if (vips.handle)
		return 0;
	vips.handle = dlopen(VIPS_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!vips.handle)
		return ERR_INVALID;
	r |= resolve((void **)&vips.version, "vips_version");
	r |= resolve((void **)&vips.init, "vips_init");
	r |= resolve((void **)&vips.shutdown, "vips_shutdown");
	r |= resolve((void **)&vips.concurrency_set, "vips_concurrency_set");
	r |= resolve((void **)&vips.find_load_buffer, "vips_foreign_find_load_buffer");
	r |= resolve((void **)&vips.error_clear, "vips_error_clear");
	r |= resolve((void **)&vips.new_from_buffer, "vips_image_new_from_buffer");
	r |= resolve((void **)&vips.avg, "vips_avg");
	r |= resolve((void **)&vips.get_width, "vips_image_get_width");
	r |= resolve((void **)&vips.get_height, "vips_image_get_height");
	r |= resolve((void **)&vips.unref, "g_object_unref");
	/* The check VIPS_INIT() makes: the library's ABI is the one we built for. */
	if (r || vips.version(3) - vips.version(5) !=
		 VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE ||
	    vips.init(argv0)) {
		dlclose(vips.handle);
		vips.handle = NULL;
		return ERR_INVALID;
	}
	vips.concurrency_set(1);
	return 0;
}

void media_shutdown(void)
{
	/* libvips cannot be started again in one process: keep it loaded. */
	if (vips.handle)
		vips.shutdown();
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
	VipsImage *img;
	unsigned char hash[16];
	char hex[33];
	double avg;
	char *data;
	size_t size;
	int r;

	r = file_read(a, path, MEDIA_MAX_SIZE, &data, &size);
	if (r == ERR_TOOBIG) {
		snprintf(err, errlen, "photo '%s' is larger than 20 MB", path);
		return r;
	}
	if (r) {
		snprintf(err, errlen, "cannot read photo '%s'", path);
		return r;
	}
	if (!size) {
		snprintf(err, errlen, "photo '%s' is empty", path);
		return ERR_INVALID;
	}
	loader = vips.find_load_buffer(data, size);
	type = loader ? type_of(loader, &ext) : NULL;
	vips.error_clear();
	if (!type) {
		snprintf(err, errlen, "photo '%s' is not a JPEG, PNG or WebP image",
			 path);
		return ERR_INVALID;
	}
	img = vips.new_from_buffer(data, size, "",
				   "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	/* Decoding every pixel is the only proof the file is not truncated. */
	if (!img || vips.avg(img, &avg, NULL)) {
		if (img)
			vips.unref(img);
		vips.error_clear();
		snprintf(err, errlen, "photo '%s' is damaged or incomplete", path);
		return ERR_INVALID;
	}
	out->width = vips.get_width(img);
	out->height = vips.get_height(img);
	vips.unref(img);
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)data, size,
			   NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	out->key = arena_printf(a, "%s.%s", hex, ext);
	out->type = type;
	out->data = data;
	out->len = size;
	return 0;
}
