/*
 * templates.h - the site's compiled Mustache templates.
 *
 * Every templates/NAME.mustache file is embedded in the binary and compiled
 * at start-up under NAME; files in a --templates folder replace embedded
 * ones of the same name (themes), so a theme may override only a few.
 */
#ifndef DATELINE_TEMPLATES_H
#define DATELINE_TEMPLATES_H

#include <stddef.h>

struct tmpl_set;

/* Compile all templates; on a syntax error names the file and line. */
int templates_load(const char *dir, struct tmpl_set **out, char *err,
		   size_t errlen);

#endif
