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
 *  2. markdown (in place): emphasis runs of 1-3 '*' that open (a letter, digit or quote
 *     follows) and close (a letter, digit, quote or . : ; , ) ! ? precedes) with the same
 *     length, the nearest open run first (overlaps allowed, so that removing a pair leaves no
 *     new pair for a second run), are removed; an
 *     emphasized single letter standing alone ("*W*", a converter's glyph) is removed whole.
 *     A lone '*' bullet, an unmatched star or one carrying a combining mark is kept.
 *  3. lines (in place): leading/trailing spaces removed, space runs collapsed to one space.
 *     Artefact lines are dropped: page numbers ("- 2 -", "Trang 2", "Page 2/5"; a line that is
 *     only a 1-3 digit number when it sits within 3 lines of a running header, or between text
 *     lines with the page number before or after it 10-150 lines away), and running headers
 *     (the same line of 8-100 characters holding a digit or in capitals, without sentence
 *     punctuation and not a list item, seen 3+ times at least 8 lines apart, two thirds of the
 *     times right next to a page number: the Official Gazette's "CÔNG BÁO/Số ...").
 *     OUTPUT FORMAT (our choice): one line per paragraph, paragraphs separated by a single
 *     '\n', no blank lines; the last line ends with '\n' iff the input's last non-blank line
 *     did. Joined lines get one space, mapped to the '\n' it replaces.
 *     UNWRAPPING (decide_join): the document is "double-spaced" when 60% of its lines are
 *     followed by a blank line (then blank lines mean nothing), "hard-wrapped" when 35% of its
 *     lines have 38-50 to 138-150 characters (the fullest such window ends at the peak), 45%
 *     are longer than 0.7 W, where W is the 97th percentile of the lengths up to peak + 8, and
 *     10% of the line pairs (and at least 3) are a line ending mid-sentence before a
 *     lower-case line (so the unwrapped output never looks hard-wrapped again). A break is kept
 *     before and after: lines without letters or digits ("-------"); header block lines ("Số:",
 *     "V/v", "Kính gửi", "Nơi nhận", "KT./TM./TL.", the motto, "<place>, ngày .. tháng .. năm
 *     ....") -- a "V/v" subject wrapped over several lines is joined into one; headings in
 *     capitals (two capital lines join only after a function word, a dash or a comma, or in
 *     a wrapped document when the first is full); before list and section markers ("1.",
 *     "2.1.", "a)", "(1)", "-", "+", "•", "I.", "A.", "Điều 5.", "Chương II") but for a
 *     bullet followed by lower case ("kinh tế\n- xã hội"); after a sentence end (. ; : ! ?,
 *     also before a closing quote or parenthesis) but for ';' before lower case. Otherwise the
 *     lines join when the next starts in lower case, or this one ends with ',' or a function
 *     word ("và", "của", "các", "số", "ngày", ...), or with "năm" before a number. Then, in a
 *     wrapped document: a blank line (not double-spaced) breaks; a line that the next line's
 *     first word would have fitted on, with W/10 to spare, ended its paragraph (the first line
 *     of a numbered heading before a full-width capitalized line: with nothing to spare); else
 *     join. In other documents the lines break, but for a line of 100+ characters before a
 *     blank (a page break inside a paragraph). No rule joins two lines because no blank line
 *     separates them, so the output (which has no blank lines) normalizes to itself.
 *     De-hyphenation: "59/2012/NĐ-" + "CP", "01/2024/" + "TT-BTP" and "Covid-" + "19" join
 *     without a space; a spaced dash "kinh tế -" + "xã hội" joins with a space ("kinh tế -
 *     xã hội"); a letter-hyphen ("thực-" + "hiện") drops the hyphen and joins with a space
 *     when both halves are Vietnamese syllables ("thực hiện"), without one otherwise
 *     ("Inter-" + "net" -> "Internet"). Options: unwrap = 0 keeps every line and blank line.
 *
 *  4. words (in place; run before the lines pass and again after it, for the words that
 *     joining made): every run of letters holding a non-ASCII letter is parsed as a
 *     Vietnamese syllable (initial consonants, one of the 54 vowel groups, final consonants;
 *     "qu" and "gi" take their vowel as part of the consonant). Runs that are not one valid
 *     syllable are left alone. In a syllable, an OCR-duplicated vowel ("việệc", "quảản") is merged, and two
 *     or more tone marks ("Nghịệp") are reduced to one, placed where the orthography puts it:
 *     on the (last) vowel with a shape (ê ơ ô â ă ư; ơ in ươ), else on the last vowel when a
 *     consonant follows, else on the first of two or the middle of three vowels. The tone kept
 *     is the one on that vowel, else the one on the last marked vowel. Then the government
 *     templates' style: the mark of a final open oa/oe/uy goes on its first vowel ("hoà" ->
 *     "hòa", "uỷ" -> "ủy", "khoẻ" -> "khỏe"), never in "qu" words ("quý").
 * Everything is linear in the input (segments and words are capped in length, the markdown
 * matcher looks back a bounded number of openers, the page-number chain search is a binary
 * search). Memory: the output text and its map (5 bytes per byte) plus one 40-byte record per
 * non-blank line. Offsets are 32-bit: inputs of 4 GiB or more are refused (LW_ERR_TOO_LARGE).
 */
#include "lw_norm.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
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
static uint8_t vn_lo[0x1B1];           /* U+0000 .. U+01B0 */
static uint8_t vn_hi[0x1EFA - 0x1EA0]; /* U+1EA0 .. U+1EF9 */
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
    if (n < 1 || n > SYL_MAX)
        return n;
    if (repair) {
        /* merge OCR-duplicated vowels: same letter and shape, one of them marked or shaped;
         * "oo" is a real Vietnamese vowel ("xoong", "soóc"). Kept only if a syllable results. */
        syl_letter M[SYL_MAX + 1];
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
    case 0xA0:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return ' ';
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x200E:
    case 0x200F:
    case 0x2060:
    case 0xFEFF:
    case 0xAD:
        return -1;
    case 0xD0:
    case 0x189:
        return 0x110;
    case 0xF0:
    case 0x256:
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
    /* every byte of a character made here maps to the start of its source character; marks
     * left uncomposed may have moved before others: the map must not decrease */
    uint32_t last = 0;
    for (int i = 0; i < w; i++) {
        uint32_t off = seg[src[i]].off;
        if (off < last)
            off = last;
        if (emit_cp(o, d[i], off, 1))
            return -1;
        last = off;
    }
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

/* A quick test before parsing: whether syl_fix can change the word at all (two marks, a
 * doubled vowel, or a mark on the a/e/y of oa/oe/uy). Most words have one mark elsewhere. */
static int word_may_change(const int32_t *cps, int n)
{
    int marked = 0, prev_v = -1;
    for (int i = 0; i < n; i++) {
        int vi = vn_info(cps[i]);
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
            while (r < len) {
                int l2 = 1;
                if (s[r] < 0x80)
                    cp = s[r];
                else
                    l2 = u8_dec(s + r, len - r, &cp);
                if (is_letter(cp))
                    break;
                r += (size_t)l2;
            }
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
        int marked = 0; /* a combining mark left after the word belongs to its last letter */
        if (r < len && s[r] >= 0xCC) {
            int32_t mc;
            u8_dec(s + r, len - r, &mc);
            marked = mc >= 0x300 && u_getCombiningClass((UChar32)mc) > 0;
        }
        syl_letter L[SYL_MAX + 1];
        if (nonascii && !marked && n <= SYL_MAX && word_may_change(cps, n) &&
            syl_letters(cps, n, L)) {
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

/* ------------------------------------------------------------------------------------------
 * Pass 3: markdown emphasis (in place)
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    uint32_t s, e;
} md_range;

typedef struct {
    uint32_t s, e;
} md_opener;

static int md_cmp(const void *a, const void *b)
{
    const md_range *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

#define MD_STACK 64

static lw_status pass_markdown(tm_buf *b)
{
    if (!b->len || !memchr(b->t, '*', b->len))
        return LW_OK;
    const char *t = b->t;
    size_t len = b->len;
    md_opener st[MD_STACK];
    int ns = 0;
    md_range *rg = NULL;
    size_t nr = 0, cr = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] != '*')
            continue;
        size_t j = i;
        while (j < len && t[j] == '*')
            j++;
        size_t run = j - i;
        char prev = i ? t[i - 1] : '\n', next = j < len ? t[j] : '\n';
        if (next == '\xCC' || next == '\xCD') { /* a combining mark on the star: not markup */
            i = j - 1;
            continue;
        }
        /* an emphasis hugs a word: "**ngày 15/11/2025**", "*Nơi nhận:*"; not "(*)" */
        int can_close = prev != ' ' && prev != '\n' &&
                        ((unsigned char)prev >= 0x80 || isalnum((unsigned char)prev) ||
                         strchr(".:;,)!?\"", prev));
        int can_open = next != ' ' && next != '\n' &&
                       ((unsigned char)next >= 0x80 || isalnum((unsigned char)next) || next == '"');
        int matched = 0;
        if (run <= 3 && can_close) {
            for (int k = ns - 1; k >= 0; k--) {
                if (st[k].e - st[k].s != run)
                    continue;
                if (nr + 2 > cr) {
                    size_t nc = cr ? cr * 2 : 32;
                    md_range *q = realloc(rg, nc * sizeof *q);
                    if (!q) {
                        free(rg);
                        return LW_ERR_NOMEM;
                    }
                    rg = q;
                    cr = nc;
                }
                int32_t cp = -1;
                int cl = u8_dec((const unsigned char *)t + st[k].e, len - st[k].e, &cp);
                int alone = run == 1 && st[k].e + (uint32_t)cl == i && is_letter(cp) &&
                            (st[k].s == 0 || t[st[k].s - 1] == ' ' || t[st[k].s - 1] == '\n') &&
                            (next == ' ' || next == '\n');
                if (alone) {
                    rg[nr++] = (md_range){st[k].s, (uint32_t)j};
                } else {
                    rg[nr++] = (md_range){st[k].s, st[k].e};
                    rg[nr++] = (md_range){(uint32_t)i, (uint32_t)j};
                }
                /* only this opener goes: the others stay open, so that no pair is left
                 * for a second run over the output */
                memmove(st + k, st + k + 1, (size_t)(ns - k - 1) * sizeof *st);
                ns--;
                matched = 1;
                break;
            }
        }
        if (!matched && run <= 3 && can_open) {
            if (ns == MD_STACK) {
                memmove(st, st + MD_STACK / 2, (MD_STACK / 2) * sizeof *st);
                ns = MD_STACK / 2;
            }
            st[ns++] = (md_opener){(uint32_t)i, (uint32_t)j};
        }
        i = j - 1;
    }
    if (nr) {
        qsort(rg, nr, sizeof *rg, md_cmp);
        size_t w = 0, r = 0;
        for (size_t k = 0; k < nr; k++) {
            if (rg[k].s < r) { /* overlapping (nested inside a removed token) */
                if (rg[k].e > r)
                    r = rg[k].e;
                continue;
            }
            tm_move(b, &w, r, rg[k].s);
            r = rg[k].e;
        }
        tm_move(b, &w, r, len);
        b->len = w;
        b->t[w] = 0;
    }
    free(rg);
    return LW_OK;
}

/* ------------------------------------------------------------------------------------------
 * Pass 4: lines (in place)
 * ------------------------------------------------------------------------------------------ */

enum {
    LF_LIST = 1 << 0,         /* opens with a list or section marker */
    LF_LIST_LOWER = 1 << 1,   /* a bullet followed by a lower-case letter */
    LF_CAPS = 1 << 2,         /* a heading in capitals */
    LF_HEADER = 1 << 3,       /* a document header / signature block line */
    LF_SUBJECT = 1 << 4,      /* "V/v ...", "Về việc ..." */
    LF_NOALNUM = 1 << 5,      /* neither letters nor digits ("-------") */
    LF_ENDSENT = 1 << 6,      /* ends a sentence: . ; : ! ? */
    LF_ENDJOIN = 1 << 7,      /* ends with ',' or a function word ("và", "của") */
    LF_END_SYMHYPH = 1 << 8,  /* "...NĐ-" */
    LF_END_SPDASH = 1 << 9,   /* "... -" */
    LF_END_LETHYPH = 1 << 10, /* "...thực-" */
    LF_FIRST_LOWER = 1 << 11,
    LF_FIRST_UPPER = 1 << 12,
    LF_FIRST_DIGIT = 1 << 13,
    LF_PN = 1 << 14,      /* only a 1-3 digit number */
    LF_PN_SURE = 1 << 15, /* "- 2 -", "Trang 2" */
    LF_DROP = 1 << 16,
    LF_HASLETTER = 1 << 17,
    LF_END_SEMI = 1 << 18,    /* ends with ';' */
    LF_END_HYPH = 1 << 19,    /* ends with '-' right after a letter or digit */
    LF_END_SLASH = 1 << 20,   /* ends with '/' right after a letter or digit ("01/2024/") */
    LF_END_NAM = 1 << 21,     /* ends with "năm" (a year follows) */
    LF_ENDJOIN_UP = 1 << 22,  /* a capitals line ending with a function word ("CỦA") or " -" */
    LF_FIRST_SLASH = 1 << 23, /* starts with '/' ("/TB-UBND") */
    LF_LIST_DASH = 1 << 24,   /* starts with an en or em dash */
    LF_END_NAME = 1 << 25,    /* ends with a capitalized word ("... tỉnh Võ") */
    LF_FIRST_NAME = 1 << 26,  /* starts with a capitalized word ("Phiên chủ trì") */
    LF_END_ALNUM = 1 << 27,   /* ends with a letter or digit */
    LF_DATE = 1 << 28,        /* the header's date line */
};

typedef struct {
    uint32_t a, b; /* trimmed content */
    uint32_t nl;   /* the '\n' ending the line, or the text length */
    uint32_t gap;  /* blank lines before */
    uint32_t flags;
    uint16_t nch;        /* characters (saturated) */
    uint16_t w1;         /* characters of the first word */
    uint16_t pn;         /* page number value */
    uint32_t up, lo, dg; /* upper- and lower-case letters, digits */
} line_rec;

typedef struct {
    line_rec *r;
    size_t n;
    int wrapped, double_spaced;
    unsigned W, slack;
} line_doc;

static int has_prefix(const char *p, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n >= k && !memcmp(p, pre, k);
}

static const char *mem_find(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k > n)
        return NULL;
    for (size_t i = 0; i + k <= n; i++)
        if (p[i] == needle[0] && !memcmp(p + i, needle, k))
            return p + i;
    return NULL;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_bullet(int32_t c)
{
    switch (c) {
    case '-':
    case '+':
    case '*':
    case 0x2022:
    case 0x2013:
    case 0x2014:
    case 0xF0B7:
    case 0xB7:
    case 0x25CF:
    case 0x25AA:
    case 0x25BA:
    case 0x2756:
    case 0x27A2:
    case 0x2713:
    case 0x25E6:
    case 0x2192:
    case 0x25A0:
    case 0x25A1:
    case 0xF0A7:
    case 0xF0D8:
        return 1;
    default:
        return 0;
    }
}

static int is_roman(int c)
{
    return c == 'I' || c == 'V' || c == 'X' || c == 'L' || c == 'C';
}

/* List and section markers: "1.", "2.1.", "2.1 ", "1)", "1 - ", "(1)", "a)", "I.", "A.",
 * bullets, "Điều 5.", "Chương II", "Mục 1.", "Phần I". *lower: a bullet then lower case. */
static int list_start(const char *p, size_t n, int *lower)
{
    const unsigned char *s = (const unsigned char *)p;
    int32_t c;
    int l = u8_dec(s, n, &c);
    *lower = 0;
    if (is_bullet(c)) {
        size_t k = (size_t)l;
        while (k < n && s[k] == ' ')
            k++;
        if (k == n)
            return 0;
        int32_t x;
        u8_dec(s + k, n - k, &x);
        if (is_bullet(x) || x == '=' || x == '_')
            return 0;
        if (c == '-' && k == 1 && is_digit(x)) /* "-2-", "-5%" */
            return 0;
        *lower = letter_case(x) < 0;
        return 1;
    }
    if (is_digit(s[0])) {
        size_t k = 0;
        while (k < n && is_digit(s[k]))
            k++;
        if (k > 3)
            return 0;
        int comps = 1;
        while (k + 1 < n && s[k] == '.' && is_digit(s[k + 1])) {
            size_t d = k + 1;
            while (d < n && is_digit(s[d]))
                d++;
            if (d - k - 1 > 2)
                return 0;
            k = d;
            comps++;
        }
        if (k < n && (s[k] == '.' || s[k] == ')')) {
            k++;
            if (k == n || s[k] == ' ')
                return 1;
            int32_t x;
            u8_dec(s + k, n - k, &x);
            return is_letter(x);
        }
        if (k < n && s[k] == ' ' && comps >= 2)
            return 1;
        if (k + 2 < n && s[k] == ' ' &&
            (has_prefix(p + k + 1, n - k - 1, "- ") ||
             has_prefix(p + k + 1, n - k - 1, "\xE2\x80\x93 ")))
            return 1;
        return 0;
    }
    if (s[0] == '(' && n >= 3) {
        size_t k = 1;
        while (k < n && k < 3 && is_digit(s[k]))
            k++;
        if (k > 1 && k < n && s[k] == ')')
            return 1;
        if (((s[1] >= 'a' && s[1] <= 'z') || (s[1] >= 'A' && s[1] <= 'Z')) && s[2] == ')')
            return 1;
        return 0;
    }
    if (n >= 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] == ')')
        return 1;
    if (n >= 3 && has_prefix(p, n, "\xC4\x91)")) /* đ) */
        return 1;
    if (is_roman(s[0])) {
        size_t k = 0;
        while (k < n && k < 7 && is_roman(s[k]))
            k++;
        if (k < n && s[k] == '.' && (k + 1 == n || s[k + 1] == ' '))
            return 1;
    }
    if (n >= 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] == '.' && s[2] == ' ')
        return 1;
    if (n >= 4 && has_prefix(p, n, "\xC4\x90.") && s[3] == ' ') /* Đ. */
        return 1;
    static const char *const words[] = {"Điều ",   "Chương ", "Mục ",  "Phần ", "ĐIỀU ",
                                        "CHƯƠNG ", "MỤC ",    "PHẦN ", NULL};
    for (int w = 0; words[w]; w++) {
        if (!has_prefix(p, n, words[w]))
            continue;
        size_t k = strlen(words[w]), d = k;
        while (d < n && (is_digit(s[d]) || is_roman(s[d])))
            d++;
        if (d == k || d - k > 6)
            return 0;
        if (d == n || s[d] == '.' || s[d] == ':')
            return 1;
        if (s[d] == ' ' && (w % 4) != 0) { /* "Chương II NHỮNG QUY ĐỊNH CHUNG" */
            int32_t x;
            if (d + 1 < n) {
                u8_dec(s + d + 1, n - d - 1, &x);
                return letter_case(x) > 0;
            }
        }
        return 0;
    }
    return 0;
}

static const char *const function_words[] = {
    "và",  "của",   "các",   "những", "với",  "cho",  "theo", "tại",  "trong", "về",   "để",
    "từ",  "số",    "là",    "có",    "được", "bị",   "hoặc", "hay",  "nhưng", "mà",   "thì",
    "như", "ngày",  "tháng", "bằng",  "do",   "bởi",  "vào",  "trên", "dưới",  "giữa", "khi",
    "nếu", "thuộc", "cùng",  "đã",    "sẽ",   "đang", "phải", "cần",  "nhằm",  "mọi",  "một",
    "đối", "qua",   "tới",   "vì",    "nên",  "rằng", NULL};

/* A date line of the header: "Hà Nội, ngày 17 tháng 04 năm 2015". */
static int date_line(const char *p, size_t n)
{
    if (n > 110)
        return 0;
    const char *d = mem_find(p, n < 70 ? n : 70, ", ngày ");
    if (!d)
        d = has_prefix(p, n, "ngày ") ? p : NULL;
    if (!d)
        return 0;
    const char *e = p + n;
    const char *th = mem_find(d, (size_t)(e - d), " tháng ");
    if (!th)
        return 0;
    const char *nm = mem_find(th, (size_t)(e - th), " năm ");
    if (!nm)
        return 0;
    const char *q = nm + strlen(" năm ");
    while (q < e && (is_digit((unsigned char)*q) || *q == ' '))
        q++;
    return e - q <= 3;
}

static int header_line(const char *p, size_t n, int zone, int *subject, int *date)
{
    const unsigned char *s = (const unsigned char *)p;
    static const char *const pre[] = {"Số:",      "Số :",     "SỐ:",      "Kính gửi",
                                      "Kính gởi", "Kinh gửi", "KÍNH GỬI", "Nơi nhận",
                                      "Noi nhận", "Nơi nhân", "NƠI NHẬN", "KT.",
                                      "TM.",      "TL.",      "TUQ.",     NULL};
    *subject = 0;
    *date = 0;
    if (has_prefix(p, n, "V/v") || has_prefix(p, n, "V/V") || has_prefix(p, n, "v/v") ||
        (zone && (has_prefix(p, n, "Về việc") || has_prefix(p, n, "V/việc")))) {
        *subject = 1;
        return 1;
    }
    for (int i = 0; pre[i]; i++)
        if (has_prefix(p, n, pre[i]))
            return 1;
    if (zone && has_prefix(p, n, "Số ") && n > 4 && is_digit(s[4]))
        return 1;
    if (n < 120 && mem_find(p, n, "Độc lập") && mem_find(p, n, "Hạnh phúc"))
        return 1;
    *date = date_line(p, n);
    return *date;
}

static int page_number_sure(const char *p, size_t n, unsigned *v)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t k = 0;
    if (has_prefix(p, n, "Trang ") || has_prefix(p, n, "TRANG ") || has_prefix(p, n, "Page "))
        k = s[0] == 'P' ? 5 : 6;
    else if (s[0] == '-' || has_prefix(p, n, "\xE2\x80\x93"))
        k = s[0] == '-' ? 1 : 3;
    else
        return 0;
    int dashed = k <= 3;
    while (k < n && s[k] == ' ')
        k++;
    size_t d = k;
    unsigned val = 0;
    while (d < n && is_digit(s[d]) && d - k < 4)
        val = val * 10 + (unsigned)(s[d++] - '0');
    if (d == k || (d < n && is_digit(s[d])))
        return 0;
    while (d < n && s[d] == ' ')
        d++;
    if (dashed) {
        if (d < n && s[d] == '-')
            d++;
        else if (has_prefix(p + d, n - d, "\xE2\x80\x93"))
            d += 3;
        else
            return 0;
    } else if (d < n && s[d] == '/') {
        d++;
        while (d < n && s[d] == ' ')
            d++;
        size_t e = d;
        while (e < n && is_digit(s[e]))
            e++;
        if (e == d)
            return 0;
        d = e;
    }
    if (d != n)
        return 0;
    *v = val;
    return 1;
}

/* A heading in capitals: 3+ capitals, (almost) no lower case, not mostly digits ("STT",
 * "KẾ HOẠCH", "ỦY BAN"; not "NĐ-" or "34/2018/TT-"). */
static int caps_counts(uint64_t up, uint64_t lo, uint64_t dg)
{
    return up >= 3 && lo * 10 <= up && up >= dg;
}

static void classify(const char *t, line_rec *L, int zone)
{
    const char *p = t + L->a;
    size_t n = L->b - L->a;
    const unsigned char *s = (const unsigned char *)p;
    uint32_t f = 0;
    unsigned up = 0, lo = 0, digits = 0, nch = 0, w1 = 0;
    int inword1 = 1;
    for (size_t i = 0; i < n;) {
        int32_t c;
        int l = u8_dec(s + i, n - i, &c);
        int lc = letter_case(c);
        if (lc > 0)
            up++;
        else if (lc < 0)
            lo++;
        else if (c >= '0' && c <= '9')
            digits++;
        else if (c >= 0x80 && is_letter(c))
            up++; /* caseless letters count as letters */
        if (c == ' ')
            inword1 = 0;
        if (inword1)
            w1++;
        if (c != ' ' || s[i - 1] != ' ') /* as the output will have it: space runs collapsed */
            nch++;
        i += (size_t)l;
    }
    L->nch = (uint16_t)(nch > 65535 ? 65535 : nch);
    L->w1 = (uint16_t)(w1 > 65535 ? 65535 : w1);
    if (up + lo)
        f |= LF_HASLETTER;
    if (!up && !lo && !digits)
        f |= LF_NOALNUM;
    int32_t c0;
    size_t k0 = (size_t)u8_dec(s, n, &c0);
    while (k0 < n && (c0 == '(' || c0 == '[' || c0 == '"' || c0 == 0x201C || c0 == 0x2018))
        k0 += (size_t)u8_dec(s + k0, n - k0, &c0); /* "(báo cáo);" continues a line */
    int lc0 = letter_case(c0);
    if (lc0 < 0)
        f |= LF_FIRST_LOWER;
    else if (lc0 > 0)
        f |= LF_FIRST_UPPER;
    else if (is_digit(c0))
        f |= LF_FIRST_DIGIT;
    int lower = 0;
    if (list_start(p, n, &lower)) {
        f |= LF_LIST;
        if (lower)
            f |= LF_LIST_LOWER;
        if (c0 == 0x2013 || c0 == 0x2014)
            f |= LF_LIST_DASH;
    }
    if (c0 == '/')
        f |= LF_FIRST_SLASH;
    if (lc0 > 0 && k0 < n) { /* a capitalized word: upper case then lower case */
        int32_t c1;
        u8_dec(s + k0, n - k0, &c1);
        if (letter_case(c1) < 0)
            f |= LF_FIRST_NAME;
    }
    if (caps_counts(up, lo, digits))
        f |= LF_CAPS;
    int subject = 0, date = 0;
    if (header_line(p, n, zone, &subject, &date)) {
        f |= LF_HEADER;
        if (subject)
            f |= LF_SUBJECT;
        if (date)
            f |= LF_DATE;
    }
    L->up = up;
    L->lo = lo;
    L->dg = digits;
    /* page numbers */
    unsigned v = 0;
    if (n <= 3 && digits == n) {
        for (size_t i = 0; i < n; i++)
            v = v * 10 + (unsigned)(s[i] - '0');
        f |= LF_PN;
        L->pn = (uint16_t)v;
    } else if (n <= 20 && page_number_sure(p, n, &v)) {
        f |= LF_PN_SURE;
        L->pn = (uint16_t)v;
    }
    /* the end of the line */
    size_t e = u8_prev(p, n);
    int32_t cl;
    u8_dec(s + e, n - e, &cl);
    int32_t cend = cl;
    if ((cl == ')' || cl == 0x201D || cl == '"' || cl == 0x2019) && e > 0) {
        size_t e2 = u8_prev(p, e);
        u8_dec(s + e2, e - e2, &cend);
    }
    if (cl == '.' || cl == ';' || cl == ':' || cl == '!' || cl == '?' || cend == '.' ||
        cend == ';' || cend == '!' || cend == '?')
        f |= LF_ENDSENT;
    if (cl == ',')
        f |= LF_ENDJOIN;
    if (is_digit(cl) || is_letter(cl))
        f |= LF_END_ALNUM;
    if (cl == ';')
        f |= LF_END_SEMI;
    if ((cl == '-' || cl == 0x2013 || cl == 0x2014) && e > 0) {
        size_t e2 = u8_prev(p, e);
        int32_t cb;
        u8_dec(s + e2, e - e2, &cb);
        if (cl == '-' && (is_digit(cb) || is_letter(cb)))
            f |= LF_END_HYPH;
        if (cb == ' ' || cl != '-')
            f |= LF_END_SPDASH;
        else if (letter_case(cb) > 0 || is_digit(cb))
            f |= LF_END_SYMHYPH;
        else if (letter_case(cb) < 0)
            f |= LF_END_LETHYPH;
    }
    if (cl == '/' && e > 0) {
        size_t e2 = u8_prev(p, e);
        int32_t cb;
        u8_dec(s + e2, e - e2, &cb);
        if (is_digit(cb) || is_letter(cb))
            f |= LF_END_SLASH;
    }
    if (!(f & (LF_ENDSENT | LF_ENDJOIN))) {
        size_t ws = n;
        while (ws > 0 && s[ws - 1] != ' ')
            ws--;
        char low[32];
        size_t wl = 0;
        if (n - ws < sizeof low - 4) {
            for (size_t i = ws; i < n;) {
                int32_t c, lc;
                int l = u8_dec(s + i, n - i, &c);
                int vi = vn_info(c);
                if (vi && (vi - 1) / 72)
                    lc = vn_cp[(vi - 1) % 12][((vi - 1) / 12) % 6][0];
                else if (c == 0x110)
                    lc = 0x111;
                else if (c >= 'A' && c <= 'Z')
                    lc = c + 32;
                else
                    lc = c;
                wl += (size_t)u8_enc(lc, low + wl);
                i += (size_t)l;
            }
        }
        for (int i = 0; wl && function_words[i]; i++)
            if (wl == strlen(function_words[i]) && !memcmp(low, function_words[i], wl)) {
                if (!memcmp(p + ws, low, wl))
                    f |= LF_ENDJOIN;
                else
                    f |= LF_ENDJOIN_UP;
                break;
            }
        if (wl == 4 && !memcmp(p + ws, "năm", 4))
            f |= LF_END_NAM;
        int32_t w0, w1c;
        if (ws < n) {
            int l0 = u8_dec(s + ws, n - ws, &w0);
            if (ws + (size_t)l0 < n) {
                u8_dec(s + ws + l0, n - ws - (size_t)l0, &w1c);
                if (letter_case(w0) > 0 && letter_case(w1c) < 0)
                    f |= LF_END_NAME;
            }
        }
    }
    if (f & (LF_END_SPDASH | LF_ENDJOIN))
        f |= LF_ENDJOIN_UP;
    L->flags = f;
}

/* ---- artefacts ---- */

typedef struct {
    uint16_t v;
    uint32_t idx;
} pn_cand;

static int pn_cmp(const void *a, const void *b)
{
    const pn_cand *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* 1 if some candidate has value v and an index in [lo, hi]. */
static int pn_exists(const pn_cand *c, size_t n, unsigned v, long lo, long hi)
{
    size_t a = 0, b = n;
    while (a < b) { /* first (v, lo) */
        size_t m = (a + b) / 2;
        if (c[m].v < v || (c[m].v == v && (long)c[m].idx < lo))
            a = m + 1;
        else
            b = m;
    }
    return a < n && c[a].v == v && (long)c[a].idx <= hi;
}

static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int near_pn(const line_doc *d, size_t i, int span)
{
    for (long k = (long)i - span; k <= (long)i + span; k++)
        if (k >= 0 && (size_t)k < d->n && (size_t)k != i && (d->r[k].flags & (LF_PN | LF_PN_SURE)))
            return 1;
    return 0;
}

static int strpbrk_n(const char *p, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(set, p[i]))
            return 1;
    return 0;
}

static lw_status mark_artefacts(const char *t, line_doc *d)
{
    size_t n = d->n;
    line_rec *r = d->r;
    if (!n)
        return LW_OK;
    /* running headers */
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot); /* record index + 1 */
    uint32_t *cnt = calloc(cap, sizeof *cnt), *last = calloc(cap, sizeof *last);
    uint32_t *mingap = calloc(cap, sizeof *mingap), *adj = calloc(cap, sizeof *adj);
    uint32_t *grp = malloc(n * sizeof *grp);
    if (!slot || !cnt || !last || !mingap || !adj || !grp) {
        free(slot), free(cnt), free(last), free(mingap), free(adj), free(grp);
        return LW_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t f = r[i].flags;
        grp[i] = UINT32_MAX;
        if ((f & (LF_LIST | LF_ENDSENT | LF_FIRST_LOWER | LF_PN | LF_PN_SURE | LF_HEADER)) ||
            !(f & LF_HASLETTER) || r[i].nch > 100 || r[i].nch < 8 ||
            !((f & LF_CAPS) || memchr(t + r[i].a, '0', r[i].b - r[i].a) ||
              strpbrk_n(t + r[i].a, r[i].b - r[i].a, "123456789")))
            continue;
        size_t len = r[i].b - r[i].a;
        size_t h = (size_t)fnv(t + r[i].a, len) & (cap - 1);
        while (slot[h]) {
            const line_rec *o = &r[slot[h] - 1];
            if (o->b - o->a == len && !memcmp(t + o->a, t + r[i].a, len))
                break;
            h = (h + 1) & (cap - 1);
        }
        if (!slot[h]) {
            slot[h] = (uint32_t)i + 1;
            mingap[h] = UINT32_MAX;
        } else if ((uint32_t)i - last[h] < mingap[h]) {
            mingap[h] = (uint32_t)i - last[h];
        }
        cnt[h]++;
        last[h] = (uint32_t)i;
        if (near_pn(d, i, 1))
            adj[h]++;
        grp[i] = (uint32_t)h;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t h = grp[i];
        if (h != UINT32_MAX && cnt[h] >= 3 && mingap[h] >= 8 && adj[h] * 3 >= cnt[h] * 2)
            r[i].flags |= LF_DROP;
    }
    free(slot), free(cnt), free(last), free(mingap), free(adj), free(grp);
    /* page numbers */
    size_t nc = 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].flags & LF_PN)
            nc++;
    pn_cand *c = nc ? malloc(nc * sizeof *c) : NULL;
    if (nc && !c)
        return LW_ERR_NOMEM;
    nc = 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].flags & LF_PN)
            c[nc++] = (pn_cand){r[i].pn, (uint32_t)i};
    if (nc)
        qsort(c, nc, sizeof *c, pn_cmp);
    for (size_t i = 0; i < n; i++) {
        uint32_t f = r[i].flags;
        if (f & LF_PN_SURE) {
            r[i].flags |= LF_DROP;
        } else if (f & LF_PN) {
            int drop = 0;
            for (long k = (long)i - 3; k <= (long)i + 3 && !drop; k++)
                if (k >= 0 && (size_t)k < n && (r[k].flags & LF_DROP) && !(r[k].flags & LF_PN))
                    drop = 1;
            unsigned v = r[i].pn;
            /* a page number sits between text lines, a table cell between cells */
            int texty = (i > 0 && r[i - 1].nch >= 25) || (i + 1 < n && r[i + 1].nch >= 25);
            if (!drop && texty && pn_exists(c, nc, v + 1, (long)i + 10, (long)i + 150))
                drop = 1;
            if (!drop && texty && v > 0 && pn_exists(c, nc, v - 1, (long)i - 150, (long)i - 10))
                drop = 1;
            if (drop)
                r[i].flags |= LF_DROP;
        }
    }
    free(c);
    return LW_OK;
}

