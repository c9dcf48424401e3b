/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts, sessions and tokens over real HTTP: login and its one failure
 * answer, lockout and its expiry, idle and absolute session expiry,
 * revocation, malformed and dead tokens, password bounds, API tokens, no
 * secret in the database file or the log, and logins that do not stall
 * other requests.  Time moves with lj_clock_advance_for_testing (). */
#define _GNU_SOURCE 1
#include "lj-test-server.h"

#include "auth/lj-auth.h"
#include "app/lj-config.h"

#include <glib/gstdio.h>
#include <string.h>

#define PASSWORD "correct horse battery"
#define PASSWORD2 "another long passphrase"

static GMutex log_lock;
static GString *log_text;

/* Captures every log line (to search it for secrets) and forwards it.
 * Warnings are expected here (lockouts are security events), so only
 * criticals and errors stay fatal. */
static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (fields[i].key, "MESSAGE") == 0)
      {
        g_string_append_len (log_text, fields[i].value, fields[i].length < 0 ? (gssize) strlen (fields[i].value)
                                                                              : fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  g_mutex_unlock (&log_lock);
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    return g_log_writer_default (level, fields, n_fields, data);
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (level, fields, n_fields, data);
}

static gboolean
log_contains (const char *needle)
{
  gboolean found;

  g_mutex_lock (&log_lock);
  found = strstr (log_text->str, needle) != NULL;
  g_mutex_unlock (&log_lock);
  return found;
}

static LjTestResponse *
login (LjTestServer *server, const char *username, const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", username, password);

  return lj_test_request_as (server, NULL, "POST", "/api/v1/auth/login", body, NULL);
}

/* Signs in and returns the session token. */
static char *
login_token (LjTestServer *server, const char *username, const char *password)
{
  g_autoptr (LjTestResponse) r = login (server, username, password);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (lj_test_member_string (r, "token"));
}

static guint
me_status (LjTestServer *server, const char *token)
{
  g_autoptr (LjTestResponse) r = lj_test_request_as (server, token, "GET", "/api/v1/me", NULL, NULL);

  if (r->status == 401)
    g_assert_nonnull (soup_message_headers_get_one (r->headers, "WWW-Authenticate"));
  return r->status;
}

/* [auth] password_*: Argon2id's cost is configurable within sane bounds,
 * and a value out of bounds refuses the configuration, naming the key. */
static void
test_password_config (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lj-auth-conf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c.conf", NULL);
  static const char *const bad[] = {
    "[auth]\npassword_memory = 4\n", "[auth]\npassword_iterations = 0\n", "[auth]\npassword_threads = 0\n",
    "[auth]\npassword_memory = 4096\n", "[auth]\npassword_memory = lots\n",
  };

  {
    LjConfig *config = lj_config_new ();
    g_assert_cmpuint (config->auth_password_iterations, ==, 2);
    g_assert_cmpuint (config->auth_password_memory_mib, ==, 19);
    g_assert_cmpuint (config->auth_password_threads, ==, 1);
    g_assert_true (g_file_set_contents (path, "[auth]\npassword_iterations = 3\npassword_memory = 64\n"
                                        "password_threads = 3\n", -1, NULL));
    g_assert_true (lj_config_load_file (config, path, NULL));
    g_assert_cmpuint (config->auth_password_iterations, ==, 3);
    g_assert_cmpuint (config->auth_password_memory_mib, ==, 64);
    g_assert_cmpuint (config->auth_password_threads, ==, 3);
    lj_config_free (config);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      LjConfig *config = lj_config_new ();
      g_autoptr (GError) error = NULL;

      g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
      g_assert_false (lj_config_load_file (config, path, &error));
      g_assert_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "password_"));
      lj_config_free (config);
    }
  g_remove (path);
  g_rmdir (dir);
}

static void
test_login_success (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, NULL);
  g_autoptr (LjTestResponse) r = login (server, "lin", PASSWORD);
  g_autoptr (LjTestResponse) me = NULL;
  JsonObject *user;
  const char *token;

  g_assert_cmpuint (r->status, ==, 200);
  token = lj_test_member_string (r, "token");
  g_assert_true (g_str_has_prefix (token, "lj_"));
  g_assert_cmpuint (strlen (token), ==, 46);
  g_assert_nonnull (lj_test_member_string (r, "expires_at"));
  user = json_object_get_object_member (lj_test_object (r), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "lin");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "viewer");
  g_assert_false (json_object_has_member (user, "password_hash"));
  me = lj_test_request_as (server, token, "GET", "/api/v1/me", NULL, NULL);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (lj_test_member_string (me, "username"), ==, "lin");
  g_assert_cmpuint (me_status (server, api), ==, 200);
}

