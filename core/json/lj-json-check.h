/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A strict RFC 8259 validator that every request body passes through before
 * json-glib sees it.  json-glib 1.6 is lenient (single quotes, comments, hex,
 * trailing garbage, raw control characters, duplicate keys with the last one
 * winning, silent integer overflow) and recurses once per nesting level, so a
 * deep enough body crashes it; this checker is iterative, refuses all of
 * those, and reports the byte offset so API clients can find their mistake.
 * Private to the core: not installed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LJ_JSON_ERROR (lj_json_error_quark ())
GQuark lj_json_error_quark (void);

typedef enum {
  LJ_JSON_ERROR_SYNTAX,        /* not RFC 8259 JSON: message says what and at which byte offset */
  LJ_JSON_ERROR_TOO_DEEP,      /* nesting deeper than max_depth */
  LJ_JSON_ERROR_NOT_OBJECT,    /* root is valid JSON but not an object (only if LJ_JSON_CHECK_OBJECT_ROOT) */
  LJ_JSON_ERROR_DUPLICATE_KEY,
  LJ_JSON_ERROR_NUMBER_RANGE,  /* an integer literal (no fraction/exponent) outside gint64, or a number that is not finite as a double */
  LJ_JSON_ERROR_ENCODING,      /* invalid UTF-8 or a NUL byte anywhere, or a \u escape that is a lone surrogate, or \u0000 */
} LjJsonError;

typedef enum {
  LJ_JSON_CHECK_NONE        = 0,
  LJ_JSON_CHECK_OBJECT_ROOT = 1 << 0,
} LjJsonCheckFlags;

/* Strictly validates data[0..len) as exactly one RFC 8259 JSON value
 * (optional surrounding whitespace only: space, \t, \n, \r), iteratively (no
 * recursion: it survives 10 MB of '[' without using stack), with nesting
 * depth <= max_depth (each object or array is one level, so max_depth 0
 * allows scalars only), no duplicate keys within one object (compared after
 * unescaping), valid UTF-8 everywhere (NUL bytes anywhere are invalid), no
 * raw control characters (< 0x20) in strings, only the escapes RFC 8259
 * allows, surrogate pairs properly paired, \u0000 refused (it would truncate
 * C strings later), numbers per the RFC grammar (no leading zeros, no '+',
 * no hex, no NaN/Infinity) and integers within gint64.  The empty input is a
 * SYNTAX error.  @data need not be NUL-terminated. */
gboolean lj_json_check (const char       *data,
                        gsize             len,
                        guint             max_depth,
                        LjJsonCheckFlags  flags,
                        GError          **error);

G_END_DECLS
