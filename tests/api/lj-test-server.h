/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A real Lianjian server for tests: its own thread and main context, a
 * fresh SQLite file in a temporary directory, an ephemeral loopback port;
 * and a small synchronous HTTP client to talk to it. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum {
  LJ_TEST_SERVER_EMPTY = 0,
  LJ_TEST_SERVER_DEMO = 1 << 0,   /* load the demo park first */
} LjTestServerFlags;

typedef struct _LjTestServer LjTestServer;

typedef struct {
  guint      status;
  GBytes    *body;
  JsonNode  *json;      /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
} LjTestResponse;

/* Starts a server; idle_timeout in seconds (0: the default). */
LjTestServer *lj_test_server_start (LjTestServerFlags flags, guint idle_timeout);
/* Runs in the server thread after the core migrated and registered, before
 * it listens: create test tables, register resources, machines, hooks.
 * The types are the core's private ones (app/lj-app-private.h). */
struct _LjApp;
struct _LjStore;
typedef void (*LjTestServerSetupFunc) (struct _LjApp *app, struct _LjStore *store, gpointer user_data);
LjTestServer *lj_test_server_start_with_setup (LjTestServerFlags flags, LjTestServerSetupFunc setup_func,
                                               gpointer user_data);
/* Stops it; the database file stays until lj_test_server_free (). */
/* Loads the plugins in @plugin_dir (a directory, or several separated by ';'; and their demo data with
 * LJ_TEST_SERVER_DEMO); @config_text is read as the configuration file. */
LjTestServer *lj_test_server_start_with_plugins (LjTestServerFlags flags, const char *plugin_dir,
                                                 const char *config_text);
void          lj_test_server_stop (LjTestServer *server);
/* Starts it again on the same database (a restart). */
void          lj_test_server_restart (LjTestServer *server);
void          lj_test_server_free (LjTestServer *server);
guint         lj_test_server_get_port (LjTestServer *server);
const char   *lj_test_server_get_db_path (LjTestServer *server);

/* Sends one request; body may be NULL.  extra_headers: NULL-terminated
 * name, value pairs.  Never fails the test by itself. */
LjTestResponse *lj_test_request (LjTestServer *server, const char *method, const char *path,
                                 const char *body, ...) G_GNUC_NULL_TERMINATED;
LjTestResponse *lj_test_get (LjTestServer *server, const char *path);
/* As lj_test_request (), with @token (NULL: no Authorization header)
 * instead of the admin token the harness made at start. */
LjTestResponse *lj_test_request_as (LjTestServer *server, const char *token, const char *method, const char *path,
                                    const char *body, ...) G_GNUC_NULL_TERMINATED;
const char     *lj_test_server_get_admin_token (LjTestServer *server);
/* Creates a user (role "admin", "secretary" or "viewer"; @org_id 0 for
 * none; @password may be NULL) and returns (transfer full) an API token
 * for them; their id in @user_id when not NULL. */
char           *lj_test_server_create_user (LjTestServer *server, const char *username, const char *role,
                                            gint64 org_id, const char *password, gint64 *user_id);
void            lj_test_response_free (LjTestResponse *resp);

/* Sends raw bytes on a fresh TCP connection and returns everything the
 * server sent until it closed or 2 s of silence.  Adds the admin's
 * Authorization header after the request line unless one is there. */
char           *lj_test_raw (LjTestServer *server, const char *data, gsize len);
/* The same, bytes exactly as given. */
char           *lj_test_raw_as_is (LjTestServer *server, const char *data, gsize len);
/* Sends each of @requests (as lj_test_raw) on its own connection, all of
 * them before reading any answer; returns (transfer full) the answers in
 * the same order.  Ask for `Connection: close`. */
GPtrArray      *lj_test_raw_many (LjTestServer *server, const char *const *requests, guint n);
/* Returns: (transfer full): the bytes of a `POST @path` with the JSON
 * @body and `Connection: close`, for lj_test_raw_many (). */
char           *lj_test_raw_post_json (const char *path, const char *body);
/* The status code of a raw answer; 0 when it is not HTTP/1.1. */
guint           lj_test_raw_status (const char *out);

/* Conveniences over the parsed body. */
JsonObject     *lj_test_object (LjTestResponse *resp);
gint64          lj_test_member_int (LjTestResponse *resp, const char *name);
const char     *lj_test_member_string (LjTestResponse *resp, const char *name);
/* True when the 422 body lists an error for this field. */
gboolean        lj_test_has_field_error (LjTestResponse *resp, const char *field);
/* The server process's resident memory in KiB (VmRSS). */
guint64         lj_test_rss_kib (void);

/* The first column of the first row of @sql, with ?1 bound to @arg, read
 * through a read-only connection of the test's own to the server's
 * database (an oracle beside the API); -1 when there is no row. */
gint64          lj_test_db_int (LjTestServer *server, const char *sql, gint64 arg);

/* Random walks over the records a test made: one of @ids at random (0 when
 * there is none), and forgetting one that was deleted. */
gint64          lj_test_pick_id (GRand *rand, GArray *ids);
void            lj_test_forget_id (GArray *ids, gint64 id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjTestResponse, lj_test_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjTestServer, lj_test_server_free)

G_END_DECLS
