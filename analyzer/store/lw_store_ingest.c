/* lw_store_ingest: walk, worker pool and batched transactions over the store's handle (see
 * the header), under the back end's ingest lock; what is a document (is_document), links
 * kept inside the folders given, and a prune planned and refused before anything is
 * deleted. Nothing here knows the back end: it stores through lw_store.h. */
#define _GNU_SOURCE
#include "lw_store_ingest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lw_duty.h"
#include "lw_file.h"
#include "lw_msg.h"
#include "lw_read.h"

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

/* Records a problem in list; one that memory runs out to record is still counted
 * (rep->n_unrecorded), so the summary and the exit status never hide it. */
static void add_problem(lw_ingest_report *rep, lw_ingest_problem **list, size_t *n, const char *path,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_problem(lw_ingest_report *rep, lw_ingest_problem **list, size_t *n, const char *path,
                        const char *fmt, ...)
{
    lw_ingest_problem *p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p) {
        rep->n_unrecorded++;
        return;
    }
    *list = p;
    va_list ap;
    va_start(ap, fmt);
    char *reason = NULL;
    if (vasprintf(&reason, fmt, ap) < 0)
        reason = NULL;
    va_end(ap);
    char *copy = strdup(path);
    if (!reason || !copy) {
        free(reason);
        free(copy);
        rep->n_unrecorded++;
        return;
    }
    p[*n].path = copy;
    p[*n].reason = reason;
    (*n)++;
}

/* A formatted error: its file (PATH_MAX at most in practice), place and message. */
#define LW_STORE_ERROR_TEXT_MAX 2400

static void add_failure(lw_ingest_report *rep, const char *path, const lw_error *e)
{
    char buf[LW_STORE_ERROR_TEXT_MAX];
    lw_error copy = *e;
    if (!copy.file[0])
        snprintf(copy.file, sizeof copy.file, "%s", path);
    add_problem(rep, &rep->failed, &rep->n_failed, path, "%s", lw_error_format(&copy, buf, sizeof buf));
}

typedef struct {
    char *path;    /* absolute: the key in doc_paths */
    char *shown;   /* as the user would name it (argument + relative part) */
    size_t arg;    /* index of the PATH argument it was found under */
    int64_t size, mtime_ns;
    /* stored state */
    long long id;
    char sha[65];
    /* result of prepare */
    int ready;
    int was_read;  /* the file's bytes were read */
    /* R_SKIP: err.msg says why; R_SOURCE: a PDF, image, DOCX or ODT (kind), read after the
     * text files by the writer, one at a time with every job for its pages (read_sources) */
    enum { R_STORE, R_TOUCH, R_FAIL, R_SKIP, R_SOURCE } outcome;
    lw_read_kind kind;
    lw_doc *doc;
    lw_extraction *x;
    const char *topic; /* of the subject (lw_duty_topic), borrowed from the rules; may be NULL */
    /* made by prepare, freed once written: one per file in the list would be 2 KB a file,
     * 40 MB of a 20000-file ingest, while only the documents in flight need one */
    lw_error *err;
} item;

typedef struct {
    item *v;
    size_t n, cap;
    size_t arg; /* the PATH argument being walked */
} item_list;

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int has_txt_ext(const char *p)
{
    size_t n = strlen(p);
    return n > 4 && !strcasecmp(p + n - 4, ".txt");
}

/* Bytes of a file's head that tell a format other than plain text: %PDF- may come after up
 * to 1 KB of junk (lw_read_sniff), the other magics at the start. */
#define LW_HEAD_BYTES 1100

/* Could the file at path be a document by its content though its name is not *.txt: a PDF,
 * an image, a ZIP (DOCX, ODT: told apart once read whole) or an OLE2 file (.doc, which
 * fails with its message)? Reads the head only, so that a folder's other files (README.md,
 * SOURCES.tsv, a video) cost one small read a night. */
static int head_is_other_format(const char *path)
{
    unsigned char b[LW_HEAD_BYTES];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0; /* as before issue 18: a file not named .txt that cannot be read is skipped */
    ssize_t n = read(fd, b, sizeof b);
    close(fd);
    if (n <= 0)
        return 0;
    lw_read_kind k = lw_read_sniff(b, (size_t)n);
    /* a ZIP's directory is at its end: its head alone may not say DOCX */
    return (k != LW_KIND_TEXT && k != LW_KIND_OTHER) || (n >= 4 && !memcmp(b, "PK\x03\x04", 4));
}

