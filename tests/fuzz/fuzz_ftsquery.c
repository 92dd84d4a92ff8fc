/*
 * fuzz_ftsquery.c - libFuzzer driver for the reader's search text
 * translator (src/store/fts_query.c).
 *
 * The oracle is SQLite itself: every expression the translator writes is
 * run as an FTS5 MATCH against a small in-memory table with the same
 * tokenizer as the site's index, and must never be a syntax error (with
 * exclusions and the last word's prefix group too).  The
 * output must also hold only the characters the grammar allows and be
 * stable (translating the same text twice gives the same bytes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/arena.h"
#include "core/buf.h"
#include "store/fts_query.h"
#include "store/sqlite_fts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *st;

static void open_db(void)
{
	if (sqlite3_open(":memory:", &db) || sqlite_fts_register(db, NULL) ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(lang, a, b,"
			 " tokenize = 'dateline', prefix = '2 3 4 5');"
			 "INSERT INTO t VALUES (char(1) || 'en',"
			 " 'harbour cranes NEAR the port',"
			 " 'caf\xC3\xA9 \xE5\x8C\x97\xE4\xBA\xAC storm surge');",
			 NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(db, "SELECT rowid, bm25(t) FROM t WHERE t MATCH ?1",
			       -1, &st, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct buf b, again;
	int parts, rc;
	size_t i;

	if (!db)
		open_db();
	buf_init(&b, a, 64 * 1024);
	buf_init(&again, a, 64 * 1024);
	parts = fts_query_translate((const char *)data, size, &b);
	if (parts < 0 || parts > FTS_QUERY_MAX_PARTS)
		abort();
	if (fts_query_translate((const char *)data, size, &again) != parts ||
	    strcmp(b.data, again.data))
		abort();
	if (!parts != !b.len)
		abort();
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if (c < 0x80 && c != '"' && c != '*' && c != ' ' &&
		    c != '(' && c != ')' &&
		    !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
		    !(c >= 'A' && c <= 'Z'))
			abort();
	}
	if (parts) {
		sqlite3_bind_text(st, 1, b.data, (int)b.len, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			abort();	/* an expression FTS5 refused */
		sqlite3_reset(st);
	}
	arena_free(a);
	return 0;
}
