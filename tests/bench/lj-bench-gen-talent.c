/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lj-bench-gen's talent data (lj-bench-gen.c says how the dataset is made).
 * At scale 1: 50,000 profiles (0.5 per enterprise, 60% linked to core
 * members), 300 programmes (5 per chain) with sessions, ~17 enrolments each
 * and their attendance, 5,000 cultivation tracks with their stages, a
 * reserve and an expert pool per chain; with the core's transition
 * history. */
#include "lj-bench-gen.h"

static const char *const talent_skills[] = {
  "GMP认证", "PLC编程", "数控加工", "质量管理", "工艺优化", "安全生产", "电气维修", "化学分析", "数据分析", "焊接技术",
  "设备维护", "精益生产", "食品检测", "发酵工程", "电池制造", "光伏运维", "工业互联网", "供应链管理", "财务管理",
  "市场营销", "外贸业务", "知识产权", "环境监测", "仓储物流",
};
static const char *const talent_titles[] = { "助理工程师", "工程师", "高级工程师", "技师", "高级技师", "正高级工程师" };
static const char *const universities[] = {
  "云南大学", "昆明理工大学", "云南农业大学", "云南中医药大学", "云南财经大学", "云南民族大学", "楚雄师范学院",
  "曲靖师范学院", "玉溪师范学院", "云南省农业科学院",
};
static const char *const talent_kinds[] = { "theory", "policy", "skills", "party_school", "cross_border", "other" };
static const int talent_kind_w[] = { 20, 15, 35, 10, 5, 15 };
static const char *const talent_kind_names[] = {
  "党的创新理论专题培训班", "惠企政策专题培训班", "技能提升班", "党校进修班", "跨境人才培训计划", "青年人才研修班",
};
static const char *const talent_session_titles[] = {
  "开班动员与专题讲座", "理论学习", "现场教学", "案例研讨", "实操训练", "分组交流", "结业考核",
};
static const char *const talent_review_results[] = { "excellent", "good", "pass", "fail" };

enum { TAG_EXPERT = 1, TAG_BACKBONE = 2, TAG_RESERVE = 4 };

typedef struct {
  gint64 member;           /* the linked core member, or 0 */
  gint32 ent;
  guint8 tags;             /* TAG_* */
  guint8 tracked;          /* has a cultivation track */
  gint64 created;          /* minutes */
  gint64 linked;           /* when a track's admission linked the member (minutes), or -1 */
} TalentPerson;

typedef struct {
  sqlite3_stmt *person, *skill, *tag, *track, *stage, *mentor, *review, *pool, *entry;
  sqlite3_stmt *programme, *programme_chain, *partner, *session, *enrolment, *attendance;
  TalentPerson *people;
  gint64        n_people;
  gint32       *chain_first, *chain_count, *chain_people;  /* CSR: chain -> people */
  gint64        n_tracks, n_sessions, n_enrolments, n_attendance;
} Talent;

/* A party member working in an enterprise, not yet profiled, matching
 * @want (a MEM_* mask that must be set, with @joined_from..@joined_to), or
 * 0 after many tries. */
static gint64
talent_pick_member (Gen *g, GRand *r, guint8 *taken, guint8 want, guint8 want_not, gint64 joined_from, gint64 joined_to)
{
  for (int attempt = 0; attempt < 200000; attempt++)
    {
      gint64 m = between (r, 1, g->n_mem);

      if (taken[m - 1] || g->mem_ent[m - 1] == 0 || (g->mem_flags[m - 1] & want) != want || (g->mem_flags[m - 1] & want_not)
          || g->mem_joined[m - 1] < joined_from || g->mem_joined[m - 1] > joined_to)
        continue;
      taken[m - 1] = 1;
      return m;
    }
  return 0;
}

/* Who is profiled: first the technical experts that a track brought into
 * the party (their member records are the ones admission created), then
 * other party members, then people outside the party. */
