/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The visit-log plugin in a real server on the demo park: the demo's
 * figures, a round with its team, assignment and visit (the party-building
 * check against the core's coverage), every request transition by role,
 * deadlines in calendar and working days, overdue flags and escalation
 * recorded exactly once as the clock moves, the stats section and the
 * timeline. */
#include <string.h>
#include <lianjian/lianjian.h>
#include "lj-test-server.h"
#include "vl-deadline.h"

#define HOLIDAYS "2026-01-01;2026-01-02;2026-01-03;2026-02-15;2026-02-16;2026-02-17;2026-02-18;2026-02-19;" \
                 "2026-02-20;2026-02-21;2026-02-22;2026-02-23"
#define WORKDAYS "2026-01-04;2026-02-14;2026-02-28"
#define DAY 86400

static LjTestServer *server;
static const char *admin;
static char *viewer, *sec, *handler, *other_sec;
static gint64 team_org, handler_org, other_org;
static gint64 covered_enterprise, blank_enterprise;
static gint64 campaign_id, team_id;

static LjTestResponse *
call (const char *token, const char *method, const char *path, const char *body, guint expect)
{
  LjTestResponse *r = lj_test_request_as (server, token, method, path, body, NULL);

  if (r->status != expect)
    g_test_message ("%s %s -> %u, expected %u: %.*s", method, path, r->status, expect,
                    (int) g_bytes_get_size (r->body), (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpuint (r->status, ==, expect);
  return r;
}

static gint64
create (const char *token, const char *path, const char *body)
{
  g_autoptr (LjTestResponse) r = call (token, "POST", path, body, 201);

  return lj_test_member_int (r, "id");
}

static gint64
nth_id (const char *path, guint n)
{
  g_autoptr (LjTestResponse) r = call (admin, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  g_assert_cmpuint (json_array_get_length (items), >, n);
  return json_object_get_int_member (json_array_get_object_element (items, n), "id");
}

static JsonObject *
member_object (JsonObject *o, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; parts[i]; i++)
    o = json_object_get_object_member (o, parts[i]);
  return o;
}

static JsonObject *
visit_log_stats (LjTestResponse **keep, const char *query)
{
  g_autofree char *path = g_strconcat ("/api/v1/stats/overview", query, NULL);

  *keep = call (admin, "GET", path, NULL, 200);
  return json_object_get_object_member (lj_test_object (*keep), "visit_log");
}

static gint64
fire (const char *token, gint64 request, const char *body, guint expect)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/requests/%" G_GINT64_FORMAT "/transitions", request);
  g_autoptr (LjTestResponse) r = call (token, "POST", path, body, expect);

  return expect == 200 ? lj_test_member_int (r, "version") : 0;
}

static LjTestResponse *
get_request (gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/requests/%" G_GINT64_FORMAT, id);

  return call (admin, "GET", path, NULL, 200);
}

static const char *
request_state (gint64 id)
{
  static char state[32];
  g_autoptr (LjTestResponse) r = get_request (id);

  g_strlcpy (state, lj_test_member_string (r, "state"), sizeof state);
  return state;
}

static gint64
new_request (const char *token, const char *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                                           ",\"category\":\"utilities\",\"source\":\"phone\","
                                           "\"description\":\"新生产线用电负荷不足\"%s}",
                                           team_id, covered_enterprise, extra ? extra : "");

  return create (token, "/api/v1/visit-log/requests", body);
}

/* ---- the demo ---- */

static void
test_demo_figures (void)
{
  g_autoptr (LjTestResponse) keep = NULL;
  g_autoptr (LjTestResponse) run = NULL;
  JsonObject *s = visit_log_stats (&keep, "");
  JsonArray *campaigns = json_object_get_array_member (s, "campaigns");
  JsonObject *requests = json_object_get_object_member (s, "requests");
  JsonObject *r1 = json_array_get_object_element (campaigns, 0);
  JsonObject *r2 = json_array_get_object_element (campaigns, 1);

  g_assert_cmpuint (json_array_get_length (campaigns), ==, 2);
  g_assert_cmpint (json_object_get_int_member (r1, "planned"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (r1, "visits"), ==, 58);
  g_assert_cmpint (json_object_get_int_member (r2, "visits"), ==, 57);
  g_assert_cmpint (json_object_get_int_member (r2, "skipped"), ==, 3);
  /* "110+ enterprises visited in 2 rounds": 115 enterprise visits. */
  g_assert_cmpint (json_object_get_int_member (s, "visits"), ==, 115);
  g_assert_cmpint (json_object_get_int_member (requests, "total"), ==, 42);
  /* "30+ solved". */
  g_assert_cmpint (json_object_get_int_member (requests, "closed"), ==, 32);
  g_assert_cmpint (json_object_get_int_member (requests, "long_term"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (member_object (requests, "by_state"), "rejected"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (member_object (requests, "by_category"), "land"), >=, 4);
  g_assert_cmpint (json_object_get_int_member (requests, "assigned"), ==, 39);
  g_assert_cmpint (json_object_get_int_member (s, "enterprises_visited"), ==, 97);
  g_assert_cmpint (json_object_get_int_member (member_object (s, "escalations"), "total"), ==, 23);
  g_assert_cmpint (json_object_get_int_member (member_object (s, "on_time.close"), "done"), ==, 32);
  g_assert_cmpint (json_object_get_int_member (member_object (s, "on_time.close"), "met"), ==, 31);
  g_assert_cmpint (json_object_get_int_member (member_object (s, "satisfaction"), "rated"), ==, 32);
  /* The blank spots the visits found are the core's, counted once each. */
  g_assert_cmpint (json_object_get_int_member (s, "blank_spots_found"), ==, 21);
  /* The demo recorded every escalation its past deadlines called for. */
  run = call (admin, "POST", "/api/v1/visit-log/escalations/run", "{}", 200);
  g_assert_cmpint (lj_test_member_int (run, "recorded"), ==, 0);
}

/* Every demo visit's party-building check agrees with the core's coverage
 * (the demo park's coverage does not change). */
static gboolean
listed (JsonArray *items, const char *member, gint64 id)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (json_object_get_int_member (json_array_get_object_element (items, i), member) == id)
      return TRUE;
  return FALSE;
}

static void
test_demo_checks_agree_with_core (void)
{
  g_autoptr (LjTestResponse) visits = call (viewer, "GET", "/api/v1/visit-log/visits?limit=500", NULL, 200);
  g_autoptr (LjTestResponse) covered = call (viewer, "GET", "/api/v1/enterprises?covered=true&limit=500", NULL, 200);
  g_autoptr (LjTestResponse) stats = call (viewer, "GET", "/api/v1/stats/overview", NULL, 200);
  JsonArray *covered_items = json_object_get_array_member (lj_test_object (covered), "items");
  JsonArray *spots = json_object_get_array_member (member_object (lj_test_object (stats), "coverage"), "blank_spots");
  JsonArray *items = json_object_get_array_member (lj_test_object (visits), "items");
  guint blank_visits = 0;

  g_assert_cmpuint (json_array_get_length (items), ==, 115);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *v = json_array_get_object_element (items, i);
      JsonObject *check = json_object_get_object_member (v, "party_check");
      gint64 e = json_object_get_int_member (v, "enterprise_id");
      gboolean in_blank = listed (spots, "enterprise_id", e);

      g_assert_true (json_object_get_boolean_member (check, "covered") == listed (covered_items, "id", e));
      g_assert_true (json_object_get_boolean_member (check, "blank_spot") == in_blank);
      blank_visits += in_blank;
    }
  g_assert_cmpuint (blank_visits, >, 0);
}

/* ---- rounds, assignments, visits ---- */

static void
test_round_and_visit (void)
{
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr (LjTestResponse) visit = NULL;
  g_autoptr (LjTestResponse) ent = NULL;
  g_autoptr (LjTestResponse) orgs = NULL;
  g_autoptr (LjTestResponse) members = NULL;
  g_autoptr (LjTestResponse) assignment = NULL;
  g_autoptr (LjTestResponse) dup = NULL;
  g_autoptr (LjTestResponse) skip = NULL;
  g_autoptr (LjTestResponse) blank = NULL;
  JsonObject *check;
  JsonArray *org_ids, *items;
  gint64 assignment_id;

  body = g_strdup_printf ("{\"name\":\"2026年第一轮走访\",\"round_no\":3,\"starts_on\":\"2026-03-01\","
                          "\"owner_org_id\":%" G_GINT64_FORMAT ",\"status\":\"active\",\"target_count\":2}", team_org);
  campaign_id = create (admin, "/api/v1/visit-log/campaigns", body);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"测试服务团\",\"leader_name\":\"李明\",\"campaign_id\":%" G_GINT64_FORMAT
                          ",\"org_id\":%" G_GINT64_FORMAT ",\"members\":[{\"name\":\"王芳\",\"department\":\"经发局\","
                          "\"role\":\"联络员\"}]}", campaign_id, team_org);
  team_id = create (admin, "/api/v1/visit-log/teams", body);
  g_free (body);
  body = g_strdup_printf ("{\"campaign_id\":%" G_GINT64_FORMAT ",\"team_id\":%" G_GINT64_FORMAT
                          ",\"enterprise_id\":%" G_GINT64_FORMAT ",\"planned_by\":\"2026-03-15\"}",
                          campaign_id, team_id, covered_enterprise);
  assignment_id = create (sec, "/api/v1/visit-log/assignments", body);
  /* One enterprise once per round. */
  dup = call (admin, "POST", "/api/v1/visit-log/assignments", body, 422);
  g_assert_true (lj_test_has_field_error (dup, "enterprise_id"));
  g_free (body);
  body = g_strdup_printf ("{\"campaign_id\":%" G_GINT64_FORMAT ",\"team_id\":%" G_GINT64_FORMAT
                          ",\"enterprise_id\":%" G_GINT64_FORMAT ",\"status\":\"skipped\"}",
                          campaign_id, team_id, blank_enterprise);
  skip = call (sec, "POST", "/api/v1/visit-log/assignments", body, 422);
  g_assert_true (lj_test_has_field_error (skip, "skip_reason"));
  /* Another organisation's secretary cannot plan for this team. */
  g_free (body);
  body = g_strdup_printf ("{\"campaign_id\":%" G_GINT64_FORMAT ",\"team_id\":%" G_GINT64_FORMAT
                          ",\"enterprise_id\":%" G_GINT64_FORMAT "}", campaign_id, team_id, blank_enterprise);
  g_clear_pointer (&skip, lj_test_response_free);
  skip = call (other_sec, "POST", "/api/v1/visit-log/assignments", body, 403);
  g_clear_pointer (&skip, lj_test_response_free);
  skip = call (viewer, "POST", "/api/v1/visit-log/assignments", body, 403);

  /* The team's secretary records the visit. */
  g_free (body);
  body = g_strdup_printf ("{\"campaign_id\":%" G_GINT64_FORMAT ",\"team_id\":%" G_GINT64_FORMAT
                          ",\"enterprise_id\":%" G_GINT64_FORMAT ",\"visited_on\":\"2026-03-10\",\"mode\":\"onsite\","
                          "\"summary\":\"了解用电和融资需求\"}", campaign_id, team_id, covered_enterprise);
  visit = call (sec, "POST", "/api/v1/visit-log/visits", body, 201);
  check = json_object_get_object_member (lj_test_object (visit), "party_check");
  g_assert_nonnull (check);

  /* The check agrees with the core. */
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, covered_enterprise);
  ent = call (admin, "GET", path, NULL, 200);
  g_assert_true (json_object_get_boolean_member (check, "covered") ==
                 json_object_get_boolean_member (lj_test_object (ent), "covered"));
  g_assert_true (json_object_get_boolean_member (check, "covered"));
  g_assert_false (json_object_get_boolean_member (check, "blank_spot"));
  g_free (path);
  path = g_strdup_printf ("/api/v1/organizations?enterprise_id=%" G_GINT64_FORMAT "&limit=500", covered_enterprise);
  orgs = call (admin, "GET", path, NULL, 200);
  items = json_object_get_array_member (lj_test_object (orgs), "items");
  org_ids = json_object_get_array_member (check, "org_ids");
  g_assert_cmpuint (json_array_get_length (org_ids), ==, json_array_get_length (items));
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpint (json_array_get_int_element (org_ids, i), ==,
                     json_object_get_int_member (json_array_get_object_element (items, i), "id"));
  g_free (path);
  path = g_strdup_printf ("/api/v1/members?enterprise_id=%" G_GINT64_FORMAT "&limit=1", covered_enterprise);
  members = call (admin, "GET", path, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (check, "member_count"), ==, lj_test_member_int (members, "total"));

  /* Recording the visit marked the assignment visited. */
  g_free (path);
  path = g_strdup_printf ("/api/v1/visit-log/assignments/%" G_GINT64_FORMAT, assignment_id);
  assignment = call (admin, "GET", path, NULL, 200);
  g_assert_cmpstr (lj_test_member_string (assignment, "status"), ==, "visited");

  /* A blank spot of the core's coverage is one on the visit too. */
  g_free (body);
  body = g_strdup_printf ("{\"campaign_id\":1,\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                          ",\"visited_on\":\"2026-03-11\"}", team_id, blank_enterprise);
  /* The team works in its own round only. */
  blank = call (admin, "POST", "/api/v1/visit-log/visits", body, 422);
  g_assert_true (lj_test_has_field_error (blank, "team_id"));
  g_clear_pointer (&blank, lj_test_response_free);
  g_free (body);
  /* Without campaign_id the visit is in the team's round. */
  body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                          ",\"visited_on\":\"2026-03-11\",\"mode\":\"phone\"}", team_id, blank_enterprise);
  blank = call (admin, "POST", "/api/v1/visit-log/visits", body, 201);
  g_assert_cmpint (lj_test_member_int (blank, "campaign_id"), ==, campaign_id);
  check = json_object_get_object_member (lj_test_object (blank), "party_check");
  g_assert_false (json_object_get_boolean_member (check, "covered"));
  g_assert_true (json_object_get_boolean_member (check, "blank_spot"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (check, "org_ids")), ==, 0);

  /* A visit by another organisation's secretary, or a viewer: 403. */
  g_clear_pointer (&blank, lj_test_response_free);
  blank = call (other_sec, "POST", "/api/v1/visit-log/visits", body, 403);
  g_clear_pointer (&blank, lj_test_response_free);
  blank = call (viewer, "POST", "/api/v1/visit-log/visits", body, 403);
}

