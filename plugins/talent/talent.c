/* SPDX-License-Identifier: GPL-3.0-or-later */
/* talent: training programmes and the talent pipeline (人才培养 / 双培养).
 *
 * Resources (declared in schemas/plugins/talent/): programmes with a state
 * machine, their sessions, talent profiles (people), enrolments with a
 * capacity and a first-come-first-served waitlist, attendance per session,
 * cultivation tracks with two kinds of stage machines, pools and their
 * entries.  Domain rules live in validate hooks, which run inside the
 * write's BEGIN IMMEDIATE transaction: so counting the seats taken and
 * taking one is atomic, whatever the concurrency of the requests.
 *
 * Only <lianjian/lianjian.h> is used. */
#include "talent-private.h"
#include "talent-data.h"

#include <gio/gio.h>
#include <string.h>

#define DATA "/org/lianjian/plugins/talent/"

/* States in which a programme takes enrolments and seats may move. */
#define SEATS_SQL "('approved','completed','incomplete')"

gboolean
talent_sql_int (LjRequest *req, const char *sql, gint64 a, gint64 b, gint64 *out, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  *out = 0;
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, a);
  if (b >= 0)
    sqlite3_bind_int64 (lj_stmt_get (st), 2, b);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (lj_stmt_get (st), 0);
  return TRUE;
}

gboolean
talent_sql_exec (LjRequest *req, const char *sql, gint64 a, gint64 b, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, a);
  if (b >= 0)
    sqlite3_bind_int64 (lj_stmt_get (st), 2, b);
  return lj_stmt_step_done (st, error);
}

static gboolean
fail (GError **error, LjHttpError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, LjHttpError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_set_error_literal (error, LJ_HTTP_ERROR, code, "");
  g_free ((*error)->message);
  (*error)->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

static gboolean
invalid (LjRequest *req, GError **error, const char *field, const char *message)
{
  lj_request_add_field_error (req, field, "%s", message);
  return fail (error, LJ_HTTP_ERROR_INVALID, "%s: %s", field, message);
}

static const char *
obj_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
obj_int (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return 0;
  return json_node_get_int (n);
}

static char *
today (void)
{
  g_autofree char *now = lj_clock_now_timestamp ();

  return g_strndup (now, 10);
}

/* Writes @node as JSON; doubles in their shortest round-trip form
 * (83.33, not json-glib's 83.329999999999998). */
static void
write_json (GString *out, JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        g_autoptr (GList) names = json_object_get_members (o);   /* in the order they were added */

        g_string_append_c (out, '{');
        for (GList *l = names; l; l = l->next)
          {
            g_autoptr (JsonNode) key = json_node_init_string (json_node_alloc (), l->data);
            g_autofree char *k = json_to_string (key, FALSE);

            g_string_append_printf (out, "%s%s:", l == names ? "" : ",", k);
            write_json (out, json_object_get_member (o, l->data));
          }
        g_string_append_c (out, '}');
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            if (i)
              g_string_append_c (out, ',');
            write_json (out, json_array_get_element (a, i));
          }
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          double v = json_node_get_double (node);
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          for (int digits = 15; digits <= 17; digits++)
            {
              g_ascii_formatd (buf, sizeof buf, digits == 15 ? "%.15g" : digits == 16 ? "%.16g" : "%.17g", v);
              if (g_ascii_strtod (buf, NULL) == v)
                break;
            }
          g_string_append (out, buf);
          /* A whole number stays a JSON number with a fraction: 4.0. */
          if (strspn (buf, "-0123456789") == strlen (buf))
            g_string_append (out, ".0");
          break;
        }
      G_GNUC_FALLTHROUGH;
    case JSON_NODE_NULL:
    default:
      {
        g_autofree char *text = json_to_string (node, FALSE);
        g_string_append (out, text);
      }
    }
}

static void
respond (LjRequest *req, guint status, JsonNode *node)
{
  GString *out = g_string_new (NULL);
  gsize len;

  write_json (out, node);
  len = out->len;
  lj_request_set_response_json (req, status, g_string_free (out, FALSE), len);
}

/* ------------------------------------------------------------------ */
/* Programmes and seats                                                */

typedef struct {
  char   *state;
  gint64  capacity;   /* 0: unlimited */
  char   *mode;
  double  required_hours;
} Programme;

