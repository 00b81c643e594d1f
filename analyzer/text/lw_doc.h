/* lw_doc: one document through the first stages: the file's bytes, their decoding, the
 * normalized text the rules run on, and the way back from a normalized offset to the
 * original file's byte offset and line. */
#ifndef LW_DOC_H
#define LW_DOC_H

#include "lw_common.h"
#include "lw_decode.h"
#include "lw_norm.h"

/* The largest document accepted: the longest codes and gazettes are a few MB of text, and a
 * file many times that is a concatenation or not a document; refusing it keeps memory and
 * time bounded (LW_ERR_TOO_LARGE). */
#define LW_DOC_MAX_BYTES (16 * 1024 * 1024)

typedef struct {
    lw_encoding encoding; /* LW_ENC_AUTO to detect */
    lw_norm_options norm;
} lw_doc_options;

void lw_doc_options_default(lw_doc_options *o);

typedef struct {
    char *path;           /* as given; owned */
    unsigned char *raw;   /* the file's bytes; owned */
    size_t raw_len;
    char sha256[65];      /* of raw, hex */
    lw_decoded *dec;      /* owned */
    lw_normalized *norm;  /* owned */
    uint32_t *line_starts;/* offsets in dec->text where lines start; owned */
    size_t n_lines;
} lw_doc;

/* Reads path and runs decode and normalize. *out owned (lw_doc_free); on error NULL and
 * err names the file. */
lw_status lw_doc_load(const char *path, const lw_doc_options *opt, lw_doc **out, lw_error *err);
/* Same from bytes in memory (copied); path is only a name for messages and output. */
lw_status lw_doc_from_bytes(const char *path, const unsigned char *bytes, size_t len,
                            const lw_doc_options *opt, lw_doc **out, lw_error *err);
void lw_doc_free(lw_doc *d);

/* Normalized text (borrowed) and its length. */
const char *lw_doc_text(const lw_doc *d, size_t *len);
/* Offset in the original file of the byte at normalized offset off (off may be len). */
size_t lw_doc_orig_offset(const lw_doc *d, size_t off);
/* 1-based line in the original file of normalized offset off. */
int lw_doc_line(const lw_doc *d, size_t off);
/* Original span [ostart, oend) of normalized span [start, end). */
void lw_doc_orig_span(const lw_doc *d, size_t start, size_t end, size_t *ostart, size_t *oend);

/* SHA-256 of bytes as 64 hex digits + NUL into out. */
void lw_sha256_hex(const unsigned char *p, size_t n, char out[65]);

#endif
