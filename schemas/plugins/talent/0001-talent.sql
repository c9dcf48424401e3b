-- The talent plugin: training programmes, sessions, talent profiles,
-- enrolments, attendance, cultivation tracks and talent pools.
-- Every table starts with the plugin's prefix: talent_.
CREATE TABLE talent_programmes (
  id               INTEGER PRIMARY KEY,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  name             TEXT NOT NULL,
  organizer_org_id INTEGER NOT NULL REFERENCES organizations (id),
  kind             TEXT NOT NULL CHECK (kind IN ('theory','policy','skills','party_school','cross_border','other')),
  starts_on        TEXT,
  ends_on          TEXT,
  required_hours   REAL NOT NULL DEFAULT 0 CHECK (required_hours >= 0),
  capacity         INTEGER CHECK (capacity IS NULL OR capacity >= 1),
  enrolment_mode   TEXT NOT NULL DEFAULT 'open' CHECK (enrolment_mode IN ('open','approval')),
  description      TEXT,
  state            TEXT NOT NULL DEFAULT 'draft'
) STRICT;
CREATE INDEX talent_programmes_org_idx ON talent_programmes (organizer_org_id);
CREATE TABLE talent_programme_chains (
  programme_id INTEGER NOT NULL REFERENCES talent_programmes (id) ON DELETE CASCADE,
  chain_id     INTEGER NOT NULL REFERENCES chains (id)
) STRICT;
CREATE UNIQUE INDEX talent_programme_chains_key_idx ON talent_programme_chains (programme_id, chain_id);
CREATE INDEX talent_programme_chains_chain_idx ON talent_programme_chains (chain_id);
-- Partner universities and institutes (a link array of strings).
CREATE TABLE talent_programme_partners (
  programme_id INTEGER NOT NULL REFERENCES talent_programmes (id) ON DELETE CASCADE,
  partner      TEXT NOT NULL,
  PRIMARY KEY (programme_id, partner)
) STRICT;

CREATE TABLE talent_sessions (
  id           INTEGER PRIMARY KEY,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  programme_id INTEGER NOT NULL REFERENCES talent_programmes (id),
  title        TEXT NOT NULL,
  instructor   TEXT,
  starts_at    TEXT NOT NULL,
  ends_at      TEXT,
  location     TEXT,
  hours        REAL NOT NULL CHECK (hours > 0),
  mandatory    INTEGER NOT NULL DEFAULT 0 CHECK (mandatory IN (0, 1))
) STRICT;
CREATE INDEX talent_sessions_programme_idx ON talent_sessions (programme_id, starts_at);
CREATE INDEX talent_sessions_starts_idx ON talent_sessions (starts_at);

CREATE TABLE talent_people (
  id                 INTEGER PRIMARY KEY,
  version            INTEGER NOT NULL DEFAULT 1,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  name               TEXT NOT NULL,
  enterprise_id      INTEGER REFERENCES enterprises (id),
  member_id          INTEGER REFERENCES members (id),
  position           TEXT,
  professional_title TEXT,
  education          TEXT,
  skill_text         TEXT
) STRICT;
CREATE INDEX talent_people_enterprise_idx ON talent_people (enterprise_id);
CREATE UNIQUE INDEX talent_people_member_idx ON talent_people (member_id) WHERE member_id IS NOT NULL;
-- Skill tags (free strings) and the profile tags (a closed set), link arrays of strings.
CREATE TABLE talent_person_skills (
  person_id INTEGER NOT NULL REFERENCES talent_people (id) ON DELETE CASCADE,
  skill     TEXT NOT NULL,
  PRIMARY KEY (person_id, skill)
) STRICT;
CREATE TABLE talent_person_tags (
  person_id INTEGER NOT NULL REFERENCES talent_people (id) ON DELETE CASCADE,
  tag       TEXT NOT NULL CHECK (tag IN ('technical_expert','backbone','reserve_cadre')),
  PRIMARY KEY (person_id, tag)
) STRICT;
CREATE INDEX talent_person_tags_tag_idx ON talent_person_tags (tag, person_id);

CREATE TABLE talent_enrolments (
  id           INTEGER PRIMARY KEY,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  programme_id INTEGER NOT NULL REFERENCES talent_programmes (id),
  person_id    INTEGER NOT NULL REFERENCES talent_people (id),
  note         TEXT,
  state        TEXT NOT NULL DEFAULT 'applied'
) STRICT;
CREATE INDEX talent_enrolments_programme_idx ON talent_enrolments (programme_id, state, id);
CREATE INDEX talent_enrolments_person_idx ON talent_enrolments (person_id);
CREATE INDEX talent_enrolments_pair_idx ON talent_enrolments (programme_id, person_id);

CREATE TABLE talent_attendance (
  id             INTEGER PRIMARY KEY,
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  session_id     INTEGER NOT NULL REFERENCES talent_sessions (id),
  person_id      INTEGER NOT NULL REFERENCES talent_people (id),
  status         TEXT NOT NULL CHECK (status IN ('present','late','excused','absent')),
  credited_hours REAL CHECK (credited_hours IS NULL OR credited_hours >= 0),
  note           TEXT
) STRICT;
CREATE UNIQUE INDEX talent_attendance_session_person_idx ON talent_attendance (session_id, person_id);
CREATE INDEX talent_attendance_person_idx ON talent_attendance (person_id);

