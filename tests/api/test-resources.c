/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include "lj-test-server.h"
#include "domain/lj-credit-code.h"

#define CC1 "91350100M000100Y43"
#define CC2 "911101081029141813"

static char *
make_code (guint n)
{
  char first[18];
  char c;

  g_snprintf (first, sizeof first, "91320500MA%07u", n % 10000000);
  c = lj_credit_code_check_char (first);
  return g_strdup_printf ("%s%c", first, c);
}

static LjTestResponse *
req_ok (LjTestServer *s, const char *method, const char *path, const char *body, guint expect)
{
  LjTestResponse *r = lj_test_request (s, method, path, body, NULL);
  if (r->status != expect)
    g_test_message ("%s %s -> %u: %.*s", method, path, r->status,
                    r->body ? (int) g_bytes_get_size (r->body) : 0,
                    r->body ? (const char *) g_bytes_get_data (r->body, NULL) : "");
  g_assert_cmpuint (r->status, ==, expect);
  return r;
}

static gint64
create (LjTestServer *s, const char *coll, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/%s", coll);
  g_autoptr (LjTestResponse) r = req_ok (s, "POST", path, body, 201);
  return lj_test_member_int (r, "id");
}

static gint64
total_of (LjTestServer *s, const char *path)
{
  g_autoptr (LjTestResponse) r = lj_test_get (s, path);
  g_assert_cmpuint (r->status, ==, 200);
  return lj_test_member_int (r, "total");
}

static const char *
body_str (LjTestResponse *r)
{
  return r->body ? (const char *) g_bytes_get_data (r->body, NULL) : "";
}

static void
assert_problem (LjTestResponse *r, guint status)
{
  JsonObject *o;

  g_assert_cmpuint (r->status, ==, status);
  g_assert_nonnull (r->json);
  o = lj_test_object (r);
  g_assert_cmpint (json_object_get_int_member (o, "status"), ==, status);
  g_assert_true (json_object_has_member (o, "title"));
}

static void
assert_422 (LjTestResponse *r, const char *field)
{
  if (r->status != 422 || !lj_test_has_field_error (r, field))
    g_test_message ("expected 422 on %s, got %u: %s", field, r->status, body_str (r));
  assert_problem (r, 422);
  g_assert_true (lj_test_has_field_error (r, field));
}

/* Creates a working committee, a chain and returns their ids. */
static void
base_fixture (LjTestServer *s, gint64 *wc, gint64 *chain)
{
  *wc = create (s, "organizations", "{\"name\":\"园区党工委\",\"kind\":\"working_committee\"}");
  *chain = create (s, "chains", "{\"name\":\"铜业产业链\",\"code\":\"CU\"}");
}

static void
test_crud_cycle (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) c = NULL, g = NULL, p = NULL, d = NULL, g2 = NULL;
  g_autofree char *path = NULL;
  gint64 id;

  c = req_ok (s, "POST", "/api/v1/chains", "{\"name\":\"新材料\",\"code\":\"NM\"}", 201);
  id = lj_test_member_int (c, "id");
  g_assert_cmpint (id, >, 0);
  path = g_strdup_printf ("/api/v1/chains/%" G_GINT64_FORMAT, id);
  g_assert_cmpstr (soup_message_headers_get_one (c->headers, "Location"), ==, path);
  g_assert_nonnull (soup_message_headers_get_one (c->headers, "ETag"));
  g_assert_cmpstr (lj_test_member_string (c, "name"), ==, "新材料");
  g_assert_cmpint (lj_test_member_int (c, "version"), ==, 1);

  g = req_ok (s, "GET", path, NULL, 200);
  g_assert_cmpstr (soup_message_headers_get_one (g->headers, "ETag"), ==, "\"1\"");
  g_assert_cmpstr (lj_test_member_string (g, "code"), ==, "NM");
  g_assert_true (json_object_has_member (lj_test_object (g), "created_at"));
  g_assert_true (json_object_has_member (lj_test_object (g), "updated_at"));

  p = req_ok (s, "PATCH", path, "{\"code\":\"NM2\"}", 200);
  g_assert_cmpint (lj_test_member_int (p, "version"), ==, 2);
  g_assert_cmpstr (lj_test_member_string (p, "code"), ==, "NM2");
  g_assert_cmpstr (lj_test_member_string (p, "name"), ==, "新材料");

  d = req_ok (s, "DELETE", path, NULL, 204);
  g2 = lj_test_get (s, path);
  assert_problem (g2, 404);
}

static void
test_422_many_fields (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) r = NULL;
  JsonArray *errors;

  r = lj_test_request (s, "POST", "/api/v1/enterprises",
                       "{\"name\":\"\",\"credit_code\":\"91350100M000100Y44\",\"size\":\"huge\","
                       "\"ownership\":\"private\",\"employees\":\"ten\",\"three_haves\":\"true\","
                       "\"colour\":\"red\",\"chains\":[{\"chain_id\":99,\"role\":\"lead\"}]}", NULL);
  assert_422 (r, "name");
  g_assert_true (lj_test_has_field_error (r, "credit_code"));
  g_assert_true (lj_test_has_field_error (r, "size"));
  g_assert_true (lj_test_has_field_error (r, "ownership"));
  g_assert_true (lj_test_has_field_error (r, "employees"));
  g_assert_true (lj_test_has_field_error (r, "three_haves"));
  g_assert_true (lj_test_has_field_error (r, "colour"));
  g_assert_true (lj_test_has_field_error (r, "chains[0].chain_id"));
  errors = json_object_get_array_member (lj_test_object (r), "errors");
  g_assert_cmpuint (json_array_get_length (errors), >=, 8);
  g_assert_cmpint (total_of (s, "/api/v1/enterprises"), ==, 0);
}

