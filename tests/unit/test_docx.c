/* Tests of the Word and OpenDocument readers (lw_docx, lw_odt) and their ZIP/XML layer.
 *
 * Data-driven: tests/data/docx/NAME.docx (real files, prepared for signing),
 * tests/data/docx/NAME/ (the parts of a .docx made by hand, zipped here) and
 * tests/data/odt/NAME/ (the XML parts of an ODT, zipped here) each have NAME.expect, a
 * list of what the reading must give, one check a line, tab-separated:
 *   paragraphs N     the last paragraph's number
 *   lines N          lines of the text
 *   line P TEXT      a line of paragraph P reads TEXT exactly
 *   KEY VALUE        the extractor, run on the text as a text file, gives VALUE for KEY:
 *                    a header field (kind, issuer, number, signer.name...; "-" for none),
 *                    or table_duties, the duties read from pipe tables (">=N": at least N)
 * Then hostile archives built here: zip bombs (stated and lying sizes), billion laughs,
 * a truncated archive, one without its document part, XML nested too deep, malformed XML:
 * each must be refused with its own clear message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "lw_doc.h"
#include "lw_docx.h"
#include "lw_extract.h"
#include "lw_odt.h"
#include "lw_zipxml.h"

#include "test_dir.h"
#include "test_support.h"

/* ---- building archives in memory ---- */

typedef struct {
    const char *name;
    const void *data;
    size_t len;
    int store; /* 1: not compressed (an ODT's mimetype); 2: deflated fast (the big bomb) */
} part;

/* The ZIP of parts, owned (free()). */
static unsigned char *make_zip(const part *parts, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, parts[i].data, parts[i].len, 0);
        assert_non_null(s);
        zip_int64_t idx = zip_file_add(za, parts[i].name, s, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        if (parts[i].store)
            zip_set_file_compression(za, (zip_uint64_t)idx, parts[i].store == 1 ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                     parts[i].store == 1 ? 0 : 1);
    }
    assert_int_equal(zip_close(za), 0);
    assert_int_equal(zip_source_open(src), 0);
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    unsigned char *out = malloc(size > 0 ? (size_t)size : 1);
    assert_non_null(out);
    assert_int_equal(zip_source_read(src, out, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)size;
    return out;
}

/* Appends to parts the files under dir/rel (recursively), read into memory (owned by the
 * parts: free each data). */
static void collect(const char *dir, const char *rel, part **parts, size_t *n)
{
    char path[2048];
    snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char sub[1024], full[3072];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        snprintf(full, sizeof full, "%s/%s", dir, sub);
        DIR *is_dir = opendir(full);
        if (is_dir) {
            closedir(is_dir);
            collect(dir, sub, parts, n);
            continue;
        }
        *parts = realloc(*parts, (*n + 1) * sizeof **parts);
        assert_non_null(*parts);
        size_t len;
        unsigned char *data = test_slurp(full, &len);
        assert_non_null(data);
        (*parts)[(*n)++] = (part){strdup(sub), data, len, !strcmp(sub, "mimetype")};
    }
    closedir(d);
}

/* The ZIP of the files under dir, named by their paths below it (owned, free()). */
static unsigned char *zip_folder(const char *dir, size_t *len)
{
    part *parts = NULL;
    size_t n = 0;
    collect(dir, "", &parts, &n);
    unsigned char *z = make_zip(parts, n, len);
    for (size_t i = 0; i < n; i++) {
        free((char *)parts[i].name);
        free((void *)parts[i].data);
    }
    free(parts);
    return z;
}

/* ---- checking a reading against NAME.expect ---- */

/* What the extractor, run on s's text as a text file, gives for key: a header field ("kind",
 * "issuer", "signer.name"...), or "table_duties" (the count of duty facts from pipe tables,
 * printed). Owned, NULL when none. */
