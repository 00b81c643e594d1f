/* lw_docset: documents, duties and references of a database in memory (see the header). */
#include "lw_docset.h"
#include "lw_oom.h"

#include "lw_date.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_resolve.h"
#include "lw_text.h"
#include "lw_yaml.h"

typedef struct {
    char *name_key;
    pcre2_code *covers;
} group_t;

typedef struct {
    const char *key; /* folded number, kept in strs */
    size_t doc;
} number_t;

typedef struct {
    char *unit;   /* NULL: empty slot */
    size_t *ix;   /* covered issuers */
    size_t n;
} covered_t;

struct lw_docset {
    lw_ds_doc *docs;
    size_t ndocs;
    lw_ds_duty *duties;
    size_t nduties;
    lw_ds_unit *units;
    size_t nunits;
    lw_ds_ref *refs;
    size_t nrefs;
    char **strs; /* the arena's chunks */
    size_t nstrs, capstrs;
    char *chunk; /* free space of the current chunk */
    size_t chunk_left;
    const char **words; /* keep_word's set, open addressing; capwords a power of two */
    size_t nwords, capwords;
    group_t *groups;
    size_t ngroups;
    pcre2_match_data *md;
    number_t *numbers; /* sorted by key, then document */
    size_t nnumbers;
    lw_ds_issuer *issuers;
    size_t nissuers;
    size_t *issuer_docs; /* the issuers' slices */
    int one_province;
    covered_t *cov; /* open addressing by unit name; ncov a power of two */
    size_t ncov, usedcov;
    /* issue 20 (LW_DS_LAZY): the group lw_docset_fill filled, indexed from LW_DS_FILLED up,
     * its strings in an arena of their own (fstrs), and what its documents had before */
    int lazy, filling;   /* filling: keep_word adds no word (its copy goes with the group) */
    /* issue 20 (LW_DS_DUTIES_LAZY): no duties loaded; lw_docset_fill brings a group's alone */
    int duties_lazy;
    /* issue 20 (LW_DS_REFS_IDS): each reference's target alone, in the documents' slices
     * (first_ref, n_refs): all the report asks of them */
    uint32_t *targets;   /* UINT32_MAX: none (4 bytes: some million references at 100000) */
    size_t ntargets, captargets;
    int targets_only;
    lw_ds_duty *fduties;
    size_t nfduties;
    lw_ds_unit *funits;
    size_t nfunits;
    lw_ds_ref *frefs;
    size_t nfrefs;
    char **fstrs;
    size_t nfstrs, capfstrs;
    struct filled {
        size_t doc, first_ref, n_refs, first_duty, n_duties;
    } *saved;
    size_t nsaved;
};

/* The first index of a filled group's duties and references: past any loaded ones. */
#define LW_DS_FILLED ((size_t)1 << (sizeof(size_t) * 8 - 2))

/* Strings live in chunks (an arena): a database of 20000 documents hands out some two
 * million of them, and one malloc each would double the memory. */
#define LW_DS_CHUNK (256u * 1024u)

static const char *keep_n(lw_docset *d, const char *s, size_t n)
{
    if (n + 1 > d->chunk_left) {
        size_t size = n + 1 > LW_DS_CHUNK / 4 ? n + 1 : LW_DS_CHUNK;
        if (d->nstrs == d->capstrs) {
            size_t cap = d->capstrs ? d->capstrs * 2 : 64;
            char **p = realloc(d->strs, cap * sizeof *p);
            if (!p) {
                lw_oom_note(); /* the load fails at its end (lw_oom) */
                return NULL;
            }
            d->strs = p;
            d->capstrs = cap;
        }
        char *c = malloc(size);
        if (!c) {
            lw_oom_note();
            return NULL;
        }
        d->strs[d->nstrs++] = c;
        if (size != LW_DS_CHUNK) { /* a long string: a chunk of its own, the current one stays */
            memcpy(c, s, n);
            c[n] = '\0';
            return c;
        }
        d->chunk = c;
        d->chunk_left = size;
    }
    char *c = d->chunk;
    memcpy(c, s, n);
    c[n] = '\0';
    d->chunk += n + 1;
    d->chunk_left -= n + 1;
    return c;
}

static const char *keep(lw_docset *d, const unsigned char *s)
{
    return s ? keep_n(d, (const char *)s, strlen((const char *)s)) : NULL;
}

/* The one copy of a string of a small vocabulary (roles, levels, topics, sections) or of a
 * text repeated many times (issuers, the province plans' duties). */
static const char *keep_word(lw_docset *d, const unsigned char *s)
{
    if (!s)
        return NULL;
    if (2 * (d->nwords + 1) > d->capwords) {
        size_t cap = d->capwords ? d->capwords * 2 : 256;
        const char **t = calloc(cap, sizeof *t);
        if (!t) {
            lw_oom_note();
            return NULL;
        }
        for (size_t i = 0; i < d->capwords; i++)
            if (d->words[i]) {
                size_t k = (size_t)lw_hash_str(d->words[i]) & (cap - 1);
                while (t[k])
                    k = (k + 1) & (cap - 1);
                t[k] = d->words[i];
            }
        free(d->words);
        d->words = t;
        d->capwords = cap;
    }
    size_t k = (size_t)lw_hash_str((const char *)s) & (d->capwords - 1);
    while (d->words[k] && strcmp(d->words[k], (const char *)s))
        k = (k + 1) & (d->capwords - 1);
    if (!d->words[k] && d->filling)
        return keep(d, s); /* a filled group's: released with it, so not in the set */
    if (!d->words[k]) {
        const char *c = keep(d, s);
        if (!c)
            return NULL;
        d->words[k] = c;
        d->nwords++;
    }
    return d->words[k];
}

/* What lw_docset_load is reading, for the store's row callbacks. */
typedef struct {
    lw_docset *d;
    int flags;
    int nomem;           /* set by a callback that ran out of memory (the read then stops) */
    int unclassified;    /* a document's topic is still '' (an ingest was cut short after the
                            upgrade to schema 5): its answers would be wrong */
    size_t cap, ucap, fcap, kcap;
    long long *fids;     /* duty of each unit, in d->units order */
    const char **keys;   /* by reference: its cited id folded, as stored */
    /* the vocabulary of issuers and kinds (rules/duties.yaml), borrowed from the rules */
    json_t *province_committees, *city_committees;
    char *province_word; /* owned: " tỉnh " */
    char *plan_key;      /* owned: plan_kind folded ("ke hoach") */
    /* LW_DS_LAZY (on_ref_lazy): the document whose references are being read, their targets */
    size_t cur;
    size_t *tg;
    size_t ntg, captg;
    /* LW_DS_LAZY (load_plan_duties): only the duties with a topic are kept (the only ones a
     * unit plan is compared with), and only their units: kept holds their fact ids, sorted */
    int topical_only;
    long long *kept;
    size_t nkept, capkept;
} loader;

