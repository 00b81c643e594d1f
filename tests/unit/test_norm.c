/* Tests of lw_norm: each rule on its own, the map, golden output for every corpus document
 * (tests/golden/norm/NAME.txt; LW_UPDATE_GOLDEN=1 rewrites them), invariance of the output
 * under NFD, look-alikes, the other tone-mark style, hard wrapping, CRLF and no-break spaces,
 * and idempotence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <utf8proc.h>

#include "lw_file.h"
#include "lw_norm.h"

/* ---- helpers ---- */

static lw_normalized *norm_opt(const char *s, size_t len, const lw_norm_options *o)
{
    lw_normalized *n = NULL;
    lw_error err;
    lw_status st = lw_normalize(s, len, o, &n, &err);
    if (st != LW_OK)
        fail_msg("lw_normalize: %s", err.msg);
    assert_non_null(n);
    assert_int_equal(n->text[n->len], 0);
    assert_int_equal(n->map[n->len], len);
    return n;
}

static lw_normalized *norm(const char *s)
{
    return norm_opt(s, strlen(s), NULL);
}

#define CHECK_NORM(in, want) check_norm(in, want, __FILE__, __LINE__)
static void check_norm(const char *in, const char *want, const char *file, int line)
{
    lw_normalized *n = norm(in);
    if (strcmp(n->text, want)) {
        print_error("%s:%d: normalize(\"%s\")\n  got  \"%s\"\n  want \"%s\"\n", file, line, in,
                    n->text, want);
        lw_normalized_free(n);
        _fail(file, line);
    }
    lw_normalized_free(n);
}

#define CHECK_NORM_OPT(in, o, want) check_norm_opt(in, o, want, __FILE__, __LINE__)
static void check_norm_opt(const char *in, const lw_norm_options *o, const char *want,
                           const char *file, int line)
{
    lw_normalized *n = norm_opt(in, strlen(in), o);
    if (strcmp(n->text, want)) {
        print_error("%s:%d: normalize(\"%s\")\n  got  \"%s\"\n  want \"%s\"\n", file, line, in,
                    n->text, want);
        lw_normalized_free(n);
        _fail(file, line);
    }
    lw_normalized_free(n);
}

typedef int (*word_fn)(const char *, size_t, char *, size_t);

static void check_word(word_fn fn, const char *in, const char *want, const char *file, int line)
{
    char out[256];
    int r = fn(in, strlen(in), out, sizeof out);
    if (r < 0 || strcmp(out, want)) {
        print_error("%s:%d: \"%s\" -> \"%s\", want \"%s\"\n", file, line, in,
                    r < 0 ? "(error)" : out, want);
        _fail(file, line);
    }
    assert_int_equal((size_t)r, strlen(want));
}
#define CHECK_STYLE(in, want) check_word(lw_norm_tone_style, in, want, __FILE__, __LINE__)
#define CHECK_MARKS(in, want) check_word(lw_norm_fix_marks, in, want, __FILE__, __LINE__)

static char *source_path(const char *rel)
{
    const char *src = getenv("LW_SOURCE_DIR");
    if (!src || !*src)
        src = LW_SOURCE_DIR;
    size_t n = strlen(src) + strlen(rel) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", src, rel);
    return p;
}

static char *read_all(const char *path, size_t *len)
{
    unsigned char *buf = NULL;
    lw_error err;
    if (lw_read_file(path, &buf, len, &err) != LW_OK)
        return NULL;
    return (char *)buf;
}

static int write_all(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(s, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* The corpus documents, sorted: corpus/NAME.txt. */
typedef struct {
    char **name; /* "NAME.txt" */
    size_t n;
} corpus_list;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static corpus_list corpus(void)
{
    corpus_list c = {0};
    char *dir = source_path("corpus");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
            continue;
        c.name = realloc(c.name, (c.n + 1) * sizeof *c.name);
        c.name[c.n++] = strdup(e->d_name);
    }
    closedir(d);
    free(dir);
    qsort(c.name, c.n, sizeof *c.name, cmp_str);
    assert_true(c.n > 0);
    return c;
}

static void corpus_free(corpus_list *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->name[i]);
    free(c->name);
}

static char *corpus_text(const char *name, size_t *len)
{
    char rel[512];
    snprintf(rel, sizeof rel, "corpus/%s", name);
    char *p = source_path(rel);
    char *s = read_all(p, len);
    assert_non_null(s);
    free(p);
    return s;
}

/* A growable string. */
typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void sb_cp(sbuf *b, int32_t cp)
{
    utf8proc_uint8_t u[4];
    utf8proc_ssize_t l = utf8proc_encode_char(cp, u);
    sb_put(b, u, (size_t)l);
}

static int dec(const char *s, size_t n, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
    if (l < 1) {
        *cp = (unsigned char)s[0];
        return 1;
    }
    *cp = c;
    return (int)l;
}

/* ---- word rules ---- */

