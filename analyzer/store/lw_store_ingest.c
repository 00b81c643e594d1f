/* lw_store_ingest: the driver of an ingest over the store's handle (see the header), under
 * the back end's ingest lock: the list of files from the walk (lw_store_walk), a pool of
 * workers that prepare them (lw_store_prepare) while one writer stores them in batched
 * transactions, the PDFs, images and Word files read after the text files with their
 * sources cached, --reextract, and a prune planned and refused before anything is deleted
 * (lw_store_prune), carried out here. Nothing here knows the back end: it stores through
 * lw_store.h. */
#define _GNU_SOURCE
#include "lw_store_ingest.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lw_duty.h"
#include "lw_file.h"
#include "lw_msg.h"
#include "lw_read.h"
#include "lw_store_ingest_impl.h"
#include "lw_store_prepare.h"
#include "lw_store_prune.h"
#include "lw_store_walk.h"

/* A batch's transaction is committed after this many seconds: a reader sees progress, and a
 * crash loses at most this much work. */
#define LW_STORE_BATCH_S 1.0
/* Documents per transaction when the options say 0. */
#define LW_STORE_BATCH_DEFAULT 200
/* Worker threads at most (--jobs): more only contend for the one writer. */
#define LW_STORE_JOBS_MAX 64
/* Documents the workers may prepare ahead of the writer: this many per worker, plus a floor,
 * so that they run on while a commit writes the batch's full text. */
#define LW_STORE_AHEAD_PER_JOB 4
#define LW_STORE_AHEAD_MIN 64

void lw_ingest_options_default(lw_ingest_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    o->batch = LW_STORE_BATCH_DEFAULT;
    lw_doc_options_default(&o->doc);
}

void lw_ingest_report_free(lw_ingest_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n_skipped; i++) {
        free(rep->skipped[i].path);
        free(rep->skipped[i].reason);
    }
    for (size_t i = 0; i < rep->n_failed; i++) {
        free(rep->failed[i].path);
        free(rep->failed[i].reason);
    }
    for (size_t i = 0; i < rep->n_warned; i++) {
        free(rep->warned[i].path);
        free(rep->warned[i].reason);
    }
    free(rep->skipped);
    free(rep->failed);
    free(rep->warned);
    memset(rep, 0, sizeof *rep);
}

static int cmp_item(const void *a, const void *b)
{
    const lw_store_file *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->arg > y->arg) - (x->arg < y->arg);
}

/* In the order of the PATH arguments, then of the paths: of byte-identical files the one
 * under the first argument is stored first and is the document's path (documents.path),
 * the one reports show (`ingest corpus ../copies` names corpus/x.txt, not ../copies/x.txt). */
static int cmp_item_arg(const void *a, const void *b)
{
    const lw_store_file *x = a, *y = b;
    return x->arg != y->arg ? (x->arg > y->arg) - (x->arg < y->arg) : strcmp(x->path, y->path);
}

/* The workers and the writer: file i of files is prepared in the item ring[i % window],
 * which is free again once the writer has finished file i - window (next stays below
 * written + window). So the items in memory are the window's, whatever the number of
 * files (issue 20: a whole item per file was 17 MB at 100,000 files, twice over while the
 * list was copied). */
typedef struct {
    lw_store_file *files;
    item *ring;       /* window items */
    size_t n;
    size_t next;      /* next item a worker takes */
    size_t written;   /* items the writer has finished */
    size_t window;    /* items at most taken ahead of the writer */
    uint64_t held, held_max; /* bytes (file sizes) of items taken and not yet written; cap */
    int stop;
    const lw_engine *eng;
    const lw_doc_options *dopt;
    pthread_mutex_t mu;
    pthread_cond_t cv_ready, cv_space;
} pool;

/* Moves file i into its item of the ring (emptied by the writer), under p->mu: the writer
 * reads the item's ready flag under it. */
static item *take(pool *p, size_t i)
{
    lw_store_file *f = &p->files[i];
    item *it = &p->ring[i % p->window];
    memset(it, 0, sizeof *it);
    it->path = f->path;
    it->shown = f->shown;
    it->arg = f->arg;
    it->size = f->size;
    it->mtime_ns = f->mtime_ns;
    it->id = f->id;
    if (f->sha)
        memcpy(it->sha, f->sha, sizeof it->sha);
    free(f->sha);
    f->path = f->shown = f->sha = NULL; /* now the item's */
    return it;
}

