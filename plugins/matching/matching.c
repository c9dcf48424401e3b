/* SPDX-License-Identifier: GPL-3.0-or-later */
/* matching (资源对接): alliance events, innovation salons, roadshows and
 * technology-transfer fairs; the needs and offers enterprises bring; the
 * matches the chain committee follows up; the agreements they come to.
 *
 * Declarations, migrations and state machines are JSON and SQL in
 * schemas/plugins/matching/, compiled into the module.  This file holds
 * the domain rules the declarations cannot say (capacity and waitlist,
 * check-in codes, publication dates, resuming a stalled match, signing an
 * agreement), the check-in and expiry routes, the expiry timer and the
 * timeline; the stats section is in matching-stats.c.  Only
 * <lianjian/lianjian.h> is used. */
#include "matching.h"

#include <gio/gio.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "matching-data.h"

#define DATA "/org/lianjian/plugins/matching/"

MatchingPlugin matching;

static GSource *expiry_source;

/* ---- small helpers ---- */

gboolean
matching_exec_text_id (LjRequest *req, const char *sql, const char *text, gint64 id, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);

  if (st == NULL)
    return FALSE;
  if (text)
    sqlite3_bind_text (lj_stmt_get (st), 1, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (lj_stmt_get (st), 1);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, id);
  return lj_stmt_step_done (st, error);
}

char *
matching_query_text (LjRequest *req, const char *sql, gint64 id, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  if ((rc = lj_stmt_step (st, error)) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (lj_stmt_get (st), 0));
}

static gint64
query_int (LjRequest *req, const char *sql, gint64 a, gint64 b, gboolean *ok, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  *ok = FALSE;
  if (st == NULL)
    return 0;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, a);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, b);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return 0;
  *ok = TRUE;
  return rc == SQLITE_ROW ? sqlite3_column_int64 (lj_stmt_get (st), 0) : 0;
}

