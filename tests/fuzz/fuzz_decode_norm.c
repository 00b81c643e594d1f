/* fuzz_decode_norm: arbitrary bytes through lw_decode (detected, and forced to the encoding
 * the input's length picks) and lw_normalize (default options, and without unwrapping).
 * Checks the maps every later stage indexes with: within the input, never decreasing, the
 * last entry the input length; the output is NUL-terminated valid UTF-8. With
 * LW_FUZZ_STRICT=1 also that normalizing twice gives the same text (the documented
 * idempotence), which is not a memory-safety property and so not checked by default. */
#include "fuzz_common.h"

#include "lw_decode.h"
#include "lw_norm.h"

static void check_norm(const char *in, size_t in_len, const lw_normalized *n)
{
    FUZZ_CHECK(n->text[n->len] == '\0');
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)n->text, n->len));
    FUZZ_CHECK(n->map[n->len] == in_len);
    for (size_t i = 0; i < n->len; i++) {
        FUZZ_CHECK(n->map[i] <= in_len);
        FUZZ_CHECK(i == 0 || n->map[i - 1] <= n->map[i]);
    }
    size_t s, e;
    lw_norm_input_span(n, in, in_len, 0, n->len, &s, &e);
    FUZZ_CHECK(s <= e && e <= in_len);
    if (n->len > 2) {
        lw_norm_input_span(n, in, in_len, n->len / 3, n->len / 2, &s, &e);
        FUZZ_CHECK(s <= e && e <= in_len);
    }
}

static void run_norm(const lw_decoded *d, int unwrap)
{
    lw_norm_options o;
    lw_norm_options_default(&o);
    o.unwrap = unwrap;
    lw_normalized *n = NULL;
    lw_error err;
    lw_error_clear(&err);
    if (lw_normalize(d->text, d->len, &o, &n, &err) != LW_OK) {
        FUZZ_CHECK(n == NULL);
        return;
    }
    check_norm(d->text, d->len, n);
    const char *strict = getenv("LW_FUZZ_STRICT");
    if (strict && *strict == '1') {
        lw_normalized *n2 = NULL;
        FUZZ_CHECK(lw_normalize(n->text, n->len, &o, &n2, &err) == LW_OK);
        FUZZ_CHECK(n2->len == n->len && !memcmp(n2->text, n->text, n->len));
        lw_normalized_free(n2);
    }
    lw_normalized_free(n);
}

static void run(const uint8_t *data, size_t size, lw_encoding force, int unwrap)
{
    lw_decoded *d = NULL;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_decode(data, size, force, "fuzz.txt", &d, &err);
    if (st != LW_OK) {
        FUZZ_CHECK(d == NULL);
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }
    FUZZ_CHECK(d->text[d->len] == '\0');
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)d->text, d->len));
    if (d->map) {
        FUZZ_CHECK(d->map[d->len] == size);
        for (size_t i = 0; i < d->len; i++) {
            FUZZ_CHECK(d->map[i] <= size);
            FUZZ_CHECK(i == 0 || d->map[i - 1] <= d->map[i]);
        }
    } else {
        FUZZ_CHECK(d->len == size);
    }
    for (size_t i = 0; i < d->n_invalid; i++)
        FUZZ_CHECK(d->invalid[i] < size && (i == 0 || d->invalid[i - 1] < d->invalid[i]));
    run_norm(d, unwrap);
    lw_decoded_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, LW_ENC_AUTO, 1);
    /* a forced encoding too, picked by the length so that every byte stays input */
    lw_encoding force = (lw_encoding)(size % 7);
    if (force != LW_ENC_AUTO)
        run(data, size, force, (size / 7) % 2);
    return 0;
}
