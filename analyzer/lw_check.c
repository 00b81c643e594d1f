/* lw_check: citation, cross-unit and duty findings over a docset (see the header).
 *
 * How plans are paired: a unit's plan (Kế hoạch of a district, a department, ...) answers
 * the province's plan it cites by number; failing that, the province plan of the same year
 * and province; failing that, the only province plan of that year. Duties of two plans are
 * "the same" when they have the same topic (rules/duties.yaml): activities are worded too
 * freely for anything stricter, and a topic list is something reviewers can extend. */
#include "lw_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_docset.h"
#include "lw_duty.h"
#include "lw_resolve.h"

typedef struct {
    lw_docset *ds; /* not const: it remembers what each unit name covers */
    const lw_registry *reg;
    const lw_ruleset *rs;
    const lw_lexicon *lx;
    const lw_check_options *opt;
    json_t *out;
    char **issuer_keys; /* folded issuers, for the unit filter */
    size_t *pplans;     /* the province plans, by year then index */
    size_t npplans;
} cctx;

static const char *sev_name[] = {"error", "warning", "info"};
enum { SEV_ERROR, SEV_WARNING, SEV_INFO };

/* Whether findings on document di are wanted (filters). */
static int wanted(const cctx *c, size_t di)
{
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    if (c->opt && c->opt->year && d->year != c->opt->year)
        return 0;
    if (c->opt && c->opt->unit && *c->opt->unit) {
        char *u = lw_store_fold(c->opt->unit);
        int ok = u && c->issuer_keys[di] && strstr(c->issuer_keys[di], u);
        free(u);
        return ok;
    }
    return 1;
}