/* Is this file a document that ingest stores? The one place that decides, asked twice of a
 * file. Before reading it (read_err NULL), from its kind, name and head: plain text is a
 * document when named *.txt, a PDF, image, DOCX, ODT or .doc by its content whatever its
 * name (issue 18). After reading it, from what reading found (read_err LW_ERR_BINARY: bytes
 * that are not text). Returns 1 for a document; else 0 with *why, the message saying why
 * not (LW_MSG_COUNT when read_err's own message says it). What is not a document is
 * skipped: nothing to do about it, unlike a document that fails (a .doc fails: a person
 * must save it as .docx). */
static int is_document(const char *name, const struct stat *st, const lw_error *read_err, lw_msg_id *why)
{
    *why = LW_MSG_COUNT;
    if (read_err)
        return read_err->code != LW_ERR_BINARY;
    if (!S_ISREG(st->st_mode))
        return *why = LW_MSG_STORE_NOT_REGULAR, 0;
    if (!has_txt_ext(name) && !head_is_other_format(name))
        return *why = LW_MSG_STORE_NOT_TXT, 0;
    return 1;
}

/* A file or folder by its device and inode: the database's own files, the folders on the
 * way down (a loop through a followed link comes back to one of them). */
typedef struct {
    dev_t dev;
    ino_t ino;
} file_id;

/* Folder levels below a PATH argument that ingest walks. */
#define LW_WALK_DEPTH 64
/* The files of the database that can lie in a folder ingested: itself, -wal, -shm,
 * -journal, the lock file, a backup. */
#define LW_OWN_FILES_MAX 8

/* What a walk knows while it goes down one PATH argument. */
typedef struct {
    item_list *l;
    lw_ingest_report *rep;
    int follow;           /* follow symbolic links out of the folder and into linked folders */
    const char *arg;      /* the PATH argument as given, for messages */
    const char *root;     /* its realpath: a link whose target is outside is not followed */
    const file_id *own;   /* the database's files, never read as documents */
    size_t n_own;
    file_id up[LW_WALK_DEPTH + 1]; /* the folders on the way down, the argument first */
    int n_up;
} walker;

static int is_own(const walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->n_own; i++)
        if (w->own[i].dev == st->st_dev && w->own[i].ino == st->st_ino)
            return 1;
    return 0;
}

/* True when the resolved path rp is root or below it. */
static int is_below(const char *rp, const char *root)
{
    size_t n = strlen(root);
    if (strncmp(rp, root, n))
        return 0;
    return rp[n] == '\0' || rp[n] == '/' || (n && root[n - 1] == '/');
}

static void add_skip(lw_ingest_report *rep, const char *shown, lw_msg_id why, ...)
{
    char mb[LW_STORE_MSG_MAX];
    va_list ap;
    va_start(ap, why);
    lw_msg_vformat(mb, sizeof mb, why, ap);
    va_end(ap);
    add_problem(rep, &rep->skipped, &rep->n_skipped, shown, "%s: %s", shown, mb);
}

/* Lists one file found (st: what it is, links followed) unless it is not a document or
 * the database's own; abs is its resolved path when known (owned: taken), else NULL. */
