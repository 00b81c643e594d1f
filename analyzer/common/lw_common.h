/* lw_common: the status codes, the error struct with a place (file, line, column),
 * and a growable byte buffer shared by every lawwatch module. */
#ifndef LW_COMMON_H
#define LW_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define LW_VERSION "0.1.0"

typedef enum {
    LW_OK = 0,
    LW_ERR_IO,        /* a file could not be read or written */
    LW_ERR_NOMEM,     /* out of memory */
    LW_ERR_BINARY,    /* input is not text (NUL bytes, PDF, ZIP, image) */
    LW_ERR_ENCODING,  /* input could not be decoded */
    LW_ERR_RULE,      /* a rule file or rule is invalid */
    LW_ERR_DATA,      /* a data file (agencies, registry) is invalid */
    LW_ERR_LIMIT,     /* a match or size limit was hit */
    LW_ERR_USAGE,     /* bad arguments */
    LW_ERR_DB,        /* the database failed */
    LW_ERR_QUERY,     /* a search query is malformed */
    LW_ERR_TOO_LARGE, /* input larger than we accept */
    LW_ERR_BUSY,      /* another ingest holds the database */
    LW_ERR_REFUSED,   /* refused as unsafe (a prune that would remove too much) */
    LW_ERR_NOT_FOUND, /* no such document or registry entry */
    LW_ERR_TIMEOUT    /* the time allowed (lawwatch_db_set_time_limit) ran out */
} lw_status;

/* An error with a place. file is the path the user gave (document, rule file);
 * line and col are 1-based, 0 when unknown. */
typedef struct {
    lw_status code;
    char file[1024];
    int line;
    int col;
    char msg[1024];
} lw_error;

const char *lw_status_str(lw_status s);

/* Fills err (may be NULL) and returns code, so callers can `return lw_error_set(...)`. */
lw_status lw_error_set(lw_error *err, lw_status code, const char *file, int line, int col,
                       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void lw_error_clear(lw_error *err);
/* "file:line:col: msg" (parts that are unknown are left out); returns buf. */
const char *lw_error_format(const lw_error *err, char *buf, size_t size);

/* A growable byte buffer; data is always NUL-terminated when len > 0 or after any append.
 * The buffer owns data; release with lw_buf_free. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} lw_buf;

int lw_buf_reserve(lw_buf *b, size_t extra); /* 0 ok, -1 out of memory */
int lw_buf_append(lw_buf *b, const void *p, size_t n);
int lw_buf_putc(lw_buf *b, char c);
int lw_buf_printf(lw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lw_buf_free(lw_buf *b);
/* Hands the data over to the caller (owned, free with free()); the buffer is reset. */
char *lw_buf_detach(lw_buf *b, size_t *len);

/* path relative to the folder cwd when it lies below it, else path itself (borrowed from
 * path): what reports show, so that stored absolute paths read as the user typed them. */
const char *lw_path_below(const char *path, const char *cwd);

/* A document as reviewers name it: "Kế hoạch số 48/KH-UBND ngày 10/01/2025 của Ủy ban nhân
 * dân tỉnh Sóc Trăng" from its header fields (any may be NULL; date ISO). A missing kind reads
 * "Văn bản"; a missing part is left out. Appended to out; returns 0, or 1 when the header
 * gave nothing to name the document by (no number, date nor issuer: show its path instead),
 * -1 when out of memory. */
int lw_doc_label(lw_buf *out, const char *kind, const char *number, const char *date, const char *issuer);

/* FNV-1a of a NUL-terminated string, for the small hash indexes of the registry and docset. */
uint64_t lw_hash_str(const char *s);

#endif
