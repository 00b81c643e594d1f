/* lw_decode: bytes to UTF-8 with a map back to the input.
 *
 * Order of work in lw_decode:
 *   1. refuse known binary formats by their magic (PDF, ZIP/DOCX, OLE2 .doc, images, gzip);
 *   2. BOMs (UTF-8, UTF-16 LE/BE); UTF-16 without BOM only when the zero bytes clearly say so;
 *   3. NUL bytes anywhere else: not a text file;
 *   4. valid UTF-8 (pure ASCII included) is UTF-8; mostly valid UTF-8 is UTF-8 with U+FFFD;
 *   5. otherwise each legacy decoding (TCVN3, VNI, Windows-1258, and UTF-8 with U+FFFD when
 *      some of the input is valid multibyte UTF-8) decodes a sample, the sample is scored by
 *      how Vietnamese it looks (lw_encscore_text), and the best wins.
 *
 * The Unicode side of the legacy encodings comes from the libraries: ICU's windows-1258 and
 * windows-1252 converters and glibc iconv's TCVN5712-1 converter fill 256-entry tables once
 * (each byte converted on its own), and ICU's NFC data composes a base letter with the
 * combining marks that follow it. Decoding through a byte table keeps the map exact and the
 * work linear. Only VNI has a table of our own (vni_spec below). */
#include "lw_decode.h"

#include <iconv.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "lw_encscore.h"
#include "lw_msg.h"
#include "lw_utf8.h"

#define NOCP 0xFFFFFFFFu      /* byte without a mapping in a table */
#define REPL 0xFFFDu          /* U+FFFD REPLACEMENT CHARACTER */
#define SAMPLE_BYTES (256u * 1024u) /* how much of the input detection scores */
#define UTF16_SNIFF_BYTES 65536u    /* how much of the input the UTF-16 zero-byte count reads */
#define SAMPLE_LEAD_BYTES 4096u     /* ASCII kept before the first non-ASCII byte in the sample,
                                      so that its words score too */

/* ------------------------------------------------------------------------------------------
 * Names */

static const char *const enc_names[] = {
    [LW_ENC_AUTO] = "auto",          [LW_ENC_UTF8] = "utf-8",
    [LW_ENC_UTF16LE] = "utf-16le",   [LW_ENC_UTF16BE] = "utf-16be",
    [LW_ENC_CP1258] = "windows-1258", [LW_ENC_TCVN3] = "tcvn3",
    [LW_ENC_VNI] = "vni",
};

const char *lw_encoding_name(lw_encoding e)
{
    if ((size_t)e < sizeof enc_names / sizeof enc_names[0])
        return enc_names[e];
    return "unknown";
}

static const struct {
    const char *alias;
    lw_encoding enc;
} enc_aliases[] = {
    {"auto", LW_ENC_AUTO},
    {"utf-8", LW_ENC_UTF8},          {"utf8", LW_ENC_UTF8},
    {"utf-16le", LW_ENC_UTF16LE},    {"utf16le", LW_ENC_UTF16LE},
    {"utf-16be", LW_ENC_UTF16BE},    {"utf16be", LW_ENC_UTF16BE},
    {"windows-1258", LW_ENC_CP1258}, {"windows1258", LW_ENC_CP1258},
    {"cp1258", LW_ENC_CP1258},       {"cp-1258", LW_ENC_CP1258},
    {"win1258", LW_ENC_CP1258},      {"win-1258", LW_ENC_CP1258},
    {"tcvn3", LW_ENC_TCVN3},         {"tcvn", LW_ENC_TCVN3},
    {"tcvn5712", LW_ENC_TCVN3},      {"tcvn5712-1", LW_ENC_TCVN3},
    {"tcvn-5712", LW_ENC_TCVN3},     {"tcvn5712-1:1993", LW_ENC_TCVN3},
    {"abc", LW_ENC_TCVN3},
    {"vni", LW_ENC_VNI},             {"vni-windows", LW_ENC_VNI},
    {"vni-win", LW_ENC_VNI},         {"vniwindows", LW_ENC_VNI},
};

