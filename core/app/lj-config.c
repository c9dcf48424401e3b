/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's configuration: built-in defaults, then config/lianjian.conf
 * (GKeyFile), then command-line flags.  Unknown keys are refused, so a typo
 * in a config file is found at start-up rather than silently ignored. */
#include "lj-config.h"

#include <gio/gio.h>
#include <string.h>

G_DEFINE_QUARK (lj-config-error-quark, lj_config_error)

#define LJ_CONFIG_MAX_BODY_LIMIT (64 * 1024 * 1024)
#define LJ_CONFIG_MAX_IDLE_TIMEOUT 3600

static const char *const known_keys[] = {
  "server.listen", "server.body_limit", "server.idle_timeout", "server.max_connections",
  "server.log_requests", "store.path", "store.synchronous", "store.busy_timeout", "plugins.dir",
  "auth.idle_timeout", "auth.absolute_timeout", "auth.lockout_failures", "auth.lockout_seconds",
  "auth.password_iterations", "auth.password_memory", "auth.password_threads", NULL
};

/* `[plugin:<name>]` sections belong to the plugin host, which knows their
 * keys only once the plugin has declared them. */
#define LJ_CONFIG_PLUGIN_GROUP_PREFIX "plugin:"

LjConfig *
lj_config_new (void)
{
  LjConfig *config = g_new0 (LjConfig, 1);

  config->listen_host = g_strdup (LJ_CONFIG_DEFAULT_HOST);
  config->listen_port = LJ_CONFIG_DEFAULT_PORT;
  config->body_limit = LJ_CONFIG_DEFAULT_BODY_LIMIT;
  config->idle_timeout = LJ_CONFIG_DEFAULT_IDLE_TIMEOUT;
  config->max_connections = LJ_CONFIG_DEFAULT_MAX_CONNECTIONS;
  config->log_requests = TRUE;
  config->db_path = g_strdup (LJ_CONFIG_DEFAULT_DB);
  config->sync = LJ_STORE_SYNC_FULL;
  config->busy_timeout = LJ_CONFIG_DEFAULT_BUSY_TIMEOUT;
  config->plugin_sections = g_key_file_new ();
  config->auth_idle_timeout = LJ_AUTH_DEFAULT_IDLE_TIMEOUT;
  config->auth_absolute_timeout = LJ_AUTH_DEFAULT_ABSOLUTE_TIMEOUT;
  config->auth_lockout_failures = LJ_AUTH_DEFAULT_LOCKOUT_FAILURES;
  config->auth_lockout_seconds = LJ_AUTH_DEFAULT_LOCKOUT_SECONDS;
  config->auth_password_iterations = LJ_AUTH_DEFAULT_PASSWORD_ITERATIONS;
  config->auth_password_memory_mib = LJ_AUTH_DEFAULT_PASSWORD_MEMORY_MIB;
  config->auth_password_threads = LJ_AUTH_DEFAULT_PASSWORD_THREADS;
  return config;
}

void
lj_config_free (LjConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->listen_host);
  g_free (config->db_path);
  g_strfreev (config->plugin_dirs);
  g_clear_pointer (&config->plugin_sections, g_key_file_unref);
  g_free (config);
}

gboolean
lj_config_set_listen (LjConfig *config, const char *host_port, GError **error)
{
  g_autoptr (GSocketConnectable) addr = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  addr = g_network_address_parse (host_port, 0, &local);
  if (addr == NULL)
    {
      g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID,
                   "listen address \"%s\" is not HOST:PORT: %s", host_port, local->message);
      return FALSE;
    }
  host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (addr)));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (addr));
  if (strchr (host_port, ':') == NULL || (port == 0 && !g_str_has_suffix (host_port, ":0")))
    {
      g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID,
                   "listen address \"%s\" needs a port, e.g. 127.0.0.1:8080", host_port);
      return FALSE;
    }
  g_free (config->listen_host);
  config->listen_host = g_steal_pointer (&host);
  config->listen_port = port;
  return TRUE;
}

