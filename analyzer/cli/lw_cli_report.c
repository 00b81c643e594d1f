/* lw_cli_report: the report verb: options parsed here; the library builds the nightly
 * deadline report and writes it to stdout or to a file (lawwatch_report_write_file: whole or
 * not at all). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

/* The default --window: two weeks' notice is what units need to prepare a report. */
#define WINDOW_DEFAULT 14
/* The largest --window: ten years, beyond which "due soon" means nothing. */
#define WINDOW_MAX 3660

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
    "  --window DAYS  due soon when the deadline is within DAYS days (default: the\n"
    "                configuration's window, else 14)\n"
    "  --since DATE  judge the duties due on or after DATE; the older ones are only counted\n"
    "                (default: 1 January of the year before the as-of date)\n"
    "  --all         judge every duty, however old\n"
    "  --unit TEXT   only units whose name contains TEXT (diacritics and case ignored); a TEXT\n"
    "                that matches no unit is an error (exit 2) listing the nearest names\n"
    "  -o FILE       write to FILE instead of standard output: replaced whole or not at all (a\n"
    "                temporary file in its folder renamed over it), with the mode of the file it\n"
    "                replaces, else 0644 whatever the umask\n"
    "  --lang vi|en  labels in Vietnamese or English (default: the configuration's lang, else vi)\n"
    "html is one self-contained page (summary, a table and a timeline per unit).\n"
    "When facts were extracted by other (older) rules than --rules, the report says so at its top\n"
    "(json: \"stale_documents\") and on standard error: run lawwatch ingest --reextract.\n"
    "Exit status: 1 when anything is overdue, 0 otherwise, 2 on a usage or database error.\n";

/* --window's value (or the configuration's) into *window: 0, or -1 when it is not a number
 * of days from 0 to WINDOW_MAX. */
static int parse_window(const char *s, int *window)
{
    char *end;
    long w = strtol(s, &end, 10);
    if (!*s || *end || w < 0 || w > WINDOW_MAX)
        return -1;
    *window = (int)w;
    return 0;
}

/* --lang's value (or the configuration's): *english set, 0; -1 when neither vi nor en. */
static int parse_lang(const char *s, int *english)
{
    if (strcmp(s, "vi") && strcmp(s, "en"))
        return -1;
    *english = !strcmp(s, "en");
    return 0;
}

int lw_cli_report(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *outfile = NULL;
    char today[11];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    lawwatch_report_options opt = {.as_of = today, .window = WINDOW_DEFAULT};
    lawwatch_format fmt = LAWWATCH_FORMAT_TEXT;
    int window_given = 0, lang_given = 0;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES,
                                             {"as-of", required_argument, NULL, 'a'},
                                             {"window", required_argument, NULL, 'w'},
                                             {"since", required_argument, NULL, 's'},
                                             {"all", no_argument, NULL, 'A'},
                                             {"unit", required_argument, NULL, 'u'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"lang", required_argument, NULL, 'l'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "report", report_usage, "ho:", longopts, LW_CLI_NO_OPERANDS, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'a':
            opt.as_of = p.arg;
            if (!lawwatch_date_valid(opt.as_of)) {
                lw_cli_say("report", "CLI_DATE", "--as-of", opt.as_of);
                return LW_EXIT_FATAL;
            }
            break;
        case 'w':
            if (parse_window(p.arg, &opt.window)) {
                lw_cli_say("report", "CLI_WINDOW", WINDOW_MAX, p.arg);
                return LW_EXIT_FATAL;
            }
            window_given = 1;
            break;
        case 's':
            opt.since = p.arg;
            if (!lawwatch_date_valid(opt.since)) {
                lw_cli_say("report", "CLI_DATE", "--since", opt.since);
                return LW_EXIT_FATAL;
            }
            break;
        case 'A':
            opt.all = 1;
            break;
        case 'u':
            opt.unit = p.arg;
            break;
        case 'f': {
            int f = lawwatch_format_parse(p.arg);
            if (f < 0) {
                lw_cli_say("report", "CLI_FORMAT_REPORT", p.arg);
                return LW_EXIT_FATAL;
            }
            fmt = (lawwatch_format)f;
            break;
        }
        case 'o':
            outfile = p.arg;
            break;
        case 'l':
            if (parse_lang(p.arg, &opt.english)) {
                lw_cli_say("report", "CLI_LANG", p.arg);
                return LW_EXIT_FATAL;
            }
            lang_given = 1;
            break;
        default: /* help, or an unknown argument */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    /* the configuration's window and lang, when the command line gives none (read once the
     * options, --config among them, are parsed) */
    const char *conf;
    if (!window_given && (conf = lw_cli_setting("window")) && parse_window(conf, &opt.window)) {
        lw_cli_say("report", "CLI_WINDOW_CONFIG", WINDOW_MAX, conf);
        return LW_EXIT_FATAL;
    }
    if (!lang_given && (conf = lw_cli_setting("lang")) && parse_lang(conf, &opt.english)) {
        lw_cli_say("report", "CLI_LANG_CONFIG", conf);
        return LW_EXIT_FATAL;
    }
    opt.color = !outfile && fmt == LAWWATCH_FORMAT_TEXT && lw_cli_color(stdout);
    int rc = LW_EXIT_FATAL;
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    lawwatch_db *db = eng ? lw_cli_db(co.db, LAWWATCH_DB_READONLY) : NULL;
    lawwatch_report *r = NULL;
    lawwatch_error err;
    if (!db)
        goto done;
    long long stale = 0; /* the report says it at its top; stderr (the log, the journal) too */
    if (lawwatch_db_stale_count(db, eng, &stale, &err) == LAWWATCH_OK && stale > 0)
        lw_cli_note(LW_CLI_WARNING, "report", "CLI_STALE_RULES", stale, lawwatch_db_name(db));
    if (lawwatch_report_build(db, eng, &opt, &r, &err)) {
        lw_cli_error(&err);
        goto done;
    }
    if (outfile ? lawwatch_report_write_file(r, fmt, outfile, &err) : lawwatch_report_write(r, fmt, stdout, &err)) {
        if (!outfile)
            snprintf(err.file, sizeof err.file, "%s", "(stdout)");
        lw_cli_error(&err);
        goto done;
    }
    rc = lawwatch_report_count(r, LAWWATCH_REPORT_OVERDUE) ? LW_EXIT_FINDINGS : LW_EXIT_OK;
done:
    lawwatch_report_free(r);
    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    return rc;
}
