/*
 * import.h - a WordPress export as dateline content: what becomes what.
 *
 * imp_run() reads the export twice with the streaming reader (wxr.h).
 * The first pass checks the whole file (a malformed file or an unknown
 * version is refused before anything is handed on) and keeps a small
 * index: categories, authors, attachments and pages by id, so a post's
 * featured image and a page's parent may come later in the file than
 * the item that names them.  The second pass turns each item into a
 * struct imp_post (posts into stories, pages into static pages, bodies
 * into Markdown, comments sorted into shown, held and skipped) and hands
 * it to the sink, then counts it in the summary.  Without a sink
 * (--dry-run) nothing is handed on and the summary is the same.
 *
 * The rules (see docs/migrating.md): status publish is published, draft
 * a draft, pending in review, future scheduled; a password makes any of
 * them a draft; private, trash and auto-draft posts, revisions, menu
 * items and WordPress's internal types are skipped; another type or an
 * unreadable date skips the item with a warning naming its post id.
 * The section is the top ancestor of the post's primary category (Yoast's
 * _yoast_wpseo_primary_category, else the first listed; "uncategorized"
 * gives none); the post's tags, then its other categories, are its tags
 * (at most IMP_TAGS_MAX).  Approved comments are shown, pending ones
 * held; spam, trash, pingbacks and trackbacks are skipped.
 *
 * Images in a post's body that live under /wp-content/uploads/ (on the
 * old site or any other host) are looked up under the uploads folder
 * (body_photo()); a missing one is left out of the body, warned about and
 * counted as a missing photo.
 *
 * Memory: the index holds a few dozen bytes per category, author,
 * attachment and page; one item at a time is in memory besides.  Every
 * pointer in what a sink is handed is borrowed for that call.
 */
#ifndef DATELINE_IMPORT_H
#define DATELINE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* A story's tags, as the newsroom allows. */
#define IMP_TAGS_MAX 20
/* Field limits of the newsroom's editor, so an imported story saves again. */
#define IMP_HEADLINE_MAX 300
#define IMP_SUMMARY_MAX 1000
#define IMP_SLUG_MAX 120

enum imp_kind { IMP_STORY, IMP_PAGE };
enum imp_state { IMP_PUBLISHED, IMP_DRAFT, IMP_REVIEW, IMP_SCHEDULED };

/* Why something was left out; the summary counts each. */
enum imp_skip {
	SKIP_PRIVATE, SKIP_TRASH, SKIP_AUTO_DRAFT, SKIP_REVISION,
	SKIP_MENU_ITEM, SKIP_INTERNAL, SKIP_UNKNOWN_TYPE, SKIP_BAD,
	SKIP_COMMENT_SPAM, SKIP_COMMENT_TRASH, SKIP_PINGBACK,
	SKIP_COMMENT_ON_PAGE, SKIP_COMMENT_BAD, SKIP_NOT_WRITTEN,
	SKIP_KINDS
};

struct imp_author {
	const char *login, *email, *name;	/* name: the display name */
};

struct imp_comment {
	int64_t wp_id, parent_id;	/* parent 0: a top-level comment */
	const char *author, *email, *url;	/* a guest's, as exported */
	int64_t wp_user_id;		/* 0: a guest */
	int64_t created;
	const char *body;		/* Markdown */
	bool shown;			/* approved; else held for moderation */
};

struct imp_post {
	int64_t wp_id;
	enum imp_kind kind;
	enum imp_state state;
	const char *headline, *slug, *summary, *body;	/* body: Markdown */
	const char *author_login, *byline;	/* byline: display name */
	const char *section;		/* a name, or NULL */
	const char *section_slug;	/* its slug (the category's), with a section */
	const char *tags[IMP_TAGS_MAX], *tag_slugs[IMP_TAGS_MAX];
	size_t ntags;
	int64_t published;		/* 0: none (a draft without a date) */
	int64_t modified;
	int64_t parent_id;		/* pages: the parent page's id, or 0 */
	const char *path;		/* pages: "about/team" from the roots */
	const char *old_path;		/* its <link> on the old site, or NULL */
	const char *id_path;		/* "/?p=ID" or "/?page_id=ID" */
	const char *source;		/* the export's site address */
	const char *photo;		/* the lead photo's path under the uploads, or NULL */
	const char *photo_caption, *photo_alt;
	struct imp_comment *comments;
	size_t ncomments;
};

/* What a run counted. */
struct imp_summary {
	long stories, pages, drafts, in_review, scheduled;
	long comments_shown, comments_held;
	long sections, tags, authors;
	long photos_imported, photos_missing;
	long skipped[SKIP_KINDS];
	long warnings;
};

/*
 * Where the content goes.  Each callback returns 0, or an error that
 * stops the run; post() may also return IMP_LEFT_OUT for an item this
 * sink cannot write (counted as skipped "not written").  photo() says
 * whether the lead photo @path exists (and, when writing, was imported):
 * 1 yes, 0 missing.  body_photo() is the same for an image in a body:
 * the address the body shows it at (in @a), or NULL when it is missing;
 * without body_photo(), photo() says whether it exists and the body keeps
 * the image's address.  finish() runs once after the last item (what the
 * sink still holds is written).  NULL callbacks count as success, a NULL
 * photo() as "missing".
 */
#define IMP_LEFT_OUT 1

struct imp_sink {
	void *ctx;
	int (*author)(void *ctx, const struct imp_author *a);
	int (*post)(void *ctx, const struct imp_post *p);
	int (*photo)(void *ctx, const char *path);
	const char *(*body_photo)(void *ctx, struct arena *a, const char *path);
	int (*finish)(void *ctx);
	/* An old list address (a category, an author, a feed) of the site,
	 * and the address on this site that shows the same. */
	int (*redirect)(void *ctx, const char *from, const char *to);
	/* Whether post() writes the post's comments with it; when it does
	 * not (and post is set), they count as "not written". */
	bool comments;
	/* A sink that writes after its callbacks return (an error then
	 * comes back from a later call): what failed, as "post 12: cannot be
	 * saved", for the run's message; NULL or "" when it cannot say. */
	const char *(*why)(void *ctx);
};

struct imp_opts {
	const char *file;
	const struct imp_sink *sink;	/* NULL: a dry run */
	/* Called with each warning (one line, no newline). */
	void (*warn)(void *ctx, const char *msg);
	/* Called now and then with the bytes read of the file, and its
	 * size; pass is 1 (checking) or 2 (importing). */
	void (*progress)(void *ctx, int pass, uint64_t done, uint64_t size,
			 long items);
	void *ctx;
};

/*
 * Run the import of @o->file.  0 on success; otherwise a one-line
 * message (no newline) in @err and: 1 the file was refused (not
 * readable, not well-formed, not a supported export: nothing was handed
 * on), 2 a sink's error stopped it (what was handed on stays).
 */
int imp_run(const struct imp_opts *o, struct imp_summary *sum,
	    char *err, size_t errlen);

/* The summary as "key: value" lines, for the CLI. */
void imp_summary_print(const struct imp_summary *sum, void *file);

/* "private", "spam comment", ...: the words for a skip kind. */
const char *imp_skip_name(enum imp_skip k);

#endif
