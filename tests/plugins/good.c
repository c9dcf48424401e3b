/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The well-behaved fixture: config keys, two migrations (one referencing a
 * core table), a route, and start/stop functions; start writes a row
 * through lj_plugin_run_task (), which proves the migrations ran first. */
#include <lianjian/lianjian.h>
#include <string.h>

static gboolean
handle_hello (LjRequest *req, gpointer user_data, GError **error)
{
  LjPlugin *plugin = user_data;
  char *json = g_strdup_printf ("{\"greeting\":\"%s\",\"limit\":%" G_GINT64_FORMAT "}",
                                lj_plugin_get_config_string (plugin, "greeting"),
                                lj_plugin_get_config_int (plugin, "limit"));

  lj_request_set_response_json (req, 200, json, strlen (json));
  return TRUE;
}

static gboolean
note_started (LjRequest *req, gpointer user_data, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, "INSERT INTO good_notes (body) VALUES ('started')", error);

  return st != NULL && lj_stmt_step_done (st, error);
}

static gboolean
good_start (LjPlugin *plugin, gpointer user_data, GError **error)
{
  return lj_plugin_run_task (plugin, note_started, NULL, error);
}

static void
good_stop (LjPlugin *plugin, gpointer user_data)
{
}

static const char visits_declaration[] =
  "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"title\": \"Visit\","
  " \"x-lj-name\": \"visits\", \"x-lj-table\": \"good_visits\", \"x-lj-singular\": \"visit\","
  " \"x-lj-sort\": [\"id\", \"created_at\"], \"type\": \"object\", \"additionalProperties\": false,"
  " \"required\": [\"enterprise_id\", \"note\"], \"properties\": {"
  " \"enterprise_id\": {\"type\": \"integer\", \"x-lj-ref\": \"enterprises\", \"x-lj-filter\": true},"
  " \"note\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 200}}}";

static gboolean
good_register (LjPlugin *plugin, GError **error)
{
  lj_plugin_add_config_key (plugin, "greeting", LJ_CONFIG_TYPE_STRING, "hello", "What GET /hello says");
  lj_plugin_add_config_key (plugin, "limit", LJ_CONFIG_TYPE_INT, "10", "A number");
  if (!lj_plugin_add_migration (plugin, 1, "notes",
                                "CREATE TABLE good_notes (id INTEGER PRIMARY KEY,"
                                " enterprise_id INTEGER REFERENCES enterprises (id), body TEXT NOT NULL) STRICT;"
                                "CREATE INDEX good_notes_enterprise ON good_notes (enterprise_id);", error) ||
      !lj_plugin_add_migration (plugin, 2, "view",
                                "CREATE VIEW good_note_count AS SELECT count(*) AS n FROM good_notes;", error) ||
      !lj_plugin_add_migration (plugin, 3, "visits",
                                "CREATE TABLE good_visits (id INTEGER PRIMARY KEY,"
                                " enterprise_id INTEGER NOT NULL REFERENCES enterprises (id), note TEXT NOT NULL,"
                                " version INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL,"
                                " updated_at TEXT NOT NULL) STRICT;", error))
    return FALSE;
  if (lj_plugin_add_resource (plugin, visits_declaration, -1, error) == NULL)
    return FALSE;
  if (lj_plugin_add_route (plugin, "GET", "/hello", handle_hello, plugin, error) == NULL)
    return FALSE;
  lj_plugin_set_start_func (plugin, good_start, good_stop, NULL);
  return TRUE;
}

LJ_PLUGIN_DEFINE ("good", "1.2.3", "A plugin that does everything right", "GPL-3.0-or-later",
                  "https://example.org/good", NULL, good_register)
