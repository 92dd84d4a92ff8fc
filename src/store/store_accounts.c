/*
 * store_accounts.c - reader accounts, sessions, one-time tokens and the
 * e-mail outbox (sql/{sqlite,postgres}/003_accounts.sql) with the
 * addresses that bounce (012_bounces.sql), written once over the driver
 * (db.h).
 *
 * Every change that causes an e-mail queues it in the same transaction, so
 * a message is never lost and never sent for a change that rolled back.
 * On PostgreSQL several nodes share one outbox: a node takes due messages
 * with SELECT ... FOR UPDATE SKIP LOCKED and, in the same statement, moves
 * their next attempt CLAIM_LEASE seconds on, so no other node takes them
 * while it delivers; delivered messages are deleted, failed ones
 * rescheduled.  A node that dies mid-delivery leaves its messages to be
 * taken again when the lease ends (at-least-once across crashes, exactly
 * once otherwise).  SQLite has one process sending, which reads due rows.
 */
#include "store.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "store_int.h"

/* Seconds a node holds the outbox messages it took (PostgreSQL). */
#define CLAIM_LEASE 300

#define ACCT_COLS \
	"a.id, a.email, a.name, a.password, a.role, a.verified, a.created," \
	" a.language, a.bounced, a.bounce_reason, a.banned"

static const char *const purpose_names[] = { "verify", "reset", "email" };

/* A token or session hash: 64 lower-case hex digits. */
static bool hash_ok(const char *h)
{
	return h && strlen(h) == 64 && strspn(h, "0123456789abcdef") == 64;
}

static bool mail_ok(const struct outbox_msg *m)
{
	return !m || (m->to && *m->to && m->data && *m->data);
}

/* Fill @a from ACCT_COLS starting at column @col. */
static void read_account(struct arena *ar, struct dbs *st, int col,
			 struct account *a)
{
	int role;

	memset(a, 0, sizeof(*a));
	a->id = db_int(st, col);
	a->email = db_text0(st, ar, col + 1);
	a->name = db_text0(st, ar, col + 2);
	a->password = db_text0(st, ar, col + 3);
	role = role_from_name(db_peek(st, col + 4));
	a->role = role < 0 ? ROLE_READER : (enum account_role)role;
	a->verified = db_int(st, col + 5) != 0;
	a->created = db_int(st, col + 6);
	a->language = db_text0(st, ar, col + 7);
	a->bounced = db_is_null(st, col + 8) ? 0 : db_int(st, col + 8);
	a->bounce_reason = db_text0(st, ar, col + 9);
	a->banned = db_int(st, col + 10) != 0;
}

/* The first row of @st as an account; ERR_NOTFOUND when it has none. */
static int one_account(struct dbs *st, struct arena *ar, struct account *out)
{
	int r = db_row(st);

	if (!r)
		read_account(ar, st, 0, out);
	return r;
}

/* ?4 1: a notice, left out for an address that bounces. */
static struct dbq q_outbox_insert = DBQ2(
	"INSERT INTO outbox (recipient, message, created, next_attempt)"
	" SELECT ?1, ?2, ?3, ?3 WHERE ?4 = 0 OR NOT EXISTS (SELECT 1"
	" FROM accounts WHERE email = ?1 AND bounced IS NOT NULL)",
	"INSERT INTO outbox (recipient, message, created, next_attempt)"
	" SELECT CAST($1 AS text), CAST($2 AS text), $3::bigint, $3::bigint"
	" WHERE $4::bigint = 0 OR NOT EXISTS (SELECT 1 FROM accounts"
	" WHERE lower(email) = lower($1) AND bounced IS NOT NULL)");

int outbox_insert(struct dbc *c, const struct outbox_msg *m,
			 int64_t now)
{
	if (!m)
		return 0;
	return db_exec(c, &q_outbox_insert, DB_T(m->to), DB_T(m->data),
		       DB_I(now), DB_I(m->notice));
}

static struct dbq q_insert = DBQ(
	"INSERT INTO accounts (email, name, password, role, verified, created,"
	" updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id");
static struct dbq q_token_insert = DBQ(
	"INSERT INTO account_tokens (hash, account_id, purpose, email, expires)"
	" VALUES (?1, ?2, ?3, ?4, ?5)");

