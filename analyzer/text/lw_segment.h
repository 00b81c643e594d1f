/* lw_segment: the outline of a normalized document. Every line (one paragraph after
 * normalization) is classified by its list marker (A., I., 1., 2.1., a), -, +) and placed
 * in a tree: a marked line is the child of the nearest open item of another marker style,
 * or the sibling of an open item of the same style; an unmarked line is body text of the
 * innermost open item. Plans number their parts in many ways ("A. / I. / 1. / a)", or
 * "I. / 1. / 2.1. / - / +"), so the nesting follows the order styles appear in, never a
 * fixed ranking. Duties (lw_duty) are found on this tree. */
#ifndef LW_SEGMENT_H
#define LW_SEGMENT_H

#include <stddef.h>

#include "lw_common.h"

typedef enum {
    LW_MARK_NONE = 0,
    LW_MARK_UPPER,   /* "A.", "B." */
    LW_MARK_ROMAN,   /* "I.", "IV." */
    LW_MARK_ARABIC,  /* "1.", "2.1.", "2.1", "1)" */
    LW_MARK_LETTER,  /* "a)", "đ)", "a." */
    LW_MARK_DASH,    /* "-", "–", "—" */
    LW_MARK_PLUS,    /* "+" */
    LW_MARK_BULLET   /* "•", "*", "·" */
} lw_mark;

typedef struct {
    size_t start, end;  /* the line [start, end) in the normalized text, without its '\n' */
    size_t body;        /* where the text after the marker starts */
    lw_mark mark;
    int parts;          /* components of an arabic number: "2.1." = 2; else 1 (0 unmarked) */
    char label[16];     /* the marker without punctuation: "2.1", "IV", "a"; "" for bullets */
    int depth;          /* 0 = top level */
    long parent;        /* index of the enclosing marked line, -1 at top level */
    size_t last;        /* index of the last line inside this one (itself when none) */
} lw_seg_line;

typedef struct {
    lw_seg_line *lines; /* owned */
    size_t n;
} lw_segments;

/* Segments text[0..len). *out owned (lw_segments_free). */
lw_status lw_segment(const char *text, size_t len, lw_segments **out, lw_error *err);
void lw_segments_free(lw_segments *s);

/* Index of the line holding offset off (binary search); n when off is past the end. */
size_t lw_segment_line_at(const lw_segments *s, size_t off);
/* 1 when text[p..e) is written in capitals (at least two letters, no lower-case one): a
 * title ("KẾ HOẠCH", "CHẾ ĐỘ BÁO CÁO"), a signature, never a sentence stating work. */
int lw_segment_is_caps(const char *p, const char *e);
/* 1 for numbered and lettered markers (headings of parts), 0 for bullets and plain lines. */
int lw_mark_is_heading(lw_mark m);

#endif
