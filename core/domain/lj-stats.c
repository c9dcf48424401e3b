/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/stats/overview: the park's figures (chains, enterprises,
 * organisations, members, coverage and blank spots, activity sessions and
 * attendances), each one SQL aggregate over indexes, never rows loaded and
 * counted in C.  Optional chain_id narrows every figure to one chain;
 * from/to narrow activities to a period [from, to). */
#include "lj-core.h"
#include "resource/lj-resource-private.h"

#define CHAIN_ENTERPRISE(e) \
  "(?1 IS NULL OR EXISTS (SELECT 1 FROM enterprise_chains ec WHERE ec.enterprise_id = " e " AND ec.chain_id = ?1))"
#define ELIGIBLE(e) e ".status = 'active' AND " e ".ownership = 'non_public' AND " e ".three_haves = 1"
#define COVERED(e) "EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = " e ".id)"
#define ORG_SCOPE \
  "SELECT o.id FROM organizations o WHERE ?1 IS NULL OR o.chain_id = ?1 OR EXISTS (" \
  " SELECT 1 FROM organization_enterprises oe JOIN enterprise_chains ec ON ec.enterprise_id = oe.enterprise_id" \
  " WHERE oe.org_id = o.id AND ec.chain_id = ?1)"
#define ACTIVITY_SCOPE \
  "a.status <> 'cancelled' AND (?1 IS NULL OR a.chain_id = ?1) AND (?2 IS NULL OR a.starts_at >= ?2)" \
  " AND (?3 IS NULL OR a.starts_at < ?3)"

typedef struct {
  LjStore    *store;
  gint64      chain_id;    /* 0: the whole park */
  const char *from;
  const char *to;
} LjStatsScope;

static LjStmt *
scoped (LjStatsScope *s, const char *sql, GError **error)
{
  LjStmt *st = lj_store_prepare (s->store, sql, error);

  if (st == NULL)
    return NULL;
  if (s->chain_id > 0)
    sqlite3_bind_int64 (st->stmt, 1, s->chain_id);
  if (sqlite3_bind_parameter_count (st->stmt) >= 3)
    {
      sqlite3_bind_text (st->stmt, 2, s->from, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st->stmt, 3, s->to, -1, SQLITE_TRANSIENT);
    }
  return st;
}

static gboolean
write_counts (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  g_autoptr (LjStmt) st = scoped (s,
    "SELECT (SELECT count(*) FROM chains c WHERE ?1 IS NULL OR c.id = ?1),"
    " (SELECT count(*) FROM enterprises e WHERE " CHAIN_ENTERPRISE ("e.id") "),"
    " (SELECT count(*) FROM organizations WHERE id IN (" ORG_SCOPE ")),"
    " (SELECT count(*) FROM members WHERE org_id IN (" ORG_SCOPE ") AND status = 'formal'),"
    " (SELECT count(*) FROM members WHERE org_id IN (" ORG_SCOPE ") AND status = 'probationary')", error);

  if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  lj_json_writer_member_int (w, "chains", sqlite3_column_int64 (st->stmt, 0));
  lj_json_writer_member_int (w, "enterprises", sqlite3_column_int64 (st->stmt, 1));
  lj_json_writer_member_int (w, "organizations", sqlite3_column_int64 (st->stmt, 2));
  lj_json_writer_key (w, "members");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "total", sqlite3_column_int64 (st->stmt, 3) + sqlite3_column_int64 (st->stmt, 4));
  lj_json_writer_member_int (w, "formal", sqlite3_column_int64 (st->stmt, 3));
  lj_json_writer_member_int (w, "probationary", sqlite3_column_int64 (st->stmt, 4));
  lj_json_writer_end_object (w);
  return TRUE;
}

static gboolean
write_blank_spots (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  g_autoptr (LjStmt) st = scoped (s,
    "SELECT e.id, e.name, (SELECT json_group_array(chain_id) FROM"
    " (SELECT ec.chain_id FROM enterprise_chains ec WHERE ec.enterprise_id = e.id ORDER BY ec.chain_id))"
    " FROM enterprises e WHERE " ELIGIBLE ("e") " AND NOT " COVERED ("e") " AND " CHAIN_ENTERPRISE ("e.id")
    " ORDER BY e.id", error);
  int rc;

  if (st == NULL)
    return FALSE;
  lj_json_writer_key (w, "blank_spots");
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      lj_json_writer_begin_object (w);
      lj_json_writer_member_int (w, "enterprise_id", sqlite3_column_int64 (st->stmt, 0));
      lj_json_writer_member_string (w, "name", (const char *) sqlite3_column_text (st->stmt, 1));
      lj_json_writer_key (w, "chains");
      lj_json_writer_raw (w, (const char *) sqlite3_column_text (st->stmt, 2));
      lj_json_writer_end_object (w);
    }
  lj_json_writer_end_array (w);
  return rc == SQLITE_DONE;
}

static gboolean
write_coverage (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  g_autoptr (LjStmt) st = scoped (s,
    "SELECT count(*), ifnull(sum(" COVERED ("e") "), 0) FROM enterprises e"
    " WHERE " ELIGIBLE ("e") " AND " CHAIN_ENTERPRISE ("e.id"), error);
  gint64 eligible, covered;

  if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  eligible = sqlite3_column_int64 (st->stmt, 0);
  covered = sqlite3_column_int64 (st->stmt, 1);
  lj_json_writer_key (w, "coverage");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "eligible", eligible);
  lj_json_writer_member_int (w, "covered", covered);
  lj_json_writer_key (w, "rate");
  if (eligible > 0)
    lj_json_writer_double (w, (double) covered / (double) eligible);
  else
    lj_json_writer_null (w);
  if (!write_blank_spots (s, w, error))
    return FALSE;
  lj_json_writer_end_object (w);
  return TRUE;
}

