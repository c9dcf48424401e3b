-- SPDX-License-Identifier: GPL-3.0-or-later
-- Core schema, step 1: the organisational model of a park.
-- Released steps are never edited: the checksum in lj_schema would refuse
-- the database. Change the schema with a new numbered step.

CREATE TABLE chains (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  code               TEXT,
  description        TEXT,
  lead_enterprise_id INTEGER REFERENCES enterprises (id),
  committee_org_id   INTEGER REFERENCES organizations (id),
  version            INTEGER NOT NULL DEFAULT 1,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
) STRICT;

CREATE TABLE enterprises (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  credit_code   TEXT NOT NULL UNIQUE,
  size          TEXT NOT NULL CHECK (size IN ('large', 'medium', 'small', 'micro')),
  ownership     TEXT NOT NULL CHECK (ownership IN ('non_public', 'state_owned', 'foreign', 'collective')),
  employees     INTEGER CHECK (employees >= 0),
  address       TEXT,
  contact_name  TEXT,
  contact_phone TEXT,
  three_haves   INTEGER NOT NULL DEFAULT 0 CHECK (three_haves IN (0, 1)),
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX enterprises_status_idx ON enterprises (status, ownership, three_haves);
CREATE INDEX enterprises_name_idx ON enterprises (name, id);
CREATE INDEX enterprises_created_idx ON enterprises (created_at, id);

CREATE TABLE enterprise_chains (
  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
  chain_id      INTEGER NOT NULL REFERENCES chains (id),
  role          TEXT NOT NULL CHECK (role IN ('lead', 'core', 'upstream', 'downstream', 'supporting')),
  PRIMARY KEY (enterprise_id, chain_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX enterprise_chains_chain_idx ON enterprise_chains (chain_id, enterprise_id);

CREATE TABLE organizations (
  id                  INTEGER PRIMARY KEY,
  name                TEXT NOT NULL,
  kind                TEXT NOT NULL CHECK (kind IN ('working_committee', 'chain_committee', 'committee', 'general_branch', 'branch', 'joint_branch')),
  parent_id           INTEGER REFERENCES organizations (id),
  chain_id            INTEGER REFERENCES chains (id),
  secretary_member_id INTEGER REFERENCES members (id),
  founded_on          TEXT,
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX organizations_parent_idx ON organizations (parent_id);
CREATE INDEX organizations_chain_idx ON organizations (chain_id);
-- Exactly one root: the park's working committee.
CREATE UNIQUE INDEX organizations_one_root_idx ON organizations (kind) WHERE kind = 'working_committee';

CREATE TABLE organization_enterprises (
  org_id        INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
  PRIMARY KEY (org_id, enterprise_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX organization_enterprises_enterprise_idx ON organization_enterprises (enterprise_id, org_id);

CREATE TABLE members (
  id                  INTEGER PRIMARY KEY,
  name                TEXT NOT NULL,
  gender              TEXT CHECK (gender IN ('male', 'female')),
  birth_date          TEXT,
  education           TEXT CHECK (education IN ('below_high_school', 'high_school', 'junior_college', 'bachelor', 'master', 'doctorate')),
  joined_on           TEXT,
  status              TEXT NOT NULL CHECK (status IN ('formal', 'probationary')),
  org_id              INTEGER NOT NULL REFERENCES organizations (id),
  enterprise_id       INTEGER REFERENCES enterprises (id),
  position            TEXT,
  phone               TEXT,
  is_technical_expert INTEGER NOT NULL DEFAULT 0 CHECK (is_technical_expert IN (0, 1)),
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX members_org_idx ON members (org_id, status);
CREATE INDEX members_enterprise_idx ON members (enterprise_id);
CREATE INDEX members_name_idx ON members (name, id);

CREATE TABLE activities (
  id               INTEGER PRIMARY KEY,
  title            TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('theory_study', 'policy_briefing', 'situation_analysis', 'joint_building', 'volunteer_service', 'other')),
  organizer_org_id INTEGER NOT NULL REFERENCES organizations (id),
  chain_id         INTEGER REFERENCES chains (id),
  starts_at        TEXT NOT NULL,
  ends_at          TEXT,
  location         TEXT,
  summary          TEXT,
  status           TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'completed', 'cancelled')),
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  CHECK (ends_at IS NULL OR ends_at > starts_at)
) STRICT;
CREATE INDEX activities_starts_idx ON activities (starts_at, id);
CREATE INDEX activities_organizer_idx ON activities (organizer_org_id);
CREATE INDEX activities_chain_idx ON activities (chain_id, starts_at);

CREATE TABLE activity_co_organizers (
  activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
  org_id      INTEGER NOT NULL REFERENCES organizations (id),
  PRIMARY KEY (activity_id, org_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX activity_co_organizers_org_idx ON activity_co_organizers (org_id);

CREATE TABLE activity_attendance (
  activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
  member_id   INTEGER NOT NULL REFERENCES members (id),
  created_at  TEXT NOT NULL,
  PRIMARY KEY (activity_id, member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX activity_attendance_member_idx ON activity_attendance (member_id);

-- Full-text search: external-content FTS5 tables with the trigram tokenizer,
-- so a Chinese substring of three or more characters is an index lookup.
CREATE VIRTUAL TABLE chains_fts USING fts5 (name, code, description, content = 'chains', content_rowid = 'id', tokenize = 'trigram');
CREATE VIRTUAL TABLE enterprises_fts USING fts5 (name, credit_code, address, content = 'enterprises', content_rowid = 'id', tokenize = 'trigram');
CREATE VIRTUAL TABLE organizations_fts USING fts5 (name, content = 'organizations', content_rowid = 'id', tokenize = 'trigram');
CREATE VIRTUAL TABLE members_fts USING fts5 (name, position, content = 'members', content_rowid = 'id', tokenize = 'trigram');
CREATE VIRTUAL TABLE activities_fts USING fts5 (title, location, summary, content = 'activities', content_rowid = 'id', tokenize = 'trigram');

CREATE TRIGGER chains_fts_ai AFTER INSERT ON chains BEGIN
  INSERT INTO chains_fts (rowid, name, code, description) VALUES (new.id, new.name, new.code, new.description);
END;
CREATE TRIGGER chains_fts_ad AFTER DELETE ON chains BEGIN
  INSERT INTO chains_fts (chains_fts, rowid, name, code, description) VALUES ('delete', old.id, old.name, old.code, old.description);
END;
CREATE TRIGGER chains_fts_au AFTER UPDATE ON chains BEGIN
  INSERT INTO chains_fts (chains_fts, rowid, name, code, description) VALUES ('delete', old.id, old.name, old.code, old.description);
  INSERT INTO chains_fts (rowid, name, code, description) VALUES (new.id, new.name, new.code, new.description);
END;

CREATE TRIGGER enterprises_fts_ai AFTER INSERT ON enterprises BEGIN
  INSERT INTO enterprises_fts (rowid, name, credit_code, address) VALUES (new.id, new.name, new.credit_code, new.address);
END;
CREATE TRIGGER enterprises_fts_ad AFTER DELETE ON enterprises BEGIN
  INSERT INTO enterprises_fts (enterprises_fts, rowid, name, credit_code, address) VALUES ('delete', old.id, old.name, old.credit_code, old.address);
END;
CREATE TRIGGER enterprises_fts_au AFTER UPDATE ON enterprises BEGIN
  INSERT INTO enterprises_fts (enterprises_fts, rowid, name, credit_code, address) VALUES ('delete', old.id, old.name, old.credit_code, old.address);
  INSERT INTO enterprises_fts (rowid, name, credit_code, address) VALUES (new.id, new.name, new.credit_code, new.address);
END;

CREATE TRIGGER organizations_fts_ai AFTER INSERT ON organizations BEGIN
  INSERT INTO organizations_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER organizations_fts_ad AFTER DELETE ON organizations BEGIN
  INSERT INTO organizations_fts (organizations_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER organizations_fts_au AFTER UPDATE ON organizations BEGIN
  INSERT INTO organizations_fts (organizations_fts, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO organizations_fts (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER members_fts_ai AFTER INSERT ON members BEGIN
  INSERT INTO members_fts (rowid, name, position) VALUES (new.id, new.name, new.position);
END;
CREATE TRIGGER members_fts_ad AFTER DELETE ON members BEGIN
  INSERT INTO members_fts (members_fts, rowid, name, position) VALUES ('delete', old.id, old.name, old.position);
END;
CREATE TRIGGER members_fts_au AFTER UPDATE ON members BEGIN
  INSERT INTO members_fts (members_fts, rowid, name, position) VALUES ('delete', old.id, old.name, old.position);
  INSERT INTO members_fts (rowid, name, position) VALUES (new.id, new.name, new.position);
END;

CREATE TRIGGER activities_fts_ai AFTER INSERT ON activities BEGIN
  INSERT INTO activities_fts (rowid, title, location, summary) VALUES (new.id, new.title, new.location, new.summary);
END;
CREATE TRIGGER activities_fts_ad AFTER DELETE ON activities BEGIN
  INSERT INTO activities_fts (activities_fts, rowid, title, location, summary) VALUES ('delete', old.id, old.title, old.location, old.summary);
END;
CREATE TRIGGER activities_fts_au AFTER UPDATE ON activities BEGIN
  INSERT INTO activities_fts (activities_fts, rowid, title, location, summary) VALUES ('delete', old.id, old.title, old.location, old.summary);
  INSERT INTO activities_fts (rowid, title, location, summary) VALUES (new.id, new.title, new.location, new.summary);
END;
