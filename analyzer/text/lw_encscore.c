/* lw_encscore: how Vietnamese a decoded text looks, the score lw_decode uses to choose among
 * the legacy encodings (see lw_encscore.h). */
#include "lw_encscore.h"

#include <stdbool.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf8.h>

#include "lw_utf8.h"

/* ------------------------------------------------------------------------------------------
 * Scoring: how Vietnamese a decoded text looks. Words (runs of letters and marks) that hold
 * a non-ASCII letter are checked as Vietnamese syllables: every letter must be a Vietnamese
 * letter (base a-z with the marks Vietnamese puts on it, or đ), at most one tone, and the
 * syllable must read initial consonant + vowel nucleus + final consonant from the Vietnamese
 * sets, with a sắc or nặng tone before a final c, ch, p or t. Mojibake (the wrong legacy
 * table) yields letters like ñ þ æ ö ß, stray marks, or impossible vowel groups ("Vieọt",
 * "COẤNG"), which fail. Common words of legal texts earn a bonus; odd characters (U+FFFD,
 * controls, Latin-1 symbols) a penalty. */

static const char *const common_words[] = {
    "của", "và", "nghị", "định", "ngày", "tháng", "năm", "pháp", "luật", "các", "được",
    "về", "thực", "hiện", "những", "với", "này", "để", "người", "quyết", "tỉnh", "ủy",
    "nhân", "dân", "số", "điều", "khoản", "việc", "công", "tác", "quản", "lý", "không",
    "đã", "đến", "từ", "một", "tại", "thông", "tư", "cơ", "quan", "chính", "phủ", "bộ",
    "việt", "hà", "nội", "hòa", "xã", "hội", "chủ", "nghĩa", "độc", "lập", "tự", "hạnh",
    "phúc", "kính", "gửi", "nơi", "nhận", "lưu", "hướng", "dẫn", "trưởng",
};

/* Vowel nuclei, tones removed, shaped vowels spelled A=â W=ă E=ê O=ô P=ơ U=ư. The second
 * list holds nuclei that only stand before a final consonant (ăn, tuân, tiên, buôn, ...). */
static const char *const nuclei_free[] = {
    "a", "e", "E", "i", "o", "O", "P", "u", "U", "y",
    "ai", "ao", "au", "ay", "Au", "Ay", "eo", "Eu", "ia", "iu", "oa", "oe", "oi", "Oi", "Pi",
    "ua", "uE", "ui", "uy", "uP", "Ua", "Ui", "Uu",
    "iEu", "oai", "oao", "oay", "oeo", "uAy", "uOi", "uya", "uyu", "UPi", "UPu", "yEu",
};
static const char *const nuclei_closed[] = {
    "A", "W", "oW", "uA", "iE", "yE", "uO", "UP", "oo", "uyE",
};

typedef struct {
    char base;      /* lower-case ASCII letter, or 'D' for đ; shaped vowels as above */
    bool foreign;   /* not a Vietnamese letter */
    bool nonascii;
    uint16_t tone;  /* the tone mark's code point, or 0 */
} vletter;

static vletter classify(const UNormalizer2 *nfd, UChar32 c)
{
    vletter v = {0, false, c >= 0x80, 0};
    UChar32 lc = u_tolower(c);
    if (lc < 0x80) {
        v.base = (char)lc;
        return v;
    }
    if (lc == 0x111) {
        v.base = 'D';
        return v;
    }
    UChar buf[8];
    UErrorCode e = U_ZERO_ERROR;
    int32_t k = nfd ? unorm2_getDecomposition(nfd, lc, buf, 8, &e) : -1;
    if (U_FAILURE(e) || k < 2 || buf[0] < 'a' || buf[0] > 'z') {
        v.foreign = true;
        return v;
    }
    char b = (char)buf[0], shaped = b;
    bool vowel = strchr("aeiouy", b) != NULL;
    int shapes = 0, tones = 0;
    for (int32_t i = 1; i < k; i++) {
        switch (buf[i]) {
        case LW_MARK_CIRC:
            shapes++;
            v.foreign |= !(b == 'a' || b == 'e' || b == 'o');
            shaped = (char)(b - 0x20); /* A E O */
            break;
        case LW_MARK_BREVE:
            shapes++;
            v.foreign |= b != 'a';
            shaped = 'W';
            break;
        case LW_MARK_HORN:
            shapes++;
            v.foreign |= !(b == 'o' || b == 'u');
            shaped = b == 'o' ? 'P' : 'U';
            break;
        case LW_TONE_ACUTE: case LW_TONE_GRAVE: case LW_TONE_HOOK: case LW_TONE_TILDE: case LW_TONE_DOT:
            tones++;
            v.foreign |= !vowel;
            v.tone = buf[i];
            break;
        default:
            v.foreign = true;
        }
    }
    v.foreign |= shapes > 1 || tones > 1;
    v.base = shaped;
    return v;
}

