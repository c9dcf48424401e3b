/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One fixture per requires failure, chosen at build time:
 * missing, or either half of a cycle. */
#include <lianjian/lianjian.h>

static gboolean
requires_register (LjPlugin *plugin, GError **error)
{
  return TRUE;
}

static const char *const fixture_requires[] = { FIXTURE_REQUIRES, NULL };

LJ_PLUGIN_DEFINE (FIXTURE_NAME, "1.0", NULL, NULL, NULL, fixture_requires, requires_register)
