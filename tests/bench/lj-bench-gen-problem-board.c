/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lj-bench-gen's problem-board data (lj-bench-gen.c says how the dataset is
 * made).  At scale 1: 20,000 problems (0.2 per enterprise) in every state,
 * about 1 claim and 2 progress updates per problem, ~260 teams (a commando
 * team per chain committee, task forces in enterprise committees, expert
 * groups), ~11,000 key projects (half of them held up by a problem, back on
 * track when it is solved); with the project events and the core's
 * transition history. */
#include "lj-bench-gen.h"

#include <stdlib.h>

static const char *const pb_categories[] = {
  "process", "formulation", "strain_culture", "equipment", "testing_quality", "digitalisation", "certification", "other"
};
static const int pb_category_weights[] = { 24, 14, 8, 18, 14, 10, 8, 4 };
static const char *const pb_phrases[][4] = {
  { "生产工艺收率偏低", "关键工序能耗偏高", "工艺参数波动导致批次差异", "副产物分离提纯困难" },
  { "产品配方稳定性不达标", "进口原料配方国产化替代", "原料配比优化", "新品配方开发" },
  { "菌种培养污染率高", "发酵周期过长", "生产菌种退化", "液体菌种扩繁" },
  { "关键设备国产化替代", "核心设备故障率高", "产线自动化改造", "设备能效提升" },
  { "检测方法验证未通过", "产品一次合格率偏低", "在线检测能力不足", "质量追溯体系缺失" },
  { "车间数据采集方案", "生产执行系统上线", "设备联网与数据安全", "数字化质量管理" },
  { "产品认证周期长", "出口认证标准对接", "质量管理体系认证", "绿色产品认证" },
  { "技术人才短缺", "产学研合作渠道不畅", "知识产权布局", "行业标准制定" },
};
static const char *const pb_update_kinds[] = { "update", "site_visit", "experiment", "meeting", "blocker" };
static const int pb_update_weights[] = { 40, 20, 20, 15, 5 };
static const char *const pb_update_texts[] = {
  "完成现状调研和数据采集，明确攻关路线", "专家组赴企业现场诊断，提出改进方案", "第一轮小试完成，关键指标有改善",
  "召开攻关推进会，明确下一阶段任务分工", "中试设备到货延迟，影响试验进度", "第二轮试验完成，指标接近设计值",
  "形成技术方案并报企业确认", "连续批次验证中，数据稳定",
};
static const char *const pb_project_kinds[] = {
  "扩产线建设", "技术改造项目", "新品上市", "智能化改造", "二期工程", "检测中心建设", "绿色工厂创建", "数字化车间",
};
static const char *const pb_milestones[] = {
  "设备安装调试完成", "试生产", "正式投产", "通过验收", "取得认证", "新品批量上市",
};
static const char *const pb_lag_reasons[] = {
  "关键技术未突破，工艺不稳定", "检测指标不达标，无法通过验收", "核心设备选型推迟", "原料供应不稳定",
  "技术方案未定型",
};

typedef struct {
  sqlite3_stmt *problem, *claim, *update, *project, *project_event, *link;
  GArray       *teams_by_chain[N_CHAINS];  /* active team ids per chain */
  GArray       *teams_anywhere;            /* expert groups, for every chain */
  gint64        n_claims, n_updates, n_projects;
  int           codes[100];                /* problems numbered per year, from 2000 */
} Pb;

typedef struct {
  gint64 created, submitted, published, started, solved, closed;
  gint64 team;
} PbProblem;

static int
cmp_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* A party member for a team: of the chain when there is one. */
static gint64
chain_member (Gen *g, GRand *r, int chain)
{
  if (chain >= 0 && g->chain_mem_count[chain] > 0)
    return g->chain_mems[g->chain_mem_first[chain] + g_rand_int_range (r, 0, g->chain_mem_count[chain])];
  return between (r, 1, g->n_mem);
}

static void
pb_team_member (Gen *g, sqlite3_stmt *tm, gint64 team, gint64 member, const char *external, const char *role)
{
  sqlite3_bind_int64 (tm, 1, team);
  bind_id (tm, 2, member);
  bind_text (tm, 3, external);
  bind_text (tm, 4, role);
  insert_row (g, tm);
}

/* A commando team per chain committee, three expert groups of the working
 * committee, task forces in enterprise committees; each with its leader
 * (the host's first member), experts from the chain and now and then an
 * outside expert. */
