/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Requires "good"; its file sorts before good.so, so only the requires
 * order puts it after. */
#include <lianjian/lianjian.h>

static gboolean
needs_register (LjPlugin *plugin, GError **error)
{
  return TRUE;
}

static const char *const needs_requires[] = { "good", NULL };

LJ_PLUGIN_DEFINE ("good-needs", "1.0", "Requires good", "GPL-3.0-or-later", NULL, needs_requires, needs_register)
