/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one table from GError to HTTP status, and the RFC 9457
 * application/problem+json body every error response carries.  Store and
 * internal errors are logged in full and shown to the client only as a
 * short, fixed detail: a client never sees SQL or file paths. */
#include "lj-problem.h"
#include "json/lj-json-check.h"
#include "json/lj-json-writer.h"

#include <libsoup/soup.h>

static const struct {
  LjHttpError code;
  guint       status;
} http_statuses[] = {
  { LJ_HTTP_ERROR_BAD_REQUEST, 400 },
  { LJ_HTTP_ERROR_UNAUTHORIZED, 401 },
  { LJ_HTTP_ERROR_FORBIDDEN, 403 },
  { LJ_HTTP_ERROR_NOT_FOUND, 404 },
  { LJ_HTTP_ERROR_METHOD_NOT_ALLOWED, 405 },
  { LJ_HTTP_ERROR_CONFLICT, 409 },
  { LJ_HTTP_ERROR_LENGTH_REQUIRED, 411 },
  { LJ_HTTP_ERROR_PRECONDITION, 412 },
  { LJ_HTTP_ERROR_TOO_LARGE, 413 },
  { LJ_HTTP_ERROR_UNSUPPORTED_MEDIA, 415 },
  { LJ_HTTP_ERROR_INVALID, 422 },
  { LJ_HTTP_ERROR_UNAVAILABLE, 503 },
  { LJ_HTTP_ERROR_INTERNAL, 500 },
  { LJ_HTTP_ERROR_TOO_MANY, 429 },
};

guint
lj_problem_status_for_error (const GError *error)
{
  if (error->domain == LJ_HTTP_ERROR)
    {
      for (guint i = 0; i < G_N_ELEMENTS (http_statuses); i++)
        if (http_statuses[i].code == (LjHttpError) error->code)
          return http_statuses[i].status;
      return 500;
    }
  if (error->domain == LJ_JSON_ERROR)
    return 400;
  if (error->domain == LJ_STORE_ERROR)
    switch (error->code)
      {
      case LJ_STORE_ERROR_BUSY:
      case LJ_STORE_ERROR_STOPPED:
        return 503;
      case LJ_STORE_ERROR_FULL:
        return 507;
      case LJ_STORE_ERROR_CONSTRAINT:
        return 409;
      default:
        return 500;
      }
  return 500;
}

/* Only errors we wrote for clients are shown as they are. */
static const char *
public_detail (const GError *error, guint status)
{
  if (error->domain == LJ_HTTP_ERROR || error->domain == LJ_JSON_ERROR)
    return error->message;
  switch (status)
    {
    case 503:
      return g_error_matches (error, LJ_STORE_ERROR, LJ_STORE_ERROR_STOPPED)
        ? "writes are stopped after a storage error; the operators have been told"
        : "the database is busy; try again";
    case 507:
      return "the server's disk is full; nothing was written";
    case 409:
      return "the change conflicts with stored records";
    default:
      return "internal error; the server log has the details";
    }
}

void
lj_problem_respond_status (LjRequest *req, guint status, const char *detail)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  GPtrArray *errors = lj_request_get_field_errors (req);
  gsize len;
  char *body;

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "type", "about:blank");
  /* RFC 9110 renamed 422; libsoup 3.2 still has the old phrase. */
  lj_json_writer_member_string (w, "title", status == 422 ? "Unprocessable Content" : soup_status_get_phrase (status));
  lj_json_writer_member_int (w, "status", status);
  lj_json_writer_member_string (w, "detail", detail);
  lj_request_write_problem_members (req, w);
  if (status == 422 && errors->len > 0)
    {
      lj_json_writer_key (w, "errors");
      lj_json_writer_begin_array (w);
      for (guint i = 0; i < errors->len; i++)
        {
          LjFieldError *fe = errors->pdata[i];
          lj_json_writer_begin_object (w);
          lj_json_writer_member_string (w, "field", fe->field);
          lj_json_writer_member_string (w, "message", fe->message);
          lj_json_writer_end_object (w);
        }
      lj_json_writer_end_array (w);
    }
  lj_json_writer_end_object (w);
  body = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response (req, status, "application/problem+json; charset=utf-8", body, len);
}

void
lj_problem_respond (LjRequest *req, const GError *error)
{
  guint status = lj_problem_status_for_error (error);
  g_autofree char *detail = NULL;

  /* A busy database is an expected, retried condition: not a warning. */
  if (status == 503)
    g_message ("%s %s: %s", lj_request_get_method (req), lj_request_get_path (req), error->message);
  else if (status >= 500)
    g_warning ("%s %s failed: %s", lj_request_get_method (req), lj_request_get_path (req), error->message);
  if (status == 422 && lj_request_get_n_field_errors (req) > 0 && error->domain == LJ_HTTP_ERROR)
    {
      guint n = lj_request_get_n_field_errors (req);
      detail = n == 1 ? g_strdup ("1 field is invalid") : g_strdup_printf ("%u fields are invalid", n);
    }
  else
    detail = g_strdup (public_detail (error, status));
  if (status == 503)
    lj_request_set_response_header (req, "Retry-After", "1");
  lj_problem_respond_status (req, status, detail);
}