static void
pb_write_teams (Gen *g, GRand *r, Pb *pb)
{
  sqlite3_stmt *st = prep (g->db, "INSERT INTO problem_board_teams (id, version, created_at, updated_at, name, kind, host_org_id,"
                                  " leader_member_id, formed_on, status) VALUES (?1, 1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  sqlite3_stmt *tm = prep (g->db, "INSERT INTO problem_board_team_members (team_id, member_id, external_name, role)"
                                  " VALUES (?1, ?2, ?3, ?4)");
  GArray *committees = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint64 n_task, total;

  for (gint32 o = FIRST_ENTERPRISE_ORG; o <= g->n_org; o++)
    if (g->org_kind[o - 1] == K_COMMITTEE)
      g_array_append_val (committees, o);
  n_task = committees->len ? scaled (g, 200, 10) : 0;
  total = N_CHAINS + 3 + n_task;
  for (int c = 0; c < N_CHAINS; c++)
    pb->teams_by_chain[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
  pb->teams_anywhere = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gint64 id = 1; id <= total; id++)
    {
      const char *kind;
      int chain;
      gint32 host;
      char name[300], ent[256];
      gint64 formed = BENCH_TODAY - 1300 + between (r, 0, 700), leader = 0, picked[4] = { 0 };
      gboolean dissolved = FALSE;

      if (id <= N_CHAINS)
        {
          kind = "commando", chain = (int) id - 1, host = CHAIN_ORG (chain);
          g_snprintf (name, sizeof name, "%s产业链党员突击队", chain_names[chain]);
        }
      else if (id <= N_CHAINS + 3)
        {
          kind = "expert_group", chain = -1, host = ROOT_ORG;
          g_snprintf (name, sizeof name, "园区发展服务团专家组（第%s组）", cn_numbers[id - N_CHAINS - 1]);
        }
      else
        {
          gint32 e;

          kind = "task_force";
          host = g_array_index (committees, gint32, g_rand_int_range (r, 0, (gint32) committees->len));
          chain = g->org_chain[host - 1];
          e = g_array_index (g->cov, gint32, g->org_ent_first[host - 1]);
          enterprise_name (ent, sizeof ent, e, g->ent_chain[e - 1]);
          g_snprintf (name, sizeof name, "%s技术攻关小组（%" G_GINT64_FORMAT "）", ent, id);
          dissolved = chance (r, 8);
        }
      if (g->org_mem_count[host - 1] > 0)
        leader = g->org_mems[g->org_mem_first[host - 1]];
      sqlite3_bind_int64 (st, 1, id);
      bind_ts (st, 2, formed * DAY_MIN + 2 * HOUR_MIN);
      bind_text (st, 3, name);
      bind_text (st, 4, kind);
      sqlite3_bind_int (st, 5, host);
      bind_id (st, 6, leader);
      bind_day (st, 7, formed);
      bind_text (st, 8, dissolved ? "dissolved" : "active");
      insert_row (g, st);

      if (leader)
        pb_team_member (g, tm, id, leader, NULL, "leader");
      picked[0] = leader;
      for (int k = 1, n = (int) between (r, 2, 3); k <= n; k++)
        {
          gint64 m = chain_member (g, r, chain);
          gboolean dup = FALSE;

          for (int q = 0; q < k; q++)
            dup |= picked[q] == m;
          if (dup)
            continue;
          picked[k] = m;
          pb_team_member (g, tm, id, m, NULL, k == n ? "liaison" : "expert");
        }
      if (chance (r, 30))
        {
          char who[200], person[32];

          person_name (r, person, sizeof person);
          g_snprintf (who, sizeof who, "%s %s%s", PICK_SHARED (external_experts, g_rand_int (r)), person,
                      PICK_SHARED (expert_titles, g_rand_int (r)));
          pb_team_member (g, tm, id, 0, who, "external");
        }
      if (!dissolved)
        g_array_append_val (chain >= 0 ? pb->teams_by_chain[chain] : pb->teams_anywhere, id);
    }
  sqlite3_finalize (st);
  sqlite3_finalize (tm);
  g_array_unref (committees);
  progress ("problem-board teams", total, total);
}

