/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/openapi.json: an OpenAPI 3.1 document built at run time from
 * the registered routes and resource declarations, so it cannot drift from
 * what the server does. */
#include "lj-resource-private.h"
#include "http/lj-request-private.h"

#include <string.h>

/* Copies a declared schema, dropping x-lj-* storage hints: they are ours,
 * and some hold SQL, which a client never sees. */
static void
write_public_schema (LjJsonWriter *w, JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) names = json_object_get_members (o);

      lj_json_writer_begin_object (w);
      for (GList *l = names; l; l = l->next)
        {
          if (g_str_has_prefix (l->data, "x-lj-") || strcmp (l->data, "$schema") == 0)
            continue;
          lj_json_writer_key (w, l->data);
          write_public_schema (w, json_object_get_member (o, l->data));
        }
      lj_json_writer_end_object (w);
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      lj_json_writer_begin_array (w);
      for (guint i = 0; i < json_array_get_length (a); i++)
        write_public_schema (w, json_array_get_element (a, i));
      lj_json_writer_end_array (w);
      return;
    }
  lj_json_writer_node (w, node);
}

static void
write_system_properties (LjJsonWriter *w)
{
  lj_json_writer_key (w, "id");
  lj_json_writer_raw (w, "{\"type\":\"integer\",\"readOnly\":true,\"minimum\":1}");
  lj_json_writer_key (w, "version");
  lj_json_writer_raw (w, "{\"type\":\"integer\",\"readOnly\":true,\"description\":\"Grows by one on every change; send it back in If-Match\"}");
  lj_json_writer_key (w, "created_at");
  lj_json_writer_raw (w, "{\"type\":\"string\",\"format\":\"date-time\",\"readOnly\":true}");
  lj_json_writer_key (w, "updated_at");
  lj_json_writer_raw (w, "{\"type\":\"string\",\"format\":\"date-time\",\"readOnly\":true}");
}

void
lj_resource_write_schema (LjResource *r, LjJsonWriter *w, gboolean for_input)
{
  JsonObject *root = json_node_get_object (r->doc);
  JsonObject *props = json_object_get_object_member (root, "properties");
  g_autoptr (GList) names = json_object_get_members (props);

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "title", r->title);
  if (r->description)
    lj_json_writer_member_string (w, "description", r->description);
  lj_json_writer_member_string (w, "type", "object");
  lj_json_writer_member_bool (w, "additionalProperties", !for_input);
  lj_json_writer_key (w, "properties");
  lj_json_writer_begin_object (w);
  if (!for_input)
    write_system_properties (w);
  for (GList *l = names; l; l = l->next)
    {
      LjField *f = lj_resource_get_field (r, l->data);
      if (for_input && f->read_only)
        continue;
      lj_json_writer_key (w, l->data);
      write_public_schema (w, json_object_get_member (props, l->data));
    }
  lj_json_writer_end_object (w);
  if (json_object_has_member (root, "required"))
    {
      lj_json_writer_key (w, "required");
      write_public_schema (w, json_object_get_member (root, "required"));
    }
  lj_json_writer_end_object (w);
}

static void
write_param (LjJsonWriter *w, const char *name, const char *in, const char *type, const char *description,
             gboolean required)
{
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "name", name);
  lj_json_writer_member_string (w, "in", in);
  lj_json_writer_member_bool (w, "required", required);
  if (description)
    lj_json_writer_member_string (w, "description", description);
  lj_json_writer_key (w, "schema");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", type);
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
}

static const char *
field_json_type (LjFieldType t)
{
  static const char *const types[] = { "string", "integer", "number", "boolean", "string", "string", "object", "array" };
  return types[t];
}

static void
write_list_params (LjJsonWriter *w, LjResource *r)
{
  g_autofree char *sorts = r->sortable ? g_strjoinv (", ", r->sortable) : g_strdup ("id");
  g_autofree char *sort_desc = g_strdup_printf ("One of: %s; prefix - for descending", sorts);

  write_param (w, "limit", "query", "integer", "Page size, 1 to 500 (default 50)", FALSE);
  write_param (w, "cursor", "query", "string", "next_cursor of the previous page", FALSE);
  write_param (w, "sort", "query", "string", sort_desc, FALSE);
  if (r->search_table)
    write_param (w, "q", "query", "string", "Full-text search; finds Chinese substrings", FALSE);
  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];
      if (f->filterable)
        write_param (w, f->name, "query", field_json_type (f->type), "Equals", FALSE);
    }
  for (guint i = 0; i < r->filters->len; i++)
    {
      LjFilter *flt = r->filters->pdata[i];
      write_param (w, flt->name, "query", field_json_type (flt->type), flt->description, FALSE);
    }
}

