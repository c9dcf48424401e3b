/* SPDX-License-Identifier: GPL-3.0-or-later */
/* problem-board: technical problems (技术攻关 / 揭榜挂帅) posted by enterprises
 * on a chain, the commando teams and task forces that claim and solve them,
 * and the lagging key projects they bring back on track.
 *
 * Declarations (resources, the problem and claim state machines, the
 * migration) live in schemas/plugins/problem-board/ and are compiled into the
 * module.  This file holds what a declaration cannot say: the generated
 * problem code, the side effects of transitions (a claim accepted starts
 * its problem and declines the others; solving moves lagging projects back
 * on track), the stats section, the timeline sources and the domain checks. */
#include <lianjian/lianjian.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "problem-board.h"
#include "problem-board-data.h"

#define DATA "/org/lianjian/plugins/problem-board/"

PbResources pb;

/* ---- small helpers ---- */

gboolean
pb_exec (LjRequest *req, const char *sql, GError **error, const char *format, ...)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  va_list args;
  int idx = 1;

  if (st == NULL)
    return FALSE;
  va_start (args, format);
  for (const char *f = format; f && *f; f++, idx++)
    {
      sqlite3_stmt *s = lj_stmt_get (st);

      if (*f == 'i')
        sqlite3_bind_int64 (s, idx, va_arg (args, gint64));
      else if (*f == 's')
        {
          const char *text = va_arg (args, const char *);
          if (text)
            sqlite3_bind_text (s, idx, text, -1, SQLITE_TRANSIENT);
        }
    }
  va_end (args);
  return lj_stmt_step_done (st, error);
}

/* The first column of the first row as an integer; @found tells whether
 * there was a row with a non-NULL value. */
static gboolean
query_int (LjRequest *req, const char *sql, gint64 a, gint64 b, gint64 *out, gboolean *found, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  *out = 0;
  if (found)
    *found = FALSE;
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, a);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, b);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW && sqlite3_column_type (lj_stmt_get (st), 0) != SQLITE_NULL)
    {
      *out = sqlite3_column_int64 (lj_stmt_get (st), 0);
      if (found)
        *found = TRUE;
    }
  return TRUE;
}

static gboolean
member_is_int (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64;
}

