/*
 * image.c - image checks through libvips.
 *
 * libvips (and the ~90 libraries it pulls in) is loaded with dlopen() by
 * media_init(), so commands that never touch images -- serve among them --
 * do not carry it: that is about 15 MiB of resident memory.
 */
#include "image.h"
#include "webp.h"

#include <dlfcn.h>
#include <malloc.h>
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
	__typeof__(vips_autorot) *autorot;
	__typeof__(vips_resize) *resize;
	__typeof__(vips_image_copy_memory) *copy_memory;
	__typeof__(vips_image_write_to_buffer) *write_to_buffer;
	__typeof__(vips_colourspace) *colourspace;
	__typeof__(vips_image_guess_interpretation) *guess_interpretation;
	__typeof__(g_free) *gfree;
	__typeof__(vips_copy) *copy;
	__typeof__(vips_image_get_fields) *get_fields;
	__typeof__(vips_image_remove) *remove;
	__typeof__(g_strfreev) *strfreev;
	__typeof__(vips_thread_shutdown) *thread_shutdown;
	__typeof__(vips_cache_set_max) *cache_set_max;
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
	r |= resolve((void **)&vips.autorot, "vips_autorot");
	r |= resolve((void **)&vips.resize, "vips_resize");
	r |= resolve((void **)&vips.copy_memory, "vips_image_copy_memory");
	r |= resolve((void **)&vips.write_to_buffer, "vips_image_write_to_buffer");
	r |= resolve((void **)&vips.colourspace, "vips_colourspace");
	r |= resolve((void **)&vips.guess_interpretation,
		     "vips_image_guess_interpretation");
	r |= resolve((void **)&vips.gfree, "g_free");
	r |= resolve((void **)&vips.copy, "vips_copy");
	r |= resolve((void **)&vips.get_fields, "vips_image_get_fields");
	r |= resolve((void **)&vips.remove, "vips_image_remove");
	r |= resolve((void **)&vips.strfreev, "g_strfreev");
	r |= resolve((void **)&vips.thread_shutdown, "vips_thread_shutdown");
	r |= resolve((void **)&vips.cache_set_max, "vips_cache_set_max");
	/* The check VIPS_INIT() makes: the library's ABI is the one we built for. */
	if (r || vips.version(3) - vips.version(5) !=
		 VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE ||
	    vips.init(argv0)) {
		dlclose(vips.handle);
		vips.handle = NULL;
		return ERR_INVALID;
	}
	vips.concurrency_set(1);
	/* Each image is worked on once: an operation cache only holds memory. */
	vips.cache_set_max(0);
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

/* Name @data by its content: "HEX.EXT" (arena). */
static const char *content_key(struct arena *a, const void *data, size_t len,
			       const char *ext)
{
	unsigned char hash[16];
	char hex[33];

	crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	return arena_printf(a, "%s.%s", hex, ext);
}

/*
 * Open @data as a JPEG, PNG or WebP image (header only); NULL with @err
 * set when it is none of them.  *type and *ext get its kind.
 */
static VipsImage *open_image(const void *data, size_t len, const char **type,
			     const char **ext, const char *what, char *err,
			     size_t errlen)
{
	const char *loader;
	VipsImage *img;

	loader = len ? vips.find_load_buffer(data, len) : NULL;
	*type = loader ? type_of(loader, ext) : NULL;
	vips.error_clear();
	if (!*type) {
		snprintf(err, errlen, "%s is not a JPEG, PNG or WebP image", what);
		return NULL;
	}
	img = vips.new_from_buffer(data, len, "", "fail_on", VIPS_FAIL_ON_ERROR,
				   NULL);
	if (!img) {
		vips.error_clear();
		snprintf(err, errlen, "%s is damaged or incomplete", what);
	}
	return img;
}

int media_load_file(struct arena *a, const char *path, struct media *out,
		    char *err, size_t errlen)
{
	const char *type, *ext = "";
	VipsImage *img;
	double avg;
	char *data, what[300];
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
	snprintf(what, sizeof(what), "photo '%s'", path);
	if (!(img = open_image(data, size, &type, &ext, what, err, errlen)))
		return ERR_INVALID;
	/* Decoding every pixel is the only proof the file is not truncated. */
	if (vips.avg(img, &avg, NULL)) {
		vips.unref(img);
		vips.error_clear();
		snprintf(err, errlen, "photo '%s' is damaged or incomplete", path);
		return ERR_INVALID;
	}
	out->width = vips.get_width(img);
	out->height = vips.get_height(img);
	vips.unref(img);
	out->key = content_key(a, data, size, ext);
	out->type = type;
	out->data = data;
	out->len = size;
	return 0;
}

/* Encode @img as @ext ("jpg", "png", "webp") without metadata into @m. */
static int encode(struct arena *a, VipsImage *img, const char *ext,
		  const char *type, struct media *m)
{
	const char *opts = !strcmp(ext, "jpg") ? ".jpg[Q=82,strip,optimize_coding]" :
			   !strcmp(ext, "png") ? ".png[strip]" : ".webp[Q=80,strip]";
	void *buf = NULL;
	size_t len = 0;
	char *copy;

	if (vips.write_to_buffer(img, opts, &buf, &len, NULL)) {
		vips.error_clear();
		return ERR_INVALID;
	}
	copy = arena_alloc(a, len);
	memcpy(copy, buf, len);
	vips.gfree(buf);
	/* libvips 8.14 writes an EXIF chunk into WebP even with strip. */
	if (!strcmp(ext, "webp") && !(len = webp_strip((unsigned char *)copy,
						       len)))
		return ERR_INVALID;
	m->key = content_key(a, copy, len, ext);
	m->type = type;
	m->width = vips.get_width(img);
	m->height = vips.get_height(img);
	m->data = copy;
	m->len = len;
	return 0;
}