/* ---- the request state machine, role by role ---- */

static void
test_request_lifecycle (void)
{
  g_autofree char *assign = g_strdup_printf ("{\"event\":\"assign\",\"handler_org_id\":%" G_GINT64_FORMAT
                                             ",\"handler_unit\":\"高新区供电服务中心\"}", handler_org);
  g_autoptr (LjTestResponse) r = NULL;
  gint64 id = new_request (sec, NULL);
  gint64 registered, due;

  r = get_request (id);
  g_assert_cmpstr (lj_test_member_string (r, "state"), ==, "registered");
  g_assert_true (vl_timestamp_parse (lj_test_member_string (r, "registered_at"), &registered));
  g_assert_true (vl_timestamp_parse (lj_test_member_string (r, "accept_due_at"), &due));
  g_assert_cmpint (due - registered, ==, 1 * DAY);
  g_assert_true (vl_timestamp_parse (lj_test_member_string (r, "handle_due_at"), &due));
  g_assert_cmpint (due - registered, ==, 6 * DAY);
  g_assert_true (vl_timestamp_parse (lj_test_member_string (r, "close_due_at"), &due));
  g_assert_cmpint (due - registered, ==, 10 * DAY);
  g_assert_true (json_node_is_null (json_object_get_member (lj_test_object (r), "accept_met")));

  /* Viewers never fire; the handler has no say before assignment. */
  fire (viewer, id, "{\"event\":\"accept\"}", 403);
  fire (handler, id, "{\"event\":\"accept\"}", 403);
  fire (other_sec, id, "{\"event\":\"accept\"}", 403);
  fire (sec, id, "{\"event\":\"start\"}", 409);
  fire (sec, id, "{\"event\":\"accept\"}", 200);
  /* Assigning needs a handler. */
  fire (sec, id, "{\"event\":\"assign\"}", 422);
  fire (sec, id, assign, 200);
  /* The team does not work the request; the handler does. */
  fire (sec, id, "{\"event\":\"start\"}", 409);
  fire (handler, id, "{\"event\":\"return\"}", 422);
  fire (handler, id, "{\"event\":\"return\",\"reason\":\"不属于本单位职责\"}", 200);
  g_assert_cmpstr (request_state (id), ==, "accepted");
  fire (admin, id, assign, 200);
  fire (handler, id, "{\"event\":\"start\"}", 200);
  fire (handler, id, "{\"event\":\"resolve\"}", 422);
  fire (handler, id, "{\"event\":\"resolve\",\"resolution\":\"专线已接入\"}", 200);
  /* The revisit is the team's. */
  fire (handler, id, "{\"event\":\"verify\",\"satisfaction\":\"satisfied\"}", 409);
  fire (sec, id, "{\"event\":\"verify\",\"satisfaction\":\"unsatisfied\"}", 200);
  /* Unsatisfied: closing is refused, reopening counts. */
  fire (sec, id, "{\"event\":\"close\"}", 409);
  fire (sec, id, "{\"event\":\"reopen\"}", 200);
  g_clear_pointer (&r, lj_test_response_free);
  r = get_request (id);
  g_assert_cmpstr (lj_test_member_string (r, "state"), ==, "in_progress");
  g_assert_cmpint (lj_test_member_int (r, "reopen_count"), ==, 1);
  fire (handler, id, "{\"event\":\"mark_long_term\",\"long_term_plan\":\"分两期改造\"}", 422);
  fire (handler, id, "{\"event\":\"mark_long_term\",\"long_term_plan\":\"分两期改造\",\"next_review_on\":\"2026-12-31\"}",
        200);
  fire (handler, id, "{\"event\":\"progress\",\"progress\":\"一期完工\",\"next_review_on\":\"2027-01-31\"}", 200);
  fire (handler, id, "{\"event\":\"resolve\",\"resolution\":\"二期完工，负荷满足\"}", 200);
  fire (sec, id, "{\"event\":\"reopen\"}", 409);
  fire (sec, id, "{\"event\":\"verify\",\"satisfaction\":\"basically_satisfied\"}", 200);
  fire (handler, id, "{\"event\":\"close\"}", 409);
  fire (viewer, id, "{\"event\":\"close\"}", 403);
  fire (sec, id, "{\"event\":\"close\"}", 200);
  g_clear_pointer (&r, lj_test_response_free);
  r = get_request (id);
  g_assert_cmpstr (lj_test_member_string (r, "state"), ==, "closed");
  g_assert_true (json_object_get_boolean_member (lj_test_object (r), "accept_met"));
  g_assert_true (json_object_get_boolean_member (lj_test_object (r), "handle_met"));
  g_assert_true (json_object_get_boolean_member (lj_test_object (r), "close_met"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (lj_test_object (r), "progress"), "count"),
                   ==, 1);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/requests/%" G_GINT64_FORMAT "/history", id);
    g_autoptr (LjTestResponse) h = call (viewer, "GET", path, NULL, 200);
    JsonArray *items = json_object_get_array_member (lj_test_object (h), "items");
    JsonObject *last = json_array_get_object_element (items, json_array_get_length (items) - 1);

    /* register, accept, assign, return, assign, start, resolve, verify,
     * reopen, mark_long_term, progress, resolve, verify, close */
    g_assert_cmpuint (json_array_get_length (items), ==, 14);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 3), "note"), ==,
                     "不属于本单位职责");
    g_assert_cmpstr (json_object_get_string_member (last, "event"), ==, "close");
    g_assert_cmpstr (json_object_get_string_member (last, "actor_role"), ==, "secretary");
  }
  /* Rejecting needs a reason; a rejected request is done. */
  id = new_request (admin, NULL);
  fire (sec, id, "{\"event\":\"reject\"}", 422);
  fire (sec, id, "{\"event\":\"reject\",\"reason\":\"属企业内部事项\"}", 200);
  fire (sec, id, "{\"event\":\"accept\"}", 409);
}

