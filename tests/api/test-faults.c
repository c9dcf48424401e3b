/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Storage faults the disk can throw at us, injected with a shim VFS that
 * wraps SQLite's default one: a failed fsync must stop further writes
 * (503, health degraded) instead of retrying blindly, keep reads working,
 * and clear only with a restart. */
#include "lj-test-server.h"
#include "app/lj-app-private.h"

#include <sqlite3.h>
#include <string.h>

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_io;
static gint fail_sync;   /* atomic: 1 makes every xSync fail */

typedef struct {
  sqlite3_file base;
  sqlite3_file *real;    /* follows this struct in the same allocation */
} ShimFile;

#define REAL(f) (((ShimFile *) (f))->real)

static int shim_close (sqlite3_file *f) { return REAL (f)->pMethods->xClose (REAL (f)); }
static int shim_read (sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL (f)->pMethods->xRead (REAL (f), b, n, o); }
static int shim_write (sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { return REAL (f)->pMethods->xWrite (REAL (f), b, n, o); }
static int shim_truncate (sqlite3_file *f, sqlite3_int64 s) { return REAL (f)->pMethods->xTruncate (REAL (f), s); }
static int shim_size (sqlite3_file *f, sqlite3_int64 *s) { return REAL (f)->pMethods->xFileSize (REAL (f), s); }
static int shim_lock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xLock (REAL (f), l); }
static int shim_unlock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xUnlock (REAL (f), l); }
static int shim_check (sqlite3_file *f, int *r) { return REAL (f)->pMethods->xCheckReservedLock (REAL (f), r); }
static int shim_control (sqlite3_file *f, int op, void *a) { return REAL (f)->pMethods->xFileControl (REAL (f), op, a); }
static int shim_sector (sqlite3_file *f) { return REAL (f)->pMethods->xSectorSize (REAL (f)); }
static int shim_caps (sqlite3_file *f) { return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f)); }
static int shim_shm_map (sqlite3_file *f, int i, int sz, int e, void volatile **p) { return REAL (f)->pMethods->xShmMap (REAL (f), i, sz, e, p); }
static int shim_shm_lock (sqlite3_file *f, int o, int n, int fl) { return REAL (f)->pMethods->xShmLock (REAL (f), o, n, fl); }
static void shim_shm_barrier (sqlite3_file *f) { REAL (f)->pMethods->xShmBarrier (REAL (f)); }
static int shim_shm_unmap (sqlite3_file *f, int d) { return REAL (f)->pMethods->xShmUnmap (REAL (f), d); }
static int shim_fetch (sqlite3_file *f, sqlite3_int64 o, int n, void **p) { return REAL (f)->pMethods->xFetch (REAL (f), o, n, p); }
static int shim_unfetch (sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL (f)->pMethods->xUnfetch (REAL (f), o, p); }

static int
shim_sync (sqlite3_file *f, int flags)
{
  if (g_atomic_int_get (&fail_sync))
    return SQLITE_IOERR_FSYNC;
  return REAL (f)->pMethods->xSync (REAL (f), flags);
}

static int
shim_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
  ShimFile *s = (ShimFile *) f;
  int rc;

  s->real = (sqlite3_file *) (s + 1);
  rc = real_vfs->xOpen (real_vfs, name, s->real, flags, out);
  f->pMethods = rc == SQLITE_OK && s->real->pMethods ? &shim_io : NULL;
  return rc;
}

static void
install_shim (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  shim_vfs = *real_vfs;
  shim_vfs.zName = "lj-fault-shim";
  shim_vfs.szOsFile = sizeof (ShimFile) + real_vfs->szOsFile;
  shim_vfs.xOpen = shim_open;
  shim_io = (sqlite3_io_methods) {
    3, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_size, shim_lock, shim_unlock, shim_check,
    shim_control, shim_sector, shim_caps, shim_shm_map, shim_shm_lock, shim_shm_barrier, shim_shm_unmap, shim_fetch,
    shim_unfetch,
  };
  g_assert_cmpint (sqlite3_vfs_register (&shim_vfs, 1), ==, SQLITE_OK);
}

static guint
post_chain (LjTestServer *server, guint n)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"故障测试链 %u\",\"code\":\"FT%u\"}", n, n);
  g_autoptr (LjTestResponse) r = lj_test_request (server, "POST", "/api/v1/chains", body, NULL);

  return r->status;
}

