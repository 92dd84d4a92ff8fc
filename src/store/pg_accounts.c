/*
 * pg_accounts.c - reader accounts, sessions, one-time tokens and the
 * e-mail outbox in the PostgreSQL backend (sql/postgres/003_accounts.sql).
 *
 * Every change that causes an e-mail queues it in the same transaction, so
 * a message is never lost and never sent for a change that rolled back.
 * Several nodes share one outbox: a node takes due messages with SELECT
 * ... FOR UPDATE SKIP LOCKED and, in the same statement, moves their next
 * attempt CLAIM_LEASE seconds on, so no other node takes them while it
 * delivers; delivered messages are deleted, failed ones rescheduled.  A
 * node that dies mid-delivery leaves its messages to be taken again when
 * the lease ends (at-least-once across crashes, exactly once otherwise).
 */
#include "pg_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

#define CLAIM_LEASE 300

#define ACCT_COLS \
	"a.id, a.email, a.name, a.password, a.role, a.verified, a.created"

static const char *const purpose_names[] = { "verify", "reset", "email" };

static const char sql_acct_insert[] =
	"INSERT INTO accounts (email, name, password, role, verified, created,"
	" updated) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
static const char sql_acct_by_email[] =
	"SELECT " ACCT_COLS " FROM accounts a WHERE lower(a.email) = lower($1)";
static const char sql_acct_by_id[] =
	"SELECT " ACCT_COLS " FROM accounts a WHERE a.id = $1";
static const char sql_acct_list[] =
	"SELECT " ACCT_COLS " FROM accounts a ORDER BY a.id";
static const char sql_acct_set_name[] =
	"UPDATE accounts SET name = $2, updated = $3 WHERE id = $1";
static const char sql_acct_set_role[] =
	"UPDATE accounts SET role = $2, updated = $3 WHERE id = $1";
static const char sql_acct_set_pw[] =
	"UPDATE accounts SET password = $2, updated = $3 WHERE id = $1";
static const char sql_acct_delete[] = "DELETE FROM accounts WHERE id = $1";
static const char sql_acct_verify[] =
	"UPDATE accounts SET verified = 1, updated = $2 WHERE id = $1";
static const char sql_acct_set_email[] =
	"UPDATE accounts SET email = $2, verified = 1, updated = $3 WHERE id = $1";
static const char sql_outbox_drop_for[] =
	"DELETE FROM outbox WHERE lower(recipient) = (SELECT lower(email)"
	" FROM accounts WHERE id = $1)";
static const char sql_token_insert[] =
	"INSERT INTO account_tokens (hash, account_id, purpose, email, expires)"
	" VALUES ($1, $2, $3, $4, $5)";
static const char sql_token_find[] =
	"SELECT " ACCT_COLS " FROM account_tokens t"
	" JOIN accounts a ON a.id = t.account_id"
	" WHERE t.hash = $1 AND t.purpose = $2 AND t.expires > $3";
static const char sql_token_take[] =
	"DELETE FROM account_tokens WHERE hash = $1 AND purpose = $2"
	" AND expires > $3 RETURNING account_id, email";
static const char sql_tokens_drop[] =
	"DELETE FROM account_tokens WHERE account_id = $1 AND purpose = $2";
static const char sql_session_insert[] =
	"INSERT INTO sessions (hash, account_id, created, seen)"
	" VALUES ($1, $2, $3, $3)";
static const char sql_session_get[] =
	"SELECT s.created, s.seen, " ACCT_COLS " FROM sessions s"
	" JOIN accounts a ON a.id = s.account_id WHERE s.hash = $1";
static const char sql_session_touch[] =
	"UPDATE sessions SET seen = $2 WHERE hash = $1";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE hash = $1";
static const char sql_sessions_end[] =
	"DELETE FROM sessions WHERE account_id = $1"
	" AND hash IS DISTINCT FROM $2::text";
static const char sql_outbox_insert[] =
	"INSERT INTO outbox (recipient, message, created, next_attempt)"
	" VALUES ($1, $2, $3, $3)";
static const char sql_outbox_claim[] =
	"WITH due AS (SELECT id FROM outbox WHERE next_attempt <= $1::bigint"
	" ORDER BY next_attempt, id LIMIT $2::bigint FOR UPDATE SKIP LOCKED),"
	" taken AS (UPDATE outbox o SET next_attempt = $1::bigint + $3::bigint"
	" FROM due WHERE o.id = due.id"
	" RETURNING o.id, o.recipient, o.message, o.attempts)"
	" SELECT id, recipient, message, attempts FROM taken ORDER BY id";
static const char sql_outbox_sent[] = "DELETE FROM outbox WHERE id = $1";
static const char sql_outbox_retry[] =
	"UPDATE outbox SET attempts = attempts + 1, next_attempt = $2,"
	" last_error = $3 WHERE id = $1";
