/* Tests of lw_segment (markers, nesting in the order styles appear) and lw_duty (the three
 * shapes of duty, who leads, what is a partner, deadlines, what is not a duty), each on a
 * small document written the way plans and letters are. */
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
#include "lw_segment.h"

#include "test_support.h"

/* ---- segment ---- */

static void test_markers_and_nesting(void **state)
{
    (void)state;
    const char *t = "A. MỤC ĐÍCH\n1. Mục đích\n- Một\nB. NỘI DUNG\nI. TRIỂN KHAI\n1. Ban hành\na) Lĩnh vực\n"
                    "- Cơ quan thực hiện: Sở Tư pháp.\n+ chi tiết\nb) Khác\n2.1. Mục con\n2.1 Không chấm\n"
                    "Một đoạn văn\nII. TỔ CHỨC\nKẾ HOẠCH\n";
    lw_segments *s;
    assert_int_equal(lw_segment(t, strlen(t), &s, NULL), LW_OK);
    assert_int_equal(s->n, 15);
    const lw_seg_line *l = s->lines;
    assert_int_equal(l[0].mark, LW_MARK_UPPER);
    assert_string_equal(l[0].label, "A");
    assert_int_equal(l[1].mark, LW_MARK_ARABIC);
    assert_int_equal(l[1].parent, 0);
    assert_int_equal(l[2].mark, LW_MARK_DASH);
    assert_int_equal(l[2].parent, 1);
    assert_int_equal(l[3].parent, -1);  /* B. is A.'s sibling */
    assert_int_equal(l[4].mark, LW_MARK_ROMAN);
    assert_int_equal(l[4].parent, 3);   /* I. under B. */
    assert_int_equal(l[5].parent, 4);   /* 1. under I. */
    assert_int_equal(l[6].mark, LW_MARK_LETTER);
    assert_int_equal(l[6].parent, 5);
    assert_int_equal(l[7].parent, 6);   /* - under a) */
    assert_int_equal(l[8].mark, LW_MARK_PLUS);
    assert_int_equal(l[8].parent, 7);
    assert_int_equal(l[9].parent, 5);   /* b) is a)'s sibling: the bullets close */
    assert_int_equal(l[10].parts, 2);
    assert_string_equal(l[10].label, "2.1");
    assert_int_equal(l[11].mark, LW_MARK_ARABIC); /* "2.1 " without a final dot */
    assert_int_equal(l[12].mark, LW_MARK_NONE);
    assert_int_equal(l[12].parent, 11);           /* body of the open item */
    assert_int_equal(l[13].parent, 3);            /* II. is I.'s sibling */
    assert_int_equal(l[14].parent, -1);           /* a line in capitals closes everything */
    assert_int_equal(l[6].last, 8);
    assert_string_equal(l[4].label, "I");
    lw_segments_free(s);
}

static void test_not_markers(void **state)
{
    (void)state;
    const char *t = "---------------\n2012. Năm\n23/7/2012 là ngày\n-5 độ\nC. Roman? no: upper\n";
    lw_segments *s;
    assert_int_equal(lw_segment(t, strlen(t), &s, NULL), LW_OK);
    assert_int_equal(s->lines[0].mark, LW_MARK_NONE);
    assert_int_equal(s->lines[1].mark, LW_MARK_NONE);
    assert_int_equal(s->lines[2].mark, LW_MARK_NONE);
    assert_int_equal(s->lines[3].mark, LW_MARK_NONE);
    assert_int_equal(s->lines[4].mark, LW_MARK_UPPER);
    assert_int_equal(lw_segment_line_at(s, 0), 0);
    assert_int_equal(lw_segment_line_at(s, 16), 1);
    lw_segments_free(s);
}

static void test_caps(void **state)
{
    (void)state;
    /* a section title in capitals names no work; a sentence does, even one with capitals */
    const char *yes[] = {"CHẾ ĐỘ BÁO CÁO", "TỔ CHỨC THỰC HIỆN", "KẾ HOẠCH"};
    const char *no[] = {"Chế độ báo cáo", "Sở Tư pháp tổng hợp, xây dựng báo cáo", "UBND tỉnh", "A", ""};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(lw_segment_is_caps(yes[i], yes[i] + strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(lw_segment_is_caps(no[i], no[i] + strlen(no[i])));
}

/* ---- duties ---- */

static json_t *duties_of(const char *text)
{
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_bytes("t.txt", (const unsigned char *)text, strlen(text), NULL, &d, &err), LW_OK);
    size_t len;
    const char *nt = lw_doc_text(d, &len);
    lw_matcher *m = lw_matcher_create(lw_engine_rules(engine));
    lw_extraction *x;
    assert_int_equal(lw_extract(lw_engine_rules(engine), lw_engine_lexicon(engine), m, nt, len, NULL, &x, &err), LW_OK);
    json_t *rec = lw_extraction_record(x, d);
    json_t *out = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(rec, "facts"), i, f) {
        if (!strcmp(json_string_value(json_object_get(f, "kind")), "duty"))
            json_array_append(out, f);
    }
    json_decref(rec);
    lw_extraction_free(x);
    lw_matcher_free(m);
    lw_doc_free(d);
    return out;
}

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static const char *names(json_t *arr, char *buf, size_t n)
{
    size_t used = 0, i;
    json_t *v;
    buf[0] = '\0';
    json_array_foreach(arr, i, v) used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? "; " : "", json_string_value(v));
    return buf;
}

