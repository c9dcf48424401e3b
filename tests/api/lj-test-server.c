/* SPDX-License-Identifier: GPL-3.0-or-later */
/* See lj-test-server.h.  The server runs in-process, so AddressSanitizer
 * and LeakSanitizer see the server's code paths, not only the client's. */
#include "lj-test-server.h"

#include "app/lj-app-private.h"
#include "auth/lj-auth.h"
#include "domain/lj-core.h"
#include "domain/lj-demo.h"
#include "http/lj-server.h"
#include "plugin/lj-plugin-private.h"

#include <gio/gio.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define LJ_TEST_RAW_TIMEOUT_S 2

struct _LjTestServer {
  char          *dir;
  char          *db_path;
  LjTestServerFlags flags;
  guint          idle_timeout;
  GThread       *thread;
  GMainContext  *context;
  GMainLoop     *loop;
  GMutex         lock;
  GCond          cond;
  gboolean       ready;
  guint          port;
  SoupSession   *session;
  LjTestServerSetupFunc setup_func;
  gpointer       setup_data;
  char          *admin_token;   /* sent by lj_test_request () */
  char          *plugin_dir;    /* plugins to load, or NULL */
  char          *config_text;   /* extra configuration, or NULL */
  gboolean       plugin_demo_done;
};

