/*
 * newsroom_pages.c - static pages in the newsroom: the list, the editor
 * (title, slug, parent page, body) and saving with optimistic locking on
 * the worker pool.  The rules are the stories': authors write and edit
 * their own pages that are not published; editors and admins edit every
 * page and publish and unpublish (authors too with --authors-publish).
 * A published page whose slug or parent changes keeps its old address as
 * a 301 (store_page_save()).
 */
#include "newsroom.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/value.h"
#include "jobs.h"

/* Byte limits of the page editor's fields. */
#define PAGE_TITLE_MAX 300
#define PAGE_SLUG_MAX 120
#define PAGE_BODY_MAX 200000
/* At most this many pages are listed (and offered as parents). */
#define PAGES_LIST_MAX 500

/* Top-level slugs the site's own addresses hold: a page there would
 * never be reached. */
static const char *const reserved[] = {
	"account", "api", "author", "comments", "healthz", "media", "metrics",
	"newsroom", "oembed", "react", "reactions", "readyz", "search",
	"section", "sitemaps", "static", "tag", NULL,
};

bool page_slug_reserved(const char *slug)
{
	size_t i;

	for (i = 0; reserved[i]; i++)
		if (!strcmp(slug, reserved[i]))
			return true;
	return false;
}

enum page_action { PACT_SAVE, PACT_PUBLISH, PACT_UNPUBLISH };
static const char *const page_actions[] = { "save", "publish", "unpublish" };

struct page_job {
	const struct account *who;
	struct page pg;
	enum page_action act;
	int64_t expect;
	int64_t id;
};

static bool may_publish(struct site *site, const struct account *who)
{
	return who->role >= ROLE_EDITOR || site->authors_publish;
}

static bool may_edit(const struct account *who, const struct page *p)
{
	return who->role >= ROLE_EDITOR || p->owner_id == who->id;
}

void h_nr_pages(struct site *site, struct http_request *req,
		struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct tval *ctx, *rows;
	struct page *list;
	size_t n, i;

	(void)m;
	if (!who)
		return;
	if (store_pages_list(site->store, a, false, false, PAGES_LIST_MAX,
			     &list, &n)) {
		render_error(site, req, res, 503, N_("The pages cannot be loaded"
			     " right now; please try again."));
		return;
	}
	ctx = nr_ctx(site, req, who, N_("Pages"), "pages");
	rows = tv_list(a);
	for (i = 0; i < n; i++) {
		struct tval *v = tv_map(a);
		bool pub = list[i].status == PAGE_PUBLISHED;

		tv_set_str(a, v, "title", list[i].title);
		tv_set_str(a, v, "path", arena_printf(a, "/%s/", list[i].path));
		tv_set_bool(a, v, "published", pub);
		if (may_edit(who, &list[i]))
			tv_set_str(a, v, "edit_url", arena_printf(a,
				   "/newsroom/pages/%" PRId64, list[i].id));
		tv_set_str(a, v, "updated", nr_time(site, a, list[i].updated));
		tv_push(a, rows, v);
	}
	tv_set(a, ctx, "pages", rows);
	tv_set_bool(a, ctx, "has_pages", n > 0);
	nr_render(site, req, res, "newsroom-pages", ctx, 200);
}

/* The editor for @p (id 0: a new page), with @notice or @alert and the
 * field @errors. */
static void page_editor(struct site *site, struct http_request *req,
			struct http_response *res, const struct account *who,
			const struct page *p, unsigned status,
			const char *notice, const char *alert,
			struct tval *errors)
{
	struct arena *a = req->arena;
	struct tval *ctx = nr_ctx(site, req, who, p->id ? N_("Edit page") :
				  N_("New page"), p->id ? "pages" : "new-page");
	struct tval *parents = tv_list(a);
	struct page *list;
	size_t n = 0, i;

