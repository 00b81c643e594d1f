/* lw_norm: turns decoded UTF-8 text (often OCR output) into the canonical text the rules
 * run on: LF line ends, NFC, Đ for its look-alikes, one tone-mark style, one tone mark
 * per syllable, unwrapped paragraphs, no converter or page artefacts. Keeps a map from
 * every output byte back to an input byte so facts can be shown in the original. */
#ifndef LW_NORM_H
#define LW_NORM_H

#include "lw_common.h"
#include "lw_syllable.h" /* the single-word helpers lw_norm_tone_style, lw_norm_fix_marks */

typedef struct {
    int unwrap;          /* join hard-wrapped lines into paragraphs (default 1) */
    int drop_artefacts;  /* markdown emphasis, lone page numbers, running headers (default 1) */
    int tone_style;      /* "hoà" -> "hòa", "uỷ" -> "ủy" (default 1) */
    int repair_marks;    /* one tone mark per syllable: "Nghịệp" -> "Nghiệp" (default 1) */
} lw_norm_options;

/* Fills o with the defaults (all passes on). Call it before changing single options: fields
 * may be added at the end of lw_norm_options. */
void lw_norm_options_default(lw_norm_options *o);

typedef struct {
    char *text;     /* normalized UTF-8, NUL-terminated; owned */
    size_t len;
    uint32_t *map;  /* len + 1 entries: map[i] = offset in the input of lw_normalize of the
                       byte that produced text[i]; map[len] = input length. Owned. The first
                       byte of an output character maps to the first byte of the input
                       character it came from (a composed character: its base letter; a space
                       joining two lines: the line break); the map never decreases. */
} lw_normalized;

/* Normalizes len bytes of valid UTF-8 (as lw_decode produces). opt may be NULL (defaults).
 * The text has one line per paragraph, '\n' between paragraphs and no blank lines; header
 * block lines ("Số: ...", "V/v ...", the date line, "Kính gửi:", "Nơi nhận:", signature
 * lines) and list items stay lines of their own. Normalizing the text again gives the same
 * text. Linear time; inputs of 4 GiB or more give LW_ERR_TOO_LARGE.
 * *out is owned by the caller (lw_normalized_free); NULL on error. */
lw_status lw_normalize(const char *utf8, size_t len, const lw_norm_options *opt,
                       lw_normalized **out, lw_error *err);
void lw_normalized_free(lw_normalized *n);

/* Maps the output span [s, e) of n back to the input it was made from (input, input_len: the
 * same bytes given to lw_normalize): *in_s = n->map[s], *in_e = the end of the input character
 * (with its combining marks) that produced byte e - 1. An empty span maps to an empty span. */
void lw_norm_input_span(const lw_normalized *n, const char *input, size_t input_len, size_t s,
                        size_t e, size_t *in_s, size_t *in_e);

#endif
