/* lawwatch_review.c: the public check and deadline report (include/lawwatch.h): findings as
 * JSON text (lawwatch_check) or written as the lawwatch command shows them
 * (lawwatch_check_write: review/'s lw_check_render, a table grouped by document or the JSON
 * array), and the report built, counted and written in a format to a stream, a string or a
 * file. */
#include "lawwatch_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_check.h"
#include "lw_check_render.h"
#include "lw_docset.h"
#include "lw_registry.h"
#include "lw_rules.h"
#include "lw_date.h"

/* Room for what the report's temporary file adds to its name: '.', ".XXXXXX" and the NUL. */
#define LW_API_TMP_EXTRA 16
/* The mode of a new report file, whatever the umask: others (a web server) read it. */
#define LW_API_REPORT_MODE 0644

/* ---- check ---- */

static lw_status count_stale(lawwatch_db *db, const lawwatch_engine *eng, long long *n, lw_error *ie);

int lawwatch_check_code_match(const char *pattern, const char *code)
{
    if (!pattern || !code || !*pattern)
        return 0;
    size_t n = strlen(pattern);
    if (!strcmp(pattern, code))
        return 1;
    if (pattern[n - 1] == '.') /* "citation." */
        return !strncmp(code, pattern, n);
    return !strncmp(code, pattern, n) && code[n] == '.'; /* "citation" */
}

/* Every code a finding can have (lw_check.c, lw_check_stale): a --code that names none of
 * them is a typo, which would print a false all-clear. */
static const char *const finding_codes[] = {
    "citation.wrong_date", "citation.symbol_mismatch", "citation.superseded", "citation.missing_amendment",
    "citation.unknown",    "deadline.conflict",        "duty.missing",        "deadline.missing",
    "unit.abolished",      "rules.stale"};

/* LW_OK when each of the n codes names a finding code, else LW_ERR_USAGE naming it. */
static lw_status codes_known(const char *const *codes, size_t n, lw_error *ie)
{
    for (size_t k = 0; k < n; k++) {
        size_t i = 0;
        while (i < sizeof finding_codes / sizeof *finding_codes && !lawwatch_check_code_match(codes[k], finding_codes[i]))
            i++;
        if (i == sizeof finding_codes / sizeof *finding_codes)
            return lw_error_msg(ie, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_API_CHECK_CODE, codes[k] ? codes[k] : "");
    }
    return LW_OK;
}

lawwatch_status lawwatch_check_codes_known(const char *const *codes, size_t n, lawwatch_error *err)
{
    lw_error ie;
    lw_error_clear(&ie);
    return codes_known(codes, n, &ie) ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}

/* Keeps in findings only those whose code one of the n codes names (a new array filled,
 * then swapped in: removing one by one from a large array would move it each time). 0, or
 * -1 when out of memory (findings as they were). */
static int keep_codes(json_t *findings, const char *const *codes, size_t n)
{
    json_t *kept = json_array(), *f;
    size_t i;
    if (!kept)
        return -1;
    json_array_foreach(findings, i, f) {
        const char *code = json_string_value(json_object_get(f, "code"));
        for (size_t k = 0; k < n; k++)
            if (lawwatch_check_code_match(codes[k], code)) {
                if (json_array_append(kept, f)) {
                    json_decref(kept);
                    return -1;
                }
                break;
            }
    }
    int rc = json_array_clear(findings) || json_array_extend(findings, kept) ? -1 : 0;
    json_decref(kept);
    return rc;
}

/* The findings of the stored documents (*findings owned, json_decref): the registry of the
 * rules folder and opt's files over it, a unit that names no issuer refused (it would print
 * a false all-clear), then the checks; *stale (may be NULL) gets the documents extracted by
 * other rules, else (NULL) the "rules.stale" finding goes first in the array when any; only
 * the findings opt->codes names are kept (the stale one too: it has a code like the rest). */
