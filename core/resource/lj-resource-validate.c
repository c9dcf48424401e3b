/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validating a request body against a resource declaration.  Every problem
 * is reported as a field error (the request then answers 422 listing them
 * all); what passes is returned normalised (timestamps in UTC) for the SQL
 * layer to bind.  json-glib never coerces here: a string is not a number. */
#include "lj-resource-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LJ_DATE_PATTERN "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#define LJ_DATETIME_PATTERN \
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"

typedef struct {
  LjResource *resource;
  LjRequest  *req;
  gint64      id;
} LjValidation;

static GType
value_type (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
}

static gboolean
check_string (LjValidation *v, LjField *f, const char *path, const char *s)
{
  glong n = g_utf8_strlen (s, -1);
  const char *message = NULL;

  if (f->enum_values && !g_strv_contains ((const char *const *) f->enum_values, s))
    {
      g_autofree char *allowed = g_strjoinv (", ", f->enum_values);
      lj_request_add_field_error (v->req, path, "must be one of: %s", allowed);
      return FALSE;
    }
  if (f->min_length >= 0 && n < f->min_length)
    {
      lj_request_add_field_error (v->req, path, f->min_length == 1 ? "must not be empty"
                                  : "must be at least %" G_GINT64_FORMAT " characters", f->min_length);
      return FALSE;
    }
  if (f->max_length >= 0 && n > f->max_length)
    {
      lj_request_add_field_error (v->req, path, "must be at most %" G_GINT64_FORMAT " characters", f->max_length);
      return FALSE;
    }
  if (f->pattern && !g_regex_match (f->pattern, s, 0, NULL))
    {
      lj_request_add_field_error (v->req, path, "has the wrong format");
      return FALSE;
    }
  if (f->check_func && !f->check_func (s, &message))
    {
      lj_request_add_field_error (v->req, path, "%s", message ? message : "is not valid");
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
check_date (LjValidation *v, const char *path, const char *s)
{
  int y, m, d;

  if (!g_regex_match_simple (LJ_DATE_PATTERN, s, 0, 0) || sscanf (s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
      !g_date_valid_dmy (d, m, y))
    {
      lj_request_add_field_error (v->req, path, "must be a date as YYYY-MM-DD");
      return NULL;
    }
  return json_node_init_string (json_node_alloc (), s);
}

static JsonNode *
check_datetime (LjValidation *v, const char *path, const char *s)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  if (g_regex_match_simple (LJ_DATETIME_PATTERN, s, 0, 0))
    dt = g_date_time_new_from_iso8601 (s, NULL);
  if (dt == NULL)
    {
      lj_request_add_field_error (v->req, path, "must be an RFC 3339 timestamp such as 2026-11-25T08:00:00Z");
      return NULL;
    }
  utc = g_date_time_to_utc (dt);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  return json_node_init_string (json_node_alloc (), text);
}

static gboolean
check_number_range (LjValidation *v, LjField *f, const char *path, double d)
{
  if (f->has_minimum && d < f->minimum)
    {
      lj_request_add_field_error (v->req, path, "must be at least %g", f->minimum);
      return FALSE;
    }
  if (f->has_maximum && d > f->maximum)
    {
      lj_request_add_field_error (v->req, path, "must be at most %g", f->maximum);
      return FALSE;
    }
  return TRUE;
}

gboolean
lj_resource_check_ref (LjResource *target, LjRequest *req, gint64 id, const char *path, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", target->table);
  g_autoptr (LjStmt) st = lj_store_prepare (lj_request_get_store (req), sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  rc = lj_stmt_step (st, error);
  if (rc < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    lj_request_add_field_error (req, path, "no %s %" G_GINT64_FORMAT, target->title, id);
  return TRUE;
}

static JsonNode *check_value (LjValidation *v, LjField *f, const char *path, JsonNode *node, GError **error);

static JsonNode *
check_scalar (LjValidation *v, LjField *f, const char *path, JsonNode *node, GError **error)
{
  GType t = value_type (node);

  switch (f->type)
    {
    case LJ_FIELD_STRING:
      if (t != G_TYPE_STRING)
        break;
      return check_string (v, f, path, json_node_get_string (node)) ? json_node_copy (node) : NULL;
    case LJ_FIELD_DATE:
      return t == G_TYPE_STRING ? check_date (v, path, json_node_get_string (node))
                                : (lj_request_add_field_error (v->req, path, "must be a date as YYYY-MM-DD"), NULL);
    case LJ_FIELD_DATETIME:
      return t == G_TYPE_STRING ? check_datetime (v, path, json_node_get_string (node))
                                : (lj_request_add_field_error (v->req, path, "must be an RFC 3339 timestamp"), NULL);
    case LJ_FIELD_BOOLEAN:
      if (t != G_TYPE_BOOLEAN)
        break;
      return json_node_copy (node);
    case LJ_FIELD_INTEGER:
      if (t != G_TYPE_INT64)
        break;
      if (!check_number_range (v, f, path, (double) json_node_get_int (node)))
        return NULL;
      if (f->ref_resource)
        {
          guint before = lj_request_get_n_field_errors (v->req);
          if (json_node_get_int (node) <= 0)
            {
              lj_request_add_field_error (v->req, path, "no %s %" G_GINT64_FORMAT, f->ref_resource->title,
                                          json_node_get_int (node));
              return NULL;
            }
          if (!lj_resource_check_ref (f->ref_resource, v->req, json_node_get_int (node), path, error) ||
              lj_request_get_n_field_errors (v->req) > before)
            return NULL;
        }
      return json_node_copy (node);
    case LJ_FIELD_NUMBER:
      if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
        break;
      if (!isfinite (json_node_get_double (node)) || !check_number_range (v, f, path, json_node_get_double (node)))
        return NULL;
      return json_node_init_double (json_node_alloc (), json_node_get_double (node));
    default:
      break;
    }
  {
    static const char *const names[] = { "a string", "an integer", "a number", "true or false",
                                         "a date as YYYY-MM-DD", "an RFC 3339 timestamp", "an object", "an array" };
    lj_request_add_field_error (v->req, path, "must be %s", names[f->type]);
  }
  return NULL;
}

/* The value that identifies an item of a link array, for duplicate checks. */
static char *
item_key (LjField *f, JsonNode *item)
{
  JsonNode *key = f->item ? item : json_object_get_member (json_node_get_object (item), f->link_key);

  /* Whatever the key's type (an id, a string, a date): its JSON text. */
  return key ? json_to_string (key, FALSE) : g_strdup ("null");
}

static JsonNode *
check_item_object (LjValidation *v, LjField *f, const char *path, JsonNode *node, GError **error)
{
  g_autoptr (JsonObject) clean = json_object_new ();
  JsonObject *o;
  gboolean ok = TRUE;
  g_autoptr (GList) names = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      lj_request_add_field_error (v->req, path, "must be an object");
      return NULL;
    }
  o = json_node_get_object (node);
  names = json_object_get_members (o);
  for (GList *l = names; l; l = l->next)
    {
      gboolean known = FALSE;
      for (guint i = 0; i < f->item_fields->len; i++)
        known |= strcmp (((LjField *) f->item_fields->pdata[i])->name, l->data) == 0;
      if (!known)
        {
          g_autofree char *p = g_strdup_printf ("%s.%s", path, (char *) l->data);
          lj_request_add_field_error (v->req, p, "unknown field");
          ok = FALSE;
        }
    }
  for (guint i = 0; i < f->item_fields->len; i++)
    {
      LjField *sub = f->item_fields->pdata[i];
      g_autofree char *p = g_strdup_printf ("%s.%s", path, sub->name);
      JsonNode *value = json_object_get_member (o, sub->name);
      JsonNode *c;

      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        {
          if (sub->required)
            {
              lj_request_add_field_error (v->req, p, "is required");
              ok = FALSE;
            }
          continue;
        }
      c = check_value (v, sub, p, value, error);
      if (c == NULL)
        ok = FALSE;
      else
        json_object_set_member (clean, sub->name, c);
    }
  return ok ? json_node_init_object (json_node_alloc (), clean) : NULL;
}

static JsonNode *
check_link (LjValidation *v, LjField *f, const char *path, JsonNode *node, GError **error)
{
  g_autoptr (JsonArray) clean = json_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *a;
  gboolean ok = TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      lj_request_add_field_error (v->req, path, "must be an array");
      return NULL;
    }
  a = json_node_get_array (node);
  if (json_array_get_length (a) > f->max_items)
    {
      lj_request_add_field_error (v->req, path, "must have at most %u items", f->max_items);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      g_autofree char *p = g_strdup_printf ("%s[%u]", path, i);
      JsonNode *item = json_array_get_element (a, i);
      JsonNode *c = f->item ? check_value (v, f->item, p, item, error) : check_item_object (v, f, p, item, error);
      char *key;

      if (c == NULL)
        {
          ok = FALSE;
          continue;
        }
      key = item_key (f, c);
      if (!g_hash_table_add (seen, key))
        {
          lj_request_add_field_error (v->req, p, "appears twice");
          ok = FALSE;
        }
      json_array_add_element (clean, c);
    }
  return ok ? json_node_init_array (json_node_alloc (), clean) : NULL;
}

static JsonNode *
check_value (LjValidation *v, LjField *f, const char *path, JsonNode *node, GError **error)
{
  if (error && *error)
    return NULL;
  if (f->type == LJ_FIELD_LINK)
    return check_link (v, f, path, node, error);
  return check_scalar (v, f, path, node, error);
}

static gboolean
check_unique (LjValidation *v, LjField *f, JsonNode *value, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE %s = ? AND id <> ?", v->resource->table, f->name);
  g_autoptr (LjStmt) st = lj_store_prepare (lj_request_get_store (v->req), sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  lj_resource_bind_node (st->stmt, 1, value);
  sqlite3_bind_int64 (st->stmt, 2, v->id);
  rc = lj_stmt_step (st, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    lj_request_add_field_error (v->req, f->name, "is already used by %s %" G_GINT64_FORMAT,
                                v->resource->title, (gint64) sqlite3_column_int64 (st->stmt, 0));
  return TRUE;
}

static gboolean
check_member (LjValidation *v, JsonObject *clean, const char *name, JsonNode *value, GError **error)
{
  LjField *f = lj_resource_get_field (v->resource, name);
  JsonNode *c;

  if (f == NULL)
    {
      lj_request_add_field_error (v->req, name,
                                  lj_resource_is_system_field (name) ? "is read-only" : "unknown field");
      return TRUE;
    }
  if (f->read_only)
    {
      lj_request_add_field_error (v->req, name, "is read-only");
      return TRUE;
    }
  if (JSON_NODE_HOLDS_NULL (value))
    {
      if (f->required)
        lj_request_add_field_error (v->req, name, "is required and cannot be null");
      else
        json_object_set_null_member (clean, name);
      return TRUE;
    }
  c = check_value (v, f, name, value, error);
  if (c == NULL)
    return error == NULL || *error == NULL;
  if (f->unique && !check_unique (v, f, c, error))
    {
      json_node_unref (c);
      return FALSE;
    }
  json_object_set_member (clean, name, c);
  return TRUE;
}

static void
apply_create_rules (LjValidation *v, JsonObject *input, JsonObject *clean)
{
  for (guint i = 0; i < v->resource->fields->len; i++)
    {
      LjField *f = v->resource->fields->pdata[i];

      /* A field sent with a bad value already has its error; a stored
       * read-only field starts at its default (a state machine's initial). */
      if (f->read_only && !(lj_field_is_stored (f) && f->default_value))
        continue;
      if (!f->read_only && json_object_has_member (input, f->name))
        continue;
      if (f->default_value)
        json_object_set_member (clean, f->name, json_node_copy (f->default_value));
      else if (f->required)
        lj_request_add_field_error (v->req, f->name, "is required");
    }
}

/**
 * lj_resource_validate_input:
 * @id: the record being patched, or 0 when @creating
 *
 * Returns: (transfer full) (nullable): the normalised fields to write; NULL
 *   when @error is set.  Field errors are added to @req; the caller checks
 *   lj_request_get_n_field_errors () before writing.
 */
JsonObject *
lj_resource_validate_input (LjResource *resource, LjRequest *req, JsonObject *input,
                            gint64 id, gboolean creating, GError **error)
{
  LjValidation v = { resource, req, id };
  g_autoptr (JsonObject) clean = json_object_new ();
  g_autoptr (GList) names = json_object_get_members (input);

  for (GList *l = names; l; l = l->next)
    if (!check_member (&v, clean, l->data, json_object_get_member (input, l->data), error))
      return NULL;
  if (creating)
    apply_create_rules (&v, input, clean);
  return g_steal_pointer (&clean);
}

/* Binds a normalised JSON value as an SQL parameter: booleans as 0/1. */
void
lj_resource_bind_node (sqlite3_stmt *stmt, int idx, JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sqlite3_bind_null (stmt, idx);
      return;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      sqlite3_bind_text (stmt, idx, json_node_get_string (node), -1, SQLITE_TRANSIENT);
      break;
    case G_TYPE_INT64:
      sqlite3_bind_int64 (stmt, idx, json_node_get_int (node));
      break;
    case G_TYPE_BOOLEAN:
      sqlite3_bind_int (stmt, idx, json_node_get_boolean (node) ? 1 : 0);
      break;
    case G_TYPE_DOUBLE:
      sqlite3_bind_double (stmt, idx, json_node_get_double (node));
      break;
    default:
      sqlite3_bind_null (stmt, idx);
    }
}
