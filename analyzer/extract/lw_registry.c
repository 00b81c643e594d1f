/* lw_registry: rules/registry.yaml into entries with a hash index by id and a sorted index
 * of amendments.
 *
 * A file is validated as a whole before anything of it is added, so a bad local file never
 * leaves the registry half-updated. Ids are compared by a key (lw_fold_key, Ð as Đ, no
 * spaces, the number without leading zeros then padded to two digits when there is a year):
 * citations come from OCR'd text, where "NÐ-CP", "nd-cp" and "4/2021" all mean one document. */
#include "lw_registry.h"
#include "lw_oom.h"

#include "lw_date.h"
#include "lw_fold.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lw_msg.h"
#include "lw_resolve.h"
#include "lw_yaml.h"

/* A message about an entry, with the value it is about; longer is cut. */
#define LW_REGISTRY_MSG_MAX 900
/* A value quoted in a message (show); longer is cut. */
#define LW_REGISTRY_SHOW_MAX 128
/* The hash index's smallest table (slots_for): a power of two. */
#define LW_REGISTRY_SLOTS_MIN 16
/* The first size of an entry's list of owned blocks (keep), doubled as it fills. */
#define LW_REGISTRY_OWN_START 32

/* The facts an entry can state, in the order of the sources array. */
enum { F_TYPE, F_TITLE, F_ISSUER, F_ISSUED, F_EFFECTIVE, F_STATUS, F_AMENDED_BY, F_REPLACED_BY, N_FACTS };
static const char *const fact_names[N_FACTS] = {"type",   "title",      "issuer",     "issued",
                                                "effective", "status", "amended_by", "replaced_by"};

static const char *const statuses[] = {"in_force", "amended", "replaced", "expired", "unknown", NULL};

typedef struct {
    const char **v;
    size_t n;
} srclist;

/* The public entry comes first, so that a borrowed lw_registry_entry pointer leads back to
 * the rest (lw_registry_sources). */
typedef struct {
    lw_registry_entry pub;
    char *key;           /* id key (id_key) */
    char **amended_keys; /* id_key of each amended_by */
    srclist src[N_FACTS];
    void **own; /* every allocation of the entry, freed together */
    size_t n_own, cap_own;
} entry;

struct lw_registry {
    entry **v; /* pointers, so that entries stay put when v grows */
    size_t n, cap;
    size_t *slots; /* open addressing over key hashes: entry index + 1, 0 = empty */
    size_t nslots; /* a power of two, at least twice n */
    struct amend {
        const char *key; /* borrowed from the entry */
        size_t entry;
    } *amends; /* sorted by key, then entry */
    size_t n_amends;
};

int lw_registry_status_valid(const char *s)
{
    for (const char *const *p = statuses; s && *p; p++)
        if (!strcmp(*p, s))
            return 1;
    return 0;
}

/* ---- id keys ---- */