static gint64
talent_plan_people (Gen *g, GRand *r, Talent *t, gint64 n_converted)
{
  guint8 *taken = g_new0 (guint8, g->n_mem);
  gint64 n_linked = t->n_people * 6 / 10, i = 0;

  t->people = g_new0 (TalentPerson, t->n_people);
  for (; i < n_converted; i++)
    {
      /* Probationary members (admitted within the year), or formal ones
       * admitted one to four years ago (probation over). */
      gint64 m = chance (r, 40) ? talent_pick_member (g, r, taken, MEM_EXPERT | MEM_PROBATIONARY, 0, 0, BENCH_TODAY - 30)
                                : talent_pick_member (g, r, taken, MEM_EXPERT, MEM_PROBATIONARY, BENCH_TODAY - 1400,
                                                      BENCH_TODAY - 400);
      if (m == 0)
        break;
      t->people[i] = (TalentPerson) { m, g->mem_ent[m - 1], TAG_EXPERT, 1, -1, -1 };
    }
  n_converted = i;
  for (; i < t->n_people; i++)
    {
      TalentPerson *p = &t->people[i];

      p->linked = -1;
      p->created = NOW_MIN - between (r, 10 * DAY_MIN, 1200 * DAY_MIN);
      if (i < n_linked && (p->member = talent_pick_member (g, r, taken, 0, 0, 0, G_MAXINT32)) != 0)
        {
          p->ent = g->mem_ent[p->member - 1];
          p->tags = ((g->mem_flags[p->member - 1] & MEM_EXPERT) ? TAG_EXPERT : 0) | (chance (r, 15) ? TAG_RESERVE : 0);
        }
      else
        {
          p->ent = (gint32) active_enterprise (g, r);
          p->tags = (chance (r, 70) ? TAG_EXPERT : 0) | (chance (r, 10) ? TAG_RESERVE : 0);
        }
    }
  g_free (taken);
  return n_converted;
}

static void
talent_stage (Gen *g, Talent *t, Walk *w, const char *event, const char *to, gint64 day, const char *reason)
{
  char data[48], on[16];

  if (day * DAY_MIN + 2 * HOUR_MIN > NOW_MIN)
    return;
  fmt_date (on, day);
  g_snprintf (data, sizeof data, "{\"on\":\"%s\"}", on);
  if (!walk_fire (w, day * DAY_MIN + 2 * HOUR_MIN, event, to, reason, data))
    return;
  sqlite3_bind_int64 (t->stage, 1, w->id);
  bind_text (t->stage, 2, to);
  bind_day (t->stage, 3, day);
  bind_ts (t->stage, 4, w->at);
  insert_row (g, t->stage);
}

static gboolean
talent_reached (Walk *w, const char *stage)
{
  return g_str_equal (w->state, stage);
}

/* The days an admitted expert reached each stage, back from the day the
 * member record says it joined: nominated, applicant, activist,
 * development target, probationary. */
static void
talent_admission_days (Gen *g, GRand *r, TalentPerson *p, gint64 days[5])
{
  days[4] = g->mem_joined[p->member - 1];
  days[3] = days[4] - between (r, 90, 200);
  days[2] = days[3] - between (r, 150, 300);
  days[1] = days[2] - between (r, 30, 120);
  days[0] = days[1] - between (r, 10, 60);
  p->created = days[0] * DAY_MIN - between (r, 10 * DAY_MIN, 100 * DAY_MIN);
}

/* Expert -> party member for an admitted expert: admission created the
 * member record (linked to the profile), confirmation a year later made
 * it formal. */
static void
talent_walk_admitted (Gen *g, GRand *r, Talent *t, Walk *w, TalentPerson *p, const gint64 days[5])
{
  talent_stage (g, t, w, "apply", "applicant", days[1], NULL);
  talent_stage (g, t, w, "make_activist", "activist", days[2], NULL);
  talent_stage (g, t, w, "make_development_target", "development_target", days[3], NULL);
  talent_stage (g, t, w, "admit", "probationary", days[4], NULL);
  p->linked = w->at;
  if (!(g->mem_flags[p->member - 1] & MEM_PROBATIONARY))
    talent_stage (g, t, w, "confirm_membership", "full_member", days[4] + 365 + between (r, 0, 20), NULL);
}

/* Expert -> party member for someone not admitted (yet): as far as the
 * dates go, paused (and resumed) or dropped now and then. */
static void
talent_walk_expert (GRand *r, Gen *g, Talent *t, Walk *w, gint64 nominated)
{
  static const char *const events[] = { "apply", "make_activist", "make_development_target" };
  static const char *const stages[] = { "applicant", "activist", "development_target" };
  static const char *const resumes[] = { "resume_applicant", "resume_activist", "resume_development_target" };
  static const int gaps[][2] = { { 10, 60 }, { 60, 200 }, { 150, 300 } };
  gint64 day = nominated;

  for (int k = 0; k < 3; k++)
    {
      day += between (r, gaps[k][0], gaps[k][1]);
      talent_stage (g, t, w, events[k], stages[k], day, NULL);
      if (!talent_reached (w, stages[k]))
        return;
      if (chance (r, 5))
        {
          day += between (r, 20, 90);
          talent_stage (g, t, w, "pause", "paused", day, "工作调动，暂缓培养");
          if (!talent_reached (w, "paused") || !chance (r, 40))
            return;
          day += between (r, 30, 120);
          talent_stage (g, t, w, resumes[k], stages[k], day, NULL);
          if (!talent_reached (w, stages[k]))
            return;
        }
      if (chance (r, 4))
        {
          talent_stage (g, t, w, "drop", "dropped", day + between (r, 20, 90), "本人意愿变化，终止培养");
          return;
        }
    }
}