/* The vocabulary loader needs from rs: LW_ERR_RULE when rules/duties.yaml lacks it. */
static lw_status load_vocabulary(loader *l, const lw_ruleset *rs, lw_error *err)
{
    l->province_committees = lw_ruleset_data(rs, "province_committees");
    l->city_committees = lw_ruleset_data(rs, "city_committees");
    const char *word = json_string_value(lw_ruleset_data(rs, "province_word"));
    const char *plan = json_string_value(lw_ruleset_data(rs, "plan_kind"));
    if (!json_is_array(l->province_committees) || !json_is_array(l->city_committees) || !word || !plan)
        return lw_error_msg(err, LW_ERR_RULE, "rules/duties.yaml", 0, 0, LW_MSG_DOCSET_NEEDS_KEYS);
    size_t n = strlen(word) + 3;
    if ((l->province_word = malloc(n)))
        snprintf(l->province_word, n, " %s ", word);
    l->plan_key = lw_store_fold(plan);
    if (!l->province_word || !l->plan_key)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    return LW_OK;
}

/* Whether s starts with one of the strings of arr. */
static int starts_with_any(const char *s, json_t *arr)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *p = json_string_value(v);
        if (p && !strncmp(s, p, strlen(p)))
            return 1;
    }
    return 0;
}

/* s kept in the docset (a word of a small vocabulary: one copy); a copy that memory runs out
 * for marks the load failed, never a field silently left empty. */
static const char *word(loader *l, const char *s)
{
    const char *c = keep_word(l->d, (const unsigned char *)s);
    if (s && !c)
        l->nomem = 1;
    return c;
}

static const char *col(loader *l, const char *s)
{
    const char *c = keep(l->d, (const unsigned char *)s);
    if (s && !c)
        l->nomem = 1;
    return c;
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = realloc(*v, c * size);
    if (!p) {
        lw_oom_note(); /* callers that cannot say so fail their operation (lw_oom) */
        return -1;
    }
    *v = p;
    *cap = c;
    return 0;
}

/* The year a document is about: its date, else the last "năm YYYY" of its subject. */
static int doc_year(const char *date, const char *subject)
{
    if (date && strlen(date) >= 4)
        return atoi(date);
    int y = 0;
    for (const char *p = subject ? strstr(subject, "năm ") : NULL; p; p = strstr(p + 1, "năm ")) {
        int v = atoi(p + 4);
        if (v >= 1945 && v <= 2100)
            y = v;
    }
    return y;
}

size_t lw_docset_ndocs(const lw_docset *d) { return d->ndocs; }
size_t lw_docset_nduties(const lw_docset *d) { return d->nduties; }
const lw_ds_doc *lw_docset_doc(const lw_docset *d, size_t i) { return i < d->ndocs ? &d->docs[i] : NULL; }
const lw_ds_duty *lw_docset_duty(const lw_docset *d, size_t i)
{
    if (i < d->nduties)
        return &d->duties[i];
    return i >= LW_DS_FILLED && i - LW_DS_FILLED < d->nfduties ? &d->fduties[i - LW_DS_FILLED] : NULL;
}

size_t lw_docset_target(const lw_docset *d, size_t i)
{
    if (d->targets_only)
        return i < d->ntargets && d->targets[i] != UINT32_MAX ? d->targets[i] : (size_t)-1;
    const lw_ds_ref *r = lw_docset_ref(d, i);
    return r ? r->target : (size_t)-1;
}

const lw_ds_ref *lw_docset_ref(const lw_docset *d, size_t i)
{
    if (i < d->nrefs)
        return &d->refs[i];
    return i >= LW_DS_FILLED && i - LW_DS_FILLED < d->nfrefs ? &d->frefs[i - LW_DS_FILLED] : NULL;
}

static size_t doc_index(const lw_docset *d, long long id)
{
    size_t lo = 0, hi = d->ndocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->docs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->ndocs && d->docs[lo].id == id ? lo : (size_t)-1;
}

static int cmp_number(const void *a, const void *b)
{
    const number_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->doc > y->doc) - (x->doc < y->doc);
}

