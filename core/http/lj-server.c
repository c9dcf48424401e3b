/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTP edge, and the only file that speaks libsoup.
 *
 * Debian 12's libsoup 3.2.3 server leaks every keep-alive connection a
 * client closes while idle, keeps idle connections forever, and stops
 * accepting for good after one failed accept() (anchors-performance.md
 * G1-G3).  So we own the accept loop (a non-blocking listening GSocket that
 * backs off on EMFILE instead of dying), hand each connection to
 * soup_server_accept_iostream (), and sweep connections ourselves: idle
 * ones are closed after [server] idle_timeout, and ones the client has
 * closed are closed at once.  The got-headers guard refuses smuggling
 * shapes and oversized bodies before the body is read, and the body is
 * collected into our own bounded buffer with libsoup's accumulation off. */
#include "lj-server.h"
#include "lj-problem.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <libsoup/soup.h>
#include <gio/gunixsocketaddress.h>
#include <unistd.h>

#define LJ_SERVER_BACKLOG 256
#define LJ_SERVER_SWEEP_MS 500
#define LJ_SERVER_ACCEPT_BACKOFF_MS 100
#define LJ_SERVER_ACCEPT_BURST 64

typedef struct {
  LjServer   *server;
  GSocket    *socket;       /* borrowed: valid while the stream lives */
  GIOStream  *stream;       /* weak */
  gint64      last_active;  /* monotonic µs */
  guint       busy;         /* requests between got-headers and finished */
  char       *peer;         /* "address:port", the key in LjServer.conns */
} LjConn;

struct _LjServer {
  LjApp        *app;
  SoupServer   *soup;
  GSocket      *listener;
  GSource      *accept_source;
  guint         backoff_id;
  guint         sweep_id;
  GHashTable   *conns;        /* "address:port" of the peer -> LjConn* */
  guint64       accepted;
  guint64       idle_closed;
};

typedef struct {
  GByteArray *body;
  gboolean    overflow;
  gint64      started;
  LjConn     *conn;
} LjMsgState;

#define LJ_MSG_STATE "lj-msg-state"

static void
msg_state_free (gpointer data)
{
  LjMsgState *st = data;

  g_byte_array_unref (st->body);
  g_free (st);
}

static guint
count_open_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

static void
server_stats (gpointer data, LjServerStats *stats)
{
  LjServer *self = data;

  stats->connections = g_hash_table_size (self->conns);
  stats->open_fds = count_open_fds ();
  stats->accepted = self->accepted;
  stats->idle_closed = self->idle_closed;
}

/* ---- connections ---- */

static void
conn_stream_gone (gpointer data, GObject *where_the_object_was)
{
  LjConn *conn = data;

  g_hash_table_remove (conn->server->conns, conn->peer);
}

static void
conn_close (LjConn *conn)
{
  GIOStream *stream = conn->stream;

  /* Shutting the socket down wakes libsoup's pending read with an error,
   * which ends its connection; closing the stream frees the fd even if
   * libsoup 3.2.3 fails to let go of its object (it leaks a keep-alive
   * connection the client closed while idle), so stop tracking it here
   * rather than wait for a finalisation that may never come. */
  g_object_weak_unref (G_OBJECT (stream), conn_stream_gone, conn);
  g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
  g_hash_table_remove (conn->server->conns, conn->peer);
  g_io_stream_close (stream, NULL, NULL);
}

