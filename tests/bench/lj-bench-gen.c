/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lj-bench-gen: fills a Lianjian database to province scale for the
 * benchmark (tests/bench/run.sh, docs/performance.md).
 *
 *   lj-bench-gen --db FILE [--scale 1.0] [--seed 20261125]
 *                [--fts rebuild|triggers] [--indexes drop|keep]
 *                [--plugin-path DIR:DIR…] [--env FILE] [--analyze]
 *   lj-bench-gen --db FILE --mint-user NAME --password PW [--role admin|secretary|viewer]
 *
 * At scale 1 ("province"): 60 chains, 100,000 enterprises, 20,000
 * organisations (one working committee, 60 chain committees, enterprise
 * committees, general branches, joint branches of small firms, and branches
 * below the committees), 1,000,000 members, 200,000 activities and
 * 5,000,000 attendance rows.  Chains stay 60 at every scale; the rest scale.
 *
 * Deterministic: one GRand with a fixed seed plans everything in memory
 * first (who belongs where), names come from small word lists through a
 * hash of the id, so the same seed and scale give the same rows.  The
 * clock is never read for data (timestamps are fixed or derived).
 *
 * How it inserts fast: the schema is created by lj_core_migrate (the same
 * steps the server applies, from the library's GResources), then during
 * generation journal_mode=OFF, synchronous=OFF, foreign_keys=OFF, a 512 MB
 * page cache, secondary indexes dropped and recreated once at the end
 * (a sort instead of random B-tree inserts), the FTS5 triggers dropped and
 * each FTS index rebuilt once ('rebuild') — or, with --fts triggers, filled
 * row by row by the schema's own triggers, for comparison.  Every table is
 * written in chunks of CHUNK rows, one transaction each, through one
 * prepared statement.  At the end journal_mode goes back to WAL.
 *
 * Accounts: an admin "bench-admin" with an API token (lj_auth_create_user),
 * and a viewer "bench-login" with the password "bench-login-password", for
 * the login benchmark.  --env FILE writes what the benchmark needs (the
 * token, ids and a search term) as shell assignments.
 *
 * Plugin data: with --plugin-path DIR:DIR… (the plugin build directories,
 * as LIANJIAN_PLUGIN_PATH) the plugins are loaded through the server's own
 * plugin host right after the core migration, so their migrations run
 * exactly as `lianjian serve` runs them, before any row is written; their
 * indexes and search triggers are then dropped and rebuilt with the
 * core's.  Each gen_plugin_*() fills one plugin's tables when they exist
 * (a plugin that did not build or load is skipped), proportional to the
 * core data and valid for the plugin: states reached through its state
 * machine, with the core's transition history and the plugin's own logs
 * (problem-board project events, visit-log request log and escalations,
 * talent track stages) as the server would have written them.  See the
 * section "plugin data" below, the files lj-bench-gen-PLUGIN.c (one per
 * plugin) and docs/performance.md; lj-bench-gen.h is what they share. */
#include "lj-bench-gen.h"
#include "store/lj-store.h"
#include "domain/lj-core.h"
#include "domain/lj-credit-code.h"
#include "auth/lj-auth.h"
#include "app/lj-app-private.h"
#include "plugin/lj-plugin-host.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#define CHUNK 50000
#define BENCH_PASSWORD "bench-login-password"

/* ------------------------------------------------------------------ */
/* word lists                                                          */

const char *const chain_names[N_CHAINS] = {
  "生物医药", "绿色食品", "绿色铝", "绿色硅", "绿色铜", "新能源电池", "光伏", "装备制造", "新材料", "数字经济",
  "现代物流", "文化旅游", "高原特色农业", "花卉", "茶叶", "咖啡", "中药材", "烟草配套", "稀贵金属", "精细化工",
  "绿色建材", "纺织服装", "电子信息", "先进装备", "汽车零部件", "林产", "肉牛", "生猪", "蔬菜", "水果",
  "坚果", "食用菌", "乳制品", "酒类", "康养", "跨境电商", "冷链物流", "节能环保", "新型显示", "智能制造",
  "软件信息", "人工智能", "半导体", "锂电池", "氢能", "储能", "钢铁", "锡产业", "磷化工", "天然气",
  "水电", "风电", "商贸服务", "金融服务", "会展", "健康医疗", "体育用品", "印刷包装", "家具", "工艺美术",
};
static const char *chain_codes[N_CHAINS] = {
  "SWYY", "LSSP", "LSL", "LSG", "LST", "XNYDC", "GF", "ZBZZ", "XCL", "SZJJ",
  "XDWL", "WHLY", "GYNY", "HH", "CY", "KF", "ZYC", "YCPT", "XGJS", "JXHG",
  "LSJC", "FZFZ", "DZXX", "XJZB", "QCLBJ", "LC", "RN", "SZ", "SC", "SG",
  "JG", "SYJ", "RZP", "JL", "KY", "KJDS", "LLWL", "JNHB", "XXXS", "ZNZZ",
  "RJXX", "RGZN", "BDT", "LDC", "QN", "CN", "GT", "XCY", "LHG", "TRQ",
  "SD", "FD", "SMFW", "JRFW", "HZ", "JKYL", "TYYP", "YSBZ", "JJ", "GYMS",
};
/* The trade word in an enterprise's name, one per chain. */
const char *const chain_trades[N_CHAINS] = {
  "制药", "食品", "铝业", "硅业", "铜业", "新能源", "光伏科技", "机械", "新材料", "数字科技",
  "物流", "文旅", "农业开发", "花卉", "茶业", "咖啡", "药业", "包装", "贵金属", "化工",
  "建材", "服饰", "电子", "装备", "汽车部件", "林业", "牧业", "养殖", "蔬菜", "果业",
  "坚果", "菌业", "乳业", "酒业", "康养", "电子商务", "冷链", "环保科技", "光电", "智能科技",
  "软件", "智能", "半导体", "锂电", "氢能源", "储能科技", "钢铁", "锡业", "磷化", "燃气",
  "水电开发", "风电", "商贸", "投资", "会展服务", "医疗", "体育用品", "印务", "家具", "工艺品",
};
const char *const cities[] = {
  "昆明", "曲靖", "玉溪", "保山", "昭通", "丽江", "普洱", "临沧", "楚雄", "红河", "文山", "西双版纳",
  "大理", "德宏", "怒江", "迪庆",
};
const gsize n_cities = G_N_ELEMENTS (cities);
const char *const districts[] = {
  "高新区", "经开区", "五华区", "盘龙区", "官渡区", "呈贡区", "麒麟区", "红塔区", "隆阳区", "昭阳区",
  "古城区", "思茅区", "临翔区", "鹿城镇", "蒙自市", "砚山县",
};
const gsize n_districts = G_N_ELEMENTS (districts);
const char *const brands[] = {
  "鹿城", "华宇", "滇润", "青山", "苍岭", "金沙", "彩云", "春城", "玉龙", "洱海", "哀牢", "乌蒙",
  "紫溪", "龙川", "南涧", "雪莲", "高原", "红土", "滇池", "澜沧", "怒江", "梅里", "普洱", "石林",
  "东川", "易门", "禄丰", "元谋", "永仁", "大姚", "姚安", "牟定", "南华", "武定", "双柏", "峨山",
  "通海", "华宁", "江川", "澄江", "新平", "元江", "弥勒", "泸西", "建水", "石屏", "个旧", "开远",
  "云岭", "金马", "碧鸡", "西山", "翠湖", "圆通", "宝象", "鼎新", "恒达", "瑞丰", "兴业", "永昌",
  "天成", "宏泰", "嘉禾", "盛世", "万象", "同心", "博远", "立信", "长青", "福瑞", "祥和", "汇通",
};
const gsize n_brands = G_N_ELEMENTS (brands);
static const char *company_suffixes[] = { "有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司" };
static const char *roads[] = {
  "人民路", "北京路", "环城路", "滇池路", "龙泉路", "科技路", "创业大道", "工业园路", "鹿城南路", "建设路",
  "学府路", "金碧路", "春城路", "彩云路", "永安路", "兴业街",
};
static const char *surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
  "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
  "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
  "叶", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭",
  "字", "普", "者", "起", "段", "杞", "李", "杨",
};
static const char *given[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
  "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "红", "玉", "兰", "峰", "锋",
  "天", "燕", "云", "海", "波", "鹏", "宇", "浩", "晨", "欣", "悦", "琳", "婷", "雪", "梅", "鑫",
};
const char *const positions[] = {
  "技术员", "车间主任", "工程师", "总经理", "副总经理", "办公室主任", "财务经理", "销售经理", "质检员",
  "操作工", "班组长", "研发主管", "党支部书记", "人力资源专员", "采购专员", "安全员", "高级工程师", "行政助理",
};
const gsize n_positions = G_N_ELEMENTS (positions);
const char *const educations[] = { "below_high_school", "high_school", "junior_college", "bachelor", "master", "doctorate" };
const int education_weights[] = { 8, 20, 30, 35, 6, 1 };
const char *const cn_numbers[] = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十" };
static const char *activity_kinds[] = { "theory_study", "policy_briefing", "situation_analysis", "joint_building", "volunteer_service", "other" };
static const char *activity_topics[][3] = {
  { "习近平新时代中国特色社会主义思想专题读书班", "党的二十大精神专题学习", "党纪学习教育专题党课" },
  { "惠企政策宣讲会", "稳增长政策解读会", "税费优惠政策辅导" },
  { "产业链经济形势分析会", "季度运行分析会", "市场形势研判会" },
  { "链上企业联建共建推进会", "党建引领产业链协同座谈会", "链主企业开放日" },
  { "志愿服务进社区", "义务植树活动", "助学帮困志愿行" },
  { "主题党日活动", "先进典型事迹报告会", "青年党员座谈会" },
};

