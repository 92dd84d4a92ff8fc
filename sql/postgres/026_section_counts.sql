-- The twin of sql/sqlite/026_section_counts.sql: the sections the
-- masthead lists are counted from an index that holds every column the
-- count needs (an index-only scan), not from the stories' rows.
CREATE INDEX articles_sections ON articles (section_slug, published,
	section, status) WHERE status = 1 AND section_slug <> '';
