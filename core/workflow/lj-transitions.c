/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The two transitions routes of a state machine.  GET answers the state,
 * the history and the events the caller may fire now.  POST fires one
 * event inside the request's write transaction: who may fire it, from
 * which state, its required and written fields, the validate hooks, then
 * one UPDATE (state, written fields, version, updated_at), one history row
 * and one audit row, and the after-commit hooks once the request commits.
 *
 * Refusals: 403 when the caller may fire no event of the machine on this
 * record at all (whatever its state), 409 when they have some say but not
 * this event now; the 409 detail names the events they may fire now. */
#include "lj-state-machine-private.h"
#include "json/lj-json-writer.h"

#include <string.h>

/* Who is asking, with each answer computed at most once per request. */
typedef struct {
  LjStateMachine *sm;
  LjRequest      *req;
  gint64          id;
  int             owner;       /* -1 not asked yet, else 0 or 1 */
  GArray         *predicates;  /* int per predicate: -1 not asked yet, else 0 or 1 */
} LjSmCaller;

static void
caller_init (LjSmCaller *c, LjStateMachine *sm, LjRequest *req, gint64 id)
{
  int unknown = -1;

  c->sm = sm;
  c->req = req;
  c->id = id;
  c->owner = -1;
  c->predicates = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < sm->predicates->len; i++)
    g_array_append_val (c->predicates, unknown);
}

