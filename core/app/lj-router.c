/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: registration with their OpenAPI details, and matching a request
 * path against them.  `{name}` segments match positive integer ids only, so
 * a handler never sees a malformed id; a path that matches a route under
 * another method gives 405 with Allow. */
#include "lj-app-private.h"

#include <string.h>

#define LJ_ROUTE_ID_MAX G_MAXINT64

static void
param_free (gpointer data)
{
  LjRouteParam *p = data;

  g_free (p->name);
  g_free (p->json_type);
  g_free (p->description);
  g_free (p);
}

static void
response_free (gpointer data)
{
  LjRouteResponse *r = data;

  g_free (r->description);
  g_free (r->schema);
  g_free (r);
}

void lj_route_free (LjRoute *route);

void
lj_route_free (LjRoute *route)
{
  g_free (route->method);
  g_free (route->pattern);
  g_strfreev (route->segments);
  g_free (route->tag);
  g_free (route->summary);
  g_ptr_array_unref (route->params);
  g_free (route->request_schema);
  g_ptr_array_unref (route->responses);
  g_free (route->owner);
  g_free (route);
}

/**
 * lj_app_add_route:
 * @pattern: a path such as `/api/v1/chains/{id}`
 *
 * Returns: (transfer none): the route, to describe further for openapi.json.
 */
LjRoute *
lj_app_add_route (LjApp *app, const char *method, const char *pattern, LjRouteFunc func, gpointer user_data)
{
  LjRoute *route = g_new0 (LjRoute, 1);

  g_return_val_if_fail (pattern[0] == '/', NULL);
  route->method = g_strdup (method);
  route->pattern = g_strdup (pattern);
  route->segments = g_strsplit (pattern + 1, "/", -1);
  route->func = func;
  route->user_data = user_data;
  route->params = g_ptr_array_new_with_free_func (param_free);
  route->responses = g_ptr_array_new_with_free_func (response_free);
  g_ptr_array_add (app->routes, route);
  return route;
}

/* Same method and the same path shape: `{a}` and `{b}` segments collide. */
static gboolean
routes_collide (LjRoute *a, const char *method, char **segments)
{
  if (strcmp (a->method, method) != 0 || g_strv_length (a->segments) != g_strv_length (segments))
    return FALSE;
  for (guint i = 0; segments[i]; i++)
    {
      gboolean pa = a->segments[i][0] == '{', pb = segments[i][0] == '{';

      if (pa != pb || (!pa && strcmp (a->segments[i], segments[i]) != 0))
        return FALSE;
    }
  return TRUE;
}

/**
 * lj_app_add_route_owned:
 * Like lj_app_add_route () on behalf of @owner, refusing a method and path
 * shape that is already taken.
 * Returns: (transfer none) (nullable): the route, or NULL with @error set.
 */
LjRoute *
lj_app_add_route_owned (LjApp *app, const char *owner, const char *method, const char *pattern,
                        LjRouteFunc func, gpointer user_data, GError **error)
{
  g_auto (GStrv) segments = NULL;
  LjRoute *route;

  if (pattern[0] != '/')
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID, "route %s %s must start with /", method, pattern);
      return NULL;
    }
  segments = g_strsplit (pattern + 1, "/", -1);
  for (guint i = 0; i < app->routes->len; i++)
    {
      LjRoute *other = app->routes->pdata[i];

      if (routes_collide (other, method, segments))
        {
          g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID, "route %s %s is already taken by %s",
                       method, pattern, other->owner ? other->owner : "the core");
          return NULL;
        }
    }
  route = lj_app_add_route (app, method, pattern, func, user_data);
  route->owner = g_strdup (owner);
  return route;
}

void
lj_route_set_roles (LjRoute *route, LjRoles roles)
{
  route->roles = roles;
}

/* The roles that may call @route: declared, else any signed-in role for
 * reads and writers (admins, secretaries) for everything else. */
LjRoles
lj_route_get_roles (LjRoute *route)
{
  if (route->roles)
    return route->roles;
  return strcmp (route->method, "GET") == 0 ? LJ_ROLES_ANY : LJ_ROLES_WRITERS;
}

void
lj_route_set_flags (LjRoute *route, LjRouteFlags flags)
{
  route->flags = flags;
}

void
lj_route_set_summary (LjRoute *route, const char *tag, const char *summary)
{
  g_free (route->tag);
  g_free (route->summary);
  route->tag = g_strdup (tag);
  route->summary = g_strdup (summary);
}

void
lj_route_add_query_param (LjRoute *route, const char *name, const char *json_type, const char *description)
{
  LjRouteParam *p = g_new0 (LjRouteParam, 1);

  p->name = g_strdup (name);
  p->json_type = g_strdup (json_type);
  p->description = g_strdup (description);
  g_ptr_array_add (route->params, p);
}

void
lj_route_set_request_schema (LjRoute *route, const char *schema_json)
{
  g_free (route->request_schema);
  route->request_schema = g_strdup (schema_json);
}

void
lj_route_add_response (LjRoute *route, guint status, const char *description, const char *schema_json)
{
  LjRouteResponse *r = g_new0 (LjRouteResponse, 1);

  r->status = status;
  r->description = g_strdup (description);
  r->schema = g_strdup (schema_json);
  g_ptr_array_add (route->responses, r);
}

static gboolean
parse_id (const char *segment, gint64 *out)
{
  guint64 v;

  if (segment[0] < '1' || segment[0] > '9')
    return FALSE;
  if (!g_ascii_string_to_unsigned (segment, 10, 1, LJ_ROUTE_ID_MAX, &v, NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

static gboolean
route_matches_path (LjRoute *route, char **parts, LjRequest *req)
{
  guint n = g_strv_length (route->segments);

  if (g_strv_length (parts) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const char *seg = route->segments[i];
      gint64 id;

      if (seg[0] == '{')
        {
          if (!parse_id (parts[i], &id))
            return FALSE;
          if (req)
            {
              g_autofree char *name = g_strndup (seg + 1, strlen (seg) - 2);
              lj_request_set_path_param (req, name, id);
            }
        }
      else if (strcmp (seg, parts[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Returns the route for the request's method and path; when none matches,
 * NULL, with @allow filled with the methods the path does accept. */
LjRoute *
lj_app_match_route (LjApp *app, LjRequest *req, GString *allow)
{
  const char *path = lj_request_get_path (req);
  const char *method = lj_request_get_method (req);
  g_auto (GStrv) parts = NULL;

  if (path[0] != '/')
    return NULL;
  parts = g_strsplit (path + 1, "/", -1);
  for (guint i = 0; i < app->routes->len; i++)
    {
      LjRoute *route = app->routes->pdata[i];
      gboolean same_method = strcmp (route->method, method) == 0 ||
                             (strcmp (method, "HEAD") == 0 && strcmp (route->method, "GET") == 0);

      if (!route_matches_path (route, parts, same_method ? req : NULL))
        continue;
      if (same_method)
        return route;
      if (strstr (allow->str, route->method) == NULL)
        g_string_append_printf (allow, "%s%s", allow->len ? ", " : "", route->method);
    }
  return NULL;
}
