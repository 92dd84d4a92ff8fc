/*
 * pg_reactions.c - reactions, most-reacted lists and shared secrets in the
 * PostgreSQL backend.
 *
 * Exact counts without triggers.  A batch of the writer is one
 * transaction (group commit) of a few set-based statements over arrays
 * (unnest), sent in libpq pipeline mode (pg_pipe.c), so that a batch of
 * any size costs two round trips to the server and one commit:
 *
 *  1. BEGIN; which of the batch's articles exist; an advisory lock per
 *     (article, reader), in key order; the rows the batch's readers hold
 *     on those articles, locked (FOR UPDATE) in key order;
 *  2. the changes worked out here, in the batch's order (one reader may
 *     change several times in a batch; TOGGLE depends on what is held),
 *     then: the readers' rows deleted, updated and inserted; the count
 *     rows moved by one INSERT ... ON CONFLICT DO UPDATE per batch, in
 *     (article, kind) order; the counts read back; one NOTIFY statement
 *     for the other nodes; COMMIT.
 *
 * Several nodes: the (article, reader) advisory locks, the reader rows and
 * the count rows are each taken in key order by every node, so two
 * batches queue instead of deadlocking, and a node never inserts a
 * reader's row that another node is inserting.  A batch that lost a race
 * anyway (an article deleted meanwhile: foreign key; a unique key or a
 * deadlock with a writer that takes no such locks) fails as a whole and
 * is run again from the start.
 * Unlike SQLite, a failed statement aborts the whole transaction, so a
 * change on a missing article is found before anything is written.
 */
#include "pg_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"

/* How often a batch that lost a race with another node is tried again. */
#define BATCH_TRIES 4
/* Size limit of one array parameter (1,024 changes need about 50 KB). */
#define ARRAY_MAX (64 * 1024 * 1024)

/* ---- PostgreSQL array literals, passed as text parameters ---- */

/* A new array literal "{" on the heap. */
static void arr_open(struct buf *b)
{
	buf_init(b, NULL, ARRAY_MAX);
	buf_addch(b, '{');
}

static void arr_sep(struct buf *b)
{
	if (b->len > 1)
		buf_addch(b, ',');
}

static void arr_int(struct buf *b, int64_t v)
{
	arr_sep(b);
	buf_printf(b, "%lld", (long long)v);
}

