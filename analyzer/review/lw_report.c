/* lw_report: statuses of duties as of a date (see the header for the rules), and the
 * read-only view the renderers (lw_report_write.c) read them through. */
#define _GNU_SOURCE /* qsort_r */
#include "lw_report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_date.h"
#include "lw_extsort.h"
#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_resolve.h"
#include "lw_subject.h"

/* An ISO date and its NUL. */
#define LW_REPORT_DATE_SIZE 11
/* The working folder paths are shown below (PATH_MAX of Linux). */
#define LW_REPORT_CWD_MAX 4096
/* A unit's name made with its province: a department's name and a province's, with room. */
#define LW_REPORT_NAME_MAX 600
/* Documents whose names (label, subject) are kept made at a time: a power of two (some
 * megabytes; a database of 100000 documents would need tens for all of them). */
#define LW_REPORT_NAME_SLOTS 8192u
/* A subject shown after a label is cut at a space before this many bytes ("…" added); a
 * first word longer than that is cut inside only when it leaves at least SUBJECT_KEEP. */
#define LW_REPORT_SUBJECT_MAX 200
#define LW_REPORT_SUBJECT_KEEP 120

/* An item as built, one document's at a time: what the renderers see (unit borrowed from
 * the docset or names; a whole_group unit is a group none of whose units the database knows
 * in the duty's province), and which of its document's duties it is (duty_k). */
typedef struct {
    lw_report_item v;
    size_t duty_k;
} item_t;

/* The strings of a duty an item keeps when it is sorted (rec_t), in this order. */
enum { REC_ACTIVITY, REC_TOPIC, REC_FROM, REC_TO, REC_QUALIFIER, REC_DEADLINE_TEXT, REC_NSTR };
#define REC_NULL UINT32_MAX

/* An item as sorted (issue 20: the items of a large database are millions, sorted through a
 * temporary file by lw_extsort): its sort keys, what the renderers read of its duty, then
 * the duty's strings (len[k] bytes and a NUL each, REC_NULL: NULL), its document and answer
 * by index. */
typedef struct {
    uint64_t seq;        /* the order items were made in: ties keep it (a stable sort's) */
    int64_t fact_id;
    uint32_t unit;       /* lw_report.units */
    uint32_t doc, answer; /* document indexes; answer REC_NULL: none */
    uint32_t doc_rank;   /* of doc among the documents in path order */
    int32_t line, deadline_line, days;
    uint32_t len[REC_NSTR];
    uint8_t status, no_unit, whole_group, pad;
} rec_t;

/* Reading the sorted items (lw_report_first, lw_report_next_unit): the current item and the
 * duty made from its record, and a unit's items copied (HTML reads them twice). */
typedef struct {
    lw_report_item it;
    lw_ds_duty duty;
    /* a unit at a time: its records back to back, their views */
    unsigned char *recs;
    size_t nrecs, caprecs;   /* bytes */
    size_t *offs;
    size_t noffs, capoffs;
    lw_report_item *items;
    lw_ds_duty *duties;
    const lw_report_item **ptrs;
    size_t capv;
    int have_next;           /* recs holds, after the unit's, the next unit's first record */
    size_t next_off;
} cursor_t;

struct lw_report {
    lw_docset *ds;
    lw_report_options opt;
    char as_of[LW_REPORT_DATE_SIZE];
    char since[LW_REPORT_DATE_SIZE]; /* empty with opt.all */
    size_t older;   /* duties due before since */
    item_t *items;  /* one document's (issue 20: judged, then sorted away) */
    size_t n, cap;
    lw_extsort *sorted; /* every item (rec_t), in the report's order */
    uint64_t seq;
    lw_buf rec;     /* the record being made */
    const char **units; /* the items' unit names, owned copies, by rec_t.unit */
    size_t nunits, capunits;
    uint32_t *unit_slots; /* open addressing on units (index + 1; 0 empty), a power of two */
    size_t nslots;
    unsigned *doc_rank; /* by document: its rank in path order */
    /* by issuer k: its dated documents tdocs[tstart[k] .. tstart[k + 1]) ordered by topic
     * (the canonical pointer), date, index: the answers an item may have are a range
     * (issue 20: candidates looked at every document of the unit's issuers) */
    uint32_t *tdocs;
    size_t *tstart;
    /* when every document's date and the as-of date are YYYY-MM-DD: tdocs' dates as the
     * number YYYYMMDD (the same order as strcmp's), read without touching the documents
     * (the search was half the build at 100000, waiting on memory); else NULL */
    uint32_t *tdate;
    uint32_t as_of_key;
    unsigned char *dpart; /* by duty of the document judged: part of a year, as duty_part */
    size_t capdpart;
    cursor_t *cur;  /* reading (the renderers' view is const; the cursor is theirs) */
    lw_status read_failed;
    size_t counts[LW_RS_COUNT];
    char cwd[LW_REPORT_CWD_MAX];
    char **names; /* unit names made here */
    size_t nnames, capnames;
    unsigned *seen; /* by issuer: the expand call that listed it */
    unsigned stamp;
    long as_of_days;
    char *unit_key; /* --unit folded once, or NULL */
    long long stale;    /* documents extracted by other rules (lw_store_stale_ids) */
    char *db;           /* owned: the database's name (lw_store_path) */
    const char **canon; /* the distinct topics: compared by pointer once made canonical */
    size_t ncanon, capcanon;
    size_t directing;   /* directing duties, counted apart (see lw_report.h) */
    size_t unfollowed;  /* duty units the database cannot follow (see expand) */
    size_t later;       /* duties of documents dated after the as-of date, counted apart */
    const char **name_province; /* by issuer (its same_name): the one province its name is
                                   known in, NULL for none; many_provinces[same_name] when
                                   several */
    unsigned char *many_provinces;
    lw_subject *subject; /* the words that tell what a document is about (rules/report.yaml) */
    uint64_t **pairs;   /* by document: its subject's pairs (subject_pairs), or NULL */
    size_t *npairs;
    unsigned char *paired; /* by document: pairs made (made when a duty first asks: on_subject) */
    unsigned char *doc_part; /* by document (its subject), and dpart by duty (its activity or
                                output): whether it speaks of part of a year, 0 not asked
                                yet, 1 no, 2 yes (folding is a report's dearest step: asked
                                once each) */
    struct name_slot {  /* the names of a document as written (doc_name_of), by its index
                           modulo LW_REPORT_NAME_SLOTS: made again when another took the slot
                           (issue 20: not kept for every document of a large database) */
        size_t doc;     /* (size_t)-1: empty */
        char *name;     /* label and subject as shown, or NULL */
        char *label;    /* lw_doc_label alone, NULL when the header names nothing */
    } *name_slots;
    const char **bodies, **province_words; /* rules/report.yaml (expand): borrowed */
    size_t nbodies, nprovince_words;
    const char *province_word;
    const char *report_kind;   /* rules/report.yaml: the kind of a report (borrowed) */
    int nomem;          /* sticky: memory ran out somewhere while building (a result made
                           without it would be silently wrong: the build fails) */
    lw_report_summary view; /* what the renderers read, filled at the end of the build */
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

/* YYYYMMDD of an ISO date YYYY-MM-DD, or UINT32_MAX when iso is not exactly that form. */
static uint32_t date_key(const char *iso)
{
    uint32_t k = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (iso[i] != '-')
                return UINT32_MAX;
        } else if (iso[i] >= '0' && iso[i] <= '9') {
            k = k * 10 + (uint32_t)(iso[i] - '0');
        } else {
            return UINT32_MAX;
        }
    }
    return iso[10] ? UINT32_MAX : k;
}

