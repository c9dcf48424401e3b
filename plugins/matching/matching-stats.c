/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The matching section of GET /api/v1/stats/overview (docs/plugins/matching.md,
 * "Stats section"): events held and their registrations, listings
 * published, matches by stage and agreements signed, for the park or one
 * chain, in a period [from, to).
 *
 * Province data (400 events, 12,000 registrations, 20,000 listings, 6,000
 * matches, 1,100 agreements) set the shape.  One statement per figure with
 * ":chain = 0 OR EXISTS …" and ":from IS NULL OR …" served every scope, but SQLite
 * ran the EXISTS and tested the open bounds on every row, and could seek to
 * neither the chain nor the period.  So the park and a chain have their own
 * statements, each in the forms a period can take.  The park's figures are
 * counted over indexes that hold what they count (migration 0002).  A
 * chain's matches are those with either listing on the chain and its
 * agreements those of such matches; its listings and matches are read from
 * per-chain copies that triggers keep (migration 0003), one range of rows
 * per chain, whatever the period. */
#include "matching.h"

#include <string.h>

/* A statement in the four forms of a period, for a period's bounds on
 * :from and :to (lj_stats_query_prepare ()): open, from only, to only, both.  PERIOD_AND adds
 * the bounds to a WHERE that @head ends in; PERIOD_WHERE starts one. */
typedef struct {
  const char *forms[4];
} PeriodSql;

#define PERIOD_AND(head, since, before, tail) \
  { { head tail, head " AND " since tail, head " AND " before tail, head " AND " since " AND " before tail } }
#define PERIOD_WHERE(head, since, before, tail) \
  { { head tail, head " WHERE " since tail, head " WHERE " before tail, head " WHERE " since " AND " before tail } }
#define SINCE(col) col " >= :from"
#define BEFORE(col) col " < :to"
/* Agreements carry a date, not a time: the bounds are cut to their dates. */
#define SINCE_DAY(col) col " >= substr (:from, 1, 10)"
#define BEFORE_DAY(col) col " < substr (:to, 1, 10)"

/* The chain's events; :chain is the chain. */
#define CHAIN_EVENTS "e.id IN (SELECT event_id FROM matching_event_chains WHERE chain_id = :chain)"

/* The keys of the section's objects (the CHECKs of 0001-matching.sql):
 * every key is written, 0 when nothing counts.  The park's listings and
 * matches statements list the same keys. */
static const char *const event_kinds[] = { "roadshow", "salon", "tech_transfer", "alliance", "bank_enterprise",
                                           "supply_chain", "talent_fair", NULL };
static const char *const directions[] = { "need", "offer", NULL };
static const char *const listing_types[] = { "technology", "financing", "talent", "equipment", "supply", "purchase",
                                             "market", "policy", "space", NULL };
static const char *const match_states[] = { "suggested", "contacted", "negotiating", "intent_signed", "contract_signed",
                                            "delivered", "stalled", "closed_lost", NULL };
static const char *const agreement_kinds[] = { "cooperation", "purchase", "loan", "tech_transfer", "joint_lab",
                                               "paired_building", NULL };

#define N_KEYS(keys) (G_N_ELEMENTS (keys) - 1)

typedef struct {
  gint64 events_held;
  gint64 attendees;
  gint64 registrations;
  gint64 check_ins;
  gint64 held_by_kind[N_KEYS (event_kinds)];
  gint64 listings[N_KEYS (directions)][N_KEYS (listing_types)];
  gint64 matches_by_stage[N_KEYS (match_states)];
  gint64 agreements;
  double agreements_amount_cny;
  gint64 agreements_by_kind[N_KEYS (agreement_kinds)];
} MatchingStats;

/* The park's or the chain's statement, in the form of @q's period. */
static LjStmt *
prepare_period (LjRequest *req, const LjStatsQuery *q, const PeriodSql *park, const PeriodSql *chain, GError **error)
{
  const PeriodSql *sql = q->chain_id != 0 ? chain : park;

  return lj_stats_query_prepare (req, q, sql->forms[(q->from != NULL ? 1 : 0) + (q->to != NULL ? 2 : 0)], error);
}

/* The position of @key among @keys, or -1: a value the CHECKs allow but
 * the section does not list is counted in totals only. */
static int
key_index (const char *const *keys, const unsigned char *key)
{
  for (int i = 0; key && keys[i]; i++)
    if (strcmp (keys[i], (const char *) key) == 0)
      return i;
  return -1;
}

/* ---- events and registrations ---- */

