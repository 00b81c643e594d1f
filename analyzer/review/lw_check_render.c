/* lw_check_render: findings as a table or JSON (see the header). */
#include "lw_check_render.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_check.h"
#include "lw_msg.h"

/* A document's subject in the table is cut near this many bytes: an OCR'd subject can run
 * over a whole paragraph. */
#define LW_CHECK_SUBJECT_MAX 200
/* How many unknown ids the summary line of a document names before "…". */
#define LW_CHECK_SUMMARY_IDS 5
/* The working folder (PATH_MAX of Linux). */
#define LW_CHECK_CWD_MAX 4096
/* The indent of a finding's second and later lines, under its code. */
#define IND "             "

/* Room for the stale-rules sentence and command with the database's name. */
#define LW_CHECK_STALE_MAX 2048

/* "trang 123, " at most, in bytes */
#define LW_CHECK_PAGE_MAX 32

static const char *vi(lw_msg_id id) { return lw_msg_get(id, LW_LANG_VI); }

static const char *str(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static int num(const json_t *o, const char *key) { return (int)json_integer_value(json_object_get(o, key)); }

/* "trang 3, " before a finding's line when it is a PDF's or a scan's (its line is on that
 * page), else ""; in buf. */
static const char *page_of(const json_t *f, char *buf, size_t size)
{
    int page = num(f, "page");
    if (page <= 0)
        return "";
    snprintf(buf, size, "%s %d, ", vi(LW_MSG_CHECK_PAGE), page);
    return buf;
}

static const char *sev_label(const char *s)
{
    if (!strcmp(s, "error"))
        return vi(LW_MSG_CHECK_SEV_ERROR);
    if (!strcmp(s, "warning"))
        return vi(LW_MSG_CHECK_SEV_WARNING);
    return vi(LW_MSG_CHECK_SEV_INFO);
}

static int is_unknown(const json_t *f) { return !strcmp(str(f, "code"), "citation.unknown"); }

static int ocr_suspect(const json_t *f)
{
    return json_is_true(json_object_get(json_object_get(f, "evidence"), "ocr_suspect"));
}

/* s, cut at a word (or at least a character) before max bytes, with "…" when cut. */
static void print_cut(FILE *out, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        fputs(s, out);
        return;
    }
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    size_t w = k;
    while (w > max / 2 && s[w] != ' ')
        w--;
    if (w > max / 2)
        k = w;
    fprintf(out, "%.*s…", (int)k, s);
}

/* The message formats come from the table; tests/unit/test_msg.c checks each pair's
 * conversions, which the compiler cannot do for a table. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* The unknown citations of one document (findings [from, to)): a summary line, or with
 * all set one line each; the ids that look damaged by OCR are counted and marked apart. */
static void print_unknown(FILE *out, const json_t *findings, size_t from, size_t to, int all, int color)
{
    size_t n = 0, n_ocr = 0, shown = 0, i;
    for (i = from; i < to; i++) {
        const json_t *f = json_array_get(findings, i);
        if (!is_unknown(f))
            continue;
        n++;
        n_ocr += ocr_suspect(f);
    }
    if (!n)
        return;
    fprintf(out, "  %s%-15s%s citation.unknown\n" IND, color ? "\033[36m" : "", sev_label("info"),
            color ? "\033[0m" : "");
    fprintf(out, vi(LW_MSG_CHECK_UNKNOWN_N), n);
    if (n_ocr)
        fprintf(out, vi(LW_MSG_CHECK_UNKNOWN_OCR), n_ocr);
    fputs(all ? ":\n" : ": ", out);
    /* the readable ids first: they are the ones worth adding to the registry */
    for (int pass = 0; pass < 2; pass++)
        for (i = from; i < to; i++) {
            const json_t *f = json_array_get(findings, i);
            if (!is_unknown(f) || ocr_suspect(f) != pass)
                continue;
            const json_t *ev = json_object_get(f, "evidence");
            const char *id = str(ev, "id");
            int line = num(f, "line");
            char pb[LW_CHECK_PAGE_MAX];
            const char *pg = page_of(f, pb, sizeof pb);
            if (all) {
                fprintf(out, IND "%s%s %-5d %s", pg, vi(LW_MSG_CHECK_LINE), line, id);
                if (pass)
                    fprintf(out, vi(LW_MSG_CHECK_UNKNOWN_OCR_WHY), str(ev, "ocr_reason"));
                fputc('\n', out);
            } else if (shown < LW_CHECK_SUMMARY_IDS) {
                fprintf(out, "%s%s (%s%s %d%s)", shown ? ", " : "", id, pg, vi(LW_MSG_CHECK_LINE), line,
                        pass ? vi(LW_MSG_CHECK_UNKNOWN_OCR_SHORT) : "");
                shown++;
            }
        }
    if (!all)
        fprintf(out, "%s\n" IND "%s\n", n > shown ? ", …" : "", vi(LW_MSG_CHECK_UNKNOWN_MORE));
}

