/* lw_check: citation, cross-unit and duty findings over a docset (see the header).
 *
 * How plans are paired: a unit's plan (Kế hoạch of a district, a department, ...) answers
 * the province's plan it cites by number; failing that, the province plan of the same year
 * and province; failing that, the only province plan of that year. Duties of two plans are
 * "the same" when they have the same topic (rules/duties.yaml): activities are worded too
 * freely for anything stricter, and a topic list is something reviewers can extend. Like is
 * compared with like: a duty to make others do the work (it names them with role
 * "concerns": lw_ds_duty.directs) only with such a duty, and a unit a duty only concerns is
 * not given it. */
#include "lw_check.h"
#include "lw_oom.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_check_ocr.h"
#include "lw_date.h"
#include "lw_docset.h"
#include "lw_duty.h"
#include "lw_msg.h"
#include "lw_resolve.h"

/* A finding's message: the longest (a superseded citation) names two documents with their
 * types, a date and the stating document's label. */
#define LW_CHECK_MESSAGE_MAX 1200
/* A cited id as reviewers write it ("Thông tư số 04/2021/TT-BTP"). */
#define LW_CHECK_NAME_MAX 300
/* The lead units of a duty, listed in one finding. */
#define LW_CHECK_NAMES_MAX 600
/* issue 20: how many documents get their full references and duties at a time (one query
 * each for them): a few MB at most, and few queries. */
#define LW_CHECK_GROUP 512
/* An ISO date and its NUL; a date as shown (dd/mm/yyyy) and its NUL. */
#define LW_CHECK_DATE_SIZE 11

/* A relation stated by an ingested document ("Thông tư này thay thế Thông tư số ...", a row
 * of a list of documents that ceased to have effect): counted as the registry's facts are,
 * with the stating document as the source. One per id acted on, type and acting id: the one
 * known in force earliest. */
typedef struct {
    char *type;        /* replaces, amends or repeals */
    char *to, *key;    /* the id acted on, and its lookup key (id_key) */
    char *by, *by_key; /* the replacing or amending id (the stating document's own number when
                          it speaks of itself), and its key */
    char *since;       /* when by was surely in force: the date the stating document gives
                          (for itself, or for the acting document: "có hiệu lực thi hành từ
                          …"), else for itself its date; for a third document the registry's
                          date of it, else the stating document's date */
    size_t doc;        /* the stating document (docset index) */
    int line;
    const char *by_type; /* the acting document's type as the stating document cites it, or
                            NULL (borrowed from the docset): asked of its references when the
                            relation is read, or (issue 20: a lazy docset keeps none) of its
                            references filled (relation_types) */
} crel;

typedef struct {
    lw_docset *ds; /* not const: it remembers what each unit name covers */
    const lw_registry *reg;
    const lw_ruleset *rs;
    const lw_lexicon *lx;
    const lw_check_options *opt;
    json_t *out;
    size_t *pplans;     /* the province plans, by year then index */
    size_t npplans;
    char **labels;      /* each document as reviewers name it (lw_doc_label), NULL: none;
                           made when first asked (doc_label): issue 20, most are never */
    unsigned char *labeled; /* by document: its label made */
    crel *rels;         /* sorted by key */
    size_t nrels;
    char **from_keys;   /* the keys of the acting ids they name (borrowed from rels), sorted */
    size_t nfrom;
    lw_check_ocr *ocr;  /* the known symbol parts (lw_check_ocr.h) */
    char *unit_key;     /* the unit filter folded once, or NULL */
    int nomem;          /* sticky: memory ran out (a finding or a fact of one would be lost
                           silently: the run fails) */
} cctx;

static const char *sev_name[] = {"error", "warning", "info"};

/* A message's Vietnamese text: findings are for the reviewers (lw_check.h). */
static const char *vi(lw_msg_id id) { return lw_msg_get(id, LW_LANG_VI); }
enum { SEV_ERROR, SEV_WARNING, SEV_INFO };

/* Document di as reviewers name it (lw_doc_label), NULL when its header names nothing (or
 * memory ran out: c->nomem set); made once, when first asked. */
static const char *doc_label(cctx *c, size_t di)
{
    if (!c->labeled[di]) {
        const lw_ds_doc *d = lw_docset_doc(c->ds, di);
        lw_buf b = {0};
        int rc = lw_doc_label(&b, d->kind, d->number, d->date, d->issuer);
        if (rc < 0 || (rc == 0 && !(c->labels[di] = lw_buf_detach(&b, NULL))))
            c->nomem = 1;
        lw_buf_free(&b);
        c->labeled[di] = 1;
    }
    return c->labels[di];
}

/* Whether findings on document di are wanted (filters). */
static int wanted(const cctx *c, size_t di)
{
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    if (c->opt && c->opt->year && d->year != c->opt->year)
        return 0;
    if (c->opt && c->opt->doc_id && d->id != c->opt->doc_id)
        return 0;
    if (c->unit_key) { /* the issuer's folded name, kept once per issuer (issue 20) */
        const lw_ds_issuer *is = d->issuer ? lw_docset_issuer(c->ds, d->issuer_ix) : NULL;
        return is && strstr(is->key, c->unit_key);
    }
    return 1;
}

/* A finding on document di; its message is msg's Vietnamese text (the reviewers' language)
 * with the arguments. evidence is taken; NULL (a value that could not be made) fails the run
 * as out of memory. */