/* ------------------------------------------------------------------ */
/* helpers                                                             */

guint64
mix64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

/* Days since 1970-01-01 to Y-M-D (Howard Hinnant's civil_from_days). */
void
civil (gint64 z, int *y, int *m, int *d)
{
  z += 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned) (z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 yy = (gint64) yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = (int) (yy + (*m <= 2));
}

void
fmt_date (char *buf, gint64 day)
{
  int y, m, d;
  civil (day, &y, &m, &d);
  sprintf (buf, "%04d-%02d-%02d", y, m, d);
}

void
fmt_ts (char *buf, gint64 minute)
{
  int y, m, d;
  civil (minute / 1440, &y, &m, &d);
  sprintf (buf, "%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, (int) (minute % 1440) / 60, (int) (minute % 60));
}

static double t0;

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

void
progress (const char *what, gint64 done, gint64 total)
{
  static double last;
  double t = now_s ();

  if (done != total && t - last < 0.2)
    return;
  last = t;
  fprintf (stderr, "\r  %-34s %3d%%  %9" G_GINT64_FORMAT " / %-9" G_GINT64_FORMAT "  %6.1f s",
           what, total ? (int) (100 * done / total) : 100, done, total, t - t0);
  if (done == total)
    fputc ('\n', stderr);
}

static void
die_db (sqlite3 *db, const char *what)
{
  fprintf (stderr, "\nlj-bench-gen: %s: %s\n", what, sqlite3_errmsg (db));
  exit (1);
}

void
exec (sqlite3 *db, const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      fprintf (stderr, "\nlj-bench-gen: %s: %s\n", sql, msg);
      exit (1);
    }
}

sqlite3_stmt *
prep (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
    die_db (db, sql);
  return st;
}

static void
step_reset (sqlite3 *db, sqlite3_stmt *st)
{
  if (sqlite3_step (st) != SQLITE_DONE)
    die_db (db, sqlite3_sql (st));
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
}

/* Commits every CHUNK rows: one transaction per table chunk. */
static void
chunk_tick (sqlite3 *db, gint64 i)
{
  if (i > 0 && i % CHUNK == 0)
    {
      exec (db, "COMMIT");
      exec (db, "BEGIN");
    }
}