/* Party member -> backbone: training, assessment, then confirmed (the
 * profile is tagged backbone) or not. */
static void
talent_walk_backbone (GRand *r, Gen *g, Talent *t, Walk *w, TalentPerson *p, gint64 nominated)
{
  gint64 day = nominated + between (r, 10, 60);

  talent_stage (g, t, w, "start_training", "in_training", day, NULL);
  day += between (r, 90, 200);
  talent_stage (g, t, w, "assess", "assessed", day, NULL);
  if (!talent_reached (w, "assessed"))
    return;
  day += between (r, 10, 30);
  if (chance (r, 70))
    {
      talent_stage (g, t, w, "confirm", "confirmed", day, NULL);
      if (talent_reached (w, "confirmed"))
        p->tags |= TAG_BACKBONE;
    }
  else
    talent_stage (g, t, w, "not_confirm", "not_confirmed", day, "考核未达到骨干标准");
}

static void
talent_write_track (Gen *g, GRand *r, Talent *t, gint64 person, gboolean to_member)
{
  TalentPerson *p = &t->people[person - 1];
  gint64 id = ++t->n_tracks, days[5], nominated;
  gint32 org = p->member ? g->mem_org[p->member - 1] : covering_org (g, p->ent);
  gboolean admitted = to_member && p->member;
  Walk w;

  if (org == 0)
    org = CHAIN_ORG (g->ent_chain[p->ent - 1]);
  p->tracked = 1;
  if (admitted)
    talent_admission_days (g, r, p, days);
  nominated = admitted ? days[0] : MAX (p->created / DAY_MIN + 1, BENCH_TODAY - between (r, 30, 1000));
  walk_init (&w, g, "talent/tracks", id, "nominated", nominated * DAY_MIN + 2 * HOUR_MIN);
  /* The stage it was nominated at, written when the track was created. */
  sqlite3_bind_int64 (t->stage, 1, id);
  bind_text (t->stage, 2, "nominated");
  bind_day (t->stage, 3, nominated);
  bind_ts (t->stage, 4, w.at);
  insert_row (g, t->stage);
  if (admitted)
    talent_walk_admitted (g, r, t, &w, p, days);
  else if (to_member)
    talent_walk_expert (r, g, t, &w, nominated);
  else
    talent_walk_backbone (r, g, t, &w, p, nominated);

  sqlite3_bind_int64 (t->track, 1, id);
  sqlite3_bind_int (t->track, 2, 1 + w.steps);
  bind_ts (t->track, 3, nominated * DAY_MIN + 2 * HOUR_MIN);
  bind_ts (t->track, 4, w.at);
  sqlite3_bind_int64 (t->track, 5, person);
  bind_text (t->track, 6, to_member ? "expert_to_member" : "member_to_backbone");
  sqlite3_bind_int (t->track, 7, org);
  bind_day (t->track, 8, nominated);
  bind_text (t->track, 9, to_member ? "技术骨干，政治素质好，本人有入党意愿" : "党员业务骨干，重点培养");
  bind_text (t->track, 10, w.state);
  insert_row (g, t->track);

  if (g->org_mem_count[org - 1] > 0)
    {
      gint64 mentor = g->org_mems[g->org_mem_first[org - 1] + g_rand_int_range (r, 0, g->org_mem_count[org - 1])];
      if (mentor != p->member)
        {
          sqlite3_bind_int64 (t->mentor, 1, id);
          sqlite3_bind_int64 (t->mentor, 2, mentor);
          insert_row (g, t->mentor);
        }
    }
  for (int k = 0, n = w.steps >= 2 ? (int) between (r, 1, 2) : 0; k < n; k++)
    {
      char who[64];

      g_snprintf (who, sizeof who, "%s党组织", k ? "上级" : "所在");
      sqlite3_bind_int64 (t->review, 1, id);
      sqlite3_bind_int (t->review, 2, k + 1);
      bind_day (t->review, 3, nominated + (w.at / DAY_MIN - nominated) * (k + 1) / (n + 1));
      bind_text (t->review, 4, who);
      bind_text (t->review, 5, talent_reached (&w, "not_confirmed") && k == n - 1 ? "fail"
                               : talent_review_results[g_rand_int_range (r, 0, 3)]);
      bind_text (t->review, 6, NULL);
      insert_row (g, t->review);
    }
}

/* A tenth of the profiles are on a track: half experts on the way into
 * the party (three in ten of them admitted already, their member records
 * being the core's), half party members on the way to backbone. */
