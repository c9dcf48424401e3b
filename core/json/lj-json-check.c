/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The strict JSON checker: a single forward pass over the request body with
 * an explicit heap stack of open containers instead of recursion, so nesting
 * depth costs one byte of heap per level and never any C stack.  It only
 * validates; json-glib still builds the tree afterwards, but by then the
 * input is plain RFC 8259 JSON that json-glib cannot misread. */

#include "lj-json-check.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (lj-json-error-quark, lj_json_error)

/* Objects with up to this many keys find duplicates by a linear scan over
 * references into the input, which allocates nothing for the usual small
 * request body; only bigger objects pay for a hash table. */
#define LINEAR_KEYS_MAX 16

/* Error messages go back to the client; never echo more input than this. */
#define EXCERPT_MAX 40

/* Without an exponent, a number this short is far below DBL_MAX, so there
 * is no need to run strtod just to prove it finite. */
#define SURELY_FINITE_LEN 300

typedef struct {
  const char *str;   /* the unescaped key, not NUL-terminated */
  gsize       len;
  gboolean    owned; /* str was allocated because the key had escapes */
} Key;

typedef struct {
  guint       keys_start; /* this object's keys are keys[keys_start..] */
  GHashTable *set;        /* NULL until the object outgrows the linear scan */
} ObjectFrame;

typedef enum {
  WANT_VALUE,
  WANT_KEY,
  AFTER_VALUE,
} State;

typedef struct {
  const char  *data;
  gsize        len;
  gsize        pos;
  guint        max_depth;
  GByteArray  *kinds;   /* '[' or '{' for each open container */
  GArray      *objects; /* ObjectFrame for each open object */
  GArray      *keys;    /* Key, for all open objects, innermost last */
  GString     *scratch; /* an unescaped key, or a number for strtod */
  GError     **error;
} Checker;

static void
key_clear (gpointer data)
{
  Key *key = data;

  if (key->owned)
    g_free ((char *) key->str);
}

static void
object_frame_clear (gpointer data)
{
  ObjectFrame *frame = data;

  g_clear_pointer (&frame->set, g_hash_table_unref);
}

static void
checker_init (Checker    *c,
              const char *data,
              gsize       len,
              guint       max_depth,
              GError    **error)
{
  c->data = data;
  c->len = len;
  c->pos = 0;
  c->max_depth = max_depth;
  c->kinds = g_byte_array_sized_new (16);
  c->objects = g_array_sized_new (FALSE, FALSE, sizeof (ObjectFrame), 8);
  g_array_set_clear_func (c->objects, object_frame_clear);
  c->keys = g_array_sized_new (FALSE, FALSE, sizeof (Key), 16);
  g_array_set_clear_func (c->keys, key_clear);
  c->scratch = g_string_sized_new (64);
  c->error = error;
}

