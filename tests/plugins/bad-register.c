/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Adds a route, then fails: the route must be withdrawn. */
#include <lianjian/lianjian.h>

static gboolean
handle_thing (LjRequest *req, gpointer user_data, GError **error)
{
  lj_request_set_status (req, 204);
  return TRUE;
}

static gboolean
register_fails (LjPlugin *plugin, GError **error)
{
  if (lj_plugin_add_route (plugin, "GET", "/thing", handle_thing, NULL, error) == NULL)
    return FALSE;
  g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "the fixture refuses to register");
  return FALSE;
}

LJ_PLUGIN_DEFINE ("bad-register", "1.0", NULL, NULL, NULL, NULL, register_fails)