static void add_file(walker *w, const char *shown, const struct stat *st, char *abs)
{
    item_list *l = w->l;
    lw_ingest_report *rep = w->rep;
    lw_msg_id why;
    if (is_own(w, st)) {
        /* read and closed, its descriptor would drop SQLite's locks on it (POSIX locks) */
        add_skip(rep, shown, LW_MSG_STORE_OWN_FILE);
        free(abs);
        return;
    }
    if (!is_document(shown, st, NULL, &why)) {
        add_skip(rep, shown, why);
        free(abs);
        return;
    }
    if (!abs && !(abs = realpath(shown, NULL))) {
        lw_error e;
        lw_error_msg(&e, LW_ERR_IO, shown, 0, 0, LW_MSG_STORE_PATH_RESOLVE, strerror(errno));
        add_failure(rep, shown, &e);
        return;
    }
    char *copy = strdup(shown);
    if (l->n == l->cap || !copy) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        item *v = copy ? realloc(l->v, cap * sizeof *v) : NULL;
        if (!v) {
            /* nothing is dropped silently, not even for want of memory */
            lw_error e;
            lw_error_msg(&e, LW_ERR_NOMEM, shown, 0, 0, LW_MSG_STORE_NOT_READ_NOMEM);
            add_failure(rep, shown, &e);
            free(copy);
            free(abs);
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    it->path = abs;
    it->shown = copy;
    it->arg = l->arg;
    it->size = st->st_size;
    it->mtime_ns = mtime_of(st);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(walker *w, const char *dir, const struct stat *dst);

/* Walks the folder p (st: the folder, links followed) below the current one, unless it is
 * too deep or one of the folders on the way (a loop through a followed link). */
static void walk_below(walker *w, const char *p, const struct stat *st)
{
    if (w->n_up > LW_WALK_DEPTH) {
        add_skip(w->rep, p, LW_MSG_STORE_TOO_DEEP, LW_WALK_DEPTH);
        return;
    }
    for (int k = 0; k < w->n_up; k++)
        if (w->up[k].dev == st->st_dev && w->up[k].ino == st->st_ino) {
            add_skip(w->rep, p, LW_MSG_STORE_FOLDER_LOOP);
            return;
        }
    walk(w, p, st);
}

/* One entry p of a folder being walked. Nothing is dropped silently: what is not walked or
 * read is reported. A symbolic link is followed only when its target stays inside the PATH
 * argument (a file; a folder is not walked) or with follow; broken links and link loops
 * are skipped. */
static void walk_entry(walker *w, const char *p)
{
    struct stat st, lst;
    if (lstat(p, &lst) != 0) {
        lw_error e;
        lw_error_msg(&e, LW_ERR_IO, p, 0, 0, LW_MSG_STORE_DIR_ENTRY, strerror(errno));
        add_failure(w->rep, p, &e);
        return;
    }
    if (!S_ISLNK(lst.st_mode)) {
        if (S_ISDIR(lst.st_mode))
            walk_below(w, p, &lst);
        else
            add_file(w, p, &lst, NULL);
        return;
    }
    if (stat(p, &st) != 0) {
        int e = errno;
        char mb[LW_STORE_MSG_MAX];
        add_problem(w->rep, &w->rep->skipped, &w->rep->n_skipped, p, "%s: %s: %s", p,
                    lw_msg_format(mb, sizeof mb, LW_MSG_STORE_BROKEN_LINK), strerror(e));
        return;
    }
    if (w->follow) {
        if (S_ISDIR(st.st_mode))
            walk_below(w, p, &st);
        else
            add_file(w, p, &st, NULL);
        return;
    }
    char *rp = realpath(p, NULL);
    if (!rp) {
        lw_error e;
        lw_error_msg(&e, LW_ERR_IO, p, 0, 0, LW_MSG_STORE_PATH_RESOLVE, strerror(errno));
        add_failure(w->rep, p, &e);
    } else if (!is_below(rp, w->root)) {
        /* the link would take a file from elsewhere (link.txt -> /etc/...) into a database
         * reviewers read: not without --follow-symlinks */
        add_skip(w->rep, p, LW_MSG_STORE_LINK_OUTSIDE, w->arg);
        free(rp);
    } else if (S_ISDIR(st.st_mode)) {
        add_skip(w->rep, p, LW_MSG_STORE_LINK_TO_FOLDER);
        free(rp);
    } else {
        add_file(w, p, &st, rp);
    }
}

/* Walks dir (dst: its stat) recursively in name order; hidden entries (.git, .cache) are
 * left out silently. */
static void walk(walker *w, const char *dir, const struct stat *dst)
{
    lw_ingest_report *rep = w->rep;
    DIR *d = opendir(dir);
    if (!d) {
        lw_error e;
        lw_error_msg(&e, LW_ERR_IO, dir, 0, 0, LW_MSG_STORE_DIR_OPEN, strerror(errno));
        add_failure(rep, dir, &e);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int nomem = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 64;
            char **p = realloc(names, c2 * sizeof *p);
            if (!p) {
                nomem = 1;
                break;
            }
            names = p;
            cap = c2;
        }
        if (!(names[n] = strdup(de->d_name))) {
            nomem = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (nomem) {
        /* the folder is reported, not walked in part: a half-read folder would look complete */
        lw_error e;
        lw_error_msg(&e, LW_ERR_NOMEM, dir, 0, 0, LW_MSG_STORE_FOLDER_NOMEM);
        add_failure(rep, dir, &e);
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_name);
    w->up[w->n_up].dev = dst->st_dev;
    w->up[w->n_up].ino = dst->st_ino;
    w->n_up++;
    size_t dl = strlen(dir);
    for (size_t i = 0; i < n; i++) {
        char *p = malloc(dl + strlen(names[i]) + 2);
        if (p) {
            sprintf(p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]);
            walk_entry(w, p);
            free(p);
        } else {
            lw_error e;
            lw_error_msg(&e, LW_ERR_NOMEM, dir, 0, 0, LW_MSG_STORE_FOLDER_NOMEM);
            add_failure(rep, dir, &e);
        }
        free(names[i]);
    }
    w->n_up--;
    free(names);
}

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->arg > y->arg) - (x->arg < y->arg);
}