/* ---- deadlines, overdue flags, escalation ---- */

static void
test_working_day_policy (void)
{
  g_autoptr (LjTestResponse) r = NULL;
  g_autoptr (VlCalendar) cal = vl_calendar_new (HOLIDAYS, WORKDAYS, NULL);
  gint64 policy = create (admin, "/api/v1/visit-log/sla-policies",
                          "{\"name\":\"10个工作日\",\"accept_days\":1,\"handle_days\":6,\"close_days\":10,"
                          "\"day_kind\":\"working\"}");
  g_autofree char *extra = g_strdup_printf (",\"sla_policy_id\":%" G_GINT64_FORMAT, policy);
  g_autofree char *assign = g_strdup_printf ("{\"event\":\"assign\",\"handler_unit\":\"供电局\",\"sla_policy_id\":1}");
  gint64 id = new_request (sec, extra);
  gint64 registered;
  const char *names[] = { "accept_due_at", "handle_due_at", "close_due_at" };
  const guint days[] = { 1, 6, 10 };

  g_autoptr (LjTestResponse) denied = call (sec, "POST", "/api/v1/visit-log/sla-policies",
                                            "{\"name\":\"x\",\"accept_days\":1,\"handle_days\":1,\"close_days\":1}", 403);
  r = get_request (id);
  g_assert_true (vl_timestamp_parse (lj_test_member_string (r, "registered_at"), &registered));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *expected = vl_timestamp_format (vl_deadline_add (cal, registered, days[i], VL_DAYS_WORKING, 480));

      g_assert_cmpstr (lj_test_member_string (r, names[i]), ==, expected);
    }
  /* Assigning under the calendar-day policy moves the due times, still
   * counted from the registration. */
  fire (sec, id, "{\"event\":\"accept\"}", 200);
  fire (sec, id, assign, 200);
  g_clear_pointer (&r, lj_test_response_free);
  r = get_request (id);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *expected = vl_timestamp_format (registered + days[i] * DAY);

      g_assert_cmpstr (lj_test_member_string (r, names[i]), ==, expected);
    }
}

