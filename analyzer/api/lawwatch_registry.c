/* lawwatch_registry.c: the registry of known legal documents as reviewers read it
 * (lawwatch_registry_write: the `registry` verb, /registry and /api/registry): every entry
 * with its status and how many ingested documents cite it, or one entry with the chain of
 * what amends or replaces it, both ways and transitively, and the ingested documents citing
 * it (the rows of lawwatch_cites_write, so the keys are those of `search --cites`). The JSON
 * is made first and the table is written from it: the two never say different things. */
#include "lawwatch_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lw_docset.h"
#include "lw_registry.h"
#include "lw_store_text.h"

/* How far and how wide a chain is followed: a registry is a few hundred entries, and a
 * cycle (a file that says A amends B and B amends A) must end. */
#define CHAIN_DEPTH_MAX 16
#define CHAIN_ITEMS_MAX 256
/* The title in the list table is cut near this many bytes (at a space). */
#define TITLE_SHOWN 160
/* "FILE:LINE" of an entry. */
#define PLACE_MAX 4200

/* The types in the order of the legal hierarchy (Luật Ban hành văn bản quy phạm pháp luật,
 * Điều 4), then the other types alphabetically (folded). */
static const char *const type_order[] = {"Hiến pháp", "Bộ luật", "Luật", "Nghị quyết", "Pháp lệnh", "Lệnh",
                                         "Nghị định", "Quyết định", "Chỉ thị", "Thông tư", "Thông tư liên tịch"};
#define N_TYPES (sizeof type_order / sizeof *type_order)

/* What one call shares: the registry, the view, memory running out (sticky). */
typedef struct {
    const lw_registry *reg;
    const lawwatch_view *v;
    int nomem;
} ctx;

#define CHK(c, call) ((c)->nomem |= (call) < 0)

static json_t *txt(const char *s) { return lw_store_json_text(s); }