static void
programme_clear (Programme *p)
{
  g_clear_pointer (&p->state, g_free);
  g_clear_pointer (&p->mode, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Programme, programme_clear)

static gboolean
programme_get (LjRequest *req, gint64 id, Programme *p, GError **error)
{
  static const char sql[] =
    "SELECT state, ifnull(capacity, 0), enrolment_mode, required_hours FROM talent_programmes WHERE id = ?1";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return fail (error, LJ_HTTP_ERROR_NOT_FOUND, "no programme %" G_GINT64_FORMAT, id);
  p->state = g_strdup ((const char *) sqlite3_column_text (lj_stmt_get (st), 0));
  p->capacity = sqlite3_column_int64 (lj_stmt_get (st), 1);
  p->mode = g_strdup ((const char *) sqlite3_column_text (lj_stmt_get (st), 2));
  p->required_hours = sqlite3_column_double (lj_stmt_get (st), 3);
  return TRUE;
}

static gboolean
programme_takes_seats (const Programme *p)
{
  return strcmp (p->state, "open") == 0 || strcmp (p->state, "in_progress") == 0;
}

/* The enrolment whose seat is being given up by the transition being
 * validated (withdraw): its row still says `approved` until the engine
 * writes the transition, after the hooks.  Everything runs on the main
 * context, one request at a time, so a static is enough. */
static gint64 vacating_enrolment_id;

static gboolean
seats_taken (LjRequest *req, gint64 programme_id, gint64 *taken, GError **error)
{
  return talent_sql_int (req,
                         "SELECT count(*) FROM talent_enrolments WHERE programme_id = ?1 AND id <> ?2 "
                         "AND state IN " SEATS_SQL,
                         programme_id, vacating_enrolment_id, taken, error);
}

static gboolean
seat_free (LjRequest *req, gint64 programme_id, const Programme *p, gboolean *free_seat, GError **error)
{
  gint64 taken = 0;

  if (!seats_taken (req, programme_id, &taken, error))
    return FALSE;
  *free_seat = p->capacity == 0 || taken < p->capacity;
  return TRUE;
}

static gboolean
first_waitlisted (LjRequest *req, gint64 programme_id, gint64 *id, GError **error)
{
  return talent_sql_int (req,
                         "SELECT id FROM talent_enrolments WHERE programme_id = ?1 AND state = 'waitlisted' "
                         "ORDER BY id LIMIT 1", programme_id, -1, id, error);
}

static gboolean
fire (LjRequest *req, const char *resource, gint64 id, const char *event, const char *reason, GError **error)
{
  LjResource *r = lj_request_get_resource (req, resource);
  g_autoptr (JsonObject) input = json_object_new ();

  if (reason)
    json_object_set_string_member (input, "reason", reason);
  return lj_resource_fire (r, req, id, event, input, LJ_FIRE_AS_SYSTEM, error);
}

/* Moves the head of the waitlist into every free seat, in order. */
static gboolean
promote_waitlist (LjRequest *req, gint64 programme_id, GError **error)
{
  g_auto (Programme) p = { 0 };

  if (!programme_get (req, programme_id, &p, error))
    return FALSE;
  if (!programme_takes_seats (&p))
    return TRUE;
  for (;;)
    {
      gboolean free_seat = FALSE;
      gint64 next = 0;

      if (!seat_free (req, programme_id, &p, &free_seat, error) ||
          !first_waitlisted (req, programme_id, &next, error))
        return FALSE;
      if (!free_seat || next == 0)
        return TRUE;
      if (!fire (req, "talent/enrolments", next, "promote", NULL, error))
        return FALSE;
    }
}

/* Programme dates and capacity, before the write. */
static gboolean
validate_programme (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                    gpointer user_data, GError **error)
{
  const char *starts = json_object_has_member (input, "starts_on") ? obj_string (input, "starts_on")
                                                                     : obj_string (current, "starts_on");
  const char *ends = json_object_has_member (input, "ends_on") ? obj_string (input, "ends_on")
                                                                 : obj_string (current, "ends_on");

  if (starts && ends && strcmp (ends, starts) < 0)
    lj_request_add_field_error (req, "ends_on", "must not be before starts_on (%s)", starts);
  if (id > 0 && json_object_has_member (input, "capacity") && obj_int (input, "capacity") > 0)
    {
      gint64 taken = 0;

      if (!seats_taken (req, id, &taken, error))
        return FALSE;
      if (obj_int (input, "capacity") < taken)
        lj_request_add_field_error (req, "capacity", "%" G_GINT64_FORMAT " seats are already taken", taken);
    }
  return TRUE;
}

static gboolean
validate_session (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                  gpointer user_data, GError **error)
{
  const char *starts = json_object_has_member (input, "starts_at") ? obj_string (input, "starts_at")
                                                                     : obj_string (current, "starts_at");
  const char *ends = json_object_has_member (input, "ends_at") ? obj_string (input, "ends_at")
                                                                 : obj_string (current, "ends_at");

  if (starts && ends && strcmp (ends, starts) <= 0)
    lj_request_add_field_error (req, "ends_at", "must be after starts_at (%s)", starts);
  return TRUE;
}

/* A bigger capacity frees seats for the waitlist. */
static gboolean
on_programme_updated (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  return promote_waitlist (req, lj_event_get_id (event), error);
}

static gboolean
collect_ids (LjRequest *req, const char *sql, gint64 id, GArray *ids, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 v = sqlite3_column_int64 (lj_stmt_get (st), 0);
      g_array_append_val (ids, v);
    }
  return rc == SQLITE_DONE;
}

/* finish: every approved enrolment completes or not, from the hours
 * credited against the programme's required hours. */
static gboolean
on_programme_finish (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  static const char sql[] =
    "SELECT e.id, (SELECT ifnull(sum(a.credited_hours), 0) FROM talent_attendance a "
    "  JOIN talent_sessions s ON s.id = a.session_id WHERE s.programme_id = e.programme_id AND a.person_id = e.person_id) "
    "  >= p.required_hours - 1e-9 "
    "FROM talent_enrolments e JOIN talent_programmes p ON p.id = e.programme_id "
    "WHERE e.programme_id = ?1 AND e.state = 'approved' ORDER BY e.id";
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) met = g_array_new (FALSE, FALSE, sizeof (gboolean));

  {
    g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
    int rc;

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (lj_stmt_get (st), 1, lj_event_get_id (event));
    while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);
        gboolean ok = sqlite3_column_int (lj_stmt_get (st), 1) != 0;

        g_array_append_val (ids, id);
        g_array_append_val (met, ok);
      }
    if (rc != SQLITE_DONE)
      return FALSE;
  }
  for (guint i = 0; i < ids->len; i++)
    if (!fire (req, "talent/enrolments", g_array_index (ids, gint64, i),
               g_array_index (met, gboolean, i) ? "complete" : "mark_incomplete", NULL, error))
      return FALSE;
  return TRUE;
}

/* cancel: every live enrolment is withdrawn, the waitlist first so that
 * no seat given up is offered to anyone. */
static gboolean
on_programme_cancel (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  static const char sql[] =
    "SELECT id FROM talent_enrolments WHERE programme_id = ?1 AND state IN ('waitlisted','applied','approved') "
    "ORDER BY CASE state WHEN 'waitlisted' THEN 0 WHEN 'applied' THEN 1 ELSE 2 END, id";
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!collect_ids (req, sql, lj_event_get_id (event), ids, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!fire (req, "talent/enrolments", g_array_index (ids, gint64, i), "withdraw", "programme cancelled", error))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Enrolments                                                          */

static gboolean
on_enrolment_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *after = lj_event_get_after (event);
  gint64 id = lj_event_get_id (event);
  gint64 programme_id = obj_int (after, "programme_id");
  gint64 other = 0, waiting = 0;
  gboolean free_seat = FALSE;
  g_auto (Programme) p = { 0 };

  if (!programme_get (req, programme_id, &p, error))
    return FALSE;
  if (!programme_takes_seats (&p))
    return fail (error, LJ_HTTP_ERROR_CONFLICT, "programme %" G_GINT64_FORMAT " is %s; it takes enrolments when open "
                 "or in progress", programme_id, p.state);
  if (!talent_sql_int (req,
                       "SELECT id FROM talent_enrolments WHERE programme_id = ?1 AND person_id = ?2 "
                       "AND state NOT IN ('withdrawn','rejected') ORDER BY id LIMIT 1",
                       programme_id, obj_int (after, "person_id"), &other, error))
    return FALSE;
  if (other != 0 && other != id)
    return fail (error, LJ_HTTP_ERROR_CONFLICT, "person %" G_GINT64_FORMAT " is already enrolled in programme %"
                 G_GINT64_FORMAT " (enrolment %" G_GINT64_FORMAT ")", obj_int (after, "person_id"), programme_id, other);
  if (strcmp (p.mode, "open") != 0)
    return TRUE;
  /* Open enrolment: a seat if there is one and nobody waits for it. */
  if (!seat_free (req, programme_id, &p, &free_seat, error) || !first_waitlisted (req, programme_id, &waiting, error))
    return FALSE;
  return fire (req, "talent/enrolments", id, free_seat && waiting == 0 ? "approve" : "waitlist", NULL, error);
}