void
bind_text (sqlite3_stmt *st, int col, const char *s)
{
  if (s)
    sqlite3_bind_text (st, col, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (st, col);
}

/* ------------------------------------------------------------------ */
/* the plan                                                            */

enum { SIZE_LARGE, SIZE_MEDIUM, SIZE_SMALL, SIZE_MICRO };
static const char *size_names[] = { "large", "medium", "small", "micro" };
static const char *ownership_names[] = { "non_public", "state_owned", "foreign", "collective" };
static const char *org_kind_names[] = { "working_committee", "chain_committee", "committee", "general_branch", "branch", "joint_branch" };

int
weighted (GRand *r, const int *w, int n)
{
  int total = 0, x;

  for (int i = 0; i < n; i++)
    total += w[i];
  x = g_rand_int_range (r, 0, total);
  for (int i = 0; i < n; i++)
    if ((x -= w[i]) < 0)
      return i;
  return n - 1;
}

void
enterprise_name (char *buf, gsize len, gint64 id, int chain)
{
  guint64 h = mix64 ((guint64) id);

  g_snprintf (buf, len, "%s%s%s%s", PICK (cities, h), PICK (brands, h >> 8), chain_trades[chain],
              PICK (company_suffixes, h >> 20));
}

void
person_name (GRand *r, char *buf, gsize len)
{
  if (chance (r, 70))
    g_snprintf (buf, len, "%s%s%s", PICK (surnames, g_rand_int (r)), PICK (given, g_rand_int (r)), PICK (given, g_rand_int (r)));
  else
    g_snprintf (buf, len, "%s%s", PICK (surnames, g_rand_int (r)), PICK (given, g_rand_int (r)));
}

static void
plan_enterprises (Gen *g)
{
  static const int size_w[] = { 3, 17, 45, 35 };
  static const int own_w[] = { 80, 10, 5, 5 };
  gint64 n = g->n_ent;

  g->ent_chain = g_new (guint8, n);
  g->ent_chain2 = g_new (gint8, n);
  g->ent_size = g_new (guint8, n);
  g->ent_own = g_new (guint8, n);
  g->ent_three = g_new (guint8, n);
  g->ent_closed = g_new (guint8, n);
  g->ent_org = g_new0 (gint32, n);
  for (int c = 0; c < N_CHAINS; c++)
    g->lead_ent[c] = 0;
  for (gint64 i = 0; i < n; i++)
    {
      /* Chains of uneven size, as in a real province. */
      int c = (int) (g_rand_double (g->rand) * g_rand_double (g->rand) * N_CHAINS);
      g->ent_chain[i] = (guint8) c;
      g->ent_chain2[i] = g_rand_int_range (g->rand, 0, 100) < 20 ? (gint8) ((c + 1 + g_rand_int_range (g->rand, 0, N_CHAINS - 1)) % N_CHAINS) : -1;
      g->ent_size[i] = (guint8) weighted (g->rand, size_w, 4);
      g->ent_own[i] = (guint8) weighted (g->rand, own_w, 4);
      g->ent_three[i] = g_rand_int_range (g->rand, 0, 100) < 40;
      g->ent_closed[i] = g_rand_int_range (g->rand, 0, 100) < 5;
      if (g->lead_ent[c] == 0 && g->ent_size[i] == SIZE_LARGE)
        g->lead_ent[c] = i + 1;
    }
}

static gint32
org_new (Gen *g, int kind, int chain, gint32 parent)
{
  gint32 id = (gint32) ++g->n_org;

  g_assert (id <= g->n_org_target);
  g->org_kind[id - 1] = (guint8) kind;
  g->org_chain[id - 1] = (gint16) chain;
  g->org_parent[id - 1] = parent;
  g->org_ent_first[id - 1] = (gint32) g->cov->len;
  g->org_ent_count[id - 1] = 0;
  return id;
}

static void
org_cover (Gen *g, gint32 org, gint64 ent)
{
  gint32 e = (gint32) ent;

  g_array_append_val (g->cov, e);
  g->org_ent_count[org - 1]++;
  if (g->ent_org[ent - 1] == 0)
    g->ent_org[ent - 1] = org;
}

static void
plan_organizations (Gen *g)
{
  gint64 cap = g->n_org_target;
  GArray *pending[N_CHAINS];
  int want[N_CHAINS];
  GArray *parents = g_array_new (FALSE, FALSE, sizeof (gint32));
  /* Keep about 37% of the organisations below the chain committees for
   * the branches inside enterprise committees. */
  gint64 ent_org_budget = (cap - FIRST_ENTERPRISE_ORG + 1) * 63 / 100;

  g->org_kind = g_new0 (guint8, cap);
  g->org_chain = g_new (gint16, cap);
  g->org_parent = g_new0 (gint32, cap);
  g->org_ent_first = g_new0 (gint32, cap);
  g->org_ent_count = g_new0 (gint32, cap);
  g->org_seq = g_new0 (gint32, cap);
  g->cov = g_array_new (FALSE, FALSE, sizeof (gint32));

  org_new (g, K_WORKING, -1, 0);
  for (int c = 0; c < N_CHAINS; c++)
    {
      org_new (g, K_CHAIN, c, ROOT_ORG);
      pending[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
      want[c] = g_rand_int_range (g->rand, 3, 9);
    }
  for (gint64 i = 0; i < g->n_ent && g->n_org - (FIRST_ENTERPRISE_ORG - 1) < ent_org_budget; i++)
    {
      gboolean eligible = g->ent_own[i] == 0 && g->ent_three[i] && !g->ent_closed[i];
      int c = g->ent_chain[i];

      if (g_rand_int_range (g->rand, 0, 100) >= (eligible ? 75 : 20))
        continue;
      if (g->ent_size[i] <= SIZE_MEDIUM)
        {
          int kind = g->ent_size[i] == SIZE_LARGE ? K_COMMITTEE
                   : g_rand_int_range (g->rand, 0, 100) < 60 ? K_GENERAL : K_BRANCH;
          gint32 o = org_new (g, kind, -1, CHAIN_ORG (c));
          org_cover (g, o, i + 1);
          if (kind != K_BRANCH)
            g_array_append_val (parents, o);
        }
      else
        {
          gint64 e = i + 1;
          g_array_append_val (pending[c], e);
          if ((int) pending[c]->len >= want[c])
            {
              gint32 o = org_new (g, K_JOINT, -1, CHAIN_ORG (c));
              for (guint k = 0; k < pending[c]->len; k++)
                org_cover (g, o, g_array_index (pending[c], gint64, k));
              g_array_set_size (pending[c], 0);
              want[c] = g_rand_int_range (g->rand, 3, 9);
            }
        }
    }
  for (int c = 0; c < N_CHAINS; c++)
    {
      if (pending[c]->len > 0 && g->n_org < cap)
        {
          gint32 o = org_new (g, K_JOINT, -1, CHAIN_ORG (c));
          for (guint k = 0; k < pending[c]->len; k++)
            org_cover (g, o, g_array_index (pending[c], gint64, k));
        }
      g_array_unref (pending[c]);
    }
  /* Branches below the committees and general branches fill the rest. */
  while (g->n_org < cap && parents->len > 0)
    {
      gint32 p = g_array_index (parents, gint32, g_rand_int_range (g->rand, 0, (gint32) parents->len));
      gint32 o = org_new (g, K_BRANCH, -1, p);
      g->org_seq[o - 1] = ++g->org_seq[p - 1];
      /* A branch inherits its parent's enterprise for members and names. */
      g->org_ent_first[o - 1] = g->org_ent_first[p - 1];
      g->org_ent_count[o - 1] = -1;
    }
  g_array_unref (parents);
  /* The chain an enterprise organisation belongs to: its enterprise's. */
  for (gint64 o = FIRST_ENTERPRISE_ORG; o <= g->n_org; o++)
    if (g->org_chain[o - 1] < 0 && g->org_kind[o - 1] != K_WORKING)
      {
        gint32 first = g_array_index (g->cov, gint32, g->org_ent_first[o - 1]);
        g->org_chain[o - 1] = g->ent_chain[first - 1];
      }
}

/* One enterprise of an organisation (for a member's enterprise_id), or 0. */
static gint64
org_enterprise (Gen *g, gint32 org, GRand *r)
{
  gint32 n = g->org_ent_count[org - 1];

  if (g->org_kind[org - 1] == K_WORKING || g->org_kind[org - 1] == K_CHAIN)
    return 0;
  if (n <= 0)
    return g_array_index (g->cov, gint32, g->org_ent_first[org - 1]);
  return g_array_index (g->cov, gint32, g->org_ent_first[org - 1] + g_rand_int_range (r, 0, n));
}

void
csr_build (gint64 n_items, const gint32 *key, gint64 n_keys, gint32 **first, gint32 **count, gint32 **items)
{
  gint32 *f = g_new0 (gint32, n_keys + 1), *c = g_new0 (gint32, n_keys), *it = g_new (gint32, n_items);

  for (gint64 i = 0; i < n_items; i++)
    if (key[i] >= 0)
      c[key[i]]++;
  for (gint64 k = 0; k < n_keys; k++)
    f[k + 1] = f[k] + c[k];
  memset (c, 0, sizeof (gint32) * n_keys);
  for (gint64 i = 0; i < n_items; i++)
    if (key[i] >= 0)
      it[f[key[i]] + c[key[i]]++] = (gint32) (i + 1);
  *first = f;
  *count = c;
  *items = it;
}

static void
plan_members (Gen *g)
{
  gint64 n = g->n_mem, i = 0;
  gint32 *key;

  g->mem_org = g_new (gint32, n);
  /* The working committee and each chain committee have a few members
   * of their own; everyone else is in an enterprise organisation. */
  for (int k = 0; k < 3 && i < n; k++)
    g->mem_org[i++] = ROOT_ORG;
  for (int c = 0; c < N_CHAINS; c++)
    for (int k = 0; k < 2 && i < n; k++)
      g->mem_org[i++] = CHAIN_ORG (c);
  for (; i < n; i++)
    g->mem_org[i] = (gint32) g_rand_int_range (g->rand, FIRST_ENTERPRISE_ORG, (gint32) g->n_org + 1);

  /* org -> members (index org-1), chain -> members */
  key = g_new (gint32, n);
  for (i = 0; i < n; i++)
    key[i] = g->mem_org[i] - 1;
  csr_build (n, key, g->n_org, &g->org_mem_first, &g->org_mem_count, &g->org_mems);
  for (i = 0; i < n; i++)
    key[i] = g->org_chain[g->mem_org[i] - 1];
  csr_build (n, key, N_CHAINS, &g->chain_mem_first, &g->chain_mem_count, &g->chain_mems);
  g_free (key);

  g->org_secretary = g_new0 (gint32, g->n_org);
  for (gint64 o = 0; o < g->n_org; o++)
    if (g->org_mem_count[o] > 0)
      g->org_secretary[o] = g->org_mems[g->org_mem_first[o]];
}

/* ------------------------------------------------------------------ */
/* writing                                                             */

static void
write_chains (Gen *g)
{
  sqlite3_stmt *st = prep (g->db, "INSERT INTO chains (id, name, code, description, lead_enterprise_id, committee_org_id,"
                                  " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
  exec (g->db, "BEGIN");
  for (int c = 0; c < N_CHAINS; c++)
    {
      char desc[512];
      g_snprintf (desc, sizeof desc, "云南省%s产业链：链主企业牵头，上下游企业协同，党建引领产业链发展。", chain_names[c]);
      sqlite3_bind_int (st, 1, c + 1);
      bind_text (st, 2, chain_names[c]);
      bind_text (st, 3, chain_codes[c]);
      bind_text (st, 4, desc);
      if (g->lead_ent[c])
        sqlite3_bind_int64 (st, 5, g->lead_ent[c]);
      sqlite3_bind_int (st, 6, CHAIN_ORG (c));
      bind_text (st, 7, "2023-06-30T00:00:00Z");
      step_reset (g->db, st);
    }
  exec (g->db, "COMMIT");
  sqlite3_finalize (st);
  progress ("chains", N_CHAINS, N_CHAINS);
}

static void
write_enterprises (Gen *g)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const char *roles[] = { "core", "upstream", "downstream", "supporting" };
  sqlite3_stmt *st = prep (g->db, "INSERT INTO enterprises (id, name, credit_code, size, ownership, employees, address,"
                                  " contact_name, contact_phone, three_haves, status, created_at, updated_at)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)");
  sqlite3_stmt *ec = prep (g->db, "INSERT INTO enterprise_chains (enterprise_id, chain_id, role) VALUES (?1, ?2, ?3)");
  static const int emp_lo[] = { 1000, 300, 20, 1 }, emp_hi[] = { 20000, 1000, 300, 20 };
  GRand *r = g_rand_new_with_seed (g->seed + 1);

  exec (g->db, "BEGIN");
  for (gint64 i = 0; i < g->n_ent; i++)
    {
      gint64 id = i + 1;
      guint64 h = mix64 ((guint64) id * 31 + 7);
      char name[256], code[19], addr[256], contact[32], phone[16], ts[24];
      guint64 body = ((guint64) id * 7919 + 1234567) % G_GUINT64_CONSTANT (26439622160671); /* 31^9 */
      int size = g->ent_size[i];

      chunk_tick (g->db, i);
      enterprise_name (name, sizeof name, id, g->ent_chain[i]);
      code[0] = '9';
      code[1] = '1';
      g_snprintf (code + 2, 7, "53%02d%02d", (int) (h % 16) + 1, (int) ((h >> 4) % 30) + 1);
      for (int k = 16; k >= 8; k--)
        {
          code[k] = alphabet[body % 31];
          body /= 31;
        }
      code[17] = lj_credit_code_check_char (code);
      code[18] = '\0';
      g_snprintf (addr, sizeof addr, "云南省%s市%s%s%d号", PICK (cities, h >> 12), PICK (districts, h >> 16),
                  PICK (roads, h >> 20), (int) ((h >> 24) % 999) + 1);
      g_snprintf (contact, sizeof contact, "%s%s%s", PICK (surnames, h >> 28), PICK (given, h >> 34), PICK (given, h >> 40));
      g_snprintf (phone, sizeof phone, "1%d%09d", 3 + (int) ((h >> 44) % 7), (int) ((h >> 20) % 1000000000));
      fmt_ts (ts, (gint64) (BENCH_TODAY - 2200 + (gint64) (h % 2100)) * 1440 + 120);

      sqlite3_bind_int64 (st, 1, id);
      bind_text (st, 2, name);
      bind_text (st, 3, code);
      bind_text (st, 4, size_names[size]);
      bind_text (st, 5, ownership_names[g->ent_own[i]]);
      sqlite3_bind_int (st, 6, g_rand_int_range (r, emp_lo[size], emp_hi[size]));
      bind_text (st, 7, addr);
      bind_text (st, 8, contact);
      bind_text (st, 9, phone);
      sqlite3_bind_int (st, 10, g->ent_three[i]);
      bind_text (st, 11, g->ent_closed[i] ? "closed" : "active");
      bind_text (st, 12, ts);
      step_reset (g->db, st);

      sqlite3_bind_int64 (ec, 1, id);
      sqlite3_bind_int (ec, 2, g->ent_chain[i] + 1);
      bind_text (ec, 3, g->lead_ent[g->ent_chain[i]] == id ? "lead" : roles[g_rand_int_range (r, 0, 4)]);
      step_reset (g->db, ec);
      if (g->ent_chain2[i] >= 0)
        {
          sqlite3_bind_int64 (ec, 1, id);
          sqlite3_bind_int (ec, 2, g->ent_chain2[i] + 1);
          bind_text (ec, 3, roles[g_rand_int_range (r, 0, 4)]);
          step_reset (g->db, ec);
        }
      progress ("enterprises + chains links", i + 1, g->n_ent);
    }
  exec (g->db, "COMMIT");
  sqlite3_finalize (st);
  sqlite3_finalize (ec);
  g_rand_free (r);
}

static void
write_organizations (Gen *g)
{
  static const char *kind_suffix[] = { "", "", "党委", "党总支", "党支部", "" };
  sqlite3_stmt *st = prep (g->db, "INSERT INTO organizations (id, name, kind, parent_id, chain_id, secretary_member_id,"
                                  " founded_on, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
  sqlite3_stmt *oe = prep (g->db, "INSERT INTO organization_enterprises (org_id, enterprise_id) VALUES (?1, ?2)");

  exec (g->db, "BEGIN");
  for (gint64 id = 1; id <= g->n_org; id++)
    {
      int kind = g->org_kind[id - 1];
      int chain = g->org_chain[id - 1];
      char name[300], ent[256], founded[16];
      guint64 h = mix64 ((guint64) id * 131 + 3);

      chunk_tick (g->db, id - 1);
      switch (kind)
        {
        case K_WORKING:
          g_snprintf (name, sizeof name, "云南省产业园区党建联建工作委员会");
          break;
        case K_CHAIN:
          g_snprintf (name, sizeof name, "云南省%s产业链党委", chain_names[chain]);
          break;
        case K_JOINT:
          g_snprintf (name, sizeof name, "%s%s产业链小微企业联合党支部（%" G_GINT64_FORMAT "）",
                      PICK (cities, h), chain_names[chain], id);
          break;
        default:
          {
            gint32 e = g_array_index (g->cov, gint32, g->org_ent_first[id - 1]);
            enterprise_name (ent, sizeof ent, e, g->ent_chain[e - 1]);
            if (g->org_ent_count[id - 1] < 0)
              g_snprintf (name, sizeof name, "%s第%s党支部", ent, cn_numbers[(g->org_seq[id - 1] - 1) % 10]);
            else
              g_snprintf (name, sizeof name, "%s%s", ent, kind_suffix[kind]);
          }
        }
      fmt_date (founded, BENCH_TODAY - 200 - (gint64) (h % 4000));
      sqlite3_bind_int64 (st, 1, id);
      bind_text (st, 2, name);
      bind_text (st, 3, org_kind_names[kind]);
      if (g->org_parent[id - 1])
        sqlite3_bind_int (st, 4, g->org_parent[id - 1]);
      if (kind == K_CHAIN)
        sqlite3_bind_int (st, 5, chain + 1);
      if (g->org_secretary[id - 1])
        sqlite3_bind_int (st, 6, g->org_secretary[id - 1]);
      bind_text (st, 7, founded);
      bind_text (st, 8, "2023-06-30T00:00:00Z");
      step_reset (g->db, st);
      for (gint32 k = 0; k < g->org_ent_count[id - 1]; k++)
        {
          sqlite3_bind_int64 (oe, 1, id);
          sqlite3_bind_int (oe, 2, g_array_index (g->cov, gint32, g->org_ent_first[id - 1] + k));
          step_reset (g->db, oe);
        }
      progress ("organisations + coverage", id, g->n_org);
    }
  exec (g->db, "COMMIT");
  sqlite3_finalize (st);
  sqlite3_finalize (oe);
}

static void
write_members (Gen *g)
{
  sqlite3_stmt *st = prep (g->db, "INSERT INTO members (id, name, gender, birth_date, education, joined_on, status, org_id,"
                                  " enterprise_id, position, phone, is_technical_expert, created_at, updated_at)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)");
  GRand *r = g_rand_new_with_seed (g->seed + 2);

  g->mem_ent = g_new0 (gint32, g->n_mem);
  g->mem_joined = g_new (gint32, g->n_mem);
  g->mem_flags = g_new0 (guint8, g->n_mem);
  exec (g->db, "BEGIN");
  for (gint64 i = 0; i < g->n_mem; i++)
    {
      gint64 id = i + 1, ent;
      char name[32], birth[16], joined[16], phone[16], ts[24];
      gint64 jday = BENCH_TODAY - g_rand_int_range (r, 10, 12000);
      gboolean probationary = jday > BENCH_TODAY - 365 && g_rand_int_range (r, 0, 100) < 60;

      chunk_tick (g->db, i);
      person_name (r, name, sizeof name);
      fmt_date (birth, jday - g_rand_int_range (r, 18 * 365, 40 * 365));
      fmt_date (joined, jday);
      g_snprintf (phone, sizeof phone, "1%d%09d", 3 + g_rand_int_range (r, 0, 7), g_rand_int_range (r, 0, 1000000000));
      fmt_ts (ts, MAX (jday, BENCH_TODAY - 1200) * 1440 + 60);
      sqlite3_bind_int64 (st, 1, id);
      bind_text (st, 2, name);
      bind_text (st, 3, g_rand_int_range (r, 0, 100) < 62 ? "male" : "female");
      bind_text (st, 4, birth);
      bind_text (st, 5, educations[weighted (r, education_weights, 6)]);
      bind_text (st, 6, joined);
      bind_text (st, 7, probationary ? "probationary" : "formal");
      sqlite3_bind_int (st, 8, g->mem_org[i]);
      if ((ent = org_enterprise (g, g->mem_org[i], r)) > 0)
        sqlite3_bind_int64 (st, 9, ent);
      bind_text (st, 10, PICK (positions, g_rand_int (r)));
      bind_text (st, 11, phone);
      g->mem_ent[i] = (gint32) ent;
      g->mem_joined[i] = (gint32) jday;
      g->mem_flags[i] = (probationary ? MEM_PROBATIONARY : 0) | (g_rand_int_range (r, 0, 100) < 8 ? MEM_EXPERT : 0);
      sqlite3_bind_int (st, 12, (g->mem_flags[i] & MEM_EXPERT) != 0);
      bind_text (st, 13, ts);
      step_reset (g->db, st);
      progress ("members", i + 1, g->n_mem);
    }
  exec (g->db, "COMMIT");
  sqlite3_finalize (st);
  g_rand_free (r);
}

static int
cmp_i32 (const void *a, const void *b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;
  return (x > y) - (x < y);
}

/* Which organisation held an activity when: what a visit's party-building
 * check reads (visit-log), kept while the activities are written. */
typedef struct {
  gint32 org;
  gint32 start;            /* minutes since the epoch */
} OrgActivity;

static void
org_activity_add (GArray *held, gint32 org, gint64 start_min)
{
  OrgActivity a = { org, (gint32) start_min };

  g_array_append_val (held, a);
}

static void
org_activities_index (Gen *g, GArray *held)
{
  gint32 *key = g_new (gint32, held->len), *items;

  for (guint i = 0; i < held->len; i++)
    key[i] = g_array_index (held, OrgActivity, i).org - 1;
  csr_build (held->len, key, g->n_org, &g->org_act_first, &g->org_act_count, &items);
  /* csr_build lists the positions in @held (from 1): turn them into start
   * minutes, sorted within each organisation for a binary search. */
  g->org_act_start = g_new (gint32, held->len);
  for (guint i = 0; i < held->len; i++)
    g->org_act_start[i] = g_array_index (held, OrgActivity, items[i] - 1).start;
  for (gint64 o = 0; o < g->n_org; o++)
    qsort (g->org_act_start + g->org_act_first[o], (size_t) g->org_act_count[o], sizeof (gint32), cmp_i32);
  g_free (items);
  g_free (key);
}

static void
write_activities (Gen *g)
{
  sqlite3_stmt *st = prep (g->db, "INSERT INTO activities (id, title, kind, organizer_org_id, chain_id, starts_at, ends_at,"
                                  " location, summary, status, created_at, updated_at)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)");
  sqlite3_stmt *co = prep (g->db, "INSERT INTO activity_co_organizers (activity_id, org_id) VALUES (?1, ?2)");
  sqlite3_stmt *at = prep (g->db, "INSERT INTO activity_attendance (activity_id, member_id, created_at) VALUES (?1, ?2, ?3)");
  GRand *r = g_rand_new_with_seed (g->seed + 3);
  gint64 att_left = g->n_att, att_done = 0, rows = 0;
  gint32 *pick = g_new (gint32, 2000 * 2);
  GArray *held = g_array_new (FALSE, FALSE, sizeof (OrgActivity));

  exec (g->db, "BEGIN");
  for (gint64 i = 0; i < g->n_act; i++)
    {
      gint64 id = i + 1, start_min;
      int kind = weighted (r, (const int[]) { 30, 15, 12, 25, 10, 8 }, 6);
      gint32 org;
      int chain, x = g_rand_int_range (r, 0, 100);
      char title[400], loc[300], summary[600], starts[24], ends[24], ent[256];
      const char *status;
      gint64 k, left_acts = g->n_act - i, n;

      if (x < 2)
        org = ROOT_ORG;
      else if (x < 12)
        org = CHAIN_ORG (g_rand_int_range (r, 0, N_CHAINS));
      else
        org = g_rand_int_range (r, FIRST_ENTERPRISE_ORG, (gint32) g->n_org + 1);
      chain = g->org_chain[org - 1];
      if (g_rand_int_range (r, 0, 100) < 10)
        chain = -1;
      start_min = (gint64) (BENCH_TODAY - 1400 + g_rand_int_range (r, 0, 1460)) * 1440
                  + 60 * g_rand_int_range (r, 1, 10);
      fmt_ts (starts, start_min);
      fmt_ts (ends, start_min + 60 * g_rand_int_range (r, 1, 4));
      status = g_rand_int_range (r, 0, 100) < 3 ? "cancelled"
             : start_min < (gint64) BENCH_TODAY * 1440 ? "completed" : "planned";
      g_snprintf (title, sizeof title, "%s%s%s", chain >= 0 ? chain_names[chain] : "全省",
                  chain >= 0 ? "产业链：" : "：", activity_topics[kind][g_rand_int_range (r, 0, 3)]);
      if (g->org_kind[org - 1] >= K_COMMITTEE)
        {
          gint32 e = g_array_index (g->cov, gint32, g->org_ent_first[org - 1]);
          enterprise_name (ent, sizeof ent, e, g->ent_chain[e - 1]);
          g_snprintf (loc, sizeof loc, "%s党员活动室", ent);
        }
      else
        g_snprintf (loc, sizeof loc, "%s党群服务中心", PICK (cities, (guint) org));
      g_snprintf (summary, sizeof summary, "围绕%s，组织党员开展学习交流，结合企业生产经营实际研究解决问题%d项，"
                  "形成工作清单并明确责任人和完成时限。", activity_topics[kind][0], g_rand_int_range (r, 1, 9));

      chunk_tick (g->db, i);
      sqlite3_bind_int64 (st, 1, id);
      bind_text (st, 2, title);
      bind_text (st, 3, activity_kinds[kind]);
      sqlite3_bind_int (st, 4, org);
      if (chain >= 0)
        sqlite3_bind_int (st, 5, chain + 1);
      bind_text (st, 6, starts);
      bind_text (st, 7, ends);
      bind_text (st, 8, loc);
      bind_text (st, 9, summary);
      bind_text (st, 10, status);
      bind_text (st, 11, starts);
      step_reset (g->db, st);
      if (!g_str_equal (status, "cancelled"))
        org_activity_add (held, org, start_min);

      if (g_rand_int_range (r, 0, 100) < 30)
        {
          gint32 cos[3];
          int nco = g_rand_int_range (r, 1, 4), m = 0;
          for (int j = 0; j < nco; j++)
            {
              gint32 o = g_rand_int_range (r, FIRST_ENTERPRISE_ORG, (gint32) g->n_org + 1);
              gboolean dup = o == org;
              for (int q = 0; q < m; q++)
                dup |= cos[q] == o;
              if (dup)
                continue;
              cos[m++] = o;
              sqlite3_bind_int64 (co, 1, id);
              sqlite3_bind_int (co, 2, o);
              step_reset (g->db, co);
              if (!g_str_equal (status, "cancelled"))
                org_activity_add (held, o, start_min);
            }
        }

      /* Attendance: the organiser's own members first, then members of the
       * same chain (or anyone for province-wide ones), no duplicates. */
      if (g_str_equal (status, "completed"))
        {
          gint64 avg = att_left / left_acts;
          k = left_acts == 1 ? att_left : g_rand_int_range (r, (gint32) (avg / 2), (gint32) (avg * 3 / 2) + 2);
          k = CLAMP (k, 0, MIN (att_left, 2000));
          if (k > g->n_mem)
            k = g->n_mem;
          n = 0;
          for (gint32 j = 0; j < g->org_mem_count[org - 1] && n < k; j++)
            pick[n++] = g->org_mems[g->org_mem_first[org - 1] + j];
          while (n < k)
            {
              gint64 before = n;
              for (gint64 need = k - n; need > 0 && n < 2 * 2000; need--)
                {
                  if (chain >= 0 && g->chain_mem_count[chain] > 0)
                    pick[n++] = g->chain_mems[g->chain_mem_first[chain] + g_rand_int_range (r, 0, g->chain_mem_count[chain])];
                  else
                    pick[n++] = g_rand_int_range (r, 1, (gint32) g->n_mem + 1);
                }
              qsort (pick, (size_t) n, sizeof (gint32), cmp_i32);
              {
                gint64 w = 0;
                for (gint64 q = 0; q < n; q++)
                  if (w == 0 || pick[w - 1] != pick[q])
                    pick[w++] = pick[q];
                n = w;
              }
              if (n == before)
                break;          /* the chain has no more members to draw */
            }
          n = MIN (n, k);
          qsort (pick, (size_t) n, sizeof (gint32), cmp_i32);
          for (gint64 q = 0; q < n; q++)
            {
              sqlite3_bind_int64 (at, 1, id);
              sqlite3_bind_int (at, 2, pick[q]);
              bind_text (at, 3, starts);
              step_reset (g->db, at);
              chunk_tick (g->db, ++rows);
            }
          att_left -= n;
          att_done += n;
        }
      progress ("activities + attendance", i + 1, g->n_act);
    }
  exec (g->db, "COMMIT");
  g->n_att = att_done;
  sqlite3_finalize (st);
  sqlite3_finalize (co);
  sqlite3_finalize (at);
  g_free (pick);
  g_rand_free (r);
  org_activities_index (g, held);
  g_array_unref (held);
}

/* ------------------------------------------------------------------ */
/* plugin data                                                         */
/*
 * Each plugin's tables are filled only when its migrations ran (see
 * load_plugins); a plugin that did not build or load is skipped.  Every
 * plugin has its own GRand, so the core rows do not depend on which
 * plugins are there.  Records are simulated through their state machines
 * up to the dataset's today (BENCH_TODAY, which is 2025-11-25 whatever
 * its name says): the state a record is in is the last event it reached,
 * every event is a row of the core's transition history (as the engine
 * writes it, schemas/core/migrations/0004-transitions.sql; audit rows are
 * not written, as for the core data), and the plugin's own logs say the
 * same.  At scale 1:
 *
 *   problem-board  20,000 problems (0.2 per enterprise) in every state,
 *                  about 1 claim and 2 progress updates per problem,
 *                  ~260 teams (a commando team per chain committee, task
 *                  forces in enterprise committees, expert groups),
 *                  ~11,000 key projects (half of them held up by a
 *                  problem, back on track when it is solved);
 *   visit-log      a round per chain per quarter of the year (240), every
 *                  active enterprise of the chain assigned to a service
 *                  team in each (~380,000 assignments, ~330,000 visits,
 *                  the fourth round still running), requests on 10% of
 *                  visits plus phone requests, with their log and
 *                  escalations;
 *   talent         50,000 profiles (0.5 per enterprise, 60% linked to
 *                  core members), 300 programmes (5 per chain) with
 *                  sessions, ~17 enrolments each and their attendance,
 *                  5,000 cultivation tracks, a reserve and an expert pool
 *                  per chain;
 *   matching       20,000 listings (1 per 5 enterprises), 6,000 matches
 *                  (0.3 per listing) and their ~1,100 agreements, 400
 *                  events with registrations and check-ins.
 */

const char *const external_experts[] = {
  "云南大学", "昆明理工大学", "云南农业大学", "云南中医药大学", "云南省农业科学院", "中国科学院昆明分院",
  "云南师范大学", "西南林业大学",
};
const gsize n_external_experts = G_N_ELEMENTS (external_experts);
const char *const expert_titles[] = { "教授", "研究员", "高级工程师", "副教授" };
const gsize n_expert_titles = G_N_ELEMENTS (expert_titles);

gint64
scaled (Gen *g, double at_scale_1, gint64 minimum)
{
  return MAX (minimum, (gint64) (at_scale_1 * g->scale + 0.5));
}

/* A whole number in [lo, hi]. */
gint64
between (GRand *r, gint64 lo, gint64 hi)
{
  return lo + (gint64) (g_rand_double (r) * (double) (hi - lo + 1));
}

gboolean
chance (GRand *r, int percent)
{
  return g_rand_int_range (r, 0, 100) < percent;
}

static gboolean
table_exists (Gen *g, const char *name)
{
  sqlite3_stmt *st = prep (g->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  gboolean found;

  bind_text (st, 1, name);
  found = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  return found;
}

/* NULL when 0: an optional reference. */
void
bind_id (sqlite3_stmt *st, int col, gint64 id)
{
  if (id > 0)
    sqlite3_bind_int64 (st, col, id);
  else
    sqlite3_bind_null (st, col);
}

/* @v formatted by @fmt (fmt_ts, fmt_date); NULL when negative. */
static void
bind_formatted (sqlite3_stmt *st, int col, gint64 v, void (*fmt) (char *buf, gint64 v))
{
  char buf[24];

  if (v < 0)
    {
      sqlite3_bind_null (st, col);
      return;
    }
  fmt (buf, v);
  sqlite3_bind_text (st, col, buf, -1, SQLITE_TRANSIENT);
}

/* A timestamp from minutes since the epoch; NULL when negative. */
void
bind_ts (sqlite3_stmt *st, int col, gint64 minute)
{
  bind_formatted (st, col, minute, fmt_ts);
}

/* A date from days since the epoch; NULL when negative. */
void
bind_day (sqlite3_stmt *st, int col, gint64 day)
{
  bind_formatted (st, col, day, fmt_date);
}

void
bind_real (sqlite3_stmt *st, int col, double v)
{
  if (v >= 0)
    sqlite3_bind_double (st, col, v);
  else
    sqlite3_bind_null (st, col);
}

/* Writes the bound row; plugin tables are written interleaved (a record
 * with its children and history), so the chunks count rows, whatever the
 * table. */
void
insert_row (Gen *g, sqlite3_stmt *st)
{
  step_reset (g->db, st);
  chunk_tick (g->db, ++g->tx_rows);
}

/* Finalizes the statements given, up to a NULL. */
void
finalize_all (sqlite3_stmt *st, ...)
{
  va_list ap;

  va_start (ap, st);
  for (; st; st = va_arg (ap, sqlite3_stmt *))
    sqlite3_finalize (st);
  va_end (ap);
}

/* One fired event in the core's transition history, as the engine writes
 * it: the actor is the park office (admin, no user), `note` the reason. */
void
history (Gen *g, const char *resource, gint64 id, const char *event, const char *from, const char *to, gint64 at,
         const char *note, const char *data)
{
  if (g->history == NULL)
    g->history = prep (g->db, "INSERT INTO transitions (resource, record_id, event, from_state, to_state, actor_role, at,"
                              " note, data) VALUES (?1, ?2, ?3, ?4, ?5, 'admin', ?6, ?7, ?8)");
  bind_text (g->history, 1, resource);
  sqlite3_bind_int64 (g->history, 2, id);
  bind_text (g->history, 3, event);
  bind_text (g->history, 4, from);
  bind_text (g->history, 5, to);
  bind_ts (g->history, 6, at);
  bind_text (g->history, 7, note);
  bind_text (g->history, 8, data);
  insert_row (g, g->history);
}

void
walk_init (Walk *w, Gen *g, const char *resource, gint64 id, const char *initial, gint64 created)
{
  *w = (Walk) { g, resource, id, initial, created, 0 };
}

/* Fires @event at @when if that is not in the future; FALSE (and nothing
 * written) otherwise, which ends the walk for the caller. */
gboolean
walk_fire (Walk *w, gint64 when, const char *event, const char *to, const char *note, const char *data)
{
  if (when > NOW_MIN)
    return FALSE;
  when = MAX (when, w->at);
  history (w->g, w->resource, w->id, event, w->state, to, when, note, data);
  w->state = to;
  w->at = when;
  w->steps++;
  return TRUE;
}

static gint64
count_rows (Gen *g, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table);
  sqlite3_stmt *st = prep (g->db, sql);
  gint64 n = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;

  sqlite3_finalize (st);
  return n;
}

/* The row counts of a plugin's tables, once written: printed, and the
 * first one (@headline) added to LJB_COUNTS. */
static void
report_plugin (Gen *g, const char *plugin, const char *const *tables, const char *headline)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; tables[i]; i++)
    g_string_append_printf (line, "%s%s %" G_GINT64_FORMAT, i ? ", " : "", tables[i], count_rows (g, tables[i]));
  fprintf (stderr, "  %s: %s\n", plugin, line->str);
  g_string_append_printf (g->plugin_counts, " %s=%" G_GINT64_FORMAT, headline, count_rows (g, headline));
  g_string_free (line, TRUE);
}

/* Runs @fill, a plugin's generator, if the plugin's tables exist (its
 * migrations ran: @tables[0], its headline, tells), with a GRand of its own
 * (the seed + @seed_offset), then reports the row counts of @tables. */
gboolean
gen_plugin (Gen *g, const char *plugin, const char *const *tables, guint32 seed_offset, void (*fill) (Gen *g, GRand *r))
{
  GRand *r;

  if (!table_exists (g, tables[0]))
    return TRUE;
  r = g_rand_new_with_seed (g->seed + seed_offset);
  fill (g, r);
  g_rand_free (r);
  report_plugin (g, plugin, tables, tables[0]);
  return TRUE;
}

/* The organisation that covers an enterprise (each is covered by at most
 * one), or 0. */
gint32
covering_org (Gen *g, gint64 ent)
{
  return g->ent_org[ent - 1];
}

/* A random active enterprise. */
gint64
active_enterprise (Gen *g, GRand *r)
{
  for (;;)
    {
      gint64 e = between (r, 1, g->n_ent);
      if (!g->ent_closed[e - 1])
        return e;
    }
}

/* The active enterprises of each chain (by primary chain). */
void
index_chain_enterprises (Gen *g)
{
  gint32 *key;

  if (g->chain_ents)
    return;
  key = g_new (gint32, g->n_ent);
  for (gint64 i = 0; i < g->n_ent; i++)
    key[i] = g->ent_closed[i] ? -1 : g->ent_chain[i];
  csr_build (g->n_ent, key, N_CHAINS, &g->chain_ent_first, &g->chain_ent_count, &g->chain_ents);
  g_free (key);
}

/* The plugin generators: lj-bench-gen-problem-board.c,
 * lj-bench-gen-visit-log.c, lj-bench-gen-talent.c, lj-bench-gen-matching.c. */

/* ------------------------------------------------------------------ */
/* indexes and FTS around the bulk load                                */

static char **
collect_sql (sqlite3 *db, const char *query)
{
  sqlite3_stmt *st = prep (db, query);
  GPtrArray *out = g_ptr_array_new ();

  while (sqlite3_step (st) == SQLITE_ROW)
    {
      g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (st, 0)));
      g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (st, 1)));
    }
  sqlite3_finalize (st);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* The plugins in @path (colon-separated build directories, as
 * LIANJIAN_PLUGIN_PATH), through the server's own plugin host: loaded,
 * registered, migrated and started exactly as `lianjian serve` does, so
 * their tables are made by their own migration steps.  A plugin that fails
 * is named and left out: its tables do not exist, so its data is skipped. */
