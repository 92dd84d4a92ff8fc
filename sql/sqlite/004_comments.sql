-- Comments under articles: threaded (parent_id, depth), moderated (status),
-- liked and reported once per account.  Counts are kept by triggers in the
-- same transaction as the row change, like reaction counts: the number of
-- visible comments of an article (articles.comment_count), and the likes
-- and reports of a comment.
--
-- status: 0 visible, 1 held for moderation, 2 rejected, 3 spam, 4 deleted
-- by its author (kept as a "[deleted]" placeholder while it has replies).
ALTER TABLE articles ADD COLUMN comment_count INTEGER NOT NULL DEFAULT 0;
-- NULL: the site's default; 0 open, 1 hold the first comment of a new
-- account, 2 hold all.
ALTER TABLE articles ADD COLUMN comment_mode INTEGER
	CHECK (comment_mode IS NULL OR comment_mode BETWEEN 0 AND 2);
ALTER TABLE articles ADD COLUMN comments_closed INTEGER NOT NULL DEFAULT 0;

-- A banned account cannot comment, like or report.
ALTER TABLE accounts ADD COLUMN banned INTEGER NOT NULL DEFAULT 0;
-- 0 after the reader unsubscribed from reply notifications.
ALTER TABLE accounts ADD COLUMN reply_mail INTEGER NOT NULL DEFAULT 1;

CREATE TABLE comments (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	parent_id  INTEGER REFERENCES comments(id) ON DELETE CASCADE,
	root_id    INTEGER NOT NULL,	-- the top-level comment of the thread
	depth      INTEGER NOT NULL CHECK (depth >= 0),
	account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
	body       TEXT NOT NULL,	-- Markdown source, 1..5000 characters
	html       TEXT NOT NULL DEFAULT '',	-- body rendered at write time
	body_hash  TEXT NOT NULL,	-- for duplicate detection
	status     INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 4),
	likes      INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0),
	reports    INTEGER NOT NULL DEFAULT 0 CHECK (reports >= 0),
	reviewed   INTEGER NOT NULL DEFAULT 0,	-- reports seen by an editor
	ip         TEXT NOT NULL DEFAULT '',
	created    INTEGER NOT NULL,
	edited     INTEGER
);
CREATE INDEX comments_top ON comments(article_id, depth, created, id);
CREATE INDEX comments_thread ON comments(root_id, created, id);
CREATE INDEX comments_by_account ON comments(account_id, created);
CREATE INDEX comments_queue ON comments(status, reports) WHERE status = 1
	OR (reports > 0 AND reviewed = 0);

CREATE TABLE comment_likes (
	comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	PRIMARY KEY (comment_id, account_id)
) WITHOUT ROWID;

CREATE TABLE comment_reports (
	comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created    INTEGER NOT NULL,
	PRIMARY KEY (comment_id, account_id)
) WITHOUT ROWID;

CREATE TRIGGER comments_count_insert AFTER INSERT ON comments
WHEN NEW.status = 0 BEGIN
	UPDATE articles SET comment_count = comment_count + 1
		WHERE id = NEW.article_id;
END;

CREATE TRIGGER comments_count_update AFTER UPDATE OF status ON comments
WHEN (OLD.status = 0) <> (NEW.status = 0) BEGIN
	UPDATE articles SET comment_count = comment_count +
		(CASE WHEN NEW.status = 0 THEN 1 ELSE -1 END)
		WHERE id = NEW.article_id;
END;

CREATE TRIGGER comments_count_delete AFTER DELETE ON comments
WHEN OLD.status = 0 BEGIN
	UPDATE articles SET comment_count = comment_count - 1
		WHERE id = OLD.article_id;
END;

CREATE TRIGGER comment_likes_insert AFTER INSERT ON comment_likes BEGIN
	UPDATE comments SET likes = likes + 1 WHERE id = NEW.comment_id;
END;

CREATE TRIGGER comment_likes_delete AFTER DELETE ON comment_likes BEGIN
	UPDATE comments SET likes = likes - 1 WHERE id = OLD.comment_id;
END;

CREATE TRIGGER comment_reports_insert AFTER INSERT ON comment_reports BEGIN
	UPDATE comments SET reports = reports + 1, reviewed = 0
		WHERE id = NEW.comment_id;
END;
