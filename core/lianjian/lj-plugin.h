/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin ABI and API.  A plugin is a shared module exporting exactly one
 * symbol, lj_plugin_query (), made by LJ_PLUGIN_DEFINE.  The host checks the
 * descriptor, then calls its register function with an LjPlugin handle;
 * everything a plugin adds goes through that handle, so the host knows what
 * belongs to whom and can take it all back when a later phase fails.
 *
 * ABI changelog (bump the minor for additions at the end of a struct or new
 * functions; the major for anything else, which breaks every plugin):
 *   1.0  Lianjian 1.0: descriptor with 8 reserved slots; resources, routes,
 *        migrations, hooks, state machines (lj_resource_fire), stats
 *        sections, config keys, timeline sources, start/stop and demo
 *        functions, system tasks.
 */
#pragma once

#if !defined(__LIANJIAN_H_INSIDE__) && !defined(LIANJIAN_COMPILATION)
#error "Only <lianjian/lianjian.h> can be included directly."
#endif

#include <gmodule.h>
#include <lianjian/lj-version.h>
#include <lianjian/lj-request.h>
#include <lianjian/lj-resource.h>
#include <lianjian/lj-app.h>

G_BEGIN_DECLS

#define LJ_PLUGIN_MAGIC     0x4C4A5031u   /* "LJP1" */
#define LJ_PLUGIN_ABI_MAJOR 1
#define LJ_PLUGIN_ABI_MINOR 0

typedef struct _LjPlugin LjPlugin;

/**
 * LjPluginRegisterFunc:
 * Declares what the plugin adds (resources, routes, migrations, hooks…).
 * Runs once, before migrations, with no database access.  On failure return
 * FALSE with @error set: the host withdraws everything the plugin added.
 */
typedef gboolean (*LjPluginRegisterFunc) (LjPlugin *plugin, GError **error);

/**
 * LjPluginDescriptor:
 * Static data; never build one by hand, use LJ_PLUGIN_DEFINE.
 */
typedef struct {
  guint32               magic;
  guint16               abi_major;
  guint16               abi_minor;
  guint32               size;          /* sizeof (LjPluginDescriptor) at build time */
  const char           *name;          /* [a-z][a-z0-9-]*, at most 32 bytes */
  const char           *version;
  const char           *description;
  const char           *license;
  const char           *url;
  const char *const    *requires;      /* NULL-terminated plugin names, or NULL */
  LjPluginRegisterFunc  register_func;
  /*< private >*/
  gpointer              reserved[8];
} LjPluginDescriptor;

typedef const LjPluginDescriptor *(*LjPluginQueryFunc) (void);

/**
 * LJ_PLUGIN_DEFINE:
 * @requires: a `static const char *const x[] = { "other", NULL };` or NULL
 *
 * Defines lj_plugin_query (), the only symbol a plugin exports.
 */
#define LJ_PLUGIN_DEFINE(name_, version_, description_, license_, url_, requires_, register_) \
  G_MODULE_EXPORT const LjPluginDescriptor *lj_plugin_query (void);                            \
  G_MODULE_EXPORT const LjPluginDescriptor *                                                   \
  lj_plugin_query (void)                                                                       \
  {                                                                                            \
    static const LjPluginDescriptor lj_plugin_descriptor = {                                   \
      LJ_PLUGIN_MAGIC, LJ_PLUGIN_ABI_MAJOR, LJ_PLUGIN_ABI_MINOR, sizeof (LjPluginDescriptor),  \
      name_, version_, description_, license_, url_, requires_, register_, { NULL }            \
    };                                                                                         \
    return &lj_plugin_descriptor;                                                              \
  }

#define LJ_PLUGIN_ERROR (lj_plugin_error_quark ())
LJ_AVAILABLE_IN_1_0
GQuark lj_plugin_error_quark (void);

typedef enum {
  LJ_PLUGIN_ERROR_LOAD,        /* cannot open the module or find its symbol */
  LJ_PLUGIN_ERROR_ABI,         /* bad magic, size or ABI version */
  LJ_PLUGIN_ERROR_INVALID,     /* a bad name, declaration or duplicate */
  LJ_PLUGIN_ERROR_REQUIRES,    /* a required plugin is missing, failed or cyclic */
  LJ_PLUGIN_ERROR_CONFIG,      /* a bad or unknown key in [plugin:<name>] */
  LJ_PLUGIN_ERROR_FAILED,      /* the plugin's own functions reported failure */
} LjPluginError;

