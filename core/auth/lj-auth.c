/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PLACEHOLDER until the auth work lands: every caller is an admin. */
#include "lj-auth.h"

G_DEFINE_QUARK (lj-auth-error-quark, lj_auth_error)

gboolean
lj_auth_authenticate (LjApp *app, LjRequest *req, GError **error)
{
  LjPrincipal p = { .user_id = 1, .role = LJ_ROLE_ADMIN };

  lj_request_set_principal (req, &p);
  return TRUE;
}

void
lj_auth_add_routes (LjApp *app)
{
}

gboolean
lj_auth_create_user (LjStore *store, const char *username, const char *display_name, LjRole role,
                     gint64 org_id, const char *password, char **token, gint64 *user_id, GError **error)
{
  g_set_error (error, LJ_AUTH_ERROR, 0, "not implemented");
  return FALSE;
}

void
lj_auth_use_test_profile (void)
{
}
