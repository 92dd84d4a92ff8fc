-- The sections the masthead lists (store_sections(): each section's
-- published stories counted) read from an index that holds every column
-- the count needs, not from the stories' rows: at 100,000 stories the
-- query read every story with its body, 0.4 to 0.7 s warm and about 4 s
-- from a cold disk, on the first page after every publish; from this
-- index 20 to 50 ms.  Only published stories with a section are in it.
CREATE INDEX articles_sections ON articles (section_slug, published,
	section, status) WHERE status = 1 AND section_slug <> '';
