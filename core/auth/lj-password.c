/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Passwords: Argon2id through libsodium's crypto_pwhash_str, on a small
 * pool of worker threads (one by default) so a login (tens of ms of CPU and
 * 19 MiB by default) never stalls the main context that serves every other
 * request.  Callers queue a job, the request is paused, and the result
 * comes back on the request's own main context. */
#include "lj-auth-private.h"
#include "http/lj-request-private.h"

#include <string.h>

/* Tests: the OWASP configuration for Argon2id (t=2, 19 MiB), whatever the
 * configuration says, still real Argon2id. */
#define LJ_PASSWORD_TEST_OPSLIMIT 2
#define LJ_PASSWORD_TEST_MEMLIMIT (19 * 1024 * 1024)

/* Production: [auth] password_iterations and password_memory, by default
 * OWASP's recommended Argon2id configuration (t=2, 19 MiB, p=1), whose
 * strength the OWASP cheat sheet rates with t=1, 46 MiB.  libsodium's
 * INTERACTIVE limits (64 MiB) cost 128 MiB of peak memory with two workers,
 * twice the whole server's budget (docs/security.md). */
static unsigned long long opslimit = LJ_AUTH_DEFAULT_PASSWORD_ITERATIONS;
static size_t memlimit = (size_t) LJ_AUTH_DEFAULT_PASSWORD_MEMORY_MIB * 1024 * 1024;
static guint workers = LJ_AUTH_DEFAULT_PASSWORD_THREADS;
static gboolean test_profile;

static GThreadPool *pool;
/* A hash of a random password, verified against for unknown users so
 * their login takes as long as a real one. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static GMutex dummy_lock;

typedef struct {
  LjPasswordJob *job;
  LjRequest     *req;
  GMainContext  *context;
  LjPasswordDone done;
  gpointer       data;
} LjPasswordTask;

static void
init_sodium (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialised");
      g_once_init_leave (&once, 1);
    }
}

void
lj_password_init (void)
{
  init_sodium ();
}

/* Before the first hash (the pool is created then). */
void
lj_password_configure (guint iterations, guint memory_mib, guint threads)
{
  g_return_if_fail (iterations >= 1 && memory_mib >= 8 && threads >= 1);
  workers = threads;
  if (test_profile)
    return;
  g_mutex_lock (&dummy_lock);
  opslimit = iterations;
  memlimit = (size_t) memory_mib * 1024 * 1024;
  dummy_hash[0] = '\0';
  g_mutex_unlock (&dummy_lock);
}

void
lj_password_set_test_profile (void)
{
  init_sodium ();
  g_mutex_lock (&dummy_lock);
  test_profile = TRUE;
  opslimit = LJ_PASSWORD_TEST_OPSLIMIT;
  memlimit = LJ_PASSWORD_TEST_MEMLIMIT;
  dummy_hash[0] = '\0';
  g_mutex_unlock (&dummy_lock);
}

gboolean
lj_password_length_ok (const char *password)
{
  gsize len = strlen (password);

  return len >= LJ_AUTH_PASSWORD_MIN && len <= LJ_AUTH_PASSWORD_MAX;
}

gboolean
lj_password_check_length (LjRequest *req, const char *field, const char *password)
{
  if (lj_password_length_ok (password))
    return TRUE;
  lj_request_add_field_error (req, field, "must be %d to %d bytes long", LJ_AUTH_PASSWORD_MIN, LJ_AUTH_PASSWORD_MAX);
  return FALSE;
}

static char *
hash_password (const char *password)
{
  char out[crypto_pwhash_STRBYTES];

  if (crypto_pwhash_str (out, password, strlen (password), opslimit, memlimit) != 0)
    return NULL;
  return g_strdup (out);
}

char *
lj_password_hash_sync (const char *password, GError **error)
{
  char *hash;

  init_sodium ();
  if (!lj_password_length_ok (password))
    {
      g_set_error (error, LJ_AUTH_ERROR, 0, "a password must be %d to %d bytes long", LJ_AUTH_PASSWORD_MIN,
                   LJ_AUTH_PASSWORD_MAX);
      return NULL;
    }
  hash = hash_password (password);
  if (hash == NULL)
    g_set_error (error, LJ_AUTH_ERROR, 0, "could not hash the password (out of memory)");
  return hash;
}