static void
talent_write_tracks (Gen *g, GRand *r, Talent *t, gint64 n_converted)
{
  gint64 n = t->n_people / 10, to_member = n / 2;

  for (gint64 k = 0; k < n; k++)
    {
      gboolean expert = k < to_member;
      gint64 person = 0;

      if (k < n_converted)
        person = k + 1;
      else
        for (int attempt = 0; attempt < 1000 && person == 0; attempt++)
          {
            gint64 i = between (r, n_converted + 1, t->n_people);
            TalentPerson *p = &t->people[i - 1];
            if (!p->tracked && (expert ? p->member == 0 : p->member != 0))
              person = i;
          }
      if (person)
        talent_write_track (g, r, t, person, expert);
      progress ("talent tracks", k + 1, n);
    }
}

static void
talent_write_people (Gen *g, GRand *r, Talent *t)
{
  sqlite3_stmt *member = prep (g->db, "SELECT name, education, position FROM members WHERE id = ?1");

  for (gint64 i = 1; i <= t->n_people; i++)
    {
      TalentPerson *p = &t->people[i - 1];
      char name[64], education[32], position[256];
      int n_skills = (int) between (r, 1, 3), first_skill = g_rand_int_range (r, 0, G_N_ELEMENTS (talent_skills));

      /* A member's profile says what the member record says. */
      sqlite3_bind_int64 (member, 1, p->member);
      if (p->member && sqlite3_step (member) == SQLITE_ROW)
        {
          g_strlcpy (name, (const char *) sqlite3_column_text (member, 0), sizeof name);
          g_strlcpy (education, (const char *) sqlite3_column_text (member, 1), sizeof education);
          g_strlcpy (position, (const char *) sqlite3_column_text (member, 2), sizeof position);
        }
      else
        {
          person_name (r, name, sizeof name);
          g_strlcpy (education, educations[weighted (r, education_weights, 6)], sizeof education);
          g_strlcpy (position, PICK_SHARED (positions, g_rand_int (r)), sizeof position);
        }
      sqlite3_reset (member);
      sqlite3_bind_int64 (t->person, 1, i);
      sqlite3_bind_int (t->person, 2, p->linked >= 0 ? 2 : 1);
      bind_ts (t->person, 3, p->created);
      bind_ts (t->person, 4, p->linked >= 0 ? p->linked : p->created);
      bind_text (t->person, 5, name);
      sqlite3_bind_int (t->person, 6, p->ent);
      bind_id (t->person, 7, p->member);
      bind_text (t->person, 8, position);
      bind_text (t->person, 9, chance (r, 60) ? PICK (talent_titles, g_rand_int (r)) : NULL);
      bind_text (t->person, 10, education);
      insert_row (g, t->person);
      /* Skill tags after the profile: their trigger copies them into skill_text. */
      for (int k = 0; k < n_skills; k++)
        {
          sqlite3_bind_int64 (t->skill, 1, i);
          bind_text (t->skill, 2, talent_skills[(first_skill + 7 * k) % G_N_ELEMENTS (talent_skills)]);
          insert_row (g, t->skill);
        }
      for (int k = 0; k < 3; k++)
        if (p->tags & (1 << k))
          {
            static const char *const tags[] = { "technical_expert", "backbone", "reserve_cadre" };
            sqlite3_bind_int64 (t->tag, 1, i);
            bind_text (t->tag, 2, tags[k]);
            insert_row (g, t->tag);
          }
      progress ("talent people", i, t->n_people);
    }
  sqlite3_finalize (member);
}

/* The park's reserve pool (1), a reserve pool (2..61) and an expert pool
 * (62..121) per chain committee; reserve cadres and some experts in them. */
static void
talent_write_pools (Gen *g, GRand *r, Talent *t)
{
  static const char *const sources[] = { "组织推荐", "企业推荐", "个人自荐" };
  static const char *const statuses[] = { "active", "appointed", "removed" };
  static const int status_w[] = { 85, 10, 5 };
  gint64 entry = 0;

  for (int k = 0; k <= 2 * N_CHAINS; k++)
    {
      char name[300];
      int c = (k - 1) % N_CHAINS;

      if (k == 0)
        g_snprintf (name, sizeof name, "全省产业园区后备干部库");
      else
        g_snprintf (name, sizeof name, "%s产业链%s", chain_names[c], k <= N_CHAINS ? "后备人才库" : "技术专家库");
      sqlite3_bind_int (t->pool, 1, k + 1);
      bind_text (t->pool, 2, name);
      sqlite3_bind_int (t->pool, 3, k == 0 ? ROOT_ORG : CHAIN_ORG (c));
      bind_text (t->pool, 4, k <= N_CHAINS ? "reserve_cadre" : "technical_expert");
      insert_row (g, t->pool);
    }
  for (gint64 i = 1; i <= t->n_people; i++)
    {
      TalentPerson *p = &t->people[i - 1];
      int c = g->ent_chain[p->ent - 1];
      gint64 pools[3];
      int n = 0;

      if (p->tags & TAG_RESERVE)
        {
          pools[n++] = 2 + c;
          if (chance (r, 25))
            pools[n++] = 1;
        }
      if ((p->tags & TAG_EXPERT) && chance (r, 20))
        pools[n++] = 2 + N_CHAINS + c;
      for (int k = 0; k < n; k++)
        {
          gint64 added = MIN (BENCH_TODAY, MAX (p->created, p->linked) / DAY_MIN + between (r, 0, 200));

          sqlite3_bind_int64 (t->entry, 1, ++entry);
          bind_ts (t->entry, 2, added * DAY_MIN + 2 * HOUR_MIN);
          sqlite3_bind_int64 (t->entry, 3, pools[k]);
          sqlite3_bind_int64 (t->entry, 4, i);
          bind_day (t->entry, 5, added);
          bind_text (t->entry, 6, PICK (sources, g_rand_int (r)));
          bind_text (t->entry, 7, chance (r, 50) ? "政治素质好，业务能力强，群众基础好" : NULL);
          bind_text (t->entry, 8, statuses[weighted (r, status_w, 3)]);
          insert_row (g, t->entry);
        }
    }
}

