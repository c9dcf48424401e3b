/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays the permission table (tests/api/permissions.tsv) against a demo
 * park as every principal, and checks beside each status that a successful
 * write leaves exactly one audit row, a failed request none, and a refused
 * write changes nothing.  Every route the server registered at run time
 * (read from its openapi.json, so plugins' routes count too) must have a
 * line in the table. */
#include <string.h>
#include <sqlite3.h>

#include "lj-test-server.h"
#include "domain/lj-credit-code.h"
#include "lianjian/lianjian.h"

#define LJ_PERM_MISSING_ID 999999

enum { P_ANON, P_VIEWER, P_SECRETARY, P_ADMIN, N_PRINCIPALS };

static const char *const principal_names[N_PRINCIPALS] = { "anonymous", "viewer", "secretary", "admin" };

typedef struct {
  guint  lineno;
  char  *method;
  char  *pattern;
  char  *target;
  char  *body;                  /* NULL for - */
  guint  expect[N_PRINCIPALS];
  gboolean plugin;              /* from a plugin's table: a write may audit side effects too */
} PermLine;

/* How to make a fresh record of a plugin's resource: a body, then events
 * fired as the admin (so it sits in the state a line needs). */
typedef struct {
  char  *body;
  char **events;                /* NULL-terminated, may be empty */
} Fixture;

static void
fixture_free (gpointer data)
{
  Fixture *f = data;

  g_free (f->body);
  g_strfreev (f->events);
  g_free (f);
}

typedef struct {
  char   *username;
  char   *password;
  char   *token;                /* NULL: anonymous */
  gint64  user_id;
} Principal;

typedef struct {
  LjTestServer *server;
  sqlite3      *db;             /* read-only, beside the running server */
  GPtrArray    *lines;          /* PermLine* */
  GPtrArray    *routes;         /* "METHOD pattern" from openapi.json */
  GHashTable   *public_routes;  /* "METHOD pattern" flagged security: [] */
  Principal     p[N_PRINCIPALS];
  Principal     spare;          /* the account anonymous logs in as */
  const char   *admin;          /* the admin principal's token, for fixtures */
  guint         uniq;
  char         *new_password;   /* the last {new_password} sent */
  gint64        own_org, own_child_org, foreign_org, foreign_child_org, own_member;
  GHashTable   *fixtures;       /* "resource target" -> Fixture*, from `fixture` lines */
  GHashTable   *labels;         /* "label" -> record id: {fixture:…#label}, for one line's replay */
  GString      *failures;
  guint         n_failures;
} Ctx;

static void
perm_line_free (gpointer data)
{
  PermLine *l = data;

  g_free (l->method);
  g_free (l->pattern);
  g_free (l->target);
  g_free (l->body);
  g_free (l);
}

static void
fail (Ctx *c, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
fail (Ctx *c, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (c->failures, format, args);
  va_end (args);
  g_string_append_c (c->failures, '\n');
  c->n_failures++;
}

static const char *
body_text (LjTestResponse *r)
{
  static char buf[400];
  gsize len = r->body ? g_bytes_get_size (r->body) : 0;

  g_snprintf (buf, sizeof buf, "%.*s", (int) MIN (len, sizeof buf - 1),
              len ? (const char *) g_bytes_get_data (r->body, NULL) : "");
  return buf;
}

/* ---- the table ---- */

static gboolean
parse_status (const char *text, guint *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 100, 599, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* Reads one table into @lines; `fixture` lines (resource, target, body)
 * go into @fixtures: how to make a fresh record of a plugin's resource. */
static void
load_table (const char *path, gboolean plugin, GPtrArray *lines, GHashTable *fixtures)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) rows = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  rows = g_strsplit (text, "\n", -1);
  for (guint i = 0; rows[i]; i++)
    {
      g_auto (GStrv) cols = NULL;
      PermLine *l;

      if (rows[i][0] == '\0' || rows[i][0] == '#')
        continue;
      cols = g_strsplit (rows[i], "\t", -1);
      if (strcmp (cols[0], "fixture") == 0)
        {
          Fixture *fx;

          if (g_strv_length (cols) != 4 && g_strv_length (cols) != 5)
            g_error ("%s:%u: a fixture line is: fixture, resource, target, body [, events]", path, i + 1);
          fx = g_new0 (Fixture, 1);
          fx->body = g_strdup (cols[3]);
          fx->events = g_strv_length (cols) == 5 && *cols[4] ? g_strsplit (cols[4], ",", -1) : g_new0 (char *, 1);
          g_hash_table_replace (fixtures, g_strdup_printf ("%s %s", cols[1], cols[2]), fx);
          continue;
        }
      if (g_strv_length (cols) != 4 + N_PRINCIPALS)
        g_error ("%s:%u: %u columns, expected %u", path, i + 1, g_strv_length (cols), 4 + N_PRINCIPALS);
      l = g_new0 (PermLine, 1);
      l->lineno = i + 1;
      l->method = g_strdup (cols[0]);
      l->pattern = g_strdup (cols[1]);
      l->target = g_strdup (cols[2]);
      l->body = strcmp (cols[3], "-") == 0 ? NULL : g_strdup (cols[3]);
      l->plugin = plugin;
      for (guint p = 0; p < N_PRINCIPALS; p++)
        if (!parse_status (cols[4 + p], &l->expect[p]))
          g_error ("%s:%u: bad status %s for %s", path, i + 1, cols[4 + p], principal_names[p]);
      g_ptr_array_add (lines, l);
    }
}

/* The core's table, then each first-party plugin's (tests/<plugin>/). */
static void
load_tables (Ctx *c)
{
  const char *src = g_getenv ("LJ_SOURCE_DIR");
  g_autofree char *core = NULL;
  g_auto (GStrv) plugins = g_strsplit (LJ_FIRST_PARTY_PLUGINS, ";", -1);

  g_assert_nonnull (src);
  c->lines = g_ptr_array_new_with_free_func (perm_line_free);
  c->fixtures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fixture_free);
  c->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  core = g_build_filename (src, "tests", "api", "permissions.tsv", NULL);
  load_table (core, FALSE, c->lines, c->fixtures);
  for (guint i = 0; plugins[i]; i++)
    {
      g_autofree char *path = g_build_filename (src, "tests", plugins[i], "permissions.tsv", NULL);

      if (*plugins[i] && g_file_test (path, G_FILE_TEST_EXISTS))
        load_table (path, TRUE, c->lines, c->fixtures);
    }
}