static void
test_login_failures_alike (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, NULL);
  g_autofree char *disabled = lj_test_server_create_user (server, "gone", "viewer", 0, PASSWORD, NULL);
  g_autoptr (LjTestResponse) unknown = login (server, "nobody", PASSWORD);
  g_autoptr (LjTestResponse) wrong = login (server, "lin", PASSWORD2);
  g_autoptr (LjTestResponse) patch = NULL;
  g_autoptr (LjTestResponse) off = NULL;
  g_autoptr (LjTestResponse) bad = NULL;

  g_assert_cmpuint (unknown->status, ==, 401);
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpstr (lj_test_member_string (unknown, "detail"), ==, lj_test_member_string (wrong, "detail"));
  patch = lj_test_request (server, "PATCH", "/api/v1/users/3", "{\"disabled\":true}", NULL);
  g_assert_cmpuint (patch->status, ==, 200);
  off = login (server, "gone", PASSWORD);
  g_assert_cmpuint (off->status, ==, 401);
  g_assert_cmpstr (lj_test_member_string (off, "detail"), ==, lj_test_member_string (wrong, "detail"));
  bad = lj_test_request_as (server, NULL, "POST", "/api/v1/auth/login", "{\"username\":\"lin\"}", NULL);
  g_assert_cmpuint (bad->status, ==, 422);
  g_assert_true (lj_test_has_field_error (bad, "password"));
}

static void
test_lockout (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, NULL);
  g_autoptr (LjTestResponse) locked = NULL;
  g_autoptr (LjTestResponse) again = NULL;
  g_autoptr (LjTestResponse) ok = NULL;

  for (int i = 0; i < LJ_AUTH_DEFAULT_LOCKOUT_FAILURES; i++)
    {
      g_autoptr (LjTestResponse) r = login (server, "lin", PASSWORD2);
      g_assert_cmpuint (r->status, ==, 401);
    }
  g_assert_true (log_contains ("account lin locked"));
  locked = login (server, "lin", PASSWORD);
  g_assert_cmpuint (locked->status, ==, 401);
  lj_clock_advance_for_testing (LJ_AUTH_DEFAULT_LOCKOUT_SECONDS - 60);
  again = login (server, "lin", PASSWORD);
  g_assert_cmpuint (again->status, ==, 401);
  lj_clock_advance_for_testing (61);
  ok = login (server, "lin", PASSWORD);
  g_assert_cmpuint (ok->status, ==, 200);
  lj_clock_reset_for_testing ();
}

static void
test_session_expiry (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, NULL);
  g_autofree char *idle = login_token (server, "lin", PASSWORD);
  g_autofree char *busy = login_token (server, "lin", PASSWORD);
  gint64 step = LJ_AUTH_DEFAULT_IDLE_TIMEOUT - 60, elapsed = 0;

  /* Used every 29 minutes: lives until the absolute limit, then ends. */
  lj_clock_advance_for_testing (step);
  elapsed += step;
  g_assert_cmpuint (me_status (server, idle), ==, 200);
  lj_clock_advance_for_testing (LJ_AUTH_DEFAULT_IDLE_TIMEOUT + 1);
  elapsed += LJ_AUTH_DEFAULT_IDLE_TIMEOUT + 1;
  g_assert_cmpuint (me_status (server, idle), ==, 401);
  g_clear_pointer (&busy, g_free);
  lj_clock_reset_for_testing ();
  busy = login_token (server, "lin", PASSWORD);
  for (elapsed = 0; elapsed + step < LJ_AUTH_DEFAULT_ABSOLUTE_TIMEOUT; elapsed += step)
    {
      lj_clock_advance_for_testing (step);
      g_assert_cmpuint (me_status (server, busy), ==, 200);
    }
  lj_clock_advance_for_testing (step);
  g_assert_cmpuint (me_status (server, busy), ==, 401);
  /* API tokens do not expire by idleness. */
  g_assert_cmpuint (me_status (server, api), ==, 200);
  lj_clock_reset_for_testing ();
}

