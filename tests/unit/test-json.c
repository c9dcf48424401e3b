/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the strict JSON checker and the JSON writer: every kind of
 * input json-glib would wrongly accept is refused with the right error code,
 * valid input is accepted, and everything the writer produces is accepted
 * both by our checker and by json-glib, byte for byte as expected. */

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lj-json-check.h"
#include "lj-json-writer.h"

#define DEPTH 64

/* ---- checker helpers ------------------------------------------------- */

/* Logs the input readably: it may hold NUL or invalid UTF-8 on purpose. */
static void
log_input (const char *what,
           const char *data,
           gsize       len)
{
  g_autofree char *head = g_strndup (data, MIN (len, 200));
  g_autofree char *shown = g_strescape (head, NULL);

  g_test_message ("%s: %s", what, shown);
}

static void
check_valid_len (const char       *data,
                 gsize             len,
                 LjJsonCheckFlags  flags)
{
  g_autoptr (GError) error = NULL;

  log_input ("expecting valid", data, len);
  g_assert_true (lj_json_check (data, len, DEPTH, flags, &error));
  g_assert_no_error (error);
}

static void
check_refused_len (const char       *data,
                   gsize             len,
                   LjJsonCheckFlags  flags,
                   int               code)
{
  g_autoptr (GError) error = NULL;

  log_input ("expecting refusal", data, len);
  g_assert_false (lj_json_check (data, len, DEPTH, flags, &error));
  g_assert_error (error, LJ_JSON_ERROR, code);
  g_test_message ("  -> %s", error->message);
}

/* String literals may hold NUL bytes, so take their size, not strlen. */
#define assert_valid(lit) check_valid_len (lit, sizeof (lit) - 1, LJ_JSON_CHECK_NONE)
#define assert_refused(lit, code) \
  check_refused_len (lit, sizeof (lit) - 1, LJ_JSON_CHECK_NONE, LJ_JSON_ERROR_##code)

static void
assert_message (const char *data,
                const char *expected)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (lj_json_check (data, strlen (data), DEPTH,
                                 LJ_JSON_CHECK_NONE, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Both parsers must agree that a document we accept is JSON. */
static void
assert_json_glib_parses (const char *data,
                         gsize       len)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, data, len, &error));
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
}

/* ---- checker: accepted ----------------------------------------------- */

static void
test_check_valid_nested (void)
{
  static const char doc[] =
    " {\"a\":[1,2,{\"b\":null,\"c\":[true,false]}],\"d\":{\"e\":{\"f\":\"g\"}},"
    "\"h\":[],\"i\":{},\"j\":[[[]]],\"k\" : [ 1 , { } ]}\r\n\t";

  assert_valid (doc);
  assert_json_glib_parses (doc, sizeof doc - 1);
}

static void
test_check_valid_scalar_roots (void)
{
  assert_valid ("1");
  assert_valid ("\"s\"");
  assert_valid ("true");
  assert_valid ("false");
  assert_valid (" null ");
  assert_valid ("\"\"");
  assert_valid ("[]");
}

static void
test_check_valid_escapes (void)
{
  assert_valid ("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
  assert_valid ("\"\\u00e9\\u00E9\\u4e2d\\uFFFF\\u0001\"");
  /* U+1F600 as a surrogate pair, both cases of hex digits. */
  assert_valid ("\"\\ud83d\\ude00\"");
  assert_valid ("\"\\uD83D\\uDE00 and \\uDBFF\\uDFFF\"");
}

static void
test_check_valid_chinese (void)
{
  static const char doc[] =
    "{\"名称\":\"链建平台\",\"描述\":\"支持中文、日本語、한국어 and 😀\"}";

  assert_valid (doc);
  assert_json_glib_parses (doc, sizeof doc - 1);
}

static void
test_check_valid_numbers (void)
{
  assert_valid ("[0,-0,1,-1,1.5,-1.5,0.25,1e10,1E10,1e+10,1e-10,-1.5E-3,"
                "123456789,0.0,1e308,-1e308,1e-400]");
  /* A long literal without exponent is still a finite double. */
  assert_valid ("1234567890123456789012345678901234567890.5");
}

static void
test_check_valid_int64_limits (void)
{
  assert_valid ("9223372036854775807");
  assert_valid ("-9223372036854775808");
  assert_valid ("[9223372036854775807,-9223372036854775808]");
}

static void
test_check_valid_many_keys (void)
{
  g_autoptr (GString) doc = g_string_new ("{");

  /* Well past the linear scan, so the hash table path is used. */
  for (int i = 0; i < 200; i++)
    g_string_append_printf (doc, "%s\"key%d\":{\"key%d\":%d}",
                            i ? "," : "", i, i, i);
  g_string_append_c (doc, '}');
  check_valid_len (doc->str, doc->len, LJ_JSON_CHECK_OBJECT_ROOT);
}

static void
test_check_same_key_other_objects_accepted (void)
{
  assert_valid ("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}");
  /* After an inner object closes, its keys no longer count. */
  assert_valid ("{\"x\":{\"b\":1},\"b\":2}");
  assert_valid ("{\"x\":{\"b\\u0031\":1},\"b1\":2}");
}

/* ---- checker: refused ------------------------------------------------ */

static void
test_check_empty_refused (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (lj_json_check ("", 0, DEPTH, LJ_JSON_CHECK_NONE, &error));
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_false (lj_json_check (NULL, 0, DEPTH, LJ_JSON_CHECK_NONE, &error));
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_SYNTAX);
}

