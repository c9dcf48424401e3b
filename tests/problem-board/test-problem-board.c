/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The problem-board plugin against a real server on the demo park: the
 * problem state machine per role, required fields, claim acceptance and its
 * side effects, solving with lagging projects, visibility per tier and role
 * (get, lists, q search, the timeline), the stats section on fixtures
 * isolated by their periods and the park's by_chain against each chain's,
 * the demo's figures, codes, and migrations from an empty database and
 * across a restart.
 *
 * Principals (demo park): the secretary of the enterprise organisation that
 * owns the problems (org 12, covering enterprise 1 on chain 1), of chain
 * 1's committee (org 2, above it), of an enterprise organisation on the
 * same chain that does not own them (org 13), of the organisation hosting
 * the test team (org 20, on chain 2), of an unrelated one (org 51, chain 7),
 * a viewer and the admin. */
#include <string.h>
#include "lj-test-server.h"
#include "lianjian/lianjian.h"

#define ENTERPRISE   1
#define CHAIN        1
#define OWNER_ORG    12
#define CHAIN_ORG    2
#define PEER_ORG     13
#define HOST_ORG     20
#define OTHER_ORG    51
#define PB           "/api/v1/problem-board"

enum { ADMIN, OWNER, CHAIN_SEC, PEER, HOST, OTHER, VIEWER, N_ROLES };
static const char *const role_names[N_ROLES] = { "admin", "owner", "chain", "peer", "host", "other", "viewer" };

static LjTestServer *server;
static char *tokens[N_ROLES];
static gint64 host_team;      /* task force hosted by HOST_ORG */
static gint64 chain_team;     /* commando hosted by CHAIN_ORG */
static gint64 expert_team;    /* expert group hosted by CHAIN_ORG */
static guint uniq;

/* ---- helpers ---- */

static const char *
body_text (LjTestResponse *r)
{
  return r->body ? (const char *) g_bytes_get_data (r->body, NULL) : "";
}

static LjTestResponse *
expect (LjTestResponse *r, guint status)
{
  if (r->status != status)
    g_test_message ("expected %u, got %u: %s", status, r->status, body_text (r));
  g_assert_cmpuint (r->status, ==, status);
  return r;
}

static LjTestResponse *
call (int role, const char *method, const char *path, const char *body)
{
  if (role == ADMIN)
    return lj_test_request (server, method, path, body, NULL);
  return lj_test_request_as (server, tokens[role], method, path, body, NULL);
}

static gint64
create (const char *path, const char *body)
{
  g_autoptr (LjTestResponse) r = expect (call (ADMIN, "POST", path, body), 201);

  return lj_test_member_int (r, "id");
}

static gint64
new_problem (const char *visibility, const char *title_or_null)
{
  g_autofree char *title = title_or_null ? g_strdup (title_or_null) : g_strdup_printf ("测试难题 %u", ++uniq);
  g_autofree char *body = g_strdup_printf ("{\"title\":\"%s\",\"chain_id\":%d,\"enterprise_id\":%d,"
                                           "\"category\":\"formulation\",\"visibility\":\"%s\"}",
                                           title, CHAIN, ENTERPRISE, visibility);

  return create (PB "/problems", body);
}

static LjTestResponse *
fire_as (int role, gint64 id, const char *body)
{
  g_autofree char *path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT "/transitions", id);

  return call (role, "POST", path, body);
}

static void
fire_ok (gint64 id, const char *body)
{
  g_autoptr (LjTestResponse) r = expect (fire_as (ADMIN, id, body), 200);
}

static char *
get_state (gint64 id)
{
  g_autofree char *path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, id);
  g_autoptr (LjTestResponse) r = expect (call (ADMIN, "GET", path, NULL), 200);

  return g_strdup (lj_test_member_string (r, "state"));
}

static JsonObject *
get_record (int role, const char *path, guint status)
{
  g_autoptr (LjTestResponse) r = expect (call (role, "GET", path, NULL), status);

  return status == 200 ? json_object_ref (lj_test_object (r)) : NULL;
}

/* The events @role may fire now on problem @id, joined by spaces. */
static char *
events_now (int role, gint64 id)
{
  g_autofree char *path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT "/transitions", id);
  g_autoptr (LjTestResponse) r = expect (call (role, "GET", path, NULL), 200);
  JsonArray *events = json_object_get_array_member (lj_test_object (r), "events");
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (events); i++)
    g_string_append_printf (s, "%s%s", i ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (events, i), "name"));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Drives a new problem to @state through the admin. */
static gint64
problem_in (const char *state, const char *visibility, gint64 team)
{
  gint64 id = new_problem (visibility, NULL);
  g_autofree char *start = g_strdup_printf ("{\"event\":\"start\",\"team_id\":%" G_GINT64_FORMAT "}", team);

  if (strcmp (state, "draft") == 0)
    return id;
  fire_ok (id, "{\"event\":\"submit\"}");
  if (strcmp (state, "submitted") == 0)
    return id;
  fire_ok (id, "{\"event\":\"review\"}");
  if (strcmp (state, "under_review") == 0)
    return id;
  if (strcmp (state, "needs_info") == 0)
    {
      fire_ok (id, "{\"event\":\"request_info\",\"reason\":\"请补充数据\"}");
      return id;
    }
  fire_ok (id, "{\"event\":\"publish\"}");
  if (strcmp (state, "open") == 0)
    return id;
  fire_ok (id, start);
  if (strcmp (state, "in_progress") == 0)
    return id;
  if (strcmp (state, "on_hold") == 0)
    {
      fire_ok (id, "{\"event\":\"hold\",\"reason\":\"等待设备\"}");
      return id;
    }
  fire_ok (id, "{\"event\":\"deliver\",\"evidence\":\"中试报告\"}");
  if (strcmp (state, "delivered") == 0)
    return id;
  fire_ok (id, "{\"event\":\"solve\",\"verdict\":\"solved\"}");
  return id;
}

static gint64
audit_count (const char *action, const char *entity, gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/audit?action=%s&entity=%s&entity_id=%" G_GINT64_FORMAT
                                           "&limit=500", action, entity, id);
  g_autoptr (LjTestResponse) r = expect (call (ADMIN, "GET", path, NULL), 200);

  return json_array_get_length (json_object_get_array_member (lj_test_object (r), "items"));
}

/* ---- the plugin is there, with the demo ---- */

static void
test_loaded (void)
{
  g_autoptr (LjTestResponse) r = expect (call (ADMIN, "GET", "/api/v1/plugins", NULL), 200);
  g_autoptr (LjTestResponse) health = expect (call (ADMIN, "GET", "/api/v1/health", NULL), 200);
  g_autoptr (JsonObject) chain = get_record (ADMIN, "/api/v1/chains/1", 200);
  g_autoptr (JsonObject) org = get_record (ADMIN, "/api/v1/organizations/12", 200);

  g_assert_nonnull (strstr (body_text (r), "\"problem-board\""));
  g_assert_nonnull (strstr (body_text (health), "\"problem-board\":2"));
  /* The demo park's shape these tests rely on. */
  g_assert_cmpint (json_object_get_int_member (chain, "committee_org_id"), ==, CHAIN_ORG);
  g_assert_cmpint (json_object_get_int_member (org, "parent_id"), ==, CHAIN_ORG);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (org, "enterprise_ids"), 0), ==,
                   ENTERPRISE);
}

