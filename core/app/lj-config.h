/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include "store/lj-store.h"
#include "auth/lj-auth-defaults.h"

G_BEGIN_DECLS

#define LJ_CONFIG_ERROR (lj_config_error_quark ())
GQuark lj_config_error_quark (void);

typedef enum {
  LJ_CONFIG_ERROR_READ,
  LJ_CONFIG_ERROR_INVALID,
} LjConfigError;

#define LJ_CONFIG_DEFAULT_HOST "127.0.0.1"
#define LJ_CONFIG_DEFAULT_PORT 8080
#define LJ_CONFIG_DEFAULT_BODY_LIMIT (1024 * 1024)
#define LJ_CONFIG_DEFAULT_IDLE_TIMEOUT 10
#define LJ_CONFIG_DEFAULT_MAX_CONNECTIONS 512
#define LJ_CONFIG_DEFAULT_DB "lianjian.db"
#define LJ_CONFIG_DEFAULT_BUSY_TIMEOUT 5000

typedef struct {
  char        *listen_host;
  guint        listen_port;
  gsize        body_limit;
  guint        idle_timeout;     /* seconds */
  guint        max_connections;
  gboolean     log_requests;
  char        *db_path;
  LjStoreSync  sync;
  guint        busy_timeout;     /* milliseconds */
  /* Plugins (core/plugin): `[plugins] dir`, a list; and every
   * `[plugin:<name>]` section as written, checked by the plugin host once
   * the plugin declared its keys. */
  char       **plugin_dirs;
  GKeyFile    *plugin_sections;
  /* [auth], seconds and attempts (core/auth) */
  guint        auth_idle_timeout;
  guint        auth_absolute_timeout;
  guint        auth_lockout_failures;
  guint        auth_lockout_seconds;
  guint        auth_password_iterations;
  guint        auth_password_memory_mib;
  guint        auth_password_threads;
} LjConfig;

LjConfig *lj_config_new (void);
void      lj_config_free (LjConfig *config);
gboolean  lj_config_load_file (LjConfig *config, const char *path, GError **error);
gboolean  lj_config_set_listen (LjConfig *config, const char *host_port, GError **error);
gboolean  lj_config_check (LjConfig *config, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjConfig, lj_config_free)

G_END_DECLS
