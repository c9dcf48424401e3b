/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lj-request-private.h"

G_BEGIN_DECLS

guint lj_problem_status_for_error (const GError *error);
void  lj_problem_respond (LjRequest *req, const GError *error);
void  lj_problem_respond_status (LjRequest *req, guint status, const char *detail);

G_END_DECLS