static const char sql_outbox_next[] = "SELECT min(next_attempt) FROM outbox";

/* Fill @a from ACCT_COLS starting at column @col of row 0. */
static void read_account(struct arena *ar, const PGresult *res, int row,
			 int col, struct account *a)
{
	int role;

	memset(a, 0, sizeof(*a));
	a->id = pg_int(res, row, col);
	a->email = pg_text_or_empty(ar, res, row, col + 1);
	a->name = pg_text_or_empty(ar, res, row, col + 2);
	a->password = pg_text_or_empty(ar, res, row, col + 3);
	role = role_from_name(PQgetvalue(res, row, col + 4));
	a->role = role < 0 ? ROLE_READER : (enum account_role)role;
	a->verified = pg_int(res, row, col + 5) != 0;
	a->created = pg_int(res, row, col + 6);
}

/* Run a one-row account lookup; ERR_NOTFOUND when it has no row. */
static int one_account(struct pgconn *c, enum pst_id id, const char *sql,
		       const struct pgargs *p, struct arena *ar, int col,
		       struct account *out)
{
	PGresult *res;
	int r = pg_run(c, id, sql, p, &res);

	if (r)
		return r;
	if (PQntuples(res))
		read_account(ar, res, 0, col, out);
	else
		r = ERR_NOTFOUND;
	PQclear(res);
	return r;
}

static int outbox_insert(struct pgconn *c, const struct outbox_msg *m,
			 int64_t now)
{
	struct pgargs p = { 0 };

	if (!m)
		return 0;
	pa_text(&p, m->to);
	pa_text(&p, m->data);
	pa_int(&p, now);
	return pg_run(c, PS_OUTBOX_INSERT, sql_outbox_insert, &p, NULL);
}

int pg_account_create(struct store *base, const struct account *a,
		      const char *verify_hash, int64_t verify_expires,
		      const struct outbox_msg *mail, int64_t *id)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int64_t now = time_now(), newid = 0;
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = pg_exec(c, "BEGIN")))
		goto out;
	pa_text(&p, a->email);
	pa_text(&p, a->name);
	pa_text(&p, a->password);
	pa_text(&p, role_names[a->role]);
	pa_int(&p, a->verified);
	pa_int(&p, now);
	if (!(r = pg_run(c, PS_ACCT_INSERT, sql_acct_insert, &p, &res))) {
		newid = pg_int(res, 0, 0);
		PQclear(res);
	}
	if (!r && verify_hash) {
		memset(&p, 0, sizeof(p));
		pa_text(&p, verify_hash);
		pa_int(&p, newid);
		pa_text(&p, purpose_names[TOKEN_VERIFY]);
		pa_text(&p, NULL);
		pa_int(&p, verify_expires);
		r = pg_run(c, PS_TOKEN_INSERT, sql_token_insert, &p, NULL);
	}
	if (!r)
		r = outbox_insert(c, mail, now);
	r = pg_txn_end(c, r);
	if (!r && id)
		*id = newid;
out:
	pg_conn_put(s, c);
	return r;
}

int pg_account_by_email(struct store *base, struct arena *ar,
			const char *email, struct account *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, email);
	r = one_account(c, PS_ACCT_BY_EMAIL, sql_acct_by_email, &p, ar, 0, out);
	pg_conn_put(s, c);
	return r;
}

int pg_account_by_id(struct store *base, struct arena *ar, int64_t id,
		     struct account *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	pa_int(&p, id);
	r = one_account(c, PS_ACCT_BY_ID, sql_acct_by_id, &p, ar, 0, out);
	pg_conn_put(s, c);
	return r;
}

