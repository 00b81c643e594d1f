/* lw_store_codec: a fact split into the columns it is stored in and a remainder, and rebuilt
 * from them (see the header). One table, slots below, says for every kind which keys a fact
 * has in which order and where each is kept; ingest walks a fact along it (lw_codec_rest) and
 * the readers walk a row along it (lw_codec_read_doc). Which fact key fills which typed column
 * at ingest is lw_store_facts.c's table: the column numbers here name the same columns in
 * read_sql, and test_store_codec (every fact of corpus/ and a generated set, read back and
 * compared with `lawwatch extract`) holds the two tables together. */
#include "lw_store_codec.h"

#include <string.h>

#include "lw_oom.h"

/* How a key is kept. */
typedef enum {
    K_ALWAYS,   /* always present: the column, NULL for null */
    K_OPT,      /* present only when not null: the column, absent when NULL */
    K_TRUE,     /* present only as true: the column is 1 (absent: 0) */
    K_REST,     /* in the remainder, when present */
    K_SPAN,     /* [start, end]: two columns */
    K_DEADLINE, /* a duty's deadline: its object from duties' columns, else (null, or another
                 * shape) in the remainder */
    K_UNITS     /* a duty's units: from duty_units' rows, else in the remainder */
} key_how;

typedef enum { T_STR, T_INT } key_type;

typedef struct {
    const char *key;
    key_how how;
    key_type type;
    int col; /* the column of read_sql (the first one, for K_SPAN and K_DEADLINE) */
} slot;

/* The read of one document's facts: the facts row, then every typed table's columns (NULL
 * for the tables of other kinds), in fact order. The column numbers are the slots' col. */
/* P: how the statement writes its parameter; J(alias): what each table's condition adds
 * (PostgreSQL: the partition of the document's rows, $2, so that the server reads one
 * partition of each table instead of planning every one). */
#define READ_SQL(P, J)                                                                              \
    "SELECT f.id, f.kind, f.text, f.span_start, f.span_end, f.page, f.line, f.paragraph, f.ocr_conf, f.rule," \
    " f.rest,"                                                                                     /* 0-10 */ \
    " r.type, r.number, r.year, r.symbol, r.cited_id, r.title, r.cited_date, r.year_mismatch, r.pinpoint," /* 11-19 */ \
    " l.type, l.from_id, l.to_id,"                                                                 /* 20-22 */ \
    " t.value,"                                                                                    /* 23 */ \
    " k.date_from, k.date_to, k.precision, k.qualifier,"                                           /* 24-27 */ \
    " a.name, a.province, a.level, a.role,"                                                        /* 28-31 */ \
    " u.activity, u.output, u.topic, u.section, u.source, u.date_from, u.date_to, u.precision,"    \
    " u.qualifier, u.deadline_text, u.deadline_line"                                               /* 32-42 */ \
    " FROM facts f LEFT JOIN legal_refs r ON r.fact_id = f.id" J("r")                              \
    " LEFT JOIN relations l ON l.fact_id = f.id" J("l") " LEFT JOIN dates t ON t.fact_id = f.id" J("t") \
    " LEFT JOIN deadlines k ON k.fact_id = f.id" J("k") " LEFT JOIN agencies a ON a.fact_id = f.id" J("a") \
    " LEFT JOIN duties u ON u.fact_id = f.id" J("u") " WHERE f.doc_id = " P J("f") " ORDER BY f.id"
#define NO_PART(a) ""
#define PG_PART(a) " AND " a ".doc_province = $2"
static const char read_sql[] = READ_SQL("?1", NO_PART);
/* The same for PostgreSQL (issue 21: lw_store_pg_query.c): $1 the document, $2 its
 * partition (documents.doc_province, schema_pg.sql). */
static const char read_sql_pg[] = READ_SQL("$1", PG_PART);
#define C_ID 0
#define C_KIND 1
#define C_REST 10

/* A duty's units, in the order of its fact's array (rowid), by fact. */
static const char units_sql[] =
    "SELECT fact_id, name, level, role, line FROM duty_units WHERE doc_id = ?1 ORDER BY fact_id, rowid";

/* Every fact begins so (lw_fact.c's fact_record). */
static const slot common[] = {
    {"kind", K_ALWAYS, T_STR, 1},    {"text", K_ALWAYS, T_STR, 2}, {"span", K_SPAN, T_INT, 3},
    {"page", K_OPT, T_INT, 5},       {"line", K_ALWAYS, T_INT, 6}, {"paragraph", K_OPT, T_INT, 7},
    {"ocr_conf", K_OPT, T_INT, 8},   {"rule", K_ALWAYS, T_STR, 9},
};

