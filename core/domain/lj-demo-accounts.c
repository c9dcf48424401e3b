/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo park's accounts: an admin, the secretary of a demo enterprise
 * organisation and a viewer, each with a fresh API token every time the
 * demo server starts, so the README's tour works with copy and paste.
 * Only hashes are stored, which is why a token cannot be shown twice. */
#include "lj-demo.h"
#include "auth/lj-auth.h"
#include "auth/lj-auth-private.h"

/* An enterprise organisation with members: what a secretary really keeps. */
static gint64
demo_secretary_org (LjStore *store, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "SELECT o.id FROM organizations o WHERE o.kind IN ('branch', 'general_branch') "
    "AND EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.org_id = o.id) "
    "AND EXISTS (SELECT 1 FROM members m WHERE m.org_id = o.id) ORDER BY o.id LIMIT 1", error);

  if (st == NULL)
    return -1;
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    {
      if (error && *error == NULL)
        g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_FAILED, "the demo park has no enterprise organisation");
      return -1;
    }
  return sqlite3_column_int64 (st->stmt, 0);
}

static char *
ensure_account (LjStore *store, const char *username, const char *display, LjRole role, gint64 org_id,
                GError **error)
{
  g_autoptr (LjUser) user = NULL;
  g_autoptr (GError) local = NULL;
  char *token = NULL;

  if ((user = lj_user_load_by_name (store, username, &local)) == NULL)
    {
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (!lj_auth_create_user (store, username, display, role, org_id, NULL, &token, NULL, error))
        return NULL;
      return token;
    }
  if (!lj_api_token_create (store, user->id, "demo", NULL, &token, NULL, error))
    return NULL;
  return token;
}

/**
 * lj_demo_accounts_ensure:
 * Creates the three demo accounts if missing, issues each a new token and
 * prints them on stdout.
 */
gboolean
lj_demo_accounts_ensure (LjStore *store, GError **error)
{
  gint64 org = demo_secretary_org (store, error);
  g_autofree char *admin = NULL, *secretary = NULL, *viewer = NULL;

  if (org < 0 ||
      (admin = ensure_account (store, "demo-admin", "园区党工委（演示）", LJ_ROLE_ADMIN, 0, error)) == NULL ||
      (secretary = ensure_account (store, "demo-secretary", "企业党支部书记（演示）", LJ_ROLE_SECRETARY, org,
                                   error)) == NULL ||
      (viewer = ensure_account (store, "demo-viewer", "上级党委（演示）", LJ_ROLE_VIEWER, 0, error)) == NULL)
    return FALSE;
  g_print ("Demo accounts (new API tokens, valid until revoked):\n"
           "  export ADMIN='Authorization: Bearer %s'\n"
           "  export SECRETARY='Authorization: Bearer %s'   # organisation %" G_GINT64_FORMAT "\n"
           "  export VIEWER='Authorization: Bearer %s'\n",
           admin, secretary, org, viewer);
  return TRUE;
}
