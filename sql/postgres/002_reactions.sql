-- Reader reactions: one row per reader and article, and exact per-kind
-- counts.  Unlike the SQLite schema there are no triggers: the backend
-- (src/store/pg_reactions.c) moves the count rows itself in the same
-- transaction as the reader's row, with INSERT ... ON CONFLICT, whose row
-- lock makes concurrent writers from several nodes queue, not lose counts.
CREATE TABLE meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);
-- Bumped by every content write; caches of rendered pages follow it.
INSERT INTO meta (key, value) VALUES ('content_version', '1');

CREATE TABLE reactions (
	article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	reader     text NOT NULL,
	kind       integer NOT NULL CHECK (kind BETWEEN 0 AND 6),
	created    bigint NOT NULL,
	PRIMARY KEY (article_id, reader)
);
CREATE INDEX reactions_by_kind_time ON reactions(kind, created);

CREATE TABLE reaction_counts (
	article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	kind       integer NOT NULL CHECK (kind BETWEEN 0 AND 6),
	count      bigint NOT NULL CHECK (count >= 0),
	PRIMARY KEY (article_id, kind)
);
CREATE INDEX reaction_counts_top ON reaction_counts(kind, count DESC, article_id DESC);

-- Secrets shared by every node (CSRF tokens), created on first use.
CREATE TABLE secrets (
	name  text PRIMARY KEY,
	value bytea NOT NULL
);
