/*
 * import.c - the two passes of a WordPress import (see import.h): the
 * index of the first, and each item of the second made into a story or
 * a page with its comments, handed to the sink and counted.
 */
#include "import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/escape.h"
#include "import/html_md.h"
#include "import/wxr.h"

/* How deep page parents are followed (and cycles cut). */
#define IMP_PAGE_DEPTH_MAX 16

/* ---- a string-keyed map in an arena ---- */

struct map_ent {
	const char *key;
	void *val;
};

struct map {
	struct map_ent *e;
	size_t cap, n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void *map_get(const struct map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = hash(key) & (m->cap - 1); m->e[i].key; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->e[i].key, key))
			return m->e[i].val;
	return NULL;
}

/* Set @key (copied) to @val; an existing key gets the new value. */
static void map_put(struct map *m, struct arena *a, const char *key, void *val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct map old = *m;
		size_t j;

		m->cap = old.cap ? old.cap * 2 : 64;
		m->e = xcalloc(m->cap, sizeof(*m->e));
		m->n = 0;
		for (j = 0; j < old.cap; j++)
			if (old.e[j].key) {
				for (i = hash(old.e[j].key) & (m->cap - 1); m->e[i].key;
				     i = (i + 1) & (m->cap - 1))
					;
				m->e[i] = old.e[j];
				m->n++;
			}
		free(old.e);
	}
	for (i = hash(key) & (m->cap - 1); m->e[i].key; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->e[i].key, key)) {
			m->e[i].val = val;
			return;
		}
	m->e[i].key = arena_strdup(a, key);
	m->e[i].val = val;
	m->n++;
}

/* ---- the index of the first pass ---- */

struct cat {
	const char *name, *parent;	/* parent: a slug, or "" */
};

struct att {
	const char *file, *alt, *caption;
};

struct page {
	const char *slug;
	int64_t parent;
};

struct run {
	const struct imp_opts *o;
	struct imp_summary *sum;
	struct arena *ia;		/* the index's memory */
	struct arena *a;		/* the item's */
	struct map cats, cat_ids, authors, atts, pages;
	struct map sections, tags;	/* the ones used, for the counts */
	const char *site;		/* the old site's address */
	int64_t post_id;		/* the item being converted */
	long items;
	int sink_err;
	char sink_msg[256];
};

static void warn(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct run *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->sum->warnings++;
	if (r->o->warn)
		r->o->warn(r->o->ctx, msg);
}

static void reader_warn(void *ctx, const char *msg)
{
	warn(ctx, "%s", msg);
}

static char *idkey(struct arena *a, int64_t id)
{
	return arena_printf(a, "%lld", (long long)id);
}

static char *trimmed(struct arena *a, const char *s)
{
	return str_dup(a, str_trim(str_from(s)));
}

static int index_channel(void *ctx, const struct wxr_channel *c)
{
	struct run *r = ctx;

	r->site = arena_strdup(r->ia, *c->base_blog_url ? c->base_blog_url :
			       *c->link ? c->link : c->base_site_url);
	return 0;
}

static int index_author(void *ctx, const struct wxr_author *au)
{
	struct run *r = ctx;
	struct imp_author *x = arena_alloc(r->ia, sizeof(*x));
	const char *login = trimmed(r->ia, au->login);

	if (!*login)
		return 0;
	x->login = login;
	x->email = trimmed(r->ia, au->email);
	x->name = trimmed(r->ia, au->display_name);
	if (!*x->name)
		x->name = login;
	map_put(&r->authors, r->ia, login, x);
	return 0;
}

static int index_term(void *ctx, const struct wxr_term *t)
{
	struct run *r = ctx;
	struct cat *c;
	const char *slug = trimmed(r->ia, t->slug);

	if (t->kind != WXR_CATEGORY || !*slug)
		return 0;
	c = arena_alloc(r->ia, sizeof(*c));
	c->name = trimmed(r->ia, t->name);
	c->parent = trimmed(r->ia, t->parent);
	map_put(&r->cats, r->ia, slug, c);
	if (*t->id)
		map_put(&r->cat_ids, r->ia, trimmed(r->a, t->id), (void *)slug);
	return 0;
}