static void
caller_clear (LjSmCaller *c)
{
  g_clear_pointer (&c->predicates, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LjSmCaller, caller_clear)

/* Admins, and secretaries whose write scope holds the record. */
static gboolean
caller_is_owner (LjSmCaller *c, gboolean *result, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (c->owner < 0)
    {
      if (lj_request_get_role (c->req) == LJ_ROLE_ADMIN)
        c->owner = 1;
      else if (lj_resource_check_write_scope (c->sm->resource, c->req, c->id, &local))
        c->owner = 1;
      else if (g_error_matches (local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN) ||
               g_error_matches (local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND))
        c->owner = 0;
      else
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  *result = c->owner == 1;
  return TRUE;
}

static gboolean
caller_predicate (LjSmCaller *c, guint index, gboolean *result, GError **error)
{
  int *cached = &g_array_index (c->predicates, int, index);

  if (*cached < 0)
    {
      LjSmPredicate *p = c->sm->predicates->pdata[index];
      g_autoptr (LjStmt) st = lj_request_prepare (c->req, p->sql, error);
      int rc;

      if (st == NULL)
        return FALSE;
      sqlite3_bind_int64 (lj_stmt_get (st), 1, c->id);
      if ((rc = lj_stmt_step (st, error)) < 0)
        return FALSE;
      *cached = rc == SQLITE_ROW && sqlite3_column_type (lj_stmt_get (st), 0) != SQLITE_NULL &&
                sqlite3_column_int64 (lj_stmt_get (st), 0) != 0;
    }
  *result = *cached == 1;
  return TRUE;
}

/* Whether the caller may fire @e on the record, whatever its state.
 * Viewers never may: they never write. */
static gboolean
caller_may_fire (LjSmCaller *c, LjSmEvent *e, gboolean *result, GError **error)
{
  LjRole role = lj_request_get_role (c->req);

  *result = FALSE;
  if (role != LJ_ROLE_ADMIN && role != LJ_ROLE_SECRETARY)
    return TRUE;
  for (guint i = 0; i < e->allow->len && !*result; i++)
    {
      LjSmAllow *a = &g_array_index (e->allow, LjSmAllow, i);

      switch (a->kind)
        {
        case LJ_SM_ALLOW_ADMIN:
          *result = role == LJ_ROLE_ADMIN;
          break;
        case LJ_SM_ALLOW_OWNER:
          if (!caller_is_owner (c, result, error))
            return FALSE;
          break;
        case LJ_SM_ALLOW_PREDICATE:
          if (!caller_predicate (c, a->predicate, result, error))
            return FALSE;
          break;
        }
    }
  return TRUE;
}

/* The events the caller may fire from @state, in declaration order; and
 * whether they may fire any event of the machine at all. */
static GPtrArray *
caller_events_now (LjSmCaller *c, const char *state, gboolean *any, GError **error)
{
  g_autoptr (GPtrArray) now = g_ptr_array_new ();

  if (any)
    *any = FALSE;
  for (guint i = 0; i < c->sm->events->len; i++)
    {
      LjSmEvent *e = c->sm->events->pdata[i];
      gboolean may = FALSE;

      /* Only ask what the answer needs: predicates cost a query each. */
      if (!lj_sm_event_leaves (e, state) && (any == NULL || *any))
        continue;
      if (!caller_may_fire (c, e, &may, error))
        return NULL;
      if (may && any)
        *any = TRUE;
      if (may && lj_sm_event_leaves (e, state))
        g_ptr_array_add (now, e);
    }
  return g_steal_pointer (&now);
}

static const char *
record_state (LjStateMachine *sm, JsonObject *record)
{
  JsonNode *n = json_object_get_member (record, sm->field->name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static void
write_strv (LjJsonWriter *w, const char *key, char **items)
{
  lj_json_writer_key (w, key);
  lj_json_writer_begin_array (w);
  for (guint i = 0; items && items[i]; i++)
    lj_json_writer_string (w, items[i]);
  lj_json_writer_end_array (w);
}

static void
write_column_text (LjJsonWriter *w, const char *key, sqlite3_stmt *stmt, int col)
{
  lj_json_writer_key (w, key);
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    lj_json_writer_null (w);
  else
    lj_json_writer_string (w, (const char *) sqlite3_column_text (stmt, col));
}

static gboolean
write_history (LjStateMachine *sm, LjRequest *req, gint64 id, LjJsonWriter *w, GError **error)
{
  static const char sql[] =
    "SELECT id, event, from_state, to_state, actor_user_id, actor_role, at, note, data FROM transitions "
    "WHERE resource = ?1 AND record_id = ?2 ORDER BY id";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  sqlite3_bind_text (s, 1, lj_resource_get_name (sm->resource), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, id);
  lj_json_writer_key (w, "history");
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      lj_json_writer_begin_object (w);
      lj_json_writer_member_int (w, "id", sqlite3_column_int64 (s, 0));
      write_column_text (w, "event", s, 1);
      write_column_text (w, "from", s, 2);
      write_column_text (w, "to", s, 3);
      if (sqlite3_column_type (s, 4) == SQLITE_NULL)
        lj_json_writer_member_null (w, "actor_user_id");
      else
        lj_json_writer_member_int (w, "actor_user_id", sqlite3_column_int64 (s, 4));
      write_column_text (w, "actor_role", s, 5);
      write_column_text (w, "at", s, 6);
      write_column_text (w, "note", s, 7);
      lj_json_writer_key (w, "data");
      /* The column's CHECK (json_valid (data)) makes it safe to splice. */
      lj_json_writer_raw (w, (const char *) sqlite3_column_text (s, 8));
      lj_json_writer_end_object (w);
    }
  lj_json_writer_end_array (w);
  return rc == SQLITE_DONE;
}

/**
 * lj_transitions_handle_get:
 * `GET /api/v1/<resource>/{id}/transitions`.
 */
gboolean
lj_transitions_handle_get (LjRequest *req, gpointer user_data, GError **error)
{
  LjStateMachine *sm = user_data;
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (JsonObject) record = lj_resource_load (sm->resource, req, id, error);
  g_auto (LjSmCaller) caller = { 0 };
  g_autoptr (LjJsonWriter) w = NULL;
  g_autoptr (GPtrArray) now = NULL;
  const char *state;
  gsize len;
  char *json;

  if (record == NULL)
    return FALSE;
  state = record_state (sm, record);
  caller_init (&caller, sm, req, id);
  if ((now = caller_events_now (&caller, state, NULL, error)) == NULL)
    return FALSE;
  w = lj_json_writer_new ();
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "state", state);
  if (!write_history (sm, req, id, w, error))
    return FALSE;
  lj_json_writer_key (w, "events");
  lj_json_writer_begin_array (w);
  for (guint i = 0; i < now->len; i++)
    {
      LjSmEvent *e = now->pdata[i];

      lj_json_writer_begin_object (w);
      lj_json_writer_member_string (w, "name", e->name);
      lj_json_writer_member_string (w, "to", e->to);
      write_strv (w, "requires", e->requires);
      write_strv (w, "sets", e->sets);
      lj_json_writer_end_object (w);
    }
  lj_json_writer_end_array (w);
  lj_json_writer_end_object (w);
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, 200, json, len);
  return TRUE;
}

/* ---- firing an event ---- */

/* If-Match: "<version>" (or *) must name the stored version, as for PATCH. */
static gboolean
check_if_match (LjRequest *req, gint64 version, GError **error)
{
  const char *header = lj_request_get_header (req, "If-Match");
  g_autofree char *expected = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
  g_auto (GStrv) tags = NULL;

  if (header == NULL)
    return TRUE;
  tags = g_strsplit (header, ",", -1);
  for (guint i = 0; tags[i]; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (strcmp (tag, "*") == 0 || strcmp (tag, expected) == 0)
        return TRUE;
    }
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_PRECONDITION,
               "the record has changed: its version is now %" G_GINT64_FORMAT "; fetch it again", version);
  return FALSE;
}

