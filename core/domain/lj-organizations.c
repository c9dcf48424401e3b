/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Organisation rules that a declaration cannot say: the tree has exactly
 * one root (the park's working committee) and no cycles, chain committees
 * name their chain, a secretary is a member of the organisation; and the
 * subtree route. */
#include "lj-core.h"
#include "resource/lj-resource-private.h"

#include <string.h>

#define LJ_ORG_MAX_DEPTH 64

static gboolean
is_ancestor_or_self (LjStore *store, gint64 candidate_parent, gint64 id, gboolean *found, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "WITH RECURSIVE up (id, depth) AS ("
    " SELECT ?1, 0"
    " UNION ALL SELECT o.parent_id, up.depth + 1 FROM organizations o JOIN up ON o.id = up.id"
    " WHERE o.parent_id IS NOT NULL AND up.depth < 10000)"
    " SELECT 1 FROM up WHERE id = ?2 LIMIT 1", error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, candidate_parent);
  sqlite3_bind_int64 (st->stmt, 2, id);
  rc = lj_stmt_step (st, error);
  *found = rc == SQLITE_ROW;
  return rc >= 0;
}

static gboolean
query_int (LjStore *store, const char *sql, gint64 a, gint64 b, gint64 *out, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, a);
  sqlite3_bind_int64 (st->stmt, 2, b);
  rc = lj_stmt_step (st, error);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64 (st->stmt, 0) : 0;
  return rc >= 0;
}

static gboolean
check_root (LjRequest *req, gint64 id, JsonNode *parent, GError **error)
{
  gint64 other = 0;

  if (parent)
    lj_request_add_field_error (req, "parent_id", "the working committee is the root and has no parent");
  if (!query_int (lj_request_get_store (req),
                  "SELECT id FROM organizations WHERE kind = 'working_committee' AND id <> ?1",
                  id, 0, &other, error))
    return FALSE;
  if (other)
    lj_request_add_field_error (req, "kind", "the park already has its working committee (organization %"
                                G_GINT64_FORMAT ")", other);
  return TRUE;
}

static gboolean
check_parent (LjRequest *req, gint64 id, JsonNode *parent, GError **error)
{
  gboolean cycle = FALSE;

  if (parent == NULL)
    {
      lj_request_add_field_error (req, "parent_id", "is required: only the working committee has no parent");
      return TRUE;
    }
  if (id == 0)
    return TRUE;
  if (!is_ancestor_or_self (lj_request_get_store (req), json_node_get_int (parent), id, &cycle, error))
    return FALSE;
  if (cycle)
    lj_request_add_field_error (req, "parent_id", "organization %" G_GINT64_FORMAT
                                " is this organisation or below it: the tree would have a cycle",
                                json_node_get_int (parent));
  return TRUE;
}

static gboolean
check_secretary (LjRequest *req, gint64 id, JsonNode *secretary, GError **error)
{
  gint64 org = 0;

  if (secretary == NULL)
    return TRUE;
  if (!query_int (lj_request_get_store (req), "SELECT org_id FROM members WHERE id = ?1",
                  json_node_get_int (secretary), 0, &org, error))
    return FALSE;
  if (org != id)
    lj_request_add_field_error (req, "secretary_member_id", "member %" G_GINT64_FORMAT
                                " is not a member of this organisation", json_node_get_int (secretary));
  return TRUE;
}

static gboolean
listed (JsonObject *record, gint64 enterprise)
{
  JsonArray *a = record && json_object_has_member (record, "enterprise_ids")
    ? json_object_get_array_member (record, "enterprise_ids") : NULL;

  for (guint i = 0; a && i < json_array_get_length (a); i++)
    if (json_array_get_int_element (a, i) == enterprise)
      return TRUE;
  return FALSE;
}

/* Covering an enterprise makes its records the organisation's: a
 * secretary may add enterprises their scope already covers, and blank
 * spots that nobody covers (how a joint branch takes in small firms), but
 * never one covered from outside their subtree. */
