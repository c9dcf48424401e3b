/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The talent plugin against a real server on the demo park. */
#include <string.h>
#include <sqlite3.h>
#include "lj-test-server.h"
#include "domain/lj-credit-code.h"

static LjTestServer *server;
static char *secretary;       /* secretary of the first chain committee */
static char *outsider;        /* secretary of another chain committee */
static char *viewer;
static gint64 own_org, other_org, chain_id;
static gint64 own_enterprise; /* covered by an organisation below own_org */
static guint uniq;

static const char *
body_text (LjTestResponse *r)
{
  return r->body ? (const char *) g_bytes_get_data (r->body, NULL) : "";
}

static LjTestResponse *
expect (LjTestResponse *r, guint status)
{
  if (r->status != status)
    g_test_message ("expected %u, got %u: %s", status, r->status, body_text (r));
  g_assert_cmpuint (r->status, ==, status);
  return r;
}

static LjTestResponse *
req_as (const char *token, const char *method, const char *path, const char *body)
{
  if (token == NULL)
    return lj_test_request (server, method, path, body, NULL);
  return lj_test_request_as (server, token, method, path, body, NULL);
}

static gint64
post_id (const char *token, const char *path, const char *body)
{
  g_autoptr (LjTestResponse) r = expect (req_as (token, "POST", path, body), 201);

  return lj_test_member_int (r, "id");
}

static gint64
db_int (const char *sql, gint64 a)
{
  return lj_test_db_int (server, sql, a);
}

static LjTestResponse *
fire_as (const char *token, const char *resource, gint64 id, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/talent/%s/%" G_GINT64_FORMAT "/transitions", resource, id);

  return req_as (token, "POST", path, body);
}

static void
fire_ok (const char *resource, gint64 id, const char *event)
{
  g_autofree char *body = g_strdup_printf ("{\"event\":\"%s\",\"reason\":\"test\"}", event);
  g_autoptr (LjTestResponse) r = expect (fire_as (NULL, resource, id, body), 200);
}

static char *
get_string (const char *resource, gint64 id, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/talent/%s/%" G_GINT64_FORMAT, resource, id);
  g_autoptr (LjTestResponse) r = expect (lj_test_get (server, path), 200);

  return g_strdup (lj_test_member_string (r, field));
}

static gint64
new_person (gint64 enterprise_id, const char *education)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"测试人员%u\",\"enterprise_id\":%" G_GINT64_FORMAT
                                           ",\"education\":\"%s\",\"tags\":[\"technical_expert\"]}",
                                           ++uniq, enterprise_id, education);

  return post_id (NULL, "/api/v1/talent/people", body);
}

/* A programme of own_org on chain_id, opened (and started when asked). */
static gint64
new_programme (gint64 capacity, const char *mode, double required, const char *starts, gboolean start)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"测试项目%u\",\"organizer_org_id\":%" G_GINT64_FORMAT
                                           ",\"kind\":\"skills\",\"chain_ids\":[%" G_GINT64_FORMAT "],"
                                           "\"required_hours\":%g,\"capacity\":%" G_GINT64_FORMAT ","
                                           "\"enrolment_mode\":\"%s\",\"starts_on\":\"%s\",\"ends_on\":\"%.4s-12-31\"}",
                                           ++uniq, own_org, chain_id, required, capacity, mode, starts, starts);
  gint64 id = post_id (NULL, "/api/v1/talent/programmes", body);

  fire_ok ("programmes", id, "open");
  if (start)
    fire_ok ("programmes", id, "start");
  return id;
}

static gint64
new_session (gint64 programme_id, const char *starts_at, double hours)
{
  g_autofree char *body = g_strdup_printf ("{\"programme_id\":%" G_GINT64_FORMAT ",\"title\":\"课%u\","
                                           "\"starts_at\":\"%s\",\"hours\":%g}", programme_id, ++uniq, starts_at, hours);

  return post_id (NULL, "/api/v1/talent/sessions", body);
}

static LjTestResponse *
enrol (const char *token, gint64 programme_id, gint64 person_id)
{
  g_autofree char *body = g_strdup_printf ("{\"programme_id\":%" G_GINT64_FORMAT ",\"person_id\":%" G_GINT64_FORMAT "}",
                                           programme_id, person_id);

  return req_as (token, "POST", "/api/v1/talent/enrolments", body);
}

static gint64
enrol_state (gint64 programme_id, gint64 person_id, const char *state)
{
  g_autoptr (LjTestResponse) r = expect (enrol (NULL, programme_id, person_id), 201);

  g_assert_cmpstr (lj_test_member_string (r, "state"), ==, state);
  return lj_test_member_int (r, "id");
}

/* ---- tests ---- */

static void
test_loaded_and_demo (void)
{
  g_autoptr (LjTestResponse) plugins = expect (lj_test_get (server, "/api/v1/plugins"), 200);
  g_autoptr (LjTestResponse) pools = expect (lj_test_get (server, "/api/v1/talent/pools?kind=reserve_cadre"), 200);
  JsonObject *pool = json_array_get_object_element (json_object_get_array_member (lj_test_object (pools), "items"), 0);
  g_autofree char *path = g_strdup_printf ("/api/v1/talent/pools/%" G_GINT64_FORMAT "/profile",
                                           json_object_get_int_member (pool, "id"));
  g_autoptr (LjTestResponse) profile = expect (lj_test_get (server, path), 200);
  g_autoptr (LjTestResponse) cross = expect (lj_test_get (server, "/api/v1/talent/programmes?kind=cross_border"), 200);
  g_autoptr (LjTestResponse) tracks = expect (lj_test_get (server, "/api/v1/talent/tracks?limit=1"), 200);

  g_assert_nonnull (strstr (body_text (plugins), "\"talent\""));
  g_assert_cmpint (json_object_get_int_member (pool, "size"), ==, 210);
  g_assert_cmpint (lj_test_member_int (profile, "size"), ==, 210);
  g_assert_cmpint (lj_test_member_int (profile, "junior_college_or_above"), ==, 175);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (lj_test_object (profile), "junior_college_or_above_percent"),
                                  83.33, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (lj_test_object (profile), "junior_college_or_above_share"),
                                  175.0 / 210.0, 1e-12);
  /* The figure as the article prints it, not 83.329999999999998. */
  g_assert_nonnull (strstr (body_text (profile), "\"junior_college_or_above_percent\":83.33,"));
  g_assert_nonnull (strstr (body_text (profile), "\"junior_college_or_above_share\":0.8333333333333334,"));
  g_assert_cmpint (lj_test_member_int (cross, "total"), ==, 1);
  g_assert_cmpint (lj_test_member_int (tracks, "total"), ==, 14);
  /* Tracks at every stage. */
  {
    const char *stages[] = { "nominated", "applicant", "activist", "development_target", "probationary",
                             "probation_extended", "full_member", "paused", "dropped", "in_training", "assessed",
                             "confirmed", "not_confirmed" };
    for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
      {
        g_autofree char *p = g_strdup_printf ("/api/v1/talent/tracks?stage=%s", stages[i]);
        g_autoptr (LjTestResponse) r = expect (lj_test_get (server, p), 200);
        g_test_message ("stage %s: %" G_GINT64_FORMAT, stages[i], lj_test_member_int (r, "total"));
        g_assert_cmpint (lj_test_member_int (r, "total"), >=, 1);
      }
  }
  /* Demo enrolments completed from attendance, in the cross-border plan. */
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_enrolments e JOIN talent_programmes p ON p.id = e.programme_id "
                           "WHERE p.kind = 'cross_border' AND e.state IN ('completed','incomplete')", 0), ==, 24);
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_enrolments e WHERE e.state = 'completed'", 0), >, 0);
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_enrolments e WHERE e.state = 'incomplete'", 0), >, 0);
}

static void
test_programme_transitions_per_role (void)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"角色测试\",\"organizer_org_id\":%" G_GINT64_FORMAT
                                           ",\"kind\":\"theory\"}", own_org);
  gint64 id = post_id (secretary, "/api/v1/talent/programmes", body);
  g_autoptr (LjTestResponse) v = expect (fire_as (viewer, "programmes", id, "{\"event\":\"open\"}"), 403);
  g_autoptr (LjTestResponse) o = expect (fire_as (outsider, "programmes", id, "{\"event\":\"open\"}"), 403);
  g_autoptr (LjTestResponse) wrong = expect (fire_as (secretary, "programmes", id, "{\"event\":\"finish\"}"), 409);
  g_autoptr (LjTestResponse) noreason = expect (fire_as (secretary, "programmes", id, "{\"event\":\"cancel\"}"), 422);
  const char *walk[] = { "open", "start", "finish", "archive" };
  const char *tos[] = { "open", "in_progress", "finished", "archived" };

  g_assert_nonnull (strstr (lj_test_member_string (wrong, "detail"), "open"));
  g_assert_cmpint (db_int ("SELECT version FROM talent_programmes WHERE id = ?1", id), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (walk); i++)
    {
      g_autofree char *b = g_strdup_printf ("{\"event\":\"%s\"}", walk[i]);
      g_autoptr (LjTestResponse) r = expect (fire_as (secretary, "programmes", id, b), 200);
      g_assert_cmpstr (lj_test_member_string (r, "state"), ==, tos[i]);
    }
  g_assert_cmpint (db_int ("SELECT count(*) FROM audit WHERE entity = 'talent/programmes' AND entity_id = ?1", id), ==, 5);
  /* Outsiders cannot create for an organisation outside their scope. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (outsider, "POST", "/api/v1/talent/programmes", body), 403);
  }
  /* Cancel from open withdraws everyone. */
  {
    gint64 p = new_programme (5, "open", 4, "2031-01-01", FALSE);
    gint64 e = enrol_state (p, new_person (own_enterprise, "bachelor"), "approved");
    g_autoptr (LjTestResponse) r = expect (fire_as (NULL, "programmes", p, "{\"event\":\"cancel\",\"reason\":\"停办\"}"), 200);
    g_autofree char *state = get_string ("enrolments", e, "state");

    g_assert_cmpstr (state, ==, "withdrawn");
  }
}

