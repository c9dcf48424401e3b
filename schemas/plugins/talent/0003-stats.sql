-- SPDX-License-Identifier: GPL-3.0-or-later
-- What the stats section (plugins/talent/talent-stats.c) reads, made cheap at
-- province scale (60 chains, 50,000 people, 20,000 attendance records,
-- 11,500 pool entries), where the section took 40-50 ms.

-- Attendance per session with the status and the hours in the index: the
-- figures per programme read no attendance row.
CREATE INDEX talent_attendance_session_stats_idx ON talent_attendance (session_id, status, credited_hours);
-- A chain's tracks, reached from its people, with kind and stage in the index.
CREATE INDEX talent_tracks_person_stage_idx ON talent_tracks (person_id, kind, stage);
-- "Reached this stage in the period" is one index probe per track.
CREATE INDEX talent_track_stages_track_stage_idx ON talent_track_stages (track_id, stage, reached_on);

-- Per pool entry, what the pool profile counts about its person: the
-- person's enterprise, education, member link and tags (a bit set: 1
-- technical_expert, 2 backbone, 4 reserve_cadre).  Joining every active
-- entry to its person and tags cost one index probe each, 10-15 ms for
-- the province; this copy is scanned in index order instead.  It is
-- derived data, kept in step by the triggers below in the same
-- transaction as every write to entries, people and tags; the plugin's
-- code never writes it.
CREATE TABLE talent_pool_entry_facts (
  entry_id      INTEGER PRIMARY KEY,
  pool_id       INTEGER NOT NULL,
  status        TEXT NOT NULL,
  person_id     INTEGER NOT NULL,
  enterprise_id INTEGER,
  education     TEXT,
  is_member     INTEGER NOT NULL,
  tags          INTEGER NOT NULL
) STRICT;
CREATE INDEX talent_pool_entry_facts_pool_idx
  ON talent_pool_entry_facts (status, pool_id, education, is_member, tags);
CREATE INDEX talent_pool_entry_facts_enterprise_idx
  ON talent_pool_entry_facts (enterprise_id, status, pool_id, education, is_member, tags);
CREATE INDEX talent_pool_entry_facts_person_idx ON talent_pool_entry_facts (person_id);

INSERT INTO talent_pool_entry_facts (entry_id, pool_id, status, person_id, enterprise_id, education, is_member, tags)
  SELECT e.id, e.pool_id, e.status, e.person_id, pe.enterprise_id, pe.education, pe.member_id IS NOT NULL,
         (SELECT ifnull(sum(CASE t.tag WHEN 'technical_expert' THEN 1 WHEN 'backbone' THEN 2 WHEN 'reserve_cadre' THEN 4 END), 0)
            FROM talent_person_tags t WHERE t.person_id = pe.id)
    FROM talent_pool_entries e JOIN talent_people pe ON pe.id = e.person_id;

CREATE TRIGGER talent_pool_entry_facts_entry_ai AFTER INSERT ON talent_pool_entries BEGIN
  INSERT OR REPLACE INTO talent_pool_entry_facts (entry_id, pool_id, status, person_id, enterprise_id, education, is_member, tags)
    SELECT new.id, new.pool_id, new.status, new.person_id, pe.enterprise_id, pe.education, pe.member_id IS NOT NULL,
           (SELECT ifnull(sum(CASE t.tag WHEN 'technical_expert' THEN 1 WHEN 'backbone' THEN 2 WHEN 'reserve_cadre' THEN 4 END), 0)
              FROM talent_person_tags t WHERE t.person_id = pe.id)
      FROM talent_people pe WHERE pe.id = new.person_id;
END;
CREATE TRIGGER talent_pool_entry_facts_entry_au AFTER UPDATE OF id, pool_id, person_id, status ON talent_pool_entries BEGIN
  DELETE FROM talent_pool_entry_facts WHERE entry_id = old.id;
  INSERT OR REPLACE INTO talent_pool_entry_facts (entry_id, pool_id, status, person_id, enterprise_id, education, is_member, tags)
    SELECT new.id, new.pool_id, new.status, new.person_id, pe.enterprise_id, pe.education, pe.member_id IS NOT NULL,
           (SELECT ifnull(sum(CASE t.tag WHEN 'technical_expert' THEN 1 WHEN 'backbone' THEN 2 WHEN 'reserve_cadre' THEN 4 END), 0)
              FROM talent_person_tags t WHERE t.person_id = pe.id)
      FROM talent_people pe WHERE pe.id = new.person_id;
END;
CREATE TRIGGER talent_pool_entry_facts_entry_ad AFTER DELETE ON talent_pool_entries BEGIN
  DELETE FROM talent_pool_entry_facts WHERE entry_id = old.id;
END;
CREATE TRIGGER talent_pool_entry_facts_person_au AFTER UPDATE OF enterprise_id, education, member_id ON talent_people BEGIN
  UPDATE talent_pool_entry_facts
     SET enterprise_id = new.enterprise_id, education = new.education, is_member = new.member_id IS NOT NULL
   WHERE person_id = new.id;
END;
-- The tags are recounted from talent_person_tags, whatever the write was.
CREATE TRIGGER talent_pool_entry_facts_tag_ai AFTER INSERT ON talent_person_tags BEGIN
  UPDATE talent_pool_entry_facts
     SET tags = (SELECT ifnull(sum(CASE t.tag WHEN 'technical_expert' THEN 1 WHEN 'backbone' THEN 2 WHEN 'reserve_cadre' THEN 4 END), 0)
                   FROM talent_person_tags t WHERE t.person_id = new.person_id)
   WHERE person_id = new.person_id;
END;
CREATE TRIGGER talent_pool_entry_facts_tag_ad AFTER DELETE ON talent_person_tags BEGIN
  UPDATE talent_pool_entry_facts
     SET tags = (SELECT ifnull(sum(CASE t.tag WHEN 'technical_expert' THEN 1 WHEN 'backbone' THEN 2 WHEN 'reserve_cadre' THEN 4 END), 0)
                   FROM talent_person_tags t WHERE t.person_id = old.person_id)
   WHERE person_id = old.person_id;
END;
CREATE TRIGGER talent_pool_entry_facts_tag_au AFTER UPDATE ON talent_person_tags BEGIN
  UPDATE talent_pool_entry_facts
     SET tags = (SELECT ifnull(sum(CASE t.tag WHEN 'technical_expert' THEN 1 WHEN 'backbone' THEN 2 WHEN 'reserve_cadre' THEN 4 END), 0)
                   FROM talent_person_tags t WHERE t.person_id = talent_pool_entry_facts.person_id)
   WHERE person_id IN (old.person_id, new.person_id);
END;
