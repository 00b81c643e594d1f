/* lw_read: which format a file is (by its bytes, never its name) and which reader reads it,
 * in a child process with limits (lw_sandbox) unless the caller asks otherwise. */
#define _GNU_SOURCE /* memmem */
#include "lw_read.h"

#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "lw_docx.h"
#include "lw_msg.h"
#include "lw_ocr.h"
#include "lw_odt.h"
#include "lw_pdf.h"
#include "lw_sandbox.h"
#include "lw_utf8.h"

void lw_read_options_default(lw_read_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_memory = LW_READ_MEMORY_DEFAULT;
    o->max_cpu = LW_READ_CPU_DEFAULT;
    o->max_wall = LW_READ_WALL_DEFAULT;
    o->max_pages = LW_READ_PAGES_DEFAULT;
    o->dpi = LW_READ_DPI_DEFAULT;
    o->jobs = 1;
}

/* ---- sniffing ---- */

/* How far into the file "%PDF-" may start: readers (poppler, Acrobat) accept junk before it,
 * and mail gateways leave some. */
#define SNIFF_PDF_WINDOW 1024
/* The ODT's mimetype entry is read up to this many bytes. */
#define SNIFF_MIME_MAX 128

static const char odt_mime[] = "application/vnd.oasis.opendocument.text";

static int starts(const unsigned char *p, size_t n, const char *magic, size_t mlen)
{
    return n >= mlen && memcmp(p, magic, mlen) == 0;
}

static int contains(const unsigned char *p, size_t n, const char *needle, size_t nlen)
{
    return n >= nlen && memmem(p, n, needle, nlen) != NULL;
}

/* What is not a document, by its magic, and what to call it (Vietnamese, English). */
static const struct {
    const char *magic;
    size_t len;
    const char *vi, *en;
} not_documents[] = {
    {"GIF87a", 6, "ảnh GIF", "a GIF image"},
    {"GIF89a", 6, "ảnh GIF", "a GIF image"},
    {"\x7F" "ELF", 4, "tệp chương trình (ELF)", "an executable (ELF)"},
    {"\x1F\x8B", 2, "tệp nén gzip", "a gzip-compressed file"},
    {"BZh", 3, "tệp nén bzip2", "a bzip2-compressed file"},
    {"\xFD" "7zXZ\x00", 6, "tệp nén xz", "an xz-compressed file"},
    {"7z\xBC\xAF\x27\x1C", 6, "tệp nén 7-Zip", "a 7-Zip archive"},
    {"Rar!\x1A\x07", 6, "tệp nén RAR", "a RAR archive"},
    {"PK\x05\x06", 4, "tệp nén ZIP rỗng", "an empty ZIP archive"},
    {"SQLite format 3", 16, "cơ sở dữ liệu SQLite", "an SQLite database"},
};

/* A ZIP, by its central directory (libzip from memory): DOCX, ODT or OTHER. A ZIP libzip
 * cannot open (truncated: the directory is at its end) is told by its first local entry, so
 * that a damaged Word file is read, and said to be damaged, rather than called no document. */
static lw_read_kind sniff_zip(const unsigned char *raw, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *zs = zip_source_buffer_create(raw, len, 0, &ze);
    zip_t *za = zs ? zip_open_from_source(zs, ZIP_RDONLY, &ze) : NULL;
    zip_error_fini(&ze);
    if (!za) {
        zip_source_free(zs);
        /* local header: name length at 26, extra length at 28, name at 30 */
        if (len < 30)
            return LW_KIND_OTHER;
        size_t nl = raw[26] | (size_t)raw[27] << 8, xl = raw[28] | (size_t)raw[29] << 8, data = 30 + nl + xl;
        if (nl == 8 && data <= len && !memcmp(raw + 30, "mimetype", 8) &&
            starts(raw + data, len - data, odt_mime, sizeof odt_mime - 1))
            return LW_KIND_ODT;
        return contains(raw, len, "word/document.xml", 17) ? LW_KIND_DOCX : LW_KIND_OTHER;
    }
    lw_read_kind kind = LW_KIND_OTHER;
    if (zip_name_locate(za, "word/document.xml", 0) >= 0) {
        kind = LW_KIND_DOCX;
    } else {
        zip_file_t *zf = zip_fopen(za, "mimetype", 0);
        if (zf) {
            char mime[SNIFF_MIME_MAX];
            zip_int64_t n = zip_fread(zf, mime, sizeof mime);
            zip_fclose(zf);
            /* the standard has no newline; some writers add one */
            while (n > 0 && (mime[n - 1] == '\n' || mime[n - 1] == '\r' || mime[n - 1] == ' '))
                n--;
            if (n == (zip_int64_t)(sizeof odt_mime - 1) && !memcmp(mime, odt_mime, (size_t)n))
                kind = LW_KIND_ODT;
        }
    }
    zip_discard(za); /* read-only: nothing to write back; frees the source too */
    return kind;
}

