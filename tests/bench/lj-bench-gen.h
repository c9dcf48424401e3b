/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of lj-bench-gen, the benchmark's dataset generator
 * (tests/bench/run.sh compiles tests/bench/lj-bench-gen*.c into one
 * program), share: the plan (Gen), the world's calendar, the word lists
 * and the helpers that write rows, draw numbers and walk records through
 * their state machines.  lj-bench-gen.c holds the core data, the index
 * and FTS handling around the bulk load, the accounts and main, and
 * defines everything declared here; each lj-bench-gen-PLUGIN.c fills one
 * plugin's tables through its gen_plugin_*().  The deterministic-output
 * rules are in lj-bench-gen.c's header comment. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

/* Bump when the rows written change: run.sh keys its dataset cache on it. */
#define LJ_BENCH_GEN_VERSION 2
#define N_CHAINS 60
#define ROOT_ORG 1                       /* id of the working committee */
#define CHAIN_ORG(c) (2 + (c))           /* id of chain c's committee (c from 0) */
#define FIRST_ENTERPRISE_ORG (2 + N_CHAINS)

#define BENCH_TODAY 20417  /* "today" in the bench world: 2025-11-25, in days since the epoch */
#define NOW_MIN ((gint64) BENCH_TODAY * 1440)   /* "now" in the bench world, in minutes */
#define DAY_MIN 1440
#define HOUR_MIN 60

/* ------------------------------------------------------------------ */
/* word lists (lj-bench-gen.c)                                         */

#define PICK(list, h) ((list)[(h) % G_N_ELEMENTS (list)])
/* PICK for a list defined in another file: an extern array has no length,
 * so each list below comes with its n_ count. */
#define PICK_SHARED(list, h) ((list)[(h) % n_##list])

extern const char *const chain_names[N_CHAINS];
/* The trade word in an enterprise's name, one per chain. */
extern const char *const chain_trades[N_CHAINS];
extern const char *const cn_numbers[];     /* 一 … 十 */
extern const char *const educations[];
extern const int education_weights[];
extern const char *const brands[], *const cities[], *const districts[], *const positions[];
extern const char *const external_experts[], *const expert_titles[];
extern const gsize n_brands, n_cities, n_districts, n_positions, n_external_experts, n_expert_titles;

/* ------------------------------------------------------------------ */
/* the plan                                                            */

enum { K_WORKING, K_CHAIN, K_COMMITTEE, K_GENERAL, K_BRANCH, K_JOINT };

typedef struct {
  sqlite3 *db;
  GRand   *rand;
  double   scale;
  gboolean fts_rebuild;
  gboolean drop_indexes;
  guint32  seed;

  gint64   n_ent, n_org_target, n_org, n_mem, n_act, n_att;

  /* enterprises, index = id - 1 */
  guint8  *ent_chain;      /* primary chain 0..59 */
  gint8   *ent_chain2;     /* second chain or -1 */
  guint8  *ent_size, *ent_own, *ent_three, *ent_closed;
  gint32  *ent_org;        /* covering organisation id or 0 */

  /* organisations, index = id - 1 */
  guint8  *org_kind;
  gint16  *org_chain;      /* chain 0..59 or -1 */
  gint32  *org_parent;     /* 0 = none */
  gint32  *org_ent_first;  /* into cov[] */
  gint32  *org_ent_count;
  gint32  *org_seq;        /* n-th branch of its parent, for names */
  gint32  *org_secretary;  /* member id or 0 */
  GArray  *cov;            /* gint32 enterprise ids, grouped by organisation */

  /* members, index = id - 1 */
  gint32  *mem_org;
  gint32  *org_mem_first, *org_mem_count, *org_mems; /* CSR: org -> member ids */
  gint32  *chain_mem_first, *chain_mem_count, *chain_mems; /* CSR: chain -> member ids */

  gint64   lead_ent[N_CHAINS];

  /* What the plugin data needs to agree with the core rows. */
  gint32  *mem_ent;        /* member -> the enterprise it works in, or 0 */
  gint32  *mem_joined;     /* member -> the day it joined */
  guint8  *mem_flags;      /* MEM_* */
  gint32  *org_act_first, *org_act_count, *org_act_start; /* CSR: org -> starts (minutes, sorted) of the
                                                            * activities it organised or co-organised, not cancelled */
  gint32  *chain_ent_first, *chain_ent_count, *chain_ents; /* CSR: primary chain -> active enterprises */
  sqlite3_stmt *history;   /* INSERT INTO transitions */
  gint64   tx_rows;        /* rows written in the open transaction (plugin data) */
  GString *plugin_counts;  /* for LJB_COUNTS */
} Gen;