static LjSmEvent *
find_requested_event (LjStateMachine *sm, LjRequest *req, JsonObject *input, GError **error)
{
  JsonNode *n = json_object_get_member (input, "event");
  LjSmEvent *e = NULL;

  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    e = lj_state_machine_find_event (sm, json_node_get_string (n));
  if (e == NULL)
    {
      g_autoptr (GString) names = g_string_new (NULL);

      for (guint i = 0; i < sm->events->len; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", ((LjSmEvent *) sm->events->pdata[i])->name);
      lj_request_add_field_error (req, "event", n == NULL ? "is required; one of: %s" : "must be one of: %s",
                                  names->str);
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid fields");
    }
  return e;
}

/* 403 when the caller has no say on the record, else 409 naming what they
 * may fire now. */
static gboolean
refuse (LjStateMachine *sm, LjRequest *req, LjSmEvent *e, const char *state, GPtrArray *now, gboolean any,
        gint64 id, gboolean wrong_state, GError **error)
{
  g_autoptr (GString) allowed = g_string_new (NULL);

  if (!any)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN, "you may fire no event on %s %" G_GINT64_FORMAT,
                   sm->resource->title, id);
      return FALSE;
    }
  for (guint i = 0; i < now->len; i++)
    g_string_append_printf (allowed, "%s%s", i ? ", " : "", ((LjSmEvent *) now->pdata[i])->name);
  if (req)
    {
      JsonArray *names = json_array_new ();

      for (guint i = 0; i < now->len; i++)
        json_array_add_string_element (names, ((LjSmEvent *) now->pdata[i])->name);
      lj_request_add_problem_member (req, "allowed_events", json_node_init_array (json_node_alloc (), names));
      json_array_unref (names);
    }
  if (wrong_state)
    g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT,
                 "cannot %s %s %" G_GINT64_FORMAT " in state %s; %s%s", e->name, sm->resource->title, id,
                 state ? state : "(none)", now->len ? "events you may fire now: " : "you may fire no event now",
                 allowed->str);
  else
    g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT,
                 "you may not %s %s %" G_GINT64_FORMAT "; %s%s", e->name, sm->resource->title, id,
                 now->len ? "events you may fire now: " : "you may fire no event now", allowed->str);
  return FALSE;
}

static gboolean
check_allowed (LjSmCaller *c, LjSmEvent *e, const char *state, GError **error)
{
  g_autoptr (GPtrArray) now = NULL;
  gboolean any = FALSE;

  if ((now = caller_events_now (c, state, &any, error)) == NULL)
    return FALSE;
  if (g_ptr_array_find (now, e, NULL))
    return TRUE;
  return refuse (c->sm, c->req, e, state, now, any, c->id, !lj_sm_event_leaves (e, state), error);
}