static void *worker(void *arg)
{
    pool *p = arg;
    lw_matcher *m = lw_matcher_create(lw_engine_rules(p->eng));
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next < p->n &&
               (p->next >= p->written + p->window || (p->held >= p->held_max && p->next > p->written)))
            pthread_cond_wait(&p->cv_space, &p->mu);
        if (p->stop || p->next >= p->n) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        size_t i = p->next++;
        p->held += (uint64_t)p->files[i].size;
        item *it = take(p, i);
        pthread_mutex_unlock(&p->mu);
        lw_store_prepare(it, p->eng, m, p->dopt);
        pthread_mutex_lock(&p->mu);
        it->ready = 1;
        pthread_cond_broadcast(&p->cv_ready);
        pthread_mutex_unlock(&p->mu);
    }
    lw_matcher_free(m);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bytes of files the workers may have read ahead of the writer (lw_store_ingest). */
#define LW_STORE_POOL_HELD (64u * 1024u * 1024u)

/* Text held for doc_text before a commit is forced (a few huge documents in a batch). */
#define LW_STORE_FTS_HELD (32u * 1024u * 1024u)

/* Batched transactions: begin lazily, commit every batch documents or LW_STORE_BATCH_S
 * seconds (or LW_STORE_FTS_HELD bytes of text). */
typedef struct {
    lw_store *s;
    size_t batch, in_batch;
    double started;
    /* the report's counts when the transaction began: a commit that fails (disk full) puts
     * them back, so the summary never counts documents that were not stored */
    lw_ingest_report *rep;
    size_t snap[7];
} txn;

static void txn_snapshot(txn *t, int restore)
{
    lw_ingest_report *r = t->rep;
    if (!r)
        return;
    size_t *v[7] = {&r->ingested, &r->unchanged, &r->touched, &r->reextracted, &r->pruned, &r->duplicates,
                    &r->pruned_docs};
    for (int i = 0; i < 7; i++) {
        if (restore)
            *v[i] = t->snap[i];
        else
            t->snap[i] = *v[i];
    }
}

static lw_status txn_begin(txn *t, lw_error *err)
{
    if (lw_store_in_txn(t->s))
        return LW_OK;
    lw_status st = lw_store_begin(t->s, err);
    if (st)
        return st;
    t->in_batch = 0;
    t->started = now_s();
    txn_snapshot(t, 0);
    return LW_OK;
}

static lw_status txn_commit(txn *t, lw_error *err)
{
    if (!lw_store_in_txn(t->s))
        return LW_OK;
    lw_status st = lw_store_commit(t->s, err);
    if (st)
        txn_snapshot(t, 1);
    return st;
}

static lw_status txn_step(txn *t, lw_error *err)
{
    if (++t->in_batch >= t->batch || now_s() - t->started >= LW_STORE_BATCH_S ||
        lw_store_pending_bytes(t->s) >= LW_STORE_FTS_HELD)
        return txn_commit(t, err);
    return LW_OK;
}

/* The error that stops an ingest while storing a document: it names the database, the
 * document and the back end's words, and says what a full disk leaves behind. */
static lw_status fatal_put(lw_store *s, const char *doc, const lw_error *e, lw_error *err)
{
    const char *why = strstr(e->msg, "): ") ? strstr(e->msg, "): ") + 3 : e->msg;
    int disk = lw_store_failure(s) == 2;
    /* a file's database fails on its disk; a server's (PostgreSQL) on the server or the way to it */
    lw_msg_id hint_id = strcmp(lw_store_backend_name(s), "sqlite") ? LW_MSG_STORE_SERVER_FAILED : LW_MSG_STORE_DISK_FULL;
    char what[LW_STORE_MSG_MAX], hint[LW_STORE_MSG_MAX];
    lw_msg_format(what, sizeof what, LW_MSG_STORE_WRITE_WHILE, doc);
    return lw_error_set(err, e->code == LW_ERR_NOMEM ? LW_ERR_NOMEM : LW_ERR_DB, lw_store_path(s), 0, 0, "%s: %s%s%s",
                        what, why, disk ? "; " : "", disk ? lw_msg_format(hint, sizeof hint, hint_id) : "");
}

