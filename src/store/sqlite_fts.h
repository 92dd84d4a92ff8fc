/*
 * sqlite_fts.h - the "dateline" FTS5 tokenizer (sqlite_fts.c): words
 * stemmed in each story's language (Snowball), accents folded; a query's
 * words also as their stems in every language stemmed.  SQLite engine
 * code: only sqlite.c and the sqlite3 shell extension use it.
 */
#ifndef DATELINE_SQLITE_FTS_H
#define DATELINE_SQLITE_FTS_H

struct sqlite3;

/*
 * Make the tokenizer "dateline" known to connection @db (needed before
 * the article_search table is read or written).  SQLITE_OK, or an SQLite
 * error code (SQLITE_ERROR: no FTS5).
 */
int sqlite_fts_register(struct sqlite3 *db);

#endif
