/*
 * outbox.c - the sender thread: SMTP through libcurl, or a maildir.
 */
#include "outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/store.h"

#define BATCH 16
#define POLL_S 5		/* look at the outbox at least this often */
#define MAX_DELAY_S 300

struct mail_outbox {
	struct store *store;
	char *smtp_url;
	bool smtp_plain;
	char *smtp_ca;
	char *maildir;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping, kicked;
	atomic_ullong failed;	/* messages failed for good since start */
};

unsigned long long mail_outbox_failed(struct mail_outbox *o)
{
	return o ? atomic_load(&o->failed) : 0;
}

int mail_retry_delay(int attempts)
{
	int d = 1;

	while (attempts-- > 0 && d < MAX_DELAY_S)
		d *= 2;
	return d > MAX_DELAY_S ? MAX_DELAY_S : d;
}

long long mail_retry_total(int attempts)
{
	long long t = 0;
	int i;

	for (i = 0; i < attempts; i++)
		t += mail_retry_delay(i);
	return t;
}

/* Where an upload to libcurl stands. */
struct upload {
	const char *data;
	size_t len, at;
};

static size_t read_cb(char *out, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t want = size * n, left = u->len - u->at;

	if (want > left)
		want = left;
	memcpy(out, u->data + u->at, want);
	u->at += want;
	return want;
}

/* The envelope sender: the address in the message's From line. */
static char *from_of(struct arena *a, const char *msg)
{
	const char *p = strstr(msg, "\r\nFrom: "), *end;

	if (!p)
		return NULL;
	p += 8;
	end = strstr(p, "\r\n");
	return end ? arena_strndup(a, p, (size_t)(end - p)) : NULL;
}

/*
 * Deliver @it over SMTP: 0, ERR_IO (try again), or ERR_INVALID (for
 * good; *refused when the server said so with a 5xx reply).
 */
static int send_smtp(struct mail_outbox *o, struct arena *a,
		     const struct outbox_item *it, char *err, size_t errlen,
		     bool *refused)
{
	struct upload u = { it->data, strlen(it->data), 0 };
	struct curl_slist *rcpt = NULL;
	char cerr[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	CURLcode rc;
	char *from = from_of(a, it->data);
	bool perm = false;

	if (!c || !from) {
		snprintf(err, errlen, "%s", c ? "no From line" : "curl_easy_init failed");
		curl_easy_cleanup(c);
		return c ? ERR_INVALID : ERR_NOMEM;	/* ERR_INVALID: for good */
	}
	rcpt = curl_slist_append(rcpt, it->to);
	curl_easy_setopt(c, CURLOPT_URL, o->smtp_url);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(o->smtp_plain ?
			 CURLUSESSL_TRY : CURLUSESSL_ALL));
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", from));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
	if (o->smtp_ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->smtp_ca);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		long code = 0;

		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		snprintf(err, errlen, "%s", *cerr ? cerr : curl_easy_strerror(rc));
		/* 5xx: the server refuses for good (no such mailbox, ...). */
		if (code >= 500 && code < 600) {
			snprintf(err, errlen, "the server answered %ld: %s",
				 code, *cerr ? cerr : curl_easy_strerror(rc));
			perm = *refused = true;
		}
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : perm ? ERR_INVALID : ERR_IO;
}

/* Write the links of a message (lines starting "http") to the log. */
static void log_links(const struct outbox_item *it)
{
	const char *p = strstr(it->data, "\r\n\r\n");

	while (p && (p = strstr(p, "\r\nhttp"))) {
		const char *end = strstr(p + 2, "\r\n");
		int n = end ? (int)(end - p - 2) : (int)strlen(p + 2);

		log_info("mail to %s: link %.*s", it->to, n, p + 2);
		p += 2;
	}
}

static int send_maildir(struct mail_outbox *o, struct arena *a,
			const struct outbox_item *it, char *err, size_t errlen)
{
	unsigned char rnd[4];
	char host[64] = "localhost";
	char *name, *tmp, *dst;
	size_t len = strlen(it->data), done = 0;
	int fd;

	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, "/:")] = '\0';
	randombytes_buf(rnd, sizeof(rnd));
	name = arena_printf(a, "%lld.M%lldP%d_%02x%02x%02x%02x.%s",
			    (long long)time_now(), (long long)it->id, (int)getpid(),
			    rnd[0], rnd[1], rnd[2], rnd[3], host);
	tmp = arena_printf(a, "%s/tmp/%s", o->maildir, name);
	dst = arena_printf(a, "%s/new/%s", o->maildir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	while (done < len) {
		ssize_t w = write(fd, it->data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			goto fail;
		}
		done += (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, dst)) {
		unlink(tmp);
		goto fail;
	}
	log_info("mail to %s written to %s", it->to, dst);
	log_links(it);
	return 0;
fail:
	snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
	return ERR_IO;
}

/*
 * Message @it failed for good with @err: keep it as failed, and when the
 * server refused it (@refused) mark its address as bouncing.
 */
