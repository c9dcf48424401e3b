/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming JSON writer behind every response body.  It keeps one byte
 * of state per open container (object or array, and whether a comma is due)
 * in a fixed inline array, spilling to the heap only for unusually deep
 * output, and appends text directly to its GString. */

#include "lj-json-writer.h"

#include <math.h>
#include <string.h>

/* Response documents are shallow; deeper ones spill to deep_levels. */
#define INLINE_LEVELS 64

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

enum {
  LEVEL_OBJECT    = 1 << 0, /* otherwise an array */
  LEVEL_HAS_ITEMS = 1 << 1, /* the next item needs a comma before it */
};

struct _LjJsonWriter {
  GString    *buf;
  guint       depth;
  gboolean    after_key;    /* a key was written and awaits its value */
  gboolean    root_started; /* a second top-level value would be invalid */
  guint8      levels[INLINE_LEVELS];
  GByteArray *deep_levels;  /* levels from INLINE_LEVELS on; usually NULL */
};

/* For each ASCII byte: 0 to copy it as is, 'u' to write \u00XX, otherwise
 * the letter of its short escape. */
static const char escapes[128] = {
  'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',   /* 0x00 - 0x07 */
  'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',   /* 0x08 - 0x0f */
  'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',   /* 0x10 - 0x17 */
  'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',   /* 0x18 - 0x1f */
  ['"'] = '"',
  ['\\'] = '\\',
};

LjJsonWriter *
lj_json_writer_new (void)
{
  LjJsonWriter *w = g_new0 (LjJsonWriter, 1);

  w->buf = g_string_sized_new (256);
  return w;
}

void
lj_json_writer_free (LjJsonWriter *w)
{
  if (w == NULL)
    return;
  if (w->buf != NULL)
    g_string_free (w->buf, TRUE);
  g_clear_pointer (&w->deep_levels, g_byte_array_unref);
  g_free (w);
}

/* ---- escaping -------------------------------------------------------- */

static void
append_escape (GString *out,
               guchar   ch,
               char     esc)
{
  static const char hex[] = "0123456789abcdef";
  char seq[6] = { '\\', esc, '0', '0', hex[ch >> 4], hex[ch & 0xf] };

  g_string_append_len (out, seq, esc == 'u' ? 6 : 2);
}

/* @s is valid UTF-8 without NUL: copy it in runs, escaping only the few
 * ASCII bytes JSON requires.  Multi-byte characters pass through byte for
 * byte (no \u escapes), which keeps Chinese text compact and unchanged. */
static void
append_escaped_valid (GString    *out,
                      const char *s,
                      gsize       len)
{
  const char *run = s;
  const char *end = s + len;

  for (const char *p = s; p < end; p++)
    {
      guchar ch = (guchar) *p;

      if (ch >= 0x80 || escapes[ch] == 0)
        continue;
      g_string_append_len (out, run, p - run);
      append_escape (out, ch, escapes[ch]);
      run = p + 1;
    }
  g_string_append_len (out, run, end - run);
}

/* How many bytes one U+FFFD replaces: the offending byte plus any
 * continuation bytes after it, so a truncated or overlong sequence
 * becomes a single replacement character. */
static gsize
bad_sequence_length (const char *p,
                     gsize       len)
{
  gsize n = 1;

  while (n < len && n < 4 && ((guchar) p[n] & 0xc0) == 0x80)
    n++;
  return n;
}

/* NUL bytes are replaced too: lj_json_check() refuses \u0000 because it
 * truncates C strings, and our own output must pass our own checker. */
static void
append_string (GString    *out,
               const char *s,
               gsize       len)
{
  const char *valid_end;

  g_string_append_c (out, '"');
  while (!g_utf8_validate_len (s, len, &valid_end))
    {
      gsize good = valid_end - s;
      gsize bad = bad_sequence_length (valid_end, len - good);

      append_escaped_valid (out, s, good);
      g_string_append (out, REPLACEMENT_CHARACTER);
      s = valid_end + bad;
      len -= good + bad;
    }
  append_escaped_valid (out, s, len);
  g_string_append_c (out, '"');
}

/* ---- structure ------------------------------------------------------- */

static guint8 *
current_level (LjJsonWriter *w)
{
  guint i = w->depth - 1;

  if (i < INLINE_LEVELS)
    return &w->levels[i];
  return &w->deep_levels->data[i - INLINE_LEVELS];
}

static gboolean
in_object (LjJsonWriter *w)
{
  return w->depth > 0 && (*current_level (w) & LEVEL_OBJECT) != 0;
}

static gboolean
in_array (LjJsonWriter *w)
{
  return w->depth > 0 && (*current_level (w) & LEVEL_OBJECT) == 0;
}

