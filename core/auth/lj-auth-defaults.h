/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Session lifetimes and lockout defaults, overridden by [auth] in the
 * configuration (core/app/lj-config.c). */
#pragma once

#define LJ_AUTH_DEFAULT_IDLE_TIMEOUT      (30 * 60)
#define LJ_AUTH_DEFAULT_ABSOLUTE_TIMEOUT  (12 * 60 * 60)
#define LJ_AUTH_DEFAULT_LOCKOUT_FAILURES  5
#define LJ_AUTH_DEFAULT_LOCKOUT_SECONDS   (15 * 60)