/* An OLE2 compound file: Word 97-2003 when its directory names the WordDocument stream, or
 * when that cannot be seen (the directory may lie past a truncation); Excel, PowerPoint and
 * Outlook (.msg) files are not documents here. Directory names are UTF-16LE. */
static lw_read_kind sniff_ole(const unsigned char *raw, size_t len)
{
    static const char word[] = "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";
    static const char book[] = "W\0o\0r\0k\0b\0o\0o\0k\0";
    static const char ppt[] = "P\0o\0w\0e\0r\0P\0o\0i\0n\0t\0";
    static const char msg[] = "_\0_\0s\0u\0b\0s\0t\0g\0"; /* an Outlook message (.msg) */
    if (contains(raw, len, word, sizeof word - 1))
        return LW_KIND_DOC;
    if (contains(raw, len, book, sizeof book - 1) || contains(raw, len, ppt, sizeof ppt - 1) ||
        contains(raw, len, msg, sizeof msg - 1))
        return LW_KIND_OTHER;
    return LW_KIND_DOC;
}

/* "%PDF-" and a version digit after some junk (mail headers, a BOM) within the first KB, as
 * readers accept it; the digit keeps a text that merely mentions "%PDF-" a text. */
static int pdf_after_junk(const unsigned char *raw, size_t len)
{
    size_t n = len < SNIFF_PDF_WINDOW ? len : SNIFF_PDF_WINDOW;
    for (const unsigned char *p = raw; n >= 6 && (p = memmem(p, n - (size_t)(p - raw), "%PDF-", 5)) != NULL; p += 5)
        if ((size_t)(p - raw) + 5 < len && p[5] >= '1' && p[5] <= '9')
            return 1;
    return 0;
}