/* An attachment's file under the uploads: its meta, else its address. */
static const char *upload_path(struct arena *a, const struct wxr_item *it)
{
	const char *f = wxr_meta_get(it, "_wp_attached_file");
	const char *u = strstr(it->attachment_url, "/wp-content/uploads/");

	if (f && *f)
		return trimmed(a, f);
	if (u)
		return trimmed(a, u + strlen("/wp-content/uploads/"));
	return NULL;
}

static int index_item(void *ctx, const struct wxr_item *it)
{
	struct run *r = ctx;
	int64_t id;
	const char *type = it->post_type;

	if (r->o->progress)
		r->o->progress(r->o->ctx, 1, it->offset, 0, ++r->items);
	if (wxr_id(it->post_id, &id))
		return 0;
	if (!strcmp(type, "attachment")) {
		struct att *x = arena_alloc(r->ia, sizeof(*x));
		const char *alt = wxr_meta_get(it, "_wp_attachment_image_alt");

		x->file = upload_path(r->ia, it);
		x->alt = arena_strdup(r->ia, alt ? alt : "");
		x->caption = html_plain(r->ia, it->excerpt, strlen(it->excerpt),
					IMP_SUMMARY_MAX);
		if (x->file)
			map_put(&r->atts, r->ia, idkey(r->a, id), x);
	} else if (!strcmp(type, "page")) {
		struct page *p = arena_alloc(r->ia, sizeof(*p));

		p->slug = trimmed(r->ia, it->post_name);
		if (wxr_id(it->post_parent, &p->parent))
			p->parent = 0;
		map_put(&r->pages, r->ia, idkey(r->a, id), p);
	}
	arena_reset(r->a);
	return 0;
}

/* ---- the second pass: one item ---- */

static const char *const internal_types[] = {
	"wp_block", "wp_template", "wp_template_part", "wp_navigation",
	"wp_global_styles", "wp_font_family", "wp_font_face", "custom_css",
	"customize_changeset", "oembed_cache", "user_request", NULL,
};

