/*
 * import_write.c - an import's authors, stories and photos written into
 * the site through store.h (see import_write.h).
 */
#include "import_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/timeutil.h"
#include "media/image.h"
#include "render/comment_md.h"
#include "auth/tokens.h"
#include "site/site.h"
#include "store/store.h"

/*
 * The password of an imported account: not an argon2id string, so no
 * password matches it until its owner sets one through a reset link.
 */
#define IMP_NO_PASSWORD "!imported"

/* Items written per transaction, and the longest a transaction stays
 * open (the site's own writes wait for it meanwhile). */
#define IMP_BATCH_ITEMS 500
#define IMP_BATCH_MS 250
/* Body photos remembered (path -> media key) so a reused one is
 * processed once; a direct-mapped table, a power of two. */
#define IMP_BODY_PHOTOS 1024

/* An author's account, by WordPress login. */
struct author_acct {
	char *login;
	int64_t id;
};

/* A page whose parent page is not written yet (imp_post copied). */
struct later_page {
	struct imp_post p;
	struct later_page *next;
};

struct imp_writer {
	struct store *s;
	const char *uploads;
	int max_depth;		/* --comment-depth */
	struct arena *a;	/* the current item's */
	bool have_photo;
	/* The open batch (store_batch_begin()): items in it, since when. */
	bool in_batch;
	int batch_items;
	int64_t batch_ms;
	struct author_acct *authors;	/* sorted by login once posts come */
	size_t nauthors, authors_cap;
	bool authors_sorted;
	struct later_page *later;	/* in @la */
	struct arena *la;
	struct { char *path, *key; } body[IMP_BODY_PHOTOS];
	/* The last photo processed, kept until another one is: WordPress
	 * sites reuse a featured image on many posts. */
	struct arena *pa;
	char *photo_path;
	struct media_set photo;
	char err[256];
};

static int write_author(void *ctx, const struct imp_author *au)
{
	struct imp_writer *w = ctx;
	struct account acct = { 0 };
	int64_t id = 0;
	int r;

	if (!*au->email)
		return 0;	/* a byline without an account */
	r = store_account_by_email(w->s, w->a, au->email, &acct);
	if (r == ERR_NOTFOUND) {
		acct.email = au->email;
		acct.name = au->name;
		acct.password = IMP_NO_PASSWORD;
		acct.role = ROLE_AUTHOR;
		acct.verified = true;
		r = store_account_create(w->s, &acct, NULL, 0, NULL, &id);
		if (r == ERR_CONFLICT)	/* made meanwhile */
			r = store_account_by_email(w->s, w->a, au->email, &acct);
		else
			acct.id = id;
	}
	if (!r && acct.id) {
		if (w->nauthors == w->authors_cap) {
			w->authors_cap = w->authors_cap ? w->authors_cap * 2 : 32;
			w->authors = xrealloc(w->authors, w->authors_cap *
					      sizeof(*w->authors));
		}
		w->authors[w->nauthors].login = xstrdup(au->login);
		w->authors[w->nauthors++].id = acct.id;
		w->authors_sorted = false;
	}
	arena_reset(w->a);
	if (r == ERR_INVALID)
		return 0;	/* an address the site cannot take: byline only */
	return r;
}

static int by_login(const void *x, const void *y)
{
	return strcmp(((const struct author_acct *)x)->login,
		      ((const struct author_acct *)y)->login);
}

/* The account of the author with WordPress login @login, or 0. */
static int64_t owner_of(struct imp_writer *w, const char *login)
{
	struct author_acct key = { (char *)login, 0 }, *hit;

	if (!login || !w->nauthors)
		return 0;
	if (!w->authors_sorted) {
		qsort(w->authors, w->nauthors, sizeof(*w->authors), by_login);
		w->authors_sorted = true;
	}
	hit = bsearch(&key, w->authors, w->nauthors, sizeof(*w->authors),
		      by_login);
	return hit ? hit->id : 0;
}

/* A batch is open for what comes next. */
static int batch_need(struct imp_writer *w)
{
	int r;

	if (w->in_batch)
		return 0;
	if ((r = store_batch_begin(w->s)))
		return r;
	w->in_batch = true;
	w->batch_items = 0;
	w->batch_ms = time_mono_ms();
	return 0;
}

/* Commit the open batch (nothing open: no-op). */
static int batch_commit(struct imp_writer *w)
{
	if (!w->in_batch)
		return 0;
	w->in_batch = false;
	return store_batch_end(w->s, 0);
}

