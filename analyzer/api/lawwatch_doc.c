/* lawwatch_doc.c: one stored document (include/lawwatch.h, "one stored document"): what
 * `lawwatch show` and the web's /doc/ID give (the stored row, the header read again from the
 * stored text, the text with each fact's place in it, the facts as stored, this document's
 * findings, its duties with their status as of today), and the original file's bytes, read
 * only from the paths stored for the document and only while they hold its content.
 *
 * Why the header is read again: the database keeps the header's fields that search and check
 * need (kind, number, issuer, place, date, subject), not the recipients, the signer nor the
 * distribution; `extract` gives them, so the stored text goes through the rules once more
 * (as `ingest --reextract` does, from the source cache for a PDF, image or Word file: no
 * reader or OCR runs). The facts are the stored ones: their index is what the web page and
 * the findings' lines refer to. */
#include "lawwatch_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lw_check.h"
#include "lw_check_render.h"
#include "lw_docset.h"
#include "lw_read.h"
#include "lw_registry.h"
#include "lw_report_render.h"
#include "lw_rules.h"
#include "lw_store_doc.h"
#include "lw_store_text.h"

/* The window of "due soon" in the duties' status: the report's default (`report --window`). */
#define DOC_REPORT_WINDOW 14

/* ---- the stored row, copied out of the store's callback ---- */

typedef struct {
    json_t *row;          /* id, path, sha256, size, encoding, header fields, source_format,
                             pages, note: raw values */
    json_t *paths;        /* every stored path, absolute */
    json_t *facts;        /* each fact's object, parsed */
    long long *fact_ids;  /* owned; facts.id of each */
    size_t n_facts;
    int nomem, bad;       /* out of memory; a stored fact that is not a JSON object */
    int no_facts;         /* the facts are not wanted (the original file): left unparsed */
} stored;

/* A stored string as JSON: null for NULL; a byte that is not UTF-8 (a path from an old
 * Windows share) made U+FFFD, as every JSON of the store does, rather than refused. */
static json_t *str_or_null(const char *s) { return lw_store_json_text(s); }

static void take_doc(void *ud, const lw_store_doc_full *d)
{
    stored *g = ud;
    g->row = json_pack("{s:I,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)d->id, "path",
                       str_or_null(d->path), "sha256", str_or_null(d->sha256), "size", (json_int_t)d->size,
                       "encoding", str_or_null(d->encoding), "kind", str_or_null(d->kind), "number",
                       str_or_null(d->number), "issuer", str_or_null(d->issuer), "place", str_or_null(d->place),
                       "date", str_or_null(d->date), "subject", str_or_null(d->subject), "source_format",
                       str_or_null(d->source_format ? d->source_format : "text"), "pages",
                       d->pages > 0 ? json_integer(d->pages) : json_null(), "note", str_or_null(d->note));
    g->paths = json_array();
    g->facts = json_array();
    g->fact_ids = malloc((d->n_facts ? d->n_facts : 1) * sizeof *g->fact_ids);
    if (!g->row || !g->paths || !g->facts || !g->fact_ids) {
        g->nomem = 1;
        return;
    }
    for (size_t i = 0; i < d->n_paths; i++)
        g->nomem |= json_array_append_new(g->paths, str_or_null(d->paths[i])) != 0;
    for (size_t i = 0; i < d->n_facts && !g->nomem && !g->no_facts; i++) {
        json_t *f = json_loads(d->facts[i], 0, NULL);
        if (!json_is_object(f)) {
            json_decref(f);
            g->bad = 1; /* kept in its place so that the indexes stay the stored ones */
            f = json_object();
        }
        g->nomem |= json_array_append_new(g->facts, f) != 0;
        g->fact_ids[i] = d->fact_ids[i];
    }
    g->n_facts = g->no_facts ? 0 : d->n_facts;
}

static void stored_free(stored *g)
{
    json_decref(g->row);
    json_decref(g->paths);
    json_decref(g->facts);
    free(g->fact_ids);
}

static lw_status not_found(lw_error *ie, long long id)
{
    return lw_error_msg(ie, LW_ERR_NOT_FOUND, NULL, 0, 0, LW_MSG_DOC_NOT_FOUND, id);
}

