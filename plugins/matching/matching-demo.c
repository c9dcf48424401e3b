/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The matching part of the demo park: a need and an offer on every chain
 * (plus a few from banks, universities and the park office) whose
 * suggestions read as a person would pair them; four held events (an
 * alliance meeting, an innovation salon, a roadshow and a technology-
 * transfer fair) with registrations and check-ins; matches at every stage
 * and three signed agreements.  Fixed dates, fixed codes: every demo is the
 * same.  Written with plain INSERTs in the demo's transaction. */
#include "matching.h"

#include <string.h>

typedef struct {
  const char *type;
  const char *title;
  const char *keywords;      /* '|'-separated */
  const char *description;
  const char *party;         /* an outside party, or NULL for an enterprise of the chain */
  const char *also_chain;    /* a second chain's code, or NULL */
  double      amount;
} DemoSide;

typedef struct {
  const char *chain;         /* chains.code */
  DemoSide    need, offer;
} DemoPair;

static const DemoPair pairs[] = {
  { "SWYY",
    { "technology", "彝药复方制剂质量标准提升", "彝药|指纹图谱|质量标准", "需要高校协助建立彝药复方制剂的指纹图谱和质量标准，支撑“彝药出海”注册。", NULL, NULL, 0 },
    { "technology", "彝药指纹图谱与质量标准研究服务", "彝药|指纹图谱|质量标准", "提供中药、民族药指纹图谱、含量测定方法开发和质量标准起草服务。", "云南中医药大学", NULL, 0 } },
  { "LSSP",
    { "supply", "野生菌产地冷链运输需求", "野生菌|冷链运输", "旺季每日约20吨野生菌需从产地预冷后冷链运输至园区加工厂。", NULL, NULL, 0 },
    { "supply", "野生菌与果蔬冷链运输服务", "冷链运输|野生菌|预冷", "冷藏车队和产地预冷库，承接野生菌、果蔬冷链运输。", NULL, "XDWL", 0 } },
  { "LSHG",
    { "technology", "化工废盐资源化利用技术", "废盐|资源化", "精细化工副产废盐年产约3000吨，寻求资源化利用技术。", NULL, NULL, 0 },
    { "technology", "化工废盐资源化处理技术转让", "废盐|资源化|技术转让", "高温熔融和分质结晶工艺，可将化工废盐转化为工业盐。", "昆明理工大学", NULL, 0 } },
  { "FDZB",
    { "purchase", "风电塔筒用中厚钢板采购", "中厚钢板|塔筒", "年采购Q355中厚钢板约2万吨，用于风电塔筒制造。", NULL, NULL, 26500000 },
    { "supply", "中厚钢板及塔筒法兰稳定供应", "中厚钢板|塔筒|法兰", "可按月稳定供应Q355中厚钢板和塔筒法兰，园区内配送。", NULL, NULL, 0 } },
  { "JGXNY",
    { "technology", "高纯多晶硅提纯工艺改进", "多晶硅|提纯工艺", "降低多晶硅还原电耗、提高纯度的提纯工艺改进。", NULL, NULL, 0 },
    { "technology", "多晶硅提纯工艺技术合作", "多晶硅|提纯工艺|技术合作", "在多晶硅冷氢化和精馏提纯方面有成熟工艺，可合作开发。", "中国科学院昆明分院", NULL, 12000000 } },
  { "LST",
    { "financing", "铜杆线技改项目流动资金贷款", "流动资金|技改项目", "铜杆线连铸连轧技改项目需流动资金贷款约800万元。", NULL, NULL, 8000000 },
    { "financing", "科技型企业技改项目专项贷款", "技改项目|流动资金|信用贷款", "面向链上科技型企业的技改项目专项贷款，最高1000万元。", "楚雄农村商业银行", NULL, 10000000 } },
  { "XCL",
    { "equipment", "电子材料检测设备共享需求", "检测设备|电子材料", "需要扫描电镜和X射线衍射检测设备，按机时使用。", NULL, NULL, 0 },
    { "equipment", "材料分析检测设备开放共享", "检测设备|电子材料|材料分析", "扫描电镜、X射线衍射仪等检测设备对链上企业开放共享。", NULL, NULL, 0 } },
  { "SZJJ",
    { "talent", "工业互联网平台软件开发人才", "工业互联网|软件开发", "招聘工业互联网平台软件开发工程师5名。", NULL, NULL, 0 },
    { "talent", "工业互联网软件开发订单班", "工业互联网|软件开发|订单班", "开设工业互联网软件开发订单班，每年输送毕业生30名。", "楚雄师范学院", NULL, 0 } },
  { "XDWL",
    { "space", "多式联运标准化仓储空间", "标准化仓储|多式联运", "需要约5000平方米标准化仓储空间，靠近铁路货场。", NULL, NULL, 0 },
    { "space", "标准化仓储厂房出租", "标准化仓储|厂房", "园区标准化仓储厂房，单栋5000平方米，可分租。", "楚雄高新区管委会", NULL, 0 } },
  { "LSJC",
    { "technology", "工业固废制新型墙材技术", "工业固废|新型墙材", "寻求以冶炼渣等工业固废生产新型墙材的配方和工艺。", NULL, NULL, 0 },
    { "supply", "铜冶炼渣综合利用原料供应", "工业固废|铜冶炼渣|综合利用", "年产铜冶炼渣约10万吨，可作为建材原料稳定供应。", NULL, "LST", 0 } },
};