static void
test_422_each_kind (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  gint64 wc, chain;
  struct { const char *coll, *body, *field; } cases[] = {
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\",\"employees\":1.5}", "employees" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\",\"employees\":\"5\"}", "employees" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\",\"address\":5}", "address" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\",\"three_haves\":\"true\"}", "three_haves" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"tiny\",\"ownership\":\"non_public\"}", "size" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"91350100M000100Y40\",\"size\":\"small\",\"ownership\":\"non_public\"}", "credit_code" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\",\"nmae\":\"x\"}", "nmae" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\",\"chains\":[{\"chain_id\":99,\"role\":\"core\"}]}", "chains[0].chain_id" },
    { "enterprises", "{\"name\":\"A\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\",\"id\":7}", "id" },
    { "enterprises", "{\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\"}", "name" },
    { "organizations", "{\"name\":\"B\",\"kind\":\"branch\",\"parent_id\":1,\"founded_on\":\"2026-02-30\"}", "founded_on" },
    { "organizations", "{\"name\":\"B\",\"kind\":\"branch\",\"parent_id\":1,\"member_count\":3}", "member_count" },
    { "organizations", "{\"name\":\"B\",\"kind\":\"branch\",\"parent_id\":1,\"chain_id\":99}", "chain_id" },
    { "activities", "{\"title\":\"T\",\"kind\":\"other\",\"organizer_org_id\":1,\"starts_at\":\"2026-13-01T08:00:00Z\"}", "starts_at" },
    { "activities", "{\"title\":\"T\",\"kind\":\"other\",\"organizer_org_id\":1,\"starts_at\":\"yesterday\"}", "starts_at" },
  };

  base_fixture (s, &wc, &chain);
  g_assert_cmpint (wc, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/%s", cases[i].coll);
      g_autoptr (LjTestResponse) r = lj_test_request (s, "POST", path, cases[i].body, NULL);
      g_test_message ("case %u", i);
      assert_422 (r, cases[i].field);
    }
  g_assert_cmpint (total_of (s, "/api/v1/enterprises"), ==, 0);
  g_assert_cmpint (total_of (s, "/api/v1/organizations"), ==, 1);
  g_assert_cmpint (total_of (s, "/api/v1/activities"), ==, 0);
}

static void
test_400_bodies (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  const char *bad[] = { "{name:", "[1]", "", "{\"name\":\"x\"} junk", "{\"name\":\"a\",\"name\":\"b\"}", "\"str\"" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (LjTestResponse) r = lj_test_request (s, "POST", "/api/v1/chains", bad[i], NULL);
      g_test_message ("body %u: %s -> %u %s", i, bad[i], r->status, body_str (r));
      assert_problem (r, 400);
    }
  {
    const char *raw = "POST /api/v1/chains HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                      "Content-Length: 12\r\nConnection: close\r\n\r\n{\"name\":\"x\"}";
    g_autofree char *out = lj_test_raw (s, raw, strlen (raw));
    g_assert_nonnull (out);
    g_assert_true (g_str_has_prefix (out, "HTTP/1.1 415"));
    g_assert_nonnull (strstr (out, "\"status\":415"));
  }
  g_assert_cmpint (total_of (s, "/api/v1/chains"), ==, 0);
}

static void
test_if_match (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  gint64 id = create (s, "chains", "{\"name\":\"光伏\"}");
  g_autofree char *path = g_strdup_printf ("/api/v1/chains/%" G_GINT64_FORMAT, id);
  g_autoptr (LjTestResponse) p1 = NULL, stale = NULL, g = NULL, ok = NULL, sd = NULL, d = NULL;

  p1 = req_ok (s, "PATCH", path, "{\"code\":\"PV\"}", 200);
  stale = lj_test_request (s, "PATCH", path, "{\"code\":\"OLD\"}", "If-Match", "\"1\"", NULL);
  assert_problem (stale, 412);
  g = req_ok (s, "GET", path, NULL, 200);
  g_assert_cmpstr (lj_test_member_string (g, "code"), ==, "PV");
  g_assert_cmpint (lj_test_member_int (g, "version"), ==, 2);
  ok = lj_test_request (s, "PATCH", path, "{\"code\":\"NEW\"}", "If-Match", "\"2\"", NULL);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (lj_test_member_string (ok, "code"), ==, "NEW");
  g_assert_cmpint (lj_test_member_int (ok, "version"), ==, 3);
  sd = lj_test_request (s, "DELETE", path, NULL, "If-Match", "\"2\"", NULL);
  assert_problem (sd, 412);
  d = lj_test_request (s, "DELETE", path, NULL, "If-Match", "\"3\"", NULL);
  g_assert_cmpuint (d->status, ==, 204);
}

static void
test_409_deletes (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) r1 = NULL, r2 = NULL, g = NULL;
  gint64 wc, chain, br;
  g_autofree char *body = NULL, *mbody = NULL, *bpath = NULL, *cpath = NULL;

  base_fixture (s, &wc, &chain);
  body = g_strdup_printf ("{\"name\":\"一支部\",\"kind\":\"branch\",\"parent_id\":%" G_GINT64_FORMAT "}", wc);
  br = create (s, "organizations", body);
  mbody = g_strdup_printf ("{\"name\":\"张三\",\"status\":\"formal\",\"org_id\":%" G_GINT64_FORMAT "}", br);
  create (s, "members", mbody);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"E\",\"credit_code\":\"" CC1 "\",\"size\":\"small\",\"ownership\":\"non_public\","
                          "\"chains\":[{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"core\"}]}", chain);
  create (s, "enterprises", body);

  bpath = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, br);
  r1 = lj_test_request (s, "DELETE", bpath, NULL, NULL);
  assert_problem (r1, 409);
  g_assert_nonnull (strstr (lj_test_member_string (r1, "detail"), "member"));
  cpath = g_strdup_printf ("/api/v1/chains/%" G_GINT64_FORMAT, chain);
  r2 = lj_test_request (s, "DELETE", cpath, NULL, NULL);
  assert_problem (r2, 409);
  g_assert_nonnull (strstr (lj_test_member_string (r2, "detail"), "enterprise"));
  g = req_ok (s, "GET", bpath, NULL, 200);
  g_assert_cmpint (lj_test_member_int (g, "member_count"), ==, 1);
}

