/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LjRequest: the request as handlers see it (method, path, headers, query,
 * the JSON body, checked strictly before json-glib sees it) and the response
 * they build.  Nothing here knows about sockets. */
#include "lj-request-private.h"
#include "app/lj-app-private.h"
#include "json/lj-json-check.h"
#include "json/lj-json-writer.h"

#include <string.h>
#include <libsoup/soup.h>

struct _LjRequest {
  gatomicrefcount ref;
  char       *method;
  char       *path;
  GHashTable *query;         /* name -> value */
  GHashTable *headers;       /* lower-case name -> value */
  GHashTable *path_params;   /* name -> gint64* */
  GBytes     *body;
  JsonParser *parser;
  JsonObject *json;          /* borrowed from parser */
  GPtrArray  *field_errors;  /* LjFieldError* */
  LjStore    *store;
  LjApp      *app;
  LjPrincipal principal;
  char       *actor;
  char        id[17];
  char       *client_address;
  GHashTable *scope;          /* org ids in a secretary's subtree, filled on first use */
  guint       n_audited;
  gboolean    paused;
  LjRequestResumeFunc resume_func;
  gpointer    resume_data;
  GPtrArray  *after_commit;   /* LjEvent* */
  JsonObject *problem_members;
  const char *malformed;      /* static text, or NULL */

  guint       status;
  char       *content_type;
  char       *response;
  gsize       response_len;
  GPtrArray  *response_headers; /* name, value, name, value... */
};

G_DEFINE_QUARK (lj-http-error-quark, lj_http_error)

static void
field_error_free (gpointer data)
{
  LjFieldError *fe = data;

  g_free (fe->field);
  g_free (fe->message);
  g_free (fe);
}

LjRequest *
lj_request_new (const char *method, const char *path, const char *query_string)
{
  LjRequest *req = g_new0 (LjRequest, 1);

  g_atomic_ref_count_init (&req->ref);
  req->method = g_strdup (method);
  req->path = g_strdup (path);
  if (query_string && (strstr (query_string, "%00") != NULL))
    req->malformed = "the query string holds a NUL byte (%00)";
  req->query = query_string && *query_string && req->malformed == NULL
    ? soup_form_decode (query_string)
    : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  req->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  req->path_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  req->field_errors = g_ptr_array_new_with_free_func (field_error_free);
  req->response_headers = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 16; i += 8)
    g_snprintf (req->id + i, 9, "%08x", g_random_int ());   /* a correlation id, not a secret */
  return req;
}

LjRequest *
lj_request_ref (LjRequest *req)
{
  g_atomic_ref_count_inc (&req->ref);
  return req;
}

void
lj_request_unref (LjRequest *req)
{
  if (req == NULL || !g_atomic_ref_count_dec (&req->ref))
    return;
  g_free (req->method);
  g_free (req->path);
  g_hash_table_unref (req->query);
  g_hash_table_unref (req->headers);
  g_hash_table_unref (req->path_params);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_object (&req->parser);
  g_ptr_array_unref (req->field_errors);
  g_free (req->content_type);
  g_free (req->response);
  g_ptr_array_unref (req->response_headers);
  g_free (req->actor);
  g_free (req->client_address);
  g_clear_pointer (&req->scope, g_hash_table_unref);
  g_clear_pointer (&req->after_commit, g_ptr_array_unref);
  g_clear_pointer (&req->problem_members, json_object_unref);
  g_free (req);
}

const char *
lj_request_get_method (LjRequest *req)
{
  return req->method;
}

const char *
lj_request_get_path (LjRequest *req)
{
  return req->path;
}

void
lj_request_add_header (LjRequest *req, const char *name, const char *value)
{
  g_hash_table_replace (req->headers, g_ascii_strdown (name, -1), g_strdup (value));
}

/**
 * lj_request_get_header:
 * Returns: (nullable) (transfer none): the header's value; names are
 * case-insensitive.
 */
const char *
lj_request_get_header (LjRequest *req, const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (req->headers, lower);
}

