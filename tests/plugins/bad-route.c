/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Named "audit", so its GET / is the core's GET /api/v1/audit: the
 * duplicate is refused. */
#include <lianjian/lianjian.h>

static gboolean
handle_audit (LjRequest *req, gpointer user_data, GError **error)
{
  lj_request_set_status (req, 204);
  return TRUE;
}

static gboolean
route_register (LjPlugin *plugin, GError **error)
{
  return lj_plugin_add_route (plugin, "GET", "/", handle_audit, NULL, error) != NULL;
}

LJ_PLUGIN_DEFINE ("audit", "1.0", NULL, NULL, NULL, NULL, route_register)
