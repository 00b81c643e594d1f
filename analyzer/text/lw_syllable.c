/* lw_syllable: Vietnamese letters, syllables, tone-mark repair and style (see lw_syllable.h
 * and the words pass in lw_norm.c's overview). */
#include "lw_syllable.h"

#include <pthread.h>
#include <string.h>

#include <unicode/uchar.h>

#include "lw_utf8.h"

/* ------------------------------------------------------------------------------------------
 * Vietnamese letters: 12 vowels x 6 tones x 2 cases, built once from a table and utf8proc.
 * ------------------------------------------------------------------------------------------ */

enum { V_A, V_AW, V_AA, V_E, V_EE, V_I, V_O, V_OO, V_OW, V_U, V_UW, V_Y, V_COUNT };
enum { T_NONE, T_GRAVE, T_ACUTE, T_HOOK, T_TILDE, T_DOT, T_COUNT };

static const int32_t vn_base[2][V_COUNT] = {
    {'a', 0x103, 0xE2, 'e', 0xEA, 'i', 'o', 0xF4, 0x1A1, 'u', 0x1B0, 'y'},
    {'A', 0x102, 0xC2, 'E', 0xCA, 'I', 'O', 0xD4, 0x1A0, 'U', 0x1AF, 'Y'},
};
static const int32_t vn_mark[T_COUNT] = {0, 0x300, 0x301, 0x309, 0x303, 0x323};

int32_t lw_vn_cp[V_COUNT][T_COUNT][2];
/* info = 1 + vowel + 12 * (tone + 6 * upper); 0 = not a Vietnamese vowel */
uint8_t lw_vn_lo[LW_VN_LO_END + 1];           /* U+0000 .. U+01B0 */
uint8_t lw_vn_hi[LW_VN_HI_END - LW_VN_HI_START + 1]; /* U+1EA0 .. U+1EF9 */
static pthread_once_t vn_once = PTHREAD_ONCE_INIT;