static void
test_org_rules (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) wc2 = NULL, noparent = NULL, cyc = NULL, sub = NULL, ga = NULL;
  gint64 wc, chain, a, b;
  g_autofree char *body = NULL, *apath = NULL, *spath = NULL;
  JsonObject *root, *ca;
  JsonArray *kids;

  base_fixture (s, &wc, &chain);
  wc2 = lj_test_request (s, "POST", "/api/v1/organizations", "{\"name\":\"第二党工委\",\"kind\":\"working_committee\"}", NULL);
  assert_422 (wc2, "kind");
  noparent = lj_test_request (s, "POST", "/api/v1/organizations", "{\"name\":\"孤儿支部\",\"kind\":\"branch\"}", NULL);
  assert_422 (noparent, "parent_id");

  body = g_strdup_printf ("{\"name\":\"A总支\",\"kind\":\"general_branch\",\"parent_id\":%" G_GINT64_FORMAT "}", wc);
  a = create (s, "organizations", body);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"B支部\",\"kind\":\"branch\",\"parent_id\":%" G_GINT64_FORMAT "}", a);
  b = create (s, "organizations", body);
  g_free (body);
  body = g_strdup_printf ("{\"parent_id\":%" G_GINT64_FORMAT "}", b);
  apath = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, a);
  cyc = lj_test_request (s, "PATCH", apath, body, NULL);
  assert_422 (cyc, "parent_id");
  ga = req_ok (s, "GET", apath, NULL, 200);
  g_assert_cmpint (lj_test_member_int (ga, "parent_id"), ==, wc);
  g_assert_cmpint (lj_test_member_int (ga, "version"), ==, 1);

  spath = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT "/subtree", wc);
  sub = req_ok (s, "GET", spath, NULL, 200);
  root = lj_test_object (sub);
  g_assert_cmpint (json_object_get_int_member (root, "id"), ==, wc);
  kids = json_object_get_array_member (root, "children");
  g_assert_cmpuint (json_array_get_length (kids), ==, 1);
  ca = json_array_get_object_element (kids, 0);
  g_assert_cmpint (json_object_get_int_member (ca, "id"), ==, a);
  g_assert_cmpstr (json_object_get_string_member (ca, "name"), ==, "A总支");
  kids = json_object_get_array_member (ca, "children");
  g_assert_cmpuint (json_array_get_length (kids), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (kids, 0), "id"), ==, b);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_array_get_object_element (kids, 0), "children")), ==, 0);
}

static void
test_activities (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) bad = NULL, p1 = NULL, p2 = NULL, unk = NULL, lst = NULL, d1 = NULL, d2 = NULL, ga = NULL;
  gint64 wc, chain, m1, m2, act;
  g_autofree char *body = NULL, *apath = NULL, *dpath = NULL, *apath2 = NULL;

  base_fixture (s, &wc, &chain);
  body = g_strdup_printf ("{\"name\":\"李四\",\"status\":\"formal\",\"org_id\":%" G_GINT64_FORMAT "}", wc);
  m1 = create (s, "members", body);
  m2 = create (s, "members", body);
  g_free (body);
  body = g_strdup_printf ("{\"title\":\"学习\",\"kind\":\"theory_study\",\"organizer_org_id\":%" G_GINT64_FORMAT ","
                          "\"starts_at\":\"2025-05-01T08:00:00Z\",\"ends_at\":\"2025-05-01T07:00:00Z\"}", wc);
  bad = lj_test_request (s, "POST", "/api/v1/activities", body, NULL);
  assert_422 (bad, "ends_at");
  g_assert_cmpint (total_of (s, "/api/v1/activities"), ==, 0);
  g_free (body);
  body = g_strdup_printf ("{\"title\":\"学习\",\"kind\":\"theory_study\",\"organizer_org_id\":%" G_GINT64_FORMAT ","
                          "\"starts_at\":\"2025-05-01T08:00:00Z\",\"ends_at\":\"2025-05-01T10:00:00Z\"}", wc);
  act = create (s, "activities", body);
  apath = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT "/attendance", act);
  g_free (body);
  body = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]}", m1, m2);
  p1 = req_ok (s, "POST", apath, body, 200);
  g_assert_cmpint (lj_test_member_int (p1, "added"), ==, 2);
  g_assert_cmpint (lj_test_member_int (p1, "attendance_count"), ==, 2);
  p2 = req_ok (s, "POST", apath, body, 200);
  g_assert_cmpint (lj_test_member_int (p2, "added"), ==, 0);
  g_assert_cmpint (lj_test_member_int (p2, "attendance_count"), ==, 2);
  g_free (body);
  body = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT ",9999]}", m1);
  unk = lj_test_request (s, "POST", apath, body, NULL);
  assert_422 (unk, "member_ids[1]");
  apath2 = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT, act);
  ga = req_ok (s, "GET", apath2, NULL, 200);
  g_assert_cmpint (lj_test_member_int (ga, "attendance_count"), ==, 2);
  dpath = g_strdup_printf ("%s/%" G_GINT64_FORMAT, apath, m1);
  d1 = lj_test_request (s, "DELETE", dpath, NULL, NULL);
  g_assert_cmpuint (d1->status, ==, 204);
  d2 = lj_test_request (s, "DELETE", dpath, NULL, NULL);
  assert_problem (d2, 404);
  lst = req_ok (s, "GET", apath, NULL, 200);
  g_assert_nonnull (strstr (body_str (lst), "李四"));
}

