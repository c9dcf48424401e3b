/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin's own tests, against a real server with the plugin loaded
 * (lianjian-testing-1), on the demo park. */
#include <lianjian-testing.h>
#include <string.h>

static LjTestingServer *server;
static gint64 enterprise_id, member_id;

/* A member who works in an enterprise, from the demo park. */
static void
find_member (void)
{
  g_autoptr (LjTestingResponse) list = NULL;
  JsonArray *items;

  for (gint64 e = 1; e <= 100 && member_id == 0; e++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/members?enterprise_id=%" G_GINT64_FORMAT "&limit=1", e);
      g_clear_pointer (&list, lj_testing_response_free);
      list = lj_testing_request (server, NULL, "GET", path, NULL);
      g_assert_cmpuint (list->status, ==, 200);
      items = json_object_get_array_member (json_node_get_object (list->json), "items");
      if (json_array_get_length (items) == 0)
        continue;
      enterprise_id = e;
      member_id = json_object_get_int_member (json_array_get_object_element (items, 0), "id");
    }
  g_assert_cmpint (member_id, >, 0);
}

static LjTestingResponse *
post_record (const char *date, const char *hours, const char *kind)
{
  g_autofree char *body = g_strdup_printf ("{\"member_id\": %" G_GINT64_FORMAT ", \"served_on\": \"%s\", "
                                           "\"hours\": %s, \"kind\": \"%s\"}", member_id, date, hours, kind);

  return lj_testing_request (server, NULL, "POST", "/api/v1/volunteer-hours/records", body);
}

static void
test_loaded (void)
{
  g_autoptr (LjTestingResponse) r = lj_testing_request (server, NULL, "GET", "/api/v1/plugins", NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (strstr (r->body, "\"volunteer-hours\""));
  g_assert_nonnull (strstr (r->body, "\"active\""));
}

static void
test_record_and_summary (void)
{
  g_autoptr (LjTestingResponse) created = post_record ("2026-03-05", "3.5", "community");
  g_autoptr (LjTestingResponse) summary = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/volunteer-hours/members/%" G_GINT64_FORMAT "/summary", member_id);

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpint (lj_testing_response_get_int (created, "member_id"), ==, member_id);
  summary = lj_testing_request (server, NULL, "GET", path, NULL);
  g_assert_cmpuint (summary->status, ==, 200);
  g_assert_nonnull (strstr (summary->body, "\"year\":\"2026\""));
  g_assert_nonnull (strstr (summary->body, "\"total_hours\":3.5"));
}

static void
test_day_limit_hook (void)
{
  g_autoptr (LjTestingResponse) first = post_record ("2026-03-06", "20", "elderly_care");
  g_autoptr (LjTestingResponse) second = post_record ("2026-03-06", "5", "community");
  g_autoptr (LjTestingResponse) list = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/volunteer-hours/records?member_id=%" G_GINT64_FORMAT
                                           "&served_from=2026-03-06&served_to=2026-03-06", member_id);

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (second->status, ==, 422);
  g_assert_nonnull (strstr (second->body, "a day has 24"));
  /* The vetoed record was not written. */
  list = lj_testing_request (server, NULL, "GET", path, NULL);
  g_assert_cmpint (lj_testing_response_get_int (list, "total"), ==, 1);
}

static void
test_validation_and_auth (void)
{
  g_autoptr (LjTestingResponse) bad = lj_testing_request (server, NULL, "POST", "/api/v1/volunteer-hours/records",
    "{\"member_id\": 999999, \"served_on\": \"not a date\", \"hours\": 0, \"kind\": \"party\"}");
  g_autoptr (LjTestingResponse) anon = lj_testing_request (server, "", "GET", "/api/v1/volunteer-hours/records", NULL);

  g_assert_cmpuint (bad->status, ==, 422);
  g_assert_nonnull (strstr (bad->body, "member_id"));
  g_assert_nonnull (strstr (bad->body, "served_on"));
  g_assert_nonnull (strstr (bad->body, "hours"));
  g_assert_nonnull (strstr (bad->body, "kind"));
  g_assert_cmpuint (anon->status, ==, 401);
}

static void
test_stats_and_timeline (void)
{
  g_autoptr (LjTestingResponse) stats = lj_testing_request (server, NULL, "GET", "/api/v1/stats/overview", NULL);
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/timeline", enterprise_id);
  g_autoptr (LjTestingResponse) timeline = NULL;

  g_assert_cmpuint (stats->status, ==, 200);
  g_assert_nonnull (strstr (stats->body, "\"volunteer_hours\":{"));
  timeline = lj_testing_request (server, NULL, "GET", path, NULL);
  g_assert_cmpuint (timeline->status, ==, 200);
  g_assert_nonnull (strstr (timeline->body, "volunteer-hours.record"));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  server = lj_testing_server_new (g_getenv ("PLUGIN_DIR"), LJ_TESTING_DEMO,
                                  "[plugin:volunteer-hours]\nrequired=true\n", &error);
  g_assert_no_error (error);
  find_member ();
  g_test_add_func ("/volunteer-hours/loaded", test_loaded);
  g_test_add_func ("/volunteer-hours/record-and-summary", test_record_and_summary);
  g_test_add_func ("/volunteer-hours/day-limit-hook", test_day_limit_hook);
  g_test_add_func ("/volunteer-hours/validation-and-auth", test_validation_and_auth);
  g_test_add_func ("/volunteer-hours/stats-and-timeline", test_stats_and_timeline);
  rc = g_test_run ();
  lj_testing_server_free (server);
  return rc;
}