static gboolean
conn_peer_closed (LjConn *conn)
{
  char byte;
  gssize n;

  if (!(g_socket_condition_check (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR)))
    return FALSE;
  n = recv (g_socket_get_fd (conn->socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static gboolean
sweep_connections (gpointer data)
{
  LjServer *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 idle_us = (gint64) self->app->config->idle_timeout * G_USEC_PER_SEC;
  g_autoptr (GPtrArray) doomed = g_ptr_array_new ();
  GHashTableIter iter;
  LjConn *conn;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    /* Idle too long, or the client is gone: a client that closed cannot
     * read an answer, so even a connection whose request libsoup never
     * finished (3.2.3 does not always say) is closed and untracked, and
     * never holds a slot under max_connections. */
    if ((conn->busy == 0 && now - conn->last_active > idle_us) || conn_peer_closed (conn))
      g_ptr_array_add (doomed, conn);
  for (guint i = 0; i < doomed->len; i++)
    {
      self->idle_closed++;
      conn_close (doomed->pdata[i]);
    }
  return G_SOURCE_CONTINUE;
}

static char *
peer_key (GSocketAddress *address)
{
  g_autofree char *ip = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

/* A message's connection, found by its peer's address and port (unique
 * among open TCP connections): libsoup 3.2.3 gives no socket for
 * connections handed to it with soup_server_accept_iostream (). */
static LjConn *
conn_for_message (LjServer *self, SoupServerMessage *msg)
{
  g_autofree char *key = peer_key (soup_server_message_get_remote_address (msg));

  return key ? g_hash_table_lookup (self->conns, key) : NULL;
}

static void
conn_free (gpointer data)
{
  LjConn *conn = data;

  g_free (conn->peer);
  g_free (conn);
}

/* ---- accepting ---- */

static gboolean accept_ready (GSocket *socket, GIOCondition cond, gpointer data);

static void
start_accepting (LjServer *self)
{
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, (GSourceFunc) (void (*) (void)) accept_ready, self, NULL);
  g_source_attach (self->accept_source, g_main_context_get_thread_default ());
}

static gboolean
resume_accepting (gpointer data)
{
  LjServer *self = data;

  self->backoff_id = 0;
  start_accepting (self);
  return G_SOURCE_REMOVE;
}

static void
pause_accepting (LjServer *self)
{
  GSource *timer;

  g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  sweep_connections (self);
  timer = g_timeout_source_new (LJ_SERVER_ACCEPT_BACKOFF_MS);
  g_source_set_callback (timer, resume_accepting, self, NULL);
  self->backoff_id = g_source_attach (timer, g_main_context_get_thread_default ());
  g_source_unref (timer);
}

static void
hand_to_soup (LjServer *self, GSocket *sock)
{
  g_autoptr (GSocketConnection) stream = g_socket_connection_factory_create_connection (sock);
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (sock, NULL);
  g_autoptr (GSocketAddress) remote = g_socket_get_remote_address (sock, NULL);
  g_autoptr (GError) error = NULL;
  LjConn *conn;

  /* At the limit, first reclaim the connections whose clients left: the
   * sweep runs every LJ_SERVER_SWEEP_MS, and a burst of short connections
   * fills the table faster than that. */
  if (g_hash_table_size (self->conns) >= self->app->config->max_connections)
    sweep_connections (self);
  if (g_hash_table_size (self->conns) >= self->app->config->max_connections)
    {
      g_warning ("refusing a connection: %u connections open, max_connections is %u",
                 g_hash_table_size (self->conns), self->app->config->max_connections);
      g_socket_close (sock, NULL);
      return;
    }
  /* libsoup writes a response's headers and body in two sends; on a kept
   * alive connection Nagle would hold the second until the client's
   * delayed ACK (~40 ms a request).  libsoup's own listener sets this; we
   * accept ourselves, so we must. */
  g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  /* Tracked before libsoup sees it: libsoup may read and answer a request
   * already waiting on the socket inside soup_server_accept_iostream (). */
  conn = g_new0 (LjConn, 1);
  conn->server = self;
  conn->socket = sock;
  conn->stream = G_IO_STREAM (stream);
  conn->last_active = g_get_monotonic_time ();
  conn->peer = peer_key (remote);
  if (conn->peer == NULL)
    conn->peer = g_strdup_printf ("socket:%p", (void *) sock);
  {
    /* A stale entry for the same peer: the client's port came round again
     * before the sweep saw the old connection end (100,000 connections
     * wrap the ephemeral ports).  Close it, don't just forget it: libsoup
     * may never release it, and its fd would stay open untracked. */
    LjConn *stale = g_hash_table_lookup (self->conns, conn->peer);
    if (stale)
      conn_close (stale);
  }
  g_hash_table_insert (self->conns, conn->peer, conn);
  g_object_weak_ref (G_OBJECT (stream), conn_stream_gone, conn);
  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (stream), local, remote, &error))
    {
      g_warning ("cannot serve a new connection: %s", error->message);
      return;   /* the stream goes with our reference, and the weak ref untracks it */
    }
  self->accepted++;
}

static gboolean
accept_ready (GSocket *listener, GIOCondition cond, gpointer data)
{
  LjServer *self = data;

  for (guint i = 0; i < LJ_SERVER_ACCEPT_BURST; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSocket) sock = g_socket_accept (listener, NULL, &error);

      if (sock != NULL)
        {
          hand_to_soup (self, sock);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      /* EMFILE and friends: back off and keep the listener, never drop it. */
      g_warning ("accept failed: %s; retrying in %d ms", error->message, LJ_SERVER_ACCEPT_BACKOFF_MS);
      pause_accepting (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* ---- the got-headers guard ---- */

typedef struct {
  guint hosts;
  guint lengths;
  guint bad_names;
  guint bad_lengths;
} LjHeaderCounts;

/* RFC 9110 §5.1: a field name is a token. */
static gboolean
is_token (const char *name)
{
  static const char tchar[] = "!#$%&'*+-.^_`|~";

  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr (tchar, *p) == NULL)
      return FALSE;
  return TRUE;
}

/* Content-Length is one or more digits, and nothing else. */
static gboolean
is_length (const char *value)
{
  gsize n = strspn (value, "0123456789");

  return n > 0 && n <= 18 && value[n] == '\0';
}

static void
count_header (const char *name, const char *value, gpointer data)
{
  LjHeaderCounts *c = data;

  if (!is_token (name))
    c->bad_names++;
  if (g_ascii_strcasecmp (name, "Host") == 0)
    c->hosts++;
  else if (g_ascii_strcasecmp (name, "Content-Length") == 0)
    {
      c->lengths += 1 + (strchr (value, ',') != NULL);
      c->bad_lengths += !is_length (value);
    }
}

/* Answers at once and closes, without reading the body: libsoup would
 * only write a response set here after the whole body had arrived (or
 * never, for framing it cannot read), so the bytes go straight to the
 * socket we own. */
static void
refuse_early (LjServer *self, SoupServerMessage *msg, guint status, const char *detail)
{
  g_autoptr (LjRequest) req = lj_request_new (soup_server_message_get_method (msg), "/", NULL);
  LjConn *conn = conn_for_message (self, msg);
  g_autofree char *head = NULL;
  const char *body;
  gsize len;

  lj_problem_respond_status (req, status, detail);
  body = lj_request_get_response_body (req, &len);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, lj_request_get_response_type (req), SOUP_MEMORY_COPY, body, len);
  if (conn == NULL)
    return;
  head = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n\r\n", status, soup_status_get_phrase (status),
                          lj_request_get_response_type (req), len);
  /* A few hundred bytes into a fresh socket's buffer: never blocks. */
  g_socket_send (conn->socket, head, strlen (head), NULL, NULL);
  g_socket_send (conn->socket, body, len, NULL, NULL);
  conn_close (conn);
}

static void
got_headers (SoupServerMessage *msg, gpointer data)
{
  LjServer *self = data;
  LjMsgState *st = g_object_get_data (G_OBJECT (msg), LJ_MSG_STATE);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  LjHeaderCounts counts = { 0 };
  goffset length;

  st->started = g_get_monotonic_time ();
  if ((st->conn = conn_for_message (self, msg)))
    {
      st->conn->busy++;
      st->conn->last_active = st->started;
    }
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  soup_message_headers_remove (headers, "Range");
  soup_message_headers_remove (headers, "If-Range");
  soup_message_headers_foreach (headers, count_header, &counts);
  if (counts.bad_names > 0)
    {
      refuse_early (self, msg, 400, "a header field name is not a token (RFC 9110 section 5.1)");
      return;
    }
  if (counts.hosts > 1 || counts.lengths > 1 || counts.bad_lengths > 0 ||
      (counts.lengths > 0 && soup_message_headers_get_one (headers, "Transfer-Encoding")))
    {
      refuse_early (self, msg, 400, "ambiguous request framing (duplicate Host or Content-Length, a Content-Length "
                                    "that is not a number, or Content-Length with Transfer-Encoding)");
      return;
    }
  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > (goffset) self->app->config->body_limit)
    refuse_early (self, msg, 413, "the body is larger than this server accepts");
}

