/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Target 3: POST /api/v1/auth/login, the whole path: the body is checked
 * and parsed, and a well-formed attempt pauses the request while Argon2id
 * (the test profile) runs on the worker pool; the harness iterates the
 * main context until the request resumes, as the server does.  Input: the
 * body. */
#include "lj-fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lj_fuzz_init ();
  lj_fuzz_dispatch (LJ_FUZZ_ANONYMOUS, "POST", "/api/v1/auth/login", NULL, "application/json", data, size);
  return 0;
}
