/*
 * shortcode.c - finding WordPress shortcodes in a post's text and
 * expanding them into plain HTML (see shortcode.h for the rules).
 */
#include "shortcode.h"

#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/* WordPress's own shortcodes, taken as such even without attributes. */
static const char *const known[] = {
	"caption", "wp_caption", "gallery", "embed", "audio", "video",
	"playlist", NULL,
};

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool known_name(struct str n)
{
	size_t i;

	if (memchr(n.p, '_', n.len))
		return true;
	for (i = 0; known[i]; i++)
		if (strlen(known[i]) == n.len &&
		    !strncasecmp(known[i], n.p, n.len))
			return true;
	return false;
}

/* A name at @p (up to @end); its length, 0 when there is none. */
static size_t name_len(const char *p, const char *end)
{
	size_t n = 0;

	if (p >= end || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while (p + n < end && name_char(p[n]))
		n++;
	return n <= SC_NAME_MAX ? n : 0;
}

/*
 * Parse the attributes in [p, end) (the text between the name and the
 * closing bracket, without a final '/').  Returns whether one is key=value.
 */
static bool parse_attrs(const char *p, const char *end, struct shortcode *sc)
{
	bool keyed = false;

	while (p < end) {
		struct sc_attr at = { STR_NULL, STR_NULL };
		const char *s;

		while (p < end && is_space(*p))
			p++;
		if (p >= end)
			break;
		s = p;
		while (p < end && (name_char(*p)))
			p++;
		if (p > s && p < end && *p == '=') {
			at.name = (struct str){ s, (size_t)(p - s) };
			keyed = true;
			p++;
		} else {
			p = s;
		}
		if (p < end && (*p == '"' || *p == '\'')) {
			const char q = *p++, *v = p;

			while (p < end && *p != q)
				p++;
			at.value = (struct str){ v, (size_t)(p - v) };
			if (p < end)
				p++;
		} else {
			const char *v = p;

			while (p < end && !is_space(*p))
				p++;
			at.value = (struct str){ v, (size_t)(p - v) };
		}
		if (sc->nattr < SC_ATTRS_MAX)
			sc->attr[sc->nattr++] = at;
	}
	return keyed;
}

/* The first "[/name]" at or after @from, or NULL. */
static const char *find_close(const char *text, size_t len, size_t from,
			      struct str name)
{
	const char *p = text + from, *end = text + len;

	while ((p = memchr(p, '[', (size_t)(end - p)))) {
		if ((size_t)(end - p) >= name.len + 3 && p[1] == '/' &&
		    !strncasecmp(p + 2, name.p, name.len) &&
		    p[2 + name.len] == ']')
			return p;
		p++;
	}
	return NULL;
}

/*
 * Names known to have no "[/name]" after some point: since the text only
 * gets shorter ahead, a name once missing stays missing.
 */
struct no_close {
	struct str name[8];
	unsigned next;
};

static bool closes_missing(const struct no_close *nc, struct str name)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		if (nc->name[i].len == name.len &&
		    !strncasecmp(nc->name[i].p, name.p, name.len))
			return true;
	return false;
}

/* Try the bracket at @p as a shortcode. */
static bool parse_at(const char *text, size_t len, const char *p,
		     struct no_close *nc, struct shortcode *sc)
{
	const char *end = text + len, *n = p + 1, *close, *rb;
	size_t nl;
	bool keyed, selfclose = false, closing = n < end && *n == '/';

	memset(sc, 0, sizeof(*sc));
	if (closing)
		n++;
	if (!(nl = name_len(n, end)))
		return false;
	if (n + nl < end && !is_space(n[nl]) && n[nl] != ']' && n[nl] != '/')
		return false;
	for (rb = n + nl; rb < end && *rb != ']' && *rb != '['; rb++)
		;
	if (rb >= end || *rb != ']')
		return false;
	sc->name = (struct str){ n, nl };
	sc->start = (size_t)(p - text);
	sc->end = (size_t)(rb + 1 - text);
	if (closing) {
		sc->closing = true;
		return rb == n + nl && known_name(sc->name);
	}
	if (rb > n + nl && rb[-1] == '/')
		selfclose = true;
	keyed = parse_attrs(n + nl, selfclose ? rb - 1 : rb, sc);
	if (!selfclose && !closes_missing(nc, sc->name)) {
		close = find_close(text, len, sc->end, sc->name);
		if (close) {
			sc->paired = true;
			sc->inner = (struct str){ rb + 1, (size_t)(close - rb - 1) };
			sc->end = (size_t)(close - text) + nl + 3;
		} else {
			nc->name[nc->next++ % 8] = sc->name;
		}
	}
	if (!sc->paired && !selfclose && !keyed && !known_name(sc->name) &&
	    !(sc->nattr && !sc->attr[0].name.len &&
	      (str_starts(sc->attr[0].value, "http://") ||
	       str_starts(sc->attr[0].value, "https://"))))
		return false;
	/* [[name]] and [[name]...[/name]] are escapes. */
	if (sc->start > 0 && p[-1] == '[' && sc->end < len && text[sc->end] == ']') {
		sc->escaped = true;
		sc->start--;
		sc->end++;
	}
	return true;
}

