/*
 * test_reactions.c - unit tests for reader reactions: the store's state
 * machine (SET / TOGGLE / CLEAR) and exact counts against a temporary
 * SQLite file (and a PostgreSQL database with $DATELINE_TEST_PG, see
 * testdb.h), per-change results inside one batch, the most-reacted
 * lists (ordering, keyset pagination, the since-window), the group-commit
 * writer, the per-address rate limiter with synthetic time, and CSRF
 * tokens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>

#include "auth/csrf.h"
#include "auth/ratelimit.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "site/site_int.h"
#include "site/writer.h"
#include "store/store.h"
#include "testdb.h"

enum { ANGRY, FAIL, GEEKY, LOL, LOVE, SCARY, WIN };

struct fixture {
	char dir[64];
	char path[256];
	struct store *s;
	struct arena *a;
	int64_t art;		/* a published article */
};

static int64_t put_article(struct store *s, const char *slug,
			   enum article_status status, int64_t published)
{
	struct article a = {
		.slug = slug,
		.headline = slug,
		.body = "Body.",
		.status = status,
		.published = published,
	};
	int64_t id = 0;

	assert_int_equal(store_article_put(s, &a, &id, NULL), 0);
	assert_true(id > 0);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (testdb_make(f->dir, f->path))
		return -1;
	if (store_open(f->path, &f->s, err, sizeof(err))) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	if (store_migrate(f->s, NULL))
		return -1;
	f->a = arena_new(0);
	f->art = put_article(f->s, "the-story", ARTICLE_PUBLISHED, 1000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	arena_free(f->a);
	testdb_drop(f->dir, f->path);
	free(f);
	return 0;
}

/* SQL run directly on the database, as another program would. */
#define raw_sql testdb_sql
#define raw_int testdb_int

/* The counts table agrees with the rows, and nothing is negative. */
static void assert_counts_consistent(const char *path)
{
	assert_int_equal(raw_int(path,
		"SELECT count(*) FROM ("
		" SELECT article_id, kind, count FROM reaction_counts WHERE count <> 0"
		" EXCEPT SELECT article_id, kind, count(*) FROM reactions"
		" GROUP BY article_id, kind) AS x"), 0);
	assert_int_equal(raw_int(path,
		"SELECT count(*) FROM ("
		" SELECT article_id, kind, count(*) FROM reactions"
		" GROUP BY article_id, kind"
		" EXCEPT SELECT article_id, kind, count FROM reaction_counts) AS x"),
		0);
	assert_int_equal(raw_int(path,
		"SELECT count(*) FROM reaction_counts WHERE count < 0"), 0);
}

/* Apply one change; its result.  *out (may be NULL) gets the state. */
static int change(struct store *s, int64_t art, const char *reader,
		  enum reaction_op op, int kind, struct reaction_state *out)
{
	struct reaction_change ch = {
		.article_id = art, .reader = reader, .op = op, .kind = kind,
	};

	assert_int_equal(store_reactions_apply(s, &ch, 1), 0);
	if (out)
		*out = ch.state;
	return ch.result;
}

/* Check a state: @mine and the counts given as 7 numbers. */
static void assert_state(const struct reaction_state *st, int mine,
			 int64_t a, int64_t f, int64_t g, int64_t l, int64_t lo,
			 int64_t sc, int64_t w)
{
	int64_t want[REACTION_KINDS] = { a, f, g, l, lo, sc, w };
	int64_t total = 0;
	int i;

	for (i = 0; i < REACTION_KINDS; i++) {
		if (st->counts[i] != want[i])
			fail_msg("count of %s: %lld, want %lld", reaction_names[i],
				 (long long)st->counts[i], (long long)want[i]);
		total += want[i];
	}
	assert_int_equal(st->total, total);
	assert_int_equal(st->mine, mine);
}

static void read_state(struct fixture *f, const char *reader,
		       struct reaction_state *st)
{
	assert_int_equal(store_reaction_state(f->s, f->art, reader, st), 0);
}

/* ---- names ---- */

static void test_names(void **state)
{
	static const char *const labels[] = { "Angry", "Fail", "Geeky", "Lol",
		"Love", "Scary", "Win" };
	static const char *const names[] = { "angry", "fail", "geeky", "lol",
		"love", "scary", "win" };
	int i;

	(void)state;
	assert_int_equal(REACTION_KINDS, 7);
	for (i = 0; i < REACTION_KINDS; i++) {
		assert_string_equal(reaction_names[i], names[i]);
		assert_string_equal(reaction_labels[i], labels[i]);
		assert_int_equal(reaction_from_name(names[i]), i);
	}
	assert_int_equal(reaction_from_name("LOL"), -1);
	assert_int_equal(reaction_from_name("Lol"), -1);
	assert_int_equal(reaction_from_name("lol "), -1);
	assert_int_equal(reaction_from_name("lo"), -1);
	assert_int_equal(reaction_from_name("lolx"), -1);
	assert_int_equal(reaction_from_name(""), -1);
	assert_int_equal(reaction_from_name(NULL), -1);
}

/* ---- the state machine ---- */

static void test_none_lol_love_none(void **state)
{
	struct fixture *f = *state;
	struct reaction_state st;

	read_state(f, "r:a", &st);
	assert_state(&st, -1, 0, 0, 0, 0, 0, 0, 0);
	read_state(f, NULL, &st);
	assert_state(&st, -1, 0, 0, 0, 0, 0, 0, 0);

	/* none -> lol */
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_SET, LOL, &st), 0);
	assert_state(&st, LOL, 0, 0, 0, 1, 0, 0, 0);
	/* lol -> love (a move, not a second reaction) */
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_SET, LOVE, &st), 0);
	assert_state(&st, LOVE, 0, 0, 0, 0, 1, 0, 0);
	/* love -> none */
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_CLEAR, 0, &st), 0);
	assert_state(&st, -1, 0, 0, 0, 0, 0, 0, 0);

	/* What is stored agrees. */
	read_state(f, "r:a", &st);
	assert_state(&st, -1, 0, 0, 0, 0, 0, 0, 0);
	assert_counts_consistent(f->path);
}