/* approve and promote take a seat: there must be one. */
static gboolean
on_enrolment_takes_seat (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *before = lj_event_get_before (event);
  gint64 programme_id = obj_int (before, "programme_id");
  gboolean promote = g_str_has_suffix (lj_event_get_name (event), ".promote");
  gboolean free_seat = FALSE;
  gint64 head = 0;
  g_auto (Programme) p = { 0 };

  if (!programme_get (req, programme_id, &p, error))
    return FALSE;
  if (!programme_takes_seats (&p))
    return fail (error, LJ_HTTP_ERROR_CONFLICT, "programme %" G_GINT64_FORMAT " is %s; seats are only given while "
                 "it is open or in progress", programme_id, p.state);
  if (!seat_free (req, programme_id, &p, &free_seat, error))
    return FALSE;
  if (!free_seat)
    return fail (error, LJ_HTTP_ERROR_CONFLICT, "programme %" G_GINT64_FORMAT " is full (%" G_GINT64_FORMAT
                 " seats); waitlist the enrolment instead", programme_id, p.capacity);
  if (promote)
    {
      if (!first_waitlisted (req, programme_id, &head, error))
        return FALSE;
      if (head != lj_event_get_id (event))
        return fail (error, LJ_HTTP_ERROR_CONFLICT, "enrolment %" G_GINT64_FORMAT " is ahead in the waitlist "
                     "(first come, first served)", head);
    }
  return TRUE;
}

/* withdraw from an approved seat: the head of the waitlist gets it, in
 * the same transaction. */
static gboolean
on_enrolment_withdraw (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *before = lj_event_get_before (event);
  gint64 saved = vacating_enrolment_id;
  gboolean ok;

  if (g_strcmp0 (obj_string (before, "state"), "approved") != 0)
    return TRUE;
  vacating_enrolment_id = lj_event_get_id (event);
  ok = promote_waitlist (req, obj_int (before, "programme_id"), error);
  vacating_enrolment_id = saved;
  return ok;
}

/* complete / mark_incomplete: only when the programme finishes, and only
 * the way the hours say. */
static gboolean
on_enrolment_result (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *before = lj_event_get_before (event);
  gboolean complete = g_str_has_suffix (lj_event_get_name (event), ".complete");
  gint64 met = 0;

  if (!talent_sql_int (req,
                       "SELECT (SELECT ifnull(sum(a.credited_hours), 0) FROM talent_attendance a "
                       "JOIN talent_sessions s ON s.id = a.session_id WHERE s.programme_id = p.id AND a.person_id = ?2) "
                       ">= p.required_hours - 1e-9 FROM talent_programmes p WHERE p.id = ?1",
                       obj_int (before, "programme_id"), obj_int (before, "person_id"), &met, error))
    return FALSE;
  if (complete != (met != 0))
    return fail (error, LJ_HTTP_ERROR_CONFLICT, "the hours credited %s the programme's required hours",
                 met ? "meet" : "do not meet");
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Attendance                                                          */

typedef struct {
  gint64  programme_id;
  double  hours;
  char   *programme_state;
} SessionInfo;

static gboolean
session_get (LjRequest *req, gint64 session_id, SessionInfo *s, GError **error)
{
  static const char sql[] =
    "SELECT s.programme_id, s.hours, p.state FROM talent_sessions s JOIN talent_programmes p ON p.id = s.programme_id "
    "WHERE s.id = ?1";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, session_id);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return fail (error, LJ_HTTP_ERROR_NOT_FOUND, "no session %" G_GINT64_FORMAT, session_id);
  s->programme_id = sqlite3_column_int64 (lj_stmt_get (st), 0);
  s->hours = sqlite3_column_double (lj_stmt_get (st), 1);
  s->programme_state = g_strdup ((const char *) sqlite3_column_text (lj_stmt_get (st), 2));
  return TRUE;
}

/* Checks one attendance entry; field errors under @prefix (`` or
 * `entries[3].`).  Returns FALSE only for store errors. */
static gboolean
check_attendance (LjRequest *req, const SessionInfo *s, const char *prefix, gint64 person_id, const char *status,
                  gboolean has_hours, double hours, GError **error)
{
  gint64 enrolled = 0;
  g_autofree char *pf_person = g_strconcat (prefix, "person_id", NULL);
  g_autofree char *pf_hours = g_strconcat (prefix, "credited_hours", NULL);

  if (!talent_sql_int (req,
                       "SELECT count(*) FROM talent_enrolments WHERE programme_id = ?1 AND person_id = ?2 "
                       "AND state IN " SEATS_SQL, s->programme_id, person_id, &enrolled, error))
    return FALSE;
  if (enrolled == 0)
    lj_request_add_field_error (req, pf_person,
                                "person %" G_GINT64_FORMAT " has no approved enrolment in programme %" G_GINT64_FORMAT,
                                person_id, s->programme_id);
  if (has_hours && hours > s->hours + 1e-9)
    lj_request_add_field_error (req, pf_hours,
                                "at most the session's %.2f hours", s->hours);
  if (has_hours && hours > 0 && status && (strcmp (status, "excused") == 0 || strcmp (status, "absent") == 0))
    lj_request_add_field_error (req, pf_hours,
                                "no hours are credited to someone %s", status);
  return TRUE;
}

static double
default_hours (const SessionInfo *s, const char *status)
{
  return strcmp (status, "present") == 0 || strcmp (status, "late") == 0 ? s->hours : 0;
}

/* Created or updated: the programme must be running, the person enrolled,
 * the hours plausible; missing hours are credited from the status. */
