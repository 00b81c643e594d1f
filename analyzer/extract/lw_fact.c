/* lw_fact: the typed facts, their list, and the one place their JSON is made (the edge).
 *
 * The key order of each kind is the contract's (DESIGN.md, and the extract goldens byte for
 * byte): the common keys kind, text, span, line, rule, then the kind's keys as listed in
 * put_* below. A key the contract marks optional (alias, year_mismatch, since, recurring,
 * stage, concerns) is written only when the fact has it. */
#include "lw_fact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lw_msg.h"

/* The first list of facts a document gets; it doubles from there. */
#define LW_FACT_FIRST_CAP 64
/* The decode warning's message: the two languages and three numbers fit. */
#define LW_FACT_WARN_MAX 300

static const char *const kind_names[LW_FACT_KIND_COUNT] = {"agency", "date", "deadline", "duty", "legal_ref",
                                                           "relation"};

const char *lw_fact_kind_name(lw_fact_kind k) { return k < LW_FACT_KIND_COUNT ? kind_names[k] : "?"; }

char *lw_fact_strdup(const char *s, int *nomem)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d && nomem)
        *nomem = 1;
    return d;
}

void lw_strv_free(lw_strv *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = 0;
}

int lw_strv_push(lw_strv *v, const char *s)
{
    char **p = realloc(v->v, (v->n + 1) * sizeof *p);
    if (!p)
        return -1;
    v->v = p;
    if (!(p[v->n] = strdup(s)))
        return -1;
    v->n++;
    return 0;
}

static int strv_copy(lw_strv *dst, const lw_strv *src)
{
    dst->v = NULL;
    dst->n = 0;
    if (!src->n)
        return 0;
    dst->v = calloc(src->n, sizeof *dst->v);
    if (!dst->v)
        return -1;
    for (size_t i = 0; i < src->n; i++) {
        if (!(dst->v[i] = strdup(src->v[i]))) {
            dst->n = i;
            lw_strv_free(dst);
            return -1;
        }
    }
    dst->n = src->n;
    return 0;
}

void lw_fact_clear(lw_fact *f)
{
    switch (f->kind) {
    case LW_FACT_LEGAL_REF: {
        lw_ref_fact *r = &f->u.ref;
        free(r->type), free(r->number), free(r->symbol), free(r->id), free(r->title), free(r->date);
        free(r->pinpoint);
        break;
    }
    case LW_FACT_RELATION:
        free(f->u.rel.type), free(f->u.rel.from), free(f->u.rel.to), free(f->u.rel.since);
        break;
    case LW_FACT_DATE:
        free(f->u.date.value);
        break;
    case LW_FACT_DEADLINE:
        free(f->u.dl.from), free(f->u.dl.to), free(f->u.dl.precision), free(f->u.dl.qualifier);
        break;
    case LW_FACT_AGENCY:
        free(f->u.agency.name), free(f->u.agency.province), free(f->u.agency.level), free(f->u.agency.role);
        break;
    case LW_FACT_DUTY: {
        lw_duty_fact *d = &f->u.duty;
        free(d->activity), free(d->output), free(d->topic), free(d->section), free(d->source);
        free(d->recurring), free(d->stage);
        lw_strv_free(&d->lead), lw_strv_free(&d->partners), lw_strv_free(&d->concerns);
        free(d->deadline.from), free(d->deadline.to), free(d->deadline.precision), free(d->deadline.qualifier);
        for (size_t i = 0; i < d->nunits; i++)
            free(d->units[i].name), free(d->units[i].level), free(d->units[i].role);
        free(d->units);
        break;
    }
    default:
        break;
    }
    memset(&f->u, 0, sizeof f->u);
}

