-- Rate limits shared by every node (login failures, signups, reset mail,
-- comment posts): one token bucket per key, updated with one upsert.  The
-- key is a hash of the limit's name and the client address or account, so
-- no address is stored.  UNLOGGED: fast, and after a crash the table is
-- empty, which only forgets recent attempts.  Rows older than two minutes
-- are full buckets again and are deleted from time to time.
CREATE UNLOGGED TABLE rate_limits (
	key    text PRIMARY KEY,
	tokens double precision NOT NULL,
	at     bigint NOT NULL,		-- Unix milliseconds of the last update
	ok     boolean NOT NULL		-- the last update was allowed
);
CREATE INDEX rate_limits_at ON rate_limits(at);
