/*
 * cli_copy.c - "dateline copy --from DB --to DB": move a whole site
 * between databases (a SQLite file and PostgreSQL, either way, or two of
 * a kind).
 *
 * The destination is migrated first.  Then every table, parents before
 * children, is read from the source in key order, a batch at a time, and
 * written in one transaction per batch; a row already there is left, so
 * running the same copy again after an interruption continues where it
 * stopped and ends with the same result.  Ids are kept (URLs, threads,
 * feed GUIDs).  Counts kept by triggers on the destination (comment
 * counts, likes, reports and their "reviewed" mark, reaction counts) are
 * set from the source at the end, so a trigger that fired while copying never counts twice.  Last,
 * PostgreSQL's identity sequences move past the copied ids, the
 * destination's content version moves (running servers drop caches), and
 * every table's rows are counted on both sides.
 *
 * A destination must be empty, or a destination of an earlier copy of the
 * same source (a fingerprint of the source's secrets is kept in the
 * destination's secrets): two sites are never mixed.
 */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define COLS(...) (const char *const[]){ __VA_ARGS__ }, \
	(int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

/* A table to copy: how, and how many rows a batch holds. */
struct step {
	struct copy_table t;
	enum copy_mode mode;
	size_t batch;		/* 0: --batch */
	bool counted;		/* compared row by row count at the end */
};

/* Parents before children; ids before what refers to them. */
static const struct step steps[] = {
	{ { "secrets", COLS("name", "value"), "tb", 1 }, COPY_REPLACE, 0, false },
	{ { "media", COLS("key", "type", "width", "height", "data", "created"),
	    "ttiibi", 1 }, COPY_KEEP, 8, true },
	{ { "tags", COLS("id", "slug", "name"), "itt", 1 }, COPY_KEEP, 0, true },
	{ { "accounts", COLS("id", "email", "name", "password", "role",
	    "verified", "created", "updated", "banned", "reply_mail",
	    "language", "bounced", "bounce_reason"),
	    "ittttiiiiitit", 1 }, COPY_KEEP, 0, true },
	{ { "articles", COLS("id", "slug", "headline", "summary", "dateline",
	    "body", "author", "section", "section_slug", "photo_key",
	    "caption", "credit", "photo_alt", "status", "published",
	    "created", "updated", "version", "comment_count", "comment_mode",
	    "comments_closed", "stage", "owner_id", "lang", "update_marked"),
	    "ittttttttttttiiiiiiiiiiti", 1 }, COPY_KEEP, 0, true },
	{ { "corrections", COLS("id", "article_id", "created", "body"), "iiit",
	    1 }, COPY_KEEP, 0, true },
	{ { "article_tags", COLS("article_id", "tag_id", "pos"), "iii", 2 },
	  COPY_KEEP, 0, true },
	/* Parents are set at the end: a page may be older than its parent. */
	{ { "pages", COLS("id", "slug", "path", "title", "body", "status",
	    "owner_id", "created", "updated", "version"), "ittttiiiii", 1 },
	  COPY_KEEP, 0, true },
	{ { "photo_variants", COLS("photo_key", "type", "width", "height",
	    "media_key"), "ttiit", 3 }, COPY_KEEP, 0, true },
	{ { "revisions", COLS("id", "article_id", "version", "account_id",
	    "who", "created", "stage", "slug", "headline", "summary",
	    "dateline", "section", "tags", "author", "body", "photo_key",
	    "caption", "credit", "photo_alt", "published", "lang"),
	    "iiiitiittttttttttttit", 1 }, COPY_KEEP, 0, true },
	{ { "reactions", COLS("article_id", "reader", "kind", "created"),
	    "itii", 2 }, COPY_KEEP, 0, true },
	{ { "reaction_counts", COLS("article_id", "kind", "count"), "iii", 2 },
	  COPY_REPLACE, 0, true },
	{ { "page_views", COLS("article_id", "day", "views"), "iii", 2 },
	  COPY_REPLACE, 0, true },
	{ { "comments", COLS("id", "article_id", "parent_id", "root_id",
	    "depth", "account_id", "body", "html", "body_hash", "status",
	    "likes", "reports", "reviewed", "ip", "created", "edited",
	    "guest_name", "guest_email"),
	    "iiiiiitttiiiitiitt", 1 }, COPY_KEEP, 0, true },
	{ { "comment_likes", COLS("comment_id", "account_id"), "ii", 2 },
	  COPY_KEEP, 0, true },
	{ { "import_items", COLS("source", "kind", "wp_id", "local_id"), "tiii",
	    3 }, COPY_KEEP, 0, true },
	{ { "redirects", COLS("path", "target", "created"), "tti", 1 },
	  COPY_KEEP, 0, true },
	{ { "comment_reports", COLS("comment_id", "account_id", "created"),
	    "iii", 2 }, COPY_KEEP, 0, true },
	{ { "account_tokens", COLS("hash", "account_id", "purpose", "email",
	    "expires"), "titti", 1 }, COPY_KEEP, 0, true },
	{ { "sessions", COLS("hash", "account_id", "created", "seen"), "tiii",
	    1 }, COPY_KEEP, 0, true },
	{ { "outbox", COLS("id", "recipient", "message", "created", "attempts",
	    "next_attempt", "last_error"), "ittiiit", 1 }, COPY_KEEP, 0, true },
	/* Counts kept by the destination's triggers, set from the source. */
	{ { "articles", COLS("id", "comment_count"), "ii", 1 }, COPY_UPDATE, 0,
	  false },
	{ { "comments", COLS("id", "likes", "reports", "reviewed"), "iiii", 1 },
	  COPY_UPDATE, 0, false },
	{ { "pages", COLS("id", "parent_id"), "ii", 1 }, COPY_UPDATE, 0, false },
};

static const struct copy_table secrets_t = {
	"secrets", COLS("name", "value"), "tb", 1,
};
static const struct copy_table versions_t = {
	"schema_migrations", COLS("version", "applied"), "ii", 1,
};

#define MARKER "copy-source"

/* Whether @a and @b name one database (URLs as written, files by path). */
static bool same_database(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!strncmp(a, "sqlite:", 7))
		a += 7;
	if (!strncmp(b, "sqlite:", 7))
		b += 7;
	if (!strcmp(a, b))
		return true;
	if (strstr(a, "://") || strstr(b, "://"))
		return false;
	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/* Every row of @t (a small table) into *rows, *n. */
static int read_all(struct store *s, struct arena *a,
		    const struct copy_table *t, struct copy_cell **rows,
		    size_t *n)
{
	return store_copy_read(s, a, t, NULL, 100000, rows, n);
}

/* The newest migration applied to @s. */
static int schema_of(struct store *s, struct arena *a, int64_t *v)
{
	struct copy_cell *rows;
	size_t n, i;
	int r = read_all(s, a, &versions_t, &rows, &n);

	*v = 0;
	for (i = 0; !r && i < n; i++)
		if (rows[i * 2].kind == CELL_INT && rows[i * 2].i > *v)
			*v = rows[i * 2].i;
	return r;
}

/* A fingerprint of the source's secrets (its marker left out). */
static int fingerprint(struct store *s, struct arena *a,
		       unsigned char out[crypto_generichash_BYTES])
{
	crypto_generichash_state h;
	struct copy_cell *rows;
	size_t n, i;
	int r = read_all(s, a, &secrets_t, &rows, &n);

	if (r)
		return r;
	crypto_generichash_init(&h, NULL, 0, crypto_generichash_BYTES);
	for (i = 0; i < n; i++) {
		const struct copy_cell *name = &rows[2 * i], *val = &rows[2 * i + 1];

		if (name->kind != CELL_BYTES || !strcmp(name->p, MARKER) ||
		    val->kind != CELL_BYTES)
			continue;
		crypto_generichash_update(&h, name->p, name->len + 1);
		crypto_generichash_update(&h, val->p, val->len);
	}
	crypto_generichash_final(&h, out, crypto_generichash_BYTES);
	return 0;
}

/*
 * May the copy write into @dst?  Empty, or marked as a copy of this
 * source.  1 when it holds another site (the message printed).
 */
static int destination_ok(struct store *dst, struct arena *a,
			  const unsigned char *fp)
{
	struct copy_cell *rows;
	size_t n, i;
	int64_t total = 0, c;
	int r;

	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		if (!steps[i].counted)
			continue;
		if ((r = store_copy_count(dst, &steps[i].t, &c)))
			return r;
		total += c;
	}
	if (!total)
		return 0;
	if ((r = read_all(dst, a, &secrets_t, &rows, &n)))
		return r;
	for (i = 0; i < n; i++)
		if (rows[2 * i].kind == CELL_BYTES &&
		    !strcmp(rows[2 * i].p, MARKER) &&
		    rows[2 * i + 1].len == crypto_generichash_BYTES &&
		    !memcmp(rows[2 * i + 1].p, fp, crypto_generichash_BYTES))
			return 0;	/* an earlier copy of this source */
	fprintf(stderr, "error: the destination already holds a site that is"
		" not a copy of this source (%lld rows); copy into an empty"
		" database\n", (long long)total);
	return 1;
}

