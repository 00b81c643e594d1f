/* fuzz_office: what fuzz_docx and fuzz_odt share. An input that starts as a ZIP ("PK") is
 * read as the whole file; any other input is the XML of the format's main part (before its
 * first NUL byte) and of its second part (after it), zipped here, so that the fuzzer works on
 * the XML the readers walk rather than on deflate streams it can hardly get right. Checks
 * what every reading must give: an error leaves no source; a source's text is NUL-terminated
 * valid UTF-8, its lines start inside it in order with non-decreasing paragraphs, and it
 * survives lw_source_serialize / lw_source_deserialize unchanged. */
#ifndef LW_FUZZ_OFFICE_H
#define LW_FUZZ_OFFICE_H

#include "fuzz_common.h"

#include <zip.h>

#include "lw_read.h"
#include "lw_source.h"

/* A ZIP of the named parts, owned (free()); NULL when libzip fails. The mimetype (when
 * given) is stored, as an ODT has it. */
static unsigned char *fuzz_zip(const char *const *names, const unsigned char *const *data, const size_t *lens, size_t n,
                               size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    unsigned char *out = NULL;
    if (!src)
        goto end;
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!za) {
        zip_source_free(src);
        goto end;
    }
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, data[i], lens[i], 0);
        zip_int64_t idx = s ? zip_file_add(za, names[i], s, ZIP_FL_OVERWRITE) : -1;
        if (idx < 0)
            zip_source_free(s);
        else if (!strcmp(names[i], "mimetype"))
            zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        zip_source_free(src);
        goto end;
    }
    if (zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        zip_int64_t size = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        out = size > 0 ? malloc((size_t)size) : NULL;
        if (out && zip_source_read(src, out, (zip_uint64_t)size) != size) {
            free(out);
            out = NULL;
        }
        *len = out ? (size_t)size : 0;
        zip_source_close(src);
    }
    zip_source_free(src);
end:
    zip_error_fini(&ze);
    return out;
}

static void fuzz_check_source(const lw_source *s, lw_source_format format)
{
    FUZZ_CHECK(s != NULL);
    FUZZ_CHECK(s->format == format);
    FUZZ_CHECK(s->text[s->len] == '\0');
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)s->text, s->len));
    for (size_t i = 0; i < s->n_lines; i++) {
        FUZZ_CHECK(s->lines[i].start < s->len);
        FUZZ_CHECK(i == 0 || s->lines[i - 1].start < s->lines[i].start);
        FUZZ_CHECK(i == 0 || s->lines[i - 1].paragraph <= s->lines[i].paragraph);
        FUZZ_CHECK(s->lines[i].paragraph >= 1 && s->lines[i].page == 0);
    }
    unsigned char *ser = NULL;
    size_t n = 0;
    lw_error err;
    lw_error_clear(&err);
    if (lw_source_serialize(s, &ser, &n, &err) != LW_OK)
        return; /* out of memory only */
    lw_source *back = NULL;
    FUZZ_CHECK(lw_source_deserialize(ser, n, &back, &err) == LW_OK);
    FUZZ_CHECK(back->len == s->len && !memcmp(back->text, s->text, s->len));
    FUZZ_CHECK(back->n_lines == s->n_lines);
    lw_source_free(back);
    free(ser);
}

/* Runs reader on data as described at the top; names[0] and names[1] are the parts the XML
 * input becomes, extra (may be NULL) a part added as it is (an ODT's mimetype). */
static void fuzz_office(const uint8_t *data, size_t size, lw_reader_fn reader, lw_source_format format,
                        const char *main_part, const char *second_part, const char *extra_name, const char *extra)
{
    unsigned char *zip = NULL;
    const unsigned char *in = data;
    size_t len = size;
    if (size < 2 || data[0] != 'P' || data[1] != 'K') {
        const unsigned char *nul = memchr(data, 0, size);
        size_t a = nul ? (size_t)(nul - data) : size;
        const char *names[3] = {main_part, second_part, extra_name};
        const unsigned char *parts[3] = {data, nul ? nul + 1 : NULL, (const unsigned char *)extra};
        size_t lens[3] = {a, nul ? size - a - 1 : 0, extra ? strlen(extra) : 0};
        /* the main part, the second when there is one, the extra one */
        const char *n2[3];
        const unsigned char *p2[3];
        size_t l2[3], k = 0;
        for (size_t i = 0; i < 3; i++)
            if (names[i] && (i != 1 || nul)) {
                n2[k] = names[i];
                p2[k] = parts[i] ? parts[i] : (const unsigned char *)"";
                l2[k++] = lens[i];
            }
        zip = fuzz_zip(n2, p2, l2, k, &len);
        if (!zip)
            return;
        in = zip;
    }
    lw_read_options o;
    memset(&o, 0, sizeof o);
    o.no_sandbox = 1;
    lw_source *s = (lw_source *)&o; /* must be reset by the reader */
    lw_error err;
    lw_error_clear(&err);
    if (reader(in, len, &o, &s, &err) != LW_OK) {
        FUZZ_CHECK(s == NULL);
        FUZZ_CHECK(err.msg[0] != '\0');
    } else {
        fuzz_check_source(s, format);
        lw_source_free(s);
    }
    free(zip);
}

#endif