/* An active team for a problem on chain @c, none of @avoid; 0 if none. */
static gint64
pb_pick_team (Pb *pb, GRand *r, int c, const gint64 *avoid, int n_avoid)
{
  GArray *own = pb->teams_by_chain[c];

  for (int attempt = 0; attempt < 12; attempt++)
    {
      GArray *from = own->len > 0 && !chance (r, 15) ? own : pb->teams_anywhere;
      gint64 t;
      gboolean dup = FALSE;

      if (from->len == 0)
        continue;
      t = g_array_index (from, gint64, g_rand_int_range (r, 0, (gint32) from->len));
      for (int q = 0; q < n_avoid; q++)
        dup |= avoid[q] == t;
      if (!dup)
        return t;
    }
  return 0;
}

/* A key project of enterprise @e and its status changes (@changes[0] is
 * the status it was created with), each on the enterprise timeline. */
static gint64
pb_write_project (Gen *g, GRand *r, Pb *pb, gint64 e, int c, const gint64 *at, const char *const *status, int n,
                  gint64 back_day)
{
  gint64 id = ++pb->n_projects;
  char name[300];
  gboolean lagged = FALSE;

  g_snprintf (name, sizeof name, "%s%s%s", PICK_SHARED (brands, mix64 ((guint64) e) >> 8), chain_trades[c],
              PICK (pb_project_kinds, g_rand_int (r)));
  for (int k = 0; k < n; k++)
    {
      lagged |= g_str_equal (status[k], "lagging");
      bind_id (pb->project_event, 1, id);
      bind_ts (pb->project_event, 2, at[k]);
      bind_text (pb->project_event, 3, k ? status[k - 1] : NULL);
      bind_text (pb->project_event, 4, status[k]);
      insert_row (g, pb->project_event);
    }
  sqlite3_bind_int64 (pb->project, 1, id);
  sqlite3_bind_int (pb->project, 2, n);
  bind_ts (pb->project, 3, at[0]);
  bind_ts (pb->project, 4, at[n - 1]);
  bind_text (pb->project, 5, name);
  sqlite3_bind_int64 (pb->project, 6, e);
  sqlite3_bind_int (pb->project, 7, c + 1);
  bind_text (pb->project, 8, PICK (pb_milestones, g_rand_int (r)));
  bind_day (pb->project, 9, at[0] / DAY_MIN + between (r, 90, 400));
  bind_text (pb->project, 10, status[n - 1]);
  bind_text (pb->project, 11, lagged ? PICK (pb_lag_reasons, g_rand_int (r)) : NULL);
  bind_day (pb->project, 12, back_day);
  insert_row (g, pb->project);
  return id;
}

/* One claim on an open problem by @team, from @created; @fate says how it
 * ends: accepted at @end, declined at @end (another team or none took the
 * problem), or withdrawn or left live earlier. */
static void
pb_write_claim (Gen *g, GRand *r, Pb *pb, gint64 problem, gint64 team, gint64 created, gint64 end, gboolean winner,
                gboolean via_claim)
{
  static const char *const approaches[] = {
    "组建攻关小组，党员骨干领衔，分阶段试验验证", "联合高校开展技术攻关，先小试后中试", "组织专家现场诊断后提出改进方案",
    "引入成熟工艺并结合企业实际优化",
  };
  gint64 id = ++pb->n_claims;
  Walk w;
  char data[64];

  walk_init (&w, g, "problem-board/claims", id, "submitted", created);
  if (chance (r, winner ? 40 : 30))
    walk_fire (&w, MIN (created + between (r, DAY_MIN, 5 * DAY_MIN), end - 1), "shortlist", "shortlisted", NULL, NULL);
  if (winner)
    walk_fire (&w, end, "accept", "accepted", NULL, NULL);
  else if (chance (r, 10))
    walk_fire (&w, MIN (w.at + between (r, DAY_MIN, 10 * DAY_MIN), end - 1), "withdraw", "withdrawn", NULL, NULL);
  else
    {
      g_snprintf (data, sizeof data, "{\"reason\":\"%s\"}", via_claim ? "another team took the problem on"
                                                                      : "the problem was withdrawn or given to a team");
      walk_fire (&w, end, "decline", "declined", via_claim ? "another team took the problem on"
                                                            : "the problem was withdrawn or given to a team", data);
    }
  sqlite3_bind_int64 (pb->claim, 1, id);
  sqlite3_bind_int (pb->claim, 2, 1 + w.steps);
  bind_ts (pb->claim, 3, created);
  bind_ts (pb->claim, 4, w.at);
  sqlite3_bind_int64 (pb->claim, 5, problem);
  sqlite3_bind_int64 (pb->claim, 6, team);
  bind_text (pb->claim, 7, PICK (approaches, g_rand_int (r)));
  bind_text (pb->claim, 8, chance (r, 70) ? "四周内完成方案论证，八周内完成试验验证，三个月内交付成果" : NULL);
  bind_text (pb->claim, 9, w.state);
  insert_row (g, pb->claim);
}

