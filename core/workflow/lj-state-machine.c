/* SPDX-License-Identifier: GPL-3.0-or-later */
/* State machine declarations: reading the JSON (the state field, the
 * initial state, named SQL predicates, events with from/to/allow/requires/
 * sets), checking it against the resource it belongs to, and mounting the
 * two transitions routes with their OpenAPI description.  Everything that
 * can be wrong in a declaration is refused here, at start-up, so a request
 * never meets a half-valid machine. */
#include "lj-state-machine-private.h"
#include "json/lj-json-writer.h"

#include <string.h>

G_DEFINE_QUARK (lj-state-machine-error-quark, lj_state_machine_error)

#define LJ_SM_IDENT_PATTERN "^[a-z][a-z0-9_]*$"

/* Event names the resource engine already uses for its own events. */
static const char *const reserved_events[] = { "created", "updated", "deleted", NULL };
/* Input members every event accepts besides its declared ones. */
static const char *const common_inputs[] = { "event", "note", "reason", NULL };
static const char *const root_keys[] = { "field", "initial", "predicates", "events", NULL };
static const char *const event_keys[] = { "from", "to", "allow", "requires", "sets", "optional", NULL };

static gboolean
declaration_error (GError **error, LjResource *r, const char *where, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
declaration_error (GError **error, LjResource *r, const char *where, const char *format, ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID, "state machine of %s: %s: %s",
               lj_resource_get_name (r), where, detail);
  return FALSE;
}

static gboolean
is_identifier (const char *s)
{
  return s != NULL && g_regex_match_simple (LJ_SM_IDENT_PATTERN, s, 0, 0);
}

static void
sm_event_free (gpointer data)
{
  LjSmEvent *e = data;

  g_free (e->name);
  g_strfreev (e->from);
  g_free (e->to);
  g_clear_pointer (&e->allow, g_array_unref);
  g_strfreev (e->requires);
  g_strfreev (e->sets);
  g_strfreev (e->optional);
  g_free (e);
}

static void
sm_predicate_free (gpointer data)
{
  LjSmPredicate *p = data;

  g_free (p->name);
  g_free (p->sql);
  g_free (p);
}

LjStateMachine *
lj_state_machine_ref (LjStateMachine *sm)
{
  g_atomic_ref_count_inc (&sm->ref);
  return sm;
}

void
lj_state_machine_unref (LjStateMachine *sm)
{
  if (sm == NULL || !g_atomic_ref_count_dec (&sm->ref))
    return;
  sm->resource = NULL;   /* borrowed: the resource owns the machine */
  g_free (sm->initial);
  g_clear_pointer (&sm->events, g_ptr_array_unref);
  g_clear_pointer (&sm->predicates, g_ptr_array_unref);
  g_free (sm);
}

LjSmEvent *
lj_state_machine_find_event (LjStateMachine *sm, const char *name)
{
  for (guint i = 0; name && i < sm->events->len; i++)
    {
      LjSmEvent *e = sm->events->pdata[i];

      if (strcmp (e->name, name) == 0)
        return e;
    }
  return NULL;
}

gboolean
lj_sm_event_leaves (const LjSmEvent *event, const char *state)
{
  return state != NULL && g_strv_contains ((const char *const *) event->from, state);
}

/* Whether @name may appear in the body that fires @event. */
gboolean
lj_sm_event_accepts (const LjSmEvent *event, const char *name)
{
  const char *const *lists[] = { common_inputs, (const char *const *) event->requires,
                                 (const char *const *) event->sets, (const char *const *) event->optional };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    if (lists[i] && g_strv_contains (lists[i], name))
      return TRUE;
  return FALSE;
}

/* Refuses members of @o not named in @known. */
static gboolean
check_keys (LjResource *r, const char *where, JsonObject *o, const char *const *known, GError **error)
{
  g_autoptr (GList) names = json_object_get_members (o);

  for (GList *l = names; l; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) known);
        return declaration_error (error, r, where, "unknown key \"%s\" (known: %s)", (char *) l->data, list);
      }
  return TRUE;
}

static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* An optional array of distinct strings; *out is NULL when @name is absent
 * and an empty vector for `[]`. */