static lw_status write_item(lw_store *s, txn *t, item *it, const char *rules_version, lw_ingest_report *rep,
                            lw_error *err)
{
    lw_status st = LW_OK;
    rep->files_read += it->was_read;
    if (it->outcome == R_FAIL && !it->err) {
        char mb[LW_STORE_MSG_MAX];
        lw_ingest_add_problem(rep, &rep->failed, &rep->n_failed, it->shown, "%s: %s", it->shown,
                    lw_msg_format(mb, sizeof mb, LW_MSG_NOMEM));
        return LW_OK;
    }
    if (it->outcome == R_FAIL) {
        lw_ingest_add_failure(rep, it->shown, it->err);
        return LW_OK;
    }
    if (it->outcome == R_SKIP) {
        lw_ingest_add_problem(rep, &rep->skipped, &rep->n_skipped, it->shown, "%s: %s", it->shown, it->err->msg);
        return LW_OK;
    }
    if ((st = txn_begin(t, err)))
        return st;
    if (it->outcome == R_TOUCH) {
        if ((st = lw_store_touch(s, it->path, it->size, it->mtime_ns, err)))
            return st;
        rep->unchanged++;
        rep->touched++;
    } else {
        lw_error e;
        lw_error_clear(&e);
        int dup = 0;
        if (lw_store_put(s, it->doc, it->x, rules_version, it->topic, it->size, it->mtime_ns, &dup, &e)) {
            if (lw_store_failure(s))
                return fatal_put(s, it->shown, &e, err);
            snprintf(e.file, sizeof e.file, "%s", it->shown);
            lw_ingest_add_failure(rep, it->shown, &e);
        } else if (dup) {
            rep->duplicates++;
        } else {
            rep->ingested++;
        }
    }
    return txn_step(t, err);
}

/* ---- PDFs, images, DOCX and ODT (issue 18) ----
 * Their reading is slow (OCR: seconds a page) and runs in a child process that can use
 * threads for the pages (lw_read_options.jobs). The workers only tell them apart (prepare:
 * R_SOURCE); the writer reads them after the text files, one at a time with every job for
 * its pages, so that a scanned PDF uses the cores the text files no longer need, and the
 * text files never wait behind an OCR. What a reader got out of a file is cached by the
 * file's content hash (lw_store_cache_put), so that --reextract and a file seen again never
 * read or OCR it again. */

/* Moves item it (its path and name) to the end of l. -1 when out of memory. */
static int defer(item_list *l, item *it)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        item *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    item *d = &l->v[l->n++];
    *d = *it;
    d->err = NULL;
    d->doc = NULL;
    d->x = NULL;
    it->path = it->shown = NULL; /* now the list's */
    return 0;
}

/* What the pages' progress (called in this thread by the reader's sandbox) adds to the
 * ingest's: the file being read, and the pages read before it. */
typedef struct {
    const lw_ingest_options *opt;
    lw_ingest_progress *pr;
    double t0, last, file_t0;
    uint64_t pages0;   /* pages read before this file */
    double elapsed0;   /* seconds spent reading pages before this file */
} page_ctx;

static void on_pages(void *ud, unsigned done, unsigned total)
{
    page_ctx *c = ud;
    double now = now_s();
    c->pr->file_pages_done = done;
    c->pr->file_pages_total = total;
    c->pr->pages_done = c->pages0 + done;
    c->pr->pages_elapsed = c->elapsed0 + (now - c->file_t0);
    c->pr->elapsed = now - c->t0;
    if (c->opt->progress && (now - c->last >= 0.1 || done == total)) {
        c->opt->progress(c->opt->progress_ud, c->pr);
        c->last = now;
    }
}

static int is_ocr(const lw_source *src)
{
    return src->format == LW_SOURCE_PDF_OCR || src->format == LW_SOURCE_IMAGE_OCR;
}

/* A warning about a document that is stored all the same: "FILE: message". */
static void add_warning(lw_ingest_report *rep, const char *shown, const char *msg)
{
    lw_ingest_add_problem(rep, &rep->warned, &rep->n_warned, shown, "%s: %s", shown, msg);
}

/* The source of original bytes raw (sha: their hash): from the cache, or read by the reader
 * of kind (then cached). A cache row that does not read back is read again, with a warning.
 * Returns LW_OK with *out (owned), or the reader's error (the document fails: *fatal 0), or
 * a database error (*fatal 1: the ingest stops). */
