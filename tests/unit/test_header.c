/* Tests of the header's issuer in the layouts real documents come in: a two-line block, a
 * department under its committee (on two lines or joined by unwrapping), a rule after the
 * name on its line, a two-column header flattened by OCR, a commune, a district in capitals.
 * Then headers of scans and damaged text layers (issue 15, class 10): numbers split over
 * lines or without "Số:", OCR-damaged dates and titles, the issuer from the signature stamp;
 * and what must stay empty there, since a wrong number or date makes a document look like
 * another. */
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

/* The header field key of text, owned (free()), NULL when null; "signer.K" is a key of
 * the signer. */
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
    json_t *h = lw_header_json(&x->header); /* the header as the record gives it */
    assert_non_null(h);
    const char *v = strncmp(key, "signer.", 7) ? json_string_value(json_object_get(h, key))
                                               : json_string_value(json_object_get(json_object_get(h, "signer"), key + 7));
    char *out = v ? strdup(v) : NULL;
    json_decref(h);
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

static void expect_null(const char *text, const char *key)
{
    char *got = header_field(text, key);
    if (got)
        fail_msg("%s: want null, got \"%s\" for:\n%s", key, got, text);
    free(got);
}

/* The field key of text is not bad (it may be null or another value): what a test asserts
 * when the right value depends on vocabulary another file owns (rules/agencies.yaml). */
static void expect_not(const char *text, const char *key, const char *bad)
{
    char *got = header_field(text, key);
    if (got && !strcmp(got, bad))
        fail_msg("%s: must not be \"%s\" for:\n%s", key, bad, text);
    free(got);
}

static void test_scan_numbers(void **state)
{
    (void)state;
    /* a two-column header taken apart: the number above "Số:", the symbol below */
    expect("BỘ NỘI VỤ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n12094\nSố:\n/BNV-CCHC\n"
           "Hà Nội, ngày 15 tháng 12 năm 2025\nV/v hướng dẫn triển khai\n",
           "number", "12094/BNV-CCHC");
    /* "Số:" then the number, then the symbol, each on its own line */
    expect("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố:\n329\n/BC-UBND\nLâm Đồng, ngày 19 tháng 12 năm 2025\nBÁO CÁO\n",
           "number", "329/BC-UBND");
    /* spaces around the slash and the hyphen */
    expect("UBND TỈNH BÌNH THUẬN\nSố: 84 /TTr -UBND\nBình Thuận, ngày 2 tháng 3 năm 2024\nTỜ TRÌNH\n", "number",
           "84/TTr-UBND");
    expect("BỘ NỘI VỤ\n84\nSố: /BNV-CCHC\nHà Nội, ngày 15 tháng 12 năm 2025\n", "number", "84/BNV-CCHC");
    /* a party document's number, and its place under the party's motto in capitals */
    expect("ĐẢNG BỘ TỈNH SÓC TRĂNG\nTỈNH ỦY\n*\nSố 45-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nSóc Trăng, ngày 10 tháng 3 năm 2024\n"
           "KẾ HOẠCH\n",
           "number", "45-KH/TU");
    expect("ĐẢNG BỘ TỈNH SÓC TRĂNG\nTỈNH ỦY\n*\nSố 45-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nSóc Trăng, ngày 10 tháng 3 năm 2024\n"
           "KẾ HOẠCH\n",
           "place", "Sóc Trăng");
    /* a draft: the number and the day left blank for the clerk stay empty */
    expect_null("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố:           /KH-UBND\nLâm Đồng, ngày       tháng 12 năm 2025\nKẾ HOẠCH\n",
                "number");
    expect_null("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố:           /KH-UBND\nLâm Đồng, ngày       tháng 12 năm 2025\nKẾ HOẠCH\n",
                "date");
    expect("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố:           /KH-UBND\nLâm Đồng, ngày       tháng 12 năm 2025\n", "kind",
           "Kế hoạch");
    /* "Số:" lost: the number alone on a line before the place and date */
    expect("CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n47/2017/NĐ-CP\n"
           "Hà Nội, ngày 25 tháng 12 năm 2017\nNGHỊ ĐỊNH\n",
           "number", "47/2017/NĐ-CP");
    /* ... but not a number line after it (a list of documents, not the header) */
    expect_null("CHÍNH PHỦ\nHà Nội, ngày 25 tháng 12 năm 2017\nNGHỊ ĐỊNH\n47/2017/NĐ-CP\n", "number");
    /* digits destroyed by OCR: no number, but the symbol's type code still names the kind */
    expect_null("uY BAN NgAN nAN\nTINH LAMDONG\n56:]+9-} /TB-LIBND\nLdm D6ng, ngdy fithdng 11 ndm 2025\n", "number");
    expect("uY BAN NgAN nAN\nTINH LAMDONG\n56:]+9-} /TB-LIBND\nLdm D6ng, ngdy fithdng 11 ndm 2025\n", "kind",
           "Thông báo");
    expect_null("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: # /CT-UBND Quảng Ngãi, ngày 80 tháng 3 năm 2018\n"
                "CHỈ THỊ\n",
                "number");
}

