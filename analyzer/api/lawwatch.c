/* lawwatch.c: the public interface (include/lawwatch.h) as a thin layer over the internal
 * modules. Each function converts the public arguments, calls the stage that does the work
 * (lw_engine_*, lw_doc_*, lw_extract, lw_store_*, lw_check_run, lw_report_*) and converts
 * the results back: JSON made by the stages is handed over as text, so that no type of
 * jansson, SQLite or PCRE2 crosses the public boundary. */
#define _GNU_SOURCE /* dladdr */
#include "lawwatch.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lw_check.h"
#include "lw_common.h"
#include "lw_date.h"
#include "lw_oom.h"
#include "lw_docset.h"
#include "lw_extract.h"
#include "lw_registry.h"
#include "lw_report.h"
#include "lw_report_write.h"
#include "lw_resolve.h"
#include "lw_rules.h"
#include "lw_store_ingest.h"

/* Where `cmake --install` puts the rules, and the same folder relative to the installed
 * library's folder; both set by the build (CMakeLists.txt). The relative one is tried first,
 * so that a tree installed with `cmake --install --prefix P` or moved as a whole still finds
 * its own rules. */
#ifndef LW_RULES_INSTALL_DIR
#define LW_RULES_INSTALL_DIR "/usr/local/share/lawwatch/rules"
#endif
#ifndef LW_RULES_FROM_LIBDIR
#define LW_RULES_FROM_LIBDIR "../share/lawwatch/rules"
#endif

/* The public codes are the internal ones under their public names: a status crosses the
 * boundary by a cast, checked here at compile time. */
_Static_assert(LAWWATCH_OK == (int)LW_OK && LAWWATCH_ERR_IO == (int)LW_ERR_IO &&
                   LAWWATCH_ERR_NOMEM == (int)LW_ERR_NOMEM && LAWWATCH_ERR_BINARY == (int)LW_ERR_BINARY &&
                   LAWWATCH_ERR_ENCODING == (int)LW_ERR_ENCODING && LAWWATCH_ERR_RULE == (int)LW_ERR_RULE &&
                   LAWWATCH_ERR_DATA == (int)LW_ERR_DATA && LAWWATCH_ERR_LIMIT == (int)LW_ERR_LIMIT &&
                   LAWWATCH_ERR_USAGE == (int)LW_ERR_USAGE && LAWWATCH_ERR_DB == (int)LW_ERR_DB &&
                   LAWWATCH_ERR_QUERY == (int)LW_ERR_QUERY && LAWWATCH_ERR_TOO_LARGE == (int)LW_ERR_TOO_LARGE,
               "lawwatch_status and lw_status differ");
_Static_assert(sizeof(((lawwatch_error *)0)->file) == sizeof(((lw_error *)0)->file) &&
                   sizeof(((lawwatch_error *)0)->msg) == sizeof(((lw_error *)0)->msg),
               "lawwatch_error and lw_error differ");
_Static_assert(LAWWATCH_REPORT_OVERDUE == (int)LW_RS_OVERDUE && LAWWATCH_REPORT_UPCOMING == (int)LW_RS_UPCOMING &&
                   LAWWATCH_REPORT_STATUS_COUNT == (int)LW_RS_COUNT,
               "lawwatch_report_status and lw_report_status differ");
_Static_assert(LAWWATCH_FORMAT_TEXT == (int)LW_FMT_TEXT && LAWWATCH_FORMAT_JSON == (int)LW_FMT_JSON,
               "lawwatch_format and lw_report_format differ");
_Static_assert((int)LAWWATCH_DB_CREATE == (int)LW_STORE_CREATE && (int)LAWWATCH_DB_READONLY == (int)LW_STORE_READONLY,
               "database flags differ");

struct lawwatch_engine {
    lw_engine *eng;
    char *rules_dir;
};

struct lawwatch_db {
    lw_store *store;
};

struct lawwatch_ingest_result {
    lw_ingest_report rep;
};

struct lawwatch_hits {
    lawwatch_hit *hits;
    size_t n, cap;
    lw_status st; /* sticky: out of memory while collecting */
};

struct lawwatch_report {
    lw_report *r;
};

/* Copies an internal error out; returns its code as the public status. */
static lawwatch_status out_error(lawwatch_error *pub, const lw_error *in)
{
    if (pub) {
        pub->code = (lawwatch_status)in->code;
        memcpy(pub->file, in->file, sizeof pub->file);
        pub->line = in->line;
        pub->col = in->col;
        memcpy(pub->msg, in->msg, sizeof pub->msg);
    }
    return (lawwatch_status)in->code;
}