static JsonArray *
items_of (LjTestResponse *r)
{
  return json_object_get_array_member (lj_test_object (r), "items");
}

static void
test_list_params (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_DEMO, 0);
  const char *bad[] = { "limit=501", "limit=0", "sort=phone", "colour=red", "sort=contact_phone", "size=huge" };
  g_autoptr (LjTestResponse) def = NULL, desc = NULL, small = NULL, chain = NULL, unc = NULL;
  JsonArray *items;
  gint64 n_unc;

  def = req_ok (s, "GET", "/api/v1/enterprises", NULL, 200);
  g_assert_cmpuint (json_array_get_length (items_of (def)), ==, 50);
  g_assert_cmpint (lj_test_member_int (def, "total"), ==, 100);
  g_assert_false (json_object_get_null_member (lj_test_object (def), "next_cursor"));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *p = g_strdup_printf ("/api/v1/enterprises?%s", bad[i]);
      g_autoptr (LjTestResponse) r = lj_test_get (s, p);
      g_test_message ("%s -> %u %s", p, r->status, body_str (r));
      assert_problem (r, 422);
    }
  desc = req_ok (s, "GET", "/api/v1/enterprises?sort=-name&limit=500", NULL, 200);
  items = items_of (desc);
  g_assert_cmpuint (json_array_get_length (items), ==, 100);
  for (guint i = 1; i < json_array_get_length (items); i++)
    g_assert_cmpint (strcmp (json_object_get_string_member (json_array_get_object_element (items, i - 1), "name"),
                             json_object_get_string_member (json_array_get_object_element (items, i), "name")), >=, 0);
  small = req_ok (s, "GET", "/api/v1/enterprises?size=small&limit=500", NULL, 200);
  items = items_of (small);
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  g_assert_cmpint (lj_test_member_int (small, "total"), ==, json_array_get_length (items));
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "size"), ==, "small");
  chain = req_ok (s, "GET", "/api/v1/enterprises?chain_id=1&limit=500", NULL, 200);
  items = items_of (chain);
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonArray *cs = json_object_get_array_member (json_array_get_object_element (items, i), "chains");
      gboolean found = FALSE;
      for (guint j = 0; j < json_array_get_length (cs); j++)
        found |= json_object_get_int_member (json_array_get_object_element (cs, j), "chain_id") == 1;
      g_assert_true (found);
    }
  unc = req_ok (s, "GET", "/api/v1/enterprises?covered=false&limit=500", NULL, 200);
  items = items_of (unc);
  n_unc = json_array_get_length (items);
  g_assert_cmpint (n_unc, >, 0);
  g_assert_cmpint (lj_test_member_int (unc, "total"), ==, n_unc);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (items, i), "covered"));
  g_assert_cmpint (total_of (s, "/api/v1/enterprises?covered=true") + n_unc, ==, 100);
}

static char *
escape_cursor (const char *c)
{
  return g_uri_escape_string (c, NULL, FALSE);
}

static void
test_pagination (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_DEMO, 0);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gint64 total = total_of (s, "/api/v1/enterprises");
  guint pages = 0;

  do
    {
      g_autofree char *ec = cursor ? escape_cursor (cursor) : NULL;
      g_autofree char *p = ec ? g_strdup_printf ("/api/v1/enterprises?limit=7&cursor=%s", ec)
                              : g_strdup ("/api/v1/enterprises?limit=7");
      g_autoptr (LjTestResponse) r = req_ok (s, "GET", p, NULL, 200);
      JsonArray *items = items_of (r);
      JsonObject *o = lj_test_object (r);

      g_assert_cmpuint (json_array_get_length (items), <=, 7);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          gint64 *id = g_new (gint64, 1);
          *id = json_object_get_int_member (json_array_get_object_element (items, i), "id");
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
        }
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (o, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (o, "next_cursor"));
      pages++;
      g_assert_cmpuint (pages, <=, 20);
    }
  while (cursor);
  g_assert_cmpint (g_hash_table_size (seen), ==, total);
  g_assert_cmpuint (pages, ==, (total + 6) / 7);
}

static void
test_pagination_stable (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_DEMO, 0);
  g_autoptr (LjTestResponse) p1 = NULL, p2 = NULL, ref = NULL, all = NULL, bad = NULL, other = NULL;
  g_autofree char *ec = NULL, *path = NULL, *code = make_code (42), *body = NULL;
  JsonArray *a, *b;

  p1 = req_ok (s, "GET", "/api/v1/enterprises?sort=name&limit=10", NULL, 200);
  ec = escape_cursor (json_object_get_string_member (lj_test_object (p1), "next_cursor"));
  path = g_strdup_printf ("/api/v1/enterprises?sort=name&limit=10&cursor=%s", ec);
  ref = req_ok (s, "GET", path, NULL, 200);
  body = g_strdup_printf ("{\"name\":\"!!!\",\"credit_code\":\"%s\",\"size\":\"small\",\"ownership\":\"non_public\"}", code);
  create (s, "enterprises", body);
  p2 = req_ok (s, "GET", path, NULL, 200);
  a = items_of (ref);
  b = items_of (p2);
  g_assert_cmpuint (json_array_get_length (a), ==, 10);
  g_assert_cmpuint (json_array_get_length (b), ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a, i), "id"), ==,
                     json_object_get_int_member (json_array_get_object_element (b, i), "id"));
  g_assert_cmpint (lj_test_member_int (p2, "total"), ==, 101);
  all = req_ok (s, "GET", "/api/v1/enterprises?sort=name&limit=1", NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items_of (all), 0), "name"), ==, "!!!");

  bad = lj_test_get (s, "/api/v1/enterprises?cursor=garbage!!");
  assert_problem (bad, 422);
  g_free (path);
  path = g_strdup_printf ("/api/v1/enterprises?sort=-employees&limit=10&cursor=%s", ec);
  other = lj_test_get (s, path);
  assert_problem (other, 422);
}

