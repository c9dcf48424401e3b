-- SPDX-License-Identifier: GPL-3.0-or-later
-- The statistics section (plugins/visit-log/vl-stats.c) counts the visits,
-- assignments and requests of the period each time it is asked.  These
-- indexes hold what it reads, so that it walks index entries instead of
-- rows (a visit's row is about ten times its entry here), enterprise
-- first so that one chain's figures start from the chain's enterprises.
-- The partial indexes repeat the column they are filtered on: without it
-- SQLite reads the row to check it.
CREATE INDEX visit_log_visits_stats_idx ON visit_log_visits (enterprise_id, campaign_id, visited_on, pb_blank_spot);
-- A request's round is its visit's.
CREATE INDEX visit_log_visits_round_idx ON visit_log_visits (id, campaign_id);
CREATE INDEX visit_log_assignments_stats_idx ON visit_log_assignments (enterprise_id, campaign_id, status);
CREATE INDEX visit_log_assignments_skipped_idx ON visit_log_assignments (campaign_id, status) WHERE status = 'skipped';
-- One chain's requests: their own chain, or none and an enterprise on it.
CREATE INDEX visit_log_requests_chain_idx ON visit_log_requests (chain_id, enterprise_id);
-- The requests ever assigned to a handler.
CREATE INDEX visit_log_request_log_assign_idx ON visit_log_request_log (request_id, event) WHERE event = 'assign';
