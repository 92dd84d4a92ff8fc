/*
 * pages.c - static pages for readers: a published page answers at its
 * path ("/about/team/"), looked up only when no story, list or other page
 * has the address (render_error()'s 404), so the pages that exist cost
 * nothing more.  The page shows its title, its body and the published
 * pages right below it.  The footer's list is sections.c's.
 */
#include "site_int.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/value.h"
#include "render/markdown.h"

/* At most this many pages below a page are listed on it. */
#define PAGE_CHILDREN_MAX 50

/* The children of @p among @all (published pages by path) into @ctx. */
static void children(struct arena *a, struct tval *ctx, const struct page *p,
		     const struct page *all, size_t n)
{
	struct tval *list = tv_list(a);
	size_t i, found = 0;

	for (i = 0; i < n; i++) {
		struct tval *v;

		if (all[i].parent_id != p->id)
			continue;
		v = tv_map(a);
		tv_set_str(a, v, "title", all[i].title);
		tv_set_str(a, v, "url", arena_printf(a, "/%s/", all[i].path));
		tv_push(a, list, v);
		found++;
	}
	tv_set(a, ctx, "children", list);
	tv_set_bool(a, ctx, "has_children", found > 0);
}

bool page_serve(struct site *site, struct http_request *req,
		struct http_response *res)
{
	struct arena *a = req->arena;
	const char *path = req->path;
	struct page *p, *all;
	struct tval *ctx, *pg;
	size_t len, n;
	char *key;

	if (!path || *path != '/' || (req->method != HTTP_GET &&
				      req->method != HTTP_HEAD))
		return false;
	len = strlen(path);
	key = arena_strndup(a, path + 1, len - 1);
	if (len > 1 && key[len - 2] == '/')
		key[len - 2] = '\0';
	if (!*key || store_page_by_path(site->store, a, key, &p))
		return false;
	site_reader(site, req)->for_cache = false;
	buf_reset(&res->body);
	res->blob = NULL;
	res->etag = NULL;
	res->body_gzipped = false;
	if (path[len - 1] != '/') {
		res->status = 301;
		res->location = arena_printf(a, "/%s/", p->path);
		res->cache_control = "public, max-age=300";
		return true;
	}
	ctx = page_context(site, req, p->title, "", path);
	pg = tv_map(a);
	tv_set_str(a, pg, "title", p->title);
	tv_set_str(a, pg, "body_html", md_render(a, p->body, strlen(p->body), ""));
	if (!store_pages_list(site->store, a, true, false, 1000, &all, &n))
		children(a, pg, p, all, n);
	tv_set(a, ctx, "static_page", pg);
	render_page(site, req, res, "page", ctx);
	res->status = 200;
	res->content_type = "text/html; charset=utf-8";
	/* Not in the page cache: readers ask again, and see an edit at once. */
	res->cache_control = "public, no-cache";
	return true;
}
