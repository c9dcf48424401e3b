/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The problem board's part of the demo park: six teams, seventeen key
 * projects (twelve of them lagging until a solved problem brought them back
 * on track, as in the Chuxiong article), and thirty-one problems across the
 * chains in every state, including the article's two: a microbial culture
 * for a food company and an eye-drop formulation.
 *
 * Everything goes through the resources and the state machines, exactly as
 * a park would do it (so codes, claims, declines, history and audit are
 * real), then the milestone dates are set to fixed days so the stats are
 * the same on every run. */
#include <stdio.h>
#include <string.h>
#include "problem-board.h"

typedef struct {
  const char *name;
  const char *kind;
  gint64      host_org_id;
  const char *formed_on;
  const char *external;   /* an external expert, or NULL */
} DemoTeam;

static const DemoTeam teams[] = {
  { "生物医药产业链党员突击队", "commando", 2, "2025-02-18", NULL },
  { "绿色食品产业链菌种技术攻关小组", "task_force", 3, "2025-03-06", "云南省农业科学院 李研究员" },
  { "绿色化工产业链党员突击队", "commando", 4, "2025-03-12", NULL },
  { "晶硅新能源产业链技术攻关小组", "task_force", 6, "2025-04-01", NULL },
  { "绿色铜产业链党员突击队", "commando", 7, "2025-04-10", NULL },
  { "园区发展服务团专家组", "expert_group", 1, "2025-02-25", "昆明理工大学 张教授" },
};

typedef struct {
  const char *name;
  gint64      enterprise_id;
  gint64      chain_id;
  const char *milestone;
  const char *planned_date;
  const char *status;       /* as created: lagging or on_track */
  const char *lag_reason;
} DemoProject;

/* 0–11 are brought back on track by solved problems; 12–14 stay lagging. */
static const DemoProject projects[] = {
  { "食用菌液体菌种扩产线", 18, 2, "液体菌种车间投产", "2025-06-30", "lagging", "菌种污染率高，批次不稳定" },
  { "菌菇休闲食品新品上市", 18, 2, "新品批量上市", "2025-08-31", "lagging", "菌种供应不足" },
  { "滴眼液一致性评价项目", 1, 1, "提交一致性评价资料", "2025-07-31", "lagging", "处方稳定性不达标" },
  { "眼用制剂车间改造", 1, 1, "GMP 符合性检查", "2025-09-30", "lagging", "处方未定型，设备选型推迟" },
  { "精细化工中间体扩能", 27, 3, "二期装置投料", "2025-08-15", "lagging", "反应收率低" },
  { "废水资源化改造", 27, 3, "环保验收", "2025-10-31", "lagging", "工艺路线未定" },
  { "多晶硅还原炉节能改造", 45, 5, "改造完成并连续运行", "2025-09-15", "lagging", "还原炉电耗偏高" },
  { "铜杆连铸连轧线提质", 55, 6, "产品合格率达 99%", "2025-08-31", "lagging", "氧含量波动" },
  { "高端漆包线新品", 55, 6, "客户认证通过", "2025-11-30", "lagging", "原料铜杆质量不稳" },
  { "绿色食品检测中心建设", 15, 2, "CMA 资质认定", "2025-10-31", "lagging", "检测方法验证未通过" },
  { "中药配方颗粒备案", 5, 1, "省级备案完成", "2025-12-31", "lagging", "质量标准研究滞后" },
  { "线缆智能工厂一期", 56, 6, "MES 上线", "2025-12-31", "lagging", "数据采集方案不成熟" },
  { "紫溪化工催化剂国产化", 27, 3, "中试完成", "2026-03-31", "lagging", "催化剂寿命短" },
  { "硅片切割良率提升", 46, 5, "良率达 97%", "2026-04-30", "lagging", "断线率偏高" },
  { "菌菇保鲜冷链项目", 20, 2, "冷库投运", "2026-05-31", "lagging", "保鲜工艺未定" },
  { "彝药新药临床前研究", 2, 1, "完成药效学研究", "2026-06-30", "on_track", NULL },
  { "调味品数字化车间", 16, 2, "车间数字化验收", "2026-09-30", "on_track", NULL },
};

