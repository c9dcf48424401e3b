-- problem-board: technical problems (技术攻关榜), the teams that take them on
-- (党员突击队, 技术攻关小组), their claims (揭榜) and progress updates, and the
-- key projects they unblock.  Every name starts with problem_board_.
CREATE TABLE problem_board_teams (
  id               INTEGER PRIMARY KEY,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  name             TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('commando', 'task_force', 'expert_group')),
  host_org_id      INTEGER NOT NULL REFERENCES organizations (id),
  leader_member_id INTEGER REFERENCES members (id),
  formed_on        TEXT,
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dissolved'))
) STRICT;
CREATE INDEX problem_board_teams_host_idx ON problem_board_teams (host_org_id);

CREATE TABLE problem_board_team_members (
  team_id       INTEGER NOT NULL REFERENCES problem_board_teams (id) ON DELETE CASCADE,
  member_id     INTEGER REFERENCES members (id),
  external_name TEXT,
  role          TEXT NOT NULL CHECK (role IN ('leader', 'expert', 'liaison', 'external')),
  CHECK ((member_id IS NULL) <> (external_name IS NULL))
) STRICT;
CREATE INDEX problem_board_team_members_team_idx ON problem_board_team_members (team_id);
CREATE INDEX problem_board_team_members_member_idx ON problem_board_team_members (member_id);

CREATE TABLE problem_board_projects (
  id                INTEGER PRIMARY KEY,
  version           INTEGER NOT NULL DEFAULT 1,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  name              TEXT NOT NULL,
  enterprise_id     INTEGER NOT NULL REFERENCES enterprises (id),
  chain_id          INTEGER NOT NULL REFERENCES chains (id),
  planned_milestone TEXT,
  planned_date      TEXT,
  status            TEXT NOT NULL DEFAULT 'on_track'
                    CHECK (status IN ('on_track', 'lagging', 'back_on_track', 'done', 'abandoned')),
  lag_reason        TEXT,
  back_on_track_on  TEXT
) STRICT;
CREATE INDEX problem_board_projects_enterprise_idx ON problem_board_projects (enterprise_id);
CREATE INDEX problem_board_projects_chain_idx ON problem_board_projects (chain_id, status);

-- Status changes of projects, for the enterprise timeline.
CREATE TABLE problem_board_project_events (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES problem_board_projects (id) ON DELETE CASCADE,
  at          TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL
) STRICT;
CREATE INDEX problem_board_project_events_project_idx ON problem_board_project_events (project_id, at);

CREATE TABLE problem_board_problems (
  id                  INTEGER PRIMARY KEY,
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  code                TEXT,
  title               TEXT NOT NULL,
  description         TEXT,
  chain_id            INTEGER NOT NULL REFERENCES chains (id),
  enterprise_id       INTEGER NOT NULL REFERENCES enterprises (id),
  category            TEXT NOT NULL,
  priority            TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high', 'urgent')),
  visibility          TEXT NOT NULL DEFAULT 'park' CHECK (visibility IN ('park', 'chain', 'team')),
  acceptance_criteria TEXT,
  desired_by          TEXT,
  source              TEXT NOT NULL DEFAULT 'self' CHECK (source IN ('self', 'visit', 'service_team')),
  source_ref          TEXT,
  team_id             INTEGER REFERENCES problem_board_teams (id),
  state               TEXT NOT NULL DEFAULT 'draft',
  verdict             TEXT CHECK (verdict IN ('solved', 'partly_solved', 'not_solved')),
  days_recovered      INTEGER,
  cost_saved_cny      REAL,
  output_value_cny    REAL,
  patents             INTEGER,
  outcome_note        TEXT,
  satisfaction        INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
  submitted_at        TEXT,
  published_at        TEXT,
  started_at          TEXT,
  solved_at           TEXT,
  closed_at           TEXT
) STRICT;
CREATE UNIQUE INDEX problem_board_problems_code_idx ON problem_board_problems (code);
CREATE INDEX problem_board_problems_enterprise_idx ON problem_board_problems (enterprise_id);
CREATE INDEX problem_board_problems_chain_idx ON problem_board_problems (chain_id, state);
CREATE INDEX problem_board_problems_team_idx ON problem_board_problems (team_id);