static gboolean
verify_dummy (const char *password)
{
  char copy[crypto_pwhash_STRBYTES];

  g_mutex_lock (&dummy_lock);
  if (dummy_hash[0] == '\0')
    {
      char random[LJ_TOKEN_BYTES];
      char b64[sodium_base64_ENCODED_LEN (LJ_TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

      randombytes_buf (random, sizeof random);
      sodium_bin2base64 (b64, sizeof b64, (const unsigned char *) random, sizeof random,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING);
      if (crypto_pwhash_str (dummy_hash, b64, strlen (b64), opslimit, memlimit) != 0)
        dummy_hash[0] = '\0';
      sodium_memzero (b64, sizeof b64);
    }
  memcpy (copy, dummy_hash, sizeof copy);
  g_mutex_unlock (&dummy_lock);
  /* The result is ignored: no password matches a random one anyone knows. */
  if (copy[0] != '\0' && crypto_pwhash_str_verify (copy, password, strlen (password)) == 0)
    g_debug ("a password matched the dummy hash");
  return FALSE;
}

static void
run_job (LjPasswordJob *job)
{
  if (job->verify && job->hash)
    {
      job->verified = crypto_pwhash_str_verify (job->hash, job->password, strlen (job->password)) == 0;
      /* The parameters changed since the hash was made: upgrade it now,
       * while the password is at hand. */
      if (job->verified && job->new_password == NULL
          && crypto_pwhash_str_needs_rehash (job->hash, opslimit, memlimit) != 0)
        job->new_hash = hash_password (job->password);
    }
  else if (job->verify)
    job->verified = verify_dummy (job->password);
  if (job->new_password && (!job->verify || job->verified))
    {
      job->new_hash = hash_password (job->new_password);
      job->failed = job->new_hash == NULL;
    }
}

static gboolean
finish_task (gpointer data)
{
  LjPasswordTask *task = data;

  task->done (task->req, task->job, task->data);
  lj_password_job_free (task->job);
  lj_request_unref (task->req);
  g_main_context_unref (task->context);
  g_free (task);
  return G_SOURCE_REMOVE;
}

/* Tests only: while held, workers wait before hashing, so a test can prove
 * that requests are answered while a hash is pending. */
static GMutex hold_lock;
static GCond hold_cond;
static gboolean held;
static guint waiting;   /* workers parked by the hold */

guint
lj_password_held_for_testing (void)
{
  guint n;

  g_mutex_lock (&hold_lock);
  n = waiting;
  g_mutex_unlock (&hold_lock);
  return n;
}

void
lj_password_hold_for_testing (gboolean hold)
{
  g_mutex_lock (&hold_lock);
  held = hold;
  g_cond_broadcast (&hold_cond);
  g_mutex_unlock (&hold_lock);
}

static void
wait_while_held (void)
{
  g_mutex_lock (&hold_lock);
  waiting++;
  while (held)
    g_cond_wait (&hold_cond, &hold_lock);
  waiting--;
  g_mutex_unlock (&hold_lock);
}

static void
worker (gpointer data, gpointer user_data)
{
  LjPasswordTask *task = data;
  g_autoptr (GSource) source = g_idle_source_new ();

  wait_while_held ();
  run_job (task->job);
  g_source_set_callback (source, finish_task, task, NULL);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "lj-password-done");
  g_source_attach (source, task->context);
}

static GThreadPool *
get_pool (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      init_sodium ();
      pool = g_thread_pool_new (worker, NULL, workers, FALSE, NULL);
      g_once_init_leave (&once, 1);
    }
  return pool;
}

LjPasswordJob *
lj_password_job_new (void)
{
  return g_new0 (LjPasswordJob, 1);
}

static void
free_secret (char *s)
{
  if (s == NULL)
    return;
  sodium_memzero (s, strlen (s));
  g_free (s);
}

void
lj_password_job_free (LjPasswordJob *job)
{
  if (job == NULL)
    return;
  free_secret (job->password);
  free_secret (job->new_password);
  g_free (job->hash);
  g_free (job->new_hash);
  g_free (job);
}

gboolean
lj_password_submit (LjRequest *req, LjPasswordJob *job, LjPasswordDone done, gpointer data, GError **error)
{
  GThreadPool *p = get_pool ();
  LjPasswordTask *task;

  /* Only the main context submits, so the count cannot grow behind us. */
  if (g_thread_pool_unprocessed (p) >= LJ_PASSWORD_MAX_WAITING)
    {
      lj_password_job_free (job);
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAVAILABLE,
                   "too many sign-ins at once; try again in a moment");
      return FALSE;
    }
  task = g_new0 (LjPasswordTask, 1);
  task->job = job;
  task->req = lj_request_ref (req);
  task->context = g_main_context_ref_thread_default ();
  task->done = done;
  task->data = data;
  if (!g_thread_pool_push (p, task, error))
    {
      /* Cannot happen for a non-exclusive pool; undo in case it does. */
      lj_password_job_free (job);
      lj_request_unref (task->req);
      g_main_context_unref (task->context);
      g_free (task);
      return FALSE;
    }
  /* The job finishes on this thread's main context, so after we return. */
  lj_request_pause (req);
  return TRUE;
}