static bool in(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* The kind of @it, or -1 with *skip set (attachments: -1, skip -1). */
static int kind_of(struct run *r, const struct wxr_item *it, int64_t id,
		   int *skip)
{
	const char *t = it->post_type;

	*skip = -1;
	if (!strcmp(t, "post"))
		return IMP_STORY;
	if (!strcmp(t, "page"))
		return IMP_PAGE;
	if (!strcmp(t, "attachment"))
		return -1;
	if (!strcmp(t, "nav_menu_item"))
		*skip = SKIP_MENU_ITEM;
	else if (!strcmp(t, "revision"))
		*skip = SKIP_REVISION;
	else if (in(t, internal_types))
		*skip = SKIP_INTERNAL;
	else {
		warn(r, "post %lld: unknown post type '%.60s', skipped",
		     (long long)id, t);
		*skip = SKIP_UNKNOWN_TYPE;
	}
	return -1;
}

/* The state of @it, or -1 with *skip set. */
static int state_of(struct run *r, const struct wxr_item *it, int64_t id,
		    int *skip)
{
	const char *s = it->status;
	int st;

	if (!strcmp(s, "publish"))
		st = IMP_PUBLISHED;
	else if (!strcmp(s, "draft"))
		st = IMP_DRAFT;
	else if (!strcmp(s, "pending"))
		st = IMP_REVIEW;
	else if (!strcmp(s, "future"))
		st = IMP_SCHEDULED;
	else if (!strcmp(s, "private")) {
		*skip = SKIP_PRIVATE;
		return -1;
	} else if (!strcmp(s, "trash")) {
		*skip = SKIP_TRASH;
		return -1;
	} else if (!strcmp(s, "auto-draft")) {
		*skip = SKIP_AUTO_DRAFT;
		return -1;
	} else {
		warn(r, "post %lld: unknown status '%.40s', skipped",
		     (long long)id, s);
		*skip = SKIP_BAD;
		return -1;
	}
	if (*it->post_password)
		st = IMP_DRAFT;
	return st;
}

/* The first of a GMT and a local date that reads; ERR_INVALID names one. */
static int date_of(const char *gmt, const char *local, int64_t *out,
		   const char **bad)
{
	int e = wxr_date(gmt, out);

	if (e == ERR_INVALID) {
		*bad = gmt;
		return e;
	}
	if (!e)
		return 0;
	e = wxr_date(local, out);
	if (e == ERR_INVALID)
		*bad = local;
	return e;
}

/* @s cut to at most @max bytes at a character boundary. */
static const char *cut(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	while (max && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return arena_strndup(a, s, max);
}

static const char *slug_of(struct run *r, const struct wxr_item *it, int64_t id)
{
	char *dec = NULL, *s;
	struct str name = str_trim(str_from(it->post_name));

	if (name.len && !url_decode(r->a, name, false, &dec) && slug_valid(dec))
		return dec;
	s = slugify(r->a, dec && *dec ? dec : it->title, 80);
	if (!*s)
		s = slugify(r->a, it->title, 80);
	return *s ? s : arena_printf(r->a, "post-%lld", (long long)id);
}

/*
 * Walk from the category @slug up to its top ancestor, whose slug goes
 * into *@top.  With @a, returns the slugs from the top down to @slug
 * ("news/europe") in @a; without, NULL.
 */
static const char *category_up(struct run *r, struct arena *a,
			       const char *slug, const char **top)
{
	const char *path = slug;
	int depth;

	for (depth = 0; depth < IMP_PAGE_DEPTH_MAX; depth++) {
		struct cat *c = map_get(&r->cats, slug);

		if (!c || !*c->parent || !map_get(&r->cats, c->parent))
			break;
		slug = c->parent;
		if (a)
			path = arena_printf(a, "%s/%s", slug, path);
	}
	*top = slug;
	return a ? path : NULL;
}

static const char *top_category(struct run *r, const char *slug)
{
	const char *top;

	category_up(r, NULL, slug, &top);
	return top;
}

/* Add a tag to @p; false when it is full and the tag was left out. */
static bool add_tag(struct run *r, struct imp_post *p, const char *slug,
		    const char *name)
{
	size_t i;
	const char *s = slug_valid(slug) ? slug : slugify(r->a, name, 80);

	if (!*s || !*name)
		return true;
	for (i = 0; i < p->ntags; i++)
		if (!strcmp(p->tag_slugs[i], s))
			return true;
	if (p->ntags == IMP_TAGS_MAX)
		return false;
	p->tag_slugs[p->ntags] = s;
	p->tags[p->ntags++] = cut(r->a, name, 100);
	return true;
}

/* Section and tags of a story from its categories and tags. */
static void terms_of(struct run *r, const struct wxr_item *it, struct imp_post *p)
{
	const char *primary = NULL, *top = NULL, *yoast;
	size_t i, left_out = 0;

	yoast = wxr_meta_get(it, "_yoast_wpseo_primary_category");
	if (yoast && *yoast)
		primary = map_get(&r->cat_ids, trimmed(r->a, yoast));
	for (i = 0; !primary && i < it->nterms; i++)
		if (!strcmp(it->terms[i].domain, "category"))
			primary = it->terms[i].nicename;
	if (primary && strcmp(primary, "uncategorized")) {
		struct cat *c;

		top = top_category(r, primary);
		c = map_get(&r->cats, top);
		p->section = c && *c->name ? c->name : NULL;
		p->section_slug = slug_valid(top) ? top : NULL;
		if (!p->section)
			for (i = 0; i < it->nterms; i++)
				if (!strcmp(it->terms[i].nicename, top))
					p->section = trimmed(r->a, it->terms[i].name);
		if (p->section && !p->section_slug)
			p->section_slug = slugify(r->a, p->section, 80);
		if (p->section && (!*p->section || !*p->section_slug))
			p->section = p->section_slug = NULL;
	}
	for (i = 0; i < it->nterms; i++)
		if (!strcmp(it->terms[i].domain, "post_tag"))
			left_out += !add_tag(r, p, trimmed(r->a, it->terms[i].nicename),
					     trimmed(r->a, it->terms[i].name));
	for (i = 0; i < it->nterms; i++) {
		const char *slug = it->terms[i].nicename;

		if (strcmp(it->terms[i].domain, "category") ||
		    !strcmp(slug, "uncategorized") || (top && !strcmp(slug, top)))
			continue;
		left_out += !add_tag(r, p, trimmed(r->a, slug),
				     trimmed(r->a, it->terms[i].name));
	}
	if (left_out)
		warn(r, "post %lld: %zu tags and categories over the %d a"
		     " story keeps; the last %zu left out", (long long)p->wp_id,
		     left_out, IMP_TAGS_MAX, left_out);
}

/* A page's path from the roots: "parent/child". */
static const char *page_path(struct run *r, const struct imp_post *p)
{
	const char *path = p->slug;
	int64_t parent = p->parent_id;
	int depth;

	for (depth = 0; parent && depth < IMP_PAGE_DEPTH_MAX; depth++) {
		struct page *pg = map_get(&r->pages, idkey(r->a, parent));

		if (!pg || !*pg->slug)
			break;
		path = arena_printf(r->a, "%s/%s", pg->slug, path);
		parent = pg->parent;
	}
	return path;
}

/* Where an upload of the old site is kept: "/wp-content/uploads/". */
#define UPLOADS_DIR "/wp-content/uploads/"

/*
 * @path without WordPress's size suffix ("photo-300x200.jpg" ->
 * "photo.jpg", the upload the copy was made from), in @a; NULL when it
 * has none.
 */
static const char *original_of(struct arena *a, const char *path)
{
	const char *dot = strrchr(path, '.'), *dash, *p;

	if (!dot)
		return NULL;
	for (dash = dot; dash > path && dash[-1] != '-' && dash[-1] != '/'; dash--)
		;
	if (dash == path || dash[-1] != '-')
		return NULL;
	p = dash + strspn(dash, "0123456789");
	if (p == dash || *p != 'x' || p + 1 == dot ||
	    p + 1 + strspn(p + 1, "0123456789") != dot)
		return NULL;
	return arena_printf(a, "%.*s%s", (int)(dash - 1 - path), path, dot);
}

/* The body's address of the upload @path, or NULL when it is missing. */
static const char *upload(struct run *r, const char *path, const char *src)
{
	const struct imp_sink *sk = r->o->sink;

	if (sk && sk->body_photo)
		return sk->body_photo(sk->ctx, r->a, path);
	if (sk && sk->photo && sk->photo(sk->ctx, path) == 1)
		return src;
	return NULL;
}

/* An image of a post's body: from the uploads, or left out when missing. */
static const char *body_image(void *ctx, const char *src, const char *alt)
{
	struct run *r = ctx;
	const char *u = strstr(src, UPLOADS_DIR), *to, *orig;
	char *path;

	(void)alt;
	if (!u)
		return NULL;	/* not an upload: kept as it is */
	path = arena_strdup(r->a, u + strlen(UPLOADS_DIR));
	path[strcspn(path, "?#")] = '\0';
	to = upload(r, path, src);
	/* A resized copy WordPress made: the original upload, when kept. */
	if (!to && (orig = original_of(r->a, path)))
		to = upload(r, orig, src);
	if (!to) {
		warn(r, "post %lld: photo '%.200s' is missing", (long long)r->post_id,
		     path);
		r->sum->photos_missing++;
		return "";
	}
	r->sum->photos_imported++;
	return to;
}

static const char *convert(struct run *r, const char *html, int64_t id,
			   bool photos)
{
	struct html_md_opts mo = { html_md_autop(html, strlen(html)), r->site,
				   photos ? body_image : NULL, r };
	char *out;
	size_t n;

	r->post_id = id;
	if (html_md(r->a, html, strlen(html), &mo, &out, &n)) {
		warn(r, "post %lld: the body is too big to convert; left empty",
		     (long long)id);
		return "";
	}
	return out;
}

/* A comment's text: converted, its images kept as they are. */
static const char *markdown(struct run *r, const char *html, int64_t id)
{
	return convert(r, html, id, false);
}

static void comments_of(struct run *r, const struct wxr_item *it,
			struct imp_post *p)
{
	size_t i;

	p->comments = arena_alloc(r->a, (it->ncomments + 1) * sizeof(*p->comments));
	for (i = 0; i < it->ncomments; i++) {
		const struct wxr_comment *c = &it->comments[i];
		struct imp_comment *x = &p->comments[p->ncomments];
		const char *bad = NULL, *ap = c->approved, *type = c->type;

		if (!strcmp(type, "pingback") || !strcmp(type, "trackback")) {
			r->sum->skipped[SKIP_PINGBACK]++;
			continue;
		}
		if (!strcmp(ap, "spam")) {
			r->sum->skipped[SKIP_COMMENT_SPAM]++;
			continue;
		}
		if (strcmp(ap, "1") && strcmp(ap, "0")) {
			r->sum->skipped[SKIP_COMMENT_TRASH]++;
			continue;
		}
		if (p->kind == IMP_PAGE) {
			r->sum->skipped[SKIP_COMMENT_ON_PAGE]++;
			continue;
		}
		if (wxr_id(c->id, &x->wp_id) ||
		    date_of(c->date_gmt, c->date, &x->created, &bad)) {
			warn(r, "post %lld: comment '%.20s' has no readable id or"
			     " date, skipped", (long long)p->wp_id, c->id);
			r->sum->skipped[SKIP_COMMENT_BAD]++;
			continue;
		}
		if (wxr_id(c->parent, &x->parent_id))
			x->parent_id = 0;
		if (wxr_id(c->user_id, &x->wp_user_id))
			x->wp_user_id = 0;
		x->author = trimmed(r->a, c->author);
		x->email = trimmed(r->a, c->email);
		x->url = trimmed(r->a, c->url);
		x->body = markdown(r, c->content, p->wp_id);
		x->shown = !strcmp(ap, "1");
		p->ncomments++;
	}
}

/* The lead photo: the attachment the featured image names. */
static void photo_of(struct run *r, const struct wxr_item *it, struct imp_post *p)
{
	const char *tid = wxr_meta_get(it, "_thumbnail_id");
	struct att *x;
	int64_t id;

	if (!tid || wxr_id(tid, &id) || !id)
		return;
	x = map_get(&r->atts, idkey(r->a, id));
	if (!x) {
		warn(r, "post %lld: its featured image %lld is not in the export",
		     (long long)p->wp_id, (long long)id);
		r->sum->photos_missing++;
		return;
	}
	p->photo = x->file;
	p->photo_alt = x->alt;
	p->photo_caption = x->caption;
}

/* Fill @p from @it; -1 with *skip set when the item is left out. */
static int build(struct run *r, const struct wxr_item *it, struct imp_post *p,
		 int *skip)
{
	int64_t id;
	int k, st;
	const char *bad = NULL;

	memset(p, 0, sizeof(*p));
	*skip = -1;
	if (wxr_id(it->post_id, &id)) {
		warn(r, "item at line %ld: no post id, skipped", it->line);
		*skip = SKIP_BAD;
		return -1;
	}
	if ((k = kind_of(r, it, id, skip)) < 0 || (st = state_of(r, it, id, skip)) < 0)
		return -1;
	if (it->truncated) {
		warn(r, "post %lld: too big, skipped", (long long)id);
		*skip = SKIP_BAD;
		return -1;
	}
	p->wp_id = id;
	p->kind = k;
	p->state = k == IMP_PAGE && st != IMP_PUBLISHED ? IMP_DRAFT : st;
	if (date_of(it->post_date_gmt, it->post_date, &p->published, &bad) &&
	    (bad || p->state == IMP_PUBLISHED || p->state == IMP_SCHEDULED)) {
		warn(r, "post %lld: unreadable date '%.40s', skipped", (long long)id,
		     bad ? bad : it->post_date);
		*skip = SKIP_BAD;
		return -1;
	}
	if (date_of(it->post_modified_gmt, it->post_modified, &p->modified, &bad))
		p->modified = p->published;
	p->headline = cut(r->a, html_plain(r->a, it->title, strlen(it->title),
					   IMP_HEADLINE_MAX), IMP_HEADLINE_MAX);
	if (!*p->headline)
		p->headline = "(no title)";
	p->slug = cut(r->a, slug_of(r, it, id), IMP_SLUG_MAX);
	p->summary = html_plain(r->a, it->excerpt, strlen(it->excerpt),
				IMP_SUMMARY_MAX);
	p->body = convert(r, it->content, id, true);
	p->author_login = trimmed(r->a, it->creator);
	{
		struct imp_author *au = map_get(&r->authors, p->author_login);

		p->byline = au ? au->name : p->author_login;
	}
	p->old_path = html_md_local(r->a, r->site, trimmed(r->a, it->link));
	p->id_path = arena_printf(r->a, k == IMP_PAGE ? "/?page_id=%lld" :
				  "/?p=%lld", (long long)id);
	p->source = r->site;
	if (k == IMP_STORY) {
		terms_of(r, it, p);
		photo_of(r, it, p);
	} else {
		if (wxr_id(it->post_parent, &p->parent_id))
			p->parent_id = 0;
		p->path = page_path(r, p);
	}
	comments_of(r, it, p);
	return 0;
}

/* Count what @p brings once the sink has taken it. */
static void count(struct run *r, const struct imp_post *p)
{
	struct imp_summary *s = r->sum;
	const struct imp_sink *sk = r->o->sink;
	size_t i;

	if (p->state == IMP_PUBLISHED)
		*(p->kind == IMP_STORY ? &s->stories : &s->pages) += 1;
	else if (p->state == IMP_SCHEDULED)
		s->scheduled++;
	else
		s->drafts++;
	if (p->state == IMP_REVIEW)
		s->in_review++;
	if (sk && sk->post && !sk->comments)
		s->skipped[SKIP_NOT_WRITTEN] += (long)p->ncomments;
	else
		for (i = 0; i < p->ncomments; i++)
			*(p->comments[i].shown ? &s->comments_shown :
			  &s->comments_held) += 1;
	if (p->section && !map_get(&r->sections, p->section)) {
		map_put(&r->sections, r->ia, p->section, (void *)1);
		s->sections++;
	}
	for (i = 0; i < p->ntags; i++)
		if (!map_get(&r->tags, p->tag_slugs[i])) {
			map_put(&r->tags, r->ia, p->tag_slugs[i], (void *)1);
			s->tags++;
		}
}

/* Error @e of the sink, its message made: the sink's own account of
 * what failed when it has one (it writes later than it is handed items). */
static int sink_error(struct run *r, int e)
{
	const struct imp_sink *sk = r->o->sink;
	const char *why = sk && sk->why ? sk->why(sk->ctx) : NULL;

	if (why && *why)
		snprintf(r->sink_msg, sizeof(r->sink_msg), "%s: %s", why,
			 err_str(e));
	return r->sink_err = e;
}

static int sink_fail(struct run *r, int e, const char *what, int64_t id)
{
	snprintf(r->sink_msg, sizeof(r->sink_msg), "post %lld: %s: %s",
		 (long long)id, what, err_str(e));
	return sink_error(r, e);
}

static int import_item(void *ctx, const struct wxr_item *it)
{
	struct run *r = ctx;
	const struct imp_sink *sk = r->o->sink;
	struct imp_post p;
	int skip, e;

	if (r->o->progress)
		r->o->progress(r->o->ctx, 2, it->offset, 0, ++r->items);
	if (build(r, it, &p, &skip)) {
		if (skip >= 0)
			r->sum->skipped[skip]++;
		goto out;
	}
	if (p.photo) {
		if (sk && sk->photo && sk->photo(sk->ctx, p.photo) == 1) {
			r->sum->photos_imported++;
		} else {
			warn(r, "post %lld: photo '%.200s' is missing",
			     (long long)p.wp_id, p.photo);
			r->sum->photos_missing++;
			p.photo = NULL;
		}
	}
	if (sk && sk->post && (e = sk->post(sk->ctx, &p))) {
		if (e != IMP_LEFT_OUT)
			return sink_fail(r, e, "cannot be saved", p.wp_id);
		r->sum->skipped[SKIP_NOT_WRITTEN]++;
		goto out;
	}
	count(r, &p);
out:
	arena_reset(r->a);
	return 0;
}

static int send_authors(struct run *r)
{
	const struct imp_sink *sk = r->o->sink;
	size_t i;
	int e;

	for (i = 0; i < r->authors.cap; i++) {
		const struct imp_author *au = r->authors.e[i].val;

		if (!r->authors.e[i].key)
			continue;
		if (sk && sk->author && (e = sk->author(sk->ctx, au))) {
			snprintf(r->sink_msg, sizeof(r->sink_msg),
				 "author '%s': cannot be saved: %s", au->login,
				 err_str(e));
			return sink_error(r, e);
		}
		r->sum->authors++;
	}
	return 0;
}

static int redirect(struct run *r, const char *from, const char *to)
{
	const struct imp_sink *sk = r->o->sink;
	int e;

	if (!sk || !sk->redirect || !(e = sk->redirect(sk->ctx, from, to)))
		return 0;
	snprintf(r->sink_msg, sizeof(r->sink_msg), "redirect '%.200s': cannot be"
		 " saved: %s", from, err_str(e));
	return sink_error(r, e);
}

/*
 * WordPress's list addresses and ours: a top category is a section
 * (/category/news/ -> /section/news/), a child one a tag
 * (/category/news/europe/ -> /tag/europe/), an author's page by login
 * (/author/ann/) ours by byline, and the feeds.
 */
static int list_redirects(struct run *r)
{
	size_t i;
	int e = redirect(r, "/feed/", "/feed.xml");

	for (i = 0; !e && i < r->cats.cap; i++) {
		const char *slug = r->cats.e[i].key, *to, *from, *top;
		const struct cat *c = r->cats.e[i].val;

		if (!slug || !slug_valid(slug))
			continue;
		to = arena_printf(r->ia, *c->parent ? "/tag/%s/" : "/section/%s/", slug);
		from = arena_printf(r->ia, "/category/%s/",
				    category_up(r, r->ia, slug, &top));
		if (!(e = redirect(r, from, to)))
			e = redirect(r, arena_printf(r->ia, "%sfeed/", from),
				     arena_printf(r->ia, "%sfeed.xml", to));
	}
	for (i = 0; !e && i < r->authors.cap; i++) {
		const struct imp_author *au = r->authors.e[i].val;
		struct buf b;

		if (!r->authors.e[i].key || strchr(au->name, '/'))
			continue;
		buf_init(&b, r->ia, 1024);
		buf_adds(&b, "/author/");
		url_encode(&b, au->name, strlen(au->name));
		buf_addch(&b, '/');
		e = redirect(r, arena_printf(r->ia, "/author/%s/", au->login), b.data);
	}
	return e;
}

static void release(struct run *r)
{
	free(r->cats.e);
	free(r->cat_ids.e);
	free(r->authors.e);
	free(r->atts.e);
	free(r->pages.e);
	free(r->sections.e);
	free(r->tags.e);
	arena_free(r->a);
	arena_free(r->ia);
}

int imp_run(const struct imp_opts *o, struct imp_summary *sum,
	    char *err, size_t errlen)
{
	struct run r = { .o = o, .sum = sum };
	struct wxr_handler h1 = { &r, index_channel, index_author, index_term,
				  index_item, reader_warn };
	struct wxr_handler h2 = { &r, NULL, NULL, NULL, import_item, NULL };
	int rc;

	memset(sum, 0, sizeof(*sum));
	r.ia = arena_new(64 << 10);
	r.a = arena_new(64 << 10);
	r.site = "";
	if (wxr_read_file(o->file, &h1, err, errlen)) {
		release(&r);
		return 1;
	}
	r.items = 0;
	if (send_authors(&r) || list_redirects(&r)) {
		rc = 2;
		goto out;
	}
	rc = wxr_read_file(o->file, &h2, err, errlen);
	if (!rc && !r.sink_err && o->sink && o->sink->finish &&
	    (r.sink_err = o->sink->finish(o->sink->ctx))) {
		snprintf(r.sink_msg, sizeof(r.sink_msg), "the last items cannot"
			 " be saved: %s", err_str(r.sink_err));
		sink_error(&r, r.sink_err);
	}
	if (r.sink_err) {
		rc = 2;
		snprintf(err, errlen, "%s", r.sink_msg);
	} else if (rc) {
		rc = 1;		/* the file changed between the passes */
	}
out:
	if (rc == 2 && !*err)
		snprintf(err, errlen, "%s", r.sink_msg);
	release(&r);
	return rc;
}

const char *imp_skip_name(enum imp_skip k)
{
	static const char *const names[SKIP_KINDS] = {
		"private", "trash", "auto-draft", "revision", "menu item",
		"internal", "unknown type", "unreadable", "spam comment",
		"trashed comment", "pingback or trackback", "comment on a page",
		"unreadable comment", "not written",
	};

	return k < SKIP_KINDS ? names[k] : "?";
}

void imp_summary_print(const struct imp_summary *s, void *file)
{
	FILE *f = file;
	long skipped = 0;
	int k;

	for (k = 0; k < SKIP_KINDS; k++)
		skipped += s->skipped[k];
	fprintf(f, "stories: %ld\npages: %ld\ndrafts: %ld\nin review: %ld\n"
		"scheduled: %ld\ncomments shown: %ld\ncomments held: %ld\n"
		"sections: %ld\ntags: %ld\nauthors: %ld\nphotos imported: %ld\n"
		"photos missing: %ld\nskipped: %ld\n", s->stories, s->pages,
		s->drafts, s->in_review, s->scheduled, s->comments_shown,
		s->comments_held, s->sections, s->tags, s->authors,
		s->photos_imported, s->photos_missing, skipped);
	for (k = 0; k < SKIP_KINDS; k++)
		if (s->skipped[k])
			fprintf(f, "skipped %s: %ld\n", imp_skip_name(k), s->skipped[k]);
	fprintf(f, "warnings: %ld\n", s->warnings);
}