/* The index in d->numbers of the first entry of key (folded), or d->nnumbers. */
static size_t first_number(const lw_docset *d, const char *key)
{
    size_t lo = 0, hi = d->nnumbers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(d->numbers[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nnumbers && !strcmp(d->numbers[lo].key, key) ? lo : d->nnumbers;
}

/* The first of the documents numbered key (folded), or (size_t)-1. */
static size_t find_number_key(const lw_docset *d, const char *key)
{
    size_t lo = first_number(d, key);
    return lo < d->nnumbers ? d->numbers[lo].doc : (size_t)-1;
}

/* The document a reference of document from names by key: among several of that number
 * (numbers start again every year: 48/KH-UBND of 2024 and of 2025 in one province's
 * database), the one of the cited date, else of the cited year, else the latest dated on or
 * before the citing document (what it can have cited), else the first. */
static size_t resolve_ref(const lw_docset *d, const char *key, const char *date, size_t from)
{
    size_t lo = first_number(d, key);
    if (lo == d->nnumbers)
        return (size_t)-1;
    size_t e = lo + 1;
    while (e < d->nnumbers && !strcmp(d->numbers[e].key, key))
        e++;
    if (e == lo + 1)
        return d->numbers[lo].doc;
    int year = date && strlen(date) >= 4 ? atoi(date) : 0;
    size_t by_year = (size_t)-1, before = (size_t)-1;
    const char *at = from < d->ndocs ? d->docs[from].date : NULL;
    for (size_t k = lo; k < e; k++) {
        const lw_ds_doc *x = &d->docs[d->numbers[k].doc];
        if (date && x->date && !strcmp(x->date, date))
            return d->numbers[k].doc;
        if (year && x->year == year && by_year == (size_t)-1)
            by_year = d->numbers[k].doc;
        if (at && x->date && strcmp(x->date, at) <= 0 &&
            (before == (size_t)-1 || strcmp(x->date, d->docs[before].date) > 0))
            before = d->numbers[k].doc;
    }
    if (year)
        return by_year; /* the citation says which year: none of those is it */
    return before != (size_t)-1 ? before : d->numbers[lo].doc;
}

size_t lw_docset_find_number(const lw_docset *d, const char *id)
{
    if (!id)
        return (size_t)-1;
    char *k = lw_store_fold(id);
    size_t found = k ? find_number_key(d, k) : (size_t)-1;
    free(k);
    return found;
}

size_t lw_docset_nissuers(const lw_docset *d) { return d->nissuers; }
const lw_ds_issuer *lw_docset_issuer(const lw_docset *d, size_t i) { return i < d->nissuers ? &d->issuers[i] : NULL; }
int lw_docset_one_province(const lw_docset *d) { return d->one_province; }

/* The unit group named u (folded), or NULL. */
static const group_t *group_of(const lw_docset *d, const char *u)
{
    for (size_t g = 0; g < d->ngroups; g++)
        if (!strcmp(d->groups[g].name_key, u))
            return &d->groups[g];
    return NULL;
}

/* covers on folded names (u: the unit's, is: the issuer's); issuer as written for the
 * group's pattern (g: group_of(u)) */
static int covers_key(const lw_docset *d, const char *u, size_t ul, const group_t *g, const char *is,
                      const char *issuer)
{
    /* the same name, or the name with its place: "Sở Tư pháp" is "Sở Tư pháp tỉnh Bến Tre" */
    static const char *const places[] = {" tinh ", " thanh pho ", " huyen ", " quan ", " thi xa ", " xa ", " phuong "};
    if (!strncmp(is, u, ul)) {
        if (!is[ul])
            return 1;
        for (size_t k = 0; k < sizeof places / sizeof places[0]; k++)
            if (!strncmp(is + ul, places[k], strlen(places[k])))
                return 1;
    }
    return g && pcre2_match(g->covers, (PCRE2_SPTR)issuer, PCRE2_ZERO_TERMINATED, 0, 0, d->md, NULL) >= 0;
}

int lw_docset_is_group(const lw_docset *d, const char *unit)
{
    char *u = unit ? lw_store_fold(unit) : NULL;
    int yes = u && group_of(d, u) != NULL;
    free(u);
    return yes;
}

int lw_docset_covers(const lw_docset *d, const char *unit, const char *issuer)
{
    if (!unit || !issuer)
        return 0;
    char *u = lw_store_fold(unit), *is = lw_store_fold(issuer);
    int yes = u && is && covers_key(d, u, strlen(u), group_of(d, u), is, issuer);
    free(u);
    free(is);
    return yes;
}

static int cov_grow(lw_docset *d)
{
    size_t n = d->ncov ? d->ncov * 2 : 256;
    covered_t *t = calloc(n, sizeof *t);
    if (!t) {
        lw_oom_note(); /* lw_docset_covered's NULL is then no "covers nothing" (lw_oom) */
        return -1;
    }
    for (size_t i = 0; i < d->ncov; i++) {
        if (!d->cov[i].unit)
            continue;
        size_t s = (size_t)lw_hash_str(d->cov[i].unit) & (n - 1);
        while (t[s].unit)
            s = (s + 1) & (n - 1);
        t[s] = d->cov[i];
    }
    free(d->cov);
    d->cov = t;
    d->ncov = n;
    return 0;
}

const size_t *lw_docset_covered(lw_docset *d, const char *unit, size_t *n)
{
    *n = 0;
    if (!unit || (2 * (d->usedcov + 1) > d->ncov && cov_grow(d)))
        return NULL;
    size_t s = (size_t)lw_hash_str(unit) & (d->ncov - 1);
    while (d->cov[s].unit && strcmp(d->cov[s].unit, unit))
        s = (s + 1) & (d->ncov - 1);
    covered_t *c = &d->cov[s];
    if (!c->unit) {
        char *u = lw_store_fold(unit);
        c->unit = strdup(unit);
        if (!u || !c->unit) {
            lw_oom_note();
            free(u);
            free(c->unit);
            c->unit = NULL;
            return NULL;
        }
        d->usedcov++;
        size_t cap = 0, ul = strlen(u);
        const group_t *g = group_of(d, u);
        for (size_t i = 0; i < d->nissuers; i++) {
            const lw_ds_issuer *is = &d->issuers[i];
            if (!covers_key(d, u, ul, g, is->key, is->name))
                continue;
            if (grow((void **)&c->ix, &cap, c->n, sizeof *c->ix))
                break; /* out of memory: the ones found so far */
            c->ix[c->n++] = i;
        }
        free(u);
    }
    *n = c->n;
    return c->ix;
}

/* Items of a plan's programme and reporting obligations always need a deadline. A task under "Tổ chức thực hiện" is when it has a topic
 * that no dated duty of the same document covers: "Chủ động kiểm tra ..." restates the
 * plan's dated inspection item, and "Phối hợp chặt chẽ ..." (no topic) is a standing
 * responsibility that plans never date. */
int lw_docset_needs_deadline(const lw_docset *ds, const lw_ds_doc *d, const lw_ds_duty *u)
{
    if (!u->to && u->qualifier && !strcmp(u->qualifier, "recurring"))
        return 0; /* "Thực hiện thường xuyên": the plan says when, with no date */
    if (!u->source || strcmp(u->source, "assignment"))
        return 1;
    if (!u->topic)
        return 0;
    int dated = 0;
    for (size_t k = 0; k < d->n_duties; k++) {
        const lw_ds_duty *o = lw_docset_duty(ds, d->first_duty + k);
        if (o != u && o->to && o->topic && !strcmp(o->topic, u->topic))
            return 0;
        dated |= o->to != NULL;
    }
    /* a document that dates none of its tasks (a Chỉ thị, a standing assignment of
     * responsibilities) gives standing duties: a missing date there is no omission */
    return dated;
}

const char *lw_date_vi(const char *iso, char *buf)
{
    /* the stored form, YYYY-MM-DD, turned round by hand: a report writes some 200000 dates
     * (sscanf and snprintf were a twentieth of its time); the same text as below */
    if (iso && iso[0] >= '0' && iso[0] <= '9' && iso[1] >= '0' && iso[1] <= '9' && iso[2] >= '0' && iso[2] <= '9' &&
        iso[3] >= '0' && iso[3] <= '9' && iso[4] == '-' && iso[5] >= '0' && iso[5] <= '9' && iso[6] >= '0' &&
        iso[6] <= '9' && iso[7] == '-' && iso[8] >= '0' && iso[8] <= '9' && iso[9] >= '0' && iso[9] <= '9') {
        memcpy(buf, (const char[]){iso[8], iso[9], '/', iso[5], iso[6], '/', iso[0], iso[1], iso[2], iso[3], '\0'}, 11);
        return buf;
    }
    int y, m, dd;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &dd) != 3)
        return iso ? iso : "";
    snprintf(buf, 11, "%02u/%02u/%04u", (unsigned)dd % 100u, (unsigned)m % 100u, (unsigned)y % 10000u);
    return buf;
}

static lw_status load_groups(lw_docset *d, const lw_ruleset *rs, lw_error *err)
{
    json_t *groups = lw_ruleset_data(rs, "unit_groups");
    size_t i;
    json_t *g;
    d->groups = calloc(json_array_size(groups) + 1, sizeof *d->groups);
    if (!d->groups)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    json_array_foreach(groups, i, g) {
        const char *name = json_string_value(json_object_get(g, "name"));
        const char *covers = json_string_value(json_object_get(g, "covers"));
        if (!name || !covers)
            return lw_error_msg(err, LW_ERR_RULE, "rules/duties.yaml", lw_yaml_line(g), 0, LW_MSG_DOCSET_GROUP_NEEDS);
        int ec;
        PCRE2_SIZE off;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)covers, PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &ec, &off, NULL);
        if (!re) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(ec, msg, sizeof msg);
            return lw_error_msg(err, LW_ERR_RULE, "rules/duties.yaml", lw_yaml_line(g), (int)off + 1,
                                LW_MSG_DOCSET_GROUP_BAD, name, (const char *)msg);
        }
        d->groups[d->ngroups].covers = re;
        if (!(d->groups[d->ngroups++].name_key = lw_store_fold(name)))
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    if (!(d->md = pcre2_match_data_create(4, NULL)))
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    return LW_OK;
}

