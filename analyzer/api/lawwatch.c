/* lawwatch.c: the public interface (include/lawwatch.h) as a thin layer over the internal
 * modules: status and errors, the engine, one document (normalize, extract), the database
 * and ingest. Search and fact queries are in lawwatch_search.c, check and the report in
 * lawwatch_review.c, the rules' examples in lawwatch_rules.c. Each function converts the
 * public arguments, calls the stage that does the work and converts the results back: JSON
 * made by the stages is handed over as text or written to the caller's stream, so that no
 * type of jansson, SQLite or PCRE2 crosses the public boundary. */
#define _GNU_SOURCE /* dladdr */
#include "lawwatch_impl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lw_doc.h"
#include "lw_rules.h"
#include "lw_store_backup.h"
#include "lw_store_pg.h"
#include "lw_store_ingest.h"
#include "lw_store_text.h"

/* One fact's line in the extract table: what a reviewer reads of it; longer is cut at a
 * character. */
#define LW_API_FACT_LINE_MAX 400
/* How many skipped files the ingest summary lists one by one (the rest are counted): a
 * folder of scans would otherwise bury the failures. */
#define LW_API_SKIPPED_SHOWN 20
/* A line of the ingest summary made from the message table. */
#define LW_API_LINE_MAX 512
/* The installed rules folder's path, found once. */
#define LW_API_PATH_MAX 4096

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
                   LAWWATCH_ERR_QUERY == (int)LW_ERR_QUERY && LAWWATCH_ERR_TOO_LARGE == (int)LW_ERR_TOO_LARGE &&
                   LAWWATCH_ERR_BUSY == (int)LW_ERR_BUSY && LAWWATCH_ERR_REFUSED == (int)LW_ERR_REFUSED,
               "lawwatch_status and lw_status differ");
_Static_assert(sizeof(((lawwatch_error *)0)->file) == sizeof(((lw_error *)0)->file) &&
                   sizeof(((lawwatch_error *)0)->msg) == sizeof(((lw_error *)0)->msg),
               "lawwatch_error and lw_error differ");
_Static_assert(LAWWATCH_REPORT_OVERDUE == (int)LW_RS_OVERDUE && LAWWATCH_REPORT_UPCOMING == (int)LW_RS_UPCOMING &&
                   LAWWATCH_REPORT_STATUS_COUNT == (int)LW_RS_COUNT,
               "lawwatch_report_status and lw_report_status differ");
_Static_assert(LAWWATCH_ENCODING_DETECT == (int)LW_ENC_AUTO && LAWWATCH_ENCODING_UTF8 == (int)LW_ENC_UTF8 &&
                   LAWWATCH_ENCODING_UTF16LE == (int)LW_ENC_UTF16LE &&
                   LAWWATCH_ENCODING_UTF16BE == (int)LW_ENC_UTF16BE && LAWWATCH_ENCODING_CP1258 == (int)LW_ENC_CP1258 &&
                   LAWWATCH_ENCODING_TCVN3 == (int)LW_ENC_TCVN3 && LAWWATCH_ENCODING_VNI == (int)LW_ENC_VNI,
               "lawwatch_encoding and lw_encoding differ");
_Static_assert(LAWWATCH_FORMAT_TEXT == (int)LW_FMT_TEXT && LAWWATCH_FORMAT_JSON == (int)LW_FMT_JSON,
               "lawwatch_format and lw_report_format differ");
_Static_assert((int)LAWWATCH_DB_CREATE == (int)LW_STORE_CREATE && (int)LAWWATCH_DB_READONLY == (int)LW_STORE_READONLY,
               "database flags differ");

_Static_assert(LAWWATCH_PRUNE_MAX_PERCENT_DEFAULT == LW_STORE_PRUNE_MAX_DEFAULT, "the prune shares differ");

struct lawwatch_ingest_result {
    lw_ingest_report rep;
    int flags;           /* LAWWATCH_INGEST_*, for the summary */
    lw_status status;    /* what lw_store_ingest returned */
    lw_error error;      /* why it stopped, when status is not LW_OK */
    char *database;      /* owned: the database's name */
    char *rules_version; /* owned: the rules' version */
};