/* Every state, the article's two examples, twelve projects back on track. */
static void
test_demo (void)
{
  static const char *const states[] = { "draft", "submitted", "under_review", "needs_info", "rejected", "open",
                                        "in_progress", "on_hold", "delivered", "solved", "unsolved", "withdrawn" };
  g_autoptr (LjTestResponse) all = expect (call (ADMIN, "GET", PB "/problems?limit=1", NULL), 200);
  g_autoptr (LjTestResponse) culture = expect (call (ADMIN, "GET", PB "/problems?q=%E5%BE%AE%E7%94%9F%E7%89%A9%E8%8F%8C%E7%A7%8D", NULL), 200);
  g_autoptr (LjTestResponse) eye = expect (call (ADMIN, "GET", PB "/problems?q=%E6%BB%B4%E7%9C%BC%E6%B6%B2", NULL), 200);
  g_autoptr (LjTestResponse) back = expect (call (ADMIN, "GET", PB "/projects?status=back_on_track", NULL), 200);
  g_autoptr (LjTestResponse) first = expect (call (ADMIN, "GET", PB "/problems?code=JSGG-2025-001", NULL), 200);
  JsonObject *example;

  g_assert_cmpint (lj_test_member_int (all, "total"), >=, 30);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autofree char *path = g_strdup_printf (PB "/problems?state=%s&limit=1", states[i]);
      g_autoptr (LjTestResponse) r = expect (call (ADMIN, "GET", path, NULL), 200);

      if (lj_test_member_int (r, "total") < 1)
        g_test_message ("no demo problem in state %s", states[i]);
      g_assert_cmpint (lj_test_member_int (r, "total"), >=, 1);
    }
  g_assert_cmpint (lj_test_member_int (culture, "total"), ==, 1);
  example = json_array_get_object_element (json_object_get_array_member (lj_test_object (culture), "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (example, "category"), ==, "strain_culture");
  g_assert_cmpstr (json_object_get_string_member (example, "state"), ==, "solved");
  g_assert_cmpint (lj_test_member_int (eye, "total"), ==, 1);
  example = json_array_get_object_element (json_object_get_array_member (lj_test_object (eye), "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (example, "category"), ==, "formulation");
  g_assert_cmpstr (json_object_get_string_member (example, "state"), ==, "solved");
  g_assert_cmpint (lj_test_member_int (back, "total"), ==, 12);
  g_assert_cmpint (lj_test_member_int (first, "total"), ==, 1);
}

/* The demo's figures in /stats/overview (before any test adds problems). */
static void
test_demo_stats (void)
{
  g_autoptr (LjTestResponse) r = expect (call (VIEWER, "GET", "/api/v1/stats/overview", NULL), 200);
  g_autoptr (LjTestResponse) c2 = expect (call (VIEWER, "GET", "/api/v1/stats/overview?chain_id=2", NULL), 200);
  JsonObject *s = json_object_get_object_member (lj_test_object (r), "problem_board");
  JsonObject *s2 = json_object_get_object_member (lj_test_object (c2), "problem_board");

  g_assert_nonnull (s);
  g_assert_cmpint (json_object_get_int_member (s, "posted"), ==, 29);
  g_assert_cmpint (json_object_get_int_member (s, "open"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (s, "in_progress"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (s, "solved"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (s, "unsolved"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (s, "solved_by_party_teams"), ==, 7);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "party_team_share"), 0.875, 1e-9);
  g_assert_cmpint (json_object_get_int_member (s, "projects_back_on_track"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (s, "projects_lagging"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "median_days_to_solve"), 92, 1e-9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s, "by_chain")), ==, 10);
  /* Chain 2 (green food): the microbial culture and the residue test. */
  g_assert_cmpint (json_object_get_int_member (s2, "solved"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (s2, "projects_back_on_track"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s2, "median_days_to_solve"), 92, 1e-9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s2, "by_chain")), ==, 1);
}

/* ---- codes ---- */

static void
test_codes (void)
{
  gint64 a = new_problem ("park", NULL), b = new_problem ("park", NULL);
  g_autofree char *pa = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, a);
  g_autofree char *pb = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, b);
  g_autoptr (JsonObject) ra = get_record (ADMIN, pa, 200);
  g_autoptr (JsonObject) rb = get_record (ADMIN, pb, 200);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stem = g_strdup_printf ("JSGG-%04d-", g_date_time_get_year (now));
  const char *ca = json_object_get_string_member (ra, "code"), *cb = json_object_get_string_member (rb, "code");
  g_autoptr (LjTestResponse) ro = expect (call (ADMIN, "PATCH", pa, "{\"code\":\"JSGG-1999-001\"}"), 422);

  g_assert_true (g_str_has_prefix (ca, stem));
  g_assert_true (g_str_has_prefix (cb, stem));
  g_assert_cmpint (g_ascii_strtoll (cb + strlen (stem), NULL, 10), ==, g_ascii_strtoll (ca + strlen (stem), NULL, 10) + 1);
  g_assert_true (lj_test_has_field_error (ro, "code"));
}

/* ---- the state machine, per role ---- */

typedef struct {
  const char *state;
  const char *events[N_ROLES];   /* what each role may fire now; NULL: the GET itself is 404 */
} EventsRow;

static void
test_events_per_role (void)
{
  /* owner and chain: the chain committee's scope holds the owning
   * organisation, so its secretary is an owner too (docs/plugins/problem-board.md). */
  static const EventsRow rows[] = {
    { "draft", { "submit withdraw", "submit withdraw", "submit withdraw", "", "", "", "" } },
    { "submitted", { "review withdraw", "withdraw", "review withdraw", "", "", "", "" } },
    { "under_review", { "request_info reject publish withdraw", "withdraw", "request_info reject publish withdraw",
                        "", "", "", "" } },
    { "needs_info", { "resubmit withdraw", "resubmit withdraw", "resubmit withdraw", "", "", "", "" } },
    { "open", { "start withdraw", "withdraw", "start withdraw", "", "", "", "" } },
    { "in_progress", { "hold deliver close_unsolved", "", "hold close_unsolved", "", "deliver", "", "" } },
    { "on_hold", { "resume close_unsolved", "", "resume close_unsolved", "", "", "", "" } },
    { "delivered", { "solve fail_acceptance", "solve fail_acceptance", "solve fail_acceptance", "", "", "", "" } },
    { "solved", { "", "", "", "", "", "", "" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gint64 id = problem_in (rows[i].state, "park", host_team);

      for (int role = 0; role < N_ROLES; role++)
        {
          g_autofree char *got = events_now (role, id);

          if (g_strcmp0 (got, rows[i].events[role]) != 0)
            g_test_message ("%s as %s: %s", rows[i].state, role_names[role], got);
          g_assert_cmpstr (got, ==, rows[i].events[role]);
        }
    }
}

/* Refusals: 403 with no say at all, 409 naming what one may fire now. */
static void
test_refusals (void)
{
  gint64 draft = problem_in ("draft", "park", 0);
  gint64 progress = problem_in ("in_progress", "park", host_team);
  g_autoptr (LjTestResponse) viewer = expect (fire_as (VIEWER, draft, "{\"event\":\"submit\"}"), 403);
  g_autoptr (LjTestResponse) other = expect (fire_as (OTHER, draft, "{\"event\":\"submit\"}"), 403);
  g_autoptr (LjTestResponse) host = expect (fire_as (HOST, draft, "{\"event\":\"submit\"}"), 403);
  g_autoptr (LjTestResponse) owner_publish = expect (fire_as (OWNER, draft, "{\"event\":\"publish\"}"), 409);
  g_autoptr (LjTestResponse) owner_hold = expect (fire_as (OWNER, progress, "{\"event\":\"hold\",\"reason\":\"x\"}"), 409);
  g_autoptr (LjTestResponse) host_hold = expect (fire_as (HOST, progress, "{\"event\":\"hold\",\"reason\":\"x\"}"), 409);
  g_autoptr (LjTestResponse) chain_deliver = expect (fire_as (CHAIN_SEC, progress,
                                                              "{\"event\":\"deliver\",\"evidence\":\"x\"}"), 409);
  g_autoptr (LjTestResponse) unknown = expect (fire_as (ADMIN, draft, "{\"event\":\"explode\"}"), 422);
  JsonArray *allowed = json_object_get_array_member (lj_test_object (owner_publish), "allowed_events");
  g_autofree char *state = NULL;

  g_assert_cmpuint (json_array_get_length (allowed), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (allowed, 0), ==, "submit");
  g_assert_cmpstr (json_array_get_string_element (allowed, 1), ==, "withdraw");
  g_assert_nonnull (strstr (body_text (owner_publish), "events you may fire now: submit, withdraw"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (lj_test_object (owner_hold),
                                                                          "allowed_events")), ==, 0);
  allowed = json_object_get_array_member (lj_test_object (host_hold), "allowed_events");
  g_assert_cmpuint (json_array_get_length (allowed), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (allowed, 0), ==, "deliver");
  g_assert_nonnull (strstr (body_text (chain_deliver), "hold, close_unsolved"));
  g_assert_true (lj_test_has_field_error (unknown, "event"));
  /* Nothing moved. */
  state = get_state (draft);
  g_assert_cmpstr (state, ==, "draft");
  g_free (state);
  state = get_state (progress);
  g_assert_cmpstr (state, ==, "in_progress");
  g_assert_cmpint (audit_count ("publish", "problem-board/problems", draft), ==, 0);
}

/* The fields events require, and the outcome only through solve. */
static void
test_required_fields (void)
{
  gint64 review = problem_in ("under_review", "park", 0);
  gint64 open = problem_in ("open", "park", 0);
  gint64 progress = problem_in ("in_progress", "park", host_team);
  gint64 delivered = problem_in ("delivered", "park", host_team);
  g_autofree char *path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, delivered);
  g_autofree char *open_path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, open);
  struct { gint64 id; const char *body; const char *field; } cases[] = {
    { review, "{\"event\":\"reject\"}", "reason" },
    { review, "{\"event\":\"reject\",\"reason\":\"  \"}", "reason" },
    { review, "{\"event\":\"request_info\"}", "reason" },
    { open, "{\"event\":\"start\"}", "team_id" },
    { open, "{\"event\":\"start\",\"team_id\":999999}", "team_id" },
    { progress, "{\"event\":\"hold\"}", "reason" },
    { progress, "{\"event\":\"close_unsolved\"}", "reason" },
    { progress, "{\"event\":\"deliver\"}", "evidence" },
    { delivered, "{\"event\":\"solve\"}", "verdict" },
    { delivered, "{\"event\":\"solve\",\"verdict\":\"great\"}", "verdict" },
    { delivered, "{\"event\":\"solve\",\"verdict\":\"solved\",\"satisfaction\":6}", "satisfaction" },
    { delivered, "{\"event\":\"solve\",\"verdict\":\"solved\",\"projects_back_on_track\":\"yes\"}", "projects_back_on_track" },
    { delivered, "{\"event\":\"solve\",\"verdict\":\"solved\",\"colour\":\"red\"}", "colour" },
    { delivered, "{\"event\":\"fail_acceptance\"}", "reason" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (LjTestResponse) r = fire_as (ADMIN, cases[i].id, cases[i].body);

      if (r->status != 422 || !lj_test_has_field_error (r, cases[i].field))
        g_test_message ("%s: %u %s", cases[i].body, r->status, body_text (r));
      g_assert_cmpuint (r->status, ==, 422);
      g_assert_true (lj_test_has_field_error (r, cases[i].field));
    }
  {
    g_autoptr (LjTestResponse) early = expect (call (ADMIN, "PATCH", open_path, "{\"verdict\":\"solved\"}"), 422);
    g_autoptr (LjTestResponse) state = expect (call (ADMIN, "PATCH", open_path, "{\"state\":\"solved\"}"), 422);
    g_autoptr (LjTestResponse) failed = expect (fire_as (OWNER, delivered,
                                                         "{\"event\":\"fail_acceptance\",\"reason\":\"指标未达标\"}"), 200);
    g_autoptr (LjTestResponse) redeliver = expect (fire_as (HOST, delivered,
                                                            "{\"event\":\"deliver\",\"evidence\":\"二次中试\"}"), 200);
    g_autoptr (LjTestResponse) solved = expect (fire_as (OWNER, delivered,
      "{\"event\":\"solve\",\"verdict\":\"partly_solved\",\"days_recovered\":20,\"cost_saved_cny\":150000.5,"
      "\"output_value_cny\":3000000,\"patents\":2,\"outcome_note\":\"收率提高 8%\",\"satisfaction\":4}"), 200);
    g_autoptr (JsonObject) rec = get_record (VIEWER, path, 200);

    g_assert_true (lj_test_has_field_error (early, "verdict"));
    g_assert_true (lj_test_has_field_error (state, "state"));
    g_assert_cmpstr (lj_test_member_string (failed, "state"), ==, "in_progress");
    g_assert_cmpstr (json_object_get_string_member (rec, "state"), ==, "solved");
    g_assert_cmpstr (json_object_get_string_member (rec, "verdict"), ==, "partly_solved");
    g_assert_cmpint (json_object_get_int_member (rec, "days_recovered"), ==, 20);
    g_assert_cmpint (json_object_get_int_member (rec, "patents"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (rec, "satisfaction"), ==, 4);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rec, "cost_saved_cny"), 150000.5, 1e-6);
    g_assert_false (json_node_is_null (json_object_get_member (rec, "solved_at")));
    g_assert_cmpint (audit_count ("solve", "problem-board/problems", delivered), ==, 1);
    g_assert_cmpint (audit_count ("fail_acceptance", "problem-board/problems", delivered), ==, 1);
  }
}

/* ---- claims ---- */

static gint64
claim (int role, gint64 problem, gint64 team, guint status)
{
  g_autofree char *body = g_strdup_printf ("{\"problem_id\":%" G_GINT64_FORMAT ",\"team_id\":%" G_GINT64_FORMAT
                                           ",\"approach\":\"党员骨干领衔攻关\"}", problem, team);
  g_autoptr (LjTestResponse) r = expect (call (role, "POST", PB "/claims", body), status);

  return status == 201 ? lj_test_member_int (r, "id") : 0;
}

static char *
claim_state (gint64 id)
{
  g_autofree char *path = g_strdup_printf (PB "/claims/%" G_GINT64_FORMAT, id);
  g_autoptr (JsonObject) rec = get_record (ADMIN, path, 200);

  return g_strdup (json_object_get_string_member (rec, "state"));
}

static void
test_claims (void)
{
  gint64 draft = problem_in ("draft", "park", 0);
  gint64 open = problem_in ("open", "park", 0);
  gint64 a, b, c;
  g_autofree char *accept_path = NULL;
  g_autofree char *problem_path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, open);
  g_autoptr (JsonObject) problem = NULL;
  g_autofree char *sa = NULL, *sb = NULL, *sc = NULL;

  claim (HOST, draft, host_team, 422);            /* not open */
  claim (OTHER, open, host_team, 403);            /* not their team */
  claim (VIEWER, open, host_team, 403);
  a = claim (HOST, open, host_team, 201);
  claim (HOST, open, host_team, 422);             /* one live claim per team */
  b = claim (CHAIN_SEC, open, chain_team, 201);
  c = claim (ADMIN, open, expert_team, 201);
  {
    g_autofree char *wpath = g_strdup_printf (PB "/claims/%" G_GINT64_FORMAT "/transitions", c);
    g_autofree char *spath = g_strdup_printf (PB "/claims/%" G_GINT64_FORMAT "/transitions", b);
    g_autoptr (LjTestResponse) host_withdraw = expect (call (HOST, "POST", wpath, "{\"event\":\"withdraw\"}"), 403);
    g_autoptr (LjTestResponse) shortlist = expect (call (OWNER, "POST", spath, "{\"event\":\"shortlist\"}"), 200);
    g_autoptr (LjTestResponse) withdraw = expect (call (CHAIN_SEC, "POST", wpath, "{\"event\":\"withdraw\"}"), 200);
  }
  /* The team host may not accept its own claim; the problem's owner may. */
  accept_path = g_strdup_printf (PB "/claims/%" G_GINT64_FORMAT "/transitions", a);
  {
    g_autoptr (LjTestResponse) self = expect (call (HOST, "POST", accept_path, "{\"event\":\"accept\"}"), 409);
    g_autoptr (LjTestResponse) ok = expect (call (OWNER, "POST", accept_path, "{\"event\":\"accept\"}"), 200);

    g_assert_cmpstr (lj_test_member_string (ok, "state"), ==, "accepted");
  }
  sa = claim_state (a);
  sb = claim_state (b);
  sc = claim_state (c);
  g_assert_cmpstr (sa, ==, "accepted");
  g_assert_cmpstr (sb, ==, "declined");
  g_assert_cmpstr (sc, ==, "withdrawn");   /* withdrawn before: left alone */
  problem = get_record (ADMIN, problem_path, 200);
  g_assert_cmpstr (json_object_get_string_member (problem, "state"), ==, "in_progress");
  g_assert_cmpint (json_object_get_int_member (problem, "team_id"), ==, host_team);
  g_assert_false (json_node_is_null (json_object_get_member (problem, "started_at")));
  g_assert_cmpint (json_object_get_int_member (problem, "claim_count"), ==, 3);
  g_assert_cmpint (audit_count ("start", "problem-board/problems", open), ==, 1);
  g_assert_cmpint (audit_count ("decline", "problem-board/claims", b), ==, 1);
  /* Too late for more claims or a second acceptance. */
  claim (CHAIN_SEC, open, expert_team, 422);
  {
    g_autofree char *bpath = g_strdup_printf (PB "/claims/%" G_GINT64_FORMAT "/transitions", b);
    g_autoptr (LjTestResponse) again = expect (call (OWNER, "POST", bpath, "{\"event\":\"accept\"}"), 409);
  }
  /* The history says who: the owner accepted, the system started the problem. */
  {
    g_autofree char *tpath = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT "/transitions", open);
    g_autoptr (LjTestResponse) t = expect (call (ADMIN, "GET", tpath, NULL), 200);

    g_assert_nonnull (strstr (body_text (t), "\"event\":\"start\""));
    g_assert_nonnull (strstr (body_text (t), "\"actor_role\":\"secretary\""));
  }
  /* Withdrawing an open problem declines its live claims. */
  {
    gint64 other = problem_in ("open", "park", 0);
    gint64 d = claim (HOST, other, host_team, 201);
    g_autofree char *dpath = g_strdup_printf (PB "/claims/%" G_GINT64_FORMAT "/transitions", d);
    g_autoptr (LjTestResponse) accept = NULL;
    g_autofree char *dstate = NULL;

    fire_ok (other, "{\"event\":\"withdraw\"}");
    dstate = claim_state (d);
    g_assert_cmpstr (dstate, ==, "declined");
    accept = expect (call (ADMIN, "POST", dpath, "{\"event\":\"accept\"}"), 409);
  }
  /* Started directly by the committee with its own team: the live claim
   * is declined and can no longer be accepted. */
  {
    gint64 other = problem_in ("open", "park", 0);
    gint64 e = claim (HOST, other, host_team, 201);
    g_autofree char *epath = g_strdup_printf (PB "/claims/%" G_GINT64_FORMAT "/transitions", e);
    g_autofree char *start = g_strdup_printf ("{\"event\":\"start\",\"team_id\":%" G_GINT64_FORMAT "}", chain_team);
    g_autoptr (LjTestResponse) accept = NULL;
    g_autofree char *estate = NULL;
    g_autofree char *pstate = NULL;

    fire_ok (other, start);
    estate = claim_state (e);
    g_assert_cmpstr (estate, ==, "declined");
    accept = expect (call (OWNER, "POST", epath, "{\"event\":\"accept\"}"), 409);
    pstate = get_state (other);
    g_assert_cmpstr (pstate, ==, "in_progress");
  }
}

