/*
 * i18n.h - the site's words in the reader's language: gettext catalogues.
 *
 * English is the source language: every message is written in English in
 * the code and templates, marked for xgettext (tr, trn, trp, N_ below;
 * {{#_}}...{{/_}} in templates), and po/LANG.po holds its translations.
 * Meson compiles each .po with msgfmt into a .mo file and embeds it in
 * the binary; i18n_load() parses them at start-up with our own small .mo
 * reader (mo.h) and Plural-Forms evaluator (plural.h).
 *
 * Why not gettext()/dcngettext() from libc: the catalogue they use is
 * chosen by the process's global locale (setlocale, LANGUAGE), which is
 * not thread-safe to switch and is ignored entirely in the "C" locale, and
 * they read .mo files from a folder on disk.  dateline serves several
 * languages from one process (the site's, a newsroom user's own, a
 * story's) on many threads, and carries its files inside the binary.  So
 * every lookup names its language explicitly: a struct i18n_lang is one
 * language's immutable catalogue, shared by all threads, found once per
 * request with i18n_lang(); lookups are a binary search, lock-free.
 *
 * Invariants: i18n_lang() never returns NULL (unknown languages get the
 * English source); tr()/trn()/trp() never return NULL and accept a NULL
 * language (English); returned strings live as long as the struct i18n,
 * i.e. for the process.
 */
#ifndef DATELINE_I18N_H
#define DATELINE_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "plural.h"

struct mo;
struct i18n_dates;

/* One language's catalogue. */
struct i18n_lang {
	char tag[16];		/* "de", "fr", "ar", "en" (the source) */
	struct mo *mo;		/* NULL for the source language */
	struct plural_rule rule;
	bool rtl;		/* written right to left */
	struct i18n_dates *dates;	/* dates.h; NULL until opened */
};

struct i18n;

/*
 * Parse every embedded catalogue (po/LANG.po, built into the binary).  0 and
 * *out (caller frees with i18n_free()), or ERR_INVALID naming the file.
 */
int i18n_load(struct i18n **out, char *err, size_t errlen);
void i18n_free(struct i18n *in);
/* Used by i18n_free() (dates.c). */
void i18n_dates_free(struct i18n_dates *d);

/*
 * The catalogue for BCP 47 tag @tag: an exact match ("pt-BR"), else its
 * primary language ("de" for "de-AT"), else the English source.  @in may
 * be NULL (then always the source).
 */
const struct i18n_lang *i18n_lang(const struct i18n *in, const char *tag);

/* The languages shipped (the source first), for lists and tests. */
size_t i18n_count(const struct i18n *in);
const struct i18n_lang *i18n_at(const struct i18n *in, size_t i);

/* True for a tag of a right-to-left language or script ("ar", "he",
 * "fa", "ur", "az-Arab", ...). */
bool i18n_tag_rtl(const char *tag);

/* Marks a string for xgettext where it is translated later. */
#define N_(s) (s)
/* The same for a string with a context, looked up later with trp(). */
#define NP_(ctx, s) (s)

/* The translation of @msgid, or @msgid itself. */
const char *tr(const struct i18n_lang *l, const char *msgid);
/* tr() of @msgid in context @ctx (pgettext), for words that need telling
 * apart ("Love" the reaction). */
const char *trp(const struct i18n_lang *l, const char *ctx, const char *msgid);
/* The form of plural message (@sing, @plural) that @n takes (ngettext).
 * The result usually holds a "%lu" or "%s" for the caller to fill in. */
const char *trn(const struct i18n_lang *l, const char *sing,
		const char *plural, unsigned long n);

/* Which plural form @n takes in language @l (0 for English "1 story"). */
size_t i18n_plural(const struct i18n_lang *l, unsigned long n);

/*
 * The translated forms of plural message (@sing, @plural) into @forms
 * (at most @max; each borrowed, NUL-terminated): returns how many, which
 * is l->rule.nplurals, or 2 with the English forms when not translated.
 */
size_t i18n_forms(const struct i18n_lang *l, const char *sing,
		  const char *plural, const char **forms, size_t max);

#endif
