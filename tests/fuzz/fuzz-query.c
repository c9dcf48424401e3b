/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Target 2: the router and query-string parsing (filters, sort, cursor,
 * q, limit) on every list route.  Input: byte 0 < 0xe0 picks a list route
 * (modulo their number) and the principal (byte 0 / n modulo 4), the rest
 * is the raw query string; byte 0 >= 0xe0: the rest is a path for the
 * router, with the method from byte 0's low bits and no query. */
#include "lj-fuzz.h"

#include <string.h>

static const char *const lists[] = {
  "/api/v1/chains", "/api/v1/enterprises", "/api/v1/organizations", "/api/v1/members",
  "/api/v1/activities", "/api/v1/test/tickets", "/api/v1/users", "/api/v1/audit",
  "/api/v1/users/1/tokens", "/api/v1/enterprises/1/timeline", "/api/v1/organizations/1/subtree",
  "/api/v1/activities/1/attendance", "/api/v1/stats/overview", "/api/v1/test/tickets/1/transitions",
  "/api/v1/plugins", "/api/v1/me", "/api/v1/health", "/api/v1/openapi.json",
};
static const char *const methods[] = { "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "GET" };
static const LjFuzzWho who_of[4] = { LJ_FUZZ_ADMIN, LJ_FUZZ_SECRETARY, LJ_FUZZ_VIEWER, LJ_FUZZ_ANONYMOUS };

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *rest = NULL;
  guint n = G_N_ELEMENTS (lists);

  if (size < 1)
    return 0;
  lj_fuzz_init ();
  /* What libsoup hands over: a NUL-terminated string (it refuses NULs). */
  rest = g_strndup ((const char *) data + 1, size - 1);
  if (data[0] < 0xe0)
    {
      lj_fuzz_dispatch (who_of[(data[0] / n) % 4], "GET", lists[data[0] % n], rest, NULL, NULL, 0);
      return 0;
    }
  if (rest[0] != '/')
    return 0;
  lj_fuzz_dispatch (who_of[data[0] & 3], methods[(data[0] >> 2) & 7], rest, NULL, NULL, NULL, 0);
  return 0;
}
