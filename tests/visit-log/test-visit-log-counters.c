/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Without a period, the visit_log section of GET /stats/overview reads
 * counters that triggers keep (schemas/plugins/visit-log/0003-stats-counters.sql);
 * with one, it counts the rows (plugins/visit-log/vl-stats.c).  Here the
 * two must agree: after each batch of random writes through the REST API
 * (rounds, teams, assignments planned, skipped and deleted, visits
 * recorded, moved to another round and deleted, requests raised with and
 * without a chain of their own, moved, driven through their states and
 * deleted, escalations recorded as the clock moves, enterprises joining
 * and leaving chains, created and deleted, chains created and deleted),
 * the section without a period and the section for a period holding every
 * row must be the same, member by member, for the park and for every
 * chain.  Then the writes no route makes (a membership row moved, an
 * escalation or a log row deleted) are made in SQL while the server is
 * stopped, and checked the same way after a restart.
 *
 * The walks are seeded (fixed seeds, so CI sees the same sequences every
 * run); LJ_TEST_SEED=<n> runs one other sequence. */
#include <sqlite3.h>
#include <string.h>

#include "lj-test-server.h"
#include "domain/lj-credit-code.h"
#include <lianjian/lianjian.h>

#define N_BATCHES 8
#define OPS_PER_BATCH 40
#define N_ENTERPRISES 40
#define N_CAMPAIGNS 2
#define TEAMS_PER_CAMPAIGN 2
/* Every row the test writes is in this period. */
#define EVERY_ROW "from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z"
#define HOUR 3600

typedef struct {
  LjTestServer *s;
  GRand        *rand;
  gint64        org;          /* owns the rounds and the teams */
  gint64        teams[N_CAMPAIGNS * TEAMS_PER_CAMPAIGN];
  gint64        team_campaign[N_CAMPAIGNS * TEAMS_PER_CAMPAIGN];
  GArray       *chains;
  GArray       *new_chains;   /* the test's own, which it may delete */
  GArray       *enterprises;
  GArray       *new_enterprises;
  GArray       *visits, *assignments, *requests;
  guint         serial;
  GHashTable   *outcomes;     /* "METHOD /path/{id} status" → how many, for the log */
} World;

static void
world_free (World *w)
{
  g_rand_free (w->rand);
  g_array_unref (w->chains);
  g_array_unref (w->new_chains);
  g_array_unref (w->enterprises);
  g_array_unref (w->new_enterprises);
  g_array_unref (w->visits);
  g_array_unref (w->assignments);
  g_array_unref (w->requests);
  g_hash_table_unref (w->outcomes);
  lj_test_server_free (w->s);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (World, world_free)

static gint64
pick (World *w, GArray *ids)
{
  return lj_test_pick_id (w->rand, ids);
}

static void
note_outcome (World *w, const char *method, const char *path, guint status)
{
  g_autoptr (GRegex) ids = g_regex_new ("/[0-9]+", 0, 0, NULL);
  g_autofree char *route = g_regex_replace_literal (ids, path, -1, 0, "/{id}", 0, NULL);
  char *key = g_strdup_printf ("%s %s %u", method, route, status);

  g_hash_table_insert (w->outcomes, key, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (w->outcomes, key)) + 1));
}

static void
log_outcomes (World *w)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (w->outcomes), (GCompareFunc) strcmp);

  for (GList *l = keys; l; l = l->next)
    g_test_message ("%s: %u", (const char *) l->data, GPOINTER_TO_UINT (g_hash_table_lookup (w->outcomes, l->data)));
}

/* A write may be refused (a delete still referenced: 409, a rule: 422),
 * never fail. */
static LjTestResponse *
send (World *w, const char *method, const char *path, const char *body)
{
  LjTestResponse *r = lj_test_request (w->s, method, path, body, NULL);

  if (strcmp (method, "GET") != 0)
    note_outcome (w, method, path, r->status);
  if (r->status >= 500 || r->status == 400 || r->status == 403 || r->status == 404)
    g_error ("%s %s %s -> %u: %.*s", method, path, body ? body : "", r->status,
             r->body ? (int) g_bytes_get_size (r->body) : 0,
             r->body ? (const char *) g_bytes_get_data (r->body, NULL) : "");
  return r;
}

