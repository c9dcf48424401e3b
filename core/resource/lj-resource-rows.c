/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Turning result rows into JSON: scalar columns straight from SQLite into a
 * GString writer (no JsonNode tree: json-glib costs half a list page), and
 * link-table arrays fetched with one statement per link field for the whole
 * page, so a page costs the same number of statements whatever its length. */
#include "lj-resource-private.h"
#include "http/lj-request-private.h"

static gboolean
field_in_select (LjField *f, LjRowsFlags flags)
{
  return f->type != LJ_FIELD_LINK && (!f->detail_only || (flags & LJ_ROWS_DETAIL));
}

static void
write_column (LjJsonWriter *w, LjFieldType type, sqlite3_stmt *stmt, int col)
{
  int ctype = sqlite3_column_type (stmt, col);

  if (ctype == SQLITE_NULL)
    {
      lj_json_writer_null (w);
      return;
    }
  switch (type)
    {
    case LJ_FIELD_BOOLEAN:
      lj_json_writer_bool (w, sqlite3_column_int (stmt, col) != 0);
      break;
    case LJ_FIELD_INTEGER:
      lj_json_writer_int (w, sqlite3_column_int64 (stmt, col));
      break;
    case LJ_FIELD_NUMBER:
      lj_json_writer_double (w, sqlite3_column_double (stmt, col));
      break;
    case LJ_FIELD_JSON:
      lj_json_writer_raw (w, (const char *) sqlite3_column_text (stmt, col));
      break;
    default:
      lj_json_writer_string_len (w, (const char *) sqlite3_column_text (stmt, col),
                                 sqlite3_column_bytes (stmt, col));
    }
}

static JsonNode *
column_node (sqlite3_stmt *stmt, int col)
{
  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_INTEGER:
      return json_node_init_int (json_node_alloc (), sqlite3_column_int64 (stmt, col));
    case SQLITE_FLOAT:
      return json_node_init_double (json_node_alloc (), sqlite3_column_double (stmt, col));
    case SQLITE_NULL:
      return json_node_init_null (json_node_alloc ());
    default:
      return json_node_init_string (json_node_alloc (), (const char *) sqlite3_column_text (stmt, col));
    }
}

/* Writes one row's scalar members into a fresh, still open object. */
static LjJsonWriter *
write_row (LjResource *r, sqlite3_stmt *stmt, LjRowsFlags flags)
{
  LjJsonWriter *w = lj_json_writer_new ();
  int col = LJ_RESOURCE_SYSTEM_COLUMNS;
  gboolean show_private = (flags & LJ_ROWS_PRIVATE) || sqlite3_column_int (stmt, 4) != 0;

  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "id", sqlite3_column_int64 (stmt, 0));
  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];

      if (!field_in_select (f, flags))
        continue;
      if (!f->is_private || show_private)
        {
          lj_json_writer_key (w, f->name);
          write_column (w, f->type, stmt, col);
        }
      col++;
    }
  lj_json_writer_member_int (w, "version", sqlite3_column_int64 (stmt, 1));
  lj_json_writer_member_string (w, "created_at", (const char *) sqlite3_column_text (stmt, 2));
  lj_json_writer_member_string (w, "updated_at", (const char *) sqlite3_column_text (stmt, 3));
  return w;
}

static char *
link_sql (LjField *f)
{
  GString *s = g_string_new ("SELECT l.");

  g_string_append (s, f->link_owner);
  if (f->item)
    g_string_append_printf (s, ", l.%s", f->link_key);
  for (guint i = 0; f->item_fields && i < f->item_fields->len; i++)
    g_string_append_printf (s, ", l.%s", ((LjField *) f->item_fields->pdata[i])->name);
  g_string_append_printf (s, " FROM %s l WHERE l.%s IN (SELECT value FROM json_each(?)) ORDER BY l.%s, l.%s",
                          f->link_table, f->link_owner, f->link_owner, f->link_key);
  return g_string_free (s, FALSE);
}

static void
write_link_item (LjField *f, sqlite3_stmt *stmt, LjJsonWriter *w)
{
  if (f->item)
    {
      write_column (w, f->item->type, stmt, 1);
      return;
    }
  lj_json_writer_begin_object (w);
  for (guint i = 0; i < f->item_fields->len; i++)
    {
      LjField *sub = f->item_fields->pdata[i];
      lj_json_writer_key (w, sub->name);
      write_column (w, sub->type, stmt, 1 + i);
    }
  lj_json_writer_end_object (w);
}