/* ---- talking to the server ---- */

static LjTestResponse *
as (Ctx *c, const char *token, const char *method, const char *path, const char *body)
{
  return lj_test_request_as (c->server, token, method, path, body, NULL);
}

static LjTestResponse *
admin_ok (Ctx *c, const char *method, const char *path, const char *body, guint expect)
{
  LjTestResponse *r = as (c, c->admin, method, path, body);

  if (r->status != expect)
    g_error ("fixture %s %s %s -> %u (expected %u): %s", method, path, body ? body : "", r->status, expect,
             body_text (r));
  return r;
}

static gint64
admin_create (Ctx *c, const char *collection, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/%s", collection);
  g_autoptr (LjTestResponse) r = admin_ok (c, "POST", path, body, 201);

  return lj_test_member_int (r, "id");
}

static gint64
first_id (Ctx *c, const char *path)
{
  g_autoptr (LjTestResponse) r = admin_ok (c, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  g_assert_cmpuint (json_array_get_length (items), >, 0);
  return json_object_get_int_member (json_array_get_object_element (items, 0), "id");
}

static guint
audit_count (Ctx *c)
{
  sqlite3_stmt *st = NULL;
  guint n;

  g_assert_cmpint (sqlite3_prepare_v2 (c->db, "SELECT count(*) FROM audit", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return n;
}

/* ---- fixtures: fresh records, made by the admin ---- */

static char *
fresh_credit_code (Ctx *c)
{
  char first[18];

  g_snprintf (first, sizeof first, "91530000MA%07u", 4000000 + ++c->uniq);
  return g_strdup_printf ("%s%c", first, lj_credit_code_check_char (first));
}

static gint64
make_member (Ctx *c, gint64 org)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Fixture member %u\",\"status\":\"formal\",\"org_id\":%"
                                           G_GINT64_FORMAT ",\"phone\":\"13800000000\",\"birth_date\":\"1990-01-01\"}",
                                           ++c->uniq, org);
  return admin_create (c, "members", body);
}

static gint64
make_activity (Ctx *c, gint64 org)
{
  g_autofree char *body = g_strdup_printf ("{\"title\":\"Fixture activity %u\",\"kind\":\"other\",\"organizer_org_id\":%"
                                           G_GINT64_FORMAT ",\"starts_at\":\"2026-02-01T08:00:00Z\"}", ++c->uniq, org);
  return admin_create (c, "activities", body);
}

static gint64
make_org (Ctx *c, gint64 parent)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Fixture organisation %u\",\"kind\":\"branch\",\"parent_id\":%"
                                           G_GINT64_FORMAT "}", ++c->uniq, parent);
  return admin_create (c, "organizations", body);
}