static LjApp *
load_plugins (LjStore *store, const char *path, LjConfig **config_out)
{
  LjConfig *config = lj_config_new ();
  g_auto (GStrv) dirs = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (GError) error = NULL;
  LjApp *app;

  for (guint i = 0; dirs[i]; i++)
    if (*dirs[i])
      g_strv_builder_add (b, dirs[i]);
  /* Only the directories given: not the install's, not the environment's;
   * and no quarantine files next to the dataset. */
  config->plugin_dirs = g_strv_builder_end (b);
  g_unsetenv ("LIANJIAN_PLUGIN_PATH");
  g_clear_pointer (&config->db_path, g_free);
  app = lj_app_new (config, store);
  lj_plugins_add_routes (app);
  if (!lj_core_register (app, &error) || !lj_plugins_load_all (app, &error))
    {
      fprintf (stderr, "lj-bench-gen: plugins: %s\n", error->message);
      exit (1);
    }
  for (guint i = 0; app->plugins && i < app->plugins->len; i++)
    {
      LjPlugin *p = app->plugins->pdata[i];

      fprintf (stderr, "  plugin %s: %s%s%s\n", p->name, lj_plugin_state_to_string (p->state), p->error ? ": " : "",
               p->error ? p->error : "");
    }
  *config_out = config;
  return app;
}