/* A text element, always quoted: " and \ escaped. */
static void arr_text(struct buf *b, const char *s)
{
	arr_sep(b);
	buf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

/* Close the literal; ERR_TOOBIG when it outgrew ARRAY_MAX. */
static int arr_close(struct buf *b)
{
	buf_addch(b, '}');
	return b->overflow ? ERR_TOOBIG : 0;
}

/* ---- one batch ---- */

/* One (article, reader) of the batch, and what it holds. */
struct pair {
	int64_t article;
	const char *reader;
	int before;		/* the kind held at the lock, -1 for none */
	int now;		/* while the changes apply; at the end: after */
	bool article_ok;	/* the article exists */
};

struct batch {
	struct reaction_change *ch;
	size_t n;
	struct pair *pairs;	/* sorted by article, then reader (bytes) */
	size_t npairs;
	size_t *pair_of;	/* per change: its pair (valid changes only) */
	int64_t *arts;		/* the distinct articles, ascending */
	bool *live;		/* per article: a change on it succeeded */
	size_t narts;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->article != y->article)
		return x->article < y->article ? -1 : 1;
	return strcmp(x->reader, y->reader);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static struct pair *find_pair(struct batch *b, int64_t article,
			      const char *reader)
{
	struct pair key = { .article = article, .reader = reader };

	return bsearch(&key, b->pairs, b->npairs, sizeof(key), cmp_pair);
}

static size_t find_art(const struct batch *b, int64_t article)
{
	int64_t *p = bsearch(&article, b->arts, b->narts, sizeof(article),
			     cmp_id);

	return p ? (size_t)(p - b->arts) : (size_t)-1;
}

/* The distinct pairs and articles of the valid changes; false: none. */
static bool batch_init(struct batch *b, struct reaction_change *ch, size_t n)
{
	size_t i, k;

	memset(b, 0, sizeof(*b));
	b->ch = ch;
	b->n = n;
	b->pairs = xcalloc(n ? n : 1, sizeof(*b->pairs));
	b->pair_of = xcalloc(n ? n : 1, sizeof(*b->pair_of));
	b->arts = xcalloc(n ? n : 1, sizeof(*b->arts));
	b->live = xcalloc(n ? n : 1, sizeof(*b->live));
	for (i = 0; i < n; i++)
		if (!ch[i].result)
			b->pairs[b->npairs++] = (struct pair){
				ch[i].article_id, ch[i].reader, -1, -1, false,
			};
	qsort(b->pairs, b->npairs, sizeof(*b->pairs), cmp_pair);
	for (i = k = 0; i < b->npairs; i++)
		if (!k || cmp_pair(&b->pairs[i], &b->pairs[k - 1]))
			b->pairs[k++] = b->pairs[i];
	b->npairs = k;
	for (i = 0; i < b->npairs; i++)
		if (!b->narts || b->arts[b->narts - 1] != b->pairs[i].article)
			b->arts[b->narts++] = b->pairs[i].article;
	for (i = 0; i < n; i++)
		if (!ch[i].result)
			b->pair_of[i] = (size_t)(find_pair(b, ch[i].article_id,
							   ch[i].reader) -
						 b->pairs);
	return b->npairs > 0;
}

static void batch_free(struct batch *b)
{
	free(b->pairs);
	free(b->pair_of);
	free(b->arts);
	free(b->live);
}

/* Step 1's answers: which articles exist, what the readers hold. */
static void batch_read(struct batch *b, PGresult *arts, PGresult *held)
{
	bool *ok = xcalloc(b->narts, sizeof(*ok));
	int i, rows;
	size_t j;

	rows = PQntuples(arts);
	for (i = 0; i < rows; i++)
		if ((j = find_art(b, pg_int(arts, i, 0))) != (size_t)-1)
			ok[j] = true;
	for (j = 0; j < b->npairs; j++)
		b->pairs[j].article_ok = ok[find_art(b, b->pairs[j].article)];
	free(ok);
	rows = PQntuples(held);
	for (i = 0; i < rows; i++) {
		struct pair *pr = find_pair(b, pg_int(held, i, 0),
					    PQgetvalue(held, i, 1));

		if (pr)
			pr->before = pr->now = (int)pg_int(held, i, 2);
	}
}

/* Apply the changes in order to what is held; each gets its own answer. */
static void batch_apply(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct reaction_change *ch = &b->ch[i];
		struct pair *pr;
		int target;

		if (ch->result)
			continue;
		pr = &b->pairs[b->pair_of[i]];
		if (!pr->article_ok) {
			ch->result = ERR_NOTFOUND;
			continue;
		}
		target = ch->op == REACTION_CLEAR ? -1 :
			 ch->op == REACTION_TOGGLE && pr->now == ch->kind ? -1 :
			 ch->kind;
		pr->now = target;
		ch->state.mine = target;
	}
}

/* The array parameters of one write statement. */
struct rows {
	struct buf a, rd, k;
	size_t n;
};

static void rows_open(struct rows *w)
{
	arr_open(&w->a);
	arr_open(&w->rd);
	arr_open(&w->k);
	w->n = 0;
}

static void rows_free(struct rows *w)
{
	buf_release(&w->a);
	buf_release(&w->rd);
	buf_release(&w->k);
}

static int rows_close(struct rows *w)
{
	int r = arr_close(&w->a);

	if (!r)
		r = arr_close(&w->rd);
	if (!r)
		r = arr_close(&w->k);
	return r;
}

