/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The injectable clock: real time plus an offset only tests move. */
#include "lianjian/lianjian.h"

static gint64 clock_offset_us;   /* read and written with __atomic builtins */

gint64
lj_clock_now_us (void)
{
  return g_get_real_time () + __atomic_load_n (&clock_offset_us, __ATOMIC_RELAXED);
}

gint64
lj_clock_now_seconds (void)
{
  return lj_clock_now_us () / G_USEC_PER_SEC;
}

GDateTime *
lj_clock_now_utc (void)
{
  return g_date_time_new_from_unix_utc (lj_clock_now_seconds ());
}

char *
lj_clock_now_timestamp (void)
{
  g_autoptr (GDateTime) now = lj_clock_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

void
lj_clock_advance_for_testing (gint64 seconds)
{
  __atomic_add_fetch (&clock_offset_us, seconds * G_USEC_PER_SEC, __ATOMIC_RELAXED);
}

void
lj_clock_reset_for_testing (void)
{
  __atomic_store_n (&clock_offset_us, 0, __ATOMIC_RELAXED);
}
