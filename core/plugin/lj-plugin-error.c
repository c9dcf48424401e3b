/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LJ_PLUGIN_ERROR: also used by the core's registration functions (a
 * duplicate route is a plugin error whoever notices it). */
#include "lianjian/lianjian.h"

G_DEFINE_QUARK (lj-plugin-error-quark, lj_plugin_error)
