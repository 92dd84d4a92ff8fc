/*
 * store.c - chooses a backend by URL and dispatches to its function table,
 * checking the arguments every backend would otherwise check again.
 */
#include "store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

/*
 * Call op @op of @s's backend; ERR_UNSUPPORTED when the backend does not
 * have it (yet), never a crash.
 */
#define OP(s, op, ...) \
	((s)->ops->op ? (s)->ops->op((s), __VA_ARGS__) : ERR_UNSUPPORTED)
#define OP0(s, op) ((s)->ops->op ? (s)->ops->op(s) : ERR_UNSUPPORTED)

const char *const reaction_names[REACTION_KINDS] = {
	"angry", "fail", "geeky", "lol", "love", "scary", "win",
};
const char *const reaction_labels[REACTION_KINDS] = {
	"Angry", "Fail", "Geeky", "Lol", "Love", "Scary", "Win",
};

const char *const status_names[ARTICLE_STATUSES] = {
	"draft", "published", "ready", "scheduled", "unpublished",
};

/* The index of @name among the @n @names, or -1 (also for NULL). */
static int name_index(const char *const *names, int n, const char *name)
{
	int i;

	for (i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

int status_from_name(const char *name)
{
	return name_index(status_names, ARTICLE_STATUSES, name);
}

int reaction_from_name(const char *name)
{
	return name_index(reaction_names, REACTION_KINDS, name);
}

int store_open(const char *url, struct store **out, char *err, size_t errlen)
{
	const char *path;
	int fd, r;

	if (!url || !*url) {
		snprintf(err, errlen, "no database given (use --db or DATELINE_DB)");
		return ERR_INVALID;
	}
	if (!(path = store_sqlite_path(url))) {
		r = store_open_pg(url, out, err, errlen);
	} else {
		/* Created here so that SQLite finds it, with our mode, not 0644. */
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0)
			close(fd);
		r = store_open_sqlite(path, out, err, errlen);
	}
	/* From the stored content version, so the first poll is quiet. */
	if (!r)
		(*out)->ops->content_version(*out, &(*out)->watch_version);
	return r;
}

const char *store_sqlite_path(const char *url)
{
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		return NULL;
	return strncmp(url, "sqlite:", 7) ? url : url + 7;
}

static struct dbq q_ping = DBQ("SELECT 1");

int store_ping(struct store *s, char *detail, size_t len)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int64_t one = 0;
	int r = db_get_int(c, &q_ping, &one);

	db_put(c);
	if (detail && len)
		*detail = '\0';
	if (!r && detail && s->ops->replicas)
		s->ops->replicas(s, detail, len);
	return r ? ERR_DB : 0;
}

void store_stats(struct store *s, struct store_stats *out)
{
	struct store_counters *k = &s->counters;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i <= STORE_WAIT_BUCKETS; i++)
		out->wait[i] = atomic_load_explicit(&k->wait[i],
						    memory_order_relaxed);
	out->wait_seconds = (double)atomic_load_explicit(&k->wait_ns,
					memory_order_relaxed) / 1e9;
	for (i = 0; i < STORE_ERR_KINDS; i++)
		out->errors[i] = atomic_load_explicit(&k->errors[i],
						      memory_order_relaxed);
	if (s->ops->replica_lag)
		s->ops->replica_lag(s, out);
}

void store_close(struct store *s)
{
	if (s) {
		store_idcache_free(s);
		pthread_mutex_destroy(&s->watch_lock);
		s->ops->close(s);
	}
}

void store_init(struct store *s, const struct store_ops *ops,
		const struct db_driver *db)
{
	s->ops = ops;
	s->db = db;
	pthread_mutex_init(&s->watch_lock, NULL);
	s->watch_checked = time_mono_ms();
}

/* How often the content version is read (other processes' writes). */
#define WATCH_INTERVAL_MS 100

