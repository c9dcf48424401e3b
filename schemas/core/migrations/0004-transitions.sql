-- SPDX-License-Identifier: GPL-3.0-or-later
-- The history of every state machine (core/workflow): one row per fired
-- event, written in the transition's own transaction, next to its audit row.
-- `resource` is the resource's full name (`problem-board/problems`), so one
-- table serves the core and every plugin.
CREATE TABLE transitions (
  id             INTEGER PRIMARY KEY,
  resource       TEXT NOT NULL,
  record_id      INTEGER NOT NULL,
  event          TEXT NOT NULL,
  from_state     TEXT,
  to_state       TEXT NOT NULL,
  actor_user_id  INTEGER,              -- NULL for system tasks
  actor_role     TEXT NOT NULL,
  at             TEXT NOT NULL,
  note           TEXT,                 -- the input's `reason`, else its `note`
  data           TEXT CHECK (data IS NULL OR json_valid (data))  -- the input besides `event`
) STRICT;

CREATE INDEX transitions_record_idx ON transitions (resource, record_id, id);