static gboolean
strv_member (LjResource *r, const char *where, JsonObject *o, const char *name, char ***out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *a;

  *out = NULL;
  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return declaration_error (error, r, where, "\"%s\" must be an array of strings", name);
  a = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *item = json_array_get_element (a, i);
      const char *s;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return declaration_error (error, r, where, "\"%s\" must be an array of strings", name);
      s = json_node_get_string (item);
      if (!g_hash_table_add (seen, (gpointer) s))
        return declaration_error (error, r, where, "\"%s\" lists \"%s\" twice", name, s);
      g_strv_builder_add (b, s);
    }
  *out = g_strv_builder_end (b);
  return TRUE;
}

static gboolean
is_state (LjStateMachine *sm, const char *s)
{
  return s != NULL && g_strv_contains ((const char *const *) sm->field->enum_values, s);
}

/* The column's SQL default, as PRAGMA table_info shows it (`'draft'`). */
static gboolean
read_column_default (LjStore *store, const char *table, const char *column, char **out, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT dflt_value FROM pragma_table_info('%s') WHERE name = ?1", table);
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  int rc;

  *out = NULL;
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, column, -1, SQLITE_STATIC);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW && sqlite3_column_type (st->stmt, 0) != SQLITE_NULL)
    *out = g_strdup ((const char *) sqlite3_column_text (st->stmt, 0));
  return TRUE;
}

/* A record is created in the initial state by its declared default or by
 * the column's SQL default; both, when present, must name it.  The column
 * default is checked by lj_state_machine_probe (). */
static gboolean
check_initial (LjStateMachine *sm, GError **error)
{
  LjResource *r = sm->resource;
  JsonNode *def = sm->field->default_value;

  if (!is_state (sm, sm->initial))
    return declaration_error (error, r, "initial", "must be one of the state field's enum values");
  if (def && (!JSON_NODE_HOLDS_VALUE (def) || json_node_get_value_type (def) != G_TYPE_STRING ||
              strcmp (json_node_get_string (def), sm->initial) != 0))
    return declaration_error (error, r, "initial", "the field %s has a different default", sm->field->name);
  return TRUE;
}

static gboolean
probe_initial (LjStateMachine *sm, LjStore *store, GError **error)
{
  LjResource *r = sm->resource;
  g_autofree char *column_default = NULL;
  g_autofree char *quoted = NULL;

  if (!read_column_default (store, r->table, sm->field->name, &column_default, error))
    return FALSE;
  quoted = g_strdup_printf ("'%s'", sm->initial);
  if (column_default && strcmp (column_default, quoted) != 0)
    return declaration_error (error, r, "initial", "the column %s.%s defaults to %s, not %s", r->table,
                              sm->field->name, column_default, quoted);
  /* The engine does not apply a read-only field's default on create yet. */
  if (column_default == NULL)
    return declaration_error (error, r, "initial", "give the column %s.%s DEFAULT %s", r->table, sm->field->name,
                              quoted);
  return TRUE;
}

/* The state field: a stored, read-only string with an enum of every state,
 * so only transitions change it (PATCH answers "is read-only"). */
static gboolean
parse_field (LjStateMachine *sm, JsonObject *root, GError **error)
{
  LjResource *r = sm->resource;
  const char *name = string_member (root, "field");
  g_autofree char *own_column = NULL;

  if (name == NULL || (sm->field = lj_resource_get_field (r, name)) == NULL)
    return declaration_error (error, r, "field", "must name a field of the resource");
  own_column = g_strdup_printf ("t.%s", name);
  if (sm->field->type != LJ_FIELD_STRING || sm->field->enum_values == NULL || !sm->field->read_only)
    return declaration_error (error, r, name, "the state field must be a read-only string with an enum");
  if (sm->field->sql && strcmp (sm->field->sql, own_column) != 0)
    return declaration_error (error, r, name, "the state field must be a stored column");
  sm->initial = g_strdup (string_member (root, "initial"));
  return check_initial (sm, error);
}

