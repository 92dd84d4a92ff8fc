/*
 * templates.h - the site's compiled Mustache templates.
 *
 * Every templates/NAME.mustache file is embedded in the binary and compiled
 * at start-up under NAME; files in a --templates folder replace embedded
 * ones of the same name (themes), so a theme may override only a few.
 * A set is compiled for one language: its {{#_}} messages are translated
 * from that language's catalogue as they are compiled (see mustache.h),
 * so rendering costs the same in every language.
 */
#ifndef DATELINE_TEMPLATES_H
#define DATELINE_TEMPLATES_H

#include <stddef.h>

struct tmpl_set;
struct i18n_lang;

/* Compile all templates in language @lang (NULL: English); on a syntax
 * error names the file and line. */
int templates_load(const char *dir, const struct i18n_lang *lang,
		   struct tmpl_set **out, char *err, size_t errlen);

#endif
