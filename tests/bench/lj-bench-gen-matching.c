/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lj-bench-gen's matching data (lj-bench-gen.c says how the dataset is
 * made).  At scale 1: 20,000 listings (1 per 5 enterprises), 6,000
 * matches (0.3 per listing) and their ~1,100 agreements, 400 events with
 * registrations and check-ins; with the core's transition history. */
#include "lj-bench-gen.h"

static const char *const mt_types[] = {
  "technology", "financing", "talent", "equipment", "supply", "purchase", "market", "policy", "space"
};
static const int mt_type_w[] = { 25, 12, 10, 10, 15, 13, 8, 3, 4 };
/* Title patterns per type, need then offer; %s is the chain's trade. */
static const char *const mt_titles[][2] = {
  { "%s生产工艺技术攻关合作", "%s工艺技术转让与合作" },
  { "%s技改项目流动资金贷款", "%s企业技改专项贷款" },
  { "%s专业技术人才招聘", "%s专业人才订单班培养" },
  { "%s检测设备共享需求", "%s检测设备开放共享" },
  { "%s原料稳定供应需求", "%s原料及配套产品稳定供应" },
  { "%s产品批量采购", "%s产品长期收购" },
  { "%s产品市场渠道拓展", "%s产品市场渠道对接服务" },
  { "%s惠企政策咨询", "%s惠企政策申报辅导" },
  { "%s标准化厂房租赁", "%s标准化厂房出租" },
};
static const char *const mt_keywords[][3] = {
  { "工艺改进", "技术合作", "成果转化" }, { "流动资金", "技改项目", "信用贷款" }, { "人才招聘", "订单班", "技能人才" },
  { "检测设备", "设备共享", "仪器分析" }, { "原料供应", "冷链运输", "稳定供应" }, { "批量采购", "长期订单", "供应链" },
  { "市场渠道", "产销对接", "电商平台" }, { "政策申报", "惠企政策", "补贴申报" }, { "标准化厂房", "仓储空间", "租赁" },
};
static const char *const mt_banks[] = {
  "中国农业银行云南省分行", "中国建设银行云南省分行", "富滇银行", "云南红塔银行", "楚雄农村商业银行", "曲靖市商业银行",
};
static const char *const mt_event_kinds[] = {
  "roadshow", "salon", "tech_transfer", "alliance", "bank_enterprise", "supply_chain", "talent_fair"
};
static const int mt_event_kind_w[] = { 15, 20, 15, 10, 15, 15, 10 };
static const char *const mt_event_names[] = {
  "项目路演会", "创新沙龙", "科技成果转化对接会", "产业联盟年会", "银企对接会", "供应链对接会", "人才招聘会"
};
static const char *const mt_stages[] = {
  "suggested", "contacted", "negotiating", "intent_signed", "contract_signed", "delivered"
};
static const char *const mt_stage_events[] = { NULL, "contact", "negotiate", "sign_intent", "sign_contract", "deliver" };
static const int mt_stage_gaps[][2] = { { 0, 0 }, { 3, 20 }, { 7, 40 }, { 14, 60 }, { 14, 90 }, { 30, 180 } };
static const int mt_stage_w[] = { 25, 20, 15, 8, 12, 10 };

typedef struct {
  gint32      ent;          /* 0: an outside party */
  gint16      chain, chain2;
  guint8      type, need;
  gint64      created, published, valid_until;  /* published -1: a draft */
  gint64      ended;        /* when it was closed or expired, -1 if not */
  gboolean    expires;      /* ended by expiry (else by close) */
  gint64      matched;      /* when a signed agreement matched it, or -1 */
  const char *party;
} MtListing;

typedef struct {
  sqlite3_stmt *listing, *keyword, *listing_chain, *event, *co_organizer, *event_chain, *registration, *person,
               *registration_listing, *match, *agreement;
  MtListing    *listings;
  gint64        n_listings, n_registrations, n_agreements;
  gint32       *ent_first, *ent_count, *ent_listings;    /* CSR: enterprise -> listings */
  GArray       *needs, *offers_by_chain[N_CHAINS];       /* published listings */
  GArray       *held_by_chain[N_CHAINS];                 /* held events: id, starts (gint64 pairs) */
} Mt;