static void
test_capacity_and_waitlist (void)
{
  gint64 p = new_programme (2, "open", 4, "2031-01-01", FALSE);
  gint64 a = enrol_state (p, new_person (own_enterprise, "bachelor"), "approved");
  gint64 b = enrol_state (p, new_person (own_enterprise, "bachelor"), "approved");
  gint64 c = enrol_state (p, new_person (own_enterprise, "bachelor"), "waitlisted");
  gint64 d = enrol_state (p, new_person (own_enterprise, "bachelor"), "waitlisted");
  gint64 person = new_person (own_enterprise, "master");
  g_autoptr (LjTestResponse) again = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/talent/enrolments/%" G_GINT64_FORMAT, d);

  (void) b;
  {
    g_autoptr (LjTestResponse) r = expect (lj_test_get (server, path), 200);
    g_assert_cmpint (lj_test_member_int (r, "waitlist_position"), ==, 2);
  }
  /* Promoting out of order is refused (first come, first served). */
  {
    g_autoptr (LjTestResponse) r = expect (fire_as (NULL, "enrolments", d, "{\"event\":\"promote\"}"), 409);
    g_assert_nonnull (strstr (lj_test_member_string (r, "detail"), "is full"));
  }
  /* A seat frees: the head of the waitlist gets it, in the same request. */
  fire_ok ("enrolments", a, "withdraw");
  {
    g_autofree char *sc = get_string ("enrolments", c, "state");
    g_autofree char *sd = get_string ("enrolments", d, "state");
    g_assert_cmpstr (sc, ==, "approved");
    g_assert_cmpstr (sd, ==, "waitlisted");
  }
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_enrolments WHERE programme_id = ?1 AND state = 'approved'", p),
                   ==, 2);
  /* A bigger capacity promotes d. */
  {
    g_autofree char *pp = g_strdup_printf ("/api/v1/talent/programmes/%" G_GINT64_FORMAT, p);
    g_autoptr (LjTestResponse) small = expect (req_as (NULL, "PATCH", pp, "{\"capacity\":1}"), 422);
    g_autoptr (LjTestResponse) big = expect (req_as (NULL, "PATCH", pp, "{\"capacity\":3}"), 200);
    g_autofree char *sd = get_string ("enrolments", d, "state");

    g_assert_true (lj_test_has_field_error (small, "capacity"));
    g_assert_cmpstr (sd, ==, "approved");
    g_assert_cmpint (lj_test_member_int (big, "seats_taken"), ==, 3);
  }
  /* Enrolled twice: 409; not open: 409. */
  again = expect (enrol (NULL, p, person), 201);
  g_assert_cmpstr (lj_test_member_string (again, "state"), ==, "waitlisted");
  {
    g_autoptr (LjTestResponse) r = expect (enrol (NULL, p, person), 409);
    g_assert_nonnull (strstr (lj_test_member_string (r, "detail"), "already enrolled"));
  }
  {
    g_autofree char *body = g_strdup_printf ("{\"name\":\"草稿\",\"organizer_org_id\":%" G_GINT64_FORMAT
                                             ",\"kind\":\"theory\"}", own_org);
    gint64 draft = post_id (NULL, "/api/v1/talent/programmes", body);
    gint64 before = db_int ("SELECT count(*) FROM talent_enrolments", 0);
    g_autoptr (LjTestResponse) r = expect (enrol (NULL, draft, person), 409);

    g_assert_cmpint (db_int ("SELECT count(*) FROM talent_enrolments", 0), ==, before);
  }
}

static void
test_approval_mode (void)
{
  gint64 p = new_programme (1, "approval", 4, "2031-01-01", FALSE);
  gint64 a = enrol_state (p, new_person (own_enterprise, "bachelor"), "applied");
  gint64 b = enrol_state (p, new_person (own_enterprise, "bachelor"), "applied");
  gint64 c = enrol_state (p, new_person (own_enterprise, "bachelor"), "applied");
  g_autoptr (LjTestResponse) v = expect (fire_as (viewer, "enrolments", a, "{\"event\":\"approve\"}"), 403);
  g_autoptr (LjTestResponse) o = expect (fire_as (outsider, "enrolments", a, "{\"event\":\"approve\"}"), 403);
  g_autoptr (LjTestResponse) ok = expect (fire_as (secretary, "enrolments", a, "{\"event\":\"approve\"}"), 200);
  g_autoptr (LjTestResponse) full = expect (fire_as (secretary, "enrolments", b, "{\"event\":\"approve\"}"), 409);
  g_autoptr (LjTestResponse) wl = expect (fire_as (secretary, "enrolments", b, "{\"event\":\"waitlist\"}"), 200);
  g_autoptr (LjTestResponse) rj = expect (fire_as (secretary, "enrolments", c, "{\"event\":\"reject\"}"), 422);
  g_autoptr (LjTestResponse) rj2 = expect (fire_as (secretary, "enrolments", c,
                                                    "{\"event\":\"reject\",\"reason\":\"名额已满\"}"), 200);
  g_autoptr (LjTestResponse) sc = expect (fire_as (secretary, "enrolments", a, "{\"event\":\"complete\"}"), 409);

  g_assert_nonnull (strstr (lj_test_member_string (full, "detail"), "is full"));
  g_assert_cmpstr (lj_test_member_string (rj2, "state"), ==, "rejected");
  fire_ok ("enrolments", a, "withdraw");
  {
    g_autofree char *sb = get_string ("enrolments", b, "state");
    g_assert_cmpstr (sb, ==, "approved");
  }
}

typedef struct {
  gint64 programme_id;
  gint64 person_id;
  const char *token;
  guint status;
  char *state;
} Racer;

static GMutex race_lock;
static GCond race_cond;
static guint race_ready;

static gpointer
race (gpointer data)
{
  Racer *r = data;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/talent/enrolments", lj_test_server_get_port (server));
  g_autofree char *body = g_strdup_printf ("{\"programme_id\":%" G_GINT64_FORMAT ",\"person_id\":%" G_GINT64_FORMAT "}",
                                           r->programme_id, r->person_id);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", r->token);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  g_mutex_lock (&race_lock);
  race_ready++;
  g_cond_broadcast (&race_cond);
  while (race_ready < 2)
    g_cond_wait (&race_cond, &race_lock);
  g_mutex_unlock (&race_lock);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  r->status = soup_message_get_status (msg);
  if (answer && json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL))
    r->state = g_strdup (json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                                      "state", ""));
  return NULL;
}

/* Two enrolments fired from two threads at the last seat: exactly one
 * gets it, the other is waitlisted; capacity is never exceeded. */
static void
test_race_for_last_seat (void)
{
  for (guint round = 0; round < 5; round++)
    {
      gint64 p = new_programme (2, "open", 4, "2031-01-01", FALSE);
      Racer r[2] = { { p, new_person (own_enterprise, "bachelor"), lj_test_server_get_admin_token (server), 0, NULL },
                     { p, new_person (own_enterprise, "bachelor"), secretary, 0, NULL } };
      GThread *t[2];
      guint approved = 0, waitlisted = 0;

      enrol_state (p, new_person (own_enterprise, "bachelor"), "approved");
      race_ready = 0;
      for (guint i = 0; i < 2; i++)
        t[i] = g_thread_new ("racer", race, &r[i]);
      for (guint i = 0; i < 2; i++)
        g_thread_join (t[i]);
      for (guint i = 0; i < 2; i++)
        {
          g_assert_cmpuint (r[i].status, ==, 201);
          approved += g_strcmp0 (r[i].state, "approved") == 0;
          waitlisted += g_strcmp0 (r[i].state, "waitlisted") == 0;
          g_free (r[i].state);
        }
      g_assert_cmpuint (approved, ==, 1);
      g_assert_cmpuint (waitlisted, ==, 1);
      g_assert_cmpint (db_int ("SELECT count(*) FROM talent_enrolments WHERE programme_id = ?1 AND state = 'approved'",
                               p), ==, 2);
    }
}