static void
write_parameters (LjJsonWriter *w, LjRoute *route)
{
  lj_json_writer_key (w, "parameters");
  lj_json_writer_begin_array (w);
  for (guint i = 0; route->segments[i]; i++)
    if (route->segments[i][0] == '{')
      {
        g_autofree char *name = g_strndup (route->segments[i] + 1, strlen (route->segments[i]) - 2);
        write_param (w, name, "path", "integer", NULL, TRUE);
      }
  if (route->resource && route->operation == 'l')
    write_list_params (w, route->resource);
  for (guint i = 0; i < route->params->len; i++)
    {
      LjRouteParam *p = route->params->pdata[i];
      write_param (w, p->name, "query", p->json_type, p->description, FALSE);
    }
  if (route->resource && (route->operation == 'p' || route->operation == 'd'))
    write_param (w, "If-Match", "header", "string", "\"<version>\": refuse with 412 if the record changed", FALSE);
  lj_json_writer_end_array (w);
}

static void
write_json_content (LjJsonWriter *w, const char *type, const char *schema_ref, const char *schema_json)
{
  lj_json_writer_key (w, "content");
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, type);
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "schema");
  if (schema_ref)
    {
      lj_json_writer_begin_object (w);
      lj_json_writer_member_string (w, "$ref", schema_ref);
      lj_json_writer_end_object (w);
    }
  else
    lj_json_writer_raw (w, schema_json);
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
}

static void
write_response (LjJsonWriter *w, guint status, const char *description, const char *ref, const char *schema)
{
  g_autofree char *code = g_strdup_printf ("%u", status);

  lj_json_writer_key (w, code);
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "description", description);
  if (ref || schema)
    write_json_content (w, "application/json", ref, schema);
  lj_json_writer_end_object (w);
}

static void
write_resource_responses (LjJsonWriter *w, LjRoute *route)
{
  g_autofree char *ref = g_strdup_printf ("#/components/schemas/%s", route->resource->name);
  g_autofree char *page = g_strdup_printf (
    "{\"type\":\"object\",\"required\":[\"items\",\"next_cursor\",\"total\"],\"properties\":{"
    "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"%s\"}},"
    "\"next_cursor\":{\"type\":[\"string\",\"null\"]},\"total\":{\"type\":\"integer\"}}}", ref);

  switch (route->operation)
    {
    case 'l':
      write_response (w, 200, "A page of records", NULL, page);
      break;
    case 'c':
      write_response (w, 201, "Created; Location names the record", ref, NULL);
      break;
    case 'd':
      write_response (w, 204, "Deleted", NULL, NULL);
      break;
    default:
      write_response (w, 200, "The record; ETag holds its version", ref, NULL);
    }
}

static void
write_operation (LjJsonWriter *w, LjRoute *route)
{
  g_autofree char *method = g_ascii_strdown (route->method, -1);
  g_autofree char *op_id = g_strdup_printf ("%s %s", route->method, route->pattern);

  lj_json_writer_key (w, method);
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "operationId", op_id);
  if (route->summary)
    lj_json_writer_member_string (w, "summary", route->summary);
  if (route->tag)
    {
      lj_json_writer_key (w, "tags");
      lj_json_writer_begin_array (w);
      lj_json_writer_string (w, route->tag);
      lj_json_writer_end_array (w);
    }
  if (route->flags & LJ_ROUTE_FLAGS_PUBLIC)
    {
      lj_json_writer_key (w, "security");
      lj_json_writer_raw (w, "[]");
    }
  write_parameters (w, route);
  if (route->resource && (route->operation == 'c' || route->operation == 'p'))
    {
      g_autofree char *ref = g_strdup_printf ("#/components/schemas/%s-input", route->resource->name);
      lj_json_writer_key (w, "requestBody");
      lj_json_writer_begin_object (w);
      lj_json_writer_member_bool (w, "required", TRUE);
      write_json_content (w, "application/json", ref, NULL);
      lj_json_writer_end_object (w);
    }
  else if (route->request_schema)
    {
      lj_json_writer_key (w, "requestBody");
      lj_json_writer_begin_object (w);
      lj_json_writer_member_bool (w, "required", TRUE);
      write_json_content (w, "application/json", NULL, route->request_schema);
      lj_json_writer_end_object (w);
    }
  lj_json_writer_key (w, "responses");
  lj_json_writer_begin_object (w);
  if (route->resource)
    write_resource_responses (w, route);
  for (guint i = 0; i < route->responses->len; i++)
    {
      LjRouteResponse *resp = route->responses->pdata[i];
      write_response (w, resp->status, resp->description, NULL, resp->schema);
    }
  if (route->resource == NULL && route->responses->len == 0)
    write_response (w, 200, "Success", NULL, NULL);
  lj_json_writer_key (w, "default");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "description", "An error (RFC 9457 problem details)");
  write_json_content (w, "application/problem+json", "#/components/schemas/problem", NULL);
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
}