static void
test_check_whitespace_only_refused (void)
{
  assert_refused (" ", SYNTAX);
  assert_refused (" \t\r\n ", SYNTAX);
  /* Not JSON whitespace: form feed, vertical tab, NBSP. */
  assert_refused ("\f1", SYNTAX);
  assert_refused ("1\v", SYNTAX);
  assert_refused ("\xc2\xa0" "1", SYNTAX);
}

static void
test_check_trailing_garbage_refused (void)
{
  assert_refused ("{} {}", SYNTAX);
  assert_refused ("{}{}", SYNTAX);
  assert_refused ("[1] x", SYNTAX);
  assert_refused ("1 2", SYNTAX);
  assert_refused ("{}]", SYNTAX);
  assert_refused ("\"a\"\"b\"", SYNTAX);
}

static void
test_check_single_quotes_refused (void)
{
  assert_refused ("{'a':1}", SYNTAX);
  assert_refused ("['a']", SYNTAX);
}

static void
test_check_comments_refused (void)
{
  assert_refused ("/* c */ {}", SYNTAX);
  assert_refused ("{} /* c */", SYNTAX);
  assert_refused ("[1, // c\n 2]", SYNTAX);
  assert_refused ("# c\n{}", SYNTAX);
}

static void
test_check_hex_refused (void)
{
  assert_refused ("0x10", SYNTAX);
  assert_refused ("[0xFF]", SYNTAX);
}

static void
test_check_leading_zero_refused (void)
{
  assert_refused ("01", SYNTAX);
  assert_refused ("-01", SYNTAX);
  assert_refused ("[00]", SYNTAX);
  assert_refused ("007.5", SYNTAX);
}

static void
test_check_plus_sign_refused (void)
{
  assert_refused ("+1", SYNTAX);
  assert_refused ("[+1]", SYNTAX);
}

static void
test_check_nan_infinity_refused (void)
{
  assert_refused ("NaN", SYNTAX);
  assert_refused ("[nan]", SYNTAX);
  assert_refused ("Infinity", SYNTAX);
  assert_refused ("-Infinity", SYNTAX);
  assert_refused ("[inf]", SYNTAX);
}

static void
test_check_bad_numbers_refused (void)
{
  assert_refused ("1.", SYNTAX);
  assert_refused (".5", SYNTAX);
  assert_refused ("-", SYNTAX);
  assert_refused ("-a", SYNTAX);
  assert_refused ("1e", SYNTAX);
  assert_refused ("1e+", SYNTAX);
  assert_refused ("1.e5", SYNTAX);
  assert_refused ("1.5.5", SYNTAX);
  assert_refused ("--1", SYNTAX);
}

static void
test_check_bad_literals_refused (void)
{
  assert_refused ("tru", SYNTAX);
  assert_refused ("nul", SYNTAX);
  assert_refused ("True", SYNTAX);
  assert_refused ("truex", SYNTAX);
  assert_refused ("[falsey]", SYNTAX);
}

static void
test_check_lone_surrogate_refused (void)
{
  assert_refused ("\"\\ud800\"", ENCODING);
  assert_refused ("\"\\udc00\"", ENCODING);
  assert_refused ("\"\\ude00\\ud83d\"", ENCODING);
  assert_refused ("\"\\ud83d\\u0041\"", ENCODING);
  assert_refused ("\"\\ud83d\\ud83d\"", ENCODING);
  assert_refused ("\"\\ud83dx\"", ENCODING);
  assert_refused ("{\"\\ud800\":1}", ENCODING);
  /* A malformed escape after a high surrogate is a syntax error. */
  assert_refused ("\"\\ud83d\\uzzzz\"", SYNTAX);
}

static void
test_check_nul_escape_refused (void)
{
  assert_refused ("\"\\u0000\"", ENCODING);
  assert_refused ("{\"a\\u0000b\":1}", ENCODING);
}

static void
test_check_raw_control_char_refused (void)
{
  assert_refused ("\"a\tb\"", SYNTAX);
  assert_refused ("\"a\nb\"", SYNTAX);
  assert_refused ("\"\x01\"", SYNTAX);
  assert_refused ("\"\x1f\"", SYNTAX);
  assert_refused ("{\"a\x02\":1}", SYNTAX);
  /* DEL is not a control character for JSON. */
  assert_valid ("\"\x7f\"");
}

static void
test_check_raw_nul_refused (void)
{
  assert_refused ("\"a\0b\"", ENCODING);
  assert_refused ("{}\0", ENCODING);
  assert_refused ("\0", ENCODING);
  assert_refused ("[1,\0 2]", ENCODING);
}

