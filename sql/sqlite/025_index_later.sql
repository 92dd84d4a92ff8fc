-- A batch of stories (an import) is indexed for search once, at its end,
-- instead of story by story: the triggers that index a story ask
-- dl_index_now(id) first (src/store/sqlite_fts.c).  It says yes, except on
-- a connection inside a batch, which notes the story and indexes the
-- noted ones before it commits.  The function is registered by the
-- server and the CLI on every connection and by the "dateline-fts"
-- extension in the sqlite3 shell.  SQLite only: PostgreSQL's search
-- column is computed with its row.
DROP TRIGGER article_search_insert;
CREATE TRIGGER article_search_insert AFTER INSERT ON articles
WHEN dl_index_now(new.id) BEGIN
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

DROP TRIGGER article_search_update;
CREATE TRIGGER article_search_update
AFTER UPDATE OF headline, summary, body, author, lang ON articles
WHEN dl_index_now(new.id) BEGIN
	UPDATE article_search SET lang = char(1) || coalesce(nullif(new.lang,
			''), (SELECT value FROM meta WHERE key = 'language'),
			'en'),
		headline = new.headline, summary = new.summary,
		body = new.body, author = new.author
	WHERE rowid = new.id;
END;

DROP TRIGGER article_search_tag_add;
CREATE TRIGGER article_search_tag_add AFTER INSERT ON article_tags
WHEN (new.pos = 0 OR EXISTS (SELECT 1 FROM article_tags
	WHERE article_id = new.article_id AND pos = 0))
	AND dl_index_now(new.article_id) BEGIN
	UPDATE article_search SET tags = (SELECT group_concat(t.name, ' ')
		FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id = new.article_id)
	WHERE rowid = new.article_id;
END;

DROP TRIGGER article_search_tag_drop;
CREATE TRIGGER article_search_tag_drop AFTER DELETE ON article_tags
WHEN NOT EXISTS (SELECT 1 FROM article_tags
	WHERE article_id = old.article_id)
	AND dl_index_now(old.article_id) BEGIN
	UPDATE article_search SET tags = '' WHERE rowid = old.article_id;
END;
