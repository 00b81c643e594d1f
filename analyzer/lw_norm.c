/* lw_norm: canonical text for the rules, with a map back to the input.
 *
 * The normalizer runs four passes. Every pass reads (text, map) and writes (text, map), where
 * map[i] is always an offset in the ORIGINAL input, so maps compose by copying: a pass that
 * moves output byte j of its input to byte i of its output sets out.map[i] = in.map[j].
 * Within a character that was replaced by another, byte k of the new character maps to byte
 * min(k, old_len - 1) of the character it came from, so the first byte of every output
 * character maps to the first byte of an input character.
 *
 *  1. chars (input -> buffer): CRLF and CR to LF, form feed to LF; tab, no-break and odd spaces
 *     (U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F, U+3000) to ' '; zero-width characters
 *     (U+200B-U+200D, U+2060, U+FEFF), LRM/RLM and the soft hyphen U+00AD removed; look-alikes
 *     U+00D0 Ð and U+0189 Ɖ to U+0110 Đ, U+00F0 ð and U+0256 ɖ to U+0111 đ. Then NFC: each
 *     character is checked with ICU's NFC quick-check property (everything below U+0300 and the
 *     Vietnamese block U+1EA0-U+1EF9 is known to pass); only a segment (a starter and its
 *     following non-starters) holding a character that fails the check is decomposed
 *     (utf8proc_decompose_char), put in canonical order, has its circumflex/breve moved before
 *     any tone mark of the same combining class (a + U+0300 + U+0302 would not compose under
 *     plain NFC), and is composed pair by pair with utf8proc. Curly quotes are kept.
 *  2. words (in place): every run of letters holding a non-ASCII letter is parsed as a
 *     Vietnamese syllable (initial consonants, one run of vowels, final consonants; "qu" and
 *     "gi" take their vowel as part of the consonant). Runs that are not one valid syllable are
 *     left alone. In a syllable, an OCR-duplicated vowel ("việệc", "quảản") is merged, and two
 *     or more tone marks ("Nghịệp") are reduced to one, placed where the orthography puts it:
 *     on the (last) vowel with a shape (ê ơ ô â ă ư; ơ in ươ), else on the last vowel when a
 *     consonant follows, else on the first of two or the middle of three vowels. The tone kept
 *     is the one on that vowel, else the one on the last marked vowel. Then the government
 *     templates' style: the mark of a final open oa/oe/uy goes on its first vowel ("hoà" ->
 *     "hòa", "uỷ" -> "ủy", "khoẻ" -> "khỏe"), never in "qu" words ("quý").
 *  3. markdown (in place): emphasis runs of 1-3 '*' that open (next char not a space) and close
 *     (previous char not a space) within 8 lines and with the same length are removed; an
 *     emphasized single letter standing alone ("*W*", a converter's glyph) is removed whole.
 *     A lone '*' bullet or an unmatched star is kept.
 *  4. lines (in place): leading/trailing spaces removed, space runs collapsed to one space.
 *     Artefact lines are dropped: page numbers ("- 2 -", "Trang 2", "Page 2/5"; a line that is
 *     only a 1-3 digit number when it sits within 3 lines of a running header or when the next
 *     or previous page number sits 10-150 lines away), and running headers (the same short
 *     line, without sentence punctuation and not a list item, seen 3+ times at least 8 lines
 *     apart, mostly next to page numbers: the Official Gazette's "CÔNG BÁO/Số ...").
 *     Then unwrapping, see decide_join(). OUTPUT FORMAT (our choice): one line per paragraph,
 *     paragraphs separated by a single '\n', no blank lines; the last line ends with '\n' iff
 *     the input's last non-blank line did. Joined lines get one space (mapped to the '\n' it
 *     replaces). De-hyphenation: "59/2012/NĐ-" + "CP" joins without a space ("NĐ-CP"); a spaced
 *     dash "kinh tế -" + "xã hội" joins with a space ("kinh tế - xã hội"); a letter-hyphen
 *     ("thực-" + "hiện") drops the hyphen and joins with a space when both halves are
 *     Vietnamese syllables, without one otherwise ("Inter-" + "net").
 *
 * Everything is linear in the input (segments and words are capped in length, the markdown
 * matcher looks back a bounded number of openers, the page-number chain search is a binary
 * search). Memory: the output text and its map (5 bytes per byte) plus one 20-byte record per
 * non-blank line. Offsets are 32-bit: inputs of 4 GiB or more are refused (LW_ERR_TOO_LARGE).
 */
