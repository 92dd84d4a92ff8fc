/*
 * sqlite_reactions.c - reactions, most-reacted lists and shared secrets in
 * the SQLite backend.  Counts are kept by triggers (sql/sqlite/002_*.sql)
 * in the same transaction as the reader's row, so they always equal the
 * number of rows.
 */
#include "sqlite_int.h"

#include <sodium.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"

static const char sql_get[] =
	"SELECT kind FROM reactions WHERE article_id = ?1 AND reader = ?2";
/*
 * Separate INSERT and UPDATE, not an UPSERT: the DO UPDATE of an UPSERT
 * overrides the OR IGNORE inside the count triggers, so moving to a kind
 * that already has a count row would fail with a UNIQUE constraint error.
 */
static const char sql_insert[] =
	"INSERT INTO reactions (article_id, reader, kind, created)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char sql_update[] =
	"UPDATE reactions SET kind = ?3, created = ?4"
	" WHERE article_id = ?1 AND reader = ?2";
static const char sql_delete[] =
	"DELETE FROM reactions WHERE article_id = ?1 AND reader = ?2";
static const char sql_counts[] =
	"SELECT kind, count FROM reaction_counts WHERE article_id = ?1";

/* The reader's current reaction on the article, -1 for none. */
static int current(struct conn *c, int64_t article, const char *reader,
		   int *kind)
{
	sqlite3_stmt *st = sq_prepared(c, ST_REACTION_GET, sql_get);
	int rc;

	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, article);
	sq_bind_text(st, 2, reader);
	rc = sqlite3_step(st);
	*kind = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "reaction");
}

static int read_counts(struct conn *c, int64_t article, struct reaction_state *out)
{
	sqlite3_stmt *st = sq_prepared(c, ST_REACTION_COUNTS, sql_counts);
	int rc;

	memset(out->counts, 0, sizeof(out->counts));
	out->total = 0;
	if (!st)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, article);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = sqlite3_column_int(st, 0);

		if (k >= 0 && k < REACTION_KINDS) {
			out->counts[k] = sqlite3_column_int64(st, 1);
			out->total += out->counts[k];
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "reaction counts");
}

/* Apply one change inside the open transaction. */
static int apply_one(struct conn *c, struct reaction_change *ch, int64_t now)
{
	sqlite3_stmt *st;
	int cur, target, r, code;

	if ((r = current(c, ch->article_id, ch->reader, &cur)))
		return r;
	target = ch->op == REACTION_CLEAR ? -1 :
		 ch->op == REACTION_TOGGLE && cur == ch->kind ? -1 : ch->kind;
	if (target != cur) {
		st = target < 0 ? sq_prepared(c, ST_REACTION_DELETE, sql_delete) :
		     cur < 0 ? sq_prepared(c, ST_REACTION_INSERT, sql_insert) :
			       sq_prepared(c, ST_REACTION_UPDATE, sql_update);
		if (!st)
			return ERR_DB;
		sqlite3_bind_int64(st, 1, ch->article_id);
		sq_bind_text(st, 2, ch->reader);
		if (target >= 0) {
			sqlite3_bind_int(st, 3, target);
			sqlite3_bind_int64(st, 4, now);
		}
		code = sqlite3_step(st);
		sqlite3_reset(st);
		if (code != SQLITE_DONE) {
			/* The article is gone (the reactions.article_id key). */
			if (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
				return ERR_NOTFOUND;
			return sq_db_err(c->db, "reaction change");
		}
	}
	ch->state.mine = target;
	return 0;
}

/*
 * Counts after the batch, read once per article: every change of the batch
 * is answered with the state its commit produced.
 */
static int batch_counts(struct conn *c, struct reaction_change *changes,
			size_t n)
{
	size_t i, j;
	int r;

	for (i = 0; i < n; i++)
		changes[i].state.total = -1;
	for (i = 0; i < n; i++) {
		struct reaction_change *ch = &changes[i];
		int mine = ch->state.mine;

		if (ch->result || ch->state.total >= 0)
			continue;
		if ((r = read_counts(c, ch->article_id, &ch->state)))
			return r;
		ch->state.mine = mine;
		for (j = i + 1; j < n; j++) {
			if (changes[j].article_id != ch->article_id ||
			    changes[j].result)
				continue;
			mine = changes[j].state.mine;
			changes[j].state = ch->state;
			changes[j].state.mine = mine;
		}
	}
	return 0;
}

int sq_reactions_apply(struct store *base, struct reaction_change *changes,
		       size_t n)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	int64_t now = time_now();
	size_t i;
	int r;

	if (!c)
		return ERR_DB;
	if ((r = sq_exec(c, "BEGIN IMMEDIATE")))
		goto out;
	for (i = 0; i < n; i++) {
		if (changes[i].result)
			continue;
		changes[i].result = apply_one(c, &changes[i], now);
		if (changes[i].result == ERR_DB) {
			r = ERR_DB;
			break;
		}
	}
	if (!r)
		r = batch_counts(c, changes, n);
	if (!r)
		r = sq_exec(c, "COMMIT");
	if (r)
		sq_exec(c, "ROLLBACK");
out:
	sq_conn_put(s, c);
	return r;
}
