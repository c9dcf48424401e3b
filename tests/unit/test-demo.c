/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pins the demo park: every figure lj-demo.h documents is checked with the
 * SQL aggregates a statistics endpoint would run, on a real database with
 * the core schema and foreign keys on; the load is shown to be
 * deterministic, to refuse a database that already holds data, and to leave
 * nothing behind when it fails halfway. */
#include "lj-credit-code.h"
#include "lj-demo.h"

#include <glib/gstdio.h>
#include <string.h>

#define SCHEMA_PATH "schemas/core/migrations/0001-core.sql"
/* Seeds other than the default must give the same figures. */
#define OTHER_SEED G_GUINT64_CONSTANT (1)
#define THIRD_SEED G_GUINT64_CONSTANT (0xFFFFFFFFFFFFFFFF)
/* SHA-256 of database_digest() for LJ_DEMO_DEFAULT_SEED.  It pins the
 * data across compilers and machines, not only across two runs; when the
 * demo tables change on purpose, update it from the failure message. */
#define GOLDEN_DIGEST "79d0f997696dbb34a9e4c0675e08d0fa6786865eefb3926bbe9fb398a65350f9"
/* The member at which the failure test's trigger aborts the load. */
#define FAILING_MEMBER_ID 300

static const char *const demo_tables[] = {
  "chains", "enterprises", "enterprise_chains", "organizations", "organization_enterprises",
  "members", "activities", "activity_co_organizers", "activity_attendance",
};

/* The tables that carry version and timestamps. */
static const char *const stamped_tables[] = {
  "chains", "enterprises", "organizations", "members", "activities",
};

static const char *const fts_tables[] = {
  "chains_fts", "enterprises_fts", "organizations_fts", "members_fts", "activities_fts",
};

typedef struct {
  char    *dir;
  sqlite3 *db;
} Fixture;

/* Helpers ---------------------------------------------------------------- */

