-- Languages: a story may be written in another language than the site's
-- (articles.lang, a BCP 47 tag; '' for the site's), and a newsroom user
-- may work in another language than the site's (accounts.language; ''
-- for the site's).  PostgreSQL twin of sql/sqlite/009_languages.sql.
ALTER TABLE articles ADD COLUMN lang text NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN language text NOT NULL DEFAULT '';