static lawwatch_status fail(lawwatch_error *pub, lw_status code, const char *file, const char *msg)
{
    lw_error e;
    lw_error_clear(&e);
    lw_error_set(&e, code, file, 0, 0, "%s", msg);
    return out_error(pub, &e);
}

#define NOMEM(pub) fail(pub, LW_ERR_NOMEM, NULL, "hết bộ nhớ (out of memory)")

const char *lawwatch_version(void) { return LW_VERSION; }

const char *lawwatch_status_str(lawwatch_status st) { return lw_status_str((lw_status)st); }

const char *lawwatch_error_format(const lawwatch_error *err, char *buf, size_t size)
{
    lw_error e;
    lw_error_clear(&e);
    if (err) {
        e.code = (lw_status)err->code;
        memcpy(e.file, err->file, sizeof e.file);
        e.file[sizeof e.file - 1] = '\0';
        e.line = err->line;
        e.col = err->col;
        memcpy(e.msg, err->msg, sizeof e.msg);
        e.msg[sizeof e.msg - 1] = '\0';
    }
    return lw_error_format(&e, buf, size);
}

void lawwatch_free(void *p) { free(p); }

/* ---- engine ---- */

static char installed_rules[4096];
static pthread_once_t installed_rules_once = PTHREAD_ONCE_INIT;

/* The rules folder beside this library (LIBDIR/../share/lawwatch/rules) when it exists,
 * else the configured install folder. Found once. */
static void find_installed_rules(void)
{
    Dl_info info;
    struct stat st;
    snprintf(installed_rules, sizeof installed_rules, "%s", LW_RULES_INSTALL_DIR);
    if (!dladdr((void *)lawwatch_default_rules_dir, &info) || !info.dli_fname)
        return;
    const char *slash = strrchr(info.dli_fname, '/');
    if (!slash)
        return;
    char buf[sizeof installed_rules];
    int n = snprintf(buf, sizeof buf, "%.*s/%s", (int)(slash - info.dli_fname), info.dli_fname,
                     LW_RULES_FROM_LIBDIR);
    if (n > 0 && (size_t)n < sizeof buf && stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
        memcpy(installed_rules, buf, (size_t)n + 1);
}

const char *lawwatch_default_rules_dir(void)
{
    const char *env = getenv("LAWWATCH_RULES");
    if (env && *env)
        return env;
    pthread_once(&installed_rules_once, find_installed_rules);
    return installed_rules;
}

lawwatch_status lawwatch_engine_open(const char *rules_dir, lawwatch_engine **out, lawwatch_error *err)
{
    *out = NULL;
    if (!rules_dir)
        rules_dir = lawwatch_default_rules_dir();
    lawwatch_engine *e = calloc(1, sizeof *e);
    if (!e || !(e->rules_dir = strdup(rules_dir))) {
        free(e);
        return NOMEM(err);
    }
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_engine_create(rules_dir, &e->eng, &ie) != LW_OK) {
        free(e->rules_dir);
        free(e);
        return out_error(err, &ie);
    }
    *out = e;
    return LAWWATCH_OK;
}

void lawwatch_engine_free(lawwatch_engine *eng)
{
    if (!eng)
        return;
    lw_engine_free(eng->eng);
    free(eng->rules_dir);
    free(eng);
}

const char *lawwatch_engine_rules_dir(const lawwatch_engine *eng) { return eng->rules_dir; }

/* ---- extract ---- */

/* Extracts a loaded document into its JSON record as text. Takes d (freed here). */
static lawwatch_status extract_doc(const lawwatch_engine *eng, lw_doc *d, char **json, lawwatch_error *err)
{
    lw_error ie;
    lw_error_clear(&ie);
    lw_matcher *m = lw_matcher_create(lw_engine_rules(eng->eng));
    if (!m) {
        lw_doc_free(d);
        return NOMEM(err);
    }
    size_t len;
    const char *t = lw_doc_text(d, &len);
    lw_extraction *x = NULL;
    lawwatch_status st = LAWWATCH_OK;
    if (lw_extract(lw_engine_rules(eng->eng), lw_engine_lexicon(eng->eng), m, t, len, NULL, &x, &ie)) {
        if (!ie.file[0])
            snprintf(ie.file, sizeof ie.file, "%s", d->path);
        st = out_error(err, &ie);
    } else {
        json_t *rec = lw_extraction_record(x, d);
        *json = rec ? lw_json_dumps(rec, JSON_COMPACT) : NULL;
        json_decref(rec);
        if (!*json)
            st = NOMEM(err);
    }
    lw_extraction_free(x);
    lw_matcher_free(m);
    lw_doc_free(d);
    return st;
}