static void
test_revocation (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  gint64 id = 0;
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, &id);
  g_autofree char *s1 = login_token (server, "lin", PASSWORD);
  g_autofree char *s2 = login_token (server, "lin", PASSWORD);
  g_autofree char *s3 = NULL;
  g_autofree char *s4 = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, id);
  g_autoptr (LjTestResponse) out = NULL, wrong = NULL, changed = NULL, old = NULL, role = NULL, off = NULL;

  /* Logout ends only that session. */
  out = lj_test_request_as (server, s1, "POST", "/api/v1/auth/logout", NULL, NULL);
  g_assert_cmpuint (out->status, ==, 204);
  g_assert_cmpuint (me_status (server, s1), ==, 401);
  g_assert_cmpuint (me_status (server, s2), ==, 200);
  /* A password change ends every session. */
  wrong = lj_test_request_as (server, s2, "POST", "/api/v1/me/password",
                              "{\"current_password\":\"" PASSWORD2 "\",\"new_password\":\"" PASSWORD2 "\"}", NULL);
  g_assert_cmpuint (wrong->status, ==, 422);
  g_assert_true (lj_test_has_field_error (wrong, "current_password"));
  changed = lj_test_request_as (server, s2, "POST", "/api/v1/me/password",
                                "{\"current_password\":\"" PASSWORD "\",\"new_password\":\"" PASSWORD2 "\"}", NULL);
  g_assert_cmpuint (changed->status, ==, 204);
  g_assert_cmpuint (me_status (server, s2), ==, 401);
  old = login (server, "lin", PASSWORD);
  g_assert_cmpuint (old->status, ==, 401);
  /* A role change ends sessions, not API tokens. */
  s3 = login_token (server, "lin", PASSWORD2);
  role = lj_test_request (server, "PATCH", path, "{\"role\":\"admin\"}", NULL);
  g_assert_cmpuint (role->status, ==, 200);
  g_assert_cmpuint (me_status (server, s3), ==, 401);
  g_assert_cmpuint (me_status (server, api), ==, 200);
  /* Disabling ends both. */
  s4 = login_token (server, "lin", PASSWORD2);
  off = lj_test_request (server, "PATCH", path, "{\"disabled\":true}", NULL);
  g_assert_cmpuint (off->status, ==, 200);
  g_assert_cmpuint (me_status (server, s4), ==, 401);
  g_assert_cmpuint (me_status (server, api), ==, 401);
}

static void
test_bad_tokens (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  gint64 id = 0;
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, NULL, &id);
  static const char *const malformed[] = {
    "Basic bGluOnBhc3N3b3Jk", "Bearer", "Bearer ", "Bearer lj_short", "Bearer xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "Bearer lj_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Bearer lj_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!",
  };
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/tokens", id);
  g_autoptr (LjTestResponse) missing = lj_test_request_as (server, NULL, "GET", "/api/v1/me", NULL, NULL);
  g_autoptr (LjTestResponse) created = NULL;
  g_autoptr (LjTestResponse) revoked = NULL;
  g_autofree char *expiring = NULL;
  g_autofree char *delete_path = NULL;
  g_autofree char *body = NULL;
  g_autoptr (GDateTime) now = lj_clock_now_utc ();
  g_autoptr (GDateTime) in_an_hour = g_date_time_add_hours (now, 1);
  g_autofree char *when = g_date_time_format (in_an_hour, "%Y-%m-%dT%H:%M:%SZ");

  g_assert_cmpuint (missing->status, ==, 401);
  g_assert_nonnull (soup_message_headers_get_one (missing->headers, "WWW-Authenticate"));
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (LjTestResponse) r = lj_test_request_as (server, NULL, "GET", "/api/v1/me", NULL,
                                                         "Authorization", malformed[i], NULL);
      g_test_message ("%s", malformed[i]);
      g_assert_cmpuint (r->status, ==, 401);
      g_assert_nonnull (soup_message_headers_get_one (r->headers, "WWW-Authenticate"));
    }
  /* An API token with an expiry stops at it. */
  body = g_strdup_printf ("{\"name\":\"sync\",\"expires_at\":\"%s\"}", when);
  created = lj_test_request (server, "POST", path, body, NULL);
  g_assert_cmpuint (created->status, ==, 201);
  expiring = g_strdup (lj_test_member_string (created, "token"));
  g_assert_cmpuint (me_status (server, expiring), ==, 200);
  lj_clock_advance_for_testing (2 * 3600);
  g_assert_cmpuint (me_status (server, expiring), ==, 401);
  g_assert_cmpuint (me_status (server, api), ==, 200);
  lj_clock_reset_for_testing ();
  /* A revoked one stops at once. */
  /* Token 1 is the harness admin's; 2 is lin's initial one. */
  delete_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path, (gint64) 2);
  revoked = lj_test_request (server, "DELETE", delete_path, NULL, NULL);
  g_assert_cmpuint (revoked->status, ==, 204);
  g_assert_cmpuint (me_status (server, api), ==, 401);
}