static void test_set_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct reaction_state st;
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(change(f->s, f->art, "r:a", REACTION_SET, WIN, &st), 0);
		assert_state(&st, WIN, 0, 0, 0, 0, 0, 0, 1);
	}
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM reactions"), 1);
}

static void test_toggle(void **state)
{
	struct fixture *f = *state;
	struct reaction_state st;

	/* none -> lol */
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_TOGGLE, LOL, &st), 0);
	assert_state(&st, LOL, 0, 0, 0, 1, 0, 0, 0);
	/* lol -> love: toggling another kind moves */
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_TOGGLE, LOVE, &st), 0);
	assert_state(&st, LOVE, 0, 0, 0, 0, 1, 0, 0);
	/* love again -> none */
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_TOGGLE, LOVE, &st), 0);
	assert_state(&st, -1, 0, 0, 0, 0, 0, 0, 0);
	/* and back */
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_TOGGLE, LOVE, &st), 0);
	assert_state(&st, LOVE, 0, 0, 0, 0, 1, 0, 0);
	assert_counts_consistent(f->path);
}

static void test_clear_never_negative(void **state)
{
	struct fixture *f = *state;
	struct reaction_state st;
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(change(f->s, f->art, "r:nobody", REACTION_CLEAR, 0, &st), 0);
		assert_state(&st, -1, 0, 0, 0, 0, 0, 0, 0);
	}
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_SET, FAIL, &st), 0);
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_CLEAR, 0, &st), 0);
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_CLEAR, 0, &st), 0);
	assert_state(&st, -1, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(raw_int(f->path,
		"SELECT count(*) FROM reaction_counts WHERE count < 0"), 0);
}

/* Many readers: counts equal the readers holding each kind. */
static void test_counts_many_readers(void **state)
{
	struct fixture *f = *state;
	struct reaction_state st;
	int64_t want[REACTION_KINDS] = { 0 };
	int kind[70];
	char reader[32];
	int i;

	for (i = 0; i < 70; i++) {
		snprintf(reader, sizeof(reader), "r:%d", i);
		kind[i] = i % REACTION_KINDS;
		assert_int_equal(change(f->s, f->art, reader, REACTION_SET, kind[i], NULL), 0);
		want[kind[i]]++;
	}
	/* Moves into kinds that already have a count row, and removals. */
	for (i = 0; i < 70; i += 2) {
		snprintf(reader, sizeof(reader), "r:%d", i);
		want[kind[i]]--;
		if (i % 4 == 0) {
			kind[i] = (kind[i] + 3) % REACTION_KINDS;
			want[kind[i]]++;
			assert_int_equal(change(f->s, f->art, reader, REACTION_SET,
						kind[i], NULL), 0);
		} else {
			assert_int_equal(change(f->s, f->art, reader,
						REACTION_CLEAR, 0, NULL), 0);
		}
	}
	read_state(f, NULL, &st);
	assert_state(&st, -1, want[0], want[1], want[2], want[3], want[4],
		     want[5], want[6]);
	read_state(f, "r:4", &st);
	assert_int_equal(st.mine, kind[4]);
	read_state(f, "r:2", &st);
	assert_int_equal(st.mine, -1);
	assert_counts_consistent(f->path);
}

/* A reader's reaction on one article does not touch another article. */
static void test_articles_independent(void **state)
{
	struct fixture *f = *state;
	int64_t other = put_article(f->s, "other-story", ARTICLE_PUBLISHED, 1000);
	struct reaction_state st;

	assert_int_equal(change(f->s, f->art, "r:a", REACTION_SET, LOL, NULL), 0);
	assert_int_equal(change(f->s, other, "r:a", REACTION_SET, WIN, &st), 0);
	assert_state(&st, WIN, 0, 0, 0, 0, 0, 0, 1);
	read_state(f, "r:a", &st);
	assert_state(&st, LOL, 0, 0, 0, 1, 0, 0, 0);
}

/* ---- batches ---- */