static gboolean
parse_predicates (LjStateMachine *sm, JsonObject *root, GError **error)
{
  LjResource *r = sm->resource;
  JsonNode *node = json_object_get_member (root, "predicates");
  g_autoptr (GList) names = NULL;
  JsonObject *o;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return declaration_error (error, r, "predicates", "must be an object of name: SQL");
  o = json_node_get_object (node);
  names = json_object_get_members (o);
  for (GList *l = names; l; l = l->next)
    {
      const char *name = l->data;
      const char *sql = string_member (o, name);
      LjSmPredicate *p;

      if (!is_identifier (name) || strcmp (name, "admin") == 0 || strcmp (name, "owner") == 0 ||
          strcmp (name, "viewer") == 0)
        return declaration_error (error, r, "predicates", "\"%s\" is not a usable predicate name", name);
      if (sql == NULL || *sql == '\0')
        return declaration_error (error, r, name, "a predicate is an SQL expression over the record as t");
      p = g_new0 (LjSmPredicate, 1);
      p->name = g_strdup (name);
      p->sql = g_strdup_printf ("SELECT (%s) FROM %s t WHERE t.id = ?1", sql, r->table);
      g_ptr_array_add (sm->predicates, p);
    }
  return TRUE;
}

static gboolean
parse_allow (LjStateMachine *sm, LjSmEvent *e, JsonObject *def, GError **error)
{
  g_auto (GStrv) allow = NULL;

  if (!strv_member (sm->resource, e->name, def, "allow", &allow, error))
    return FALSE;
  if (allow == NULL || allow[0] == NULL)
    return declaration_error (error, sm->resource, e->name, "\"allow\" must name who may fire it");
  e->allow = g_array_new (FALSE, TRUE, sizeof (LjSmAllow));
  for (guint i = 0; allow[i]; i++)
    {
      LjSmAllow a = { 0 };
      guint j;

      if (strcmp (allow[i], "admin") == 0)
        a.kind = LJ_SM_ALLOW_ADMIN;
      else if (strcmp (allow[i], "owner") == 0)
        a.kind = LJ_SM_ALLOW_OWNER;
      else if (strcmp (allow[i], "viewer") == 0)
        return declaration_error (error, sm->resource, e->name, "viewers never write; \"viewer\" cannot fire events");
      else
        {
          for (j = 0; j < sm->predicates->len; j++)
            if (strcmp (((LjSmPredicate *) sm->predicates->pdata[j])->name, allow[i]) == 0)
              break;
          if (j == sm->predicates->len)
            return declaration_error (error, sm->resource, e->name,
                                      "\"allow\" names \"%s\", which is neither admin, owner nor a predicate", allow[i]);
          a.kind = LJ_SM_ALLOW_PREDICATE;
          a.predicate = j;
        }
      g_array_append_val (e->allow, a);
    }
  return TRUE;
}

/* Input field names: identifiers, not `event`. */
static gboolean
check_input_names (LjStateMachine *sm, LjSmEvent *e, const char *key, char **names, GError **error)
{
  for (guint i = 0; names && names[i]; i++)
    if (!is_identifier (names[i]) || strcmp (names[i], "event") == 0)
      return declaration_error (error, sm->resource, e->name, "\"%s\" lists \"%s\", not a usable field name", key,
                                names[i]);
  return TRUE;
}

/* `sets` writes resource fields from the input, validated by the engine
 * exactly as PATCH would: so they must be writable stored columns. */
static gboolean
check_sets (LjStateMachine *sm, LjSmEvent *e, GError **error)
{
  for (guint i = 0; e->sets && e->sets[i]; i++)
    {
      LjField *f = lj_resource_get_field (sm->resource, e->sets[i]);

      if (f == NULL || f == sm->field || f->read_only || !lj_field_is_stored (f))
        return declaration_error (error, sm->resource, e->name,
                                  "\"sets\" lists \"%s\", which is not a writable stored field of the resource",
                                  e->sets[i]);
    }
  return TRUE;
}