static void
test_attendance_completion_and_hours (void)
{
  gint64 p = new_programme (10, "open", 6, "2032-01-01", FALSE);
  gint64 good = new_person (own_enterprise, "bachelor");
  gint64 weak = new_person (own_enterprise, "high_school");
  gint64 stranger = new_person (own_enterprise, "bachelor");
  gint64 eg = enrol_state (p, good, "approved");
  gint64 ew = enrol_state (p, weak, "approved");
  gint64 s1 = new_session (p, "2032-03-01T01:00:00Z", 4);
  gint64 s2 = new_session (p, "2032-04-01T01:00:00Z", 3);
  gint64 s3 = new_session (p, "2033-01-10T01:00:00Z", 2);
  g_autofree char *sheet1 = g_strdup_printf ("/api/v1/talent/sessions/%" G_GINT64_FORMAT "/attendance", s1);
  g_autofree char *sheet2 = g_strdup_printf ("/api/v1/talent/sessions/%" G_GINT64_FORMAT "/attendance", s2);
  g_autofree char *sheet3 = g_strdup_printf ("/api/v1/talent/sessions/%" G_GINT64_FORMAT "/attendance", s3);
  g_autofree char *body1 = g_strdup_printf ("{\"entries\":[{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"present\"},"
                                            "{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"late\",\"credited_hours\":2}]}",
                                            good, weak);
  g_autofree char *bad = g_strdup_printf ("{\"entries\":[{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"present\"},"
                                          "{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"gone\"},"
                                          "{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"absent\",\"credited_hours\":1}]}",
                                          stranger, good, weak);
  g_autofree char *body2 = g_strdup_printf ("{\"entries\":[{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"present\"},"
                                            "{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"absent\"}]}", good, weak);
  g_autofree char *body3 = g_strdup_printf ("{\"entries\":[{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"present\"}]}",
                                            good);
  g_autofree char *hours = g_strdup_printf ("/api/v1/talent/people/%" G_GINT64_FORMAT "/hours?year=2032", good);
  g_autofree char *hours33 = g_strdup_printf ("/api/v1/talent/people/%" G_GINT64_FORMAT "/hours?year=2033", good);

  /* Not in progress yet. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "POST", sheet1, body1), 409);
  }
  fire_ok ("programmes", p, "start");
  {
    gint64 audits = db_int ("SELECT count(*) FROM audit", 0);
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "POST", sheet1, bad), 422);

    g_assert_true (lj_test_has_field_error (r, "entries[0].person_id"));
    g_assert_true (lj_test_has_field_error (r, "entries[1].status"));
    g_assert_true (lj_test_has_field_error (r, "entries[2].credited_hours"));
    g_assert_cmpint (db_int ("SELECT count(*) FROM talent_attendance WHERE session_id = ?1", s1), ==, 0);
    g_assert_cmpint (db_int ("SELECT count(*) FROM audit", 0), ==, audits);
  }
  {
    g_autoptr (LjTestResponse) v = expect (req_as (viewer, "POST", sheet1, body1), 403);
    g_autoptr (LjTestResponse) o = expect (req_as (outsider, "POST", sheet1, body1), 403);
    g_autoptr (LjTestResponse) r = expect (req_as (secretary, "POST", sheet1, body1), 200);

    g_assert_cmpint (lj_test_member_int (r, "created"), ==, 2);
    g_assert_cmpint (lj_test_member_int (r, "attendance_count"), ==, 2);
  }
  /* The same sheet again updates instead of duplicating. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "POST", sheet1, body1), 200);
    g_assert_cmpint (lj_test_member_int (r, "updated"), ==, 2);
    g_assert_cmpint (db_int ("SELECT count(*) FROM talent_attendance WHERE session_id = ?1", s1), ==, 2);
  }
  {
    g_autoptr (LjTestResponse) r2 = expect (req_as (NULL, "POST", sheet2, body2), 200);
    g_autoptr (LjTestResponse) r3 = expect (req_as (NULL, "POST", sheet3, body3), 200);
    g_autoptr (LjTestResponse) h = expect (lj_test_get (server, hours), 200);
    g_autoptr (LjTestResponse) h33 = expect (lj_test_get (server, hours33), 200);
    g_autoptr (LjTestResponse) hbad = expect (lj_test_get (server, "/api/v1/talent/people/1/hours?year=abc"), 422);
    JsonObject *total = json_object_get_object_member (lj_test_object (h), "total");
    JsonObject *prog = json_array_get_object_element (json_object_get_array_member (lj_test_object (h), "programmes"), 0);

    /* 2032: 4 + 3 hours of the 6 required; 2033: 2 hours. */
    g_assert_cmpfloat (json_object_get_double_member (total, "credited_hours"), ==, 7);
    g_assert_cmpfloat (json_object_get_double_member (total, "required_hours"), ==, 6);
    g_assert_true (json_object_get_boolean_member (total, "met"));
    g_assert_cmpint (json_object_get_int_member (prog, "programme_id"), ==, p);
    g_assert_cmpint (json_object_get_int_member (prog, "attendances"), ==, 2);
    g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (lj_test_object (h33), "total"),
                                                      "credited_hours"), ==, 2);
  }
  /* Completion from hours: good has 9 >= 6, weak has 2 < 6. */
  fire_ok ("programmes", p, "finish");
  {
    g_autofree char *sg = get_string ("enrolments", eg, "state");
    g_autofree char *sw = get_string ("enrolments", ew, "state");
    g_assert_cmpstr (sg, ==, "completed");
    g_assert_cmpstr (sw, ==, "incomplete");
  }
  /* Completed enrolments are on the enterprise timeline. */
  {
    g_autofree char *tl = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/timeline?limit=200", own_enterprise);
    g_autoptr (LjTestResponse) r = expect (lj_test_get (server, tl), 200);
    g_assert_nonnull (strstr (body_text (r), "talent.enrolment.completed"));
  }
  /* Stats, exact for the period 2032 on this fixture. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/stats/overview?from=2032-01-01&to=2033-01-01&chain_id=%"
                                             G_GINT64_FORMAT, chain_id);
    g_autoptr (LjTestResponse) r = expect (lj_test_get (server, path), 200);
    JsonObject *t = json_object_get_object_member (lj_test_object (r), "talent");

    g_assert_cmpint (json_object_get_int_member (t, "programmes"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (t, "sessions"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (t, "attendances"), ==, 3);
    g_assert_cmpfloat (json_object_get_double_member (t, "credited_hours"), ==, 9);
    g_assert_cmpint (json_object_get_int_member (t, "completions"), ==, 1);
  }
}

static gint64
new_track (const char *kind, gint64 person)
{
  g_autofree char *body = g_strdup_printf ("{\"person_id\":%" G_GINT64_FORMAT ",\"kind\":\"%s\",\"org_id\":%"
                                           G_GINT64_FORMAT ",\"nominated_on\":\"2024-01-01\"}", person, kind, own_org);

  return post_id (NULL, "/api/v1/talent/tracks", body);
}

static void
track_fire (gint64 id, const char *event, const char *on)
{
  g_autofree char *body = g_strdup_printf ("{\"event\":\"%s\",\"on\":\"%s\",\"reason\":\"r\"}", event, on);
  g_autoptr (LjTestResponse) r = expect (fire_as (secretary, "tracks", id, body), 200);
}

static void
test_tracks_create_member (void)
{
  gint64 person = new_person (own_enterprise, "master");
  gint64 t = new_track ("expert_to_member", person);
  gint64 members = db_int ("SELECT count(*) FROM members", 0);
  g_autofree char *tp = g_strdup_printf ("/api/v1/talent/tracks/%" G_GINT64_FORMAT "/transitions", t);
  gint64 member_id;

  /* Only the expert events are offered. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (secretary, "GET", tp, NULL), 200);
    g_assert_nonnull (strstr (body_text (r), "\"apply\""));
    g_assert_null (strstr (body_text (r), "start_training"));
  }
  {
    g_autoptr (LjTestResponse) r = expect (fire_as (secretary, "tracks", t, "{\"event\":\"start_training\"}"), 409);
    g_autoptr (LjTestResponse) o = expect (fire_as (outsider, "tracks", t, "{\"event\":\"apply\"}"), 403);
    g_autoptr (LjTestResponse) v = expect (fire_as (viewer, "tracks", t, "{\"event\":\"apply\"}"), 403);
    g_autoptr (LjTestResponse) d = expect (fire_as (secretary, "tracks", t, "{\"event\":\"apply\",\"on\":\"soon\"}"), 422);
  }
  track_fire (t, "apply", "2024-03-01");
  track_fire (t, "make_activist", "2024-09-01");
  track_fire (t, "pause", "2025-01-01");
  {
    g_autoptr (LjTestResponse) r = expect (req_as (secretary, "GET", tp, NULL), 200);
    g_assert_nonnull (strstr (body_text (r), "resume_activist"));
    g_assert_null (strstr (body_text (r), "resume_applicant"));
  }
  track_fire (t, "resume_activist", "2025-06-01");
  track_fire (t, "make_development_target", "2025-09-01");
  g_assert_cmpint (db_int ("SELECT count(*) FROM members", 0), ==, members);
  track_fire (t, "admit", "2025-11-01");
  member_id = db_int ("SELECT member_id FROM talent_people WHERE id = ?1", person);
  g_assert_cmpint (member_id, >, 0);
  g_assert_cmpint (db_int ("SELECT count(*) FROM members", 0), ==, members + 1);
  g_assert_cmpint (db_int ("SELECT status = 'probationary' AND joined_on = '2025-11-01' AND org_id = "
                           "(SELECT org_id FROM talent_tracks WHERE id = ?1) FROM members WHERE id = "
                           "(SELECT member_id FROM talent_people p JOIN talent_tracks t ON t.person_id = p.id WHERE t.id = ?1)",
                           t), ==, 1);
  g_assert_cmpint (db_int ("SELECT count(*) FROM audit WHERE entity = 'members' AND action = 'create' AND entity_id = ?1",
                           member_id), ==, 1);
  track_fire (t, "confirm_membership", "2026-11-01");
  g_assert_cmpint (db_int ("SELECT status = 'formal' FROM members WHERE id = ?1", member_id), ==, 1);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/talent/tracks/%" G_GINT64_FORMAT, t);
    g_autoptr (LjTestResponse) r = expect (lj_test_get (server, path), 200);
    JsonObject *stages = json_object_get_object_member (lj_test_object (r), "stages");

    g_assert_cmpstr (json_object_get_string_member (stages, "nominated"), ==, "2024-01-01");
    g_assert_cmpstr (json_object_get_string_member (stages, "probationary"), ==, "2025-11-01");
    g_assert_cmpstr (json_object_get_string_member (stages, "full_member"), ==, "2026-11-01");
  }
  /* Stage reached on the enterprise timeline; conversion in the stats. */
  {
    g_autofree char *tl = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/timeline?limit=200", own_enterprise);
    g_autoptr (LjTestResponse) r = expect (lj_test_get (server, tl), 200);
    g_autoptr (LjTestResponse) s = expect (lj_test_get (server, "/api/v1/stats/overview?from=2026-11-01&to=2026-11-02"), 200);
    JsonObject *conv = json_object_get_object_member (json_object_get_object_member (lj_test_object (s), "talent"),
                                                      "conversions");

    g_assert_nonnull (strstr (body_text (r), "talent.track.full_member"));
    g_assert_cmpint (json_object_get_int_member (conv, "expert_to_member"), ==, 1);
  }
}

/* When the member record cannot be created, nothing is written. */
static void
test_tracks_member_failure (void)
{
  g_autofree char *long_pos = NULL;
  g_autofree char *body = NULL;
  gint64 person, t, members, stages, audits;
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < 150; i++)
    g_string_append_c (s, 'x');
  long_pos = g_strdup (s->str);
  body = g_strdup_printf ("{\"name\":\"职务很长\",\"enterprise_id\":%" G_GINT64_FORMAT ",\"position\":\"%s\"}",
                          own_enterprise, long_pos);
  person = post_id (NULL, "/api/v1/talent/people", body);
  t = new_track ("expert_to_member", person);
  track_fire (t, "apply", "2024-03-01");
  track_fire (t, "make_activist", "2024-09-01");
  track_fire (t, "make_development_target", "2025-09-01");
  members = db_int ("SELECT count(*) FROM members", 0);
  stages = db_int ("SELECT count(*) FROM talent_track_stages WHERE track_id = ?1", t);
  audits = db_int ("SELECT count(*) FROM audit", 0);
  {
    g_autoptr (LjTestResponse) r = expect (fire_as (secretary, "tracks", t, "{\"event\":\"admit\"}"), 422);
    g_assert_true (lj_test_has_field_error (r, "position"));
  }
  g_assert_cmpint (db_int ("SELECT count(*) FROM members", 0), ==, members);
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_track_stages WHERE track_id = ?1", t), ==, stages);
  g_assert_cmpint (db_int ("SELECT count(*) FROM audit", 0), ==, audits);
  g_assert_cmpint (db_int ("SELECT stage = 'development_target' FROM talent_tracks WHERE id = ?1", t), ==, 1);
  g_assert_cmpint (db_int ("SELECT member_id IS NULL FROM talent_people WHERE id = ?1", person), ==, 1);
}