	tv_set_int(a, ctx, "id", p->id);
	tv_set_int(a, ctx, "version", p->version);
	tv_set_str(a, ctx, "title", p->title ? p->title : "");
	tv_set_str(a, ctx, "slug", p->slug ? p->slug : "");
	tv_set_str(a, ctx, "body", p->body ? p->body : "");
	tv_set_bool(a, ctx, "published", p->status == PAGE_PUBLISHED);
	tv_set_bool(a, ctx, "may_publish", may_publish(site, who));
	if (p->id && p->status == PAGE_PUBLISHED && p->path)
		tv_set_str(a, ctx, "public_url", arena_printf(a, "/%s/", p->path));
	if (!store_pages_list(site->store, a, false, false, PAGES_LIST_MAX,
			      &list, &n))
		for (i = 0; i < n; i++) {
			struct tval *v;

			/* Not itself, nor a page below it. */
			if (p->id && (list[i].id == p->id || (p->path &&
			    !strncmp(list[i].path, p->path, strlen(p->path)) &&
			    list[i].path[strlen(p->path)] == '/')))
				continue;
			v = tv_map(a);
			tv_set_int(a, v, "id", list[i].id);
			tv_set_str(a, v, "path", arena_printf(a, "/%s/",
				   list[i].path));
			tv_set_bool(a, v, "selected", list[i].id == p->parent_id);
			tv_push(a, parents, v);
		}
	tv_set(a, ctx, "parents", parents);
	if (notice)
		tv_set_str(a, ctx, "notice", tr(req_lang(req), notice));
	if (alert)
		tv_set_str(a, ctx, "alert", tr(req_lang(req), alert));
	if (errors)
		tv_set(a, ctx, "errors", errors);
	nr_render(site, req, res, "newsroom-page-edit", ctx, status);
}

void h_nr_page_new(struct site *site, struct http_request *req,
		   struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct page p = { 0 };

	(void)m;
	if (who)
		page_editor(site, req, res, who, &p, 200, NULL, NULL, NULL);
}

static const char *done_notice(const char *done)
{
	if (!done)
		return NULL;
	if (!strcmp(done, "publish"))
		return N_("Published.");
	if (!strcmp(done, "unpublish"))
		return N_("Unpublished: the page is a draft again.");
	if (!strcmp(done, "save"))
		return N_("Saved.");
	return NULL;
}

/* The page of route parameter 0 when @who may edit it; else answers. */
static struct page *page_of(struct site *site, struct http_request *req,
			    struct http_response *res,
			    const struct account *who, int64_t id)
{
	struct page *p;
	int r = id ? store_page_get(site->store, req->arena, id, &p) :
		ERR_NOTFOUND;

	if (r) {
		render_error(site, req, res, err_http_status(r), r == ERR_NOTFOUND ?
			     N_("There is no such page.") : N_("The page cannot"
			     " be loaded right now; please try again."));
		return NULL;
	}
	if (!may_edit(who, p)) {
		render_error(site, req, res, 403, N_("Authors edit their own"
			     " pages only."));
		return NULL;
	}
	return p;
}

void h_nr_page_edit(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct page *p;

	if (!who || !(p = page_of(site, req, res, who,
				  nr_id(str_dup(req->arena, m->params[0])))))
		return;
	page_editor(site, req, res, who, p, 200,
		    done_notice(http_query(req, "done")), NULL, NULL);
}

/* Read and check the form into @j->pg; the field errors, or NULL. */
static struct tval *read_page_form(struct http_request *req,
				   struct page_job *j)
{
	struct arena *a = req->arena;
	struct page *p = &j->pg;
	struct tval *errors = NULL;
	const char *body = http_form(req, "body");

	p->title = nr_field(req, "title");
	p->slug = nr_field(req, "slug");
	p->parent_id = nr_id(http_form(req, "parent"));
	p->body = body ? arena_strdup(a, body) : "";
	/* Browsers send CR LF from a textarea; the store keeps LF. */
	{
		char *w = (char *)p->body;
		const char *s;

		for (s = p->body; *s; s++)
			if (*s != '\r' || s[1] != '\n')
				*w++ = *s == '\r' ? '\n' : *s;
		*w = '\0';
	}
	nr_check_controls(req, &errors, "title", N_("Title"), false);
	nr_check_controls(req, &errors, "slug", N_("Slug"), false);
	nr_check_controls(req, &errors, "body", N_("Body"), true);
	if (!*p->title)
		nr_field_error(req, &errors, "title", N_("Enter a title."));
	else if (strlen(p->title) > PAGE_TITLE_MAX)
		nr_field_error(req, &errors, "title",
			       N_("The title is too long."));
	if (strlen(p->body) > PAGE_BODY_MAX)
		nr_field_error(req, &errors, "body",
			       N_("The body is too long."));
	if (!*p->slug)
		p->slug = slugify(a, p->title, 80);
	if (!slug_valid(p->slug) || strlen(p->slug) > PAGE_SLUG_MAX)
		nr_field_error(req, &errors, "slug", N_("Use lower-case"
			       " letters, digits and single hyphens."));
	if (!p->parent_id && page_slug_reserved(p->slug))
		nr_field_error(req, &errors, "slug", N_("The site uses this"
			       " address itself; choose another slug."));
	if (j->act == PACT_PUBLISH && !*p->body)
		nr_field_error(req, &errors, "body", N_("Write the page"
			       " before publishing it."));
	return errors;
}

