-- Search finds a word from its beginning ("coordinat" finds
-- "coordination"), but a story's vector held only stems ("coordin"): it
-- now holds each word as written as well (dateline_simple, each part with
-- its weight), and every story's vector is made again.
-- PostgreSQL twin of sql/sqlite/020_prefix_words.sql (FTS5 there).
CREATE OR REPLACE FUNCTION dateline_search_vector(cfg regconfig,
	headline text, tags_text text, author text, summary text, body text)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
	SELECT setweight(to_tsvector(cfg, headline), 'A') ||
		setweight(to_tsvector(cfg, tags_text || ' ' || author), 'B') ||
		setweight(to_tsvector(cfg, summary), 'C') ||
		setweight(to_tsvector(cfg, body), 'D') ||
		setweight(to_tsvector('dateline_simple', headline), 'A') ||
		setweight(to_tsvector('dateline_simple',
			tags_text || ' ' || author), 'B') ||
		setweight(to_tsvector('dateline_simple', summary), 'C') ||
		setweight(to_tsvector('dateline_simple', body), 'D')
$$;

UPDATE articles SET search = dateline_search_vector(dateline_ts_config(lang),
	headline, tags_text, author, summary, body);