lawwatch_status lw_api_out_error(lawwatch_error *pub, const lw_error *in)
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

lawwatch_status lw_api_fail(lawwatch_error *pub, lw_status code, lw_msg_id id, ...)
{
    lw_error e;
    lw_error_clear(&e);
    char buf[sizeof e.msg];
    va_list ap;
    va_start(ap, id);
    lw_msg_vformat(buf, sizeof buf, id, ap);
    va_end(ap);
    lw_error_set(&e, code, NULL, 0, 0, "%s", buf);
    return lw_api_out_error(pub, &e);
}

const char *lw_api_shown(const lawwatch_view *v, const char *path)
{
    return path && v && v->cwd && *v->cwd ? lw_path_below(path, v->cwd) : path;
}

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

/* The names of the message table's entries, in its order (lw_messages.def). */
static const char *const msg_names[LW_MSG_COUNT] = {
#define LW_MSG(id, vi, en) [LW_MSG_##id] = #id,
#include "lw_messages.def"
#undef LW_MSG
};

const char *lawwatch_vmessage(char *buf, size_t size, const char *name, va_list ap)
{
    if (!size)
        return buf;
    for (int id = 0; id < LW_MSG_COUNT; id++)
        if (!strcmp(msg_names[id], name))
            return lw_msg_vformat(buf, size, (lw_msg_id)id, ap);
    snprintf(buf, size, "%s", name);
    return buf;
}

const char *lawwatch_message(char *buf, size_t size, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    lawwatch_vmessage(buf, size, name, ap);
    va_end(ap);
    return buf;
}

/* ---- engine ---- */