static gint64
member_int (JsonObject *o, const char *name)
{
  return member_is_int (o, name) ? json_object_get_int_member (o, name) : 0;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
invalid (GError **error)
{
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid fields");
  return FALSE;
}

/* ---- problems: code, domain checks, transition side effects ---- */

static const char *const outcome_fields[] = {
  "verdict", "days_recovered", "cost_saved_cny", "output_value_cny", "patents", "outcome_note", "satisfaction", NULL
};

/* Whether enterprise ?1 belongs to chain ?2: listed on it, or covered by
 * an organisation at or below the chain's committee. */
static const char ON_CHAIN_SQL[] =
  "WITH RECURSIVE under (id) AS (SELECT committee_org_id FROM chains WHERE id = ?2"
  " UNION SELECT o.id FROM organizations o JOIN under ON o.parent_id = under.id) "
  "SELECT EXISTS (SELECT 1 FROM enterprise_chains WHERE enterprise_id = ?1 AND chain_id = ?2)"
  " OR EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = ?1 AND oe.org_id IN under)";

/* The enterprise must be on the chain; the outcome is written by the solve
 * event (and may be corrected once solved), never before delivery. */
static gboolean
validate_problem (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                  gpointer user_data, GError **error)
{
  gint64 chain_id = member_is_int (input, "chain_id") ? member_int (input, "chain_id") : member_int (current, "chain_id");
  gint64 enterprise_id = member_is_int (input, "enterprise_id") ? member_int (input, "enterprise_id")
                                                                  : member_int (current, "enterprise_id");
  const char *state = member_string (current, "state");
  gint64 on_chain = 0;

  if ((json_object_has_member (input, "chain_id") || json_object_has_member (input, "enterprise_id")) &&
      chain_id > 0 && enterprise_id > 0)
    {
      if (!query_int (req, ON_CHAIN_SQL, enterprise_id, chain_id, &on_chain, NULL, error))
        return FALSE;
      if (on_chain == 0)
        lj_request_add_field_error (req, "enterprise_id", "enterprise %" G_GINT64_FORMAT " is not on chain %"
                                    G_GINT64_FORMAT " (nor covered by an organisation under its committee)",
                                    enterprise_id, chain_id);
    }
  for (guint i = 0; outcome_fields[i]; i++)
    if (json_object_has_member (input, outcome_fields[i]) &&
        (state == NULL || (strcmp (state, "delivered") != 0 && strcmp (state, "solved") != 0)))
      lj_request_add_field_error (req, outcome_fields[i], "is part of the outcome, given by the solve event");
  return TRUE;
}

/* problem-board.problem.created: the code JSGG-<year>-<n>, n counting the
 * year's problems from 1 without gaps (the write lock serialises it). */
static gboolean
assign_code (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  LjPlugin *plugin = user_data;
  const char *prefix = lj_plugin_get_config_string (plugin, "code_prefix");
  g_autoptr (GDateTime) now = lj_clock_now_utc ();
  g_autofree char *stem = g_strdup_printf ("%s-%04d-", prefix, g_date_time_get_year (now));
  g_autofree char *like = g_strconcat (stem, "%", NULL);
  g_autoptr (LjStmt) st = NULL;
  g_autofree char *code = NULL;
  gint64 next = 1;
  int rc;

  st = lj_request_prepare (req, "SELECT ifnull (max (CAST (substr (code, ?2) AS INTEGER)), 0) + 1 "
                                "FROM problem_board_problems WHERE code LIKE ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (lj_stmt_get (st), 1, like, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, (gint64) strlen (stem) + 1);
  if ((rc = lj_stmt_step (st, error)) != SQLITE_ROW)
    return rc == SQLITE_DONE ? invalid (error) : FALSE;
  next = sqlite3_column_int64 (lj_stmt_get (st), 0);
  g_clear_pointer (&st, lj_stmt_release);
  code = g_strdup_printf ("%s%03" G_GINT64_FORMAT, stem, next);
  return pb_exec (req, "UPDATE problem_board_problems SET code = ?1 WHERE id = ?2", error, "si", code,
                  lj_event_get_id (event));
}

/* Stamps the time a milestone of the problem was reached. */
static gboolean
stamp (LjRequest *req, gint64 id, const char *column_sql, GError **error)
{
  g_autofree char *now = lj_clock_now_timestamp ();

  return pb_exec (req, column_sql, error, "si", now, id);
}

static gboolean
on_submit (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  return stamp (req, lj_event_get_id (event),
                "UPDATE problem_board_problems SET submitted_at = coalesce (submitted_at, ?1) WHERE id = ?2", error);
}

static gboolean
on_publish (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  return stamp (req, lj_event_get_id (event),
                "UPDATE problem_board_problems SET published_at = coalesce (published_at, ?1) WHERE id = ?2", error);
}

static gboolean
on_close (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  return stamp (req, lj_event_get_id (event), "UPDATE problem_board_problems SET closed_at = ?1 WHERE id = ?2",
                error);
}

static gboolean decline_other_claims (LjRequest *req, gint64 problem_id, gint64 keep_claim_id, GError **error);

/* A problem withdrawn while open takes its live claims with it. */
static gboolean
on_withdraw (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  return on_close (req, event, user_data, error) &&
         decline_other_claims (req, lj_event_get_id (event), 0, error);
}

/* Declines every live claim on @problem_id but @keep_claim_id. */
static gboolean
decline_other_claims (LjRequest *req, gint64 problem_id, gint64 keep_claim_id, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, "SELECT id FROM problem_board_claims WHERE problem_id = ?1 "
                                                   "AND state IN ('submitted', 'shortlisted') AND id <> ?2 ORDER BY id",
                                              error);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (JsonObject) input = json_object_new ();
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, problem_id);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, keep_claim_id);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);
      g_array_append_val (ids, id);
    }
  if (rc < 0)
    return FALSE;
  g_clear_pointer (&st, lj_stmt_release);
  json_object_set_string_member (input, "reason", keep_claim_id ? "another team took the problem on"
                                                                : "the problem was withdrawn or given to a team");
  for (guint i = 0; i < ids->len; i++)
    if (!lj_resource_fire (pb.claims, req, g_array_index (ids, gint64, i), "decline", input, LJ_FIRE_AS_SYSTEM,
                           error))
      return FALSE;
  return TRUE;
}

/* problem-board.problem.start: the team (an active one) becomes the
 * problem's; the other live claims are declined. */