/* In the order of the PATH arguments, then of the paths: of byte-identical files the one
 * under the first argument is stored first and is the document's path (documents.path),
 * the one reports show (`ingest corpus ../copies` names corpus/x.txt, not ../copies/x.txt). */
static int cmp_item_arg(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return x->arg != y->arg ? (x->arg > y->arg) - (x->arg < y->arg) : strcmp(x->path, y->path);
}

static void item_clear(item *it)
{
    lw_extraction_free(it->x);
    lw_doc_free(it->doc);
    it->x = NULL;
    it->doc = NULL;
}

/* The duty topic of the document's subject ("Kế hoạch ... kiểm tra" is inspect): classified
 * here, with the rules, so that report reads it instead of running the rules again. */
static const char *subject_topic(const lw_engine *eng, lw_matcher *m, const lw_extraction *x)
{
    const char *subj = x->header.subject; /* the typed header (lw_fact.h) */
    return subj ? lw_duty_topic(lw_engine_rules(eng), m, subj, strlen(subj), NULL) : NULL;
}

static void finish_doc(item *it, const lw_engine *eng, lw_matcher *m, int source, size_t raw_len);

/* Reads, hashes, decodes, normalizes and extracts one file: pure, runs in workers. */
static void prepare(item *it, const lw_engine *eng, lw_matcher *m, const lw_doc_options *dopt)
{
    unsigned char *raw;
    size_t len;
    it->err = calloc(1, sizeof *it->err);
    if (!it->err) {
        it->outcome = R_FAIL;
        return;
    }
    if (!m) {
        /* the worker could not make its matcher: this document fails, the batch goes on */
        lw_error_msg(it->err, LW_ERR_NOMEM, it->shown, 0, 0, LW_MSG_NOMEM);
        it->outcome = R_FAIL;
        return;
    }
    if ((uint64_t)it->size > LW_DOC_MAX_FILE_BYTES) {
        /* past every cap: refused before it is read into memory (a worker holds it whole) */
        lw_error_msg(it->err, LW_ERR_TOO_LARGE, it->shown, 0, 0, LW_MSG_DOC_FILE_TOO_LARGE,
                     (double)it->size / (1024.0 * 1024.0), (int)(LW_DOC_MAX_FILE_BYTES / (1024 * 1024)));
        it->outcome = R_FAIL;
        return;
    }
    if (lw_read_file(it->path, &raw, &len, it->err)) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        it->outcome = R_FAIL;
        return;
    }
    it->was_read = 1;
    /* only a stored document has a hash to compare with (lw_doc_from_bytes hashes again) */
    if (it->id) {
        char sha[65];
        lw_sha256_hex(raw, len, sha);
        if (!strcmp(sha, it->sha)) {
            free(raw);
            it->outcome = R_TOUCH;
            return;
        }
    }
    /* what the file is, by its content (issue 18): not by its name */
    it->kind = lw_read_sniff(raw, len);
    if (it->kind != LW_KIND_TEXT) {
        if (it->kind == LW_KIND_OTHER || it->kind == LW_KIND_DOC) {
            /* said by the dispatcher at once, without a reading process: not a document
             * (skipped), or a .doc (fails: a person must save it as .docx) */
            lw_source *none = NULL;
            lw_read_source(it->shown, raw, len, it->kind, NULL, &none, it->err);
            lw_source_free(none);
            free(raw);
            it->outcome = it->kind == LW_KIND_DOC ? R_FAIL : R_SKIP;
            return;
        }
        free(raw);
        it->outcome = R_SOURCE; /* read by the writer, after the text files */
        return;
    }
    if (!has_txt_ext(it->shown)) {
        /* its head looked like a PDF or ZIP, its whole says text: named so, it is not one */
        free(raw);
        lw_error_msg(it->err, LW_ERR_BINARY, it->shown, 0, 0, LW_MSG_STORE_NOT_TXT);
        it->outcome = R_SKIP;
        return;
    }
    lw_status st = lw_doc_from_bytes(it->path, raw, len, dopt, &it->doc, it->err);
    free(raw);
    lw_msg_id why;
    if (st && !is_document(it->shown, NULL, it->err, &why)) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        item_clear(it);
        it->outcome = R_SKIP;
        return;
    }
    if (st) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        item_clear(it);
        it->outcome = R_FAIL;
        return;
    }
    finish_doc(it, eng, m, 0, len);
}

