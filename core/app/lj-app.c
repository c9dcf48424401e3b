/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LjApp: the registry of routes, resources and named checks, and the
 * dispatcher that runs every request as exactly one transaction: a read
 * snapshot for GET, BEGIN IMMEDIATE for anything else, committed only when
 * the handler succeeded, so a failed request writes nothing. */
#include "lj-app-private.h"
#include "lj-audit.h"
#include "auth/lj-auth.h"
#include "http/lj-problem.h"
#include "resource/lj-resource-private.h"

#include <string.h>

void lj_route_free (LjRoute *route);

static void
hook_free (gpointer data)
{
  LjHook *h = data;

  g_free (h->owner);
  g_free (h->event);
  g_free (h);
}

static void
stats_section_free (gpointer data)
{
  LjStatsSection *s = data;

  g_free (s->owner);
  g_free (s->name);
  g_free (s);
}

static void
timeline_source_free (gpointer data)
{
  LjTimelineSource *t = data;

  g_free (t->owner);
  g_free (t->sql);
  g_free (t);
}

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
  app->hooks = g_ptr_array_new_with_free_func (hook_free);
  app->stats_sections = g_ptr_array_new_with_free_func (stats_section_free);
  app->timeline_sources = g_ptr_array_new_with_free_func (timeline_source_free);
  lj_scope_register_sql_functions (app);
  return app;
}

void
lj_app_free (LjApp *app)
{
  if (app == NULL)
    return;
  lj_commit_group_flush (app);
  g_ptr_array_unref (app->routes);
  g_hash_table_unref (app->resources);
  g_ptr_array_unref (app->resource_list);
  g_hash_table_unref (app->checks);
  g_ptr_array_unref (app->hooks);
  g_ptr_array_unref (app->stats_sections);
  g_ptr_array_unref (app->timeline_sources);
  g_clear_pointer (&app->plugins, g_ptr_array_unref);
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
  return lj_app_add_resource_owned (app, NULL, resource, error);
}

/* For a plugin (@owner not NULL) the resource's name becomes
 * `<owner>/<x-lj-name>` and its references are resolved at once: the core
 * and the plugin's earlier resources are all there is to refer to. */
gboolean
lj_app_add_resource_owned (LjApp *app, const char *owner, LjResource *resource, GError **error)
{
  const char *name;

  if (owner && !lj_resource_set_plugin (resource, owner, error))
    return FALSE;
  name = lj_resource_get_name (resource);
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
  if ((owner && !lj_resource_resolve_refs (resource, app, error)) ||
      !lj_resource_add_routes (resource, app, owner, error))
    {
      g_hash_table_remove (app->resources, name);
      g_ptr_array_remove (app->resource_list, resource);
      return FALSE;
    }
  return TRUE;
}

static gint
hook_compare (gconstpointer a, gconstpointer b)
{
  const LjHook *x = *(LjHook **) a, *y = *(LjHook **) b;

  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  return g_strcmp0 (x->owner, y->owner);
}

void
lj_app_add_hook (LjApp *app, const char *owner, const char *event, LjHookKind kind, int priority,
                 LjHookFunc func, gpointer user_data)
{
  LjHook *h = g_new0 (LjHook, 1);

  h->owner = g_strdup (owner);
  h->event = g_strdup (event);
  h->kind = kind;
  h->priority = priority;
  h->func = func;
  h->user_data = user_data;
  g_ptr_array_add (app->hooks, h);
  g_ptr_array_sort (app->hooks, hook_compare);
}

void
lj_app_add_stats_section (LjApp *app, const char *owner, const char *name, LjStatsFunc func, gpointer user_data)
{
  LjStatsSection *sec = g_new0 (LjStatsSection, 1);

  sec->owner = g_strdup (owner);
  sec->name = g_strdup (name);
  sec->func = func;
  sec->user_data = user_data;
  g_ptr_array_add (app->stats_sections, sec);
}

void
lj_app_add_timeline_source (LjApp *app, const char *owner, const char *sql)
{
  LjTimelineSource *t = g_new0 (LjTimelineSource, 1);

  t->owner = g_strdup (owner);
  t->sql = g_strdup (sql);
  g_ptr_array_add (app->timeline_sources, t);
}

