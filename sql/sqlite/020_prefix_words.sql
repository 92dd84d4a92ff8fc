-- Search finds a word from its beginning ("coordinat" finds
-- "coordination"), but the index held only stems ("coordin"): the
-- "dateline" tokenizer (src/store/sqlite_fts.c) now indexes each word as
-- written as well, at its stem's position.  The index is built again from
-- the table's own text, so that what it holds is what the tokenizer gives
-- (FTS5 removes a row's words by tokenizing its text again).
-- PostgreSQL twin: sql/postgres/020_prefix_words.sql.
INSERT INTO article_search (article_search) VALUES ('rebuild');
