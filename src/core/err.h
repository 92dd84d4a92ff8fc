/*
 * err.h - the project's error codes.
 *
 * Every fallible function returns int: 0 for success, one of these negative
 * values otherwise.  Only HTTP handlers turn them into statuses and only the
 * CLI turns them into exit codes; err_str() gives the words for a message.
 */
#ifndef DATELINE_ERR_H
#define DATELINE_ERR_H

enum err {
	ERR_OK = 0,
	ERR_NOMEM = -1,		/* allocation failed */
	ERR_NOTFOUND = -2,	/* no such row, file or route */
	ERR_CONFLICT = -3,	/* a unique value is already taken */
	ERR_INVALID = -4,	/* input does not have the required form */
	ERR_DB = -5,		/* the database refused or failed */
	ERR_IO = -6,		/* a read or write on a file or socket failed */
	ERR_TOOBIG = -7,	/* input is over its size limit */
	ERR_BUSY = -8,		/* try again later */
	ERR_STALE = -9,		/* optimistic lock lost: someone saved first */
	ERR_UNSUPPORTED = -10,	/* this backend or build cannot do that */
};

/* A static lower-case description of @e; never NULL. */
const char *err_str(int e);

#endif