/* The end of a loaded document's preparation (it->doc): an empty or blank one is no
 * document (a placeholder text file is skipped; a PDF, image or Word file that gave no
 * text fails: a person must look at it), else its facts and topic. raw_len: the file's
 * bytes. Sets it->outcome. */
static void finish_doc(item *it, const lw_engine *eng, lw_matcher *m, int source, size_t raw_len)
{
    size_t tlen, k = 0;
    const char *t = lw_doc_text(it->doc, &tlen);
    while (k < tlen && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r' || t[k] == '\f' || t[k] == '\v'))
        k++;
    if (k == tlen) {
        lw_error_msg(it->err, LW_ERR_IO, it->shown, 0, 0,
                     source ? LW_MSG_STORE_NO_TEXT : raw_len == 0 ? LW_MSG_STORE_EMPTY_FILE : LW_MSG_STORE_BLANK_FILE);
        item_clear(it);
        it->outcome = source ? R_FAIL : R_SKIP;
        return;
    }
    lw_status st = lw_extract(lw_engine_rules(eng), lw_engine_lexicon(eng), m, t, tlen, NULL, &it->x, it->err);
    if (st) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        item_clear(it);
        it->outcome = R_FAIL;
        return;
    }
    it->topic = subject_topic(eng, m, it->x);
    it->outcome = R_STORE;
}

typedef struct {
    item *items;
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
        p->held += (uint64_t)p->items[i].size;
        pthread_mutex_unlock(&p->mu);
        prepare(&p->items[i], p->eng, m, p->dopt);
        pthread_mutex_lock(&p->mu);
        p->items[i].ready = 1;
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
    char what[LW_STORE_MSG_MAX], hint[LW_STORE_MSG_MAX];
    lw_msg_format(what, sizeof what, LW_MSG_STORE_WRITE_WHILE, doc);
    return lw_error_set(err, e->code == LW_ERR_NOMEM ? LW_ERR_NOMEM : LW_ERR_DB, lw_store_path(s), 0, 0, "%s: %s%s%s",
                        what, why, disk ? "; " : "", disk ? lw_msg_format(hint, sizeof hint, LW_MSG_STORE_DISK_FULL) : "");
}

static lw_status write_item(lw_store *s, txn *t, item *it, const char *rules_version, lw_ingest_report *rep,
                            lw_error *err)
{
    lw_status st = LW_OK;
    rep->files_read += it->was_read;
    if (it->outcome == R_FAIL && !it->err) {
        char mb[LW_STORE_MSG_MAX];
        add_problem(rep, &rep->failed, &rep->n_failed, it->shown, "%s: %s", it->shown,
                    lw_msg_format(mb, sizeof mb, LW_MSG_NOMEM));
        return LW_OK;
    }
    if (it->outcome == R_FAIL) {
        add_failure(rep, it->shown, it->err);
        return LW_OK;
    }
    if (it->outcome == R_SKIP) {
        add_problem(rep, &rep->skipped, &rep->n_skipped, it->shown, "%s: %s", it->shown, it->err->msg);
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
            add_failure(rep, it->shown, &e);
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
    add_problem(rep, &rep->warned, &rep->n_warned, shown, "%s: %s", shown, msg);
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
                    finish_doc(it, eng, m, 1, len);
            }
            lw_source_free(src);
            free(raw);
        }
        if (it->outcome == R_FAIL)
            snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        if (!st)
            st = write_item(s, t, it, rules_version, rep, err);
        item_clear(it);
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
            ds = lw_store_put(s, r.doc, r.x, rules_version, subject_topic(eng, m, r.x), r.size, r.mtime, NULL, &r.e);
            if (ds && lw_store_failure(s))
                st = fatal_put(s, r.path, &r.e, err);
            if (!ds) {
                rep->reextracted++;
                st = txn_step(t, err);
            }
        }
        if (ds && !st)
            add_failure(rep, r.path ? r.path : "?", &r.e);
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

