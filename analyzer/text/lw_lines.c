/* lw_lines: classification of one line for the lines pass (see lw_lines.h, and the lines pass
 * in lw_norm.c's overview). */
#include "lw_lines.h"

#include <string.h>

#include "lw_syllable.h"
#include "lw_utf8.h"

static int has_prefix(const char *p, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n >= k && !memcmp(p, pre, k);
}

static const char *mem_find(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k > n)
        return NULL;
    for (size_t i = 0; i + k <= n; i++)
        if (p[i] == needle[0] && !memcmp(p + i, needle, k))
            return p + i;
    return NULL;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_bullet(int32_t c)
{
    switch (c) {
    case '-':
    case '+':
    case '*':
    case 0x2022:
    case 0x2013:
    case 0x2014:
    case 0xF0B7:
    case 0xB7:
    case 0x25CF:
    case 0x25AA:
    case 0x25BA:
    case 0x2756:
    case 0x27A2:
    case 0x2713:
    case 0x25E6:
    case 0x2192:
    case 0x25A0:
    case 0x25A1:
    case 0xF0A7:
    case 0xF0D8:
        return 1;
    default:
        return 0;
    }
}

static int is_roman(int c)
{
    return c == 'I' || c == 'V' || c == 'X' || c == 'L' || c == 'C';
}

/* List and section markers: "1.", "2.1.", "2.1 ", "1)", "1 - ", "(1)", "a)", "I.", "A.",
 * bullets, "Điều 5.", "Chương II", "Mục 1.", "Phần I". *lower: a bullet then lower case. */
static int list_start(const char *p, size_t n, int *lower)
{
    const unsigned char *s = (const unsigned char *)p;
    int32_t c;
    int l = lw_utf8_dec((const char *)s, n, &c);
    *lower = 0;
    if (is_bullet(c)) {
        size_t k = (size_t)l;
        while (k < n && s[k] == ' ')
            k++;
        if (k == n)
            return 0;
        int32_t x;
        lw_utf8_dec((const char *)s + k, n - k, &x);
        if (is_bullet(x) || x == '=' || x == '_')
            return 0;
        if (c == '-' && k == 1 && is_digit(x)) /* "-2-", "-5%" */
            return 0;
        *lower = lw_letter_case(x) < 0;
        return 1;
    }
    if (is_digit(s[0])) {
        size_t k = 0;
        while (k < n && is_digit(s[k]))
            k++;
        if (k > 3)
            return 0;
        int comps = 1;
        while (k + 1 < n && s[k] == '.' && is_digit(s[k + 1])) {
            size_t d = k + 1;
            while (d < n && is_digit(s[d]))
                d++;
            if (d - k - 1 > 2)
                return 0;
            k = d;
            comps++;
        }
        if (k < n && (s[k] == '.' || s[k] == ')')) {
            k++;
            if (k == n || s[k] == ' ')
                return 1;
            int32_t x;
            lw_utf8_dec((const char *)s + k, n - k, &x);
            return lw_is_letter(x);
        }
        if (k < n && s[k] == ' ' && comps >= 2)
            return 1;
        if (k + 2 < n && s[k] == ' ' &&
            (has_prefix(p + k + 1, n - k - 1, "- ") ||
             has_prefix(p + k + 1, n - k - 1, "\xE2\x80\x93 ")))
            return 1;
        return 0;
    }
    if (s[0] == '(' && n >= 3) {
        size_t k = 1;
        while (k < n && k < 3 && is_digit(s[k]))
            k++;
        if (k > 1 && k < n && s[k] == ')')
            return 1;
        if (((s[1] >= 'a' && s[1] <= 'z') || (s[1] >= 'A' && s[1] <= 'Z')) && s[2] == ')')
            return 1;
        return 0;
    }
    if (n >= 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] == ')')
        return 1;
    if (n >= 3 && has_prefix(p, n, "\xC4\x91)")) /* đ) */
        return 1;
    if (is_roman(s[0])) {
        size_t k = 0;
        while (k < n && k < 7 && is_roman(s[k]))
            k++;
        if (k < n && s[k] == '.' && (k + 1 == n || s[k + 1] == ' '))
            return 1;
    }
    if (n >= 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] == '.' && s[2] == ' ')
        return 1;
    if (n >= 4 && has_prefix(p, n, "\xC4\x90.") && s[3] == ' ') /* Đ. */
        return 1;
    static const char *const words[] = {"Điều ",   "Chương ", "Mục ",  "Phần ", "ĐIỀU ",
                                        "CHƯƠNG ", "MỤC ",    "PHẦN ", NULL};
    for (int w = 0; words[w]; w++) {
        if (!has_prefix(p, n, words[w]))
            continue;
        size_t k = strlen(words[w]), d = k;
        while (d < n && (is_digit(s[d]) || is_roman(s[d])))
            d++;
        if (d == k || d - k > 6)
            return 0;
        if (d == n || s[d] == '.' || s[d] == ':')
            return 1;
        if (s[d] == ' ' && (w % 4) != 0) { /* "Chương II NHỮNG QUY ĐỊNH CHUNG" */
            int32_t x;
            if (d + 1 < n) {
                lw_utf8_dec((const char *)s + d + 1, n - d - 1, &x);
                return lw_letter_case(x) > 0;
            }
        }
        return 0;
    }
    return 0;
}

