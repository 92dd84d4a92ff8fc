-- Imports from other systems and the old addresses that must keep
-- working.  PostgreSQL twin of sql/sqlite/008_import.sql (see there).
CREATE TABLE import_items (
	source   text NOT NULL,
	kind     integer NOT NULL CHECK (kind BETWEEN 0 AND 1),
	wp_id    bigint NOT NULL,
	local_id bigint NOT NULL,
	PRIMARY KEY (source, kind, wp_id)
);

CREATE TABLE redirects (
	path    text PRIMARY KEY,
	target  text NOT NULL,
	created bigint NOT NULL
);

ALTER TABLE comments ADD COLUMN guest_name text;
ALTER TABLE comments ADD COLUMN guest_email text;