LJ_AVAILABLE_IN_1_0
const char *lj_plugin_get_name (LjPlugin *plugin);
/* `<name>` with `-` turned into `_`, then `_`: every table the plugin
 * creates must start with it. */
LJ_AVAILABLE_IN_1_0
const char *lj_plugin_get_table_prefix (LjPlugin *plugin);

/* ---- resources and routes ---- */

/**
 * lj_plugin_add_resource:
 * @declaration: a resource declaration (JSON Schema with x-lj-* hints, see
 *   docs/resources.md); its `x-lj-name` is short (`problems`) and its table
 *   must carry the plugin's prefix.
 *
 * Mounts the resource at `/api/v1/<plugin>/<x-lj-name>` with the five
 * generated routes; its full name, for `x-lj-ref` and events, is
 * `<plugin>/<x-lj-name>`.  A reference without a slash is looked up first
 * among the plugin's own resources, then among the core's.
 * Returns: (transfer none) (nullable): the resource, or NULL with @error set.
 */
LJ_AVAILABLE_IN_1_0
LjResource *lj_plugin_add_resource (LjPlugin   *plugin,
                                    const char *declaration,
                                    gssize      len,
                                    GError    **error);

/**
 * lj_plugin_add_route:
 * @pattern: relative to `/api/v1/<plugin>`, such as `/problems/{id}/claims`
 *
 * Returns: (transfer none) (nullable): the route, or NULL with @error set
 * when the same method and pattern is already taken.
 */
LJ_AVAILABLE_IN_1_0
LjRoute    *lj_plugin_add_route (LjPlugin   *plugin,
                                 const char *method,
                                 const char *pattern,
                                 LjRouteFunc func,
                                 gpointer    user_data,
                                 GError    **error);

/* ---- declarations kept in a GResource bundle ---- */

/**
 * lj_plugin_set_bundle:
 * @bundle: (transfer none): the plugin's compiled-in GResource (from
 *   glib-compile-resources; static, lives as long as the module)
 * @prefix: the directory in it holding the declarations, ending in `/`
 *
 * Register only.  Lets the plugin name its declarations by file:
 * lj_plugin_add_resource_file (), lj_plugin_add_state_machine_file (),
 * lj_plugin_add_migration_files ().
 */
LJ_AVAILABLE_IN_1_0
void        lj_plugin_set_bundle (LjPlugin *plugin, GResource *bundle, const char *prefix);
/* lj_plugin_add_resource () with the declaration in file @name of the bundle. */
LJ_AVAILABLE_IN_1_0
LjResource *lj_plugin_add_resource_file (LjPlugin *plugin, const char *name, GError **error);
/* lj_plugin_add_state_machine () with the declaration in file @name of the bundle. */
LJ_AVAILABLE_IN_1_0
gboolean    lj_plugin_add_state_machine_file (LjPlugin   *plugin,
                                              const char *resource,
                                              const char *name,
                                              GError    **error);
/* Adds every `NNNN-what.sql` file of the bundle's directory as migration
 * step NNNN, in order (the core's own convention). */
LJ_AVAILABLE_IN_1_0
gboolean    lj_plugin_add_migration_files (LjPlugin *plugin, GError **error);

/* ---- migrations ---- */

/**
 * lj_plugin_add_migration:
 * @version: the step number, from 1 and increasing
 * @sql: (transfer none): static SQL; DDL may only touch tables starting
 *   with the plugin's prefix.
 *
 * Steps run in order in one transaction per start-up, exactly like the
 * core's; an applied step must never be edited.
 */
LJ_AVAILABLE_IN_1_0
gboolean    lj_plugin_add_migration (LjPlugin   *plugin,
                                     guint       version,
                                     const char *name,
                                     const char *sql,
                                     GError    **error);

/* ---- events and hooks ---- */

typedef struct _LjEvent LjEvent;

/* The event's name: `<entity>.created|updated|deleted` or `<entity>.<transition>`,
 * where entity is a resource's singular name (`enterprise`, `activity`,
 * `problem-board.problem`). */
