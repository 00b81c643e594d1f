/* lw_norm: canonical text for the rules, with a map back to the input.
 *
 * The normalizer runs four passes. Every pass reads (text, map) and writes (text, map), where
 * map[i] is always an offset in the ORIGINAL input, so maps compose by copying: a pass that
 * moves output byte j of its input to byte i of its output sets out.map[i] = in.map[j].
 * Within a character that was replaced by another, byte k of the new character maps to byte
 * min(k, old_len - 1) of the character it came from, so the first byte of every output
 * character maps to the first byte of an input character.
 *
 *  1. chars (input -> buffer): CRLF and CR to LF, form feed to LF; tab, no-break and odd spaces
 *     (U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F, U+3000) to ' '; zero-width characters
 *     (U+200B-U+200D, U+2060, U+FEFF), LRM/RLM and the soft hyphen U+00AD removed; look-alikes
 *     U+00D0 Ð and U+0189 Ɖ to U+0110 Đ, U+00F0 ð and U+0256 ɖ to U+0111 đ. Then NFC: each
 *     character is checked with ICU's NFC quick-check property (everything below U+0300 and the
 *     Vietnamese block U+1EA0-U+1EF9 is known to pass); only a segment (a starter and its
 *     following non-starters) holding a character that fails the check is decomposed
 *     (utf8proc_decompose_char), put in canonical order, has its circumflex/breve moved before
 *     any tone mark of the same combining class (a + U+0300 + U+0302 would not compose under
 *     plain NFC), and is composed pair by pair with utf8proc. Curly quotes are kept.
 *  2. markdown (in place): emphasis runs of 1-3 '*' that open (a letter, digit or quote
 *     follows) and close (a letter, digit, quote or . : ; , ) ! ? precedes) with the same
 *     length, the nearest open run first (overlaps allowed, so that removing a pair leaves no
 *     new pair for a second run), are removed; an
 *     emphasized single letter standing alone ("*W*", a converter's glyph) is removed whole.
 *     A lone '*' bullet, an unmatched star or one carrying a combining mark is kept.
 *  3. lines (in place): leading/trailing spaces removed, space runs collapsed to one space.
 *     Artefact lines are dropped: page numbers ("- 2 -", "Trang 2", "Page 2/5"; a line that is
 *     only a 1-3 digit number when it sits within 3 lines of a running header, or between text
 *     lines with the page number before or after it 10-150 lines away), and running headers
 *     (the same line of 8-100 characters holding a digit or in capitals, without sentence
 *     punctuation and not a list item, seen 3+ times at least 8 lines apart, two thirds of the
 *     times right next to a page number: the Official Gazette's "CÔNG BÁO/Số ...").
 *     OUTPUT FORMAT (our choice): one line per paragraph, paragraphs separated by a single
 *     '\n', no blank lines; the last line ends with '\n' iff the input's last non-blank line
 *     did. Joined lines get one space, mapped to the '\n' it replaces.
 *     UNWRAPPING (decide_join): the document is "double-spaced" when 60% of its lines are
 *     followed by a blank line (then blank lines mean nothing), "hard-wrapped" when 35% of its
 *     lines have 38-50 to 138-150 characters (the fullest such window ends at the peak), 45%
 *     are longer than 0.7 W, where W is the 97th percentile of the lengths up to peak + 8, and
 *     10% of the line pairs (and at least 3) are a line ending mid-sentence before a
 *     lower-case line (so the unwrapped output never looks hard-wrapped again). A break is kept
 *     before and after: lines without letters or digits ("-------"); header block lines ("Số:",
 *     "V/v", "Kính gửi", "Nơi nhận", "KT./TM./TL.", the motto, "<place>, ngày .. tháng .. năm
 *     ....") -- a "V/v" subject wrapped over several lines is joined into one; headings in
 *     capitals (two capital lines join only after a function word, a dash or a comma, or in
 *     a wrapped document when the first is full); before list and section markers ("1.",
 *     "2.1.", "a)", "(1)", "-", "+", "•", "I.", "A.", "Điều 5.", "Chương II") but for a
 *     bullet followed by lower case ("kinh tế\n- xã hội"); after a sentence end (. ; : ! ?,
 *     also before a closing quote or parenthesis) but for ';' before lower case. Otherwise the
 *     lines join when the next starts in lower case, or this one ends with ',' or a function
 *     word ("và", "của", "các", "số", "ngày", ...), or with "năm" before a number. Then, in a
 *     wrapped document: a blank line (not double-spaced) breaks; a line that the next line's
 *     first word would have fitted on, with W/10 to spare, ended its paragraph (the first line
 *     of a numbered heading before a full-width capitalized line: with nothing to spare); else
 *     join. In other documents the lines break, but for a line of 100+ characters before a
 *     blank (a page break inside a paragraph). No rule joins two lines because no blank line
 *     separates them, so the output (which has no blank lines) normalizes to itself.
 *     De-hyphenation: "59/2012/NĐ-" + "CP", "01/2024/" + "TT-BTP" and "Covid-" + "19" join
 *     without a space; a spaced dash "kinh tế -" + "xã hội" joins with a space ("kinh tế -
 *     xã hội"); a letter-hyphen ("thực-" + "hiện") drops the hyphen and joins with a space
 *     when both halves are Vietnamese syllables ("thực hiện"), without one otherwise
 *     ("Inter-" + "net" -> "Internet"). Options: unwrap = 0 keeps every line and blank line.
 *
 *  4. words (in place; run before the lines pass and again after it, for the words that
 *     joining made): every run of letters holding a non-ASCII letter is parsed as a
 *     Vietnamese syllable (initial consonants, one of the 54 vowel groups, final consonants;
 *     "qu" and "gi" take their vowel as part of the consonant). Runs that are not one valid
 *     syllable are left alone. In a syllable, an OCR-duplicated vowel ("việệc", "quảản") is merged, and two
 *     or more tone marks ("Nghịệp") are reduced to one, placed where the orthography puts it:
 *     on the (last) vowel with a shape (ê ơ ô â ă ư; ơ in ươ), else on the last vowel when a
 *     consonant follows, else on the first of two or the middle of three vowels. The tone kept
 *     is the one on that vowel, else the one on the last marked vowel. Then the government
 *     templates' style: the mark of a final open oa/oe/uy goes on its first vowel ("hoà" ->
 *     "hòa", "uỷ" -> "ủy", "khoẻ" -> "khỏe"), never in "qu" words ("quý").
 * Everything is linear in the input (segments and words are capped in length, the markdown
 * matcher looks back a bounded number of openers, the page-number chain search is a binary
 * search). Memory: the output text and its map (5 bytes per byte) plus one 40-byte record per
 * non-blank line. Offsets are 32-bit: inputs of 4 GiB or more are refused (LW_ERR_TOO_LARGE).
 *
 * Files: lw_norm_chars (pass 1), lw_artefacts (markdown emphasis, page numbers, running
 * headers), lw_lines (what a line is) and lw_unwrap (pass 3), lw_syllable (letters, syllables,
 * pass 4), lw_textmap (the text-with-map buffer they share). This file runs them in order.
 */