int store_account_create(struct store *s, const struct account *a,
			 const char *verify_hash, int64_t verify_expires,
			 const struct outbox_msg *mail, int64_t *id)
{
	int64_t now = time_now(), newid = 0;
	struct dbc *c;
	int r;

	if (!a->email || !*a->email || !a->name || !*a->name ||
	    !a->password || !*a->password || (unsigned)a->role >= ACCOUNT_ROLES ||
	    (verify_hash && !hash_ok(verify_hash)) || !mail_ok(mail))
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	db_get_int(c, &q_insert, &newid, DB_T(a->email), DB_T(a->name),
		   DB_T(a->password), DB_T(role_names[a->role]),
		   DB_I(a->verified), DB_I(now));
	if (verify_hash)
		db_exec(c, &q_token_insert, DB_T(verify_hash), DB_I(newid),
			DB_T(purpose_names[TOKEN_VERIFY]), DB_NULL,
			DB_I(verify_expires));
	outbox_insert(c, mail, now);
	r = db_end(c, 0);
	if (!r && id)
		*id = newid;
	db_put(c);
	return r;
}

static int lookup(struct store *s, struct arena *ar, struct dbq *q,
		  struct dbv key, struct account *out)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	r = one_account(db_query(c, q, key), ar, out);
	db_put(c);
	return r;
}

/* SQLite compares addresses with the column's NOCASE; PostgreSQL lower(). */
static struct dbq q_by_email = DBQ2(
	"SELECT " ACCT_COLS " FROM accounts a WHERE a.email = ?1",
	"SELECT " ACCT_COLS " FROM accounts a WHERE lower(a.email) = lower($1)");

int store_account_by_email(struct store *s, struct arena *ar, const char *email,
			   struct account *out)
{
	if (!email || !*email)
		return ERR_NOTFOUND;
	return lookup(s, ar, &q_by_email, DB_T(email), out);
}

static struct dbq q_by_id = DBQ(
	"SELECT " ACCT_COLS " FROM accounts a WHERE a.id = ?1");

int store_account_by_id(struct store *s, struct arena *ar, int64_t id,
			struct account *out)
{
	return lookup(s, ar, &q_by_id, DB_I(id), out);
}

static struct dbq q_list = DBQ(
	"SELECT " ACCT_COLS " FROM accounts a ORDER BY a.id");
static struct dbq q_banned_list = DBQ(
	"SELECT " ACCT_COLS " FROM accounts a WHERE a.banned = 1"
	" ORDER BY a.id DESC LIMIT " BANNED_LIST_MAX);
static struct dbq q_moderators = DBQ(
	"SELECT " ACCT_COLS " FROM accounts a WHERE a.role IN ('editor', 'admin')"
	" AND a.verified = 1 AND a.banned = 0 ORDER BY a.id");

/* Every account @q (no parameters) gives, into an arena array. */
static int accounts_of(struct store *s, struct arena *ar, struct dbq *q,
		       struct account **out, size_t *n)
{
	struct dbc *c = db_get(s, DB_WRITE);
	size_t cap = 16;
	struct dbs *st;
	int r;

	*n = 0;
	*out = arena_alloc(ar, cap * sizeof(**out));
	st = db_query0(c, q);
	while ((r = db_step(st)) == 1) {
		if (*n == cap) {
			struct account *more = arena_alloc(ar, 2 * cap *
							   sizeof(*more));

			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		read_account(ar, st, 0, &(*out)[(*n)++]);
	}
	db_put(c);
	return r;
}

int store_accounts_list(struct store *s, struct arena *ar,
			struct account **out, size_t *n)
{
	return accounts_of(s, ar, &q_list, out, n);
}

int store_moderators(struct store *s, struct arena *ar, struct account **out,
		     size_t *n)
{
	return accounts_of(s, ar, &q_moderators, out, n);
}

int store_accounts_banned(struct store *s, struct arena *ar,
			  struct account **out, size_t *n)
{
	return accounts_of(s, ar, &q_banned_list, out, n);
}

/* UPDATE accounts SET <text column> = @text WHERE id = @id. */
static int set_field(struct store *s, struct dbq *q, int64_t id,
		     const char *text)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	r = db_change(c, q, DB_I(id), DB_T(text), DB_I(time_now()));
	db_put(c);
	return r;
}

static struct dbq q_set_name = DBQ(
	"UPDATE accounts SET name = ?2, updated = ?3 WHERE id = ?1");

int store_account_set_name(struct store *s, int64_t id, const char *name)
{
	if (!name || !*name)
		return ERR_INVALID;
	return set_field(s, &q_set_name, id, name);
}

static struct dbq q_set_language = DBQ(
	"UPDATE accounts SET language = ?2, updated = ?3 WHERE id = ?1");

int store_account_set_language(struct store *s, int64_t id, const char *tag)
{
	if (!tag || strlen(tag) > ACCOUNT_LANGUAGE_MAX)
		return ERR_INVALID;
	return set_field(s, &q_set_language, id, tag);
}