LJ_AVAILABLE_IN_1_0
const char *lj_event_get_name (LjEvent *event);
/* The resource's full name (`enterprises`, `problem-board/problems`). */
LJ_AVAILABLE_IN_1_0
const char *lj_event_get_resource (LjEvent *event);
LJ_AVAILABLE_IN_1_0
gint64      lj_event_get_id (LjEvent *event);
/* Returns: (transfer none) (nullable): the record before the write (NULL on create). */
LJ_AVAILABLE_IN_1_0
JsonObject *lj_event_get_before (LjEvent *event);
/* Returns: (transfer none) (nullable): the record after the write (NULL on delete). */
LJ_AVAILABLE_IN_1_0
JsonObject *lj_event_get_after (LjEvent *event);
/* Returns: (transfer none) (nullable): the request body of a transition (its extra fields). */
LJ_AVAILABLE_IN_1_0
JsonObject *lj_event_get_input (LjEvent *event);

typedef enum {
  LJ_HOOK_VALIDATE,      /* inside the transaction; may veto with an error */
  LJ_HOOK_AFTER_COMMIT,  /* after the commit; errors are logged, not returned */
} LjHookKind;

/**
 * LjHookFunc:
 * A validate hook returns FALSE with @error set (an LJ_HTTP_ERROR code, or
 * field errors on @req with LJ_HTTP_ERROR_INVALID) to refuse the write; it
 * may also write, in the same transaction.  After-commit hooks run outside
 * any transaction (use lj_request_run_transaction () to write) and cannot
 * change the response.
 */
typedef gboolean (*LjHookFunc) (LjRequest *req, LjEvent *event, gpointer user_data, GError **error);

/* Hooks run ordered by @priority (lower first), then plugin name. */
LJ_AVAILABLE_IN_1_0
void        lj_plugin_add_hook (LjPlugin   *plugin,
                                const char *event,
                                LjHookKind  kind,
                                int         priority,
                                LjHookFunc  func,
                                gpointer    user_data);

/* ---- state machines ---- */

/**
 * lj_plugin_add_state_machine:
 * @resource: the resource's short name (one of this plugin's)
 * @declaration: JSON, see docs/plugins.md "State machines": the state
 *   field, the initial state, and the events with `from`, `to`, `allow`
 *   (roles and named SQL predicates) and `requires` (input fields).
 *
 * Adds `GET …/{id}/transitions` and `POST …/{id}/transitions`.
 */
LJ_AVAILABLE_IN_1_0
gboolean    lj_plugin_add_state_machine (LjPlugin   *plugin,
                                         const char *resource,
                                         const char *declaration,
                                         gssize      len,
                                         GError    **error);

typedef enum {
  LJ_FIRE_AS_CALLER = 0,        /* the caller must be allowed to fire the event */
  LJ_FIRE_AS_SYSTEM = 1 << 0,   /* a side effect of something the caller may do */
} LjFireFlags;

/**
 * lj_resource_fire:
 * @input: (nullable): the event's fields (`reason`, `sets` fields…)
 *
 * Fires @event on record @id from code, inside the request's transaction,
 * exactly as POST …/transitions would (state check, required fields,
 * validate hooks, history, audit, after-commit hooks) but without
 * answering the request: for side effects such as accepting a claim moving
 * its problem to `in_progress`.  409 when the state does not allow it.
 */
LJ_AVAILABLE_IN_1_0
gboolean    lj_resource_fire (LjResource  *resource,
                              LjRequest   *req,
                              gint64       id,
                              const char  *event,
                              JsonObject  *input,
                              LjFireFlags  flags,
                              GError     **error);

/* ---- statistics ---- */

typedef struct {
  const char *from;      /* UTC timestamp `YYYY-MM-DDTHH:MM:SSZ`, or NULL */
  const char *to;        /* exclusive, or NULL */
  gint64      chain_id;  /* 0: every chain */
} LjStatsQuery;

/* Returns: (transfer full) (nullable): the section's JSON, or NULL with @error set. */
typedef JsonNode *(*LjStatsFunc) (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error);

/* Adds a section called @name to GET /api/v1/stats/overview. */
LJ_AVAILABLE_IN_1_0
void        lj_plugin_add_stats_section (LjPlugin   *plugin,
                                         const char *name,
                                         LjStatsFunc func,
                                         gpointer    user_data);

/**
 * lj_stats_query_prepare:
 * @sql: a statement naming any of the query's values as `:chain` (the
 *   chain id, 0 for the whole park), `:from` and `:to` (NULL when that end
 *   of the period is open)
 * Prepares @sql for @req, as lj_request_prepare (), and binds the values it
 * names.  Write a park and a chain statement and pass the one @query needs:
 * a single statement with `:chain = 0 OR …` keeps SQLite off the indexes.
 * Returns: (transfer full) (nullable): the statement, or NULL with @error.
 */
