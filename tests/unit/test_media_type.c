/* Tests of lw_read_media_type, behind lawwatch_media_type (issue 19: the Content-Type of /doc/ID/original): the type is
 * told by the bytes as ingest's lw_read_sniff tells them, never by a name, for the real files
 * of tests/data/files (PDF, Word, old .doc, PNG) and for made cases: a PDF after junk bytes,
 * an ODT, JPEG and TIFF signatures, UTF-8 text, text in a legacy encoding, overlong UTF-8 and
 * surrogates (not UTF-8), an empty file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_read.h"
#include "test_dir.h"

static void file_is(const char *name, const char *want)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/files/%s", source_dir(), name);
    size_t len = 0;
    unsigned char *b = test_slurp(path, &len);
    assert_non_null(b);
    assert_string_equal(lw_read_media_type(b, len), want);
    free(b);
}

static void test_real_files(void **state)
{
    (void)state;
    file_is("ext-018.pdf", "application/pdf");
    file_is("doc-08.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    file_is("doc-07.doc", "application/msword");
    file_is("page.png", "image/png");
}

static void bytes_are(const char *bytes, size_t len, const char *want)
{
    assert_string_equal(lw_read_media_type((const unsigned char *)bytes, len), want);
}

static void test_made(void **state)
{
    (void)state;
    static const char junk_pdf[] = "\r\n\r\n%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";
    bytes_are(junk_pdf, sizeof junk_pdf - 1, "application/pdf");
    static const char jpeg[] = "\xff\xd8\xff\xe0\x00\x10JFIF";
    bytes_are(jpeg, sizeof jpeg - 1, "image/jpeg");
    bytes_are("II*\0abcdefgh", 12, "image/tiff");
    bytes_are("MM\0*abcdefgh", 12, "image/tiff");
    static const char utf8[] = "K\xe1\xba\xbe HO\xe1\xba\xa0" "CH s\xe1\xbb\x91 48/KH-UBND\n";
    bytes_are(utf8, sizeof utf8 - 1, "text/plain; charset=utf-8");
    bytes_are("", 0, "text/plain; charset=utf-8");
    static const char cp1258[] = "K\xca HO\xde\xd2" "CH s\xf4\xec 48\n"; /* not UTF-8 */
    bytes_are(cp1258, sizeof cp1258 - 1, "application/octet-stream");
    bytes_are("a\xe0\x80\x80z", 5, "application/octet-stream"); /* overlong */
    bytes_are("a\xed\xa0\x80z", 5, "application/octet-stream"); /* a surrogate */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_files),
        cmocka_unit_test(test_made),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
