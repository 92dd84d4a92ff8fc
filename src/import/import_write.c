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

struct imp_writer {
	struct store *s;
	const char *uploads;
	int max_depth;		/* --comment-depth */
	struct arena *a;	/* the current item's photo */
	bool have_photo;
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
	arena_reset(w->a);
	if (r == ERR_INVALID)
		return 0;	/* an address the site cannot take: byline only */
	return r;
}

static int load_photo(void *ctx, const char *path)
{
	struct imp_writer *w = ctx;
	struct media m;
	const char *full;

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
	full = arena_printf(w->pa, "%s/%s", w->uploads, path);
	if (media_load_file(w->pa, full, &m, w->err, sizeof(w->err)) ||
	    media_process(w->pa, m.data, m.len, &w->photo, w->err, sizeof(w->err)))
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
			  int64_t id)
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
			ci.created = c->created;
			if ((r = store_comment_import(w->s, &ci, &local[i])))
				return r;
			done++;
			progress = true;
		}
	}
	return 0;
}

static int write_post(void *ctx, const struct imp_post *p)
{
	struct imp_writer *w = ctx;
	struct article art = { 0 }, *old;
	struct tag tags[IMP_TAGS_MAX];
	int64_t id = 0;
	size_t i;
	int r;

	if (p->kind != IMP_STORY) {
		arena_reset(w->a);
		return IMP_LEFT_OUT;
	}
	/* Found again by its id in the export; the newsroom's slug kept. */
	if ((old = imported_before(w, p)))
		art.slug = old->slug;
	else
		art.slug = free_slug(w, p, &old);
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
	w->have_photo = false;
	if (!r)
		r = store_import_note(w->s, p->source, IMPORT_POST, p->wp_id, id);
	if (!r)
		r = story_redirects(w, p, &art);
	if (!r)
		r = story_comments(w, p, id);
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
	sink->ctx = w;
	sink->author = write_author;
	sink->post = write_post;
	sink->photo = load_photo;
	sink->redirect = write_redirect;
	sink->comments = true;
	*out = w;
	return 0;
}

void imp_writer_free(struct imp_writer *w)
{
	if (!w)
		return;
	arena_free(w->a);
	arena_free(w->pa);
	free(w);
	media_shutdown();
}

const char *imp_writer_error(const struct imp_writer *w)
{
	return w->err;
}
