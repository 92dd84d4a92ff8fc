/*
 * sqlite_accounts.c - reader accounts, sessions, one-time tokens and the
 * e-mail outbox in the SQLite backend (sql/sqlite/003_accounts.sql).
 *
 * Every change that causes an e-mail queues it in the same transaction, so
 * a message is never lost and never sent for a change that rolled back.
 */
#include "sqlite_int.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

#define ACCT_COLS \
	"a.id, a.email, a.name, a.password, a.role, a.verified, a.created"

static const char *const purpose_names[] = { "verify", "reset", "email" };

static const char sql_acct_insert[] =
	"INSERT INTO accounts (email, name, password, role, verified, created,"
	" updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
static const char sql_acct_by_email[] =
	"SELECT " ACCT_COLS " FROM accounts a WHERE a.email = ?1";
static const char sql_acct_by_id[] =
	"SELECT " ACCT_COLS " FROM accounts a WHERE a.id = ?1";
static const char sql_acct_list[] =
	"SELECT " ACCT_COLS " FROM accounts a ORDER BY a.id";
static const char sql_acct_set_name[] =
	"UPDATE accounts SET name = ?2, updated = ?3 WHERE id = ?1";
static const char sql_acct_set_role[] =
	"UPDATE accounts SET role = ?2, updated = ?3 WHERE id = ?1";
static const char sql_acct_set_pw[] =
	"UPDATE accounts SET password = ?2, updated = ?3 WHERE id = ?1";
static const char sql_acct_delete[] = "DELETE FROM accounts WHERE id = ?1";
static const char sql_acct_verify[] =
	"UPDATE accounts SET verified = 1, updated = ?2 WHERE id = ?1";
static const char sql_acct_set_email[] =
	"UPDATE accounts SET email = ?2, verified = 1, updated = ?3 WHERE id = ?1";
static const char sql_outbox_drop_for[] =
	"DELETE FROM outbox WHERE recipient = (SELECT email FROM accounts"
	" WHERE id = ?1) COLLATE NOCASE";
static const char sql_token_insert[] =
	"INSERT INTO account_tokens (hash, account_id, purpose, email, expires)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_token_find[] =
	"SELECT " ACCT_COLS " FROM account_tokens t"
	" JOIN accounts a ON a.id = t.account_id"
	" WHERE t.hash = ?1 AND t.purpose = ?2 AND t.expires > ?3";
static const char sql_token_take[] =
	"DELETE FROM account_tokens WHERE hash = ?1 AND purpose = ?2"
	" AND expires > ?3 RETURNING account_id, email";
static const char sql_tokens_drop[] =
	"DELETE FROM account_tokens WHERE account_id = ?1 AND purpose = ?2";
static const char sql_session_insert[] =
	"INSERT INTO sessions (hash, account_id, created, seen)"
	" VALUES (?1, ?2, ?3, ?3)";
static const char sql_session_get[] =
	"SELECT s.created, s.seen, " ACCT_COLS " FROM sessions s"
	" JOIN accounts a ON a.id = s.account_id WHERE s.hash = ?1";
static const char sql_session_touch[] =
	"UPDATE sessions SET seen = ?2 WHERE hash = ?1";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE hash = ?1";
static const char sql_sessions_end[] =
	"DELETE FROM sessions WHERE account_id = ?1 AND hash IS NOT ?2";
static const char sql_outbox_insert[] =
	"INSERT INTO outbox (recipient, message, created, next_attempt)"
	" VALUES (?1, ?2, ?3, ?3)";
static const char sql_outbox_due[] =
	"SELECT id, recipient, message, attempts FROM outbox"
	" WHERE next_attempt <= ?1 ORDER BY next_attempt, id LIMIT ?2";
static const char sql_outbox_sent[] = "DELETE FROM outbox WHERE id = ?1";
static const char sql_outbox_retry[] =
	"UPDATE outbox SET attempts = attempts + 1, next_attempt = ?2,"
	" last_error = ?3 WHERE id = ?1";
static const char sql_outbox_next[] = "SELECT min(next_attempt) FROM outbox";

