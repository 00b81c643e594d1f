/* lw_cli_export: the export verb (issue 21): every document of one database into another,
 * typically a department's SQLite file onto the PostgreSQL server of a province or the
 * ministry (lawwatch_export does the work, through the storage interface, so any back end
 * goes to any other). A progress line on a terminal, each problem on stderr, the counts at
 * the end. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char export_usage[] =
    "Usage: lawwatch export [--db PATH] --to PATH [--rules DIR] [--reextract] [--batch N]\n"
    "Copies every document of the database --db (default ./lawwatch.db) into the database\n"
    "--to, created when missing: typically a SQLite file onto a PostgreSQL server\n"
    "(--to postgresql://USER@HOST/DB), or the other way. Each document moves with every\n"
    "path it was found at, their sizes and mtimes, its original file, topic and facts, and\n"
    "what was read out of a PDF, scan or Word file (never read or OCR'd again). The facts\n"
    "are extracted again from the stored original by the rules of --rules, which must be\n"
    "the rules the documents were extracted with (same version: the facts are then exactly\n"
    "the stored ones); documents extracted with other rules are refused (exit 2, nothing\n"
    "copied) unless --reextract. Run it again at will: a path the target already holds with\n"
    "the same content is left as it is; with other content (ingested there since) it is\n"
    "kept and reported as a conflict. A document that fails is reported and the rest go on.\n"
    "  --to PATH     the target: a SQLite file or a postgresql:// URI\n"
    "  --reextract   extract documents made by other rules with these rules (as ingest\n"
    "                --reextract would), instead of refusing\n"
    "  --batch N     documents per transaction (default 200)\n"
    "Exit status: 0 ok (conflicts are said), 1 a document failed, 2 could not run (database,\n"
    "             rules, refused).\n";

/* The largest --batch: a transaction is held in the target's memory and locks. */
#define BATCH_MAX 100000

typedef struct {
    int tty;
    int drawn;
} progress_state;

static void draw_progress(void *ud, size_t done, size_t total)
{
    progress_state *ps = ud;
    if (!ps->tty)
        return;
    fprintf(stderr, "\r\033[K%zu/%zu văn bản (documents)", done, total);
    fflush(stderr);
    ps->drawn = 1;
}

/* Each problem on a line "  PATH: message" (control characters shown as '?'): a failed
 * document at WARNING, a conflict or a source read again at NOTICE. */
static void say_problem(void *ud, int failed, const char *path, const char *msg)
{
    progress_state *ps = ud;
    if (ps->drawn) {
        fputs("\r\033[K", stderr);
        ps->drawn = 0;
    }
    size_t n = strlen(path) + strlen(msg) + 8;
    char *line = malloc(n);
    if (!line)
        return;
    snprintf(line, n, "  %s: %s\n", path, msg);
    for (char *c = line; c[1]; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    lw_cli_log_text(failed ? LW_CLI_WARNING : LW_CLI_NOTICE, line);
    free(line);
}

/* Both names are one database: the same URI, or the same file. */
static int same_db(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return 1;
    if (lawwatch_db_is_uri(a) || lawwatch_db_is_uri(b))
        return 0;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int lw_cli_export(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *to = NULL;
    lawwatch_export_options opt = {0};
    static const struct option longopts[] = {LW_CLI_OPT_HELP,
                                             LW_CLI_OPT_DB,
                                             LW_CLI_OPT_RULES,
                                             {"to", required_argument, NULL, 't'},
                                             {"reextract", no_argument, NULL, 'x'},
                                             {"batch", required_argument, NULL, 'b'},
                                             LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "export", export_usage, "h", longopts, LW_CLI_NO_OPERANDS, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 't':
            to = p.arg;
            break;
        case 'x':
            opt.reextract = 1;
            break;
        case 'b': {
            char *end;
            long b = strtol(p.arg, &end, 10);
            if (*end || end == p.arg || b < 1 || b > BATCH_MAX) {
                lw_cli_say("export", "CLI_UNKNOWN_ARGUMENT", p.arg);
                fputs(export_usage, stderr);
                return LW_EXIT_FATAL;
            }
            opt.batch = (size_t)b;
            break;
        }
        default: /* help, or an unknown option */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    if (!to) {
        lw_cli_say("export", "PGI_EXPORT_NO_TO");
        fputs(export_usage, stderr);
        return LW_EXIT_FATAL;
    }
    if (same_db(co.db, to)) {
        char shown[LW_CLI_PATH_MAX];
        lw_cli_say("export", "PGI_EXPORT_SAME", lawwatch_db_name_shown(to, shown, sizeof shown));
        return LW_EXIT_FATAL;
    }
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    lawwatch_db *from = eng ? lw_cli_db(co.db, LAWWATCH_DB_READONLY) : NULL;
    lawwatch_db *target = from ? lw_cli_db(to, LAWWATCH_DB_CREATE) : NULL;
    int rc = LW_EXIT_FATAL;
    if (target) {
        progress_state ps = {isatty(2) && lw_cli_log_verbosity() != LW_CLI_QUIET, 0};
        opt.progress = draw_progress;
        opt.progress_ud = &ps;
        opt.problem = say_problem;
        opt.problem_ud = &ps;
        lawwatch_export_counts n;
        lawwatch_error err;
        lawwatch_status st = lawwatch_export(from, target, eng, &opt, &n, &err);
        if (ps.drawn)
            fputs("\r\033[K", stderr);
        if (st != LAWWATCH_ERR_REFUSED || n.documents) {
            lw_cli_note(LW_CLI_NOTICE, "export", "PGI_EXPORT_SUMMARY", n.documents, n.created, n.paths_added,
                        n.paths_present, n.conflicts, n.failed, n.sources_copied, n.sources_read);
            if (opt.reextract && n.stale)
                lw_cli_note(LW_CLI_NOTICE, "export", "PGI_EXPORT_REEXTRACTED", n.stale);
        }
        if (st)
            lw_cli_error(&err);
        rc = st ? LW_EXIT_FATAL : n.failed ? LW_EXIT_FINDINGS : LW_EXIT_OK;
    }
    lawwatch_db_close(target);
    lawwatch_db_close(from);
    lawwatch_engine_free(eng);
    return rc;
}
