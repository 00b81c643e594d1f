/* lw_store_facts: one document and its facts into the SQLite store. Every fact is a row of
 * the generic facts table (kind, rule, where it is, its text) and, for the kinds that have
 * one, of a typed table: which table, which columns, and the JSON key or function that gives
 * each column is the one table fact_tables below, read by one bind loop. What no column
 * holds goes to facts.rest (lw_store_codec): the fact's JSON is stored once, in the columns,
 * and rebuilt when asked for (schema 7). A new kind or column is a row there, a column in
 * schema.sql and a slot in lw_store_codec.c. */
#define _GNU_SOURCE
#include "lw_store_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_store_codec.h"
#include "lw_oom.h"
#include "lw_store_backend.h"
#include "lw_store_text.h"

/* What gives a typed column its value: the fact's (or unit's) key as stored, or a function
 * of the fact. */
typedef enum {
    V_KEY,       /* the key's value as is (text, integer, real, boolean), NULL when absent */
    V_FOLD,      /* the key's text folded (lw_store_fold): the lookup keys */
    V_TRUE,      /* 1 when the key is true, else 0 */
    V_SPAN0,     /* the first byte of span */
    V_JOIN,      /* a key holding an array of names: joined with "; " */
    V_DUTY_UNIT, /* a deadline: the lead units of the duty carrying it (duty_unit) */
    V_NEARBY,    /* a deadline: the agency named closest before it (nearby_agency) */
    V_DL_QUAL,   /* a duty: its deadline's qualifier, "recurring" for an undated time frame */
    V_DL_TEXT    /* a duty: its deadline's words, or the time frame's */
} col_src;

typedef struct {
    const char *column;
    col_src src;
    const char *key; /* "deadline.from": key from of the object under key deadline */
} col_map;

/* Columns of a typed table at most (fact_id and doc_id come first, always). */
#define LW_FACT_COLS_MAX 16

typedef struct {
    const char *kind;  /* the fact's kind */
    const char *table;
    const char *each;  /* NULL: one row per fact; else one row per object of this array */
    const char *needs; /* with each: objects without this text key are left out */
    col_map cols[LW_FACT_COLS_MAX];
} fact_table;

static const fact_table fact_tables[] = {
    {"legal_ref", "legal_refs", NULL, NULL,
     {{"type", V_KEY, "type"}, {"number", V_KEY, "number"}, {"year", V_KEY, "year"}, {"symbol", V_KEY, "symbol"},
      {"cited_id", V_KEY, "id"}, {"cited_key", V_FOLD, "id"}, {"title", V_KEY, "title"},
      {"cited_date", V_KEY, "date"}, {"pinpoint", V_KEY, "pinpoint"}, {"year_mismatch", V_TRUE, "year_mismatch"},
      {"line", V_KEY, "line"}, {"span_start", V_SPAN0, NULL}, {"text", V_KEY, "text"}, {"page", V_KEY, "page"}}},
    {"deadline", "deadlines", NULL, NULL,
     {{"date_from", V_KEY, "from"}, {"date_to", V_KEY, "to"}, {"precision", V_KEY, "precision"},
      {"qualifier", V_KEY, "qualifier"}, {"unit", V_DUTY_UNIT, NULL}, {"nearby_agency", V_NEARBY, NULL}}},
    {"agency", "agencies", NULL, NULL,
     {{"name", V_KEY, "name"}, {"level", V_KEY, "level"}, {"province", V_KEY, "province"}, {"role", V_KEY, "role"}}},
    {"relation", "relations", NULL, NULL, {{"type", V_KEY, "type"}, {"from_id", V_KEY, "from"}, {"to_id", V_KEY, "to"}}},
    {"date", "dates", NULL, NULL, {{"value", V_KEY, "value"}}},
    {"duty", "duties", NULL, NULL,
     {{"activity", V_KEY, "activity"}, {"topic", V_KEY, "topic"}, {"section", V_KEY, "section"},
      {"source", V_KEY, "source"}, {"lead", V_JOIN, "lead"}, {"partners", V_JOIN, "partners"},
      {"output", V_KEY, "output"}, {"date_from", V_KEY, "deadline.from"}, {"date_to", V_KEY, "deadline.to"},
      {"precision", V_KEY, "deadline.precision"}, {"qualifier", V_DL_QUAL, NULL}, {"deadline_text", V_DL_TEXT, NULL},
      {"deadline_line", V_KEY, "deadline.line"}, {"line", V_KEY, "line"}, {"span_start", V_SPAN0, NULL},
      {"page", V_KEY, "page"}}},
    /* after duties: a unit row names its duty */
    {"duty", "duty_units", "units", "name",
     {{"role", V_KEY, "role"}, {"name", V_KEY, "name"}, {"name_key", V_FOLD, "name"}, {"level", V_KEY, "level"},
      {"line", V_KEY, "line"}}},
};
#define N_FACT_TABLES (sizeof fact_tables / sizeof *fact_tables)
_Static_assert(N_FACT_TABLES <= LW_STORE_FACT_STMTS, "one statement slot per typed table");