/* ---- solving brings lagging projects back on track ---- */

static gint64
new_project (const char *status)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"重点项目 %u\",\"enterprise_id\":%d,\"chain_id\":%d,"
                                           "\"status\":\"%s\",\"lag_reason\":\"工艺瓶颈\"}", ++uniq, ENTERPRISE, CHAIN,
                                           status);

  return create (PB "/projects", body);
}

static void
test_projects_back_on_track (void)
{
  gint64 lagging1 = new_project ("lagging"), lagging2 = new_project ("lagging"), done = new_project ("done");
  gint64 untouched = new_project ("lagging");
  gint64 p = problem_in ("delivered", "park", host_team), q = problem_in ("delivered", "park", host_team);
  g_autofree char *link = g_strdup_printf ("{\"project_ids\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%"
                                           G_GINT64_FORMAT "]}", lagging1, lagging2, done);
  g_autofree char *link2 = g_strdup_printf ("{\"project_ids\":[%" G_GINT64_FORMAT "]}", untouched);
  g_autofree char *ppath = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, p);
  g_autofree char *qpath = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, q);
  g_autoptr (LjTestResponse) l1 = expect (call (OWNER, "PATCH", ppath, link), 200);
  g_autoptr (LjTestResponse) l2 = expect (call (OWNER, "PATCH", qpath, link2), 200);
  g_autoptr (LjTestResponse) solved = NULL;
  g_autoptr (LjTestResponse) plain = NULL;
  g_autoptr (LjTestResponse) linked = NULL;
  gint64 ids[] = { lagging1, lagging2, done, untouched };
  const char *status[] = { "back_on_track", "back_on_track", "done", "lagging" };

  solved = expect (fire_as (OWNER, p, "{\"event\":\"solve\",\"verdict\":\"solved\",\"projects_back_on_track\":true,"
                                      "\"back_on_track_on\":\"2026-06-30\"}"), 200);
  plain = expect (fire_as (OWNER, q, "{\"event\":\"solve\",\"verdict\":\"solved\"}"), 200);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *path = g_strdup_printf (PB "/projects/%" G_GINT64_FORMAT, ids[i]);
      g_autoptr (JsonObject) rec = get_record (VIEWER, path, 200);

      g_assert_cmpstr (json_object_get_string_member (rec, "status"), ==, status[i]);
      if (i < 2)
        g_assert_cmpstr (json_object_get_string_member (rec, "back_on_track_on"), ==, "2026-06-30");
    }
  g_assert_cmpint (audit_count ("update", "problem-board/projects", lagging1), ==, 1);
  g_assert_cmpint (audit_count ("update", "problem-board/projects", done), ==, 0);
  {
    g_autofree char *fpath = g_strdup_printf (PB "/projects?problem_id=%" G_GINT64_FORMAT, p);
    linked = expect (call (VIEWER, "GET", fpath, NULL), 200);
    g_assert_cmpint (lj_test_member_int (linked, "total"), ==, 3);
  }
  /* The date only goes with the flag, and must be a date. */
  {
    gint64 r = problem_in ("delivered", "park", host_team);
    g_autoptr (LjTestResponse) bad = expect (fire_as (OWNER, r, "{\"event\":\"solve\",\"verdict\":\"solved\","
                                                                "\"back_on_track_on\":\"2026-06-30\"}"), 422);
    g_autoptr (LjTestResponse) bad_date = expect (fire_as (OWNER, r, "{\"event\":\"solve\",\"verdict\":\"solved\","
      "\"projects_back_on_track\":true,\"back_on_track_on\":\"2026-02-30\"}"), 422);

    g_assert_true (lj_test_has_field_error (bad, "back_on_track_on"));
    g_assert_true (lj_test_has_field_error (bad_date, "back_on_track_on"));
  }
}