/* Fill @a from ACCT_COLS starting at column @col. */
static void read_account(struct arena *ar, sqlite3_stmt *st, int col,
			 struct account *a)
{
	int role;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, col);
	a->email = sq_col_text_or_empty(ar, st, col + 1);
	a->name = sq_col_text_or_empty(ar, st, col + 2);
	a->password = sq_col_text_or_empty(ar, st, col + 3);
	role = role_from_name((const char *)sqlite3_column_text(st, col + 4));
	a->role = role < 0 ? ROLE_READER : (enum account_role)role;
	a->verified = sqlite3_column_int(st, col + 5) != 0;
	a->created = sqlite3_column_int64(st, col + 6);
}

/* Run a prepared one-row lookup; ERR_NOTFOUND when it has no row. */
static int one_account(struct conn *c, sqlite3_stmt *st, struct arena *ar,
		       int col, struct account *out, const char *what)
{
	int rc = sqlite3_step(st), r;

	if (rc == SQLITE_ROW) {
		read_account(ar, st, col, out);
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, what);
	}
	sqlite3_reset(st);
	return r;
}

static int outbox_insert(struct conn *c, const struct outbox_msg *m,
			 int64_t now)
{
	sqlite3_stmt *st = sq_prepared(c, ST_OUTBOX_INSERT, sql_outbox_insert);

	if (!m)
		return 0;
	if (!st)
		return ERR_DB;
	sq_bind_text(st, 1, m->to);
	sq_bind_text(st, 2, m->data);
	sqlite3_bind_int64(st, 3, now);
	return sq_step_done(c, st, "outbox insert");
}

/* Finish a transaction: COMMIT when @r is 0, ROLLBACK otherwise. */
static int txn_end(struct conn *c, int r)
{
	if (!r)
		r = sq_exec(c, "COMMIT");
	if (r)
		sq_exec(c, "ROLLBACK");
	return r;
}

/* An UPDATE/DELETE by id; ERR_NOTFOUND when no row changed. */
static int change_by_id(struct conn *c, sqlite3_stmt *st, const char *what)
{
	int r = sq_step_done(c, st, what);

	if (!r && sqlite3_changes(c->db) == 0)
		r = ERR_NOTFOUND;
	return r;
}

int sq_account_create(struct store *base, const struct account *a,
		      const char *verify_hash, int64_t verify_expires,
		      const struct outbox_msg *mail, int64_t *id)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int64_t now = time_now(), newid = 0;
	sqlite3_stmt *st;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out;
	if (!(st = sq_prepared(c, ST_ACCT_INSERT, sql_acct_insert))) {
		r = txn_end(c, ERR_DB);
		goto out;
	}
	sq_bind_text(st, 1, a->email);
	sq_bind_text(st, 2, a->name);
	sq_bind_text(st, 3, a->password);
	sq_bind_text(st, 4, role_names[a->role]);
	sqlite3_bind_int(st, 5, a->verified);
	sqlite3_bind_int64(st, 6, now);
	r = sq_step_done(c, st, "account insert");
	newid = sqlite3_last_insert_rowid(c->db);
	if (!r && verify_hash) {
		if (!(st = sq_prepared(c, ST_TOKEN_INSERT, sql_token_insert))) {
			r = ERR_DB;
		} else {
			sq_bind_text(st, 1, verify_hash);
			sqlite3_bind_int64(st, 2, newid);
			sq_bind_text(st, 3, purpose_names[TOKEN_VERIFY]);
			sqlite3_bind_int64(st, 5, verify_expires);
			r = sq_step_done(c, st, "token insert");
		}
	}
	if (!r)
		r = outbox_insert(c, mail, now);
	r = txn_end(c, r);
	if (!r && id)
		*id = newid;
out:
	sq_conn_put(s, c);
	return r;
}