static void test_scan_dates(void **state)
{
    (void)state;
    /* a zero read as Ø, beside a real digit; the number before the place is noise */
    expect("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: đ /CT-UBND Quảng Ngãi, ngày Ø3 tháng 4 năm 2018\nCHỈ THỊ\n", "date",
           "2018-04-03");
    expect("SỞ TƯ PHÁP\nSố: 5/STP-VP\nLâm Đồng, ngày 1O tháng 11 năm 2025\n", "date", "2025-11-10");
    /* the space after "ngày" and the "ă" of "năm" lost by a broken font */
    expect("CÔNG AN TỈNH LÂM ĐỒNG\nSố: 298/TTr-CAT-PC04\nLâm Đồng, ngày24 tháng 10 nm 2025\n", "date", "2025-10-24");
    expect("SỞ TƯ PHÁP\nSố: 5/STP-VP\nLâm Đồng, ngày 15 tháng Ø2 năm 2021\n", "date", "2021-02-15");
    /* split over lines */
    expect("ỦY BAN NHÂN DÂN\nTỈNH BÌNH THUẬN\nSố: 779/QĐ-UBND\nBình Thuận, ngày\n23 tháng\n3 năm 2022\nQUYẾT ĐỊNH\n",
           "date", "2022-03-23");
    /* the place and date joined by unwrapping to the "V/v" line above: a province's name */
    expect("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 424 /UBND-NC\nV/v triển khai Kế hoạch theo dõi tình hình thi hành pháp "
           "luật năm 2024 Lào Cai, ngày 09tháng 04 năm 2024\n",
           "date", "2024-04-09");
    expect_null("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 424 /UBND-NC\nV/v góp ý Kế hoạch của UBND tỉnh Lào Cai ngày 09/4/2024\n",
                "date");
    /* ... or a district's name, when the header names it in capitals above */
    expect("ỦY BAN NHÂN DÂN\nHUYỆN QUẢNG ĐIỀN\nSố: 1085/UBND-VP\nV/v góp ý dự thảo Kế hoạch Quảng Điền, ngày 14 tháng 6 "
           "năm 2024\n",
           "date", "2024-06-14");
    expect_null("ỦY BAN NHÂN DÂN\nHUYỆN QUẢNG ĐIỀN\nSố: 1085/UBND-VP\nV/v góp ý Kế hoạch của Sở Tư Pháp, ngày 14 tháng 6 "
                "năm 2024\n",
                "date");
    /* a symbol split at its hyphen does not run into the place on the next line */
    expect("ỦY BAN NHÂN DÂN\nXÃ LỘC ĐIỀN\nSố: 639/BC- UBND\nLộc Điền, ngày 6 tháng 12 năm 2019\n", "place", "Lộc Điền");
    /* a day OCR destroyed stays empty: never a guess ("lé", "3|", "Íð", two letters) */
    expect_null("BỘ CÔNG AN\nSố:4214/BCA-C04 Hà Nội. ngày lé tháng 3 năm 2025\n", "date");
    expect_null("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 6§0_/TB-UBND Quảng Ngãi, ngày 3| tháng 12 năm 2024\n", "date");
    expect_null("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố:0+ /CT-UBND Quảng Ngãi, ngày Íð tháng 3 năm 2024\n", "date");
    expect_null("SỞ TƯ PHÁP\nSố: 5/STP-VP\nLâm Đồng, ngày Oo tháng 11 năm 2025\n", "date");
}

