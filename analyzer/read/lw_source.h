/* lw_source: a document's text as a reader got it out of its file (PDF text layer, OCR of a
 * scan or image, DOCX/ODT), with where each line came from (page and line on the page, or
 * paragraph) and, for OCR, each word's confidence. It is what a reader hands over, what
 * crosses the pipe from the reading child process (lw_source_serialize) and what the store
 * caches by content hash, so that re-extracting never reads or OCRs the file again.
 *
 * The text is UTF-8, one line per lw_source_line, each followed by '\n'; pages follow each
 * other with no separator of their own (as pdftotext's form feeds turned into newlines). */
#ifndef LW_SOURCE_H
#define LW_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "lw_common.h"

typedef enum {
    LW_SOURCE_TEXT = 0,  /* a plain text file (no lw_source is made for it today) */
    LW_SOURCE_PDF_TEXT,  /* a PDF's text layer */
    LW_SOURCE_PDF_OCR,   /* a PDF's pages rendered and OCR'd */
    LW_SOURCE_IMAGE_OCR, /* an image (PNG, JPEG, TIFF) OCR'd */
    LW_SOURCE_DOCX,
    LW_SOURCE_ODT,
    LW_SOURCE_FORMAT_COUNT
} lw_source_format;

/* "text", "pdf-text", "pdf-ocr", "image-ocr", "docx", "odt": the JSON's source_format. */
const char *lw_source_format_name(lw_source_format f);

/* Where a line of the text came from. */
typedef struct {
    uint32_t start;     /* byte offset of the line in text */
    uint32_t page;      /* 1-based page of a PDF or image; 0 for Word/ODT */
    uint32_t line;      /* 1-based line on that page (PDF, image); 0 for Word/ODT */
    uint32_t paragraph; /* 1-based paragraph of a Word/ODT file; 0 for PDF and images */
} lw_source_line;

/* An OCR'd word: its bytes in text and the engine's confidence (0-100). */
typedef struct {
    uint32_t start, end;
    uint8_t conf;
} lw_source_word;

/* The longest note (why OCR was chosen, what was left out). */
#define LW_SOURCE_NOTE_MAX 256
/* The longest OCR engine name ("tesseract 5.3.0 (vie)"). */
#define LW_SOURCE_ENGINE_MAX 64

typedef struct {
    lw_source_format format;
    char *text; /* NUL-terminated; owned */
    size_t len;
    lw_source_line *lines; /* owned; n_lines entries, in text order */
    size_t n_lines;
    lw_source_word *words; /* OCR only; owned; in text order */
    size_t n_words;
    uint32_t pages;                        /* pages read (PDF, image); 0 for Word/ODT */
    char ocr_engine[LW_SOURCE_ENGINE_MAX]; /* "" unless OCR'd */
    char note[LW_SOURCE_NOTE_MAX];         /* "" or why this reading was chosen, for the reviewer */
    /* private: capacities */
    size_t cap_text, cap_lines, cap_words;
} lw_source;

/* An empty source of a format. Owned (lw_source_free); NULL when out of memory. */
lw_source *lw_source_create(lw_source_format format);
void lw_source_free(lw_source *s);

/* Appends a line (len bytes, UTF-8, without its '\n'; the '\n' is added) read from page
 * (PDF/image: 1-based, the line on the page is counted here) or paragraph (Word/ODT:
 * 1-based; pass page 0). A '\n' or '\r' inside is replaced by a space. Returns 0, or -1
 * when out of memory or the text would pass 4 GiB (the source is left as it was). */
int lw_source_add_line(lw_source *s, const char *text, size_t len, uint32_t page, uint32_t paragraph);
/* Records an OCR word at [start, end) of the text as it is now (after lw_source_add_line of
 * its line) with conf 0-100 (clamped). Returns 0, or -1 when out of memory. */
int lw_source_add_word(lw_source *s, size_t start, size_t end, int conf);

/* The line holding text offset off (off may be len: the last line); NULL when there is none. */
const lw_source_line *lw_source_line_at(const lw_source *s, size_t off);
/* The lowest confidence of the OCR words overlapping [start, end), or -1 when none does
 * (not OCR'd, or only spaces). */
int lw_source_min_conf(const lw_source *s, size_t start, size_t end);

/* The source as bytes (for the pipe from the reading child and the store's cache), and
 * back. The bytes are checked when read back: a truncated or forged serialization is an
 * error (LW_ERR_DATA), never a crash. *out owned (free). */
lw_status lw_source_serialize(const lw_source *s, unsigned char **out, size_t *len, lw_error *err);
lw_status lw_source_deserialize(const unsigned char *p, size_t len, lw_source **out, lw_error *err);

#endif