static void
test_failed_fsync_stops_writes (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start (LJ_TEST_SERVER_EMPTY, 0);
  g_autoptr (LjTestResponse) health = NULL;
  g_autoptr (LjTestResponse) list = NULL;
  g_autoptr (LjTestResponse) refused = NULL;

  g_assert_cmpuint (post_chain (server, 1), ==, 201);
  g_atomic_int_set (&fail_sync, 1);
  refused = lj_test_request (server, "POST", "/api/v1/chains", "{\"name\":\"故障测试链 2\",\"code\":\"FT2\"}", NULL);
  g_assert_cmpuint (refused->status, >=, 500);
  g_atomic_int_set (&fail_sync, 0);
  /* The disk answers again, but nobody knows what it kept: no more writes. */
  g_assert_cmpuint (post_chain (server, 3), ==, 503);
  health = lj_test_get (server, "/api/v1/health");
  g_assert_cmpuint (health->status, ==, 503);
  g_assert_cmpstr (lj_test_member_string (health, "status"), ==, "degraded");
  /* Reads still work, and see the write made before the fault. */
  list = lj_test_get (server, "/api/v1/chains?code=FT1");
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (lj_test_member_int (list, "total"), ==, 1);
  /* A restart (after the operator checked the disk) writes again. */
  lj_test_server_restart (server);
  g_assert_cmpuint (post_chain (server, 4), ==, 201);
  g_clear_pointer (&health, lj_test_response_free);
  health = lj_test_get (server, "/api/v1/health");
  g_assert_cmpuint (health->status, ==, 200);
}

/* The first write of a group turns the disk bad and holds the server while
 * the others arrive: they all wait in one group (core/app/lj-commit-group.c)
 * whose commit fails.  Every one of them must hear about it, and none may
 * be kept. */
static gint held;

static gboolean
fail_disk_and_hold (LjRequest *req, LjEvent *event, gpointer data, GError **error)
{
  if (g_atomic_int_add (&held, 1) == 0)
    {
      g_atomic_int_set (&fail_sync, 1);
      g_usleep (400 * G_TIME_SPAN_MILLISECOND);
    }
  return TRUE;
}

static void
hold_setup (struct _LjApp *app, struct _LjStore *store, gpointer data)
{
  lj_app_add_hook (app, "test", "chain.created", LJ_HOOK_VALIDATE, 0, fail_disk_and_hold, NULL);
}

static void
test_failed_group_commit_fails_every_write (void)
{
  g_autoptr (LjTestServer) server = lj_test_server_start_with_setup (LJ_TEST_SERVER_EMPTY, hold_setup, NULL);
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (LjTestResponse) list = NULL;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"组提交故障链 %u\",\"code\":\"GF%u\"}", i, i);
      g_ptr_array_add (requests, lj_test_raw_post_json ("/api/v1/chains", body));
    }
  answers = lj_test_raw_many (server, (const char *const *) requests->pdata, requests->len);
  /* All heard the commit's own error: had they been committed one by one,
   * the first would have failed and the rest found writes stopped (503). */
  for (guint i = 0; i < answers->len; i++)
    {
      g_test_message ("write %u: %u", i, lj_test_raw_status (answers->pdata[i]));
      g_assert_cmpuint (lj_test_raw_status (answers->pdata[i]), >=, 500);
      g_assert_cmpuint (lj_test_raw_status (answers->pdata[i]), ==, lj_test_raw_status (answers->pdata[0]));
      g_assert_cmpuint (lj_test_raw_status (answers->pdata[i]), !=, 503);
    }
  g_atomic_int_set (&fail_sync, 0);
  lj_test_server_restart (server);
  list = lj_test_get (server, "/api/v1/chains?limit=1");
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (lj_test_member_int (list, "total"), ==, 0);
}

static GLogWriterOutput
quiet_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  /* The I/O error is logged as a warning on purpose; keep criticals fatal. */
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_default (level, fields, n_fields, data);
  return G_LOG_WRITER_HANDLED;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (quiet_writer, NULL, NULL);
  install_shim ();
  g_test_add_func ("/faults/failed-fsync-stops-writes", test_failed_fsync_stops_writes);
  g_test_add_func ("/faults/failed-group-commit-fails-every-write", test_failed_group_commit_fails_every_write);
  return g_test_run ();
}
