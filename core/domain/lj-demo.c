/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loads the demo park in two steps.  First a plan is computed in memory from
 * the seed alone (a splitmix64 generator, a fixed "today" and the fixed
 * tables below); then a writer inserts the plan with prepared statements in
 * one BEGIN IMMEDIATE transaction.  Keeping the plan free of the clock and of
 * the database is what makes the rows byte-identical for a seed, and keeping
 * the shape of the park in tables (how many enterprises of which kind each
 * chain has, how many members and attendances there are in total) is what
 * makes the figures documented in lj-demo.h exact for every seed: the seed
 * only decides who and what goes where. */
#include "lj-demo.h"
#include "lj-credit-code.h"

#include <string.h>

G_DEFINE_QUARK (lj-demo-error-quark, lj_demo_error)

/* "Today" in the demo world, the date of LJ_DEMO_TIMESTAMP: ages, join dates
 * and whether an activity has happened are reckoned from it. */
#define DEMO_TODAY_YEAR 2026
#define DEMO_TODAY_MONTH G_DATE_NOVEMBER
#define DEMO_TODAY_DAY 25

#define DEMO_DAYS_PER_YEAR 365
#define DEMO_MINUTES_PER_HOUR 60
#define DEMO_PERCENT 100

/* Ids are dense and start at 1, so an index in the plan is its id minus 1. */
#define DEMO_ID(index) ((gint64) (index) + 1)

/* The organisation tree is created first: the working committee, then one
 * committee per chain in chain order, then the enterprise organisations. */
#define DEMO_WORKING_COMMITTEE 0
#define DEMO_NO_PARENT (-1)
#define DEMO_CHAIN_COMMITTEE(chain) (1 + (guint) (chain))

/* Each committee has one member of its own (a full-time secretary); the
 * enterprise organisations share LJ_DEMO_ENTERPRISE_ORG_MEMBERS. */
#define DEMO_COMMITTEE_OWN_MEMBERS 1

#define DEMO_WORKING_COMMITTEE_NAME "楚雄高新区党工委"
#define DEMO_WORKING_COMMITTEE_FOUNDED "2018-05-08"
/* The chain committees were set up together when joint building began. */
#define DEMO_CHAIN_COMMITTEES_FOUNDED "2023-06-30"
#define DEMO_PARK_NAME "楚雄高新区"
#define DEMO_PARK_ADDRESS "云南省楚雄彝族自治州楚雄高新区"
#define DEMO_PARK_HALL "楚雄高新区党群服务中心"

/* ----------------------------------------------------------------------
 * Random numbers
 * ---------------------------------------------------------------------- */

/* splitmix64 (Steele, Lea and Flood, 2014): a few lines, well mixed for
 * every seed, and the same on every platform, which rand() and g_random,
 * whose algorithms and seeding are not ours to pin, cannot promise. */
typedef struct {
  guint64 state;
} DemoRng;

#define DEMO_SPLITMIX_GAMMA G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)
#define DEMO_SPLITMIX_MUL1 G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9)
#define DEMO_SPLITMIX_MUL2 G_GUINT64_CONSTANT (0x94D049BB133111EB)
#define DEMO_SPLITMIX_SHIFT1 30
#define DEMO_SPLITMIX_SHIFT2 27
#define DEMO_SPLITMIX_SHIFT3 31

static guint64
rng_next (DemoRng *rng)
{
  guint64 z;

  rng->state += DEMO_SPLITMIX_GAMMA;
  z = rng->state;
  z = (z ^ (z >> DEMO_SPLITMIX_SHIFT1)) * DEMO_SPLITMIX_MUL1;
  z = (z ^ (z >> DEMO_SPLITMIX_SHIFT2)) * DEMO_SPLITMIX_MUL2;
  return z ^ (z >> DEMO_SPLITMIX_SHIFT3);
}

/* 0..n-1; the modulo bias is below 2^-50 for the small n used here. */
static guint
rng_below (DemoRng *rng, guint n)
{
  g_assert (n > 0);
  return (guint) (rng_next (rng) % n);
}

/* lo..hi, both included. */
static guint
rng_range (DemoRng *rng, guint lo, guint hi)
{
  g_assert (lo <= hi);
  return lo + rng_below (rng, hi - lo + 1);
}

static gboolean
rng_percent (DemoRng *rng, guint percent)
{
  return rng_below (rng, DEMO_PERCENT) < percent;
}

#define RNG_PICK(rng, array) ((array)[rng_below ((rng), G_N_ELEMENTS (array))])

/* C leaves the order in which a call's arguments (or an initialiser's
 * members) are evaluated unspecified, so no expression below draws twice:
 * each draw gets its own statement, or the data would differ between
 * compilers. */

/* ----------------------------------------------------------------------
 * The shape of the park
 * ---------------------------------------------------------------------- */

typedef enum {
  CHAIN_BIOMEDICINE,
  CHAIN_GREEN_FOOD,
  CHAIN_GREEN_CHEMICALS,
  CHAIN_WIND_POWER,
  CHAIN_SILICON_PV,
  CHAIN_GREEN_COPPER,
  CHAIN_NEW_MATERIALS,
  CHAIN_DIGITAL,
  CHAIN_LOGISTICS,
  CHAIN_BUILDING_MATERIALS,
  N_CHAINS
} DemoChain;

G_STATIC_ASSERT (N_CHAINS == LJ_DEMO_CHAINS);

/* Uncovered enterprises that are not blank spots, because they fall outside
 * the coverage denominator: they prove the statistics exclude them. */
typedef enum {
  OUTSIDER_NONE,
  OUTSIDER_CLOSED,
  OUTSIDER_IDLE,          /* non-public but without the "three haves" */
  OUTSIDER_FOREIGN,
  OUTSIDER_STATE_OWNED,
} DemoOutsider;

#define DEMO_WORDS_MAX 7
#define DEMO_OUTSIDERS_MAX 2
#define DEMO_RELATED_MAX 2
#define DEMO_JOINT_MAX 4

typedef struct {
  const char   *name;
  const char   *code;
  const char   *description;
  const char   *lead_name;
  const char   *words[DEMO_WORDS_MAX];  /* for enterprise names; NULL-terminated */
  guint         singles;           /* enterprises with their own organisation, the lead first */
  guint         general_branches;  /* of the singles after the lead; the others have a branch */
  guint         joint_size;        /* enterprises under the chain's joint branch, 0 = none */
  gboolean      joint_has_idle;    /* the last of them lacks the "three haves" */
  guint         blank_spots;
  DemoOutsider  outsiders[DEMO_OUTSIDERS_MAX];
  gboolean      serves_all;        /* a service industry: also supports other chains */
  DemoChain     related[DEMO_RELATED_MAX];
  guint         n_related;
} DemoChainSpec;

/* The article names six of the ten industries; the other four are what a
 * park of this kind in central Yunnan plausibly runs.  Lead enterprises and
 * all other names are invented. */
static const DemoChainSpec chain_specs[N_CHAINS] = {
  [CHAIN_BIOMEDICINE] = {
    .name = "生物医药", .code = "SWYY",
    .description = "医药制造（GB/T 4754 C27）：彝药、中药饮片、化学制剂和生物制品，链上企业联合开展“彝药出海”人才培养。",
    .lead_name = "楚雄彝康药业股份有限公司",
    .words = { "药业", "制药", "生物科技", "医药", "中药饮片", "生物制品", NULL },
    .singles = 7, .general_branches = 2, .blank_spots = 3,
    .joint_size = 3,
    .outsiders = { OUTSIDER_CLOSED },
    .related = { CHAIN_GREEN_FOOD }, .n_related = 1,
  },
  [CHAIN_GREEN_FOOD] = {
    .name = "绿色食品", .code = "LSSP",
    .description = "农副食品加工和食品制造（C13、C14）：野生菌、高原特色农产品、休闲食品和饮品。",
    .lead_name = "云南鹿城绿色食品有限公司",
    .words = { "食品", "农业科技", "茶业", "菌业", "调味品", "饮品", NULL },
    .singles = 6, .general_branches = 2, .blank_spots = 2,
    .joint_size = 4, .joint_has_idle = TRUE,
    .related = { CHAIN_BIOMEDICINE, CHAIN_LOGISTICS }, .n_related = 2,
  },
  [CHAIN_GREEN_CHEMICALS] = {
    .name = "绿色化工", .code = "LSHG",
    .description = "化学原料和化学制品制造（C26）：精细化工、工业硅配套化学品和环保材料。",
    .lead_name = "云南紫溪化工有限责任公司",
    .words = { "化工", "精细化工", "化学", "化工科技", "环保科技", NULL },
    .singles = 5, .general_branches = 1, .blank_spots = 2,
    .joint_size = 2,
    .outsiders = { OUTSIDER_IDLE },
    .related = { CHAIN_SILICON_PV, CHAIN_BIOMEDICINE }, .n_related = 2,
  },
  [CHAIN_WIND_POWER] = {
    .name = "风电装备制造", .code = "FDZB",
    .description = "风能原动设备制造（C3415）：风电整机、叶片、塔筒和零部件。",
    .lead_name = "楚雄峨碌风电装备制造有限公司",
    .words = { "风电设备", "重工", "新能源装备", "机械制造", "电气", "钢结构", NULL },
    .singles = 5, .general_branches = 1, .blank_spots = 2,
    .outsiders = { OUTSIDER_FOREIGN },
    .related = { CHAIN_GREEN_COPPER, CHAIN_NEW_MATERIALS }, .n_related = 2,
  },
  [CHAIN_SILICON_PV] = {
    .name = "晶硅新能源", .code = "JGXNY",
    .description = "光伏设备及元器件制造（C3825）：工业硅、多晶硅、光伏高纯半导体材料和组件。",
    .lead_name = "云南龙川硅材料股份有限公司",
    .words = { "硅业", "光伏科技", "新能源", "半导体材料", "硅材料", "新能源科技", NULL },
    .singles = 6, .general_branches = 2, .blank_spots = 3,
    .outsiders = { OUTSIDER_STATE_OWNED },
    .related = { CHAIN_GREEN_CHEMICALS, CHAIN_NEW_MATERIALS }, .n_related = 2,
  },
  [CHAIN_GREEN_COPPER] = {
    .name = "绿色铜", .code = "LST",
    .description = "铜冶炼和铜压延加工（C3211、C3251）：阴极铜、铜杆线和铜基材料。",
    .lead_name = "云南苍岭铜业有限公司",
    .words = { "铜业", "有色金属", "线缆", "冶金", "铜材", "金属材料", NULL },
    .singles = 6, .general_branches = 2, .blank_spots = 2,
    .joint_size = 2,
    .related = { CHAIN_NEW_MATERIALS, CHAIN_WIND_POWER }, .n_related = 2,
  },
  [CHAIN_NEW_MATERIALS] = {
    .name = "新材料", .code = "XCL",
    .description = "先进有色金属材料、复合材料和电子材料。",
    .lead_name = "楚雄金沙新材料有限公司",
    .words = { "新材料", "材料科技", "复合材料", "稀有金属", "电子材料", NULL },
    .singles = 5, .general_branches = 1, .blank_spots = 3,
    .outsiders = { OUTSIDER_CLOSED },
    .related = { CHAIN_GREEN_COPPER, CHAIN_SILICON_PV }, .n_related = 2,
  },
  [CHAIN_DIGITAL] = {
    .name = "数字经济", .code = "SZJJ",
    .description = "软件和信息技术服务（I65）：工业互联网、数据服务和智能制造解决方案。",
    .lead_name = "楚雄青峰数字科技有限公司",
    .words = { "信息技术", "数字科技", "软件", "大数据", "网络科技", "智能科技", NULL },
    .singles = 4, .general_branches = 1, .blank_spots = 2,
    .joint_size = 3,
    .serves_all = TRUE,
  },
  [CHAIN_LOGISTICS] = {
    .name = "现代物流", .code = "XDWL",
    .description = "交通运输、仓储和供应链服务（G 门类）：冷链、仓储和多式联运。",
    .lead_name = "云南滇运供应链管理有限公司",
    .words = { "物流", "供应链管理", "仓储", "运输", "冷链物流", NULL },
    .singles = 5, .general_branches = 1, .blank_spots = 2,
    .outsiders = { OUTSIDER_IDLE, OUTSIDER_IDLE },
    .serves_all = TRUE,
  },
  [CHAIN_BUILDING_MATERIALS] = {
    .name = "绿色建材", .code = "LSJC",
    .description = "非金属矿物制品（C30）：装配式建筑部品、新型墙材和工业固废综合利用建材。",
    .lead_name = "楚雄恒固绿色建材有限公司",
    .words = { "建材", "水泥制品", "新型墙材", "玻璃", "装配式建筑", NULL },
    .singles = 5, .general_branches = 1, .blank_spots = 1,
    .joint_size = 3,
    .related = { CHAIN_WIND_POWER }, .n_related = 1,
  },
};