static void
checker_clear (Checker *c)
{
  g_clear_pointer (&c->kinds, g_byte_array_unref);
  g_clear_pointer (&c->objects, g_array_unref);
  g_clear_pointer (&c->keys, g_array_unref);
  if (c->scratch != NULL)
    g_string_free (g_steal_pointer (&c->scratch), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Checker, checker_clear)

/* ---- errors ---------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (3, 4)
fail (Checker     *c,
      LjJsonError  code,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (c->error, LJ_JSON_ERROR, code, message);
  return FALSE;
}

/* Names the byte at @pos without echoing anything a terminal or log
 * viewer could misinterpret.  The input is known to be valid UTF-8 by the
 * time this runs, so a non-ASCII byte starts a decodable character. */
static char *
describe_at (const Checker *c,
             gsize          pos)
{
  guchar ch;

  if (pos >= c->len)
    return g_strdup ("end of input");
  ch = (guchar) c->data[pos];
  if (ch >= 0x20 && ch < 0x7f)
    return g_strdup_printf ("character '%c'", ch);
  if (ch < 0x80)
    return g_strdup_printf ("byte 0x%02X", ch);
  return g_strdup_printf ("character U+%04X",
                          (guint) g_utf8_get_char (c->data + pos));
}

static gboolean
fail_unexpected (Checker    *c,
                 const char *expected)
{
  g_autofree char *what = describe_at (c, c->pos);

  return fail (c, LJ_JSON_ERROR_SYNTAX,
               "unexpected %s at byte %" G_GSIZE_FORMAT ", expected %s",
               what, c->pos, expected);
}

/* At most EXCERPT_MAX bytes of @s, cut at a character boundary, with
 * quotes, backslashes and control characters escaped. */
static char *
excerpt (const char *s,
         gsize       len)
{
  GString *out = g_string_new (NULL);
  gsize n = MIN (len, EXCERPT_MAX);

  while (n > 0 && n < len && ((guchar) s[n] & 0xc0) == 0x80)
    n--;
  for (gsize i = 0; i < n; i++)
    {
      guchar ch = (guchar) s[i];

      if (ch == '"' || ch == '\\')
        g_string_append_printf (out, "\\%c", ch);
      else if (ch < 0x20 || ch == 0x7f)
        g_string_append_printf (out, "\\u%04X", ch);
      else
        g_string_append_c (out, (char) ch);
    }
  if (n < len)
    g_string_append (out, "...");
  return g_string_free (out, FALSE);
}

/* ---- lexical pieces -------------------------------------------------- */

static int
peek (const Checker *c)
{
  return c->pos < c->len ? (guchar) c->data[c->pos] : -1;
}

static void
skip_ws (Checker *c)
{
  while (c->pos < c->len)
    {
      char ch = c->data[c->pos];

      if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
        break;
      c->pos++;
    }
}

static gsize
skip_digits (Checker *c)
{
  gsize start = c->pos;

  while (c->pos < c->len && g_ascii_isdigit (c->data[c->pos]))
    c->pos++;
  return c->pos - start;
}

static gboolean
read_hex4 (const Checker *c,
           gsize          at,
           gunichar      *out)
{
  gunichar value = 0;

  if (at > c->len || c->len - at < 4)
    return FALSE;
  for (gsize i = at; i < at + 4; i++)
    {
      int digit = g_ascii_xdigit_value (c->data[i]);

      if (digit < 0)
        return FALSE;
      value = (value << 4) | (gunichar) digit;
    }
  *out = value;
  return TRUE;
}

static gboolean
is_unicode_escape_at (const Checker *c,
                      gsize          at)
{
  return at + 1 < c->len && c->data[at] == '\\' && c->data[at + 1] == 'u';
}

/* A high surrogate at c->pos must be followed by an escaped low one; the
 * pair is combined into @u.  Anything else would decode to invalid UTF-8. */
static gboolean
scan_low_surrogate (Checker  *c,
                    gunichar *u)
{
  gsize at = c->pos + 6;
  gunichar low;

  if (!is_unicode_escape_at (c, at))
    return fail (c, LJ_JSON_ERROR_ENCODING,
                 "lone surrogate \\u%04X at byte %" G_GSIZE_FORMAT,
                 *u, c->pos);
  if (!read_hex4 (c, at + 2, &low))
    return fail (c, LJ_JSON_ERROR_SYNTAX,
                 "invalid \\u escape at byte %" G_GSIZE_FORMAT, at);
  if (low < 0xdc00 || low > 0xdfff)
    return fail (c, LJ_JSON_ERROR_ENCODING,
                 "lone surrogate \\u%04X at byte %" G_GSIZE_FORMAT,
                 *u, c->pos);
  *u = 0x10000 + ((*u - 0xd800) << 10) + (low - 0xdc00);
  c->pos += 6;
  return TRUE;
}

/* c->pos is at "\u".  @out, when not NULL, receives the character. */
static gboolean
scan_unicode_escape (Checker *c,
                     GString *out)
{
  gunichar u;

  if (!read_hex4 (c, c->pos + 2, &u))
    return fail (c, LJ_JSON_ERROR_SYNTAX,
                 "invalid \\u escape at byte %" G_GSIZE_FORMAT, c->pos);
  /* Later code hands strings around as C strings; a NUL would silently
   * cut them short, which is how validation gets bypassed. */
  if (u == 0)
    return fail (c, LJ_JSON_ERROR_ENCODING,
                 "\\u0000 is not allowed at byte %" G_GSIZE_FORMAT, c->pos);
  if (u >= 0xdc00 && u <= 0xdfff)
    return fail (c, LJ_JSON_ERROR_ENCODING,
                 "lone surrogate \\u%04X at byte %" G_GSIZE_FORMAT,
                 u, c->pos);
  if (u >= 0xd800 && u <= 0xdbff && !scan_low_surrogate (c, &u))
    return FALSE;
  c->pos += 6;
  if (out != NULL)
    g_string_append_unichar (out, u);
  return TRUE;
}

/* c->pos is at a backslash inside a string. */
static gboolean
scan_escape (Checker *c,
             GString *out)
{
  char ch = c->pos + 1 < c->len ? c->data[c->pos + 1] : '\0';
  char decoded;

  switch (ch)
    {
    case '"': decoded = '"'; break;
    case '\\': decoded = '\\'; break;
    case '/': decoded = '/'; break;
    case 'b': decoded = '\b'; break;
    case 'f': decoded = '\f'; break;
    case 'n': decoded = '\n'; break;
    case 'r': decoded = '\r'; break;
    case 't': decoded = '\t'; break;
    case 'u':
      return scan_unicode_escape (c, out);
    default:
      return fail (c, LJ_JSON_ERROR_SYNTAX,
                   "invalid escape sequence at byte %" G_GSIZE_FORMAT, c->pos);
    }
  c->pos += 2;
  if (out != NULL)
    g_string_append_c (out, decoded);
  return TRUE;
}

/* c->pos is at the opening quote.  When @key is not NULL it receives the
 * unescaped contents: a reference into the input when there were no
 * escapes (the common case, no copy), otherwise into c->scratch. */
static gboolean
scan_string (Checker *c,
             Key     *key)
{
  gsize start = ++c->pos;
  GString *out = NULL;

  for (;;)
    {
      guchar ch;

      if (c->pos >= c->len)
        return fail (c, LJ_JSON_ERROR_SYNTAX,
                     "unterminated string starting at byte %" G_GSIZE_FORMAT,
                     start - 1);
      ch = (guchar) c->data[c->pos];
      if (ch == '"')
        break;
      if (ch < 0x20)
        return fail (c, LJ_JSON_ERROR_SYNTAX,
                     "raw control character 0x%02X in string at byte %"
                     G_GSIZE_FORMAT, ch, c->pos);
      if (ch == '\\')
        {
          if (key != NULL && out == NULL)
            {
              out = c->scratch;
              g_string_truncate (out, 0);
              g_string_append_len (out, c->data + start, c->pos - start);
            }
          if (!scan_escape (c, out))
            return FALSE;
          continue;
        }
      if (out != NULL)
        g_string_append_c (out, (char) ch);
      c->pos++;
    }
  if (key != NULL)
    {
      key->str = out != NULL ? out->str : c->data + start;
      key->len = out != NULL ? out->len : c->pos - start;
      key->owned = FALSE;
    }
  c->pos++;
  return TRUE;
}

/* Integers must fit gint64 because json-glib 1.6 parses them with
 * g_ascii_strtoll and silently stores the clamped or wrapped result. */
static gboolean
check_integer (Checker *c,
               gsize    start)
{
  const char *p = c->data + start;
  gboolean negative = (*p == '-');
  guint64 limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  guint64 magnitude = 0;
  gsize n;

  if (negative)
    p++;
  n = (gsize) (c->data + c->pos - p);
  /* There are no leading zeros, so more than 19 digits is >= 10^19, which
   * is out of range; 19 digits or fewer cannot overflow a guint64. */
  if (n > 19)
    goto out_of_range;
  for (gsize i = 0; i < n; i++)
    magnitude = magnitude * 10 + (guint64) (p[i] - '0');
  if (magnitude > limit)
    goto out_of_range;
  return TRUE;

out_of_range:
  return fail (c, LJ_JSON_ERROR_NUMBER_RANGE,
               "integer out of range at byte %" G_GSIZE_FORMAT, start);
}

static gboolean
check_double (Checker  *c,
              gsize     start,
              gboolean  has_exponent)
{
  double value;

  if (!has_exponent && c->pos - start < SURELY_FINITE_LEN)
    return TRUE;
  /* strtod needs a NUL-terminated copy; the grammar was already checked
   * here, so strtod cannot wander into hex or "inf". */
  g_string_truncate (c->scratch, 0);
  g_string_append_len (c->scratch, c->data + start, c->pos - start);
  value = g_ascii_strtod (c->scratch->str, NULL);
  if (!isfinite (value))
    return fail (c, LJ_JSON_ERROR_NUMBER_RANGE,
                 "number out of range at byte %" G_GSIZE_FORMAT, start);
  return TRUE;
}

static gboolean
fail_number (Checker *c,
             gsize    start)
{
  return fail (c, LJ_JSON_ERROR_SYNTAX,
               "invalid number at byte %" G_GSIZE_FORMAT, start);
}

/* RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static gboolean
scan_number (Checker *c)
{
  gsize start = c->pos;
  gboolean is_integer = TRUE;
  gboolean has_exponent = FALSE;

  if (peek (c) == '-')
    c->pos++;
  if (peek (c) == '0')
    {
      c->pos++;
      if (g_ascii_isdigit (peek (c)))
        return fail (c, LJ_JSON_ERROR_SYNTAX,
                     "number with leading zero at byte %" G_GSIZE_FORMAT,
                     start);
    }
  else if (skip_digits (c) == 0)
    return fail_number (c, start);

  if (peek (c) == '.')
    {
      c->pos++;
      is_integer = FALSE;
      if (skip_digits (c) == 0)
        return fail_number (c, start);
    }
  if (peek (c) == 'e' || peek (c) == 'E')
    {
      c->pos++;
      is_integer = FALSE;
      has_exponent = TRUE;
      if (peek (c) == '+' || peek (c) == '-')
        c->pos++;
      if (skip_digits (c) == 0)
        return fail_number (c, start);
    }
  return is_integer ? check_integer (c, start)
                    : check_double (c, start, has_exponent);
}

static gboolean
scan_literal (Checker    *c,
              const char *word)
{
  gsize n = strlen (word);

  if (c->len - c->pos < n || memcmp (c->data + c->pos, word, n) != 0)
    return fail (c, LJ_JSON_ERROR_SYNTAX,
                 "invalid literal at byte %" G_GSIZE_FORMAT, c->pos);
  c->pos += n;
  return TRUE;
}

/* ---- containers ------------------------------------------------------ */

static gboolean
open_container (Checker *c,
                guint8   kind)
{
  if (c->kinds->len >= c->max_depth)
    return fail (c, LJ_JSON_ERROR_TOO_DEEP,
                 "nesting deeper than %u levels at byte %" G_GSIZE_FORMAT,
                 c->max_depth, c->pos);
  g_byte_array_append (c->kinds, &kind, 1);
  if (kind == '{')
    {
      ObjectFrame frame = { c->keys->len, NULL };

      g_array_append_val (c->objects, frame);
    }
  c->pos++;
  return TRUE;
}

static guint8
top_kind (const Checker *c)
{
  return c->kinds->data[c->kinds->len - 1];
}

static void
close_container (Checker *c)
{
  if (top_kind (c) == '{')
    {
      ObjectFrame *frame = &g_array_index (c->objects, ObjectFrame,
                                           c->objects->len - 1);

      /* The clear funcs free this object's owned keys and its set. */
      g_array_set_size (c->keys, frame->keys_start);
      g_array_set_size (c->objects, c->objects->len - 1);
    }
  g_byte_array_set_size (c->kinds, c->kinds->len - 1);
  c->pos++;
}

static gboolean
fail_duplicate (Checker   *c,
                const Key *key,
                gsize      key_pos)
{
  g_autofree char *shown = excerpt (key->str, key->len);

  return fail (c, LJ_JSON_ERROR_DUPLICATE_KEY,
               "duplicate key \"%s\" at byte %" G_GSIZE_FORMAT, shown, key_pos);
}

static gboolean
key_equal (const Key *a,
           const Key *b)
{
  return a->len == b->len && memcmp (a->str, b->str, a->len) == 0;
}

/* Keys are valid UTF-8 without NUL (both refused earlier), so C strings
 * represent them exactly and g_str_hash can be used. */
static GHashTable *
make_key_set (const Checker *c,
              guint          from)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal,
                                           g_free, NULL);

  for (guint i = from; i < c->keys->len; i++)
    {
      const Key *k = &g_array_index (c->keys, Key, i);

      g_hash_table_add (set, g_strndup (k->str, k->len));
    }
  return set;
}