/* Send @q over @w when it has rows: the first @n of (a, rd, k, now). */
static int rows_send(struct pgpipe *p, struct dbq *q, struct rows *w,
		     int64_t now, size_t n)
{
	int r;

	if (!w->n)
		return 0;
	if ((r = rows_close(w)))
		return r;
	return pg_pipe_send(p, q, (const struct dbv[]){ DB_T(w->a.data),
			    DB_T(w->rd.data), DB_T(w->k.data), DB_I(now) }, n);
}

static struct dbq q_rx_delete = DBQ_PG(
	"DELETE FROM reactions r USING unnest($1::bigint[], $2::text[]) AS u(a, rd)"
	" WHERE r.article_id = u.a AND r.reader = u.rd");
static struct dbq q_rx_update = DBQ_PG(
	"UPDATE reactions r SET kind = u.k, created = $4::bigint"
	" FROM unnest($1::bigint[], $2::text[], $3::int[]) AS u(a, rd, k)"
	" WHERE r.article_id = u.a AND r.reader = u.rd");
/* No ON CONFLICT: a row another node inserted meanwhile fails the batch. */
static struct dbq q_rx_insert = DBQ_PG(
	"INSERT INTO reactions (article_id, reader, kind, created)"
	" SELECT u.a, u.rd, u.k, $4::bigint"
	" FROM unnest($1::bigint[], $2::text[], $3::int[]) AS u(a, rd, k)"
	" ORDER BY u.a, u.rd");
/*
 * The proposed row of a negative move would break CHECK (count >= 0)
 * before ON CONFLICT is considered, so it proposes 0 and the update takes
 * the move from the arrays.  Rows are taken in (article, kind) order.
 */
static struct dbq q_rx_counts_move = DBQ_PG(
	"INSERT INTO reaction_counts AS rc (article_id, kind, count)"
	" SELECT d.a, d.k, greatest(d.n, 0)"
	" FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS d(a, k, n)"
	" ORDER BY d.a, d.k"
	" ON CONFLICT (article_id, kind) DO UPDATE SET count = rc.count +"
	" (SELECT d.n FROM unnest($1::bigint[], $2::int[], $3::bigint[])"
	" AS d(a, k, n) WHERE d.a = excluded.article_id"
	" AND d.k = excluded.kind)");
static struct dbq q_rx_counts_read = DBQ_PG(
	"SELECT article_id, kind, count FROM reaction_counts"
	" WHERE article_id = ANY($1::bigint[])");

/*
 * Step 2: the writes of the batch, the counts read back, the events and
 * COMMIT, into pipeline @p.  @live gets the articles with a successful
 * change (a literal).
 */
static int batch_send_writes(struct pg_store *s, struct pgpipe *p,
			     struct batch *b, struct buf *live)
{
	struct rows del, upd, ins, mv;
	int64_t now = time_now(), moves[REACTION_KINDS];
	size_t i, j;
	int r, k;

