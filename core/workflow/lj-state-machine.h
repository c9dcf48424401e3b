/* SPDX-License-Identifier: GPL-3.0-or-later */
/* State machines on resources: declared states and events, who may fire
 * each, required input fields; the transitions routes, the history table,
 * the audit row and the hooks of every transition. */
#pragma once

#include "lianjian/lianjian.h"
#include "app/lj-app-private.h"

G_BEGIN_DECLS

#define LJ_STATE_MACHINE_ERROR (lj_state_machine_error_quark ())
GQuark lj_state_machine_error_quark (void);

/* Parses @declaration (see docs/plugins.md, "State machines") for
 * @resource, which must be registered already, and adds
 * GET/POST <resource path>/{id}/transitions owned by @owner.  FALSE with
 * LJ_PLUGIN_ERROR_INVALID when the declaration is malformed. */
gboolean lj_state_machine_add (LjApp       *app,
                               const char  *owner,
                               LjResource  *resource,
                               const char  *declaration,
                               gssize       len,
                               GError     **error);

/* Checks the machines @owner (a plugin, or NULL for the core) added
 * against the database: the state column and its SQL default, the
 * predicates' SQL.  The core's are checked when added; the plugin host
 * calls this for a plugin after its migrations ran, next to
 * lj_app_probe_resources (). */
gboolean lj_state_machines_probe (LjApp       *app,
                                  const char  *owner,
                                  GError     **error);

G_END_DECLS