/* Covered enterprises that are not non-public: outside the denominator
 * although covered.  "single" is the position among the chain's singles. */
static const struct {
  DemoChain   chain;
  guint       single;
  const char *ownership;
} covered_ownerships[] = {
  { CHAIN_GREEN_CHEMICALS, 0, "state_owned" },
  { CHAIN_GREEN_COPPER, 0, "state_owned" },
  { CHAIN_SILICON_PV, 2, "state_owned" },
  { CHAIN_LOGISTICS, 1, "state_owned" },
  { CHAIN_BUILDING_MATERIALS, 1, "state_owned" },
  { CHAIN_BIOMEDICINE, 2, "foreign" },
  { CHAIN_WIND_POWER, 1, "foreign" },
  { CHAIN_GREEN_FOOD, 3, "collective" },
};

/* A secondary chain is common for service industries, rarer for others. */
#define DEMO_SECOND_CHAIN_SERVICE_PERCENT 50
#define DEMO_SECOND_CHAIN_PERCENT 15

typedef enum {
  SHAPE_LARGE,
  SHAPE_MEDIUM,
  SHAPE_SMALL,
  SHAPE_MICRO,
  SHAPE_MICRO_IDLE,   /* too few staff for the "three haves" */
  N_SHAPES
} DemoShape;

/* Head counts follow the national SME thresholds for industry (大型 >= 1000,
 * 中型 >= 300, 小型 >= 20, 微型 < 20) and stay above what the member counts
 * below need, so no enterprise has more members than employees. */
static const struct {
  const char *size;
  guint       employees_min;
  guint       employees_max;
} shapes[N_SHAPES] = {
  [SHAPE_LARGE] = { "large", 1000, 2600 },
  [SHAPE_MEDIUM] = { "medium", 300, 900 },
  [SHAPE_SMALL] = { "small", 40, 280 },
  [SHAPE_MICRO] = { "micro", 6, 19 },
  [SHAPE_MICRO_IDLE] = { "micro", 2, 5 },
};

/* Of the enterprises in a joint branch, this share is small, the rest micro. */
#define DEMO_JOINT_SMALL_PERCENT 30
/* Of the blank spots, this share is small, the rest micro. */
#define DEMO_BLANK_SMALL_PERCENT 40

/* Members per organisation kind: the first draw is in [draw_min, draw_max],
 * then counts move within [min, max] until the total is exact.  A branch
 * needs three formal members, hence the minimum. */
typedef enum {
  KIND_COMMITTEE,
  KIND_GENERAL_BRANCH,
  KIND_BRANCH,
  KIND_JOINT_BRANCH,
  KIND_CHAIN_COMMITTEE,
  KIND_WORKING_COMMITTEE,
  N_KINDS
} DemoKind;

static const struct {
  const char *kind;
  const char *suffix;       /* appended to the enterprise name */
  const char *secretary;    /* the secretary's title */
  guint       min, draw_min, draw_max, max;
} kinds[N_KINDS] = {
  [KIND_COMMITTEE] = { "committee", "党委", "党委书记", 18, 20, 34, 40 },
  [KIND_GENERAL_BRANCH] = { "general_branch", "党总支", "党总支书记", 7, 8, 13, 16 },
  [KIND_BRANCH] = { "branch", "党支部", "党支部书记", 3, 3, 6, 8 },
  [KIND_JOINT_BRANCH] = { "joint_branch", NULL, "联合党支部书记", 4, 4, 7, 9 },
  [KIND_CHAIN_COMMITTEE] = { "chain_committee", NULL, "产业链党委书记", 1, 1, 1, 1 },
  [KIND_WORKING_COMMITTEE] = { "working_committee", NULL, "党工委书记", 1, 1, 1, 1 },
};

/* Enterprise organisations founded in these years; joint branches were
 * formed after the chain committees, to close blank spots. */
#define DEMO_ORG_FOUNDED_FIRST_YEAR 2006
#define DEMO_ORG_FOUNDED_LAST_YEAR 2022
#define DEMO_JOINT_FOUNDED_FIRST_YEAR 2023
#define DEMO_JOINT_FOUNDED_LAST_YEAR 2025

/* ----------------------------------------------------------------------
 * Names, places and people
 * ---------------------------------------------------------------------- */

/* Trade names (字号) for the enterprises other than the leads; several are
 * towns of Chuxiong.  Each is used once, so enterprise names are unique. */
static const char *const trade_names[] = {
  "东瓜", "吕合", "子午", "鹿鸣", "太和", "雁江", "马缨", "星宇", "腾飞", "汇川",
  "博瑞", "嘉禾", "和盛", "锦程", "昌达", "福源", "康宁", "立信", "德润", "华康",
  "金穗", "丰泽", "兴邦", "聚能", "通达", "顺发", "宏图", "宇恒", "卓越", "聚鑫",
  "泰和", "长兴", "新元", "晨光", "蓝天", "绿野", "山泉", "云岭", "滇峰", "高原",
  "彩云", "楚韵", "彝乡", "火把", "银杏", "杜鹃", "红土", "金江", "玉龙", "雪峰",
  "清源", "明德", "信达", "恒源", "滇润", "永丰", "瑞丰", "鼎盛", "华宇", "宏达",
  "安泰", "天成", "金鼎", "润泽", "益康", "百草", "彝山", "元亨", "利民", "众诚",
  "合力", "精诚", "万通", "广源", "鑫泰", "祥和", "瑞祥", "弘远", "启航", "峰华",
  "睿博", "天润", "凯达", "盛世", "佳和", "旭日", "朝阳", "龙腾", "凤鸣", "碧溪",
  "东升", "西山", "北浦", "青山", "黎明", "永盛", "丰源", "德昌", "华通", "宝丰",
};

G_STATIC_ASSERT (G_N_ELEMENTS (trade_names) >= LJ_DEMO_ENTERPRISES - LJ_DEMO_CHAINS);

static const char *const name_places[] = { "楚雄", "楚雄", "云南" };
static const char *const name_suffixes[] = { "有限公司", "有限公司", "有限公司", "有限责任公司" };

static const char *const roads[] = {
  "永安大道", "阳光大道", "鹿城南路", "彝海路", "富民路", "兴业路",
  "创新路", "科技路", "开发区北路", "东瓜工业大道", "苍岭工业路", "龙川江路",
};
#define DEMO_HOUSE_NUMBER_MAX 388

/* Administrative division codes for credit codes: the prefecture's market
 * regulator registers the larger enterprises, the city's the others. */
#define DEMO_DIVISION_PREFECTURE "532300"
#define DEMO_DIVISION_CITY "532301"
/* Registration authority 9 (market regulation), category 1 (enterprise). */
#define DEMO_CREDIT_CODE_PREFIX "91"
/* Organisation codes issued since 2015 in Yunnan start with MA6. */
#define DEMO_NEW_ORG_CODE_PREFIX "MA6"
#define DEMO_NEW_ORG_CODE_PERCENT 60
#define DEMO_ORG_CODE_LENGTH 9
#define DEMO_OLD_ORG_CODE_FIRST_DIGITS "2567"
#define DEMO_GB11714_MODULUS 11
#define DEMO_GB11714_TEN 'X'
#define DEMO_GB11714_LETTER_BASE 10   /* A = 10, B = 11, ... Z = 35 */
#define DEMO_DECIMAL_DIGITS 10
static const guint gb11714_weights[DEMO_ORG_CODE_LENGTH - 1] = { 3, 7, 9, 10, 5, 8, 4, 2 };
static const char credit_code_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Weighted by repetition so common surnames come up more often; 普, 者, 起,
 * 鲁 and 自 are Yi surnames common in Chuxiong. */
static const char *const surnames[] = {
  "王", "王", "王", "李", "李", "李", "李", "张", "张", "张", "刘", "刘", "陈", "陈",
  "杨", "杨", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
  "郭", "马", "罗", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程",
  "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
  "丁", "魏", "薛", "叶", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
  "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "孔", "白", "崔", "毛",
  "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "段", "雷", "钱", "尹", "普",
  "者", "起", "鲁", "自", "字", "施", "鲍",
};
static const char *const given_first[] = {
  "建", "志", "永", "德", "文", "晓", "海", "国", "家", "春", "子", "思", "雨", "红",
  "玉", "云", "明", "俊", "天", "立", "嘉", "佳", "新", "兴", "光", "学", "成", "金",
};
static const char *const given_male[] = {
  "伟", "强", "军", "磊", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏",
  "华", "飞", "鑫", "波", "宇", "浩", "峰", "林", "东", "龙", "亮", "锋", "毅", "彬",
};
static const char *const given_female[] = {
  "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "琳", "梅",
  "莉", "萍", "倩", "慧", "颖", "欣", "蕾", "琴", "洁", "瑶", "兰", "蓉", "菲", "怡",
};
#define DEMO_MALE_PERCENT 62
#define DEMO_SINGLE_GIVEN_NAME_PERCENT 30

static const struct {
  const char *education;
  guint       weight;
} educations[] = {
  { "below_high_school", 2 },
  { "high_school", 8 },
  { "junior_college", 30 },   /* secretaries start here */
  { "bachelor", 44 },
  { "master", 13 },
  { "doctorate", 3 },
};
#define DEMO_SECRETARY_EDUCATION_FIRST 2

static const char *const positions[] = {
  "总经理", "副总经理", "生产部经理", "车间主任", "财务主管", "销售经理",
  "行政主管", "人力资源专员", "采购专员", "班组长", "仓储主管", "操作工",
};
/* Technical positions: most technical experts hold one of these. */
static const char *const technical_positions[] = {
  "技术员", "工程师", "研发工程师", "质检员", "设备维修工", "工艺工程师",
};
/* What a secretary does besides: in a large enterprise's committee, one of
 * its leaders; elsewhere, a manager. */