static gboolean
is_blank (JsonNode *n)
{
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (n))
    return json_array_get_length (json_node_get_array (n)) == 0;
  if (JSON_NODE_HOLDS_OBJECT (n))
    return json_object_get_size (json_node_get_object (n)) == 0;
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    {
      for (const char *p = json_node_get_string (n); *p; p = g_utf8_next_char (p))
        if (!g_unichar_isspace (g_utf8_get_char (p)))
          return FALSE;
      return TRUE;
    }
  return FALSE;
}

/* Field errors for members the event does not take, `note`/`reason` that
 * are not text, and required members missing or blank. */
static void
check_event_input (LjRequest *req, LjSmEvent *e, JsonObject *input)
{
  g_autoptr (GList) names = json_object_get_members (input);

  for (GList *l = names; l; l = l->next)
    {
      JsonNode *n = json_object_get_member (input, l->data);

      if (!lj_sm_event_accepts (e, l->data))
        lj_request_add_field_error (req, l->data, "unknown field for the event %s", e->name);
      else if ((strcmp (l->data, "note") == 0 || strcmp (l->data, "reason") == 0) && !JSON_NODE_HOLDS_NULL (n) &&
               (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING))
        lj_request_add_field_error (req, l->data, "must be a string");
    }
  for (guint i = 0; e->requires && e->requires[i]; i++)
    if (is_blank (json_object_get_member (input, e->requires[i])))
      lj_request_add_field_error (req, e->requires[i], "is required to %s", e->name);
}

/* The `sets` members of @input, validated and normalised by the resource
 * engine (and its validate function) exactly as PATCH would. */
static JsonObject *
validate_sets (LjStateMachine *sm, LjRequest *req, LjSmEvent *e, JsonObject *input, JsonObject *record, gint64 id,
               GError **error)
{
  LjResource *r = sm->resource;
  g_autoptr (JsonObject) subset = json_object_new ();
  g_autoptr (JsonObject) clean = NULL;

  for (guint i = 0; e->sets && e->sets[i]; i++)
    {
      JsonNode *n = json_object_get_member (input, e->sets[i]);

      if (n)
        json_object_set_member (subset, e->sets[i], json_node_copy (n));
    }
  if ((clean = lj_resource_validate_input (r, req, subset, id, FALSE, error)) == NULL)
    return NULL;
  if (lj_request_get_n_field_errors (req) == 0 && json_object_get_size (clean) > 0 && r->validate &&
      !r->validate (r, req, id, clean, record, r->validate_data, error))
    return NULL;
  return g_steal_pointer (&clean);
}

static gboolean
no_field_errors (LjRequest *req, GError **error)
{
  if (lj_request_get_n_field_errors (req) == 0)
    return TRUE;
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid fields");
  return FALSE;
}

static JsonObject *
copy_object (JsonObject *o)
{
  JsonObject *copy = json_object_new ();
  g_autoptr (GList) names = json_object_get_members (o);

  for (GList *l = names; l; l = l->next)
    json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (o, l->data)));
  return copy;
}

/* One transition as it will be written. */
typedef struct {
  LjStateMachine *sm;
  LjSmEvent      *event;
  gint64          id;
  const char     *from;
  JsonObject     *record;   /* before */
  JsonObject     *input;    /* the body */
  JsonObject     *sets;     /* validated fields to write */
  char           *now;
} LjSmFiring;