static void
test_backbone_track (void)
{
  gint64 person = new_person (own_enterprise, "bachelor");
  gint64 member = db_int ("SELECT id FROM members WHERE (org_id = ?1 OR org_id IN (SELECT id FROM organizations "
                          "WHERE parent_id = ?1)) AND id NOT IN (SELECT member_id FROM talent_people WHERE member_id IS NOT NULL) "
                          "ORDER BY id DESC LIMIT 1", own_org);
  g_autofree char *patch = g_strdup_printf ("{\"member_id\":%" G_GINT64_FORMAT "}", member);
  g_autofree char *pp = g_strdup_printf ("/api/v1/talent/people/%" G_GINT64_FORMAT, person);
  g_autofree char *body = g_strdup_printf ("{\"person_id\":%" G_GINT64_FORMAT ",\"kind\":\"member_to_backbone\",\"org_id\":%"
                                           G_GINT64_FORMAT "}", person, own_org);
  gint64 t;

  /* Not a member yet: refused. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "POST", "/api/v1/talent/tracks", body), 422);
    g_assert_true (lj_test_has_field_error (r, "person_id"));
  }
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "PATCH", pp, patch), 200);
  }
  t = post_id (NULL, "/api/v1/talent/tracks", body);
  {
    g_autoptr (LjTestResponse) r = expect (fire_as (secretary, "tracks", t, "{\"event\":\"apply\"}"), 409);
  }
  track_fire (t, "start_training", "2026-01-01");
  track_fire (t, "assess", "2026-06-01");
  track_fire (t, "confirm", "2026-07-01");
  {
    g_autoptr (LjTestResponse) r = expect (lj_test_get (server, pp), 200);
    JsonArray *tags = json_object_get_array_member (lj_test_object (r), "tags");

    /* The tag is added, the one the profile had is kept. */
    g_assert_cmpuint (json_array_get_length (tags), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "backbone");
    g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "technical_expert");
  }
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_person_tags WHERE person_id = ?1", person), ==, 2);
}

/* The ids of a list answer's items, in order, as "1,2,3". */
static char *
list_ids (const char *path)
{
  g_autoptr (LjTestResponse) r = expect (lj_test_get (server, path), 200);
  JsonArray *items = json_object_get_array_member (lj_test_object (r), "items");
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            json_object_get_int_member (json_array_get_object_element (items, i), "id"));
  return g_string_free (s, FALSE);
}

static gboolean
has_id (const char *list, gint64 id)
{
  g_auto (GStrv) ids = g_strsplit (list, ",", -1);
  g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return g_strv_contains ((const char *const *) ids, s);
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* q: trigram search over programmes (name, description) and people (name,
 * position, title, skill tags), Chinese substrings of three characters,
 * kept in step with updates and deletes. */
static void
test_search (void)
{
  g_autofree char *pbody = g_strdup_printf ("{\"name\":\"滇南彝药出海国际化人才班\",\"organizer_org_id\":%" G_GINT64_FORMAT
                                            ",\"kind\":\"cross_border\",\"description\":\"与东盟院校联合培养\"}", own_org);
  gint64 prog = post_id (NULL, "/api/v1/talent/programmes", pbody);
  g_autofree char *prog_s = id_text (prog);
  g_autofree char *prog_path = g_strdup_printf ("/api/v1/talent/programmes/%" G_GINT64_FORMAT, prog);
  g_autofree char *hbody = g_strdup_printf ("{\"name\":\"欧阳检索\",\"enterprise_id\":%" G_GINT64_FORMAT
                                            ",\"position\":\"冷链仓储主管\",\"skill_tags\":[\"中药材种植\",\"质量检测\"]}",
                                            own_enterprise);
  gint64 person = post_id (NULL, "/api/v1/talent/people", hbody);
  g_autofree char *person_s = id_text (person);
  g_autofree char *person_path = g_strdup_printf ("/api/v1/talent/people/%" G_GINT64_FORMAT, person);

  /* Programmes: a substring of the name and of the description. */
  {
    g_autofree char *a = list_ids ("/api/v1/talent/programmes?q=%E5%BD%9D%E8%8D%AF%E5%87%BA%E6%B5%B7"); /* 彝药出海 */
    g_autofree char *b = list_ids ("/api/v1/talent/programmes?q=%E5%9B%BD%E9%99%85%E5%8C%96");            /* 国际化 */
    g_autofree char *c = list_ids ("/api/v1/talent/programmes?q=%E4%B8%9C%E7%9B%9F%E9%99%A2");            /* 东盟院 */
    g_autofree char *none = list_ids ("/api/v1/talent/programmes?q=%E5%86%B7%E9%93%BE%E4%BB%93");         /* 冷链仓 */

    /* The demo has its own cross-border programme (彝药出海…): ours is among the hits. */
    g_assert_true (has_id (a, prog));
    g_assert_cmpstr (b, ==, prog_s);
    g_assert_cmpstr (c, ==, prog_s);
    g_assert_cmpstr (none, ==, "");
  }
  /* People: the name, the position, a skill tag. */
  {
    g_autofree char *a = list_ids ("/api/v1/talent/people?q=%E6%AC%A7%E9%98%B3%E6%A3%80");      /* 欧阳检 */
    g_autofree char *b = list_ids ("/api/v1/talent/people?q=%E4%BB%93%E5%82%A8%E4%B8%BB");      /* 仓储主 */
    g_autofree char *c = list_ids ("/api/v1/talent/people?q=%E8%8D%AF%E6%9D%90%E7%A7%8D");      /* 药材种 */
    g_autofree char *d = list_ids ("/api/v1/talent/people?q=%E4%B8%AD%E8%8D%AF%E6%9D%90%E7%A7%8D%E6%A4%8D&tag=backbone");

    g_assert_cmpstr (a, ==, person_s);
    g_assert_cmpstr (b, ==, person_s);
    g_assert_cmpstr (c, ==, person_s);
    g_assert_cmpstr (d, ==, ""); /* q and the other filters combine */
  }
  /* Updates move the index: the old skill is gone, the new one found. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "PATCH", person_path, "{\"skill_tags\":[\"冷链物流\"]}"), 200);
    g_autofree char *old = list_ids ("/api/v1/talent/people?q=%E8%8D%AF%E6%9D%90%E7%A7%8D");   /* 药材种 */
    g_autofree char *now = list_ids ("/api/v1/talent/people?q=%E9%93%BE%E7%89%A9%E6%B5%81");   /* 链物流 */

    g_assert_cmpstr (old, ==, "");
    g_assert_cmpstr (now, ==, person_s);
  }
  /* Under three characters: the LIKE fallback over the same fields. */
  {
    g_autofree char *two = list_ids ("/api/v1/talent/people?q=%E7%89%A9%E6%B5%81");   /* 物流 (a skill) */
    g_autofree char *name = list_ids ("/api/v1/talent/people?q=%E6%AC%A7%E9%98%B3");  /* 欧阳 */

    g_assert_true (has_id (two, person));
    g_assert_true (has_id (name, person));
  }
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "PATCH", prog_path, "{\"name\":\"滇南医药人才班\"}"), 200);
    g_autofree char *old = list_ids ("/api/v1/talent/programmes?q=%E5%9B%BD%E9%99%85%E5%8C%96"); /* 国际化 */
    g_autofree char *now = list_ids ("/api/v1/talent/programmes?q=%E5%8C%BB%E8%8D%AF%E4%BA%BA"); /* 医药人 */

    g_assert_cmpstr (old, ==, "");
    g_assert_true (has_id (now, prog));
  }
  /* Deleted: out of the index. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "DELETE", person_path, NULL), 204);
    g_autofree char *gone = list_ids ("/api/v1/talent/people?q=%E6%AC%A7%E9%98%B3%E6%A3%80");
    g_assert_cmpstr (gone, ==, "");
    g_assert_cmpint (db_int ("SELECT count(*) FROM talent_people_fts WHERE talent_people_fts MATCH '欧阳检'", 0), ==, 0);
  }
}

/* partners, skill_tags and tags are link arrays of strings: they round-trip
 * (in key order), replace as a whole, refuse duplicates and unknown tags,
 * and filter. */
static void
test_string_arrays (void)
{
  g_autofree char *pbody = g_strdup_printf ("{\"name\":\"联合培养%u\",\"organizer_org_id\":%" G_GINT64_FORMAT
                                            ",\"kind\":\"skills\",\"partners\":[\"昆明医科大学\",\"云南中医药大学\"]}",
                                            ++uniq, own_org);
  g_autoptr (LjTestResponse) created = expect (req_as (NULL, "POST", "/api/v1/talent/programmes", pbody), 201);
  gint64 prog = lj_test_member_int (created, "id");
  g_autofree char *prog_s = id_text (prog);
  g_autofree char *prog_path = g_strdup_printf ("/api/v1/talent/programmes/%" G_GINT64_FORMAT, prog);
  JsonArray *partners = json_object_get_array_member (lj_test_object (created), "partners");
  gint64 person = new_person (own_enterprise, "master");
  g_autofree char *person_s = id_text (person);
  g_autofree char *person_path = g_strdup_printf ("/api/v1/talent/people/%" G_GINT64_FORMAT, person);

  g_assert_cmpuint (json_array_get_length (partners), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (partners, 0), ==, "云南中医药大学");
  g_assert_cmpstr (json_array_get_string_element (partners, 1), ==, "昆明医科大学");
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_programme_partners WHERE programme_id = ?1", prog), ==, 2);
  {
    /* 昆明医科大学, URL-encoded */
    g_autofree char *ids = list_ids ("/api/v1/talent/programmes?partner=%E6%98%86%E6%98%8E%E5%8C%BB%E7%A7%91%E5%A4%A7%E5%AD%A6&limit=200");
    g_assert_true (has_id (ids, prog));
  }
  /* Replaced as a whole. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "PATCH", prog_path, "{\"partners\":[\"云南省药物研究所\"]}"), 200);
    partners = json_object_get_array_member (lj_test_object (r), "partners");
    g_assert_cmpuint (json_array_get_length (partners), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (partners, 0), ==, "云南省药物研究所");
  }
  /* Duplicates and empty strings are refused; nothing changes. */
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "PATCH", prog_path, "{\"partners\":[\"甲大学\",\"甲大学\"]}"), 422);
    g_autoptr (LjTestResponse) e = expect (req_as (NULL, "PATCH", prog_path, "{\"partners\":[\"\"]}"), 422);
    g_assert_true (lj_test_has_field_error (r, "partners") || lj_test_has_field_error (r, "partners[1]"));
    g_assert_cmpint (db_int ("SELECT count(*) FROM talent_programme_partners WHERE programme_id = ?1 "
                             "AND partner = '云南省药物研究所'", prog), ==, 1);
    g_assert_cmpint (db_int ("SELECT count(*) FROM talent_programme_partners WHERE programme_id = ?1", prog), ==, 1);
  }
  /* Profile tags: a closed set; skill tags: free strings. */
  {
    g_autoptr (LjTestResponse) bad = expect (req_as (NULL, "PATCH", person_path, "{\"tags\":[\"hero\"]}"), 422);
    g_autoptr (LjTestResponse) dup = expect (req_as (NULL, "PATCH", person_path,
                                                     "{\"tags\":[\"backbone\",\"backbone\"]}"), 422);
    g_autoptr (LjTestResponse) ok = expect (req_as (NULL, "PATCH", person_path,
                                                    "{\"tags\":[\"reserve_cadre\",\"technical_expert\"],"
                                                    "\"skill_tags\":[\"GMP认证\",\"提取工艺\"]}"), 200);
    JsonArray *tags = json_object_get_array_member (lj_test_object (ok), "tags");
    JsonArray *skills = json_object_get_array_member (lj_test_object (ok), "skill_tags");

    g_assert_true (lj_test_has_field_error (bad, "tags[0]") || lj_test_has_field_error (bad, "tags"));
    g_assert_cmpuint (json_array_get_length (tags), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "reserve_cadre");
    g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "technical_expert");
    g_assert_cmpuint (json_array_get_length (skills), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (skills, 0), ==, "GMP认证");
    g_assert_cmpint (db_int ("SELECT count(*) FROM talent_person_tags WHERE person_id = ?1", person), ==, 2);
  }
  {
    g_autofree char *rc = list_ids ("/api/v1/talent/people?tag=reserve_cadre&limit=200&sort=-id");
    g_autofree char *bb = list_ids ("/api/v1/talent/people?tag=backbone&limit=200&sort=-id");
    g_autofree char *sk = list_ids ("/api/v1/talent/people?skill=GMP%E8%AE%A4%E8%AF%81");

    g_assert_true (has_id (rc, person));
    g_assert_false (has_id (bb, person));
    g_assert_cmpstr (sk, ==, person_s);
  }
}