static void test_batch_missing_article_fails_alone(void **state)
{
	struct fixture *f = *state;
	struct reaction_change ch[5] = {
		{ .article_id = f->art, .reader = "r:a", .op = REACTION_SET, .kind = LOL },
		{ .article_id = 999999, .reader = "r:b", .op = REACTION_SET, .kind = LOL },
		{ .article_id = f->art, .reader = "r:c", .op = REACTION_SET, .kind = 9 },
		{ .article_id = f->art, .reader = NULL, .op = REACTION_SET, .kind = LOL },
		{ .article_id = f->art, .reader = "r:d", .op = REACTION_TOGGLE, .kind = WIN },
	};
	struct reaction_state st;

	assert_int_equal(store_reactions_apply(f->s, ch, 5), 0);
	assert_int_equal(ch[0].result, 0);
	assert_int_equal(ch[1].result, ERR_NOTFOUND);
	assert_int_equal(ch[2].result, ERR_INVALID);
	assert_int_equal(ch[3].result, ERR_INVALID);
	assert_int_equal(ch[4].result, 0);
	/* Each successful change reports the counts its commit produced. */
	assert_state(&ch[0].state, LOL, 0, 0, 0, 1, 0, 0, 1);
	assert_state(&ch[4].state, WIN, 0, 0, 0, 1, 0, 0, 1);

	/* The others were committed; the failed ones left nothing. */
	read_state(f, "r:a", &st);
	assert_state(&st, LOL, 0, 0, 0, 1, 0, 0, 1);
	read_state(f, "r:d", &st);
	assert_int_equal(st.mine, WIN);
	read_state(f, "r:c", &st);
	assert_int_equal(st.mine, -1);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM reactions"), 2);
	assert_int_equal(raw_int(f->path,
		"SELECT count(*) FROM reactions WHERE article_id = 999999"), 0);
	assert_counts_consistent(f->path);
}

/* One reader's several changes in one batch apply in order. */
static void test_batch_same_reader_in_order(void **state)
{
	struct fixture *f = *state;
	struct reaction_change ch[7] = {
		{ .article_id = f->art, .reader = "r:b", .op = REACTION_SET, .kind = LOVE },
		{ .article_id = f->art, .reader = "r:a", .op = REACTION_SET, .kind = LOL },
		{ .article_id = f->art, .reader = "r:a", .op = REACTION_SET, .kind = LOVE },
		{ .article_id = f->art, .reader = "r:a", .op = REACTION_TOGGLE, .kind = LOVE },
		{ .article_id = f->art, .reader = "r:a", .op = REACTION_TOGGLE, .kind = LOVE },
		{ .article_id = f->art, .reader = "r:a", .op = REACTION_CLEAR },
		{ .article_id = f->art, .reader = "r:a", .op = REACTION_SET, .kind = LOVE },
	};
	int i;

	assert_int_equal(store_reactions_apply(f->s, ch, 7), 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(ch[i].result, 0);
	/*
	 * Each change's own result is its reaction after that step; the counts
	 * are those of the commit (moving into a kind that already has a count
	 * row included).
	 */
	assert_state(&ch[0].state, LOVE, 0, 0, 0, 0, 2, 0, 0);
	assert_state(&ch[1].state, LOL, 0, 0, 0, 0, 2, 0, 0);
	assert_state(&ch[2].state, LOVE, 0, 0, 0, 0, 2, 0, 0);
	assert_state(&ch[3].state, -1, 0, 0, 0, 0, 2, 0, 0);
	assert_state(&ch[4].state, LOVE, 0, 0, 0, 0, 2, 0, 0);
	assert_state(&ch[5].state, -1, 0, 0, 0, 0, 2, 0, 0);
	assert_state(&ch[6].state, LOVE, 0, 0, 0, 0, 2, 0, 0);
	assert_counts_consistent(f->path);
}

static void test_batch_empty_and_results_reset(void **state)
{
	struct fixture *f = *state;
	struct reaction_change ch = {
		.article_id = f->art, .reader = "r:a", .op = REACTION_SET,
		.kind = GEEKY, .result = ERR_DB,	/* stale, from a retry */
	};

	assert_int_equal(store_reactions_apply(f->s, NULL, 0), 0);
	assert_int_equal(store_reactions_apply(f->s, &ch, 1), 0);
	assert_int_equal(ch.result, 0);
	assert_int_equal(ch.state.mine, GEEKY);
}

/* A change on an article deleted from under it fails alone too. */
static void test_deleted_article_cascades(void **state)
{
	struct fixture *f = *state;
	int64_t gone = put_article(f->s, "going", ARTICLE_PUBLISHED, 1000);
	char sql[128];
	struct reaction_state st;

	assert_int_equal(change(f->s, gone, "r:a", REACTION_SET, LOL, NULL), 0);
	snprintf(sql, sizeof(sql), "%sDELETE FROM articles WHERE id = %lld",
		 testdb_pg ? "" : "PRAGMA foreign_keys = ON; ", (long long)gone);
	raw_sql(f->path, sql);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM reactions"), 0);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM reaction_counts"), 0);
	assert_int_equal(change(f->s, gone, "r:a", REACTION_SET, LOL, &st), ERR_NOTFOUND);
	assert_int_equal(change(f->s, f->art, "r:a", REACTION_SET, LOL, &st), 0);
}

/* ---- article ids ---- */

static void test_article_id(void **state)
{
	struct fixture *f = *state;
	int64_t id = 0;

	put_article(f->s, "a-draft", ARTICLE_DRAFT, 1000);
	put_article(f->s, "in-future", ARTICLE_PUBLISHED, time_now() + 86400);
	assert_int_equal(store_article_id(f->s, "the-story", &id), 0);
	assert_int_equal(id, f->art);
	assert_int_equal(store_article_id(f->s, "a-draft", &id), ERR_NOTFOUND);
	assert_int_equal(store_article_id(f->s, "in-future", &id), ERR_NOTFOUND);
	assert_int_equal(store_article_id(f->s, "nothing", &id), ERR_NOTFOUND);
}