typedef struct {
  gint64 id, committee, lead, other;
} DemoChain;

static gint64
lookup_int (LjRequest *req, const char *sql, gint64 a, gint64 b, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  int rc;

  if (st == NULL)
    return -1;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, a);
  sqlite3_bind_int64 (lj_stmt_get (st), 2, b);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return -1;
  return rc == SQLITE_ROW ? sqlite3_column_int64 (lj_stmt_get (st), 0) : 0;
}

static gboolean
load_chain (LjRequest *req, const char *code, DemoChain *c, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, "SELECT id, ifnull (committee_org_id, 0), ifnull (lead_enterprise_id, 0) "
                                                  "FROM chains WHERE code = ?1", error);

  memset (c, 0, sizeof *c);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (lj_stmt_get (st), 1, code, -1, SQLITE_STATIC);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    {
      if (error && *error == NULL)
        g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "demo: no chain %s", code);
      return FALSE;
    }
  c->id = sqlite3_column_int64 (lj_stmt_get (st), 0);
  c->committee = sqlite3_column_int64 (lj_stmt_get (st), 1);
  c->lead = sqlite3_column_int64 (lj_stmt_get (st), 2);
  g_clear_pointer (&st, lj_stmt_release);
  /* The first other covered enterprise that is on this chain only and
   * leads none, so no enterprise is on both sides of a pair. */
  c->other = lookup_int (req, "SELECT ec.enterprise_id FROM enterprise_chains ec WHERE ec.chain_id = ?1 AND ec.enterprise_id <> ?2 "
                              "AND EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = ec.enterprise_id) "
                              "AND ec.enterprise_id NOT IN (SELECT lead_enterprise_id FROM chains WHERE lead_enterprise_id IS NOT NULL) "
                              "AND (SELECT count (*) FROM enterprise_chains x WHERE x.enterprise_id = ec.enterprise_id) = 1 "
                              "ORDER BY ec.enterprise_id LIMIT 1", c->id, c->lead, error);
  return c->other > 0 && c->lead > 0 && c->committee > 0;
}