static void test_tone_style(void **state)
{
    (void)state;
    CHECK_STYLE("hoà", "hòa");
    CHECK_STYLE("hòa", "hòa");
    CHECK_STYLE("uỷ", "ủy");
    CHECK_STYLE("Uỷ", "Ủy");
    CHECK_STYLE("UỶ", "ỦY");
    CHECK_STYLE("thuỷ", "thủy");
    CHECK_STYLE("Thuỷ", "Thủy");
    CHECK_STYLE("khoẻ", "khỏe");
    CHECK_STYLE("toà", "tòa");
    CHECK_STYLE("hoạ", "họa");
    CHECK_STYLE("xoá", "xóa");
    CHECK_STYLE("loè", "lòe");
    CHECK_STYLE("tuỳ", "tùy");
    CHECK_STYLE("luỹ", "lũy");
    CHECK_STYLE("huỷ", "hủy");
    CHECK_STYLE("oà", "òa");
    CHECK_STYLE("HOÀ", "HÒA");
    CHECK_STYLE("hoẹ", "họe");
    /* a consonant follows: untouched */
    CHECK_STYLE("hoàn", "hoàn");
    CHECK_STYLE("khoảng", "khoảng");
    CHECK_STYLE("tuyển", "tuyển");
    CHECK_STYLE("hoạch", "hoạch");
    CHECK_STYLE("toán", "toán");
    /* qu: the u belongs to the consonant */
    CHECK_STYLE("quý", "quý");
    CHECK_STYLE("Quý", "Quý");
    CHECK_STYLE("QUÝ", "QUÝ");
    CHECK_STYLE("quỹ", "quỹ");
    CHECK_STYLE("quyết", "quyết");
    CHECK_STYLE("quả", "quả");
    CHECK_STYLE("quà", "quà");
    /* other vowels: untouched */
    CHECK_STYLE("ngoài", "ngoài");
    CHECK_STYLE("khuya", "khuya");
    CHECK_STYLE("của", "của");
    CHECK_STYLE("mùa", "mùa");
    CHECK_STYLE("thuở", "thuở");
    CHECK_STYLE("huệ", "huệ");
    CHECK_STYLE("khuỷu", "khuỷu");
    CHECK_STYLE("giá", "giá");
    CHECK_STYLE("Email", "Email");
    /* several words and punctuation */
    CHECK_STYLE("Uỷ ban, hoà bình; thuỷ lợi", "Ủy ban, hòa bình; thủy lợi");
    char tiny[4];
    assert_int_equal(lw_norm_tone_style("hoà", strlen("hoà"), tiny, sizeof tiny), -1);
}

static void test_fix_marks(void **state)
{
    (void)state;
    /* two marked vowels */
    CHECK_MARKS("Nghịệp", "Nghiệp");
    CHECK_MARKS("NGHỊỆP", "NGHIỆP");
    CHECK_MARKS("tuổỉ", "tuổi");
    CHECK_MARKS("ngườì", "người");
    CHECK_MARKS("Ủỷ", "Ủy");
    CHECK_MARKS("hóà", "hóa");
    CHECK_MARKS("hoạcḥ", "hoạcḥ"); /* ḥ is not a Vietnamese letter: kept as written */
    CHECK_MARKS("tiếǹ", "tiếǹ");
    CHECK_MARKS("khuýến", "khuyến");
    CHECK_MARKS("thuộć", "thuộć");
    CHECK_MARKS("mọí", "mọi");
    CHECK_MARKS("Việt", "Việt");
    /* an OCR-duplicated vowel */
    CHECK_MARKS("việệc", "việc");
    CHECK_MARKS("quảản", "quản");
    CHECK_MARKS("quảan", "quản");
    CHECK_MARKS("đượợc", "được");
    CHECK_MARKS("thựực", "thực");
    CHECK_MARKS("tổổ", "tổ");
    CHECK_MARKS("Việêt", "Việt");
    CHECK_MARKS("nghiêêm", "nghiêm");
    /* valid words stay */
    static const char *const ok[] = {
        "người",  "khuyến", "tuổi",   "hoạch", "thuộc",  "Việt",  "nghiêm", "xoong", "soóc",
        "giường", "quyết",  "Nguyễn", "điều",  "chuyển", "khuỷu", "ngoài",  "Quý",   "quỹ",
        "giữa",   "hòa",    "hoà",    "ĐỒNG",  "Email",  "SIPAS", "aa",     NULL};
    for (int i = 0; ok[i]; i++)
        check_word(lw_norm_fix_marks, ok[i], ok[i], __FILE__, __LINE__);
    /* two syllables glued by OCR, or no Vietnamese vowel group: left alone */
    CHECK_MARKS("tạiđịa", "tạiđịa");
    CHECK_MARKS("ngàyà", "ngàyà");
    CHECK_MARKS("vÁANTT", "vÁANTT");
    CHECK_MARKS("ÌeÌ", "ÌeÌ");
    CHECK_MARKS("QUÁẢNG", "QUẢNG");
}

static void test_words_in_text(void **state)
{
    (void)state;
    CHECK_NORM("Quý III năm 2025, Uỷ ban hoà giải.\n", "Quý III năm 2025, Ủy ban hòa giải.\n");
    CHECK_NORM("**Lâm Hoàng Nghịệp**", "Lâm Hoàng Nghiệp");
    CHECK_NORM("UỶ BAN NHÂN DÂN TỈNH KHÁNH HOÀ\n", "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA\n");
    lw_norm_options o;
    lw_norm_options_default(&o);
    o.tone_style = 0;
    o.repair_marks = 0;
    CHECK_NORM_OPT("hoà Nghịệp", &o, "hoà Nghịệp");
}

/* ---- characters ---- */

static void test_nfc(void **state)
{
    (void)state;
    /* NFD input */
    CHECK_NORM("Vie\xCC\xA3\xCC\x82t Nam", "Việt Nam");
    CHECK_NORM("Ngh\xC4\xA9 \xC4\x91i\xCC\xA3nh", "Nghĩ định");
    /* a tone typed before the circumflex / breve / horn */
    CHECK_NORM("a\xCC\x80\xCC\x82", "ầ"); /* a + grave + circumflex */
    CHECK_NORM("e\xCC\x81\xCC\x82", "ế"); /* e + acute + circumflex */
    CHECK_NORM("a\xCC\x83\xCC\x86", "ẵ"); /* a + tilde + breve */
    CHECK_NORM("o\xCC\x89\xCC\x9B", "ở"); /* o + hook + horn */
    CHECK_NORM("u\xCC\xA3\xCC\x9B", "ự"); /* u + dot + horn */
    CHECK_NORM("\xC3\xA0\xCC\x82", "ầ");  /* à + circumflex */
    CHECK_NORM("O\xCC\x80\xCC\x82NG", "ỒNG");
    CHECK_NORM("tie\xCC\x81\xCC\x82n", "tiến");
    /* deprecated tone marks U+0340/U+0341 */
    CHECK_NORM("a\xCD\x81", "á");
    /* already NFC */
    CHECK_NORM("Tiếng Việt có dấu", "Tiếng Việt có dấu");
}

