/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The 1-6-10 deadline arithmetic (plugins/visit-log/vl-deadline.c) on
 * China's 2026 calendar: New Year (1–3 January off, Sunday 4 January
 * worked) and the Spring Festival (15–23 February off, Saturdays 14 and 28
 * February worked), in calendar and working days, in the park's UTC+8. */
#include <string.h>
#include "vl-deadline.h"

#define HOLIDAYS "2026-01-01;2026-01-02;2026-01-03; 2026-02-15;2026-02-16;2026-02-17;2026-02-18;2026-02-19;" \
                 "2026-02-20;2026-02-21;2026-02-22;2026-02-23;"
#define WORKDAYS "2026-01-04;2026-02-14;2026-02-28"
#define CHINA (8 * 60)

static gint64
ts (const char *text)
{
  gint64 t = 0;

  g_assert_true (vl_timestamp_parse (text, &t));
  return t;
}

static void
assert_due (const VlCalendar *cal, const char *start, guint days, VlDayKind kind, const char *expected)
{
  g_autofree char *due = vl_timestamp_format (vl_deadline_add (cal, ts (start), days, kind, CHINA));

  if (g_strcmp0 (due, expected) != 0)
    g_test_message ("%s + %u %s days: %s, expected %s", start, days, kind == VL_DAYS_WORKING ? "working" : "calendar",
                    due, expected);
  g_assert_cmpstr (due, ==, expected);
}

static VlCalendar *
china_2026 (void)
{
  g_autoptr (GError) error = NULL;
  VlCalendar *cal = vl_calendar_new (HOLIDAYS, WORKDAYS, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cal);
  return cal;
}

/* Calendar days ignore holidays: the "1610" default. */
static void
test_calendar_days (void)
{
  g_autoptr (VlCalendar) cal = china_2026 ();

  assert_due (cal, "2026-02-13T02:00:00Z", 1, VL_DAYS_CALENDAR, "2026-02-14T02:00:00Z");
  assert_due (cal, "2026-02-13T02:00:00Z", 6, VL_DAYS_CALENDAR, "2026-02-19T02:00:00Z");
  assert_due (cal, "2026-02-13T02:00:00Z", 10, VL_DAYS_CALENDAR, "2026-02-23T02:00:00Z");
  assert_due (NULL, "2026-12-31T20:00:00Z", 1, VL_DAYS_CALENDAR, "2027-01-01T20:00:00Z");
  assert_due (cal, "2026-02-13T02:00:00Z", 0, VL_DAYS_CALENDAR, "2026-02-13T02:00:00Z");
}

/* Registered Friday 13 February, 10:00 in the park: the adjusted working
 * Saturday counts, the nine days of the festival do not, the Saturday
 * after it counts again. */
static void
test_working_days_across_spring_festival (void)
{
  g_autoptr (VlCalendar) cal = china_2026 ();

  assert_due (cal, "2026-02-13T02:00:00Z", 1, VL_DAYS_WORKING, "2026-02-14T02:00:00Z");
  assert_due (cal, "2026-02-13T02:00:00Z", 2, VL_DAYS_WORKING, "2026-02-24T02:00:00Z");
  assert_due (cal, "2026-02-13T02:00:00Z", 6, VL_DAYS_WORKING, "2026-02-28T02:00:00Z");
  assert_due (cal, "2026-02-13T02:00:00Z", 10, VL_DAYS_WORKING, "2026-03-05T02:00:00Z");
  assert_due (cal, "2026-02-13T02:00:00Z", 0, VL_DAYS_WORKING, "2026-02-13T02:00:00Z");
}

/* Without the calendar only weekends rest. */
static void
test_working_days_plain_weekends (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VlCalendar) empty = vl_calendar_new ("", NULL, &error);

  g_assert_no_error (error);
  assert_due (empty, "2026-02-13T02:00:00Z", 1, VL_DAYS_WORKING, "2026-02-16T02:00:00Z");
  assert_due (NULL, "2026-02-13T02:00:00Z", 6, VL_DAYS_WORKING, "2026-02-23T02:00:00Z");
  assert_due (NULL, "2026-02-13T02:00:00Z", 10, VL_DAYS_WORKING, "2026-02-27T02:00:00Z");
}

/* Days are the park's local dates: 17:00 UTC on Friday is 01:00 on the
 * working Saturday in Chuxiong, and the next working day is after the
 * festival. */
static void
test_local_dates (void)
{
  g_autoptr (VlCalendar) cal = china_2026 ();

  assert_due (cal, "2026-02-13T17:00:00Z", 1, VL_DAYS_WORKING, "2026-02-23T17:00:00Z");
  /* 15:59 UTC on Friday is still Friday 23:59 locally. */
  assert_due (cal, "2026-02-13T15:59:00Z", 1, VL_DAYS_WORKING, "2026-02-14T15:59:00Z");
}

/* Registered on a holiday: counting starts with the next working day,
 * which is the adjusted Sunday 4 January. */
static void
test_registered_on_a_holiday (void)
{
  g_autoptr (VlCalendar) cal = china_2026 ();
  GDate d;

  assert_due (cal, "2026-01-01T02:00:00Z", 1, VL_DAYS_WORKING, "2026-01-04T02:00:00Z");
  assert_due (cal, "2026-01-01T02:00:00Z", 2, VL_DAYS_WORKING, "2026-01-05T02:00:00Z");
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 4, G_DATE_JANUARY, 2026);
  g_assert_true (vl_calendar_is_working_day (cal, &d));
  g_date_set_dmy (&d, 2, G_DATE_JANUARY, 2026);
  g_assert_false (vl_calendar_is_working_day (cal, &d));
  g_date_set_dmy (&d, 7, G_DATE_MARCH, 2026);
  g_assert_false (vl_calendar_is_working_day (cal, &d));
  g_date_set_dmy (&d, 9, G_DATE_MARCH, 2026);
  g_assert_true (vl_calendar_is_working_day (cal, &d));
}

static void
test_bad_dates (void)
{
  const char *const bad[] = { "2026-02-30", "2026-2-01", "tomorrow", "2026-01-01x", "2026-13-01", NULL };

  for (guint i = 0; bad[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VlCalendar) cal = vl_calendar_new ("2026-01-01", bad[i], &error);

      g_assert_null (cal);
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, "workdays"));
    }
}

static void
test_timestamps (void)
{
  gint64 t;
  g_autofree char *text = vl_timestamp_format (1771034400);

  g_assert_cmpstr (text, ==, "2026-02-14T02:00:00Z");
  g_assert_true (vl_timestamp_parse ("2026-02-14T10:00:00+08:00", &t));
  g_assert_cmpint (t, ==, 1771034400);
  g_assert_false (vl_timestamp_parse ("not a time", &t));
  g_assert_false (vl_timestamp_parse (NULL, &t));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/visit-log/deadline/calendar-days", test_calendar_days);
  g_test_add_func ("/visit-log/deadline/working-days-across-spring-festival", test_working_days_across_spring_festival);
  g_test_add_func ("/visit-log/deadline/working-days-plain-weekends", test_working_days_plain_weekends);
  g_test_add_func ("/visit-log/deadline/local-dates", test_local_dates);
  g_test_add_func ("/visit-log/deadline/registered-on-a-holiday", test_registered_on_a_holiday);
  g_test_add_func ("/visit-log/deadline/bad-dates", test_bad_dates);
  g_test_add_func ("/visit-log/deadline/timestamps", test_timestamps);
  return g_test_run ();
}