static gboolean
count_events (LjRequest *req, const LjStatsQuery *q, MatchingStats *stats, GError **error)
{
  static const PeriodSql park = PERIOD_AND (
    "SELECT e.kind, count (*), ifnull (sum (e.attendee_count), 0) FROM matching_events e"
    " WHERE e.state IN ('held', 'archived')", SINCE ("e.starts_at"), BEFORE ("e.starts_at"), " GROUP BY e.kind");
  static const PeriodSql chain = PERIOD_AND (
    "SELECT e.kind, count (*), ifnull (sum (e.attendee_count), 0) FROM matching_events e"
    " WHERE " CHAIN_EVENTS " AND e.state IN ('held', 'archived')", SINCE ("e.starts_at"), BEFORE ("e.starts_at"),
    " GROUP BY e.kind");
  g_autoptr (LjStmt) st = prepare_period (req, q, &park, &chain, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      int k = key_index (event_kinds, sqlite3_column_text (s, 0));

      stats->events_held += sqlite3_column_int64 (s, 1);
      stats->attendees += sqlite3_column_int64 (s, 2);
      if (k >= 0)
        stats->held_by_kind[k] += sqlite3_column_int64 (s, 1);
    }
  return rc == SQLITE_DONE;
}

/* Registrations of the events in scope, whatever the events' state: the
 * events first (CROSS JOIN), so that the period and the chain narrow them
 * before their registrations are read from matching_registrations_event_idx. */
static gboolean
count_registrations (LjRequest *req, const LjStatsQuery *q, MatchingStats *stats, GError **error)
{
#define REGISTRATIONS \
  "SELECT count (*) FILTER (WHERE r.state NOT IN ('cancelled', 'rejected'))," \
  " count (*) FILTER (WHERE r.state = 'attended')" \
  " FROM matching_events e CROSS JOIN matching_registrations r WHERE r.event_id = e.id"
  static const PeriodSql park = PERIOD_AND (REGISTRATIONS, SINCE ("e.starts_at"), BEFORE ("e.starts_at"), "");
  static const PeriodSql chain = PERIOD_AND (REGISTRATIONS " AND " CHAIN_EVENTS, SINCE ("e.starts_at"),
                                             BEFORE ("e.starts_at"), "");
#undef REGISTRATIONS
  g_autoptr (LjStmt) st = prepare_period (req, q, &park, &chain, error);

  if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  stats->registrations = sqlite3_column_int64 (lj_stmt_get (st), 0);
  stats->check_ins = sqlite3_column_int64 (lj_stmt_get (st), 1);
  return TRUE;
}

/* ---- listings, matches and agreements ---- */

/* The listings published in the period, per direction and type.  The
 * park: one count per direction and type, each over its own range of
 * matching_listings_published_idx (from the period's start, if any), as a
 * GROUP BY over the whole index compares every entry's group and costs
 * half as much again, five times as much in a period.  A chain: its range
 * of the per-chain copy matching_listing_chain_facts (migration 0003),
 * instead of a table probe per listing of the chain. */
static gboolean
count_listings (LjRequest *req, const LjStatsQuery *q, MatchingStats *stats, GError **error)
{
  static const PeriodSql park = PERIOD_AND (
    "WITH d (direction) AS (VALUES ('need'), ('offer')),"
    " t (type) AS (VALUES ('technology'), ('financing'), ('talent'), ('equipment'), ('supply'), ('purchase'),"
    " ('market'), ('policy'), ('space'))"
    " SELECT d.direction, t.type, (SELECT count (*) FROM matching_listings l"
    " WHERE l.direction = d.direction AND l.type = t.type AND l.published_at IS NOT NULL",
    SINCE ("l.published_at"), BEFORE ("l.published_at"), ") FROM d, t");
  static const PeriodSql chain = PERIOD_AND (
    "SELECT f.direction, f.type, count (*) FROM matching_listing_chain_facts f"
    " WHERE f.chain_id = :chain AND f.published_at IS NOT NULL",
    SINCE ("f.published_at"), BEFORE ("f.published_at"), " GROUP BY f.direction, f.type");
  g_autoptr (LjStmt) st = prepare_period (req, q, &park, &chain, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      int d = key_index (directions, sqlite3_column_text (s, 0));
      int t = key_index (listing_types, sqlite3_column_text (s, 1));

      if (d >= 0 && t >= 0)
        stats->listings[d][t] += sqlite3_column_int64 (s, 2);
    }
  return rc == SQLITE_DONE;
}

