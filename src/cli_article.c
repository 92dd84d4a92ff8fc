/*
 * cli_article.c - "dateline article add FILE" and "dateline article list".
 *
 * add: parse the file (frontmatter.h), check every field, load the photo
 * (made upright, stripped of metadata, with its responsive copies),
 * then save article, tags and photo in one transaction, so a failure at
 * any step leaves the database as it was.
 */
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/file.h"
#include "core/timeutil.h"
#include "frontmatter.h"
#include "media/image.h"
#include "site/site.h"
#include "store/store.h"


/* Read a whole file into the arena; a one-line error on failure. */
static int read_file(struct arena *a, const char *path, char **data,
		     size_t *len)
{
	int r = file_read(a, path, FM_MAX_SIZE, data, len);

	if (r == ERR_TOOBIG)
		fprintf(stderr, "error: '%s' is larger than %d bytes\n", path,
			FM_MAX_SIZE);
	else if (r)
		fprintf(stderr, "error: cannot read '%s'\n", path);
	return r;
}

static int parse_tags(struct arena *a, const char *file, const char *s,
		      struct article *art)
{
	char err[200];

	if (tags_parse(a, NULL, s, &art->tags, &art->ntags, err, sizeof(err))) {
		fprintf(stderr, "error: %s: %s\n", file, err);
		return ERR_INVALID;
	}
	return 0;
}

/* Check the free-text fields: their lengths, and no control characters
 * (tabs and, in the body, line breaks aside), which feeds in XML cannot
 * carry. */
static int check_text(const char *file, const struct frontmatter *fm)
{
	static const struct {
		const char *name;
		size_t offset, max;
	} limits[] = {
		{ "headline", offsetof(struct frontmatter, headline), 300 },
		{ "summary", offsetof(struct frontmatter, summary), 1000 },
		{ "dateline", offsetof(struct frontmatter, dateline), 80 },
		{ "caption", offsetof(struct frontmatter, caption), 1000 },
		{ "credit", offsetof(struct frontmatter, credit), 200 },
		{ "alt", offsetof(struct frontmatter, alt), 1000 },
		{ "author", offsetof(struct frontmatter, author), 200 },
		{ "section", offsetof(struct frontmatter, section), 80 },
		{ "tags", offsetof(struct frontmatter, tags), 2000 },
	};
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(*limits); i++) {
		const char *v = *(const char *const *)((const char *)fm +
						       limits[i].offset);

		if (v && strlen(v) > limits[i].max) {
			fprintf(stderr, "error: %s: '%s' is longer than %zu"
				" bytes\n", file, limits[i].name, limits[i].max);
			return ERR_TOOBIG;
		}
		if (v && text_control(v, strlen(v), false)) {
			fprintf(stderr, "error: %s: '%s' contains a control"
				" character (byte 0x%02x)\n", file,
				limits[i].name, (unsigned char)
				*text_control(v, strlen(v), false));
			return ERR_INVALID;
		}
	}
	if (text_control(fm->body, fm->body_len, true)) {
		fprintf(stderr, "error: %s: the body contains a control"
			" character (byte 0x%02x)\n", file, (unsigned char)
			*text_control(fm->body, fm->body_len, true));
		return ERR_INVALID;
	}
	return 0;
}

/* Turn a parsed file into an article; prints the problem on failure. */
static int build_article(struct arena *a, const char *file,
			 const struct frontmatter *fm, struct article *art,
			 struct media_set *set)
{
	struct media photo;
	char err[512];
	int r;