/* What a column function may need besides the object: the document's facts. */
typedef struct {
    json_t *facts;       /* the record's facts array */
    size_t k;            /* index of the fact */
    json_t *const *duties; /* its duty facts (a short list, not all facts) */
    size_t nduties;
} fact_ctx;

/* obj's value at key, one "a.b" level deep; borrowed or NULL. */
static json_t *value_at(json_t *obj, const char *key)
{
    const char *dot = strchr(key, '.');
    if (!dot)
        return json_object_get(obj, key);
    char head[32];
    if ((size_t)(dot - key) >= sizeof head)
        return NULL;
    memcpy(head, key, (size_t)(dot - key));
    head[dot - key] = '\0';
    return json_object_get(json_object_get(obj, head), dot + 1);
}

/* Binds a copy of text. A bind that could not copy leaves the parameter NULL: noted
 * (lw_oom), and lw_sqlite_put then rolls the document back rather than store a NULL. */
static void bind_copy(sqlite3_stmt *st, int i, const char *text)
{
    if (sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        lw_oom_note();
}

static void bind_value(sqlite3_stmt *st, int i, json_t *v)
{
    if (json_is_string(v))
        bind_copy(st, i, json_string_value(v));
    else if (json_is_integer(v))
        sqlite3_bind_int64(st, i, json_integer_value(v));
    else if (json_is_real(v))
        sqlite3_bind_double(st, i, json_real_value(v));
    else if (json_is_true(v) || json_is_false(v))
        sqlite3_bind_int(st, i, json_is_true(v));
    else
        sqlite3_bind_null(st, i);
}

static void bind_js(sqlite3_stmt *st, int i, json_t *obj, const char *key) { bind_value(st, i, json_object_get(obj, key)); }

/* Binds s (owned, taken over) or NULL. */
static void bind_owned(sqlite3_stmt *st, int i, char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, free);
    else
        sqlite3_bind_null(st, i);
}

/* s folded (owned) into *out, NULL for NULL; -1 when out of memory. */
static int fold_into(const char *s, char **out)
{
    *out = s ? lw_store_fold(s) : NULL;
    return s && !*out ? -1 : 0;
}

/* Lead unit(s) of the duty whose deadline is this deadline (same line and end), joined
 * with ", ", into *out (owned, NULL when no duty names them); -1 when out of memory. */
static int duty_unit(const fact_ctx *c, json_t *deadline, char **out)
{
    *out = NULL;
    const char *to = json_string_value(json_object_get(deadline, "to"));
    json_int_t line = json_integer_value(json_object_get(deadline, "line"));
    if (!to)
        return 0;
    for (size_t i = 0; i < c->nduties; i++) {
        json_t *dl = json_object_get(c->duties[i], "deadline");
        const char *dto = json_string_value(json_object_get(dl, "to"));
        if (!dto || strcmp(dto, to) || json_integer_value(json_object_get(dl, "line")) != line)
            continue;
        lw_buf b = {0};
        size_t j;
        json_t *name;
        json_array_foreach(json_object_get(c->duties[i], "lead"), j, name) {
            if (json_is_string(name) && lw_buf_printf(&b, "%s%s", b.len ? ", " : "", json_string_value(name))) {
                lw_buf_free(&b);
                return -1;
            }
        }
        if (b.len)
            return (*out = lw_buf_detach(&b, NULL)) ? 0 : -1;
        lw_buf_free(&b);
    }
    return 0;
}

/* The agency named closest before fact k, at most LW_NEARBY_LINES lines before and
 * LW_NEARBY_FACTS facts back (a one-line document has every fact on line 1); borrowed or
 * NULL. */
