/* fuzz_extract: arbitrary bytes as a document (lw_doc_from_bytes: decode and normalize)
 * through lw_extract with the shipped rules (LW_SOURCE_DIR/rules, loaded once), then the
 * design's JSON record (spans and lines mapped back to the input). Checks that facts lie in
 * the normalized text and their spans in the input. */
#include "fuzz_common.h"

#include <jansson.h>

#include "lw_doc.h"
#include "lw_extract.h"

static lw_engine *engine;
static lw_matcher *matcher;

static void setup(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/rules", fuzz_source_dir());
    lw_error err;
    lw_error_clear(&err);
    if (lw_engine_create(dir, &engine, &err) != LW_OK) {
        fprintf(stderr, "fuzz_extract: cannot load %s: %s\n", dir, err.msg);
        abort();
    }
    matcher = lw_matcher_create(lw_engine_rules(engine));
    FUZZ_CHECK(matcher != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine)
        setup();
    /* plain text only: other formats are read in a child process (lw_sandbox), which a fuzzer
     * must not fork for every input; their readers have fuzz targets of their own */
    if (lw_read_sniff(data, size) != LW_KIND_TEXT)
        return 0;
    lw_doc_options o;
    lw_doc_options_default(&o);
    lw_doc *doc = NULL;
    lw_error err;
    lw_error_clear(&err);
    if (lw_doc_from_bytes("fuzz.txt", data, size, &o, &doc, &err) != LW_OK) {
        FUZZ_CHECK(doc == NULL);
        return 0;
    }
    size_t len;
    const char *text = lw_doc_text(doc, &len);
    lw_extraction *x = NULL;
    if (lw_extract(lw_engine_rules(engine), lw_engine_lexicon(engine), matcher, text, len, NULL, &x, &err) ==
        LW_OK) {
        for (size_t i = 0; i < x->n; i++) {
            const lw_fact *f = &x->facts[i];
            FUZZ_CHECK(f->start <= f->end && f->end <= len);
            size_t os, oe;
            lw_doc_orig_span(doc, f->start, f->end, &os, &oe);
            FUZZ_CHECK(os <= oe && oe <= size);
            int line = lw_doc_line(doc, f->start);
            FUZZ_CHECK(line >= 1);
        }
        json_t *rec = lw_extraction_record(x, doc);
        FUZZ_CHECK(rec != NULL);
        char *s = json_dumps(rec, JSON_COMPACT);
        FUZZ_CHECK(s != NULL);
        free(s);
        json_decref(rec);
        lw_extraction_free(x);
    } else {
        FUZZ_CHECK(x == NULL);
    }
    lw_doc_free(doc);
    return 0;
}