/* member_id links at most one profile to a core member. */
static void
test_member_unique (void)
{
  gint64 a = new_person (own_enterprise, "bachelor"), b = new_person (own_enterprise, "bachelor");
  gint64 member = db_int ("SELECT id FROM members WHERE id NOT IN (SELECT member_id FROM talent_people "
                          "WHERE member_id IS NOT NULL) ORDER BY id LIMIT 1", 0);
  g_autofree char *patch = g_strdup_printf ("{\"member_id\":%" G_GINT64_FORMAT "}", member);
  g_autofree char *pa = g_strdup_printf ("/api/v1/talent/people/%" G_GINT64_FORMAT, a);
  g_autofree char *pb = g_strdup_printf ("/api/v1/talent/people/%" G_GINT64_FORMAT, b);
  g_autoptr (LjTestResponse) first = expect (req_as (NULL, "PATCH", pa, patch), 200);
  g_autoptr (LjTestResponse) second = expect (req_as (NULL, "PATCH", pb, patch), 422);

  g_assert_true (lj_test_has_field_error (second, "member_id"));
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_people WHERE member_id = ?1", member), ==, 1);
  g_assert_cmpint (db_int ("SELECT member_id IS NULL FROM talent_people WHERE id = ?1", b), ==, 1);
}

static void
test_stats_shape (void)
{
  g_autoptr (LjTestResponse) r = expect (lj_test_get (server, "/api/v1/stats/overview"), 200);
  JsonObject *t = json_object_get_object_member (lj_test_object (r), "talent");
  JsonObject *tracks = json_object_get_object_member (t, "tracks");
  JsonArray *pools = json_object_get_array_member (t, "pools");

  g_assert_true (json_object_has_member (json_object_get_object_member (tracks, "expert_to_member"), "probationary"));
  g_assert_true (json_object_has_member (json_object_get_object_member (tracks, "member_to_backbone"), "confirmed"));
  g_assert_cmpuint (json_array_get_length (pools), >=, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_array_get_object_element (pools, 0),
                                                                 "junior_college_or_above_percent"), 83.33, 1e-9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (t, "by_chain")), >=, 10);
}

/* ---- the stats section against its definition ---- */

/* The section's figures as docs/plugins/talent.md defines them, one
 * figure per statement: the SQL the section ran before it became
 * set-based (schemas/plugins/talent/0003-stats.sql).  ?1 from, ?2 to
 * (NULL: open), ?3 chain (0: every chain); ?4 ?5 text, ?6 an id. */
#define DEF_PROG_IN_CHAIN(p) "(?3 = 0 OR EXISTS (SELECT 1 FROM talent_programme_chains pc WHERE pc.programme_id = " p " AND pc.chain_id = ?3))"
#define DEF_PROG_IN_PERIOD(p) "(?1 IS NULL OR " p ".ends_on IS NULL OR " p ".ends_on >= substr(?1, 1, 10)) AND " \
                              "(?2 IS NULL OR " p ".starts_on IS NULL OR " p ".starts_on < substr(?2, 1, 10))"
#define DEF_SESSION_IN_PERIOD "(?1 IS NULL OR s.starts_at >= ?1) AND (?2 IS NULL OR s.starts_at < ?2)"
#define DEF_PERSON_IN_CHAIN(pe) "(?3 = 0 OR EXISTS (SELECT 1 FROM enterprise_chains ec WHERE ec.enterprise_id = " pe ".enterprise_id AND ec.chain_id = ?3))"

typedef struct {
  const char *from, *to; /* as sent: dates */
  gint64      chain;
} Scope;

static sqlite3_stmt *
def_query (sqlite3 *db, const char *sql, const Scope *sc, const char *a, const char *b, gint64 id)
{
  sqlite3_stmt *st = NULL;
  g_autofree char *from = sc->from ? g_strconcat (sc->from, "T00:00:00Z", NULL) : NULL;
  g_autofree char *to = sc->to ? g_strconcat (sc->to, "T00:00:00Z", NULL) : NULL;
  int n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  n = sqlite3_bind_parameter_count (st);
  sqlite3_bind_text (st, 1, from, -1, SQLITE_TRANSIENT);
  if (n >= 2)
    sqlite3_bind_text (st, 2, to, -1, SQLITE_TRANSIENT);
  if (n >= 3)
    sqlite3_bind_int64 (st, 3, sc->chain);
  if (n >= 4)
    sqlite3_bind_text (st, 4, a, -1, SQLITE_TRANSIENT);
  if (n >= 5)
    sqlite3_bind_text (st, 5, b, -1, SQLITE_TRANSIENT);
  if (n >= 6)
    sqlite3_bind_int64 (st, 6, id);
  return st;
}

static double
def_value (sqlite3 *db, const char *sql, const Scope *sc, const char *a, const char *b)
{
  sqlite3_stmt *st = def_query (db, sql, sc, a, b, 0);
  double v;

  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  v = sqlite3_column_double (st, 0);
  sqlite3_finalize (st);
  return v;
}

static void
check_tracks_def (sqlite3 *db, const Scope *sc, JsonObject *t)
{
  static const char count_sql[] =
    "SELECT count(*) FROM talent_tracks tr JOIN talent_people pe ON pe.id = tr.person_id "
    "WHERE tr.kind = ?4 AND tr.stage = ?5 AND " DEF_PERSON_IN_CHAIN ("pe");
  static const char conversions_sql[] =
    "SELECT count(DISTINCT s.track_id) FROM talent_track_stages s JOIN talent_tracks tr ON tr.id = s.track_id "
    "JOIN talent_people pe ON pe.id = tr.person_id "
    "WHERE s.stage = ?4 AND tr.stage = ?4 AND (?1 IS NULL OR s.reached_on >= substr(?1, 1, 10)) "
    "AND (?2 IS NULL OR s.reached_on < substr(?2, 1, 10)) AND " DEF_PERSON_IN_CHAIN ("pe");
  static const char *const expert[] = { "nominated", "applicant", "activist", "development_target", "probationary",
                                        "probation_extended", "full_member", "paused", "dropped", NULL };
  static const char *const backbone[] = { "nominated", "in_training", "assessed", "confirmed", "not_confirmed", NULL };
  static const struct { const char *kind; const char *const *stages; const char *converted; } kinds[] = {
    { "expert_to_member", expert, "full_member" }, { "member_to_backbone", backbone, "confirmed" }
  };
  JsonObject *tracks = json_object_get_object_member (t, "tracks");
  JsonObject *conv = json_object_get_object_member (t, "conversions");

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      JsonObject *o = json_object_get_object_member (tracks, kinds[k].kind);
      gint64 total = 0;

      for (guint i = 0; kinds[k].stages[i]; i++)
        {
          gint64 n = def_value (db, count_sql, sc, kinds[k].kind, kinds[k].stages[i]);

          g_assert_cmpint (json_object_get_int_member (o, kinds[k].stages[i]), ==, n);
          total += n;
        }
      g_assert_cmpint (json_object_get_int_member (o, "total"), ==, total);
      g_assert_cmpint (json_object_get_int_member (conv, kinds[k].kind), ==,
                       def_value (db, conversions_sql, sc, kinds[k].converted, NULL));
    }
}

