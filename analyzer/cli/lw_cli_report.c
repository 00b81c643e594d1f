/* lw_cli_report: the report verb: the nightly deadline report, to stdout or to a file
 * (written whole or not at all: a temporary file renamed into place). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"
#include "lw_date.h"
#include "lw_docset.h"
#include "lw_report.h"
#include "lw_report_write.h"
#include "lw_resolve.h"

static const char report_usage[] =
    "Usage: lawwatch report [--db PATH] [--as-of YYYY-MM-DD] [--window DAYS] [--unit TEXT]\n"
    "                       [--since YYYY-MM-DD | --all] [--format text|md|html|csv|json]\n"
    "                       [-o FILE] [--lang vi|en]\n"
    "The deadline report as of a date (default today): for every duty and reporting obligation\n"
    "and each unit responsible for it, Quá hạn (overdue), Nộp muộn (late), Sắp đến hạn (due\n"
    "within --window days, default 14) and Thiếu thời hạn (no deadline), grouped by unit, with\n"
    "the document, line and the deadline's own words. A duty counts as answered by a document of\n"
    "the unit (a Báo cáo for a report, a Kế hoạch for a plan, else a letter on the duty's topic)\n"
    "dated on or after the duty's document that cites it or is of the deadline's year.\n"
    "  --since DATE  judge the duties due on or after DATE; the older ones are only counted\n"
    "                (default: 1 January of the year before the as-of date)\n"
    "  --all         judge every duty, however old\n"
    "  --unit TEXT   only units whose name contains TEXT (diacritics and case ignored); a TEXT\n"
    "                that matches no unit is an error (exit 2) listing the nearest names\n"
    "  -o FILE       write to FILE (replaced whole) instead of standard output\n"
    "html is one self-contained page (summary, a table and a timeline per unit).\n"
    "Exit status: 1 when anything is overdue, 0 otherwise, 2 on a usage or database error.\n";

int lw_cli_report(int argc, char **argv)
{
    const char *db = "lawwatch.db", *rules = NULL, *outfile = NULL;
    char today[11];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    lw_report_options opt = {.as_of = today, .window = 14};
    int fmt = LW_FMT_TEXT;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"db", required_argument, NULL, 'd'},
                                             {"rules", required_argument, NULL, 'r'},
                                             {"as-of", required_argument, NULL, 'a'},
                                             {"window", required_argument, NULL, 'w'},
                                             {"since", required_argument, NULL, 's'},
                                             {"all", no_argument, NULL, 'A'},
                                             {"unit", required_argument, NULL, 'u'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"lang", required_argument, NULL, 'l'},
                                             {NULL, 0, NULL, 0}};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "report", report_usage, "ho:", longopts, LW_CLI_NO_OPERANDS, argc, argv);
    for (int c; (c = lw_cli_next(&p)) != LW_CLI_DONE;) {
        lw_date d;
        switch (c) {
        case 'd':
            db = p.arg;
            break;
        case 'r':
            rules = p.arg;
            break;
        case 'a':
            opt.as_of = p.arg;
            if (lw_date_parse_iso(opt.as_of, &d) || !lw_date_valid(d)) {
                fprintf(stderr, "lawwatch report: --as-of needs a date YYYY-MM-DD that exists, not '%s'\n", opt.as_of);
                return LW_EXIT_FATAL;
            }
            break;
        case 'w': {
            char *end;
            long w = strtol(p.arg, &end, 10);
            if (*end || w < 0 || w > 3660) {
                fprintf(stderr, "lawwatch report: --window needs a number of days (0 to 3660), not '%s'\n", p.arg);
                return LW_EXIT_FATAL;
            }
            opt.window = (int)w;
            break;
        }
        case 's':
            opt.since = p.arg;
            if (lw_date_parse_iso(opt.since, &d) || !lw_date_valid(d)) {
                fprintf(stderr, "lawwatch report: --since needs a date YYYY-MM-DD that exists, not '%s'\n", opt.since);
                return LW_EXIT_FATAL;
            }
            break;
        case 'A':
            opt.all = 1;
            break;
        case 'u':
            opt.unit = p.arg;
            break;
        case 'f':
            fmt = lw_report_format_parse(p.arg);
            if (fmt < 0) {
                fprintf(stderr, "lawwatch report: --format is text, md, html, csv or json, not '%s'\n", p.arg);
                return LW_EXIT_FATAL;
            }
            break;
        case 'o':
            outfile = p.arg;
            break;
        case 'l':
            if (strcmp(p.arg, "vi") && strcmp(p.arg, "en")) {
                fprintf(stderr, "lawwatch report: --lang is vi or en, not '%s'\n", p.arg);
                return LW_EXIT_FATAL;
            }
            opt.english = !strcmp(p.arg, "en");
            break;
        default: /* help, or an unknown argument */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    opt.color = !outfile && fmt == LW_FMT_TEXT && isatty(STDOUT_FILENO);
    int rc = LW_EXIT_FATAL;
    lw_engine *eng = lw_cli_engine(rules);
    lw_store *s = NULL;
    lw_report *r = NULL;
    lw_error err;
    lw_error_clear(&err);
    char *tmp = NULL;
    FILE *f = stdout;
    if (!eng)
        goto done;
    if (lw_store_open(db, LW_STORE_READONLY, &s, &err) || lw_report_build(s, eng, &opt, &r, &err)) {
        lw_cli_error(&err);
        goto done;
    }
    /* a --unit that matches nothing would say "nothing needs attention": an error naming the
     * nearest units, unless the filter matched an item (the report's own names, such as
     * "Sở Nội vụ tỉnh Hậu Giang" for a plan's "Sở Nội vụ", are not all in the database) */
    size_t nitems = 0;
    for (int st = 0; st < LW_RS_COUNT; st++)
        nitems += lw_report_count(r, (lw_report_status)st);
    if (!nitems && lw_docset_check_unit(s, opt.unit, LW_DS_UNITS_ISSUERS | LW_DS_UNITS_DUTIES, &err)) {
        lw_cli_error(&err);
        goto done;
    }
    if (outfile) {
        size_t n = strlen(outfile) + 16;
        tmp = malloc(n);
        if (!tmp) {
            fprintf(stderr, "lawwatch report: out of memory\n");
            goto done;
        }
        snprintf(tmp, n, "%s.tmp%ld", outfile, (long)getpid());
        f = fopen(tmp, "wb");
        if (!f) {
            lw_error_set(&err, LW_ERR_IO, outfile, 0, 0, "không tạo được tệp (cannot create the file)");
            lw_cli_error(&err);
            f = stdout;
            goto done;
        }
    }
    if (lw_report_write(r, (lw_report_format)fmt, f, &err)) {
        snprintf(err.file, sizeof err.file, "%s", outfile ? outfile : "(stdout)");
        lw_cli_error(&err);
        goto done;
    }
    if (outfile) {
        int bad = fclose(f) != 0;
        f = stdout;
        if (bad || rename(tmp, outfile)) {
            lw_error_set(&err, LW_ERR_IO, outfile, 0, 0, "không ghi được tệp (cannot write the file)");
            lw_cli_error(&err);
            goto done;
        }
    }
    rc = lw_report_count(r, LW_RS_OVERDUE) ? LW_EXIT_FINDINGS : LW_EXIT_OK;
done:
    if (f != stdout)
        fclose(f);
    if (tmp && rc == LW_EXIT_FATAL)
        unlink(tmp);
    free(tmp);
    lw_report_free(r);
    lw_store_close(s);
    lw_engine_free(eng);
    return rc;
}