static void
test_check_invalid_utf8_refused (void)
{
  assert_refused ("\"\xc0\xaf\"", ENCODING);         /* overlong '/' */
  assert_refused ("\"\xe0\x80\xaf\"", ENCODING);     /* overlong, 3 bytes */
  assert_refused ("\"\xe4\xb8\"", ENCODING);         /* truncated 中 */
  assert_refused ("\"\xe4\xb8", ENCODING);           /* truncated at end */
  assert_refused ("\"\xff\"", ENCODING);
  assert_refused ("\"\x80\"", ENCODING);             /* stray continuation */
  assert_refused ("\"\xed\xa0\x80\"", ENCODING);     /* encoded surrogate */
  assert_refused ("\"\xf4\x90\x80\x80\"", ENCODING); /* above U+10FFFF */
  assert_refused ("{\"\xff\":1}", ENCODING);
  assert_refused ("[1]\xff", ENCODING);
}

static void
test_check_bom_refused (void)
{
  assert_refused ("\xef\xbb\xbf{}", SYNTAX);
}

static void
test_check_invalid_escape_refused (void)
{
  assert_refused ("\"\\x41\"", SYNTAX);
  assert_refused ("\"\\'\"", SYNTAX);
  assert_refused ("\"\\U0041\"", SYNTAX);
  assert_refused ("\"\\u12\"", SYNTAX);
  assert_refused ("\"\\u12", SYNTAX);
  assert_refused ("\"\\", SYNTAX);
  assert_refused ("\"\\0\"", SYNTAX);
}

static void
test_check_duplicate_key_refused (void)
{
  assert_refused ("{\"a\":1,\"a\":2}", DUPLICATE_KEY);
  assert_refused ("{\"a\":1,\"b\":2,\"a\":1}", DUPLICATE_KEY);
  assert_refused ("[{\"x\":{\"y\":1,\"y\":1}}]", DUPLICATE_KEY);
  assert_refused ("{\"名称\":1,\"名称\":2}", DUPLICATE_KEY);
  assert_refused ("{\"\":1,\"\":2}", DUPLICATE_KEY);
  /* Keys are compared after the inner object closed again. */
  assert_refused ("{\"a\":{\"b\":1},\"a\":2}", DUPLICATE_KEY);
}

static void
test_check_duplicate_key_escaped_refused (void)
{
  assert_refused ("{\"a\":1,\"\\u0061\":2}", DUPLICATE_KEY);
  assert_refused ("{\"\\u0061\":1,\"a\":2}", DUPLICATE_KEY);
  assert_refused ("{\"/\":1,\"\\/\":2}", DUPLICATE_KEY);
  assert_refused ("{\"中\":1,\"\\u4e2d\":2}", DUPLICATE_KEY);
  assert_refused ("{\"😀\":1,\"\\ud83d\\ude00\":2}", DUPLICATE_KEY);
  assert_refused ("{\"a\\nb\":1,\"a\\u000ab\":2}", DUPLICATE_KEY);
}

static void
test_check_duplicate_key_large_object_refused (void)
{
  for (int dup = 0; dup < 40; dup += 13)
    {
      g_autoptr (GString) doc = g_string_new ("{");

      for (int i = 0; i < 40; i++)
        g_string_append_printf (doc, "\"k%d\":%d,", i, i);
      /* Escaped spelling of an earlier key, found via the hash table. */
      g_string_append_printf (doc, "\"\\u006b%d\":0}", dup);
      check_refused_len (doc->str, doc->len, LJ_JSON_CHECK_NONE,
                         LJ_JSON_ERROR_DUPLICATE_KEY);
    }
}

static void
test_check_integer_overflow_refused (void)
{
  assert_refused ("9223372036854775808", NUMBER_RANGE);
  assert_refused ("-9223372036854775809", NUMBER_RANGE);
  assert_refused ("18446744073709551616", NUMBER_RANGE);
  assert_refused ("[123456789012345678901234567890]", NUMBER_RANGE);
  assert_refused ("{\"id\":99999999999999999999}", NUMBER_RANGE);
}

static void
test_check_float_overflow_refused (void)
{
  g_autoptr (GString) doc = g_string_new ("1");

  assert_refused ("1e400", NUMBER_RANGE);
  assert_refused ("-1e400", NUMBER_RANGE);
  assert_refused ("[1.5E+309]", NUMBER_RANGE);
  assert_refused ("1e99999999999999999999", NUMBER_RANGE);
  /* 400 digits and a fraction: no exponent, still not finite. */
  for (int i = 0; i < 400; i++)
    g_string_append_c (doc, '0');
  g_string_append (doc, ".0");
  check_refused_len (doc->str, doc->len, LJ_JSON_CHECK_NONE,
                     LJ_JSON_ERROR_NUMBER_RANGE);
}

