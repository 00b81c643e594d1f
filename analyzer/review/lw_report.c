/* lw_report: statuses of duties as of a date, and the five ways to write them (see the
 * header for the rules). */
#include "lw_report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "lw_docset.h"
#include "lw_duty.h"
#include "lw_resolve.h"

typedef struct {
    const char *unit;           /* borrowed from the docset or the units list */
    lw_report_status status;
    const lw_ds_duty *duty;
    const lw_ds_doc *doc;
    const lw_ds_doc *answer;    /* NULL when none */
    long days;                  /* deadline - as_of (negative: past); late: answer - deadline */
    int no_unit;                /* the duty names no unit: status LW_RS_NO_UNIT */
    int whole_group;            /* unit is a group none of whose units the database knows in
                                   the duty's province: judged for the group as a whole */
    unsigned unit_rank;         /* of unit among the report's units in strcmp order */
    unsigned doc_rank;          /* of doc among the documents in path order */
} item_t;

struct lw_report {
    lw_docset *ds;
    lw_report_options opt;
    char as_of[11];
    char since[11]; /* empty with opt.all */
    size_t older;   /* duties due before since */
    item_t *items;
    size_t n, cap;
    size_t counts[LW_RS_COUNT];
    char cwd[4096];
    char **names; /* unit names made here */
    size_t nnames, capnames;
    unsigned *seen; /* by issuer: the expand call that listed it */
    unsigned stamp;
    long as_of_days;
    char *unit_key; /* --unit folded once, or NULL */
    const char **canon; /* the distinct topics: compared by pointer once made canonical */
    size_t ncanon, capcanon;
    size_t directing;   /* directing duties, counted apart (see lw_report.h) */
    size_t unfollowed;  /* duty units the database cannot follow (see expand) */
    size_t later;       /* duties of documents dated after the as-of date, counted apart */
    const char **name_province; /* by issuer (its same_name): the one province its name is
                                   known in, NULL for none; many_provinces[same_name] when
                                   several */
    unsigned char *many_provinces;
    const char **common, **places, **parts; /* rules/report.yaml, sorted: borrowed from the ruleset */
    size_t ncommon, nplaces, nparts;
    int min_shared;
    uint64_t **pairs;   /* by document: its subject's pairs (subject_pairs), or NULL */
    size_t *npairs;
    char **names_of;    /* by document: label and subject as shown (doc_names), or NULL */
    char **labels;      /* by document: lw_doc_label alone, NULL when the header names nothing */
};

/* ---- dates ---- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static long iso_days(const char *iso)
{
    lw_date d;
    if (!iso)
        return 0;
    /* the stored form, YYYY-MM-DD, read directly: a report reads some 100000 of them */
    const char *p = iso;
    if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' &&
        p[3] <= '9' && p[4] == '-' && p[5] >= '0' && p[5] <= '1' && p[6] >= '0' && p[6] <= '9' && p[7] == '-' &&
        p[8] >= '0' && p[8] <= '3' && p[9] >= '0' && p[9] <= '9' && !p[10]) {
        d = (lw_date){(p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'),
                      (p[5] - '0') * 10 + (p[6] - '0'), (p[8] - '0') * 10 + (p[9] - '0')};
        if (lw_date_valid(d))
            return days_from_civil(d.y, d.m, d.d);
    }
    if (lw_date_parse_iso(iso, &d))
        return 0;
    return days_from_civil(d.y, d.m, d.d);
}

/* ---- what a document is about ---- */

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The strings of rules/report.yaml's list key, sorted, into *v (owned array of borrowed
 * strings); -1 when out of memory. */
static int load_words(const lw_ruleset *rs, const char *key, const char ***v, size_t *n)
{
    json_t *a = lw_ruleset_data(rs, key);
    size_t i, k = 0;
    json_t *w;
    *v = malloc((json_array_size(a) + 1) * sizeof **v);
    if (!*v)
        return -1;
    json_array_foreach(a, i, w)
        if (json_is_string(w))
            (*v)[k++] = json_string_value(w);
    qsort(*v, k, sizeof **v, cmp_cstr);
    *n = k;
    return 0;
}

static int in_words(const char *const *v, size_t n, const char *t)
{
    return n && bsearch(&t, v, n, sizeof *v, cmp_cstr) != NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Appends to *v the pairs of neighbouring syllables of text t that say what it is about
 * (rules/report.yaml): lower case with the marks kept ("tình" is not "tỉnh"), a pair never
 * across a number, a common word or a place's name. Hashes; -1 when out of memory. */
static int add_pairs(const lw_report *r, const char *t, uint64_t **v, size_t *n, size_t *cap)
{
    utf8proc_uint8_t *low = NULL;
    if (!t || utf8proc_map((const utf8proc_uint8_t *)t, 0, &low,
                           UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
        return 0; /* nothing to say, or not UTF-8: no pairs */
    char prev[64], tok[64];
    int have_prev = 0, skip = 0, rc = 0;
    const utf8proc_uint8_t *p = low;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            break;
        utf8proc_category_t c = utf8proc_category(cp);
        if (!(c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO)) {
            p += k;
            continue;
        }
        /* a token: letters, marks and digits */
        size_t len = 0;
        int digits = 1;
        while (*p) {
            k = utf8proc_iterate(p, -1, &cp);
            if (k <= 0)
                break;
            c = utf8proc_category(cp);
            if (!(c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO))
                break;
            digits &= c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
            if (len + (size_t)k < sizeof tok)
                memcpy(tok + len, p, (size_t)k);
            len += (size_t)k;
            p += k;
        }
        if (len >= sizeof tok) { /* no syllable is that long: OCR run-together, left out */
            have_prev = 0;
            continue;
        }
        tok[len] = '\0';
        if (skip) {
            skip--;
            have_prev = 0;
            continue;
        }
        if (digits || in_words(r->common, r->ncommon, tok)) {
            skip = in_words(r->places, r->nplaces, tok) ? 2 : 0;
            have_prev = 0;
            continue;
        }
        if (have_prev) {
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 16;
                uint64_t *g = realloc(*v, nc * sizeof *g);
                if (!g) {
                    rc = -1;
                    break;
                }
                *v = g;
                *cap = nc;
            }
            uint64_t h = lw_hash_str(prev);
            (*v)[(*n)++] = h * 1099511628211ull ^ lw_hash_str(tok);
        }
        memcpy(prev, tok, len + 1);
        have_prev = 1;
    }
    free(low);
    return rc;
}

/* Sorted and distinct, in place; the new count. */
static size_t uniq_pairs(uint64_t *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_u64);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[w - 1])
            v[w++] = v[i];
    return w;
}

static size_t shared_pairs(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            k++;
            i++;
            j++;
        }
    }
    return k;
}

/* The pairs of what a duty is about, made once per item when a candidate needs them. */
typedef struct {
    uint64_t *v;
    size_t n;
    int made; /* 1 made, -1 out of memory */
} duty_pairs;

/* Whether document o (index oi) is on the work of item it's duty: its subject shares
 * enough pairs with the duty's document's subject, activity or output. */
static int on_subject(const lw_report *r, const item_t *it, size_t oi, duty_pairs *dp)
{
    if (!r->npairs[oi])
        return 0;
    if (!dp->made) {
        size_t cap = 0;
        const lw_ds_duty *u = it->duty;
        dp->made = add_pairs(r, it->doc->subject, &dp->v, &dp->n, &cap) ||
                           add_pairs(r, u->activity, &dp->v, &dp->n, &cap) ||
                           add_pairs(r, u->output, &dp->v, &dp->n, &cap)
                       ? -1
                       : 1;
        dp->n = uniq_pairs(dp->v, dp->n);
    }
    if (dp->made < 0)
        return 0; /* out of memory: not answered, never a false "done" */
    return (int)shared_pairs(dp->v, dp->n, r->pairs[oi], r->npairs[oi]) >= r->min_shared;
}

/* ---- building ---- */

static const char *doc_topic(const lw_ds_doc *d)
{
    if (d->kind && !strcmp(d->kind, "Báo cáo"))
        return "report";
    if (d->is_plan)
        return "plan";
    return d->topic; /* classified at ingest: report never runs the rules again */
}

static size_t doc_ix(const lw_docset *ds, const lw_ds_doc *d) { return (size_t)(d - lw_docset_doc(ds, 0)); }

