/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app registry without a socket: routes owned by plugins, collisions,
 * withdrawal of everything one owner registered, hook order and vetoes,
 * events, and the audit diff. */
#include "app/lj-app-private.h"
#include "app/lj-audit.h"
#include "domain/lj-core.h"
#include "resource/lj-resource-private.h"

#include <glib/gstdio.h>

typedef struct {
  char     *dir;
  LjConfig *config;
  LjStore  *store;
  LjApp    *app;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("lj-registry-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "test.db", NULL);
  f->config = lj_config_new ();
  f->store = lj_store_open (path, LJ_STORE_SYNC_NORMAL, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (lj_core_migrate (f->store, &error));
  f->app = lj_app_new (f->config, f->store);
  g_assert_true (lj_core_register (f->app, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "test.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  lj_app_free (f->app);
  lj_store_free (f->store);
  lj_config_free (f->config);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static gboolean
ok_route (LjRequest *req, gpointer data, GError **error)
{
  lj_request_set_status (req, 204);
  return TRUE;
}

static LjRoute *
find_route (LjApp *app, const char *method, const char *path)
{
  g_autoptr (LjRequest) req = lj_request_new (method, path, NULL);
  g_autoptr (GString) allow = g_string_new (NULL);

  return lj_app_match_route (app, req, allow);
}

static void
test_route_collisions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  LjRoute *r;

  /* The same shape under another parameter name is still the same route. */
  r = lj_app_add_route_owned (f->app, "demo", "GET", "/api/v1/members/{member}", ok_route, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "the core"));
  g_clear_error (&error);
  r = lj_app_add_route_owned (f->app, "demo", "GET", "no-slash", ok_route, NULL, &error);
  g_assert_null (r);
  g_clear_error (&error);
  r = lj_app_add_route_owned (f->app, "demo", "POST", "/api/v1/demo/things/{id}/ping", ok_route, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpstr (r->owner, ==, "demo");
  /* Another plugin may not take it; another method may. */
  g_assert_null (lj_app_add_route_owned (f->app, "other", "POST", "/api/v1/demo/things/{x}/ping", ok_route,
                                         NULL, &error));
  g_assert_nonnull (strstr (error->message, "demo"));
  g_clear_error (&error);
  g_assert_nonnull (lj_app_add_route_owned (f->app, "other", "GET", "/api/v1/demo/things/{x}/ping", ok_route,
                                            NULL, &error));
  g_assert_true (find_route (f->app, "POST", "/api/v1/demo/things/7/ping") == r);
}

static gboolean
veto_hook (LjRequest *req, LjEvent *event, gpointer data, GError **error)
{
  g_string_append_printf (data, "veto(%s);", lj_event_get_name (event));
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT, "vetoed");
  return FALSE;
}

static gboolean
note_hook (LjRequest *req, LjEvent *event, gpointer data, GError **error)
{
  g_string_append_printf (data, "note%" G_GINT64_FORMAT ";", lj_event_get_id (event));
  return TRUE;
}

static gboolean
second_hook (LjRequest *req, LjEvent *event, gpointer data, GError **error)
{
  g_string_append (data, "second;");
  return TRUE;
}

static void
test_hook_order_and_veto (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) trace = g_string_new (NULL);
  g_autoptr (LjRequest) req = lj_request_new ("POST", "/", NULL);
  g_autoptr (LjEvent) event = lj_event_new ("member.created", "members", 42, NULL, NULL, NULL);
  g_autoptr (LjEvent) other = lj_event_new ("member.deleted", "members", 42, NULL, NULL, NULL);
  g_autoptr (GError) error = NULL;

  /* Registered out of order: priority first, then owner name. */
  lj_app_add_hook (f->app, "zeta", "member.created", LJ_HOOK_VALIDATE, 10, veto_hook, trace);
  lj_app_add_hook (f->app, "beta", "member.created", LJ_HOOK_VALIDATE, 0, second_hook, trace);
  lj_app_add_hook (f->app, "alpha", "member.created", LJ_HOOK_VALIDATE, 0, note_hook, trace);
  lj_app_add_hook (f->app, "alpha", "member.created", LJ_HOOK_AFTER_COMMIT, 0, note_hook, trace);
  g_assert_false (lj_app_run_hooks (f->app, req, LJ_HOOK_VALIDATE, event, &error));
  g_assert_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT);
  g_assert_cmpstr (trace->str, ==, "note42;second;veto(member.created);");
  g_clear_error (&error);
  g_string_truncate (trace, 0);
  g_assert_true (lj_app_run_hooks (f->app, req, LJ_HOOK_VALIDATE, other, &error));
  g_assert_cmpstr (trace->str, ==, "");
  g_assert_true (lj_app_run_hooks (f->app, req, LJ_HOOK_AFTER_COMMIT, event, &error));
  g_assert_cmpstr (trace->str, ==, "note42;");
  /* Withdrawing the vetoing plugin lets the write through. */
  lj_app_withdraw (f->app, "zeta");
  g_string_truncate (trace, 0);
  g_assert_true (lj_app_run_hooks (f->app, req, LJ_HOOK_VALIDATE, event, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (trace->str, ==, "note42;second;");
}

static JsonNode *
stats_func (LjRequest *req, const LjStatsQuery *query, gpointer data, GError **error)
{
  return json_node_init_int (json_node_alloc (), 1);
}

static const char plugin_resource[] =
  "{\"title\":\"Thing\",\"x-lj-name\":\"things\",\"x-lj-table\":\"demo_things\",\"x-lj-owner\":\"t.org_id\","
  "\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"name\"],\"properties\":{"
  "\"name\":{\"type\":\"string\",\"maxLength\":50},"
  "\"org_id\":{\"type\":\"integer\",\"x-lj-ref\":\"organizations\"},"
  "\"parent_id\":{\"type\":\"integer\",\"x-lj-ref\":\"things\"}}}";

static void
test_withdraw (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LjResource) r = lj_resource_new_from_data (plugin_resource, -1, &error);
  guint routes_before = f->app->routes->len;
  guint resources_before = f->app->resource_list->len;
  LjField *parent;

  g_assert_no_error (error);
  g_assert_true (lj_store_exec (f->store, "CREATE TABLE demo_things (id INTEGER PRIMARY KEY, version INTEGER NOT NULL,"
                                " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, name TEXT NOT NULL,"
                                " org_id INTEGER, parent_id INTEGER)", &error));
  g_assert_true (lj_app_add_resource_owned (f->app, "demo", r, &error));
  g_assert_no_error (error);
  /* Qualified name, own reference resolved first, core reference too. */
  g_assert_cmpstr (lj_resource_get_name (r), ==, "demo/things");
  g_assert_cmpstr (lj_resource_get_event_prefix (r), ==, "demo.things");
  parent = lj_resource_get_field (r, "parent_id");
  g_assert_true (parent->ref_resource == r);
  g_assert_true (lj_resource_get_field (r, "org_id")->ref_resource == lj_app_get_resource (f->app, "organizations"));
  g_assert_true (lj_app_probe_resources (f->app, "demo", &error));
  g_assert_nonnull (find_route (f->app, "GET", "/api/v1/demo/things/3"));
  g_assert_cmpuint (f->app->routes->len, ==, routes_before + 5);
  lj_app_add_stats_section (f->app, "demo", "demo", stats_func, NULL);
  lj_app_add_timeline_source (f->app, "demo", "SELECT 1");
  lj_app_add_hook (f->app, "demo", "member.created", LJ_HOOK_VALIDATE, 0, note_hook, NULL);
  lj_app_add_hook (f->app, "keep", "member.created", LJ_HOOK_VALIDATE, 0, note_hook, NULL);

  lj_app_withdraw (f->app, "demo");
  g_assert_cmpuint (f->app->routes->len, ==, routes_before);
  g_assert_cmpuint (f->app->resource_list->len, ==, resources_before);
  g_assert_null (lj_app_get_resource (f->app, "demo/things"));
  g_assert_null (find_route (f->app, "GET", "/api/v1/demo/things/3"));
  g_assert_cmpuint (f->app->stats_sections->len, ==, 0);
  g_assert_cmpuint (f->app->timeline_sources->len, ==, 0);
  g_assert_cmpuint (f->app->hooks->len, ==, 1);
  g_assert_cmpstr (((LjHook *) f->app->hooks->pdata[0])->owner, ==, "keep");
}

static void
test_plugin_table_prefix (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LjResource) r = lj_resource_new_from_data (plugin_resource, -1, &error);

  /* demo_things does not start with other_plugin_. */
  g_assert_false (lj_app_add_resource_owned (f->app, "other-plugin", r, &error));
  g_assert_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "other_plugin_"));
  g_assert_null (lj_app_get_resource (f->app, "other-plugin/things"));
}