	rows_open(&del);
	rows_open(&upd);
	rows_open(&ins);
	rows_open(&mv);	/* a = article, rd = kind, k = move */
	for (i = 0; i < b->npairs; i = j) {
		memset(moves, 0, sizeof(moves));
		for (j = i; j < b->npairs && b->pairs[j].article ==
						 b->pairs[i].article; j++) {
			struct pair *pr = &b->pairs[j];
			struct rows *w;

			if (!pr->article_ok || pr->before == pr->now)
				continue;
			if (pr->before >= 0)
				moves[pr->before]--;
			if (pr->now >= 0)
				moves[pr->now]++;
			w = pr->now < 0 ? &del : pr->before < 0 ? &ins : &upd;
			arr_int(&w->a, pr->article);
			arr_text(&w->rd, pr->reader);
			arr_int(&w->k, pr->now);
			w->n++;
		}
		for (k = 0; k < REACTION_KINDS; k++) {
			if (!moves[k])
				continue;
			arr_int(&mv.a, b->pairs[i].article);
			arr_int(&mv.rd, k);
			arr_int(&mv.k, moves[k]);
			mv.n++;
		}
	}
	arr_open(live);
	for (i = 0; i < b->narts; i++)
		b->live[i] = false;
	for (j = 0; j < b->n; j++)
		if (!b->ch[j].result)
			b->live[find_art(b, b->ch[j].article_id)] = true;
	for (i = 0; i < b->narts; i++)
		if (b->live[i])
			arr_int(live, b->arts[i]);
	r = arr_close(live);
	if (!r)
		r = rows_send(p, &q_rx_delete, &del, now, 2);
	if (!r)
		r = rows_send(p, &q_rx_update, &upd, now, 4);
	if (!r)
		r = rows_send(p, &q_rx_insert, &ins, now, 4);
	if (!r && mv.n && !(r = rows_close(&mv)))
		r = pg_pipe_query(p, &q_rx_counts_move, DB_T(mv.a.data),
				  DB_T(mv.rd.data), DB_T(mv.k.data));
	if (!r && live->len > 2) {
		r = pg_pipe_query(p, &q_rx_counts_read, DB_T(live->data));
		if (!r)
			r = pg_notify_reactions(s, p, live->data);
	}
	if (!r)
		r = pg_pipe_send_plain(p, "COMMIT");
	rows_free(&del);
	rows_free(&upd);
	rows_free(&ins);
	rows_free(&mv);
	return r;
}

/* The counts as of the commit, given to every successful change. */
static void batch_answer(struct batch *b, PGresult *counts)
{
	struct reaction_state *st = xcalloc(b->narts, sizeof(*st));
	size_t i, a;
	int row, rows = PQntuples(counts);

	for (row = 0; row < rows; row++) {
		int k = (int)pg_int(counts, row, 1);

		a = find_art(b, pg_int(counts, row, 0));
		if (a == (size_t)-1 || k < 0 || k >= REACTION_KINDS)
			continue;
		st[a].counts[k] = pg_int(counts, row, 2);
		st[a].total += st[a].counts[k];
	}
	for (i = 0; i < b->n; i++) {
		struct reaction_change *ch = &b->ch[i];
		int mine = ch->state.mine;

		if (ch->result)
			continue;
		ch->state = st[find_art(b, ch->article_id)];
		ch->state.mine = mine;
	}
	free(st);
}

/*
 * For this transaction only: the batch's statements find rows by key, and
 * must do so whatever the size of the table was when a connection first
 * planned them (a generic plan made while the table was small used a
 * hash join over a sequential scan of every reaction, and kept it).
 */
static struct dbq q_rx_plan = DBQ_PG(
	"SELECT set_config('enable_seqscan', 'off', true),"
	" set_config('enable_hashjoin', 'off', true),"
	" set_config('enable_mergejoin', 'off', true)");
/*
 * A transaction-scoped advisory lock per (article, reader) of the batch,
 * taken in key order before anything is read: a reader's first reaction
 * has no row to lock yet, so without it two nodes could both insert it
 * (and one batch fail on the unique key).  With it, the second node waits
 * for the first one's commit and then finds the row.  Two 32-bit keys, a
 * key space apart from the one-key locks of migrations and the publisher.
 */
static struct dbq q_rx_guard = DBQ_PG(
	"SELECT count(pg_advisory_xact_lock(l.k1, l.k2)) FROM"
	" (SELECT DISTINCT (u.a % 2147483648)::int AS k1, hashtext(u.rd) AS k2"
	" FROM unnest($1::bigint[], $2::text[]) AS u(a, rd) ORDER BY 1, 2) AS l");
static struct dbq q_rx_articles = DBQ_PG(
	"SELECT id FROM articles WHERE id = ANY($1::bigint[])");