static void fail_for_good(struct mail_outbox *o, const struct outbox_item *it,
			  int r, const char *err, bool refused)
{
	char why[600];

	snprintf(why, sizeof(why), MAIL_FAILED_PREFIX "%s%s", err,
		 r == ERR_INVALID ? "" : " (gave up after 2 days)");
	log_warn("mail %lld to %s failed for good (attempt %d): %s; kept in"
		 " the outbox ('dateline outbox list')", (long long)it->id,
		 it->to, it->attempts + 1, why);
	store_outbox_retry(o->store, it->id, MAIL_FAILED_AT, why);
	atomic_fetch_add(&o->failed, 1);
	if (refused && !store_address_bounced(o->store, it->to, time_now(),
					      err))
		log_warn("address %s bounces: no reply or notification mail"
			 " to it until it is confirmed again", it->to);
}

/* Deliver what is due now; how many were tried. */
static size_t deliver_due(struct mail_outbox *o)
{
	struct arena *a = arena_new(0);
	struct outbox_item *items;
	int64_t now = time_now();
	size_t n = 0, i;

	if (store_outbox_due(o->store, a, now, BATCH, &items, &n))
		n = 0;
	for (i = 0; i < n; i++) {
		char err[512] = "";
		bool refused = false;
		int r = o->smtp_url ? send_smtp(o, a, &items[i], err, sizeof(err),
						&refused) :
			send_maildir(o, a, &items[i], err, sizeof(err));

		if (!r) {
			store_outbox_sent(o->store, items[i].id);
			continue;
		}
		if (r == ERR_INVALID || mail_retry_total(items[i].attempts + 1) >=
		    MAIL_GIVE_UP_S) {
			fail_for_good(o, &items[i], r, err, refused);
			continue;
		}
		log_warn("mail %lld to %s not delivered (attempt %d): %s;"
			 " trying again in %d s", (long long)items[i].id,
			 items[i].to, items[i].attempts + 1, err,
			 mail_retry_delay(items[i].attempts));
		store_outbox_retry(o->store, items[i].id,
				   now + mail_retry_delay(items[i].attempts), err);
	}
	arena_free(a);
	return n;
}

static void *outbox_main(void *arg)
{
	struct mail_outbox *o = arg;

	for (;;) {
		int64_t next = 0, wait_s = POLL_S;
		struct timespec until;

		pthread_mutex_lock(&o->lock);
		o->kicked = false;
		if (o->stopping) {
			pthread_mutex_unlock(&o->lock);
			break;
		}
		pthread_mutex_unlock(&o->lock);
		if (deliver_due(o) == BATCH)
			continue;
		if (!store_outbox_next(o->store, &next)) {
			wait_s = next - time_now();
			if (wait_s < 1)
				wait_s = 1;
			if (wait_s > POLL_S)
				wait_s = POLL_S;
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)wait_s;
		pthread_mutex_lock(&o->lock);
		while (!o->kicked && !o->stopping &&
		       pthread_cond_timedwait(&o->wake, &o->lock, &until) == 0)
			;
		pthread_mutex_unlock(&o->lock);
	}
	return NULL;
}

static int make_dir(const char *path)
{
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

struct mail_outbox *mail_outbox_start(struct store *s,
				      const struct mail_config *cfg,
				      char *err, size_t errlen)
{
	struct mail_outbox *o = xcalloc(1, sizeof(*o));

	o->store = s;
	o->smtp_plain = cfg->smtp_plain;
	o->smtp_ca = cfg->smtp_ca ? xstrdup(cfg->smtp_ca) : NULL;
	if (cfg->smtp_url && *cfg->smtp_url) {
		o->smtp_url = xstrdup(cfg->smtp_url);
	} else {
		const char *sub[] = { "tmp", "new", "cur" };
		size_t i;

		o->maildir = xstrdup(cfg->maildir);
		for (i = 0; i < 3; i++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", o->maildir, sub[i]);
			if (make_dir(o->maildir) || make_dir(path)) {
				snprintf(err, errlen, "cannot make maildir '%s': %s",
					 path, strerror(errno));
				free(o->maildir);
				free(o->smtp_ca);
				free(o);
				return NULL;
			}
		}
	}
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->wake, NULL);
	if (pthread_create(&o->thread, NULL, outbox_main, o)) {
		log_err("cannot start the mail thread");
		abort();
	}
	return o;
}

void mail_outbox_kick(struct mail_outbox *o)
{
	if (!o)
		return;
	pthread_mutex_lock(&o->lock);
	o->kicked = true;
	pthread_cond_signal(&o->wake);
	pthread_mutex_unlock(&o->lock);
}

void mail_outbox_stop(struct mail_outbox *o)
{
	if (!o)
		return;
	pthread_mutex_lock(&o->lock);
	o->stopping = true;
	pthread_cond_signal(&o->wake);
	pthread_mutex_unlock(&o->lock);
	pthread_join(o->thread, NULL);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->wake);
	free(o->smtp_url);
	free(o->smtp_ca);
	free(o->maildir);
	free(o);
}
