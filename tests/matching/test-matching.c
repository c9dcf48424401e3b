/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The matching plugin against a real server on the demo park: events and
 * their transitions per role, capacity and the waitlist, check-in codes,
 * suggestions on a hand-built fixture, expiry, the match pipeline,
 * agreements, the stats section and the timeline. */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "lj-test-server.h"
#include "lianjian/lianjian.h"

static LjTestServer *server;
static char *own_token, *foreign_token, *viewer_token;
static gint64 foreign_user;
static gint64 own_org, foreign_org, own_enterprise, own_enterprise2, foreign_enterprise;
static gint64 fixture_chain;

#define API "/api/v1/matching"

/* ---- helpers ---- */

static LjTestResponse *
call_as (const char *token, const char *method, const char *path, const char *body)
{
  if (token == NULL)
    return lj_test_request (server, method, path, body, NULL);
  return lj_test_request_as (server, token, method, path, body, NULL);
}

static const char *
text (LjTestResponse *r)
{
  static char buf[4096];
  gsize len = 0;
  const char *data = r->body ? g_bytes_get_data (r->body, &len) : "";

  g_snprintf (buf, sizeof buf, "%.*s", (int) MIN (len, sizeof buf - 1), data);
  return buf;
}

#define assert_status(r, want) \
  G_STMT_START { if ((r)->status != (want)) g_error ("%s:%d: status %u, want %u: %s", __FILE__, __LINE__, \
                                                     (r)->status, (guint) (want), text (r)); } G_STMT_END

static gint64
create (const char *token, const char *resource, const char *body)
{
  g_autofree char *path = g_strdup_printf (API "/%s", resource);
  g_autoptr (LjTestResponse) r = call_as (token, "POST", path, body);

  assert_status (r, 201);
  return lj_test_member_int (r, "id");
}

static LjTestResponse *
fire (const char *token, const char *resource, gint64 id, const char *body)
{
  g_autofree char *path = g_strdup_printf (API "/%s/%" G_GINT64_FORMAT "/transitions", resource, id);

  return call_as (token, "POST", path, body);
}

static void
fire_ok (const char *resource, gint64 id, const char *body)
{
  g_autoptr (LjTestResponse) r = fire (NULL, resource, id, body);

  assert_status (r, 200);
}

static LjTestResponse *
get (const char *resource, gint64 id)
{
  g_autofree char *path = g_strdup_printf (API "/%s/%" G_GINT64_FORMAT, resource, id);

  return lj_test_get (server, path);
}

static char *
get_string (const char *resource, gint64 id, const char *member)
{
  g_autoptr (LjTestResponse) r = get (resource, id);
  JsonObject *o;

  assert_status (r, 200);
  o = lj_test_object (r);
  if (!json_object_has_member (o, member) || JSON_NODE_HOLDS_NULL (json_object_get_member (o, member)))
    return NULL;
  return g_strdup (json_object_get_string_member (o, member));
}

static char *
time_from_now (gint64 seconds)
{
  g_autoptr (GDateTime) now = lj_clock_now_utc ();
  g_autoptr (GDateTime) t = g_date_time_add_seconds (now, (gdouble) seconds);

  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
date_from_now (gint64 days)
{
  g_autoptr (GDateTime) now = lj_clock_now_utc ();
  g_autoptr (GDateTime) t = g_date_time_add_days (now, (gint) days);

  return g_date_time_format (t, "%Y-%m-%d");
}

/* A published event of @org starting @start_in seconds from now. */
static gint64
new_event (gint64 org, const char *kind, gint64 start_in, int capacity, const char *mode, gint64 chain)
{
  g_autofree char *starts = time_from_now (start_in);
  g_autofree char *cap = capacity ? g_strdup_printf (", \"capacity\": %d", capacity) : g_strdup ("");
  g_autofree char *chains = chain ? g_strdup_printf (", \"chain_ids\": [%" G_GINT64_FORMAT "]", chain) : g_strdup ("");
  g_autofree char *body = g_strdup_printf ("{\"kind\": \"%s\", \"title\": \"Test %s\", \"organizer_org_id\": %" G_GINT64_FORMAT
                                           ", \"starts_at\": \"%s\", \"registration_mode\": \"%s\"%s%s}",
                                           kind, kind, org, starts, mode, cap, chains);
  gint64 id = create (NULL, "events", body);

  fire_ok ("events", id, "{\"event\": \"publish\"}");
  return id;
}

static gint64
register_for (gint64 event, gint64 enterprise, const char *persons)
{
  g_autofree char *body = g_strdup_printf ("{\"event_id\": %" G_GINT64_FORMAT ", \"enterprise_id\": %" G_GINT64_FORMAT
                                           ", \"persons\": %s}", event, enterprise, persons);

  return create (NULL, "registrations", body);
}

static gint64
register_party (gint64 event, const char *party)
{
  g_autofree char *body = g_strdup_printf ("{\"event_id\": %" G_GINT64_FORMAT ", \"external_party\": \"%s\", "
                                           "\"role\": \"investor\"}", event, party);

  return create (NULL, "registrations", body);
}

static gint64
first_int (const char *path, const char *member)
{
  g_autoptr (LjTestResponse) r = lj_test_get (server, path);
  JsonArray *items;

  assert_status (r, 200);
  items = json_object_get_array_member (lj_test_object (r), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  return json_object_get_int_member (json_array_get_object_element (items, 0), member);
}

/* An enterprise covered by an organisation below @committee. */
static gint64
enterprise_under (gint64 committee, guint nth)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/organizations?parent_id=%" G_GINT64_FORMAT "&limit=50", committee);
  g_autoptr (LjTestResponse) r = lj_test_get (server, path);
  JsonArray *items;
  guint seen = 0;

  assert_status (r, 200);
  items = json_object_get_array_member (lj_test_object (r), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonArray *ents = json_object_get_array_member (json_array_get_object_element (items, i), "enterprise_ids");

      for (guint j = 0; ents && j < json_array_get_length (ents); j++)
        if (seen++ == nth)
          return json_array_get_int_element (ents, j);
    }
  g_assert_not_reached ();
}

static gint64
count_rows (const char *path)
{
  g_autoptr (LjTestResponse) r = lj_test_get (server, path);

  assert_status (r, 200);
  return lj_test_member_int (r, "total");
}

static void
setup (void)
{
  g_autoptr (LjTestResponse) chains = NULL;
  g_autofree char *chain_body = NULL;

  server = lj_test_server_start_with_plugins (LJ_TEST_SERVER_DEMO, LJ_PLUGIN_DIR, "[plugin:matching]\nrequired=true\n");
  own_org = first_int ("/api/v1/chains?sort=id&limit=1", "committee_org_id");
  foreign_org = own_org + 1;
  own_enterprise = enterprise_under (own_org, 0);
  own_enterprise2 = enterprise_under (own_org, 1);
  foreign_enterprise = enterprise_under (foreign_org, 0);
  own_token = lj_test_server_create_user (server, "matching-sec", "secretary", own_org, NULL, NULL);
  foreign_token = lj_test_server_create_user (server, "matching-foreign", "secretary", foreign_org, NULL, &foreign_user);
  viewer_token = lj_test_server_create_user (server, "matching-viewer", "viewer", 0, NULL, NULL);
  chain_body = g_strdup_printf ("{\"name\": \"对接测试链\", \"committee_org_id\": %" G_GINT64_FORMAT "}", own_org);
  chains = lj_test_request (server, "POST", "/api/v1/chains", chain_body, NULL);
  assert_status (chains, 201);
  fixture_chain = lj_test_member_int (chains, "id");
}

/* ---- tests ---- */

static void
test_loaded_and_demo (void)
{
  g_autoptr (LjTestResponse) plugins = lj_test_get (server, "/api/v1/plugins");
  g_autoptr (LjTestResponse) held = lj_test_get (server, API "/events?state=held");
  g_autoptr (LjTestResponse) stats = lj_test_get (server, "/api/v1/stats/overview");
  JsonObject *section;

  assert_status (plugins, 200);
  g_assert_nonnull (strstr (text (plugins), "\"matching\""));
  assert_status (held, 200);
  /* The demo: an alliance meeting, a salon, a roadshow and a tech-transfer fair, all held. */
  g_assert_cmpint (lj_test_member_int (held, "total"), ==, 4);
  assert_status (stats, 200);
  section = json_object_get_object_member (lj_test_object (stats), "matching");
  g_assert_nonnull (section);
  g_assert_cmpint (json_object_get_int_member (section, "events_held"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (section, "check_ins"), >, 0);
  g_assert_cmpint (json_object_get_int_member (section, "agreements"), >=, 3);
  /* A need and an offer on every chain of the demo park. */
  for (gint64 chain = 1; chain <= 10; chain++)
    {
      g_autofree char *n = g_strdup_printf (API "/listings?direction=need&chain_id=%" G_GINT64_FORMAT, chain);
      g_autofree char *o = g_strdup_printf (API "/listings?direction=offer&chain_id=%" G_GINT64_FORMAT, chain);

      g_assert_cmpint (count_rows (n), >=, 1);
      g_assert_cmpint (count_rows (o), >=, 1);
    }
  /* Suggestions a reader would make: the software talent need finds the
   * software training class first (found by text search, in Chinese). */
  {
    gint64 need = first_int (API "/listings?q=%E8%BD%AF%E4%BB%B6%E5%BC%80%E5%8F%91%E4%BA%BA%E6%89%8D&direction=need", "id");
    gint64 offer = first_int (API "/listings?q=%E8%BD%AF%E4%BB%B6%E5%BC%80%E5%8F%91%E8%AE%A2%E5%8D%95%E7%8F%AD", "id");
    g_autofree char *path = g_strdup_printf (API "/listings/%" G_GINT64_FORMAT "/suggestions", need);
    g_autoptr (LjTestResponse) r = lj_test_get (server, path);
    JsonArray *items;

    assert_status (r, 200);
    items = json_object_get_array_member (lj_test_object (r), "items");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "id"), ==, offer);
  }
}

