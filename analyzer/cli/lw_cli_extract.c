/* lw_cli_extract: the normalize and extract verbs. */
#include <stdlib.h>
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"
#include "lw_doc.h"
#include "lw_msg.h"

static const char normalize_usage[] =
    "Usage: lawwatch normalize [--encoding NAME] [--no-unwrap] FILE\n"
    "Prints the document's text as lawwatch reads it: decoded, NFC, look-alikes and tone\n"
    "marks repaired, hard-wrapped lines joined, page artefacts dropped.\n";

static const char extract_usage[] =
    "Usage: lawwatch extract [--format json|table] [--rules DIR] [--encoding NAME] FILE...\n"
    "Extracts the header and the facts (legal references, relations, dates, deadlines,\n"
    "agencies) of each file. json: one JSON object per file per line (JSON Lines).\n"
    "A file that cannot be read is reported on stderr and skipped (exit status 1).\n";

static int parse_encoding(const char *v, lw_doc_options *o)
{
    if (lw_encoding_parse(v, &o->encoding)) {
        fprintf(stderr, "lawwatch: unknown encoding '%s' (use utf-8, utf-16le, utf-16be, windows-1258, tcvn3, vni)\n", v);
        return -1;
    }
    return 0;
}

int lw_cli_normalize(int argc, char **argv)
{
    lw_doc_options o;
    lw_doc_options_default(&o);
    const char *file = NULL;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"no-unwrap", no_argument, NULL, 'u'},
                                             {NULL, 0, NULL, 0}};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "normalize", normalize_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next(&p)) != LW_CLI_DONE;) {
        switch (c) {
        case LW_CLI_HELP:
            return LW_EXIT_OK;
        case 'e':
            if (parse_encoding(p.arg, &o))
                return LW_EXIT_FATAL;
            break;
        case 'u':
            o.norm.unwrap = 0;
            break;
        case LW_CLI_OPERAND:
            if (file) {
                fprintf(stderr, "lawwatch normalize: one file at a time\n");
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
    lw_doc *d;
    lw_error err;
    lw_error_clear(&err);
    if (lw_doc_load(file, &o, &d, &err)) {
        lw_cli_error(&err);
        return LW_EXIT_FATAL;
    }
    size_t len;
    const char *t = lw_doc_text(d, &len);
    fwrite(t, 1, len, stdout);
    if (len && t[len - 1] != '\n')
        fputc('\n', stdout);
    lw_doc_free(d);
    return LW_EXIT_OK;
}

static void print_table(const json_t *rec)
{
    printf("== %s (%s)\n", json_string_value(json_object_get(rec, "path")),
           json_string_value(json_object_get(rec, "encoding")));
    json_t *h = json_object_get(rec, "header");
    const char *keys[] = {"kind", "number", "issuer", "place", "date", "subject"};
    for (size_t i = 0; i < 6; i++) {
        json_t *v = json_object_get(h, keys[i]);
        printf("  %-9s %s\n", keys[i], json_is_string(v) ? json_string_value(v) : "-");
    }
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(rec, "facts"), i, f) {
        const char *kind = json_string_value(json_object_get(f, "kind"));
        char what[400] = "";
        if (!strcmp(kind, "legal_ref")) {
            json_t *id = json_object_get(f, "id");
            json_t *d = json_object_get(f, "date");
            snprintf(what, sizeof what, "%s %s%s%s", json_string_value(json_object_get(f, "type")) ?: "",
                     json_is_string(id) ? json_string_value(id) : json_string_value(json_object_get(f, "title")) ?: "",
                     json_is_string(d) ? " ngày " : "", json_is_string(d) ? json_string_value(d) : "");
        } else if (!strcmp(kind, "deadline")) {
            json_t *fr = json_object_get(f, "from");
            snprintf(what, sizeof what, "%s %s..%s (%s)", json_string_value(json_object_get(f, "qualifier")),
                     json_is_string(fr) ? json_string_value(fr) : "", json_string_value(json_object_get(f, "to")),
                     json_string_value(json_object_get(f, "precision")));
        } else if (!strcmp(kind, "agency")) {
            json_t *lv = json_object_get(f, "level");
            snprintf(what, sizeof what, "%s [%s]", json_string_value(json_object_get(f, "name")),
                     json_is_string(lv) ? json_string_value(lv) : "-");
        } else if (!strcmp(kind, "relation")) {
            json_t *fr = json_object_get(f, "from");
            snprintf(what, sizeof what, "%s %s -> %s", json_string_value(json_object_get(f, "type")),
                     json_is_string(fr) ? json_string_value(fr) : "(văn bản này)",
                     json_string_value(json_object_get(f, "to")));
        } else if (!strcmp(kind, "date")) {
            snprintf(what, sizeof what, "%s", json_string_value(json_object_get(f, "value")));
        } else if (!strcmp(kind, "duty")) {
            json_t *dl = json_object_get(f, "deadline");
            char *lead = json_dumps(json_object_get(f, "lead"), JSON_COMPACT);
            snprintf(what, sizeof what, "%s | lead %s | %s", json_string_value(json_object_get(f, "activity")) ?: "",
                     lead ? lead : "[]", json_is_object(dl) ? json_string_value(json_object_get(dl, "to")) : "-");
            free(lead);
        } else {
            snprintf(what, sizeof what, "%s", json_string_value(json_object_get(f, "text")));
        }
        /* snprintf may have cut a multi-byte character: drop its lead bytes */
        size_t wl = strlen(what);
        if (wl == sizeof what - 1) {
            size_t k = wl;
            while (k > 0 && ((unsigned char)what[k - 1] & 0xC0) == 0x80)
                k--;
            if (k > 0 && (unsigned char)what[k - 1] >= 0xC0)
                what[k - 1] = '\0';
        }
        printf("  %5lld  %-9s  %s\n", (long long)json_integer_value(json_object_get(f, "line")), kind, what);
    }
    json_array_foreach(json_object_get(rec, "warnings"), i, f)
        printf("  %5lld  warning    %s\n", (long long)json_integer_value(json_object_get(f, "line")),
               json_string_value(json_object_get(f, "message")));
}

int lw_cli_extract(int argc, char **argv)
{
    lw_doc_options o;
    lw_doc_options_default(&o);
    const char *format = "json", *rules = NULL;
    int nfiles = 0;
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        fprintf(stderr, "lawwatch extract: out of memory\n");
        return LW_EXIT_FATAL;
    }
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"rules", required_argument, NULL, 'r'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {NULL, 0, NULL, 0}};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "extract", extract_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next(&p)) != LW_CLI_DONE;) {
        switch (c) {
        case 'f':
            format = p.arg;
            break;
        case 'r':
            rules = p.arg;
            break;
        case 'e':
            if (parse_encoding(p.arg, &o)) {
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
        fprintf(stderr, "lawwatch extract: --format must be json or table, not '%s'\n", format);
        free(files);
        return LW_EXIT_FATAL;
    }
    if (!nfiles) {
        fputs(extract_usage, stderr);
        free(files);
        return LW_EXIT_FATAL;
    }
    lw_engine *eng = lw_cli_engine(rules);
    if (!eng) {
        free(files);
        return LW_EXIT_FATAL;
    }
    lw_matcher *m = lw_matcher_create(lw_engine_rules(eng));
    if (!m) {
        fprintf(stderr, "lawwatch extract: out of memory\n");
        lw_engine_free(eng);
        free(files);
        return LW_EXIT_FATAL;
    }
    int failed = 0;
    for (int i = 0; i < nfiles; i++) {
        lw_doc *d;
        lw_error err;
        lw_error_clear(&err);
        if (lw_doc_load(files[i], &o, &d, &err)) {
            lw_cli_error(&err);
            failed++;
            continue;
        }
        size_t len;
        const char *t = lw_doc_text(d, &len);
        lw_extraction *x;
        if (lw_extract(lw_engine_rules(eng), lw_engine_lexicon(eng), m, t, len, NULL, &x, &err)) {
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", files[i]);
            lw_cli_error(&err);
            lw_doc_free(d);
            failed++;
            continue;
        }
        json_t *rec = lw_extraction_record(x, d);
        if (!rec) {
            lw_error_msg(&err, LW_ERR_NOMEM, files[i], 0, 0, LW_MSG_NOMEM);
            lw_cli_error(&err);
            lw_extraction_free(x);
            lw_doc_free(d);
            failed++;
            continue;
        }
        /* decoding problems (a "code"d warning) are said on stderr too, with file and line */
        size_t wi;
        json_t *w;
        json_array_foreach(json_object_get(rec, "warnings"), wi, w)
            if (json_object_get(w, "code"))
                fprintf(stderr, "lawwatch: %s:%lld: %s\n", files[i],
                        (long long)json_integer_value(json_object_get(w, "line")),
                        json_string_value(json_object_get(w, "message")));
        if (!strcmp(format, "json")) {
            char *s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
            puts(s);
            free(s);
        } else {
            print_table(rec);
        }
        json_decref(rec);
        lw_extraction_free(x);
        lw_doc_free(d);
    }
    lw_matcher_free(m);
    lw_engine_free(eng);
    free(files);
    return failed ? LW_EXIT_FINDINGS : LW_EXIT_OK;
}