static void test_scan_kinds(void **state)
{
    (void)state;
    /* title lines without diacritics, with a misread mark, without the space */
    expect("UBND TỈNH LÂM ĐỒNG\nso:/J+06teo-ueND\nQUYET DINH\nVd viQc cho ph6p\n", "kind", "Quyết định");
    expect("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố:⁄‡6 /CT-UBND Quảng Ngãi, ngày Â4‡ tháng 12 năm 2021\nCHÍ THỊ\n"
           "Về việc tăng cường\n",
           "kind", "Chỉ thị");
    expect("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nTHONGBAO\nKết luận\n", "kind", "Thông báo");
    /* a "V/v" line outranks the symbol: a body's abbreviation may look like a type code
     * ("CT" of the Cục Thuế, not Chỉ thị) */
    expect("BỘ TÀI CHÍNH\nCỤC THUẾ\nSố: 2191/CT-CS Hà Nội, ngày 09 tháng 4 năm 2026\nV/v chính sách thuế TNDN\n", "kind",
           "Công văn");
    /* a "V/v" line under a title OCR left unread is no letter's: the symbol's code decides */
    expect("CÔNG AN TỈNH LÂM ĐỒNG\nSố: 298/TTr-CAT-PC04\nLâm Đồng, ngày 24 tháng 10 năm 2025\nTÜTRÌNH\nV/v xin chủ trương\n",
           "kind", "Tờ trình");
    /* ... but a mark of urgency there is no title */
    expect("BỘ TÀI CHÍNH\nCỤC THUẾ\nSố: 2191/CT-CS\nHỎA TỐC\nHà Nội, ngày 09 tháng 4 năm 2026\nV/v chính sách thuế\n", "kind",
           "Công văn");
    /* a symbol without a type code and a "V/v" line: a letter */
    expect("SỞ TƯ PHÁP\nSố: 125/STP-VP\nLâm Đồng, ngày 15 tháng 01 năm 2026\nV/v góp ý dự thảo\n", "kind", "Công văn");
    /* nothing of the number, title or "V/v" legible: a letter's shape ("Số:" line, then
     * "Kính gửi" with no title in capitals between) */
    expect("BỘ CÔNG AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: H02 ĐCA-C04 Hà Nội, ở! đ tháng {4Ô 2ã 202\nC^\n"
           "gìa ý kiên vào Dự thảo Hồ sơ\nkính gửi: UBND các tỉnh, thành phố\n",
           "kind", "Công văn");
    /* ... but a damaged title in capitals there is another type's: no kind rather than a wrong one */
    expect_null("CÔNG AN TỈNH LÂM ĐỒNG\nSố: H0# ĐCA\nTÜTRÌNH\nVề việc xin chủ trương\nKính gửi: Chủ tịch UBND tỉnh\n",
                "kind");
    /* ... as is a damaged title fused by unwrapping to the subject after it */
    expect_null("UBND TỈNH LÂM ĐỒNG\nSố: H0# ĐCA\nTHONGBAo Kết luận của Phó Chủ tịch\nKính gửi: các sở, ngành\n", "kind");
    /* the title in capitals outranks the symbol */
    expect("ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\nSố: 48/QĐ-UBND\nKẾ HOẠCH\nTheo dõi\n", "kind", "Kế hoạch");
}