/* A random active enterprise on chain @c, or any active one if the chain
 * has none. */
static gint64
chain_enterprise (Gen *g, GRand *r, int c)
{
  if (g->chain_ent_count[c] == 0)
    return active_enterprise (g, r);
  return g->chain_ents[g->chain_ent_first[c] + g_rand_int_range (r, 0, g->chain_ent_count[c])];
}

/* The minute listing @l stops being offered for matching. */
static gint64
mt_listing_end (const MtListing *l)
{
  if (l->matched >= 0)
    return l->ended >= 0 && !l->expires ? l->ended : NOW_MIN;
  return l->ended >= 0 ? l->ended : NOW_MIN;
}

/* Enterprises post most listings; banks, universities and the park office
 * the rest (curated by the chain committee).  Published a few days after
 * drafting, valid for six months to two years: closed by the owner now and
 * then, expired the day after valid_until. */
static void
mt_plan_listings (Gen *g, GRand *r, Mt *mt)
{
  gint32 *key;

  mt->listings = g_new0 (MtListing, mt->n_listings);
  mt->needs = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int c = 0; c < N_CHAINS; c++)
    mt->offers_by_chain[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gint64 i = 0; i < mt->n_listings; i++)
    {
      MtListing *l = &mt->listings[i];
      gint64 id = i + 1, last_day;

      l->type = (guint8) weighted (r, mt_type_w, G_N_ELEMENTS (mt_type_w));
      l->need = chance (r, 55);
      l->matched = l->ended = l->published = -1;
      if (!l->need && chance (r, 30) && (l->type <= 3 || l->type >= 7))
        {
          l->chain = (gint16) g_rand_int_range (r, 0, N_CHAINS);
          l->party = l->type == 1 ? PICK (mt_banks, g_rand_int (r))
                   : l->type >= 7 ? PICK_SHARED (cities, g_rand_int (r)) : PICK_SHARED (external_experts, g_rand_int (r));
        }
      else
        {
          l->ent = (gint32) active_enterprise (g, r);
          l->chain = g->ent_chain[l->ent - 1];
        }
      l->chain2 = l->ent && g->ent_chain2[l->ent - 1] >= 0 && chance (r, 50) ? g->ent_chain2[l->ent - 1] : -1;
      l->created = NOW_MIN - between (r, DAY_MIN, 900 * DAY_MIN);
      if (chance (r, 8) || (l->published = l->created + between (r, 0, 5 * DAY_MIN)) > NOW_MIN)
        {
          l->published = -1;
          l->valid_until = BENCH_TODAY + between (r, 180, 540);
          continue;
        }
      l->valid_until = l->published / DAY_MIN + between (r, 180, 720);
      last_day = l->valid_until;
      if (l->valid_until + 1 < BENCH_TODAY)
        l->ended = (l->valid_until + 1) * DAY_MIN + HOUR_MIN, l->expires = TRUE;
      else
        {
          /* Still published: valid for two to three more years, so that
           * none expires while a benchmark runs on the real clock (the
           * plugin's expiry check runs at start and hourly). */
          l->valid_until = MAX (l->valid_until, BENCH_TODAY + between (r, 730, 1095));
          last_day = BENCH_TODAY;
        }
      if (chance (r, 13) && last_day * DAY_MIN > l->published + 10 * DAY_MIN)
        l->ended = l->published + between (r, 10 * DAY_MIN, last_day * DAY_MIN - l->published), l->expires = FALSE;
      g_array_append_val (l->need ? mt->needs : mt->offers_by_chain[l->chain], id);
    }
  key = g_new (gint32, mt->n_listings);
  for (gint64 i = 0; i < mt->n_listings; i++)
    key[i] = mt->listings[i].ent - 1;
  csr_build (mt->n_listings, key, g->n_ent, &mt->ent_first, &mt->ent_count, &mt->ent_listings);
  g_free (key);
}

/* 10 symbols of the plugin's alphabet from a bijection of the id, so the
 * codes are unique (matching_new_code draws them from the kernel). */