static guint
create_user_status (LjTestServer *server, const char *name, gsize password_len)
{
  g_autofree char *password = g_strnfill (password_len, 'p');
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"role\":\"viewer\",\"password\":\"%s\"}", name,
                                           password);
  g_autoptr (LjTestResponse) r = lj_test_request (server, "POST", "/api/v1/users", body, NULL);

  if (r->status == 422)
    g_assert_true (lj_test_has_field_error (r, "password"));
  return r->status;
}

static void
test_password_bounds (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *token = NULL;
  g_autofree char *long_password = g_strnfill (LJ_AUTH_PASSWORD_MAX, 'p');
  g_autoptr (LjTestResponse) shortnew = NULL;

  g_assert_cmpuint (create_user_status (server, "a", LJ_AUTH_PASSWORD_MIN - 1), ==, 422);
  g_assert_cmpuint (create_user_status (server, "b", LJ_AUTH_PASSWORD_MIN), ==, 201);
  g_assert_cmpuint (create_user_status (server, "c", LJ_AUTH_PASSWORD_MAX), ==, 201);
  g_assert_cmpuint (create_user_status (server, "d", LJ_AUTH_PASSWORD_MAX + 1), ==, 422);
  token = login_token (server, "c", long_password);
  shortnew = lj_test_request_as (server, token, "POST", "/api/v1/me/password",
                                 "{\"current_password\":\"x\",\"new_password\":\"short\"}", NULL);
  g_assert_cmpuint (shortnew->status, ==, 422);
  g_assert_true (lj_test_has_field_error (shortnew, "new_password"));
}

/* A list paged by id, one row a page: every row once, in id order, the
 * last page without a next cursor; a wrong limit or cursor is a 422 naming it. */
static void
assert_id_pages (LjTestServer *server, const char *path, guint n_rows)
{
  g_autofree char *cursor = NULL;
  gint64 previous = 0;
  guint pages = 0;

  do
    {
      g_autofree char *url = cursor ? g_strdup_printf ("%s?limit=1&cursor=%s", path, cursor)
                                    : g_strdup_printf ("%s?limit=1", path);
      g_autoptr (LjTestResponse) r = lj_test_get (server, url);
      JsonObject *o;
      JsonArray *items;

      g_assert_cmpuint (r->status, ==, 200);
      o = lj_test_object (r);
      items = json_object_get_array_member (o, "items");
      g_assert_cmpuint (json_array_get_length (items), ==, 1);
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "id"), >, previous);
      previous = json_object_get_int_member (json_array_get_object_element (items, 0), "id");
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (o, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (o, "next_cursor"));
      pages++;
    }
  while (cursor && pages <= n_rows);
  g_assert_cmpuint (pages, ==, n_rows);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *bad = g_strdup_printf ("%s?%s", path, i ? "cursor=not-a-cursor" : "limit=0");
      g_autoptr (LjTestResponse) r = lj_test_get (server, bad);

      g_assert_cmpuint (r->status, ==, 422);
      g_assert_true (lj_test_has_field_error (r, i ? "cursor" : "limit"));
    }
}

