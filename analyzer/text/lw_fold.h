/* lw_fold: the one folding function of lawwatch. Comparison keys for ids, names and words are
 * made here and nowhere else, so that the store's folded columns, the registry's keys and the
 * extractor's word matches always agree:
 *   lw_fold(s, n, 0)              case folded, NFC       ("Kế  HOẠCH" -> "kế hoạch")
 *   lw_fold(s, n, LW_FOLD_MARKS)  case folded, without any diacritics, đ as d: the OCR-proof
 *                                 key ("59/2012/NĐ-CP" -> "59/2012/nd-cp")
 * Both collapse each run of white space (' ', '\t', '\n', '\r') to one space and trim the
 * ends; other spaces (no-break) are kept as characters. Input that is not UTF-8 is not
 * rejected: its ASCII letters are lower-cased and every other byte is kept, then white space
 * is collapsed alike, so a key is always made. A NUL byte ends the input. */
#ifndef LW_FOLD_H
#define LW_FOLD_H

#include <stddef.h>

enum {
    LW_FOLD_MARKS = 1 << 0 /* strip diacritics (and fold đ to d): the key of a word as OCR or a
                              keyboard without Vietnamese may write it */
};

/* The folded form of s[0..n). Returns owned, NUL-terminated (free()); NULL only when out of
 * memory (or s is NULL). */
char *lw_fold(const char *s, size_t n, unsigned flags);

/* lw_fold(s, n, LW_FOLD_MARKS): the key that the store, the registry and the lexicon use. */
static inline char *lw_fold_key(const char *s, size_t n) { return lw_fold(s, n, LW_FOLD_MARKS); }
/* lw_fold(s, n, 0): case folded words that keep their diacritics. */
static inline char *lw_fold_case(const char *s, size_t n) { return lw_fold(s, n, 0); }

#endif