static gboolean
on_start (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *input = lj_event_get_input (event);
  gint64 id = lj_event_get_id (event);
  gint64 team_id = member_int (input, "team_id");
  gint64 claim_id = member_int (input, "claim_id");
  gint64 active = 0, claim_team = 0;
  gboolean found = FALSE;
  g_autofree char *now = lj_clock_now_timestamp ();

  if (!member_is_int (input, "team_id"))
    {
      lj_request_add_field_error (req, "team_id", "must be the id of a team");
      return invalid (error);
    }
  if (!query_int (req, "SELECT status = 'active' FROM problem_board_teams WHERE id = ?1 AND ?2 = ?2", team_id, 0,
                  &active, &found, error))
    return FALSE;
  if (!found)
    lj_request_add_field_error (req, "team_id", "no Team %" G_GINT64_FORMAT, team_id);
  else if (!active)
    lj_request_add_field_error (req, "team_id", "team %" G_GINT64_FORMAT " is dissolved", team_id);
  if (json_object_has_member (input, "claim_id"))
    {
      if (!query_int (req, "SELECT team_id FROM problem_board_claims WHERE id = ?1 AND problem_id = ?2", claim_id, id,
                      &claim_team, &found, error))
        return FALSE;
      if (!found || claim_team != team_id)
        lj_request_add_field_error (req, "claim_id", "is not a claim of this team on this problem");
    }
  if (lj_request_get_n_field_errors (req) > 0)
    return invalid (error);
  return pb_exec (req, "UPDATE problem_board_problems SET team_id = ?1, started_at = coalesce (started_at, ?2) "
                       "WHERE id = ?3", error, "isi", team_id, now, id) &&
         decline_other_claims (req, id, claim_id, error);
}

/* A date `YYYY-MM-DD` that exists. */
static gboolean
is_date (const char *s)
{
  int y, m, d;
  char tail;

  return s && strlen (s) == 10 && sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
         g_date_valid_dmy (d, m, y);
}

/* problem-board.problem.solve: stamps solved_at and, when asked with
 * `projects_back_on_track: true`, moves the linked lagging projects to
 * back_on_track on `back_on_track_on` (default today). */