static void
test_event_roles (void)
{
  g_autofree char *starts = time_from_now (3600);
  g_autofree char *own_body = g_strdup_printf ("{\"kind\": \"salon\", \"title\": \"创新沙龙\", \"organizer_org_id\": %"
                                               G_GINT64_FORMAT ", \"starts_at\": \"%s\"}", own_org, starts);
  g_autofree char *foreign_body = g_strdup_printf ("{\"kind\": \"salon\", \"title\": \"x\", \"organizer_org_id\": %"
                                                   G_GINT64_FORMAT ", \"starts_at\": \"%s\"}", foreign_org, starts);
  g_autoptr (LjTestResponse) viewer = call_as (viewer_token, "POST", API "/events", own_body);
  g_autoptr (LjTestResponse) foreign = call_as (own_token, "POST", API "/events", foreign_body);
  g_autoptr (LjTestResponse) mine = call_as (own_token, "POST", API "/events", own_body);
  g_autoptr (LjTestResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL, r7 = NULL;
  gint64 id;

  assert_status (viewer, 403);
  assert_status (foreign, 403);
  assert_status (mine, 201);
  id = lj_test_member_int (mine, "id");
  g_assert_cmpstr (lj_test_member_string (mine, "state"), ==, "draft");
  /* A foreign secretary has no say; a viewer never writes. */
  r1 = fire (foreign_token, "events", id, "{\"event\": \"publish\"}");
  assert_status (r1, 403);
  r2 = fire (viewer_token, "events", id, "{\"event\": \"publish\"}");
  assert_status (r2, 403);
  r3 = fire (own_token, "events", id, "{\"event\": \"publish\"}");
  assert_status (r3, 200);
  g_assert_cmpstr (lj_test_member_string (r3, "state"), ==, "published");
  /* held only after registration closed, with minutes and attendee count, once it started */
  r4 = fire (own_token, "events", id, "{\"event\": \"hold\", \"minutes\": \"m\", \"attendee_count\": 3}");
  assert_status (r4, 409);
  g_assert_nonnull (strstr (text (r4), "close_registration"));
  fire_ok ("events", id, "{\"event\": \"close_registration\"}");
  r5 = fire (own_token, "events", id, "{\"event\": \"hold\"}");
  assert_status (r5, 422);
  g_assert_true (lj_test_has_field_error (r5, "minutes"));
  g_assert_true (lj_test_has_field_error (r5, "attendee_count"));
  r6 = fire (own_token, "events", id, "{\"event\": \"hold\", \"minutes\": \"纪要\", \"attendee_count\": 30}");
  assert_status (r6, 409);
  g_assert_nonnull (strstr (text (r6), "cannot be held before"));
  lj_clock_advance_for_testing (7200);
  r7 = fire (own_token, "events", id, "{\"event\": \"hold\", \"minutes\": \"纪要：签约三项\", \"attendee_count\": 30}");
  lj_clock_advance_for_testing (-7200);
  assert_status (r7, 200);
  g_assert_cmpstr (lj_test_member_string (r7, "state"), ==, "held");
  g_assert_cmpint (lj_test_member_int (r7, "attendee_count"), ==, 30);
  g_assert_cmpstr (lj_test_member_string (r7, "minutes"), ==, "纪要：签约三项");
}

static void
test_postpone_and_cancel (void)
{
  gint64 id = new_event (own_org, "roadshow", 86400, 0, "open", 0);
  g_autofree char *later = time_from_now (86400 * 8);
  g_autofree char *body = g_strdup_printf ("{\"event\": \"postpone\", \"reason\": \"场地冲突\", \"starts_at\": \"%s\"}", later);
  g_autoptr (LjTestResponse) no_reason = fire (own_token, "events", id, "{\"event\": \"postpone\"}");
  g_autoptr (LjTestResponse) postponed = fire (own_token, "events", id, body);
  g_autoptr (LjTestResponse) reg = NULL;
  g_autoptr (LjTestResponse) cancel = NULL;
  g_autofree char *reg_body = g_strdup_printf ("{\"event_id\": %" G_GINT64_FORMAT ", \"enterprise_id\": %" G_GINT64_FORMAT "}",
                                               id, own_enterprise);

  assert_status (no_reason, 422);
  g_assert_true (lj_test_has_field_error (no_reason, "reason"));
  assert_status (postponed, 200);
  g_assert_cmpstr (lj_test_member_string (postponed, "state"), ==, "postponed");
  g_assert_cmpstr (lj_test_member_string (postponed, "starts_at"), ==, later);
  /* No registrations while postponed. */
  reg = lj_test_request (server, "POST", API "/registrations", reg_body, NULL);
  assert_status (reg, 409);
  g_assert_nonnull (strstr (text (reg), "postponed"));
  fire_ok ("events", id, "{\"event\": \"publish\"}");
  cancel = fire (own_token, "events", id, "{\"event\": \"cancel\", \"reason\": \"天气\"}");
  assert_status (cancel, 200);
  g_assert_cmpstr (lj_test_member_string (cancel, "state"), ==, "cancelled");
}

static void
test_capacity_and_waitlist (void)
{
  gint64 ev = new_event (own_org, "alliance", 3600, 3, "open", 0);
  gint64 a = register_for (ev, own_enterprise, "[{\"name\": \"张三\"}, {\"name\": \"李四\"}]");
  gint64 b = register_party (ev, "楚雄农商银行");
  gint64 c = register_party (ev, "云南大学");
  gint64 d = register_party (ev, "昆明理工大学");
  g_autofree char *a_state = get_string ("registrations", a, "state");
  g_autofree char *b_state = get_string ("registrations", b, "state");
  g_autofree char *c_state = get_string ("registrations", c, "state");
  g_autofree char *c_code = get_string ("registrations", c, "check_in_code");
  g_autofree char *a_code = get_string ("registrations", a, "check_in_code");
  g_autofree char *c_after = NULL, *c_code_after = NULL, *d_after = NULL;
  g_autoptr (LjTestResponse) event = NULL;
  g_autoptr (LjTestResponse) cancel = NULL;
  g_autoptr (LjTestResponse) full = NULL;
  gint64 ev2, p1, p2;

  /* Two persons and one: three seats, full; the next two wait. */
  g_assert_cmpstr (a_state, ==, "confirmed");
  g_assert_cmpstr (b_state, ==, "confirmed");
  g_assert_cmpstr (c_state, ==, "waitlisted");
  g_assert_null (c_code);
  g_assert_nonnull (a_code);
  g_assert_cmpuint (strlen (a_code), ==, 10);
  event = get ("events", ev);
  g_assert_cmpint (lj_test_member_int (event, "seats_taken"), ==, 3);
  /* A's two seats free up: C and D move up in order. */
  cancel = fire (own_token, "registrations", a, "{\"event\": \"cancel\"}");
  assert_status (cancel, 200);
  c_after = get_string ("registrations", c, "state");
  c_code_after = get_string ("registrations", c, "check_in_code");
  d_after = get_string ("registrations", d, "state");
  g_assert_cmpstr (c_after, ==, "confirmed");
  g_assert_cmpstr (d_after, ==, "confirmed");
  g_assert_nonnull (c_code_after);
  g_assert_cmpstr (c_code_after, !=, a_code);

  /* Approval mode: pending until the organiser confirms; full is a 409. */
  ev2 = new_event (own_org, "tech_transfer", 3600, 1, "approval", 0);
  p1 = register_party (ev2, "投资机构甲");
  p2 = register_party (ev2, "投资机构乙");
  {
    g_autofree char *s1 = get_string ("registrations", p1, "state");
    g_autoptr (LjTestResponse) foreign = fire (foreign_token, "registrations", p1, "{\"event\": \"confirm\"}");
    g_autoptr (LjTestResponse) ok = fire (own_token, "registrations", p1, "{\"event\": \"confirm\"}");

    g_assert_cmpstr (s1, ==, "pending");
    assert_status (foreign, 403);
    assert_status (ok, 200);
    g_assert_cmpstr (lj_test_member_string (ok, "state"), ==, "confirmed");
  }
  full = fire (own_token, "registrations", p2, "{\"event\": \"confirm\"}");
  assert_status (full, 409);
  g_assert_nonnull (strstr (text (full), "full: 1 of 1"));
  fire_ok ("registrations", p2, "{\"event\": \"waitlist\"}");
  {
    g_autoptr (LjTestResponse) reject = fire (own_token, "registrations", p2, "{\"event\": \"reject\"}");
    assert_status (reject, 422);
    g_assert_true (lj_test_has_field_error (reject, "reason"));
  }
  fire_ok ("registrations", p2, "{\"event\": \"reject\", \"reason\": \"名额已满\"}");
}

static LjTestResponse *
check_in (const char *token, gint64 event, const char *code)
{
  g_autofree char *path = g_strdup_printf (API "/events/%" G_GINT64_FORMAT "/check-in", event);
  g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\"}", code);

  return call_as (token, "POST", path, body);
}

