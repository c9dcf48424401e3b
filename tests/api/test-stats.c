/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The figures of GET /stats/overview come from counters kept by triggers
 * (migration 0009).  Here they are checked against a recount: after each
 * batch of random writes through the REST API (enterprises joining and
 * leaving chains, coverage taken and given up, members moving and changing
 * status, activities attended, cancelled, moved and deleted, organisations
 * and enterprises deleted), every figure of the park and of each chain must
 * equal what plain SQL over the base tables says, read from the same file
 * by a connection of the test's own.  The period path (activities counted
 * in their index) must agree with the counters too. */
#include "lj-test-server.h"
#include "domain/lj-credit-code.h"

#include <string.h>

#define N_CHAINS 3
#define N_ROUNDS 6
#define OPS_PER_ROUND 40

typedef struct {
  LjTestServer *s;
  GRand        *rand;
  gint64        wc;        /* the working committee */
  gint64        chains[N_CHAINS];
  GArray       *enterprises, *orgs, *members, *activities;
  guint         serial;
} World;

static void
world_free (World *w)
{
  g_rand_free (w->rand);
  g_array_unref (w->enterprises);
  g_array_unref (w->orgs);
  g_array_unref (w->members);
  g_array_unref (w->activities);
  lj_test_server_free (w->s);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (World, world_free)

static gint64
pick (World *w, GArray *ids)
{
  return lj_test_pick_id (w->rand, ids);
}

static guint
send (World *w, const char *method, const char *path, const char *body, gint64 *id)
{
  g_autoptr (LjTestResponse) r = lj_test_request (w->s, method, path, body, NULL);

  /* A write may be refused (a delete that is still referenced: 409, a
   * move the rules forbid: 422), never fail. */
  if (r->status >= 500 || r->status == 400 || r->status == 404)
    g_error ("%s %s %s -> %u: %.*s", method, path, body ? body : "", r->status,
             r->body ? (int) g_bytes_get_size (r->body) : 0,
             r->body ? (const char *) g_bytes_get_data (r->body, NULL) : "");
  if (id && r->status == 201)
    *id = lj_test_member_int (r, "id");
  return r->status;
}

static char *
credit_code (guint n)
{
  char first[18];

  g_snprintf (first, sizeof first, "91320500MA%07u", n % 10000000);
  return g_strdup_printf ("%s%c", first, lj_credit_code_check_char (first));
}

/* Up to two of the chains, as a "chains" array. */
static char *
random_chains (World *w)
{
  g_autoptr (GString) s = g_string_new ("[");
  guint first = g_rand_int_range (w->rand, 0, N_CHAINS);

  for (guint i = 0; i < (guint) g_rand_int_range (w->rand, 0, 3); i++)
    g_string_append_printf (s, "%s{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"core\"}", i ? "," : "",
                            w->chains[(first + i) % N_CHAINS]);
  g_string_append_c (s, ']');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static const char *
random_of (World *w, const char *const *values, guint n)
{
  return values[g_rand_int_range (w->rand, 0, n)];
}

static void
create_enterprise (World *w)
{
  static const char *const ownership[] = { "non_public", "non_public", "state_owned" };
  g_autofree char *code = credit_code (++w->serial);
  g_autofree char *chains = random_chains (w);
  g_autofree char *body = g_strdup_printf (
    "{\"name\":\"企业%u\",\"credit_code\":\"%s\",\"size\":\"small\",\"ownership\":\"%s\",\"three_haves\":%s,"
    "\"status\":\"%s\",\"chains\":%s}", w->serial, code, random_of (w, ownership, 3),
    g_rand_boolean (w->rand) ? "true" : "false", g_rand_int_range (w->rand, 0, 5) ? "active" : "closed", chains);
  gint64 id = 0;

  if (send (w, "POST", "/api/v1/enterprises", body, &id) == 201)
    g_array_append_val (w->enterprises, id);
}

static void
change_enterprise (World *w)
{
  gint64 id = pick (w, w->enterprises);
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, id);
  g_autofree char *chains = random_chains (w);
  g_autofree char *body = NULL;

  if (id == 0)
    return;
  switch (g_rand_int_range (w->rand, 0, 4))
    {
    case 0:
      body = g_strdup_printf ("{\"chains\":%s}", chains);
      break;
    case 1:
      body = g_strdup_printf ("{\"status\":\"%s\"}", g_rand_boolean (w->rand) ? "active" : "closed");
      break;
    case 2:
      body = g_strdup_printf ("{\"three_haves\":%s}", g_rand_boolean (w->rand) ? "true" : "false");
      break;
    default:
      body = g_strdup_printf ("{\"ownership\":\"%s\"}", g_rand_boolean (w->rand) ? "non_public" : "foreign");
    }
  send (w, "PATCH", path, body, NULL);
}

/* One of @ids deleted, and forgotten when the server agreed (a record
 * still referenced is a 409 and stays). */
static void
delete_random (World *w, GArray *ids, const char *collection)
{
  gint64 id = pick (w, ids);
  g_autofree char *path = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT, collection, id);

  if (id && send (w, "DELETE", path, NULL, NULL) == 204)
    lj_test_forget_id (ids, id);
}