static const char *const committee_secretary_day_jobs[] = { "董事长", "总经理", "副总经理" };
static const char *const secretary_day_jobs[] = { "总经理", "副总经理", "生产部经理", "行政主管", "技术总监" };
#define DEMO_TECHNICAL_POSITION_PERCENT 35
#define DEMO_EXPERT_IF_TECHNICAL_PERCENT 55
#define DEMO_EXPERT_OTHERWISE_PERCENT 6

static const char *const mobile_prefixes[] = {
  "139", "138", "137", "136", "135", "158", "159", "150", "151", "152",
  "187", "188", "182", "183", "189", "180", "133", "153", "177", "199",
};
#define DEMO_MOBILE_SUBSCRIBER_MAX 99999999u
#define DEMO_LANDLINE_PREFIX "0878-3"   /* Chuxiong's area code */
#define DEMO_LANDLINE_SUBSCRIBER_MAX 999999u
#define DEMO_LANDLINE_PERCENT 50

/* Ages, in years on the demo's "today". */
#define DEMO_SECRETARY_AGE_MIN 38
#define DEMO_SECRETARY_AGE_MAX 58
#define DEMO_MEMBER_AGE_MIN 25
#define DEMO_MEMBER_AGE_MAX 60
#define DEMO_PROBATIONARY_AGE_MIN 23
#define DEMO_PROBATIONARY_AGE_MAX 36
#define DEMO_JOIN_AGE_MIN 20
/* Secretaries have been members for a good while. */
#define DEMO_SECRETARY_JOIN_AGE_MAX 32
#define DEMO_PROBATIONARY_PERCENT 10
/* A probationary member joined within the last year; a formal one joined
 * before that, and probation lasts a year. */
#define DEMO_PROBATION_DAYS_MIN 14
#define DEMO_PROBATION_DAYS_MAX 360
#define DEMO_FORMAL_AFTER_DAYS 400

/* ----------------------------------------------------------------------
 * Activities
 * ---------------------------------------------------------------------- */

#define DEMO_STUDY_YEAR 2025
#define DEMO_QUARTERS 4
#define DEMO_TOPICS_PER_QUARTER 2
G_STATIC_ASSERT (N_CHAINS * DEMO_QUARTERS == LJ_DEMO_STUDY_SESSIONS);

/* Each chain committee holds one study session a quarter, on a topic of that
 * quarter, between the given dates of DEMO_STUDY_YEAR. */
typedef struct {
  const char *topic;
  guint       first_month, first_day, last_month, last_day;
} DemoStudyTopic;

static const DemoStudyTopic study_topics[DEMO_QUARTERS][DEMO_TOPICS_PER_QUARTER] = {
  { { "学习贯彻2025年全国两会精神", 3, 12, 3, 31 },
    { "《习近平新时代中国特色社会主义思想学习纲要》专题学习", 1, 6, 3, 31 } },
  { { "深入贯彻中央八项规定精神学习教育", 4, 1, 6, 30 },
    { "《中国共产党纪律处分条例》专题学习", 4, 1, 6, 30 } },
  { { "庆祝中国共产党成立104周年“七一”专题学习", 7, 1, 7, 31 },
    { "纪念中国人民抗日战争暨世界反法西斯战争胜利80周年专题学习", 8, 15, 9, 30 } },
  { { "学习贯彻党的二十届四中全会精神", 10, 27, 12, 19 },
    { "习近平新时代中国特色社会主义思想专题读书班", 10, 8, 12, 19 } },
};

/* Sessions in the morning or the afternoon, Beijing time, written in UTC. */
static const guint study_start_minutes_utc[] = { 1 * DEMO_MINUTES_PER_HOUR, 6 * DEMO_MINUTES_PER_HOUR + 30 };
static const guint study_hours[] = { 2, 3 };

/* Attendance per study session: first drawn in [DRAW_MIN, DRAW_MAX], then
 * moved within [MIN, MAX] until the 40 add up to LJ_DEMO_STUDY_ATTENDANCES.
 * Co-organisers are added until enough members could come. */
#define DEMO_SESSION_ATTENDANCE_MIN 8
#define DEMO_SESSION_ATTENDANCE_DRAW_MIN 12
#define DEMO_SESSION_ATTENDANCE_DRAW_MAX 19
#define DEMO_SESSION_ATTENDANCE_MAX 26
#define DEMO_SESSION_CO_ORGANIZERS_MIN 2
#define DEMO_CO_ORGANIZERS_MAX (2 * N_CHAINS + 4)

#define DEMO_NO_CHAIN (-1)

/* The activities after the study year, with fixed attendance so the totals
 * in lj-demo.h hold.  organizer DEMO_NO_CHAIN means the working committee,
 * with every chain committee and lead enterprise organisation co-organising;
 * otherwise the chain committee organises with the chain's enterprise
 * organisations, plus the partner chain's committee and lead organisation. */
typedef struct {
  const char *starts_at;
  const char *ends_at;
  const char *kind;
  int         organizer;
  int         partner;
  guint       attendance;
  const char *status;
  const char *title;
  const char *location;
  const char *summary;
} DemoOtherActivity;

static const DemoOtherActivity other_activities[] = {
  { "2026-01-16T01:30:00Z", "2026-01-16T04:30:00Z", "policy_briefing", DEMO_NO_CHAIN, DEMO_NO_CHAIN, 36, "completed",
    "2026年度惠企政策集中解读会", DEMO_PARK_HALL,
    "党工委会同各产业链党委，向链主企业解读稳增长、科技创新和融资支持等惠企政策。" },
  { "2026-02-26T06:30:00Z", "2026-02-26T09:00:00Z", "situation_analysis", CHAIN_GREEN_COPPER, DEMO_NO_CHAIN, 18, "completed",
    "绿色铜产业链经济形势分析会", DEMO_PARK_HALL,
    "分析铜价走势、阴极铜产能释放和下游订单情况，研究保供稳产措施。" },
  { "2026-03-05T01:00:00Z", "2026-03-05T04:00:00Z", "volunteer_service", CHAIN_GREEN_FOOD, DEMO_NO_CHAIN, 22, "completed",
    "学雷锋志愿服务进社区", "楚雄市鹿城镇",
    "链上企业党员开展食品安全宣传和高原特色农产品助销志愿服务。" },
  { "2026-04-17T06:30:00Z", "2026-04-17T09:30:00Z", "joint_building", CHAIN_BIOMEDICINE, DEMO_NO_CHAIN, 25, "completed",
    "“彝药出海”人才培养党建联建对接会", DEMO_PARK_HALL,
    "生物医药产业链党委联合高校和培训机构，对接跨境医药学历与培训教育联合体，确定首批技术能手培养名单。" },
  { "2026-05-21T06:30:00Z", "2026-05-21T09:30:00Z", "joint_building", CHAIN_SILICON_PV, CHAIN_GREEN_CHEMICALS, 20, "completed",
    "晶硅新能源与绿色化工产业链党建联建推进会", DEMO_PARK_HALL,
    "两条产业链党委签订联建协议，围绕工业硅副产物综合利用和高纯材料配套开展协同攻关。" },
  { "2026-07-01T01:00:00Z", "2026-07-01T03:30:00Z", "other", DEMO_NO_CHAIN, DEMO_NO_CHAIN, 40, "completed",
    "庆祝中国共产党成立105周年主题党日活动", DEMO_PARK_HALL,
    "重温入党誓词，表彰链上企业优秀共产党员和先进基层党组织。" },
  { "2026-09-18T06:30:00Z", "2026-09-18T09:00:00Z", "situation_analysis", CHAIN_WIND_POWER, DEMO_NO_CHAIN, 16, "completed",
    "风电装备制造产业链形势分析暨订单对接会", DEMO_PARK_HALL,
    "分析风电装机需求和原材料价格走势，组织整机与零部件企业对接订单。" },
  { "2026-12-10T06:30:00Z", "2026-12-10T09:00:00Z", "policy_briefing", CHAIN_DIGITAL, DEMO_NO_CHAIN, 0, "planned",
    "中小企业数字化转型政策解读会", DEMO_PARK_HALL,
    "解读中小企业数字化转型支持政策，组织链上企业申报试点项目。" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (other_activities) == LJ_DEMO_OTHER_ACTIVITIES);

/* ----------------------------------------------------------------------
 * The plan
 * ---------------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *credit_code;
  const char *size;
  const char *ownership;
  const char *status;
  guint       employees;
  const char *address;
  const char *contact_name;
  const char *contact_phone;
  gboolean    three_haves;
  DemoChain   chain;
  const char *role;
  int         second_chain;   /* DEMO_NO_CHAIN if none */
  const char *second_role;
} DemoEnterprise;

typedef struct {
  const char *name;
  DemoKind    kind;
  int         parent;         /* index, DEMO_NO_PARENT for the root */
  int         chain;          /* the chain it sits under, DEMO_NO_CHAIN for the root */
  const char *founded_on;
  guint       enterprises[DEMO_JOINT_MAX];
  guint       n_enterprises;
  guint       first_member;   /* members of an organisation are contiguous */
  guint       n_members;
} DemoOrg;

typedef struct {
  const char *name;
  const char *gender;
  const char *birth_date;
  const char *education;
  const char *joined_on;
  const char *status;
  guint       org;
  gint64      enterprise_id;  /* 0 if none */
  const char *position;
  const char *phone;
  gboolean    technical_expert;
} DemoMember;

typedef struct {
  const char *title;
  const char *kind;
  guint       organizer;
  int         chain;
  const char *starts_at;
  const char *ends_at;
  const char *location;
  const char *summary;
  const char *status;
  guint       co_organizers[DEMO_CO_ORGANIZERS_MAX];
  guint       n_co_organizers;
  guint       attendance;
  /* Only while planning study sessions: */
  guint       quarter_topic;
} DemoActivity;

typedef struct {
  gint64 activity_id;
  gint64 member_id;
} DemoAttendance;

typedef struct {
  guint lead_enterprise;
  guint lead_org;
} DemoChainPlan;

typedef struct {
  DemoRng        rng;
  GStringChunk  *strings;       /* every generated string lives here */
  GHashTable    *credit_codes;  /* set, keys in strings */
  guint          trade_order[G_N_ELEMENTS (trade_names)];
  guint          next_trade;
  guint32        today;         /* Julian day */
  DemoChainPlan  chains[N_CHAINS];
  GArray        *enterprises;   /* DemoEnterprise */
  GArray        *orgs;          /* DemoOrg */
  GArray        *members;       /* DemoMember */
  GArray        *activities;    /* DemoActivity */
  GArray        *attendance;    /* DemoAttendance */
} DemoPlan;

static void
demo_plan_free (DemoPlan *plan)
{
  g_string_chunk_free (plan->strings);
  g_hash_table_unref (plan->credit_codes);
  g_array_unref (plan->enterprises);
  g_array_unref (plan->orgs);
  g_array_unref (plan->members);
  g_array_unref (plan->activities);
  g_array_unref (plan->attendance);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoPlan, demo_plan_free)