/* Differential check against utf8proc's NFC on random strings without the Vietnamese mark
 * reordering (no circumflex/breve after a tone mark). */
static void test_nfc_differential(void **state)
{
    (void)state;
    static const int32_t pool[] = {
        'a',   'e',   'o',    'u',    'y',    'x',    'A',    0x300,  0x301,  0x303, 0x309, 0x323,
        0x31B, 0x327, 0x308,  0x1100, 0x1161, 0x11A8, 0xAC00, 0x212B, 0x2126, 0x958, 0x340, 0x344,
        0xF73, 0xE0,  0x1EA1, 0x1B0,  0x3B1,  0x345,  0x5D0,  0x5B4,  0x1E0A, 0x307, 0x1F00};
    lw_norm_options o = {0};
    lw_norm_options_default(&o);
    o.unwrap = 0;
    o.drop_artefacts = 0;
    o.tone_style = 0;
    o.repair_marks = 0;
    unsigned seed = 12345;
    for (int round = 0; round < 3000; round++) {
        sbuf b = {0};
        int n = 1 + (int)(seed % 9);
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            sb_cp(&b, pool[(seed >> 8) % (sizeof pool / sizeof *pool)]);
        }
        seed = seed * 1103515245u + 12345u;
        utf8proc_uint8_t *want = utf8proc_NFC((const utf8proc_uint8_t *)b.s);
        assert_non_null(want);
        lw_normalized *r = norm_opt(b.s, b.n, &o);
        if (strcmp(r->text, (char *)want)) {
            print_error("NFC mismatch for");
            for (size_t i = 0; i < b.n; i++)
                print_error(" %02x", (unsigned char)b.s[i]);
            print_error("\n got %s\nwant %s\n", r->text, want);
            fail();
        }
        lw_normalized_free(r);
        free(want);
        free(b.s);
    }
}

static void test_spaces(void **state)
{
    (void)state;
    CHECK_NORM("a\xC2\xA0"
               "b\xE2\x80\x83"
               "c\xE2\x80\xAF"
               "d\xE3\x80\x80"
               "e\tf\xE2\x80\x8A"
               "g",
               "a b c d e f g");
    CHECK_NORM("a  \t b", "a b");
    CHECK_NORM("thực\xE2\x80\x8Bhiện, pháp\xC2\xADluật\xEF\xBB\xBF, a\xE2\x80\x8C"
               "b\xE2\x80\x8D"
               "c",
               "thựchiện, phápluật, abc");
    CHECK_NORM("\xEF\xBB\xBFSố: 12/UBND\n", "Số: 12/UBND\n");
    CHECK_NORM("“nóng” ‘x’", "“nóng” ‘x’");
    lw_norm_options o;
    lw_norm_options_default(&o);
    o.unwrap = 0;
    CHECK_NORM_OPT("a\r\nb\rc\n", &o, "a\nb\nc\n");
    CHECK_NORM_OPT("a  \r\n\r\nb", &o, "a\n\nb");
    CHECK_NORM("Điều 1.\r\nNội dung.\r\n", "Điều 1.\nNội dung.\n");
}

static void test_lookalikes(void **state)
{
    (void)state;
    CHECK_NORM("59/2012/NÐ-CP", "59/2012/NĐ-CP");
    CHECK_NORM("Ɖiều 5. ðồng ý", "Điều 5. đồng ý");
    CHECK_NORM("QÐ-TTg ɖ", "QĐ-TTg đ");
}

/* ---- lines ---- */

static void test_unwrap_basic(void **state)
{
    (void)state;
    /* lower-case continuation, sentence end, list markers */
    CHECK_NORM("Thời gian qua, công tác theo dõi đã được các cơ\nquan quan tâm thực hiện.\n"
               "Tuy nhiên, còn hạn chế.\n",
               "Thời gian qua, công tác theo dõi đã được các cơ quan quan tâm thực hiện.\n"
               "Tuy nhiên, còn hạn chế.\n");
    CHECK_NORM("như sau:\n1. Một\n2.1. Hai\n2.1 Ba\na) Bốn\nđ) Năm\n- Sáu\n+ Bảy\nI. TÁM\n"
               "A. CHÍN\nIV. Mười\n(1) Một\n• Hai\n",
               "như sau:\n1. Một\n2.1. Hai\n2.1 Ba\na) Bốn\nđ) Năm\n- Sáu\n+ Bảy\nI. TÁM\nA. CHÍN\n"
               "IV. Mười\n(1) Một\n• Hai\n");
    /* a function word or a comma at the end joins */
    CHECK_NORM("Căn cứ Nghị định số\n59/2012/NĐ-CP của\nChính phủ,\nBộ Tư pháp đề nghị.",
               "Căn cứ Nghị định số 59/2012/NĐ-CP của Chính phủ, Bộ Tư pháp đề nghị.");
    /* a semicolon before a lower-case clause */
    CHECK_NORM("trọng tâm của UBND tỉnh;\nchỉ đạo của các Bộ.",
               "trọng tâm của UBND tỉnh; chỉ đạo của các Bộ.");
    /* a bullet followed by lower case is a dash inside the sentence */
    CHECK_NORM("phát triển kinh tế\n- xã hội năm 2024.", "phát triển kinh tế - xã hội năm 2024.");
    /* a number is not a list marker when it is a year or a quantity */
    CHECK_NORM("trong giai đoạn năm\n2018 - 2022 và\n1.000 người.",
               "trong giai đoạn năm 2018 - 2022 và 1.000 người.");
    /* articles */
    CHECK_NORM("Điều 1. Phạm vi\nNghị định này quy định.\nĐiều 2. Đối tượng\n",
               "Điều 1. Phạm vi\nNghị định này quy định.\nĐiều 2. Đối tượng\n");
    CHECK_NORM("theo quy định tại\nĐiều 14 Nghị định số 59.",
               "theo quy định tại Điều 14 Nghị định số 59.");
    /* blank lines collapse, leading spaces go */
    CHECK_NORM("\n\n   Một.\n\n\n\n  Hai.\n\n", "Một.\nHai.\n");
    /* unwrap off keeps the lines */
    lw_norm_options o;
    lw_norm_options_default(&o);
    o.unwrap = 0;
    CHECK_NORM_OPT("các cơ\nquan\n\nHai  \n", &o, "các cơ\nquan\n\nHai\n");
}

