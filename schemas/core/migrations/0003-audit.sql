-- SPDX-License-Identifier: GPL-3.0-or-later
-- The audit trail: one row per write through any route, in the write's own
-- transaction.  Append-only: the triggers refuse any change, whoever asks.
CREATE TABLE audit (
  id              INTEGER PRIMARY KEY,
  at              TEXT NOT NULL,
  actor_user_id   INTEGER,            -- NULL for system tasks (see actor)
  actor           TEXT,               -- "system:<plugin>" when there is no user
  actor_role      TEXT NOT NULL,
  actor_org_id    INTEGER,
  action          TEXT NOT NULL,
  entity          TEXT NOT NULL,
  entity_id       INTEGER,
  before          TEXT CHECK (before IS NULL OR json_valid (before)),
  after           TEXT CHECK (after IS NULL OR json_valid (after)),
  request_id      TEXT,
  client_address  TEXT
) STRICT;

CREATE INDEX audit_entity_idx ON audit (entity, entity_id, id);
CREATE INDEX audit_actor_idx ON audit (actor_user_id, id);
CREATE INDEX audit_at_idx ON audit (at, id);

CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE (ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE (ABORT, 'the audit trail cannot be deleted');
END;
