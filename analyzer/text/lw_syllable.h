/* lw_syllable: Vietnamese letters and syllables for the normalizer. The 12 vowels x 6 tones
 * x 2 cases come from a small table composed once with utf8proc (lw_vn_init); a syllable is
 * parsed as initial consonant + vowel nucleus + final consonant. On top of that: the tone-mark
 * repair ("Nghịệp" -> "Nghiệp", "việệc" -> "việc") and the government style of tone marks
 * ("hoà" -> "hòa", "uỷ" -> "ủy"), for a word and as the normalizer's words pass.
 * The letter tests are static inline: the passes call them for every character. Nothing here
 * allocates; the tables are filled once, thread-safely, by lw_vn_init. */
#ifndef LW_SYLLABLE_H
#define LW_SYLLABLE_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "lw_textmap.h"

/* The longest run of letters parsed as a syllable ("nghiêng" has 7; OCR doubles some);
 * longer runs are no syllable and are left alone, which also bounds the work per word. */
#define LW_SYL_MAX 24

/* The code points that can be Vietnamese vowels: U+0000..U+01B0 (Latin-1 and the horned
 * o and u) and the Latin Extended Additional block U+1EA0..U+1EF9. */
#define LW_VN_LO_END 0x1B0
#define LW_VN_HI_START 0x1EA0
#define LW_VN_HI_END 0x1EF9

/* Filled by lw_vn_init: lw_vn_cp[vowel][tone][upper] is the composed letter; lw_vn_lo and
 * lw_vn_hi give per code point 1 + vowel + 12 * (tone + 6 * upper), 0 = not a vowel. */
extern int32_t lw_vn_cp[12][6][2];
extern uint8_t lw_vn_lo[LW_VN_LO_END + 1];
extern uint8_t lw_vn_hi[LW_VN_HI_END - LW_VN_HI_START + 1];

/* Builds the tables once (pthread_once); call before the functions below. */
void lw_vn_init(void);

/* Vowel info of cp, or 0. */
static inline int lw_vn_info(int32_t cp)
{
    if (cp >= 0 && cp <= LW_VN_LO_END)
        return lw_vn_lo[cp];
    if (cp >= LW_VN_HI_START && cp <= LW_VN_HI_END)
        return lw_vn_hi[cp - LW_VN_HI_START];
    return 0;
}

static inline int lw_is_letter(int32_t cp)
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
static inline int lw_letter_case(int32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'a' && cp <= 'z')
            return -1;
        if (cp >= 'A' && cp <= 'Z')
            return 1;
        return 0;
    }
    int vi = lw_vn_info(cp);
    if (vi)
        return (vi - 1) / 72 ? 1 : -1;
    utf8proc_category_t c = utf8proc_category(cp);
    if (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT)
        return 1;
    if (c == UTF8PROC_CATEGORY_LL)
        return -1;
    return 0;
}

/* The lower-case form of a Vietnamese vowel, đ or an ASCII letter; cp itself otherwise. */
static inline int32_t lw_vn_lower(int32_t c)
{
    int vi = lw_vn_info(c);
    if (vi && (vi - 1) / 72)
        return lw_vn_cp[(vi - 1) % 12][((vi - 1) / 12) % 6][0];
    if (c == 0x110)
        return 0x111;
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    return c;
}

/* Whether bytes p[0..n) are one Vietnamese syllable. */
int lw_is_syllable(const char *p, size_t n);

/* Single-word helpers, exposed for tests and for the search tokenizer. Each writes a
 * NUL-terminated result into out (cap bytes) and returns its length, or -1 if it does
 * not fit. The input is one NFC word. */
/* Moves the tone mark of a final oa/oe/uy to the first vowel ("hoà" -> "hòa", "uỷ" -> "ủy"),
 * leaving "qu" words ("quý") alone. */
int lw_norm_tone_style(const char *word, size_t len, char *out, size_t cap);
/* Leaves one tone mark per syllable where the orthography puts it and merges an OCR-doubled
 * vowel: "Nghịệp" -> "Nghiệp", "việệc" -> "việc", "quảản" -> "quản". Runs of letters that are
 * not one Vietnamese syllable are copied unchanged. */
int lw_norm_fix_marks(const char *word, size_t len, char *out, size_t cap);

/* The normalizer's words pass, in place on b: every run of letters holding a non-ASCII letter
 * that is one Vietnamese syllable gets its marks repaired (repair) and styled (style); the
 * text never grows and the map follows each letter. */
void lw_norm_pass_words(lw_tmap *b, int style, int repair);

#endif
