-- Addresses that bounce: a permanent SMTP refusal (a 5xx reply) of mail
-- to an account's address marks the account.  Reply and notification
-- mail to it is then not queued, until the reader confirms the address
-- again (a confirmation link, a new address, or a password reset link,
-- each of which clears both columns).
--
-- bounced: when the refusal came (Unix seconds), NULL while mail is
-- delivered.  bounce_reason: the server's answer, for the newsroom's
-- users list.
ALTER TABLE accounts ADD COLUMN bounced bigint;
ALTER TABLE accounts ADD COLUMN bounce_reason text;