/* Removes from @array every element whose first member (owner) is @owner. */
static void
remove_owned (GPtrArray *array, const char *owner, gsize owner_offset)
{
  for (guint i = array->len; i > 0; i--)
    {
      const char *o = G_STRUCT_MEMBER (const char *, array->pdata[i - 1], owner_offset);

      if (g_strcmp0 (o, owner) == 0)
        g_ptr_array_remove_index (array, i - 1);
    }
}

/**
 * lj_app_withdraw:
 * Takes back everything @owner registered: routes, resources, hooks, stats
 * sections and timeline sources.  For a plugin that failed a phase.
 */
void
lj_app_withdraw (LjApp *app, const char *owner)
{
  g_return_if_fail (owner != NULL);
  remove_owned (app->routes, owner, G_STRUCT_OFFSET (LjRoute, owner));
  remove_owned (app->hooks, owner, G_STRUCT_OFFSET (LjHook, owner));
  remove_owned (app->stats_sections, owner, G_STRUCT_OFFSET (LjStatsSection, owner));
  remove_owned (app->timeline_sources, owner, G_STRUCT_OFFSET (LjTimelineSource, owner));
  for (guint i = app->resource_list->len; i > 0; i--)
    {
      LjResource *r = app->resource_list->pdata[i - 1];

      if (g_strcmp0 (r->plugin, owner) != 0)
        continue;
      g_hash_table_remove (app->resources, r->name);
      g_ptr_array_remove_index (app->resource_list, i - 1);
    }
}

void
lj_app_set_current_request (LjApp *app, LjRequest *req)
{
  app->current_req = req;
}

/* ---- running requests ---- */

void
lj_app_run_after_commit (LjApp *app, LjRequest *req)
{
  g_autoptr (GPtrArray) events = lj_request_steal_after_commit (req);

  for (guint i = 0; events && i < events->len; i++)
    {
      g_autoptr (GError) error = NULL;

      if (!lj_app_run_hooks (app, req, LJ_HOOK_AFTER_COMMIT, events->pdata[i], &error))
        g_warning ("after-commit hook for %s failed: %s", lj_event_get_name (events->pdata[i]), error->message);
    }
}

/* A write that no handler audited is recorded with its method and path. */
gboolean
lj_app_audit_route (LjRoute *route, LjRequest *req, GError **error)
{
  g_autofree char *action = NULL;

  if (lj_request_get_n_audited (req) > 0)
    return TRUE;
  action = g_strdup_printf ("%s %s", route->method, route->pattern);
  return lj_request_audit (req, action, route->tag ? route->tag : "", lj_request_get_path_id (req, "id"),
                           NULL, NULL, error);
}

/* A write in a transaction of its own, when group commit is on: the others
 * flush the group first, so they see only committed data. */
static gboolean
groupable (LjApp *app, LjRoute *route)
{
  return app->group_commit && strcmp (route->method, "GET") != 0 &&
         !(route->flags & LJ_ROUTE_FLAGS_NO_TRANSACTION);
}

/* Runs @route in its transaction.  *@deferred: the request waits in the
 * commit group and is answered when the group commits. */
static gboolean
run_in_transaction (LjApp *app, LjRoute *route, LjRequest *req, gboolean *deferred, GError **error)
{
  gboolean read_only = strcmp (route->method, "GET") == 0;

  *deferred = FALSE;
  if (groupable (app, route))
    return lj_commit_group_run (app, route, req, deferred, error);
  if (route->flags & LJ_ROUTE_FLAGS_NO_TRANSACTION)
    return route->func (req, route->user_data, error);
  if (!lj_store_begin (app->store, read_only ? LJ_STORE_TXN_READ : LJ_STORE_TXN_WRITE, error))
    return FALSE;
  if (!route->func (req, route->user_data, error) || (!read_only && !lj_app_audit_route (route, req, error)))
    {
      lj_store_rollback (app->store);
      return FALSE;
    }
  if (read_only)
    {
      lj_store_rollback (app->store);
      return TRUE;
    }
  if (!lj_store_commit (app->store, error))
    return FALSE;
  app->n_commits++;
  return TRUE;
}