static void
test_check_in_codes (void)
{
  gint64 ev = new_event (own_org, "salon", 3600, 0, "open", 0);
  gint64 other = new_event (own_org, "roadshow", 3600, 0, "open", 0);
  gint64 later = new_event (own_org, "talent_fair", 86400 * 3, 0, "open", 0);
  gint64 r1 = register_for (ev, own_enterprise, "[{\"name\": \"王五\"}]");
  gint64 r2 = register_party (ev, "农业银行楚雄分行");
  gint64 r3 = register_party (other, "建设银行");
  gint64 r4 = register_party (later, "人才中心");
  g_autofree char *c1 = get_string ("registrations", r1, "check_in_code");
  g_autofree char *c2 = get_string ("registrations", r2, "check_in_code");
  g_autofree char *c3 = get_string ("registrations", r3, "check_in_code");
  g_autofree char *c4 = get_string ("registrations", r4, "check_in_code");
  g_autofree char *lower = g_ascii_strdown (c1, -1);
  g_autoptr (LjTestResponse) ok = NULL, again = NULL, foreign = NULL, cancelled = NULL, unknown = NULL,
                             not_on = NULL, wrong_org = NULL, viewer = NULL, empty = NULL, viewer_sees = NULL;
  g_autofree char *attended = NULL;

  g_assert_cmpstr (c1, !=, c2);
  for (const char *p = c1; *p; p++)
    g_assert_nonnull (strchr ("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", *p));
  /* Only the organiser checks in. */
  wrong_org = check_in (foreign_token, ev, c1);
  assert_status (wrong_org, 403);
  viewer = check_in (viewer_token, ev, c1);
  assert_status (viewer, 403);
  /* Valid, typed in lower case. */
  ok = check_in (own_token, ev, lower);
  assert_status (ok, 200);
  g_assert_cmpstr (lj_test_member_string (ok, "state"), ==, "attended");
  g_assert_nonnull (lj_test_member_string (ok, "checked_in_at"));
  /* Reused. */
  again = check_in (own_token, ev, c1);
  assert_status (again, 409);
  g_assert_nonnull (strstr (text (again), "already checked in"));
  /* Another event's code. */
  foreign = check_in (own_token, ev, c3);
  assert_status (foreign, 409);
  g_assert_nonnull (strstr (text (foreign), "another event"));
  attended = get_string ("registrations", r3, "state");
  g_assert_cmpstr (attended, ==, "confirmed");
  /* Cancelled. */
  fire_ok ("registrations", r2, "{\"event\": \"cancel\"}");
  cancelled = check_in (own_token, ev, c2);
  assert_status (cancelled, 409);
  g_assert_nonnull (strstr (text (cancelled), "cancelled"));
  /* Unknown and missing. */
  unknown = check_in (own_token, ev, "ZZZZZZZZZZ");
  assert_status (unknown, 422);
  g_assert_true (lj_test_has_field_error (unknown, "code"));
  empty = check_in (own_token, ev, "");
  assert_status (empty, 422);
  /* Not on yet. */
  not_on = check_in (own_token, later, c4);
  assert_status (not_on, 409);
  g_assert_nonnull (strstr (text (not_on), "not on yet"));
  /* A viewer does not see codes. */
  {
    g_autofree char *path = g_strdup_printf (API "/registrations/%" G_GINT64_FORMAT, r4);
    viewer_sees = lj_test_request_as (server, viewer_token, "GET", path, NULL, NULL);
    assert_status (viewer_sees, 200);
    g_assert_null (strstr (text (viewer_sees), c4));
  }
  /* After it ended: no more check-in. */
  lj_clock_advance_for_testing (86400);
  {
    g_autoptr (LjTestResponse) over = check_in (own_token, other, c3);
    lj_clock_advance_for_testing (-86400);
    assert_status (over, 409);
    g_assert_nonnull (strstr (text (over), "over"));
  }
}

static gint64
new_listing (const char *direction, gint64 enterprise, const char *type, const char *title, const char *keywords,
             gint64 chain, gboolean publish)
{
  g_autofree char *until = date_from_now (60);
  g_autofree char *body = g_strdup_printf ("{\"direction\": \"%s\", \"enterprise_id\": %" G_GINT64_FORMAT
                                           ", \"type\": \"%s\", \"title\": \"%s\", \"keywords\": %s, "
                                           "\"chain_ids\": [%" G_GINT64_FORMAT "], \"valid_until\": \"%s\"}",
                                           direction, enterprise, type, title, keywords, chain, until);
  gint64 id = create (NULL, "listings", body);

  if (publish)
    fire_ok ("listings", id, "{\"event\": \"publish\"}");
  return id;
}

static gboolean
suggests (LjTestResponse *r, gint64 id)
{
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (json_object_get_int_member (json_array_get_object_element (items, i), "id") == id)
      return TRUE;
  return FALSE;
}