/* What a prune would do, counted before anything is deleted: the stored paths whose files
 * are gone and the documents that would go with them (those whose every path is gone). */
typedef struct {
    lw_store *s;
    char **v;           /* the gone paths, owned */
    size_t n, cap;
    long long *docs;    /* per stored path its document, negated when the path is gone */
    size_t n_docs, cap_docs;
    size_t docs_removed;
    int nomem;
    lw_status st;
    lw_error *err;
} prune_plan;

static int push_doc(prune_plan *g, long long v)
{
    if (g->n_docs == g->cap_docs) {
        size_t c2 = g->cap_docs ? g->cap_docs * 2 : 256;
        long long *d = realloc(g->docs, c2 * sizeof *d);
        if (!d)
            return g->nomem = 1;
        g->docs = d;
        g->cap_docs = c2;
    }
    g->docs[g->n_docs++] = v;
    return 0;
}

static int collect_gone(void *ud, const char *p)
{
    prune_plan *g = ud;
    struct stat st;
    int gone = stat(p, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
    long long id = 0;
    int64_t size, mtime;
    char sha[65];
    /* the document of every path, gone or not: a document goes when all of its paths do */
    if ((g->st = lw_store_lookup(g->s, p, &id, &size, &mtime, sha, g->err)))
        return 1;
    if (id && push_doc(g, gone ? -id : id))
        return 1;
    if (!gone)
        return 0;
    if (g->n == g->cap) {
        size_t c2 = g->cap ? g->cap * 2 : 64;
        char **v = realloc(g->v, c2 * sizeof *v);
        if (!v)
            return g->nomem = 1;
        g->v = v;
        g->cap = c2;
    }
    if (!(g->v[g->n] = strdup(p)))
        return g->nomem = 1;
    g->n++;
    return 0;
}

static int cmp_doc_abs(const void *a, const void *b)
{
    long long x = llabs(*(const long long *)a), y = llabs(*(const long long *)b);
    return (x > y) - (x < y);
}

static void prune_plan_free(prune_plan *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->v[i]);
    free(g->v);
    free(g->docs);
    g->v = NULL;
    g->docs = NULL;
    g->n = g->n_docs = g->cap = g->cap_docs = 0;
}

/* The PATH arguments named in a refusal, joined (cut at this many bytes). */
#define LW_PRUNE_NAMED_MAX 512

/* Makes the plan of a prune and refuses it (LW_ERR_REFUSED) when it would remove more than
 * the share of the stored documents allowed. On success the plan is the caller's to carry
 * out and free; on error it is freed. */
static lw_status prune_plan_make(lw_store *s, const lw_ingest_options *opt, const char *const *paths, size_t npaths,
                                 prune_plan *g, lw_error *err)
{
    memset(g, 0, sizeof *g);
    g->s = s;
    g->err = err;
    lw_status st = lw_store_each_path(s, collect_gone, g, err);
    if (!st)
        st = g->st;
    if (!st && g->nomem)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && g->n_docs) {
        qsort(g->docs, g->n_docs, sizeof *g->docs, cmp_doc_abs);
        for (size_t i = 0; i < g->n_docs;) {
            size_t j = i;
            int all_gone = 1;
            for (; j < g->n_docs && llabs(g->docs[j]) == llabs(g->docs[i]); j++)
                all_gone &= g->docs[j] < 0;
            g->docs_removed += all_gone;
            i = j;
        }
    }
    long long stored = st ? 0 : lw_store_count(s);
    if (!st && stored < 0)
        st = lw_error_msg(err, LW_ERR_DB, lw_store_path(s), 0, 0, LW_MSG_STORE_READ, "count");
    int max = opt->prune_max_percent ? opt->prune_max_percent : LW_STORE_PRUNE_MAX_DEFAULT;
    if (!st && !opt->force && stored > 0 && (long long)g->docs_removed * 100 > (long long)max * stored) {
        char named[LW_PRUNE_NAMED_MAX] = "";
        size_t o = 0;
        for (size_t i = 0; i < npaths && o < sizeof named; i++) {
            int k = snprintf(named + o, sizeof named - o, "%s%s", i ? ", " : "", paths[i]);
            o += k > 0 ? (size_t)k : 0;
        }
        long long share = (long long)g->docs_removed * 100 / stored;
        if (npaths)
            st = lw_error_msg(err, LW_ERR_REFUSED, lw_store_path(s), 0, 0, LW_MSG_STORE_PRUNE_TOO_MANY, g->docs_removed,
                              stored, share, max, named);
        else
            st = lw_error_msg(err, LW_ERR_REFUSED, lw_store_path(s), 0, 0, LW_MSG_STORE_PRUNE_TOO_MANY_DB,
                              g->docs_removed, stored, share, lw_store_path(s), max);
    }
    if (st)
        prune_plan_free(g);
    return st;
}

