/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The domain rules the declarations cannot say: a team, an assignment and
 * a visit belong to one round; one enterprise once per round; a skipped
 * assignment says why; a request raised on a visit is about the visited
 * enterprise.  And the party-building check a visit records from the core. */
#include "vl-plugin.h"

#include <string.h>

/* The field as it will be written: from @input, else as stored. */
static gint64
merged_int (JsonObject *input, JsonObject *current, const char *name)
{
  JsonObject *o = json_object_has_member (input, name) ? input : current;
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (n);
}

static const char *
merged_string (JsonObject *input, JsonObject *current, const char *name)
{
  JsonObject *o = json_object_has_member (input, name) ? input : current;
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* One integer from @sql with ?1, ?2 bound; -1 when there is no row. */
static gboolean
query_int (LjRequest *req, const char *sql, gint64 a, gint64 b, gint64 *out, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, a);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, b);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  *out = rc == SQLITE_ROW ? sqlite3_column_int64 (lj_stmt_get (st), 0) : -1;
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* The team must work in the round named by campaign_id; without one, the
 * round is the team's (in *@campaign). */
static gboolean
check_team_in_campaign (LjRequest *req, JsonObject *input, JsonObject *current, gint64 *campaign, GError **error)
{
  gint64 team = merged_int (input, current, "team_id");
  gint64 team_campaign;

  *campaign = merged_int (input, current, "campaign_id");
  if (team == 0)
    return TRUE;
  if (!query_int (req, "SELECT campaign_id FROM visit_log_teams WHERE id = ?1 AND ?2 = ?2", team, 0, &team_campaign,
                  error))
    return FALSE;
  if (*campaign == 0)
    *campaign = team_campaign;
  else if (team_campaign >= 0 && team_campaign != *campaign)
    lj_request_add_field_error (req, "team_id", "team %" G_GINT64_FORMAT " works in round %" G_GINT64_FORMAT
                                ", not in round %" G_GINT64_FORMAT, team, team_campaign, *campaign);
  return TRUE;
}

/* visit-log.assignment.created and .visit.created: a row written without
 * campaign_id takes its team's round. */
gboolean
vl_fill_campaign (LjRequest *req, const char *table_sql, gint64 id, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, table_sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  return lj_stmt_step_done (st, error);
}

static gboolean
on_assignment_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  return vl_fill_campaign (req, "UPDATE visit_log_assignments SET campaign_id = (SELECT tm.campaign_id FROM "
                           "visit_log_teams tm WHERE tm.id = team_id) WHERE id = ?1 AND campaign_id IS NULL",
                           lj_event_get_id (event), error);
}

void
vl_rules_add_hooks (LjPlugin *plugin)
{
  lj_plugin_add_hook (plugin, "visit-log.assignment.created", LJ_HOOK_VALIDATE, 0, on_assignment_created, NULL);
  lj_plugin_add_hook (plugin, "visit-log.visit.created", LJ_HOOK_VALIDATE, 0, vl_on_visit_created, NULL);
}

gboolean
vl_validate_team (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                  gpointer user_data, GError **error)
{
  /* Teams of a round exist while the round is not closed. */
  gint64 campaign = merged_int (input, current, "campaign_id");
  gint64 closed;

  if (id != 0 && !json_object_has_member (input, "campaign_id"))
    return TRUE;
  if (!query_int (req, "SELECT status = 'closed' FROM visit_log_campaigns WHERE id = ?1 AND ?2 = ?2", campaign, 0,
                  &closed, error))
    return FALSE;
  if (closed == 1)
    lj_request_add_field_error (req, "campaign_id", "round %" G_GINT64_FORMAT " is closed", campaign);
  return TRUE;
}

gboolean
vl_validate_assignment (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                        gpointer user_data, GError **error)
{
  static const char taken_sql[] =
    "SELECT id FROM visit_log_assignments WHERE campaign_id = ?1 AND enterprise_id = ?2";
  gint64 campaign = 0;
  gint64 enterprise = merged_int (input, current, "enterprise_id");
  const char *status = merged_string (input, current, "status");
  const char *reason = merged_string (input, current, "skip_reason");
  gint64 other;

  if (!check_team_in_campaign (req, input, current, &campaign, error) ||
      !query_int (req, taken_sql, campaign, enterprise, &other, error))
    return FALSE;
  if (other > 0 && other != id)
    lj_request_add_field_error (req, "enterprise_id", "enterprise %" G_GINT64_FORMAT " is already assigned in round %"
                                G_GINT64_FORMAT " (assignment %" G_GINT64_FORMAT ")", enterprise, campaign, other);
  if (g_strcmp0 (status, "skipped") == 0 && is_blank (reason))
    lj_request_add_field_error (req, "skip_reason", "is required when the assignment is skipped");
  return TRUE;
}

