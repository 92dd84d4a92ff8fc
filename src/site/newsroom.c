/*
 * newsroom.c - the newsroom's story editor: access by role, the editor
 * form (multipart, with the lead photo), saving with optimistic
 * locking, preview as the public page, the live preview and slug check
 * the script calls.  The story list is in newsroom_list.c; revisions,
 * users, the dashboard and the scheduler in newsroom_more.c.
 *
 * Roles: authors write and edit their own stories that are not public and
 * submit them for review ("ready"); editors and admins edit everything and
 * publish, schedule and unpublish (authors too with --authors-publish).
 */
#include "newsroom.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_int.h"
#include "auth/csrf.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "frontmatter.h"
#include "i18n/dates.h"
#include "media/image.h"
#include "render/markdown.h"

/* Largest new photo a preview shows before it is saved: sent back in the
 * page as base64, it must fit the response (16 MB) with room to spare. */
#define PREVIEW_PHOTO_MAX (8u * 1024 * 1024)

/* Byte limits of the editor's fields; @lines: it may hold line breaks. */
static const struct field_limit {
	const char *name, *label;
	size_t max;
	bool lines;
} limits[] = {
	{ "headline", N_("Headline"), 300, false },
	{ "slug", N_("Slug"), 120, false },
	{ "summary", N_("Summary"), 1000, true },
	{ "dateline", N_("Dateline"), 100, false },
	{ "section", N_("Section"), 80, false },
	{ "tags", N_("Tags"), 1000, false },
	{ "byline", N_("Byline"), 200, false },
	{ "body", N_("Body"), 200000, true },
	{ "caption", N_("Caption"), 1000, false },
	{ "credit", N_("Credit"), 200, false },
	{ "alt", N_("Alt text"), 500, false },
	{ "lang", N_("Language"), ACCOUNT_LANGUAGE_MAX, false },
	{ "correction", N_("Correction"), CORRECTION_MAX, false },
};

static const char *const status_labels[ARTICLE_STATUSES] = {
	N_("Draft"), N_("Published"), N_("Ready for review"), N_("Scheduled"),
	N_("Unpublished"),
};

/* What the editor form asks for. */
enum action { ACT_SAVE, ACT_AUTOSAVE, ACT_READY, ACT_PUBLISH, ACT_SCHEDULE,
	      ACT_UNPUBLISH, ACT_PREVIEW };
static const char *const action_names[] = {
	"save", "autosave", "ready", "publish", "schedule", "unpublish",
	"preview",
};

struct save_job {
	const struct account *who;
	struct article art;		/* what is saved */
	const char *tags_text;
	const char *when;		/* the schedule field as typed */
	enum action act;
	int64_t expect;			/* version the editor loaded */
	const struct http_part *photo;	/* a new lead photo, or NULL */
	char err[400];			/* why the photo was refused */
	int64_t id, version;
	bool json;			/* the script's autosave */
	bool mark_update;		/* "this change is an update" ticked */
	const char *correction;		/* a correction to append, or "" */
};

/*
 * The photo refusals of src/media/image.c as it words them for an upload
 * ("The file" ...), marked here so the catalogues hold them: the editor
 * shows j->err through nr_field_error(), which translates.  (The one
 * with numbers in it, too many pixels, is worded by photo_fits().)
 */
static const char *const media_messages[] __attribute__((unused)) = {
	N_("The file is not a JPEG, PNG or WebP image"),
	N_("The file is damaged or incomplete"),
	N_("The file is damaged or incomplete."),
	N_("The image could not be processed."),
};

/* ---- Shared helpers ---- */

const char *nr_status_label(const struct i18n_lang *l, enum article_status s)
{
	return (unsigned)s < ARTICLE_STATUSES ? tr(l, status_labels[s]) : "";
}

const char *role_label(const struct i18n_lang *l, int role)
{
	static const char *const labels[ACCOUNT_ROLES] = {
		NP_("role", "reader"), NP_("role", "author"),
		NP_("role", "editor"), NP_("role", "admin"),
	};

	return role >= 0 && role < ACCOUNT_ROLES ? trp(l, "role", labels[role])
						   : "";
}

int64_t nr_id(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return 0;
	v = strtoll(s, &end, 10);
	return v > 0 ? v : 0;
}

const struct account *nr_access(struct site *site, struct http_request *req,
				struct http_response *res,
				enum account_role min_role)
{
	struct reader_state *rs = site_reader(site, req);
	struct buf next;

