/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Target 4: POST /api/v1/test/tickets/{id}/transitions on the harness's
 * `tickets` machine (as tests/api/test-state-machine.c declares it).
 * Input: byte 0 picks the principal (admin, owner, reviewer, other
 * secretary, viewer) and whether If-Match-free PATCH is tried instead;
 * byte 1 the ticket id (1-8); the rest is the body. */
#include "lj-fuzz.h"

#include <string.h>

static const LjFuzzWho who_of[8] = {
  LJ_FUZZ_ADMIN, LJ_FUZZ_TICKET_OWNER, LJ_FUZZ_TICKET_REVIEWER, LJ_FUZZ_TICKET_OTHER,
  LJ_FUZZ_VIEWER, LJ_FUZZ_TICKET_OWNER, LJ_FUZZ_TICKET_REVIEWER, LJ_FUZZ_SECRETARY,
};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char path[96];

  if (size < 2)
    return 0;
  lj_fuzz_init ();
  g_snprintf (path, sizeof path, "/api/v1/test/tickets/%d/%s", 1 + data[1] % 8,
              (data[0] & 0x80) ? "" : "transitions");
  if (data[0] & 0x80)
    path[strlen (path) - 1] = '\0';
  lj_fuzz_dispatch (who_of[data[0] & 7], (data[0] & 0x80) ? "PATCH" : "POST", path, NULL, "application/json",
                    data + 2, size - 2);
  return 0;
}
