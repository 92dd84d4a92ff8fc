/*
 * import_write.c - an import's authors, stories and photos written into
 * the site through store.h (see import_write.h).
 */
#include "import_write.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/timeutil.h"
#include "import/import_queue.h"
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
#define IMP_BATCH_ITEMS 1000
#define IMP_BATCH_MS 250
/* Body photos remembered (path -> media key) so a reused one is
 * processed once; a direct-mapped table, a power of two. */
#define IMP_BODY_PHOTOS 1024
/* Items read ahead of the one being written. */
#define IMP_QUEUE_DEPTH 64

/* An author's account, by WordPress login. */
struct author_acct {
	char *login;
	int64_t id;
};

/* A processed photo, shared by the jobs that show it: the last one to
 * drop it frees it (the struct lives in its own arena). */
struct photo {
	atomic_int refs;
	struct arena *a;
	const char *path;
	struct media_set set;
};

static void photo_drop(struct photo *ph)
{
	if (ph && atomic_fetch_sub(&ph->refs, 1) == 1)
		arena_free(ph->a);
}

/*
 * What the reading thread hands the writing one (import_queue.h): a
 * copy of what a sink callback was given, in the slot's own arena.
 */
enum job_kind { JOB_AUTHOR, JOB_POST, JOB_PHOTO, JOB_REDIRECT, JOB_FINISH };

/* A comment's text as the site keeps it, made on the reading thread. */
struct ready_comment {
	const char *body, *html;	/* cleaned Markdown, its HTML */
	char hash[TOKEN_HASH_SIZE];	/* of the body */
};

struct job {
	enum job_kind kind;
	struct arena *a;	/* the copies; kept for the slot's next job */
	struct imp_author au;	/* JOB_AUTHOR */
	struct imp_post p;	/* JOB_POST */
	struct ready_comment *rc;	/* JOB_POST: one per p.comments[] */
	struct photo *photo;	/* JOB_POST: its lead photo; JOB_PHOTO */
	const char *from, *to;	/* JOB_REDIRECT */
};

/* A page whose parent page is not written yet (imp_post copied). */
struct later_page {
	struct imp_post p;
	struct later_page *next;
};

/*
 * The reading thread (the sink's callbacks) processes photos and queues
 * jobs; the queue's thread makes every store call, so the batch (a
 * thread's own, store.h) and what follows the "writing" comments below
 * are its alone.
 */
struct imp_writer {
	struct store *s;
	const char *uploads;
	int max_depth;		/* --comment-depth */
	struct imp_queue *q;
	/* Reading: the last lead photo processed, kept until another one is
	 * (WordPress sites reuse a featured image on many posts), and
	 * whether the current item shows it. */
	struct photo *lead;
	bool have_photo;
	/* Body photos remembered (path -> media key) so a reused one is
	 * processed once. */
	struct { char *path, *key; } body[IMP_BODY_PHOTOS];
	char err[256];		/* the last photo problem */
	/* Writing: */
	struct arena *a;	/* the current item's */
	char why[300];		/* what failed, for the run's message */
	/* The open batch (store_batch_begin()): items in it, since when. */
	bool in_batch;
	int batch_items;
	int64_t batch_ms;
	struct author_acct *authors;	/* sorted by login once posts come */
	size_t nauthors, authors_cap;
	bool authors_sorted;
	struct later_page *later;	/* in @la */
	struct arena *la;
};

/* ---- Writing (the queue's thread) ---- */

