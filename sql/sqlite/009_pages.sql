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