static void
check_pools_def (sqlite3 *db, const Scope *sc, JsonObject *t)
{
  static const char profile_sql[] =
    "SELECT count(*), "
    " sum(pe.education = 'below_high_school'), sum(pe.education = 'high_school'), sum(pe.education = 'junior_college'), "
    " sum(pe.education = 'bachelor'), sum(pe.education = 'master'), sum(pe.education = 'doctorate'), "
    " sum(pe.education IS NULL), "
    " sum(EXISTS (SELECT 1 FROM talent_person_tags pt WHERE pt.person_id = pe.id AND pt.tag = 'technical_expert')), "
    " sum(EXISTS (SELECT 1 FROM talent_person_tags pt WHERE pt.person_id = pe.id AND pt.tag = 'backbone')), "
    " sum(EXISTS (SELECT 1 FROM talent_person_tags pt WHERE pt.person_id = pe.id AND pt.tag = 'reserve_cadre')), "
    " sum(pe.member_id IS NOT NULL) "
    "FROM talent_pool_entries e JOIN talent_people pe ON pe.id = e.person_id "
    "WHERE e.pool_id = ?6 AND e.status = 'active' AND " DEF_PERSON_IN_CHAIN ("pe");
  static const char *const fields[] = { "below_high_school", "high_school", "junior_college", "bachelor", "master",
                                        "doctorate", "unknown", "technical_expert", "backbone", "reserve_cadre" };
  JsonArray *pools = json_object_get_array_member (t, "pools");
  sqlite3_stmt *ids = def_query (db, "SELECT id, name FROM talent_pools ORDER BY id", sc, NULL, NULL, 0);
  guint i = 0;

  for (; sqlite3_step (ids) == SQLITE_ROW; i++)
    {
      JsonObject *p = json_array_get_object_element (pools, i);
      sqlite3_stmt *st = def_query (db, profile_sql, sc, NULL, NULL, sqlite3_column_int64 (ids, 0));
      gint64 size, above;

      g_assert_cmpint (json_object_get_int_member (p, "pool_id"), ==, sqlite3_column_int64 (ids, 0));
      g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, (const char *) sqlite3_column_text (ids, 1));
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
      size = sqlite3_column_int64 (st, 0);
      above = sqlite3_column_int64 (st, 3) + sqlite3_column_int64 (st, 4) + sqlite3_column_int64 (st, 5) +
              sqlite3_column_int64 (st, 6);
      g_assert_cmpint (json_object_get_int_member (p, "size"), ==, size);
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          JsonObject *o = json_object_get_object_member (p, f < 7 ? "education" : "tags");
          g_assert_cmpint (json_object_get_int_member (o, fields[f]), ==, sqlite3_column_int64 (st, 1 + f));
        }
      g_assert_cmpint (json_object_get_int_member (p, "junior_college_or_above"), ==, above);
      g_assert_cmpint (json_object_get_int_member (p, "party_members"), ==, sqlite3_column_int64 (st, 11));
      if (size == 0)
        g_assert_true (json_object_get_null_member (p, "junior_college_or_above_share"));
      else
        g_assert_cmpfloat (json_object_get_double_member (p, "junior_college_or_above_share"), ==, (double) above / size);
      sqlite3_finalize (st);
    }
  sqlite3_finalize (ids);
  g_assert_cmpuint (json_array_get_length (pools), ==, i);
}

static void
check_by_chain_def (sqlite3 *db, const Scope *sc, JsonObject *t)
{
  static const char sql[] =
    "SELECT c.id, "
    " (SELECT count(*) FROM talent_programmes p JOIN talent_programme_chains pc ON pc.programme_id = p.id "
    "   WHERE pc.chain_id = c.id AND p.state <> 'cancelled' AND " DEF_PROG_IN_PERIOD ("p") "), "
    " (SELECT count(*) FROM talent_sessions s JOIN talent_programmes p ON p.id = s.programme_id "
    "   JOIN talent_programme_chains pc ON pc.programme_id = p.id "
    "   WHERE pc.chain_id = c.id AND p.state <> 'cancelled' AND " DEF_SESSION_IN_PERIOD "), "
    " (SELECT count(*) FROM talent_attendance a JOIN talent_sessions s ON s.id = a.session_id "
    "   JOIN talent_programmes p ON p.id = s.programme_id JOIN talent_programme_chains pc ON pc.programme_id = p.id "
    "   WHERE pc.chain_id = c.id AND a.status IN ('present','late') AND p.state <> 'cancelled' AND " DEF_SESSION_IN_PERIOD "), "
    " (SELECT ifnull(sum(a.credited_hours), 0) FROM talent_attendance a JOIN talent_sessions s ON s.id = a.session_id "
    "   JOIN talent_programmes p ON p.id = s.programme_id JOIN talent_programme_chains pc ON pc.programme_id = p.id "
    "   WHERE pc.chain_id = c.id AND p.state <> 'cancelled' AND " DEF_SESSION_IN_PERIOD ") "
    "FROM chains c WHERE (?3 = 0 OR c.id = ?3) "
    "AND EXISTS (SELECT 1 FROM talent_programme_chains pc WHERE pc.chain_id = c.id) ORDER BY c.id";
  static const char *const fields[] = { "chain_id", "programmes", "sessions", "attendances" };
  JsonArray *by_chain = json_object_get_array_member (t, "by_chain");
  sqlite3_stmt *st = def_query (db, sql, sc, NULL, NULL, 0);
  guint i = 0;

  for (; sqlite3_step (st) == SQLITE_ROW; i++)
    {
      JsonObject *c = json_array_get_object_element (by_chain, i);

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        g_assert_cmpint (json_object_get_int_member (c, fields[f]), ==, sqlite3_column_int64 (st, f));
      g_assert_cmpfloat (json_object_get_double_member (c, "credited_hours"), ==, sqlite3_column_double (st, 4));
    }
  sqlite3_finalize (st);
  g_assert_cmpuint (json_array_get_length (by_chain), ==, i);
}

