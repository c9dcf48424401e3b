/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a resource declaration (JSON Schema 2020-12 plus x-lj-* hints)
 * into LjResource, and binding it to an app: references resolved, named
 * checks found, the search table checked, select lists built once. */
#include "lj-resource-private.h"

#include <string.h>

G_DEFINE_QUARK (lj-resource-error-quark, lj_resource_error)

#define LJ_IDENT_PATTERN "^[a-z][a-z0-9_]*$"

static void
field_free (gpointer data)
{
  LjField *f = data;

  if (f == NULL)
    return;
  g_free (f->name);
  g_strfreev (f->enum_values);
  g_clear_pointer (&f->pattern, g_regex_unref);
  g_free (f->ref);
  g_free (f->check);
  g_free (f->sql);
  g_clear_pointer (&f->default_value, json_node_unref);
  g_free (f->link_table);
  g_free (f->link_owner);
  g_free (f->link_key);
  field_free (f->item);
  g_clear_pointer (&f->item_fields, g_ptr_array_unref);
  g_free (f);
}

static void
filter_drive_free (LjFilterDrive *d)
{
  if (d == NULL)
    return;
  g_free (d->table);
  g_free (d->key);
  g_free (d->owner);
  g_clear_pointer (&d->sorts, g_hash_table_unref);
  g_free (d);
}

static void
filter_free (gpointer data)
{
  LjFilter *f = data;

  filter_drive_free (f->drive);
  g_free (f->name);
  g_free (f->sql);
  g_free (f->description);
  g_free (f);
}

static void
referenced_by_free (gpointer data)
{
  LjReferencedBy *r = data;

  g_free (r->table);
  g_free (r->column);
  g_free (r->label);
  g_free (r);
}

static gboolean
declaration_error (GError **error, const char *resource, const char *what, const char *detail)
{
  g_set_error (error, LJ_RESOURCE_ERROR, LJ_RESOURCE_ERROR_DECLARATION,
               "resource %s: %s: %s", resource ? resource : "(unnamed)", what, detail);
  return FALSE;
}

static gboolean
is_identifier (const char *s)
{
  return s != NULL && g_regex_match_simple (LJ_IDENT_PATTERN, s, 0, 0);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
member_bool (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (n);
}

static char **
member_strv (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  g_autoptr (GStrvBuilder) b = NULL;
  JsonArray *a;

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return NULL;
  a = json_node_get_array (n);
  b = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      const char *s = json_array_get_string_element (a, i);
      if (s)
        g_strv_builder_add (b, s);
    }
  return g_strv_builder_end (b);
}

static gboolean
parse_type (JsonObject *prop, LjFieldType *type)
{
  const char *t = member_string (prop, "type");
  const char *format = member_string (prop, "format");

  if (g_strcmp0 (t, "string") == 0)
    *type = g_strcmp0 (format, "date") == 0 ? LJ_FIELD_DATE
          : g_strcmp0 (format, "date-time") == 0 ? LJ_FIELD_DATETIME : LJ_FIELD_STRING;
  else if (g_strcmp0 (t, "integer") == 0)
    *type = LJ_FIELD_INTEGER;
  else if (g_strcmp0 (t, "number") == 0)
    *type = LJ_FIELD_NUMBER;
  else if (g_strcmp0 (t, "boolean") == 0)
    *type = LJ_FIELD_BOOLEAN;
  else if (g_strcmp0 (t, "object") == 0)
    *type = LJ_FIELD_JSON;
  /* An array is a link table, unless SQL derives it (then JSON, like a
   * derived object). */
  else if (g_strcmp0 (t, "array") == 0)
    *type = json_object_has_member (prop, "x-lj-sql") ? LJ_FIELD_JSON : LJ_FIELD_LINK;
  else
    return FALSE;
  return TRUE;
}