static const char *
str_member (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
int_member (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (n);
}

/* Whether @name has a non-null value after a write of @input over @current. */
static gboolean
merged_present (JsonObject *input, JsonObject *current, const char *name)
{
  JsonNode *n = json_object_get_member (input, name);

  if (n == NULL && current)
    n = json_object_get_member (current, name);
  return n != NULL && !JSON_NODE_HOLDS_NULL (n);
}

static gboolean
conflict (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
conflict (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT, message);
  return FALSE;
}

static gboolean
invalid (GError **error)
{
  g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid fields");
  return FALSE;
}

static char *
today (void)
{
  g_autoptr (GDateTime) now = lj_clock_now_utc ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* ---- check-in codes ---- */

/* 32 symbols, without 0/O and 1/I: read aloud and typed at a desk. */
G_STATIC_ASSERT (sizeof "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" == 33);
static const char code_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
#define CODE_LENGTH 10   /* 10 symbols of 5 bits: 50 bits */

char *
matching_new_code (const char *seed)
{
  guint8 bytes[CODE_LENGTH];
  char *code = g_malloc (CODE_LENGTH + 1);

  if (seed)
    {
      g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      gsize len = 32;
      guint8 digest[32];

      g_checksum_update (sum, (const guchar *) seed, -1);
      g_checksum_get_digest (sum, digest, &len);
      memcpy (bytes, digest, CODE_LENGTH);
    }
  else
    {
      gsize done = 0;

      while (done < sizeof bytes)
        {
          ssize_t n = getrandom (bytes + done, sizeof bytes - done, 0);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            g_error ("getrandom: %s", g_strerror (errno));   /* never on Linux ≥ 3.17 */
          done += (gsize) n;
        }
    }
  /* 256 is a multiple of 32: taking the low 5 bits of each byte is uniform. */
  for (guint i = 0; i < CODE_LENGTH; i++)
    code[i] = code_alphabet[bytes[i] & 31];
  code[CODE_LENGTH] = '\0';
  return code;
}

/* ---- validate functions ---- */

/* Listings and registrations belong to an enterprise or to an outside party,
 * never both. */
static gboolean
validate_party (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                gpointer user_data, GError **error)
{
  gboolean ent = merged_present (input, current, "enterprise_id");
  gboolean ext = merged_present (input, current, "external_party");

  if (!json_object_has_member (input, "enterprise_id") && !json_object_has_member (input, "external_party") &&
      current != NULL)
    return TRUE;
  if (ent && ext)
    lj_request_add_field_error (req, "external_party", "give enterprise_id or external_party, not both");
  else if (!ent && !ext)
    lj_request_add_field_error (req, "enterprise_id", "give enterprise_id or external_party");
  return lj_request_get_n_field_errors (req) == 0 || invalid (error);
}

/* Listings: a valid_until already past cannot be published. */
static gboolean
validate_listing (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                  gpointer user_data, GError **error)
{
  const char *valid_until = str_member (input, "valid_until");
  g_autofree char *now = today ();

  if (!validate_party (resource, req, id, input, current, user_data, error))
    return FALSE;
  if (valid_until && strcmp (valid_until, now) < 0 && current &&
      g_strcmp0 (str_member (current, "state"), "draft") != 0)
    {
      lj_request_add_field_error (req, "valid_until", "is in the past (today is %s)", now);
      return invalid (error);
    }
  return TRUE;
}

/* Matches pair a need with an offer of different parties; neither may be
 * a draft, closed or expired when the match is made. */
static gboolean
validate_match (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                gpointer user_data, GError **error)
{
  static const char listing_sql[] =
    "SELECT direction, state, ifnull (enterprise_id, 0), ifnull (external_party, '') FROM matching_listings WHERE id = ?1";
  const char *fields[] = { "need_id", "offer_id" };
  const char *want[] = { "need", "offer" };
  char party[2][64] = { "", "" };
  gint64 owner = int_member (input, "owner_user_id");

  for (guint i = 0; i < 2; i++)
    {
      gint64 lid = json_object_has_member (input, fields[i]) ? int_member (input, fields[i])
                                                             : int_member (current, fields[i]);
      g_autoptr (LjStmt) st = NULL;
      sqlite3_stmt *s;
      const char *state;

      if (lid == 0 || (st = lj_request_prepare (req, listing_sql, error)) == NULL)
        return lid == 0;
      s = lj_stmt_get (st);
      sqlite3_bind_int64 (s, 1, lid);
      if (lj_stmt_step (st, error) != SQLITE_ROW)
        continue;   /* the reference check reports it */
      if (strcmp ((const char *) sqlite3_column_text (s, 0), want[i]) != 0)
        lj_request_add_field_error (req, fields[i], "listing %" G_GINT64_FORMAT " is not a%s %s", lid,
                                    i == 1 ? "n" : "", want[i]);
      state = (const char *) sqlite3_column_text (s, 1);
      if (json_object_has_member (input, fields[i]) &&
          (strcmp (state, "published") != 0 && strcmp (state, "matched") != 0))
        lj_request_add_field_error (req, fields[i], "listing %" G_GINT64_FORMAT " is %s; only published or matched listings can be paired",
                                    lid, state);
      g_snprintf (party[i], sizeof party[i], "%" G_GINT64_FORMAT ":%s", (gint64) sqlite3_column_int64 (s, 2),
                  (const char *) sqlite3_column_text (s, 3));
    }
  if (party[0][0] && strcmp (party[0], party[1]) == 0)
    lj_request_add_field_error (req, "offer_id", "is the same party's own listing");
  if (owner > 0)
    {
      gboolean ok;
      gint64 n = query_int (req, "SELECT count (*) FROM users WHERE id = ?1 AND ?2 = ?2", owner, 0, &ok, error);

      if (!ok)
        return FALSE;
      if (n == 0)
        lj_request_add_field_error (req, "owner_user_id", "no user %" G_GINT64_FORMAT, owner);
    }
  return lj_request_get_n_field_errors (req) == 0 || invalid (error);
}

/* ---- events ---- */

static gboolean
on_event_hold (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *before = lj_event_get_before (event);
  const char *starts_at = str_member (before, "starts_at");
  g_autofree char *now = lj_clock_now_timestamp ();

  if (starts_at && strcmp (now, starts_at) < 0)
    return conflict (error, "event %" G_GINT64_FORMAT " starts at %s; it cannot be held before then",
                     lj_event_get_id (event), starts_at);
  return TRUE;
}

/* ---- registrations: capacity, waitlist, codes ---- */

static const char seats_sql[] =
  "SELECT ifnull (sum (max (1, (SELECT count (*) FROM matching_registration_persons p WHERE p.registration_id = r.id))), 0) "
  "FROM matching_registrations r WHERE r.event_id = ?1 AND r.state IN ('confirmed', 'attended') AND r.id NOT IN (?2, ?3)";
static const char own_seats_sql[] =
  "SELECT max (1, (SELECT count (*) FROM matching_registration_persons p WHERE p.registration_id = ?1)) WHERE ?2 = ?2";

/* The confirmed registration being cancelled while its waitlist moves up:
 * its state changes only after the hooks ran, but its seats are free. */
static gint64 cancelling_id;

/* Whether registration @reg_id fits into event @event's capacity; *taken and
 * *capacity say how full it is (capacity 0: unlimited). */
static gboolean
fits (LjRequest *req, gint64 event_id, gint64 reg_id, gboolean *fit, gint64 *taken, gint64 *capacity, GError **error)
{
  gboolean ok;
  gint64 own;

  *capacity = query_int (req, "SELECT ifnull (capacity, 0) FROM matching_events WHERE id = ?1 AND ?2 = ?2", event_id, 0,
                         &ok, error);
  if (!ok)
    return FALSE;
  {
    g_autoptr (LjStmt) st = lj_request_prepare (req, seats_sql, error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (lj_stmt_get (st), 1, event_id);
    sqlite3_bind_int64 (lj_stmt_get (st), 2, reg_id);
    sqlite3_bind_int64 (lj_stmt_get (st), 3, cancelling_id);
    if (lj_stmt_step (st, error) != SQLITE_ROW)
      return FALSE;
    *taken = sqlite3_column_int64 (lj_stmt_get (st), 0);
  }
  own = query_int (req, own_seats_sql, reg_id, 0, &ok, error);
  if (!ok)
    return FALSE;
  *fit = *capacity == 0 || *taken + own <= *capacity;
  return TRUE;
}

/* A new registration: the event must take registrations; in open mode it is
 * confirmed at once, or waitlisted when the event is full. */
static gboolean
on_registration_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *after = lj_event_get_after (event);
  gint64 id = lj_event_get_id (event);
  gint64 event_id = int_member (after, "event_id");
  g_autoptr (JsonObject) ev = lj_resource_load (matching.events, req, event_id, error);
  const char *state, *deadline;
  g_autofree char *now = lj_clock_now_timestamp ();
  gboolean fit;
  gint64 taken, capacity;

  if (ev == NULL)
    return FALSE;
  state = str_member (ev, "state");
  deadline = str_member (ev, "registration_deadline");
  if (g_strcmp0 (state, "published") != 0)
    return conflict (error, "event %" G_GINT64_FORMAT " is %s; it takes registrations only while published", event_id, state);
  if (deadline && strcmp (now, deadline) >= 0)
    return conflict (error, "registration for event %" G_GINT64_FORMAT " closed at %s", event_id, deadline);
  if (g_strcmp0 (str_member (ev, "registration_mode"), "open") != 0)
    return TRUE;
  if (!fits (req, event_id, id, &fit, &taken, &capacity, error))
    return FALSE;
  return lj_resource_fire (matching.registrations, req, id, fit ? "confirm" : "waitlist", NULL, LJ_FIRE_AS_SYSTEM, error);
}

/* Confirming takes seats and hands out the check-in code. */
static gboolean
on_registration_confirm (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *before = lj_event_get_before (event);
  gint64 id = lj_event_get_id (event);
  gint64 event_id = int_member (before, "event_id");
  g_autofree char *event_state = NULL;
  g_autofree char *code = NULL;
  gboolean fit;
  gint64 taken, capacity;

  event_state = matching_query_text (req, "SELECT state FROM matching_events WHERE id = ?1", event_id, error);
  if (event_state == NULL)
    return FALSE;
  if (strcmp (event_state, "published") != 0 && strcmp (event_state, "registration_closed") != 0)
    return conflict (error, "event %" G_GINT64_FORMAT " is %s; registrations can no longer be confirmed", event_id,
                     event_state);
  if (!fits (req, event_id, id, &fit, &taken, &capacity, error))
    return FALSE;
  if (!fit)
    return conflict (error, "event %" G_GINT64_FORMAT " is full: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                     " seats taken; waitlist the registration instead", event_id, taken, capacity);
  code = matching_new_code (NULL);
  return matching_exec_text_id (req, "UPDATE matching_registrations SET check_in_code = ?1 WHERE id = ?2 AND check_in_code IS NULL",
                                code, id, error);
}

/* A confirmed registration that cancels frees its seats: the waitlist moves
 * up in the order people registered, as far as the seats go. */
static gboolean
on_registration_cancel (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  static const char waiting_sql[] =
    "SELECT id FROM matching_registrations WHERE event_id = ?1 AND state = 'waitlisted' AND id <> ?2 ORDER BY id";
  JsonObject *before = lj_event_get_before (event);
  gint64 event_id = int_member (before, "event_id");
  g_autoptr (GArray) waiting = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *event_state = NULL;
  gboolean ok = TRUE;
  int rc;

  if (g_strcmp0 (str_member (before, "state"), "confirmed") != 0)
    return TRUE;
  event_state = matching_query_text (req, "SELECT state FROM matching_events WHERE id = ?1", event_id, error);
  if (event_state == NULL)
    return FALSE;
  if (strcmp (event_state, "published") != 0 && strcmp (event_state, "registration_closed") != 0)
    return TRUE;
  {
    g_autoptr (LjStmt) st = lj_request_prepare (req, waiting_sql, error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_int64 (lj_stmt_get (st), 1, event_id);
    sqlite3_bind_int64 (lj_stmt_get (st), 2, lj_event_get_id (event));
    while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
      {
        gint64 wid = sqlite3_column_int64 (lj_stmt_get (st), 0);
        g_array_append_val (waiting, wid);
      }
    if (rc < 0)
      return FALSE;
  }
  cancelling_id = lj_event_get_id (event);
  for (guint i = 0; ok && i < waiting->len; i++)
    {
      gint64 wid = g_array_index (waiting, gint64, i);
      gboolean fit = FALSE;
      gint64 taken, capacity;

      ok = fits (req, event_id, wid, &fit, &taken, &capacity, error);
      /* First come, first served: nobody jumps the queue. */
      if (!ok || !fit)
        break;
      ok = lj_resource_fire (matching.registrations, req, wid, "confirm", NULL, LJ_FIRE_AS_SYSTEM, error);
    }
  cancelling_id = 0;
  return ok;
}

static gboolean
on_registration_attend (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  g_autofree char *now = lj_clock_now_timestamp ();

  return matching_exec_text_id (req, "UPDATE matching_registrations SET checked_in_at = ?1 WHERE id = ?2", now,
                                lj_event_get_id (event), error);
}

/* ---- check-in ---- */

static GDateTime *
parse_time (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  return text ? g_date_time_new_from_iso8601 (text, utc) : NULL;
}

/* Normalises what a desk typed: upper case, without spaces and hyphens. */
static char *
normalise_code (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (*p != ' ' && *p != '-')
      g_string_append_c (s, g_ascii_toupper (*p));
  return g_string_free (s, FALSE);
}

/* POST /events/{id}/check-in {"code"}: marks a confirmed registration of
 * this event attended, once, and says why when it cannot. */
static gboolean
handle_check_in (LjRequest *req, gpointer user_data, GError **error)
{
  static const char find_sql[] =
    "SELECT id, event_id, state, ifnull (checked_in_at, '') FROM matching_registrations WHERE check_in_code = ?1";
  gint64 event_id = lj_request_get_path_id (req, "id");
  g_autoptr (JsonObject) ev = lj_resource_load (matching.events, req, event_id, error);
  g_autoptr (GDateTime) now = lj_clock_now_utc ();
  g_autoptr (GDateTime) starts = NULL;
  g_autoptr (GDateTime) opens = NULL;
  g_autoptr (GDateTime) ends = NULL;
  g_autoptr (LjStmt) st = NULL;
  g_autofree char *code = NULL;
  JsonObject *input;
  const char *state, *raw;
  gint64 reg_id, reg_event;
  g_autofree char *reg_state = NULL;
  g_autofree char *checked_at = NULL;
  int rc;

  if (ev == NULL)
    return FALSE;
  if (!lj_request_org_in_scope (req, int_member (ev, "organizer_org_id")))
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN,
                   "only the organiser of event %" G_GINT64_FORMAT " checks people in", event_id);
      return FALSE;
    }
  if ((input = lj_request_get_json_object (req, error)) == NULL)
    return FALSE;
  raw = str_member (input, "code");
  if (raw == NULL || *raw == '\0')
    {
      lj_request_add_field_error (req, "code", "is required: the check-in code of a confirmed registration");
      return invalid (error);
    }
  state = str_member (ev, "state");
  if (g_strcmp0 (state, "published") != 0 && g_strcmp0 (state, "registration_closed") != 0)
    return conflict (error, "event %" G_GINT64_FORMAT " is not on: it is %s", event_id, state);
  starts = parse_time (str_member (ev, "starts_at"));
  opens = g_date_time_add_minutes (starts, -lj_plugin_get_config_int (matching.plugin, "check_in_opens_minutes"));
  ends = str_member (ev, "ends_at") ? parse_time (str_member (ev, "ends_at")) : g_date_time_add_hours (starts, 12);
  if (g_date_time_compare (now, opens) < 0)
    {
      g_autofree char *when = g_date_time_format (opens, "%Y-%m-%dT%H:%M:%SZ");
      return conflict (error, "event %" G_GINT64_FORMAT " is not on yet: check-in opens at %s", event_id, when);
    }
  if (g_date_time_compare (now, ends) >= 0)
    {
      g_autofree char *when = g_date_time_format (ends, "%Y-%m-%dT%H:%M:%SZ");
      return conflict (error, "event %" G_GINT64_FORMAT " is over: it ended at %s", event_id, when);
    }
  code = normalise_code (raw);
  if ((st = lj_request_prepare (req, find_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (lj_stmt_get (st), 1, code, -1, SQLITE_TRANSIENT);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      lj_request_add_field_error (req, "code", "no registration has this code");
      return invalid (error);
    }
  reg_id = sqlite3_column_int64 (lj_stmt_get (st), 0);
  reg_event = sqlite3_column_int64 (lj_stmt_get (st), 1);
  reg_state = g_strdup ((const char *) sqlite3_column_text (lj_stmt_get (st), 2));
  checked_at = g_strdup ((const char *) sqlite3_column_text (lj_stmt_get (st), 3));
  g_clear_pointer (&st, lj_stmt_release);
  if (reg_event != event_id)
    return conflict (error, "this code belongs to a registration for another event, not event %" G_GINT64_FORMAT, event_id);
  if (strcmp (reg_state, "cancelled") == 0)
    return conflict (error, "registration %" G_GINT64_FORMAT " was cancelled", reg_id);
  if (strcmp (reg_state, "attended") == 0)
    return conflict (error, "registration %" G_GINT64_FORMAT " already checked in at %s", reg_id, checked_at);
  if (strcmp (reg_state, "confirmed") != 0)
    return conflict (error, "registration %" G_GINT64_FORMAT " is %s, not confirmed", reg_id, reg_state);
  if (!lj_resource_fire (matching.registrations, req, reg_id, "attend", NULL, LJ_FIRE_AS_SYSTEM, error))
    return FALSE;
  return lj_resource_respond_record (matching.registrations, req, reg_id, 200, error);
}

/* ---- listings: publication and expiry ---- */

static gboolean
on_listing_publish (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *after = lj_event_get_after (event);
  const char *valid_until = str_member (after, "valid_until");
  g_autofree char *day = today ();
  g_autofree char *now = lj_clock_now_timestamp ();

  if (valid_until && strcmp (valid_until, day) < 0)
    {
      lj_request_add_field_error (req, "valid_until", "%s has passed; give a later date", valid_until);
      return invalid (error);
    }
  return matching_exec_text_id (req, "UPDATE matching_listings SET published_at = ?1 WHERE id = ?2", now,
                                lj_event_get_id (event), error);
}

/* Expires every published listing whose valid_until has passed; their ids
 * in @ids when not NULL. */
static gboolean
expire_listings (LjRequest *req, GArray *ids, GError **error)
{
  static const char sql[] =
    "SELECT id FROM matching_listings WHERE state = 'published' AND valid_until IS NOT NULL AND valid_until < ?1 ORDER BY id";
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *day = today ();
  int rc;

  {
    g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);

    if (st == NULL)
      return FALSE;
    sqlite3_bind_text (lj_stmt_get (st), 1, day, -1, SQLITE_TRANSIENT);
    while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);
        g_array_append_val (found, id);
      }
    if (rc < 0)
      return FALSE;
  }
  for (guint i = 0; i < found->len; i++)
    {
      g_autoptr (JsonObject) input = json_object_new ();

      json_object_set_string_member (input, "reason", "valid_until has passed");
      if (!lj_resource_fire (matching.listings, req, g_array_index (found, gint64, i), "expire", input,
                             LJ_FIRE_AS_SYSTEM, error))
        return FALSE;
    }
  if (ids)
    g_array_append_vals (ids, found->data, found->len);
  return TRUE;
}

static gboolean
expire_task (LjRequest *req, gpointer user_data, GError **error)
{
  return expire_listings (req, NULL, error);
}

/* POST /listings/expire: runs the periodic check now (admins; for tests
 * and after restoring a backup). */
static gboolean
handle_expire (LjRequest *req, gpointer user_data, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  if (!expire_listings (req, ids, error))
    return FALSE;
  if (ids->len == 0)
    {
      g_autoptr (JsonObject) after = json_object_new ();

      json_object_set_int_member (after, "expired", 0);
      if (!lj_request_audit (req, "expire", "matching/listings", 0, NULL, after, error))
        return FALSE;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "expired");
  json_builder_add_int_value (b, ids->len);
  json_builder_set_member_name (b, "ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_int_value (b, g_array_index (ids, gint64, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lj_request_set_response_node (req, 200, root);
  return TRUE;
}

static gboolean
expiry_tick (gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!lj_plugin_run_task (matching.plugin, expire_task, NULL, &error))
    g_warning ("matching: expiring listings failed: %s", error->message);
  return G_SOURCE_CONTINUE;
}

static gboolean
matching_start (LjPlugin *plugin, gpointer user_data, GError **error)
{
  gint64 seconds = lj_plugin_get_config_int (plugin, "expiry_check_seconds");
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();

  if (seconds <= 0)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_CONFIG, "expiry_check_seconds must be positive");
      return FALSE;
    }
  expiry_source = g_timeout_source_new_seconds ((guint) MIN (seconds, G_MAXUINT));
  g_source_set_callback (expiry_source, expiry_tick, NULL, NULL);
  g_source_set_static_name (expiry_source, "matching: expire listings");
  g_source_attach (expiry_source, context);
  /* Listings that passed while the server was down go at once. */
  return lj_plugin_run_task (plugin, expire_task, NULL, error);
}