#define LW_NEARBY_LINES 6
#define LW_NEARBY_FACTS 64
static const char *nearby_agency(const fact_ctx *c)
{
    json_t *dl = json_array_get(c->facts, c->k);
    json_int_t line = json_integer_value(json_object_get(dl, "line"));
    for (size_t i = c->k; i-- > 0 && c->k - i <= LW_NEARBY_FACTS;) {
        json_t *f = json_array_get(c->facts, i);
        json_int_t fl = json_integer_value(json_object_get(f, "line"));
        if (fl + LW_NEARBY_LINES < line)
            break;
        const char *kind = json_string_value(json_object_get(f, "kind"));
        if (kind && !strcmp(kind, "agency") && json_is_string(json_object_get(f, "name")))
            return json_string_value(json_object_get(f, "name"));
    }
    return NULL;
}

/* The strings of a JSON array joined with "; " into *out (owned, NULL when none); -1 when
 * out of memory. */
static int joined(json_t *arr, char **out)
{
    lw_buf b = {0};
    size_t i;
    json_t *v;
    *out = NULL;
    json_array_foreach(arr, i, v) {
        if (json_is_string(v) && lw_buf_printf(&b, "%s%s", b.len ? "; " : "", json_string_value(v))) {
            lw_buf_free(&b);
            return -1;
        }
    }
    if (!b.len) {
        lw_buf_free(&b);
        return 0;
    }
    return (*out = lw_buf_detach(&b, NULL)) ? 0 : -1;
}

/* Column c's value for obj (the fact, or one object of its each-array) into *v: the one
 * mapping of a fact to typed columns, whatever the back end (issue 21: lw_fact_typed_rows
 * gives PostgreSQL the same values SQLite binds). -1 when out of memory. */
static int column_value(const col_map *c, json_t *obj, const fact_ctx *x, lw_fact_value *v)
{
    memset(v, 0, sizeof *v);
    char *owned = NULL;
    int rc = 0;
    json_t *dl = json_object_get(obj, "deadline"), *j = NULL;
    switch (c->src) {
    case V_KEY: j = value_at(obj, c->key); break;
    case V_TRUE:
        v->type = LW_FV_INT;
        v->i = json_is_true(value_at(obj, c->key));
        return 0;
    case V_SPAN0: {
        json_t *span = json_object_get(obj, "span");
        if (json_array_size(span) == 2) {
            v->type = LW_FV_INT;
            v->i = json_integer_value(json_array_get(span, 0));
        }
        return 0;
    }
    case V_NEARBY: {
        const char *near = nearby_agency(x);
        if (near) {
            v->type = LW_FV_TEXT;
            v->text = near;
        }
        return 0;
    }
    case V_DL_QUAL:
        /* an undated time frame ("Thực hiện thường xuyên"): its words, no date to miss */
        if (json_is_object(dl))
            j = json_object_get(dl, "qualifier");
        else if (json_is_string(json_object_get(obj, "recurring"))) {
            v->type = LW_FV_TEXT;
            v->text = "recurring";
            return 0;
        }
        break;
    case V_DL_TEXT:
        if (json_is_object(dl))
            j = json_object_get(dl, "text");
        else if (json_is_string(json_object_get(obj, "recurring")))
            j = json_object_get(obj, "recurring");
        break;
    case V_FOLD: rc = fold_into(json_string_value(value_at(obj, c->key)), &owned); break;
    case V_JOIN: rc = joined(value_at(obj, c->key), &owned); break;
    case V_DUTY_UNIT: rc = duty_unit(x, obj, &owned); break;
    }
    if (rc)
        return -1;
    if (owned) {
        v->type = LW_FV_TEXT;
        v->text = v->owned = owned;
    } else if (json_is_string(j)) {
        v->type = LW_FV_TEXT;
        v->text = json_string_value(j);
    } else if (json_is_integer(j)) {
        v->type = LW_FV_INT;
        v->i = json_integer_value(j);
    } else if (json_is_real(j)) {
        v->type = LW_FV_REAL;
        v->d = json_real_value(j);
    } else if (json_is_true(j) || json_is_false(j)) {
        v->type = LW_FV_INT;
        v->i = json_is_true(j);
    }
    return 0;
}

/* Binds column c of obj at parameter i (column_value's value). -1 when out of memory. */
size_t lw_fact_table_count(void) { return N_FACT_TABLES; }

const char *lw_fact_table_name(size_t t) { return t < N_FACT_TABLES ? fact_tables[t].table : NULL; }