static gboolean
parse_states (LjStateMachine *sm, LjSmEvent *e, JsonObject *def, GError **error)
{
  if (!strv_member (sm->resource, e->name, def, "from", &e->from, error))
    return FALSE;
  if (e->from == NULL || e->from[0] == NULL)
    return declaration_error (error, sm->resource, e->name, "\"from\" must list at least one state");
  for (guint i = 0; e->from[i]; i++)
    if (!is_state (sm, e->from[i]))
      return declaration_error (error, sm->resource, e->name, "\"from\" lists \"%s\", which is not a state",
                                e->from[i]);
  e->to = g_strdup (string_member (def, "to"));
  if (!is_state (sm, e->to))
    return declaration_error (error, sm->resource, e->name, "\"to\" must be one of the states");
  return TRUE;
}

static gboolean
parse_event (LjStateMachine *sm, const char *name, JsonNode *node, GError **error)
{
  LjSmEvent *e;
  JsonObject *def;

  if (!is_identifier (name) || g_strv_contains (reserved_events, name))
    return declaration_error (error, sm->resource, "events",
                              "\"%s\" is not a usable event name (lower-case identifier, not created, updated, deleted)",
                              name);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return declaration_error (error, sm->resource, name, "must be an object");
  def = json_node_get_object (node);
  e = g_new0 (LjSmEvent, 1);
  e->name = g_strdup (name);
  g_ptr_array_add (sm->events, e);
  return check_keys (sm->resource, name, def, event_keys, error) &&
         parse_states (sm, e, def, error) &&
         parse_allow (sm, e, def, error) &&
         strv_member (sm->resource, name, def, "requires", &e->requires, error) &&
         strv_member (sm->resource, name, def, "sets", &e->sets, error) &&
         strv_member (sm->resource, name, def, "optional", &e->optional, error) &&
         check_input_names (sm, e, "requires", e->requires, error) &&
         check_input_names (sm, e, "sets", e->sets, error) &&
         check_input_names (sm, e, "optional", e->optional, error) &&
         check_sets (sm, e, error);
}

static gboolean
parse_events (LjStateMachine *sm, JsonObject *root, GError **error)
{
  JsonNode *node = json_object_get_member (root, "events");
  g_autoptr (GList) names = NULL;
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || json_object_get_size (json_node_get_object (node)) == 0)
    return declaration_error (error, sm->resource, "events", "must be an object with at least one event");
  o = json_node_get_object (node);
  names = json_object_get_members (o);
  for (GList *l = names; l; l = l->next)
    if (!parse_event (sm, l->data, json_object_get_member (o, l->data), error))
      return FALSE;
  return TRUE;
}

/**
 * lj_state_machine_parse:
 * Reads and checks @declaration against @resource's declaration; what
 * needs the database is left to lj_state_machine_probe ().
 * Returns: (transfer full) (nullable): the machine, or NULL with @error set.
 */
LjStateMachine *
lj_state_machine_parse (LjResource *resource, const char *declaration, gssize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (LjStateMachine) sm = NULL;
  g_autoptr (GError) local = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, declaration, len, &local))
    {
      declaration_error (error, resource, "declaration", "%s", local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      declaration_error (error, resource, "declaration", "must be a JSON object");
      return NULL;
    }
  sm = g_new0 (LjStateMachine, 1);
  g_atomic_ref_count_init (&sm->ref);
  sm->resource = resource;   /* borrowed: the resource owns its machine (no cycle) */
  sm->events = g_ptr_array_new_with_free_func (sm_event_free);
  sm->predicates = g_ptr_array_new_with_free_func (sm_predicate_free);
  if (!check_keys (resource, "declaration", json_node_get_object (root), root_keys, error) ||
      !parse_field (sm, json_node_get_object (root), error) ||
      !parse_predicates (sm, json_node_get_object (root), error) ||
      !parse_events (sm, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&sm);
}

/**
 * lj_state_machine_probe:
 * Proves the machine matches the database: the state column exists and
 * defaults to the initial state, and every predicate compiles.
 */
gboolean
lj_state_machine_probe (LjStateMachine *sm, LjStore *store, GError **error)
{
  LjResource *r = sm->resource;
  g_autofree char *probe = g_strdup_printf ("UPDATE %s SET %s = ?1 WHERE id = ?2", r->table, sm->field->name);
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (GError) local = NULL;

  if ((st = lj_store_prepare (store, probe, &local)) == NULL)
    return declaration_error (error, r, sm->field->name, "%s", local->message);
  if (!probe_initial (sm, store, error))
    return FALSE;
  for (guint i = 0; i < sm->predicates->len; i++)
    {
      LjSmPredicate *p = sm->predicates->pdata[i];
      g_autoptr (LjStmt) pst = lj_store_prepare (store, p->sql, &local);

      if (pst == NULL)
        return declaration_error (error, r, p->name, "%s", local->message);
    }
  return TRUE;
}

/* ---- OpenAPI ---- */

static void
write_string_array (LjJsonWriter *w, char **items)
{
  lj_json_writer_begin_array (w);
  for (guint i = 0; items && items[i]; i++)
    lj_json_writer_string (w, items[i]);
  lj_json_writer_end_array (w);
}

static void
write_input_property (LjJsonWriter *w, GHashTable *done, const char *name, const char *description)
{
  if (!g_hash_table_add (done, (gpointer) name))
    return;
  lj_json_writer_key (w, name);
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "description", description);
  lj_json_writer_end_object (w);
}