/* Reads document id into *g (stored_free after, also on error), its facts unless no_facts. */
static lw_status read_stored(lawwatch_db *db, long long id, int no_facts, stored *g, lw_error *ie)
{
    memset(g, 0, sizeof *g);
    g->no_facts = no_facts;
    int found = 0;
    lw_status st = lw_store_doc_read(db->store, id, take_doc, g, &found, ie);
    if (st)
        return st;
    if (!found)
        return not_found(ie, id);
    if (g->nomem)
        return lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    return LW_OK;
}

static const char *row_str(const stored *g, const char *key) { return json_string_value(json_object_get(g->row, key)); }

/* ---- the original file ---- */

/* Reads the regular file at path whole when it is at most max bytes: 0 and *buf (owned),
 * 1 larger than max, -1 not readable (gone, not a regular file, an I/O error), -2 out of
 * memory. Opened without following a FIFO or device's open semantics (O_NONBLOCK). */
static int read_whole(const char *path, size_t max, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < 0) {
        close(fd);
        return -1;
    }
    if ((unsigned long long)sb.st_size > max) {
        close(fd);
        return 1;
    }
    size_t cap = (size_t)sb.st_size, n = 0;
    unsigned char *b = malloc(cap + 1);
    if (!b) {
        close(fd);
        return -2;
    }
    /* the file may grow while read: what is past its size then makes its hash differ */
    for (;;) {
        if (n == cap + 1)
            break;
        ssize_t k = read(fd, b + n, cap + 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(b);
            close(fd);
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    if (n <= cap)
        b[n] = '\0'; /* handed over NUL-terminated (a file that grew fails its hash anyway) */
    *buf = b;
    *len = n;
    return 0;
}

/* The first stored path of g whose file has the stored content: *bytes (owned, NULL when
 * not wanted: keep NULL) and *at (borrowed from g). 0 found, 1 none holds it, 2 a stored path
 * holds a file larger than LAWWATCH_DOC_ORIGINAL_MAX (and none a good one), -2 out of memory. */
static int find_original(const stored *g, unsigned char **bytes, size_t *len, const char **at)
{
    const char *sha = row_str(g, "sha256");
    int large = 0;
    size_t i;
    json_t *p;
    *at = NULL;
    if (bytes)
        *bytes = NULL;
    json_array_foreach(g->paths, i, p) {
        unsigned char *b;
        size_t n;
        int rc = read_whole(json_string_value(p), LAWWATCH_DOC_ORIGINAL_MAX, &b, &n);
        if (rc == -2)
            return -2;
        large |= rc == 1;
        if (rc)
            continue;
        char hex[65];
        lw_sha256_hex(b, n, hex);
        if (sha && !strcmp(hex, sha)) {
            *at = json_string_value(p);
            if (bytes) {
                *bytes = b;
                *len = n;
            } else {
                free(b);
            }
            return 0;
        }
        free(b);
    }
    return large ? 2 : 1;
}

/* The file name of path, without its folder. Borrowed from path. */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

lawwatch_status lawwatch_doc_original(lawwatch_db *db, long long id, void **bytes, size_t *len, char **name,
                                      lawwatch_error *err)
{
    if (bytes)
        *bytes = NULL;
    if (len)
        *len = 0;
    if (name)
        *name = NULL;
    if (!db || !bytes || !len || !name)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_OUTPUT, "lawwatch_doc_original");
    lw_error ie;
    lw_error_clear(&ie);
    stored g;
    lw_status st = read_stored(db, id, 1, &g, &ie);
    unsigned char *b = NULL;
    size_t n = 0;
    const char *at = NULL;
    if (!st) {
        int rc = find_original(&g, &b, &n, &at);
        const char *first = json_string_value(json_array_get(g.paths, 0));
        if (rc == -2)
            st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        else if (rc == 2)
            st = lw_error_msg(&ie, LW_ERR_TOO_LARGE, first, 0, 0, LW_MSG_DOC_ORIGINAL_TOO_LARGE, id,
                              LAWWATCH_DOC_ORIGINAL_MAX / (1024 * 1024));
        else if (rc == 1)
            st = lw_error_msg(&ie, LW_ERR_NOT_FOUND, first, 0, 0, LW_MSG_DOC_ORIGINAL_GONE, id,
                              first ? first : "?");
    }
    if (!st && !(*name = strdup(base_name(at)))) {
        free(b);
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    stored_free(&g);
    if (st)
        return lw_api_out_error(err, &ie);
    *bytes = b;
    *len = n;
    return LAWWATCH_OK;
}

/* ---- the stored text, read again ---- */

/* What the stored text gives: the header read again, the text (UTF-8) and its map from the
 * stored bytes' offsets (spans) to the text's. */
typedef struct {
    lw_doc *doc;          /* owned; NULL when the text could not be made again */
    json_t *header;       /* owned; NULL when doc is */
} reread;

typedef struct {
    unsigned char *raw;
    size_t len;
    char *encoding, *path;
    int nomem;
} raw_copy;

static void take_source(void *ud, const lw_store_source *src)
{
    raw_copy *r = ud;
    r->raw = malloc(src->raw_len ? src->raw_len : 1);
    r->encoding = src->encoding ? strdup(src->encoding) : NULL;
    r->path = strdup(src->path);
    if (!r->raw || (src->encoding && !r->encoding) || !r->path) {
        r->nomem = 1;
        return;
    }
    memcpy(r->raw, src->raw, src->raw_len);
    r->len = src->raw_len;
}

/* Makes the document of g again from its stored source (plain text: its bytes in the stored
 * encoding; another format: the reader's text from the source cache) and reads its header
 * with eng. A document whose text cannot be made again (its cache row gone or damaged) gives
 * rr->doc NULL and no error: the page shows the stored fields. */
static lw_status reread_doc(lawwatch_db *db, const lawwatch_engine *eng, const stored *g, reread *rr, lw_error *ie)
{
    memset(rr, 0, sizeof *rr);
    raw_copy rc = {0};
    long long id = (long long)json_integer_value(json_object_get(g->row, "id"));
    lw_status st = lw_store_read_source(db->store, id, take_source, &rc, ie);
    if (!st && rc.nomem)
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (st || !rc.path) {
        free(rc.raw);
        free(rc.encoding);
        free(rc.path);
        return st;
    }
    lw_doc_options dopt;
    lw_doc_options_default(&dopt);
    lw_error de;
    lw_error_clear(&de);
    lw_status ds;
    const char *fmt = row_str(g, "source_format");
    if (!fmt || !strcmp(fmt, "text")) {
        if (rc.encoding && lw_encoding_parse(rc.encoding, &dopt.encoding))
            dopt.encoding = LW_ENC_AUTO;
        ds = lw_doc_from_bytes(rc.path, rc.raw, rc.len, &dopt, &rr->doc, &de);
    } else {
        lw_source *src = NULL;
        const char *sha = row_str(g, "sha256");
        ds = sha ? lw_store_cache_get(db->store, sha, &src, &de) : LW_ERR_DATA;
        if (ds == LW_ERR_DB) {
            *ie = de;
            st = ds;
        } else if (!ds && src) {
            ds = lw_doc_from_source(rc.path, rc.raw, rc.len, src, &dopt, &rr->doc, &de);
        } else if (!ds) {
            ds = LW_ERR_DATA; /* not cached */
        }
    }
    free(rc.raw);
    free(rc.encoding);
    free(rc.path);
    if (ds == LW_ERR_NOMEM)
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (st || ds) {
        lw_doc_free(rr->doc);
        rr->doc = NULL;
        return st;
    }
    lw_matcher *m = lw_matcher_create(lw_engine_rules(eng->eng));
    lw_extraction *x = NULL;
    size_t tlen;
    const char *text = lw_doc_text(rr->doc, &tlen);
    if (!m)
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    else if ((ds = lw_extract(lw_engine_rules(eng->eng), lw_engine_lexicon(eng->eng), m, text, tlen, NULL, &x, &de)))
        st = ds == LW_ERR_NOMEM ? lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM) : LW_OK;
    if (!st && x && !(rr->header = lw_header_json(&x->header)))
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_extraction_free(x);
    lw_matcher_free(m);
    return st;
}

