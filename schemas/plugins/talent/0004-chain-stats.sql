-- SPDX-License-Identifier: GPL-3.0-or-later
-- A chain's tracks and pool profiles in the stats section
-- (plugins/talent/talent-stats.c), read per chain instead of through the
-- chain's enterprises.  A person is on a chain when their enterprise is;
-- province data (chain 1: 8,643 enterprises) cost one probe per enterprise
-- for its people and their tracks, and again for their pool entries:
-- 6-7 ms for the chain's section.
--
-- Two copies with a row per track or active pool entry *and chain* of the
-- person's enterprise, kept in step by the triggers below in the same
-- transaction as every write: to tracks, to people's enterprise, to the
-- pool entry facts of 0003 (which follow entries, people and tags) and to
-- the core's enterprise_chains (an enterprise joining or leaving a chain,
-- directly or by the cascade of deleting the enterprise).  The plugin's
-- code never writes them.  They are rows, not counters: the section counts
-- them as it counted the joins, in any period, and nothing can drift.

CREATE TABLE talent_track_chain_facts (
  chain_id INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  stage    TEXT NOT NULL,
  track_id INTEGER NOT NULL,
  PRIMARY KEY (chain_id, kind, stage, track_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX talent_track_chain_facts_track_idx ON talent_track_chain_facts (track_id);

-- Active pool entries only: those are all the profile counts.
CREATE TABLE talent_pool_chain_facts (
  chain_id  INTEGER NOT NULL,
  entry_id  INTEGER NOT NULL,
  pool_id   INTEGER NOT NULL,
  education TEXT,
  is_member INTEGER NOT NULL,
  tags      INTEGER NOT NULL,
  PRIMARY KEY (chain_id, entry_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX talent_pool_chain_facts_profile_idx
  ON talent_pool_chain_facts (chain_id, pool_id, education, is_member, tags);
CREATE INDEX talent_pool_chain_facts_entry_idx ON talent_pool_chain_facts (entry_id);

INSERT INTO talent_track_chain_facts (chain_id, kind, stage, track_id)
  SELECT ec.chain_id, tr.kind, tr.stage, tr.id
    FROM talent_tracks tr JOIN talent_people pe ON pe.id = tr.person_id
    JOIN enterprise_chains ec ON ec.enterprise_id = pe.enterprise_id;
INSERT INTO talent_pool_chain_facts (chain_id, entry_id, pool_id, education, is_member, tags)
  SELECT ec.chain_id, f.entry_id, f.pool_id, f.education, f.is_member, f.tags
    FROM talent_pool_entry_facts f JOIN enterprise_chains ec ON ec.enterprise_id = f.enterprise_id
   WHERE f.status = 'active';

-- ---- tracks ----

CREATE TRIGGER talent_track_chain_facts_track_ai AFTER INSERT ON talent_tracks BEGIN
  INSERT OR REPLACE INTO talent_track_chain_facts (chain_id, kind, stage, track_id)
    SELECT ec.chain_id, new.kind, new.stage, new.id
      FROM talent_people pe JOIN enterprise_chains ec ON ec.enterprise_id = pe.enterprise_id WHERE pe.id = new.person_id;
END;
CREATE TRIGGER talent_track_chain_facts_track_ad AFTER DELETE ON talent_tracks BEGIN
  DELETE FROM talent_track_chain_facts WHERE track_id = old.id;
END;
CREATE TRIGGER talent_track_chain_facts_track_au AFTER UPDATE OF id, person_id, kind, stage ON talent_tracks BEGIN
  DELETE FROM talent_track_chain_facts WHERE track_id = old.id;
  INSERT OR REPLACE INTO talent_track_chain_facts (chain_id, kind, stage, track_id)
    SELECT ec.chain_id, new.kind, new.stage, new.id
      FROM talent_people pe JOIN enterprise_chains ec ON ec.enterprise_id = pe.enterprise_id WHERE pe.id = new.person_id;
END;
-- A person moving to another enterprise takes their tracks along.  (Their
-- pool entries follow through talent_pool_entry_facts.)
CREATE TRIGGER talent_track_chain_facts_person_au AFTER UPDATE OF enterprise_id ON talent_people BEGIN
  DELETE FROM talent_track_chain_facts WHERE track_id IN (SELECT tr.id FROM talent_tracks tr WHERE tr.person_id = new.id);
  INSERT OR REPLACE INTO talent_track_chain_facts (chain_id, kind, stage, track_id)
    SELECT ec.chain_id, tr.kind, tr.stage, tr.id
      FROM talent_tracks tr JOIN enterprise_chains ec ON ec.enterprise_id = new.enterprise_id WHERE tr.person_id = new.id;
END;

-- ---- pool entries ----

-- The stale rows are removed first also on insert: the 0003 triggers
-- write the entry facts with INSERT OR REPLACE, whose implicit delete
-- fires no trigger.
CREATE TRIGGER talent_pool_chain_facts_entry_ai AFTER INSERT ON talent_pool_entry_facts BEGIN
  DELETE FROM talent_pool_chain_facts WHERE entry_id = new.entry_id;
  INSERT INTO talent_pool_chain_facts (chain_id, entry_id, pool_id, education, is_member, tags)
    SELECT ec.chain_id, new.entry_id, new.pool_id, new.education, new.is_member, new.tags
      FROM enterprise_chains ec WHERE ec.enterprise_id = new.enterprise_id AND new.status = 'active';
END;
CREATE TRIGGER talent_pool_chain_facts_entry_ad AFTER DELETE ON talent_pool_entry_facts BEGIN
  DELETE FROM talent_pool_chain_facts WHERE entry_id = old.entry_id;
END;
CREATE TRIGGER talent_pool_chain_facts_entry_au AFTER UPDATE ON talent_pool_entry_facts BEGIN
  DELETE FROM talent_pool_chain_facts WHERE entry_id IN (old.entry_id, new.entry_id);
  INSERT INTO talent_pool_chain_facts (chain_id, entry_id, pool_id, education, is_member, tags)
    SELECT ec.chain_id, new.entry_id, new.pool_id, new.education, new.is_member, new.tags
      FROM enterprise_chains ec WHERE ec.enterprise_id = new.enterprise_id AND new.status = 'active';
END;

-- ---- an enterprise joining or leaving a chain ----

-- Deleting an enterprise deletes its enterprise_chains rows by cascade,
-- which fires the delete trigger; its people (and so their tracks and
-- entries) still name it then, as a person's enterprise cannot be deleted
-- from under them (talent_people.enterprise_id has no ON DELETE action).
CREATE TRIGGER talent_chain_facts_enterprise_chain_ai AFTER INSERT ON enterprise_chains BEGIN
  INSERT OR REPLACE INTO talent_track_chain_facts (chain_id, kind, stage, track_id)
    SELECT new.chain_id, tr.kind, tr.stage, tr.id
      FROM talent_people pe JOIN talent_tracks tr ON tr.person_id = pe.id WHERE pe.enterprise_id = new.enterprise_id;
  INSERT OR REPLACE INTO talent_pool_chain_facts (chain_id, entry_id, pool_id, education, is_member, tags)
    SELECT new.chain_id, f.entry_id, f.pool_id, f.education, f.is_member, f.tags
      FROM talent_pool_entry_facts f WHERE f.enterprise_id = new.enterprise_id AND f.status = 'active';
END;
CREATE TRIGGER talent_chain_facts_enterprise_chain_ad AFTER DELETE ON enterprise_chains BEGIN
  DELETE FROM talent_track_chain_facts
   WHERE chain_id = old.chain_id AND track_id IN (
     SELECT tr.id FROM talent_people pe JOIN talent_tracks tr ON tr.person_id = pe.id
      WHERE pe.enterprise_id = old.enterprise_id);
  DELETE FROM talent_pool_chain_facts
   WHERE chain_id = old.chain_id AND entry_id IN (
     SELECT f.entry_id FROM talent_pool_entry_facts f WHERE f.enterprise_id = old.enterprise_id);
END;
CREATE TRIGGER talent_chain_facts_enterprise_chain_au AFTER UPDATE OF enterprise_id, chain_id ON enterprise_chains BEGIN
  DELETE FROM talent_track_chain_facts
   WHERE chain_id = old.chain_id AND track_id IN (
     SELECT tr.id FROM talent_people pe JOIN talent_tracks tr ON tr.person_id = pe.id
      WHERE pe.enterprise_id = old.enterprise_id);
  DELETE FROM talent_pool_chain_facts
   WHERE chain_id = old.chain_id AND entry_id IN (
     SELECT f.entry_id FROM talent_pool_entry_facts f WHERE f.enterprise_id = old.enterprise_id);
  INSERT OR REPLACE INTO talent_track_chain_facts (chain_id, kind, stage, track_id)
    SELECT new.chain_id, tr.kind, tr.stage, tr.id
      FROM talent_people pe JOIN talent_tracks tr ON tr.person_id = pe.id WHERE pe.enterprise_id = new.enterprise_id;
  INSERT OR REPLACE INTO talent_pool_chain_facts (chain_id, entry_id, pool_id, education, is_member, tags)
    SELECT new.chain_id, f.entry_id, f.pool_id, f.education, f.is_member, f.tags
      FROM talent_pool_entry_facts f WHERE f.enterprise_id = new.enterprise_id AND f.status = 'active';
END;
