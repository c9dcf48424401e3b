/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "app/lj-app-private.h"

G_BEGIN_DECLS

typedef struct _LjServer LjServer;

void      lj_server_raise_fd_limit (void);
LjServer *lj_server_new (LjApp *app);
gboolean  lj_server_listen (LjServer *server, const char *host, guint port, GError **error);
guint     lj_server_get_port (LjServer *server);
void      lj_server_free (LjServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjServer, lj_server_free)

G_END_DECLS