static void
push_level (LjJsonWriter *w,
            guint8        flags)
{
  if (w->depth < INLINE_LEVELS)
    w->levels[w->depth] = flags;
  else
    {
      guint i = w->depth - INLINE_LEVELS;

      if (w->deep_levels == NULL)
        w->deep_levels = g_byte_array_new ();
      g_byte_array_set_size (w->deep_levels, i + 1);
      w->deep_levels->data[i] = flags;
    }
  w->depth++;
}

/* Checks that a value may go here and writes the comma due before it.  On
 * misuse nothing is written, so the output stays well-formed. */
static gboolean
begin_value (LjJsonWriter *w)
{
  guint8 *level;

  if (w->depth == 0)
    {
      g_return_val_if_fail (!w->root_started && "only one top-level value",
                            FALSE);
      w->root_started = TRUE;
      return TRUE;
    }
  level = current_level (w);
  if (*level & LEVEL_OBJECT)
    {
      g_return_val_if_fail (w->after_key && "object member without a key",
                            FALSE);
      w->after_key = FALSE;
      return TRUE;
    }
  if (*level & LEVEL_HAS_ITEMS)
    g_string_append_c (w->buf, ',');
  *level |= LEVEL_HAS_ITEMS;
  return TRUE;
}

static void
begin_container (LjJsonWriter *w,
                 char          open,
                 guint8        flags)
{
  if (!begin_value (w))
    return;
  g_string_append_c (w->buf, open);
  push_level (w, flags);
}

void
lj_json_writer_begin_object (LjJsonWriter *w)
{
  g_return_if_fail (w != NULL);

  begin_container (w, '{', LEVEL_OBJECT);
}

void
lj_json_writer_begin_array (LjJsonWriter *w)
{
  g_return_if_fail (w != NULL);

  begin_container (w, '[', 0);
}

void
lj_json_writer_end_object (LjJsonWriter *w)
{
  g_return_if_fail (w != NULL);
  g_return_if_fail (in_object (w));
  g_return_if_fail (!w->after_key && "key without a value");

  g_string_append_c (w->buf, '}');
  w->depth--;
}

void
lj_json_writer_end_array (LjJsonWriter *w)
{
  g_return_if_fail (w != NULL);
  g_return_if_fail (in_array (w));

  g_string_append_c (w->buf, ']');
  w->depth--;
}

/* Returns whether the key was written, so the member helpers can skip
 * the value too instead of, say, dropping it into an array. */
static gboolean
write_key (LjJsonWriter *w,
           const char   *key)
{
  guint8 *level;

  g_return_val_if_fail (w != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (in_object (w), FALSE);
  g_return_val_if_fail (!w->after_key && "two keys in a row", FALSE);

  level = current_level (w);
  if (*level & LEVEL_HAS_ITEMS)
    g_string_append_c (w->buf, ',');
  *level |= LEVEL_HAS_ITEMS;
  append_string (w->buf, key, strlen (key));
  g_string_append_c (w->buf, ':');
  w->after_key = TRUE;
  return TRUE;
}

void
lj_json_writer_key (LjJsonWriter *w,
                    const char   *key)
{
  write_key (w, key);
}

/* ---- scalars --------------------------------------------------------- */

static void
append_literal (LjJsonWriter *w,
                const char   *literal)
{
  if (begin_value (w))
    g_string_append (w->buf, literal);
}

void
lj_json_writer_null (LjJsonWriter *w)
{
  g_return_if_fail (w != NULL);

  append_literal (w, "null");
}

void
lj_json_writer_bool (LjJsonWriter *w,
                     gboolean      v)
{
  g_return_if_fail (w != NULL);

  append_literal (w, v ? "true" : "false");
}

void
lj_json_writer_string_len (LjJsonWriter *w,
                           const char   *s,
                           gssize        len)
{
  g_return_if_fail (w != NULL);

  if (s == NULL)
    {
      lj_json_writer_null (w);
      return;
    }
  if (begin_value (w))
    append_string (w->buf, s, len < 0 ? strlen (s) : (gsize) len);
}

void
lj_json_writer_string (LjJsonWriter *w,
                       const char   *s)
{
  lj_json_writer_string_len (w, s, -1);
}

/* Ids and counts fill list pages, so avoid printf's format parsing. */
void
lj_json_writer_int (LjJsonWriter *w,
                    gint64        v)
{
  char digits[24];
  char *p = digits + sizeof digits;
  /* Negate in unsigned arithmetic: -G_MININT64 overflows a gint64. */
  guint64 magnitude = v < 0 ? 0 - (guint64) v : (guint64) v;

  g_return_if_fail (w != NULL);

  do
    *--p = (char) ('0' + magnitude % 10);
  while ((magnitude /= 10) != 0);
  if (v < 0)
    *--p = '-';
  if (begin_value (w))
    g_string_append_len (w->buf, p, digits + sizeof digits - p);
}

/* Tries 15, 16 and 17 significant digits and keeps the first that reads
 * back exactly: %.17g alone always round-trips but prints 0.1 as
 * 0.10000000000000001.  g_ascii_formatd ignores the locale's decimal
 * separator. */
static void
format_double (char   *buf,
               gsize   size,
               double  v)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, size, formats[i], v);
      if (g_ascii_strtod (buf, NULL) == v)
        return;
    }
}