static gint64
make_chain (Ctx *c, gint64 committee)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Fixture chain %u\",\"committee_org_id\":%" G_GINT64_FORMAT "}",
                                           ++c->uniq, committee);
  return admin_create (c, "chains", body);
}

/* A fresh enterprise, covered by @cover (0: by no organisation). */
static gint64
make_enterprise (Ctx *c, gint64 cover)
{
  g_autofree char *code = fresh_credit_code (c);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Fixture enterprise %u\",\"credit_code\":\"%s\",\"size\":\"small\","
                                           "\"ownership\":\"non_public\",\"contact_phone\":\"0878-1234567\"}",
                                           c->uniq, code);
  gint64 id = admin_create (c, "enterprises", body);
  g_autofree char *org = NULL;

  if (cover == 0)
    return id;
  /* Covered by a fresh branch below @cover: in @cover's subtree, and no
   * organisation's enterprise list grows past its limit over a run. */
  org = g_strdup_printf ("{\"name\":\"Fixture branch %u\",\"kind\":\"branch\",\"parent_id\":%" G_GINT64_FORMAT
                         ",\"enterprise_ids\":[%" G_GINT64_FORMAT "]}", ++c->uniq, cover, id);
  admin_create (c, "organizations", org);
  return id;
}

static gint64
make_user (Ctx *c, gint64 org)
{
  g_autofree char *name = g_strdup_printf ("fixture-user-%u", ++c->uniq);
  g_autofree char *token = NULL;
  gint64 id = 0;

  token = lj_test_server_create_user (c->server, name, "secretary", org, NULL, &id);
  return id;
}

static gint64
make_token (Ctx *c, gint64 user)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/tokens", user);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"fixture token %u\"}", ++c->uniq);
  g_autoptr (LjTestResponse) r = admin_ok (c, "POST", path, body, 201);

  return lj_test_member_int (r, "id");
}

static gint64
make_attendance (Ctx *c, gint64 activity)
{
  gint64 member = make_member (c, c->own_child_org);
  g_autofree char *path = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT "/attendance", activity);
  g_autofree char *body = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT "]}", member);
  g_autoptr (LjTestResponse) r = admin_ok (c, "POST", path, body, 200);

  return member;
}

/* The resource a path names: its segment after /api/v1/, or for a
 * plugin's resource (one with fixtures) the two segments `plugin/name`. */
static char *
resource_of (Ctx *c, const char *pattern)
{
  g_auto (GStrv) segs = g_strsplit (pattern, "/", -1);

  if (g_strv_length (segs) > 4)
    {
      g_autofree char *qualified = g_strdup_printf ("%s/%s", segs[3], segs[4]);
      g_autofree char *key = g_strdup_printf ("%s own", qualified);

      if (g_hash_table_contains (c->fixtures, key))
        return g_steal_pointer (&qualified);
    }
  return g_strv_length (segs) > 3 ? g_strdup (segs[3]) : g_strdup ("");
}

static char *fill_body (Ctx *c, const char *tmpl, Principal *who);

/* A plugin's record, made by the admin from the table's fixture body,
 * then moved on by the fixture's events (or @events when not NULL). */
static gint64
make_fixture_record (Ctx *c, const char *resource, const char *target, char **events)
{
  g_autofree char *key = g_strdup_printf ("%s %s", resource, target);
  Fixture *fx = g_hash_table_lookup (c->fixtures, key);
  g_autofree char *body = NULL;
  gint64 id;

  if (fx == NULL)
    return 0;
  body = fill_body (c, fx->body, &c->p[P_ADMIN]);
  id = admin_create (c, resource, body);
  for (guint i = 0; id > 0 && (events ? events : fx->events)[i]; i++)
    {
      const char *event = (events ? events : fx->events)[i];
      g_autofree char *path = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT "/transitions", resource, id);
      g_autofree char *fire = g_strdup_printf ("{\"event\":\"%s\"}", event);
      g_autoptr (LjTestResponse) r = admin_ok (c, "POST", path, fire, 200);
    }
  return id;
}

/* {fixture:<resource>:<target>[:<event,event…>]}: a fresh fixture's id.
 * With `#label` before the brace: one record per label for the whole
 * replay of a line (the {id} record, the body and the fixtures they make). */
