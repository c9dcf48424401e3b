/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dies inside its register function: the next start must quarantine it. */
#include <lianjian/lianjian.h>
#include <stdlib.h>

static gboolean
crash_register (LjPlugin *plugin, GError **error)
{
  abort ();
}

LJ_PLUGIN_DEFINE ("bad-crash", "1.0", NULL, NULL, NULL, NULL, crash_register)
