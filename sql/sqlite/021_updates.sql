-- Updates readers are told of, and corrections.
--
-- articles.updated moves on every save (the newsroom lists by it);
-- update_marked is the time of the last change an editor marked as an
-- update (0: never), which the story page shows as "Updated", and which
-- dateModified, the feeds' updated and the sitemaps' lastmod follow.
-- Stories saved before this column existed keep what readers saw: a
-- story changed after its publication showed "Updated" then.
ALTER TABLE articles ADD COLUMN update_marked INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET update_marked = updated
	WHERE version > 1 AND updated > published;

-- A correction an editor appended to a story: shown at its end, in the
-- feeds and in its structured data, dated, never edited or removed.
CREATE TABLE corrections (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	created    INTEGER NOT NULL,
	body       text NOT NULL
);
CREATE INDEX corrections_by_article ON corrections(article_id, id);