static char installed_rules[LW_API_PATH_MAX];
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
        return LAWWATCH_NOMEM(err);
    }
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_engine_create(rules_dir, &e->eng, &ie) != LW_OK) {
        free(e->rules_dir);
        free(e);
        return lw_api_out_error(err, &ie);
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

const char *lawwatch_engine_rules_version(const lawwatch_engine *eng)
{
    return lw_ruleset_version(lw_engine_rules(eng->eng));
}

/* ---- one document ---- */

int lawwatch_encoding_parse(const char *name, lawwatch_encoding *out)
{
    lw_encoding e;
    if (!name || lw_encoding_parse(name, &e))
        return -1;
    *out = (lawwatch_encoding)e;
    return 0;
}

static void doc_options(const lawwatch_read_options *opt, lw_doc_options *o)
{
    lw_doc_options_default(o);
    if (opt) {
        o->encoding = (lw_encoding)opt->encoding;
        if (opt->no_unwrap)
            o->norm.unwrap = 0;
        o->read.force_ocr = opt->force_ocr;
        if (opt->dpi > 0)
            o->read.dpi = opt->dpi;
        if (opt->max_pages > 0)
            o->read.max_pages = opt->max_pages;
        if (opt->jobs > 0)
            o->read.jobs = opt->jobs;
        if (opt->timeout > 0) {
            /* the CPU limit follows (per OCR thread: lw_sandbox) */
            o->read.max_wall = opt->timeout;
            o->read.max_cpu = opt->timeout;
        }
    }
}

lawwatch_status lawwatch_normalize_file(const char *path, const lawwatch_read_options *opt, char **text,
                                        size_t *len, lawwatch_error *err)
{
    *text = NULL;
    if (len)
        *len = 0;
    lw_doc_options o;
    doc_options(opt, &o);
    lw_doc *d;
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark(); /* a line of the text lost on the way (lw_oom) */
    if (lw_doc_load(path, &o, &d, &ie))
        return lw_api_out_error(err, &ie);
    size_t n;
    const char *t = lw_doc_text(d, &n);
    char *copy = lw_oom_since(oom) ? NULL : malloc(n + 1);
    if (!copy) {
        lw_doc_free(d);
        return LAWWATCH_NOMEM(err);
    }
    memcpy(copy, t, n);
    copy[n] = '\0';
    lw_doc_free(d);
    *text = copy;
    if (len)
        *len = n;
    return LAWWATCH_OK;
}

/* Extracts a loaded document into its JSON record (*rec owned, json_decref). Takes d
 * (freed here). */
static lawwatch_status extract_record(const lawwatch_engine *eng, lw_doc *d, json_t **rec, lawwatch_error *err)
{
    *rec = NULL;
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark(); /* a fact or a key lost on the way (lw_oom) */
    lw_matcher *m = lw_matcher_create(lw_engine_rules(eng->eng));
    if (!m) {
        lw_doc_free(d);
        return LAWWATCH_NOMEM(err);
    }
    size_t len;
    const char *t = lw_doc_text(d, &len);
    lw_extraction *x = NULL;
    lawwatch_status st = LAWWATCH_OK;
    if (lw_extract(lw_engine_rules(eng->eng), lw_engine_lexicon(eng->eng), m, t, len, NULL, &x, &ie)) {
        if (!ie.file[0])
            snprintf(ie.file, sizeof ie.file, "%s", d->path);
        st = lw_api_out_error(err, &ie);
    } else if (!(*rec = lw_extraction_record(x, d)) || lw_oom_since(oom)) {
        json_decref(*rec);
        *rec = NULL;
        st = LAWWATCH_NOMEM(err);
    }
    lw_extraction_free(x);
    lw_matcher_free(m);
    lw_doc_free(d);
    return st;
}

/* The record as compact JSON text; takes d. */
static lawwatch_status extract_doc(const lawwatch_engine *eng, lw_doc *d, char **json, lawwatch_error *err)
{
    json_t *rec;
    lawwatch_status st = extract_record(eng, d, &rec, err);
    if (st)
        return st;
    *json = lw_json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    return *json ? LAWWATCH_OK : LAWWATCH_NOMEM(err);
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
        return lw_api_out_error(err, &ie);
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
        return lw_api_out_error(err, &ie);
    return extract_doc(eng, d, json, err);
}

/* Below this OCR confidence (0-100) the table marks a fact "[OCR n]": tesseract's words under
 * 60 are often misread. */
#define LW_API_OCR_LOW 60

/* The extract table of one record (the CLI's --format table). Returns 0, or -1 when memory
 * ran out (a line may then be written in part). */
static int print_table(FILE *out, const json_t *rec)
{
    /* a PDF, image or Word file: how it was read, and why (e.g. OCR instead of its text layer) */
    json_t *sf = json_object_get(rec, "source_format"), *pages = json_object_get(rec, "pages");
    if (json_is_integer(pages))
        fprintf(out, "== %s (%s, %lld %s)\n", json_string_value(json_object_get(rec, "path")), json_string_value(sf),
                (long long)json_integer_value(pages), LW_VI(API_PAGES));
    else
        fprintf(out, "== %s (%s)\n", json_string_value(json_object_get(rec, "path")),
                json_is_string(sf) && strcmp(json_string_value(sf), "text") != 0
                    ? json_string_value(sf)
                    : json_string_value(json_object_get(rec, "encoding")));
    json_t *note = json_object_get(rec, "note");
    if (json_is_string(note))
        fprintf(out, "  %s\n", json_string_value(note));
    json_t *h = json_object_get(rec, "header");
    const char *keys[] = {"kind", "number", "issuer", "place", "date", "subject"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *v = json_object_get(h, keys[i]);
        fprintf(out, "  %-9s %s\n", keys[i], json_is_string(v) ? json_string_value(v) : "-");
    }
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(rec, "facts"), i, f) {
        const char *kind = json_string_value(json_object_get(f, "kind"));
        char what[LW_API_FACT_LINE_MAX] = "";
        if (!strcmp(kind, "legal_ref")) {
            json_t *id = json_object_get(f, "id");
            json_t *d = json_object_get(f, "date");
            const char *on = json_is_string(d) ? LW_VI(API_DATE_ON) : NULL; /* "... ngày 2025-01-15" */
            snprintf(what, sizeof what, "%s %s%s%s%s%s", json_string_value(json_object_get(f, "type")) ?: "",
                     json_is_string(id) ? json_string_value(id) : json_string_value(json_object_get(f, "title")) ?: "",
                     on ? " " : "", on ? on : "", on ? " " : "", on ? json_string_value(d) : "");
        } else if (!strcmp(kind, "deadline")) {
            json_t *fr = json_object_get(f, "from");
            snprintf(what, sizeof what, "%s %s..%s (%s)", json_string_value(json_object_get(f, "qualifier")),
                     json_is_string(fr) ? json_string_value(fr) : "", json_string_value(json_object_get(f, "to")),
                     json_string_value(json_object_get(f, "precision")));
        } else if (!strcmp(kind, "agency")) {
            json_t *lv = json_object_get(f, "level");
            snprintf(what, sizeof what, "%s [%s]", json_string_value(json_object_get(f, "name")),
                     json_is_string(lv) ? json_string_value(lv) : "-");
        } else if (!strcmp(kind, "relation")) {
            json_t *fr = json_object_get(f, "from");
            snprintf(what, sizeof what, "%s %s%s%s -> %s", json_string_value(json_object_get(f, "type")),
                     json_is_string(fr) ? "" : "(", json_is_string(fr) ? json_string_value(fr) : LW_VI(API_THIS_DOC),
                     json_is_string(fr) ? "" : ")",
                     json_string_value(json_object_get(f, "to")));
        } else if (!strcmp(kind, "date")) {
            snprintf(what, sizeof what, "%s", json_string_value(json_object_get(f, "value")));
        } else if (!strcmp(kind, "duty")) {
            json_t *dl = json_object_get(f, "deadline");
            json_t *lj = json_object_get(f, "lead");
            char *lead = lj ? lw_json_dumps(lj, JSON_COMPACT) : strdup("[]");
            if (!lead)
                return -1;
            snprintf(what, sizeof what, "%s | lead %s | %s", json_string_value(json_object_get(f, "activity")) ?: "",
                     lead, json_is_object(dl) ? json_string_value(json_object_get(dl, "to")) : "-");
            free(lead);
        } else {
            snprintf(what, sizeof what, "%s", json_string_value(json_object_get(f, "text")));
        }
        /* snprintf may have cut a multi-byte character: drop its lead bytes */
        size_t wl = strlen(what);
        if (wl == sizeof what - 1) {
            size_t k = wl;
            while (k > 0 && ((unsigned char)what[k - 1] & 0xC0) == 0x80)
                k--;
            if (k > 0 && (unsigned char)what[k - 1] >= 0xC0)
                what[k - 1] = '\0';
        }
        /* the line, or page:line of a PDF or image */
        char at[32];
        json_t *pg = json_object_get(f, "page");
        if (json_is_integer(pg))
            snprintf(at, sizeof at, "%lld:%lld", (long long)json_integer_value(pg),
                     (long long)json_integer_value(json_object_get(f, "line")));
        else
            snprintf(at, sizeof at, "%lld", (long long)json_integer_value(json_object_get(f, "line")));
        /* a fact built on poorly recognized words: look at the scan */
        json_t *conf = json_object_get(f, "ocr_conf");
        if (json_is_integer(conf) && json_integer_value(conf) < LW_API_OCR_LOW)
            fprintf(out, "  %5s  %-9s  %s  [OCR %lld]\n", at, kind, what, (long long)json_integer_value(conf));
        else
            fprintf(out, "  %5s  %-9s  %s\n", at, kind, what);
    }
    json_array_foreach(json_object_get(rec, "warnings"), i, f)
        fprintf(out, "  %5lld  warning    %s\n", (long long)json_integer_value(json_object_get(f, "line")),
               json_string_value(json_object_get(f, "message")));
    return 0;
}

