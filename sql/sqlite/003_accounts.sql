-- Reader accounts, their sessions, one-time tokens (e-mail verification,
-- password reset, e-mail change) and the durable outbox of e-mail.
-- Secrets are stored only as hashes: the SHA-256 (hex) of the session
-- cookie or of the token in a link, never the value itself.
CREATE TABLE accounts (
	id       INTEGER PRIMARY KEY,
	email    TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name     TEXT NOT NULL,
	password TEXT NOT NULL,		-- crypto_pwhash_str (argon2id)
	role     TEXT NOT NULL DEFAULT 'reader'
		 CHECK (role IN ('reader', 'author', 'editor', 'admin')),
	verified INTEGER NOT NULL DEFAULT 0,
	created  INTEGER NOT NULL,
	updated  INTEGER NOT NULL
);

CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created    INTEGER NOT NULL,
	seen       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_account ON sessions(account_id);

CREATE TABLE account_tokens (
	hash       TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'email')),
	email      TEXT,			-- the new address ('email')
	expires    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_tokens_by_account ON account_tokens(account_id, purpose);

-- A message stays here until it has been delivered (then it is deleted).
CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY,
	recipient    TEXT NOT NULL,
	message      TEXT NOT NULL,	-- RFC 5322, CRLF line ends
	created      INTEGER NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt INTEGER NOT NULL,
	last_error   TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt);
