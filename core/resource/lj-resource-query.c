/* SPDX-License-Identifier: GPL-3.0-or-later */
/* List parameters to SQL: filters declared on the resource, the sort
 * whitelist, keyset cursors, `q` full-text search and `limit`.  Every value
 * from the query string is checked, reported as a field error when wrong,
 * and reaches SQL only as a bound parameter; only declared identifiers and
 * declared SQL fragments are ever spliced into the statement text. */
#include "lj-resource-private.h"
#include "json/lj-cursor.h"
#include "http/lj-request-private.h"

#include <string.h>

#define LJ_LIST_DEFAULT_LIMIT 50
#define LJ_LIST_MAX_LIMIT 500
#define LJ_LIST_MAX_Q 200
#define LJ_LIST_MAX_FILTER 1000
#define LJ_FTS_MIN_CHARS 3   /* the trigram tokenizer needs three characters */

struct _LjListQuery {
  LjResource *r;
  GString    *where;        /* conditions, each starting with " AND " */
  GPtrArray  *binds;        /* JsonNode*, one per ? in where */
  char       *sort_spec;    /* as sent, e.g. "-name" */
  char       *sort_expr;
  LjFieldType sort_type;
  gboolean    desc;
  guint       limit;
  JsonNode   *cursor_value;
  gint64      cursor_id;
  gboolean    sort_is_id;
  char       *from;         /* "<table> t", or the drive's join */
  char       *id_expr;      /* t.id, or the drive's owner column */
  LjFilter   *drive;        /* the filter whose link table the page is read from */
  gboolean    full_text;    /* a q= matched in the search index */
};

static const char *const reserved_params[] = { "limit", "cursor", "sort", "q", NULL };

void
lj_list_query_free (LjListQuery *q)
{
  if (q == NULL)
    return;
  g_string_free (q->where, TRUE);
  g_ptr_array_unref (q->binds);
  g_free (q->sort_spec);
  g_free (q->sort_expr);
  g_free (q->from);
  g_free (q->id_expr);
  g_clear_pointer (&q->cursor_value, json_node_unref);
  g_free (q);
}

static void
add_condition (LjListQuery *q, const char *sql, JsonNode *value, guint n_params)
{
  g_string_append_printf (q->where, " AND (%s)", sql);
  for (guint i = 0; i < n_params; i++)
    g_ptr_array_add (q->binds, json_node_copy (value));
  json_node_unref (value);
}

/* Parses a query-string value as a field type; NULL after a field error. */
static JsonNode *
parse_param (LjRequest *req, const char *name, LjFieldType type, char **enum_values, const char *text)
{
  gint64 i;

  switch (type)
    {
    case LJ_FIELD_INTEGER:
      if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &i, NULL))
        break;
      return json_node_init_int (json_node_alloc (), i);
    case LJ_FIELD_BOOLEAN:
      if (strcmp (text, "true") != 0 && strcmp (text, "false") != 0)
        break;
      return json_node_init_boolean (json_node_alloc (), text[0] == 't');
    case LJ_FIELD_DATE:
    case LJ_FIELD_DATETIME:
      {
        g_autofree char *full = strlen (text) == 10 ? g_strconcat (text, "T00:00:00Z", NULL) : g_strdup (text);
        g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (full, NULL);
        g_autoptr (GDateTime) utc = NULL;
        g_autofree char *norm = NULL;

        if (dt == NULL)
          break;
        utc = g_date_time_to_utc (dt);
        norm = g_date_time_format (utc, type == LJ_FIELD_DATE ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ");
        return json_node_init_string (json_node_alloc (), norm);
      }
    default:
      if (enum_values && !g_strv_contains ((const char *const *) enum_values, text))
        {
          g_autofree char *allowed = g_strjoinv (", ", enum_values);
          lj_request_add_field_error (req, name, "must be one of: %s", allowed);
          return NULL;
        }
      if (g_utf8_strlen (text, -1) > LJ_LIST_MAX_FILTER)
        break;
      return json_node_init_string (json_node_alloc (), text);
    }
  {
    static const char *const what[] = { "a string", "an integer", "a number", "true or false",
                                        "a date as YYYY-MM-DD", "an RFC 3339 timestamp or a date", "", "" };
    lj_request_add_field_error (req, name, "must be %s", what[type]);
  }
  return NULL;
}