static void
test_api_tokens (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  gint64 id = 0;
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, NULL, &id);
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/tokens", id);
  g_autoptr (LjTestResponse) created = lj_test_request (server, "POST", path, "{\"name\":\"etl\"}", NULL);
  g_autoptr (LjTestResponse) list = NULL, list2 = NULL, del = NULL, viewer = NULL, missing = NULL;
  g_autofree char *token = NULL;
  g_autofree char *del_path = NULL;
  JsonArray *items;

  g_assert_cmpuint (created->status, ==, 201);
  token = g_strdup (lj_test_member_string (created, "token"));
  g_assert_cmpuint (me_status (server, token), ==, 200);
  list = lj_test_get (server, path);
  g_assert_cmpuint (list->status, ==, 200);
  items = json_object_get_array_member (lj_test_object (list), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_false (json_object_has_member (json_array_get_object_element (items, i), "token"));
  g_assert_null (strstr (g_bytes_get_data (list->body, NULL), token));
  /* Not for viewers. */
  viewer = lj_test_request_as (server, token, "GET", path, NULL, NULL);
  g_assert_cmpuint (viewer->status, ==, 403);
  del_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path, lj_test_member_int (created, "id"));
  del = lj_test_request (server, "DELETE", del_path, NULL, NULL);
  g_assert_cmpuint (del->status, ==, 204);
  g_assert_cmpuint (me_status (server, token), ==, 401);
  list2 = lj_test_get (server, path);
  items = json_object_get_array_member (lj_test_object (list2), "items");
  g_assert_false (json_object_get_null_member (json_array_get_object_element (items, 1), "revoked_at"));
  missing = lj_test_request (server, "DELETE", "/api/v1/users/1/tokens/999", NULL, NULL);
  g_assert_cmpuint (missing->status, ==, 404);
  assert_id_pages (server, path, 2);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
test_no_secrets_stored (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, NULL);
  g_autofree char *session = login_token (server, "lin", PASSWORD);
  g_autoptr (LjTestResponse) created = lj_test_request (server, "POST", "/api/v1/users/2/tokens", "{\"name\":\"x\"}",
                                                        NULL);
  g_autoptr (LjTestResponse) changed = NULL;
  g_autofree char *wal = NULL;
  const char *secrets[6];

  changed = lj_test_request_as (server, session, "POST", "/api/v1/me/password",
                                "{\"current_password\":\"" PASSWORD "\",\"new_password\":\"" PASSWORD2 "\"}", NULL);
  g_assert_cmpuint (changed->status, ==, 204);
  secrets[0] = api;
  secrets[1] = session;
  secrets[2] = lj_test_member_string (created, "token");
  secrets[3] = PASSWORD;
  secrets[4] = PASSWORD2;
  secrets[5] = lj_test_server_get_admin_token (server);
  lj_test_server_stop (server);
  wal = g_strconcat (lj_test_server_get_db_path (server), "-wal", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_assert_false (file_contains (lj_test_server_get_db_path (server), secrets[i]));
      g_assert_false (file_contains (wal, secrets[i]));
      /* Also without the prefix. */
      if (g_str_has_prefix (secrets[i], "lj_"))
        g_assert_false (file_contains (lj_test_server_get_db_path (server), secrets[i] + 3));
      g_assert_false (log_contains (secrets[i]));
    }
}

typedef struct {
  LjTestServer *server;
  guint status;
  gint64 us;
} LjLoginThread;

static gpointer
login_thread (gpointer data)
{
  LjLoginThread *t = data;
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/auth/login", lj_test_server_get_port (t->server));
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr (GBytes) body = g_bytes_new_static ("{\"username\":\"lin\",\"password\":\"" PASSWORD "\"}",
                                                strlen ("{\"username\":\"lin\",\"password\":\"" PASSWORD "\"}"));
  g_autoptr (GBytes) answer = NULL;
  gint64 start = g_get_monotonic_time ();

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  g_atomic_int_set ((gint *) &t->status, soup_message_get_status (msg));
  if (t->status == 503)
    g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"));
  t->us = g_get_monotonic_time () - start;
  return NULL;
}

static void
run_parallel_logins (LjTestServer *server, guint n, LjLoginThread *threads, GThread **handles)
{
  for (guint i = 0; i < n; i++)
    {
      threads[i].server = server;
      handles[i] = g_thread_new ("login", login_thread, &threads[i]);
    }
}

/* Hashing runs beside the main loop, never on it: with the workers held,
 * logins stay pending while other requests are answered; released, the
 * logins finish.  No timing involved. */