static void
got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
  LjServer *self = data;
  LjMsgState *st = g_object_get_data (G_OBJECT (msg), LJ_MSG_STATE);
  gsize len = g_bytes_get_size (chunk);

  if (st->overflow || st->body->len + len > self->app->config->body_limit)
    {
      st->overflow = TRUE;
      return;
    }
  g_byte_array_append (st->body, g_bytes_get_data (chunk, NULL), len);
}

static void
request_done (SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
  LjMsgState *st = g_object_get_data (G_OBJECT (msg), LJ_MSG_STATE);

  /* Looked up again first: the sweep may have dropped the connection. */
  if (st && st->conn && conn_for_message (data, msg) == st->conn && st->conn->busy > 0)
    {
      st->conn->busy--;
      st->conn->last_active = g_get_monotonic_time ();
    }
  if (st)
    st->conn = NULL;
}

static void
request_started (SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
  LjMsgState *st = g_new0 (LjMsgState, 1);

  st->body = g_byte_array_new ();
  g_object_set_data_full (G_OBJECT (msg), LJ_MSG_STATE, st, msg_state_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers), data);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk), data);
}

/* ---- handing requests to the app ---- */

static void
copy_header (const char *name, const char *value, gpointer data)
{
  lj_request_add_header (data, name, value);
}