static gboolean
on_attendance_written (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *after = lj_event_get_after (event);
  JsonNode *hn = json_object_get_member (after, "credited_hours");
  gboolean has_hours = hn && !JSON_NODE_HOLDS_NULL (hn);
  const char *status = obj_string (after, "status");
  SessionInfo s = { 0 };
  gboolean ok;

  if (!session_get (req, obj_int (after, "session_id"), &s, error))
    return FALSE;
  if (strcmp (s.programme_state, "in_progress") != 0)
    {
      fail (error, LJ_HTTP_ERROR_CONFLICT, "programme %" G_GINT64_FORMAT " is %s; attendance is taken while it is "
            "in progress", s.programme_id, s.programme_state);
      g_free (s.programme_state);
      return FALSE;
    }
  ok = check_attendance (req, &s, "", obj_int (after, "person_id"), status, has_hours,
                         has_hours ? json_node_get_double (hn) : 0, error);
  if (ok && lj_request_get_n_field_errors (req) > 0)
    ok = fail (error, LJ_HTTP_ERROR_INVALID, "the attendance is not valid");
  if (ok && !has_hours)
    {
      g_autoptr (LjStmt) st = lj_request_prepare (req, "UPDATE talent_attendance SET credited_hours = ?2 WHERE id = ?1",
                                                  error);

      ok = st != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (lj_stmt_get (st), 1, lj_event_get_id (event));
          sqlite3_bind_double (lj_stmt_get (st), 2, default_hours (&s, status));
          ok = lj_stmt_step_done (st, error);
        }
    }
  g_free (s.programme_state);
  return ok;
}

/* A field name inside the request's error list (which copies it). */
#define FIELD(prefix, name) (field_buf = (g_free (field_buf), g_strconcat ((prefix), (name), NULL)))

static const char *const attendance_statuses[] = { "present", "late", "excused", "absent", NULL };

/* POST /sessions/{id}/attendance: a whole sign-in sheet in one request.
 * {"entries": [{"person_id", "status", "credited_hours"?, "note"?}]}:
 * every entry is checked first (errors as entries[i].field); then each is
 * created or, when the person already has a record for the session,
 * updated, through the resource (validation, hooks, audit). */
