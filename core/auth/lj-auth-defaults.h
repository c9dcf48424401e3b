/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Session lifetimes, lockout and password hashing defaults, overridden by [auth] in the
 * configuration (core/app/lj-config.c). */
#pragma once

#define LJ_AUTH_DEFAULT_IDLE_TIMEOUT      (30 * 60)
#define LJ_AUTH_DEFAULT_ABSOLUTE_TIMEOUT  (12 * 60 * 60)
#define LJ_AUTH_DEFAULT_LOCKOUT_FAILURES  5
#define LJ_AUTH_DEFAULT_LOCKOUT_SECONDS   (15 * 60)
/* Argon2id: OWASP's recommended configuration (t=2, 19 MiB, p=1), on one
 * thread: on the 2-core machines Lianjian targets, a second hashing thread
 * took the serving thread's core during a burst of logins and added no
 * throughput (28 logins/s with one, 25 with two, province benchmark); peak
 * memory for hashing is threads x memory. */
#define LJ_AUTH_DEFAULT_PASSWORD_ITERATIONS 2
#define LJ_AUTH_DEFAULT_PASSWORD_MEMORY_MIB 19
#define LJ_AUTH_DEFAULT_PASSWORD_THREADS    1