static const char *js(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static lw_msg_id status_msg(const char *status)
{
    static const struct {
        const char *code;
        lw_msg_id id;
    } m[] = {{"in_force", LW_MSG_REG_IN_FORCE},
             {"amended", LW_MSG_REG_AMENDED},
             {"replaced", LW_MSG_REG_REPLACED},
             {"expired", LW_MSG_REG_EXPIRED}};
    for (size_t i = 0; status && i < sizeof m / sizeof *m; i++)
        if (!strcmp(status, m[i].code))
            return m[i].id;
    return LW_MSG_REG_UNKNOWN;
}

/* The ANSI colour of a status in the table: green in force, yellow amended, red replaced or
 * expired; "" for the rest. */
static const char *status_color(const char *status)
{
    if (!status)
        return "";
    if (!strcmp(status, "in_force"))
        return "\033[32m";
    if (!strcmp(status, "amended"))
        return "\033[33m";
    if (!strcmp(status, "replaced") || !strcmp(status, "expired"))
        return "\033[31m";
    return "";
}

/* "15/11/2025" from "2025-11-15" into buf (11 bytes): lw_date_vi's; "-" when NULL. */
static const char *date_vi(const char *iso, char *buf) { return iso ? lw_date_vi(iso, buf) : "-"; }

/* The key a document is known by in a chain: its registry id when listed (so "4/2021/TT-BTP"
 * and "04/2021/TT-BTP" are one), folded. Owned; NULL when out of memory. */
static char *node_key(const lw_registry *reg, const char *id)
{
    const lw_registry_entry *e = lw_registry_find(reg, id);
    return lw_store_fold(e ? e->id : id);
}

/* The fields every document of the registry is described by, into o. */
static void put_fields(ctx *c, json_t *o, const lw_registry_entry *e)
{
    CHK(c, json_object_set_new(o, "id", txt(e->id)));
    CHK(c, json_object_set_new(o, "type", txt(e->type)));
    CHK(c, json_object_set_new(o, "title", txt(e->title)));
    CHK(c, json_object_set_new(o, "issuer", txt(e->issuer)));
    CHK(c, json_object_set_new(o, "issued", txt(e->issued)));
    CHK(c, json_object_set_new(o, "effective", txt(e->effective)));
    CHK(c, json_object_set_new(o, "status", txt(e->status)));
    CHK(c, json_object_set_new(o, "status_label", txt(lw_msg_get(status_msg(e->status), LW_LANG_VI))));
}

/* An entry as the list and the card show it. New reference; NULL when out of memory. */
static json_t *entry_json(ctx *c, const lw_registry_entry *e)
{
    json_t *o = json_object(), *by = json_array();
    if (!o || !by) {
        json_decref(o);
        json_decref(by);
        c->nomem = 1;
        return NULL;
    }
    put_fields(c, o, e);
    for (size_t i = 0; i < e->n_amended_by; i++)
        CHK(c, json_array_append_new(by, txt(e->amended_by[i])));
    CHK(c, json_object_set_new(o, "amended_by", by));
    CHK(c, json_object_set_new(o, "replaced_by", txt(e->replaced_by)));
    CHK(c, json_object_set_new(o, "note", txt(e->note)));
    char place[PLACE_MAX];
    if (e->file)
        snprintf(place, sizeof place, "%s:%d", lw_api_shown(c->v, e->file), e->line);
    CHK(c, json_object_set_new(o, "registry", e->file ? txt(place) : json_null()));
    return o;
}

/* ---- the list ---- */

typedef struct {
    const lw_registry_entry *e;
    size_t rank;    /* type_order's index, N_TYPES for another type */
    char *type_key; /* the type folded, for the other types */
    int year;       /* of the number, else of the issue date; 9999 when unknown (last) */
    long number;
} sort_item;

static int by_type_year_number(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    int t = strcmp(x->type_key ? x->type_key : "", y->type_key ? y->type_key : "");
    if (t)
        return t;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return strcmp(x->e->id, y->e->id);
}

/* The sort keys of e: type rank, year (59/2012/NĐ-CP: 2012; 722/QĐ-BTP: its issue date's),
 * number (the leading digits). 0, or -1 when out of memory. */
static int sort_keys(sort_item *it, const lw_registry_entry *e)
{
    it->e = e;
    it->rank = N_TYPES;
    for (size_t k = 0; k < N_TYPES; k++)
        if (e->type && !strcmp(e->type, type_order[k]))
            it->rank = k;
    it->type_key = it->rank == N_TYPES && e->type ? lw_store_fold(e->type) : NULL;
    it->number = strtol(e->id, NULL, 10);
    it->year = 9999;
    const char *slash = strchr(e->id, '/');
    if (slash && strspn(slash + 1, "0123456789") == 4 && slash[5] == '/')
        it->year = atoi(slash + 1);
    else if (e->issued && strspn(e->issued, "0123456789") == 4)
        it->year = atoi(e->issued);
    return it->rank == N_TYPES && e->type && !it->type_key ? -1 : 0;
}

/* The citing counts by folded id, as lw_store_cite_counts gives them. */
typedef struct {
    json_t *by_key;
    int nomem;
} counts_of;

static int on_count(void *ud, const char *key, long long n)
{
    counts_of *k = ud;
    /* nocheck: a key only looked up, which a byte that is not UTF-8 must not fail */
    k->nomem |= json_object_set_new_nocheck(k->by_key, key, json_integer((json_int_t)n)) != 0;
    return k->nomem; /* a count lost would read 0: stop, and fail */
}

/* Every entry, sorted, into arr; with db, how many ingested documents cite each (one query for
 * all: a registry may hold thousands of entries). */
static lw_status list_json(ctx *c, lawwatch_db *db, json_t *arr, lw_error *ie)
{
    size_t n = lw_registry_count(c->reg);
    sort_item *items = n ? calloc(n, sizeof *items) : NULL;
    if (n && !items) {
        c->nomem = 1;
        return LW_OK;
    }
    for (size_t i = 0; i < n; i++)
        c->nomem |= sort_keys(&items[i], lw_registry_at(c->reg, i));
    if (n)
        qsort(items, n, sizeof *items, by_type_year_number);
    lw_status st = LW_OK;
    counts_of k = {db ? json_object() : NULL, 0};
    json_t *counts = k.by_key;
    c->nomem |= db && !counts;
    if (counts && !c->nomem) {
        st = lw_store_cite_counts(db->store, on_count, &k, ie);
        c->nomem |= k.nomem;
    }
    for (size_t i = 0; i < n && !st && !c->nomem; i++) {
        json_t *o = entry_json(c, items[i].e);
        if (o && counts) {
            char *key = lw_store_fold(items[i].e->id);
            c->nomem |= !key;
            json_t *cnt = key ? json_object_get(counts, key) : NULL;
            CHK(c, json_object_set_new(o, "cited_by_count", json_integer(cnt ? json_integer_value(cnt) : 0)));
            free(key);
        }
        if (o)
            CHK(c, json_array_append_new(arr, o));
    }
    json_decref(counts);
    for (size_t i = 0; i < n; i++)
        free(items[i].type_key);
    free(items);
    return st;
}

/* The number of code points of s: the columns it takes (NFC Vietnamese: one each). */
static size_t columns(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* s cut near max bytes at a space, on a character boundary, "…" added. Owned. */
static char *cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return strdup(s);
    size_t k = max;
    while (k > max / 2 && s[k] != ' ')
        k--;
    while (k && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    char *r = malloc(k + sizeof "…");
    if (r) {
        memcpy(r, s, k);
        memcpy(r + k, "…", sizeof "…");
    }
    return r;
}

/* A status as the table shows it: its label, in colour on a terminal. */
static void put_status(ctx *c, lw_buf *b, const json_t *o)
{
    const char *color = c->v && c->v->color ? status_color(js(o, "status")) : "";
    CHK(c, lw_buf_printf(b, "%s%s%s", color, js(o, "status_label") ? js(o, "status_label") : "", *color ? "\033[0m" : ""));
}

/* The list as a table: a heading per type, a line per entry (id, date of issue, status and
 * what changed it, the citing documents), its title below. */
static void list_text(ctx *c, const json_t *arr, int with_db, FILE *out)
{
    size_t i, w = 0;
    json_t *o;
    lw_buf b = {0};
    CHK(c, lw_buf_printf(&b, LW_VI(REG_HEAD), json_array_size(arr)));
    CHK(c, lw_buf_printf(&b, " ("));
    CHK(c, lw_buf_printf(&b, LW_EN(REG_HEAD), json_array_size(arr)));
    CHK(c, lw_buf_printf(&b, ")\n"));
    const char *type = NULL;
    json_array_foreach(arr, i, o) {
        const char *t = js(o, "type") ? js(o, "type") : "-";
        if (!type || strcmp(type, t)) { /* a heading, and the width of the group's ids */
            CHK(c, lw_buf_printf(&b, "\n%s\n", t));
            w = 0;
            for (size_t k = i; k < json_array_size(arr); k++) {
                const json_t *x = json_array_get(arr, k);
                if (strcmp(js(x, "type") ? js(x, "type") : "-", t))
                    break;
                if (columns(js(x, "id")) > w)
                    w = columns(js(x, "id"));
            }
        }
        type = t;
        char d[11];
        size_t pad = w - columns(js(o, "id"));
        CHK(c, lw_buf_printf(&b, "  %s%*s  %-10s  ", js(o, "id"), (int)pad, "", date_vi(js(o, "issued"), d)));
        put_status(c, &b, o);
        json_t *by = json_object_get(o, "amended_by");
        const char *repl = js(o, "replaced_by");
        /* "… bởi A, B": what the status names first, then the other change ("; thay thế bởi C") */
        const char *status = js(o, "status") ? js(o, "status") : "";
        int repl_first = !strcmp(status, "replaced") || !json_array_size(by);
        for (int side = 0; side < 2; side++) {
            int is_repl = side == 0 ? repl_first : !repl_first;
            if (is_repl ? !repl : !json_array_size(by))
                continue;
            int named = is_repl ? !strcmp(status, "replaced") : !strcmp(status, "amended");
            if (side || !named) /* the status does not say it: the verb does */
                CHK(c, lw_buf_printf(&b, "%s%s", side ? "; " : "; ", is_repl ? LW_VI(REG_VERB_REPLACES) : LW_VI(REG_VERB_AMENDS)));
            CHK(c, lw_buf_printf(&b, " %s ", LW_VI(REG_BY)));
            if (is_repl) {
                CHK(c, lw_buf_printf(&b, "%s", repl));
            } else {
                size_t k;
                json_t *x;
                json_array_foreach(by, k, x) CHK(c, lw_buf_printf(&b, "%s%s", k ? ", " : "", json_string_value(x)));
            }
        }
        if (with_db) {
            CHK(c, lw_buf_printf(&b, " · "));
            CHK(c, lw_buf_printf(&b, LW_VI(REG_CITING_N), (long long)json_integer_value(json_object_get(o, "cited_by_count"))));
        }
        CHK(c, lw_buf_putc(&b, '\n'));
        if (js(o, "title")) {
            char *title = cut(js(o, "title"), TITLE_SHOWN);
            c->nomem |= !title;
            CHK(c, lw_buf_printf(&b, "  %*s  %s\n", (int)w, "", title ? title : ""));
            free(title);
        }
    }
    if (!c->nomem)
        fputs(b.data ? b.data : "", out);
    lw_buf_free(&b);
}

/* ---- one entry: its chain ---- */

typedef struct {
    ctx *c;
    json_t *items; /* the chain's items, in the order found */
    json_t *queue; /* [id, depth] pairs still to follow */
    json_t *seen;  /* node_key -> true */
    int down;      /* 0: what changes the start (changed_by); 1: what it changes (changes) */
    const char *node; /* the document being followed (canonical) */
    int depth;        /* its depth */
} chain;

/* One link "by relation of" into the chain, the document described being by (up) or of
 * (down); that document is followed later unless seen. */
static void add_link(chain *ch, const char *by, const char *relation, const char *of)
{
    ctx *c = ch->c;
    if (c->nomem || json_array_size(ch->items) >= CHAIN_ITEMS_MAX)
        return;
    const char *id = ch->down ? of : by;
    const lw_registry_entry *e = lw_registry_find(c->reg, id);
    json_t *o = json_object();
    if (!o) {
        c->nomem = 1;
        return;
    }
    if (e) {
        put_fields(c, o, e);
    } else {
        CHK(c, json_object_set_new(o, "id", txt(id)));
        static const char *const none[] = {"type", "title", "issuer", "issued", "effective"};
        for (size_t k = 0; k < sizeof none / sizeof *none; k++)
            CHK(c, json_object_set_new(o, none[k], json_null()));
        CHK(c, json_object_set_new(o, "status", txt("unknown")));
        CHK(c, json_object_set_new(o, "status_label", txt(LW_VI(REG_NOT_LISTED))));
    }
    CHK(c, json_object_set_new(o, "in_registry", json_boolean(e != NULL)));
    CHK(c, json_object_set_new(o, "by", txt(by)));
    CHK(c, json_object_set_new(o, "relation", txt(relation)));
    CHK(c, json_object_set_new(o, "of", txt(of)));
    CHK(c, json_object_set_new(o, "depth", json_integer(ch->depth + 1)));
    CHK(c, json_array_append_new(ch->items, o));
    char *key = node_key(c->reg, id);
    if (!key) {
        c->nomem = 1;
        return;
    }
    if (!json_object_get(ch->seen, key)) {
        CHK(c, json_object_set_new_nocheck(ch->seen, key, json_true()));
        CHK(c, json_array_append_new(ch->queue, json_pack("[s,i]", e ? e->id : id, ch->depth + 1)));
    }
    free(key);
}

/* lw_registry_each_amended's callback: ch->node amends e. */
static void on_amended(void *ud, const lw_registry_entry *e)
{
    chain *ch = ud;
    add_link(ch, ch->node, "amends", e->id);
}

/* Follows one document of the chain: what amends or replaces it (up), or what it amends or
 * replaces (down). */
static void follow(chain *ch)
{
    ctx *c = ch->c;
    const lw_registry_entry *e = lw_registry_find(c->reg, ch->node);
    if (!ch->down) {
        for (size_t i = 0; e && i < e->n_amended_by; i++)
            add_link(ch, e->amended_by[i], "amends", e->id);
        if (e && e->replaced_by)
            add_link(ch, e->replaced_by, "replaces", e->id);
        return;
    }
    lw_registry_each_amended(c->reg, ch->node, on_amended, ch);
    char *key = node_key(c->reg, ch->node);
    for (size_t i = 0; key && i < lw_registry_count(c->reg); i++) {
        const lw_registry_entry *x = lw_registry_at(c->reg, i);
        if (!x->replaced_by)
            continue;
        char *k = node_key(c->reg, x->replaced_by);
        c->nomem |= !k;
        if (k && !strcmp(k, key))
            add_link(ch, ch->node, "replaces", x->id);
        free(k);
    }
    c->nomem |= !key;
    free(key);
}

/* The chain from start one way, breadth first: new reference (an array), NULL when out of
 * memory. */
static json_t *chain_json(ctx *c, const char *start, int down)
{
    chain ch = {c, json_array(), json_array(), json_object(), down, NULL, 0};
    char *key = node_key(c->reg, start);
    if (!ch.items || !ch.queue || !ch.seen || !key ||
        json_object_set_new_nocheck(ch.seen, key, json_true()) || json_array_append_new(ch.queue, json_pack("[s,i]", start, 0)))
        c->nomem = 1;
    free(key);
    for (size_t i = 0; !c->nomem && i < json_array_size(ch.queue); i++) {
        json_t *q = json_array_get(ch.queue, i);
        ch.node = json_string_value(json_array_get(q, 0));
        ch.depth = (int)json_integer_value(json_array_get(q, 1));
        if (!ch.node) {
            c->nomem = 1; /* json_pack failed */
            break;
        }
        if (ch.depth < CHAIN_DEPTH_MAX)
            follow(&ch);
    }
    json_decref(ch.queue);
    json_decref(ch.seen);
    if (c->nomem) {
        json_decref(ch.items);
        return NULL;
    }
    return ch.items;
}

/* Where the corpus states each fact of e: {"type": ["corpus/x.txt:19"], ...}. */
static json_t *sources_json(ctx *c, const lw_registry_entry *e)
{
    static const char *const facts[] = {"type",   "title",      "issuer",     "issued",
                                        "effective", "status", "amended_by", "replaced_by"};
    json_t *o = json_object();
    c->nomem |= !o;
    for (size_t k = 0; o && k < sizeof facts / sizeof *facts; k++) {
        size_t n = 0;
        const char *const *v = lw_registry_sources(e, facts[k], &n);
        if (!n)
            continue;
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            CHK(c, json_array_append_new(a, txt(v[i])));
        CHK(c, json_object_set_new(o, facts[k], a));
    }
    return o;
}

/* The documents citing id as `search --cites ID --format json` gives them (lawwatch_cites_write):
 * *rows a new reference. */
static lawwatch_status citing_rows(const lawwatch_engine *eng, lawwatch_db *db, const char *id, const lawwatch_view *v,
                                   json_t **rows, lawwatch_error *err)
{
    *rows = NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        return LAWWATCH_NOMEM(err);
    lawwatch_view jv = {LAWWATCH_FORMAT_JSON, 0, v ? v->cwd : NULL};
    lawwatch_status st = lawwatch_cites_write(db, eng->rules_dir, id, 0, &jv, f, NULL, NULL, err);
    if (fclose(f) && !st)
        st = LAWWATCH_NOMEM(err);
    if (!st && !(*rows = json_loads(text ? text : "", 0, NULL)))
        st = LAWWATCH_NOMEM(err);
    free(text);
    return st;
}

/* One entry's card, its chain both ways and, with db, the documents citing it; *out a new
 * reference. */
static lawwatch_status detail_json(ctx *c, const lawwatch_engine *eng, lawwatch_db *db, const char *id, json_t **out,
                                   lawwatch_error *err)
{
    *out = NULL;
    const lw_registry_entry *e = lw_registry_find(c->reg, id);
    json_t *rows = NULL;
    if (db) {
        lawwatch_status st = citing_rows(eng, db, e ? e->id : id, c->v, &rows, err);
        if (st)
            return st;
    }
    if (!e && !json_array_size(rows)) {
        json_decref(rows);
        return lw_api_fail(err, LW_ERR_NOT_FOUND, LW_MSG_REG_NOT_FOUND, id);
    }
    json_t *o;
    if (e) {
        o = entry_json(c, e);
    } else { /* named as the documents write it */
        const char *as_cited = js(json_array_get(rows, 0), "cited_id");
        const lw_registry_entry stub = {.id = as_cited ? as_cited : id,
                                        .type = js(json_array_get(rows, 0), "type"),
                                        .status = "unknown"};
        if ((o = entry_json(c, &stub)))
            CHK(c, json_object_set_new(o, "status_label", txt(LW_VI(REG_NOT_LISTED))));
    }
    if (!o) {
        json_decref(rows);
        return LAWWATCH_NOMEM(err);
    }
    const char *name = js(o, "id");
    CHK(c, json_object_set_new(o, "in_registry", json_boolean(e != NULL)));
    CHK(c, json_object_set_new(o, "sources", e ? sources_json(c, e) : json_object()));
    CHK(c, json_object_set_new(o, "changed_by", chain_json(c, name, 0)));
    CHK(c, json_object_set_new(o, "changes", chain_json(c, name, 1)));
    if (rows) {
        CHK(c, json_object_set_new(o, "cited_by_count", json_integer((json_int_t)json_array_size(rows))));
        CHK(c, json_object_set_new(o, "cited_by", rows));
    }
    *out = o;
    return LAWWATCH_OK;
}

/* A line "  vi (en): value" of the card, when value is. */
static void card_line(ctx *c, lw_buf *b, lw_msg_id id, const char *value)
{
    if (value)
        CHK(c, lw_buf_printf(b, "  %s (%s): %s\n", lw_msg_get(id, LW_LANG_VI), lw_msg_get(id, LW_LANG_EN), value));
}

/* One side of the chain in the table: "by amends of — status of the document described",
 * indented by depth. */
static void chain_text(ctx *c, lw_buf *b, const json_t *items, const char *arrow)
{
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) {
        int depth = (int)json_integer_value(json_object_get(x, "depth"));
        const char *rel = js(x, "relation");
        CHK(c, lw_buf_printf(b, "  %*s%s %s %s %s — %s: ", 2 * (depth - 1), "", arrow, js(x, "by"),
                             rel && !strcmp(rel, "replaces") ? LW_VI(REG_VERB_REPLACES) : LW_VI(REG_VERB_AMENDS),
                             js(x, "of"), js(x, "id")));
        put_status(c, b, x);
        CHK(c, lw_buf_putc(b, '\n'));
    }
}

/* The card, the chain and the citing documents as the table shows them. */
static lawwatch_status detail_text(ctx *c, const lawwatch_engine *eng, lawwatch_db *db, const json_t *o, FILE *out,
                                   lawwatch_error *err)
{
    lw_buf b = {0};
    char d1[11], d2[11];
    int rc = lw_doc_label(&b, js(o, "type"), js(o, "id"), js(o, "issued"), js(o, "issuer"));
    c->nomem |= rc < 0;
    if (rc)
        CHK(c, lw_buf_printf(&b, "%s", js(o, "id")));
    CHK(c, lw_buf_putc(&b, '\n'));
    card_line(c, &b, LW_MSG_REG_TITLE, js(o, "title"));
    card_line(c, &b, LW_MSG_REG_ISSUER, js(o, "issuer"));
    card_line(c, &b, LW_MSG_REG_ISSUED, js(o, "issued") ? date_vi(js(o, "issued"), d1) : NULL);
    card_line(c, &b, LW_MSG_REG_EFFECTIVE, js(o, "effective") ? date_vi(js(o, "effective"), d2) : NULL);
    CHK(c, lw_buf_printf(&b, "  %s (%s): ", LW_VI(REG_STATUS), LW_EN(REG_STATUS)));
    put_status(c, &b, o);
    CHK(c, lw_buf_putc(&b, '\n'));
    card_line(c, &b, LW_MSG_REG_NOTE, js(o, "note"));
    card_line(c, &b, LW_MSG_REG_SOURCE, js(o, "registry"));
    json_t *up = json_object_get(o, "changed_by"), *down = json_object_get(o, "changes");
    CHK(c, lw_buf_printf(&b, "\n%s (%s):\n", LW_VI(REG_CHAIN), LW_EN(REG_CHAIN)));
    if (!json_array_size(up) && !json_array_size(down))
        CHK(c, lw_buf_printf(&b, "  %s (%s)\n", LW_VI(REG_CHAIN_NONE), LW_EN(REG_CHAIN_NONE)));
    chain_text(c, &b, up, "↑");
    chain_text(c, &b, down, "↓");
    json_t *count = json_object_get(o, "cited_by_count");
    if (count)
        CHK(c, lw_buf_printf(&b, "\n%s (%s): %lld\n", LW_VI(REG_CITING), LW_EN(REG_CITING),
                             (long long)json_integer_value(count)));
    if (c->nomem) {
        lw_buf_free(&b);
        return LAWWATCH_OK; /* said by the caller */
    }
    fputs(b.data, out);
    lw_buf_free(&b);
    if (!db || !json_integer_value(count))
        return LAWWATCH_OK;
    /* the rows as `search --cites` writes them: the same words, the same order */
    lawwatch_view tv = {LAWWATCH_FORMAT_TEXT, c->v && c->v->color, c->v ? c->v->cwd : NULL};
    return lawwatch_cites_write(db, eng->rules_dir, js(o, "id"), 0, &tv, out, NULL, NULL, err);
}

lawwatch_status lawwatch_registry_write(const lawwatch_engine *eng, lawwatch_db *db, const char *id,
                                        const lawwatch_view *v, FILE *out, size_t *n, lawwatch_error *err)
{
    if (n)
        *n = 0;
    if (v && v->format != LAWWATCH_FORMAT_TEXT && v->format != LAWWATCH_FORMAT_JSON)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    if (!eng || !out)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_OUTPUT, "lawwatch_registry_write");
    if (id && !*id)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_ID);
    unsigned long oom = lw_oom_mark();
    lw_registry *reg = NULL;
    lw_error ie;
    lw_error_clear(&ie);
    lw_status ist = lw_registry_load_dir(eng->rules_dir, &reg, &ie);
    if (ist)
        return lw_api_out_error(err, &ie);
    ctx c = {reg, v, 0};
    int json = v && v->format == LAWWATCH_FORMAT_JSON;
    lawwatch_status st = LAWWATCH_OK;
    json_t *doc = NULL;
    size_t count = 0;
    if (!id) {
        doc = json_array();
        c.nomem |= !doc;
        if (doc && (ist = list_json(&c, db, doc, &ie)))
            st = lw_api_out_error(err, &ie);
        count = json_array_size(doc);
    } else {
        st = detail_json(&c, eng, db, id, &doc, err);
        count = 1;
    }
    if (!st && (c.nomem || lw_oom_since(oom)))
        st = LAWWATCH_NOMEM(err);
    if (!st && json) {
        char *text = lw_json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text) {
            st = LAWWATCH_NOMEM(err);
        } else {
            fputs(text, out);
            fputc('\n', out);
            free(text);
        }
    } else if (!st && !id) {
        list_text(&c, doc, db != NULL, out);
    } else if (!st) {
        st = detail_text(&c, eng, db, doc, out, err);
    }
    if (!st && (c.nomem || lw_oom_since(oom)))
        st = LAWWATCH_NOMEM(err);
    json_decref(doc);
    lw_registry_free(reg);
    if (n && !st)
        *n = count;
    return st;
}

int lawwatch_text_contains(const char *text, const char *part)
{
    if (!text || !part)
        return 0;
    char *t = lw_store_fold(text), *p = lw_store_fold(part);
    int found = t && p && strstr(t, p) != NULL;
    free(t);
    free(p);
    return found;
}