/* Carries out a plan (freed here): prune all the gone paths or none, a partial prune would
 * look complete. */
static lw_status prune(lw_store *s, txn *t, prune_plan *g, lw_ingest_report *rep, lw_error *err)
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
    prune_plan_free(g);
    return st;
}

/* Refuses a prune (LW_ERR_REFUSED) when a PATH given is missing, unreadable or an empty
 * folder: an unmounted share looks like an empty folder, and a prune over it would forget
 * every document found there. Checked before any work. */
static lw_status prune_paths_ok(const char *const *paths, size_t npaths, lw_error *err)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0)
            return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_MISSING, paths[i],
                                strerror(errno));
        if (!S_ISDIR(st.st_mode)) {
            if (access(paths[i], R_OK) != 0)
                return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_UNREADABLE, paths[i],
                                    strerror(errno));
            continue;
        }
        DIR *d = opendir(paths[i]);
        if (!d)
            return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_UNREADABLE, paths[i],
                                strerror(errno));
        /* hidden entries do not count: ingest leaves them out */
        int seen = 0;
        struct dirent *de;
        while (!seen && (de = readdir(d)))
            seen = de->d_name[0] != '.';
        closedir(d);
        if (!seen)
            return lw_error_msg(err, LW_ERR_REFUSED, paths[i], 0, 0, LW_MSG_STORE_PRUNE_EMPTY, paths[i]);
    }
    return LW_OK;
}

/* The database's own files (its journals, lock and backup) by device and inode. */
typedef struct {
    file_id v[LW_OWN_FILES_MAX];
    size_t n;
} own_files;

