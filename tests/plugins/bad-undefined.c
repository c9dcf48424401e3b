/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Calls a function no library defines, as a plugin built against a newer
 * Lianjian would: the open must fail (BIND_NOW), not the first call. */
#include <lianjian/lianjian.h>

extern gboolean lj_plugin_from_the_future (LjPlugin *plugin);

static gboolean
undefined_register (LjPlugin *plugin, GError **error)
{
  return lj_plugin_from_the_future (plugin);
}

LJ_PLUGIN_DEFINE ("bad-undefined", "1.0", NULL, NULL, NULL, NULL, undefined_register)
