/* lw_norm_chars: the normalizer's first pass, characters. Line ends to LF, odd spaces to ' ',
 * zero-width characters and the soft hyphen removed, the look-alikes of Đ/đ (Ð ð Ɖ ɖ) to
 * Đ/đ, then NFC with the Vietnamese mark order (a circumflex or breve before a tone mark of
 * the same class), only where ICU's quick check says a character may change. */
#ifndef LW_NORM_CHARS_H
#define LW_NORM_CHARS_H

#include "lw_common.h"
#include "lw_textmap.h"

/* Appends the pass's output of in[0..len) to o (its map: offsets into in). LW_OK, or
 * LW_ERR_NOMEM (o keeps what it had; the caller frees it). */
lw_status lw_norm_pass_chars(const char *in, size_t len, lw_tmap *o);

#endif