static void
test_check_depth_limit (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) ok = g_string_new (NULL);
  g_autoptr (GString) deep = NULL;

  /* Exactly 32 levels, mixing objects and arrays. */
  for (int i = 0; i < 16; i++)
    g_string_append (ok, "{\"a\":[");
  g_string_append (ok, "1");
  for (int i = 0; i < 16; i++)
    g_string_append (ok, "]}");
  g_assert_true (lj_json_check (ok->str, ok->len, 32, 0, &error));
  g_assert_no_error (error);

  deep = g_string_new ("[");
  g_string_append_len (deep, ok->str, ok->len);
  g_string_append_c (deep, ']');
  g_assert_false (lj_json_check (deep->str, deep->len, 32, 0, &error));
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==, "nesting deeper than 32 levels at byte 96");
  g_clear_error (&error);

  /* max_depth 0 allows scalars only. */
  g_assert_true (lj_json_check ("1", 1, 0, 0, &error));
  g_assert_false (lj_json_check ("[]", 2, 0, 0, &error));
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_TOO_DEEP);
}

static void
test_check_deep_nesting_refused_quickly (void)
{
  gsize len = 1000000;
  g_autofree char *brackets = g_malloc (len);
  g_autoptr (GError) error = NULL;
  gint64 start;

  memset (brackets, '[', len);
  start = g_get_monotonic_time ();
  g_assert_false (lj_json_check (brackets, len, DEPTH, 0, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* Even with no depth limit at all, 10 MB of '[' must not touch the C
   * stack: it is simply unterminated. */
  len = 10 * 1024 * 1024;
  g_free (brackets);
  brackets = g_malloc (len);
  memset (brackets, '[', len);
  g_assert_false (lj_json_check (brackets, len, G_MAXUINT, 0, &error));
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_SYNTAX);
  g_clear_error (&error);

  /* And the same nesting, closed, is accepted. */
  brackets = g_realloc (brackets, 2 * len);
  memset (brackets + len, ']', len);
  g_assert_true (lj_json_check (brackets, 2 * len, G_MAXUINT, 0, &error));
  g_assert_no_error (error);
}

static void
test_check_non_object_root_refused (void)
{
  static const char *const roots[] = { "[]", "1", "\"s\"", "null", "true", " [{}] " };

  for (gsize i = 0; i < G_N_ELEMENTS (roots); i++)
    check_refused_len (roots[i], strlen (roots[i]), LJ_JSON_CHECK_OBJECT_ROOT,
                       LJ_JSON_ERROR_NOT_OBJECT);
  check_valid_len (" {} ", 4, LJ_JSON_CHECK_OBJECT_ROOT);
  /* Invalid JSON is a syntax error even when it is not an object. */
  check_refused_len ("[1,]", 4, LJ_JSON_CHECK_OBJECT_ROOT, LJ_JSON_ERROR_SYNTAX);
  check_refused_len ("{} x", 4, LJ_JSON_CHECK_OBJECT_ROOT, LJ_JSON_ERROR_SYNTAX);
}

static void
test_check_unterminated_refused (void)
{
  assert_refused ("\"abc", SYNTAX);
  assert_refused ("{\"a\":\"b", SYNTAX);
  assert_refused ("{", SYNTAX);
  assert_refused ("{\"a\"", SYNTAX);
  assert_refused ("{\"a\":", SYNTAX);
  assert_refused ("{\"a\":1", SYNTAX);
  assert_refused ("{\"a\":1,", SYNTAX);
  assert_refused ("[", SYNTAX);
  assert_refused ("[1", SYNTAX);
  assert_refused ("[1,", SYNTAX);
  assert_refused ("[[]", SYNTAX);
}

static void
test_check_structure_errors_refused (void)
{
  assert_refused ("[1,]", SYNTAX);
  assert_refused ("{\"a\":1,}", SYNTAX);
  assert_refused ("[,1]", SYNTAX);
  assert_refused ("{,}", SYNTAX);
  assert_refused ("[1 2]", SYNTAX);
  assert_refused ("{\"a\" 1}", SYNTAX);
  assert_refused ("{\"a\":1 \"b\":2}", SYNTAX);
  assert_refused ("{a:1}", SYNTAX);
  assert_refused ("{1:1}", SYNTAX);
  assert_refused ("[}", SYNTAX);
  assert_refused ("{]", SYNTAX);
  assert_refused ("]", SYNTAX);
}

static void
test_check_error_messages (void)
{
  assert_message ("{\"name\": \"value\" x}",
                  "unexpected character 'x' at byte 17, expected ',' or '}'");
  assert_message ("  ", "unexpected end of input at byte 2, expected a value");
  assert_message ("{} {}", "unexpected character '{' at byte 3, expected end of input");
  assert_message ("[\x01]", "unexpected byte 0x01 at byte 1, expected a value");
  assert_message ("[中]", "unexpected character U+4E2D at byte 1, expected a value");
  assert_message ("{\"name\":1,\"name\":2}", "duplicate key \"name\" at byte 10");
  assert_message ("[1,9223372036854775808]", "integer out of range at byte 3");
  assert_message ("\"ab", "unterminated string starting at byte 0");
  assert_message ("\"\xff\"", "invalid UTF-8 at byte 1");
}

/* A client can make a key as long as it likes; the message must not
 * reflect more than 40 bytes of it. */
static void
test_check_error_echo_bounded (void)
{
  g_autoptr (GString) doc = g_string_new ("{");
  g_autoptr (GString) key = g_string_new (NULL);
  g_autofree char *run = g_strnfill (41, 'a');
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 1000; i++)
    g_string_append_c (key, 'a');
  g_string_append_printf (doc, "\"%s\":1,\"%s\":2}", key->str, key->str);
  g_assert_false (lj_json_check (doc->str, doc->len, DEPTH, 0, &error));
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_DUPLICATE_KEY);
  g_assert_null (strstr (error->message, run));
  g_assert_cmpuint (strlen (error->message), <, 100);
  g_clear_error (&error);

  /* Truncation must not split a character. */
  g_string_assign (doc, "{\"");
  for (int i = 0; i < 30; i++)
    g_string_append (doc, "中");
  g_string_append (doc, "\":1,\"");
  for (int i = 0; i < 30; i++)
    g_string_append (doc, "中");
  g_string_append (doc, "\":2}");
  g_assert_false (lj_json_check (doc->str, doc->len, DEPTH, 0, &error));
  g_assert_error (error, LJ_JSON_ERROR, LJ_JSON_ERROR_DUPLICATE_KEY);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* ---- writer helpers -------------------------------------------------- */