CREATE TABLE problem_board_problem_projects (
  problem_id INTEGER NOT NULL REFERENCES problem_board_problems (id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES problem_board_projects (id)
) STRICT;
CREATE UNIQUE INDEX problem_board_problem_projects_idx ON problem_board_problem_projects (problem_id, project_id);
CREATE INDEX problem_board_problem_projects_project_idx ON problem_board_problem_projects (project_id);

CREATE TABLE problem_board_claims (
  id         INTEGER PRIMARY KEY,
  version    INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  problem_id INTEGER NOT NULL REFERENCES problem_board_problems (id),
  team_id    INTEGER NOT NULL REFERENCES problem_board_teams (id),
  approach   TEXT NOT NULL,
  plan       TEXT,
  state      TEXT NOT NULL DEFAULT 'submitted'
) STRICT;
CREATE INDEX problem_board_claims_problem_idx ON problem_board_claims (problem_id, state);
CREATE INDEX problem_board_claims_team_idx ON problem_board_claims (team_id);

CREATE TABLE problem_board_updates (
  id           INTEGER PRIMARY KEY,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  problem_id   INTEGER NOT NULL REFERENCES problem_board_problems (id),
  kind         TEXT NOT NULL CHECK (kind IN ('update', 'site_visit', 'experiment', 'meeting', 'blocker')),
  text         TEXT NOT NULL,
  progress_pct INTEGER CHECK (progress_pct BETWEEN 0 AND 100),
  at           TEXT NOT NULL
) STRICT;
CREATE INDEX problem_board_updates_problem_idx ON problem_board_updates (problem_id, at);

CREATE VIRTUAL TABLE problem_board_problems_fts USING fts5 (code, title, description, acceptance_criteria,
  content = 'problem_board_problems', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER problem_board_problems_fts_ai AFTER INSERT ON problem_board_problems BEGIN
  INSERT INTO problem_board_problems_fts (rowid, code, title, description, acceptance_criteria)
  VALUES (new.id, new.code, new.title, new.description, new.acceptance_criteria);
END;
CREATE TRIGGER problem_board_problems_fts_ad AFTER DELETE ON problem_board_problems BEGIN
  INSERT INTO problem_board_problems_fts (problem_board_problems_fts, rowid, code, title, description, acceptance_criteria)
  VALUES ('delete', old.id, old.code, old.title, old.description, old.acceptance_criteria);
END;
CREATE TRIGGER problem_board_problems_fts_au AFTER UPDATE ON problem_board_problems BEGIN
  INSERT INTO problem_board_problems_fts (problem_board_problems_fts, rowid, code, title, description, acceptance_criteria)
  VALUES ('delete', old.id, old.code, old.title, old.description, old.acceptance_criteria);
  INSERT INTO problem_board_problems_fts (rowid, code, title, description, acceptance_criteria)
  VALUES (new.id, new.code, new.title, new.description, new.acceptance_criteria);
END;

CREATE VIRTUAL TABLE problem_board_teams_fts USING fts5 (name, content = 'problem_board_teams', content_rowid = 'id',
  tokenize = 'trigram');
CREATE TRIGGER problem_board_teams_fts_ai AFTER INSERT ON problem_board_teams BEGIN
  INSERT INTO problem_board_teams_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER problem_board_teams_fts_ad AFTER DELETE ON problem_board_teams BEGIN
  INSERT INTO problem_board_teams_fts (problem_board_teams_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER problem_board_teams_fts_au AFTER UPDATE ON problem_board_teams BEGIN
  INSERT INTO problem_board_teams_fts (problem_board_teams_fts, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO problem_board_teams_fts (rowid, name) VALUES (new.id, new.name);
END;

CREATE VIRTUAL TABLE problem_board_projects_fts USING fts5 (name, lag_reason, content = 'problem_board_projects',
  content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER problem_board_projects_fts_ai AFTER INSERT ON problem_board_projects BEGIN
  INSERT INTO problem_board_projects_fts (rowid, name, lag_reason) VALUES (new.id, new.name, new.lag_reason);
END;
CREATE TRIGGER problem_board_projects_fts_ad AFTER DELETE ON problem_board_projects BEGIN
  INSERT INTO problem_board_projects_fts (problem_board_projects_fts, rowid, name, lag_reason)
  VALUES ('delete', old.id, old.name, old.lag_reason);
END;
CREATE TRIGGER problem_board_projects_fts_au AFTER UPDATE ON problem_board_projects BEGIN
  INSERT INTO problem_board_projects_fts (problem_board_projects_fts, rowid, name, lag_reason)
  VALUES ('delete', old.id, old.name, old.lag_reason);
  INSERT INTO problem_board_projects_fts (rowid, name, lag_reason) VALUES (new.id, new.name, new.lag_reason);
END;
