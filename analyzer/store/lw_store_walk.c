/* lw_store_walk: the walk of ingest's PATH arguments down to the list of files to read, and
 * what a document is (see the header). Reads no file whole: a stat, and the head of a file
 * not named *.txt. */
#define _GNU_SOURCE
#include "lw_store_walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_msg.h"

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

int lw_store_walk_has_txt_ext(const char *p)
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
int lw_store_walk_is_document(const char *name, const struct stat *st, const lw_error *read_err, lw_msg_id *why)
{
    *why = LW_MSG_COUNT;
    if (read_err)
        return read_err->code != LW_ERR_BINARY;
    if (!S_ISREG(st->st_mode))
        return *why = LW_MSG_STORE_NOT_REGULAR, 0;
    if (!lw_store_walk_has_txt_ext(name) && !head_is_other_format(name))
        return *why = LW_MSG_STORE_NOT_TXT, 0;
    return 1;
}

/* Folder levels below a PATH argument that ingest walks. */
#define LW_WALK_DEPTH 64
/* What a walk knows while it goes down one PATH argument. */
typedef struct {
    file_list *l;
    lw_ingest_report *rep;
    int follow;           /* follow symbolic links out of the folder and into linked folders */
    const char *arg;      /* the PATH argument as given, for messages */
    const char *root;     /* its realpath: a link whose target is outside is not followed */
    const lw_store_file_id *own;   /* the database's files, never read as documents */
    size_t n_own;
    lw_store_file_id up[LW_WALK_DEPTH + 1]; /* the folders on the way down, the argument first */
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
    lw_ingest_add_problem(rep, &rep->skipped, &rep->n_skipped, shown, "%s: %s", shown, mb);
}

/* Lists one file found (st: what it is, links followed) unless it is not a document or
 * the database's own; abs is its resolved path when known (owned: taken), else NULL. */
static void add_file(walker *w, const char *shown, const struct stat *st, char *abs)
{
    file_list *l = w->l;
    lw_ingest_report *rep = w->rep;
    lw_msg_id why;
    if (is_own(w, st)) {
        /* read and closed, its descriptor would drop SQLite's locks on it (POSIX locks) */
        add_skip(rep, shown, LW_MSG_STORE_OWN_FILE);
        free(abs);
        return;
    }
    if (!lw_store_walk_is_document(shown, st, NULL, &why)) {
        add_skip(rep, shown, why);
        free(abs);
        return;
    }
    if (!abs && !(abs = realpath(shown, NULL))) {
        lw_error e;
        lw_error_msg(&e, LW_ERR_IO, shown, 0, 0, LW_MSG_STORE_PATH_RESOLVE, strerror(errno));
        lw_ingest_add_failure(rep, shown, &e);
        return;
    }
    /* shown in path's block, or path itself (an absolute PATH argument): one allocation a
     * file, 100,000 of them at national size (issue 20) */
    size_t al = strlen(abs), sl = strlen(shown);
    char *copy = strcmp(abs, shown) ? malloc(al + sl + 2) : abs;
    if (copy && copy != abs) {
        memcpy(copy, abs, al + 1);
        memcpy(copy + al + 1, shown, sl + 1);
        free(abs);
        abs = copy;
        copy = abs + al + 1;
    }
    if (l->n == l->cap || !copy) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        lw_store_file *v = copy ? realloc(l->v, cap * sizeof *v) : NULL;
        if (!v) {
            /* nothing is dropped silently, not even for want of memory */
            lw_error e;
            lw_error_msg(&e, LW_ERR_NOMEM, shown, 0, 0, LW_MSG_STORE_NOT_READ_NOMEM);
            lw_ingest_add_failure(rep, shown, &e);
            free(abs); /* copy is in it */
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    lw_store_file *it = &l->v[l->n++];
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
        lw_ingest_add_failure(w->rep, p, &e);
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
        lw_ingest_add_problem(w->rep, &w->rep->skipped, &w->rep->n_skipped, p, "%s: %s: %s", p,
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
        lw_ingest_add_failure(w->rep, p, &e);
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
        lw_ingest_add_failure(rep, dir, &e);
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
        lw_ingest_add_failure(rep, dir, &e);
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
            lw_ingest_add_failure(rep, dir, &e);
        }
        free(names[i]);
    }
    w->n_up--;
    free(names);
}

int lw_store_walk_add_own(void *ud, const char *path)
{
    lw_store_own_files *o = ud;
    struct stat st;
    if (o->n < LW_OWN_FILES_MAX && stat(path, &st) == 0) {
        o->v[o->n].dev = st.st_dev;
        o->v[o->n].ino = st.st_ino;
        o->n++;
    }
    return 0;
}

void lw_store_walk_paths(const char *const *paths, size_t npaths, int follow, const lw_store_own_files *own,
                         file_list *l, lw_ingest_report *rep)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        l->arg = i;
        /* a PATH argument that is a link is followed: the admin named it */
        if (stat(paths[i], &st) != 0) {
            lw_error e;
            char mb[LW_STORE_MSG_MAX];
            const char *why = strerror(errno);
            lw_error_set(&e, LW_ERR_IO, paths[i], 0, 0, "%s: %s", lw_msg_format(mb, sizeof mb, LW_MSG_STORE_NOT_FOUND),
                         why);
            lw_ingest_add_failure(rep, paths[i], &e);
            continue;
        }
        walker w = {l, rep, follow, paths[i], NULL, own->v, own->n, {{0}}, 0};
        if (!S_ISDIR(st.st_mode)) {
            add_file(&w, paths[i], &st, NULL);
        } else if (!(w.root = realpath(paths[i], NULL))) {
            lw_error e;
            lw_error_msg(&e, errno == ENOMEM ? LW_ERR_NOMEM : LW_ERR_IO, paths[i], 0, 0, LW_MSG_STORE_PATH_RESOLVE,
                         strerror(errno));
            lw_ingest_add_failure(rep, paths[i], &e);
        } else {
            walk(&w, paths[i], &st);
            free((char *)w.root);
        }
    }
}
