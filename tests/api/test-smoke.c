/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Health and the demo park over real HTTP: proves the harness itself. */
#include "lj-test-server.h"

static void
test_health_ok (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) resp = lj_test_get (server, "/api/v1/health");

  g_assert_cmpuint (resp->status, ==, 200);
  g_assert_cmpstr (lj_test_member_string (resp, "status"), ==, "ok");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/health/ok", test_health_ok);
  return g_test_run ();
}