/* ---- statistics ---- */

static void doc_stats(line_doc *d)
{
    size_t cnt = 0, pairs = 0, gaps = 0;
    unsigned hist[257] = {0};
    const line_rec *prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const line_rec *L = &d->r[i];
        if (L->flags & LF_DROP)
            continue;
        cnt++;
        hist[L->nch > 256 ? 256 : L->nch]++;
        if (prev) {
            pairs++;
            if (L->gap)
                gaps++;
        }
        prev = L;
    }
    d->double_spaced = pairs >= 4 && gaps * 10 >= pairs * 6;
    /* evidence of hard wrapping: a line ending mid-sentence before a lower-case line */
    size_t midwraps = 0;
    prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const line_rec *L = &d->r[i];
        if (L->flags & LF_DROP)
            continue;
        if (prev && (L->flags & LF_FIRST_LOWER) && !(L->flags & (LF_LIST | LF_HEADER | LF_CAPS)) &&
            !(prev->flags & (LF_ENDSENT | LF_CAPS | LF_HEADER | LF_NOALNUM)))
            midwraps++;
        prev = L;
    }
    d->wrapped = 0;
    d->W = 0;
    d->slack = 0;
    if (cnt < 6)
        return;
    /* the wrap width: where line lengths pile up (the fullest 13-character window), then the
     * 97th percentile of the lines up to a little beyond it */
    size_t best = 0;
    unsigned peak = 0;
    for (unsigned k = 50; k <= 150; k++) {
        size_t win = 0;
        for (unsigned q = k - 12; q <= k; q++)
            win += hist[q];
        if (win >= best) {
            best = win;
            peak = k;
        }
    }
    if (best * 100 < cnt * 35 || midwraps * 10 < pairs || midwraps < 3)
        return;
    size_t below = 0, acc = 0;
    for (unsigned k = 0; k <= peak + 8; k++)
        below += hist[k];
    unsigned W = peak;
    for (unsigned k = 0; k <= peak + 8; k++) {
        acc += hist[k];
        if (acc * 100 >= below * 97) {
            W = k;
            break;
        }
    }
    size_t near = 0;
    for (unsigned k = W * 7 / 10; k <= 256; k++)
        near += hist[k];
    if (near * 100 < cnt * 45)
        return;
    d->wrapped = 1;
    d->W = W;
    d->slack = W / 10 > 4 ? W / 10 : 4;
}