static gboolean
on_solve (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *input = lj_event_get_input (event);
  gint64 id = lj_event_get_id (event);
  JsonNode *flag = json_object_get_member (input, "projects_back_on_track");
  const char *date = member_string (input, "back_on_track_on");
  g_autoptr (GDateTime) now = lj_clock_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (LjStmt) st = NULL;
  gboolean move = FALSE;
  int rc;

  if (flag && (!JSON_NODE_HOLDS_VALUE (flag) || json_node_get_value_type (flag) != G_TYPE_BOOLEAN))
    lj_request_add_field_error (req, "projects_back_on_track", "must be true or false");
  else if (flag)
    move = json_node_get_boolean (flag);
  if (json_object_has_member (input, "back_on_track_on") && !is_date (date))
    lj_request_add_field_error (req, "back_on_track_on", "must be a date (YYYY-MM-DD)");
  else if (json_object_has_member (input, "back_on_track_on") && !move)
    lj_request_add_field_error (req, "back_on_track_on", "only goes with projects_back_on_track: true");
  if (lj_request_get_n_field_errors (req) > 0)
    return invalid (error);
  if (!stamp (req, id, "UPDATE problem_board_problems SET solved_at = ?1 WHERE id = ?2", error))
    return FALSE;
  if (!move)
    return TRUE;
  st = lj_request_prepare (req, "SELECT pr.id FROM problem_board_problem_projects pp JOIN problem_board_projects pr "
                                "ON pr.id = pp.project_id WHERE pp.problem_id = ?1 AND pr.status = 'lagging' ORDER BY pr.id",
                           error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (lj_stmt_get (st), 0);
      g_array_append_val (ids, pid);
    }
  if (rc < 0)
    return FALSE;
  g_clear_pointer (&st, lj_stmt_release);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (JsonObject) fields = json_object_new ();

      json_object_set_string_member (fields, "status", "back_on_track");
      json_object_set_string_member (fields, "back_on_track_on", date ? date : today);
      if (!lj_resource_update (pb.projects, req, g_array_index (ids, gint64, i), fields, LJ_WRITE_AS_SYSTEM, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- claims ---- */

/* A claim is made on a problem the caller can see while it is open, by an
 * active team with no other live claim on it; problem and team never
 * change afterwards. */
static gboolean
validate_claim (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                gpointer user_data, GError **error)
{
  gint64 problem_id = member_int (input, "problem_id");
  gint64 team_id = member_int (input, "team_id");
  g_autoptr (JsonObject) problem = NULL;
  g_autoptr (GError) local = NULL;
  gint64 n = 0, active = 0;
  gboolean found = FALSE;

  if (current)
    {
      if (json_object_has_member (input, "problem_id") && problem_id != member_int (current, "problem_id"))
        lj_request_add_field_error (req, "problem_id", "cannot change; withdraw the claim instead");
      if (json_object_has_member (input, "team_id") && team_id != member_int (current, "team_id"))
        lj_request_add_field_error (req, "team_id", "cannot change; withdraw the claim instead");
      return TRUE;
    }
  problem = lj_resource_load (pb.problems, req, problem_id, &local);
  if (problem == NULL)
    {
      if (!g_error_matches (local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      lj_request_add_field_error (req, "problem_id", "no Problem %" G_GINT64_FORMAT, problem_id);
    }
  else if (g_strcmp0 (member_string (problem, "state"), "open") != 0)
    lj_request_add_field_error (req, "problem_id", "takes claims only while open; it is %s",
                                member_string (problem, "state"));
  if (!query_int (req, "SELECT status = 'active' FROM problem_board_teams WHERE id = ?1 AND ?2 = ?2", team_id, 0,
                  &active, &found, error))
    return FALSE;
  if (found && !active)
    lj_request_add_field_error (req, "team_id", "team %" G_GINT64_FORMAT " is dissolved", team_id);
  if (!query_int (req, "SELECT count (*) FROM problem_board_claims WHERE problem_id = ?1 AND team_id = ?2 "
                       "AND state IN ('submitted', 'shortlisted', 'accepted')", problem_id, team_id, &n, NULL, error))
    return FALSE;
  if (n > 0)
    lj_request_add_field_error (req, "team_id", "already has a live claim on this problem");
  return TRUE;
}

/* problem-board.claim.accept: the problem starts with the claim's team;
 * starting declines the other claims. */
static gboolean
on_claim_accept (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *claim = lj_event_get_before (event);
  g_autoptr (JsonObject) input = json_object_new ();
  g_autofree char *note = g_strdup_printf ("claim %" G_GINT64_FORMAT " accepted", lj_event_get_id (event));

  json_object_set_int_member (input, "team_id", member_int (claim, "team_id"));
  json_object_set_int_member (input, "claim_id", lj_event_get_id (event));
  json_object_set_string_member (input, "note", note);
  return lj_resource_fire (pb.problems, req, member_int (claim, "problem_id"), "start", input, LJ_FIRE_AS_SYSTEM,
                           error);
}

/* ---- teams, updates, projects ---- */

static gboolean
validate_team (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
               gpointer user_data, GError **error)
{
  JsonNode *members = json_object_get_member (input, "members");
  JsonArray *a;

  if (members == NULL || !JSON_NODE_HOLDS_ARRAY (members))
    return TRUE;
  a = json_node_get_array (members);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *item = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      gboolean has_member = o && json_object_has_member (o, "member_id") &&
                            !JSON_NODE_HOLDS_NULL (json_object_get_member (o, "member_id"));
      gboolean has_name = o && json_object_has_member (o, "external_name") &&
                          !JSON_NODE_HOLDS_NULL (json_object_get_member (o, "external_name"));
      g_autofree char *field = g_strdup_printf ("members[%u]", i);

      if (o && has_member == has_name)
        lj_request_add_field_error (req, field, "needs either member_id (a party member) or external_name");
    }
  return TRUE;
}

/* Progress is reported on problems under way, that the caller can see. */
static gboolean
validate_update (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                 gpointer user_data, GError **error)
{
  static const char *const live[] = { "in_progress", "on_hold", "delivered", NULL };
  gint64 problem_id = member_is_int (input, "problem_id") ? member_int (input, "problem_id")
                                                          : member_int (current, "problem_id");
  g_autoptr (JsonObject) problem = NULL;
  g_autoptr (GError) local = NULL;

  if (current && json_object_has_member (input, "problem_id") && problem_id != member_int (current, "problem_id"))
    {
      lj_request_add_field_error (req, "problem_id", "cannot change");
      return TRUE;
    }
  if (current)
    return TRUE;
  problem = lj_resource_load (pb.problems, req, problem_id, &local);
  if (problem == NULL)
    {
      if (!g_error_matches (local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      lj_request_add_field_error (req, "problem_id", "no Problem %" G_GINT64_FORMAT, problem_id);
    }
  else if (!g_strv_contains (live, member_string (problem, "state")))
    lj_request_add_field_error (req, "problem_id", "takes progress updates only while under way; it is %s",
                                member_string (problem, "state"));
  return TRUE;
}

static gboolean
validate_project (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                  gpointer user_data, GError **error)
{
  const char *status = json_object_has_member (input, "status") ? member_string (input, "status")
                                                                  : member_string (current, "status");
  gboolean has_date = json_object_has_member (input, "back_on_track_on")
    ? !JSON_NODE_HOLDS_NULL (json_object_get_member (input, "back_on_track_on"))
    : member_string (current, "back_on_track_on") != NULL;

  if (g_strcmp0 (status, "back_on_track") == 0 && !has_date)
    lj_request_add_field_error (req, "back_on_track_on", "is required when the status is back_on_track");
  return TRUE;
}

/* Every status a project takes, for the enterprise timeline. */
static gboolean
record_project_status (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  const char *before = member_string (lj_event_get_before (event), "status");
  const char *after = member_string (lj_event_get_after (event), "status");
  g_autofree char *now = lj_clock_now_timestamp ();

  if (after == NULL || g_strcmp0 (before, after) == 0)
    return TRUE;
  return pb_exec (req, "INSERT INTO problem_board_project_events (project_id, at, from_status, to_status) "
                       "VALUES (?1, ?2, ?3, ?4)", error, "isss", lj_event_get_id (event), now, before, after);
}

/* ---- registration ---- */

static gboolean
register_plugin (LjPlugin *plugin, GError **error)
{

  lj_plugin_set_bundle (plugin, problem_board_data_get_resource (), DATA);
  if (!lj_plugin_add_migration_files (plugin, error))
    return FALSE;
  lj_plugin_add_config_key (plugin, "code_prefix", LJ_CONFIG_TYPE_STRING, "JSGG",
                            "The prefix of problem codes: <prefix>-<year>-<n> (JSGG: 技术攻关)");
  if ((pb.teams = lj_plugin_add_resource_file (plugin, "teams.json", error)) == NULL ||
      (pb.projects = lj_plugin_add_resource_file (plugin, "projects.json", error)) == NULL ||
      (pb.problems = lj_plugin_add_resource_file (plugin, "problems.json", error)) == NULL ||
      (pb.claims = lj_plugin_add_resource_file (plugin, "claims.json", error)) == NULL ||
      (pb.updates = lj_plugin_add_resource_file (plugin, "updates.json", error)) == NULL)
    return FALSE;
  if (!lj_plugin_add_state_machine_file (plugin, "problems", "problems-machine.json", error) ||
      !lj_plugin_add_state_machine_file (plugin, "claims", "claims-machine.json", error))
    return FALSE;
  lj_resource_set_validate_func (pb.problems, validate_problem, NULL, NULL);
  lj_resource_set_validate_func (pb.claims, validate_claim, NULL, NULL);
  lj_resource_set_validate_func (pb.teams, validate_team, NULL, NULL);
  lj_resource_set_validate_func (pb.updates, validate_update, NULL, NULL);
  lj_resource_set_validate_func (pb.projects, validate_project, NULL, NULL);

  lj_plugin_add_hook (plugin, "problem-board.problem.created", LJ_HOOK_VALIDATE, 0, assign_code, plugin);
  lj_plugin_add_hook (plugin, "problem-board.problem.submit", LJ_HOOK_VALIDATE, 0, on_submit, NULL);
  lj_plugin_add_hook (plugin, "problem-board.problem.publish", LJ_HOOK_VALIDATE, 0, on_publish, NULL);
  lj_plugin_add_hook (plugin, "problem-board.problem.start", LJ_HOOK_VALIDATE, 0, on_start, NULL);
  lj_plugin_add_hook (plugin, "problem-board.problem.solve", LJ_HOOK_VALIDATE, 0, on_solve, NULL);
  lj_plugin_add_hook (plugin, "problem-board.problem.reject", LJ_HOOK_VALIDATE, 0, on_close, NULL);
  lj_plugin_add_hook (plugin, "problem-board.problem.withdraw", LJ_HOOK_VALIDATE, 0, on_withdraw, NULL);
  lj_plugin_add_hook (plugin, "problem-board.problem.close_unsolved", LJ_HOOK_VALIDATE, 0, on_close, NULL);
  lj_plugin_add_hook (plugin, "problem-board.claim.accept", LJ_HOOK_VALIDATE, 0, on_claim_accept, NULL);
  lj_plugin_add_hook (plugin, "problem-board.project.created", LJ_HOOK_VALIDATE, 0, record_project_status, NULL);
  lj_plugin_add_hook (plugin, "problem-board.project.updated", LJ_HOOK_VALIDATE, 0, record_project_status, NULL);

  lj_plugin_add_stats_section (plugin, "problem_board", pb_stats_section, NULL);
  pb_add_timeline_sources (plugin);
  lj_plugin_set_demo_func (plugin, pb_demo, NULL);
  return TRUE;
}

LJ_PLUGIN_DEFINE ("problem-board", "1.0.0",
                  "Technical problems, commando teams and lagging key projects (技术攻关 / 揭榜挂帅)",
                  "GPL-3.0-or-later", NULL, NULL, register_plugin)
