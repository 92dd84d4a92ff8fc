-- A revision keeps the story's language (articles.lang, 009_languages),
-- so that restoring it brings that back too and the diff shows a change
-- of language.  Revisions saved before this column existed take the
-- story's language as it is now: the best that is known of them.
ALTER TABLE revisions ADD COLUMN lang TEXT NOT NULL DEFAULT '';
UPDATE revisions SET lang = (SELECT a.lang FROM articles a
	WHERE a.id = revisions.article_id);