static gboolean
remember_key (Checker *c,
              Key     *key,
              gsize    key_pos)
{
  ObjectFrame *frame = &g_array_index (c->objects, ObjectFrame,
                                       c->objects->len - 1);

  if (frame->set == NULL)
    {
      for (guint i = frame->keys_start; i < c->keys->len; i++)
        if (key_equal (&g_array_index (c->keys, Key, i), key))
          return fail_duplicate (c, key, key_pos);
      if (c->keys->len - frame->keys_start < LINEAR_KEYS_MAX)
        {
          /* c->scratch is reused for the next key, so keep a copy. */
          if (key->str == c->scratch->str)
            {
              key->str = g_memdup2 (key->str, key->len);
              key->owned = TRUE;
            }
          g_array_append_val (c->keys, *key);
          return TRUE;
        }
      frame->set = make_key_set (c, frame->keys_start);
    }
  if (!g_hash_table_add (frame->set, g_strndup (key->str, key->len)))
    return fail_duplicate (c, key, key_pos);
  return TRUE;
}

/* ---- the state machine ----------------------------------------------- */

static gboolean
scan_member_key (Checker *c)
{
  gsize key_pos = c->pos;
  Key key;

  if (peek (c) != '"')
    return fail_unexpected (c, "a string key");
  if (!scan_string (c, &key) || !remember_key (c, &key, key_pos))
    return FALSE;
  skip_ws (c);
  if (peek (c) != ':')
    return fail_unexpected (c, "':'");
  c->pos++;
  skip_ws (c);
  return TRUE;
}

