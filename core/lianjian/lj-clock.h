/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one clock every expiry, deadline and timestamp reads, so tests can
 * move time instead of sleeping.  Wall-clock UTC. */
#pragma once

#if !defined(__LIANJIAN_H_INSIDE__) && !defined(LIANJIAN_COMPILATION)
#error "Only <lianjian/lianjian.h> can be included directly."
#endif

#include <lianjian/lj-version.h>

G_BEGIN_DECLS

/* Microseconds since the Unix epoch, plus any test offset. */
LJ_AVAILABLE_IN_1_0
gint64  lj_clock_now_us (void);
/* Seconds since the Unix epoch, plus any test offset. */
LJ_AVAILABLE_IN_1_0
gint64  lj_clock_now_seconds (void);
/* Returns: (transfer full): now as `YYYY-MM-DDTHH:MM:SSZ`. */
LJ_AVAILABLE_IN_1_0
char   *lj_clock_now_timestamp (void);
/* Returns: (transfer full): now as a GDateTime in UTC. */
LJ_AVAILABLE_IN_1_0
GDateTime *lj_clock_now_utc (void);
/* Tests only: moves the clock @seconds further (cumulative, may be negative).
 * Thread-safe; affects the whole process. */
LJ_AVAILABLE_IN_1_0
void    lj_clock_advance_for_testing (gint64 seconds);
/* Tests only: back to the real time. */
LJ_AVAILABLE_IN_1_0
void    lj_clock_reset_for_testing (void);

G_END_DECLS
