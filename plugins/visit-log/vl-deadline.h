/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deadline arithmetic for the 1-6-10 rule: adding calendar or working days
 * to a registration time, on a calendar of weekends, public holidays and
 * adjusted working weekend days (调休).  Pure: no clock, no database. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  VL_DAYS_CALENDAR,
  VL_DAYS_WORKING,
} VlDayKind;

typedef struct _VlCalendar VlCalendar;

/* @holidays, @workdays: dates `YYYY-MM-DD` separated by `;` (spaces and
 * empty items ignored), or NULL.  NULL with @error on a bad date. */
VlCalendar *vl_calendar_new (const char *holidays, const char *workdays, GError **error);
void        vl_calendar_free (VlCalendar *calendar);
/* Saturdays and Sundays are rest days unless listed as working days;
 * listed holidays are rest days. */
gboolean    vl_calendar_is_working_day (const VlCalendar *calendar, const GDate *date);

/**
 * vl_deadline_add:
 * @start_utc: Unix seconds (the registration)
 * @utc_offset_minutes: the park's offset (China: 480); days are counted on
 *   local dates
 *
 * Calendar days: @start_utc + @days × 24 h.  Working days: the same local
 * time of day on the @days-th working day after the local start date (a
 * request registered on a rest day starts counting with the next working
 * day).  0 days: @start_utc.
 */
gint64      vl_deadline_add (const VlCalendar *calendar, gint64 start_utc, guint days, VlDayKind kind,
                             int utc_offset_minutes);

/* `YYYY-MM-DDTHH:MM:SSZ` <-> Unix seconds; parse returns FALSE on bad text. */
char       *vl_timestamp_format (gint64 utc);
gboolean    vl_timestamp_parse (const char *text, gint64 *utc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VlCalendar, vl_calendar_free)

G_END_DECLS