#define DEMO_STRING_CHUNK_SIZE 4096

static const char *demo_printf (DemoPlan *plan, const char *format, ...) G_GNUC_PRINTF (2, 3);

static const char *
demo_printf (DemoPlan *plan, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return g_string_chunk_insert (plan->strings, text);
}

#define ENTERPRISE(plan, i) (&g_array_index ((plan)->enterprises, DemoEnterprise, (i)))
#define ORG(plan, i) (&g_array_index ((plan)->orgs, DemoOrg, (i)))
#define ACTIVITY(plan, i) (&g_array_index ((plan)->activities, DemoActivity, (i)))

/* Dates ---------------------------------------------------------------- */

static guint32
demo_julian (guint year, guint month, guint day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return g_date_get_julian (&date);
}

static const char *
demo_date (DemoPlan *plan, guint32 julian)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return demo_printf (plan, "%04u-%02u-%02u", g_date_get_year (&date),
                      (guint) g_date_get_month (&date), g_date_get_day (&date));
}

static const char *
demo_timestamp (DemoPlan *plan, guint32 julian, guint minutes_utc)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return demo_printf (plan, "%04u-%02u-%02uT%02u:%02u:00Z", g_date_get_year (&date),
                      (guint) g_date_get_month (&date), g_date_get_day (&date),
                      minutes_utc / DEMO_MINUTES_PER_HOUR, minutes_utc % DEMO_MINUTES_PER_HOUR);
}

static gboolean
demo_is_weekday (guint32 julian)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return g_date_get_weekday (&date) <= G_DATE_FRIDAY;
}

/* A working day between first and last, both included; the ranges in the
 * tables always contain one. */
static guint32
demo_weekday_between (DemoPlan *plan, guint32 first, guint32 last)
{
  guint32 day;

  do
    day = rng_range (&plan->rng, first, last);
  while (!demo_is_weekday (day));
  return day;
}

/* A birth date for someone @age years old on the demo's "today". */
static guint32
demo_birth_day (DemoPlan *plan, guint age)
{
  guint32 latest = demo_julian (DEMO_TODAY_YEAR - age, DEMO_TODAY_MONTH, DEMO_TODAY_DAY);

  return latest - rng_below (&plan->rng, DEMO_DAYS_PER_YEAR);
}

static guint32
demo_year_start (guint year)
{
  return demo_julian (year, G_DATE_JANUARY, 1);
}

static guint32
demo_year_end (guint year)
{
  return demo_julian (year, G_DATE_DECEMBER, 31);
}

/* People ---------------------------------------------------------------- */

static const char *
demo_gender (DemoPlan *plan)
{
  return rng_percent (&plan->rng, DEMO_MALE_PERCENT) ? "male" : "female";
}

static const char *
demo_person_name (DemoPlan *plan, const char *gender)
{
  gboolean male = g_str_equal (gender, "male");
  const char *surname = RNG_PICK (&plan->rng, surnames);
  const char *last = male ? RNG_PICK (&plan->rng, given_male) : RNG_PICK (&plan->rng, given_female);

  if (rng_percent (&plan->rng, DEMO_SINGLE_GIVEN_NAME_PERCENT))
    return demo_printf (plan, "%s%s", surname, last);
  return demo_printf (plan, "%s%s%s", surname, RNG_PICK (&plan->rng, given_first), last);
}

static const char *
demo_mobile (DemoPlan *plan)
{
  const char *prefix = RNG_PICK (&plan->rng, mobile_prefixes);
  guint subscriber = rng_range (&plan->rng, 0, DEMO_MOBILE_SUBSCRIBER_MAX);

  return demo_printf (plan, "%s%08u", prefix, subscriber);
}

static const char *
demo_office_phone (DemoPlan *plan)
{
  if (!rng_percent (&plan->rng, DEMO_LANDLINE_PERCENT))
    return demo_mobile (plan);
  return demo_printf (plan, "%s%06u", DEMO_LANDLINE_PREFIX,
                      rng_range (&plan->rng, 0, DEMO_LANDLINE_SUBSCRIBER_MAX));
}

static const char *
demo_education (DemoPlan *plan, guint first)
{
  guint total = 0;
  guint draw;

  for (guint i = first; i < G_N_ELEMENTS (educations); i++)
    total += educations[i].weight;
  draw = rng_below (&plan->rng, total);
  for (guint i = first; i < G_N_ELEMENTS (educations); i++)
    {
      if (draw < educations[i].weight)
        return educations[i].education;
      draw -= educations[i].weight;
    }
  g_assert_not_reached ();
}

/* Enterprises ------------------------------------------------------------ */

/* The GB 11714 organisation code: eight characters and a check character
 * computed modulo 11 over their values (digits as such, letters A = 10 to
 * Z = 35).  Real credit codes carry a valid one, so the demo's do too. */
static char
demo_gb11714_check (const char *body)
{
  guint sum = 0;
  guint check;

  for (guint i = 0; i < G_N_ELEMENTS (gb11714_weights); i++)
    {
      char c = body[i];
      guint value = g_ascii_isdigit (c) ? (guint) (c - '0') : (guint) (c - 'A') + DEMO_GB11714_LETTER_BASE;

      sum += value * gb11714_weights[i];
    }
  check = DEMO_GB11714_MODULUS - sum % DEMO_GB11714_MODULUS;
  if (check == DEMO_GB11714_MODULUS)
    return '0';
  if (check == DEMO_GB11714_MODULUS - 1)
    return DEMO_GB11714_TEN;
  return (char) ('0' + check);
}

static void
demo_org_code (DemoPlan *plan, char *body)
{
  guint i = 0;

  if (rng_percent (&plan->rng, DEMO_NEW_ORG_CODE_PERCENT))
    {
      memcpy (body, DEMO_NEW_ORG_CODE_PREFIX, strlen (DEMO_NEW_ORG_CODE_PREFIX));
      for (i = strlen (DEMO_NEW_ORG_CODE_PREFIX); i < DEMO_ORG_CODE_LENGTH - 1; i++)
        body[i] = credit_code_chars[rng_below (&plan->rng, sizeof credit_code_chars - 1)];
    }
  else
    {
      body[i++] = DEMO_OLD_ORG_CODE_FIRST_DIGITS[rng_below (&plan->rng, strlen (DEMO_OLD_ORG_CODE_FIRST_DIGITS))];
      for (; i < DEMO_ORG_CODE_LENGTH - 1; i++)
        body[i] = (char) ('0' + rng_below (&plan->rng, DEMO_DECIMAL_DIGITS));
    }
  body[DEMO_ORG_CODE_LENGTH - 1] = demo_gb11714_check (body);
}

static const char *
demo_credit_code (DemoPlan *plan, const char *division)
{
  char code[LJ_CREDIT_CODE_LENGTH + 1];
  const gsize prefix = strlen (DEMO_CREDIT_CODE_PREFIX);
  const gsize division_length = strlen (division);
  const char *stored;

  do
    {
      memcpy (code, DEMO_CREDIT_CODE_PREFIX, prefix);
      memcpy (code + prefix, division, division_length);
      demo_org_code (plan, code + prefix + division_length);
      code[LJ_CREDIT_CODE_LENGTH - 1] = lj_credit_code_check_char (code);
      code[LJ_CREDIT_CODE_LENGTH] = '\0';
    }
  while (g_hash_table_contains (plan->credit_codes, code));

  stored = g_string_chunk_insert (plan->strings, code);
  g_hash_table_add (plan->credit_codes, (gpointer) stored);
  return stored;
}

static const char *
demo_enterprise_name (DemoPlan *plan, DemoChain chain, const char *ownership)
{
  const DemoChainSpec *spec = &chain_specs[chain];
  guint n_words = 0;
  const char *trade;
  const char *place;
  const char *word;
  const char *suffix;

  g_assert (plan->next_trade < G_N_ELEMENTS (trade_names));
  trade = trade_names[plan->trade_order[plan->next_trade++]];
  while (n_words < DEMO_WORDS_MAX && spec->words[n_words] != NULL)
    n_words++;
  /* State-owned enterprises here are mostly the prefecture's. */
  place = g_str_equal (ownership, "state_owned") ? "楚雄州" : RNG_PICK (&plan->rng, name_places);
  word = spec->words[rng_below (&plan->rng, n_words)];
  suffix = RNG_PICK (&plan->rng, name_suffixes);
  return demo_printf (plan, "%s%s%s%s", place, trade, word, suffix);
}

static const char *
demo_address (DemoPlan *plan)
{
  const char *road = RNG_PICK (&plan->rng, roads);
  guint number = rng_range (&plan->rng, 1, DEMO_HOUSE_NUMBER_MAX);

  return demo_printf (plan, "%s%s%u号", DEMO_PARK_ADDRESS, road, number);
}

static const char *
demo_primary_role (DemoPlan *plan)
{
  static const char *const roles[] = { "core", "upstream", "downstream", "supporting" };

  return RNG_PICK (&plan->rng, roles);
}

typedef struct {
  DemoShape    shape;
  const char  *ownership;
  const char  *status;
  gboolean     three_haves;
  const char  *role;   /* NULL: drawn */
  const char  *name;   /* NULL: generated */
} DemoEnterpriseSpec;

static guint
demo_add_enterprise (DemoPlan *plan, DemoChain chain, const DemoEnterpriseSpec *spec)
{
  DemoEnterprise e = { 0 };
  const char *gender = demo_gender (plan);
  /* Large and medium shapes come first in DemoShape. */
  gboolean registered_by_prefecture = spec->shape <= SHAPE_MEDIUM || !g_str_equal (spec->ownership, "non_public");

  e.name = spec->name != NULL ? spec->name : demo_enterprise_name (plan, chain, spec->ownership);
  e.credit_code = demo_credit_code (plan, registered_by_prefecture ? DEMO_DIVISION_PREFECTURE : DEMO_DIVISION_CITY);
  e.size = shapes[spec->shape].size;
  e.ownership = spec->ownership;
  e.status = spec->status;
  e.employees = rng_range (&plan->rng, shapes[spec->shape].employees_min, shapes[spec->shape].employees_max);
  e.address = demo_address (plan);
  e.contact_name = demo_person_name (plan, gender);
  e.contact_phone = demo_office_phone (plan);
  e.three_haves = spec->three_haves;
  e.chain = chain;
  e.role = spec->role != NULL ? spec->role : demo_primary_role (plan);
  e.second_chain = DEMO_NO_CHAIN;
  g_array_append_val (plan->enterprises, e);
  return plan->enterprises->len - 1;
}

static const char *
demo_covered_ownership (DemoChain chain, guint single)
{
  for (guint i = 0; i < G_N_ELEMENTS (covered_ownerships); i++)
    if (covered_ownerships[i].chain == chain && covered_ownerships[i].single == single)
      return covered_ownerships[i].ownership;
  return "non_public";
}

/* Organisations ---------------------------------------------------------- */

static guint
demo_add_org (DemoPlan *plan, const DemoOrg *org)
{
  g_array_append_val (plan->orgs, *org);
  return plan->orgs->len - 1;
}

static const char *
demo_org_founded (DemoPlan *plan, guint first_year, guint last_year)
{
  return demo_date (plan, rng_range (&plan->rng, demo_year_start (first_year), demo_year_end (last_year)));
}