/* Lines of about 70 characters, wrapped, with a heading and a short last line. */
static void test_unwrap_wrapped(void **state)
{
    (void)state;
    const char *in =
        "1. Xây dựng, ban hành kế hoạch theo dõi tình hình thi hành pháp luật\n\n"
        "Các cơ quan, địa phương trên cơ sở kế hoạch theo dõi thi hành pháp luật\n\n"
        "của UBND tỉnh và kế hoạch theo dõi thi hành pháp luật của các bộ, ngành\n\n"
        "để xây dựng, ban hành kế hoạch và tổ chức triển khai thực hiện trong phạm\n\n"
        "vi ngành, địa phương mình\n\n"
        "Trên cơ sở lĩnh vực theo dõi thi hành pháp luật trọng tâm của UBND tỉnh và\n\n"
        "UBND cấp huyện xác định lĩnh vực theo dõi thi hành pháp luật trọng tâm\n\n"
        "năm 2021 đảm bảo thống nhất, trọng tâm, gắn với tình hình thực tiễn tại cơ\n\n"
        "quan, địa phương.\n\n"
        "b) Lĩnh vực trọng tâm của các cơ quan chuyên môn thuộc UBND tỉnh Sóc\n\n"
        "Trăng và UBND cấp huyện Mỹ Xuyên\n\n"
        "Trên cơ sở lĩnh vực theo dõi thi hành pháp luật trọng tâm của UBND tỉnh.\n\n"
        "4. Tòa án nhân dân tỉnh, Viện kiểm sát nhân dân tỉnh, Ủy ban Mặt trận Tổ\n\n"
        "quốc Việt Nam tỉnh, Hội Luật gia tỉnh và các tổ chức thành viên, Đoàn\n\n"
        "Luật sư tỉnh\n\n"
        "Đề nghị Tòa án nhân dân tỉnh cung cấp thông tin.\n";
    CHECK_NORM(in,
               "1. Xây dựng, ban hành kế hoạch theo dõi tình hình thi hành pháp luật\n"
               "Các cơ quan, địa phương trên cơ sở kế hoạch theo dõi thi hành pháp luật của UBND "
               "tỉnh và kế hoạch theo dõi thi hành pháp luật của các bộ, ngành để xây dựng, ban "
               "hành kế hoạch và tổ chức triển khai thực hiện trong phạm vi ngành, địa phương "
               "mình\n"
               "Trên cơ sở lĩnh vực theo dõi thi hành pháp luật trọng tâm của UBND tỉnh và UBND "
               "cấp huyện xác định lĩnh vực theo dõi thi hành pháp luật trọng tâm năm 2021 đảm "
               "bảo thống nhất, trọng tâm, gắn với tình hình thực tiễn tại cơ quan, địa phương.\n"
               "b) Lĩnh vực trọng tâm của các cơ quan chuyên môn thuộc UBND tỉnh Sóc Trăng và "
               "UBND cấp huyện Mỹ Xuyên\n"
               "Trên cơ sở lĩnh vực theo dõi thi hành pháp luật trọng tâm của UBND tỉnh.\n"
               "4. Tòa án nhân dân tỉnh, Viện kiểm sát nhân dân tỉnh, Ủy ban Mặt trận Tổ quốc Việt "
               "Nam tỉnh, Hội Luật gia tỉnh và các tổ chức thành viên, Đoàn Luật sư tỉnh\n"
               "Đề nghị Tòa án nhân dân tỉnh cung cấp thông tin.\n");
}

static void test_header_block(void **state)
{
    (void)state;
    const char *in = "**ỦY BAN NHÂN DÂN  \nTỈNH SÓC TRĂNG**\n\n"
                     "Số: 768 /UBND-NC  \n"
                     "V/v đôn đốc triển khai thực  \nhiện công tác theo dõi thi hành  \n"
                     "pháp luật trên địa bàn tỉnh Sóc  \nTrăng năm 2020\n\n"
                     "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM  \nĐộc lập - Tự do - Hạnh phúc**\n\n"
                     "Sóc Trăng, ngày 18 tháng 5 năm 2020\n\n"
                     "Kính gửi:\n\n- Thủ trưởng các Sở, ngành;\n"
                     "- Chủ tịch Ủy ban nhân dân các huyện,  \ntỉnh Sóc Trăng.\n\n"
                     "Nội dung văn bản./.\n\n"
                     "*Nơi nhận:*\n\n- Như trên;\n- Lưu: VT.\n\n"
                     "**KT. CHỦ TỊCH  \nPHÓ CHỦ TỊCH**\n\n\n\n**Lâm Hoàng Nghiệp**\n";
    CHECK_NORM(in, "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\nSố: 768 /UBND-NC\n"
                   "V/v đôn đốc triển khai thực hiện công tác theo dõi thi hành pháp luật trên địa "
                   "bàn tỉnh Sóc Trăng năm 2020\n"
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                   "Sóc Trăng, ngày 18 tháng 5 năm 2020\nKính gửi:\n- Thủ trưởng các Sở, ngành;\n"
                   "- Chủ tịch Ủy ban nhân dân các huyện, tỉnh Sóc Trăng.\n"
                   "Nội dung văn bản./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
                   "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLâm Hoàng Nghiệp\n");
    /* the header block of a hard-wrapped, double-spaced scan */
    CHECK_NORM("BỘ TƯ PHÁP\n\nSố: 1255/BTP-QLXLVPHC\n\nV/v triển khai Kế hoạch sơ kết\n\n"
               "thi hành Nghị định\n\nHà Nội, ngày 17 tháng 04 năm 2015\n\nKính gửi: Các Bộ\n",
               "BỘ TƯ PHÁP\nSố: 1255/BTP-QLXLVPHC\n"
               "V/v triển khai Kế hoạch sơ kết thi hành Nghị định\n"
               "Hà Nội, ngày 17 tháng 04 năm 2015\nKính gửi: Các Bộ\n");
}

