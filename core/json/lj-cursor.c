/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opaque list cursors (lj-cursor.h). */
#include "lj-cursor.h"

#include <string.h>

#define LJ_CURSOR_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

char *
lj_cursor_encode (const char *json, gsize len)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) json, len);

  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  return g_strndup (b64, strcspn (b64, "="));
}

JsonArray *
lj_cursor_decode (const char *text, gsize max_len)
{
  gsize len = strlen (text), rawlen = 0;
  g_autofree char *padded = NULL;
  g_autofree guchar *raw = NULL;
  g_autoptr (JsonParser) parser = NULL;

  if (len == 0 || len > max_len || strspn (text, LJ_CURSOR_ALPHABET) != len)
    return NULL;
  padded = g_strnfill (len + (4 - len % 4) % 4, '=');
  memcpy (padded, text, len);
  g_strdelimit (padded, "-", '+');
  g_strdelimit (padded, "_", '/');
  raw = g_base64_decode (padded, &rawlen);
  if (raw == NULL || rawlen == 0 || !g_utf8_validate ((const char *) raw, rawlen, NULL))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) raw, rawlen, NULL) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return NULL;
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

char *
lj_cursor_encode_id (gint64 id)
{
  g_autofree char *json = g_strdup_printf ("[%" G_GINT64_FORMAT "]", id);

  return lj_cursor_encode (json, strlen (json));
}

gboolean
lj_cursor_decode_id (const char *text, gint64 *id)
{
  g_autoptr (JsonArray) a = lj_cursor_decode (text, 64);

  if (a == NULL || json_array_get_length (a) != 1 ||
      json_node_get_value_type (json_array_get_element (a, 0)) != G_TYPE_INT64)
    return FALSE;
  *id = json_array_get_int_element (a, 0);
  return *id > 0;
}