/* Opens a container, and closes it right away if it is empty. */
static gboolean
scan_open (Checker *c,
           guint8   kind,
           State   *state)
{
  int closer = kind == '{' ? '}' : ']';

  if (!open_container (c, kind))
    return FALSE;
  skip_ws (c);
  if (peek (c) == closer)
    {
      close_container (c);
      *state = AFTER_VALUE;
    }
  else
    *state = kind == '{' ? WANT_KEY : WANT_VALUE;
  return TRUE;
}

static gboolean
scan_value (Checker *c,
            State   *state)
{
  *state = AFTER_VALUE;
  switch (peek (c))
    {
    case '{':
    case '[':
      return scan_open (c, (guint8) peek (c), state);
    case '"':
      return scan_string (c, NULL);
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return scan_number (c);
    case 't':
      return scan_literal (c, "true");
    case 'f':
      return scan_literal (c, "false");
    case 'n':
      return scan_literal (c, "null");
    default:
      return fail_unexpected (c, "a value");
    }
}

static gboolean
scan_after_value (Checker *c,
                  State   *state)
{
  guint8 kind = top_kind (c);

  if (peek (c) == ',')
    {
      c->pos++;
      skip_ws (c);
      *state = kind == '{' ? WANT_KEY : WANT_VALUE;
      return TRUE;
    }
  if (peek (c) == (kind == '{' ? '}' : ']'))
    {
      close_container (c);
      return TRUE;
    }
  return fail_unexpected (c, kind == '{' ? "',' or '}'" : "',' or ']'");
}