/* A filter with a link table that holds the sort (x-lj-drive): the page is
 * read from that table's (key, sort copy, owner) index in order, joined to
 * the resource, instead of gathering every match and sorting it.  Only one
 * filter drives; the others stay conditions.  The copy must be of a
 * required field, so it equals the plain sort expression. */
static gboolean
try_drive (LjListQuery *q, LjFilter *flt, JsonNode *value)
{
  const char *name = q->sort_spec + (q->desc ? 1 : 0);
  LjField *f = lj_resource_get_field (q->r, name);
  const char *column = NULL;

  /* A full-text match usually leaves a few rows: then it should lead, and
   * sorting its rows costs less than walking the whole link in order
   * (4 against 14 ms for a rare word on the province's biggest chain). */
  if (q->drive != NULL || flt->drive == NULL || q->full_text)
    return FALSE;
  if (!q->sort_is_id)
    {
      column = g_hash_table_lookup (flt->drive->sorts, name);
      if (column == NULL || f == NULL || !f->required)
        return FALSE;
    }
  q->drive = flt;
  g_free (q->from);
  q->from = g_strdup_printf ("%s d JOIN %s t ON t.id = d.%s", flt->drive->table, q->r->table, flt->drive->owner);
  g_free (q->id_expr);
  q->id_expr = g_strdup_printf ("d.%s", flt->drive->owner);
  g_free (q->sort_expr);
  q->sort_expr = g_strdup_printf ("d.%s", q->sort_is_id ? flt->drive->owner : column);
  /* First in the WHERE clause, so its value is bound first. */
  {
    g_autofree char *cond = g_strdup_printf (" AND (d.%s = ?)", flt->drive->key);
    g_string_prepend (q->where, cond);
    g_ptr_array_insert (q->binds, 0, value);
  }
  return TRUE;
}

static void
parse_filter (LjListQuery *q, LjRequest *req, const char *name, const char *text)
{
  LjField *f = lj_resource_get_field (q->r, name);
  JsonNode *value;

  if (f && f->filterable && f->is_private && lj_request_get_role (req) != LJ_ROLE_ADMIN)
    {
      lj_request_add_field_error (req, name, "is private: only admins may filter by it");
      return;
    }
  if (f && f->filterable)
    {
      g_autofree char *sql = g_strdup_printf ("t.%s = ?", f->name);
      if ((value = parse_param (req, name, f->type, f->enum_values, text)))
        add_condition (q, sql, value, 1);
      return;
    }
  for (guint i = 0; i < q->r->filters->len; i++)
    {
      LjFilter *flt = q->r->filters->pdata[i];
      if (strcmp (flt->name, name) != 0)
        continue;
      if ((value = parse_param (req, name, flt->type, NULL, text)) && !try_drive (q, flt, value))
        add_condition (q, flt->sql, value, flt->n_params);
      return;
    }
  lj_request_add_field_error (req, name, "unknown parameter");
}

static void
parse_limit (LjListQuery *q, LjRequest *req)
{
  const char *text = lj_request_get_query (req, "limit");
  guint64 v;

  q->limit = LJ_LIST_DEFAULT_LIMIT;
  if (text == NULL)
    return;
  if (!g_ascii_string_to_unsigned (text, 10, 1, LJ_LIST_MAX_LIMIT, &v, NULL))
    lj_request_add_field_error (req, "limit", "must be a whole number from 1 to %d", LJ_LIST_MAX_LIMIT);
  else
    q->limit = v;
}