/* One document's findings, [i, j) of findings. */
static void print_doc(FILE *out, const json_t *findings, size_t i, size_t j, int all_unknown, int color,
                      const char *cwd)
{
    const json_t *f0 = json_array_get(findings, i);
    const char *path = str(f0, "path"), *label = str(f0, "label"), *subject = str(f0, "subject");
    /* the document as reviewers know it, its subject, then where the file is */
    fprintf(out, "%s%s%s\n", color ? "\033[1m" : "", label ? label : lw_path_below(path, cwd), color ? "\033[0m" : "");
    if (label && subject && *subject) {
        fputs("  ", out);
        print_cut(out, subject, LW_CHECK_SUBJECT_MAX);
        fputc('\n', out);
    }
    if (label)
        fprintf(out, "  (%s)\n", lw_path_below(path, cwd));
    const char *line_word = vi(LW_MSG_CHECK_LINE), *see = vi(LW_MSG_CHECK_SEE);
    for (size_t k = i; k < j; k++) {
        const json_t *f = json_array_get(findings, k);
        const char *sev = str(f, "severity"), *code = str(f, "code");
        if (is_unknown(f))
            continue;
        const char *col = !color                  ? ""
                          : !strcmp(sev, "error")   ? "\033[31m"
                          : !strcmp(sev, "warning") ? "\033[33m"
                                                    : "\033[36m";
        char pb[LW_CHECK_PAGE_MAX];
        fprintf(out, "  %s%s %-5d %s%-9s%s %s\n", page_of(f, pb, sizeof pb), line_word, num(f, "line"), col,
                sev_label(sev), color ? "\033[0m" : "", code);
        fprintf(out, IND "%s\n", str(f, "message"));
        const json_t *ev = json_object_get(f, "evidence");
        const char *pp = str(ev, "province_path");
        if (pp) {
            const char *pl = str(ev, "province_label");
            if (pl)
                fprintf(out, IND "%s%s\n", see, pl);
            fprintf(out, IND "%s%s, %s %d%s\n", pl ? "(" : see, lw_path_below(pp, cwd), line_word,
                    num(ev, "province_line"), pl ? ")" : "");
        }
        /* where the fact comes from: the registry entry as reviewers name it, or the
         * ingested document that states it; the file and line after */
        const char *rl = str(ev, "registry_label"), *src = str(ev, "registry_source");
        if (rl) {
            fputs(IND, out);
            fprintf(out, vi(LW_MSG_CHECK_REGISTRY_LABEL), rl);
            fputc('\n', out);
        }
        if (src) {
            fputs(IND, out);
            fprintf(out, vi(LW_MSG_CHECK_REGISTRY_SOURCE), src);
            fputc('\n', out);
        }
        const char *sp = str(ev, "source_path");
        if (sp) {
            const char *sl = str(ev, "source_label");
            fputs(IND, out);
            fprintf(out, vi(LW_MSG_CHECK_PER), sl ? sl : lw_path_below(sp, cwd));
            fprintf(out, "\n" IND "(%s, %s %d)\n", lw_path_below(sp, cwd), line_word, num(ev, "source_line"));
        }
    }
    print_unknown(out, findings, i, j, all_unknown, color);
}

#pragma GCC diagnostic pop

/* o[key] made relative to cwd when it lies below it; -1 when out of memory. */
static int relative_key(json_t *o, const char *key, const char *cwd)
{
    const char *p = str(o, key);
    if (p && *cwd) {
        const char *r = lw_path_below(p, cwd);
        if (r != p && json_object_set_new(o, key, json_string(r)))
            return -1;
    }
    return 0;
}

/* In place: a copy of a large database's findings cost a fifth more than writing them. */
int lw_check_relative_paths(json_t *findings, const char *cwd)
{
    size_t k;
    json_t *f;
    json_array_foreach(findings, k, f) {
        if (relative_key(f, "path", cwd) || relative_key(json_object_get(f, "evidence"), "source_path", cwd))
            return -1;
    }
    return 0;
}

/* jansson's text gathered in a buffer; a failed append is remembered (jansson 2.14 does not
 * look at its callback's answer for an object's keys). */
