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
 * lw_extract_dates.c; what they share is in lw_extract_ctx.h.
 */
#include "lw_date.h"
#include "lw_extract_ctx.h"

#include "lw_duty.h"
#include "lw_oom.h"
#include "lw_text.h"

/* Raw matches kept per document: a real document has a few thousand */
#define LW_EXTRACT_MAX_MATCHES 100000

/* ---- small helpers ---- */

static int collect(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    ctx_t *c = ud;
    if (rule->not_after) {
        /* the sentence before the match: back to a line end, ';' or ". " (at most 400 bytes) */
        size_t s = ov[0];
        size_t lim = s > 400 ? s - 400 : 0;
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
            lw_x_warn(c, ov[0], "quá nhiều kết quả (too many matches): extraction stopped after %d; the rest of the "
                           "document has no facts", LW_EXTRACT_MAX_MATCHES);
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

char *lw_x_grp_str(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return NULL;
    return lw_text_clean(c->text + s.start, s.end - s.start);
}

int lw_x_grp_int(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return -1;
    return lw_parse_numeral(c->text + s.start, s.end - s.start);
}

void lw_x_warn(ctx_t *c, size_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(c->x->warnings, json_pack("{s:I,s:s}", "offset", (json_int_t)off, "message", msg));
}

lw_fact *lw_extraction_add(lw_extraction *x, const char *kind, const lw_rule *rule, size_t s, size_t e, json_t *fields)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        lw_fact *p = realloc(x->facts, cap * sizeof *p);
        if (!p) {
            json_decref(fields);
            lw_oom_note(); /* the fact is lost: its extraction fails at the end */
            return NULL;
        }
        x->facts = p;
        x->cap = cap;
    }
    lw_fact *f = &x->facts[x->n++];
    f->kind = kind;
    f->rule = rule;
    f->start = s;
    f->end = e;
    f->fields = fields;
    return f;
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

int lw_x_get_date(const ctx_t *c, const raw_match *r, const char *dn, const char *mn, const char *yn,
                  lw_date *out, int *invalid)
{
    int d = lw_x_grp_int(c, r, dn), m = lw_x_grp_int(c, r, mn), y = lw_x_grp_int(c, r, yn);
    *invalid = 0;
    if (d < 0 || m < 0 || y < 0)
        return 0;
    lw_date dt = {y, m, d};
    if (!lw_date_valid(dt)) {
        *invalid = 1;
        return 0;
    }
    *out = dt;
    return 1;
}

/* ---- context: years and provinces ---- */

typedef struct {
    size_t pos;
    int year;
} year_at;

/* Paragraph bounds, looked for at most LW_PARA_SCAN bytes away: a one-line 5 MB input must
 * not make every deadline scan the whole text (quadratic time). */
#define LW_PARA_SCAN 4096
size_t lw_x_para_start(const ctx_t *c, size_t pos)
{
    size_t lim = pos > LW_PARA_SCAN ? pos - LW_PARA_SCAN : 0;
    while (pos > lim && c->text[pos - 1] != '\n')
        pos--;
    return pos;
}

size_t lw_x_para_end(const ctx_t *c, size_t pos)
{
    size_t lim = c->len - pos > LW_PARA_SCAN ? pos + LW_PARA_SCAN : c->len;
    while (pos < lim && c->text[pos] != '\n')
        pos++;
    return pos;
}

/* The index of the first match (c->all, sorted by start) that starts at or after pos. */
size_t lw_x_first_match_at(const ctx_t *c, size_t pos)
{
    size_t lo = 0, hi = c->all.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->all.v[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void compute_context(ctx_t *c)
{
    /* the dominant year and the dominant province */
    int years[300] = {0};
    json_t *prov = json_object();
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (kind_is(r, "context.year")) {
            int y = lw_x_grp_int(c, r, "y");
            if (y >= 1900 && y < 2200)
                years[y - 1900]++;
        } else if (kind_is(r, "context.province") || (kind_is(r, "agency") && has(r, "province"))) {
            lw_span s = grp(r, "province");
            char *t = lw_text_title_case(c->text + s.start, s.end - s.start);
            json_int_t n = json_integer_value(json_object_get(prov, t));
            json_object_set_new(prov, t, json_integer(n + 1));
            free(t);
        }
    }
    int by = 0;
    for (int i = 0; i < 300; i++)
        if (years[i] > (by ? years[by - 1900] : 0))
            by = 1900 + i;
    c->dominant_year = by;
    const char *k;
    json_t *v;
    json_int_t bn = 0;
    json_object_foreach(prov, k, v) {
        if (json_integer_value(v) > bn) {
            bn = json_integer_value(v);
            free(c->province);
            c->province = strdup(k);
        }
    }
    json_decref(prov);
}

/* ---- driver ---- */

void lw_extraction_free(lw_extraction *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        json_decref(x->facts[i].fields);
    free(x->facts);
    json_decref(x->header);
    json_decref(x->warnings);
    free(x->doc_date);
    free(x);
}

static json_t *empty_header(void)
{
    return json_pack("{s:n,s:n,s:n,s:n,s:n,s:n,s:[],s:n,s:[]}", "issuer", "number", "kind", "place", "date",
                     "subject", "recipients", "signer", "distribution");
}

lw_status lw_extract(const lw_ruleset *rs, const lw_lexicon *lx, lw_matcher *m, const char *text,
                     size_t len, const lw_extract_options *opt, lw_extraction **out, lw_error *err)
{
    *out = NULL;
    /* the facts are built by many json_object_set_new calls: a failed one is noted (lw_oom)
     * and fails the extraction at its end, never leaves a fact without a key */
    unsigned long oom = lw_oom_mark();
    lw_extraction *x = calloc(1, sizeof *x);
    if (!x)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    x->header = empty_header();
    x->warnings = json_array();
    ctx_t c = {.rs = rs, .lx = lx, .m = m, .text = text, .len = len, .x = x, .tbl_line = SIZE_MAX};
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
            char buf[1500];
            json_array_append_new(x->warnings, json_pack("{s:I,s:s}", "offset", (json_int_t)0, "message",
                                                         lw_error_format(&e, buf, sizeof buf)));
        }
    }
    if (c.nomem) {
        lw_matcher_set_scan(m, NULL, NULL, 0);
        lw_rule_scan_free(scan);
        for (size_t i = 0; i < c.all.n; i++)
            free(c.all.v[i].ov);
        free(c.all.v);
        lw_extraction_free(x);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
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
        x->doc_date = strdup(lw_date_iso(c.doc_date, iso));
    }
    lw_x_build_agencies(&c);
    lw_x_extract_issuer(&c);
    size_t zone = 0;
    {
        json_t *iss = json_object_get(x->header, "issuer");
        if (json_is_string(iss)) {
            for (size_t i = 0; i < x->n; i++)
                if (!strcmp(x->facts[i].kind, "agency")) {
                    if (x->facts[i].start < 800)
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
        qsort(x->facts, x->n, sizeof *x->facts, lw_x_cmp_fact);
    lw_x_build_relations(&c);
    lw_x_build_dates(&c);
    lw_x_build_deadlines(&c);
    if (x->n)
        qsort(x->facts, x->n, sizeof *x->facts, lw_x_cmp_fact);
    if (!(opt && opt->only_rule)) {
        lw_error e;
        lw_error_clear(&e);
        lw_status dst = lw_duty_build(rs, m, text, len, x, &e);
        if (dst == LW_ERR_NOMEM)
            lw_oom_note(); /* the duties are lost: an error, not a warning */
        else if (dst != LW_OK)
            lw_x_warn(&c, 0, "%s", e.msg);
        if (x->n)
            qsort(x->facts, x->n, sizeof *x->facts, lw_x_cmp_fact);
    }
    lw_matcher_set_scan(m, NULL, NULL, 0);
    lw_rule_scan_free(scan);
    for (size_t i = 0; i < c.all.n; i++)
        free(c.all.v[i].ov);
    free(c.all.v);
    free(c.own_id);
    free(c.province);
    if (lw_oom_since(oom) || !x->header || !x->warnings) {
        lw_extraction_free(x);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    *out = x;
    return LW_OK;
}

/* The text of normalized span [s, e) as in the original file (UTF-8 originals), else as
 * normalized. New reference. */
static json_t *orig_text(const lw_doc *doc, size_t s, size_t e)
{
    size_t os, oe;
    lw_doc_orig_span(doc, s, e, &os, &oe);
    json_t *txt = NULL;
    if (doc->dec->encoding == LW_ENC_UTF8 && oe <= doc->raw_len && oe >= os)
        txt = json_stringn((const char *)doc->raw + os, oe - os);
    if (!txt)
        txt = json_stringn(doc->norm->text + s, e - s);
    return txt ? txt : json_string("");
}

/* A duty keeps normalized offsets of its deadline and unit names ("at"); the record gives
 * their lines (and the deadline's words) in the original instead. */
static void duty_offsets_to_lines(json_t *o, const lw_doc *doc)
{
    json_t *d = json_object_get(o, "deadline");
    if (json_is_object(d) && json_is_integer(json_object_get(d, "at"))) {
        size_t s = (size_t)json_integer_value(json_object_get(d, "at"));
        size_t e = (size_t)json_integer_value(json_object_get(d, "at_end"));
        json_object_set_new(d, "text", orig_text(doc, s, e));
        json_object_set_new(d, "line", json_integer(lw_doc_line(doc, s)));
        json_object_del(d, "at");
        json_object_del(d, "at_end");
    }
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(o, "units"), i, u) {
        json_t *at = json_object_get(u, "at");
        if (json_is_integer(at)) {
            json_object_set_new(u, "line", json_integer(lw_doc_line(doc, (size_t)json_integer_value(at))));
            json_object_del(u, "at");
        }
    }
}

json_t *lw_extraction_record(const lw_extraction *x, const lw_doc *doc)
{
    unsigned long oom = lw_oom_mark();
    json_t *rec = json_object();
    json_object_set_new(rec, "path", json_string(doc->path));
    json_object_set_new(rec, "sha256", json_string(doc->sha256));
    json_object_set_new(rec, "encoding", json_string(lw_encoding_name(doc->dec->encoding)));
    json_object_set(rec, "header", x->header);
    json_t *facts = json_array();
    for (size_t i = 0; i < x->n; i++) {
        const lw_fact *f = &x->facts[i];
        size_t os, oe;
        lw_doc_orig_span(doc, f->start, f->end, &os, &oe);
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(f->kind));
        /* the text as in the original when it is UTF-8 (json_stringn refuses a span that
         * is not valid UTF-8); else the normalized text */
        json_t *txt = NULL;
        if (doc->dec->encoding == LW_ENC_UTF8 && oe <= doc->raw_len && oe >= os)
            txt = json_stringn((const char *)doc->raw + os, oe - os);
        if (!txt)
            txt = json_stringn(doc->norm->text + f->start, f->end - f->start);
        json_object_set_new(o, "text", txt ? txt : json_string(""));
        json_object_set_new(o, "span", json_pack("[I,I]", (json_int_t)os, (json_int_t)oe));
        json_object_set_new(o, "line", json_integer(lw_doc_line(doc, f->start)));
        json_object_set_new(o, "rule", json_string(f->rule->id));
        json_object_update(o, f->fields);
        if (!strcmp(f->kind, "duty")) {
            /* the nested objects are shared with the fact: convert copies */
            json_object_set_new(o, "deadline", json_deep_copy(json_object_get(f->fields, "deadline")));
            json_object_set_new(o, "units", json_deep_copy(json_object_get(f->fields, "units")));
            duty_offsets_to_lines(o, doc);
        }
        json_array_append_new(facts, o);
    }
    json_object_set_new(rec, "facts", facts);
    json_t *warns = json_array();
    if (doc->dec->n_invalid) {
        /* the bytes that were not text: reported once, with the line of the first */
        size_t first = doc->dec->invalid[0], step = 1, nl = 0;
        if (doc->dec->encoding == LW_ENC_UTF16LE || doc->dec->encoding == LW_ENC_UTF16BE)
            step = 2;
        for (size_t k = 0; k + step <= first && k + step <= doc->raw_len; k += step) {
            if (step == 1 ? doc->raw[k] == '\n'
                          : (doc->dec->encoding == LW_ENC_UTF16LE ? doc->raw[k] == '\n' && !doc->raw[k + 1]
                                                                  : !doc->raw[k] && doc->raw[k + 1] == '\n'))
                nl++;
        }
        char msg[300];
        snprintf(msg, sizeof msg,
                 "%zu byte không hợp lệ đã thay bằng U+FFFD, byte đầu tiên ở dòng %zu (%zu invalid %s byte%s "
                 "replaced by U+FFFD, the first on line %zu)",
                 doc->dec->n_invalid, nl + 1, doc->dec->n_invalid, step == 2 ? "UTF-16" : "UTF-8",
                 doc->dec->n_invalid == 1 ? "" : "s", nl + 1);
        json_array_append_new(warns, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)(nl + 1), "message", msg,
                                               "code", "decode.invalid"));
    }
    size_t i;
    json_t *w;
    json_array_foreach(x->warnings, i, w) {
        size_t off = (size_t)json_integer_value(json_object_get(w, "offset"));
        json_array_append_new(warns, json_pack("{s:i,s:O}", "line", lw_doc_line(doc, off), "message",
                                               json_object_get(w, "message")));
    }
    json_object_set_new(rec, "warnings", warns);
    if (lw_oom_since(oom)) {
        json_decref(rec);
        return NULL;
    }
    return rec;
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
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
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