static void
mt_check_in_code (Gen *g, gint64 id, char code[11])
{
  static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  guint64 x = ((guint64) id * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + g->seed) & ((G_GUINT64_CONSTANT (1) << 50) - 1);

  for (int k = 0; k < 10; k++, x >>= 5)
    code[k] = alphabet[x & 31];
  code[10] = '\0';
}

typedef struct {
  gint64   id, persons, created;
  gboolean confirmed;      /* ever: it then holds a check-in code */
  Walk     w;
} MtSeat;

static gint64
mt_seats_taken (const MtSeat *seats, int n)
{
  gint64 taken = 0;

  for (int k = 0; k < n; k++)
    if (g_str_equal (seats[k].w.state, "confirmed") || g_str_equal (seats[k].w.state, "attended"))
      taken += seats[k].persons;
  return taken;
}

/* Confirms @s if its persons fit in the seats left. */
static gboolean
mt_confirm (MtSeat *s, gint64 at, gint64 capacity, const MtSeat *seats, int n)
{
  if (capacity && mt_seats_taken (seats, n) + s->persons > capacity)
    return FALSE;
  if (!walk_fire (&s->w, at, "confirm", "confirmed", NULL, NULL))
    return FALSE;
  s->confirmed = TRUE;
  return TRUE;
}

/* One registration as it ended up, with its persons (one seat each) and,
 * now and then, the enterprise's listing it brings to the table. */
static void
mt_write_registration (Gen *g, GRand *r, Mt *mt, gint64 event, const MtSeat *s, gint64 e)
{
  static const char *const roles[] = { "presenter", "investor", "expert", "attendee" };
  static const int role_w[] = { 10, 5, 5, 80 };
  char code[11], first[32] = "";

  mt_check_in_code (g, s->id, code);
  sqlite3_bind_int64 (mt->registration, 1, s->id);
  sqlite3_bind_int64 (mt->registration, 2, event);
  bind_id (mt->registration, 3, e);
  bind_text (mt->registration, 4, e ? NULL : PICK_SHARED (external_experts, g_rand_int (r)));
  bind_text (mt->registration, 5, e ? roles[weighted (r, role_w, 4)] : chance (r, 50) ? "expert" : "investor");
  bind_text (mt->registration, 6, NULL);
  bind_text (mt->registration, 7, s->confirmed ? code : NULL);
  bind_ts (mt->registration, 8, g_str_equal (s->w.state, "attended") ? s->w.at : -1);
  bind_text (mt->registration, 9, s->w.state);
  sqlite3_bind_int (mt->registration, 10, 1 + s->w.steps);
  bind_ts (mt->registration, 11, s->created);
  bind_ts (mt->registration, 12, s->w.at);
  insert_row (g, mt->registration);
  for (int p = 0; p < s->persons; p++)
    {
      char who[32];

      do
        person_name (r, who, sizeof who);
      while (g_str_equal (who, first));     /* a person once per registration */
      g_strlcpy (first, who, sizeof first);
      sqlite3_bind_int64 (mt->person, 1, s->id);
      bind_text (mt->person, 2, who);
      bind_text (mt->person, 3, p == 0 ? "总经理" : "技术负责人");
      insert_row (g, mt->person);
    }
  if (e && mt->ent_count[e - 1] > 0 && chance (r, 30))
    {
      sqlite3_bind_int64 (mt->registration_listing, 1, s->id);
      sqlite3_bind_int (mt->registration_listing, 2, mt->ent_listings[mt->ent_first[e - 1]]);
      insert_row (g, mt->registration_listing);
    }
}

/* Registrations for one event: taken until the deadline (confirmed while
 * seats last, else waitlisted; in approval mode decided by the organiser),
 * a few cancelled (the waitlist moving up), and on the day checked in by
 * code or marked no-show. */
