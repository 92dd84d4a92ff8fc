/*
 * newsroom.h - the newsroom at /newsroom: story list, editor, revisions,
 * photos, dashboard and user roles, for authors, editors and admins; and
 * the scheduler that publishes stories at their time.
 *
 * Every write and every image goes to the newsroom's worker pool (the
 * connection is suspended meanwhile); connection threads only parse and
 * render.  See docs/api.md ("Newsroom") for the routes and roles.
 */
#ifndef DATELINE_NEWSROOM_H
#define DATELINE_NEWSROOM_H

#include "site_int.h"

/* Uploads (multipart/form-data) are accepted under this path only. */
#define NEWSROOM_UPLOAD_PREFIX "/newsroom/save"
/* Default upload limit (--upload-limit). */
#define NEWSROOM_UPLOAD_MAX (20u * 1024 * 1024)

/*
 * Make @zone (a tz database name; NULL: UTC) the process's time zone for
 * the newsroom's times.  Call before any thread starts.  ERR_INVALID for
 * a malformed name, ERR_NOTFOUND when /usr/share/zoneinfo lacks it.
 */
int newsroom_zone(const char *zone);

/* Start the worker pool and the scheduler thread; stop them. */
int newsroom_start(struct site *site);
void newsroom_stop(struct site *site);

/* Shut libvips down if a photo started it (newsroom_stop calls it). */
void newsroom_media_stop(void);

/* Handler (newsroom_list.c). */
void h_nr_list(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
/* Handlers (newsroom.c). */
void h_nr_new(struct site *, struct http_request *, struct http_response *,
	      const struct route_match *);
void h_nr_edit(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
void h_nr_save(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
void h_nr_preview(struct site *, struct http_request *, struct http_response *,
		  const struct route_match *);
void h_nr_slug(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
/* Handlers (newsroom_more.c). */
void h_nr_revisions(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);
void h_nr_diff(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
void h_nr_restore(struct site *, struct http_request *,
		  struct http_response *, const struct route_match *);
void h_nr_users(struct site *, struct http_request *, struct http_response *,
		const struct route_match *);
void h_nr_role(struct site *, struct http_request *, struct http_response *,
	       const struct route_match *);
void h_nr_dashboard(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);

/* Handlers (newsroom_pages.c). */
void h_nr_pages(struct site *, struct http_request *, struct http_response *,
		const struct route_match *);
void h_nr_page_new(struct site *, struct http_request *,
		   struct http_response *, const struct route_match *);
void h_nr_page_edit(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);
void h_nr_page_save(struct site *, struct http_request *,
		    struct http_response *, const struct route_match *);

/* ---- Shared by the newsroom's files ---- */

struct site_job;

/*
 * The logged-in account when it may use the newsroom with at least
 * @min_role; otherwise answers (303 to log in, or 403) and returns NULL.
 */
const struct account *nr_access(struct site *site, struct http_request *req,
				struct http_response *res,
				enum account_role min_role);
/* The story of route parameter 0 when @who may edit it; else answers
 * (404, 403 or 503) and returns NULL. */
struct article *nr_story(struct site *site, struct http_request *req,
			 struct http_response *res, const struct account *who,
			 const struct route_match *m);
/* May @who edit @art (own story, or an editor)? */
bool nr_may_edit(const struct account *who, const struct article *art);
/* The page context of a newsroom page: nav with @current marked. */
struct tval *nr_ctx(struct site *site, struct http_request *req,
		    const struct account *who, const char *heading,
		    const char *current);
/* Render template @name (no-store, never cached) with @status. */
void nr_render(struct site *site, struct http_request *req,
	       struct http_response *res, const char *name, struct tval *ctx,
	       unsigned status);
/* A newsroom page with one message. */
void nr_message(struct site *site, struct http_request *req,
		struct http_response *res, const struct account *who,
		unsigned status, const char *heading, const char *text);
/* The form passes the origin and CSRF checks; else answers 403. */
bool nr_form_ok(struct site *site, struct http_request *req,
		struct http_response *res);
/* Run @j on the newsroom's worker pool (connection suspended). */
void nr_submit(struct site_job *j);

/*
 * Around processing a photo on the worker pool: at most site->photo_jobs
 * at once (the rest wait here, queued), since decoding a large image
 * takes a hundred MB and seconds.
 */
void nr_photo_begin(struct site *site);
void nr_photo_end(struct site *site);
/* Photos being processed now, and uploads waiting for a slot. */
void nr_photo_count(struct site *site, unsigned *running, unsigned *waiting);
/* Form field @name trimmed (arena), "" when absent. */
const char *nr_field(struct http_request *req, const char *name);
/* Note @text, translated into @req's language, as field @name's error in
 * *@errors (made when NULL; the first error of a field is kept). @text is
 * a catalogue message (N_()). */
void nr_field_error(struct http_request *req, struct tval **errors,
		    const char *name, const char *text);
/* Note an error for form field @name (labelled @label, a catalogue
 * message) when it holds a control character (line breaks and tabs
 * allowed when @lines): they have no place in text, and XML cannot
 * carry them into feeds. */
void nr_check_controls(struct http_request *req, struct tval **errors,
		       const char *name, const char *label, bool lines);
/* A positive decimal id from @s, else 0. */
int64_t nr_id(const char *s);
/* "YYYY-MM-DDTHH:MM[:SS]" in the site's time zone; 0 when malformed. */
int64_t nr_local_time(struct site *site, const char *s);
/* "2026-11-28 14:05" in the site's time zone (arena). */
const char *nr_time(struct site *site, struct arena *a, int64_t t);

/* The name of status @s in language @l ("Ready for review"). */
const char *nr_status_label(const struct i18n_lang *l, enum article_status s);

#endif