static void test_headings(void **state)
{
    (void)state;
    CHECK_NORM("I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nTriển khai có hiệu quả.\n"
               "KẾ HOẠCH\nTheo dõi tình hình thi hành pháp luật lĩnh vực trọng tâm,\n"
               "liên ngành năm 2025\nThực hiện Nghị định.\n",
               "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nTriển khai có hiệu quả.\nKẾ HOẠCH\n"
               "Theo dõi tình hình thi hành pháp luật lĩnh vực trọng tâm, liên ngành năm 2025\n"
               "Thực hiện Nghị định.\n");
    /* capitals: a heading ending in a function word or a dash continues */
    CHECK_NORM("DANH MỤC VĂN BẢN CỦA\nBỘ LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI\nNội dung.",
               "DANH MỤC VĂN BẢN CỦA BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nNội dung.");
    CHECK_NORM("-------\nCỘNG HÒA\n---------------\n", "-------\nCỘNG HÒA\n---------------\n");
}

static void test_dehyphenate(void **state)
{
    (void)state;
    CHECK_NORM("Nghị định số 71/2016/NĐ-\nCP ngày 01/7/2016.",
               "Nghị định số 71/2016/NĐ-CP ngày 01/7/2016.");
    CHECK_NORM("Thông tư số 01/2024/\nTT-BLĐTBXH ngày 19/02/2024.",
               "Thông tư số 01/2024/TT-BLĐTBXH ngày 19/02/2024.");
    CHECK_NORM("phát triển kinh tế -\nxã hội.", "phát triển kinh tế - xã hội.");
    CHECK_NORM("phát triển kinh tế –\nxã hội.", "phát triển kinh tế – xã hội.");
    CHECK_NORM("tổ chức thực-\nhiện nghiêm.", "tổ chức thực hiện nghiêm.");
    CHECK_NORM("mạng Inter-\nnet toàn cầu.", "mạng Internet toàn cầu.");
    CHECK_NORM("dịch Covid-\n19 trên địa bàn.", "dịch Covid-19 trên địa bàn.");
}

static void test_artefacts(void **state)
{
    (void)state;
    /* markdown */
    CHECK_NORM("chậm nhất **ngày 15/11/2025** để tổng hợp.",
               "chậm nhất ngày 15/11/2025 để tổng hợp.");
    CHECK_NORM("*Nơi nhận:*\n- Lưu: VT, NC *W*\n", "Nơi nhận:\n- Lưu: VT, NC\n");
    CHECK_NORM("Sóc Trăng./. *W*\n", "Sóc Trăng./.\n");
    CHECK_NORM("* Như vậy, tuy các doanh nghiệp.\n* Thời gian.",
               "* Như vậy, tuy các doanh nghiệp.\n* Thời gian.");
    CHECK_NORM("Cdn c* Luật, 5 * 3 = 15", "Cdn c* Luật, 5 * 3 = 15");
    CHECK_NORM("***", "***");
    /* page numbers */
    CHECK_NORM("Nội dung trang một.\n- 2 -\nNội dung trang hai.\nTrang 3\nNội dung.\nTrang 4/10\n",
               "Nội dung trang một.\nNội dung trang hai.\nNội dung.\n");
    /* a running header with page numbers, in the middle of a sentence */
    sbuf b = {0};
    const char *body = "các cơ quan, đơn vị có liên quan thực hiện nghiêm các nội dung đã nêu\n";
    for (int page = 2; page <= 5; page++) {
        char hdr[128];
        snprintf(hdr, sizeof hdr, "\n%d\nCÔNG BÁO/Số 361 + 362/Ngày 28-02-2025\n\n", page);
        sb_put(&b, hdr, strlen(hdr));
        for (int k = 0; k < 12; k++)
            sb_put(&b, body, strlen(body));
    }
    lw_normalized *n = norm(b.s);
    assert_null(strstr(n->text, "CÔNG BÁO"));
    assert_null(strchr(n->text, '\n') == n->text + n->len - 1 ? NULL : "more than one line");
    for (const char *p = n->text; *p; p++)
        assert_false(*p >= '2' && *p <= '5');
    lw_normalized_free(n);
    free(b.s);
    /* a repeated line that is content stays */
    CHECK_NORM("- Thời gian thực hiện: Thường xuyên trong năm.\nA.\n- Thời gian thực hiện: Thường "
               "xuyên trong năm.\nB.\n"
               "- Thời gian thực hiện: Thường xuyên trong năm.\n",
               "- Thời gian thực hiện: Thường xuyên trong năm.\nA.\n- Thời gian thực hiện: Thường "
               "xuyên trong năm.\nB.\n"
               "- Thời gian thực hiện: Thường xuyên trong năm.\n");
    /* a table cell that is a number stays */
    CHECK_NORM("STT\n1\nNội dung\n2\nNội dung\n", "STT\n1\nNội dung\n2\nNội dung\n");
    lw_norm_options o;
    lw_norm_options_default(&o);
    o.drop_artefacts = 0;
    CHECK_NORM_OPT("**đậm**\n- 2 -\n", &o, "**đậm**\n- 2 -\n");
}