static void
delete_enterprise (World *w)
{
  delete_random (w, w->enterprises, "enterprises");
}

/* Up to three of the enterprises, as an id array. */
static char *
random_enterprise_ids (World *w)
{
  g_autoptr (GString) s = g_string_new ("[");
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n = g_rand_int_range (w->rand, 0, 4);

  for (guint i = 0; i < n && w->enterprises->len; i++)
    {
      gint64 *id = &g_array_index (w->enterprises, gint64, g_rand_int_range (w->rand, 0, w->enterprises->len));
      if (!g_hash_table_add (seen, id))
        continue;
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len > 1 ? "," : "", *id);
    }
  g_string_append_c (s, ']');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
random_chain_id (World *w)
{
  return g_rand_boolean (w->rand) ? g_strdup ("null")
                                  : g_strdup_printf ("%" G_GINT64_FORMAT, w->chains[g_rand_int_range (w->rand, 0, N_CHAINS)]);
}

static void
create_org (World *w)
{
  g_autofree char *ids = random_enterprise_ids (w);
  g_autofree char *chain = random_chain_id (w);
  g_autofree char *body = g_strdup_printf (
    "{\"name\":\"支部%u\",\"kind\":\"joint_branch\",\"parent_id\":%" G_GINT64_FORMAT ",\"chain_id\":%s,"
    "\"enterprise_ids\":%s}", ++w->serial, w->wc, chain, ids);
  gint64 id = 0;

  if (send (w, "POST", "/api/v1/organizations", body, &id) == 201)
    g_array_append_val (w->orgs, id);
}

static void
change_org (World *w)
{
  gint64 id = pick (w, w->orgs);
  g_autofree char *path = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, id);
  g_autofree char *ids = random_enterprise_ids (w);
  g_autofree char *chain = random_chain_id (w);
  g_autofree char *body = g_rand_boolean (w->rand) ? g_strdup_printf ("{\"enterprise_ids\":%s}", ids)
                                                   : g_strdup_printf ("{\"chain_id\":%s}", chain);

  if (id)
    send (w, "PATCH", path, body, NULL);
}

static void
delete_org (World *w)
{
  delete_random (w, w->orgs, "organizations");
}

static gint64
random_org (World *w)
{
  return w->orgs->len && g_rand_int_range (w->rand, 0, 4) ? pick (w, w->orgs) : w->wc;
}

static void
create_member (World *w)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"党员%u\",\"status\":\"%s\",\"org_id\":%" G_GINT64_FORMAT "}",
                                           ++w->serial, g_rand_int_range (w->rand, 0, 4) ? "formal" : "probationary",
                                           random_org (w));
  gint64 id = 0;

  if (send (w, "POST", "/api/v1/members", body, &id) == 201)
    g_array_append_val (w->members, id);
}

static void
change_member (World *w)
{
  gint64 id = pick (w, w->members);
  g_autofree char *path = g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, id);
  g_autofree char *body = g_rand_boolean (w->rand)
    ? g_strdup_printf ("{\"status\":\"%s\"}", g_rand_boolean (w->rand) ? "formal" : "probationary")
    : g_strdup_printf ("{\"org_id\":%" G_GINT64_FORMAT "}", random_org (w));

  if (id)
    send (w, "PATCH", path, body, NULL);
}

