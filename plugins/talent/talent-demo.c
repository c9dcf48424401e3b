/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The talent plugin's part of the demo park: deterministic (fixed dates,
 * no randomness).  A cross-border medicine training plan (彝药出海) with
 * sessions and attendance, a skills programme per chain, cultivation
 * tracks at every stage, and the park's reserve cadre pool of 210 people
 * of whom 175 (83.33 %) hold a junior college degree or above. */
#include "talent-private.h"

#include <string.h>

static const char *const surnames[] = { "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
                                        "马", "朱", "胡", "郭", "何", "罗", "高", "林", "普", "字", "鲁", "毕" };
static const char *const given[] = { "建华", "丽萍", "志强", "海燕", "文斌", "红梅", "国庆", "晓东", "玉兰", "明亮",
                                     "春雷", "秀英", "永平", "云飞", "德福", "雪梅", "俊杰", "美玲", "光荣", "天佑" };
/* 5 in 6 hold junior college or above: 175 of 210. */
static const char *const pool_education[] = { "junior_college", "bachelor", "junior_college", "master", "bachelor",
                                              "high_school" };
static const char *const titles[] = { "工程师", "高级工程师", "助理工程师", "主管药师", "技师", "高级技师" };

typedef struct {
  LjRequest *req;
  GArray    *enterprises;   /* covered enterprises, by id */
  GArray    *chain_ids;
  GArray    *chain_orgs;    /* committee org per chain */
} Demo;

static gint64
create (Demo *d, const char *resource, JsonObject *fields, GError **error)
{
  gint64 id = lj_resource_create (lj_request_get_resource (d->req, resource), d->req, fields, LJ_WRITE_AS_SYSTEM,
                                  error);

  if (id == 0)
    {
      g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), fields);
      g_autofree char *text = json_to_string (n, FALSE);

      g_warning ("talent demo: cannot create %s %s", resource, text);
    }
  return id;
}

static gboolean
fire (Demo *d, const char *resource, gint64 id, const char *event, const char *on, const char *reason, GError **error)
{
  g_autoptr (JsonObject) input = json_object_new ();

  if (on)
    json_object_set_string_member (input, "on", on);
  if (reason)
    json_object_set_string_member (input, "reason", reason);
  return lj_resource_fire (lj_request_get_resource (d->req, resource), d->req, id, event, input, LJ_FIRE_AS_SYSTEM,
                           error);
}

static gboolean
ids (Demo *d, const char *sql, GArray *a, GArray *b, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (d->req, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 x = sqlite3_column_int64 (lj_stmt_get (st), 0);
      g_array_append_val (a, x);
      if (b)
        {
          gint64 y = sqlite3_column_int64 (lj_stmt_get (st), 1);
          g_array_append_val (b, y);
        }
    }
  return rc == SQLITE_DONE;
}

static gint64
person (Demo *d, guint i, gint64 enterprise_id, const char *education, const char *tag, gint64 member_id,
        GError **error)
{
  g_autoptr (JsonObject) f = json_object_new ();
  g_autofree char *name = g_strconcat (surnames[i % G_N_ELEMENTS (surnames)],
                                       given[(i / G_N_ELEMENTS (surnames) + i) % G_N_ELEMENTS (given)], NULL);

  json_object_set_string_member (f, "name", name);
  if (enterprise_id)
    json_object_set_int_member (f, "enterprise_id", enterprise_id);
  if (member_id)
    json_object_set_int_member (f, "member_id", member_id);
  json_object_set_string_member (f, "education", education);
  json_object_set_string_member (f, "professional_title", titles[i % G_N_ELEMENTS (titles)]);
  json_object_set_string_member (f, "position", i % 3 == 0 ? "车间主任" : i % 3 == 1 ? "技术骨干" : "质量负责人");
  if (tag)
    {
      JsonArray *tags = json_array_new ();

      json_array_add_string_element (tags, tag);
      json_object_set_array_member (f, "tags", tags);
    }
  return create (d, "talent/people", f, error);
}

static gint64
programme (Demo *d, const char *name, gint64 org, const char *kind, gint64 chain_id, const char *starts,
           const char *ends, double required, gint64 capacity, const char *mode, const char *const *partners,
           GError **error)
{
  g_autoptr (JsonObject) f = json_object_new ();
  JsonArray *chains = json_array_new ();

  json_object_set_string_member (f, "name", name);
  json_object_set_int_member (f, "organizer_org_id", org);
  json_object_set_string_member (f, "kind", kind);
  json_array_add_int_element (chains, chain_id);
  json_object_set_array_member (f, "chain_ids", chains);
  if (partners)
    {
      JsonArray *list = json_array_new ();

      for (guint i = 0; partners[i]; i++)
        json_array_add_string_element (list, partners[i]);
      json_object_set_array_member (f, "partners", list);
    }
  json_object_set_string_member (f, "starts_on", starts);
  json_object_set_string_member (f, "ends_on", ends);
  json_object_set_double_member (f, "required_hours", required);
  json_object_set_int_member (f, "capacity", capacity);
  json_object_set_string_member (f, "enrolment_mode", mode);
  return create (d, "talent/programmes", f, error);
}