static void test_scan_issuers(void **state)
{
    (void)state;
    /* the header block illegible: the digital signature's stamp names the issuer */
    expect("Ký bởi: UBND tỉnh Lâm Đồng\nGiờ ký: 22/09/2025 14:38:43\nUYTANNHANOAN\nTINHLAMDONG\nQUYET DINH\n", "issuer",
           "Ủy ban nhân dân tỉnh Lâm Đồng");
    expect("Ký bởi: ỦY BAN NHÂN\nDÂN TỈNH LÂM ĐỒNG\nCơ quan: ỦY BAN NHÂN\nDÂN TỈNH LÂM ĐỒNG\nThời gian ký: 13/11/2025\n"
           "uY BAN NgAN nAN\nTINH LAMDONG\n",
           "issuer", "Ủy ban nhân dân tỉnh Lâm Đồng");
    /* a province's body on the stamp, its province on the stamp's "Cơ quan:" line */
    expect("Người ký: Sở Tư pháp\nEmail: stp@lamdong.gov.vn\nCơ quan: Tỉnh Lâm Đồng\nThời gian ký: 16.10.2025\n"
           "UBND TINH LAM D0NG\nS0 TU PHAP\n",
           "issuer", "Sở Tư pháp tỉnh Lâm Đồng");
    /* a portal or the committee's office stamps what it publishes or copies, not its own */
    expect_null("Người ký: Cổng Thông tin điện tử Chính phủ\nEmail: thongtinchinhphu@chinhphu.vn\nCHINH PHU\n", "issuer");
    expect_null("Ký bởi: Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi\nThời gian ký: 27/12/2021\nUY BAN NHAN DAN\n", "issuer");
    /* a body named in the stamps a scan opens with (the gazette's centre, a copying body) is
     * not the header's issuer, even alone on its line */
    expect_null("Sở Tư pháp tỉnh Lâm Đồng\nstp@lamdong.gov.vn\n16.10.2025 09:00:00 +07:00\nUY BAN NHAN DAN\n"
                "Số: 12/QĐ-UBND\n",
                "issuer");
    expect("Sở Tư pháp tỉnh Lâm Đồng\nstp@lamdong.gov.vn\n16.10.2025 09:00:00 +07:00\nỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n"
           "Số: 12/QĐ-UBND\n",
           "issuer", "Ủy ban nhân dân tỉnh Quảng Ngãi");
    /* the motto as OCR misreads it still closes the issuer's line */
    expect("SAO Y\nBộ Công an\nThời gian ký: 2025-09-16T14:37:50+07:00\nBỘ CÔNG AN CỘNG HÒA XÃ HỌI CHỦ NGHĨA VIỆT NAM\n"
           "Số:4214/BCA-C04 Hà Nội. ngày lé tháng 3 năm 2025\n",
           "issuer", "Bộ Công an");
    /* a certified copy's stamp is the copying body's */
    expect_null("SAO Y\nKý bởi: Sở Tư pháp tỉnh Lâm Đồng\nuY BAN NgAN nAN\nTINH LAMDONG\nQUYET DINH\n", "issuer");
    /* the header block, when legible, outranks the stamp */
    expect("Ký bởi: Sở Tư pháp tỉnh Lâm Đồng\nỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 1/QĐ-UBND\n", "issuer",
           "Ủy ban nhân dân tỉnh Lâm Đồng");
    /* a body under the parent: never the parent (empty when the agency rules cannot read the
     * body, which is theirs to name) */
    expect_not("BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCỤC THUE Độc lập - Tự do - Hạnh phúc\n"
               "Số: 2191/CT-CS Hà Nội, ngày 09 tháng 4 năm 2026\n",
               "issuer", "Bộ Tài chính");
    expect_not("UBND TỈNH LÂM ĐỒNG\nTRUNG TÂM XÚC TIẾN ĐẦU TƯ\nTHƯƠNG MẠI VÀ DU LỊCH\nSố: 644 /TTXT-ĐTDN\n", "issuer",
               "Ủy ban nhân dân tỉnh Lâm Đồng");
    expect_not("UBND TỈNH LÂM ĐỒNG\nBAN CHỈ ĐẠO PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ\nSố:           /BC-BCĐ\n", "issuer",
               "Ủy ban nhân dân tỉnh Lâm Đồng");
    /* a two-column header flattened by OCR: the department under the committee on the line
     * of the motto's second part */
    expect("UBND TỈNH LÂM ĐỒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ TƯ PHÁP Độc lập - Tự do - Hạnh phúc\n"
           "Số: 1128/STP-BTTP Lâm Đồng, ngày 16 tháng 10 năm 2025\n",
           "issuer", "Sở Tư pháp tỉnh Lâm Đồng");
    /* an organ of the parent on the line below it issues in the parent's name */
    expect("ỦY BAN MTTQ VIỆT NAM\nTỈNH SÓC TRĂNG\nBAN THƯỜNG TRỰC\nSố: 12/MTTQ-BTT\nSóc Trăng, ngày 2 tháng 3 năm 2024\n",
           "issuer", "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Sóc Trăng");
    /* "Ủy ban nhân dân tỉnh" whose name OCR lost: the province the document is about */
    expect("Ủy ban nhân dân tỉnh\n\nSố: 16/CT-UBND Quảng Ngãi, ngày 27 tháng 12 năm 2021\nCHỈ THỊ\n"
           "Về việc đón Tết trên địa bàn tỉnh Quảng Ngãi\n",
           "issuer", "Ủy ban nhân dân tỉnh Quảng Ngãi");
}

static void test_scan_subject_signer(void **state)
{
    (void)state;
    /* a stamp's noise before "Về việc" on the subject's line is no part of the subject */
    expect("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 07/CT-UBND\nCHỈ THỊ\n-TRUNG TÂM CÔNG 810 & Tin HỌC O.NG ÃIj Về việc tăng "
           "cường công tác thi hành án hành chính\n",
           "subject", "Về việc tăng cường công tác thi hành án hành chính");
    expect("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 07/KH-UBND\nKẾ HOẠCH\nTriển khai Quyết định Về việc thi hành án\n", "subject",
           "Triển khai Quyết định Về việc thi hành án");
    /* a signer's name of a broken text layer is no name; a position with digits no position */
    expect("Nơi nhận:\n- Như trên;\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Ngọc Phúc\n", "signer.name", "Nguyễn Ngọc Phúc");
    expect_null("Nơi nhận:\n- Như trên;\nKT. CHANH VAN PHONG\nPH6 C\nMinh Vfr\n", "signer.name");
    expect_null("Nơi nhận:\n- Như trên;\nKT. CHANH VAN PHONG\nPH6 C\nMinh Vfr\n", "signer.position");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_issuers), cmocka_unit_test(test_place_date),
                                       cmocka_unit_test(test_scan_numbers), cmocka_unit_test(test_scan_dates),
                                       cmocka_unit_test(test_scan_kinds), cmocka_unit_test(test_scan_issuers),
                                       cmocka_unit_test(test_scan_subject_signer)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