/* The comparison key of an id; owned (free()), NULL when out of memory. */
static char *id_key(const char *id)
{
    char *f = lw_fold_key(id, strlen(id));
    if (!f)
        return NULL;
    /* ð (U+00F0, the case fold of the look-alike Ð U+00D0) is not a d with a mark, so the
     * fold keeps it: map it to d by hand; Unicode hyphens to '-'; drop spaces. In the
     * symbol (everything after the number) hyphens go too: OCR loses them
     * ("126/2024/NĐCP") and no two symbols differ by a hyphen alone. */
    char *w = f;
    const char *num_end = f + strspn(f, "0123456789");
    for (const char *p = f; *p;) {
        if (p > num_end && (*p == '-' || (((const unsigned char *)p)[0] == 0xE2 && ((const unsigned char *)p)[1] == 0x80 &&
                                          ((const unsigned char *)p)[2] >= 0x90 && ((const unsigned char *)p)[2] <= 0x93))) {
            p += *p == '-' ? 1 : 3;
            continue;
        }
        const unsigned char *u = (const unsigned char *)p;
        if (u[0] == 0xC3 && u[1] == 0xB0) {
            *w++ = 'd';
            p += 2;
        } else if (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x93) {
            *w++ = '-';
            p += 3;
        } else if (*p == ' ') {
            p++;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    /* the number: no leading zeros, and two digits when a year follows ("04/2021/...") */
    size_t nd = strspn(f, "0123456789");
    if (nd == 0)
        return f;
    size_t z = 0;
    while (z + 1 < nd && f[z] == '0')
        z++;
    int year = f[nd] == '/' && strspn(f + nd + 1, "0123456789") == 4 && f[nd + 5] == '/';
    int pad = year && nd - z == 1;
    if (z == 0 && !pad)
        return f;
    size_t len = strlen(f);
    char *k = malloc(len - z + 2);
    if (k) {
        char *o = k;
        if (pad)
            *o++ = '0';
        memcpy(o, f + z, len - z + 1);
    }
    free(f);
    return k;
}

/* Fills slots (nslots, a power of two, zeroed by the caller) with the n entries. Returns -1
 * when two entries share a key, with their indexes in *first and *second. */
static int index_fill(entry *const *v, size_t n, size_t *slots, size_t nslots, size_t *first, size_t *second)
{
    for (size_t i = 0; i < n; i++) {
        size_t s = (size_t)lw_hash_str(v[i]->key) & (nslots - 1);
        while (slots[s]) {
            if (!strcmp(v[slots[s] - 1]->key, v[i]->key)) {
                *first = slots[s] - 1;
                *second = i;
                return -1;
            }
            s = (s + 1) & (nslots - 1);
        }
        slots[s] = i + 1;
    }
    return 0;
}

static size_t slots_for(size_t n)
{
    size_t s = LW_REGISTRY_SLOTS_MIN;
    while (s < 2 * n)
        s *= 2;
    return s;
}

/* Index of the entry with this key, or SIZE_MAX. */
static size_t index_find(const lw_registry *r, const char *key)
{
    if (!r->nslots)
        return SIZE_MAX;
    size_t s = (size_t)lw_hash_str(key) & (r->nslots - 1);
    while (r->slots[s]) {
        if (!strcmp(r->v[r->slots[s] - 1]->key, key))
            return r->slots[s] - 1;
        s = (s + 1) & (r->nslots - 1);
    }
    return SIZE_MAX;
}

static int amend_cmp(const void *a, const void *b)
{
    const struct amend *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* ---- entries ---- */

static void entry_free(entry *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_own; i++)
        free(e->own[i]);
    free(e->own);
    free(e);
}

/* Takes ownership of p for the entry; returns p, or NULL (and frees p) when out of memory. */
static void *keep(entry *e, void *p)
{
    if (!p)
        return NULL;
    if (e->n_own == e->cap_own) {
        size_t cap = e->cap_own ? e->cap_own * 2 : LW_REGISTRY_OWN_START;
        void **o = realloc(e->own, cap * sizeof *o);
        if (!o) {
            free(p);
            return NULL;
        }
        e->own = o;
        e->cap_own = cap;
    }
    e->own[e->n_own++] = p;
    return p;
}

static const char *keep_str(entry *e, const char *s) { return keep(e, strdup(s)); }

/* A scalar as text for messages: strings as they are, anything else as JSON. */
static const char *show(const json_t *v, char *buf, size_t size)
{
    if (json_is_string(v))
        return json_string_value(v);
    char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(buf, size, "%s", d ? d : "?");
    free(d);
    return buf;
}

/* Context for the checks of one entry: where it is, for messages. */
typedef struct {
    const char *file;
    int line;
    const char *id; /* NULL until known */
    lw_error *err;
} ctx;

/* LW_ERR_DATA at the entry: message id ("vi (en)", formatted with the arguments), then
 * ": detail" when detail is not NULL (the value it is about, the same in both languages). */
static lw_status bad(const ctx *c, lw_msg_id id, const char *detail, ...)
{
    char msg[LW_REGISTRY_MSG_MAX];
    va_list ap;
    va_start(ap, detail);
    lw_msg_vformat(msg, sizeof msg, id, ap);
    va_end(ap);
    const char *sep = detail ? ": " : "";
    if (!detail)
        detail = "";
    if (c->id)
        return lw_error_set(c->err, LW_ERR_DATA, c->file, c->line, 0, "%s: %s%s%s", c->id, msg, sep, detail);
    return lw_error_set(c->err, LW_ERR_DATA, c->file, c->line, 0, "%s%s%s", msg, sep, detail);
}

/* Formats a detail for bad() into buf; returns buf. */
static const char *detail(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const char *detail(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

static lw_status nomem(const ctx *c) { return lw_error_msg(c->err, LW_ERR_NOMEM, c->file, c->line, 0, LW_MSG_NOMEM); }

/* DESIGN.md's canonical forms: "59/2012/NĐ-CP" (the number in two digits or more),
 * "924/BTP-QLXLVPHC&TDTHPL", "18-NQ/TW" (no leading zeros); a digit first, no spaces, and Đ
 * rather than its look-alike Ð. Returns a reason, or NULL when the id is canonical. */
static lw_msg_id id_problem(const char *id)
{
    size_t nd = strspn(id, "0123456789");
    if (nd == 0)
        return LW_MSG_REGISTRY_ID_NO_NUMBER;
    if (id[nd] != '/' && id[nd] != '-')
        return LW_MSG_REGISTRY_ID_AFTER_NUMBER;
    if (!strchr(id + nd, '/'))
        return LW_MSG_REGISTRY_ID_NO_SYMBOL;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        if (isspace(*p))
            return LW_MSG_REGISTRY_ID_SPACE;
        if (p[0] == 0xC3 && (p[1] == 0x90 || p[1] == 0xB0))
            return LW_MSG_REGISTRY_ID_LOOKALIKE;
    }
    int year = id[nd] == '/' && strspn(id + nd + 1, "0123456789") == 4 && id[nd + 5] == '/';
    if (year && (nd < 2 || (nd > 2 && id[0] == '0')))
        return LW_MSG_REGISTRY_ID_YEAR_DIGITS;
    if (!year && nd > 1 && id[0] == '0')
        return LW_MSG_REGISTRY_ID_ZEROS;
    return LW_MSG_COUNT; /* canonical */
}

static lw_status check_id(const ctx *c, const char *what, const char *id)
{
    lw_msg_id why = id_problem(id);
    if (why == LW_MSG_COUNT)
        return LW_OK;
    char w[LW_REGISTRY_MSG_MAX / 2], d[LW_REGISTRY_MSG_MAX];
    lw_msg_format(w, sizeof w, why);
    return bad(c, LW_MSG_REGISTRY_ID_NOT_CANONICAL, detail(d, sizeof d, "%s: %s: %s", what, id, w));
}

/* A text field: absent or null gives NULL; anything else must be a non-empty string. */
static lw_status text_field(const ctx *c, entry *e, json_t *o, const char *k, const char **out)
{
    *out = NULL;
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return LW_OK;
    char buf[LW_REGISTRY_SHOW_MAX];
    if (!json_is_string(v))
        return bad(c, LW_MSG_REGISTRY_NOT_TEXT, show(v, buf, sizeof buf), k);
    if (!json_string_length(v))
        return bad(c, LW_MSG_REGISTRY_EMPTY, NULL, k);
    if (!(*out = keep_str(e, json_string_value(v))))
        return nomem(c);
    return LW_OK;
}

/* An ISO date "YYYY-MM-DD" that exists. */
static lw_status date_field(const ctx *c, entry *e, json_t *o, const char *k, const char **out)
{
    *out = NULL;
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return LW_OK;
    char buf[LW_REGISTRY_SHOW_MAX], why[LW_REGISTRY_MSG_MAX];
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    lw_date d;
    int shape = s && strlen(s) == 10 && s[4] == '-' && s[7] == '-';
    for (int i = 0; shape && i < 10; i++)
        shape = (i == 4 || i == 7) || isdigit((unsigned char)s[i]);
    if (!shape || lw_date_parse_iso(s, &d))
        return bad(c, LW_MSG_REGISTRY_BAD_DATE, detail(why, sizeof why, "%s: %s", k, show(v, buf, sizeof buf)));
    if (!(*out = keep_str(e, s)))
        return nomem(c);
    return LW_OK;
}

/* "path:LINE" or "path:FIRST-LAST", path relative to the repository. */
static int source_ok(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || s[0] == '/')
        return 0;
    const char *p = colon + 1;
    char *end;
    if (!isdigit((unsigned char)*p))
        return 0;
    long a = strtol(p, &end, 10), b = a;
    if (*end == '-') {
        if (!isdigit((unsigned char)end[1]))
            return 0;
        b = strtol(end + 1, &end, 10);
    }
    return *end == '\0' && a >= 1 && b >= a;
}

static int fact_index(const char *k)
{
    for (int i = 0; i < N_FACTS; i++)
        if (!strcmp(fact_names[i], k))
            return i;
    return -1;
}

static int fact_present(const entry *e, int f)
{
    const lw_registry_entry *p = &e->pub;
    switch (f) {
    case F_TYPE: return p->type != NULL;
    case F_TITLE: return p->title != NULL;
    case F_ISSUER: return p->issuer != NULL;
    case F_ISSUED: return p->issued != NULL;
    case F_EFFECTIVE: return p->effective != NULL;
    case F_STATUS: return strcmp(p->status, "unknown") != 0;
    case F_AMENDED_BY: return p->n_amended_by > 0;
    case F_REPLACED_BY: return p->replaced_by != NULL;
    }
    return 0;
}

static lw_status sources(const ctx *c, entry *e, json_t *src)
{
    if (!src || json_is_null(src))
        return LW_OK;
    if (!json_is_object(src))
        return bad(c, LW_MSG_REGISTRY_SOURCE_NOT_MAPPING, NULL);
    const char *k;
    json_t *v;
    char d[LW_REGISTRY_MSG_MAX];
    json_object_foreach(src, k, v) {
        if (!strcmp(k, "__line"))
            continue;
        int f = fact_index(k);
        if (f < 0)
            return bad(c, LW_MSG_REGISTRY_SOURCE_KEY,
                       detail(d, sizeof d, "source.%s (type, title, issuer, issued, effective, status, amended_by, "
                                           "replaced_by)", k));
        if (!fact_present(e, f))
            return bad(c, LW_MSG_REGISTRY_SOURCE_UNSTATED, detail(d, sizeof d, "source.%s", k));
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        if (n == 0)
            return bad(c, LW_MSG_REGISTRY_SOURCE_EMPTY, detail(d, sizeof d, "source.%s", k));
        const char **list = keep(e, calloc(n, sizeof *list));
        if (!list)
            return nomem(c);
        for (size_t i = 0; i < n; i++) {
            json_t *s = json_is_array(v) ? json_array_get(v, i) : v;
            char buf[LW_REGISTRY_SHOW_MAX];
            if (!json_is_string(s) || !source_ok(json_string_value(s)))
                return bad(c, LW_MSG_REGISTRY_SOURCE_FORM, detail(d, sizeof d, "source.%s: %s", k, show(s, buf, sizeof buf)));
            if (!(list[i] = keep_str(e, json_string_value(s))))
                return nomem(c);
        }
        e->src[f].v = list;
        e->src[f].n = n;
    }
    lw_registry_entry *p = &e->pub;
    p->source_type = e->src[F_TYPE].n ? e->src[F_TYPE].v[0] : NULL;
    p->source_title = e->src[F_TITLE].n ? e->src[F_TITLE].v[0] : NULL;
    p->source_issuer = e->src[F_ISSUER].n ? e->src[F_ISSUER].v[0] : NULL;
    p->source_issued = e->src[F_ISSUED].n ? e->src[F_ISSUED].v[0] : NULL;
    p->source_effective = e->src[F_EFFECTIVE].n ? e->src[F_EFFECTIVE].v[0] : NULL;
    p->source_status = e->src[F_STATUS].n ? e->src[F_STATUS].v[0] : NULL;
    p->source_amended_by = e->src[F_AMENDED_BY].n ? e->src[F_AMENDED_BY].v[0] : NULL;
    p->source_replaced_by = e->src[F_REPLACED_BY].n ? e->src[F_REPLACED_BY].v[0] : NULL;
    return LW_OK;
}

/* Entry pos (1-based) of the registry list into *out (owned), or an error naming file and
 * line. */
static lw_status parse_entry(const char *file, json_t *o, size_t pos, entry **out, lw_error *err)
{
    *out = NULL;
    ctx c = {file, lw_yaml_line(o), NULL, err};
    if (!json_is_object(o)) /* lw_yaml marks only mappings with a line: say which entry */
        return bad(&c, LW_MSG_REGISTRY_ENTRY_NOT_MAPPING, NULL, pos);
    static const char *const known[] = {"id",         "type",        "title",  "issuer", "issued", "effective",
                                        "status",     "amended_by",  "replaced_by", "source", "note", "__line", NULL};
    json_t *idv = json_object_get(o, "id");
    if (json_is_string(idv) && json_string_length(idv))
        c.id = json_string_value(idv);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (const char *const *p = known; *p && !ok; p++)
            ok = !strcmp(*p, k);
        if (!ok)
            return bad(&c, LW_MSG_REGISTRY_UNKNOWN_KEY, k);
    }
    if (!c.id && (!idv || json_is_null(idv)))
        return bad(&c, LW_MSG_REGISTRY_NO_ID, NULL);
    if (!c.id) {
        char buf[LW_REGISTRY_SHOW_MAX];
        return bad(&c, LW_MSG_REGISTRY_ID_NOT_TEXT, show(idv, buf, sizeof buf));
    }
    lw_status st = check_id(&c, "id", c.id);
    if (st)
        return st;

    entry *e = calloc(1, sizeof *e);
    if (!e)
        return nomem(&c);
    lw_registry_entry *p = &e->pub;
    char d[LW_REGISTRY_MSG_MAX];
    p->line = c.line;
#define TRY(x)              \
    do {                    \
        if ((st = (x)))     \
            goto fail;      \
    } while (0)
#define NOMEM(x)                                                                   \
    do {                                                                           \
        if (!(x)) {                                                                \
            st = nomem(&c);                                                         \
            goto fail;                                                             \
        }                                                                          \
    } while (0)
    NOMEM(p->id = keep_str(e, c.id));
    c.id = p->id;
    NOMEM(p->file = keep_str(e, file));
    NOMEM(e->key = keep(e, id_key(p->id)));
    TRY(text_field(&c, e, o, "type", &p->type));
    if (!p->type)
        TRY(bad(&c, LW_MSG_REGISTRY_NO_TYPE, NULL));
    TRY(text_field(&c, e, o, "title", &p->title));
    TRY(text_field(&c, e, o, "issuer", &p->issuer));
    TRY(text_field(&c, e, o, "note", &p->note));
    TRY(date_field(&c, e, o, "issued", &p->issued));
    TRY(date_field(&c, e, o, "effective", &p->effective));
    if (p->issued && p->effective && strcmp(p->effective, p->issued) < 0)
        TRY(bad(&c, LW_MSG_REGISTRY_EFFECTIVE_BEFORE, detail(d, sizeof d, "%s < %s", p->effective, p->issued)));
    TRY(text_field(&c, e, o, "status", &p->status));
    if (!p->status)
        p->status = "unknown";
    else if (!lw_registry_status_valid(p->status))
        TRY(bad(&c, LW_MSG_REGISTRY_BAD_STATUS,
                detail(d, sizeof d, "%s (in_force, amended, replaced, expired, unknown)", p->status)));

    json_t *am = json_object_get(o, "amended_by");
    if (am && !json_is_null(am)) {
        char buf[LW_REGISTRY_SHOW_MAX];
        if (!json_is_array(am))
            TRY(bad(&c, LW_MSG_REGISTRY_AMENDED_NOT_LIST, show(am, buf, sizeof buf)));
        size_t n = json_array_size(am);
        if (n) {
            const char **ids;
            NOMEM(ids = keep(e, calloc(n, sizeof *ids)));
            NOMEM(e->amended_keys = keep(e, calloc(n, sizeof *e->amended_keys)));
            for (size_t i = 0; i < n; i++) {
                json_t *a = json_array_get(am, i);
                if (!json_is_string(a))
                    TRY(bad(&c, LW_MSG_REGISTRY_AMENDED_NOT_LIST, show(a, buf, sizeof buf)));
                TRY(check_id(&c, "amended_by", json_string_value(a)));
                NOMEM(ids[i] = keep_str(e, json_string_value(a)));
                NOMEM(e->amended_keys[i] = keep(e, id_key(ids[i])));
                if (!strcmp(e->amended_keys[i], e->key))
                    TRY(bad(&c, LW_MSG_REGISTRY_AMENDS_ITSELF, ids[i]));
            }
            p->amended_by = ids;
            p->n_amended_by = n;
        }
    }
    json_t *rb = json_object_get(o, "replaced_by");
    if (rb && !json_is_null(rb)) {
        char buf[LW_REGISTRY_SHOW_MAX];
        if (!json_is_string(rb))
            TRY(bad(&c, LW_MSG_REGISTRY_REPLACED_NOT_ID, show(rb, buf, sizeof buf)));
        TRY(check_id(&c, "replaced_by", json_string_value(rb)));
        NOMEM(p->replaced_by = keep_str(e, json_string_value(rb)));
        char *rk;
        NOMEM(rk = keep(e, id_key(p->replaced_by)));
        if (!strcmp(rk, e->key))
            TRY(bad(&c, LW_MSG_REGISTRY_REPLACES_ITSELF, p->replaced_by));
    }
    TRY(sources(&c, e, json_object_get(o, "source")));
#undef TRY
#undef NOMEM
    *out = e;
    return LW_OK;
fail:
    entry_free(e);
    return st;
}

/* ---- the registry ---- */

lw_status lw_registry_create(lw_registry **out, lw_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? LW_OK : lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
}

void lw_registry_free(lw_registry *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        entry_free(r->v[i]);
    free(r->v);
    free(r->slots);
    free(r->amends);
    free(r);
}

static void batch_free(entry **b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        entry_free(b[i]);
    free(b);
}

/* Merges a checked batch (no key twice) into r: nothing can fail once the arrays are
 * allocated, so a failure leaves r as it was. Takes the batch's entries. */
static lw_status merge(lw_registry *r, entry **b, size_t nb, const char *file, lw_error *err)
{
    if (nb == 0)
        return LW_OK; /* an empty file changes nothing */
    size_t n_max = r->n + nb, n_am = 0;
    for (size_t i = 0; i < r->n; i++)
        n_am += r->v[i]->pub.n_amended_by;
    for (size_t i = 0; i < nb; i++)
        n_am += b[i]->pub.n_amended_by;
    size_t nslots = slots_for(n_max);
    entry **v = r->cap >= n_max ? r->v : realloc(r->v, n_max * sizeof *v);
    if (!v)
        return lw_error_msg(err, LW_ERR_NOMEM, file, 0, 0, LW_MSG_NOMEM);
    r->v = v;
    if (r->cap < n_max)
        r->cap = n_max;
    size_t *slots = calloc(nslots, sizeof *slots);
    struct amend *am = calloc(n_am ? n_am : 1, sizeof *am);
    if (!slots || !am) {
        free(slots);
        free(am);
        return lw_error_msg(err, LW_ERR_NOMEM, file, 0, 0, LW_MSG_NOMEM);
    }
    /* an id already known is replaced in place; the old index is valid for this, as the
     * batch holds no key twice and replacing keeps the key */
    for (size_t i = 0; i < nb; i++) {
        size_t at = index_find(r, b[i]->key);
        if (at != SIZE_MAX) {
            entry_free(r->v[at]);
            r->v[at] = b[i];
        } else {
            r->v[r->n++] = b[i];
        }
    }
    size_t d1, d2;
    index_fill(r->v, r->n, slots, nslots, &d1, &d2); /* cannot meet a duplicate now */
    free(r->slots);
    r->slots = slots;
    r->nslots = nslots;
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = 0; j < r->v[i]->pub.n_amended_by; j++)
            am[k++] = (struct amend){r->v[i]->amended_keys[j], i};
    qsort(am, k, sizeof *am, amend_cmp);
    free(r->amends);
    r->amends = am;
    r->n_amends = k;
    return LW_OK;
}