/**
 * lj_request_run_transaction:
 * See lj-request.h.
 */
gboolean
lj_request_run_transaction (LjRequest *req, gboolean write, LjTransactionFunc func, gpointer user_data,
                            GError **error)
{
  LjApp *app = lj_request_get_app (req);
  LjRequest *outer = app->current_req;
  gboolean ok;

  lj_commit_group_flush (app);
  lj_app_set_current_request (app, req);
  ok = lj_store_begin (app->store, write ? LJ_STORE_TXN_WRITE : LJ_STORE_TXN_READ, error);
  if (ok && !func (req, user_data, error))
    {
      lj_store_rollback (app->store);
      ok = FALSE;
    }
  else if (ok && !write)
    lj_store_rollback (app->store);
  else if (ok && (ok = lj_store_commit (app->store, error)))
    app->n_commits++;
  lj_app_set_current_request (app, outer);
  if (ok && write)
    lj_app_run_after_commit (app, req);
  return ok;
}

static void
respond_error (LjRequest *req, const GError *error)
{
  if (g_error_matches (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAUTHORIZED))
    lj_request_set_response_header (req, "WWW-Authenticate", "Bearer realm=\"lianjian\"");
  lj_problem_respond (req, error);
}

void
lj_request_set_error (LjRequest *req, const GError *error)
{
  respond_error (req, error);
}

/* Authentication, then the route's roles: 401 for no or a bad token, 403
 * for a role the route does not admit. */
static gboolean
admit (LjApp *app, LjRoute *route, LjRequest *req, GError **error)
{
  LjRole role;

  /* A public route ignores a stale token: a client holding an expired
   * one must still be able to sign in again. */
  if (route->flags & LJ_ROUTE_FLAGS_PUBLIC)
    {
      g_autoptr (GError) ignored = NULL;
      LjPrincipal anonymous = { 0 };

      if (!lj_auth_authenticate (app, req, &ignored))
        lj_request_set_principal (req, &anonymous);
      return TRUE;
    }
  if (!lj_auth_authenticate (app, req, error))
    return FALSE;
  role = lj_request_get_role (req);
  if (role == LJ_ROLE_NONE)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAUTHORIZED,
                   "sign in first: send Authorization: Bearer <token>");
      return FALSE;
    }
  if (!(lj_route_get_roles (route) & (1 << role)))
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN, "the %s role may not use %s %s",
                   lj_role_to_string (role), route->method, route->pattern);
      return FALSE;
    }
  return TRUE;
}

/* Answers @req completely, unless the handler paused it: afterwards it
 * holds a status and a body. */
void
lj_app_dispatch (LjApp *app, LjRequest *req)
{
  g_autoptr (GString) allow = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  LjRoute *route;
  gboolean ok, deferred;

  lj_request_set_app (req, app);
  lj_request_set_store (req, app->store);
  lj_request_set_response_header (req, "X-Request-Id", lj_request_get_id (req));
  if (lj_request_get_malformed (req))
    {
      g_set_error_literal (&error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_BAD_REQUEST, lj_request_get_malformed (req));
      respond_error (req, error);
      return;
    }
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
      respond_error (req, error);
      return;
    }
  /* Reads, and writes with transactions of their own, see only committed
   * data: the writes waiting in the group commit first. */
  if (!groupable (app, route))
    lj_commit_group_flush (app);
  if (!admit (app, route, req, &error))
    {
      respond_error (req, error);
      return;
    }
  lj_app_set_current_request (app, req);
  ok = run_in_transaction (app, route, req, &deferred, &error);
  lj_app_set_current_request (app, NULL);
  if (!ok)
    {
      respond_error (req, error);
      return;
    }
  if (deferred)
    return;
  if (strcmp (route->method, "GET") != 0 && !(route->flags & LJ_ROUTE_FLAGS_NO_TRANSACTION))
    lj_app_run_after_commit (app, req);
  if (lj_request_get_status (req) == 0 && !lj_request_is_paused (req))
    lj_request_set_status (req, 204);
}