static void
demo_plan_committees (DemoPlan *plan)
{
  DemoOrg root = {
    .name = DEMO_WORKING_COMMITTEE_NAME, .kind = KIND_WORKING_COMMITTEE, .parent = DEMO_NO_PARENT,
    .chain = DEMO_NO_CHAIN, .founded_on = DEMO_WORKING_COMMITTEE_FOUNDED,
  };

  demo_add_org (plan, &root);
  for (guint c = 0; c < N_CHAINS; c++)
    {
      DemoOrg committee = {
        .name = demo_printf (plan, "%s%s产业链党委", DEMO_PARK_NAME, chain_specs[c].name),
        .kind = KIND_CHAIN_COMMITTEE, .parent = DEMO_WORKING_COMMITTEE, .chain = (int) c,
        .founded_on = DEMO_CHAIN_COMMITTEES_FOUNDED,
      };
      guint index = demo_add_org (plan, &committee);

      g_assert (index == DEMO_CHAIN_COMMITTEE (c));
    }
}

static DemoKind
demo_single_kind (const DemoChainSpec *spec, guint single)
{
  if (single == 0)
    return KIND_COMMITTEE;
  return single <= spec->general_branches ? KIND_GENERAL_BRANCH : KIND_BRANCH;
}

/* An enterprise with an organisation of its own: the lead is large, those
 * with a general branch medium, those with a branch small. */
static void
demo_plan_single (DemoPlan *plan, DemoChain chain, guint single)
{
  const DemoChainSpec *spec = &chain_specs[chain];
  DemoKind kind = demo_single_kind (spec, single);
  static const DemoShape kind_shapes[] = {
    [KIND_COMMITTEE] = SHAPE_LARGE, [KIND_GENERAL_BRANCH] = SHAPE_MEDIUM, [KIND_BRANCH] = SHAPE_SMALL,
  };
  DemoEnterpriseSpec es = {
    .shape = kind_shapes[kind], .ownership = demo_covered_ownership (chain, single),
    .status = "active", .three_haves = TRUE,
    .role = single == 0 ? "lead" : kind == KIND_GENERAL_BRANCH ? "core" : NULL,
    .name = single == 0 ? spec->lead_name : NULL,
  };
  guint e = demo_add_enterprise (plan, chain, &es);
  DemoOrg org = {
    .name = demo_printf (plan, "%s%s", ENTERPRISE (plan, e)->name, kinds[kind].suffix),
    .kind = kind, .parent = (int) DEMO_CHAIN_COMMITTEE (chain), .chain = (int) chain,
    .founded_on = demo_org_founded (plan, DEMO_ORG_FOUNDED_FIRST_YEAR, DEMO_ORG_FOUNDED_LAST_YEAR),
    .enterprises = { e }, .n_enterprises = 1,
  };
  guint o = demo_add_org (plan, &org);

  if (single == 0)
    {
      plan->chains[chain].lead_enterprise = e;
      plan->chains[chain].lead_org = o;
    }
}

/* Small enterprises with too few members for a branch of their own share
 * one joint branch under the chain committee. */
static void
demo_plan_joint_branch (DemoPlan *plan, DemoChain chain)
{
  const DemoChainSpec *spec = &chain_specs[chain];
  DemoOrg org = {
    .name = demo_printf (plan, "%s%s产业链小微企业联合党支部", DEMO_PARK_NAME, spec->name),
    .kind = KIND_JOINT_BRANCH, .parent = (int) DEMO_CHAIN_COMMITTEE (chain), .chain = (int) chain,
    .founded_on = demo_org_founded (plan, DEMO_JOINT_FOUNDED_FIRST_YEAR, DEMO_JOINT_FOUNDED_LAST_YEAR),
  };

  g_assert (spec->joint_size <= DEMO_JOINT_MAX);
  for (guint j = 0; j < spec->joint_size; j++)
    {
      gboolean idle = spec->joint_has_idle && j == spec->joint_size - 1;
      DemoEnterpriseSpec es = {
        .shape = idle ? SHAPE_MICRO_IDLE
                      : rng_percent (&plan->rng, DEMO_JOINT_SMALL_PERCENT) ? SHAPE_SMALL : SHAPE_MICRO,
        .ownership = "non_public", .status = "active", .three_haves = !idle,
      };

      org.enterprises[org.n_enterprises++] = demo_add_enterprise (plan, chain, &es);
    }
  demo_add_org (plan, &org);
}

static void
demo_plan_blank_spot (DemoPlan *plan, DemoChain chain)
{
  DemoEnterpriseSpec es = {
    .shape = rng_percent (&plan->rng, DEMO_BLANK_SMALL_PERCENT) ? SHAPE_SMALL : SHAPE_MICRO,
    .ownership = "non_public", .status = "active", .three_haves = TRUE,
  };

  demo_add_enterprise (plan, chain, &es);
}

static void
demo_plan_outsider (DemoPlan *plan, DemoChain chain, DemoOutsider outsider)
{
  DemoEnterpriseSpec es = {
    .shape = SHAPE_SMALL, .ownership = "non_public", .status = "active", .three_haves = TRUE,
  };

  switch (outsider)
    {
    case OUTSIDER_CLOSED:
      es.status = "closed";
      break;
    case OUTSIDER_IDLE:
      es.shape = SHAPE_MICRO_IDLE;
      es.three_haves = FALSE;
      break;
    case OUTSIDER_FOREIGN:
      es.ownership = "foreign";
      break;
    case OUTSIDER_STATE_OWNED:
      es.shape = SHAPE_MEDIUM;
      es.ownership = "state_owned";
      break;
    case OUTSIDER_NONE:
    default:
      return;
    }
  demo_add_enterprise (plan, chain, &es);
}

static void
demo_plan_chain (DemoPlan *plan, DemoChain chain)
{
  const DemoChainSpec *spec = &chain_specs[chain];

  for (guint s = 0; s < spec->singles; s++)
    demo_plan_single (plan, chain, s);
  if (spec->joint_size > 0)
    demo_plan_joint_branch (plan, chain);
  for (guint b = 0; b < spec->blank_spots; b++)
    demo_plan_blank_spot (plan, chain);
  for (guint x = 0; x < DEMO_OUTSIDERS_MAX; x++)
    demo_plan_outsider (plan, chain, spec->outsiders[x]);
}

/* Service enterprises support any chain; others reach a related one. */
static void
demo_plan_second_chain (DemoPlan *plan, DemoEnterprise *e)
{
  const DemoChainSpec *spec = &chain_specs[e->chain];
  static const char *const roles[] = { "upstream", "downstream" };
  guint other;

  if (spec->serves_all)
    {
      if (!rng_percent (&plan->rng, DEMO_SECOND_CHAIN_SERVICE_PERCENT))
        return;
      /* Any chain but its own: draw among the others and skip over it. */
      other = rng_below (&plan->rng, N_CHAINS - 1);
      e->second_chain = (int) (other >= (guint) e->chain ? other + 1 : other);
      e->second_role = "supporting";
      return;
    }
  if (spec->n_related == 0 || !rng_percent (&plan->rng, DEMO_SECOND_CHAIN_PERCENT))
    return;
  e->second_chain = (int) spec->related[rng_below (&plan->rng, spec->n_related)];
  e->second_role = RNG_PICK (&plan->rng, roles);
}

/* Members ---------------------------------------------------------------- */

/* Moves counts[i] within [min[i], max[i]] one step at a time until they add
 * up to @target.  Returns FALSE if the bounds make that impossible. */
static gboolean
demo_fit_total (DemoRng *rng, guint *counts, const guint *min, const guint *max, guint n, guint target)
{
  guint sum = 0, sum_min = 0, sum_max = 0;

  for (guint i = 0; i < n; i++)
    {
      g_assert (min[i] <= counts[i] && counts[i] <= max[i]);
      sum += counts[i];
      sum_min += min[i];
      sum_max += max[i];
    }
  if (target < sum_min || target > sum_max)
    return FALSE;

  while (sum != target)
    {
      guint i = rng_below (rng, n);

      if (sum < target && counts[i] < max[i])
        {
          counts[i]++;
          sum++;
        }
      else if (sum > target && counts[i] > min[i])
        {
          counts[i]--;
          sum--;
        }
    }
  return TRUE;
}

typedef enum {
  RANK_SECRETARY,
  RANK_MEMBER,
} DemoRank;

static const char *
demo_secretary_position (DemoPlan *plan, DemoKind kind)
{
  switch (kind)
    {
    case KIND_CHAIN_COMMITTEE:
    case KIND_WORKING_COMMITTEE:
      return kinds[kind].secretary;
    case KIND_COMMITTEE:
      return demo_printf (plan, "%s、%s", kinds[kind].secretary, RNG_PICK (&plan->rng, committee_secretary_day_jobs));
    case KIND_GENERAL_BRANCH:
    case KIND_BRANCH:
    case KIND_JOINT_BRANCH:
    case N_KINDS:
    default:
      return demo_printf (plan, "%s、%s", kinds[kind].secretary, RNG_PICK (&plan->rng, secretary_day_jobs));
    }
}

static void
demo_member_dates (DemoPlan *plan, DemoMember *m, DemoRank rank)
{
  guint age;
  guint32 birth, earliest_join, latest_join;
  gboolean probationary = rank == RANK_MEMBER && rng_percent (&plan->rng, DEMO_PROBATIONARY_PERCENT);

  if (rank == RANK_SECRETARY)
    age = rng_range (&plan->rng, DEMO_SECRETARY_AGE_MIN, DEMO_SECRETARY_AGE_MAX);
  else if (probationary)
    age = rng_range (&plan->rng, DEMO_PROBATIONARY_AGE_MIN, DEMO_PROBATIONARY_AGE_MAX);
  else
    age = rng_range (&plan->rng, DEMO_MEMBER_AGE_MIN, DEMO_MEMBER_AGE_MAX);
  birth = demo_birth_day (plan, age);

  if (probationary)
    {
      earliest_join = plan->today - DEMO_PROBATION_DAYS_MAX;
      latest_join = plan->today - DEMO_PROBATION_DAYS_MIN;
    }
  else
    {
      earliest_join = birth + DEMO_JOIN_AGE_MIN * DEMO_DAYS_PER_YEAR;
      latest_join = plan->today - DEMO_FORMAL_AFTER_DAYS;
      if (rank == RANK_SECRETARY)
        latest_join = MIN (latest_join, birth + DEMO_SECRETARY_JOIN_AGE_MAX * DEMO_DAYS_PER_YEAR);
    }
  m->birth_date = demo_date (plan, birth);
  m->joined_on = demo_date (plan, rng_range (&plan->rng, earliest_join, latest_join));
  m->status = probationary ? "probationary" : "formal";
}