/**
 * lj_request_get_query:
 * Returns: (nullable) (transfer none): a query-string parameter.
 */
const char *
lj_request_get_query (LjRequest *req, const char *name)
{
  return g_hash_table_lookup (req->query, name);
}

/**
 * lj_request_get_query_table:
 * Returns: (transfer none): all query-string parameters, name to value.
 */
GHashTable *
lj_request_get_query_table (LjRequest *req)
{
  return req->query;
}

void
lj_request_set_path_param (LjRequest *req, const char *name, gint64 value)
{
  g_hash_table_replace (req->path_params, g_strdup (name), g_memdup2 (&value, sizeof value));
}

/**
 * lj_request_get_path_id:
 * Returns: the positive integer matched by `{name}` in the route, or 0.
 */
gint64
lj_request_get_path_id (LjRequest *req, const char *name)
{
  gint64 *v = g_hash_table_lookup (req->path_params, name);

  return v ? *v : 0;
}

void
lj_request_take_body (LjRequest *req, GBytes *body)
{
  g_clear_pointer (&req->body, g_bytes_unref);
  req->body = body;
}

static gboolean
is_json_content_type (const char *value)
{
  g_autofree char *type = NULL;
  const char *semi;

  if (value == NULL)
    return FALSE;
  semi = strchr (value, ';');
  type = g_strstrip (g_ascii_strdown (value, semi ? semi - value : -1));
  return strcmp (type, "application/json") == 0;
}

/**
 * lj_request_get_json_object:
 * Parses the body as one JSON object, strictly (RFC 8259, depth-limited,
 * no duplicate keys), the first time it is asked for.
 *
 * Returns: (transfer none): the object, valid for the request's lifetime,
 *   or NULL with @error set (LJ_HTTP_ERROR_BAD_REQUEST or _UNSUPPORTED_MEDIA).
 */
JsonObject *
lj_request_get_json_object (LjRequest *req, GError **error)
{
  const char *data;
  gsize len = 0;
  g_autoptr (GError) local = NULL;

  if (req->json)
    return req->json;
  data = req->body ? g_bytes_get_data (req->body, &len) : NULL;
  if (len == 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_BAD_REQUEST, "a JSON object body is required");
      return NULL;
    }
  if (!is_json_content_type (lj_request_get_header (req, "Content-Type")))
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNSUPPORTED_MEDIA,
                   "the body must be sent as Content-Type: application/json");
      return NULL;
    }
  if (!lj_json_check (data, len, LJ_REQUEST_DEFAULT_MAX_DEPTH, LJ_JSON_CHECK_OBJECT_ROOT, &local))
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_BAD_REQUEST, "the body is not valid JSON: %s",
                   local->message);
      return NULL;
    }
  req->parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (req->parser, data, len, &local))
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_BAD_REQUEST, "the body is not valid JSON: %s",
                   local->message);
      return NULL;
    }
  req->json = json_node_get_object (json_parser_get_root (req->parser));
  return req->json;
}

void
lj_request_add_field_error (LjRequest *req, const char *field, const char *format, ...)
{
  LjFieldError *fe = g_new0 (LjFieldError, 1);
  va_list args;

  va_start (args, format);
  fe->field = g_strdup (field);
  fe->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (req->field_errors, fe);
}

gboolean
lj_request_check_query_params (LjRequest *req, const char *const *allowed)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (req->query), (GCompareFunc) strcmp);
  gboolean ok = TRUE;

  for (GList *l = keys; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        lj_request_add_field_error (req, l->data, "unknown parameter");
        ok = FALSE;
      }
  return ok;
}

/* Why the request line cannot be served as sent, or NULL: a NUL byte
 * (%00) would cut a value short where C strings are used, and an encoded
 * slash would let `%2F` route as `/`. */
const char *
lj_request_get_malformed (LjRequest *req)
{
  return req->malformed;
}

