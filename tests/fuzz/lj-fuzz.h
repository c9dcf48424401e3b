/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shared in-process harness of the libFuzzer targets: one app over a
 * temporary SQLite file holding the demo park, a few accounts, and a small
 * test resource with a state machine; requests go to lj_app_dispatch ()
 * without a socket.  Oracles: any 5xx aborts; so does a write by a
 * secretary to a record outside their scope (temporary triggers). */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum {
  LJ_FUZZ_ADMIN,
  LJ_FUZZ_SECRETARY,        /* the demo park's enterprise organisation */
  LJ_FUZZ_VIEWER,
  LJ_FUZZ_TICKET_OWNER,     /* secretary of 9001, which owns the tickets through 9002 */
  LJ_FUZZ_TICKET_REVIEWER,  /* secretary of 9003, the tickets' reviewer */
  LJ_FUZZ_TICKET_OTHER,     /* secretary of 9004, unrelated */
  LJ_FUZZ_ANONYMOUS,
  LJ_FUZZ_N_PRINCIPALS
} LjFuzzWho;

void  lj_fuzz_init (void);
/* Dispatches one request and returns its status; aborts on a 5xx or a
 * write outside a secretary's scope.  @content_type may be NULL. */
guint lj_fuzz_dispatch (LjFuzzWho who, const char *method, const char *path, const char *query,
                        const char *content_type, const uint8_t *body, size_t len);
/* How many tickets / demo records exist when the harness starts. */
gint64 lj_fuzz_max_id (const char *table);

G_END_DECLS