static void
demo_add_member (DemoPlan *plan, guint org_index, gint64 enterprise_id, DemoRank rank)
{
  const DemoOrg *org = ORG (plan, org_index);
  DemoMember m = { 0 };
  gboolean technical = FALSE;

  m.gender = demo_gender (plan);
  m.name = demo_person_name (plan, m.gender);
  demo_member_dates (plan, &m, rank);
  m.education = demo_education (plan, rank == RANK_SECRETARY ? DEMO_SECRETARY_EDUCATION_FIRST : 0);
  m.org = org_index;
  m.enterprise_id = enterprise_id;
  if (rank == RANK_SECRETARY)
    m.position = demo_secretary_position (plan, org->kind);
  else if ((technical = rng_percent (&plan->rng, DEMO_TECHNICAL_POSITION_PERCENT)))
    m.position = RNG_PICK (&plan->rng, technical_positions);
  else
    m.position = RNG_PICK (&plan->rng, positions);
  m.phone = demo_mobile (plan);
  m.technical_expert = rng_percent (&plan->rng, technical ? DEMO_EXPERT_IF_TECHNICAL_PERCENT
                                                          : DEMO_EXPERT_OTHERWISE_PERCENT);
  g_array_append_val (plan->members, m);
}

/* The secretary comes first; in a joint branch members are dealt round the
 * enterprises so each has at least one. */
static void
demo_plan_org_members (DemoPlan *plan, guint org_index, guint count)
{
  DemoOrg *org = ORG (plan, org_index);

  org->first_member = plan->members->len;
  org->n_members = count;
  for (guint k = 0; k < count; k++)
    {
      gint64 enterprise_id = org->n_enterprises > 0
        ? DEMO_ID (org->enterprises[k % org->n_enterprises]) : 0;

      demo_add_member (plan, org_index, enterprise_id, k == 0 ? RANK_SECRETARY : RANK_MEMBER);
    }
}

static gboolean
demo_plan_members (DemoPlan *plan, GError **error)
{
  guint n = plan->orgs->len;
  g_autofree guint *counts = g_new0 (guint, n);
  g_autofree guint *min = g_new0 (guint, n);
  g_autofree guint *max = g_new0 (guint, n);
  guint first_enterprise_org = DEMO_CHAIN_COMMITTEE (N_CHAINS);

  for (guint i = 0; i < n; i++)
    {
      DemoKind kind = ORG (plan, i)->kind;

      min[i] = kinds[kind].min;
      max[i] = kinds[kind].max;
      counts[i] = rng_range (&plan->rng, kinds[kind].draw_min, kinds[kind].draw_max);
    }
  if (!demo_fit_total (&plan->rng, counts + first_enterprise_org, min + first_enterprise_org,
                       max + first_enterprise_org, n - first_enterprise_org,
                       LJ_DEMO_ENTERPRISE_ORG_MEMBERS))
    {
      g_set_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED,
                   "demo tables cannot hold %d members", LJ_DEMO_ENTERPRISE_ORG_MEMBERS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    demo_plan_org_members (plan, i, counts[i]);
  return TRUE;
}

/* Activities ------------------------------------------------------------- */

static guint
demo_pool_size (DemoPlan *plan, const DemoActivity *a)
{
  guint size = ORG (plan, a->organizer)->n_members;

  for (guint i = 0; i < a->n_co_organizers; i++)
    size += ORG (plan, a->co_organizers[i])->n_members;
  return size;
}

static void
demo_add_co_organizer (DemoActivity *a, guint org)
{
  g_assert (a->n_co_organizers < DEMO_CO_ORGANIZERS_MAX);
  a->co_organizers[a->n_co_organizers++] = org;
}

/* The chain's enterprise organisations, in a random order. */
static guint
demo_chain_orgs_shuffled (DemoPlan *plan, DemoChain chain, guint *out, guint out_len)
{
  guint n = 0;

  for (guint i = DEMO_CHAIN_COMMITTEE (N_CHAINS); i < plan->orgs->len; i++)
    if (ORG (plan, i)->chain == (int) chain)
      {
        g_assert (n < out_len);
        out[n++] = i;
      }
  for (guint i = n; i > 1; i--)
    {
      guint j = rng_below (&plan->rng, i);
      guint tmp = out[i - 1];

      out[i - 1] = out[j];
      out[j] = tmp;
    }
  return n;
}

static void
demo_plan_study_session (DemoPlan *plan, DemoChain chain, guint quarter)
{
  guint pick = rng_below (&plan->rng, DEMO_TOPICS_PER_QUARTER);
  const DemoStudyTopic *topic = &study_topics[quarter][pick];
  guint32 day = demo_weekday_between (plan,
                                      demo_julian (DEMO_STUDY_YEAR, topic->first_month, topic->first_day),
                                      demo_julian (DEMO_STUDY_YEAR, topic->last_month, topic->last_day));
  guint start = RNG_PICK (&plan->rng, study_start_minutes_utc);
  guint hours = RNG_PICK (&plan->rng, study_hours);
  guint orgs[DEMO_CO_ORGANIZERS_MAX];
  guint n_orgs = demo_chain_orgs_shuffled (plan, chain, orgs, G_N_ELEMENTS (orgs));
  DemoActivity a = {
    .kind = "theory_study", .organizer = DEMO_CHAIN_COMMITTEE (chain), .chain = (int) chain,
    .starts_at = demo_timestamp (plan, day, start),
    .ends_at = demo_timestamp (plan, day, start + hours * DEMO_MINUTES_PER_HOUR),
    .status = "completed", .quarter_topic = quarter * DEMO_TOPICS_PER_QUARTER + pick,
  };

  /* Enough co-organisers that the most a session may draw could come. */
  for (guint i = 0; i < n_orgs; i++)
    {
      if (a.n_co_organizers >= DEMO_SESSION_CO_ORGANIZERS_MIN
          && demo_pool_size (plan, &a) >= DEMO_SESSION_ATTENDANCE_MAX)
        break;
      demo_add_co_organizer (&a, orgs[i]);
    }
  a.title = demo_printf (plan, "%s产业链：%s", chain_specs[chain].name, topic->topic);
  a.location = rng_percent (&plan->rng, DEMO_PERCENT / 2)
    ? DEMO_PARK_HALL
    : demo_printf (plan, "%s党员活动室", ENTERPRISE (plan, plan->chains[chain].lead_enterprise)->name);
  g_array_append_val (plan->activities, a);
}

static int
demo_activity_compare (gconstpointer a, gconstpointer b)
{
  const DemoActivity *x = a, *y = b;
  int by_time = strcmp (x->starts_at, y->starts_at);

  return by_time != 0 ? by_time : x->chain - y->chain;
}

static int
demo_guint_compare (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return (x > y) - (x < y);
}

/* Who attends: @count distinct members of the organiser and co-organisers,
 * recorded when the activity ended, in member order. */
static void
demo_plan_attendees (DemoPlan *plan, guint activity)
{
  const DemoActivity *a = ACTIVITY (plan, activity);
  g_autoptr (GArray) pool = g_array_new (FALSE, FALSE, sizeof (guint));
  guint orgs[DEMO_CO_ORGANIZERS_MAX + 1];
  guint n_orgs = 0;

  orgs[n_orgs++] = a->organizer;
  for (guint i = 0; i < a->n_co_organizers; i++)
    orgs[n_orgs++] = a->co_organizers[i];
  for (guint i = 0; i < n_orgs; i++)
    for (guint k = 0; k < ORG (plan, orgs[i])->n_members; k++)
      {
        guint member = ORG (plan, orgs[i])->first_member + k;

        g_array_append_val (pool, member);
      }

  g_assert (a->attendance <= pool->len);
  /* A partial Fisher-Yates shuffle puts the chosen ones first. */
  for (guint i = 0; i < a->attendance; i++)
    {
      guint j = i + rng_below (&plan->rng, pool->len - i);
      guint tmp = g_array_index (pool, guint, i);

      g_array_index (pool, guint, i) = g_array_index (pool, guint, j);
      g_array_index (pool, guint, j) = tmp;
    }
  g_array_set_size (pool, a->attendance);
  g_array_sort (pool, demo_guint_compare);
  for (guint i = 0; i < pool->len; i++)
    {
      DemoAttendance row = { DEMO_ID (activity), DEMO_ID (g_array_index (pool, guint, i)) };

      g_array_append_val (plan->attendance, row);
    }
}

static const char *
demo_study_summary (DemoPlan *plan, const DemoActivity *a)
{
  const DemoStudyTopic *topic = &study_topics[a->quarter_topic / DEMO_TOPICS_PER_QUARTER]
                                             [a->quarter_topic % DEMO_TOPICS_PER_QUARTER];

  return demo_printf (plan, "%s产业链党委联合%u个链上企业党组织开展集中学习，主题为“%s”，"
                      "%u名党员参加，交流学习体会，结合产业链发展研究落实措施。",
                      chain_specs[a->chain].name, a->n_co_organizers, topic->topic, a->attendance);
}

/* The 40 study sessions of DEMO_STUDY_YEAR, in date order, with exactly
 * LJ_DEMO_STUDY_ATTENDANCES attendances between them. */
static gboolean
demo_plan_study_sessions (DemoPlan *plan, GError **error)
{
  guint counts[LJ_DEMO_STUDY_SESSIONS], min[LJ_DEMO_STUDY_SESSIONS], max[LJ_DEMO_STUDY_SESSIONS];

  for (guint c = 0; c < N_CHAINS; c++)
    for (guint q = 0; q < DEMO_QUARTERS; q++)
      demo_plan_study_session (plan, c, q);
  g_array_sort (plan->activities, demo_activity_compare);

  for (guint i = 0; i < LJ_DEMO_STUDY_SESSIONS; i++)
    {
      guint drawn = rng_range (&plan->rng, DEMO_SESSION_ATTENDANCE_DRAW_MIN, DEMO_SESSION_ATTENDANCE_DRAW_MAX);

      min[i] = DEMO_SESSION_ATTENDANCE_MIN;
      max[i] = MIN (DEMO_SESSION_ATTENDANCE_MAX, demo_pool_size (plan, ACTIVITY (plan, i)));
      counts[i] = CLAMP (drawn, min[i], max[i]);
    }
  if (!demo_fit_total (&plan->rng, counts, min, max, LJ_DEMO_STUDY_SESSIONS, LJ_DEMO_STUDY_ATTENDANCES))
    {
      g_set_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED,
                   "demo tables cannot hold %d study attendances", LJ_DEMO_STUDY_ATTENDANCES);
      return FALSE;
    }
  for (guint i = 0; i < LJ_DEMO_STUDY_SESSIONS; i++)
    {
      DemoActivity *a = ACTIVITY (plan, i);

      a->attendance = counts[i];
      a->summary = demo_study_summary (plan, a);
      demo_plan_attendees (plan, i);
    }
  return TRUE;
}

static void
demo_plan_other_activity (DemoPlan *plan, guint index)
{
  const DemoOtherActivity *spec = &other_activities[index];
  DemoActivity a = {
    .title = spec->title, .kind = spec->kind, .chain = spec->organizer,
    .starts_at = spec->starts_at, .ends_at = spec->ends_at, .location = spec->location,
    .summary = spec->summary, .status = spec->status, .attendance = spec->attendance,
  };

  if (spec->organizer == DEMO_NO_CHAIN)
    {
      a.organizer = DEMO_WORKING_COMMITTEE;
      for (guint c = 0; c < N_CHAINS; c++)
        {
          demo_add_co_organizer (&a, DEMO_CHAIN_COMMITTEE (c));
          demo_add_co_organizer (&a, plan->chains[c].lead_org);
        }
    }
  else
    {
      guint orgs[DEMO_CO_ORGANIZERS_MAX];
      guint n_orgs = demo_chain_orgs_shuffled (plan, spec->organizer, orgs, G_N_ELEMENTS (orgs));

      a.organizer = DEMO_CHAIN_COMMITTEE (spec->organizer);
      for (guint i = 0; i < n_orgs; i++)
        demo_add_co_organizer (&a, orgs[i]);
      if (spec->partner != DEMO_NO_CHAIN)
        {
          demo_add_co_organizer (&a, DEMO_CHAIN_COMMITTEE (spec->partner));
          demo_add_co_organizer (&a, plan->chains[spec->partner].lead_org);
        }
    }
  g_array_append_val (plan->activities, a);
  demo_plan_attendees (plan, plan->activities->len - 1);
}