lawwatch_status lawwatch_extract_file(const lawwatch_engine *eng, const char *path, char **json,
                                      lawwatch_error *err)
{
    *json = NULL;
    lw_doc_options o;
    lw_doc_options_default(&o);
    lw_doc *d;
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_doc_load(path, &o, &d, &ie))
        return out_error(err, &ie);
    return extract_doc(eng, d, json, err);
}

lawwatch_status lawwatch_extract_bytes(const lawwatch_engine *eng, const char *name, const void *bytes,
                                       size_t len, char **json, lawwatch_error *err)
{
    *json = NULL;
    lw_doc_options o;
    lw_doc_options_default(&o);
    lw_doc *d;
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_doc_from_bytes(name ? name : "(bytes)", bytes, len, &o, &d, &ie))
        return out_error(err, &ie);
    return extract_doc(eng, d, json, err);
}

/* ---- database ---- */

lawwatch_status lawwatch_db_open(const char *path, int flags, lawwatch_db **out, lawwatch_error *err)
{
    *out = NULL;
    lawwatch_db *db = calloc(1, sizeof *db);
    if (!db)
        return NOMEM(err);
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_store_open(path, flags, &db->store, &ie)) {
        free(db);
        return out_error(err, &ie);
    }
    *out = db;
    return LAWWATCH_OK;
}

void lawwatch_db_close(lawwatch_db *db)
{
    if (!db)
        return;
    lw_store_close(db->store);
    free(db);
}

long long lawwatch_db_count(lawwatch_db *db) { return lw_store_count(db->store); }

/* ---- ingest ---- */

lawwatch_status lawwatch_ingest(lawwatch_db *db, const lawwatch_engine *eng, const char *const *paths,
                                size_t n, int flags, int jobs, lawwatch_ingest_result **out,
                                lawwatch_error *err)
{
    *out = NULL;
    lawwatch_ingest_result *r = calloc(1, sizeof *r);
    if (!r)
        return NOMEM(err);
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    o.prune = !!(flags & LAWWATCH_INGEST_PRUNE);
    o.reextract = !!(flags & LAWWATCH_INGEST_REEXTRACT);
    o.jobs = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs;
    lw_error ie;
    lw_error_clear(&ie);
    lw_status st = lw_store_ingest(db->store, eng->eng, paths, n, &o, &r->rep, &ie);
    *out = r;
    return st ? out_error(err, &ie) : LAWWATCH_OK;
}

void lawwatch_ingest_result_free(lawwatch_ingest_result *r)
{
    if (!r)
        return;
    lw_ingest_report_free(&r->rep);
    free(r);
}

lawwatch_ingest_counts lawwatch_ingest_result_counts(const lawwatch_ingest_result *r)
{
    lawwatch_ingest_counts c = {0};
    if (!r)
        return c;
    c.ingested = r->rep.ingested;
    c.unchanged = r->rep.unchanged;
    c.duplicates = r->rep.duplicates;
    c.reextracted = r->rep.reextracted;
    c.pruned = r->rep.pruned;
    c.skipped = r->rep.n_skipped;
    c.failed = r->rep.n_failed;
    c.unrecorded = r->rep.n_unrecorded;
    return c;
}

int lawwatch_ingest_result_problem(const lawwatch_ingest_result *r, lawwatch_problem_kind kind, size_t i,
                                   const char **path, const char **reason)
{
    const lw_ingest_problem *p = kind == LAWWATCH_PROBLEM_FAILED ? r->rep.failed : r->rep.skipped;
    size_t n = kind == LAWWATCH_PROBLEM_FAILED ? r->rep.n_failed : r->rep.n_skipped;
    if (i >= n)
        return -1;
    if (path)
        *path = p[i].path;
    if (reason)
        *reason = p[i].reason;
    return 0;
}

/* ---- search ---- */

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static int on_hit(void *ud, const lw_search_hit *h)
{
    lawwatch_hits *r = ud;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        lawwatch_hit *p = realloc(r->hits, cap * sizeof *p);
        if (!p) {
            r->st = LW_ERR_NOMEM;
            return 1;
        }
        r->hits = p;
        r->cap = cap;
    }
    lw_buf label = {0};
    int rc = lw_doc_label(&label, h->kind, h->number, h->date, h->issuer);
    if (rc < 0) {
        lw_buf_free(&label);
        r->st = LW_ERR_NOMEM;
        return 1;
    }
    lawwatch_hit *x = &r->hits[r->n];
    x->path = dup_or_empty(h->path);
    x->label = rc == 0 ? lw_buf_detach(&label, NULL) : dup_or_empty(h->path);
    lw_buf_free(&label);
    x->snippet = dup_or_empty(h->snippet);
    x->score = h->score;
    r->n++; /* counted before the check, so that lawwatch_hits_free releases what was made */
    if (!x->path || !x->label || !x->snippet) {
        r->st = LW_ERR_NOMEM;
        return 1;
    }
    return 0;
}

