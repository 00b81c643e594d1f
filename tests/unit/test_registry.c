/* Tests of lw_registry: the shipped rules/registry.yaml loads with the facts the corpus states
 * and every fact's source line exists and names the entry's number (what keeps the data
 * honest); lookups ignore case, diacritics and zero padding; a later file overrides; each bad
 * file under tests/data/registry (one problem each, its expected line and message written in
 * its "# expect:" comment) is refused with file and line and adds nothing; amendments are
 * found both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_registry.h"

#include "test_dir.h"

/* source_dir()/rel in a static buffer (one of four, so a call can use a few) */
static const char *src_path(const char *rel)
{
    static char bufs[4][2048];
    static int k;
    char *b = bufs[k++ & 3];
    snprintf(b, sizeof bufs[0], "%s/%s", source_dir(), rel);
    return b;
}

static lw_registry *load_shipped(void)
{
    lw_registry *r = NULL;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_registry_load_dir(src_path("rules"), &r, &err);
    if (st) {
        char buf[1200];
        fail_msg("rules/registry.yaml: %s", lw_error_format(&err, buf, sizeof buf));
    }
    assert_non_null(r);
    return r;
}

static void add_ok(lw_registry *r, const char *rel)
{
    lw_error err;
    lw_error_clear(&err);
    if (lw_registry_add_file(r, src_path(rel), &err)) {
        char buf[1200];
        fail_msg("%s: %s", rel, lw_error_format(&err, buf, sizeof buf));
    }
}

static int lists(const lw_registry_entry *e, const char *id)
{
    for (size_t i = 0; i < e->n_amended_by; i++)
        if (!strcmp(e->amended_by[i], id))
            return 1;
    return 0;
}

/* ---- the shipped data ---- */

static void test_shipped(void **state)
{
    (void)state;
    lw_registry *r = load_shipped();
    assert_true(lw_registry_count(r) >= 9);
    assert_string_equal(lw_registry_at(r, 0)->id, "59/2012/NĐ-CP"); /* file order */
    assert_null(lw_registry_at(r, lw_registry_count(r)));

    const lw_registry_entry *e = lw_registry_find(r, "59/2012/NĐ-CP");
    assert_non_null(e);
    assert_string_equal(e->type, "Nghị định");
    assert_string_equal(e->issuer, "Chính phủ");
    assert_string_equal(e->issued, "2012-07-23");
    assert_string_equal(e->status, "amended");
    assert_true(lists(e, "32/2020/NĐ-CP"));
    assert_null(e->replaced_by);
    assert_non_null(strstr(e->file, "rules/registry.yaml"));
    assert_true(e->line > 0);
    assert_non_null(e->source_issued);
    assert_non_null(e->source_amended_by);

    e = lw_registry_find(r, "32/2020/NĐ-CP");
    assert_non_null(e);
    assert_string_equal(e->issued, "2020-03-05");
    assert_string_equal(e->effective, "2020-05-15");
    assert_string_equal(e->status, "unknown"); /* the corpus does not say */
    assert_int_equal(e->n_amended_by, 0);
    assert_null(e->amended_by);

    static const struct {
        const char *id, *type, *issued;
    } more[] = {{"14/2014/TT-BTP", "Thông tư", "2014-05-15"}, {"16/2018/TT-BTP", "Thông tư", "2018-12-14"},
                {"04/2021/TT-BTP", "Thông tư", "2021-06-21"}, {"08/2024/TT-BTP", "Thông tư", "2024-08-15"},
                {"722/QĐ-BTP", "Quyết định", "2015-04-17"}};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        e = lw_registry_find(r, more[i].id);
        if (!e)
            fail_msg("%s is not in the shipped registry", more[i].id);
        assert_string_equal(e->type, more[i].type);
        assert_string_equal(e->issued, more[i].issued);
    }
    lw_registry_free(r);
}

/* The number a source line must name: "59/2012" for ids with a year, else the whole id. */
static void id_number(const char *id, char *out, size_t n)
{
    size_t d = strspn(id, "0123456789");
    if (id[d] == '/' && strspn(id + d + 1, "0123456789") == 4 && id[d + 5] == '/')
        snprintf(out, n, "%.*s", (int)(d + 5), id);
    else
        snprintf(out, n, "%s", id);
}