static lw_status get_source(lw_store *s, txn *t, const char *shown, const unsigned char *raw,
                            size_t len, const char *sha, lw_read_kind kind, const lw_read_options *ro, page_ctx *pc,
                            lw_ingest_report *rep, lw_source **out, int *fatal, lw_error *err)
{
    *out = NULL;
    *fatal = 0;
    lw_error ce;
    lw_error_clear(&ce);
    lw_status cs = lw_store_cache_get(s, sha, out, &ce);
    if (cs == LW_ERR_DATA) {
        char mb[LW_STORE_MSG_MAX], line[2 * LW_STORE_MSG_MAX];
        snprintf(line, sizeof line, "%s; %s", ce.msg, lw_msg_format(mb, sizeof mb, LW_MSG_STORE_SOURCE_REREAD));
        add_warning(rep, shown, line);
    } else if (cs) {
        *fatal = 1;
        *err = ce;
        return cs;
    }
    if (*out) {
        rep->sources_cached++;
        return LW_OK;
    }
    lw_read_options o = *ro;
    o.progress = on_pages;
    o.progress_ud = pc;
    pc->file_t0 = now_s();
    lw_status rs = lw_read_source(shown, raw, len, kind, &o, out, err);
    /* the pages this file took (as read, or as the reader said them on the way when it
     * failed), for the pages per second of the next ones */
    unsigned pages = !rs ? (*out)->pages : pc->pr->file_pages_done;
    if (pages) {
        pc->pages0 += pages;
        pc->elapsed0 += now_s() - pc->file_t0;
    }
    pc->pr->pages_done = pc->pages0;
    pc->pr->pages_elapsed = pc->elapsed0;
    pc->pr->file_pages_done = pc->pr->file_pages_total = 0;
    if (rs)
        return rs;
    rep->sources_read++;
    rep->pages_read += (*out)->pages;
    rep->ocr_files += is_ocr(*out);
    lw_status ps = txn_begin(t, &ce);
    if (!ps)
        ps = lw_store_cache_put(s, sha, *out, &ce);
    if (ps && lw_store_failure(s)) {
        lw_source_free(*out);
        *out = NULL;
        *fatal = 1;
        *err = ce;
        return ps;
    }
    if (ps)
        add_warning(rep, shown, ce.msg); /* stored all the same; read again next time */
    return LW_OK;
}

/* Reads, extracts and writes the PDFs, images and Word files prepare set aside, one at a
 * time (see above). */
static lw_status read_sources(lw_store *s, txn *t, const lw_engine *eng, const lw_ingest_options *opt, int jobs,
                              item_list *l, const char *rules_version, page_ctx *pc, lw_ingest_report *rep,
                              lw_error *err)
{
    lw_matcher *m = lw_matcher_create(lw_engine_rules(eng));
    if (!m)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_read_options ro = opt->doc.read;
    ro.jobs = jobs;
    lw_status st = LW_OK;
    for (size_t i = 0; i < l->n && !st; i++) {
        item *it = &l->v[i];
        if (!(it->err = calloc(1, sizeof *it->err))) {
            st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
            break;
        }
        unsigned char *raw = NULL;
        size_t len = 0;
        lw_source *src = NULL;
        int fatal = 0;
        it->outcome = R_FAIL;
        if (!lw_read_file(it->path, &raw, &len, it->err)) {
            char sha[65];
            lw_sha256_hex(raw, len, sha);
            lw_status gs = get_source(s, t, it->shown, raw, len, sha, it->kind, &ro, pc, rep, &src, &fatal, it->err);
            if (gs && fatal) {
                *err = *it->err;
                st = gs;
            } else if (!gs) {
                lw_status ds = lw_doc_from_source(it->path, raw, len, src, &opt->doc, &it->doc, it->err);
                src = NULL; /* taken, even on error */
                if (!ds)
                    lw_store_prepare_finish(it, eng, m, 1, len);
            }
            lw_source_free(src);
            free(raw);
        }
        if (it->outcome == R_FAIL)
            snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        if (!st)
            st = write_item(s, t, it, rules_version, rep, err);
        lw_store_item_clear(it);
        pc->pr->done++;
        double now = now_s();
        pc->pr->elapsed = now - pc->t0;
        if (opt->progress) {
            opt->progress(opt->progress_ud, pc->pr);
            pc->last = now;
        }
    }
    lw_matcher_free(m);
    return st;
}