/* ---- most reacted ---- */

static void top(struct fixture *f, int kind, int64_t since,
		const struct top_cursor *before, size_t limit,
		struct article_list *out, int64_t **counts)
{
	assert_int_equal(store_reaction_top(f->s, f->a, kind, since, before,
					    limit, out, counts), 0);
}

/* Give @n readers' @kind to article @id. */
static void react_n(struct fixture *f, int64_t id, int kind, int n)
{
	char reader[48];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(reader, sizeof(reader), "r:%lld-%d-%d", (long long)id, kind, i);
		assert_int_equal(change(f->s, id, reader, REACTION_SET, kind, NULL), 0);
	}
}

static void test_top_order_and_pages(void **state)
{
	struct fixture *f = *state;
	int64_t a = put_article(f->s, "a", ARTICLE_PUBLISHED, 1001);
	int64_t b = put_article(f->s, "b", ARTICLE_PUBLISHED, 1002);
	int64_t c = put_article(f->s, "c", ARTICLE_PUBLISHED, 1003);
	int64_t d = put_article(f->s, "d", ARTICLE_PUBLISHED, 1004);
	int64_t draft = put_article(f->s, "draft", ARTICLE_DRAFT, 1005);
	struct article_list l;
	struct top_cursor cur;
	int64_t *counts;

	react_n(f, a, LOL, 3);
	react_n(f, b, LOL, 5);
	react_n(f, c, LOL, 3);	/* ties with a: newer id first */
	react_n(f, d, LOL, 1);
	react_n(f, draft, LOL, 9);	/* drafts are never listed */
	react_n(f, f->art, WIN, 4);	/* another kind */
	react_n(f, d, WIN, 2);
	/* An article whose count went back to 0 is not listed. */
	assert_int_equal(change(f->s, f->art, "r:x", REACTION_SET, LOL, NULL), 0);
	assert_int_equal(change(f->s, f->art, "r:x", REACTION_CLEAR, 0, NULL), 0);

	top(f, LOL, 0, NULL, 2, &l, &counts);
	assert_int_equal(l.n, 2);
	assert_true(l.more);
	assert_int_equal(l.items[0].id, b);
	assert_int_equal(counts[0], 5);
	assert_int_equal(l.items[1].id, c > a ? c : a);
	assert_int_equal(counts[1], 3);
	assert_string_equal(l.items[0].slug, "b");

	cur = (struct top_cursor){ counts[1], l.items[1].id };
	top(f, LOL, 0, &cur, 2, &l, &counts);
	assert_int_equal(l.n, 2);
	assert_true(l.more == false);
	assert_int_equal(l.items[0].id, c > a ? a : c);
	assert_int_equal(counts[0], 3);
	assert_int_equal(l.items[1].id, d);
	assert_int_equal(counts[1], 1);

	/* Exactly one page. */
	top(f, LOL, 0, NULL, 4, &l, &counts);
	assert_int_equal(l.n, 4);
	assert_false(l.more);

	top(f, WIN, 0, NULL, 10, &l, &counts);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, f->art);
	assert_int_equal(counts[0], 4);
	assert_int_equal(l.items[1].id, d);

	top(f, SCARY, 0, NULL, 10, &l, &counts);
	assert_int_equal(l.n, 0);
	assert_false(l.more);

	/* Arguments are checked. */
	assert_int_equal(store_reaction_top(f->s, f->a, 7, 0, NULL, 10, &l, &counts), ERR_INVALID);
	assert_int_equal(store_reaction_top(f->s, f->a, -2, 0, NULL, 10, &l, &counts), ERR_INVALID);
	assert_int_equal(store_reaction_top(f->s, f->a, -2, 100, NULL, 10, &l, &counts), ERR_INVALID);
	/* Any kind (-1) only over a period. */
	assert_int_equal(store_reaction_top(f->s, f->a, -1, 0, NULL, 10, &l, &counts), ERR_INVALID);
	assert_int_equal(store_reaction_top(f->s, f->a, LOL, 0, NULL, 0, &l, &counts), ERR_INVALID);
	assert_int_equal(store_reaction_top(f->s, f->a, LOL, 0, NULL, 101, &l, &counts), ERR_INVALID);
}