	if (!rs->logged_in) {
		buf_init(&next, req->arena, 4096);
		buf_adds(&next, "/account/login?next=");
		url_encode(&next, req->path, strlen(req->path));
		res->status = 303;
		res->location = next.data;
		res->cache_control = "no-store";
		return NULL;
	}
	if (rs->account.role < min_role) {
		render_error(site, req, res, 403, min_role == ROLE_ADMIN ?
			     N_("This page is for administrators.") :
			     N_("The newsroom is for authors, editors and"
				" administrators."));
		return NULL;
	}
	return &rs->account;
}

bool nr_may_edit(const struct account *who, const struct article *art)
{
	if (who->role >= ROLE_EDITOR)
		return true;
	return art->owner_id == who->id;
}

/* May @who publish, schedule and unpublish? */
static bool may_publish(struct site *site, const struct account *who)
{
	return who->role >= ROLE_EDITOR || site->authors_publish;
}

struct tval *nr_ctx(struct site *site, struct http_request *req,
		    const struct account *who, const char *heading,
		    const char *current)
{
	static const struct {
		const char *key, *href, *text;
		enum account_role role;
	} nav[] = {
		{ "stories", "/newsroom", N_("Stories"), ROLE_AUTHOR },
		{ "new", "/newsroom/new", N_("New story"), ROLE_AUTHOR },
		{ "pages", "/newsroom/pages", N_("Pages"), ROLE_AUTHOR },
		{ "dashboard", "/newsroom/dashboard", N_("Dashboard"), ROLE_AUTHOR },
		{ "comments", "/newsroom/comments", N_("Comments"), ROLE_EDITOR },
		{ "users", "/newsroom/users", N_("Users"), ROLE_ADMIN },
	};
	struct arena *a = req->arena;
	const struct i18n_lang *l = req_lang(req);
	struct tval *ctx, *items = tv_list(a);
	char token[CSRF_TOKEN_SIZE];
	size_t i;

	heading = tr(l, heading);
	ctx = page_context(site, req, heading, "", req->path);
	for (i = 0; i < sizeof(nav) / sizeof(*nav); i++) {
		struct tval *v;

		if (who->role < nav[i].role)
			continue;
		v = tv_map(a);
		tv_set_str(a, v, "href", nav[i].href);
		tv_set_str(a, v, "text", tr(l, nav[i].text));
		tv_set_bool(a, v, "current", !strcmp(nav[i].key, current));
		tv_push(a, items, v);
	}
	tv_set(a, ctx, "nav", items);
	tv_set_str(a, ctx, "heading", heading);
	tv_set_str(a, ctx, "me", who->name);
	tv_set_str(a, ctx, "my_role", role_label(l, who->role));
	csrf_token(site->csrf_key, site_csrf_subject(site, req), token);
	tv_set_str(a, ctx, "csrf", arena_strdup(a, token));
	/* The newsroom's own style and script, in the head. */
	tv_set_str(a, page_meta(ctx), "css", site_asset_url(site, "newsroom.css"));
	tv_set_str(a, page_meta(ctx), "js", site_asset_url(site, "newsroom.js"));
	return ctx;
}

void nr_render(struct site *site, struct http_request *req,
	       struct http_response *res, const char *name, struct tval *ctx,
	       unsigned status)
{
	buf_reset(&res->body);
	render_page(site, req, res, name, ctx);
	if (!res->status || res->status == 200)
		res->status = status;
	res->content_type = "text/html; charset=utf-8";
	res->cache_control = "no-store";
	/* Never indexed, never framed (the layer adds DENY already). */
	http_add_header(res, "X-Robots-Tag", "noindex");
}

void nr_message(struct site *site, struct http_request *req,
		struct http_response *res, const struct account *who,
		unsigned status, const char *heading, const char *text)
{
	struct tval *ctx = nr_ctx(site, req, who, heading, "");

	tv_set_str(req->arena, ctx, "message", tr(req_lang(req), text));
	nr_render(site, req, res, "newsroom-message", ctx, status);
}

bool nr_form_ok(struct site *site, struct http_request *req,
		struct http_response *res)
{
	if (csrf_same_origin(req) &&
	    csrf_token_ok(site->csrf_key, site_csrf_subject(site, req),
			  http_form(req, "csrf")))
		return true;
	render_error(site, req, res, 403, N_("The form has expired or came from"
		     " another site. Go back, reload the page and try again."));
	return false;
}