static void
mt_write_registrations (Gen *g, GRand *r, Mt *mt, gint64 event, int c, gint64 from, gint64 until, gint64 capacity,
                        gboolean open_mode, gint64 held, gint64 ends, gint64 *attended)
{
  MtSeat seats[80];
  gint32 ents[80];
  int n = (int) between (r, 10, 60), m = 0;
  gint64 decided = from;

  if (capacity)
    n = MIN (n, (int) (capacity * 13 / 10));
  for (int k = 0; k < n && until > from; k++)
    {
      gint64 created = from + (until - from) * (k + 1) / (n + 1);
      gint64 e = chance (r, 90) ? chain_enterprise (g, r, c) : 0;
      MtSeat *s;
      gboolean waiting = FALSE, dup = FALSE;

      for (int q = 0; q < m; q++)
        dup |= e && ents[q] == e;
      if (dup || created > NOW_MIN)
        continue;
      s = &seats[m];
      ents[m++] = (gint32) e;
      *s = (MtSeat) { ++mt->n_registrations, between (r, 1, 2), created, FALSE };
      walk_init (&s->w, g, "matching/registrations", s->id, "pending", created);
      for (int q = 0; q < m - 1; q++)
        waiting |= g_str_equal (seats[q].w.state, "waitlisted");
      decided = MAX (decided, open_mode ? created : created + between (r, DAY_MIN, 3 * DAY_MIN));
      if (!open_mode && chance (r, 5))
        walk_fire (&s->w, decided, "reject", "rejected", "与本次对接主题不符", NULL);
      else if (waiting || !mt_confirm (s, decided, capacity, seats, m - 1))
        walk_fire (&s->w, decided, "waitlist", "waitlisted", NULL, NULL);
    }
  /* A few cancel before the day; freed seats go down the waitlist. */
  for (int k = 0; k < m; k++)
    {
      MtSeat *s = &seats[k];
      gboolean had_seats = g_str_equal (s->w.state, "confirmed");

      if (!chance (r, 5) || g_str_equal (s->w.state, "rejected") || decided >= until)
        continue;
      decided += MAX (1, (until - decided) / 4);
      if (!walk_fire (&s->w, decided, "cancel", "cancelled", NULL, NULL) || !had_seats)
        continue;
      for (int q = 0; q < m; q++)
        if (g_str_equal (seats[q].w.state, "waitlisted") && !mt_confirm (&seats[q], decided, capacity, seats, m))
          break;
    }
  /* The day: checked in by code (before the start), or no-show. */
  for (int k = 0; k < m; k++)
    {
      MtSeat *s = &seats[k];

      if (held >= 0 && g_str_equal (s->w.state, "confirmed"))
        {
          gboolean came = chance (r, 85);

          walk_fire (&s->w, came ? held - between (r, 0, 60) : ends, came ? "attend" : "no_show",
                     came ? "attended" : "no_show", NULL, NULL);
          if (g_str_equal (s->w.state, "attended"))
            *attended += s->persons;
        }
      mt_write_registration (g, r, mt, event, s, ents[k]);
    }
}

/* One event: drafted a month or two ahead, published, registration closed
 * two days before, held (minutes, attendee count), archived later; a few
 * cancelled or postponed. */
