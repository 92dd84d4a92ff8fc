/*
 * static.c - the asset table: load, hash, precompress, look up.
 */
#include "static.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"
#include "core/arena.h"
#include "core/embedded.h"
#include "core/err.h"
#include "core/file.h"

#define MAX_ASSETS 128
#define MAX_ASSET_SIZE (4 * 1024 * 1024)

struct assets {
	struct asset items[MAX_ASSETS];
	size_t n;
};

const char *mime_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".webp", "image/webp" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".html", "text/html; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(*types); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

void content_hash(const void *data, size_t len, char out[11])
{
	unsigned char h[8];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, 11, h, 5);
}

static struct asset *slot_for(struct assets *as, const char *name)
{
	size_t i;

	for (i = 0; i < as->n; i++)
		if (!strcmp(as->items[i].name, name))
			return &as->items[i];
	if (as->n == MAX_ASSETS)
		return NULL;
	return &as->items[as->n++];
}

static void asset_clear(struct asset *a)
{
	free(a->name);
	free(a->hashed);
	free(a->url);
	blob_unref(a->body);
	blob_unref(a->gz);
	blob_unref(a->br);
	memset(a, 0, sizeof(*a));
}

static int add_asset(struct assets *as, const char *name, const void *data,
		     size_t len)
{
	struct asset *a = slot_for(as, name);
	const char *dot = strrchr(name, '.');
	char hash[11];
	size_t base = dot ? (size_t)(dot - name) : strlen(name);
	struct buf tmp;

	if (!a)
		return ERR_TOOBIG;
	asset_clear(a);
	content_hash(data, len, hash);
	a->name = xstrdup(name);
	a->hashed = xmalloc(strlen(name) + 12);
	snprintf(a->hashed, strlen(name) + 12, "%.*s-%s%s", (int)base, name,
		 hash, dot ? dot : "");
	a->url = xmalloc(strlen(a->hashed) + 9);
	snprintf(a->url, strlen(a->hashed) + 9, "/static/%s", a->hashed);
	a->type = mime_type(name);
	snprintf(a->etag, sizeof(a->etag), "\"%s\"", hash);
	a->body = blob_new(data, len);
	if (!strncmp(a->type, "text/", 5) || strstr(a->type, "svg")) {
		buf_init(&tmp, NULL, len + 1024);
		if (!gzip_compress(&tmp, data, len) && tmp.len < len)
			a->gz = blob_new(tmp.data, tmp.len);
		buf_release(&tmp);
		buf_init(&tmp, NULL, len + 1024);
		if (!brotli_keep(&tmp, data, len) && tmp.len < len)
			a->br = blob_new(tmp.data, tmp.len);
		buf_release(&tmp);
	}
	return 0;
}

static int add_file(void *ctx, const char *name, const char *data, size_t len,
		    char *err, size_t errlen)
{
	int r = add_asset(ctx, name, data, len);

	if (r)
		snprintf(err, errlen, "too many static files");
	return r;
}

int assets_load(const char *dir, struct assets **out, char *err, size_t errlen)
{
	struct assets *as = xcalloc(1, sizeof(*as));
	size_t i;
	int r = 0;

	for (i = 0; !r && embedded_static[i].name; i++)
		r = add_asset(as, embedded_static[i].name, embedded_static[i].data,
			      embedded_static[i].len);
	if (r)
		snprintf(err, errlen, "too many static files");
	if (!r && dir)
		r = file_each_in_dir("static", dir, MAX_ASSET_SIZE, add_file, as, err, errlen);
	if (r) {
		assets_free(as);
		return r;
	}
	*out = as;
	return 0;
}

void assets_free(struct assets *as)
{
	size_t i;

	if (!as)
		return;
	for (i = 0; i < as->n; i++)
		asset_clear(&as->items[i]);
	free(as);
}

const struct asset *assets_find(const struct assets *as, const char *name)
{
	size_t i;

	for (i = 0; i < as->n; i++)
		if (!strcmp(as->items[i].name, name) ||
		    !strcmp(as->items[i].hashed, name))
			return &as->items[i];
	return NULL;
}

const struct asset *assets_at(const struct assets *as, size_t i)
{
	return i < as->n ? &as->items[i] : NULL;
}
