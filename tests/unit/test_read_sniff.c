/* test_read_sniff: lw_read_sniff over the table tests/data/read/sniff/expected.tsv (file ->
 * kind, told by content), then every prefix of every file (truncated downloads, cut mail
 * attachments): never a read past the bytes (ASan), always a kind, and a prefix too short to
 * hold a magic is text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lw_file.h"
#include "lw_read.h"

#ifndef LW_SOURCE_DIR
#define LW_SOURCE_DIR "."
#endif

static const char *const kind_names[] = {
    [LW_KIND_TEXT] = "text", [LW_KIND_PDF] = "pdf", [LW_KIND_IMAGE] = "image", [LW_KIND_DOCX] = "docx",
    [LW_KIND_ODT] = "odt",   [LW_KIND_DOC] = "doc", [LW_KIND_OTHER] = "other",
};

static const char *dir(void)
{
    static char d[1200];
    const char *s = getenv("LW_SOURCE_DIR");
    snprintf(d, sizeof d, "%s/tests/data/read/sniff", s && *s ? s : LW_SOURCE_DIR);
    return d;
}

/* Each row of the table: the file's bytes (owned) and the kind expected. */
typedef struct {
    char name[128];
    unsigned char *raw;
    size_t len;
    const char *want;
} row;

static size_t load_table(row *rows, size_t max)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/expected.tsv", dir());
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    char line[512];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *name = strtok(line, "\t\n"), *kind = strtok(NULL, "\t\n");
        assert_non_null(name);
        assert_non_null(kind);
        assert_true(n < max);
        row *r = &rows[n++];
        snprintf(r->name, sizeof r->name, "%s", name);
        r->want = NULL;
        for (size_t k = 0; k < sizeof kind_names / sizeof *kind_names; k++)
            if (!strcmp(kind, kind_names[k]))
                r->want = kind_names[k];
        if (!r->want)
            fail_msg("%s: unknown kind '%s'", name, kind);
        snprintf(path, sizeof path, "%s/%s", dir(), name);
        lw_error err;
        if (lw_read_file(path, &r->raw, &r->len, &err))
            fail_msg("cannot read %s: %s", path, err.msg);
    }
    fclose(f);
    return n;
}

#define ROWS_MAX 64

static void test_table(void **state)
{
    (void)state;
    row rows[ROWS_MAX];
    size_t n = load_table(rows, ROWS_MAX);
    assert_true(n >= 20);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        /* a copy of exactly len bytes: a read past them is ASan's to catch */
        unsigned char *copy = malloc(rows[i].len ? rows[i].len : 1);
        assert_non_null(copy);
        memcpy(copy, rows[i].raw, rows[i].len);
        const char *got = kind_names[lw_read_sniff(copy, rows[i].len)];
        if (strcmp(got, rows[i].want)) {
            print_error("%s: %s, want %s\n", rows[i].name, got, rows[i].want);
            bad++;
        }
        free(copy);
        free(rows[i].raw);
    }
    assert_int_equal(bad, 0);
}

/* Every prefix of every file: a kind in range; fewer bytes than any magic: text. */
static void test_prefixes(void **state)
{
    (void)state;
    row rows[ROWS_MAX];
    size_t n = load_table(rows, ROWS_MAX);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k <= rows[i].len; k++) {
            unsigned char *copy = malloc(k ? k : 1);
            assert_non_null(copy);
            memcpy(copy, rows[i].raw, k);
            lw_read_kind kind = lw_read_sniff(copy, k);
            assert_true(kind >= LW_KIND_TEXT && kind <= LW_KIND_OTHER);
            if (k < 2)
                assert_int_equal(kind, LW_KIND_TEXT);
            free(copy);
        }
        free(rows[i].raw);
    }
    /* NULL or no bytes: text (decode says what is wrong with it) */
    assert_int_equal(lw_read_sniff(NULL, 0), LW_KIND_TEXT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table), cmocka_unit_test(test_prefixes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
