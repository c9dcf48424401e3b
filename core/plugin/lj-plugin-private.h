/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin host's view of a plugin (core/plugin): what the loader
 * found, what state it is in, and what it declared through its handle. */
#pragma once

#include "lianjian/lianjian.h"
#include "app/lj-app-private.h"

G_BEGIN_DECLS

typedef enum {
  LJ_PLUGIN_STATE_LOADED,
  LJ_PLUGIN_STATE_ACTIVE,
  LJ_PLUGIN_STATE_FAILED,
  LJ_PLUGIN_STATE_DISABLED,
  LJ_PLUGIN_STATE_QUARANTINED,
} LjPluginState;

const char *lj_plugin_state_to_string (LjPluginState state);

/* Discovers, loads, checks, registers, migrates and starts every plugin
 * found in the configured directories and LIANJIAN_PLUGIN_PATH, after the
 * core registered.  FALSE only when a plugin marked `required = true`
 * failed (or the configuration is wrong); other failures leave that
 * plugin `failed` with its reason and the server serving. */
gboolean lj_plugins_load_all (LjApp *app, GError **error);
/* Runs the active plugins' demo functions (after the core's demo data). */
gboolean lj_plugins_load_demo (LjApp *app, GError **error);
/* Stops active plugins in reverse load order. */
void     lj_plugins_stop_all (LjApp *app);
/* Registers GET /api/v1/plugins (admin only). */
void     lj_plugins_add_routes (LjApp *app);

G_END_DECLS