static void vn_build(void)
{
    for (int up = 0; up < 2; up++)
        for (int v = 0; v < V_COUNT; v++)
            for (int t = 0; t < T_COUNT; t++) {
                utf8proc_int32_t buf[8];
                utf8proc_ssize_t n =
                    utf8proc_decompose_char(vn_base[up][v], buf, 6, UTF8PROC_DECOMPOSE, NULL);
                if (n < 1 || n > 6)
                    n = 1, buf[0] = vn_base[up][v];
                if (t)
                    buf[n++] = vn_mark[t];
                /* canonical order of the marks (the dot below goes before a circumflex) */
                for (utf8proc_ssize_t i = 2; i < n; i++)
                    for (utf8proc_ssize_t j = i; j > 1 && u_getCombiningClass((UChar32)buf[j - 1]) >
                                                              u_getCombiningClass((UChar32)buf[j]);
                         j--) {
                        int32_t x = buf[j];
                        buf[j] = buf[j - 1];
                        buf[j - 1] = x;
                    }
                n = utf8proc_normalize_utf32(buf, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
                int32_t cp = buf[0];
                lw_vn_cp[v][t][up] = cp;
                uint8_t info = (uint8_t)(1 + v + 12 * (t + 6 * up));
                if (cp <= 0x1B0)
                    lw_vn_lo[cp] = info;
                else if (cp >= 0x1EA0 && cp <= 0x1EF9)
                    lw_vn_hi[cp - 0x1EA0] = info;
            }
}

void lw_vn_init(void)
{
    pthread_once(&vn_once, vn_build);
}

/* ------------------------------------------------------------------------------------------
 * Syllables
 * ------------------------------------------------------------------------------------------ */


typedef struct {
    int32_t cp;
    signed char v; /* vowel id or -1 */
    signed char tone;
    signed char up;
    char c;  /* consonant: lower-case ASCII letter, 'D' for đ; 0 for a vowel */
    int src; /* index of the input letter this one came from */
} syl_letter;

static const char *const syl_initials[] = {
    "",   "b",   "c",  "ch", "d",  "D", "g", "gh", "gi", "h",  "k",  "kh", "l", "m", "n",
    "ng", "ngh", "nh", "p",  "ph", "q", "r", "s",  "t",  "th", "tr", "v",  "x", NULL};
static const char *const syl_finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t", NULL};
/* Vowel groups, a letter per vowel: a ă=W â=A e ê=E i o ô=O ơ=P u ư=U y */
static const char *const syl_nuclei[] = {
    "a",   "W",   "A",   "e",   "E",   "i",   "o",   "O",   "P",   "u",   "U",   "y",   "ai", "ao",
    "au",  "ay",  "Au",  "Ay",  "eo",  "Eu",  "ia",  "iE",  "iu",  "oa",  "oW",  "oe",  "oi", "oo",
    "Oi",  "Pi",  "ua",  "uA",  "uE",  "ui",  "uO",  "uP",  "uy",  "Ua",  "Ui",  "Uu",  "UP", "yE",
    "iEu", "oai", "oay", "oeo", "uAy", "uOi", "uya", "uyE", "uyu", "UPi", "UPu", "yEu", NULL};

static int in_set(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return 1;
    return 0;
}

static int shaped(int v)
{
    return v == V_AW || v == V_AA || v == V_EE || v == V_OO || v == V_OW || v == V_UW;
}

/* Parses cps[0..n) into letters; returns 0 if some letter is not Vietnamese. */
static int syl_letters(const int32_t *cps, int n, syl_letter *L)
{
    for (int i = 0; i < n; i++) {
        int32_t cp = cps[i];
        int vi = lw_vn_info(cp);
        L[i].cp = cp;
        L[i].src = i;
        L[i].c = 0;
        if (vi) {
            vi--;
            L[i].v = (signed char)(vi % 12);
            L[i].tone = (signed char)((vi / 12) % 6);
            L[i].up = (signed char)(vi / 72);
        } else {
            L[i].v = -1;
            L[i].tone = 0;
            if (cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) {
                L[i].c = (char)(cp | 0x20);
                L[i].up = cp < 'a';
            } else if (cp == 0x110 || cp == 0x111) {
                L[i].c = 'D';
                L[i].up = cp == 0x110;
            } else {
                return 0;
            }
        }
    }
    return 1;
}

/* The vowel run of a syllable: [*b, *e) after the "qu"/"gi" adjustment; *vb is where the
 * vowel letters start before it. Returns 0 unless L[0..n) is one valid syllable. */
static int syl_parse(const syl_letter *L, int n, int *vb, int *b, int *e)
{
    int i = 0;
    while (i < n && L[i].v < 0)
        i++;
    if (i == n || i > 3)
        return 0;
    int j = i;
    while (j < n && L[j].v >= 0)
        j++;
    for (int k = j; k < n; k++)
        if (L[k].v >= 0)
            return 0;
    if (n - j > 2)
        return 0;
    char ini[8], fin[4];
    for (int k = 0; k < i; k++)
        ini[k] = L[k].c;
    ini[i] = 0;
    for (int k = j; k < n; k++)
        fin[k - j] = L[k].c;
    fin[n - j] = 0;
    *vb = i;
    if (j - i >= 2 &&
        ((!strcmp(ini, "q") && L[i].v == V_U) || (!strcmp(ini, "g") && L[i].v == V_I)))
        i++;
    else if (!strcmp(ini, "q"))
        return 0;
    if (!in_set(ini, syl_initials) || !in_set(fin, syl_finals) || j - i > 3)
        return 0;
    char nuc[4];
    for (int k = i; k < j; k++)
        nuc[k - i] = "aWAeEioOPuUy"[(int)L[k].v];
    nuc[j - i] = 0;
    if (!in_set(nuc, syl_nuclei))
        return 0;
    *b = i;
    *e = j;
    return 1;
}

/* Where the orthography puts the tone of vowels [b, e) (government style). */
static int syl_tone_pos(const syl_letter *L, int b, int e, int has_final)
{
    int pos = -1;
    for (int k = b; k < e; k++)
        if (shaped(L[k].v))
            pos = k;
    if (pos >= 0)
        return pos;
    if (has_final)
        return e - 1;
    if (e - b == 3)
        return b + 1;
    return b;
}

/* Repairs and restyles one letter run in place; returns the new count. */
static int syl_fix(syl_letter *L, int n, int style, int repair)
{
    int vb, b, e;
    if (n < 1 || n > LW_SYL_MAX)
        return n;
    if (repair) {
        /* merge OCR-duplicated vowels: same letter and shape, one of them marked or shaped;
         * "oo" is a real Vietnamese vowel ("xoong", "soóc"). Kept only if a syllable results. */
        syl_letter M[LW_SYL_MAX + 1];
        int m = n, i = 0;
        memcpy(M, L, (size_t)n * sizeof *L);
        while (i < m && M[i].v < 0)
            i++;
        for (int k = i; k + 1 < m && M[k].v >= 0 && M[k + 1].v >= 0;) {
            if (M[k].v == M[k + 1].v && M[k].v != V_O &&
                (M[k].tone || M[k + 1].tone || shaped(M[k].v))) {
                if (M[k + 1].tone)
                    M[k].tone = M[k + 1].tone;
                memmove(M + k + 1, M + k + 2, (size_t)(m - k - 2) * sizeof *M);
                m--;
            } else {
                k++;
            }
        }
        if (m < n && syl_parse(M, m, &vb, &b, &e)) {
            memcpy(L, M, (size_t)m * sizeof *M);
            n = m;
        }
    }
    if (!syl_parse(L, n, &vb, &b, &e))
        return n;
    int has_final = e < n;
    if (repair) {
        int marked = 0, last = -1;
        for (int k = vb; k < e; k++)
            if (L[k].tone) {
                marked++;
                last = k;
            }
        if (marked >= 2) {
            int pos = syl_tone_pos(L, b, e, has_final);
            int tone = L[pos].tone ? L[pos].tone : L[last].tone;
            for (int k = vb; k < e; k++)
                L[k].tone = 0;
            L[pos].tone = (signed char)tone;
        }
    }
    if (style && !has_final && e - b == 2 && !L[b].tone && L[b + 1].tone &&
        ((L[b].v == V_O && (L[b + 1].v == V_A || L[b + 1].v == V_E)) ||
         (L[b].v == V_U && L[b + 1].v == V_Y))) {
        L[b].tone = L[b + 1].tone;
        L[b + 1].tone = 0;
    }
    for (int k = 0; k < n; k++)
        if (L[k].v >= 0)
            L[k].cp = lw_vn_cp[(int)L[k].v][(int)L[k].tone][(int)L[k].up];
    return n;
}

/* Applies syl_fix to every letter run of word[0..len); writes into out (cap bytes). */
static int word_helper(const char *word, size_t len, char *out, size_t cap, int style, int repair)
{
    lw_vn_init();
    size_t i = 0, o = 0;
    const unsigned char *s = (const unsigned char *)word;
    while (i < len) {
        int32_t cp;
        int l = lw_utf8_dec((const char *)s + i, len - i, &cp);
        if (!lw_is_letter(cp)) {
            if (o + (size_t)l >= cap)
                return -1;
            memcpy(out + o, word + i, (size_t)l);
            o += (size_t)l;
            i += (size_t)l;
            continue;
        }
        int32_t cps[LW_SYL_MAX + 1];
        size_t st = i;
        int n = 0;
        while (i < len) {
            int32_t c;
            int k = lw_utf8_dec((const char *)s + i, len - i, &c);
            if (!lw_is_letter(c))
                break;
            if (n <= LW_SYL_MAX)
                cps[n] = c;
            n++;
            i += (size_t)k;
        }
        syl_letter L[LW_SYL_MAX + 1];
        if (n <= LW_SYL_MAX && syl_letters(cps, n, L)) {
            int m = syl_fix(L, n, style, repair);
            for (int k = 0; k < m; k++) {
                if (o + 4 >= cap)
                    return -1;
                o += (size_t)lw_utf8_enc(L[k].cp, out + o);
            }
        } else {
            if (o + (i - st) >= cap)
                return -1;
            memcpy(out + o, word + st, i - st);
            o += i - st;
        }
    }
    if (o >= cap)
        return -1;
    out[o] = 0;
    return (int)o;
}

int lw_norm_tone_style(const char *word, size_t len, char *out, size_t cap)
{
    return word_helper(word, len, out, cap, 1, 0);
}

int lw_norm_fix_marks(const char *word, size_t len, char *out, size_t cap)
{
    return word_helper(word, len, out, cap, 0, 1);
}

/* Whether bytes p[0..n) are one Vietnamese syllable. */
int lw_is_syllable(const char *p, size_t n)
{
    int32_t cps[LW_SYL_MAX + 1];
    int k = 0;
    for (size_t i = 0; i < n;) {
        int32_t c;
        int l = lw_utf8_dec((const char *)(const unsigned char *)p + i, n - i, &c);
        if (!lw_is_letter(c) || k == LW_SYL_MAX)
            return 0;
        cps[k++] = c;
        i += (size_t)l;
    }
    syl_letter L[LW_SYL_MAX + 1];
    int vb, b, e;
    return k > 0 && syl_letters(cps, k, L) && syl_parse(L, k, &vb, &b, &e);
}

/* ------------------------------------------------------------------------------------------
 * The words pass (in place)
 * ------------------------------------------------------------------------------------------ */

/* A quick test before parsing: whether syl_fix can change the word at all (two marks, a
 * doubled vowel, or a mark on the a/e/y of oa/oe/uy). Most words have one mark elsewhere. */
static int word_may_change(const int32_t *cps, int n)
{
    int marked = 0, prev_v = -1;
    for (int i = 0; i < n; i++) {
        int vi = lw_vn_info(cps[i]);
        if (!vi) {
            prev_v = -1;
            continue;
        }
        vi--;
        int v = vi % 12, t = (vi / 12) % 6;
        if (v == prev_v)
            return 1;
        if (t) {
            if (++marked > 1)
                return 1;
            if (((v == V_A || v == V_E) && prev_v == V_O) || (v == V_Y && prev_v == V_U))
                return 1;
        }
        prev_v = v;
    }
    return 0;
}

void lw_norm_pass_words(lw_tmap *b, int style, int repair)
{
    const unsigned char *s = (const unsigned char *)b->t;
    size_t len = b->len, r = 0, w = 0;
    while (r < len) {
        size_t st = r;
        int32_t cp;
        int l = lw_utf8_dec((const char *)s + r, len - r, &cp);
        if (!lw_is_letter(cp)) {
            /* a stretch of non-letters */
            r += (size_t)l;
            while (r < len) {
                int l2 = 1;
                if (s[r] < 0x80)
                    cp = s[r];
                else
                    l2 = lw_utf8_dec((const char *)s + r, len - r, &cp);
                if (lw_is_letter(cp))
                    break;
                r += (size_t)l2;
            }
            lw_tmap_move(b, &w, st, r);
            continue;
        }
        int32_t cps[LW_SYL_MAX + 1];
        size_t pos[LW_SYL_MAX + 2];
        int n = 0, nonascii = 0;
        while (r < len) {
            if (s[r] < 0x80) {
                unsigned c = s[r] | 0x20;
                if (c < 'a' || c > 'z')
                    break;
                cp = s[r];
                l = 1;
            } else {
                l = lw_utf8_dec((const char *)s + r, len - r, &cp);
                if (!lw_is_letter(cp))
                    break;
                nonascii = 1;
            }
            if (n <= LW_SYL_MAX) {
                cps[n] = cp;
                pos[n] = r;
            }
            n++;
            r += (size_t)l;
        }
        int marked = 0; /* a combining mark left after the word belongs to its last letter */
        if (r < len && s[r] >= 0xCC) {
            int32_t mc;
            lw_utf8_dec((const char *)s + r, len - r, &mc);
            marked = mc >= 0x300 && u_getCombiningClass((UChar32)mc) > 0;
        }
        syl_letter L[LW_SYL_MAX + 1];
        if (nonascii && !marked && n <= LW_SYL_MAX && word_may_change(cps, n) &&
            syl_letters(cps, n, L)) {
            pos[n] = r;
            int m = syl_fix(L, n, style, repair);
            char tmp[LW_SYL_MAX * 4 + 4];
            uint32_t tmap[LW_SYL_MAX * 4 + 4];
            size_t o = 0;
            for (int k = 0; k < m; k++) {
                int sidx = L[k].src;
                size_t sp = pos[sidx], sl = pos[sidx + 1] - pos[sidx];
                int el = lw_utf8_enc(L[k].cp, tmp + o);
                for (int q = 0; q < el; q++)
                    tmap[o + (size_t)q] = b->m[sp + ((size_t)q < sl ? (size_t)q : sl - 1)];
                o += (size_t)el;
            }
            if (o <= r - st) {
                memcpy(b->t + w, tmp, o);
                memcpy(b->m + w, tmap, o * sizeof *tmap);
                w += o;
                continue;
            }
        }
        lw_tmap_move(b, &w, st, r);
    }
    b->len = w;
    b->t[w] = 0;
}