static gint64
session (Demo *d, gint64 programme_id, const char *title, const char *instructor, const char *starts_at, double hours,
         GError **error)
{
  g_autoptr (JsonObject) f = json_object_new ();

  json_object_set_int_member (f, "programme_id", programme_id);
  json_object_set_string_member (f, "title", title);
  json_object_set_string_member (f, "instructor", instructor);
  json_object_set_string_member (f, "starts_at", starts_at);
  json_object_set_double_member (f, "hours", hours);
  json_object_set_string_member (f, "location", "楚雄高新区党群服务中心");
  return create (d, "talent/sessions", f, error);
}

static gint64
enrol (Demo *d, gint64 programme_id, gint64 person_id, GError **error)
{
  g_autoptr (JsonObject) f = json_object_new ();

  json_object_set_int_member (f, "programme_id", programme_id);
  json_object_set_int_member (f, "person_id", person_id);
  return create (d, "talent/enrolments", f, error);
}

static gboolean
attend (Demo *d, gint64 session_id, gint64 person_id, const char *status, GError **error)
{
  g_autoptr (JsonObject) f = json_object_new ();

  json_object_set_int_member (f, "session_id", session_id);
  json_object_set_int_member (f, "person_id", person_id);
  json_object_set_string_member (f, "status", status);
  return create (d, "talent/attendance", f, error) != 0;
}

static const char *
status_for (guint person, guint session)
{
  guint k = (person * 7 + session * 3) % 10;

  return k == 0 ? "absent" : k == 1 ? "excused" : k == 2 ? "late" : "present";
}

/* Runs a programme: enrolments, start, sessions' attendance, finish. */
static gboolean
run_programme (Demo *d, gint64 pid, GArray *sessions, GArray *people, gboolean finish, gboolean approve,
               GError **error)
{
  g_autoptr (GArray) enrolments = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!fire (d, "talent/programmes", pid, "open", NULL, NULL, error))
    return FALSE;
  for (guint i = 0; i < people->len; i++)
    {
      gint64 e = enrol (d, pid, g_array_index (people, gint64, i), error);

      if (e == 0 || (approve && !fire (d, "talent/enrolments", e, "approve", NULL, NULL, error)))
        return FALSE;
      g_array_append_val (enrolments, e);
    }
  if (!fire (d, "talent/programmes", pid, "start", NULL, NULL, error))
    return FALSE;
  for (guint s = 0; s < sessions->len; s++)
    for (guint i = 0; i < people->len; i++)
      if (!attend (d, g_array_index (sessions, gint64, s), g_array_index (people, gint64, i), status_for (i, s), error))
        return FALSE;
  return !finish || fire (d, "talent/programmes", pid, "finish", NULL, NULL, error);
}

static gint64
track (Demo *d, gint64 person_id, const char *kind, gint64 org_id, const char *nominated_on, GError **error)
{
  g_autoptr (JsonObject) f = json_object_new ();

  json_object_set_int_member (f, "person_id", person_id);
  json_object_set_string_member (f, "kind", kind);
  json_object_set_int_member (f, "org_id", org_id);
  json_object_set_string_member (f, "nominated_on", nominated_on);
  return create (d, "talent/tracks", f, error);
}