static void
parse_sort (LjListQuery *q, LjRequest *req)
{
  const char *text = lj_request_get_query (req, "sort");
  const char *name;
  LjField *f;

  q->sort_spec = g_strdup (text ? text : "id");
  q->desc = q->sort_spec[0] == '-';
  name = q->sort_spec + (q->desc ? 1 : 0);
  if (strcmp (name, "id") != 0 &&
      (q->r->sortable == NULL || !g_strv_contains ((const char *const *) q->r->sortable, name)))
    {
      g_autofree char *allowed = q->r->sortable ? g_strjoinv (", ", q->r->sortable) : g_strdup ("id");
      lj_request_add_field_error (req, "sort", "cannot sort by \"%s\"; use one of: %s (prefix - for descending)",
                                  name, allowed);
      g_free (q->sort_spec);
      q->sort_spec = g_strdup ("id");
      q->desc = FALSE;
      name = "id";
    }
  f = lj_resource_get_field (q->r, name);
  if (f && f->is_private && lj_request_get_role (req) != LJ_ROLE_ADMIN)
    {
      lj_request_add_field_error (req, "sort", "\"%s\" is private: only admins may sort by it", name);
      f = NULL;
      name = "id";
      g_free (q->sort_spec);
      q->sort_spec = g_strdup ("id");
      q->desc = FALSE;
    }
  q->sort_type = f ? f->type : (strcmp (name, "id") == 0 || strcmp (name, "version") == 0)
                 ? LJ_FIELD_INTEGER : LJ_FIELD_STRING;
  q->sort_is_id = strcmp (name, "id") == 0;
  /* Keyset paging needs a total order without NULLs: an optional column
   * sorts as if empty (the smallest value of its type). */
  if (f == NULL || f->required)
    q->sort_expr = g_strdup_printf ("t.%s", name);
  else if (f->type == LJ_FIELD_INTEGER || f->type == LJ_FIELD_BOOLEAN)
    q->sort_expr = g_strdup_printf ("ifnull(t.%s, -9223372036854775807)", name);
  else if (f->type == LJ_FIELD_NUMBER)
    q->sort_expr = g_strdup_printf ("ifnull(t.%s, -1e308)", name);
  else
    q->sort_expr = g_strdup_printf ("ifnull(t.%s, '')", name);
}

static char *
cursor_encode (const char *sort_spec, JsonNode *value, gint64 id)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  gsize len;
  const char *data;

  lj_json_writer_begin_array (w);
  lj_json_writer_string (w, sort_spec);
  lj_json_writer_node (w, value);
  lj_json_writer_int (w, id);
  lj_json_writer_end_array (w);
  data = lj_json_writer_get_data (w, &len);
  return lj_cursor_encode (data, len);
}

static gboolean
cursor_decode (LjListQuery *q, const char *text)
{
  g_autoptr (JsonArray) a = lj_cursor_decode (text, 4 * LJ_LIST_MAX_FILTER);
  JsonNode *v;

  if (a == NULL || json_array_get_length (a) != 3 ||
      g_strcmp0 (json_array_get_string_element (a, 0), q->sort_spec) != 0)
    return FALSE;
  v = json_array_get_element (a, 1);
  if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (json_array_get_element (a, 2)) != G_TYPE_INT64)
    return FALSE;
  q->cursor_value = json_node_copy (v);
  q->cursor_id = json_array_get_int_element (a, 2);
  return TRUE;
}

static void
parse_cursor (LjListQuery *q, LjRequest *req)
{
  const char *text = lj_request_get_query (req, "cursor");

  if (text == NULL)
    return;
  if (!cursor_decode (q, text))
    lj_request_add_field_error (req, "cursor", "is not a cursor of this list with sort=%s", q->sort_spec);
}