/* The ids of every page of @base (which has no cursor), in order. */
static GArray *
walk_pages (LjTestServer *s, const char *base)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = NULL;
  guint pages = 0;

  do
    {
      g_autofree char *ec = cursor ? escape_cursor (cursor) : NULL;
      g_autofree char *p = ec ? g_strdup_printf ("%s&cursor=%s", base, ec) : g_strdup (base);
      g_autoptr (LjTestResponse) r = req_ok (s, "GET", p, NULL, 200);
      JsonArray *items = items_of (r);
      JsonObject *o = lj_test_object (r);

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          gint64 id = json_object_get_int_member (json_array_get_object_element (items, i), "id");
          g_array_append_val (ids, id);
        }
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (o, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (o, "next_cursor"));
      g_assert_cmpuint (++pages, <=, 200);
    }
  while (cursor);
  return ids;
}

/* The ids of @order (a whole list) that are also in @members, in @order's order. */
static GArray *
ids_in_order (GArray *order, GArray *members)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < order->len; i++)
    for (guint j = 0; j < members->len; j++)
      if (g_array_index (order, gint64, i) == g_array_index (members, gint64, j))
        {
          g_array_append_val (ids, g_array_index (order, gint64, i));
          break;
        }
  return ids;
}

static void
assert_same_ids (GArray *got, GArray *want, const char *what)
{
  for (guint i = 0; i < MIN (got->len, want->len); i++)
    if (g_array_index (got, gint64, i) != g_array_index (want, gint64, i))
      g_error ("%s: position %u is %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, what, i,
               g_array_index (got, gint64, i), g_array_index (want, gint64, i));
  g_assert_cmpuint (got->len, ==, want->len);
}

/* One chain's list, in each order its link table keeps (x-lj-drive:
 * enterprise_chains' sort_name copy), page by page, against the same rows
 * filtered and sorted the plain way; then after a rename, a chain left and
 * a chain joined, which the copy must follow. */
static void
check_chain_orders (LjTestServer *s, const char *filters)
{
  static const char *const sorts[] = { "name", "-name", "id", "-id" };
  g_autofree char *set_path = g_strdup_printf ("/api/v1/enterprises?chain_id=1%s&sort=employees&limit=500", filters);
  g_autoptr (GArray) set = walk_pages (s, set_path);

  g_assert_cmpuint (set->len, >, 3);
  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    {
      g_autofree char *all_path = g_strdup_printf ("/api/v1/enterprises?sort=%s&limit=500", sorts[i]);
      g_autofree char *chain_path = g_strdup_printf ("/api/v1/enterprises?chain_id=1%s&sort=%s&limit=3", filters,
                                                     sorts[i]);
      g_autoptr (GArray) all = walk_pages (s, all_path);
      g_autoptr (GArray) want = ids_in_order (all, set);
      g_autoptr (GArray) got = walk_pages (s, chain_path);

      assert_same_ids (got, want, chain_path);
      g_assert_cmpint (total_of (s, chain_path), ==, set->len);
    }
}

static void
test_chain_sorted_pages (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_DEMO, 0);
  g_autoptr (GArray) before = NULL, after = NULL;
  gint64 moved, other;

  check_chain_orders (s, "");
  check_chain_orders (s, "&ownership=non_public");
  /* With a full-text match the match leads instead (有限公司). */
  check_chain_orders (s, "&q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8");
  before = walk_pages (s, "/api/v1/enterprises?chain_id=1&sort=name&limit=50");
  moved = g_array_index (before, gint64, before->len - 1);
  other = g_array_index (before, gint64, 0);
  {
    /* Renamed to sort first; the first one leaves the chain. */
    g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, moved);
    g_autofree char *other_path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, other);
    g_autoptr (LjTestResponse) r1 = req_ok (s, "PATCH", path, "{\"name\":\"!! 排序第一\"}", 200);
    g_autoptr (LjTestResponse) r2 = req_ok (s, "PATCH", other_path,
                                            "{\"chains\":[{\"chain_id\":2,\"role\":\"core\"}]}", 200);
  }
  after = walk_pages (s, "/api/v1/enterprises?chain_id=1&sort=name&limit=50");
  g_assert_cmpuint (after->len, ==, before->len - 1);
  g_assert_cmpint (g_array_index (after, gint64, 0), ==, moved);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpint (g_array_index (after, gint64, i), !=, other);
  check_chain_orders (s, "");
  {
    /* And back onto chain 1, where it sorts by its name again. */
    g_autofree char *other_path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, other);
    g_autoptr (LjTestResponse) r = req_ok (s, "PATCH", other_path,
                                           "{\"chains\":[{\"chain_id\":1,\"role\":\"lead\"}]}", 200);
  }
  check_chain_orders (s, "");
}

