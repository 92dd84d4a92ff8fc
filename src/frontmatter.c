/*
 * frontmatter.c - parser for the article file header.
 */
#include "frontmatter.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "i18n/i18n.h"
#include "store/store.h"

struct key {
	const char *name;
	size_t offset;
};

#define K(n) { #n, offsetof(struct frontmatter, n) }
static const struct key keys[] = {
	K(headline), K(slug), K(summary), K(dateline), K(photo), K(caption),
	K(credit), K(alt), K(author), K(section), K(tags), K(published),
	K(updated), K(status), K(lang),
};
#undef K

/* The next line of [*p, end) without its terminator; advances *p. */
static struct str next_line(const char **p, const char *end)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	struct str line;

	line.p = s;
	line.len = nl ? (size_t)(nl - s) : (size_t)(end - s);
	*p = nl ? nl + 1 : end;
	if (line.len && line.p[line.len - 1] == '\r')
		line.len--;
	return line;
}

static bool is_fence(struct str line)
{
	return str_eqs(str_trim(line), "---");
}

/* Unquote a value; NULL when the quoting is broken. */
static const char *unquote(struct arena *a, struct str v)
{
	char *out, *o;
	size_t i;

	if (v.len == 0 || (v.p[0] != '"' && v.p[0] != '\''))
		return str_dup(a, v);
	if (v.len < 2 || v.p[v.len - 1] != v.p[0])
		return NULL;
	if (v.p[0] == '\'') {
		v.p++;
		v.len -= 2;
		return memchr(v.p, '\'', v.len) ? NULL : str_dup(a, v);
	}
	o = out = arena_alloc(a, v.len);
	for (i = 1; i < v.len - 1; i++) {
		char c = v.p[i];

		if (c == '"')
			return NULL;
		if (c == '\\') {
			if (i + 1 >= v.len - 1)
				return NULL;
			c = v.p[++i];
			if (c != '"' && c != '\\')
				return NULL;
		}
		*o++ = c;
	}
	*o = '\0';
	return out;
}

int fm_parse(struct arena *a, const char *text, size_t len,
	     struct frontmatter *out, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	struct str line;
	int lineno = 1;

	memset(out, 0, sizeof(*out));
	if (len > FM_MAX_SIZE) {
		snprintf(err, errlen, "file is larger than %d bytes", FM_MAX_SIZE);
		return ERR_TOOBIG;
	}
	if (!utf8_valid(text, len)) {
		snprintf(err, errlen, "file is not valid UTF-8 text");
		return ERR_INVALID;
	}
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	line = next_line(&p, end);
	if (!is_fence(line)) {
		snprintf(err, errlen, "line 1: expected '---' to open the header");
		return ERR_INVALID;
	}
	for (;;) {
		struct str k, v;
		const char *colon, **slot = NULL, *val;
		size_t i;

		if (p >= end) {
			snprintf(err, errlen, "line %d: header is not closed"
				 " with '---'", lineno);
			return ERR_INVALID;
		}
		line = next_line(&p, end);
		lineno++;
		if (is_fence(line))
			break;
		line = str_trim(line);
		if (!line.len || line.p[0] == '#')
			continue;
		colon = memchr(line.p, ':', line.len);
		if (!colon) {
			snprintf(err, errlen, "line %d: expected 'key: value'",
				 lineno);
			return ERR_INVALID;
		}
		k = str_trim((struct str){ line.p, (size_t)(colon - line.p) });
		v = str_trim((struct str){ colon + 1,
					   line.len - (size_t)(colon + 1 - line.p) });
		for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
			if (str_eqs(k, keys[i].name))
				slot = (const char **)((char *)out + keys[i].offset);
		if (!slot) {
			snprintf(err, errlen, "line %d: unknown key '%.*s'",
				 lineno, (int)(k.len > 40 ? 40 : k.len), k.p);
			return ERR_INVALID;
		}
		if (*slot) {
			snprintf(err, errlen, "line %d: key '%.*s' given twice",
				 lineno, (int)k.len, k.p);
			return ERR_INVALID;
		}
		val = unquote(a, v);
		if (!val) {
			snprintf(err, errlen, "line %d: badly quoted value for"
				 " '%.*s'", lineno, (int)k.len, k.p);
			return ERR_INVALID;
		}
		*slot = val;
	}
	out->body = arena_strndup(a, p, (size_t)(end - p));
	out->body_len = (size_t)(end - p);
	return 0;
}

int tags_parse(struct arena *a, const struct i18n_lang *l, const char *s,
	       struct tag **tags, size_t *n, char *err, size_t errlen)
{
	char *copy = arena_strdup(a, s), *p = copy;
	struct tag *t = arena_alloc(a, MAX_TAGS * sizeof(*t));
	size_t k = 0;

	while (p) {
		char *comma = strchr(p, ',');
		struct str name;
		char *slug;
		size_t i;

		if (comma)
			*comma = '\0';
		name = str_trim(str_from(p));
		p = comma ? comma + 1 : NULL;
		if (!name.len)
			continue;
		slug = slugify(a, str_dup(a, name), SLUG_MAX);
		if (!*slug) {
			snprintf(err, errlen, tr(l, N_("tag '%s'"
				 " has no letters or digits")),
				 str_dup(a, name));
			return ERR_INVALID;
		}
		for (i = 0; i < k; i++)
			if (!strcmp(t[i].slug, slug))
				break;
		if (i < k)
			continue;
		if (k == MAX_TAGS) {
			snprintf(err, errlen, tr(l, N_("more than %d tags")),
				 MAX_TAGS);
			return ERR_INVALID;
		}
		t[k].slug = slug;
		t[k].name = str_dup(a, name);
		k++;
	}
	*tags = t;
	*n = k;
	return 0;
}
