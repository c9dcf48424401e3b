/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `lianjian plugins list|check|reset`: what the plugin host would load,
 * checking plugin files without risking the server, and clearing a
 * quarantine. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "plugins"; returns the exit status. */
int lj_cmd_plugins (int argc, char **argv);

G_END_DECLS