static int doc_cites(const lw_docset *ds, const lw_ds_doc *r, const lw_ds_doc *d)
{
    if (!d->number)
        return 0;
    size_t di = doc_ix(ds, d);
    for (size_t k = 0; k < r->n_refs; k++)
        if (lw_docset_ref(ds, r->first_ref + k)->target == di)
            return 1;
    return 0;
}

static void add_item(lw_report *r, const char *unit, const lw_ds_duty *u, const lw_ds_doc *d)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        item_t *p = realloc(r->items, cap * sizeof *p);
        if (!p)
            return;
        r->items = p;
        r->cap = cap;
    }
    r->items[r->n++] = (item_t){.unit = unit, .duty = u, .doc = d};
}

/* A document of unknown province is of the database's only one, else of none. */
static int same_province(const lw_docset *ds, const char *a, const char *b)
{
    return a && b ? a == b || !strcmp(a, b) : lw_docset_one_province(ds);
}

/* Whether a document of province a may answer a duty of province b: the same province; when
 * neither is known, only a document that cites the duty's (or a database of one province). */
static int answer_province(const lw_docset *ds, const char *a, const char *b, int cites)
{
    return same_province(ds, a, b) || (!a && !b && cites);
}

static int wanted_unit(const lw_report *r, const char *unit)
{
    if (!r->unit_key)
        return 1;
    char *u = lw_store_fold(unit);
    int ok = u && strstr(u, r->unit_key);
    free(u);
    return ok;
}

static const char *keep_name(lw_report *r, const char *s)
{
    if (r->nnames == r->capnames) {
        size_t cap = r->capnames ? r->capnames * 2 : 32;
        char **p = realloc(r->names, cap * sizeof *p);
        if (!p)
            return NULL;
        r->names = p;
        r->capnames = cap;
    }
    char *c = strdup(s);
    if (c)
        r->names[r->nnames++] = c;
    return c;
}

/* The units a lead name stands for: the issuers of the database it covers, in the duty's
 * province, else the name itself. */
static void expand(lw_report *r, const char *lead, const char *level, const lw_ds_duty *u, const lw_ds_doc *d)
{
    size_t before = r->n, n, di = doc_ix(r->ds, d);
    const size_t *cov = lw_docset_covered(r->ds, lead, &n);
    r->stamp++;
    for (size_t k = 0; k < n; k++) {
        const lw_ds_issuer *is = lw_docset_issuer(r->ds, cov[k]);
        if ((is->n_docs == 1 && is->docs[0] == di) || !same_province(r->ds, is->province, d->province) ||
            r->seen[is->same_name] == r->stamp)
            continue;
        r->seen[is->same_name] = r->stamp; /* the same name under two provinces counts once */
        if (wanted_unit(r, is->name))
            add_item(r, is->name, u, d);
    }
    if (r->n != before)
        return;
    /* A unit that issued no document here and is no body of a province, district or commune
     * (a ministry's department, a national body, a name of no known level): the database
     * does not receive its correspondence, so "no answer" would say nothing of its work. A
     * false "Quá hạn" costs the reviewers' trust: such a unit is counted, not judged. */
    if (!level || (strcmp(level, "province") && strcmp(level, "district") && strcmp(level, "commune"))) {
        if (wanted_unit(r, lead))
            r->unfollowed++;
        return;
    }
    /* "Sở Nội vụ" in a plan of tỉnh Hậu Giang, known by no document of its own: name it
     * with its province, as its own documents would ("Sở Nội vụ tỉnh Hậu Giang") */
    const char *name = lead;
    if (d->province && !strncmp(lead, "Sở ", strlen("Sở ")) && !strstr(lead, " tỉnh ") && !strstr(lead, " thành phố ")) {
        char buf[600];
        snprintf(buf, sizeof buf, "%s tỉnh %s", lead, d->province);
        name = keep_name(r, buf);
    }
    if (name && wanted_unit(r, name)) {
        add_item(r, name, u, d);
        if (r->n != before && name == lead && lw_docset_is_group(r->ds, lead))
            r->items[r->n - 1].whole_group = 1;
    }
}

/* The one pointer for topic t among the report's topics (NULL for NULL or out of memory). */
static const char *canon_topic(lw_report *r, const char *t)
{
    if (!t)
        return NULL;
    for (size_t i = 0; i < r->ncanon; i++)
        if (!strcmp(r->canon[i], t))
            return r->canon[i];
    if (r->ncanon == r->capcanon) {
        size_t cap = r->capcanon ? r->capcanon * 2 : 32;
        const char **p = realloc(r->canon, cap * sizeof *p);
        if (!p)
            return NULL;
        r->canon = p;
        r->capcanon = cap;
    }
    return r->canon[r->ncanon++] = t;
}

/* Whether issuer is, of unknown province (or answering a duty of unknown province), may still
 * answer for unit: it is the unit itself (its very name, not a member of a group), and its
 * name is known in no province but the duty's. A district's letter often names no province;
 * calling its unit overdue for that would be as false as counting another province's. */
static int unknown_province_ok(const lw_report *r, const lw_ds_issuer *is, const char *unit_key,
                               const char *province)
{
    if (!unit_key || strcmp(is->key, unit_key) || r->many_provinces[is->same_name])
        return 0;
    const char *p = r->name_province[is->same_name];
    return !p || !province || p == province || !strcmp(p, province);
}

/* Whether text speaks of part of a year ("6 tháng đầu năm", "quý III": rules/report.yaml,
 * answer_part_year): lower case, marks kept. */