static gboolean
handle_attendance_batch (LjRequest *req, gpointer user_data, GError **error)
{
  gint64 session_id = lj_request_get_path_id (req, "id");
  LjResource *sessions = lj_request_get_resource (req, "talent/sessions");
  LjResource *attendance = lj_request_get_resource (req, "talent/attendance");
  g_autoptr (JsonObject) session = lj_resource_load (sessions, req, session_id, error);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  SessionInfo s = { 0 };
  JsonObject *body;
  JsonArray *entries;
  JsonNode *en;
  guint n, created = 0, updated = 0;
  gint64 organizer = 0;
  g_autofree gint64 *pids = NULL;
  g_autofree char *field_buf = NULL;

  if (session == NULL || (body = lj_request_get_json_object (req, error)) == NULL)
    return FALSE;
  if (!talent_sql_int (req, "SELECT p.organizer_org_id FROM talent_sessions s JOIN talent_programmes p "
                       "ON p.id = s.programme_id WHERE s.id = ?1", session_id, -1, &organizer, error))
    return FALSE;
  if (!lj_request_org_in_scope (req, organizer))
    return fail (error, LJ_HTTP_ERROR_FORBIDDEN, "session %" G_GINT64_FORMAT " belongs to a programme outside your "
                 "organisation", session_id);
  en = json_object_get_member (body, "entries");
  {
    g_autoptr (GList) names = json_object_get_members (body);
    for (GList *l = names; l; l = l->next)
      if (strcmp (l->data, "entries") != 0)
        lj_request_add_field_error (req, l->data, "unknown field");
  }
  if (en == NULL || !JSON_NODE_HOLDS_ARRAY (en) || json_array_get_length (json_node_get_array (en)) == 0 ||
      json_array_get_length (json_node_get_array (en)) > 2000)
    {
      lj_request_add_field_error (req, "entries", "must be an array of 1 to 2000 entries");
      return fail (error, LJ_HTTP_ERROR_INVALID, "the sign-in sheet is not valid");
    }
  if (lj_request_get_n_field_errors (req) > 0)
    return fail (error, LJ_HTTP_ERROR_INVALID, "the sign-in sheet is not valid");
  if (!session_get (req, session_id, &s, error))
    return FALSE;
  if (strcmp (s.programme_state, "in_progress") != 0)
    {
      fail (error, LJ_HTTP_ERROR_CONFLICT, "programme %" G_GINT64_FORMAT " is %s; attendance is taken while it is "
            "in progress", s.programme_id, s.programme_state);
      g_free (s.programme_state);
      return FALSE;
    }
  entries = json_node_get_array (en);
  n = json_array_get_length (entries);
  pids = g_new0 (gint64, n);
  /* First pass: the shape of every entry, then the domain checks. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (entries, i);
      g_autofree char *prefix = g_strdup_printf ("entries[%u].", i);
      JsonObject *o;
      JsonNode *pn, *hn;
      const char *status;
      gboolean has_hours;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          lj_request_add_field_error (req, FIELD (prefix, "person_id"), "the entry must be an object");
          continue;
        }
      o = json_node_get_object (item);
      {
        g_autoptr (GList) names = json_object_get_members (o);
        for (GList *l = names; l; l = l->next)
          if (!g_strv_contains ((const char *const[]) { "person_id", "status", "credited_hours", "note", NULL }, l->data))
            lj_request_add_field_error (req, FIELD (prefix, l->data), "unknown field");
      }
      pn = json_object_get_member (o, "person_id");
      if (pn == NULL || !JSON_NODE_HOLDS_VALUE (pn) || json_node_get_value_type (pn) != G_TYPE_INT64 ||
          json_node_get_int (pn) <= 0)
        {
          lj_request_add_field_error (req, FIELD (prefix, "person_id"),
                                      "must be a person id");
          continue;
        }
      pids[i] = json_node_get_int (pn);
      if (!g_hash_table_add (seen, &pids[i]))
        lj_request_add_field_error (req, FIELD (prefix, "person_id"),
                                    "person %" G_GINT64_FORMAT " is on the sheet twice", pids[i]);
      status = obj_string (o, "status");
      if (status == NULL || !g_strv_contains (attendance_statuses, status))
        {
          lj_request_add_field_error (req, FIELD (prefix, "status"),
                                      "must be one of present, late, excused, absent");
          continue;
        }
      hn = json_object_get_member (o, "credited_hours");
      has_hours = hn && !JSON_NODE_HOLDS_NULL (hn);
      if (has_hours && (!JSON_NODE_HOLDS_VALUE (hn) || (json_node_get_value_type (hn) != G_TYPE_INT64 &&
                                                       json_node_get_value_type (hn) != G_TYPE_DOUBLE) ||
                        json_node_get_double (hn) < 0))
        {
          lj_request_add_field_error (req, FIELD (prefix, "credited_hours"),
                                      "must be a number of hours, 0 or more");
          continue;
        }
      if (!check_attendance (req, &s, prefix, pids[i], status, has_hours, has_hours ? json_node_get_double (hn) : 0,
                             error))
        {
          g_free (s.programme_state);
          return FALSE;
        }
    }
  g_free (s.programme_state);
  if (lj_request_get_n_field_errors (req) > 0)
    return fail (error, LJ_HTTP_ERROR_INVALID, "the sign-in sheet is not valid; nothing was written");
  /* Second pass: write each entry through the resource. */
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (entries, i);
      g_autoptr (JsonObject) fields = json_object_new ();
      gint64 existing = 0;

      json_object_set_string_member (fields, "status", obj_string (o, "status"));
      if (json_object_has_member (o, "credited_hours"))
        json_object_set_member (fields, "credited_hours", json_node_copy (json_object_get_member (o, "credited_hours")));
      else
        json_object_set_null_member (fields, "credited_hours");
      if (json_object_has_member (o, "note"))
        json_object_set_member (fields, "note", json_node_copy (json_object_get_member (o, "note")));
      if (!talent_sql_int (req, "SELECT id FROM talent_attendance WHERE session_id = ?1 AND person_id = ?2",
                           session_id, pids[i], &existing, error))
        return FALSE;
      if (existing)
        {
          if (!lj_resource_update (attendance, req, existing, fields, LJ_WRITE_AS_CALLER, error))
            return FALSE;
          updated++;
        }
      else
        {
          json_object_set_int_member (fields, "session_id", session_id);
          json_object_set_int_member (fields, "person_id", pids[i]);
          if (json_object_get_null_member (fields, "credited_hours"))
            json_object_remove_member (fields, "credited_hours");
          if (lj_resource_create (attendance, req, fields, LJ_WRITE_AS_CALLER, error) == 0)
            return FALSE;
          created++;
        }
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "session_id");
  json_builder_add_int_value (b, session_id);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, created);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, updated);
  {
    gint64 count = 0;
    if (!talent_sql_int (req, "SELECT count(*) FROM talent_attendance WHERE session_id = ?1 AND status IN "
                         "('present','late')", session_id, -1, &count, error))
      return FALSE;
    json_builder_set_member_name (b, "attendance_count");
    json_builder_add_int_value (b, count);
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  respond (req, 200, root);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Cultivation tracks                                                  */

static gboolean
add_stage (LjRequest *req, gint64 track_id, const char *stage, const char *on, GError **error)
{
  static const char sql[] =
    "INSERT INTO talent_track_stages (track_id, stage, reached_on, at) VALUES (?1, ?2, ?3, ?4)";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  g_autofree char *now = lj_clock_now_timestamp ();
  g_autofree char *day = today ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, track_id);
  sqlite3_bind_text (lj_stmt_get (st), 2, stage, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (lj_stmt_get (st), 3, on ? on : day, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (lj_stmt_get (st), 4, now, -1, SQLITE_TRANSIENT);
  return lj_stmt_step_done (st, error);
}

static gboolean
is_date (const char *s)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *iso = NULL;

  if (s == NULL || strlen (s) != 10)
    return FALSE;
  iso = g_strconcat (s, "T00:00:00Z", NULL);
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  return dt != NULL;
}

static gboolean
on_track_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *after = lj_event_get_after (event);
  const char *kind = obj_string (after, "kind");
  gint64 member_id = 0;

  if (!talent_sql_int (req, "SELECT ifnull(member_id, 0) FROM talent_people WHERE id = ?1",
                       obj_int (after, "person_id"), -1, &member_id, error))
    return FALSE;
  if (g_strcmp0 (kind, "expert_to_member") == 0 && member_id != 0)
    return invalid (req, error, "person_id", "is already a party member (member record linked)");
  if (g_strcmp0 (kind, "member_to_backbone") == 0 && member_id == 0)
    return invalid (req, error, "person_id", "is not linked to a party member record");
  return add_stage (req, lj_event_get_id (event), "nominated", obj_string (after, "nominated_on"), error);
}

/* Whether a profile (as loaded) carries @tag. */
static gboolean
has_tag (JsonObject *person, const char *tag)
{
  JsonNode *n = json_object_get_member (person, "tags");

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (n)); i++)
    if (g_strcmp0 (json_array_get_string_element (json_node_get_array (n), i), tag) == 0)
      return TRUE;
  return FALSE;
}

/* Reaching probationary: the core member record, created (or, when the
 * profile already links one, updated) through the members resource. */
static gboolean
admit_member (LjRequest *req, JsonObject *track, const char *on, GError **error)
{
  LjResource *members = lj_request_get_resource (req, "members");
  LjResource *people = lj_request_get_resource (req, "talent/people");
  gint64 person_id = obj_int (track, "person_id");
  g_autoptr (JsonObject) person = lj_resource_load (people, req, person_id, error);
  g_autoptr (JsonObject) fields = json_object_new ();
  gint64 member_id;
  gboolean expert = FALSE;

  if (person == NULL)
    return FALSE;
  json_object_set_string_member (fields, "status", "probationary");
  json_object_set_string_member (fields, "joined_on", on);
  member_id = obj_int (person, "member_id");
  if (member_id != 0)
    return lj_resource_update (members, req, member_id, fields, LJ_WRITE_AS_SYSTEM, error);
  expert = has_tag (person, "technical_expert");
  json_object_set_string_member (fields, "name", obj_string (person, "name"));
  json_object_set_int_member (fields, "org_id", obj_int (track, "org_id"));
  if (obj_int (person, "enterprise_id"))
    json_object_set_int_member (fields, "enterprise_id", obj_int (person, "enterprise_id"));
  if (obj_string (person, "education"))
    json_object_set_string_member (fields, "education", obj_string (person, "education"));
  if (obj_string (person, "position"))
    json_object_set_string_member (fields, "position", obj_string (person, "position"));
  json_object_set_boolean_member (fields, "is_technical_expert", expert);
  member_id = lj_resource_create (members, req, fields, LJ_WRITE_AS_SYSTEM, error);
  if (member_id == 0)
    {
      lj_request_add_field_error (req, "person_id", "the party member record could not be created from this profile");
      return FALSE;
    }
  {
    g_autoptr (JsonObject) link = json_object_new ();

    json_object_set_int_member (link, "member_id", member_id);
    return lj_resource_update (people, req, person_id, link, LJ_WRITE_AS_SYSTEM, error);
  }
}