static void
exec_ok (sqlite3 *db, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3 *
open_schema_db (const char *dir, const char *name)
{
  const char *source = g_getenv ("LJ_SOURCE_DIR");
  g_autofree char *schema_path = g_build_filename (source != NULL ? source : ".", SCHEMA_PATH, NULL);
  g_autofree char *db_path = g_build_filename (dir, name, NULL);
  g_autofree char *schema = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3 *db = NULL;

  g_file_get_contents (schema_path, &schema, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  exec_ok (db, "PRAGMA foreign_keys=ON");
  exec_ok (db, schema);
  return db;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return value;
}

/* For the period queries, bound as an API filter would bind them. */
static gint64
query_int_in_period (sqlite3 *db, const char *sql, const char *from, const char *to)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  sqlite3_bind_text (stmt, 1, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, to, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* A digest of a table's whole content, row by row in key order, with each
 * value's type so that 1 and '1' differ. */
static char *
table_digest (sqlite3 *db, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", table);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *stmt = NULL;
  guint rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      rows++;
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          guchar type = (guchar) sqlite3_column_type (stmt, i);
          const guchar *text = sqlite3_column_text (stmt, i);

          g_checksum_update (checksum, &type, 1);
          if (text != NULL)
            g_checksum_update (checksum, text, sqlite3_column_bytes (stmt, i));
          g_checksum_update (checksum, (const guchar *) "", 1);
        }
    }
  sqlite3_finalize (stmt);
  return g_strdup_printf ("%s:%u:%s", table, rows, g_checksum_get_string (checksum));
}

static char *
database_digest (sqlite3 *db)
{
  g_autoptr (GString) all = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (demo_tables); i++)
    {
      g_autofree char *digest = table_digest (db, demo_tables[i]);

      g_string_append_printf (all, "%s\n", digest);
    }
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
load_ok (sqlite3 *db, guint64 seed)
{
  g_autoptr (GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  g_assert_true (lj_demo_load (db, seed, &error));
  g_assert_no_error (error);
  g_test_message ("loaded seed %" G_GUINT64_FORMAT " in %.3f s", seed,
                  (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC);
}

static void
fixture_set_up_empty (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("lj-demo-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = open_schema_db (f->dir, "demo.db");
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  fixture_set_up_empty (f, data);
  load_ok (f->db, LJ_DEMO_DEFAULT_SEED);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->db, sqlite3_close);
  remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

/* Figures, as functions of a loaded database ----------------------------- */

static void
assert_chains (sqlite3 *db)
{
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM chains"), ==, LJ_DEMO_CHAINS);
  /* The six industries the article names are all there. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM chains WHERE name IN"
                                  " ('生物医药', '绿色食品', '绿色化工', '风电装备制造', '晶硅新能源', '绿色铜')"),
                   ==, 6);
  /* Each chain's committee leads that chain, under the working committee. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM chains c JOIN organizations o"
                                  " ON o.id = c.committee_org_id AND o.kind = 'chain_committee'"
                                  " AND o.chain_id = c.id"
                                  " JOIN organizations root ON root.id = o.parent_id"
                                  " AND root.kind = 'working_committee'"),
                   ==, LJ_DEMO_CHAINS);
  /* Each chain's lead enterprise is on it as its only lead. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM chains c JOIN enterprise_chains ec"
                                  " ON ec.enterprise_id = c.lead_enterprise_id AND ec.chain_id = c.id"
                                  " AND ec.role = 'lead'"),
                   ==, LJ_DEMO_CHAINS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprise_chains WHERE role = 'lead'"),
                   ==, LJ_DEMO_CHAINS);
  /* Every enterprise is on one or two chains. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises e WHERE"
                                  " (SELECT count(*) FROM enterprise_chains ec WHERE ec.enterprise_id = e.id)"
                                  " NOT BETWEEN 1 AND 2"),
                   ==, 0);
}

static void
assert_organizations (sqlite3 *db)
{
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations"), ==, LJ_DEMO_ORGANIZATIONS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations WHERE parent_id IS NULL"
                                  " AND kind = 'working_committee'"),
                   ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations"
                                  " WHERE kind IN ('committee', 'general_branch', 'branch', 'joint_branch')"),
                   ==, LJ_DEMO_ENTERPRISE_ORGS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations WHERE kind = 'committee'"), ==, LJ_DEMO_COMMITTEES);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations WHERE kind = 'general_branch'"), ==, LJ_DEMO_GENERAL_BRANCHES);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations WHERE kind = 'branch'"), ==, LJ_DEMO_BRANCHES);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations WHERE kind = 'joint_branch'"), ==, LJ_DEMO_JOINT_BRANCHES);
  /* Enterprise organisations hang under a chain committee, and only chain
   * committees say which chain they lead. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations o JOIN organizations p ON p.id = o.parent_id"
                                  " WHERE o.kind IN ('committee', 'general_branch', 'branch', 'joint_branch')"
                                  " AND p.kind = 'chain_committee' AND o.chain_id IS NULL"),
                   ==, LJ_DEMO_ENTERPRISE_ORGS);
  /* A joint branch covers 2-4 enterprises; every other one covers exactly its own. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations o WHERE kind = 'joint_branch' AND"
                                  " (SELECT count(*) FROM organization_enterprises oe WHERE oe.org_id = o.id)"
                                  " NOT BETWEEN 2 AND 4"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organization_enterprises oe"
                                  " JOIN organizations o ON o.id = oe.org_id WHERE o.kind = 'joint_branch'"),
                   ==, LJ_DEMO_JOINT_BRANCH_ENTERPRISES);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations o"
                                  " WHERE kind IN ('committee', 'general_branch', 'branch') AND"
                                  " (SELECT count(*) FROM organization_enterprises oe WHERE oe.org_id = o.id) != 1"),
                   ==, 0);
  /* An enterprise's organisation sits under the committee of one of its chains. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organization_enterprises oe"
                                  " JOIN organizations o ON o.id = oe.org_id"
                                  " JOIN organizations p ON p.id = o.parent_id"
                                  " WHERE NOT EXISTS (SELECT 1 FROM enterprise_chains ec"
                                  "  WHERE ec.enterprise_id = oe.enterprise_id AND ec.chain_id = p.chain_id)"),
                   ==, 0);
}

static void
assert_members (sqlite3 *db)
{
  gint64 probationary;

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members"), ==, LJ_DEMO_MEMBERS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members m JOIN organizations o ON o.id = m.org_id"
                                  " WHERE o.kind IN ('committee', 'general_branch', 'branch', 'joint_branch')"),
                   ==, LJ_DEMO_ENTERPRISE_ORG_MEMBERS);
  g_assert_cmpint (LJ_DEMO_ENTERPRISE_ORG_MEMBERS, >, 580);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members m JOIN organizations o ON o.id = m.org_id"
                                  " WHERE o.kind IN ('chain_committee', 'working_committee')"),
                   ==, LJ_DEMO_COMMITTEE_MEMBERS);
  /* Every organisation has a secretary, and the secretary is its member. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations o JOIN members m"
                                  " ON m.id = o.secretary_member_id AND m.org_id = o.id"),
                   ==, LJ_DEMO_ORGANIZATIONS);
  /* A branch needs three members; a joint branch has one in each enterprise. */
  g_assert_cmpint (query_int (db, "SELECT min(n) FROM (SELECT count(*) AS n FROM members m"
                                  " JOIN organizations o ON o.id = m.org_id"
                                  " WHERE o.kind IN ('committee', 'general_branch', 'branch', 'joint_branch')"
                                  " GROUP BY o.id)"),
                   >=, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organization_enterprises oe WHERE NOT EXISTS"
                                  " (SELECT 1 FROM members m WHERE m.org_id = oe.org_id"
                                  "  AND m.enterprise_id = oe.enterprise_id)"),
                   ==, 0);
  /* No enterprise has more members than employees. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises e WHERE employees <"
                                  " (SELECT count(*) FROM members m WHERE m.enterprise_id = e.id)"),
                   ==, 0);
  /* About a tenth are probationary, and joined within the last year. */
  probationary = query_int (db, "SELECT count(*) FROM members WHERE status = 'probationary'");
  g_assert_cmpint (probationary, >=, LJ_DEMO_MEMBERS / 20);
  g_assert_cmpint (probationary, <=, LJ_DEMO_MEMBERS / 6);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE status = 'probationary'"
                                  " AND joined_on < date('" LJ_DEMO_TIMESTAMP "', '-1 year')"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE status = 'formal'"
                                  " AND joined_on >= date('" LJ_DEMO_TIMESTAMP "', '-1 year')"),
                   ==, 0);
  /* Joined as adults, and not after the demo's "today". */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE joined_on < date(birth_date, '+18 years')"
                                  " OR joined_on > date('" LJ_DEMO_TIMESTAMP "')"),
                   ==, 0);
  /* Mostly bachelor or junior college, both genders, some technical experts. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE education IN ('bachelor', 'junior_college')"),
                   >, LJ_DEMO_MEMBERS / 2);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT education) FROM members"), >=, 5);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE gender = 'female'"), >, LJ_DEMO_MEMBERS / 5);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE gender = 'male'"), >, LJ_DEMO_MEMBERS / 5);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE is_technical_expert = 1"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM members WHERE phone IS NULL OR position IS NULL"), ==, 0);
}

static void
assert_study_sessions (sqlite3 *db)
{
  /* The documented period, over all kinds, as the activities filters do it. */
  g_assert_cmpint (query_int_in_period (db, "SELECT count(*) FROM activities t"
                                            " WHERE t.starts_at >= ?1 AND t.starts_at < ?2",
                                        LJ_DEMO_STUDY_FROM, LJ_DEMO_STUDY_TO),
                   ==, LJ_DEMO_STUDY_SESSIONS);
  g_assert_cmpint (query_int_in_period (db, "SELECT count(*) FROM activity_attendance aa"
                                            " JOIN activities t ON t.id = aa.activity_id"
                                            " WHERE t.starts_at >= ?1 AND t.starts_at < ?2",
                                        LJ_DEMO_STUDY_FROM, LJ_DEMO_STUDY_TO),
                   ==, LJ_DEMO_STUDY_ATTENDANCES);
  g_assert_cmpint (query_int_in_period (db, "SELECT count(*) FROM activities t"
                                            " WHERE t.starts_at >= ?1 AND t.starts_at < ?2"
                                            " AND (t.kind != 'theory_study' OR t.status != 'completed')",
                                        LJ_DEMO_STUDY_FROM, LJ_DEMO_STUDY_TO),
                   ==, 0);
  /* By kind, over all time, the same. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activities WHERE kind = 'theory_study'"),
                   ==, LJ_DEMO_STUDY_SESSIONS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activity_attendance aa"
                                  " JOIN activities a ON a.id = aa.activity_id WHERE a.kind = 'theory_study'"),
                   ==, LJ_DEMO_STUDY_ATTENDANCES);
  /* The rest: other kinds, in 2026. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activities"), ==, LJ_DEMO_ACTIVITIES);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activities WHERE kind != 'theory_study'"
                                  " AND starts_at >= '2026-01-01T00:00:00Z' AND starts_at < '2027-01-01T00:00:00Z'"),
                   ==, LJ_DEMO_OTHER_ACTIVITIES);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activity_attendance"), ==, LJ_DEMO_ATTENDANCES);
  /* Nobody attends a planned activity. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activity_attendance aa JOIN activities a"
                                  " ON a.id = aa.activity_id WHERE a.status != 'completed'"),
                   ==, 0);
}

static void
assert_attendees_belong (sqlite3 *db)
{
  /* Each attendee is a member of the organiser or of a co-organiser. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activity_attendance aa"
                                  " JOIN members m ON m.id = aa.member_id"
                                  " JOIN activities a ON a.id = aa.activity_id"
                                  " WHERE m.org_id != a.organizer_org_id AND NOT EXISTS"
                                  " (SELECT 1 FROM activity_co_organizers co"
                                  "  WHERE co.activity_id = a.id AND co.org_id = m.org_id)"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activity_attendance aa JOIN activities a"
                                  " ON a.id = aa.activity_id WHERE aa.created_at != a.ends_at"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM activities WHERE ends_at <= starts_at"), ==, 0);
}

static void
assert_coverage (sqlite3 *db)
{
  static const char eligible[] =
    "e.status = 'active' AND e.ownership = 'non_public' AND e.three_haves = 1";
  static const char covered[] =
    "EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)";
  g_autofree char *eligible_sql = g_strdup_printf ("SELECT count(*) FROM enterprises e WHERE %s", eligible);
  g_autofree char *covered_sql = g_strdup_printf ("SELECT count(*) FROM enterprises e WHERE %s", covered);
  g_autofree char *eligible_covered_sql =
    g_strdup_printf ("SELECT count(*) FROM enterprises e WHERE %s AND %s", eligible, covered);
  g_autofree char *blank_sql =
    g_strdup_printf ("SELECT count(*) FROM enterprises e WHERE %s AND NOT %s", eligible, covered);

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises"), ==, LJ_DEMO_ENTERPRISES);
  g_assert_cmpint (query_int (db, eligible_sql), ==, LJ_DEMO_ELIGIBLE);
  g_assert_cmpint (query_int (db, covered_sql), ==, LJ_DEMO_COVERED);
  g_assert_cmpint (query_int (db, eligible_covered_sql), ==, LJ_DEMO_ELIGIBLE_COVERED);
  g_assert_cmpint (query_int (db, blank_sql), ==, LJ_DEMO_BLANK_SPOTS);
  g_assert_cmpint (LJ_DEMO_ELIGIBLE, ==, LJ_DEMO_ELIGIBLE_COVERED + LJ_DEMO_BLANK_SPOTS);

  /* Uncovered enterprises of each excluded kind exist, so a statistic that
   * forgot one condition of the denominator would miscount. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises e WHERE e.status = 'closed' AND NOT EXISTS"
                                  " (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises e WHERE e.ownership = 'state_owned' AND NOT EXISTS"
                                  " (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises e WHERE e.ownership = 'foreign' AND NOT EXISTS"
                                  " (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises e WHERE e.three_haves = 0"
                                  " AND e.ownership = 'non_public' AND e.status = 'active' AND NOT EXISTS"
                                  " (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM enterprises e WHERE NOT EXISTS"
                                  " (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = e.id)"),
                   ==, LJ_DEMO_ENTERPRISES - LJ_DEMO_COVERED);
}

static void
assert_integrity (sqlite3 *db)
{
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (fts_tables); i++)
    {
      /* FTS5 raises an error if the index disagrees with its content table. */
      g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES ('integrity-check')",
                                              fts_tables[i], fts_tables[i]);

      exec_ok (db, sql);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (stamped_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE version != 1"
                                              " OR created_at != '%s' OR updated_at != created_at",
                                              stamped_tables[i], LJ_DEMO_TIMESTAMP);

      g_assert_cmpint (query_int (db, sql), ==, 0);
    }
}

