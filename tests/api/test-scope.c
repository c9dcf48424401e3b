/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Organisation scope, private fields and the audit trail, scenario by
 * scenario, on a demo park: a secretary of a chain committee (organisations
 * below it), a secretary of another chain committee, a viewer, an admin. */
#include <string.h>
#include <sqlite3.h>

#include "lj-test-server.h"
#include "domain/lj-credit-code.h"

#define PHONE "13912345678"
#define BIRTH "1988-08-08"
#define ENT_PHONE "0878-7654321"
/* the same fields of the records outside the secretary's subtree */
#define PHONE_OUT "13700000001"
#define BIRTH_OUT "1977-07-07"
#define ENT_PHONE_OUT "0878-1111111"

typedef struct {
  LjTestServer *s;
  const char *admin;            /* the harness admin */
  char   *viewer, *sec, *other_sec;
  gint64  viewer_id, sec_id, other_sec_id;
  gint64  own_org, own_child, foreign_org, foreign_child;
  gint64  own_member, foreign_member;   /* fresh, with private fields */
  gint64  own_enterprise, foreign_enterprise;
  guint   uniq;
} Fx;

static const char *
text_of (LjTestResponse *r)
{
  static char buf[600];
  gsize len = r->body ? g_bytes_get_size (r->body) : 0;

  g_snprintf (buf, sizeof buf, "%.*s", (int) MIN (len, sizeof buf - 1),
              len ? (const char *) g_bytes_get_data (r->body, NULL) : "");
  return buf;
}

static char *
full_body (LjTestResponse *r)
{
  gsize len = r->body ? g_bytes_get_size (r->body) : 0;

  return g_strndup (len ? g_bytes_get_data (r->body, NULL) : "", len);
}

static LjTestResponse *
req (Fx *f, const char *token, const char *method, const char *path, const char *body, guint expect)
{
  LjTestResponse *r = lj_test_request_as (f->s, token, method, path, body, NULL);

  if (r->status != expect)
    g_test_message ("%s %s %s -> %u (expected %u): %s", method, path, body ? body : "", r->status, expect,
                    text_of (r));
  g_assert_cmpuint (r->status, ==, expect);
  return r;
}

static gint64
create (Fx *f, const char *token, const char *collection, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/%s", collection);
  g_autoptr (LjTestResponse) r = req (f, token, "POST", path, body, 201);

  return lj_test_member_int (r, "id");
}

