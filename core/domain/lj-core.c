/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registers the core component: its migrations and resource declarations
 * (compiled in from schemas/core as GResources), its named checks, and the
 * domain rules and routes that are more than declared CRUD. */
#include "lj-core.h"
#include "lj-credit-code.h"
#include "resource/lj-resource-private.h"
#include "lj-schema-resources.h"
#include "app/lj-audit.h"
#include "auth/lj-auth.h"

#include <gio/gio.h>
#include <string.h>
#include <stdlib.h>

#define LJ_CORE_MIGRATIONS "/org/lianjian/schemas/core/migrations/"
#define LJ_CORE_RESOURCES "/org/lianjian/schemas/core/resources/"

/* Registration order only matters for readability: references between
 * resources are resolved once all are registered. */
static const char *const core_resources[] = {
  "chains", "enterprises", "organizations", "members", "activities", NULL
};

static GBytes *
load_resource_file (const char *path, GError **error)
{
  /* Looked up in our own bundle, not the global registry: a static link
   * would drop the bundle's constructor. */
  return g_resource_lookup_data (lj_schema_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* Migration files are named NNNN-what.sql; the number is the step. */
gboolean
lj_core_migrate (LjStore *store, GError **error)
{
  g_auto (GStrv) names = g_resource_enumerate_children (lj_schema_get_resource (), LJ_CORE_MIGRATIONS, 0, error);
  g_autoptr (GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GArray) steps = g_array_new (FALSE, TRUE, sizeof (LjMigrationStep));

  if (names == NULL)
    return FALSE;
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *path = g_strconcat (LJ_CORE_MIGRATIONS, names[i], NULL);
      GBytes *sql = load_resource_file (path, error);
      LjMigrationStep step = { 0 };

      if (sql == NULL)
        return FALSE;
      g_ptr_array_add (blobs, sql);
      step.version = (guint) g_ascii_strtoull (names[i], NULL, 10);
      step.name = names[i];
      step.sql = g_bytes_get_data (sql, NULL);
      if (step.version == 0)
        {
          g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_FAILED, "migration %s has no step number", names[i]);
          return FALSE;
        }
      g_array_append_val (steps, step);
    }
  return lj_store_migrate (store, "core", (LjMigrationStep *) steps->data, steps->len, error);
}

static gboolean
register_resource (LjApp *app, const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (LJ_CORE_RESOURCES, name, ".json", NULL);
  g_autoptr (GBytes) data = load_resource_file (path, error);
  g_autoptr (LjResource) r = NULL;
  gsize len;
  const char *text;

  if (data == NULL)
    return FALSE;
  text = g_bytes_get_data (data, &len);
  r = lj_resource_new_from_data (text, len, error);
  return r != NULL && lj_app_add_resource (app, r, error);
}

gboolean
lj_core_register (LjApp *app, GError **error)
{
  lj_app_add_check (app, "credit_code", lj_credit_code_validate);
  for (guint i = 0; core_resources[i]; i++)
    if (!register_resource (app, core_resources[i], error))
      return FALSE;
  for (guint i = 0; i < app->resource_list->len; i++)
    if (!lj_resource_resolve_refs (app->resource_list->pdata[i], app, error))
      return FALSE;
  lj_organizations_setup (app);
  lj_activities_setup (app);
  lj_stats_add_routes (app);
  lj_health_add_routes (app);
  lj_auth_configure (app->config->auth_idle_timeout, app->config->auth_absolute_timeout,
                     app->config->auth_lockout_failures, app->config->auth_lockout_seconds);
  lj_auth_configure_passwords (app->config->auth_password_iterations, app->config->auth_password_memory_mib,
                               app->config->auth_password_threads);
  lj_auth_add_routes (app);
  lj_audit_add_routes (app);
  lj_timeline_add_routes (app);
  lj_openapi_add_routes (app);
  return TRUE;
}

/* Query parameters `from` and `to`: a date or an RFC 3339 timestamp,
 * normalised to a UTC timestamp; FALSE after a field error. */
gboolean
lj_parse_period_param (LjRequest *req, const char *name, char **out)
{
  const char *text = lj_request_get_query (req, name);
  g_autofree char *full = NULL;
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) utc = NULL;

  *out = NULL;
  if (text == NULL)
    return TRUE;
  full = strlen (text) == 10 ? g_strconcat (text, "T00:00:00Z", NULL) : g_strdup (text);
  dt = g_date_time_new_from_iso8601 (full, NULL);
  if (dt == NULL)
    {
      lj_request_add_field_error (req, name, "must be a date (YYYY-MM-DD) or an RFC 3339 timestamp");
      return FALSE;
    }
  utc = g_date_time_to_utc (dt);
  *out = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  return TRUE;
}

/* The value a field will have after a write: the one sent, else the stored
 * one; NULL when it will be null. */
JsonNode *
lj_core_effective_value (JsonObject *input, JsonObject *current, const char *name)
{
  JsonNode *n = json_object_get_member (input, name);

  if (n == NULL && current)
    n = json_object_get_member (current, name);
  return n && !JSON_NODE_HOLDS_NULL (n) ? n : NULL;
}
