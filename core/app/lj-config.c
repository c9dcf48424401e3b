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
  "server.log_requests", "store.path", "store.synchronous", "store.busy_timeout", NULL
};

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
  return config;
}

void
lj_config_free (LjConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->listen_host);
  g_free (config->db_path);
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
  if (!check_known_keys (kf, path, error) || !load_server (config, kf, error) || !load_store (config, kf, error))
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

/* Accounts and roles are a later step; until they exist, a server that
 * anyone on the network could write to must not be possible. */
gboolean
lj_config_check (LjConfig *config, GError **error)
{
  if (!is_loopback (config->listen_host))
    {
      g_set_error (error, LJ_CONFIG_ERROR, LJ_CONFIG_ERROR_INVALID,
                   "refusing to listen on %s: this version has no accounts yet, so it serves loopback only "
                   "(127.0.0.1 or ::1); put nginx in front to publish it", config->listen_host);
      return FALSE;
    }
  return TRUE;
}
