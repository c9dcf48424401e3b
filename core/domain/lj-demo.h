/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo park: a complete, deterministic data set modelled on the
 * Chuxiong high-tech zone article (楚雄高新区 "党建联建"), for `lianjian
 * demo`, screenshots and the statistics tests.  The figures the article
 * reports come out of plain SQL aggregates over the loaded data, exactly:
 *
 * - 10 chains (LJ_DEMO_CHAINS), each with a chain committee
 *   (chains.committee_org_id, organizations.chain_id) and a lead enterprise
 *   (chains.lead_enterprise_id) that is on the chain with role 'lead'.
 * - 71 organisations: 1 working committee (楚雄高新区党工委, no parent),
 *   10 chain committees (parent: the working committee) and 60 enterprise
 *   party organisations (LJ_DEMO_ENTERPRISE_ORGS, kinds committee 10,
 *   general_branch 14, branch 30, joint_branch 6), each the child of its
 *   chain's committee.  Each joint branch covers 2-4 small enterprises.
 * - 596 members (LJ_DEMO_MEMBERS): 585 in the 60 enterprise organisations
 *   (LJ_DEMO_ENTERPRISE_ORG_MEMBERS, the article's "580余名") and 11 in the
 *   committees (one per chain committee, one in the working committee).
 *   Every organisation's secretary_member_id is one of its own members.
 * - 100 enterprises (LJ_DEMO_ENTERPRISES); 71 covered by an organisation
 *   (LJ_DEMO_COVERED).  Eligible for the coverage rate (status 'active',
 *   ownership 'non_public', three_haves = 1): 84 (LJ_DEMO_ELIGIBLE), of
 *   which 62 covered (LJ_DEMO_ELIGIBLE_COVERED) and 22 blank spots
 *   (LJ_DEMO_BLANK_SPOTS).  The 7 other uncovered enterprises are outside the
 *   denominator on purpose: 2 closed, 1 state-owned, 1 foreign and 3 without
 *   the "three haves"; 9 covered ones are outside it too (5 state-owned,
 *   2 foreign, 1 collective, 1 micro enterprise in a joint branch without
 *   the "three haves").
 * - 48 activities (LJ_DEMO_ACTIVITIES).  The 40 study sessions: kind
 *   'theory_study', status 'completed', starts_at in 2025, 624 attendance
 *   rows in total (LJ_DEMO_STUDY_SESSIONS, LJ_DEMO_STUDY_ATTENDANCES), each
 *   attendee a member of the organiser or a co-organiser.  The 8 others
 *   (policy_briefing, situation_analysis, joint_building, volunteer_service,
 *   other) start in 2026; 7 are completed with 177 attendances and one in
 *   December 2026 is planned, with none.  So the period
 *   from=2025-01-01T00:00:00Z to=2026-01-01T00:00:00Z (starts_at >= from,
 *   starts_at < to: LJ_DEMO_STUDY_FROM, LJ_DEMO_STUDY_TO) gives, over all
 *   kinds, 40 sessions and 624 attendances; so does kind=theory_study over
 *   any period that includes 2025.
 *
 * These figures do not depend on the seed; names, phones, dates, sizes,
 * which members attend and how members spread over organisations do.
 * Every row has version 1 and created_at = updated_at = LJ_DEMO_TIMESTAMP,
 * attendance rows carry their activity's ends_at.  Private to the core. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "store/lj-store.h"

G_BEGIN_DECLS

#define LJ_DEMO_DEFAULT_SEED 20261125

/* The moment the demo data claims to have been entered. */
#define LJ_DEMO_TIMESTAMP "2026-11-25T00:00:00Z"

#define LJ_DEMO_CHAINS 10
#define LJ_DEMO_ENTERPRISES 100
#define LJ_DEMO_ORGANIZATIONS 71
#define LJ_DEMO_ENTERPRISE_ORGS 60
#define LJ_DEMO_COMMITTEES 10
#define LJ_DEMO_GENERAL_BRANCHES 14
#define LJ_DEMO_BRANCHES 30
#define LJ_DEMO_JOINT_BRANCHES 6
#define LJ_DEMO_JOINT_BRANCH_ENTERPRISES 17

#define LJ_DEMO_ENTERPRISE_ORG_MEMBERS 585
#define LJ_DEMO_COMMITTEE_MEMBERS 11
#define LJ_DEMO_MEMBERS (LJ_DEMO_ENTERPRISE_ORG_MEMBERS + LJ_DEMO_COMMITTEE_MEMBERS)

#define LJ_DEMO_COVERED 71
#define LJ_DEMO_ELIGIBLE 84
#define LJ_DEMO_ELIGIBLE_COVERED 62
#define LJ_DEMO_BLANK_SPOTS 22

#define LJ_DEMO_STUDY_SESSIONS 40
#define LJ_DEMO_STUDY_ATTENDANCES 624
#define LJ_DEMO_STUDY_FROM "2025-01-01T00:00:00Z"
#define LJ_DEMO_STUDY_TO "2026-01-01T00:00:00Z"
#define LJ_DEMO_OTHER_ACTIVITIES 8
#define LJ_DEMO_OTHER_ATTENDANCES 177
#define LJ_DEMO_ACTIVITIES (LJ_DEMO_STUDY_SESSIONS + LJ_DEMO_OTHER_ACTIVITIES)
#define LJ_DEMO_ATTENDANCES (LJ_DEMO_STUDY_ATTENDANCES + LJ_DEMO_OTHER_ATTENDANCES)

#define LJ_DEMO_ERROR (lj_demo_error_quark ())
GQuark lj_demo_error_quark (void);

typedef enum {
  LJ_DEMO_ERROR_NOT_EMPTY,  /* the database already holds park data */
  LJ_DEMO_ERROR_FAILED,     /* SQLite refused a statement; nothing was kept */
} LjDemoError;

/* Loads the demo park into @db, which already has the core schema applied
 * and must hold no chains, enterprises, organizations, members or activities
 * (else LJ_DEMO_ERROR_NOT_EMPTY).  Runs in one transaction it opens itself
 * with BEGIN IMMEDIATE, so @db must not be inside a transaction; on any
 * failure it rolls back and the database is as it was.  Deterministic: the
 * same @seed gives byte-identical rows, whatever the clock or the machine. */
gboolean lj_demo_load (sqlite3  *db,
                       guint64   seed,
                       GError  **error);

/* Creates the demo accounts if missing and prints a fresh token for each. */
gboolean lj_demo_accounts_ensure (LjStore *store, GError **error);

G_END_DECLS