static gint64
first_id (Fx *f, const char *path, guint index)
{
  g_autoptr (LjTestResponse) r = req (f, f->admin, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  g_assert_cmpuint (json_array_get_length (items), >, index);
  return json_object_get_int_member (json_array_get_object_element (items, index), "id");
}

static sqlite3 *
open_db (Fx *f, int flags)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (lj_test_server_get_db_path (f->s), &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
audit_rows (Fx *f)
{
  sqlite3 *db = open_db (f, SQLITE_OPEN_READONLY);
  sqlite3_stmt *st = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM audit", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

static char *
get_body (Fx *f, const char *path)
{
  g_autoptr (LjTestResponse) r = req (f, f->admin, "GET", path, NULL, 200);

  return full_body (r);
}

static gint64
make_enterprise (Fx *f, gint64 cover)
{
  g_autofree char *body = NULL;
  g_autofree char *org_path = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, cover);
  g_autoptr (LjTestResponse) org = NULL;
  g_autoptr (LjTestResponse) patched = NULL;
  g_autoptr (GString) ids = g_string_new ("{\"enterprise_ids\":[");
  /* 91530000MA + 7 digits + check: two fixed, valid codes */
  const char *code = cover == f->own_child ? "91530000MA6000001" : "91530000MA6000002";
  JsonArray *current;
  gint64 id;

  body = g_strdup_printf ("{\"name\":\"Scope enterprise %" G_GINT64_FORMAT "\",\"credit_code\":\"%s%c\","
                          "\"size\":\"small\",\"ownership\":\"non_public\",\"contact_phone\":\"%s\"}",
                          cover, code, lj_credit_code_check_char (code),
                          cover == f->own_child ? ENT_PHONE : ENT_PHONE_OUT);
  id = create (f, f->admin, "enterprises", body);
  org = req (f, f->admin, "GET", org_path, NULL, 200);
  current = json_object_get_array_member (lj_test_object (org), "enterprise_ids");
  for (guint i = 0; i < json_array_get_length (current); i++)
    g_string_append_printf (ids, "%" G_GINT64_FORMAT ",", json_array_get_int_element (current, i));
  g_string_append_printf (ids, "%" G_GINT64_FORMAT "]}", id);
  patched = req (f, f->admin, "PATCH", org_path, ids->str, 200);
  return id;
}

static Fx *
fx_new (void)
{
  Fx *f = g_new0 (Fx, 1);
  g_autofree char *p = NULL;
  g_autofree char *body = NULL;

  f->s = lj_test_server_start (LJ_TEST_SERVER_DEMO, 0);
  f->admin = lj_test_server_get_admin_token (f->s);
  f->own_org = first_id (f, "/api/v1/organizations?kind=chain_committee&limit=2", 0);
  f->foreign_org = first_id (f, "/api/v1/organizations?kind=chain_committee&limit=2", 1);
  p = g_strdup_printf ("/api/v1/organizations?parent_id=%" G_GINT64_FORMAT "&limit=1", f->own_org);
  f->own_child = first_id (f, p, 0);
  g_free (p);
  p = g_strdup_printf ("/api/v1/organizations?parent_id=%" G_GINT64_FORMAT "&limit=1", f->foreign_org);
  f->foreign_child = first_id (f, p, 0);
  f->viewer = lj_test_server_create_user (f->s, "scope-viewer", "viewer", 0, NULL, &f->viewer_id);
  f->sec = lj_test_server_create_user (f->s, "scope-secretary", "secretary", f->own_org, NULL, &f->sec_id);
  f->other_sec = lj_test_server_create_user (f->s, "scope-other-secretary", "secretary", f->foreign_org, NULL,
                                             &f->other_sec_id);
  body = g_strdup_printf ("{\"name\":\"Scope member in\",\"status\":\"formal\",\"org_id\":%" G_GINT64_FORMAT
                          ",\"phone\":\"" PHONE "\",\"birth_date\":\"" BIRTH "\"}", f->own_child);
  f->own_member = create (f, f->admin, "members", body);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"Scope member out\",\"status\":\"formal\",\"org_id\":%" G_GINT64_FORMAT
                          ",\"phone\":\"" PHONE_OUT "\",\"birth_date\":\"" BIRTH_OUT "\"}", f->foreign_child);
  f->foreign_member = create (f, f->admin, "members", body);
  f->own_enterprise = make_enterprise (f, f->own_child);
  f->foreign_enterprise = make_enterprise (f, f->foreign_child);
  return f;
}

static void
fx_free (Fx *f)
{
  g_free (f->viewer);
  g_free (f->sec);
  g_free (f->other_sec);
  lj_test_server_free (f->s);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fx, fx_free)

/* ---- private fields ---- */

static void
assert_private (Fx *f, const char *token, const char *path, const char *const *fields, gboolean shown)
{
  g_autoptr (LjTestResponse) r = req (f, token, "GET", path, NULL, 200);
  JsonObject *o = lj_test_object (r);

  for (guint i = 0; fields[i]; i++)
    {
      if (json_object_has_member (o, fields[i]) != shown)
        g_test_message ("GET %s: %s %s", path, fields[i], shown ? "missing" : "shown");
      g_assert_true (json_object_has_member (o, fields[i]) == shown);
    }
}

/* In a list filtered to one organisation: every item shows @fields, or none. */
static void
assert_private_in_list (Fx *f, const char *token, const char *path, const char *const *fields, gboolean shown)
{
  g_autoptr (LjTestResponse) r = req (f, token, "GET", path, NULL, 200);
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    for (guint j = 0; fields[j]; j++)
      {
        JsonObject *o = json_array_get_object_element (items, i);
        if (json_object_has_member (o, fields[j]) != shown)
          g_test_message ("GET %s: item %u: %s %s", path, i, fields[j], shown ? "missing" : "shown");
        g_assert_true (json_object_has_member (o, fields[j]) == shown);
      }
}

static void
test_private_fields (void)
{
  g_autoptr (Fx) f = fx_new ();
  static const char *const member_private[] = { "phone", "birth_date", NULL };
  static const char *const enterprise_private[] = { "contact_phone", NULL };
  g_autofree char *in = g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, f->own_member);
  g_autofree char *out = g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, f->foreign_member);
  g_autofree char *in_list = g_strdup_printf ("/api/v1/members?org_id=%" G_GINT64_FORMAT "&limit=500", f->own_child);
  g_autofree char *out_list = g_strdup_printf ("/api/v1/members?org_id=%" G_GINT64_FORMAT "&limit=500",
                                               f->foreign_child);
  g_autofree char *e_in = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, f->own_enterprise);
  g_autofree char *e_out = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, f->foreign_enterprise);
  g_autofree char *e_in_list = g_strdup_printf ("/api/v1/enterprises?q=Scope%%20enterprise%%20%" G_GINT64_FORMAT,
                                                f->own_child);
  g_autofree char *e_out_list = g_strdup_printf ("/api/v1/enterprises?q=Scope%%20enterprise%%20%" G_GINT64_FORMAT,
                                                 f->foreign_child);

  /* single records */
  assert_private (f, f->admin, in, member_private, TRUE);
  assert_private (f, f->admin, out, member_private, TRUE);
  assert_private (f, f->sec, in, member_private, TRUE);
  assert_private (f, f->sec, out, member_private, FALSE);
  assert_private (f, f->other_sec, in, member_private, FALSE);
  assert_private (f, f->viewer, in, member_private, FALSE);
  assert_private (f, f->viewer, out, member_private, FALSE);
  assert_private (f, f->admin, e_in, enterprise_private, TRUE);
  assert_private (f, f->sec, e_in, enterprise_private, TRUE);
  assert_private (f, f->sec, e_out, enterprise_private, FALSE);
  assert_private (f, f->viewer, e_in, enterprise_private, FALSE);
  /* lists */
  assert_private_in_list (f, f->admin, in_list, member_private, TRUE);
  assert_private_in_list (f, f->admin, out_list, member_private, TRUE);
  assert_private_in_list (f, f->sec, in_list, member_private, TRUE);
  assert_private_in_list (f, f->sec, out_list, member_private, FALSE);
  assert_private_in_list (f, f->other_sec, in_list, member_private, FALSE);
  assert_private_in_list (f, f->viewer, in_list, member_private, FALSE);
  assert_private_in_list (f, f->sec, e_in_list, enterprise_private, TRUE);
  assert_private_in_list (f, f->sec, e_out_list, enterprise_private, FALSE);
  assert_private_in_list (f, f->viewer, e_in_list, enterprise_private, FALSE);
  /* The secretary's own write answers with the record: private fields
   * shown, since the record is theirs. */
  {
    g_autoptr (LjTestResponse) r = req (f, f->sec, "PATCH", in, "{\"position\":\"组织委员\"}", 200);
    g_assert_true (json_object_has_member (lj_test_object (r), "phone"));
  }
}