/* ---- progress updates ---- */

static void
test_updates (void)
{
  gint64 progress = problem_in ("in_progress", "park", host_team);
  gint64 open = problem_in ("open", "park", 0);
  g_autofree char *good = g_strdup_printf ("{\"problem_id\":%" G_GINT64_FORMAT ",\"kind\":\"experiment\","
                                           "\"text\":\"第三批次试验\",\"progress_pct\":60,\"at\":\"2026-05-01T08:00:00Z\"}",
                                           progress);
  g_autofree char *early = g_strdup_printf ("{\"problem_id\":%" G_GINT64_FORMAT ",\"kind\":\"update\","
                                            "\"text\":\"x\",\"at\":\"2026-05-01T08:00:00Z\"}", open);
  g_autoptr (LjTestResponse) by_host = expect (call (HOST, "POST", PB "/updates", good), 201);
  g_autoptr (LjTestResponse) by_owner = expect (call (OWNER, "POST", PB "/updates", good), 201);
  g_autoptr (LjTestResponse) by_other = expect (call (OTHER, "POST", PB "/updates", good), 403);
  g_autoptr (LjTestResponse) too_early = expect (call (ADMIN, "POST", PB "/updates", early), 422);
  g_autofree char *list = g_strdup_printf (PB "/updates?problem_id=%" G_GINT64_FORMAT, progress);
  g_autoptr (LjTestResponse) items = expect (call (VIEWER, "GET", list, NULL), 200);

  g_assert_cmpint (lj_test_member_int (by_host, "progress_pct"), ==, 60);
  g_assert_true (lj_test_has_field_error (too_early, "problem_id"));
  g_assert_cmpint (lj_test_member_int (items, "total"), ==, 2);
  (void) by_owner;
  (void) by_other;
}