static int part_year(const lw_report *r, const char *t)
{
    utf8proc_uint8_t *low = NULL;
    if (!t || !r->nparts ||
        utf8proc_map((const utf8proc_uint8_t *)t, 0, &low,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
        return 0;
    int yes = 0;
    for (size_t i = 0; i < r->nparts && !yes; i++)
        yes = strstr((const char *)low, r->parts[i]) != NULL;
    free(low);
    return yes;
}

static int cmp_doc_date(const void *a, const void *b)
{
    const lw_ds_doc *x = *(const lw_ds_doc *const *)a, *y = *(const lw_ds_doc *const *)b;
    int c = strcmp(x->date, y->date);
    return c ? c : (x > y) - (x < y);
}

/* The documents that may answer item it: of the issuers its unit covers (its own name among
 * them), of the duty's topic, dated from the duty's document to the as-of date, in its
 * province and on its work (see lw_report.h). Earliest first; *out owned, NULL when none. */
static size_t candidates(lw_report *r, item_t *it, const char **topics, const lw_ds_doc ***out)
{
    const lw_ds_duty *u = it->duty;
    const lw_ds_doc **v = NULL;
    size_t nv = 0, cap = 0, n;
    duty_pairs dp = {NULL, 0, 0};
    char *unit_key = NULL; /* the unit's name folded, made when first needed */
    const char *topic = canon_topic(r, u->topic);
    const size_t *cov = topic ? lw_docset_covered(r->ds, it->unit, &n) : (n = 0, NULL);
    int duty_part = n ? part_year(r, u->activity) || part_year(r, u->output) : 0;
    for (size_t c = 0; c < n; c++) {
        const lw_ds_issuer *is = lw_docset_issuer(r->ds, cov[c]);
        for (size_t j = 0; j < is->n_docs; j++) {
            size_t i = is->docs[j];
            const lw_ds_doc *o = lw_docset_doc(r->ds, i);
            if (topics[i] != topic || o == it->doc || !o->date)
                continue;
            if ((it->doc->date && strcmp(o->date, it->doc->date) < 0) || strcmp(o->date, r->as_of) > 0)
                continue;
            /* a unit's name is judged with its province (huyện Châu Thành is in five), and a
             * document that does not cite the duty's must be on its work, not only of its kind
             * and year (a Báo cáo on another subject answers no reporting duty) */
            int cites = doc_cites(r->ds, o, it->doc);
            if (!answer_province(r->ds, o->province, it->doc->province, cites) &&
                ((o->province && it->doc->province) ||
                 !unknown_province_ok(r, is, unit_key ? unit_key : (unit_key = lw_store_fold(it->unit)),
                                      it->doc->province)))
                continue;
            if (!cites && (o->year != atoi(u->to) || !on_subject(r, it, i, &dp)))
                continue;
            /* a half-year report is not the year's, nor the year's a half-year one */
            if (part_year(r, o->subject) != duty_part)
                continue;
            if (nv == cap) {
                size_t nc = cap ? cap * 2 : 8;
                const lw_ds_doc **g = realloc(v, nc * sizeof *g);
                if (!g)
                    break; /* out of memory: the ones found so far */
                v = g;
                cap = nc;
            }
            v[nv++] = o;
        }
    }
    free(dp.v);
    free(unit_key);
    if (nv > 1)
        qsort(v, nv, sizeof *v, cmp_doc_date);
    *out = v;
    return nv;
}

/* The status of a dated item from its answer (NULL: none). */
static void finish(lw_report *r, item_t *it, const lw_ds_doc *best)
{
    long to = iso_days(it->duty->to);
    it->answer = best;
    if (best) {
        long a = iso_days(best->date);
        it->status = a <= to ? LW_RS_DONE : LW_RS_LATE;
        it->days = a - to;
        return;
    }
    it->days = to - r->as_of_days;
    it->status = to < r->as_of_days ? LW_RS_OVERDUE : it->days <= r->opt.window ? LW_RS_DUE_SOON : LW_RS_UPCOMING;
}

/* Every item's status: unit-less and undated ones at once, dated ones by their answers (the
 * earliest, which is on time when any is). */
static void judge_all(lw_report *r, const char **topics)
{
    for (size_t i = 0; i < r->n; i++) {
        item_t *it = &r->items[i];
        if (it->no_unit) {
            it->status = LW_RS_NO_UNIT;
            it->days = it->duty->to ? iso_days(it->duty->to) - r->as_of_days : 0;
        } else if (!it->duty->to) {
            it->status = LW_RS_NO_DEADLINE;
        } else {
            const lw_ds_doc **v = NULL;
            size_t n = candidates(r, it, topics, &v);
            finish(r, it, n ? v[0] : NULL);
            free(v);
        }
    }
}

static int cmp_item(const void *a, const void *b)
{
    const item_t *x = a, *y = b;
    if (x->unit_rank != y->unit_rank)
        return x->unit_rank < y->unit_rank ? -1 : 1;
    if (x->status != y->status)
        return x->status < y->status ? -1 : 1;
    const char *tx = x->duty->to ? x->duty->to : "9999", *ty = y->duty->to ? y->duty->to : "9999";
    int c;
    if ((c = strcmp(tx, ty)))
        return c;
    if (x->doc_rank != y->doc_rank)
        return x->doc_rank < y->doc_rank ? -1 : 1;
    return x->duty->line - y->duty->line;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (const char *const *)a, y = (uintptr_t) * (const char *const *)b;
    return (x > y) - (x < y);
}

typedef struct {
    const char *path;
    size_t doc;
} path_ix;

static int cmp_path_ix(const void *a, const void *b)
{
    const path_ix *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->doc > y->doc) - (x->doc < y->doc);
}

/* Ranks for sorting without comparing strings again and again: each item's unit among
 * the distinct unit names (by pointer, then in strcmp order), each document by path. */
static int rank_units_and_paths(lw_report *r)
{
    const char **u = malloc((r->n + 1) * sizeof *u);
    size_t nd = lw_docset_ndocs(r->ds), nu = 0;
    path_ix *ix = malloc((nd + 1) * sizeof *ix);
    unsigned *rank = NULL, *path_rank = malloc((nd + 1) * sizeof *path_rank);
    const char **byname = NULL;
    int rc = -1;
    if (!u || !ix || !path_rank)
        goto done;
    for (size_t i = 0; i < r->n; i++)
        u[i] = r->items[i].unit;
    qsort(u, r->n, sizeof *u, cmp_ptr);
    for (size_t i = 0; i < r->n; i++)
        if (!nu || u[nu - 1] != u[i])
            u[nu++] = u[i];
    /* the distinct pointers by name: equal names (two pointers) share a rank */
    byname = malloc((nu + 1) * sizeof *byname);
    rank = malloc((nu + 1) * sizeof *rank);
    if (!byname || !rank)
        goto done;
    memcpy(byname, u, nu * sizeof *u);
    qsort(byname, nu, sizeof *byname, cmp_str_ptr);
    for (size_t i = 0, k = 0; i < nu; i++) {
        if (i && strcmp(byname[i - 1], byname[i]))
            k++;
        const char **hit = bsearch(&byname[i], u, nu, sizeof *u, cmp_ptr);
        rank[hit - u] = (unsigned)k;
    }
    for (size_t i = 0; i < nd; i++)
        ix[i] = (path_ix){lw_docset_doc(r->ds, i)->path, i};
    qsort(ix, nd, sizeof *ix, cmp_path_ix);
    for (size_t i = 0; i < nd; i++)
        path_rank[ix[i].doc] = (unsigned)i;
    for (size_t i = 0; i < r->n; i++) {
        item_t *it = &r->items[i];
        const char **hit = bsearch(&it->unit, u, nu, sizeof *u, cmp_ptr);
        it->unit_rank = rank[hit - u];
        it->doc_rank = path_rank[it->duty->doc];
    }
    rc = 0;
done:
    free(u);
    free(ix);
    free(rank);
    free(byname);
    free(path_rank);
    return rc;
}

/* Whether duty u (an item's heading) took its deadline from a sentence of its section that
 * is a duty of its own: "IV. CHẾ ĐỘ BÁO CÁO … 3. Các Sở, ngành, Ủy ban nhân dân cấp huyện
 * … gửi về Sở Tư pháp chậm nhất ngày 15/11/2025". One deadline's words make one duty, the
 * one whose sentence states them, with that sentence's units: the heading's lead (Sở Tư
 * pháp, who compiles) would otherwise be called overdue on the others' date. */
static int borrowed_deadline(const lw_docset *ds, const lw_ds_doc *d, const lw_ds_duty *u)
{
    if (!u->to || !u->source || strcmp(u->source, "item") || !u->deadline_line)
        return 0;
    for (size_t k = 0; k < d->n_duties; k++) {
        const lw_ds_duty *o = lw_docset_duty(ds, d->first_duty + k);
        if (o == u || !o->to || !o->source || !strcmp(o->source, "item") || o->line != u->deadline_line ||
            o->deadline_line != u->deadline_line || strcmp(o->to, u->to))
            continue;
        for (size_t n = 0; n < o->n_units; n++)
            if (!strcmp(o->units[n].role, "lead"))
                return 1;
    }
    return 0;
}

/* Whether duty u of d is due before since: its deadline, else its document's date (year). */
static int before_since(const lw_report *r, const lw_ds_doc *d, const lw_ds_duty *u)
{
    if (u->to)
        return strcmp(u->to, r->since) < 0;
    if (d->date)
        return strcmp(d->date, r->since) < 0;
    return d->year && d->year < atoi(r->since);
}

/* Keys of the restated-duty test: same document, unit, topic and deadline. */
static int cmp_restated(const void *a, const void *b)
{
    const item_t *x = *(item_t *const *)a, *y = *(item_t *const *)b;
    int c;
    if (x->doc != y->doc)
        return x->doc < y->doc ? -1 : 1;
    if (x->unit_rank != y->unit_rank)
        return x->unit_rank < y->unit_rank ? -1 : 1;
    if ((c = strcmp(x->duty->topic, y->duty->topic)) || (c = strcmp(x->duty->to, y->duty->to)))
        return c;
    return x < y ? -1 : x > y;
}

/* A duty restated in one document (an item and its task under "Tổ chức thực hiện"): one row
 * per unit, topic and deadline, the first one written. */
static void drop_restated(lw_report *r)
{
    item_t **v = malloc((r->n + 1) * sizeof *v);
    unsigned char *drop = calloc(r->n + 1, 1);
    size_t nv = 0;
    if (!v || !drop) {
        free(v);
        free(drop);
        return;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].duty->topic && r->items[i].duty->to)
            v[nv++] = &r->items[i];
    if (nv)
        qsort(v, nv, sizeof *v, cmp_restated);
    for (size_t i = 1; i < nv; i++) {
        const item_t *x = v[i - 1], *y = v[i];
        if (x->doc == y->doc && x->unit_rank == y->unit_rank && !strcmp(x->duty->topic, y->duty->topic) &&
            !strcmp(x->duty->to, y->duty->to))
            drop[y - r->items] = 1;
    }
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!drop[i])
            r->items[w++] = r->items[i];
    r->n = w;
    free(v);
    free(drop);
}

/* The subject as shown after a label: one line, at most about 200 bytes (cut at a space,
 * "…" added); appended to b. */
