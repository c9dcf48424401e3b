/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tokens and scope under attack (issue 9, item 6), against the demo park
 * with the first-party plugins: guessed tokens, a token replayed after
 * logout, a secretary walking the ids of records hidden from them (only
 * 404s, indistinguishable from ids that do not exist, and no data), and
 * private fields probed through filters, sorting and search. */
#include "lj-test-server.h"

#include <string.h>

#define PASSWORD "attack test password"

static LjTestServer *server;

static char *
random_token (GRand *rand)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  GString *s = g_string_new ("lj_");

  for (guint i = 0; i < 43; i++)
    g_string_append_c (s, alphabet[g_rand_int_range (rand, 0, 64)]);
  return g_string_free (s, FALSE);
}

static void
test_guessed_tokens (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261125);

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *guess = random_token (rand);
      g_autoptr (LjTestResponse) r = lj_test_request_as (server, guess, "GET", "/api/v1/members/1", NULL, NULL);

      g_assert_cmpuint (r->status, ==, 401);
      g_assert_null (strstr (lj_test_member_string (r, "detail"), "members"));
    }
}

static void
test_replay_after_logout (void)
{
  g_autofree char *api = lj_test_server_create_user (server, "replayer", "viewer", 0, PASSWORD, NULL);
  g_autoptr (LjTestResponse) login = lj_test_request_as (server, NULL, "POST", "/api/v1/auth/login",
                                                         "{\"username\":\"replayer\",\"password\":\"" PASSWORD "\"}",
                                                         NULL);
  const char *session;
  g_autoptr (LjTestResponse) before = NULL;
  g_autoptr (LjTestResponse) out = NULL;
  g_autoptr (LjTestResponse) replay = NULL;
  g_autoptr (LjTestResponse) relogin = NULL;

  g_assert_cmpuint (login->status, ==, 200);
  session = lj_test_member_string (login, "token");
  before = lj_test_request_as (server, session, "GET", "/api/v1/me", NULL, NULL);
  g_assert_cmpuint (before->status, ==, 200);
  out = lj_test_request_as (server, session, "POST", "/api/v1/auth/logout", NULL, NULL);
  g_assert_cmpuint (out->status, ==, 204);
  replay = lj_test_request_as (server, session, "GET", "/api/v1/me", NULL, NULL);
  g_assert_cmpuint (replay->status, ==, 401);
  /* A stale token does not stand in the way of signing in again. */
  relogin = lj_test_request_as (server, session, "POST", "/api/v1/auth/login",
                                "{\"username\":\"replayer\",\"password\":\"" PASSWORD "\"}", NULL);
  g_assert_cmpuint (relogin->status, ==, 200);
}

/* The detail of a 404 with the id written out, so bodies can be compared
 * across ids. */
static char *
detail_without_id (LjTestResponse *r, gint64 id)
{
  g_autofree char *num = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_auto (GStrv) parts = g_strsplit (lj_test_member_string (r, "detail"), num, -1);

  return g_strjoinv ("N", parts);
}

static void
test_secretary_walks_hidden_problems (void)
{
  g_autoptr (LjTestResponse) all = lj_test_get (server, "/api/v1/problem-board/problems?limit=500");
  g_autoptr (LjTestResponse) missing = NULL;
  g_autofree char *secretary = NULL;
  g_autofree char *missing_detail = NULL;
  JsonArray *items;
  gint64 max_id = 0;
  guint hidden = 0, shown = 0;

  g_assert_cmpuint (all->status, ==, 200);
  items = json_object_get_array_member (lj_test_object (all), "items");
  /* A secretary of an enterprise branch far from most problems. */
  secretary = lj_test_server_create_user (server, "walker", "secretary", 13, NULL, NULL);
  missing = lj_test_request_as (server, secretary, "GET", "/api/v1/problem-board/problems/999999", NULL, NULL);
  g_assert_cmpuint (missing->status, ==, 404);
  missing_detail = detail_without_id (missing, 999999);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *p = json_array_get_object_element (items, i);
      gint64 id = json_object_get_int_member (p, "id");
      g_autofree char *path = g_strdup_printf ("/api/v1/problem-board/problems/%" G_GINT64_FORMAT, id);
      g_autoptr (LjTestResponse) r = lj_test_request_as (server, secretary, "GET", path, NULL, NULL);

      max_id = MAX (max_id, id);
      g_assert_true (r->status == 200 || r->status == 404);
      if (r->status == 200)
        {
          shown++;
          continue;
        }
      hidden++;
      {
        g_autofree char *d = detail_without_id (r, id);
        /* Exactly what an id that never existed answers, and nothing of the record. */
        g_assert_cmpstr (d, ==, missing_detail);
        g_assert_null (strstr ((const char *) g_bytes_get_data (r->body, NULL),
                               json_object_get_string_member (p, "title")));
      }
    }
  g_test_message ("%u problems hidden from the secretary, %u shown", hidden, shown);
  g_assert_cmpuint (hidden, >, 0);
  g_assert_cmpuint (shown, >, 0);
  /* The list and its total agree with what single reads allowed. */
  {
    g_autoptr (LjTestResponse) list = lj_test_request_as (server, secretary, "GET",
                                                          "/api/v1/problem-board/problems?limit=500", NULL, NULL);
    g_assert_cmpint (lj_test_member_int (list, "total"), ==, shown);
  }
}

static void
test_private_fields_probed (void)
{
  g_autofree char *viewer = lj_test_server_create_user (server, "prober", "viewer", 0, NULL, NULL);
  static const char *const probes[] = {
    "/api/v1/members?phone=13800000000", "/api/v1/members?birth_date=1980-01-01", "/api/v1/members?sort=phone",
    "/api/v1/members?sort=-birth_date", "/api/v1/enterprises?contact_phone=0878-1234567",
    "/api/v1/enterprises?sort=contact_phone",
  };
  g_autoptr (LjTestResponse) admin_member = lj_test_get (server, "/api/v1/members/2");
  const char *phone = lj_test_member_string (admin_member, "phone");

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      g_autoptr (LjTestResponse) r = lj_test_request_as (server, viewer, "GET", probes[i], NULL, NULL);

      g_assert_cmpuint (r->status, ==, 422);
    }
  /* Search over the member's phone number finds nothing: it is not a
   * search field, and no answer carries it. */
  if (phone)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/members?q=%s", phone);
      g_autoptr (LjTestResponse) r = lj_test_request_as (server, viewer, "GET", path, NULL, NULL);

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpint (lj_test_member_int (r, "total"), ==, 0);
      g_assert_null (strstr ((const char *) g_bytes_get_data (r->body, NULL), phone));
    }
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  server = lj_test_server_start_with_plugins (LJ_TEST_SERVER_DEMO, LJ_FIRST_PARTY_PLUGIN_DIRS, NULL);
  g_test_add_func ("/attack/guessed-tokens", test_guessed_tokens);
  g_test_add_func ("/attack/replay-after-logout", test_replay_after_logout);
  g_test_add_func ("/attack/secretary-walks-hidden-problems", test_secretary_walks_hidden_problems);
  g_test_add_func ("/attack/private-fields-probed", test_private_fields_probed);
  rc = g_test_run ();
  lj_test_server_free (server);
  return rc;
}