static void finding(cctx *c, const char *code, int sev, size_t di, int line, int page, json_t *evidence, lw_msg_id msg,
                    ...)
{
    if (!wanted(c, di)) {
        json_decref(evidence);
        return;
    }
    if (!evidence) {
        c->nomem = 1;
        return;
    }
    char text[LW_CHECK_MESSAGE_MAX];
    va_list ap;
    va_start(ap, msg);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    /* the table's format: tests/unit/test_msg.c checks its conversions against the English */
    vsnprintf(text, sizeof text, lw_msg_get(msg, LW_LANG_VI), ap);
#pragma GCC diagnostic pop
    va_end(ap);
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    json_t *f = json_pack("{s:s,s:s,s:s,s:I,s:s?,s:s?,s:i,s:s,s:o}", "code", code, "severity", sev_name[sev], "path",
                          d->path, "id", (json_int_t)d->id, "label", doc_label(c, di), "subject",
                          d->subject, "line", line > 0 ? line : 1, "message", text, "evidence", evidence);
    /* a PDF's or a scan's line is on its page (no key for plain text and Word files) */
    if (f && page > 0 && json_object_set_new(f, "page", json_integer(page)))
        c->nomem = 1;
    if (json_array_append_new(c->out, f))
        c->nomem = 1;
}

/* An entry of the registry as reviewers name it: "Nghị định số 75/2021/NĐ-CP ngày 24/07/2021
 * của Chính phủ quy định ...". Owned; NULL when out of memory. */
static char *entry_label(const lw_registry_entry *e)
{
    lw_buf b = {0};
    if (lw_doc_label(&b, e->type, e->id, e->issued, e->issuer) < 0)
        goto oom;
    if (e->title && *e->title) {
        const char *t = e->title;
        /* the title follows the name in lower case: "Về ..." reads "về ...", "Đ" "đ" */
        if (*t >= 'A' && *t <= 'Z') {
            if (lw_buf_printf(&b, " %c%s", *t - 'A' + 'a', t + 1))
                goto oom;
        } else if (!strncmp(t, "Đ", strlen("Đ"))) {
            if (lw_buf_printf(&b, " đ%s", t + strlen("Đ")))
                goto oom;
        } else if (lw_buf_printf(&b, " %s", t)) {
            goto oom;
        }
    }
    return lw_buf_detach(&b, NULL);
oom:
    lw_buf_free(&b);
    return NULL;
}

/* Sets "registry_label" of an evidence object for entry e: ev, or NULL (ev released) when
 * out of memory. */
static json_t *with_entry(json_t *ev, const lw_registry_entry *e)
{
    char *l = e && ev ? entry_label(e) : NULL;
    if (ev && e && (!l || json_object_set_new(ev, "registry_label", json_string(l)))) {
        json_decref(ev);
        ev = NULL;
    }
    free(l);
    return ev;
}

/* The date from which an entry counts: effective, else issued. */
static const char *in_force_from(const lw_registry_entry *e) { return e ? (e->effective ? e->effective : e->issued) : NULL; }

/* Whether document d (date or year) is on or after iso. -1 when it cannot be told. */
static int doc_on_or_after(const lw_ds_doc *d, const char *iso)
{
    if (!iso)
        return -1;
    if (d->date)
        return strcmp(d->date, iso) >= 0;
    int y = atoi(iso);
    if (d->year && d->year > y)
        return 1;
    if (d->year && d->year < y)
        return 0;
    return -1;
}

static const char *source_of(const lw_registry_entry *e, const char *fact)
{
    size_t n = 0;
    const char *const *v = lw_registry_sources(e, fact, &n);
    return n ? v[0] : NULL;
}

static int cites(const cctx *c, const lw_ds_doc *d, const char *id)
{
    if (!id)
        return 0;
    const lw_registry_entry *want = lw_registry_find(c->reg, id);
    for (size_t k = 0; k < d->n_refs; k++) {
        const lw_ds_ref *r = lw_docset_ref(c->ds, d->first_ref + k);
        if (!r->id)
            continue;
        if (!strcasecmp(r->id, id) || (want && lw_registry_find(c->reg, r->id) == want))
            return 1;
    }
    /* the amendment itself cites what it amends */
    return d->number && (!strcasecmp(d->number, id) || (want && lw_registry_find(c->reg, d->number) == want));
}

/* Codes that open the symbols of several types: a Luật and a Nghị quyết of the Quốc hội
 * both end in "QH15" (lexicon.yaml, symbol_codes_shared). */
static int shared_code(const cctx *c, const char *symbol)
{
    json_t *codes = lw_ruleset_data(c->rs, "symbol_codes_shared");
    size_t i;
    json_t *v;
    json_array_foreach(codes, i, v) {
        const char *code = json_string_value(v);
        if (code && !strncasecmp(symbol, code, strlen(code)))
            return 1;
    }
    return 0;
}

/* ---- relations stated by the ingested documents ---- */

/* The key ids are compared by: folded (case, diacritics), without the number's leading
 * zeros. Owned; NULL when out of memory. */
static char *id_key(const char *id)
{
    char *k = lw_store_fold(id);
    if (k) {
        size_t z = 0;
        while (k[z] == '0' && k[z + 1] >= '0' && k[z + 1] <= '9')
            z++;
        memmove(k, k + z, strlen(k + z) + 1);
    }
    return k;
}