static void
test_logins_do_not_stall (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, NULL);
  LjLoginThread threads[4] = { 0 };
  GThread *handles[4];

  lj_password_hold_for_testing (TRUE);
  run_parallel_logins (server, G_N_ELEMENTS (threads), threads, handles);
  /* Every worker is busy with a login (the others queue behind them); a
   * bounded wait for the logins to arrive, not a timing assertion. */
  for (guint tries = 0; lj_password_held_for_testing () < LJ_AUTH_DEFAULT_PASSWORD_THREADS; tries++)
    {
      g_assert_cmpuint (tries, <, 3000);
      g_usleep (10 * 1000);
    }
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr (LjTestResponse) r = lj_test_request_as (server, api, "GET", "/api/v1/me", NULL, NULL);

      g_assert_cmpuint (r->status, ==, 200);
    }
  /* Every login is still waiting for its hash. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (g_atomic_int_get ((gint *) &threads[i].status), ==, 0);
  lj_password_hold_for_testing (FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (handles[i]);
      g_assert_cmpuint (threads[i].status, ==, 200);
    }
}

static void
test_too_many_logins_503 (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autofree char *api = lj_test_server_create_user (server, "lin", "viewer", 0, PASSWORD, NULL);
  LjLoginThread threads[24] = { 0 };
  GThread *handles[24];
  guint refused = 0, ok = 0;

  run_parallel_logins (server, G_N_ELEMENTS (threads), threads, handles);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (handles[i]);
      refused += threads[i].status == 503;
      ok += threads[i].status == 200;
    }
  g_test_message ("%u signed in, %u refused", ok, refused);
  g_assert_cmpuint (ok + refused, ==, G_N_ELEMENTS (threads));
  g_assert_cmpuint (ok, >=, 2);
  g_assert_cmpuint (refused, >=, 1);
}

static void
test_users_crud (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) created = lj_test_request (server, "POST", "/api/v1/users",
                                                        "{\"username\":\"wang\",\"role\":\"viewer\"}", NULL);
  g_autoptr (LjTestResponse) list = NULL, page = NULL, nosec = NULL, dup = NULL, del = NULL, last = NULL, gone = NULL;
  g_autofree char *cursor = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_nonnull (soup_message_headers_get_one (created->headers, "Location"));
  g_assert_false (json_object_has_member (lj_test_object (created), "password_hash"));
  dup = lj_test_request (server, "POST", "/api/v1/users", "{\"username\":\"wang\",\"role\":\"viewer\"}", NULL);
  g_assert_cmpuint (dup->status, ==, 409);
  nosec = lj_test_request (server, "POST", "/api/v1/users", "{\"username\":\"li\",\"role\":\"secretary\"}", NULL);
  g_assert_cmpuint (nosec->status, ==, 422);
  list = lj_test_get (server, "/api/v1/users?limit=1");
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (lj_test_member_int (list, "total"), ==, 2);
  cursor = g_strdup_printf ("/api/v1/users?limit=1&cursor=%s", lj_test_member_string (list, "next_cursor"));
  page = lj_test_get (server, cursor);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (json_object_get_null_member (lj_test_object (page), "next_cursor"));
  assert_id_pages (server, "/api/v1/users", 2);
  /* The admin has acted (created wang): refused, disable instead. */
  last = lj_test_request (server, "DELETE", "/api/v1/users/1", NULL, NULL);
  g_assert_cmpuint (last->status, ==, 409);
  del = lj_test_request (server, "DELETE", "/api/v1/users/2", NULL, NULL);
  g_assert_cmpuint (del->status, ==, 204);
  gone = lj_test_get (server, "/api/v1/users/2");
  g_assert_cmpuint (gone->status, ==, 404);
}

int
main (int argc, char **argv)
{
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/auth/config/password-cost-bounds", test_password_config);
  g_test_add_func ("/api/auth/login/success-token-and-me", test_login_success);
  g_test_add_func ("/api/auth/login/unknown-wrong-disabled-alike-401", test_login_failures_alike);
  g_test_add_func ("/api/auth/login/lockout-after-5-and-expiry", test_lockout);
  g_test_add_func ("/api/auth/session/idle-and-absolute-expiry", test_session_expiry);
  g_test_add_func ("/api/auth/revocation/logout-password-role-disable", test_revocation);
  g_test_add_func ("/api/auth/tokens/malformed-missing-expired-revoked-401", test_bad_tokens);
  g_test_add_func ("/api/auth/password/length-12-to-1024", test_password_bounds);
  g_test_add_func ("/api/auth/tokens/create-list-revoke", test_api_tokens);
  g_test_add_func ("/api/auth/users/create-list-page-delete-409", test_users_crud);
  g_test_add_func ("/api/auth/secrets/not-in-database-or-log", test_no_secrets_stored);
  g_test_add_func ("/api/auth/login/parallel-logins-do-not-stall-gets", test_logins_do_not_stall);
  g_test_add_func ("/api/auth/login/too-many-waiting-503-retry-after", test_too_many_logins_503);
  return g_test_run ();
}