/* Open: claims come in until a team starts (by an accepted claim, or
 * given directly by the committee) or the owner withdraws it. */
static void
pb_problem_open (Gen *g, GRand *r, Pb *pb, Walk *w, PbProblem *p, int c)
{
  gint64 published = w->at, start = published + between (r, 7 * DAY_MIN, 90 * DAY_MIN);
  gboolean withdrawn = chance (r, 8), via_claim = !withdrawn && chance (r, 80);
  gint64 end = withdrawn ? published + between (r, 30 * DAY_MIN, 120 * DAY_MIN) : start;
  gint64 teams[4] = { 0 };
  int n_rivals = chance (r, 50) ? 0 : chance (r, 70) ? 1 : 2, n_teams = 0;
  char data[96], note[64];

  if (!withdrawn && (teams[n_teams] = pb_pick_team (pb, r, c, teams, n_teams)) != 0)
    n_teams++;
  if (n_teams == 0)
    via_claim = FALSE;
  for (int k = 0; k < n_rivals; k++)
    if ((teams[n_teams] = pb_pick_team (pb, r, c, teams, n_teams)) != 0)
      n_teams++;
  for (int k = withdrawn ? 0 : 1; k < n_teams; k++)
    {
      gint64 created = published + (gint64) ((end - published) * (0.05 + 0.8 * g_rand_double (r)));
      if (created <= NOW_MIN)
        pb_write_claim (g, r, pb, w->id, teams[k], created, end, FALSE, via_claim);
    }
  if (withdrawn)
    {
      if (walk_fire (w, end, "withdraw", "withdrawn", NULL, NULL))
        p->closed = w->at;
      return;
    }
  if (n_teams == 0)
    return;                    /* no team in the chain: it stays open */
  if (via_claim)
    {
      gint64 created = published + (gint64) ((start - published) * (0.1 + 0.7 * g_rand_double (r)));
      if (created <= NOW_MIN)
        pb_write_claim (g, r, pb, w->id, teams[0], created, start, TRUE, TRUE);
      g_snprintf (data, sizeof data, "{\"team_id\":%" G_GINT64_FORMAT ",\"claim_id\":%" G_GINT64_FORMAT "}", teams[0],
                  pb->n_claims);
      g_snprintf (note, sizeof note, "claim %" G_GINT64_FORMAT " accepted", pb->n_claims);
    }
  else
    g_snprintf (data, sizeof data, "{\"team_id\":%" G_GINT64_FORMAT "}", teams[0]);
  if (!walk_fire (w, start, "start", "in_progress", via_claim ? note : NULL, data))
    return;
  p->started = w->at;
  p->team = teams[0];
  if (chance (r, 8) && (!walk_fire (w, w->at + between (r, 10 * DAY_MIN, 60 * DAY_MIN), "hold", "on_hold",
                                    "等待外部条件（环评批复、设备到货）", NULL)
                        || !walk_fire (w, w->at + between (r, 10 * DAY_MIN, 60 * DAY_MIN), "resume", "in_progress", NULL, NULL)))
    return;
  if (chance (r, 8))
    {
      if (walk_fire (w, w->at + between (r, 60 * DAY_MIN, 300 * DAY_MIN), "close_unsolved", "unsolved",
                     "需国家级实验室条件，园区内无法解决", NULL))
        p->closed = w->at;
      return;
    }
  if (!walk_fire (w, w->at + between (r, 30 * DAY_MIN, 240 * DAY_MIN), "deliver", "delivered", NULL,
                  "{\"evidence\":\"试验报告与中试数据已提交企业\"}"))
    return;
  if (chance (r, 10) && (!walk_fire (w, w->at + between (r, 5 * DAY_MIN, 15 * DAY_MIN), "fail_acceptance", "in_progress",
                                     "验收指标未全部达到", NULL)
                         || !walk_fire (w, w->at + between (r, 15 * DAY_MIN, 60 * DAY_MIN), "deliver", "delivered", NULL,
                                        "{\"evidence\":\"补充试验报告已提交企业\"}")))
    return;
  if (walk_fire (w, w->at + between (r, 3 * DAY_MIN, 20 * DAY_MIN), "solve", "solved", NULL, NULL))
    p->solved = w->at;
}