static void test_top_since_window(void **state)
{
	struct fixture *f = *state;
	int64_t a = put_article(f->s, "old-favourite", ARTICLE_PUBLISHED, 1001);
	int64_t b = put_article(f->s, "new-favourite", ARTICLE_PUBLISHED, 1002);
	int64_t now = time_now();
	struct article_list l;
	int64_t *counts;
	char sql[160];

	react_n(f, a, LOVE, 6);
	react_n(f, b, LOVE, 2);
	/* a's reactions were all made ten days ago but one. */
	snprintf(sql, sizeof(sql), "UPDATE reactions SET created = %lld"
		 " WHERE article_id = %lld AND reader <> 'r:%lld-4-0'",
		 (long long)(now - 10 * 86400), (long long)a, (long long)a);
	raw_sql(f->path, sql);

	/* All time: a first. */
	top(f, LOVE, 0, NULL, 10, &l, &counts);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, a);
	assert_int_equal(counts[0], 6);

	/* The last day: b (2) before a (1). */
	top(f, LOVE, now - 86400, NULL, 10, &l, &counts);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, b);
	assert_int_equal(counts[0], 2);
	assert_int_equal(l.items[1].id, a);
	assert_int_equal(counts[1], 1);

	/* Pages within the window. */
	top(f, LOVE, now - 86400, NULL, 1, &l, &counts);
	assert_int_equal(l.n, 1);
	assert_true(l.more);
	top(f, LOVE, now - 86400, &(struct top_cursor){ counts[0], l.items[0].id },
	    1, &l, &counts);
	assert_int_equal(l.n, 1);
	assert_false(l.more);
	assert_int_equal(l.items[0].id, a);

	/* Twenty days: everything again. */
	top(f, LOVE, now - 20 * 86400, NULL, 10, &l, &counts);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, a);
	assert_int_equal(counts[0], 6);

	/* A window in the future: nothing. */
	top(f, LOVE, now + 3600, NULL, 10, &l, &counts);
	assert_int_equal(l.n, 0);

	/* Any kind (-1): every reaction in the window counts. */
	react_n(f, b, WIN, 3);
	react_n(f, f->art, SCARY, 4);
	top(f, -1, now - 86400, NULL, 10, &l, &counts);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.items[0].id, b);		/* 2 love + 3 win */
	assert_int_equal(counts[0], 5);
	assert_int_equal(l.items[1].id, f->art);	/* 4 scary */
	assert_int_equal(counts[1], 4);
	assert_int_equal(l.items[2].id, a);		/* 1 recent love */
	assert_int_equal(counts[2], 1);
	top(f, -1, now - 20 * 86400, NULL, 10, &l, &counts);
	assert_int_equal(l.items[0].id, a);		/* 6 love */
	assert_int_equal(counts[0], 6);
	top(f, -1, now - 86400, &(struct top_cursor){ 5, b }, 1, &l, &counts);
	assert_int_equal(l.n, 1);
	assert_true(l.more);
	assert_int_equal(l.items[0].id, f->art);
}

/* ---- the group-commit writer ---- */

struct wjob {
	struct reaction_change ch;
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	int *done;
};

struct wstats {
	pthread_mutex_t lock;
	size_t batches, changes;
};

static void job_done(void *arg)
{
	struct wjob *j = arg;

	pthread_mutex_lock(j->lock);
	(*j->done)++;
	pthread_cond_broadcast(j->cond);
	pthread_mutex_unlock(j->lock);
}

static void after_batch(void *ctx, const struct reaction_change *ch, size_t n)
{
	struct wstats *w = ctx;

	(void)ch;
	pthread_mutex_lock(&w->lock);
	w->batches++;
	w->changes += n;
	pthread_mutex_unlock(&w->lock);
}

/* One "node" of test_two_nodes_exact_counts(): its own store handle. */
struct node {
	const char *url;
	int id;
	int rc;			/* the first failure, or 0 */
	int64_t art;
	int final[20];		/* each of its readers' kind at the end, -1 none */
};

static void *node_main(void *arg)
{
	struct node *nd = arg;
	struct reaction_change ch[10];
	char readers[10][32];
	struct store *s;
	char err[256];
	int b, k;

	if ((nd->rc = store_open(nd->url, &s, err, sizeof(err))))
		return NULL;
	for (k = 0; k < 20; k++)
		nd->final[k] = -1;
	for (b = 0; b < 40 && !nd->rc; b++) {
		for (k = 0; k < 10; k++) {
			int who = (b + k) % 20;

			snprintf(readers[k], sizeof(readers[k]), "r:n%d-%d",
				 nd->id, who);
			ch[k] = (struct reaction_change){
				.article_id = nd->art, .reader = readers[k],
				.op = (b + k) % 5 == 0 ? REACTION_CLEAR : REACTION_SET,
				.kind = (b * 3 + k + nd->id) % REACTION_KINDS,
			};
			nd->final[who] = ch[k].op == REACTION_CLEAR ? -1 : ch[k].kind;
		}
		nd->rc = store_reactions_apply(s, ch, 10);
		for (k = 0; k < 10 && !nd->rc; k++)
			nd->rc = ch[k].result;
	}
	store_close(s);
	return NULL;
}

/*
 * Two processes (two store handles, as two nodes on PostgreSQL) changing
 * the same article's reactions at once: every batch commits, and the
 * counts equal the readers holding each kind.
 */