/* Whatever the writer produced must be JSON to us and to json-glib. */
static void
assert_output_valid (const char *data,
                     gsize       len)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (lj_json_check (data, len, 1000, 0, &error));
  g_assert_no_error (error);
  assert_json_glib_parses (data, len);
}

static void
assert_writer_output (LjJsonWriter *w,
                      const char   *expected)
{
  gsize len;
  const char *data = lj_json_writer_get_data (w, &len);

  g_assert_cmpstr (data, ==, expected);
  g_assert_cmpuint (len, ==, strlen (expected));
  assert_output_valid (data, len);
}

/* Writes @s as a root string and parses it back with json-glib. */
static char *
round_trip_string (const char *s,
                   gssize      len,
                   char      **json_out)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize json_len;
  const char *json;

  lj_json_writer_string_len (w, s, len);
  json = lj_json_writer_get_data (w, &json_len);
  assert_output_valid (json, json_len);
  g_assert_true (json_parser_load_from_data (parser, json, json_len, &error));
  g_assert_no_error (error);
  if (json_out != NULL)
    *json_out = g_strdup (json);
  return g_strdup (json_node_get_string (json_parser_get_root (parser)));
}

/* ---- writer ---------------------------------------------------------- */

static void
test_writer_escapes_control_chars (void)
{
  for (guint ch = 1; ch < 0x20; ch++)
    {
      char in[] = { 'a', (char) ch, 'b', '\0' };
      g_autofree char *json = NULL;
      g_autofree char *back = round_trip_string (in, -1, &json);
      g_autofree char *expected = NULL;

      switch (ch)
        {
        case '\b': expected = g_strdup ("\"a\\bb\""); break;
        case '\f': expected = g_strdup ("\"a\\fb\""); break;
        case '\n': expected = g_strdup ("\"a\\nb\""); break;
        case '\r': expected = g_strdup ("\"a\\rb\""); break;
        case '\t': expected = g_strdup ("\"a\\tb\""); break;
        default: expected = g_strdup_printf ("\"a\\u%04xb\"", ch); break;
        }
      g_assert_cmpstr (json, ==, expected);
      g_assert_cmpstr (back, ==, in);
    }
}

static void
test_writer_escapes_quote_backslash (void)
{
  const char *in = "say \"hi\" \\ back/slash \x7f";
  g_autofree char *json = NULL;
  g_autofree char *back = round_trip_string (in, -1, &json);

  g_assert_cmpstr (json, ==, "\"say \\\"hi\\\" \\\\ back/slash \x7f\"");
  g_assert_cmpstr (back, ==, in);
}

static void
test_writer_chinese_byte_identical (void)
{
  const char *in = "链建：统一的中文测试，含标点「」、emoji 😀 和 한국어";
  g_autofree char *json = NULL;
  g_autofree char *back = round_trip_string (in, -1, &json);
  g_autofree char *expected = g_strdup_printf ("\"%s\"", in);

  g_assert_cmpstr (json, ==, expected);
  g_assert_cmpstr (back, ==, in);
}