int lw_encoding_parse(const char *name, lw_encoding *out)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof enc_aliases / sizeof enc_aliases[0]; i++) {
        if (strcasecmp(name, enc_aliases[i].alias) == 0) {
            if (out)
                *out = enc_aliases[i].enc;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------------------------------
 * Byte tables, built once from the libraries. Read-only after pthread_once, so threads may
 * decode at the same time. A table that could not be built (converter missing) is marked
 * unavailable: forcing that encoding fails with LW_ERR_ENCODING, detection skips it. */

static uint32_t tbl_cp1258[256], tbl_tcvn[256], tbl_cp1252[256];
static bool have_cp1258, have_tcvn, have_cp1252;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static bool icu_table(const char *name, uint32_t *tbl)
{
    UErrorCode e = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(name, &e);
    if (U_FAILURE(e))
        return false;
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &e);
    for (int b = 0; b < 256; b++) {
        char in = (char)b;
        UChar u[4];
        e = U_ZERO_ERROR;
        ucnv_reset(cnv);
        int32_t k = ucnv_toUChars(cnv, u, 4, &in, 1, &e);
        tbl[b] = (U_SUCCESS(e) && k == 1 && !U16_IS_SURROGATE(u[0])) ? u[0] : NOCP;
    }
    ucnv_close(cnv);
    return true;
}

static bool iconv_table(const char *name, uint32_t *tbl)
{
    iconv_t cd = iconv_open("UTF-32LE", name);
    if (cd == (iconv_t)-1)
        return false;
    for (int b = 0; b < 256; b++) {
        char in = (char)b, outbuf[16];
        char *ip = &in, *op = outbuf;
        size_t il = 1, ol = sizeof outbuf;
        iconv(cd, NULL, NULL, NULL, NULL);
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        if (r != (size_t)-1)
            r = iconv(cd, NULL, NULL, &op, &ol); /* flush a base letter held for composing */
        const unsigned char *o = (const unsigned char *)outbuf;
        if (r == (size_t)-1 || op - outbuf != 4)
            tbl[b] = NOCP;
        else
            tbl[b] = (uint32_t)o[0] | (uint32_t)o[1] << 8 | (uint32_t)o[2] << 16 |
                     (uint32_t)o[3] << 24;
    }
    iconv_close(cd);
    return true;
}

static void build_tables(void)
{
    have_cp1258 = icu_table("windows-1258", tbl_cp1258);
    have_cp1252 = icu_table("windows-1252", tbl_cp1252);
    /* glibc's TCVN5712-1 is TCVN 5712:1993 VN1, a superset of the VN3 subset the ".Vn"
     * fonts use: the extra upper-case letters sit in C0 and 0x80-0x9F. Keep the controls a
     * text file really has (TAB, LF, VT, FF, CR) as themselves. */
    have_tcvn = iconv_table("TCVN5712-1", tbl_tcvn);
}

/* ------------------------------------------------------------------------------------------
 * Output sink: UTF-8 text, the parallel map, the invalid-offset list. */

typedef struct {
    char *t;
    uint32_t *m;   /* NULL when the caller does not want a map (detection samples) */
    size_t len, cap;
    bool want_map;
    size_t *inv;
    size_t n_inv, cap_inv;
    bool nomem;
} sink;

static bool sink_init(sink *s, size_t hint, bool want_map)
{
    memset(s, 0, sizeof *s);
    s->want_map = want_map;
    s->cap = hint < 16 ? 16 : hint;
    s->t = malloc(s->cap + 1);
    if (want_map)
        s->m = malloc((s->cap + 1) * sizeof *s->m);
    if (!s->t || (want_map && !s->m)) {
        free(s->t);
        free(s->m);
        s->t = NULL;
        s->m = NULL;
        s->nomem = true;
        return false;
    }
    return true;
}

static void sink_free(sink *s)
{
    free(s->t);
    free(s->m);
    free(s->inv);
    memset(s, 0, sizeof *s);
}

/* Room for extra more bytes (and one for the NUL / map[len]). */
static bool sink_reserve(sink *s, size_t extra)
{
    if (s->nomem)
        return false;
    if (s->len + extra <= s->cap)
        return true;
    size_t cap = s->cap;
    while (cap < s->len + extra) {
        if (cap > SIZE_MAX / 8) {
            s->nomem = true;
            return false;
        }
        cap *= 2;
    }
    char *t = realloc(s->t, cap + 1);
    if (!t) {
        s->nomem = true;
        return false;
    }
    s->t = t;
    if (s->want_map) {
        uint32_t *m = realloc(s->m, (cap + 1) * sizeof *m);
        if (!m) {
            s->nomem = true;
            return false;
        }
        s->m = m;
    }
    s->cap = cap;
    return true;
}

static inline void sink_cp(sink *s, uint32_t cp, size_t off)
{
    if (!sink_reserve(s, 4))
        return;
    size_t k = (size_t)lw_utf8_enc((int32_t)cp, s->t + s->len);
    if (s->want_map)
        for (size_t i = 0; i < k; i++)
            s->m[s->len + i] = (uint32_t)off;
    s->len += k;
}

/* Copies k input bytes that are already UTF-8; each maps to its own offset. */
static inline void sink_copy(sink *s, const unsigned char *p, size_t k, size_t off)
{
    if (!sink_reserve(s, k))
        return;
    memcpy(s->t + s->len, p, k);
    if (s->want_map)
        for (size_t i = 0; i < k; i++)
            s->m[s->len + i] = (uint32_t)(off + i);
    s->len += k;
}

/* U+FFFD for the invalid input byte (or code unit) at off, recorded in the invalid list. */
static void sink_invalid(sink *s, size_t off)
{
    if (s->nomem)
        return;
    if (s->n_inv == s->cap_inv) {
        size_t cap = s->cap_inv ? s->cap_inv * 2 : 16;
        size_t *p = realloc(s->inv, cap * sizeof *p);
        if (!p) {
            s->nomem = true;
            return;
        }
        s->inv = p;
        s->cap_inv = cap;
    }
    s->inv[s->n_inv++] = off;
    sink_cp(s, REPL, off);
}

/* ------------------------------------------------------------------------------------------
 * Composition of a base letter with a following combining mark, by ICU's NFC data. */

static const UNormalizer2 *nfc_instance(void)
{
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFCInstance(&e);
    return U_SUCCESS(e) ? n : NULL;
}

static inline bool is_comb_mark(uint32_t cp) { return cp >= 0x300 && cp <= 0x36F; }

/* The single code point NFC makes of a + b, or -1. composePair handles the common case; a
 * mark that NFC would reorder (ô + U+0323 → ộ, whose decomposition is ọ + U+0302) goes
 * through a full normalization of the pair. */
static int32_t compose2(const UNormalizer2 *nfc, uint32_t a, uint32_t b)
{
    if (!nfc)
        return -1;
    UChar32 c = unorm2_composePair(nfc, (UChar32)a, (UChar32)b);
    if (c >= 0)
        return c;
    UChar in[4], out[8];
    int32_t k = 0;
    U16_APPEND_UNSAFE(in, k, a);
    U16_APPEND_UNSAFE(in, k, b);
    UErrorCode e = U_ZERO_ERROR;
    int32_t m = unorm2_normalize(nfc, in, k, out, 8, &e);
    if (U_FAILURE(e) || m <= 0)
        return -1;
    int32_t j = 0;
    UChar32 r;
    U16_NEXT(out, j, m, r);
    return j == m ? r : -1;
}

/* compose2 with a small direct-mapped cache: a document uses few letter + mark pairs, and
 * the normalization fallback is slow next to a table lookup. Lives on the decoder's stack. */
typedef struct {
    const UNormalizer2 *nfc;
    struct {
        uint32_t a, b;
        int32_t r;
    } e[512];
} composer;

static void composer_init(composer *c)
{
    memset(c, 0, sizeof *c); /* b == 0 never matches: b is always a combining mark */
    c->nfc = nfc_instance();
}

static int32_t compose(composer *c, uint32_t a, uint32_t b)
{
    size_t h = (a * 31u + b) & 511u;
    if (c->e[h].a == a && c->e[h].b == b)
        return c->e[h].r;
    int32_t r = compose2(c->nfc, a, b);
    c->e[h].a = a;
    c->e[h].b = b;
    c->e[h].r = r;
    return r;
}

/* Emits code points from a byte table, composing a combining mark onto the letter before
 * it when NFC can. A composed letter maps to its base letter's byte; a mark that does not
 * compose keeps its own byte. */
typedef struct {
    size_t start;  /* output offset of the last starter, SIZE_MAX when none */
    uint32_t cp;
    size_t off;
} prev_letter;

static void emit_composing(sink *s, composer *nfc, prev_letter *pv, uint32_t cp,
                           size_t off)
{
    if (is_comb_mark(cp) && pv->start != SIZE_MAX) {
        int32_t c = compose(nfc, pv->cp, cp);
        if (c >= 0) {
            s->len = pv->start;
            pv->cp = (uint32_t)c;
            sink_cp(s, (uint32_t)c, pv->off);
            return;
        }
    }
    if (is_comb_mark(cp) || cp == REPL) {
        pv->start = SIZE_MAX;
    } else {
        pv->start = s->len;
        pv->cp = cp;
        pv->off = off;
    }
    sink_cp(s, cp, off);
}

static void decode_table(const unsigned char *p, size_t n, size_t base, const uint32_t *tbl,
                         sink *s)
{
    composer cmp;
    composer_init(&cmp);
    composer *nfc = &cmp;
    prev_letter pv = {SIZE_MAX, 0, 0};
    for (size_t i = 0; i < n && !s->nomem; i++) {
        unsigned char b = p[i];
        uint32_t cp = b;
        if (b >= 0x80 || (b < 0x20 && b != '\t' && b != '\n' && b != '\v' && b != '\f' &&
                          b != '\r'))
            cp = tbl[b];
        if (cp == NOCP) {
            sink_invalid(s, base + i);
            pv.start = SIZE_MAX;
            continue;
        }
        emit_composing(s, nfc, &pv, cp, base + i);
    }
}

/* ------------------------------------------------------------------------------------------
 * VNI-Windows. Source of the byte assignments: the VNI table of xvnkb (vni.h, Dao Hai Lam,
 * VISC 2002, GPL), which spells every Vietnamese letter as an ASCII base letter followed by
 * mark bytes at Windows-1252 positions: for "a" the tones are aù aø aû aõ aï (sắc, huyền,
 * hỏi, ngã, nặng), "aâ" is â and "aá aà aå aã aä" carry a tone too, "aê" is ă with
 * "aé aè aú aü aë"; ơ is the single byte ô, ư is ö, đ is ñ; the i-letters are single bytes
 * í ì æ ó ò, and ỵ is î. Upper-case bytes are the lower-case ones minus 0x20 (Ù for ù...).
 * Bytes VNI does not use keep their Windows-1252 meaning (the fonts are Windows fonts).
 * tests/data/decode/vni.tsv spells the same table letter by letter for the tests. */

enum { VNI_NONE, VNI_TONE, VNI_CIRC, VNI_BREVE, VNI_LETTER };

typedef struct {
    unsigned char byte;  /* the lower-case byte; upper case is byte - 0x20 */
    unsigned char kind;
    char base;           /* VNI_LETTER: lower-case ASCII base, or 'D' for đ */
    uint16_t shape;      /* VNI_LETTER: LW_MARK_HORN or 0 */
    uint16_t tone;
} vni_entry;

static const vni_entry vni_spec[] = {
    {0xF9, VNI_TONE, 0, 0, LW_TONE_ACUTE},   {0xF8, VNI_TONE, 0, 0, LW_TONE_GRAVE},
    {0xFB, VNI_TONE, 0, 0, LW_TONE_HOOK},    {0xF5, VNI_TONE, 0, 0, LW_TONE_TILDE},
    {0xEF, VNI_TONE, 0, 0, LW_TONE_DOT},
    {0xE2, VNI_CIRC, 0, 0, LW_TONE_NONE},    {0xE1, VNI_CIRC, 0, 0, LW_TONE_ACUTE},
    {0xE0, VNI_CIRC, 0, 0, LW_TONE_GRAVE},   {0xE5, VNI_CIRC, 0, 0, LW_TONE_HOOK},
    {0xE3, VNI_CIRC, 0, 0, LW_TONE_TILDE},   {0xE4, VNI_CIRC, 0, 0, LW_TONE_DOT},
    {0xEA, VNI_BREVE, 0, 0, LW_TONE_NONE},   {0xE9, VNI_BREVE, 0, 0, LW_TONE_ACUTE},
    {0xE8, VNI_BREVE, 0, 0, LW_TONE_GRAVE},  {0xFA, VNI_BREVE, 0, 0, LW_TONE_HOOK},
    {0xFC, VNI_BREVE, 0, 0, LW_TONE_TILDE},  {0xEB, VNI_BREVE, 0, 0, LW_TONE_DOT},
    {0xED, VNI_LETTER, 'i', 0, LW_TONE_ACUTE}, {0xEC, VNI_LETTER, 'i', 0, LW_TONE_GRAVE},
    {0xE6, VNI_LETTER, 'i', 0, LW_TONE_HOOK},  {0xF3, VNI_LETTER, 'i', 0, LW_TONE_TILDE},
    {0xF2, VNI_LETTER, 'i', 0, LW_TONE_DOT},   {0xEE, VNI_LETTER, 'y', 0, LW_TONE_DOT},
    {0xF4, VNI_LETTER, 'o', LW_MARK_HORN, LW_TONE_NONE}, {0xF6, VNI_LETTER, 'u', LW_MARK_HORN, LW_TONE_NONE},
    {0xF1, VNI_LETTER, 'D', 0, LW_TONE_NONE},
};

typedef struct {
    unsigned char kind, upper;
    char base;
    uint16_t shape, tone;
} vni_role;

static void vni_roles(vni_role *r)
{
    memset(r, 0, 256 * sizeof *r);
    for (size_t i = 0; i < sizeof vni_spec / sizeof vni_spec[0]; i++) {
        const vni_entry *e = &vni_spec[i];
        for (int up = 0; up < 2; up++) {
            vni_role *x = &r[up ? e->byte - 0x20 : e->byte];
            x->kind = e->kind;
            x->upper = (unsigned char)up;
            x->base = e->base;
            x->shape = e->shape;
            x->tone = e->tone;
        }
    }
}

/* Emits base + marks as one letter where NFC composes them (marks in the order given). */
static void emit_letter(sink *s, composer *nfc, uint32_t base, const uint32_t *marks,
                        size_t k, size_t off)
{
    uint32_t cp = base;
    size_t i = 0;
    for (; i < k; i++) {
        int32_t c = compose(nfc, cp, marks[i]);
        if (c < 0)
            break;
        cp = (uint32_t)c;
    }
    sink_cp(s, cp, off);
    for (; i < k; i++)
        sink_cp(s, marks[i], off);
}

static inline bool ascii_vowel(unsigned char b)
{
    switch (b | 0x20) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
        return true;
    default:
        return false;
    }
}

