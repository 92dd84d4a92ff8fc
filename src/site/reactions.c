/*
 * reactions.c - "What's Your Reaction?": the block under every story, the
 * no-JavaScript form flow, the JSON API, the live stream, and the
 * most-reacted archive pages.
 *
 * A reader is a logged-in account ("u:<id>"), else the random id in the
 * dl_reader cookie (set at the first reaction, never before).  Writes go
 * through the group-commit writer and are answered only once committed.
 * See docs/api.md and docs/security.md.
 */
#include "site_int.h"
#include "metrics.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/csrf.h"
#include "auth/ratelimit.h"
#include "cache.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "core/value.h"
#include "live.h"
#include "render/mustache.h"
#include "writer.h"

enum answer { ANSWER_JSON, ANSWER_REDIRECT };

struct pending {
	struct site *site;
	struct reaction_change ch;
	struct http_deferred *defer;
	enum answer answer;
	const char *redirect;		/* article path, for forms */
	const char *set_cookie;		/* for a reader's first reaction */
};

/*
 * A new reader id and its Set-Cookie value (arena strings).  The id is 48
 * bits of the time in milliseconds followed by 80 random bits (the layout
 * of a UUIDv7): unguessable, and new readers' rows land at the end of the
 * article's range of the reactions key instead of on a random page, so a
 * batch of first reactions writes a few pages, not one page each.
 */
static const char *new_reader(struct site *site, struct http_request *req,
			      const char **set_cookie)
{
	unsigned char raw[READER_HEX / 2];
	char *hex = arena_alloc(req->arena, READER_HEX + 1);
	struct timespec ts;
	uint64_t ms;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (i = 0; i < 6; i++)
		raw[i] = (unsigned char)(ms >> (40 - 8 * i));
	randombytes_buf(raw + 6, sizeof(raw) - 6);
	sodium_bin2hex(hex, READER_HEX + 1, raw, sizeof(raw));
	*set_cookie = arena_printf(req->arena, READER_COOKIE "=%s; Path=/;"
				   " Max-Age=31536000; HttpOnly; SameSite=Lax%s",
				   hex, strncmp(site->base_url, "https:", 6) ? "" :
				   "; Secure");
	return hex;
}

static const char *reader_key(struct arena *a, const char *hex)
{
	return hex ? arena_printf(a, "r:%s", hex) : NULL;
}

/*
 * The reader's key: "u:<id>" for a logged-in reader (the account wins over
 * the dl_reader cookie), "r:<hex>" for a reader with the cookie, or NULL.
 */
static const char *current_reader(struct site *site, struct http_request *req)
{
	struct reader_state *rs = site_reader(site, req);

	if (rs->logged_in)
		return arena_printf(req->arena, "u:%" PRId64, rs->account.id);
	return reader_key(req->arena, site_reader_cookie(req));
}

/* {"counts":{...},"total":N[,"mine":...]} */
static void state_json(struct buf *b, const struct reaction_state *st,
		       bool with_mine)
{
	int i;

	buf_adds(b, "{\"counts\":{");
	for (i = 0; i < REACTION_KINDS; i++)
		buf_printf(b, "%s\"%s\":%" PRId64, i ? "," : "", reaction_names[i],
			   st->counts[i]);
	buf_printf(b, "},\"total\":%" PRId64, st->total);
	if (with_mine) {
		if (st->mine >= 0)
			buf_printf(b, ",\"mine\":\"%s\"", reaction_names[st->mine]);
		else
			buf_adds(b, ",\"mine\":null");
	}
	buf_addch(b, '}');
}

/* The writer committed (or failed) a batch: tell the live streams. */
void reactions_committed(void *ctx, const struct reaction_change *ch, size_t n)
{
	struct site *site = ctx;
	size_t i, j;

	metrics_reaction_batch(site->metrics, n);
	for (i = 0; i < n; i++) {
		struct buf b;
		char data[512];

		if (ch[i].result)
			continue;
		block_drop(site->blocks, ch[i].article_id);
		/* Only the last change per article in a batch is news. */
		for (j = i + 1; j < n; j++)
			if (ch[j].article_id == ch[i].article_id && !ch[j].result)
				break;
		if (j < n)
			continue;
		buf_init(&b, NULL, sizeof(data));
		state_json(&b, &ch[i].state, false);
		live_publish(site->live, ch[i].article_id, "reactions", b.data);
		buf_release(&b);
	}
}