CREATE TABLE talent_tracks (
  id           INTEGER PRIMARY KEY,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  person_id    INTEGER NOT NULL REFERENCES talent_people (id),
  kind         TEXT NOT NULL CHECK (kind IN ('expert_to_member','member_to_backbone')),
  org_id       INTEGER NOT NULL REFERENCES organizations (id),
  nominated_on TEXT,
  note         TEXT,
  stage        TEXT NOT NULL DEFAULT 'nominated'
) STRICT;
CREATE INDEX talent_tracks_person_idx ON talent_tracks (person_id);
CREATE INDEX talent_tracks_stage_idx ON talent_tracks (kind, stage);
CREATE TABLE talent_track_mentors (
  track_id  INTEGER NOT NULL REFERENCES talent_tracks (id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES members (id)
) STRICT;
CREATE UNIQUE INDEX talent_track_mentors_key_idx ON talent_track_mentors (track_id, member_id);
CREATE TABLE talent_track_reviews (
  track_id    INTEGER NOT NULL REFERENCES talent_tracks (id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  reviewed_on TEXT NOT NULL,
  reviewer    TEXT NOT NULL,
  result      TEXT NOT NULL,
  note        TEXT
) STRICT;
CREATE INDEX talent_track_reviews_track_idx ON talent_track_reviews (track_id);
-- The date each stage was reached (one row per stage reached, in order).
CREATE TABLE talent_track_stages (
  id         INTEGER PRIMARY KEY,
  track_id   INTEGER NOT NULL REFERENCES talent_tracks (id) ON DELETE CASCADE,
  stage      TEXT NOT NULL,
  reached_on TEXT NOT NULL,
  at         TEXT NOT NULL
) STRICT;
CREATE INDEX talent_track_stages_track_idx ON talent_track_stages (track_id, id);
CREATE INDEX talent_track_stages_reached_idx ON talent_track_stages (stage, reached_on);

CREATE TABLE talent_pools (
  id          INTEGER PRIMARY KEY,
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  name        TEXT NOT NULL,
  org_id      INTEGER NOT NULL REFERENCES organizations (id),
  kind        TEXT NOT NULL DEFAULT 'reserve_cadre' CHECK (kind IN ('reserve_cadre','technical_expert','backbone','other')),
  description TEXT
) STRICT;
CREATE TABLE talent_pool_entries (
  id         INTEGER PRIMARY KEY,
  version    INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  pool_id    INTEGER NOT NULL REFERENCES talent_pools (id),
  person_id  INTEGER NOT NULL REFERENCES talent_people (id),
  added_on   TEXT NOT NULL,
  source     TEXT,
  evaluation TEXT,
  status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','appointed','removed'))
) STRICT;
CREATE UNIQUE INDEX talent_pool_entries_person_idx ON talent_pool_entries (pool_id, person_id);

-- Full-text search (`q`): external-content FTS5 tables with the trigram
-- tokenizer (substrings of 3 characters or more, Chinese included), kept
-- in step by triggers, as the core's (schemas/core/migrations/0001-core.sql).
CREATE VIRTUAL TABLE talent_programmes_fts USING fts5 (name, description, content = 'talent_programmes', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER talent_programmes_fts_ai AFTER INSERT ON talent_programmes BEGIN
  INSERT INTO talent_programmes_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE TRIGGER talent_programmes_fts_ad AFTER DELETE ON talent_programmes BEGIN
  INSERT INTO talent_programmes_fts (talent_programmes_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
END;
CREATE TRIGGER talent_programmes_fts_au AFTER UPDATE OF name, description ON talent_programmes BEGIN
  INSERT INTO talent_programmes_fts (talent_programmes_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
  INSERT INTO talent_programmes_fts (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE VIRTUAL TABLE talent_people_fts USING fts5 (name, position, professional_title, skill_text, content = 'talent_people', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER talent_people_fts_ai AFTER INSERT ON talent_people BEGIN
  INSERT INTO talent_people_fts (rowid, name, position, professional_title, skill_text) VALUES (new.id, new.name, new.position, new.professional_title, new.skill_text);
END;
CREATE TRIGGER talent_people_fts_ad AFTER DELETE ON talent_people BEGIN
  INSERT INTO talent_people_fts (talent_people_fts, rowid, name, position, professional_title, skill_text) VALUES ('delete', old.id, old.name, old.position, old.professional_title, old.skill_text);
END;
CREATE TRIGGER talent_people_fts_au AFTER UPDATE OF name, position, professional_title, skill_text ON talent_people BEGIN
  INSERT INTO talent_people_fts (talent_people_fts, rowid, name, position, professional_title, skill_text) VALUES ('delete', old.id, old.name, old.position, old.professional_title, old.skill_text);
  INSERT INTO talent_people_fts (rowid, name, position, professional_title, skill_text) VALUES (new.id, new.name, new.position, new.professional_title, new.skill_text);
END;
-- The skill tags, flattened into talent_people.skill_text for the search.
CREATE TRIGGER talent_person_skills_ai AFTER INSERT ON talent_person_skills BEGIN
  UPDATE talent_people SET skill_text = (SELECT group_concat(skill, ' ') FROM talent_person_skills WHERE person_id = new.person_id) WHERE id = new.person_id;
END;
CREATE TRIGGER talent_person_skills_ad AFTER DELETE ON talent_person_skills BEGIN
  UPDATE talent_people SET skill_text = (SELECT group_concat(skill, ' ') FROM talent_person_skills WHERE person_id = old.person_id) WHERE id = old.person_id;
END;