static void test_edge_inputs(void **state)
{
    (void)state;
    lw_normalized *n = norm_opt("", 0, NULL);
    assert_int_equal(n->len, 0);
    assert_int_equal(n->map[0], 0);
    lw_normalized_free(n);
    CHECK_NORM("\n\n \n", "");
    CHECK_NORM("a", "a");
    /* invalid bytes pass through (the decoder should not produce them) */
    n = norm_opt("a\xFF"
                 "b",
                 3, NULL);
    assert_int_equal(n->len, 3);
    lw_normalized_free(n);
    /* a lone combining mark, and a long run of them */
    CHECK_NORM("\xCC\x81x", "\xCC\x81x");
    sbuf b = {0};
    sb_put(&b, "a", 1);
    for (int i = 0; i < 200; i++)
        sb_put(&b, "\xCC\x81", 2);
    n = norm_opt(b.s, b.n, NULL);
    assert_true(n->len > 0);
    lw_normalized_free(n);
    free(b.s);
    assert_int_equal(lw_normalize("x", 1, NULL, NULL, NULL), LW_ERR_USAGE);
    lw_normalized_free(NULL);
}

/* ---- the map ---- */

/* The base letter of a character, lower case, for comparing an output character with the
 * input character it came from: marks dropped, Đ look-alikes as d, all spaces as ' ', all
 * combining marks alike. */
static int32_t fold(const char *s, size_t n)
{
    int32_t c;
    dec(s, n, &c);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v' || c == 0xA0 ||
        c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000)
        return ' ';
    if (utf8proc_get_property(c)->combining_class)
        return 0x300; /* marks of one character may be reordered among themselves */
    utf8proc_int32_t d[8];
    if (utf8proc_decompose_char(c, d, 8, UTF8PROC_DECOMPOSE, NULL) >= 1)
        c = d[0];
    c = utf8proc_tolower(c);
    if (c == 0x111 || c == 0xF0 || c == 0x256)
        c = 'd';
    return c;
}

static void check_map(const char *in, size_t inlen, const lw_normalized *n, unsigned seed)
{
    assert_int_equal(n->map[n->len], inlen);
    for (size_t i = 0; i < n->len; i++) {
        assert_true(n->map[i] < inlen);
        if (i && n->map[i] < n->map[i - 1])
            fail_msg("map not monotonic at %zu", i);
    }
    if (!n->len)
        return;
    for (int k = 0; k < 300; k++) {
        seed = seed * 1103515245u + 12345u;
        size_t s = (seed >> 4) % n->len;
        seed = seed * 1103515245u + 12345u;
        size_t e = s + 1 + (seed >> 4) % 200;
        if (e > n->len)
            e = n->len;
        while (s > 0 && ((unsigned char)n->text[s] & 0xC0) == 0x80)
            s--;
        while (e < n->len && ((unsigned char)n->text[e] & 0xC0) == 0x80)
            e++;
        size_t a = n->map[s], z = n->map[e - 1];
        assert_true(a <= z && z < inlen);
        if (((unsigned char)in[a] & 0xC0) == 0x80)
            fail_msg("map[%zu] = %zu is inside an input character", s, a);
        int32_t fo = fold(n->text + s, n->len - s), fi = fold(in + a, inlen - a);
        if (fo != fi)
            fail_msg("output %zu (U+%04X) maps to input %zu (U+%04X)", s, (unsigned)fo, a,
                     (unsigned)fi);
        size_t is, ie;
        lw_norm_input_span(n, in, inlen, s, e, &is, &ie);
        assert_int_equal(is, a);
        assert_true(ie > z && ie <= inlen);
    }
}

static void test_map_rules(void **state)
{
    (void)state;
    const char *in = "Uỷ ban\r\n\xC2\xA0hoà  NÐ-\nCP Vie\xCC\xA3\xCC\x82t **đậm** thực-\nhiện";
    lw_normalized *n = norm(in);
    assert_string_equal(n->text, "Ủy ban hòa NĐ-CP Việt đậm thực hiện");
    check_map(in, strlen(in), n, 7);
    /* "Ủ" came from "U", "Việt"'s ệ from the e of e + dot + circumflex */
    assert_int_equal(n->map[0], 0);
    const char *v = strstr(n->text, "Việt");
    size_t vi = (size_t)(v - n->text);
    assert_int_equal(n->map[vi + 2], (size_t)(strstr(in, "Vie") - in) + 2);
    size_t is, ie;
    lw_norm_input_span(n, in, strlen(in), vi, vi + strlen("Việt"), &is, &ie);
    assert_int_equal(ie - is, strlen("Vie\xCC\xA3\xCC\x82t"));
    /* marks that do not compose and change order: the map still never decreases */
    const char *odd = "x\xCC\x81\xCC\xA3 a\xCC\x81\xCC\xA3\xCC\x81";
    lw_normalized *o2 = norm(odd);
    check_map(odd, strlen(odd), o2, 3);
    lw_normalized_free(o2);
    /* the joining space maps to the line break it replaces */
    const char *sp = strstr(n->text, "ban hòa") + 3;
    assert_int_equal(in[n->map[sp - n->text]], '\r');
    lw_normalized_free(n);
}

/* ---- the corpus ---- */

static void test_golden(void **state)
{
    (void)state;
    corpus_list c = corpus();
    int update = getenv("LW_UPDATE_GOLDEN") && !strcmp(getenv("LW_UPDATE_GOLDEN"), "1");
    int bad = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t len;
        char *in = corpus_text(c.name[i], &len);
        lw_normalized *n = norm_opt(in, len, NULL);
        check_map(in, len, n, (unsigned)i);
        char rel[512];
        snprintf(rel, sizeof rel, "tests/golden/norm/%s", c.name[i]);
        char *gp = source_path(rel);
        if (update) {
            if (write_all(gp, n->text, n->len))
                fail_msg("cannot write %s", gp);
        } else {
            size_t glen;
            char *g = read_all(gp, &glen);
            if (!g) {
                print_error("missing golden %s (run with LW_UPDATE_GOLDEN=1)\n", rel);
                bad++;
            } else if (glen != n->len || memcmp(g, n->text, glen)) {
                size_t k = 0;
                while (k < glen && k < n->len && g[k] == n->text[k])
                    k++;
                print_error("%s differs from the normalizer's output at byte %zu:\n"
                            "  golden: %.60s\n  output: %.60s\n",
                            rel, k, g + k, n->text + k);
                bad++;
            }
            free(g);
        }
        free(gp);
        lw_normalized_free(n);
        free(in);
    }
    corpus_free(&c);
    assert_int_equal(bad, 0);
}

