/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/health: unauthenticated liveness for load balancers and
 * systemd: version, whether the database answers, applied schema versions,
 * and the connection and fd counts that reveal a leaking server. */
#include "lj-core.h"
#include "json/lj-json-writer.h"

static gboolean
handle_health (LjRequest *req, gpointer user_data, GError **error)
{
  LjApp *app = user_data;
  LjServerStats stats = { 0 };
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (GError) db_error = NULL;
  g_autoptr (GPtrArray) schema = lj_store_list_schema (app->store, &db_error);
  const char *failure;
  gsize len;
  char *json;

  if (app->stats_func)
    app->stats_func (app->stats_data, &stats);
  lj_json_writer_begin_object (w);
  failure = lj_store_get_failure (app->store);
  lj_json_writer_member_string (w, "status", schema == NULL ? "unavailable" : failure ? "degraded" : "ok");
  lj_json_writer_member_string (w, "version", lj_version_string ());
  lj_json_writer_key (w, "database");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_bool (w, "reachable", schema != NULL);
  lj_json_writer_member_bool (w, "writable", failure == NULL);
  lj_json_writer_key (w, "schema");
  lj_json_writer_begin_object (w);
  for (guint i = 0; schema && i < schema->len; i++)
    {
      g_auto (GStrv) parts = g_strsplit (schema->pdata[i], ":", 2);
      lj_json_writer_member_int (w, parts[0], g_ascii_strtoll (parts[1], NULL, 10));
    }
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
  lj_json_writer_key (w, "server");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "open_connections", stats.connections);
  lj_json_writer_member_int (w, "open_fds", stats.open_fds);
  lj_json_writer_member_int (w, "accepted", stats.accepted);
  lj_json_writer_member_int (w, "idle_closed", stats.idle_closed);
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
  if (db_error)
    g_warning ("health: database unreachable: %s", db_error->message);
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, schema && failure == NULL ? 200 : 503, json, len);
  return TRUE;
}

void
lj_health_add_routes (LjApp *app)
{
  LjRoute *route = lj_app_add_route (app, "GET", "/api/v1/health", handle_health, app);

  lj_route_set_flags (route, LJ_ROUTE_FLAGS_PUBLIC | LJ_ROUTE_FLAGS_NO_TRANSACTION);
  lj_route_set_summary (route, "meta", "Liveness: version, database, schema versions, connections");
}