lawwatch_status lawwatch_extract_write(const lawwatch_engine *eng, const char *path, const lawwatch_read_options *opt,
                                       lawwatch_format fmt, FILE *out, FILE *diag, lawwatch_error *err)
{
    if (fmt != LAWWATCH_FORMAT_TEXT && fmt != LAWWATCH_FORMAT_JSON)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    lw_doc_options o;
    doc_options(opt, &o);
    lw_doc *d;
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_doc_load(path, &o, &d, &ie))
        return lw_api_out_error(err, &ie);
    json_t *rec;
    lawwatch_status st = extract_record(eng, d, &rec, err);
    if (st)
        return st;
    /* decoding problems (a "code"d warning) are said on diag too, with file and line */
    size_t wi;
    json_t *w;
    if (diag)
        json_array_foreach(json_object_get(rec, "warnings"), wi, w)
            if (json_object_get(w, "code"))
                fprintf(diag, "lawwatch: %s:%lld: %s\n", path, (long long)json_integer_value(json_object_get(w, "line")),
                        json_string_value(json_object_get(w, "message")));
    if (fmt == LAWWATCH_FORMAT_JSON) {
        char *text = lw_json_dumps(rec, JSON_COMPACT);
        if (!text) {
            json_decref(rec);
            return LAWWATCH_NOMEM(err);
        }
        fputs(text, out);
        fputc('\n', out);
        free(text);
    } else if (print_table(out, rec)) {
        json_decref(rec);
        return LAWWATCH_NOMEM(err);
    }
    json_decref(rec);
    return LAWWATCH_OK;
}