/* Then its kind's keys (lw_fact.c's put_fields). */
static const slot legal_ref[] = {
    {"type", K_ALWAYS, T_STR, 11},   {"number", K_ALWAYS, T_STR, 12}, {"year", K_ALWAYS, T_INT, 13},
    {"symbol", K_ALWAYS, T_STR, 14}, {"id", K_ALWAYS, T_STR, 15},     {"title", K_ALWAYS, T_STR, 16},
    {"date", K_ALWAYS, T_STR, 17},   {"year_mismatch", K_TRUE, T_INT, 18}, {"pinpoint", K_ALWAYS, T_STR, 19},
    {"alias", K_REST, T_STR, 0},
};
static const slot relation[] = {
    {"type", K_ALWAYS, T_STR, 20}, {"from", K_ALWAYS, T_STR, 21}, {"to", K_ALWAYS, T_STR, 22}, {"since", K_REST, T_STR, 0},
};
static const slot date[] = {{"value", K_ALWAYS, T_STR, 23}};
static const slot deadline[] = {
    {"from", K_ALWAYS, T_STR, 24}, {"to", K_ALWAYS, T_STR, 25}, {"precision", K_ALWAYS, T_STR, 26},
    {"qualifier", K_ALWAYS, T_STR, 27},
};
static const slot agency[] = {
    {"name", K_ALWAYS, T_STR, 28}, {"province", K_ALWAYS, T_STR, 29}, {"level", K_ALWAYS, T_STR, 30},
    {"alias", K_REST, T_STR, 0},   {"role", K_OPT, T_STR, 31},
};
static const slot duty[] = {
    {"activity", K_ALWAYS, T_STR, 32}, {"lead", K_REST, T_STR, 0},      {"partners", K_REST, T_STR, 0},
    {"output", K_ALWAYS, T_STR, 33},   {"deadline", K_DEADLINE, T_STR, 37}, {"topic", K_ALWAYS, T_STR, 34},
    {"section", K_ALWAYS, T_STR, 35},  {"source", K_ALWAYS, T_STR, 36}, {"recurring", K_REST, T_STR, 0},
    {"stage", K_REST, T_STR, 0},       {"concerns", K_REST, T_STR, 0},  {"units", K_UNITS, T_STR, 0},
};
/* A duty's deadline object as duties' columns give it back (from col on). */
static const slot dl_keys[] = {
    {"from", K_ALWAYS, T_STR, 0},      {"to", K_ALWAYS, T_STR, 1},   {"precision", K_ALWAYS, T_STR, 2},
    {"qualifier", K_ALWAYS, T_STR, 3}, {"text", K_ALWAYS, T_STR, 4}, {"line", K_ALWAYS, T_INT, 5},
};
/* A unit of a duty as duty_units gives it back (units_sql's columns 1 to 4). */
static const slot unit_keys[] = {
    {"name", K_OPT, T_STR, 1}, {"level", K_ALWAYS, T_STR, 2}, {"role", K_OPT, T_STR, 3}, {"line", K_ALWAYS, T_INT, 4},
};

#define N(a) (sizeof a / sizeof *a)

typedef struct {
    const char *kind;
    const slot *v;
    size_t n;
} kind_slots;

static const kind_slots kinds[] = {
    {"legal_ref", legal_ref, N(legal_ref)}, {"relation", relation, N(relation)}, {"date", date, N(date)},
    {"deadline", deadline, N(deadline)},    {"agency", agency, N(agency)},       {"duty", duty, N(duty)},
};

static const kind_slots *kind_of(const char *kind)
{
    for (size_t i = 0; kind && i < N(kinds); i++)
        if (!strcmp(kinds[i].kind, kind))
            return &kinds[i];
    return NULL;
}

/* ---- ingest: the remainder ---- */

/* Whether v is of slot s's type, and a text its column keeps whole: the columns are bound as
 * C strings, so a text holding a NUL would come back cut short (it stays in the whole fact). */
static int of_type(const slot *s, json_t *v)
{
    if (s->type == T_INT)
        return json_is_integer(v);
    return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v);
}

static int may_lack(const slot *s) { return s->how == K_OPT || s->how == K_TRUE || s->how == K_REST; }

/* Whether the object o has exactly the keys of slots v (those that may be absent aside),
 * in their order, each a value its column gives back. */
static int fits_slots(json_t *o, const slot *v, size_t n)
{
    if (!json_is_object(o))
        return 0;
    size_t p = 0;
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val) {
        while (p < n && strcmp(v[p].key, key)) {
            if (!may_lack(&v[p]))
                return 0;
            p++;
        }
        if (p == n)
            return 0;
        if (v[p].how == K_ALWAYS ? !json_is_null(val) && !of_type(&v[p], val) : !of_type(&v[p], val))
            return 0;
        p++;
    }
    for (; p < n; p++)
        if (!may_lack(&v[p]))
            return 0;
    return 1;
}