static void
write_paths (LjJsonWriter *w, LjApp *app)
{
  g_autoptr (GPtrArray) patterns = g_ptr_array_new ();

  for (guint i = 0; i < app->routes->len; i++)
    {
      LjRoute *route = app->routes->pdata[i];
      gboolean seen = FALSE;
      for (guint j = 0; j < patterns->len && !seen; j++)
        seen = strcmp (patterns->pdata[j], route->pattern) == 0;
      if (!seen)
        g_ptr_array_add (patterns, route->pattern);
    }
  lj_json_writer_key (w, "paths");
  lj_json_writer_begin_object (w);
  for (guint j = 0; j < patterns->len; j++)
    {
      lj_json_writer_key (w, patterns->pdata[j]);
      lj_json_writer_begin_object (w);
      for (guint i = 0; i < app->routes->len; i++)
        {
          LjRoute *route = app->routes->pdata[i];
          if (strcmp (route->pattern, patterns->pdata[j]) == 0)
            write_operation (w, route);
        }
      lj_json_writer_end_object (w);
    }
  lj_json_writer_end_object (w);
}

#define LJ_PROBLEM_SCHEMA \
  "{\"type\":\"object\",\"required\":[\"type\",\"title\",\"status\"],\"properties\":{" \
  "\"type\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"status\":{\"type\":\"integer\"}," \
  "\"detail\":{\"type\":\"string\"},\"errors\":{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
  "\"properties\":{\"field\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}}}}"

static void
write_components (LjJsonWriter *w, LjApp *app)
{
  lj_json_writer_key (w, "components");
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "schemas");
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "problem");
  lj_json_writer_raw (w, LJ_PROBLEM_SCHEMA);
  for (guint i = 0; i < app->resource_list->len; i++)
    {
      LjResource *r = app->resource_list->pdata[i];
      g_autofree char *input = g_strdup_printf ("%s-input", r->name);
      lj_json_writer_key (w, r->name);
      lj_resource_write_schema (r, w, FALSE);
      lj_json_writer_key (w, input);
      lj_resource_write_schema (r, w, TRUE);
    }
  lj_json_writer_end_object (w);
  lj_json_writer_key (w, "securitySchemes");
  lj_json_writer_raw (w, "{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"}}");
  lj_json_writer_end_object (w);
}

char *
lj_openapi_build (LjApp *app, gsize *len)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "openapi", "3.1.0");
  lj_json_writer_key (w, "info");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "title", "Lianjian");
  lj_json_writer_member_string (w, "version", lj_version_string ());
  lj_json_writer_member_string (w, "description",
                                "Party-building coordination along a park's industry chains (联建)");
  lj_json_writer_end_object (w);
  lj_json_writer_key (w, "servers");
  lj_json_writer_raw (w, "[{\"url\":\"/\"}]");
  lj_json_writer_key (w, "security");
  lj_json_writer_raw (w, "[{\"bearer\":[]}]");
  write_paths (w, app);
  write_components (w, app);
  lj_json_writer_end_object (w);
  return lj_json_writer_steal (g_steal_pointer (&w), len);
}

static gboolean
handle_openapi (LjRequest *req, gpointer user_data, GError **error)
{
  gsize len;
  char *doc = lj_openapi_build (user_data, &len);

  lj_request_set_response_json (req, 200, doc, len);
  return TRUE;
}

void
lj_openapi_add_routes (LjApp *app)
{
  LjRoute *route = lj_app_add_route (app, "GET", "/api/v1/openapi.json", handle_openapi, app);

  lj_route_set_flags (route, LJ_ROUTE_FLAGS_PUBLIC | LJ_ROUTE_FLAGS_NO_TRANSACTION);
  lj_route_set_summary (route, "meta", "This OpenAPI 3.1 document");
}