lw_read_kind lw_read_sniff(const unsigned char *raw, size_t len)
{
    if (!raw || !len)
        return LW_KIND_TEXT;
    if (starts(raw, len, "%PDF-", 5) || pdf_after_junk(raw, len))
        return LW_KIND_PDF;
    if (starts(raw, len, "\x89PNG\r\n\x1A\n", 8) || starts(raw, len, "\xFF\xD8\xFF", 3) ||
        starts(raw, len, "II*\0", 4) || starts(raw, len, "MM\0*", 4))
        return LW_KIND_IMAGE;
    if (starts(raw, len, "PK\x03\x04", 4))
        return sniff_zip(raw, len);
    if (starts(raw, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return sniff_ole(raw, len);
    for (size_t i = 0; i < sizeof not_documents / sizeof *not_documents; i++)
        if (starts(raw, len, not_documents[i].magic, not_documents[i].len))
            return LW_KIND_OTHER;
    return LW_KIND_TEXT;
}

/* ---- reading ---- */

/* A PDF: its text layer when usable, else (or with force_ocr) its pages OCR'd; the choice is
 * the source's format and note. One reader, so both readings happen in the same child. */
static lw_status read_pdf(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                          lw_error *err)
{
    *out = NULL;
    char why[LW_SOURCE_NOTE_MAX] = "";
    if (!opt->force_ocr) {
        lw_source *s = NULL;
        lw_status st = lw_pdf_read(raw, len, opt, &s, err);
        if (st) /* damaged, encrypted, past the page cap: OCR would fail the same way */
            return st;
        if (lw_pdf_layer_usable(s, why, sizeof why)) {
            *out = s;
            return LW_OK;
        }
        lw_source_free(s);
        if (!why[0])
            snprintf(why, sizeof why, "%s", lw_msg_get(LW_MSG_READ_WHY_UNKNOWN, LW_LANG_VI));
    }
    lw_status st = lw_ocr_pdf(raw, len, opt, out, err);
    if (st)
        return st;
    (*out)->format = LW_SOURCE_PDF_OCR;
    /* the note is for the reviewer: Vietnamese, as the reason the PDF reader gave */
    if (opt->force_ocr)
        snprintf((*out)->note, sizeof (*out)->note, "%s", lw_msg_get(LW_MSG_READ_NOTE_FORCED_OCR, LW_LANG_VI));
    else
        snprintf((*out)->note, sizeof (*out)->note, lw_msg_get(LW_MSG_READ_NOTE_OCR, LW_LANG_VI), why);
    return LW_OK;
}

lw_status lw_read_source(const char *path, const unsigned char *raw, size_t len, lw_read_kind kind,
                         const lw_read_options *opt, lw_source **out, lw_error *err)
{
    *out = NULL;
    lw_read_options def;
    if (!opt) {
        lw_read_options_default(&def);
        opt = &def;
    }
    lw_reader_fn fn = NULL;
    switch (kind) {
    case LW_KIND_PDF:
        fn = read_pdf;
        break;
    case LW_KIND_IMAGE:
        fn = lw_ocr_image;
        break;
    case LW_KIND_DOCX:
        fn = lw_docx_read;
        break;
    case LW_KIND_ODT:
        fn = lw_odt_read;
        break;
    case LW_KIND_DOC:
        return lw_error_msg(err, LW_ERR_DATA, path, 0, 0, LW_MSG_READ_DOC);
    case LW_KIND_OTHER: {
        for (size_t i = 0; i < sizeof not_documents / sizeof *not_documents; i++)
            if (starts(raw, len, not_documents[i].magic, not_documents[i].len))
                return lw_error_msg(err, LW_ERR_BINARY, path, 0, 0, LW_MSG_READ_NOT_DOCUMENT, not_documents[i].vi,
                                    not_documents[i].en);
        if (starts(raw, len, "PK\x03\x04", 4))
            return lw_error_msg(err, LW_ERR_BINARY, path, 0, 0, LW_MSG_READ_NOT_DOCUMENT,
                                "tệp nén ZIP (không phải Word .docx hay OpenDocument .odt)",
                                "a ZIP archive (not a Word .docx or OpenDocument .odt)");
        if (starts(raw, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
            return lw_error_msg(err, LW_ERR_BINARY, path, 0, 0, LW_MSG_READ_NOT_DOCUMENT,
                                "tệp Microsoft Office không phải Word (Excel, PowerPoint, thư Outlook)",
                                "a Microsoft Office file that is not Word (Excel, PowerPoint, an Outlook message)");
        return lw_error_msg(err, LW_ERR_BINARY, path, 0, 0, LW_MSG_READ_NOT_DOCUMENT, "tệp nhị phân", "a binary file");
    }
    default:
        return lw_error_msg(err, LW_ERR_USAGE, path, 0, 0, LW_MSG_READ_NOT_READER);
    }
    lw_status st;
    if (opt->no_sandbox) {
        st = fn(raw, len, opt, out, err);
    } else {
        st = lw_sandbox_run(path, fn, raw, len, opt, out, err);
    }
    if (st) {
        *out = NULL;
        if (err && !err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path ? path : "");
    }
    return st;
}

/* Whether the n bytes at s are UTF-8 throughout (lw_utf8: utf8proc's rules). */
static int all_utf8(const char *s, size_t n)
{
    for (size_t i = 0, k; i < n; i += k)
        if (!(k = lw_utf8_seq(s + i, n - i)))
            return 0;
    return 1;
}

const char *lw_read_media_type(const unsigned char *p, size_t len)
{
    switch (lw_read_sniff(p, len)) {
    case LW_KIND_PDF:
        return "application/pdf";
    case LW_KIND_DOCX:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case LW_KIND_ODT:
        return "application/vnd.oasis.opendocument.text";
    case LW_KIND_DOC:
        return "application/msword";
    case LW_KIND_IMAGE: /* which of the three lw_read_sniff takes */
        return len >= 4 && !memcmp(p, "\x89PNG", 4) ? "image/png" : p[0] == 0xFF ? "image/jpeg" : "image/tiff";
    case LW_KIND_TEXT:
        if (all_utf8((const char *)p, len))
            return "text/plain; charset=utf-8";
        break;
    default:
        break;
    }
    return "application/octet-stream";
}