lw_status lw_registry_add_file(lw_registry *r, const char *path, lw_error *err)
{
    json_t *doc, *list = NULL;
    entry **b = NULL;
    size_t nb = 0;
    lw_status st = lw_yaml_load_file(path, &doc, err);
    if (st == LW_ERR_IO) {
        char why[sizeof err->msg] = "";
        if (err)
            snprintf(why, sizeof why, "%s", err->msg);
        char head[LW_REGISTRY_MSG_MAX];
        lw_msg_format(head, sizeof head, LW_MSG_REGISTRY_READ);
        return lw_error_set(err, LW_ERR_IO, path, 0, 0, "%s: %s", head, why);
    }
    if (st) {
        /* a YAML syntax error keeps libyaml's place and words, with ours in front */
        if (st == LW_ERR_DATA && err) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            char head[LW_REGISTRY_MSG_MAX];
            lw_msg_format(head, sizeof head, LW_MSG_REGISTRY_YAML);
            lw_error_set(err, st, path, err->line, err->col, "%s: %s", head, why);
        }
        return st;
    }
    ctx top = {path, 1, NULL, err};
    if (!json_is_object(doc)) {
        st = bad(&top, LW_MSG_REGISTRY_TOP_NOT_MAPPING, NULL);
        goto done;
    }
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v) {
        if (strcmp(k, "registry") && strcmp(k, "__line")) {
            st = bad(&top, LW_MSG_REGISTRY_TOP_UNKNOWN_KEY, k);
            goto done;
        }
    }
    list = json_object_get(doc, "registry");
    if (list && !json_is_null(list) && !json_is_array(list)) {
        st = bad(&top, LW_MSG_REGISTRY_NOT_LIST, NULL);
        goto done;
    }
    nb = json_is_array(list) ? json_array_size(list) : 0;
    b = calloc(nb ? nb : 1, sizeof *b);
    if (!b) {
        st = lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    for (size_t i = 0; i < nb && !st; i++)
        st = parse_entry(path, json_array_get(list, i), i + 1, &b[i], err);
    if (!st && nb) {
        /* an id twice in one file is a mistake, not an override */
        size_t nslots = slots_for(nb), d1, d2;
        size_t *slots = calloc(nslots, sizeof *slots);
        if (!slots)
            st = lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
        else if (index_fill(b, nb, slots, nslots, &d1, &d2)) {
            ctx c = {path, b[d2]->pub.line, b[d2]->pub.id, err};
            st = bad(&c, LW_MSG_REGISTRY_DUPLICATE, b[d1]->pub.id, b[d1]->pub.line);
        }
        free(slots);
    }
    if (!st)
        st = merge(r, b, nb, path, err);
    if (st)
        batch_free(b, nb);
    else
        free(b);
done:
    json_decref(doc);
    return st;
}