static int add_own(void *ud, const char *path)
{
    own_files *o = ud;
    struct stat st;
    if (o->n < LW_OWN_FILES_MAX && stat(path, &st) == 0) {
        o->v[o->n].dev = st.st_dev;
        o->v[o->n].ino = st.st_ino;
        o->n++;
    }
    return 0;
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
    prune_plan plan = {0};
    if (opt->prune) {
        /* refused before any work: nothing is stored nor deleted */
        lw_status pst = prune_paths_ok(paths, npaths, err);
        if (!pst)
            pst = prune_plan_make(s, opt, paths, npaths, &plan, err);
        if (pst)
            return pst;
        prune_plan_free(&plan); /* made again after the ingest: files may have come back */
    }
    own_files own = {{{0}}, 0};
    if (lw_store_files(s, add_own, &own) < 0)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < opt->n_own_files; i++)
        if (opt->own_files[i])
            add_own(&own, opt->own_files[i]);
    const char *rules_version = lw_ruleset_version(lw_engine_rules(eng));
    item_list l = {0};
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        l.arg = i;
        /* a PATH argument that is a link is followed: the admin named it */
        if (stat(paths[i], &st) != 0) {
            lw_error e;
            char mb[LW_STORE_MSG_MAX];
            const char *why = strerror(errno);
            lw_error_set(&e, LW_ERR_IO, paths[i], 0, 0, "%s: %s", lw_msg_format(mb, sizeof mb, LW_MSG_STORE_NOT_FOUND),
                         why);
            add_failure(rep, paths[i], &e);
            continue;
        }
        walker w = {&l, rep, opt->follow_symlinks, paths[i], NULL, own.v, own.n, {{0}}, 0};
        if (!S_ISDIR(st.st_mode)) {
            add_file(&w, paths[i], &st, NULL);
        } else if (!(w.root = realpath(paths[i], NULL))) {
            lw_error e;
            lw_error_msg(&e, errno == ENOMEM ? LW_ERR_NOMEM : LW_ERR_IO, paths[i], 0, 0, LW_MSG_STORE_PATH_RESOLVE,
                         strerror(errno));
            add_failure(rep, paths[i], &e);
        } else {
            walk(&w, paths[i], &st);
            free((char *)w.root);
        }
    }
    /* one entry per file, in path order */
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_item);
    size_t w = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (w && !strcmp(l.v[w - 1].path, l.v[i].path)) {
            free(l.v[i].path);
            free(l.v[i].shown);
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
    /* unchanged files: a stat (done) and a lookup */
    item *work = l.n ? malloc(l.n * sizeof *work) : NULL;
    size_t nwork = 0;
    if (l.n && !work)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    for (size_t i = 0; i < l.n && !st; i++) {
        item *it = &l.v[i];
        int64_t size = 0, mtime = 0;
        if ((st = lw_store_lookup(s, it->path, &it->id, &size, &mtime, it->sha, err)))
            break;
        if (it->id && size == it->size && mtime == it->mtime_ns) {
            rep->unchanged++;
            pr.done++;
            free(it->path);
            free(it->shown);
            it->path = it->shown = NULL; /* freed once, also when a later look-up fails */
        } else {
            work[nwork++] = *it;
        }
    }
    if (st) {
        for (size_t i = 0; i < l.n; i++) {
            free(l.v[i].path);
            free(l.v[i].shown);
        }
        nwork = 0;
    }
    free(l.v);
    if (opt->progress && !st)
        opt->progress(opt->progress_ud, &pr);

    txn t = {s, opt->batch ? opt->batch : LW_STORE_BATCH_DEFAULT, 0, 0, rep, {0}};
    int jobs = opt->jobs < 1 ? 1 : opt->jobs > LW_STORE_JOBS_MAX ? LW_STORE_JOBS_MAX : opt->jobs;
    /* The window lets the workers run on while the writer commits a batch (the batch's
     * full-text rows are written then, a tenth of a second or more) instead of stalling
     * after a few documents; the byte cap keeps big documents from piling up in memory. */
    pool p = {work, nwork, 0, 0, (size_t)jobs * LW_STORE_AHEAD_PER_JOB + LW_STORE_AHEAD_MIN, 0, LW_STORE_POOL_HELD, 0, eng, &opt->doc,
              PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
    pthread_t th[LW_STORE_JOBS_MAX];
    int nth = 0;
    item_list later = {0}; /* the PDFs, images and Word files, read after the others */
    lw_matcher *m = NULL;
    if (jobs > 1 && nwork > 1) {
        for (int i = 0; i < jobs; i++)
            if (pthread_create(&th[nth], NULL, worker, &p) == 0)
                nth++;
    }
    if (!nth)
        m = lw_matcher_create(lw_engine_rules(eng));
    size_t i = 0;
    for (; i < nwork && !st; i++) {
        item *it = &work[i];
        if (nth) {
            pthread_mutex_lock(&p.mu);
            while (!it->ready)
                pthread_cond_wait(&p.cv_ready, &p.mu);
            pthread_mutex_unlock(&p.mu);
        } else {
            prepare(it, eng, m, &opt->doc);
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
        item_clear(it);
        free(it->err);
        it->err = NULL;
        pthread_mutex_lock(&p.mu);
        p.written = i + 1;
        if (nth)
            p.held -= (uint64_t)it->size;
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
    for (size_t k = 0; k < nwork; k++) {
        item_clear(&work[k]);
        free(work[k].err);
        free(work[k].path);
        free(work[k].shown);
    }
    free(work);
    lw_matcher_free(m);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv_ready);
    pthread_cond_destroy(&p.cv_space);

    if (!st && later.n) {
        page_ctx pc = {opt, &pr, t0, last, 0, 0, 0};
        st = read_sources(s, &t, eng, opt, jobs, &later, rules_version, &pc, rep, err);
    }
    for (size_t k = 0; k < later.n; k++) {
        item_clear(&later.v[k]);
        free(later.v[k].err);
        free(later.v[k].path);
        free(later.v[k].shown);
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
    if (!st && opt->prune && !(st = prune_plan_make(s, opt, paths, npaths, &plan, err)))
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