static char *
like_pattern (const char *text)
{
  GString *s = g_string_new ("%");

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

static void
parse_q (LjListQuery *q, LjRequest *req)
{
  const char *raw = lj_request_get_query (req, "q");
  g_autofree char *text = NULL;

  if (raw == NULL)
    return;
  text = g_strstrip (g_strdup (raw));
  if (*text == '\0')
    return;
  if (q->r->search_table == NULL)
    {
      lj_request_add_field_error (req, "q", "this list has no text search");
      return;
    }
  if (g_utf8_strlen (text, -1) > LJ_LIST_MAX_Q)
    {
      lj_request_add_field_error (req, "q", "must be at most %d characters", LJ_LIST_MAX_Q);
      return;
    }
  if (g_utf8_strlen (text, -1) >= LJ_FTS_MIN_CHARS)
    {
      /* One FTS5 phrase: quotes doubled, so the text is never query syntax. */
      g_autoptr (GString) phrase = g_string_new ("\"");
      g_autofree char *sql = g_strdup_printf ("t.id IN (SELECT rowid FROM %s WHERE %s MATCH ?)",
                                              q->r->search_table, q->r->search_table);
      for (const char *p = text; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (phrase, '"');
          g_string_append_c (phrase, *p);
        }
      g_string_append_c (phrase, '"');
      add_condition (q, sql, json_node_init_string (json_node_alloc (), phrase->str), 1);
      q->full_text = TRUE;
      return;
    }
  /* Shorter than a trigram: a scan with LIKE over the same fields. */
  {
    g_autoptr (GString) sql = g_string_new (NULL);
    g_autofree char *pattern = like_pattern (text);
    for (guint i = 0; q->r->search_fields[i]; i++)
      g_string_append_printf (sql, "%st.%s LIKE ? ESCAPE '\\'", i ? " OR " : "", q->r->search_fields[i]);
    add_condition (q, sql->str, json_node_init_string (json_node_alloc (), pattern),
                   g_strv_length (q->r->search_fields));
  }
}

/**
 * lj_list_query_parse:
 * Returns: (transfer full) (nullable): the parsed query; NULL with
 *   LJ_HTTP_ERROR_INVALID when any parameter is wrong (all are listed).
 */
LjListQuery *
lj_list_query_parse (LjResource *resource, LjRequest *req, GError **error)
{
  g_autoptr (LjListQuery) q = g_new0 (LjListQuery, 1);
  const char *name, *value;
  g_autoptr (GList) keys = NULL;

  q->r = resource;
  q->from = g_strdup_printf ("%s t", resource->table);
  q->id_expr = g_strdup ("t.id");
  q->where = g_string_new (NULL);
  q->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  parse_limit (q, req);
  parse_sort (q, req);
  parse_cursor (q, req);
  parse_q (q, req);
  if (resource->visible_sql)
    g_string_append_printf (q->where, " AND (%s)", resource->visible_sql);
  /* Sorted, so the errors come in a stable order. */
  keys = g_list_sort (g_hash_table_get_keys (lj_request_get_query_table (req)), (GCompareFunc) strcmp);
  for (GList *l = keys; l; l = l->next)
    {
      name = l->data;
      value = lj_request_get_query (req, name);
      if (!g_strv_contains (reserved_params, name))
        parse_filter (q, req, name, value);
    }
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid list parameters");
      return NULL;
    }
  return g_steal_pointer (&q);
}

static int
bind_all (LjListQuery *q, sqlite3_stmt *stmt)
{
  int idx = 1;

  for (guint i = 0; i < q->binds->len; i++)
    lj_resource_bind_node (stmt, idx++, q->binds->pdata[i]);
  return idx;
}

/* What a total depends on besides the data: the SQL, its bound values, the
 * principal the scope functions read, and the clock when the SQL reads it
 * (resource SQL must read the time through lj_now (), see docs/plugins.md). */
static char *
count_memo_key (LjListQuery *q, LjRequest *req, const char *sql)
{
  GString *key = g_string_new (sql);

  g_string_append_printf (key, "\x1f%d/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, (int) lj_request_get_role (req),
                          lj_request_get_user_id (req), lj_request_get_org_id (req));
  if (strstr (sql, "lj_now(") != NULL)
    {
      g_autofree char *now = lj_clock_now_timestamp ();
      g_string_append_printf (key, "\x1f%s", now);
    }
  for (guint i = 0; i < q->binds->len; i++)
    {
      g_autofree char *value = json_to_string (q->binds->pdata[i], FALSE);
      g_string_append_printf (key, "\x1f%s", value);
    }
  return g_string_free (key, FALSE);
}

/* The list's total.  Remembered until the database changes (lj-store-memo.c):
 * a filtered count is the costly half of a page at province scale, and it
 * is the same on every page of the list. */