static int cmp_rel(const void *a, const void *b)
{
    const crel *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    if (!r)
        r = strcmp(x->type, y->type);
    if (!r)
        r = strcmp(x->by_key, y->by_key);
    if (!r)
        r = strcmp(x->since, y->since);
    if (!r)
        r = (x->doc > y->doc) - (x->doc < y->doc);
    return r;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct {
    long long id;
    size_t ix;
} id_ix;

static int cmp_id_ix(const void *a, const void *b)
{
    const id_ix *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static char *dup_str(const char *t) { return t ? strdup(t) : NULL; }

static void free_rel(crel *r)
{
    free(r->type);
    free(r->to);
    free(r->key);
    free(r->by);
    free(r->by_key);
    free(r->since);
}

/* What load_relations reads, for the store's row callback. */
typedef struct {
    cctx *c;
    id_ix *map;   /* documents by id */
    size_t n, cap;
    lw_status rc;
    lw_error *err;
} rel_load;

static int on_relation(void *ud, const lw_store_relation_row *q)
{
    rel_load *l = ud;
    cctx *c = l->c;
    id_ix want = {q->doc_id, 0}, *hit = bsearch(&want, l->map, l->n, sizeof *l->map, cmp_id_ix);
    if (!hit)
        return 0;
    const lw_ds_doc *sd = lw_docset_doc(c->ds, hit->ix);
    const char *from = q->from_id;
    const char *by = from ? from : sd->number;
    if (!by)
        return 0; /* a document without a number: nobody can cite what replaced it */
    const char *stated = q->since;
    int self = !from || (sd->number && !strcasecmp(from, sd->number));
    const lw_registry_entry *be = self ? NULL : lw_registry_find(c->reg, by);
    const char *since = stated ? stated : self ? sd->date : be && in_force_from(be) ? in_force_from(be) : sd->date;
    if (!since)
        return 0;
    if (c->nrels == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        crel *v = realloc(c->rels, nc * sizeof *v);
        if (!v) {
            l->rc = lw_error_msg(l->err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
            return 1;
        }
        c->rels = v;
        l->cap = nc;
    }
    crel *r = &c->rels[c->nrels++];
    *r = (crel){.type = dup_str(q->type), .to = dup_str(q->to_id), .by = strdup(by), .since = strdup(since),
                .doc = hit->ix, .line = q->line};
    r->key = r->to ? id_key(r->to) : NULL;
    r->by_key = id_key(by);
    for (size_t k = 0; k < sd->n_refs && !r->by_type; k++) {
        const lw_ds_ref *sr = lw_docset_ref(c->ds, sd->first_ref + k);
        if (sr->id && sr->type && !strcasecmp(sr->id, by))
            r->by_type = sr->type;
    }
    if (!r->type || !r->to || !r->key || !r->by || !r->by_key || !r->since) {
        l->rc = lw_error_msg(l->err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        return 1;
    }
    return 0;
}

/* Reads the relations that can make a citation outdated (replaces, amends, repeals), keeps
 * those whose acting document and date are known, one per (id, type, acting id). */
static lw_status load_relations(cctx *c, lw_store *s, lw_error *err)
{
    size_t n = lw_docset_ndocs(c->ds);
    id_ix *map = calloc(n + 1, sizeof *map);
    if (!map)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < n; i++)
        map[i] = (id_ix){lw_docset_doc(c->ds, i)->id, i};
    qsort(map, n, sizeof *map, cmp_id_ix);
    rel_load l = {c, map, n, 0, LW_OK, err};
    lw_status rc = lw_store_each_relation(s, on_relation, &l, err);
    if (!rc)
        rc = l.rc;
    free(map);
    if (rc)
        return rc;
    if (c->nrels)
        qsort(c->rels, c->nrels, sizeof *c->rels, cmp_rel);
    /* one per (id, type, acting id): the first, known in force earliest */
    size_t k = 0;
    for (size_t i = 0; i < c->nrels; i++) {
        crel *r = &c->rels[i];
        if (k && !strcmp(c->rels[k - 1].key, r->key) && !strcmp(c->rels[k - 1].type, r->type) &&
            !strcmp(c->rels[k - 1].by_key, r->by_key))
            free_rel(r);
        else
            c->rels[k++] = *r;
    }
    c->nrels = k;
    c->from_keys = calloc(c->nrels + 1, sizeof *c->from_keys);
    if (!c->from_keys)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < c->nrels; i++)
        c->from_keys[c->nfrom++] = c->rels[i].by_key; /* borrowed from rels */
    qsort(c->from_keys, c->nfrom, sizeof *c->from_keys, cmp_str);
    return LW_OK;
}

static void free_relations(cctx *c)
{
    for (size_t i = 0; i < c->nrels; i++)
        free_rel(&c->rels[i]);
    free(c->rels);
    free(c->from_keys);
}

static int same_id(cctx *c, const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    char *x = id_key(a), *y = id_key(b);
    if (!x || !y)
        c->nomem = 1;
    int r = x && y && !strcmp(x, y);
    free(x);
    free(y);
    return r;
}

/* Whether the registry already says what a relation says (then it is found there). */
static int in_registry(cctx *c, const lw_registry_entry *e, const char *type, const char *by)
{
    if (!e)
        return 0;
    if (!strcmp(type, "replaces"))
        return same_id(c, e->replaced_by, by);
    for (size_t a = 0; a < e->n_amended_by; a++)
        if (same_id(c, e->amended_by[a], by))
            return 1;
    return 0;
}

/* The first relation of key, or c->nrels. */
static size_t first_rel(const cctx *c, const char *key)
{
    size_t lo = 0, hi = c->nrels;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->rels[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* An id as reviewers write it: "Thông tư số 04/2021/TT-BTP", the type from the registry,
 * else from the database's document of that number, else hint (the type word cited); the
 * bare id when none is known. Into buf. */
static const char *name_id(const cctx *c, const char *hint, const char *id, char *buf, size_t n)
{
    const lw_registry_entry *e = lw_registry_find(c->reg, id);
    const char *t = e && e->type ? e->type : NULL;
    if (!t) {
        size_t k = lw_docset_find_number(c->ds, id);
        t = k != (size_t)-1 ? lw_docset_doc(c->ds, k)->kind : hint;
    }
    if (t && *t)
        snprintf(buf, n, vi(LW_MSG_CHECK_NAMED_ID), t, id);
    else
        snprintf(buf, n, "%s", id);
    return buf;
}

/* Citation r of document di against the relations the other documents state of its id. */
static void check_relations(cctx *c, size_t di, const lw_ds_ref *r, const lw_registry_entry *e)
{
    if (!c->nrels)
        return;
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    char *key = id_key(r->id);
    if (!key) {
        c->nomem = 1;
        return;
    }
    char b1[LW_CHECK_DATE_SIZE], b2[LW_CHECK_DATE_SIZE];
    for (size_t i = first_rel(c, key); i < c->nrels && !strcmp(c->rels[i].key, key); i++) {
        const crel *rel = &c->rels[i];
        const char *by = rel->by;
        if (rel->doc == di || doc_on_or_after(d, rel->since) != 1 || cites(c, d, by) ||
            same_id(c, d->number, r->id) || in_registry(c, e, rel->type, by))
            continue;
        const lw_ds_doc *sd = lw_docset_doc(c->ds, rel->doc);
        const char *slabel = doc_label(c, rel->doc) ? doc_label(c, rel->doc) : sd->path;
        json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:I,s:s,s:s?,s:i}", "cited", r->text, "cited_id", r->id,
                               !strcmp(rel->type, "replaces") ? "replaced_by" : "amended_by", by, "since",
                               rel->since, "document_date", d->date, "source_id", (json_int_t)sd->id, "source_path",
                               sd->path, "source_label", doc_label(c, rel->doc), "source_line", rel->line);
        const char *by_type = rel->by_type; /* as the stating document cites it */
        char n1[LW_CHECK_NAME_MAX], n2[LW_CHECK_NAME_MAX];
        name_id(c, r->type, r->id, n1, sizeof n1);
        name_id(c, by_type, by, n2, sizeof n2);
        if (!strcmp(rel->type, "replaces"))
            finding(c, "citation.superseded", SEV_ERROR, di, r->line, r->page, ev, LW_MSG_CHECK_SUPERSEDED_STATED, n1, n2,
                    lw_date_vi(rel->since, b1), slabel, d->date ? " (" : "", d->date ? lw_date_vi(d->date, b2) : "",
                    d->date ? ")" : "");
        else if (!strcmp(rel->type, "repeals"))
            finding(c, "citation.missing_amendment", SEV_ERROR, di, r->line, r->page, ev, LW_MSG_CHECK_REPEALED_STATED, n1, n2,
                    lw_date_vi(rel->since, b1), slabel);
        else
            finding(c, "citation.missing_amendment", SEV_ERROR, di, r->line, r->page, ev, LW_MSG_CHECK_AMENDED_STATED, n1, n2,
                    lw_date_vi(rel->since, b1), slabel);
    }
    free(key);
}

/* Whether an ingested document states a relation of id, as the document acted on or the
 * one acting: then id is known, as a registry entry would make it. */
static int relation_of(cctx *c, const char *id)
{
    char *key = c->nrels ? id_key(id) : NULL;
    if (c->nrels && !key)
        c->nomem = 1;
    if (!key)
        return 0;
    size_t lo = first_rel(c, key);
    int r = (lo < c->nrels && !strcmp(c->rels[lo].key, key)) ||
            bsearch(&key, c->from_keys, c->nfrom, sizeof *c->from_keys, cmp_str);
    free(key);
    return r;
}

static void check_citations(cctx *c, size_t di)
{
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    char b1[LW_CHECK_DATE_SIZE], b2[LW_CHECK_DATE_SIZE], b3[LW_CHECK_DATE_SIZE];
    char n1[LW_CHECK_NAME_MAX], n2[LW_CHECK_NAME_MAX];
    for (size_t k = 0; k < d->n_refs; k++) {
        const lw_ds_ref *r = lw_docset_ref(c->ds, d->first_ref + k);
        if (!r->id)
            continue;
        /* one finding per document and id (and per date for dates) */
        int first = 1, first_date = 1;
        for (size_t j = 0; j < k; j++) {
            const lw_ds_ref *p = lw_docset_ref(c->ds, d->first_ref + j);
            if (p->id && !strcasecmp(p->id, r->id)) {
                first = 0;
                if ((p->date && r->date && !strcmp(p->date, r->date)) || (!p->date && !r->date))
                    first_date = 0;
            }
        }
        int party = strchr(r->id, '-') && strchr(r->id, '/') && strchr(r->id, '-') < strchr(r->id, '/');
        const char *sym_type = r->symbol && !party && !shared_code(c, r->symbol)
                                   ? lw_lexicon_type_of_symbol(c->lx, r->symbol)
                                   : NULL;
        if (first_date && sym_type && r->type && strcmp(sym_type, r->type)) {
            finding(c, "citation.symbol_mismatch", SEV_ERROR, di, r->line, r->page,
                    json_pack("{s:s,s:s,s:s,s:s}", "cited", r->text, "type", r->type, "symbol", r->symbol,
                              "symbol_type", sym_type),
                    LW_MSG_CHECK_TYPE_SYMBOL, r->type,
                    r->symbol, sym_type, r->text);
        }
        const lw_registry_entry *e = lw_registry_find(c->reg, r->id);
        /* a year that contradicts the date: when the registry knows the document, the date
         * is the mistake (wrong_date below); else the two cannot be told apart */
        if (first_date && r->year_mismatch && r->date && !(e && e->issued)) {
            finding(c, "citation.symbol_mismatch", SEV_ERROR, di, r->line, r->page,
                    json_pack("{s:s,s:i,s:s}", "cited", r->text, "number_year", r->year, "date", r->date),
                    LW_MSG_CHECK_YEAR_DATE, r->year,
                    lw_date_vi(r->date, b1), r->text);
        }
        if (first)
            check_relations(c, di, r, e);
        if (!e) {
            /* a document of this database is known too; a document stated to be replaced or
             * amended by one of them is known (check_relations) */
            if (first && r->target == (size_t)-1 && !relation_of(c, r->id)) {
                const char *why = lw_check_ocr_reason(c->ocr, c->ds, d, r, &c->nomem);
                json_t *ev = json_pack("{s:s,s:s}", "cited", r->text, "id", r->id);
                if (ev && why &&
                    (json_object_set_new(ev, "ocr_suspect", json_true()) ||
                     json_object_set_new(ev, "ocr_reason", json_string(why)))) {
                    json_decref(ev);
                    ev = NULL;
                }
                if (why)
                    finding(c, "citation.unknown", SEV_INFO, di, r->line, r->page, ev, LW_MSG_CHECK_UNKNOWN_OCR_ID, r->id, why);
                else
                    finding(c, "citation.unknown", SEV_INFO, di, r->line, r->page, ev, LW_MSG_CHECK_UNKNOWN_ID, r->id);
            }
            continue;
        }
        if (first_date && r->date && e->issued && strcmp(r->date, e->issued)) {
            const char *src = source_of(e, "issued");
            finding(c, "citation.wrong_date", SEV_ERROR, di, r->line, r->page,
                    with_entry(json_pack("{s:s,s:s,s:s,s:s,s:s?}", "cited_text", r->text, "cited", r->date,
                                         "registry", e->issued, "registry_entry", e->id, "registry_source", src),
                               e),
                    LW_MSG_CHECK_WRONG_DATE,
                    name_id(c, r->type, e->id, n1, sizeof n1), lw_date_vi(r->date, b1), lw_date_vi(e->issued, b2));
        }
        if (first && e->replaced_by) {
            const lw_registry_entry *rep = lw_registry_find(c->reg, e->replaced_by);
            const char *since = in_force_from(rep);
            if (doc_on_or_after(d, since) == 1 && !cites(c, d, e->replaced_by))
                finding(c, "citation.superseded", SEV_ERROR, di, r->line, r->page,
                        with_entry(json_pack("{s:s,s:s,s:s?,s:s?,s:s?}", "cited", r->text, "replaced_by",
                                             e->replaced_by, "since", since, "document_date", d->date,
                                             "registry_source", source_of(e, "replaced_by")),
                                   e),
                        LW_MSG_CHECK_SUPERSEDED, name_id(c, r->type, e->id, n1, sizeof n1),
                        name_id(c, NULL, e->replaced_by, n2, sizeof n2), lw_date_vi(since, b1),
                        d->date ? " (" : "", d->date ? lw_date_vi(d->date, b3) : "", d->date ? ")" : "");
        }
        for (size_t a = 0; first && a < e->n_amended_by; a++) {
            const char *am = e->amended_by[a];
            const lw_registry_entry *ae = lw_registry_find(c->reg, am);
            const char *since = in_force_from(ae);
            if (doc_on_or_after(d, since) == 1 && !cites(c, d, am))
                finding(c, "citation.missing_amendment", SEV_ERROR, di, r->line, r->page,
                        with_entry(json_pack("{s:s,s:s,s:s,s:s?,s:s?}", "cited", r->text, "cited_id", e->id,
                                             "amended_by", am, "since", since, "registry_source",
                                             source_of(e, "amended_by")),
                                   e),
                        LW_MSG_CHECK_AMENDED, name_id(c, r->type, e->id, n1, sizeof n1),
                        name_id(c, NULL, am, n2, sizeof n2), lw_date_vi(since, b1));
        }
    }
}

/* ---- plans ---- */

static int recurring(const lw_ds_duty *u) { return !u->to || (u->qualifier && !strcmp(u->qualifier, "recurring")); }

/* The province plan a unit plan answers, or (size_t)-1. */
static size_t province_plan_of(const cctx *c, size_t ui)
{
    const lw_ds_doc *u = lw_docset_doc(c->ds, ui);
    for (size_t k = 0; k < u->n_refs; k++) {
        const lw_ds_ref *r = lw_docset_ref(c->ds, u->first_ref + k);
        size_t p = r->target;
        if (p != (size_t)-1 && p != ui && lw_docset_doc(c->ds, p)->is_plan && lw_docset_doc(c->ds, p)->is_province)
            return p;
    }
    size_t same_prov = (size_t)-1, only = (size_t)-1;
    int n_year = 0;
    size_t lo = 0, hi = c->npplans;
    while (lo < hi) { /* the first province plan of the year */
        size_t mid = lo + (hi - lo) / 2;
        if (lw_docset_doc(c->ds, c->pplans[mid])->year < u->year)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < c->npplans && lw_docset_doc(c->ds, c->pplans[k])->year == u->year; k++) {
        size_t i = c->pplans[k];
        const lw_ds_doc *p = lw_docset_doc(c->ds, i);
        if (i == ui || !p->year)
            continue;
        n_year++;
        only = i;
        if (p->province && u->province && !strcmp(p->province, u->province) && same_prov == (size_t)-1)
            same_prov = i;
    }
    if (same_prov != (size_t)-1)
        return same_prov;
    return n_year == 1 && !u->province ? only : (size_t)-1;
}

/* Whether duty pd (of a province plan) is given to the issuer of unit plan u: by a lead
 * unit, or also by a partner when partners is set. */
static int given_to(const cctx *c, const lw_ds_duty *pd, const lw_ds_doc *u, int partners)
{
    for (size_t k = 0; k < pd->n_units && u->issuer_ix != (size_t)-1; k++) {
        const lw_ds_unit *un = &pd->units[k];
        /* a unit the duty concerns (the one directed) is not given the duty */
        if (!strcmp(un->role, "concerns") || (!partners && strcmp(un->role, "lead")))
            continue;
        /* lw_docset_covers(un->name, u->issuer), remembered per name: a sorted list */
        size_t n;
        const size_t *cov = lw_docset_covered(c->ds, un->name, &n);
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cov[mid] < u->issuer_ix)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && cov[lo] == u->issuer_ix)
            return 1;
    }
    return 0;
}