static void decode_vni(const unsigned char *p, size_t n, size_t base, sink *s)
{
    composer cmp;
    composer_init(&cmp);
    composer *nfc = &cmp;
    vni_role role[256];
    vni_roles(role);
    size_t i = 0;
    while (i < n && !s->nomem) {
        unsigned char b = p[i];
        const vni_role *r = &role[b];
        uint32_t marks[3];
        size_t k = 0;
        uint32_t cp;
        bool takes_marks = false;
        char lower_base = 0;
        if (b < 0x80) {
            cp = b;
            if (ascii_vowel(b)) {
                takes_marks = true;
                lower_base = (char)(b | 0x20);
            }
        } else if (r->kind == VNI_LETTER) {
            if (r->base == 'D') {
                sink_cp(s, r->upper ? 0x110 : 0x111, base + i);
                i++;
                continue;
            }
            cp = r->upper ? (uint32_t)(r->base - 0x20) : (uint32_t)r->base;
            if (r->shape)
                marks[k++] = r->shape;
            if (r->tone)
                marks[k++] = r->tone;
            takes_marks = (r->tone == LW_TONE_NONE); /* ơ and ư still take a tone byte */
        } else if (r->kind != VNI_NONE) {
            /* a mark byte with no letter before it: the combining marks it stands for */
            if (r->kind == VNI_CIRC)
                sink_cp(s, LW_MARK_CIRC, base + i);
            else if (r->kind == VNI_BREVE)
                sink_cp(s, LW_MARK_BREVE, base + i);
            if (r->tone)
                sink_cp(s, r->tone, base + i);
            i++;
            continue;
        } else {
            cp = tbl_cp1252[b];
            if (!have_cp1252 || cp == NOCP) {
                sink_invalid(s, base + i);
                i++;
                continue;
            }
            sink_cp(s, cp, base + i);
            i++;
            continue;
        }
        size_t j = i + 1;
        if (takes_marks) {
            bool toned = false;
            if (j < n) {
                const vni_role *m = &role[p[j]];
                if ((m->kind == VNI_CIRC && k == 0 &&
                     (lower_base == 'a' || lower_base == 'e' || lower_base == 'o')) ||
                    (m->kind == VNI_BREVE && k == 0 && lower_base == 'a')) {
                    marks[k++] = m->kind == VNI_CIRC ? LW_MARK_CIRC : LW_MARK_BREVE;
                    if (m->tone) {
                        marks[k++] = m->tone;
                        toned = true;
                    }
                    j++;
                }
            }
            if (!toned && j < n && role[p[j]].kind == VNI_TONE) {
                marks[k++] = role[p[j]].tone;
                j++;
            }
        }
        emit_letter(s, nfc, cp, marks, k, base + i);
        i = j;
    }
}