static void
delete_member (World *w)
{
  delete_random (w, w->members, "members");
}

static void
create_activity (World *w)
{
  static const char *const kinds[] = { "theory_study", "joint_building", "other" };
  g_autofree char *chain = random_chain_id (w);
  g_autofree char *body = g_strdup_printf (
    "{\"title\":\"活动%u\",\"kind\":\"%s\",\"organizer_org_id\":%" G_GINT64_FORMAT ",\"chain_id\":%s,"
    "\"starts_at\":\"2025-%02d-10T08:00:00Z\"}", ++w->serial, random_of (w, kinds, 3), w->wc, chain,
    g_rand_int_range (w->rand, 1, 13));
  gint64 id = 0;

  if (send (w, "POST", "/api/v1/activities", body, &id) == 201)
    g_array_append_val (w->activities, id);
}

static void
change_activity (World *w)
{
  static const char *const statuses[] = { "planned", "completed", "cancelled" };
  gint64 id = pick (w, w->activities), member = pick (w, w->members);
  g_autofree char *path = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT, id);
  g_autofree char *attendance = g_strdup_printf ("%s/attendance", path);
  g_autofree char *chain = random_chain_id (w);
  g_autofree char *body = NULL;

  if (id == 0)
    return;
  switch (g_rand_int_range (w->rand, 0, 4))
    {
    case 0:
      if (member == 0)
        return;
      body = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT "]}", member);
      send (w, "POST", attendance, body, NULL);
      return;
    case 1:
      if (member)
        {
          g_autofree char *one = g_strdup_printf ("%s/%" G_GINT64_FORMAT, attendance, member);
          g_autoptr (LjTestResponse) r = lj_test_request (w->s, "DELETE", one, NULL, NULL);
          g_assert_true (r->status == 204 || r->status == 404);
        }
      return;
    case 2:
      body = g_strdup_printf ("{\"status\":\"%s\"}", random_of (w, statuses, 3));
      break;
    default:
      body = g_strdup_printf ("{\"chain_id\":%s}", chain);
    }
  send (w, "PATCH", path, body, NULL);
}

static void
delete_activity (World *w)
{
  delete_random (w, w->activities, "activities");
}

/* ---- the recount ---- */

static gint64
sql_int (World *w, const char *sql, gint64 chain)
{
  return lj_test_db_int (w->s, sql, chain);
}

/* The figures as plain SQL over the base tables: the park's with chain 0. */
#define ORGS_OF_CHAIN \
  "(SELECT id FROM organizations WHERE chain_id = ?1 UNION SELECT oe.org_id FROM enterprise_chains ec" \
  " JOIN organization_enterprises oe ON oe.enterprise_id = ec.enterprise_id WHERE ec.chain_id = ?1)"
#define IN_SCOPE_E "(?1 = 0 OR e.id IN (SELECT enterprise_id FROM enterprise_chains WHERE chain_id = ?1))"
#define ELIGIBLE "e.status = 'active' AND e.ownership = 'non_public' AND e.three_haves = 1"

static void
assert_figure (gint64 got, gint64 want, const char *what, gint64 chain, guint round)
{
  if (got != want)
    g_error ("round %u, chain %" G_GINT64_FORMAT ": %s is %" G_GINT64_FORMAT ", a recount says %" G_GINT64_FORMAT,
             round, chain, what, got, want);
}