/* From draft as far as the problem's fate and the clock allow. */
static void
pb_problem_walk (Gen *g, GRand *r, Pb *pb, Walk *w, PbProblem *p, int c)
{
  int x;

  if (chance (r, 3))
    return;                    /* a draft nobody submitted */
  if (!walk_fire (w, w->at + between (r, 10, 3 * DAY_MIN), "submit", "submitted", NULL, NULL))
    return;
  p->submitted = w->at;
  if (chance (r, 3))
    {
      if (walk_fire (w, w->at + between (r, DAY_MIN, 5 * DAY_MIN), "withdraw", "withdrawn", NULL, NULL))
        p->closed = w->at;
      return;
    }
  if (!walk_fire (w, w->at + between (r, DAY_MIN, 5 * DAY_MIN), "review", "under_review", NULL, NULL))
    return;
  if (chance (r, 15))
    {
      if (!walk_fire (w, w->at + between (r, DAY_MIN, 3 * DAY_MIN), "request_info", "needs_info",
                      "请补充工艺参数与现有检测数据", NULL) || chance (r, 20)
          || !walk_fire (w, w->at + between (r, 3 * DAY_MIN, 10 * DAY_MIN), "resubmit", "under_review", NULL, NULL))
        return;
    }
  x = g_rand_int_range (r, 0, 100);
  if (x < 9)
    {
      gboolean reject = x < 6;
      if (walk_fire (w, w->at + between (r, 2 * DAY_MIN, 10 * DAY_MIN), reject ? "reject" : "withdraw",
                     reject ? "rejected" : "withdrawn", reject ? "不属于技术攻关范围，已转交相关部门" : NULL, NULL))
        p->closed = w->at;
      return;
    }
  if (!walk_fire (w, w->at + between (r, 2 * DAY_MIN, 10 * DAY_MIN), "publish", "open", NULL, NULL))
    return;
  p->published = w->at;
  pb_problem_open (g, r, pb, w, p, c);
}

/* Progress updates while the problem was under way. */
static void
pb_write_updates (Gen *g, GRand *r, Pb *pb, gint64 problem, gint64 from, gint64 to)
{
  gint64 at[6];
  int n = (int) between (r, 1, 5);

  for (int k = 0; k < n; k++)
    at[k] = from + (gint64) ((to - from) * g_rand_double (r));
  qsort (at, (size_t) n, sizeof (gint64), cmp_i64);
  for (int k = 0; k < n; k++)
    {
      sqlite3_bind_int64 (pb->update, 1, ++pb->n_updates);
      bind_ts (pb->update, 2, at[k]);
      sqlite3_bind_int64 (pb->update, 3, problem);
      bind_text (pb->update, 4, pb_update_kinds[weighted (r, pb_update_weights, G_N_ELEMENTS (pb_update_weights))]);
      bind_text (pb->update, 5, PICK (pb_update_texts, g_rand_int (r)));
      sqlite3_bind_int (pb->update, 6, MIN (95, 10 + 85 * (k + 1) / n));
      insert_row (g, pb->update);
    }
}

/* A third of the problems hold up one or two key projects of the same
 * enterprise, lagging since before the problem was posted; solving it
 * brings them back on track (the solve event's projects_back_on_track). */
static void
pb_problem_projects (Gen *g, GRand *r, Pb *pb, gint64 problem, gint64 e, int c, const PbProblem *p)
{
  for (int k = 0, n = (int) between (r, 1, 2); k < n; k++)
    {
      gint64 at[3] = { p->created - between (r, 30 * DAY_MIN, 300 * DAY_MIN) };
      const char *status[3] = { "lagging" };
      int m = 1;
      gint64 back = -1, project;

      if (p->solved >= 0 && chance (r, 85))
        {
          at[m] = p->solved, status[m++] = "back_on_track", back = p->solved / DAY_MIN;
          if (chance (r, 30) && p->solved + 60 * DAY_MIN <= NOW_MIN)
            at[m] = MIN (NOW_MIN, p->solved + between (r, 60 * DAY_MIN, 240 * DAY_MIN)), status[m++] = "done";
        }
      else if (p->started >= 0 && p->closed >= 0 && chance (r, 40) && p->closed + 10 * DAY_MIN <= NOW_MIN)
        at[m] = MIN (NOW_MIN, p->closed + between (r, 10 * DAY_MIN, 60 * DAY_MIN)), status[m++] = "abandoned";
      project = pb_write_project (g, r, pb, e, c, at, status, m, back);
      sqlite3_bind_int64 (pb->link, 1, problem);
      sqlite3_bind_int64 (pb->link, 2, project);
      insert_row (g, pb->link);
    }
}