static void
parse_limits (LjField *f, JsonObject *prop)
{
  f->min_length = json_object_has_member (prop, "minLength") ? json_object_get_int_member (prop, "minLength") : -1;
  f->max_length = json_object_has_member (prop, "maxLength") ? json_object_get_int_member (prop, "maxLength") : -1;
  f->has_minimum = json_object_has_member (prop, "minimum");
  f->has_maximum = json_object_has_member (prop, "maximum");
  if (f->has_minimum)
    f->minimum = json_object_get_double_member (prop, "minimum");
  if (f->has_maximum)
    f->maximum = json_object_get_double_member (prop, "maximum");
  f->max_items = json_object_has_member (prop, "maxItems") ? json_object_get_int_member (prop, "maxItems") : 1000;
}

static LjField *parse_field (const char *rname, const char *name, JsonObject *prop, gboolean required, GError **error);

static gboolean
parse_link (const char *rname, LjField *f, JsonObject *prop, GError **error)
{
  JsonNode *link_node = json_object_get_member (prop, "x-lj-link");
  JsonNode *items_node = json_object_get_member (prop, "items");
  JsonObject *link = link_node && JSON_NODE_HOLDS_OBJECT (link_node) ? json_node_get_object (link_node) : NULL;
  JsonObject *items = items_node && JSON_NODE_HOLDS_OBJECT (items_node) ? json_node_get_object (items_node) : NULL;

  if (link == NULL || items == NULL)
    return declaration_error (error, rname, f->name, "an array needs x-lj-link and items");
  f->link_table = g_strdup (member_string (link, "table"));
  f->link_owner = g_strdup (member_string (link, "owner"));
  f->link_key = g_strdup (member_string (link, "key"));
  if (!is_identifier (f->link_table) || !is_identifier (f->link_owner) || !is_identifier (f->link_key))
    return declaration_error (error, rname, f->name, "x-lj-link needs table, owner and key identifiers");
  if (g_strcmp0 (member_string (items, "type"), "object") == 0)
    {
      JsonObject *props = json_object_get_object_member (items, "properties");
      g_auto (GStrv) req = member_strv (items, "required");
      GList *names = props ? json_object_get_members (props) : NULL;

      f->item_fields = g_ptr_array_new_with_free_func (field_free);
      for (GList *l = names; l; l = l->next)
        {
          LjField *sub = parse_field (rname, l->data, json_object_get_object_member (props, l->data),
                                      req && g_strv_contains ((const char *const *) req, l->data), error);
          if (sub == NULL)
            {
              g_list_free (names);
              return FALSE;
            }
          g_ptr_array_add (f->item_fields, sub);
        }
      g_list_free (names);
      return TRUE;
    }
  f->item = parse_field (rname, f->link_key, items, TRUE, error);
  return f->item != NULL;
}

static LjField *
parse_field (const char *rname, const char *name, JsonObject *prop, gboolean required, GError **error)
{
  LjField *f = g_new0 (LjField, 1);
  const char *pattern;

  f->name = g_strdup (name);
  f->required = required;
  if (prop == NULL || !is_identifier (name) || !parse_type (prop, &f->type))
    {
      declaration_error (error, rname, name, "needs a snake_case name and a type");
      field_free (f);
      return NULL;
    }
  f->read_only = member_bool (prop, "readOnly");
  f->is_private = member_bool (prop, "x-lj-private");
  f->filterable = member_bool (prop, "x-lj-filter");
  f->unique = member_bool (prop, "x-lj-unique");
  f->detail_only = member_bool (prop, "x-lj-detail");
  f->unique_items = member_bool (prop, "uniqueItems");
  f->enum_values = member_strv (prop, "enum");
  f->ref = g_strdup (member_string (prop, "x-lj-ref"));
  f->check = g_strdup (member_string (prop, "x-lj-check"));
  f->sql = g_strdup (member_string (prop, "x-lj-sql"));
  if (json_object_has_member (prop, "default"))
    f->default_value = json_node_copy (json_object_get_member (prop, "default"));
  parse_limits (f, prop);
  pattern = member_string (prop, "pattern");
  if (pattern && (f->pattern = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL)) == NULL)
    {
      declaration_error (error, rname, name, "pattern does not compile");
      field_free (f);
      return NULL;
    }
  /* readOnly without x-lj-sql is a stored column clients cannot write (a
   * state moved only by transitions); it needs its default on create. */
  if ((f->read_only && f->sql == NULL && f->default_value == NULL && f->required) ||
      (f->type == LJ_FIELD_JSON && f->sql == NULL))
    {
      declaration_error (error, rname, name, "derived fields need x-lj-sql, stored read-only ones a default "
                         "(and objects must be derived)");
      field_free (f);
      return NULL;
    }
  if (f->type == LJ_FIELD_LINK && !parse_link (rname, f, prop, error))
    {
      field_free (f);
      return NULL;
    }
  return f;
}