/* ---- database ---- */

lawwatch_status lawwatch_db_open(const char *path, int flags, lawwatch_db **out, lawwatch_error *err)
{
    *out = NULL;
    lawwatch_db *db = calloc(1, sizeof *db);
    if (!db)
        return LAWWATCH_NOMEM(err);
    lw_error ie;
    lw_error_clear(&ie);
    /* an older schema opened for writing is upgraded by lw_store_open: its copy first, and
     * no upgrade without it (the database is left as it was) */
    if (lw_store_backup_before_upgrade(path, flags, &db->backup, &ie) || lw_store_open(path, flags, &db->store, &ie)) {
        free(db->backup);
        free(db);
        return lw_api_out_error(err, &ie);
    }
    *out = db;
    return LAWWATCH_OK;
}

void lawwatch_db_close(lawwatch_db *db)
{
    if (!db)
        return;
    lw_store_close(db->store);
    free(db->backup);
    free(db);
}

long long lawwatch_db_count(lawwatch_db *db) { return lw_store_count(db->store); }

int lawwatch_db_is_uri(const char *name) { return lw_pg_is_uri(name); }

const char *lawwatch_db_name(const lawwatch_db *db) { return db ? lw_store_path(db->store) : NULL; }

const char *lawwatch_db_name_shown(const char *name, char *buf, size_t size)
{
    if (!size)
        return buf;
    char *shown = lw_pg_is_uri(name) ? lw_pg_uri_shown(name) : NULL;
    /* out of memory: the scheme alone says which server, never the password */
    snprintf(buf, size, "%s", shown ? shown : lw_pg_is_uri(name) ? "postgresql://..." : name);
    free(shown);
    return buf;
}

const char *lawwatch_db_backup_path(const lawwatch_db *db) { return db ? db->backup : NULL; }

void lawwatch_db_set_time_limit(lawwatch_db *db, unsigned ms)
{
    if (db)
        lw_store_set_time_limit(db->store, ms);
}

/* ---- ingest ---- */

/* The caller's progress callback, called with the public struct. */
typedef struct {
    void (*fn)(void *ud, const lawwatch_progress *p);
    void *ud;
} progress_relay;

static void relay_progress(void *ud, const lw_ingest_progress *p)
{
    const progress_relay *r = ud;
    lawwatch_progress q = {p->done, p->total, (unsigned long long)p->bytes, p->elapsed, p->file_pages_done,
                           p->file_pages_total, (unsigned long long)p->pages_done, p->pages_elapsed};
    r->fn(r->ud, &q);
}