static void finding(cctx *c, const char *code, int sev, size_t di, int line, json_t *evidence, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static void finding(cctx *c, const char *code, int sev, size_t di, int line, json_t *evidence, const char *fmt, ...)
{
    if (!wanted(c, di)) {
        json_decref(evidence);
        return;
    }
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    json_array_append_new(c->out, json_pack("{s:s,s:s,s:s,s:i,s:s,s:o}", "code", code, "severity", sev_name[sev],
                                            "path", d->path, "line", line > 0 ? line : 1, "message", msg,
                                            "evidence", evidence ? evidence : json_object()));
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

static void check_citations(cctx *c, size_t di)
{
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    char b1[11], b2[11], b3[11];
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
            finding(c, "citation.symbol_mismatch", SEV_ERROR, di, r->line,
                    json_pack("{s:s,s:s,s:s,s:s}", "cited", r->text, "type", r->type, "symbol", r->symbol,
                              "symbol_type", sym_type),
                    "Loại văn bản “%s” không khớp với ký hiệu “%s” (ký hiệu này là của %s): “%s”.", r->type,
                    r->symbol, sym_type, r->text);
        }
        const lw_registry_entry *e = lw_registry_find(c->reg, r->id);
        /* a year that contradicts the date: when the registry knows the document, the date
         * is the mistake (wrong_date below); else the two cannot be told apart */
        if (first_date && r->year_mismatch && r->date && !(e && e->issued)) {
            finding(c, "citation.symbol_mismatch", SEV_ERROR, di, r->line,
                    json_pack("{s:s,s:i,s:s}", "cited", r->text, "number_year", r->year, "date", r->date),
                    "Năm trong số hiệu (%d) khác với năm của ngày ban hành được ghi (%s): “%s”.", r->year,
                    lw_date_vi(r->date, b1), r->text);
        }
        if (!e) {
            /* a document of this database is known too */
            if (first && r->target == (size_t)-1)
                finding(c, "citation.unknown", SEV_INFO, di, r->line, json_pack("{s:s,s:s}", "cited", r->text, "id", r->id),
                        "Văn bản %s chưa có trong danh mục văn bản đã biết (rules/registry.yaml): hãy kiểm tra "
                        "số hiệu, hoặc bổ sung văn bản này vào danh mục.", r->id);
            continue;
        }
        if (first_date && r->date && e->issued && strcmp(r->date, e->issued)) {
            const char *src = source_of(e, "issued");
            finding(c, "citation.wrong_date", SEV_ERROR, di, r->line,
                    json_pack("{s:s,s:s,s:s,s:s,s:s?}", "cited_text", r->text, "cited", r->date, "registry",
                              e->issued, "registry_entry", e->id, "registry_source", src),
                    "%s được ghi là ban hành ngày %s, nhưng văn bản này ban hành ngày %s.", e->id,
                    lw_date_vi(r->date, b1), lw_date_vi(e->issued, b2));
        }
        if (first && e->replaced_by) {
            const lw_registry_entry *rep = lw_registry_find(c->reg, e->replaced_by);
            const char *since = in_force_from(rep);
            if (doc_on_or_after(d, since) == 1 && !cites(c, d, e->replaced_by))
                finding(c, "citation.superseded", SEV_ERROR, di, r->line,
                        json_pack("{s:s,s:s,s:s?,s:s?}", "cited", r->text, "replaced_by", e->replaced_by, "since",
                                  since, "document_date", d->date),
                        "%s đã được thay thế bởi %s (có hiệu lực từ ngày %s), trước ngày của văn bản này%s%s%s; "
                        "hãy viện dẫn văn bản thay thế.", e->id, e->replaced_by, lw_date_vi(since, b1),
                        d->date ? " (" : "", d->date ? lw_date_vi(d->date, b3) : "", d->date ? ")" : "");
        }
        for (size_t a = 0; first && a < e->n_amended_by; a++) {
            const char *am = e->amended_by[a];
            const lw_registry_entry *ae = lw_registry_find(c->reg, am);
            const char *since = in_force_from(ae);
            if (doc_on_or_after(d, since) == 1 && !cites(c, d, am))
                finding(c, "citation.missing_amendment", SEV_ERROR, di, r->line,
                        json_pack("{s:s,s:s,s:s,s:s?}", "cited", r->text, "cited_id", e->id, "amended_by", am,
                                  "since", since),
                        "Văn bản viện dẫn %s nhưng không viện dẫn %s sửa đổi, bổ sung văn bản đó (có hiệu lực từ "
                        "ngày %s).", e->id, am, lw_date_vi(since, b1));
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
        if (!partners && strcmp(un->role, "lead"))
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
    char b1[11], b2[11], names[600];
    /* deadline.conflict: for each duty of the unit, the strictest province duty of its topic */
    for (size_t k = 0; k < u->n_duties; k++) {
        const lw_ds_duty *ud = lw_docset_duty(c->ds, u->first_duty + k);
        if (!ud->topic || recurring(ud))
            continue;
        const lw_ds_duty *best = NULL;
        for (size_t j = 0; j < p->n_duties; j++) {
            const lw_ds_duty *pd = lw_docset_duty(c->ds, p->first_duty + j);
            if (!pd->topic || strcmp(pd->topic, ud->topic) || recurring(pd) || !given_to(c, pd, u, 1))
                continue;
            if (!best || strcmp(pd->to, best->to) < 0)
                best = pd;
        }
        if (best && strcmp(ud->to, best->to) > 0)
            finding(c, "deadline.conflict", SEV_ERROR, ui, ud->deadline_line ? ud->deadline_line : ud->line,
                    json_pack("{s:s,s:s?,s:s,s:s,s:s?,s:i,s:s,s:s?,s:s?}", "topic", ud->topic, "unit_deadline_text",
                              ud->deadline_text, "unit_deadline", ud->to, "province_path", p->path, "province_number",
                              p->number, "province_line", best->deadline_line ? best->deadline_line : best->line,
                              "province_deadline", best->to, "province_deadline_text", best->deadline_text,
                              "province_activity", best->activity),
                    "Thời hạn “%s” (%s) muộn hơn thời hạn Kế hoạch của tỉnh%s%s đặt cho cùng nhiệm vụ (%s): "
                    "“%s” (%s).", ud->deadline_text ? ud->deadline_text : "", lw_date_vi(ud->to, b1),
                    p->number ? " số " : "", p->number ? p->number : "", topic_label(c, ud->topic),
                    best->deadline_text ? best->deadline_text : "", lw_date_vi(best->to, b2));
    }
    /* duty.missing: each province duty led by this unit (or its level) whose topic the plan lacks */
    for (size_t j = 0; j < p->n_duties; j++) {
        const lw_ds_duty *pd = lw_docset_duty(c->ds, p->first_duty + j);
        if (!pd->topic || implied_topic(c, pd->topic) || !given_to(c, pd, u, 0))
            continue;
        int taken = 0;
        for (size_t k = 0; k < u->n_duties && !taken; k++) {
            const lw_ds_duty *ud = lw_docset_duty(c->ds, u->first_duty + k);
            taken = ud->topic && !strcmp(ud->topic, pd->topic);
        }
        if (!taken)
            finding(c, "duty.missing", SEV_ERROR, ui, 1,
                    json_pack("{s:s,s:s,s:s?,s:i,s:s?,s:s}", "topic", pd->topic, "province_path", p->path,
                              "province_number", p->number, "province_line", pd->line, "province_activity",
                              pd->activity, "assigned_to", lead_names(pd, names, sizeof names)),
                    "Kế hoạch của tỉnh%s%s giao nhiệm vụ “%s” (%s) cho %s, nhưng kế hoạch này không có nhiệm vụ "
                    "đó.", p->number ? " số " : "", p->number ? p->number : "", pd->activity ? pd->activity : "",
                    topic_label(c, pd->topic), names);
    }
}

/* ---- duties on their own ---- */

static void check_duties(cctx *c, size_t di)
{
    const lw_ds_doc *d = lw_docset_doc(c->ds, di);
    json_t *levels = lw_ruleset_data(c->rs, "abolished_levels");
    char b1[11], b2[11];
    for (size_t k = 0; k < d->n_duties; k++) {
        const lw_ds_duty *u = lw_docset_duty(c->ds, d->first_duty + k);
        if (!u->to && lw_docset_needs_deadline(c->ds, d, u))
            finding(c, "deadline.missing", SEV_WARNING, di, u->line,
                    json_pack("{s:s?,s:s?,s:s?}", "activity", u->activity, "section", u->section, "topic", u->topic),
                    "Nhiệm vụ “%s” không có thời hạn thực hiện.", u->activity ? u->activity : "");
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
                finding(c, "unit.abolished", SEV_WARNING, di, u->units[n].line ? u->units[n].line : u->line,
                        json_pack("{s:s,s:s,s:s,s:s?}", "unit", u->units[n].name, "level", level, "since", from,
                                  "activity", u->activity),
                        "Văn bản ngày %s giao việc cho %s, nhưng %s (từ ngày %s).", lw_date_vi(d->date, b1),
                        u->units[n].name, note ? note : "cấp này không còn", lw_date_vi(from, b2));
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
    json_int_t lx = json_integer_value(json_object_get(x, "line")), ly = json_integer_value(json_object_get(y, "line"));
    if (lx != ly)
        return lx < ly ? -1 : 1;
    r = strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
    if (r)
        return r;
    return strcmp(json_string_value(json_object_get(x, "message")), json_string_value(json_object_get(y, "message")));
}

/* Sorted, with exact repeats (same code, path, line and message) removed. */
static json_t *sorted_unique(json_t *arr)
{
    size_t n = json_array_size(arr);
    json_t **v = malloc((n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(arr, i);
    qsort(v, n, sizeof *v, cmp_finding);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        if (!i || cmp_finding(&v[i - 1], &v[i]))
            json_array_append(out, v[i]);
    free(v);
    json_decref(arr);
    return out;
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

lw_status lw_check_run(lw_store *s, const lw_engine *eng, const lw_registry *reg, const lw_check_options *opt,
                       json_t **findings, lw_error *err)
{
    *findings = NULL;
    lw_docset *ds;
    lw_status st = lw_docset_load(s, lw_engine_rules(eng), LW_DS_REFS_FULL, &ds, err);
    if (st)
        return st;
    cctx c = {.ds = ds, .reg = reg, .rs = lw_engine_rules(eng), .lx = lw_engine_lexicon(eng), .opt = opt,
              .out = json_array()};
    size_t n = lw_docset_ndocs(ds);
    c.issuer_keys = calloc(n + 1, sizeof *c.issuer_keys);
    c.pplans = calloc(n + 1, sizeof *c.pplans);
    year_ix *py = calloc(n + 1, sizeof *py);
    size_t npy = 0;
    for (size_t i = 0; i < n; i++) {
        const lw_ds_doc *d = lw_docset_doc(ds, i);
        c.issuer_keys[i] = d->issuer ? lw_store_fold(d->issuer) : NULL;
        if (py && d->is_plan && d->is_province)
            py[npy++] = (year_ix){d->year, i};
    }
    if (py && c.pplans) {
        qsort(py, npy, sizeof *py, cmp_year_ix);
        for (size_t i = 0; i < npy; i++)
            c.pplans[c.npplans++] = py[i].ix;
    }
    free(py);
    for (size_t i = 0; i < n; i++) {
        const lw_ds_doc *d = lw_docset_doc(ds, i);
        check_citations(&c, i);
        check_duties(&c, i);
        if (d->is_plan && !d->is_province && d->issuer)
            check_unit_plan(&c, i);
    }
    for (size_t i = 0; i < n; i++)
        free(c.issuer_keys[i]);
    free(c.issuer_keys);
    free(c.pplans);
    lw_docset_free(ds);
    *findings = sorted_unique(c.out);
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