static gboolean
make_member_formal (LjRequest *req, JsonObject *track, GError **error)
{
  LjResource *members = lj_request_get_resource (req, "members");
  g_autoptr (JsonObject) fields = json_object_new ();
  gint64 member_id = 0;

  if (!talent_sql_int (req, "SELECT ifnull(member_id, 0) FROM talent_people WHERE id = ?1",
                       obj_int (track, "person_id"), -1, &member_id, error))
    return FALSE;
  if (member_id == 0)
    return fail (error, LJ_HTTP_ERROR_CONFLICT, "person %" G_GINT64_FORMAT " has no party member record to confirm",
                 obj_int (track, "person_id"));
  json_object_set_string_member (fields, "status", "formal");
  return lj_resource_update (members, req, member_id, fields, LJ_WRITE_AS_SYSTEM, error);
}

/* A confirmed backbone is tagged `backbone` on the profile (the tags
 * array is replaced as a whole, so the others are kept). */
static gboolean
tag_backbone (LjRequest *req, JsonObject *track, GError **error)
{
  LjResource *people = lj_request_get_resource (req, "talent/people");
  gint64 person_id = obj_int (track, "person_id");
  g_autoptr (JsonObject) person = lj_resource_load (people, req, person_id, error);
  g_autoptr (JsonObject) fields = json_object_new ();
  JsonArray *tags = json_array_new ();
  JsonNode *current;

  if (person == NULL)
    {
      json_array_unref (tags);
      return FALSE;
    }
  if (has_tag (person, "backbone"))
    {
      json_array_unref (tags);
      return TRUE;
    }
  current = json_object_get_member (person, "tags");
  if (current && JSON_NODE_HOLDS_ARRAY (current))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (current)); i++)
      json_array_add_string_element (tags, json_array_get_string_element (json_node_get_array (current), i));
  json_array_add_string_element (tags, "backbone");
  json_object_set_array_member (fields, "tags", tags);
  return lj_resource_update (people, req, person_id, fields, LJ_WRITE_AS_SYSTEM, error);
}

/* Every track event: the date the stage was reached (`on`, default
 * today), then the event's side effects. */
static gboolean
on_track_event (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *before = lj_event_get_before (event);
  JsonObject *after = lj_event_get_after (event);
  JsonObject *input = lj_event_get_input (event);
  const char *name = strrchr (lj_event_get_name (event), '.') + 1;
  const char *on = obj_string (input, "on");
  g_autofree char *day = today ();

  if (input && json_object_has_member (input, "on") && !is_date (on))
    return invalid (req, error, "on", "must be a date (YYYY-MM-DD)");
  if (on == NULL)
    on = day;
  if (!add_stage (req, lj_event_get_id (event), obj_string (after, "stage"), on, error))
    return FALSE;
  if (strcmp (name, "admit") == 0)
    return admit_member (req, before, on, error);
  if (strcmp (name, "confirm_membership") == 0)
    return make_member_formal (req, before, error);
  if (strcmp (name, "confirm") == 0)
    return tag_backbone (req, before, error);
  return TRUE;
}

static const char *const track_events[] = {
  "apply", "make_activist", "make_development_target", "admit", "extend_probation", "confirm_membership", "pause",
  "resume_applicant", "resume_activist", "resume_development_target", "drop", "start_training", "assess", "confirm",
  "not_confirm", NULL
};

/* ------------------------------------------------------------------ */
/* Derived views                                                       */