static int put_subject(lw_buf *b, const char *subj)
{
    size_t start = b->len, words = 0;
    for (const char *t = subj; *t;) {
        size_t n = strcspn(t, "\n\r\t ");
        if (b->len - start + n + 1 > 200) {
            /* a long word (OCR): cut on a character's first byte */
            size_t k = n < 200 ? n : 200;
            while (k && ((unsigned char)t[k] & 0xC0) == 0x80)
                k--;
            if (b->len - start < 120 && ((words && lw_buf_putc(b, ' ')) || lw_buf_append(b, t, k)))
                return -1;
            return lw_buf_append(b, "…", strlen("…"));
        }
        if (n && words++ && lw_buf_putc(b, ' '))
            return -1;
        if (lw_buf_append(b, t, n))
            return -1;
        t += n;
        t += strspn(t, "\n\r\t ");
    }
    return 0;
}

/* The names of the documents the items show (their own and their answers'): names_of is
 * "label: subject" (the label alone, the subject alone, or NULL when the header gives neither:
 * the path is all there is), labels the label alone for JSON. -1 when out of memory. */
static int doc_names(lw_report *r)
{
    size_t nd = lw_docset_ndocs(r->ds);
    r->names_of = calloc(nd + 1, sizeof *r->names_of);
    r->labels = calloc(nd + 1, sizeof *r->labels);
    if (!r->names_of || !r->labels)
        return -1;
    for (size_t i = 0; i < 2 * r->n; i++) {
        const lw_ds_doc *d = i % 2 ? r->items[i / 2].answer : r->items[i / 2].doc;
        if (!d)
            continue;
        size_t k = doc_ix(r->ds, d);
        if (r->names_of[k] || r->labels[k])
            continue;
        lw_buf b = {0};
        int rc = lw_doc_label(&b, d->kind, d->number, d->date, d->issuer);
        if (rc < 0)
            return lw_buf_free(&b), -1;
        if (rc == 0 && !(r->labels[k] = strdup(b.data)))
            return lw_buf_free(&b), -1;
        if (d->subject && *d->subject &&
            ((rc == 0 && lw_buf_append(&b, ": ", 2)) || put_subject(&b, d->subject)))
            return lw_buf_free(&b), -1;
        r->names_of[k] = b.len ? lw_buf_detach(&b, NULL) : NULL;
        lw_buf_free(&b);
    }
    return 0;
}

lw_status lw_report_build(lw_store *s, const lw_engine *eng, const lw_report_options *opt, lw_report **out,
                          lw_error *err)
{
    *out = NULL;
    lw_date probe;
    if (!opt || !opt->as_of || lw_date_parse_iso(opt->as_of, &probe) || !lw_date_valid(probe))
        return lw_error_set(err, LW_ERR_USAGE, NULL, 0, 0, "ngày không hợp lệ (not a valid date): %s",
                            opt && opt->as_of ? opt->as_of : "(none)");
    lw_report *r = calloc(1, sizeof *r);
    if (!r)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    r->opt = *opt;
    snprintf(r->as_of, sizeof r->as_of, "%s", opt->as_of);
    r->opt.as_of = r->as_of;
    if (opt->all) {
        r->since[0] = '\0';
    } else if (opt->since) {
        lw_date sd;
        if (lw_date_parse_iso(opt->since, &sd) || !lw_date_valid(sd)) {
            free(r);
            return lw_error_set(err, LW_ERR_USAGE, NULL, 0, 0, "ngày không hợp lệ (not a valid date): %s", opt->since);
        }
        snprintf(r->since, sizeof r->since, "%s", opt->since);
    } else {
        snprintf(r->since, sizeof r->since, "%04u-01-01", (unsigned)(probe.y - 1) % 10000u);
    }
    r->opt.since = r->since[0] ? r->since : NULL;
    r->as_of_days = iso_days(r->as_of);
    r->unit_key = opt->unit && *opt->unit ? lw_store_fold(opt->unit) : NULL;
    if (!getcwd(r->cwd, sizeof r->cwd))
        r->cwd[0] = '\0';
    const lw_ruleset *rs = lw_engine_rules(eng);
    lw_status st = lw_docset_load(s, rs, LW_DS_REFS_IDS, &r->ds, err);
    if (st) {
        free(r);
        return st;
    }
    size_t nd = lw_docset_ndocs(r->ds);
    const char **topics = calloc(nd + 1, sizeof *topics);
    size_t nis = lw_docset_nissuers(r->ds);
    r->seen = calloc(nis + 1, sizeof *r->seen);
    r->name_province = calloc(nis + 1, sizeof *r->name_province);
    r->many_provinces = calloc(nis + 1, 1);
    if (!topics || !r->seen || !r->name_province || !r->many_provinces) {
        free(topics);
        lw_report_free(r);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < nis; i++) {
        const lw_ds_issuer *is = lw_docset_issuer(r->ds, i);
        const char **p = &r->name_province[is->same_name];
        if (is->province && *p && strcmp(*p, is->province))
            r->many_provinces[is->same_name] = 1;
        else if (is->province)
            *p = is->province;
    }
    for (size_t i = 0; i < nd; i++)
        topics[i] = canon_topic(r, doc_topic(lw_docset_doc(r->ds, i)));
    json_t *ms = lw_ruleset_data(rs, "answer_min_shared");
    r->min_shared = json_is_integer(ms) && json_integer_value(ms) > 0 ? (int)json_integer_value(ms) : 2;
    r->pairs = calloc(nd + 1, sizeof *r->pairs);
    r->npairs = calloc(nd + 1, sizeof *r->npairs);
    int bad = !r->pairs || !r->npairs || load_words(rs, "answer_common_words", &r->common, &r->ncommon) ||
              load_words(rs, "answer_place_words", &r->places, &r->nplaces) ||
              load_words(rs, "answer_part_year", &r->parts, &r->nparts);
    for (size_t i = 0; i < nd && !bad; i++) {
        size_t cap = 0;
        bad = add_pairs(r, lw_docset_doc(r->ds, i)->subject, &r->pairs[i], &r->npairs[i], &cap);
        r->npairs[i] = uniq_pairs(r->pairs[i], r->npairs[i]);
    }
    if (bad) {
        free(topics);
        lw_report_free(r);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < nd; i++) {
        const lw_ds_doc *d = lw_docset_doc(r->ds, i);
        for (size_t k = 0; k < d->n_duties; k++) {
            const lw_ds_duty *u = lw_docset_duty(r->ds, d->first_duty + k);
            if (u->qualifier && !strcmp(u->qualifier, "recurring"))
                continue; /* "thường xuyên": no date to miss */
            if (!u->to && !lw_docset_needs_deadline(r->ds, d, u))
                continue;
            if (borrowed_deadline(r->ds, d, u))
                continue;
            if (d->date && strcmp(d->date, r->as_of) > 0) {
                /* not written yet on the as-of date: the report of that day cannot know it */
                r->later++;
                continue;
            }
            if (u->directs) {
                /* the leads are to make other units do the work: their own deadline is not
                 * the work's, and no document of a concerned unit answers them */
                r->directing++;
                continue;
            }
            if (r->since[0] && before_since(r, d, u)) {
                r->older++;
                continue;
            }
            int leads = 0;
            for (size_t n = 0; n < u->n_units; n++)
                if (!strcmp(u->units[n].role, "lead")) {
                    /* the same unit twice in one duty counts once */
                    int dup = 0;
                    for (size_t p = 0; p < n && !dup; p++)
                        dup = !strcmp(u->units[p].role, "lead") && !strcmp(u->units[p].name, u->units[n].name);
                    if (!dup)
                        expand(r, u->units[n].name, u->units[n].level, u, d);
                    leads++;
                }
            if (!leads && wanted_unit(r, opt->english ? "(unit not stated)" : "(chưa rõ đơn vị)")) {
                add_item(r, opt->english ? "(unit not stated)" : "(chưa rõ đơn vị)", u, d);
                if (r->n && r->items[r->n - 1].duty == u)
                    r->items[r->n - 1].no_unit = 1;
            }
        }
    }
    r->opt.unit = NULL; /* the filter is applied; the caller's string may go */
    if (rank_units_and_paths(r)) {
        free(topics);
        lw_report_free(r);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    drop_restated(r);
    judge_all(r, topics);
    for (size_t i = 0; i < r->n; i++)
        r->counts[r->items[i].status]++;
    if (r->n)
        qsort(r->items, r->n, sizeof *r->items, cmp_item);
    if (doc_names(r)) {
        free(topics);
        lw_report_free(r);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    free(topics);
    *out = r;
    return LW_OK;
}

void lw_report_free(lw_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i]);
    free(r->names);
    free(r->items);
    free(r->seen);
    free(r->name_province);
    free(r->many_provinces);
    free(r->canon);
    free(r->unit_key);
    for (size_t i = 0; r->pairs && r->ds && i < lw_docset_ndocs(r->ds); i++)
        free(r->pairs[i]);
    free(r->pairs);
    free(r->npairs);
    free(r->common);
    free(r->places);
    free(r->parts);
    for (size_t i = 0; r->ds && i < lw_docset_ndocs(r->ds); i++) {
        if (r->names_of)
            free(r->names_of[i]);
        if (r->labels)
            free(r->labels[i]);
    }
    free(r->names_of);
    free(r->labels);
    lw_docset_free(r->ds);
    free(r);
}