lawwatch_status lawwatch_ingest_ex(lawwatch_db *db, const lawwatch_engine *eng, const char *const *paths, size_t n,
                                   const lawwatch_ingest_options *opt, lawwatch_ingest_result **out,
                                   lawwatch_error *err)
{
    *out = NULL;
    static const lawwatch_ingest_options none = {0};
    if (!opt)
        opt = &none;
    lawwatch_ingest_result *r = calloc(1, sizeof *r);
    if (!r || !(r->database = strdup(lw_store_path(db->store))) ||
        !(r->rules_version = strdup(lawwatch_engine_rules_version(eng)))) {
        lawwatch_ingest_result_free(r);
        return LAWWATCH_NOMEM(err);
    }
    r->flags = opt->flags;
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    o.prune = !!(opt->flags & LAWWATCH_INGEST_PRUNE);
    o.reextract = !!(opt->flags & LAWWATCH_INGEST_REEXTRACT);
    o.follow_symlinks = !!(opt->flags & LAWWATCH_INGEST_FOLLOW_SYMLINKS);
    o.force = !!(opt->flags & LAWWATCH_INGEST_FORCE);
    o.nowait = !!(opt->flags & LAWWATCH_INGEST_NOWAIT);
    o.prune_max_percent = opt->prune_max_percent;
    o.jobs = opt->jobs < 1 ? 1 : opt->jobs > LAWWATCH_INGEST_JOBS_MAX ? LAWWATCH_INGEST_JOBS_MAX : opt->jobs;
    /* the copy an upgrade made at this open may lie in a folder ingested */
    const char *backup = lawwatch_db_backup_path(db);
    o.own_files = &backup;
    o.n_own_files = backup ? 1 : 0;
    doc_options(&opt->read, &o.doc);
    progress_relay relay = {opt->progress, opt->progress_ud};
    if (opt->progress) {
        o.progress = relay_progress;
        o.progress_ud = &relay;
    }
    lw_error_clear(&r->error);
    r->status = lw_store_ingest(db->store, eng->eng, paths, n, &o, &r->rep, &r->error);
    *out = r;
    return r->status ? lw_api_out_error(err, &r->error) : LAWWATCH_OK;
}

lawwatch_status lawwatch_ingest(lawwatch_db *db, const lawwatch_engine *eng, const char *const *paths,
                                size_t n, int flags, int jobs, lawwatch_ingest_result **out,
                                lawwatch_error *err)
{
    lawwatch_ingest_options o = {.flags = flags, .jobs = jobs};
    return lawwatch_ingest_ex(db, eng, paths, n, &o, out, err);
}

