/*
 * newsroom_more.c - the rest of the newsroom: the worker pool and the
 * scheduler, the site's time zone, revisions (list, diff, restore), user
 * roles, and the dashboard with its server-rendered SVG charts.
 *
 * Time zone: schedule times are typed in the site's zone (--time-zone).
 * libc converts zones only through TZ, which is process-wide: serve sets
 * it once with newsroom_zone() before any thread starts (setenv is not
 * safe beside other threads); nothing else in dateline uses local time.
 */
#include "newsroom.h"

#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accounts_int.h"
#include "auth/passwords.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "diff.h"
#include "frontmatter.h"
#include "i18n/dates.h"

#define WORKERS 2
#define TICK_MS 1000
#define CHART_DAYS 7
#define TOP_N 10

struct newsroom {
	struct auth_pool *pool;		/* images and writes */
	sem_t photos;			/* photo_jobs slots for processing */
	atomic_uint photos_running, photos_waiting;	/* for /metrics */
	pthread_t scheduler;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
};

/* ---- Time zone ---- */

int64_t nr_local_time(struct site *site, const char *s)
{
	struct tm tm = { 0 };
	char *end;
	time_t t;

	(void)site;	/* its zone is the process's TZ (newsroom_zone) */
	if (!s || strlen(s) > 19)
		return 0;
	end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
	if (end && *end == ':')
		end = strptime(end, ":%S", &tm);
	if (!end || *end)
		return 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t == (time_t)-1 ? 0 : (int64_t)t;
}

const char *nr_time(struct site *site, struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char out[64];

	(void)site;
	localtime_r(&tt, &tm);
	strftime(out, sizeof(out), "%Y-%m-%d %H:%M %Z", &tm);
	return arena_strdup(a, out);
}