static char *extracted(const lw_source *s, const char *key)
{
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_bytes("x.txt", (const unsigned char *)s->text, s->len, NULL, &d, &err), LW_OK);
    size_t len;
    const char *nt = lw_doc_text(d, &len);
    lw_matcher *m = lw_matcher_create(lw_engine_rules(engine));
    lw_extraction *x;
    assert_int_equal(lw_extract(lw_engine_rules(engine), lw_engine_lexicon(engine), m, nt, len, NULL, &x, &err), LW_OK);
    char *out = NULL;
    if (!strcmp(key, "table_duties")) {
        size_t n = 0;
        for (size_t i = 0; i < x->n; i++) {
            const lw_fact *f = &x->facts[i];
            n += f->kind == LW_FACT_DUTY && f->u.duty.source && !strcmp(f->u.duty.source, "table");
        }
        char buf[32];
        snprintf(buf, sizeof buf, "%zu", n);
        out = strdup(buf);
    } else {
        json_t *h = lw_header_json(&x->header);
        json_t *v = strncmp(key, "signer.", 7) ? json_object_get(h, key)
                                               : json_object_get(json_object_get(h, "signer"), key + 7);
        out = json_is_string(v) ? strdup(json_string_value(v)) : NULL;
        json_decref(h);
    }
    lw_extraction_free(x);
    lw_matcher_free(m);
    lw_doc_free(d);
    return out;
}

static int has_line(const lw_source *s, unsigned para, const char *text)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < s->n_lines; i++) {
        size_t a = s->lines[i].start, e = i + 1 < s->n_lines ? s->lines[i + 1].start : s->len;
        if (s->lines[i].paragraph == para && e - a == n + 1 && !memcmp(s->text + a, text, n))
            return 1;
    }
    return 0;
}

/* Prints the reading (paragraph TAB line) when LW_TEST_DUMP is set: how an .expect is begun. */
static void dump(const char *name, const lw_source *s)
{
    if (!getenv("LW_TEST_DUMP"))
        return;
    fprintf(stderr, "== %s\n", name);
    for (size_t i = 0; i < s->n_lines; i++) {
        size_t a = s->lines[i].start, e = i + 1 < s->n_lines ? s->lines[i + 1].start : s->len;
        fprintf(stderr, "%u\t%.*s", s->lines[i].paragraph, (int)(e - a), s->text + a);
    }
}

/* Checks s against the file expect_path; returns the failed checks (printed). */
static int check_expect(const char *name, const lw_source *s, const char *expect_path)
{
    size_t len;
    char *spec = (char *)test_slurp(expect_path, &len);
    if (!spec)
        fail_msg("%s: cannot read %s", name, expect_path);
    int checks = 0, bad = 0;
    unsigned last_para = s->n_lines ? s->lines[s->n_lines - 1].paragraph : 0;
    char *save = NULL;
    for (char *ln = strtok_r(spec, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        if (!*ln || *ln == '#')
            continue;
        char *tab = strchr(ln, '\t');
        if (!tab)
            fail_msg("%s: %s: a check without a tab: %s", name, expect_path, ln);
        *tab = 0;
        const char *key = ln, *val = tab + 1;
        checks++;
        if (!strcmp(key, "paragraphs") || !strcmp(key, "lines")) {
            unsigned long want = strtoul(val, NULL, 10),
                          got = !strcmp(key, "lines") ? (unsigned long)s->n_lines : (unsigned long)last_para;
            if (want != got) {
                print_error("%s: %s: want %lu, got %lu\n", name, key, want, got);
                bad++;
            }
        } else if (!strcmp(key, "line")) {
            char *t2 = strchr(val, '\t');
            if (!t2)
                fail_msg("%s: line check without text: %s", name, val);
            unsigned para = (unsigned)strtoul(val, NULL, 10);
            if (!has_line(s, para, t2 + 1)) {
                print_error("%s: no line \"%s\" in paragraph %u\n", name, t2 + 1, para);
                bad++;
            }
        } else {
            char *got = extracted(s, key);
            /* ">=N": at least N (a count the rules may raise) */
            int ok = !strcmp(val, "-")          ? got == NULL
                     : !strncmp(val, ">=", 2) ? got && strtol(got, NULL, 10) >= strtol(val + 2, NULL, 10)
                                              : got && !strcmp(got, val);
            if (!ok) {
                print_error("%s: header %s: want \"%s\", got \"%s\"\n", name, key, val, got ? got : "(none)");
                bad++;
            }
            free(got);
        }
    }
    free(spec);
    if (!checks)
        fail_msg("%s: %s holds no check", name, expect_path);
    if (bad)
        print_error("%s: %d of %d checks failed\n", name, bad, checks);
    return bad;
}

/* ---- the real Word files ---- */

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n > k && !strcmp(s + n - k, suf);
}

