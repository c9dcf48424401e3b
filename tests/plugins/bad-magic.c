/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A descriptor with the wrong magic number. */
#include <lianjian/lianjian.h>

static gboolean
magic_register (LjPlugin *plugin, GError **error)
{
  return TRUE;
}

G_MODULE_EXPORT const LjPluginDescriptor *lj_plugin_query (void);

G_MODULE_EXPORT const LjPluginDescriptor *
lj_plugin_query (void)
{
  static const LjPluginDescriptor d = {
    0xdeadbeefu, LJ_PLUGIN_ABI_MAJOR, LJ_PLUGIN_ABI_MINOR, sizeof (LjPluginDescriptor),
    "bad-magic", "1.0", NULL, NULL, NULL, NULL, magic_register, { NULL }
  };
  return &d;
}