typedef struct {
  gint64      id, person, created;
  gint64      seated;      /* when it was given a seat, or -1 */
  Walk        w;
  double      credited;
  int         diligence;   /* percent of sessions attended */
} TalentSeat;

/* Approves or promotes @s into a seat. */
static gboolean
talent_seat (TalentSeat *s, gint64 at, gboolean promote)
{
  if (!walk_fire (&s->w, at, promote ? "promote" : "approve", "approved", NULL, NULL))
    return FALSE;
  s->seated = s->w.at;
  return TRUE;
}

/* Enrolments of one programme: created before it starts, decided at once
 * (open) or by the organiser (approval) against the capacity, a few
 * withdrawn (the head of the waitlist taking the seat), all withdrawn if
 * the programme is cancelled. */
static int
talent_enrol (Gen *g, GRand *r, Talent *t, int c, gint64 opened, gint64 closes, gint64 decide_until, gint64 capacity,
              gboolean open_mode, TalentSeat *seats, int max)
{
  int n = (int) between (r, 8, MIN (30, max)), m = 0, approved = 0;
  gint64 decided = opened;

  if (t->chain_count[c] == 0 || closes <= opened)
    return 0;
  for (int k = 0; k < n; k++)
    {
      gint64 person = t->chain_people[t->chain_first[c] + g_rand_int_range (r, 0, t->chain_count[c])];
      gint64 created = opened + (closes - opened) * (k + 1) / (n + 2) + between (r, 0, 60);
      gboolean dup = FALSE, waiting = FALSE;
      TalentSeat *s;

      for (int q = 0; q < m; q++)
        dup |= seats[q].person == person;
      if (dup || created > NOW_MIN)
        continue;
      s = &seats[m++];
      *s = (TalentSeat) { ++t->n_enrolments, person, created, -1 };
      s->diligence = chance (r, 70) ? 95 : chance (r, 66) ? 75 : 40;
      walk_init (&s->w, g, "talent/enrolments", s->id, "applied", created);
      for (int q = 0; q < m - 1; q++)
        waiting |= g_str_equal (seats[q].w.state, "waitlisted");
      decided = MAX (decided, open_mode ? created : created + between (r, DAY_MIN, 3 * DAY_MIN));
      if (decided > decide_until)
        continue;               /* not decided (yet) */
      if (!open_mode && chance (r, 10))
        walk_fire (&s->w, decided, "reject", "rejected", "不符合报名条件", NULL);
      else if ((capacity == 0 || approved < capacity) && !waiting)
        approved += talent_seat (s, decided, FALSE);
      else
        walk_fire (&s->w, decided, "waitlist", "waitlisted", NULL, NULL);
    }
  /* A few withdraw before the start; a freed seat goes to the head of the
   * waitlist, first come first served. */
  for (int k = 0; k < m; k++)
    {
      TalentSeat *s = &seats[k];
      gboolean had_seat = g_str_equal (s->w.state, "approved");

      if (!chance (r, 8) || g_str_equal (s->w.state, "rejected") || decided >= closes)
        continue;
      decided += MAX (1, (closes - decided) / 4);
      if (!walk_fire (&s->w, decided, "withdraw", "withdrawn", NULL, NULL) || !had_seat)
        continue;
      for (int q = 0; q < m; q++)
        if (g_str_equal (seats[q].w.state, "waitlisted"))
          {
            talent_seat (&seats[q], decided, TRUE);
            break;
          }
    }
  return m;
}

