-- The twin of sql/sqlite/026_list_indexes.sql: the masthead's sections,
-- the sections sitemap and the sitemap index's parts read from indexes
-- holding every column they need (index-only scans), not from the
-- stories' rows.
CREATE INDEX articles_sections ON articles (section_slug, published,
	section, status, update_marked) WHERE status = 1 AND section_slug <> '';
CREATE INDEX articles_public ON articles (published, id, update_marked)
	WHERE status = 1;
