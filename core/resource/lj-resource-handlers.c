/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The five routes every resource gets: list, get, create, patch, delete,
 * with ETag/If-Match, version bumps, link tables, and the 409 that names
 * what still refers to a record about to be deleted. */
#include "lj-resource-private.h"
#include "app/lj-audit.h"
#include "http/lj-request-private.h"

#include <string.h>

/**
 * lj_resource_check_write_scope:
 * Whether the caller may change record @id: admins always (unless it is
 * hidden from them, which declarations do not do); secretaries when the
 * record's owner is in their scope, and the resource is not admin-only;
 * viewers never.  404 when the record is not there for the caller.
 */
gboolean
lj_resource_check_write_scope (LjResource *r, LjRequest *req, gint64 id, GError **error)
{
  LjRole role = lj_request_get_role (req);
  g_autofree char *sql = NULL;
  g_autoptr (LjStmt) st = NULL;
  int rc;

  sql = g_strdup_printf ("SELECT %s FROM %s t WHERE t.id = ?%s%s%s", r->scope_sql ? r->scope_sql : "0", r->table,
                         r->visible_sql ? " AND (" : "", r->visible_sql ? r->visible_sql : "",
                         r->visible_sql ? ")" : "");
  if ((st = lj_store_prepare (lj_request_get_store (req), sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, r->title, id);
      return FALSE;
    }
  if (role == LJ_ROLE_ADMIN)
    return TRUE;
  if (role != LJ_ROLE_SECRETARY || r->write_roles != NULL)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN, "only admins may change %s", r->name);
      return FALSE;
    }
  if (sqlite3_column_int (st->stmt, 0) == 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN,
                   "%s %" G_GINT64_FORMAT " belongs to an organisation outside yours", r->title, id);
      return FALSE;
    }
  return TRUE;
}

/* Runs the validate hooks of `<singular>.<verb>` and queues its
 * after-commit hooks, then appends the audit row of the changed fields. */
static gboolean
record_write (LjResource *r, LjRequest *req, const char *verb, gint64 id, JsonObject *before, JsonObject *after,
              GError **error)
{
  LjApp *app = lj_request_get_app (req);
  g_autofree char *name = g_strdup_printf ("%s.%s", r->event_prefix, verb);
  g_autoptr (LjEvent) event = lj_event_new (name, r->name, id, before, after, NULL);
  g_autoptr (JsonObject) changed_before = NULL;
  g_autoptr (JsonObject) changed_after = NULL;
  static const char *const actions[] = { "created", "create", "updated", "update", "deleted", "delete" };
  const char *action = verb;

  if (!lj_app_run_hooks (app, req, LJ_HOOK_VALIDATE, event, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i += 2)
    if (strcmp (verb, actions[i]) == 0)
      action = actions[i + 1];
  /* create: the record as written; update: only what changed; delete:
   * the record as it was. */
  if (before && after)
    lj_audit_diff (before, after, &changed_before, &changed_after);
  if (!lj_request_audit (req, action, r->name, id, before && after ? changed_before : before,
                         before && after ? changed_after : after, error))
    return FALSE;
  lj_request_queue_after_commit (req, g_steal_pointer (&event));
  return TRUE;
}

static gboolean
respond_record (LjResource *r, LjRequest *req, gint64 id, guint status, GError **error)
{
  gint64 version = 0;
  gsize len;
  char *json = lj_resource_read_record (r, req, id,
                                        lj_request_may_see_private (req) ? LJ_ROWS_PRIVATE : LJ_ROWS_LIST,
                                        &version, error);
  g_autofree char *etag = NULL;

  if (json == NULL)
    return FALSE;
  len = strlen (json);
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
  lj_request_set_response_header (req, "ETag", etag);
  lj_request_set_response_json (req, status, json, len);
  return TRUE;
}

static gboolean
handle_list (LjRequest *req, gpointer user_data, GError **error)
{
  LjResource *r = user_data;
  g_autoptr (LjListQuery) q = lj_list_query_parse (r, req, error);
  g_autoptr (LjJsonWriter) w = NULL;
  gsize len;
  char *json;

  if (q == NULL)
    return FALSE;
  w = lj_json_writer_new ();
  if (!lj_list_query_run (q, req, w, error))
    return FALSE;
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, 200, json, len);
  return TRUE;
}