static void
server_thread_body (LjTestServer *self)
{
  g_autoptr (LjConfig) config = lj_config_new ();
  g_autoptr (LjStore) store = NULL;
  g_autoptr (LjApp) app = NULL;
  g_autoptr (LjServer) server = NULL;
  g_autoptr (GError) error = NULL;

  if (self->config_text)
    {
      g_autofree char *path = g_build_filename (self->dir, "test.conf", NULL);
      g_assert_true (g_file_set_contents (path, self->config_text, -1, &error));
      g_assert_true (lj_config_load_file (config, path, &error));
      g_assert_no_error (error);
    }
  if (self->plugin_dir)
    {
      g_strfreev (config->plugin_dirs);
      config->plugin_dirs = g_strsplit (self->plugin_dir, ";", -1);
    }
  g_free (config->db_path);
  config->db_path = g_strdup (self->db_path);
  config->listen_port = 0;
  config->log_requests = FALSE;
  /* A long idle timeout unless a test asks: the harness's client reuses
   * kept-alive connections, and one the server closes just as the client
   * sends on it is reset (the race every keep-alive client has; nginx is
   * set to give up its connections first, config/nginx/lianjian.conf). */
  config->idle_timeout = self->idle_timeout ? self->idle_timeout : 120;
  store = lj_store_open (config->db_path, config->sync, config->busy_timeout, &error);
  g_assert_no_error (error);
  g_assert_true (lj_core_migrate (store, &error));
  /* Every test talks as an admin unless it says otherwise; the account is
   * made once, before the server listens, and survives restarts. */
  if (self->admin_token == NULL)
    {
      g_assert_true (lj_auth_create_user (store, "admin", "Test admin", LJ_ROLE_ADMIN, 0, NULL,
                                          &self->admin_token, NULL, &error));
      g_assert_no_error (error);
    }
  app = lj_app_new (config, store);
  lj_plugins_add_routes (app);
  g_assert_true (lj_core_register (app, &error));
  if (self->plugin_dir)
    {
      g_assert_true (lj_plugins_load_all (app, &error));
      g_assert_no_error (error);
      if ((self->flags & LJ_TEST_SERVER_DEMO) && !self->plugin_demo_done)
        {
          g_assert_true (lj_plugins_load_demo (app, &error));
          g_assert_no_error (error);
          self->plugin_demo_done = TRUE;
        }
    }
  if (self->setup_func)
    self->setup_func (app, store, self->setup_data);
  server = lj_server_new (app);
  g_assert_true (lj_server_listen (server, "127.0.0.1", 0, &error));
  g_mutex_lock (&self->lock);
  self->port = lj_server_get_port (server);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_main_loop_run (self->loop);
  if (self->plugin_dir)
    lj_plugins_stop_all (app);
  g_clear_pointer (&server, lj_server_free);
  /* Let libsoup finish closing connections before the store goes. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
}

static gpointer
server_thread (gpointer data)
{
  LjTestServer *self = data;

  g_main_context_push_thread_default (self->context);
  server_thread_body (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
load_demo (LjTestServer *self)
{
  g_autoptr (LjStore) store = NULL;
  g_autoptr (GError) error = NULL;

  store = lj_store_open (self->db_path, LJ_STORE_SYNC_NORMAL, 5000, &error);
  g_assert_no_error (error);
  g_assert_true (lj_core_migrate (store, &error));
  g_assert_true (lj_demo_load (lj_store_get_db (store), LJ_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
}

static void
start_thread (LjTestServer *self)
{
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->ready = FALSE;
  self->thread = g_thread_new ("lj-test-server", server_thread, self);
  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

LjTestServer *
lj_test_server_start (LjTestServerFlags flags, guint idle_timeout)
{
  LjTestServer *self = g_new0 (LjTestServer, 1);
  g_autoptr (GError) error = NULL;

  self->dir = g_dir_make_tmp ("lianjian-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "park.db", NULL);
  self->flags = flags;
  lj_auth_use_test_profile ();
  self->idle_timeout = idle_timeout;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  if (flags & LJ_TEST_SERVER_DEMO)
    load_demo (self);
  start_thread (self);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);
  return self;
}

/**
 * lj_test_server_start_with_setup:
 * Like lj_test_server_start (), calling @setup_func in the server thread
 * after the core migrated and registered and before the server listens,
 * on every start (restarts too: create tables with IF NOT EXISTS).
 */
LjTestServer *
lj_test_server_start_with_setup (LjTestServerFlags flags, LjTestServerSetupFunc setup_func, gpointer user_data)
{
  LjTestServer *self = g_new0 (LjTestServer, 1);
  g_autoptr (GError) error = NULL;

  self->dir = g_dir_make_tmp ("lianjian-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "park.db", NULL);
  self->flags = flags;
  self->setup_func = setup_func;
  self->setup_data = user_data;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  if (flags & LJ_TEST_SERVER_DEMO)
    load_demo (self);
  start_thread (self);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);
  return self;
}

/**
 * lj_test_server_start_with_plugins:
 * Like lj_test_server_start (), loading every plugin in @plugin_dir (with
 * their demo data under LJ_TEST_SERVER_DEMO) and reading @config_text
 * (GKeyFile, may be NULL) as the configuration file.  A plugin that fails
 * fails the test only when its section says required = true.
 */
LjTestServer *
lj_test_server_start_with_plugins (LjTestServerFlags flags, const char *plugin_dir, const char *config_text)
{
  LjTestServer *self = g_new0 (LjTestServer, 1);
  g_autoptr (GError) error = NULL;

  self->dir = g_dir_make_tmp ("lianjian-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "park.db", NULL);
  self->flags = flags;
  self->plugin_dir = g_strdup (plugin_dir);
  self->config_text = g_strdup (config_text);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  if (flags & LJ_TEST_SERVER_DEMO)
    load_demo (self);
  start_thread (self);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);
  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
lj_test_server_stop (LjTestServer *self)
{
  if (self->thread == NULL)
    return;
  g_clear_object (&self->session);
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  self->thread = NULL;
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

void
lj_test_server_restart (LjTestServer *self)
{
  lj_test_server_stop (self);
  start_thread (self);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

void
lj_test_server_free (LjTestServer *self)
{
  if (self == NULL)
    return;
  lj_test_server_stop (self);
  remove_dir (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->admin_token);
  g_free (self->plugin_dir);
  g_free (self->config_text);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

guint
lj_test_server_get_port (LjTestServer *self)
{
  return self->port;
}

const char *
lj_test_server_get_db_path (LjTestServer *self)
{
  return self->db_path;
}

static LjTestResponse *
send_message (LjTestServer *self, SoupMessage *msg)
{
  LjTestResponse *resp = g_new0 (LjTestResponse, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data;

  resp->body = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);
  resp->status = soup_message_get_status (msg);
  resp->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  data = g_bytes_get_data (resp->body, &len);
  if (len > 0 && json_parser_load_from_data (parser, data, len, NULL) && json_parser_get_root (parser))
    resp->json = json_parser_steal_root (parser);
  return resp;
}

static LjTestResponse *
request_valist (LjTestServer *self, const char *token, const char *method, const char *path, const char *body,
                va_list args)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", self->port, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  const char *name;

  g_assert_nonnull (msg);
  if (token)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  while ((name = va_arg (args, const char *)))
    soup_message_headers_replace (soup_message_get_request_headers (msg), name, va_arg (args, const char *));
  if (body)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      /* Copied: setting the body replaces (and frees) the header's value. */
      g_autofree char *type = g_strdup (soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                                                      "Content-Type"));
      soup_message_set_request_body_from_bytes (msg, type ? type : "application/json", bytes);
    }
  return send_message (self, msg);
}

LjTestResponse *
lj_test_request (LjTestServer *self, const char *method, const char *path, const char *body, ...)
{
  LjTestResponse *resp;
  va_list args;

  va_start (args, body);
  resp = request_valist (self, self->admin_token, method, path, body, args);
  va_end (args);
  return resp;
}

LjTestResponse *
lj_test_request_as (LjTestServer *self, const char *token, const char *method, const char *path,
                    const char *body, ...)
{
  LjTestResponse *resp;
  va_list args;

  va_start (args, body);
  resp = request_valist (self, token, method, path, body, args);
  va_end (args);
  return resp;
}

LjTestResponse *
lj_test_get (LjTestServer *self, const char *path)
{
  return lj_test_request (self, "GET", path, NULL, NULL);
}

const char *
lj_test_server_get_admin_token (LjTestServer *self)
{
  return self->admin_token;
}

/* Opens the database beside the running server (WAL allows it) and makes
 * a user there; returns an API token for them. */
char *
lj_test_server_create_user (LjTestServer *self, const char *username, const char *role, gint64 org_id,
                            const char *password, gint64 *user_id)
{
  g_autoptr (LjStore) store = NULL;
  g_autoptr (GError) error = NULL;
  char *token = NULL;
  LjRole r = LJ_ROLE_NONE;

  g_assert_true (lj_role_from_string (role, &r));
  store = lj_store_open (self->db_path, LJ_STORE_SYNC_NORMAL, 5000, &error);
  g_assert_no_error (error);
  g_assert_true (lj_auth_create_user (store, username, NULL, r, org_id, password, &token, user_id, &error));
  g_assert_no_error (error);
  return token;
}

void
lj_test_response_free (LjTestResponse *resp)
{
  if (resp == NULL)
    return;
  g_clear_pointer (&resp->body, g_bytes_unref);
  g_clear_pointer (&resp->json, json_node_unref);
  g_clear_pointer (&resp->headers, soup_message_headers_unref);
  g_free (resp);
}

/* The bytes, as the admin unless they already say who is asking: the
 * header goes right after the request line, where it changes no framing. */
static GString *
with_admin (LjTestServer *self, const char *data, gsize len)
{
  GString *authed = g_string_new_len (data, len);
  const char *eol = memchr (data, '\n', len);

  if (eol && g_strstr_len (data, len, "Authorization:") == NULL && self->admin_token)
    {
      g_autofree char *header = g_strdup_printf ("Authorization: Bearer %s\r\n", self->admin_token);
      g_string_insert (authed, eol - data + 1, header);
    }
  return authed;
}

/* A fresh connection with @data written to it. */
static GSocketConnection *
raw_send (LjTestServer *self, const char *data, gsize len)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  GSocketConnection *conn = g_socket_client_connect_to_host (client, "127.0.0.1", self->port, NULL, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (conn), LJ_TEST_RAW_TIMEOUT_S);
  /* The server may answer and close before taking every byte (an early
   * 413): a failed write is not the test's failure; read what came back. */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), data, len, NULL, NULL, NULL);
  return conn;
}