static void
test_suggestions (void)
{
  gint64 ch = fixture_chain;
  gint64 need = new_listing ("need", own_enterprise, "technology", "高纯多晶硅提纯工艺改进",
                             "[\"多晶硅\", \"提纯工艺\"]", ch, TRUE);
  /* The right counterpart: same type, same chain, the same words. */
  gint64 right = new_listing ("offer", foreign_enterprise, "technology", "多晶硅提纯工艺技术转让",
                              "[\"多晶硅\", \"提纯工艺\", \"技术转让\"]", ch, TRUE);
  /* Near misses: same words but another type; same type and chain but other words. */
  gint64 other_type = new_listing ("offer", foreign_enterprise, "financing", "多晶硅项目贷款",
                                   "[\"多晶硅\"]", ch, TRUE);
  gint64 other_words = new_listing ("offer", foreign_enterprise, "technology", "野生菌冷链保鲜技术",
                                    "[\"冷链保鲜\"]", ch, TRUE);
  /* Never: the same enterprise's own offer, a closed, an expired and a draft one, another need. */
  gint64 own = new_listing ("offer", own_enterprise, "technology", "多晶硅提纯工艺自有技术",
                            "[\"多晶硅\", \"提纯工艺\"]", ch, TRUE);
  gint64 closed = new_listing ("offer", own_enterprise2, "technology", "多晶硅提纯工艺已关闭",
                               "[\"多晶硅\", \"提纯工艺\"]", ch, TRUE);
  gint64 draft = new_listing ("offer", own_enterprise2, "technology", "多晶硅提纯工艺草稿",
                              "[\"多晶硅\", \"提纯工艺\"]", ch, FALSE);
  gint64 other_need = new_listing ("need", foreign_enterprise, "technology", "多晶硅提纯工艺需求",
                                   "[\"多晶硅\"]", ch, TRUE);
  g_autofree char *path = g_strdup_printf (API "/listings/%" G_GINT64_FORMAT "/suggestions?limit=100", need);
  g_autoptr (LjTestResponse) r = NULL;
  g_autoptr (LjTestResponse) back = NULL;
  g_autoptr (LjTestResponse) bad = NULL;
  JsonArray *items;
  JsonObject *top, *parts;

  fire_ok ("listings", closed, "{\"event\": \"close\"}");
  r = lj_test_get (server, path);
  assert_status (r, 200);
  g_assert_cmpstr (lj_test_member_string (r, "direction"), ==, "offer");
  items = json_object_get_array_member (lj_test_object (r), "items");
  g_assert_cmpuint (json_array_get_length (items), >=, 3);
  top = json_array_get_object_element (items, 0);
  g_assert_cmpint (json_object_get_int_member (top, "id"), ==, right);
  parts = json_object_get_object_member (top, "parts");
  g_assert_cmpfloat (json_object_get_double_member (parts, "type"), ==, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (parts, "chains"), ==, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (parts, "text"), ==, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (parts, "freshness"), >, 0.99);
  g_assert_cmpfloat (json_object_get_double_member (top, "score"), >, 0.99);
  g_assert_true (suggests (r, other_type));
  g_assert_true (suggests (r, other_words));
  g_assert_false (suggests (r, own));
  g_assert_false (suggests (r, closed));
  g_assert_false (suggests (r, draft));
  g_assert_false (suggests (r, other_need));
  /* The same words beat the same type alone, ranked in order. */
  for (guint i = 1; i < json_array_get_length (items); i++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (items, i - 1), "score"), >=,
                       json_object_get_double_member (json_array_get_object_element (items, i), "score"));
  /* And the other way: the need is the offer's best counterpart. */
  {
    g_autofree char *bpath = g_strdup_printf (API "/listings/%" G_GINT64_FORMAT "/suggestions", right);
    back = lj_test_get (server, bpath);
    assert_status (back, 200);
    items = json_object_get_array_member (lj_test_object (back), "items");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "id"), ==, need);
  }
  {
    g_autofree char *bpath = g_strdup_printf (API "/listings/%" G_GINT64_FORMAT "/suggestions?limit=0", need);
    bad = lj_test_get (server, bpath);
    assert_status (bad, 422);
  }
  /* Expired: the check moves it out of the suggestions. */
  {
    g_autofree char *tomorrow = date_from_now (1);
    g_autofree char *body = g_strdup_printf ("{\"valid_until\": \"%s\"}", tomorrow);
    g_autofree char *lpath = g_strdup_printf (API "/listings/%" G_GINT64_FORMAT, other_words);
    g_autoptr (LjTestResponse) patch = lj_test_request (server, "PATCH", lpath, body, NULL);
    g_autoptr (LjTestResponse) expire = NULL;
    g_autoptr (LjTestResponse) after = NULL;
    g_autoptr (LjTestResponse) denied = call_as (own_token, "POST", API "/listings/expire", NULL);
    g_autofree char *state = NULL;
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, other_words);

    assert_status (patch, 200);
    assert_status (denied, 403);
    lj_clock_advance_for_testing (2 * 86400);
    expire = lj_test_request (server, "POST", API "/listings/expire", NULL, NULL);
    assert_status (expire, 200);
    g_assert_nonnull (strstr (text (expire), id_text));
    state = get_string ("listings", other_words, "state");
    g_assert_cmpstr (state, ==, "expired");
    after = lj_test_get (server, path);
    lj_clock_advance_for_testing (-2 * 86400);
    assert_status (after, 200);
    g_assert_false (suggests (after, other_words));
    g_assert_true (suggests (after, right));
  }
}

static void
test_match_pipeline (void)
{
  gint64 need = new_listing ("need", own_enterprise, "financing", "流动资金贷款需求", "[\"流动资金\"]", fixture_chain, TRUE);
  gint64 offer = new_listing ("offer", foreign_enterprise, "financing", "科技型企业信用贷", "[\"信用贷\"]", fixture_chain, TRUE);
  g_autofree char *body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT "}", need, offer);
  g_autofree char *swapped = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT "}", offer, need);
  g_autoptr (LjTestResponse) bad = lj_test_request (server, "POST", API "/matches", swapped, NULL);
  g_autoptr (LjTestResponse) early = NULL, wrong = NULL, right = NULL, lost = NULL, viewer = NULL;
  g_autofree char *agreement = NULL;
  g_autofree char *ns = NULL, *os = NULL, *ms = NULL;
  gint64 match;

  assert_status (bad, 422);
  g_assert_true (lj_test_has_field_error (bad, "need_id"));
  g_assert_true (lj_test_has_field_error (bad, "offer_id"));
  match = create (own_token, "matches", body);
  viewer = fire (viewer_token, "matches", match, "{\"event\": \"contact\"}");
  assert_status (viewer, 403);
  agreement = g_strdup_printf ("{\"match_id\": %" G_GINT64_FORMAT ", \"kind\": \"loan\", \"amount_cny\": 5000000, "
                               "\"signed_on\": \"2026-11-20\"}", match);
  early = lj_test_request (server, "POST", API "/agreements", agreement, NULL);
  assert_status (early, 409);
  g_assert_nonnull (strstr (text (early), "suggested"));
  fire_ok ("matches", match, "{\"event\": \"contact\", \"next_step\": \"上门对接\"}");
  fire_ok ("matches", match, "{\"event\": \"negotiate\"}");
  {
    g_autoptr (LjTestResponse) stall = fire (own_token, "matches", match, "{\"event\": \"stall\", \"reason\": \"等待评估\"}");
    assert_status (stall, 200);
    g_assert_cmpstr (lj_test_member_string (stall, "stalled_from"), ==, "negotiating");
  }
  wrong = fire (own_token, "matches", match, "{\"event\": \"resume_contacted\"}");
  assert_status (wrong, 409);
  g_assert_nonnull (strstr (text (wrong), "resume_negotiating"));
  right = fire (own_token, "matches", match, "{\"event\": \"resume_negotiating\"}");
  assert_status (right, 200);
  g_assert_cmpstr (lj_test_member_string (right, "state"), ==, "negotiating");
  fire_ok ("matches", match, "{\"event\": \"sign_intent\"}");
  create (own_token, "agreements", agreement);
  ns = get_string ("listings", need, "state");
  os = get_string ("listings", offer, "state");
  ms = get_string ("matches", match, "state");
  g_assert_cmpstr (ns, ==, "matched");
  g_assert_cmpstr (os, ==, "matched");
  g_assert_cmpstr (ms, ==, "contract_signed");
  fire_ok ("matches", match, "{\"event\": \"deliver\"}");
  lost = fire (own_token, "matches", match, "{\"event\": \"close_lost\", \"reason\": \"x\"}");
  assert_status (lost, 409);
}

