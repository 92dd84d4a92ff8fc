/*
 * templates.c - compile embedded templates, then a theme folder over them.
 */
#include "templates.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/embedded.h"
#include "core/err.h"
#include "core/file.h"
#include "i18n/i18n.h"
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

static int add_file(void *ctx, const char *name, const char *data, size_t len,
		    char *err, size_t errlen)
{
	return add(ctx, name, data, len, err, errlen);
}

static const char *tr_text(const void *ctx, const char *msgid)
{
	return tr(ctx, msgid);
}

static size_t tr_forms(const void *ctx, const char *sing, const char *plural,
		       const char **out, size_t max)
{
	return i18n_forms(ctx, sing, plural, out, max);
}

static size_t tr_plural(const void *ctx, unsigned long n)
{
	return i18n_plural(ctx, n);
}

int templates_load(const char *dir, const struct i18n_lang *lang,
		   struct tmpl_set **out, char *err, size_t errlen)
{
	struct tmpl_set *set = tmpl_set_new();
	struct tmpl_tr hooks = { lang, tr_text, tr_forms, tr_plural };
	size_t i;
	int r = 0;

	if (lang)
		tmpl_set_translator(set, &hooks);

	for (i = 0; !r && embedded_templates[i].name; i++)
		r = add(set, embedded_templates[i].name, embedded_templates[i].data,
			embedded_templates[i].len, err, errlen);
	if (!r && dir)
		r = file_each_in_dir("templates", dir, MAX_TEMPLATE_SIZE, add_file, set, err,
				     errlen);
	if (r) {
		tmpl_set_free(set);
		return r;
	}
	*out = set;
	return 0;
}
