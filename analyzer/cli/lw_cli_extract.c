/* lw_cli_extract: the normalize and extract verbs: options parsed here, the documents read,
 * extracted and written by the library (lawwatch_normalize_file, lawwatch_extract_write). */
#include <stdlib.h>
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char normalize_usage[] =
    "Usage: lawwatch normalize [--encoding NAME] [--no-unwrap] FILE\n"
    "Prints the document's text as lawwatch reads it: decoded, NFC, look-alikes and tone\n"
    "marks repaired, hard-wrapped lines joined, page artefacts dropped.\n";

static const char extract_usage[] =
    "Usage: lawwatch extract [--format json|table] [--rules DIR] [--encoding NAME] FILE...\n"
    "Extracts the header and the facts (legal references, relations, dates, deadlines,\n"
    "agencies) of each file. json: one JSON object per file per line (JSON Lines).\n"
    "A file that cannot be read is reported on stderr and skipped (exit status 1).\n";

int lw_cli_normalize(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *file = NULL;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_ENCODING,
                                             {"no-unwrap", no_argument, NULL, 'u'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "normalize", normalize_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case LW_CLI_HELP:
            return LW_EXIT_OK;
        case 'u':
            co.read.no_unwrap = 1;
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
                                             LW_CLI_OPT_RULES, LW_CLI_OPT_ENCODING, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "extract", extract_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'f':
            format = p.arg;
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