	memset(art, 0, sizeof(*art));
	if (!fm->headline || !*fm->headline) {
		fprintf(stderr, "error: %s: missing required key 'headline'\n", file);
		return ERR_INVALID;
	}
	if ((r = check_text(file, fm)))
		return r;
	art->headline = fm->headline;
	if (fm->slug) {
		if (!slug_valid(fm->slug)) {
			fprintf(stderr, "error: %s: slug '%s' must be 1 to 120"
				" lower-case letters, digits and single"
				" hyphens\n", file, fm->slug);
			return ERR_INVALID;
		}
		art->slug = fm->slug;
	} else {
		art->slug = slugify(a, fm->headline, SLUG_MAX);
		if (!*art->slug) {
			fprintf(stderr, "error: %s: cannot make a slug from the"
				" headline; add a 'slug' key\n", file);
			return ERR_INVALID;
		}
	}
	art->summary = fm->summary ? fm->summary : "";
	art->dateline = fm->dateline ? fm->dateline : "";
	art->author = fm->author ? fm->author : "";
	art->caption = fm->caption ? fm->caption : "";
	art->credit = fm->credit ? fm->credit : "";
	/* Without alt: the caption, as docs/article-format.md promises (the
	 * newsroom refuses to save a photo without a text alternative). */
	art->photo_alt = fm->alt && *fm->alt ? fm->alt : art->caption;
	art->lang = fm->lang ? fm->lang : "";
	if (*art->lang && !language_tag_valid(art->lang)) {
		fprintf(stderr, "error: %s: lang '%s' must be a language tag"
			" such as en, de or ar\n", file, art->lang);
		return ERR_INVALID;
	}
	art->body = fm->body;
	art->section = fm->section ? fm->section : "";
	art->section_slug = slugify(a, art->section, SLUG_MAX);
	if (*art->section && !*art->section_slug) {
		fprintf(stderr, "error: %s: section '%s' has no letters or"
			" digits\n", file, art->section);
		return ERR_INVALID;
	}
	if (fm->tags && (r = parse_tags(a, file, fm->tags, art)))
		return r;
	art->published = time_now();
	if (fm->published && time_parse_iso(fm->published, &art->published)) {
		fprintf(stderr, "error: %s: 'published' is not an ISO 8601 time"
			" (like 2026-11-20T08:30:00Z): '%s'\n", file, fm->published);
		return ERR_INVALID;
	}
	/* Last changed: as the file says; else article_add decides. */
	if (fm->updated && time_parse_iso(fm->updated, &art->updated)) {
		fprintf(stderr, "error: %s: 'updated' is not an ISO 8601"
			" time (like 2026-11-20T09:15:00Z): '%s'\n", file,
			fm->updated);
		return ERR_INVALID;
	}
	if (fm->updated && art->updated < art->published) {
		fprintf(stderr, "error: %s: 'updated' is before 'published'\n",
			file);
		return ERR_INVALID;
	}
	if (!fm->status || !strcmp(fm->status, "published")) {
		art->status = ARTICLE_PUBLISHED;
	} else if (!strcmp(fm->status, "draft")) {
		art->status = ARTICLE_DRAFT;
	} else {
		fprintf(stderr, "error: %s: 'status' must be draft or published,"
			" not '%s'\n", file, fm->status);
		return ERR_INVALID;
	}
	if (fm->photo) {
		char *dir = dirname(arena_strdup(a, file));
		const char *path = fm->photo[0] == '/' ? fm->photo :
				   arena_printf(a, "%s/%s", dir, fm->photo);

		/* As the newsroom stores photos: upright, without metadata
		 * (no GPS of the camera), with the responsive copies. */
		if ((r = media_load_file(a, path, &photo, err, sizeof(err))) ||
		    (r = media_process(a, photo.data, photo.len, set, err,
				       sizeof(err)))) {
			fprintf(stderr, "error: %s: %s\n", file, err);
			return r;
		}
		if (!fm->caption || !*fm->caption) {
			fprintf(stderr, "error: %s: a photo needs a 'caption'\n",
				file);
			return ERR_INVALID;
		}
		art->photo.key = set->main.key;
		art->new_photo = &set->main;
		art->new_copies = set->items + 1;
		art->ncopies = set->n - 1;
		art->new_variants = set->variants;
		art->nvariants = set->nvariants;
	}
	return 0;
}