/* ---- teams ---- */

static void
test_teams (void)
{
  g_autofree char *path = g_strdup_printf (PB "/teams/%" G_GINT64_FORMAT, host_team);
  g_autoptr (JsonObject) team = get_record (VIEWER, path, 200);
  JsonObject *party = json_object_get_object_member (team, "party_members");
  g_autoptr (LjTestResponse) bad = NULL;
  g_autofree char *bad_body = g_strdup_printf ("{\"name\":\"x\",\"kind\":\"commando\",\"host_org_id\":%d,"
                                               "\"members\":[{\"role\":\"expert\"},{\"member_id\":1,\"external_name\":\"y\","
                                               "\"role\":\"expert\"}]}", HOST_ORG);

  g_assert_cmpint (json_object_get_int_member (party, "count"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (party, "of"), ==, 2);
  g_assert_true (json_object_get_boolean_member (party, "leader_is_member"));
  bad = expect (call (HOST, "POST", PB "/teams", bad_body), 422);
  g_assert_true (lj_test_has_field_error (bad, "members[0]"));
  g_assert_true (lj_test_has_field_error (bad, "members[1]"));
}

/* ---- visibility ---- */

static gboolean
timeline_has (int role, gint64 problem)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%d/timeline?limit=200", ENTERPRISE);
  g_autoptr (LjTestResponse) r = expect (call (role, "GET", path, NULL), 200);
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *e = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (e, "resource"), "problem-board/problems") == 0 &&
          json_object_get_int_member (e, "record_id") == problem)
        return TRUE;
    }
  return FALSE;
}

static gint64
search_total (int role, const char *word)
{
  g_autofree char *escaped = g_uri_escape_string (word, NULL, FALSE);
  g_autofree char *path = g_strdup_printf (PB "/problems?q=%s", escaped);
  g_autoptr (LjTestResponse) r = expect (call (role, "GET", path, NULL), 200);

  return lj_test_member_int (r, "total");
}