static void page_save_work(struct site_job *aj)
{
	struct page_job *j = aj->data;

	aj->result = store_page_save(aj->site->store, &j->pg, j->expect, &j->id,
				     NULL);
}

static void page_save_answer(struct site_job *aj, struct http_request *req,
			     struct http_response *res)
{
	struct page_job *j = aj->data;
	struct tval *errors = NULL;
	const char *alert = N_("The page could not be saved; please try"
			       " again.");

	if (!aj->result) {
		res->status = 303;
		res->location = arena_printf(req->arena, "/newsroom/pages/%"
					     PRId64 "?done=%s", j->id,
					     page_actions[j->act]);
		return;
	}
	if (aj->result == ERR_STALE) {
		alert = N_("Someone else saved this page while you were"
			   " editing it. Your changes were NOT saved: copy"
			   " them, open the page again and apply them to the"
			   " newest version.");
	} else if (aj->result == ERR_CONFLICT) {
		alert = N_("Nothing was saved.");
		nr_field_error(req, &errors, "slug", N_("Another page has"
			       " this address; choose another slug or"
			       " parent."));
	} else if (aj->result == ERR_INVALID) {
		alert = N_("Nothing was saved.");
		nr_field_error(req, &errors, "parent", N_("This parent cannot"
			       " take the page (it is gone, below the page,"
			       " or nested too deep)."));
	} else if (aj->result == ERR_NOTFOUND) {
		render_error(aj->site, req, res, 404, N_("The page was deleted."));
		return;
	}
	j->pg.version = j->expect;
	page_editor(aj->site, req, res, j->who, &j->pg,
		    err_http_status(aj->result), NULL, alert, errors);
}

void h_nr_page_save(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct page *old = NULL;
	struct page_job *j;
	struct site_job *aj;
	struct tval *errors;
	const char *act = http_form(req, "action");
	int64_t id;
	size_t i;

	(void)m;
	if (!who || !nr_form_ok(site, req, res))
		return;
	j = arena_zalloc(a, sizeof(*j));
	j->who = who;
	for (i = 0; i < sizeof(page_actions) / sizeof(*page_actions); i++)
		if (act && !strcmp(act, page_actions[i]))
			break;
	if (i == sizeof(page_actions) / sizeof(*page_actions)) {
		render_error(site, req, res, 400, N_("Choose what to do with"
			     " the page (a button of the form)."));
		return;
	}
	j->act = (enum page_action)i;
	if ((id = nr_id(http_form(req, "id")))) {
		if (!(old = page_of(site, req, res, who, id)))
			return;
		j->pg = *old;
		j->expect = nr_id(http_form(req, "version"));
	} else {
		j->pg.owner_id = who->id;
	}
	if ((j->act != PACT_SAVE || (old && old->status == PAGE_PUBLISHED)) &&
	    !may_publish(site, who)) {
		render_error(site, req, res, 403, N_("Only editors publish,"
			     " unpublish and change published pages."));
		return;
	}
	if (j->act == PACT_PUBLISH)
		j->pg.status = PAGE_PUBLISHED;
	else if (j->act == PACT_UNPUBLISH)
		j->pg.status = PAGE_DRAFT;
	errors = read_page_form(req, j);
	if (errors) {
		j->pg.version = j->expect;
		page_editor(site, req, res, who, &j->pg, 422, NULL,
			    N_("Some fields need attention; nothing was"
			    " saved."), errors);
		return;
	}
	aj = job_new(site, req, page_save_work, page_save_answer);
	aj->data = j;
	nr_submit(aj);
}
