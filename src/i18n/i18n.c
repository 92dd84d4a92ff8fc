/*
 * i18n.c - the shipped catalogues and lookups in them.
 *
 * Catalogues come from the embedded .mo files (tools/embed.c over the
 * msgfmt outputs in po/meson.build), one per language, named "LANG.mo".
 * Each is parsed once; its header's Plural-Forms gives its plural rule
 * (a catalogue without a valid one is refused: a wrong rule would pick
 * wrong forms silently).
 */
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/embedded.h"
#include "core/err.h"
#include "mo.h"

/* Shipped languages plus the source: a bound for the table. */
#define MAX_LANGS 64

struct i18n {
	struct i18n_lang langs[MAX_LANGS];	/* [0] is the English source */
	size_t n;
};

static const struct i18n_lang source = { .tag = "en", .rule = {
	.nplurals = 2,
	.nodes = { { PL_N, 0, -1, -1, -1 }, { PL_NUM, 1, -1, -1, -1 },
		   { PL_NE, 0, 0, 1, -1 } },
	.root = 2,
} };

bool i18n_tag_rtl(const char *tag)
{
	static const char *const rtl_langs[] = {
		"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd",
		"ug", "ur", "yi", NULL
	};
	static const char *const rtl_scripts[] = {
		"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", NULL
	};
	size_t i, k = strcspn(tag, "-"), m;
	const char *p;

	/* A script subtag (four letters) decides: "az-Arab" yes, "ks-Deva" no. */
	for (p = tag + k; *p == '-'; p += 1 + m) {
		m = strcspn(p + 1, "-");
		if (m != 4)
			continue;
		for (i = 0; rtl_scripts[i]; i++)
			if (!strncasecmp(p + 1, rtl_scripts[i], 4))
				return true;
		return false;
	}
	for (i = 0; rtl_langs[i]; i++)
		if (strlen(rtl_langs[i]) == k &&
		    !strncasecmp(tag, rtl_langs[i], k))
			return true;
	return false;
}

/* "Plural-Forms: ..." in a catalogue header, as (p, len); false if none. */
static bool header_field(struct str h, const char *name, struct str *out)
{
	size_t k = strlen(name);
	const char *p = h.p, *end = h.p + h.len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) > k && !strncasecmp(p, name, k) &&
		    p[k] == ':') {
			*out = (struct str){ p + k + 1,
					     (size_t)(eol - p - (ptrdiff_t)k - 1) };
			return true;
		}
		p = eol + 1;
	}
	return false;
}

/* "de.mo" -> "de" into @tag; false for other names or long tags. */
static bool mo_tag(const char *name, char *tag, size_t len)
{
	size_t n = strlen(name);

	if (n < 4 || strcmp(name + n - 3, ".mo") || n - 3 >= len)
		return false;
	memcpy(tag, name, n - 3);
	tag[n - 3] = '\0';
	return true;
}

static int add_lang(struct i18n *in, const struct embedded_file *f, char *err,
		    size_t errlen)
{
	struct i18n_lang *l = &in->langs[in->n];
	struct str header, pf;
	char msg[160];

	if (!mo_tag(f->name, l->tag, sizeof(l->tag)))
		return 0;
	if (in->n == MAX_LANGS) {
		snprintf(err, errlen, "more than %d catalogues", MAX_LANGS);
		return ERR_INVALID;
	}
	if (mo_parse(f->data, f->len, &l->mo, msg, sizeof(msg))) {
		snprintf(err, errlen, "catalogue '%s': %s", f->name, msg);
		return ERR_INVALID;
	}
	if (!mo_find(l->mo, "", 0, &header) ||
	    !header_field(header, "Plural-Forms", &pf) ||
	    plural_parse(&l->rule, pf.p, pf.len)) {
		snprintf(err, errlen, "catalogue '%s': no valid Plural-Forms"
			 " header", f->name);
		mo_free(l->mo);
		l->mo = NULL;
		return ERR_INVALID;
	}
	l->rtl = i18n_tag_rtl(l->tag);
	in->n++;
	return 0;
}