size_t lw_report_count(const lw_report *r, lw_report_status st) { return st < LW_RS_COUNT ? r->counts[st] : 0; }
size_t lw_report_older(const lw_report *r) { return r->older; }
size_t lw_report_directing(const lw_report *r) { return r->directing; }

int lw_report_format_parse(const char *s)
{
    static const char *const names[] = {"text", "md", "html", "csv", "json"};
    for (int i = 0; i < 5; i++)
        if (s && !strcmp(s, names[i]))
            return i;
    return -1;
}

/* ---- labels ---- */

enum {
    L_TITLE, L_AS_OF, L_WINDOW, L_UNIT, L_DUTY, L_DEADLINE, L_DOCUMENT, L_LINE, L_ANSWER, L_STATUS,
    L_OVERDUE_BY, L_LEFT, L_TODAY, L_LATE_BY, L_NONE, L_SUMMARY, L_NOTHING, L_TIMELINE, L_WORDS, L_SINCE, L_OLDER,
    L_PASSED, L_NO_UNIT_NOTE, L_DIRECTING, L_LATER, L_UNFOLLOWED, L_GROUP_NOTE, L_COUNT
};

static const char *const labels[2][L_COUNT] = {
    {"Báo cáo thời hạn", "Tính đến ngày", "cửa sổ %d ngày", "Đơn vị", "Nhiệm vụ", "Thời hạn", "Văn bản", "dòng",
     "Trả lời bởi", "Tình trạng", "quá hạn %ld ngày", "còn %ld ngày", "đến hạn hôm nay", "muộn %ld ngày",
     "không có", "Tổng hợp", "Không có mục nào cần chú ý.", "Dòng thời gian", "Nguyên văn", "từ ngày %s",
     "%zu nhiệm vụ có thời hạn trước ngày %s không được xét (xem tất cả: --all, hoặc --since NGÀY).",
     "hạn đã qua %ld ngày",
     "Văn bản giao các việc dưới đây nhưng không nêu đơn vị nào mà lawwatch nhận ra, nên không xét được đã có văn "
     "bản trả lời hay chưa: xin đọc văn bản để biết đơn vị nào phải thực hiện.",
     "%zu nhiệm vụ chỉ đạo (đơn vị chủ trì chỉ đạo đơn vị khác thực hiện) không được xét như việc của đơn vị nào.",
     "%zu nhiệm vụ của văn bản ghi ngày sau ngày %s không được xét.",
     "%zu việc giao cho cơ quan trung ương hoặc đơn vị chưa rõ cấp không được xét: cơ sở dữ liệu không có văn bản "
     "nào của các đơn vị này, nên không biết họ đã thực hiện hay chưa.",
     "Đây là một nhóm đơn vị: cơ sở dữ liệu chưa có văn bản của đơn vị nào thuộc nhóm này trong tỉnh của văn bản "
     "giao việc, nên việc được xét cho cả nhóm; khi văn bản của từng đơn vị được nhập, mỗi đơn vị được xét riêng."},
    {"Deadline report", "As of", "window %d days", "Unit", "Duty", "Deadline", "Document", "line", "Answered by",
     "Status", "%ld days overdue", "%ld days left", "due today", "%ld days late", "none", "Summary",
     "Nothing needs attention.", "Timeline", "Words", "from %s",
     "%zu duties due before %s are not judged (all of them: --all, or --since DATE).",
     "deadline passed %ld days ago",
     "The document sets the work below but names no unit lawwatch recognises, so whether it was answered cannot be "
     "judged: read the document to see which unit must do it.",
     "%zu directing duties (the leads are to make other units do the work) are not judged as any unit's own.",
     "%zu duties of documents dated after %s are not judged.",
     "%zu duties of central bodies or units of unknown level are not judged: the database holds no document of "
     "theirs, so whether they did the work cannot be known.",
     "A group of units: the database holds no document of any unit of this group in the province of the assigning "
     "document, so the work is judged for the group as a whole; once the units' own documents are ingested, each "
     "is judged on its own."},
};

static const char *const status_label[2][LW_RS_COUNT] = {
    {"Quá hạn", "Nộp muộn", "Sắp đến hạn", "Thiếu thời hạn", "Chưa rõ đơn vị", "Đã hoàn thành đúng hạn",
     "Chưa đến hạn"},
    {"Overdue", "Late", "Due soon", "No deadline", "Unit not stated", "Done on time", "Not yet due"},
};

static const char *const status_id[LW_RS_COUNT] = {"overdue", "late", "due_soon", "no_deadline", "no_unit", "done",
                                                   "upcoming"};

#define LB(r, k) labels[(r)->opt.english][k]

static int listed(lw_report_status s) { return s <= LW_RS_NO_UNIT; }

/* What a document is called in an item: label and subject, else its path. */
static const char *doc_name(const lw_report *r, const lw_ds_doc *d)
{
    return r->names_of[doc_ix(r->ds, d)];
}

static const char *doc_label(const lw_report *r, const lw_ds_doc *d) { return r->labels[doc_ix(r->ds, d)]; }

static const char *shown(const lw_report *r, const char *path) { return lw_path_below(path, r->cwd); }

/* "quá hạn 3 ngày" / "còn 5 ngày" / "muộn 2 ngày" for an item; buf returned. */
static const char *when(const lw_report *r, const item_t *it, char *buf, size_t n)
{
    switch (it->status) {
    case LW_RS_OVERDUE: snprintf(buf, n, LB(r, L_OVERDUE_BY), -it->days); break;
    case LW_RS_LATE: snprintf(buf, n, LB(r, L_LATE_BY), it->days); break;
    case LW_RS_NO_UNIT:
        if (!it->duty->to) {
            buf[0] = '\0';
            break;
        }
        if (it->days < 0) {
            snprintf(buf, n, LB(r, L_PASSED), -it->days);
            break;
        }
        /* fall through */
    case LW_RS_DUE_SOON:
    case LW_RS_UPCOMING:
        if (it->days == 0)
            snprintf(buf, n, "%s", LB(r, L_TODAY));
        else
            snprintf(buf, n, LB(r, L_LEFT), it->days);
        break;
    default: buf[0] = '\0';
    }
    return buf;
}

/* ---- a sink that remembers failure ---- */

/* Output gathers in a buffer written out by the 256 KB: a report of 20000 documents is
 * some million small pieces, and stdio's per-call cost was a fifth of the time. */
typedef struct {
    FILE *f;
    int bad;
    lw_buf b;
} sink;

#define LW_SINK_FLUSH (256u * 1024u)

static void drain(sink *s)
{
    if (s->b.len && fwrite(s->b.data, 1, s->b.len, s->f) != s->b.len)
        s->bad = 1;
    s->b.len = 0;
}

static void out(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(sink *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->bad = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        if (lw_buf_append(&s->b, small, (size_t)n))
            s->bad = 1;
    } else {
        va_start(ap, fmt);
        char *big = malloc((size_t)n + 1);
        if (!big || vsnprintf(big, (size_t)n + 1, fmt, ap) != n || lw_buf_append(&s->b, big, (size_t)n))
            s->bad = 1;
        free(big);
        va_end(ap);
    }
    if (s->b.len >= LW_SINK_FLUSH)
        drain(s);
}

/* n bytes as they are */
static void put(sink *s, const char *t, size_t n)
{
    if (n && lw_buf_append(&s->b, t, n))
        s->bad = 1;
    if (s->b.len >= LW_SINK_FLUSH)
        drain(s);
}

/* t with each byte of specials replaced by its entry in subs (same order): the runs between
 * them are written whole, as a report of 100000 items is mostly such runs. */
static void escaped(sink *s, const char *t, const char *specials, const char *const *subs)
{
    while (t && *t) {
        size_t n = strcspn(t, specials);
        put(s, t, n);
        t += n;
        if (!*t)
            break;
        const char *sub = subs[strchr(specials, *t) - specials];
        put(s, sub, strlen(sub));
        t++;
    }
}

