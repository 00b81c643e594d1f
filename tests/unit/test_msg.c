/* test_msg: the message table. Each message's Vietnamese and English texts take the same
 * printf conversions in the same order (the compiler cannot check table formats), no text
 * is empty, and the error form is "vi (en)" with the arguments in both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lw_msg.h"

/* The conversions of a format, "%s%d%zu" style, into out (flags and widths dropped). */
static void conversions(const char *f, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = f; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ #0123456789.*", *p))
            p++;
        while (*p && strchr("hlLqjzt", *p))
            out[o < size - 1 ? o++ : o] = *p++;
        if (*p)
            out[o < size - 1 ? o++ : o] = *p;
        if (!*p)
            break;
    }
    out[o] = '\0';
}

static void test_pairs_match(void **state)
{
    (void)state;
    for (int id = 0; id < LW_MSG_COUNT; id++) {
        const char *vi = lw_msg_get(id, LW_LANG_VI), *en = lw_msg_get(id, LW_LANG_EN);
        char cv[64], ce[64];
        conversions(vi, cv, sizeof cv);
        conversions(en, ce, sizeof ce);
        if (strcmp(cv, ce) || !*vi || !*en)
            fail_msg("message %d: \"%s\" (%s) vs \"%s\" (%s)", id, vi, cv, en, ce);
    }
}

static void test_error_form(void **state)
{
    (void)state;
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_error_msg(&err, LW_ERR_IO, "a.txt", 3, 0, LW_MSG_FILE_OPEN, "No such file"), LW_ERR_IO);
    assert_string_equal(err.msg, "không mở được tệp: No such file (cannot open: No such file)");
    assert_string_equal(err.file, "a.txt");
    assert_int_equal(err.line, 3);
    char small[12];
    lw_msg_format(small, sizeof small, LW_MSG_NOMEM);
    assert_true(strlen(small) < sizeof small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_match),
        cmocka_unit_test(test_error_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