lawwatch_status lawwatch_ingest_result_write(const lawwatch_ingest_result *r, int debug_stats, FILE *out,
                                             lawwatch_error *err)
{
    const lw_ingest_report *rep = &r->rep;
    int prune = !!(r->flags & LAWWATCH_INGEST_PRUNE), reextract = !!(r->flags & LAWWATCH_INGEST_REEXTRACT);
    /* "N đã nhập (ingested), N không đổi (unchanged), ...": each count with its words in both
     * languages, as the IT department searches logs in English */
#define COUNT(n, id) fprintf(out, "%zu %s (%s)", (size_t)(n), LW_VI(id), LW_EN(id))
    fputs("lawwatch ingest: ", out);
    COUNT(rep->ingested, API_ING_INGESTED);
    fputs(", ", out);
    COUNT(rep->unchanged, API_ING_UNCHANGED);
    fputs(", ", out);
    if (rep->duplicates) {
        COUNT(rep->duplicates, API_ING_DUPLICATES);
        fputs(", ", out);
    }
    COUNT(rep->n_skipped, API_ING_SKIPPED);
    fputs(", ", out);
    COUNT(rep->n_failed, API_ING_FAILED);
    if (reextract || rep->reextracted) {
        fputs(", ", out);
        COUNT(rep->reextracted, API_ING_REEXTRACTED);
    }
    if (prune) {
        fputs(", ", out);
        COUNT(rep->pruned, API_ING_PRUNED);
    }
    /* PDFs, images and Word files: the pages read and OCR'd files (the slow part), the
     * sources taken from the cache */
    if (rep->pages_read) {
        fputs(", ", out);
        COUNT(rep->pages_read, API_ING_PAGES);
    }
    if (rep->ocr_files) {
        fputs(", ", out);
        COUNT(rep->ocr_files, API_ING_OCR);
    }
    if (rep->sources_cached) {
        fputs(", ", out);
        COUNT(rep->sources_cached, API_ING_CACHED);
    }
    if (rep->n_warned) {
        fputs(", ", out);
        COUNT(rep->n_warned, API_ING_WARNED);
    }
#undef COUNT
    if (prune && rep->pruned_docs != rep->pruned) {
        char buf[LW_API_LINE_MAX];
        fprintf(out, ": %s", lw_msg_format(buf, sizeof buf, LW_MSG_API_ING_PRUNED_SPLIT, rep->pruned_docs,
                                           rep->pruned - rep->pruned_docs));
    }
    if (debug_stats)
        fprintf(out, "; read %zu files, %zu touched", rep->files_read, rep->touched);
    fputc('\n', out);
    for (size_t i = 0; i < rep->n_failed; i++)
        fprintf(out, "  %s (%s): %s\n", LW_VI(API_ING_FAILED), LW_EN(API_ING_FAILED), rep->failed[i].reason);
    for (size_t i = 0; i < rep->n_warned; i++)
        fprintf(out, "  %s (%s): %s\n", LW_VI(API_ING_WARNED), LW_EN(API_ING_WARNED), rep->warned[i].reason);
    for (size_t i = 0; i < rep->n_skipped && i < LW_API_SKIPPED_SHOWN; i++)
        fprintf(out, "  %s (%s): %s\n", LW_VI(API_ING_SKIPPED), LW_EN(API_ING_SKIPPED), rep->skipped[i].reason);
    if (rep->n_skipped > LW_API_SKIPPED_SHOWN) {
        char buf[LW_API_LINE_MAX];
        fprintf(out, "  %s\n", lw_msg_format(buf, sizeof buf, LW_MSG_API_ING_MORE_SKIPPED,
                                             rep->n_skipped - LW_API_SKIPPED_SHOWN));
    }
    if (rep->n_unrecorded)
        fprintf(out, "  %zu %s (%s)\n", rep->n_unrecorded, LW_VI(API_ING_UNRECORDED), LW_EN(API_ING_UNRECORDED));
    if (ferror(out))
        return lw_api_fail(err, LW_ERR_IO, LW_MSG_FILE_WRITE);
    return LAWWATCH_OK;
}

void lawwatch_ingest_result_free(lawwatch_ingest_result *r)
{
    if (!r)
        return;
    lw_ingest_report_free(&r->rep);
    free(r->database);
    free(r->rules_version);
    free(r);
}

/* The exit status of `lawwatch ingest` for r: 0 ok or nothing to do (skipped files, or
 * LAWWATCH_INGEST_NOWAIT finding another ingest running), 1 a document failed, 2 the
 * ingest could not run or stopped (database, refused prune). lw_cli_ingest.c says the
 * same. */
static int ingest_exit(const lawwatch_ingest_result *r)
{
    if (r->status == LW_ERR_BUSY)
        return 0;
    if (r->status)
        return 2;
    return r->rep.n_failed || r->rep.n_unrecorded ? 1 : 0;
}

/* [{"path", "reason"}] of n problems; NULL when out of memory. */
static json_t *problems_json(const lw_ingest_problem *p, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "path", lw_store_json_text(p[i].path));
        json_object_set_new(o, "reason", lw_store_json_text(p[i].reason));
        json_array_append_new(a, o);
    }
    return a;
}

