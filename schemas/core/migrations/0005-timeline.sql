-- SPDX-License-Identifier: GPL-3.0-or-later
-- Enterprise timeline entries written through lj_timeline_add_entry (),
-- for events that have no row of their own to select from.
CREATE TABLE timeline_entries (
  id              INTEGER PRIMARY KEY,
  enterprise_id   INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
  at              TEXT NOT NULL,
  kind            TEXT NOT NULL,
  title           TEXT NOT NULL,
  resource        TEXT,
  record_id       INTEGER,
  detail          TEXT CHECK (detail IS NULL OR json_valid (detail)),
  actor_user_id   INTEGER
) STRICT;

CREATE INDEX timeline_entries_enterprise_idx ON timeline_entries (enterprise_id, at, id);