/* Nowhere a viewer can read shows a private value. */
static void
test_private_values_do_not_leak (void)
{
  g_autoptr (Fx) f = fx_new ();
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gint64 activity;
  g_autofree char *body = g_strdup_printf ("{\"title\":\"Scope leak probe\",\"kind\":\"other\",\"organizer_org_id\":%"
                                           G_GINT64_FORMAT ",\"starts_at\":\"2026-03-01T08:00:00Z\"}", f->own_org);

  activity = create (f, f->admin, "activities", body);
  {
    g_autofree char *p = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT "/attendance", activity);
    g_autofree char *b = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]}",
                                          f->own_member, f->foreign_member);
    g_autoptr (LjTestResponse) r = req (f, f->admin, "POST", p, b, 200);
    g_ptr_array_add (paths, g_steal_pointer (&p));
  }
  g_ptr_array_add (paths, g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, f->own_member));
  g_ptr_array_add (paths, g_strdup_printf ("/api/v1/members?org_id=%" G_GINT64_FORMAT, f->own_child));
  g_ptr_array_add (paths, g_strdup ("/api/v1/members?q=Scope"));
  g_ptr_array_add (paths, g_strdup ("/api/v1/members?q=Sc"));
  g_ptr_array_add (paths, g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, f->own_enterprise));
  g_ptr_array_add (paths, g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/timeline", f->own_enterprise));
  g_ptr_array_add (paths, g_strdup ("/api/v1/enterprises?q=Scope"));
  g_ptr_array_add (paths, g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT "/subtree", f->own_org));
  g_ptr_array_add (paths, g_strdup ("/api/v1/stats/overview"));
  for (guint i = 0; i < paths->len; i++)
    {
      /* The viewer sees no private value; the other secretary none from
       * outside their subtree (the secretary's side). */
      const char *const who[] = { f->viewer, f->other_sec };
      const char *const values[] = { PHONE, BIRTH, ENT_PHONE, PHONE_OUT, BIRTH_OUT, ENT_PHONE_OUT };
      for (guint w = 0; w < G_N_ELEMENTS (who); w++)
        {
          g_autoptr (LjTestResponse) r = lj_test_request_as (f->s, who[w], "GET", paths->pdata[i], NULL, NULL);
          g_autofree char *text = full_body (r);

          if (r->status != 200)
            {
              /* Not a leak, but not an answer either: report and go on. */
              g_test_fail_printf ("GET %s -> %u: %s", (char *) paths->pdata[i], r->status, text);
              continue;
            }

          for (guint v = 0; v < (w ? 3 : G_N_ELEMENTS (values)); v++)
            {
              if (strstr (text, values[v]))
                g_test_message ("GET %s as %s shows the private value %s: %s", (char *) paths->pdata[i],
                                w ? "another secretary" : "viewer", values[v], text);
              g_assert_null (strstr (text, values[v]));
            }
        }
    }
}