static char *
expand_fixtures (Ctx *c, char *s)
{
  char *at;

  while ((at = strstr (s, "{fixture:")) != NULL)
    {
      const char *end = strchr (at, '}');
      g_autofree char *spec = NULL;
      g_auto (GStrv) parts = NULL;
      g_auto (GStrv) events = NULL;
      GString *out;
      char *label;
      gint64 id;

      g_assert_nonnull (end);
      spec = g_strndup (at + 9, end - at - 9);
      if ((label = strchr (spec, '#')) != NULL)
        *label++ = '\0';
      parts = g_strsplit (spec, ":", 3);
      g_assert_cmpuint (g_strv_length (parts), >=, 2);
      if (parts[2])
        events = g_strsplit (parts[2], ",", -1);
      if (label && g_hash_table_contains (c->labels, label))
        id = *(gint64 *) g_hash_table_lookup (c->labels, label);
      else
        {
          id = make_fixture_record (c, parts[0], parts[1], events);
          if (id == 0)
            g_error ("no fixture line for {fixture:%s}", spec);
          if (label)
            g_hash_table_insert (c->labels, g_strdup (label), g_memdup2 (&id, sizeof id));
        }
      out = g_string_new_len (s, at - s);
      g_string_append_printf (out, "%" G_GINT64_FORMAT "%s", id, end + 1);
      g_free (s);
      s = g_string_free (out, FALSE);
    }
  return s;
}

/* The id of a fresh record of @resource for @target; 0 when the test does
 * not know how to make one. */
static gint64
make_record (Ctx *c, const char *resource, const char *target)
{
  gboolean own = strcmp (target, "own") == 0, foreign = strcmp (target, "foreign") == 0;

  if (strcmp (target, "missing") == 0)
    return LJ_PERM_MISSING_ID;
  if (strcmp (resource, "members") == 0 && (own || foreign))
    return make_member (c, own ? c->own_child_org : c->foreign_child_org);
  if (strcmp (resource, "activities") == 0 && (own || foreign))
    return make_activity (c, own ? c->own_org : c->foreign_org);
  if (strcmp (resource, "organizations") == 0 && (own || foreign))
    return make_org (c, own ? c->own_org : c->foreign_org);
  if (strcmp (resource, "organizations") == 0 && strcmp (target, "self") == 0)
    return c->own_org;
  if (strcmp (resource, "chains") == 0 && (own || foreign))
    return make_chain (c, own ? c->own_org : c->foreign_org);
  if (strcmp (resource, "enterprises") == 0 && (own || foreign))
    return make_enterprise (c, own ? c->own_child_org : c->foreign_child_org);
  if (strcmp (resource, "enterprises") == 0 && strcmp (target, "orphan") == 0)
    return make_enterprise (c, 0);
  if (strcmp (resource, "users") == 0 && (own || foreign))
    return make_user (c, own ? c->own_child_org : c->foreign_child_org);
  return make_fixture_record (c, resource, target, NULL);
}

static char *
replace (const char *text, const char *key, const char *value)
{
  g_auto (GStrv) parts = g_strsplit (text, key, -1);

  return g_strjoinv (value, parts);
}

static char *
replace_int (const char *text, const char *key, gint64 value)
{
  g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return replace (text, key, v);
}

/* Fills the body template. */
static char *expand_fixtures (Ctx *c, char *s);

static char *
fill_body (Ctx *c, const char *tmpl, Principal *who)
{
  char *s = expand_fixtures (c, g_strdup (tmpl));
  struct { const char *key; gint64 value; } ints[] = {
    { "{own_org}", c->own_org }, { "{own_child_org}", c->own_child_org }, { "{foreign_org}", c->foreign_org },
    { "{foreign_child_org}", c->foreign_child_org }, { "{own_member}", c->own_member },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      char *t = replace_int (s, ints[i].key, ints[i].value);
      g_free (s);
      s = t;
    }
  if (strstr (s, "{foreign_enterprise}"))
    {
      char *t = replace_int (s, "{foreign_enterprise}", make_enterprise (c, c->foreign_child_org));
      g_free (s);
      s = t;
    }
  if (strstr (s, "{own_enterprise}"))
    {
      char *t = replace_int (s, "{own_enterprise}", make_enterprise (c, c->own_child_org));
      g_free (s);
      s = t;
    }
  if (strstr (s, "{own_chain}"))
    {
      char *t = replace_int (s, "{own_chain}", make_chain (c, c->own_org));
      g_free (s);
      s = t;
    }
  if (strstr (s, "{foreign_chain}"))
    {
      char *t = replace_int (s, "{foreign_chain}", make_chain (c, c->foreign_org));
      g_free (s);
      s = t;
    }
  if (strstr (s, "{orphan_enterprise}"))
    {
      char *t = replace_int (s, "{orphan_enterprise}", make_enterprise (c, 0));
      g_free (s);
      s = t;
    }
  if (strstr (s, "{credit_code}"))
    {
      g_autofree char *code = fresh_credit_code (c);
      char *t = replace (s, "{credit_code}", code);
      g_free (s);
      s = t;
    }
  {
    g_autofree char *u = g_strdup_printf ("%u", ++c->uniq);
    const char *keys[] = { "{uniq}", "{login_user}", "{password}", "{new_password}" };
    const char *values[4] = { u, who->username, who->password, NULL };

    g_free (c->new_password);
    c->new_password = g_strdup_printf ("perm new password %u", c->uniq);
    values[3] = c->new_password;

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        char *t = replace (s, keys[i], values[i]);
        g_free (s);
        s = t;
      }
  }
  return s;
}