static gint64
overdue_total (const char *which)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/requests?overdue=%s&team_id=%" G_GINT64_FORMAT
                                           "&limit=1", which, team_id);
  g_autoptr (LjTestResponse) r = call (viewer, "GET", path, NULL, 200);

  return lj_test_member_int (r, "total");
}

static void
test_escalation_once (void)
{
  g_autoptr (LjTestResponse) r = NULL;
  g_autoptr (LjTestResponse) run = NULL;
  g_autoptr (LjTestResponse) timeline = NULL;
  g_autofree char *path = NULL;
  gint64 before_accept = overdue_total ("accept");
  gint64 id = new_request (sec, NULL);
  JsonArray *esc;

  run = call (sec, "POST", "/api/v1/visit-log/escalations/run", "{}", 403);
  g_clear_pointer (&run, lj_test_response_free);
  run = call (admin, "POST", "/api/v1/visit-log/escalations/run", "{}", 200);
  g_assert_cmpint (lj_test_member_int (run, "recorded"), ==, 0);

  /* Twenty seconds before the accept deadline, then ten after it.  A list
   * total is remembered until the data changes (lj-store-memo.c), and
   * nothing is written between these two counts (a token's last use is
   * recorded at most once a minute): only the clock in the memo's key can
   * move the second one. */
  lj_clock_advance_for_testing (DAY - 20);
  g_assert_cmpint (overdue_total ("accept"), ==, before_accept);
  lj_clock_advance_for_testing (30);
  g_assert_cmpint (overdue_total ("accept"), ==, before_accept + 1);
  /* A day and an hour later the accept deadline has long passed. */
  lj_clock_advance_for_testing (3600 - 10);
  /* The overdue flag reads the clock; the escalation waits for the check. */
  r = get_request (id);
  g_assert_true (json_object_get_boolean_member (lj_test_object (r), "overdue_accept"));
  g_assert_cmpint (json_object_get_int_member (member_object (lj_test_object (r), "escalations"), "count"), ==, 0);
  g_assert_cmpint (overdue_total ("accept"), ==, before_accept + 1);
  g_clear_pointer (&r, lj_test_response_free);
  g_clear_pointer (&run, lj_test_response_free);
  run = call (admin, "POST", "/api/v1/visit-log/escalations/run", "{}", 200);
  g_assert_cmpint (lj_test_member_int (run, "recorded"), ==, 1);
  g_clear_pointer (&run, lj_test_response_free);
  run = call (admin, "POST", "/api/v1/visit-log/escalations/run", "{}", 200);
  g_assert_cmpint (lj_test_member_int (run, "recorded"), ==, 0);
  r = get_request (id);
  g_assert_true (json_object_get_boolean_member (lj_test_object (r), "overdue_accept"));
  g_assert_false (json_object_get_boolean_member (lj_test_object (r), "overdue_handle"));
  esc = json_object_get_array_member (member_object (lj_test_object (r), "escalations"), "items");
  g_assert_cmpuint (json_array_get_length (esc), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (esc, 0), "deadline"), ==, "accept");
  g_assert_cmpint (overdue_total ("accept"), ==, before_accept + 1);
  g_assert_cmpint (overdue_total ("any"), >=, 1);

  /* Accepting late clears the flag and misses the deadline. */
  fire (sec, id, "{\"event\":\"accept\"}", 200);
  g_clear_pointer (&r, lj_test_response_free);
  r = get_request (id);
  g_assert_false (json_object_get_boolean_member (lj_test_object (r), "overdue_accept"));
  g_assert_false (json_object_get_boolean_member (lj_test_object (r), "accept_met"));
  g_assert_cmpint (overdue_total ("accept"), ==, before_accept);

  /* Six more days: the handle deadline passes, once. */
  lj_clock_advance_for_testing (5 * DAY);
  g_clear_pointer (&run, lj_test_response_free);
  run = call (admin, "POST", "/api/v1/visit-log/escalations/run", "{}", 200);
  /* This request's and the working-day test's (assigned, never started). */
  g_assert_cmpint (lj_test_member_int (run, "recorded"), ==, 2);
  g_clear_pointer (&run, lj_test_response_free);
  run = call (admin, "POST", "/api/v1/visit-log/escalations/run", "{}", 200);
  g_assert_cmpint (lj_test_member_int (run, "recorded"), ==, 0);
  g_clear_pointer (&r, lj_test_response_free);
  r = get_request (id);
  g_assert_true (json_object_get_boolean_member (lj_test_object (r), "overdue_handle"));
  g_assert_false (json_object_get_boolean_member (lj_test_object (r), "overdue_close"));
  esc = json_object_get_array_member (member_object (lj_test_object (r), "escalations"), "items");
  g_assert_cmpuint (json_array_get_length (esc), ==, 2);
  g_assert_cmpint (overdue_total ("handle"), >=, 1);

  /* Visible on the enterprise's timeline. */
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/timeline?limit=200", covered_enterprise);
  timeline = call (viewer, "GET", path, NULL, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (timeline->body, NULL), g_bytes_get_size (timeline->body),
                                  "visit-log.request.escalate_handle"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (timeline->body, NULL), g_bytes_get_size (timeline->body),
                                  "visit-log.visit"));
  lj_clock_reset_for_testing ();
}