/* "x-lj-drive": { "table", "key", "owner", "sorts": { field: column } };
 * identifiers only, as they are spliced into SQL. */
static gboolean
parse_filter_drive (LjResource *r, LjFilter *f, JsonObject *def, GError **error)
{
  JsonObject *o = json_object_has_member (def, "x-lj-drive") ? json_object_get_object_member (def, "x-lj-drive") : NULL;
  JsonObject *sorts = o && json_object_has_member (o, "sorts") ? json_object_get_object_member (o, "sorts") : NULL;
  g_autoptr (GList) names = sorts ? json_object_get_members (sorts) : NULL;
  LjFilterDrive *d;

  if (!json_object_has_member (def, "x-lj-drive"))
    return TRUE;
  if (o == NULL || f->n_params != 1 || !is_identifier (member_string (o, "table")) ||
      !is_identifier (member_string (o, "key")) || !is_identifier (member_string (o, "owner")))
    return declaration_error (error, r->name, f->name, "x-lj-drive needs table, key and owner identifiers, "
                              "on a filter of one parameter");
  d = f->drive = g_new0 (LjFilterDrive, 1);
  d->table = g_strdup (member_string (o, "table"));
  d->key = g_strdup (member_string (o, "key"));
  d->owner = g_strdup (member_string (o, "owner"));
  d->sorts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (GList *l = names; l; l = l->next)
    {
      const char *column = member_string (sorts, l->data);
      if (!is_identifier (l->data) || !is_identifier (column))
        return declaration_error (error, r->name, f->name, "x-lj-drive sorts map fields to columns");
      g_hash_table_insert (d->sorts, g_strdup (l->data), g_strdup (column));
    }
  return TRUE;
}