static const char *lead_names(const lw_ds_duty *d, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < d->n_units && used + 1 < n; k++)
        if (!strcmp(d->units[k].role, "lead"))
            used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", d->units[k].name);
    return buf;
}

/* Topics a unit's plan takes up by existing ("ban hành kế hoạch"): set.implied of the topic. */
static int implied_topic(const cctx *c, const char *topic)
{
    for (size_t i = 0; i < lw_ruleset_count(c->rs); i++) {
        const lw_rule *r = lw_ruleset_rule(c->rs, i);
        if (strcmp(r->kind, "duty.topic"))
            continue;
        const char *t = json_string_value(json_object_get(r->set, "topic"));
        if (t && !strcmp(t, topic) && json_is_true(json_object_get(r->set, "implied")))
            return 1;
    }
    return 0;
}

static const char *topic_label(const cctx *c, const char *topic)
{
    for (size_t i = 0; topic && i < lw_ruleset_count(c->rs); i++) {
        const lw_rule *r = lw_ruleset_rule(c->rs, i);
        const char *t = json_string_value(json_object_get(r->set, "topic"));
        if (!strcmp(r->kind, "duty.topic") && t && !strcmp(t, topic))
            return json_string_value(json_object_get(r->set, "label"));
    }
    return topic;
}