typedef struct {
  gint64      chain_id;
  gint64      enterprise_id;
  const char *title;
  const char *category;
  const char *priority;
  const char *visibility;
  const char *state;          /* where the demo leaves it */
  int         team;           /* index in teams, or -1 */
  int         rival_team;     /* a second claim, declined when the first is accepted; or -1 */
  int         project_a;      /* indexes in projects, or -1 */
  int         project_b;
  const char *submitted_on;   /* YYYY-MM-DD */
  int         days;           /* submitted to solved or closed */
  int         days_recovered;
} DemoProblem;

static const DemoProblem problems[] = {
  /* The article's two examples. */
  { 2, 18, "食用菌液体菌种（微生物菌种）培养污染率高、批次不稳定", "strain_culture", "urgent", "park", "solved", 1, 5, 0, 1,
    "2025-03-10", 96, 75 },
  { 1, 1, "滴眼液处方优化：防腐剂替代与长期稳定性", "formulation", "high", "chain", "solved", 0, -1, 2, 3,
    "2025-03-20", 120, 90 },
  /* Solved. */
  { 3, 27, "中间体合成反应收率低于设计值", "process", "high", "park", "solved", 2, -1, 4, 5, "2025-04-08", 75, 60 },
  { 5, 45, "多晶硅还原炉单位电耗偏高", "equipment", "high", "park", "solved", 3, -1, 6, -1, "2025-04-22", 60, 45 },
  { 6, 55, "铜杆连铸氧含量波动导致合格率低", "process", "urgent", "chain", "solved", 4, -1, 7, 8, "2025-05-06", 142, 100 },
  { 2, 15, "绿色食品农残检测方法验证未通过", "testing_quality", "normal", "park", "solved", 1, -1, 9, -1,
    "2025-06-03", 88, 30 },
  { 1, 5, "中药配方颗粒质量标准研究滞后", "certification", "normal", "team", "solved", 0, -1, 10, -1, "2025-06-17", 45,
    40 },
  { 6, 56, "线缆车间设备数据采集方案", "digitalisation", "normal", "park", "solved", 5, -1, 11, -1, "2025-07-01", 110,
    20 },
  /* Under way. */
  { 3, 27, "加氢催化剂使用寿命短", "formulation", "high", "park", "in_progress", 2, 5, 12, -1, "2025-09-02", 0, 0 },
  { 5, 46, "金刚线切割断线率偏高", "equipment", "high", "chain", "in_progress", 3, -1, 13, -1, "2025-09-16", 0, 0 },
  { 2, 20, "菌菇保鲜工艺与冷链温控", "process", "normal", "park", "in_progress", 1, -1, 14, -1, "2025-10-09", 0, 0 },
  { 1, 2, "彝药有效成分提取工艺放大", "process", "normal", "park", "in_progress", 0, 5, -1, -1, "2025-10-21", 0, 0 },
  { 6, 58, "再生铜杂质在线检测", "testing_quality", "normal", "team", "in_progress", 4, -1, -1, -1, "2025-11-04", 0, 0 },
  { 3, 28, "涂料 VOCs 排放治理工艺", "process", "high", "park", "on_hold", 2, -1, -1, -1, "2025-08-19", 0, 0 },
  { 2, 16, "调味品发酵周期过长", "strain_culture", "normal", "park", "delivered", 1, -1, -1, -1, "2025-07-15", 0, 0 },
  { 5, 45, "硅料破碎粉尘回收", "equipment", "normal", "park", "delivered", 3, -1, -1, -1, "2025-08-05", 0, 0 },
  { 6, 56, "特种电缆耐火性能检测认证", "certification", "high", "park", "unsolved", 4, -1, -1, -1, "2025-05-20", 150, 0 },
  /* Published, waiting for a team. */
  { 7, 65, "新型铝基复合材料成型缺陷", "process", "normal", "park", "open", -1, -1, -1, -1, "2025-11-11", 0, 0 },
  { 8, 74, "园区企业上云数据安全方案", "digitalisation", "normal", "park", "open", -1, -1, -1, -1, "2025-11-18", 0, 0 },
  { 9, 83, "冷链物流温度追溯系统", "digitalisation", "normal", "chain", "open", -1, -1, -1, -1, "2025-12-02", 0, 0 },
  { 10, 92, "绿色建材固废掺量提升", "formulation", "high", "park", "open", -1, -1, -1, -1, "2025-12-09", 0, 0 },
  /* In review. */
  { 4, 37, "风电叶片模具加热均匀性", "equipment", "normal", "park", "under_review", -1, -1, -1, -1, "2026-01-13", 0, 0 },
  { 1, 3, "生物发酵罐染菌控制", "strain_culture", "high", "park", "needs_info", -1, -1, -1, -1, "2026-01-20", 0, 0 },
  { 2, 18, "菌渣资源化利用", "process", "normal", "park", "submitted", -1, -1, -1, -1, "2026-02-03", 0, 0 },
  { 7, 66, "高纯材料检测能力不足", "testing_quality", "normal", "park", "submitted", -1, -1, -1, -1, "2026-02-10", 0,
    0 },
  { 4, 38, "塔筒焊缝无损检测效率", "testing_quality", "normal", "park", "under_review", -1, -1, -1, -1, "2026-02-17",
    0, 0 },
  /* Turned down or withdrawn. */
  { 8, 75, "个人手机维修需求", "other", "normal", "park", "rejected", -1, -1, -1, -1, "2025-06-10", 12, 0 },
  { 9, 84, "物流园区土地指标", "other", "normal", "park", "rejected", -1, -1, -1, -1, "2025-07-08", 9, 0 },
  { 10, 93, "砖坯干燥能耗偏高", "process", "normal", "park", "withdrawn", -1, -1, -1, -1, "2025-09-09", 20, 0 },
  /* Drafts. */
  { 1, 1, "冻干粉针复溶时间偏长", "formulation", "normal", "team", "draft", -1, -1, -1, -1, NULL, 0, 0 },
  { 6, 55, "阳极泥贵金属回收率", "process", "normal", "park", "draft", -1, -1, -1, -1, NULL, 0, 0 },
};

