/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lj-bench-gen's visit-log data (lj-bench-gen.c says how the dataset is
 * made).  At scale 1: a round per chain per quarter of the year (240),
 * every active enterprise of the chain assigned to a service team in each
 * (~380,000 assignments, ~330,000 visits, the fourth round still running),
 * requests on 10% of visits plus phone requests, with their request log,
 * escalations and the core's transition history. */
#include "lj-bench-gen.h"

#include <string.h>

typedef struct {
  const char *category, *description, *outcome, *unit, *resolution;
} VlTopic;

/* The request topics, as in the plugin's demo (plugins/visit-log/vl-demo.c). */
static const VlTopic vl_topics[] = {
  { "land", "扩建厂房用地指标不足，二期项目无法开工", "协调落实扩建用地", "自然资源分局",
    "纳入园区年度用地计划，完成土地预审并挂牌出让" },
  { "utilities", "生产线扩容后用电负荷不足，需新增专用变压器", "新增10kV专线及变压器", "供电服务中心",
    "供电公司开辟绿色通道，专线接入并通电" },
  { "financing", "原材料备货资金缺口较大，申请流动资金贷款", "获得银行授信支持", "财政金融局",
    "组织银企对接，合作银行发放信用贷款" },
  { "permits", "新产品生产许可证办理进度慢", "加快审批", "政务服务中心", "实行帮办代办，许可证已核发" },
  { "talent", "技术工人招聘困难，缺少熟练操作工", "对接职业院校定向培养", "人力资源和社会保障局",
    "联系职教中心开设订单班，首批学员到岗" },
  { "policy", "不清楚技术改造补助政策申报条件", "政策解读和申报指导", "经济发展局", "专人上门解读政策，协助完成申报" },
  { "logistics", "园区道路夜间照明不足，货车进出不便", "完善道路照明", "建设管理局", "新增路灯并投入使用" },
  { "market", "产品进入省内商超渠道受阻", "搭建产销对接平台", "商务局", "组织产销对接会，签订供货协议" },
  { "technology", "检测设备老化，质量检测能力不足", "对接高校共建检测平台", "科技局", "与高校共建联合实验室，检测服务已开放" },
  { "other", "企业反映周边交通和配套服务问题", "改善园区配套服务", "管委会综合办", "协调公交线路延伸，配套服务已改善" },
};
static const int vl_topic_weights[] = { 15, 15, 18, 8, 10, 10, 6, 8, 7, 3 };
static const char *const vl_departments[] = {
  "经济发展局", "财政金融局", "自然资源分局", "政务服务中心", "供电服务中心", "科技局", "商务局", "人力资源和社会保障局",
};
static const char *const vl_summaries[] = {
  "了解企业生产经营、党建工作和急难愁盼问题，现场答复政策咨询",
  "走访生产车间，听取企业对园区服务的意见建议，宣讲惠企政策",
  "了解用工、用电和融资需求，对接相关部门跟进办理",
};
static const char *const vl_skip_reasons[] = {
  "企业停产检修，负责人不在岗，改由下一轮走访", "企业负责人外出，约定下轮走访", "企业搬迁中，暂缓走访",
};

/* The 1610 policy (migration step 1): due times from registration. */
static const struct {
  const char *deadline;
  int         days;
} vl_deadlines[] = { { "accept", 1 }, { "handle", 6 }, { "close", 10 } };

#define VL_MAX_STEPS 48

typedef struct {
  gint64      at;
  const char *event, *from, *to, *note;
  char        data[160];
  gboolean    escalation;
} VlStep;

/* A request's life: its transitions, then the escalations the periodic
 * check would have recorded, in time order. */
typedef struct {
  VlStep      steps[VL_MAX_STEPS];
  int         n;
  const char *state, *satisfaction;
  gint64      at, accepted, resolved, closed, next_review;
  int         reopens;
  gboolean    assigned, long_term;
} VlRequest;

typedef struct {
  sqlite3_stmt *campaign, *campaign_chain, *team, *team_member, *assignment, *visit, *request, *log, *escalation;
  gint32       *ent_members;   /* enterprise -> party members working in it */
  gint64        n_teams, n_assignments, n_visits, n_requests;
} Vl;