static void
send_response (SoupServerMessage *msg, LjRequest *req)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  GPtrArray *headers = lj_request_get_response_headers (req);
  const char *body;
  gsize len;

  for (guint i = 0; i + 1 < headers->len; i += 2)
    soup_message_headers_replace (out, headers->pdata[i], headers->pdata[i + 1]);
  /* libsoup 3.2.3 honours a request's Connection: close without saying so. */
  if (soup_message_headers_header_contains (soup_server_message_get_request_headers (msg), "Connection", "close"))
    soup_message_headers_replace (out, "Connection", "close");
  body = lj_request_get_response_body (req, &len);
  soup_server_message_set_status (msg, lj_request_get_status (req), NULL);
  if (body)
    soup_server_message_set_response (msg, lj_request_get_response_type (req), SOUP_MEMORY_COPY, body, len);
}

static void
log_request (LjServer *self, SoupServerMessage *msg, LjRequest *req, gint64 started)
{
  if (self->app->config->log_requests)
    g_info ("%s %s %u %" G_GINT64_FORMAT "us %s", soup_server_message_get_method (msg), lj_request_get_path (req),
            lj_request_get_status (req), started ? g_get_monotonic_time () - started : 0, lj_request_get_id (req));
}

/* A request whose handler answers later (lj_request_pause). */
typedef struct {
  LjServer          *server;
  SoupServerMessage *msg;      /* owned */
  gulong             finished_id;
  gboolean           gone;     /* libsoup finished the message: the client left */
  gint64             started;
} LjPending;

static void
pending_finished (SoupServerMessage *msg, gpointer data)
{
  LjPending *p = data;

  p->gone = TRUE;
}

static void
pending_resume (LjRequest *req, gpointer data)
{
  LjPending *p = data;

  if (!p->gone)
    {
      send_response (p->msg, req);
      log_request (p->server, p->msg, req, p->started);
      soup_server_message_unpause (p->msg);
    }
  g_signal_handler_disconnect (p->msg, p->finished_id);
  g_object_unref (p->msg);
  g_free (p);
  lj_request_unref (req);
}

static void
pause_message (LjServer *self, SoupServerMessage *msg, LjRequest *req, gint64 started)
{
  LjPending *p = g_new0 (LjPending, 1);

  p->server = self;
  p->msg = g_object_ref (msg);
  p->started = started;
  p->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (pending_finished), p);
  lj_request_set_resume_func (lj_request_ref (req), pending_resume, p);
  soup_server_message_pause (msg);
}

static void
handle_any (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  LjServer *self = data;
  LjMsgState *st = g_object_get_data (G_OBJECT (msg), LJ_MSG_STATE);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr (LjRequest) req = lj_request_new (soup_server_message_get_method (msg), path, g_uri_get_query (uri));

  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), copy_header, req);
  lj_request_set_client_address (req, soup_server_message_get_remote_host (msg));
  if (st && st->overflow)
    {
      lj_problem_respond_status (req, 413, "the body is larger than this server accepts");
      lj_request_set_response_header (req, "Connection", "close");
    }
  else
    {
      if (st && st->body->len > 0)
        lj_request_take_body (req, g_bytes_new (st->body->data, st->body->len));
      lj_app_dispatch (self->app, req);
      if (lj_request_is_paused (req))
        {
          pause_message (self, msg, req, st ? st->started : 0);
          return;
        }
    }
  send_response (msg, req);
  log_request (self, msg, req, st ? st->started : 0);
}

