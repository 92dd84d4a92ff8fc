-- Static pages (About, Contact, Imprint): a title, a Markdown body, a
-- slug and an optional parent page; no date, section, reactions or
-- comments.  A page answers at its @path, its ancestors' slugs and its
-- own joined by "/" ("about/team" answers at /about/team/), kept here so
-- that a request finds its page with one lookup; changing a slug or a
-- parent rewrites the paths below it (store_pages.c).
--
-- status: 0 a draft, 1 published.  owner_id: the account that made it
-- (authors edit their own; editors all).
CREATE TABLE pages (
	id        INTEGER PRIMARY KEY,
	slug      TEXT NOT NULL,
	parent_id INTEGER REFERENCES pages(id) ON DELETE SET NULL,
	path      TEXT NOT NULL UNIQUE,
	title     TEXT NOT NULL,
	body      TEXT NOT NULL,
	status    INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 1),
	owner_id  INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
	created   INTEGER NOT NULL,
	updated   INTEGER NOT NULL,
	version   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pages_parent ON pages(parent_id);

-- import_items may now also map a WordPress page (kind 2) to a page.
CREATE TABLE import_items_new (
	source   TEXT NOT NULL,
	kind     INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 2),
	wp_id    INTEGER NOT NULL,
	local_id INTEGER NOT NULL,
	PRIMARY KEY (source, kind, wp_id)
) WITHOUT ROWID;
INSERT INTO import_items_new SELECT source, kind, wp_id, local_id
	FROM import_items;
DROP TABLE import_items;
ALTER TABLE import_items_new RENAME TO import_items;

-- A redirect to an address that moves follows it (store_redirect_set()):
-- found by its target, not by reading them all.
CREATE INDEX redirects_target ON redirects(target);

-- A story's tags are indexed for search once, not once per tag: each
-- change of the index row re-indexes the whole story (its body too).
-- The store writes a story's tags from the last to the first (pos 0
-- last), so the index is written when pos 0 comes; a writer that goes
-- from the first still gets every tag indexed (pos 0 is there by then).
-- Clearing a story's tags re-indexes once, when the last one goes.
DROP TRIGGER article_search_tag_add;
CREATE TRIGGER article_search_tag_add AFTER INSERT ON article_tags
WHEN new.pos = 0 OR EXISTS (SELECT 1 FROM article_tags
	WHERE article_id = new.article_id AND pos = 0) BEGIN
	UPDATE article_search SET tags = (SELECT group_concat(t.name, ' ')
		FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id = new.article_id)
	WHERE rowid = new.article_id;
END;
DROP TRIGGER article_search_tag_drop;
CREATE TRIGGER article_search_tag_drop AFTER DELETE ON article_tags
WHEN NOT EXISTS (SELECT 1 FROM article_tags
	WHERE article_id = old.article_id) BEGIN
	UPDATE article_search SET tags = '' WHERE rowid = old.article_id;
END;
