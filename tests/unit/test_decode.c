/* Tests for lw_decode: names, BOMs, UTF-8 with invalid bytes, UTF-16, binary refusal, each
 * legacy encoding, the map, forced encodings, and the corpus round trip: every document of
 * corpus/ (NAME.txt), converted into each encoding at test time (glibc iconv for Windows-1258,
 * TCVN3 and UTF-16; tests/data/decode/vni.tsv for VNI), decodes back to the original text
 * under automatic detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "lw_decode.h"
#include "lw_file.h"

#include "test_dir.h"

/* ------------------------------------------------------------------------------------------
 * Helpers */

static lw_decoded *decode_ok(const void *bytes, size_t n, lw_encoding force)
{
    lw_decoded *d = NULL;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_decode(bytes, n, force, "test.txt", &d, &err);
    if (st != LW_OK)
        fail_msg("lw_decode failed: %s (%s)", lw_status_str(st), err.msg);
    assert_non_null(d);
    assert_non_null(d->text);
    assert_int_equal(d->text[d->len], '\0');
    return d;
}

/* The map's invariants: len + 1 entries, within the input, never going backwards, map[len]
 * is the input length; invalid offsets are within the input and increasing. */
static void check_map(const lw_decoded *d, size_t n)
{
    for (size_t i = 0; i < d->n_invalid; i++) {
        assert_true(d->invalid[i] < n);
        if (i)
            assert_true(d->invalid[i] > d->invalid[i - 1]);
    }
    if (!d->map)
        return;
    assert_int_equal(d->map[d->len], n);
    for (size_t i = 0; i < d->len; i++) {
        assert_true(d->map[i] < n);
        if (i)
            assert_true(d->map[i] >= d->map[i - 1]);
        /* every byte of one UTF-8 character maps to the same input byte, or (for UTF-8
         * copied through) to consecutive ones */
        if (i && ((unsigned char)d->text[i] & 0xC0) == 0x80)
            assert_true(d->map[i] == d->map[i - 1] || d->map[i] == d->map[i - 1] + 1);
    }
}

static char *nfc(const char *s)
{
    char *r = (char *)utf8proc_NFC((const utf8proc_uint8_t *)s);
    assert_non_null(r);
    return r;
}

static void assert_same_nfc(const char *got, const char *want)
{
    char *a = nfc(got), *b = nfc(want);
    if (strcmp(a, b) != 0) {
        size_t i = 0;
        while (a[i] && a[i] == b[i])
            i++;
        size_t from = i > 40 ? i - 40 : 0;
        fail_msg("texts differ at byte %zu:\n got: %.80s\nwant: %.80s", i, a + from, b + from);
    }
    free(a);
    free(b);
}

/* Growable byte string for the encoders. */
typedef struct {
    char *p;
    size_t n, cap;
} bytes;

static void bput(bytes *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Whole-string conversion with iconv; fails the test if iconv refuses. */
static bytes iconv_all(const char *to, const char *from, const char *in, size_t n)
{
    iconv_t cd = iconv_open(to, from);
    assert_true(cd != (iconv_t)-1);
    bytes out = {0};
    size_t cap = n * 4 + 16;
    out.p = malloc(cap);
    assert_non_null(out.p);
    char *ip = (char *)in, *op = out.p;
    size_t il = n, ol = cap;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    assert_true(iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1);
    out.n = (size_t)(op - out.p);
    out.cap = cap;
    iconv_close(cd);
    return out;
}

/* Encodes NFC text character by character with iconv. A character the encoding cannot
 * represent (curly quotes and the ellipsis in TCVN3, for instance) becomes '?', and the same
 * substitution is made in *expected, so the round trip compares what the encoding can hold. */
static bytes encode_iconv(const char *to, const char *text, bytes *expected)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    bytes out = {0};
    for (size_t i = 0; text[i];) {
        size_t k = u8len((unsigned char)text[i]);
        char buf[32];
        char *ip = (char *)text + i, *op = buf;
        size_t il = k, ol = sizeof buf;
        iconv(cd, NULL, NULL, NULL, NULL);
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        if (r != (size_t)-1)
            r = iconv(cd, NULL, NULL, &op, &ol);
        if (r == (size_t)-1 || r > 0 /* irreversible */) {
            bput(&out, "?", 1);
            bput(expected, "?", 1);
        } else {
            bput(&out, buf, (size_t)(op - buf));
            bput(expected, text + i, k);
        }
        i += k;
    }
    iconv_close(cd);
    return out;
}