static void
test_writer_invalid_utf8_replaced (void)
{
  static const struct {
    const char *in;
    gssize      len;
    const char *out;
  } cases[] = {
    { "a\xff" "b", -1, "\"a\xef\xbf\xbd" "b\"" },
    { "\xc0\xaf", -1, "\"\xef\xbf\xbd\"" },                  /* overlong */
    { "中\xe4\xb8", -1, "\"中\xef\xbf\xbd\"" },              /* truncated */
    { "\xe4\xb8" "x", -1, "\"\xef\xbf\xbdx\"" },
    { "\xed\xa0\x80" "x", -1, "\"\xef\xbf\xbdx\"" },         /* surrogate */
    { "\xf4\x90\x80\x80", -1, "\"\xef\xbf\xbd\"" },          /* > U+10FFFF */
    { "a\0b", 3, "\"a\xef\xbf\xbd" "b\"" },                  /* NUL */
    { "\n\xff\n", -1, "\"\\n\xef\xbf\xbd\\n\"" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = NULL;
      g_autofree char *back = round_trip_string (cases[i].in, cases[i].len,
                                                 &json);

      g_assert_cmpstr (json, ==, cases[i].out);
      g_assert_true (g_utf8_validate (back, -1, NULL));
    }
}

static void
test_writer_invalid_utf8_key_replaced (void)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "k\xff\"", 1);
  lj_json_writer_end_object (w);
  assert_writer_output (w, "{\"k\xef\xbf\xbd\\\"\":1}");
}

static void
test_writer_commas_nested (void)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "name", "x");
  lj_json_writer_key (w, "list");
  lj_json_writer_begin_array (w);
  lj_json_writer_int (w, 1);
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "a", 1);
  lj_json_writer_member_null (w, "b");
  lj_json_writer_end_object (w);
  lj_json_writer_begin_array (w);
  lj_json_writer_end_array (w);
  lj_json_writer_begin_array (w);
  lj_json_writer_null (w);
  lj_json_writer_bool (w, FALSE);
  lj_json_writer_end_array (w);
  lj_json_writer_string (w, "s");
  lj_json_writer_string (w, NULL);
  lj_json_writer_end_array (w);
  lj_json_writer_member_bool (w, "ok", TRUE);
  lj_json_writer_member_string (w, "none", NULL);
  lj_json_writer_key (w, "empty");
  lj_json_writer_begin_object (w);
  lj_json_writer_end_object (w);
  lj_json_writer_end_object (w);
  assert_writer_output (w,
                        "{\"name\":\"x\",\"list\":[1,{\"a\":1,\"b\":null},[],"
                        "[null,false],\"s\",null],\"ok\":true,\"none\":null,"
                        "\"empty\":{}}");
}

/* Beyond the inline levels the comma state lives on the heap. */
static void
test_writer_deep_nesting (void)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (GString) expected = g_string_new (NULL);
  const int depth = 200;

  for (int i = 0; i < depth; i++)
    {
      lj_json_writer_begin_array (w);
      g_string_append (expected, i > 1 ? ",[" : "[");
      if (i > 0)
        {
          lj_json_writer_int (w, i);
          g_string_append_printf (expected, "%d", i);
        }
    }
  for (int i = depth - 1; i >= 0; i--)
    {
      lj_json_writer_end_array (w);
      g_string_append_c (expected, ']');
      if (i > 0)
        {
          lj_json_writer_int (w, -i);
          g_string_append_printf (expected, ",%d", -i);
        }
    }
  assert_writer_output (w, expected->str);
}

static void
test_writer_ints (void)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

  lj_json_writer_begin_array (w);
  lj_json_writer_int (w, 0);
  lj_json_writer_int (w, -1);
  lj_json_writer_int (w, 42);
  lj_json_writer_int (w, G_MAXINT64);
  lj_json_writer_int (w, G_MININT64);
  lj_json_writer_end_array (w);
  assert_writer_output (w, "[0,-1,42,9223372036854775807,-9223372036854775808]");
}

static void
test_writer_doubles_round_trip (void)
{
  static const double values[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, G_PI, G_E,
    1e300, -1e300, 1e-300, 5e-324, DBL_MAX, -DBL_MAX, DBL_MIN, DBL_EPSILON,
    123456789.125, 1e15, 1e16, 1e17, 1e21, 9007199254740993.0, 0.1 + 0.2,
    100.0, 1.5e-7,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
      gsize len;
      const char *json;
      double back;

      lj_json_writer_double (w, values[i]);
      json = lj_json_writer_get_data (w, &len);
      assert_output_valid (json, len);
      back = g_ascii_strtod (json, NULL);
      g_test_message ("%.17g -> %s", values[i], json);
      /* Bitwise, so -0.0 must stay negative. */
      g_assert_cmpmem (&back, sizeof back, &values[i], sizeof values[i]);
      /* A '.' or exponent keeps json-glib reading it as a double. */
      g_assert_nonnull (strpbrk (json, ".e"));
    }
}

static void
test_writer_doubles_short_and_locale_free (void)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

  lj_json_writer_begin_array (w);
  lj_json_writer_double (w, 0.1);
  lj_json_writer_double (w, 1.0);
  lj_json_writer_double (w, -2.5);
  lj_json_writer_double (w, 1e300);
  lj_json_writer_double (w, NAN);
  lj_json_writer_double (w, INFINITY);
  lj_json_writer_double (w, -INFINITY);
  lj_json_writer_end_array (w);
  assert_writer_output (w, "[0.1,1.0,-2.5,1e+300,null,null,null]");
}