static bool find(const char *text, size_t len, size_t from,
		 struct no_close *nc, struct shortcode *sc)
{
	const char *p = text + from, *end = text + len;

	while (p < end && (p = memchr(p, '[', (size_t)(end - p)))) {
		if (parse_at(text, len, p, nc, sc))
			return true;
		p++;
	}
	return false;
}

bool sc_find(const char *text, size_t len, size_t from, struct shortcode *sc)
{
	struct no_close nc = { { STR_NULL }, 0 };

	return from < len && find(text, len, from, &nc, sc);
}

struct str sc_attr_get(const struct shortcode *sc, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < sc->nattr; i++)
		if (sc->attr[i].name.len == n &&
		    !strncasecmp(sc->attr[i].name.p, name, n))
			return sc->attr[i].value;
	return STR_NULL;
}

static bool is_url(struct str s)
{
	return (s.len > 7 && !strncasecmp(s.p, "http://", 7)) ||
	       (s.len > 8 && !strncasecmp(s.p, "https://", 8));
}

/* The address an embedding shortcode stands for, or STR_NULL. */
static struct str embed_url(const struct shortcode *sc)
{
	static const char *const keys[] = {
		"url", "src", "mp4", "m4v", "webm", "ogv", "mp3", "ogg", "m4a",
		"wav", NULL,
	};
	struct str v;
	size_t i;

	for (i = 0; keys[i]; i++)
		if (is_url(v = sc_attr_get(sc, keys[i])))
			return v;
	if (sc->nattr && !sc->attr[0].name.len && is_url(sc->attr[0].value))
		return sc->attr[0].value;
	if (sc->name.len == 5 && !strncasecmp(sc->name.p, "embed", 5) &&
	    is_url(str_trim(sc->inner)))
		return str_trim(sc->inner);
	return STR_NULL;
}

static int expand(struct buf *b, const char *text, size_t len, int depth);

/* [caption ...]<a><img></a> Caption text[/caption] as a figure. */
static int caption(struct buf *b, const struct shortcode *sc, int depth)
{
	struct str in = sc->inner, cap = sc_attr_get(sc, "caption");
	const char *p = in.p, *end = in.p + in.len, *img_end = NULL;

	while (p < end && is_space(*p))
		p++;
	if (end - p > 2 && !strncasecmp(p, "<a", 2) &&
	    (is_space(p[2]) || p[2] == '>')) {
		const char *q;

		for (q = p; q + 4 <= end; q++)
			if (!strncasecmp(q, "</a>", 4)) {
				img_end = q + 4;
				break;
			}
	} else if (end - p > 4 && !strncasecmp(p, "<img", 4)) {
		img_end = memchr(p, '>', (size_t)(end - p));
		if (img_end)
			img_end++;
	}
	if (!img_end)
		return expand(b, in.p, in.len, depth + 1);
	buf_adds(b, "<figure>");
	buf_add(b, p, (size_t)(img_end - p));
	buf_adds(b, "<figcaption>");
	if (cap.p)
		expand(b, cap.p, cap.len, depth + 1);
	else
		expand(b, img_end, (size_t)(end - img_end), depth + 1);
	buf_adds(b, "</figcaption></figure>");
	return b->overflow ? ERR_TOOBIG : 0;
}

static int one(struct buf *b, const char *text, const struct shortcode *sc,
	       int depth)
{
	struct str url;

	if (sc->escaped)
		return buf_add(b, text + sc->start + 1, sc->end - sc->start - 2);
	if (sc->closing)
		return 0;
	if ((sc->name.len == 7 && !strncasecmp(sc->name.p, "caption", 7)) ||
	    (sc->name.len == 10 && !strncasecmp(sc->name.p, "wp_caption", 10)))
		return caption(b, sc, depth);
	if ((url = embed_url(sc)).p) {
		buf_adds(b, "\n<p>");
		buf_addstr(b, url);
		return buf_adds(b, "</p>\n");
	}
	return expand(b, sc->inner.p, sc->inner.len, depth + 1);
}

static int expand(struct buf *b, const char *text, size_t len, int depth)
{
	struct no_close nc = { { STR_NULL }, 0 };
	struct shortcode sc;
	size_t at = 0;

	if (depth >= SC_DEPTH_MAX)
		return buf_add(b, text, len);
	while (at < len && find(text, len, at, &nc, &sc)) {
		buf_add(b, text + at, sc.start - at);
		one(b, text, &sc, depth);
		at = sc.end;
	}
	buf_add(b, text + at, len - at);
	return b->overflow ? ERR_TOOBIG : 0;
}

int sc_expand(struct arena *a, const char *text, size_t len, size_t max,
	      char **out, size_t *outlen)
{
	struct buf b;
	int r;

	buf_init(&b, a, max);
	if ((r = expand(&b, text, len, 0)))
		return r;
	*out = b.data;
	*outlen = b.len;
	return 0;
}