static const char plan[] =
    "ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "---------------\nSố: 12/KH-UBND\nBến Tre, ngày 10 tháng 01 năm 2024\n\nKẾ HOẠCH\nTheo dõi tình hình thi hành "
    "pháp luật năm 2024\n\nI. NỘI DUNG\n"
    "1. Ban hành kế hoạch theo dõi thi hành pháp luật\n- Cơ quan thực hiện:\n+ Các Sở, ngành: căn cứ chỉ đạo "
    "của Ủy ban nhân dân tỉnh, ban hành kế hoạch.\n+ Ủy ban nhân dân cấp huyện: ban hành kế hoạch.\n"
    "- Sản phẩm đầu ra: Kế hoạch năm 2024.\n- Thời gian thực hiện: Trong tháng 02 năm 2024.\n"
    "2. Kiểm tra tình hình thi hành pháp luật\n- Cơ quan thực hiện: Sở Tư pháp chủ trì, phối hợp với các Sở, "
    "ngành có liên quan tham mưu trình Ủy ban nhân dân tỉnh.\n- Thời gian hoàn thành: Quý III năm 2024.\n"
    "3. Thu thập thông tin\n- Cơ quan chủ trì: Các cơ quan chuyên môn thuộc UBND tỉnh.\n"
    "- Cơ quan phối hợp: Sở Tư pháp, Ủy ban nhân dân cấp huyện.\n"
    "II. TỔ CHỨC THỰC HIỆN\n1. Sở Tư pháp\n- Hướng dẫn, đôn đốc thực hiện Kế hoạch này.\n"
    "2. Ủy ban nhân dân các huyện, thành phố\n- Ban hành kế hoạch của địa phương; báo cáo kết quả về Ủy ban "
    "nhân dân tỉnh (qua Sở Tư pháp) trước ngày 30/11/2024.\n"
    "3. Đề nghị Viện kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh phối hợp thực hiện.\n"
    "Nơi nhận:\n- Sở Tư pháp;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn A\n";

static void test_plan_items(void **state)
{
    (void)state;
    json_t *d = duties_of(plan);
    char b[600];
    json_t *f = json_array_get(d, 0);
    assert_string_equal(str(f, "source"), "item");
    assert_string_equal(str(f, "activity"), "Ban hành kế hoạch theo dõi thi hành pháp luật");
    assert_string_equal(str(f, "section"), "1");
    assert_string_equal(str(f, "topic"), "plan");
    /* the sub-items name their units before the colon; the province named inside is not a lead */
    assert_string_equal(names(json_object_get(f, "lead"), b, sizeof b), "Các sở, ban, ngành tỉnh; Ủy ban nhân dân cấp huyện");
    assert_string_equal(str(f, "output"), "Kế hoạch năm 2024");
    assert_string_equal(str(json_object_get(f, "deadline"), "to"), "2024-02-29");
    assert_int_equal(json_integer_value(json_object_get(f, "line")), 14);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "deadline"), "line")), 19);
    f = json_array_get(d, 1);
    /* "chủ trì, phối hợp với ...": lead, partners; "tham mưu trình Ủy ban nhân dân tỉnh" neither */
    assert_string_equal(names(json_object_get(f, "lead"), b, sizeof b), "Sở Tư pháp");
    assert_string_equal(names(json_object_get(f, "partners"), b, sizeof b), "Các sở, ban, ngành tỉnh");
    assert_string_equal(str(f, "topic"), "inspect");
    assert_string_equal(str(json_object_get(f, "deadline"), "to"), "2024-09-30");
    f = json_array_get(d, 2);
    assert_string_equal(names(json_object_get(f, "lead"), b, sizeof b), "Các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh");
    assert_string_equal(names(json_object_get(f, "partners"), b, sizeof b), "Sở Tư pháp; Ủy ban nhân dân cấp huyện");
    assert_true(json_is_null(json_object_get(f, "deadline")));
    json_decref(d);
}