static void
talent_write_sessions (Gen *g, GRand *r, Talent *t, gint64 programme, gint64 starts, gint64 ends, int n_sessions,
                       const int *hours, gint64 created, gboolean taken, TalentSeat *seats, int n_seats)
{
  static const char *const statuses[] = { "present", "late", "excused", "absent" };

  for (int k = 0; k < n_sessions; k++)
    {
      gint64 id = ++t->n_sessions, day = starts + (ends - starts) * k / MAX (1, n_sessions - 1);
      gint64 at = day * DAY_MIN + 90, end = at + hours[k] * HOUR_MIN;
      char instructor[96], who[32];

      person_name (r, who, sizeof who);
      g_snprintf (instructor, sizeof instructor, "%s %s%s", PICK (universities, g_rand_int (r)), who, PICK_SHARED (expert_titles, g_rand_int (r)));
      sqlite3_bind_int64 (t->session, 1, id);
      bind_ts (t->session, 2, created);
      sqlite3_bind_int64 (t->session, 3, programme);
      bind_text (t->session, 4, talent_session_titles[MIN (k, (int) G_N_ELEMENTS (talent_session_titles) - 1)]);
      bind_text (t->session, 5, instructor);
      bind_ts (t->session, 6, at);
      bind_ts (t->session, 7, end);
      bind_text (t->session, 8, "园区党群服务中心");
      sqlite3_bind_double (t->session, 9, hours[k]);
      sqlite3_bind_int (t->session, 10, k == 0 || chance (r, 40));
      insert_row (g, t->session);
      if (!taken || end > NOW_MIN)
        continue;
      /* The sign-in sheet: everyone holding a seat. */
      for (int q = 0; q < n_seats; q++)
        {
          TalentSeat *s = &seats[q];
          int status = chance (r, s->diligence) ? (chance (r, 90) ? 0 : 1) : (chance (r, 40) ? 2 : 3);

          if (!g_str_equal (s->w.state, "approved") || s->seated > at)
            continue;
          s->credited += status <= 1 ? hours[k] : 0;
          sqlite3_bind_int64 (t->attendance, 1, ++t->n_attendance);
          bind_ts (t->attendance, 2, end + 30);
          sqlite3_bind_int64 (t->attendance, 3, id);
          sqlite3_bind_int64 (t->attendance, 4, s->person);
          bind_text (t->attendance, 5, statuses[status]);
          sqlite3_bind_double (t->attendance, 6, status <= 1 ? hours[k] : 0);
          insert_row (g, t->attendance);
        }
    }
}

typedef struct {
  gint64   id, created, starts, ends, capacity;   /* starts, ends: days; capacity 0: unlimited */
  int      chain, kind;
  gint32   organizer;
  gboolean open_mode;
  double   required;
} TalentProgramme;

static void
talent_write_programme_row (Gen *g, GRand *r, Talent *t, const TalentProgramme *p, const Walk *w)
{
  int year, month, day;
  char name[300];

  civil (p->starts, &year, &month, &day);
  if (p->organizer == ROOT_ORG)
    g_snprintf (name, sizeof name, "%d年全省产业园区%s（第%" G_GINT64_FORMAT "期）", year, talent_kind_names[p->kind], p->id);
  else
    g_snprintf (name, sizeof name, "%d年%s产业链%s（第%" G_GINT64_FORMAT "期）", year, chain_names[p->chain],
                talent_kind_names[p->kind], p->id);
  sqlite3_bind_int64 (t->programme, 1, p->id);
  sqlite3_bind_int (t->programme, 2, 1 + w->steps);
  bind_ts (t->programme, 3, p->created);
  bind_ts (t->programme, 4, w->at);
  bind_text (t->programme, 5, name);
  sqlite3_bind_int (t->programme, 6, p->organizer);
  bind_text (t->programme, 7, talent_kinds[p->kind]);
  bind_day (t->programme, 8, p->starts);
  bind_day (t->programme, 9, p->ends);
  sqlite3_bind_double (t->programme, 10, p->required);
  bind_id (t->programme, 11, p->capacity);
  bind_text (t->programme, 12, p->open_mode ? "open" : "approval");
  bind_text (t->programme, 13, "围绕产业链发展需要，理论学习与现场教学相结合，培养懂技术、善管理的党员骨干和技术人才。");
  bind_text (t->programme, 14, w->state);
  insert_row (g, t->programme);
  sqlite3_bind_int64 (t->programme_chain, 1, p->id);
  sqlite3_bind_int (t->programme_chain, 2, p->chain + 1);
  insert_row (g, t->programme_chain);
  for (int k = 0, n = (int) between (r, 0, 3), first = g_rand_int_range (r, 0, G_N_ELEMENTS (universities)); k < n; k++)
    {
      sqlite3_bind_int64 (t->partner, 1, p->id);
      bind_text (t->partner, 2, universities[(first + 3 * k) % G_N_ELEMENTS (universities)]);
      insert_row (g, t->partner);
    }
}