/* Text with HTML's five special characters as entities. */
static void html(sink *s, const char *t)
{
    static const char *const subs[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    escaped(s, t, "&<>\"'", subs);
}

/* A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
static void csv(sink *s, const char *t, int last)
{
    static const char *const subs[] = {"\"\""};
    t = t ? t : "";
    if (strpbrk(t, ",\"\r\n")) {
        put(s, "\"", 1);
        escaped(s, t, "\"", subs);
        put(s, "\"", 1);
    } else {
        put(s, t, strlen(t));
    }
    put(s, last ? "\r\n" : ",", last ? 2 : 1);
}

/* Markdown table cell: pipes and line breaks would end the cell. */
static void md(sink *s, const char *t)
{
    static const char *const subs[] = {"\\|", " ", " ", "&lt;"};
    escaped(s, t, "|\n\r<", subs);
}

/* one line: newlines and runs of spaces as one space */
static void flat(sink *s, const char *t)
{
    while (t && *t) {
        size_t n = strcspn(t, "\n\r\t ");
        put(s, t, n);
        t += n;
        if (!*t)
            break;
        put(s, " ", 1);
        t += strspn(t, "\n\r\t ");
    }
}

/* t, then spaces up to width terminal columns (Vietnamese letters with marks are one
 * column but several bytes, so printf's widths do not do). */
static void pad(sink *s, const char *t, int width)
{
    int cols = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    while (*p && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
        cols += utf8proc_charwidth(cp);
        p += n;
    }
    static const char spaces[] = "                                        ";
    put(s, t, strlen(t));
    int gap = width - cols + 1;
    put(s, spaces, (size_t)(gap < 1 ? 1 : gap < (int)sizeof spaces - 1 ? gap : (int)sizeof spaces - 1));
}

/* ---- text ---- */

/* ", từ ngày 01/01/2024" after the window, when the report has a start */
static void write_since(const lw_report *r, sink *s, const char *sep)
{
    char d1[11], b[64];
    if (!r->since[0])
        return;
    snprintf(b, sizeof b, LB(r, L_SINCE), lw_date_vi(r->since, d1));
    out(s, "%s", sep);
    html(s, b); /* dates and words only: the same in every format */
}

/* The sentence on duties left out, or "" */
static const char *older_note(const lw_report *r, char *buf, size_t n)
{
    char d1[11];
    buf[0] = '\0';
    if (r->older && r->since[0])
        snprintf(buf, n, LB(r, L_OLDER), r->older, lw_date_vi(r->since, d1));
    return buf;
}

/* The sentences on directing duties and on documents dated after the as-of date, or "" */
static const char *directing_note(const lw_report *r, char *buf, size_t n)
{
    char d1[11], later[600] = "";
    buf[0] = '\0';
    if (r->later)
        snprintf(later, sizeof later, LB(r, L_LATER), r->later, lw_date_vi(r->as_of, d1));
    if (r->unfollowed) {
        size_t w = strlen(later);
        if (w && w + 1 < sizeof later)
            later[w++] = ' ';
        snprintf(later + w, sizeof later - w, LB(r, L_UNFOLLOWED), r->unfollowed);
    }
    if (r->directing) {
        int w = snprintf(buf, n, LB(r, L_DIRECTING), r->directing);
        if (w > 0 && (size_t)w < n && *later)
            snprintf(buf + w, n - (size_t)w, " %s", later);
    } else {
        snprintf(buf, n, "%s", later);
    }
    return buf;
}

static void write_summary_line(const lw_report *r, sink *s)
{
    for (int st = 0; st < LW_RS_COUNT; st++)
        out(s, "%s%s: %zu", st ? " · " : "", status_label[r->opt.english][st], r->counts[st]);
    out(s, "\n");
}

static void write_text(const lw_report *r, sink *s)
{
    char d1[11], d2[40];
    out(s, "%s%s%s — %s %s (", r->opt.color ? "\033[1m" : "", LB(r, L_TITLE), r->opt.color ? "\033[0m" : "",
        LB(r, L_AS_OF), lw_date_vi(r->as_of, d1));
    out(s, LB(r, L_WINDOW), r->opt.window);
    write_since(r, s, ", ");
    out(s, ")\n");
    write_summary_line(r, s);
    char note[1024];
    if (*older_note(r, note, sizeof note))
        out(s, "%s\n", note);
    if (*directing_note(r, note, sizeof note))
        out(s, "%s\n", note);
    const char *last = NULL;
    int any = 0;
    for (size_t i = 0; i < r->n; i++) {
        const item_t *it = &r->items[i];
        if (!listed(it->status))
            continue;
        any = 1;
        if (!last || strcmp(last, it->unit)) {
            out(s, "\n%s== %s%s\n", r->opt.color ? "\033[1m" : "", it->unit, r->opt.color ? "\033[0m" : "");
            if (it->no_unit)
                out(s, "   %s\n", LB(r, L_NO_UNIT_NOTE));
            else if (it->whole_group)
                out(s, "   %s\n", LB(r, L_GROUP_NOTE));
        }
        last = it->unit;
        const char *col = !r->opt.color ? "" : it->status == LW_RS_OVERDUE ? "\033[31m" : it->status == LW_RS_LATE ? "\033[35m" : "\033[33m";
        out(s, "  %s", col);
        pad(s, status_label[r->opt.english][it->status], 14);
        out(s, "%s", r->opt.color ? "\033[0m" : "");
        pad(s, it->duty->to ? lw_date_vi(it->duty->to, d1) : "-", 10);
        pad(s, when(r, it, d2, sizeof d2), 17);
        flat(s, it->duty->activity);
        out(s, "\n");
        if (it->duty->deadline_text) {
            out(s, "      «");
            flat(s, it->duty->deadline_text);
            out(s, "»\n");
        }
        if (doc_name(r, it->doc)) {
            out(s, "      ");
            flat(s, doc_name(r, it->doc));
            out(s, "\n");
        }
        out(s, "      %s, %s %d\n", shown(r, it->doc->path), LB(r, L_LINE), it->duty->line);
        if (it->answer) {
            out(s, "      %s: ", LB(r, L_ANSWER));
            flat(s, doc_name(r, it->answer) ? doc_name(r, it->answer) : lw_date_vi(it->answer->date, d1));
            out(s, " (%s)\n", shown(r, it->answer->path));
        }
    }
    if (!any)
        out(s, "\n%s\n", LB(r, L_NOTHING));
}

/* ---- Markdown ---- */

static void write_md(const lw_report *r, sink *s)
{
    char d1[11], d2[40];
    out(s, "# %s — %s %s\n\n", LB(r, L_TITLE), LB(r, L_AS_OF), lw_date_vi(r->as_of, d1));
    out(s, "| %s | %s |\n| --- | ---: |\n", LB(r, L_STATUS), "N");
    for (int st = 0; st < LW_RS_COUNT; st++)
        out(s, "| %s | %zu |\n", status_label[r->opt.english][st], r->counts[st]);
    out(s, "\n(");
    out(s, LB(r, L_WINDOW), r->opt.window);
    write_since(r, s, ", ");
    out(s, ")\n");
    char note[1024];
    if (*older_note(r, note, sizeof note))
        out(s, "\n%s\n", note);
    if (*directing_note(r, note, sizeof note))
        out(s, "\n%s\n", note);
    const char *last = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const item_t *it = &r->items[i];
        if (!listed(it->status))
            continue;
        if (!last || strcmp(last, it->unit)) {
            out(s, "\n## ");
            md(s, it->unit);
            if (it->no_unit)
                out(s, "\n\n%s", LB(r, L_NO_UNIT_NOTE));
            else if (it->whole_group)
                out(s, "\n\n%s", LB(r, L_GROUP_NOTE));
            out(s, "\n\n| %s | %s | | %s | %s | %s |\n| --- | --- | --- | --- | --- | --- |\n", LB(r, L_STATUS),
                LB(r, L_DEADLINE), LB(r, L_DUTY), LB(r, L_WORDS), LB(r, L_DOCUMENT));
        }
        last = it->unit;
        out(s, "| %s | %s | %s | ", status_label[r->opt.english][it->status],
            it->duty->to ? lw_date_vi(it->duty->to, d1) : "–", when(r, it, d2, sizeof d2));
        md(s, it->duty->activity);
        out(s, " | ");
        md(s, it->duty->deadline_text);
        out(s, " | ");
        if (doc_name(r, it->doc)) {
            md(s, doc_name(r, it->doc));
            out(s, " (");
        }
        md(s, shown(r, it->doc->path));
        out(s, ", %s %d%s", LB(r, L_LINE), it->duty->line, doc_name(r, it->doc) ? ")" : "");
        if (it->answer) {
            out(s, "; %s: ", LB(r, L_ANSWER));
            md(s, doc_name(r, it->answer) ? doc_name(r, it->answer) : lw_date_vi(it->answer->date, d1));
            out(s, " (");
            md(s, shown(r, it->answer->path));
            out(s, ")");
        }
        out(s, " |\n");
    }
}