static gboolean
check_known_keys (GKeyFile *kf, const char *path, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

  for (guint g = 0; groups[g]; g++)
    {
      g_auto (GStrv) keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);

      if (g_str_has_prefix (groups[g], LJ_CONFIG_PLUGIN_GROUP_PREFIX))
        continue;
      for (guint k = 0; keys && keys[k]; k++)
        {
          g_autofree char *full = g_strconcat (groups[g], ".", keys[k], NULL);
          if (!g_strv_contains (known_keys, full))
            {
              g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID,
                           "%s: unknown key [%s] %s", path, groups[g], keys[k]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
read_uint (GKeyFile *kf, const char *group, const char *key, guint64 min, guint64 max,
           guint64 *out, GError **error)
{
  g_autofree char *text = NULL;
  guint64 v;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  text = g_key_file_get_string (kf, group, key, NULL);
  if (text == NULL || !g_ascii_string_to_unsigned (g_strstrip (text), 10, min, max, &v, NULL))
    {
      g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID,
                   "[%s] %s must be a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                   group, key, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
load_server (LjConfig *config, GKeyFile *kf, GError **error)
{
  g_autofree char *listen = g_key_file_get_string (kf, "server", "listen", NULL);
  guint64 body = config->body_limit, idle = config->idle_timeout, conns = config->max_connections;
  g_autoptr (GError) local = NULL;

  if (listen && !lj_config_set_listen (config, g_strstrip (listen), error))
    return FALSE;
  if (!read_uint (kf, "server", "body_limit", 1024, LJ_CONFIG_MAX_BODY_LIMIT, &body, error) ||
      !read_uint (kf, "server", "idle_timeout", 1, LJ_CONFIG_MAX_IDLE_TIMEOUT, &idle, error) ||
      !read_uint (kf, "server", "max_connections", 8, 100000, &conns, error))
    return FALSE;
  config->body_limit = body;
  config->idle_timeout = idle;
  config->max_connections = conns;
  if (g_key_file_has_key (kf, "server", "log_requests", NULL))
    {
      config->log_requests = g_key_file_get_boolean (kf, "server", "log_requests", &local);
      if (local)
        {
          g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID, "[server] log_requests must be true or false");
          return FALSE;
        }
    }
  return TRUE;
}

/* Session lifetimes and the lockout, in seconds and attempts; Argon2id's
 * cost (iterations, MiB) and how many hash at once. */
static gboolean
load_auth (LjConfig *config, GKeyFile *kf, GError **error)
{
  guint64 idle = config->auth_idle_timeout, absolute = config->auth_absolute_timeout;
  guint64 failures = config->auth_lockout_failures, lockout = config->auth_lockout_seconds;
  guint64 iterations = config->auth_password_iterations, memory = config->auth_password_memory_mib;
  guint64 threads = config->auth_password_threads;

  if (!read_uint (kf, "auth", "idle_timeout", 60, 7 * 24 * 3600, &idle, error) ||
      !read_uint (kf, "auth", "absolute_timeout", 60, 30 * 24 * 3600, &absolute, error) ||
      !read_uint (kf, "auth", "lockout_failures", 1, 100, &failures, error) ||
      !read_uint (kf, "auth", "lockout_seconds", 0, 24 * 3600, &lockout, error) ||
      !read_uint (kf, "auth", "password_iterations", 1, 10, &iterations, error) ||
      !read_uint (kf, "auth", "password_memory", 8, 1024, &memory, error) ||
      !read_uint (kf, "auth", "password_threads", 1, 16, &threads, error))
    return FALSE;
  if (absolute < idle)
    {
      g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID,
                   "[auth] absolute_timeout must not be shorter than idle_timeout");
      return FALSE;
    }
  config->auth_idle_timeout = idle;
  config->auth_absolute_timeout = absolute;
  config->auth_lockout_failures = failures;
  config->auth_lockout_seconds = lockout;
  config->auth_password_iterations = iterations;
  config->auth_password_memory_mib = memory;
  config->auth_password_threads = threads;
  return TRUE;
}

static gboolean
load_store (LjConfig *config, GKeyFile *kf, GError **error)
{
  g_autofree char *path = g_key_file_get_string (kf, "store", "path", NULL);
  g_autofree char *sync = g_key_file_get_string (kf, "store", "synchronous", NULL);
  guint64 busy = config->busy_timeout;

  if (path)
    {
      g_free (config->db_path);
      config->db_path = g_strdup (g_strstrip (path));
    }
  if (sync)
    {
      g_strstrip (sync);
      if (g_ascii_strcasecmp (sync, "full") == 0)
        config->sync = LJ_STORE_SYNC_FULL;
      else if (g_ascii_strcasecmp (sync, "normal") == 0)
        config->sync = LJ_STORE_SYNC_NORMAL;
      else
        {
          g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID,
                       "[store] synchronous must be full or normal, not \"%s\"", sync);
          return FALSE;
        }
    }
  if (!read_uint (kf, "store", "busy_timeout", 0, 600000, &busy, error))
    return FALSE;
  config->busy_timeout = busy;
  return TRUE;
}

/* `[plugins] dir` is a list (`a;b`); relative directories are taken from
 * the config file's directory. */
static gboolean
load_plugins (LjConfig *config, GKeyFile *kf, const char *path, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  g_auto (GStrv) dirs = g_key_file_get_string_list (kf, "plugins", "dir", NULL, NULL);
  g_autofree char *base = g_path_get_dirname (path);

  if (dirs)
    {
      g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

      for (guint i = 0; dirs[i]; i++)
        {
          g_autofree char *dir = g_strdup (g_strstrip (dirs[i]));

          if (*dir == '\0')
            continue;
          if (!g_path_is_absolute (dir))
            {
              char *abs = g_build_filename (base, dir, NULL);
              g_free (dir);
              dir = abs;
            }
          g_strv_builder_add (b, dir);
        }
      g_strfreev (config->plugin_dirs);
      config->plugin_dirs = g_strv_builder_end (b);
    }
  for (guint g = 0; groups[g]; g++)
    {
      g_auto (GStrv) keys = NULL;

      if (!g_str_has_prefix (groups[g], LJ_CONFIG_PLUGIN_GROUP_PREFIX))
        continue;
      if (groups[g][strlen (LJ_CONFIG_PLUGIN_GROUP_PREFIX)] == '\0')
        {
          g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID, "[plugin:] needs a plugin name");
          return FALSE;
        }
      keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);
      for (guint k = 0; keys && keys[k]; k++)
        {
          g_autofree char *value = g_key_file_get_value (kf, groups[g], keys[k], NULL);
          g_key_file_set_value (config->plugin_sections, groups[g], keys[k], value ? value : "");
        }
    }
  return TRUE;
}

gboolean
lj_config_load_file (LjConfig *config, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_READ, "cannot read config %s: %s", path, local->message);
      return FALSE;
    }
  if (!check_known_keys (kf, path, error) || !load_server (config, kf, error) || !load_store (config, kf, error) ||
      !load_auth (config, kf, error) || !load_plugins (config, kf, path, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_loopback (const char *host)
{
  g_autoptr (GInetAddress) addr = g_inet_address_new_from_string (host);

  if (g_strcmp0 (host, "localhost") == 0)
    return TRUE;
  return addr != NULL && g_inet_address_get_is_loopback (addr);
}

/* Every route needs a bearer token, and the server speaks plain HTTP: on
 * anything but loopback the tokens would cross the network in clear, so
 * say so loudly (nginx with TLS in front is the supported way). */
gboolean
lj_config_check (LjConfig *config, GError **error)
{
  if (!is_loopback (config->listen_host))
    g_warning ("listening on %s without TLS: bearer tokens and passwords will cross the network in clear; "
               "listen on 127.0.0.1 and publish through nginx with TLS (docs/operations.md)", config->listen_host);
  return TRUE;
}