/* VNI, from tests/data/decode/vni.tsv (letter TAB hex bytes). */
typedef struct {
    char letter[8];
    unsigned char seq[4];
    size_t n;
} vni_entry;
static vni_entry vni_tab[200];
static size_t vni_n;
static unsigned char vni_reserved[256]; /* bytes VNI uses for letters and marks */

static void load_vni(void)
{
    if (vni_n)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/decode/vni.tsv", source_dir());
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        assert_true(vni_n < sizeof vni_tab / sizeof vni_tab[0]);
        vni_entry *e = &vni_tab[vni_n++];
        size_t ll = strlen(line);
        assert_true(ll > 0 && ll < sizeof e->letter);
        memcpy(e->letter, line, ll + 1);
        char *p = tab + 1, *end;
        unsigned long v;
        while ((v = strtoul(p, &end, 16)), end != p) {
            assert_true(e->n < sizeof e->seq);
            e->seq[e->n++] = (unsigned char)v;
            if (v >= 0x80)
                vni_reserved[v] = 1;
            p = end;
        }
    }
    fclose(f);
    assert_int_equal(vni_n, 134); /* 12 vowels x 2 cases x 6 tones, less 12 ASCII, + Đ đ */
}

/* Encodes NFC text as VNI: table letters, ASCII as is, other characters by Windows-1252 if
 * that byte is not one VNI uses for itself, else '?' (in both output and *expected). */
static bytes encode_vni(const char *text, bytes *expected)
{
    load_vni();
    iconv_t cd = iconv_open("CP1252", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    bytes out = {0};
    for (size_t i = 0; text[i];) {
        size_t k = u8len((unsigned char)text[i]);
        bool done = false;
        if (k == 1) {
            bput(&out, text + i, 1);
            done = true;
        }
        for (size_t j = 0; !done && j < vni_n; j++) {
            if (strlen(vni_tab[j].letter) == k && memcmp(vni_tab[j].letter, text + i, k) == 0) {
                bput(&out, vni_tab[j].seq, vni_tab[j].n);
                done = true;
            }
        }
        if (!done) {
            char buf[8];
            char *ip = (char *)text + i, *op = buf;
            size_t il = k, ol = sizeof buf;
            iconv(cd, NULL, NULL, NULL, NULL);
            if (iconv(cd, &ip, &il, &op, &ol) == 0 && op - buf == 1 &&
                !vni_reserved[(unsigned char)buf[0]]) {
                bput(&out, buf, 1);
                done = true;
            }
        }
        if (done) {
            bput(expected, text + i, k);
        } else {
            bput(&out, "?", 1);
            bput(expected, "?", 1);
        }
        i += k;
    }
    iconv_close(cd);
    return out;
}

/* The document text after NFC (the encoders work on NFC). */
static char *read_doc(const char *path)
{
    unsigned char *buf;
    size_t n;
    lw_error err;
    if (lw_read_file(path, &buf, &n, &err) != LW_OK)
        fail_msg("cannot read %s: %s", path, err.msg);
    char *r = nfc((char *)buf);
    free(buf);
    return r;
}

static const char *sample_vi =
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23 tháng 7 năm 2012 của Chính phủ về theo dõi "
    "tình hình thi hành pháp luật; Ủy ban nhân dân tỉnh Sóc Trăng đề nghị các cơ quan, đơn vị "
    "thực hiện nghiêm túc, báo cáo kết quả trước ngày 15/8/2015. Quý III năm 2025, quỹ, "
    "thủy lợi, khuyến khích, người dân, ưu tiên, ỷ lại, tiếng Việt.\n";

/* ------------------------------------------------------------------------------------------
 * Names */

static void test_names(void **state)
{
    (void)state;
    lw_encoding all[] = {LW_ENC_AUTO, LW_ENC_UTF8, LW_ENC_UTF16LE, LW_ENC_UTF16BE,
                         LW_ENC_CP1258, LW_ENC_TCVN3, LW_ENC_VNI};
    const char *names[] = {"auto", "utf-8", "utf-16le", "utf-16be", "windows-1258", "tcvn3",
                           "vni"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_string_equal(lw_encoding_name(all[i]), names[i]);
        lw_encoding e = (lw_encoding)99;
        assert_int_equal(lw_encoding_parse(names[i], &e), 0);
        assert_int_equal(e, all[i]);
    }
    struct {
        const char *alias;
        lw_encoding e;
    } aliases[] = {{"UTF8", LW_ENC_UTF8},         {"cp1258", LW_ENC_CP1258},
                   {"Windows-1258", LW_ENC_CP1258}, {"tcvn", LW_ENC_TCVN3},
                   {"TCVN5712-1", LW_ENC_TCVN3},  {"vni-windows", LW_ENC_VNI},
                   {"AUTO", LW_ENC_AUTO},         {"utf16be", LW_ENC_UTF16BE}};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        lw_encoding e = (lw_encoding)99;
        assert_int_equal(lw_encoding_parse(aliases[i].alias, &e), 0);
        assert_int_equal(e, aliases[i].e);
    }
    lw_encoding e = LW_ENC_VNI;
    assert_int_equal(lw_encoding_parse("latin-9", &e), -1);
    assert_int_equal(lw_encoding_parse("", &e), -1);
    assert_int_equal(lw_encoding_parse(NULL, &e), -1);
    assert_int_equal(e, LW_ENC_VNI);
    assert_string_equal(lw_encoding_name((lw_encoding)42), "unknown");
}