/* The POST body: `event` from the declared names, `note` and `reason`,
 * and every field some event requires, sets or accepts. */
static char *
request_schema (LjStateMachine *sm)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", "object");
  lj_json_writer_key (w, "required");
  lj_json_writer_begin_array (w);
  lj_json_writer_string (w, "event");
  lj_json_writer_end_array (w);
  lj_json_writer_key (w, "properties");
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "event");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", "string");
  lj_json_writer_key (w, "enum");
  lj_json_writer_begin_array (w);
  for (guint i = 0; i < sm->events->len; i++)
    lj_json_writer_string (w, ((LjSmEvent *) sm->events->pdata[i])->name);
  lj_json_writer_end_array (w);
  lj_json_writer_end_object (w);
  g_hash_table_add (done, (gpointer) "event");
  lj_json_writer_key (w, "note");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", "string");
  lj_json_writer_member_string (w, "description", "Kept in the transition history");
  lj_json_writer_end_object (w);
  lj_json_writer_key (w, "reason");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", "string");
  lj_json_writer_member_string (w, "description", "Kept in the transition history (required by some events)");
  lj_json_writer_end_object (w);
  g_hash_table_add (done, (gpointer) "note");
  g_hash_table_add (done, (gpointer) "reason");
  for (guint i = 0; i < sm->events->len; i++)
    {
      LjSmEvent *e = sm->events->pdata[i];

      for (guint j = 0; e->sets && e->sets[j]; j++)
        write_input_property (w, done, e->sets[j], "A field of the record, written by the event");
      for (guint j = 0; e->requires && e->requires[j]; j++)
        write_input_property (w, done, e->requires[j], "Required by some events; kept in the history");
      for (guint j = 0; e->optional && e->optional[j]; j++)
        write_input_property (w, done, e->optional[j], "Accepted by some events; kept in the history");
    }
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
  return lj_json_writer_steal (g_steal_pointer (&w), NULL);
}

static char *
transitions_schema (LjStateMachine *sm)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", "object");
  lj_json_writer_key (w, "properties");
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "state");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", "string");
  lj_json_writer_key (w, "enum");
  write_string_array (w, sm->field->enum_values);
  lj_json_writer_end_object (w);
  lj_json_writer_key (w, "history");
  lj_json_writer_raw (w,
    "{\"type\":\"array\",\"description\":\"Oldest first\",\"items\":{\"type\":\"object\",\"properties\":{"
      "\"id\":{\"type\":\"integer\"},\"event\":{\"type\":\"string\"},\"from\":{\"type\":\"string\"},"
      "\"to\":{\"type\":\"string\"},\"actor_user_id\":{\"type\":[\"integer\",\"null\"]},"
      "\"actor_role\":{\"type\":\"string\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
      "\"note\":{\"type\":[\"string\",\"null\"]},\"data\":{\"type\":[\"object\",\"null\"]}}}}");
  lj_json_writer_key (w, "events");
  lj_json_writer_raw (w,
    "{\"type\":\"array\",\"description\":\"The events the caller may fire now\","
      "\"items\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
      "\"to\":{\"type\":\"string\"},\"requires\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
      "\"sets\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}");
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
  return lj_json_writer_steal (g_steal_pointer (&w), NULL);
}

