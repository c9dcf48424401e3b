/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Events and the hooks that listen to them: `enterprise.created`,
 * `activity.updated`, `problem-board.problem.solve`…  Validate hooks run in
 * the request's transaction and may refuse; after-commit hooks run once the
 * write is durable and cannot change the answer. */
#include "lj-app-private.h"

struct _LjEvent {
  char       *name;
  char       *resource;
  gint64      id;
  JsonObject *before;
  JsonObject *after;
  JsonObject *input;
};

/**
 * lj_event_new:
 * @before: (nullable) (transfer none)
 * @after: (nullable) (transfer none)
 * @input: (nullable) (transfer none)
 */
LjEvent *
lj_event_new (const char *name, const char *resource, gint64 id, JsonObject *before, JsonObject *after,
              JsonObject *input)
{
  LjEvent *e = g_new0 (LjEvent, 1);

  e->name = g_strdup (name);
  e->resource = g_strdup (resource);
  e->id = id;
  e->before = before ? json_object_ref (before) : NULL;
  e->after = after ? json_object_ref (after) : NULL;
  e->input = input ? json_object_ref (input) : NULL;
  return e;
}

void
lj_event_free (LjEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->name);
  g_free (e->resource);
  g_clear_pointer (&e->before, json_object_unref);
  g_clear_pointer (&e->after, json_object_unref);
  g_clear_pointer (&e->input, json_object_unref);
  g_free (e);
}

const char *
lj_event_get_name (LjEvent *event)
{
  return event->name;
}

const char *
lj_event_get_resource (LjEvent *event)
{
  return event->resource;
}

gint64
lj_event_get_id (LjEvent *event)
{
  return event->id;
}

JsonObject *
lj_event_get_before (LjEvent *event)
{
  return event->before;
}

JsonObject *
lj_event_get_after (LjEvent *event)
{
  return event->after;
}

JsonObject *
lj_event_get_input (LjEvent *event)
{
  return event->input;
}

/* Hooks are kept sorted by priority, then owner (lj_app_add_hook). */
gboolean
lj_app_run_hooks (LjApp *app, LjRequest *req, LjHookKind kind, LjEvent *event, GError **error)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < app->hooks->len; i++)
    {
      LjHook *h = app->hooks->pdata[i];
      g_autoptr (GError) local = NULL;

      if (h->kind != kind || g_strcmp0 (h->event, event->name) != 0)
        continue;
      if (h->func (req, event, h->user_data, &local))
        continue;
      if (local == NULL)
        g_set_error (&local, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "a %s hook failed without saying why",
                     event->name);
      if (kind == LJ_HOOK_VALIDATE)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_warning ("after-commit hook of %s on %s failed: %s", h->owner ? h->owner : "core", event->name,
                 local->message);
      ok = FALSE;
      if (error && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&local));
    }
  return ok;
}
