/* Tests of the header's issuer in the layouts real documents come in: a two-line block, a
 * department under its committee (on two lines or joined by unwrapping), a rule after the
 * name on its line, a two-column header flattened by OCR, a commune, a district in capitals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_doc.h"
#include "lw_extract.h"

#include "test_support.h"

/* The header field key of text, owned (free()), NULL when null. */
static char *header_field(const char *text, const char *key)
{
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_bytes("h.txt", (const unsigned char *)text, strlen(text), NULL, &d, &err), LW_OK);
    size_t len;
    const char *nt = lw_doc_text(d, &len);
    lw_matcher *m = lw_matcher_create(lw_engine_rules(engine));
    lw_extraction *x;
    assert_int_equal(lw_extract(lw_engine_rules(engine), lw_engine_lexicon(engine), m, nt, len, NULL, &x, &err), LW_OK);
    const char *v = json_string_value(json_object_get(x->header, key));
    char *out = v ? strdup(v) : NULL;
    lw_extraction_free(x);
    lw_matcher_free(m);
    lw_doc_free(d);
    return out;
}

static void expect(const char *text, const char *key, const char *want)
{
    char *got = header_field(text, key);
    if (!got || strcmp(got, want))
        fail_msg("%s: want \"%s\", got \"%s\" for:\n%s", key, want, got ? got : "(null)", text);
    free(got);
}

static void test_issuers(void **state)
{
    (void)state;
    expect("ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\n-------\nSố: 768/UBND-NC\nSóc Trăng, ngày 18 tháng 5 năm 2020\n",
           "issuer", "Ủy ban nhân dân tỉnh Sóc Trăng");
    expect("UBND TỈNH LÂM ĐỒNG\nSỞ TƯ PHÁP\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 1128/STP-BTTP\n", "issuer",
           "Sở Tư pháp tỉnh Lâm Đồng");
    expect("\tUBND TỈNH CAO BẰNG\n\tSỞ CÔNG THƯƠNG\n-------\n\tSố: 622/SCT-VP\n", "issuer", "Sở Công Thương tỉnh Cao Bằng");
    expect("UỶ BAN NHÂN DÂN HUYỆN KIM BẢNG -------\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 26 /UBND-VP\n", "issuer",
           "Ủy ban nhân dân huyện Kim Bảng");
    expect("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nTỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc\n"
           "Số: 07/CT-UBND Quảng Ngãi, ngày 30 tháng 3 năm 2018\nCHỈ THỊ\nVề việc tăng cường công tác thi hành án "
           "hành chính trên địa bàn tỉnh Quảng Ngãi\n",
           "issuer", "Ủy ban nhân dân tỉnh Quảng Ngãi");
    expect("ỦY BAN NHÂN DÂN\nXÃ HẢI HÒA\n-------\nSố: 12/KH-UBND\nHải Hòa, ngày 10 tháng 01 năm 2024\n", "issuer",
           "Ủy ban nhân dân xã Hải Hòa");
    expect("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ BẾN TRE\n-------\nSố: 9/KH-UBND\n", "issuer", "Ủy ban nhân dân thành phố Bến Tre");
    expect("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\n-------\nSố: 9/KH-UBND\n", "issuer", "Ủy ban nhân dân thành phố Hà Nội");
}

static void test_place_date(void **state)
{
    (void)state;
    expect("UBND TỈNH BÀ RỊA - VŨNG TÀU\n-------\nSố: 5/UBND-VP\nBà Rịa - Vũng Tàu, ngày 12 tháng 3 năm 2024\n",
           "place", "Bà Rịa - Vũng Tàu");
    expect("SỞ TƯ PHÁP\nSố: 125/STP-VP\nLâm Đồng, ngày 15tháng 01 năm 2026\n", "date", "2026-01-15");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_issuers), cmocka_unit_test(test_place_date)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