static void check_unit_plan(cctx *c, size_t ui)
{
    const lw_ds_doc *u = lw_docset_doc(c->ds, ui);
    size_t pi = province_plan_of(c, ui);
    if (pi == (size_t)-1)
        return;
    const lw_ds_doc *p = lw_docset_doc(c->ds, pi);
    char b1[LW_CHECK_DATE_SIZE], b2[LW_CHECK_DATE_SIZE], names[LW_CHECK_NAMES_MAX];
    /* deadline.conflict: for each duty of the unit, the strictest province duty of its topic */
    for (size_t k = 0; k < u->n_duties; k++) {
        const lw_ds_duty *ud = lw_docset_duty(c->ds, u->first_duty + k);
        if (!ud->topic || recurring(ud))
            continue;
        const lw_ds_duty *best = NULL;
        for (size_t j = 0; j < p->n_duties; j++) {
            const lw_ds_duty *pd = lw_docset_duty(c->ds, p->first_duty + j);
            /* like with like: directing others to do X is not doing X */
            if (!pd->topic || strcmp(pd->topic, ud->topic) || pd->directs != ud->directs || recurring(pd) ||
                !given_to(c, pd, u, 1))
                continue;
            if (!best || strcmp(pd->to, best->to) < 0)
                best = pd;
        }
        if (best && strcmp(ud->to, best->to) > 0)
            finding(c, "deadline.conflict", SEV_ERROR, ui, ud->deadline_line ? ud->deadline_line : ud->line, ud->page,
                    json_pack("{s:s,s:s?,s:s,s:s,s:s?,s:s?,s:i,s:s,s:s?,s:s?}", "topic", ud->topic,
                              "unit_deadline_text", ud->deadline_text, "unit_deadline", ud->to, "province_path",
                              p->path, "province_label", doc_label(c, pi), "province_number", p->number, "province_line",
                              best->deadline_line ? best->deadline_line : best->line, "province_deadline", best->to,
                              "province_deadline_text", best->deadline_text, "province_activity", best->activity),
                    LW_MSG_CHECK_DEADLINE_CONFLICT, ud->deadline_text ? ud->deadline_text : "", lw_date_vi(ud->to, b1),
                    p->number ? vi(LW_MSG_CHECK_NUMBER_WORD) : "", p->number ? p->number : "",
                    topic_label(c, ud->topic), best->deadline_text ? best->deadline_text : "",
                    lw_date_vi(best->to, b2));
    }
    /* duty.missing: each province duty led by this unit (or its level) whose topic the plan lacks */
    for (size_t j = 0; j < p->n_duties; j++) {
        const lw_ds_duty *pd = lw_docset_duty(c->ds, p->first_duty + j);
        if (!pd->topic || implied_topic(c, pd->topic) || !given_to(c, pd, u, 0))
            continue;
        int taken = 0;
        for (size_t k = 0; k < u->n_duties && !taken; k++) {
            const lw_ds_duty *ud = lw_docset_duty(c->ds, u->first_duty + k);
            taken = ud->topic && !strcmp(ud->topic, pd->topic) && ud->directs == pd->directs;
        }
        if (!taken)
            finding(c, "duty.missing", SEV_ERROR, ui, 1, 0,
                    json_pack("{s:s,s:s,s:s?,s:s?,s:i,s:s?,s:s}", "topic", pd->topic, "province_path", p->path,
                              "province_label", doc_label(c, pi), "province_number", p->number, "province_line",
                              pd->line, "province_activity", pd->activity, "assigned_to",
                              lead_names(pd, names, sizeof names)),
                    LW_MSG_CHECK_DUTY_MISSING, p->number ? vi(LW_MSG_CHECK_NUMBER_WORD) : "",
                    p->number ? p->number : "", pd->activity ? pd->activity : "", topic_label(c, pd->topic), names);
    }
}