#include "lw_norm.h"

#include <unicode/uchar.h>

#include "lw_artefacts.h"
#include "lw_msg.h"
#include "lw_norm_chars.h"
#include "lw_syllable.h"
#include "lw_textmap.h"
#include "lw_unwrap.h"
#include "lw_utf8.h"

void lw_norm_options_default(lw_norm_options *o)
{
    o->unwrap = 1;
    o->drop_artefacts = 1;
    o->tone_style = 1;
    o->repair_marks = 1;
}

lw_status lw_normalize(const char *utf8, size_t len, const lw_norm_options *opt,
                       lw_normalized **out, lw_error *err)
{
    lw_norm_options def;
    if (!out)
        return lw_error_msg(err, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_API_NO_OUTPUT, "lw_normalize");
    *out = NULL;
    if (!utf8 && len)
        return lw_error_msg(err, LW_ERR_USAGE, NULL, 0, 0, LW_MSG_API_NO_INPUT, "lw_normalize");
    if (len >= UINT32_MAX)
        return lw_error_msg(err, LW_ERR_TOO_LARGE, NULL, 0, 0, LW_MSG_NORM_TOO_LARGE, len);
    if (!opt) {
        lw_norm_options_default(&def);
        opt = &def;
    }
    lw_vn_init();
    lw_tmap b = {0};
    lw_status st = lw_norm_pass_chars(utf8 ? utf8 : "", len, &b);
    if (!st && opt->drop_artefacts)
        st = lw_norm_pass_markdown(&b);
    if (!st) {
        /* words before lines, so that lines are measured as a second run will see them, and
         * after, for the words that joining made ("thự-" + "c" -> "thực") */
        lw_norm_pass_words(&b, opt->tone_style, opt->repair_marks);
        st = lw_norm_pass_lines(&b, opt->unwrap, opt->drop_artefacts);
    }
    if (!st)
        lw_norm_pass_words(&b, opt->tone_style, opt->repair_marks);
    if (st) {
        lw_tmap_free(&b);
        return lw_error_msg(err, st, NULL, 0, 0, LW_MSG_NORM_NOMEM);
    }
    lw_normalized *n = malloc(sizeof *n);
    if (!n || lw_tmap_reserve(&b, 1)) {
        free(n);
        lw_tmap_free(&b);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NORM_NOMEM);
    }
    b.t[b.len] = 0;
    b.m[b.len] = (uint32_t)len;
    char *t = realloc(b.t, b.len + 1);
    uint32_t *m = realloc(b.m, (b.len + 1) * sizeof *m);
    n->text = t ? t : b.t;
    n->map = m ? m : b.m;
    n->len = b.len;
    *out = n;
    return LW_OK;
}

void lw_normalized_free(lw_normalized *n)
{
    if (!n)
        return;
    free(n->text);
    free(n->map);
    free(n);
}

void lw_norm_input_span(const lw_normalized *n, const char *input, size_t input_len, size_t s,
                        size_t e, size_t *in_s, size_t *in_e)
{
    if (s > n->len)
        s = n->len;
    if (e > n->len)
        e = n->len;
    if (e <= s) {
        *in_s = *in_e = n->map[s];
        return;
    }
    size_t a = n->map[s], z = n->map[e - 1];
    if (a > input_len)
        a = input_len;
    if (z >= input_len) {
        *in_s = a;
        *in_e = input_len;
        return;
    }
    /* past the character at z and any combining marks after it */
    const unsigned char *p = (const unsigned char *)input;
    while (z > 0 && (p[z] & 0xC0) == 0x80)
        z--;
    int32_t c;
    z += (size_t)lw_utf8_dec((const char *)p + z, input_len - z, &c);
    if (c == '\r' && z < input_len && p[z] == '\n')
        z++;
    while (z < input_len) {
        int l = lw_utf8_dec((const char *)p + z, input_len - z, &c);
        if (c < 0x300 || !u_getCombiningClass((UChar32)c))
            break;
        z += (size_t)l;
    }
    *in_s = a;
    *in_e = z < a ? a : z;
}