/*
 * A copy of @img without any metadata field (EXIF, XMP, IPTC, ICC, PNG
 * comments...), so no saver can write one: "strip" alone does not keep
 * every libvips version's WebP saver from writing EXIF.
 */
static VipsImage *bare(VipsImage *img)
{
	VipsImage *out = NULL;
	gchar **names;
	size_t i;

	if (vips.copy(img, &out, NULL))
		return NULL;
	names = vips.get_fields(out);
	for (i = 0; names && names[i]; i++)
		vips.remove(out, names[i]);	/* built-in fields stay */
	vips.strfreev(names);
	return out;
}

/* @img scaled to @width pixels wide (a new reference). */
static VipsImage *scaled(VipsImage *img, int width)
{
	VipsImage *out = NULL;

	if (width >= vips.get_width(img))
		return vips.copy(img, &out, NULL) ? NULL : out;
	if (vips.resize(img, &out, (double)width / vips.get_width(img), NULL))
		return NULL;
	return out;
}

int media_check_pixels(const void *data, size_t len, long max_pixels,
		       long *width, long *height, char *err, size_t errlen)
{
	const char *type, *ext = "";
	VipsImage *img = open_image(data, len, &type, &ext, "The file", err,
				    errlen);
	double w, h;
	int r = 0;

	if (!img) {
		vips.thread_shutdown();
		return ERR_INVALID;
	}
	w = vips.get_width(img);
	h = vips.get_height(img);
	if (width)
		*width = (long)w;
	if (height)
		*height = (long)h;
	if (w * h > (double)max_pixels) {
		snprintf(err, errlen, "The image is %.0f x %.0f pixels (%.1f"
			 " megapixels); this site takes photos of at most %.1f"
			 " megapixels.", w, h, w * h / 1e6,
			 (double)max_pixels / 1e6);
		r = ERR_TOOBIG;
	}
	vips.unref(img);
	vips.thread_shutdown();
	return r;
}

int media_process(struct arena *a, const void *data, size_t len,
		  struct media_set *out, char *err, size_t errlen)
{
	static const int widths[] = MEDIA_WIDTHS;
	const char *type, *ext = "";
	VipsImage *img, *up = NULL, *mem = NULL, *srgb = NULL;
	size_t i, k, nw = 0;
	int cuts[sizeof(widths) / sizeof(*widths) + 1];
	int r = ERR_INVALID;

	memset(out, 0, sizeof(*out));
	if (!(img = open_image(data, len, &type, &ext, "The file", err, errlen))) {
		vips.thread_shutdown();
		return ERR_INVALID;
	}
	if ((double)vips.get_width(img) * vips.get_height(img) >
	    MEDIA_MAX_PIXELS) {
		snprintf(err, errlen, "The image has more than %d megapixels.",
			 MEDIA_MAX_PIXELS / 1000000);
		goto out;
	}
	/* Decode every pixel once (a truncated file fails here), turn it
	 * upright by its EXIF orientation, in sRGB for every encoder. */
	if (!(mem = vips.copy_memory(img)) || vips.autorot(mem, &up, NULL)) {
		snprintf(err, errlen, "The file is damaged or incomplete.");
		goto out;
	}
	if (vips.guess_interpretation(up) == VIPS_INTERPRETATION_CMYK) {
		if (vips.colourspace(up, &srgb, VIPS_INTERPRETATION_sRGB, NULL))
			goto bad;
		vips.unref(up);
		up = srgb;
	}
	if (!(srgb = bare(up)))
		goto bad;
	vips.unref(up);
	up = srgb;
	/* The widths to make: each listed one narrower than the image, and
	 * the image itself up to MEDIA_MAX_WIDTH. */
	for (i = 0; i < sizeof(widths) / sizeof(*widths); i++)
		if (widths[i] < vips.get_width(up) && widths[i] < MEDIA_MAX_WIDTH)
			cuts[nw++] = widths[i];
	cuts[nw++] = vips.get_width(up) < MEDIA_MAX_WIDTH ? vips.get_width(up) :
		     MEDIA_MAX_WIDTH;
	out->items = arena_zalloc(a, 2 * nw * sizeof(*out->items));
	out->variants = arena_zalloc(a, 2 * nw * sizeof(*out->variants));
	for (i = nw; i-- > 0; ) {
		VipsImage *v = scaled(up, cuts[i]);

		if (!v)
			goto bad;
		for (k = 0; k < 2; k++) {
			struct media *m = &out->items[out->n];
			struct photo_variant *pv;

			if (k == 1 ? encode(a, v, "webp", "image/webp", m) :
			    encode(a, v, ext, type, m)) {
				vips.unref(v);
				goto bad;
			}
			out->n++;
			if (k == 0 && i == nw - 1)
				continue;	/* the photo itself */
			pv = &out->variants[out->nvariants++];
			pv->type = m->type;
			pv->width = m->width;
			pv->height = m->height;
			pv->media_key = m->key;
		}
		vips.unref(v);
	}
	out->main = out->items[0];
	for (i = 0; i < out->nvariants; i++)
		out->variants[i].photo_key = out->main.key;
	r = 0;
	goto out;
bad:
	snprintf(err, errlen, "The image could not be processed.");
	vips.error_clear();
	r = ERR_INVALID;
out:
	if (up)
		vips.unref(up);
	if (mem)
		vips.unref(mem);
	vips.unref(img);
	/* This thread's libvips state goes now: pool threads outlive vips.
	 * Decoded pixels were tens of MB: give the pages back. */
	vips.error_clear();
	vips.thread_shutdown();
	malloc_trim(0);
	return r;
}