/* @s with CR LF and lone CR made LF (browsers send CR LF from textareas). */
static char *unix_lines(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s), *w = out;

	for (; *s; s++) {
		if (*s == '\r') {
			*w++ = '\n';
			if (s[1] == '\n')
				s++;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return out;
}

const char *nr_field(struct http_request *req, const char *name)
{
	const char *v = http_form(req, name);

	return v ? str_dup(req->arena, str_trim(str_from(v))) : "";
}

/* ---- Editor ---- */

/* The tags of @art as the form shows them: "a, b". */
static const char *tags_text(struct arena *a, const struct article *art)
{
	struct buf b;
	size_t i;

	buf_init(&b, a, 8192);
	for (i = 0; i < art->ntags; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", art->tags[i].name);
	return b.data;
}

/*
 * The editor for @art (id 0: a new story) with @tags; @alert (may be
 * NULL) above the form, @errors (may be NULL) a map field -> message.
 */
static void editor_page(struct site *site, struct http_request *req,
			struct http_response *res, const struct account *who,
			const struct article *art, const char *tags,
			const char *when, unsigned status, const char *notice,
			const char *alert, struct tval *errors)
{
	struct arena *a = req->arena;
	struct tval *ctx = nr_ctx(site, req, who, art->id ? N_("Edit story") :
				  N_("New story"), art->id ? "" : "new");
	struct tval *s = tv_map(a);
	bool pub = may_publish(site, who);

	tv_set_int(a, s, "id", art->id);
	tv_set_int(a, s, "version", art->version);
	tv_set_str(a, s, "headline", art->headline);
	tv_set_str(a, s, "slug", art->slug);
	tv_set_str(a, s, "summary", art->summary);
	tv_set_str(a, s, "dateline", art->dateline);
	tv_set_str(a, s, "section", art->section);
	tv_set_str(a, s, "tags", tags);
	tv_set_str(a, s, "byline", art->author);
	tv_set_str(a, s, "body", art->body);
	tv_set_str(a, s, "caption", art->caption);
	tv_set_str(a, s, "credit", art->credit);
	tv_set_str(a, s, "alt", art->photo_alt);
	tv_set_str(a, s, "lang", art->lang ? art->lang : "");
	tv_set_str(a, s, "status", status_names[art->status]);
	tv_set_str(a, s, "status_label", tr(req_lang(req),
		   status_labels[art->status]));
	tv_set_str(a, s, "when", when ? when : "");
	if (art->status == ARTICLE_SCHEDULED)
		tv_set_str(a, s, "scheduled_for", nr_time(site, a, art->published));
	if (art->status == ARTICLE_PUBLISHED)
		tv_set_str(a, s, "public_url", article_path(a, art));
	if (art->photo.key) {
		struct tval *p = tv_map(a);

		tv_set_str(a, p, "src", media_path(a, art->photo.key));
		tv_set_int(a, p, "width", art->photo.width);
		tv_set_int(a, p, "height", art->photo.height);
		tv_set(a, s, "photo", p);
	}
	if (art->id)
		tv_set_str(a, s, "revisions_url", arena_printf(a,
			   "/newsroom/stories/%" PRId64 "/revisions", art->id));
	tv_set(a, ctx, "story", s);
	tv_set_bool(a, ctx, "may_publish", pub);
	tv_set_bool(a, ctx, "is_public", art->status == ARTICLE_PUBLISHED);
	tv_set_bool(a, ctx, "autosave", art->status != ARTICLE_PUBLISHED &&
		    art->status != ARTICLE_SCHEDULED);
	tv_set_str(a, ctx, "zone", site->time_zone ? site->time_zone : "UTC");
	tv_set_int(a, ctx, "upload_mb", (int64_t)(site->upload_max /
						  (1024 * 1024)));
	tv_set_str(a, ctx, "preview_html", md_render(a, art->body,
		   strlen(art->body), art->dateline));
	if (notice)
		tv_set_str(a, ctx, "notice", tr(req_lang(req), notice));
	if (alert)
		tv_set_str(a, ctx, "alert", tr(req_lang(req), alert));
	tv_set(a, ctx, "errors", errors ? errors : tv_map(a));
	nr_render(site, req, res, "newsroom-edit", ctx, status);
}

static const char *done_notice(const char *done)
{
	static const struct {
		const char *key, *text;
	} notes[] = {
		{ "save", N_("Saved.") },
		{ "ready", N_("Saved and submitted for review.") },
		{ "publish", N_("Published.") },
		{ "schedule", N_("Scheduled.") },
		{ "unpublish", N_("Unpublished: readers no longer see it.") },
		{ "restore", N_("Revision restored (as a new revision).") },
	};
	size_t i;

	for (i = 0; done && i < sizeof(notes) / sizeof(*notes); i++)
		if (!strcmp(done, notes[i].key))
			return notes[i].text;
	return NULL;
}

void h_nr_new(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct article art = { 0 };

	(void)m;
	if (!who)
		return;
	art.slug = art.headline = art.summary = art.dateline = art.body = "";
	art.section = art.caption = art.credit = art.photo_alt = "";
	art.lang = "";
	art.author = who->name;
	editor_page(site, req, res, who, &art, "", NULL, 200, NULL, NULL, NULL);
}

struct article *nr_story(struct site *site, struct http_request *req,
			 struct http_response *res, const struct account *who,
			 const struct route_match *m)
{
	int64_t id = nr_id(str_dup(req->arena, m->params[0]));
	struct article *art;
	int r;

	if (!id || (r = store_story_get(site->store, req->arena, id, &art)) ==
	    ERR_NOTFOUND) {
		render_error(site, req, res, 404, N_("There is no such story."));
		return NULL;
	}
	if (r) {
		render_error(site, req, res, 503, N_("The story cannot be loaded"
			     " right now; please try again."));
		return NULL;
	}
	if (!nr_may_edit(who, art)) {
		render_error(site, req, res, 403, N_("Authors edit their own"
			     " stories only."));
		return NULL;
	}
	return art;
}

void h_nr_edit(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct article *art;

	if (!who || !(art = nr_story(site, req, res, who, m)))
		return;
	/* A story stored without alt text (added from a file before alt
	 * became required) offers its caption, so it can be saved as is. */
	if (art->photo.key && !*art->photo_alt)
		art->photo_alt = art->caption;
	editor_page(site, req, res, who, art, tags_text(req->arena, art), NULL,
		    200, done_notice(http_query(req, "done")), NULL, NULL);
}

/* Set field error @name: @text (translated here) in @errors (made on
 * first use). */
void nr_field_error(struct http_request *req, struct tval **errors,
		    const char *name, const char *text)
{
	struct arena *a = req->arena;

	if (!*errors)
		*errors = tv_map(a);
	if (!tv_get(*errors, name, strlen(name)))
		tv_set_str(a, *errors, name, tr(req_lang(req), text));
}

void nr_check_controls(struct http_request *req, struct tval **errors,
		       const char *name, const char *label, bool lines)
{
	const struct i18n_lang *l = req_lang(req);
	const char *v = http_form(req, name);

	if (v && text_control(v, strlen(v), lines))
		nr_field_error(req, errors, name, arena_printf(req->arena,
			    tr(l, N_("%s: remove the invisible control"
			    " character (often pasted in with the text).")),
			    tr(l, label)));
}

/* Read and check the form into @j->art (over @old's stored fields). */
static struct tval *read_form(struct site *site, struct http_request *req,
			      struct save_job *j)
{
	struct arena *a = req->arena;
	struct article *art = &j->art;
	struct tval *errors = NULL;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(*limits); i++) {
		const char *v = http_form(req, limits[i].name);

		if (v && (strlen(v) > limits[i].max ||
			  !utf8_valid(v, strlen(v))))
			nr_field_error(req, &errors, limits[i].name,
				    arena_printf(a, tr(req_lang(req),
				    "%s: use at most %zu characters of text."),
				    tr(req_lang(req), limits[i].label),
				    limits[i].max));
		nr_check_controls(req, &errors, limits[i].name,
				  limits[i].label, limits[i].lines);
	}
	art->headline = nr_field(req, "headline");
	art->slug = nr_field(req, "slug");
	art->summary = nr_field(req, "summary");
	art->dateline = nr_field(req, "dateline");
	art->section = nr_field(req, "section");
	art->author = nr_field(req, "byline");
	art->body = unix_lines(a, http_form(req, "body") ? http_form(req,
			       "body") : "");
	art->summary = unix_lines(a, art->summary);
	art->caption = nr_field(req, "caption");
	art->credit = nr_field(req, "credit");
	art->photo_alt = nr_field(req, "alt");
	art->lang = nr_field(req, "lang");
	if (*art->lang && !language_tag_valid(art->lang))
		nr_field_error(req, &errors, "lang", N_("Use a language tag such as"
			    " en, de, fr or ar, or leave it empty."));
	j->tags_text = nr_field(req, "tags");
	j->when = nr_field(req, "when");
	/* Readers are told of a change of a published story only when it is
	 * saved as one: not by an autosave, a preview or a new schedule. */
	if (art->status == ARTICLE_PUBLISHED &&
	    (j->act == ACT_SAVE || j->act == ACT_PUBLISH)) {
		j->correction = nr_field(req, "correction");
		j->mark_update = http_form(req, "mark_update") || *j->correction;
	} else {
		j->correction = "";
	}
	if (!*art->headline)
		nr_field_error(req, &errors, "headline", N_("Enter a headline."));
	if (!*art->slug && *art->headline)
		art->slug = slugify(a, art->headline, SLUG_MAX);
	if (!slug_valid(art->slug))
		nr_field_error(req, &errors, "slug", N_("Use lower-case letters,"
			    " digits and hyphens (at most 120)."));
	art->section_slug = slugify(a, art->section, SLUG_MAX);
	if (*art->section && !*art->section_slug)
		nr_field_error(req, &errors, "section", N_("The section needs"
			    " letters or digits."));
	if (tags_parse(a, req_lang(req), j->tags_text, &art->tags, &art->ntags, err,
		       sizeof(err)))
		nr_field_error(req, &errors, "tags", arena_printf(a,
			    tr(req_lang(req), "Tags: %s."), err));
	j->photo = http_part(req, "photo");
	if (j->photo && (!j->photo->filename || !j->photo->data.len))
		j->photo = NULL;	/* no file chosen */
	if (!j->photo && http_form(req, "remove_photo")) {
		art->photo.key = NULL;
		art->caption = art->credit = art->photo_alt = "";
	}
	if ((j->photo || art->photo.key) && !*art->photo_alt &&
	    j->act != ACT_AUTOSAVE && j->act != ACT_PREVIEW)
		nr_field_error(req, &errors, "alt", N_("Describe the photo for"
			    " readers who cannot see it (alt text)."));
	(void)site;
	return errors;
}

/* The status the action leads to, and the publication time; or an error
 * sentence for the schedule field. */
static const char *apply_action(struct site *site, struct save_job *j,
				const struct article *old)
{
	struct article *art = &j->art;
	int64_t now = time_now();

	art->status = old ? old->status : ARTICLE_DRAFT;
	art->published = old ? old->published : now;
	switch (j->act) {
	case ACT_SAVE:
	case ACT_AUTOSAVE:
	case ACT_PREVIEW:
		break;
	case ACT_READY:
		art->status = ARTICLE_READY;
		break;
	case ACT_PUBLISH:
		if (!old || old->status != ARTICLE_PUBLISHED)
			art->published = now;
		art->status = ARTICLE_PUBLISHED;
		break;
	case ACT_SCHEDULE:
		art->published = nr_local_time(site, j->when);
		if (!art->published)
			return N_("Enter the date and time to publish at.");
		if (art->published <= now)
			return N_("Choose a time in the future.");
		art->status = ARTICLE_SCHEDULED;
		break;
	case ACT_UNPUBLISH:
		art->status = ARTICLE_UNPUBLISHED;
		break;
	}
	return NULL;
}

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_state;

static bool vips_started;

static void vips_start(void)
{
	vips_state = media_init("dateline");
	vips_started = true;
}

void newsroom_media_stop(void)
{
	/* After the worker pool stopped: nothing uses libvips any more. */
	if (vips_started && !vips_state)
		media_shutdown();
}

/* The public address of story @id, or NULL when it is not published. */
static const char *public_path(struct site *site, struct arena *a, int64_t id)
{
	struct article *art;

	if (!id || store_story_get(site->store, a, id, &art) ||
	    art->status != ARTICLE_PUBLISHED)
		return NULL;
	return article_path(a, art);
}

/*
 * Whether the new photo of @j has at most @max pixels (read from its
 * header).  If not, j->err says why in the reader's language, with the
 * numbers as the language writes them ("4.000 × 3.000 Pixel").
 */
static bool photo_fits(struct save_job *j, struct http_request *req,
		       long max)
{
	const struct i18n_lang *l = req_lang(req);
	struct arena *a = req->arena;
	long w = 0, h = 0;
	int r = media_check_pixels(j->photo->data.data, j->photo->data.len,
				   max, &w, &h, j->err, sizeof(j->err));

	if (r == ERR_TOOBIG)
		snprintf(j->err, sizeof(j->err), tr(l, N_("The image is %s ×"
			 " %s pixels (%s megapixels); this site takes photos"
			 " of at most %s megapixels.")),
			 i18n_decimal(l, a, (double)w, 0),
			 i18n_decimal(l, a, (double)h, 0),
			 i18n_decimal(l, a, (double)w * (double)h / 1e6, 1),
			 i18n_decimal(l, a, (double)max / 1e6, 1));
	return r == 0;
}

/* On the worker pool: process the photo, then save. */
static void save_work(struct site_job *aj)
{
	struct save_job *j = aj->data;
	struct site *site = aj->site;
	struct arena *a = aj->req->arena;
	struct story_save sv = { 0 };
	struct media_set set;
	int r;
	const char *was, *now;

	if (j->photo) {
		pthread_once(&vips_once, vips_start);
		if (vips_state) {
			snprintf(j->err, sizeof(j->err), "%s", N_("Photos"
				 " cannot be processed on this server"
				 " (libvips is missing)."));
			aj->result = ERR_INVALID;
			return;
		}
		if (!photo_fits(j, aj->req, site->photo_max_pixels ?
				site->photo_max_pixels : MEDIA_DEFAULT_PIXELS)) {
			aj->result = ERR_INVALID;
			return;
		}
		nr_photo_begin(site);
		r = media_process(a, j->photo->data.data, j->photo->data.len,
				  &set, j->err, sizeof(j->err));
		nr_photo_end(site);
		if (r) {
			aj->result = ERR_INVALID;
			return;
		}
		j->art.photo.key = set.main.key;
		j->art.photo.type = set.main.type;
		j->art.photo.width = set.main.width;
		j->art.photo.height = set.main.height;
		sv.media = set.items;
		sv.nmedia = set.n;
		sv.variants = set.variants;
		sv.nvariants = set.nvariants;
	}
	sv.a = &j->art;
	sv.expect_version = j->expect;
	sv.account_id = j->who->id;
	sv.who = j->who->name;
	sv.tags_text = j->tags_text;
	sv.mark_update = j->mark_update;
	sv.correction = j->correction;
	was = public_path(site, a, j->art.id);
	aj->result = store_story_save(site->store, &sv, &j->id, &j->version);
	/* A new slug, section or date: the old address answers 301. */
	if (!aj->result && was && (now = public_path(site, a, j->id)) &&
	    strcmp(was, now))
		store_redirect_set(site->store, was, now);
}

static void save_json(struct http_request *req, struct http_response *res,
		      unsigned status, struct save_job *j, const char *error)
{
	struct arena *a = req->arena;
	struct tval *v = tv_map(a);

	if (error) {
		tv_set_str(a, v, "error", tr(req_lang(req), error));
	} else {
		tv_set_int(a, v, "id", j->id);
		tv_set_int(a, v, "version", j->version);
		tv_set_str(a, v, "url", arena_printf(a, "/newsroom/stories/%"
			   PRId64, j->id));
	}
	buf_reset(&res->body);
	json_write(&res->body, v);
	res->status = status;
	res->content_type = "application/json";
	res->cache_control = "no-store";
}

/* What the editor (or, when @json, the autosave) says when a save failed
 * with @result. */
static const char *save_problem(int result, bool json)
{
	switch (result) {
	case ERR_STALE:
		return N_("Someone else saved this story while you were"
			  " editing it. Your changes were NOT saved: copy"
			  " them, open the story again and apply them to the"
			  " newest version.");
	case ERR_CONFLICT:
		return json ? N_("The slug is taken.") : N_("Nothing was saved.");
	case ERR_INVALID:
		return json ? N_("The story could not be saved.") :
		       N_("The photo was refused; nothing was saved.");
	default:
		return json ? N_("The story could not be saved.") :
		       N_("The story could not be saved; please try again.");
	}
}

static void save_answer(struct site_job *aj, struct http_request *req,
			struct http_response *res)
{
	struct save_job *j = aj->data;
	struct site *site = aj->site;
	struct tval *errors = NULL;

	if (!aj->result) {
		if (j->json) {
			save_json(req, res, 200, j, NULL);
			return;
		}
		res->status = 303;
		res->location = arena_printf(req->arena, "/newsroom/stories/%"
					     PRId64 "?done=%s", j->id,
					     action_names[j->act]);
		return;
	}
	if (j->json) {
		save_json(req, res, err_http_status(aj->result), j,
			  save_problem(aj->result, true));
		return;
	}
	if (aj->result == ERR_NOTFOUND) {
		render_error(site, req, res, 404, N_("The story was deleted."));
		return;
	}
	if (aj->result == ERR_INVALID) {
		nr_field_error(req, &errors, "photo", j->err);
	} else if (aj->result == ERR_CONFLICT) {
		nr_field_error(req, &errors, "slug", N_("Another story has"
			    " this slug; choose another."));
	} else if (aj->result == ERR_STALE) {
		errors = tv_map(req->arena);
		tv_set_str(req->arena, errors, "newest_url", arena_printf(
			   req->arena, "/newsroom/stories/%" PRId64, j->art.id));
	}
	editor_page(site, req, res, j->who, &j->art, j->tags_text, j->when,
		    err_http_status(aj->result), NULL,
		    save_problem(aj->result, false), errors);
}

/* The MIME type of image @data by its first bytes; NULL when it is no
 * JPEG, PNG or WebP. */
static const char *image_type(const unsigned char *d, size_t len)
{
	if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1A\n", 8))
		return "image/png";
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return "image/webp";
	return NULL;
}

/*
 * The lead photo of a preview that carries a new file (not stored yet):
 * the file itself as a data: address (the CSP allows data: images), in
 * the story's "photo" map of @ctx.  False when it cannot be shown (too
 * large for the page, or not an image whose size can be read).
 */
static bool preview_photo(struct site *site, struct http_request *req,
			  struct save_job *j, struct tval *ctx)
{
	const struct http_part *f = j->photo;
	const char *type = image_type((const unsigned char *)f->data.data,
				      f->data.len);
	struct tval *story = tv_get(ctx, "article", 7), *p;
	struct arena *a = req->arena;
	char err[200], *uri;
	long w = 0, h = 0;
	size_t n, head;

	if (!type || !story || f->data.len > PREVIEW_PHOTO_MAX)
		return false;
	pthread_once(&vips_once, vips_start);
	if (vips_state || media_check_pixels(f->data.data, f->data.len,
	    site->photo_max_pixels ? site->photo_max_pixels :
	    MEDIA_DEFAULT_PIXELS, &w, &h, err, sizeof(err)))
		return false;
	head = strlen("data:;base64,") + strlen(type);
	n = sodium_base64_ENCODED_LEN(f->data.len,
				      sodium_base64_VARIANT_ORIGINAL);
	uri = arena_alloc(a, head + n);
	snprintf(uri, head + 1, "data:%s;base64,", type);
	sodium_bin2base64(uri + head, n,
			  (const unsigned char *)f->data.data, f->data.len,
			  sodium_base64_VARIANT_ORIGINAL);
	p = tv_map(a);
	tv_set_str(a, p, "src", uri);
	tv_set_int(a, p, "width", w);
	tv_set_int(a, p, "height", h);
	tv_set_str(a, p, "alt", *j->art.photo_alt ? j->art.photo_alt :
		   j->art.caption);
	tv_set_str(a, p, "caption", j->art.caption);
	if (*j->art.credit)
		tv_set_str(a, p, "credit", j->art.credit);
	tv_set(a, story, "photo", p);
	return true;
}

/* The story page as readers would see it, not saved; with the photo
 * chosen in the form, if any, in place of the stored one. */
static void preview_page(struct site *site, struct http_request *req,
			 struct http_response *res, struct save_job *j)
{
	const struct i18n_lang *l = req_lang(req);
	struct tval *ctx;
	const char *note;

	if (!j->art.section_slug)
		j->art.section_slug = "";
	ctx = article_page_context(site, req, &j->art, "/newsroom/save", false);
	note = tr(l, "Preview \xE2\x80\x94 not saved. Close this tab to return"
		  " to the editor.");
	if (j->photo && !preview_photo(site, req, j, ctx))
		note = arena_printf(req->arena, "%s %s", note, tr(l,
				    N_("The chosen photo is shown once the"
				       " story is saved.")));
	tv_set_str(req->arena, ctx, "preview", note);
	buf_reset(&res->body);
	render_page(site, req, res, "article", ctx);
	res->content_type = "text/html; charset=utf-8";
	res->cache_control = "no-store";
	http_add_header(res, "X-Robots-Tag", "noindex");
}

void h_nr_save(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct article *old = NULL;
	struct save_job *j;
	struct site_job *aj;
	struct tval *errors;
	const char *act, *bad;
	int64_t id;
	size_t i;
	int r;

	(void)m;
	if (!who || !nr_form_ok(site, req, res))
		return;
	j = arena_zalloc(a, sizeof(*j));
	j->who = who;
	act = http_form(req, "action");
	for (i = 0; i < sizeof(action_names) / sizeof(*action_names); i++)
		if (act && !strcmp(act, action_names[i]))
			break;
	if (i == sizeof(action_names) / sizeof(*action_names)) {
		render_error(site, req, res, 400, N_("Choose what to do with"
			     " the story (a button of the form)."));
		return;
	}
	j->act = (enum action)i;
	j->json = j->act == ACT_AUTOSAVE;
	id = nr_id(http_form(req, "id"));
	if (id) {
		r = store_story_get(site->store, a, id, &old);
		if (r) {
			render_error(site, req, res, err_http_status(r),
				     r == ERR_NOTFOUND ?
				     N_("There is no such story.") :
				     N_("The story cannot be loaded right now;"
					" please try again."));
			return;
		}
		if (!nr_may_edit(who, old)) {
			render_error(site, req, res, 403, N_("Authors edit their"
				     " own stories only."));
			return;
		}
		j->art = *old;
		j->expect = nr_id(http_form(req, "version"));
	}
	j->art.owner_id = old ? old->owner_id : who->id;
	j->art.id = id;
	if ((j->act == ACT_PUBLISH || j->act == ACT_SCHEDULE ||
	     j->act == ACT_UNPUBLISH) && !may_publish(site, who)) {
		render_error(site, req, res, 403, N_("Only editors publish,"
			     " schedule and unpublish; submit the story for"
			     " review instead."));
		return;
	}
	if (!may_publish(site, who) && old &&
	    (old->status == ARTICLE_PUBLISHED ||
	     old->status == ARTICLE_SCHEDULED)) {
		render_error(site, req, res, 403, N_("This story is published"
			     " or scheduled: only editors change it now."));
		return;
	}
	errors = read_form(site, req, j);
	if ((bad = apply_action(site, j, old)))
		nr_field_error(req, &errors, "when", bad);
	if (j->act == ACT_PUBLISH && !*j->art.body)
		nr_field_error(req, &errors, "body", N_("Write the story before"
			    " publishing it."));
	if (errors) {
		if (j->json) {
			save_json(req, res, 422, j, N_("Some fields need attention."));
			return;
		}
		j->art.version = j->expect;
		editor_page(site, req, res, who, &j->art, j->tags_text, j->when,
			    422, NULL, N_("Some fields need attention; nothing"
			    " was saved."), errors);
		return;
	}
	if (j->act == ACT_PREVIEW) {
		preview_page(site, req, res, j);
		return;
	}
	if (j->json)
		j->photo = NULL;	/* autosave never carries the photo */
	j->art.version = j->expect;
	aj = job_new(site, req, save_work, save_answer);
	aj->data = j;
	nr_submit(aj);
}

/* ---- For the script: live preview and slug check ---- */

void h_nr_preview(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	const char *body, *dl;

	(void)m;
	if (!nr_access(site, req, res, ROLE_AUTHOR) ||
	    !nr_form_ok(site, req, res))
		return;
	body = http_form(req, "body");
	dl = http_form(req, "dateline");
	if (!body)
		body = "";
	buf_reset(&res->body);
	buf_adds(&res->body, md_render(req->arena, body, strlen(body),
				       dl ? dl : ""));
	res->content_type = "text/html; charset=utf-8";
	res->cache_control = "no-store";
}

void h_nr_slug(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	const char *slug = http_query(req, "slug");
	int64_t id = nr_id(http_query(req, "id"));
	struct tval *v;
	bool free = false;

	(void)m;
	if (!nr_access(site, req, res, ROLE_AUTHOR))
		return;
	v = tv_map(req->arena);
	if (!slug || !slug_valid(slug)) {
		tv_set_bool(req->arena, v, "valid", false);
		tv_set_bool(req->arena, v, "available", false);
	} else if (store_slug_free(site->store, slug, id, &free)) {
		render_error(site, req, res, 503, N_("Try again."));
		return;
	} else {
		tv_set_bool(req->arena, v, "valid", true);
		tv_set_bool(req->arena, v, "available", free);
	}
	buf_reset(&res->body);
	json_write(&res->body, v);
	res->content_type = "application/json";
	res->cache_control = "no-store";
}