/* Fires one event as the system (the demo runs as the system). */
static gboolean
fire (LjResource *r, LjRequest *req, gint64 id, const char *event, JsonObject *input, GError **error)
{
  return lj_resource_fire (r, req, id, event, input, LJ_FIRE_AS_SYSTEM, error);
}

static gboolean
fire_with_reason (LjResource *r, LjRequest *req, gint64 id, const char *event, const char *key, const char *value,
                  GError **error)
{
  g_autoptr (JsonObject) input = json_object_new ();

  json_object_set_string_member (input, key, value);
  return fire (r, req, id, event, input, error);
}

static gboolean
create_teams (LjRequest *req, gint64 *ids, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (teams); i++)
    {
      g_autoptr (JsonObject) o = json_object_new ();
      g_autoptr (LjStmt) st = NULL;
      JsonArray *members = json_array_new ();
      gint64 leader = 0;
      int rc;

      /* Three party members of the host or the organisations below it,
       * technical experts first: the first one leads. */
      st = lj_request_prepare (req, "SELECT m.id FROM members m JOIN organizations o ON o.id = m.org_id "
                                    "WHERE o.id = ?1 OR o.parent_id = ?1 ORDER BY m.is_technical_expert DESC, m.id LIMIT 3",
                               error);
      if (st == NULL)
        {
          json_array_unref (members);
          return FALSE;
        }
      sqlite3_bind_int64 (lj_stmt_get (st), 1, teams[i].host_org_id);
      while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
        {
          JsonObject *m = json_object_new ();
          gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);

          json_object_set_int_member (m, "member_id", id);
          json_object_set_string_member (m, "role", leader == 0 ? "leader" : "expert");
          if (leader == 0)
            leader = id;
          json_array_add_object_element (members, m);
        }
      g_clear_pointer (&st, lj_stmt_release);
      if (rc < 0)
        {
          json_array_unref (members);
          return FALSE;
        }
      if (teams[i].external)
        {
          JsonObject *m = json_object_new ();

          json_object_set_string_member (m, "external_name", teams[i].external);
          json_object_set_string_member (m, "role", "external");
          json_array_add_object_element (members, m);
        }
      json_object_set_string_member (o, "name", teams[i].name);
      json_object_set_string_member (o, "kind", teams[i].kind);
      json_object_set_int_member (o, "host_org_id", teams[i].host_org_id);
      if (leader)
        json_object_set_int_member (o, "leader_member_id", leader);
      json_object_set_string_member (o, "formed_on", teams[i].formed_on);
      json_object_set_array_member (o, "members", members);
      if ((ids[i] = lj_resource_create (pb.teams, req, o, LJ_WRITE_AS_SYSTEM, error)) == 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
create_projects (LjRequest *req, gint64 *ids, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (projects); i++)
    {
      g_autoptr (JsonObject) o = json_object_new ();
      g_autofree char *created = g_strdup_printf ("%.4s-01-15T02:00:00Z", projects[i].planned_date);

      json_object_set_string_member (o, "name", projects[i].name);
      json_object_set_int_member (o, "enterprise_id", projects[i].enterprise_id);
      json_object_set_int_member (o, "chain_id", projects[i].chain_id);
      json_object_set_string_member (o, "planned_milestone", projects[i].milestone);
      json_object_set_string_member (o, "planned_date", projects[i].planned_date);
      json_object_set_string_member (o, "status", projects[i].status);
      if (projects[i].lag_reason)
        json_object_set_string_member (o, "lag_reason", projects[i].lag_reason);
      if ((ids[i] = lj_resource_create (pb.projects, req, o, LJ_WRITE_AS_SYSTEM, error)) == 0)
        return FALSE;
      if (!pb_exec (req, "UPDATE problem_board_projects SET created_at = ?1, updated_at = ?1 WHERE id = ?2", error,
                    "si", created, ids[i]) ||
          !pb_exec (req, "UPDATE problem_board_project_events SET at = ?1 WHERE project_id = ?2", error, "si", created,
                    ids[i]))
        return FALSE;
    }
  return TRUE;
}

