-- Languages: a story may be written in another language than the site's
-- (articles.lang, a BCP 47 tag; '' for the site's), and a newsroom user
-- may work in another language than the site's (accounts.language; ''
-- for the site's).
ALTER TABLE articles ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT '';
