/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Declares one config key; the test's config also sets an unknown one. */
#include <lianjian/lianjian.h>

static gboolean
config_register (LjPlugin *plugin, GError **error)
{
  lj_plugin_add_config_key (plugin, "known", LJ_CONFIG_TYPE_BOOLEAN, "false", "A declared key");
  return TRUE;
}

LJ_PLUGIN_DEFINE ("bad-config", "1.0", NULL, NULL, NULL, NULL, config_register)