static gboolean
parse_filters (LjResource *r, JsonObject *root, GError **error)
{
  JsonObject *filters = json_object_has_member (root, "x-lj-filters")
    ? json_object_get_object_member (root, "x-lj-filters") : NULL;
  g_autoptr (GList) names = filters ? json_object_get_members (filters) : NULL;

  for (GList *l = names; l; l = l->next)
    {
      JsonObject *def = json_object_get_object_member (filters, l->data);
      LjFilter *f = g_new0 (LjFilter, 1);
      const char *sql = def ? member_string (def, "sql") : NULL;

      g_ptr_array_add (r->filters, f);
      f->name = g_strdup (l->data);
      f->sql = g_strdup (sql);
      f->description = g_strdup (def ? member_string (def, "description") : NULL);
      if (def == NULL || sql == NULL || !parse_type (def, &f->type) || !is_identifier (f->name))
        return declaration_error (error, r->name, f->name, "a filter needs a type and sql");
      for (const char *p = sql; *p; p++)
        f->n_params += *p == '?';
      if (!parse_filter_drive (r, f, def, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_resource_hints (LjResource *r, JsonObject *root, GError **error)
{
  JsonObject *search = json_object_has_member (root, "x-lj-search")
    ? json_object_get_object_member (root, "x-lj-search") : NULL;
  JsonArray *refs = json_object_has_member (root, "x-lj-referenced-by")
    ? json_object_get_array_member (root, "x-lj-referenced-by") : NULL;

  const char *owner_any = member_string (root, "x-lj-owner-any");
  const char *write = member_string (root, "x-lj-write");

  r->sortable = member_strv (root, "x-lj-sort");
  r->owner_sql = g_strdup (member_string (root, "x-lj-owner"));
  r->visible_sql = g_strdup (member_string (root, "x-lj-visible"));
  r->event_prefix = g_strdup (member_string (root, "x-lj-singular"));
  if (r->event_prefix == NULL)
    r->event_prefix = g_strdup (r->name);
  if (write && strcmp (write, "admin") != 0)
    return declaration_error (error, r->name, "x-lj-write", "the only value is \"admin\"");
  r->write_roles = g_strdup (write);
  if (r->owner_sql && owner_any)
    return declaration_error (error, r->name, "x-lj-owner", "declare x-lj-owner or x-lj-owner-any, not both");
  /* Scope as one SQL expression over t: the owner, or any of the owners
   * (a query whose column is org_id), is in the caller's scope. */
  if (r->owner_sql)
    r->scope_sql = g_strdup_printf ("lj_in_scope(%s)", r->owner_sql);
  else if (owner_any)
    r->scope_sql = g_strdup_printf ("EXISTS (SELECT 1 FROM (%s) o WHERE lj_in_scope(o.org_id))", owner_any);
  if (search)
    {
      r->search_table = g_strdup (member_string (search, "table"));
      r->search_fields = member_strv (search, "fields");
      if (!is_identifier (r->search_table) || r->search_fields == NULL || r->search_fields[0] == NULL)
        return declaration_error (error, r->name, "x-lj-search", "needs table and fields");
    }
  for (guint i = 0; refs && i < json_array_get_length (refs); i++)
    {
      JsonObject *o = json_array_get_object_element (refs, i);
      LjReferencedBy *rb = g_new0 (LjReferencedBy, 1);

      g_ptr_array_add (r->referenced_by, rb);
      rb->table = g_strdup (o ? member_string (o, "table") : NULL);
      rb->column = g_strdup (o ? member_string (o, "column") : NULL);
      rb->label = g_strdup (o ? member_string (o, "label") : NULL);
      if (!is_identifier (rb->table) || !is_identifier (rb->column) || rb->label == NULL)
        return declaration_error (error, r->name, "x-lj-referenced-by", "needs table, column and label");
    }
  return parse_filters (r, root, error);
}

static gboolean
parse_properties (LjResource *r, JsonObject *root, GError **error)
{
  JsonObject *props = json_object_get_object_member (root, "properties");
  g_auto (GStrv) required = member_strv (root, "required");
  g_autoptr (GList) names = props ? json_object_get_members (props) : NULL;

  if (props == NULL)
    return declaration_error (error, r->name, "properties", "missing");
  for (GList *l = names; l; l = l->next)
    {
      const char *name = l->data;
      LjField *f;

      if (lj_resource_is_system_field (name))
        return declaration_error (error, r->name, name, "is a system field every record has");
      f = parse_field (r->name, name, json_object_get_object_member (props, name),
                       required && g_strv_contains ((const char *const *) required, name), error);
      if (f == NULL)
        return FALSE;
      g_ptr_array_add (r->fields, f);
      g_hash_table_insert (r->field_map, f->name, f);
    }
  return TRUE;
}

/**
 * lj_resource_new_from_data:
 * @data: a resource declaration: a JSON Schema 2020-12 object document
 *   with `x-lj-name`, `x-lj-table` and the other x-lj-* hints
 * @len: length of @data, or -1 if NUL-terminated
 *
 * Returns: (transfer full): the resource, or NULL with @error set.
 */
LjResource *
lj_resource_new_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (LjResource) r = NULL;
  JsonObject *root;

  if (!json_parser_load_from_data (parser, data, len, error))
    return NULL;
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      declaration_error (error, NULL, "document", "must be a JSON object");
      return NULL;
    }
  r = g_new0 (LjResource, 1);
  g_atomic_ref_count_init (&r->ref);
  r->doc = json_parser_steal_root (parser);
  root = json_node_get_object (r->doc);
  r->name = g_strdup (member_string (root, "x-lj-name"));
  r->table = g_strdup (member_string (root, "x-lj-table"));
  r->title = g_strdup (member_string (root, "title"));
  r->description = g_strdup (member_string (root, "description"));
  r->fields = g_ptr_array_new_with_free_func (field_free);
  r->field_map = g_hash_table_new (g_str_hash, g_str_equal);
  r->filters = g_ptr_array_new_with_free_func (filter_free);
  r->referenced_by = g_ptr_array_new_with_free_func (referenced_by_free);
  if (!g_regex_match_simple ("^[a-z][a-z0-9_-]*$", r->name ? r->name : "", 0, 0) || !is_identifier (r->table))
    {
      declaration_error (error, r->name, "x-lj-name/x-lj-table", "must be lower-case identifiers");
      return NULL;
    }
  if (r->title == NULL)
    r->title = g_strdup (r->name);
  if (!parse_properties (r, root, error) || !parse_resource_hints (r, root, error))
    return NULL;
  return g_steal_pointer (&r);
}

LjResource *
lj_resource_ref (LjResource *resource)
{
  g_atomic_ref_count_inc (&resource->ref);
  return resource;
}

void
lj_resource_unref (LjResource *r)
{
  if (r == NULL || !g_atomic_ref_count_dec (&r->ref))
    return;
  if (r->validate_destroy)
    r->validate_destroy (r->validate_data);
  if (r->state_machine_free)
    r->state_machine_free (r->state_machine);
  g_free (r->name);
  g_free (r->table);
  g_free (r->title);
  g_free (r->description);
  g_clear_pointer (&r->fields, g_ptr_array_unref);
  g_clear_pointer (&r->field_map, g_hash_table_unref);
  g_strfreev (r->sortable);
  g_free (r->search_table);
  g_strfreev (r->search_fields);
  g_clear_pointer (&r->filters, g_ptr_array_unref);
  g_free (r->owner_sql);
  g_free (r->visible_sql);
  g_free (r->scope_sql);
  g_free (r->write_roles);
  g_free (r->event_prefix);
  g_free (r->plugin);
  g_free (r->short_name);
  g_clear_pointer (&r->referenced_by, g_ptr_array_unref);
  g_clear_pointer (&r->doc, json_node_unref);
  g_free (r->select_list);
  g_free (r->select_detail);
  g_free (r);
}

const char *
lj_resource_get_name (LjResource *resource)
{
  return resource->name;
}

const char *
lj_resource_get_table (LjResource *resource)
{
  return resource->table;
}

void
lj_resource_set_validate_func (LjResource *resource, LjResourceValidateFunc func,
                               gpointer user_data, GDestroyNotify destroy)
{
  if (resource->validate_destroy)
    resource->validate_destroy (resource->validate_data);
  resource->validate = func;
  resource->validate_data = user_data;
  resource->validate_destroy = destroy;
}

LjField *
lj_resource_get_field (LjResource *resource, const char *name)
{
  return g_hash_table_lookup (resource->field_map, name);
}

gboolean
lj_resource_is_system_field (const char *name)
{
  static const char *const system[] = { "id", "version", "created_at", "updated_at", NULL };

  return g_strv_contains (system, name);
}

/* A column of the resource's own table (not derived, not a link table). */
gboolean
lj_field_is_stored (const LjField *field)
{
  return field->sql == NULL && field->type != LJ_FIELD_LINK;
}

static char *
build_select (LjResource *r, gboolean detail)
{
  GString *s = g_string_new ("t.id, t.version, t.created_at, t.updated_at");

  /* The fifth system column: whether the caller's scope holds the record,
   * which decides per row whether private fields are shown. */
  g_string_append_printf (s, ", %s", r->scope_sql ? r->scope_sql : "0");

  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];

      if (f->type == LJ_FIELD_LINK || (f->detail_only && !detail))
        continue;
      if (f->sql)
        g_string_append_printf (s, ", (%s)", f->sql);
      else
        g_string_append_printf (s, ", t.%s", f->name);
    }
  return g_string_free (s, FALSE);
}