static void
check_visible (gint64 id, const char *word, const gboolean *sees)
{
  g_autofree char *path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, id);
  g_autofree char *tpath = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT "/transitions", id);

  for (int role = 0; role < N_ROLES; role++)
    {
      g_autoptr (LjTestResponse) get = call (role, "GET", path, NULL);
      g_autoptr (LjTestResponse) t = call (role, "GET", tpath, NULL);
      g_autoptr (LjTestResponse) patch = call (role, "PATCH", path, "{\"priority\":\"high\"}");

      if (get->status != (sees[role] ? 200u : 404u))
        g_test_message ("problem %" G_GINT64_FORMAT " as %s: %u", id, role_names[role], get->status);
      g_assert_cmpuint (get->status, ==, sees[role] ? 200 : 404);
      g_assert_cmpuint (t->status, ==, sees[role] ? 200 : 404);
      if (!sees[role])
        g_assert_cmpuint (patch->status, ==, role == VIEWER ? 403 : 404);
      g_assert_cmpint (search_total (role, word), ==, sees[role] ? 1 : 0);
      g_assert_cmpint (timeline_has (role, id), ==, sees[role]);
    }
}

/* The same search by every role in turn, with no write in between: list
 * totals are remembered until the data changes (core/store/lj-store-memo.c),
 * and a total one caller may see must never answer another who may not. */
static void
check_search_totals (const char *word, const gboolean *sees)
{
  for (guint pass = 0; pass < 2; pass++)
    for (int role = 0; role < N_ROLES; role++)
      g_assert_cmpint (search_total (role, word), ==, sees[role] ? 1 : 0);
}

static void
test_visibility (void)
{
  /* admin owner chain peer host other viewer */
  static const gboolean park[N_ROLES] = { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE };
  static const gboolean chain[N_ROLES] = { TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE };
  static const gboolean team_before[N_ROLES] = { TRUE, TRUE, TRUE, FALSE, FALSE, FALSE, FALSE };
  static const gboolean team_after[N_ROLES] = { TRUE, TRUE, TRUE, FALSE, TRUE, FALSE, FALSE };
  gint64 p = new_problem ("park", "可见性园区级难题甲"), c = new_problem ("chain", "可见性链级难题乙");
  gint64 t = new_problem ("team", "可见性团队级难题丙");
  g_autofree char *start = g_strdup_printf ("{\"event\":\"start\",\"team_id\":%" G_GINT64_FORMAT "}", host_team);
  g_autofree char *claims_path = g_strdup_printf (PB "/claims?problem_id=%" G_GINT64_FORMAT, t);

  fire_ok (p, "{\"event\":\"submit\"}");
  fire_ok (c, "{\"event\":\"submit\"}");
  fire_ok (t, "{\"event\":\"submit\"}");
  check_visible (p, "园区级难题甲", park);
  check_visible (c, "链级难题乙", chain);
  check_visible (t, "团队级难题丙", team_before);
  check_search_totals ("链级难题乙", chain);
  check_search_totals ("团队级难题丙", team_before);
  /* The team tier opens to the accepted team's host organisation. */
  fire_ok (t, "{\"event\":\"review\"}");
  fire_ok (t, "{\"event\":\"publish\"}");
  fire_ok (t, start);
  check_visible (t, "团队级难题丙", team_after);
  /* Its progress updates and claims follow the problem. */
  {
    g_autofree char *body = g_strdup_printf ("{\"problem_id\":%" G_GINT64_FORMAT ",\"kind\":\"meeting\","
                                             "\"text\":\"保密会议\",\"at\":\"2026-05-02T08:00:00Z\"}", t);
    gint64 u = create (PB "/updates", body);
    g_autofree char *upath = g_strdup_printf (PB "/updates/%" G_GINT64_FORMAT, u);
    g_autofree char *ulist = g_strdup_printf (PB "/updates?problem_id=%" G_GINT64_FORMAT, t);
    g_autoptr (LjTestResponse) host_get = expect (call (HOST, "GET", upath, NULL), 200);
    g_autoptr (LjTestResponse) peer_get = expect (call (PEER, "GET", upath, NULL), 404);
    g_autoptr (LjTestResponse) viewer_list = expect (call (VIEWER, "GET", ulist, NULL), 200);
    g_autoptr (LjTestResponse) other_claims = expect (call (OTHER, "GET", claims_path, NULL), 200);

    g_assert_cmpint (lj_test_member_int (viewer_list, "total"), ==, 0);
    g_assert_cmpint (lj_test_member_int (other_claims, "total"), ==, 0);
  }
  /* Stats count every problem, whatever its tier. */
  {
    g_autoptr (LjTestResponse) s = expect (call (VIEWER, "GET", "/api/v1/stats/overview?chain_id=1", NULL), 200);
    g_autoptr (LjTestResponse) a = expect (call (ADMIN, "GET", "/api/v1/stats/overview?chain_id=1", NULL), 200);
    JsonObject *vs = json_object_get_object_member (lj_test_object (s), "problem_board");
    JsonObject *as = json_object_get_object_member (lj_test_object (a), "problem_board");

    g_assert_cmpint (json_object_get_int_member (vs, "posted"), ==, json_object_get_int_member (as, "posted"));
  }
}

/* ---- stats, exact on a fixture isolated by its period ---- */

static JsonObject *
stats (const char *from, const char *to)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/stats/overview?chain_id=%d&from=%s&to=%s", CHAIN, from, to);
  g_autoptr (LjTestResponse) r = expect (call (VIEWER, "GET", path, NULL), 200);

  return json_object_ref (json_object_get_object_member (lj_test_object (r), "problem_board"));
}