const char *lw_fact_table_column(size_t t, size_t c)
{
    return t < N_FACT_TABLES && c < LW_FACT_COLS_MAX ? fact_tables[t].cols[c].column : NULL;
}

/* The typed rows of fact x->k, each handed to row (lw_fact_typed_rows' contract): the one walk
 * over the table of typed tables, for both back ends. */
static int each_typed_row(const fact_ctx *x, int (*row)(void *ud, size_t t, const lw_fact_value *vals, size_t n),
                          void *ud)
{
    json_t *f = json_array_get(x->facts, x->k);
    const char *kind = json_string_value(json_object_get(f, "kind"));
    lw_fact_value vals[LW_FACT_COLS_MAX];
    for (size_t t = 0; kind && t < N_FACT_TABLES; t++) {
        const fact_table *ft = &fact_tables[t];
        if (strcmp(ft->kind, kind))
            continue;
        json_t *rows = ft->each ? json_object_get(f, ft->each) : NULL;
        size_t nrows = ft->each ? json_array_size(rows) : 1;
        for (size_t r = 0; r < nrows; r++) {
            json_t *obj = ft->each ? json_array_get(rows, r) : f;
            if (ft->needs && !json_is_string(json_object_get(obj, ft->needs)))
                continue;
            size_t n = 0;
            int rc = 0;
            for (; n < LW_FACT_COLS_MAX && ft->cols[n].column && !rc; n++)
                rc = column_value(&ft->cols[n], obj, x, &vals[n]);
            if (!rc) /* a failed value owns nothing: every vals[0..n) may be freed */
                rc = row(ud, t, vals, n);
            for (size_t c = 0; c < n; c++)
                free(vals[c].owned);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int lw_fact_typed_rows(json_t *facts, size_t k, json_t *const *duties, size_t nduties,
                       int (*row)(void *ud, size_t t, const lw_fact_value *vals, size_t n), void *ud)
{
    fact_ctx x = {facts, k, duties, nduties};
    return each_typed_row(&x, row, ud);
}

/* The INSERT of typed table t, prepared once per connection; borrowed, NULL on failure. */
static sqlite3_stmt *insert_stmt(lw_sqlite *s, size_t t)
{
    const fact_table *ft = &fact_tables[t];
    if (s->fact_ins[t])
        return lw_sqlite_stmt_sql(s, &s->fact_ins[t], NULL);
    sqlite3_str *q = sqlite3_str_new(s->db);
    sqlite3_str_appendf(q, "INSERT INTO %s(fact_id, doc_id", ft->table);
    size_t n = 0;
    for (; n < LW_FACT_COLS_MAX && ft->cols[n].column; n++)
        sqlite3_str_appendf(q, ", %s", ft->cols[n].column);
    sqlite3_str_appendall(q, ") VALUES (?1, ?2");
    for (size_t i = 0; i < n; i++)
        sqlite3_str_appendf(q, ", ?%d", (int)i + 3);
    sqlite3_str_appendall(q, ")");
    char *sql = sqlite3_str_finish(q);
    if (!sql)
        lw_oom_note(); /* the document is not stored, for want of memory (lw_sqlite_put) */
    sqlite3_stmt *st = sql ? lw_sqlite_stmt_sql(s, &s->fact_ins[t], sql) : NULL;
    sqlite3_free(sql);
    return st;
}

/* Where put_typed's rows go: the connection, the fact and its document. */
typedef struct {
    lw_sqlite *s;
    sqlite3_int64 doc_id, fid;
} typed_put;

/* INSERTs one typed row; 1 on a database error (each_typed_row's own -1 is out of memory). */
static int insert_typed(void *ud, size_t t, const lw_fact_value *vals, size_t n)
{
    typed_put *p = ud;
    sqlite3_stmt *st = insert_stmt(p->s, t);
    if (!st)
        return 1;
    sqlite3_bind_int64(st, 1, p->fid);
    sqlite3_bind_int64(st, 2, p->doc_id);
    for (size_t c = 0; c < n; c++) {
        int i = (int)c + 3;
        switch (vals[c].type) {
        case LW_FV_NULL: sqlite3_bind_null(st, i); break;
        case LW_FV_INT: sqlite3_bind_int64(st, i, vals[c].i); break;
        case LW_FV_REAL: sqlite3_bind_double(st, i, vals[c].d); break;
        case LW_FV_TEXT: bind_copy(st, i, vals[c].text); break;
        }
    }
    return lw_sqlite_run(st) ? 1 : 0;
}

/* The typed rows of fact k (fid, of document doc_id). -1 on failure, -2 out of memory. */
static int put_typed(lw_sqlite *s, sqlite3_int64 doc_id, sqlite3_int64 fid, const fact_ctx *x)
{
    typed_put p = {s, doc_id, fid};
    int rc = each_typed_row(x, insert_typed, &p);
    return rc == 0 ? 0 : rc == 1 ? -1 : -2;
}

/* Fact k's row of facts (its remainder, lw_codec_rest) and its typed rows. -1 on a database
 * error, -2 out of memory. */
static int put_fact(lw_sqlite *s, sqlite3_int64 doc_id, const fact_ctx *x)
{
    json_t *f = json_array_get(x->facts, x->k);
    const char *kind = json_string_value(json_object_get(f, "kind"));
    char *rest = NULL;
    if (lw_codec_rest(f, &rest, NULL))
        return -2;
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_INS_FACT);
    if (!st || !kind) {
        free(rest);
        return -1;
    }
    json_t *span = json_object_get(f, "span");
    sqlite3_bind_int64(st, 1, doc_id);
    bind_js(st, 2, f, "kind");
    bind_js(st, 3, f, "rule");
    bind_js(st, 4, f, "line");
    if (json_array_size(span) == 2) {
        sqlite3_bind_int64(st, 5, json_integer_value(json_array_get(span, 0)));
        sqlite3_bind_int64(st, 6, json_integer_value(json_array_get(span, 1)));
    }
    bind_js(st, 7, f, "text");
    bind_owned(st, 8, rest);
    /* where a fact of a PDF, image or Word file is (schema 6): absent for plain text */
    bind_js(st, 9, f, "page");
    bind_js(st, 10, f, "paragraph");
    bind_js(st, 11, f, "ocr_conf");
    if (lw_sqlite_run(st))
        return -1;
    return put_typed(s, doc_id, sqlite3_last_insert_rowid(s->db), x);
}

/* The DELETE of a document's rows in typed table t (the first entry of each table): by its
 * facts' ids (facts_doc, then the primary key) where a table has a row per fact, so that it
 * needs no index on doc_id of its own (schema 7); duty_units (a row per unit) by doc_id. */
static sqlite3_stmt *delete_stmt(lw_sqlite *s, size_t t)
{
    if (s->fact_del[t])
        return lw_sqlite_stmt_sql(s, &s->fact_del[t], NULL);
    char *sql = sqlite3_mprintf(fact_tables[t].each ? "DELETE FROM %s WHERE doc_id = ?1"
                                                    : "DELETE FROM %s WHERE fact_id IN (SELECT id FROM facts WHERE doc_id = ?1)",
                                fact_tables[t].table);
    sqlite3_stmt *st = sql ? lw_sqlite_stmt_sql(s, &s->fact_del[t], sql) : NULL;
    sqlite3_free(sql);
    return st;
}

/* Deletes what hangs off document id; whole: the document and its paths too, else the
 * document row and its paths stay (its facts are about to be stored again). */
static int delete_doc(lw_sqlite *s, sqlite3_int64 id, int whole)
{
    for (size_t t = 0; t < N_FACT_TABLES; t++) {
        int first = 1; /* a table's rows go once, though several entries may fill it */
        for (size_t u = 0; u < t; u++)
            first &= strcmp(fact_tables[u].table, fact_tables[t].table) != 0;
        sqlite3_stmt *st = first ? delete_stmt(s, t) : NULL;
        if (first && !st)
            return -1;
        if (first)
            sqlite3_bind_int64(st, 1, id);
        if (first && lw_sqlite_run(st))
            return -1;
    }
    static const int dels[] = {Q_DEL_FACT, Q_DEL_SRC, Q_DEL_FTS, Q_DEL_PATHS, Q_DEL_DOC};
    for (size_t i = 0; i < sizeof dels / sizeof *dels; i++) {
        if (!whole && (dels[i] == Q_DEL_PATHS || dels[i] == Q_DEL_DOC))
            continue;
        if (dels[i] == Q_DEL_FTS && s->in_txn) {
            if (lw_sqlite_fts_queue(s, id, 1, NULL, NULL, 0))
                return -1;
            continue;
        }
        sqlite3_stmt *st = lw_sqlite_stmt(s, dels[i]);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
        if (lw_sqlite_run(st))
            return -1;
    }
    return 0;
}

/* The stored row for path: id (0 when none), size, mtime, sha. -1 on a database error. */
int lw_sqlite_lookup(lw_sqlite *s, const char *path, sqlite3_int64 *id, int64_t *size, int64_t *mtime, char sha[65])
{
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_LOOKUP);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *id = 0;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *size = sqlite3_column_int64(st, 1);
        *mtime = sqlite3_column_int64(st, 2);
        const char *h = (const char *)sqlite3_column_text(st, 3);
        snprintf(sha, 65, "%s", h ? h : "");
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The document storing content sha (0 when none) in *id. -1 on a database error. */
static int by_sha(lw_sqlite *s, const char *sha, sqlite3_int64 *id)
{
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_BY_SHA);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int add_path(lw_sqlite *s, sqlite3_int64 id, const char *path, int64_t size, int64_t mtime_ns)
{
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_INS_PATH);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, mtime_ns);
    return lw_sqlite_run(st);
}

