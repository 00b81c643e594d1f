/* lw_common: status names, error formatting, the byte buffer, paths and labels. */
#include "lw_common.h"
#include "lw_oom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const status_names[] = {
    [LW_OK] = "ok",
    [LW_ERR_IO] = "I/O error",
    [LW_ERR_NOMEM] = "out of memory",
    [LW_ERR_BINARY] = "not a text file",
    [LW_ERR_ENCODING] = "encoding error",
    [LW_ERR_RULE] = "rule error",
    [LW_ERR_DATA] = "data file error",
    [LW_ERR_LIMIT] = "limit reached",
    [LW_ERR_USAGE] = "usage error",
    [LW_ERR_DB] = "database error",
    [LW_ERR_QUERY] = "query error",
    [LW_ERR_TOO_LARGE] = "input too large",
    [LW_ERR_BUSY] = "database busy",
    [LW_ERR_REFUSED] = "refused",
    [LW_ERR_NOT_FOUND] = "not found",
    [LW_ERR_TIMEOUT] = "time limit",
};

const char *lw_status_str(lw_status s)
{
    if ((size_t)s < sizeof status_names / sizeof status_names[0] && status_names[s])
        return status_names[s];
    return "unknown error";
}

lw_status lw_error_set(lw_error *err, lw_status code, const char *file, int line, int col,
                       const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void lw_error_clear(lw_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

const char *lw_error_format(const lw_error *err, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    if (err->file[0])
        n += (size_t)snprintf(buf + n, size - n, "%s:", err->file);
    if (err->line > 0 && n < size)
        n += (size_t)snprintf(buf + n, size - n, "%d:", err->line);
    if (err->col > 0 && n < size)
        n += (size_t)snprintf(buf + n, size - n, "%d:", err->col);
    if (n < size)
        snprintf(buf + n, size - n, "%s%s", n ? " " : "", err->msg[0] ? err->msg : lw_status_str(err->code));
    return buf;
}

int lw_buf_reserve(lw_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            lw_oom_note();
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        lw_oom_note(); /* noted too: a caller that drops the -1 still fails its operation */
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int lw_buf_append(lw_buf *b, const void *p, size_t n)
{
    if (lw_buf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int lw_buf_putc(lw_buf *b, char c) { return lw_buf_append(b, &c, 1); }

int lw_buf_printf(lw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || lw_buf_reserve(b, (size_t)n)) {
        va_end(ap2);
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return 0;
}

void lw_buf_free(lw_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *lw_buf_detach(lw_buf *b, size_t *len)
{
    if (lw_buf_reserve(b, 0)) /* make sure there is a terminator even when empty */
        return NULL;
    b->data[b->len] = '\0';
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}


const char *lw_path_below(const char *path, const char *cwd)
{
    size_t n = cwd ? strlen(cwd) : 0;
    if (n && !strncmp(path, cwd, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

uint64_t lw_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

int lw_doc_label(lw_buf *out, const char *kind, const char *number, const char *date, const char *issuer)
{
    if (number && !*number) number = NULL;
    if (date && !*date) date = NULL;
    if (issuer && !*issuer) issuer = NULL;
    if (!number && !date && !issuer) return 1;
    int rc = lw_buf_printf(out, "%s", kind && *kind ? kind : "Văn bản");
    if (number) rc |= lw_buf_printf(out, " số %s", number);
    if (date) {
        /* ISO to the dd/mm/yyyy reviewers write; anything else as stored */
        if (strlen(date) == 10 && date[4] == '-' && date[7] == '-')
            rc |= lw_buf_printf(out, " ngày %.2s/%.2s/%.4s", date + 8, date + 5, date);
        else
            rc |= lw_buf_printf(out, " ngày %s", date);
    }
    if (issuer) rc |= lw_buf_printf(out, " của %s", issuer);
    return rc ? -1 : 0;
}
