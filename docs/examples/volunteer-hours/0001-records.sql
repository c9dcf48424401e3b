-- Volunteer service (志愿服务) done by party members, in hours.
-- Every table starts with the plugin's prefix: volunteer_hours_.
CREATE TABLE volunteer_hours_records (
  id          INTEGER PRIMARY KEY,
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  member_id   INTEGER NOT NULL REFERENCES members (id),
  served_on   TEXT NOT NULL,
  hours       REAL NOT NULL CHECK (hours > 0 AND hours <= 24),
  kind        TEXT NOT NULL,
  place       TEXT,
  note        TEXT
) STRICT;
CREATE INDEX volunteer_hours_records_member_idx ON volunteer_hours_records (member_id, served_on);
CREATE INDEX volunteer_hours_records_served_idx ON volunteer_hours_records (served_on, id);