/* The new record's id, or 0 when it was refused. */
static gint64
send_create (World *w, const char *path, const char *body)
{
  g_autoptr (LjTestResponse) r = send (w, "POST", path, body);

  return r->status == 201 ? lj_test_member_int (r, "id") : 0;
}

static guint
send_status (World *w, const char *method, const char *path, const char *body)
{
  g_autoptr (LjTestResponse) r = send (w, method, path, body);

  return r->status;
}

static const char *
random_of (World *w, const char *const *values, guint n)
{
  return values[g_rand_int_range (w->rand, 0, n)];
}

static char *
random_date (World *w)
{
  return g_strdup_printf ("%d-%02d-%02d", g_rand_int_range (w->rand, 2025, 2027), g_rand_int_range (w->rand, 1, 13),
                          g_rand_int_range (w->rand, 1, 29));
}

/* Up to three chains, as a "chains" array. */
static char *
random_chains (World *w)
{
  g_autoptr (GString) s = g_string_new ("[");
  g_autoptr (GHashTable) taken = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n = g_rand_int_range (w->rand, 0, 4);

  for (guint i = 0; i < n && w->chains->len > 0; i++)
    {
      gint64 *chain = &g_array_index (w->chains, gint64, g_rand_int_range (w->rand, 0, w->chains->len));

      if (!g_hash_table_add (taken, chain))
        continue;
      g_string_append_printf (s, "%s{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"core\"}",
                              g_hash_table_size (taken) > 1 ? "," : "", *chain);
    }
  g_string_append_c (s, ']');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gint64
any_enterprise (World *w)
{
  if (w->new_enterprises->len > 0 && g_rand_int_range (w->rand, 0, 5) == 0)
    return pick (w, w->new_enterprises);
  return pick (w, w->enterprises);
}

/* ---- the writes ---- */

static void
add_assignment (World *w)
{
  static const char *const extra[] = { "", ",\"status\":\"skipped\",\"skip_reason\":\"停产\"", "" };
  guint t = g_rand_int_range (w->rand, 0, G_N_ELEMENTS (w->teams));
  g_autofree char *body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                                           "%s}", w->teams[t], any_enterprise (w),
                                           random_of (w, extra, G_N_ELEMENTS (extra)));
  gint64 id = send_create (w, "/api/v1/visit-log/assignments", body);

  if (id)
    g_array_append_val (w->assignments, id);
}

static void
change_assignment (World *w)
{
  static const char *const bodies[] = {
    "{\"status\":\"skipped\",\"skip_reason\":\"企业搬迁\"}", "{\"status\":\"pending\"}", "{\"status\":\"visited\"}",
  };
  gint64 id = pick (w, w->assignments);
  g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/assignments/%" G_GINT64_FORMAT, id);

  if (id == 0)
    return;
  if (g_rand_int_range (w->rand, 0, 4) == 0)
    {
      if (send_status (w, "DELETE", path, NULL) == 204)
        lj_test_forget_id (w->assignments, id);
      return;
    }
  send_status (w, "PATCH", path, random_of (w, bodies, G_N_ELEMENTS (bodies)));
}

static void
add_visit (World *w)
{
  guint t = g_rand_int_range (w->rand, 0, G_N_ELEMENTS (w->teams));
  g_autofree char *date = random_date (w);
  g_autofree char *body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                                           ",\"visited_on\":\"%s\"}", w->teams[t], any_enterprise (w), date);
  gint64 id = send_create (w, "/api/v1/visit-log/visits", body);

  g_assert_cmpint (id, >, 0);
  g_array_append_val (w->visits, id);
}

static gboolean
has_requests (World *w, gint64 visit)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/requests?visit_id=%" G_GINT64_FORMAT "&limit=1", visit);
  g_autoptr (LjTestResponse) r = send (w, "GET", path, NULL);

  return lj_test_member_int (r, "total") > 0;
}

/* Another date, another enterprise, or another round (its requests move
 * with it), or gone. */
