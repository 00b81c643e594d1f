/* lw_cli_extract: the normalize and extract verbs: options parsed here, the documents read,
 * extracted and written by the library (lawwatch_normalize_file, lawwatch_extract_write). */
#include <stdlib.h>
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char normalize_usage[] =
    "Usage: lawwatch normalize [--encoding NAME] [--no-unwrap] [--ocr] [--dpi N] [--max-pages N] FILE\n"
    "Prints the document's text as lawwatch reads it: decoded, NFC, look-alikes and tone\n"
    "marks repaired, hard-wrapped lines joined, page artefacts dropped. A PDF, image (PNG,\n"
    "JPEG, TIFF), Word (.docx) or OpenDocument (.odt) file is read first (told by content).\n"
    "  --ocr          OCR a PDF's pages even when its text layer is usable\n"
    "  --dpi N        OCR rendering resolution (default 300)\n"
    "  --max-pages N  refuse a PDF or image of more pages (default 500)\n";

static const char extract_usage[] =
    "Usage: lawwatch extract [--format json|table] [--rules DIR] [--encoding NAME] [--ocr] [--dpi N]\n"
    "                        [--max-pages N] FILE...\n"
    "Extracts the header and the facts (legal references, relations, dates, deadlines,\n"
    "agencies) of each file. json: one JSON object per file per line (JSON Lines).\n"
    "Plain text, PDF (its text layer, or OCR of its pages when the layer is unusable),\n"
    "images (OCR), Word (.docx) and OpenDocument (.odt) files are read, told by content;\n"
    "facts of a PDF or image carry their page, of a Word file its paragraph.\n"
    "  --ocr          OCR a PDF's pages even when its text layer is usable\n"
    "  --dpi N        OCR rendering resolution (default 300)\n"
    "  --max-pages N  refuse a PDF or image of more pages (default 500)\n"
    "A file that cannot be read is reported on stderr and skipped (exit status 1).\n";

/* The reading options of extract and normalize (--ocr, --dpi, --max-pages). */
#define READ_OPTS                                                                                                 \
    {"ocr", no_argument, NULL, 'O'}, {"dpi", required_argument, NULL, 'D'}, {"max-pages", required_argument, NULL, 'M'}
#define DPI_MIN 70
#define DPI_MAX 1200
#define PAGES_MAX 100000

/* Takes one of READ_OPTS (c) into r; 1 when it was one, -1 when its value is bad (said). */
static int read_option(const char *verb, int c, const char *arg, lawwatch_read_options *r)
{
    const char *name = c == 'D' ? "dpi" : "max-pages";
    int lo = c == 'D' ? DPI_MIN : 1, hi = c == 'D' ? DPI_MAX : PAGES_MAX;
    switch (c) {
    case 'O':
        r->force_ocr = 1;
        return 1;
    case 'D':
    case 'M': {
        char *end;
        long v = strtol(arg, &end, 10);
        if (!*arg || *end || v < lo || v > hi) {
            lw_cli_say(verb, "CLI_READ_NUMBER", name, lo, hi, arg);
            return -1;
        }
        if (c == 'D')
            r->dpi = (int)v;
        else
            r->max_pages = (int)v;
        return 1;
    }
    default:
        return 0;
    }
}

int lw_cli_normalize(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *file = NULL;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_ENCODING,
                                             {"no-unwrap", no_argument, NULL, 'u'}, READ_OPTS, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "normalize", normalize_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case LW_CLI_HELP:
            return LW_EXIT_OK;
        case 'u':
            co.read.no_unwrap = 1;
            break;
        case 'O':
        case 'D':
        case 'M':
            if (read_option("normalize", c, p.arg, &co.read) < 0)
                return LW_EXIT_FATAL;
            break;
        case LW_CLI_OPERAND:
            if (file) {
                lw_cli_say("normalize", "CLI_ONE_FILE");
                return LW_EXIT_FATAL;
            }
            file = p.arg;
            break;
        default:
            return LW_EXIT_FATAL;
        }
    }
    if (!file) {
        fputs(normalize_usage, stderr);
        return LW_EXIT_FATAL;
    }
    char *t;
    size_t len;
    lawwatch_error err;
    if (lawwatch_normalize_file(file, &co.read, &t, &len, &err)) {
        lw_cli_error(&err);
        return LW_EXIT_FATAL;
    }
    fwrite(t, 1, len, stdout);
    if (len && t[len - 1] != '\n')
        fputc('\n', stdout);
    lawwatch_free(t);
    return LW_EXIT_OK;
}

int lw_cli_extract(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *format = "json";
    int nfiles = 0;
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        lw_cli_say("extract", "NOMEM");
        return LW_EXIT_FATAL;
    }
    static const struct option longopts[] = {LW_CLI_OPT_HELP, {"format", required_argument, NULL, 'f'},
                                             LW_CLI_OPT_RULES, LW_CLI_OPT_ENCODING, READ_OPTS, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "extract", extract_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'f':
            format = p.arg;
            break;
        case 'O':
        case 'D':
        case 'M':
            if (read_option("extract", c, p.arg, &co.read) < 0) {
                free(files);
                return LW_EXIT_FATAL;
            }
            break;
        case LW_CLI_OPERAND:
            files[nfiles++] = p.arg;
            break;
        default: /* help, or an unknown option */
            free(files);
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    if (strcmp(format, "json") && strcmp(format, "table")) {
        lw_cli_say("extract", "CLI_FORMAT_TABLE", format);
        free(files);
        return LW_EXIT_FATAL;
    }
    if (!nfiles) {
        fputs(extract_usage, stderr);
        free(files);
        return LW_EXIT_FATAL;
    }
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    if (!eng) {
        free(files);
        return LW_EXIT_FATAL;
    }
    lawwatch_format fmt = strcmp(format, "json") ? LAWWATCH_FORMAT_TEXT : LAWWATCH_FORMAT_JSON;
    int failed = 0;
    for (int i = 0; i < nfiles; i++) {
        lawwatch_error err;
        if (lawwatch_extract_write(eng, files[i], &co.read, fmt, stdout, stderr, &err)) {
            lw_cli_error(&err);
            failed++;
        }
    }
    lawwatch_engine_free(eng);
    free(files);
    return failed ? LW_EXIT_FINDINGS : LW_EXIT_OK;
}