/* ---- CSV ---- */

static void write_csv(const lw_report *r, sink *s)
{
    const char *head[] = {"as_of",  "unit", "status", "deadline_from", "deadline_to", "days",
                          "activity", "deadline_text", "document", "path", "line", "id",
                          "answer", "answer_path", "answer_date", "answer_id"};
    size_t nh = sizeof head / sizeof *head;
    for (size_t i = 0; i < nh; i++)
        csv(s, head[i], i == nh - 1);
    for (size_t i = 0; i < r->n; i++) {
        const item_t *it = &r->items[i];
        char days[24] = "", line[16];
        if (it->duty->to)
            snprintf(days, sizeof days, "%ld", it->days);
        snprintf(line, sizeof line, "%d", it->duty->line);
        csv(s, r->as_of, 0);
        csv(s, it->unit, 0);
        csv(s, status_id[it->status], 0);
        csv(s, it->duty->from, 0);
        csv(s, it->duty->to, 0);
        csv(s, days, 0);
        csv(s, it->duty->activity, 0);
        csv(s, it->duty->deadline_text, 0);
        csv(s, doc_name(r, it->doc), 0);
        csv(s, shown(r, it->doc->path), 0);
        csv(s, line, 0);
        char id[24], aid[24] = "";
        snprintf(id, sizeof id, "%lld", it->doc->id);
        if (it->answer)
            snprintf(aid, sizeof aid, "%lld", it->answer->id);
        csv(s, id, 0);
        csv(s, it->answer ? doc_name(r, it->answer) : NULL, 0);
        csv(s, it->answer ? shown(r, it->answer->path) : NULL, 0);
        csv(s, it->answer ? it->answer->date : NULL, 0);
        csv(s, aid, 1);
    }
}

/* ---- JSON ---- */

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

/* v as jansson writes it with JSON_INDENT(1), each line after the first indented by pad:
 * how it reads nested at that depth. v is released. */