/* ------------------------------------------------------------------------------------------
 * UTF-8 */

static void test_utf8_plain(void **state)
{
    (void)state;
    lw_decoded *d = decode_ok(sample_vi, strlen(sample_vi), LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_int_equal(d->had_bom, 0);
    assert_null(d->map);
    assert_int_equal(d->n_invalid, 0);
    assert_int_equal(d->len, strlen(sample_vi));
    assert_string_equal(d->text, sample_vi);
    lw_decoded_free(d);

    d = decode_ok("Dieu 1. Pham vi", 15, LW_ENC_AUTO); /* pure ASCII is UTF-8 */
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_null(d->map);
    lw_decoded_free(d);

    d = decode_ok(NULL, 0, LW_ENC_AUTO);
    assert_int_equal(d->len, 0);
    assert_string_equal(d->text, "");
    lw_decoded_free(d);
    lw_decoded_free(NULL);
}

static void test_utf8_bom(void **state)
{
    (void)state;
    bytes in = {0};
    bput(&in, "\xEF\xBB\xBF", 3);
    bput(&in, sample_vi, strlen(sample_vi));
    lw_decoded *d = decode_ok(in.p, in.n, LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_int_equal(d->had_bom, 1);
    assert_string_equal(d->text, sample_vi);
    assert_non_null(d->map);
    for (size_t i = 0; i < d->len; i++)
        assert_int_equal(d->map[i], i + 3);
    assert_int_equal(d->map[d->len], in.n);
    lw_decoded_free(d);
    /* forced UTF-8 strips its own BOM too */
    d = decode_ok(in.p, in.n, LW_ENC_UTF8);
    assert_int_equal(d->had_bom, 1);
    assert_string_equal(d->text, sample_vi);
    lw_decoded_free(d);
    free(in.p);
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    /* "Điều 1. Quyết định" + FF + " và " + C3 '(' + " của" */
    const char in[] = "\xC4\x90i\xE1\xBB\x81u 1. Quy\xE1\xBA\xBFt \xC4\x91\xE1\xBB\x8Bnh "
                      "\xFF v\xC3\xA0 \xC3( c\xE1\xBB\xA7" "a";
    size_t n = sizeof in - 1;
    size_t off_ff = (size_t)(strchr(in, '\xFF') - in);
    size_t off_c3 = (size_t)(strstr(in, "\xC3(") - in);
    lw_decoded *d = decode_ok(in, n, LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_int_equal(d->n_invalid, 2);
    assert_int_equal(d->invalid[0], off_ff);
    assert_int_equal(d->invalid[1], off_c3);
    const char *want = "\xC4\x90i\xE1\xBB\x81u 1. Quy\xE1\xBA\xBFt \xC4\x91\xE1\xBB\x8Bnh "
                       "\xEF\xBF\xBD v\xC3\xA0 \xEF\xBF\xBD( c\xE1\xBB\xA7" "a";
    assert_string_equal(d->text, want);
    assert_non_null(d->map);
    check_map(d, n);
    /* the U+FFFD bytes point at the bad byte; the bytes around keep their offsets */
    size_t r1 = (size_t)(strstr(d->text, "\xEF\xBF\xBD") - d->text);
    assert_int_equal(d->map[r1], off_ff);
    assert_int_equal(d->map[r1 + 2], off_ff);
    assert_int_equal(d->map[r1 + 3], off_ff + 1);
    assert_int_equal(d->map[0], 0);
    assert_int_equal(d->map[1], 1);
    lw_decoded_free(d);
}

static void test_utf8_cut_at_eof(void **state)
{
    (void)state;
    /* "Nghị định của " + the first two bytes of "ở" (E1 BB 9F) */
    const char in[] = "Ngh\xE1\xBB\x8B \xC4\x91\xE1\xBB\x8Bnh c\xE1\xBB\xA7" "a \xE1\xBB";
    size_t n = sizeof in - 1;
    lw_decoded *d = decode_ok(in, n, LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_int_equal(d->n_invalid, 2);
    assert_int_equal(d->invalid[0], n - 2);
    assert_int_equal(d->invalid[1], n - 1);
    size_t l = strlen(d->text);
    assert_true(l >= 6);
    assert_string_equal(d->text + l - 7, " \xEF\xBF\xBD\xEF\xBF\xBD");
    check_map(d, n);
    assert_int_equal(d->map[d->len - 1], n - 1);
    assert_int_equal(d->map[d->len - 4], n - 2);
    lw_decoded_free(d);

    /* a lone lead byte at the very end of an otherwise UTF-8 text */
    const char in2[] = "\xC4\x90i\xE1\xBB\x81u \xC3";
    d = decode_ok(in2, sizeof in2 - 1, LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_int_equal(d->n_invalid, 1);
    assert_int_equal(d->invalid[0], sizeof in2 - 2);
    lw_decoded_free(d);
}

/* ------------------------------------------------------------------------------------------
 * UTF-16 */

static void test_utf16_bom(void **state)
{
    (void)state;
    const char *text = "Vi\xE1\xBB\x87t Nam \xF0\x9F\x98\x80 h\xE1\xBA\xA1nh ph\xC3\xBA" "c\n";
    const char *codes[] = {"UTF-16LE", "UTF-16BE"};
    const char *boms[] = {"\xFF\xFE", "\xFE\xFF"};
    lw_encoding encs[] = {LW_ENC_UTF16LE, LW_ENC_UTF16BE};
    for (int k = 0; k < 2; k++) {
        bytes body = iconv_all(codes[k], "UTF-8", text, strlen(text));
        bytes in = {0};
        bput(&in, boms[k], 2);
        bput(&in, body.p, body.n);
        lw_decoded *d = decode_ok(in.p, in.n, LW_ENC_AUTO);
        assert_int_equal(d->encoding, encs[k]);
        assert_int_equal(d->had_bom, 1);
        assert_int_equal(d->n_invalid, 0);
        assert_string_equal(d->text, text);
        check_map(d, in.n);
        /* V at 2, i at 4, ệ (3 bytes) at 6, t at 8 */
        assert_int_equal(d->map[0], 2);
        assert_int_equal(d->map[1], 4);
        assert_int_equal(d->map[2], 6);
        assert_int_equal(d->map[4], 6);
        assert_int_equal(d->map[5], 8);
        /* the emoji: one surrogate pair, 4 output bytes all from its first unit */
        size_t e = (size_t)(strstr(d->text, "\xF0\x9F") - d->text);
        assert_int_equal(d->map[e], d->map[e + 3]);
        assert_int_equal(d->map[e + 4], d->map[e] + 4);
        lw_decoded_free(d);
        free(body.p);
        free(in.p);
    }
}

static void test_utf16_invalid(void **state)
{
    (void)state;
    /* LE BOM, lone high surrogate, 'A', lone low surrogate, 'B', odd last byte */
    const unsigned char in[] = {0xFF, 0xFE, 0x00, 0xD8, 'A', 0, 0x00, 0xDC, 'B', 0, 'C'};
    lw_decoded *d = decode_ok(in, sizeof in, LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF16LE);
    assert_string_equal(d->text, "\xEF\xBF\xBD" "A\xEF\xBF\xBD" "B\xEF\xBF\xBD");
    assert_int_equal(d->n_invalid, 3);
    assert_int_equal(d->invalid[0], 2);
    assert_int_equal(d->invalid[1], 6);
    assert_int_equal(d->invalid[2], 10);
    check_map(d, sizeof in);
    lw_decoded_free(d);
}

static void test_utf16_no_bom(void **state)
{
    (void)state;
    bytes le = iconv_all("UTF-16LE", "UTF-8", sample_vi, strlen(sample_vi));
    lw_decoded *d = decode_ok(le.p, le.n, LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF16LE);
    assert_int_equal(d->had_bom, 0);
    assert_string_equal(d->text, sample_vi);
    check_map(d, le.n);
    lw_decoded_free(d);
    bytes be = iconv_all("UTF-16BE", "UTF-8", sample_vi, strlen(sample_vi));
    d = decode_ok(be.p, be.n, LW_ENC_AUTO);
    assert_int_equal(d->encoding, LW_ENC_UTF16BE);
    assert_string_equal(d->text, sample_vi);
    lw_decoded_free(d);
    /* forced, without BOM */
    d = decode_ok(be.p, be.n, LW_ENC_UTF16BE);
    assert_string_equal(d->text, sample_vi);
    assert_int_equal(d->map[0], 0);
    lw_decoded_free(d);
    free(le.p);
    free(be.p);
}

/* ------------------------------------------------------------------------------------------
 * Binary refusal */

static void expect_binary(const void *in, size_t n, lw_encoding force, const char *needle)
{
    lw_decoded *d = (lw_decoded *)1;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_decode(in, n, force, "hồ sơ/văn bản.txt", &d, &err);
    assert_int_equal(st, LW_ERR_BINARY);
    assert_null(d);
    assert_int_equal(err.code, LW_ERR_BINARY);
    assert_string_equal(err.file, "hồ sơ/văn bản.txt");
    if (!strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
    char buf[2048];
    lw_error_format(&err, buf, sizeof buf);
    assert_true(strncmp(buf, "hồ sơ/văn bản.txt: ", strlen("hồ sơ/văn bản.txt: ")) == 0);
}

static void test_binary(void **state)
{
    (void)state;
    expect_binary("Ngay \0 thang", 12, LW_ENC_AUTO, "contains NUL bytes at offset 5: not a text file");
    expect_binary("Ngay \0 thang", 12, LW_ENC_TCVN3, "NUL bytes at offset 5");
    expect_binary("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15, LW_ENC_AUTO,
                  "this is a PDF file; convert it to text first");
    expect_binary("PK\x03\x04\x14\x00\x06\x00", 8, LW_ENC_AUTO, "ZIP archive");
    expect_binary("PK\x03\x04\x14\x00\x06\x00", 8, LW_ENC_AUTO, ".docx");
    expect_binary("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16, LW_ENC_AUTO, "PNG image");
    expect_binary("\xFF\xD8\xFF\xE0\0\x10JFIF", 10, LW_ENC_AUTO, "JPEG image");
    expect_binary("GIF89a\x01\0\x01\0", 10, LW_ENC_AUTO, "GIF image");
    expect_binary("GIF87a\x01\0\x01\0", 10, LW_ENC_AUTO, "GIF image");
    expect_binary("II*\0\x08\0\0\0", 8, LW_ENC_AUTO, "TIFF image");
    expect_binary("MM\0*\0\0\0\x08", 8, LW_ENC_AUTO, "TIFF image");
    expect_binary("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, LW_ENC_AUTO, ".doc");
    expect_binary("%PDF-1.4", 8, LW_ENC_UTF8, "PDF"); /* forcing does not make it text */
    /* UTF-16 with a NUL character */
    expect_binary("\xFF\xFE" "A\0\0\0B\0", 8, LW_ENC_AUTO, "NUL characters at offset 4");
    /* zero bytes that do not look like UTF-16 */
    const unsigned char odd[] = {'a', 'b', 'c', 0, 'd', 'e', 'f', 'g', 'h', 'i'};
    expect_binary(odd, sizeof odd, LW_ENC_AUTO, "offset 3");
}

/* ------------------------------------------------------------------------------------------
 * Legacy encodings */

static void check_legacy(const bytes *in, const bytes *expected, lw_encoding want)
{
    lw_decoded *d = decode_ok(in->p, in->n, LW_ENC_AUTO);
    if (d->encoding != want)
        fail_msg("detected %s, expected %s", lw_encoding_name(d->encoding),
                 lw_encoding_name(want));
    assert_int_equal(d->had_bom, 0);
    assert_int_equal(d->n_invalid, 0);
    assert_non_null(d->map);
    check_map(d, in->n);
    assert_same_nfc(d->text, expected->p);
    lw_decoded_free(d);
    d = decode_ok(in->p, in->n, want); /* forced gives the same */
    assert_int_equal(d->encoding, want);
    assert_same_nfc(d->text, expected->p);
    lw_decoded_free(d);
}

static void test_cp1258(void **state)
{
    (void)state;
    bytes exp = {0};
    bytes in = encode_iconv("CP1258", sample_vi, &exp);
    assert_string_equal(exp.p, sample_vi);
    check_legacy(&in, &exp, LW_ENC_CP1258);
    /* CP1258 spells ệ as ê + combining dot below: the decoder composes, and the map sends the
     * composed letter to the ê */
    bytes exp2 = {0};
    bytes viet = encode_iconv("CP1258", "Vi\xE1\xBB\x87t", &exp2);
    assert_int_equal(viet.n, 5);
    lw_decoded *d = decode_ok(viet.p, viet.n, LW_ENC_CP1258);
    assert_string_equal(d->text, "Vi\xE1\xBB\x87t"); /* already NFC */
    const uint32_t want[] = {0, 1, 2, 2, 2, 4, 5};
    for (size_t i = 0; i <= d->len; i++)
        assert_int_equal(d->map[i], want[i]);
    lw_decoded_free(d);
    /* ô + dot below, a pair NFC reorders: still one letter ộ */
    d = decode_ok("m\xF4\xF2t", 4, LW_ENC_CP1258);
    assert_string_equal(d->text, "m\xE1\xBB\x99t");
    lw_decoded_free(d);
    free(in.p);
    free(exp.p);
    free(viet.p);
    free(exp2.p);
}

static void test_tcvn3(void **state)
{
    (void)state;
    bytes exp = {0};
    bytes in = encode_iconv("TCVN5712-1", sample_vi, &exp);
    check_legacy(&in, &exp, LW_ENC_TCVN3);
    /* "của" is c, 0xF1 (ủ), a in TCVN3 */
    lw_decoded *d = decode_ok("c\xF1" "a", 3, LW_ENC_TCVN3);
    assert_string_equal(d->text, "c\xE1\xBB\xA7" "a");
    const uint32_t want[] = {0, 1, 1, 1, 2, 3};
    for (size_t i = 0; i <= d->len; i++)
        assert_int_equal(d->map[i], want[i]);
    lw_decoded_free(d);
    /* TCVN3's combining marks (0xB0-0xB4) compose with the letter before: Â + sắc → Ấ */
    d = decode_ok("\xA2\xB3", 2, LW_ENC_TCVN3);
    assert_string_equal(d->text, "\xE1\xBA\xA4");
    lw_decoded_free(d);
    free(in.p);
    free(exp.p);
}

static void test_vni(void **state)
{
    (void)state;
    bytes exp = {0};
    bytes in = encode_vni(sample_vi, &exp);
    assert_string_equal(exp.p, sample_vi);
    check_legacy(&in, &exp, LW_ENC_VNI);
    /* "Vieät": ệ is e + ä (circumflex and dot below); the letter maps to the e */
    lw_decoded *d = decode_ok("Vie\xE4t", 5, LW_ENC_VNI);
    assert_string_equal(d->text, "Vi\xE1\xBB\x87t");
    const uint32_t want[] = {0, 1, 2, 2, 2, 4, 5};
    for (size_t i = 0; i <= d->len; i++)
        assert_int_equal(d->map[i], want[i]);
    lw_decoded_free(d);
    /* upper case: "VIEÄT NAM", "ÑOÄC LAÄP", ơ/ư as single bytes: "NGÖÔØI" = NGƯỜI */
    const char *upper = "VIE\xC4T NAM \xD1O\xC4" "C LA\xC4P NG\xD6\xD4\xD8I";
    d = decode_ok(upper, strlen(upper), LW_ENC_VNI);
    assert_string_equal(d->text, "VI\xE1\xBB\x86T NAM \xC4\x90\xE1\xBB\x98"
                                 "C L\xE1\xBA\xACP NG\xC6\xAF\xE1\xBB\x9CI");
    lw_decoded_free(d);
    /* the i-letters and ỵ are single bytes (í, î); other y-letters are y + mark: "lý" is
     * l y ù, "Mỹ" is M y õ */
    const char *iy = "ch\xEDnh ly\xF9 My\xF5 \xEE";
    d = decode_ok(iy, strlen(iy), LW_ENC_VNI);
    assert_string_equal(d->text, "ch\xC3\xADnh l\xC3\xBD M\xE1\xBB\xB9 \xE1\xBB\xB5");
    lw_decoded_free(d);
    /* a mark byte with no letter before it stays visible as a combining mark */
    d = decode_ok("x\xF9", 2, LW_ENC_VNI);
    assert_string_equal(d->text, "x\xCC\x81");
    lw_decoded_free(d);
    /* every letter of the table decodes to itself */
    load_vni();
    for (size_t i = 0; i < vni_n; i++) {
        d = decode_ok(vni_tab[i].seq, vni_tab[i].n, LW_ENC_VNI);
        assert_string_equal(d->text, vni_tab[i].letter);
        lw_decoded_free(d);
    }
    free(in.p);
    free(exp.p);
}

static void test_forced(void **state)
{
    (void)state;
    bytes exp = {0};
    bytes vni = encode_vni(sample_vi, &exp);
    /* VNI bytes read as Windows-1258: what was asked, not the right text */
    lw_decoded *d = decode_ok(vni.p, vni.n, LW_ENC_CP1258);
    assert_int_equal(d->encoding, LW_ENC_CP1258);
    char *a = nfc(d->text);
    assert_true(strcmp(a, sample_vi) != 0);
    free(a);
    check_map(d, vni.n);
    lw_decoded_free(d);
    /* legacy bytes forced as UTF-8: replacements with offsets */
    d = decode_ok(vni.p, vni.n, LW_ENC_UTF8);
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_true(d->n_invalid > 10);
    check_map(d, vni.n);
    lw_decoded_free(d);
    /* ASCII forced as TCVN3: same text, a map that is the identity */
    d = decode_ok("Dieu 1", 6, LW_ENC_TCVN3);
    assert_int_equal(d->encoding, LW_ENC_TCVN3);
    assert_string_equal(d->text, "Dieu 1");
    assert_non_null(d->map);
    for (size_t i = 0; i <= d->len; i++)
        assert_int_equal(d->map[i], i);
    lw_decoded_free(d);
    /* a UTF-16 BOM with a forced UTF-8 is just two invalid bytes */
    d = decode_ok("\xFF\xFE" "AB", 4, LW_ENC_UTF8);
    assert_int_equal(d->encoding, LW_ENC_UTF8);
    assert_int_equal(d->had_bom, 0);
    assert_int_equal(d->n_invalid, 2);
    assert_string_equal(d->text, "\xEF\xBF\xBD\xEF\xBF\xBD" "AB");
    lw_decoded_free(d);
    lw_error err;
    assert_int_equal(lw_decode((const unsigned char *)"ab", 2, (lw_encoding)77, "x", &d, &err),
                     LW_ERR_USAGE);
    assert_null(d);
    free(vni.p);
    free(exp.p);
}

/* Short phrases from tests/data/decode/phrases.txt, each in each legacy encoding. */
static void test_detect_short(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/decode/phrases.txt", source_dir());
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    char line[512];
    int count = 0, wrong = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        for (int k = 0; k < 3; k++) {
            bytes exp = {0};
            bytes in = k == 0   ? encode_iconv("CP1258", line, &exp)
                       : k == 1 ? encode_iconv("TCVN5712-1", line, &exp)
                                : encode_vni(line, &exp);
            lw_encoding want = k == 0 ? LW_ENC_CP1258 : k == 1 ? LW_ENC_TCVN3 : LW_ENC_VNI;
            lw_decoded *d = decode_ok(in.p, in.n, LW_ENC_AUTO);
            count++;
            if (d->encoding != want) {
                wrong++;
                print_error("\"%s\" as %s detected as %s: %s\n", line, lw_encoding_name(want),
                            lw_encoding_name(d->encoding), d->text);
            }
            lw_decoded_free(d);
            free(in.p);
            free(exp.p);
        }
    }
    fclose(f);
    assert_true(count >= 60);
    assert_int_equal(wrong, 0);
}

/* ------------------------------------------------------------------------------------------
 * The corpus round trip */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t corpus_files(char ***out)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpus", source_dir());
    DIR *dp = opendir(dir);
    if (!dp)
        fail_msg("cannot open %s: %s", dir, strerror(errno));
    char **v = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0)
            continue;
        v = realloc(v, (n + 1) * sizeof *v);
        assert_non_null(v);
        v[n] = malloc(strlen(dir) + l + 2);
        assert_non_null(v[n]);
        sprintf(v[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(dp);
    qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

static void test_corpus_roundtrip(void **state)
{
    (void)state;
    char **files;
    size_t nf = corpus_files(&files);
    assert_true(nf > 0);
    for (size_t f = 0; f < nf; f++) {
        char *text = read_doc(files[f]);
        size_t tl = strlen(text);
        for (int k = 0; k < 6; k++) {
            bytes in = {0}, exp = {0};
            lw_encoding want;
            switch (k) {
            case 0: /* UTF-8 with BOM */
                bput(&in, "\xEF\xBB\xBF", 3);
                bput(&in, text, tl);
                bput(&exp, text, tl);
                want = LW_ENC_UTF8;
                break;
            case 1:
            case 2: {
                bytes body = iconv_all(k == 1 ? "UTF-16LE" : "UTF-16BE", "UTF-8", text, tl);
                bput(&in, k == 1 ? "\xFF\xFE" : "\xFE\xFF", 2);
                bput(&in, body.p, body.n);
                free(body.p);
                bput(&exp, text, tl);
                want = k == 1 ? LW_ENC_UTF16LE : LW_ENC_UTF16BE;
                break;
            }
            case 3:
                in = encode_iconv("CP1258", text, &exp);
                want = LW_ENC_CP1258;
                break;
            case 4:
                in = encode_iconv("TCVN5712-1", text, &exp);
                want = LW_ENC_TCVN3;
                break;
            default:
                in = encode_vni(text, &exp);
                want = LW_ENC_VNI;
                break;
            }
            lw_decoded *d = decode_ok(in.p, in.n, LW_ENC_AUTO);
            if (d->encoding != want)
                fail_msg("%s as %s: detected %s", files[f], lw_encoding_name(want),
                         lw_encoding_name(d->encoding));
            assert_int_equal(d->n_invalid, 0);
            assert_int_equal(d->had_bom, k <= 2);
            check_map(d, in.n);
            assert_same_nfc(d->text, exp.p);
            lw_decoded_free(d);
            free(in.p);
            free(exp.p);
        }
        free(text);
        free(files[f]);
    }
    free(files);
}

/* ------------------------------------------------------------------------------------------
 * Robustness and size */

static void test_random_bytes(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    unsigned char buf[3000];
    for (int round = 0; round < 300; round++) {
        size_t n = (size_t)(round * 10 % 3000);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned char b = (unsigned char)(seed >> 16);
            if (round % 3 == 0)
                b = (unsigned char)(b | 0x80); /* mostly high bytes */
            buf[i] = b ? b : 'x';
        }
        if (n >= 4 && (buf[0] == '%' || buf[0] == 'P' || buf[0] == 0x89 || buf[0] == 0xFF ||
                       buf[0] == 'G' || buf[0] == 'I' || buf[0] == 'M' || buf[0] == 0xD0 ||
                       buf[0] == 0x1F || buf[0] == 0xFE))
            buf[0] = 'x';
        for (int e = LW_ENC_AUTO; e <= LW_ENC_VNI; e++) {
            lw_decoded *d = decode_ok(buf, n, (lw_encoding)e);
            check_map(d, n);
            assert_int_equal(strlen(d->text), d->len); /* no NUL came out */
            lw_decoded_free(d);
        }
    }
}

/* A few megabytes of TCVN3 decode in one linear pass; the time is printed, not judged. */
static void test_large(void **state)
{
    (void)state;
    bytes exp = {0};
    bytes one = encode_iconv("TCVN5712-1", sample_vi, &exp);
    bytes big = {0};
    while (big.n < 4u * 1024 * 1024)
        bput(&big, one.p, one.n);
    clock_t t0 = clock();
    lw_decoded *d = decode_ok(big.p, big.n, LW_ENC_AUTO);
    double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_int_equal(d->encoding, LW_ENC_TCVN3);
    assert_int_equal(d->map[d->len], big.n);
    print_message("decoded %zu bytes of TCVN3 in %.3f s\n", big.n, s);
    lw_decoded_free(d);
    free(one.p);
    free(exp.p);
    free(big.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),          cmocka_unit_test(test_utf8_plain),
        cmocka_unit_test(test_utf8_bom),       cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_cut_at_eof), cmocka_unit_test(test_utf16_bom),
        cmocka_unit_test(test_utf16_invalid),  cmocka_unit_test(test_utf16_no_bom),
        cmocka_unit_test(test_binary),         cmocka_unit_test(test_cp1258),
        cmocka_unit_test(test_tcvn3),          cmocka_unit_test(test_vni),
        cmocka_unit_test(test_forced),         cmocka_unit_test(test_detect_short),
        cmocka_unit_test(test_corpus_roundtrip),
        cmocka_unit_test(test_random_bytes),   cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