/* Variants. */

static char *v_nfd(const char *s, size_t *len)
{
    char *r = (char *)utf8proc_NFD((const utf8proc_uint8_t *)s);
    assert_non_null(r);
    *len = strlen(r);
    return r;
}

static char *v_replace(const char *s, const char *from, const char *to, size_t *len)
{
    sbuf b = {0};
    sb_put(&b, "", 0);
    size_t fl = strlen(from);
    for (const char *p = s; *p;) {
        if (!strncmp(p, from, fl)) {
            sb_put(&b, to, strlen(to));
            p += fl;
        } else {
            sb_put(&b, p, 1);
            p++;
        }
    }
    *len = b.n;
    return b.s;
}

static char *v_lookalike(const char *s, size_t *len)
{
    size_t l1;
    char *a = v_replace(s, "Đ", "Ð", &l1);
    char *b = v_replace(a, "đ", "ð", len);
    free(a);
    return b;
}

static char *v_crlf(const char *s, size_t *len)
{
    return v_replace(s, "\n", "\r\n", len);
}

static char *v_nbsp(const char *s, size_t *len)
{
    sbuf b = {0};
    sb_put(&b, "", 0);
    int k = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' && ++k % 3 == 0)
            sb_put(&b, "\xC2\xA0", 2);
        else
            sb_put(&b, p, 1);
    }
    *len = b.n;
    return b.s;
}

/* The other tone-mark style: the mark of a final open oa/oe/uy on the second vowel. */
static char *v_tone(const char *s, size_t *len)
{
    size_t n = strlen(s), ncp = 0;
    int32_t *cp = malloc((n + 1) * sizeof *cp);
    for (size_t i = 0; i < n;)
        i += (size_t)dec(s + i, n - i, &cp[ncp++]);
    for (size_t i = 0; i + 1 < ncp; i++) {
        utf8proc_int32_t d[4];
        if (utf8proc_decompose_char(cp[i], d, 4, UTF8PROC_DECOMPOSE, NULL) != 2)
            continue;
        int32_t base = d[0], mark = d[1], next = cp[i + 1], nl = next | 0x20;
        if (mark != 0x300 && mark != 0x301 && mark != 0x303 && mark != 0x309 && mark != 0x323)
            continue;
        int bl = base | 0x20;
        if (!((bl == 'o' && (nl == 'a' || nl == 'e')) || (bl == 'u' && nl == 'y')) || next > 'z')
            continue;
        if (i + 2 < ncp && utf8proc_category(cp[i + 2]) >= UTF8PROC_CATEGORY_LU &&
            utf8proc_category(cp[i + 2]) <= UTF8PROC_CATEGORY_LO)
            continue;
        if (i > 0 && ((cp[i - 1] | 0x20) == 'q' ||
                      (cp[i - 1] < 128 && strchr("aeiouyAEIOUY", (int)cp[i - 1]))))
            continue;
        utf8proc_int32_t pair[2] = {next, mark};
        if (utf8proc_normalize_utf32(pair, 2, UTF8PROC_COMPOSE | UTF8PROC_STABLE) != 1)
            continue;
        cp[i] = base;
        cp[i + 1] = pair[0];
    }
    sbuf b = {0};
    sb_put(&b, "", 0);
    for (size_t i = 0; i < ncp; i++)
        sb_cp(&b, cp[i]);
    free(cp);
    *len = b.n;
    return b.s;
}

/* Every line word-wrapped at 72 columns, a blank line after every line. */
static char *v_wrap(const char *s, size_t *len)
{
    sbuf b = {0};
    sb_put(&b, "", 0);
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, '\n');
        if (!e)
            e = p + strlen(p);
        const char *q = p;
        while (q < e) {
            /* take words while the line stays within 72 characters */
            const char *ls = q, *last_break = NULL;
            size_t cols = 0;
            const char *r = q;
            while (r < e) {
                if (*r == ' ')
                    last_break = r;
                if (((unsigned char)*r & 0xC0) != 0x80)
                    cols++;
                if (cols > 72 && last_break)
                    break;
                r++;
            }
            const char *cut = r < e ? last_break : e;
            sb_put(&b, ls, (size_t)(cut - ls));
            sb_put(&b, "\n\n", 2);
            q = cut < e ? cut + 1 : e;
        }
        if (q == p) /* an empty line */
            sb_put(&b, "\n\n", 2);
        p = *e ? e + 1 : e;
    }
    *len = b.n;
    return b.s;
}

static char *strip_ws(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *r = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n')
            r[k++] = s[i];
    r[k] = 0;
    return r;
}

static void report_diff(const char *what, const char *name, const char *a, const char *b)
{
    size_t k = 0;
    while (a[k] && a[k] == b[k])
        k++;
    size_t s = k > 40 ? k - 40 : 0;
    while (s > 0 && ((unsigned char)a[s] & 0xC0) == 0x80)
        s--;
    print_error("%s variant of %s differs at byte %zu:\n  doc:     %.100s\n  variant: %.100s\n",
                what, name, k, a + s, b + s);
}