/* Mark @dst as a copy of the source with fingerprint @fp. */
static int mark_destination(struct store *dst, const unsigned char *fp)
{
	struct copy_cell mark[2] = {
		{ .kind = CELL_BYTES, .p = MARKER, .len = strlen(MARKER) },
		{ .kind = CELL_BYTES, .p = fp, .len = crypto_generichash_BYTES },
	};

	return store_copy_write(dst, &secrets_t, mark, 1, COPY_REPLACE);
}

/* Copy one table; prints its line.  @left counts batches (test hook). */
static int copy_table(struct store *src, struct store *dst,
		      const struct step *st, size_t batch, long *left)
{
	const struct copy_table *t = &st->t;
	struct copy_cell *after = NULL;
	struct arena *keys = arena_new(4096);
	int64_t total = 0;
	int r = 0;

	for (;;) {
		struct arena *a = arena_new(256 * 1024);
		struct copy_cell *rows;
		size_t n, k;

		if (*left == 0) {
			arena_free(a);
			r = ERR_BUSY;	/* stopped on purpose */
			break;
		}
		if (!(r = store_copy_read(src, a, t, after, batch, &rows, &n)) &&
		    n)
			r = store_copy_write(dst, t, rows, n, st->mode);
		if (r || !n) {
			arena_free(a);
			break;
		}
		/* The last key read: where the next batch starts. */
		after = arena_alloc(keys, (size_t)t->nkeys * sizeof(*after));
		for (k = 0; k < (size_t)t->nkeys; k++) {
			after[k] = rows[(n - 1) * t->ncols + k];
			if (after[k].kind == CELL_BYTES) {
				char *p = arena_alloc(keys, after[k].len + 1);

				memcpy(p, after[k].p, after[k].len + 1);
				after[k].p = p;
			}
		}
		total += (int64_t)n;
		if (*left > 0)
			(*left)--;
		arena_free(a);
		if (n < batch)
			break;
	}
	arena_free(keys);
	if (!r)
		printf("  %-16s %10lld %s\n", t->name, (long long)total,
		       st->mode == COPY_UPDATE ? "counts set" : "rows");
	return r;
}