static void
test_writer_raw_spliced (void)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "row");
  lj_json_writer_raw (w, "{\"id\":1,\"name\":\"中\"}");
  lj_json_writer_key (w, "missing");
  lj_json_writer_raw (w, NULL);
  lj_json_writer_key (w, "list");
  lj_json_writer_begin_array (w);
  lj_json_writer_raw (w, "[1,2]");
  lj_json_writer_raw (w, "3");
  lj_json_writer_end_array (w);
  lj_json_writer_end_object (w);
  assert_writer_output (w,
                        "{\"row\":{\"id\":1,\"name\":\"中\"},\"missing\":null,"
                        "\"list\":[[1,2],3]}");
}

static void
test_writer_node (void)
{
  static const char doc[] =
    "{\"b\":1,\"a\":[1.5,\"x\\n\",null,true,{\"z\":-9223372036854775808}],"
    "\"c\":\"中\",\"d\":{},\"e\":[],\"f\":2.0}";
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, doc, -1, &error));
  g_assert_no_error (error);
  lj_json_writer_begin_array (w);
  lj_json_writer_node (w, json_parser_get_root (parser));
  lj_json_writer_node (w, NULL);
  lj_json_writer_end_array (w);
  /* Member order is kept; the written text equals the parsed text. */
  assert_writer_output (w, "[{\"b\":1,\"a\":[1.5,\"x\\n\",null,true,"
                           "{\"z\":-9223372036854775808}],\"c\":\"中\","
                           "\"d\":{},\"e\":[],\"f\":2.0},null]");
}

static void
test_writer_steal (void)
{
  LjJsonWriter *w = lj_json_writer_new ();
  g_autofree char *data = NULL;
  gsize len = 0;

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "k", "v");
  lj_json_writer_end_object (w);
  data = lj_json_writer_steal (w, &len);
  g_assert_cmpstr (data, ==, "{\"k\":\"v\"}");
  g_assert_cmpuint (len, ==, 9);
}

/* ---- writer misuse --------------------------------------------------- */

typedef struct {
  const char *name;
  void      (*misuse) (LjJsonWriter *w);
  const char *output;
  const char *stderr_pattern;
} Misuse;

static void
misuse_end_without_begin (LjJsonWriter *w)
{
  lj_json_writer_end_array (w);
  lj_json_writer_null (w);
}

static void
misuse_end_wrong_kind (LjJsonWriter *w)
{
  lj_json_writer_begin_array (w);
  lj_json_writer_end_object (w);
  lj_json_writer_end_array (w);
}

static void
misuse_value_without_key (LjJsonWriter *w)
{
  lj_json_writer_begin_object (w);
  lj_json_writer_int (w, 1);
  lj_json_writer_end_object (w);
}

static void
misuse_key_in_array (LjJsonWriter *w)
{
  lj_json_writer_begin_array (w);
  lj_json_writer_member_int (w, "a", 1);
  lj_json_writer_int (w, 2);
  lj_json_writer_end_array (w);
}

static void
misuse_two_roots (LjJsonWriter *w)
{
  lj_json_writer_null (w);
  lj_json_writer_begin_object (w);
}

static void
misuse_key_without_value (LjJsonWriter *w)
{
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "a");
  lj_json_writer_end_object (w);
  lj_json_writer_null (w);
  lj_json_writer_end_object (w);
}

static void
misuse_empty_raw (LjJsonWriter *w)
{
  lj_json_writer_begin_array (w);
  lj_json_writer_raw (w, "");
  lj_json_writer_end_array (w);
}

static const Misuse misuses[] = {
  { "end-without-begin-refused", misuse_end_without_begin, "null", "*CRITICAL*in_array*" },
  { "end-wrong-kind-refused", misuse_end_wrong_kind, "[]", "*CRITICAL*in_object*" },
  { "value-without-key-refused", misuse_value_without_key, "{}", "*CRITICAL*without a key*" },
  { "key-in-array-refused", misuse_key_in_array, "[2]", "*CRITICAL*in_object*" },
  { "second-root-refused", misuse_two_roots, "null", "*CRITICAL*one top-level*" },
  { "key-without-value-refused", misuse_key_without_value, "{\"a\":null}", "*CRITICAL*without a value*" },
  { "empty-raw-writes-null", misuse_empty_raw, "[null]", "*WARNING*json*" },
};

/* Misuse is a programmer error reported with a critical; the subprocess
 * makes criticals non-fatal to check the output nevertheless stays valid. */