static void dump_nested(sink *s, json_t *v, const char *pad)
{
    char *txt = v ? json_dumps(v, JSON_INDENT(1) | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    if (!txt) {
        s->bad = 1;
        return;
    }
    size_t pl = strlen(pad);
    for (const char *p = txt; *p;) {
        size_t n = strcspn(p, "\n");
        put(s, p, n);
        p += n;
        if (*p) {
            put(s, "\n", 1);
            put(s, pad, pl);
            p++;
        }
    }
    free(txt);
}

/* Streamed one item at a time (a report of 20000 documents holds some 100000 items: as one
 * tree it would cost hundreds of megabytes); the bytes are those of the whole tree dumped. */
static void write_json(const lw_report *r, sink *s)
{
    json_t *sum = json_object();
    for (int st = 0; st < LW_RS_COUNT; st++)
        json_object_set_new(sum, status_id[st], json_integer((json_int_t)r->counts[st]));
    out(s, "{\n \"as_of\": ");
    dump_nested(s, json_string(r->as_of), " ");
    out(s, ",\n \"window\": %d,\n \"since\": ", r->opt.window);
    dump_nested(s, r->since[0] ? json_string(r->since) : json_null(), " ");
    out(s, ",\n \"summary\": ");
    dump_nested(s, sum, " ");
    out(s, ",\n \"older_duties\": %zu", r->older);
    out(s, ",\n \"directing_duties\": %zu", r->directing);
    out(s, ",\n \"later_duties\": %zu", r->later);
    out(s, ",\n \"unfollowed_duties\": %zu", r->unfollowed);
    out(s, ",\n \"items\": [");
    for (size_t i = 0; i < r->n && !s->bad; i++) {
        const item_t *it = &r->items[i];
        const lw_ds_duty *u = it->duty;
        json_t *o = json_object();
        json_object_set_new(o, "unit", json_string(it->unit));
        json_object_set_new(o, "unit_is_group", json_boolean(it->whole_group));
        json_object_set_new(o, "status", json_string(status_id[it->status]));
        json_object_set_new(o, "activity", jstr(u->activity));
        json_object_set_new(o, "topic", jstr(u->topic));
        json_object_set_new(o, "deadline",
                            u->to ? json_pack("{s:o,s:s,s:o,s:o,s:i}", "from", jstr(u->from), "to", u->to, "qualifier",
                                              jstr(u->qualifier), "text", jstr(u->deadline_text), "line",
                                              u->deadline_line)
                                  : json_null());
        json_object_set_new(o, "days", u->to ? json_integer(it->days) : json_null());
        json_object_set_new(o, "path", json_string(shown(r, it->doc->path)));
        json_object_set_new(o, "label", jstr(doc_label(r, it->doc)));
        json_object_set_new(o, "id", json_integer(it->doc->id));
        json_object_set_new(o, "line", json_integer(u->line));
        json_object_set_new(o, "document", json_pack("{s:o,s:o,s:o,s:o,s:o}", "number", jstr(it->doc->number), "kind",
                                                      jstr(it->doc->kind), "issuer", jstr(it->doc->issuer), "date",
                                                      jstr(it->doc->date), "subject", jstr(it->doc->subject)));
        json_object_set_new(o, "answer",
                            it->answer ? json_pack("{s:s,s:o,s:I,s:o,s:o,s:s,s:o}", "path", shown(r, it->answer->path),
                                                   "label", jstr(doc_label(r, it->answer)), "id",
                                                   (json_int_t)it->answer->id, "number", jstr(it->answer->number),
                                                   "kind", jstr(it->answer->kind), "date", it->answer->date,
                                                   "subject", jstr(it->answer->subject))
                                       : json_null());
        out(s, "%s\n  ", i ? "," : "");
        dump_nested(s, o, "  ");
    }
    out(s, "%s}\n", r->n ? "\n ]\n" : "]\n");
}

/* ---- HTML ---- */

static const char css[] =
    "body{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:2em auto;max-width:1100px;"
    "padding:0 1em;color:#222;background:#fafafa}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:2px solid #ddd;"
    "padding-bottom:.2em}.meta{color:#666}"
    ".cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}.card{background:#fff;border:1px solid #ddd;"
    "border-radius:6px;padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.8em}"
    ".overdue{color:#b71c1c}.late{color:#8e24aa}.due_soon{color:#b26a00}.no_deadline{color:#455a64}.no_unit{color:#546e7a}"
    ".done{color:#2e7d32}.upcoming{color:#607d8b}"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0}th,td{border:1px solid #ddd;"
    "padding:.35em .5em;vertical-align:top;text-align:left;font-size:.92em}th{background:#f0f0f0}"
    "td.n{text-align:right;color:#666}.words{color:#555;font-style:italic}.src{color:#666;font-size:.85em}"
    "svg{background:#fff;border:1px solid #ddd;margin:.3em 0}svg text{font-size:11px;fill:#444}";

static const char *const bar_color[LW_RS_COUNT] = {"#c62828", "#8e24aa", "#f9a825", "#90a4ae", "#b0bec5", "#43a047",
                                                   "#90a4ae"};

/* One unit's timeline: a bar per dated duty from its start to its deadline, on a month axis
 * spanning the duties and the as-of date, the as-of date marked. */
static void write_svg(const lw_report *r, sink *s, size_t first, size_t end)
{
    long lo = iso_days(r->as_of), hi = lo;
    size_t rows = 0;
    for (size_t i = first; i < end; i++) {
        const lw_ds_duty *u = r->items[i].duty;
        if (!u->to)
            continue;
        rows++;
        long t = iso_days(u->to), f = u->from ? iso_days(u->from) : t;
        if (f < lo)
            lo = f;
        if (t < lo)
            lo = t;
        if (t > hi)
            hi = t;
    }
    if (!rows)
        return;
    lw_date a, b;
    lw_date_parse_iso(r->as_of, &a);
    /* the axis: from the first of lo's month to the end of hi's month */
    long span = hi - lo;
    int W = 1000, left = 30, right = 20, top = 22, rowh = 18;
    int H = top + (int)rows * rowh + 10;
    /* months: find lo's and hi's civil dates by stepping from the as-of date */
    lw_date dlo = lw_date_add_days(a, (int)(lo - iso_days(r->as_of)));
    lw_date dhi = lw_date_add_days(a, (int)(hi - iso_days(r->as_of)));
    lw_date m0 = {dlo.y, dlo.m, 1};
    b = (lw_date){dhi.y, dhi.m, lw_days_in_month(dhi.y, dhi.m)};
    long x0 = days_from_civil(m0.y, m0.m, 1), x1 = days_from_civil(b.y, b.m, b.d) + 1;
    (void)span;
    double scale = (double)(W - left - right) / (double)(x1 - x0);
    out(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"", W, H);
    html(s, LB(r, L_TIMELINE));
    out(s, "\">\n");
    int months = (b.y - m0.y) * 12 + b.m - m0.m + 1;
    int step = months <= 18 ? 1 : months <= 48 ? 3 : 12;
    for (int k = 0; k < months; k += step) {
        int y = m0.y + (m0.m - 1 + k) / 12, mo = (m0.m - 1 + k) % 12 + 1;
        double x = left + (double)(days_from_civil(y, mo, 1) - x0) * scale;
        out(s, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, x, H - 4);
        out(s, "<text x=\"%.1f\" y=\"11\">%02d/%d</text>\n", x + 2, mo, y);
    }
    size_t row = 0;
    for (size_t i = first; i < end; i++) {
        const item_t *it = &r->items[i];
        const lw_ds_duty *u = it->duty;
        if (!u->to)
            continue;
        long t = iso_days(u->to), f = u->from ? iso_days(u->from) : t;
        if (f > t)
            f = t;
        double xa = left + (double)(f - x0) * scale, xb = left + (double)(t + 1 - x0) * scale;
        if (xb - xa < 4)
            xa = xb - 4;
        double y = top + (double)row * rowh;
        out(s, "<g><title>");
        html(s, status_label[r->opt.english][it->status]);
        out(s, " — ");
        html(s, u->activity);
        out(s, " (");
        html(s, u->deadline_text ? u->deadline_text : u->to);
        out(s, ")</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>", xa, y,
            xb - xa, rowh - 5, bar_color[it->status]);
        out(s, "<text x=\"%.1f\" y=\"%.1f\">%zu</text></g>\n", xa > left + 14 ? xa - 14 : xb + 3, y + rowh - 7,
            row + 1);
        row++;
    }
    double xs = left + (double)(iso_days(r->as_of) - x0) * scale;
    out(s, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c62828\" stroke-width=\"2\" "
           "stroke-dasharray=\"4 3\"/>", xs, xs, H - 2);
    out(s, "<text x=\"%.1f\" y=\"%d\" class=\"overdue\">", xs + 3, H - 4);
    char d1[11];
    html(s, lw_date_vi(r->as_of, d1));
    out(s, "</text>\n</svg>\n");
}

static void write_html(const lw_report *r, sink *s)
{
    char d1[11], d2[40];
    out(s, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" "
           "content=\"width=device-width, initial-scale=1\"/>\n<title>", r->opt.english ? "en" : "vi");
    html(s, LB(r, L_TITLE));
    out(s, " — ");
    html(s, lw_date_vi(r->as_of, d1));
    out(s, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    html(s, LB(r, L_TITLE));
    out(s, "</h1>\n<p class=\"meta\">");
    html(s, LB(r, L_AS_OF));
    out(s, " %s · ", lw_date_vi(r->as_of, d1));
    char win[64];
    snprintf(win, sizeof win, LB(r, L_WINDOW), r->opt.window);
    html(s, win);
    write_since(r, s, " · ");
    out(s, "</p>\n");
    char note[1024];
    if (*older_note(r, note, sizeof note)) {
        out(s, "<p class=\"meta\">");
        html(s, note);
        out(s, "</p>\n");
    }
    if (*directing_note(r, note, sizeof note)) {
        out(s, "<p class=\"meta\">");
        html(s, note);
        out(s, "</p>\n");
    }
    out(s, "<div class=\"cards\">\n");
    for (int st = 0; st < LW_RS_COUNT; st++) {
        out(s, "<div class=\"card %s\"><b>%zu</b>", status_id[st], r->counts[st]);
        html(s, status_label[r->opt.english][st]);
        out(s, "</div>\n");
    }
    out(s, "</div>\n");
    size_t i = 0;
    int any = 0;
    while (i < r->n) {
        size_t e = i;
        int listed_here = 0;
        while (e < r->n && !strcmp(r->items[e].unit, r->items[i].unit)) {
            listed_here |= listed(r->items[e].status);
            e++;
        }
        if (!listed_here) {
            i = e;
            continue;
        }
        any = 1;
        out(s, "<section>\n<h2>");
        html(s, r->items[i].unit);
        out(s, "</h2>\n");
        if (r->items[i].no_unit || r->items[i].whole_group) {
            out(s, "<p class=\"meta\">");
            html(s, LB(r, r->items[i].no_unit ? L_NO_UNIT_NOTE : L_GROUP_NOTE));
            out(s, "</p>\n");
        }
        write_svg(r, s, i, e);
        out(s, "<table>\n<thead><tr><th>#</th><th>");
        html(s, LB(r, L_STATUS));
        out(s, "</th><th>");
        html(s, LB(r, L_DEADLINE));
        out(s, "</th><th>");
        html(s, LB(r, L_DUTY));
        out(s, "</th><th>");
        html(s, LB(r, L_DOCUMENT));
        out(s, "</th></tr></thead>\n<tbody>\n");
        size_t row = 0;
        for (size_t k = i; k < e; k++) {
            const item_t *it = &r->items[k];
            if (it->duty->to)
                row++;
            if (!listed(it->status))
                continue;
            out(s, "<tr><td class=\"n\">");
            if (it->duty->to)
                out(s, "%zu", row);
            out(s, "</td><td class=\"%s\">", status_id[it->status]);
            html(s, status_label[r->opt.english][it->status]);
            out(s, "<br/><small>");
            html(s, when(r, it, d2, sizeof d2));
            out(s, "</small></td><td>%s", it->duty->to ? lw_date_vi(it->duty->to, d1) : "–");
            if (it->duty->deadline_text) {
                out(s, "<br/><span class=\"words\">«");
                html(s, it->duty->deadline_text);
                out(s, "»</span>");
            }
            out(s, "</td><td>");
            html(s, it->duty->activity);
            out(s, "</td><td>");
            if (doc_name(r, it->doc)) {
                html(s, doc_name(r, it->doc));
                out(s, "<br/>");
            }
            out(s, "<span class=\"src\">");
            html(s, shown(r, it->doc->path));
            out(s, ", ");
            html(s, LB(r, L_LINE));
            out(s, " %d</span>", it->duty->line);
            if (it->answer) {
                out(s, "<br/>");
                html(s, LB(r, L_ANSWER));
                out(s, ": ");
                html(s, doc_name(r, it->answer) ? doc_name(r, it->answer) : lw_date_vi(it->answer->date, d1));
                out(s, " <span class=\"src\">(");
                html(s, shown(r, it->answer->path));
                out(s, ")</span>");
            }
            out(s, "</td></tr>\n");
        }
        out(s, "</tbody>\n</table>\n</section>\n");
        i = e;
    }
    if (!any) {
        out(s, "<p>");
        html(s, LB(r, L_NOTHING));
        out(s, "</p>\n");
    }
    out(s, "</body>\n</html>\n");
}

lw_status lw_report_write(const lw_report *r, lw_report_format fmt, FILE *f, lw_error *err)
{
    sink s = {f, 0, {0}};
    switch (fmt) {
    case LW_FMT_TEXT: write_text(r, &s); break;
    case LW_FMT_MD: write_md(r, &s); break;
    case LW_FMT_HTML: write_html(r, &s); break;
    case LW_FMT_CSV: write_csv(r, &s); break;
    case LW_FMT_JSON: write_json(r, &s); break;
    }
    drain(&s);
    lw_buf_free(&s.b);
    if (fflush(f) || ferror(f) || s.bad)
        return lw_error_set(err, LW_ERR_IO, NULL, 0, 0, "không ghi được báo cáo (cannot write the report)");
    return LW_OK;
}