/* Whether duty_units' rows give the units array back: each unit a named object of
 * unit_keys, and a role (the column is NOT NULL). */
static int units_fit(json_t *a)
{
    size_t i;
    json_t *u;
    if (!json_is_array(a))
        return 0;
    json_array_foreach(a, i, u) {
        if (json_object_size(u) != N(unit_keys) || !fits_slots(u, unit_keys, N(unit_keys)))
            return 0;
    }
    return 1;
}

/* Walks fact's keys along the slots (common, then its kind's), putting what goes to the
 * remainder into r: 1 it fits, 0 it does not, -1 out of memory. */
static int walk(json_t *fact, json_t *r)
{
    const kind_slots *ks = kind_of(json_string_value(json_object_get(fact, "kind")));
    size_t nc = N(common), n = nc + (ks ? ks->n : 0), p = 0;
    const char *key;
    json_t *v;
    json_object_foreach(fact, key, v) {
        const slot *s = NULL;
        for (; p < n; p++) {
            s = p < nc ? &common[p] : &ks->v[p - nc];
            if (!strcmp(s->key, key))
                break;
            if (!may_lack(s))
                return 0;
        }
        if (p++ == n)
            return 0;
        int keep = 0;
        switch (s->how) {
        case K_ALWAYS:
            if (!json_is_null(v) && !of_type(s, v))
                return 0;
            break;
        case K_OPT:
            if (!of_type(s, v))
                return 0;
            break;
        case K_TRUE:
            if (!json_is_true(v))
                return 0;
            break;
        case K_SPAN:
            if (json_array_size(v) != 2 || !json_is_integer(json_array_get(v, 0)) || !json_is_integer(json_array_get(v, 1)))
                return 0;
            break;
        case K_REST: keep = 1; break;
        case K_DEADLINE: keep = !fits_slots(v, dl_keys, N(dl_keys)) || json_object_size(v) != N(dl_keys); break;
        case K_UNITS: keep = !units_fit(v); break;
        }
        if (keep && json_object_set(r, key, v))
            return -1;
    }
    for (; p < n; p++)
        if (!may_lack(p < nc ? &common[p] : &ks->v[p - nc]))
            return 0;
    return 1;
}

int lw_codec_rest(json_t *fact, char **rest, int *whole)
{
    *rest = NULL;
    if (whole)
        *whole = 0;
    json_t *r = json_object();
    if (!r)
        return -1;
    int fits = walk(fact, r);
    if (fits < 0) {
        json_decref(r);
        return -1;
    }
    json_t *out = fits ? (json_object_size(r) ? r : NULL) : fact;
    if (out && !(*rest = lw_json_dumps(out, JSON_COMPACT))) {
        json_decref(r);
        return -1;
    }
    if (whole)
        *whole = !fits;
    json_decref(r);
    return 0;
}

/* ---- readers: the fact again ---- */

/* A SQLite statement's row through lw_codec_cols. */
static lw_codec_type sq_type(void *row, int c)
{
    switch (sqlite3_column_type(row, c)) {
    case SQLITE_INTEGER: return LW_CODEC_INT;
    case SQLITE_FLOAT: return LW_CODEC_REAL;
    case SQLITE_NULL: return LW_CODEC_NULL;
    default: return LW_CODEC_TEXT;
    }
}
static long long sq_int64(void *row, int c) { return sqlite3_column_int64(row, c); }
static double sq_real(void *row, int c) { return sqlite3_column_double(row, c); }
static const char *sq_text(void *row, int c, size_t *len)
{
    const char *t = (const char *)sqlite3_column_text(row, c);
    *len = (size_t)sqlite3_column_bytes(row, c);
    return t;
}
static const lw_codec_cols sqlite_cols = {sq_type, sq_int64, sq_real, sq_text};

/* Column c as JSON: text, integer, real or null. NULL when out of memory. The texts were
 * JSON strings when stored: valid UTF-8, not checked again. */
static json_t *col_json(const lw_codec_cols *k, void *row, int c)
{
    size_t len;
    const char *t;
    switch (k->type(row, c)) {
    case LW_CODEC_INT: return json_integer(k->int64(row, c));
    case LW_CODEC_REAL: return json_real(k->real(row, c));
    case LW_CODEC_TEXT: t = k->text(row, c, &len); return t ? json_stringn_nocheck(t, len) : NULL;
    default: return json_null();
    }
}

/* Sets o's keys of slots v (K_ALWAYS, K_OPT only) from row's columns base + col. -1 when out
 * of memory. */