/* The visit of a request, if the one picked was raised on a visit. */
static gint64
visit_of_a_request (World *w)
{
  gint64 request = pick (w, w->requests);
  g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/requests/%" G_GINT64_FORMAT, request);
  g_autoptr (LjTestResponse) r = NULL;
  JsonNode *visit;

  if (request == 0)
    return 0;
  r = send (w, "GET", path, NULL);
  visit = json_object_get_member (lj_test_object (r), "visit_id");
  return visit && JSON_NODE_HOLDS_VALUE (visit) ? json_node_get_int (visit) : 0;
}

static void
change_visit (World *w)
{
  /* Half the time one with requests, whose rounds follow it. */
  gint64 id = g_rand_boolean (w->rand) ? visit_of_a_request (w) : 0;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  guint t = g_rand_int_range (w->rand, 0, G_N_ELEMENTS (w->teams));

  if (id == 0)
    id = pick (w, w->visits);
  if (id == 0)
    return;
  path = g_strdup_printf ("/api/v1/visit-log/visits/%" G_GINT64_FORMAT, id);
  switch (g_rand_int_range (w->rand, 0, 4))
    {
    case 0:
      {
        g_autofree char *date = random_date (w);

        body = g_strdup_printf ("{\"visited_on\":\"%s\"}", date);
      }
      break;
    case 1:
      body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"campaign_id\":%" G_GINT64_FORMAT "}", w->teams[t],
                              w->team_campaign[t]);
      break;
    case 2:
      /* A request on a visit is about the visited enterprise. */
      if (has_requests (w, id))
        return;
      body = g_strdup_printf ("{\"enterprise_id\":%" G_GINT64_FORMAT "}", any_enterprise (w));
      break;
    default:
      if (send_status (w, "DELETE", path, NULL) == 204)
        lj_test_forget_id (w->visits, id);
      return;
    }
  send_status (w, "PATCH", path, body);
}

/* On a visit (its enterprise) or not; with a chain of its own or not. */
static void
add_request (World *w)
{
  static const char *const categories[] = { "financing", "land", "talent", "utilities", "policy" };
  g_autoptr (GString) body = g_string_new ("{");
  gint64 visit = g_rand_boolean (w->rand) ? pick (w, w->visits) : 0;
  gint64 enterprise = any_enterprise (w);
  gint64 id;

  if (visit)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/visits/%" G_GINT64_FORMAT, visit);
      g_autoptr (LjTestResponse) r = send (w, "GET", path, NULL);

      enterprise = lj_test_member_int (r, "enterprise_id");
      g_string_append_printf (body, "\"visit_id\":%" G_GINT64_FORMAT ",", visit);
    }
  else
    g_string_append_printf (body, "\"team_id\":%" G_GINT64_FORMAT ",", w->teams[0]);
  if (g_rand_int_range (w->rand, 0, 3) == 0)
    g_string_append_printf (body, "\"chain_id\":%" G_GINT64_FORMAT ",", pick (w, w->chains));
  g_string_append_printf (body, "\"enterprise_id\":%" G_GINT64_FORMAT ",\"category\":\"%s\",\"source\":\"phone\","
                          "\"description\":\"诉求\"}", enterprise, random_of (w, categories, G_N_ELEMENTS (categories)));
  id = send_create (w, "/api/v1/visit-log/requests", body->str);
  g_assert_cmpint (id, >, 0);
  g_array_append_val (w->requests, id);
}

