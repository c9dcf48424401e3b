-- SPDX-License-Identifier: GPL-3.0-or-later
-- Counters for the statistics section (plugins/visit-log/vl-stats.c).
-- Counting a province's visits, assignments and requests at every
-- GET /stats/overview cost 150 ms for the park and 40 ms for one chain,
-- so without from/to the section reads these instead, kept by triggers.
--
-- Three levels, each kept from the one below:
--  1. facts: per enterprise and round, its assignments and visits
--     (visit_log_stats_enterprise_rounds), per enterprise their totals
--     (visit_log_stats_enterprises), and per request what it adds to the
--     figures (visit_log_stats_requests: what its row says, read again
--     from the view visit_log_stats_request_facts when the row changes,
--     and its log's assignments and its escalations, counted as they are
--     written);
--  2. per scope: the park (scope 0) and each chain (scope = chain id), the
--     sums of the facts of the scope's enterprises and requests
--     (visit_log_stats_scopes, _scope_rounds, _scope_names);
--  3. the triggers on enterprise_chains, which add or take away an
--     enterprise's facts when it joins or leaves a chain.
-- A request belongs to the park, and to its own chain when it has one,
-- else to every chain its enterprise is on; the by_chain list puts it
-- under its own chain, else under its enterprise's lowest chain
-- (visit_log_stats_enterprises.owner_chain_id, kept equal to it).
-- Distinct counts (enterprises visited, blank spots found, enterprises
-- planned) count the fact rows whose figure is above zero, so they go up
-- and down as a fact crosses zero.
--
-- Round 0 stands for "no round" (a NULL campaign_id) and scope 0 for the
-- park: rowids start at 1.  Rows are kept at zero rather than deleted, and
-- the section leaves out names counted zero times.

