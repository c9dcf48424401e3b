/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/matching/listings/{id}/suggestions: the counterpart listings
 * of a need (the offers) or of an offer (the needs), ranked best first.
 *
 * score = 0.35 type + 0.25 chains + 0.30 text + 0.10 freshness, each part
 * in [0, 1] (docs/plugins/matching.md, "Suggestions"):
 *   type       1 for the same type or a natural pair (supply ⇄ purchase),
 *              0.5 for a related pair (technology ⇄ talent…), else 0;
 *   chains     shared chains over all chains of the two (Jaccard);
 *   text       FTS5 bm25 of the candidate against the listing's title,
 *              keywords and description, cut into trigrams so Chinese text
 *              matches without word segmentation, divided by the best
 *              candidate's (so the best text match has 1);
 *   freshness  1 when just published, falling linearly to 0 at 180 days.
 * Only published listings of the other direction are candidates: never
 * drafts, matched, closed or expired ones, never the same party's own, and
 * never one sharing nothing (all of type, chains and text 0). */
#include "matching.h"

#include <string.h>

#define W_TYPE      0.35
#define W_CHAINS    0.25
#define W_TEXT      0.30
#define W_FRESHNESS 0.10
#define FRESH_DAYS  180.0
#define MAX_TERMS   256

typedef struct {
  gint64  id;
  char   *title;
  char   *type;
  gint64  enterprise_id;
  char   *external_party;
  GArray *chains;       /* gint64 */
  GArray *shared;       /* gint64 */
  double  p_type, p_chains, p_text, p_fresh, score;
} Candidate;

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_free (c->title);
  g_free (c->type);
  g_free (c->external_party);
  g_array_unref (c->chains);
  g_array_unref (c->shared);
  g_free (c);
}

/* Symmetric compatibility of two listing types. */
static double
type_compat (const char *a, const char *b)
{
  static const struct { const char *x, *y; double v; } pairs[] = {
    { "supply", "purchase", 1.0 },
    { "market", "purchase", 0.5 },
    { "market", "supply", 0.5 },
    { "technology", "talent", 0.5 },
    { "technology", "equipment", 0.5 },
    { "equipment", "space", 0.5 },
    { "financing", "policy", 0.5 },
  };

  if (strcmp (a, b) == 0)
    return 1.0;
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    if ((strcmp (a, pairs[i].x) == 0 && strcmp (b, pairs[i].y) == 0) ||
        (strcmp (a, pairs[i].y) == 0 && strcmp (b, pairs[i].x) == 0))
      return pairs[i].v;
  return 0.0;
}

/* Every three-character window of every run of letters and digits in
 * @text, as quoted FTS5 strings joined by OR. */
static void
add_trigrams (GHashTable *seen, GString *query, const char *text)
{
  g_autofree char *lower = text ? g_utf8_strdown (text, -1) : NULL;
  const char *p = lower;

  while (p && *p)
    {
      const char *run = p;
      glong n = 0;

      while (*p && g_unichar_isalnum (g_utf8_get_char (p)))
        {
          p = g_utf8_next_char (p);
          n++;
        }
      for (glong i = 0; i + 3 <= n && g_hash_table_size (seen) < MAX_TERMS; i++)
        {
          const char *start = g_utf8_offset_to_pointer (run, i);
          const char *end = g_utf8_offset_to_pointer (start, 3);
          char *term = g_strndup (start, end - start);

          if (g_hash_table_add (seen, term))
            g_string_append_printf (query, "%s\"%s\"", query->len ? " OR " : "", term);
        }
      if (*p)
        p = g_utf8_next_char (p);
    }
}

static char *
text_query (JsonObject *listing)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GString *query = g_string_new (NULL);
  JsonArray *keywords = json_object_has_member (listing, "keywords") &&
                        JSON_NODE_HOLDS_ARRAY (json_object_get_member (listing, "keywords"))
                          ? json_object_get_array_member (listing, "keywords") : NULL;

  add_trigrams (seen, query, json_object_get_string_member_with_default (listing, "title", NULL));
  for (guint i = 0; keywords && i < json_array_get_length (keywords); i++)
    add_trigrams (seen, query, json_array_get_string_element (keywords, i));
  add_trigrams (seen, query, json_object_get_string_member_with_default (listing, "description", NULL));
  return g_string_free (query, FALSE);
}

