/* lw_utf8: the one UTF-8 decoder and encoder of lawwatch, thin static inline wrappers over
 * utf8proc (utf8proc_iterate, utf8proc_encode_char), so that every module reads UTF-8 with
 * the same rules: a well-formed sequence of 1 to 4 bytes, no overlong forms, no surrogates,
 * nothing above U+10FFFF (RFC 3629, as utf8proc checks it).
 *
 * Why inline with an ASCII fast path: the normalizer and the scanners call these once per
 * character of every document, and most characters of a Vietnamese text are ASCII. Handling
 * ASCII here, before the call into the shared library, keeps those loops as fast as the hand
 * decoders they replace; only the non-ASCII characters pay for the call.
 *
 * Nothing here allocates; every function is pure. */
#ifndef LW_UTF8_H
#define LW_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

/* The longest UTF-8 sequence, and so the room an encoder needs per character. */
#define LW_UTF8_MAX 4

/* Decodes the character at s (n >= 1 bytes available). Returns its length (1-4) and sets *cp;
 * an invalid or truncated sequence counts as its first byte alone, with *cp = -1, so a loop
 * always moves on. */
static inline int lw_utf8_dec(const char *s, size_t n, int32_t *cp)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    utf8proc_int32_t v = -1;
    utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          (utf8proc_ssize_t)(n < LW_UTF8_MAX ? n : LW_UTF8_MAX), &v);
    if (l <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = (int32_t)v;
    return (int)l;
}

/* Length of the well-formed sequence at s (1-4), or 0 when the byte at s starts none. */
static inline size_t lw_utf8_seq(const char *s, size_t n)
{
    int32_t cp;
    int l = lw_utf8_dec(s, n, &cp);
    return cp < 0 ? 0 : (size_t)l;
}

/* Encodes cp into out (LW_UTF8_MAX bytes of room, no NUL written); returns the byte count,
 * 0 for a negative or too large cp. */
static inline int lw_utf8_enc(int32_t cp, char *out)
{
    if ((uint32_t)cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    return (int)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)out);
}

/* Start of the character that ends just before byte i of s (i > 0): steps back over at most
 * three continuation bytes, so it never leaves a malformed text's bounds. */
static inline size_t lw_utf8_prev(const char *s, size_t i)
{
    size_t j = i - 1;
    int k = 0;
    while (j > 0 && k < LW_UTF8_MAX - 1 && ((unsigned char)s[j] & 0xC0) == 0x80) {
        j--;
        k++;
    }
    return j;
}

#endif