static int account_lookup(struct store *base, struct arena *ar,
			  enum stmt_id id, const char *sql, const char *email,
			  int64_t num, struct account *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB;

	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, id, sql))) {
		if (email)
			sq_bind_text(st, 1, email);
		else
			sqlite3_bind_int64(st, 1, num);
		r = one_account(c, st, ar, 0, out, "account");
	}
	sq_conn_put(s, c);
	return r;
}

int sq_account_by_email(struct store *base, struct arena *ar, const char *email,
			struct account *out)
{
	return account_lookup(base, ar, ST_ACCT_BY_EMAIL, sql_acct_by_email,
			      email, 0, out);
}

int sq_account_by_id(struct store *base, struct arena *ar, int64_t id,
		     struct account *out)
{
	return account_lookup(base, ar, ST_ACCT_BY_ID, sql_acct_by_id, NULL, id,
			      out);
}

int sq_accounts_list(struct store *base, struct arena *ar, struct account **out,
		     size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	size_t cap = 16;
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = arena_alloc(ar, cap * sizeof(**out));
	if ((st = sq_prepared(c, ST_ACCT_LIST, sql_acct_list))) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (*n == cap) {
				struct account *more = arena_alloc(ar, 2 * cap *
								   sizeof(*more));

				memcpy(more, *out, cap * sizeof(*more));
				*out = more;
				cap *= 2;
			}
			read_account(ar, st, 0, &(*out)[(*n)++]);
		}
		r = rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "account list");
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}

/* UPDATE accounts SET <text column> = @text WHERE id = @id. */
static int set_field(struct store *base, enum stmt_id id, const char *sql,
		     int64_t account, const char *text)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB;

	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, id, sql))) {
		sqlite3_bind_int64(st, 1, account);
		sq_bind_text(st, 2, text);
		sqlite3_bind_int64(st, 3, time_now());
		r = change_by_id(c, st, "account update");
	}
	sq_conn_put(s, c);
	return r;
}

int sq_account_set_name(struct store *base, int64_t id, const char *name)
{
	return set_field(base, ST_ACCT_SET_NAME, sql_acct_set_name, id, name);
}

int sq_account_set_role(struct store *base, int64_t id, enum account_role role)
{
	return set_field(base, ST_ACCT_SET_ROLE, sql_acct_set_role, id,
			 role_names[role]);
}

int sq_account_rehash(struct store *base, int64_t id, const char *hash)
{
	return set_field(base, ST_ACCT_SET_PW, sql_acct_set_pw, id, hash);
}

/* Consume token @hash of @purpose; its account and new address (arena). */
static int token_take(struct conn *c, struct arena *ar,
		      enum token_purpose purpose, const char *hash, int64_t now,
		      int64_t *account, const char **email)
{
	sqlite3_stmt *st = sq_prepared(c, ST_TOKEN_TAKE, sql_token_take);
	int rc, r;

	if (!st)
		return ERR_DB;
	sq_bind_text(st, 1, hash);
	sq_bind_text(st, 2, purpose_names[purpose]);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*account = sqlite3_column_int64(st, 0);
		if (email)
			*email = sq_col_text(ar, st, 1);
		rc = sqlite3_step(st);
		r = rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "token take");
	} else {
		r = rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, "token take");
	}
	sqlite3_reset(st);
	return r;
}

static int sessions_end(struct conn *c, int64_t account, const char *keep)
{
	sqlite3_stmt *st = sq_prepared(c, ST_SESSIONS_END, sql_sessions_end);

	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, account);
	sq_bind_text(st, 2, keep);
	return sq_step_done(c, st, "sessions end");
}