/* The events that may be fired from a state, with their bodies. */
static const char *
random_event (World *w, const char *state)
{
  static const struct {
    const char *from;
    const char *body;
  } events[] = {
    { "registered", "{\"event\":\"accept\"}" },
    { "registered", "{\"event\":\"accept\"}" },
    { "registered", "{\"event\":\"reject\",\"reason\":\"不属实\"}" },
    { "accepted", "{\"event\":\"assign\",\"handler_unit\":\"供电局\"}" },
    { "assigned", "{\"event\":\"start\"}" },
    { "assigned", "{\"event\":\"return\",\"reason\":\"职责不符\"}" },
    { "in_progress", "{\"event\":\"resolve\",\"resolution\":\"已办结\"}" },
    { "in_progress", "{\"event\":\"resolve\",\"resolution\":\"已办结\"}" },
    { "in_progress", "{\"event\":\"mark_long_term\",\"long_term_plan\":\"分期\",\"next_review_on\":\"2027-01-01\"}" },
    { "in_progress", "{\"event\":\"return\",\"reason\":\"职责不符\"}" },
    { "long_term", "{\"event\":\"progress\",\"progress\":\"一期\",\"next_review_on\":\"2027-02-01\"}" },
    { "long_term", "{\"event\":\"resolve\",\"resolution\":\"已办结\"}" },
    { "resolved", "{\"event\":\"verify\",\"satisfaction\":\"satisfied\"}" },
    { "resolved", "{\"event\":\"verify\",\"satisfaction\":\"basically_satisfied\"}" },
    { "resolved", "{\"event\":\"verify\",\"satisfaction\":\"unsatisfied\"}" },
    { "verified", "{\"event\":\"close\"}" },
    { "verified", "{\"event\":\"reopen\"}" },
  };
  const char *chosen = NULL;
  guint seen = 0;

  /* One of the matching events, each as likely (reservoir sampling). */
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    if (strcmp (events[i].from, state) == 0 && g_rand_int_range (w->rand, 0, ++seen) == 0)
      chosen = events[i].body;
  return chosen;
}

/* A few steps of one request's life; now and then it is edited or deleted. */
static void
work_request (World *w)
{
  gint64 id = pick (w, w->requests);
  g_autofree char *path = g_strdup_printf ("/api/v1/visit-log/requests/%" G_GINT64_FORMAT, id);
  g_autofree char *transitions = g_strdup_printf ("%s/transitions", path);
  guint roll = g_rand_int_range (w->rand, 0, 20);

  if (id == 0)
    return;
  if (roll < 2)
    {
      if (send_status (w, "DELETE", path, NULL) == 204)
        lj_test_forget_id (w->requests, id);
      return;
    }
  if (roll == 2)
    {
      g_autofree char *body = g_rand_boolean (w->rand)
        ? g_strdup_printf ("{\"chain_id\":%" G_GINT64_FORMAT ",\"category\":\"land\"}", pick (w, w->chains))
        : g_strdup ("{\"chain_id\":null,\"category\":\"talent\"}");

      send_status (w, "PATCH", path, body);
      return;
    }
  for (guint step = g_rand_int_range (w->rand, 1, 5); step > 0; step--)
    {
      g_autoptr (LjTestResponse) r = send (w, "GET", path, NULL);
      const char *event = random_event (w, lj_test_member_string (r, "state"));
      guint status;

      if (event == NULL)
        return;
      /* Some deadlines are met, some missed. */
      lj_clock_advance_for_testing (g_rand_int_range (w->rand, 0, 60) * HOUR);
      status = send_status (w, "POST", transitions, event);
      /* Closing after an unsatisfied revisit is refused, so is reopening after a satisfied one. */
      if (status != 200 && status != 409)
        g_error ("%s %s -> %u", transitions, event, status);
    }
}

static void
escalate (World *w)
{
  g_autoptr (LjTestResponse) r = NULL;

  lj_clock_advance_for_testing (g_rand_int_range (w->rand, 1, 4) * 24 * HOUR);
  r = send (w, "POST", "/api/v1/visit-log/escalations/run", "{}");
  g_assert_cmpuint (r->status, ==, 200);
}

static void
move_enterprise (World *w)
{
  gint64 id = any_enterprise (w);
  g_autofree char *chains = random_chains (w);
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, id);
  g_autofree char *body = g_strdup_printf ("{\"chains\":%s}", chains);

  g_assert_cmpuint (send_status (w, "PATCH", path, body), ==, 200);
}

static char *
credit_code (guint n)
{
  char first[18];

  g_snprintf (first, sizeof first, "91532300MA%07u", n % 10000000);
  return g_strdup_printf ("%s%c", first, lj_credit_code_check_char (first));
}

/* A new enterprise on some chains; or one of them deleted, which the
 * core refuses while visit-log rows name it and otherwise cascades to its
 * chain memberships. */
