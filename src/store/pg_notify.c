/*
 * pg_notify.c - events between the nodes of one PostgreSQL database.
 *
 * A write that other nodes must learn about at once sends a notification
 * on the channel "dateline" inside its transaction (PostgreSQL delivers it
 * at commit, never for a rollback): "<node>:<article id>" when reactions
 * changed, "<node>:c" when content changed.  A comment that became visible
 * is announced after its commit, "<node>:m<article id>:<comment id>"
 * (comment id 0: the count alone changed), and a change of a comment's
 * likes "<node>:l<article id>:<comment id>", for the live streams of the
 * other nodes (their pages follow the "c" event of the same change; the
 * receiver reads the likes itself, so the last event shows the last
 * count whatever the order).
 * <node> is a random id of the sending store, so a node ignores its own
 * events.
 *
 * A listener thread, started by the first pg_watch_reactions(), keeps its
 * own connection in LISTEN mode and waits on its socket (poll, 200 ms so
 * it notices a stop).  Reactions go to the registered callback; content
 * events move the generation on, so page caches follow other nodes at
 * once instead of at the next poll of the content version.  When the
 * connection is lost the thread reconnects every second, and moves the
 * generation on (events may have been missed meanwhile).
 */
#include "pg_int.h"

#include <limits.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"

void pg_notify_init(struct pg_store *s)
{
	unsigned char id[8];
	size_t i;

	randombytes_buf(id, sizeof(id));
	for (i = 0; i < sizeof(id); i++)
		snprintf(s->node + 2 * i, 3, "%02x", id[i]);
	pthread_mutex_init(&s->listen_lock, NULL);
}

void pg_notify_close(struct pg_store *s)
{
	if (s->listening) {
		atomic_store(&s->listen_stop, true);
		pthread_join(s->listener, NULL);
		s->listening = false;
	}
	pthread_mutex_destroy(&s->listen_lock);
}

static struct dbq q_notify = DBQ_PG("SELECT pg_notify('dateline', $1)");

static int notify(struct pg_store *s, struct dbc *c, const char *what)
{
	char payload[80];

	snprintf(payload, sizeof(payload), "%s:%s", s->node, what);
	return db_exec(c, &q_notify, DB_T(payload));
}

static struct dbq q_notify_articles = DBQ_PG(
	"SELECT pg_notify('dateline', $1 || a) FROM unnest($2::bigint[]) AS a");

int pg_notify_reactions(struct pg_store *s, struct pgpipe *p,
			const char *articles)
{
	char prefix[24];

	snprintf(prefix, sizeof(prefix), "%s:", s->node);
	return pg_pipe_query(p, &q_notify_articles, DB_T(prefix),
			     DB_T(articles));
}

int pg_notify_content(struct pg_store *s, struct pgconn *c)
{
	return notify(s, &c->base, "c");
}

/*
 * Content changed elsewhere: with replicas, note the primary's position
 * (past that commit) before the generation moves on, so the page caches
 * refill only from replicas that have the change.
 */
static void content_changed(struct pg_store *s, PGconn *db)
{
	if (s->nreplicas)
		pg_lsn_raise(&s->content_lsn, pg_wal_position(db));
	atomic_fetch_add(&s->base.generation, 1);
}

/* See pg_int.h. */
int pg_notify_parse(const char *payload, const char *node, struct pg_event *ev)
{
	const char *colon = strchr(payload, ':');
	char *end;
	long long id, cm = 0;

	memset(ev, 0, sizeof(*ev));
	if (!colon || (size_t)(colon - payload) != strlen(node))
		return ERR_INVALID;
	if (!strncmp(payload, node, strlen(node)))
		return ERR_NOTFOUND;	/* our own */
	if (!strcmp(colon + 1, "c")) {
		ev->kind = PG_EV_CONTENT;
		return 0;
	}
	if (colon[1] == 'm' || colon[1] == 'l') {
		/* Likes are of one comment: its id starts 1-9. */
		char low = colon[1] == 'l' ? '1' : '0';

		if (colon[2] < '1' || colon[2] > '9')
			return ERR_INVALID;
		id = strtoll(colon + 2, &end, 10);
		if (*end != ':' || end[1] < low || end[1] > '9')
			return ERR_INVALID;
		cm = strtoll(end + 1, &end, 10);
		ev->kind = colon[1] == 'l' ? PG_EV_LIKES : PG_EV_COMMENT;
	} else {
		if (colon[1] < '1' || colon[1] > '9')
			return ERR_INVALID;
		id = strtoll(colon + 1, &end, 10);
		ev->kind = PG_EV_REACTIONS;
	}
	if (*end || id <= 0 || id == LLONG_MAX || cm < 0 || cm == LLONG_MAX) {
		ev->kind = PG_EV_NONE;
		return ERR_INVALID;
	}
	ev->article_id = id;
	ev->comment_id = cm;
	return 0;
}