/* The whole section for @sc equals its definition; returns it. */
static JsonObject *
check_section_def (const Scope *sc, LjTestResponse **keep)
{
  static const char programmes_sql[] =
    "SELECT count(*) FROM talent_programmes p WHERE p.state <> 'cancelled' AND " DEF_PROG_IN_PERIOD ("p")
    " AND " DEF_PROG_IN_CHAIN ("p.id");
  static const char sessions_sql[] =
    "SELECT count(*) FROM talent_sessions s JOIN talent_programmes p ON p.id = s.programme_id "
    "WHERE p.state <> 'cancelled' AND " DEF_SESSION_IN_PERIOD " AND " DEF_PROG_IN_CHAIN ("p.id");
  static const char attendances_sql[] =
    "SELECT count(*) FROM talent_attendance a JOIN talent_sessions s ON s.id = a.session_id "
    "JOIN talent_programmes p ON p.id = s.programme_id "
    "WHERE a.status IN ('present','late') AND p.state <> 'cancelled' AND " DEF_SESSION_IN_PERIOD " AND " DEF_PROG_IN_CHAIN ("p.id");
  static const char hours_sql[] =
    "SELECT ifnull(sum(a.credited_hours), 0) FROM talent_attendance a JOIN talent_sessions s ON s.id = a.session_id "
    "JOIN talent_programmes p ON p.id = s.programme_id "
    "WHERE p.state <> 'cancelled' AND " DEF_SESSION_IN_PERIOD " AND " DEF_PROG_IN_CHAIN ("p.id");
  static const char completions_sql[] =
    "SELECT count(*) FROM talent_enrolments e JOIN talent_programmes p ON p.id = e.programme_id "
    "WHERE e.state = 'completed' AND (?1 IS NULL OR p.ends_on >= substr(?1, 1, 10)) "
    "AND (?2 IS NULL OR p.ends_on < substr(?2, 1, 10)) AND " DEF_PROG_IN_CHAIN ("p.id");
  g_autoptr (GString) path = g_string_new ("/api/v1/stats/overview?");
  sqlite3 *db = NULL;
  JsonObject *t;

  if (sc->chain)
    g_string_append_printf (path, "chain_id=%" G_GINT64_FORMAT "&", sc->chain);
  if (sc->from)
    g_string_append_printf (path, "from=%s&", sc->from);
  if (sc->to)
    g_string_append_printf (path, "to=%s&", sc->to);
  g_string_truncate (path, path->len - 1); /* the last '&' or '?' */
  *keep = expect (lj_test_get (server, path->str), 200);
  t = json_object_get_object_member (lj_test_object (*keep), "talent");
  g_test_message ("%s", path->str);

  g_assert_cmpint (sqlite3_open_v2 (lj_test_server_get_db_path (server), &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (json_object_get_int_member (t, "programmes"), ==, def_value (db, programmes_sql, sc, NULL, NULL));
  g_assert_cmpint (json_object_get_int_member (t, "sessions"), ==, def_value (db, sessions_sql, sc, NULL, NULL));
  g_assert_cmpint (json_object_get_int_member (t, "attendances"), ==, def_value (db, attendances_sql, sc, NULL, NULL));
  g_assert_cmpfloat (json_object_get_double_member (t, "credited_hours"), ==, def_value (db, hours_sql, sc, NULL, NULL));
  g_assert_cmpint (json_object_get_int_member (t, "completions"), ==, def_value (db, completions_sql, sc, NULL, NULL));
  check_tracks_def (db, sc, t);
  check_pools_def (db, sc, t);
  check_by_chain_def (db, sc, t);
  sqlite3_close (db);
  return t;
}

static void
check_all_scopes (gint64 other_chain)
{
  const Scope scopes[] = {
    { NULL, NULL, 0 }, { NULL, NULL, chain_id }, { NULL, NULL, other_chain },
    /* A session at `from` counts, one at `to` does not; a programme whose
     * last day is `from`, or whose first day is `to`, and completions of
     * programmes ending on either edge. */
    { "2034-03-01", "2034-06-01", 0 }, { "2034-03-01", "2034-06-01", chain_id },
    { "2034-12-31", "2035-01-01", 0 }, { "2034-12-31", "2035-01-01", chain_id },
    { NULL, "2034-03-01", chain_id }, { "2034-06-01", NULL, chain_id },
    /* Conversions reached on a day (test_tracks_create_member, test_backbone_track). */
    { "2026-11-01", "2026-11-02", 0 }, { "2026-11-01", "2026-11-02", chain_id },
    { "2032-01-01", "2033-01-01", chain_id },
  };

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autoptr (LjTestResponse) r = NULL;
      check_section_def (&scopes[i], &r);
    }
}

static gint64
pool_size (JsonObject *t, gint64 pool)
{
  JsonArray *pools = json_object_get_array_member (t, "pools");

  for (guint i = 0; i < json_array_get_length (pools); i++)
    if (json_object_get_int_member (json_array_get_object_element (pools, i), "pool_id") == pool)
      return json_object_get_int_member (json_array_get_object_element (pools, i), "size");
  g_assert_not_reached ();
}

static gint64
new_entry (gint64 pool, gint64 person, const char *status)
{
  g_autofree char *body = g_strdup_printf ("{\"pool_id\":%" G_GINT64_FORMAT ",\"person_id\":%" G_GINT64_FORMAT
                                           ",\"added_on\":\"2025-01-01\",\"status\":\"%s\"}", pool, person, status);

  return post_id (NULL, "/api/v1/talent/pool_entries", body);
}

static void
patch_ok (const char *resource, gint64 id, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/talent/%s/%" G_GINT64_FORMAT, resource, id);
  g_autoptr (LjTestResponse) r = expect (req_as (NULL, "PATCH", path, body), 200);
}

/* Every figure of the section, park-wide, per chain and over period edges,
 * equals its definition; the pool figures follow every kind of write to
 * entries, people and tags (they are read from talent_pool_entry_facts,
 * which triggers keep). */
static void
test_stats_match_definition (void)
{
  gint64 on = db_int ("SELECT enterprise_id FROM enterprise_chains WHERE chain_id = ?1 ORDER BY enterprise_id LIMIT 1",
                      chain_id);
  gint64 off = db_int ("SELECT id FROM enterprises WHERE id NOT IN (SELECT enterprise_id FROM enterprise_chains "
                       "WHERE chain_id = ?1) ORDER BY id LIMIT 1", chain_id);
  gint64 other_chain = db_int ("SELECT chain_id FROM enterprise_chains WHERE enterprise_id = ?1 ORDER BY chain_id LIMIT 1",
                               off);
  g_autofree char *pool_body = g_strdup_printf ("{\"name\":\"统计测试库%u\",\"org_id\":%" G_GINT64_FORMAT "}", ++uniq, own_org);
  gint64 pool = post_id (NULL, "/api/v1/talent/pools", pool_body);
  g_autofree char *nobody_body = g_strdup_printf ("{\"name\":\"无学历%u\",\"enterprise_id\":%" G_GINT64_FORMAT
                                                  ",\"tags\":[\"reserve_cadre\",\"backbone\"]}", ++uniq, on);
  gint64 a = new_person (on, "bachelor"), b = post_id (NULL, "/api/v1/talent/people", nobody_body);
  gint64 c = new_person (off, "high_school"), d = new_person (on, "doctorate");
  gint64 ea, eb, ec, p, s1, s2;
  gint64 member = db_int ("SELECT id FROM members WHERE id NOT IN (SELECT member_id FROM talent_people "
                          "WHERE member_id IS NOT NULL) ORDER BY id LIMIT 1", 0);

  g_assert_cmpint (on, >, 0);
  g_assert_cmpint (off, >, 0);
  g_assert_cmpint (other_chain, >, 0);
  ea = new_entry (pool, a, "active");
  eb = new_entry (pool, b, "active");
  ec = new_entry (pool, c, "active");
  new_entry (pool, d, "appointed");
  {
    g_autoptr (LjTestResponse) park = NULL, chain = NULL;
    const Scope all = { NULL, NULL, 0 }, own = { NULL, NULL, chain_id };

    g_assert_cmpint (pool_size (check_section_def (&all, &park), pool), ==, 3);
    g_assert_cmpint (pool_size (check_section_def (&own, &chain), pool), ==, 2);
  }

  /* A programme with sessions on the edges of the periods checked. */
  p = new_programme (10, "open", 2, "2034-03-01", TRUE);
  enrol_state (p, a, "approved");
  enrol_state (p, d, "approved");
  s1 = new_session (p, "2034-03-01T00:00:00Z", 2);
  s2 = new_session (p, "2034-06-01T00:00:00Z", 3);
  {
    g_autofree char *sheet1 = g_strdup_printf ("/api/v1/talent/sessions/%" G_GINT64_FORMAT "/attendance", s1);
    g_autofree char *sheet2 = g_strdup_printf ("/api/v1/talent/sessions/%" G_GINT64_FORMAT "/attendance", s2);
    g_autofree char *body1 = g_strdup_printf ("{\"entries\":[{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"present\"},"
                                              "{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"excused\"}]}", a, d);
    g_autofree char *body2 = g_strdup_printf ("{\"entries\":[{\"person_id\":%" G_GINT64_FORMAT ",\"status\":\"late\","
                                              "\"credited_hours\":1.5}]}", d);
    g_autoptr (LjTestResponse) r1 = expect (req_as (NULL, "POST", sheet1, body1), 200);
    g_autoptr (LjTestResponse) r2 = expect (req_as (NULL, "POST", sheet2, body2), 200);
  }
  fire_ok ("programmes", p, "finish");
  /* A cancelled programme's sessions count nowhere. */
  {
    gint64 cancelled = new_programme (10, "open", 2, "2034-01-01", FALSE);

    new_session (cancelled, "2034-04-01T00:00:00Z", 2);
    fire_ok ("programmes", cancelled, "cancel");
  }
  check_all_scopes (other_chain);
  /* The edges as the definition reads them, on this programme alone. */
  {
    const Scope spring = { "2034-03-01", "2034-06-01", chain_id }, last_day = { "2034-12-31", "2035-01-01", chain_id };
    const Scope before = { NULL, "2034-03-01", chain_id };
    g_autoptr (LjTestResponse) r1 = NULL, r2 = NULL, r3 = NULL;
    JsonObject *t = check_section_def (&spring, &r1);

    g_assert_cmpint (json_object_get_int_member (t, "sessions"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (t, "attendances"), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (t, "credited_hours"), ==, 2);
    t = check_section_def (&last_day, &r2);
    g_assert_cmpint (json_object_get_int_member (t, "programmes"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (t, "sessions"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (t, "completions"), ==, 1);
    t = check_section_def (&before, &r3);
    g_assert_cmpint (json_object_get_int_member (t, "completions"), ==, db_int (
      "SELECT count(*) FROM talent_enrolments e JOIN talent_programmes p ON p.id = e.programme_id "
      "JOIN talent_programme_chains pc ON pc.programme_id = p.id WHERE pc.chain_id = ?1 AND e.state = 'completed' "
      "AND p.ends_on < '2034-03-01'", chain_id));
  }

  /* Every write the pool figures depend on. */
  patch_ok ("people", a, "{\"education\":\"master\",\"tags\":[\"backbone\"]}");
  {
    g_autofree char *link = g_strdup_printf ("{\"member_id\":%" G_GINT64_FORMAT "}", member);
    patch_ok ("people", a, link);
  }
  patch_ok ("people", b, "{\"tags\":[]}");
  {
    g_autofree char *move = g_strdup_printf ("{\"enterprise_id\":%" G_GINT64_FORMAT "}", on);
    patch_ok ("people", c, move);
  }
  patch_ok ("pool_entries", ea, "{\"status\":\"removed\"}");
  patch_ok ("pool_entries", eb, "{\"evaluation\":\"良好\"}");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/talent/pool_entries/%" G_GINT64_FORMAT,
                                             new_entry (pool, new_person (on, "master"), "active"));
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "DELETE", path, NULL), 204);
  }
  {
    g_autofree char *move = g_strdup_printf ("{\"pool_id\":%" G_GINT64_FORMAT "}", db_int ("SELECT min(id) FROM talent_pools", 0));
    patch_ok ("pool_entries", ec, move);
  }
  /* After the move, which recounts the entry's tags itself. */
  patch_ok ("people", c, "{\"tags\":[\"technical_expert\",\"backbone\"]}");
  check_all_scopes (other_chain);
  g_assert_cmpint (db_int ("SELECT count(*) FROM talent_pool_entry_facts", 0), ==,
                   db_int ("SELECT count(*) FROM talent_pool_entries", 0));
}

/* ---- the per-chain copies (migration 0004) ---- */

/* Rows of the kept copies that a fresh derivation from the source tables
 * (the migration's own backfill) does not give, and the other way round. */
static gint64
chain_copies_differences (void)
{
#define TRACKS_DERIVED \
  "SELECT ec.chain_id, tr.kind, tr.stage, tr.id FROM talent_tracks tr JOIN talent_people pe ON pe.id = tr.person_id " \
  "JOIN enterprise_chains ec ON ec.enterprise_id = pe.enterprise_id"
#define TRACKS_KEPT "SELECT chain_id, kind, stage, track_id FROM talent_track_chain_facts"
#define POOLS_DERIVED \
  "SELECT ec.chain_id, f.entry_id, f.pool_id, f.education, f.is_member, f.tags FROM talent_pool_entry_facts f " \
  "JOIN enterprise_chains ec ON ec.enterprise_id = f.enterprise_id WHERE f.status = 'active'"
#define POOLS_KEPT "SELECT chain_id, entry_id, pool_id, education, is_member, tags FROM talent_pool_chain_facts"
  return db_int ("SELECT (SELECT count(*) FROM (" TRACKS_DERIVED " EXCEPT " TRACKS_KEPT "))"
                 " + (SELECT count(*) FROM (" TRACKS_KEPT " EXCEPT " TRACKS_DERIVED "))"
                 " + (SELECT count(*) FROM (" POOLS_DERIVED " EXCEPT " POOLS_KEPT "))"
                 " + (SELECT count(*) FROM (" POOLS_KEPT " EXCEPT " POOLS_DERIVED "))", 0);
#undef TRACKS_DERIVED
#undef TRACKS_KEPT
#undef POOLS_DERIVED
#undef POOLS_KEPT
}

#define N_COPY_CHAINS 4
#define N_COPY_ENTERPRISES 4
#define N_COPY_STEPS 60

typedef struct {
  gint64 chains[N_COPY_CHAINS];
  gint64 enterprises[N_COPY_ENTERPRISES];
  gint64 pool;
  GArray *people, *tracks, *entries;
  guint   credit_codes;
} CopyWorld;

static gint64
pick (GArray *ids)
{
  return g_array_index (ids, gint64, g_test_rand_int_range (0, ids->len));
}

/* {"chains":[…]}: a random non-empty subset of the world's chains. */
static char *
random_chains_body (const CopyWorld *w)
{
  GString *b = g_string_new ("{\"chains\":[");
  guint mask = g_test_rand_int_range (1, 1 << N_COPY_CHAINS);

  for (guint i = 0; i < N_COPY_CHAINS; i++)
    if (mask & (1u << i))
      g_string_append_printf (b, "%s{\"chain_id\":%" G_GINT64_FORMAT ",\"role\":\"supporting\"}",
                              b->str[b->len - 1] == '[' ? "" : ",", w->chains[i]);
  g_string_append (b, "]}");
  return g_string_free (b, FALSE);
}

static void
copy_step_new_person (CopyWorld *w)
{
  static const char *const educations[] = { "high_school", "bachelor", "master", "doctorate" };
  gint64 person = new_person (w->enterprises[g_test_rand_int_range (0, N_COPY_ENTERPRISES)],
                              educations[g_test_rand_int_range (0, G_N_ELEMENTS (educations))]);
  gint64 entry = new_entry (w->pool, person, g_test_rand_bit () ? "active" : "appointed");

  g_array_append_val (w->people, person);
  g_array_append_val (w->entries, entry);
}