lw_status lw_registry_load_dir(const char *rules_dir, lw_registry **out, lw_error *err)
{
    /* out of memory anywhere on the way (noted by lw_oom) is that, not a broken entry: an
     * entry that lost a key to it would read as one */
    unsigned long oom = lw_oom_mark();
    lw_status st = lw_registry_create(out, err);
    if (st)
        return st;
    size_t n = strlen(rules_dir) + sizeof "/registry.yaml";
    char *path = malloc(n);
    if (!path) {
        lw_registry_free(*out);
        *out = NULL;
        return lw_error_msg(err, LW_ERR_NOMEM, rules_dir, 0, 0, LW_MSG_NOMEM);
    }
    snprintf(path, n, "%s/registry.yaml", rules_dir);
    struct stat sb;
    /* no registry file is a registry without entries; an unreadable one is an error */
    if (stat(path, &sb) == 0 || errno != ENOENT)
        st = lw_registry_add_file(*out, path, err);
    free(path);
    if (lw_oom_since(oom) && st != LW_ERR_NOMEM)
        st = lw_error_msg(err, LW_ERR_NOMEM, rules_dir, 0, 0, LW_MSG_NOMEM);
    if (st) {
        lw_registry_free(*out);
        *out = NULL;
    }
    return st;
}

size_t lw_registry_count(const lw_registry *r) { return r ? r->n : 0; }