static gboolean
count_total (LjListQuery *q, LjRequest *req, gint64 *total, GError **error)
{
  LjStore *store = lj_request_get_store (req);
  /* No conditions: no WHERE at all, so SQLite can count from the smallest
   * index instead of testing every row (16 ms vs 0.2 ms on a million). */
  g_autofree char *sql = q->where->len
    ? g_strdup_printf ("SELECT count(*) FROM %s WHERE 1%s", q->from, q->where->str)
    : g_strdup_printf ("SELECT count(*) FROM %s", q->from);
  g_autofree char *key = count_memo_key (q, req, sql);
  g_autoptr (LjStmt) st = NULL;

  if (lj_store_memo_lookup (store, key, total))
    return TRUE;
  st = lj_store_prepare (store, sql, error);
  if (st == NULL)
    return FALSE;
  bind_all (q, st->stmt);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  *total = sqlite3_column_int64 (st->stmt, 0);
  lj_store_memo_remember (store, key, *total);
  return TRUE;
}

static int
list_sort_column (LjResource *r)
{
  int col = LJ_RESOURCE_SYSTEM_COLUMNS;

  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];
      col += f->type != LJ_FIELD_LINK && !f->detail_only;
    }
  return col;
}

static char *
page_sql (LjListQuery *q)
{
  const char *op = q->desc ? "<" : ">";
  const char *dir = q->desc ? "DESC" : "ASC";
  g_autoptr (GString) keyset = g_string_new (NULL);

  if (q->cursor_value && q->sort_is_id)
    g_string_printf (keyset, " AND %s %s ?", q->id_expr, op);
  else if (q->cursor_value)
    /* A row value, not "s > ? OR (s = ? AND id > ?)": SQLite seeks the
     * index to the pair, where the OR form walked every entry before the
     * cursor (page 200 of a name sort cost three times page 1). */
    g_string_printf (keyset, " AND (%s, %s) %s (?, ?)", q->sort_expr, q->id_expr, op);
  if (q->sort_is_id)
    return g_strdup_printf ("SELECT %s, %s FROM %s WHERE 1%s%s ORDER BY %s %s LIMIT ?", q->r->select_list,
                            q->sort_expr, q->from, q->where->str, keyset->str, q->id_expr, dir);
  return g_strdup_printf ("SELECT %s, %s FROM %s WHERE 1%s%s ORDER BY %s %s, %s %s LIMIT ?",
                          q->r->select_list, q->sort_expr, q->from, q->where->str, keyset->str,
                          q->sort_expr, dir, q->id_expr, dir);
}

static void
bind_keyset (LjListQuery *q, sqlite3_stmt *stmt, int *idx)
{
  if (q->cursor_value == NULL)
    return;
  if (q->sort_is_id)
    {
      sqlite3_bind_int64 (stmt, (*idx)++, q->cursor_id);
      return;
    }
  lj_resource_bind_node (stmt, (*idx)++, q->cursor_value);
  sqlite3_bind_int64 (stmt, (*idx)++, q->cursor_id);
}

/* Writes {"items": [...], "next_cursor": ..., "total": N}. */
gboolean
lj_list_query_run (LjListQuery *q, LjRequest *req, LjJsonWriter *w, GError **error)
{
  LjStore *store = lj_request_get_store (req);
  g_autofree char *sql = page_sql (q);
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  LjRowsResult res;
  gint64 total = 0;
  int idx;
  LjRowsFlags flags = lj_request_may_see_private (req) ? LJ_ROWS_PRIVATE : LJ_ROWS_LIST;

  if (st == NULL)
    return FALSE;
  idx = bind_all (q, st->stmt);
  bind_keyset (q, st->stmt, &idx);
  sqlite3_bind_int (st->stmt, idx, q->limit + 1);
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "items");
  if (!lj_resource_write_rows (q->r, store, st->stmt, q->limit, list_sort_column (q->r), flags, w, &res, error))
    return FALSE;
  lj_json_writer_key (w, "next_cursor");
  if (res.more && res.last_sort)
    {
      g_autofree char *cursor = cursor_encode (q->sort_spec, res.last_sort, res.last_id);
      lj_json_writer_string (w, cursor);
    }
  else
    lj_json_writer_null (w);
  g_clear_pointer (&res.last_sort, json_node_unref);
  if (!count_total (q, req, &total, error))
    return FALSE;
  lj_json_writer_member_int (w, "total", total);
  lj_json_writer_end_object (w);
  return TRUE;
}