static struct dbq q_set_role = DBQ(
	"UPDATE accounts SET role = ?2, updated = ?3 WHERE id = ?1");

int store_account_set_role(struct store *s, int64_t id, enum account_role role)
{
	if ((unsigned)role >= ACCOUNT_ROLES)
		return ERR_INVALID;
	return set_field(s, &q_set_role, id, role_names[role]);
}

static struct dbq q_set_pw = DBQ(
	"UPDATE accounts SET password = ?2, updated = ?3 WHERE id = ?1");

int store_account_rehash(struct store *s, int64_t id, const char *hash)
{
	if (!hash || !*hash)
		return ERR_INVALID;
	return set_field(s, &q_set_pw, id, hash);
}

static struct dbq q_token_take = DBQ(
	"DELETE FROM account_tokens WHERE hash = ?1 AND purpose = ?2"
	" AND expires > ?3 RETURNING account_id, email");

/*
 * Consume token @hash of @purpose on @c: its account in *account and its
 * new address (borrowed from the statement, until the transaction ends)
 * in *email.  ERR_NOTFOUND when there is no such live token.
 */
static int token_take(struct dbc *c, enum token_purpose purpose,
		      const char *hash, int64_t now, int64_t *account,
		      const char **email)
{
	struct dbs *st = db_query(c, &q_token_take, DB_T(hash),
				  DB_T(purpose_names[purpose]), DB_I(now));
	int r = db_row(st);

	if (!r) {
		*account = db_int(st, 0);
		if (email)
			*email = db_peek(st, 1);
	}
	return r;
}

static struct dbq q_tokens_drop = DBQ(
	"DELETE FROM account_tokens WHERE account_id = ?1 AND purpose = ?2");
static struct dbq q_sessions_end = DBQ(
	"DELETE FROM sessions WHERE account_id = ?1"
	" AND hash IS DISTINCT FROM CAST(?2 AS TEXT)");

static struct dbq q_unbounce = DBQ(
	"UPDATE accounts SET bounced = NULL, bounce_reason = NULL WHERE id = ?1");

int store_account_set_password(struct store *s, int64_t id, const char *hash,
			       const char *reset_hash, const char *keep_session,
			       int64_t now, const struct outbox_msg *mail)
{
	struct dbc *c;
	int64_t owner = 0;
	int r = 0;

	if (!hash || !*hash || (reset_hash && !hash_ok(reset_hash)) ||
	    (keep_session && !hash_ok(keep_session)) || !mail_ok(mail))
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	if (reset_hash) {
		r = token_take(c, TOKEN_RESET, reset_hash, now, &owner, NULL);
		if (!r && owner != id)
			r = ERR_NOTFOUND;
	}
	if (!r)
		r = db_change(c, &q_set_pw, DB_I(id), DB_T(hash), DB_I(now));
	if (!r && reset_hash)
		db_exec(c, &q_unbounce, DB_I(id));
	if (!r) {
		db_exec(c, &q_tokens_drop, DB_I(id),
			DB_T(purpose_names[TOKEN_RESET]));
		db_exec(c, &q_sessions_end, DB_I(id), DB_T(keep_session));
		outbox_insert(c, mail, now);
	}
	r = db_end(c, r);
	db_put(c);
	return r;
}

static struct dbq q_outbox_drop_for = DBQ2(
	"DELETE FROM outbox WHERE recipient = (SELECT email FROM accounts"
	" WHERE id = ?1) COLLATE NOCASE",
	"DELETE FROM outbox WHERE lower(recipient) = (SELECT lower(email)"
	" FROM accounts WHERE id = $1)");
static struct dbq q_delete = DBQ("DELETE FROM accounts WHERE id = ?1");

int store_account_delete(struct store *s, int64_t id)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	db_begin(c);
	db_exec(c, &q_outbox_drop_for, DB_I(id));
	/* Sessions and tokens go with the row (ON DELETE CASCADE). */
	r = db_end(c, db_change(c, &q_delete, DB_I(id)));
	db_put(c);
	return r;
}

int store_token_add(struct store *s, int64_t account_id,
		    enum token_purpose purpose, const char *hash,
		    const char *email, int64_t expires,
		    const struct outbox_msg *mail)
{
	struct dbc *c;
	int r;

	if (!hash_ok(hash) || (unsigned)purpose > TOKEN_EMAIL ||
	    (purpose == TOKEN_EMAIL) != (email != NULL) || !mail_ok(mail))
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	r = db_exec(c, &q_token_insert, DB_T(hash), DB_I(account_id),
		    DB_T(purpose_names[purpose]), DB_T(email), DB_I(expires));
	if (r == ERR_CONFLICT && db_fk_failed(c))
		r = ERR_NOTFOUND;	/* no such account */
	outbox_insert(c, mail, time_now());
	r = db_end(c, r);
	db_put(c);
	return r;
}