static const char *const function_words[] = {
    "và",  "của",   "các",   "những", "với",  "cho",  "theo", "tại",  "trong", "về",   "để",
    "từ",  "số",    "là",    "có",    "được", "bị",   "hoặc", "hay",  "nhưng", "mà",   "thì",
    "như", "ngày",  "tháng", "bằng",  "do",   "bởi",  "vào",  "trên", "dưới",  "giữa", "khi",
    "nếu", "thuộc", "cùng",  "đã",    "sẽ",   "đang", "phải", "cần",  "nhằm",  "mọi",  "một",
    "đối", "qua",   "tới",   "vì",    "nên",  "rằng", NULL};

/* A date line of the header: "Hà Nội, ngày 17 tháng 04 năm 2015". */
static int date_line(const char *p, size_t n)
{
    if (n > 110)
        return 0;
    const char *d = mem_find(p, n < 70 ? n : 70, ", ngày ");
    if (!d)
        d = has_prefix(p, n, "ngày ") ? p : NULL;
    if (!d)
        return 0;
    const char *e = p + n;
    const char *th = mem_find(d, (size_t)(e - d), " tháng ");
    if (!th)
        return 0;
    const char *nm = mem_find(th, (size_t)(e - th), " năm ");
    if (!nm)
        return 0;
    const char *q = nm + strlen(" năm ");
    while (q < e && (is_digit((unsigned char)*q) || *q == ' '))
        q++;
    return e - q <= 3;
}

static int header_line(const char *p, size_t n, int zone, int *subject, int *date)
{
    const unsigned char *s = (const unsigned char *)p;
    static const char *const pre[] = {"Số:",      "Số :",     "SỐ:",      "Kính gửi",
                                      "Kính gởi", "Kinh gửi", "KÍNH GỬI", "Nơi nhận",
                                      "Noi nhận", "Nơi nhân", "NƠI NHẬN", "KT.",
                                      "TM.",      "TL.",      "TUQ.",     NULL};
    *subject = 0;
    *date = 0;
    if (has_prefix(p, n, "V/v") || has_prefix(p, n, "V/V") || has_prefix(p, n, "v/v") ||
        (zone && (has_prefix(p, n, "Về việc") || has_prefix(p, n, "V/việc")))) {
        *subject = 1;
        return 1;
    }
    for (int i = 0; pre[i]; i++)
        if (has_prefix(p, n, pre[i]))
            return 1;
    if (zone && has_prefix(p, n, "Số ") && n > 4 && is_digit(s[4]))
        return 1;
    if (n < 120 && mem_find(p, n, "Độc lập") && mem_find(p, n, "Hạnh phúc"))
        return 1;
    *date = date_line(p, n);
    return *date;
}