void
lj_json_writer_double (LjJsonWriter *w,
                       double        v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 2];

  g_return_if_fail (w != NULL);

  /* JSON has no NaN or Infinity. */
  if (!isfinite (v))
    {
      lj_json_writer_null (w);
      return;
    }
  format_double (buf, G_ASCII_DTOSTR_BUF_SIZE, v);
  /* Keep it a double for readers such as json-glib that type by syntax. */
  if (strpbrk (buf, ".eE") == NULL)
    strcat (buf, ".0");
  if (begin_value (w))
    g_string_append (w->buf, buf);
}

void
lj_json_writer_raw (LjJsonWriter *w,
                    const char   *json)
{
  g_return_if_fail (w != NULL);

  /* An empty splice would leave a dangling comma or key; null keeps the
   * output valid while the warning points at the bug. */
  if (json == NULL || json[0] == '\0')
    {
      g_warn_if_fail (json == NULL);
      lj_json_writer_null (w);
      return;
    }
  if (begin_value (w))
    g_string_append (w->buf, json);
}

/* ---- json-glib nodes ------------------------------------------------- */

static void
write_json_object (LjJsonWriter *w,
                   JsonObject   *object)
{
  /* get_members keeps insertion order; the object iterator does not. */
  g_autoptr (GList) members = json_object_get_members (object);

  lj_json_writer_begin_object (w);
  for (GList *l = members; l != NULL; l = l->next)
    {
      lj_json_writer_key (w, l->data);
      lj_json_writer_node (w, json_object_get_member (object, l->data));
    }
  lj_json_writer_end_object (w);
}

static void
write_json_array (LjJsonWriter *w,
                  JsonArray    *array)
{
  guint n = json_array_get_length (array);

  lj_json_writer_begin_array (w);
  for (guint i = 0; i < n; i++)
    lj_json_writer_node (w, json_array_get_element (array, i));
  lj_json_writer_end_array (w);
}

/* json_node_set_value() normalises every GType json-glib accepts to one
 * of these four. */
static void
write_json_value (LjJsonWriter *w,
                  JsonNode     *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      lj_json_writer_int (w, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      lj_json_writer_double (w, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      lj_json_writer_bool (w, json_node_get_boolean (node));
      break;
    case G_TYPE_STRING:
      lj_json_writer_string (w, json_node_get_string (node));
      break;
    default:
      lj_json_writer_null (w);
      break;
    }
}

void
lj_json_writer_node (LjJsonWriter *w,
                     JsonNode     *node)
{
  g_return_if_fail (w != NULL);

  switch (node != NULL ? json_node_get_node_type (node) : JSON_NODE_NULL)
    {
    case JSON_NODE_OBJECT:
      write_json_object (w, json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      write_json_array (w, json_node_get_array (node));
      break;
    case JSON_NODE_VALUE:
      write_json_value (w, node);
      break;
    case JSON_NODE_NULL:
    default:
      lj_json_writer_null (w);
      break;
    }
}

/* ---- members --------------------------------------------------------- */

void
lj_json_writer_member_string (LjJsonWriter *w,
                              const char   *key,
                              const char   *s)
{
  if (write_key (w, key))
    lj_json_writer_string (w, s);
}

void
lj_json_writer_member_int (LjJsonWriter *w,
                           const char   *key,
                           gint64        v)
{
  if (write_key (w, key))
    lj_json_writer_int (w, v);
}

void
lj_json_writer_member_bool (LjJsonWriter *w,
                            const char   *key,
                            gboolean      v)
{
  if (write_key (w, key))
    lj_json_writer_bool (w, v);
}

void
lj_json_writer_member_null (LjJsonWriter *w,
                            const char   *key)
{
  if (write_key (w, key))
    lj_json_writer_null (w);
}

/* ---- results --------------------------------------------------------- */

const char *
lj_json_writer_get_data (LjJsonWriter *w,
                         gsize        *len)
{
  g_return_val_if_fail (w != NULL, NULL);

  if (len != NULL)
    *len = w->buf->len;
  return w->buf->str;
}

char *
lj_json_writer_steal (LjJsonWriter *w,
                      gsize        *len)
{
  GString *buf;

  g_return_val_if_fail (w != NULL, NULL);

  buf = g_steal_pointer (&w->buf);
  if (len != NULL)
    *len = buf->len;
  lj_json_writer_free (w);
  return g_string_free (buf, FALSE);
}
