/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Built for an ABI this host does not offer (major number too high). */
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
    LJ_PLUGIN_MAGIC, LJ_PLUGIN_ABI_MAJOR + 1, 0, sizeof (LjPluginDescriptor),
    "bad-major", "1.0", NULL, NULL, NULL, NULL, abi_register, { NULL }
  };
  return &d;
}
