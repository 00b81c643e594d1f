/* lw_read: a file's bytes to a document's text, whatever the file is. The format is told by
 * content, never by the name (lw_read_sniff); plain text goes on to decode as before, every
 * other format is parsed by its reader (lw_pdf, lw_ocr, lw_docx, lw_odt) in a child process
 * with limits (lw_sandbox), so a malformed or hostile file costs one clear error naming it and
 * the batch goes on. */
#ifndef LW_READ_H
#define LW_READ_H

#include <stddef.h>

#include "lw_common.h"
#include "lw_source.h"

/* What the bytes are, by content. */
typedef enum {
    LW_KIND_TEXT = 0,   /* anything else that may be text: decode decides */
    LW_KIND_PDF,        /* %PDF- */
    LW_KIND_IMAGE,      /* PNG, JPEG, TIFF */
    LW_KIND_DOCX,       /* a ZIP holding word/document.xml */
    LW_KIND_ODT,        /* a ZIP whose mimetype is application/vnd.oasis.opendocument.text */
    LW_KIND_DOC,        /* an OLE2 compound file: Word 97-2003 (.doc): not read, a plain message */
    LW_KIND_OTHER       /* known not to be a document (another ZIP, GIF, an executable...) */
} lw_read_kind;

lw_read_kind lw_read_sniff(const unsigned char *raw, size_t len);

/* The media type of the bytes as lw_read_sniff tells them: "application/pdf", the Word, ODT
 * and .doc types, "image/png", "image/jpeg", "image/tiff", "text/plain; charset=utf-8" for
 * UTF-8 text, else "application/octet-stream". A static string. */
const char *lw_read_media_type(const unsigned char *raw, size_t len);

/* Limits of the reading child process: what a hostile file may cost at most. */
#define LW_READ_MEMORY_DEFAULT ((size_t)2048 * 1024 * 1024) /* address space, bytes */
#define LW_READ_CPU_DEFAULT 600                              /* CPU seconds per file */
#define LW_READ_WALL_DEFAULT 900                             /* seconds per file, wall clock */
#define LW_READ_PAGES_DEFAULT 500                            /* pages per file */
#define LW_READ_DPI_DEFAULT 300                              /* OCR rendering */

typedef struct {
    size_t max_memory; /* 0: LW_READ_MEMORY_DEFAULT */
    int max_cpu;       /* seconds; 0: LW_READ_CPU_DEFAULT */
    int max_wall;      /* seconds; 0: LW_READ_WALL_DEFAULT */
    int max_pages;     /* 0: LW_READ_PAGES_DEFAULT */
    int dpi;           /* 0: LW_READ_DPI_DEFAULT */
    int jobs;          /* OCR threads for the pages of one file (<= 1: one) */
    int force_ocr;     /* OCR a PDF even when its text layer is usable */
    int no_sandbox;    /* parse in this process (fuzzers, unit tests): no limits */
    /* called in the calling process as pages are done (may be NULL) */
    void (*progress)(void *ud, unsigned pages_done, unsigned pages_total);
    void *progress_ud;
} lw_read_options;

void lw_read_options_default(lw_read_options *o);

/* A reader: bytes of its kind to a source. Runs in the child (or in process with
 * no_sandbox); errors name no file (the caller puts the path in). */
typedef lw_status (*lw_reader_fn)(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                                  lw_error *err);

/* Reads a file's bytes of a kind other than LW_KIND_TEXT into *out (owned,
 * lw_source_free). path names the file in errors ("ext-001.pdf: trang 3: ..."). A PDF
 * whose text layer is unusable is OCR'd, and out->note says why. LW_KIND_DOC and
 * LW_KIND_OTHER are errors with a plain message (save it as .docx / not a document). */
lw_status lw_read_source(const char *path, const unsigned char *raw, size_t len, lw_read_kind kind,
                         const lw_read_options *opt, lw_source **out, lw_error *err);

#endif
