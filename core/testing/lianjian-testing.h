/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Testing helpers for plugin developers: start the installed `lianjian`
 * binary with your plugin directory on an ephemeral loopback port and a
 * temporary database, and make authenticated requests to it.  Black-box on
 * purpose: your plugin runs in exactly the server your users run.
 *
 *   g_autoptr (LjTestingServer) s = lj_testing_server_new (PLUGIN_BUILD_DIR, LJ_TESTING_DEMO, NULL, &error);
 *   g_autoptr (LjTestingResponse) r = lj_testing_request (s, NULL, "GET", "/api/v1/my-plugin/things", NULL);
 *   g_assert_cmpuint (r->status, ==, 200);
 *
 * Link with `pkg-config --libs lianjian-testing-1`. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  LJ_TESTING_EMPTY = 0,
  LJ_TESTING_DEMO = 1 << 0,   /* start with the demo park (serve --demo) */
} LjTestingFlags;

typedef struct _LjTestingServer LjTestingServer;

typedef struct {
  guint     status;
  char     *body;        /* NUL-terminated */
  gsize     length;
  JsonNode *json;        /* NULL when the body is not JSON */
  GHashTable *headers;   /* lower-case name -> value */
} LjTestingResponse;

/**
 * lj_testing_server_new:
 * @plugin_dir: (nullable): a directory of plugin modules to load
 *   (LIANJIAN_PLUGIN_PATH), typically your build directory
 * @config: (nullable): extra configuration text (GKeyFile), for example
 *   "[plugin:my-plugin]\nrequired=true\n"
 *
 * Creates an admin account, starts the server and waits until it listens.
 * The binary is $LIANJIAN_BINARY, or the one installed with this library.
 * Returns: (transfer full) (nullable): the server, or NULL with @error set
 *   (including everything the server printed).
 */
LjTestingServer   *lj_testing_server_new (const char *plugin_dir, LjTestingFlags flags, const char *config,
                                          GError **error);
/* Stops the server (SIGTERM, then waits) and removes the temporary directory. */
void               lj_testing_server_free (LjTestingServer *server);
/* `http://127.0.0.1:<port>` */
const char        *lj_testing_server_get_url (LjTestingServer *server);
const char        *lj_testing_server_get_db_path (LjTestingServer *server);
const char        *lj_testing_server_get_admin_token (LjTestingServer *server);
/**
 * lj_testing_server_add_user:
 * @role: "admin", "secretary" or "viewer"
 * @org_id: the secretary's organisation, or 0
 * Returns: (transfer full) (nullable): an API token for the new user.
 */
char              *lj_testing_server_add_user (LjTestingServer *server, const char *username, const char *role,
                                               gint64 org_id, GError **error);

/**
 * lj_testing_request:
 * @token: (nullable): the bearer token; NULL means the admin's.  Pass ""
 *   for no Authorization header at all.
 * @body: (nullable): a JSON text, sent as application/json
 * Returns: (transfer full): the response; status 0 when the connection failed.
 */
LjTestingResponse *lj_testing_request (LjTestingServer *server, const char *token, const char *method,
                                       const char *path, const char *body);
void               lj_testing_response_free (LjTestingResponse *response);
/* Conveniences over a JSON object body; 0 / NULL when absent. */
gint64             lj_testing_response_get_int (LjTestingResponse *response, const char *member);
const char        *lj_testing_response_get_string (LjTestingResponse *response, const char *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjTestingServer, lj_testing_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjTestingResponse, lj_testing_response_free)

G_END_DECLS
