-- Search stems each story in its language: the FTS5 table of
-- 006_search.sql made again with the "dateline" tokenizer
-- (src/store/sqlite_fts.c: Snowball stemmers, accents folded) and a first
-- column "lang" that tells the tokenizer the story's language ("\x01"
-- and a tag; it yields no words).  A story without its own language
-- (articles.lang '') is in the site's, which the server keeps in
-- meta.language (store_site_language()); 'en' until a server has run.
-- Every connection that writes stories needs the tokenizer: the server
-- and the CLI register it, the sqlite3 shell loads it
-- (".load dateline-fts").
-- The triggers of the tags and the one of deletions name only the table
-- and its columns rowid and tags, which stay: only the two that write
-- whole rows change.
DROP TRIGGER article_search_insert;
DROP TRIGGER article_search_update;
DROP TABLE article_search;

INSERT INTO meta (key, value) VALUES ('language', 'en')
	ON CONFLICT (key) DO NOTHING;

CREATE VIRTUAL TABLE article_search USING fts5(
	lang, headline, summary, body, tags, author,
	tokenize = 'dateline',
	prefix = '2 3 4 5'
);

CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
	INSERT INTO article_search (rowid, lang, headline, summary, body, tags,
		author)
	VALUES (new.id, char(1) || coalesce(nullif(new.lang, ''),
			(SELECT value FROM meta WHERE key = 'language'), 'en'),
		new.headline, new.summary, new.body,
		coalesce((SELECT group_concat(t.name, ' ') FROM article_tags x
			  JOIN tags t ON t.id = x.tag_id
			  WHERE x.article_id = new.id), ''),
		new.author);
END;

CREATE TRIGGER article_search_update
AFTER UPDATE OF headline, summary, body, author, lang ON articles BEGIN
	UPDATE article_search SET lang = char(1) || coalesce(nullif(new.lang,
			''), (SELECT value FROM meta WHERE key = 'language'),
			'en'),
		headline = new.headline, summary = new.summary,
		body = new.body, author = new.author
	WHERE rowid = new.id;
END;

INSERT INTO article_search (rowid, lang, headline, summary, body, tags, author)
SELECT a.id, char(1) || coalesce(nullif(a.lang, ''), 'en'), a.headline,
	a.summary, a.body,
	coalesce((SELECT group_concat(t.name, ' ') FROM article_tags x
		  JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id), ''),
	a.author
FROM articles a;