static void
enterprise_comes_or_goes (World *w)
{
  gint64 id;

  if (w->new_enterprises->len > 0 && g_rand_boolean (w->rand))
    {
      g_autofree char *path = NULL;

      id = pick (w, w->new_enterprises);
      path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, id);
      if (send_status (w, "DELETE", path, NULL) == 204)
        lj_test_forget_id (w->new_enterprises, id);
      return;
    }
  {
    g_autofree char *code = credit_code (++w->serial);
    g_autofree char *chains = random_chains (w);
    g_autofree char *body = g_strdup_printf ("{\"name\":\"走访测试企业%u\",\"credit_code\":\"%s\",\"size\":\"small\","
                                             "\"ownership\":\"non_public\",\"three_haves\":true,\"chains\":%s}",
                                             w->serial, code, chains);

    id = send_create (w, "/api/v1/enterprises", body);
    g_assert_cmpint (id, >, 0);
    g_array_append_val (w->new_enterprises, id);
  }
}

/* A new chain; or one of the test's deleted, refused while enterprises or
 * requests are on it. */
static void
chain_comes_or_goes (World *w)
{
  gint64 id;

  if (w->new_chains->len > 0 && g_rand_boolean (w->rand))
    {
      g_autofree char *path = NULL;

      id = pick (w, w->new_chains);
      path = g_strdup_printf ("/api/v1/chains/%" G_GINT64_FORMAT, id);
      if (send_status (w, "DELETE", path, NULL) == 204)
        {
          lj_test_forget_id (w->new_chains, id);
          lj_test_forget_id (w->chains, id);
        }
      return;
    }
  {
    guint serial = ++w->serial;
    g_autofree char *body = g_strdup_printf ("{\"name\":\"测试链%u\",\"code\":\"VLT%u\"}", serial, serial);

    id = send_create (w, "/api/v1/chains", body);
    g_assert_cmpint (id, >, 0);
    g_array_append_val (w->new_chains, id);
    g_array_append_val (w->chains, id);
  }
}

static void
random_write (World *w)
{
  guint roll = g_rand_int_range (w->rand, 0, 100);

  if (roll < 14)
    add_assignment (w);
  else if (roll < 22)
    change_assignment (w);
  else if (roll < 36)
    add_visit (w);
  else if (roll < 42)
    change_visit (w);
  else if (roll < 54)
    add_request (w);
  else if (roll < 76)
    work_request (w);
  else if (roll < 80)
    escalate (w);
  else if (roll < 92)
    move_enterprise (w);
  else if (roll < 97)
    enterprise_comes_or_goes (w);
  else
    chain_comes_or_goes (w);
}

/* ---- the comparison ---- */

static JsonNode *
section (World *w, gint64 chain, const char *period, LjTestResponse **keep)
{
  g_autofree char *path = chain == 0
    ? g_strdup_printf ("/api/v1/stats/overview?%s", period ? period : "")
    : g_strdup_printf ("/api/v1/stats/overview?chain_id=%" G_GINT64_FORMAT "%s%s", chain, period ? "&" : "",
                       period ? period : "");

  /* Chain 0: the park. */
  *keep = send (w, "GET", path, NULL);
  if ((*keep)->status != 200)
    g_error ("GET %s -> %u: %.*s", path, (*keep)->status, (int) g_bytes_get_size ((*keep)->body),
             (const char *) g_bytes_get_data ((*keep)->body, NULL));
  return json_object_get_member (lj_test_object (*keep), "visit_log");
}

static void
assert_same (const char *where, JsonNode *counted, JsonNode *exact)
{
  g_autofree char *a = json_to_string (counted, FALSE);
  g_autofree char *b = json_to_string (exact, FALSE);

  if (strcmp (a, b) != 0)
    g_error ("%s: the counters say %s, the rows %s", where, a, b);
}