/* @reason: static text. */
void
lj_request_set_malformed (LjRequest *req, const char *reason)
{
  req->malformed = reason;
}

guint
lj_request_get_n_field_errors (LjRequest *req)
{
  return req->field_errors->len;
}

GPtrArray *
lj_request_get_field_errors (LjRequest *req)
{
  return req->field_errors;
}

void
lj_request_set_store (LjRequest *req, LjStore *store)
{
  req->store = store;
}

LjStore *
lj_request_get_store (LjRequest *req)
{
  return req->store;
}

void
lj_request_set_app (LjRequest *req, LjApp *app)
{
  req->app = app;
}

LjApp *
lj_request_get_app (LjRequest *req)
{
  return req->app;
}

/* Whether private fields may be shown regardless of the record: admins
 * only; secretaries see them per record, for records in their scope. */
gboolean
lj_request_may_see_private (LjRequest *req)
{
  return req->principal.role == LJ_ROLE_ADMIN;
}

void
lj_request_set_principal (LjRequest *req, const LjPrincipal *principal)
{
  g_free (req->actor);
  req->principal = *principal;
  req->actor = g_strdup (principal->actor);
  req->principal.actor = req->actor;
  g_clear_pointer (&req->scope, g_hash_table_unref);
}

const LjPrincipal *
lj_request_get_principal (LjRequest *req)
{
  return &req->principal;
}

LjRole
lj_request_get_role (LjRequest *req)
{
  return req->principal.role;
}

gint64
lj_request_get_user_id (LjRequest *req)
{
  return req->principal.user_id;
}

gint64
lj_request_get_org_id (LjRequest *req)
{
  return req->principal.role == LJ_ROLE_SECRETARY ? req->principal.org_id : 0;
}

GHashTable *
lj_request_get_scope_cache (LjRequest *req)
{
  return req->scope;
}

void
lj_request_set_scope_cache (LjRequest *req, GHashTable *scope)
{
  g_clear_pointer (&req->scope, g_hash_table_unref);
  req->scope = scope;
}

const char *
lj_request_get_id (LjRequest *req)
{
  return req->id;
}

void
lj_request_set_client_address (LjRequest *req, const char *address)
{
  g_free (req->client_address);
  req->client_address = g_strdup (address);
}

const char *
lj_request_get_client_address (LjRequest *req)
{
  return req->client_address;
}

void
lj_request_count_audit (LjRequest *req)
{
  req->n_audited++;
}

guint
lj_request_get_n_audited (LjRequest *req)
{
  return req->n_audited;
}

void
lj_request_pause (LjRequest *req)
{
  req->paused = TRUE;
}

gboolean
lj_request_is_paused (LjRequest *req)
{
  return req->paused;
}

void
lj_request_set_resume_func (LjRequest *req, LjRequestResumeFunc func, gpointer data)
{
  req->resume_func = func;
  req->resume_data = data;
}

/* Hands the finished response back to the server.  Safe to call once; the
 * server keeps the request alive while it is paused. */
void
lj_request_resume (LjRequest *req)
{
  LjRequestResumeFunc func = req->resume_func;

  g_return_if_fail (req->paused);
  req->paused = FALSE;
  req->resume_func = NULL;
  if (func)
    func (req, req->resume_data);
}

void
lj_request_queue_after_commit (LjRequest *req, LjEvent *event)
{
  if (req->after_commit == NULL)
    req->after_commit = g_ptr_array_new_with_free_func ((GDestroyNotify) lj_event_free);
  g_ptr_array_add (req->after_commit, event);
}

GPtrArray *
lj_request_steal_after_commit (LjRequest *req)
{
  return g_steal_pointer (&req->after_commit);
}

/**
 * lj_request_add_problem_member:
 * @value: (transfer full)
 * Adds a member to the problem+json body of an error answer (RFC 9457
 * extension members), such as `allowed_events`.
 */
