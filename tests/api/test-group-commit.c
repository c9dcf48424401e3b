/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group commit (core/app/lj-commit-group.c): writes that arrive together
 * share one transaction and one fsync, and still succeed or fail one by
 * one.  To make the arrival deterministic, the first write's validate hook
 * holds the server thread while the test sends the rest; when it lets go,
 * the others are all waiting to be read. */
#include "lj-test-server.h"
#include "app/lj-app-private.h"

#define N_WRITES 24
#define BAD_WRITE 7

static LjApp *server_app;
static gint validated;      /* atomic */
static gint committed;      /* atomic: after-commit hooks run */

static gboolean
hold_first (LjRequest *req, LjEvent *event, gpointer data, GError **error)
{
  if (g_atomic_int_add (&validated, 1) == 0)
    g_usleep (400 * G_TIME_SPAN_MILLISECOND);
  return TRUE;
}

static gboolean
count_commit (LjRequest *req, LjEvent *event, gpointer data, GError **error)
{
  g_atomic_int_inc (&committed);
  return TRUE;
}

static void
setup (LjApp *app, LjStore *store, gpointer data)
{
  server_app = app;
  lj_app_add_hook (app, "test", "chain.created", LJ_HOOK_VALIDATE, 0, hold_first, NULL);
  lj_app_add_hook (app, "test", "chain.created", LJ_HOOK_AFTER_COMMIT, 0, count_commit, NULL);
}

static char *
post_chain (guint i, gboolean bad)
{
  g_autofree char *body = bad ? g_strdup ("{\"code\":\"NONAME\"}")
                              : g_strdup_printf ("{\"name\":\"并发写入链 %u\",\"code\":\"GC%u\"}", i, i);

  return lj_test_raw_post_json ("/api/v1/chains", body);
}

static void
test_concurrent_writes_share_commits (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start_with_setup (LJ_TEST_SERVER_EMPTY, setup, NULL);
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (LjTestResponse) list = NULL;
  g_autoptr (LjTestResponse) audit = NULL;
  guint64 commits_before = lj_app_get_n_commits (server_app);
  guint64 commits;

  for (guint i = 0; i < N_WRITES; i++)
    g_ptr_array_add (requests, post_chain (i, i == BAD_WRITE));
  answers = lj_test_raw_many (server, (const char *const *) requests->pdata, N_WRITES);
  commits = lj_app_get_n_commits (server_app) - commits_before;
  g_test_message ("%d writes in %" G_GUINT64_FORMAT " commits", N_WRITES, commits);
  for (guint i = 0; i < N_WRITES; i++)
    g_assert_cmpuint (lj_test_raw_status (answers->pdata[i]), ==, i == BAD_WRITE ? 422 : 201);
  /* Shared: far fewer commits than writes (the held first one commits
   * alone or with a few; the rest were waiting together). */
  g_assert_cmpuint (commits, >=, 1);
  g_assert_cmpuint (commits, <=, N_WRITES / 2);
  /* Each good write is kept with its audit row and its after-commit hook
   * ran once; the bad one left nothing. */
  g_assert_cmpint (g_atomic_int_get (&committed), ==, N_WRITES - 1);
  list = lj_test_get (server, "/api/v1/chains?limit=1");
  g_assert_cmpint (lj_test_member_int (list, "total"), ==, N_WRITES - 1);
  audit = lj_test_get (server, "/api/v1/audit?entity=chains&limit=500");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (lj_test_object (audit), "items")), ==,
                    N_WRITES - 1);
}

/* A write alone still commits at once: its answer does not wait for
 * another write to come along. */
static void
test_single_write_answered (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) r = NULL;
  g_autoptr (LjTestResponse) get = NULL;
  gint64 t0 = g_get_monotonic_time ();

  r = lj_test_request (server, "POST", "/api/v1/chains", "{\"name\":\"独自写入链\",\"code\":\"ALONE\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_TIME_SPAN_SECOND);
  get = lj_test_get (server, "/api/v1/chains?code=ALONE");
  g_assert_cmpint (lj_test_member_int (get, "total"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/group-commit/concurrent-writes-share-commits", test_concurrent_writes_share_commits);
  g_test_add_func ("/group-commit/single-write-answered", test_single_write_answered);
  return g_test_run ();
}