/* Member by member, so that a failure names the figure. */
static void
assert_agree (const char *where, JsonNode *counted, JsonNode *exact)
{
  if (JSON_NODE_HOLDS_OBJECT (counted) && JSON_NODE_HOLDS_OBJECT (exact))
    {
      JsonObject *c = json_node_get_object (counted), *e = json_node_get_object (exact);
      g_autoptr (GList) names = json_object_get_members (e);

      for (GList *l = names; l; l = l->next)
        {
          g_autofree char *inner = g_strdup_printf ("%s.%s", where, (const char *) l->data);

          if (!json_object_has_member (c, l->data))
            g_error ("%s: missing from the counters", inner);
          assert_agree (inner, json_object_get_member (c, l->data), json_object_get_member (e, l->data));
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (counted) && JSON_NODE_HOLDS_ARRAY (exact))
    {
      JsonArray *c = json_node_get_array (counted), *e = json_node_get_array (exact);

      for (guint i = 0; i < MIN (json_array_get_length (c), json_array_get_length (e)); i++)
        {
          g_autofree char *inner = g_strdup_printf ("%s[%u]", where, i);

          assert_agree (inner, json_array_get_element (c, i), json_array_get_element (e, i));
        }
    }
  /* Then the whole, for what the walk does not see: members only the
   * counters have, the lengths of arrays, values and their types. */
  assert_same (where, counted, exact);
}

static void
assert_counters_agree (World *w, const char *when)
{
  for (guint i = 0; i <= w->chains->len; i++)
    {
      gint64 chain = i == 0 ? 0 : g_array_index (w->chains, gint64, i - 1);
      g_autoptr (LjTestResponse) counted_keep = NULL;
      g_autoptr (LjTestResponse) exact_keep = NULL;
      JsonNode *counted = section (w, chain, NULL, &counted_keep);
      JsonNode *exact = section (w, chain, EVERY_ROW, &exact_keep);
      g_autofree char *where = g_strdup_printf ("%s, chain %" G_GINT64_FORMAT, when, chain);

      assert_agree (where, counted, exact);
    }
}

/* ---- the set-up ---- */

static void
load_ids (World *w, const char *path, GArray *ids)
{
  g_autoptr (LjTestResponse) r = send (w, "GET", path, NULL);
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (items, i), "id");

      g_array_append_val (ids, id);
    }
}

static World *
world_new (guint32 seed)
{
  World *w = g_new0 (World, 1);
  g_autofree char *config = g_strdup ("[plugin:visit-log]\nrequired=true\ncheck_interval=0\n");
  g_autofree char *enterprises = g_strdup_printf ("/api/v1/enterprises?limit=%d", N_ENTERPRISES);
  GArray *orgs = g_array_new (FALSE, FALSE, sizeof (gint64));

  w->s = lj_test_server_start_with_plugins (LJ_TEST_SERVER_DEMO, LJ_PLUGIN_DIR, config);
  w->rand = g_rand_new_with_seed (seed);
  w->outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->chains = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->new_chains = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->enterprises = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->new_enterprises = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->visits = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->assignments = g_array_new (FALSE, FALSE, sizeof (gint64));
  w->requests = g_array_new (FALSE, FALSE, sizeof (gint64));
  load_ids (w, "/api/v1/chains?limit=100", w->chains);
  load_ids (w, enterprises, w->enterprises);
  load_ids (w, "/api/v1/organizations?kind=chain_committee&limit=1", orgs);
  w->org = g_array_index (orgs, gint64, 0);
  g_array_unref (orgs);
  for (guint c = 0; c < N_CAMPAIGNS; c++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"计数测试第%u轮\",\"round_no\":%u,\"starts_on\":\"2025-01-01\","
                                               "\"owner_org_id\":%" G_GINT64_FORMAT ",\"status\":\"active\"}",
                                               c + 1, 10 + c, w->org);
      gint64 campaign = send_create (w, "/api/v1/visit-log/campaigns", body);

      g_assert_cmpint (campaign, >, 0);
      for (guint t = 0; t < TEAMS_PER_CAMPAIGN; t++)
        {
          guint i = c * TEAMS_PER_CAMPAIGN + t;
          g_autofree char *team = g_strdup_printf ("{\"name\":\"服务团%u\",\"campaign_id\":%" G_GINT64_FORMAT
                                                   ",\"org_id\":%" G_GINT64_FORMAT "}", i, campaign, w->org);

          w->teams[i] = send_create (w, "/api/v1/visit-log/teams", team);
          w->team_campaign[i] = campaign;
          g_assert_cmpint (w->teams[i], >, 0);
        }
    }
  return w;
}

