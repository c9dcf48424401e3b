/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test resource `tickets` with its state machine, declared once for
 * tests/api/test-state-machine.c and the fuzzers (tests/fuzz/lj-fuzz.c):
 * the table and the organisations that own and review tickets, the
 * resource declaration and the machine.  Header-only constants. */
#pragma once

static const char TICKETS_TABLE[] =
  "CREATE TABLE IF NOT EXISTS test_tickets ("
  "  id INTEGER PRIMARY KEY, title TEXT NOT NULL, org_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  reviewer_org_id INTEGER REFERENCES organizations (id),"
  "  state TEXT NOT NULL DEFAULT 'draft', outcome TEXT, days INTEGER,"
  "  version INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;"
  "INSERT OR IGNORE INTO organizations (id, name, kind, parent_id, version, created_at, updated_at) VALUES"
  "  (9001, 'Owner committee', 'committee', NULL, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
  "  (9002, 'Owner branch', 'branch', 9001, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
  "  (9003, 'Reviewing committee', 'committee', NULL, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
  "  (9004, 'Other committee', 'committee', NULL, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');";

/* readOnly with x-lj-sql naming its own column: the engine does not yet
 * take read-only stored fields (see docs/plugins.md, State machines). */
static const char TICKETS[] =
  "{\"title\": \"Ticket\", \"x-lj-name\": \"tickets\", \"x-lj-table\": \"test_tickets\","
  " \"x-lj-singular\": \"ticket\", \"x-lj-owner\": \"t.org_id\", \"type\": \"object\","
  " \"additionalProperties\": false, \"required\": [\"title\", \"org_id\"],"
  " \"properties\": {"
  "  \"title\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 100},"
  "  \"org_id\": {\"type\": \"integer\", \"x-lj-ref\": \"organizations\"},"
  "  \"reviewer_org_id\": {\"type\": \"integer\", \"x-lj-ref\": \"organizations\"},"
  "  \"state\": {\"type\": \"string\", \"readOnly\": true, \"x-lj-sql\": \"t.state\", \"default\": \"draft\","
  "             \"enum\": [\"draft\", \"submitted\", \"under_review\", \"rejected\", \"open\", \"solved\", \"withdrawn\"]},"
  "  \"outcome\": {\"type\": \"string\", \"enum\": [\"solved\", \"partly_solved\", \"not_solved\"]},"
  "  \"days\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 365}}}";

static const char MACHINE[] =
  "{\"field\": \"state\", \"initial\": \"draft\","
  " \"predicates\": {\"reviewer\": \"lj_in_scope(t.reviewer_org_id)\"},"
  " \"events\": {"
  "  \"submit\": {\"from\": [\"draft\"], \"to\": \"submitted\", \"allow\": [\"owner\"]},"
  "  \"review\": {\"from\": [\"submitted\"], \"to\": \"under_review\", \"allow\": [\"admin\", \"reviewer\"]},"
  "  \"reject\": {\"from\": [\"under_review\"], \"to\": \"rejected\", \"allow\": [\"admin\", \"reviewer\"],"
  "              \"requires\": [\"reason\"]},"
  "  \"publish\": {\"from\": [\"under_review\"], \"to\": \"open\", \"allow\": [\"admin\", \"reviewer\"]},"
  "  \"solve\": {\"from\": [\"open\"], \"to\": \"solved\", \"allow\": [\"owner\"], \"requires\": [\"outcome\"],"
  "             \"sets\": [\"outcome\", \"days\"], \"optional\": [\"evidence\"]},"
  "  \"withdraw\": {\"from\": [\"draft\", \"submitted\", \"under_review\"], \"to\": \"withdrawn\","
  "                \"allow\": [\"owner\"]}}}";