lw_status lw_fact_copy_fields(lw_fact *dst, const lw_fact *src)
{
    lw_fact_clear(dst);
    int nm = 0;
    switch (src->kind) {
    case LW_FACT_LEGAL_REF: {
        const lw_ref_fact *s = &src->u.ref;
        lw_ref_fact *d = &dst->u.ref;
        *d = *s;
        d->type = lw_fact_strdup(s->type, &nm), d->number = lw_fact_strdup(s->number, &nm);
        d->symbol = lw_fact_strdup(s->symbol, &nm), d->id = lw_fact_strdup(s->id, &nm);
        d->title = lw_fact_strdup(s->title, &nm), d->date = lw_fact_strdup(s->date, &nm);
        d->pinpoint = lw_fact_strdup(s->pinpoint, &nm);
        break;
    }
    case LW_FACT_AGENCY: {
        const lw_agency_fact *s = &src->u.agency;
        lw_agency_fact *d = &dst->u.agency;
        *d = *s;
        d->name = lw_fact_strdup(s->name, &nm), d->province = lw_fact_strdup(s->province, &nm);
        d->level = lw_fact_strdup(s->level, &nm), d->role = lw_fact_strdup(s->role, &nm);
        break;
    }
    case LW_FACT_RELATION: {
        const lw_relation_fact *s = &src->u.rel;
        lw_relation_fact *d = &dst->u.rel;
        d->type = lw_fact_strdup(s->type, &nm), d->from = lw_fact_strdup(s->from, &nm);
        d->to = lw_fact_strdup(s->to, &nm), d->since = lw_fact_strdup(s->since, &nm);
        break;
    }
    case LW_FACT_DATE:
        dst->u.date.value = lw_fact_strdup(src->u.date.value, &nm);
        break;
    case LW_FACT_DEADLINE: {
        const lw_deadline_fact *s = &src->u.dl;
        lw_deadline_fact *d = &dst->u.dl;
        d->from = lw_fact_strdup(s->from, &nm), d->to = lw_fact_strdup(s->to, &nm);
        d->precision = lw_fact_strdup(s->precision, &nm), d->qualifier = lw_fact_strdup(s->qualifier, &nm);
        break;
    }
    case LW_FACT_DUTY: {
        const lw_duty_fact *s = &src->u.duty;
        lw_duty_fact *d = &dst->u.duty;
        *d = *s;
        d->activity = lw_fact_strdup(s->activity, &nm), d->output = lw_fact_strdup(s->output, &nm);
        d->topic = lw_fact_strdup(s->topic, &nm), d->section = lw_fact_strdup(s->section, &nm);
        d->source = lw_fact_strdup(s->source, &nm), d->recurring = lw_fact_strdup(s->recurring, &nm);
        d->stage = lw_fact_strdup(s->stage, &nm);
        d->deadline.from = lw_fact_strdup(s->deadline.from, &nm), d->deadline.to = lw_fact_strdup(s->deadline.to, &nm);
        d->deadline.precision = lw_fact_strdup(s->deadline.precision, &nm);
        d->deadline.qualifier = lw_fact_strdup(s->deadline.qualifier, &nm);
        d->lead = d->partners = d->concerns = (lw_strv){0};
        d->units = NULL;
        d->nunits = 0;
        if (strv_copy(&d->lead, &s->lead) || strv_copy(&d->partners, &s->partners) ||
            strv_copy(&d->concerns, &s->concerns))
            nm = 1;
        if (!nm && s->nunits) {
            d->units = calloc(s->nunits, sizeof *d->units);
            if (!d->units)
                nm = 1;
            for (size_t i = 0; d->units && i < s->nunits; i++) {
                d->units[i].at = s->units[i].at;
                d->units[i].name = lw_fact_strdup(s->units[i].name, &nm);
                d->units[i].level = lw_fact_strdup(s->units[i].level, &nm);
                d->units[i].role = lw_fact_strdup(s->units[i].role, &nm);
                d->nunits = i + 1;
            }
        }
        break;
    }
    default:
        break;
    }
    if (nm) {
        lw_fact_clear(dst);
        return LW_ERR_NOMEM;
    }
    return LW_OK;
}

lw_extraction *lw_extraction_new(void)
{
    lw_extraction *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->warnings = json_array();
    if (!x->warnings) {
        lw_extraction_free(x);
        return NULL;
    }
    return x;
}

void lw_extraction_free(lw_extraction *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        lw_fact_clear(&x->facts[i]);
    free(x->facts);
    lw_header *h = &x->header;
    free(h->issuer), free(h->number), free(h->kind), free(h->place), free(h->date), free(h->subject);
    lw_strv_free(&h->recipients), lw_strv_free(&h->distribution);
    free(h->signer.authority), free(h->signer.position), free(h->signer.name);
    json_decref(x->warnings);
    free(x->doc_date);
    free(x);
}

lw_fact *lw_extraction_add(lw_extraction *x, lw_fact_kind kind, const lw_rule *rule, size_t s, size_t e)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : LW_FACT_FIRST_CAP;
        lw_fact *p = realloc(x->facts, cap * sizeof *p);
        if (!p)
            return NULL;
        x->facts = p;
        x->cap = cap;
    }
    lw_fact *f = &x->facts[x->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->rule = rule;
    f->start = s;
    f->end = e;
    return f;
}

void lw_extraction_drop_last(lw_extraction *x)
{
    if (x->n) {
        lw_fact_clear(&x->facts[x->n - 1]);
        x->n--;
    }
}