/* The matches created in the period, per stage.  The park: one count per
 * stage over its range of matching_matches_stats_idx, as for listings.  A
 * chain: its matches (those with the need or the offer on it, each once)
 * from the per-chain copy matching_match_chain_facts, instead of a pass
 * over every match of the park. */
static gboolean
count_matches (LjRequest *req, const LjStatsQuery *q, MatchingStats *stats, GError **error)
{
  static const PeriodSql park = PERIOD_AND (
    "WITH s (state) AS (VALUES ('suggested'), ('contacted'), ('negotiating'), ('intent_signed'), ('contract_signed'),"
    " ('delivered'), ('stalled'), ('closed_lost'))"
    " SELECT s.state, (SELECT count (*) FROM matching_matches m WHERE m.state = s.state",
    SINCE ("m.created_at"), BEFORE ("m.created_at"), ") FROM s");
  static const PeriodSql chain = PERIOD_AND (
    "SELECT f.state, count (*) FROM matching_match_chain_facts f WHERE f.chain_id = :chain",
    SINCE ("f.created_at"), BEFORE ("f.created_at"), " GROUP BY f.state");
  g_autoptr (LjStmt) st = prepare_period (req, q, &park, &chain, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      int k = key_index (match_states, sqlite3_column_text (s, 0));

      if (k >= 0)
        stats->matches_by_stage[k] += sqlite3_column_int64 (s, 1);
    }
  return rc == SQLITE_DONE;
}

/* Signed in the period, of a match that exists (a chain: of one of its
 * matches, read first with CROSS JOIN, then each one's agreements from
 * matching_agreements_match_idx).  The amounts are added here in the
 * agreements' id order, the order SQLite's sum () saw them in before, so
 * that a total of amounts with fractions comes out to the same bits
 * (SQLite 3.40 adds doubles one by one, as this does). */
static gboolean
count_agreements (LjRequest *req, const LjStatsQuery *q, MatchingStats *stats, GError **error)
{
  static const PeriodSql park = PERIOD_AND (
    "SELECT a.kind, a.amount_cny FROM matching_agreements a, matching_matches m WHERE m.id = a.match_id",
    SINCE_DAY ("a.signed_on"), BEFORE_DAY ("a.signed_on"), " ORDER BY a.id");
  static const PeriodSql chain = PERIOD_AND (
    "SELECT a.kind, a.amount_cny FROM matching_match_chain_facts f"
    " CROSS JOIN matching_agreements a ON a.match_id = f.match_id WHERE f.chain_id = :chain",
    SINCE_DAY ("a.signed_on"), BEFORE_DAY ("a.signed_on"), " ORDER BY a.id");
  g_autoptr (LjStmt) st = prepare_period (req, q, &park, &chain, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      int k = key_index (agreement_kinds, sqlite3_column_text (s, 0));

      stats->agreements++;
      if (sqlite3_column_type (s, 1) != SQLITE_NULL)
        stats->agreements_amount_cny += sqlite3_column_double (s, 1);
      if (k >= 0)
        stats->agreements_by_kind[k]++;
    }
  return rc == SQLITE_DONE;
}

/* ---- the section ---- */

static void
add_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_counts (JsonBuilder *b, const char *member, const char *const *keys, const gint64 *counts)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  for (guint i = 0; keys[i]; i++)
    add_int (b, keys[i], counts[i]);
  json_builder_end_object (b);
}

static JsonNode *
build_section (const MatchingStats *stats)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_int (b, "events_held", stats->events_held);
  add_int (b, "attendees", stats->attendees);
  add_int (b, "registrations", stats->registrations);
  add_int (b, "check_ins", stats->check_ins);
  add_counts (b, "events_held_by_kind", event_kinds, stats->held_by_kind);
  json_builder_set_member_name (b, "listings");
  json_builder_begin_object (b);
  for (guint d = 0; directions[d]; d++)
    add_counts (b, directions[d], listing_types, stats->listings[d]);
  json_builder_end_object (b);
  add_counts (b, "matches_by_stage", match_states, stats->matches_by_stage);
  add_int (b, "agreements", stats->agreements);
  json_builder_set_member_name (b, "agreements_amount_cny");
  json_builder_add_double_value (b, stats->agreements_amount_cny);
  add_counts (b, "agreements_by_kind", agreement_kinds, stats->agreements_by_kind);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
matching_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error)
{
  MatchingStats stats = { 0 };

  if (!count_events (req, query, &stats, error) ||
      !count_registrations (req, query, &stats, error) ||
      !count_listings (req, query, &stats, error) || !count_matches (req, query, &stats, error) ||
      !count_agreements (req, query, &stats, error))
    return NULL;
  return build_section (&stats);
}
