/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Built for an ABI this host does not offer (minor number too high). */
#include <lianjian/lianjian.h>

static gboolean
abi_register (LjPlugin *plugin, GError **error)
{
  return TRUE;
}

G_MODULE_EXPORT const LjPluginDescriptor *lj_plugin_query (void);

G_MODULE_EXPORT const LjPluginDescriptor *
lj_plugin_query (void)
{
  static const LjPluginDescriptor d = {
    LJ_PLUGIN_MAGIC, LJ_PLUGIN_ABI_MAJOR, LJ_PLUGIN_ABI_MINOR + 1, sizeof (LjPluginDescriptor),
    "bad-minor", "1.0", NULL, NULL, NULL, NULL, abi_register, { NULL }
  };
  return &d;
}