/* The documents' folded numbers, sorted (resolve_ref looks references up in them). */
static int sort_numbers(lw_docset *d)
{
    d->numbers = calloc(d->ndocs + 1, sizeof *d->numbers);
    if (!d->numbers)
        return -1;
    for (size_t i = 0; i < d->ndocs; i++) {
        if (!d->docs[i].number)
            continue;
        char *k = lw_store_fold(d->docs[i].number);
        const char *kept = k ? keep(d, (const unsigned char *)k) : NULL;
        free(k);
        if (!kept)
            return -1;
        d->numbers[d->nnumbers++] = (number_t){.key = kept, .doc = i};
    }
    qsort(d->numbers, d->nnumbers, sizeof *d->numbers, cmp_number);
    return 0;
}

/* The province of document i when it names none: the one most of the documents it cites
 * have (targets[0..n), its references' in text order; the first of those cited most), as
 * the documents before it have theirs by now ("Thực hiện Kế hoạch số 48/KH-UBND của Ủy ban
 * nhân dân tỉnh": a district answering its province's plan). */
static void infer_province(lw_docset *d, size_t i, const size_t *targets, size_t n)
{
    lw_ds_doc *x = &d->docs[i];
    if (x->province)
        return;
    const char *best = NULL;
    int best_n = 0;
    for (size_t k = 0; k < n; k++) {
        size_t t = targets[k];
        const char *p = t != (size_t)-1 && t != i ? d->docs[t].province : NULL;
        if (!p || (best && !strcmp(p, best)))
            continue;
        int c = 0;
        for (size_t j = k; j < n; j++) {
            size_t tj = targets[j];
            c += tj != (size_t)-1 && tj != i && d->docs[tj].province && !strcmp(d->docs[tj].province, p);
        }
        if (c > best_n) {
            best = p;
            best_n = c;
        }
    }
    x->province = best; /* a pointer into the cited document's strings: the docset owns both */
}

/* Whether the documents name at most one province (lw_docset_one_province). */
static void set_one_province(lw_docset *d)
{
    /* provinces are kept by keep_word, so one pointer per name (the report compares them by
     * pointer first), and an inferred one is a cited document's own */
    const char *only = NULL;
    d->one_province = 1;
    for (size_t i = 0; i < d->ndocs && d->one_province; i++) {
        const char *p = d->docs[i].province;
        if (p && only && strcmp(p, only))
            d->one_province = 0;
        if (p)
            only = p;
    }
}

/* Folded numbers sorted, then each reference's target, then the province of a document
 * that names none (infer_province), in document order. */
static int index_numbers(lw_docset *d, const char *const *ref_keys)
{
    if (sort_numbers(d))
        return -1;
    for (size_t i = 0; i < d->ndocs; i++)
        for (size_t k = d->docs[i].first_ref; k < d->docs[i].first_ref + d->docs[i].n_refs; k++) {
            lw_ds_ref *r = &d->refs[k];
            char *f = ref_keys[k] || !r->id ? NULL : lw_store_fold(r->id);
            const char *key = ref_keys[k] ? ref_keys[k] : f;
            r->target = key ? resolve_ref(d, key, r->date, i) : (size_t)-1;
            free(f);
        }
    size_t *targets = malloc((d->nrefs + 1) * sizeof *targets);
    if (!targets)
        return -1;
    for (size_t k = 0; k < d->nrefs; k++)
        targets[k] = d->refs[k].target;
    for (size_t i = 0; i < d->ndocs; i++)
        infer_province(d, i, targets + d->docs[i].first_ref, d->docs[i].n_refs);
    free(targets);
    set_one_province(d);
    return 0;
}

/* The distinct issuers, in order of their first document, each with its documents. */
static int index_issuers(lw_docset *d)
{
    size_t nslots = 64;
    while (nslots < 2 * d->ndocs + 2)
        nslots *= 2;
    size_t *slots = calloc(nslots, sizeof *slots); /* issuer index + 1; 0 empty */
    size_t *names = calloc(nslots, sizeof *names); /* by name only, likewise */
    size_t *count = calloc(d->ndocs + 1, sizeof *count);
    d->issuers = calloc(d->ndocs + 1, sizeof *d->issuers);
    d->issuer_docs = calloc(d->ndocs + 1, sizeof *d->issuer_docs);
    if (!slots || !names || !count || !d->issuers || !d->issuer_docs) {
        free(slots);
        free(names);
        free(count);
        return -1;
    }
    lw_buf key = {0};
    int bad = 0;
    for (size_t i = 0; i < d->ndocs && !bad; i++) {
        lw_ds_doc *x = &d->docs[i];
        x->issuer_ix = (size_t)-1;
        if (!x->issuer)
            continue;
        char *f = lw_store_fold(x->issuer);
        key.len = 0;
        /* name and province; \x1f stands between, as no name holds it */
        if (!f || lw_buf_printf(&key, "%s\x1f%s", f, x->province ? x->province : "")) {
            free(f);
            bad = 1;
            break;
        }
        size_t s = (size_t)lw_hash_str(key.data) & (nslots - 1);
        while (slots[s]) {
            const lw_ds_issuer *is = &d->issuers[slots[s] - 1];
            const char *ip = is->province ? is->province : "";
            size_t kl = strlen(is->key);
            if (!strncmp(key.data, is->key, kl) && key.data[kl] == '\x1f' && !strcmp(key.data + kl + 1, ip))
                break;
            s = (s + 1) & (nslots - 1);
        }
        if (!slots[s]) {
            size_t t = (size_t)lw_hash_str(f) & (nslots - 1);
            while (names[t] && strcmp(d->issuers[names[t] - 1].key, f))
                t = (t + 1) & (nslots - 1);
            const char *kept = names[t] ? d->issuers[names[t] - 1].key : keep(d, (const unsigned char *)f);
            if (!kept) {
                free(f);
                bad = 1;
                break;
            }
            d->issuers[d->nissuers] = (lw_ds_issuer){.name = x->issuer, .key = kept, .province = x->province,
                                                     .same_name = names[t] ? names[t] - 1 : d->nissuers};
            slots[s] = ++d->nissuers;
            if (!names[t])
                names[t] = d->nissuers;
        }
        free(f);
        x->issuer_ix = slots[s] - 1;
        count[x->issuer_ix]++;
    }
    lw_buf_free(&key);
    free(slots);
    free(names);
    if (bad) {
        free(count);
        return -1;
    }
    size_t at = 0;
    for (size_t k = 0; k < d->nissuers; k++) {
        d->issuers[k].docs = d->issuer_docs + at;
        at += count[k];
    }
    for (size_t i = 0; i < d->ndocs; i++) {
        size_t k = d->docs[i].issuer_ix;
        if (k != (size_t)-1)
            d->issuer_docs[(size_t)(d->issuers[k].docs - d->issuer_docs) + d->issuers[k].n_docs++] = i;
    }
    free(count);
    return 0;
}