/* What reextract_all reads of one stored document: its doc and facts made again. */
typedef struct {
    const lw_engine *eng;
    lw_matcher *m;
    char *path;        /* owned */
    int64_t size, mtime;
    lw_doc *doc;       /* owned */
    lw_extraction *x;  /* owned */
    lw_status ds;
    lw_error e;
    /* a PDF, image or Word file: its bytes and hash, copied out of the row, whose source is
     * then taken from the cache (redo_other) */
    unsigned char *raw; /* owned */
    size_t raw_len;
    char sha[65];
    lw_read_kind kind;
} redo;

static void redo_source(void *ud, const lw_store_source *src)
{
    redo *r = ud;
    lw_doc_options dopt;
    lw_doc_options_default(&dopt);
    if (src->encoding && lw_encoding_parse(src->encoding, &dopt.encoding))
        dopt.encoding = LW_ENC_AUTO;
    r->size = src->size;
    r->mtime = src->mtime_ns;
    if (!(r->path = strdup(src->path))) {
        r->ds = lw_error_msg(&r->e, LW_ERR_NOMEM, src->path, 0, 0, LW_MSG_NOMEM);
        return;
    }
    r->kind = lw_read_sniff(src->raw, src->raw_len);
    if (r->kind != LW_KIND_TEXT) {
        /* read after this callback: the cache is another statement of the connection */
        if (!(r->raw = malloc(src->raw_len ? src->raw_len : 1))) {
            r->ds = lw_error_msg(&r->e, LW_ERR_NOMEM, src->path, 0, 0, LW_MSG_NOMEM);
            return;
        }
        memcpy(r->raw, src->raw, src->raw_len);
        r->raw_len = src->raw_len;
        if (src->sha256 && strlen(src->sha256) == 64)
            memcpy(r->sha, src->sha256, 65);
        else
            lw_sha256_hex(r->raw, r->raw_len, r->sha);
        return;
    }
    r->ds = lw_doc_from_bytes(r->path, src->raw, src->raw_len, &dopt, &r->doc, &r->e);
    if (!r->ds) {
        size_t tlen;
        const char *text = lw_doc_text(r->doc, &tlen);
        r->ds = lw_extract(lw_engine_rules(r->eng), lw_engine_lexicon(r->eng), r->m, text, tlen, NULL, &r->x, &r->e);
    }
}

/* A stored PDF, image or Word file made again from its cached source (read again, with a
 * warning, only when the cache has no good row for it). Returns a database error (stop);
 * the document's own problems are in r->ds. */
static lw_status redo_other(lw_store *s, txn *t, redo *r, const lw_read_options *ro, page_ctx *pc,
                            lw_ingest_report *rep, lw_error *err)
{
    lw_source *src = NULL;
    int fatal = 0;
    lw_doc_options dopt;
    lw_doc_options_default(&dopt);
    dopt.read = *ro;
    r->ds = get_source(s, t, r->path, r->raw, r->raw_len, r->sha, r->kind, ro, pc, rep, &src, &fatal, &r->e);
    if (r->ds && fatal) {
        *err = r->e;
        return r->ds;
    }
    if (r->ds)
        return LW_OK;
    r->ds = lw_doc_from_source(r->path, r->raw, r->raw_len, src, &dopt, &r->doc, &r->e);
    if (!r->ds) {
        size_t tlen;
        const char *text = lw_doc_text(r->doc, &tlen);
        r->ds = lw_extract(lw_engine_rules(r->eng), lw_engine_lexicon(r->eng), r->m, text, tlen, NULL, &r->x, &r->e);
    }
    return LW_OK;
}