static struct dbq q_rx_lock = DBQ_PG(
	"SELECT r.article_id, r.reader, r.kind"
	" FROM unnest($1::bigint[], $2::text[]) AS u(a, rd)"
	" JOIN reactions r ON r.article_id = u.a AND r.reader = u.rd"
	" ORDER BY r.article_id, r.reader FOR UPDATE OF r");

/* One try of the whole batch in one transaction. */
static int apply_batch(struct pg_store *s, struct pgconn *c,
		       struct reaction_change *changes, size_t n)
{
	struct buf arts, pa, prd, live;
	struct batch b;
	struct pgpipe p;
	size_t i;
	int r;

	if (!batch_init(&b, changes, n)) {
		batch_free(&b);
		return 0;	/* nothing valid: nothing to do */
	}
	arr_open(&arts);
	arr_open(&pa);
	arr_open(&prd);
	buf_init(&live, NULL, ARRAY_MAX);
	for (i = 0; i < b.narts; i++)
		arr_int(&arts, b.arts[i]);
	for (i = 0; i < b.npairs; i++) {
		arr_int(&pa, b.pairs[i].article);
		arr_text(&prd, b.pairs[i].reader);
	}
	if ((r = arr_close(&arts)) || (r = arr_close(&pa)) ||
	    (r = arr_close(&prd)))
		goto out_bufs;
	if ((r = pg_pipe_begin(&p, c)))
		goto out_bufs;

	/* 1. BEGIN, the articles, the readers' rows locked. */
	pg_pipe_send_plain(&p, "BEGIN");
	pg_pipe_send(&p, &q_rx_plan, NULL, 0);
	pg_pipe_query(&p, &q_rx_articles, DB_T(arts.data));
	pg_pipe_query(&p, &q_rx_guard, DB_T(pa.data), DB_T(prd.data));
	pg_pipe_query(&p, &q_rx_lock, DB_T(pa.data), DB_T(prd.data));
	if ((r = pg_pipe_sync(&p)))
		goto out;
	batch_read(&b, pg_pipe_result(&p, &q_rx_articles),
		   pg_pipe_result(&p, &q_rx_lock));
	pg_pipe_clear(&p);

	/* 2. The changes, in order; the writes; COMMIT. */
	batch_apply(&b);
	if ((r = batch_send_writes(s, &p, &b, &live))) {
		if (!p.err)
			pg_pipe_sync(&p);	/* read what was sent */
		goto out;
	}
	if ((r = pg_pipe_sync(&p)))
		goto out;
	if (live.len > 2)
		batch_answer(&b, pg_pipe_result(&p, &q_rx_counts_read));
out:
	r = pg_pipe_end(&p) ? p.err : r;
	if (r && !c->broken && PQtransactionStatus(c->db) != PQTRANS_IDLE)
		pg_exec(c, "ROLLBACK");
out_bufs:
	buf_release(&arts);
	buf_release(&pa);
	buf_release(&prd);
	buf_release(&live);
	batch_free(&b);
	return r;
}

int pg_reactions_apply(struct store *base, struct reaction_change *changes,
		       size_t n)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = NULL;
	int *given = xcalloc(n, sizeof(*given));
	size_t i;
	int r = ERR_DB, tries;

	for (i = 0; i < n; i++)
		given[i] = changes[i].result;	/* ERR_INVALID from store.c */
	for (tries = 0; tries < BATCH_TRIES; tries++) {
		if (!(c = pg_conn_get(s)))
			break;
		for (i = 0; i < n; i++)
			changes[i].result = given[i];
		r = apply_batch(s, c, changes, n);
		pg_conn_put(s, c);
		if (r != ERR_BUSY && r != ERR_CONFLICT)
			break;
		log_warn("reaction batch of %zu lost a race; trying again", n);
	}
	free(given);
	store_count_error(base, r);	/* its statements bypass db.c */
	return r;
}
