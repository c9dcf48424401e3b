/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo park's visits: two rounds of 2025 (60 enterprises assigned in
 * each, 58 and 57 visited: 115 enterprise visits, the article's "110+"),
 * 42 requests of which 32 are closed (the "30+ solved": land, water and
 * power supply, bank financing first), 2 resolved awaiting the revisit,
 * 2 long-term, 2 in progress, 1 assigned, 1 accepted, 1 registered and 1
 * rejected.  Past deadlines carry the escalation the check would have
 * recorded a minute after they passed.  Fixed dates, no randomness: every
 * demo is the same.  The demo park has 100 enterprises, so the rounds
 * overlap on 20 of them; "110+" counts visits, not distinct enterprises. */
#include "vl-plugin.h"

#include <string.h>

#define N_TEAMS 5
#define N_REQUESTS 42
#define N_CLOSED 32
#define HOUR 3600
#define DAY 86400

static const char *const categories[] = {
  "land", "utilities", "financing", "land", "utilities", "financing", "permits", "talent", "policy", "logistics",
  "market", "technology", "other"
};

typedef struct {
  const char *category;
  const char *description;
  const char *outcome;
  const char *unit;
  const char *resolution;
} VlDemoTopic;

static const VlDemoTopic topics[] = {
  { "land", "扩建厂房用地指标不足，二期项目无法开工", "协调落实扩建用地约30亩", "高新区自然资源分局",
    "纳入园区年度用地计划，完成土地预审并挂牌出让" },
  { "utilities", "生产线扩容后用电负荷不足，需新增专用变压器", "新增10kV专线及变压器", "高新区供电服务中心",
    "供电公司开辟绿色通道，专线接入并通电" },
  { "financing", "原材料备货资金缺口较大，申请流动资金贷款", "获得银行授信支持", "高新区财政金融局",
    "组织银企对接，合作银行发放信用贷款" },
  { "permits", "新产品生产许可证办理进度慢", "加快审批", "高新区政务服务中心", "实行帮办代办，许可证已核发" },
  { "talent", "技术工人招聘困难，缺少熟练操作工", "对接职业院校定向培养", "高新区人力资源和社会保障局",
    "联系州职教中心开设订单班，首批学员到岗" },
  { "policy", "不清楚技术改造补助政策申报条件", "政策解读和申报指导", "高新区经济发展局",
    "专人上门解读政策，协助完成申报" },
  { "logistics", "园区道路夜间照明不足，货车进出不便", "完善道路照明", "高新区建设管理局", "新增路灯并投入使用" },
  { "market", "产品进入省内商超渠道受阻", "搭建产销对接平台", "高新区商务局", "组织产销对接会，签订供货协议" },
  { "technology", "检测设备老化，质量检测能力不足", "对接高校共建检测平台", "高新区科技局",
    "与高校共建联合实验室，检测服务已开放" },
  { NULL, NULL, NULL, NULL, NULL },
};

static const VlDemoTopic *
topic_for (const char *category)
{
  for (guint i = 0; topics[i].category; i++)
    if (strcmp (topics[i].category, category) == 0)
      return &topics[i];
  return &topics[5];  /* other requests read like policy questions */
}

static GArray *
ids (LjRequest *req, const char *sql, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);

      g_array_append_val (out, id);
    }
  return rc < 0 ? NULL : g_steal_pointer (&out);
}

static gint64
epoch_of (const char *date_text)
{
  gint64 t = 0;
  g_autofree char *ts = g_strconcat (date_text, "T00:00:00Z", NULL);

  vl_timestamp_parse (ts, &t);
  return t;
}

static char *
date_of (gint64 t)
{
  g_autofree char *ts = vl_timestamp_format (t);

  return g_strndup (ts, 10);
}

typedef struct {
  LjRequest *req;
  GArray    *committees;
  GArray    *enterprises;
  gint64     owner_org;
  GArray    *visits;       /* visit ids, in order */
  GArray    *visit_enterprise;
  GArray    *visit_team;
  GArray    *visit_time;   /* Unix seconds of the visit, 10:00 local */
} VlDemo;