static gboolean
walk (Demo *d, gint64 track_id, const char *const *events, const char *const *dates, GError **error)
{
  for (guint i = 0; events[i]; i++)
    {
      const char *reason = strcmp (events[i], "pause") == 0 ? "外派海外项目一年" :
                           strcmp (events[i], "drop") == 0 ? "本人申请退出" :
                           strcmp (events[i], "extend_probation") == 0 ? "预备期考察需延长" :
                           strcmp (events[i], "not_confirm") == 0 ? "考核未达标" : NULL;

      if (!fire (d, "talent/tracks", track_id, events[i], dates[i], reason, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean build_demo (LjRequest *req, GError **error);

gboolean
talent_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error)
{
  if (build_demo (req, error))
    return TRUE;
  g_warning ("talent demo: %s (%u field errors)", error && *error ? (*error)->message : "?",
             lj_request_get_n_field_errors (req));
  return FALSE;
}

static gboolean
build_demo (LjRequest *req, GError **error)
{
  static const char *const cross_partners[] = { "云南中医药大学", "楚雄医药高等专科学校", "云南省药物研究所", NULL };
  static const char *const cross_titles[] = { "彝药资源与质量标准", "东盟药品注册法规", "GMP 与国际认证",
                                              "跨境医药贸易实务", "彝药制剂工艺", "海外市场准入案例" };
  static const char *const expert_walk[] = { "apply", "make_activist", "make_development_target", "admit",
                                             "extend_probation", "confirm_membership", NULL };
  static const char *const expert_dates[] = { "2024-03-01", "2024-09-01", "2025-09-15", "2025-11-20", "2026-11-20",
                                              "2027-05-20" };
  static const char *const expert_target[] = { "nominated", "applicant", "activist", "development_target",
                                               "probationary", "probation_extended" };
  static const char *const backbone_walk[] = { "start_training", "assess", "confirm", NULL };
  static const char *const backbone_dates[] = { "2026-03-01", "2026-07-01", "2026-09-01" };
  g_autoptr (GArray) enterprises = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) chain_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) chain_orgs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) people = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) ent_orgs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) members = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) member_orgs = g_array_new (FALSE, FALSE, sizeof (gint64));
  Demo d = { req, enterprises, chain_ids, chain_orgs };
  gint64 root_org = 0, pool, cross;

  if (!ids (&d, "SELECT id, committee_org_id FROM chains WHERE committee_org_id IS NOT NULL ORDER BY id",
            chain_ids, chain_orgs, error) ||
      !ids (&d, "SELECT enterprise_id, min(org_id) FROM organization_enterprises GROUP BY enterprise_id "
            "ORDER BY enterprise_id", enterprises, ent_orgs, error) ||
      !ids (&d, "SELECT id, org_id FROM members WHERE status = 'formal' ORDER BY id LIMIT 5 OFFSET 20",
            members, member_orgs, error) ||
      !talent_sql_int (req, "SELECT id FROM organizations WHERE kind = 'working_committee' ORDER BY id LIMIT 1",
                       0, -1, &root_org, error))
    return FALSE;
  if (chain_ids->len == 0 || enterprises->len == 0 || root_org == 0)
    return TRUE;   /* no core demo park to build on */

  /* The reserve cadre pool: 210 people, 175 junior college or above. */
  {
    g_autoptr (JsonObject) f = json_object_new ();

    json_object_set_string_member (f, "name", "楚雄高新区后备干部库");
    json_object_set_int_member (f, "org_id", root_org);
    json_object_set_string_member (f, "kind", "reserve_cadre");
    json_object_set_string_member (f, "description", "园区“两新”组织后备干部人才库");
    if ((pool = create (&d, "talent/pools", f, error)) == 0)
      return FALSE;
  }
  for (guint i = 0; i < 210; i++)
    {
      g_autoptr (JsonObject) f = json_object_new ();
      gint64 p = person (&d, i, g_array_index (enterprises, gint64, i % enterprises->len),
                         pool_education[i % G_N_ELEMENTS (pool_education)],
                         i % 4 == 0 ? "technical_expert" : "reserve_cadre", 0, error);

      if (p == 0)
        return FALSE;
      g_array_append_val (people, p);
      json_object_set_int_member (f, "pool_id", pool);
      json_object_set_int_member (f, "person_id", p);
      json_object_set_string_member (f, "added_on", i < 120 ? "2025-06-30" : "2026-06-30");
      json_object_set_string_member (f, "source", i % 2 ? "企业推荐" : "产业链党委推荐");
      if (create (&d, "talent/pool_entries", f, error) == 0)
        return FALSE;
    }

  /* The cross-border medicine plan (彝药出海), on the first chain. */
  cross = programme (&d, "彝药出海跨境医药人才培训计划", g_array_index (chain_orgs, gint64, 0), "cross_border",
                     g_array_index (chain_ids, gint64, 0), "2026-03-01", "2026-06-30", 20, 30, "approval",
                     cross_partners, error);
  if (cross == 0)
    return FALSE;
  {
    g_autoptr (GArray) sessions = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GArray) who = g_array_new (FALSE, FALSE, sizeof (gint64));

    for (guint s = 0; s < G_N_ELEMENTS (cross_titles); s++)
      {
        g_autofree char *at = g_strdup_printf ("2026-%02u-%02uT01:30:00Z", 3 + s * 3 / 5, 6 + (s * 11) % 20);
        gint64 id = session (&d, cross, cross_titles[s], s % 2 ? "云南中医药大学 教授" : "省药物研究所 研究员", at, 4,
                             error);
        if (id == 0)
          return FALSE;
        g_array_append_val (sessions, id);
      }
    for (guint i = 0; i < 24; i++)
      g_array_append_val (who, g_array_index (people, gint64, i * 4));   /* the technical experts */
    if (!run_programme (&d, cross, sessions, who, TRUE, TRUE, error))
      return FALSE;
  }

  /* A skills programme per chain: finished on odd chains, running on even. */
  for (guint c = 0; c < chain_ids->len; c++)
    {
      g_autofree char *name = g_strdup_printf ("产业链技能提升班（第%u期）", c + 1);
      g_autoptr (GArray) sessions = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr (GArray) who = g_array_new (FALSE, FALSE, sizeof (gint64));
      gint64 pid = programme (&d, name, g_array_index (chain_orgs, gint64, c), "skills",
                              g_array_index (chain_ids, gint64, c), "2026-04-01", "2026-10-31", 8, 20, "open", NULL,
                              error);

      if (pid == 0)
        return FALSE;
      for (guint s = 0; s < 3; s++)
        {
          g_autofree char *at = g_strdup_printf ("2026-%02u-15T06:00:00Z", 5 + s);
          g_autofree char *title = g_strdup_printf ("技能实训第%u讲", s + 1);
          gint64 id = session (&d, pid, title, "园区实训基地讲师", at, 4, error);

          if (id == 0)
            return FALSE;
          g_array_append_val (sessions, id);
        }
      for (guint i = 0; i < 10; i++)
        g_array_append_val (who, g_array_index (people, gint64, 100 + c * 10 + i < people->len ? 100 + c * 10 + i : i));
      if (!run_programme (&d, pid, sessions, who, c % 2 == 0, FALSE, error))
        return FALSE;
    }

  /* Expert → member tracks at every stage, and the side exits. */
  for (guint t = 0; t < G_N_ELEMENTS (expert_target) + 2; t++)
    {
      guint pi = 1 + t * 4;   /* reserve cadres, never members yet */
      gint64 ent = g_array_index (enterprises, gint64, pi % enterprises->len);
      gint64 org = g_array_index (ent_orgs, gint64, pi % enterprises->len);
      gint64 tr = track (&d, g_array_index (people, gint64, pi), "expert_to_member", org, "2023-09-01", error);
      g_autofree char **evs = NULL;
      guint n;

      (void) ent;
      if (tr == 0)
        return FALSE;
      if (t < G_N_ELEMENTS (expert_target))
        n = t;
      else
        n = G_N_ELEMENTS (expert_walk) - 1;   /* t = 6: full member; t = 7: paused then dropped below */
      if (t == G_N_ELEMENTS (expert_target) + 1)
        n = 2;
      evs = g_new0 (char *, n + 1);
      for (guint k = 0; k < n; k++)
        evs[k] = (char *) (k == 4 && t == G_N_ELEMENTS (expert_target) ? "confirm_membership" : expert_walk[k]);
      if (t == G_N_ELEMENTS (expert_target))
        {
          evs[4] = (char *) "confirm_membership";
          evs[5] = NULL;
        }
      if (!walk (&d, tr, (const char *const *) evs, expert_dates, error))
        return FALSE;
      if (t == G_N_ELEMENTS (expert_target) + 1 &&
          (!fire (&d, "talent/tracks", tr, "pause", "2025-03-01", "外派海外项目一年", error) ||
           !fire (&d, "talent/tracks", tr, "drop", "2026-03-01", "本人申请退出", error)))
        return FALSE;
    }
  {
    /* One more paused (still paused). */
    gint64 org = g_array_index (ent_orgs, gint64, 41 % enterprises->len);
    gint64 tr = track (&d, g_array_index (people, gint64, 41), "expert_to_member", org, "2024-01-10", error);

    if (tr == 0 || !fire (&d, "talent/tracks", tr, "apply", "2024-02-01", NULL, error) ||
        !fire (&d, "talent/tracks", tr, "pause", "2025-05-01", "外派海外项目一年", error))
      return FALSE;
  }

  /* Member → backbone tracks, from existing party members. */
  for (guint t = 0; t < members->len; t++)
    {
      g_autoptr (JsonObject) f = NULL;
      gint64 p = person (&d, 300 + t, 0, "bachelor", NULL, g_array_index (members, gint64, t), error);
      gint64 tr;
      const char *evs[4] = { NULL };
      guint n = t < 4 ? t : 2;

      if (p == 0 || (tr = track (&d, p, "member_to_backbone", g_array_index (member_orgs, gint64, t), "2026-01-15",
                                 error)) == 0)
        return FALSE;
      for (guint k = 0; k < n; k++)
        evs[k] = backbone_walk[k];
      if (!walk (&d, tr, evs, backbone_dates, error))
        return FALSE;
      if (t == 4 && (!fire (&d, "talent/tracks", tr, "not_confirm", "2026-09-01", "考核未达标", error)))
        return FALSE;
      (void) f;
    }
  return TRUE;
}