static struct dbq q_token_find = DBQ(
	"SELECT " ACCT_COLS " FROM account_tokens t"
	" JOIN accounts a ON a.id = t.account_id"
	" WHERE t.hash = ?1 AND t.purpose = ?2 AND t.expires > ?3");

int store_token_find(struct store *s, struct arena *ar,
		     enum token_purpose purpose, const char *hash, int64_t now,
		     struct account *out)
{
	struct dbc *c;
	int r;

	if (!hash_ok(hash))
		return ERR_NOTFOUND;
	c = db_get(s, DB_WRITE);
	r = one_account(db_query(c, &q_token_find, DB_T(hash),
				 DB_T(purpose_names[purpose]), DB_I(now)),
			ar, out);
	db_put(c);
	return r;
}

static struct dbq q_verify = DBQ(
	"UPDATE accounts SET verified = 1, bounced = NULL, bounce_reason = NULL,"
	" updated = ?2 WHERE id = ?1");
static struct dbq q_set_email = DBQ(
	"UPDATE accounts SET email = ?2, verified = 1, bounced = NULL,"
	" bounce_reason = NULL, updated = ?3 WHERE id = ?1");

int store_token_apply(struct store *s, enum token_purpose purpose,
		      const char *hash, int64_t now, int64_t *account_id)
{
	const char *email = NULL;
	struct dbc *c;
	int64_t id = 0;
	int r;

	if (purpose == TOKEN_RESET)
		return ERR_INVALID;
	if (!hash_ok(hash))
		return ERR_NOTFOUND;
	c = db_get(s, DB_WRITE);
	db_begin(c);
	r = token_take(c, purpose, hash, now, &id, &email);
	if (!r && purpose == TOKEN_EMAIL && !email)
		r = ERR_NOTFOUND;
	if (!r && purpose == TOKEN_EMAIL)
		r = db_change(c, &q_set_email, DB_I(id), DB_T(email), DB_I(now));
	else if (!r)
		r = db_change(c, &q_verify, DB_I(id), DB_I(now));
	r = db_end(c, r);
	if (!r && account_id)
		*account_id = id;
	db_put(c);
	return r;
}

static struct dbq q_session_insert = DBQ(
	"INSERT INTO sessions (hash, account_id, created, seen)"
	" VALUES (?1, ?2, ?3, ?3)");

int store_session_create(struct store *s, const char *hash, int64_t account_id,
			 int64_t now)
{
	struct dbc *c;
	int r;

	if (!hash_ok(hash))
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	r = db_exec(c, &q_session_insert, DB_T(hash), DB_I(account_id),
		    DB_I(now));
	db_put(c);
	return r;
}

static struct dbq q_session_get = DBQ(
	"SELECT s.created, s.seen, " ACCT_COLS " FROM sessions s"
	" JOIN accounts a ON a.id = s.account_id WHERE s.hash = ?1");
static struct dbq q_session_touch = DBQ(
	"UPDATE sessions SET seen = ?2 WHERE hash = ?1");
static struct dbq q_session_delete = DBQ(
	"DELETE FROM sessions WHERE hash = ?1");

int store_session_get(struct store *s, struct arena *ar, const char *hash,
		      int64_t now, int64_t idle, int64_t absolute,
		      struct account *out)
{
	int64_t created, seen;
	struct dbc *c;
	struct dbs *st;
	int r;

	if (!hash_ok(hash))
		return ERR_NOTFOUND;
	c = db_get(s, DB_WRITE);
	st = db_query(c, &q_session_get, DB_T(hash));
	if ((r = db_row(st)))
		goto out;
	created = db_int(st, 0);
	seen = db_int(st, 1);
	read_account(ar, st, 2, out);
	if (now - seen > idle || now - created > absolute) {
		db_exec(c, &q_session_delete, DB_T(hash));
		r = ERR_NOTFOUND;
	} else if (now - seen >= 60) {
		/* Best effort: a busy database must not log the reader out. */
		db_exec(c, &q_session_touch, DB_T(hash), DB_I(now));
	}
out:
	db_put(c);
	return r;
}