static void
test_private_filters_and_sort (void)
{
  g_autoptr (Fx) f = fx_new ();
  const char *const tokens[] = { f->viewer, f->sec };
  const struct { const char *path, *field; } probes[] = {
    { "/api/v1/members?phone=" PHONE, "phone" },
    { "/api/v1/members?birth_date=" BIRTH, "birth_date" },
    { "/api/v1/members?sort=birth_date", "sort" },
    { "/api/v1/members?sort=-phone", "sort" },
    { "/api/v1/enterprises?contact_phone=" ENT_PHONE, "contact_phone" },
    { "/api/v1/enterprises?sort=contact_phone", "sort" },
  };

  for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
    for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
      {
        g_autoptr (LjTestResponse) r = req (f, tokens[t], "GET", probes[i].path, NULL, 422);
        g_assert_true (lj_test_has_field_error (r, probes[i].field));
      }
}

/* ---- writes outside the scope ---- */

static void
test_secretary_writes (void)
{
  g_autoptr (Fx) f = fx_new ();
  gint64 audit = audit_rows (f);
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  gint64 own_activity, foreign_activity;

  /* an activity for another organisation: 403, nothing written */
  before = get_body (f, "/api/v1/activities?limit=1&sort=-id");
  body = g_strdup_printf ("{\"title\":\"Not mine\",\"kind\":\"other\",\"organizer_org_id\":%" G_GINT64_FORMAT
                          ",\"starts_at\":\"2026-03-01T08:00:00Z\"}", f->foreign_org);
  lj_test_response_free (req (f, f->sec, "POST", "/api/v1/activities", body, 403));
  after = get_body (f, "/api/v1/activities?limit=1&sort=-id");
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (audit_rows (f), ==, audit);
  /* ... for one below theirs: 201 */
  g_free (body);
  body = g_strdup_printf ("{\"title\":\"Mine\",\"kind\":\"other\",\"organizer_org_id\":%" G_GINT64_FORMAT
                          ",\"starts_at\":\"2026-03-01T08:00:00Z\"}", f->own_child);
  own_activity = create (f, f->sec, "activities", body);
  g_assert_cmpint (audit_rows (f), ==, audit + 1);
  g_free (body);
  body = g_strdup_printf ("{\"title\":\"Theirs\",\"kind\":\"other\",\"organizer_org_id\":%" G_GINT64_FORMAT
                          ",\"starts_at\":\"2026-03-01T08:00:00Z\"}", f->foreign_org);
  foreign_activity = create (f, f->admin, "activities", body);
  audit = audit_rows (f);

  /* attendance at a foreign activity: 403, list unchanged */
  path = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT "/attendance", foreign_activity);
  g_free (before);
  before = get_body (f, path);
  g_free (body);
  body = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT "]}", f->own_member);
  lj_test_response_free (req (f, f->sec, "POST", path, body, 403));
  g_free (after);
  after = get_body (f, path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (audit_rows (f), ==, audit);
  /* ... but to their own: 200 */
  g_free (path);
  path = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT "/attendance", own_activity);
  lj_test_response_free (req (f, f->sec, "POST", path, body, 200));
  g_assert_cmpint (audit_rows (f), ==, ++audit);

  /* a member moved out of the subtree: 403, member unchanged */
  g_free (path);
  path = g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, f->own_member);
  g_free (before);
  before = get_body (f, path);
  g_free (body);
  body = g_strdup_printf ("{\"org_id\":%" G_GINT64_FORMAT "}", f->foreign_child);
  lj_test_response_free (req (f, f->sec, "PATCH", path, body, 403));
  g_free (after);
  after = get_body (f, path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (audit_rows (f), ==, audit);
  /* ... moved within it: fine */
  g_free (body);
  body = g_strdup_printf ("{\"org_id\":%" G_GINT64_FORMAT "}", f->own_org);
  lj_test_response_free (req (f, f->sec, "PATCH", path, body, 200));
  g_assert_cmpint (audit_rows (f), ==, ++audit);

  /* their own organisation's record: 403; one below it: 200 */
  g_free (path);
  path = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, f->own_org);
  g_free (before);
  before = get_body (f, path);
  lj_test_response_free (req (f, f->sec, "PATCH", path, "{\"founded_on\":\"2001-07-01\"}", 403));
  g_free (after);
  after = get_body (f, path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (audit_rows (f), ==, audit);
  g_free (path);
  path = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, f->own_child);
  lj_test_response_free (req (f, f->sec, "PATCH", path, "{\"founded_on\":\"2001-07-01\"}", 200));
  g_assert_cmpint (audit_rows (f), ==, ++audit);
  /* ... nor lift one below it out of the subtree */
  g_free (body);
  body = g_strdup_printf ("{\"parent_id\":%" G_GINT64_FORMAT "}", f->foreign_org);
  lj_test_response_free (req (f, f->sec, "PATCH", path, body, 403));
  g_assert_cmpint (audit_rows (f), ==, audit);

  /* viewers write nothing */
  g_free (path);
  path = g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, f->own_member);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"V\",\"status\":\"formal\",\"org_id\":%" G_GINT64_FORMAT "}", f->own_child);
  lj_test_response_free (req (f, f->viewer, "POST", "/api/v1/members", body, 403));
  lj_test_response_free (req (f, f->viewer, "PATCH", path, "{\"position\":\"x\"}", 403));
  lj_test_response_free (req (f, f->viewer, "DELETE", path, NULL, 403));
  lj_test_response_free (req (f, f->viewer, "POST", "/api/v1/chains", "{\"name\":\"Viewer chain\"}", 403));
  g_assert_cmpint (audit_rows (f), ==, audit);

  /* an admin-only resource */
  g_free (before);
  before = get_body (f, "/api/v1/chains");
  lj_test_response_free (req (f, f->sec, "POST", "/api/v1/chains", "{\"name\":\"Secretary chain\"}", 403));
  lj_test_response_free (req (f, f->sec, "PATCH", "/api/v1/chains/1", "{\"description\":\"x\"}", 403));
  lj_test_response_free (req (f, f->sec, "DELETE", "/api/v1/chains/1", NULL, 403));
  g_free (after);
  after = get_body (f, "/api/v1/chains");
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (audit_rows (f), ==, audit);

  /* a secretary cannot make themself an admin */
  g_free (path);
  path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, f->sec_id);
  lj_test_response_free (req (f, f->sec, "PATCH", path, "{\"role\":\"admin\"}", 403));
  {
    g_autoptr (LjTestResponse) me = req (f, f->sec, "GET", "/api/v1/me", NULL, 200);
    g_autofree char *text = full_body (me);
    g_assert_nonnull (strstr (text, "\"secretary\""));
  }
  g_assert_cmpint (audit_rows (f), ==, audit);
}

