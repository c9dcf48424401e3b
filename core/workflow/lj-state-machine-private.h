/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parsed form of a state machine declaration, shared by the parser
 * (lj-state-machine.c) and the transitions routes (lj-transitions.c). */
#pragma once

#include "lj-state-machine.h"
#include "resource/lj-resource-private.h"

G_BEGIN_DECLS

/* Who may fire an event: one entry of its `allow` list. */
typedef enum {
  LJ_SM_ALLOW_ADMIN,      /* role admin */
  LJ_SM_ALLOW_OWNER,      /* admins, and secretaries whose scope holds the record */
  LJ_SM_ALLOW_PREDICATE,  /* a named SQL predicate over the record */
} LjSmAllowKind;

typedef struct {
  LjSmAllowKind kind;
  guint         predicate;  /* index into LjStateMachine.predicates */
} LjSmAllow;

typedef struct {
  char   *name;
  char  **from;      /* states the event may leave */
  char   *to;
  GArray *allow;     /* LjSmAllow */
  char  **requires;  /* input fields that must be present and non-empty */
  char  **sets;      /* resource fields written from the input */
  char  **optional;  /* further input fields accepted (stored in the history) */
} LjSmEvent;

typedef struct {
  char *name;
  char *sql;         /* SELECT (<predicate>) FROM <table> t WHERE t.id = ?1 */
} LjSmPredicate;

typedef struct {
  gatomicrefcount ref;
  LjResource *resource;
  LjField    *field;        /* the state field; owned by resource */
  char       *initial;
  GPtrArray  *events;       /* LjSmEvent*, in declaration order */
  GPtrArray  *predicates;   /* LjSmPredicate* */
} LjStateMachine;

/* lj-state-machine.c */
LjStateMachine *lj_state_machine_parse (LjResource *resource, const char *declaration, gssize len,
                                        GError **error);
gboolean        lj_state_machine_probe (LjStateMachine *sm, LjStore *store, GError **error);
LjStateMachine *lj_state_machine_ref (LjStateMachine *sm);
void            lj_state_machine_unref (LjStateMachine *sm);
LjSmEvent      *lj_state_machine_find_event (LjStateMachine *sm, const char *name);
gboolean        lj_sm_event_leaves (const LjSmEvent *event, const char *state);
gboolean        lj_sm_event_accepts (const LjSmEvent *event, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjStateMachine, lj_state_machine_unref)

/* lj-transitions.c */
gboolean lj_transitions_handle_get (LjRequest *req, gpointer user_data, GError **error);
gboolean lj_transitions_handle_post (LjRequest *req, gpointer user_data, GError **error);

G_END_DECLS
