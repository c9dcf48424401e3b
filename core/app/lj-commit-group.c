/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group commit: the writes that arrive together share one transaction and
 * one fsync.
 *
 * With synchronous=FULL every commit waits for the disk, and the server
 * commits on its only thread, so a commit per request made the disk the
 * limit for writes (and stalled every reader while it waited).  When the
 * HTTP server is on (lj_app_set_group_commit), a write request runs inside
 * a savepoint of a shared write transaction and is paused instead of being
 * answered; the transaction commits once the main context has nothing more
 * to read (an idle source), before any read or other transaction starts,
 * or when the group is full.  Only then is each request answered and its
 * after-commit hooks run, so an answer never announces a write that a crash
 * could still lose.
 *
 * A request that fails is rolled back to its savepoint and answered at
 * once; the others are not disturbed.  If SQLite has to abandon the whole
 * transaction (a full disk, an I/O error) or the commit fails, every
 * request in the group gets that error and nothing of theirs is kept,
 * exactly as if each had failed alone. */
#include "lj-app-private.h"
#include "http/lj-request-private.h"

/* A bound on how long one transaction grows; past it the group commits
 * before the next write joins. */
#define LJ_COMMIT_GROUP_MAX 64

void
lj_app_set_group_commit (LjApp *app, gboolean enabled)
{
  lj_commit_group_flush (app);
  app->group_commit = enabled;
}

guint64
lj_app_get_n_commits (LjApp *app)
{
  return app->n_commits;
}

/* Answers every grouped request with @error (their writes are gone). */
static void
fail_all (GPtrArray *reqs, const GError *error)
{
  for (guint i = 0; i < reqs->len; i++)
    {
      LjRequest *req = reqs->pdata[i];

      lj_request_clear_response_headers (req);
      g_ptr_array_unref (lj_request_steal_after_commit (req));
      lj_request_set_error (req, error);
      lj_request_resume (req);
    }
}

static GPtrArray *
steal_group (LjApp *app)
{
  GPtrArray *reqs = g_steal_pointer (&app->group);

  if (app->group_source)
    {
      g_source_destroy (app->group_source);
      g_clear_pointer (&app->group_source, g_source_unref);
    }
  return reqs;
}

/* Commits the open group, if any, and answers its requests.  FALSE with
 * @error when the commit failed (the requests have been answered with it). */
static gboolean
commit_group (LjApp *app, GError **error)
{
  g_autoptr (GPtrArray) reqs = NULL;
  g_autoptr (GError) local = NULL;

  if (app->group == NULL)
    return TRUE;
  reqs = steal_group (app);
  if (!lj_store_commit (app->store, &local))
    {
      fail_all (reqs, local);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  app->n_commits++;
  for (guint i = 0; i < reqs->len; i++)
    {
      LjRequest *req = reqs->pdata[i];

      lj_app_run_after_commit (app, req);
      if (lj_request_get_status (req) == 0)
        lj_request_set_status (req, 204);
      lj_request_resume (req);
    }
  return TRUE;
}

/**
 * lj_commit_group_flush:
 * Commits the writes waiting in the group and answers them.  Called before
 * anything that must see only committed data or start its own transaction.
 */
void
lj_commit_group_flush (LjApp *app)
{
  g_autoptr (GError) error = NULL;

  if (!commit_group (app, &error))
    g_warning ("a group of writes could not be committed: %s", error->message);
}

static gboolean
flush_when_idle (gpointer data)
{
  LjApp *app = data;

  g_clear_pointer (&app->group_source, g_source_unref);
  lj_commit_group_flush (app);
  return G_SOURCE_REMOVE;
}

/* Opens the group's transaction and arranges for it to commit when the
 * main context runs out of other work. */
static gboolean
open_group (LjApp *app, GError **error)
{
  if (!lj_store_begin (app->store, LJ_STORE_TXN_WRITE, error))
    return FALSE;
  app->group = g_ptr_array_new_with_free_func ((GDestroyNotify) lj_request_unref);
  app->group_source = g_idle_source_new ();
  g_source_set_priority (app->group_source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (app->group_source, flush_when_idle, app, NULL);
  g_source_set_static_name (app->group_source, "lj-commit-group");
  g_source_attach (app->group_source, g_main_context_get_thread_default ());
  return TRUE;
}

/* Undoes one request's work after it failed.  When SQLite abandoned the
 * whole transaction instead, the rest of the group is lost too: each of
 * those requests is answered with @error. */
static void
undo_request (LjApp *app, const GError *error)
{
  sqlite3 *db = lj_store_get_db (app->store);

  if (sqlite3_get_autocommit (db) == 0 &&
      sqlite3_exec (db, "ROLLBACK TO lj_request; RELEASE lj_request", NULL, NULL, NULL) == SQLITE_OK)
    return;
  {
    g_autoptr (GPtrArray) reqs = steal_group (app);

    lj_store_rollback (app->store);
    if (reqs)
      fail_all (reqs, error);
  }
}

/**
 * lj_commit_group_run:
 * Runs the write @route for @req inside the group.  Returns FALSE with
 * @error when the request failed (nothing of it is kept); TRUE with
 * *@deferred set when its answer waits for the group's commit.
 */
gboolean
lj_commit_group_run (LjApp *app, LjRoute *route, LjRequest *req, gboolean *deferred, GError **error)
{
  *deferred = FALSE;
  if (app->group && app->group->len >= LJ_COMMIT_GROUP_MAX && !commit_group (app, error))
    return FALSE;
  if (app->group == NULL && !open_group (app, error))
    return FALSE;
  if (!lj_store_exec (app->store, "SAVEPOINT lj_request", error))
    {
      undo_request (app, *error);
      return FALSE;
    }
  if (!route->func (req, route->user_data, error) || !lj_app_audit_route (route, req, error))
    {
      undo_request (app, *error);
      return FALSE;
    }
  if (!lj_store_exec (app->store, "RELEASE lj_request", error))
    {
      undo_request (app, *error);
      return FALSE;
    }
  /* The handler waits for something else (a paused route): it will answer
   * itself, so its writes are committed now, with the group. */
  if (lj_request_is_paused (req))
    return commit_group (app, error);
  g_ptr_array_add (app->group, lj_request_ref (req));
  lj_request_pause (req);
  *deferred = TRUE;
  return TRUE;
}
