/* lw_encscore: scores how Vietnamese a UTF-8 text looks, so that lw_decode can tell the right
 * legacy decoding (TCVN3, VNI, Windows-1258) of a file from the mojibake the wrong tables make.
 * Words holding a non-ASCII letter must be Vietnamese syllables (one tone, a valid initial +
 * nucleus + final); common words of legal texts earn a bonus, odd characters a penalty. */
#ifndef LW_ENCSCORE_H
#define LW_ENCSCORE_H

#include <stddef.h>

/* The combining marks of Vietnamese letters (Unicode facts), shared with lw_decode's VNI table:
 * the five tones and the three shapes (â ê ô, ă, ơ ư). */
enum { LW_TONE_NONE = 0, LW_TONE_ACUTE = 0x301, LW_TONE_GRAVE = 0x300, LW_TONE_HOOK = 0x309,
       LW_TONE_TILDE = 0x303, LW_TONE_DOT = 0x323 };
#define LW_MARK_CIRC 0x302u
#define LW_MARK_BREVE 0x306u
#define LW_MARK_HORN 0x31Bu

/* The score of t[0..n) (UTF-8; a malformed byte costs as much as an odd character): higher
 * is more Vietnamese. Pure; allocates nothing. */
long lw_encscore_text(const char *t, size_t n);

#endif
