/*
 * pg_notify.c - events between the nodes of one PostgreSQL database.
 *
 * A write that other nodes must learn about at once sends a notification
 * on the channel "dateline" inside its transaction (PostgreSQL delivers it
 * at commit, never for a rollback): "<node>:<article id>" when reactions
 * changed, "<node>:c" when content changed.  <node> is a random id of the
 * sending store, so a node ignores its own events.
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

#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"

static const char sql_notify[] = "SELECT pg_notify('dateline', $1)";

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

static int notify(struct pg_store *s, struct pgconn *c, const char *what)
{
	struct pgargs p = { 0 };
	char payload[64];

	snprintf(payload, sizeof(payload), "%s:%s", s->node, what);
	pa_text(&p, payload);
	return pg_run(c, PS_NOTIFY, sql_notify, &p, NULL);
}

int pg_notify_reactions(struct pg_store *s, struct pgpipe *p,
			const char *articles)
{
	static const char sql[] =
		"SELECT pg_notify('dateline', $1 || a) FROM unnest($2::bigint[]) AS a";
	struct pgargs a = { 0 };
	char prefix[24];

	snprintf(prefix, sizeof(prefix), "%s:", s->node);
	pa_text(&a, prefix);
	pa_text(&a, articles);
	return pg_pipe_send(p, PS_NOTIFY_ARTICLES, sql, &a);
}

int pg_notify_content(struct pg_store *s, struct pgconn *c)
{
	return notify(s, c, "c");
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
	atomic_fetch_add(&s->generation, 1);
}

/* One notification's payload "<node>:<what>", read on @db. */
static void handle(struct pg_store *s, PGconn *db, const char *payload)
{
	const char *colon = strchr(payload, ':');
	char *end;
	long long id;

	if (!colon || (size_t)(colon - payload) != strlen(s->node) ||
	    !strncmp(payload, s->node, strlen(s->node)))
		return;		/* malformed, or our own */
	if (!strcmp(colon + 1, "c")) {
		content_changed(s, db);
		return;
	}
	id = strtoll(colon + 1, &end, 10);
	if (*end || id <= 0)
		return;
	pthread_mutex_lock(&s->listen_lock);
	if (s->listen_fn)
		s->listen_fn(s->listen_arg, (int64_t)id);
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

int pg_watch_reactions(struct store *base, store_reactions_fn fn, void *arg)
{
	struct pg_store *s = PG(base);

	pthread_mutex_lock(&s->listen_lock);
	s->listen_fn = fn;
	s->listen_arg = arg;
	pthread_mutex_unlock(&s->listen_lock);
	if (fn && !s->listening) {
		if (pthread_create(&s->listener, NULL, listen_main, s))
			return ERR_NOMEM;
		s->listening = true;
	}
	return 0;
}
