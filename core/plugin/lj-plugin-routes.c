/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/plugins (admins only): every plugin the host found, with its
 * state and, for a plugin that is not active, the reason; what it
 * registered; and the schema version its migrations reached. */
#include "plugin/lj-plugin-host.h"
#include "json/lj-json-writer.h"
#include "resource/lj-resource-private.h"

#include <string.h>

static gint64
schema_version (LjRequest *req, const char *component, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (lj_request_get_store (req),
                                            "SELECT coalesce(max(version), 0) FROM lj_schema WHERE component = ?",
                                            error);
  int rc;

  if (st == NULL)
    return -1;
  sqlite3_bind_text (st->stmt, 1, component, -1, SQLITE_TRANSIENT);
  rc = lj_stmt_step (st, error);
  if (rc < 0)
    return -1;
  return rc == SQLITE_ROW ? sqlite3_column_int64 (st->stmt, 0) : 0;
}

static void
write_registrations (LjJsonWriter *w, LjApp *app, const char *owner)
{
  lj_json_writer_key (w, "routes");
  lj_json_writer_begin_array (w);
  for (guint i = 0; i < app->routes->len; i++)
    {
      LjRoute *r = app->routes->pdata[i];
      g_autofree char *line = NULL;

      if (g_strcmp0 (r->owner, owner) != 0)
        continue;
      line = g_strdup_printf ("%s %s", r->method, r->pattern);
      lj_json_writer_string (w, line);
    }
  lj_json_writer_end_array (w);
  lj_json_writer_key (w, "resources");
  lj_json_writer_begin_array (w);
  for (guint i = 0; i < app->resource_list->len; i++)
    {
      LjResource *r = app->resource_list->pdata[i];

      if (g_strcmp0 (r->plugin, owner) == 0)
        lj_json_writer_string (w, lj_resource_get_name (r));
    }
  lj_json_writer_end_array (w);
}

static gboolean
write_plugin (LjJsonWriter *w, LjRequest *req, LjPlugin *p, GError **error)
{
  const LjPluginDescriptor *d = p->desc;
  gint64 version = schema_version (req, p->name, error);

  if (version < 0)
    return FALSE;
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "name", p->name);
  lj_json_writer_member_string (w, "version", d ? d->version : NULL);
  lj_json_writer_member_string (w, "description", d ? d->description : NULL);
  lj_json_writer_member_string (w, "license", d ? d->license : NULL);
  lj_json_writer_member_string (w, "url", d ? d->url : NULL);
  lj_json_writer_key (w, "abi");
  if (d)
    {
      g_autofree char *abi = g_strdup_printf ("%u.%u", d->abi_major, d->abi_minor);
      lj_json_writer_string (w, abi);
    }
  else
    lj_json_writer_null (w);
  lj_json_writer_member_string (w, "state", lj_plugin_state_to_string (p->state));
  lj_json_writer_member_string (w, "error", p->error);
  lj_json_writer_member_bool (w, "required", p->required);
  lj_json_writer_member_string (w, "file", p->path);
  lj_json_writer_key (w, "requires");
  lj_json_writer_begin_array (w);
  /* Read only after the magic and ABI checks passed. */
  for (guint i = 0; d && p->table_prefix && d->requires && d->requires[i]; i++)
    lj_json_writer_string (w, d->requires[i]);
  lj_json_writer_end_array (w);
  write_registrations (w, p->app, p->name);
  lj_json_writer_member_int (w, "schema_version", version);
  lj_json_writer_end_object (w);
  return TRUE;
}

static gboolean
handle_plugins_list (LjRequest *req, gpointer user_data, GError **error)
{
  LjApp *app = user_data;
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  char *json;
  gsize len;

  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "abi");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "major", LJ_PLUGIN_ABI_MAJOR);
  lj_json_writer_member_int (w, "minor", LJ_PLUGIN_ABI_MINOR);
  lj_json_writer_end_object (w);
  lj_json_writer_key (w, "items");
  lj_json_writer_begin_array (w);
  for (guint i = 0; app->plugins && i < app->plugins->len; i++)
    if (!write_plugin (w, req, app->plugins->pdata[i], error))
      return FALSE;
  lj_json_writer_end_array (w);
  lj_json_writer_end_object (w);
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, 200, json, len);
  return TRUE;
}

/* Idempotent: the command and the core may both ask for it. */
void
lj_plugins_add_routes (LjApp *app)
{
  LjRoute *route;

  for (guint i = 0; i < app->routes->len; i++)
    if (((LjRoute *) app->routes->pdata[i])->func == handle_plugins_list)
      return;
  route = lj_app_add_route (app, "GET", "/api/v1/plugins", handle_plugins_list, app);

  lj_route_set_roles (route, LJ_ROLES_ADMIN);
  lj_route_set_summary (route, "plugins", "Every plugin found, its state, and what it registered");
}
