-- The newsroom: a story's full status (stage), who owns it, every saved
-- revision, and the responsive variants of lead photos.
--
-- articles.status stays the public flag (1: on the site) that every reader
-- query uses; stage is the newsroom's status: 0 draft, 1 published,
-- 2 ready (submitted for review), 3 scheduled, 4 unpublished.  The newsroom
-- writes both; the triggers keep stage right for writers that only know
-- status (dateline article add).
ALTER TABLE articles ADD COLUMN stage INTEGER NOT NULL DEFAULT 0
	CHECK (stage BETWEEN 0 AND 4);
ALTER TABLE articles ADD COLUMN owner_id INTEGER;
UPDATE articles SET stage = status;
CREATE INDEX articles_by_stage ON articles(stage, published);

CREATE TRIGGER articles_stage_insert AFTER INSERT ON articles
WHEN NEW.status = 1 AND NEW.stage <> 1 BEGIN
	UPDATE articles SET stage = 1 WHERE id = NEW.id;
END;
CREATE TRIGGER articles_stage_update AFTER UPDATE OF status ON articles
WHEN NEW.stage = OLD.stage AND (NEW.status = 1) <> (NEW.stage = 1) BEGIN
	UPDATE articles SET stage = NEW.status WHERE id = NEW.id;
END;

-- One row per save: the story as it was saved, and who saved it.
CREATE TABLE revisions (
	id          INTEGER PRIMARY KEY,
	article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	version     INTEGER NOT NULL,
	account_id  INTEGER,
	who         TEXT NOT NULL DEFAULT '',
	created     INTEGER NOT NULL,
	stage       INTEGER NOT NULL,
	slug        TEXT NOT NULL,
	headline    TEXT NOT NULL,
	summary     TEXT NOT NULL,
	dateline    TEXT NOT NULL,
	section     TEXT NOT NULL,
	tags        TEXT NOT NULL,
	author      TEXT NOT NULL,
	body        TEXT NOT NULL,
	photo_key   TEXT,
	caption     TEXT NOT NULL,
	credit      TEXT NOT NULL,
	photo_alt   TEXT NOT NULL,
	published   INTEGER NOT NULL
);
CREATE INDEX revisions_by_article ON revisions(article_id, id DESC);

-- Smaller copies of a lead photo (the media row photo_key), in its own
-- format and in WebP, for srcset.
CREATE TABLE photo_variants (
	photo_key TEXT NOT NULL REFERENCES media(key),
	type      TEXT NOT NULL,
	width     INTEGER NOT NULL,
	height    INTEGER NOT NULL,
	media_key TEXT NOT NULL REFERENCES media(key),
	PRIMARY KEY (photo_key, type, width)
) WITHOUT ROWID;