static void
copy_step_new_track (CopyWorld *w)
{
  /* member_to_backbone needs a person linked to a member: the stage
   * changes of one kind exercise the copies as well as two. */
  gint64 track = new_track ("expert_to_member", pick (w->people));

  g_array_append_val (w->tracks, track);
}

/* A stage change, when the track is still at its first stage (409 when not). */
static void
copy_step_advance_track (CopyWorld *w)
{
  g_autoptr (LjTestResponse) r = fire_as (NULL, "tracks", pick (w->tracks), "{\"event\":\"apply\",\"reason\":\"r\"}");

  g_assert_true (r->status == 200 || r->status == 409);
}

static void
copy_step_move_person (CopyWorld *w)
{
  g_autofree char *body = g_strdup_printf ("{\"enterprise_id\":%" G_GINT64_FORMAT "}",
                                           w->enterprises[g_test_rand_int_range (0, N_COPY_ENTERPRISES)]);

  patch_ok ("people", pick (w->people), body);
}

static void
copy_step_entry_status (CopyWorld *w)
{
  static const char *const statuses[] = { "{\"status\":\"active\"}", "{\"status\":\"removed\"}",
                                          "{\"status\":\"appointed\"}" };

  patch_ok ("pool_entries", pick (w->entries), statuses[g_test_rand_int_range (0, G_N_ELEMENTS (statuses))]);
}

static void
copy_step_tags (CopyWorld *w)
{
  patch_ok ("people", pick (w->people), g_test_rand_bit () ? "{\"tags\":[\"backbone\"]}" : "{\"tags\":[]}");
}

/* An enterprise with people joins and leaves chains (PATCH chains). */
static void
copy_step_enterprise_chains (CopyWorld *w)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT,
                                           w->enterprises[g_test_rand_int_range (0, N_COPY_ENTERPRISES)]);
  g_autofree char *body = random_chains_body (w);
  g_autoptr (LjTestResponse) r = expect (req_as (NULL, "PATCH", path, body), 200);
}

static void
copy_step_delete_track (CopyWorld *w)
{
  guint i = g_test_rand_int_range (0, w->tracks->len);
  g_autofree char *path = g_strdup_printf ("/api/v1/talent/tracks/%" G_GINT64_FORMAT,
                                           g_array_index (w->tracks, gint64, i));
  g_autoptr (LjTestResponse) r = NULL;

  if (w->tracks->len < 2)
    return;
  r = expect (req_as (NULL, "DELETE", path, NULL), 204);
  g_array_remove_index_fast (w->tracks, i);
}

/* A row of enterprise_chains moved to another chain in place.  The API
 * deletes and inserts link rows, so this writes SQL as a later core
 * migration or tool might: the copies follow whoever writes. */
static void
copy_step_enterprise_chain_update (CopyWorld *w)
{
  static const char sql[] =
    "UPDATE enterprise_chains SET chain_id = (SELECT c.id FROM chains c WHERE c.id <= ?2 AND c.id NOT IN "
    " (SELECT chain_id FROM enterprise_chains WHERE enterprise_id = ?1) ORDER BY c.id LIMIT 1) "
    "WHERE enterprise_id = ?1 AND chain_id = (SELECT min(chain_id) FROM enterprise_chains WHERE enterprise_id = ?1) "
    "AND EXISTS (SELECT 1 FROM chains c WHERE c.id <= ?2 AND c.id NOT IN "
    " (SELECT chain_id FROM enterprise_chains WHERE enterprise_id = ?1))";
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  g_assert_cmpint (sqlite3_open_v2 (lj_test_server_get_db_path (server), &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (st, 1, w->enterprises[g_test_rand_int_range (0, N_COPY_ENTERPRISES)]);
  sqlite3_bind_int64 (st, 2, w->chains[N_COPY_CHAINS - 1]);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  sqlite3_close (db);
}

/* An enterprise created on chains and deleted: its chain rows go by
 * cascade, which fires the copies' triggers on enterprise_chains.  (One
 * with people cannot be deleted: talent_people refers to it.) */
static void
copy_step_enterprise_delete (CopyWorld *w)
{
  char first[18];
  g_autofree char *chains = random_chains_body (w);
  g_autofree char *body = NULL, *path = NULL;
  gint64 id;

  g_snprintf (first, sizeof first, "91530000MA%07u", 5100000 + ++w->credit_codes);
  body = g_strdup_printf ("{\"name\":\"链统计企业%u\",\"credit_code\":\"%s%c\",\"size\":\"small\","
                          "\"ownership\":\"non_public\",%s", ++uniq, first, lj_credit_code_check_char (first),
                          chains + 1);
  id = post_id (NULL, "/api/v1/enterprises", body);
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT, id);
  {
    g_autoptr (LjTestResponse) r = expect (req_as (NULL, "DELETE", path, NULL), 204);
  }
}

/* Rows of the section that the copies feed: the same as the definition
 * (through enterprise_chains itself) for every chain touched, with no
 * period and with one covering everything. */
static void
check_copy_chains (const CopyWorld *w)
{
  for (guint i = 0; i < N_COPY_CHAINS; i++)
    {
      const Scope open = { NULL, NULL, w->chains[i] }, all = { "2000-01-01", "2100-01-01", w->chains[i] };
      g_autoptr (LjTestResponse) r1 = NULL, r2 = NULL;
      JsonObject *t1 = check_section_def (&open, &r1), *t2 = check_section_def (&all, &r2);
      g_autoptr (JsonNode) pools1 = json_node_ref (json_object_get_member (t1, "pools"));
      g_autoptr (JsonNode) pools2 = json_node_ref (json_object_get_member (t2, "pools"));

      g_assert_true (json_node_equal (pools1, pools2));
      g_assert_true (json_node_equal (json_object_get_member (t1, "tracks"), json_object_get_member (t2, "tracks")));
    }
}

/* A random sequence of writes through the API, enterprises joining and
 * leaving chains among them: the per-chain copies the section reads stay
 * equal to a fresh derivation, and the section to its definition. */
static void
test_stats_chain_copies_follow_writes (void)
{
  static void (*const steps[]) (CopyWorld *) = {
    copy_step_new_person, copy_step_new_track, copy_step_advance_track, copy_step_move_person,
    copy_step_entry_status, copy_step_tags, copy_step_enterprise_chains, copy_step_enterprise_delete,
    copy_step_delete_track, copy_step_enterprise_chain_update,
  };
  g_autoptr (GArray) people = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) tracks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (gint64));
  CopyWorld w = { .people = people, .tracks = tracks, .entries = entries };
  g_autofree char *pool_body = g_strdup_printf ("{\"name\":\"链统计库%u\",\"org_id\":%" G_GINT64_FORMAT "}", ++uniq, own_org);

  g_assert_cmpint (chain_copies_differences (), ==, 0);
  for (guint i = 0; i < N_COPY_CHAINS; i++)
    w.chains[i] = db_int ("SELECT id FROM chains ORDER BY id LIMIT 1 OFFSET ?1", i);
  /* Enterprises that lead no chain, so that any set of chains is valid. */
  for (guint i = 0; i < N_COPY_ENTERPRISES; i++)
    w.enterprises[i] = db_int ("SELECT id FROM enterprises WHERE id NOT IN (SELECT lead_enterprise_id FROM chains "
                               "WHERE lead_enterprise_id IS NOT NULL) ORDER BY id DESC LIMIT 1 OFFSET ?1", i);
  w.pool = post_id (NULL, "/api/v1/talent/pools", pool_body);
  copy_step_new_person (&w);
  copy_step_new_track (&w);
  for (guint i = 0; i < N_COPY_STEPS; i++)
    {
      steps[g_test_rand_int_range (0, G_N_ELEMENTS (steps))] (&w);
      g_assert_cmpint (chain_copies_differences (), ==, 0);
    }
  check_copy_chains (&w);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  server = lj_test_server_start_with_plugins (LJ_TEST_SERVER_DEMO, LJ_PLUGIN_DIR, "[plugin:talent]\nrequired=true\n");
  chain_id = db_int ("SELECT id FROM chains WHERE committee_org_id IS NOT NULL ORDER BY id LIMIT 1", 0);
  own_org = db_int ("SELECT committee_org_id FROM chains WHERE id = ?1", chain_id);
  other_org = db_int ("SELECT committee_org_id FROM chains WHERE committee_org_id IS NOT NULL AND id <> ?1 ORDER BY id LIMIT 1",
                      chain_id);
  own_enterprise = db_int ("SELECT oe.enterprise_id FROM organization_enterprises oe JOIN organizations o ON o.id = oe.org_id "
                           "WHERE o.parent_id = ?1 ORDER BY oe.enterprise_id LIMIT 1", own_org);
  g_assert_cmpint (own_enterprise, >, 0);
  secretary = lj_test_server_create_user (server, "talent-sec", "secretary", own_org, NULL, NULL);
  outsider = lj_test_server_create_user (server, "talent-out", "secretary", other_org, NULL, NULL);
  viewer = lj_test_server_create_user (server, "talent-view", "viewer", 0, NULL, NULL);
  g_test_add_func ("/talent/loaded-and-demo", test_loaded_and_demo);
  g_test_add_func ("/talent/programme-transitions-per-role", test_programme_transitions_per_role);
  g_test_add_func ("/talent/capacity-and-waitlist", test_capacity_and_waitlist);
  g_test_add_func ("/talent/approval-mode", test_approval_mode);
  g_test_add_func ("/talent/race-for-last-seat", test_race_for_last_seat);
  g_test_add_func ("/talent/attendance-completion-and-hours", test_attendance_completion_and_hours);
  g_test_add_func ("/talent/tracks-create-member", test_tracks_create_member);
  g_test_add_func ("/talent/tracks-member-failure", test_tracks_member_failure);
  g_test_add_func ("/talent/backbone-track", test_backbone_track);
  g_test_add_func ("/talent/stats-shape", test_stats_shape);
  g_test_add_func ("/talent/search", test_search);
  g_test_add_func ("/talent/string-arrays", test_string_arrays);
  g_test_add_func ("/talent/member-unique", test_member_unique);
  g_test_add_func ("/talent/stats-match-definition", test_stats_match_definition);
  g_test_add_func ("/talent/stats/chain-copies-follow-writes", test_stats_chain_copies_follow_writes);
  rc = g_test_run ();
  g_free (secretary);
  g_free (outsider);
  g_free (viewer);
  lj_test_server_free (server);
  return rc;
}