gboolean
vl_validate_visit (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                   gpointer user_data, GError **error)
{
  gint64 campaign;

  return check_team_in_campaign (req, input, current, &campaign, error);
}

gboolean
vl_validate_request (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                     gpointer user_data, GError **error)
{
  gint64 visit = merged_int (input, current, "visit_id");
  gint64 enterprise = merged_int (input, current, "enterprise_id");
  gint64 visited;

  if (visit == 0)
    return TRUE;
  if (!query_int (req, "SELECT enterprise_id FROM visit_log_visits WHERE id = ?1 AND ?2 = ?2", visit, 0, &visited,
                  error))
    return FALSE;
  if (visited > 0 && visited != enterprise)
    lj_request_add_field_error (req, "enterprise_id", "visit %" G_GINT64_FORMAT " was to enterprise %"
                                G_GINT64_FORMAT, visit, visited);
  return TRUE;
}

/* The party-building check, as the core sees the enterprise now: the
 * organisations covering it, the party members working in it, the last
 * activity (not cancelled, already started) organised or co-organised by
 * a covering organisation, and whether it is a blank spot (eligible under
 * "三有" and covered by none: the core's coverage rule). */
gboolean
vl_party_check (LjRequest *req, gint64 visit_id, gint64 enterprise_id, const char *as_of, GError **error)
{
  static const char sql[] =
    "WITH cov AS (SELECT oe.org_id FROM organization_enterprises oe WHERE oe.enterprise_id = ?2) "
    "UPDATE visit_log_visits SET "
    " pb_covered = EXISTS (SELECT 1 FROM cov), "
    " pb_org_ids = (SELECT json_group_array (org_id) FROM (SELECT org_id FROM cov ORDER BY org_id)), "
    " pb_member_count = (SELECT count (*) FROM members m WHERE m.enterprise_id = ?2), "
    " pb_last_activity_on = (SELECT substr (max (a.starts_at), 1, 10) FROM activities a "
    "   WHERE a.status <> 'cancelled' AND a.starts_at <= ?3 AND (a.organizer_org_id IN (SELECT org_id FROM cov) "
    "   OR EXISTS (SELECT 1 FROM activity_co_organizers co WHERE co.activity_id = a.id "
    "              AND co.org_id IN (SELECT org_id FROM cov)))), "
    " pb_blank_spot = (SELECT e.status = 'active' AND e.ownership = 'non_public' AND e.three_haves = 1 "
    "   AND NOT EXISTS (SELECT 1 FROM cov) FROM enterprises e WHERE e.id = ?2) "
    "WHERE id = ?1";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, visit_id);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, enterprise_id);
  sqlite3_bind_text (lj_stmt_get (st), 3, as_of, -1, SQLITE_TRANSIENT);
  return lj_stmt_step_done (st, error);
}

/* visit-log.visit.created: the check, and the assignment is visited. */
gboolean
vl_on_visit_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  static const char find_sql[] =
    "SELECT id FROM visit_log_assignments WHERE campaign_id = ?1 AND enterprise_id = ?2 AND status <> 'visited'";
  static const char mark_sql[] =
    "UPDATE visit_log_assignments SET status = 'visited', skip_reason = NULL, version = version + 1, "
    "updated_at = ?2 WHERE id = ?1";
  JsonObject *after = lj_event_get_after (event);
  gint64 enterprise = json_object_get_int_member_with_default (after, "enterprise_id", 0);
  gint64 team = json_object_get_int_member_with_default (after, "team_id", 0);
  gint64 campaign;
  g_autoptr (JsonObject) changed = json_object_new ();
  g_autoptr (LjStmt) st = NULL;
  g_autofree char *now = lj_clock_now_timestamp ();
  gint64 assignment;

  if (!vl_fill_campaign (req, "UPDATE visit_log_visits SET campaign_id = (SELECT tm.campaign_id FROM "
                         "visit_log_teams tm WHERE tm.id = team_id) WHERE id = ?1 AND campaign_id IS NULL",
                         lj_event_get_id (event), error) ||
      !query_int (req, "SELECT campaign_id FROM visit_log_visits WHERE id = ?1 AND ?2 = ?2", lj_event_get_id (event),
                  team, &campaign, error) ||
      !vl_party_check (req, lj_event_get_id (event), enterprise, now, error) ||
      !query_int (req, find_sql, campaign, enterprise, &assignment, error))
    return FALSE;
  if (assignment <= 0)
    return TRUE;
  if ((st = lj_request_prepare (req, mark_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, assignment);
  sqlite3_bind_text (lj_stmt_get (st), 2, now, -1, SQLITE_STATIC);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  json_object_set_string_member (changed, "status", "visited");
  return lj_request_audit (req, "visited", "visit-log/assignments", assignment, NULL, changed, error);
}