static void
pb_write_problem (Gen *g, GRand *r, Pb *pb, gint64 id, gint64 created)
{
  static const int priority_w[] = { 60, 30, 10 }, visibility_w[] = { 70, 20, 10 }, source_w[] = { 70, 20, 10 };
  static const char *const priorities[] = { "normal", "high", "urgent" };
  static const char *const visibilities[] = { "park", "chain", "team" };
  static const char *const sources[] = { "self", "visit", "service_team" };
  gint64 e = active_enterprise (g, r);
  int c = g->ent_chain[e - 1], cat = weighted (r, pb_category_weights, G_N_ELEMENTS (pb_category_weights));
  int year, month, day, source = weighted (r, source_w, 3);
  PbProblem p = { created, -1, -1, -1, -1, -1, 0 };
  char code[32], title[300], description[600];
  const char *phrase = pb_phrases[cat][g_rand_int_range (r, 0, 4)];
  sqlite3_stmt *st = pb->problem;
  Walk w;

  civil (created / DAY_MIN, &year, &month, &day);
  g_snprintf (code, sizeof code, "JSGG-%04d-%03d", year, ++pb->codes[CLAMP (year - 2000, 0, 99)]);
  g_snprintf (title, sizeof title, "%s%s%s", PICK_SHARED (brands, mix64 ((guint64) e) >> 8), chain_trades[c], phrase);
  g_snprintf (description, sizeof description, "企业在%s环节遇到“%s”问题，影响产能和产品质量，希望通过揭榜攻关在%d个月内解决。",
              chain_trades[c], phrase, (int) between (r, 3, 12));
  walk_init (&w, g, "problem-board/problems", id, "draft", created);
  pb_problem_walk (g, r, pb, &w, &p, c);
  if (p.started >= 0)
    pb_write_updates (g, r, pb, id, p.started, p.solved >= 0 ? p.solved : p.closed >= 0 ? p.closed : NOW_MIN);
  if (chance (r, 30))
    pb_problem_projects (g, r, pb, id, e, c, &p);

  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_int (st, 2, 1 + w.steps);
  bind_ts (st, 3, created);
  bind_ts (st, 4, w.at);
  bind_text (st, 5, code);
  bind_text (st, 6, title);
  bind_text (st, 7, description);
  sqlite3_bind_int (st, 8, c + 1);
  sqlite3_bind_int64 (st, 9, e);
  bind_text (st, 10, pb_categories[cat]);
  bind_text (st, 11, priorities[weighted (r, priority_w, 3)]);
  bind_text (st, 12, visibilities[weighted (r, visibility_w, 3)]);
  bind_text (st, 13, "关键指标连续三批达到设计值，企业组织验收");
  bind_day (st, 14, created / DAY_MIN + between (r, 90, 365));
  bind_text (st, 15, sources[source]);
  bind_text (st, 16, source == 1 ? "企业走访发现" : source == 2 ? "发展服务团推荐" : NULL);
  bind_id (st, 17, p.team);
  bind_text (st, 18, w.state);
  if (p.solved >= 0)
    {
      static const int satisfaction_w[] = { 0, 0, 10, 30, 60 };
      bind_text (st, 19, chance (r, 85) ? "solved" : "partly_solved");
      sqlite3_bind_int (st, 20, (int) between (r, 10, 120));
      bind_real (st, 21, 10000.0 * (double) between (r, 5, 500));
      bind_real (st, 22, chance (r, 50) ? 10000.0 * (double) between (r, 50, 5000) : -1);
      sqlite3_bind_int (st, 23, (int) between (r, 0, 3));
      bind_text (st, 24, "攻关成果已在生产线应用，关键指标达到设计值");
      sqlite3_bind_int (st, 25, 1 + weighted (r, satisfaction_w, 5));
    }
  bind_ts (st, 26, p.submitted);
  bind_ts (st, 27, p.published);
  bind_ts (st, 28, p.started);
  bind_ts (st, 29, p.solved);
  bind_ts (st, 30, p.closed);
  insert_row (g, st);
}