static gboolean
insert_campaign (VlDemo *d, const char *name, int round_no, const char *starts, const char *ends, gint64 *id,
                 GError **error)
{
  static const char sql[] =
    "INSERT INTO visit_log_campaigns (created_at, updated_at, name, round_no, starts_on, ends_on, target_count, "
    "status, owner_org_id, description) VALUES (?1 || 'T00:00:00Z', ?2 || 'T00:00:00Z', ?3, ?4, ?1, ?2, 60, "
    "'closed', ?5, '聚焦用地、水电气保障、融资等企业急难愁盼问题，发展服务团包联走访')";
  g_autoptr (LjStmt) st = lj_request_prepare (d->req, sql, error);
  sqlite3_stmt *s;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  sqlite3_bind_text (s, 1, starts, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, ends, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 4, round_no);
  sqlite3_bind_int64 (s, 5, d->owner_org);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  *id = lj_request_last_insert_id (d->req);
  return TRUE;
}

static gboolean
insert_team (VlDemo *d, gint64 campaign, int round_no, int k, const char *starts, gint64 *id, GError **error)
{
  static const char team_sql[] =
    "INSERT INTO visit_log_teams (created_at, updated_at, name, leader_name, campaign_id, org_id) "
    "VALUES (?1 || 'T00:00:00Z', ?1 || 'T00:00:00Z', ?2, ?3, ?4, ?5)";
  static const char member_sql[] =
    "INSERT INTO visit_log_team_members (team_id, name, department, role) VALUES (?1, ?2, ?3, ?4)";
  static const char *const leaders[] = { "李明华", "张国强", "王丽萍", "赵建军", "杨晓东" };
  static const char *const members[][2] = {
    { "陈志刚", "高新区经济发展局" }, { "刘芳", "高新区财政金融局" }, { "周海涛", "高新区自然资源分局" },
    { "吴静", "高新区政务服务中心" }, { "孙立新", "高新区供电服务中心" },
  };
  g_autofree char *name = g_strdup_printf ("第%d轮发展服务团第%d组", round_no, k + 1);
  g_autoptr (LjStmt) st = lj_request_prepare (d->req, team_sql, error);
  sqlite3_stmt *s;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  sqlite3_bind_text (s, 1, starts, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, leaders[k], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, campaign);
  sqlite3_bind_int64 (s, 5, g_array_index (d->committees, gint64, (k + (round_no - 1) * N_TEAMS) % d->committees->len));
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  *id = lj_request_last_insert_id (d->req);
  for (int m = 0; m < 3; m++)
    {
      g_autoptr (LjStmt) ms = lj_request_prepare (d->req, member_sql, error);
      int who = (k + m) % G_N_ELEMENTS (members);

      if (ms == NULL)
        return FALSE;
      sqlite3_bind_int64 (lj_stmt_get (ms), 1, *id);
      sqlite3_bind_text (lj_stmt_get (ms), 2, members[who][0], -1, SQLITE_STATIC);
      sqlite3_bind_text (lj_stmt_get (ms), 3, members[who][1], -1, SQLITE_STATIC);
      sqlite3_bind_text (lj_stmt_get (ms), 4, m == 0 ? "联络员" : "成员", -1, SQLITE_STATIC);
      if (!lj_stmt_step_done (ms, error))
        return FALSE;
    }
  return TRUE;
}