lawwatch_status lawwatch_search(lawwatch_db *db, const lawwatch_search_query *q, lawwatch_hits **out,
                                lawwatch_error *err)
{
    *out = NULL;
    if (!q || !q->query || !*q->query)
        return fail(err, LW_ERR_USAGE, NULL, "thiếu từ cần tìm (no query)");
    lawwatch_hits *r = calloc(1, sizeof *r);
    if (!r)
        return NOMEM(err);
    lw_search_query iq = {.query = q->query, .year = q->year, .kind = q->kind, .issuer = q->issuer,
                          .limit = q->limit};
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    lw_status st = lw_store_search(db->store, &iq, on_hit, r, NULL, &ie);
    if (!st && lw_oom_since(oom))
        r->st = LW_ERR_NOMEM; /* a snippet or label cut short */
    if (!st && r->st)
        st = lw_error_set(&ie, r->st, NULL, 0, 0, "hết bộ nhớ (out of memory)");
    if (st) {
        lawwatch_hits_free(r);
        return out_error(err, &ie);
    }
    *out = r;
    return LAWWATCH_OK;
}

void lawwatch_hits_free(lawwatch_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        free((char *)h->hits[i].path);
        free((char *)h->hits[i].label);
        free((char *)h->hits[i].snippet);
    }
    free(h->hits);
    free(h);
}

size_t lawwatch_hits_count(const lawwatch_hits *h) { return h ? h->n : 0; }

const lawwatch_hit *lawwatch_hits_get(const lawwatch_hits *h, size_t i)
{
    return h && i < h->n ? &h->hits[i] : NULL;
}

/* ---- cites, deadlines ---- */

/* Collects the rows of a fact query into one JSON array. */
static int on_row(void *ud, json_t *row) { return json_array_append(ud, row) != 0; }