/* Writes {"<key>": {"sessions": n, "attendances": n}, ...} grouped by @column. */
static gboolean
write_activity_groups (LjStatsScope *s, LjJsonWriter *w, const char *column, gint64 *sessions,
                       gint64 *attendances, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT a.%s, count(*), ifnull(sum(a.attendance_count), 0)"
    " FROM activities a WHERE " ACTIVITY_SCOPE " GROUP BY a.%s ORDER BY a.%s", column, column, column);
  g_autoptr (LjStmt) st = scoped (s, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      lj_json_writer_begin_object (w);
      lj_json_writer_key (w, column);
      if (sqlite3_column_type (st->stmt, 0) == SQLITE_INTEGER)
        lj_json_writer_int (w, sqlite3_column_int64 (st->stmt, 0));
      else
        lj_json_writer_string (w, (const char *) sqlite3_column_text (st->stmt, 0));
      lj_json_writer_member_int (w, "sessions", sqlite3_column_int64 (st->stmt, 1));
      lj_json_writer_member_int (w, "attendances", sqlite3_column_int64 (st->stmt, 2));
      lj_json_writer_end_object (w);
      if (sessions)
        {
          *sessions += sqlite3_column_int64 (st->stmt, 1);
          *attendances += sqlite3_column_int64 (st->stmt, 2);
        }
    }
  lj_json_writer_end_array (w);
  return rc == SQLITE_DONE;
}

static gboolean
write_activities (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  gint64 sessions = 0, attendances = 0;

  lj_json_writer_key (w, "activities");
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "by_kind");
  if (!write_activity_groups (s, w, "kind", &sessions, &attendances, error))
    return FALSE;
  lj_json_writer_key (w, "by_chain");
  if (!write_activity_groups (s, w, "chain_id", NULL, NULL, error))
    return FALSE;
  lj_json_writer_member_int (w, "sessions", sessions);
  lj_json_writer_member_int (w, "attendances", attendances);
  lj_json_writer_end_object (w);
  return TRUE;
}

static gboolean
parse_scope (LjRequest *req, LjStatsScope *s, char **from, char **to, GError **error)
{
  const char *chain = lj_request_get_query (req, "chain_id");
  GHashTableIter iter;
  const char *name;

  g_hash_table_iter_init (&iter, lj_request_get_query_table (req));
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (g_strcmp0 (name, "chain_id") != 0 && g_strcmp0 (name, "from") != 0 && g_strcmp0 (name, "to") != 0)
      lj_request_add_field_error (req, name, "unknown parameter");
  lj_parse_period_param (req, "from", from);
  lj_parse_period_param (req, "to", to);
  s->from = *from;
  s->to = *to;
  if (chain)
    {
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (chain, 10, 1, G_MAXINT64, &v, NULL))
        lj_request_add_field_error (req, "chain_id", "must be a chain id");
      else if (!lj_resource_check_ref (lj_app_get_resource (lj_request_get_app (req), "chains"), req, v,
                                       "chain_id", error))
        return FALSE;
      s->chain_id = v;
    }
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid parameters");
      return FALSE;
    }
  return TRUE;
}

/* Each plugin's section, under its name, with the same period and chain. */
static gboolean
write_plugin_sections (LjStatsScope *s, LjRequest *req, LjJsonWriter *w, GError **error)
{
  LjApp *app = lj_request_get_app (req);
  LjStatsQuery query = { s->from, s->to, s->chain_id };

  for (guint i = 0; i < app->stats_sections->len; i++)
    {
      LjStatsSection *sec = app->stats_sections->pdata[i];
      g_autoptr (JsonNode) node = sec->func (req, &query, sec->user_data, error);

      if (node == NULL)
        {
          if (error && *error == NULL)
            g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "stats section %s failed", sec->name);
          g_prefix_error (error, "stats section %s: ", sec->name);
          return FALSE;
        }
      lj_json_writer_key (w, sec->name);
      lj_json_writer_node (w, node);
    }
  return TRUE;
}

static gboolean
handle_overview (LjRequest *req, gpointer user_data, GError **error)
{
  LjStatsScope s = { lj_request_get_store (req), 0, NULL, NULL };
  g_autofree char *from = NULL, *to = NULL;
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  gsize len;
  char *json;

  if (!parse_scope (req, &s, &from, &to, error))
    return FALSE;
  lj_json_writer_begin_object (w);
  if (s.chain_id)
    lj_json_writer_member_int (w, "chain_id", s.chain_id);
  else
    lj_json_writer_member_null (w, "chain_id");
  lj_json_writer_member_string (w, "from", from);
  lj_json_writer_member_string (w, "to", to);
  if (!write_counts (&s, w, error) || !write_coverage (&s, w, error) || !write_activities (&s, w, error) ||
      !write_plugin_sections (&s, req, w, error))
    return FALSE;
  lj_json_writer_end_object (w);
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, 200, json, len);
  return TRUE;
}

void
lj_stats_add_routes (LjApp *app)
{
  LjRoute *route = lj_app_add_route (app, "GET", "/api/v1/stats/overview", handle_overview, NULL);

  lj_route_set_summary (route, "stats", "Park figures: coverage, blank spots, members, sessions and attendances");
  lj_route_add_query_param (route, "chain_id", "integer", "Only this industry chain");
  lj_route_add_query_param (route, "from", "string", "Activities starting at or after (date or RFC 3339)");
  lj_route_add_query_param (route, "to", "string", "Activities starting before (date or RFC 3339)");
}
