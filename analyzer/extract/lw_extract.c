/* lw_extract: rules -> raw matches -> facts and header (the driver).
 *
 * Every rule runs over the whole normalized text; matches are grouped by kind. Within a
 * kind, overlapping matches are settled by priority, then length (the longest reading
 * wins: "hoàn thành trước ngày ..." over "trước ngày ..."). Group names are the contract
 * between rule files and this module:
 *   legal_ref: type, num, year, sym, d m y (its date), pin (pinpoint), title (law by name)
 *   date: d m y        deadline: d m y, mon, q, q2, y (year), see resolve_deadline
 *   agency: name, province, place, head (the head word of a general form: "Cục"), tinh and
 *           suffix (a level word after the name: "tỉnh", "huyện"), ministry and mhead (the
 *           ministry named after a department)
 *   header.*: see lw_extract_header.c    context.year: y
 *   context.province: province       alias: alias (the short name a document defines)
 *
 * The builders are lw_extract_header.c, lw_extract_agency.c, lw_extract_refs.c and
 * lw_extract_dates.c, then lw_duty (duties, on the outline); what they share is in
 * lw_extract_ctx.h (lw_extract_ctx.c), the facts in lw_fact.h. This driver is the top of
 * extract/: it calls them, none calls it.
 */
#include "lw_date.h"
#include "lw_extract_ctx.h"

#include "lw_duty.h"
#include "lw_oom.h"
#include "lw_text.h"

/* Raw matches kept per document: a real document has a few thousand */
#define LW_EXTRACT_MAX_MATCHES 100000
/* A rule's error as a warning: the message, the rule's place and its pattern's caret line */
#define LW_EXTRACT_RULE_ERROR_MAX 1500
/* The sentence before a match that a not_after rule looks at: enough for a clause */
#define LW_EXTRACT_NOT_AFTER_SPAN 400
/* The document's years a context.year match may name (the dominant year is counted) */
#define LW_EXTRACT_YEAR_MIN 1900
#define LW_EXTRACT_YEAR_MAX 2200
/* The issuer is named in the document's first lines: an agency starting this early */
#define LW_EXTRACT_ISSUER_ZONE 800

/* ---- small helpers ---- */

static int collect(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    ctx_t *c = ud;
    if (rule->not_after) {
        /* the sentence before the match: back to a line end, ';' or ". " */
        size_t s = ov[0];
        size_t lim = s > LW_EXTRACT_NOT_AFTER_SPAN ? s - LW_EXTRACT_NOT_AFTER_SPAN : 0;
        while (s > lim) {
            char ch = c->text[s - 1];
            if (ch == '\n' || ch == ';' || (ch == '.' && s < c->len && c->text[s] == ' '))
                break;
            s--;
        }
        if (lw_rule_not_after_hits(c->m, rule, c->text, s, ov[0]))
            return 0;
    }
    match_list *l = &c->all;
    if (l->n >= LW_EXTRACT_MAX_MATCHES) {
        /* a document of nothing but citations: stop, say so, keep what was found */
        if (!c->capped) {
            c->capped = 1;
            lw_x_warn(c, ov[0], LW_MSG_EXTRACT_TOO_MANY_MATCHES, LW_EXTRACT_MAX_MATCHES);
        }
        return 1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        raw_match *p = realloc(l->v, cap * sizeof *p);
        if (!p) {
            c->nomem = 1;
            return 1;
        }
        l->v = p;
        l->cap = cap;
    }
    PCRE2_SIZE *keep = malloc(2 * np * sizeof *keep);
    if (!keep) {
        c->nomem = 1;
        return 1;
    }
    memcpy(keep, ov, 2 * np * sizeof *ov);
    raw_match *r = &l->v[l->n++];
    r->rule = rule;
    r->start = ov[0];
    r->end = ov[1];
    r->np = np;
    r->ov = keep;
    r->dropped = 0;
    return 0;
}

