/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A streaming JSON writer that appends straight into a GString, used for
 * responses instead of JsonBuilder + JsonGenerator (about 1.8x faster on
 * list pages, and no intermediate tree).  It places commas and colons
 * itself, escapes strings, replaces invalid UTF-8 with U+FFFD, and refuses
 * misuse with a critical rather than emitting broken JSON, so a finished
 * writer always holds one valid JSON value.  Private to the core. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _LjJsonWriter LjJsonWriter;

LjJsonWriter *lj_json_writer_new (void);
void          lj_json_writer_free (LjJsonWriter *w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjJsonWriter, lj_json_writer_free)

void lj_json_writer_begin_object (LjJsonWriter *w);
void lj_json_writer_end_object (LjJsonWriter *w);
void lj_json_writer_begin_array (LjJsonWriter *w);
void lj_json_writer_end_array (LjJsonWriter *w);

/* Inside an object: the next value written is the member @key. */
void lj_json_writer_key (LjJsonWriter *w,
                         const char   *key);

/* A NULL @s writes null; @len < 0 means NUL-terminated.  Invalid UTF-8 and
 * NUL bytes become U+FFFD. */
void lj_json_writer_string (LjJsonWriter *w,
                            const char   *s);
void lj_json_writer_string_len (LjJsonWriter *w,
                                const char   *s,
                                gssize        len);
void lj_json_writer_int (LjJsonWriter *w,
                         gint64        v);
/* Shortest representation that reads back to the same double, always with
 * a '.' or an exponent so it stays a double; non-finite values write null. */
void lj_json_writer_double (LjJsonWriter *w,
                            double        v);
void lj_json_writer_bool (LjJsonWriter *w,
                          gboolean      v);
void lj_json_writer_null (LjJsonWriter *w);
/* Splices @json, which the caller guarantees is one valid JSON value (for
 * example from SQLite's json_object()); NULL writes null. */
void lj_json_writer_raw (LjJsonWriter *w,
                         const char   *json);
/* Writes a json-glib tree of any type; a NULL node writes null. */
void lj_json_writer_node (LjJsonWriter *w,
                          JsonNode     *node);

void lj_json_writer_member_string (LjJsonWriter *w,
                                   const char   *key,
                                   const char   *s);
void lj_json_writer_member_int (LjJsonWriter *w,
                                const char   *key,
                                gint64        v);
void lj_json_writer_member_bool (LjJsonWriter *w,
                                 const char   *key,
                                 gboolean      v);
void lj_json_writer_member_null (LjJsonWriter *w,
                                 const char   *key);

/* The text so far; complete JSON once every container is closed.  @len may
 * be NULL. */
const char *lj_json_writer_get_data (LjJsonWriter *w,
                                     gsize        *len);
/* Returns the text (transfer full) and frees @w. */
char       *lj_json_writer_steal (LjJsonWriter *w,
                                  gsize        *len);

G_END_DECLS