static GArray *
split_ids (const char *text)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto (GStrv) parts = text ? g_strsplit (text, ",", -1) : NULL;

  for (guint i = 0; parts && parts[i]; i++)
    {
      gint64 v = g_ascii_strtoll (parts[i], NULL, 10);
      g_array_append_val (a, v);
    }
  return a;
}

static int
by_score (gconstpointer a, gconstpointer b)
{
  const Candidate *x = *(Candidate *const *) a, *y = *(Candidate *const *) b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->p_text != y->p_text)
    return x->p_text > y->p_text ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static double
round4 (double v)
{
  return (double) (gint64) (v * 10000.0 + 0.5) / 10000.0;
}

static gboolean
parse_limit (LjRequest *req, gint64 *limit, GError **error)
{
  const char *text = lj_request_get_query (req, "limit");
  char *end = NULL;

  *limit = 10;
  if (text == NULL)
    return TRUE;
  *limit = g_ascii_strtoll (text, &end, 10);
  if (*text == '\0' || *end != '\0' || *limit < 1 || *limit > 100)
    {
      lj_request_add_field_error (req, "limit", "must be a whole number from 1 to 100");
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid parameters");
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_candidates (LjRequest *req, JsonObject *listing, gint64 id, GPtrArray *out, GError **error)
{
  static const char sql[] =
    "SELECT l.id, l.title, l.type, ifnull (l.enterprise_id, 0), l.external_party, "
    "ifnull (l.published_at, l.created_at), "
    "(SELECT group_concat (c.chain_id) FROM matching_listing_chains c WHERE c.listing_id = l.id) "
    "FROM matching_listings l WHERE l.state = 'published' AND l.direction <> ?1 AND l.id <> ?2 "
    "AND NOT (?3 <> 0 AND l.enterprise_id IS ?3) AND NOT (?4 IS NOT NULL AND l.external_party IS ?4)";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  g_autoptr (GDateTime) now = lj_clock_now_utc ();
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  sqlite3_bind_text (s, 1, json_object_get_string_member (listing, "direction"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 2, id);
  sqlite3_bind_int64 (s, 3, json_object_get_int_member_with_default (listing, "enterprise_id", 0));
  if (json_object_get_string_member_with_default (listing, "external_party", NULL))
    sqlite3_bind_text (s, 4, json_object_get_string_member (listing, "external_party"), -1, SQLITE_TRANSIENT);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      Candidate *c = g_new0 (Candidate, 1);
      g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 ((const char *) sqlite3_column_text (s, 5), utc);
      double days = at ? (double) g_date_time_difference (now, at) / G_TIME_SPAN_DAY : FRESH_DAYS;

      c->id = sqlite3_column_int64 (s, 0);
      c->title = g_strdup ((const char *) sqlite3_column_text (s, 1));
      c->type = g_strdup ((const char *) sqlite3_column_text (s, 2));
      c->enterprise_id = sqlite3_column_int64 (s, 3);
      c->external_party = g_strdup ((const char *) sqlite3_column_text (s, 4));
      c->chains = split_ids ((const char *) sqlite3_column_text (s, 6));
      c->shared = g_array_new (FALSE, FALSE, sizeof (gint64));
      c->p_fresh = CLAMP (1.0 - MAX (days, 0.0) / FRESH_DAYS, 0.0, 1.0);
      g_ptr_array_add (out, c);
    }
  return rc >= 0;
}

/* Raw bm25 relevance (larger is better) of every listing matching @query. */
static gboolean
text_scores (LjRequest *req, const char *query, GHashTable *scores, GError **error)
{
  static const char sql[] =
    "SELECT rowid, -bm25 (matching_listings_fts, 1.0, 0.5, 1.0) FROM matching_listings_fts "
    "WHERE matching_listings_fts MATCH ?1";
  g_autoptr (LjStmt) st = NULL;
  int rc;

  if (*query == '\0')
    return TRUE;
  if ((st = lj_request_prepare (req, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (lj_stmt_get (st), 1, query, -1, SQLITE_TRANSIENT);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 *key = g_new (gint64, 1);
      double *value = g_new (double, 1);

      *key = sqlite3_column_int64 (lj_stmt_get (st), 0);
      *value = sqlite3_column_double (lj_stmt_get (st), 1);
      g_hash_table_replace (scores, key, value);
    }
  return rc >= 0;
}

gboolean
matching_handle_suggestions (LjRequest *req, gpointer user_data, GError **error)
{
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (JsonObject) listing = lj_resource_load (matching.listings, req, id, error);
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (candidate_free);
  g_autoptr (GPtrArray) ranked = g_ptr_array_new ();
  g_autoptr (GHashTable) scores = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr (GArray) own_chains = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *query = NULL;
  const char *type;
  JsonArray *chain_ids;
  double best_text = 0;
  gint64 limit;

  if (listing == NULL || !parse_limit (req, &limit, error))
    return FALSE;
  type = json_object_get_string_member (listing, "type");
  chain_ids = json_object_has_member (listing, "chain_ids") &&
              JSON_NODE_HOLDS_ARRAY (json_object_get_member (listing, "chain_ids"))
                ? json_object_get_array_member (listing, "chain_ids") : NULL;
  for (guint i = 0; chain_ids && i < json_array_get_length (chain_ids); i++)
    {
      gint64 v = json_array_get_int_element (chain_ids, i);
      g_array_append_val (own_chains, v);
    }
  query = text_query (listing);
  if (!load_candidates (req, listing, id, all, error) || !text_scores (req, query, scores, error))
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      Candidate *c = all->pdata[i];
      double *t = g_hash_table_lookup (scores, &c->id);

      c->p_text = t ? MAX (*t, 0.0) : 0.0;
      best_text = MAX (best_text, c->p_text);
    }
  for (guint i = 0; i < all->len; i++)
    {
      Candidate *c = all->pdata[i];
      guint n_union = own_chains->len;

      c->p_type = type_compat (type, c->type);
      for (guint j = 0; j < c->chains->len; j++)
        {
          gint64 cid = g_array_index (c->chains, gint64, j);
          gboolean shared = FALSE;

          for (guint k = 0; k < own_chains->len && !shared; k++)
            shared = g_array_index (own_chains, gint64, k) == cid;
          if (shared)
            g_array_append_val (c->shared, cid);
          else
            n_union++;
        }
      c->p_chains = n_union ? (double) c->shared->len / n_union : 0.0;
      c->p_text = best_text > 0 ? c->p_text / best_text : 0.0;
      c->p_type = round4 (c->p_type);
      c->p_chains = round4 (c->p_chains);
      c->p_text = round4 (c->p_text);
      c->p_fresh = round4 (c->p_fresh);
      c->score = round4 (W_TYPE * c->p_type + W_CHAINS * c->p_chains + W_TEXT * c->p_text + W_FRESHNESS * c->p_fresh);
      if (c->p_type > 0 || c->p_chains > 0 || c->p_text > 0)
        g_ptr_array_add (ranked, c);
    }
  g_ptr_array_sort (ranked, by_score);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "listing_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "direction");
  json_builder_add_string_value (b, strcmp (json_object_get_string_member (listing, "direction"), "need") == 0
                                      ? "offer" : "need");
  json_builder_set_member_name (b, "weights");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_double_value (b, W_TYPE);
  json_builder_set_member_name (b, "chains");
  json_builder_add_double_value (b, W_CHAINS);
  json_builder_set_member_name (b, "text");
  json_builder_add_double_value (b, W_TEXT);
  json_builder_set_member_name (b, "freshness");
  json_builder_add_double_value (b, W_FRESHNESS);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, ranked->len);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < ranked->len && i < (guint) limit; i++)
    {
      Candidate *c = ranked->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, c->id);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, c->title);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, c->type);
      json_builder_set_member_name (b, "enterprise_id");
      if (c->enterprise_id)
        json_builder_add_int_value (b, c->enterprise_id);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "external_party");
      if (c->external_party)
        json_builder_add_string_value (b, c->external_party);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "shared_chain_ids");
      json_builder_begin_array (b);
      for (guint j = 0; j < c->shared->len; j++)
        json_builder_add_int_value (b, g_array_index (c->shared, gint64, j));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, c->score);
      json_builder_set_member_name (b, "parts");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_double_value (b, c->p_type);
      json_builder_set_member_name (b, "chains");
      json_builder_add_double_value (b, c->p_chains);
      json_builder_set_member_name (b, "text");
      json_builder_add_double_value (b, c->p_text);
      json_builder_set_member_name (b, "freshness");
      json_builder_add_double_value (b, c->p_fresh);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lj_request_set_response_node (req, 200, root);
  return TRUE;
}