#include "lw_norm.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------------------------------
 * UTF-8
 * ------------------------------------------------------------------------------------------ */

/* Decodes one character; an invalid or truncated sequence is one byte with *cp = -1. */
static int u8_dec(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c < 0xE0) {
        if (n >= 2 && (s[1] & 0xC0) == 0x80) {
            *cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
            return 2;
        }
    } else if (c >= 0xE0 && c < 0xF0) {
        if (n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
            int32_t v = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F));
            if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
                *cp = v;
                return 3;
            }
        }
    } else if (c >= 0xF0 && c < 0xF5) {
        if (n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
            int32_t v = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) |
                                  ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F));
            if (v >= 0x10000 && v <= 0x10FFFF) {
                *cp = v;
                return 4;
            }
        }
    }
    *cp = -1;
    return 1;
}

static int u8_enc(int32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int u8_len(int32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Start of the character that ends just before position i (i > 0). */
static size_t u8_prev(const char *t, size_t i)
{
    size_t j = i - 1;
    int k = 0;
    while (j > 0 && k < 3 && ((unsigned char)t[j] & 0xC0) == 0x80) {
        j--;
        k++;
    }
    return j;
}

/* ------------------------------------------------------------------------------------------
 * Text with a map
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    char *t;
    uint32_t *m;
    size_t len;
    size_t cap;
} tm_buf;

static int tm_reserve(tm_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap += cap / 2 + 64;
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

static void tm_free(tm_buf *b)
{
    free(b->t);
    free(b->m);
    b->t = NULL;
    b->m = NULL;
    b->len = b->cap = 0;
}

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

static int32_t vn_cp[V_COUNT][T_COUNT][2];
/* info = 1 + vowel + 12 * (tone + 6 * upper); 0 = not a Vietnamese vowel */
static uint8_t vn_lo[0x1B1];          /* U+0000 .. U+01B0 */
static uint8_t vn_hi[0x1EFA - 0x1EA0]; /* U+1EA0 .. U+1EF9 */
static pthread_once_t vn_once = PTHREAD_ONCE_INIT;

static void vn_build(void)
{
    for (int up = 0; up < 2; up++)
        for (int v = 0; v < V_COUNT; v++)
            for (int t = 0; t < T_COUNT; t++) {
                utf8proc_int32_t buf[8];
                utf8proc_ssize_t n = utf8proc_decompose_char(vn_base[up][v], buf, 6,
                                                             UTF8PROC_DECOMPOSE, NULL);
                if (n < 1 || n > 6)
                    n = 1, buf[0] = vn_base[up][v];
                if (t)
                    buf[n++] = vn_mark[t];
                /* canonical order: dot below (220) before the shape marks (230) */
                for (utf8proc_ssize_t i = 1; i + 1 < n; i++)
                    if (buf[n - 1] == 0x323) {
                        int32_t x = buf[n - 1];
                        memmove(buf + 2, buf + 1, (size_t)(n - 2) * sizeof *buf);
                        buf[1] = x;
                        break;
                    }
                n = utf8proc_normalize_utf32(buf, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
                int32_t cp = buf[0];
                vn_cp[v][t][up] = cp;
                uint8_t info = (uint8_t)(1 + v + 12 * (t + 6 * up));
                if (cp <= 0x1B0)
                    vn_lo[cp] = info;
                else if (cp >= 0x1EA0 && cp <= 0x1EF9)
                    vn_hi[cp - 0x1EA0] = info;
            }
}

static void vn_init(void)
{
    pthread_once(&vn_once, vn_build);
}

/* Vowel info of cp, or 0. */
static int vn_info(int32_t cp)
{
    if (cp >= 0 && cp <= 0x1B0)
        return vn_lo[cp];
    if (cp >= 0x1EA0 && cp <= 0x1EF9)
        return vn_hi[cp - 0x1EA0];
    return 0;
}

static int is_letter(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (cp >= 0xC0 && cp <= 0x24F)
        return cp != 0xD7 && cp != 0xF7;
    if (cp >= 0x1E00 && cp <= 0x1EFF)
        return 1;
    if (cp < 0x370 || (cp >= 0x2000 && cp < 0x3000))
        return 0;
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

/* 1 upper, -1 lower, 0 neither */
static int letter_case(int32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'a' && cp <= 'z')
            return -1;
        if (cp >= 'A' && cp <= 'Z')
            return 1;
        return 0;
    }
    int vi = vn_info(cp);
    if (vi)
        return (vi - 1) / 72 ? 1 : -1;
    utf8proc_category_t c = utf8proc_category(cp);
    if (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT)
        return 1;
    if (c == UTF8PROC_CATEGORY_LL)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Syllables
 * ------------------------------------------------------------------------------------------ */

#define SYL_MAX 24

typedef struct {
    int32_t cp;
    signed char v;     /* vowel id or -1 */
    signed char tone;
    signed char up;
    char c;            /* consonant: lower-case ASCII letter, 'D' for đ; 0 for a vowel */
    int src;           /* index of the input letter this one came from */
} syl_letter;

static const char *const syl_initials[] = {
    "", "b", "c", "ch", "d", "D", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "q", "r", "s", "t", "th", "tr", "v", "x", NULL};
static const char *const syl_finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t", NULL};

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
        int vi = vn_info(cp);
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
    if (j - i >= 2 && ((!strcmp(ini, "q") && L[i].v == V_U) || (!strcmp(ini, "g") && L[i].v == V_I)))
        i++;
    else if (!strcmp(ini, "q"))
        return 0;
    if (!in_set(ini, syl_initials) || !in_set(fin, syl_finals) || j - i > 3)
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
    if (n < 1 || n > SYL_MAX)
        return n;
    if (repair) {
        /* merge OCR-duplicated vowels: same letter and shape, one of them marked or shaped;
         * "oo" is a real Vietnamese vowel ("xoong", "soóc") */
        int i = 0;
        while (i < n && L[i].v < 0)
            i++;
        for (int k = i; k + 1 < n && L[k].v >= 0 && L[k + 1].v >= 0;) {
            if (L[k].v == L[k + 1].v && L[k].v != V_O &&
                (L[k].tone || L[k + 1].tone || shaped(L[k].v))) {
                if (L[k + 1].tone)
                    L[k].tone = L[k + 1].tone;
                memmove(L + k + 1, L + k + 2, (size_t)(n - k - 2) * sizeof *L);
                n--;
            } else {
                k++;
            }
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
            L[k].cp = vn_cp[(int)L[k].v][(int)L[k].tone][(int)L[k].up];
    return n;
}

/* Applies syl_fix to every letter run of word[0..len); writes into out (cap bytes). */
static int word_helper(const char *word, size_t len, char *out, size_t cap, int style, int repair)
{
    vn_init();
    size_t i = 0, o = 0;
    const unsigned char *s = (const unsigned char *)word;
    while (i < len) {
        int32_t cp;
        int l = u8_dec(s + i, len - i, &cp);
        if (!is_letter(cp)) {
            if (o + (size_t)l >= cap)
                return -1;
            memcpy(out + o, word + i, (size_t)l);
            o += (size_t)l;
            i += (size_t)l;
            continue;
        }
        int32_t cps[SYL_MAX + 1];
        size_t st = i;
        int n = 0;
        while (i < len) {
            int32_t c;
            int k = u8_dec(s + i, len - i, &c);
            if (!is_letter(c))
                break;
            if (n <= SYL_MAX)
                cps[n] = c;
            n++;
            i += (size_t)k;
        }
        syl_letter L[SYL_MAX + 1];
        if (n <= SYL_MAX && syl_letters(cps, n, L)) {
            int m = syl_fix(L, n, style, repair);
            for (int k = 0; k < m; k++) {
                if (o + 4 >= cap)
                    return -1;
                o += (size_t)u8_enc(L[k].cp, out + o);
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

/* ------------------------------------------------------------------------------------------
 * Pass 1: characters and NFC
 * ------------------------------------------------------------------------------------------ */

#define SEG_MAX 32

typedef struct {
    int32_t cp;
    uint32_t off;
    uint8_t len;
} seg_cp;

/* The replacement of cp: the same, another code point, -1 to delete. */
static int32_t map_cp(int32_t cp)
{
    if (cp < 0x80) {
        if (cp == '\t')
            return ' ';
        if (cp == '\f' || cp == '\v')
            return '\n';
        return cp;
    }
    switch (cp) {
    case 0xA0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
        return ' ';
    case 0x200B: case 0x200C: case 0x200D: case 0x200E: case 0x200F: case 0x2060: case 0xFEFF:
    case 0xAD:
        return -1;
    case 0xD0: case 0x189:
        return 0x110;
    case 0xF0: case 0x256:
        return 0x111;
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x200A)
        return ' ';
    return cp;
}

/* 1 if cp is an NFC starter that never combines with what precedes it. */
static int nfc_yes_starter(int32_t cp)
{
    if (cp < 0x300)
        return 1;
    if (cp >= 0x1EA0 && cp <= 0x1EF9)
        return 1;
    return u_getCombiningClass((UChar32)cp) == 0 &&
           u_getIntPropertyValue((UChar32)cp, UCHAR_NFC_QUICK_CHECK) == UNORM_YES;
}

static int32_t compose_pair(int32_t a, int32_t b)
{
    utf8proc_int32_t buf[2] = {a, b};
    if (utf8proc_normalize_utf32(buf, 2, UTF8PROC_COMPOSE | UTF8PROC_STABLE) == 1)
        return buf[0];
    return -1;
}

static int is_shape_mark(int32_t cp)
{
    return cp == 0x302 || cp == 0x306;
}

static int is_tone_mark(int32_t cp)
{
    return cp == 0x300 || cp == 0x301 || cp == 0x303 || cp == 0x309 || cp == 0x340 || cp == 0x341;
}

static int emit_cp(tm_buf *o, int32_t cp, uint32_t off, int srclen)
{
    if (tm_reserve(o, 4))
        return -1;
    int l = u8_enc(cp, o->t + o->len);
    for (int k = 0; k < l; k++)
        o->m[o->len + (size_t)k] = off + (uint32_t)(k < srclen ? k : srclen - 1);
    o->len += (size_t)l;
    return 0;
}

/* Normalizes seg[0..n) (NFC with the Vietnamese mark order) and appends it. */
static int seg_flush_slow(tm_buf *o, const seg_cp *seg, int n)
{
    utf8proc_int32_t d[SEG_MAX * 4 + 8];
    int src[SEG_MAX * 4 + 8];
    int cc[SEG_MAX * 4 + 8];
    int m = 0;
    for (int i = 0; i < n; i++) {
        utf8proc_int32_t tmp[8];
        utf8proc_ssize_t r = utf8proc_decompose_char(seg[i].cp, tmp, 8, UTF8PROC_DECOMPOSE, NULL);
        if (r < 1 || r > 8) {
            tmp[0] = seg[i].cp;
            r = 1;
        }
        for (utf8proc_ssize_t k = 0; k < r && m < SEG_MAX * 4 + 8; k++) {
            d[m] = tmp[k];
            src[m] = i;
            cc[m] = u_getCombiningClass((UChar32)tmp[k]);
            m++;
        }
    }
    /* canonical ordering (stable insertion sort of each run of non-starters) */
    for (int i = 1; i < m; i++) {
        if (!cc[i])
            continue;
        int j = i;
        while (j > 0 && cc[j - 1] > cc[j]) {
            utf8proc_int32_t td = d[j];
            d[j] = d[j - 1];
            d[j - 1] = td;
            int ts = src[j];
            src[j] = src[j - 1];
            src[j - 1] = ts;
            int tc = cc[j];
            cc[j] = cc[j - 1];
            cc[j - 1] = tc;
            j--;
        }
    }
    /* Vietnamese: a circumflex or breve goes before a tone mark of the same class */
    for (int i = 1; i < m; i++) {
        if (!is_shape_mark(d[i]))
            continue;
        int j = i;
        while (j > 0 && cc[j - 1] == cc[j] && is_tone_mark(d[j - 1])) {
            utf8proc_int32_t td = d[j];
            d[j] = d[j - 1];
            d[j - 1] = td;
            int ts = src[j];
            src[j] = src[j - 1];
            src[j - 1] = ts;
            j--;
        }
    }
    /* canonical composition */
    int starter = -1, last_cc = -1, w = 0;
    for (int i = 0; i < m; i++) {
        int c = cc[i];
        if (starter >= 0 && (last_cc < c || (last_cc == 0 && c == 0 && w == starter + 1))) {
            int32_t comp = compose_pair(d[starter], d[i]);
            if (comp >= 0) {
                d[starter] = comp;
                continue;
            }
        }
        if (c == 0) {
            starter = w;
            last_cc = 0;
        } else {
            last_cc = c;
        }
        d[w] = d[i];
        src[w] = src[i];
        cc[w] = c;
        w++;
    }
    for (int i = 0; i < w; i++)
        if (emit_cp(o, d[i], seg[src[i]].off, seg[src[i]].len))
            return -1;
    return 0;
}

static lw_status pass_chars(const char *in, size_t len, tm_buf *o)
{
    const unsigned char *s = (const unsigned char *)in;
    if (tm_reserve(o, len + 16))
        return LW_ERR_NOMEM;
    seg_cp seg[SEG_MAX];
    int n = 0, slow = 0;
    size_t i = 0;
    while (i <= len) {
        int32_t cp;
        int l;
        if (i == len) {
            cp = -2; /* end */
            l = 1;
        } else if (s[i] < 0x80) {
            cp = s[i];
            l = 1;
            if (cp == '\r') {
                cp = '\n';
                if (i + 1 < len && s[i + 1] == '\n')
                    l = 2;
            }
        } else {
            l = u8_dec(s + i, len - i, &cp);
        }
        int32_t mc = cp >= 0 ? map_cp(cp) : cp;
        if (mc == -1 && cp >= 0) { /* deleted */
            i += (size_t)l;
            continue;
        }
        int starter = mc < 0 || nfc_yes_starter(mc);
        if (starter || n == SEG_MAX) {
            /* flush the pending segment */
            if (n == 1 && !slow) {
                if (seg[0].cp < 0) {
                    if (tm_reserve(o, 1))
                        return LW_ERR_NOMEM;
                    o->t[o->len] = in[seg[0].off];
                    o->m[o->len++] = seg[0].off;
                } else if (seg[0].cp < 0x80 && seg[0].len == 1) {
                    if (tm_reserve(o, 1))
                        return LW_ERR_NOMEM;
                    o->t[o->len] = (char)seg[0].cp;
                    o->m[o->len++] = seg[0].off;
                } else if (emit_cp(o, seg[0].cp, seg[0].off, seg[0].len)) {
                    return LW_ERR_NOMEM;
                }
            } else if (n > 0) {
                if (seg_flush_slow(o, seg, n))
                    return LW_ERR_NOMEM;
            }
            n = 0;
            slow = !starter;
        }
        if (cp == -2)
            break;
        if (!starter)
            slow = 1;
        seg[n].cp = mc;
        seg[n].off = (uint32_t)i;
        seg[n].len = (uint8_t)l;
        n++;
        i += (size_t)l;
    }
    o->t[o->len] = 0;
    return LW_OK;
}

/* ------------------------------------------------------------------------------------------
 * Pass 2: words (in place)
 * ------------------------------------------------------------------------------------------ */

/* Moves b[st, r) to b[*w, ...) (in place, *w <= st). */
static void tm_move(tm_buf *b, size_t *w, size_t st, size_t r)
{
    if (*w != st) {
        memmove(b->t + *w, b->t + st, r - st);
        memmove(b->m + *w, b->m + st, (r - st) * sizeof *b->m);
    }
    *w += r - st;
}

static void pass_words(tm_buf *b, int style, int repair)
{
    const unsigned char *s = (const unsigned char *)b->t;
    size_t len = b->len, r = 0, w = 0;
    while (r < len) {
        size_t st = r;
        int32_t cp;
        int l = u8_dec(s + r, len - r, &cp);
        if (!is_letter(cp)) {
            /* a stretch of non-letters */
            r += (size_t)l;
            while (r < len && !is_letter(s[r] < 0x80 ? (int32_t)s[r] : (u8_dec(s + r, len - r, &cp), cp)))
                r += s[r] < 0x80 ? 1 : (size_t)u8_dec(s + r, len - r, &cp);
            tm_move(b, &w, st, r);
            continue;
        }
        int32_t cps[SYL_MAX + 1];
        size_t pos[SYL_MAX + 2];
        int n = 0, nonascii = 0;
        while (r < len) {
            if (s[r] < 0x80) {
                unsigned c = s[r] | 0x20;
                if (c < 'a' || c > 'z')
                    break;
                cp = s[r];
                l = 1;
            } else {
                l = u8_dec(s + r, len - r, &cp);
                if (!is_letter(cp))
                    break;
                nonascii = 1;
            }
            if (n <= SYL_MAX) {
                cps[n] = cp;
                pos[n] = r;
            }
            n++;
            r += (size_t)l;
        }
        syl_letter L[SYL_MAX + 1];
        if (nonascii && n <= SYL_MAX && syl_letters(cps, n, L)) {
            pos[n] = r;
            int m = syl_fix(L, n, style, repair);
            char tmp[SYL_MAX * 4 + 4];
            uint32_t tmap[SYL_MAX * 4 + 4];
            size_t o = 0;
            for (int k = 0; k < m; k++) {
                int sidx = L[k].src;
                size_t sp = pos[sidx], sl = pos[sidx + 1] - pos[sidx];
                int el = u8_enc(L[k].cp, tmp + o);
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
        tm_move(b, &w, st, r);
    }
    b->len = w;
    b->t[w] = 0;
}
