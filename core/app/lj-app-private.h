/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the server, the engine and the OpenAPI builder see of LjApp. */
#pragma once

#include "lianjian/lianjian.h"
#include "app/lj-config.h"
#include "store/lj-store.h"
#include "http/lj-request-private.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  char *json_type;
  char *description;
} LjRouteParam;

typedef struct {
  guint status;
  char *description;
  char *schema;     /* JSON text or NULL */
} LjRouteResponse;

struct _LjRoute {
  char         *method;
  char         *pattern;
  char        **segments;
  LjRouteFunc   func;
  gpointer      user_data;
  LjRouteFlags  flags;
  char         *tag;
  char         *summary;
  GPtrArray    *params;      /* LjRouteParam* */
  char         *request_schema;
  GPtrArray    *responses;   /* LjRouteResponse* */
  LjResource   *resource;    /* for the five generated routes */
  char          operation;   /* 'l'ist, 'g'et, 'c'reate, 'p'atch, 'd'elete */
  char         *owner;       /* the plugin that registered it; NULL for the core */
  LjRoles       roles;       /* who may call it; 0 means the default for its method */
};

/* A registered hook (lj_plugin_add_hook) */
typedef struct {
  char       *owner;
  char       *event;
  LjHookKind  kind;
  int         priority;
  LjHookFunc  func;
  gpointer    user_data;
} LjHook;

typedef struct {
  char        *owner;
  char        *name;
  LjStatsFunc  func;
  gpointer     user_data;
} LjStatsSection;

typedef struct {
  char *owner;
  char *sql;
} LjTimelineSource;

typedef struct {
  guint connections;
  guint open_fds;
  guint64 accepted;
  guint64 idle_closed;
} LjServerStats;

typedef void (*LjServerStatsFunc) (gpointer data, LjServerStats *stats);

struct _LjApp {
  LjConfig   *config;
  LjStore    *store;
  GPtrArray  *routes;          /* LjRoute*, in registration order */
  GHashTable *resources;       /* name -> LjResource* */
  GPtrArray  *resource_list;   /* registration order */
  GHashTable *checks;          /* name -> LjCheckFunc */
  LjServerStatsFunc stats_func;
  gpointer    stats_data;
  GPtrArray  *hooks;           /* LjHook*, sorted by priority then owner */
  GPtrArray  *stats_sections;  /* LjStatsSection* */
  GPtrArray  *timeline_sources;/* LjTimelineSource* */
  GPtrArray  *plugins;         /* LjPlugin*, in load order (core/plugin) */
  LjRequest  *current_req;     /* borrowed; see lj_app_set_current_request */
  gboolean    group_commit;    /* writes share transactions (lj-commit-group.c) */
  GPtrArray  *group;           /* LjRequest*, paused until the open group commits */
  GSource    *group_source;    /* commits the group when the main context is idle */
  guint64     n_commits;       /* write transactions committed */
};

LjApp     *lj_app_new (LjConfig *config, LjStore *store);
void       lj_app_free (LjApp *app);
gboolean   lj_app_setup_core (LjApp *app, GError **error);
void       lj_app_dispatch (LjApp *app, LjRequest *req);
void       lj_app_run_after_commit (LjApp *app, LjRequest *req);
gboolean   lj_app_audit_route (LjRoute *route, LjRequest *req, GError **error);

/* Group commit (lj-commit-group.c): on for the HTTP server, off for
 * callers that dispatch by hand and read the answer at once. */
void       lj_app_set_group_commit (LjApp *app, gboolean enabled);
void       lj_commit_group_flush (LjApp *app);
gboolean   lj_commit_group_run (LjApp *app, LjRoute *route, LjRequest *req, gboolean *deferred, GError **error);
/* Tests: write transactions committed so far. */
guint64    lj_app_get_n_commits (LjApp *app);
LjRoute   *lj_app_match_route (LjApp *app, LjRequest *req, GString *allow);
LjCheckFunc lj_app_get_check (LjApp *app, const char *name);

gboolean   lj_app_migrate_core (LjStore *store, GError **error);
void       lj_scope_register_sql_functions (LjApp *app);

/* Registration on behalf of an owner (a plugin name, or NULL for the core);
 * lj_app_withdraw () removes everything one owner registered. */
LjRoute   *lj_app_add_route_owned (LjApp *app, const char *owner, const char *method, const char *pattern,
                                   LjRouteFunc func, gpointer user_data, GError **error);
gboolean   lj_app_add_resource_owned (LjApp *app, const char *owner, LjResource *resource, GError **error);
void       lj_app_add_hook (LjApp *app, const char *owner, const char *event, LjHookKind kind, int priority,
                            LjHookFunc func, gpointer user_data);
void       lj_app_add_stats_section (LjApp *app, const char *owner, const char *name, LjStatsFunc func,
                                     gpointer user_data);
void       lj_app_add_timeline_source (LjApp *app, const char *owner, const char *sql);
void       lj_app_withdraw (LjApp *app, const char *owner);
/* Checks @owner's resources against the database, after its migrations. */
gboolean   lj_app_probe_resources (LjApp *app, const char *owner, GError **error);
LjRoles    lj_route_get_roles (LjRoute *route);
/* The request being served on the main context, for the SQL functions. */
void       lj_app_set_current_request (LjApp *app, LjRequest *req);

/* Events: run every hook of @kind registered for @event's name.  Validate
 * hooks stop at the first refusal; after-commit hooks log failures. */
LjEvent   *lj_event_new (const char *name, const char *resource, gint64 id, JsonObject *before,
                         JsonObject *after, JsonObject *input);
void       lj_event_free (LjEvent *event);
gboolean   lj_app_run_hooks (LjApp *app, LjRequest *req, LjHookKind kind, LjEvent *event, GError **error);
/* Queues @event for its after-commit hooks, run once the request commits. */
void       lj_request_queue_after_commit (LjRequest *req, LjEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjEvent, lj_event_free)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjApp, lj_app_free)

G_END_DECLS