/* Failures noted since oom (lw_oom) fail it: a row may lack a key. */
static lawwatch_status rows_to_text(json_t *rows, lw_status st, lw_error *ie, unsigned long oom, char **json,
                                    lawwatch_error *err)
{
    if (!st && lw_oom_since(oom))
        st = lw_error_set(ie, LW_ERR_NOMEM, NULL, 0, 0, "hết bộ nhớ (out of memory)");
    if (!st && !(*json = lw_json_dumps(rows, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
        st = lw_error_set(ie, LW_ERR_NOMEM, NULL, 0, 0, "hết bộ nhớ (out of memory)");
    json_decref(rows);
    return st ? out_error(err, ie) : LAWWATCH_OK;
}

lawwatch_status lawwatch_cites(lawwatch_db *db, const char *id, int limit, char **json, lawwatch_error *err)
{
    *json = NULL;
    if (!id || !*id)
        return fail(err, LW_ERR_USAGE, NULL, "thiếu số hiệu văn bản (no document id)");
    unsigned long oom = lw_oom_mark();
    json_t *rows = json_array();
    if (!rows)
        return NOMEM(err);
    lw_error ie;
    lw_error_clear(&ie);
    size_t n = 0;
    lw_status st = lw_store_cites(db->store, id, limit, on_row, rows, &n, &ie);
    if (!st && n != json_array_size(rows))
        st = lw_error_set(&ie, LW_ERR_NOMEM, NULL, 0, 0, "hết bộ nhớ (out of memory)");
    return rows_to_text(rows, st, &ie, oom, json, err);
}

lawwatch_status lawwatch_deadlines_in(lawwatch_db *db, const char *period, int limit, char **json,
                                      lawwatch_error *err)
{
    *json = NULL;
    char from[11], to[11];
    if (!period || lw_period_parse(period, from, to))
        return fail(err, LW_ERR_USAGE, NULL,
                    "kỳ không hợp lệ, ví dụ 2025Q3, 2025H2, 2025-07, 2025 (not a period)");
    unsigned long oom = lw_oom_mark();
    json_t *rows = json_array();
    if (!rows)
        return NOMEM(err);
    lw_error ie;
    lw_error_clear(&ie);
    size_t n = 0;
    lw_status st = lw_store_deadlines_in(db->store, from, to, limit, on_row, rows, &n, &ie);
    if (!st && n != json_array_size(rows))
        st = lw_error_set(&ie, LW_ERR_NOMEM, NULL, 0, 0, "hết bộ nhớ (out of memory)");
    return rows_to_text(rows, st, &ie, oom, json, err);
}

/* ---- check ---- */

lawwatch_status lawwatch_check(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                               char **json, size_t *n_errors, lawwatch_error *err)
{
    *json = NULL;
    if (n_errors)
        *n_errors = 0;
    lw_check_options o = {0};
    if (opt) {
        o.unit = opt->unit;
        o.year = opt->year;
    }
    lw_registry *reg = NULL;
    json_t *findings = NULL;
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    lw_status st = lw_registry_load_dir(eng->rules_dir, &reg, &ie);
    if (!st)
        st = lw_docset_check_unit(db->store, o.unit, LW_DS_UNITS_ISSUERS, &ie);
    if (!st)
        st = lw_check_run(db->store, eng->eng, reg, &o, &findings, &ie);
    if (!st && lw_oom_since(oom)) /* a finding may lack a key */
        st = lw_error_set(&ie, LW_ERR_NOMEM, NULL, 0, 0, "hết bộ nhớ (out of memory)");
    if (!st && !(*json = lw_json_dumps(findings, JSON_INDENT(1))))
        st = lw_error_set(&ie, LW_ERR_NOMEM, NULL, 0, 0, "hết bộ nhớ (out of memory)");
    if (!st && n_errors)
        *n_errors = lw_check_count(findings, "error");
    json_decref(findings);
    lw_registry_free(reg);
    return st ? out_error(err, &ie) : LAWWATCH_OK;
}

/* ---- report ---- */

lawwatch_status lawwatch_report_build(lawwatch_db *db, const lawwatch_engine *eng,
                                      const lawwatch_report_options *opt, lawwatch_report **out,
                                      lawwatch_error *err)
{
    *out = NULL;
    lw_date d;
    if (!opt || !opt->as_of || lw_date_parse_iso(opt->as_of, &d) || !lw_date_valid(d))
        return fail(err, LW_ERR_USAGE, NULL, "as_of cần một ngày YYYY-MM-DD có thật (as_of needs a date)");
    if (opt->since && (lw_date_parse_iso(opt->since, &d) || !lw_date_valid(d)))
        return fail(err, LW_ERR_USAGE, NULL, "since cần một ngày YYYY-MM-DD có thật (since needs a date)");
    lawwatch_report *r = calloc(1, sizeof *r);
    if (!r)
        return NOMEM(err);
    lw_report_options o = {.as_of = opt->as_of, .window = opt->window, .since = opt->since, .all = opt->all,
                           .unit = opt->unit, .english = opt->english, .color = 0};
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    if (lw_report_build(db->store, eng->eng, &o, &r->r, &ie)) {
        free(r);
        return out_error(err, &ie);
    }
    if (lw_oom_since(oom)) { /* an item may lack a field */
        lawwatch_report_free(r);
        return NOMEM(err);
    }
    *out = r;
    return LAWWATCH_OK;
}

void lawwatch_report_free(lawwatch_report *r)
{
    if (!r)
        return;
    lw_report_free(r->r);
    free(r);
}

size_t lawwatch_report_count(const lawwatch_report *r, lawwatch_report_status st)
{
    if (!r || (int)st < 0 || st >= LAWWATCH_REPORT_STATUS_COUNT)
        return 0;
    return lw_report_count(r->r, (lw_report_status)st);
}

static int format_ok(lawwatch_format fmt) { return (int)fmt >= 0 && fmt <= LAWWATCH_FORMAT_JSON; }

lawwatch_status lawwatch_report_write(const lawwatch_report *r, lawwatch_format fmt, FILE *out,
                                      lawwatch_error *err)
{
    if (!format_ok(fmt))
        return fail(err, LW_ERR_USAGE, NULL, "định dạng không hợp lệ (unknown format)");
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    if (lw_report_write(r->r, (lw_report_format)fmt, out, &ie))
        return out_error(err, &ie);
    if (lw_oom_since(oom)) /* a line may have been cut short */
        return NOMEM(err);
    return LAWWATCH_OK;
}

lawwatch_status lawwatch_report_string(const lawwatch_report *r, lawwatch_format fmt, char **text,
                                       lawwatch_error *err)
{
    *text = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NOMEM(err);
    lawwatch_status st = lawwatch_report_write(r, fmt, f, err);
    if (fclose(f) && !st)
        st = NOMEM(err);
    if (st || !buf) {
        free(buf);
        return st ? st : NOMEM(err);
    }
    *text = buf;
    return LAWWATCH_OK;
}