static LjResource *lookup_ref (LjResource *r, LjApp *app, const char *ref);

static gboolean
bind_field (LjResource *r, LjField *f, LjApp *app, GError **error)
{
  if (f->ref)
    {
      /* Resources may refer to each other in a cycle (chains and
       * enterprises), so a reference may resolve only once all are in:
       * lj_resource_resolve_refs () checks that after registration. */
      f->ref_resource = g_strcmp0 (f->ref, r->name) == 0 ? r : lookup_ref (r, app, f->ref);
    }
  if (f->check && (f->check_func = lj_app_get_check (app, f->check)) == NULL)
    return declaration_error (error, r->name, f->name, "x-lj-check names an unknown check");
  if (f->item && !bind_field (r, f->item, app, error))
    return FALSE;
  for (guint i = 0; f->item_fields && i < f->item_fields->len; i++)
    if (!bind_field (r, f->item_fields->pdata[i], app, error))
      return FALSE;
  return TRUE;
}

/* A drive's table, key, owner and sort columns exist, and its sorts name
 * fields the list may sort by. */
static gboolean
probe_drive (LjResource *r, LjFilter *f, LjStore *store, GError **error)
{
  g_autoptr (GString) sql = NULL;
  GHashTableIter iter;
  const char *field, *column;
  g_autoptr (LjStmt) st = NULL;

  if (f->drive == NULL)
    return TRUE;
  sql = g_string_new ("SELECT d.");
  g_string_append (sql, f->drive->owner);
  g_hash_table_iter_init (&iter, f->drive->sorts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &field, (gpointer *) &column))
    {
      if (r->sortable == NULL || !g_strv_contains ((const char *const *) r->sortable, field))
        return declaration_error (error, r->name, f->name, "x-lj-drive sorts a field x-lj-sort does not list");
      g_string_append_printf (sql, ", d.%s", column);
    }
  g_string_append_printf (sql, " FROM %s d WHERE d.%s = ?", f->drive->table, f->drive->key);
  st = lj_store_prepare (store, sql->str, error);
  return st != NULL;
}