static int cmp_match(const void *a, const void *b)
{
    const raw_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

/* Among matches of one kind (prefix), drop those overlapping a better one. */
static void settle_overlaps(ctx_t *c, const char *kind)
{
    raw_match *v = c->all.v;
    size_t n = c->all.n;
    for (size_t i = 0; i < n; i++) {
        if (v[i].dropped || !kind_is(&v[i], kind))
            continue;
        for (size_t j = i + 1; j < n && v[j].start < v[i].end; j++) {
            if (v[j].dropped || !kind_is(&v[j], kind))
                continue;
            raw_match *a = &v[i], *b = &v[j];
            int pa = a->rule->priority, pb = b->rule->priority;
            size_t la = a->end - a->start, lb = b->end - b->start;
            if (pa > pb || (pa == pb && la >= lb)) {
                b->dropped = 1;
            } else {
                a->dropped = 1;
                break;
            }
        }
    }
}

/* ---- context: years and provinces ---- */

typedef struct {
    size_t pos;
    int year;
} year_at;

static void compute_context(ctx_t *c)
{
    /* the dominant year and the dominant province */
    int years[LW_EXTRACT_YEAR_MAX - LW_EXTRACT_YEAR_MIN] = {0};
    json_t *prov = json_object();
    if (!prov) {
        c->nomem = 1;
        return;
    }
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (kind_is(r, "context.year")) {
            int y = lw_x_grp_int(c, r, "y");
            if (y >= LW_EXTRACT_YEAR_MIN && y < LW_EXTRACT_YEAR_MAX)
                years[y - LW_EXTRACT_YEAR_MIN]++;
        } else if (kind_is(r, "context.province") || (kind_is(r, "agency") && has(r, "province"))) {
            lw_span s = grp(r, "province");
            char *t = lw_text_title_case(c->text + s.start, s.end - s.start);
            if (!t || json_object_set_new(prov, t, json_integer(json_integer_value(json_object_get(prov, t)) + 1)))
                c->nomem = 1;
            free(t);
        }
    }
    int by = 0;
    for (int i = 0; i < LW_EXTRACT_YEAR_MAX - LW_EXTRACT_YEAR_MIN; i++)
        if (years[i] > (by ? years[by - LW_EXTRACT_YEAR_MIN] : 0))
            by = LW_EXTRACT_YEAR_MIN + i;
    c->dominant_year = by;
    const char *k;
    json_t *v;
    json_int_t bn = 0;
    json_object_foreach(prov, k, v) {
        if (json_integer_value(v) > bn) {
            bn = json_integer_value(v);
            free(c->province);
            if (!(c->province = strdup(k)))
                c->nomem = 1;
        }
    }
    json_decref(prov);
}

/* ---- driver ---- */