static void
demo_shuffle_trade_names (DemoPlan *plan)
{
  for (guint i = 0; i < G_N_ELEMENTS (trade_names); i++)
    plan->trade_order[i] = i;
  for (guint i = G_N_ELEMENTS (trade_names); i > 1; i--)
    {
      guint j = rng_below (&plan->rng, i);
      guint tmp = plan->trade_order[i - 1];

      plan->trade_order[i - 1] = plan->trade_order[j];
      plan->trade_order[j] = tmp;
    }
}

/* The tables above must add up to the figures lj-demo.h promises. */
static gboolean
demo_plan_check (DemoPlan *plan, GError **error)
{
  const struct {
    const char *what;
    guint       planned;
    guint       promised;
  } totals[] = {
    { "enterprises", plan->enterprises->len, LJ_DEMO_ENTERPRISES },
    { "organizations", plan->orgs->len, LJ_DEMO_ORGANIZATIONS },
    { "members", plan->members->len, LJ_DEMO_MEMBERS },
    { "activities", plan->activities->len, LJ_DEMO_ACTIVITIES },
    { "attendances", plan->attendance->len, LJ_DEMO_ATTENDANCES },
  };

  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    if (totals[i].planned != totals[i].promised)
      {
        g_set_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED,
                     "demo tables give %u %s, lj-demo.h promises %u",
                     totals[i].planned, totals[i].what, totals[i].promised);
        return FALSE;
      }
  return TRUE;
}

static DemoPlan *
demo_plan_new (guint64 seed, GError **error)
{
  g_autoptr (DemoPlan) plan = g_new0 (DemoPlan, 1);

  plan->rng.state = seed;
  plan->strings = g_string_chunk_new (DEMO_STRING_CHUNK_SIZE);
  plan->credit_codes = g_hash_table_new (g_str_hash, g_str_equal);
  plan->enterprises = g_array_sized_new (FALSE, FALSE, sizeof (DemoEnterprise), LJ_DEMO_ENTERPRISES);
  plan->orgs = g_array_sized_new (FALSE, FALSE, sizeof (DemoOrg), LJ_DEMO_ORGANIZATIONS);
  plan->members = g_array_sized_new (FALSE, FALSE, sizeof (DemoMember), LJ_DEMO_MEMBERS);
  plan->activities = g_array_sized_new (FALSE, FALSE, sizeof (DemoActivity), LJ_DEMO_ACTIVITIES);
  plan->attendance = g_array_sized_new (FALSE, FALSE, sizeof (DemoAttendance), LJ_DEMO_ATTENDANCES);
  plan->today = demo_julian (DEMO_TODAY_YEAR, DEMO_TODAY_MONTH, DEMO_TODAY_DAY);

  demo_shuffle_trade_names (plan);
  demo_plan_committees (plan);
  for (guint c = 0; c < N_CHAINS; c++)
    demo_plan_chain (plan, c);
  for (guint e = 0; e < plan->enterprises->len; e++)
    demo_plan_second_chain (plan, ENTERPRISE (plan, e));
  if (!demo_plan_members (plan, error) || !demo_plan_study_sessions (plan, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (other_activities); i++)
    demo_plan_other_activity (plan, i);
  if (!demo_plan_check (plan, error))
    return NULL;
  return g_steal_pointer (&plan);
}

/* ----------------------------------------------------------------------
 * Writing the plan
 * ---------------------------------------------------------------------- */

typedef enum {
  STMT_NOT_EMPTY,
  STMT_CHAIN,
  STMT_CHAIN_LINKS,
  STMT_ENTERPRISE,
  STMT_ENTERPRISE_CHAIN,
  STMT_ORG,
  STMT_ORG_ENTERPRISE,
  STMT_ORG_SECRETARY,
  STMT_MEMBER,
  STMT_ACTIVITY,
  STMT_CO_ORGANIZER,
  STMT_ATTENDANCE,
  N_STMTS
} DemoStmt;

/* Chains point at their lead enterprise and committee, organisations at
 * their secretary, and those rows point back: the links are filled in by
 * UPDATE once both ends exist, so foreign keys hold after every statement. */
static const char *const stmt_sql[N_STMTS] = {
  [STMT_NOT_EMPTY] =
    "SELECT EXISTS (SELECT 1 FROM chains) OR EXISTS (SELECT 1 FROM enterprises)"
    " OR EXISTS (SELECT 1 FROM organizations) OR EXISTS (SELECT 1 FROM members)"
    " OR EXISTS (SELECT 1 FROM activities)",
  [STMT_CHAIN] =
    "INSERT INTO chains (id, name, code, description, version, created_at, updated_at)"
    " VALUES (:id, :name, :code, :description, 1, :now, :now)",
  [STMT_CHAIN_LINKS] =
    "UPDATE chains SET lead_enterprise_id = :lead, committee_org_id = :committee WHERE id = :id",
  [STMT_ENTERPRISE] =
    "INSERT INTO enterprises (id, name, credit_code, size, ownership, employees, address,"
    " contact_name, contact_phone, three_haves, status, version, created_at, updated_at)"
    " VALUES (:id, :name, :credit_code, :size, :ownership, :employees, :address,"
    " :contact_name, :contact_phone, :three_haves, :status, 1, :now, :now)",
  [STMT_ENTERPRISE_CHAIN] =
    "INSERT INTO enterprise_chains (enterprise_id, chain_id, role) VALUES (:enterprise, :chain, :role)",
  [STMT_ORG] =
    "INSERT INTO organizations (id, name, kind, parent_id, chain_id, founded_on, version, created_at, updated_at)"
    " VALUES (:id, :name, :kind, :parent, :chain, :founded_on, 1, :now, :now)",
  [STMT_ORG_ENTERPRISE] =
    "INSERT INTO organization_enterprises (org_id, enterprise_id) VALUES (:org, :enterprise)",
  [STMT_ORG_SECRETARY] =
    "UPDATE organizations SET secretary_member_id = :secretary WHERE id = :id",
  [STMT_MEMBER] =
    "INSERT INTO members (id, name, gender, birth_date, education, joined_on, status, org_id,"
    " enterprise_id, position, phone, is_technical_expert, version, created_at, updated_at)"
    " VALUES (:id, :name, :gender, :birth_date, :education, :joined_on, :status, :org,"
    " :enterprise, :position, :phone, :expert, 1, :now, :now)",
  [STMT_ACTIVITY] =
    "INSERT INTO activities (id, title, kind, organizer_org_id, chain_id, starts_at, ends_at,"
    " location, summary, status, version, created_at, updated_at)"
    " VALUES (:id, :title, :kind, :organizer, :chain, :starts_at, :ends_at,"
    " :location, :summary, :status, 1, :now, :now)",
  [STMT_CO_ORGANIZER] =
    "INSERT INTO activity_co_organizers (activity_id, org_id) VALUES (:activity, :org)",
  [STMT_ATTENDANCE] =
    "INSERT INTO activity_attendance (activity_id, member_id, created_at) VALUES (:activity, :member, :at)",
};

typedef struct {
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  int           bind_rc;   /* the first failed bind since the last step */
} DemoWriter;

static void
demo_writer_clear (DemoWriter *w)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&w->stmts[i], sqlite3_finalize);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DemoWriter, demo_writer_clear)

static gboolean
demo_writer_prepare (DemoWriter *w, sqlite3 *db, GError **error)
{
  w->db = db;
  w->bind_rc = SQLITE_OK;
  for (guint i = 0; i < N_STMTS; i++)
    if (sqlite3_prepare_v2 (db, stmt_sql[i], -1, &w->stmts[i], NULL) != SQLITE_OK)
      {
        g_set_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED,
                     "cannot prepare the demo loader (is the core schema applied?): %s",
                     sqlite3_errmsg (db));
        return FALSE;
      }
  return TRUE;
}

/* Binds by name so each call says which column it fills; a misspelt name
 * gives index 0, which SQLite refuses, and the step reports it. */
static void
demo_bind_rc (DemoWriter *w, int rc)
{
  if (w->bind_rc == SQLITE_OK)
    w->bind_rc = rc;
}

static void
demo_bind_text (DemoWriter *w, DemoStmt s, const char *name, const char *text)
{
  sqlite3_stmt *stmt = w->stmts[s];
  int index = sqlite3_bind_parameter_index (stmt, name);

  /* The plan outlives the statements' bindings, so no copy is needed. */
  demo_bind_rc (w, text != NULL ? sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC)
                                : sqlite3_bind_null (stmt, index));
}

static void
demo_bind_int (DemoWriter *w, DemoStmt s, const char *name, gint64 value)
{
  sqlite3_stmt *stmt = w->stmts[s];

  demo_bind_rc (w, sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, name), value));
}

/* Ids start at 1, so 0 means "none" and is stored as NULL. */
static void
demo_bind_id (DemoWriter *w, DemoStmt s, const char *name, gint64 id)
{
  sqlite3_stmt *stmt = w->stmts[s];
  int index = sqlite3_bind_parameter_index (stmt, name);

  demo_bind_rc (w, id > 0 ? sqlite3_bind_int64 (stmt, index, id) : sqlite3_bind_null (stmt, index));
}

static gboolean
demo_step (DemoWriter *w, DemoStmt s, GError **error)
{
  sqlite3_stmt *stmt = w->stmts[s];
  int rc = w->bind_rc != SQLITE_OK ? w->bind_rc : sqlite3_step (stmt);
  gboolean done = rc == SQLITE_DONE;

  if (!done)
    g_set_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED, "cannot load the demo park: %s (%s)",
                 w->bind_rc != SQLITE_OK ? sqlite3_errstr (rc) : sqlite3_errmsg (w->db),
                 sqlite3_sql (stmt));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  w->bind_rc = SQLITE_OK;
  return done;
}

static gboolean
demo_check_empty (DemoWriter *w, GError **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_NOT_EMPTY];
  int rc = sqlite3_step (stmt);
  gboolean occupied = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;

  if (rc != SQLITE_ROW)
    g_set_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED,
                 "cannot check the database is empty: %s", sqlite3_errmsg (w->db));
  else if (occupied)
    g_set_error_literal (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_NOT_EMPTY,
                         "the database already holds park data; the demo loads only into an empty one");
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW && !occupied;
}