static int put_cols(json_t *o, const lw_codec_cols *k, void *row, int base, const slot *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int c = base + v[i].col;
        if (v[i].how == K_OPT && k->type(row, c) == LW_CODEC_NULL)
            continue;
        json_t *j = col_json(k, row, c);
        if (!j || json_object_set_new(o, v[i].key, j))
            return -1;
    }
    return 0;
}

json_t *lw_codec_rebuild(const lw_codec_cols *k, void *row, json_t *units, int *bad)
{
    size_t rlen = 0;
    const char *rt = k->type(row, C_REST) == LW_CODEC_NULL ? NULL : k->text(row, C_REST, &rlen);
    json_t *rest = NULL;
    if (rt) {
        rest = json_loadb(rt, rlen, 0, NULL);
        if (!json_is_object(rest)) {
            json_decref(rest);
            *bad = 1;
            return NULL;
        }
        if (json_object_get(rest, "kind"))
            return rest; /* kept whole: a remainder never holds kind (a column) */
    }
    size_t klen;
    const kind_slots *ks = kind_of(k->type(row, C_KIND) == LW_CODEC_NULL ? NULL : k->text(row, C_KIND, &klen));
    size_t nc = N(common), n = nc + (ks ? ks->n : 0);
    json_t *o = json_object();
    int rc = !o;
    for (size_t p = 0; !rc && p < n; p++) {
        const slot *s = p < nc ? &common[p] : &ks->v[p - nc];
        json_t *v = NULL;
        switch (s->how) {
        case K_ALWAYS:
        case K_OPT: rc = put_cols(o, k, row, 0, s, 1); continue;
        case K_TRUE:
            if (k->type(row, s->col) != LW_CODEC_NULL && k->int64(row, s->col) == 1)
                v = json_true();
            break;
        case K_SPAN:
            v = json_pack("[II]", (json_int_t)k->int64(row, s->col), (json_int_t)k->int64(row, s->col + 1));
            rc = !v;
            break;
        case K_REST: v = json_incref(json_object_get(rest, s->key)); break;
        case K_DEADLINE:
        case K_UNITS:
            if ((v = json_incref(json_object_get(rest, s->key))))
                break;
            if (s->how == K_UNITS)
                v = units ? json_incref(units) : json_array();
            else if ((v = json_object()))
                rc = put_cols(v, k, row, s->col, dl_keys, N(dl_keys));
            rc |= !v;
            break;
        }
        if (v && json_object_set_new(o, s->key, v))
            rc = 1;
    }
    json_decref(rest);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int lw_codec_unit_add(const lw_codec_cols *k, void *row, json_t **units)
{
    json_t *one = json_object();
    if (!*units)
        *units = json_array();
    if (!one || !*units) {
        json_decref(one);
        return -1;
    }
    if (json_array_append_new(*units, one))
        return -1;
    return put_cols(one, k, row, 0, unit_keys, N(unit_keys));
}

const char *lw_codec_facts_sql_pg(void) { return read_sql_pg; }

int lw_codec_read_doc(sqlite3 *db, long long doc_id, int (*fn)(void *ud, long long id, json_t *fact), void *ud)
{
    sqlite3_stmt *q = NULL, *u = NULL;
    int rc = sqlite3_prepare_v2(db, read_sql, -1, &q, NULL);
    if (!rc)
        rc = sqlite3_prepare_v2(db, units_sql, -1, &u, NULL);
    if (rc) {
        sqlite3_finalize(q);
        return rc;
    }
    sqlite3_bind_int64(q, 1, doc_id);
    sqlite3_bind_int64(u, 1, doc_id);
    /* the units come in fact order too: one step through them beside the facts */
    int urc = sqlite3_step(u);
    while (!rc && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        rc = 0;
        long long id = sqlite3_column_int64(q, C_ID);
        while (urc == SQLITE_ROW && sqlite3_column_int64(u, 0) < id)
            urc = sqlite3_step(u);
        json_t *units = NULL;
        while (!rc && urc == SQLITE_ROW && sqlite3_column_int64(u, 0) == id) {
            if (lw_codec_unit_add(&sqlite_cols, u, &units))
                rc = -1;
            urc = sqlite3_step(u);
        }
        if (urc != SQLITE_ROW && urc != SQLITE_DONE && !rc)
            rc = urc;
        int bad = 0;
        json_t *f = rc ? NULL : lw_codec_rebuild(&sqlite_cols, q, units, &bad);
        json_decref(units);
        if (!rc && !f)
            rc = bad ? SQLITE_CORRUPT : -1;
        if (!rc)
            rc = fn(ud, id, f);
        json_decref(f);
    }
    if (rc == SQLITE_DONE)
        rc = 0;
    sqlite3_finalize(q);
    sqlite3_finalize(u);
    return rc;
}