static lw_status reextract_all(lw_store *s, txn *t, const lw_engine *eng, const char *rules_version, int all,
                               const lw_read_options *ro, page_ctx *pc, lw_ingest_report *rep, lw_error *err)
{
    /* ids first: the writes below must not run under an open cursor over the same rows */
    long long *ids = NULL;
    size_t n = 0;
    lw_status st = lw_store_stale_ids(s, rules_version, all, &ids, &n, err);
    if (st || !n)
        return st;
    lw_matcher *m = lw_matcher_create(lw_engine_rules(eng));
    if (!m) {
        free(ids);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    for (size_t i = 0; i < n && !st; i++) {
        redo r = {eng, m, NULL, 0, 0, NULL, NULL, LW_OK, {0}, NULL, 0, "", LW_KIND_TEXT};
        lw_error_clear(&r.e);
        if ((st = lw_store_read_source(s, ids[i], redo_source, &r, err)))
            break;
        if (!r.path && !r.ds)
            continue; /* gone meanwhile */
        if (r.raw && !r.ds && (st = redo_other(s, t, &r, ro, pc, rep, err))) {
            free(r.raw);
            free(r.path);
            break;
        }
        free(r.raw);
        lw_status ds = r.ds;
        if (!ds && !(st = txn_begin(t, err))) {
            ds = lw_store_put(s, r.doc, r.x, rules_version, lw_store_subject_topic(eng, m, r.x), r.size, r.mtime, NULL,
                              &r.e);
            if (ds && lw_store_failure(s))
                st = fatal_put(s, r.path, &r.e, err);
            if (!ds) {
                rep->reextracted++;
                st = txn_step(t, err);
            }
        }
        if (ds && !st)
            lw_ingest_add_failure(rep, r.path ? r.path : "?", &r.e);
        lw_extraction_free(r.x);
        lw_doc_free(r.doc);
        free(r.path);
    }
    lw_matcher_free(m);
    free(ids);
    return st;
}

/* The documents an upgrade left unclassified (lw_store_each_topic_todo): id and subject. */
typedef struct {
    long long *ids;
    char **subjects; /* owned; NULL for a document without a subject */
    size_t n, cap;
    int nomem;
} todo_list;

static int collect_todo(void *ud, const lw_store_doc_row *r)
{
    todo_list *l = ud;
    if (l->n == l->cap) {
        size_t c2 = l->cap ? l->cap * 2 : 256;
        long long *ids = realloc(l->ids, c2 * sizeof *ids);
        if (ids)
            l->ids = ids;
        char **subj = ids ? realloc(l->subjects, c2 * sizeof *subj) : NULL;
        if (!subj)
            return l->nomem = 1;
        l->subjects = subj;
        l->cap = c2;
    }
    l->ids[l->n] = r->id;
    if (!(l->subjects[l->n] = r->subject ? strdup(r->subject) : NULL) && r->subject)
        return l->nomem = 1;
    l->n++;
    return 0;
}

/* Classifies the topic of every document the upgrade to schema 5 left unclassified. */
static lw_status classify_topics(lw_store *s, txn *t, const lw_engine *eng, lw_error *err)
{
    todo_list l = {0};
    lw_status st = lw_store_each_topic_todo(s, collect_todo, &l, err);
    if (!st && l.nomem)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_matcher *m = !st && l.n ? lw_matcher_create(lw_engine_rules(eng)) : NULL;
    if (!st && l.n && !m)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < l.n && !st; i++) {
        const char *subj = l.subjects[i];
        const char *topic = subj ? lw_duty_topic(lw_engine_rules(eng), m, subj, strlen(subj), NULL) : NULL;
        if (!(st = txn_begin(t, err)) && !(st = lw_store_set_topic(s, l.ids[i], topic, err)))
            st = txn_step(t, err);
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.subjects[i]);
    free(l.subjects);
    free(l.ids);
    lw_matcher_free(m);
    return st;
}

/* Carries out a plan (freed here): prune all the gone paths or none, a partial prune would
 * look complete. */
static lw_status prune(lw_store *s, txn *t, lw_store_prune_plan *g, lw_ingest_report *rep, lw_error *err)
{
    lw_status st = LW_OK;
    for (size_t i = 0; i < g->n && !st; i++) {
        if (!(st = txn_begin(t, err))) {
            int r = lw_store_delete_path(s, g->v[i], err);
            if (r < 0)
                st = LW_ERR_DB;
            else if (r > 0) {
                rep->pruned++;
                rep->pruned_docs += r == 2;
                st = txn_step(t, err);
            }
        }
    }
    lw_store_prune_plan_free(g);
    return st;
}

static lw_status ingest_locked(lw_store *s, const lw_engine *eng, const char *const *paths, size_t npaths,
                               const lw_ingest_options *opt, lw_ingest_report *rep, lw_error *err);