/* One notification's payload "<node>:<what>", read on @db. */
static void handle(struct pg_store *s, PGconn *db, const char *payload)
{
	struct pg_event ev;

	if (pg_notify_parse(payload, s->node, &ev))
		return;		/* malformed, or our own */
	if (ev.kind == PG_EV_CONTENT) {
		content_changed(s, db);
		return;
	}
	pthread_mutex_lock(&s->listen_lock);
	if ((ev.kind == PG_EV_COMMENT || ev.kind == PG_EV_LIKES) &&
	    s->listen_cm_fn)
		s->listen_cm_fn(s->listen_cm_arg, ev.kind == PG_EV_LIKES ?
				COMMENT_LIKES : COMMENT_SHOWN, ev.article_id,
				ev.comment_id);
	else if (ev.kind == PG_EV_REACTIONS && s->listen_fn)
		s->listen_fn(s->listen_arg, ev.article_id);
	pthread_mutex_unlock(&s->listen_lock);
}

static PGconn *listen_connect(struct pg_store *s)
{
	char err[512];
	PGconn *db = pg_connect(s->url, err, sizeof(err));
	PGresult *res;

	if (!db)
		return NULL;
	res = PQexec(db, "LISTEN dateline");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_err("postgres: LISTEN: %s", PQerrorMessage(db));
		PQclear(res);
		PQfinish(db);
		return NULL;
	}
	PQclear(res);
	return db;
}

static void *listen_main(void *arg)
{
	struct pg_store *s = arg;
	PGconn *db = NULL;
	bool lost = false;

	while (!atomic_load(&s->listen_stop)) {
		struct pollfd pfd;
		PGnotify *n;

		if (!db) {
			if (!(db = listen_connect(s))) {
				struct timespec ts = { 0, 200 * 1000 * 1000L };
				int i;

				for (i = 0; i < 5 && !atomic_load(&s->listen_stop); i++)
					nanosleep(&ts, NULL);
				continue;
			}
			if (lost) {
				log_info("postgres: listening for other nodes again");
				content_changed(s, db);
				lost = false;
			}
		}
		pfd.fd = PQsocket(db);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) < 0)
			continue;
		if (!PQconsumeInput(db) || PQstatus(db) != CONNECTION_OK) {
			log_warn("postgres: the event connection was lost: %s",
				 PQerrorMessage(db));
			PQfinish(db);
			db = NULL;
			lost = true;
			continue;
		}
		while ((n = PQnotifies(db))) {
			handle(s, db, n->extra);
			PQfreemem(n);
		}
	}
	PQfinish(db);
	return NULL;
}

/* The listener thread, started once (callers are the site's start). */
static int listen_start(struct pg_store *s)
{
	if (!s->listening) {
		if (pthread_create(&s->listener, NULL, listen_main, s))
			return ERR_NOMEM;
		s->listening = true;
	}
	return 0;
}

int pg_watch_reactions(struct store *base, store_reactions_fn fn, void *arg)
{
	struct pg_store *s = PG(base);

	pthread_mutex_lock(&s->listen_lock);
	s->listen_fn = fn;
	s->listen_arg = arg;
	pthread_mutex_unlock(&s->listen_lock);
	return fn ? listen_start(s) : 0;
}

int pg_watch_comments(struct store *base, store_comments_fn fn, void *arg)
{
	struct pg_store *s = PG(base);

	pthread_mutex_lock(&s->listen_lock);
	s->listen_cm_fn = fn;
	s->listen_cm_arg = arg;
	pthread_mutex_unlock(&s->listen_lock);
	return fn ? listen_start(s) : 0;
}

int pg_comment_announce(struct store *base, enum comment_event ev,
			int64_t article_id, int64_t comment_id)
{
	struct dbc *c = db_get(base, DB_WRITE);
	char what[48];
	int r;

	snprintf(what, sizeof(what), "%c%lld:%lld",
		 ev == COMMENT_LIKES ? 'l' : 'm', (long long)article_id,
		 (long long)comment_id);
	r = notify(PG(base), c, what);
	db_put(c);
	return r;
}
