/*
 * sqlite_fts.h - the "dateline" FTS5 tokenizer (sqlite_fts.c): words
 * stemmed in each story's language (Snowball), accents folded; a query's
 * words also as their stems in every language stemmed.  SQLite engine
 * code: only sqlite.c and the sqlite3 shell extension use it.
 */
#ifndef DATELINE_SQLITE_FTS_H
#define DATELINE_SQLITE_FTS_H

struct sqlite3;
struct fts_defer;

/*
 * Make the tokenizer "dateline" and the triggers' function dl_index_now()
 * known to connection @db (needed before the article_search table is
 * read or written).  *@defer (when not NULL) is the connection's list of
 * stories to index later, freed with the connection.  SQLITE_OK, or an
 * SQLite error code (SQLITE_ERROR: no FTS5).
 */
int sqlite_fts_register(struct sqlite3 *db, struct fts_defer **defer);

/*
 * While @on, the triggers that index a story (sql/sqlite/025) note it in
 * @d instead; turning it off forgets what was noted.
 */
void sqlite_fts_defer(struct fts_defer *d, int on);

/*
 * Index the stories noted in @d (their old index rows replaced), in the
 * connection's open transaction, and forget them.  SQLITE_OK or an
 * SQLite error code (the transaction should then roll back).
 */
int sqlite_fts_flush(struct sqlite3 *db, struct fts_defer *d);

#endif