/* The figures moved: the writes did reach the tables the test means. */
static void
assert_exercised (World *w)
{
  g_autoptr (LjTestResponse) keep = NULL;
  JsonObject *s = json_node_get_object (section (w, 0, NULL, &keep));
  JsonObject *requests = json_object_get_object_member (s, "requests");

  g_assert_cmpint (json_object_get_int_member (requests, "closed"), >, 0);
  g_assert_cmpint (json_object_get_int_member (requests, "assigned"), >, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (s, "escalations"), "total"), >, 0);
  g_assert_cmpint (json_object_get_int_member (s, "blank_spots_found"), >, 0);
}

/* The cases too rare to be left to chance. */
static void
write_rare_cases (World *w)
{
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *request_path = NULL;
  gint64 enterprise = pick (w, w->enterprises);
  gint64 visit, request;

  /* A visit with a request moved to another round: the request's round
   * is its visit's. */
  body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                          ",\"visited_on\":\"2025-06-01\"}", w->teams[0], enterprise);
  visit = send_create (w, "/api/v1/visit-log/visits", body);
  g_array_append_val (w->visits, visit);
  g_free (body);
  body = g_strdup_printf ("{\"visit_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                          ",\"category\":\"land\",\"description\":\"用地\"}", visit, enterprise);
  request = send_create (w, "/api/v1/visit-log/requests", body);
  g_array_append_val (w->requests, request);
  g_free (body);
  body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"campaign_id\":%" G_GINT64_FORMAT "}",
                          w->teams[TEAMS_PER_CAMPAIGN], w->team_campaign[TEAMS_PER_CAMPAIGN]);
  path = g_strdup_printf ("/api/v1/visit-log/visits/%" G_GINT64_FORMAT, visit);
  g_assert_cmpuint (send_status (w, "PATCH", path, body), ==, 200);

  /* A request deleted before anything happened to it: no log row of an
   * assignment nor escalation goes with it.  Last, as the next request
   * would take its id and its counters' row. */
  g_free (body);
  body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                          ",\"category\":\"land\",\"description\":\"撤回\"}", w->teams[0], enterprise);
  request = send_create (w, "/api/v1/visit-log/requests", body);
  request_path = g_strdup_printf ("/api/v1/visit-log/requests/%" G_GINT64_FORMAT, request);
  g_assert_cmpuint (send_status (w, "DELETE", request_path, NULL), ==, 204);
}

static void
test_random_writes (gconstpointer seed)
{
  g_autoptr (World) w = world_new (GPOINTER_TO_UINT (seed));

  assert_counters_agree (w, "the demo");
  for (guint batch = 0; batch < N_BATCHES; batch++)
    {
      g_autofree char *when = g_strdup_printf ("after batch %u", batch);

      for (guint op = 0; op < OPS_PER_BATCH; op++)
        random_write (w);
      assert_counters_agree (w, when);
    }
  write_rare_cases (w);
  assert_counters_agree (w, "after the rare cases");
  log_outcomes (w);
  assert_exercised (w);
  lj_clock_reset_for_testing ();
}

/* ---- the writes no route makes ---- */

/* Each write alone, so that no other trigger reads the request again and
 * hides a missing one. */