/* One item is written whole: commit when the batch is full or old. */
static int batch_step(struct imp_writer *w)
{
	if (++w->batch_items < IMP_BATCH_ITEMS &&
	    time_mono_ms() - w->batch_ms < IMP_BATCH_MS)
		return 0;
	return batch_commit(w);
}

/* FNV-1a of @s, for the body photo table. */
static uint64_t path_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Read and process the upload @path into @set (in @pa): 0 or an error. */
static int process_upload(struct imp_writer *w, struct arena *pa,
			  const char *path, struct media_set *set)
{
	struct media m;
	int r;

	r = media_load_file(pa, arena_printf(pa, "%s/%s", w->uploads, path), &m,
			    w->err, sizeof(w->err));
	if (!r)
		r = media_process(pa, m.data, m.len, set, w->err, sizeof(w->err));
	return r;
}

/*
 * An image of a body: processed and stored (in the open batch, so with
 * the story that shows it); its address on this site, or NULL when the
 * file is missing or not an image.
 */
static const char *write_body_photo(void *ctx, struct arena *a,
				    const char *path)
{
	struct imp_writer *w = ctx;
	size_t slot = path_hash(path) & (IMP_BODY_PHOTOS - 1);
	struct media_set set;
	struct arena *pa;
	const char *url = NULL;

	if (!w->uploads || path[0] == '/' || strstr(path, ".."))
		return NULL;
	if (w->body[slot].path && !strcmp(w->body[slot].path, path))
		return arena_printf(a, "/media/%s", w->body[slot].key);
	pa = arena_new(1 << 20);
	if (!process_upload(w, pa, path, &set) && !batch_need(w) &&
	    !store_photo_put(w->s, set.items, set.n, set.variants,
			     set.nvariants)) {
		free(w->body[slot].path);
		free(w->body[slot].key);
		w->body[slot].path = xstrdup(path);
		w->body[slot].key = xstrdup(set.main.key);
		url = arena_printf(a, "/media/%s", set.main.key);
	}
	arena_free(pa);
	return url;
}

static int load_photo(void *ctx, const char *path)
{
	struct imp_writer *w = ctx;

	w->have_photo = false;
	w->err[0] = '\0';
	if (!w->uploads || path[0] == '/' || strstr(path, ".."))
		return 0;
	if (w->photo_path && !strcmp(w->photo_path, path)) {
		w->have_photo = true;
		return 1;
	}
	arena_reset(w->pa);
	w->photo_path = NULL;
	if (process_upload(w, w->pa, path, &w->photo))
		return 0;
	w->photo_path = arena_strdup(w->pa, path);
	w->have_photo = true;
	return 1;
}

static const char *const states[] = {
	[IMP_PUBLISHED] = "published", [IMP_DRAFT] = "draft",
	[IMP_REVIEW] = "ready", [IMP_SCHEDULED] = "scheduled",
};

/*
 * The slug to save @p under: its own, unless a story with another
 * headline has it; then "SLUG-wpID".  *@old gets the story already
 * there under the slug chosen, or NULL.
 */
static const char *free_slug(struct imp_writer *w, const struct imp_post *p,
			     struct article **old)
{
	const char *slug = p->slug;

	if (!store_article_by_slug(w->s, w->a, slug, true, old) &&
	    strcmp((*old)->headline, p->headline)) {
		slug = arena_printf(w->a, "%.100s-wp%lld", p->slug,
				    (long long)p->wp_id);
		if (store_article_by_slug(w->s, w->a, slug, true, old))
			*old = NULL;
	} else if (*old && strcmp((*old)->slug, slug)) {
		*old = NULL;
	}
	return slug;
}

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Whether @old already holds everything of @a (an import run again). */
static bool unchanged(const struct article *old, const struct article *a)
{
	size_t i;

	if (!old || !same_text(old->photo.key, a->photo.key) ||
	    !same_text(old->caption, a->caption) ||
	    !same_text(old->photo_alt, a->photo_alt) || old->status != a->status ||
	    old->published != a->published || old->ntags != a->ntags ||
	    !same_text(old->headline, a->headline) ||
	    !same_text(old->summary, a->summary) ||
	    !same_text(old->body, a->body) || !same_text(old->author, a->author) ||
	    !same_text(old->section_slug, a->section_slug) ||
	    !same_text(old->section, a->section))
		return false;
	for (i = 0; i < a->ntags; i++)
		if (!same_text(old->tags[i].slug, a->tags[i].slug) ||
		    !same_text(old->tags[i].name, a->tags[i].name))
			return false;
	return true;
}