static void
check_counts (World *w, JsonObject *o, gint64 chain, guint round)
{
  JsonObject *members = json_object_get_object_member (o, "members");
  JsonObject *cov = json_object_get_object_member (o, "coverage");
  const char *orgs = chain ? "SELECT count(*) FROM " ORGS_OF_CHAIN : "SELECT count(*) FROM organizations WHERE ?1 = 0";
  const char *mem = chain ? "SELECT count(*) FROM members WHERE org_id IN " ORGS_OF_CHAIN
                          : "SELECT count(*) FROM members WHERE ?1 = 0";
  const char *prob = chain ? "SELECT count(*) FROM members WHERE status = 'probationary' AND org_id IN " ORGS_OF_CHAIN
                           : "SELECT count(*) FROM members WHERE status = 'probationary' AND ?1 = 0";

  assert_figure (json_object_get_int_member (o, "enterprises"),
                 sql_int (w, "SELECT count(*) FROM enterprises e WHERE " IN_SCOPE_E, chain), "enterprises", chain, round);
  assert_figure (json_object_get_int_member (o, "organizations"), sql_int (w, orgs, chain), "organizations", chain,
                 round);
  assert_figure (json_object_get_int_member (members, "total"), sql_int (w, mem, chain), "members", chain, round);
  assert_figure (json_object_get_int_member (members, "probationary"), sql_int (w, prob, chain), "probationary",
                 chain, round);
  assert_figure (json_object_get_int_member (cov, "eligible"),
                 sql_int (w, "SELECT count(*) FROM enterprises e WHERE " ELIGIBLE " AND " IN_SCOPE_E, chain),
                 "eligible", chain, round);
  assert_figure (json_object_get_int_member (cov, "covered"),
                 sql_int (w, "SELECT count(*) FROM enterprises e WHERE " ELIGIBLE " AND " IN_SCOPE_E
                          " AND EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)", chain),
                 "covered", chain, round);
  {
    JsonArray *spots = json_object_get_array_member (cov, "blank_spots");
    gint64 first = json_array_get_length (spots)
      ? json_object_get_int_member (json_array_get_object_element (spots, 0), "enterprise_id") : 0;
    assert_figure (json_array_get_length (spots),
                   sql_int (w, "SELECT count(*) FROM enterprises e WHERE " ELIGIBLE " AND " IN_SCOPE_E
                            " AND NOT EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)",
                            chain), "blank spots", chain, round);
    assert_figure (first,
                   sql_int (w, "SELECT ifnull (min (e.id), 0) FROM enterprises e WHERE " ELIGIBLE " AND " IN_SCOPE_E
                            " AND NOT EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)",
                            chain), "first blank spot", chain, round);
  }
}

static void
check_activities (World *w, JsonObject *o, gint64 chain, guint round)
{
  JsonObject *act = json_object_get_object_member (o, "activities");
  JsonArray *by_kind = json_object_get_array_member (act, "by_kind");
  JsonArray *by_chain = json_object_get_array_member (act, "by_chain");

#define ACT_SCOPE " FROM activities a WHERE a.status <> 'cancelled' AND (?1 = 0 OR a.chain_id = ?1)"
  assert_figure (json_object_get_int_member (act, "sessions"), sql_int (w, "SELECT count(*)" ACT_SCOPE, chain),
                 "sessions", chain, round);
  assert_figure (json_object_get_int_member (act, "attendances"),
                 sql_int (w, "SELECT count(*) FROM activity_attendance aa WHERE aa.activity_id IN (SELECT a.id"
                          ACT_SCOPE ")", chain), "attendances", chain, round);
  assert_figure (json_array_get_length (by_kind), sql_int (w, "SELECT count(DISTINCT a.kind)" ACT_SCOPE, chain),
                 "kinds", chain, round);
  for (guint i = 0; i < json_array_get_length (by_kind); i++)
    {
      JsonObject *g = json_array_get_object_element (by_kind, i);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*)" ACT_SCOPE " AND a.kind = '%s'",
                                              json_object_get_string_member (g, "kind"));
      assert_figure (json_object_get_int_member (g, "sessions"), sql_int (w, sql, chain), "sessions of a kind", chain,
                     round);
    }
  assert_figure (json_array_get_length (by_chain),
                 sql_int (w, "SELECT count(DISTINCT ifnull (a.chain_id, 0))" ACT_SCOPE, chain), "chain groups", chain,
                 round);
  for (guint i = 0; i < json_array_get_length (by_chain); i++)
    {
      JsonObject *g = json_array_get_object_element (by_chain, i);
      gint64 c = json_object_get_null_member (g, "chain_id") ? 0 : json_object_get_int_member (g, "chain_id");
      g_autofree char *sql = g_strdup_printf ("SELECT count(*)" ACT_SCOPE " AND ifnull (a.chain_id, 0) = %"
                                              G_GINT64_FORMAT, c);
      g_autofree char *att = g_strdup_printf ("SELECT count(*) FROM activity_attendance aa WHERE aa.activity_id IN"
                                              " (SELECT a.id" ACT_SCOPE " AND ifnull (a.chain_id, 0) = %"
                                              G_GINT64_FORMAT ")", c);
      assert_figure (json_object_get_int_member (g, "sessions"), sql_int (w, sql, chain), "sessions of a chain",
                     chain, round);
      assert_figure (json_object_get_int_member (g, "attendances"), sql_int (w, att, chain),
                     "attendances of a chain", chain, round);
    }
