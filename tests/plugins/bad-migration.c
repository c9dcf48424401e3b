/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Its second step fails: the first step's table must be rolled back too. */
#include <lianjian/lianjian.h>

static gboolean
handle_rows (LjRequest *req, gpointer user_data, GError **error)
{
  lj_request_set_status (req, 204);
  return TRUE;
}

static gboolean
migration_register (LjPlugin *plugin, GError **error)
{
  return lj_plugin_add_migration (plugin, 1, "one", "CREATE TABLE bad_migration_one (id INTEGER PRIMARY KEY) STRICT;",
                                  error) &&
         lj_plugin_add_migration (plugin, 2, "two",
                                  "CREATE TABLE bad_migration_two (id INTEGER PRIMARY KEY) STRICT;"
                                  "INSERT INTO bad_migration_no_such_table VALUES (1);", error) &&
         lj_plugin_add_route (plugin, "GET", "/rows", handle_rows, NULL, error) != NULL;
}

LJ_PLUGIN_DEFINE ("bad-migration", "1.0", NULL, NULL, NULL, NULL, migration_register)