static gboolean
demo_write_chains (DemoWriter *w, GError **error)
{
  for (guint c = 0; c < N_CHAINS; c++)
    {
      demo_bind_int (w, STMT_CHAIN, ":id", DEMO_ID (c));
      demo_bind_text (w, STMT_CHAIN, ":name", chain_specs[c].name);
      demo_bind_text (w, STMT_CHAIN, ":code", chain_specs[c].code);
      demo_bind_text (w, STMT_CHAIN, ":description", chain_specs[c].description);
      demo_bind_text (w, STMT_CHAIN, ":now", LJ_DEMO_TIMESTAMP);
      if (!demo_step (w, STMT_CHAIN, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
demo_write_chain_links (DemoWriter *w, const DemoPlan *plan, GError **error)
{
  for (guint c = 0; c < N_CHAINS; c++)
    {
      demo_bind_int (w, STMT_CHAIN_LINKS, ":id", DEMO_ID (c));
      demo_bind_int (w, STMT_CHAIN_LINKS, ":lead", DEMO_ID (plan->chains[c].lead_enterprise));
      demo_bind_int (w, STMT_CHAIN_LINKS, ":committee", DEMO_ID (DEMO_CHAIN_COMMITTEE (c)));
      if (!demo_step (w, STMT_CHAIN_LINKS, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
demo_write_enterprise_chain (DemoWriter *w, guint e, int chain, const char *role, GError **error)
{
  demo_bind_int (w, STMT_ENTERPRISE_CHAIN, ":enterprise", DEMO_ID (e));
  demo_bind_int (w, STMT_ENTERPRISE_CHAIN, ":chain", DEMO_ID (chain));
  demo_bind_text (w, STMT_ENTERPRISE_CHAIN, ":role", role);
  return demo_step (w, STMT_ENTERPRISE_CHAIN, error);
}

static gboolean
demo_write_enterprise (DemoWriter *w, guint index, const DemoEnterprise *e, GError **error)
{
  demo_bind_int (w, STMT_ENTERPRISE, ":id", DEMO_ID (index));
  demo_bind_text (w, STMT_ENTERPRISE, ":name", e->name);
  demo_bind_text (w, STMT_ENTERPRISE, ":credit_code", e->credit_code);
  demo_bind_text (w, STMT_ENTERPRISE, ":size", e->size);
  demo_bind_text (w, STMT_ENTERPRISE, ":ownership", e->ownership);
  demo_bind_int (w, STMT_ENTERPRISE, ":employees", e->employees);
  demo_bind_text (w, STMT_ENTERPRISE, ":address", e->address);
  demo_bind_text (w, STMT_ENTERPRISE, ":contact_name", e->contact_name);
  demo_bind_text (w, STMT_ENTERPRISE, ":contact_phone", e->contact_phone);
  demo_bind_int (w, STMT_ENTERPRISE, ":three_haves", e->three_haves ? 1 : 0);
  demo_bind_text (w, STMT_ENTERPRISE, ":status", e->status);
  demo_bind_text (w, STMT_ENTERPRISE, ":now", LJ_DEMO_TIMESTAMP);
  if (!demo_step (w, STMT_ENTERPRISE, error)
      || !demo_write_enterprise_chain (w, index, (int) e->chain, e->role, error))
    return FALSE;
  if (e->second_chain != DEMO_NO_CHAIN)
    return demo_write_enterprise_chain (w, index, e->second_chain, e->second_role, error);
  return TRUE;
}

static gboolean
demo_write_enterprises (DemoWriter *w, const DemoPlan *plan, GError **error)
{
  for (guint i = 0; i < plan->enterprises->len; i++)
    if (!demo_write_enterprise (w, i, &g_array_index (plan->enterprises, DemoEnterprise, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
demo_write_org (DemoWriter *w, guint index, const DemoOrg *org, GError **error)
{
  gboolean leads_chain = org->kind == KIND_CHAIN_COMMITTEE;

  demo_bind_int (w, STMT_ORG, ":id", DEMO_ID (index));
  demo_bind_text (w, STMT_ORG, ":name", org->name);
  demo_bind_text (w, STMT_ORG, ":kind", kinds[org->kind].kind);
  demo_bind_id (w, STMT_ORG, ":parent", org->parent != DEMO_NO_PARENT ? DEMO_ID (org->parent) : 0);
  /* chain_id names the chain a committee leads, not where a branch sits. */
  demo_bind_id (w, STMT_ORG, ":chain", leads_chain ? DEMO_ID (org->chain) : 0);
  demo_bind_text (w, STMT_ORG, ":founded_on", org->founded_on);
  demo_bind_text (w, STMT_ORG, ":now", LJ_DEMO_TIMESTAMP);
  if (!demo_step (w, STMT_ORG, error))
    return FALSE;
  for (guint k = 0; k < org->n_enterprises; k++)
    {
      demo_bind_int (w, STMT_ORG_ENTERPRISE, ":org", DEMO_ID (index));
      demo_bind_int (w, STMT_ORG_ENTERPRISE, ":enterprise", DEMO_ID (org->enterprises[k]));
      if (!demo_step (w, STMT_ORG_ENTERPRISE, error))
        return FALSE;
    }
  return TRUE;
}

/* Parents come before children in the plan, as the foreign key needs. */
static gboolean
demo_write_orgs (DemoWriter *w, const DemoPlan *plan, GError **error)
{
  for (guint i = 0; i < plan->orgs->len; i++)
    if (!demo_write_org (w, i, &g_array_index (plan->orgs, DemoOrg, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
demo_write_member (DemoWriter *w, guint index, const DemoMember *m, GError **error)
{
  demo_bind_int (w, STMT_MEMBER, ":id", DEMO_ID (index));
  demo_bind_text (w, STMT_MEMBER, ":name", m->name);
  demo_bind_text (w, STMT_MEMBER, ":gender", m->gender);
  demo_bind_text (w, STMT_MEMBER, ":birth_date", m->birth_date);
  demo_bind_text (w, STMT_MEMBER, ":education", m->education);
  demo_bind_text (w, STMT_MEMBER, ":joined_on", m->joined_on);
  demo_bind_text (w, STMT_MEMBER, ":status", m->status);
  demo_bind_int (w, STMT_MEMBER, ":org", DEMO_ID (m->org));
  demo_bind_id (w, STMT_MEMBER, ":enterprise", m->enterprise_id);
  demo_bind_text (w, STMT_MEMBER, ":position", m->position);
  demo_bind_text (w, STMT_MEMBER, ":phone", m->phone);
  demo_bind_int (w, STMT_MEMBER, ":expert", m->technical_expert ? 1 : 0);
  demo_bind_text (w, STMT_MEMBER, ":now", LJ_DEMO_TIMESTAMP);
  return demo_step (w, STMT_MEMBER, error);
}

static gboolean
demo_write_members (DemoWriter *w, const DemoPlan *plan, GError **error)
{
  for (guint i = 0; i < plan->members->len; i++)
    if (!demo_write_member (w, i, &g_array_index (plan->members, DemoMember, i), error))
      return FALSE;

  /* Each organisation's first member is its secretary. */
  for (guint i = 0; i < plan->orgs->len; i++)
    {
      const DemoOrg *org = &g_array_index (plan->orgs, DemoOrg, i);

      demo_bind_int (w, STMT_ORG_SECRETARY, ":id", DEMO_ID (i));
      demo_bind_int (w, STMT_ORG_SECRETARY, ":secretary", DEMO_ID (org->first_member));
      if (!demo_step (w, STMT_ORG_SECRETARY, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
demo_write_activity (DemoWriter *w, guint index, const DemoActivity *a, GError **error)
{
  demo_bind_int (w, STMT_ACTIVITY, ":id", DEMO_ID (index));
  demo_bind_text (w, STMT_ACTIVITY, ":title", a->title);
  demo_bind_text (w, STMT_ACTIVITY, ":kind", a->kind);
  demo_bind_int (w, STMT_ACTIVITY, ":organizer", DEMO_ID (a->organizer));
  demo_bind_id (w, STMT_ACTIVITY, ":chain", a->chain != DEMO_NO_CHAIN ? DEMO_ID (a->chain) : 0);
  demo_bind_text (w, STMT_ACTIVITY, ":starts_at", a->starts_at);
  demo_bind_text (w, STMT_ACTIVITY, ":ends_at", a->ends_at);
  demo_bind_text (w, STMT_ACTIVITY, ":location", a->location);
  demo_bind_text (w, STMT_ACTIVITY, ":summary", a->summary);
  demo_bind_text (w, STMT_ACTIVITY, ":status", a->status);
  demo_bind_text (w, STMT_ACTIVITY, ":now", LJ_DEMO_TIMESTAMP);
  if (!demo_step (w, STMT_ACTIVITY, error))
    return FALSE;
  for (guint k = 0; k < a->n_co_organizers; k++)
    {
      demo_bind_int (w, STMT_CO_ORGANIZER, ":activity", DEMO_ID (index));
      demo_bind_int (w, STMT_CO_ORGANIZER, ":org", DEMO_ID (a->co_organizers[k]));
      if (!demo_step (w, STMT_CO_ORGANIZER, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
demo_write_activities (DemoWriter *w, const DemoPlan *plan, GError **error)
{
  for (guint i = 0; i < plan->activities->len; i++)
    if (!demo_write_activity (w, i, &g_array_index (plan->activities, DemoActivity, i), error))
      return FALSE;

  /* Attendance is recorded when the activity ends. */
  for (guint i = 0; i < plan->attendance->len; i++)
    {
      const DemoAttendance *row = &g_array_index (plan->attendance, DemoAttendance, i);
      const DemoActivity *a = &g_array_index (plan->activities, DemoActivity, row->activity_id - 1);

      demo_bind_int (w, STMT_ATTENDANCE, ":activity", row->activity_id);
      demo_bind_int (w, STMT_ATTENDANCE, ":member", row->member_id);
      demo_bind_text (w, STMT_ATTENDANCE, ":at", a->ends_at);
      if (!demo_step (w, STMT_ATTENDANCE, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
demo_write (DemoWriter *w, const DemoPlan *plan, GError **error)
{
  return demo_write_chains (w, error)
    && demo_write_enterprises (w, plan, error)
    && demo_write_orgs (w, plan, error)
    && demo_write_members (w, plan, error)
    && demo_write_chain_links (w, plan, error)
    && demo_write_activities (w, plan, error);
}

static gboolean
demo_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, LJ_DEMO_ERROR, LJ_DEMO_ERROR_FAILED, "%s: %s", sql,
               message != NULL ? message : sqlite3_errmsg (db));
  sqlite3_free (message);
  return FALSE;
}

/* Some errors (a full disk, an I/O error) already end the transaction, and
 * a second ROLLBACK would fail; only roll back what is still open. */
static void
demo_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
lj_demo_load (sqlite3 *db, guint64 seed, GError **error)
{
  g_autoptr (DemoPlan) plan = NULL;
  g_auto (DemoWriter) writer = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Plan and prepare before taking the write lock, to hold it briefly. */
  plan = demo_plan_new (seed, error);
  if (plan == NULL || !demo_writer_prepare (&writer, db, error))
    return FALSE;
  /* A failure here leaves alone any transaction the caller had open. */
  if (!demo_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!demo_check_empty (&writer, error)
      || !demo_write (&writer, plan, error)
      || !demo_exec (db, "COMMIT", error))
    {
      demo_rollback (db);
      return FALSE;
    }
  return TRUE;
}
