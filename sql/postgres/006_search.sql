-- Full-text search over stories: a weighted tsvector per story (headline
-- A, tags and author B, summary C, body D; English stemming), generated
-- from the row, so every writer keeps it right, with a GIN index.  The
-- tags are copied into articles.tags_text by triggers on article_tags and
-- tags.  Drafts are indexed too; queries show only public stories.
-- PostgreSQL twin of sql/sqlite/006_search.sql (FTS5 there).
--
-- The text search configuration "dateline" is English with Snowball
-- stemming but no stop words: like FTS5, every word a reader types must
-- be in the story ("and", "not" too).
CREATE TEXT SEARCH DICTIONARY dateline_stem (TEMPLATE = snowball,
	Language = english);
CREATE TEXT SEARCH CONFIGURATION dateline (COPY = english);
ALTER TEXT SEARCH CONFIGURATION dateline ALTER MAPPING FOR asciiword,
	asciihword, hword_asciipart, word, hword, hword_part WITH dateline_stem;

ALTER TABLE articles ADD COLUMN tags_text text NOT NULL DEFAULT '';
UPDATE articles a SET tags_text = coalesce((SELECT string_agg(t.name, ' '
	ORDER BY x.pos) FROM article_tags x JOIN tags t ON t.id = x.tag_id
	WHERE x.article_id = a.id), '');
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
	setweight(to_tsvector('dateline', headline), 'A') ||
	setweight(to_tsvector('dateline', tags_text || ' ' || author), 'B') ||
	setweight(to_tsvector('dateline', summary), 'C') ||
	setweight(to_tsvector('dateline', body), 'D')) STORED;
CREATE INDEX articles_search ON articles USING gin (search);

CREATE FUNCTION article_tags_text(article bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE articles SET tags_text = coalesce((SELECT string_agg(t.name, ' '
		ORDER BY x.pos) FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id = article), '')
	WHERE id = article;
$$;

CREATE FUNCTION article_tags_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM article_tags_text(OLD.article_id);
		RETURN OLD;
	END IF;
	PERFORM article_tags_text(NEW.article_id);
	RETURN NEW;
END $$;
CREATE TRIGGER article_tags_search AFTER INSERT OR DELETE ON article_tags
	FOR EACH ROW EXECUTE FUNCTION article_tags_search();

CREATE FUNCTION tags_rename_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.name IS DISTINCT FROM OLD.name THEN
		PERFORM article_tags_text(x.article_id) FROM article_tags x
			WHERE x.tag_id = NEW.id;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER tags_rename_search AFTER UPDATE OF name ON tags
	FOR EACH ROW EXECUTE FUNCTION tags_rename_search();

-- Search filters on visibility and time through this covering index.
CREATE INDEX articles_visible ON articles(id, status, published);

-- Author pages and feeds list an author's stories newest first.
CREATE INDEX articles_by_author ON articles(author, published DESC, id DESC);