int i18n_load(struct i18n **out, char *err, size_t errlen)
{
	struct i18n *in = xcalloc(1, sizeof(*in));
	size_t i;
	int r = 0;

	in->langs[0] = source;
	in->n = 1;
	for (i = 0; !r && embedded_mo[i].name; i++)
		r = add_lang(in, &embedded_mo[i], err, errlen);
	if (r) {
		i18n_free(in);
		return r;
	}
	*out = in;
	return 0;
}

void i18n_free(struct i18n *in)
{
	size_t i;

	if (!in)
		return;
	for (i = 0; i < in->n; i++) {
		mo_free(in->langs[i].mo);
		i18n_dates_free(in->langs[i].dates);
	}
	free(in);
}

const struct i18n_lang *i18n_lang(const struct i18n *in, const char *tag)
{
	size_t i, k;

	if (!in || !tag)
		return in ? &in->langs[0] : &source;
	for (i = 0; i < in->n; i++)
		if (!strcasecmp(in->langs[i].tag, tag))
			return &in->langs[i];
	k = strcspn(tag, "-");
	for (i = 0; i < in->n; i++)
		if (strlen(in->langs[i].tag) == k &&
		    !strncasecmp(in->langs[i].tag, tag, k))
			return &in->langs[i];
	return &in->langs[0];
}

size_t i18n_count(const struct i18n *in)
{
	return in->n;
}

const struct i18n_lang *i18n_at(const struct i18n *in, size_t i)
{
	return i < in->n ? &in->langs[i] : NULL;
}

const char *tr(const struct i18n_lang *l, const char *msgid)
{
	struct str t;

	if (l && l->mo && *msgid && mo_find(l->mo, msgid, strlen(msgid), &t))
		return t.p;
	return msgid;
}

/* Longest "context\004msgid" key looked up; longer ones stay English. */
#define MAX_CTX_KEY 512

const char *trp(const struct i18n_lang *l, const char *ctx, const char *msgid)
{
	char key[MAX_CTX_KEY];
	size_t c = strlen(ctx), m = strlen(msgid);
	struct str t;

	if (!l || !l->mo || c + 1 + m > sizeof(key))
		return msgid;
	memcpy(key, ctx, c);
	key[c] = '\004';
	memcpy(key + c + 1, msgid, m);
	if (mo_find(l->mo, key, c + 1 + m, &t))
		return t.p;
	return msgid;
}

size_t i18n_plural(const struct i18n_lang *l, unsigned long n)
{
	return plural_eval(l ? &l->rule : &source.rule, n);
}

size_t i18n_forms(const struct i18n_lang *l, const char *sing,
		  const char *plural, const char **forms, size_t max)
{
	struct str t;
	size_t k = 0;
	const char *p, *end;

	if (l && l->mo && mo_find(l->mo, sing, strlen(sing), &t)) {
		/* Forms are NUL-separated; t ends with the file's NUL. */
		for (p = t.p, end = t.p + t.len; k < max && k < l->rule.nplurals;
		     p += strlen(p) + 1) {
			forms[k++] = p;
			if (p + strlen(p) >= end)
				break;
		}
		if (k == l->rule.nplurals)
			return k;
	}
	if (max < 2)
		return 0;
	forms[0] = sing;
	forms[1] = plural;
	return 2;
}

const char *trn(const struct i18n_lang *l, const char *sing,
		const char *plural, unsigned long n)
{
	const char *forms[PLURAL_MAX_FORMS];
	size_t k = i18n_forms(l, sing, plural, forms, PLURAL_MAX_FORMS);

	if (k == 2 && forms[0] == sing)
		return n == 1 ? sing : plural;
	return forms[i18n_plural(l, n) < k ? i18n_plural(l, n) : k - 1];
}