static bool is_vowel(char b) { return b && strchr("aeiouyAEOPUW", b) != NULL; }

static bool in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
            return true;
    return false;
}

/* bases: the word's letters as classify spells them, k of them; tone: its tone or 0. */
static bool syllable_ok(const char *bases, size_t k, uint16_t tone)
{
    static const char *const initials[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph",
                                           "qu", "th", "tr", "b", "c", "d", "D", "g", "h",
                                           "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"};
    static const char *const finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
    size_t i = 0;
    if (k && !is_vowel(bases[0])) {
        size_t best = 0;
        for (size_t j = 0; j < sizeof initials / sizeof initials[0]; j++) {
            size_t l = strlen(initials[j]);
            if (l <= k && l > best && memcmp(bases, initials[j], l) == 0) {
                /* "gi" and "qu" are initials only before another vowel (gì is g + ì) */
                if (l == 2 && (bases[0] == 'g' || bases[0] == 'q') && bases[1] != 'h' &&
                    !(l < k && is_vowel(bases[l]))) {
                    if (bases[0] == 'q')
                        return false;
                    continue;
                }
                best = l;
            }
        }
        if (!best)
            return false;
        i = best;
    }
    size_t v = i;
    while (i < k && is_vowel(bases[i]))
        i++;
    size_t nv = i - v, nf = k - i;
    if (nv == 0 || nv > 3)
        return false;
    if (!in_list(finals, sizeof finals / sizeof finals[0], bases + i, nf))
        return false;
    bool closed = nf > 0;
    if (!in_list(nuclei_free, sizeof nuclei_free / sizeof nuclei_free[0], bases + v, nv) &&
        !(closed && in_list(nuclei_closed, sizeof nuclei_closed / sizeof nuclei_closed[0],
                            bases + v, nv)))
        return false;
    bool stop = nf > 0 && (bases[i] == 'c' || bases[i] == 'p' || bases[i] == 't');
    if (stop && tone != LW_TONE_ACUTE && tone != LW_TONE_DOT)
        return false;
    return true;
}

#define WORD_MAX 16

static long score_word(const vletter *w, size_t k, const char *lower, size_t lower_len)
{
    bool nonascii = false, vowel = false;
    int tones = 0;
    uint16_t tone = 0;
    char bases[WORD_MAX];
    for (size_t i = 0; i < k; i++) {
        if (w[i].foreign)
            return -3;
        nonascii |= w[i].nonascii;
        vowel |= is_vowel(w[i].base);
        if (w[i].tone) {
            tones++;
            tone = w[i].tone;
        }
        bases[i] = w[i].base;
    }
    if (!nonascii || !vowel) /* plain ASCII, or an abbreviation like NĐ */
        return 0;
    if (tones > 1 || !syllable_ok(bases, k, tone))
        return -1;
    long sc = 2;
    if (in_list(common_words, sizeof common_words / sizeof common_words[0], lower, lower_len))
        sc += 3;
    return sc;
}

long lw_encscore_text(const char *t, size_t n)
{
    UErrorCode ue = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&ue);
    if (U_FAILURE(ue))
        nfd = NULL;
    long score = 0;
    vletter w[WORD_MAX];
    size_t k = 0;
    bool too_long = false;
    char lower[WORD_MAX * 4];
    size_t ll = 0;
    size_t i = 0;
    while (i <= n) {
        UChar32 c = -1;
        if (i < n) {
            int32_t cp;
            int q = lw_utf8_dec(t + i, n - i, &cp);
            if (cp < 0) { /* not from our decoders; be safe */
                i++;
                score -= 4;
                continue;
            }
            c = cp;
            i += (size_t)q;
        } else {
            i++;
        }
        bool letter = c >= 0 && (c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                                          : (u_isalpha(c) || u_charType(c) == U_NON_SPACING_MARK));
        if (letter) {
            if (k < WORD_MAX) {
                if (c >= 0x80 && u_charType(c) == U_NON_SPACING_MARK)
                    w[k] = (vletter){0, true, true, 0}; /* a mark left uncomposed */
                else
                    w[k] = classify(nfd, c);
                UChar32 lc = u_tolower(c);
                if (ll + 4 <= sizeof lower) {
                    int32_t off = (int32_t)ll;
                    U8_APPEND_UNSAFE(lower, off, lc);
                    ll = (size_t)off;
                }
                k++;
            } else {
                too_long = true;
            }
            continue;
        }
        if (k) {
            if (!too_long)
                score += score_word(w, k, lower, ll);
            k = 0;
            ll = 0;
            too_long = false;
        }
        if (c < 0)
            break;
        if (c == 0xFFFD || (c >= 0x80 && c <= 0x9F) ||
            (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') ||
            (c >= 0xE000 && c <= 0xF8FF))
            score -= 4;
        else if ((c >= 0xA1 && c <= 0xBF) || c == 0xD7 || c == 0xF7)
            score -= 1;
    }
    return score;
}