/* Everything on a chain of its own, so the numbers are exact. */
static void
test_stats_exact (void)
{
  g_autoptr (LjTestResponse) chain = NULL;
  g_autofree char *chain_body = g_strdup_printf ("{\"name\": \"统计测试链\", \"committee_org_id\": %" G_GINT64_FORMAT "}", own_org);
  g_autofree char *path = NULL;
  g_autoptr (LjTestResponse) r = NULL;
  JsonObject *s;
  gint64 ch, ev, r1, need, offer, need2, match;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;

  chain = lj_test_request (server, "POST", "/api/v1/chains", chain_body, NULL);
  assert_status (chain, 201);
  ch = lj_test_member_int (chain, "id");
  ev = new_event (own_org, "bank_enterprise", 3600, 0, "open", ch);
  r1 = register_for (ev, own_enterprise, "[{\"name\": \"赵六\"}]");
  register_party (ev, "工商银行");
  code = get_string ("registrations", r1, "check_in_code");
  {
    g_autoptr (LjTestResponse) ci = check_in (NULL, ev, code);
    assert_status (ci, 200);
  }
  fire_ok ("events", ev, "{\"event\": \"close_registration\"}");
  lj_clock_advance_for_testing (3700);
  fire_ok ("events", ev, "{\"event\": \"hold\", \"minutes\": \"银企对接\", \"attendee_count\": 12}");
  lj_clock_advance_for_testing (-3700);
  need = new_listing ("need", own_enterprise, "financing", "贷款需求甲", "[]", ch, TRUE);
  need2 = new_listing ("need", own_enterprise2, "talent", "人才需求乙", "[]", ch, TRUE);
  new_listing ("need", own_enterprise2, "talent", "草稿不计", "[]", ch, FALSE);
  offer = new_listing ("offer", foreign_enterprise, "financing", "贷款产品丙", "[]", ch, TRUE);
  body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT "}", need, offer);
  match = create (NULL, "matches", body);
  fire_ok ("matches", match, "{\"event\": \"contact\"}");
  fire_ok ("matches", match, "{\"event\": \"negotiate\"}");
  fire_ok ("matches", match, "{\"event\": \"sign_intent\"}");
  g_free (body);
  body = g_strdup_printf ("{\"match_id\": %" G_GINT64_FORMAT ", \"kind\": \"loan\", \"amount_cny\": 3000000, "
                          "\"signed_on\": \"2026-11-21\"}", match);
  create (NULL, "agreements", body);
  g_free (body);
  body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT "}", need2, offer);
  create (NULL, "matches", body);

  path = g_strdup_printf ("/api/v1/stats/overview?chain_id=%" G_GINT64_FORMAT, ch);
  r = lj_test_get (server, path);
  assert_status (r, 200);
  s = json_object_get_object_member (lj_test_object (r), "matching");
  g_assert_cmpint (json_object_get_int_member (s, "events_held"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (s, "attendees"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (s, "registrations"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (s, "check_ins"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (s, "events_held_by_kind"), "bank_enterprise"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (s, "events_held_by_kind"), "salon"), ==, 0);
  {
    JsonObject *l = json_object_get_object_member (s, "listings");
    JsonObject *n = json_object_get_object_member (l, "need");
    JsonObject *o = json_object_get_object_member (l, "offer");

    g_assert_cmpint (json_object_get_int_member (n, "financing"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (n, "talent"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (o, "financing"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (o, "talent"), ==, 0);
  }
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (s, "matches_by_stage"), "contract_signed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (s, "matches_by_stage"), "suggested"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (s, "agreements"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (s, "agreements_amount_cny"), ==, 3000000.0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (s, "agreements_by_kind"), "loan"), ==, 1);
  /* A period before all of it: zero. */
  {
    g_autofree char *p2 = g_strdup_printf ("/api/v1/stats/overview?chain_id=%" G_GINT64_FORMAT "&to=2020-01-01", ch);
    g_autoptr (LjTestResponse) none = lj_test_get (server, p2);
    JsonObject *z;

    assert_status (none, 200);
    z = json_object_get_object_member (lj_test_object (none), "matching");
    g_assert_cmpint (json_object_get_int_member (z, "events_held"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (z, "agreements"), ==, 0);
  }
  /* The timeline of the enterprise shows the check-in, the listing and the agreement. */
  {
    g_autofree char *tpath = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/timeline?limit=200", own_enterprise);
    g_autoptr (LjTestResponse) t = lj_test_get (server, tpath);
    gsize len;
    const char *all;

    assert_status (t, 200);
    all = g_bytes_get_data (t->body, &len);
    g_assert_nonnull (g_strstr_len (all, len, "matching.registration.attended"));
    g_assert_nonnull (g_strstr_len (all, len, "matching.listing.published"));
    g_assert_nonnull (g_strstr_len (all, len, "matching.agreement.signed"));
  }
}

static gint64
new_chain (const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"committee_org_id\": %" G_GINT64_FORMAT "}", name, own_org);
  g_autoptr (LjTestResponse) r = lj_test_request (server, "POST", "/api/v1/chains", body, NULL);

  assert_status (r, 201);
  return lj_test_member_int (r, "id");
}

/* The matching section of the overview for @query ("" or "?…"). */
static JsonObject *
matching_stats (const char *query)
{
  g_autofree char *path = g_strconcat ("/api/v1/stats/overview", query, NULL);
  g_autoptr (LjTestResponse) r = lj_test_get (server, path);

  assert_status (r, 200);
  return json_object_ref (json_object_get_object_member (lj_test_object (r), "matching"));
}

/* A figure of @section by its path ("listings.need.technology"). */
static gint64
stat (JsonObject *section, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  guint last = g_strv_length (parts) - 1;

  for (guint i = 0; i < last; i++)
    section = json_object_get_object_member (section, parts[i]);
  return json_object_get_int_member (section, parts[last]);
}

static gint64
sum_of (JsonObject *section, const char *member)
{
  JsonObject *o = json_object_get_object_member (section, member);
  g_autoptr (GList) values = json_object_get_values (o);
  gint64 sum = 0;

  for (GList *v = values; v; v = v->next)
    sum += json_node_get_int (v->data);
  return sum;
}

/* A chain's matches and agreements are found through either listing,
 * once each, whichever of its two ways the section reads them; a period
 * counts from its start and stops before its end, by the second for
 * matches and by the day for agreements; the park adds the same. */
static void
test_stats_chain_sides (void)
{
  gint64 a = new_chain ("统计需方链");
  gint64 b = new_chain ("统计供方链");
  g_autoptr (JsonObject) park = matching_stats ("");
  gint64 need = new_listing ("need", own_enterprise, "technology", "工艺改进需求", "[]", a, TRUE);
  gint64 offer = new_listing ("offer", foreign_enterprise, "equipment", "检测设备共享", "[]", b, TRUE);
  g_autofree char *body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT "}",
                                           need, offer);
  gint64 match = create (NULL, "matches", body);
  g_autofree char *created = get_string ("matches", match, "created_at");
  const gint64 chains[] = { a, b };

  fire_ok ("matches", match, "{\"event\": \"contact\"}");
  fire_ok ("matches", match, "{\"event\": \"negotiate\"}");
  fire_ok ("matches", match, "{\"event\": \"sign_intent\"}");
  g_free (body);
  body = g_strdup_printf ("{\"match_id\": %" G_GINT64_FORMAT ", \"kind\": \"cooperation\", \"amount_cny\": 1250000.5, "
                          "\"signed_on\": \"2026-03-02\"}", match);
  create (NULL, "agreements", body);
  g_free (body);
  body = g_strdup_printf ("{\"match_id\": %" G_GINT64_FORMAT ", \"kind\": \"purchase\", \"amount_cny\": 0.25, "
                          "\"signed_on\": \"2026-03-03\"}", match);
  create (NULL, "agreements", body);
  /* Drafts (not counted) until chain A has a listing for every seven
   * matches (once the point where the section changed its plan; it reads
   * per-chain copies now, and drafts must still not count). */
  for (gint64 listings = 1; listings * 7 < match + 7; listings++)
    new_listing ("offer", own_enterprise2, "space", "待发布厂房", "[]", a, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (chains); i++)
    {
      g_autofree char *all = g_strdup_printf ("?chain_id=%" G_GINT64_FORMAT, chains[i]);
      g_autofree char *days = g_strdup_printf ("?chain_id=%" G_GINT64_FORMAT "&from=2026-03-02&to=2026-03-03", chains[i]);
      g_autofree char *since = g_strdup_printf ("?chain_id=%" G_GINT64_FORMAT "&from=%s", chains[i], created);
      g_autofree char *before = g_strdup_printf ("?chain_id=%" G_GINT64_FORMAT "&to=%s", chains[i], created);
      g_autoptr (JsonObject) s = matching_stats (all);
      g_autoptr (JsonObject) d = matching_stats (days);
      g_autoptr (JsonObject) from = matching_stats (since);
      g_autoptr (JsonObject) to = matching_stats (before);

      g_assert_cmpint (stat (s, "listings.need.technology"), ==, i == 0 ? 1 : 0);
      g_assert_cmpint (stat (s, "listings.offer.equipment"), ==, i == 1 ? 1 : 0);
      g_assert_cmpint (sum_of (json_object_get_object_member (s, "listings"), "offer"), ==, i == 1 ? 1 : 0);
      g_assert_cmpint (stat (s, "matches_by_stage.contract_signed"), ==, 1);
      g_assert_cmpint (sum_of (s, "matches_by_stage"), ==, 1);
      g_assert_cmpint (stat (s, "agreements"), ==, 2);
      g_assert_cmpfloat (json_object_get_double_member (s, "agreements_amount_cny"), ==, 1250000.75);
      g_assert_cmpint (stat (s, "agreements_by_kind.cooperation"), ==, 1);
      g_assert_cmpint (stat (s, "agreements_by_kind.purchase"), ==, 1);
      /* [2026-03-02, 2026-03-03): the first agreement, not the second, nor the match made today. */
      g_assert_cmpint (stat (d, "agreements"), ==, 1);
      g_assert_cmpfloat (json_object_get_double_member (d, "agreements_amount_cny"), ==, 1250000.5);
      g_assert_cmpint (stat (d, "agreements_by_kind.purchase"), ==, 0);
      g_assert_cmpint (sum_of (d, "matches_by_stage"), ==, 0);
      /* From the second the match was made it counts; before it, not. */
      g_assert_cmpint (stat (from, "matches_by_stage.contract_signed"), ==, 1);
      g_assert_cmpint (stat (to, "matches_by_stage.contract_signed"), ==, 0);
    }
  {
    g_autoptr (JsonObject) after = matching_stats ("");
    double amount = json_object_get_double_member (park, "agreements_amount_cny");

    g_assert_cmpint (stat (after, "listings.need.technology"), ==, stat (park, "listings.need.technology") + 1);
    g_assert_cmpint (stat (after, "listings.offer.equipment"), ==, stat (park, "listings.offer.equipment") + 1);
    g_assert_cmpint (stat (after, "listings.offer.space"), ==, stat (park, "listings.offer.space"));
    g_assert_cmpint (stat (after, "matches_by_stage.contract_signed"), ==, stat (park, "matches_by_stage.contract_signed") + 1);
    g_assert_cmpint (stat (after, "agreements"), ==, stat (park, "agreements") + 2);
    g_assert_cmpfloat (json_object_get_double_member (after, "agreements_amount_cny"), ==, amount + 1250000.5 + 0.25);
  }
}

/* ---- the per-chain copies (migration 0003) ---- */

static gint64
db_int (const char *sql, gint64 a)
{
  return lj_test_db_int (server, sql, a);
}

/* Rows of the kept copies that a fresh derivation from the source tables
 * (the migration's backfill) does not give, and the other way round. */
static gint64
chain_copies_differences (void)
{
#define LISTINGS_DERIVED \
  "SELECT c.chain_id, l.id, l.direction, l.type, l.published_at FROM matching_listing_chains c " \
  "JOIN matching_listings l ON l.id = c.listing_id"
#define LISTINGS_KEPT "SELECT chain_id, listing_id, direction, type, published_at FROM matching_listing_chain_facts"
#define MATCHES_DERIVED \
  "SELECT DISTINCT c.chain_id, m.id, m.state, m.created_at FROM matching_matches m " \
  "JOIN matching_listing_chains c ON c.listing_id IN (m.need_id, m.offer_id)"
#define MATCHES_KEPT "SELECT chain_id, match_id, state, created_at FROM matching_match_chain_facts"
  return db_int ("SELECT (SELECT count(*) FROM (" LISTINGS_DERIVED " EXCEPT " LISTINGS_KEPT "))"
                 " + (SELECT count(*) FROM (" LISTINGS_KEPT " EXCEPT " LISTINGS_DERIVED "))"
                 " + (SELECT count(*) FROM (" MATCHES_DERIVED " EXCEPT " MATCHES_KEPT "))"
                 " + (SELECT count(*) FROM (" MATCHES_KEPT " EXCEPT " MATCHES_DERIVED "))", 0);
#undef LISTINGS_DERIVED
#undef LISTINGS_KEPT
#undef MATCHES_DERIVED
#undef MATCHES_KEPT
}

#define N_COPY_CHAINS 3
#define N_COPY_STEPS 50

typedef struct {
  gint64  chains[N_COPY_CHAINS];
  GArray *needs, *offers, *matches;
} CopyWorld;

static gint64
pick (GArray *ids)
{
  return g_array_index (ids, gint64, g_test_rand_int_range (0, ids->len));
}

/* "[…]": a random non-empty subset of the world's chains. */
static char *
random_chain_ids (const CopyWorld *w)
{
  GString *b = g_string_new ("[");
  guint mask = g_test_rand_int_range (1, 1 << N_COPY_CHAINS);

  for (guint i = 0; i < N_COPY_CHAINS; i++)
    if (mask & (1u << i))
      g_string_append_printf (b, "%s%" G_GINT64_FORMAT, b->len > 1 ? "," : "", w->chains[i]);
  g_string_append (b, "]");
  return g_string_free (b, FALSE);
}

static void
copy_step_new_listing (CopyWorld *w)
{
  static const char *const types[] = { "technology", "financing", "space" };
  gboolean need = g_test_rand_bit ();
  gint64 id = new_listing (need ? "need" : "offer", need ? own_enterprise : foreign_enterprise,
                           types[g_test_rand_int_range (0, G_N_ELEMENTS (types))], "链统计", "[]",
                           w->chains[g_test_rand_int_range (0, N_COPY_CHAINS)], g_test_rand_bit ());

  g_array_append_val (need ? w->needs : w->offers, id);
}

static void
copy_step_publish (CopyWorld *w)
{
  g_autoptr (LjTestResponse) r = fire (NULL, "listings", pick (g_test_rand_bit () ? w->needs : w->offers),
                                       "{\"event\": \"publish\"}");

  g_assert_true (r->status == 200 || r->status == 409);
}

/* A listing leaves some chains and joins others (PATCH chain_ids). */
static void
copy_step_listing_chains (CopyWorld *w)
{
  g_autofree char *ids = random_chain_ids (w);
  g_autofree char *body = g_strdup_printf ("{\"chain_ids\": %s}", ids);
  g_autofree char *path = g_strdup_printf (API "/listings/%" G_GINT64_FORMAT,
                                           pick (g_test_rand_bit () ? w->needs : w->offers));
  g_autoptr (LjTestResponse) r = lj_test_request (server, "PATCH", path, body, NULL);

  assert_status (r, 200);
}

static void
copy_step_new_match (CopyWorld *w)
{
  g_autofree char *body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT "}",
                                           pick (w->needs), pick (w->offers));
  g_autoptr (LjTestResponse) r = lj_test_request (server, "POST", API "/matches", body, NULL);

  /* 422 or 409 for a pair already matched. */
  if (r->status == 201)
    {
      gint64 id = lj_test_member_int (r, "id");

      g_array_append_val (w->matches, id);
    }
}

static void
copy_step_match_stage (CopyWorld *w)
{
  g_autoptr (LjTestResponse) r = NULL;

  if (w->matches->len == 0)
    return;
  r = fire (NULL, "matches", pick (w->matches), g_test_rand_bit () ? "{\"event\": \"contact\"}"
                                                                    : "{\"event\": \"negotiate\"}");
  g_assert_true (r->status == 200 || r->status == 409);
}

/* A listing deleted: its chain links go by cascade (refused, 409, while
 * a match names it). */
static void
copy_step_delete_listing (CopyWorld *w)
{
  GArray *side = g_test_rand_bit () ? w->needs : w->offers;
  guint i = g_test_rand_int_range (0, side->len);
  g_autofree char *path = g_strdup_printf (API "/listings/%" G_GINT64_FORMAT, g_array_index (side, gint64, i));
  g_autoptr (LjTestResponse) r = NULL;

  if (side->len < 2)
    return;
  r = lj_test_request (server, "DELETE", path, NULL, NULL);
  g_assert_true (r->status == 204 || r->status == 409);
  if (r->status == 204)
    g_array_remove_index_fast (side, i);
}

/* A listing's chain link moved in place.  The API deletes and inserts
 * links, so this writes SQL as a later migration or tool might: the
 * copies follow whoever writes. */
static void
copy_step_link_update (CopyWorld *w)
{
  static const char sql[] =
    "UPDATE matching_listing_chains SET chain_id = (SELECT c.id FROM chains c WHERE c.id IN (?2, ?3, ?4) "
    " AND c.id NOT IN (SELECT chain_id FROM matching_listing_chains WHERE listing_id = ?1) ORDER BY c.id LIMIT 1) "
    "WHERE listing_id = ?1 AND chain_id = (SELECT min(chain_id) FROM matching_listing_chains WHERE listing_id = ?1) "
    "AND EXISTS (SELECT 1 FROM chains c WHERE c.id IN (?2, ?3, ?4) "
    " AND c.id NOT IN (SELECT chain_id FROM matching_listing_chains WHERE listing_id = ?1))";
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  G_STATIC_ASSERT (N_COPY_CHAINS == 3);
  g_assert_cmpint (sqlite3_open_v2 (lj_test_server_get_db_path (server), &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (st, 1, pick (g_test_rand_bit () ? w->needs : w->offers));
  for (guint i = 0; i < N_COPY_CHAINS; i++)
    sqlite3_bind_int64 (st, 2 + i, w->chains[i]);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  sqlite3_close (db);
}

/* A chain's figures against their definition, through
 * matching_listing_chains itself. */
static void
check_copy_chain (gint64 chain)
{
  g_autofree char *query = g_strdup_printf ("?chain_id=%" G_GINT64_FORMAT, chain);
  g_autofree char *everything = g_strdup_printf ("?chain_id=%" G_GINT64_FORMAT "&from=2000-01-01&to=2100-01-01", chain);
  g_autoptr (JsonObject) s = matching_stats (query);
  g_autoptr (JsonObject) all = matching_stats (everything);
  JsonObject *listings = json_object_get_object_member (s, "listings");

  g_assert_cmpint (sum_of (listings, "need") + sum_of (listings, "offer"), ==, db_int (
    "SELECT count(*) FROM matching_listing_chains c JOIN matching_listings l ON l.id = c.listing_id "
    "WHERE c.chain_id = ?1 AND l.published_at IS NOT NULL", chain));
  g_assert_cmpint (sum_of (s, "matches_by_stage"), ==, db_int (
    "SELECT count(*) FROM matching_matches m WHERE EXISTS (SELECT 1 FROM matching_listing_chains c "
    "WHERE c.chain_id = ?1 AND c.listing_id IN (m.need_id, m.offer_id))", chain));
  g_assert_cmpint (stat (s, "matches_by_stage.contacted"), ==, db_int (
    "SELECT count(*) FROM matching_matches m WHERE m.state = 'contacted' AND EXISTS (SELECT 1 FROM "
    "matching_listing_chains c WHERE c.chain_id = ?1 AND c.listing_id IN (m.need_id, m.offer_id))", chain));
  g_assert_true (json_node_equal (json_object_get_member (s, "listings"), json_object_get_member (all, "listings")));
  g_assert_true (json_node_equal (json_object_get_member (s, "matches_by_stage"),
                                  json_object_get_member (all, "matches_by_stage")));
}

/* A random sequence of writes through the API, listings joining and
 * leaving chains among them: the per-chain copies the section reads stay
 * equal to a fresh derivation, and a chain's figures to their definition. */
static void
test_stats_chain_copies_follow_writes (void)
{
  static void (*const steps[]) (CopyWorld *) = {
    copy_step_new_listing, copy_step_publish, copy_step_listing_chains, copy_step_new_match,
    copy_step_match_stage, copy_step_delete_listing, copy_step_link_update,
  };
  g_autoptr (GArray) needs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) offers = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (gint64));
  CopyWorld w = { .needs = needs, .offers = offers, .matches = matches };
  gint64 need, offer;

  g_assert_cmpint (chain_copies_differences (), ==, 0);
  for (guint i = 0; i < N_COPY_CHAINS; i++)
    w.chains[i] = new_chain (i == 0 ? "链统计一" : i == 1 ? "链统计二" : "链统计三");
  need = new_listing ("need", own_enterprise, "technology", "链统计", "[]", w.chains[0], TRUE);
  offer = new_listing ("offer", foreign_enterprise, "technology", "链统计", "[]", w.chains[1], TRUE);
  g_array_append_val (needs, need);
  g_array_append_val (offers, offer);
  for (guint i = 0; i < N_COPY_STEPS; i++)
    {
      steps[g_test_rand_int_range (0, G_N_ELEMENTS (steps))] (&w);
      g_assert_cmpint (chain_copies_differences (), ==, 0);
    }
  for (guint i = 0; i < N_COPY_CHAINS; i++)
    check_copy_chain (w.chains[i]);
}

/* Fires @body as the viewer and the foreign secretary (both 403), then as
 * @token expecting @want and, on success, @state. */
static void
step (const char *token, const char *resource, gint64 id, const char *body, guint want, const char *state)
{
  g_autoptr (LjTestResponse) v = fire (viewer_token, resource, id, body);
  g_autoptr (LjTestResponse) f = fire (foreign_token, resource, id, body);
  g_autoptr (LjTestResponse) r = fire (token, resource, id, body);

  assert_status (v, 403);
  assert_status (f, 403);
  assert_status (r, want);
  if (state)
    g_assert_cmpstr (lj_test_member_string (r, "state"), ==, state);
}

static void
test_transitions_per_role (void)
{
  gint64 ev = new_event (own_org, "supply_chain", 3600, 0, "approval", 0);
  gint64 r1 = register_for (ev, own_enterprise, "[{\"name\": \"甲\"}]");
  gint64 r2 = register_party (ev, "乙方");
  gint64 r3 = register_party (ev, "丙方");
  gint64 r4 = register_party (ev, "丁方");
  gint64 l1 = new_listing ("offer", own_enterprise, "space", "标准厂房出租甲", "[]", fixture_chain, FALSE);
  gint64 l2 = new_listing ("need", own_enterprise, "space", "厂房需求乙", "[]", fixture_chain, TRUE);
  gint64 l3 = new_listing ("offer", own_enterprise2, "market", "市场渠道丙", "[]", fixture_chain, TRUE);
  g_autofree char *renew = NULL;
  g_autofree char *month = NULL;
  g_autofree char *match_body = NULL;
  gint64 m;

  /* registrations: the organiser confirms, waitlists, rejects, marks attendance or no-show; the owner cancels */
  step (own_token, "registrations", r1, "{\"event\": \"confirm\"}", 200, "confirmed");
  step (own_token, "registrations", r1, "{\"event\": \"attend\"}", 200, "attended");
  step (own_token, "registrations", r2, "{\"event\": \"waitlist\"}", 200, "waitlisted");
  step (own_token, "registrations", r2, "{\"event\": \"reject\", \"reason\": \"不符合条件\"}", 200, "rejected");
  step (own_token, "registrations", r3, "{\"event\": \"confirm\"}", 200, "confirmed");
  step (own_token, "registrations", r3, "{\"event\": \"no_show\"}", 200, "no_show");
  step (own_token, "registrations", r4, "{\"event\": \"cancel\"}", 200, "cancelled");
  step (own_token, "registrations", r4, "{\"event\": \"confirm\"}", 409, NULL);
  /* events */
  step (own_token, "events", ev, "{\"event\": \"close_registration\"}", 200, "registration_closed");
  lj_clock_advance_for_testing (3600);
  step (own_token, "events", ev, "{\"event\": \"hold\", \"minutes\": \"供需对接\", \"attendee_count\": 1}", 200, "held");
  lj_clock_advance_for_testing (-3600);
  step (own_token, "events", ev, "{\"event\": \"archive\"}", 200, "archived");
  step (own_token, "events", ev, "{\"event\": \"publish\"}", 409, NULL);
  /* listings: match and expire are the system's (admins'), the rest the owner's */
  step (own_token, "listings", l1, "{\"event\": \"publish\"}", 200, "published");
  step (own_token, "listings", l1, "{\"event\": \"match\"}", 409, NULL);
  step (own_token, "listings", l1, "{\"event\": \"expire\"}", 409, NULL);
  step (NULL, "listings", l1, "{\"event\": \"expire\"}", 200, "expired");
  step (own_token, "listings", l1, "{\"event\": \"renew\"}", 422, NULL);
  step (own_token, "listings", l1, "{\"event\": \"renew\", \"valid_until\": \"2020-01-01\"}", 422, NULL);
  month = date_from_now (30);
  renew = g_strdup_printf ("{\"event\": \"renew\", \"valid_until\": \"%s\"}", month);
  step (own_token, "listings", l1, renew, 200, "published");
  step (NULL, "listings", l1, "{\"event\": \"match\"}", 200, "matched");
  step (own_token, "listings", l1, "{\"event\": \"close\", \"reason\": \"已完成\"}", 200, "closed");
  /* matches: either side's secretaries, or the user who follows it up */
  match_body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT ", \"owner_user_id\": 999999}", l2, l3);
  {
    g_autoptr (LjTestResponse) no_user = lj_test_request (server, "POST", API "/matches", match_body, NULL);
    assert_status (no_user, 422);
    g_assert_true (lj_test_has_field_error (no_user, "owner_user_id"));
  }
  g_free (match_body);
  match_body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT "}", l2, l3);
  m = create (own_token, "matches", match_body);
  step (own_token, "matches", m, "{\"event\": \"contact\"}", 200, "contacted");
  step (own_token, "matches", m, "{\"event\": \"negotiate\"}", 200, "negotiating");
  step (own_token, "matches", m, "{\"event\": \"sign_intent\"}", 200, "intent_signed");
  step (own_token, "matches", m, "{\"event\": \"stall\", \"reason\": \"资金未到位\"}", 200, "stalled");
  step (own_token, "matches", m, "{\"event\": \"resume_intent_signed\"}", 200, "intent_signed");
  step (own_token, "matches", m, "{\"event\": \"sign_contract\"}", 200, "contract_signed");
  step (own_token, "matches", m, "{\"event\": \"close_lost\"}", 422, NULL);
  step (own_token, "matches", m, "{\"event\": \"close_lost\", \"reason\": \"对方退出\"}", 200, "closed_lost");
  step (own_token, "matches", m, "{\"event\": \"contact\"}", 409, NULL);
  /* The follower may fire though out of scope. */
  {
    g_autofree char *body = g_strdup_printf ("{\"need_id\": %" G_GINT64_FORMAT ", \"offer_id\": %" G_GINT64_FORMAT
                                             ", \"owner_user_id\": %" G_GINT64_FORMAT "}", l2, l3, foreign_user);
    gint64 m2 = create (NULL, "matches", body);
    g_autoptr (LjTestResponse) r = fire (foreign_token, "matches", m2, "{\"event\": \"contact\"}");
    g_autoptr (LjTestResponse) v = fire (viewer_token, "matches", m2, "{\"event\": \"contact\"}");

    assert_status (r, 200);
    assert_status (v, 403);
  }
}

/* ---- the permission table (tests/matching/permissions.tsv), replayed ---- */

typedef struct {
  char *resource, *target, *body, *events;
} PermFixture;

static GPtrArray *perm_fixtures;
static guint perm_uniq;

static char *perm_resolve (const char *text);

/* A fresh record of @resource (`matching/events`) for @target, with
 * @events (NULL: the fixture line's) fired as the admin. */
static gint64
perm_fixture (const char *resource, const char *target, const char *events)
{
  for (guint i = 0; i < perm_fixtures->len; i++)
    {
      PermFixture *f = perm_fixtures->pdata[i];
      g_autofree char *body = NULL;
      g_autofree char *path = NULL;
      g_auto (GStrv) names = NULL;
      g_autoptr (LjTestResponse) r = NULL;
      gint64 id;

      if (strcmp (f->resource, resource) != 0 || strcmp (f->target, target) != 0)
        continue;
      body = perm_resolve (f->body);
      path = g_strdup_printf ("/api/v1/%s", resource);
      r = lj_test_request (server, "POST", path, body, NULL);
      assert_status (r, 201);
      id = lj_test_member_int (r, "id");
      names = g_strsplit (events ? events : f->events ? f->events : "", ",", -1);
      for (guint j = 0; names[j] && *names[j]; j++)
        {
          g_autofree char *tpath = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT "/transitions", resource, id);
          g_autofree char *tbody = g_strdup_printf ("{\"event\": \"%s\"}", names[j]);
          g_autoptr (LjTestResponse) t = lj_test_request (server, "POST", tpath, tbody, NULL);

          assert_status (t, 200);
        }
      return id;
    }
  g_error ("no fixture line for %s %s", resource, target);
}

