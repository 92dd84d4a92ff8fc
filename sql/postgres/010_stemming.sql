-- Search stems each story in its language: a text search configuration
-- per stemmed language (Snowball, no stop words, as "dateline" is for
-- English in 006_search.sql; "dateline_simple" unstemmed for the rest),
-- chosen per story by dateline_ts_config() from articles.lang, or from
-- the site's language (meta.language, kept by the server:
-- store_site_language()) for a story without its own.  The vector is now
-- kept by a trigger, since a generated column cannot read meta.
-- PostgreSQL twin of sql/sqlite/010_stemming.sql (FTS5 there).
CREATE TEXT SEARCH DICTIONARY dateline_german_stem (TEMPLATE = snowball,
	Language = german);
CREATE TEXT SEARCH CONFIGURATION dateline_german (COPY = german);
ALTER TEXT SEARCH CONFIGURATION dateline_german ALTER MAPPING FOR asciiword,
	asciihword, hword_asciipart, word, hword, hword_part
	WITH dateline_german_stem;
CREATE TEXT SEARCH DICTIONARY dateline_french_stem (TEMPLATE = snowball,
	Language = french);
CREATE TEXT SEARCH CONFIGURATION dateline_french (COPY = french);
ALTER TEXT SEARCH CONFIGURATION dateline_french ALTER MAPPING FOR asciiword,
	asciihword, hword_asciipart, word, hword, hword_part
	WITH dateline_french_stem;
CREATE TEXT SEARCH DICTIONARY dateline_arabic_stem (TEMPLATE = snowball,
	Language = arabic);
CREATE TEXT SEARCH CONFIGURATION dateline_arabic (COPY = arabic);
ALTER TEXT SEARCH CONFIGURATION dateline_arabic ALTER MAPPING FOR asciiword,
	asciihword, hword_asciipart, word, hword, hword_part
	WITH dateline_arabic_stem;
CREATE TEXT SEARCH CONFIGURATION dateline_simple (COPY = simple);

INSERT INTO meta (key, value) VALUES ('language', 'en')
	ON CONFLICT (key) DO NOTHING;

-- The configuration of BCP 47 tag @tag ('' : the site's language).
CREATE FUNCTION dateline_ts_config(tag text) RETURNS regconfig
LANGUAGE sql STABLE AS $$
	SELECT CASE lower(split_part(replace(coalesce(nullif(tag, ''),
			(SELECT value FROM meta WHERE key = 'language'), 'en'),
			'_', '-'), '-', 1))
		WHEN 'en' THEN 'dateline'::regconfig
		WHEN 'de' THEN 'dateline_german'::regconfig
		WHEN 'fr' THEN 'dateline_french'::regconfig
		WHEN 'ar' THEN 'dateline_arabic'::regconfig
		ELSE 'dateline_simple'::regconfig END
$$;

-- A story's weighted vector: headline A, tags and author B, summary C,
-- body D.
CREATE FUNCTION dateline_search_vector(cfg regconfig, headline text,
	tags_text text, author text, summary text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
	SELECT setweight(to_tsvector(cfg, headline), 'A') ||
		setweight(to_tsvector(cfg, tags_text || ' ' || author), 'B') ||
		setweight(to_tsvector(cfg, summary), 'C') ||
		setweight(to_tsvector(cfg, body), 'D')
$$;

DROP INDEX articles_search;
ALTER TABLE articles DROP COLUMN search;
ALTER TABLE articles ADD COLUMN search tsvector;
UPDATE articles SET search = dateline_search_vector(dateline_ts_config(lang),
	headline, tags_text, author, summary, body);
CREATE INDEX articles_search ON articles USING gin (search);

CREATE FUNCTION articles_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.search := dateline_search_vector(dateline_ts_config(NEW.lang),
		NEW.headline, NEW.tags_text, NEW.author, NEW.summary, NEW.body);
	RETURN NEW;
END $$;
CREATE TRIGGER articles_search_vector
	BEFORE INSERT OR UPDATE OF headline, summary, body, author, tags_text,
	lang ON articles FOR EACH ROW EXECUTE FUNCTION articles_search_vector();