static void
test_search_and_unicode (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_DEMO, 0);
  const char *qs[] = { "/api/v1/enterprises?q=%E9%93%9C%E4%B8%9A", "/api/v1/chains?q=%E7%94%9F%E7%89%A9%E5%8C%BB%E8%8D%AF",
                       "/api/v1/enterprises?q=%E9%93%9C%E4%B8%9A%E6%9C%89%E9%99%90" };
  const char *needles[] = { "铜业", "生物医药", "铜业有限" };
  const char *name = "中文、测试 🚀 \"引号\" \\ 'x'";
  g_autoptr (LjTestResponse) c = NULL, g = NULL;
  g_autofree char *code = make_code (7), *body = NULL, *path = NULL;
  g_autoptr (JsonBuilder) jb = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      g_autoptr (LjTestResponse) r = req_ok (s, "GET", qs[i], NULL, 200);
      JsonArray *items = items_of (r);
      g_test_message ("%s: %s", qs[i], body_str (r));
      g_assert_cmpuint (json_array_get_length (items), >, 0);
      g_assert_cmpint (lj_test_member_int (r, "total"), ==, json_array_get_length (items));
      for (guint j = 0; j < json_array_get_length (items); j++)
          {
            JsonObject *it = json_array_get_object_element (items, j);
            g_autofree char *blob = g_strdup_printf ("%s|%s|%s|%s", json_object_get_string_member_with_default (it, "name", ""),
                                                     json_object_get_string_member_with_default (it, "address", ""),
                                                     json_object_get_string_member_with_default (it, "code", ""),
                                                     json_object_get_string_member_with_default (it, "description", ""));
            g_assert_nonnull (strstr (blob, needles[i]));
          }
    }
  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "name");
  json_builder_add_string_value (jb, name);
  json_builder_set_member_name (jb, "credit_code");
  json_builder_add_string_value (jb, code);
  json_builder_set_member_name (jb, "size");
  json_builder_add_string_value (jb, "micro");
  json_builder_set_member_name (jb, "ownership");
  json_builder_add_string_value (jb, "collective");
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);
  json_generator_set_root (gen, root);
  body = json_generator_to_data (gen, NULL);
  c = req_ok (s, "POST", "/api/v1/enterprises", body, 201);
  g_assert_cmpstr (lj_test_member_string (c, "name"), ==, name);
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, lj_test_member_int (c, "id"));
  g = req_ok (s, "GET", path, NULL, 200);
  g_assert_cmpstr (lj_test_member_string (g, "name"), ==, name);
  g_assert_nonnull (strstr (body_str (g), "中文、测试 🚀"));
}

static JsonObject *
obj (JsonObject *o, const char *m)
{
  g_assert_true (json_object_has_member (o, m));
  return json_object_get_object_member (o, m);
}

static JsonObject *
by_kind (JsonObject *acts, const char *kind)
{
  JsonArray *a = json_object_get_array_member (acts, "by_kind");

  g_assert_nonnull (a);
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (a, i), "kind"), kind) == 0)
      return json_array_get_object_element (a, i);
  g_assert_not_reached ();
  return NULL;
}

static void
test_stats_demo (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_DEMO, 0);
  g_autoptr (LjTestResponse) r = NULL, bad = NULL, badc = NULL;
  JsonObject *o, *cov, *act;

  r = req_ok (s, "GET", "/api/v1/stats/overview?from=2025-01-01&to=2026-01-01", NULL, 200);
  g_test_message ("%s", body_str (r));
  o = lj_test_object (r);
  g_assert_cmpint (json_object_get_int_member (o, "chains"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (o, "enterprises"), ==, 100);
  cov = obj (o, "coverage");
  g_assert_cmpint (json_object_get_int_member (cov, "eligible"), ==, 84);
  g_assert_cmpint (json_object_get_int_member (cov, "covered"), ==, 62);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (cov, "blank_spots")), ==, 22);
  act = obj (o, "activities");
  g_assert_cmpint (json_object_get_int_member (by_kind (act, "theory_study"), "sessions"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (by_kind (act, "theory_study"), "attendances"), ==, 624);
  g_assert_cmpint (json_object_get_int_member (obj (o, "members"), "total"), ==, total_of (s, "/api/v1/members"));
  g_assert_cmpint (json_object_get_int_member (o, "organizations"), ==, total_of (s, "/api/v1/organizations"));
  bad = lj_test_get (s, "/api/v1/stats/overview?from=notadate");
  assert_422 (bad, "from");
  badc = lj_test_get (s, "/api/v1/stats/overview?chain_id=999");
  assert_422 (badc, "chain_id");
}

static void
test_stats_fixture (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) r = NULL;
  gint64 wc, chain, e1, e2, e3, br, m1, m2, act;
  g_autofree char *b = NULL, *c1 = make_code (1), *c2 = make_code (2), *c3 = make_code (3), *ap = NULL;
  JsonObject *o, *cov, *acts, *mem, *spot;
  JsonArray *spots;

  base_fixture (s, &wc, &chain);