/* Fills @arrays (owner id -> LjJsonWriter holding an open array). */
static gboolean
fetch_link (LjField *f, LjStore *store, const char *ids_json, GHashTable *arrays, GError **error)
{
  g_autofree char *sql = link_sql (f);
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, ids_json, -1, SQLITE_TRANSIENT);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 owner = sqlite3_column_int64 (st->stmt, 0);
      LjJsonWriter *aw = g_hash_table_lookup (arrays, &owner);

      if (aw == NULL)
        {
          aw = lj_json_writer_new ();
          lj_json_writer_begin_array (aw);
          g_hash_table_insert (arrays, g_memdup2 (&owner, sizeof owner), aw);
        }
      write_link_item (f, st->stmt, aw);
    }
  return rc == SQLITE_DONE;
}

static gboolean
append_links (LjResource *r, LjStore *store, GPtrArray *rows, GArray *ids, GError **error)
{
  g_autoptr (LjJsonWriter) idw = lj_json_writer_new ();

  lj_json_writer_begin_array (idw);
  for (guint i = 0; i < ids->len; i++)
    lj_json_writer_int (idw, g_array_index (ids, gint64, i));
  lj_json_writer_end_array (idw);
  for (guint i = 0; i < r->fields->len; i++)
    {
      LjField *f = r->fields->pdata[i];
      g_autoptr (GHashTable) arrays = NULL;

      if (f->type != LJ_FIELD_LINK)
        continue;
      arrays = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) lj_json_writer_free);
      if (ids->len > 0 && !fetch_link (f, store, lj_json_writer_get_data (idw, NULL), arrays, error))
        return FALSE;
      for (guint j = 0; j < rows->len; j++)
        {
          LjJsonWriter *aw = g_hash_table_lookup (arrays, &g_array_index (ids, gint64, j));
          lj_json_writer_key (rows->pdata[j], f->name);
          if (aw == NULL)
            {
              lj_json_writer_raw (rows->pdata[j], "[]");
              continue;
            }
          lj_json_writer_end_array (aw);
          lj_json_writer_raw (rows->pdata[j], lj_json_writer_get_data (aw, NULL));
        }
    }
  return TRUE;
}

/**
 * lj_resource_write_rows:
 * @stmt: a bound statement selecting the resource's select list (plus the
 *   sort value at @sort_col, or -1)
 *
 * Writes up to @limit rows as a JSON array and tells whether more follow.
 */
gboolean
lj_resource_write_rows (LjResource *r, LjStore *store, sqlite3_stmt *stmt, guint limit, int sort_col,
                        LjRowsFlags flags, LjJsonWriter *w, LjRowsResult *result, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) lj_json_writer_free);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc = SQLITE_DONE;

  memset (result, 0, sizeof *result);
  while (rows->len < limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_ptr_array_add (rows, write_row (r, stmt, flags));
      g_array_append_val (ids, id);
      result->last_id = id;
      result->last_version = sqlite3_column_int64 (stmt, 1);
      if (sort_col >= 0)
        {
          g_clear_pointer (&result->last_sort, json_node_unref);
          result->last_sort = column_node (stmt, sort_col);
        }
    }
  if (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return lj_store_set_error (store, error, rc, "reading rows");
  result->more = rc == SQLITE_ROW;
  result->count = rows->len;
  if (!append_links (r, store, rows, ids, error))
    return FALSE;
  lj_json_writer_begin_array (w);
  for (guint i = 0; i < rows->len; i++)
    {
      lj_json_writer_end_object (rows->pdata[i]);
      lj_json_writer_raw (w, lj_json_writer_get_data (rows->pdata[i], NULL));
    }
  lj_json_writer_end_array (w);
  return TRUE;
}

/**
 * lj_resource_read_record:
 * Returns: (transfer full): the record as a JSON object text, or NULL with
 *   LJ_HTTP_ERROR_NOT_FOUND (or a store error).
 */
char *
lj_resource_read_record (LjResource *r, LjRequest *req, gint64 id, LjRowsFlags flags,
                         gint64 *version, GError **error)
{
  LjStore *store = lj_request_get_store (req);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s t WHERE t.id = ?%s%s%s", r->select_detail, r->table,
                                          r->visible_sql ? " AND (" : "", r->visible_sql ? r->visible_sql : "",
                                          r->visible_sql ? ")" : "");
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  LjRowsResult res;
  g_autofree char *array = NULL;
  gsize len;

  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (!lj_resource_write_rows (r, store, st->stmt, 1, -1, flags | LJ_ROWS_DETAIL, w, &res, error))
    return NULL;
  if (res.count == 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, r->title, id);
      return NULL;
    }
  if (version)
    *version = res.last_version;
  /* Strip the one-element array's brackets. */
  array = lj_json_writer_steal (g_steal_pointer (&w), &len);
  return g_strndup (array + 1, len - 2);
}

/* The stored record as a JSON object, for rules that compare old and new. */
JsonObject *
lj_resource_load_current (LjResource *r, LjRequest *req, gint64 id, gint64 *version, GError **error)
{
  g_autofree char *json = lj_resource_read_record (r, req, id, LJ_ROWS_PRIVATE, version, error);
  g_autoptr (JsonParser) parser = NULL;

  if (json == NULL)
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}