/* Key projects no problem holds up: on track, done, or lagging for other
 * reasons. */
static void
pb_write_other_projects (Gen *g, GRand *r, Pb *pb)
{
  gint64 n = scaled (g, 2000, 5);

  for (gint64 k = 0; k < n; k++)
    {
      gint64 e = active_enterprise (g, r);
      gint64 at[2] = { NOW_MIN - between (r, 30 * DAY_MIN, 900 * DAY_MIN) };
      const char *status[2] = { "on_track" };
      int m = 1, x = g_rand_int_range (r, 0, 100);

      if (x < 25)
        at[m] = MIN (NOW_MIN, at[0] + between (r, 90 * DAY_MIN, 400 * DAY_MIN)), status[m++] = "done";
      else if (x < 40)
        at[m] = MIN (NOW_MIN, at[0] + between (r, 30 * DAY_MIN, 200 * DAY_MIN)), status[m++] = "lagging";
      pb_write_project (g, r, pb, e, g->ent_chain[e - 1], at, status, m, -1);
    }
}

/* The teams, then the problems posted over the last three and a half years
 * (with their claims, updates and held-up projects), then the projects no
 * problem holds up. */
static void
pb_fill (Gen *g, GRand *r)
{
  Pb pb = { 0 };
  gint64 n = scaled (g, 20000, 30), *created;

  pb.problem = prep (g->db, "INSERT INTO problem_board_problems (id, version, created_at, updated_at, code, title, description,"
                            " chain_id, enterprise_id, category, priority, visibility, acceptance_criteria, desired_by, source,"
                            " source_ref, team_id, state, verdict, days_recovered, cost_saved_cny, output_value_cny, patents,"
                            " outcome_note, satisfaction, submitted_at, published_at, started_at, solved_at, closed_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
                            " ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)");
  pb.claim = prep (g->db, "INSERT INTO problem_board_claims (id, version, created_at, updated_at, problem_id, team_id, approach,"
                          " plan, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  pb.update = prep (g->db, "INSERT INTO problem_board_updates (id, version, created_at, updated_at, problem_id, kind, text,"
                           " progress_pct, at) VALUES (?1, 1, ?2, ?2, ?3, ?4, ?5, ?6, ?2)");
  pb.project = prep (g->db, "INSERT INTO problem_board_projects (id, version, created_at, updated_at, name, enterprise_id,"
                            " chain_id, planned_milestone, planned_date, status, lag_reason, back_on_track_on)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  pb.project_event = prep (g->db, "INSERT INTO problem_board_project_events (project_id, at, from_status, to_status)"
                                  " VALUES (?1, ?2, ?3, ?4)");
  pb.link = prep (g->db, "INSERT INTO problem_board_problem_projects (problem_id, project_id) VALUES (?1, ?2)");

  exec (g->db, "BEGIN");
  pb_write_teams (g, r, &pb);
  /* Posted over the last three and a half years, numbered in that order. */
  created = g_new (gint64, n);
  for (gint64 i = 0; i < n; i++)
    created[i] = NOW_MIN - between (r, DAY_MIN, 1270 * DAY_MIN);
  qsort (created, (size_t) n, sizeof (gint64), cmp_i64);
  for (gint64 i = 0; i < n; i++)
    {
      pb_write_problem (g, r, &pb, i + 1, created[i]);
      progress ("problem-board problems", i + 1, n);
    }
  pb_write_other_projects (g, r, &pb);
  exec (g->db, "COMMIT");

  finalize_all (pb.problem, pb.claim, pb.update, pb.project, pb.project_event, pb.link, NULL);
  for (int c = 0; c < N_CHAINS; c++)
    g_array_unref (pb.teams_by_chain[c]);
  g_array_unref (pb.teams_anywhere);
  g_free (created);
}

gboolean
gen_plugin_problem_board (Gen *g)
{
  static const char *const tables[] = {
    "problem_board_problems", "problem_board_claims", "problem_board_updates", "problem_board_teams",
    "problem_board_team_members", "problem_board_projects", "problem_board_project_events",
    "problem_board_problem_projects", NULL
  };

  return gen_plugin (g, "problem-board", tables, 10, pb_fill);
}