/* ---- joining ---- */

enum { J_BREAK, J_SPACE, J_NOSPACE, J_DEHYPH };

/* Whether the line break between P and L is kept. The order of the tests is the heuristic:
 * artefact-free separators and headers first, then list markers and capitals, then sentence
 * ends, then continuation evidence (lower case, a trailing comma or function word), then the
 * line length against the wrap width (a line that the next word would have fitted on ended a
 * paragraph). */
static int decide_join(const line_doc *d, const line_rec *P, uint32_t pf, const line_rec *L,
                       uint32_t gap, int par_list, int par_subject)
{
    uint32_t lf = L->flags;
    int blank_break = gap > 0 && !d->double_spaced;
    if ((pf | lf) & LF_NOALNUM)
        return J_BREAK;
    /* (never after or before a date line, nor from capitals to other text: the paragraph
     * must keep the class its lines had) */
    if (!(lf & (LF_LIST | LF_HEADER)) && !(pf & LF_DATE) &&
        ((lf & LF_CAPS) || !(pf & LF_CAPS) || !(lf & LF_HASLETTER)) &&
        (((pf & (LF_END_SYMHYPH | LF_END_SLASH)) && (lf & (LF_FIRST_UPPER | LF_FIRST_DIGIT))) ||
         ((pf & LF_END_HYPH) && (lf & LF_FIRST_DIGIT)) ||
         ((lf & LF_FIRST_SLASH) && (pf & LF_END_ALNUM))))
        return J_NOSPACE; /* "59/2012/NĐ-" + "CP", "01/2024/" + "TT-BLĐTBXH", "Covid-" + "19",
                           * "Số: 565" + "/TB-UBND" */
    if (lf & LF_HEADER)
        return J_BREAK;
    if (par_subject) /* a subject wrapped over several lines */
        return (lf & (LF_LIST | LF_CAPS)) || (pf & LF_ENDSENT) || L->nch >= 100 ? J_BREAK : J_SPACE;
    if (pf & LF_HEADER)
        return J_BREAK;
    int p_full = d->wrapped && P->nch + 1u + L->w1 + d->slack > d->W;
    if (lf & LF_LIST) {
        if ((lf & LF_LIST_LOWER) && !(pf & (LF_ENDSENT | LF_CAPS)))
            return J_SPACE;
        if ((lf & LF_LIST_DASH) && p_full && !(pf & (LF_ENDSENT | LF_CAPS)))
            return J_SPACE; /* "lãnh đạo Ban Văn hóa" + "– Xã hội, ..." */
        return J_BREAK;
    }
    if (lf & LF_CAPS) {
        if ((pf & LF_CAPS) && (pf & LF_ENDJOIN_UP))
            return J_SPACE; /* "... CỦA BỘ LAO ĐỘNG -" + "THƯƠNG BINH VÀ XÃ HỘI" */
        if ((pf & LF_CAPS) && d->wrapped && P->nch * 100u >= d->W * 85u && !(pf & LF_ENDSENT) &&
            !blank_break)
            return J_SPACE;
        return J_BREAK;
    }
    if (pf & LF_CAPS) /* (nothing but capitals joins a capitals line) */
        return J_BREAK;
    if ((pf & LF_END_SEMI) && (lf & LF_FIRST_LOWER))
        return J_SPACE; /* a sentence listing clauses: "...của UBND tỉnh;" + "chỉ đạo, ..." */
    if (pf & LF_ENDSENT)
        return J_BREAK;
    if (pf & LF_END_SPDASH)
        return J_SPACE;
    if ((pf & LF_END_LETHYPH) && (lf & LF_FIRST_LOWER))
        return J_DEHYPH;
    if (lf & LF_FIRST_LOWER)
        return J_SPACE;
    if ((pf & LF_ENDJOIN) || ((pf & LF_END_NAM) && (lf & LF_FIRST_DIGIT)))
        return J_SPACE;
    if (d->wrapped) {
        if (blank_break)
            return J_BREAK;
        if ((pf & LF_END_NAME) && (lf & LF_FIRST_NAME) && P->nch * 4u >= d->W * 3u)
            return J_SPACE; /* a name over the line end: "Phó Chủ tịch UBND tỉnh Võ" + "Phiên" */
        /* the first line of a numbered heading before a capitalized line: no slack */
        unsigned need = P->nch + 1u + L->w1;
        if (need + d->slack <= d->W)
            return J_BREAK;
        /* a numbered heading's line before the full first line of a capitalized paragraph:
         * the heading ended, even if the next word almost fitted */
        if ((pf & LF_LIST) && (lf & LF_FIRST_UPPER) && need <= d->W && L->nch * 10u >= d->W * 8u)
            return J_BREAK;
        return J_SPACE;
    }
    if (gap > 0 && P->nch >= 100 && !par_list)
        return J_SPACE; /* a page break inside a paragraph */
    return J_BREAK;
}