static void
test_writer_misuse (gconstpointer data)
{
  const Misuse *m = data;

  if (g_test_subprocess ())
    {
      g_autoptr (LjJsonWriter) w = lj_json_writer_new ();

      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      m->misuse (w);
      assert_writer_output (w, m->output);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr (m->stderr_pattern);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/check/valid/nested-accepted", test_check_valid_nested);
  g_test_add_func ("/json/check/valid/scalar-roots-accepted", test_check_valid_scalar_roots);
  g_test_add_func ("/json/check/valid/escapes-and-surrogate-pairs-accepted", test_check_valid_escapes);
  g_test_add_func ("/json/check/valid/chinese-text-accepted", test_check_valid_chinese);
  g_test_add_func ("/json/check/valid/numbers-accepted", test_check_valid_numbers);
  g_test_add_func ("/json/check/valid/int64-limits-accepted", test_check_valid_int64_limits);
  g_test_add_func ("/json/check/valid/many-keys-accepted", test_check_valid_many_keys);
  g_test_add_func ("/json/check/valid/same-key-in-other-objects-accepted", test_check_same_key_other_objects_accepted);
  g_test_add_func ("/json/check/empty-input-refused", test_check_empty_refused);
  g_test_add_func ("/json/check/whitespace-only-refused", test_check_whitespace_only_refused);
  g_test_add_func ("/json/check/trailing-garbage-refused", test_check_trailing_garbage_refused);
  g_test_add_func ("/json/check/single-quotes-refused", test_check_single_quotes_refused);
  g_test_add_func ("/json/check/comments-refused", test_check_comments_refused);
  g_test_add_func ("/json/check/hex-refused", test_check_hex_refused);
  g_test_add_func ("/json/check/leading-zero-refused", test_check_leading_zero_refused);
  g_test_add_func ("/json/check/plus-sign-refused", test_check_plus_sign_refused);
  g_test_add_func ("/json/check/nan-infinity-refused", test_check_nan_infinity_refused);
  g_test_add_func ("/json/check/malformed-number-refused", test_check_bad_numbers_refused);
  g_test_add_func ("/json/check/malformed-literal-refused", test_check_bad_literals_refused);
  g_test_add_func ("/json/check/lone-surrogate-refused", test_check_lone_surrogate_refused);
  g_test_add_func ("/json/check/nul-escape-refused", test_check_nul_escape_refused);
  g_test_add_func ("/json/check/raw-control-char-refused", test_check_raw_control_char_refused);
  g_test_add_func ("/json/check/raw-nul-byte-refused", test_check_raw_nul_refused);
  g_test_add_func ("/json/check/invalid-utf8-refused", test_check_invalid_utf8_refused);
  g_test_add_func ("/json/check/byte-order-mark-refused", test_check_bom_refused);
  g_test_add_func ("/json/check/invalid-escape-refused", test_check_invalid_escape_refused);
  g_test_add_func ("/json/check/duplicate-key-refused", test_check_duplicate_key_refused);
  g_test_add_func ("/json/check/duplicate-key-differently-escaped-refused", test_check_duplicate_key_escaped_refused);
  g_test_add_func ("/json/check/duplicate-key-in-large-object-refused", test_check_duplicate_key_large_object_refused);
  g_test_add_func ("/json/check/integer-overflow-refused", test_check_integer_overflow_refused);
  g_test_add_func ("/json/check/non-finite-number-refused", test_check_float_overflow_refused);
  g_test_add_func ("/json/check/depth-limit-exact-accepted-one-over-refused", test_check_depth_limit);
  g_test_add_func ("/json/check/deep-nesting-refused-quickly", test_check_deep_nesting_refused_quickly);
  g_test_add_func ("/json/check/non-object-root-refused", test_check_non_object_root_refused);
  g_test_add_func ("/json/check/unterminated-refused", test_check_unterminated_refused);
  g_test_add_func ("/json/check/structure-errors-refused", test_check_structure_errors_refused);
  g_test_add_func ("/json/check/error-messages-give-byte-offset", test_check_error_messages);
  g_test_add_func ("/json/check/error-echo-bounded", test_check_error_echo_bounded);

  g_test_add_func ("/json/writer/control-chars-escaped", test_writer_escapes_control_chars);
  g_test_add_func ("/json/writer/quote-backslash-escaped", test_writer_escapes_quote_backslash);
  g_test_add_func ("/json/writer/chinese-byte-identical", test_writer_chinese_byte_identical);
  g_test_add_func ("/json/writer/invalid-utf8-replaced", test_writer_invalid_utf8_replaced);
  g_test_add_func ("/json/writer/invalid-utf8-key-replaced", test_writer_invalid_utf8_key_replaced);
  g_test_add_func ("/json/writer/commas-in-nested-structures", test_writer_commas_nested);
  g_test_add_func ("/json/writer/deep-nesting-commas", test_writer_deep_nesting);
  g_test_add_func ("/json/writer/int64-limits", test_writer_ints);
  g_test_add_func ("/json/writer/doubles-round-trip", test_writer_doubles_round_trip);
  g_test_add_func ("/json/writer/doubles-short-non-finite-null", test_writer_doubles_short_and_locale_free);
  g_test_add_func ("/json/writer/raw-spliced", test_writer_raw_spliced);
  g_test_add_func ("/json/writer/json-glib-node-written-in-order", test_writer_node);
  g_test_add_func ("/json/writer/steal-transfers-text", test_writer_steal);
  for (gsize i = 0; i < G_N_ELEMENTS (misuses); i++)
    {
      g_autofree char *path = g_strdup_printf ("/json/writer/misuse/%s",
                                               misuses[i].name);

      g_test_add_data_func (path, &misuses[i], test_writer_misuse);
    }

  return g_test_run ();
}
