-- Full-text search over stories (FTS5), kept in step with articles and
-- their tags by triggers, so every writer (server, CLI, a restore) keeps
-- it right.  rowid = articles.id.  Drafts are indexed too; queries join
-- articles and show only public stories.  Stemmed English (porter), accents
-- folded; prefix indexes (2 to 5 characters) make "word*" cheap: without
-- them a prefix merges the lists of every word it starts, on every query.
CREATE VIRTUAL TABLE article_search USING fts5(
	headline, summary, body, tags, author,
	tokenize = 'porter unicode61 remove_diacritics 2',
	prefix = '2 3 4 5'
);

-- Tags written before their story (bulk loads do, to index each story
-- once) are picked up here; the server writes them after, see below.
CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
	INSERT INTO article_search (rowid, headline, summary, body, tags, author)
	VALUES (new.id, new.headline, new.summary, new.body,
		coalesce((SELECT group_concat(t.name, ' ') FROM article_tags x
			  JOIN tags t ON t.id = x.tag_id
			  WHERE x.article_id = new.id), ''),
		new.author);
END;

CREATE TRIGGER article_search_update
AFTER UPDATE OF headline, summary, body, author ON articles BEGIN
	UPDATE article_search SET headline = new.headline,
		summary = new.summary, body = new.body, author = new.author
	WHERE rowid = new.id;
END;

CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
	DELETE FROM article_search WHERE rowid = old.id;
END;

CREATE TRIGGER article_search_tag_add AFTER INSERT ON article_tags BEGIN
	UPDATE article_search SET tags = (SELECT group_concat(t.name, ' ')
		FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id = new.article_id)
	WHERE rowid = new.article_id;
END;

CREATE TRIGGER article_search_tag_drop AFTER DELETE ON article_tags BEGIN
	UPDATE article_search SET tags = coalesce((SELECT group_concat(t.name, ' ')
		FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id = old.article_id), '')
	WHERE rowid = old.article_id;
END;

CREATE TRIGGER article_search_tag_rename AFTER UPDATE OF name ON tags
WHEN new.name IS NOT old.name BEGIN
	UPDATE article_search SET tags = (SELECT group_concat(t.name, ' ')
		FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id = article_search.rowid)
	WHERE rowid IN (SELECT article_id FROM article_tags
			WHERE tag_id = new.id);
END;

INSERT INTO article_search (rowid, headline, summary, body, tags, author)
SELECT a.id, a.headline, a.summary, a.body,
	coalesce((SELECT group_concat(t.name, ' ') FROM article_tags x
		  JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id), ''),
	a.author
FROM articles a;

-- Search ranks every match by visibility and time through this covering
-- index instead of reading whole story rows.
CREATE INDEX articles_visible ON articles(id, status, published);

-- Author pages and feeds list an author's stories newest first.
CREATE INDEX articles_by_author ON articles(author, published DESC, id DESC);