static int on_doc(void *ud, const lw_store_doc_row *r)
{
    loader *l = ud;
    lw_docset *d = l->d;
    if (grow((void **)&d->docs, &l->cap, d->ndocs, sizeof *d->docs))
        return l->nomem = 1;
    lw_ds_doc *x = &d->docs[d->ndocs++];
    memset(x, 0, sizeof *x);
    x->id = r->id;
    x->path = col(l, r->path);
    x->kind = word(l, r->kind);
    x->number = col(l, r->number);
    x->issuer = word(l, r->issuer); /* one copy per issuer (issue 20: some thousands for 100000) */
    x->date = word(l, r->date);
    /* LW_DS_LAZY: the subject is only in a document's own findings: it comes with the
     * document's group (lw_docset_fill) */
    x->subject = d->lazy ? NULL : col(l, r->subject);
    x->topic = word(l, r->topic);
    if (r->topic && !*r->topic)
        l->unclassified = 1;
    x->is_plan = r->kind_key && !strcmp(r->kind_key, l->plan_key);
    x->year = doc_year(x->date, r->subject);
    return l->nomem;
}

static int on_level(void *ud, const lw_store_doc_value *r)
{
    loader *l = ud;
    size_t i = doc_index(l->d, r->doc_id);
    if (i != (size_t)-1 && !l->d->docs[i].issuer_level)
        l->d->docs[i].issuer_level = word(l, r->value);
    return l->nomem;
}

