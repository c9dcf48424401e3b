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
};

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
};

LjApp     *lj_app_new (LjConfig *config, LjStore *store);
void       lj_app_free (LjApp *app);
gboolean   lj_app_setup_core (LjApp *app, GError **error);
void       lj_app_dispatch (LjApp *app, LjRequest *req);
LjRoute   *lj_app_match_route (LjApp *app, LjRequest *req, GString *allow);
LjCheckFunc lj_app_get_check (LjApp *app, const char *name);

gboolean   lj_app_migrate_core (LjStore *store, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjApp, lj_app_free)

G_END_DECLS
