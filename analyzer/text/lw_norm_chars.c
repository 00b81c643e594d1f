/* lw_norm_chars: pass 1 of the normalizer, characters and NFC (see lw_norm.c's overview). */
#include "lw_norm_chars.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <utf8proc.h>

#include "lw_utf8.h"

/* The longest segment (a starter and its combining marks) put through NFC at once; a longer
 * run of marks is cut there, which bounds the work per character on hostile input. */
#define LW_SEG_MAX 32

typedef struct {
    int32_t cp;
    uint32_t off;
    uint8_t len;
} seg_cp;

/* The replacement of cp: the same, another code point, -1 to delete. */
static int32_t map_cp(int32_t cp)
{
    if (cp < 0x80) {
        if (cp == '\t')
            return ' ';
        if (cp == '\f' || cp == '\v')
            return '\n';
        return cp;
    }
    switch (cp) {
    case 0xA0:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return ' ';
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x200E:
    case 0x200F:
    case 0x2060:
    case 0xFEFF:
    case 0xAD:
        return -1;
    case 0xD0:
    case 0x189:
        return 0x110;
    case 0xF0:
    case 0x256:
        return 0x111;
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x200A)
        return ' ';
    return cp;
}

/* 1 if cp is an NFC starter that never combines with what precedes it. */
static int nfc_yes_starter(int32_t cp)
{
    if (cp < 0x300)
        return 1;
    if (cp >= 0x1EA0 && cp <= 0x1EF9)
        return 1;
    return u_getCombiningClass((UChar32)cp) == 0 &&
           u_getIntPropertyValue((UChar32)cp, UCHAR_NFC_QUICK_CHECK) == UNORM_YES;
}

static int32_t compose_pair(int32_t a, int32_t b)
{
    utf8proc_int32_t buf[2] = {a, b};
    if (utf8proc_normalize_utf32(buf, 2, UTF8PROC_COMPOSE | UTF8PROC_STABLE) == 1)
        return buf[0];
    return -1;
}

static int is_shape_mark(int32_t cp)
{
    return cp == 0x302 || cp == 0x306;
}

static int is_tone_mark(int32_t cp)
{
    return cp == 0x300 || cp == 0x301 || cp == 0x303 || cp == 0x309 || cp == 0x340 || cp == 0x341;
}

static int emit_cp(lw_tmap *o, int32_t cp, uint32_t off, int srclen)
{
    if (lw_tmap_reserve(o, 4))
        return -1;
    int l = lw_utf8_enc(cp, o->t + o->len);
    for (int k = 0; k < l; k++)
        o->m[o->len + (size_t)k] = off + (uint32_t)(k < srclen ? k : srclen - 1);
    o->len += (size_t)l;
    return 0;
}