static void
assert_figures (sqlite3 *db)
{
  assert_chains (db);
  assert_organizations (db);
  assert_members (db);
  assert_study_sessions (db);
  assert_attendees_belong (db);
  assert_coverage (db);
  assert_integrity (db);
}

/* Tests ------------------------------------------------------------------ */

static void
test_figures_chains (Fixture *f, gconstpointer data)
{
  assert_chains (f->db);
}

static void
test_figures_organizations (Fixture *f, gconstpointer data)
{
  assert_organizations (f->db);
}

static void
test_figures_members (Fixture *f, gconstpointer data)
{
  assert_members (f->db);
}

static void
test_figures_study_sessions (Fixture *f, gconstpointer data)
{
  assert_study_sessions (f->db);
}

static void
test_figures_attendees_belong (Fixture *f, gconstpointer data)
{
  assert_attendees_belong (f->db);
}

static void
test_figures_blank_spots (Fixture *f, gconstpointer data)
{
  assert_coverage (f->db);
}

static void
test_integrity_foreign_keys_and_search (Fixture *f, gconstpointer data)
{
  assert_integrity (f->db);
  /* The triggers filled the trigram indexes: a Chinese substring finds rows. */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM enterprises_fts WHERE enterprises_fts MATCH '楚雄高新区'"),
                   ==, LJ_DEMO_ENTERPRISES);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM chains_fts WHERE chains_fts MATCH '风电装备'"), ==, 1);
}