static gint64
create_claim (LjRequest *req, gint64 problem_id, gint64 team_id, const char *approach, GError **error)
{
  g_autoptr (JsonObject) o = json_object_new ();

  json_object_set_int_member (o, "problem_id", problem_id);
  json_object_set_int_member (o, "team_id", team_id);
  json_object_set_string_member (o, "approach", approach);
  return lj_resource_create (pb.claims, req, o, LJ_WRITE_AS_SYSTEM, error);
}

static gboolean
reached (const char *target, const char *const *states)
{
  return g_strv_contains (states, target);
}

static char *
timestamp_after (const char *date, int days, int hour)
{
  int y, m, d;
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) later = NULL;

  sscanf (date, "%d-%d-%d", &y, &m, &d);
  day = g_date_time_new_utc (y, m, d, hour, 0, 0);
  later = g_date_time_add_days (day, days);
  return g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
}

/* Takes problem @id through the machine to @p->state. */
static gboolean
drive (LjRequest *req, const DemoProblem *p, gint64 id, const gint64 *team_ids, const gint64 *project_ids,
       GError **error)
{
  static const char *const submitted[] = { "submitted", "under_review", "needs_info", "rejected", "open", "in_progress",
                                           "on_hold", "delivered", "solved", "unsolved", "withdrawn", NULL };
  static const char *const reviewed[] = { "under_review", "needs_info", "rejected", "open", "in_progress", "on_hold",
                                          "delivered", "solved", "unsolved", NULL };
  static const char *const published[] = { "open", "in_progress", "on_hold", "delivered", "solved", "unsolved", NULL };
  static const char *const started[] = { "in_progress", "on_hold", "delivered", "solved", "unsolved", NULL };
  static const char *const delivered[] = { "delivered", "solved", NULL };
  gint64 claim;

  if (reached (p->state, submitted) && !fire (pb.problems, req, id, "submit", NULL, error))
    return FALSE;
  if (strcmp (p->state, "withdrawn") == 0)
    return fire (pb.problems, req, id, "withdraw", NULL, error);
  if (reached (p->state, reviewed) && !fire (pb.problems, req, id, "review", NULL, error))
    return FALSE;
  if (strcmp (p->state, "needs_info") == 0)
    return fire_with_reason (pb.problems, req, id, "request_info", "reason", "请补充工艺参数与现有检测数据", error);
  if (strcmp (p->state, "rejected") == 0)
    return fire_with_reason (pb.problems, req, id, "reject", "reason", "不属于技术攻关范围，已转交相关部门", error);
  if (reached (p->state, published) && !fire (pb.problems, req, id, "publish", NULL, error))
    return FALSE;
  if (!reached (p->state, started))
    return TRUE;
  if (p->rival_team >= 0 &&
      create_claim (req, id, team_ids[p->rival_team], "组织专家现场诊断后提出方案", error) == 0)
    return FALSE;
  if ((claim = create_claim (req, id, team_ids[p->team], "组建攻关小组，党员骨干领衔，分阶段试验验证", error)) == 0 ||
      !fire (pb.claims, req, claim, "accept", NULL, error))
    return FALSE;
  if (strcmp (p->state, "on_hold") == 0)
    return fire_with_reason (pb.problems, req, id, "hold", "reason", "等待环评批复", error);
  if (strcmp (p->state, "unsolved") == 0)
    return fire_with_reason (pb.problems, req, id, "close_unsolved", "reason", "检测认证需国家级实验室，园区内无法解决",
                             error);
  if (reached (p->state, delivered) &&
      !fire_with_reason (pb.problems, req, id, "deliver", "evidence", "试验报告与中试数据已提交企业", error))
    return FALSE;
  if (strcmp (p->state, "solved") == 0)
    {
      g_autoptr (JsonObject) input = json_object_new ();
      g_autofree char *solved = timestamp_after (p->submitted_on, p->days, 2);
      g_autofree char *date = g_strndup (solved, 10);

      json_object_set_string_member (input, "verdict", "solved");
      json_object_set_int_member (input, "days_recovered", p->days_recovered);
      json_object_set_int_member (input, "satisfaction", 5);
      json_object_set_boolean_member (input, "projects_back_on_track", TRUE);
      json_object_set_string_member (input, "back_on_track_on", date);
      if (!fire (pb.problems, req, id, "solve", input, error))
        return FALSE;
    }
  return TRUE;
}