int newsroom_zone(const char *zone)
{
	char path[128];

	if (!zone)
		zone = "UTC";
	if (!*zone || strlen(zone) > 64 || strstr(zone, "..") || *zone == '/' ||
	    strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789/_+-") != strlen(zone))
		return ERR_INVALID;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (strcmp(zone, "UTC") && access(path, R_OK))
		return ERR_NOTFOUND;
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

/* ---- Worker pool and scheduler ---- */

static void *scheduler_main(void *arg)
{
	struct site *site = arg;
	struct newsroom *nr = site->newsroom;
	struct timespec until;
	int n;

	pthread_mutex_lock(&nr->lock);
	while (!nr->stop) {
		pthread_mutex_unlock(&nr->lock);
		if (!store_publish_due(site->store, time_now(), &n) && n)
			log_info("scheduler: published %d stor%s", n,
				 n == 1 ? "y" : "ies");
		pthread_mutex_lock(&nr->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (TICK_MS % 1000) * 1000000L;
		until.tv_sec += TICK_MS / 1000 + until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		if (!nr->stop)
			pthread_cond_timedwait(&nr->wake, &nr->lock, &until);
	}
	pthread_mutex_unlock(&nr->lock);
	return NULL;
}

int newsroom_start(struct site *site)
{
	struct newsroom *nr = xcalloc(1, sizeof(*nr));

	if (!site->upload_max)
		site->upload_max = NEWSROOM_UPLOAD_MAX;
	pthread_mutex_init(&nr->lock, NULL);
	pthread_cond_init(&nr->wake, NULL);
	sem_init(&nr->photos, 0, site->photo_jobs ? site->photo_jobs : 1);
	/* Enough threads for photo_jobs photos at once and other work. */
	nr->pool = auth_pool_start(WORKERS + (site->photo_jobs ?
					      site->photo_jobs : 1));
	site->newsroom = nr;
	if (pthread_create(&nr->scheduler, NULL, scheduler_main, site)) {
		auth_pool_stop(nr->pool);
		free(nr);
		site->newsroom = NULL;
		return ERR_NOMEM;
	}
	return 0;
}

void newsroom_stop(struct site *site)
{
	struct newsroom *nr = site->newsroom;

	if (!nr)
		return;
	pthread_mutex_lock(&nr->lock);
	nr->stop = true;
	pthread_cond_signal(&nr->wake);
	pthread_mutex_unlock(&nr->lock);
	pthread_join(nr->scheduler, NULL);
	auth_pool_stop(nr->pool);
	newsroom_media_stop();
	pthread_mutex_destroy(&nr->lock);
	pthread_cond_destroy(&nr->wake);
	sem_destroy(&nr->photos);
	free(nr);
	site->newsroom = NULL;
}

void nr_photo_begin(struct site *site)
{
	struct newsroom *nr = site->newsroom;

	atomic_fetch_add(&nr->photos_waiting, 1);
	while (sem_wait(&nr->photos))
		;	/* EINTR */
	atomic_fetch_sub(&nr->photos_waiting, 1);
	atomic_fetch_add(&nr->photos_running, 1);
}

void nr_photo_end(struct site *site)
{
	atomic_fetch_sub(&site->newsroom->photos_running, 1);
	sem_post(&site->newsroom->photos);
}

void nr_photo_count(struct site *site, unsigned *running, unsigned *waiting)
{
	struct newsroom *nr = site->newsroom;

	*running = nr ? atomic_load(&nr->photos_running) : 0;
	*waiting = nr ? atomic_load(&nr->photos_waiting) : 0;
}

void nr_submit(struct site_job *j)
{
	job_submit_to(j, j->site->newsroom->pool);
}

/* ---- Revisions ---- */

static const char *status_word(const struct i18n_lang *l,
			       enum article_status s)
{
	return nr_status_label(l, (unsigned)s < ARTICLE_STATUSES ? s :
			       ARTICLE_DRAFT);
}

void h_nr_revisions(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct article *art;
	struct revision *revs;
	struct tval *ctx, *list;
	size_t n, i;

	if (!who || !(art = nr_story(site, req, res, who, m)))
		return;
	if (store_revisions(site->store, a, art->id, &revs, &n)) {
		render_error(site, req, res, 503, N_("The revisions cannot be"
			     " loaded right now; please try again."));
		return;
	}
	ctx = nr_ctx(site, req, who, N_("Revisions"), "");
	list = tv_list(a);
	for (i = 0; i < n; i++) {
		struct tval *v = tv_map(a);

		tv_set_int(a, v, "id", revs[i].id);
		tv_set_int(a, v, "version", revs[i].version);
		tv_set_str(a, v, "who", *revs[i].who ? revs[i].who :
			   tr(req_lang(req), "Someone"));
		tv_set_str(a, v, "when", nr_time(site, a, revs[i].created));
		tv_set_str(a, v, "when_iso", time_iso(a, revs[i].created));
		tv_set_str(a, v, "headline", revs[i].a.headline);
		tv_set_str(a, v, "status", status_word(req_lang(req),
			   revs[i].a.status));
		tv_set_bool(a, v, "newest", i == 0);
		tv_set_bool(a, v, "second", i == 1);
		tv_push(a, list, v);
	}
	tv_set(a, ctx, "revisions", list);
	tv_set_bool(a, ctx, "can_compare", n > 1);
	tv_set_int(a, ctx, "story_id", art->id);
	tv_set_int(a, ctx, "story_version", art->version);
	tv_set_str(a, ctx, "story_headline", art->headline);
	nr_render(site, req, res, "newsroom-revisions", ctx, 200);
}

/* One changed field of a diff. */
static void field_change(struct http_request *req, struct tval *list,
			 const char *label, const char *from, const char *to)
{
	struct arena *a = req->arena;
	struct tval *v;

	if (!strcmp(from ? from : "", to ? to : ""))
		return;
	v = tv_map(a);
	tv_set_str(a, v, "label", tr(req_lang(req), label));
	tv_set_str(a, v, "from", from ? from : "");
	tv_set_str(a, v, "to", to ? to : "");
	tv_push(a, list, v);
}

void h_nr_diff(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct revision from, to;
	struct article *art;
	struct diff_line *lines;
	struct tval *ctx, *fields, *body;
	int64_t f = nr_id(http_query(req, "from")), t = nr_id(http_query(req,
							       "to"));
	size_t n, i;
	int r;

	if (!who || !(art = nr_story(site, req, res, who, m)))
		return;
	if (!f || !t) {
		render_error(site, req, res, 400, N_("Choose two revisions to"
			     " compare."));
		return;
	}
	if ((r = store_revision_get(site->store, a, art->id, f, &from)) ||
	    (r = store_revision_get(site->store, a, art->id, t, &to))) {
		render_error(site, req, res, err_http_status(r),
			     r == ERR_NOTFOUND ? N_("There is no such revision"
			     " of this story.") : N_("Try again."));
		return;
	}
	ctx = nr_ctx(site, req, who, N_("Compare revisions"), "");
	fields = tv_list(a);
	field_change(req, fields, N_("Headline"), from.a.headline, to.a.headline);
	field_change(req, fields, N_("Slug"), from.a.slug, to.a.slug);
	field_change(req, fields, N_("Summary"), from.a.summary, to.a.summary);
	field_change(req, fields, N_("Dateline"), from.a.dateline, to.a.dateline);
	field_change(req, fields, N_("Section"), from.a.section, to.a.section);
	field_change(req, fields, N_("Tags"), from.tags_text, to.tags_text);
	field_change(req, fields, N_("Byline"), from.a.author, to.a.author);
	field_change(req, fields, N_("Lead photo"), from.a.photo.key, to.a.photo.key);
	field_change(req, fields, N_("Caption"), from.a.caption, to.a.caption);
	field_change(req, fields, N_("Credit"), from.a.credit, to.a.credit);
	field_change(req, fields, N_("Alt text"), from.a.photo_alt, to.a.photo_alt);
	field_change(req, fields, N_("Language"), from.a.lang, to.a.lang);
	field_change(req, fields, N_("Status"),
		     status_word(req_lang(req), from.a.status),
		     status_word(req_lang(req), to.a.status));
	body = tv_list(a);
	lines = diff_lines(a, from.a.body, to.a.body, &n);
	for (i = 0; i < n; i++) {
		struct tval *v = tv_map(a);

		tv_set(a, v, "text", tv_strn(a, lines[i].text, lines[i].len));
		tv_set_bool(a, v, "add", lines[i].op == DIFF_ADD);
		tv_set_bool(a, v, "del", lines[i].op == DIFF_DEL);
		tv_set_str(a, v, "mark", lines[i].op == DIFF_ADD ? "+" :
			   lines[i].op == DIFF_DEL ? "-" : " ");
		tv_push(a, body, v);
	}
	tv_set(a, ctx, "fields", fields);
	tv_set_bool(a, ctx, "has_fields", fields->u.list.n > 0);
	tv_set(a, ctx, "lines", body);
	tv_set_int(a, ctx, "from_version", from.version);
	tv_set_int(a, ctx, "to_version", to.version);
	tv_set_str(a, ctx, "from_who", from.who);
	tv_set_str(a, ctx, "to_who", to.who);
	tv_set_int(a, ctx, "story_id", art->id);
	nr_render(site, req, res, "newsroom-diff", ctx, 200);
}

struct restore_job {
	struct article art;
	const struct account *who;
	const char *tags_text;
	int64_t expect, id, version;
};

static void restore_work(struct site_job *aj)
{
	struct restore_job *j = aj->data;
	struct story_save sv = { 0 };

	sv.a = &j->art;
	sv.expect_version = j->expect;
	sv.account_id = j->who->id;
	sv.who = j->who->name;
	sv.tags_text = j->tags_text;
	aj->result = store_story_save(aj->site->store, &sv, &j->id, &j->version);
}

/* What the page says when a restore failed with @result. */
static const char *restore_problem(int result)
{
	switch (result) {
	case ERR_STALE:
		return N_("Someone saved the story since you opened its"
			  " revisions; nothing was restored. Open the"
			  " revisions again.");
	case ERR_CONFLICT:
		return N_("Another story has this revision's slug now;"
			  " nothing was restored.");
	case ERR_NOTFOUND:
		return N_("The story was deleted; nothing was restored.");
	default:
		return N_("The revision could not be restored; please try"
			  " again.");
	}
}

static void restore_answer(struct site_job *aj, struct http_request *req,
			   struct http_response *res)
{
	struct restore_job *j = aj->data;

	if (!aj->result) {
		res->status = 303;
		res->location = arena_printf(req->arena, "/newsroom/stories/%"
					     PRId64 "?done=restore", j->id);
		return;
	}
	nr_message(aj->site, req, res, j->who, err_http_status(aj->result),
		   N_("Not restored"), restore_problem(aj->result));
}

void h_nr_restore(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct restore_job *j;
	struct site_job *aj;
	struct revision rev;
	struct article *art;
	char err[200];
	int r;

	if (!who || !nr_form_ok(site, req, res) ||
	    !(art = nr_story(site, req, res, who, m)))
		return;
	if ((r = store_revision_get(site->store, a, art->id,
				    nr_id(http_form(req, "revision")), &rev))) {
		render_error(site, req, res, err_http_status(r),
			     r == ERR_NOTFOUND ? N_("There is no such revision"
			     " of this story.") : N_("Try again."));
		return;
	}
	if (who->role < ROLE_EDITOR && !site->authors_publish &&
	    (art->status == ARTICLE_PUBLISHED ||
	     art->status == ARTICLE_SCHEDULED)) {
		render_error(site, req, res, 403, N_("This story is published"
			     " or scheduled: only editors change it now."));
		return;
	}
	j = arena_zalloc(a, sizeof(*j));
	j->who = who;
	j->expect = nr_id(http_form(req, "version"));
	/* The revision's content; the story keeps its status and owner. */
	j->art = *art;
	j->art.slug = rev.a.slug;
	j->art.headline = rev.a.headline;
	j->art.summary = rev.a.summary;
	j->art.dateline = rev.a.dateline;
	j->art.section = rev.a.section;
	j->art.section_slug = slugify(a, rev.a.section, 80);
	j->art.author = rev.a.author;
	j->art.body = rev.a.body;
	j->art.photo = rev.a.photo;
	j->art.caption = rev.a.caption;
	j->art.credit = rev.a.credit;
	j->art.photo_alt = rev.a.photo_alt;
	j->art.lang = rev.a.lang;
	j->tags_text = rev.tags_text;
	if (tags_parse(a, NULL, rev.tags_text, &j->art.tags, &j->art.ntags, err,
		       sizeof(err)))
		j->art.ntags = 0;
	aj = job_new(site, req, restore_work, restore_answer);
	aj->data = j;
	nr_submit(aj);
}

/* ---- Users (admins) ---- */

void h_nr_users(struct site *site, struct http_request *req,
		struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_ADMIN);
	struct arena *a = req->arena;
	struct account *list;
	struct tval *ctx, *rows;
	size_t n, i, k;

	(void)m;
	if (!who)
		return;
	if (store_accounts_list(site->store, a, &list, &n)) {
		render_error(site, req, res, 503, N_("Try again."));
		return;
	}
	ctx = nr_ctx(site, req, who, N_("Users"), "users");
	rows = tv_list(a);
	for (i = 0; i < n; i++) {
		struct tval *v = tv_map(a), *roles = tv_list(a);

		tv_set_int(a, v, "id", list[i].id);
		tv_set_str(a, v, "name", list[i].name);
		tv_set_str(a, v, "email", list[i].email);
		tv_set_str(a, v, "role", role_label(req_lang(req),
			   list[i].role));
		tv_set_bool(a, v, "verified", list[i].verified);
		tv_set_bool(a, v, "banned", list[i].banned);
		if (list[i].bounced) {
			tv_set_str(a, v, "bounced", nr_time(site, a,
							    list[i].bounced));
			tv_set_str(a, v, "bounce_reason", list[i].bounce_reason);
		}
		tv_set_str(a, v, "joined", nr_time(site, a, list[i].created));
		tv_set_bool(a, v, "self", list[i].id == who->id);
		for (k = 0; k < ACCOUNT_ROLES; k++) {
			struct tval *r = tv_map(a);

			tv_set_str(a, r, "name", role_names[k]);
			tv_set_str(a, r, "label", role_label(req_lang(req), k));
			tv_set_bool(a, r, "selected", list[i].role == k);
			tv_push(a, roles, r);
		}
		tv_set(a, v, "roles", roles);
		tv_push(a, rows, v);
	}
	tv_set(a, ctx, "users", rows);
	if (http_query(req, "done"))
		tv_set_str(a, ctx, "notice", !strcmp(http_query(req, "done"),
			   "unban") ? tr(req_lang(req), "The ban is lifted.") :
			   tr(req_lang(req), "Role changed."));
	nr_render(site, req, res, "newsroom-users", ctx, 200);
}

struct role_job {
	const struct account *who;
	int64_t id;
	int role;
};

static void role_work(struct site_job *aj)
{
	struct role_job *j = aj->data;

	aj->result = store_account_set_role(aj->site->store, j->id,
					    (enum account_role)j->role);
}

static void role_answer(struct site_job *aj, struct http_request *req,
			struct http_response *res)
{
	struct role_job *j = aj->data;

	if (!aj->result) {
		res->status = 303;
		res->location = "/newsroom/users?done=role";
		return;
	}
	nr_message(aj->site, req, res, j->who, err_http_status(aj->result),
		   N_("Role not changed"), aj->result == ERR_NOTFOUND ?
		   N_("There is no such account.") : N_("Please try again."));
}

void h_nr_role(struct site *site, struct http_request *req,
	       struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_ADMIN);
	struct role_job *j;
	struct site_job *aj;

	if (!who || !nr_form_ok(site, req, res))
		return;
	j = arena_zalloc(req->arena, sizeof(*j));
	j->who = who;
	j->id = nr_id(str_dup(req->arena, m->params[0]));
	j->role = role_from_name(http_form(req, "role"));
	if (!j->id || j->role < 0) {
		render_error(site, req, res, 400, N_("Choose an account and a"
			     " role."));
		return;
	}
	if (j->id == who->id) {
		nr_message(site, req, res, who, 409, N_("Role not changed"),
			   N_("You cannot change your own role: another"
			      " administrator can."));
		return;
	}
	aj = job_new(site, req, role_work, role_answer);
	aj->data = j;
	nr_submit(aj);
}

/* ---- Dashboard ---- */

/* Colours of the reaction kinds in the chart, in reaction order. */
static const char *const kind_colours[REACTION_KINDS] = {
	"#c0392b", "#7f8c8d", "#2c7be5", "#e67e22", "#d6336c", "#6f42c1",
	"#2f9e44",
};

/*
 * A line chart of reactions per day by kind over the last CHART_DAYS days
 * (@counts as store_reaction_series() fills it), as inline SVG.
 */
static const char *chart_svg(struct arena *a, const struct i18n_lang *l,
			     const char *title, const int64_t *counts)
{
	const int w = 280, h = 90, pad = 4;
	int64_t max = 1;
	struct buf b;
	size_t d, k;

	for (d = 0; d < CHART_DAYS * REACTION_KINDS; d++)
		if (counts[d] > max)
			max = counts[d];
	buf_init(&b, a, 64 * 1024);
	buf_printf(&b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\""
		   " height=\"%d\" role=\"img\" aria-label=\"", w, h, w, h);
	html_escape(&b, title, strlen(title));
	buf_adds(&b, "\"><rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\""
		 " fill=\"#fbfaf7\"/>");
	for (k = 0; k < REACTION_KINDS; k++) {
		bool any = false;

		for (d = 0; d < CHART_DAYS; d++)
			any |= counts[d * REACTION_KINDS + k] > 0;
		if (!any)
			continue;
		buf_printf(&b, "<polyline fill=\"none\" stroke=\"%s\""
			   " stroke-width=\"2\" points=\"", kind_colours[k]);
		for (d = 0; d < CHART_DAYS; d++)
			buf_printf(&b, "%s%d,%d", d ? " " : "",
				   pad + (int)d * (w - 2 * pad) / (CHART_DAYS - 1),
				   h - pad - (int)(counts[d * REACTION_KINDS + k] *
						   (h - 2 * pad) / max));
		buf_adds(&b, "\"><title>");
		html_escape(&b, reaction_label(l, (int)k),
			    strlen(reaction_label(l, (int)k)));
		buf_adds(&b, "</title></polyline>");
	}
	buf_adds(&b, "</svg>");
	return b.overflow ? "" : b.data;
}

/* The most reacted stories since @since as a template list. */
static struct tval *top_list(struct site *site, struct http_request *req,
			     int64_t since, bool charts)
{
	struct arena *a = req->arena;
	const struct i18n_lang *lang = req_lang(req);
	struct tval *list = tv_list(a);
	struct article_list top;
	int64_t *counts, series[CHART_DAYS * REACTION_KINDS];
	int64_t day0 = (time_now() / 86400 - (CHART_DAYS - 1)) * 86400;
	size_t i, k;

	if (store_reaction_top(site->store, a, -1, since, NULL, TOP_N, &top,
			       &counts))
		return list;
	for (i = 0; i < top.n; i++) {
		struct tval *v = tv_map(a);

		tv_set_str(a, v, "headline", top.items[i].headline);
		tv_set_str(a, v, "url", article_path(a, &top.items[i]));
		tv_set_int(a, v, "count", counts[i]);
		tv_set_str(a, v, "edit_url", arena_printf(a,
			   "/newsroom/stories/%" PRId64, top.items[i].id));
		if (charts && !store_reaction_series(site->store,
		    top.items[i].id, day0, 86400, CHART_DAYS, series)) {
			struct tval *legend = tv_list(a);

			tv_set_str(a, v, "chart", chart_svg(a, lang,
				   arena_printf(a, tr(lang, "Reactions per day"
				   " over the last %d days, by kind"),
				   CHART_DAYS), series));
			for (k = 0; k < REACTION_KINDS; k++) {
				struct tval *l = tv_map(a);
				int64_t sum = 0;
				size_t d;

				for (d = 0; d < CHART_DAYS; d++)
					sum += series[d * REACTION_KINDS + k];
				if (!sum)
					continue;
				tv_set_str(a, l, "label", reaction_label(lang, (int)k));
				tv_set_str(a, l, "kind", reaction_names[k]);
				tv_set_int(a, l, "count", sum);
				tv_push(a, legend, l);
			}
			tv_set(a, v, "legend", legend);
		}
		tv_push(a, list, v);
	}
	return list;
}

/* The most commented stories since @since as a template list. */
static struct tval *comment_list(struct site *site, struct arena *a,
				 int64_t since)
{
	struct tval *list = tv_list(a);
	struct article_list top;
	int64_t *counts;
	size_t i;

	if (store_comment_top(site->store, a, since, TOP_N, &top, &counts))
		return list;
	for (i = 0; i < top.n; i++) {
		struct tval *v = tv_map(a);

		tv_set_str(a, v, "headline", top.items[i].headline);
		tv_set_str(a, v, "url", article_path(a, &top.items[i]));
		tv_set_int(a, v, "count", counts[i]);
		tv_push(a, list, v);
	}
	return list;
}

/*
 * The most read stories of the last CHART_DAYS days with their views on
 * each day ("vdays", "vrows", "has_views" in @ctx).  Days are UTC days;
 * each is labelled by its noon, which is that day in every zone within
 * twelve hours of UTC.
 */
static void views_table(struct site *site, struct http_request *req,
			struct tval *ctx)
{
	struct arena *a = req->arena;
	const struct i18n_lang *l = req_lang(req);
	int64_t day0 = time_now() / 86400 - (CHART_DAYS - 1), *views;
	int64_t per[CHART_DAYS];
	struct tval *days = tv_list(a), *rows = tv_list(a);
	struct article_list top;
	size_t i, d;

	if (store_most_read(site->store, a, day0, TOP_N, &top, &views))
		top.n = 0;
	for (d = 0; d < CHART_DAYS; d++) {
		struct tval *v = tv_map(a);
		int64_t noon = (day0 + (int64_t)d) * 86400 + 43200;

		tv_set_str(a, v, "iso", arena_strndup(a, time_iso(a, noon), 10));
		tv_set_str(a, v, "label", i18n_date(l, a, noon));
		tv_push(a, days, v);
	}
	for (i = 0; i < top.n; i++) {
		struct tval *v = tv_map(a), *cells = tv_list(a);

		if (store_views_days(site->store, top.items[i].id, day0,
				     CHART_DAYS, per))
			memset(per, 0, sizeof(per));
		for (d = 0; d < CHART_DAYS; d++) {
			struct tval *c = tv_map(a);

			tv_set_int(a, c, "n", per[d]);
			tv_push(a, cells, c);
		}
		tv_set_str(a, v, "headline", top.items[i].headline);
		tv_set_str(a, v, "url", article_path(a, &top.items[i]));
		tv_set_int(a, v, "total", views[i]);
		tv_set(a, v, "cells", cells);
		tv_push(a, rows, v);
	}
	tv_set(a, ctx, "vdays", days);
	tv_set(a, ctx, "vrows", rows);
	tv_set_bool(a, ctx, "has_views", top.n > 0);
}

void h_nr_dashboard(struct site *site, struct http_request *req,
		    struct http_response *res, const struct route_match *m)
{
	const struct account *who = nr_access(site, req, res, ROLE_AUTHOR);
	struct arena *a = req->arena;
	struct tval *ctx, *day, *week, *cday, *cweek;
	int64_t now = time_now();

	(void)m;
	if (!who)
		return;
	ctx = nr_ctx(site, req, who, N_("Dashboard"), "dashboard");
	views_table(site, req, ctx);
	day = top_list(site, req, now - 86400, false);
	week = top_list(site, req, now - 7 * 86400, true);
	tv_set(a, ctx, "day", day);
	tv_set(a, ctx, "week", week);
	tv_set_bool(a, ctx, "has_day", day->u.list.n > 0);
	tv_set_bool(a, ctx, "has_week", week->u.list.n > 0);
	cday = comment_list(site, a, now - 86400);
	cweek = comment_list(site, a, now - 7 * 86400);
	tv_set(a, ctx, "cday", cday);
	tv_set(a, ctx, "cweek", cweek);
	tv_set_bool(a, ctx, "has_cday", cday->u.list.n > 0);
	tv_set_bool(a, ctx, "has_cweek", cweek->u.list.n > 0);
	nr_render(site, req, res, "newsroom-dashboard", ctx, 200);
}