int pg_accounts_list(struct store *base, struct arena *ar,
		     struct account **out, size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = NULL;
	if (!(r = pg_run(c, PS_ACCT_LIST, sql_acct_list, NULL, &res))) {
		rows = PQntuples(res);
		*out = arena_alloc(ar, (size_t)(rows ? rows : 1) * sizeof(**out));
		for (i = 0; i < rows; i++)
			read_account(ar, res, i, 0, &(*out)[i]);
		*n = (size_t)rows;
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

/* UPDATE accounts SET <text column> = @text WHERE id = @account. */
static int set_field(struct store *base, enum pst_id id, const char *sql,
		     int64_t account, const char *text)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	pa_int(&p, account);
	pa_text(&p, text);
	pa_int(&p, time_now());
	r = pg_change(c, id, sql, &p);
	pg_conn_put(s, c);
	return r;
}

int pg_account_set_name(struct store *base, int64_t id, const char *name)
{
	return set_field(base, PS_ACCT_SET_NAME, sql_acct_set_name, id, name);
}

int pg_account_set_role(struct store *base, int64_t id, enum account_role role)
{
	return set_field(base, PS_ACCT_SET_ROLE, sql_acct_set_role, id,
			 role_names[role]);
}

int pg_account_rehash(struct store *base, int64_t id, const char *hash)
{
	return set_field(base, PS_ACCT_SET_PW, sql_acct_set_pw, id, hash);
}

/* Consume token @hash of @purpose; its account and new address (arena). */
static int token_take(struct pgconn *c, struct arena *ar,
		      enum token_purpose purpose, const char *hash, int64_t now,
		      int64_t *account, const char **email)
{
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	pa_text(&p, hash);
	pa_text(&p, purpose_names[purpose]);
	pa_int(&p, now);
	if ((r = pg_run(c, PS_TOKEN_TAKE, sql_token_take, &p, &res)))
		return r;
	if (PQntuples(res)) {
		*account = pg_int(res, 0, 0);
		if (email)
			*email = pg_text(ar, res, 0, 1);
	} else {
		r = ERR_NOTFOUND;
	}
	PQclear(res);
	return r;
}

static int sessions_end(struct pgconn *c, int64_t account, const char *keep)
{
	struct pgargs p = { 0 };

	pa_int(&p, account);
	pa_text(&p, keep);
	return pg_run(c, PS_SESSIONS_END, sql_sessions_end, &p, NULL);
}

int pg_account_set_password(struct store *base, int64_t id, const char *hash,
			    const char *reset_hash, const char *keep_session,
			    int64_t now, const struct outbox_msg *mail)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	int64_t owner = 0;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = pg_exec(c, "BEGIN")))
		goto out;
	if (reset_hash) {
		r = token_take(c, NULL, TOKEN_RESET, reset_hash, now, &owner, NULL);
		if (!r && owner != id)
			r = ERR_NOTFOUND;
	}
	if (!r) {
		pa_int(&p, id);
		pa_text(&p, hash);
		pa_int(&p, now);
		r = pg_change(c, PS_ACCT_SET_PW, sql_acct_set_pw, &p);
	}
	if (!r) {
		memset(&p, 0, sizeof(p));
		pa_int(&p, id);
		pa_text(&p, purpose_names[TOKEN_RESET]);
		r = pg_run(c, PS_TOKENS_DROP, sql_tokens_drop, &p, NULL);
	}
	if (!r)
		r = sessions_end(c, id, keep_session);
	if (!r)
		r = outbox_insert(c, mail, now);
	r = pg_txn_end(c, r);
out:
	pg_conn_put(s, c);
	return r;
}

int pg_account_delete(struct store *base, int64_t id)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	if ((r = pg_exec(c, "BEGIN")))
		goto out;
	pa_int(&p, id);
	r = pg_run(c, PS_OUTBOX_DROP_FOR, sql_outbox_drop_for, &p, NULL);
	/* Sessions and tokens go with the row (ON DELETE CASCADE). */
	if (!r)
		r = pg_change(c, PS_ACCT_DELETE, sql_acct_delete, &p);
	r = pg_txn_end(c, r);
out:
	pg_conn_put(s, c);
	return r;
}

int pg_token_add(struct store *base, int64_t account_id,
		 enum token_purpose purpose, const char *hash,
		 const char *email, int64_t expires,
		 const struct outbox_msg *mail)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	if ((r = pg_exec(c, "BEGIN")))
		goto out;
	pa_text(&p, hash);
	pa_int(&p, account_id);
	pa_text(&p, purpose_names[purpose]);
	pa_text(&p, email);
	pa_int(&p, expires);
	r = pg_run(c, PS_TOKEN_INSERT, sql_token_insert, &p, NULL);
	if (r == ERR_CONFLICT && pg_fk_violation(c))
		r = ERR_NOTFOUND;
	if (!r)
		r = outbox_insert(c, mail, time_now());
	r = pg_txn_end(c, r);
out:
	pg_conn_put(s, c);
	return r;
}

int pg_token_find(struct store *base, struct arena *ar,
		  enum token_purpose purpose, const char *hash, int64_t now,
		  struct account *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, hash);
	pa_text(&p, purpose_names[purpose]);
	pa_int(&p, now);
	r = one_account(c, PS_TOKEN_FIND, sql_token_find, &p, ar, 0, out);
	pg_conn_put(s, c);
	return r;
}