static void test_two_nodes_exact_counts(void **state)
{
	struct fixture *f = *state;
	struct node nodes[2];
	pthread_t t[2];
	int64_t want[REACTION_KINDS] = { 0 };
	struct reaction_state st;
	int i, k;

	for (i = 0; i < 2; i++) {
		nodes[i] = (struct node){ .url = f->path, .id = i, .art = f->art };
		assert_int_equal(pthread_create(&t[i], NULL, node_main, &nodes[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(nodes[i].rc, 0);
		for (k = 0; k < 20; k++)
			if (nodes[i].final[k] >= 0)
				want[nodes[i].final[k]]++;
	}
	read_state(f, NULL, &st);
	assert_state(&st, -1, want[0], want[1], want[2], want[3], want[4],
		     want[5], want[6]);
	assert_counts_consistent(f->path);
}

/* One node of test_two_nodes_same_readers(): shared readers, crossing kinds. */
static void *shared_main(void *arg)
{
	struct node *nd = arg;
	static const char *const readers[8] = {
		"r:s0", "r:s1", "r:s2", "r:s3", "r:s4", "r:s5", "r:s6", "r:s7",
	};
	struct reaction_change ch[8];
	struct store *s;
	char err[256];
	int b, k;

	if ((nd->rc = store_open(nd->url, &s, err, sizeof(err))))
		return NULL;
	for (b = 0; b < 60 && !nd->rc; b++) {
		for (k = 0; k < 8; k++) {
			/* Node 0 goes up the kinds, node 1 down: each moves
			 * readers out of the kinds the other moves them into. */
			int kind = nd->id ? (REACTION_KINDS * 100 - b - k) % REACTION_KINDS :
					    (b + k) % REACTION_KINDS;

			ch[k] = (struct reaction_change){
				.article_id = nd->art,
				.reader = readers[nd->id ? 7 - k : k],
				.op = (b + k) % 6 == 0 ? REACTION_CLEAR :
				      (b + k) % 6 == 1 ? REACTION_TOGGLE :
				      REACTION_SET,
				.kind = kind,
			};
		}
		nd->rc = store_reactions_apply(s, ch, 8);
		for (k = 0; k < 8 && !nd->rc; k++) {
			nd->rc = ch[k].result;
			/* Every answer is a state some commit produced. */
			if (!nd->rc && (ch[k].state.total < 0 ||
					ch[k].state.total > 8))
				nd->rc = ERR_INVALID;
		}
	}
	store_close(s);
	return NULL;
}

/*
 * Two nodes changing the same readers of one article at once, one moving
 * them up the kinds while the other moves them down (reader rows and count
 * rows wanted in opposite orders, first reactions inserted by both): every
 * batch commits (no deadlock, races are run again), and afterwards the
 * counts are exactly the readers' rows.
 */
static void test_two_nodes_same_readers(void **state)
{
	struct fixture *f = *state;
	struct node nodes[2];
	pthread_t t[2];
	struct reaction_state st;
	int i;

	for (i = 0; i < 2; i++) {
		nodes[i] = (struct node){ .url = f->path, .id = i, .art = f->art };
		assert_int_equal(pthread_create(&t[i], NULL, shared_main, &nodes[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(nodes[i].rc, 0);
	}
	read_state(f, NULL, &st);
	assert_int_equal(st.total, raw_int(f->path, "SELECT count(*) FROM reactions"));
	assert_counts_consistent(f->path);
}

/* Reader keys are data: quotes, backslashes, commas and braces included. */
static void test_batch_odd_reader_keys(void **state)
{
	struct fixture *f = *state;
	static const char *const odd[5] = {
		"r:a\"b", "r:c\\d", "r:{e,f}", "NULL", "u:1 2",
	};
	struct reaction_change ch[6];
	struct reaction_state st;
	int i;

	for (i = 0; i < 5; i++)
		ch[i] = (struct reaction_change){
			.article_id = f->art, .reader = odd[i],
			.op = REACTION_SET, .kind = i,
		};
	/* The same odd reader again in the batch: a toggle off. */
	ch[5] = (struct reaction_change){
		.article_id = f->art, .reader = odd[0],
		.op = REACTION_TOGGLE, .kind = 0,
	};
	assert_int_equal(store_reactions_apply(f->s, ch, 6), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(ch[i].result, 0);
	assert_int_equal(ch[0].state.mine, 0);
	assert_int_equal(ch[5].state.mine, -1);
	assert_state(&ch[5].state, -1, 0, 1, 1, 1, 1, 0, 0);
	for (i = 1; i < 5; i++) {
		read_state(f, odd[i], &st);
		assert_int_equal(st.mine, i);
	}
	read_state(f, odd[0], &st);
	assert_int_equal(st.mine, -1);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM reactions"), 4);
	assert_counts_consistent(f->path);
}

static void test_writer(void **state)
{
	struct fixture *f = *state;
	enum { N = 300 };
	struct wjob *jobs = calloc(N, sizeof(*jobs));
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	struct wstats stats = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
	struct reaction_state st;
	char (*readers)[32] = calloc(N, 32);
	struct writer *w;
	int done = 0, i;

	w = writer_start(f->s, after_batch, &stats);
	for (i = 0; i < N; i++) {
		snprintf(readers[i], 32, "r:w%d", i);
		jobs[i].ch = (struct reaction_change){
			.article_id = i == 7 ? 424242 : f->art,
			.reader = readers[i], .op = REACTION_SET,
			.kind = i % REACTION_KINDS,
		};
		jobs[i].lock = &lock;
		jobs[i].cond = &cond;
		jobs[i].done = &done;
		writer_submit(w, &jobs[i].ch, job_done, &jobs[i]);
	}
	pthread_mutex_lock(&lock);
	while (done < N)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	writer_stop(w);

	for (i = 0; i < N; i++) {
		assert_int_equal(jobs[i].ch.result, i == 7 ? ERR_NOTFOUND : 0);
		if (i != 7)
			assert_int_equal(jobs[i].ch.state.mine, i % REACTION_KINDS);
	}
	assert_int_equal(stats.changes, N);
	assert_true(stats.batches >= 1 && stats.batches <= N);
	read_state(f, NULL, &st);
	assert_int_equal(st.total, N - 1);
	assert_counts_consistent(f->path);

	/* Stopping finishes what is queued. */
	done = 0;
	w = writer_start(f->s, NULL, NULL);
	for (i = 0; i < 20; i++) {
		jobs[i].ch = (struct reaction_change){ .article_id = f->art,
			.reader = readers[i], .op = REACTION_CLEAR };
		writer_submit(w, &jobs[i].ch, job_done, &jobs[i]);
	}
	writer_stop(w);
	assert_int_equal(done, 20);
	read_state(f, NULL, &st);
	assert_int_equal(st.total, N - 1 - 19);
	free(jobs);
	free(readers);
}

/* ---- kept anonymous blocks ---- */

/* block_get() into a fresh buffer: the kept text, or NULL on a miss. */
static char *kept(struct block_cache *bc, int64_t id, const char *slug,
		  uint64_t gen, uint64_t *ticket)
{
	static char text[64];
	struct buf b;
	bool hit;

	buf_init(&b, NULL, sizeof(text) - 1);
	hit = block_get(bc, id, slug, gen, &b, ticket);
	if (hit) {
		memcpy(text, b.data, b.len);
		text[b.len] = '\0';
	}
	buf_release(&b);
	return hit ? text : NULL;
}

static void test_block_cache(void **state)
{
	struct block_cache *bc = block_cache_new();
	uint64_t t, t2;

	(void)state;
	assert_null(kept(bc, 1, "one", 7, &t));
	block_put(bc, 1, "one", 7, "<one>", 5, t);
	assert_string_equal(kept(bc, 1, "one", 7, &t), "<one>");
	/* Another generation or slug is not the same block. */
	assert_null(kept(bc, 1, "one", 8, &t));
	assert_null(kept(bc, 1, "renamed", 7, &t));
	/* A newer rendering replaces the kept one. */
	block_put(bc, 1, "one", 8, "<one v8>", 8, t);
	assert_string_equal(kept(bc, 1, "one", 8, &t), "<one v8>");
	assert_null(kept(bc, 1, "one", 7, &t));

	/* A reaction drops the article's block, and only that one. */
	assert_null(kept(bc, 2, "two", 8, &t));
	block_put(bc, 2, "two", 8, "<two>", 5, t);
	block_drop(bc, 1);
	assert_null(kept(bc, 1, "one", 8, &t));
	assert_string_equal(kept(bc, 2, "two", 8, &t), "<two>");
	/* Articles in the same bucket stay apart. */
	assert_null(kept(bc, 2 + BLOCK_BUCKETS, "far", 8, &t));
	block_put(bc, 2 + BLOCK_BUCKETS, "far", 8, "<far>", 5, t);
	assert_string_equal(kept(bc, 2, "two", 8, &t), "<two>");
	assert_string_equal(kept(bc, 2 + BLOCK_BUCKETS, "far", 8, &t), "<far>");

	/*
	 * A block rendered after a miss, from counts read before a reaction
	 * was committed, must not be kept once that reaction's drop came
	 * first: readers would see the old counts until the next reaction.
	 */
	assert_null(kept(bc, 3, "three", 8, &t));	/* miss; counts read */
	block_drop(bc, 3);				/* a reaction lands */
	block_put(bc, 3, "three", 8, "<stale>", 7, t);	/* rendered from old counts */
	assert_null(kept(bc, 3, "three", 8, &t2));
	block_put(bc, 3, "three", 8, "<fresh>", 7, t2);
	assert_string_equal(kept(bc, 3, "three", 8, &t), "<fresh>");

	/* Over-long slugs are simply not kept. */
	{
		char slug[200];

		memset(slug, 's', sizeof(slug) - 1);
		slug[sizeof(slug) - 1] = '\0';
		assert_null(kept(bc, 4, slug, 8, &t));
		block_put(bc, 4, slug, 8, "<long>", 6, t);
		assert_null(kept(bc, 4, slug, 8, &t));
	}
	block_cache_free(bc);
	block_cache_free(NULL);
}

/* ---- rate limit ---- */

static void test_ratelimit_bucket(void **state)
{
	struct ratelimit *rl = ratelimit_new(5);
	unsigned retry = 0;
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_true(ratelimit_take(rl, "10.0.0.1", 1000, &retry));
	retry = 0;
	assert_false(ratelimit_take(rl, "10.0.0.1", 1000, &retry));
	/* One token every 12 s: the next one in 12 s (rounded up). */
	assert_in_range(retry, 12, 13);
	/* Another key has its own bucket. */
	assert_true(ratelimit_take(rl, "10.0.0.2", 1000, &retry));
	/* Still refused 11 s later; allowed once a token has refilled. */
	assert_false(ratelimit_take(rl, "10.0.0.1", 12000, &retry));
	assert_in_range(retry, 1, 2);
	assert_true(ratelimit_take(rl, "10.0.0.1", 13100, &retry));
	assert_false(ratelimit_take(rl, "10.0.0.1", 13100, &retry));
	/* After an hour, the bucket is full again but not over full. */
	for (i = 0; i < 5; i++)
		assert_true(ratelimit_take(rl, "10.0.0.1", 3600000, &retry));
	assert_false(ratelimit_take(rl, "10.0.0.1", 3600000, &retry));
	/* Refused requests use no tokens: the next one is 12 s after the
	 * last one taken, however often the client asks meanwhile. */
	for (i = 1; i < 12; i++)
		assert_false(ratelimit_take(rl, "10.0.0.1", 3600000 + i * 1000, &retry));
	assert_true(ratelimit_take(rl, "10.0.0.1", 3600000 + 12100, &retry));
	ratelimit_free(rl);
}

static void test_ratelimit_off(void **state)
{
	struct ratelimit *rl = ratelimit_new(0);
	unsigned retry = 0;
	int i;

	(void)state;
	for (i = 0; i < 10000; i++)
		assert_true(ratelimit_take(rl, "10.0.0.1", 1000, &retry));
	ratelimit_free(rl);
	ratelimit_free(NULL);
}

static void test_ratelimit_many_keys(void **state)
{
	struct ratelimit *rl = ratelimit_new(2);
	unsigned retry;
	char key[48];
	int i, refused = 0;

	(void)state;
	/* Far more keys than slots: memory is fixed, and keys still work. */
	for (i = 0; i < 4 * RATELIMIT_SLOTS; i++) {
		snprintf(key, sizeof(key), "2001:db8::%x", i);
		assert_true(ratelimit_take(rl, key, 1000 + i, &retry));
	}
	/* A key in active use keeps its bucket while others come and go. */
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "198.51.100.%d", i % 250);
		ratelimit_take(rl, key, 100000, &retry);
		if (!ratelimit_take(rl, "192.0.2.1", 100000, &retry))
			refused++;
	}
	assert_true(refused >= 190);
	/* Long keys (longer than a slot holds) work. */
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	assert_true(ratelimit_take(rl, key, 200000, &retry));
	assert_true(ratelimit_take(rl, key, 200000, &retry));
	assert_false(ratelimit_take(rl, key, 200000, &retry));
	ratelimit_free(rl);
}

/* ---- CSRF tokens ---- */

static void test_csrf_tokens(void **state)
{
	unsigned char key[CSRF_KEY_SIZE], key2[CSRF_KEY_SIZE];
	char anon[CSRF_TOKEN_SIZE], reader[CSRF_TOKEN_SIZE];
	char again[CSRF_TOKEN_SIZE], other[CSRF_TOKEN_SIZE], bad[64];

	(void)state;
	assert_true(sodium_init() >= 0);
	memset(key, 7, sizeof(key));
	memset(key2, 8, sizeof(key2));
	csrf_token(key, "", anon);
	csrf_token(key, "0123456789abcdef0123456789abcdef", reader);
	csrf_token(key, "", again);
	csrf_token(key2, "", other);

	assert_int_equal(strlen(anon), CSRF_TOKEN_SIZE - 1);
	assert_int_equal(strspn(anon, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789-_"), CSRF_TOKEN_SIZE - 1);
	assert_string_equal(anon, again);	/* deterministic */
	assert_string_not_equal(anon, reader);	/* bound to the subject */
	assert_string_not_equal(anon, other);	/* bound to the key */

	assert_true(csrf_token_ok(key, "", anon));
	assert_true(csrf_token_ok(key, "0123456789abcdef0123456789abcdef", reader));
	assert_false(csrf_token_ok(key, "", reader));
	assert_false(csrf_token_ok(key, "0123456789abcdef0123456789abcdef", anon));
	assert_false(csrf_token_ok(key, "0123456789abcdef0123456789abcdee", reader));
	assert_false(csrf_token_ok(key2, "", anon));
	assert_false(csrf_token_ok(key, "", NULL));
	assert_false(csrf_token_ok(key, "", ""));

	/* One character changed, one short, one long. */
	snprintf(bad, sizeof(bad), "%s", anon);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_false(csrf_token_ok(key, "", bad));
	snprintf(bad, sizeof(bad), "%s", anon);
	bad[CSRF_TOKEN_SIZE - 2] = '\0';
	assert_false(csrf_token_ok(key, "", bad));
	snprintf(bad, sizeof(bad), "%sA", anon);
	assert_false(csrf_token_ok(key, "", bad));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		T(test_none_lol_love_none),
		T(test_set_is_idempotent),
		T(test_toggle),
		T(test_clear_never_negative),
		T(test_counts_many_readers),
		T(test_articles_independent),
		T(test_batch_missing_article_fails_alone),
		T(test_batch_same_reader_in_order),
		T(test_batch_empty_and_results_reset),
		T(test_deleted_article_cascades),
		T(test_article_id),
		T(test_top_order_and_pages),
		T(test_top_since_window),
		T(test_writer),
		T(test_two_nodes_exact_counts),
		T(test_two_nodes_same_readers),
		T(test_batch_odd_reader_keys),
		cmocka_unit_test(test_block_cache),
		cmocka_unit_test(test_ratelimit_bucket),
		cmocka_unit_test(test_ratelimit_off),
		cmocka_unit_test(test_ratelimit_many_keys),
		cmocka_unit_test(test_csrf_tokens),
	};

	return testdb_run_groups(tests);
}