/* Whether bytes p[0..n) are one Vietnamese syllable. */
static int is_syllable(const char *p, size_t n)
{
    int32_t cps[SYL_MAX + 1];
    int k = 0;
    for (size_t i = 0; i < n;) {
        int32_t c;
        int l = u8_dec((const unsigned char *)p + i, n - i, &c);
        if (!is_letter(c) || k == SYL_MAX)
            return 0;
        cps[k++] = c;
        i += (size_t)l;
    }
    syl_letter L[SYL_MAX + 1];
    int vb, b, e;
    return k > 0 && syl_letters(cps, k, L) && syl_parse(L, k, &vb, &b, &e);
}

static void put_byte(tm_buf *o, size_t *w, char c, uint32_t m)
{
    o->t[*w] = c;
    o->m[*w] = m;
    (*w)++;
}

/* Copies a line's content to *w, collapsing space runs. */
static void put_line(tm_buf *o, size_t *w, const line_rec *L)
{
    for (uint32_t i = L->a; i < L->b; i++) {
        char c = o->t[i];
        if (c == ' ' && *w > 0 && o->t[*w - 1] == ' ')
            continue;
        put_byte(o, w, c, o->m[i]);
    }
}

static lw_status pass_lines(tm_buf *b, int unwrap, int drop)
{
    line_doc d = {0};
    size_t cap = 0;
    const char *t = b->t;
    size_t len = b->len;
    uint32_t gap = 0;
    int seen = 0;
    for (size_t i = 0; i < len;) {
        const char *nlp = memchr(t + i, '\n', len - i);
        size_t e = nlp ? (size_t)(nlp - t) : len;
        size_t a = i, z = e;
        while (a < z && t[a] == ' ')
            a++;
        while (z > a && t[z - 1] == ' ')
            z--;
        if (a == z) {
            if (seen)
                gap++;
        } else {
            if (d.n == cap) {
                size_t nc = cap ? cap * 2 : 256;
                line_rec *q = realloc(d.r, nc * sizeof *q);
                if (!q) {
                    free(d.r);
                    return LW_ERR_NOMEM;
                }
                d.r = q;
                cap = nc;
            }
            line_rec *L = &d.r[d.n];
            memset(L, 0, sizeof *L);
            L->a = (uint32_t)a;
            L->b = (uint32_t)z;
            L->nl = (uint32_t)e;
            L->gap = gap;
            classify(t, L, d.n < 40);
            d.n++;
            gap = 0;
            seen = 1;
        }
        i = e + 1;
    }
    if (drop) {
        lw_status st = mark_artefacts(t, &d);
        if (st) {
            free(d.r);
            return st;
        }
    }
    doc_stats(&d);
    size_t w = 0;
    const line_rec *P = NULL;
    int par_list = 0, par_subject = 0;
    uint64_t par_up = 0, par_lo = 0, par_dg = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < d.n; i++) {
        const line_rec *L = &d.r[i];
        acc += L->gap;
        if (L->flags & LF_DROP)
            continue;
        if (P) {
            /* the paragraph is in capitals when its letters are, as a second run will see it */
            uint32_t pf = (P->flags & ~(uint32_t)LF_CAPS) |
                          (caps_counts(par_up, par_lo, par_dg) ? LF_CAPS : 0);
            int j = unwrap ? decide_join(&d, P, pf, L, acc, par_list, par_subject) : J_BREAK;
            switch (j) {
            case J_BREAK:
                put_byte(b, &w, '\n', b->m[P->nl]);
                if (!unwrap)
                    for (uint32_t k = 0; k < acc; k++)
                        put_byte(b, &w, '\n', b->m[P->nl]);
                par_list = !!(L->flags & LF_LIST);
                par_subject = !!(L->flags & LF_SUBJECT);
                par_up = par_lo = par_dg = 0;
                break;
            case J_SPACE:
                put_byte(b, &w, ' ', b->m[P->nl]);
                break;
            case J_NOSPACE:
                break;
            case J_DEHYPH: {
                /* the halves: P's last word without the hyphen, L's first word */
                size_t ws = w - 1;
                while (ws > 0 && b->t[ws - 1] != ' ')
                    ws--;
                size_t le = L->a;
                while (le < L->b && b->t[le] != ' ' && b->t[le] != ',' && b->t[le] != '.' &&
                       b->t[le] != ';' && b->t[le] != ':')
                    le++;
                int both =
                    is_syllable(b->t + ws, w - 1 - ws) && is_syllable(b->t + L->a, le - L->a);
                w--;
                if (both)
                    put_byte(b, &w, ' ', b->m[P->nl]);
                break;
            }
            }
        } else {
            par_list = !!(L->flags & LF_LIST);
            par_subject = !!(L->flags & LF_SUBJECT);
        }
        put_line(b, &w, L);
        par_up += L->up;
        par_lo += L->lo;
        par_dg += L->dg;
        P = L;
        acc = 0;
    }
    if (P && P->nl < len)
        put_byte(b, &w, '\n', b->m[P->nl]);
    b->len = w;
    b->t[w] = 0;
    free(d.r);
    return LW_OK;
}