static char *
perm_resolve (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      const char *end;
      g_autofree char *name = NULL;

      if (*p != '{' || (end = strchr (p, '}')) == NULL || !g_ascii_isalpha (p[1]))
        {
          g_string_append_c (out, *p++);
          continue;
        }
      name = g_strndup (p + 1, end - p - 1);
      if (strcmp (name, "uniq") == 0)
        g_string_append_printf (out, "%u", ++perm_uniq);
      else if (strcmp (name, "own_org") == 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, own_org);
      else if (strcmp (name, "foreign_org") == 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, foreign_org);
      else if (strcmp (name, "own_enterprise") == 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, own_enterprise);
      else if (strcmp (name, "foreign_enterprise") == 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, foreign_enterprise);
      else if (strcmp (name, "own_chain") == 0)
        g_string_append (out, "1");
      else if (strcmp (name, "foreign_chain") == 0)
        g_string_append (out, "2");
      else if (g_str_has_prefix (name, "fixture:"))
        {
          g_auto (GStrv) parts = g_strsplit (name + 8, ":", 3);
          g_string_append_printf (out, "%" G_GINT64_FORMAT, perm_fixture (parts[0], parts[1], parts[2]));
        }
      else
        g_error ("unknown placeholder {%s}", name);
      p = end + 1;
    }
  return g_string_free (out, FALSE);
}