/* The working committee is admin-only to write, even for the secretary
 * whose scope is the whole tree below it. */
static void
test_working_committee_is_admin_only (void)
{
  g_autoptr (Fx) f = fx_new ();
  gint64 root = first_id (f, "/api/v1/organizations?kind=working_committee", 0);
  g_autofree char *token = lj_test_server_create_user (f->s, "scope-root-secretary", "secretary", root, NULL, NULL);
  g_autofree char *root_path = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, root);
  g_autofree char *below = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, f->own_org);
  g_autofree char *before = get_body (f, root_path);
  g_autofree char *after = NULL;
  gint64 audit = audit_rows (f);

  lj_test_response_free (req (f, token, "PATCH", root_path, "{\"founded_on\":\"1999-01-01\"}", 403));
  lj_test_response_free (req (f, token, "DELETE", root_path, NULL, 403));
  lj_test_response_free (req (f, token, "POST", "/api/v1/chains", "{\"name\":\"Root secretary chain\"}", 403));
  after = get_body (f, root_path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (audit_rows (f), ==, audit);
  /* everything below it is theirs */
  lj_test_response_free (req (f, token, "PATCH", below, "{\"founded_on\":\"1999-01-01\"}", 200));
  g_assert_cmpint (audit_rows (f), ==, audit + 1);
}

/* Covering an enterprise is a change to the organisation's record, but it
 * also makes the enterprise the secretary's (its owner is any organisation
 * covering it).  Claiming one nobody covers is how a secretary takes on a
 * new enterprise; claiming one another organisation covers would hand them
 * that organisation's record, private contact phone included: 403. */