static void
mt_write_event (Gen *g, GRand *r, Mt *mt, gint64 id)
{
  int c = g_rand_int_range (r, 0, N_CHAINS), kind = weighted (r, mt_event_kind_w, G_N_ELEMENTS (mt_event_kind_w));
  int c2 = chance (r, 30) ? (c + 1 + g_rand_int_range (r, 0, N_CHAINS - 1)) % N_CHAINS : -1;
  gint32 organizer = chance (r, 15) ? ROOT_ORG : CHAIN_ORG (c);
  gint64 starts = (NOW_MIN / DAY_MIN - 1000 + between (r, 0, 1120)) * DAY_MIN + 90, ends = starts + between (r, 3, 6) * HOUR_MIN;
  gint64 deadline = starts - 2 * DAY_MIN, capacity = chance (r, 80) ? between (r, 30, 150) : 0, attended = 0, held = -1;
  gint64 created = MIN (starts - between (r, 30 * DAY_MIN, 60 * DAY_MIN), NOW_MIN - between (r, DAY_MIN, 10 * DAY_MIN));
  gboolean open_mode = chance (r, 75), cancel = chance (r, 5), postpone = !cancel && starts > NOW_MIN && chance (r, 4);
  gboolean drafted = starts > NOW_MIN && chance (r, 10), published;
  gint64 attendees = 0;
  char title[300], data[200];
  Walk w;

  walk_init (&w, g, "matching/events", id, "draft", created);
  published = !drafted && walk_fire (&w, created + between (r, DAY_MIN, 5 * DAY_MIN), "publish", "published", NULL, NULL);
  if (published && cancel)
    walk_fire (&w, MIN (starts - DAY_MIN, w.at + between (r, 3 * DAY_MIN, 20 * DAY_MIN)), "cancel", "cancelled",
               "主讲嘉宾行程冲突，活动取消", NULL);
  else if (published)
    {
      gint64 opened = w.at, stop = postpone ? opened + between (r, DAY_MIN, 10 * DAY_MIN) : deadline;

      mt_write_registrations (g, r, mt, id, c, opened, MIN (stop, NOW_MIN), capacity, open_mode,
                              starts <= NOW_MIN && !postpone ? starts : -1, ends, &attended);
      if (postpone)
        walk_fire (&w, stop, "postpone", "postponed", "与园区重点工作时间冲突，延期举办", NULL);
      else if (walk_fire (&w, deadline, "close_registration", "registration_closed", NULL, NULL))
        {
          /* Registered people checked in, and walk-ins. */
          attendees = attended + between (r, 0, 20);
          g_snprintf (data, sizeof data, "{\"minutes\":\"发布合作需求和技术成果，现场达成对接意向\",\"attendee_count\":%"
                      G_GINT64_FORMAT "}", attendees);
          if (walk_fire (&w, ends, "hold", "held", NULL, data))
            {
              held = w.at;
              if (chance (r, 55))
                walk_fire (&w, w.at + between (r, 7 * DAY_MIN, 60 * DAY_MIN), "archive", "archived", NULL, NULL);
            }
        }
    }
  g_snprintf (title, sizeof title, "%s%s产业链%s", organizer == ROOT_ORG ? "全省" : "", chain_names[c], mt_event_names[kind]);
  sqlite3_bind_int64 (mt->event, 1, id);
  bind_text (mt->event, 2, mt_event_kinds[kind]);
  bind_text (mt->event, 3, title);
  sqlite3_bind_int (mt->event, 4, organizer);
  bind_ts (mt->event, 5, starts);
  bind_ts (mt->event, 6, ends);
  bind_text (mt->event, 7, "园区党群服务中心报告厅");
  bind_id (mt->event, 8, capacity);
  bind_text (mt->event, 9, open_mode ? "open" : "approval");
  bind_ts (mt->event, 10, deadline);
  if (held >= 0)
    {
      bind_text (mt->event, 11, "发布合作需求和技术成果，现场达成对接意向");
      sqlite3_bind_int64 (mt->event, 12, attendees);
    }
  bind_text (mt->event, 13, w.state);
  sqlite3_bind_int (mt->event, 14, 1 + w.steps);
  bind_ts (mt->event, 15, created);
  bind_ts (mt->event, 16, w.at);
  insert_row (g, mt->event);
  sqlite3_bind_int64 (mt->event_chain, 1, id);
  sqlite3_bind_int (mt->event_chain, 2, c + 1);
  insert_row (g, mt->event_chain);
  if (c2 >= 0)
    {
      sqlite3_bind_int64 (mt->event_chain, 1, id);
      sqlite3_bind_int (mt->event_chain, 2, c2 + 1);
      insert_row (g, mt->event_chain);
      if (organizer != CHAIN_ORG (c2))
        {
          sqlite3_bind_int64 (mt->co_organizer, 1, id);
          sqlite3_bind_int (mt->co_organizer, 2, CHAIN_ORG (c2));
          insert_row (g, mt->co_organizer);
        }
    }
  if (held >= 0)
    {
      gint64 pair[2] = { id, starts };
      g_array_append_vals (mt->held_by_chain[c], pair, 2);
    }
}