/* ---- the stats section on this test's own round ---- */

static void
test_stats_fixture (void)
{
  g_autoptr (LjTestResponse) keep = NULL;
  g_autoptr (LjTestResponse) chain_keep = NULL;
  g_autofree char *query = g_strdup ("?from=2026-01-01");
  JsonObject *s = visit_log_stats (&keep, query);
  JsonArray *campaigns = json_object_get_array_member (s, "campaigns");
  JsonObject *mine = NULL;
  JsonObject *requests = json_object_get_object_member (s, "requests");
  JsonObject *on_time = json_object_get_object_member (s, "on_time");

  for (guint i = 0; i < json_array_get_length (campaigns); i++)
    if (json_object_get_int_member (json_array_get_object_element (campaigns, i), "campaign_id") == campaign_id)
      mine = json_array_get_object_element (campaigns, i);
  g_assert_nonnull (mine);
  g_assert_cmpint (json_object_get_int_member (mine, "planned"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (mine, "visits"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (mine, "enterprises_visited"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (mine, "blank_spots_found"), ==, 1);
  /* Only this test's requests were registered in 2026: the lifecycle
   * one (closed), the rejected one, the working-day one (assigned) and
   * the escalated one (accepted). */
  g_assert_cmpint (json_object_get_int_member (s, "visits"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (requests, "total"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (requests, "closed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (requests, "assigned"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (requests, "open"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (member_object (requests, "by_category"), "utilities"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (member_object (requests, "by_state"), "rejected"), ==, 1);
  /* Accept: four triaged, three on time. */
  g_assert_cmpint (json_object_get_int_member (member_object (on_time, "accept"), "done"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (member_object (on_time, "accept"), "met"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (member_object (on_time, "accept"), "rate"), ==, 0.75);
  g_assert_cmpint (json_object_get_int_member (member_object (on_time, "close"), "met"), ==, 1);
  /* The escalated request's accept and handle, the working-day one's handle. */
  g_assert_cmpint (json_object_get_int_member (member_object (s, "escalations"), "total"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (member_object (s, "escalations"), "handle"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (member_object (s, "escalations"), "requests"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (member_object (s, "satisfaction"), "rated"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (member_object (s, "satisfaction"), "average"), ==, 0.5);
}

/* ---- the stats section for one chain ---- */

static JsonObject *
chain_entry (JsonObject *s, gint64 chain)
{
  JsonArray *by_chain = json_object_get_array_member (s, "by_chain");

  for (guint i = 0; i < json_array_get_length (by_chain); i++)
    if (json_object_get_int_member (json_array_get_object_element (by_chain, i), "chain_id") == chain)
      return json_array_get_object_element (by_chain, i);
  return NULL;
}

/* This test's requests carry no chain_id, so they are on their
 * enterprise's chains: every one of those chains counts them, but by_chain
 * lists them under the enterprise's first chain only (the park's does
 * too).  The enterprise is put on a second chain for this. */
static void
test_stats_chain (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, covered_enterprise);
  g_autofree char *body = NULL;
  g_autoptr (LjTestResponse) ent = call (admin, "GET", path, NULL, 200);
  g_autoptr (LjTestResponse) patched = NULL;
  g_autoptr (LjTestResponse) park_keep = NULL;
  JsonArray *chains = json_object_get_array_member (lj_test_object (ent), "chains");
  gint64 on = json_object_get_int_member (json_array_get_object_element (chains, 0), "chain_id");
  gint64 added = 0, off = 0, first;
  gint64 tested[3];
  JsonObject *park;

  g_assert_cmpuint (json_array_get_length (chains), ==, 1);
  /* The first two chains it is not on: one to add, one to stay off. */
  for (gint64 c = 1; off == 0; c++)
    {
      if (c == on)
        continue;
      if (added == 0)
        added = c;
      else
        off = c;
    }
  first = MIN (on, added);
  tested[0] = on;
  tested[1] = added;
  tested[2] = off;
  body = g_strdup_printf ("{\"chains\":[{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"core\"},"
                          "{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"supporting\"}]}", on, added);
  patched = call (admin, "PATCH", path, body, 200);

  park = visit_log_stats (&park_keep, "?from=2026-01-01");
  for (guint i = 0; i < G_N_ELEMENTS (tested); i++)
    g_assert_cmpint (json_object_get_int_member (chain_entry (park, tested[i]), "requests"), ==,
                     tested[i] == first ? 4 : 0);

  for (guint i = 0; i < G_N_ELEMENTS (tested); i++)
    {
      gint64 c = tested[i];
      g_autofree char *query = g_strdup_printf ("?from=2026-01-01&chain_id=%" G_GINT64_FORMAT, c);
      g_autoptr (LjTestResponse) keep = NULL;
      JsonObject *s = visit_log_stats (&keep, query);
      JsonObject *requests = json_object_get_object_member (s, "requests");
      JsonArray *by_chain = json_object_get_array_member (s, "by_chain");
      JsonObject *entry = json_array_get_object_element (by_chain, 0);

      g_assert_cmpuint (json_array_get_length (by_chain), ==, 1);
      g_assert_cmpint (json_object_get_int_member (entry, "chain_id"), ==, c);
      g_assert_cmpint (json_object_get_int_member (entry, "visits"), ==, json_object_get_int_member (s, "visits"));
      if (c == off)
        {
          g_assert_cmpint (json_object_get_int_member (requests, "total"), ==, 0);
          g_assert_cmpint (json_object_get_int_member (member_object (s, "escalations"), "total"), ==, 0);
          g_assert_true (json_node_is_null (json_object_get_member (member_object (s, "on_time.accept"), "rate")));
          continue;
        }
      /* The covered enterprise's visit of this test's round is on both chains. */
      g_assert_cmpint (json_object_get_int_member (s, "visits"), >=, 1);
      g_assert_cmpint (json_object_get_int_member (requests, "total"), ==, 4);
      g_assert_cmpint (json_object_get_int_member (requests, "closed"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (requests, "assigned"), ==, 2);
      g_assert_cmpint (json_object_get_int_member (member_object (s, "escalations"), "total"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (member_object (s, "escalations"), "requests"), ==, 2);
      g_assert_cmpfloat (json_object_get_double_member (member_object (s, "on_time.accept"), "rate"), ==, 0.75);
      g_assert_cmpint (json_object_get_int_member (entry, "requests"), ==, c == first ? 4 : 0);
      g_assert_cmpint (json_object_get_int_member (entry, "closed"), ==, c == first ? 1 : 0);
    }
}

/* `to` is exclusive, and visits are compared by their date: the round's
 * visits of 10 and 11 March, cut at 11 March. */
static void
test_stats_period_edge (void)
{
  g_autoptr (LjTestResponse) keep = NULL;
  JsonObject *s = visit_log_stats (&keep, "?from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z");
  JsonArray *campaigns = json_object_get_array_member (s, "campaigns");
  JsonObject *mine = NULL;

  for (guint i = 0; i < json_array_get_length (campaigns); i++)
    if (json_object_get_int_member (json_array_get_object_element (campaigns, i), "campaign_id") == campaign_id)
      mine = json_array_get_object_element (campaigns, i);
  g_assert_nonnull (mine);
  g_assert_cmpint (json_object_get_int_member (mine, "visits"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (mine, "enterprises_visited"), ==, 1);
  /* The blank spot was found on the 11th. */
  g_assert_cmpint (json_object_get_int_member (mine, "blank_spots_found"), ==, 0);
  /* Assignments are not narrowed by the period. */
  g_assert_cmpint (json_object_get_int_member (mine, "planned"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (s, "visits"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (s, "blank_spots_found"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autofree char *config = NULL;
  gint64 viewer_id, sec_id, handler_id, other_id;
  g_autoptr (LjTestResponse) stats = NULL;
  JsonArray *spots;

  g_test_init (&argc, &argv, NULL);
  config = g_strdup_printf ("[plugin:visit-log]\nrequired=true\ncheck_interval=60\nholidays=%s\nworkdays=%s\n",
                            HOLIDAYS, WORKDAYS);
  server = lj_test_server_start_with_plugins (LJ_TEST_SERVER_DEMO, LJ_PLUGIN_DIR, config);
  admin = lj_test_server_get_admin_token (server);
  team_org = nth_id ("/api/v1/organizations?kind=chain_committee&limit=3", 0);
  handler_org = nth_id ("/api/v1/organizations?kind=chain_committee&limit=3", 1);
  other_org = nth_id ("/api/v1/organizations?kind=chain_committee&limit=3", 2);
  viewer = lj_test_server_create_user (server, "vl-viewer", "viewer", 0, NULL, &viewer_id);
  sec = lj_test_server_create_user (server, "vl-team", "secretary", team_org, NULL, &sec_id);
  handler = lj_test_server_create_user (server, "vl-handler", "secretary", handler_org, NULL, &handler_id);
  other_sec = lj_test_server_create_user (server, "vl-other", "secretary", other_org, NULL, &other_id);
  covered_enterprise = nth_id ("/api/v1/enterprises?covered=true&limit=1", 0);
  stats = call (admin, "GET", "/api/v1/stats/overview", NULL, 200);
  spots = json_object_get_array_member (member_object (lj_test_object (stats), "coverage"), "blank_spots");
  blank_enterprise = json_object_get_int_member (json_array_get_object_element (spots, 0), "enterprise_id");

  g_test_add_func ("/visit-log/demo-figures", test_demo_figures);
  g_test_add_func ("/visit-log/demo-checks-agree-with-core", test_demo_checks_agree_with_core);
  g_test_add_func ("/visit-log/round-and-visit", test_round_and_visit);
  g_test_add_func ("/visit-log/request-lifecycle", test_request_lifecycle);
  g_test_add_func ("/visit-log/working-day-policy", test_working_day_policy);
  g_test_add_func ("/visit-log/escalation-once", test_escalation_once);
  g_test_add_func ("/visit-log/stats-fixture", test_stats_fixture);
  g_test_add_func ("/visit-log/stats-period-edge", test_stats_period_edge);
  g_test_add_func ("/visit-log/stats-chain", test_stats_chain);
  {
    int rc = g_test_run ();

    g_free (viewer);
    g_free (sec);
    g_free (handler);
    g_free (other_sec);
    g_clear_pointer (&stats, lj_test_response_free);
    lj_test_server_free (server);
    return rc;
  }
}
