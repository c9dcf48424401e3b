/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registers and migrates, then its start function fails. */
#include <lianjian/lianjian.h>

static gboolean
handle_ping (LjRequest *req, gpointer user_data, GError **error)
{
  lj_request_set_status (req, 204);
  return TRUE;
}

static gboolean
start_fails (LjPlugin *plugin, gpointer user_data, GError **error)
{
  g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "the fixture cannot start");
  return FALSE;
}

static gboolean
start_register (LjPlugin *plugin, GError **error)
{
  if (lj_plugin_add_route (plugin, "GET", "/ping", handle_ping, NULL, error) == NULL)
    return FALSE;
  lj_plugin_set_start_func (plugin, start_fails, NULL, NULL);
  return TRUE;
}

LJ_PLUGIN_DEFINE ("bad-start", "1.0", NULL, NULL, NULL, NULL, start_register)
