/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The crash-loop breaker.  A plugin runs in the server's address space, so
 * one that crashes while it is queried, registers or starts takes the server
 * with it.  Before each call into a plugin the host writes a marker naming
 * the plugin's file (path, mtime, size) and the phase; it removes the marker
 * when the call returns.  A marker found at the next start means that call
 * never returned: the file is quarantined until it changes or an admin runs
 * `lianjian plugins reset NAME`, instead of crashing every start.
 *
 * Both files sit next to the database, as small key files: the database may
 * be the very thing that is broken, so the state must not live in it. */
#include "plugin/lj-plugin-host.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

struct _LjQuarantine {
  char     *marker_path;
  char     *state_path;
  GKeyFile *state;      /* group: the file's path; keys name, mtime, size, phase, reason */
  gboolean  read_only;
};

static const char *const phase_names[] = { "load", "register", "start" };

static void
save_state (LjQuarantine *q)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) groups = g_key_file_get_groups (q->state, NULL);

  if (q->read_only)
    return;
  if (groups[0] == NULL)
    {
      if (g_unlink (q->state_path) != 0 && errno != ENOENT)
        g_warning ("cannot remove %s: %s", q->state_path, g_strerror (errno));
      return;
    }
  if (!g_key_file_save_to_file (q->state, q->state_path, &error))
    g_warning ("cannot write the plugin quarantine %s: %s", q->state_path, error->message);
}

/* A marker left behind: its plugin's call never returned. */
static void
take_marker (LjQuarantine *q)
{
  g_autoptr (GKeyFile) marker = g_key_file_new ();
  g_autofree char *path = NULL, *name = NULL, *phase = NULL, *since = NULL, *reason = NULL;

  if (!g_key_file_load_from_file (marker, q->marker_path, G_KEY_FILE_NONE, NULL))
    {
      if (g_file_test (q->marker_path, G_FILE_TEST_EXISTS))
        g_warning ("ignoring an unreadable plugin marker %s", q->marker_path);
      return;
    }
  path = g_key_file_get_string (marker, "loading", "path", NULL);
  name = g_key_file_get_string (marker, "loading", "name", NULL);
  phase = g_key_file_get_string (marker, "loading", "phase", NULL);
  since = g_key_file_get_string (marker, "loading", "since", NULL);
  if (path == NULL)
    return;
  reason = g_strdup_printf ("the server died during the plugin's %s phase (started %s); it stays quarantined until "
                            "its file changes or `lianjian plugins reset %s`",
                            phase ? phase : "?", since ? since : "?", name ? name : path);
  g_key_file_set_string (q->state, path, "name", name ? name : "");
  g_key_file_set_int64 (q->state, path, "mtime", g_key_file_get_int64 (marker, "loading", "mtime", NULL));
  g_key_file_set_int64 (q->state, path, "size", g_key_file_get_int64 (marker, "loading", "size", NULL));
  g_key_file_set_string (q->state, path, "phase", phase ? phase : "");
  g_key_file_set_string (q->state, path, "reason", reason);
  if (q->read_only)
    return;
  save_state (q);
  g_unlink (q->marker_path);
}

LjQuarantine *
lj_quarantine_open (const char *db_path, gboolean read_only)
{
  LjQuarantine *q;

  if (db_path == NULL || *db_path == '\0' || strcmp (db_path, ":memory:") == 0)
    return NULL;
  q = g_new0 (LjQuarantine, 1);
  q->marker_path = g_strconcat (db_path, ".plugins-loading", NULL);
  q->state_path = g_strconcat (db_path, ".plugins-quarantine", NULL);
  q->state = g_key_file_new ();
  q->read_only = read_only;
  g_key_file_load_from_file (q->state, q->state_path, G_KEY_FILE_NONE, NULL);
  take_marker (q);
  return q;
}

void
lj_quarantine_free (LjQuarantine *q)
{
  if (q == NULL)
    return;
  g_free (q->marker_path);
  g_free (q->state_path);
  g_key_file_unref (q->state);
  g_free (q);
}

char *
lj_quarantine_check (LjQuarantine *q, const char *path, gint64 mtime, gint64 size)
{
  if (q == NULL || !g_key_file_has_group (q->state, path))
    return NULL;
  if (g_key_file_get_int64 (q->state, path, "mtime", NULL) != mtime ||
      g_key_file_get_int64 (q->state, path, "size", NULL) != size)
    {
      if (!q->read_only)
        g_message ("plugin file %s changed since it was quarantined: trying it again", path);
      g_key_file_remove_group (q->state, path, NULL);
      save_state (q);
      return NULL;
    }
  return g_key_file_get_string (q->state, path, "reason", NULL);
}

void
lj_quarantine_enter (LjQuarantine *q, LjPlugin *plugin, LjPluginPhase phase)
{
  g_autoptr (GKeyFile) marker = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *since = NULL;

  if (q == NULL || q->read_only)
    return;
  marker = g_key_file_new ();
  now = g_date_time_new_now_utc ();
  since = g_date_time_format_iso8601 (now);
  g_key_file_set_string (marker, "loading", "path", plugin->path);
  g_key_file_set_string (marker, "loading", "name", plugin->name);
  g_key_file_set_int64 (marker, "loading", "mtime", plugin->file_mtime);
  g_key_file_set_int64 (marker, "loading", "size", plugin->file_size);
  g_key_file_set_string (marker, "loading", "phase", phase_names[phase]);
  g_key_file_set_string (marker, "loading", "since", since);
  /* g_key_file_save_to_file () writes a temporary file and renames it. */
  if (!g_key_file_save_to_file (marker, q->marker_path, &error))
    g_warning ("cannot write the plugin marker %s: %s", q->marker_path, error->message);
}

void
lj_quarantine_leave (LjQuarantine *q)
{
  if (q == NULL || q->read_only)
    return;
  if (g_unlink (q->marker_path) != 0 && errno != ENOENT)
    g_warning ("cannot remove the plugin marker %s: %s", q->marker_path, g_strerror (errno));
}

static gboolean
entry_matches (LjQuarantine *q, const char *path, const char *name)
{
  g_autofree char *entry_name = g_key_file_get_string (q->state, path, "name", NULL);
  g_autofree char *base = g_path_get_basename (path);

  if (g_strcmp0 (entry_name, name) == 0 || strcmp (path, name) == 0 || strcmp (base, name) == 0)
    return TRUE;
  return g_str_has_suffix (base, ".so") && strlen (base) == strlen (name) + 3 && g_str_has_prefix (base, name);
}

gboolean
lj_quarantine_reset (LjQuarantine *q, const char *name, GError **error)
{
  g_auto (GStrv) groups = NULL;
  guint cleared = 0;

  if (q == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "this database keeps no plugin quarantine");
      return FALSE;
    }
  groups = g_key_file_get_groups (q->state, NULL);
  for (guint i = 0; groups[i]; i++)
    if (entry_matches (q, groups[i], name))
      {
        g_key_file_remove_group (q->state, groups[i], NULL);
        cleared++;
      }
  if (cleared == 0)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "no quarantined plugin is called %s", name);
      return FALSE;
    }
  save_state (q);
  return TRUE;
}

GStrv
lj_quarantine_list (LjQuarantine *q)
{
  if (q == NULL)
    return g_new0 (char *, 1);
  return g_key_file_get_groups (q->state, NULL);
}

char *
lj_quarantine_get (LjQuarantine *q, const char *path, const char *key)
{
  return q ? g_key_file_get_string (q->state, path, key, NULL) : NULL;
}