/* The story an earlier import of this export made from @p, or NULL. */
static struct article *imported_before(struct imp_writer *w,
				       const struct imp_post *p)
{
	struct article *old;
	int64_t id;

	if (store_import_find(w->s, p->source, IMPORT_POST, p->wp_id, &id) ||
	    store_story_get(w->s, w->a, id, &old))
		return NULL;
	return old;
}

static int write_redirect(void *ctx, const char *from, const char *to)
{
	struct imp_writer *w = ctx;
	int r = store_redirect_set(w->s, from, to);

	return r == ERR_INVALID ? 0 : r;
}

/* The story's old addresses answer with its new one. */
static int story_redirects(struct imp_writer *w, const struct imp_post *p,
			   const struct article *art)
{
	const char *to = article_path(w->a, art);
	int r = 0;

	if (art->status != ARTICLE_PUBLISHED && art->status != ARTICLE_SCHEDULED)
		return 0;
	if (p->old_path && strcmp(p->old_path, to))
		r = write_redirect(w, p->old_path, to);
	if (!r)
		r = write_redirect(w, p->id_path, to);
	return r;
}

/*
 * The comments of story @id, parents before replies (an export may list
 * a reply first): each round writes those whose parent is written or
 * not in the post at all (they become top-level).
 */
static int story_comments(struct imp_writer *w, const struct imp_post *p,
			  int64_t id, bool fresh)
{
	size_t n = p->ncomments, done = 0, i, j;
	int64_t *local = arena_zalloc(w->a, (n + 1) * sizeof(*local));
	bool progress = true;
	int r;

	while (done < n && progress) {
		progress = false;
		for (i = 0; i < n; i++) {
			const struct imp_comment *c = &p->comments[i];
			struct comment_import ci = { 0 };
			char hash[TOKEN_HASH_SIZE];
			const char *body;
			size_t chars;
			bool waiting = false;

			if (local[i])
				continue;
			ci.parent_id = 0;
			for (j = 0; c->parent_id && j < n; j++)
				if (p->comments[j].wp_id == c->parent_id) {
					ci.parent_id = local[j];
					waiting = !local[j] && j != i;
				}
			if (waiting)
				continue;
			body = comment_clean(w->a, c->body, strlen(c->body), &chars);
			if (!body || !*body)
				body = "(empty)";
			token_hash(body, hash);
			ci.source = p->source;
			ci.wp_id = c->wp_id;
			ci.article_id = id;
			ci.max_depth = w->max_depth;
			ci.guest_name = *c->author ? c->author : "Anonymous";
			ci.guest_email = c->email;
			ci.body = body;
			ci.html = comment_render(w->a, body, strlen(body), NULL);
			ci.body_hash = hash;
			ci.held = !c->shown;
			ci.fresh = fresh;
			ci.created = c->created;
			if ((r = store_comment_import(w->s, &ci, &local[i])))
				return r;
			done++;
			progress = true;
		}
	}
	return 0;
}

/* ---- Static pages ---- */

/* The page an earlier import of this export made from @p, or NULL. */
static struct page *page_before(struct imp_writer *w, const struct imp_post *p)
{
	struct page *old;
	int64_t id;

	if (store_import_find(w->s, p->source, IMPORT_PAGE, p->wp_id, &id) ||
	    store_page_get(w->s, w->a, id, &old))
		return NULL;
	return old;
}

/* Save @pg; a new page whose place is taken (or its own slug reserved by
 * the site) gets "SLUG-wpID", one nested too deep goes to the top. */
static int page_put(struct imp_writer *w, struct page *pg, int64_t expect,
		    int64_t wp_id, int64_t *id)
{
	int r = ERR_CONFLICT;

	if (pg->id || pg->parent_id || !page_slug_reserved(pg->slug))
		r = store_page_save(w->s, pg, expect, id, NULL);
	if (r == ERR_INVALID && pg->parent_id && !pg->id) {
		pg->parent_id = 0;
		r = store_page_save(w->s, pg, expect, id, NULL);
	}
	if (r == ERR_CONFLICT && !pg->id) {
		pg->slug = arena_printf(w->a, "%.100s-wp%lld", pg->slug,
					(long long)wp_id);
		r = store_page_save(w->s, pg, expect, id, NULL);
	}
	return r;
}