static gboolean
is_get_route (Ctx *c, const char *pattern)
{
  g_autofree char *key = g_strdup_printf ("GET %s", pattern);

  for (guint i = 0; i < c->routes->len; i++)
    if (strcmp (c->routes->pdata[i], key) == 0)
      return TRUE;
  return FALSE;
}

/* Fills {id}, {member_id}, {token_id} in @s. */
static char *
fill_path (const char *s, gint64 id, gint64 member_id, gint64 token_id)
{
  g_autofree char *a = replace_int (s, "{id}", id);
  g_autofree char *b = replace_int (a, "{member_id}", member_id);

  return replace_int (b, "{token_id}", token_id);
}

/* Admin GETs of every prefix of @pattern that is a GET route: what a
 * refused write must leave as it was. */
static GPtrArray *
snapshot (Ctx *c, const char *pattern, gint64 id, gint64 member_id, gint64 token_id)
{
  g_auto (GStrv) segs = g_strsplit (pattern, "/", -1);
  GPtrArray *snaps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) prefix = g_string_new (NULL);

  for (guint i = 1; segs[i]; i++)
    {
      g_string_append_printf (prefix, "/%s", segs[i]);
      if (is_get_route (c, prefix->str))
        {
          g_autofree char *path = fill_path (prefix->str, id, member_id, token_id);
          g_autoptr (LjTestResponse) r = as (c, c->admin, "GET", path, NULL);
          g_ptr_array_add (snaps, g_strdup_printf ("%s -> %u %s", path, r->status, body_text (r)));
        }
    }
  return snaps;
}

static char *
session_token (Ctx *c, Principal *who)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", who->username, who->password);
  g_autoptr (LjTestResponse) r = as (c, NULL, "POST", "/api/v1/auth/login", body);

  if (r->status != 200)
    g_error ("login as %s -> %u: %s", who->username, r->status, body_text (r));
  return g_strdup (lj_test_member_string (r, "token"));
}

static void
replay (Ctx *c, PermLine *l, guint pi)
{
  Principal *who = pi == P_ANON ? &c->spare : &c->p[pi];
  g_autofree char *resource = resource_of (c, l->pattern);
  gint64 id = 0, member_id = 0, token_id = 0;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *session = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (LjTestResponse) r = NULL;
  gboolean write = strcmp (l->method, "GET") != 0;
  const char *token = c->p[pi].token;
  guint audit_before, audit_after, expect = l->expect[pi];

  g_hash_table_remove_all (c->labels);

  if (strstr (l->pattern, "{id}"))
    {
      if ((id = make_record (c, resource, l->target)) == 0)
        {
          fail (c, "line %u: cannot make a %s record for target %s: teach test-permissions.c", l->lineno, resource,
                l->target);
          return;
        }
      if (strstr (l->pattern, "{member_id}"))
        member_id = id == LJ_PERM_MISSING_ID ? LJ_PERM_MISSING_ID : make_attendance (c, id);
      if (strstr (l->pattern, "{token_id}"))
        token_id = id == LJ_PERM_MISSING_ID ? LJ_PERM_MISSING_ID : make_token (c, id);
    }
  path = fill_path (l->pattern, id, member_id, token_id);
  if (l->body)
    body = fill_body (c, l->body, who);
  if (strcmp (l->target, "session") == 0 && pi != P_ANON)
    token = session = session_token (c, who);
  if (write)
    before = snapshot (c, l->pattern, id, member_id, token_id);
  audit_before = audit_count (c);
  r = as (c, token, l->method, path, body);
  audit_after = audit_count (c);
  if (r->status != expect)
    fail (c, "line %u: %s %s (%s) as %s: expected %u, got %u: %s", l->lineno, l->method, path, l->target,
          principal_names[pi], expect, r->status, body_text (r));
  if (r->status == 401)
    {
      const char *www = soup_message_headers_get_one (r->headers, "WWW-Authenticate");
      if (www == NULL || !g_str_has_prefix (www, "Bearer"))
        fail (c, "line %u: %s %s as %s: 401 without WWW-Authenticate: Bearer", l->lineno, l->method, path,
              principal_names[pi]);
    }
  if (write && r->status >= 200 && r->status < 300)
    {
      /* One row per write; a plugin's write may also fire transitions
       * (side effects), each audited on its own. */
      if (l->plugin ? audit_after <= audit_before : audit_after != audit_before + 1)
        fail (c, "line %u: %s %s as %s: %u, and %d audit rows (expected %s)", l->lineno, l->method, path,
              principal_names[pi], r->status, (int) (audit_after - audit_before), l->plugin ? "at least 1" : "1");
      if (strcmp (l->pattern, "/api/v1/me/password") == 0)
        {
          g_free (who->password);
          who->password = g_strdup (c->new_password);
        }
    }
  else if (audit_after != audit_before)
    fail (c, "line %u: %s %s as %s: %u, and %d audit rows (expected none)", l->lineno, l->method, path,
          principal_names[pi], r->status, (int) (audit_after - audit_before));
  if (write && (r->status < 200 || r->status >= 300))
    {
      after = snapshot (c, l->pattern, id, member_id, token_id);
      for (guint i = 0; i < before->len && i < after->len; i++)
        if (strcmp (before->pdata[i], after->pdata[i]) != 0)
          fail (c, "line %u: %s %s as %s was refused (%u) but changed data:\n  before: %s\n  after:  %s", l->lineno,
                l->method, path, principal_names[pi], r->status, (char *) before->pdata[i], (char *) after->pdata[i]);
    }
}