static void
assert_direct_write_counted (World *w, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  lj_test_server_stop (w->s);
  g_assert_cmpint (sqlite3_open (lj_test_server_get_db_path (w->s), &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, &message) != SQLITE_OK ||
      sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  if (sqlite3_changes (db) == 0)
    g_error ("this sequence left no row for: %s", sql);
  sqlite3_close (db);
  lj_test_server_restart (w->s);
  assert_counters_agree (w, sql);
}

static void
test_direct_writes (gconstpointer seed)
{
  g_autoptr (World) w = world_new (GPOINTER_TO_UINT (seed));
  gint64 last_chain;
  g_autofree char *move = NULL;

  for (guint op = 0; op < 2 * OPS_PER_BATCH; op++)
    random_write (w);
  for (guint op = 0; op < OPS_PER_BATCH; op++)
    work_request (w);
  escalate (w);
  assert_counters_agree (w, "before the direct writes");

  /* An enterprise with a request of no chain of its own moved from its
   * lowest chain to one it is not on: made sure of, whatever the walk did,
   * with a new chain and a new request at an enterprise on the first. */
  last_chain = send_create (w, "/api/v1/chains", "{\"name\":\"直接写入链\",\"code\":\"DIRECT\"}");
  {
    g_autofree char *on_first = g_strdup_printf ("/api/v1/enterprises?chain_id=%" G_GINT64_FORMAT "&limit=1",
                                                 g_array_index (w->chains, gint64, 0));
    g_autoptr (LjTestResponse) r = send (w, "GET", on_first, NULL);
    JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");
    g_autofree char *body = NULL;

    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    body = g_strdup_printf ("{\"team_id\":%" G_GINT64_FORMAT ",\"enterprise_id\":%" G_GINT64_FORMAT
                            ",\"category\":\"land\",\"description\":\"直接写入\"}", w->teams[0],
                            json_object_get_int_member (json_array_get_object_element (items, 0), "id"));
    send_create (w, "/api/v1/visit-log/requests", body);
  }
  move = g_strdup_printf (
    "UPDATE enterprise_chains SET chain_id = %" G_GINT64_FORMAT " WHERE (enterprise_id, chain_id) = "
    "(SELECT ec.enterprise_id, min (ec.chain_id) FROM enterprise_chains ec JOIN visit_log_requests x "
    "  ON x.enterprise_id = ec.enterprise_id AND x.chain_id IS NULL "
    " WHERE NOT EXISTS (SELECT 1 FROM enterprise_chains o WHERE o.enterprise_id = ec.enterprise_id "
    "                   AND o.chain_id = %" G_GINT64_FORMAT ") GROUP BY ec.enterprise_id ORDER BY ec.enterprise_id "
    " LIMIT 1)", last_chain, last_chain);
  assert_direct_write_counted (w, move);
  assert_direct_write_counted (w, "DELETE FROM visit_log_escalations WHERE request_id = "
                                  "(SELECT max (request_id) FROM visit_log_escalations)");
  assert_direct_write_counted (w, "UPDATE visit_log_escalations SET deadline = 'close', request_id = "
                                  "(SELECT max (x.id) FROM visit_log_requests x WHERE NOT EXISTS "
                                  " (SELECT 1 FROM visit_log_escalations e WHERE e.request_id = x.id)) "
                                  "WHERE id = (SELECT min (id) FROM visit_log_escalations)");
  /* Requests no longer ever assigned. */
  assert_direct_write_counted (w, "DELETE FROM visit_log_request_log WHERE event = 'assign' AND request_id = "
                                  "(SELECT max (request_id) FROM visit_log_request_log WHERE event = 'assign')");
  assert_direct_write_counted (w, "UPDATE visit_log_request_log SET event = 'note' WHERE event = 'assign' AND "
                                  "request_id = (SELECT min (request_id) FROM visit_log_request_log "
                                  "WHERE event = 'assign')");
  lj_clock_reset_for_testing ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  const char *env = g_getenv ("LJ_TEST_SEED");
  static const guint32 seeds[] = { 1, 20261126, 777 };

  for (guint i = 0; i < (env ? 1 : G_N_ELEMENTS (seeds)); i++)
    {
      guint32 seed = env ? (guint32) g_ascii_strtoull (env, NULL, 10) : seeds[i];
      g_autofree char *random = g_strdup_printf ("/visit-log/counters/agree-after-random-writes/seed-%u", seed);
      g_autofree char *direct = g_strdup_printf ("/visit-log/counters/agree-after-direct-writes/seed-%u", seed);

      g_test_add_data_func (random, GUINT_TO_POINTER (seed), test_random_writes);
      g_test_add_data_func (direct, GUINT_TO_POINTER (seed), test_direct_writes);
    }
  return g_test_run ();
}