#define ENT(code, own) g_strdup_printf ("{\"name\":\"企业%s\",\"credit_code\":\"%s\",\"size\":\"small\",\"ownership\":\"" own "\"," \
    "\"three_haves\":true,\"chains\":[{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"core\"}]}", code, code, chain)
  b = ENT (c1, "non_public"); e1 = create (s, "enterprises", b); g_clear_pointer (&b, g_free);
  b = ENT (c2, "non_public"); e2 = create (s, "enterprises", b); g_clear_pointer (&b, g_free);
  b = ENT (c3, "state_owned"); e3 = create (s, "enterprises", b); g_clear_pointer (&b, g_free);
  b = g_strdup_printf ("{\"name\":\"企业党支部\",\"kind\":\"branch\",\"parent_id\":%" G_GINT64_FORMAT ",\"enterprise_ids\":[%" G_GINT64_FORMAT "]}", wc, e1);
  br = create (s, "organizations", b); g_clear_pointer (&b, g_free);
  b = g_strdup_printf ("{\"name\":\"王五\",\"status\":\"formal\",\"org_id\":%" G_GINT64_FORMAT "}", br);
  m1 = create (s, "members", b); g_clear_pointer (&b, g_free);
  b = g_strdup_printf ("{\"name\":\"赵六\",\"status\":\"probationary\",\"org_id\":%" G_GINT64_FORMAT "}", br);
  m2 = create (s, "members", b); g_clear_pointer (&b, g_free);
  b = g_strdup_printf ("{\"title\":\"专题学习\",\"kind\":\"theory_study\",\"organizer_org_id\":%" G_GINT64_FORMAT
                       ",\"chain_id\":%" G_GINT64_FORMAT ",\"starts_at\":\"2025-06-01T08:00:00Z\"}", br, chain);
  act = create (s, "activities", b); g_clear_pointer (&b, g_free);
  ap = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT "/attendance", act);
  b = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]}", m1, m2);
  {
    g_autoptr (LjTestResponse) a = req_ok (s, "POST", ap, b, 200);
  }
  g_clear_pointer (&b, g_free);
  (void) e3;

  r = req_ok (s, "GET", "/api/v1/stats/overview?from=2025-01-01&to=2026-01-01", NULL, 200);
  g_test_message ("%s", body_str (r));
  o = lj_test_object (r);
  g_assert_cmpint (json_object_get_int_member (o, "chains"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "enterprises"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "organizations"), ==, 2);
  mem = obj (o, "members");
  g_assert_cmpint (json_object_get_int_member (mem, "total"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (mem, "formal"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (mem, "probationary"), ==, 1);
  cov = obj (o, "coverage");
  g_assert_cmpint (json_object_get_int_member (cov, "eligible"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (cov, "covered"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (cov, "rate"), 0.5, 1e-9);
  spots = json_object_get_array_member (cov, "blank_spots");
  g_assert_cmpuint (json_array_get_length (spots), ==, 1);
  spot = json_array_get_object_element (spots, 0);
  g_assert_cmpint (json_object_get_int_member (spot, "enterprise_id"), ==, e2);
  acts = obj (o, "activities");
  g_assert_cmpint (json_object_get_int_member (acts, "sessions"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (acts, "attendances"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (by_kind (acts, "theory_study"), "attendances"), ==, 2);
}

/* Coverage is kept on the enterprise by triggers (migration 0007): taking
 * an enterprise in, letting it go and deleting the organisation all move
 * it, and a list total remembered between requests (lj-store-memo.c)
 * follows every one of those writes.  The park's blank-spot list stops at
 * 100; blank_spots_total and the matching enterprise list count them all. */
static void
test_stats_coverage_kept (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  const char *blank = "/api/v1/enterprises?status=active&ownership=non_public&three_haves=true&covered=false&limit=5";
  gint64 wc, chain, first = 0, last = 0, br;
  g_autofree char *b = NULL, *orgp = NULL, *chain_stats = NULL, *chain_blank = NULL;

  base_fixture (s, &wc, &chain);
  for (guint i = 1; i <= 105; i++)
    {
      g_autofree char *code = make_code (i);
      b = g_strdup_printf ("{\"name\":\"空白企业%u\",\"credit_code\":\"%s\",\"size\":\"micro\",\"ownership\":\"non_public\","
                           "\"three_haves\":true,\"chains\":[{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"core\"}]}", i, code, chain);
      last = create (s, "enterprises", b);
      if (i == 1)
        first = last;
      g_clear_pointer (&b, g_free);
    }
  chain_stats = g_strdup_printf ("/api/v1/stats/overview?chain_id=%" G_GINT64_FORMAT, chain);
  chain_blank = g_strdup_printf ("%s&chain_id=%" G_GINT64_FORMAT, blank, chain);
  /* Twice: the second total may come from the memo. */
  g_assert_cmpint (total_of (s, blank), ==, 105);
  g_assert_cmpint (total_of (s, blank), ==, 105);
  g_assert_cmpint (total_of (s, chain_blank), ==, 105);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (LjTestResponse) r = req_ok (s, "GET", round ? chain_stats : "/api/v1/stats/overview", NULL, 200);
      JsonObject *cov = obj (lj_test_object (r), "coverage");
      JsonArray *spots = json_object_get_array_member (cov, "blank_spots");

      g_assert_cmpint (json_object_get_int_member (cov, "eligible"), ==, 105);
      g_assert_cmpint (json_object_get_int_member (cov, "blank_spots_total"), ==, 105);
      g_assert_cmpuint (json_array_get_length (spots), ==, 100);
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (spots, 0), "enterprise_id"), ==, first);
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (spots, 99), "enterprise_id"), ==,
                       first + 99);
    }

  /* Taken in: covered, out of the blank list, and the totals follow. */
  b = g_strdup_printf ("{\"name\":\"联合党支部\",\"kind\":\"joint_branch\",\"parent_id\":%" G_GINT64_FORMAT
                       ",\"enterprise_ids\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]}", wc, first, last);
  br = create (s, "organizations", b);
  g_clear_pointer (&b, g_free);
  orgp = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, br);
  g_assert_cmpint (total_of (s, blank), ==, 103);
  g_assert_cmpint (total_of (s, chain_blank), ==, 103);
  g_assert_cmpint (total_of (s, "/api/v1/enterprises?covered=true"), ==, 2);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, first);
    g_autoptr (LjTestResponse) r = req_ok (s, "GET", path, NULL, 200);
    g_assert_true (json_object_get_boolean_member (lj_test_object (r), "covered"));
  }
  {
    g_autoptr (LjTestResponse) r = req_ok (s, "GET", "/api/v1/stats/overview", NULL, 200);
    JsonObject *cov = obj (lj_test_object (r), "coverage");
    g_assert_cmpint (json_object_get_int_member (cov, "covered"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (cov, "blank_spots_total"), ==, 103);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                       json_object_get_array_member (cov, "blank_spots"), 0), "enterprise_id"), ==, first + 1);
  }

  /* Let go of one: uncovered again. */
  b = g_strdup_printf ("{\"enterprise_ids\":[%" G_GINT64_FORMAT "]}", last);
  {
    g_autoptr (LjTestResponse) r = req_ok (s, "PATCH", orgp, b, 200);
  }
  g_clear_pointer (&b, g_free);
  g_assert_cmpint (total_of (s, blank), ==, 104);
  g_assert_cmpint (total_of (s, "/api/v1/enterprises?covered=true"), ==, 1);

  /* The organisation deleted: its enterprises lose their cover too. */
  {
    g_autoptr (LjTestResponse) r = req_ok (s, "DELETE", orgp, NULL, 204);
  }
  g_assert_cmpint (total_of (s, blank), ==, 105);
  g_assert_cmpint (total_of (s, "/api/v1/enterprises?covered=true"), ==, 0);
}