/* Lines first..last of a file joined with spaces (malloc'd), NULL when the file is missing
 * or shorter. */
static char *file_lines(const char *path, long first, long last)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *out = malloc(cap), line[65536];
    long no = 0;
    out[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        if (l && line[l - 1] == '\n')
            no++;
        else if (feof(f))
            no++;
        else
            continue; /* a line longer than the buffer: its tail comes next; count it once */
        if (no < first || no > last)
            continue;
        if (len + l + 2 > cap) {
            cap = (len + l + 2) * 2;
            out = realloc(out, cap);
        }
        memcpy(out + len, line, l);
        len += l;
        out[len++] = ' ';
        out[len] = '\0';
    }
    fclose(f);
    if (no < last) {
        free(out);
        return NULL;
    }
    return out;
}

static const char *const facts[] = {"type",   "title",      "issuer",     "issued",
                                    "effective", "status", "amended_by", "replaced_by"};

static int fact_given(const lw_registry_entry *e, const char *f)
{
    if (!strcmp(f, "type")) return e->type != NULL;
    if (!strcmp(f, "title")) return e->title != NULL;
    if (!strcmp(f, "issuer")) return e->issuer != NULL;
    if (!strcmp(f, "issued")) return e->issued != NULL;
    if (!strcmp(f, "effective")) return e->effective != NULL;
    if (!strcmp(f, "status")) return strcmp(e->status, "unknown") != 0;
    if (!strcmp(f, "amended_by")) return e->n_amended_by > 0;
    return e->replaced_by != NULL;
}

/* Every fact of every entry from `file` has sources; each source is "prefix..." resolved
 * under root, exists, spans at most 15 lines and names the entry's number. Returns the
 * number of problems (printed). */
static int check_sources(const lw_registry *r, const char *prefix, const char *root)
{
    int bad = 0, checked = 0;
    for (size_t i = 0; i < lw_registry_count(r); i++) {
        const lw_registry_entry *e = lw_registry_at(r, i);
        char num[256];
        id_number(e->id, num, sizeof num);
        for (size_t f = 0; f < sizeof facts / sizeof facts[0]; f++) {
            size_t n;
            const char *const *src = lw_registry_sources(e, facts[f], &n);
            if (!fact_given(e, facts[f]))
                continue;
            if (n == 0) {
                print_error("%s:%d: %s: %s has no source\n", e->file, e->line, e->id, facts[f]);
                bad++;
                continue;
            }
            for (size_t k = 0; k < n; k++) {
                const char *s = src[k], *colon = strrchr(s, ':');
                if (strncmp(s, prefix, strlen(prefix)) || !colon) {
                    print_error("%s: %s: source %s is not under %s\n", e->id, facts[f], s, prefix);
                    bad++;
                    continue;
                }
                char *end;
                long a = strtol(colon + 1, &end, 10), b = *end == '-' ? strtol(end + 1, NULL, 10) : a;
                char path[2048];
                snprintf(path, sizeof path, "%s/%.*s", root, (int)(colon - s), s);
                char *text = file_lines(path, a, b);
                checked++;
                if (!text) {
                    print_error("%s: %s: %s: no such file or line\n", e->id, facts[f], s);
                    bad++;
                } else if (b - a >= 15) {
                    print_error("%s: %s: %s: a source spans at most 15 lines\n", e->id, facts[f], s);
                    bad++;
                } else if (!strstr(text, num)) {
                    print_error("%s: %s: %s does not name %s: %.200s\n", e->id, facts[f], s, num, text);
                    bad++;
                }
                free(text);
            }
        }
    }
    assert_true(checked > 0);
    return bad;
}

static void test_sources_honest(void **state)
{
    (void)state;
    lw_registry *r = load_shipped();
    /* the shipped registry cites only documents kept in the repository's corpus/ */
    assert_int_equal(check_sources(r, "corpus/", source_dir()), 0);
    lw_registry_free(r);
}