/* Everything the server sends on @conn until it closes or falls silent. */
static char *
raw_receive (GSocketConnection *conn)
{
  g_autoptr (GString) out = g_string_new (NULL);
  GSocket *sock = g_socket_connection_get_socket (conn);
  char buf[4096];

  for (;;)
    {
      gssize n = g_socket_receive (sock, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (out, buf, n);
    }
  return g_strdup (out->str);
}

char *
lj_test_raw_post_json (const char *path, const char *body)
{
  return g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Connection: close\r\nContent-Length: %zu\r\n\r\n%s", path, strlen (body), body);
}

guint
lj_test_raw_status (const char *out)
{
  if (!g_str_has_prefix (out, "HTTP/1.1 "))
    return 0;
  return g_ascii_strtoull (out + 9, NULL, 10);
}

char *
lj_test_raw (LjTestServer *self, const char *data, gsize len)
{
  g_autoptr (GString) authed = with_admin (self, data, len);

  return lj_test_raw_as_is (self, authed->str, authed->len);
}

char *
lj_test_raw_as_is (LjTestServer *self, const char *data, gsize len)
{
  g_autoptr (GSocketConnection) conn = raw_send (self, data, len);

  return raw_receive (conn);
}

GPtrArray *
lj_test_raw_many (LjTestServer *self, const char *const *requests, guint n)
{
  g_autoptr (GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GString) authed = with_admin (self, requests[i], strlen (requests[i]));
      g_ptr_array_add (conns, raw_send (self, authed->str, authed->len));
    }
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (out, raw_receive (conns->pdata[i]));
  return out;
}

JsonObject *
lj_test_object (LjTestResponse *resp)
{
  g_assert_nonnull (resp->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (resp->json));
  return json_node_get_object (resp->json);
}

gint64
lj_test_member_int (LjTestResponse *resp, const char *name)
{
  return json_object_get_int_member (lj_test_object (resp), name);
}

const char *
lj_test_member_string (LjTestResponse *resp, const char *name)
{
  return json_object_get_string_member (lj_test_object (resp), name);
}

gboolean
lj_test_has_field_error (LjTestResponse *resp, const char *field)
{
  JsonObject *o = lj_test_object (resp);
  JsonArray *errors = json_object_has_member (o, "errors") ? json_object_get_array_member (o, "errors") : NULL;

  for (guint i = 0; errors && i < json_array_get_length (errors); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (errors, i), "field"), field) == 0)
      return TRUE;
  return FALSE;
}

guint64
lj_test_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || !(line = strstr (status, "VmRSS:")))
    return 0;
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

gint64
lj_test_db_int (LjTestServer *server, const char *sql, gint64 arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 v = -1;

  g_assert_cmpint (sqlite3_open_v2 (lj_test_server_get_db_path (server), &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_bind_parameter_count (st) > 0)
    sqlite3_bind_int64 (st, 1, arg);
  if (sqlite3_step (st) == SQLITE_ROW)
    v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

gint64
lj_test_pick_id (GRand *rand, GArray *ids)
{
  return ids->len ? g_array_index (ids, gint64, g_rand_int_range (rand, 0, ids->len)) : 0;
}

void
lj_test_forget_id (GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      {
        g_array_remove_index_fast (ids, i);
        return;
      }
}
