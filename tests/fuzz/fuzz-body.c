/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Target 1: JSON bodies and their validation on every declared resource
 * and every other write route that takes a body.
 * Input: byte 0 picks the route (low 4 bits), the principal (bits 4-5:
 * admin, secretary, viewer, admin) and the method (bit 6: POST or PATCH
 * where the route has both); byte 1 picks the record id; bit 7 of byte 0
 * sends a wrong Content-Type; the rest is the body. */
#include "lj-fuzz.h"

#include <string.h>

typedef struct {
  const char *collection;   /* POST here; PATCH/DELETE on collection/{id} */
  const char *table;        /* for ids; NULL: the id is used as given */
  gboolean    patch;        /* PATCH on collection/{id} */
} Target;

static const Target targets[] = {
  { "/api/v1/chains", "chains", TRUE },
  { "/api/v1/enterprises", "enterprises", TRUE },
  { "/api/v1/organizations", "organizations", TRUE },
  { "/api/v1/members", "members", TRUE },
  { "/api/v1/activities", "activities", TRUE },
  { "/api/v1/test/tickets", "test_tickets", TRUE },
  { "/api/v1/users", "users", TRUE },
  { "/api/v1/users/%d/tokens", "users", FALSE },
  { "/api/v1/activities/%d/attendance", "activities", FALSE },
  { "/api/v1/me/password", NULL, FALSE },
  { "/api/v1/auth/logout", NULL, FALSE },
  { "/api/v1/members", "members", TRUE },
  { "/api/v1/activities", "activities", TRUE },
  { "/api/v1/enterprises", "enterprises", TRUE },
  { "/api/v1/organizations", "organizations", TRUE },
  { "/api/v1/chains", "chains", TRUE },
};

static const LjFuzzWho who_of[4] = { LJ_FUZZ_ADMIN, LJ_FUZZ_SECRETARY, LJ_FUZZ_VIEWER, LJ_FUZZ_SECRETARY };

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const Target *t;
  char path[128];
  int id;

  if (size < 2)
    return 0;
  lj_fuzz_init ();
  t = &targets[data[0] & 0x0f];
  id = data[1] == 0 ? 1 : data[1];
  if (strchr (t->collection, '%'))
    {
      const char *mark = strchr (t->collection, '%');
      /* "/prefix/%d/suffix": the format is ours, spelled out to keep -Wformat. */
      g_snprintf (path, sizeof path, "%.*s%d%s", (int) (mark - t->collection), t->collection, id, mark + 2);
      lj_fuzz_dispatch (who_of[(data[0] >> 4) & 3], "POST", path, NULL,
                        (data[0] & 0x80) ? "text/plain" : "application/json", data + 2, size - 2);
      return 0;
    }
  if (t->patch && (data[0] & 0x40))
    {
      g_snprintf (path, sizeof path, "%s/%d", t->collection, id);
      lj_fuzz_dispatch (who_of[(data[0] >> 4) & 3], "PATCH", path, NULL,
                        (data[0] & 0x80) ? "application/x-www-form-urlencoded" : "application/json",
                        data + 2, size - 2);
      return 0;
    }
  lj_fuzz_dispatch (who_of[(data[0] >> 4) & 3], "POST", t->collection, NULL,
                    (data[0] & 0x80) ? "application/json; charset=latin1" : "application/json", data + 2, size - 2);
  return 0;
}