static void
matching_stop (LjPlugin *plugin, gpointer user_data)
{
  if (expiry_source)
    {
      g_source_destroy (expiry_source);
      g_clear_pointer (&expiry_source, g_source_unref);
    }
}

/* ---- matches ---- */

static gboolean
on_match_stall (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  return matching_exec_text_id (req, "UPDATE matching_matches SET stalled_from = ?1 WHERE id = ?2",
                                str_member (lj_event_get_before (event), "state"), lj_event_get_id (event), error);
}

/* resume_<stage> goes back to the stage the match stalled from, no other. */
static gboolean
on_match_resume (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  const char *from = str_member (lj_event_get_before (event), "stalled_from");
  const char *to = str_member (lj_event_get_after (event), "state");

  if (from && g_strcmp0 (from, to) != 0)
    return conflict (error, "match %" G_GINT64_FORMAT " stalled while %s: fire resume_%s", lj_event_get_id (event),
                     from, from);
  return matching_exec_text_id (req, "UPDATE matching_matches SET stalled_from = ?1 WHERE id = ?2", NULL,
                                lj_event_get_id (event), error);
}

/* ---- agreements ---- */

/* Signing: the match must have reached an intent (it moves on to
 * contract_signed), and both listings still published become matched. */
static gboolean
on_agreement_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  gint64 match_id = int_member (lj_event_get_after (event), "match_id");
  g_autoptr (JsonObject) match = lj_resource_load (matching.matches, req, match_id, error);
  const char *sides[] = { "need_id", "offer_id" };
  const char *state;

  if (match == NULL)
    return FALSE;
  state = str_member (match, "state");
  if (g_strcmp0 (state, "intent_signed") == 0)
    {
      if (!lj_resource_fire (matching.matches, req, match_id, "sign_contract", NULL, LJ_FIRE_AS_SYSTEM, error))
        return FALSE;
    }
  else if (g_strcmp0 (state, "contract_signed") != 0 && g_strcmp0 (state, "delivered") != 0)
    return conflict (error, "match %" G_GINT64_FORMAT " is %s; an agreement is signed once an intent is (intent_signed, "
                     "contract_signed or delivered)", match_id, state);
  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      gint64 lid = int_member (match, sides[i]);
      g_autofree char *lstate = matching_query_text (req, "SELECT state FROM matching_listings WHERE id = ?1", lid, error);

      if (lstate == NULL)
        return FALSE;
      if (strcmp (lstate, "published") == 0 &&
          !lj_resource_fire (matching.listings, req, lid, "match", NULL, LJ_FIRE_AS_SYSTEM, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- timeline ---- */

static const char timeline_attended[] =
  "SELECT r.checked_in_at AS at, 'matching.registration.attended' AS kind, e.title AS title, "
  "'matching/registrations' AS resource, r.id AS record_id, "
  "json_object ('event_id', e.id, 'event_kind', e.kind, 'role', r.role) AS detail "
  "FROM matching_registrations r JOIN matching_events e ON e.id = r.event_id "
  "WHERE r.enterprise_id = ?1 AND r.state = 'attended' AND r.checked_in_at IS NOT NULL";
static const char timeline_published[] =
  "SELECT l.published_at AS at, 'matching.listing.published' AS kind, l.title AS title, "
  "'matching/listings' AS resource, l.id AS record_id, "
  "json_object ('direction', l.direction, 'type', l.type, 'state', l.state) AS detail "
  "FROM matching_listings l WHERE l.enterprise_id = ?1 AND l.published_at IS NOT NULL";
static const char timeline_signed[] =
  "SELECT a.signed_on || 'T00:00:00Z' AS at, 'matching.agreement.signed' AS kind, "
  "n.title || ' ⇄ ' || o.title AS title, 'matching/agreements' AS resource, a.id AS record_id, "
  "json_object ('kind', a.kind, 'amount_cny', a.amount_cny, 'match_id', a.match_id) AS detail "
  "FROM matching_agreements a JOIN matching_matches m ON m.id = a.match_id "
  "JOIN matching_listings n ON n.id = m.need_id JOIN matching_listings o ON o.id = m.offer_id "
  "WHERE n.enterprise_id = ?1 OR o.enterprise_id = ?1";

/* ---- registration ---- */

static gboolean
register_plugin (LjPlugin *plugin, GError **error)
{
  static const char *const resumes[] = { "resume_suggested", "resume_contacted", "resume_negotiating",
                                         "resume_intent_signed", "resume_contract_signed" };
  LjRoute *route;

  matching.plugin = plugin;
  lj_plugin_set_bundle (plugin, matching_data_get_resource (), DATA);
  if (!lj_plugin_add_migration_files (plugin, error))
    return FALSE;
  if ((matching.events = lj_plugin_add_resource_file (plugin, "events.json", error)) == NULL ||
      (matching.listings = lj_plugin_add_resource_file (plugin, "listings.json", error)) == NULL ||
      (matching.registrations = lj_plugin_add_resource_file (plugin, "registrations.json", error)) == NULL ||
      (matching.matches = lj_plugin_add_resource_file (plugin, "matches.json", error)) == NULL ||
      (matching.agreements = lj_plugin_add_resource_file (plugin, "agreements.json", error)) == NULL)
    return FALSE;
  if (!lj_plugin_add_state_machine_file (plugin, "events", "events-machine.json", error) ||
      !lj_plugin_add_state_machine_file (plugin, "registrations", "registrations-machine.json", error) ||
      !lj_plugin_add_state_machine_file (plugin, "listings", "listings-machine.json", error) ||
      !lj_plugin_add_state_machine_file (plugin, "matches", "matches-machine.json", error))
    return FALSE;
  lj_resource_set_validate_func (matching.listings, validate_listing, NULL, NULL);
  lj_resource_set_validate_func (matching.registrations, validate_party, NULL, NULL);
  lj_resource_set_validate_func (matching.matches, validate_match, NULL, NULL);

  lj_plugin_add_hook (plugin, "matching.event.hold", LJ_HOOK_VALIDATE, 0, on_event_hold, NULL);
  lj_plugin_add_hook (plugin, "matching.registration.created", LJ_HOOK_VALIDATE, 0, on_registration_created, NULL);
  lj_plugin_add_hook (plugin, "matching.registration.confirm", LJ_HOOK_VALIDATE, 0, on_registration_confirm, NULL);
  lj_plugin_add_hook (plugin, "matching.registration.cancel", LJ_HOOK_VALIDATE, 0, on_registration_cancel, NULL);
  lj_plugin_add_hook (plugin, "matching.registration.attend", LJ_HOOK_VALIDATE, 0, on_registration_attend, NULL);
  lj_plugin_add_hook (plugin, "matching.listing.publish", LJ_HOOK_VALIDATE, 0, on_listing_publish, NULL);
  lj_plugin_add_hook (plugin, "matching.listing.renew", LJ_HOOK_VALIDATE, 0, on_listing_publish, NULL);
  lj_plugin_add_hook (plugin, "matching.match.stall", LJ_HOOK_VALIDATE, 0, on_match_stall, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (resumes); i++)
    {
      g_autofree char *name = g_strconcat ("matching.match.", resumes[i], NULL);
      lj_plugin_add_hook (plugin, name, LJ_HOOK_VALIDATE, 0, on_match_resume, NULL);
    }
  lj_plugin_add_hook (plugin, "matching.agreement.created", LJ_HOOK_VALIDATE, 0, on_agreement_created, NULL);

  if ((route = lj_plugin_add_route (plugin, "POST", "/events/{id}/check-in", handle_check_in, NULL, error)) == NULL)
    return FALSE;
  lj_route_set_summary (route, "matching", "Check a confirmed registration in by its code");
  lj_route_set_request_schema (route,
    "{\"type\": \"object\", \"required\": [\"code\"], \"properties\": {\"code\": {\"type\": \"string\"}}}");
  lj_route_add_response (route, 200, "The registration, now attended", NULL);
  lj_route_add_response (route, 409, "Why not: another event's code, cancelled, already checked in, event not on", NULL);
  if ((route = lj_plugin_add_route (plugin, "GET", "/listings/{id}/suggestions", matching_handle_suggestions, NULL,
                                    error)) == NULL)
    return FALSE;
  lj_route_set_summary (route, "matching", "Counterpart listings ranked best first, with the parts of each score");
  lj_route_add_query_param (route, "limit", "integer", "At most this many (1-100, default 10)");
  lj_route_add_response (route, 200, "The ranked suggestions", NULL);
  if ((route = lj_plugin_add_route (plugin, "POST", "/listings/expire", handle_expire, NULL, error)) == NULL)
    return FALSE;
  lj_route_set_summary (route, "matching", "Expire published listings whose valid_until has passed, now");
  lj_route_set_roles (route, LJ_ROLES_ADMIN);
  lj_route_add_response (route, 200, "How many expired, and which", NULL);

  lj_plugin_add_stats_section (plugin, "matching", matching_stats_section, NULL);
  lj_plugin_add_timeline_source (plugin, timeline_attended);
  lj_plugin_add_timeline_source (plugin, timeline_published);
  lj_plugin_add_timeline_source (plugin, timeline_signed);
  lj_plugin_add_config_key (plugin, "expiry_check_seconds", LJ_CONFIG_TYPE_INT, "3600",
                            "How often published listings past their valid_until are expired");
  lj_plugin_add_config_key (plugin, "check_in_opens_minutes", LJ_CONFIG_TYPE_INT, "120",
                            "How long before an event starts check-in opens");
  lj_plugin_set_start_func (plugin, matching_start, matching_stop, NULL);
  lj_plugin_set_demo_func (plugin, matching_demo, NULL);
  return TRUE;
}

LJ_PLUGIN_DEFINE ("matching", "1.0.0",
                  "Resource matching (资源对接): events, needs and offers, matches and agreements",
                  "GPL-3.0-or-later", NULL, NULL, register_plugin)
