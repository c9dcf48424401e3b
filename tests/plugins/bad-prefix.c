/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Creates a table outside its prefix: the schema guard refuses it. */
#include <lianjian/lianjian.h>

static gboolean
prefix_register (LjPlugin *plugin, GError **error)
{
  return lj_plugin_add_migration (plugin, 1, "own", "CREATE TABLE bad_prefix_own (id INTEGER PRIMARY KEY) STRICT;",
                                  error) &&
         lj_plugin_add_migration (plugin, 2, "outside",
                                  "CREATE TABLE members_extra (id INTEGER PRIMARY KEY) STRICT;", error);
}

LJ_PLUGIN_DEFINE ("bad-prefix", "1.0", NULL, NULL, NULL, NULL, prefix_register)