/* A held event of chain @c before @before, or 0. */
static gint64
mt_event_before (Mt *mt, GRand *r, int c, gint64 before)
{
  GArray *held = mt->held_by_chain[c];

  for (int attempt = 0; attempt < 4 && held->len > 0; attempt++)
    {
      guint k = (guint) g_rand_int_range (r, 0, (gint32) held->len / 2);
      if (g_array_index (held, gint64, 2 * k + 1) < before)
        return g_array_index (held, gint64, 2 * k);
    }
  return 0;
}

/* A match pairs a need with an offer of another party on its chain while
 * both are published (or matched), and goes stage by stage; signing the
 * contract is recording the agreement, which matches both listings if
 * they are still published. */
static void
mt_write_match (Gen *g, GRand *r, Mt *mt, gint64 id)
{
  static const char *const agreement_kinds[] = { "tech_transfer", "loan", "cooperation", "joint_lab", "purchase", "purchase",
                                                 "cooperation", "cooperation", "cooperation" };
  MtListing *need = NULL, *offer = NULL;
  gint64 need_id = 0, offer_id = 0, lo = 0, hi = 0, created;
  int target = weighted (r, mt_stage_w, G_N_ELEMENTS (mt_stage_w)), stage = 0, ending = g_rand_int_range (r, 0, 100);
  Walk w;

  for (int attempt = 0; attempt < 8 && offer == NULL; attempt++)
    {
      GArray *offers;

      need_id = g_array_index (mt->needs, gint64, g_rand_int_range (r, 0, (gint32) mt->needs->len));
      need = &mt->listings[need_id - 1];
      offers = mt->offers_by_chain[need->chain];
      if (offers->len == 0)
        continue;
      offer_id = g_array_index (offers, gint64, g_rand_int_range (r, 0, (gint32) offers->len));
      offer = &mt->listings[offer_id - 1];
      lo = MAX (need->published, offer->published);
      hi = MIN (mt_listing_end (need), mt_listing_end (offer));
      if ((need->ent && need->ent == offer->ent) || hi - lo < DAY_MIN)
        offer = NULL;
    }
  if (offer == NULL)
    return;
  created = lo + between (r, 0, MIN (30 * DAY_MIN, hi - lo - 1));
  walk_init (&w, g, "matching/matches", id, "suggested", created);
  while (stage < target && walk_fire (&w, w.at + between (r, mt_stage_gaps[stage + 1][0] * DAY_MIN, mt_stage_gaps[stage + 1][1] * DAY_MIN),
                                      mt_stage_events[stage + 1], mt_stages[stage + 1], NULL, NULL))
    {
      stage++;
      if (stage != 4)
        continue;
      /* The agreement: the match is contract_signed, published listings matched. */
      sqlite3_bind_int64 (mt->agreement, 1, ++mt->n_agreements);
      sqlite3_bind_int64 (mt->agreement, 2, id);
      bind_text (mt->agreement, 3, agreement_kinds[need->type]);
      bind_real (mt->agreement, 4, 10000.0 * (double) between (r, 50, 5000));
      bind_day (mt->agreement, 5, w.at / DAY_MIN);
      bind_ts (mt->agreement, 6, w.at);
      insert_row (g, mt->agreement);
      for (int k = 0; k < 2; k++)
        {
          MtListing *l = k ? offer : need;
          if (l->matched < 0 && l->published <= w.at && (l->ended < 0 || l->ended > w.at))
            {
              l->matched = w.at;
              if (l->expires)
                l->ended = -1, l->expires = FALSE;
            }
        }
    }
  if (stage < 4 && ending < 7)
    walk_fire (&w, w.at + between (r, 20 * DAY_MIN, 90 * DAY_MIN), "stall", "stalled", "对方暂缓合作，等待项目立项", NULL);
  else if (stage < 4 && ending < 17)
    walk_fire (&w, w.at + between (r, 20 * DAY_MIN, 90 * DAY_MIN), "close_lost", "closed_lost", "双方条件未谈拢", NULL);

  sqlite3_bind_int64 (mt->match, 1, id);
  sqlite3_bind_int64 (mt->match, 2, need_id);
  sqlite3_bind_int64 (mt->match, 3, offer_id);
  bind_id (mt->match, 4, chance (r, 30) ? mt_event_before (mt, r, need->chain, created) : 0);
  bind_text (mt->match, 5, stage < 5 && g_str_equal (w.state, mt_stages[stage]) ? "上门对接，明确合作方式" : NULL);
  bind_day (mt->match, 6, stage < 5 && g_str_equal (w.state, mt_stages[stage]) ? w.at / DAY_MIN + 14 : -1);
  bind_text (mt->match, 7, g_str_equal (w.state, "stalled") ? mt_stages[stage] : NULL);
  bind_text (mt->match, 8, w.state);
  sqlite3_bind_int (mt->match, 9, 1 + w.steps);
  bind_ts (mt->match, 10, created);
  bind_ts (mt->match, 11, w.at);
  insert_row (g, mt->match);
}