/* Write page @p under the local page @parent (0: at the top). */
static int page_write(struct imp_writer *w, const struct imp_post *p,
		      int64_t parent)
{
	struct page pg = { 0 }, *old = page_before(w, p), *now;
	int64_t id = 0;
	int r = 0;

	/* The newsroom's slug and parent kept on a page imported before. */
	pg.id = old ? old->id : 0;
	pg.slug = old ? old->slug : p->slug;
	pg.parent_id = old ? old->parent_id : parent;
	pg.title = p->headline;
	pg.body = p->body;
	pg.status = p->state == IMP_PUBLISHED ? PAGE_PUBLISHED : PAGE_DRAFT;
	pg.owner_id = old && old->owner_id ? old->owner_id :
		      owner_of(w, p->author_login);
	if (old && !strcmp(old->title, pg.title) && !strcmp(old->body, pg.body) &&
	    old->status == pg.status)
		id = old->id;	/* holds what the export brings */
	else
		r = page_put(w, &pg, old ? old->version : 0, p->wp_id, &id);
	if (!r)
		r = store_import_note(w->s, p->source, IMPORT_PAGE, p->wp_id, id);
	if (!r && pg.status == PAGE_PUBLISHED &&
	    !(r = store_page_get(w->s, w->a, id, &now))) {
		const char *to = arena_printf(w->a, "/%s/", now->path);

		if (p->old_path)
			r = write_redirect(w, p->old_path, to);
		if (!r)
			r = write_redirect(w, p->id_path, to);
	}
	if (!r)
		r = batch_step(w);
	return r;
}