int lw_fact_cmp(const void *a, const void *b)
{
    const lw_fact *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return strcmp(lw_fact_kind_name(x->kind), lw_fact_kind_name(y->kind));
}

/* ---- the JSON edge ---- */

/* Sets key to s, null when s is NULL. Returns -1 when out of memory (the strings come from
 * the normalized text, valid UTF-8). */
/* s as a JSON string; NULL only when out of memory. A span cut inside a character of a badly
 * decoded document (UTF-16 without a BOM, say) has its bad bytes replaced by U+FFFD rather
 * than failing the whole record. */
static json_t *text_json(const char *s)
{
    json_t *v = json_string(s);
    if (v || !s)
        return v;
    size_t n = strlen(s), len = 0;
    char *fixed = malloc(3 * n + 1);
    if (!fixed)
        return NULL;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        size_t take = k > 0 ? (size_t)k : 1;
        if (k > 0)
            memcpy(fixed + len, s + i, take);
        else
            memcpy(fixed + len, "\xEF\xBF\xBD", 3);
        len += k > 0 ? take : 3;
        i += take;
    }
    fixed[len] = '\0';
    v = json_string(fixed);
    free(fixed);
    return v;
}

/* Sets key to s, null when s is NULL. Returns -1 when out of memory. */
static int put_str(json_t *o, const char *key, const char *s)
{
    json_t *v = s ? text_json(s) : json_null();
    return v ? json_object_set_new(o, key, v) : -1;
}

static int put_new(json_t *o, const char *key, json_t *v) { return v ? json_object_set_new(o, key, v) : -1; }