static gboolean
update_record (LjSmFiring *f, LjRequest *req, GError **error)
{
  LjResource *r = f->sm->resource;
  const char *field = f->sm->field->name;
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (GList) names = json_object_get_members (f->sets);
  g_autoptr (LjStmt) st = NULL;
  guint n = 4;

  g_string_printf (sql, "UPDATE %s SET %s = ?1, version = version + 1, updated_at = ?2", r->table, field);
  for (GList *l = names; l; l = l->next)
    g_string_append_printf (sql, ", %s = ?%u", (char *) l->data, ++n);
  /* The state in the WHERE clause makes a lost race visible as no change. */
  g_string_append_printf (sql, " WHERE id = ?3 AND %s = ?4", field);
  if ((st = lj_request_prepare (req, sql->str, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (lj_stmt_get (st), 1, f->event->to, -1, SQLITE_STATIC);
  sqlite3_bind_text (lj_stmt_get (st), 2, f->now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (lj_stmt_get (st), 3, f->id);
  sqlite3_bind_text (lj_stmt_get (st), 4, f->from, -1, SQLITE_STATIC);
  n = 4;
  for (GList *l = names; l; l = l->next)
    lj_resource_bind_node (lj_stmt_get (st), ++n, json_object_get_member (f->sets, l->data));
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  if (sqlite3_changes (lj_store_get_db (lj_request_get_store (req))) != 1)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT, "%s %" G_GINT64_FORMAT " changed state meanwhile",
                   r->title, f->id);
      return FALSE;
    }
  return TRUE;
}

static void
bind_input_text (sqlite3_stmt *s, int idx, JsonObject *input, const char *name)
{
  JsonNode *n = json_object_get_member (input, name);

  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    sqlite3_bind_text (s, idx, json_node_get_string (n), -1, SQLITE_TRANSIENT);
}

/* The body minus `event`, as JSON text; NULL when nothing else was sent. */
static char *
input_data (JsonObject *input)
{
  g_autoptr (JsonObject) data = copy_object (input);
  g_autoptr (JsonNode) node = NULL;

  json_object_remove_member (data, "event");
  if (json_object_get_size (data) == 0)
    return NULL;
  node = json_node_init_object (json_node_alloc (), data);
  return json_to_string (node, FALSE);
}

static gboolean
insert_history (LjSmFiring *f, LjRequest *req, GError **error)
{
  static const char sql[] =
    "INSERT INTO transitions (resource, record_id, event, from_state, to_state, actor_user_id, actor_role, at, "
    "note, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  sqlite3_stmt *s;
  gint64 user_id = lj_request_get_user_id (req);

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  sqlite3_bind_text (s, 1, lj_resource_get_name (f->sm->resource), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, f->id);
  sqlite3_bind_text (s, 3, f->event->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, f->from, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, f->event->to, -1, SQLITE_STATIC);
  if (user_id > 0)
    sqlite3_bind_int64 (s, 6, user_id);
  sqlite3_bind_text (s, 7, lj_role_to_string (lj_request_get_role (req)), -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 8, f->now, -1, SQLITE_STATIC);
  /* A reason says more than a note; both stay in data. */
  bind_input_text (s, 9, f->input, "note");
  bind_input_text (s, 9, f->input, "reason");
  sqlite3_bind_text (s, 10, input_data (f->input), -1, g_free);
  return lj_stmt_step_done (st, error);
}

/* The audit row holds the state and the written fields, before and after. */
static gboolean
audit (LjSmFiring *f, LjRequest *req, GError **error)
{
  g_autoptr (JsonObject) before = json_object_new ();
  g_autoptr (JsonObject) after = json_object_new ();
  g_autoptr (GList) names = json_object_get_members (f->sets);
  const char *field = f->sm->field->name;

  json_object_set_string_member (before, field, f->from);
  json_object_set_string_member (after, field, f->event->to);
  for (GList *l = names; l; l = l->next)
    {
      JsonNode *old = json_object_get_member (f->record, l->data);

      json_object_set_member (before, l->data, old ? json_node_copy (old) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (after, l->data, json_node_copy (json_object_get_member (f->sets, l->data)));
    }
  return lj_request_audit (req, f->event->name, lj_resource_get_name (f->sm->resource), f->id, before, after,
                           error);
}

static char *
event_name (LjSmFiring *f)
{
  return g_strdup_printf ("%s.%s", lj_resource_get_event_prefix (f->sm->resource), f->event->name);
}

/* The record as the validate hooks will see it written. */
static JsonObject *
predicted_record (LjSmFiring *f)
{
  JsonObject *after = copy_object (f->record);
  g_autoptr (GList) names = json_object_get_members (f->sets);

  json_object_set_string_member (after, f->sm->field->name, f->event->to);
  for (GList *l = names; l; l = l->next)
    json_object_set_member (after, l->data, json_node_copy (json_object_get_member (f->sets, l->data)));
  return after;
}

static gboolean
fire (LjSmFiring *f, LjRequest *req, gboolean respond, GError **error)
{
  LjResource *r = f->sm->resource;
  g_autofree char *name = event_name (f);
  g_autoptr (JsonObject) predicted = predicted_record (f);
  g_autoptr (LjEvent) check = lj_event_new (name, lj_resource_get_name (r), f->id, f->record, predicted, f->input);
  g_autoptr (JsonObject) written = NULL;

  if (!lj_app_run_hooks (r->app, req, LJ_HOOK_VALIDATE, check, error) || !no_field_errors (req, error))
    return FALSE;
  if (!update_record (f, req, error) || !insert_history (f, req, error) || !audit (f, req, error))
    return FALSE;
  if ((written = lj_resource_load_current (r, req, f->id, NULL, error)) == NULL)
    return FALSE;
  lj_request_queue_after_commit (req, lj_event_new (name, lj_resource_get_name (r), f->id, f->record, written,
                                                    f->input));
  return !respond || lj_resource_respond_record (r, req, f->id, 200, error);
}

/* Fires @e on record @id: the state must allow it, the caller too unless
 * @as_system, and @input must hold what the event requires. */
static gboolean
fire_event (LjStateMachine *sm, LjRequest *req, gint64 id, JsonObject *record, LjSmEvent *e, JsonObject *input,
            gboolean as_system, gboolean respond, GError **error)
{
  g_auto (LjSmCaller) caller = { 0 };
  g_autoptr (JsonObject) sets = NULL;
  g_autofree char *now = NULL;
  LjSmFiring firing = { 0 };
  const char *state = record_state (sm, record);

  caller_init (&caller, sm, req, id);
  if (as_system && !lj_sm_event_leaves (e, state))
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT, "cannot %s %s %" G_GINT64_FORMAT " in state %s",
                   e->name, sm->resource->title, id, state ? state : "(none)");
      return FALSE;
    }
  if (!as_system && !check_allowed (&caller, e, state, error))
    return FALSE;
  check_event_input (req, e, input);
  if ((sets = validate_sets (sm, req, e, input, record, id, error)) == NULL || !no_field_errors (req, error))
    return FALSE;
  now = lj_clock_now_timestamp ();
  firing = (LjSmFiring) { sm, e, id, state, record, input, sets, now };
  return fire (&firing, req, respond, error);
}

/**
 * lj_transitions_handle_post:
 * `POST /api/v1/<resource>/{id}/transitions` with `{"event": …, …}`.
 */
gboolean
lj_transitions_handle_post (LjRequest *req, gpointer user_data, GError **error)
{
  LjStateMachine *sm = user_data;
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (JsonObject) record = lj_resource_load (sm->resource, req, id, error);
  JsonObject *input;
  LjSmEvent *e;

  if (record == NULL ||
      !check_if_match (req, json_object_get_int_member_with_default (record, "version", 0), error) ||
      (input = lj_request_get_json_object (req, error)) == NULL ||
      (e = find_requested_event (sm, req, input, error)) == NULL)
    return FALSE;
  return fire_event (sm, req, id, record, e, input, FALSE, TRUE, error);
}

/**
 * lj_resource_fire:
 * See lj-plugin.h.
 */
gboolean
lj_resource_fire (LjResource *resource, LjRequest *req, gint64 id, const char *event, JsonObject *input,
                  LjFireFlags flags, GError **error)
{
  LjStateMachine *sm = resource->state_machine;
  g_autoptr (JsonObject) record = NULL;
  g_autoptr (JsonObject) empty = NULL;
  LjSmEvent *e;

  if (sm == NULL || (e = lj_state_machine_find_event (sm, event)) == NULL)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "%s has no event %s", resource->name, event);
      return FALSE;
    }
  if ((record = lj_resource_load (resource, req, id, error)) == NULL)
    return FALSE;
  if (input == NULL)
    input = empty = json_object_new ();
  return fire_event (sm, req, id, record, e, input, (flags & LJ_FIRE_AS_SYSTEM) != 0, FALSE, error);
}