/* The header from the stored fields alone (no text to read it again from). */
static json_t *stored_header(const stored *g)
{
    return json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:[],s:n,s:[]}", "issuer", json_object_get(g->row, "issuer"),
                     "number", json_object_get(g->row, "number"), "kind", json_object_get(g->row, "kind"), "place",
                     json_object_get(g->row, "place"), "date", json_object_get(g->row, "date"), "subject",
                     json_object_get(g->row, "subject"), "recipients", "signer", "distribution");
}

/* The offset in the decoded text of stored offset off: the first byte made from a stored
 * byte at or after off (the map is non-decreasing), clamped to the text. */
static size_t text_offset(const lw_decoded *dec, size_t off)
{
    if (!dec->map)
        return off < dec->len ? off : dec->len;
    size_t lo = 0, hi = dec->len; /* map has len + 1 entries */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dec->map[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Each fact's [start, end) in the decoded text. */
static json_t *text_spans(const lw_decoded *dec, const json_t *facts)
{
    json_t *a = json_array();
    size_t i;
    const json_t *f;
    json_array_foreach(facts, i, f) {
        const json_t *sp = json_object_get(f, "span");
        json_int_t s = json_integer_value(json_array_get(sp, 0)), e = json_integer_value(json_array_get(sp, 1));
        size_t ts = text_offset(dec, s > 0 ? (size_t)s : 0), te = text_offset(dec, e > 0 ? (size_t)e : 0);
        if (!a || json_array_append_new(a, json_pack("[I,I]", (json_int_t)ts, (json_int_t)(te < ts ? ts : te)))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* ---- findings, citations, duties ---- */

typedef struct {
    FILE *f;
    char *text;
    size_t size;
} memout;

/* This document's findings: those of `check --format json` (paths below cwd relative) whose
 * id is id, judged over the docset ds (every document loaded once, shared with the duties:
 * issue 19) with check's options limited to this document (lw_check_options.doc_id: the
 * others are not checked, this one exactly as in the full run). year (0: unknown) is the
 * document's year as check reckons it (lw_ds_doc.year), as the full check's --year. */
static lw_status doc_findings(lawwatch_db *db, const lawwatch_engine *eng, lw_docset *ds, long long id, int year,
                              const char *cwd, json_t **out, lw_error *ie)
{
    *out = NULL;
    lw_registry *reg = NULL;
    json_t *all = NULL;
    lw_check_options co = {.year = year, .doc_id = id, .ds = ds};
    lw_status st = lw_registry_load_dir(eng->rules_dir, &reg, ie);
    if (!st)
        st = lw_check_run(db->store, eng->eng, reg, &co, &all, ie);
    lw_registry_free(reg);
    if (st)
        return st;
    /* the paths as check's JSON gives them */
    json_t *mine = json_array();
    if (lw_check_relative_paths(all, cwd ? cwd : "") || !mine) {
        json_decref(all);
        json_decref(mine);
        return lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    size_t i;
    json_t *x;
    json_array_foreach(all, i, x) {
        json_t *fid = json_object_get(x, "id");
        if (json_is_integer(fid) && json_integer_value(fid) == id && json_array_append(mine, x)) {
            json_decref(all);
            json_decref(mine);
            return lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        }
    }
    json_decref(all);
    *out = mine;
    return LW_OK;
}

/* The index in the docset of document id, or (size_t)-1. */
static size_t ds_index(const lw_docset *ds, long long id)
{
    for (size_t i = 0; i < lw_docset_ndocs(ds); i++)
        if (lw_docset_doc(ds, i)->id == id)
            return i;
    return (size_t)-1;
}

static int same_str(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* cited_doc_id on each legal_ref fact whose cited document is stored: the docset resolves a
 * citation to a document as check and report do (number, then the date or year cited); its
 * references are matched to the facts by id, line and text, in order. -1 out of memory. */
static int add_cited_ids(const lw_docset *ds, size_t di, json_t *facts)
{
    const lw_ds_doc *d = lw_docset_doc(ds, di);
    unsigned char *used = calloc(d->n_refs + 1, 1);
    if (!used)
        return -1;
    size_t i;
    json_t *f;
    json_array_foreach(facts, i, f) {
        const char *kind = json_string_value(json_object_get(f, "kind"));
        const char *cid = json_string_value(json_object_get(f, "id"));
        if (!same_str(kind, "legal_ref") || !cid)
            continue;
        const char *text = json_string_value(json_object_get(f, "text"));
        json_int_t line = json_integer_value(json_object_get(f, "line"));
        for (size_t k = 0; k < d->n_refs; k++) {
            const lw_ds_ref *r = lw_docset_ref(ds, d->first_ref + k);
            if (used[k] || !same_str(r->id, cid) || r->line != line || !same_str(r->text, text))
                continue;
            used[k] = 1;
            if (r->target != (size_t)-1 &&
                json_object_set_new(f, "cited_doc_id", json_integer(lw_docset_doc(ds, r->target)->id))) {
                free(used);
                return -1;
            }
            break;
        }
    }
    free(used);
    return 0;
}

/* The index in g's facts of fact fid, or -1. */
static long long fact_index(const stored *g, long long fid)
{
    size_t lo = 0, hi = g->n_facts; /* facts.id ascending */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->fact_ids[mid] < fid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->n_facts && g->fact_ids[lo] == fid ? (long long)lo : -1;
}

/* The units of duty u of a role, as an array of names. */
static json_t *unit_names(const lw_ds_duty *u, const char *role)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < u->n_units; k++)
        if (same_str(u->units[k].role, role) && json_array_append_new(a, json_string(u->units[k].name))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* The report's judgement of duty u for each unit: {unit, unit_is_group, status, days,
 * answer {id, label} or null}. */
static json_t *duty_report(const lw_report *r, const lw_ds_duty *u)
{
    json_t *a = json_array();
    for (const lw_report_item *it = a ? lw_report_first(r) : NULL; it; it = lw_report_next(r)) {
        if (it->duty->fact_id != u->fact_id)
            continue;
        const char *alabel = it->answer ? lw_report_doc_label(r, it->answer) : NULL;
        json_t *o = json_pack("{s:o,s:b,s:s,s:o,s:o}", "unit", str_or_null(it->unit), "unit_is_group",
                              it->whole_group, "status", lw_render_status_id(it->status), "days",
                              u->to ? json_integer(it->days) : json_null(), "answer",
                              it->answer ? json_pack("{s:I,s:o}", "id", (json_int_t)it->answer->id, "label",
                                                     str_or_null(alabel))
                                         : json_null());
        if (json_array_append_new(a, o)) {
            json_decref(a);
            return NULL;
        }
    }
    if (a && lw_report_read_failed(r)) { /* an item not read would be a silent loss */
        json_decref(a);
        return NULL;
    }
    return a;
}

/* The duties of document di, each with its status for each unit as of as_of. */
static json_t *doc_duties(const lw_docset *ds, size_t di, const stored *g, const lw_report *r)
{
    json_t *a = json_array();
    const lw_ds_doc *d = lw_docset_doc(ds, di);
    for (size_t k = 0; a && k < d->n_duties; k++) {
        const lw_ds_duty *u = lw_docset_duty(ds, d->first_duty + k);
        long long fi = fact_index(g, u->fact_id);
        json_t *dl = u->to ? json_pack("{s:o,s:s,s:o,s:o,s:o,s:i}", "from", str_or_null(u->from), "to", u->to,
                                       "precision", str_or_null(u->precision), "qualifier",
                                       str_or_null(u->qualifier), "text", str_or_null(u->deadline_text), "line",
                                       u->deadline_line)
                           : json_null();
        json_t *o = json_pack("{s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "fact",
                              fi >= 0 ? json_integer(fi) : json_null(), "line", u->line, "page",
                              u->page ? json_integer(u->page) : json_null(), "section", str_or_null(u->section),
                              "activity", str_or_null(u->activity), "topic", str_or_null(u->topic), "source",
                              str_or_null(u->source), "lead", unit_names(u, "lead"), "partners",
                              unit_names(u, "partner"), "output", str_or_null(u->output), "deadline", dl, "report",
                              duty_report(r, u));
        if (json_array_append_new(a, o)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Today's date, local time (as `report` takes it by default), into out. */
static void today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- the document's object ---- */

/* Sets key to v (a new reference, NULL: out of memory) in o; 1 on failure. */
static int put(json_t *o, const char *key, json_t *v) { return !v || json_object_set_new(o, key, v); }

/* The object of `show --format json` for document id (*out owned). */
static lw_status build_doc(lawwatch_db *db, const lawwatch_engine *eng, long long id, const lawwatch_view *v,
                           json_t **out, lw_error *ie)
{
    *out = NULL;
    stored g;
    reread rr = {0};
    json_t *findings = NULL, *o = NULL;
    lw_docset *ds = NULL;
    lw_report *rep = NULL;
    char as_of[11];
    today(as_of);
    unsigned long oom = lw_oom_mark();
    lw_status st = read_stored(db, id, 0, &g, ie);
    if (!st)
        st = reread_doc(db, eng, &g, &rr, ie);
    if (!st)
        st = lw_docset_load_for(db->store, lw_engine_rules(eng->eng), LW_DS_REFS_FULL, id, &ds, ie);
    size_t di = ds ? ds_index(ds, id) : (size_t)-1;
    if (!st)
        st = doc_findings(db, eng, ds, id, di != (size_t)-1 ? lw_docset_doc(ds, di)->year : 0, v ? v->cwd : NULL,
                          &findings, ie);
    /* only this document's duties, over the same docset (issue 19) */
    lw_report_options ro = {.as_of = as_of, .window = DOC_REPORT_WINDOW, .all = 1, .doc_id = id, .ds = ds};
    if (!st)
        st = lw_report_build(db->store, eng->eng, &ro, &rep, ie);
    if (!st && di != (size_t)-1 && add_cited_ids(ds, di, g.facts))
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st) {
        o = json_object();
        lw_buf label = {0};
        int lr = lw_doc_label(&label, row_str(&g, "kind"), row_str(&g, "number"), row_str(&g, "date"),
                              row_str(&g, "issuer"));
        json_t *paths = json_array(), *p;
        size_t i;
        int pbad = !paths;
        json_array_foreach(g.paths, i, p) if (!pbad)
            pbad = json_array_append_new(paths, str_or_null(lw_api_shown(v, json_string_value(p)))) != 0;
        const lw_decoded *dec = rr.doc ? rr.doc->dec : NULL;
        const char *at = NULL;
        int orc = find_original(&g, NULL, NULL, &at);
        const char *first = json_string_value(json_array_get(g.paths, 0));
        int bad = !o || pbad || lr < 0 || orc == -2 || put(o, "id", json_integer(id)) ||
                  put(o, "path", str_or_null(lw_api_shown(v, row_str(&g, "path")))) || put(o, "paths", pbad ? NULL : json_incref(paths)) ||
                  put(o, "label", lr == 0 && label.len ? json_string(label.data) : json_null()) ||
                  put(o, "sha256", json_incref(json_object_get(g.row, "sha256"))) ||
                  put(o, "encoding", json_incref(json_object_get(g.row, "encoding"))) ||
                  put(o, "source_format", json_incref(json_object_get(g.row, "source_format"))) ||
                  put(o, "pages", json_incref(json_object_get(g.row, "pages"))) ||
                  put(o, "note", json_incref(json_object_get(g.row, "note"))) ||
                  put(o, "header", rr.header ? json_incref(rr.header) : stored_header(&g)) ||
                  put(o, "text", dec ? json_stringn(dec->text, dec->len) : json_null()) ||
                  put(o, "text_spans", dec ? text_spans(dec, g.facts) : json_null()) ||
                  put(o, "facts", json_incref(g.facts)) || put(o, "findings", json_incref(findings)) ||
                  put(o, "duties", di != (size_t)-1 ? doc_duties(ds, di, &g, rep) : json_array()) ||
                  put(o, "as_of", json_string(as_of)) ||
                  put(o, "original", json_pack("{s:s,s:I,s:b}", "name", base_name(at ? at : first ? first : ""),
                                               "size", json_integer_value(json_object_get(g.row, "size")),
                                               "available", at != NULL));
        lw_buf_free(&label);
        json_decref(paths);
        if (bad || lw_oom_since(oom))
            st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    lw_report_free(rep);
    lw_docset_free(ds);
    json_decref(findings);
    json_decref(rr.header);
    lw_doc_free(rr.doc);
    stored_free(&g);
    if (st) {
        json_decref(o);
        return st;
    }
    *out = o;
    return LW_OK;
}

/* ---- the summary (TEXT) ---- */

static void buf_puts(lw_buf *b, const char *s) { lw_buf_append(b, s, strlen(s)); }

/* A label in the tool's form, "Trích yếu (subject)". */
static const char *lab(char *buf, size_t size, lw_msg_id id) { return lw_msg_format(buf, size, id); }

/* "  Label (label): value" when value is a non-empty string. */
static void field_line(FILE *out, lw_msg_id id, const char *value)
{
    char b[LW_STORE_MSG_MAX];
    if (value && *value)
        fprintf(out, "  %s: %s\n", lab(b, sizeof b, id), value);
}

/* The strings of a JSON array joined by "; " into a line (NULL when empty). Owned. */
static char *joined(const json_t *a)
{
    lw_buf b = {0};
    size_t i;
    const json_t *x;
    json_array_foreach(a, i, x) if (json_is_string(x)) {
        if (b.len)
            buf_puts(&b, "; ");
        buf_puts(&b, json_string_value(x));
    }
    return lw_buf_detach(&b, NULL);
}

static const char *jstr(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static void write_summary(const json_t *o, FILE *out)
{
    char b[LW_STORE_MSG_MAX], b2[LW_STORE_MSG_MAX];
    const json_t *h = json_object_get(o, "header");
    const char *label = jstr(o, "label");
    fprintf(out, "%s\n", label ? label : jstr(o, "path"));
    fprintf(out, "  %s: %lld\n", lab(b, sizeof b, LW_MSG_DOC_ID), (long long)json_integer_value(json_object_get(o, "id")));
    field_line(out, LW_MSG_DOC_SUBJECT, jstr(h, "subject"));
    field_line(out, LW_MSG_DOC_KIND, jstr(h, "kind"));
    field_line(out, LW_MSG_DOC_NUMBER, jstr(h, "number"));
    field_line(out, LW_MSG_DOC_DATE, jstr(h, "date"));
    field_line(out, LW_MSG_DOC_ISSUER, jstr(h, "issuer"));
    field_line(out, LW_MSG_DOC_PLACE, jstr(h, "place"));
    const json_t *sg = json_object_get(h, "signer");
    if (json_is_object(sg)) {
        lw_buf s = {0};
        const char *parts[] = {jstr(sg, "authority"), jstr(sg, "position"), jstr(sg, "name")};
        for (int i = 0; i < 3; i++)
            if (parts[i] && *parts[i]) {
                if (s.len)
                    buf_puts(&s, " ");
                buf_puts(&s, parts[i]);
            }
        field_line(out, LW_MSG_DOC_SIGNER, s.data);
        lw_buf_free(&s);
    }
    char *rec = joined(json_object_get(h, "recipients"));
    field_line(out, LW_MSG_DOC_RECIPIENTS, rec);
    free(rec);
    char *paths = joined(json_object_get(o, "paths"));
    field_line(out, LW_MSG_DOC_FILE, paths);
    free(paths);
    const json_t *pages = json_object_get(o, "pages");
    if (json_is_integer(pages))
        fprintf(out, "  %s: %s, %s\n", lab(b, sizeof b, LW_MSG_DOC_READ_AS), jstr(o, "source_format"),
                lw_msg_format(b2, sizeof b2, LW_MSG_DOC_PAGES, (int)json_integer_value(pages)));
    else
        fprintf(out, "  %s: %s (%s)\n", lab(b, sizeof b, LW_MSG_DOC_READ_AS), jstr(o, "source_format"), jstr(o, "encoding"));
    if (json_is_null(json_object_get(o, "text")))
        fprintf(out, "  %s\n", lab(b, sizeof b, LW_MSG_DOC_NO_TEXT));

    /* the facts counted by kind, in the order the kinds first come */
    const json_t *facts = json_object_get(o, "facts"), *f;
    json_t *counts = json_object();
    size_t i;
    json_array_foreach(facts, i, f) {
        const char *k = jstr(f, "kind");
        if (k && counts)
            json_object_set_new(counts, k, json_integer(json_integer_value(json_object_get(counts, k)) + 1));
    }
    fprintf(out, "%s: %zu", lab(b, sizeof b, LW_MSG_DOC_FACTS), json_array_size(facts));
    const char *k;
    json_t *n;
    int first = 1;
    json_object_foreach(counts, k, n) {
        fprintf(out, "%s%lld %s", first ? " (" : ", ", (long long)json_integer_value(n), k);
        first = 0;
    }
    fputs(first ? "\n" : ")\n", out);
    json_decref(counts);

    const json_t *fs = json_object_get(o, "findings");
    fprintf(out, "%s: %zu\n", lab(b, sizeof b, LW_MSG_DOC_FINDINGS), json_array_size(fs));
    json_array_foreach(fs, i, f) {
        fprintf(out, "  %s %s", jstr(f, "severity"), jstr(f, "code"));
        if (json_is_integer(json_object_get(f, "line")))
            fprintf(out, " %s %lld", LW_VI(API_LINE), (long long)json_integer_value(json_object_get(f, "line")));
        fprintf(out, ": %s\n", jstr(f, "message"));
    }

    const json_t *du = json_object_get(o, "duties");
    fprintf(out, "%s: %zu\n", lw_msg_format(b, sizeof b, LW_MSG_DOC_DUTIES, jstr(o, "as_of")),
            json_array_size(du));
    json_array_foreach(du, i, f) {
        const json_t *dl = json_object_get(f, "deadline");
        char *lead = joined(json_object_get(f, "lead"));
        fprintf(out, "  %s %lld: %s", LW_VI(API_LINE), (long long)json_integer_value(json_object_get(f, "line")),
                jstr(f, "activity") ? jstr(f, "activity") : "");
        if (lead && *lead)
            fprintf(out, " — %s", lead);
        free(lead);
        fprintf(out, " — %s\n", json_is_object(dl) ? jstr(dl, "to") : LW_VI(DOC_NO_DEADLINE));
        const json_t *rp = json_object_get(f, "report"), *r;
        size_t j;
        if (!json_array_size(rp))
            fprintf(out, "    %s\n", LW_VI(DOC_NOT_JUDGED));
        json_array_foreach(rp, j, r) fprintf(out, "    %s: %s\n", jstr(r, "unit") ? jstr(r, "unit") : "?", jstr(r, "status"));
    }
    const json_t *orig = json_object_get(o, "original");
    fprintf(out, "%s: %s, %lld B%s%s\n", lab(b, sizeof b, LW_MSG_DOC_ORIGINAL), jstr(orig, "name"),
            (long long)json_integer_value(json_object_get(orig, "size")),
            json_is_true(json_object_get(orig, "available")) ? "" : "; ",
            json_is_true(json_object_get(orig, "available")) ? "" : lab(b2, sizeof b2, LW_MSG_DOC_UNAVAILABLE));
}

lawwatch_status lawwatch_doc_write(lawwatch_db *db, const lawwatch_engine *eng, long long id, const lawwatch_view *v,
                                   FILE *out, lawwatch_error *err)
{
    if (!db || !eng || !out)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_OUTPUT, "lawwatch_doc_write");
    if (v && v->format != LAWWATCH_FORMAT_TEXT && v->format != LAWWATCH_FORMAT_JSON)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    lw_error ie;
    lw_error_clear(&ie);
    json_t *o = NULL;
    lw_status st = build_doc(db, eng, id, v, &o, &ie);
    if (st)
        return lw_api_out_error(err, &ie);
    /* made whole first, so that nothing is written on error */
    char *text = NULL;
    size_t size = 0;
    FILE *mem = NULL;
    unsigned long oom = lw_oom_mark();
    if (v && v->format == LAWWATCH_FORMAT_JSON) {
        text = lw_json_dumps(o, JSON_INDENT(1));
        size = text ? strlen(text) : 0;
    } else if ((mem = open_memstream(&text, &size))) {
        write_summary(o, mem);
        if (fclose(mem)) {
            free(text);
            text = NULL;
        }
    }
    json_decref(o);
    if (!text || lw_oom_since(oom)) {
        free(text);
        return LAWWATCH_NOMEM(err);
    }
    int bad = fwrite(text, 1, size, out) != size || (v && v->format == LAWWATCH_FORMAT_JSON && fputc('\n', out) == EOF) ||
              fflush(out);
    free(text);
    return bad ? lw_api_fail(err, LW_ERR_IO, LW_MSG_FILE_WRITE) : LAWWATCH_OK;
}

const char *lawwatch_media_type(const void *bytes, size_t len) { return lw_read_media_type(bytes, len); }
