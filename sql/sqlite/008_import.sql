-- Imports from other systems (dateline import wordpress) and the old
-- addresses that must keep working.
--
-- import_items: what each exported item became, keyed by the export's
-- site address and the item's own id there, so an export imported again
-- updates what it made instead of adding it twice.  kind: 0 a post (an
-- article), 1 a comment.
CREATE TABLE import_items (
	source   TEXT NOT NULL,
	kind     INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 1),
	wp_id    INTEGER NOT NULL,
	local_id INTEGER NOT NULL,
	PRIMARY KEY (source, kind, wp_id)
) WITHOUT ROWID;

-- redirects: an address that answers 301 to @target, looked up only when
-- the address would otherwise be a 404.  @path is "/2011/01/post" (no
-- trailing slash but for "/") or "/?p=12" (WordPress's id addresses).
CREATE TABLE redirects (
	path    TEXT PRIMARY KEY,
	target  TEXT NOT NULL,
	created INTEGER NOT NULL
) WITHOUT ROWID;

-- An imported comment by a guest (no account): the name it showed, and
-- the e-mail address kept for moderation only (never shown or mailed).
ALTER TABLE comments ADD COLUMN guest_name TEXT;
ALTER TABLE comments ADD COLUMN guest_email TEXT;