/* ---- rules/report.yaml ---- */

/* The strings of rules/report.yaml's list key into *v (owned array of borrowed strings); -1
 * when out of memory. */
static int load_list(const lw_ruleset *rs, const char *key, const char ***v, size_t *n)
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
    *n = k;
    return 0;
}

/* ---- what a document is about ---- */

/* The pairs of what a duty is about, made once per item when a candidate needs them. */
typedef struct {
    uint64_t *v;
    size_t n;
    int made; /* 1 made, -1 out of memory */
} duty_pairs;

/* Whether document o (index oi) is on the work of item it's duty: its subject shares
 * enough pairs with the duty's document's subject, activity or output. */
static int on_subject(lw_report *r, const item_t *it, size_t oi, duty_pairs *dp)
{
    if (!r->paired[oi]) {
        size_t cap = 0;
        r->paired[oi] = 1;
        if (lw_subject_pairs(r->subject, lw_docset_doc(r->ds, oi)->subject, &r->pairs[oi], &r->npairs[oi], &cap)) {
            r->nomem = 1; /* not answered, never a false "done"; and the build fails */
            return 0;
        }
        r->npairs[oi] = lw_subject_uniq(r->pairs[oi], r->npairs[oi]);
    }
    if (!r->npairs[oi])
        return 0;
    if (!dp->made) {
        size_t cap = 0;
        const lw_ds_duty *u = it->v.duty;
        dp->made = lw_subject_pairs(r->subject, it->v.doc->subject, &dp->v, &dp->n, &cap) ||
                           lw_subject_pairs(r->subject, u->activity, &dp->v, &dp->n, &cap) ||
                           lw_subject_pairs(r->subject, u->output, &dp->v, &dp->n, &cap)
                       ? -1
                       : 1;
        dp->n = lw_subject_uniq(dp->v, dp->n);
    }
    if (dp->made < 0) {
        r->nomem = 1; /* not answered, never a false "done"; and the build fails */
        return 0;
    }
    return lw_subject_on_work(r->subject, dp->v, dp->n, r->pairs[oi], r->npairs[oi]);
}

/* ---- building ---- */

/* What a document answers: a report (its kind is rules/report.yaml's report_kind) a
 * reporting duty, a plan a planning one, else the topic ingest classified its subject as. */
static const char *doc_topic(const lw_report *r, const lw_ds_doc *d)
{
    if (d->kind && r->report_kind && !strcmp(d->kind, r->report_kind))
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
        if (lw_docset_target(ds, r->first_ref + k) == di)
            return 1;
    return 0;
}

static void add_item(lw_report *r, const char *unit, const lw_ds_duty *u, const lw_ds_doc *d, size_t duty_k)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        item_t *p = realloc(r->items, cap * sizeof *p);
        if (!p) {
            r->nomem = 1;
            return;
        }
        r->items = p;
        r->cap = cap;
    }
    r->items[r->n++] = (item_t){.v = {.unit = unit, .duty = u, .doc = d}, .duty_k = duty_k};
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

static int wanted_unit(lw_report *r, const char *unit)
{
    if (!r->unit_key)
        return 1;
    char *u = lw_store_fold(unit);
    if (!u)
        r->nomem = 1;
    int ok = u && strstr(u, r->unit_key);
    free(u);
    return ok;
}

static const char *keep_name(lw_report *r, const char *s)
{
    if (r->nnames == r->capnames) {
        size_t cap = r->capnames ? r->capnames * 2 : 32;
        char **p = realloc(r->names, cap * sizeof *p);
        if (!p) {
            r->nomem = 1;
            return NULL;
        }
        r->names = p;
        r->capnames = cap;
    }
    char *c = strdup(s);
    if (c)
        r->names[r->nnames++] = c;
    else
        r->nomem = 1;
    return c;
}

/* Whether lead is a province's body named without its province: it starts with a word of
 * rules/report.yaml's province_bodies ("Sở ") and holds none of its province_words
 * (" tỉnh ", " thành phố "). */
static int is_province_body(const lw_report *r, const char *lead)
{
    int body = 0;
    for (size_t i = 0; i < r->nbodies && !body; i++)
        body = !strncmp(lead, r->bodies[i], strlen(r->bodies[i]));
    for (size_t i = 0; i < r->nprovince_words && body; i++)
        body = !strstr(lead, r->province_words[i]);
    return body;
}