/* ------------------------------------------------------------------------------------------
 * UTF-8 and UTF-16 */

/* Counts well-formed multibyte sequences and invalid bytes. */
static void utf8_scan(const unsigned char *p, size_t n, size_t *multi, size_t *invalid)
{
    size_t i = 0, m = 0, bad = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = lw_utf8_seq((const char *)p + i, n - i);
        if (k) {
            m++;
            i += k;
        } else {
            bad++;
            i++;
        }
    }
    *multi = m;
    *invalid = bad;
}

/* One U+FFFD for every byte that is not part of a well-formed sequence (so n_invalid equals
 * the number of U+FFFD added, and each points at its byte). */
static void decode_utf8(const unsigned char *p, size_t n, size_t base, sink *s)
{
    size_t i = 0;
    while (i < n && !s->nomem) {
        size_t run = i;
        while (run < n && p[run] < 0x80)
            run++;
        if (run > i) {
            sink_copy(s, p + i, run - i, base + i);
            i = run;
            continue;
        }
        size_t k = lw_utf8_seq((const char *)p + i, n - i);
        if (k) {
            sink_copy(s, p + i, k, base + i);
            i += k;
        } else {
            sink_invalid(s, base + i);
            i++;
        }
    }
}

/* Offset of the first U+0000 code unit from start, or SIZE_MAX. */
static size_t utf16_nul(const unsigned char *p, size_t n, size_t start)
{
    for (size_t i = start; i + 1 < n; i += 2)
        if (p[i] == 0 && p[i + 1] == 0)
            return i;
    return SIZE_MAX;
}