/* Takes path away from document id: the document goes with its last path, else
 * documents.path (and its size and mtime) moves to its first remaining path, so that
 * documents.path is always a file the document is found at. 1 document deleted, 0 kept,
 * -1 on a database error. */
static int detach_path(lw_sqlite *s, sqlite3_int64 id, const char *path)
{
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_DEL_PATH);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    if (lw_sqlite_run(st) || !(st = lw_sqlite_stmt(s, Q_FIRST_PATH)))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return delete_doc(s, id, 1) ? -1 : 1;
    if (rc != SQLITE_ROW)
        return -1;
    char *first = strdup((const char *)sqlite3_column_text(st, 0));
    int64_t size = sqlite3_column_int64(st, 1), mtime = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    if (!first || !(st = lw_sqlite_stmt(s, Q_MOVE_DOC))) {
        free(first);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, first, -1, free);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, mtime);
    rc = lw_sqlite_run(st);
    sqlite3_clear_bindings(st); /* frees first now, not at the statement's next use */
    return rc ? -1 : 0;
}
static int put_rows(lw_sqlite *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version, const char *topic,
                    int64_t size, int64_t mtime_ns, int *dup)
{
    sqlite3_int64 old_id, same_id;
    int64_t osize, omtime;
    char osha[65];
    if (lw_sqlite_lookup(s, doc->path, &old_id, &osize, &omtime, osha) || by_sha(s, doc->sha256, &same_id))
        return -1;
    if (same_id && same_id != old_id) {
        /* the content is stored: this file is one more path of it */
        if (old_id && detach_path(s, old_id, doc->path) < 0)
            return -1;
        *dup = 1;
        return add_path(s, same_id, doc->path, size, mtime_ns);
    }
    if (same_id) {
        /* the same content at the same path: its facts again, under the same id and paths */
        sqlite3_stmt *t = lw_sqlite_stmt(s, Q_TOUCH);
        if (delete_doc(s, same_id, 0) || !t)
            return -1;
        sqlite3_bind_text(t, 1, doc->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(t, 2, size);
        sqlite3_bind_int64(t, 3, mtime_ns);
        if (lw_sqlite_run(t) || !(t = lw_sqlite_stmt(s, Q_TOUCH_DOC)))
            return -1;
        sqlite3_bind_text(t, 1, doc->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(t, 2, size);
        sqlite3_bind_int64(t, 3, mtime_ns);
        if (lw_sqlite_run(t))
            return -1;
    } else if (old_id && detach_path(s, old_id, doc->path) < 0) {
        /* new content at a stored path: the path leaves its old document first */
        return -1;
    }
    json_t *rec = lw_extraction_record(x, doc);
    if (!rec)
        return -2;
    json_t *h = json_object_get(rec, "header"), *facts = json_object_get(rec, "facts");
    int rc = -2;
    size_t nf = json_array_size(facts);
    char *kind_key = NULL, *issuer_key = NULL;
    if (fold_into(json_string_value(json_object_get(h, "kind")), &kind_key) ||
        fold_into(json_string_value(json_object_get(h, "issuer")), &issuer_key))
        goto done;
    rc = -1;
    sqlite3_stmt *st = lw_sqlite_stmt(s, same_id ? Q_UPD_DOC : Q_INS_DOC);
    if (!st)
        goto done;
    if (same_id)
        sqlite3_bind_int64(st, 16, same_id);
    sqlite3_bind_text(st, 1, doc->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, doc->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, mtime_ns);
    sqlite3_bind_text(st, 5, lw_encoding_name(doc->dec->encoding), -1, SQLITE_STATIC);
    bind_js(st, 6, h, "kind");
    bind_js(st, 7, h, "number");
    bind_js(st, 8, h, "issuer");
    bind_js(st, 9, h, "place");
    bind_js(st, 10, h, "date");
    bind_js(st, 11, h, "subject");
    bind_owned(st, 12, kind_key);
    bind_owned(st, 13, issuer_key);
    kind_key = issuer_key = NULL;
    sqlite3_bind_int64(st, 14, (sqlite3_int64)json_array_size(facts));
    sqlite3_bind_text(st, 15, rules_version ? rules_version : "", -1, SQLITE_STATIC);
    if (topic)
        sqlite3_bind_text(st, 17, topic, -1, SQLITE_STATIC);
    /* how the file was read (schema 6), as the record says it ("text" for plain text) */
    bind_js(st, 18, rec, "source_format");
    bind_js(st, 19, rec, "pages");
    bind_js(st, 20, rec, "note");
    if (lw_sqlite_run(st))
        goto done;
    sqlite3_int64 id = same_id ? same_id : sqlite3_last_insert_rowid(s->db);
    if (!same_id && add_path(s, id, doc->path, size, mtime_ns))
        goto done;
    st = lw_sqlite_stmt(s, Q_INS_SRC);
    if (!st)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_blob64(st, 2, doc->raw ? (const void *)doc->raw : (const void *)"", doc->raw_len, SQLITE_STATIC);
    if (lw_sqlite_run(st))
        goto done;
    {
        size_t nd = 0;
        json_t **duties = malloc((nf + 1) * sizeof *duties);
        if (!duties) {
            rc = -2;
            goto done;
        }
        for (size_t k = 0; k < nf; k++) {
            json_t *f = json_array_get(facts, k);
            const char *kind = json_string_value(json_object_get(f, "kind"));
            if (kind && !strcmp(kind, "duty"))
                duties[nd++] = f;
        }
        for (size_t k = 0; k < nf; k++) {
            fact_ctx fx = {facts, k, duties, nd};
            if ((rc = put_fact(s, id, &fx))) {
                free(duties);
                goto done;
            }
        }
        rc = -1;
        free(duties);
    }
    size_t len;
    const char *text = lw_doc_text(doc, &len);
    if (s->in_txn) {
        json_t *subj = json_object_get(h, "subject");
        rc = lw_sqlite_fts_queue(s, id, 0, json_is_string(subj) ? json_string_value(subj) : NULL, text, len) ? -2 : 0;
        goto done;
    }
    st = lw_sqlite_stmt(s, Q_INS_FTS);
    if (!st)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    bind_js(st, 2, h, "subject");
    sqlite3_bind_text64(st, 3, text, len, SQLITE_STATIC, SQLITE_UTF8);
    rc = lw_sqlite_run(st);
done:
    free(kind_key);
    free(issuer_key);
    json_decref(rec);
    return rc;
}

lw_status lw_sqlite_put(lw_sqlite *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version, const char *topic,
                       int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err)
{
    int dup = 0;
    if (duplicate)
        *duplicate = 0;
    s->put_rc = 0;
    size_t nfts = s->n_fts;
    if (lw_sqlite_exec(s, "SAVEPOINT doc")) {
        s->put_rc = sqlite3_errcode(s->db);
        return lw_sqlite_error(s, err, "cannot start a savepoint");
    }
    /* our own allocations failing on the way (a bound text, a folded name, a fact's JSON)
     * are noted (lw_oom): the document is then not stored, as for a database error */
    unsigned long oom = lw_oom_mark();
    int prc = put_rows(s, doc, x, rules_version, topic, size, mtime_ns, &dup);
    if (prc == -1 && (lw_oom_since(oom) || sqlite3_errcode(s->db) == SQLITE_OK))
        prc = -2;
    if (!prc && lw_oom_since(oom))
        prc = -2;
    if (prc) {
        /* kept: the rollback below resets the connection's error code, and the caller must
         * still tell a full disk (stop) from a bad document (go on) */
        s->put_rc = prc == -2 ? SQLITE_NOMEM : sqlite3_errcode(s->db);
        char mb[LW_STORE_MSG_MAX];
        lw_error_set(err, prc == -2 ? LW_ERR_NOMEM : LW_ERR_DB, doc->path, 0, 0, "%s: %s",
                     lw_msg_format(mb, sizeof mb, LW_MSG_STORE_CANNOT_STORE),
                     prc == -2 ? sqlite3_errstr(SQLITE_NOMEM) : sqlite3_errmsg(s->db));
        lw_sqlite_exec(s, "ROLLBACK TO doc");
        lw_sqlite_exec(s, "RELEASE doc");
        lw_sqlite_fts_truncate(s, nfts);
        return prc == -2 ? LW_ERR_NOMEM : LW_ERR_DB;
    }
    if (lw_sqlite_exec(s, "RELEASE doc"))
        return lw_sqlite_error(s, err, "cannot release a savepoint");
    if (duplicate)
        *duplicate = dup;
    return LW_OK;
}

int lw_sqlite_delete_path(lw_sqlite *s, const char *path, lw_error *err)
{
    sqlite3_int64 id;
    int64_t a, b;
    char sha[65];
    if (lw_sqlite_lookup(s, path, &id, &a, &b, sha))
        return lw_sqlite_error(s, err, "cannot look up a document"), -1;
    if (!id)
        return 0;
    size_t nfts = s->n_fts;
    int gone = -1;
    if (lw_sqlite_exec(s, "SAVEPOINT del") || (gone = detach_path(s, id, path)) < 0) {
        lw_sqlite_error(s, err, "cannot delete a document");
        lw_sqlite_exec(s, "ROLLBACK TO del");
        lw_sqlite_exec(s, "RELEASE del");
        lw_sqlite_fts_truncate(s, nfts);
        return -1;
    }
    lw_sqlite_exec(s, "RELEASE del");
    return 1 + gone;
}

/* ---- ingest ---- */

int lw_sqlite_touch(lw_sqlite *s, const char *path, int64_t size, int64_t mtime_ns)
{
    /* the path's size and mtime, and the document's when it is its first path */
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *q = lw_sqlite_stmt(s, k ? Q_TOUCH_DOC : Q_TOUCH);
        if (!q)
            return -1;
        sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, size);
        sqlite3_bind_int64(q, 3, mtime_ns);
        if (lw_sqlite_run(q))
            return -1;
    }
    return 0;
}

