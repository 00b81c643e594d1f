/* test_review_render: what the report's renderers share (lw_report_render.h: escapes, the
 * terminal padding, the days phrase in both languages, a failing stream) and check's
 * renderer (lw_check_render.h: the table's lines and totals, JSON paths made relative, a
 * failing stream). The whole reports are compared byte for byte by the golden tests
 * (t_report, t_real_review); these pin the pieces so a change shows where it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lw_check_render.h"
#include "lw_report_render.h"

/* The sink's bytes after fn wrote into it. */
typedef void (*sink_fn)(lw_render_sink *s);

static char *collect(sink_fn fn)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lw_render_sink s = {f, 0, 0, {0}};
    fn(&s);
    lw_render_drain(&s);
    lw_buf_free(&s.b);
    assert_false(s.bad);
    assert_false(s.nomem);
    fclose(f);
    return buf;
}

static void escapes(lw_render_sink *s)
{
    lw_render_html(s, "a<b>&\"c'");
    lw_render_put(s, "|", 1);
    lw_render_csv(s, "x,y", 0);
    lw_render_csv(s, "say \"hi\"", 0);
    lw_render_csv(s, NULL, 1);
    lw_render_md(s, "a|b\nc<d");
    lw_render_put(s, "|", 1);
    lw_render_flat(s, "one\n two\t\tthree");
}

static void test_escapes(void **state)
{
    (void)state;
    char *out = collect(escapes);
    assert_string_equal(out, "a&lt;b&gt;&amp;&quot;c&#39;|\"x,y\",\"say \"\"hi\"\"\",\r\na\\|b c&lt;d|one two three");
    free(out);
}

static void padding(lw_render_sink *s)
{
    lw_render_pad(s, "Quá hạn", 10); /* 7 columns, 9 bytes */
    lw_render_put(s, "|", 1);
    lw_render_pad(s, "much too long here", 4); /* one space at least */
    lw_render_put(s, "|", 1);
}

static void test_pad_counts_columns(void **state)
{
    (void)state;
    char *out = collect(padding);
    assert_string_equal(out, "Quá hạn    |much too long here |");
    free(out);
}

static void test_when(void **state)
{
    (void)state;
    lw_ds_duty duty = {0};
    duty.to = "2024-11-30";
    lw_report_summary vi = {.as_of = "2024-12-01", .since = ""}, en = vi;
    en.english = 1;
    lw_report_item it = {.unit = "x", .status = LW_RS_OVERDUE, .duty = &duty, .days = -3};
    char buf[LW_RENDER_WHEN_MAX];
    assert_string_equal(lw_render_when(&vi, &it, buf, sizeof buf), "quá hạn 3 ngày");
    assert_string_equal(lw_render_when(&en, &it, buf, sizeof buf), "3 days overdue");
    it.status = LW_RS_DUE_SOON;
    it.days = 0;
    assert_string_equal(lw_render_when(&vi, &it, buf, sizeof buf), "đến hạn hôm nay");
    it.days = 5;
    assert_string_equal(lw_render_when(&en, &it, buf, sizeof buf), "5 days left");
    it.status = LW_RS_NO_UNIT;
    it.days = -2;
    assert_string_equal(lw_render_when(&vi, &it, buf, sizeof buf), "hạn đã qua 2 ngày");
    it.status = LW_RS_DONE;
    assert_string_equal(lw_render_when(&vi, &it, buf, sizeof buf), "");
    assert_string_equal(lw_render_status_label(&en, LW_RS_LATE), "Late");
    assert_string_equal(lw_render_status_label(&vi, LW_RS_LATE), "Nộp muộn");
    assert_string_equal(lw_render_status_id(LW_RS_DUE_SOON), "due_soon");
}