static void
test_permission_table (void)
{
  g_autofree char *file = g_build_filename (g_getenv ("LJ_SOURCE_DIR"), "tests", "matching", "permissions.tsv", NULL);
  g_autofree char *data = NULL;
  g_auto (GStrv) lines = NULL;
  const char *tokens[4] = { NULL, viewer_token, own_token, lj_test_server_get_admin_token (server) };
  const char *who[4] = { "anonymous", "viewer", "secretary", "admin" };
  guint checked = 0;

  g_assert_true (g_file_get_contents (file, &data, NULL, NULL));
  lines = g_strsplit (data, "\n", -1);
  perm_fixtures = g_ptr_array_new ();
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "fixture\t"))
      {
        g_auto (GStrv) c = g_strsplit (lines[i], "\t", -1);
        PermFixture *f = g_new0 (PermFixture, 1);

        f->resource = g_strdup (c[1]);
        f->target = g_strdup (c[2]);
        f->body = g_strdup (c[3]);
        f->events = c[4] ? g_strdup (c[4]) : NULL;
        g_ptr_array_add (perm_fixtures, f);
      }
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) c = NULL;

      if (lines[i][0] == '#' || lines[i][0] == '\0' || g_str_has_prefix (lines[i], "fixture\t"))
        continue;
      c = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (c), ==, 8);
      for (guint k = 0; k < 4; k++)
        {
          g_autofree char *body = strcmp (c[3], "-") == 0 ? NULL : perm_resolve (c[3]);
          g_autofree char *path = NULL;
          g_autoptr (LjTestResponse) r = NULL;
          guint want = (guint) atoi (c[4 + k]);

          if (strstr (c[1], "{id}"))
            {
              g_auto (GStrv) seg = g_strsplit (c[1], "/", -1);   /* "", api, v1, matching, res, {id}… */
              g_autofree char *resource = g_strdup_printf ("%s/%s", seg[3], seg[4]);
              gint64 id = strcmp (c[2], "missing") == 0 ? 999999 : perm_fixture (resource, c[2], NULL);
              g_autofree char *idtext = g_strdup_printf ("%" G_GINT64_FORMAT, id);
              g_auto (GStrv) halves = g_strsplit (c[1], "{id}", 2);

              path = g_strconcat (halves[0], idtext, halves[1], NULL);
            }
          else
            path = g_strdup (c[1]);
          r = lj_test_request_as (server, tokens[k], c[0], path, body, NULL);
          if (r->status != want)
            g_error ("%s %s (%s) as %s: %u, want %u: %s", c[0], c[1], c[2], who[k], r->status, want, text (r));
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 4 * 90);
  for (guint i = 0; i < perm_fixtures->len; i++)
    {
      PermFixture *f = perm_fixtures->pdata[i];
      g_free (f->resource);
      g_free (f->target);
      g_free (f->body);
      g_free (f->events);
      g_free (f);
    }
  g_clear_pointer (&perm_fixtures, g_ptr_array_unref);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  setup ();
  g_test_add_func ("/matching/loaded-and-demo", test_loaded_and_demo);
  g_test_add_func ("/matching/event-roles", test_event_roles);
  g_test_add_func ("/matching/postpone-and-cancel", test_postpone_and_cancel);
  g_test_add_func ("/matching/capacity-and-waitlist", test_capacity_and_waitlist);
  g_test_add_func ("/matching/check-in-codes", test_check_in_codes);
  g_test_add_func ("/matching/suggestions", test_suggestions);
  g_test_add_func ("/matching/match-pipeline", test_match_pipeline);
  g_test_add_func ("/matching/transitions-per-role", test_transitions_per_role);
  g_test_add_func ("/matching/stats-exact", test_stats_exact);
  g_test_add_func ("/matching/stats-chain-sides", test_stats_chain_sides);
  g_test_add_func ("/matching/stats/chain-copies-follow-writes", test_stats_chain_copies_follow_writes);
  g_test_add_func ("/matching/permission-table", test_permission_table);
  rc = g_test_run ();
  lj_test_server_free (server);
  g_free (own_token);
  g_free (foreign_token);
  g_free (viewer_token);
  return rc;
}
