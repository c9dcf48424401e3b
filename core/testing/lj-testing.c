/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin developers' test helper: the real `lianjian` binary in a
 * child process, a temporary database, and a synchronous libsoup client.
 * It uses only the command line and HTTP, so a plugin's tests exercise the
 * same server its users run. */
#include "lianjian-testing.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

struct _LjTestingServer {
  char        *dir;
  char        *db_path;
  char        *config_path;
  char        *binary;
  char        *plugin_dir;
  char        *url;
  char        *admin_token;
  GSubprocess *process;
  SoupSession *session;
};

static const char *
binary_path (void)
{
  const char *env = g_getenv ("LIANJIAN_BINARY");

  return env && *env ? env : LJ_TESTING_DEFAULT_BINARY;
}

static GSubprocessLauncher *
launcher_for (LjTestingServer *self, GSubprocessFlags flags)
{
  GSubprocessLauncher *l = g_subprocess_launcher_new (flags);

  if (self->plugin_dir)
    g_subprocess_launcher_setenv (l, "LIANJIAN_PLUGIN_PATH", self->plugin_dir, TRUE);
  return l;
}

/* Runs `lianjian ARGS…` to completion; its stdout's first line on success. */
static char *
run_command (LjTestingServer *self, const char *const *args, GError **error)
{
  g_autoptr (GSubprocessLauncher) l = launcher_for (self, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                           G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) p = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, self->binary);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, error);
  if (p == NULL || !g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (p))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "lianjian %s failed: %s%s", args[0], out ? out : "",
                   err ? err : "");
      return NULL;
    }
  out[strcspn (out, "\n")] = '\0';
  return g_steal_pointer (&out);
}

/* Reads the child's output until the line that says where it listens. */
static gboolean
wait_listening (LjTestingServer *self, GError **error)
{
  g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_autoptr (GString) seen = g_string_new (NULL);
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL)) != NULL)
    {
      const char *at = strstr (line, "serving http://");

      g_string_append_printf (seen, "%s\n", line);
      if (at)
        {
          const char *start = at + strlen ("serving ");
          const char *end = strstr (start, "/api/v1/");

          self->url = g_strndup (start, end ? (gsize) (end - start) : strcspn (start, " "));
          g_free (line);
          /* Keep draining the pipe so the server never blocks on a full one. */
          g_input_stream_skip_async (G_INPUT_STREAM (in), G_MAXSSIZE, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
          return TRUE;
        }
      g_free (line);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "lianjian serve exited before listening:\n%s", seen->str);
  return FALSE;
}

LjTestingServer *
lj_testing_server_new (const char *plugin_dir, LjTestingFlags flags, const char *config, GError **error)
{
  g_autoptr (LjTestingServer) self = g_new0 (LjTestingServer, 1);
  g_autoptr (GSubprocessLauncher) l = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *user_args[] = { "user", "add", "lj-testing-admin", "--role", "admin", "--db", NULL, NULL };

  self->binary = g_strdup (binary_path ());
  self->plugin_dir = g_strdup (plugin_dir);
  if ((self->dir = g_dir_make_tmp ("lianjian-testing-XXXXXX", error)) == NULL)
    return NULL;
  self->db_path = g_build_filename (self->dir, "lianjian.db", NULL);
  self->config_path = g_build_filename (self->dir, "lianjian.conf", NULL);
  {
    g_autofree char *text = g_strdup_printf ("[store]\npath=%s\nsynchronous=normal\n%s\n", self->db_path,
                                             config ? config : "");
    if (!g_file_set_contents (self->config_path, text, -1, error))
      return NULL;
  }
  if (flags & LJ_TESTING_DEMO)
    {
      const char *demo_args[] = { "demo", "--config", self->config_path, NULL };
      g_autofree char *out = run_command (self, demo_args, error);
      if (out == NULL)
        return NULL;
    }
  user_args[6] = self->db_path;
  if ((self->admin_token = run_command (self, user_args, error)) == NULL)
    return NULL;
  l = launcher_for (self, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_ptr_array_add (argv, self->binary);
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--config");
  g_ptr_array_add (argv, self->config_path);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  g_ptr_array_add (argv, NULL);
  if ((self->process = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, error)) == NULL ||
      !wait_listening (self, error))
    return NULL;
  self->session = soup_session_new_with_options ("timeout", 30, NULL);
  return g_steal_pointer (&self);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

void
lj_testing_server_free (LjTestingServer *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->session);
  if (self->process)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      g_subprocess_wait (self->process, NULL, NULL);
      g_object_unref (self->process);
    }
  if (self->dir)
    remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->config_path);
  g_free (self->binary);
  g_free (self->plugin_dir);
  g_free (self->url);
  g_free (self->admin_token);
  g_free (self);
}

const char *
lj_testing_server_get_url (LjTestingServer *self)
{
  return self->url;
}

const char *
lj_testing_server_get_db_path (LjTestingServer *self)
{
  return self->db_path;
}

const char *
lj_testing_server_get_admin_token (LjTestingServer *self)
{
  return self->admin_token;
}

char *
lj_testing_server_add_user (LjTestingServer *self, const char *username, const char *role, gint64 org_id,
                            GError **error)
{
  g_autofree char *org = g_strdup_printf ("%" G_GINT64_FORMAT, org_id);
  const char *args[] = { "user", "add", username, "--role", role, "--db", self->db_path,
                         org_id > 0 ? "--org" : NULL, org, NULL };

  return run_command (self, args, error);
}

static void
copy_header (const char *name, const char *value, gpointer data)
{
  g_hash_table_replace (data, g_ascii_strdown (name, -1), g_strdup (value));
}

LjTestingResponse *
lj_testing_request (LjTestingServer *self, const char *token, const char *method, const char *path,
                    const char *body)
{
  LjTestingResponse *resp = g_new0 (LjTestingResponse, 1);
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *auth = token ? token : self->admin_token;

  resp->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (msg == NULL)
    return resp;
  if (auth && *auth)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", auth);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body)
    {
      g_autoptr (GBytes) b = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", b);
    }
  bytes = soup_session_send_and_read (self->session, msg, NULL, NULL);
  if (bytes == NULL)
    return resp;
  resp->status = soup_message_get_status (msg);
  resp->length = g_bytes_get_size (bytes);
  resp->body = g_strndup (g_bytes_get_data (bytes, NULL), resp->length);
  soup_message_headers_foreach (soup_message_get_response_headers (msg), copy_header, resp->headers);
  if (resp->length > 0 && json_parser_load_from_data (parser, resp->body, resp->length, NULL))
    resp->json = json_node_copy (json_parser_get_root (parser));
  return resp;
}

void
lj_testing_response_free (LjTestingResponse *resp)
{
  if (resp == NULL)
    return;
  g_free (resp->body);
  g_clear_pointer (&resp->json, json_node_unref);
  g_hash_table_unref (resp->headers);
  g_free (resp);
}

gint64
lj_testing_response_get_int (LjTestingResponse *resp, const char *member)
{
  JsonObject *o = resp->json && JSON_NODE_HOLDS_OBJECT (resp->json) ? json_node_get_object (resp->json) : NULL;

  return o && json_object_has_member (o, member) ? json_object_get_int_member (o, member) : 0;
}

const char *
lj_testing_response_get_string (LjTestingResponse *resp, const char *member)
{
  JsonObject *o = resp->json && JSON_NODE_HOLDS_OBJECT (resp->json) ? json_node_get_object (resp->json) : NULL;
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;

  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
                                                                                         : NULL;
}
