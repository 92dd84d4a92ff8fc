/*
 * cli_outbox.c - "dateline outbox list|retry|drop": the operator's view
 * of the mail queue.  list shows every queued message (waiting, or failed
 * for good with the reason); retry makes a message due now (a running
 * server's sender takes it within seconds); drop deletes it unsent.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "mail/outbox.h"
#include "store/store.h"

/* The outbox as `list` reads it (the columns of sql/{sqlite,postgres}/003). */
static const char *const outbox_cols[] = {
	"id", "recipient", "created", "attempts", "next_attempt", "last_error",
};
static const struct copy_table outbox_t = {
	"outbox", outbox_cols, 6, "itiiit", 1,
};

/* How many rows `list` reads at a time. */
#define LIST_BATCH 500

static const char *cell_text(struct arena *a, const struct copy_cell *c)
{
	return c->kind == CELL_BYTES ? arena_strndup(a, c->p, c->len) : "";
}

/* One line a message: ID STATE ATTEMPTS CREATED NEXT RECIPIENT ERROR. */
static int outbox_list(struct store *s)
{
	struct arena *a = arena_new(0);
	struct copy_cell *rows, *after = NULL;
	size_t n, i;
	int r;

	printf("ID\tSTATE\tATTEMPTS\tQUEUED\tNEXT\tTO\tLAST ERROR\n");
	do {
		if ((r = store_copy_read(s, a, &outbox_t, after, LIST_BATCH,
					 &rows, &n)))
			break;
		for (i = 0; i < n; i++) {
			const struct copy_cell *row = rows + i * 6;
			bool failed = row[4].i >= MAIL_FAILED_AT;

			printf("%" PRId64 "\t%s\t%" PRId64 "\t%s\t%s\t%s\t%s\n",
			       row[0].i, failed ? "failed" : "waiting",
			       row[3].i, time_iso(a, row[2].i),
			       failed ? "-" : time_iso(a, row[4].i),
			       cell_text(a, &row[1]), cell_text(a, &row[5]));
		}
		after = n ? &rows[(n - 1) * 6] : NULL;
	} while (n == LIST_BATCH);
	arena_free(a);
	if (r)
		fprintf(stderr, "error: cannot read the outbox: %s\n", err_str(r));
	return r ? 1 : 0;
}

/* Whether message @id is in the outbox. */
static int outbox_has(struct store *s, int64_t id, bool *found)
{
	struct arena *a = arena_new(0);
	struct copy_cell after = { .kind = CELL_INT, .i = id - 1 }, *rows;
	size_t n;
	int r = store_copy_read(s, a, &outbox_t, &after, 1, &rows, &n);

	*found = !r && n == 1 && rows[0].i == id;
	arena_free(a);
	return r;
}

static int outbox_change(struct store *s, const char *what, const char *arg)
{
	long id;
	bool found;
	int r;

	if (opt_number(arg, 1, LONG_MAX, &id)) {
		fprintf(stderr, "error: '%s' is not a message id (see 'dateline"
			" outbox list')\n", arg);
		return 2;
	}
	if ((r = outbox_has(s, id, &found)) || !found) {
		if (r)
			fprintf(stderr, "error: cannot read the outbox: %s\n",
				err_str(r));
		else
			fprintf(stderr, "error: no message %ld in the outbox\n",
				id);
		return 1;
	}
	r = !strcmp(what, "drop") ? store_outbox_sent(s, id) :
	    store_outbox_retry(s, id, time_now(), "retried by the operator");
	if (r) {
		fprintf(stderr, "error: cannot change message %ld: %s\n", id,
			err_str(r));
		return 1;
	}
	printf("%ld %s\n", id, !strcmp(what, "drop") ? "dropped" :
	       "due now");
	return 0;
}

int cmd_outbox(int argc, char **argv)
{
	const char *db = NULL, *pos[2];
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH|URL", "the site database: a SQLite file path or a postgres:// URL", &db, NULL },
		{ 0 },
	};
	struct store *s;
	int npos, r;

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline outbox list --db DB\n"
			    "       dateline outbox retry --db DB ID\n"
			    "       dateline outbox drop --db DB ID\n\n"
			    "list:  the queued mail, waiting or failed for good, tab-separated\n"
			    "retry: send message ID again now (also a failed one)\n"
			    "drop:  delete message ID unsent",
			    pos, 2, &npos)) >= 0)
		return r;
	if ((r = cli_start(db)) >= 0)
		return r;
	if (!(npos == 1 && !strcmp(pos[0], "list")) &&
	    !(npos == 2 && (!strcmp(pos[0], "retry") || !strcmp(pos[0], "drop")))) {
		fprintf(stderr, "error: expected 'outbox list', 'outbox retry ID'"
			" or 'outbox drop ID' (try --help)\n");
		return 2;
	}
	if (cli_open_store(db, &s))
		return 1;
	r = npos == 1 ? outbox_list(s) : outbox_change(s, pos[0], pos[1]);
	store_close(s);
	return r;
}