static int on_province(void *ud, const lw_store_doc_value *r)
{
    loader *l = ud;
    size_t i = doc_index(l->d, r->doc_id);
    if (i != (size_t)-1 && !l->d->docs[i].province)
        l->d->docs[i].province = word(l, r->value);
    return l->nomem;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static int on_duty(void *ud, const lw_store_duty_row *r)
{
    loader *l = ud;
    lw_docset *d = l->d;
    size_t di = doc_index(d, r->doc_id);
    if (di == (size_t)-1 || (l->topical_only && !r->topic))
        return 0;
    if (l->topical_only) {
        if (grow((void **)&l->kept, &l->capkept, l->nkept, sizeof *l->kept))
            return l->nomem = 1;
        l->kept[l->nkept++] = r->fact_id;
    }
    if (grow((void **)&d->duties, &l->cap, d->nduties, sizeof *d->duties))
        return l->nomem = 1;
    lw_ds_duty *u = &d->duties[d->nduties];
    memset(u, 0, sizeof *u);
    u->fact_id = r->fact_id;
    u->doc = di;
    u->line = r->line;
    u->page = r->page;
    /* the province plans' duties, kept for the whole check, repeat their plans' words year
     * after year and province after province: one copy of each (issue 20) */
    u->activity = l->topical_only ? word(l, r->activity) : col(l, r->activity);
    u->topic = word(l, r->topic);
    u->section = word(l, r->section);
    u->source = word(l, r->source);
    /* LW_DS_LAZY's province plans' duties: check compares a unit plan with them by topic,
     * deadline and units, and never shows their output (a filled plan reads it again) */
    u->output = l->topical_only ? NULL : col(l, r->output);
    u->from = word(l, r->from);
    u->to = word(l, r->to);
    u->precision = word(l, r->precision);
    u->qualifier = word(l, r->qualifier);
    if (r->deadline_text) {
        /* the words as written, without the markup OCR and converters leave ("**ngày") */
        char *c = lw_text_clean(r->deadline_text, strlen(r->deadline_text));
        u->deadline_text = c ? (l->topical_only ? word(l, c) : col(l, c)) : NULL;
        if (!c)
            l->nomem = 1;
        free(c);
    }
    u->deadline_line = r->deadline_line;
    if (!d->docs[di].n_duties)
        d->docs[di].first_duty = d->nduties;
    d->docs[di].n_duties++;
    d->nduties++;
    return l->nomem;
}

static int on_unit(void *ud, const lw_store_unit_row *r)
{
    loader *l = ud;
    lw_docset *d = l->d;
    if (l->topical_only && !bsearch(&r->fact_id, l->kept, l->nkept, sizeof *l->kept, cmp_ll))
        return 0; /* a unit of a duty not kept */
    size_t fcap = l->fcap;
    if (grow((void **)&d->units, &l->ucap, d->nunits, sizeof *d->units) ||
        grow((void **)&l->fids, &fcap, d->nunits, sizeof *l->fids))
        return l->nomem = 1;
    l->fcap = fcap;
    l->fids[d->nunits] = r->fact_id;
    lw_ds_unit *un = &d->units[d->nunits++];
    un->role = word(l, r->role);
    un->name = word(l, r->name);
    un->level = word(l, r->level);
    un->line = r->line;
    return l->nomem;
}

static int on_ref(void *ud, const lw_store_ref_row *q)
{
    loader *l = ud;
    lw_docset *d = l->d;
    size_t di = doc_index(d, q->doc_id);
    if (di == (size_t)-1)
        return 0;
    if (grow((void **)&d->refs, &l->cap, d->nrefs, sizeof *d->refs) ||
        grow((void **)&l->keys, &l->kcap, d->nrefs, sizeof *l->keys))
        return l->nomem = 1;
    lw_ds_ref *r = &d->refs[d->nrefs];
    memset(r, 0, sizeof *r);
    r->id = word(l, q->cited_id);
    /* the target now, by the stored folded id (the numbers are sorted after this loop) */
    r->target = (size_t)-1;
    l->keys[d->nrefs] = word(l, q->cited_key);
    r->date = word(l, q->cited_date); /* with ids only: which of several documents of one number */
    if (!(l->flags & LW_DS_REFS_IDS)) {
        r->type = word(l, q->type);
        r->symbol = col(l, q->symbol);
        r->year = q->year;
        r->line = q->line;
        r->page = q->page;
        r->text = col(l, q->text);
        r->year_mismatch = q->year_mismatch;
    }
    if (!d->docs[di].n_refs)
        d->docs[di].first_ref = d->nrefs;
    d->docs[di].n_refs++;
    d->nrefs++;
    return l->nomem;
}

/* LW_DS_LAZY and LW_DS_REFS_IDS: each reference of the stream (by document) resolved as it
 * comes, and a document's province inferred once its references are all read (as
 * index_numbers does, in the same order); LW_DS_LAZY keeps none (lw_docset_fill brings a
 * group's), LW_DS_REFS_IDS its target alone. */
static int on_ref_lazy(void *ud, const lw_store_ref_row *q)
{
    loader *l = ud;
    lw_docset *d = l->d;
    size_t di = doc_index(d, q->doc_id);
    if (di == (size_t)-1)
        return 0;
    if (di != l->cur) {
        if (l->cur != (size_t)-1)
            infer_province(d, l->cur, l->tg, l->ntg);
        l->cur = di;
        l->ntg = 0;
    }
    if (grow((void **)&l->tg, &l->captg, l->ntg, sizeof *l->tg))
        return l->nomem = 1;
    char *f = q->cited_key || !q->cited_id ? NULL : lw_store_fold(q->cited_id);
    const char *key = q->cited_key ? q->cited_key : f;
    if (!q->cited_key && q->cited_id && !f)
        return l->nomem = 1;
    size_t t = key ? resolve_ref(d, key, q->cited_date, di) : (size_t)-1;
    free(f);
    l->tg[l->ntg++] = t;
    if (d->targets_only) { /* LW_DS_REFS_IDS: the target kept, in the document's slice */
        if (grow((void **)&d->targets, &d->captargets, d->ntargets, sizeof *d->targets))
            return l->nomem = 1;
        if (!d->docs[di].n_refs)
            d->docs[di].first_ref = d->ntargets;
        d->docs[di].n_refs++;
        d->targets[d->ntargets++] = t == (size_t)-1 ? UINT32_MAX : (uint32_t)t;
    }
    return 0;
}

/* Gives each duty its slice of the units (sorted by duty). */
static void slice_units(lw_docset *d, const long long *fids)
{
    for (size_t k = 0; k < d->nduties; k++) {
        long long id = d->duties[k].fact_id;
        size_t lo = 0, hi = d->nunits;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (fids[mid] < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t e = lo;
        while (e < d->nunits && fids[e] == id)
            e++;
        d->duties[k].units = e > lo ? &d->units[lo] : NULL;
        d->duties[k].n_units = e - lo;
        d->duties[k].directs = 0;
        for (size_t j = lo; j < e; j++)
            if (!strcmp(d->units[j].role, "concerns"))
                d->duties[k].directs = 1;
    }
}

/* The province of a document its issuer names ("Ủy ban nhân dân tỉnh Bến Tre"), and whether
 * it is the province's own committee (the words are rules/duties.yaml's). */
static void issuer_province(loader *l)
{
    lw_docset *d = l->d;
    for (size_t i = 0; i < d->ndocs; i++) {
        lw_ds_doc *x = &d->docs[i];
        const char *is = x->issuer;
        if (is && (starts_with_any(is, l->province_committees) ||
                   (starts_with_any(is, l->city_committees) && x->issuer_level &&
                    !strcmp(x->issuer_level, "province"))))
            x->is_province = 1;
        const char *t = is ? strstr(is, l->province_word) : NULL;
        if (t && !x->province)
            x->province = word(l, t + strlen(l->province_word));
    }
}

/* The ids of the documents whose duties judging document id alone needs, its references
 * resolved (lw_docset_load_for): its own, the province plans it cites or of its year. Owned. */
static long long *duty_docs(const lw_docset *d, long long id, size_t *n)
{
    long long *v = malloc((d->ndocs + 1) * sizeof *v);
    size_t xi = doc_index(d, id);
    const lw_ds_doc *x = v && xi != (size_t)-1 ? &d->docs[xi] : NULL;
    if ((*n = 0), v)
        v[(*n)++] = id;
    for (size_t i = 0; x && i < d->ndocs; i++) {
        const lw_ds_doc *p = &d->docs[i];
        if (i == xi || !p->is_plan || !p->is_province)
            continue;
        int wanted = x->year && p->year == x->year;
        for (size_t k = 0; k < x->n_refs && !wanted; k++)
            wanted = d->refs[x->first_ref + k].target == i;
        if (wanted)
            v[(*n)++] = p->id;
    }
    return v;
}

/* The duties and their units: every document's (only NULL), or those of the documents only
 * (n ids), in document and text order. */
static lw_status load_duties(loader *l, lw_store *s, const long long *only, size_t n, lw_error *err)
{
    l->cap = 0;
    lw_status st = only ? lw_store_each_duty_of(s, only, n, on_duty, l, err) : lw_store_each_duty(s, on_duty, l, err);
    if (!st && !l->nomem && l->topical_only && l->nkept)
        qsort(l->kept, l->nkept, sizeof *l->kept, cmp_ll);
    if (!st && !l->nomem)
        st = only ? lw_store_each_duty_unit_of(s, only, n, on_unit, l, err) : lw_store_each_duty_unit(s, on_unit, l, err);
    if (!st && !l->nomem) {
        /* the tables cut to their size before the duties point into the units (issue 20:
         * the province plans' duties are kept for the whole check) */
        lw_docset *d = l->d;
        void *p;
        if (d->nduties && (p = realloc(d->duties, d->nduties * sizeof *d->duties))) {
            d->duties = p;
            l->cap = d->nduties;
        }
        if (d->nunits && (p = realloc(d->units, d->nunits * sizeof *d->units))) {
            d->units = p;
            l->ucap = d->nunits;
        }
        slice_units(d, l->fids);
    }
    return st;
}

/* LW_DS_LAZY: the duties of the province plans only, and of those only the ones with a topic
 * (lw_check compares every unit plan with them, and only by topic); the other documents'
 * come with lw_docset_fill, and a province plan's own, every one, when it is filled. */
static lw_status load_plan_duties(loader *l, lw_store *s, lw_error *err)
{
    const lw_docset *d = l->d;
    long long *ids = malloc((d->ndocs + 1) * sizeof *ids);
    size_t n = 0;
    if (!ids)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < d->ndocs; i++)
        if (d->docs[i].is_plan && d->docs[i].is_province)
            ids[n++] = d->docs[i].id;
    l->topical_only = 1;
    lw_status st = load_duties(l, s, ids, n, err);
    l->topical_only = 0;
    free(l->kept);
    l->kept = NULL;
    l->nkept = l->capkept = 0;
    free(ids);
    return st;
}

/* The tables grown by doubling cut to their size (issue 20: a quarter of the documents'
 * table and of the references' at 100000 was room never used; the issuers' was one per
 * document). A failed realloc keeps the larger block. */
static void fit(lw_docset *d)
{
    void *p;
    if (d->ndocs && (p = realloc(d->docs, d->ndocs * sizeof *d->docs)))
        d->docs = p;
    if (d->ntargets && (p = realloc(d->targets, d->ntargets * sizeof *d->targets))) {
        d->targets = p;
        d->captargets = d->ntargets;
    }
    if (d->nissuers && (p = realloc(d->issuers, d->nissuers * sizeof *d->issuers)))
        d->issuers = p;
    if (d->nnumbers && (p = realloc(d->numbers, d->nnumbers * sizeof *d->numbers)))
        d->numbers = p;
}

lw_status lw_docset_load_for(lw_store *s, const lw_ruleset *rs, int flags, long long doc_id, lw_docset **out,
                             lw_error *err)
{
    *out = NULL;
    lw_docset *d = calloc(1, sizeof *d);
    if (!d)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    loader l = {.d = d, .flags = flags};
    unsigned long oom = lw_oom_mark(); /* a string kept on the way, a table grown: noted there */
    d->lazy = !doc_id && (flags & LW_DS_LAZY);
    d->duties_lazy = !doc_id && !d->lazy && (flags & LW_DS_DUTIES_LAZY);
    lw_status st = load_groups(d, rs, err);
    if (!st)
        st = load_vocabulary(&l, rs, err);
    /* documents in id order; their issuers' levels and provinces; duties and their units in
     * document and text order; references */
    if (!st)
        st = lw_store_each_document(s, on_doc, &l, err);
    if (!st && !l.nomem && l.unclassified)
        st = lw_error_msg(err, LW_ERR_DB, lw_store_path(s), 0, 0, LW_MSG_STORE_UNCLASSIFIED, lw_store_path(s));
    if (!st && !l.nomem)
        st = lw_store_each_issuer_level(s, on_level, &l, err);
    if (!st && !l.nomem)
        st = lw_store_each_doc_province(s, on_province, &l, err);
    if (!st && !l.nomem)
        issuer_province(&l);
    if (!st && !l.nomem && !doc_id && !d->duties_lazy)
        st = d->lazy ? load_plan_duties(&l, s, err) : load_duties(&l, s, NULL, 0, err);
    l.cap = 0; /* the capacity of the next table grown (refs) */
    d->targets_only = !doc_id && !d->lazy && (flags & LW_DS_REFS_IDS);
    if (!st && !l.nomem && (d->lazy || d->targets_only)) {
        /* the numbers first: each reference is resolved as it comes (on_ref_lazy) */
        l.cur = (size_t)-1;
        if (sort_numbers(d))
            l.nomem = 1;
        else
            st = lw_store_each_ref(s, d->lazy ? LW_STORE_REFS_KEYS : LW_STORE_REFS_IDS, on_ref_lazy, &l, err);
        if (!st && !l.nomem && l.cur != (size_t)-1)
            infer_province(d, l.cur, l.tg, l.ntg);
        if (!st && !l.nomem)
            set_one_province(d);
    } else if (!st && !l.nomem) {
        st = lw_store_each_ref(s, flags & LW_DS_REFS_IDS ? LW_STORE_REFS_IDS : LW_STORE_REFS_FULL, on_ref, &l, err);
    }
    if (!st && (l.nomem || (!d->lazy && !d->targets_only && index_numbers(d, l.keys)) || index_issuers(d) ||
                lw_oom_since(oom)))
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && doc_id) {
        /* one document judged alone: the duties it needs, known once its references have
         * their targets (a province plan it cites) */
        size_t n = 0;
        long long *only = duty_docs(d, doc_id, &n);
        st = only ? load_duties(&l, s, only, n, err) : LW_OK;
        if (!st && (!only || l.nomem || lw_oom_since(oom)))
            st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        free(only);
    }
    free(l.fids);
    free(l.keys);
    free(l.tg);
    free(l.province_word);
    free(l.plan_key);
    if (st) {
        lw_docset_free(d);
        return st;
    }
    fit(d);
    *out = d;
    return LW_OK;
}

