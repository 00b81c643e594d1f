/* test_utf8: the one UTF-8 decoder (lw_utf8.h, over utf8proc) against RFC 3629 written out
 * as its table 3-7 of well-formed byte sequences: every 1- and 2-byte sequence, every 3-byte
 * sequence, every 4-byte sequence's first two bytes with boundary continuations, truncated
 * input; and every scalar value encodes and decodes back. An ill-formed sequence is its first
 * byte alone with -1, so every loop moves on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lw_utf8.h"

/* The well-formed sequences of RFC 3629 (Unicode table 3-7): the second byte's range by lead. */
static int ref_dec(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    int len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else {
        *cp = -1;
        return 1;
    }
    if (n < (size_t)len || s[1] < lo || s[1] > hi) {
        *cp = -1;
        return 1;
    }
    int32_t v = (int32_t)(c & (0x7F >> len));
    for (int i = 1; i < len; i++) {
        if (i > 1 && (s[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static void check(const unsigned char *b, size_t n)
{
    int32_t c1, c2;
    int l1 = ref_dec(b, n, &c1), l2 = lw_utf8_dec((const char *)b, n, &c2);
    if (l1 != l2 || c1 != c2)
        fail_msg("%02x %02x %02x %02x (n=%zu): want %d/%d, got %d/%d", b[0], b[1], b[2], b[3], n, l1,
                 (int)c1, l2, (int)c2);
    assert_int_equal(lw_utf8_seq((const char *)b, n), c1 < 0 ? 0 : (size_t)l1);
}

static void test_sequences(void **state)
{
    (void)state;
    unsigned char b[4] = {0};
    static const unsigned char edge[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
    for (unsigned x = 0; x < 256; x++)
        for (unsigned y = 0; y < 256; y++) {
            b[0] = (unsigned char)x, b[1] = (unsigned char)y;
            for (size_t n = 1; n <= 2; n++)
                check(b, n);
            if (x >= 0xE0 && x <= 0xEF)
                for (unsigned z = 0; z < 256; z++) {
                    b[2] = (unsigned char)z;
                    check(b, 3);
                    check(b, 2); /* truncated */
                }
            if (x >= 0xF0)
                for (size_t e = 0; e < sizeof edge; e++)
                    for (size_t f = 0; f < sizeof edge; f++) {
                        b[2] = edge[e], b[3] = edge[f];
                        check(b, 4);
                        check(b, 3);
                    }
            b[2] = b[3] = 0;
        }
}

static void test_roundtrip(void **state)
{
    (void)state;
    for (int32_t c = 0; c <= 0x10FFFF; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        char o[LW_UTF8_MAX];
        int l = lw_utf8_enc(c, o);
        int32_t d;
        assert_int_equal(lw_utf8_dec(o, (size_t)l, &d), l);
        assert_int_equal(d, c);
    }
    char o[LW_UTF8_MAX];
    assert_int_equal(lw_utf8_enc(-1, o), 0);
    assert_int_equal(lw_utf8_enc(0x110000, o), 0);
}

static void test_prev(void **state)
{
    (void)state;
    const char *s = "aĐệ😀";
    size_t n = strlen(s);
    assert_int_equal(lw_utf8_prev(s, n), n - 4);
    assert_int_equal(lw_utf8_prev(s, n - 4), n - 7);
    assert_int_equal(lw_utf8_prev(s, n - 7), 1);
    assert_int_equal(lw_utf8_prev(s, 1), 0);
    assert_int_equal(lw_utf8_prev("\x80\x80\x80\x80\x80", 5), 1); /* at most 3 steps back */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequences),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_prev),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