/*
 * Another node changed article @id's reactions (store_watch_reactions()):
 * drop this node's rendered block and tell its live streams the counts.
 */
void reactions_remote(void *ctx, int64_t article_id)
{
	struct site *site = ctx;
	struct reaction_state st;
	struct buf b;

	block_drop(site->blocks, article_id);
	if (store_reaction_state(site->store, article_id, NULL, &st))
		return;
	buf_init(&b, NULL, 512);
	state_json(&b, &st, false);
	live_publish(site->live, article_id, "reactions", b.data);
	buf_release(&b);
}

static void change_done(void *arg)
{
	struct pending *p = arg;

	http_resume(p->defer);
}

static void change_finish(void *arg, struct http_request *req,
			  struct http_response *res)
{
	struct pending *p = arg;

	(void)req;
	if (p->set_cookie && !p->ch.result)
		http_add_header(res, "Set-Cookie", p->set_cookie);
	if (p->ch.result == ERR_NOTFOUND) {
		if (p->answer == ANSWER_JSON)
			json_error(res, 404, "no such article");
		else
			render_error(p->site, req, res, 404, tr(req_lang(req), "We could not find that story."));
		return;
	}
	if (p->ch.result) {
		http_add_header(res, "Retry-After", "2");
		if (p->answer == ANSWER_JSON)
			json_error(res, 503, "the reaction could not be saved; try again");
		else
			render_error(p->site, req, res, 503, tr(req_lang(req), "Your reaction could"
				     " not be saved. Please try again."));
		return;
	}
	if (p->answer == ANSWER_REDIRECT) {
		res->status = 303;
		res->location = arena_printf(req->arena, "%s#reactions", p->redirect);
		res->cache_control = "no-store";
		return;
	}
	res->content_type = "application/json";
	res->cache_control = "no-store";
	state_json(&res->body, &p->ch.state, true);
}

/* Rate limit by client address; false (and a 429 answer) when over. */
static bool within_rate(struct site *site, struct http_request *req,
			struct http_response *res, bool json)
{
	unsigned retry = 1;

	if (ratelimit_take(site->reaction_limit, req->remote_ip,
			   time_mono_ms(), &retry))
		return true;
	http_add_header(res, "Retry-After", arena_printf(req->arena, "%u", retry));
	if (json)
		json_error(res, 429, "too many reactions; wait a moment");
	else
		render_error(site, req, res, 429, tr(req_lang(req), "You are reacting too fast."
			     " Please wait a moment and try again."));
	return false;
}

/* Queue @p's change and suspend the connection until it is committed. */
static void submit(struct site *site, struct http_request *req,
		   struct pending *p)
{
	p->defer = http_defer(req, change_finish, p);
	writer_submit(site->writer, &p->ch, change_done, p);
}

static struct pending *pending_new(struct site *site, struct http_request *req,
				   int64_t article_id)
{
	struct pending *p = arena_zalloc(req->arena, sizeof(*p));
	const char *key = current_reader(site, req);

	p->site = site;
	p->ch.article_id = article_id;
	if (!key)
		key = reader_key(req->arena, new_reader(site, req,
							&p->set_cookie));
	p->ch.reader = key;
	return p;
}

/* The article id for the :slug parameter; answers 404 itself when absent. */
static bool api_article(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m,
			int64_t *id)
{
	char *slug = str_dup(req->arena, m->params[0]);
	int r = slug_valid(slug) ? store_article_id(site->store, slug, id) :
				   ERR_NOTFOUND;

	if (r == ERR_NOTFOUND)
		json_error(res, 404, "no such article");
	else if (r)
		json_error(res, 503, "the article cannot be read now");
	return r == 0;
}

