-- SPDX-License-Identifier: GPL-3.0-or-later
-- Attendance counted once, when it is recorded: statistics and activity
-- lists read one column instead of counting attendance rows per activity
-- (province stats: 2.2 s -> tens of ms, docs/performance.md finding 5).
ALTER TABLE activities ADD COLUMN attendance_count INTEGER NOT NULL DEFAULT 0;
UPDATE activities SET attendance_count = (SELECT count(*) FROM activity_attendance aa WHERE aa.activity_id = activities.id);
CREATE TRIGGER activity_attendance_count_ai AFTER INSERT ON activity_attendance BEGIN
  UPDATE activities SET attendance_count = attendance_count + 1 WHERE id = new.activity_id;
END;
CREATE TRIGGER activity_attendance_count_ad AFTER DELETE ON activity_attendance BEGIN
  UPDATE activities SET attendance_count = attendance_count - 1 WHERE id = old.activity_id;
END;
CREATE INDEX activities_stats_idx ON activities (chain_id, status, kind, starts_at, attendance_count);

-- The search indexes follow only the columns they index: a version bump or
-- a counter no longer rewrites a record's search entry (finding 8).
DROP TRIGGER chains_fts_au;
CREATE TRIGGER chains_fts_au AFTER UPDATE OF name, code, description ON chains BEGIN
  INSERT INTO chains_fts (chains_fts, rowid, name, code, description) VALUES ('delete', old.id, old.name, old.code, old.description);
  INSERT INTO chains_fts (rowid, name, code, description) VALUES (new.id, new.name, new.code, new.description);
END;
DROP TRIGGER enterprises_fts_au;
CREATE TRIGGER enterprises_fts_au AFTER UPDATE OF name, credit_code, address ON enterprises BEGIN
  INSERT INTO enterprises_fts (enterprises_fts, rowid, name, credit_code, address) VALUES ('delete', old.id, old.name, old.credit_code, old.address);
  INSERT INTO enterprises_fts (rowid, name, credit_code, address) VALUES (new.id, new.name, new.credit_code, new.address);
END;
DROP TRIGGER organizations_fts_au;
CREATE TRIGGER organizations_fts_au AFTER UPDATE OF name ON organizations BEGIN
  INSERT INTO organizations_fts (organizations_fts, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO organizations_fts (rowid, name) VALUES (new.id, new.name);
END;
DROP TRIGGER members_fts_au;
CREATE TRIGGER members_fts_au AFTER UPDATE OF name, position ON members BEGIN
  INSERT INTO members_fts (members_fts, rowid, name, position) VALUES ('delete', old.id, old.name, old.position);
  INSERT INTO members_fts (rowid, name, position) VALUES (new.id, new.name, new.position);
END;
DROP TRIGGER activities_fts_au;
CREATE TRIGGER activities_fts_au AFTER UPDATE OF title, location, summary ON activities BEGIN
  INSERT INTO activities_fts (activities_fts, rowid, title, location, summary) VALUES ('delete', old.id, old.title, old.location, old.summary);
  INSERT INTO activities_fts (rowid, title, location, summary) VALUES (new.id, new.title, new.location, new.summary);
END;