static void
test_secretary_cannot_claim_foreign_enterprise (void)
{
  g_autoptr (Fx) f = fx_new ();
  g_autofree char *org = g_strdup_printf ("/api/v1/organizations/%" G_GINT64_FORMAT, f->own_child);
  g_autofree char *ent = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, f->foreign_enterprise);
  g_autoptr (LjTestResponse) cur = req (f, f->admin, "GET", org, NULL, 200);
  JsonArray *current = json_object_get_array_member (lj_test_object (cur), "enterprise_ids");
  g_autoptr (GString) ids = g_string_new ("{\"enterprise_ids\":[");
  g_autofree char *ent_before = get_body (f, ent);
  g_autofree char *org_before = get_body (f, org);
  g_autofree char *ent_after = NULL, *org_after = NULL;
  g_autoptr (LjTestResponse) r = NULL;

  for (guint i = 0; i < json_array_get_length (current); i++)
    g_string_append_printf (ids, "%" G_GINT64_FORMAT ",", json_array_get_int_element (current, i));
  g_string_append_printf (ids, "%" G_GINT64_FORMAT "]}", f->foreign_enterprise);
  r = lj_test_request_as (f->s, f->sec, "PATCH", org, ids->str, NULL);
  if (r->status != 403)
    {
      g_autoptr (LjTestResponse) e = lj_test_request_as (f->s, f->sec, "PATCH", ent, "{\"name\":\"Taken over\"}", NULL);
      g_test_fail_printf ("a secretary covered enterprise %" G_GINT64_FORMAT " of another subtree (PATCH %s -> %u), "
                          "then PATCH %s -> %u: %s", f->foreign_enterprise, org, r->status, ent, e->status,
                          text_of (e));
      return;
    }
  ent_after = get_body (f, ent);
  org_after = get_body (f, org);
  g_assert_cmpstr (ent_before, ==, ent_after);
  g_assert_cmpstr (org_before, ==, org_after);
}

/* ---- the audit trail ---- */

static JsonObject *
only_item (LjTestResponse *r)
{
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

  g_assert_cmpuint (json_array_get_length (items), >=, 1);
  return json_array_get_object_element (items, 0);
}

static void
assert_audit_row (JsonObject *row, Fx *f, const char *action, const char *entity, gint64 entity_id,
                  const char *request_id)
{
  g_assert_cmpint (json_object_get_int_member (row, "actor_user_id"), ==, f->sec_id);
  g_assert_cmpstr (json_object_get_string_member (row, "actor_role"), ==, "secretary");
  g_assert_cmpint (json_object_get_int_member (row, "actor_org_id"), ==, f->own_org);
  g_assert_cmpstr (json_object_get_string_member (row, "action"), ==, action);
  g_assert_cmpstr (json_object_get_string_member (row, "entity"), ==, entity);
  g_assert_cmpint (json_object_get_int_member (row, "entity_id"), ==, entity_id);
  g_assert_cmpstr (json_object_get_string_member (row, "request_id"), ==, request_id);
  g_assert_nonnull (json_object_get_string_member (row, "at"));
  g_assert_nonnull (json_object_get_string_member (row, "client_address"));
}

