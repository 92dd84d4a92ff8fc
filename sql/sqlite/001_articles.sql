-- Articles, their tags, and the media (lead photos) they show.
CREATE TABLE media (
	key     TEXT PRIMARY KEY,
	type    TEXT NOT NULL,
	width   INTEGER NOT NULL,
	height  INTEGER NOT NULL,
	data    BLOB NOT NULL,
	created INTEGER NOT NULL
);

CREATE TABLE articles (
	id           INTEGER PRIMARY KEY,
	slug         TEXT NOT NULL UNIQUE,
	headline     TEXT NOT NULL,
	summary      TEXT NOT NULL DEFAULT '',
	dateline     TEXT NOT NULL DEFAULT '',
	body         TEXT NOT NULL,
	author       TEXT NOT NULL DEFAULT '',
	section      TEXT NOT NULL DEFAULT '',
	section_slug TEXT NOT NULL DEFAULT '',
	photo_key    TEXT REFERENCES media(key),
	caption      TEXT NOT NULL DEFAULT '',
	credit       TEXT NOT NULL DEFAULT '',
	photo_alt    TEXT NOT NULL DEFAULT '',
	status       INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),
	published    INTEGER NOT NULL,
	created      INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX articles_by_time ON articles(published DESC, id DESC);
CREATE INDEX articles_by_section ON articles(section_slug, published DESC, id DESC);

CREATE TABLE tags (
	id   INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);

CREATE TABLE article_tags (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	tag_id     INTEGER NOT NULL REFERENCES tags(id),
	pos        INTEGER NOT NULL,
	PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_tag ON article_tags(tag_id, article_id);