static gboolean
run (LjRequest *req, const char *sql, GError **error, const char *first_type, ...)
{
  /* Binds from a list of (type, value) pairs: "i" gint64, "d" double, "t" text (NULL binds NULL); ends at NULL. */
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  sqlite3_stmt *s;
  va_list args;
  int n = 0;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  va_start (args, first_type);
  for (const char *t = first_type; t; t = va_arg (args, const char *))
    {
      n++;
      if (*t == 'i')
        sqlite3_bind_int64 (s, n, va_arg (args, gint64));
      else if (*t == 'd')
        {
          double d = va_arg (args, double);
          if (d > 0)
            sqlite3_bind_double (s, n, d);
          else
            sqlite3_bind_null (s, n);
        }
      else
        {
          const char *v = va_arg (args, const char *);
          if (v)
            sqlite3_bind_text (s, n, v, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (s, n);
        }
    }
  va_end (args);
  return lj_stmt_step_done (st, error);
}

static gint64
add_listing (LjRequest *req, const char *direction, const DemoSide *side, gint64 enterprise, gint64 org,
             gint64 chain, gint64 also_chain, const char *at, GError **error)
{
  g_auto (GStrv) words = g_strsplit (side->keywords, "|", -1);
  gint64 id;

  if (!run (req, "INSERT INTO matching_listings (direction, enterprise_id, external_party, org_id, type, title, description, "
                 "amount_cny, valid_until, published_at, state, created_at, updated_at) "
                 "VALUES (?1, nullif (?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, '2027-12-31', ?9, 'published', ?9, ?9)", error,
            "t", direction, "i", side->party ? (gint64) 0 : enterprise, "t", side->party, "i", org, "t", side->type,
            "t", side->title, "t", side->description, "d", side->amount, "t", at, NULL))
    return 0;
  id = lj_request_last_insert_id (req);
  if (!run (req, "INSERT INTO matching_listing_chains (listing_id, chain_id) VALUES (?1, ?2)", error, "i", id, "i", chain, NULL))
    return 0;
  if (also_chain && !run (req, "INSERT INTO matching_listing_chains (listing_id, chain_id) VALUES (?1, ?2)", error,
                          "i", id, "i", also_chain, NULL))
    return 0;
  for (guint i = 0; words[i]; i++)
    if (!run (req, "INSERT INTO matching_listing_keywords (listing_id, keyword) VALUES (?1, ?2)", error,
              "i", id, "t", words[i], NULL))
      return 0;
  return id;
}

typedef struct {
  const char *kind, *title, *starts_at, *ends_at, *venue, *minutes;
  const char *organizer_chain;   /* NULL: the working committee */
  const char *chains[3];
  gint64      capacity, attendees;
} DemoEvent;

static const DemoEvent events[] = {
  { "alliance", "楚雄高新区产业链党建联盟2026年度联席会", "2026-03-20T01:30:00Z", "2026-03-20T04:30:00Z", "园区党群服务中心一楼报告厅",
    "十条产业链党委书记和链主企业交流年度对接计划；发布需求清单22条、资源清单22条；现场达成对接意向5项。", NULL,
    { NULL }, 150, 96 },
  { "salon", "生物医药创新沙龙：彝药质量标准与“出海”", "2026-05-15T06:30:00Z", "2026-05-15T09:00:00Z", "生物医药产业链党建工作站",
    "云南中医药大学专家介绍指纹图谱方法；三家药企交流注册经验；约定联合实验室筹建。", "SWYY", { "SWYY", NULL }, 40, 28 },
  { "roadshow", "绿色铜与新材料项目路演暨银企对接会", "2026-06-18T06:00:00Z", "2026-06-18T09:30:00Z", "园区科创中心路演厅",
    "6个技改和新材料项目路演；3家银行现场解读信贷产品；2个项目进入授信流程。", "LST", { "LST", "XCL", NULL }, 60, 47 },
  { "tech_transfer", "晶硅新能源与绿色化工科技成果转化对接会", "2026-09-10T01:30:00Z", "2026-09-10T05:00:00Z", "园区科创中心二楼会议室",
    "发布多晶硅提纯、废盐资源化等成果8项；两项技术转让进入洽谈。", "JGXNY", { "JGXNY", "LSHG", NULL }, 50, 35 },
};

static gboolean
add_registration (LjRequest *req, gint64 event, gint64 enterprise, const char *party, const char *role,
                  const char *state, const char *person, const char *position, gint64 listing, const char *at,
                  GError **error)
{
  g_autofree char *seed = g_strdup_printf ("lianjian demo registration %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
                                           event, enterprise, party ? party : "");
  g_autofree char *code = matching_new_code (seed);
  gboolean attended = strcmp (state, "attended") == 0;
  gint64 id;

  if (!run (req, "INSERT INTO matching_registrations (event_id, enterprise_id, external_party, role, check_in_code, checked_in_at, "
                 "state, created_at, updated_at) VALUES (?1, nullif (?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?8)", error,
            "i", event, "i", enterprise, "t", party, "t", role,
            "t", code, "t", attended ? at : NULL, "t", state,
            "t", "2026-01-05T02:00:00Z", NULL))
    return FALSE;
  id = lj_request_last_insert_id (req);
  if (!run (req, "INSERT INTO matching_registration_persons (registration_id, name, position) VALUES (?1, ?2, ?3)", error,
            "i", id, "t", person, "t", position, NULL))
    return FALSE;
  if (listing && !run (req, "INSERT INTO matching_registration_listings (registration_id, listing_id) VALUES (?1, ?2)", error,
                       "i", id, "i", listing, NULL))
    return FALSE;
  return TRUE;
}

static const char *const surnames[] = { "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴" };

gboolean
matching_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error)
{
  DemoChain chains[G_N_ELEMENTS (pairs)];
  gint64 needs[G_N_ELEMENTS (pairs)], offers[G_N_ELEMENTS (pairs)], offer_ent[G_N_ELEMENTS (pairs)];
  gint64 event_ids[G_N_ELEMENTS (events)];
  gint64 root = lookup_int (req, "SELECT id FROM organizations WHERE kind = 'working_committee' AND ?1 = ?2", 0, 0, error);

  if (root <= 0)
    return FALSE;
  /* Listings: published between August and October 2026. */
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      const DemoPair *p = &pairs[i];
      DemoChain also = { 0 };
      g_autofree char *need_at = g_strdup_printf ("2026-08-%02uT02:00:00Z", 3 + 2 * i);
      g_autofree char *offer_at = g_strdup_printf ("2026-09-%02uT02:00:00Z", 4 + 2 * i);

      if (!load_chain (req, p->chain, &chains[i], error))
        {
          if (error && *error == NULL)
            g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "demo: chain %s is not as expected", p->chain);
          return FALSE;
        }
      if (p->offer.also_chain && !load_chain (req, p->offer.also_chain, &also, error))
        return FALSE;
      needs[i] = add_listing (req, "need", &p->need, chains[i].other, chains[i].committee, chains[i].id, 0, need_at, error);
      /* An offer on two chains comes from the second chain's lead (logistics, copper). */
      offer_ent[i] = p->offer.party ? 0 : p->offer.also_chain ? also.lead : chains[i].lead;
      offers[i] = add_listing (req, "offer", &p->offer, offer_ent[i],
                               p->offer.also_chain ? also.committee : chains[i].committee, chains[i].id, also.id,
                               offer_at, error);
      if (needs[i] == 0 || offers[i] == 0)
        return FALSE;
    }
  /* The park office's policy service, a bank's loans, and a need for them. */
  {
    static const DemoSide policy = { "policy", "高新技术企业认定与研发费用加计扣除辅导", "高新技术企业|加计扣除",
                                     "园区政策服务专员一对一辅导高企认定和研发费用加计扣除申报。", "楚雄高新区管委会", NULL, 0 };
    static const DemoSide need_fin = { "financing", "彝药出海产能扩建项目贷款", "产能扩建|项目贷款",
                                       "彝药出海产能扩建项目需中长期项目贷款约3000万元。", NULL, NULL, 30000000 };

    static const DemoSide bank = { "financing", "中长期项目贷款（产能扩建、技术改造）", "项目贷款|产能扩建|技术改造",
                                   "面向链上企业产能扩建和技术改造项目的中长期贷款，期限最长8年。", "中国农业银行楚雄分行", NULL, 50000000 };

    if (add_listing (req, "offer", &policy, 0, root, chains[0].id, 0, "2026-10-09T02:00:00Z", error) == 0 ||
        add_listing (req, "offer", &bank, 0, root, chains[0].id, chains[5].id, "2026-10-10T02:00:00Z", error) == 0 ||
        add_listing (req, "need", &need_fin, chains[0].lead, chains[0].committee, chains[0].id, 0, "2026-10-12T02:00:00Z",
                     error) == 0)
      return FALSE;
  }

  /* Events, all held; organisers are chain committees or the working committee. */
  for (guint e = 0; e < G_N_ELEMENTS (events); e++)
    {
      const DemoEvent *ev = &events[e];
      gint64 organizer = root;
      gint64 id;

      for (guint i = 0; ev->organizer_chain && i < G_N_ELEMENTS (pairs); i++)
        if (strcmp (pairs[i].chain, ev->organizer_chain) == 0)
          organizer = chains[i].committee;
      if (!run (req, "INSERT INTO matching_events (kind, title, organizer_org_id, starts_at, ends_at, venue, capacity, "
                     "registration_mode, registration_deadline, minutes, attendee_count, state, created_at, updated_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'approval', ?4, ?8, ?9, 'held', '2026-01-05T02:00:00Z', ?5)", error,
                "t", ev->kind, "t", ev->title, "i", organizer, "t", ev->starts_at, "t", ev->ends_at, "t", ev->venue,
                "i", ev->capacity, "t", ev->minutes, "i", ev->attendees, NULL))
        return FALSE;
      id = event_ids[e] = lj_request_last_insert_id (req);
      for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
        {
          gboolean on = ev->chains[0] == NULL;

          for (guint k = 0; k < G_N_ELEMENTS (ev->chains) && ev->chains[k]; k++)
            on = on || strcmp (ev->chains[k], pairs[i].chain) == 0;
          if (!on)
            continue;
          if (!run (req, "INSERT INTO matching_event_chains (event_id, chain_id) VALUES (?1, ?2)", error,
                    "i", id, "i", chains[i].id, NULL))
            return FALSE;
          /* The needing enterprise presents; the offering side attends (or invests). */
          {
            g_autofree char *p1 = g_strdup_printf ("%s经理", surnames[i % G_N_ELEMENTS (surnames)]);
            g_autofree char *p2 = g_strdup_printf ("%s主任", surnames[(i + 3) % G_N_ELEMENTS (surnames)]);
            const char *offer_state = (i + e) % 7 == 3 ? "no_show" : "attended";

            if (!add_registration (req, id, chains[i].other, NULL, "presenter", "attended", p1, "总经理", needs[i],
                                   ev->starts_at, error))
              return FALSE;
            if (pairs[i].offer.party)
              {
                if (!add_registration (req, id, 0, pairs[i].offer.party,
                                       strcmp (pairs[i].offer.type, "financing") == 0 ? "investor" : "expert",
                                       offer_state, p2, "负责人", offers[i], ev->starts_at, error))
                  return FALSE;
              }
            else if (!add_registration (req, id, offer_ent[i], NULL, "attendee", offer_state, p2, "副总经理",
                                        offers[i], ev->starts_at, error))
              return FALSE;
          }
        }
    }
  /* One cancelled registration, to show it. */
  if (!add_registration (req, event_ids[1], 0, "云南白药集团（观察）", "attendee", "cancelled", "孙经理", "投资部", 0,
                         events[1].starts_at, error))
    return FALSE;

  /* Matches: three signed, one delivered, and the rest in the pipeline. */
  {
    static const struct {
      guint pair; int event; const char *state; const char *stalled_from; const char *next_step; const char *due;
      const char *kind; double amount; const char *signed_on;
    } deals[] = {
      { 0, 1, "contract_signed", NULL, "联合实验室揭牌", "2026-12-15", "joint_lab", 1500000, "2026-06-30" },
      { 5, 2, "delivered", NULL, NULL, NULL, "loan", 8000000, "2026-07-20" },
      { 4, 3, "contract_signed", NULL, "中试线验收", "2027-01-20", "tech_transfer", 12000000, "2026-10-28" },
      { 3, -1, "negotiating", NULL, "确认年度框架价格", "2026-12-05", NULL, 0, NULL },
      { 1, -1, "contacted", NULL, "实地查看预冷库", "2026-12-01", NULL, 0, NULL },
      { 6, 2, "intent_signed", NULL, "签订设备共享协议", "2026-12-10", NULL, 0, NULL },
      { 9, -1, "stalled", "negotiating", "等待冶炼渣检测报告", "2027-01-10", NULL, 0, NULL },
      { 2, 3, "suggested", NULL, "联系昆明理工大学技术转移中心", "2026-12-03", NULL, 0, NULL },
    };

    for (guint d = 0; d < G_N_ELEMENTS (deals); d++)
      {
        gint64 match;
        g_autofree char *at = g_strdup_printf ("2026-%02u-%02uT03:00:00Z", 6 + d % 5, 10 + d);

        if (!run (req, "INSERT INTO matching_matches (need_id, offer_id, event_id, next_step, next_step_due, stalled_from, state, "
                       "created_at, updated_at) VALUES (?1, ?2, nullif (?3, 0), ?4, ?5, ?6, ?7, ?8, ?8)", error,
                  "i", needs[deals[d].pair], "i", offers[deals[d].pair], "i", deals[d].event >= 0 ? event_ids[deals[d].event] : (gint64) 0,
                  "t", deals[d].next_step, "t", deals[d].due, "t", deals[d].stalled_from, "t", deals[d].state, "t", at, NULL))
          return FALSE;
        match = lj_request_last_insert_id (req);
        if (deals[d].kind == NULL)
          continue;
        if (!run (req, "INSERT INTO matching_agreements (match_id, kind, amount_cny, signed_on, created_at, updated_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?5)", error,
                  "i", match, "t", deals[d].kind, "d", deals[d].amount, "t", deals[d].signed_on, "t", at, NULL) ||
            !run (req, "UPDATE matching_listings SET state = 'matched' WHERE id IN (?1, ?2)", error,
                  "i", needs[deals[d].pair], "i", offers[deals[d].pair], NULL))
          return FALSE;
      }
  }
  return TRUE;
}