static void
describe_routes (LjStateMachine *sm, LjRoute *get, LjRoute *post)
{
  const char *name = lj_resource_get_name (sm->resource);
  g_autofree char *get_summary = g_strdup_printf ("History of a %s's %s and the events you may fire now",
                                                  sm->resource->title, sm->field->name);
  g_autofree char *post_summary = g_strdup_printf ("Fire an event on a %s (changes its %s)", sm->resource->title,
                                                   sm->field->name);
  g_autofree char *history = transitions_schema (sm);
  g_autofree char *body = request_schema (sm);
  g_autofree char *record = g_strdup_printf ("{\"$ref\":\"#/components/schemas/%s\"}", name);

  lj_route_set_summary (get, name, get_summary);
  lj_route_add_response (get, 200, "The current state, the history (oldest first) and the events you may fire now",
                         history);
  lj_route_add_response (get, 404, "No such record, or not one you may see", NULL);
  lj_route_set_summary (post, name, post_summary);
  lj_route_set_request_schema (post, body);
  lj_route_add_response (post, 200, "The record after the transition", record);
  lj_route_add_response (post, 403, "You may fire no event on this record", NULL);
  lj_route_add_response (post, 404, "No such record, or not one you may see", NULL);
  lj_route_add_response (post, 409, "The event cannot be fired now; the detail names those you may fire", NULL);
  lj_route_add_response (post, 412, "If-Match names an old version", NULL);
  lj_route_add_response (post, 422, "Unknown event, or a required or written field is missing or invalid", NULL);
}

/**
 * lj_state_machine_add:
 * See lj-state-machine.h.
 */
gboolean
lj_state_machine_add (LjApp *app, const char *owner, LjResource *resource, const char *declaration, gssize len,
                      GError **error)
{
  g_autoptr (LjStateMachine) sm = NULL;
  g_autofree char *path = NULL;
  LjRoute *get, *post;

  g_return_val_if_fail (app != NULL && resource != NULL && declaration != NULL, FALSE);
  if (lj_app_get_resource (app, lj_resource_get_name (resource)) != resource)
    return declaration_error (error, resource, "resource", "register the resource before its state machine");
  if (resource->state_machine != NULL)
    return declaration_error (error, resource, "resource", "already has a state machine");
  if ((sm = lj_state_machine_parse (resource, declaration, len, error)) == NULL)
    return FALSE;
  /* A plugin's tables exist only once its migrations ran: the host calls
   * lj_state_machines_probe () then. */
  if (resource->plugin == NULL && !lj_state_machine_probe (sm, app->store, error))
    return FALSE;
  path = g_strdup_printf ("/api/v1/%s/{id}/transitions", lj_resource_get_name (resource));
  if ((get = lj_app_add_route_owned (app, owner, "GET", path, lj_transitions_handle_get, sm, error)) == NULL)
    return FALSE;
  if ((post = lj_app_add_route_owned (app, owner, "POST", path, lj_transitions_handle_post, sm, error)) == NULL)
    {
      g_ptr_array_remove (app->routes, get);
      return FALSE;
    }
  describe_routes (sm, get, post);
  /* The resource owns its machine; the routes borrow it and go first
   * (lj_app_withdraw drops routes before resources). */
  resource->state_machine = g_steal_pointer (&sm);
  resource->state_machine_free = (GDestroyNotify) lj_state_machine_unref;
  return TRUE;
}

/**
 * lj_state_machines_probe:
 * See lj-state-machine.h.
 */
gboolean
lj_state_machines_probe (LjApp *app, const char *owner, GError **error)
{
  for (guint i = 0; i < app->routes->len; i++)
    {
      LjRoute *route = app->routes->pdata[i];

      if (route->func == lj_transitions_handle_post && g_strcmp0 (route->owner, owner) == 0 &&
          !lj_state_machine_probe (route->user_data, app->store, error))
        return FALSE;
    }
  return TRUE;
}