static void test_real_docx(void **state)
{
    (void)state;
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/tests/data/docx", source_dir());
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0, bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        /* a real file, or a folder of parts made by hand (zipped here) */
        char path[1600], expect[1600];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        DIR *sub = de->d_name[0] == '.' ? NULL : opendir(path);
        if (sub)
            closedir(sub);
        if (!sub && !has_suffix(de->d_name, ".docx"))
            continue;
        snprintf(expect, sizeof expect, "%s/%.*s.expect", dir, (int)strlen(de->d_name) - (sub ? 0 : 5), de->d_name);
        size_t len;
        unsigned char *raw = sub ? zip_folder(path, &len) : test_slurp(path, &len);
        assert_non_null(raw);
        lw_read_options o;
        memset(&o, 0, sizeof o);
        o.no_sandbox = 1;
        lw_source *s = NULL;
        lw_error err;
        lw_error_clear(&err);
        if (lw_docx_read(raw, len, &o, &s, &err) != LW_OK)
            fail_msg("%s: %s", de->d_name, err.msg);
        assert_int_equal(s->format, LW_SOURCE_DOCX);
        dump(de->d_name, s);
        bad += check_expect(de->d_name, s, expect);
        lw_source_free(s);
        free(raw);
        files++;
    }
    closedir(d);
    assert_true(files >= 6);
    assert_int_equal(bad, 0);
}

/* ---- OpenDocument samples: tests/data/odt/NAME/{content.xml,styles.xml} ---- */

static void test_odt_samples(void **state)
{
    (void)state;
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/tests/data/odt", source_dir());
    DIR *d = opendir(dir);
    assert_non_null(d);
    int samples = 0, bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || has_suffix(de->d_name, ".expect"))
            continue;
        char content[1600], styles[1600], expect[1600];
        snprintf(content, sizeof content, "%s/%s/content.xml", dir, de->d_name);
        snprintf(styles, sizeof styles, "%s/%s/styles.xml", dir, de->d_name);
        snprintf(expect, sizeof expect, "%s/%s.expect", dir, de->d_name);
        size_t clen, slen = 0;
        unsigned char *c = test_slurp(content, &clen), *st = test_slurp(styles, &slen);
        if (!c)
            fail_msg("%s: no content.xml", de->d_name);
        static const char mime[] = "application/vnd.oasis.opendocument.text";
        part parts[3] = {{"mimetype", mime, sizeof mime - 1, 1}, {"content.xml", c, clen, 0}, {"styles.xml", st, slen, 0}};
        size_t zlen;
        unsigned char *z = make_zip(parts, st ? 3 : 2, &zlen);
        lw_source *s = NULL;
        lw_error err;
        lw_error_clear(&err);
        if (lw_odt_read(z, zlen, NULL, &s, &err) != LW_OK)
            fail_msg("%s: %s", de->d_name, err.msg);
        assert_int_equal(s->format, LW_SOURCE_ODT);
        dump(de->d_name, s);
        bad += check_expect(de->d_name, s, expect);
        lw_source_free(s);
        free(z);
        free(c);
        free(st);
        samples++;
    }
    closedir(d);
    assert_true(samples >= 1);
    assert_int_equal(bad, 0);
}

/* ---- hostile files ---- */

static const char doc_head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                               "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">";

/* Reads a DOCX holding document.xml = xml (and more parts) and expects status want with
 * a message holding `says`. */