static void
test_audit_rows (void)
{
  g_autoptr (Fx) f = fx_new ();
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Audited member\",\"status\":\"probationary\",\"org_id\":%"
                                           G_GINT64_FORMAT ",\"position\":\"技术员\"}", f->own_child);
  g_autofree char *path = NULL;
  g_autofree char *q = NULL;
  gint64 id;

  /* create */
  {
    g_autoptr (LjTestResponse) r = req (f, f->sec, "POST", "/api/v1/members", body, 201);
    g_autoptr (LjTestResponse) a = NULL;
    JsonObject *row, *after;

    id = lj_test_member_int (r, "id");
    q = g_strdup_printf ("/api/v1/audit?entity=members&entity_id=%" G_GINT64_FORMAT, id);
    a = req (f, f->admin, "GET", q, NULL, 200);
    row = only_item (a);
    assert_audit_row (row, f, "create", "members", id, soup_message_headers_get_one (r->headers, "X-Request-Id"));
    after = json_object_get_object_member (row, "after");
    g_assert_cmpstr (json_object_get_string_member (after, "name"), ==, "Audited member");
    g_assert_cmpstr (json_object_get_string_member (after, "position"), ==, "技术员");
  }
  /* update: only the changed fields, before and after */
  path = g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, id);
  {
    g_autoptr (LjTestResponse) r = req (f, f->sec, "PATCH", path, "{\"position\":\"支部书记\",\"name\":\"Audited member\"}",
                                        200);
    g_autoptr (LjTestResponse) a = req (f, f->admin, "GET", q, NULL, 200);
    JsonObject *row = only_item (a), *before, *after;

    g_test_message ("update audit row: %s", text_of (a));
    assert_audit_row (row, f, "update", "members", id, soup_message_headers_get_one (r->headers, "X-Request-Id"));
    before = json_object_get_object_member (row, "before");
    after = json_object_get_object_member (row, "after");
    g_assert_cmpstr (json_object_get_string_member (before, "position"), ==, "技术员");
    g_assert_cmpstr (json_object_get_string_member (after, "position"), ==, "支部书记");
    /* unchanged fields (even when sent) are not recorded */
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *o = i ? after : before;
        g_assert_false (json_object_has_member (o, "name"));
        g_assert_false (json_object_has_member (o, "org_id"));
        g_assert_false (json_object_has_member (o, "status"));
      }
  }
  /* delete */
  {
    g_autoptr (LjTestResponse) r = req (f, f->sec, "DELETE", path, NULL, 204);
    g_autoptr (LjTestResponse) a = req (f, f->admin, "GET", q, NULL, 200);
    JsonObject *row = only_item (a);

    assert_audit_row (row, f, "delete", "members", id, soup_message_headers_get_one (r->headers, "X-Request-Id"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "before"), "position"), ==,
                     "支部书记");
  }
  /* attendance */
  {
    g_autofree char *ab = g_strdup_printf ("{\"title\":\"Audited\",\"kind\":\"other\",\"organizer_org_id\":%"
                                           G_GINT64_FORMAT ",\"starts_at\":\"2026-03-01T08:00:00Z\"}", f->own_org);
    gint64 act = create (f, f->sec, "activities", ab);
    g_autofree char *ap = g_strdup_printf ("/api/v1/activities/%" G_GINT64_FORMAT "/attendance", act);
    g_autofree char *mb = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT "]}", f->own_member);
    g_autoptr (LjTestResponse) r = req (f, f->sec, "POST", ap, mb, 200);
    g_autofree char *aq = g_strdup_printf ("/api/v1/audit?entity=activities&entity_id=%" G_GINT64_FORMAT, act);
    g_autoptr (LjTestResponse) a = req (f, f->admin, "GET", aq, NULL, 200);

    assert_audit_row (only_item (a), f, "attendance.add", "activities", act,
                      soup_message_headers_get_one (r->headers, "X-Request-Id"));
  }
}

static guint
n_items (LjTestResponse *r)
{
  return json_array_get_length (json_object_get_array_member (lj_test_object (r), "items"));
}