/* The units a lead name stands for: the issuers of the database it covers, in the duty's
 * province, else the name itself. */
static void expand(lw_report *r, const char *lead, const char *level, const lw_ds_duty *u, const lw_ds_doc *d,
                   size_t duty_k)
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
            add_item(r, is->name, u, d, duty_k);
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
    if (d->province && r->province_word && is_province_body(r, lead)) {
        char buf[LW_REPORT_NAME_MAX];
        snprintf(buf, sizeof buf, "%s %s %s", lead, r->province_word, d->province);
        name = keep_name(r, buf);
    }
    if (name && wanted_unit(r, name)) {
        add_item(r, name, u, d, duty_k);
        if (r->n != before && name == lead && lw_docset_is_group(r->ds, lead))
            r->items[r->n - 1].v.whole_group = 1;
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
        if (!p) {
            r->nomem = 1;
            return NULL;
        }
        r->canon = p;
        r->capcanon = cap;
    }
    /* a duty's topic may be a filled group's string (lw_docset_fill), released with it */
    const char *c = keep_name(r, t);
    return c ? (r->canon[r->ncanon++] = c) : NULL;
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

static int cmp_doc_date(const void *a, const void *b)
{
    const lw_ds_doc *x = *(const lw_ds_doc *const *)a, *y = *(const lw_ds_doc *const *)b;
    int c = strcmp(x->date, y->date);
    return c ? c : (x > y) - (x < y);
}

/* Whether text speaks of part of a year (lw_subject_part_year), r->nomem set when memory
 * runs out. */
static int part_year(lw_report *r, const char *t)
{
    int yes = lw_subject_part_year(r->subject, t);
    if (yes < 0)
        r->nomem = 1;
    return yes > 0;
}

/* s folded (owned), or NULL with r->nomem set. */
static char *fold_or_flag(lw_report *r, const char *s)
{
    char *f = lw_store_fold(s);
    if (!f)
        r->nomem = 1;
    return f;
}

/* The documents that may answer item it: of the issuers its unit covers (its own name among
 * them), of the duty's topic, dated from the duty's document to the as-of date, in its
 * province and on its work (see lw_report.h). Earliest first; *out owned, NULL when none. */