lw_status lw_sqlite_set_topic(lw_sqlite *s, long long id, const char *topic, lw_error *err)
{
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_SET_TOPIC);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        if (topic)
            sqlite3_bind_text(st, 2, topic, -1, SQLITE_STATIC);
    }
    return lw_sqlite_run(st) ? lw_sqlite_error(s, err, "cannot store a document's topic") : LW_OK;
}

lw_status lw_sqlite_cache_get(lw_sqlite *s, const char *sha, void (*fn)(void *ud, const lw_store_cached *row), void *ud,
                              lw_error *err)
{
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_CACHE_GET);
    if (!st)
        return lw_sqlite_error(s, err, "cannot read the source cache");
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        lw_store_cached row = {b ? b : "", (size_t)sqlite3_column_bytes(st, 0), (const char *)sqlite3_column_text(st, 1),
                               sqlite3_column_int(st, 2), (const char *)sqlite3_column_text(st, 3),
                               (const char *)sqlite3_column_text(st, 4)};
        fn(ud, &row);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return lw_sqlite_error(s, err, "cannot read the source cache");
    return LW_OK;
}

lw_status lw_sqlite_cache_put(lw_sqlite *s, const char *sha, const lw_store_cached *row, lw_error *err)
{
    sqlite3_stmt *st = lw_sqlite_stmt(s, Q_CACHE_PUT);
    if (st) {
        sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
        sqlite3_bind_blob64(st, 2, row->len ? row->bytes : "", row->len, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, row->format ? row->format : "", -1, SQLITE_STATIC);
        if (row->pages > 0)
            sqlite3_bind_int(st, 4, row->pages);
        if (row->ocr_engine && *row->ocr_engine)
            sqlite3_bind_text(st, 5, row->ocr_engine, -1, SQLITE_STATIC);
        if (row->note && *row->note)
            sqlite3_bind_text(st, 6, row->note, -1, SQLITE_STATIC);
    }
    return lw_sqlite_run(st) ? lw_sqlite_error(s, err, "cannot store a document's source in the cache") : LW_OK;
}