void h_reactions_get(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	struct reaction_state st;
	int64_t id;

	if (!api_article(site, req, res, m, &id))
		return;
	if (store_reaction_state(site->store, id, current_reader(site, req),
				 &st)) {
		json_error(res, 503, "reactions cannot be read now");
		return;
	}
	res->content_type = "application/json";
	res->cache_control = "no-store";
	state_json(&res->body, &st, true);
}

/* Checks every state-changing API call shares; false after answering. */
static bool api_write_allowed(struct site *site, struct http_request *req,
			      struct http_response *res, bool needs_body)
{
	const char *ct = http_header(req, "Content-Type");

	if (!csrf_same_origin(req)) {
		json_error(res, 403, "cross-site requests are not allowed");
		return false;
	}
	/* A call without a body may leave the type out; any other type,
	 * or a body of no type, is refused (docs/security.md). */
	if ((needs_body || ct || req->body.len) &&
	    (!ct || strncmp(ct, "application/json", 16) ||
	     (ct[16] && ct[16] != ';' && ct[16] != ' '))) {
		json_error(res, 415, "send the body as application/json");
		return false;
	}
	(void)site;
	return true;
}

void h_reactions_put(struct site *site, struct http_request *req,
		     struct http_response *res, const struct route_match *m)
{
	struct tval *body, *name;
	struct pending *p;
	char err[128];
	int64_t id;
	int kind;

	if (!api_write_allowed(site, req, res, true) ||
	    reader_banned_refused(site, req, res, true) ||
	    !api_article(site, req, res, m, &id))
		return;
	if (json_parse(req->arena, req->body.data, req->body.len, &body, err,
		       sizeof(err)) || body->type != TV_MAP) {
		json_error(res, 400, "the body must be a JSON object like"
			   " {\"reaction\":\"lol\"}");
		return;
	}
	name = tv_get(body, "reaction", 8);
	kind = name && name->type == TV_STR ? reaction_from_name(name->u.str.p) : -1;
	if (kind < 0) {
		json_error(res, 422, "unknown reaction; use one of angry, fail,"
			   " geeky, lol, love, scary, win");
		return;
	}
	if (!within_rate(site, req, res, true))
		return;
	p = pending_new(site, req, id);
	p->answer = ANSWER_JSON;
	p->ch.op = REACTION_SET;
	p->ch.kind = kind;
	submit(site, req, p);
}

void h_reactions_delete(struct site *site, struct http_request *req,
			struct http_response *res, const struct route_match *m)
{
	struct pending *p;
	int64_t id;

	if (!api_write_allowed(site, req, res, false) ||
	    reader_banned_refused(site, req, res, true))
		return;
	if (!current_reader(site, req)) {
		/* No reader, nothing to remove: answer the state without
		 * making a reader (the cookie comes with a first reaction). */
		h_reactions_get(site, req, res, m);
		return;
	}
	if (!api_article(site, req, res, m, &id) ||
	    !within_rate(site, req, res, true))
		return;
	p = pending_new(site, req, id);
	p->answer = ANSWER_JSON;
	p->ch.op = REACTION_CLEAR;
	submit(site, req, p);
}

void h_react_form(struct site *site, struct http_request *req,
		  struct http_response *res, const struct route_match *m)
{
	char *slug = str_dup(req->arena, m->params[0]);
	struct article *art;
	struct pending *p;
	int kind, r;

