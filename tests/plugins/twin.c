/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Built twice (twin-a, twin-b).  Each exports a helper with the same name on
 * purpose: loaded with RTLD_GLOBAL, twin-b's call would bind to twin-a's.
 * Register fails unless the plugin's own helper answers. */
#include <lianjian/lianjian.h>

G_MODULE_EXPORT int twin_helper (void);

G_MODULE_EXPORT int
twin_helper (void)
{
  return TWIN_VALUE;
}

static gboolean
twin_register (LjPlugin *plugin, GError **error)
{
  int got = twin_helper ();

  if (got == TWIN_VALUE)
    return TRUE;
  g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "twin_helper () answered %d, not %d: bound to "
               "another plugin's symbol", got, TWIN_VALUE);
  return FALSE;
}

LJ_PLUGIN_DEFINE (TWIN_NAME, "1.0", NULL, NULL, NULL, NULL, twin_register)
