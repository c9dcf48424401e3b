/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opaque list cursors: a small JSON array (the keyset of the last row)
 * in base64url without padding.  One encoding for every paged route. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @json: a JSON array's text.  Returns: (transfer full) the cursor. */
char      *lj_cursor_encode (const char *json, gsize len);
/* Returns: (transfer full) (nullable): the array, or NULL when @text is not
 * a cursor (not base64url, longer than @max_len, not a JSON array). */
JsonArray *lj_cursor_decode (const char *text, gsize max_len);
/* The common case: a cursor holding just the last row's id. */
char      *lj_cursor_encode_id (gint64 id);
gboolean   lj_cursor_decode_id (const char *text, gint64 *id);

G_END_DECLS