static size_t candidates(lw_report *r, item_t *it, const char **topics, const lw_ds_doc ***out)
{
    const lw_ds_duty *u = it->v.duty;
    const lw_ds_doc **v = NULL;
    size_t nv = 0, cap = 0, n;
    duty_pairs dp = {NULL, 0, 0};
    char *unit_key = NULL; /* the unit's name folded, made when first needed */
    const char *topic = canon_topic(r, u->topic);
    const size_t *cov = topic ? lw_docset_covered(r->ds, it->v.unit, &n) : (n = 0, NULL);
    int duty_part = 0;
    if (n) {
        unsigned char *dp_known = &r->dpart[it->duty_k];
        if (!*dp_known)
            *dp_known = part_year(r, u->activity) || part_year(r, u->output) ? 2 : 1;
        duty_part = *dp_known == 2;
    }
    /* of each issuer's dated documents of the topic, those from the duty's document's date
     * (any, when it has none) to the as-of date: a range of its ordered ones */
    const char *from = it->v.doc->date ? it->v.doc->date : "";
    uint32_t from_key = it->v.doc->date && r->tdate ? date_key(it->v.doc->date) : 0; /* "": before all */
    for (size_t c = 0; c < n; c++) {
        const lw_ds_issuer *is = lw_docset_issuer(r->ds, cov[c]);
        const uint32_t *sl = r->tdocs + r->tstart[cov[c]];
        const uint32_t *sd = r->tdate ? r->tdate + r->tstart[cov[c]] : NULL;
        size_t lo = 0, hi = r->tstart[cov[c] + 1] - r->tstart[cov[c]];
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2, k = sl[mid];
            int below = (uintptr_t)topics[k] != (uintptr_t)topic ? (uintptr_t)topics[k] < (uintptr_t)topic
                        : sd                                     ? sd[mid] < from_key
                                                                 : strcmp(lw_docset_doc(r->ds, k)->date, from) < 0;
            if (below)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t j = lo; j < r->tstart[cov[c] + 1] - r->tstart[cov[c]]; j++) {
            size_t i = sl[j];
            if (topics[i] != topic || (sd ? sd[j] > r->as_of_key : strcmp(lw_docset_doc(r->ds, i)->date, r->as_of) > 0))
                break;
            const lw_ds_doc *o = lw_docset_doc(r->ds, i);
            if (o == it->v.doc)
                continue;
            /* a unit's name is judged with its province (huyện Châu Thành is in five), and a
             * document that does not cite the duty's must be on its work, not only of its kind
             * and year (a Báo cáo on another subject answers no reporting duty) */
            int cites = doc_cites(r->ds, o, it->v.doc);
            if (!answer_province(r->ds, o->province, it->v.doc->province, cites) &&
                ((o->province && it->v.doc->province) ||
                 !unknown_province_ok(r, is, unit_key ? unit_key : (unit_key = fold_or_flag(r, it->v.unit)),
                                      it->v.doc->province)))
                continue;
            if (!cites && (o->year != atoi(u->to) || !on_subject(r, it, i, &dp)))
                continue;
            /* a half-year report is not the year's, nor the year's a half-year one */
            if (!r->doc_part[i])
                r->doc_part[i] = part_year(r, o->subject) ? 2 : 1;
            if ((r->doc_part[i] == 2) != duty_part)
                continue;
            if (nv == cap) {
                size_t nc = cap ? cap * 2 : 8;
                const lw_ds_doc **g = realloc(v, nc * sizeof *g);
                if (!g) {
                    r->nomem = 1; /* the build fails: no answer may be missed silently */
                    break;
                }
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
    long to = iso_days(it->v.duty->to);
    it->v.answer = best;
    if (best) {
        long a = iso_days(best->date);
        it->v.status = a <= to ? LW_RS_DONE : LW_RS_LATE;
        it->v.days = (int)(a - to);
        return;
    }
    it->v.days = (int)(to - r->as_of_days);
    it->v.status = to < r->as_of_days ? LW_RS_OVERDUE : it->v.days <= r->opt.window ? LW_RS_DUE_SOON : LW_RS_UPCOMING;
}

/* Every item's status: unit-less and undated ones at once, dated ones by their answers (the
 * earliest, which is on time when any is). */
static void judge_all(lw_report *r, const char **topics)
{
    for (size_t i = 0; i < r->n; i++) {
        item_t *it = &r->items[i];
        if (it->v.no_unit) {
            it->v.status = LW_RS_NO_UNIT;
            it->v.days = it->v.duty->to ? (int)(iso_days(it->v.duty->to) - r->as_of_days) : 0;
        } else if (!it->v.duty->to) {
            it->v.status = LW_RS_NO_DEADLINE;
        } else {
            const lw_ds_doc **v = NULL;
            size_t n = candidates(r, it, topics, &v);
            finish(r, it, n ? v[0] : NULL);
            free(v);
        }
    }
}

/* ---- the items sorted (issue 20: through lw_extsort, in bounded memory) ---- */

/* The string k of record h (NULL when it has none). */
static const char *rec_str(const rec_t *h, int k)
{
    if (h->len[k] == REC_NULL)
        return NULL;
    const char *p = (const char *)(h + 1);
    for (int j = 0; j < k; j++)
        if (h->len[j] != REC_NULL)
            p += h->len[j] + 1;
    return p;
}

/* The report's order: unit (by name), status, deadline (none last), document (by path),
 * line, then the order the items were made in. */
static int cmp_rec(const void *a, const void *b, void *ctx)
{
    const lw_report *r = ctx;
    const rec_t *x = a, *y = b;
    int c;
    if (x->unit != y->unit && (c = strcmp(r->units[x->unit], r->units[y->unit])))
        return c;
    if (x->status != y->status)
        return x->status < y->status ? -1 : 1;
    const char *tx = rec_str(x, REC_TO), *ty = rec_str(y, REC_TO);
    if ((c = strcmp(tx ? tx : "9999", ty ? ty : "9999")))
        return c;
    if (x->doc_rank != y->doc_rank)
        return x->doc_rank < y->doc_rank ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The index of unit name u among the report's units (one copy per name); UINT32_MAX when
 * out of memory. */
static uint32_t unit_id(lw_report *r, const char *u)
{
    if (2 * (r->nunits + 1) > r->nslots) {
        size_t n = r->nslots ? 2 * r->nslots : 256;
        uint32_t *t = calloc(n, sizeof *t);
        if (!t)
            return UINT32_MAX;
        for (size_t i = 0; i < r->nunits; i++) {
            size_t k = (size_t)lw_hash_str(r->units[i]) & (n - 1);
            while (t[k])
                k = (k + 1) & (n - 1);
            t[k] = (uint32_t)i + 1;
        }
        free(r->unit_slots);
        r->unit_slots = t;
        r->nslots = n;
    }
    size_t k = (size_t)lw_hash_str(u) & (r->nslots - 1);
    while (r->unit_slots[k] && strcmp(r->units[r->unit_slots[k] - 1], u))
        k = (k + 1) & (r->nslots - 1);
    if (r->unit_slots[k])
        return r->unit_slots[k] - 1;
    if (r->nunits == r->capunits) {
        size_t cap = r->capunits ? 2 * r->capunits : 64;
        const char **p = realloc(r->units, cap * sizeof *p);
        if (!p)
            return UINT32_MAX;
        r->units = p;
        r->capunits = cap;
    }
    char *c = strdup(u);
    if (!c)
        return UINT32_MAX;
    r->units[r->nunits] = c;
    r->unit_slots[k] = (uint32_t)++r->nunits;
    return (uint32_t)r->nunits - 1;
}

/* Item it as a record, handed to the sorter. */
static lw_status put_item(lw_report *r, const item_t *it, lw_error *err)
{
    const lw_ds_duty *u = it->v.duty;
    const char *str[REC_NSTR] = {u->activity, u->topic, u->from, u->to, u->qualifier, u->deadline_text};
    uint32_t unit = unit_id(r, it->v.unit);
    if (unit == UINT32_MAX)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    size_t di = doc_ix(r->ds, it->v.doc);
    rec_t h = {.seq = r->seq++,
               .fact_id = u->fact_id,
               .unit = unit,
               .doc = (uint32_t)di,
               .answer = it->v.answer ? (uint32_t)doc_ix(r->ds, it->v.answer) : REC_NULL,
               .doc_rank = r->doc_rank[di],
               .line = u->line,
               .deadline_line = u->deadline_line,
               .days = it->v.days,
               .status = it->v.status,
               .no_unit = it->v.no_unit,
               .whole_group = it->v.whole_group};
    r->rec.len = 0;
    for (int k = 0; k < REC_NSTR; k++)
        h.len[k] = str[k] ? (uint32_t)strlen(str[k]) : REC_NULL;
    if (lw_buf_append(&r->rec, &h, sizeof h))
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (int k = 0; k < REC_NSTR; k++)
        if (str[k] && lw_buf_append(&r->rec, str[k], h.len[k] + 1))
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    return lw_extsort_add(r->sorted, r->rec.data, r->rec.len, err);
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

/* What index_topics orders by. */
typedef struct {
    const lw_docset *ds;
    const char **topics;
} topic_order;

static int cmp_topic_date(const void *a, const void *b, void *ctx)
{
    const topic_order *t = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uintptr_t tx = (uintptr_t)t->topics[x], ty = (uintptr_t)t->topics[y];
    if (tx != ty)
        return tx < ty ? -1 : 1;
    int c = strcmp(lw_docset_doc(t->ds, x)->date, lw_docset_doc(t->ds, y)->date);
    return c ? c : (x > y) - (x < y);
}

/* Each issuer's dated documents by topic, date and index (tdocs, tstart), and their dates as
 * numbers when all dates allow it (tdate). -1 when out of memory. */
static int index_topics(lw_report *r, const char **topics)
{
    size_t nis = lw_docset_nissuers(r->ds), total = 0;
    if (lw_docset_ndocs(r->ds) >= UINT32_MAX)
        return -1;
    for (size_t k = 0; k < nis; k++)
        total += lw_docset_issuer(r->ds, k)->n_docs;
    r->tstart = malloc((nis + 1) * sizeof *r->tstart);
    r->tdocs = malloc((total + 1) * sizeof *r->tdocs);
    if (!r->tstart || !r->tdocs)
        return -1;
    topic_order t = {r->ds, topics};
    size_t at = 0;
    for (size_t k = 0; k < nis; k++) {
        const lw_ds_issuer *is = lw_docset_issuer(r->ds, k);
        r->tstart[k] = at;
        for (size_t j = 0; j < is->n_docs; j++)
            if (lw_docset_doc(r->ds, is->docs[j])->date)
                r->tdocs[at++] = (uint32_t)is->docs[j];
        qsort_r(r->tdocs + r->tstart[k], at - r->tstart[k], sizeof *r->tdocs, cmp_topic_date, &t);
    }
    r->tstart[nis] = at;
    /* numbers only when every date is YYYY-MM-DD (a duty's document's too), so that they
     * compare as the strings do */
    int packed = (r->as_of_key = date_key(r->as_of)) != UINT32_MAX;
    for (size_t i = 0; packed && i < lw_docset_ndocs(r->ds); i++) {
        const char *d = lw_docset_doc(r->ds, i)->date;
        packed = !d || date_key(d) != UINT32_MAX;
    }
    if (packed && (r->tdate = malloc((at + 1) * sizeof *r->tdate)))
        for (size_t j = 0; j < at; j++)
            r->tdate[j] = date_key(lw_docset_doc(r->ds, r->tdocs[j])->date);
    return packed && !r->tdate ? -1 : 0;
}

/* Each document's rank in path order (the items' order within a unit, status and deadline).
 * -1 when out of memory. */
static int rank_paths(lw_report *r)
{
    size_t nd = lw_docset_ndocs(r->ds);
    path_ix *ix = malloc((nd + 1) * sizeof *ix);
    r->doc_rank = malloc((nd + 1) * sizeof *r->doc_rank);
    if (!ix || !r->doc_rank) {
        free(ix);
        return -1;
    }
    for (size_t i = 0; i < nd; i++)
        ix[i] = (path_ix){lw_docset_doc(r->ds, i)->path, i};
    qsort(ix, nd, sizeof *ix, cmp_path_ix);
    for (size_t i = 0; i < nd; i++)
        r->doc_rank[ix[i].doc] = (unsigned)i;
    free(ix);
    return 0;
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
static int cmp_restated(const void *a, const void *b, void *ctx)
{
    const item_t *items = ctx;
    const item_t *x = &items[*(const uint32_t *)a], *y = &items[*(const uint32_t *)b];
    int c;
    if (x->v.doc != y->v.doc)
        return x->v.doc < y->v.doc ? -1 : 1;
    if (x->v.unit != y->v.unit && (c = strcmp(x->v.unit, y->v.unit)))
        return c;
    if ((c = strcmp(x->v.duty->topic, y->v.duty->topic)) || (c = strcmp(x->v.duty->to, y->v.duty->to)))
        return c;
    return x < y ? -1 : x > y;
}

/* A duty restated in one document (an item and its task under "Tổ chức thực hiện"): one row
 * per unit, topic and deadline, the first one written. */
static void drop_restated(lw_report *r)
{
    if (r->n > UINT32_MAX) { /* indexes of 4 bytes (issue 20: a large report's millions) */
        r->nomem = 1;
        return;
    }
    uint32_t *v = malloc((r->n + 1) * sizeof *v);
    unsigned char *drop = calloc(r->n + 1, 1);
    size_t nv = 0;
    if (!v || !drop) {
        free(v);
        free(drop);
        r->nomem = 1;
        return;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].v.duty->topic && r->items[i].v.duty->to)
            v[nv++] = (uint32_t)i;
    if (nv)
        qsort_r(v, nv, sizeof *v, cmp_restated, r->items);
    for (size_t i = 1; i < nv; i++) {
        const item_t *x = &r->items[v[i - 1]], *y = &r->items[v[i]];
        if (x->v.doc == y->v.doc && (x->v.unit == y->v.unit || !strcmp(x->v.unit, y->v.unit)) &&
            !strcmp(x->v.duty->topic, y->v.duty->topic) &&
            !strcmp(x->v.duty->to, y->v.duty->to))
            drop[v[i]] = 1;
    }
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!drop[i])
            r->items[w++] = r->items[i];
    r->n = w;
    free(v);
    free(drop);
}

/* The subject as shown after a label: one line, at most about LW_REPORT_SUBJECT_MAX bytes (cut at a space,
 * "…" added); appended to b. */
static int put_subject(lw_buf *b, const char *subj)
{
    size_t start = b->len, words = 0;
    for (const char *t = subj; *t;) {
        size_t n = strcspn(t, "\n\r\t ");
        if (b->len - start + n + 1 > LW_REPORT_SUBJECT_MAX) {
            /* a long word (OCR): cut on a character's first byte */
            size_t k = n < LW_REPORT_SUBJECT_MAX ? n : LW_REPORT_SUBJECT_MAX;
            while (k && ((unsigned char)t[k] & 0xC0) == 0x80)
                k--;
            if (b->len - start < LW_REPORT_SUBJECT_KEEP && ((words && lw_buf_putc(b, ' ')) || lw_buf_append(b, t, k)))
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

/* What judging needed of the documents (their pairs, which part of a year each is about):
 * let go once the items are judged, and by lw_report_free when the build stopped before. */
static void free_judging(lw_report *r)
{
    for (size_t i = 0; r->pairs && r->ds && i < lw_docset_ndocs(r->ds); i++)
        free(r->pairs[i]);
    free(r->pairs);
    free(r->npairs);
    free(r->paired);
    free(r->doc_part);
    free(r->dpart);
    r->pairs = NULL;
    r->npairs = NULL;
    r->paired = r->doc_part = r->dpart = NULL;
    r->capdpart = 0;
}

/* The names of document k as items show it (its own and as an answer), made when written
 * and kept in its slot until another document takes it: name is "label: subject" (the label
 * alone, the subject alone, or NULL when the header gives neither: the path is all there
 * is), label the label alone for JSON. NULL when out of memory. */
static const struct name_slot *doc_name_of(const lw_report *r, size_t k)
{
    struct name_slot *sl = &r->name_slots[k & (LW_REPORT_NAME_SLOTS - 1)];
    if (sl->doc == k)
        return sl;
    free(sl->name);
    free(sl->label);
    *sl = (struct name_slot){(size_t)-1, NULL, NULL};
    const lw_ds_doc *d = lw_docset_doc(r->ds, k);
    lw_buf b = {0};
    int rc = lw_doc_label(&b, d->kind, d->number, d->date, d->issuer);
    if (rc < 0)
        return lw_buf_free(&b), NULL;
    if (rc == 0 && !(sl->label = strdup(b.data)))
        return lw_buf_free(&b), NULL;
    if (d->subject && *d->subject && ((rc == 0 && lw_buf_append(&b, ": ", 2)) || put_subject(&b, d->subject))) {
        free(sl->label);
        sl->label = NULL;
        return lw_buf_free(&b), NULL;
    }
    sl->name = b.len ? lw_buf_detach(&b, NULL) : NULL;
    lw_buf_free(&b);
    sl->doc = k;
    return sl;
}

/* Document i's items: its duties expanded to their units, restated ones dropped, each
 * judged and handed to the sorter; the counts apart counted (see lw_report.h). */
static lw_status judge_doc(lw_report *r, size_t i, const char **topics, lw_error *err)
{
    const lw_ds_doc *d = lw_docset_doc(r->ds, i);
    const lw_report_options *opt = &r->opt;
    r->n = 0;
    if (d->n_duties > r->capdpart) {
        unsigned char *p = realloc(r->dpart, d->n_duties);
        if (!p)
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        r->dpart = p;
        r->capdpart = d->n_duties;
    }
    if (d->n_duties)
        memset(r->dpart, 0, d->n_duties);
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
                    expand(r, u->units[n].name, u->units[n].level, u, d, k);
                leads++;
            }
        const char *nobody = lw_msg_get(LW_MSG_REPORT_UNIT_NOT_STATED, opt->english ? LW_LANG_EN : LW_LANG_VI);
        if (!leads && wanted_unit(r, nobody)) {
            add_item(r, nobody, u, d, k);
            if (r->n && r->items[r->n - 1].v.duty == u)
                r->items[r->n - 1].v.no_unit = 1;
        }
    }
    if (r->nomem)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    drop_restated(r);
    judge_all(r, topics);
    lw_status st = LW_OK;
    for (size_t j = 0; j < r->n && !st && !r->nomem; j++) {
        r->counts[r->items[j].v.status]++;
        st = put_item(r, &r->items[j], err);
    }
    if (!st && r->nomem)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    r->n = 0;
    return st;
}

/* Documents whose duties are read at a time (lw_docset_fill): a few megabytes of duties. */
#define LW_REPORT_GROUP 512

/* Every document's items, a group of documents' duties at a time. */
static lw_status judge_every_doc(lw_report *r, lw_store *s, const char **topics, lw_error *err)
{
    size_t nd = lw_docset_ndocs(r->ds);
    size_t ix[LW_REPORT_GROUP];
    lw_status st = LW_OK;
    for (size_t g = 0; g < nd && !st; g += LW_REPORT_GROUP) {
        size_t n = 0;
        for (size_t i = g; i < nd && i < g + LW_REPORT_GROUP; i++)
            if (!r->opt.doc_id || lw_docset_doc(r->ds, i)->id == r->opt.doc_id) /* issue 19: one document's */
                ix[n++] = i;
        if (!n)
            continue;
        st = lw_docset_fill(r->ds, s, ix, n, err);
        for (size_t k = 0; k < n && !st; k++)
            st = judge_doc(r, ix[k], topics, err);
        lw_docset_unfill(r->ds);
    }
    return st;
}

lw_status lw_report_build(lw_store *s, const lw_engine *eng, const lw_report_options *opt, lw_report **out,
                          lw_error *err)
{
    *out = NULL;
    lw_date probe;
    if (!opt || !opt->as_of || lw_date_parse_iso(opt->as_of, &probe) || !lw_date_valid(probe))
        return lw_error_msg(err, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_REPORT_BAD_DATE,
                            opt && opt->as_of ? opt->as_of : "(none)");
    /* an item, a name or a candidate lost to out of memory on the way is noted (lw_oom) and
     * fails the report at its end, never judged without */
    unsigned long oom = lw_oom_mark();
    lw_report *r = calloc(1, sizeof *r);
    if (!r)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    r->opt = *opt;
    snprintf(r->as_of, sizeof r->as_of, "%s", opt->as_of);
    r->opt.as_of = r->as_of;
    if (opt->all) {
        r->since[0] = '\0';
    } else if (opt->since) {
        lw_date sd;
        if (lw_date_parse_iso(opt->since, &sd) || !lw_date_valid(sd)) {
            free(r);
            return lw_error_msg(err, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_REPORT_BAD_DATE, opt->since);
        }
        snprintf(r->since, sizeof r->since, "%s", opt->since);
    } else {
        snprintf(r->since, sizeof r->since, "%04u-01-01", (unsigned)(probe.y - 1) % 10000u);
    }
    r->opt.since = r->since[0] ? r->since : NULL;
    r->as_of_days = iso_days(r->as_of);
    r->unit_key = opt->unit && *opt->unit ? lw_store_fold(opt->unit) : NULL;
    if (opt->unit && *opt->unit && !r->unit_key) {
        free(r);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    if (!getcwd(r->cwd, sizeof r->cwd))
        r->cwd[0] = '\0';
    const lw_ruleset *rs = lw_engine_rules(eng);
    long long *stale_ids = NULL;
    size_t n_stale = 0;
    /* one document's duties (issue 19) say no summary: its stale count is not read */
    lw_status st = opt->doc_id ? LW_OK : lw_store_stale_ids(s, lw_ruleset_version(rs), 1, &stale_ids, &n_stale, err);
    free(stale_ids); /* only their number is said */
    r->stale = (long long)n_stale;
    if (!st && !(r->db = strdup(lw_store_path(s))))
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && opt->ds)
        r->ds = opt->ds; /* the caller's (LW_DS_REFS_FULL is a superset of the ids) */
    else if (!st)
        st = lw_docset_load(s, rs, LW_DS_REFS_IDS | LW_DS_DUTIES_LAZY, &r->ds, err);
    if (st) {
        free(r->db);
        free(r->unit_key);
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
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    r->report_kind = json_string_value(lw_ruleset_data(rs, "report_kind"));
    for (size_t i = 0; i < nis; i++) {
        const lw_ds_issuer *is = lw_docset_issuer(r->ds, i);
        const char **p = &r->name_province[is->same_name];
        if (is->province && *p && strcmp(*p, is->province))
            r->many_provinces[is->same_name] = 1;
        else if (is->province)
            *p = is->province;
    }
    for (size_t i = 0; i < nd; i++)
        topics[i] = canon_topic(r, doc_topic(r, lw_docset_doc(r->ds, i)));
    json_t *pw = lw_ruleset_data(rs, "province_word");
    r->province_word = json_string_value(pw);
    r->pairs = calloc(nd + 1, sizeof *r->pairs);
    r->npairs = calloc(nd + 1, sizeof *r->npairs);
    r->paired = calloc(nd + 1, 1);
    r->doc_part = calloc(nd + 1, 1);
    if ((r->name_slots = calloc(LW_REPORT_NAME_SLOTS, sizeof *r->name_slots)))
        for (size_t i = 0; i < LW_REPORT_NAME_SLOTS; i++)
            r->name_slots[i].doc = (size_t)-1;
    /* a document's subject pairs are made when a duty first asks (on_subject): only the
     * candidates' are ever needed */
    int bad = !r->pairs || !r->npairs || !r->paired || !r->doc_part || !r->name_slots ||
              rank_paths(r) || index_topics(r, topics) || lw_subject_create(rs, &r->subject, err) ||
              load_list(rs, "province_bodies", &r->bodies, &r->nbodies) ||
              load_list(rs, "province_words", &r->province_words, &r->nprovince_words);
    if (bad || r->nomem) {
        free(topics);
        lw_report_free(r);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    st = lw_extsort_create(0, cmp_rec, r, &r->sorted, err);
    if (!st)
        st = judge_every_doc(r, s, topics, err);
    r->opt.unit = NULL; /* the filter is applied; the caller's string may go */
    /* what judging needed of the documents' subjects goes before the items are read back
     * (issue 20: the build's largest moments) */
    free_judging(r);
    free(r->items);
    r->items = NULL;
    r->cap = 0;
    if (!st)
        st = lw_extsort_finish(r->sorted, err);
    if (!st && (r->nomem || lw_oom_since(oom)))
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && !(r->cur = calloc(1, sizeof *r->cur)))
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (st) {
        free(topics);
        lw_report_free(r);
        return st;
    }
    free(topics);
    r->view = (lw_report_summary){.as_of = r->as_of,
                                  .since = r->since,
                                  .window = r->opt.window,
                                  .english = r->opt.english,
                                  .color = r->opt.color,
                                  .older = r->older,
                                  .directing = r->directing,
                                  .later = r->later,
                                  .unfollowed = r->unfollowed,
                                  .n_items = lw_extsort_count(r->sorted),
                                  .stale = r->stale,
                                  .db = r->db};
    memcpy(r->view.counts, r->counts, sizeof r->counts);
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
    free(r->db);
    free_judging(r);
    lw_subject_free(r->subject);
    free(r->bodies);
    free(r->province_words);
    for (size_t i = 0; r->name_slots && i < LW_REPORT_NAME_SLOTS; i++) {
        free(r->name_slots[i].name);
        free(r->name_slots[i].label);
    }
    free(r->name_slots);
    lw_extsort_free(r->sorted);
    lw_buf_free(&r->rec);
    for (size_t i = 0; i < r->nunits; i++)
        free((char *)r->units[i]);
    free(r->units);
    free(r->unit_slots);
    free(r->doc_rank);
    free(r->tdocs);
    free(r->tstart);
    free(r->tdate);
    if (r->cur) {
        free(r->cur->recs);
        free(r->cur->offs);
        free(r->cur->items);
        free(r->cur->duties);
        free(r->cur->ptrs);
        free(r->cur);
    }
    if (r->ds != r->opt.ds)
        lw_docset_free(r->ds);
    free(r);
}

size_t lw_report_count(const lw_report *r, lw_report_status st) { return st < LW_RS_COUNT ? r->counts[st] : 0; }
size_t lw_report_older(const lw_report *r) { return r->older; }
size_t lw_report_directing(const lw_report *r) { return r->directing; }

/* ---- the view ---- */

const lw_report_summary *lw_report_summary_of(const lw_report *r) { return &r->view; }

/* The item and duty that record h stands for, into it and u (strings borrowed from h). */
static void view_of(const lw_report *r, const rec_t *h, lw_report_item *it, lw_ds_duty *u)
{
    *u = (lw_ds_duty){.fact_id = h->fact_id,
                      .doc = h->doc,
                      .line = h->line,
                      .deadline_line = h->deadline_line,
                      .activity = rec_str(h, REC_ACTIVITY),
                      .topic = rec_str(h, REC_TOPIC),
                      .from = rec_str(h, REC_FROM),
                      .to = rec_str(h, REC_TO),
                      .qualifier = rec_str(h, REC_QUALIFIER),
                      .deadline_text = rec_str(h, REC_DEADLINE_TEXT)};
    *it = (lw_report_item){.unit = r->units[h->unit],
                           .duty = u,
                           .doc = lw_docset_doc(r->ds, h->doc),
                           .answer = h->answer == REC_NULL ? NULL : lw_docset_doc(r->ds, h->answer),
                           .days = h->days,
                           .status = h->status,
                           .no_unit = h->no_unit,
                           .whole_group = h->whole_group};
}

/* The reading failed: noted for lw_report_read_failed, and NULL for the caller. */
static const void *read_failed(const lw_report *r, lw_status st)
{
    ((lw_report *)r)->read_failed = st; /* the cursor's state: the view is otherwise const */
    return NULL;
}

const lw_report_item *lw_report_first(const lw_report *r)
{
    lw_error e;
    lw_status st = lw_extsort_rewind(r->sorted, &e);
    r->cur->have_next = 0;
    return st ? read_failed(r, st) : lw_report_next(r);
}

const lw_report_item *lw_report_next(const lw_report *r)
{
    size_t n;
    const rec_t *h = lw_extsort_next(r->sorted, &n);
    if (!h)
        return lw_extsort_failed(r->sorted) ? read_failed(r, lw_extsort_failed(r->sorted)) : NULL;
    view_of(r, h, &r->cur->it, &r->cur->duty);
    return &r->cur->it;
}

/* A copy of record h (n bytes) at the end of the cursor's unit buffer; -1 out of memory. */
static int keep_rec(cursor_t *c, const void *h, size_t n)
{
    size_t need = (n + 7u) & ~(size_t)7u;
    if (c->nrecs + need > c->caprecs) {
        size_t cap = c->caprecs ? c->caprecs : 4096;
        while (cap < c->nrecs + need)
            cap *= 2;
        unsigned char *p = realloc(c->recs, cap);
        if (!p)
            return -1;
        c->recs = p;
        c->caprecs = cap;
    }
    if (c->noffs == c->capoffs) {
        size_t cap = c->capoffs ? 2 * c->capoffs : 64;
        size_t *p = realloc(c->offs, cap * sizeof *p);
        if (!p)
            return -1;
        c->offs = p;
        c->capoffs = cap;
    }
    memcpy(c->recs + c->nrecs, h, n);
    c->offs[c->noffs++] = c->nrecs;
    c->nrecs += need;
    return 0;
}

const lw_report_item *const *lw_report_first_unit(const lw_report *r, size_t *n)
{
    lw_error e;
    lw_status st = lw_extsort_rewind(r->sorted, &e);
    r->cur->have_next = 0;
    *n = 0;
    return st ? read_failed(r, st) : lw_report_next_unit(r, n);
}

const lw_report_item *const *lw_report_next_unit(const lw_report *r, size_t *n)
{
    cursor_t *c = r->cur;
    *n = 0;
    /* the next unit's first record, read with the last unit, moves to the front */
    if (c->have_next) {
        const rec_t *h = (const rec_t *)(c->recs + c->next_off);
        size_t len = c->nrecs - c->next_off;
        memmove(c->recs, h, len);
        c->nrecs = len;
        c->offs[0] = 0;
        c->noffs = 1;
    } else {
        c->nrecs = c->noffs = 0;
    }
    c->have_next = 0;
    for (;;) {
        size_t len;
        const rec_t *h = lw_extsort_next(r->sorted, &len);
        if (!h) {
            if (lw_extsort_failed(r->sorted))
                return read_failed(r, lw_extsort_failed(r->sorted));
            break;
        }
        const rec_t *first = c->noffs ? (const rec_t *)(c->recs + c->offs[0]) : NULL;
        int other = first && first->unit != h->unit && strcmp(r->units[first->unit], r->units[h->unit]);
        if (keep_rec(c, h, len))
            return read_failed(r, LW_ERR_NOMEM);
        if (other) { /* the next unit's: kept for the next call */
            c->noffs--;
            c->next_off = c->offs[c->noffs];
            c->have_next = 1;
            break;
        }
    }
    if (!c->noffs)
        return NULL;
    if (c->noffs > c->capv) {
        size_t cap = c->noffs;
        lw_report_item *it = realloc(c->items, cap * sizeof *it);
        if (it)
            c->items = it;
        lw_ds_duty *u = realloc(c->duties, cap * sizeof *u);
        if (u)
            c->duties = u;
        const lw_report_item **p = realloc(c->ptrs, cap * sizeof *p);
        if (p)
            c->ptrs = p;
        if (!it || !u || !p)
            return read_failed(r, LW_ERR_NOMEM);
        c->capv = cap;
    }
    for (size_t i = 0; i < c->noffs; i++) {
        view_of(r, (const rec_t *)(c->recs + c->offs[i]), &c->items[i], &c->duties[i]);
        c->ptrs[i] = &c->items[i];
    }
    *n = c->noffs;
    return c->ptrs;
}

lw_status lw_report_read_failed(const lw_report *r) { return r->read_failed; }

int lw_report_listed(lw_report_status st) { return st <= LW_RS_NO_UNIT; }

const char *lw_report_doc_name(const lw_report *r, const lw_ds_doc *d)
{
    const struct name_slot *sl = doc_name_of(r, doc_ix(r->ds, d));
    if (!sl)
        read_failed(r, LW_ERR_NOMEM); /* a name missing would be a silent loss */
    return sl ? sl->name : NULL;
}

const char *lw_report_doc_label(const lw_report *r, const lw_ds_doc *d)
{
    const struct name_slot *sl = doc_name_of(r, doc_ix(r->ds, d));
    if (!sl)
        read_failed(r, LW_ERR_NOMEM);
    return sl ? sl->label : NULL;
}

const char *lw_report_shown(const lw_report *r, const char *path) { return lw_path_below(path, r->cwd); }

long lw_report_iso_days(const char *iso) { return iso_days(iso); }

long lw_report_civil_days(int y, int m, int d) { return days_from_civil(y, m, d); }
