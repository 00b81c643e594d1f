/* test_yaml: where a string's byte was written (lw_yaml_locate), one table of cases: the
 * YAML text, the value's byte to find (the first occurrence of at in the value of key "a";
 * NULL: just past the value), and the 1-based line and column the author wrote it at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lw_yaml.h"

typedef struct {
    const char *yaml, *at;
    int line, col;
} place_case;

static const place_case cases[] = {
    /* plain, folded over two lines */
    {"a: ngày \\s+\n   (\\d+) x\n", "(", 2, 4},
    /* folded block with an empty line */
    {"a: >\n  one two\n\n  three (x\n", "(", 4, 9},
    /* literal block with an indentation indicator and a line indented further */
    {"a: |2\n    extra (x\n  base\n", "(", 2, 11},
    /* a comment on a block's header line is not the value */
    {"a: |  # (c\n  d (e\n", "(", 2, 5},
    /* CRLF line ends */
    {"a: |\r\n  l1\r\n  l2 (x\r\n", "(", 3, 6},
    /* a tab is one column */
    {"a: '\tx (y'", "(", 1, 8},
    /* a BOM is no column */
    {"\xEF\xBB\xBF" "a: 'b (c'", "(", 1, 7},
    /* single quotes: '' is one quote */
    {"a: 'it''s (x'", "(", 1, 11},
    /* double quotes: escapes, and an escaped line break */
    {"a: \"\\t\\u00e0\\x41 (z\"", "(", 1, 18},
    {"a: \"x \\\n  (y\"", "(", 2, 3},
    /* past the value: just after its last character written */
    {"a: |\n  ab (\n\nb: 1\n", NULL, 2, 7},
    /* a value after another key */
    {"z: 1\na: 'ngày (\\d+'\n", "\\d", 2, 11},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const place_case *c = &cases[i];
        json_t *doc = NULL;
        lw_yaml_places *pl = NULL;
        lw_error err;
        assert_int_equal(lw_yaml_parse_placed("t.yaml", (const unsigned char *)c->yaml, strlen(c->yaml), &doc, &pl, &err),
                         LW_OK);
        json_t *s = json_object_get(doc, "a");
        assert_true(json_is_string(s));
        const char *v = json_string_value(s);
        size_t off = c->at ? (size_t)(strstr(v, c->at) - v) : strlen(v);
        int line = 0, col = 0;
        const char *text;
        size_t len;
        assert_int_equal(lw_yaml_locate(pl, s, off, &line, &col, &text, &len), 0);
        if (line != c->line || col != c->col)
            fail_msg("case %zu: %d:%d, want %d:%d", i, line, col, c->line, c->col);
        assert_non_null(text);
        assert_null(memchr(text, '\n', len));
        /* a string of another document is not found */
        json_t *other = json_string("a");
        assert_int_equal(lw_yaml_locate(pl, other, 0, &line, &col, &text, &len), -1);
        json_decref(other);
        lw_yaml_places_free(pl);
        json_decref(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cases)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