static char *
now_plus (gint64 seconds)
{
  g_autoptr (GDateTime) now = g_date_time_new_from_unix_utc (lj_clock_now_seconds () + seconds);

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static void
test_stats_fixture (void)
{
  g_autofree char *from = NULL, *to = NULL, *start_host = NULL, *start_expert = NULL, *link = NULL, *ppath = NULL;
  g_autoptr (JsonObject) before = NULL;
  g_autoptr (JsonObject) after = NULL;
  gint64 a, b, c, d, project;

  lj_clock_advance_for_testing (400 * 86400);   /* past everything before */
  from = now_plus (0);
  before = stats ("2000-01-01", from);
  start_host = g_strdup_printf ("{\"event\":\"start\",\"team_id\":%" G_GINT64_FORMAT "}", chain_team);
  start_expert = g_strdup_printf ("{\"event\":\"start\",\"team_id\":%" G_GINT64_FORMAT "}", expert_team);
  a = problem_in ("submitted", "park", 0);
  b = problem_in ("submitted", "team", 0);
  c = problem_in ("submitted", "chain", 0);
  d = problem_in ("submitted", "park", 0);
  project = new_project ("lagging");
  link = g_strdup_printf ("{\"project_ids\":[%" G_GINT64_FORMAT "]}", project);
  ppath = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, a);
  {
    g_autoptr (LjTestResponse) l = expect (call (ADMIN, "PATCH", ppath, link), 200);
  }
  for (int i = 0; i < 3; i++)
    {
      gint64 id = (gint64[]) { a, b, c }[i];

      fire_ok (id, "{\"event\":\"review\"}");
      fire_ok (id, "{\"event\":\"publish\"}");
      fire_ok (id, i == 1 ? start_expert : start_host);
      if (i < 2)
        fire_ok (id, "{\"event\":\"deliver\",\"evidence\":\"报告\"}");
    }
  fire_ok (d, "{\"event\":\"review\"}");
  fire_ok (d, "{\"event\":\"publish\"}");
  lj_clock_advance_for_testing (10 * 86400);
  fire_ok (a, "{\"event\":\"solve\",\"verdict\":\"solved\",\"projects_back_on_track\":true}");
  lj_clock_advance_for_testing (20 * 86400);
  fire_ok (b, "{\"event\":\"solve\",\"verdict\":\"solved\"}");
  fire_ok (c, "{\"event\":\"close_unsolved\",\"reason\":\"无法解决\"}");
  to = now_plus (1);
  after = stats (from, to);
  /* a: 10 days by a commando team, with a project; b: 30 days by an
   * expert group; c closed unsolved; d open. */
  g_assert_cmpint (json_object_get_int_member (after, "posted"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (after, "solved"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (after, "unsolved"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (after, "solved_by_party_teams"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (after, "party_team_share"), 0.5, 1e-9);
  /* Days between timestamps taken while the test runs: seconds of slack
   * on a loaded machine (0.01 day is 14 minutes). */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (after, "median_days_to_solve"), 20, 0.01);
  g_assert_cmpint (json_object_get_int_member (after, "projects_back_on_track"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (after, "open"), ==, json_object_get_int_member (before, "open") + 1);
  g_assert_cmpint (json_object_get_int_member (after, "in_progress"), ==,
                   json_object_get_int_member (before, "in_progress"));
  g_assert_cmpint (json_object_get_int_member (after, "projects_lagging"), ==,
                   json_object_get_int_member (before, "projects_lagging"));
  /* Nothing of it happened in the earlier period. */
  {
    g_autoptr (JsonObject) earlier = stats ("2000-01-01", from);

    g_assert_cmpint (json_object_get_int_member (earlier, "posted"), ==, json_object_get_int_member (before, "posted"));
    g_assert_cmpint (json_object_get_int_member (earlier, "solved"), ==, json_object_get_int_member (before, "solved"));
  }
  /* The timeline tells the solve and the project, on their days. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%d/timeline?limit=20", ENTERPRISE);
    g_autoptr (LjTestResponse) r = expect (call (VIEWER, "GET", path, NULL), 200);

    g_assert_nonnull (strstr (body_text (r), "problem-board.problem.solved"));
    g_assert_nonnull (strstr (body_text (r), "problem-board.project.back_on_track"));
    g_assert_nonnull (strstr (body_text (r), "problem-board.problem.claimed"));
  }
}

/* The section for the whole park (@period: NULL or "from=…&to=…"). */
static JsonObject *
park_stats (const char *period)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/stats/overview%s%s", period ? "?" : "", period ? period : "");
  g_autoptr (LjTestResponse) r = expect (call (VIEWER, "GET", path, NULL), 200);

  return json_object_ref (json_object_get_object_member (lj_test_object (r), "problem_board"));
}

static JsonObject *
chain_stats (gint64 chain, const char *period)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/stats/overview?chain_id=%" G_GINT64_FORMAT "%s%s", chain,
                                           period ? "&" : "", period ? period : "");
  g_autoptr (LjTestResponse) r = expect (call (VIEWER, "GET", path, NULL), 200);

  return json_object_ref (json_object_get_object_member (lj_test_object (r), "problem_board"));
}

/* The park and one chain come from different statements: every chain's
 * entry in the park's by_chain is what ?chain_id= answers for it, to the
 * last bit of the medians, and the park's counts add its chains' up. */
static void
check_park_matches_chains (const char *period)
{
  static const char *const counts[] = { "posted", "open", "in_progress", "solved", "unsolved",
                                        "solved_by_party_teams", "projects_back_on_track", "projects_lagging" };
  g_autoptr (JsonObject) park = park_stats (period);
  JsonArray *by_chain = json_object_get_array_member (park, "by_chain");
  gint64 sums[G_N_ELEMENTS (counts)] = { 0 };

  g_assert_cmpuint (json_array_get_length (by_chain), ==, 10);
  for (guint i = 0; i < json_array_get_length (by_chain); i++)
    {
      JsonObject *entry = json_array_get_object_element (by_chain, i);
      g_autoptr (JsonObject) own = chain_stats (json_object_get_int_member (entry, "chain_id"), period);
      g_autoptr (GList) names = json_object_get_members (entry);

      /* The same members (chain_id there, by_chain here), the same values. */
      g_assert_cmpuint (json_object_get_size (entry), ==, json_object_get_size (own));
      for (GList *l = names; l; l = l->next)
        if (strcmp (l->data, "chain_id") != 0)
          {
            gboolean same = json_node_equal (json_object_get_member (entry, l->data),
                                             json_object_get_member (own, l->data));

            if (!same)
              g_test_message ("chain %" G_GINT64_FORMAT ": %s differs", json_object_get_int_member (entry, "chain_id"),
                              (const char *) l->data);
            g_assert_true (same);
          }
      for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
        sums[c] += json_object_get_int_member (entry, counts[c]);
    }
  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    g_assert_cmpint (json_object_get_int_member (park, counts[c]), ==, sums[c]);
}

static void
test_stats_park_and_chains (void)
{
  check_park_matches_chains (NULL);
  check_park_matches_chains ("from=2025-01-01&to=2026-01-01");
  check_park_matches_chains ("from=2025-06-01");
}

static char *
solved_at (gint64 id)
{
  g_autofree char *path = g_strdup_printf (PB "/problems/%" G_GINT64_FORMAT, id);
  g_autoptr (LjTestResponse) r = expect (call (ADMIN, "GET", path, NULL), 200);

  return g_strdup (lj_test_member_string (r, "solved_at"));
}

/* Three problems solved 5, 15 and 40 days after they were posted, by a
 * commando team, an expert group and a task force, alone in their period:
 * the median of an odd count is the middle one; a period counts what
 * happened at its start and not what happened at its end; the park's
 * other chains are listed with nothing in the period. */
static void
test_stats_odd_median_and_period_ends (void)
{
  gint64 teams[] = { chain_team, expert_team, host_team };
  gint64 waits[] = { 5, 10, 25 };   /* days between the solves */
  gint64 ids[G_N_ELEMENTS (teams)];
  g_autofree char *from = NULL, *to = NULL, *last = NULL, *period = NULL;
  g_autoptr (JsonObject) chain = NULL;
  g_autoptr (JsonObject) park = NULL;
  g_autoptr (JsonObject) at_start = NULL;
  g_autoptr (JsonObject) before_end = NULL;
  JsonObject *other;

  lj_clock_advance_for_testing (400 * 86400);   /* past everything before */
  from = now_plus (0);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = problem_in ("delivered", "park", teams[i]);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      lj_clock_advance_for_testing (waits[i] * 86400);
      fire_ok (ids[i], "{\"event\":\"solve\",\"verdict\":\"solved\"}");
    }
  to = now_plus (1);
  last = solved_at (ids[2]);
  period = g_strdup_printf ("from=%s&to=%s", from, to);
  chain = stats (from, to);
  park = park_stats (period);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *s = i == 0 ? chain : park;

      g_assert_cmpint (json_object_get_int_member (s, "posted"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (s, "solved"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (s, "solved_by_party_teams"), ==, 2);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "party_team_share"), 2.0 / 3.0, 1e-9);
      /* Seconds of slack on a loaded machine (0.01 day is 14 minutes). */
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "median_days_to_solve"), 15, 0.01);
    }
  other = json_array_get_object_element (json_object_get_array_member (park, "by_chain"), 1);
  g_assert_cmpint (json_object_get_int_member (other, "chain_id"), !=, CHAIN);
  g_assert_cmpint (json_object_get_int_member (other, "posted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (other, "solved"), ==, 0);
  g_assert_true (json_object_get_null_member (other, "party_team_share"));
  g_assert_true (json_object_get_null_member (other, "median_days_to_solve"));
  /* The last solve, at the start of a period and at the end of one. */
  at_start = stats (last, to);
  before_end = stats (from, last);
  g_assert_cmpint (json_object_get_int_member (at_start, "solved"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (at_start, "median_days_to_solve"), 40, 0.01);
  g_assert_cmpint (json_object_get_int_member (before_end, "solved"), ==, 2);
  /* An even count: the mean of the two middle ones, (5 + 15) / 2. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (before_end, "median_days_to_solve"), 10, 0.01);
}

/* ---- migrations ---- */

static void
test_migrations (void)
{
  g_autoptr (LjTestServer) empty = lj_test_server_start_with_plugins (LJ_TEST_SERVER_EMPTY, LJ_PLUGIN_DIR,
                                                                      "[plugin:problem-board]\nrequired=true\n");
  g_autoptr (LjTestResponse) health = lj_test_get (empty, "/api/v1/health");
  g_autoptr (LjTestResponse) list = lj_test_get (empty, PB "/problems");
  g_autoptr (LjTestResponse) again = NULL;
  g_autoptr (LjTestResponse) list2 = NULL;
  g_autoptr (LjTestResponse) s = NULL;

  g_assert_cmpuint (health->status, ==, 200);
  g_assert_nonnull (strstr (body_text (health), "\"problem-board\":2"));
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (lj_test_member_int (list, "total"), ==, 0);
  s = lj_test_get (empty, "/api/v1/stats/overview");
  g_assert_cmpuint (s->status, ==, 200);
  g_assert_nonnull (strstr (body_text (s), "\"problem_board\":{\"posted\":0"));
  /* A restart runs nothing again and keeps the data. */
  lj_test_server_restart (server);
  again = expect (call (ADMIN, "GET", "/api/v1/health", NULL), 200);
  g_assert_nonnull (strstr (body_text (again), "\"problem-board\":2"));
  list2 = expect (call (ADMIN, "GET", PB "/problems?code=JSGG-2025-001", NULL), 200);
  g_assert_cmpint (lj_test_member_int (list2, "total"), ==, 1);
}

/* ---- setup ---- */

static gint64
make_team (const char *name, const char *kind, gint64 host, gboolean with_member)
{
  g_autofree char *members = NULL;
  g_autofree char *body = NULL;

  if (with_member)
    {
      g_autofree char *mpath = g_strdup_printf ("/api/v1/members?org_id=%" G_GINT64_FORMAT "&limit=1", host);
      g_autoptr (LjTestResponse) m = expect (call (ADMIN, "GET", mpath, NULL), 200);
      JsonArray *items = json_object_get_array_member (lj_test_object (m), "items");
      gint64 member = json_object_get_int_member (json_array_get_object_element (items, 0), "id");

      members = g_strdup_printf (",\"leader_member_id\":%" G_GINT64_FORMAT ",\"members\":[{\"member_id\":%"
                                 G_GINT64_FORMAT ",\"role\":\"leader\"},{\"external_name\":\"省农科院专家\",\"role\":\"external\"}]",
                                 member, member);
    }
  body = g_strdup_printf ("{\"name\":\"%s\",\"kind\":\"%s\",\"host_org_id\":%" G_GINT64_FORMAT "%s}", name, kind, host,
                          members ? members : "");
  return create (PB "/teams", body);
}

int
main (int argc, char **argv)
{
  static const gint64 orgs[N_ROLES] = { 0, OWNER_ORG, CHAIN_ORG, PEER_ORG, HOST_ORG, OTHER_ORG, 0 };
  int rc;

  g_test_init (&argc, &argv, NULL);
  server = lj_test_server_start_with_plugins (LJ_TEST_SERVER_DEMO, LJ_PLUGIN_DIR,
                                              "[plugin:problem-board]\nrequired=true\n");
  for (int role = OWNER; role < N_ROLES; role++)
    {
      g_autofree char *name = g_strdup_printf ("pb-%s", role_names[role]);

      tokens[role] = lj_test_server_create_user (server, name, role == VIEWER ? "viewer" : "secretary", orgs[role],
                                                 NULL, NULL);
    }
  host_team = make_team ("测试攻关小组", "task_force", HOST_ORG, TRUE);
  chain_team = make_team ("测试党员突击队", "commando", CHAIN_ORG, FALSE);
  expert_team = make_team ("测试专家组", "expert_group", CHAIN_ORG, FALSE);
  g_test_add_func ("/problem-board/loaded", test_loaded);
  g_test_add_func ("/problem-board/demo/every-state-and-the-articles-examples", test_demo);
  g_test_add_func ("/problem-board/demo/stats-reproduce-the-article", test_demo_stats);
  g_test_add_func ("/problem-board/problems/code-per-year-gap-free", test_codes);
  g_test_add_func ("/problem-board/problems/events-per-role-and-state", test_events_per_role);
  g_test_add_func ("/problem-board/problems/refusals-403-409", test_refusals);
  g_test_add_func ("/problem-board/problems/required-fields-and-outcome", test_required_fields);
  g_test_add_func ("/problem-board/claims/accept-starts-and-declines-others", test_claims);
  g_test_add_func ("/problem-board/problems/solve-moves-lagging-projects", test_projects_back_on_track);
  g_test_add_func ("/problem-board/updates/on-started-problems-by-owner-or-team", test_updates);
  g_test_add_func ("/problem-board/teams/party-members-and-member-rules", test_teams);
  g_test_add_func ("/problem-board/visibility/tiers-in-get-list-search-timeline", test_visibility);
  g_test_add_func ("/problem-board/stats/exact-on-a-fixture", test_stats_fixture);
  g_test_add_func ("/problem-board/stats/park-by-chain-matches-each-chain", test_stats_park_and_chains);
  g_test_add_func ("/problem-board/stats/odd-median-and-period-ends", test_stats_odd_median_and_period_ends);
  g_test_add_func ("/problem-board/migrations/empty-database-and-restart", test_migrations);
  rc = g_test_run ();
  lj_test_server_free (server);
  for (int role = 0; role < N_ROLES; role++)
    g_free (tokens[role]);
  return rc;
}
