/*
 * sqlite_backup.c - `dateline backup`: a consistent copy of a SQLite site
 * while servers read and write it, with SQLite's online backup API.
 *
 * The copy is made in one backup step: in WAL mode that is one read
 * transaction (writers go on; the copy is the database as of its start),
 * where small steps would start over after every write of another
 * process.  It goes to DEST.part, is checked (PRAGMA integrity_check) and
 * renamed into place only when whole.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

/* "ok" from PRAGMA integrity_check on @db, else the first problem. */
static int integrity(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r = ERR_DB;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v && !strcmp(v, "ok"))
			r = 0;
		else
			snprintf(err, errlen, "the copy fails its integrity"
				 " check: %s", v ? v : "?");
	} else {
		snprintf(err, errlen, "cannot check the copy: %s",
			 sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return r;
}

int store_backup(const char *url, const char *dest, char *err, size_t errlen)
{
	const char *path = store_sqlite_path(url);
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	char part[4096];
	int fd, rc, r = ERR_IO;

	if (!path) {
		snprintf(err, errlen, "'dateline backup' copies SQLite files;"
			 " back PostgreSQL up with pg_dump or pg_basebackup"
			 " (docs/deployment.md)");
		return ERR_UNSUPPORTED;
	}
	if (access(dest, F_OK) == 0) {
		snprintf(err, errlen, "'%s' exists; give a new file", dest);
		return ERR_CONFLICT;
	}
	snprintf(part, sizeof(part), "%s.part", dest);
	unlink(part);
	/* The copy holds the same secrets: 0600 whatever the umask. */
	if ((fd = open(part, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", part,
			 strerror(errno));
		return ERR_IO;
	}
	close(fd);
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", src && dst ? part :
			 path, sqlite3_errmsg(dst ? dst : src));
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	if (!(b = sqlite3_backup_init(dst, "main", src, "main"))) {
		snprintf(err, errlen, "cannot start the backup: %s",
			 sqlite3_errmsg(dst));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "the backup failed: %s", sqlite3_errstr(rc));
		goto out;
	}
	/* One file: no -wal beside the copy. */
	sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if ((r = integrity(dst, err, errlen)))
		goto out;
	if (rename(part, dest)) {
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", part, dest,
			 strerror(errno));
		r = ERR_IO;
	}
out:
	sqlite3_close(src);
	sqlite3_close(dst);
	if (r)
		unlink(part);
	return r;
}
