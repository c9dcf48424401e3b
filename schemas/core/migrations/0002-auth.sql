-- SPDX-License-Identifier: GPL-3.0-or-later
-- Accounts and credentials.  Secrets are never stored: passwords as
-- Argon2id PHC strings (libsodium crypto_pwhash_str), tokens as the SHA-256
-- of 32 random bytes, looked up by that hash.
CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE CHECK (length (username) BETWEEN 1 AND 64),
  display_name   TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('admin', 'secretary', 'viewer')),
  org_id         INTEGER REFERENCES organizations (id),
  disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  password_hash  TEXT,                -- NULL: token-only account
  failed_logins  INTEGER NOT NULL DEFAULT 0,
  locked_until   INTEGER,             -- Unix seconds; NULL when not locked
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  -- A secretary's scope is their organisation and below it.
  CHECK (role <> 'secretary' OR org_id IS NOT NULL)
) STRICT;
CREATE INDEX users_org_idx ON users (org_id);

-- Sessions from POST /auth/login.  Times are Unix seconds on lj_clock.
CREATE TABLE sessions (
  id              INTEGER PRIMARY KEY,
  token_hash      BLOB NOT NULL UNIQUE CHECK (length (token_hash) = 32),
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at      INTEGER NOT NULL,
  last_seen_at    INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,   -- absolute limit
  revoked_at      INTEGER,
  client_address  TEXT
) STRICT;
CREATE INDEX sessions_user_idx ON sessions (user_id, revoked_at);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Named tokens for integrations; no idle expiry.
CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          TEXT NOT NULL CHECK (length (name) BETWEEN 1 AND 100),
  token_hash    BLOB NOT NULL UNIQUE CHECK (length (token_hash) = 32),
  created_at    TEXT NOT NULL,
  expires_at    TEXT,                 -- RFC 3339 UTC; NULL: never
  revoked_at    TEXT,
  last_used_at  TEXT
) STRICT;
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, id);