/* Decodes from start; an unpaired surrogate or a lone last byte is one U+FFFD. */
static void decode_utf16(const unsigned char *p, size_t n, size_t start, bool be, sink *s)
{
    size_t i = start;
    while (i < n && !s->nomem) {
        if (i + 1 >= n) {
            sink_invalid(s, i);
            break;
        }
        uint32_t u = be ? (uint32_t)p[i] << 8 | p[i + 1] : (uint32_t)p[i + 1] << 8 | p[i];
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            uint32_t v = be ? (uint32_t)p[i + 2] << 8 | p[i + 3]
                            : (uint32_t)p[i + 3] << 8 | p[i + 2];
            if (v >= 0xDC00 && v <= 0xDFFF) {
                sink_cp(s, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00), i);
                i += 4;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
            sink_invalid(s, i);
        else
            sink_cp(s, u, i);
        i += 2;
    }
}

/* UTF-16 without a BOM, from the pattern of zero bytes in the first 64 KiB: ASCII-range
 * characters have a zero high byte, so one parity of positions holds many zeros and the
 * other almost none. Returns LW_ENC_UTF16LE/BE, or LW_ENC_AUTO when not clearly UTF-16. */
static lw_encoding sniff_utf16(const unsigned char *p, size_t n)
{
    if (n < 4 || n % 2)
        return LW_ENC_AUTO;
    size_t lim = n < UTF16_SNIFF_BYTES ? n : UTF16_SNIFF_BYTES, pairs = lim / 2, ze = 0, zo = 0;
    for (size_t i = 0; i + 1 < lim; i += 2) {
        if (p[i] == 0 && p[i + 1] == 0)
            return LW_ENC_AUTO;
        ze += p[i] == 0;
        zo += p[i + 1] == 0;
    }
    if (zo * 10 >= pairs * 3 && ze * 100 <= pairs)
        return LW_ENC_UTF16LE;
    if (ze * 10 >= pairs * 3 && zo * 100 <= pairs)
        return LW_ENC_UTF16BE;
    return LW_ENC_AUTO;
}