int pg_token_apply(struct store *base, enum token_purpose purpose,
		   const char *hash, int64_t now, int64_t *account_id)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct arena *ar = arena_new(0);
	const char *email = NULL;
	struct pgargs p = { 0 };
	int64_t id = 0;
	int r;

	if (!c) {
		arena_free(ar);
		return ERR_DB;
	}
	if ((r = pg_exec(c, "BEGIN")))
		goto out;
	r = token_take(c, ar, purpose, hash, now, &id, &email);
	if (!r && purpose == TOKEN_EMAIL && !email)
		r = ERR_NOTFOUND;
	if (!r) {
		pa_int(&p, id);
		if (purpose == TOKEN_EMAIL) {
			pa_text(&p, email);
			pa_int(&p, now);
			r = pg_change(c, PS_ACCT_SET_EMAIL, sql_acct_set_email, &p);
		} else {
			pa_int(&p, now);
			r = pg_change(c, PS_ACCT_VERIFY, sql_acct_verify, &p);
		}
	}
	r = pg_txn_end(c, r);
	if (!r && account_id)
		*account_id = id;
out:
	pg_conn_put(s, c);
	arena_free(ar);
	return r;
}

/* Run one statement with @p on a pooled connection. */
static int run_one(struct store *base, enum pst_id id, const char *sql,
		   const struct pgargs *p)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = pg_run(c, id, sql, p, NULL);
	pg_conn_put(s, c);
	return r;
}

int pg_session_create(struct store *base, const char *hash, int64_t account_id,
		      int64_t now)
{
	struct pgargs p = { 0 };

	pa_text(&p, hash);
	pa_int(&p, account_id);
	pa_int(&p, now);
	return run_one(base, PS_SESSION_INSERT, sql_session_insert, &p);
}

int pg_session_get(struct store *base, struct arena *ar, const char *hash,
		   int64_t now, int64_t idle, int64_t absolute,
		   struct account *out)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int64_t created = 0, seen = 0;
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, hash);
	if ((r = pg_run(c, PS_SESSION_GET, sql_session_get, &p, &res)))
		goto out;
	if (PQntuples(res)) {
		created = pg_int(res, 0, 0);
		seen = pg_int(res, 0, 1);
		read_account(ar, res, 0, 2, out);
	} else {
		r = ERR_NOTFOUND;
	}
	PQclear(res);
	if (r)
		goto out;
	if (now - seen > idle || now - created > absolute) {
		pg_run(c, PS_SESSION_DELETE, sql_session_delete, &p, NULL);
		r = ERR_NOTFOUND;
	} else if (now - seen >= 60) {
		pa_int(&p, now);
		/* Best effort: a failed touch does not end the session. */
		pg_run(c, PS_SESSION_TOUCH, sql_session_touch, &p, NULL);
	}
out:
	pg_conn_put(s, c);
	return r;
}

int pg_session_delete(struct store *base, const char *hash)
{
	struct pgargs p = { 0 };

	pa_text(&p, hash);
	return run_one(base, PS_SESSION_DELETE, sql_session_delete, &p);
}

int pg_sessions_end(struct store *base, int64_t account_id, const char *keep)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = sessions_end(c, account_id, keep);
	pg_conn_put(s, c);
	return r;
}

int pg_outbox_add(struct store *base, const struct outbox_msg *mail)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = outbox_insert(c, mail, time_now());
	pg_conn_put(s, c);
	return r;
}

int pg_outbox_due(struct store *base, struct arena *ar, int64_t now,
		  size_t limit, struct outbox_item **out, size_t *n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, rows;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = arena_alloc(ar, limit * sizeof(**out));
	pa_int(&p, now);
	pa_int(&p, (int64_t)limit);
	pa_int(&p, CLAIM_LEASE);
	if (!(r = pg_run(c, PS_OUTBOX_CLAIM, sql_outbox_claim, &p, &res))) {
		rows = PQntuples(res);
		for (i = 0; i < rows && (size_t)i < limit; i++) {
			struct outbox_item *it = &(*out)[(*n)++];

			it->id = pg_int(res, i, 0);
			it->to = pg_text_or_empty(ar, res, i, 1);
			it->data = pg_text_or_empty(ar, res, i, 2);
			it->attempts = (int)pg_int(res, i, 3);
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_outbox_sent(struct store *base, int64_t id)
{
	struct pgargs p = { 0 };

	pa_int(&p, id);
	return run_one(base, PS_OUTBOX_SENT, sql_outbox_sent, &p);
}

int pg_outbox_retry(struct store *base, int64_t id, int64_t next_attempt,
		    const char *error)
{
	struct pgargs p = { 0 };

	pa_int(&p, id);
	pa_int(&p, next_attempt);
	pa_text(&p, error);
	return run_one(base, PS_OUTBOX_RETRY, sql_outbox_retry, &p);
}

int pg_outbox_next(struct store *base, int64_t *when)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_get(s);
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	if (!(r = pg_run(c, PS_OUTBOX_NEXT, sql_outbox_next, NULL, &res))) {
		if (PQntuples(res) && !PQgetisnull(res, 0, 0))
			*when = pg_int(res, 0, 0);
		else
			r = ERR_NOTFOUND;
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}
