-- Reader reactions: one row per reader and article, and exact per-kind
-- counts kept by triggers in the same transaction as the row change.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
-- Bumped by every content write; caches of rendered pages follow it.
INSERT INTO meta (key, value) VALUES ('content_version', '1');

CREATE TABLE reactions (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	reader     TEXT NOT NULL,
	kind       INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 6),
	created    INTEGER NOT NULL,
	PRIMARY KEY (article_id, reader)
) WITHOUT ROWID;
CREATE INDEX reactions_by_kind_time ON reactions(kind, created);

CREATE TABLE reaction_counts (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	kind       INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 6),
	count      INTEGER NOT NULL CHECK (count >= 0),
	PRIMARY KEY (article_id, kind)
) WITHOUT ROWID;
CREATE INDEX reaction_counts_top ON reaction_counts(kind, count DESC, article_id DESC);

CREATE TRIGGER reactions_count_insert AFTER INSERT ON reactions BEGIN
	INSERT OR IGNORE INTO reaction_counts (article_id, kind, count)
		VALUES (NEW.article_id, NEW.kind, 0);
	UPDATE reaction_counts SET count = count + 1
		WHERE article_id = NEW.article_id AND kind = NEW.kind;
END;

CREATE TRIGGER reactions_count_delete AFTER DELETE ON reactions BEGIN
	UPDATE reaction_counts SET count = count - 1
		WHERE article_id = OLD.article_id AND kind = OLD.kind;
END;

CREATE TRIGGER reactions_count_update AFTER UPDATE OF kind ON reactions
WHEN OLD.kind <> NEW.kind BEGIN
	UPDATE reaction_counts SET count = count - 1
		WHERE article_id = OLD.article_id AND kind = OLD.kind;
	INSERT OR IGNORE INTO reaction_counts (article_id, kind, count)
		VALUES (NEW.article_id, NEW.kind, 0);
	UPDATE reaction_counts SET count = count + 1
		WHERE article_id = NEW.article_id AND kind = NEW.kind;
END;

-- Secrets shared by every node (CSRF tokens), created on first use.
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