lw_status lw_docset_load(lw_store *s, const lw_ruleset *rs, int flags, lw_docset **out, lw_error *err)
{
    return lw_docset_load_for(s, rs, flags, 0, out, err);
}

/* lw_docset_fill: a document's subject, in the group's arena. */
static int on_doc_subject(void *ud, const lw_store_doc_row *r)
{
    loader *l = ud;
    size_t i = doc_index(l->d, r->id);
    if (i != (size_t)-1)
        l->d->docs[i].subject = col(l, r->subject);
    return l->nomem;
}

/* The filled group's arrays and arena swapped with the loaded ones (fill reads into them
 * with the loader's callbacks, which write the loaded ones). */
static void swap_filled(lw_docset *d)
{
#define LW_DS_SWAP(T, a, b) \
    do { \
        T t_ = (a); \
        (a) = (b); \
        (b) = t_; \
    } while (0)
    LW_DS_SWAP(lw_ds_duty *, d->duties, d->fduties);
    LW_DS_SWAP(size_t, d->nduties, d->nfduties);
    LW_DS_SWAP(lw_ds_unit *, d->units, d->funits);
    LW_DS_SWAP(size_t, d->nunits, d->nfunits);
    LW_DS_SWAP(lw_ds_ref *, d->refs, d->frefs);
    LW_DS_SWAP(size_t, d->nrefs, d->nfrefs);
    LW_DS_SWAP(char **, d->strs, d->fstrs);
    LW_DS_SWAP(size_t, d->nstrs, d->nfstrs);
    LW_DS_SWAP(size_t, d->capstrs, d->capfstrs);
#undef LW_DS_SWAP
}

int lw_docset_lazy(const lw_docset *d) { return d->lazy; }

void lw_docset_unfill(lw_docset *d)
{
    if (!d || (!d->lazy && !d->duties_lazy))
        return;
    for (size_t k = 0; k < d->nsaved; k++) {
        lw_ds_doc *x = &d->docs[d->saved[k].doc];
        x->first_ref = d->saved[k].first_ref;
        x->n_refs = d->saved[k].n_refs;
        x->first_duty = d->saved[k].first_duty;
        x->n_duties = d->saved[k].n_duties;
        if (d->lazy)
            x->subject = NULL; /* the group's arena's */
    }
    d->nsaved = 0;
    for (size_t i = 0; i < d->nfstrs; i++)
        free(d->fstrs[i]);
    free(d->fstrs);
    free(d->fduties);
    free(d->funits);
    free(d->frefs);
    d->fstrs = NULL;
    d->fduties = NULL;
    d->funits = NULL;
    d->frefs = NULL;
    d->nfstrs = d->capfstrs = d->nfduties = d->nfunits = d->nfrefs = 0;
}