/* ------------------------------------------------------------------------------------------
 * API
 * ------------------------------------------------------------------------------------------ */

void lw_norm_options_default(lw_norm_options *o)
{
    o->unwrap = 1;
    o->drop_artefacts = 1;
    o->tone_style = 1;
    o->repair_marks = 1;
}

lw_status lw_normalize(const char *utf8, size_t len, const lw_norm_options *opt,
                       lw_normalized **out, lw_error *err)
{
    lw_norm_options def;
    if (!out)
        return lw_error_set(err, LW_ERR_USAGE, NULL, 0, 0, "lw_normalize: no output");
    *out = NULL;
    if (!utf8 && len)
        return lw_error_set(err, LW_ERR_USAGE, NULL, 0, 0, "lw_normalize: no input");
    if (len >= UINT32_MAX)
        return lw_error_set(err, LW_ERR_TOO_LARGE, NULL, 0, 0,
                            "input of %zu bytes is too large to normalize (limit 4 GiB)", len);
    if (!opt) {
        lw_norm_options_default(&def);
        opt = &def;
    }
    vn_init();
    tm_buf b = {0};
    lw_status st = pass_chars(utf8 ? utf8 : "", len, &b);
    if (!st && opt->drop_artefacts)
        st = pass_markdown(&b);
    if (!st) {
        /* words before lines, so that lines are measured as a second run will see them, and
         * after, for the words that joining made ("thự-" + "c" -> "thực") */
        pass_words(&b, opt->tone_style, opt->repair_marks);
        st = pass_lines(&b, opt->unwrap, opt->drop_artefacts);
    }
    if (!st)
        pass_words(&b, opt->tone_style, opt->repair_marks);
    if (st) {
        tm_free(&b);
        return lw_error_set(err, st, NULL, 0, 0, "normalization failed: out of memory");
    }
    lw_normalized *n = malloc(sizeof *n);
    if (!n || tm_reserve(&b, 1)) {
        free(n);
        tm_free(&b);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "normalization failed: out of memory");
    }
    b.t[b.len] = 0;
    b.m[b.len] = (uint32_t)len;
    char *t = realloc(b.t, b.len + 1);
    uint32_t *m = realloc(b.m, (b.len + 1) * sizeof *m);
    n->text = t ? t : b.t;
    n->map = m ? m : b.m;
    n->len = b.len;
    *out = n;
    return LW_OK;
}

