/*
 * cli_backup.c - "dateline backup --db DB --to FILE": a copy of a SQLite
 * site taken while it serves (store_backup()), then opened as a site to
 * prove it: schema current, secrets readable, articles and accounts
 * counted.  PostgreSQL sites are refused with a pointer to pg_dump.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

static const char *const articles_cols[] = { "id" };
static const char *const accounts_cols[] = { "id" };
static const struct copy_table articles_t = { "articles", articles_cols, 1, "i", 1 };
static const struct copy_table accounts_t = { "accounts", accounts_cols, 1, "i", 1 };

/* Open the copy as a site; print what it holds.  0 or 1. */
static int verify(const char *to)
{
	struct store *s;
	char err[512];
	unsigned char secret[32];
	int64_t arts = 0, accts = 0;
	int r;

	if (store_open(to, &s, err, sizeof(err))) {
		fprintf(stderr, "error: the copy does not open: %s\n", err);
		return 1;
	}
	r = store_check_schema(s);
	if (!r)
		r = store_secret(s, "csrf", secret, sizeof(secret));
	if (!r)
		r = store_copy_count(s, &articles_t, &arts);
	if (!r)
		r = store_copy_count(s, &accounts_t, &accts);
	store_close(s);
	if (r) {
		fprintf(stderr, "error: the copy '%s' is not a usable site: %s\n",
			to, err_str(r));
		return 1;
	}
	printf("%s: verified, %" PRId64 " articles, %" PRId64 " accounts\n", to,
	       arts, accts);
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	const char *db = NULL, *to = NULL, *pos[1];
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH", "the site database (a SQLite file; it may be serving)", &db, NULL },
		{ "to", NULL, "FILE", "the copy to make (must not exist; created 0600)", &to, NULL },
		{ 0 },
	};
	char err[512];
	int npos, r;

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline backup --db PATH --to FILE\n\n"
			    "Copy a SQLite site database while it serves (SQLite's online\n"
			    "backup API), check the copy and open it.  PostgreSQL: use\n"
			    "pg_dump or pg_basebackup (docs/deployment.md).",
			    pos, 0, &npos)) >= 0)
		return r;
	if ((r = cli_start(db)) >= 0)
		return r;
	if (!to || !*to) {
		fprintf(stderr, "error: no copy given (use --to FILE)\n");
		return 2;
	}
	if ((r = store_backup(db, to, err, sizeof(err)))) {
		fprintf(stderr, "error: %s\n", err);
		return r == ERR_UNSUPPORTED ? 2 : 1;
	}
	return verify(to);
}