static void
talent_write_enrolments (Gen *g, Talent *t, gint64 programme, const TalentSeat *seats, int n)
{
  for (int q = 0; q < n; q++)
    {
      sqlite3_bind_int64 (t->enrolment, 1, seats[q].id);
      sqlite3_bind_int (t->enrolment, 2, 1 + seats[q].w.steps);
      bind_ts (t->enrolment, 3, seats[q].created);
      bind_ts (t->enrolment, 4, seats[q].w.at);
      sqlite3_bind_int64 (t->enrolment, 5, programme);
      sqlite3_bind_int64 (t->enrolment, 6, seats[q].person);
      bind_text (t->enrolment, 7, seats[q].w.state);
      insert_row (g, t->enrolment);
    }
}

/* One programme: announced (draft), opened for enrolment a few weeks
 * before it starts (or cancelled before), run, finished the day after it
 * ends (every seat completed or not from the hours credited), archived
 * later now and then. */
static void
talent_write_programme (Gen *g, GRand *r, Talent *t, gint64 id)
{
  TalentProgramme p = { id };
  gint64 opened, cancelled = -1;
  gboolean cancel = chance (r, 4);
  int n_sessions = (int) between (r, 3, 8), hours[8], total = 0, n_seats = 0;
  TalentSeat seats[30];
  Walk w;

  p.chain = (int) ((id - 1) % N_CHAINS);
  p.kind = weighted (r, talent_kind_w, G_N_ELEMENTS (talent_kind_w));
  p.organizer = chance (r, 10) ? ROOT_ORG : CHAIN_ORG (p.chain);
  p.starts = BENCH_TODAY - 1100 + between (r, 0, 1190);
  p.ends = p.starts + between (r, 14, 120);
  opened = (p.starts - between (r, 14, 40)) * DAY_MIN + 2 * HOUR_MIN;
  p.created = MIN (opened - between (r, DAY_MIN, 10 * DAY_MIN), NOW_MIN - between (r, DAY_MIN, 30 * DAY_MIN));
  p.capacity = chance (r, 80) ? between (r, 10, 40) : 0;
  p.open_mode = chance (r, 70);
  for (int k = 0; k < n_sessions; k++)
    total += hours[k] = (int) between (r, 2, 4);
  p.required = (double) (int) (total * 0.7 * 2) / 2;

  walk_init (&w, g, "talent/programmes", id, "draft", p.created);
  if (walk_fire (&w, opened, "open", "open", NULL, NULL))
    {
      /* Enrolment runs until the start, or until the cancellation. */
      gint64 closes = MIN (p.starts * DAY_MIN, NOW_MIN);

      if (cancel)
        closes = MIN (closes, (cancelled = opened + between (r, DAY_MIN, 10 * DAY_MIN)) - 1);
      n_seats = talent_enrol (g, r, t, p.chain, opened, closes, cancel ? closes : NOW_MIN, p.capacity, p.open_mode,
                              seats, G_N_ELEMENTS (seats));
      if (cancel && walk_fire (&w, cancelled, "cancel", "cancelled", "报名人数不足，取消本期培训", NULL))
        {
          /* The waitlist first, so no seat given up is offered to anyone. */
          static const char *const order[] = { "waitlisted", "applied", "approved" };
          for (int o = 0; o < 3; o++)
            for (int q = 0; q < n_seats; q++)
              if (g_str_equal (seats[q].w.state, order[o]))
                walk_fire (&seats[q].w, cancelled, "withdraw", "withdrawn", "programme cancelled", NULL);
        }
      else if (!cancel)
        walk_fire (&w, p.starts * DAY_MIN + HOUR_MIN, "start", "in_progress", NULL, NULL);
    }
  talent_write_sessions (g, r, t, id, p.starts, p.ends, n_sessions, hours, p.created,
                         g_str_equal (w.state, "in_progress"), seats, n_seats);
  if (g_str_equal (w.state, "in_progress")
      && walk_fire (&w, (p.ends + 1) * DAY_MIN + 2 * HOUR_MIN, "finish", "finished", NULL, NULL))
    {
      for (int q = 0; q < n_seats; q++)
        if (g_str_equal (seats[q].w.state, "approved"))
          {
            gboolean met = seats[q].credited >= p.required - 1e-9;
            walk_fire (&seats[q].w, w.at, met ? "complete" : "mark_incomplete", met ? "completed" : "incomplete", NULL, NULL);
          }
      if (chance (r, 40))
        walk_fire (&w, w.at + between (r, 10 * DAY_MIN, 90 * DAY_MIN), "archive", "archived", NULL, NULL);
    }
  talent_write_enrolments (g, t, id, seats, n_seats);
  talent_write_programme_row (g, r, t, &p, &w);
}