static int page_number_sure(const char *p, size_t n, unsigned *v)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t k = 0;
    if (has_prefix(p, n, "Trang ") || has_prefix(p, n, "TRANG ") || has_prefix(p, n, "Page "))
        k = s[0] == 'P' ? 5 : 6;
    else if (s[0] == '-' || has_prefix(p, n, "\xE2\x80\x93"))
        k = s[0] == '-' ? 1 : 3;
    else
        return 0;
    int dashed = k <= 3;
    while (k < n && s[k] == ' ')
        k++;
    size_t d = k;
    unsigned val = 0;
    while (d < n && is_digit(s[d]) && d - k < 4)
        val = val * 10 + (unsigned)(s[d++] - '0');
    if (d == k || (d < n && is_digit(s[d])))
        return 0;
    while (d < n && s[d] == ' ')
        d++;
    if (dashed) {
        if (d < n && s[d] == '-')
            d++;
        else if (has_prefix(p + d, n - d, "\xE2\x80\x93"))
            d += 3;
        else
            return 0;
    } else if (d < n && s[d] == '/') {
        d++;
        while (d < n && s[d] == ' ')
            d++;
        size_t e = d;
        while (e < n && is_digit(s[e]))
            e++;
        if (e == d)
            return 0;
        d = e;
    }
    if (d != n)
        return 0;
    *v = val;
    return 1;
}

