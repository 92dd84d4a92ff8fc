/*
 * sqlite_reactions.c - the reaction writer of the SQLite backend: a batch
 * is one transaction (group commit: one disk flush for all), its changes
 * applied one after the other.  Counts are kept by triggers
 * (sql/sqlite/002_*.sql) in the same transaction as the reader's row, so
 * they always equal the number of rows.  A change on a missing article
 * is found before it writes, and fails alone.
 */
#include "sqlite_int.h"

#include <string.h>

#include "core/err.h"
#include "core/timeutil.h"

static struct dbq q_exists = DBQ("SELECT 1 FROM articles WHERE id = ?1");
/*
 * Separate INSERT and UPDATE, not an UPSERT: the DO UPDATE of an UPSERT
 * overrides the OR IGNORE inside the count triggers, so moving to a kind
 * that already has a count row would fail with a UNIQUE constraint error.
 */
static struct dbq q_insert = DBQ(
	"INSERT INTO reactions (article_id, reader, kind, created)"
	" VALUES (?1, ?2, ?3, ?4)");
static struct dbq q_update = DBQ(
	"UPDATE reactions SET kind = ?3, created = ?4"
	" WHERE article_id = ?1 AND reader = ?2");
static struct dbq q_delete = DBQ(
	"DELETE FROM reactions WHERE article_id = ?1 AND reader = ?2");

/* Apply one change inside the open transaction. */
static int apply_one(struct dbc *c, struct reaction_change *ch, int64_t now)
{
	int64_t one;
	int cur, target, r;

	if ((r = db_get_int(c, &q_exists, &one, DB_I(ch->article_id))) ||
	    (r = rx_mine(c, ch->article_id, ch->reader, &cur)))
		return r;
	target = ch->op == REACTION_CLEAR ? -1 :
		 ch->op == REACTION_TOGGLE && cur == ch->kind ? -1 : ch->kind;
	if (target != cur &&
	    (r = db_exec(c, target < 0 ? &q_delete : cur < 0 ? &q_insert :
			 &q_update, DB_I(ch->article_id), DB_T(ch->reader),
			 DB_I(target), DB_I(now))))
		return r;
	ch->state.mine = target;
	return 0;
}

/*
 * Counts after the batch, read once per article: every change of the batch
 * is answered with the state its commit produced.
 */
static int batch_counts(struct dbc *c, struct reaction_change *changes,
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
		if ((r = rx_state(c, ch->article_id, NULL, &ch->state)))
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

int sq_reactions_apply(struct store *s, struct reaction_change *changes,
		       size_t n)
{
	struct dbc *c = db_get(s, DB_WRITE);
	int64_t now = time_now();
	size_t i;
	int r = db_begin(c);

	for (i = 0; i < n && !r; i++) {
		if (changes[i].result)
			continue;
		changes[i].result = apply_one(c, &changes[i], now);
		/* A missing article fails its change; anything else the batch. */
		if (changes[i].result != ERR_NOTFOUND)
			r = changes[i].result;
	}
	if (!r)
		r = batch_counts(c, changes, n);
	r = db_end(c, r);
	db_put(c);
	return r;
}