/* ---- duties on their own ---- */

static void check_duties(cctx *c, size_t di)
{
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    json_t *levels = lw_ruleset_data(c->rs, "abolished_levels");
    char b1[LW_CHECK_DATE_SIZE], b2[LW_CHECK_DATE_SIZE];
    for (size_t k = 0; k < d->n_duties; k++) {
        const lw_ds_duty *u = lw_docset_duty(c->ds, d->first_duty + k);
        /* a plan dates its work; the standing duties of a directive or a letter ("thường
         * xuyên", "theo định kỳ") carry none by nature */
        if (!u->to && d->is_plan && lw_docset_needs_deadline(c->ds, d, u))
            finding(c, "deadline.missing", SEV_WARNING, di, u->line, u->page,
                    json_pack("{s:s?,s:s?,s:s?}", "activity", u->activity, "section", u->section, "topic", u->topic),
                    LW_MSG_CHECK_DEADLINE_MISSING, u->activity ? u->activity : "");
        size_t li;
        json_t *lv;
        json_array_foreach(levels, li, lv) {
            const char *level = json_string_value(json_object_get(lv, "level"));
            const char *from = json_string_value(json_object_get(lv, "from"));
            if (!level || !from || !d->date || strcmp(d->date, from) < 0)
                continue;
            for (size_t n = 0; n < u->n_units; n++) {
                if (!u->units[n].level || strcmp(u->units[n].level, level))
                    continue;
                const char *note = json_string_value(json_object_get(lv, "note"));
                finding(c, "unit.abolished", SEV_WARNING, di, u->units[n].line ? u->units[n].line : u->line, u->page,
                        json_pack("{s:s,s:s,s:s,s:s?}", "unit", u->units[n].name, "level", level, "since", from,
                                  "activity", u->activity),
                        LW_MSG_CHECK_UNIT_ABOLISHED, lw_date_vi(d->date, b1), u->units[n].name,
                        note ? note : vi(LW_MSG_CHECK_LEVEL_GONE), lw_date_vi(from, b2));
                break;
            }
        }
    }
}