/* GET /people/{id}/hours?year= */
static gboolean
handle_hours (LjRequest *req, gpointer user_data, GError **error)
{
  static const char sql[] =
    "SELECT pr.id, pr.name, pr.required_hours, pr.state, "
    " (SELECT ifnull(sum(a.credited_hours), 0) FROM talent_attendance a JOIN talent_sessions s ON s.id = a.session_id "
    "   WHERE s.programme_id = pr.id AND a.person_id = ?1 AND substr(s.starts_at, 1, 4) = ?2), "
    " (SELECT count(*) FROM talent_attendance a JOIN talent_sessions s ON s.id = a.session_id "
    "   WHERE s.programme_id = pr.id AND a.person_id = ?1 AND substr(s.starts_at, 1, 4) = ?2 "
    "   AND a.status IN ('present','late')), "
    " (SELECT e.state FROM talent_enrolments e WHERE e.programme_id = pr.id AND e.person_id = ?1 ORDER BY e.id DESC LIMIT 1) "
    "FROM talent_programmes pr "
    "WHERE pr.id IN (SELECT s.programme_id FROM talent_attendance a JOIN talent_sessions s ON s.id = a.session_id "
    "                WHERE a.person_id = ?1 AND substr(s.starts_at, 1, 4) = ?2) "
    "   OR (pr.id IN (SELECT e.programme_id FROM talent_enrolments e WHERE e.person_id = ?1 "
    "                 AND e.state IN " SEATS_SQL ") "
    "       AND substr(ifnull(pr.starts_on, '0000'), 1, 4) <= ?2 AND substr(ifnull(pr.ends_on, '9999'), 1, 4) >= ?2) "
    "ORDER BY pr.id";
  LjResource *people = lj_request_get_resource (req, "talent/people");
  gint64 id = lj_request_get_path_id (req, "id");
  const char *year = lj_request_get_query (req, "year");
  g_autoptr (JsonObject) person = NULL;
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *this_year = today ();
  double credited = 0, required = 0;
  guint met = 0, n = 0;
  int rc;

  {
    GHashTable *q = lj_request_get_query_table (req);
    GHashTableIter it;
    gpointer key;

    if (q)
      {
        g_hash_table_iter_init (&it, q);
        while (g_hash_table_iter_next (&it, &key, NULL))
          if (strcmp (key, "year") != 0)
            lj_request_add_field_error (req, key, "unknown parameter");
      }
  }
  if (year && !g_regex_match_simple ("^(19|20|21)[0-9]{2}$", year, 0, 0))
    lj_request_add_field_error (req, "year", "must be a year such as 2026");
  if (lj_request_get_n_field_errors (req) > 0)
    return fail (error, LJ_HTTP_ERROR_INVALID, "bad parameters");
  this_year[4] = '\0';
  if (year == NULL)
    year = this_year;
  if ((person = lj_resource_load (people, req, id, error)) == NULL || (st = lj_request_prepare (req, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  sqlite3_bind_text (lj_stmt_get (st), 2, year, -1, SQLITE_TRANSIENT);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "person_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "year");
  json_builder_add_int_value (b, g_ascii_strtoll (year, NULL, 10));
  json_builder_set_member_name (b, "programmes");
  json_builder_begin_array (b);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      double req_h = sqlite3_column_double (s, 2), got = sqlite3_column_double (s, 4);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "programme_id");
      json_builder_add_int_value (b, sqlite3_column_int64 (s, 0));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (s, 1));
      json_builder_set_member_name (b, "programme_state");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (s, 3));
      json_builder_set_member_name (b, "enrolment_state");
      if (sqlite3_column_type (s, 6) == SQLITE_NULL)
        json_builder_add_null_value (b);
      else
        json_builder_add_string_value (b, (const char *) sqlite3_column_text (s, 6));
      json_builder_set_member_name (b, "required_hours");
      json_builder_add_double_value (b, req_h);
      json_builder_set_member_name (b, "credited_hours");
      json_builder_add_double_value (b, got);
      json_builder_set_member_name (b, "attendances");
      json_builder_add_int_value (b, sqlite3_column_int64 (s, 5));
      json_builder_set_member_name (b, "met");
      json_builder_add_boolean_value (b, got >= req_h - 1e-9);
      json_builder_end_object (b);
      credited += got;
      required += req_h;
      met += got >= req_h - 1e-9;
      n++;
    }
  if (rc < 0)
    return FALSE;
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "credited_hours");
  json_builder_add_double_value (b, credited);
  json_builder_set_member_name (b, "required_hours");
  json_builder_add_double_value (b, required);
  json_builder_set_member_name (b, "programmes");
  json_builder_add_int_value (b, n);
  json_builder_set_member_name (b, "programmes_met");
  json_builder_add_int_value (b, met);
  json_builder_set_member_name (b, "met");
  json_builder_add_boolean_value (b, credited >= required - 1e-9);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  respond (req, 200, root);
  return TRUE;
}

static const char *const educations[] = {
  "below_high_school", "high_school", "junior_college", "bachelor", "master", "doctorate", NULL
};

/* Adds the education mix and tag counts of @pool's active entries. */
static gboolean
build_profile (LjRequest *req, JsonBuilder *b, gint64 pool_id, gint64 chain_id, GError **error)
{
  static const char sql[] =
    "SELECT count(*), "
    " sum(pe.education = 'below_high_school'), sum(pe.education = 'high_school'), sum(pe.education = 'junior_college'), "
    " sum(pe.education = 'bachelor'), sum(pe.education = 'master'), sum(pe.education = 'doctorate'), "
    " sum(pe.education IS NULL), "
    " sum(EXISTS (SELECT 1 FROM talent_person_tags pt WHERE pt.person_id = pe.id AND pt.tag = 'technical_expert')), "
    " sum(EXISTS (SELECT 1 FROM talent_person_tags pt WHERE pt.person_id = pe.id AND pt.tag = 'backbone')), "
    " sum(EXISTS (SELECT 1 FROM talent_person_tags pt WHERE pt.person_id = pe.id AND pt.tag = 'reserve_cadre')), "
    " sum(pe.member_id IS NOT NULL) "
    "FROM talent_pool_entries e JOIN talent_people pe ON pe.id = e.person_id "
    "WHERE e.pool_id = ?1 AND e.status = 'active' "
    "AND (?2 = 0 OR EXISTS (SELECT 1 FROM enterprise_chains ec WHERE ec.enterprise_id = pe.enterprise_id AND ec.chain_id = ?2))";
  static const char *const tags[] = { "technical_expert", "backbone", "reserve_cadre" };
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  sqlite3_stmt *s;
  gint64 size, above;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  sqlite3_bind_int64 (s, 1, pool_id);
  sqlite3_bind_int64 (s, 2, chain_id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  size = sqlite3_column_int64 (s, 0);
  above = sqlite3_column_int64 (s, 3) + sqlite3_column_int64 (s, 4) + sqlite3_column_int64 (s, 5) +
          sqlite3_column_int64 (s, 6);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, size);
  json_builder_set_member_name (b, "education");
  json_builder_begin_object (b);
  for (guint i = 0; educations[i]; i++)
    {
      json_builder_set_member_name (b, educations[i]);
      json_builder_add_int_value (b, sqlite3_column_int64 (s, 1 + i));
    }
  json_builder_set_member_name (b, "unknown");
  json_builder_add_int_value (b, sqlite3_column_int64 (s, 7));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "junior_college_or_above");
  json_builder_add_int_value (b, above);
  json_builder_set_member_name (b, "junior_college_or_above_share");
  if (size == 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, (double) above / (double) size);
  json_builder_set_member_name (b, "junior_college_or_above_percent");
  if (size == 0)
    json_builder_add_null_value (b);
  else
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      json_builder_add_double_value (b, g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, "%.2f",
                                                                        100.0 * above / size), NULL));
    }
  json_builder_set_member_name (b, "tags");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      json_builder_set_member_name (b, tags[i]);
      json_builder_add_int_value (b, sqlite3_column_int64 (s, 8 + i));
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "party_members");
  json_builder_add_int_value (b, sqlite3_column_int64 (s, 11));
  return TRUE;
}