CREATE TABLE visit_log_stats_enterprise_rounds (
  enterprise_id INTEGER NOT NULL,
  campaign_id   INTEGER NOT NULL,
  planned       INTEGER NOT NULL DEFAULT 0,
  skipped       INTEGER NOT NULL DEFAULT 0,
  visits        INTEGER NOT NULL DEFAULT 0,
  blank_visits  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (enterprise_id, campaign_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE visit_log_stats_enterprises (
  enterprise_id  INTEGER PRIMARY KEY,
  planned        INTEGER NOT NULL DEFAULT 0,
  visits         INTEGER NOT NULL DEFAULT 0,
  blank_visits   INTEGER NOT NULL DEFAULT 0,
  -- The chain that by_chain lists its requests without a chain under.
  owner_chain_id INTEGER
) STRICT;

-- What one request adds to its scopes' figures: 0 or 1 from its row, then
-- counts of its log's assignments and of its escalations.
CREATE TABLE visit_log_stats_requests (
  request_id          INTEGER PRIMARY KEY,
  enterprise_id       INTEGER NOT NULL,
  chain_id            INTEGER,
  campaign_id         INTEGER NOT NULL,
  category            TEXT NOT NULL,
  state               TEXT NOT NULL,
  closed              INTEGER NOT NULL,
  open                INTEGER NOT NULL,
  long_term           INTEGER NOT NULL,
  reopened            INTEGER NOT NULL,
  accept_done         INTEGER NOT NULL,
  accept_met          INTEGER NOT NULL,
  handle_done         INTEGER NOT NULL,
  handle_met          INTEGER NOT NULL,
  close_done          INTEGER NOT NULL,
  close_met           INTEGER NOT NULL,
  rated               INTEGER NOT NULL,
  satisfied           INTEGER NOT NULL,
  basically_satisfied INTEGER NOT NULL,
  unsatisfied         INTEGER NOT NULL,
  assign_events       INTEGER NOT NULL DEFAULT 0,
  escalations         INTEGER NOT NULL DEFAULT 0,
  escalations_accept  INTEGER NOT NULL DEFAULT 0,
  escalations_handle  INTEGER NOT NULL DEFAULT 0,
  escalations_close   INTEGER NOT NULL DEFAULT 0
) STRICT;
-- An enterprise's requests that follow it from chain to chain.
CREATE INDEX visit_log_stats_requests_enterprise_idx ON visit_log_stats_requests (enterprise_id) WHERE chain_id IS NULL;
-- A visit whose round changes moves its requests.
CREATE INDEX visit_log_requests_visit_idx ON visit_log_requests (visit_id);

-- The same definitions as the exact count's (vl-stats.c, REQUEST_COLUMNS).
-- Only the request's row and its visit's, by their keys: the log and the
-- escalations are counted by their own triggers, as the benchmark's
-- generator writes them without their secondary indexes.
CREATE VIEW visit_log_stats_request_facts AS
SELECT x.id AS request_id, x.enterprise_id, x.chain_id, coalesce (v.campaign_id, 0) AS campaign_id,
       x.category, x.state,
       x.state = 'closed' AS closed,
       x.state NOT IN ('closed', 'rejected') AS open,
       x.state = 'long_term' AS long_term,
       x.reopen_count > 0 AS reopened,
       x.accepted_at IS NOT NULL AS accept_done,
       x.accepted_at IS NOT NULL AND coalesce (x.accepted_at <= x.accept_due_at, 0) AS accept_met,
       x.resolved_at IS NOT NULL AND x.state IN ('resolved', 'verified', 'closed') AS handle_done,
       x.resolved_at IS NOT NULL AND x.state IN ('resolved', 'verified', 'closed')
         AND coalesce (x.resolved_at <= x.handle_due_at, 0) AS handle_met,
       x.closed_at IS NOT NULL AS close_done,
       x.closed_at IS NOT NULL AND coalesce (x.closed_at <= x.close_due_at, 0) AS close_met,
       x.satisfaction IS NOT NULL AS rated,
       x.satisfaction IS 'satisfied' AS satisfied,
       x.satisfaction IS 'basically_satisfied' AS basically_satisfied,
       x.satisfaction IS 'unsatisfied' AS unsatisfied
  FROM visit_log_requests x LEFT JOIN visit_log_visits v ON v.id = x.visit_id;

CREATE TABLE visit_log_stats_scopes (
  scope               INTEGER PRIMARY KEY,
  enterprises_planned INTEGER NOT NULL DEFAULT 0,
  enterprises_visited INTEGER NOT NULL DEFAULT 0,
  visits              INTEGER NOT NULL DEFAULT 0,
  blank_spots_found   INTEGER NOT NULL DEFAULT 0,
  requests            INTEGER NOT NULL DEFAULT 0,
  assigned            INTEGER NOT NULL DEFAULT 0,
  closed              INTEGER NOT NULL DEFAULT 0,
  open                INTEGER NOT NULL DEFAULT 0,
  long_term           INTEGER NOT NULL DEFAULT 0,
  reopened            INTEGER NOT NULL DEFAULT 0,
  accept_done         INTEGER NOT NULL DEFAULT 0,
  accept_met          INTEGER NOT NULL DEFAULT 0,
  handle_done         INTEGER NOT NULL DEFAULT 0,
  handle_met          INTEGER NOT NULL DEFAULT 0,
  close_done          INTEGER NOT NULL DEFAULT 0,
  close_met           INTEGER NOT NULL DEFAULT 0,
  escalations         INTEGER NOT NULL DEFAULT 0,
  escalated_requests  INTEGER NOT NULL DEFAULT 0,
  escalations_accept  INTEGER NOT NULL DEFAULT 0,
  escalations_handle  INTEGER NOT NULL DEFAULT 0,
  escalations_close   INTEGER NOT NULL DEFAULT 0,
  rated               INTEGER NOT NULL DEFAULT 0,
  satisfied           INTEGER NOT NULL DEFAULT 0,
  basically_satisfied INTEGER NOT NULL DEFAULT 0,
  unsatisfied         INTEGER NOT NULL DEFAULT 0,
  -- by_chain: the requests listed under this chain.
  owned_requests      INTEGER NOT NULL DEFAULT 0,
  owned_closed        INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE visit_log_stats_scope_rounds (
  scope               INTEGER NOT NULL,
  campaign_id         INTEGER NOT NULL,
  planned             INTEGER NOT NULL DEFAULT 0,
  skipped             INTEGER NOT NULL DEFAULT 0,
  visits              INTEGER NOT NULL DEFAULT 0,
  enterprises_visited INTEGER NOT NULL DEFAULT 0,
  blank_spots_found   INTEGER NOT NULL DEFAULT 0,
  requests            INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, campaign_id)
) STRICT, WITHOUT ROWID;

-- Requests by category and by state.
CREATE TABLE visit_log_stats_scope_names (
  scope INTEGER NOT NULL,
  kind  TEXT NOT NULL CHECK (kind IN ('category', 'state')),
  name  TEXT NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (scope, kind, name)
) STRICT, WITHOUT ROWID;

-- ---- the backfill: the counters of the rows already there ----

INSERT INTO visit_log_stats_enterprise_rounds (enterprise_id, campaign_id, planned, skipped, visits, blank_visits)
SELECT enterprise_id, campaign_id, sum (planned), sum (skipped), sum (visits), sum (blank_visits)
  FROM (SELECT enterprise_id, coalesce (campaign_id, 0) AS campaign_id, 1 AS planned, status = 'skipped' AS skipped,
               0 AS visits, 0 AS blank_visits
          FROM visit_log_assignments
        UNION ALL
        SELECT enterprise_id, coalesce (campaign_id, 0), 0, 0, 1, pb_blank_spot IS 1 FROM visit_log_visits)
 GROUP BY enterprise_id, campaign_id;

INSERT INTO visit_log_stats_enterprises (enterprise_id, planned, visits, blank_visits, owner_chain_id)
SELECT e.id, coalesce (r.planned, 0), coalesce (r.visits, 0), coalesce (r.blank_visits, 0),
       (SELECT min (ec.chain_id) FROM enterprise_chains ec WHERE ec.enterprise_id = e.id)
  FROM enterprises e
  LEFT JOIN (SELECT enterprise_id, sum (planned) AS planned, sum (visits) AS visits, sum (blank_visits) AS blank_visits
               FROM visit_log_stats_enterprise_rounds GROUP BY enterprise_id) r ON r.enterprise_id = e.id;

INSERT INTO visit_log_stats_requests
SELECT f.*,
       (SELECT count (*) FROM visit_log_request_log l WHERE l.request_id = f.request_id AND l.event = 'assign'),
       (SELECT count (*) FROM visit_log_escalations e WHERE e.request_id = f.request_id),
       (SELECT count (*) FROM visit_log_escalations e WHERE e.request_id = f.request_id AND e.deadline = 'accept'),
       (SELECT count (*) FROM visit_log_escalations e WHERE e.request_id = f.request_id AND e.deadline = 'handle'),
       (SELECT count (*) FROM visit_log_escalations e WHERE e.request_id = f.request_id AND e.deadline = 'close')
  FROM visit_log_stats_request_facts f;

-- Each fact once per scope it counts in; dropped once the backfill is done.
CREATE VIEW visit_log_stats_backfill_enterprise_rounds AS
SELECT 0 AS scope, r.* FROM visit_log_stats_enterprise_rounds r
UNION ALL
SELECT ec.chain_id, r.* FROM visit_log_stats_enterprise_rounds r JOIN enterprise_chains ec ON ec.enterprise_id = r.enterprise_id;
CREATE VIEW visit_log_stats_backfill_enterprises AS
SELECT 0 AS scope, e.* FROM visit_log_stats_enterprises e
UNION ALL
SELECT ec.chain_id, e.* FROM visit_log_stats_enterprises e JOIN enterprise_chains ec ON ec.enterprise_id = e.enterprise_id;
CREATE VIEW visit_log_stats_backfill_requests AS
SELECT 0 AS scope, f.* FROM visit_log_stats_requests f
UNION ALL
SELECT f.chain_id, f.* FROM visit_log_stats_requests f WHERE f.chain_id IS NOT NULL
UNION ALL
SELECT ec.chain_id, f.* FROM visit_log_stats_requests f JOIN enterprise_chains ec ON ec.enterprise_id = f.enterprise_id
 WHERE f.chain_id IS NULL;

INSERT INTO visit_log_stats_scope_rounds (scope, campaign_id, planned, skipped, visits, enterprises_visited,
                                          blank_spots_found)
SELECT scope, campaign_id, sum (planned), sum (skipped), sum (visits), sum (visits > 0), sum (blank_visits > 0)
  FROM visit_log_stats_backfill_enterprise_rounds GROUP BY scope, campaign_id;
INSERT INTO visit_log_stats_scope_rounds (scope, campaign_id, requests)
SELECT scope, campaign_id, count (*) FROM visit_log_stats_backfill_requests WHERE true GROUP BY scope, campaign_id
    ON CONFLICT (scope, campaign_id) DO UPDATE SET requests = excluded.requests;

INSERT INTO visit_log_stats_scopes (scope, enterprises_planned, enterprises_visited, visits, blank_spots_found)
SELECT scope, sum (planned > 0), sum (visits > 0), sum (visits), sum (blank_visits > 0)
  FROM visit_log_stats_backfill_enterprises GROUP BY scope;
INSERT INTO visit_log_stats_scopes (scope, requests, assigned, closed, open, long_term, reopened,
                                    accept_done, accept_met, handle_done, handle_met, close_done, close_met,
                                    escalations, escalated_requests, escalations_accept, escalations_handle,
                                    escalations_close, rated, satisfied, basically_satisfied, unsatisfied)
SELECT scope, count (*), sum (assign_events > 0), sum (closed), sum (open), sum (long_term), sum (reopened),
       sum (accept_done), sum (accept_met), sum (handle_done), sum (handle_met), sum (close_done), sum (close_met),
       sum (escalations), sum (escalations > 0), sum (escalations_accept), sum (escalations_handle),
       sum (escalations_close), sum (rated), sum (satisfied), sum (basically_satisfied), sum (unsatisfied)
  FROM visit_log_stats_backfill_requests WHERE true GROUP BY scope
    ON CONFLICT (scope) DO UPDATE SET
       requests = excluded.requests, assigned = excluded.assigned, closed = excluded.closed, open = excluded.open,
       long_term = excluded.long_term, reopened = excluded.reopened,
       accept_done = excluded.accept_done, accept_met = excluded.accept_met,
       handle_done = excluded.handle_done, handle_met = excluded.handle_met,
       close_done = excluded.close_done, close_met = excluded.close_met,
       escalations = excluded.escalations, escalated_requests = excluded.escalated_requests,
       escalations_accept = excluded.escalations_accept, escalations_handle = excluded.escalations_handle,
       escalations_close = excluded.escalations_close, rated = excluded.rated, satisfied = excluded.satisfied,
       basically_satisfied = excluded.basically_satisfied, unsatisfied = excluded.unsatisfied;
INSERT INTO visit_log_stats_scopes (scope, owned_requests, owned_closed)
SELECT owner, count (*), sum (closed)
  FROM (SELECT coalesce (f.chain_id, e.owner_chain_id) AS owner, f.closed
          FROM visit_log_stats_requests f LEFT JOIN visit_log_stats_enterprises e ON e.enterprise_id = f.enterprise_id)
 WHERE owner IS NOT NULL GROUP BY owner
    ON CONFLICT (scope) DO UPDATE SET owned_requests = excluded.owned_requests, owned_closed = excluded.owned_closed;

INSERT INTO visit_log_stats_scope_names (scope, kind, name, n)
SELECT scope, 'category', category, count (*) FROM visit_log_stats_backfill_requests GROUP BY scope, category
UNION ALL
SELECT scope, 'state', state, count (*) FROM visit_log_stats_backfill_requests GROUP BY scope, state;

DROP VIEW visit_log_stats_backfill_enterprise_rounds;
DROP VIEW visit_log_stats_backfill_enterprises;
DROP VIEW visit_log_stats_backfill_requests;

-- ---- level 1: the facts follow the plugin's rows ----

CREATE TRIGGER visit_log_stats_visit_ai AFTER INSERT ON visit_log_visits BEGIN
  INSERT INTO visit_log_stats_enterprise_rounds (enterprise_id, campaign_id)
    VALUES (NEW.enterprise_id, coalesce (NEW.campaign_id, 0)) ON CONFLICT DO NOTHING;
  UPDATE visit_log_stats_enterprise_rounds SET visits = visits + 1, blank_visits = blank_visits + (NEW.pb_blank_spot IS 1)
   WHERE enterprise_id = NEW.enterprise_id AND campaign_id = coalesce (NEW.campaign_id, 0);
END;
CREATE TRIGGER visit_log_stats_visit_ad AFTER DELETE ON visit_log_visits BEGIN
  UPDATE visit_log_stats_enterprise_rounds SET visits = visits - 1, blank_visits = blank_visits - (OLD.pb_blank_spot IS 1)
   WHERE enterprise_id = OLD.enterprise_id AND campaign_id = coalesce (OLD.campaign_id, 0);
END;
-- The party-building check is written just after the visit.
CREATE TRIGGER visit_log_stats_visit_au AFTER UPDATE OF enterprise_id, campaign_id, pb_blank_spot ON visit_log_visits
  WHEN (OLD.enterprise_id, coalesce (OLD.campaign_id, 0), OLD.pb_blank_spot IS 1)
       IS NOT (NEW.enterprise_id, coalesce (NEW.campaign_id, 0), NEW.pb_blank_spot IS 1) BEGIN
  UPDATE visit_log_stats_enterprise_rounds SET visits = visits - 1, blank_visits = blank_visits - (OLD.pb_blank_spot IS 1)
   WHERE enterprise_id = OLD.enterprise_id AND campaign_id = coalesce (OLD.campaign_id, 0);
  INSERT INTO visit_log_stats_enterprise_rounds (enterprise_id, campaign_id)
    VALUES (NEW.enterprise_id, coalesce (NEW.campaign_id, 0)) ON CONFLICT DO NOTHING;
  UPDATE visit_log_stats_enterprise_rounds SET visits = visits + 1, blank_visits = blank_visits + (NEW.pb_blank_spot IS 1)
   WHERE enterprise_id = NEW.enterprise_id AND campaign_id = coalesce (NEW.campaign_id, 0);
END;
-- A request's round is its visit's.
CREATE TRIGGER visit_log_stats_visit_round_au AFTER UPDATE OF campaign_id ON visit_log_visits
  WHEN OLD.campaign_id IS NOT NEW.campaign_id BEGIN
  INSERT INTO visit_log_stats_dirty_requests (request_id) SELECT id FROM visit_log_requests WHERE visit_id = NEW.id;
END;

CREATE TRIGGER visit_log_stats_assignment_ai AFTER INSERT ON visit_log_assignments BEGIN
  INSERT INTO visit_log_stats_enterprise_rounds (enterprise_id, campaign_id)
    VALUES (NEW.enterprise_id, coalesce (NEW.campaign_id, 0)) ON CONFLICT DO NOTHING;
  UPDATE visit_log_stats_enterprise_rounds SET planned = planned + 1, skipped = skipped + (NEW.status = 'skipped')
   WHERE enterprise_id = NEW.enterprise_id AND campaign_id = coalesce (NEW.campaign_id, 0);
END;
CREATE TRIGGER visit_log_stats_assignment_ad AFTER DELETE ON visit_log_assignments BEGIN
  UPDATE visit_log_stats_enterprise_rounds SET planned = planned - 1, skipped = skipped - (OLD.status = 'skipped')
   WHERE enterprise_id = OLD.enterprise_id AND campaign_id = coalesce (OLD.campaign_id, 0);
END;
-- Recording a visit marks the assignment visited, which changes nothing here.
CREATE TRIGGER visit_log_stats_assignment_au AFTER UPDATE OF enterprise_id, campaign_id, status ON visit_log_assignments
  WHEN (OLD.enterprise_id, coalesce (OLD.campaign_id, 0), OLD.status = 'skipped')
       IS NOT (NEW.enterprise_id, coalesce (NEW.campaign_id, 0), NEW.status = 'skipped') BEGIN
  UPDATE visit_log_stats_enterprise_rounds SET planned = planned - 1, skipped = skipped - (OLD.status = 'skipped')
   WHERE enterprise_id = OLD.enterprise_id AND campaign_id = coalesce (OLD.campaign_id, 0);
  INSERT INTO visit_log_stats_enterprise_rounds (enterprise_id, campaign_id)
    VALUES (NEW.enterprise_id, coalesce (NEW.campaign_id, 0)) ON CONFLICT DO NOTHING;
  UPDATE visit_log_stats_enterprise_rounds SET planned = planned + 1, skipped = skipped + (NEW.status = 'skipped')
   WHERE enterprise_id = NEW.enterprise_id AND campaign_id = coalesce (NEW.campaign_id, 0);
END;

-- A request's facts from its row are read again whenever the row or its
-- visit's round changes.  The triggers below only say which request; the
-- one on this queue reads it, so that the facts are defined once (the
-- view).  A request gone loses its facts.  Its log rows and escalations
-- come after it (their foreign keys say so) and are counted as they come.
CREATE TABLE visit_log_stats_dirty_requests (request_id INTEGER NOT NULL) STRICT;
CREATE TRIGGER visit_log_stats_dirty_request_ai AFTER INSERT ON visit_log_stats_dirty_requests BEGIN
  DELETE FROM visit_log_stats_requests
   WHERE request_id = NEW.request_id AND NOT EXISTS (SELECT 1 FROM visit_log_requests WHERE id = NEW.request_id);
  INSERT INTO visit_log_stats_requests
  SELECT f.*, 0, 0, 0, 0, 0 FROM visit_log_stats_request_facts f WHERE f.request_id = NEW.request_id
    ON CONFLICT (request_id) DO UPDATE SET
       enterprise_id = excluded.enterprise_id, chain_id = excluded.chain_id, campaign_id = excluded.campaign_id,
       category = excluded.category, state = excluded.state, closed = excluded.closed,
       open = excluded.open, long_term = excluded.long_term, reopened = excluded.reopened,
       accept_done = excluded.accept_done, accept_met = excluded.accept_met,
       handle_done = excluded.handle_done, handle_met = excluded.handle_met,
       close_done = excluded.close_done, close_met = excluded.close_met, rated = excluded.rated,
       satisfied = excluded.satisfied, basically_satisfied = excluded.basically_satisfied,
       unsatisfied = excluded.unsatisfied
     WHERE (enterprise_id, chain_id, campaign_id, category, state, closed, open, long_term, reopened,
            accept_done, accept_met, handle_done, handle_met, close_done, close_met, rated, satisfied,
            basically_satisfied, unsatisfied)
           IS NOT (excluded.enterprise_id, excluded.chain_id, excluded.campaign_id, excluded.category, excluded.state,
                   excluded.closed, excluded.open, excluded.long_term, excluded.reopened,
                   excluded.accept_done, excluded.accept_met, excluded.handle_done, excluded.handle_met,
                   excluded.close_done, excluded.close_met, excluded.rated, excluded.satisfied,
                   excluded.basically_satisfied, excluded.unsatisfied);
  DELETE FROM visit_log_stats_dirty_requests WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER visit_log_stats_request_ai AFTER INSERT ON visit_log_requests BEGIN
  INSERT INTO visit_log_stats_dirty_requests (request_id) VALUES (NEW.id);
END;
-- Only the columns the facts read: a request's updated_at, version or
-- texts change nothing here.
CREATE TRIGGER visit_log_stats_request_au AFTER UPDATE OF enterprise_id, chain_id, visit_id, category, state,
  satisfaction, reopen_count, accepted_at, accept_due_at, resolved_at, handle_due_at, closed_at, close_due_at
  ON visit_log_requests BEGIN
  INSERT INTO visit_log_stats_dirty_requests (request_id) VALUES (NEW.id);
END;
CREATE TRIGGER visit_log_stats_request_ad AFTER DELETE ON visit_log_requests BEGIN
  INSERT INTO visit_log_stats_dirty_requests (request_id) VALUES (OLD.id);
END;
-- The log's assignments and the escalations are counted as they come.
CREATE TRIGGER visit_log_stats_request_log_ai AFTER INSERT ON visit_log_request_log WHEN NEW.event = 'assign' BEGIN
  UPDATE visit_log_stats_requests SET assign_events = assign_events + 1 WHERE request_id = NEW.request_id;
END;
CREATE TRIGGER visit_log_stats_request_log_ad AFTER DELETE ON visit_log_request_log WHEN OLD.event = 'assign' BEGIN
  UPDATE visit_log_stats_requests SET assign_events = assign_events - 1 WHERE request_id = OLD.request_id;
END;
CREATE TRIGGER visit_log_stats_request_log_au AFTER UPDATE OF request_id, event ON visit_log_request_log
  WHEN OLD.event = 'assign' OR NEW.event = 'assign' BEGIN
  UPDATE visit_log_stats_requests SET assign_events = assign_events - 1
   WHERE request_id = OLD.request_id AND OLD.event = 'assign';
  UPDATE visit_log_stats_requests SET assign_events = assign_events + 1
   WHERE request_id = NEW.request_id AND NEW.event = 'assign';
END;
CREATE TRIGGER visit_log_stats_escalation_ai AFTER INSERT ON visit_log_escalations BEGIN
  UPDATE visit_log_stats_requests
     SET escalations = escalations + 1, escalations_accept = escalations_accept + (NEW.deadline = 'accept'),
         escalations_handle = escalations_handle + (NEW.deadline = 'handle'),
         escalations_close = escalations_close + (NEW.deadline = 'close')
   WHERE request_id = NEW.request_id;
END;
CREATE TRIGGER visit_log_stats_escalation_ad AFTER DELETE ON visit_log_escalations BEGIN
  UPDATE visit_log_stats_requests
     SET escalations = escalations - 1, escalations_accept = escalations_accept - (OLD.deadline = 'accept'),
         escalations_handle = escalations_handle - (OLD.deadline = 'handle'),
         escalations_close = escalations_close - (OLD.deadline = 'close')
   WHERE request_id = OLD.request_id;
END;
CREATE TRIGGER visit_log_stats_escalation_au AFTER UPDATE OF request_id, deadline ON visit_log_escalations BEGIN
  UPDATE visit_log_stats_requests
     SET escalations = escalations - 1, escalations_accept = escalations_accept - (OLD.deadline = 'accept'),
         escalations_handle = escalations_handle - (OLD.deadline = 'handle'),
         escalations_close = escalations_close - (OLD.deadline = 'close')
   WHERE request_id = OLD.request_id;
  UPDATE visit_log_stats_requests
     SET escalations = escalations + 1, escalations_accept = escalations_accept + (NEW.deadline = 'accept'),
         escalations_handle = escalations_handle + (NEW.deadline = 'handle'),
         escalations_close = escalations_close + (NEW.deadline = 'close')
   WHERE request_id = NEW.request_id;
END;

-- ---- level 2: the scopes follow the facts ----

-- An enterprise's round counts in the park and in each of its chains.
CREATE TRIGGER visit_log_stats_enterprise_round_au AFTER UPDATE ON visit_log_stats_enterprise_rounds BEGIN
  INSERT INTO visit_log_stats_scope_rounds (scope, campaign_id, planned, skipped, visits, enterprises_visited,
                                            blank_spots_found)
  SELECT s.scope, NEW.campaign_id, NEW.planned - OLD.planned, NEW.skipped - OLD.skipped, NEW.visits - OLD.visits,
         (NEW.visits > 0) - (OLD.visits > 0), (NEW.blank_visits > 0) - (OLD.blank_visits > 0)
    FROM (SELECT 0 AS scope UNION ALL SELECT chain_id FROM enterprise_chains WHERE enterprise_id = NEW.enterprise_id) s
   WHERE true
      ON CONFLICT (scope, campaign_id) DO UPDATE SET
         planned = planned + excluded.planned, skipped = skipped + excluded.skipped, visits = visits + excluded.visits,
         enterprises_visited = enterprises_visited + excluded.enterprises_visited,
         blank_spots_found = blank_spots_found + excluded.blank_spots_found;
  INSERT INTO visit_log_stats_enterprises (enterprise_id) VALUES (NEW.enterprise_id) ON CONFLICT DO NOTHING;
  UPDATE visit_log_stats_enterprises
     SET planned = planned + NEW.planned - OLD.planned, visits = visits + NEW.visits - OLD.visits,
         blank_visits = blank_visits + NEW.blank_visits - OLD.blank_visits
   WHERE enterprise_id = NEW.enterprise_id;
END;

CREATE TRIGGER visit_log_stats_enterprise_au AFTER UPDATE OF planned, visits, blank_visits ON visit_log_stats_enterprises
BEGIN
  INSERT INTO visit_log_stats_scopes (scope, enterprises_planned, enterprises_visited, visits, blank_spots_found)
  SELECT s.scope, (NEW.planned > 0) - (OLD.planned > 0), (NEW.visits > 0) - (OLD.visits > 0), NEW.visits - OLD.visits,
         (NEW.blank_visits > 0) - (OLD.blank_visits > 0)
    FROM (SELECT 0 AS scope UNION ALL SELECT chain_id FROM enterprise_chains WHERE enterprise_id = NEW.enterprise_id) s
   WHERE true
      ON CONFLICT (scope) DO UPDATE SET
         enterprises_planned = enterprises_planned + excluded.enterprises_planned,
         enterprises_visited = enterprises_visited + excluded.enterprises_visited,
         visits = visits + excluded.visits, blank_spots_found = blank_spots_found + excluded.blank_spots_found;
END;

-- A request's facts are taken away and added again through this queue, so
-- that the sums are written once for both.
CREATE TABLE visit_log_stats_request_deltas (
  sign INTEGER NOT NULL, enterprise_id INTEGER NOT NULL, chain_id INTEGER, campaign_id INTEGER NOT NULL,
  category TEXT NOT NULL, state TEXT NOT NULL, assigned INTEGER NOT NULL, closed INTEGER NOT NULL,
  open INTEGER NOT NULL, long_term INTEGER NOT NULL, reopened INTEGER NOT NULL, accept_done INTEGER NOT NULL,
  accept_met INTEGER NOT NULL, handle_done INTEGER NOT NULL, handle_met INTEGER NOT NULL,
  close_done INTEGER NOT NULL, close_met INTEGER NOT NULL, escalations INTEGER NOT NULL,
  escalations_accept INTEGER NOT NULL, escalations_handle INTEGER NOT NULL, escalations_close INTEGER NOT NULL,
  rated INTEGER NOT NULL, satisfied INTEGER NOT NULL, basically_satisfied INTEGER NOT NULL,
  unsatisfied INTEGER NOT NULL
) STRICT;

CREATE TRIGGER visit_log_stats_request_facts_ai AFTER INSERT ON visit_log_stats_requests BEGIN
  INSERT INTO visit_log_stats_request_deltas SELECT 1, NEW.enterprise_id, NEW.chain_id, NEW.campaign_id,
    NEW.category, NEW.state, NEW.assign_events > 0, NEW.closed, NEW.open, NEW.long_term, NEW.reopened, NEW.accept_done,
    NEW.accept_met, NEW.handle_done, NEW.handle_met, NEW.close_done, NEW.close_met, NEW.escalations,
    NEW.escalations_accept, NEW.escalations_handle, NEW.escalations_close, NEW.rated, NEW.satisfied,
    NEW.basically_satisfied, NEW.unsatisfied;
END;
CREATE TRIGGER visit_log_stats_request_facts_ad AFTER DELETE ON visit_log_stats_requests BEGIN
  INSERT INTO visit_log_stats_request_deltas SELECT -1, OLD.enterprise_id, OLD.chain_id, OLD.campaign_id,
    OLD.category, OLD.state, OLD.assign_events > 0, OLD.closed, OLD.open, OLD.long_term, OLD.reopened, OLD.accept_done,
    OLD.accept_met, OLD.handle_done, OLD.handle_met, OLD.close_done, OLD.close_met, OLD.escalations,
    OLD.escalations_accept, OLD.escalations_handle, OLD.escalations_close, OLD.rated, OLD.satisfied,
    OLD.basically_satisfied, OLD.unsatisfied;
END;
CREATE TRIGGER visit_log_stats_request_facts_au AFTER UPDATE ON visit_log_stats_requests BEGIN
  INSERT INTO visit_log_stats_request_deltas SELECT -1, OLD.enterprise_id, OLD.chain_id, OLD.campaign_id,
    OLD.category, OLD.state, OLD.assign_events > 0, OLD.closed, OLD.open, OLD.long_term, OLD.reopened, OLD.accept_done,
    OLD.accept_met, OLD.handle_done, OLD.handle_met, OLD.close_done, OLD.close_met, OLD.escalations,
    OLD.escalations_accept, OLD.escalations_handle, OLD.escalations_close, OLD.rated, OLD.satisfied,
    OLD.basically_satisfied, OLD.unsatisfied;
  INSERT INTO visit_log_stats_request_deltas SELECT 1, NEW.enterprise_id, NEW.chain_id, NEW.campaign_id,
    NEW.category, NEW.state, NEW.assign_events > 0, NEW.closed, NEW.open, NEW.long_term, NEW.reopened, NEW.accept_done,
    NEW.accept_met, NEW.handle_done, NEW.handle_met, NEW.close_done, NEW.close_met, NEW.escalations,
    NEW.escalations_accept, NEW.escalations_handle, NEW.escalations_close, NEW.rated, NEW.satisfied,
    NEW.basically_satisfied, NEW.unsatisfied;
END;

-- The scopes of a request: the park, and its own chain or else its
-- enterprise's chains.  (WITH is not allowed in a trigger: the list is
-- spelt out in each statement.)
CREATE TRIGGER visit_log_stats_request_delta_ai AFTER INSERT ON visit_log_stats_request_deltas BEGIN
  INSERT INTO visit_log_stats_scopes (scope, requests, assigned, closed, open, long_term, reopened,
                                      accept_done, accept_met, handle_done, handle_met, close_done, close_met,
                                      escalations, escalated_requests, escalations_accept, escalations_handle,
                                      escalations_close, rated, satisfied, basically_satisfied, unsatisfied)
  SELECT s.scope, NEW.sign, NEW.sign * NEW.assigned, NEW.sign * NEW.closed, NEW.sign * NEW.open,
         NEW.sign * NEW.long_term, NEW.sign * NEW.reopened, NEW.sign * NEW.accept_done, NEW.sign * NEW.accept_met,
         NEW.sign * NEW.handle_done, NEW.sign * NEW.handle_met, NEW.sign * NEW.close_done, NEW.sign * NEW.close_met,
         NEW.sign * NEW.escalations, NEW.sign * (NEW.escalations > 0), NEW.sign * NEW.escalations_accept,
         NEW.sign * NEW.escalations_handle, NEW.sign * NEW.escalations_close, NEW.sign * NEW.rated,
         NEW.sign * NEW.satisfied, NEW.sign * NEW.basically_satisfied, NEW.sign * NEW.unsatisfied
    FROM (SELECT 0 AS scope UNION ALL SELECT NEW.chain_id WHERE NEW.chain_id IS NOT NULL
          UNION ALL SELECT chain_id FROM enterprise_chains WHERE NEW.chain_id IS NULL AND enterprise_id = NEW.enterprise_id) s
   WHERE true
      ON CONFLICT (scope) DO UPDATE SET
         requests = requests + excluded.requests, assigned = assigned + excluded.assigned,
         closed = closed + excluded.closed, open = open + excluded.open, long_term = long_term + excluded.long_term,
         reopened = reopened + excluded.reopened, accept_done = accept_done + excluded.accept_done,
         accept_met = accept_met + excluded.accept_met, handle_done = handle_done + excluded.handle_done,
         handle_met = handle_met + excluded.handle_met, close_done = close_done + excluded.close_done,
         close_met = close_met + excluded.close_met, escalations = escalations + excluded.escalations,
         escalated_requests = escalated_requests + excluded.escalated_requests,
         escalations_accept = escalations_accept + excluded.escalations_accept,
         escalations_handle = escalations_handle + excluded.escalations_handle,
         escalations_close = escalations_close + excluded.escalations_close, rated = rated + excluded.rated,
         satisfied = satisfied + excluded.satisfied,
         basically_satisfied = basically_satisfied + excluded.basically_satisfied,
         unsatisfied = unsatisfied + excluded.unsatisfied;
  INSERT INTO visit_log_stats_scope_rounds (scope, campaign_id, requests)
  SELECT s.scope, NEW.campaign_id, NEW.sign
    FROM (SELECT 0 AS scope UNION ALL SELECT NEW.chain_id WHERE NEW.chain_id IS NOT NULL
          UNION ALL SELECT chain_id FROM enterprise_chains WHERE NEW.chain_id IS NULL AND enterprise_id = NEW.enterprise_id) s
   WHERE true
      ON CONFLICT (scope, campaign_id) DO UPDATE SET requests = requests + excluded.requests;
  INSERT INTO visit_log_stats_scope_names (scope, kind, name, n)
  SELECT s.scope, k.kind, k.name, NEW.sign
    FROM (SELECT 0 AS scope UNION ALL SELECT NEW.chain_id WHERE NEW.chain_id IS NOT NULL
          UNION ALL SELECT chain_id FROM enterprise_chains WHERE NEW.chain_id IS NULL AND enterprise_id = NEW.enterprise_id) s,
         (SELECT 'category' AS kind, NEW.category AS name UNION ALL SELECT 'state', NEW.state) k
   WHERE true
      ON CONFLICT (scope, kind, name) DO UPDATE SET n = n + excluded.n;
  INSERT INTO visit_log_stats_scopes (scope, owned_requests, owned_closed)
  SELECT o.scope, NEW.sign, NEW.sign * NEW.closed
    FROM (SELECT coalesce (NEW.chain_id, (SELECT owner_chain_id FROM visit_log_stats_enterprises
                                           WHERE enterprise_id = NEW.enterprise_id)) AS scope) o
   WHERE o.scope IS NOT NULL
      ON CONFLICT (scope) DO UPDATE SET owned_requests = owned_requests + excluded.owned_requests,
                                        owned_closed = owned_closed + excluded.owned_closed;
  DELETE FROM visit_log_stats_request_deltas WHERE rowid = NEW.rowid;
END;

-- by_chain lists an enterprise's requests without a chain under its lowest
-- chain: when that changes, they move.
CREATE TRIGGER visit_log_stats_enterprise_owner_au AFTER UPDATE OF owner_chain_id ON visit_log_stats_enterprises
  WHEN OLD.owner_chain_id IS NOT NEW.owner_chain_id BEGIN
  INSERT INTO visit_log_stats_scopes (scope, owned_requests, owned_closed)
  SELECT o.scope, o.sign * count (*), o.sign * sum (f.closed)
    FROM (SELECT OLD.owner_chain_id AS scope, -1 AS sign UNION ALL SELECT NEW.owner_chain_id, 1) o
    JOIN visit_log_stats_requests f ON f.enterprise_id = NEW.enterprise_id AND f.chain_id IS NULL
   WHERE o.scope IS NOT NULL GROUP BY o.scope, o.sign
      ON CONFLICT (scope) DO UPDATE SET owned_requests = owned_requests + excluded.owned_requests,
                                        owned_closed = owned_closed + excluded.owned_closed;
END;

-- ---- level 3: the chains follow their enterprises ----

-- An enterprise joins (sign 1) or leaves (-1) a chain: its facts are
-- added to or taken from the chain's.
CREATE TABLE visit_log_stats_membership_changes (
  enterprise_id INTEGER NOT NULL,
  chain_id      INTEGER NOT NULL,
  sign          INTEGER NOT NULL
) STRICT;

CREATE TRIGGER visit_log_stats_membership_change_ai AFTER INSERT ON visit_log_stats_membership_changes BEGIN
  INSERT INTO visit_log_stats_scope_rounds (scope, campaign_id, planned, skipped, visits, enterprises_visited,
                                            blank_spots_found)
  SELECT NEW.chain_id, r.campaign_id, NEW.sign * r.planned, NEW.sign * r.skipped, NEW.sign * r.visits,
         NEW.sign * (r.visits > 0), NEW.sign * (r.blank_visits > 0)
    FROM visit_log_stats_enterprise_rounds r WHERE r.enterprise_id = NEW.enterprise_id
      ON CONFLICT (scope, campaign_id) DO UPDATE SET
         planned = planned + excluded.planned, skipped = skipped + excluded.skipped, visits = visits + excluded.visits,
         enterprises_visited = enterprises_visited + excluded.enterprises_visited,
         blank_spots_found = blank_spots_found + excluded.blank_spots_found;
  INSERT INTO visit_log_stats_scopes (scope, enterprises_planned, enterprises_visited, visits, blank_spots_found)
  SELECT NEW.chain_id, NEW.sign * (e.planned > 0), NEW.sign * (e.visits > 0), NEW.sign * e.visits,
         NEW.sign * (e.blank_visits > 0)
    FROM visit_log_stats_enterprises e WHERE e.enterprise_id = NEW.enterprise_id
      ON CONFLICT (scope) DO UPDATE SET
         enterprises_planned = enterprises_planned + excluded.enterprises_planned,
         enterprises_visited = enterprises_visited + excluded.enterprises_visited,
         visits = visits + excluded.visits, blank_spots_found = blank_spots_found + excluded.blank_spots_found;
  -- Its requests without a chain of their own.
  INSERT INTO visit_log_stats_scope_rounds (scope, campaign_id, requests)
  SELECT NEW.chain_id, f.campaign_id, NEW.sign * count (*)
    FROM visit_log_stats_requests f WHERE f.enterprise_id = NEW.enterprise_id AND f.chain_id IS NULL
   GROUP BY f.campaign_id
      ON CONFLICT (scope, campaign_id) DO UPDATE SET requests = requests + excluded.requests;
  INSERT INTO visit_log_stats_scopes (scope, requests, assigned, closed, open, long_term, reopened,
                                      accept_done, accept_met, handle_done, handle_met, close_done, close_met,
                                      escalations, escalated_requests, escalations_accept, escalations_handle,
                                      escalations_close, rated, satisfied, basically_satisfied, unsatisfied)
  SELECT NEW.chain_id, NEW.sign * count (*), NEW.sign * sum (assign_events > 0), NEW.sign * sum (closed),
         NEW.sign * sum (open), NEW.sign * sum (long_term), NEW.sign * sum (reopened), NEW.sign * sum (accept_done),
         NEW.sign * sum (accept_met), NEW.sign * sum (handle_done), NEW.sign * sum (handle_met),
         NEW.sign * sum (close_done), NEW.sign * sum (close_met), NEW.sign * sum (escalations),
         NEW.sign * sum (escalations > 0), NEW.sign * sum (escalations_accept), NEW.sign * sum (escalations_handle),
         NEW.sign * sum (escalations_close), NEW.sign * sum (rated), NEW.sign * sum (satisfied),
         NEW.sign * sum (basically_satisfied), NEW.sign * sum (unsatisfied)
    FROM visit_log_stats_requests f WHERE f.enterprise_id = NEW.enterprise_id AND f.chain_id IS NULL
  HAVING count (*) > 0
      ON CONFLICT (scope) DO UPDATE SET
         requests = requests + excluded.requests, assigned = assigned + excluded.assigned,
         closed = closed + excluded.closed, open = open + excluded.open, long_term = long_term + excluded.long_term,
         reopened = reopened + excluded.reopened, accept_done = accept_done + excluded.accept_done,
         accept_met = accept_met + excluded.accept_met, handle_done = handle_done + excluded.handle_done,
         handle_met = handle_met + excluded.handle_met, close_done = close_done + excluded.close_done,
         close_met = close_met + excluded.close_met, escalations = escalations + excluded.escalations,
         escalated_requests = escalated_requests + excluded.escalated_requests,
         escalations_accept = escalations_accept + excluded.escalations_accept,
         escalations_handle = escalations_handle + excluded.escalations_handle,
         escalations_close = escalations_close + excluded.escalations_close, rated = rated + excluded.rated,
         satisfied = satisfied + excluded.satisfied,
         basically_satisfied = basically_satisfied + excluded.basically_satisfied,
         unsatisfied = unsatisfied + excluded.unsatisfied;
  INSERT INTO visit_log_stats_scope_names (scope, kind, name, n)
  SELECT * FROM (SELECT NEW.chain_id, 'category', f.category, NEW.sign * count (*)
                   FROM visit_log_stats_requests f WHERE f.enterprise_id = NEW.enterprise_id AND f.chain_id IS NULL
                  GROUP BY f.category
                 UNION ALL
                 SELECT NEW.chain_id, 'state', f.state, NEW.sign * count (*)
                   FROM visit_log_stats_requests f WHERE f.enterprise_id = NEW.enterprise_id AND f.chain_id IS NULL
                  GROUP BY f.state)
   WHERE true
      ON CONFLICT (scope, kind, name) DO UPDATE SET n = n + excluded.n;
  -- Its lowest chain may have changed (the owner trigger moves its requests).
  INSERT INTO visit_log_stats_enterprises (enterprise_id) VALUES (NEW.enterprise_id) ON CONFLICT DO NOTHING;
  UPDATE visit_log_stats_enterprises
     SET owner_chain_id = (SELECT min (chain_id) FROM enterprise_chains WHERE enterprise_id = NEW.enterprise_id)
   WHERE enterprise_id = NEW.enterprise_id;
  DELETE FROM visit_log_stats_membership_changes WHERE rowid = NEW.rowid;
END;

-- The core's triggers.  PATCH /enterprises/{id} with chains deletes the
-- enterprise's rows and inserts the new ones; deleting an enterprise
-- deletes its rows through the foreign key's cascade, which fires these
-- too, before its facts here are touched.
CREATE TRIGGER visit_log_stats_enterprise_chains_ai AFTER INSERT ON enterprise_chains BEGIN
  INSERT INTO visit_log_stats_membership_changes (enterprise_id, chain_id, sign)
    VALUES (NEW.enterprise_id, NEW.chain_id, 1);
END;
CREATE TRIGGER visit_log_stats_enterprise_chains_ad AFTER DELETE ON enterprise_chains BEGIN
  INSERT INTO visit_log_stats_membership_changes (enterprise_id, chain_id, sign)
    VALUES (OLD.enterprise_id, OLD.chain_id, -1);
END;
CREATE TRIGGER visit_log_stats_enterprise_chains_au AFTER UPDATE OF enterprise_id, chain_id ON enterprise_chains
  WHEN (OLD.enterprise_id, OLD.chain_id) IS NOT (NEW.enterprise_id, NEW.chain_id) BEGIN
  INSERT INTO visit_log_stats_membership_changes (enterprise_id, chain_id, sign)
    VALUES (OLD.enterprise_id, OLD.chain_id, -1), (NEW.enterprise_id, NEW.chain_id, 1);
END;