/* Sets the milestone dates the demo tells, instead of today's. */
static gboolean
set_dates (LjRequest *req, const DemoProblem *p, gint64 id, const gint64 *project_ids, GError **error)
{
  static const char sql[] =
    "UPDATE problem_board_problems SET created_at = ?1, updated_at = max (?1, ifnull (?5, ?1), ifnull (?6, ?1)),"
    " submitted_at = CASE WHEN submitted_at IS NULL THEN NULL ELSE ?2 END,"
    " published_at = CASE WHEN published_at IS NULL THEN NULL ELSE ?3 END,"
    " started_at = CASE WHEN started_at IS NULL THEN NULL ELSE ?4 END,"
    " solved_at = CASE WHEN solved_at IS NULL THEN NULL ELSE ?5 END,"
    " closed_at = CASE WHEN closed_at IS NULL THEN NULL ELSE ?6 END WHERE id = ?7";
  const char *base = p->submitted_on ? p->submitted_on : "2026-02-20";
  g_autofree char *created = timestamp_after (base, -2, 2);
  g_autofree char *submitted = timestamp_after (base, 0, 2);
  g_autofree char *published = timestamp_after (base, 7, 2);
  g_autofree char *started = timestamp_after (base, 14, 2);
  g_autofree char *ended = timestamp_after (base, p->days, 2);
  gboolean solved = strcmp (p->state, "solved") == 0;
  gboolean closed = strcmp (p->state, "unsolved") == 0 || strcmp (p->state, "rejected") == 0 ||
                    strcmp (p->state, "withdrawn") == 0;

  if (!pb_exec (req, sql, error, "ssssssi", created, submitted, published, started, solved ? ended : NULL,
                closed ? ended : NULL, id))
    return FALSE;
  if (!solved)
    return TRUE;
  for (int k = 0; k < 2; k++)
    {
      int index = k == 0 ? p->project_a : p->project_b;

      if (index >= 0 &&
          !pb_exec (req, "UPDATE problem_board_project_events SET at = ?1 WHERE project_id = ?2 AND to_status = 'back_on_track'",
                    error, "si", ended, project_ids[index]))
        return FALSE;
      if (index >= 0 &&
          !pb_exec (req, "UPDATE problem_board_projects SET updated_at = ?1 WHERE id = ?2", error, "si", ended,
                    project_ids[index]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
create_problem (LjRequest *req, const DemoProblem *p, const gint64 *team_ids, const gint64 *project_ids,
                GError **error)
{
  g_autoptr (JsonObject) o = json_object_new ();
  JsonArray *links = json_array_new ();
  gint64 id;

  json_object_set_string_member (o, "title", p->title);
  json_object_set_int_member (o, "chain_id", p->chain_id);
  json_object_set_int_member (o, "enterprise_id", p->enterprise_id);
  json_object_set_string_member (o, "category", p->category);
  json_object_set_string_member (o, "priority", p->priority);
  json_object_set_string_member (o, "visibility", p->visibility);
  json_object_set_string_member (o, "acceptance_criteria", "企业组织验收，关键指标达到合同约定值");
  if (p->project_a >= 0)
    json_array_add_int_element (links, project_ids[p->project_a]);
  if (p->project_b >= 0)
    json_array_add_int_element (links, project_ids[p->project_b]);
  json_object_set_array_member (o, "project_ids", links);
  if ((id = lj_resource_create (pb.problems, req, o, LJ_WRITE_AS_SYSTEM, error)) == 0)
    return FALSE;
  return drive (req, p, id, team_ids, project_ids, error) && set_dates (req, p, id, project_ids, error);
}

/* The codes were given today; number them by the year they were created
 * in, in order, as they would have been. */
static gboolean
renumber (LjPlugin *plugin, LjRequest *req, GError **error)
{
  const char *prefix = lj_plugin_get_config_string (plugin, "code_prefix");

  return pb_exec (req, "UPDATE problem_board_problems SET code = 'renumbering-' || id", error, NULL) &&
         pb_exec (req, "UPDATE problem_board_problems AS t SET code = ?1 || '-' || substr (t.created_at, 1, 4) || '-' || "
                       "printf ('%03d', (SELECT count (*) FROM problem_board_problems q "
                       "WHERE substr (q.created_at, 1, 4) = substr (t.created_at, 1, 4) "
                       "AND (q.created_at, q.id) <= (t.created_at, t.id)))", error, "s", prefix);
}

gboolean
pb_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error)
{
  gint64 team_ids[G_N_ELEMENTS (teams)];
  gint64 project_ids[G_N_ELEMENTS (projects)];

  if (!create_teams (req, team_ids, error) || !create_projects (req, project_ids, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (problems); i++)
    if (!create_problem (req, &problems[i], team_ids, project_ids, error))
      {
        g_prefix_error (error, "demo problem %u: ", i);
        return FALSE;
      }
  return renumber (plugin, req, error);
}