static void
test_audit_api (void)
{
  g_autoptr (Fx) f = fx_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *path = g_strdup_printf ("/api/v1/members/%" G_GINT64_FORMAT, f->own_member);
  g_autofree char *q = NULL;
  g_autofree char *cursor = NULL;
  guint total = 0, pages = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *b = g_strdup_printf ("{\"position\":\"p%u\"}", i);
      lj_test_response_free (req (f, f->sec, "PATCH", path, b, 200));
    }
  /* entity + entity_id */
  q = g_strdup_printf ("/api/v1/audit?entity=members&entity_id=%" G_GINT64_FORMAT, f->own_member);
  {
    g_autoptr (LjTestResponse) r = req (f, f->admin, "GET", q, NULL, 200);
    g_assert_cmpuint (n_items (r), ==, 6);          /* the admin's create and five updates */
  }
  /* actor_id */
  g_free (q);
  q = g_strdup_printf ("/api/v1/audit?actor_id=%" G_GINT64_FORMAT, f->sec_id);
  {
    g_autoptr (LjTestResponse) r = req (f, f->admin, "GET", q, NULL, 200);
    JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");

    g_assert_cmpuint (json_array_get_length (items), ==, 5);
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, i), "actor_user_id"), ==,
                       f->sec_id);
  }
  /* from / to */
  {
    g_autoptr (LjTestResponse) future = req (f, f->admin, "GET", "/api/v1/audit?from=2999-01-01", NULL, 200);
    g_autoptr (LjTestResponse) past = req (f, f->admin, "GET", "/api/v1/audit?to=2000-01-01", NULL, 200);
    g_autoptr (LjTestResponse) bad = req (f, f->admin, "GET", "/api/v1/audit?from=yesterday", NULL, 422);
    g_autoptr (LjTestResponse) now = NULL;
    g_autoptr (GDateTime) dt = g_date_time_new_now_utc ();
    g_autoptr (GDateTime) start = g_date_time_add_hours (dt, -1);
    g_autofree char *stamp = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *pq = g_strdup_printf ("/api/v1/audit?actor_id=%" G_GINT64_FORMAT "&from=%s&to=2999-01-01",
                                           f->sec_id, stamp);

    g_assert_cmpuint (n_items (future), ==, 0);
    g_assert_cmpuint (n_items (past), ==, 0);
    now = req (f, f->admin, "GET", pq, NULL, 200);
    g_assert_cmpuint (n_items (now), ==, 5);
  }
  /* paging: limit 2 over the secretary's five rows, no overlap, newest first */
  for (;;)
    {
      g_autofree char *pq = g_strdup_printf ("/api/v1/audit?actor_id=%" G_GINT64_FORMAT "&limit=2%s%s", f->sec_id,
                                             cursor ? "&cursor=" : "", cursor ? cursor : "");
      g_autoptr (LjTestResponse) r = req (f, f->admin, "GET", pq, NULL, 200);
      JsonObject *o = lj_test_object (r);
      JsonArray *items = json_object_get_array_member (o, "items");
      JsonNode *next = json_object_get_member (o, "next_cursor");
      gint64 last = G_MAXINT64;

      g_assert_cmpuint (json_array_get_length (items), <=, 2);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          gint64 id = json_object_get_int_member (json_array_get_object_element (items, i), "id");
          g_assert_cmpint (id, <, last);
          last = id;
          g_assert_false (g_hash_table_contains (seen, &id));
          g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
          total++;
        }
      pages++;
      g_clear_pointer (&cursor, g_free);
      if (next == NULL || JSON_NODE_HOLDS_NULL (next))
        break;
      cursor = g_strdup (json_node_get_string (next));
      g_assert_cmpuint (pages, <, 10);
    }
  g_assert_cmpuint (total, ==, 5);
  g_assert_cmpuint (pages, ==, 3);
  {
    g_autoptr (LjTestResponse) r = req (f, f->admin, "GET", "/api/v1/audit?limit=501", NULL, 422);
    g_autoptr (LjTestResponse) s = req (f, f->sec, "GET", "/api/v1/audit", NULL, 403);
    g_autoptr (LjTestResponse) v = req (f, f->viewer, "GET", "/api/v1/audit", NULL, 403);
  }
}

/* The trigger refuses UPDATE and DELETE on the audit table, whoever asks. */
static void
test_audit_append_only (void)
{
  g_autoptr (Fx) f = fx_new ();
  sqlite3 *db;
  char *msg = NULL;
  gint64 n = audit_rows (f);
  int rc;

  g_assert_cmpint (n, >, 0);
  lj_test_server_stop (f->s);
  db = open_db (f, SQLITE_OPEN_READWRITE);
  rc = sqlite3_exec (db, "UPDATE audit SET action = 'forged' WHERE id = (SELECT max(id) FROM audit)", NULL, NULL, &msg);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (msg, "cannot be changed"));
  sqlite3_free (msg);
  msg = NULL;
  rc = sqlite3_exec (db, "DELETE FROM audit", NULL, NULL, &msg);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (msg, "cannot be deleted"));
  sqlite3_free (msg);
  sqlite3_close (db);
  g_assert_cmpint (audit_rows (f), ==, n);
  {
    sqlite3 *ro = open_db (f, SQLITE_OPEN_READONLY);
    sqlite3_stmt *st = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (ro, "SELECT count(*) FROM audit WHERE action = 'forged'", -1, &st, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (st, 0), ==, 0);
    sqlite3_finalize (st);
    sqlite3_close (ro);
  }
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
   * become statuses the tests check, not aborts. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/scope/private-fields", test_private_fields);
  g_test_add_func ("/scope/private-values-do-not-leak", test_private_values_do_not_leak);
  g_test_add_func ("/scope/private-filters-and-sort", test_private_filters_and_sort);
  g_test_add_func ("/scope/secretary-writes", test_secretary_writes);
  g_test_add_func ("/scope/working-committee-is-admin-only", test_working_committee_is_admin_only);
  g_test_add_func ("/scope/secretary-cannot-claim-foreign-enterprise", test_secretary_cannot_claim_foreign_enterprise);
  g_test_add_func ("/scope/audit-rows", test_audit_rows);
  g_test_add_func ("/scope/audit-api", test_audit_api);
  g_test_add_func ("/scope/audit-append-only", test_audit_append_only);
  return g_test_run ();
}