static void test_invariance(void **state)
{
    (void)state;
    struct {
        const char *what;
        char *(*fn)(const char *, size_t *);
        int ws_only;
    } var[] = {{"NFD", v_nfd, 0},   {"look-alike", v_lookalike, 0}, {"tone-style", v_tone, 0},
               {"CRLF", v_crlf, 0}, {"no-break-space", v_nbsp, 0},  {"wrapped", v_wrap, 1}};
    corpus_list c = corpus();
    int bad = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t len;
        char *in = corpus_text(c.name[i], &len);
        lw_normalized *ref = norm_opt(in, len, NULL);
        for (size_t v = 0; v < sizeof var / sizeof *var; v++) {
            size_t vlen;
            char *vin = var[v].fn(in, &vlen);
            lw_normalized *n = norm_opt(vin, vlen, NULL);
            check_map(vin, vlen, n, (unsigned)(i * 7 + v));
            if (var[v].ws_only) {
                char *a = strip_ws(ref->text), *b = strip_ws(n->text);
                if (strcmp(a, b)) {
                    report_diff(var[v].what, c.name[i], a, b);
                    bad++;
                }
                free(a);
                free(b);
            } else if (strcmp(ref->text, n->text)) {
                report_diff(var[v].what, c.name[i], ref->text, n->text);
                bad++;
            }
            /* idempotence of the variant's output too */
            lw_normalized *nn = norm_opt(n->text, n->len, NULL);
            if (strcmp(nn->text, n->text)) {
                report_diff("idempotence of the", var[v].what, n->text, nn->text);
                bad++;
            }
            lw_normalized_free(nn);
            lw_normalized_free(n);
            free(vin);
        }
        lw_normalized_free(ref);
        free(in);
    }
    corpus_free(&c);
    assert_int_equal(bad, 0);
}

static void test_idempotence(void **state)
{
    (void)state;
    corpus_list c = corpus();
    int bad = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t len;
        char *in = corpus_text(c.name[i], &len);
        lw_normalized *a = norm_opt(in, len, NULL);
        lw_normalized *b = norm_opt(a->text, a->len, NULL);
        if (strcmp(a->text, b->text)) {
            report_diff("idempotence:", c.name[i], a->text, b->text);
            bad++;
        }
        lw_normalized_free(a);
        lw_normalized_free(b);
        free(in);
    }
    corpus_free(&c);
    assert_int_equal(bad, 0);
}

/* Random documents from tricky pieces: no crash, a sound map, and (reported) idempotence. */
static void test_random_documents(void **state)
{
    (void)state;
    static const char *const piece[] = {
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "  ",
        "\t",
        "*",
        "**",
        "-",
        " - ",
        "–",
        "/",
        ".",
        ";",
        ":",
        ",",
        "1.",
        "2.1.",
        "a)",
        "I.",
        "12",
        "3",
        "Số: 12/UBND",
        "V/v ",
        "Kính gửi:",
        "CÔNG BÁO/Số 1",
        "Trang 2",
        "- 2 -",
        "hoà",
        "Nghịệp",
        "quý",
        "việệc",
        "và",
        "của",
        "năm",
        "Đ",
        "Ð",
        "e\xCC\x81\xCC\x82",
        "\xCC\x81",
        "\xC2\xA0",
        "\xE2\x80\x8B",
        "\xC2\xAD",
        "thực",
        "hiện",
        "NĐ-",
        "CP",
        "UBND",
        "Võ",
        "Phiên",
        "“",
        "”",
        "(",
        ")",
        "x",
        "Hà Nội, ngày 1 tháng 2 năm 2020",
        "ỦY BAN",
        "các cơ quan thực hiện nghiêm các nội dung đã nêu trong kế hoạch"};
    unsigned seed = 99;
    int nonidem = 0;
    for (int round = 0; round < 1500; round++) {
        sbuf b = {0};
        sb_put(&b, "", 0);
        seed = seed * 1103515245u + 12345u;
        int n = 1 + (int)((seed >> 8) % 120);
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = piece[(seed >> 8) % (sizeof piece / sizeof *piece)];
            sb_put(&b, p, strlen(p));
        }
        lw_normalized *r = norm_opt(b.s, b.n, NULL);
        check_map(b.s, b.n, r, seed);
        lw_normalized *r2 = norm_opt(r->text, r->len, NULL);
        if (strcmp(r->text, r2->text)) {
            if (nonidem++ < 3)
                report_diff("random document", "(idempotence)", r->text, r2->text);
        }
        lw_normalized_free(r2);
        lw_normalized_free(r);
        free(b.s);
    }
    assert_int_equal(nonidem, 0);
}

/* A large single-line input: linear time (the suite's timeout catches a quadratic pass). */
static void test_large(void **state)
{
    (void)state;
    size_t len;
    corpus_list c = corpus();
    char *in = corpus_text(c.name[0], &len);
    corpus_free(&c);
    size_t target = 8u << 20;
    char *big = malloc(target + len + 1);
    size_t n = 0;
    while (n < target) {
        for (size_t i = 0; i < len; i++)
            big[n++] = in[i] == '\n' ? ' ' : in[i];
    }
    big[n] = 0;
    lw_normalized *r = norm_opt(big, n, NULL);
    assert_true(r->len > n / 2);
    assert_null(memchr(r->text, '\n', r->len));
    lw_normalized_free(r);
    /* many short lines */
    for (size_t i = 0; i < n; i++)
        if (i % 7 == 6)
            big[i] = '\n';
    r = norm_opt(big, n, NULL);
    assert_true(r->len > 0);
    lw_normalized_free(r);
    free(big);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tone_style),       cmocka_unit_test(test_fix_marks),
        cmocka_unit_test(test_words_in_text),    cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_nfc_differential), cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_lookalikes),       cmocka_unit_test(test_unwrap_basic),
        cmocka_unit_test(test_unwrap_wrapped),   cmocka_unit_test(test_header_block),
        cmocka_unit_test(test_headings),         cmocka_unit_test(test_dehyphenate),
        cmocka_unit_test(test_artefacts),        cmocka_unit_test(test_edge_inputs),
        cmocka_unit_test(test_map_rules),        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_invariance),       cmocka_unit_test(test_idempotence),
        cmocka_unit_test(test_random_documents), cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
