/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A shared module that is not a plugin: no lj_plugin_query. */
#include <gmodule.h>

G_MODULE_EXPORT int lj_plugin_something_else (void);

G_MODULE_EXPORT int
lj_plugin_something_else (void)
{
  return 42;
}