/* GET /pools/{id}/profile */
static gboolean
handle_profile (LjRequest *req, gpointer user_data, GError **error)
{
  LjResource *pools = lj_request_get_resource (req, "talent/pools");
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (JsonObject) pool = lj_resource_load (pools, req, id, error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  gint64 appointed = 0, removed = 0;

  if (pool == NULL)
    return FALSE;
  if (!talent_sql_int (req, "SELECT count(*) FROM talent_pool_entries WHERE pool_id = ?1 AND status = 'appointed'",
                       id, -1, &appointed, error) ||
      !talent_sql_int (req, "SELECT count(*) FROM talent_pool_entries WHERE pool_id = ?1 AND status = 'removed'",
                       id, -1, &removed, error))
    return FALSE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pool_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, obj_string (pool, "name"));
  if (!build_profile (req, b, id, 0, error))
    return FALSE;
  json_builder_set_member_name (b, "appointed");
  json_builder_add_int_value (b, appointed);
  json_builder_set_member_name (b, "removed");
  json_builder_add_int_value (b, removed);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  respond (req, 200, root);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */

static const char *const resource_files[] = {
  "programmes.json", "sessions.json", "people.json", "enrolments.json", "attendance.json", "tracks.json",
  "pools.json", "pool-entries.json", NULL
};

static gboolean
add_route (LjPlugin *plugin, const char *method, const char *pattern, LjRouteFunc func, const char *summary,
           LjRoles roles, GError **error)
{
  LjRoute *route = lj_plugin_add_route (plugin, method, pattern, func, NULL, error);

  if (route == NULL)
    return FALSE;
  lj_route_set_summary (route, "talent", summary);
  lj_route_set_roles (route, roles);
  return TRUE;
}

static gboolean
register_plugin (LjPlugin *plugin, GError **error)
{
  LjResource *r;

  lj_plugin_set_bundle (plugin, talent_data_get_resource (), DATA);
  if (!lj_plugin_add_migration_files (plugin, error))
    return FALSE;
  for (guint i = 0; resource_files[i]; i++)
    {
      if ((r = lj_plugin_add_resource_file (plugin, resource_files[i], error)) == NULL)
        return FALSE;
      if (strcmp (resource_files[i], "programmes.json") == 0)
        lj_resource_set_validate_func (r, validate_programme, NULL, NULL);
      else if (strcmp (resource_files[i], "sessions.json") == 0)
        lj_resource_set_validate_func (r, validate_session, NULL, NULL);
    }
  if (!lj_plugin_add_state_machine_file (plugin, "programmes", "programme-machine.json", error) ||
      !lj_plugin_add_state_machine_file (plugin, "enrolments", "enrolment-machine.json", error) ||
      !lj_plugin_add_state_machine_file (plugin, "tracks", "track-machine.json", error))
    return FALSE;

  lj_plugin_add_hook (plugin, "talent.programme.updated", LJ_HOOK_VALIDATE, 0, on_programme_updated, NULL);
  lj_plugin_add_hook (plugin, "talent.programme.finish", LJ_HOOK_VALIDATE, 0, on_programme_finish, NULL);
  lj_plugin_add_hook (plugin, "talent.programme.cancel", LJ_HOOK_VALIDATE, 0, on_programme_cancel, NULL);
  lj_plugin_add_hook (plugin, "talent.enrolment.created", LJ_HOOK_VALIDATE, 0, on_enrolment_created, NULL);
  lj_plugin_add_hook (plugin, "talent.enrolment.approve", LJ_HOOK_VALIDATE, 0, on_enrolment_takes_seat, NULL);
  lj_plugin_add_hook (plugin, "talent.enrolment.promote", LJ_HOOK_VALIDATE, 0, on_enrolment_takes_seat, NULL);
  lj_plugin_add_hook (plugin, "talent.enrolment.withdraw", LJ_HOOK_VALIDATE, 0, on_enrolment_withdraw, NULL);
  lj_plugin_add_hook (plugin, "talent.enrolment.complete", LJ_HOOK_VALIDATE, 0, on_enrolment_result, NULL);
  lj_plugin_add_hook (plugin, "talent.enrolment.mark_incomplete", LJ_HOOK_VALIDATE, 0, on_enrolment_result, NULL);
  lj_plugin_add_hook (plugin, "talent.attendance.created", LJ_HOOK_VALIDATE, 0, on_attendance_written, NULL);
  lj_plugin_add_hook (plugin, "talent.attendance.updated", LJ_HOOK_VALIDATE, 0, on_attendance_written, NULL);
  lj_plugin_add_hook (plugin, "talent.track.created", LJ_HOOK_VALIDATE, 0, on_track_created, NULL);
  for (guint i = 0; track_events[i]; i++)
    {
      g_autofree char *name = g_strconcat ("talent.track.", track_events[i], NULL);
      lj_plugin_add_hook (plugin, name, LJ_HOOK_VALIDATE, 0, on_track_event, NULL);
    }

  if (!add_route (plugin, "POST", "/sessions/{id}/attendance", handle_attendance_batch,
                  "Records a whole sign-in sheet for a session", LJ_ROLES_WRITERS, error) ||
      !add_route (plugin, "GET", "/people/{id}/hours", handle_hours,
                  "A person's credited hours per programme and in total for a year", LJ_ROLES_ANY, error) ||
      !add_route (plugin, "GET", "/pools/{id}/profile", handle_profile,
                  "A pool's size, education mix and tags", LJ_ROLES_ANY, error))
    return FALSE;

  lj_plugin_add_stats_section (plugin, "talent", talent_stats_section, NULL);
  lj_plugin_add_timeline_source (plugin,
    "SELECT s.reached_on || 'T00:00:00Z' AS at, 'talent.track.' || s.stage AS kind, "
    "pe.name || ': ' || s.stage AS title, 'talent/tracks' AS resource, tr.id AS record_id, "
    "json_object('track_kind', tr.kind, 'stage', s.stage, 'person_id', pe.id) AS detail "
    "FROM talent_track_stages s JOIN talent_tracks tr ON tr.id = s.track_id "
    "JOIN talent_people pe ON pe.id = tr.person_id WHERE pe.enterprise_id = ?1");
  lj_plugin_add_timeline_source (plugin,
    "SELECT e.updated_at AS at, 'talent.enrolment.completed' AS kind, "
    "pe.name || ': ' || p.name AS title, 'talent/enrolments' AS resource, e.id AS record_id, "
    "json_object('programme_id', p.id, 'person_id', pe.id) AS detail "
    "FROM talent_enrolments e JOIN talent_people pe ON pe.id = e.person_id "
    "JOIN talent_programmes p ON p.id = e.programme_id WHERE e.state = 'completed' AND pe.enterprise_id = ?1");
  lj_plugin_set_demo_func (plugin, talent_demo, NULL);
  return TRUE;
}

LJ_PLUGIN_DEFINE ("talent", "1.0.0",
                  "Training programmes and the talent pipeline (人才培养 / 双培养)",
                  "GPL-3.0-or-later", NULL, NULL, register_plugin)