/* ---- setup ---- */

static void
load_routes (Ctx *c)
{
  g_autoptr (LjTestResponse) r = as (c, NULL, "GET", "/api/v1/openapi.json", NULL);
  JsonObject *paths;
  g_autoptr (GList) names = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  paths = json_object_get_object_member (lj_test_object (r), "paths");
  names = json_object_get_members (paths);
  c->routes = g_ptr_array_new_with_free_func (g_free);
  c->public_routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (GList *l = names; l; l = l->next)
    {
      JsonObject *ops = json_object_get_object_member (paths, l->data);
      g_autoptr (GList) methods = json_object_get_members (ops);

      for (GList *m = methods; m; m = m->next)
        {
          g_autofree char *upper = g_ascii_strup (m->data, -1);
          JsonObject *op = json_object_get_object_member (ops, m->data);
          char *key = g_strdup_printf ("%s %s", upper, (char *) l->data);

          g_ptr_array_add (c->routes, key);
          if (json_object_has_member (op, "security") &&
              json_array_get_length (json_object_get_array_member (op, "security")) == 0)
            g_hash_table_add (c->public_routes, g_strdup (key));
        }
    }
}

static void
make_principal (Ctx *c, Principal *p, const char *name, const char *role, gint64 org)
{
  p->username = g_strdup_printf ("perm-%s", name);
  p->password = g_strdup_printf ("perm password of %s", name);
  p->token = lj_test_server_create_user (c->server, p->username, role, org, p->password, &p->user_id);
}