/* ------------------------------------------------------------------------------------------
 * Binary refusal */

static lw_status check_magic(const unsigned char *p, size_t n, const char *path, lw_error *err)
{
    static const struct {
        const char *magic;
        size_t len;
        lw_msg_id msg;
    } magics[] = {
        {"%PDF", 4, LW_MSG_BIN_PDF},
        {"PK\x03\x04", 4, LW_MSG_BIN_ZIP},
        {"PK\x05\x06", 4, LW_MSG_BIN_ZIP_EMPTY},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, LW_MSG_BIN_OLE},
        {"\x89PNG\r\n\x1A\n", 8, LW_MSG_BIN_PNG},
        {"\xFF\xD8\xFF", 3, LW_MSG_BIN_JPEG},
        {"GIF87a", 6, LW_MSG_BIN_GIF},
        {"GIF89a", 6, LW_MSG_BIN_GIF},
        {"II*\x00", 4, LW_MSG_BIN_TIFF},
        {"MM\x00*", 4, LW_MSG_BIN_TIFF},
        {"\x1F\x8B", 2, LW_MSG_BIN_GZIP},
    };
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (n >= magics[i].len && memcmp(p, magics[i].magic, magics[i].len) == 0)
            return lw_error_msg(err, LW_ERR_BINARY, path, 0, 0, magics[i].msg);
    return LW_OK;
}