void lw_line_classify(const char *t, lw_line *L, int zone)
{
    const char *p = t + L->a;
    size_t n = L->b - L->a;
    const unsigned char *s = (const unsigned char *)p;
    uint32_t f = 0;
    unsigned up = 0, lo = 0, digits = 0, nch = 0, w1 = 0;
    int inword1 = 1;
    for (size_t i = 0; i < n;) {
        int32_t c;
        int l = lw_utf8_dec((const char *)s + i, n - i, &c);
        int lc = lw_letter_case(c);
        if (lc > 0)
            up++;
        else if (lc < 0)
            lo++;
        else if (c >= '0' && c <= '9')
            digits++;
        else if (c >= 0x80 && lw_is_letter(c))
            up++; /* caseless letters count as letters */
        if (c == ' ')
            inword1 = 0;
        if (inword1)
            w1++;
        if (c != ' ' || s[i - 1] != ' ') /* as the output will have it: space runs collapsed */
            nch++;
        i += (size_t)l;
    }
    L->nch = (uint16_t)(nch > 65535 ? 65535 : nch);
    L->w1 = (uint16_t)(w1 > 65535 ? 65535 : w1);
    if (up + lo)
        f |= LW_LF_HASLETTER;
    if (!up && !lo && !digits)
        f |= LW_LF_NOALNUM;
    int32_t c0;
    size_t k0 = (size_t)lw_utf8_dec((const char *)s, n, &c0);
    while (k0 < n && (c0 == '(' || c0 == '[' || c0 == '"' || c0 == 0x201C || c0 == 0x2018))
        k0 += (size_t)lw_utf8_dec((const char *)s + k0, n - k0, &c0); /* "(báo cáo);" continues a line */
    int lc0 = lw_letter_case(c0);
    if (lc0 < 0)
        f |= LW_LF_FIRST_LOWER;
    else if (lc0 > 0)
        f |= LW_LF_FIRST_UPPER;
    else if (is_digit(c0))
        f |= LW_LF_FIRST_DIGIT;
    int lower = 0;
    if (list_start(p, n, &lower)) {
        f |= LW_LF_LIST;
        if (lower)
            f |= LW_LF_LIST_LOWER;
        if (c0 == 0x2013 || c0 == 0x2014)
            f |= LW_LF_LIST_DASH;
    }
    if (c0 == '/')
        f |= LW_LF_FIRST_SLASH;
    if (lc0 > 0 && k0 < n) { /* a capitalized word: upper case then lower case */
        int32_t c1;
        lw_utf8_dec((const char *)s + k0, n - k0, &c1);
        if (lw_letter_case(c1) < 0)
            f |= LW_LF_FIRST_NAME;
    }
    if (lw_line_caps(up, lo, digits))
        f |= LW_LF_CAPS;
    int subject = 0, date = 0;
    if (header_line(p, n, zone, &subject, &date)) {
        f |= LW_LF_HEADER;
        if (subject)
            f |= LW_LF_SUBJECT;
        if (date)
            f |= LW_LF_DATE;
    }
    L->up = up;
    L->lo = lo;
    L->dg = digits;
    /* page numbers */
    unsigned v = 0;
    if (n <= 3 && digits == n) {
        for (size_t i = 0; i < n; i++)
            v = v * 10 + (unsigned)(s[i] - '0');
        f |= LW_LF_PN;
        L->pn = (uint16_t)v;
    } else if (n <= 20 && page_number_sure(p, n, &v)) {
        f |= LW_LF_PN_SURE;
        L->pn = (uint16_t)v;
    }
    /* the end of the line */
    size_t e = lw_utf8_prev(p, n);
    int32_t cl;
    lw_utf8_dec((const char *)s + e, n - e, &cl);
    int32_t cend = cl;
    if ((cl == ')' || cl == 0x201D || cl == '"' || cl == 0x2019) && e > 0) {
        size_t e2 = lw_utf8_prev(p, e);
        lw_utf8_dec((const char *)s + e2, e - e2, &cend);
    }
    if (cl == '.' || cl == ';' || cl == ':' || cl == '!' || cl == '?' || cend == '.' ||
        cend == ';' || cend == '!' || cend == '?')
        f |= LW_LF_ENDSENT;
    if (cl == ',')
        f |= LW_LF_ENDJOIN;
    if (is_digit(cl) || lw_is_letter(cl))
        f |= LW_LF_END_ALNUM;
    if (cl == ';')
        f |= LW_LF_END_SEMI;
    if ((cl == '-' || cl == 0x2013 || cl == 0x2014) && e > 0) {
        size_t e2 = lw_utf8_prev(p, e);
        int32_t cb;
        lw_utf8_dec((const char *)s + e2, e - e2, &cb);
        if (cl == '-' && (is_digit(cb) || lw_is_letter(cb)))
            f |= LW_LF_END_HYPH;
        if (cb == ' ' || cl != '-')
            f |= LW_LF_END_SPDASH;
        else if (lw_letter_case(cb) > 0 || is_digit(cb))
            f |= LW_LF_END_SYMHYPH;
        else if (lw_letter_case(cb) < 0)
            f |= LW_LF_END_LETHYPH;
    }
    if (cl == '/' && e > 0) {
        size_t e2 = lw_utf8_prev(p, e);
        int32_t cb;
        lw_utf8_dec((const char *)s + e2, e - e2, &cb);
        if (is_digit(cb) || lw_is_letter(cb))
            f |= LW_LF_END_SLASH;
    }
    if (!(f & (LW_LF_ENDSENT | LW_LF_ENDJOIN))) {
        size_t ws = n;
        while (ws > 0 && s[ws - 1] != ' ')
            ws--;
        char low[LW_LINES_WORD_BYTES];
        size_t wl = 0;
        if (n - ws < sizeof low - 4) {
            for (size_t i = ws; i < n;) {
                int32_t c;
                int l = lw_utf8_dec((const char *)s + i, n - i, &c);
                if (c < 0)
                    low[wl++] = p[i]; /* a byte that is no UTF-8 stays as it is */
                else
                    wl += (size_t)lw_utf8_enc(lw_vn_lower(c), low + wl);
                i += (size_t)l;
            }
        }
        for (int i = 0; wl && function_words[i]; i++)
            if (wl == strlen(function_words[i]) && !memcmp(low, function_words[i], wl)) {
                if (!memcmp(p + ws, low, wl))
                    f |= LW_LF_ENDJOIN;
                else
                    f |= LW_LF_ENDJOIN_UP;
                break;
            }
        if (wl == 4 && !memcmp(p + ws, "năm", 4))
            f |= LW_LF_END_NAM;
        int32_t w0, w1c;
        if (ws < n) {
            int l0 = lw_utf8_dec((const char *)s + ws, n - ws, &w0);
            if (ws + (size_t)l0 < n) {
                lw_utf8_dec((const char *)s + ws + l0, n - ws - (size_t)l0, &w1c);
                if (lw_letter_case(w0) > 0 && lw_letter_case(w1c) < 0)
                    f |= LW_LF_END_NAME;
            }
        }
    }
    if (f & (LW_LF_END_SPDASH | LW_LF_ENDJOIN))
        f |= LW_LF_ENDJOIN_UP;
    L->flags = f;
}