LJ_AVAILABLE_IN_1_0
LjStmt     *lj_stats_query_prepare (LjRequest          *req,
                                    const LjStatsQuery *query,
                                    const char         *sql,
                                    GError            **error);

/* A figure's two statements: for the whole park, and for one chain. */
typedef struct {
  const char *park;
  const char *chain;
} LjStatsSql;

/**
 * lj_stats_query_prepare_scoped:
 * As lj_stats_query_prepare (), with @sql's chain statement when @query
 * names a chain and its park statement otherwise.
 * Returns: (transfer full) (nullable): the statement, or NULL with @error.
 */
LJ_AVAILABLE_IN_1_0
LjStmt     *lj_stats_query_prepare_scoped (LjRequest          *req,
                                           const LjStatsQuery *query,
                                           const LjStatsSql   *sql,
                                           GError            **error);

/* ---- configuration ---- */

typedef enum {
  LJ_CONFIG_TYPE_STRING,
  LJ_CONFIG_TYPE_INT,
  LJ_CONFIG_TYPE_BOOLEAN,
} LjConfigType;

/* Declares key @key of `[plugin:<name>]`; keys not declared are an error at start. */
LJ_AVAILABLE_IN_1_0
void        lj_plugin_add_config_key (LjPlugin    *plugin,
                                      const char  *key,
                                      LjConfigType type,
                                      const char  *default_value,
                                      const char  *help);
LJ_AVAILABLE_IN_1_0
const char *lj_plugin_get_config_string (LjPlugin *plugin, const char *key);
LJ_AVAILABLE_IN_1_0
gint64      lj_plugin_get_config_int (LjPlugin *plugin, const char *key);
LJ_AVAILABLE_IN_1_0
gboolean    lj_plugin_get_config_boolean (LjPlugin *plugin, const char *key);

/* ---- the enterprise timeline ---- */

/**
 * lj_plugin_add_timeline_source:
 * @sql: a SELECT with `?1` bound to the enterprise id, returning the columns
 *   `at` (timestamp text), `kind`, `title`, `resource`, `record_id` and
 *   `detail` (JSON text or NULL).  It may use lj_in_scope () and friends to
 *   hide what the caller may not see.
 */
LJ_AVAILABLE_IN_1_0
void        lj_plugin_add_timeline_source (LjPlugin *plugin, const char *sql);

/**
 * lj_timeline_add_entry:
 * Adds one entry to an enterprise's timeline inside the request's
 * transaction, for events that have no row of their own to select.
 */
LJ_AVAILABLE_IN_1_0
gboolean    lj_timeline_add_entry (LjRequest  *req,
                                   gint64      enterprise_id,
                                   const char *kind,
                                   const char *title,
                                   const char *resource,
                                   gint64      record_id,
                                   JsonObject *detail,
                                   GError    **error);

/* ---- start, stop and background work ---- */

typedef gboolean (*LjPluginStartFunc) (LjPlugin *plugin, gpointer user_data, GError **error);
typedef void     (*LjPluginStopFunc)  (LjPlugin *plugin, gpointer user_data);

/* @start runs after every plugin migrated, before the server listens;
 * @stop at shutdown, in reverse order. */
LJ_AVAILABLE_IN_1_0
void        lj_plugin_set_start_func (LjPlugin         *plugin,
                                      LjPluginStartFunc start,
                                      LjPluginStopFunc  stop,
                                      gpointer          user_data);

/**
 * LjPluginDemoFunc:
 * Adds the plugin's part of the demo park, after the core's demo data and
 * the plugin's migrations, in one write transaction as the system.  Must
 * be deterministic (fixed seeds, fixed dates) so every demo is the same.
 */
typedef gboolean (*LjPluginDemoFunc) (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error);

/* Called by `lianjian demo` and `lianjian serve --demo` on a new database. */
LJ_AVAILABLE_IN_1_0
void        lj_plugin_set_demo_func (LjPlugin        *plugin,
                                     LjPluginDemoFunc func,
                                     gpointer         user_data);

/**
 * lj_plugin_run_task:
 * Runs @func in a write transaction as the system (role admin, user 0,
 * audited as `system:<plugin>`), for timers and other work that no client
 * asked for.  Call from the main context only.
 */
LJ_AVAILABLE_IN_1_0
gboolean    lj_plugin_run_task (LjPlugin         *plugin,
                                LjTransactionFunc func,
                                gpointer          user_data,
                                GError          **error);

G_END_DECLS