static json_t *strv_json(const lw_strv *v)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < v->n; i++) {
        if (json_array_append_new(a, text_json(v->v[i]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Whether s[0..n) is valid UTF-8 (jansson refuses a string that is not). */
static int utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

/* The text of normalized span [s, e) as in the original file when it is UTF-8 there (a span
 * of an original that is not valid UTF-8 is refused by json_stringn), else as normalized.
 * New reference; NULL when out of memory (never another text in its place). */
static json_t *orig_text(const lw_doc *doc, size_t s, size_t e)
{
    size_t os, oe, n;
    lw_doc_orig_span(doc, s, e, &os, &oe);
    const unsigned char *stored = lw_doc_stored(doc, &n); /* the file, or a reader's text */
    if (doc->dec->encoding == LW_ENC_UTF8 && oe <= n && oe >= os && utf8_valid((const char *)stored + os, oe - os))
        return json_stringn((const char *)stored + os, oe - os);
    if (utf8_valid(doc->norm->text + s, e - s))
        return json_stringn(doc->norm->text + s, e - s);
    return text_json("");
}

static int put_ref(json_t *o, const lw_ref_fact *r)
{
    int rc = put_str(o, "type", r->type) || put_str(o, "number", r->number) ||
             put_new(o, "year", r->year > 0 ? json_integer(r->year) : json_null()) || put_str(o, "symbol", r->symbol) ||
             put_str(o, "id", r->id) || put_str(o, "title", r->title) || put_str(o, "date", r->date);
    if (r->year_mismatch)
        rc |= put_new(o, "year_mismatch", json_true());
    rc |= put_str(o, "pinpoint", r->pinpoint);
    if (r->alias)
        rc |= put_new(o, "alias", json_true());
    return rc;
}

/* "line" of normalized offset off, after "page" for a PDF or image (the line is then on
 * that page). -1 when out of memory. */
static int put_line(json_t *o, const lw_doc *doc, size_t off)
{
    lw_doc_pos pos;
    lw_doc_position(doc, off, off, &pos);
    return (pos.page && put_new(o, "page", json_integer(pos.page))) || put_new(o, "line", json_integer(pos.line));
}

static int put_duty(json_t *o, const lw_duty_fact *d, const lw_doc *doc)
{
    int rc = put_str(o, "activity", d->activity) || put_new(o, "lead", strv_json(&d->lead)) ||
             put_new(o, "partners", strv_json(&d->partners)) || put_str(o, "output", d->output);
    if (d->deadline.set) {
        const lw_duty_deadline *dl = &d->deadline;
        if (rc) /* before the object is made: it would be lost */
            return -1;
        json_t *j = json_object();
        if (put_new(o, "deadline", j))
            return -1;
        rc |= put_str(j, "from", dl->from) || put_str(j, "to", dl->to) || put_str(j, "precision", dl->precision) ||
              put_str(j, "qualifier", dl->qualifier);
        if (doc)
            rc |= put_new(j, "text", orig_text(doc, dl->at, dl->at_end)) ||
                  put_line(j, doc, dl->at);
        else
            rc |= put_new(j, "at", json_integer((json_int_t)dl->at)) ||
                  put_new(j, "at_end", json_integer((json_int_t)dl->at_end));
    } else {
        rc |= put_new(o, "deadline", json_null());
    }
    rc |= put_str(o, "topic", d->topic) || put_str(o, "section", d->section) || put_str(o, "source", d->source);
    if (d->has_recurring)
        rc |= put_str(o, "recurring", d->recurring);
    if (d->has_stage)
        rc |= put_str(o, "stage", d->stage);
    if (d->has_concerns)
        rc |= put_new(o, "concerns", strv_json(&d->concerns));
    if (rc) /* before the array is made: it would be lost */
        return -1;
    json_t *units = json_array();
    if (put_new(o, "units", units)) /* the last key: filled in place */
        return -1;
    for (size_t i = 0; i < d->nunits; i++) {
        const lw_duty_unit *u = &d->units[i];
        json_t *j = json_object();
        if (!j || json_array_append_new(units, j))
            return -1;
        rc |= put_str(j, "name", u->name) || put_str(j, "level", u->level) || put_str(j, "role", u->role);
        if (doc)
            rc |= put_line(j, doc, u->at);
        else
            rc |= put_new(j, "at", json_integer((json_int_t)u->at));
    }
    return rc;
}

/* Adds f's kind-specific keys to o; -1 when out of memory. */
static int put_fields(json_t *o, const lw_fact *f, const lw_doc *doc)
{
    switch (f->kind) {
    case LW_FACT_LEGAL_REF:
        return put_ref(o, &f->u.ref);
    case LW_FACT_RELATION: {
        int rc = put_str(o, "type", f->u.rel.type) || put_str(o, "from", f->u.rel.from) || put_str(o, "to", f->u.rel.to);
        if (f->u.rel.since)
            rc |= put_str(o, "since", f->u.rel.since);
        return rc;
    }
    case LW_FACT_DATE:
        return put_str(o, "value", f->u.date.value);
    case LW_FACT_DEADLINE:
        return put_str(o, "from", f->u.dl.from) || put_str(o, "to", f->u.dl.to) ||
               put_str(o, "precision", f->u.dl.precision) || put_str(o, "qualifier", f->u.dl.qualifier);
    case LW_FACT_AGENCY: {
        const lw_agency_fact *a = &f->u.agency;
        int rc = put_str(o, "name", a->name) || put_str(o, "province", a->province) || put_str(o, "level", a->level);
        if (a->alias)
            rc |= put_new(o, "alias", json_true());
        if (a->role)
            rc |= put_str(o, "role", a->role);
        return rc;
    }
    case LW_FACT_DUTY:
        return put_duty(o, &f->u.duty, doc);
    default:
        return 0;
    }
}

json_t *lw_header_json(const lw_header *h)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int rc = put_str(o, "issuer", h->issuer) || put_str(o, "number", h->number) || put_str(o, "kind", h->kind) ||
             put_str(o, "place", h->place) || put_str(o, "date", h->date) || put_str(o, "subject", h->subject) ||
             put_new(o, "recipients", strv_json(&h->recipients));
    if (!rc && h->has_signer) {
        json_t *s = json_object();
        rc = put_new(o, "signer", s) || put_str(s, "authority", h->signer.authority) ||
             put_str(s, "position", h->signer.position) || put_str(s, "name", h->signer.name);
    } else if (!rc) {
        rc = put_new(o, "signer", json_null());
    }
    if (rc || put_new(o, "distribution", strv_json(&h->distribution))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *lw_fact_fields_json(const lw_fact *f, const lw_doc *doc)
{
    json_t *o = json_object();
    if (o && put_fields(o, f, doc)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The fact's record: kind, text (as in the original when it is UTF-8: json_stringn refuses a
 * span that is not valid UTF-8; else the normalized text), span and line in the original,
 * rule, then its fields. NULL when out of memory. */
static json_t *fact_record(const lw_fact *f, const lw_doc *doc)
{
    size_t os, oe;
    lw_doc_orig_span(doc, f->start, f->end, &os, &oe);
    json_t *o = json_object();
    if (!o)
        return NULL;
    lw_doc_pos pos;
    lw_doc_position(doc, f->start, f->end, &pos);
    int rc = put_str(o, "kind", lw_fact_kind_name(f->kind)) || put_new(o, "text", orig_text(doc, f->start, f->end)) ||
             put_new(o, "span", json_pack("[I,I]", (json_int_t)os, (json_int_t)oe));
    /* PDFs and images: the page, and the line on it; Word/ODT: the paragraph too; OCR: the
     * lowest word confidence, so that a reviewer knows to look at the scan */
    if (pos.page)
        rc |= put_new(o, "page", json_integer(pos.page));
    rc |= put_new(o, "line", json_integer(pos.line));
    if (pos.paragraph)
        rc |= put_new(o, "paragraph", json_integer(pos.paragraph));
    if (pos.ocr_conf >= 0)
        rc |= put_new(o, "ocr_conf", json_integer(pos.ocr_conf));
    rc = rc || put_str(o, "rule", f->rule->id) || put_fields(o, f, doc);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The decode warning: the bytes that were not text, reported once with the line of the
 * first. NULL when there were none or out of memory (*nomem). */
static json_t *decode_warning(const lw_doc *doc, int *nomem)
{
    if (!doc->dec->n_invalid)
        return NULL;
    size_t first = doc->dec->invalid[0], step = 1, nl = 0, n;
    const unsigned char *raw = lw_doc_stored(doc, &n); /* the file, or a reader's text */
    if (doc->dec->encoding == LW_ENC_UTF16LE || doc->dec->encoding == LW_ENC_UTF16BE)
        step = 2;
    for (size_t k = 0; k + step <= first && k + step <= n; k += step) {
        if (step == 1 ? raw[k] == '\n'
                      : (doc->dec->encoding == LW_ENC_UTF16LE ? raw[k] == '\n' && !raw[k + 1]
                                                              : !raw[k] && raw[k + 1] == '\n'))
            nl++;
    }
    char msg[LW_FACT_WARN_MAX];
    lw_msg_format(msg, sizeof msg, LW_MSG_EXTRACT_INVALID_BYTES, doc->dec->n_invalid, step == 2 ? "UTF-16" : "UTF-8",
                  doc->dec->n_invalid == 1 ? "" : "s", nl + 1);
    json_t *w = json_pack("{s:I,s:s,s:s}", "line", (json_int_t)(nl + 1), "message", msg, "code", "decode.invalid");
    if (!w)
        *nomem = 1;
    return w;
}

/* How the document was read: source_format always (DESIGN.md: "text" for a plain text file);
 * for a PDF, image, DOCX or ODT also pages, OCR engine and the note saying why (e.g. why a
 * PDF's text layer was set aside for OCR). -1 when out of memory. */
static int put_source(json_t *rec, const lw_source *src)
{
    if (!src)
        return put_str(rec, "source_format", lw_source_format_name(LW_SOURCE_TEXT));
    return put_str(rec, "source_format", lw_source_format_name(src->format)) ||
           put_new(rec, "pages", src->pages ? json_integer(src->pages) : json_null()) ||
           put_str(rec, "ocr_engine", src->ocr_engine[0] ? src->ocr_engine : NULL) ||
           put_str(rec, "note", src->note[0] ? src->note : NULL);
}

json_t *lw_extraction_record(const lw_extraction *x, const lw_doc *doc)
{
    json_t *rec = json_object(), *facts = json_array(), *warns = json_array();
    int nomem = !rec || !facts || !warns;
    if (!nomem) {
        /* a path that is not UTF-8 (an old share's file names) has no key: the store names it */
        nomem = (utf8_valid(doc->path, strlen(doc->path)) && put_str(rec, "path", doc->path)) || put_str(rec, "sha256", doc->sha256) || put_str(rec, "encoding", lw_encoding_name(doc->dec->encoding)) ||
                put_source(rec, doc->src) || put_new(rec, "header", lw_header_json(&x->header));
    }
    for (size_t i = 0; !nomem && i < x->n; i++)
        nomem = json_array_append_new(facts, fact_record(&x->facts[i], doc)) != 0;
    if (!nomem) {
        nomem = json_object_set(rec, "facts", facts) != 0;
        json_t *dw = decode_warning(doc, &nomem);
        if (dw)
            nomem |= json_array_append_new(warns, dw) != 0;
    }
    size_t i;
    json_t *w;
    json_array_foreach(x->warnings, i, w) {
        if (nomem)
            break;
        size_t off = (size_t)json_integer_value(json_object_get(w, "offset"));
        json_t *wj = json_object();
        nomem = !wj || json_array_append_new(warns, wj) || put_line(wj, doc, off) ||
                json_object_set(wj, "message", json_object_get(w, "message"));
    }
    if (!nomem)
        nomem = json_object_set(rec, "warnings", warns) != 0;
    json_decref(facts);
    json_decref(warns);
    if (nomem) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}
