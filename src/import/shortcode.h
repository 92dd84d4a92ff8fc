/*
 * shortcode.h - WordPress shortcodes: [name attr="value"]inner[/name].
 *
 * WordPress expands only the shortcodes its plugins registered, and a
 * story's text is full of brackets that are not shortcodes ("[sic]",
 * "[1]", "[citation needed]").  Without the registry we take a bracket
 * for a shortcode when it is closed later by [/name], ends in "/]", has
 * a key=value attribute or an http(s) address as its first value
 * ([youtube https://...]), or its name is one of WordPress's own (caption,
 * gallery, embed, audio, video, playlist) or holds an underscore
 * (page builders: vc_row, et_pb_text).  As in WordPress, "[[name]]" is
 * the literal text "[name]", a name is letters, digits, '_' and '-'
 * starting with a letter, attributes hold no '[' or ']', and a paired
 * shortcode ends at the first [/name] after it (no nesting of one name).
 *
 * Every slice points into the text given; nothing is allocated but the
 * expanded text of sc_expand().
 */
#ifndef DATELINE_SHORTCODE_H
#define DATELINE_SHORTCODE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

struct arena;

/* Attributes kept per shortcode; more are ignored. */
#define SC_ATTRS_MAX 16
/* The longest shortcode name. */
#define SC_NAME_MAX 64
/* How deep shortcodes inside shortcodes are expanded; deeper ones stay text. */
#define SC_DEPTH_MAX 16

struct sc_attr {
	struct str name;	/* empty for a positional value */
	struct str value;
};

struct shortcode {
	struct str name;
	struct sc_attr attr[SC_ATTRS_MAX];
	size_t nattr;
	struct str inner;	/* between the tags; empty when not paired */
	bool paired;		/* closed by [/name] */
	bool escaped;		/* [[name]]: stands for the text without the outer brackets */
	bool closing;		/* a stray [/name] with no opening tag */
	size_t start, end;	/* [start, end): the whole shortcode in the text */
};

/*
 * Find the first shortcode that starts at or after @from in @text (@len
 * bytes).  Returns true and fills *@sc, or false when there is none.
 */
bool sc_find(const char *text, size_t len, size_t from, struct shortcode *sc);

/* The value of attribute @name (case-insensitive), or STR_NULL. */
struct str sc_attr_get(const struct shortcode *sc, const char *name);

/*
 * @text with its shortcodes expanded into HTML for the converter
 * (html_md.h): [caption] and [wp_caption] become <figure> with the image
 * and a <figcaption>; an embed ([embed]URL[/embed], or any shortcode with
 * a url= or src= attribute or an http(s) URL as its first value: video,
 * audio, [youtube URL], ...) becomes the URL as a paragraph of its own;
 * every other shortcode gives its inner text, expanded in turn; escaped
 * ones give their text.  The result is NUL-terminated in @a (*@out,
 * *@outlen).  ERR_TOOBIG when it would pass @max bytes.
 */
int sc_expand(struct arena *a, const char *text, size_t len, size_t max,
	      char **out, size_t *outlen);

#endif
