/* lw_textmap: text with a map back to the input, the buffer every normalizer pass reads and
 * writes. map[i] is always an offset in the ORIGINAL input, so maps compose by copying: a pass
 * that moves byte j of its input to byte i of its output sets m[i] = old m[j].
 * Header-only (static inline): the passes call these once per character, and the calls must
 * stay as cheap as when the passes were one file. The buffer owns t and m (lw_tmap_free). */
#ifndef LW_TEXTMAP_H
#define LW_TEXTMAP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* First allocation and least growth step of a buffer, in bytes: small enough for a word,
 * and growth by half again keeps appends amortized linear. */
#define LW_TMAP_MIN 64

typedef struct {
    char *t;     /* the text, NUL-terminated after every pass; owned */
    uint32_t *m; /* m[i]: offset in the ORIGINAL input of the byte that made t[i]; owned */
    size_t len;
    size_t cap;  /* bytes of t, entries of m */
} lw_tmap;

/* Room for extra more bytes (and the NUL): 0, or -1 out of memory (b unchanged but for
 * a grown t, still owned by b). */
static inline int lw_tmap_reserve(lw_tmap *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : LW_TMAP_MIN;
    while (cap < b->len + extra + 1)
        cap += cap / 2 + LW_TMAP_MIN;
    char *t = realloc(b->t, cap);
    if (!t)
        return -1;
    b->t = t;
    uint32_t *m = realloc(b->m, cap * sizeof *m);
    if (!m)
        return -1;
    b->m = m;
    b->cap = cap;
    return 0;
}

/* Frees t and m; b is empty again. */
static inline void lw_tmap_free(lw_tmap *b)
{
    free(b->t);
    free(b->m);
    b->t = NULL;
    b->m = NULL;
    b->len = b->cap = 0;
}

/* Moves b[st, r) to b[*w, ...) (in place, *w <= st). */
static inline void lw_tmap_move(lw_tmap *b, size_t *w, size_t st, size_t r)
{
    if (*w != st) {
        memmove(b->t + *w, b->t + st, r - st);
        memmove(b->m + *w, b->m + st, (r - st) * sizeof *b->m);
    }
    *w += r - st;
}

#endif