static int write_author(struct imp_writer *w, const struct imp_author *au)
{
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

/* Store body photo @ph (in the open batch, so with the story that
 * shows it). */
static int write_photo(struct imp_writer *w, const struct photo *ph)
{
	int r = batch_need(w);

	if (!r)
		r = store_photo_put(w->s, ph->set.items, ph->set.n,
				    ph->set.variants, ph->set.nvariants);
	return r;
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

static int write_redirect(struct imp_writer *w, const char *from,
			  const char *to)
{
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
			  const struct ready_comment *rc, int64_t id, bool fresh)
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
			ci.source = p->source;
			ci.wp_id = c->wp_id;
			ci.article_id = id;
			ci.max_depth = w->max_depth;
			ci.guest_name = *c->author ? c->author : "Anonymous";
			ci.guest_email = c->email;
			ci.body = rc[i].body;
			ci.html = rc[i].html;
			ci.body_hash = rc[i].hash;
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

static const char *dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* @src with everything it points to copied into @a, but its comments'
 * texts: a job carries those as ready_comments(), made from @src. */
static void post_copy(struct arena *a, struct imp_post *dst,
		      const struct imp_post *src)
{
	size_t i;

	*dst = *src;
	dst->headline = dup_or_null(a, src->headline);
	dst->slug = dup_or_null(a, src->slug);
	dst->summary = dup_or_null(a, src->summary);
	dst->body = dup_or_null(a, src->body);
	dst->author_login = dup_or_null(a, src->author_login);
	dst->byline = dup_or_null(a, src->byline);
	dst->section = dup_or_null(a, src->section);
	dst->section_slug = dup_or_null(a, src->section_slug);
	for (i = 0; i < src->ntags; i++) {
		dst->tags[i] = dup_or_null(a, src->tags[i]);
		dst->tag_slugs[i] = dup_or_null(a, src->tag_slugs[i]);
	}
	dst->path = dup_or_null(a, src->path);
	dst->old_path = dup_or_null(a, src->old_path);
	dst->id_path = dup_or_null(a, src->id_path);
	dst->source = dup_or_null(a, src->source);
	dst->photo = dup_or_null(a, src->photo);
	dst->photo_caption = dup_or_null(a, src->photo_caption);
	dst->photo_alt = dup_or_null(a, src->photo_alt);
	dst->comments = src->ncomments ?
		arena_alloc(a, src->ncomments * sizeof(*dst->comments)) : NULL;
	for (i = 0; i < src->ncomments; i++) {
		struct imp_comment *c = &dst->comments[i];

		*c = src->comments[i];
		c->author = dup_or_null(a, c->author);
		c->email = dup_or_null(a, c->email);
		c->url = dup_or_null(a, c->url);
		c->body = NULL;
	}
}

/* Page @p waits for its parent page (copied into w->la). */
static void page_later(struct imp_writer *w, const struct imp_post *p)
{
	struct later_page *l = arena_zalloc(w->la, sizeof(*l));

	post_copy(w->la, &l->p, p);
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

static int write_finish(struct imp_writer *w)
{
	int r = 0;

	if (w->later && !(r = batch_need(w)))
		r = pages_waiting(w, true);
	arena_reset(w->la);
	w->later = NULL;
	if (!r)
		r = batch_commit(w);
	return r;
}

/* Story @p (or a page) with its lead photo @ph (NULL: none) and its
 * comments' texts @rc. */
static int write_post(struct imp_writer *w, const struct imp_post *p,
		      const struct photo *ph, const struct ready_comment *rc)
{
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
	if (ph) {
		art.photo.key = ph->set.main.key;
		art.new_photo = &ph->set.main;
		art.new_copies = ph->set.items + 1;
		art.ncopies = ph->set.n - 1;
		art.new_variants = ph->set.variants;
		art.nvariants = ph->set.nvariants;
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
	if (!r)
		r = store_import_note(w->s, p->source, IMPORT_POST, p->wp_id, id);
	if (!r)
		r = story_redirects(w, p, &art);
	if (!r)
		r = story_comments(w, p, rc, id, fresh);
	if (!r)
		r = batch_step(w);
	arena_reset(w->a);
	return r;
}

/* Note what failed (printf-style), for the run's message. */
static void noted(struct imp_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void noted(struct imp_writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
}

/* The job in @slot, run on the queue's thread; what failed noted. */
static int run_job(void *ctx, void *slot, int failed)
{
	struct imp_writer *w = ctx;
	struct job *j = slot;
	int r = 0;

	if (failed) {
		/* Nothing more is written after an error. */
	} else if (j->kind == JOB_AUTHOR) {
		if ((r = write_author(w, &j->au)))
			noted(w, "author '%s': cannot be saved", j->au.login);
	} else if (j->kind == JOB_POST) {
		if ((r = write_post(w, &j->p, j->photo, j->rc)))
			noted(w, "post %lld: cannot be saved",
			      (long long)j->p.wp_id);
	} else if (j->kind == JOB_PHOTO) {
		if ((r = write_photo(w, j->photo)))
			noted(w, "photo '%.200s': cannot be saved",
			      j->photo->path);
	} else if (j->kind == JOB_REDIRECT) {
		if ((r = write_redirect(w, j->from, j->to)))
			noted(w, "redirect '%.200s': cannot be saved", j->from);
	} else if ((r = write_finish(w))) {
		noted(w, "the last items cannot be saved");
	}
	photo_drop(j->photo);
	j->photo = NULL;
	arena_reset(w->a);
	return r;
}

/* At the end: what was handed on stays, also when an error stopped it. */
static int end_jobs(void *ctx, int failed)
{
	(void)failed;
	return batch_commit(ctx);
}

/* ---- Reading (the sink's callbacks, on the import's thread) ---- */

/* The next free job, of @kind, in *@j: 0 or the writing's error. */
static int job_next(struct imp_writer *w, enum job_kind kind, struct job **j)
{
	void *slot;
	int r = impq_next(w->q, &slot);

	if (r)
		return r;
	*j = slot;
	if (!(*j)->a)
		(*j)->a = arena_new(64 << 10);
	else
		arena_reset((*j)->a);
	(*j)->kind = kind;
	(*j)->photo = NULL;
	return 0;
}

static int queue_author(void *ctx, const struct imp_author *au)
{
	struct imp_writer *w = ctx;
	struct job *j;
	int r = job_next(w, JOB_AUTHOR, &j);

	if (r)
		return r;
	j->au.login = arena_strdup(j->a, au->login);
	j->au.email = arena_strdup(j->a, au->email);
	j->au.name = arena_strdup(j->a, au->name);
	impq_push(w->q);
	return 0;
}

/* The texts of @p's comments as the site keeps them, in @a. */
static struct ready_comment *ready_comments(struct arena *a,
					    const struct imp_post *p)
{
	struct ready_comment *rc = arena_alloc(a, (p->ncomments + 1) *
					       sizeof(*rc));
	size_t i, chars;

	for (i = 0; i < p->ncomments; i++) {
		const char *md = p->comments[i].body;
		const char *body = comment_clean(a, md, strlen(md), &chars);

		if (!body || !*body)
			body = "(empty)";
		rc[i].body = body;
		rc[i].html = comment_render(a, body, strlen(body), NULL);
		token_hash(body, rc[i].hash);
	}
	return rc;
}

static int queue_post(void *ctx, const struct imp_post *p)
{
	struct imp_writer *w = ctx;
	struct job *j;
	int r = job_next(w, JOB_POST, &j);

	if (r)
		return r;
	post_copy(j->a, &j->p, p);
	j->rc = ready_comments(j->a, p);
	if (w->have_photo && p->kind == IMP_STORY) {
		j->photo = w->lead;
		atomic_fetch_add(&j->photo->refs, 1);
	}
	w->have_photo = false;
	impq_push(w->q);
	return 0;
}

static int queue_redirect(void *ctx, const char *from, const char *to)
{
	struct imp_writer *w = ctx;
	struct job *j;
	int r = job_next(w, JOB_REDIRECT, &j);

	if (r)
		return r;
	j->from = arena_strdup(j->a, from);
	j->to = arena_strdup(j->a, to);
	impq_push(w->q);
	return 0;
}

/* Everything queued is written: 0 or the error. */
static int queue_finish(void *ctx)
{
	struct imp_writer *w = ctx;
	struct job *j;
	int r = job_next(w, JOB_FINISH, &j);

	if (r)
		return r;
	impq_push(w->q);
	return impq_wait(w->q);
}

static const char *why_failed(void *ctx)
{
	return ((struct imp_writer *)ctx)->why;
}

/* FNV-1a of @s, for the body photo table. */
static uint64_t path_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The upload @path read and processed, or NULL (the problem in w->err). */
static struct photo *photo_load(struct imp_writer *w, const char *path)
{
	struct arena *a = arena_new(1 << 20);
	struct photo *ph = arena_zalloc(a, sizeof(*ph));
	struct media m;

	ph->a = a;
	atomic_init(&ph->refs, 1);
	ph->path = arena_strdup(a, path);
	if (media_load_file(a, arena_printf(a, "%s/%s", w->uploads, path), &m,
			    w->err, sizeof(w->err)) ||
	    media_process(a, m.data, m.len, &ph->set, w->err,
			  sizeof(w->err))) {
		arena_free(a);
		return NULL;
	}
	return ph;
}

static bool upload_path_ok(const struct imp_writer *w, const char *path)
{
	return w->uploads && path[0] != '/' && !strstr(path, "..");
}

/*
 * An image of a body: processed here, stored by a job before the story
 * that shows it; its address on this site, or NULL when the file is
 * missing or not an image.
 */
static const char *queue_body_photo(void *ctx, struct arena *a,
				    const char *path)
{
	struct imp_writer *w = ctx;
	size_t slot = path_hash(path) & (IMP_BODY_PHOTOS - 1);
	struct photo *ph;
	struct job *j;

	if (!upload_path_ok(w, path))
		return NULL;
	if (w->body[slot].path && !strcmp(w->body[slot].path, path))
		return arena_printf(a, "/media/%s", w->body[slot].key);
	if (!(ph = photo_load(w, path)))
		return NULL;
	if (job_next(w, JOB_PHOTO, &j)) {
		photo_drop(ph);
		return NULL;	/* the error comes back with the next item */
	}
	free(w->body[slot].path);
	free(w->body[slot].key);
	w->body[slot].path = xstrdup(path);
	w->body[slot].key = xstrdup(ph->set.main.key);
	j->photo = ph;		/* the job's now: freed once it is written */
	impq_push(w->q);
	return arena_printf(a, "/media/%s", w->body[slot].key);
}

/* The lead photo of the next post: 1 when it is there, processed. */
static int load_photo(void *ctx, const char *path)
{
	struct imp_writer *w = ctx;

	w->have_photo = false;
	w->err[0] = '\0';
	if (!upload_path_ok(w, path))
		return 0;
	if (!w->lead || strcmp(w->lead->path, path)) {
		photo_drop(w->lead);
		if (!(w->lead = photo_load(w, path)))
			return 0;
	}
	w->have_photo = true;
	return 1;
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
	w->la = arena_new(64 << 10);
	if (!(w->q = impq_new(IMP_QUEUE_DEPTH, sizeof(struct job), run_job,
			      end_jobs, w))) {
		arena_free(w->a);
		arena_free(w->la);
		free(w);
		media_shutdown();
		return ERR_INVALID;
	}
	sink->ctx = w;
	sink->author = queue_author;
	sink->post = queue_post;
	sink->photo = load_photo;
	sink->body_photo = queue_body_photo;
	sink->finish = queue_finish;
	sink->redirect = queue_redirect;
	sink->why = why_failed;
	sink->comments = true;
	*out = w;
	return 0;
}

static void job_free(void *slot)
{
	struct job *j = slot;

	photo_drop(j->photo);
	arena_free(j->a);
}

void imp_writer_free(struct imp_writer *w)
{
	size_t i;

	if (!w)
		return;
	impq_close(w->q, job_free);
	photo_drop(w->lead);
	for (i = 0; i < w->nauthors; i++)
		free(w->authors[i].login);
	free(w->authors);
	for (i = 0; i < IMP_BODY_PHOTOS; i++) {
		free(w->body[i].path);
		free(w->body[i].key);
	}
	arena_free(w->a);
	arena_free(w->la);
	free(w);
	media_shutdown();
}

const char *imp_writer_error(const struct imp_writer *w)
{
	return w->err;
}