int
main (int argc, char **argv)
{
  g_autofree char *db_path = NULL, *env_path = NULL, *fts = NULL, *indexes = NULL;
  g_autofree char *mint_user = NULL, *mint_password = NULL, *mint_role = NULL, *plugin_path = NULL;
  double scale = 1.0;
  gint seed = 20261125;
  gboolean analyze = FALSE;
  GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &db_path, "Database file to create (must not exist)", "FILE" },
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &scale, "Scale factor (1 = province: 100k enterprises…)", "F" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed (default 20261125)", "N" },
    { "fts", 0, 0, G_OPTION_ARG_STRING, &fts, "rebuild (default): FTS indexes built once at the end; triggers: row by row", "MODE" },
    { "indexes", 0, 0, G_OPTION_ARG_STRING, &indexes, "drop (default): secondary indexes created at the end; keep", "MODE" },
    { "plugin-path", 0, 0, G_OPTION_ARG_STRING, &plugin_path,
      "Plugin build directories (as LIANJIAN_PLUGIN_PATH): their migrations run and their tables are filled", "DIR:DIR…" },
    { "env", 0, 0, G_OPTION_ARG_FILENAME, &env_path, "Write shell assignments for the benchmark here", "FILE" },
    { "analyze", 0, 0, G_OPTION_ARG_NONE, &analyze, "Run ANALYZE at the end (the server does not)", NULL },
    { "mint-user", 0, 0, G_OPTION_ARG_STRING, &mint_user, "Only add a user with --password to an existing database", "NAME" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &mint_password, "Password for --mint-user (12+ bytes)", "PW" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &mint_role, "Role for --mint-user: admin, secretary (org 2) or viewer", "ROLE" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- fill a Lianjian database for the benchmark");
  g_autoptr (GError) error = NULL;
  g_autoptr (LjStore) store = NULL;
  g_autofree char *token = NULL;
  Gen gen = { 0 }, *g = &gen;
  char **saved_idx, **saved_trg, **fts_tables;
  LjApp *app = NULL;
  LjConfig *app_config = NULL;
  gint64 user_id = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || db_path == NULL || scale <= 0 || scale > 10)
    {
      fprintf (stderr, "lj-bench-gen: %s\n", error ? error->message : "--db FILE is required; 0 < --scale <= 10");
      return 2;
    }
  t0 = now_s ();

  if (mint_user)
    {
      LjRole role = g_strcmp0 (mint_role, "secretary") == 0 ? LJ_ROLE_SECRETARY
                  : g_strcmp0 (mint_role, "viewer") == 0 ? LJ_ROLE_VIEWER : LJ_ROLE_ADMIN;
      if ((store = lj_store_open (db_path, LJ_STORE_SYNC_FULL, 5000, &error)) == NULL
          || !lj_auth_create_user (store, mint_user, mint_user, role, role == LJ_ROLE_SECRETARY ? 2 : 0,
                                   mint_password, &token, &user_id, &error))
        {
          fprintf (stderr, "lj-bench-gen: %s\n", error->message);
          return 1;
        }
      printf ("%s\n", token);
      return 0;
    }

  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "lj-bench-gen: %s exists; remove it first\n", db_path);
      return 2;
    }
  g->scale = scale;
  g->seed = (guint32) seed;
  g->rand = g_rand_new_with_seed (g->seed);
  g->fts_rebuild = fts == NULL || g_str_equal (fts, "rebuild");
  g->drop_indexes = indexes == NULL || g_str_equal (indexes, "drop");
  g->n_ent = MAX (100, (gint64) (100000 * scale + 0.5));
  g->n_org_target = FIRST_ENTERPRISE_ORG - 1 + MAX (20, (gint64) ((20000 - FIRST_ENTERPRISE_ORG + 1) * scale + 0.5));
  g->n_mem = MAX (1000, (gint64) (1000000 * scale + 0.5));
  g->n_act = MAX (200, (gint64) (200000 * scale + 0.5));
  g->n_att = MAX (5000, (gint64) (5000000 * scale + 0.5));

  fprintf (stderr, "lj-bench-gen: scale %g, seed %d, fts %s, indexes %s -> %s\n", scale, seed,
           g->fts_rebuild ? "rebuild" : "triggers", g->drop_indexes ? "drop+create" : "keep", db_path);

  /* The schema exactly as the server creates it. */
  if ((store = lj_store_open (db_path, LJ_STORE_SYNC_NORMAL, 5000, &error)) == NULL || !lj_core_migrate (store, &error))
    {
      fprintf (stderr, "lj-bench-gen: %s\n", error->message);
      return 1;
    }
  g->db = lj_store_get_db (store);
  g->plugin_counts = g_string_new (NULL);
  /* Before anything is written: their indexes and search triggers are then
   * handled with the core's. */
  if (plugin_path && *plugin_path)
    app = load_plugins (store, plugin_path, &app_config);
  sqlite3_db_config (g->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);  /* allows journal_mode=OFF */
  exec (g->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;"
               " PRAGMA cache_size=-524288; PRAGMA temp_store=MEMORY; PRAGMA locking_mode=EXCLUSIVE");

  saved_idx = collect_sql (g->db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
                                  " AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name");
  saved_trg = collect_sql (g->db, "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%\\_fts\\_a_' ESCAPE '\\'"
                                  " ORDER BY name");
  exec (g->db, "BEGIN");
  if (g->drop_indexes)
    for (guint i = 0; saved_idx[i]; i += 2)
      {
        g_autofree char *drop = g_strdup_printf ("DROP INDEX \"%s\"", saved_idx[i]);
        exec (g->db, drop);
      }
  if (g->fts_rebuild)
    for (guint i = 0; saved_trg[i]; i += 2)
      {
        g_autofree char *drop = g_strdup_printf ("DROP TRIGGER \"%s\"", saved_trg[i]);
        exec (g->db, drop);
      }
  exec (g->db, "COMMIT");

  plan_enterprises (g);
  plan_organizations (g);
  plan_members (g);
  fprintf (stderr, "  planned in %.1f s: %" G_GINT64_FORMAT " enterprises, %" G_GINT64_FORMAT " organisations (%u coverage links), %"
           G_GINT64_FORMAT " members, %" G_GINT64_FORMAT " activities\n", now_s () - t0, g->n_ent, g->n_org, g->cov->len, g->n_mem, g->n_act);

  write_chains (g);
  write_enterprises (g);
  write_organizations (g);
  write_members (g);
  write_activities (g);
  {
    double tp = now_s ();

    if (!gen_plugin_problem_board (g) || !gen_plugin_visit_log (g) || !gen_plugin_talent (g) || !gen_plugin_matching (g))
      return 1;
    g_clear_pointer (&g->history, sqlite3_finalize);
    if (g->plugin_counts->len)
      fprintf (stderr, "  plugin data written in %.1f s\n", now_s () - tp);
  }

  /* Every external-content search index, the core's and the plugins': built
   * once from its table. */
  fts_tables = collect_sql (g->db, "SELECT name, name FROM sqlite_schema WHERE type = 'table'"
                                   " AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
                                   " AND (sql LIKE '%content =%' OR sql LIKE '%content=%') ORDER BY name");
  if (g->fts_rebuild)
    {
      guint n = g_strv_length (fts_tables) / 2;

      for (guint i = 0; fts_tables[i]; i += 2)
        {
          g_autofree char *sql = g_strdup_printf ("INSERT INTO \"%s\" (\"%s\") VALUES ('rebuild')", fts_tables[i], fts_tables[i]);
          exec (g->db, sql);
          progress ("FTS rebuild", i / 2 + 1, n);
        }
      exec (g->db, "BEGIN");
      for (guint i = 0; saved_trg[i]; i += 2)
        exec (g->db, saved_trg[i + 1]);
      exec (g->db, "COMMIT");
    }
  if (g->drop_indexes)
    {
      guint n = g_strv_length (saved_idx) / 2;
      for (guint i = 0; saved_idx[i]; i += 2)
        {
          exec (g->db, saved_idx[i + 1]);
          progress ("secondary indexes", i / 2 + 1, n);
        }
    }
  if (analyze)
    exec (g->db, "ANALYZE");

  /* Back to the server's settings. */
  exec (g->db, "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
  {
    sqlite3_stmt *st = prep (g->db, "PRAGMA journal_mode");
    if (sqlite3_step (st) != SQLITE_ROW || g_strcmp0 ((const char *) sqlite3_column_text (st, 0), "wal") != 0)
      die_db (g->db, "back to WAL");
    sqlite3_finalize (st);
  }
  sqlite3_db_config (g->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

  /* Accounts. */
  if (!lj_auth_create_user (store, "bench-admin", "Benchmark admin", LJ_ROLE_ADMIN, 0, NULL, &token, &user_id, &error)
      || !lj_auth_create_user (store, "bench-login", "Benchmark login", LJ_ROLE_VIEWER, 0, BENCH_PASSWORD, NULL, NULL, &error))
    {
      fprintf (stderr, "lj-bench-gen: %s\n", error->message);
      return 1;
    }
  exec (g->db, "PRAGMA wal_checkpoint(TRUNCATE)");

  if (env_path)
    {
      GString *env = g_string_new (NULL);
      gint64 mid_ent = g->n_ent / 2 + 1, org = FIRST_ENTERPRISE_ORG + (g->n_org - FIRST_ENTERPRISE_ORG) / 2;
      char ename[256];
      gint32 att[20];
      int busiest = 0;

      /* A search term: city + brand of an enterprise in the middle (3+ characters). */
      {
        guint64 h = mix64 ((guint64) mid_ent);
        g_snprintf (ename, sizeof ename, "%s%s", PICK (brands, h >> 8), chain_trades[g->ent_chain[mid_ent - 1]]);
      }
      for (int c = 1; c < N_CHAINS; c++)
        if (g->chain_mem_count[c] > g->chain_mem_count[busiest])
          busiest = c;
      while (g->org_mem_count[org - 1] < 20 && org < g->n_org)
        org++;
      for (int k = 0; k < 20; k++)
        att[k] = g->org_mems[g->org_mem_first[org - 1] + (k % MAX (1, g->org_mem_count[org - 1]))];
      g_string_append_printf (env, "LJB_TOKEN=%s\nLJB_LOGIN_USER=bench-login\nLJB_LOGIN_PASSWORD=%s\n", token, BENCH_PASSWORD);
      g_string_append_printf (env, "LJB_ENTERPRISE_ID=%" G_GINT64_FORMAT "\nLJB_MEMBER_ID=%" G_GINT64_FORMAT "\n", mid_ent, g->n_mem / 2 + 1);
      g_string_append_printf (env, "LJB_CHAIN_ID=%d\nLJB_Q='%s'\nLJB_ORG_ID=%" G_GINT64_FORMAT "\n", busiest + 1, ename, org);
      g_string_append (env, "LJB_ATTENDEES='");
      for (int k = 0; k < 20; k++)
        g_string_append_printf (env, "%s%d", k ? "," : "", att[k]);
      g_string_append_printf (env, "'\nLJB_COUNTS='chains=%d enterprises=%" G_GINT64_FORMAT " organizations=%" G_GINT64_FORMAT
                              " members=%" G_GINT64_FORMAT " activities=%" G_GINT64_FORMAT " attendance=%" G_GINT64_FORMAT
                              "%s'\n", N_CHAINS, g->n_ent, g->n_org, g->n_mem, g->n_act, g->n_att, g->plugin_counts->str);
      g_string_append_printf (env, "LJB_GEN_SECONDS=%.1f\n", now_s () - t0);
      if (!g_file_set_contents (env_path, env->str, -1, &error))
        {
          fprintf (stderr, "lj-bench-gen: %s\n", error->message);
          return 1;
        }
      g_string_free (env, TRUE);
    }
  fprintf (stderr, "lj-bench-gen: done in %.1f s: %" G_GINT64_FORMAT " attendance rows\n", now_s () - t0, g->n_att);
  g_strfreev (saved_idx);
  g_strfreev (saved_trg);
  g_strfreev (fts_tables);
  g_string_free (g->plugin_counts, TRUE);
  if (app)
    {
      lj_plugins_stop_all (app);
      lj_app_free (app);
      lj_config_free (app_config);
    }
  return 0;
}