typedef struct {
    lw_buf b;
    int nomem;
} text_out;

static int text_write(const char *buffer, size_t size, void *data)
{
    text_out *t = data;
    if (t->b.len + size < t->b.cap) { /* the common case: jansson writes a token at a time */
        memcpy(t->b.data + t->b.len, buffer, size);
        t->b.len += size;
        t->b.data[t->b.len] = '\0';
    } else if (lw_buf_append(&t->b, buffer, size)) {
        t->nomem = 1;
    }
    return t->nomem ? -1 : 0;
}

/* ---- the writer: the findings a document at a time (issue 20) ---- */

struct lw_check_writer {
    lw_check_format fmt;
    FILE *out;
    FILE *later;      /* table: the documents whose only findings are unknown citations, written
                         after the others; a temporary file (most documents of a large database
                         are such), else a stream in memory (mem) */
    char *mem;
    size_t memlen;
    int all_unknown, color;
    char cwd[LW_CHECK_CWD_MAX];
    size_t nf, n_unknown, n_ocr, n_docs_unknown, n_error, n_warning, n_info;
    size_t n_added;   /* JSON: pieces of the array written */
};

lw_status lw_check_writer_open(lw_check_format fmt, const lw_check_render_options *opt, FILE *out,
                               lw_check_writer **w, lw_error *err)
{
    *w = NULL;
    if (fmt != LW_CHECK_TABLE && fmt != LW_CHECK_JSON)
        return lw_error_msg(err, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_CHECK_FORMAT, (int)fmt);
    lw_check_writer *x = calloc(1, sizeof *x);
    if (!x)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    x->fmt = fmt;
    x->out = out;
    x->all_unknown = opt && opt->all_unknown;
    x->color = opt && opt->color;
    if (opt && opt->cwd)
        snprintf(x->cwd, sizeof x->cwd, "%s", opt->cwd);
    else if (!getcwd(x->cwd, sizeof x->cwd))
        x->cwd[0] = '\0';
    if (fmt == LW_CHECK_TABLE && opt && opt->stale > 0) { /* findings on old facts: said before them */
        fputs(opt->color ? "\033[1;33m" : "", out);
        fprintf(out, vi(LW_MSG_REPORT_STALE), opt->stale, opt->db ? opt->db : "lawwatch.db");
        fputs(opt->color ? "\033[0m\n\n" : "\n\n", out);
    }
    *w = x;
    return LW_OK;
}

/* Table: one document's findings [0, n) of doc, to out or (only unknown citations) later. */
static lw_status table_add(lw_check_writer *w, const json_t *doc, lw_error *err)
{
    size_t n = json_array_size(doc), real = 0, unknown = 0;
    for (size_t j = 0; j < n; j++) {
        const json_t *f = json_array_get(doc, j);
        const char *sev = str(f, "severity");
        w->n_error += sev && !strcmp(sev, "error");
        w->n_warning += sev && !strcmp(sev, "warning");
        w->n_info += sev && !strcmp(sev, "info");
        if (is_unknown(f)) {
            unknown++;
            w->n_ocr += ocr_suspect(f);
        } else {
            real++;
        }
    }
    w->nf += n;
    w->n_unknown += unknown;
    w->n_docs_unknown += unknown > 0;
    /* the documents with findings first, then those with unknown citations only: a real
     * error must not sit below pages of ids to look up */
    FILE *to = w->out;
    if (!real) {
        if (!w->later && !(w->later = tmpfile()) && !(w->later = open_memstream(&w->mem, &w->memlen)))
            return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_CHECK_WRITE);
        to = w->later;
    }
    print_doc(to, doc, 0, n, w->all_unknown, w->color, w->cwd);
    return ferror(to) ? lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_CHECK_WRITE) : LW_OK;
}

/* JSON: the array's elements as json_dump writes them with JSON_INDENT(1), the brackets
 * left out: "[\n A,\n B\n]" gives "\n A,\n B", and pieces joined by "," make the whole
 * array's text. Paths made relative in piece itself. */
static lw_status json_add(lw_check_writer *w, json_t *piece, lw_error *err)
{
    text_out t = {{0}, 0};
    if (lw_check_relative_paths(piece, w->cwd) || json_dump_callback(piece, text_write, &t, JSON_INDENT(1)) ||
        t.nomem || t.b.len < 3) {
        lw_buf_free(&t.b);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    fputs(w->n_added++ ? "," : "[", w->out);
    fwrite(t.b.data + 1, 1, t.b.len - 3, w->out); /* without "[" and "\n]" */
    lw_buf_free(&t.b);
    return ferror(w->out) ? lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_CHECK_WRITE) : LW_OK;
}