lawwatch_status lawwatch_ingest_result_write_json(const lawwatch_ingest_result *r, FILE *out, lawwatch_error *err)
{
    const lw_ingest_report *rep = &r->rep;
    unsigned long oom = lw_oom_mark(); /* a key lost on the way (lw_oom) */
    json_t *o = json_object(), *c = json_object();
    json_object_set_new(o, "database", lw_store_json_text(r->database));
    json_object_set_new(o, "rules_version", lw_store_json_text(r->rules_version));
    json_object_set_new(c, "ingested", json_integer((json_int_t)rep->ingested));
    json_object_set_new(c, "unchanged", json_integer((json_int_t)rep->unchanged));
    json_object_set_new(c, "duplicates", json_integer((json_int_t)rep->duplicates));
    json_object_set_new(c, "reextracted", json_integer((json_int_t)rep->reextracted));
    json_object_set_new(c, "pruned", json_integer((json_int_t)rep->pruned));
    json_object_set_new(c, "pruned_documents", json_integer((json_int_t)rep->pruned_docs));
    json_object_set_new(c, "skipped", json_integer((json_int_t)rep->n_skipped));
    json_object_set_new(c, "failed", json_integer((json_int_t)rep->n_failed));
    json_object_set_new(c, "unrecorded", json_integer((json_int_t)rep->n_unrecorded));
    json_object_set_new(c, "sources_read", json_integer((json_int_t)rep->sources_read));
    json_object_set_new(c, "sources_cached", json_integer((json_int_t)rep->sources_cached));
    json_object_set_new(c, "pages_read", json_integer((json_int_t)rep->pages_read));
    json_object_set_new(c, "ocr_files", json_integer((json_int_t)rep->ocr_files));
    json_object_set_new(c, "warnings", json_integer((json_int_t)rep->n_warned));
    json_object_set_new(o, "counts", c);
    json_object_set_new(o, "failed", problems_json(rep->failed, rep->n_failed));
    json_object_set_new(o, "skipped", problems_json(rep->skipped, rep->n_skipped));
    json_object_set_new(o, "warnings", problems_json(rep->warned, rep->n_warned));
    if (r->status) {
        /* why the ingest did not run, or stopped: what a script needs besides the code */
        char buf[sizeof r->error.file + sizeof r->error.msg + LW_API_LINE_MAX];
        json_t *e = json_object();
        json_object_set_new(e, "status", json_string(lw_status_str(r->status)));
        json_object_set_new(e, "message", lw_store_json_text(lw_error_format(&r->error, buf, sizeof buf)));
        json_object_set_new(o, "error", e);
    }
    json_object_set_new(o, "exit", json_integer(ingest_exit(r)));
    char *text = lw_json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text || lw_oom_since(oom)) {
        free(text);
        return LAWWATCH_NOMEM(err);
    }
    fputs(text, out);
    fputc('\n', out);
    free(text);
    if (ferror(out))
        return lw_api_fail(err, LW_ERR_IO, LW_MSG_FILE_WRITE);
    return LAWWATCH_OK;
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
    c.pruned_docs = r->rep.pruned_docs;
    c.files_read = r->rep.files_read;
    c.touched = r->rep.touched;
    c.sources_read = r->rep.sources_read;
    c.sources_cached = r->rep.sources_cached;
    c.pages_read = r->rep.pages_read;
    c.ocr_files = r->rep.ocr_files;
    c.warnings = r->rep.n_warned;
    return c;
}

int lawwatch_ingest_result_problem(const lawwatch_ingest_result *r, lawwatch_problem_kind kind, size_t i,
                                   const char **path, const char **reason)
{
    if (!r)
        return -1;
    const lw_ingest_problem *p = kind == LAWWATCH_PROBLEM_FAILED    ? r->rep.failed
                                 : kind == LAWWATCH_PROBLEM_WARNING ? r->rep.warned
                                                                    : r->rep.skipped;
    size_t n = kind == LAWWATCH_PROBLEM_FAILED    ? r->rep.n_failed
               : kind == LAWWATCH_PROBLEM_WARNING ? r->rep.n_warned
                                                  : r->rep.n_skipped;
    if (i >= n)
        return -1;
    if (path)
        *path = p[i].path;
    if (reason)
        *reason = p[i].reason;
    return 0;
}