lw_status lw_docset_fill(lw_docset *d, lw_store *s, const size_t *docs, size_t n, lw_error *err)
{
    if (!d->lazy && !d->duties_lazy)
        return LW_OK;
    lw_docset_unfill(d);
    struct filled *sv = realloc(d->saved, (n + 1) * sizeof *sv);
    long long *ids = malloc((n + 1) * sizeof *ids), *dids = malloc((n + 1) * sizeof *dids);
    if (sv)
        d->saved = sv;
    if (!sv || !ids || !dids) {
        free(ids);
        free(dids);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    size_t nd = 0;
    for (size_t k = 0; k < n; k++) {
        lw_ds_doc *x = &d->docs[docs[k]];
        d->saved[k] = (struct filled){docs[k], x->first_ref, x->n_refs, x->first_duty, x->n_duties};
        ids[k] = x->id;
        if (d->lazy) /* LW_DS_DUTIES_LAZY keeps its references (their targets) as loaded */
            x->first_ref = x->n_refs = 0;
        /* a province plan too: it holds its topical duties only (load_plan_duties) */
        dids[nd++] = x->id;
        x->first_duty = x->n_duties = 0;
    }
    d->nsaved = n;
    /* read with the loader's callbacks into the group's own arrays and arena: the loaded
     * ones swapped out meanwhile (the chunk in use with them) */
    char *chunk = d->chunk;
    size_t chunk_left = d->chunk_left;
    d->chunk = NULL;
    d->chunk_left = 0;
    swap_filled(d);
    d->filling = 1;
    loader l = {.d = d, .flags = LW_DS_REFS_FULL};
    unsigned long oom = lw_oom_mark();
    lw_status st = nd ? load_duties(&l, s, dids, nd, err) : LW_OK;
    l.cap = 0;
    if (!st && !l.nomem && d->lazy)
        st = lw_store_each_ref_of(s, ids, n, on_ref, &l, err);
    if (!st && !l.nomem && d->lazy)
        st = lw_store_each_document_of(s, ids, n, on_doc_subject, &l, err);
    /* the targets, as index_numbers gives the loaded references theirs */
    for (size_t k = 0; !st && !l.nomem && d->lazy && k < n; k++) {
        const lw_ds_doc *x = &d->docs[docs[k]];
        for (size_t j = x->first_ref; j < x->first_ref + x->n_refs; j++) {
            lw_ds_ref *r = &d->refs[j];
            char *f = l.keys[j] || !r->id ? NULL : lw_store_fold(r->id);
            const char *key = l.keys[j] ? l.keys[j] : f;
            if (!l.keys[j] && r->id && !f)
                l.nomem = 1;
            r->target = key ? resolve_ref(d, key, r->date, docs[k]) : (size_t)-1;
            free(f);
        }
    }
    d->filling = 0;
    swap_filled(d);
    d->chunk = chunk;
    d->chunk_left = chunk_left;
    for (size_t k = 0; k < n; k++) {
        lw_ds_doc *x = &d->docs[docs[k]];
        if (x->n_refs && d->lazy)
            x->first_ref += LW_DS_FILLED;
        if (x->n_duties)
            x->first_duty += LW_DS_FILLED;
    }
    free(l.fids);
    free(l.keys);
    free(ids);
    free(dids);
    if (!st && (l.nomem || lw_oom_since(oom)))
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (st)
        lw_docset_unfill(d);
    return st;
}

void lw_docset_free(lw_docset *d)
{
    if (!d)
        return;
    lw_docset_unfill(d);
    free(d->saved);
    for (size_t i = 0; i < d->nstrs; i++)
        free(d->strs[i]);
    free(d->strs);
    free(d->words);
    for (size_t g = 0; g < d->ngroups; g++) {
        free(d->groups[g].name_key);
        pcre2_code_free(d->groups[g].covers);
    }
    free(d->groups);
    pcre2_match_data_free(d->md);
    for (size_t i = 0; i < d->ncov; i++) {
        free(d->cov[i].unit);
        free(d->cov[i].ix);
    }
    free(d->cov);
    free(d->numbers);
    free(d->issuers);
    free(d->issuer_docs);
    free(d->docs);
    free(d->duties);
    free(d->units);
    free(d->refs);
    free(d->targets);
    free(d);
}

/* ---- the --unit filter ---- */

/* Edit distance between f and the part of n closest to it (a filter is a piece of a name:
 * "tu phap" in "so tu phap tinh soc trang"): Sellers' algorithm, the part may start and end
 * anywhere in n. Over the bytes of folded text. row holds fl + 1 entries. */
static size_t part_distance(const char *f, size_t fl, const char *n, size_t nl, size_t *row)
{
    for (size_t i = 0; i <= fl; i++)
        row[i] = i;
    size_t best = row[fl];
    for (size_t j = 0; j < nl; j++) {
        size_t diag = row[0];
        row[0] = 0;
        for (size_t i = 1; i <= fl; i++) {
            size_t up = row[i], v = diag + (f[i - 1] != n[j]);
            if (row[i - 1] + 1 < v)
                v = row[i - 1] + 1;
            if (up + 1 < v)
                v = up + 1;
            diag = up;
            row[i] = v;
        }
        if (row[fl] < best)
            best = row[fl];
    }
    return best;
}

typedef struct {
    char *name, *key;
    size_t dist, len;
} near_t;

#define LW_DS_NEAR 5

/* Whether candidate a ranks before b: nearer, then the shorter name (less left over), then
 * by name, so that the list is the same on every run. */
static int near_before(const near_t *a, const near_t *b)
{
    if (a->dist != b->dist)
        return a->dist < b->dist;
    if (a->len != b->len)
        return a->len < b->len;
    return strcmp(a->key, b->key) < 0;
}

/* The names lw_docset_check_unit has seen: found, or the nearest so far. */
typedef struct {
    const char *key;  /* the filter folded */
    size_t kl;
    size_t *row;      /* part_distance's work row, kl + 1 */
    near_t best[LW_DS_NEAR];
    size_t nbest;
    int found, nomem;
} unit_search;

static int on_unit_name(void *ud, const char *name)
{
    unit_search *u = ud;
    char *f = lw_store_fold(name);
    if (!f)
        return u->nomem = 1;
    if (strstr(f, u->key)) {
        free(f);
        return u->found = 1;
    }
    near_t c = {NULL, f, part_distance(u->key, u->kl, f, strlen(f), u->row), strlen(f)};
    int dup = 0;
    for (size_t i = 0; i < u->nbest && !dup; i++)
        dup = !strcmp(u->best[i].key, f);
    if (dup || (u->nbest == LW_DS_NEAR && !near_before(&c, &u->best[u->nbest - 1]))) {
        free(f);
        return 0;
    }
    if (!(c.name = strdup(name))) {
        free(f);
        return u->nomem = 1;
    }
    if (u->nbest == LW_DS_NEAR) {
        free(u->best[u->nbest - 1].name);
        free(u->best[u->nbest - 1].key);
        u->nbest--;
    }
    size_t at = u->nbest++;
    while (at && near_before(&c, &u->best[at - 1])) {
        u->best[at] = u->best[at - 1];
        at--;
    }
    u->best[at] = c;
    return 0;
}

lw_status lw_docset_check_unit(lw_store *s, const char *filter, int which, lw_error *err)
{
    if (!filter || !*filter)
        return LW_OK;
    char *key = lw_store_fold(filter);
    if (!key)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    unit_search u = {key, strlen(key), NULL, {{0}}, 0, 0, 0};
    lw_status st = LW_OK;
    if (!(u.row = malloc((u.kl + 1) * sizeof *u.row))) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    st = lw_store_each_unit_name(s,
                                 which == LW_DS_UNITS_ISSUERS  ? LW_STORE_NAMES_ISSUERS
                                 : which == LW_DS_UNITS_DUTIES ? LW_STORE_NAMES_UNITS
                                                               : LW_STORE_NAMES_ISSUERS | LW_STORE_NAMES_UNITS,
                                 on_unit_name, &u, err);
    if (!st && u.nomem)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && !u.found) {
        lw_buf m = {0};
        lw_buf_printf(&m, "--unit \"%s\": không có đơn vị nào trong cơ sở dữ liệu có tên chứa chuỗi này "
                          "(no unit of the database matches)", filter);
        if (!u.nbest)
            lw_buf_printf(&m, "; cơ sở dữ liệu chưa có đơn vị nào (the database names no unit)");
        for (size_t i = 0; i < u.nbest; i++)
            lw_buf_printf(&m, "%s\"%s\"", i ? ", " : "; tên gần nhất (nearest names): ", u.best[i].name);
        st = lw_error_set(err, LW_ERR_USAGE, NULL, 0, 0, "%s", m.data ? m.data : "--unit");
        lw_buf_free(&m);
    }
done:
    for (size_t i = 0; i < u.nbest; i++) {
        free(u.best[i].name);
        free(u.best[i].key);
    }
    free(u.row);
    free(key);
    return st;
}
