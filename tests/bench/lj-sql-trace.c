/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A profiling aid for the benchmark (docs/performance.md, "Finding the
 * cause"): LD_PRELOAD it into `lianjian serve` and every statement the
 * server runs is written, when it finishes, with its run time:
 *
 *   LJ_SQL_TRACE=/tmp/sql.tsv LD_PRELOAD=build-bench/lj-sql-trace.so lianjian serve …
 *
 * One line per statement: microseconds, a tab, the SQL with its bound
 * values (sqlite3_expanded_sql), newlines flattened.  It hooks
 * sqlite3_prepare_v3 (what core/store/lj-store.c uses) to install an
 * SQLITE_TRACE_PROFILE callback on each connection the first time it sees
 * it.  Not for production: it costs a write per statement. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static sqlite3 *seen[16];

static int
on_profile (unsigned type, void *ctx, void *p, void *x)
{
  sqlite3_stmt *st = p;
  long long ns = *(long long *) x;
  char *sql = sqlite3_expanded_sql (st);

  if (sql)
    {
      for (char *c = sql; *c; c++)
        if (*c == '\n' || *c == '\t')
          *c = ' ';
      fprintf (out, "%lld\t%s\n", ns / 1000, sql);
      sqlite3_free (sql);
    }
  return 0;
}

int
sqlite3_prepare_v3 (sqlite3 *db, const char *sql, int n, unsigned int flags, sqlite3_stmt **st, const char **tail)
{
  static int (*real) (sqlite3 *, const char *, int, unsigned int, sqlite3_stmt **, const char **);
  int i;

  if (real == NULL)
    real = (int (*) (sqlite3 *, const char *, int, unsigned int, sqlite3_stmt **, const char **)) dlsym (RTLD_NEXT, "sqlite3_prepare_v3");
  if (out == NULL)
    {
      const char *path = getenv ("LJ_SQL_TRACE");
      out = path ? fopen (path, "a") : stderr;
      if (out == NULL)
        out = stderr;
      setvbuf (out, NULL, _IOLBF, 0);
    }
  for (i = 0; i < 16 && seen[i] && seen[i] != db; i++)
    ;
  if (i < 16 && seen[i] == NULL)
    {
      seen[i] = db;
      sqlite3_trace_v2 (db, SQLITE_TRACE_PROFILE, on_profile, NULL);
    }
  return real (db, sql, n, flags, st, tail);
}