lw_status lw_check_writer_add(lw_check_writer *w, json_t *findings, lw_error *err)
{
    if (!json_array_size(findings))
        return LW_OK;
    return w->fmt == LW_CHECK_TABLE ? table_add(w, findings, err) : json_add(w, findings, err);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* The table's end: the documents kept for later, then the totals. */
static lw_status table_close(lw_check_writer *w, lw_error *err)
{
    FILE *out = w->out;
    if (w->later) {
        char buf[1 << 16];
        size_t k;
        if (fflush(w->later))
            return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_CHECK_WRITE);
        if (w->mem) {
            fwrite(w->mem, 1, w->memlen, out);
        } else {
            rewind(w->later);
            while ((k = fread(buf, 1, sizeof buf, w->later)) > 0)
                fwrite(buf, 1, k, out);
            if (ferror(w->later))
                return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_CHECK_WRITE);
        }
    }
    fputs(w->nf ? "\n" : "", out);
    fprintf(out, vi(LW_MSG_CHECK_SUMMARY), w->nf - w->n_unknown, w->n_error, w->n_warning, w->n_info - w->n_unknown);
    fputc('\n', out);
    if (w->n_unknown) {
        fprintf(out, vi(LW_MSG_CHECK_SUMMARY_UNKNOWN), w->n_unknown, w->n_docs_unknown, w->n_ocr);
        fputc('\n', out);
    }
    return LW_OK;
}
#pragma GCC diagnostic pop

lw_status lw_check_writer_close(lw_check_writer *w, lw_error *err)
{
    if (!w)
        return LW_OK;
    lw_status st = LW_OK;
    if (w->fmt == LW_CHECK_TABLE)
        st = table_close(w, err);
    else
        fputs(w->n_added ? "\n]\n" : "[]\n", w->out);
    if (!st && (fflush(w->out) || ferror(w->out)))
        st = lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_CHECK_WRITE);
    lw_check_writer_free(w);
    return st;
}

void lw_check_writer_free(lw_check_writer *w)
{
    if (!w)
        return;
    if (w->later)
        fclose(w->later);
    free(w->mem);
    free(w);
}

lw_status lw_check_render(json_t *findings, lw_check_format fmt, const lw_check_render_options *opt,
                          FILE *out, lw_error *err)
{
    lw_check_writer *w = NULL;
    lw_status st = lw_check_writer_open(fmt, opt, out, &w, err);
    if (st)
        return st;
    if (fmt == LW_CHECK_JSON) {
        st = lw_check_writer_add(w, findings, err);
    } else {
        /* the table: a document's findings are a run of one id */
        size_t nf = json_array_size(findings);
        for (size_t i = 0; i < nf && !st;) {
            json_int_t id = json_integer_value(json_object_get(json_array_get(findings, i), "id"));
            size_t j = i;
            json_t *doc = json_array();
            while (j < nf && json_integer_value(json_object_get(json_array_get(findings, j), "id")) == id)
                if (!doc || json_array_append(doc, json_array_get(findings, j++)))
                    break;
            st = doc && j > i ? lw_check_writer_add(w, doc, err) : lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
            json_decref(doc);
            i = j;
        }
    }
    if (st) {
        lw_check_writer_free(w);
        return st;
    }
    return lw_check_writer_close(w, err);
}

int lw_check_stale(json_t *findings, long long n, const char *db)
{
    char msg[LW_CHECK_STALE_MAX], cmd[LW_CHECK_STALE_MAX];
    snprintf(msg, sizeof msg, vi(LW_MSG_REPORT_STALE), n, db);
    snprintf(cmd, sizeof cmd, "lawwatch ingest --reextract --db %s", db);
    json_t *f = json_pack("{s:s,s:s,s:s,s:n,s:n,s:n,s:n,s:s,s:{s:I,s:s}}", "code", "rules.stale", "severity", "warning",
                          "path", db, "id", "label", "subject", "line", "message", msg, "evidence", "stale_documents",
                          (json_int_t)n, "command", cmd);
    return !f || json_array_insert_new(findings, 0, f) ? -1 : 0;
}

int lw_check_format_parse(const char *s)
{
    if (s && !strcmp(s, "table"))
        return LW_CHECK_TABLE;
    if (s && !strcmp(s, "json"))
        return LW_CHECK_JSON;
    return -1;
}
