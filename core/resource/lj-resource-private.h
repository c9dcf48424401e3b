/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parsed form of a resource declaration, shared by the engine's files:
 * lj-resource.c (parse and bind), lj-resource-validate.c (request bodies),
 * lj-resource-query.c (list parameters to SQL), lj-resource-rows.c (rows to
 * JSON), lj-resource-handlers.c (the five routes), lj-openapi.c. */
#pragma once

#include "lianjian/lianjian.h"
#include "app/lj-app-private.h"
#include "json/lj-json-writer.h"

G_BEGIN_DECLS

typedef enum {
  LJ_FIELD_STRING,
  LJ_FIELD_INTEGER,
  LJ_FIELD_NUMBER,
  LJ_FIELD_BOOLEAN,
  LJ_FIELD_DATE,
  LJ_FIELD_DATETIME,
  LJ_FIELD_JSON,       /* derived, computed by SQL as JSON text */
  LJ_FIELD_LINK,       /* array stored in a link table */
} LjFieldType;

typedef struct _LjField LjField;
struct _LjField {
  char        *name;
  LjFieldType  type;
  gboolean     required;
  gboolean     read_only;
  gboolean     is_private;
  gboolean     filterable;
  gboolean     unique;
  gboolean     detail_only;
  gboolean     unique_items;
  char       **enum_values;
  gint64       min_length;   /* characters; -1 when not declared */
  gint64       max_length;
  gboolean     has_minimum;
  gboolean     has_maximum;
  double       minimum;
  double       maximum;
  GRegex      *pattern;
  char        *ref;          /* name of the referenced resource */
  LjResource  *ref_resource; /* set by lj_resource_bind (); borrowed */
  char        *check;
  LjCheckFunc  check_func;
  char        *sql;          /* derived fields: an SQL expression over `t` */
  JsonNode    *default_value;
  /* LJ_FIELD_LINK */
  char        *link_table;
  char        *link_owner;
  char        *link_key;
  LjField     *item;         /* items that are plain values: stored in link_key */
  GPtrArray   *item_fields;  /* items that are objects: one column per property */
  guint        max_items;
};

/* A filter's link table, which a filtered page can be read from in index
 * order (x-lj-drive): rows of @table with @key = the filter's value, one
 * per owner (@owner is the resource's id), carrying copies of sort fields
 * (field name -> column) kept by the schema's triggers. */
typedef struct {
  char        *table;
  char        *key;
  char        *owner;
  GHashTable  *sorts;   /* field name -> column of @table */
} LjFilterDrive;

typedef struct {
  char          *name;
  LjFieldType    type;
  char          *sql;
  char          *description;
  guint          n_params;
  LjFilterDrive *drive;   /* or NULL */
} LjFilter;

typedef struct {
  char *table;
  char *column;
  char *label;
} LjReferencedBy;

struct _LjResource {
  gatomicrefcount ref;
  char        *name;
  char        *table;
  char        *title;
  char        *description;
  GPtrArray   *fields;        /* LjField*, declaration order */
  GHashTable  *field_map;     /* name -> LjField* */
  char       **sortable;
  char        *search_table;
  char       **search_fields;
  GPtrArray   *filters;       /* LjFilter* */
  char        *owner_sql;
  GPtrArray   *referenced_by; /* LjReferencedBy* */
  JsonNode    *doc;
  LjResourceValidateFunc validate;
  gpointer     validate_data;
  GDestroyNotify validate_destroy;
  LjApp       *app;
  char        *plugin;        /* the owning plugin, or NULL for the core */
  char        *short_name;    /* x-lj-name as declared */
  char        *event_prefix;  /* `enterprise`, `problem-board.problem` */
  char        *write_roles;   /* x-lj-write: "admin" makes it admin-only */
  char        *visible_sql;   /* x-lj-visible: who may see a record, SQL over t */
  char        *scope_sql;     /* derived: lj_in_scope over the owner, SQL over t */
  gpointer     state_machine; /* core/workflow, or NULL */
  GDestroyNotify state_machine_free;
  char        *select_list;   /* columns for list pages */
  char        *select_detail; /* columns for one record */
};

/* The columns first in every select list: id, version, created_at,
 * updated_at, and whether the caller's scope holds the record. */
#define LJ_RESOURCE_SYSTEM_COLUMNS 5

gboolean    lj_resource_bind (LjResource *resource, LjApp *app, GError **error);
gboolean    lj_resource_resolve_refs (LjResource *resource, LjApp *app, GError **error);
gboolean    lj_resource_probe (LjResource *resource, LjStore *store, GError **error);
gboolean    lj_resource_add_routes (LjResource *resource, LjApp *app, const char *owner, GError **error);
/* Makes @resource a plugin's: `<plugin>/<x-lj-name>`, table prefix checked. */
gboolean    lj_resource_set_plugin (LjResource *resource, const char *plugin, GError **error);
LjField    *lj_resource_get_field (LjResource *resource, const char *name);
gboolean    lj_field_is_stored (const LjField *field);
gboolean    lj_resource_is_system_field (const char *name);
/* `enterprise.created`-style event names start with this. */
const char *lj_resource_get_event_prefix (LjResource *resource);
/* Whether the caller may write record @id (exists, visible, in scope):
 * FALSE with 404 when not visible, 403 when visible but out of scope. */
gboolean    lj_resource_check_write_scope (LjResource *resource, LjRequest *req, gint64 id, GError **error);

/* lj-resource-validate.c */
JsonObject *lj_resource_validate_input (LjResource *resource, LjRequest *req, JsonObject *input,
                                        gint64 id, gboolean creating, GError **error);
gboolean    lj_resource_check_ref (LjResource *target, LjRequest *req, gint64 id, const char *path, GError **error);
void        lj_resource_bind_node (sqlite3_stmt *stmt, int idx, JsonNode *node);

/* lj-resource-rows.c */
typedef enum {
  LJ_ROWS_LIST = 0,
  LJ_ROWS_DETAIL = 1 << 0,
  LJ_ROWS_PRIVATE = 1 << 1,
} LjRowsFlags;

typedef struct {
  guint     count;
  gboolean  more;
  gint64    last_id;
  gint64    last_version;
  JsonNode *last_sort;   /* the sort column's value in the last row, or NULL */
} LjRowsResult;

gboolean    lj_resource_write_rows (LjResource *resource, LjStore *store, sqlite3_stmt *stmt,
                                    guint limit, int sort_col, LjRowsFlags flags, LjJsonWriter *w,
                                    LjRowsResult *result, GError **error);
char       *lj_resource_read_record (LjResource *resource, LjRequest *req, gint64 id, LjRowsFlags flags,
                                     gint64 *version, GError **error);
JsonObject *lj_resource_load_current (LjResource *resource, LjRequest *req, gint64 id, gint64 *version,
                                      GError **error);

/* lj-resource-query.c */
typedef struct _LjListQuery LjListQuery;
LjListQuery *lj_list_query_parse (LjResource *resource, LjRequest *req, GError **error);
void         lj_list_query_free (LjListQuery *q);
gboolean     lj_list_query_run (LjListQuery *q, LjRequest *req, LjJsonWriter *w, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjListQuery, lj_list_query_free)

/* lj-openapi.c */
void        lj_openapi_add_routes (LjApp *app);
char       *lj_openapi_build (LjApp *app, gsize *len);
void        lj_resource_write_schema (LjResource *resource, LjJsonWriter *w, gboolean for_input);

G_END_DECLS