#undef ACT_SCOPE
}

static JsonNode *
overview (World *w, const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/stats/overview%s", query);
  g_autoptr (LjTestResponse) r = lj_test_get (w->s, path);

  g_assert_cmpuint (r->status, ==, 200);
  return json_node_ref (r->json);
}

static void
check_scope (World *w, gint64 chain, guint round)
{
  g_autofree char *q = chain ? g_strdup_printf ("?chain_id=%" G_GINT64_FORMAT, chain) : g_strdup ("");
  g_autofree char *qp = g_strdup_printf ("%s%sfrom=1970-01-01&to=9999-01-01", q, chain ? "&" : "?");
  g_autoptr (JsonNode) counted = overview (w, q);
  g_autoptr (JsonNode) period = overview (w, qp);
  g_autofree char *a = json_to_string (json_object_get_member (json_node_get_object (counted), "activities"), FALSE);
  g_autofree char *b = json_to_string (json_object_get_member (json_node_get_object (period), "activities"), FALSE);

  check_counts (w, json_node_get_object (counted), chain, round);
  check_activities (w, json_node_get_object (counted), chain, round);
  /* The counters and the period's count in the index agree to the byte. */
  g_assert_cmpstr (a, ==, b);
}

static void (*const operations[]) (World *) = {
  create_enterprise, create_enterprise, change_enterprise, change_enterprise, delete_enterprise,
  create_org, change_org, change_org, delete_org,
  create_member, create_member, change_member, change_member, delete_member,
  create_activity, create_activity, change_activity, change_activity, change_activity, delete_activity,
};

static void
test_counters_match_a_recount (gconstpointer data)
{
  g_autoptr (World) w = g_new0 (World, 1);

  w->s = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  w->rand = g_rand_new_with_seed (GPOINTER_TO_UINT (data));
  w->enterprises = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->orgs = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->members = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->activities = g_array_new (FALSE, FALSE, sizeof (gint64));
  send (w, "POST", "/api/v1/organizations", "{\"name\":\"园区党工委\",\"kind\":\"working_committee\"}", &w->wc);
  for (guint i = 0; i < N_CHAINS; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"产业链%u\",\"code\":\"C%u\"}", i, i);
      send (w, "POST", "/api/v1/chains", body, &w->chains[i]);
    }
  for (guint round = 1; round <= N_ROUNDS; round++)
    {
      for (guint i = 0; i < OPS_PER_ROUND; i++)
        operations[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (operations))] (w);
      check_scope (w, 0, round);
      for (guint c = 0; c < N_CHAINS; c++)
        check_scope (w, w->chains[c], round);
    }
  /* The random walk did reach the cases that matter. */
  g_assert_cmpint (sql_int (w, "SELECT count(*) FROM organization_enterprises WHERE ?1 = 0", 0), >, 0);
  g_assert_cmpint (sql_int (w, "SELECT count(*) FROM activity_attendance WHERE ?1 = 0", 0), >, 0);
  g_assert_cmpint (sql_int (w, "SELECT count(*) FROM members WHERE status = 'probationary' AND ?1 = 0", 0), >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/api/stats/counters-match-a-recount/seed-1", GUINT_TO_POINTER (1),
                        test_counters_match_a_recount);
  g_test_add_data_func ("/api/stats/counters-match-a-recount/seed-2", GUINT_TO_POINTER (20261126),
                        test_counters_match_a_recount);
  g_test_add_data_func ("/api/stats/counters-match-a-recount/seed-3", GUINT_TO_POINTER (777),
                        test_counters_match_a_recount);
  return g_test_run ();
}