static gboolean
check_enterprises_in_scope (LjRequest *req, JsonObject *input, JsonObject *current, GError **error)
{
  LjResource *enterprises = lj_request_get_resource (req, "enterprises");
  JsonArray *ids;

  if (lj_request_get_role (req) == LJ_ROLE_ADMIN || !json_object_has_member (input, "enterprise_ids") ||
      JSON_NODE_HOLDS_NULL (json_object_get_member (input, "enterprise_ids")))
    return TRUE;
  ids = json_object_get_array_member (input, "enterprise_ids");
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 e = json_array_get_int_element (ids, i);
      g_autoptr (GError) local = NULL;

      if (listed (current, e) || lj_resource_check_write_scope (enterprises, req, e, &local))
        continue;
      if (g_error_matches (local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN))
        {
          gint64 covering = 0;

          if (!query_int (lj_request_get_store (req),
                          "SELECT count(*) FROM organization_enterprises WHERE enterprise_id = ?1", e, 0, &covering,
                          error))
            return FALSE;
          if (covering == 0)
            continue;
        }
      if (!g_error_matches (local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN) &&
          !g_error_matches (local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      /* Like any write to a record outside the caller's scope: 403. */
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN, "enterprise_ids[%u]: enterprise %" G_GINT64_FORMAT
                   " is not covered by your organisation or one below it; the park committee assigns enterprises",
                   i, e);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_organization (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input,
                       JsonObject *current, gpointer user_data, GError **error)
{
  JsonNode *kind = lj_core_effective_value (input, current, "kind");
  JsonNode *parent = lj_core_effective_value (input, current, "parent_id");
  gboolean root = kind && strcmp (json_node_get_string (kind), "working_committee") == 0;

  if (!check_enterprises_in_scope (req, input, current, error))
    return FALSE;
  if (kind && strcmp (json_node_get_string (kind), "chain_committee") == 0 &&
      lj_core_effective_value (input, current, "chain_id") == NULL)
    lj_request_add_field_error (req, "chain_id", "is required for a chain committee");
  if (json_object_has_member (input, "secretary_member_id") &&
      !check_secretary (req, id, lj_core_effective_value (input, current, "secretary_member_id"), error))
    return FALSE;
  if (root)
    return check_root (req, id, parent, error);
  if (current && !json_object_has_member (input, "parent_id") && !json_object_has_member (input, "kind"))
    return TRUE;
  return check_parent (req, id, parent, error);
}

/* Writes the subtree depth-first as nested objects with "children". */
static gboolean
write_subtree (LjStore *store, gint64 root, LjJsonWriter *w, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "WITH RECURSIVE tree (id, depth, path) AS ("
    " SELECT id, 0, printf('%020d', id) FROM organizations WHERE id = ?1"
    " UNION ALL SELECT o.id, tree.depth + 1, tree.path || '/' || printf('%020d', o.id)"
    " FROM organizations o JOIN tree ON o.parent_id = tree.id WHERE tree.depth < ?2)"
    " SELECT o.id, o.name, o.kind, o.chain_id, tree.depth,"
    " (SELECT count(*) FROM members m WHERE m.org_id = o.id)"
    " FROM tree JOIN organizations o ON o.id = tree.id ORDER BY tree.path", error);
  int depth = -1, rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, root);
  sqlite3_bind_int (st->stmt, 2, LJ_ORG_MAX_DEPTH);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      int d = sqlite3_column_int (st->stmt, 4);

      for (; depth >= d; depth--)
        {
          lj_json_writer_end_array (w);
          lj_json_writer_end_object (w);
        }
      lj_json_writer_begin_object (w);
      lj_json_writer_member_int (w, "id", sqlite3_column_int64 (st->stmt, 0));
      lj_json_writer_member_string (w, "name", (const char *) sqlite3_column_text (st->stmt, 1));
      lj_json_writer_member_string (w, "kind", (const char *) sqlite3_column_text (st->stmt, 2));
      if (sqlite3_column_type (st->stmt, 3) == SQLITE_NULL)
        lj_json_writer_member_null (w, "chain_id");
      else
        lj_json_writer_member_int (w, "chain_id", sqlite3_column_int64 (st->stmt, 3));
      lj_json_writer_member_int (w, "member_count", sqlite3_column_int64 (st->stmt, 5));
      lj_json_writer_key (w, "children");
      lj_json_writer_begin_array (w);
      depth = d;
    }
  for (; depth >= 0; depth--)
    {
      lj_json_writer_end_array (w);
      lj_json_writer_end_object (w);
    }
  return rc == SQLITE_DONE;
}

static gboolean
handle_subtree (LjRequest *req, gpointer user_data, GError **error)
{
  LjResource *orgs = user_data;
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autofree char *probe = NULL;
  gsize len;
  char *json;

  /* 404 for an unknown id, through the same path as GET /organizations/{id}. */
  if ((probe = lj_resource_read_record (orgs, req, id, LJ_ROWS_LIST, NULL, error)) == NULL)
    return FALSE;
  if (!write_subtree (lj_request_get_store (req), id, w, error))
    return FALSE;
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, 200, json, len);
  return TRUE;
}

void
lj_organizations_setup (LjApp *app)
{
  LjResource *orgs = lj_app_get_resource (app, "organizations");
  LjRoute *route;

  lj_resource_set_validate_func (orgs, validate_organization, NULL, NULL);
  route = lj_app_add_route (app, "GET", "/api/v1/organizations/{id}/subtree", handle_subtree, orgs);
  lj_route_set_summary (route, "organizations", "The organisation and everything below it, as a nested tree");
}