static void
test_openapi (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) r = req_ok (s, "GET", "/api/v1/openapi.json", NULL, 200);
  const char *paths[] = { "/api/v1/enterprises", "/api/v1/enterprises/{id}", "/api/v1/chains", "/api/v1/chains/{id}",
                          "/api/v1/organizations/{id}", "/api/v1/organizations/{id}/subtree", "/api/v1/members/{id}",
                          "/api/v1/activities/{id}", "/api/v1/activities/{id}/attendance",
                          "/api/v1/activities/{id}/attendance/{member_id}", "/api/v1/stats/overview" };
  JsonObject *o, *p;

  g_assert_nonnull (r->json);
  o = lj_test_object (r);
  g_assert_cmpstr (json_object_get_string_member (o, "openapi"), ==, "3.1.0");
  p = obj (o, "paths");
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_test_message ("%s", paths[i]);
      g_assert_true (json_object_has_member (p, paths[i]));
    }
  g_assert_true (json_object_has_member (obj (obj (o, "components"), "schemas"), "enterprises"));
  g_assert_null (strstr (body_str (r), "x-lj-sql"));
}

static void
test_restart_and_routes (void)
{
  g_autoptr (LjTestServer) s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) g = NULL, nf = NULL, na = NULL;
  gint64 id = create (s, "chains", "{\"name\":\"集成电路\",\"description\":\"芯片\"}");
  g_autofree char *path = g_strdup_printf ("/api/v1/chains/%" G_GINT64_FORMAT, id);
  const char *allow;

  lj_test_server_restart (s);
  g = req_ok (s, "GET", path, NULL, 200);
  g_assert_cmpstr (lj_test_member_string (g, "name"), ==, "集成电路");
  g_assert_cmpstr (lj_test_member_string (g, "description"), ==, "芯片");
  nf = lj_test_get (s, "/api/v1/nowhere");
  assert_problem (nf, 404);
  na = lj_test_request (s, "PUT", path, "{}", NULL);
  assert_problem (na, 405);
  allow = soup_message_headers_get_one (na->headers, "Allow");
  g_assert_nonnull (allow);
  g_assert_nonnull (strstr (allow, "GET"));
  g_assert_nonnull (strstr (allow, "PATCH"));
  g_assert_nonnull (strstr (allow, "DELETE"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/resources/crud/create-get-patch-delete", test_crud_cycle);
  g_test_add_func ("/api/enterprises/create/422-lists-every-bad-field", test_422_many_fields);
  g_test_add_func ("/api/resources/create/422-each-kind-writes-nothing", test_422_each_kind);
  g_test_add_func ("/api/resources/create/400-bad-bodies-415-wrong-type", test_400_bodies);
  g_test_add_func ("/api/resources/if-match/stale-412-current-200", test_if_match);
  g_test_add_func ("/api/resources/delete/409-when-referenced", test_409_deletes);
  g_test_add_func ("/api/organizations/rules/committee-cycle-parent-subtree", test_org_rules);
  g_test_add_func ("/api/activities/ends-at-and-attendance", test_activities);
  g_test_add_func ("/api/enterprises/list/limits-sort-filters", test_list_params);
  g_test_add_func ("/api/enterprises/list/cursor-walks-every-row-once", test_pagination);
  g_test_add_func ("/api/enterprises/list/cursor-stable-on-insert", test_pagination_stable);
  g_test_add_func ("/api/enterprises/list/chain-filter-in-index-order", test_chain_sorted_pages);
  g_test_add_func ("/api/resources/q/chinese-search-and-round-trip", test_search_and_unicode);
  g_test_add_func ("/api/stats/overview/demo-figures", test_stats_demo);
  g_test_add_func ("/api/stats/overview/hand-built-fixture", test_stats_fixture);
  g_test_add_func ("/api/stats/overview/coverage-kept-and-blank-spots-capped", test_stats_coverage_kept);
  g_test_add_func ("/api/openapi/document", test_openapi);
  g_test_add_func ("/api/resources/restart-404-405", test_restart_and_routes);
  return g_test_run ();
}