int sq_account_set_password(struct store *base, int64_t id, const char *hash,
			    const char *reset_hash, const char *keep_session,
			    int64_t now, const struct outbox_msg *mail)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int64_t owner = 0;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out;
	if (reset_hash) {
		r = token_take(c, NULL, TOKEN_RESET, reset_hash, now, &owner, NULL);
		if (!r && owner != id)
			r = ERR_NOTFOUND;
	}
	if (!r) {
		st = sq_prepared(c, ST_ACCT_SET_PW, sql_acct_set_pw);
		if (!st) {
			r = ERR_DB;
		} else {
			sqlite3_bind_int64(st, 1, id);
			sq_bind_text(st, 2, hash);
			sqlite3_bind_int64(st, 3, now);
			r = change_by_id(c, st, "password update");
		}
	}
	if (!r) {
		st = sq_prepared(c, ST_TOKENS_DROP, sql_tokens_drop);
		if (!st) {
			r = ERR_DB;
		} else {
			sqlite3_bind_int64(st, 1, id);
			sq_bind_text(st, 2, purpose_names[TOKEN_RESET]);
			r = sq_step_done(c, st, "reset tokens drop");
		}
	}
	if (!r)
		r = sessions_end(c, id, keep_session);
	if (!r)
		r = outbox_insert(c, mail, now);
	r = txn_end(c, r);
out:
	sq_conn_put(s, c);
	return r;
}

int sq_account_delete(struct store *base, int64_t id)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out;
	if (!(st = sq_prepared(c, ST_OUTBOX_DROP_FOR, sql_outbox_drop_for))) {
		r = ERR_DB;
	} else {
		sqlite3_bind_int64(st, 1, id);
		r = sq_step_done(c, st, "outbox drop");
	}
	/* Sessions and tokens go with the row (ON DELETE CASCADE). */
	if (!r && !(st = sq_prepared(c, ST_ACCT_DELETE, sql_acct_delete)))
		r = ERR_DB;
	if (!r) {
		sqlite3_bind_int64(st, 1, id);
		r = change_by_id(c, st, "account delete");
	}
	r = txn_end(c, r);
out:
	sq_conn_put(s, c);
	return r;
}

int sq_token_add(struct store *base, int64_t account_id,
		 enum token_purpose purpose, const char *hash,
		 const char *email, int64_t expires,
		 const struct outbox_msg *mail)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out;
	if (!(st = sq_prepared(c, ST_TOKEN_INSERT, sql_token_insert))) {
		r = ERR_DB;
	} else {
		sq_bind_text(st, 1, hash);
		sqlite3_bind_int64(st, 2, account_id);
		sq_bind_text(st, 3, purpose_names[purpose]);
		sq_bind_text(st, 4, email);
		sqlite3_bind_int64(st, 5, expires);
		r = sq_step_done(c, st, "token insert");
		if (r == ERR_CONFLICT &&
		    sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			r = ERR_NOTFOUND;
	}
	if (!r)
		r = outbox_insert(c, mail, time_now());
	r = txn_end(c, r);
out:
	sq_conn_put(s, c);
	return r;
}

int sq_token_find(struct store *base, struct arena *ar,
		  enum token_purpose purpose, const char *hash, int64_t now,
		  struct account *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB;

	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, ST_TOKEN_FIND, sql_token_find))) {
		sq_bind_text(st, 1, hash);
		sq_bind_text(st, 2, purpose_names[purpose]);
		sqlite3_bind_int64(st, 3, now);
		r = one_account(c, st, ar, 0, out, "token find");
	}
	sq_conn_put(s, c);
	return r;
}

int sq_token_apply(struct store *base, enum token_purpose purpose,
		   const char *hash, int64_t now, int64_t *account_id)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	struct arena *ar = arena_new(0);
	const char *email = NULL;
	sqlite3_stmt *st;
	int64_t id = 0;
	int r;

	if (!c) {
		arena_free(ar);
		return ERR_DB;
	}
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out;
	r = token_take(c, ar, purpose, hash, now, &id, &email);
	if (!r && purpose == TOKEN_EMAIL && !email)
		r = ERR_NOTFOUND;
	if (!r) {
		st = purpose == TOKEN_EMAIL ?
		     sq_prepared(c, ST_ACCT_SET_EMAIL, sql_acct_set_email) :
		     sq_prepared(c, ST_ACCT_VERIFY, sql_acct_verify);
		if (!st) {
			r = ERR_DB;
		} else {
			sqlite3_bind_int64(st, 1, id);
			if (purpose == TOKEN_EMAIL) {
				sq_bind_text(st, 2, email);
				sqlite3_bind_int64(st, 3, now);
			} else {
				sqlite3_bind_int64(st, 2, now);
			}
			r = change_by_id(c, st, "token apply");
		}
	}
	r = txn_end(c, r);
	if (!r && account_id)
		*account_id = id;