void lw_normalized_free(lw_normalized *n)
{
    if (!n)
        return;
    free(n->text);
    free(n->map);
    free(n);
}

void lw_norm_input_span(const lw_normalized *n, const char *input, size_t input_len, size_t s,
                        size_t e, size_t *in_s, size_t *in_e)
{
    if (s > n->len)
        s = n->len;
    if (e > n->len)
        e = n->len;
    if (e <= s) {
        *in_s = *in_e = n->map[s];
        return;
    }
    size_t a = n->map[s], z = n->map[e - 1];
    if (a > input_len)
        a = input_len;
    if (z >= input_len) {
        *in_s = a;
        *in_e = input_len;
        return;
    }
    /* past the character at z and any combining marks after it */
    const unsigned char *p = (const unsigned char *)input;
    while (z > 0 && (p[z] & 0xC0) == 0x80)
        z--;
    int32_t c;
    z += (size_t)u8_dec(p + z, input_len - z, &c);
    if (c == '\r' && z < input_len && p[z] == '\n')
        z++;
    while (z < input_len) {
        int l = u8_dec(p + z, input_len - z, &c);
        if (c < 0x300 || !u_getCombiningClass((UChar32)c))
            break;
        z += (size_t)l;
    }
    *in_s = a;
    *in_e = z < a ? a : z;
}