static lw_status run_check(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                           json_t **findings, long long *stale, lw_error *ie)
{
    *findings = NULL;
    lw_check_options o = {0};
    if (opt) {
        o.unit = opt->unit;
        o.year = opt->year;
    }
    lw_registry *reg = NULL;
    /* a finding, an entry or a key lost on the way is noted (lw_oom) and fails the check */
    unsigned long oom = lw_oom_mark();
    lw_status st = opt && opt->n_codes ? codes_known(opt->codes, opt->n_codes, ie) : LW_OK;
    if (!st)
        st = lw_registry_load_dir(eng->rules_dir, &reg, ie);
    for (size_t k = 0; !st && opt && k < opt->n_registries; k++)
        st = lw_registry_add_file(reg, opt->registries[k], ie);
    if (!st)
        st = lw_docset_check_unit(db->store, o.unit, LW_DS_UNITS_ISSUERS, ie);
    if (!st)
        st = lw_check_run(db->store, eng->eng, reg, &o, findings, ie);
    long long n_stale = 0;
    if (!st)
        st = count_stale(db, eng, &n_stale, ie);
    if (stale)
        *stale = n_stale;
    else if (!st && n_stale > 0 && lw_check_stale(*findings, n_stale, lw_store_path(db->store)))
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && opt && opt->n_codes && keep_codes(*findings, opt->codes, opt->n_codes))
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && lw_oom_since(oom))
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_registry_free(reg);
    return st;
}

/* *n = the documents of db whose facts rules other than eng's extracted (0 on error). */
static lw_status count_stale(lawwatch_db *db, const lawwatch_engine *eng, long long *n, lw_error *ie)
{
    long long *ids = NULL;
    size_t k = 0;
    lw_status st = lw_store_stale_ids(db->store, lw_ruleset_version(lw_engine_rules(eng->eng)), 1, &ids, &k, ie);
    free(ids); /* only their number is asked */
    *n = st ? 0 : (long long)k;
    return st;
}

lawwatch_status lawwatch_db_stale_count(lawwatch_db *db, const lawwatch_engine *eng, long long *n,
                                        lawwatch_error *err)
{
    lw_error ie;
    lw_error_clear(&ie);
    return count_stale(db, eng, n, &ie) ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}

lawwatch_status lawwatch_check(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                               char **json, size_t *n_errors, lawwatch_error *err)
{
    *json = NULL;
    if (n_errors)
        *n_errors = 0;
    json_t *findings = NULL;
    lw_error ie;
    lw_error_clear(&ie);
    lw_status st = run_check(db, eng, opt, &findings, NULL, &ie);
    if (!st && !(*json = lw_json_dumps(findings, JSON_INDENT(1))))
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && n_errors)
        *n_errors = lw_check_count(findings, "error");
    json_decref(findings);
    return st ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}

/* What lawwatch_check_write hands each document's findings to (issue 20). */
typedef struct {
    lw_check_writer *w;
    const lawwatch_check_options *opt;
    size_t n_errors;
    lw_error *ie;
} check_stream;

/* One document's findings (or the stale one): only the codes asked for, counted, written. */
static lw_status write_findings(void *ud, json_t *findings)
{
    check_stream *x = ud;
    if (x->opt && x->opt->n_codes && keep_codes(findings, x->opt->codes, x->opt->n_codes))
        return lw_error_msg(x->ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    x->n_errors += lw_check_count(findings, "error");
    return lw_check_writer_add(x->w, findings, x->ie);
}

lawwatch_status lawwatch_check_write(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                                     const lawwatch_view *v, FILE *out, size_t *n_errors, lawwatch_error *err)
{
    if (n_errors)
        *n_errors = 0;
    if (v && v->format != LAWWATCH_FORMAT_TEXT && v->format != LAWWATCH_FORMAT_JSON)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    const char *cwd = v && v->cwd ? v->cwd : "";
    lw_error ie;
    lw_error_clear(&ie);
    lw_check_format cf = v && v->format == LAWWATCH_FORMAT_JSON ? LW_CHECK_JSON : LW_CHECK_TABLE;
    lw_check_options o = {0};
    if (opt) {
        o.unit = opt->unit;
        o.year = opt->year;
    }
    /* issue 20: what run_check does, but each document's findings are written as they come
     * (lw_check_each, lw_check_writer): the run never holds the whole database's */
    lw_registry *reg = NULL;
    lw_check_writer *w = NULL;
    json_t *first = NULL;
    long long stale = 0;
    unsigned long oom = lw_oom_mark(); /* a finding, a key, a line cut short (lw_oom) */
    lw_status st = opt && opt->n_codes ? codes_known(opt->codes, opt->n_codes, &ie) : LW_OK;
    if (!st)
        st = lw_registry_load_dir(eng->rules_dir, &reg, &ie);
    for (size_t k = 0; !st && opt && k < opt->n_registries; k++)
        st = lw_registry_add_file(reg, opt->registries[k], &ie);
    if (!st)
        st = lw_docset_check_unit(db->store, o.unit, LW_DS_UNITS_ISSUERS, &ie);
    if (!st)
        st = count_stale(db, eng, &stale, &ie);
    /* the table says the stale count on a line of its own; JSON has it as the first finding */
    lw_check_render_options ro = {.all_unknown = opt && opt->list_unknown, .color = v && v->color, .cwd = cwd,
                                  .stale = cf == LW_CHECK_TABLE ? stale : 0, .db = lw_store_path(db->store)};
    if (!st)
        st = lw_check_writer_open(cf, &ro, out, &w, &ie);
    check_stream x = {w, opt, 0, &ie};
    if (!st && cf == LW_CHECK_JSON && stale > 0) {
        if (!(first = json_array()) || lw_check_stale(first, stale, lw_store_path(db->store)))
            st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        else
            st = write_findings(&x, first);
    }
    json_decref(first);
    if (!st)
        st = lw_check_each(db->store, eng->eng, reg, &o, write_findings, &x, &ie);
    if (!st && lw_oom_since(oom))
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_registry_free(reg);
    if (st) {
        lw_check_writer_free(w);
        return lw_api_out_error(err, &ie);
    }
    if (lw_check_writer_close(w, &ie) || (lw_oom_since(oom) && lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM)))
        return lw_api_out_error(err, &ie);
    if (n_errors)
        *n_errors = x.n_errors;
    return LAWWATCH_OK;
}