static gboolean
scan_document (Checker *c)
{
  State state = WANT_VALUE;

  skip_ws (c);
  for (;;)
    {
      gboolean ok = TRUE;

      switch (state)
        {
        case WANT_VALUE:
          ok = scan_value (c, &state);
          break;
        case WANT_KEY:
          ok = scan_member_key (c);
          state = WANT_VALUE;
          break;
        case AFTER_VALUE:
          skip_ws (c);
          if (c->kinds->len == 0)
            return c->pos == c->len || fail_unexpected (c, "end of input");
          ok = scan_after_value (c, &state);
          break;
        }
      if (!ok)
        return FALSE;
    }
}

/* One cheap pass up front means the scanner never meets a malformed
 * sequence and every later message can decode characters safely. */
static gboolean
check_encoding (const char  *data,
                gsize        len,
                GError     **error)
{
  const char *end;

  if (g_utf8_validate_len (data, len, &end))
    return TRUE;
  g_set_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_ENCODING,
               "%s at byte %" G_GSIZE_FORMAT,
               *end == '\0' ? "NUL byte" : "invalid UTF-8",
               (gsize) (end - data));
  return FALSE;
}

gboolean
lj_json_check (const char        *data,
               gsize              len,
               guint              max_depth,
               LjJsonCheckFlags   flags,
               GError           **error)
{
  g_auto (Checker) c = { 0 };
  gsize root_pos;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len == 0)
    {
      g_set_error_literal (error, LJ_JSON_ERROR, LJ_JSON_ERROR_SYNTAX,
                           "empty input");
      return FALSE;
    }
  if (!check_encoding (data, len, error))
    return FALSE;

  checker_init (&c, data, len, max_depth, error);
  skip_ws (&c);
  root_pos = c.pos;
  if (!scan_document (&c))
    return FALSE;

  if ((flags & LJ_JSON_CHECK_OBJECT_ROOT) && data[root_pos] != '{')
    {
      g_set_error_literal (error, LJ_JSON_ERROR, LJ_JSON_ERROR_NOT_OBJECT,
                           "root is not a JSON object");
      return FALSE;
    }
  return TRUE;
}