/* The people planned, then their tracks, profiles and pools, then the
 * programmes. */
static void
talent_fill (Gen *g, GRand *r)
{
  Talent t = { 0 };
  gint64 n_programmes = scaled (g, 300, N_CHAINS), n_converted;
  gint32 *key;

  t.n_people = scaled (g, 50000, 100);
  n_converted = t.n_people / 10 / 2 * 3 / 10;
  t.person = prep (g->db, "INSERT INTO talent_people (id, version, created_at, updated_at, name, enterprise_id, member_id,"
                          " position, professional_title, education) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  t.skill = prep (g->db, "INSERT INTO talent_person_skills (person_id, skill) VALUES (?1, ?2)");
  t.tag = prep (g->db, "INSERT INTO talent_person_tags (person_id, tag) VALUES (?1, ?2)");
  t.track = prep (g->db, "INSERT INTO talent_tracks (id, version, created_at, updated_at, person_id, kind, org_id, nominated_on,"
                         " note, stage) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  t.stage = prep (g->db, "INSERT INTO talent_track_stages (track_id, stage, reached_on, at) VALUES (?1, ?2, ?3, ?4)");
  t.mentor = prep (g->db, "INSERT INTO talent_track_mentors (track_id, member_id) VALUES (?1, ?2)");
  t.review = prep (g->db, "INSERT INTO talent_track_reviews (track_id, seq, reviewed_on, reviewer, result, note)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  t.pool = prep (g->db, "INSERT INTO talent_pools (id, version, created_at, updated_at, name, org_id, kind, description)"
                        " VALUES (?1, 1, '2024-01-15T02:00:00Z', '2024-01-15T02:00:00Z', ?2, ?3, ?4, '按照组织推荐、民主测评、"
                        "考察审核的程序入库，实行动态管理')");
  t.entry = prep (g->db, "INSERT INTO talent_pool_entries (id, version, created_at, updated_at, pool_id, person_id, added_on,"
                         " source, evaluation, status) VALUES (?1, 1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  t.programme = prep (g->db, "INSERT INTO talent_programmes (id, version, created_at, updated_at, name, organizer_org_id, kind,"
                             " starts_on, ends_on, required_hours, capacity, enrolment_mode, description, state)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  t.programme_chain = prep (g->db, "INSERT INTO talent_programme_chains (programme_id, chain_id) VALUES (?1, ?2)");
  t.partner = prep (g->db, "INSERT INTO talent_programme_partners (programme_id, partner) VALUES (?1, ?2)");
  t.session = prep (g->db, "INSERT INTO talent_sessions (id, version, created_at, updated_at, programme_id, title, instructor,"
                           " starts_at, ends_at, location, hours, mandatory) VALUES (?1, 1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  t.enrolment = prep (g->db, "INSERT INTO talent_enrolments (id, version, created_at, updated_at, programme_id, person_id, state)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  t.attendance = prep (g->db, "INSERT INTO talent_attendance (id, version, created_at, updated_at, session_id, person_id, status,"
                              " credited_hours) VALUES (?1, 1, ?2, ?2, ?3, ?4, ?5, ?6)");

  n_converted = talent_plan_people (g, r, &t, n_converted);
  key = g_new (gint32, t.n_people);
  for (gint64 i = 0; i < t.n_people; i++)
    key[i] = g->ent_chain[t.people[i].ent - 1];
  csr_build (t.n_people, key, N_CHAINS, &t.chain_first, &t.chain_count, &t.chain_people);
  g_free (key);

  exec (g->db, "BEGIN");
  /* Tracks first: a confirmed backbone is tagged on the profile. */
  talent_write_tracks (g, r, &t, n_converted);
  talent_write_people (g, r, &t);
  talent_write_pools (g, r, &t);
  for (gint64 id = 1; id <= n_programmes; id++)
    {
      talent_write_programme (g, r, &t, id);
      progress ("talent programmes", id, n_programmes);
    }
  exec (g->db, "COMMIT");

  finalize_all (t.person, t.skill, t.tag, t.track, t.stage, t.mentor, t.review, t.pool, t.entry, t.programme,
                t.programme_chain, t.partner, t.session, t.enrolment, t.attendance, NULL);
  g_free (t.people);
  g_free (t.chain_first);
  g_free (t.chain_count);
  g_free (t.chain_people);
}

gboolean
gen_plugin_talent (Gen *g)
{
  static const char *const tables[] = {
    "talent_people", "talent_person_skills", "talent_person_tags", "talent_programmes", "talent_sessions",
    "talent_enrolments", "talent_attendance", "talent_tracks", "talent_track_stages", "talent_track_mentors",
    "talent_track_reviews", "talent_pools", "talent_pool_entries", NULL
  };

  return gen_plugin (g, "talent", tables, 12, talent_fill);
}