static void expect_refused(const unsigned char *zip, size_t len, lw_status want, const char *says)
{
    lw_source *s = (lw_source *)1;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_docx_read(zip, len, NULL, &s, &err);
    assert_null(s);
    if (st != want || !strstr(err.msg, says))
        fail_msg("want status %d with \"%s\", got %d: %s", want, says, st, err.msg);
}

static void refused_document(const char *xml, size_t n, lw_status want, const char *says)
{
    part p = {"word/document.xml", xml, n, n > ((size_t)64 << 20) ? 2 : 0};
    size_t len;
    unsigned char *z = make_zip(&p, 1, &len);
    expect_refused(z, len, want, says);
    free(z);
}

static void test_zip_bomb(void **state)
{
    (void)state;
    /* 1 GB of zeros as the document: refused by what the archive states, nothing inflated */
    size_t big = (size_t)1 << 30;
    char *zeros = calloc(1, big);
    assert_non_null(zeros);
    refused_document(zeros, big, LW_ERR_LIMIT, "tệp nén bất thường (zip bomb?)");
    /* 8 MB of zeros: under the size cap, but inflating ~1000 times */
    refused_document(zeros, (size_t)8 << 20, LW_ERR_LIMIT, "zip bomb?");
    free(zeros);
}

/* An archive whose stated sizes lie: the inflated bytes are counted as they come. */
static void test_lying_sizes(void **state)
{
    (void)state;
    size_t n = (size_t)4 << 20;
    char *x = malloc(n);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = "abcdefghij"[i % 7 % 10];
    part p = {"word/document.xml", x, n, 0};
    size_t len;
    unsigned char *z = make_zip(&p, 1, &len);
    /* the uncompressed size in the local header (offset 22) and the central directory (24) */
    uint32_t small = 1000;
    unsigned char *cd = NULL;
    for (size_t i = len - 22; i > 0 && !cd; i--)
        if (!memcmp(z + i, "PK\1\2", 4))
            cd = z + i;
    assert_non_null(cd);
    assert_memory_equal(z, "PK\3\4", 4);
    memcpy(z + 22, &small, 4);
    memcpy(cd + 24, &small, 4);
    lw_source *s = NULL;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_docx_read(z, len, NULL, &s, &err);
    assert_null(s);
    /* the bytes are counted as they come: past the stated 1000, the reading stops */
    if (st != LW_ERR_DATA || !strstr(err.msg, "kích thước thật khác kích thước ghi trong tệp nén"))
        fail_msg("a lying size was read: %d %s", st, err.msg);
    free(z);
    free(x);
}

/* More inflated bytes than LW_ZIP_TOTAL_MAX (stored, so no ratio), and too many entries. */
static void test_size_and_entry_caps(void **state)
{
    (void)state;
    size_t n = LW_ZIP_TOTAL_MAX + 1;
    char *x = malloc(n);
    assert_non_null(x);
    memset(x, 'a', n);
    part p = {"word/document.xml", x, n, 1};
    size_t len;
    unsigned char *z = make_zip(&p, 1, &len);
    expect_refused(z, len, LW_ERR_LIMIT, "nội dung giải nén vượt quá 64 MB");
    free(z);
    free(x);

    size_t k = LW_ZIP_ENTRIES_MAX + 1;
    part *many = calloc(k, sizeof *many);
    char (*names)[16] = calloc(k, sizeof *names);
    assert_true(many && names);
    for (size_t i = 0; i < k; i++) {
        snprintf(names[i], sizeof names[i], "e%zu", i);
        many[i] = (part){names[i], "", 0, 1};
    }
    many[0].name = "word/document.xml";
    z = make_zip(many, k, &len);
    expect_refused(z, len, LW_ERR_LIMIT, "tệp nén có quá nhiều mục (20001, tối đa 20000)");
    free(z);
    free(many);
    free(names);
}

