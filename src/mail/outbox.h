/*
 * outbox.h - delivers the e-mail queued in the store's outbox.
 *
 * Messages are queued by store functions in the same transaction as the
 * change that causes them (store.h, struct outbox_msg); one sender thread
 * takes what is due and delivers it, over SMTP with libcurl (smtp:// with
 * STARTTLS and AUTH from the URL's user:password, or smtps://), or, with
 * no SMTP URL, as one file per message into a maildir (DIR/new/) while
 * the links in it are written to the server log.  A message is deleted
 * from the outbox only after delivery; a failure is retried with a
 * doubling delay (1 s, 2 s, ... at most 5 minutes), so nothing queued is
 * lost across failures or restarts.  A permanent refusal (an SMTP 5xx
 * reply) ends the message as failed at once, and a message still not
 * delivered after MAIL_GIVE_UP_S of retrying is failed too: a failed
 * message stays in the outbox with the reason (`dateline outbox list`)
 * and is never due again unless the operator retries it
 * (`dateline outbox retry ID`) or drops it.  A 5xx also marks the
 * recipient's account as bouncing (store_address_bounced()), so the
 * site stops queueing notices to it.
 */
#ifndef DATELINE_OUTBOX_H
#define DATELINE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

struct store;

struct mail_config {
	const char *smtp_url;	/* "smtp://user:pw@host:587", NULL: maildir */
	bool smtp_plain;	/* allow smtp:// without STARTTLS */
	const char *smtp_ca;	/* CA file for the server's certificate;
				 * NULL: the system's */
	const char *maildir;	/* used without smtp_url */
};

/* The delay before retry number @attempts (1, 2, 4, ... 300 seconds). */
int mail_retry_delay(int attempts);

/* Retrying ends after this long (the delays of the attempts so far). */
#define MAIL_GIVE_UP_S (2 * 24 * 3600)

/*
 * A failed message's next attempt: 9999-12-31T23:59:59Z, never due.  Its
 * last_error starts with MAIL_FAILED_PREFIX.
 */
#define MAIL_FAILED_AT 253402300799LL
#define MAIL_FAILED_PREFIX "failed: "

/* The seconds the first @attempts retries waited in all. */
long long mail_retry_total(int attempts);

struct mail_outbox;

/*
 * Start the sender thread (call curl_global_init() first).  NULL after a
 * one-line reason in @err when the maildir cannot be made.
 */
struct mail_outbox *mail_outbox_start(struct store *s,
				      const struct mail_config *cfg,
				      char *err, size_t errlen);

/* Something was queued: look at the outbox now rather than at the next poll. */
void mail_outbox_kick(struct mail_outbox *o);

/* Messages this sender failed for good since it started (0 for NULL). */
unsigned long long mail_outbox_failed(struct mail_outbox *o);

/* Finish the delivery under way, stop the thread, free.  Queued mail stays. */
void mail_outbox_stop(struct mail_outbox *o);

#endif