static void
test_integrity_credit_codes (Fixture *f, gconstpointer data)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (f->db, "SELECT credit_code FROM enterprises", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      const char *message = NULL;

      if (!lj_credit_code_validate (code, &message))
        g_error ("%s: %s", code, message);
      /* Enterprises (9, 1) registered in Chuxiong prefecture (5323xx). */
      g_assert_true (g_str_has_prefix (code, "915323"));
      n++;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (n, ==, LJ_DEMO_ENTERPRISES);
}

static void
test_determinism_same_seed (Fixture *f, gconstpointer data)
{
  sqlite3 *again = open_schema_db (f->dir, "again.db");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  load_ok (again, LJ_DEMO_DEFAULT_SEED);
  first = database_digest (f->db);
  second = database_digest (again);
  g_assert_cmpstr (first, ==, second);
  sqlite3_close (again);
}

static void
test_determinism_golden_digest (Fixture *f, gconstpointer data)
{
  g_autofree char *digest = database_digest (f->db);
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, digest, -1);

  g_assert_cmpstr (sha, ==, GOLDEN_DIGEST);
}

static void
test_determinism_other_seeds (Fixture *f, gconstpointer data)
{
  const guint64 seeds[] = { OTHER_SEED, THIRD_SEED };

  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *name = g_strdup_printf ("seed-%" G_GSIZE_FORMAT ".db", i);
      sqlite3 *other = open_schema_db (f->dir, name);
      g_autofree char *mine = NULL;
      g_autofree char *theirs = NULL;

      load_ok (other, seeds[i]);
      /* Different people and places, the same figures. */
      mine = table_digest (f->db, "members");
      theirs = table_digest (other, "members");
      g_assert_cmpstr (mine, !=, theirs);
      assert_figures (other);
      sqlite3_close (other);
    }
}

