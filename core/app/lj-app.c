/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LjApp: the registry of routes, resources and named checks, and the
 * dispatcher that runs every request as exactly one transaction: a read
 * snapshot for GET, BEGIN IMMEDIATE for anything else, committed only when
 * the handler succeeded, so a failed request writes nothing. */
#include "lj-app-private.h"
#include "http/lj-problem.h"
#include "resource/lj-resource-private.h"

#include <string.h>

void lj_route_free (LjRoute *route);

const char *
lj_version_string (void)
{
  return PACKAGE_VERSION;
}

LjApp *
lj_app_new (LjConfig *config, LjStore *store)
{
  LjApp *app = g_new0 (LjApp, 1);

  app->config = config;
  app->store = store;
  app->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) lj_route_free);
  app->resources = g_hash_table_new (g_str_hash, g_str_equal);
  app->resource_list = g_ptr_array_new_with_free_func ((GDestroyNotify) lj_resource_unref);
  app->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return app;
}

void
lj_app_free (LjApp *app)
{
  if (app == NULL)
    return;
  g_ptr_array_unref (app->routes);
  g_hash_table_unref (app->resources);
  g_ptr_array_unref (app->resource_list);
  g_hash_table_unref (app->checks);
  g_free (app);
}

void
lj_app_add_check (LjApp *app, const char *name, LjCheckFunc func)
{
  g_hash_table_replace (app->checks, g_strdup (name), func);
}

LjCheckFunc
lj_app_get_check (LjApp *app, const char *name)
{
  return g_hash_table_lookup (app->checks, name);
}

/**
 * lj_app_get_resource:
 * Returns: (nullable) (transfer none): the registered resource called @name.
 */
LjResource *
lj_app_get_resource (LjApp *app, const char *name)
{
  return g_hash_table_lookup (app->resources, name);
}

/**
 * lj_app_add_resource:
 * Registers @resource and its five routes.  Every reference, check and
 * search table it names must already exist.
 */
gboolean
lj_app_add_resource (LjApp *app, LjResource *resource, GError **error)
{
  const char *name = lj_resource_get_name (resource);

  if (g_hash_table_contains (app->resources, name))
    {
      g_set_error (error, LJ_RESOURCE_ERROR, LJ_RESOURCE_ERROR_DECLARATION,
                   "resource %s is already registered", name);
      return FALSE;
    }
  if (!lj_resource_bind (resource, app, error))
    return FALSE;
  g_ptr_array_add (app->resource_list, lj_resource_ref (resource));
  g_hash_table_insert (app->resources, (gpointer) name, resource);
  lj_resource_add_routes (resource, app);
  return TRUE;
}

static gboolean
run_in_transaction (LjApp *app, LjRoute *route, LjRequest *req, GError **error)
{
  gboolean read_only = strcmp (route->method, "GET") == 0;

  if (route->flags & LJ_ROUTE_FLAGS_NO_TRANSACTION)
    return route->func (req, route->user_data, error);
  if (!lj_store_begin (app->store, read_only ? LJ_STORE_TXN_READ : LJ_STORE_TXN_WRITE, error))
    return FALSE;
  if (!route->func (req, route->user_data, error))
    {
      lj_store_rollback (app->store);
      return FALSE;
    }
  if (read_only)
    {
      lj_store_rollback (app->store);
      return TRUE;
    }
  return lj_store_commit (app->store, error);
}

/* Answers @req completely: afterwards it holds a status and a body. */
void
lj_app_dispatch (LjApp *app, LjRequest *req)
{
  g_autoptr (GString) allow = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  LjRoute *route;

  lj_request_set_app (req, app);
  lj_request_set_store (req, app->store);
  route = lj_app_match_route (app, req, allow);
  if (route == NULL)
    {
      if (allow->len > 0)
        {
          lj_request_set_response_header (req, "Allow", allow->str);
          g_set_error (&error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_METHOD_NOT_ALLOWED,
                       "%s is not allowed here; use %s", lj_request_get_method (req), allow->str);
        }
      else
        g_set_error (&error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND, "no such route: %s", lj_request_get_path (req));
      lj_problem_respond (req, error);
      return;
    }
  if (!run_in_transaction (app, route, req, &error))
    {
      lj_problem_respond (req, error);
      return;
    }
  if (lj_request_get_status (req) == 0)
    lj_request_set_status (req, 204);
}