const lw_registry_entry *lw_registry_at(const lw_registry *r, size_t i)
{
    return r && i < r->n ? &r->v[i]->pub : NULL;
}

const lw_registry_entry *lw_registry_find(const lw_registry *r, const char *id)
{
    if (!r || !id || !r->n)
        return NULL;
    char *key = id_key(id);
    if (!key)
        return NULL;
    size_t at = index_find(r, key);
    free(key);
    return at == SIZE_MAX ? NULL : &r->v[at]->pub;
}

void lw_registry_each_amended(const lw_registry *r, const char *id,
                              void (*fn)(void *ud, const lw_registry_entry *e), void *ud)
{
    if (!r || !id || !fn || !r->n_amends)
        return;
    char *key = id_key(id);
    if (!key)
        return;
    size_t lo = 0, hi = r->n_amends; /* the first amendment with key >= ours */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->amends[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < r->n_amends && !strcmp(r->amends[i].key, key); i++)
        if (i == lo || r->amends[i].entry != r->amends[i - 1].entry) /* an id listed twice: once */
            fn(ud, &r->v[r->amends[i].entry]->pub);
    free(key);
}

const char *const *lw_registry_sources(const lw_registry_entry *e, const char *fact, size_t *n)
{
    *n = 0;
    int f = fact ? fact_index(fact) : -1;
    if (!e || f < 0)
        return NULL;
    const entry *x = (const entry *)e; /* pub is the first member */
    *n = x->src[f].n;
    return x->src[f].n ? x->src[f].v : NULL;
}