enum { MEM_PROBATIONARY = 1, MEM_EXPERT = 2 };

/* A record's walk through its state machine: each step is taken only if
 * it happens before now, and is written to the history. */
typedef struct {
  Gen        *g;
  const char *resource;
  gint64      id;
  const char *state;
  gint64      at;          /* when the last step happened */
  int         steps;
} Walk;

/* ------------------------------------------------------------------ */
/* helpers (lj-bench-gen.c)                                            */

/* numbers, dates, progress */
guint64 mix64 (guint64 x);
void civil (gint64 z, int *y, int *m, int *d);
void fmt_date (char *buf, gint64 day);
void fmt_ts (char *buf, gint64 minute);
void progress (const char *what, gint64 done, gint64 total);

/* SQL: exits the program on an error */
void exec (sqlite3 *db, const char *sql);
sqlite3_stmt *prep (sqlite3 *db, const char *sql);
void bind_text (sqlite3_stmt *st, int col, const char *s);
void bind_id (sqlite3_stmt *st, int col, gint64 id);
void bind_ts (sqlite3_stmt *st, int col, gint64 minute);
void bind_day (sqlite3_stmt *st, int col, gint64 day);
void bind_real (sqlite3_stmt *st, int col, double v);
void insert_row (Gen *g, sqlite3_stmt *st);
void finalize_all (sqlite3_stmt *st, ...) G_GNUC_NULL_TERMINATED;

/* drawing */
int weighted (GRand *r, const int *w, int n);
gint64 scaled (Gen *g, double at_scale_1, gint64 minimum);
gint64 between (GRand *r, gint64 lo, gint64 hi);
gboolean chance (GRand *r, int percent);
void person_name (GRand *r, char *buf, gsize len);

/* the core data, as planned */
/* Groups items 1..@n_items by @key (0..@n_keys-1, or -1 for none): the
 * ids of key k are @items[@first[k]] … (@count[k] of them). */
void csr_build (gint64 n_items, const gint32 *key, gint64 n_keys, gint32 **first, gint32 **count, gint32 **items);
void enterprise_name (char *buf, gsize len, gint64 id, int chain);
gint32 covering_org (Gen *g, gint64 ent);
gint64 active_enterprise (Gen *g, GRand *r);
void index_chain_enterprises (Gen *g);

/* the core's transition history */
void history (Gen *g, const char *resource, gint64 id, const char *event, const char *from, const char *to, gint64 at,
              const char *note, const char *data);
void walk_init (Walk *w, Gen *g, const char *resource, gint64 id, const char *initial, gint64 created);
gboolean walk_fire (Walk *w, gint64 when, const char *event, const char *to, const char *note, const char *data);

/* ------------------------------------------------------------------ */
/* the plugin generators: each fills its plugin's tables if they exist */

/* The frame of each one (lj-bench-gen.c): runs @fill if the plugin's
 * tables exist, with a GRand of its own, then reports their row counts.
 * TRUE: an SQL error exits the program. */
gboolean gen_plugin (Gen *g, const char *plugin, const char *const *tables, guint32 seed_offset,
                     void (*fill) (Gen *g, GRand *r));

gboolean gen_plugin_problem_board (Gen *g);   /* lj-bench-gen-problem-board.c */
gboolean gen_plugin_visit_log (Gen *g);       /* lj-bench-gen-visit-log.c */
gboolean gen_plugin_talent (Gen *g);          /* lj-bench-gen-talent.c */
gboolean gen_plugin_matching (Gen *g);        /* lj-bench-gen-matching.c */