/* Preparing the statements the resource will run proves, at start-up, that
 * the declaration and the schema agree: a misspelt column fails here. */
static gboolean
probe_sql (LjResource *r, LjStore *store, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s t WHERE t.id = ?", r->select_detail, r->table);
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);

  if (st == NULL)
    return FALSE;
  if (r->search_table)
    {
      g_autofree char *cols = g_strjoinv (", ", r->search_fields);
      g_autofree char *fts = g_strdup_printf ("SELECT %s FROM %s WHERE rowid = ?", cols, r->search_table);
      g_autoptr (LjStmt) st2 = lj_store_prepare (store, fts, error);
      if (st2 == NULL)
        return FALSE;
    }
  for (guint i = 0; i < r->filters->len; i++)
    if (!probe_drive (r, r->filters->pdata[i], store, error))
      return FALSE;
  return TRUE;
}

gboolean
lj_resource_bind (LjResource *r, LjApp *app, GError **error)
{
  for (guint i = 0; i < r->fields->len; i++)
    if (!bind_field (r, r->fields->pdata[i], app, error))
      return FALSE;
  for (guint i = 0; r->sortable && r->sortable[i]; i++)
    if (!lj_resource_is_system_field (r->sortable[i]) &&
        (lj_resource_get_field (r, r->sortable[i]) == NULL ||
         !lj_field_is_stored (lj_resource_get_field (r, r->sortable[i]))))
      return declaration_error (error, r->name, r->sortable[i], "x-lj-sort names a field that is not a stored column");
  r->app = app;
  g_free (r->select_list);
  g_free (r->select_detail);
  r->select_list = build_select (r, FALSE);
  r->select_detail = build_select (r, TRUE);
  /* A plugin's tables exist only after its migrations: the host probes
   * its resources then (lj_app_probe_resources). */
  return r->plugin != NULL || lj_resource_probe (r, app->store, error);
}