static void
test_audit_diff (void)
{
  g_autoptr (JsonObject) before = json_object_new ();
  g_autoptr (JsonObject) after = json_object_new ();
  g_autoptr (JsonObject) b = NULL;
  g_autoptr (JsonObject) a = NULL;

  json_object_set_string_member (before, "name", "甲");
  json_object_set_string_member (before, "phone", "123");
  json_object_set_int_member (before, "version", 1);
  json_object_set_string_member (after, "name", "甲");
  json_object_set_string_member (after, "phone", "456");
  json_object_set_int_member (after, "version", 2);
  json_object_set_string_member (after, "position", "主任");
  lj_audit_diff (before, after, &b, &a);
  /* phone and position changed; name did not, version always does. */
  g_assert_cmpuint (json_object_get_size (a), ==, 2);
  g_assert_false (json_object_has_member (a, "version"));
  g_assert_false (json_object_has_member (a, "name"));
  g_assert_cmpstr (json_object_get_string_member (a, "phone"), ==, "456");
  g_assert_cmpstr (json_object_get_string_member (b, "phone"), ==, "123");
  g_assert_true (json_object_get_null_member (b, "position"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/registry/route-collisions", Fixture, NULL, fixture_set_up, test_route_collisions, fixture_tear_down);
  g_test_add ("/registry/hook-order-and-veto", Fixture, NULL, fixture_set_up, test_hook_order_and_veto,
              fixture_tear_down);
  g_test_add ("/registry/withdraw", Fixture, NULL, fixture_set_up, test_withdraw, fixture_tear_down);
  g_test_add ("/registry/plugin-table-prefix", Fixture, NULL, fixture_set_up, test_plugin_table_prefix,
              fixture_tear_down);
  g_test_add_func ("/registry/audit-diff", test_audit_diff);
  return g_test_run ();
}