/* Days since the epoch of a civil date (Howard Hinnant's days_from_civil). */
static gint64
day_of (int y, int m, int d)
{
  gint64 era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned) (y - era * 400);
  doy = (unsigned) ((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static VlStep *
vl_step (VlRequest *q, gint64 when, const char *event, const char *to, const char *note)
{
  VlStep *s;

  /* Room is kept for the three escalations. */
  if (when > NOW_MIN || q->n >= VL_MAX_STEPS - 3)
    return NULL;
  s = &q->steps[q->n++];
  *s = (VlStep) { MAX (when, q->at), event, q->state, to, note, "", FALSE };
  q->state = to;
  q->at = s->at;
  return s;
}

static const char *
vl_state_at (const VlRequest *q, gint64 t)
{
  const char *state = "registered";

  for (int i = 0; i < q->n && q->steps[i].at <= t; i++)
    if (!q->steps[i].escalation)
      state = q->steps[i].to;
  return state;
}

static gboolean
vl_resolve_and_close (GRand *r, VlRequest *q, gint64 when)
{
  static const char *const answers[] = { "satisfied", "basically_satisfied", "unsatisfied" };
  static const int answer_w[] = { 80, 17, 3 };
  VlStep *s;
  const char *answer;

  if (vl_step (q, when, "resolve", "resolved", NULL) == NULL)
    return FALSE;
  q->resolved = q->at;
  answer = answers[weighted (r, answer_w, 3)];
  if ((s = vl_step (q, q->at + between (r, DAY_MIN, 3 * DAY_MIN), "verify", "verified", NULL)) == NULL)
    return FALSE;
  g_snprintf (s->data, sizeof s->data, "{\"satisfaction\":\"%s\"}", answer);
  q->satisfaction = answer;
  if (g_str_equal (answer, "unsatisfied"))
    {
      if (vl_step (q, q->at + between (r, DAY_MIN, 2 * DAY_MIN), "reopen", "in_progress", NULL) == NULL)
        return FALSE;
      q->reopens++;
      q->satisfaction = NULL;
      return vl_resolve_and_close (r, q, q->at + between (r, 2 * DAY_MIN, 5 * DAY_MIN));
    }
  if (vl_step (q, q->at + (chance (r, 5) ? between (r, 3 * DAY_MIN, 8 * DAY_MIN) : between (r, 0, 2 * DAY_MIN)),
               "close", "closed", NULL) == NULL)
    return FALSE;
  q->closed = q->at;
  return TRUE;
}

/* From registration as far as the request's fate and the clock allow:
 * triage (late now and then), assignment, handling (returned, or made a
 * long-term request with monthly progress, now and then), the revisit and
 * the close. */
static void
vl_request_walk (GRand *r, VlRequest *q, gint64 reg, int chain)
{
  VlStep *s;
  char day[16];

  if (chance (r, 3))
    {
      if (vl_step (q, reg + between (r, 2 * HOUR_MIN, 20 * HOUR_MIN), "reject", "rejected", "属于企业内部经营事项，不在服务范围"))
        q->accepted = q->at;
      return;
    }
  if (!vl_step (q, reg + (chance (r, 8) ? between (r, 25 * HOUR_MIN, 60 * HOUR_MIN) : between (r, HOUR_MIN, 20 * HOUR_MIN)),
                "accept", "accepted", NULL))
    return;
  q->accepted = q->at;
  if ((s = vl_step (q, q->at + between (r, HOUR_MIN, DAY_MIN), "assign", "assigned", NULL)) == NULL)
    return;
  q->assigned = TRUE;
  g_snprintf (s->data, sizeof s->data, "{\"handler_org_id\":%d}", CHAIN_ORG (chain));
  if (!vl_step (q, q->at + between (r, HOUR_MIN, DAY_MIN), "start", "in_progress", NULL))
    return;
  if (chance (r, 3) && (!vl_step (q, q->at + between (r, DAY_MIN, 3 * DAY_MIN), "return", "accepted", "需由其他部门牵头办理")
                        || !vl_step (q, q->at + between (r, 4 * HOUR_MIN, DAY_MIN), "assign", "assigned", NULL)
                        || !vl_step (q, q->at + between (r, HOUR_MIN, DAY_MIN), "start", "in_progress", NULL)))
    return;
  if (chance (r, 4))
    {
      if ((s = vl_step (q, q->at + between (r, 2 * DAY_MIN, 5 * DAY_MIN), "mark_long_term", "long_term", NULL)) == NULL)
        return;
      q->long_term = TRUE;
      q->next_review = q->at / DAY_MIN + 30;
      fmt_date (day, q->next_review);
      g_snprintf (s->data, sizeof s->data, "{\"next_review_on\":\"%s\"}", day);
      for (int k = 0, n = (int) between (r, 1, 10); k < n; k++)
        {
          if ((s = vl_step (q, q->at + 30 * DAY_MIN, "progress", "long_term", NULL)) == NULL)
            return;
          q->next_review = q->at / DAY_MIN + 30;
          fmt_date (day, q->next_review);
          g_snprintf (s->data, sizeof s->data, "{\"progress\":\"按计划推进，本月完成阶段任务\",\"next_review_on\":\"%s\"}", day);
        }
      if (chance (r, 50))
        return;
      vl_resolve_and_close (r, q, q->at + between (r, 5 * DAY_MIN, 20 * DAY_MIN));
      return;
    }
  vl_resolve_and_close (r, q, q->at + (chance (r, 10) ? between (r, 6 * DAY_MIN, 12 * DAY_MIN)
                                                       : between (r, DAY_MIN, 5 * DAY_MIN)));
}

/* Whether the check watches deadline @i (accept, handle, close) of a
 * request in @state: accept while registered; handle while not yet
 * resolved; close until closed; none for rejected or long-term requests. */
static gboolean
vl_watched (guint i, const char *state)
{
  static const char *const unresolved[] = { "registered", "accepted", "assigned", "in_progress", NULL };
  static const char *const settled[] = { "closed", "rejected", "long_term", NULL };

  if (i == 0)
    return g_str_equal (state, "registered");
  if (i == 1)
    return g_strv_contains (unresolved, state);
  return !g_strv_contains (settled, state);
}

/* The escalations the check (plugins/visit-log/vl-escalation.c, every
 * minute) would have recorded: the first minute after a deadline at which
 * the request is in a state the deadline is watched in, which is just
 * after the deadline or just after a later transition (a reopened request
 * is handled late again). */
static void
vl_escalations (VlRequest *q, gint64 reg)
{
  int n_transitions = q->n;

  for (guint i = 0; i < G_N_ELEMENTS (vl_deadlines); i++)
    {
      gint64 due = reg + vl_deadlines[i].days * DAY_MIN, check = due + 1;
      const char *s = NULL;
      char due_at[24];
      VlStep *e;

      for (int k = -1; k < n_transitions && s == NULL; k++)
        {
          if (k >= 0)
            check = MAX (check, q->steps[k].at + 1);
          if (check > NOW_MIN)
            break;
          if (k + 1 < n_transitions && q->steps[k + 1].at < check)
            continue;         /* the state at @check is a later step's */
          if (vl_watched (i, vl_state_at (q, check)))
            s = vl_state_at (q, check);
        }
      if (s == NULL)
        continue;
      e = &q->steps[q->n++];
      *e = (VlStep) { check, NULL, s, s, NULL, "", TRUE };
      e->event = i == 0 ? "escalate_accept" : i == 1 ? "escalate_handle" : "escalate_close";
      fmt_ts (due_at, due);
      g_snprintf (e->data, sizeof e->data, "{\"deadline\":\"%s\",\"due_at\":\"%s\"}", vl_deadlines[i].deadline, due_at);
    }
  /* Into time order (stable: a few rows). */
  for (int i = 1; i < q->n; i++)
    for (int j = i; j > 0 && q->steps[j - 1].at > q->steps[j].at; j--)
      {
        VlStep t = q->steps[j];
        q->steps[j] = q->steps[j - 1];
        q->steps[j - 1] = t;
      }
}

static void
vl_write_request (Gen *g, GRand *r, Vl *vl, gint64 visit, gint64 team, gint64 e, gint64 reg, const char *source)
{
  const VlTopic *topic = &vl_topics[weighted (r, vl_topic_weights, G_N_ELEMENTS (vl_topic_weights))];
  int chain = g->ent_chain[e - 1];
  gint64 id = ++vl->n_requests, last = reg;
  VlRequest q = { .state = "registered", .at = reg, .accepted = -1, .resolved = -1, .closed = -1, .next_review = -1 };
  sqlite3_stmt *st = vl->request;
  char unit[256];

  vl_request_walk (r, &q, reg, chain);
  vl_escalations (&q, reg);
  g_snprintf (unit, sizeof unit, "%s%s", PICK_SHARED (districts, mix64 ((guint64) e) >> 16), topic->unit);

  /* The request before its log and escalations: the visit-log statistics
   * count those onto their request as they are written (0003). */
  for (int i = 0; i < q.n; i++)
    last = MAX (last, q.steps[i].at);
  sqlite3_bind_int64 (st, 1, id);
  sqlite3_bind_int (st, 2, 1 + q.n);
  bind_ts (st, 3, reg);
  bind_ts (st, 4, last);
  bind_id (st, 5, visit);
  bind_id (st, 6, team);
  sqlite3_bind_int64 (st, 7, e);
  sqlite3_bind_int (st, 8, chain + 1);
  bind_text (st, 9, source);
  bind_text (st, 10, topic->category);
  bind_text (st, 11, topic->description);
  bind_text (st, 12, topic->outcome);
  bind_text (st, 13, chance (r, 15) ? "urgent" : "normal");
  bind_id (st, 14, q.assigned ? CHAIN_ORG (chain) : 0);
  bind_text (st, 15, q.assigned ? unit : NULL);
  bind_text (st, 16, q.state);
  bind_text (st, 17, q.resolved >= 0 ? topic->resolution : NULL);
  bind_text (st, 18, q.satisfaction);
  sqlite3_bind_int (st, 19, q.reopens);
  bind_text (st, 20, q.long_term ? "分期推进：先完成规划调整，再报批建设，每月报送进展" : NULL);
  bind_day (st, 21, q.next_review);
  bind_ts (st, 22, reg);
  for (guint i = 0; i < G_N_ELEMENTS (vl_deadlines); i++)
    bind_ts (st, 23 + (int) i, reg + vl_deadlines[i].days * DAY_MIN);
  bind_ts (st, 26, q.accepted);
  bind_ts (st, 27, q.resolved);
  bind_ts (st, 28, q.closed);
  insert_row (g, st);
  bind_id (vl->log, 1, id);
  bind_ts (vl->log, 2, reg);
  bind_text (vl->log, 3, "registered");
  bind_text (vl->log, 4, "register");
  bind_text (vl->log, 5, NULL);
  bind_text (vl->log, 6, "registered");
  bind_text (vl->log, 7, NULL);
  bind_text (vl->log, 8, NULL);
  insert_row (g, vl->log);
  for (int i = 0; i < q.n; i++)
    {
      const VlStep *s = &q.steps[i];

      bind_id (vl->log, 1, id);
      bind_ts (vl->log, 2, s->at);
      bind_text (vl->log, 3, s->escalation ? "escalation" : "transition");
      bind_text (vl->log, 4, s->event);
      bind_text (vl->log, 5, s->from);
      bind_text (vl->log, 6, s->to);
      bind_text (vl->log, 7, s->note);
      bind_text (vl->log, 8, s->data[0] ? s->data : NULL);
      insert_row (g, vl->log);
      if (s->escalation)
        {
          sqlite3_bind_int64 (vl->escalation, 1, id);
          bind_text (vl->escalation, 2, s->event + strlen ("escalate_"));
          bind_ts (vl->escalation, 3, s->at - 1);
          bind_ts (vl->escalation, 4, s->at);
          bind_text (vl->escalation, 5, s->to);
          insert_row (g, vl->escalation);
          continue;
        }
      history (g, "visit-log/requests", id, s->event, s->from, s->to, s->at, s->note, s->data[0] ? s->data : NULL);
    }
}

/* The day of the last activity organisation @org held (organised or
 * co-organised, not cancelled) that started at or before @as_of, or -1. */
static gint64
last_activity_day (Gen *g, gint32 org, gint64 as_of)
{
  const gint32 *starts = g->org_act_start + g->org_act_first[org - 1];
  gint32 lo = 0, hi = g->org_act_count[org - 1];

  while (lo < hi)
    {
      gint32 mid = (lo + hi) / 2;
      if (starts[mid] <= as_of)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo > 0 ? starts[lo - 1] / DAY_MIN : -1;
}

/* A visit, with the party-building check the plugin records from the core
 * when the visit is written (vl_party_check): the organisation covering
 * the enterprise, its party members, the covering organisation's last
 * activity by then, and whether it is a blank spot. */
static void
vl_write_visit (Gen *g, GRand *r, Vl *vl, gint64 campaign, gint64 team, gint64 e, gint64 day, gint64 recorded)
{
  static const char *const modes[] = { "onsite", "office", "phone", "online" };
  static const int mode_w[] = { 70, 10, 10, 10 };
  sqlite3_stmt *st = vl->visit;
  gint32 org = covering_org (g, e);
  char orgs[32];

  g_snprintf (orgs, sizeof orgs, org ? "[%d]" : "[]", org);
  sqlite3_bind_int64 (st, 1, ++vl->n_visits);
  bind_ts (st, 2, recorded);
  sqlite3_bind_int64 (st, 3, campaign);
  sqlite3_bind_int64 (st, 4, e);
  sqlite3_bind_int64 (st, 5, team);
  bind_day (st, 6, day);
  bind_text (st, 7, modes[weighted (r, mode_w, 4)]);
  bind_text (st, 8, "发展服务团成员3人");
  bind_text (st, 9, org ? "总经理、党组织书记" : "总经理、办公室主任");
  bind_text (st, 10, PICK (vl_summaries, g_rand_int (r)));
  bind_day (st, 11, day + 90);
  sqlite3_bind_int (st, 12, org != 0);
  bind_text (st, 13, orgs);
  sqlite3_bind_int (st, 14, vl->ent_members[e - 1]);
  bind_day (st, 15, org ? last_activity_day (g, org, recorded) : -1);
  sqlite3_bind_int (st, 16, !g->ent_closed[e - 1] && g->ent_own[e - 1] == 0 && g->ent_three[e - 1] && org == 0);
  insert_row (g, st);
}

static void
vl_write_teams (Gen *g, GRand *r, Vl *vl, gint64 campaign, int year, int round, int c, int n, gint64 created)
{
  for (int k = 0; k < n; k++)
    {
      gint64 id = ++vl->n_teams;
      char name[300], leader[32];

      person_name (r, leader, sizeof leader);
      g_snprintf (name, sizeof name, "%d年第%d轮%s产业链发展服务团第%d组", year, round, chain_names[c], k + 1);
      sqlite3_bind_int64 (vl->team, 1, id);
      bind_ts (vl->team, 2, created);
      bind_text (vl->team, 3, name);
      bind_text (vl->team, 4, leader);
      sqlite3_bind_int64 (vl->team, 5, campaign);
      sqlite3_bind_int (vl->team, 6, CHAIN_ORG (c));
      insert_row (g, vl->team);
      for (int m = 0; m < 3; m++)
        {
          char who[32];

          person_name (r, who, sizeof who);
          sqlite3_bind_int64 (vl->team_member, 1, id);
          bind_text (vl->team_member, 2, who);
          bind_text (vl->team_member, 3, PICK (vl_departments, g_rand_int (r)));
          bind_text (vl->team_member, 4, m == 0 ? "联络员" : "成员");
          insert_row (g, vl->team_member);
        }
    }
}

/* One round on one chain: every active enterprise of the chain assigned to
 * one of its teams, visited on a day spread over the quarter (the fourth
 * round is still running: the days after today are pending), a few skipped
 * with a reason; requests raised on a tenth of the visits, and now and
 * then by phone later on. */
static void
vl_write_round (Gen *g, GRand *r, Vl *vl, gint64 campaign, int q, int c)
{
  static const char *const request_sources[] = { "phone", "hotline", "self_report", "other" };
  int year, month, day_of_month;
  gint64 first, last, created, team_base = vl->n_teams;
  gint32 n = g->chain_ent_count[c];
  int n_teams = MAX (1, (n + 149) / 150);
  gboolean running = q == 3;
  char name[300];

  /* The quarters of the current year: the fourth is under way. */
  civil (BENCH_TODAY, &year, &month, &day_of_month);
  first = day_of (year, 1 + 3 * q, 1);
  last = (q == 3 ? day_of (year + 1, 1, 1) : day_of (year, 4 + 3 * q, 1)) - 1;
  created = (first - 10) * DAY_MIN + 2 * HOUR_MIN;
  g_snprintf (name, sizeof name, "%d年第%s季度%s产业链“服务企业大走访”", year, cn_numbers[q], chain_names[c]);
  sqlite3_bind_int64 (vl->campaign, 1, campaign);
  bind_ts (vl->campaign, 2, created);
  bind_ts (vl->campaign, 3, running ? created : (last + 1) * DAY_MIN + 2 * HOUR_MIN);
  bind_text (vl->campaign, 4, name);
  sqlite3_bind_int (vl->campaign, 5, q + 1);
  bind_day (vl->campaign, 6, first);
  bind_day (vl->campaign, 7, last);
  sqlite3_bind_int (vl->campaign, 8, n);
  bind_text (vl->campaign, 9, running ? "active" : "closed");
  sqlite3_bind_int (vl->campaign, 10, CHAIN_ORG (c));
  sqlite3_bind_int (vl->campaign, 11, running ? 1 : 2);   /* a closed round was PATCHed once */
  insert_row (g, vl->campaign);
  sqlite3_bind_int64 (vl->campaign_chain, 1, campaign);
  sqlite3_bind_int (vl->campaign_chain, 2, c + 1);
  insert_row (g, vl->campaign_chain);
  vl_write_teams (g, r, vl, campaign, year, q + 1, c, n_teams, created);

  for (gint32 k = 0; k < n; k++)
    {
      gint64 e = g->chain_ents[g->chain_ent_first[c] + k], team = team_base + 1 + k % n_teams;
      gint64 day = MIN (last, first + 3 + (gint64) k * (last - first - 12) / n + between (r, 0, 5));
      gint64 recorded = day * DAY_MIN + between (r, 8 * HOUR_MIN, 11 * HOUR_MIN);
      gboolean pending = day >= BENCH_TODAY, skipped = !pending && chance (r, running ? 2 : 3);
      sqlite3_stmt *st = vl->assignment;

      sqlite3_bind_int64 (st, 1, ++vl->n_assignments);
      sqlite3_bind_int (st, 2, pending ? 1 : 2);
      bind_ts (st, 3, created);
      bind_ts (st, 4, pending ? created : recorded);
      sqlite3_bind_int64 (st, 5, campaign);
      sqlite3_bind_int64 (st, 6, team);
      sqlite3_bind_int64 (st, 7, e);
      bind_day (st, 8, MIN (last, day + between (r, 0, 7)));
      bind_text (st, 9, pending ? "pending" : skipped ? "skipped" : "visited");
      bind_text (st, 10, skipped ? PICK (vl_skip_reasons, g_rand_int (r)) : NULL);
      insert_row (g, st);
      if (pending || skipped)
        continue;
      vl_write_visit (g, r, vl, campaign, team, e, day, recorded);
      if (chance (r, 10))
        vl_write_request (g, r, vl, vl->n_visits, team, e, recorded + between (r, 10, 120), "visit");
      if (chance (r, 1))
        {
          gint64 reg = recorded + between (r, 3 * DAY_MIN, 60 * DAY_MIN);
          if (reg < NOW_MIN)
            vl_write_request (g, r, vl, 0, team, e, reg, PICK (request_sources, g_rand_int (r)));
        }
    }
}

/* The four rounds of the year on every chain. */
static void
vl_fill (Gen *g, GRand *r)
{
  Vl vl = { 0 };

  index_chain_enterprises (g);
  vl.ent_members = g_new0 (gint32, g->n_ent);
  for (gint64 i = 0; i < g->n_mem; i++)
    if (g->mem_ent[i])
      vl.ent_members[g->mem_ent[i] - 1]++;
  vl.campaign = prep (g->db, "INSERT INTO visit_log_campaigns (id, version, created_at, updated_at, name, round_no, starts_on,"
                             " ends_on, target_count, status, owner_org_id, description) VALUES (?1, ?11, ?2, ?3, ?4, ?5, ?6, ?7,"
                             " ?8, ?9, ?10, '聚焦用地、水电气保障、融资等企业急难愁盼问题，发展服务团包联走访')");
  vl.campaign_chain = prep (g->db, "INSERT INTO visit_log_campaign_chains (campaign_id, chain_id) VALUES (?1, ?2)");
  vl.team = prep (g->db, "INSERT INTO visit_log_teams (id, version, created_at, updated_at, name, leader_name, campaign_id,"
                         " org_id) VALUES (?1, 1, ?2, ?2, ?3, ?4, ?5, ?6)");
  vl.team_member = prep (g->db, "INSERT INTO visit_log_team_members (team_id, name, department, role) VALUES (?1, ?2, ?3, ?4)");
  vl.assignment = prep (g->db, "INSERT INTO visit_log_assignments (id, version, created_at, updated_at, campaign_id, team_id,"
                               " enterprise_id, planned_by, status, skip_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  vl.visit = prep (g->db, "INSERT INTO visit_log_visits (id, version, created_at, updated_at, campaign_id, enterprise_id,"
                          " team_id, visited_on, mode, visitors, enterprise_attendees, summary, next_visit_due, pb_covered,"
                          " pb_org_ids, pb_member_count, pb_last_activity_on, pb_blank_spot)"
                          " VALUES (?1, 1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  vl.request = prep (g->db, "INSERT INTO visit_log_requests (id, version, created_at, updated_at, visit_id, team_id,"
                            " enterprise_id, chain_id, source, category, description, requested_outcome, urgency,"
                            " handler_org_id, handler_unit, sla_policy_id, state, resolution, satisfaction, reopen_count,"
                            " long_term_plan, next_review_on, registered_at, accept_due_at, handle_due_at, close_due_at,"
                            " accepted_at, resolved_at, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                            " ?13, ?14, ?15, 1, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)");
  vl.log = prep (g->db, "INSERT INTO visit_log_request_log (request_id, at, kind, event, from_state, to_state, actor_role,"
                        " note, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'admin', ?7, ?8)");
  vl.escalation = prep (g->db, "INSERT INTO visit_log_escalations (request_id, deadline, due_at, escalated_at, state)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)");

  exec (g->db, "BEGIN");
  for (int q = 0; q < 4; q++)
    for (int c = 0; c < N_CHAINS; c++)
      {
        vl_write_round (g, r, &vl, (gint64) q * N_CHAINS + c + 1, q, c);
        progress ("visit-log rounds", (gint64) q * N_CHAINS + c + 1, 4 * N_CHAINS);
      }
  exec (g->db, "COMMIT");

  finalize_all (vl.campaign, vl.campaign_chain, vl.team, vl.team_member, vl.assignment, vl.visit, vl.request, vl.log,
                vl.escalation, NULL);
  g_free (vl.ent_members);
}

gboolean
gen_plugin_visit_log (Gen *g)
{
  static const char *const tables[] = {
    "visit_log_visits", "visit_log_assignments", "visit_log_requests", "visit_log_request_log", "visit_log_escalations",
    "visit_log_campaigns", "visit_log_teams", "visit_log_team_members", NULL
  };

  return gen_plugin (g, "visit-log", tables, 11, vl_fill);
}
