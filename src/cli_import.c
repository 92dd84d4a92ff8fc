/*
 * cli_import.c - "dateline import wordpress --db DB FILE.xml": bring a
 * WordPress site's export in (src/import/import.h has the rules).
 *
 * On a terminal, standard error shows a progress line (items a second,
 * how much of the file is read, the time left) redrawn at most a few
 * times a second; warnings go to standard error as they come, and the
 * summary to standard output at the end.  --dry-run reads and converts
 * everything and prints the same summary, writing nothing.
 * --comment-depth is the site's (serve --comment-depth): a reply nested
 * deeper joins an ancestor.  The import runs at a lower CPU priority
 * (--nice, default 10; its threads inherit it), so a live site it writes
 * into keeps serving its readers first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "import/import.h"
#include "import/import_write.h"
#include "store/store.h"

/* How often the progress line is redrawn. */
#define PROGRESS_EVERY_NS 250000000L

struct cli_import {
	const char *file, *uploads;
	int depth;
	bool tty;
	uint64_t size;
	struct timespec started, shown;
	int pass;
	long warnings_shown;
};

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void on_warn(void *ctx, const char *msg)
{
	struct cli_import *ci = ctx;

	fprintf(stderr, "%swarning: %s: %s\n", ci->tty ? "\r\033[K" : "",
		ci->file, msg);
	ci->warnings_shown++;
}

static void on_progress(void *ctx, int pass, uint64_t done, uint64_t size,
			long items)
{
	struct cli_import *ci = ctx;
	double t, rate, pct, eta;

	(void)size;
	if (!ci->tty)
		return;
	if (pass != ci->pass) {	/* each pass's first line is shown */
		ci->pass = pass;
		clock_gettime(CLOCK_MONOTONIC, &ci->started);
	} else if (seconds_since(&ci->shown) * 1e9 < PROGRESS_EVERY_NS) {
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ci->shown);
	t = seconds_since(&ci->started);
	/* A rate over less than a quarter second says little: not above. */
	rate = (double)items / (t > 0.25 ? t : 0.25);
	pct = ci->size ? 100.0 * (double)done / (double)ci->size : 100;
	if (pct > 100)
		pct = 100;
	eta = pct > 0 ? t * (100 - pct) / pct : 0;
	fprintf(stderr, "\r\033[K%s: %ld items, %.0f items/s, %.0f%% read,"
		" ETA %d:%02d", pass == 1 ? "checking" : "importing", items,
		rate, pct, (int)eta / 60, (int)eta % 60);
}

/* Whether the upload @path (relative, from the export) is a readable file. */
static int photo_exists(void *ctx, const char *path)
{
	struct cli_import *ci = ctx;
	struct stat st;
	char *full;
	int ok;

	if (!ci->uploads || path[0] == '/' || strstr(path, "..") ||
	    asprintf(&full, "%s/%s", ci->uploads, path) < 0)
		return 0;
	ok = !stat(full, &st) && S_ISREG(st.st_mode) && !access(full, R_OK);
	free(full);
	return ok;
}

static int run_import(struct cli_import *ci, const char *db, bool dry_run)
{
	struct imp_sink sink = { ci, NULL, NULL, photo_exists };
	struct imp_opts o = { ci->file, &sink, on_warn, on_progress, ci };
	struct imp_writer *w = NULL;
	struct imp_summary sum;
	struct store *s = NULL;
	struct stat st;
	char err[512];
	int r;

	if (!dry_run) {
		if (cli_open_store(db, &s))
			return 1;
		if (imp_writer_new(s, ci->uploads, ci->depth, &w, &sink)) {
			fprintf(stderr, "error: the image library cannot start\n");
			store_close(s);
			return 1;
		}
	}
	ci->tty = isatty(2);
	ci->size = !stat(ci->file, &st) ? (uint64_t)st.st_size : 0;
	r = imp_run(&o, &sum, err, sizeof(err));
	imp_writer_free(w);
	store_close(s);
	if (ci->tty)
		fprintf(stderr, "\r\033[K");
	if (r) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (dry_run)
		printf("dry run: nothing was written\n");
	imp_summary_print(&sum, stdout);
	return 0;
}

int cmd_import(int argc, char **argv)
{
	const char *db = NULL, *uploads = NULL, *depth = "3", *pos[3];
	int dry_run = 0, npos, r;
	long niceness = 10;
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH|URL", "the site database", &db, NULL },
		{ "uploads", "DATELINE_UPLOADS", "DIR",
		  "a copy of the site's wp-content/uploads, for its photos",
		  &uploads, NULL },
		{ "dry-run", NULL, NULL, "read and check everything, write nothing",
		  NULL, &dry_run },
		{ "comment-depth", "DATELINE_COMMENT_DEPTH", "N",
		  "replies nest at most N deep (1 to 10); deeper ones join an"
		  " ancestor", &depth, NULL },
		{ "nice", "DATELINE_IMPORT_NICE", "N", "run at this much lower CPU"
		  " priority (default 10: a live site serves its readers"
		  " first)", .num = &niceness, .min = 0, .max = 19 },
		{ 0 },
	};
	struct cli_import ci = { 0 };

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline import wordpress --db PATH FILE.xml"
			    " [--uploads DIR] [--dry-run]\n\n"
			    "Bring in a WordPress export (Tools > Export, WXR 1.0"
			    " to 1.2): posts as\nstories, pages as static pages,"
			    " authors, comments and photos; see\n"
			    "docs/migrating.md.",
			    pos, 3, &npos)) >= 0)
		return r;
	if (npos < 1 || strcmp(pos[0], "wordpress")) {
		fprintf(stderr, npos ? "error: unknown import source '%s'"
			" (wordpress)\n" : "error: expected 'import wordpress"
			" FILE.xml' (try --help)%s\n", npos ? pos[0] : "");
		return 2;
	}
	if (npos != 2) {
		fprintf(stderr, "error: 'import wordpress' needs one FILE.xml\n");
		return 2;
	}
	if (strspn(depth, "0123456789") != strlen(depth) || atoi(depth) < 1 ||
	    atoi(depth) > 10) {
		fprintf(stderr, "error: --comment-depth wants a number from 1 to"
			" 10\n");
		return 2;
	}
	if (!dry_run && (r = cli_start(db)) >= 0)
		return r;
	/* Before any thread starts: threads inherit a thread's nice value. */
	errno = 0;
	if (niceness && nice((int)niceness) == -1 && errno)
		fprintf(stderr, "warning: cannot lower the priority: %s\n",
			strerror(errno));
	ci.depth = atoi(depth);
	ci.file = pos[1];
	ci.uploads = uploads;
	return run_import(&ci, db, dry_run);
}
