/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `lianjian user …` and `lianjian token …`: account administration from
 * the shell, for the first admin and for recovery. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is the command name ("user" or "token"); returns the exit status. */
int lj_cmd_user (int argc, char **argv);
int lj_cmd_token (int argc, char **argv);

G_END_DECLS