/* The listings, once the matches said which were matched: their history,
 * keywords, chains. */
static void
mt_write_listings (Gen *g, GRand *r, Mt *mt)
{
  for (gint64 i = 0; i < mt->n_listings; i++)
    {
      MtListing *l = &mt->listings[i];
      gint64 id = i + 1;
      const char *trade = chain_trades[l->chain];
      char title[300], description[600];
      Walk w;
      int first = g_rand_int_range (r, 0, 3), n_keywords = (int) between (r, 2, 3);

      walk_init (&w, g, "matching/listings", id, "draft", l->created);
      if (l->published >= 0)
        {
          walk_fire (&w, l->published, "publish", "published", NULL, NULL);
          if (l->matched >= 0)
            walk_fire (&w, l->matched, "match", "matched", NULL, NULL);
          if (l->ended >= 0)
            walk_fire (&w, l->ended, l->expires ? "expire" : "close", l->expires ? "expired" : "closed", NULL, NULL);
        }
      g_snprintf (title, sizeof title, mt_titles[l->type][l->need ? 0 : 1], trade);
      g_snprintf (description, sizeof description, "%s%s：%s相关%s，欢迎有意向的单位对接。", l->party ? l->party : "链上企业",
                  l->need ? "需求" : "可提供", trade, mt_keywords[l->type][first]);
      sqlite3_bind_int64 (mt->listing, 1, id);
      bind_text (mt->listing, 2, l->need ? "need" : "offer");
      bind_id (mt->listing, 3, l->ent);
      bind_text (mt->listing, 4, l->party);
      bind_id (mt->listing, 5, l->party ? CHAIN_ORG (l->chain) : 0);
      bind_text (mt->listing, 6, mt_types[l->type]);
      bind_text (mt->listing, 7, title);
      bind_text (mt->listing, 8, description);
      bind_real (mt->listing, 9, l->type == 1 || l->type == 5 ? 10000.0 * (double) between (r, 50, 5000) : -1);
      bind_day (mt->listing, 10, l->valid_until);
      bind_ts (mt->listing, 11, l->published);
      bind_text (mt->listing, 12, w.state);
      sqlite3_bind_int (mt->listing, 13, 1 + w.steps);
      bind_ts (mt->listing, 14, l->created);
      bind_ts (mt->listing, 15, w.at);
      insert_row (g, mt->listing);
      /* After the listing: in --fts triggers mode their trigger updates its search row. */
      for (int k = 0; k < n_keywords; k++)
        {
          sqlite3_bind_int64 (mt->keyword, 1, id);
          bind_text (mt->keyword, 2, k < 2 ? mt_keywords[l->type][(first + k) % 3] : trade);
          insert_row (g, mt->keyword);
        }
      for (int k = 0; k < 2; k++)
        if ((k ? l->chain2 : l->chain) >= 0)
          {
            sqlite3_bind_int64 (mt->listing_chain, 1, id);
            sqlite3_bind_int (mt->listing_chain, 2, (k ? l->chain2 : l->chain) + 1);
            insert_row (g, mt->listing_chain);
          }
      progress ("matching listings", id, mt->n_listings);
    }
}

/* The listings planned, the events, the matches (which say which listings
 * got matched), then the listings written. */