/* ---- report ---- */

struct lawwatch_report {
    lw_report *r;
};

int lawwatch_date_valid(const char *iso)
{
    lw_date d;
    return iso && !lw_date_parse_iso(iso, &d) && lw_date_valid(d);
}

int lawwatch_format_parse(const char *name) { return name ? lw_report_format_parse(name) : -1; }

lawwatch_status lawwatch_report_build(lawwatch_db *db, const lawwatch_engine *eng,
                                      const lawwatch_report_options *opt, lawwatch_report **out,
                                      lawwatch_error *err)
{
    *out = NULL;
    lw_date d;
    if (!opt || !opt->as_of || lw_date_parse_iso(opt->as_of, &d) || !lw_date_valid(d))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_AS_OF);
    if (opt->since && (lw_date_parse_iso(opt->since, &d) || !lw_date_valid(d)))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_SINCE);
    lawwatch_report *r = calloc(1, sizeof *r);
    if (!r)
        return LAWWATCH_NOMEM(err);
    lw_report_options o = {.as_of = opt->as_of, .window = opt->window, .since = opt->since, .all = opt->all,
                           .unit = opt->unit, .english = opt->english, .color = opt->color};
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    if (lw_report_build(db->store, eng->eng, &o, &r->r, &ie)) {
        free(r);
        return lw_api_out_error(err, &ie);
    }
    if (lw_oom_since(oom)) { /* an item may lack a field (lw_oom) */
        lawwatch_report_free(r);
        return LAWWATCH_NOMEM(err);
    }
    /* a unit that matches nothing would say "nothing needs attention": an error naming the
     * nearest units, unless the filter matched an item (the report's own names, such as
     * "Sở Nội vụ tỉnh Hậu Giang" for a plan's "Sở Nội vụ", are not all in the database) */
    size_t nitems = 0;
    for (int st = 0; st < LW_RS_COUNT; st++)
        nitems += lw_report_count(r->r, (lw_report_status)st);
    if (!nitems && lw_docset_check_unit(db->store, opt->unit, LW_DS_UNITS_ISSUERS | LW_DS_UNITS_DUTIES, &ie)) {
        lawwatch_report_free(r);
        return lw_api_out_error(err, &ie);
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
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT);
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    if (lw_report_write(r->r, (lw_report_format)fmt, out, &ie))
        return lw_api_out_error(err, &ie);
    if (lw_oom_since(oom)) /* a line may have been cut short (lw_oom) */
        return LAWWATCH_NOMEM(err);
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
        return LAWWATCH_NOMEM(err);
    lawwatch_status st = lawwatch_report_write(r, fmt, f, err);
    if (fclose(f) && !st)
        st = LAWWATCH_NOMEM(err);
    if (st || !buf) {
        free(buf);
        return st ? st : LAWWATCH_NOMEM(err);
    }
    *text = buf;
    return LAWWATCH_OK;
}

/* The report's temporary file in path's folder: ".NAME.XXXXXX" (owned, free()), made by
 * mkstemp: a name nobody can guess, created O_EXCL with mode 0600, so nothing planted there
 * is followed or overwritten. *fd its descriptor. LW_ERR_IO naming path when it cannot be
 * made (a folder that does not exist said so). */