/* One round: 60 assignments from @first, every visit on its own day. */
static gboolean
demo_round (VlDemo *d, int round_no, const char *name, const char *starts, const char *ends, guint first,
            const int *skipped, GError **error)
{
  static const char assign_sql[] =
    "INSERT INTO visit_log_assignments (created_at, updated_at, campaign_id, team_id, enterprise_id, planned_by, "
    "status, skip_reason) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)";
  static const char visit_sql[] =
    "INSERT INTO visit_log_visits (created_at, updated_at, campaign_id, enterprise_id, team_id, visited_on, mode, "
    "visitors, enterprise_attendees, summary, next_visit_due) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  static const char *const modes[] = { "onsite", "onsite", "onsite", "office", "phone" };
  gint64 campaign, teams[N_TEAMS];
  gint64 start = epoch_of (starts);
  g_autofree char *created = g_strconcat (starts, "T00:00:00Z", NULL);

  if (!insert_campaign (d, name, round_no, starts, ends, &campaign, error))
    return FALSE;
  for (int k = 0; k < N_TEAMS; k++)
    if (!insert_team (d, campaign, round_no, k, starts, &teams[k], error))
      return FALSE;
  for (guint i = 0; i < 60; i++)
    {
      gint64 enterprise = g_array_index (d->enterprises, gint64, (first + i) % d->enterprises->len);
      gboolean skip = FALSE;
      gint64 when = start + (gint64) (i * 3 / 2) * DAY + 2 * HOUR;  /* 10:00 in the park */
      g_autofree char *on = date_of (when);
      g_autofree char *planned = date_of (when + 7 * DAY);
      g_autofree char *at = vl_timestamp_format (when + 8 * HOUR);
      g_autoptr (LjStmt) st = lj_request_prepare (d->req, assign_sql, error);
      sqlite3_stmt *s;

      for (int j = 0; skipped[j] >= 0; j++)
        skip |= skipped[j] == (int) i;
      if (st == NULL)
        return FALSE;
      s = lj_stmt_get (st);
      sqlite3_bind_text (s, 1, created, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (s, 2, campaign);
      sqlite3_bind_int64 (s, 3, teams[i % N_TEAMS]);
      sqlite3_bind_int64 (s, 4, enterprise);
      sqlite3_bind_text (s, 5, planned, -1, SQLITE_STATIC);
      sqlite3_bind_text (s, 6, skip ? "skipped" : "visited", -1, SQLITE_STATIC);
      if (skip)
        sqlite3_bind_text (s, 7, "企业停产检修，负责人不在岗，改由下一轮走访", -1, SQLITE_STATIC);
      if (!lj_stmt_step_done (st, error))
        return FALSE;
      if (skip)
        continue;
      {
        g_autoptr (LjStmt) vs = lj_request_prepare (d->req, visit_sql, error);
        g_autofree char *next = date_of (when + 90 * DAY);
        gint64 visit;

        if (vs == NULL)
          return FALSE;
        s = lj_stmt_get (vs);
        sqlite3_bind_text (s, 1, at, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (s, 2, campaign);
        sqlite3_bind_int64 (s, 3, enterprise);
        sqlite3_bind_int64 (s, 4, teams[i % N_TEAMS]);
        sqlite3_bind_text (s, 5, on, -1, SQLITE_STATIC);
        sqlite3_bind_text (s, 6, modes[i % G_N_ELEMENTS (modes)], -1, SQLITE_STATIC);
        sqlite3_bind_text (s, 7, "服务团成员3人", -1, SQLITE_STATIC);
        sqlite3_bind_text (s, 8, "总经理、党组织书记", -1, SQLITE_STATIC);
        sqlite3_bind_text (s, 9, "了解企业生产经营、党建工作和急难愁盼问题，现场答复政策咨询", -1, SQLITE_STATIC);
        sqlite3_bind_text (s, 10, next, -1, SQLITE_STATIC);
        if (!lj_stmt_step_done (vs, error))
          return FALSE;
        visit = lj_request_last_insert_id (d->req);
        if (!vl_party_check (d->req, visit, enterprise, at, error))
          return FALSE;
        g_array_append_val (d->visits, visit);
        g_array_append_val (d->visit_enterprise, enterprise);
        g_array_append_val (d->visit_team, teams[i % N_TEAMS]);
        g_array_append_val (d->visit_time, when);
      }
    }
  return TRUE;
}

/* What happens to demo request @q, as offsets from its registration. */
typedef struct {
  const char *state;
  gint64 accept;    /* 0: never */
  gint64 assign, start, resolve, verify, close, long_term;
  const char *satisfaction;
  int reopened;
} VlDemoFate;

static VlDemoFate
fate_of (int q)
{
  VlDemoFate f = { 0 };
  static const char *const open_states[] = {
    "resolved", "resolved", "long_term", "long_term", "in_progress", "in_progress", "assigned", "accepted",
    "registered", "rejected"
  };

  f.accept = (q % 9 == 4) ? 30 * HOUR : 6 * HOUR;
  f.assign = f.accept + 2 * HOUR;
  f.start = f.assign + 4 * HOUR;
  f.resolve = (q % 7 == 3) ? 8 * DAY : (2 + q % 4) * DAY;
  f.verify = f.resolve + DAY;
  f.close = f.resolve + ((q % 11 == 6) ? 4 * DAY : 2 * DAY);
  f.satisfaction = (q % 8 == 5) ? "basically_satisfied" : "satisfied";
  f.reopened = q == 7;
  if (q < N_CLOSED)
    {
      f.state = "closed";
      return f;
    }
  f.state = open_states[q - N_CLOSED];
  f.satisfaction = NULL;
  if (strcmp (f.state, "resolved") == 0)
    f.resolve = 3 * DAY, f.verify = f.close = 0;
  else if (strcmp (f.state, "long_term") == 0)
    f.long_term = 5 * DAY, f.resolve = f.verify = f.close = 0;
  else
    {
      f.resolve = f.verify = f.close = 0;
      if (strcmp (f.state, "assigned") == 0)
        f.start = 0;
      else if (strcmp (f.state, "accepted") == 0)
        f.start = f.assign = 0;
      else if (strcmp (f.state, "registered") == 0)
        f.start = f.assign = f.accept = 0;
      else if (strcmp (f.state, "rejected") == 0)
        f.start = f.assign = 0, f.accept = 4 * HOUR;
    }
  return f;
}

static gboolean
log_at (VlDemo *d, gint64 request, gint64 t, const char *kind, const char *event, const char *from, const char *to,
        const char *note, const char *data, GError **error)
{
  g_autofree char *at = vl_timestamp_format (t);

  return vl_request_log (d->req, request, at, kind, event, from, to, note, data, error);
}

static gboolean
escalate_at (VlDemo *d, gint64 request, const char *deadline, gint64 due, const char *state, GError **error)
{
  static const char sql[] =
    "INSERT INTO visit_log_escalations (request_id, deadline, due_at, escalated_at, state) VALUES (?1, ?2, ?3, ?4, ?5)";
  g_autoptr (LjStmt) st = lj_request_prepare (d->req, sql, error);
  g_autofree char *due_at = vl_timestamp_format (due);
  g_autofree char *at = vl_timestamp_format (due + 60);
  g_autofree char *event = g_strconcat ("escalate_", deadline, NULL);
  g_autofree char *data = g_strdup_printf ("{\"deadline\":\"%s\",\"due_at\":\"%s\"}", deadline, due_at);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, request);
  sqlite3_bind_text (lj_stmt_get (st), 2, deadline, -1, SQLITE_STATIC);
  sqlite3_bind_text (lj_stmt_get (st), 3, due_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (lj_stmt_get (st), 4, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (lj_stmt_get (st), 5, state, -1, SQLITE_STATIC);
  return lj_stmt_step_done (st, error) && log_at (d, request, due + 60, "escalation", event, state, state, NULL,
                                                  data, error);
}

/* The state a request was in at @t, for its escalation rows. */
static const char *
state_at (const VlDemoFate *f, gint64 t)
{
  if (f->close && t >= f->close)
    return "closed";
  if (f->verify && t >= f->verify)
    return "verified";
  if (f->resolve && t >= f->resolve)
    return "resolved";
  if (f->long_term && t >= f->long_term)
    return "long_term";
  if (f->start && t >= f->start)
    return "in_progress";
  if (f->assign && t >= f->assign)
    return "assigned";
  if (f->accept && t >= f->accept)
    return strcmp (f->state, "rejected") == 0 ? "rejected" : "accepted";
  return "registered";
}

static gboolean
demo_escalations (VlDemo *d, gint64 request, gint64 reg, const VlDemoFate *f, GError **error)
{
  const struct { const char *name; gint64 due; gint64 done; } deadlines[] = {
    { "accept", 1 * DAY, f->accept },
    { "handle", 6 * DAY, f->resolve },
    { "close", 10 * DAY, f->close },
  };

  for (guint i = 0; i < G_N_ELEMENTS (deadlines); i++)
    {
      const char *state = state_at (f, deadlines[i].due);

      if (deadlines[i].done && deadlines[i].done <= deadlines[i].due)
        continue;
      if (strcmp (state, "rejected") == 0 || strcmp (state, "long_term") == 0 ||
          (i == 0 && strcmp (state, "registered") != 0) ||
          (i == 1 && (strcmp (state, "resolved") == 0 || strcmp (state, "verified") == 0)))
        continue;
      if (!escalate_at (d, request, deadlines[i].name, reg + deadlines[i].due, state, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
demo_request (VlDemo *d, int q, GError **error)
{
  static const char sql[] =
    "INSERT INTO visit_log_requests (created_at, updated_at, visit_id, team_id, enterprise_id, chain_id, source, "
    " category, description, requested_outcome, urgency, handler_org_id, handler_unit, sla_policy_id, state, "
    " resolution, satisfaction, reopen_count, long_term_plan, next_review_on, registered_at, accept_due_at, "
    " handle_due_at, close_due_at, accepted_at, resolved_at, closed_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT min (chain_id) FROM enterprise_chains WHERE enterprise_id = ?5), ?6, ?7, "
    " ?8, ?9, ?10, ?11, ?12, 1, ?13, ?14, ?15, ?16, ?17, ?18, ?1, ?19, ?20, ?21, ?22, ?23, ?24)";
  const char *category = categories[q % G_N_ELEMENTS (categories)];
  const VlDemoTopic *topic = topic_for (category);
  VlDemoFate f = fate_of (q);
  /* Requests come from every third visit; the last three by phone. */
  gboolean by_phone = q >= N_REQUESTS - 3;
  guint v = by_phone ? (guint) (q * 7) % d->visits->len : (guint) q * 3 % d->visits->len;
  gint64 reg = g_array_index (d->visit_time, gint64, v) + (by_phone ? 3 * DAY : 2 * HOUR);
  gint64 request, last;
  g_autoptr (LjStmt) st = lj_request_prepare (d->req, sql, error);
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  char *ts[8] = { NULL };
  const gint64 offsets[] = { 0, DAY, 6 * DAY, 10 * DAY, f.accept, f.resolve, f.close };
  sqlite3_stmt *s;

  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    if (i < 4 || offsets[i])
      g_ptr_array_add (keep, ts[i] = vl_timestamp_format (reg + offsets[i]));
  last = MAX (MAX (f.accept, f.assign), MAX (MAX (f.start, f.resolve), MAX (f.close, f.long_term)));
  g_ptr_array_add (keep, ts[7] = vl_timestamp_format (reg + MAX (last, f.verify)));
  s = lj_stmt_get (st);
  sqlite3_bind_text (s, 1, ts[0], -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, ts[7], -1, SQLITE_STATIC);
  /* A phone request goes to the team that visited the enterprise. */
  if (!by_phone)
    sqlite3_bind_int64 (s, 3, g_array_index (d->visits, gint64, v));
  sqlite3_bind_int64 (s, 4, g_array_index (d->visit_team, gint64, v));
  sqlite3_bind_int64 (s, 5, g_array_index (d->visit_enterprise, gint64, v));
  sqlite3_bind_text (s, 6, by_phone ? "phone" : "visit", -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, category, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 8, strcmp (category, "other") == 0 ? "企业反映周边交通和配套服务问题" : topic->description,
                     -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 9, topic->outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 10, q % 5 == 2 ? "urgent" : "normal", -1, SQLITE_STATIC);
  if (f.assign && q % 4 == 0)
    sqlite3_bind_int64 (s, 11, g_array_index (d->committees, gint64, q % d->committees->len));
  if (f.assign)
    sqlite3_bind_text (s, 12, topic->unit, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 13, f.state, -1, SQLITE_STATIC);
  if (f.resolve)
    sqlite3_bind_text (s, 14, topic->resolution, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 15, f.satisfaction, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 16, f.reopened);
  if (f.long_term)
    {
      g_autofree char *review = date_of (reg + 35 * DAY);

      sqlite3_bind_text (s, 17, "分期推进：先完成规划调整，再报批建设，每月报送进展", -1, SQLITE_STATIC);
      sqlite3_bind_text (s, 18, review, -1, SQLITE_TRANSIENT);
    }
  for (int i = 1; i < 7; i++)
    sqlite3_bind_text (s, 18 + i, ts[i], -1, SQLITE_STATIC);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  request = lj_request_last_insert_id (d->req);
  if (!log_at (d, request, reg, "registered", "register", NULL, "registered", NULL, NULL, error))
    return FALSE;
  if (f.accept && !log_at (d, request, reg + f.accept, "transition", strcmp (f.state, "rejected") == 0 ? "reject" : "accept",
                           "registered", strcmp (f.state, "rejected") == 0 ? "rejected" : "accepted",
                           strcmp (f.state, "rejected") == 0 ? "属于企业内部经营事项，不在服务范围" : NULL, NULL, error))
    return FALSE;
  if (f.assign && !log_at (d, request, reg + f.assign, "transition", "assign", "accepted", "assigned", NULL, NULL, error))
    return FALSE;
  if (f.start && !log_at (d, request, reg + f.start, "transition", "start", "assigned", "in_progress", NULL, NULL, error))
    return FALSE;
  if (f.long_term && !log_at (d, request, reg + f.long_term, "transition", "mark_long_term", "in_progress", "long_term",
                              NULL, NULL, error))
    return FALSE;
  if (f.long_term && !log_at (d, request, reg + f.long_term + 30 * DAY, "transition", "progress", "long_term",
                              "long_term", NULL, "{\"progress\":\"规划调整方案已通过专家评审\"}", error))
    return FALSE;
  if (f.resolve && !log_at (d, request, reg + f.resolve, "transition", "resolve", "in_progress", "resolved", NULL, NULL,
                            error))
    return FALSE;
  if (f.verify && !log_at (d, request, reg + f.verify, "transition", "verify", "resolved", "verified", NULL, NULL, error))
    return FALSE;
  if (f.close && !log_at (d, request, reg + f.close, "transition", "close", "verified", "closed", NULL, NULL, error))
    return FALSE;
  return demo_escalations (d, request, reg, &f, error);
}

gboolean
vl_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error)
{
  static const int skipped1[] = { 17, 43, -1 };
  static const int skipped2[] = { 8, 29, 51, -1 };
  g_autoptr (GArray) wc = NULL;
  VlDemo d = { req };
  gboolean ok;

  d.committees = ids (req, "SELECT id FROM organizations WHERE kind = 'chain_committee' ORDER BY id", error);
  d.enterprises = ids (req, "SELECT id FROM enterprises ORDER BY id", error);
  wc = ids (req, "SELECT id FROM organizations WHERE kind = 'working_committee' ORDER BY id", error);
  d.visits = g_array_new (FALSE, FALSE, sizeof (gint64));
  d.visit_enterprise = g_array_new (FALSE, FALSE, sizeof (gint64));
  d.visit_team = g_array_new (FALSE, FALSE, sizeof (gint64));
  d.visit_time = g_array_new (FALSE, FALSE, sizeof (gint64));
  ok = d.committees && d.enterprises && wc;
  if (ok && (d.committees->len == 0 || d.enterprises->len == 0 || wc->len == 0))
    {
      /* No demo park underneath: nothing to visit. */
      ok = TRUE;
      goto out;
    }
  if (ok)
    {
      d.owner_org = g_array_index (wc, gint64, 0);
      ok = demo_round (&d, 1, "2025年第一轮“服务企业大走访”", "2025-03-03", "2025-05-30", 0, skipped1, error) &&
           demo_round (&d, 2, "2025年第二轮“服务企业大走访”", "2025-09-01", "2025-11-28", 40, skipped2, error);
      for (int q = 0; ok && q < N_REQUESTS; q++)
        ok = demo_request (&d, q, error);
    }
out:
  g_clear_pointer (&d.committees, g_array_unref);
  g_clear_pointer (&d.enterprises, g_array_unref);
  g_array_unref (d.visits);
  g_array_unref (d.visit_enterprise);
  g_array_unref (d.visit_team);
  g_array_unref (d.visit_time);
  return ok;
}