/* ---- life cycle ---- */

/* libsoup 3.2.3 keeps a connection alive after a response only when the
 * server has a listener of its own (`priv->listeners` in request_finished);
 * ours accept through soup_server_accept_iostream, so without one every
 * connection closed after its first request.  Give it a listener nobody
 * can reach: an abstract Unix socket with a random name. */
static gboolean
give_soup_a_listener (LjServer *self, GError **error)
{
  g_autofree char *name = g_strdup_printf ("lianjian-keepalive-%d-%08x", getpid (), g_random_int ());
  g_autoptr (GSocketAddress) sa = g_unix_socket_address_new_with_type (name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                           error);

  if (sock == NULL || !g_socket_bind (sock, sa, FALSE, error) || !g_socket_listen (sock, error) ||
      !soup_server_listen_socket (self->soup, sock, 0, error))
    {
      g_prefix_error (error, "cannot set up keep-alive: ");
      return FALSE;
    }
  return TRUE;
}

/* A server holds one fd per connection: take the hard limit, not the
 * (often 1024) soft one. */
void
lj_server_raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

LjServer *
lj_server_new (LjApp *app)
{
  LjServer *self = g_new0 (LjServer, 1);

  self->app = app;
  /* Writes that arrive together share a commit (core/app/lj-commit-group.c):
   * answers wait for the commit, which only an event loop can deliver. */
  lj_app_set_group_commit (app, TRUE);
  self->soup = soup_server_new ("server-header", "lianjian/" PACKAGE_VERSION " ", NULL);
  self->conns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, conn_free);
  soup_server_add_handler (self->soup, NULL, handle_any, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_done), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_done), self);
  app->stats_func = server_stats;
  app->stats_data = self;
  return self;
}

gboolean
lj_server_listen (LjServer *self, const char *host, guint port, GError **error)
{
  g_autoptr (GInetAddress) addr = g_strcmp0 (host, "localhost") == 0
    ? g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4) : g_inet_address_new_from_string (host);
  g_autoptr (GSocketAddress) sa = NULL;
  GSource *sweep;

  if (addr == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "cannot listen on \"%s\": not an IP address", host);
      return FALSE;
    }
  sa = g_inet_socket_address_new (addr, port);
  self->listener = g_socket_new (g_inet_address_get_family (addr), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL)
    return FALSE;
  g_socket_set_blocking (self->listener, FALSE);
  g_socket_set_listen_backlog (self->listener, LJ_SERVER_BACKLOG);
  if (!g_socket_bind (self->listener, sa, TRUE, error) || !g_socket_listen (self->listener, error))
    {
      g_prefix_error (error, "cannot listen on %s:%u: ", host, port);
      return FALSE;
    }
  if (!give_soup_a_listener (self, error))
    return FALSE;
  start_accepting (self);
  sweep = g_timeout_source_new (LJ_SERVER_SWEEP_MS);
  g_source_set_callback (sweep, sweep_connections, self, NULL);
  self->sweep_id = g_source_attach (sweep, g_main_context_get_thread_default ());
  g_source_unref (sweep);
  return TRUE;
}

guint
lj_server_get_port (LjServer *self)
{
  g_autoptr (GSocketAddress) sa = g_socket_get_local_address (self->listener, NULL);

  return sa ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (sa)) : 0;
}

void
lj_server_free (LjServer *self)
{
  GMainContext *ctx = g_main_context_get_thread_default ();
  GHashTableIter iter;
  LjConn *conn;

  if (self == NULL)
    return;
  /* Waiting writes are committed and answered while their connections
   * still exist. */
  lj_app_set_group_commit (self->app, FALSE);
  if (self->accept_source)
    {
      g_source_destroy (self->accept_source);
      g_source_unref (self->accept_source);
    }
  if (self->backoff_id)
    g_source_destroy (g_main_context_find_source_by_id (ctx, self->backoff_id));
  if (self->sweep_id)
    g_source_destroy (g_main_context_find_source_by_id (ctx, self->sweep_id));
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      g_object_weak_unref (G_OBJECT (conn->stream), conn_stream_gone, conn);
      g_io_stream_close (conn->stream, NULL, NULL);
    }
  g_hash_table_remove_all (self->conns);
  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  if (self->listener)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  g_hash_table_unref (self->conns);
  self->app->stats_func = NULL;
  g_free (self);
}