static void
mt_fill (Gen *g, GRand *r)
{
  Mt mt = { 0 };
  gint64 n_events = scaled (g, 400, 20), n_matches;

  index_chain_enterprises (g);
  mt.n_listings = scaled (g, 20000, 40);
  n_matches = mt.n_listings * 3 / 10;
  mt.listing = prep (g->db, "INSERT INTO matching_listings (id, direction, enterprise_id, external_party, org_id, type, title,"
                            " description, amount_cny, valid_until, published_at, state, version, created_at, updated_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  mt.keyword = prep (g->db, "INSERT INTO matching_listing_keywords (listing_id, keyword) VALUES (?1, ?2)");
  mt.listing_chain = prep (g->db, "INSERT INTO matching_listing_chains (listing_id, chain_id) VALUES (?1, ?2)");
  mt.event = prep (g->db, "INSERT INTO matching_events (id, kind, title, organizer_org_id, starts_at, ends_at, venue, capacity,"
                          " registration_mode, registration_deadline, minutes, attendee_count, state, version, created_at,"
                          " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  mt.co_organizer = prep (g->db, "INSERT INTO matching_event_co_organizers (event_id, org_id) VALUES (?1, ?2)");
  mt.event_chain = prep (g->db, "INSERT INTO matching_event_chains (event_id, chain_id) VALUES (?1, ?2)");
  mt.registration = prep (g->db, "INSERT INTO matching_registrations (id, event_id, enterprise_id, external_party, role, note,"
                                 " check_in_code, checked_in_at, state, version, created_at, updated_at)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  mt.person = prep (g->db, "INSERT INTO matching_registration_persons (registration_id, name, position)"
                           " VALUES (?1, ?2, ?3)");
  mt.registration_listing = prep (g->db, "INSERT INTO matching_registration_listings (registration_id, listing_id)"
                                         " VALUES (?1, ?2)");
  mt.match = prep (g->db, "INSERT INTO matching_matches (id, need_id, offer_id, event_id, owner_user_id, next_step,"
                          " next_step_due, stalled_from, state, version, created_at, updated_at)"
                          " VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  mt.agreement = prep (g->db, "INSERT INTO matching_agreements (id, match_id, kind, amount_cny, signed_on, note, version,"
                              " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, NULL, 1, ?6, ?6)");

  mt_plan_listings (g, r, &mt);
  for (int c = 0; c < N_CHAINS; c++)
    mt.held_by_chain[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
  exec (g->db, "BEGIN");
  for (gint64 id = 1; id <= n_events; id++)
    {
      mt_write_event (g, r, &mt, id);
      progress ("matching events", id, n_events);
    }
  for (gint64 id = 1; id <= n_matches && mt.needs->len > 0; id++)
    {
      mt_write_match (g, r, &mt, id);
      progress ("matching matches", id, n_matches);
    }
  mt_write_listings (g, r, &mt);
  exec (g->db, "COMMIT");
  /* Its search table keeps its own copy (keywords live in a link table):
   * filled once here, as its triggers would have. */
  if (g->fts_rebuild)
    exec (g->db, "INSERT INTO matching_listings_fts (rowid, title, description, keywords)"
                 " SELECT l.id, l.title, l.description, ifnull ((SELECT group_concat (keyword, ' ')"
                 " FROM matching_listing_keywords k WHERE k.listing_id = l.id), '') FROM matching_listings l");

  finalize_all (mt.listing, mt.keyword, mt.listing_chain, mt.event, mt.co_organizer, mt.event_chain, mt.registration,
                mt.person, mt.registration_listing, mt.match, mt.agreement, NULL);
  for (int c = 0; c < N_CHAINS; c++)
    {
      g_array_unref (mt.offers_by_chain[c]);
      g_array_unref (mt.held_by_chain[c]);
    }
  g_array_unref (mt.needs);
  g_free (mt.listings);
  g_free (mt.ent_first);
  g_free (mt.ent_count);
  g_free (mt.ent_listings);
}

gboolean
gen_plugin_matching (Gen *g)
{
  static const char *const tables[] = {
    "matching_listings", "matching_listing_keywords", "matching_matches", "matching_agreements", "matching_events",
    "matching_registrations", "matching_registration_persons", "matching_registration_listings", NULL
  };

  return gen_plugin (g, "matching", tables, 13, mt_fill);
}