static lw_status nul_error(size_t off, bool utf16, const char *path, lw_error *err)
{
    return lw_error_msg(err, LW_ERR_BINARY, path, 0, 0,
                        utf16 ? LW_MSG_BIN_NUL_CHARS : LW_MSG_BIN_NUL_BYTES, off);
}

/* ------------------------------------------------------------------------------------------
 * Driver */

static bool enc_available(lw_encoding e)
{
    switch (e) {
    case LW_ENC_CP1258: return have_cp1258;
    case LW_ENC_TCVN3: return have_tcvn;
    case LW_ENC_VNI: return have_cp1252;
    default: return true;
    }
}

/* Decodes p[start..n) as e (not AUTO) into s. */
static void run_decoder(lw_encoding e, const unsigned char *p, size_t n, size_t start, sink *s)
{
    switch (e) {
    case LW_ENC_UTF8: decode_utf8(p + start, n - start, start, s); break;
    case LW_ENC_UTF16LE: decode_utf16(p, n, start, false, s); break;
    case LW_ENC_UTF16BE: decode_utf16(p, n, start, true, s); break;
    case LW_ENC_CP1258: decode_table(p + start, n - start, start, tbl_cp1258, s); break;
    case LW_ENC_TCVN3: decode_table(p + start, n - start, start, tbl_tcvn, s); break;
    case LW_ENC_VNI: decode_vni(p + start, n - start, start, s); break;
    case LW_ENC_AUTO: break;
    }
}

/* Picks a legacy encoding (or UTF-8 with replacements) for input that is not valid UTF-8. */
static lw_encoding detect_legacy(const unsigned char *p, size_t n, size_t multi)
{
    size_t first = 0;
    while (first < n && p[first] < 0x80)
        first++;
    size_t start = first > SAMPLE_LEAD_BYTES ? first - SAMPLE_LEAD_BYTES : 0;
    while (start > 0 && start < first && p[start - 1] != '\n' && p[start - 1] != ' ')
        start++;
    size_t len = n - start < SAMPLE_BYTES ? n - start : SAMPLE_BYTES;
    /* In order of preference on a tie: the older government encodings first. */
    const lw_encoding cands[] = {LW_ENC_TCVN3, LW_ENC_VNI, LW_ENC_CP1258, LW_ENC_UTF8};
    lw_encoding best = LW_ENC_AUTO;
    long best_score = 0;
    for (size_t c = 0; c < sizeof cands / sizeof cands[0]; c++) {
        if (!enc_available(cands[c]) || (cands[c] == LW_ENC_UTF8 && multi == 0))
            continue;
        sink s;
        if (!sink_init(&s, len + len / 2 + 16, false))
            continue;
        run_decoder(cands[c], p + start, len, 0, &s);
        if (!s.nomem) {
            long sc = lw_encscore_text(s.t, s.len);
            if (best == LW_ENC_AUTO || sc > best_score) {
                best = cands[c];
                best_score = sc;
            }
        }
        sink_free(&s);
    }
    if (best == LW_ENC_AUTO) /* no converter at all: keep the bytes visible as U+FFFD */
        best = LW_ENC_UTF8;
    return best;
}