static void
test_load_refuses_non_empty (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = database_digest (f->db);
  g_autofree char *after = NULL;

  g_assert_false (lj_demo_load (f->db, LJ_DEMO_DEFAULT_SEED, &error));
  g_assert_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_NOT_EMPTY);
  g_assert_true (sqlite3_get_autocommit (f->db));
  after = database_digest (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_load_refuses_single_row (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* A single row in one of the checked tables is enough to refuse. */
  exec_ok (f->db, "INSERT INTO organizations (id, name, kind, created_at, updated_at)"
                  " VALUES (1, '党工委', 'working_committee', 'x', 'x')");
  before = database_digest (f->db);
  g_assert_false (lj_demo_load (f->db, LJ_DEMO_DEFAULT_SEED, &error));
  g_assert_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_NOT_EMPTY);
  after = database_digest (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_load_rolls_back_on_failure (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *trigger =
    g_strdup_printf ("CREATE TEMP TRIGGER demo_fails BEFORE INSERT ON main.members"
                     " WHEN new.id = %d BEGIN SELECT RAISE (ABORT, 'disk on fire'); END",
                     FAILING_MEMBER_ID);

  exec_ok (f->db, trigger);
  g_assert_false (lj_demo_load (f->db, LJ_DEMO_DEFAULT_SEED, &error));
  g_assert_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "disk on fire"));
  g_assert_true (sqlite3_get_autocommit (f->db));
  for (gsize i = 0; i < G_N_ELEMENTS (demo_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", demo_tables[i]);

      g_assert_cmpint (query_int (f->db, sql), ==, 0);
    }

  /* And the database is still good for a load. */
  exec_ok (f->db, "DROP TRIGGER demo_fails");
  load_ok (f->db, LJ_DEMO_DEFAULT_SEED);
  assert_figures (f->db);
}

static void
test_load_leaves_caller_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  exec_ok (f->db, "BEGIN");
  g_assert_false (lj_demo_load (f->db, LJ_DEMO_DEFAULT_SEED, &error));
  g_assert_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED);
  /* Still the caller's to end. */
  g_assert_false (sqlite3_get_autocommit (f->db));
  exec_ok (f->db, "ROLLBACK");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_LOADED(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_EMPTY(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up_empty, func, fixture_tear_down)

  ADD_LOADED ("/demo/figures/chains", test_figures_chains);
  ADD_LOADED ("/demo/figures/organizations", test_figures_organizations);
  ADD_LOADED ("/demo/figures/members", test_figures_members);
  ADD_LOADED ("/demo/figures/study-sessions", test_figures_study_sessions);
  ADD_LOADED ("/demo/figures/attendees-belong-to-organizers", test_figures_attendees_belong);
  ADD_LOADED ("/demo/figures/blank-spots", test_figures_blank_spots);
  ADD_LOADED ("/demo/integrity/foreign-keys-and-search", test_integrity_foreign_keys_and_search);
  ADD_LOADED ("/demo/integrity/credit-codes-validate", test_integrity_credit_codes);
  ADD_LOADED ("/demo/determinism/same-seed-same-bytes", test_determinism_same_seed);
  ADD_LOADED ("/demo/determinism/golden-digest", test_determinism_golden_digest);
  ADD_LOADED ("/demo/determinism/other-seeds-same-figures", test_determinism_other_seeds);
  ADD_LOADED ("/demo/load/refuses-non-empty", test_load_refuses_non_empty);
  ADD_EMPTY ("/demo/load/refuses-single-row", test_load_refuses_single_row);
  ADD_EMPTY ("/demo/load/rolls-back-on-failure", test_load_rolls_back_on_failure);
  ADD_EMPTY ("/demo/load/leaves-caller-transaction", test_load_leaves_caller_transaction);

  return g_test_run ();
}