/* Normalizes seg[0..n) (NFC with the Vietnamese mark order) and appends it. */
static int seg_flush_slow(lw_tmap *o, const seg_cp *seg, int n)
{
    utf8proc_int32_t d[LW_SEG_MAX * 4 + 8];
    int src[LW_SEG_MAX * 4 + 8];
    int cc[LW_SEG_MAX * 4 + 8];
    int m = 0;
    for (int i = 0; i < n; i++) {
        utf8proc_int32_t tmp[8];
        utf8proc_ssize_t r = utf8proc_decompose_char(seg[i].cp, tmp, 8, UTF8PROC_DECOMPOSE, NULL);
        if (r < 1 || r > 8) {
            tmp[0] = seg[i].cp;
            r = 1;
        }
        for (utf8proc_ssize_t k = 0; k < r && m < LW_SEG_MAX * 4 + 8; k++) {
            d[m] = tmp[k];
            src[m] = i;
            cc[m] = u_getCombiningClass((UChar32)tmp[k]);
            m++;
        }
    }
    /* canonical ordering (stable insertion sort of each run of non-starters) */
    for (int i = 1; i < m; i++) {
        if (!cc[i])
            continue;
        int j = i;
        while (j > 0 && cc[j - 1] > cc[j]) {
            utf8proc_int32_t td = d[j];
            d[j] = d[j - 1];
            d[j - 1] = td;
            int ts = src[j];
            src[j] = src[j - 1];
            src[j - 1] = ts;
            int tc = cc[j];
            cc[j] = cc[j - 1];
            cc[j - 1] = tc;
            j--;
        }
    }
    /* Vietnamese: a circumflex or breve goes before a tone mark of the same class */
    for (int i = 1; i < m; i++) {
        if (!is_shape_mark(d[i]))
            continue;
        int j = i;
        while (j > 0 && cc[j - 1] == cc[j] && is_tone_mark(d[j - 1])) {
            utf8proc_int32_t td = d[j];
            d[j] = d[j - 1];
            d[j - 1] = td;
            int ts = src[j];
            src[j] = src[j - 1];
            src[j - 1] = ts;
            j--;
        }
    }
    /* canonical composition */
    int starter = -1, last_cc = -1, w = 0;
    for (int i = 0; i < m; i++) {
        int c = cc[i];
        if (starter >= 0 && (last_cc < c || (last_cc == 0 && c == 0 && w == starter + 1))) {
            int32_t comp = compose_pair(d[starter], d[i]);
            if (comp >= 0) {
                d[starter] = comp;
                continue;
            }
        }
        if (c == 0) {
            starter = w;
            last_cc = 0;
        } else {
            last_cc = c;
        }
        d[w] = d[i];
        src[w] = src[i];
        cc[w] = c;
        w++;
    }
    /* every byte of a character made here maps to the start of its source character; marks
     * left uncomposed may have moved before others: the map must not decrease */
    uint32_t last = 0;
    for (int i = 0; i < w; i++) {
        uint32_t off = seg[src[i]].off;
        if (off < last)
            off = last;
        if (emit_cp(o, d[i], off, 1))
            return -1;
        last = off;
    }
    return 0;
}

lw_status lw_norm_pass_chars(const char *in, size_t len, lw_tmap *o)
{
    const unsigned char *s = (const unsigned char *)in;
    if (lw_tmap_reserve(o, len + 16))
        return LW_ERR_NOMEM;
    seg_cp seg[LW_SEG_MAX];
    int n = 0, slow = 0;
    size_t i = 0;
    while (i <= len) {
        int32_t cp;
        int l;
        if (i == len) {
            cp = -2; /* end */
            l = 1;
        } else if (s[i] < 0x80) {
            cp = s[i];
            l = 1;
            if (cp == '\r') {
                cp = '\n';
                if (i + 1 < len && s[i + 1] == '\n')
                    l = 2;
            }
        } else {
            l = lw_utf8_dec((const char *)s + i, len - i, &cp);
        }
        int32_t mc = cp >= 0 ? map_cp(cp) : cp;
        if (mc == -1 && cp >= 0) { /* deleted */
            i += (size_t)l;
            continue;
        }
        int starter = mc < 0 || nfc_yes_starter(mc);
        if (starter || n == LW_SEG_MAX) {
            /* flush the pending segment */
            if (n == 1 && !slow) {
                if (seg[0].cp < 0) {
                    if (lw_tmap_reserve(o, 1))
                        return LW_ERR_NOMEM;
                    o->t[o->len] = in[seg[0].off];
                    o->m[o->len++] = seg[0].off;
                } else if (seg[0].cp < 0x80 && seg[0].len == 1) {
                    if (lw_tmap_reserve(o, 1))
                        return LW_ERR_NOMEM;
                    o->t[o->len] = (char)seg[0].cp;
                    o->m[o->len++] = seg[0].off;
                } else if (emit_cp(o, seg[0].cp, seg[0].off, seg[0].len)) {
                    return LW_ERR_NOMEM;
                }
            } else if (n > 0) {
                if (seg_flush_slow(o, seg, n))
                    return LW_ERR_NOMEM;
            }
            n = 0;
            slow = !starter;
        }
        if (cp == -2)
            break;
        if (!starter)
            slow = 1;
        seg[n].cp = mc;
        seg[n].off = (uint32_t)i;
        seg[n].len = (uint8_t)l;
        n++;
        i += (size_t)l;
    }
    o->t[o->len] = 0;
    return LW_OK;
}
