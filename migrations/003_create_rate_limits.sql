-- Accounts: rate-limit counters for logins and magic-link requests, shared by
-- every node of an app. A row counts the attempts against one limit by one
-- address, one email, or one pair of them, in a window that opens at the first
-- attempt; bucket is the SHA-256 of which limit, address and (lower-cased)
-- email, so that what was typed into an email field is not kept in clear.
-- A row whose window has ended counts as missing, and is pruned now and then.
CREATE TABLE rate_limits (
  bucket bytea PRIMARY KEY,
  name text NOT NULL,            -- the limit, for operators: "login per IP"
  hits integer NOT NULL,
  window_ends_at timestamptz NOT NULL,
  CONSTRAINT rate_limits_bucket_is_sha256 CHECK (octet_length(bucket) = 32)
);

CREATE INDEX rate_limits_window_ends_at_idx ON rate_limits (window_ends_at);

---- create above / drop below ----

DROP TABLE rate_limits;