/* Row counts on both sides; 0 when every table matches. */
static int verify(struct store *src, struct store *dst)
{
	int64_t a, b;
	size_t i;
	int bad = 0, r;

	printf("%-16s %12s %12s\n", "table", "source", "destination");
	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		if (!steps[i].counted)
			continue;
		if ((r = store_copy_count(src, &steps[i].t, &a)) ||
		    (r = store_copy_count(dst, &steps[i].t, &b))) {
			fprintf(stderr, "error: cannot count %s: %s\n",
				steps[i].t.name, err_str(r));
			return 1;
		}
		printf("%-16s %12lld %12lld%s\n", steps[i].t.name, (long long)a,
		       (long long)b, a == b ? "" : "  DIFFERENT");
		bad |= a != b;
	}
	if (bad)
		fprintf(stderr, "error: the destination's counts differ from the"
			" source's (was a server writing to either?)\n");
	return bad;
}

int cmd_copy(int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *batch_s = "500", *pos[1];
	int npos, r, code = 1, applied;
	const struct opt opts[] = {
		{ "from", "DATELINE_COPY_FROM", "DB", "the site to copy: a SQLite file or a postgres:// URL", &from, NULL },
		{ "to", "DATELINE_COPY_TO", "DB", "where to copy it (created and migrated if needed; must be empty or an earlier copy of the same site)", &to, NULL },
		{ "batch", "DATELINE_COPY_BATCH", "N", "rows per transaction (default 500)", &batch_s, NULL },
		{ 0 },
	};
	unsigned char fp[crypto_generichash_BYTES];
	struct store *src = NULL, *dst = NULL;
	struct arena *a = arena_new(64 * 1024);
	const char *stop = getenv("DATELINE_TEST_COPY_BATCHES");
	long left = stop && *stop ? atol(stop) : -1;
	int64_t vs, vd;
	char err[512], *end;
	long batch;
	size_t i;

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline copy --from DB --to DB [--batch N]"
			    "\n\n"
			    "Copy a whole site (stories, photos, accounts with"
			    " their sessions,\nreactions, comments, queued mail"
			    " and the site's secrets) into\nanother database,"
			    " e.g. from SQLite to PostgreSQL.  Ids are kept.\n"
			    "Run it again after an interruption: it goes on"
			    " where it stopped.\nStop the servers of the source"
			    " first: rows written during the copy\nmay be"
			    " missed (the counts at the end would say so).",
			    pos, 0, &npos)) >= 0)
		goto out_free;
	code = 2;
	if (!from || !to || !*from || !*to) {
		fprintf(stderr, "error: give both --from and --to\n");
		goto out_free;
	}
	batch = strtol(batch_s, &end, 10);
	if (*end || batch < 1 || batch > 100000) {
		fprintf(stderr, "error: --batch wants 1 to 100000 rows\n");
		goto out_free;
	}
	if (same_database(from, to)) {
		fprintf(stderr, "error: --from and --to name the same database\n");
		goto out_free;
	}
	code = 1;
	if (sodium_init() < 0) {
		fprintf(stderr, "error: libsodium cannot start\n");
		goto out_free;
	}
	if ((r = store_open(from, &src, err, sizeof(err)))) {
		fprintf(stderr, "error: --from: %s\n", err);
		goto out;
	}
	if (store_check_schema(src)) {
		fprintf(stderr, "error: the source needs migrating first: run"
			" 'dateline migrate --db %s'\n", from);
		goto out;
	}
	if ((r = store_open(to, &dst, err, sizeof(err)))) {
		fprintf(stderr, "error: --to: %s\n", err);
		goto out;
	}
	if ((r = store_migrate(dst, &applied))) {
		fprintf(stderr, "error: cannot migrate the destination: %s\n",
			err_str(r));
		goto out;
	}
	if ((r = schema_of(src, a, &vs)) || (r = schema_of(dst, a, &vd)))
		goto failed;
	if (vs > vd) {
		fprintf(stderr, "error: the source was made by a newer dateline"
			" (schema %lld, this one knows %lld)\n", (long long)vs,
			(long long)vd);
		goto out;
	}
	if ((r = fingerprint(src, a, fp)))
		goto failed;
	if ((r = destination_ok(dst, a, fp))) {
		if (r != 1)
			goto failed;
		goto out;
	}
	printf("copying into the destination (%d migration%s applied)\n",
	       applied, applied == 1 ? "" : "s");
	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		r = copy_table(src, dst, &steps[i], steps[i].batch ?
			       steps[i].batch : (size_t)batch, &left);
		if (!r && i == 0)	/* after the secrets: this source's mark */
			r = mark_destination(dst, fp);
		if (r == ERR_BUSY && left == 0) {
			fprintf(stderr, "stopped after the batches"
				" DATELINE_TEST_COPY_BATCHES allowed\n");
			code = 3;
			goto out;
		}
		if (r) {
			fprintf(stderr, "error: copying %s failed: %s (run the"
				" same command again to go on)\n",
				steps[i].t.name, err_str(r));
			goto out;
		}
	}
	if ((r = store_copy_done(dst)))
		goto failed;
	if (verify(src, dst))
		goto out;
	printf("done: every table has as many rows as the source\n");
	code = 0;
	goto out;
failed:
	fprintf(stderr, "error: %s\n", err_str(r));
out:
	store_close(src);
	store_close(dst);
out_free:
	arena_free(a);
	return code;
}