static int cmp_finding(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int r = strcmp(json_string_value(json_object_get(x, "path")), json_string_value(json_object_get(y, "path")));
    if (r)
        return r;
    json_int_t ix = json_integer_value(json_object_get(x, "id")), iy = json_integer_value(json_object_get(y, "id"));
    if (ix != iy)
        return ix < iy ? -1 : 1;
    /* page first: a PDF's lines are counted on each page (0 without one) */
    json_int_t px = json_integer_value(json_object_get(x, "page")), py = json_integer_value(json_object_get(y, "page"));
    if (px != py)
        return px < py ? -1 : 1;
    json_int_t lx = json_integer_value(json_object_get(x, "line")), ly = json_integer_value(json_object_get(y, "line"));
    if (lx != ly)
        return lx < ly ? -1 : 1;
    r = strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
    if (r)
        return r;
    return strcmp(json_string_value(json_object_get(x, "message")), json_string_value(json_object_get(y, "message")));
}

/* Sorted, with repeats removed: one finding per document, line, code and message (which
 * names the cited id). */
static json_t *sorted_unique(json_t *arr)
{
    size_t n = json_array_size(arr);
    json_t **v = malloc((n + 1) * sizeof *v);
    json_t *out = v ? json_array() : NULL;
    for (size_t i = 0; out && i < n; i++)
        v[i] = json_array_get(arr, i);
    if (out)
        qsort(v, n, sizeof *v, cmp_finding);
    for (size_t i = 0; out && i < n; i++)
        if ((!i || cmp_finding(&v[i - 1], &v[i])) && json_array_append(out, v[i])) {
            json_decref(out);
            out = NULL;
        }
    free(v);
    json_decref(arr);
    return out; /* NULL when out of memory */
}

typedef struct {
    int year;
    size_t ix;
} year_ix;

static int cmp_year_ix(const void *a, const void *b)
{
    const year_ix *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return (x->ix > y->ix) - (x->ix < y->ix);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* issue 20: a lazy docset keeps no references, so the acting document's type of each
 * relation (on_relation) is asked of its stating document's, filled a group at a time. */
static lw_status relation_types(cctx *c, lw_store *s, lw_error *err)
{
    if (!lw_docset_lazy(c->ds) || !c->nrels)
        return LW_OK;
    size_t *docs = malloc(c->nrels * sizeof *docs), nd = 0;
    if (!docs)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < c->nrels; i++)
        docs[i] = c->rels[i].doc;
    qsort(docs, c->nrels, sizeof *docs, cmp_size);
    for (size_t i = 0; i < c->nrels; i++)
        if (!nd || docs[nd - 1] != docs[i])
            docs[nd++] = docs[i];
    lw_status st = LW_OK;
    for (size_t b = 0; b < nd && !st; b += LW_CHECK_GROUP) {
        size_t m = nd - b < LW_CHECK_GROUP ? nd - b : LW_CHECK_GROUP;
        if ((st = lw_docset_fill(c->ds, s, docs + b, m, err)))
            break;
        for (size_t i = 0; i < c->nrels; i++) {
            crel *r = &c->rels[i];
            if (!bsearch(&r->doc, docs + b, m, sizeof *docs, cmp_size))
                continue;
            const lw_ds_doc *sd = lw_docset_doc(c->ds, r->doc);
            for (size_t k = 0; k < sd->n_refs && !r->by_type; k++) {
                const lw_ds_ref *sr = lw_docset_ref(c->ds, sd->first_ref + k);
                if (sr->id && sr->type && !strcasecmp(sr->id, r->by))
                    r->by_type = sr->type;
            }
        }
    }
    lw_docset_unfill(c->ds);
    free(docs);
    return st;
}

/* The documents in the order of the findings: by path, then id (cmp_finding). */
typedef struct {
    const char *path;
    long long id;
    size_t ix;
} path_id;

static int cmp_path_id(const void *a, const void *b)
{
    const path_id *x = a, *y = b;
    int r = strcmp(x->path, y->path);
    if (r)
        return r;
    return (x->id > y->id) - (x->id < y->id);
}