out:
	sq_conn_put(s, c);
	arena_free(ar);
	return r;
}

int sq_session_create(struct store *base, const char *hash, int64_t account_id,
		      int64_t now)
{
	return sq_run(base, ST_SESSION_INSERT, sql_session_insert,
		      "session insert", "tii", hash, account_id, now);
}

static int session_drop(struct conn *c, const char *hash)
{
	sqlite3_stmt *st = sq_prepared(c, ST_SESSION_DELETE, sql_session_delete);

	if (!st)
		return ERR_DB;
	sq_bind_text(st, 1, hash);
	return sq_step_done(c, st, "session delete");
}

int sq_session_get(struct store *base, struct arena *ar, const char *hash,
		   int64_t now, int64_t idle, int64_t absolute,
		   struct account *out)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int64_t created = 0, seen = 0;
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_prepared(c, ST_SESSION_GET, sql_session_get)))
		goto out;
	sq_bind_text(st, 1, hash);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		created = sqlite3_column_int64(st, 0);
		seen = sqlite3_column_int64(st, 1);
		read_account(ar, st, 2, out);
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? ERR_NOTFOUND : sq_db_err(c->db, "session");
	}
	sqlite3_reset(st);
	if (r)
		goto out;
	if (now - seen > idle || now - created > absolute) {
		session_drop(c, hash);
		r = ERR_NOTFOUND;
	} else if (now - seen >= 60 &&
		   (st = sq_prepared(c, ST_SESSION_TOUCH, sql_session_touch))) {
		sq_bind_text(st, 1, hash);
		sqlite3_bind_int64(st, 2, now);
		sq_step_done(c, st, "session touch");	/* best effort */
	}
out:
	sq_conn_put(s, c);
	return r;
}

int sq_session_delete(struct store *base, const char *hash)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = session_drop(c, hash);
	sq_conn_put(s, c);
	return r;
}

int sq_sessions_end(struct store *base, int64_t account_id, const char *keep)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = sessions_end(c, account_id, keep);
	sq_conn_put(s, c);
	return r;
}

int sq_outbox_add(struct store *base, const struct outbox_msg *mail)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int r;

	if (!c)
		return ERR_DB;
	r = outbox_insert(c, mail, time_now());
	sq_conn_put(s, c);
	return r;
}

int sq_outbox_due(struct store *base, struct arena *ar, int64_t now,
		  size_t limit, struct outbox_item **out, size_t *n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	*n = 0;
	*out = arena_alloc(ar, limit * sizeof(**out));
	if ((st = sq_prepared(c, ST_OUTBOX_DUE, sql_outbox_due))) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct outbox_item *it = &(*out)[(*n)++];

			it->id = sqlite3_column_int64(st, 0);
			it->to = sq_col_text_or_empty(ar, st, 1);
			it->data = sq_col_text_or_empty(ar, st, 2);
			it->attempts = sqlite3_column_int(st, 3);
		}
		r = rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "outbox due");
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}

int sq_outbox_sent(struct store *base, int64_t id)
{
	return sq_run(base, ST_OUTBOX_SENT, sql_outbox_sent, "outbox sent",
		      "i", id);
}

int sq_outbox_retry(struct store *base, int64_t id, int64_t next_attempt,
		    const char *error)
{
	return sq_run(base, ST_OUTBOX_RETRY, sql_outbox_retry, "outbox retry",
		      "iit", id, next_attempt, error);
}

int sq_outbox_next(struct store *base, int64_t *when)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if ((st = sq_prepared(c, ST_OUTBOX_NEXT, sql_outbox_next))) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			*when = sqlite3_column_int64(st, 0);
			r = 0;
		} else {
			r = rc == SQLITE_ROW ? ERR_NOTFOUND :
			    sq_db_err(c->db, "outbox next");
		}
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}