void
lj_request_add_problem_member (LjRequest *req, const char *name, JsonNode *value)
{
  static const char *const reserved[] = { "type", "title", "status", "detail", "errors", NULL };

  g_return_if_fail (!g_strv_contains (reserved, name));
  if (req->problem_members == NULL)
    req->problem_members = json_object_new ();
  json_object_set_member (req->problem_members, name, value);
}

void
lj_request_write_problem_members (LjRequest *req, LjJsonWriter *w)
{
  g_autoptr (GList) names = req->problem_members ? json_object_get_members (req->problem_members) : NULL;

  for (GList *l = names; l; l = l->next)
    {
      lj_json_writer_key (w, l->data);
      lj_json_writer_node (w, json_object_get_member (req->problem_members, l->data));
    }
}

void
lj_request_set_response_node (LjRequest *req, guint status, JsonNode *node)
{
  gsize len = 0;
  char *json = json_to_string (node, FALSE);

  len = strlen (json);
  lj_request_set_response_json (req, status, json, len);
}

const char *
lj_role_to_string (LjRole role)
{
  switch (role)
    {
    case LJ_ROLE_ADMIN:
      return "admin";
    case LJ_ROLE_SECRETARY:
      return "secretary";
    case LJ_ROLE_VIEWER:
      return "viewer";
    case LJ_ROLE_NONE:
    default:
      return "none";
    }
}

gboolean
lj_role_from_string (const char *text, LjRole *role)
{
  static const LjRole roles[] = { LJ_ROLE_ADMIN, LJ_ROLE_SECRETARY, LJ_ROLE_VIEWER };

  for (guint i = 0; text && i < G_N_ELEMENTS (roles); i++)
    if (strcmp (text, lj_role_to_string (roles[i])) == 0)
      {
        *role = roles[i];
        return TRUE;
      }
  return FALSE;
}

void
lj_request_set_response (LjRequest *req, guint status, const char *content_type, char *body, gsize len)
{
  req->status = status;
  g_free (req->content_type);
  req->content_type = g_strdup (content_type);
  g_free (req->response);
  req->response = body;
  req->response_len = len;
}

/**
 * lj_request_set_response_json:
 * @json: (transfer full): a serialised JSON document
 */
void
lj_request_set_response_json (LjRequest *req, guint status, char *json, gsize len)
{
  lj_request_set_response (req, status, "application/json; charset=utf-8", json, len);
}

void
lj_request_set_status (LjRequest *req, guint status)
{
  req->status = status;
}

void
lj_request_set_response_header (LjRequest *req, const char *name, const char *value)
{
  g_ptr_array_add (req->response_headers, g_strdup (name));
  g_ptr_array_add (req->response_headers, g_strdup (value));
}

/* Drops the response headers a handler set (Location, ETag…), keeping
 * X-Request-Id: for an answer replaced by an error after the handler ran. */
void
lj_request_clear_response_headers (LjRequest *req)
{
  for (guint i = 0; i + 1 < req->response_headers->len;)
    {
      if (g_ascii_strcasecmp (req->response_headers->pdata[i], "X-Request-Id") == 0)
        i += 2;
      else
        g_ptr_array_remove_range (req->response_headers, i, 2);
    }
}

guint
lj_request_get_status (LjRequest *req)
{
  return req->status;
}

const char *
lj_request_get_response_body (LjRequest *req, gsize *len)
{
  *len = req->response_len;
  return req->response;
}

const char *
lj_request_get_response_type (LjRequest *req)
{
  return req->content_type;
}

GPtrArray *
lj_request_get_response_headers (LjRequest *req)
{
  return req->response_headers;
}

/* ---- SQL for handlers (lj-sql.h) ---- */

LjStmt *
lj_request_prepare (LjRequest *req, const char *sql, GError **error)
{
  return lj_store_prepare (req->store, sql, error);
}

sqlite3_stmt *
lj_stmt_get (LjStmt *st)
{
  return st->stmt;
}

gint64
lj_request_last_insert_id (LjRequest *req)
{
  return sqlite3_last_insert_rowid (lj_store_get_db (req->store));
}