/* The entries sourced from corpus/extra/ (documents of the wider corpus) load with the
 * rest (their sources are checked by test_sources_honest); distinct ids stay distinct
 * (59/2024 is not 59/2012). */
static void test_extra_corpus_entries(void **state)
{
    (void)state;
    lw_registry *r = load_shipped();
    assert_true(lw_registry_count(r) >= 40);
    const lw_registry_entry *e = lw_registry_find(r, "38/2022/NĐ-CP");
    assert_non_null(e);
    assert_string_equal(e->status, "replaced");
    assert_string_equal(e->replaced_by, "74/2024/NĐ-CP");
    size_t n;
    assert_non_null(lw_registry_sources(e, "issued", &n));
    assert_int_equal(n, 2);
    assert_string_equal(lw_registry_find(r, "59/2024/NĐ-CP")->issued, "2024-05-25");
    assert_string_equal(lw_registry_find(r, "59/2012/NĐ-CP")->issued, "2012-07-23");
    lw_registry_free(r);
}

/* ---- lookups ---- */

static void test_find(void **state)
{
    (void)state;
    lw_registry *r = load_shipped();
    const lw_registry_entry *e = lw_registry_find(r, "59/2012/NĐ-CP");
    assert_non_null(e);
    static const char *const same[] = {
        "59/2012/nđ-cp", "59/2012/nd-cp", "59/2012/ND-CP", "59/2012/N\xC3\x90-CP" /* Ð U+00D0 */,
        "59/2012/n\xC3\xB0-cp" /* ð */, "59/2012/NĐ\xE2\x80\x90" "CP" /* U+2010 hyphen */, " 59/2012/NĐ-CP ",
        "59/2012/NĐ - CP",
        "059/2012/NĐ-CP",
        "59/2012/N\x44\xCC\xA3-CP" /* D and a combining dot below, an OCR slip */};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        if (lw_registry_find(r, same[i]) != e)
            fail_msg("lw_registry_find(\"%s\") did not find 59/2012/NĐ-CP", same[i]);
    assert_ptr_equal(lw_registry_find(r, "4/2021/tt-btp"), lw_registry_find(r, "04/2021/TT-BTP"));
    assert_non_null(lw_registry_find(r, "04/2021/TT-BTP"));
    assert_ptr_equal(lw_registry_find(r, "722/qđ-btp"), lw_registry_find(r, "722/QĐ-BTP"));
    assert_ptr_equal(lw_registry_find(r, "0722/QĐ-BTP"), lw_registry_find(r, "722/QĐ-BTP"));
    assert_non_null(lw_registry_find(r, "924/btp-qlxlvphc&tdthpl"));
    static const char *const unknown[] = {"59/2013/NĐ-CP", "59/2012/NĐ-CP/x", "59/2012", "", "5/2012/NĐ-CP",
                                          "59/2025/NĐ-CP", "32/2020/NQ-CP", "59/2012/TT-BTP"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        if (lw_registry_find(r, unknown[i]))
            fail_msg("lw_registry_find(\"%s\") found an entry", unknown[i]);
    assert_null(lw_registry_find(r, NULL));
    lw_registry_free(r);

    lw_error err;
    assert_int_equal(lw_registry_create(&r, &err), LW_OK);
    assert_int_equal(lw_registry_count(r), 0);
    assert_null(lw_registry_find(r, "59/2012/NĐ-CP"));
    assert_null(lw_registry_at(r, 0));
    lw_registry_free(r);
    lw_registry_free(NULL);
}

static void collect_ids(void *ud, const lw_registry_entry *e)
{
    char *buf = ud;
    size_t l = strlen(buf);
    snprintf(buf + l, 1024 - l, "%s%s", l ? " " : "", e->id);
}

static const char *amended(const lw_registry *r, const char *id)
{
    static char buf[1024];
    buf[0] = '\0';
    lw_registry_each_amended(r, id, collect_ids, buf);
    return buf;
}

static void test_each_amended(void **state)
{
    (void)state;
    lw_registry *r = load_shipped();
    assert_string_equal(amended(r, "32/2020/NĐ-CP"), "59/2012/NĐ-CP");
    assert_string_equal(amended(r, "32/2020/nd-cp"), "59/2012/NĐ-CP");
    assert_string_equal(amended(r, "59/2012/NĐ-CP"), "");
    assert_string_equal(amended(r, "99/2099/NĐ-CP"), "");
    lw_registry_each_amended(r, "32/2020/NĐ-CP", NULL, NULL); /* no callback: nothing */
    /* in file order, several per amending id */
    assert_string_equal(amended(r, "21/2024/NĐ-CP"), "51/2016/NĐ-CP 52/2016/NĐ-CP");
    assert_string_equal(amended(r, "77/2024/NĐ-CP"), "75/2021/NĐ-CP 55/2023/NĐ-CP");
    assert_string_equal(amended(r, "03/2021/TT-BNV"), "08/2013/TT-BNV 04/2005/TT-BNV");
    assert_string_equal(amended(r, "32/2020/NĐ-CP"), "59/2012/NĐ-CP");
    lw_registry_free(r);
}

static void test_status_valid(void **state)
{
    (void)state;
    static const char *const ok[] = {"in_force", "amended", "replaced", "expired", "unknown"};
    for (size_t i = 0; i < 5; i++)
        assert_true(lw_registry_status_valid(ok[i]));
    assert_false(lw_registry_status_valid("repealed"));
    assert_false(lw_registry_status_valid("In_force"));
    assert_false(lw_registry_status_valid(""));
    assert_false(lw_registry_status_valid(NULL));
}

/* ---- files ---- */

static void test_override(void **state)
{
    (void)state;
    lw_registry *r = load_shipped();
    size_t n = lw_registry_count(r);
    const lw_registry_entry *old = lw_registry_find(r, "59/2012/NĐ-CP");
    char *old_title = strdup(old->title);
    add_ok(r, "tests/data/registry/override.yaml");
    assert_int_equal(lw_registry_count(r), n + 1); /* one replaced, one added */
    const lw_registry_entry *e = lw_registry_find(r, "59/2012/NĐ-CP");
    assert_non_null(e);
    assert_ptr_equal(lw_registry_at(r, 0), e); /* in the old entry's place */
    assert_string_not_equal(e->title, old_title);
    assert_non_null(strstr(e->title, "kiểm thử"));
    assert_non_null(strstr(e->file, "override.yaml"));
    assert_int_equal(e->line, 5);
    assert_null(e->source_issued); /* the new entry's own sources, none here */
    assert_ptr_equal(lw_registry_at(r, n), lw_registry_find(r, "99/2099/NĐ-CP"));
    assert_string_equal(lw_registry_find(r, "99/2099/NĐ-CP")->status, "unknown");
    /* the amendment index follows: both entries amended by 32/2020, in file order */
    assert_string_equal(amended(r, "32/2020/NĐ-CP"), "59/2012/NĐ-CP 99/2099/NĐ-CP");
    /* other entries are untouched */
    assert_string_equal(lw_registry_find(r, "32/2020/NĐ-CP")->effective, "2020-05-15");
    free(old_title);
    lw_registry_free(r);
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "# expect: line N: MESSAGE" from a bad file's header. */
static int read_expect(const char *path, int *line, char *msg, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[2048];
    int found = -1;
    while (fgets(buf, sizeof buf, f) && buf[0] == '#') {
        int off = 0;
        if (sscanf(buf, "# expect: line %d: %n", line, &off) == 1 && off > 0) {
            buf[strcspn(buf, "\n")] = '\0';
            snprintf(msg, n, "%s", buf + off);
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

static void test_bad_files(void **state)
{
    (void)state;
    char dir[2048];
    snprintf(dir, sizeof dir, "%s", src_path("tests/data/registry"));
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256)
        if (!strncmp(de->d_name, "bad_", 4) && strstr(de->d_name, ".yaml"))
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    assert_true(n >= 18); /* one file per problem: a glob that finds none must not pass */
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4200], want[1024];
        int want_line = -1;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (read_expect(path, &want_line, want, sizeof want))
            fail_msg("%s has no '# expect: line N: message' comment", names[i]);
        lw_registry *r = load_shipped();
        size_t before = lw_registry_count(r);
        const lw_registry_entry *e59 = lw_registry_find(r, "59/2012/NĐ-CP");
        lw_error err;
        lw_error_clear(&err);
        lw_status st = lw_registry_add_file(r, path, &err);
        char shown[1400];
        lw_error_format(&err, shown, sizeof shown);
        if (st != LW_ERR_DATA || strcmp(err.file, path) || err.line != want_line || !strstr(err.msg, want)) {
            print_error("%s: want LW_ERR_DATA at line %d with \"%s\"\n  got %s (%d): %s\n", names[i], want_line,
                        want, lw_status_str(st), (int)st, shown);
            bad++;
        }
        /* nothing of the bad file was added, and nothing known was touched */
        if (lw_registry_count(r) != before || lw_registry_find(r, "99/2099/NĐ-CP") ||
            lw_registry_find(r, "98/2098/NĐ-CP") || lw_registry_find(r, "59/2012/NĐ-CP") != e59 ||
            strcmp(e59->issued, "2012-07-23")) {
            print_error("%s: the registry changed after a refused file\n", names[i]);
            bad++;
        }
        /* the message is Vietnamese, then English in parentheses */
        if (!strstr(err.msg, "(")) {
            print_error("%s: no English in parentheses: %s\n", names[i], err.msg);
            bad++;
        }
        lw_registry_free(r);
        free(names[i]);
    }
    assert_int_equal(bad, 0);
}

static void test_missing(void **state)
{
    (void)state;
    lw_registry *r;
    lw_error err;
    assert_int_equal(lw_registry_create(&r, &err), LW_OK);
    const char *path = src_path("tests/data/registry/no-such-file.yaml");
    lw_error_clear(&err);
    assert_int_equal(lw_registry_add_file(r, path, &err), LW_ERR_IO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.msg, "(cannot read the registry file)"));
    assert_int_equal(lw_registry_count(r), 0);
    lw_registry_free(r);

    /* a rules folder without registry.yaml: an empty registry, not an error */
    char tmp[] = "/tmp/lw_test_registry_XXXXXX";
    assert_non_null(mkdtemp(tmp));
    r = NULL;
    assert_int_equal(lw_registry_load_dir(tmp, &r, &err), LW_OK);
    assert_non_null(r);
    assert_int_equal(lw_registry_count(r), 0);
    lw_registry_free(r);
    /* a registry.yaml that is bad: an error, and no registry */
    char p[256];
    snprintf(p, sizeof p, "%s/registry.yaml", tmp);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("registry:\n  - id: 59/2012/NĐ-CP\n    type: Nghị định\n    issued: 2012-02-30\n", f);
    fclose(f);
    r = (lw_registry *)&err; /* a stale value: load_dir must set it to NULL on error */
    lw_error_clear(&err);
    assert_int_equal(lw_registry_load_dir(tmp, &r, &err), LW_ERR_DATA);
    assert_null(r);
    assert_string_equal(err.file, p);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "ngày không hợp lệ (not a valid date): issued: 2012-02-30"));
    char shown[1400];
    snprintf(p, sizeof p, "%s/registry.yaml:2: 59/2012/NĐ-CP: ngày", tmp);
    assert_non_null(strstr(lw_error_format(&err, shown, sizeof shown), p));
    /* an empty file is an empty registry */
    snprintf(p, sizeof p, "%s/registry.yaml", tmp);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs("# nothing yet\n", f);
    fclose(f);
    assert_int_equal(lw_registry_load_dir(tmp, &r, &err), LW_OK);
    assert_int_equal(lw_registry_count(r), 0);
    lw_registry_free(r);
    unlink(p);
    rmdir(tmp);
    /* no such folder: nothing to load either */
    assert_int_equal(lw_registry_load_dir("/nonexistent/lawwatch/rules", &r, &err), LW_OK);
    assert_int_equal(lw_registry_count(r), 0);
    lw_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),         cmocka_unit_test(test_sources_honest),
        cmocka_unit_test(test_extra_corpus_entries), cmocka_unit_test(test_find),
        cmocka_unit_test(test_each_amended),    cmocka_unit_test(test_status_valid),
        cmocka_unit_test(test_override),        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
