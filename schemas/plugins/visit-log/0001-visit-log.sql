-- SPDX-License-Identifier: GPL-3.0-or-later
-- visit-log: rounds of enterprise visits (走访), service teams (发展服务团),
-- assignments (包联), visits with their party-building check, requests
-- (诉求) under SLA policies such as "1610", their own event log and the
-- escalations (督办) the periodic check records.
CREATE TABLE visit_log_sla_policies (
  id            INTEGER PRIMARY KEY,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  name          TEXT NOT NULL,
  accept_days   INTEGER NOT NULL CHECK (accept_days BETWEEN 0 AND 365),
  handle_days   INTEGER NOT NULL CHECK (handle_days BETWEEN 0 AND 365),
  close_days    INTEGER NOT NULL CHECK (close_days BETWEEN 0 AND 365),
  day_kind      TEXT NOT NULL DEFAULT 'calendar' CHECK (day_kind IN ('calendar', 'working')),
  description   TEXT
) STRICT;
CREATE UNIQUE INDEX visit_log_sla_policies_name_idx ON visit_log_sla_policies (name);
INSERT INTO visit_log_sla_policies (id, created_at, updated_at, name, accept_days, handle_days, close_days, day_kind, description)
  VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '1610', 1, 6, 10, 'calendar',
          '“1610”机制：1天内受理，6天内办理，10天内办结（日历日，自登记起算）');

CREATE TABLE visit_log_campaigns (
  id            INTEGER PRIMARY KEY,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  name          TEXT NOT NULL,
  round_no      INTEGER NOT NULL,
  starts_on     TEXT NOT NULL,
  ends_on       TEXT,
  target_count  INTEGER,
  status        TEXT NOT NULL DEFAULT 'planned',
  owner_org_id  INTEGER NOT NULL REFERENCES organizations (id),
  description   TEXT
) STRICT;
CREATE TABLE visit_log_campaign_chains (
  campaign_id   INTEGER NOT NULL REFERENCES visit_log_campaigns (id) ON DELETE CASCADE,
  chain_id      INTEGER NOT NULL REFERENCES chains (id)
) STRICT;
CREATE UNIQUE INDEX visit_log_campaign_chains_idx ON visit_log_campaign_chains (campaign_id, chain_id);

CREATE TABLE visit_log_teams (
  id            INTEGER PRIMARY KEY,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  name          TEXT NOT NULL,
  leader_name   TEXT,
  campaign_id   INTEGER NOT NULL REFERENCES visit_log_campaigns (id),
  org_id        INTEGER NOT NULL REFERENCES organizations (id)
) STRICT;
CREATE INDEX visit_log_teams_campaign_idx ON visit_log_teams (campaign_id);
CREATE TABLE visit_log_team_members (
  team_id       INTEGER NOT NULL REFERENCES visit_log_teams (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  department    TEXT,
  role          TEXT
) STRICT;
CREATE INDEX visit_log_team_members_team_idx ON visit_log_team_members (team_id, name);

CREATE TABLE visit_log_assignments (
  id            INTEGER PRIMARY KEY,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  -- The team's round when not sent (filled when the row is written).
  campaign_id   INTEGER REFERENCES visit_log_campaigns (id),
  team_id       INTEGER NOT NULL REFERENCES visit_log_teams (id),
  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
  planned_by    TEXT,
  status        TEXT NOT NULL DEFAULT 'pending',
  skip_reason   TEXT
) STRICT;
-- One enterprise once per round.
CREATE UNIQUE INDEX visit_log_assignments_enterprise_idx ON visit_log_assignments (campaign_id, enterprise_id);
CREATE INDEX visit_log_assignments_team_idx ON visit_log_assignments (team_id);

CREATE TABLE visit_log_visits (
  id            INTEGER PRIMARY KEY,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  campaign_id   INTEGER REFERENCES visit_log_campaigns (id),
  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
  team_id       INTEGER NOT NULL REFERENCES visit_log_teams (id),
  visited_on    TEXT NOT NULL,
  mode          TEXT NOT NULL DEFAULT 'onsite',
  visitors      TEXT,
  enterprise_attendees TEXT,
  summary       TEXT,
  next_visit_due TEXT,
  -- The party-building check, read from the core when the visit is recorded.
  pb_covered        INTEGER,
  pb_org_ids        TEXT,
  pb_member_count   INTEGER,
  pb_last_activity_on TEXT,
  pb_blank_spot     INTEGER
) STRICT;
CREATE INDEX visit_log_visits_enterprise_idx ON visit_log_visits (enterprise_id, visited_on);
CREATE INDEX visit_log_visits_campaign_idx ON visit_log_visits (campaign_id, visited_on);

CREATE TABLE visit_log_requests (
  id            INTEGER PRIMARY KEY,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  visit_id      INTEGER REFERENCES visit_log_visits (id),
  team_id       INTEGER REFERENCES visit_log_teams (id),
  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
  chain_id      INTEGER REFERENCES chains (id),
  source        TEXT NOT NULL DEFAULT 'visit',
  category      TEXT NOT NULL,
  description   TEXT NOT NULL,
  requested_outcome TEXT,
  urgency       TEXT NOT NULL DEFAULT 'normal',
  handler_org_id INTEGER REFERENCES organizations (id),
  handler_unit  TEXT,
  sla_policy_id INTEGER NOT NULL DEFAULT 1 REFERENCES visit_log_sla_policies (id),
  state         TEXT NOT NULL DEFAULT 'registered',
  resolution    TEXT,
  satisfaction  TEXT,
  reopen_count  INTEGER NOT NULL DEFAULT 0,
  long_term_plan TEXT,
  next_review_on TEXT,
  registered_at TEXT,
  accept_due_at TEXT,
  handle_due_at TEXT,
  close_due_at  TEXT,
  accepted_at   TEXT,
  resolved_at   TEXT,
  closed_at     TEXT
) STRICT;
CREATE INDEX visit_log_requests_enterprise_idx ON visit_log_requests (enterprise_id);
CREATE INDEX visit_log_requests_state_idx ON visit_log_requests (state, close_due_at);

-- The request's own log: registration, every transition and every
-- escalation, with the time it happened (demo data carries past dates).
CREATE TABLE visit_log_request_log (
  id            INTEGER PRIMARY KEY,
  request_id    INTEGER NOT NULL REFERENCES visit_log_requests (id) ON DELETE CASCADE,
  at            TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('registered', 'transition', 'escalation')),
  event         TEXT NOT NULL,
  from_state    TEXT,
  to_state      TEXT,
  actor_user_id INTEGER,
  actor_role    TEXT,
  note          TEXT,
  data          TEXT CHECK (data IS NULL OR json_valid (data))
) STRICT;
CREATE INDEX visit_log_request_log_request_idx ON visit_log_request_log (request_id, at, id);

-- 督办: one row per request and deadline, recorded once by the periodic check.
CREATE TABLE visit_log_escalations (
  id            INTEGER PRIMARY KEY,
  request_id    INTEGER NOT NULL REFERENCES visit_log_requests (id) ON DELETE CASCADE,
  deadline      TEXT NOT NULL CHECK (deadline IN ('accept', 'handle', 'close')),
  due_at        TEXT NOT NULL,
  escalated_at  TEXT NOT NULL,
  state         TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX visit_log_escalations_once_idx ON visit_log_escalations (request_id, deadline);
