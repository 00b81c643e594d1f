/* lw_doc: one document through the first stages: the file's bytes, their decoding, the
 * normalized text the rules run on, and the way back from a normalized offset to the
 * original's byte offset and line. A file that is not plain text (PDF, image, DOCX, ODT:
 * told by content, lw_read_sniff) is read into an lw_source first (lw_read_source, in a
 * child process with limits); its "original" is then the source's text (src->text, the
 * stored text), and positions also give page, line on the page, paragraph and OCR
 * confidence (lw_doc_position). */
#ifndef LW_DOC_H
#define LW_DOC_H

#include "lw_common.h"
#include "lw_decode.h"
#include "lw_norm.h"
#include "lw_read.h"
#include "lw_source.h"

/* The largest document accepted: the longest codes and gazettes are a few MB of text, and a
 * file many times that is a concatenation or not a document; refusing it keeps memory and
 * time bounded (LW_ERR_TOO_LARGE). */
#define LW_DOC_MAX_BYTES (16 * 1024 * 1024)
/* The largest file of another format (PDF, image, DOCX, ODT): a scan holds far more bytes than
 * its text; the text read out of it is held to LW_DOC_MAX_BYTES. */
#define LW_DOC_MAX_FILE_BYTES ((size_t)256 * 1024 * 1024)

typedef struct {
    lw_encoding encoding; /* LW_ENC_AUTO to detect (plain text only) */
    lw_norm_options norm;
    lw_read_options read; /* how other formats are read (limits, OCR) */
} lw_doc_options;

void lw_doc_options_default(lw_doc_options *o);

typedef struct {
    char *path;           /* as given; owned */
    unsigned char *raw;   /* the file's bytes (the original, for storage and download); owned */
    size_t raw_len;
    char sha256[65];      /* of raw, hex */
    lw_decoded *dec;      /* of the stored text (raw, or src->text); owned */
    lw_normalized *norm;  /* owned */
    uint32_t *line_starts;/* offsets in dec->text where lines start; owned */
    size_t n_lines;
    lw_source *src;       /* what a reader got out of a PDF, image, DOCX or ODT; NULL for plain
                           * text; owned */
} lw_doc;

/* Reads path and runs decode and normalize; a file of another format (by content) is read
 * through lw_read_source (opt->read) first, see lw_doc_from_source. *out owned (lw_doc_free);
 * on error NULL and err names the file. */
lw_status lw_doc_load(const char *path, const lw_doc_options *opt, lw_doc **out, lw_error *err);
/* Same from bytes in memory (copied); path is only a name for messages and output. */
lw_status lw_doc_from_bytes(const char *path, const unsigned char *bytes, size_t len,
                            const lw_doc_options *opt, lw_doc **out, lw_error *err);
/* A document from what a reader got out of a file: raw (len bytes, copied) is the original
 * file, kept with its sha256; src (taken, even on error) gives the text, which is decoded as
 * UTF-8 and normalized; original offsets and lines then refer to src->text. A text longer
 * than LW_DOC_MAX_BYTES is LW_ERR_TOO_LARGE. *out owned (lw_doc_free). */
lw_status lw_doc_from_source(const char *path, const unsigned char *raw, size_t len, lw_source *src,
                             const lw_doc_options *opt, lw_doc **out, lw_error *err);
void lw_doc_free(lw_doc *d);

/* The bytes original offsets refer to (borrowed): the file for plain text, the reader's
 * text (src->text) for other formats; *len their length. */
const unsigned char *lw_doc_stored(const lw_doc *d, size_t *len);

/* Normalized text (borrowed) and its length. */
const char *lw_doc_text(const lw_doc *d, size_t *len);
/* Offset in the original file of the byte at normalized offset off (off may be len). */
size_t lw_doc_orig_offset(const lw_doc *d, size_t off);
/* 1-based line of normalized offset off: in the file for plain text, Word and ODT (in the
 * stored text), on its page for PDFs and images. */
int lw_doc_line(const lw_doc *d, size_t off);
/* Original span [ostart, oend) of normalized span [start, end). */
void lw_doc_orig_span(const lw_doc *d, size_t start, size_t end, size_t *ostart, size_t *oend);

/* Where a span is in the original, for the reviewer. */
typedef struct {
    int page;      /* 1-based page of a PDF or image; 0 otherwise */
    int line;      /* 1-based: on the page for PDFs and images, else in the (stored) text */
    int paragraph; /* 1-based paragraph of a Word or ODT file; 0 otherwise */
    int ocr_conf;  /* lowest OCR word confidence (0-100) over the span; -1 when not OCR'd */
} lw_doc_pos;

/* The position of normalized span [start, end) (its start; the confidence over all of it). */
void lw_doc_position(const lw_doc *d, size_t start, size_t end, lw_doc_pos *pos);

/* SHA-256 of bytes as 64 hex digits + NUL into out. */
void lw_sha256_hex(const unsigned char *p, size_t n, char out[65]);

#endif