uint64_t store_generation(struct store *s)
{
	int64_t now = time_mono_ms(), v;

	/*
	 * Only one thread polls, and only every WATCH_INTERVAL_MS.  The
	 * content version moves with content writes only, so reactions and
	 * other high-rate writes do not empty the page cache.
	 */
	if (now - s->watch_checked >= WATCH_INTERVAL_MS &&
	    !pthread_mutex_trylock(&s->watch_lock)) {
		if (now - s->watch_checked >= WATCH_INTERVAL_MS &&
		    !s->ops->content_version(s, &v) && v != s->watch_version) {
			s->watch_version = v;
			if (s->ops->moved)
				s->ops->moved(s);
			atomic_fetch_add(&s->generation, 1);
		}
		s->watch_checked = time_mono_ms();
		pthread_mutex_unlock(&s->watch_lock);
	}
	return atomic_load(&s->generation);
}

int store_reactions_apply(struct store *s, struct reaction_change *changes,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct reaction_change *c = &changes[i];

		c->result = 0;
		if (!c->reader || !*c->reader ||
		    (c->op != REACTION_CLEAR &&
		     (c->kind < 0 || c->kind >= REACTION_KINDS)))
			c->result = ERR_INVALID;
	}
	return n ? OP(s, reactions_apply, changes, n) : 0;
}

const char *const role_names[ACCOUNT_ROLES] = {
	"reader", "author", "editor", "admin",
};

int role_from_name(const char *name)
{
	return name_index(role_names, ACCOUNT_ROLES, name);
}

int store_watch_reactions(struct store *s, store_reactions_fn fn, void *arg)
{
	return OP(s, watch_reactions, fn, arg);
}

int store_comment_announce(struct store *s, enum comment_event ev,
			   int64_t article_id, int64_t comment_id)
{
	if (ev == COMMENT_LIKES && comment_id <= 0)
		return ERR_INVALID;
	return OP(s, comment_announce, ev, article_id, comment_id);
}

int store_watch_comments(struct store *s, store_comments_fn fn, void *arg)
{
	return OP(s, watch_comments, fn, arg);
}

int store_rate_take(struct store *s, const char *key, unsigned per_minute,
		    bool take, bool *allowed, unsigned *retry_after)
{
	if (!key || !per_minute)
		return ERR_INVALID;
	return OP(s, rate_take, key, per_minute, take, allowed, retry_after);
}

int store_add_replica(struct store *s, const char *url, int max_lag_ms,
		      char *err, size_t errlen)
{
	if (!s->ops->add_replica) {
		snprintf(err, errlen, "read replicas need a PostgreSQL database");
		return ERR_UNSUPPORTED;
	}
	return s->ops->add_replica(s, url, max_lag_ms, err, errlen);
}

uint64_t store_write_position(struct store *s)
{
	return s->ops->write_position ? s->ops->write_position(s) : 0;
}

/* The routing of this thread's reads (see store_reads_begin()). */
static _Thread_local struct store_route route;

void store_reads_begin(uint64_t floor)
{
	route.replica_ok = true;
	route.floor = floor;
}

void store_reads_end(void)
{
	route.replica_ok = false;
	route.floor = 0;
}

struct store_route *store_route(void)
{
	return &route;
}

static int cmp_files(const void *a, const void *b)
{
	const struct embedded_file *x = *(const struct embedded_file *const *)a;
	const struct embedded_file *y = *(const struct embedded_file *const *)b;

	return strcmp(x->name, y->name);
}

size_t store_migration_files(const char *prefix,
			     const struct embedded_file **out, size_t max)
{
	size_t n = 0, i, len = strlen(prefix);

	for (i = 0; embedded_sql[i].name; i++)
		if (!strncmp(embedded_sql[i].name, prefix, len) && n < max)
			out[n++] = &embedded_sql[i];
	qsort(out, n, sizeof(*out), cmp_files);
	return n;
}