static gboolean
handle_get (LjRequest *req, gpointer user_data, GError **error)
{
  return respond_record (user_data, req, lj_request_get_path_id (req, "id"), 200, error);
}

/* If-Match: "<version>" (or *) must name the stored version. */
static gboolean
check_if_match (LjRequest *req, gint64 version, GError **error)
{
  const char *header = lj_request_get_header (req, "If-Match");
  g_autofree char *expected = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
  g_auto (GStrv) tags = NULL;

  if (header == NULL)
    return TRUE;
  tags = g_strsplit (header, ",", -1);
  for (guint i = 0; tags[i]; i++)
    {
      const char *tag = g_strstrip (tags[i]);
      if (strcmp (tag, "*") == 0 || strcmp (tag, expected) == 0)
        return TRUE;
    }
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_PRECONDITION,
               "the record has changed: its version is now %" G_GINT64_FORMAT "; fetch it again", version);
  return FALSE;
}

static gboolean
run_validate_hook (LjResource *r, LjRequest *req, gint64 id, JsonObject *clean, JsonObject *current, GError **error)
{
  if (lj_request_get_n_field_errors (req) == 0 && r->validate &&
      !r->validate (r, req, id, clean, current, r->validate_data, error))
    return FALSE;
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid fields");
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_link_rows (LjResource *r, LjStore *store, LjField *f, gint64 id, JsonArray *items, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (GString) marks = g_string_new ("?");
  g_autoptr (LjStmt) st = NULL;

  g_string_printf (sql, "INSERT INTO %s (%s", f->link_table, f->link_owner);
  if (f->item)
    {
      g_string_append_printf (sql, ", %s", f->link_key);
      g_string_append (marks, ", ?");
    }
  for (guint i = 0; f->item_fields && i < f->item_fields->len; i++)
    {
      g_string_append_printf (sql, ", %s", ((LjField *) f->item_fields->pdata[i])->name);
      g_string_append (marks, ", ?");
    }
  g_string_append_printf (sql, ") VALUES (%s)", marks->str);
  if ((st = lj_store_prepare (store, sql->str, error)) == NULL)
    return FALSE;
  for (guint j = 0; j < json_array_get_length (items); j++)
    {
      JsonNode *item = json_array_get_element (items, j);

      sqlite3_bind_int64 (st->stmt, 1, id);
      if (f->item)
        lj_resource_bind_node (st->stmt, 2, item);
      for (guint i = 0; f->item_fields && i < f->item_fields->len; i++)
        lj_resource_bind_node (st->stmt, 2 + i,
                               json_object_get_member (json_node_get_object (item),
                                                       ((LjField *) f->item_fields->pdata[i])->name));
      if (!lj_stmt_step_done (st, error))
        return FALSE;
      sqlite3_reset (st->stmt);
    }
  return TRUE;
}

/* Replaces the link rows of every link field present in @clean. */
static gboolean
write_links (LjResource *r, LjStore *store, gint64 id, JsonObject *clean, GError **error)
{
  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];
      JsonNode *value;
      g_autofree char *del = NULL;
      g_autoptr (LjStmt) st = NULL;

      if (f->type != LJ_FIELD_LINK || (value = json_object_get_member (clean, f->name)) == NULL)
        continue;
      del = g_strdup_printf ("DELETE FROM %s WHERE %s = ?", f->link_table, f->link_owner);
      if ((st = lj_store_prepare (store, del, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (st->stmt, 1, id);
      if (!lj_stmt_step_done (st, error))
        return FALSE;
      if (JSON_NODE_HOLDS_ARRAY (value) &&
          !insert_link_rows (r, store, f, id, json_node_get_array (value), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_record (LjResource *r, LjStore *store, JsonObject *clean, gint64 *id, GError **error)
{
  g_autoptr (GString) cols = g_string_new ("version, created_at, updated_at");
  g_autoptr (GString) marks = g_string_new ("1, ?1, ?1");
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  g_autofree char *now = lj_store_timestamp_now ();
  g_autofree char *sql = NULL;
  g_autoptr (LjStmt) st = NULL;

  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];
      JsonNode *v = json_object_get_member (clean, f->name);

      if (!lj_field_is_stored (f) || v == NULL)
        continue;
      g_string_append_printf (cols, ", %s", f->name);
      g_string_append_printf (marks, ", ?%u", values->len + 2);
      g_ptr_array_add (values, v);
    }
  sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", r->table, cols->str, marks->str);
  if ((st = lj_store_prepare (store, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, now, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < values->len; i++)
    lj_resource_bind_node (st->stmt, i + 2, values->pdata[i]);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (lj_store_get_db (store));
  return write_links (r, store, *id, clean, error);
}

static gboolean
may_create (LjResource *r, LjRequest *req, GError **error)
{
  LjRole role = lj_request_get_role (req);

  if (role == LJ_ROLE_ADMIN || (role == LJ_ROLE_SECRETARY && r->write_roles == NULL && r->scope_sql))
    return TRUE;
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN, "only admins may create %s", r->name);
  return FALSE;
}

/* A create as POST does it, from the body or from code: validation, the
 * domain rules, the row, the scope of the row as written (unless
 * @as_system), hooks and audit. */
static gboolean
create_record (LjResource *r, LjRequest *req, JsonObject *input, gboolean as_system, gint64 *id, GError **error)
{
  g_autoptr (JsonObject) clean = NULL;
  g_autoptr (JsonObject) after = NULL;

  if (!as_system && !may_create (r, req, error))
    return FALSE;
  clean = lj_resource_validate_input (r, req, input, 0, TRUE, error);
  if (clean == NULL || !run_validate_hook (r, req, 0, clean, NULL, error))
    return FALSE;
  if (!insert_record (r, lj_request_get_store (req), clean, id, error))
    return FALSE;
  if (!as_system && lj_request_get_role (req) != LJ_ROLE_ADMIN && !lj_resource_check_write_scope (r, req, *id, error))
    return FALSE;
  after = lj_resource_load_current (r, req, *id, NULL, error);
  return after != NULL && record_write (r, req, "created", *id, NULL, after, error);
}

static gboolean
handle_create (LjRequest *req, gpointer user_data, GError **error)
{
  LjResource *r = user_data;
  JsonObject *input;
  g_autofree char *location = NULL;
  gint64 id = 0;

  if (!may_create (r, req, error) || (input = lj_request_get_json_object (req, error)) == NULL ||
      !create_record (r, req, input, FALSE, &id, error))
    return FALSE;
  location = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT, r->name, id);
  lj_request_set_response_header (req, "Location", location);
  return respond_record (r, req, id, 201, error);
}

static gboolean
update_record (LjResource *r, LjStore *store, gint64 id, JsonObject *clean, GError **error)
{
  g_autoptr (GString) sets = g_string_new ("version = version + 1, updated_at = ?1");
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  g_autofree char *now = lj_store_timestamp_now ();
  g_autofree char *sql = NULL;
  g_autoptr (LjStmt) st = NULL;

  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];
      JsonNode *v = json_object_get_member (clean, f->name);

      if (!lj_field_is_stored (f) || v == NULL)
        continue;
      g_string_append_printf (sets, ", %s = ?%u", f->name, values->len + 3);
      g_ptr_array_add (values, v);
    }
  sql = g_strdup_printf ("UPDATE %s SET %s WHERE id = ?2", r->table, sets->str);
  if ((st = lj_store_prepare (store, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 2, id);
  for (guint i = 0; i < values->len; i++)
    lj_resource_bind_node (st->stmt, i + 3, values->pdata[i]);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  return write_links (r, store, id, clean, error);
}

/* A change as PATCH does it (without If-Match), from the body or from
 * code; the scope is checked before and after unless @as_system. */
static gboolean
update_checked (LjResource *r, LjRequest *req, gint64 id, JsonObject *current, JsonObject *input,
                gboolean as_system, GError **error)
{
  g_autoptr (JsonObject) clean = NULL;
  g_autoptr (JsonObject) after = NULL;

  clean = lj_resource_validate_input (r, req, input, id, FALSE, error);
  if (clean == NULL || !run_validate_hook (r, req, id, clean, current, error))
    return FALSE;
  if (json_object_get_size (clean) > 0 && !update_record (r, lj_request_get_store (req), id, clean, error))
    return FALSE;
  /* The record after the change must still be the caller's: a secretary
   * cannot move a member out of their subtree. */
  if (!as_system && lj_request_get_role (req) != LJ_ROLE_ADMIN && !lj_resource_check_write_scope (r, req, id, error))
    return FALSE;
  return (after = lj_resource_load_current (r, req, id, NULL, error)) != NULL &&
         record_write (r, req, "updated", id, current, after, error);
}

static gboolean
handle_patch (LjRequest *req, gpointer user_data, GError **error)
{
  LjResource *r = user_data;
  gint64 id = lj_request_get_path_id (req, "id");
  gint64 version = 0;
  g_autoptr (JsonObject) current = NULL;
  JsonObject *input;

  if (!lj_resource_check_write_scope (r, req, id, error) ||
      (current = lj_resource_load_current (r, req, id, &version, error)) == NULL ||
      !check_if_match (req, version, error) ||
      (input = lj_request_get_json_object (req, error)) == NULL ||
      !update_checked (r, req, id, current, input, FALSE, error))
    return FALSE;
  return respond_record (r, req, id, 200, error);
}

/**
 * lj_resource_create:
 * See lj-app.h.
 */
gint64
lj_resource_create (LjResource *r, LjRequest *req, JsonObject *fields, LjWriteFlags flags, GError **error)
{
  gint64 id = 0;

  if (!create_record (r, req, fields, (flags & LJ_WRITE_AS_SYSTEM) != 0, &id, error))
    return 0;
  return id;
}

/**
 * lj_resource_update:
 * See lj-app.h.
 */
gboolean
lj_resource_update (LjResource *r, LjRequest *req, gint64 id, JsonObject *fields, LjWriteFlags flags,
                    GError **error)
{
  gboolean as_system = (flags & LJ_WRITE_AS_SYSTEM) != 0;
  g_autoptr (JsonObject) current = NULL;

  if ((!as_system && !lj_resource_check_write_scope (r, req, id, error)) ||
      (current = lj_resource_load_current (r, req, id, NULL, error)) == NULL)
    return FALSE;
  return update_checked (r, req, id, current, fields, as_system, error);
}

static gboolean
count_refs (LjStore *store, const char *table, const char *column, gint64 id, gint64 *count, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s = ?", table, column);
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  *count = sqlite3_column_int64 (st->stmt, 0);
  return TRUE;
}

static gboolean
note_refs (LjStore *store, const char *table, const char *column, const char *label, gint64 id,
           GString *detail, GError **error)
{
  gint64 n = 0;

  if (!count_refs (store, table, column, id, &n, error))
    return FALSE;
  if (n > 0)
    g_string_append_printf (detail, "%s%" G_GINT64_FORMAT " %s (%s)", detail->len ? ", " : "", n, label, column);
  return TRUE;
}

/* Every declared reference to @target from any registered resource. */
static gboolean
find_referrers (LjApp *app, LjResource *target, gint64 id, GString *detail, GError **error)
{
  LjStore *store = app->store;

  for (guint i = 0; i < app->resource_list->len; i++)
    {
      LjResource *r = app->resource_list->pdata[i];

      for (guint j = 0; j < r->fields->len; j++)
        {
          LjField *f = r->fields->pdata[j];

          if (f->ref_resource == target && lj_field_is_stored (f) &&
              !note_refs (store, r->table, f->name, r->name, id, detail, error))
            return FALSE;
          if (f->type != LJ_FIELD_LINK)
            continue;
          if (f->item && f->item->ref_resource == target &&
              !note_refs (store, f->link_table, f->link_key, r->name, id, detail, error))
            return FALSE;
          for (guint k = 0; f->item_fields && k < f->item_fields->len; k++)
            {
              LjField *sub = f->item_fields->pdata[k];
              if (sub->ref_resource == target &&
                  !note_refs (store, f->link_table, sub->name, r->name, id, detail, error))
                return FALSE;
            }
        }
    }
  for (guint i = 0; i < target->referenced_by->len; i++)
    {
      LjReferencedBy *rb = target->referenced_by->pdata[i];
      if (!note_refs (store, rb->table, rb->column, rb->label, id, detail, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
handle_delete (LjRequest *req, gpointer user_data, GError **error)
{
  LjResource *r = user_data;
  gint64 id = lj_request_get_path_id (req, "id");
  gint64 version = 0;
  g_autoptr (JsonObject) current = NULL;
  g_autoptr (GString) referrers = g_string_new (NULL);
  g_autofree char *sql = NULL;
  g_autoptr (LjStmt) st = NULL;

  if (!lj_resource_check_write_scope (r, req, id, error) ||
      (current = lj_resource_load_current (r, req, id, &version, error)) == NULL ||
      !check_if_match (req, version, error))
    return FALSE;
  if (!find_referrers (r->app, r, id, referrers, error))
    return FALSE;
  if (referrers->len > 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT,
                   "%s %" G_GINT64_FORMAT " is still referred to by %s", r->title, id, referrers->str);
      return FALSE;
    }
  sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", r->table);
  if ((st = lj_store_prepare (lj_request_get_store (req), sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (!lj_stmt_step_done (st, error) || !record_write (r, req, "deleted", id, current, NULL, error))
    return FALSE;
  lj_request_set_status (req, 204);
  return TRUE;
}

gboolean
lj_resource_respond_record (LjResource *r, LjRequest *req, gint64 id, guint status, GError **error)
{
  return respond_record (r, req, id, status, error);
}

JsonObject *
lj_resource_load (LjResource *r, LjRequest *req, gint64 id, GError **error)
{
  return lj_resource_load_current (r, req, id, NULL, error);
}

LjResource *
lj_request_get_resource (LjRequest *req, const char *name)
{
  return lj_app_get_resource (lj_request_get_app (req), name);
}

gboolean
lj_resource_add_routes (LjResource *r, LjApp *app, const char *owner, GError **error)
{
  g_autofree char *collection = g_strdup_printf ("/api/v1/%s", r->name);
  g_autofree char *item = g_strdup_printf ("/api/v1/%s/{id}", r->name);
  g_autofree char *s_list = g_strdup_printf ("List %s", r->title);
  g_autofree char *s_get = g_strdup_printf ("Get one %s", r->title);
  g_autofree char *s_create = g_strdup_printf ("Create a %s", r->title);
  g_autofree char *s_patch = g_strdup_printf ("Change fields of a %s", r->title);
  g_autofree char *s_delete = g_strdup_printf ("Delete a %s", r->title);

  const struct { const char *method, *path, *summary; LjRouteFunc func; char op; } routes[] = {
    { "GET", collection, s_list, handle_list, 'l' },
    { "POST", collection, s_create, handle_create, 'c' },
    { "GET", item, s_get, handle_get, 'g' },
    { "PATCH", item, s_patch, handle_patch, 'p' },
    { "DELETE", item, s_delete, handle_delete, 'd' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      LjRoute *route = lj_app_add_route_owned (app, owner, routes[i].method, routes[i].path, routes[i].func, r,
                                               error);
      if (route == NULL)
        return FALSE;
      lj_route_set_summary (route, r->name, routes[i].summary);
      route->resource = r;
      route->operation = routes[i].op;
    }
  return TRUE;
}
