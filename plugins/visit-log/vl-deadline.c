/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deadline arithmetic (see vl-deadline.h): calendar days are plain
 * multiples of 24 hours; working days walk local dates one by one over a
 * calendar that knows weekends, holidays and adjusted working weekends. */
#include "vl-deadline.h"

#include <stdio.h>
#include <string.h>

#define SECONDS_PER_DAY 86400

struct _VlCalendar {
  GHashTable *holidays;  /* julian day numbers */
  GHashTable *workdays;
};

static gboolean
parse_date_list (const char *text, GHashTable *set, const char *what, GError **error)
{
  g_auto (GStrv) items = NULL;

  if (text == NULL)
    return TRUE;
  items = g_strsplit (text, ";", -1);
  for (guint i = 0; items[i]; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (items[i]));
      int y, m, d;
      char tail;
      GDate date;

      if (*item == '\0')
        continue;
      if (strlen (item) != 10 || sscanf (item, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
          !g_date_valid_dmy (d, m, y))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "%s: \"%s\" is not a date YYYY-MM-DD", what, item);
          return FALSE;
        }
      g_date_clear (&date, 1);
      g_date_set_dmy (&date, d, m, y);
      g_hash_table_add (set, GUINT_TO_POINTER (g_date_get_julian (&date)));
    }
  return TRUE;
}

VlCalendar *
vl_calendar_new (const char *holidays, const char *workdays, GError **error)
{
  g_autoptr (VlCalendar) c = g_new0 (VlCalendar, 1);

  c->holidays = g_hash_table_new (NULL, NULL);
  c->workdays = g_hash_table_new (NULL, NULL);
  if (!parse_date_list (holidays, c->holidays, "holidays", error) ||
      !parse_date_list (workdays, c->workdays, "workdays", error))
    return NULL;
  return g_steal_pointer (&c);
}

void
vl_calendar_free (VlCalendar *calendar)
{
  if (calendar == NULL)
    return;
  g_clear_pointer (&calendar->holidays, g_hash_table_unref);
  g_clear_pointer (&calendar->workdays, g_hash_table_unref);
  g_free (calendar);
}

gboolean
vl_calendar_is_working_day (const VlCalendar *calendar, const GDate *date)
{
  gpointer key = GUINT_TO_POINTER (g_date_get_julian (date));
  GDateWeekday wd = g_date_get_weekday (date);

  if (calendar && g_hash_table_contains (calendar->holidays, key))
    return FALSE;
  if (wd == G_DATE_SATURDAY || wd == G_DATE_SUNDAY)
    return calendar != NULL && g_hash_table_contains (calendar->workdays, key);
  return TRUE;
}

gint64
vl_deadline_add (const VlCalendar *calendar, gint64 start_utc, guint days, VlDayKind kind, int utc_offset_minutes)
{
  gint64 local = start_utc + (gint64) utc_offset_minutes * 60;
  gint64 day_number, time_of_day;
  GDate date;
  guint counted = 0;

  if (kind == VL_DAYS_CALENDAR || days == 0)
    return start_utc + (gint64) days * SECONDS_PER_DAY;
  day_number = local >= 0 ? local / SECONDS_PER_DAY : (local - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
  time_of_day = local - day_number * SECONDS_PER_DAY;
  /* Julian day 1 is 0001-01-01; the Unix epoch is day 719163. */
  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (day_number + 719163));
  while (counted < days)
    {
      g_date_add_days (&date, 1);
      if (vl_calendar_is_working_day (calendar, &date))
        counted++;
    }
  day_number = (gint64) g_date_get_julian (&date) - 719163;
  return day_number * SECONDS_PER_DAY + time_of_day - (gint64) utc_offset_minutes * 60;
}

char *
vl_timestamp_format (gint64 utc)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (utc);

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

gboolean
vl_timestamp_parse (const char *text, gint64 *utc)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = text ? g_date_time_new_from_iso8601 (text, tz) : NULL;

  if (dt == NULL)
    return FALSE;
  *utc = g_date_time_to_unix (dt);
  return TRUE;
}