static void test_billion_laughs(void **state)
{
    (void)state;
    lw_buf b = {0};
    lw_buf_printf(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n");
    for (int i = 1; i < 10; i++)
        lw_buf_printf(&b, "<!ENTITY lol%d \"&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;\">\n", i,
                      i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    lw_buf_printf(&b, "]>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                      "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>");
    refused_document(b.data, b.len, LW_ERR_DATA, "DTD");
    lw_buf_free(&b);
    /* an external entity (XXE) is refused the same way */
    const char xxe[] = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                       "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                       "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>";
    refused_document(xxe, sizeof xxe - 1, LW_ERR_DATA, "DTD");
}

static void test_truncated(void **state)
{
    (void)state;
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/data/docx/doc-08.docx", source_dir());
    size_t len;
    unsigned char *raw = test_slurp(path, &len);
    assert_non_null(raw);
    expect_refused(raw, len / 2, LW_ERR_DATA, "bị cắt cụt");
    expect_refused(raw, 30, LW_ERR_DATA, "bị cắt cụt");
    free(raw);
}

static void test_no_document(void **state)
{
    (void)state;
    part p = {"word/styles.xml", "<x/>", 4, 0};
    size_t len;
    unsigned char *z = make_zip(&p, 1, &len);
    expect_refused(z, len, LW_ERR_DATA, "tệp thiếu phần word/document.xml");
    free(z);
    /* a document part with no body */
    char xml[300];
    int n = snprintf(xml, sizeof xml, "%s</w:document>", doc_head);
    refused_document(xml, (size_t)n, LW_ERR_DATA, "w:body");

    /* an OpenDocument file without content.xml, and one that is not a text document */
    static const char mime[] = "application/vnd.oasis.opendocument.text";
    part odt[2] = {{"mimetype", mime, sizeof mime - 1, 1}, {"styles.xml", "<x/>", 4, 0}};
    z = make_zip(odt, 2, &len);
    lw_source *s = NULL;
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_odt_read(z, len, NULL, &s, &err), LW_ERR_DATA);
    assert_null(s);
    assert_non_null(strstr(err.msg, "tệp thiếu phần content.xml"));
    free(z);
    static const char sheet[] = "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\">"
                                "<office:body><office:spreadsheet/></office:body></office:document-content>";
    odt[1] = (part){"content.xml", sheet, sizeof sheet - 1, 0};
    z = make_zip(odt, 2, &len);
    assert_int_equal(lw_odt_read(z, len, NULL, &s, &err), LW_ERR_DATA);
    assert_null(s);
    assert_non_null(strstr(err.msg, "office:text"));
    free(z);
}

static void test_deep_and_malformed(void **state)
{
    (void)state;
    /* nested past our cap (200) but within libxml2's (256), then past libxml2's */
    int depths[] = {230, 5000};
    for (size_t k = 0; k < 2; k++) {
        lw_buf b = {0};
        lw_buf_printf(&b, "%s<w:body>", doc_head);
        for (int i = 0; i < depths[k]; i++)
            lw_buf_printf(&b, "<w:sdt>");
        for (int i = 0; i < depths[k]; i++)
            lw_buf_printf(&b, "</w:sdt>");
        lw_buf_printf(&b, "</w:body></w:document>");
        refused_document(b.data, b.len, LW_ERR_LIMIT, "lồng nhau quá sâu");
        lw_buf_free(&b);
    }
    char xml[300];
    int n = snprintf(xml, sizeof xml, "%s<w:body><w:p><w:r><w:t>x</w:r></w:p></w:body></w:document>", doc_head);
    refused_document(xml, (size_t)n, LW_ERR_DATA, "XML sai cú pháp ở dòng 1");
    /* not a ZIP at all */
    expect_refused((const unsigned char *)"hello", 5, LW_ERR_DATA, "tệp nén ZIP hỏng");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_docx),   cmocka_unit_test(test_odt_samples),  cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_lying_sizes), cmocka_unit_test(test_size_and_entry_caps),
        cmocka_unit_test(test_billion_laughs), cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_no_document), cmocka_unit_test(test_deep_and_malformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