gboolean
lj_resource_probe (LjResource *r, LjStore *store, GError **error)
{
  if (!probe_sql (r, store, error))
    {
      g_prefix_error (error, "resource %s does not match the database schema: ", r->name);
      return FALSE;
    }
  return TRUE;
}

/* Probes every resource @owner registered, once its migrations ran. */
gboolean
lj_app_probe_resources (LjApp *app, const char *owner, GError **error)
{
  for (guint i = 0; i < app->resource_list->len; i++)
    {
      LjResource *r = app->resource_list->pdata[i];

      if (g_strcmp0 (r->plugin, owner) == 0 && !lj_resource_probe (r, app->store, error))
        return FALSE;
    }
  /* Timeline sources too: one bad source would fail every timeline. */
  for (guint i = 0; i < app->timeline_sources->len; i++)
    {
      LjTimelineSource *t = app->timeline_sources->pdata[i];
      g_autofree char *sql = NULL;
      g_autoptr (LjStmt) st = NULL;

      if (g_strcmp0 (t->owner, owner) != 0)
        continue;
      sql = g_strdup_printf ("SELECT at, kind, title, resource, record_id, detail FROM (%s)", t->sql);
      if ((st = lj_store_prepare (app->store, sql, error)) == NULL)
        {
          g_prefix_error (error, "timeline source of %s: ", owner ? owner : "the core");
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * lj_resource_set_plugin:
 * Makes @r a plugin's: its name becomes `<plugin>/<x-lj-name>`, its events
 * `<plugin>.<singular>.…`, and its table must carry the plugin's prefix.
 */
gboolean
lj_resource_set_plugin (LjResource *r, const char *plugin, GError **error)
{
  g_autofree char *prefix = g_strdup_printf ("%s_", plugin);
  char *old_prefix;

  g_strdelimit (prefix, "-", '_');
  if (r->plugin != NULL)
    return declaration_error (error, r->name, "x-lj-name", "is already registered by a plugin");
  if (!g_str_has_prefix (r->table, prefix))
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                   "resource %s: table %s must start with the plugin's prefix %s", r->name, r->table, prefix);
      return FALSE;
    }
  r->plugin = g_strdup (plugin);
  r->short_name = r->name;
  r->name = g_strdup_printf ("%s/%s", plugin, r->short_name);
  old_prefix = r->event_prefix;
  r->event_prefix = g_strdup_printf ("%s.%s", plugin, old_prefix);
  g_free (old_prefix);
  return TRUE;
}

const char *
lj_resource_get_event_prefix (LjResource *r)
{
  return r->event_prefix;
}

/* A plugin's reference without a slash means its own resource first. */
static LjResource *
lookup_ref (LjResource *r, LjApp *app, const char *ref)
{
  LjResource *found = NULL;

  if (r->plugin && strchr (ref, '/') == NULL)
    {
      g_autofree char *own = g_strdup_printf ("%s/%s", r->plugin, ref);
      found = g_strcmp0 (own, r->name) == 0 ? r : lj_app_get_resource (app, own);
    }
  return found ? found : lj_app_get_resource (app, ref);
}

static gboolean
resolve_field (LjResource *r, LjField *f, LjApp *app, GError **error)
{
  if (f->ref && f->ref_resource == NULL && (f->ref_resource = lookup_ref (r, app, f->ref)) == NULL)
    return declaration_error (error, r->name, f->name, "x-lj-ref names a resource that is not registered");
  if (f->item && !resolve_field (r, f->item, app, error))
    return FALSE;
  for (guint i = 0; f->item_fields && i < f->item_fields->len; i++)
    if (!resolve_field (r, f->item_fields->pdata[i], app, error))
      return FALSE;
  return TRUE;
}

/* Called once every resource is registered. */
gboolean
lj_resource_resolve_refs (LjResource *r, LjApp *app, GError **error)
{
  for (guint i = 0; i < r->fields->len; i++)
    if (!resolve_field (r, r->fields->pdata[i], app, error))
      return FALSE;
  return TRUE;
}
