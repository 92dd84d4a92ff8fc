/*
 * structured.c - schema.org data for search engines beyond the story's
 * own NewsArticle (articles.c): BreadcrumbList on stories and lists, and
 * the WebSite with its SearchAction on the front page.  Written as JSON
 * through json_write(), which escapes "</", so it is safe in <script>.
 */
#include "site_int.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/value.h"

/* Serialize @v (NULL on overflow; arena string). */
static char *json_text(struct arena *a, const struct tval *v)
{
	struct buf b;

	buf_init(&b, a, 1024 * 1024);	/* a cap: memory grows as needed */
	return json_write(&b, v) ? NULL : b.data;
}

char *breadcrumbs_jsonld(struct site *site, struct arena *a,
			 const char *const *names, const char *const *paths,
			 size_t n)
{
	struct tval *ld = tv_map(a), *list = tv_list(a);
	size_t i;

	tv_set_str(a, ld, "@context", "https://schema.org");
	tv_set_str(a, ld, "@type", "BreadcrumbList");
	for (i = 0; i < n; i++) {
		struct tval *it = tv_map(a);

		tv_set_str(a, it, "@type", "ListItem");
		tv_set_int(a, it, "position", (int64_t)i + 1);
		tv_set_str(a, it, "name", names[i]);
		tv_set_str(a, it, "item", absolute_url(site, a, paths[i]));
		tv_push(a, list, it);
	}
	tv_set(a, ld, "itemListElement", list);
	return json_text(a, ld);
}

char *story_breadcrumbs(struct site *site, struct arena *a,
			const struct article *art, const char *path)
{
	const char *names[3] = { site->name, art->section, art->headline };
	const char *paths[3] = { "/", section_path(a, art->section_slug), path };

	if (!*art->section) {
		names[1] = names[2];
		paths[1] = paths[2];
	}
	return breadcrumbs_jsonld(site, a, names, paths, *art->section ? 3 : 2);
}

void list_breadcrumbs(struct site *site, struct arena *a, struct tval *page,
		      const char *title, const char *path)
{
	if (strcmp(path, "/")) {
		const char *names[2] = { site->name, title };
		const char *paths[2] = { "/", path };

		tv_set_str(a, page, "breadcrumbs",
			   breadcrumbs_jsonld(site, a, names, paths, 2));
	} else {
		struct tval *ld = tv_map(a), *act = tv_map(a), *tgt = tv_map(a);

		tv_set_str(a, ld, "@context", "https://schema.org");
		tv_set_str(a, ld, "@type", "WebSite");
		tv_set_str(a, ld, "name", site->name);
		tv_set_str(a, ld, "url", absolute_url(site, a, "/"));
		tv_set_str(a, act, "@type", "SearchAction");
		tv_set_str(a, tgt, "@type", "EntryPoint");
		tv_set_str(a, tgt, "urlTemplate", absolute_url(site, a,
			   "/search?q={search_term_string}"));
		tv_set(a, act, "target", tgt);
		tv_set_str(a, act, "query-input",
			   "required name=search_term_string");
		tv_set(a, ld, "potentialAction", act);
		tv_set_str(a, page, "jsonld", json_text(a, ld));
	}
}
