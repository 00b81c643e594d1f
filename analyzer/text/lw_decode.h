/* lw_decode: bytes in, UTF-8 out. Detects BOMs, UTF-16, and the legacy Vietnamese
 * encodings (Windows-1258, TCVN3 / TCVN 5712:1993, VNI-Windows), replaces invalid
 * UTF-8 with U+FFFD (reporting where), refuses binary input, and keeps a map from each
 * output byte back to the input byte it came from. */
#ifndef LW_DECODE_H
#define LW_DECODE_H

#include "lw_common.h"

typedef enum {
    LW_ENC_AUTO = 0,
    LW_ENC_UTF8,
    LW_ENC_UTF16LE,
    LW_ENC_UTF16BE,
    LW_ENC_CP1258,
    LW_ENC_TCVN3,
    LW_ENC_VNI
} lw_encoding;

typedef struct {
    char *text;          /* UTF-8, NUL-terminated; owned */
    size_t len;          /* bytes in text, without the NUL */
    uint32_t *map;       /* len + 1 entries: map[i] = offset in the input of the byte that
                            produced text[i]; map[len] = input length. NULL means identity
                            (plain UTF-8 without BOM and without replacements). Owned.
                            All bytes of a character made from several input bytes (UTF-16,
                            a legacy letter plus its combining mark, VNI's letter + mark
                            bytes) map to the first of them. */
    lw_encoding encoding;/* what was detected or forced */
    int had_bom;
    size_t *invalid;     /* input offsets of invalid bytes replaced by U+FFFD, increasing; one
                            U+FFFD per invalid byte (per UTF-16 code unit: an unpaired
                            surrogate, or a last odd byte). Owned; NULL when n_invalid is 0 */
    size_t n_invalid;
} lw_decoded;

/* Canonical names used in JSON: "utf-8", "utf-16le", "utf-16be", "windows-1258", "tcvn3", "vni". */
const char *lw_encoding_name(lw_encoding e);
/* Accepts the canonical names and common aliases (utf8, cp1258, tcvn, tcvn5712-1, vni-windows,
 * auto). Returns 0 and sets *out, or -1 for an unknown name. */
int lw_encoding_parse(const char *name, lw_encoding *out);

/* Decodes n bytes. force = LW_ENC_AUTO detects: BOM; UTF-16 without BOM when its zero bytes
 * say so clearly; valid (or mostly valid) UTF-8; else the legacy encoding whose decoding of a
 * sample looks most Vietnamese. A forced encoding strips its own BOM. Binary input is refused
 * whatever the force. path is only used in error messages (err->file).
 * On success *out is owned by the caller (lw_decoded_free). Errors: LW_ERR_BINARY for NUL
 * bytes or PDF/ZIP/image magic, LW_ERR_TOO_LARGE over 4 GiB, LW_ERR_NOMEM. */
lw_status lw_decode(const unsigned char *bytes, size_t n, lw_encoding force, const char *path,
                    lw_decoded **out, lw_error *err);
void lw_decoded_free(lw_decoded *d);

#endif