lw_status lw_store_ingest(lw_store *s, const lw_engine *eng, const char *const *paths, size_t npaths,
                          const lw_ingest_options *opt, lw_ingest_report *rep, lw_error *err)
{
    lw_ingest_options def;
    if (!opt) {
        lw_ingest_options_default(&def);
        opt = &def;
    }
    memset(rep, 0, sizeof *rep);
    if (opt->prune_max_percent < 0 || opt->prune_max_percent > 100)
        return lw_error_msg(err, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_STORE_PRUNE_SHARE, opt->prune_max_percent);
    /* one ingest at a time: held until the end, so that a second one waits (or, nowait,
     * is told at once) instead of doing all the work again beside the first */
    lw_status lst = lw_store_lock(s, !opt->nowait, err);
    if (lst)
        return lst;
    lst = ingest_locked(s, eng, paths, npaths, opt, rep, err);
    lw_store_unlock(s);
    return lst;
}

static lw_status ingest_locked(lw_store *s, const lw_engine *eng, const char *const *paths, size_t npaths,
                               const lw_ingest_options *opt, lw_ingest_report *rep, lw_error *err)
{
    lw_store_prune_plan plan = {0};
    if (opt->prune) {
        /* refused before any work: nothing is stored nor deleted */
        lw_status pst = lw_store_prune_paths_ok(paths, npaths, err);
        if (!pst)
            pst = lw_store_prune_plan_make(s, opt, paths, npaths, &plan, err);
        if (pst)
            return pst;
        lw_store_prune_plan_free(&plan); /* made again after the ingest: files may have come back */
    }
    lw_store_own_files own = {{{0}}, 0};
    if (lw_store_files(s, lw_store_walk_add_own, &own) < 0)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < opt->n_own_files; i++)
        if (opt->own_files[i])
            lw_store_walk_add_own(&own, opt->own_files[i]);
    const char *rules_version = lw_ruleset_version(lw_engine_rules(eng));
    file_list l = {0};
    lw_store_walk_paths(paths, npaths, opt->follow_symlinks, &own, &l, rep);
    /* one entry per file, in path order */
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_item);
    size_t w = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (w && !strcmp(l.v[w - 1].path, l.v[i].path)) {
            free(l.v[i].path);
            continue;
        }
        l.v[w++] = l.v[i];
    }
    l.n = w;
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_item_arg);

    lw_ingest_progress pr = {.total = l.n};
    double t0 = now_s(), last = 0;
    lw_status st = LW_OK;
    /* unchanged files: a stat (done) and a lookup; the others are kept in place, in order
     * (a second array of them was the peak of a large ingest) */
    lw_store_file *work = l.v;
    size_t nwork = 0, i = 0;
    for (; i < l.n && !st; i++) {
        lw_store_file f = l.v[i];
        int64_t size = 0, mtime = 0;
        char sha[65] = "";
        if ((st = lw_store_lookup(s, f.path, &f.id, &size, &mtime, sha, err)))
            break;
        if (f.id && size == f.size && mtime == f.mtime_ns) {
            rep->unchanged++;
            pr.done++;
            free(f.path);
            continue;
        }
        if (f.id && !(f.sha = strdup(sha))) {
            st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
            break;
        }
        work[nwork++] = f;
    }
    if (st) {
        /* kept: work[0..nwork); not yet looked up: l.v[i..n) */
        for (size_t k = 0; k < nwork; k++) {
            free(work[k].path);
            free(work[k].sha);
        }
        for (size_t k = i; k < l.n; k++) {
            free(l.v[k].path);
        }
        nwork = 0;
    }
    /* the array doubled as the walk grew it, and the unchanged files have left it: the rest
     * is given back before the documents are read, the longest part (issue 20) */
    if (!st && nwork && nwork < l.cap) {
        lw_store_file *v = realloc(l.v, nwork * sizeof *v);
        if (v)
            l.v = work = v;
    }
    if (opt->progress && !st)
        opt->progress(opt->progress_ud, &pr);

    txn t = {s, opt->batch ? opt->batch : LW_STORE_BATCH_DEFAULT, 0, 0, rep, {0}};
    int jobs = opt->jobs < 1 ? 1 : opt->jobs > LW_STORE_JOBS_MAX ? LW_STORE_JOBS_MAX : opt->jobs;
    /* The window lets the workers run on while the writer commits a batch (the batch's
     * full-text rows are written then, a tenth of a second or more) instead of stalling
     * after a few documents; the byte cap keeps big documents from piling up in memory. */
    size_t window = (size_t)jobs * LW_STORE_AHEAD_PER_JOB + LW_STORE_AHEAD_MIN;
    pool p = {work, NULL, nwork, 0, 0, window, 0, LW_STORE_POOL_HELD, 0, eng, &opt->doc,
              PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
    if (nwork && !(p.ring = calloc(window, sizeof *p.ring))) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        for (size_t k = 0; k < nwork; k++) {
            free(work[k].path);
            free(work[k].sha);
        }
        nwork = p.n = 0;
    }
    pthread_t th[LW_STORE_JOBS_MAX];
    int nth = 0;
    item_list later = {0}; /* the PDFs, images and Word files, read after the others */
    lw_matcher *m = NULL;
    if (jobs > 1 && nwork > 1) {
        for (int k = 0; k < jobs; k++)
            if (pthread_create(&th[nth], NULL, worker, &p) == 0)
                nth++;
    }
    if (!nth)
        m = lw_matcher_create(lw_engine_rules(eng));
    for (i = 0; i < nwork && !st; i++) {
        item *it = &p.ring[i % window];
        if (nth) {
            pthread_mutex_lock(&p.mu);
            while (!it->ready)
                pthread_cond_wait(&p.cv_ready, &p.mu);
            pthread_mutex_unlock(&p.mu);
        } else {
            p.next = i + 1;
            take(&p, i);
            lw_store_prepare(it, eng, m, &opt->doc);
        }
        if (it->outcome == R_SOURCE) {
            /* read after the text files, with every job for its pages */
            if (defer(&later, it))
                st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        } else {
            st = write_item(s, &t, it, rules_version, rep, err);
            pr.done++;
        }
        pr.bytes += (uint64_t)it->size;
        uint64_t size = (uint64_t)it->size;
        lw_store_item_clear(it);
        free(it->err);
        free(it->path); /* NULL when deferred: later's */
        it->err = NULL;
        it->path = it->shown = NULL;
        pthread_mutex_lock(&p.mu);
        it->ready = 0; /* the slot is free for file i + window */
        p.written = i + 1;
        if (nth)
            p.held -= size;
        pthread_cond_broadcast(&p.cv_space);
        pthread_mutex_unlock(&p.mu);
        double now = now_s();
        if (opt->progress && (now - last >= 0.1 || i + 1 == nwork)) {
            pr.elapsed = now - t0;
            opt->progress(opt->progress_ud, &pr);
            last = now;
        }
    }
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv_space);
    pthread_mutex_unlock(&p.mu);
    for (int k = 0; k < nth; k++)
        pthread_join(th[k], NULL);
    /* after a stop: the items taken and not written, the files not taken */
    for (size_t k = 0; p.ring && k < window; k++) {
        lw_store_item_clear(&p.ring[k]);
        free(p.ring[k].err);
        free(p.ring[k].path);
    }
    for (size_t k = 0; k < nwork; k++) {
        free(work[k].path);
        free(work[k].sha);
    }
    free(p.ring);
    free(l.v);
    lw_matcher_free(m);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv_ready);
    pthread_cond_destroy(&p.cv_space);

    if (!st && later.n) {
        page_ctx pc = {opt, &pr, t0, last, 0, 0, 0};
        st = read_sources(s, &t, eng, opt, jobs, &later, rules_version, &pc, rep, err);
    }
    for (size_t k = 0; k < later.n; k++) {
        lw_store_item_clear(&later.v[k]);
        free(later.v[k].err);
        free(later.v[k].path);
    }
    free(later.v);

    if (!st)
        st = classify_topics(s, &t, eng, err);
    if (!st) {
        page_ctx pc = {opt, &pr, t0, last, 0, 0, 0};
        lw_read_options ro = opt->doc.read;
        ro.jobs = jobs;
        st = reextract_all(s, &t, eng, rules_version, opt->reextract, &ro, &pc, rep, err);
    }
    if (!st && opt->prune && !(st = lw_store_prune_plan_make(s, opt, paths, npaths, &plan, err)))
        st = prune(s, &t, &plan, rep, err);
    if (!st)
        st = txn_commit(&t, err);
    else if (lw_store_in_txn(s)) {
        /* keep what the finished documents wrote; the failed one was rolled back */
        lw_error e2;
        txn_commit(&t, &e2);
    }
    return st;
}