/* Copy @s into @a ("" for NULL). */
static const char *keep(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

/* Page @p waits for its parent page (copied into w->la). */
static void page_later(struct imp_writer *w, const struct imp_post *p)
{
	struct later_page *l = arena_zalloc(w->la, sizeof(*l));

	l->p = *p;
	l->p.headline = keep(w->la, p->headline);
	l->p.slug = keep(w->la, p->slug);
	l->p.body = keep(w->la, p->body);
	l->p.author_login = keep(w->la, p->author_login);
	l->p.old_path = p->old_path ? keep(w->la, p->old_path) : NULL;
	l->p.id_path = keep(w->la, p->id_path);
	l->p.source = keep(w->la, p->source);
	l->p.comments = NULL;
	l->p.ncomments = 0;
	l->next = w->later;
	w->later = l;
}

/* The local id of @p's parent page: 0 when it has none, ERR_NOTFOUND
 * when it is not written yet. */
static int parent_of(struct imp_writer *w, const struct imp_post *p,
		     int64_t *parent)
{
	*parent = 0;
	if (!p->parent_id)
		return 0;
	return store_import_find(w->s, p->source, IMPORT_PAGE, p->parent_id,
				 parent);
}

/*
 * Write the waiting pages whose parent is written now, until none is;
 * with @orphans, then the rest at the top (their parent never came).
 */
static int pages_waiting(struct imp_writer *w, bool orphans)
{
	bool progress = true;
	int r = 0;

	while (!r && w->later && progress) {
		struct later_page **l = &w->later;

		progress = false;
		while (!r && *l) {
			int64_t parent;

			r = parent_of(w, &(*l)->p, &parent);
			if (r == ERR_NOTFOUND) {
				r = 0;
				l = &(*l)->next;
				continue;
			}
			if (!r)
				r = page_write(w, &(*l)->p, parent);
			*l = (*l)->next;
			progress = true;
		}
	}
	for (; !r && orphans && w->later; w->later = w->later->next)
		r = page_write(w, &w->later->p, 0);
	arena_reset(w->a);
	return r;
}

/* A page: written when its parent is (or it has none), else later. */
static int write_page(struct imp_writer *w, const struct imp_post *p)
{
	int64_t parent;
	int r;

	if ((r = batch_need(w)))
		return r;
	r = parent_of(w, p, &parent);
	if (r == ERR_NOTFOUND) {
		page_later(w, p);
		r = 0;
	} else if (!r && !(r = page_write(w, p, parent)) && w->later) {
		r = pages_waiting(w, false);
	}
	arena_reset(w->a);
	return r;
}

static int write_finish(void *ctx)
{
	struct imp_writer *w = ctx;
	int r = 0;

	if (w->later && !(r = batch_need(w)))
		r = pages_waiting(w, true);
	arena_reset(w->la);
	w->later = NULL;
	if (!r)
		r = batch_commit(w);
	return r;
}

static int write_post(void *ctx, const struct imp_post *p)
{
	struct imp_writer *w = ctx;
	struct article art = { 0 }, *old;
	struct tag tags[IMP_TAGS_MAX];
	int64_t id = 0;
	size_t i;
	bool fresh;
	int r;

	if (p->kind != IMP_STORY)
		return write_page(w, p);
	if ((r = batch_need(w)))
		return r;
	/* Found again by its id in the export; the newsroom's slug kept. */
	if (!(fresh = !(old = imported_before(w, p))))
		art.slug = old->slug;
	else if ((art.slug = free_slug(w, p, &old)) && old &&
		 store_story_get(w->s, w->a, old->id, &old))
		old = NULL;	/* (with its full status and owner) */
	art.headline = p->headline;
	art.summary = p->summary;
	art.dateline = "";
	art.body = p->body;
	art.author = p->byline;
	art.section = p->section ? p->section : "";
	art.section_slug = p->section_slug ? p->section_slug : "";
	for (i = 0; i < p->ntags; i++) {
		tags[i].slug = p->tag_slugs[i];
		tags[i].name = p->tags[i];
	}
	art.tags = tags;
	art.ntags = p->ntags;
	art.status = status_from_name(states[p->state]);
	art.published = p->published ? p->published : p->modified;
	/* The author's own story, to edit in the newsroom (one the newsroom
	 * gave another owner since keeps that one). */
	art.owner_id = old && old->owner_id ? old->owner_id :
		       owner_of(w, p->author_login);
	art.caption = art.credit = art.photo_alt = "";
	if (w->have_photo) {
		art.photo.key = w->photo.main.key;
		art.new_photo = &w->photo.main;
		art.new_copies = w->photo.items + 1;
		art.ncopies = w->photo.n - 1;
		art.new_variants = w->photo.variants;
		art.nvariants = w->photo.nvariants;
		art.caption = p->photo_caption && *p->photo_caption ?
			      p->photo_caption : p->headline;
		art.photo_alt = p->photo_alt ? p->photo_alt : "";
	}
	r = 0;
	if (unchanged(old, &art))
		id = old->id;
	else
		r = store_article_put(w->s, &art, &id, NULL);
	if (!r && (!old || old->owner_id != art.owner_id))
		r = store_story_owner_set(w->s, id, art.owner_id);
	w->have_photo = false;
	if (!r)
		r = store_import_note(w->s, p->source, IMPORT_POST, p->wp_id, id);
	if (!r)
		r = story_redirects(w, p, &art);
	if (!r)
		r = story_comments(w, p, id, fresh);
	if (!r)
		r = batch_step(w);
	arena_reset(w->a);
	return r;
}

int imp_writer_new(struct store *s, const char *uploads, int max_depth,
		   struct imp_writer **out, struct imp_sink *sink)
{
	struct imp_writer *w;

	if (media_init("dateline"))
		return ERR_INVALID;
	w = xcalloc(1, sizeof(*w));
	w->s = s;
	w->uploads = uploads;
	w->max_depth = max_depth;
	w->a = arena_new(1 << 20);
	w->pa = arena_new(1 << 20);
	w->la = arena_new(64 << 10);
	sink->ctx = w;
	sink->author = write_author;
	sink->post = write_post;
	sink->photo = load_photo;
	sink->body_photo = write_body_photo;
	sink->finish = write_finish;
	sink->redirect = write_redirect;
	sink->comments = true;
	*out = w;
	return 0;
}

void imp_writer_free(struct imp_writer *w)
{
	size_t i;

	if (!w)
		return;
	/* What was handed on stays, also when an error stopped the run. */
	batch_commit(w);
	for (i = 0; i < w->nauthors; i++)
		free(w->authors[i].login);
	free(w->authors);
	for (i = 0; i < IMP_BODY_PHOTOS; i++) {
		free(w->body[i].path);
		free(w->body[i].key);
	}
	arena_free(w->a);
	arena_free(w->pa);
	arena_free(w->la);
	free(w);
	media_shutdown();
}

const char *imp_writer_error(const struct imp_writer *w)
{
	return w->err;
}