static void test_notes(void **state)
{
    (void)state;
    lw_report_summary v = {.as_of = "2024-12-01", .since = "2023-01-01", .older = 4, .directing = 2, .later = 1};
    char buf[LW_RENDER_NOTE_MAX];
    assert_non_null(
        strstr(lw_render_older_note(&v, buf, sizeof buf), "4 nhiệm vụ có thời hạn trước ngày 01/01/2023"));
    lw_render_directing_note(&v, buf, sizeof buf);
    assert_true(!strncmp(buf, "2 nhiệm vụ chỉ đạo", strlen("2 nhiệm vụ chỉ đạo")));
    assert_non_null(strstr(buf, " 1 nhiệm vụ của văn bản ghi ngày sau ngày 01/12/2024"));
    v.since = "";
    assert_string_equal(lw_render_older_note(&v, buf, sizeof buf), "");
}

/* ---- check ---- */

static json_t *sample_findings(void)
{
    json_t *a = json_pack("[{s:s,s:s,s:s,s:I,s:s,s:s,s:i,s:s,s:{s:s,s:s,s:i}},"
                          " {s:s,s:s,s:s,s:I,s:s,s:s,s:i,s:s,s:{s:s,s:s}}]",
                          "code", "deadline.missing", "severity", "warning", "path", "/base/docs/a.txt", "id",
                          (json_int_t)1, "label", "Kế hoạch số 1/KH-UBND", "subject", "Về việc X", "line", 3,
                          "message", "Nhiệm vụ “Y” không có thời hạn thực hiện.", "evidence", "activity", "Y",
                          "source_path", "/base/docs/b.txt", "source_line", 7,
                          "code", "citation.unknown", "severity", "info", "path", "/base/docs/a.txt", "id",
                          (json_int_t)1, "label", "Kế hoạch số 1/KH-UBND", "subject", "Về việc X", "line", 9,
                          "message", "m", "evidence", "cited", "Z", "id", "9/2020/ND-CP");
    assert_non_null(a);
    return a;
}

static char *render(json_t *findings, lw_check_format fmt, const lw_check_render_options *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_check_render(findings, fmt, o, f, &err), LW_OK);
    fclose(f);
    return buf;
}

static void test_check_table(void **state)
{
    (void)state;
    json_t *a = sample_findings();
    lw_check_render_options o = {.cwd = "/base"};
    char *out = render(a, LW_CHECK_TABLE, &o);
    assert_non_null(strstr(out, "Kế hoạch số 1/KH-UBND\n  Về việc X\n  (docs/a.txt)\n"));
    assert_non_null(strstr(out, "  dòng 3     CẢNH BÁO deadline.missing\n"));
    assert_non_null(strstr(out, "9/2020/ND-CP (dòng 9)"));
    assert_non_null(strstr(out, "1 phát hiện: 0 lỗi, 1 cảnh báo, 0 thông tin (findings: errors, warnings, info)\n"));
    free(out);
    json_decref(a);
}

static void test_check_json_relative(void **state)
{
    (void)state;
    json_t *a = sample_findings();
    lw_check_render_options o = {.cwd = "/base"};
    char *out = render(a, LW_CHECK_JSON, &o);
    json_t *back = json_loads(out, 0, NULL);
    assert_non_null(back);
    json_t *f0 = json_array_get(back, 0);
    assert_string_equal(json_string_value(json_object_get(f0, "path")), "docs/a.txt");
    assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "evidence"), "source_path")),
                        "docs/b.txt");
    /* made relative in the caller's findings themselves (documented: no copy) */
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "path")), "docs/a.txt");
    assert_int_equal(lw_check_format_parse("json"), LW_CHECK_JSON);
    assert_int_equal(lw_check_format_parse("html"), -1);
    json_decref(back);
    free(out);
    json_decref(a);
}

/* A stream that cannot be written is an error, not a silent short output. */
static void test_full_stream(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        skip();
    json_t *a = sample_findings();
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_check_render(a, LW_CHECK_JSON, NULL, f, &err), LW_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot write the findings"));
    fclose(f);
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),     cmocka_unit_test(test_pad_counts_columns),
        cmocka_unit_test(test_when),        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_check_table), cmocka_unit_test(test_check_json_relative),
        cmocka_unit_test(test_full_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