int store_session_delete(struct store *s, const char *hash)
{
	struct dbc *c;
	int r;

	if (!hash_ok(hash))
		return 0;
	c = db_get(s, DB_WRITE);
	r = db_exec(c, &q_session_delete, DB_T(hash));
	db_put(c);
	return r;
}

int store_sessions_end(struct store *s, int64_t account_id, const char *keep)
{
	struct dbc *c;
	int r;

	if (keep && !hash_ok(keep))
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	r = db_exec(c, &q_sessions_end, DB_I(account_id), DB_T(keep));
	db_put(c);
	return r;
}

int store_outbox_add(struct store *s, const struct outbox_msg *mail)
{
	struct dbc *c;
	int r;

	if (!mail || !mail_ok(mail))
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	r = outbox_insert(c, mail, time_now());
	db_put(c);
	return r;
}

static struct dbq q_outbox_due = DBQ2(
	"SELECT id, recipient, message, attempts FROM outbox"
	" WHERE next_attempt <= ?1 ORDER BY next_attempt, id LIMIT ?2",
	"WITH due AS (SELECT id FROM outbox WHERE next_attempt <= $1::bigint"
	" ORDER BY next_attempt, id LIMIT $2::bigint FOR UPDATE SKIP LOCKED),"
	" taken AS (UPDATE outbox o SET next_attempt = $1::bigint + $3::bigint"
	" FROM due WHERE o.id = due.id"
	" RETURNING o.id, o.recipient, o.message, o.attempts)"
	" SELECT id, recipient, message, attempts FROM taken ORDER BY id");

int store_outbox_due(struct store *s, struct arena *ar, int64_t now,
		     size_t limit, struct outbox_item **out, size_t *n)
{
	struct dbc *c;
	struct dbs *st;
	int r;

	if (limit < 1 || limit > 1000)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	*n = 0;
	*out = arena_alloc(ar, limit * sizeof(**out));
	st = db_query(c, &q_outbox_due, DB_I(now), DB_I(limit),
		      DB_I(CLAIM_LEASE));
	while (*n < limit && (r = db_step(st)) == 1) {
		struct outbox_item *it = &(*out)[(*n)++];

		it->id = db_int(st, 0);
		it->to = db_text0(st, ar, 1);
		it->data = db_text0(st, ar, 2);
		it->attempts = (int)db_int(st, 3);
	}
	r = db_failed(c);
	db_put(c);
	return r;
}

/* Run @q with @id and, when @text is set, @when and @text. */
static int outbox_change(struct store *s, struct dbq *q, int64_t id,
			 int64_t when, const char *text)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int r;

	r = text ? db_exec(c, q, DB_I(id), DB_I(when), DB_T(text)) :
		   db_exec(c, q, DB_I(id));
	db_put(c);
	return r;
}

static struct dbq q_outbox_sent = DBQ("DELETE FROM outbox WHERE id = ?1");

int store_outbox_sent(struct store *s, int64_t id)
{
	return outbox_change(s, &q_outbox_sent, id, 0, NULL);
}

static struct dbq q_outbox_retry = DBQ(
	"UPDATE outbox SET attempts = attempts + 1, next_attempt = ?2,"
	" last_error = ?3 WHERE id = ?1");

int store_outbox_retry(struct store *s, int64_t id, int64_t next_attempt,
		       const char *error)
{
	return outbox_change(s, &q_outbox_retry, id, next_attempt,
			     error ? error : "");
}

static struct dbq q_outbox_next = DBQ("SELECT min(next_attempt) FROM outbox");

int store_outbox_next(struct store *s, int64_t *when)
{
	struct dbc *c = db_get(s, DB_WRITE);
	struct dbs *st;
	int r;

	st = db_query0(c, &q_outbox_next);
	if (!(r = db_row(st))) {
		if (db_is_null(st, 0))
			r = ERR_NOTFOUND;
		else
			*when = db_int(st, 0);
	}
	db_put(c);
	return r;
}

static struct dbq q_bounced = DBQ2(
	"UPDATE accounts SET bounced = ?2, bounce_reason = ?3 WHERE email = ?1",
	"UPDATE accounts SET bounced = $2, bounce_reason = $3"
	" WHERE lower(email) = lower($1)");

int store_address_bounced(struct store *s, const char *address, int64_t when,
			  const char *reason)
{
	struct dbc *c;
	int r;

	if (!address || !*address || when <= 0)
		return ERR_INVALID;
	c = db_get(s, DB_WRITE);
	r = db_exec(c, &q_bounced, DB_T(address), DB_I(when),
		    DB_T(reason ? reason : ""));
	db_put(c);
	return r;
}
