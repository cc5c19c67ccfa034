-- Accounts: the picture a user chose for their account, if any. The file is in
-- the app's file storage (live/storage) under key, a random name the storage
-- made; the row goes when the user does. (The app deletes the file when the
-- user removes or replaces the picture; a deleted account's file stays until
-- the app sweeps its storage.)
CREATE TABLE user_avatars (
  user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_avatars_key_length CHECK (length(key) BETWEEN 1 AND 100)
);

---- create above / drop below ----

DROP TABLE user_avatars;