static lw_status report_tmp(const char *path, char **tmp, int *fd, lw_error *ie)
{
    *tmp = NULL;
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    size_t n = strlen(path) + LW_API_TMP_EXTRA;
    char *t = malloc(n);
    if (!t)
        return lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    snprintf(t, n, "%.*s.%s.XXXXXX", dirlen, path, path + dirlen);
    if ((*fd = mkstemp(t)) < 0) {
        int e = errno;
        free(t);
        if (e == ENOENT || e == ENOTDIR)
            return lw_error_msg(ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_NO_FOLDER);
        return lw_error_msg(ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_OUT, strerror(e));
    }
    fcntl(*fd, F_SETFD, FD_CLOEXEC);
    *tmp = t;
    return LW_OK;
}

/* Flushes path's folder, so that the rename survives a crash (best effort: the report is
 * whole either way). */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    free(dir);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Gives the file of fd the group gid, as the file it replaces had (a report a web server's
 * group reads, mode 0640). Best effort. */
static void keep_group(int fd, gid_t gid)
{
    if (fchown(fd, (uid_t)-1, gid) != 0)
        return; /* not a member of that group: the file keeps ours, its mode as before */
}

lawwatch_status lawwatch_report_write_html_body(const lawwatch_report *r, const lawwatch_report_links *links,
                                                FILE *out, lawwatch_error *err)
{
    lw_report_links none = {0};
    lw_report_links l = links ? (lw_report_links){links->doc_href, links->doc_href_end, links->unit_href,
                                                  links->unit_href_end, links->unit_link_text}
                              : none;
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    if (lw_report_write_html_body(r->r, &l, out, &ie))
        return lw_api_out_error(err, &ie);
    if (lw_oom_since(oom))
        return LAWWATCH_NOMEM(err);
    return LAWWATCH_OK;
}

/* path is a device or a pipe (/dev/null, /dev/stdout, a FIFO): written in place. Renaming
 * a temporary file over it, as for a regular file, would replace the device itself (root
 * may: `report -o /dev/null` left /dev/null a plain file, and every program on the machine
 * writing to it then failed). */
static lawwatch_status report_write_special(const lawwatch_report *r, lawwatch_format fmt, const char *path,
                                            lawwatch_error *err)
{
    lw_error ie;
    lw_error_clear(&ie);
    FILE *f = fopen(path, "wb");
    if (!f) {
        lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_OUT, strerror(errno));
        return lw_api_out_error(err, &ie);
    }
    lw_status st = lw_report_write(r->r, (lw_report_format)fmt, f, &ie);
    if (st)
        snprintf(ie.file, sizeof ie.file, "%s", path);
    if (fclose(f) && !st)
        st = lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_OUT, strerror(errno));
    return st ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}

lawwatch_status lawwatch_report_write_file(const lawwatch_report *r, lawwatch_format fmt, const char *path,
                                           lawwatch_error *err)
{
    if (!format_ok(fmt))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT);
    /* whole or not at all: a temporary file in path's folder (same file system), written,
     * synced, given the mode (and group) of the file it replaces, else 0644 whatever the
     * umask (a web server reads the nightly report), then renamed over path */
    struct stat old;
    if (stat(path, &old) == 0 && !S_ISREG(old.st_mode) && !S_ISDIR(old.st_mode))
        return report_write_special(r, fmt, path, err);
    int had = lstat(path, &old) == 0 && S_ISREG(old.st_mode);
    mode_t mode = had ? old.st_mode & 07777 : LW_API_REPORT_MODE;
    lw_error ie;
    lw_error_clear(&ie);
    char *tmp = NULL;
    int fd = -1;
    if (report_tmp(path, &tmp, &fd, &ie))
        return lw_api_out_error(err, &ie);
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_OUT, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return lw_api_out_error(err, &ie);
    }
    unsigned long oom = lw_oom_mark();
    lw_status st = lw_report_write(r->r, (lw_report_format)fmt, f, &ie);
    if (st)
        snprintf(ie.file, sizeof ie.file, "%s", path);
    else if (lw_oom_since(oom)) /* a line may have been cut short: the file is not replaced */
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && had && old.st_gid != getegid())
        keep_group(fd, old.st_gid);
    if (!st && (fflush(f) || fsync(fd) || fchmod(fd, mode)))
        st = lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_OUT, strerror(errno));
    if (fclose(f) && !st)
        st = lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_OUT, strerror(errno));
    if (!st && rename(tmp, path))
        st = lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_API_REPORT_OUT, strerror(errno));
    if (st)
        unlink(tmp);
    else
        sync_parent(path);
    free(tmp);
    return st ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}
