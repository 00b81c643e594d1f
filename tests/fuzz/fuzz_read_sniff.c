/* fuzz_read_sniff: arbitrary bytes through lw_read_sniff, the one part of reading that runs in
 * the calling process on an untrusted file (its ZIP directory is parsed by libzip here, not
 * in the reading child), then lw_read_source for the kinds it answers without a reader (a
 * .doc, not a document). Checks: a kind in range, the same kind twice, a prefix of fewer than
 * two bytes is text, and the answer for DOC/OTHER an error naming the file. */
#include "fuzz_common.h"

#include "lw_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lw_read_kind k = lw_read_sniff(data, size);
    FUZZ_CHECK(k >= LW_KIND_TEXT && k <= LW_KIND_OTHER);
    FUZZ_CHECK(lw_read_sniff(data, size) == k);
    FUZZ_CHECK(size >= 2 || k == LW_KIND_TEXT);
    if (k == LW_KIND_DOC || k == LW_KIND_OTHER) {
        lw_source *src = (lw_source *)1;
        lw_error err;
        lw_error_clear(&err);
        lw_status st = lw_read_source("fuzz.bin", data, size, k, NULL, &src, &err);
        FUZZ_CHECK(st != LW_OK && src == NULL);
        FUZZ_CHECK(!strcmp(err.file, "fuzz.bin") && err.msg[0]);
    }
    return 0;
}