static int article_add(const char *db, const char *file)
{
	struct arena *a = arena_new(64 * 1024);
	struct frontmatter fm;
	struct article art, *old;
	struct media_set photo;
	struct store *s = NULL;
	char err[512], *text;
	size_t len;
	int code = 1, r;

	if (read_file(a, file, &text, &len))
		goto out;
	if (fm_parse(a, text, len, &fm, err, sizeof(err))) {
		fprintf(stderr, "error: %s: %s\n", file, err);
		goto out;
	}
	if (media_init("dateline")) {
		fprintf(stderr, "error: the image library cannot start\n");
		goto out;
	}
	r = build_article(a, file, &fm, &art, &photo);
	media_shutdown();
	if (r)
		goto out;
	if ((r = store_open(db, &s, err, sizeof(err)))) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	if (store_check_schema(s)) {
		fprintf(stderr, "error: database '%s' is not initialised or needs"
			" migrating: run 'dateline init --db %s'\n", db, db);
		goto out;
	}
	if (store_article_by_slug(s, a, art.slug, true, &old))
		old = NULL;
	/* A derived slug must not silently replace a different story. */
	if (!fm.slug && old && strcmp(old->headline, art.headline)) {
		fprintf(stderr, "error: %s: slug '%s' is already used by \"%s\";"
			" set 'slug:' to update that story or choose another\n",
			file, art.slug, old->headline);
		goto out;
	}
	/* Without 'updated:' a new story was last changed when it was
	 * published (not when it was imported, which would date every story
	 * of an import alike); one added again changed now (0).  Readers are
	 * told of an update ('updated:', or the file added again). */
	if (!fm.updated && !old)
		art.updated = art.published;
	if (fm.updated && art.updated > art.published)
		art.update_marked = art.updated;
	else if (old)
		art.update_marked = time_now();
	if ((r = store_article_put(s, &art, NULL, NULL))) {
		fprintf(stderr, "error: %s: cannot save the article: %s\n", file,
			err_str(r));
		goto out;
	}
	printf("%s\n", article_path(a, &art));
	code = 0;
out:
	store_close(s);
	arena_free(a);
	return code;
}

static int article_list(const char *db)
{
	struct arena *a = arena_new(64 * 1024);
	struct article_query q = { 0 };
	struct article_list list;
	struct cursor cur;
	struct store *s = NULL;
	char err[512];
	int code = 1;
	size_t i;

	if (store_open(db, &s, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		goto out;
	}
	if (store_check_schema(s)) {
		fprintf(stderr, "error: database '%s' is not initialised: run"
			" 'dateline init --db %s'\n", db, db);
		goto out;
	}
	q.include_drafts = true;
	q.limit = 100;
	printf("%-6s %-9s %-20s %s\n", "ID", "STATUS", "PUBLISHED", "SLUG / HEADLINE");
	do {
		if (store_articles_list(s, a, &q, &list)) {
			fprintf(stderr, "error: cannot list articles\n");
			goto out;
		}
		for (i = 0; i < list.n; i++) {
			const struct article *art = &list.items[i];

			printf("%-6lld %-9s %-20s %s\n   %s\n", (long long)art->id,
			       art->status == ARTICLE_PUBLISHED ? "published" : "draft",
			       time_iso(a, art->published), art->slug, art->headline);
		}
		if (list.n) {
			cur.published = list.items[list.n - 1].published;
			cur.id = list.items[list.n - 1].id;
			q.before = &cur;
		}
	} while (list.more);
	code = 0;
out:
	store_close(s);
	arena_free(a);
	return code;
}

int cmd_article(int argc, char **argv)
{
	const char *db = NULL, *pos[2];
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH", "the site database (SQLite file)", &db, NULL },
		{ 0 },
	};
	int npos, r;

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline article add --db PATH FILE\n"
			    "       dateline article list --db PATH\n\n"
			    "add:  add an article from a Markdown file with a front-matter\n"
			    "      header, or update the article with the same slug; prints\n"
			    "      the article's URL path (see docs/article-format.md)\n"
			    "list: list all articles, newest first, drafts included",
			    pos, 2, &npos)) >= 0)
		return r;
	if ((r = cli_start(db)) >= 0)
		return r;
	if (npos == 2 && !strcmp(pos[0], "add"))
		return article_add(db, pos[1]);
	if (npos == 1 && !strcmp(pos[0], "list"))
		return article_list(db);
	if (npos >= 1 && !strcmp(pos[0], "add"))
		fprintf(stderr, "error: 'article add' needs one FILE\n");
	else if (npos >= 1 && strcmp(pos[0], "list"))
		fprintf(stderr, "error: unknown article command '%s' (add or list)\n",
			pos[0]);
	else
		fprintf(stderr, "error: expected 'article add FILE' or 'article list'"
			" (try --help)\n");
	return 2;
}
