/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inside the plugin host (core/plugin only): the LjPlugin handle, the
 * loader's phases, and the quarantine file.  The rest of the core sees
 * lj-plugin-private.h. */
#pragma once

#include "plugin/lj-plugin-private.h"

G_BEGIN_DECLS

/* Limits the loader enforces on a descriptor. */
#define LJ_PLUGIN_NAME_MAX 32
/* The size of LjPluginDescriptor in ABI 1.0: a plugin built against 1.0
 * is never smaller than this. */
#define LJ_PLUGIN_DESCRIPTOR_SIZE_1_0 (G_STRUCT_OFFSET (LjPluginDescriptor, reserved) + 8 * sizeof (gpointer))

typedef struct {
  char        *key;
  LjConfigType type;
  char        *default_value;
  char        *help;
} LjPluginConfigKey;

struct _LjPlugin {
  LjApp                    *app;
  char                     *path;           /* the module file */
  gint64                    file_mtime;     /* seconds, for the quarantine */
  gint64                    file_size;
  GModule                  *module;         /* resident, never closed */
  const LjPluginDescriptor *desc;           /* static data inside the module */
  char                     *name;           /* the descriptor's, or the file's basename before query */
  char                     *table_prefix;
  LjPluginState             state;
  char                     *error;          /* why it is failed, disabled or quarantined */
  gboolean                  required;       /* [plugin:<name>] required = true */
  gboolean                  registering;    /* inside register_func: declarations allowed */
  char                     *register_error; /* first error from a void lj_plugin_add_* call */
  GArray                   *migrations;     /* LjMigrationStep, strings owned */
  GPtrArray                *config_keys;    /* LjPluginConfigKey* */
  GHashTable               *config_values;  /* key -> value (owned), after the config phase */
  LjPluginStartFunc         start;
  LjPluginStopFunc          stop;
  gpointer                  start_data;
  GResource                *bundle;         /* borrowed: the module's static data */
  char                     *bundle_prefix;
  LjPluginDemoFunc          demo;
  gpointer                  demo_data;
  gboolean                  started;
  guint                     schema_version;
  GPtrArray                *requires;       /* LjPlugin*, borrowed, once resolved */
};

LjPlugin   *lj_plugin_new (LjApp *app, const char *path);
void        lj_plugin_free (LjPlugin *plugin);
/* Marks @plugin failed (or another final @state) with @reason; withdraws
 * everything it registered and logs the reason with g_warning. */
void        lj_plugin_fail (LjPlugin *plugin, LjPluginState state, const char *reason);
/* After register: the first error a void lj_plugin_add_* reported. */
gboolean    lj_plugin_check_registered (LjPlugin *plugin, GError **error);
/* Reads `[plugin:<name>]`: `required`, `enabled` and the declared keys. */
gboolean    lj_plugin_apply_config (LjPlugin *plugin, GKeyFile *sections, gboolean *enabled, GError **error);
/* After register: every other key in the section must be declared. */
gboolean    lj_plugin_read_config (LjPlugin *plugin, GKeyFile *sections, GError **error);
gboolean    lj_plugin_name_is_valid (const char *name, GError **error);
LjPlugin   *lj_plugins_find (LjApp *app, const char *name);

/* ---- the quarantine (lj-plugin-quarantine.c) ---- */

typedef enum {
  LJ_PLUGIN_PHASE_LOAD,      /* opening the module (its constructors) and lj_plugin_query () */
  LJ_PLUGIN_PHASE_REGISTER,
  LJ_PLUGIN_PHASE_START,
} LjPluginPhase;

typedef struct _LjQuarantine LjQuarantine;

/* Opens the state next to @db_path (`<db>.plugins-loading`, the marker;
 * `<db>.plugins-quarantine`, a key file).  A marker left by a process that
 * died inside a plugin turns into a quarantine entry here, unless
 * @read_only.  @db_path NULL or ":memory:": no quarantine at all. */
LjQuarantine *lj_quarantine_open (const char *db_path, gboolean read_only);
void          lj_quarantine_free (LjQuarantine *q);
/* Why the file at @path is quarantined (transfer full), or NULL when it is
 * not or when it changed since (then its entry is dropped). */
char         *lj_quarantine_check (LjQuarantine *q, const char *path, gint64 mtime, gint64 size);
/* Writes the marker before calling into @plugin's code, removes it after. */
void          lj_quarantine_enter (LjQuarantine *q, LjPlugin *plugin, LjPluginPhase phase);
void          lj_quarantine_leave (LjQuarantine *q);
/* Clears every entry whose plugin name, file path or basename is @name;
 * FALSE when none matched. */
gboolean      lj_quarantine_reset (LjQuarantine *q, const char *name, GError **error);
/* (element-type utf8) the quarantined file paths. */
GStrv         lj_quarantine_list (LjQuarantine *q);
char         *lj_quarantine_get (LjQuarantine *q, const char *path, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjQuarantine, lj_quarantine_free)

/* ---- the host (lj-plugin-host.c), also for `lianjian plugins` ---- */

/* Every `*.so` in the configured directories and LIANJIAN_PLUGIN_PATH, in
 * order, each once (by real path). */
GPtrArray  *lj_plugins_discover (LjConfig *config);
/* Runs every phase for @paths (the host's and `plugins check`'s way in). */
gboolean    lj_plugins_load_paths (LjApp *app, GPtrArray *paths, GError **error);

G_END_DECLS
