/* test_snippet: search snippets from user queries (through lw_fts_query_build, as the search
 * does), one table of cases: the query, the subject, the body, the expected snippet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lw_fts.h"
#include "lw_snippet.h"

typedef struct {
    const char *query, *subject, *body, *want;
    int ntokens;
} snippet_case;

static const snippet_case cases[] = {
    /* the body's words, the match marked; tone style and diacritics as the index sees them */
    {"hòa giải", "Kế hoạch năm 2025", "Công tác hoà giải ở cơ sở được chú trọng.", "Công tác [hoà giải] ở cơ sở được chú trọng.", 24},
    {"hoa giai", NULL, "Công tác hoà giải ở cơ sở.", "Công tác [hoà giải] ở cơ sở.", 24},
    /* with diacritics, only that word: bán is not bản */
    {"bản", NULL, "Văn bản này không bán.", "Văn [bản] này không bán.", 24},
    /* a document number is one phrase, marked whole */
    {"59/2012/NĐ-CP", NULL, "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23/7/2012.", "Căn cứ Nghị định số [59/2012/NĐ-CP] ngày 23/7/2012.", 24},
    /* a phrase is marked where its words follow each other, not elsewhere */
    {"\"thi hành pháp luật\"", NULL, "Thi hành án; theo dõi thi hành pháp luật.", "Thi hành án; theo dõi [thi hành pháp luật].", 24},
    /* a prefix: hàn* finds hành and hạnh */
    {"hàn*", NULL, "Thi hành và hạnh kiểm.", "Thi [hành] và [hạnh] kiểm.", 24},
    /* the window: the part with most of the words, cut with … on either side */
    {"tham nhũng", NULL, "một hai ba bốn năm sáu bảy tám chín mười về phòng chống tham nhũng trong năm nay và sau",
     "…về phòng chống [tham nhũng] trong năm nay và…", 9},
    /* the subject wins when it holds as many words as the body */
    {"kế hoạch", "Kế hoạch theo dõi", "Thực hiện kế hoạch.", "[Kế hoạch] theo dõi", 24},
    /* no match at all (a NOT query's other words): the start of the text */
    {"blockchain", NULL, "Một hai ba.", "Một hai ba.", 24},
    /* line breaks read as spaces */
    {"luật", NULL, "Pháp\nluật\n\nmới", "Pháp [luật] mới", 24},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const snippet_case *c = &cases[i];
        char *expr = NULL;
        lw_error err;
        assert_int_equal(lw_fts_query_build(c->query, &expr, &err), LW_OK);
        lw_snippet_terms *t = NULL;
        assert_int_equal(lw_snippet_terms_create(expr, &t), LW_OK);
        char *got = lw_snippet_make(t, c->subject, c->subject ? strlen(c->subject) : 0, c->body,
                                    c->body ? strlen(c->body) : 0, "[", "]", c->ntokens);
        if (!got || strcmp(got, c->want))
            fail_msg("case %zu (%s): got '%s', want '%s'", i, c->query, got ? got : "(null)", c->want);
        free(got);
        lw_snippet_terms_free(t);
        free(expr);
    }
}

static void test_empty(void **state)
{
    (void)state;
    lw_snippet_terms *t = NULL;
    assert_int_equal(lw_snippet_terms_create("\"x\"", &t), LW_OK);
    char *got = lw_snippet_make(t, NULL, 0, NULL, 0, "[", "]", 24);
    assert_non_null(got);
    assert_string_equal(got, "");
    free(got);
    lw_snippet_terms_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cases), cmocka_unit_test(test_empty)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