	if (!csrf_same_origin(req) ||
	    !csrf_token_ok(site->csrf_key, site_csrf_subject(site, req),
			   http_form(req, "csrf"))) {
		render_error(site, req, res, 403, tr(req_lang(req), "This form has expired or came"
			     " from another site. Go back, reload the page and"
			     " try again."));
		return;
	}
	if (reader_banned_refused(site, req, res, false))
		return;
	r = slug_valid(slug) ? store_article_by_slug(site->store, req->arena,
						     slug, false, &art) :
			       ERR_NOTFOUND;
	if (r) {
		render_error(site, req, res, err_http_status(r),
			     r == ERR_NOTFOUND ? tr(req_lang(req), "We could not find that story.") :
			     tr(req_lang(req), "The story cannot be loaded right now."));
		return;
	}
	kind = reaction_from_name(http_form(req, "reaction"));
	if (kind < 0) {
		render_error(site, req, res, 422, tr(req_lang(req), "That is not one of the"
			     " reactions on offer."));
		return;
	}
	if (!within_rate(site, req, res, false))
		return;
	p = pending_new(site, req, art->id);
	p->answer = ANSWER_REDIRECT;
	p->redirect = article_path(req->arena, art);
	p->ch.op = REACTION_TOGGLE;
	p->ch.kind = kind;
	submit(site, req, p);
}

void h_events(struct site *site, struct http_request *req,
	      struct http_response *res, const struct route_match *m)
{
	int64_t id;

	if (!api_article(site, req, res, m, &id))
		return;
	live_subscribe(site->live, req, res, id);
}

/* store.h's reaction_labels, marked for the catalogues (same order). */
static const char *const label_msgids[REACTION_KINDS] = {
	NP_("reaction", "Angry"), NP_("reaction", "Fail"),
	NP_("reaction", "Geeky"), NP_("reaction", "Lol"),
	NP_("reaction", "Love"), NP_("reaction", "Scary"),
	NP_("reaction", "Win"),
};

const char *reaction_label(const struct i18n_lang *l, int kind)
{
	if (kind < 0 || kind >= REACTION_KINDS)
		return "";
	return trp(l, "reaction", label_msgids[kind]);
}

/* The reaction block for a story page (the hole of its cached page). */
int reactions_render_block(struct site *site, struct http_request *req,
			   int64_t article_id, const char *slug, struct buf *out,
			   struct hole_fill *fill, bool *personal)
{
	struct arena *a = req->arena;
	const char *reader = current_reader(site, req);
	struct reaction_state st;
	struct tval *ctx = tv_map(a), *list = tv_list(a);
	char token[CSRF_TOKEN_SIZE];
	uint64_t gen = site_generation(site), ticket = 0;
	size_t start = out->len;
	int i, r;

	*personal = reader != NULL || comments_block_personal(site, req);
	if (!*personal && block_get_fill(site->blocks, article_id, slug, gen,
					 out, fill, &ticket))
		return 0;
	r = store_reaction_state(site->store, article_id, reader, &st);
	if (r)
		return r;
	csrf_token(site->csrf_key, site_csrf_subject(site, req), token);
	tv_set_str(a, ctx, "slug", slug);
	tv_set_str(a, ctx, "csrf", arena_strdup(a, token));
	tv_set_int(a, ctx, "total", st.total);
	/* Personal (logged in): a banned reader's buttons do nothing. */
	if (site_reader(site, req)->account.banned)
		tv_set_str(a, ctx, "banned", reader_banned_text(req_lang(req)));
	for (i = 0; i < REACTION_KINDS; i++) {
		struct tval *v = tv_map(a);

		tv_set_str(a, v, "name", reaction_names[i]);
		tv_set_str(a, v, "label", reaction_label(req_lang(req), i));
		tv_set_str(a, v, "icon", site_asset_url(site,
			   arena_printf(a, "react-%s.svg", reaction_names[i])));
		tv_set_int(a, v, "count", st.counts[i]);
		tv_set_int(a, v, "share", st.total ?
			   (st.counts[i] * 100 + st.total / 2) / st.total : 0);
		tv_set_str(a, v, "pressed", st.mine == i ? "true" : "false");
		tv_push(a, list, v);
	}
	tv_set(a, ctx, "reactions", list);
	r = tmpl_render(site->tmpl, "reactions", ctx, out);
	if (!r)
		r = comments_render_block(site, req, article_id, slug, out);
	if (!r && !*personal)
		block_put(site->blocks, article_id, slug, gen, out->data + start,
			  out->len - start, ticket);
	return r;
}