static void
ctx_init (Ctx *c)
{
  g_autofree char *config = NULL;

  memset (c, 0, sizeof *c);
  c->failures = g_string_new (NULL);
  load_tables (c);
  /* Every first-party plugin that is built is loaded, so its routes need
   * lines too. */
  c->server = lj_test_server_start_with_plugins (LJ_TEST_SERVER_DEMO, LJ_FIRST_PARTY_PLUGIN_DIRS, NULL);
  g_assert_cmpint (sqlite3_open_v2 (lj_test_server_get_db_path (c->server), &c->db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  sqlite3_busy_timeout (c->db, 5000);
  c->admin = lj_test_server_get_admin_token (c->server);
  /* A chain committee with organisations below it, and another. */
  c->own_org = first_id (c, "/api/v1/organizations?kind=chain_committee&limit=1");
  {
    g_autoptr (LjTestResponse) r = admin_ok (c, "GET", "/api/v1/organizations?kind=chain_committee&limit=2", NULL, 200);
    JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    c->foreign_org = json_object_get_int_member (json_array_get_object_element (items, 1), "id");
  }
  {
    g_autofree char *p1 = g_strdup_printf ("/api/v1/organizations?parent_id=%" G_GINT64_FORMAT "&limit=1", c->own_org);
    g_autofree char *p2 = g_strdup_printf ("/api/v1/organizations?parent_id=%" G_GINT64_FORMAT "&limit=1",
                                           c->foreign_org);
    g_autofree char *p3 = NULL;

    c->own_child_org = first_id (c, p1);
    c->foreign_child_org = first_id (c, p2);
    p3 = g_strdup_printf ("/api/v1/members?org_id=%" G_GINT64_FORMAT "&limit=1", c->own_child_org);
    c->own_member = first_id (c, p3);
  }
  make_principal (c, &c->p[P_VIEWER], "viewer", "viewer", 0);
  make_principal (c, &c->p[P_SECRETARY], "secretary", "secretary", c->own_org);
  make_principal (c, &c->p[P_ADMIN], "admin", "admin", 0);
  {
    /* Anonymous has no account; lines that log in use this one. */
    g_autofree char *t = NULL;
    c->spare.username = g_strdup ("perm-spare");
    c->spare.password = g_strdup ("perm password of the spare");
    t = lj_test_server_create_user (c->server, c->spare.username, "viewer", 0, c->spare.password, &c->spare.user_id);
  }
  c->p[P_ANON].username = g_strdup (c->spare.username);
  c->admin = c->p[P_ADMIN].token;
  load_routes (c);
}

static void
principal_clear (Principal *p)
{
  g_free (p->username);
  g_free (p->password);
  g_free (p->token);
}

static void
ctx_clear (Ctx *c)
{
  for (guint i = 0; i < N_PRINCIPALS; i++)
    principal_clear (&c->p[i]);
  principal_clear (&c->spare);
  sqlite3_close (c->db);
  lj_test_server_free (c->server);
  g_ptr_array_unref (c->lines);
  g_hash_table_unref (c->fixtures);
  g_hash_table_unref (c->labels);
  g_ptr_array_unref (c->routes);
  g_hash_table_unref (c->public_routes);
  g_string_free (c->failures, TRUE);
  g_free (c->new_password);
}

static void
report (Ctx *c, const char *what)
{
  if (c->n_failures == 0)
    return;
  g_test_message ("%s: %u failures:\n%s", what, c->n_failures, c->failures->str);
  g_printerr ("%s: %u failures:\n%s", what, c->n_failures, c->failures->str);
  g_test_fail ();
}

/* ---- the tests ---- */

/* Every registered route has a line; every line names a registered route. */
static void
test_table_covers_routes (void)
{
  Ctx c;
  g_autoptr (GHashTable) in_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) registered = g_hash_table_new (g_str_hash, g_str_equal);

  ctx_init (&c);
  for (guint i = 0; i < c.lines->len; i++)
    {
      PermLine *l = c.lines->pdata[i];
      g_hash_table_add (in_table, g_strdup_printf ("%s %s", l->method, l->pattern));
    }
  for (guint i = 0; i < c.routes->len; i++)
    {
      g_hash_table_add (registered, c.routes->pdata[i]);
      if (!g_hash_table_contains (in_table, c.routes->pdata[i]))
        fail (&c, "route %s has no line in tests/api/permissions.tsv: declare who may call it",
              (char *) c.routes->pdata[i]);
    }
  for (guint i = 0; i < c.lines->len; i++)
    {
      PermLine *l = c.lines->pdata[i];
      g_autofree char *key = g_strdup_printf ("%s %s", l->method, l->pattern);
      if (!g_hash_table_contains (registered, key))
        fail (&c, "permissions.tsv:%u: %s is not a registered route", l->lineno, key);
    }
  g_test_message ("%u routes registered, %u table lines", c.routes->len, c.lines->len);
  report (&c, "route coverage");
  ctx_clear (&c);
}

static void
test_table_replay (void)
{
  Ctx c;

  ctx_init (&c);
  for (guint i = 0; i < c.lines->len; i++)
    for (guint p = 0; p < N_PRINCIPALS; p++)
      replay (&c, c.lines->pdata[i], p);
  g_test_message ("replayed %u lines x %u principals = %u requests", c.lines->len, N_PRINCIPALS,
                  c.lines->len * N_PRINCIPALS);
  report (&c, "permission table");
  ctx_clear (&c);
}

/* A token that is malformed, unknown, revoked, expired or whose user is
 * disabled is 401 with WWW-Authenticate: Bearer on every route that is not
 * public, and writes nothing. */
static void
test_bad_tokens (void)
{
  Ctx c;
  g_autofree char *unknown = g_strnfill (43, 'A');
  g_autofree char *unknown_token = g_strconcat ("lj_", unknown, NULL);
  g_autofree char *revoked = NULL, *expired_api = NULL, *expired_session = NULL, *disabled = NULL;
  gint64 uid = 0;
  guint audit_before;

  ctx_init (&c);
  {
    /* revoked: an API token deleted by an admin */
    gint64 token_id;
    g_autofree char *path = NULL;
    g_autofree char *t = lj_test_server_create_user (c.server, "perm-revoked", "viewer", 0, NULL, &uid);
    g_autoptr (LjTestResponse) r = NULL;
    g_autoptr (LjTestResponse) d = NULL;

    path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/tokens", uid);
    r = admin_ok (&c, "POST", path, "{\"name\":\"soon revoked\"}", 201);
    revoked = g_strdup (lj_test_member_string (r, "token"));
    token_id = lj_test_member_int (r, "id");
    g_free (path);
    path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/tokens/%" G_GINT64_FORMAT, uid, token_id);
    d = admin_ok (&c, "DELETE", path, NULL, 204);
  }
  {
    /* disabled: the user's own token after the user is disabled */
    g_autofree char *path = NULL;
    g_autoptr (LjTestResponse) r = NULL;

    disabled = lj_test_server_create_user (c.server, "perm-disabled", "secretary", c.own_org, NULL, &uid);
    path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, uid);
    r = admin_ok (&c, "PATCH", path, "{\"disabled\":true}", 200);
  }
  {
    /* expired: an API token with an expiry, and a session, then 13 hours pass */
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr (GDateTime) later = g_date_time_add_hours (now, 1);
    g_autofree char *stamp = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *body = g_strdup_printf ("{\"name\":\"expiring\",\"expires_at\":\"%s\"}", stamp);
    g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/tokens", c.p[P_VIEWER].user_id);
    g_autoptr (LjTestResponse) r = admin_ok (&c, "POST", path, body, 201);

    expired_api = g_strdup (lj_test_member_string (r, "token"));
    expired_session = session_token (&c, &c.p[P_SECRETARY]);
    lj_clock_advance_for_testing (13 * 3600);
  }
  audit_before = audit_count (&c);
  {
    const struct { const char *name, *header; } bad[] = {
      { "malformed", "Bearer not-a-token" },
      { "unknown", NULL },
      { "revoked", NULL },
      { "expired API token", NULL },
      { "expired session", NULL },
      { "disabled user", NULL },
      { "not Bearer", "Basic YWRtaW46YWRtaW4=" },
    };
    const char *tokens[] = { NULL, unknown_token, revoked, expired_api, expired_session, disabled, NULL };

    for (guint i = 0; i < c.routes->len; i++)
      {
        const char *key = c.routes->pdata[i];
        const char *space = strchr (key, ' ');
        g_autofree char *method = g_strndup (key, space - key);
        g_autofree char *path = fill_path (space + 1, 1, 1, 1);
        gboolean body = strcmp (method, "POST") == 0 || strcmp (method, "PATCH") == 0;

        if (g_hash_table_contains (c.public_routes, key))
          {
            /* Public routes need no token; what a bad one gets is noted,
             * not asserted. */
            g_autoptr (LjTestResponse) r = lj_test_request_as (c.server, NULL, method, path, body ? "{}" : NULL,
                                                               "Authorization", "Bearer not-a-token", NULL);
            g_test_message ("public %s %s with a malformed token: %u", method, path, r->status);
            continue;
          }
        for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
          {
            g_autofree char *header = bad[b].header ? g_strdup (bad[b].header)
                                                    : g_strconcat ("Bearer ", tokens[b], NULL);
            g_autoptr (LjTestResponse) r = lj_test_request_as (c.server, NULL, method, path, body ? "{}" : NULL,
                                                               "Authorization", header, NULL);
            const char *www = soup_message_headers_get_one (r->headers, "WWW-Authenticate");

            if (r->status != 401)
              fail (&c, "%s %s with a %s token: expected 401, got %u: %s", method, path, bad[b].name, r->status,
                    body_text (r));
            else if (www == NULL || !g_str_has_prefix (www, "Bearer"))
              fail (&c, "%s %s with a %s token: 401 without WWW-Authenticate: Bearer", method, path, bad[b].name);
          }
      }
  }
  if (audit_count (&c) != audit_before)
    fail (&c, "requests with bad tokens left %u audit rows", audit_count (&c) - audit_before);
  lj_clock_reset_for_testing ();
  report (&c, "bad tokens");
  ctx_clear (&c);
}

int
main (int argc, char *argv[])
{
  /* Every scenario runs and reports, even after one fails. */
  g_autofree char **args = g_new0 (char *, argc + 2);
  int n = argc + 1;

  memcpy (args, argv, argc * sizeof (char *));
  args[argc] = (char *) "--keep-going";
  argv = args;
  g_test_init (&n, &argv, NULL);
  /* The server runs in this process: its warnings (a failed request) must
   * become statuses the table checks, not aborts. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/permissions/table-covers-routes", test_table_covers_routes);
  g_test_add_func ("/permissions/table", test_table_replay);
  g_test_add_func ("/permissions/bad-tokens", test_bad_tokens);
  return g_test_run ();
}