lw_status lw_decode(const unsigned char *bytes, size_t n, lw_encoding force, const char *path,
                    lw_decoded **out, lw_error *err)
{
    if (!out)
        return lw_error_msg(err, LW_ERR_USAGE, path, 0, 0, LW_MSG_API_NO_OUTPUT, "lw_decode");
    *out = NULL;
    if (!bytes && n)
        return lw_error_msg(err, LW_ERR_USAGE, path, 0, 0, LW_MSG_API_NO_INPUT, "lw_decode");
    if (n > UINT32_MAX)
        return lw_error_msg(err, LW_ERR_TOO_LARGE, path, 0, 0, LW_MSG_DECODE_TOO_LARGE);
    if ((size_t)force > LW_ENC_VNI)
        return lw_error_msg(err, LW_ERR_USAGE, path, 0, 0, LW_MSG_ENC_UNKNOWN, (int)force);
    pthread_once(&tables_once, build_tables);
    if (force != LW_ENC_AUTO && !enc_available(force))
        return lw_error_msg(err, LW_ERR_ENCODING, path, 0, 0, LW_MSG_ENC_UNAVAILABLE,
                            lw_encoding_name(force));

    lw_status st = check_magic(bytes, n, path, err);
    if (st != LW_OK)
        return st;

    static const unsigned char bom8[] = {0xEF, 0xBB, 0xBF};
    bool bom_le = n >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE;
    bool bom_be = n >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF;
    bool bom_u8 = n >= 3 && memcmp(bytes, bom8, 3) == 0;

    lw_encoding enc = force;
    size_t start = 0;
    if (enc == LW_ENC_AUTO) {
        if (bom_u8)
            enc = LW_ENC_UTF8;
        else if (bom_le)
            enc = LW_ENC_UTF16LE;
        else if (bom_be)
            enc = LW_ENC_UTF16BE;
        else if (n && memchr(bytes, 0, n))
            enc = sniff_utf16(bytes, n);
    }
    if ((enc == LW_ENC_UTF8 && bom_u8) || (enc == LW_ENC_UTF16LE && bom_le) ||
        (enc == LW_ENC_UTF16BE && bom_be))
        start = enc == LW_ENC_UTF8 ? 3 : 2;

    if (enc == LW_ENC_UTF16LE || enc == LW_ENC_UTF16BE) {
        size_t z = utf16_nul(bytes, n, start);
        if (z != SIZE_MAX)
            return nul_error(z, true, path, err);
    } else {
        const unsigned char *z = n ? memchr(bytes, 0, n) : NULL;
        if (z)
            return nul_error((size_t)(z - bytes), false, path, err);
    }

    size_t multi = 0, invalid = 0;
    if (enc == LW_ENC_AUTO || (enc == LW_ENC_UTF8 && start == 0)) {
        utf8_scan(bytes, n, &multi, &invalid);
        if (enc == LW_ENC_AUTO) {
            if (invalid == 0 || (multi > 0 && invalid <= multi))
                enc = LW_ENC_UTF8;
            else
                enc = detect_legacy(bytes, n, multi);
        }
    }

    lw_decoded *d = calloc(1, sizeof *d);
    if (!d)
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_DECODE_NOMEM);
    d->encoding = enc;
    d->had_bom = start > 0;

    if (enc == LW_ENC_UTF8 && start == 0 && invalid == 0) {
        /* Plain UTF-8: the text is the input; the map is the identity (NULL). */
        d->text = malloc(n + 1);
        if (!d->text) {
            free(d);
            return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_DECODE_NOMEM);
        }
        if (n)
            memcpy(d->text, bytes, n);
        d->text[n] = '\0';
        d->len = n;
        *out = d;
        return LW_OK;
    }

    sink s;
    /* Output is at most 1.5 times the input for UTF-16 and about that for the legacy tables
     * (a 1-byte letter becomes 2-3 bytes); pages reserved but never written cost nothing,
     * and the shrink below returns them. */
    size_t hint = (n - start) + (n - start) / 2 + 16;
    if (sink_init(&s, hint, true))
        run_decoder(enc, bytes, n, start, &s);
    if (s.nomem) {
        sink_free(&s);
        free(d);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_DECODE_NOMEM);
    }
    s.t[s.len] = '\0';
    s.m[s.len] = (uint32_t)n;
    /* Give back what the growth left over; keep the larger blocks if the shrink fails. */
    char *t = realloc(s.t, s.len + 1);
    if (t)
        s.t = t;
    uint32_t *m = realloc(s.m, (s.len + 1) * sizeof *m);
    if (m)
        s.m = m;
    d->text = s.t;
    d->len = s.len;
    d->map = s.m;
    d->invalid = s.inv;
    d->n_invalid = s.n_inv;
    *out = d;
    return LW_OK;
}

void lw_decoded_free(lw_decoded *d)
{
    if (!d)
        return;
    free(d->text);
    free(d->map);
    free(d->invalid);
    free(d);
}