lw_status lw_extract(const lw_ruleset *rs, const lw_lexicon *lx, lw_matcher *m, const char *text,
                     size_t len, const lw_extract_options *opt, lw_extraction **out, lw_error *err)
{
    *out = NULL;
    if (!m) /* lw_matcher_create ran out of memory: the document fails, never without its facts */
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    /* what jansson and the text helpers fail to allocate is noted (lw_oom) and fails the
     * extraction at its end, as every allocation of this module does through c.nomem */
    unsigned long oom = lw_oom_mark();
    lw_extraction *x = lw_extraction_new();
    if (!x)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    ctx_t c = {.rs = rs, .lx = lx, .m = m, .text = text, .len = len, .x = x, .tbl_line = SIZE_MAX};
    c.oom = &c.nomem;
    /* most rules find nothing in a document: those whose literals it lacks are not run,
     * and the others stop at the last of their literals, here and in lw_duty (through m,
     * until the end of this call; see lw_matcher_set_scan) */
    lw_rule_scan *scan = lw_rule_scan_create(rs, text, len);
    lw_matcher_set_scan(m, scan, text, len);
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (starts_with(r->kind, "duty."))
            continue; /* lw_duty runs its own rules on the outline */
        if (opt && opt->only_rule && strcmp(r->id, opt->only_rule) && !starts_with(r->kind, "context.") &&
            !starts_with(r->kind, "header.") && strcmp(r->kind, "legal_ref") && strcmp(r->kind, "agency"))
            continue;
        lw_error e;
        lw_error_clear(&e);
        if (lw_rule_match_all(m, r, text, len, collect, &c, &e) != LW_OK) {
            char buf[LW_EXTRACT_RULE_ERROR_MAX];
            lw_x_warn_text(&c, 0, lw_error_format(&e, buf, sizeof buf));
        }
    }
    if (c.nomem) {
        lw_matcher_set_scan(m, NULL, NULL, 0);
        lw_rule_scan_free(scan);
        for (size_t i = 0; i < c.all.n; i++)
            free(c.all.v[i].ov);
        free(c.all.v);
        lw_extraction_free(x);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    if (c.all.n)
        qsort(c.all.v, c.all.n, sizeof *c.all.v, cmp_match);
    settle_overlaps(&c, "legal_ref");
    settle_overlaps(&c, "deadline");
    settle_overlaps(&c, "agency");
    settle_overlaps(&c, "relation");
    compute_context(&c);
    lw_x_extract_header(&c);
    if (!c.have_doc_date && opt && opt->doc_date) {
        if (lw_date_parse_iso(opt->doc_date, &c.doc_date) == 0)
            c.have_doc_date = 1;
    }
    if (c.have_doc_date) {
        char iso[11];
        x->doc_date = lw_x_dup(&c, lw_date_iso(c.doc_date, iso));
    }
    lw_x_build_agencies(&c);
    lw_x_extract_issuer(&c);
    size_t zone = 0;
    {
        if (x->header.issuer) {
            for (size_t i = 0; i < x->n; i++)
                if (x->facts[i].kind == LW_FACT_AGENCY) {
                    if (x->facts[i].start < LW_EXTRACT_ISSUER_ZONE)
                        zone = x->facts[i].end;
                    break;
                }
        }
    }
    lw_x_assign_roles(&c, zone);
    lw_x_build_legal_refs(&c);
    lw_x_resolve_aliases(&c);
    /* relations look at references in text order */
    if (x->n)
        qsort(x->facts, x->n, sizeof *x->facts, lw_fact_cmp);
    lw_x_build_relations(&c);
    lw_x_build_dates(&c);
    lw_x_build_deadlines(&c);
    if (x->n)
        qsort(x->facts, x->n, sizeof *x->facts, lw_fact_cmp);
    if (!(opt && opt->only_rule)) {
        lw_error e;
        lw_error_clear(&e);
        lw_status st = lw_duty_build(rs, m, text, len, x, &e);
        if (st == LW_ERR_NOMEM)
            c.nomem = 1;
        else if (st != LW_OK)
            lw_x_warn_text(&c, 0, e.msg);
        if (x->n)
            qsort(x->facts, x->n, sizeof *x->facts, lw_fact_cmp);
    }
    lw_matcher_set_scan(m, NULL, NULL, 0);
    lw_rule_scan_free(scan);
    for (size_t i = 0; i < c.all.n; i++)
        free(c.all.v[i].ov);
    free(c.all.v);
    free(c.own_id);
    free(c.province);
    if (lw_oom_since(oom))
        c.nomem = 1;
    if (c.nomem) {
        lw_extraction_free(x);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    *out = x;
    return LW_OK;
}

struct lw_engine {
    lw_ruleset *rs;
    lw_lexicon *lx;
};

lw_status lw_engine_create(const char *rules_dir, lw_engine **out, lw_error *err)
{
    *out = NULL;
    lw_engine *e = calloc(1, sizeof *e);
    if (!e)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_status st = lw_ruleset_load_dir(rules_dir, &e->rs, err);
    if (!st)
        st = lw_lexicon_create(e->rs, &e->lx, err);
    if (st) {
        lw_engine_free(e);
        return st;
    }
    *out = e;
    return LW_OK;
}

void lw_engine_free(lw_engine *e)
{
    if (!e)
        return;
    lw_lexicon_free(e->lx);
    lw_ruleset_free(e->rs);
    free(e);
}

const lw_ruleset *lw_engine_rules(const lw_engine *e) { return e->rs; }
const lw_lexicon *lw_engine_lexicon(const lw_engine *e) { return e->lx; }