static void test_assignments_and_reports(void **state)
{
    (void)state;
    json_t *d = duties_of(plan);
    char b[600];
    size_t n = json_array_size(d);
    int tasks = 0, reports = 0, request = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(d, i);
        const char *src = str(f, "source"), *act = str(f, "activity");
        names(json_object_get(f, "lead"), b, sizeof b);
        /* nothing from the distribution list or the signature */
        assert_null(strstr(act, "Lưu"));
        if (!strcmp(src, "assignment") && strstr(act, "Hướng dẫn")) {
            assert_string_equal(b, "Sở Tư pháp");
            tasks++;
        }
        if (!strcmp(src, "assignment") && strstr(act, "Ban hành kế hoạch của địa phương")) {
            /* the reporting clause is a duty of its own: the task keeps no deadline */
            assert_string_equal(b, "Ủy ban nhân dân cấp huyện");
            assert_string_equal(str(f, "topic"), "plan");
            assert_true(json_is_null(json_object_get(f, "deadline")));
            tasks++;
        }
        if (!strcmp(str(f, "topic") ? str(f, "topic") : "", "report") && json_is_object(json_object_get(f, "deadline"))) {
            assert_string_equal(b, "Ủy ban nhân dân cấp huyện");
            assert_string_equal(str(json_object_get(f, "deadline"), "to"), "2024-11-29");
            reports++;
        }
        if (strstr(act, "Đề nghị")) {
            assert_string_equal(b, "Viện kiểm sát nhân dân tỉnh; Tòa án nhân dân tỉnh");
            request++;
        }
    }
    assert_int_equal(tasks, 2);
    assert_int_equal(reports, 1);
    assert_int_equal(request, 1);
    json_decref(d);
}

static void test_letter_report(void **state)
{
    (void)state;
    /* a letter: the units asked are those after "đề nghị"; the period reported on is not a
     * second deadline; the subject line is no duty */
    const char *t = "UBND TỈNH BẾN TRE\nSỞ TƯ PHÁP\n-------\nSố: 310/STP-TDTHPL\n"
                    "V/v báo cáo kết quả 6 tháng đầu năm 2025 trước ngày 05/7/2025\nBến Tre, ngày 12 tháng 6 năm 2025\n"
                    "Kính gửi:\n- Các Sở, ngành tỉnh;\n- Ủy ban nhân dân các huyện, thành phố.\n"
                    "Để tổng hợp, Sở Tư pháp đề nghị các Sở, ngành tỉnh và Ủy ban nhân dân các huyện, thành phố báo cáo "
                    "kết quả 6 tháng đầu năm 2025 về Sở Tư pháp trước ngày 05/7/2025.\n"
                    "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n";
    json_t *d = duties_of(t);
    char b[600];
    assert_int_equal(json_array_size(d), 1);
    json_t *f = json_array_get(d, 0);
    assert_string_equal(str(f, "source"), "report");
    assert_string_equal(names(json_object_get(f, "lead"), b, sizeof b), "Các sở, ban, ngành tỉnh; Ủy ban nhân dân cấp huyện");
    assert_string_equal(str(json_object_get(f, "deadline"), "to"), "2025-07-04");
    assert_int_equal(json_integer_value(json_object_get(f, "line")), 10);
    json_decref(d);
}

static void test_local_units(void **state)
{
    (void)state;
    /* a department's own offices are that department's */
    const char *t = "UBND TỈNH BẾN TRE\nSỞ NỘI VỤ\n-------\nSố: 15/KH-SNV\nBến Tre, ngày 25 tháng 01 năm 2024\n"
                    "KẾ HOẠCH\nTheo dõi thi hành pháp luật năm 2024\nI. NỘI DUNG\n1. Kiểm tra tình hình thi hành pháp luật\n"
                    "- Cơ quan thực hiện: Thanh tra Sở.\n- Thời gian: Quý III năm 2024.\n";
    json_t *d = duties_of(t);
    char b[600];
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(names(json_object_get(json_array_get(d, 0), "lead"), b, sizeof b),
                        "Thanh tra Sở Nội vụ tỉnh Bến Tre");
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markers_and_nesting), cmocka_unit_test(test_not_markers), cmocka_unit_test(test_caps),
        cmocka_unit_test(test_plan_items),          cmocka_unit_test(test_assignments_and_reports),
        cmocka_unit_test(test_letter_report),       cmocka_unit_test(test_local_units),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