lw_status lw_check_each(lw_store *s, const lw_engine *eng, const lw_registry *reg, const lw_check_options *opt,
                        lw_check_each_fn fn, void *ud, lw_error *err)
{
    /* the findings are built by many json_* calls and lw_buf appends: out of memory in any
     * is noted (lw_oom) and fails the check at its end, never drops a finding's key */
    unsigned long oom = lw_oom_mark();
    lw_docset *ds = opt ? opt->ds : NULL;
    lw_docset *own = NULL; /* the docset loaded here, freed here (the caller's is not) */
    /* issue 20: a docset of its own is loaded lazily: the documents (their provinces told by
     * their citations) and the province plans' topical duties for the cross-document
     * questions; each group of documents gets its references, duties and subjects in turn
     * (lw_docset_fill) */
    lw_status st = ds ? LW_OK : lw_docset_load(s, lw_engine_rules(eng), LW_DS_LAZY, &own, err);
    if (st)
        return st;
    if (!ds)
        ds = own;
    cctx c = {.ds = ds, .reg = reg, .rs = lw_engine_rules(eng), .lx = lw_engine_lexicon(eng), .opt = opt,
              .out = json_array()};
    size_t n = lw_docset_ndocs(ds);
    c.labels = calloc(n + 1, sizeof *c.labels);
    c.labeled = calloc(n + 1, 1);
    if (!c.labels || !c.labeled || !c.out) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto out;
    }
    if (lw_check_ocr_create(c.rs, &c.ocr, err)) {
        st = LW_ERR_NOMEM;
        goto out;
    }
    if ((st = load_relations(&c, s, err)) || (st = relation_types(&c, s, err)))
        goto out;
    size_t nplans = 0;
    for (size_t i = 0; i < n; i++)
        nplans += lw_docset_doc(ds, i)->is_plan && lw_docset_doc(ds, i)->is_province;
    c.pplans = calloc(nplans + 1, sizeof *c.pplans);
    year_ix *py = calloc(nplans + 1, sizeof *py);
    size_t npy = 0;
    if (opt && opt->unit && *opt->unit)
        c.unit_key = lw_store_fold(opt->unit);
    if (!c.pplans || !py || (opt && opt->unit && *opt->unit && !c.unit_key))
        c.nomem = 1;
    for (size_t i = 0; i < n && !c.nomem; i++) {
        const lw_ds_doc *d = lw_docset_doc(ds, i);
        if (d->is_plan && d->is_province)
            py[npy++] = (year_ix){d->year, i};
    }
    if (!c.nomem) {
        qsort(py, npy, sizeof *py, cmp_year_ix);
        for (size_t i = 0; i < npy; i++)
            c.pplans[c.npplans++] = py[i].ix;
    }
    free(py);
    /* issue 20: one document at a time, in the order of the findings (path, then id): every
     * finding is on the document judged (finding's di), so each document's, sorted, is its
     * slice of the whole run's sorted array, and it is handed on and let go at once */
    path_id *order = c.nomem ? NULL : malloc((n + 1) * sizeof *order);
    size_t *group = c.nomem ? NULL : malloc((LW_CHECK_GROUP + 1) * sizeof *group);
    size_t nw = 0;
    if (!order || !group)
        c.nomem = 1;
    for (size_t i = 0; order && group && i < n; i++)
        if (wanted(&c, i)) /* the others' findings would all be left out (finding) */
            order[nw++] = (path_id){lw_docset_doc(ds, i)->path, lw_docset_doc(ds, i)->id, i};
    if (order && group)
        qsort(order, nw, sizeof *order, cmp_path_id);
    lw_status stopped = LW_OK; /* fn's answer, or the fill's */
    for (size_t k = 0; order && group && k < nw && !c.nomem && !stopped; k++) {
        size_t i = order[k].ix;
        const lw_ds_doc *d = lw_docset_doc(ds, i);
        if (k % LW_CHECK_GROUP == 0) {
            size_t m = 0;
            while (m < LW_CHECK_GROUP && k + m < nw) {
                group[m] = order[k + m].ix;
                m++;
            }
            if ((stopped = lw_docset_fill(ds, s, group, m, err)))
                break;
        }
        check_citations(&c, i);
        check_duties(&c, i);
        if (d->is_plan && !d->is_province && d->issuer)
            check_unit_plan(&c, i);
        /* its label is in its findings (copied): made again should another ask */
        free(c.labels[i]);
        c.labels[i] = NULL;
        c.labeled[i] = 0;
        if (c.nomem || !json_array_size(c.out))
            continue;
        json_t *mine = sorted_unique(c.out); /* takes c.out */
        c.out = mine ? json_array() : NULL;
        if (!mine || !c.out) {
            json_decref(mine);
            c.nomem = 1;
            break;
        }
        stopped = fn(ud, mine);
        json_decref(mine);
    }
    lw_docset_unfill(ds);
    free(order);
    free(group);
    st = stopped;
    if (c.nomem || lw_oom_since(oom)) /* a finding may lack a key (noted by lw_oom) */
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
out: /* every field of c is NULL or owned here, whichever step stopped */
    for (size_t i = 0; c.labels && i < n; i++)
        free(c.labels[i]);
    free(c.unit_key);
    free(c.labels);
    free(c.labeled);
    free_relations(&c);
    lw_check_ocr_free(c.ocr);
    free(c.pplans);
    lw_docset_free(own);
    json_decref(c.out);
    return st;
}

/* What lw_check_run gathers into, and where it says memory ran out. */
typedef struct {
    json_t *all;
    lw_error *err;
} gathering;

/* lw_check_run's gathering: each document's findings appended (they come in order). */
static lw_status gather(void *ud, json_t *doc_findings)
{
    gathering *g = ud;
    return json_array_extend(g->all, doc_findings) ? lw_error_msg(g->err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM)
                                                   : LW_OK;
}

lw_status lw_check_run(lw_store *s, const lw_engine *eng, const lw_registry *reg, const lw_check_options *opt,
                       json_t **findings, lw_error *err)
{
    *findings = NULL;
    json_t *all = json_array();
    if (!all)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    gathering g = {all, err};
    lw_status st = lw_check_each(s, eng, reg, opt, gather, &g, err);
    if (st) {
        json_decref(all);
        return st;
    }
    *findings = all;
    return LW_OK;
}


size_t lw_check_count(const json_t *findings, const char *severity)
{
    size_t n = 0, i;
    json_t *f;
    json_array_foreach((json_t *)findings, i, f) {
        const char *sv = json_string_value(json_object_get(f, "severity"));
        n += sv && !strcmp(sv, severity);
    }
    return n;
}
