/* lw_cli_ingest: the ingest verb: files and folders into the database, incrementally; a
 * progress line on a terminal, then the library's summary (lawwatch_ingest_result_write). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char ingest_usage[] =
    "Usage: lawwatch ingest [--db PATH] [--prune] [--reextract] [--jobs N] [--rules DIR]\n"
    "                       [--encoding NAME] PATH...\n"
    "Stores the documents (*.txt, folders recursively; hidden entries left out) and their\n"
    "facts in the database (default ./lawwatch.db). Incremental: a file with the same path,\n"
    "size and mtime is not read again; a changed file replaces its document and facts.\n"
    "One content is one document: a file with the same bytes as a stored one (a copy in\n"
    "another folder) is counted as a duplicate and remembered as another path of it.\n"
    "  --prune       forget the paths whose files are gone; a document goes with its last\n"
    "  --reextract   recompute the facts of documents stored with other rules, from the\n"
    "                stored bytes (PATH may then be left out)\n"
    "  --jobs N      N worker threads read and extract; one writer (default: the cores)\n"
    "Exit status: 0 ok, 1 some files failed or were skipped, 2 fatal (database).\n"
    "LAWWATCH_DEBUG_STATS=1 adds \"read N files\" to the summary.\n";

/* Seconds in a minute, for the ETA "m:ss". */
#define SECONDS_PER_MINUTE 60

typedef struct {
    int tty;
    int drawn;
} progress_state;

static void draw_progress(void *ud, const lawwatch_progress *p)
{
    progress_state *ps = ud;
    if (!ps->tty)
        return;
    double mb = (double)p->bytes / 1e6;
    double rate = p->elapsed > 0 ? mb / p->elapsed : 0;
    double eta = p->done > 0 && p->done < p->total ? p->elapsed / (double)p->done * (double)(p->total - p->done) : 0;
    fprintf(stderr, "\r\033[K%zu/%zu tệp (files)  %.1f MB/s  ETA %d:%02d", p->done, p->total, rate,
            (int)eta / SECONDS_PER_MINUTE, (int)eta % SECONDS_PER_MINUTE);
    fflush(stderr);
    ps->drawn = 1;
}

int lw_cli_ingest(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    lawwatch_ingest_options opt = {0};
    {
        /* the work is per document and the writer is one: as many workers as cores */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        opt.jobs = cores < 1 ? 1 : cores > LAWWATCH_INGEST_JOBS_MAX ? LAWWATCH_INGEST_JOBS_MAX : (int)cores;
    }
    const char **paths = calloc((size_t)argc, sizeof *paths);
    if (!paths) {
        lw_cli_say("ingest", "NOMEM");
        return LW_EXIT_FATAL;
    }
    size_t npaths = 0;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES, LW_CLI_OPT_ENCODING,
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"prune", no_argument, NULL, 'p'},
                                             {"reextract", no_argument, NULL, 'x'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "ingest", ingest_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        int bad = 0;
        switch (c) {
        case 'j': {
            char *end;
            long j = strtol(p.arg, &end, 10);
            if (*end || j < 1 || j > LAWWATCH_INGEST_JOBS_MAX) {
                lw_cli_say("ingest", "CLI_JOBS", LAWWATCH_INGEST_JOBS_MAX, p.arg);
                bad = 1;
            }
            opt.jobs = (int)j;
            break;
        }
        case 'p':
            opt.flags |= LAWWATCH_INGEST_PRUNE;
            break;
        case 'x':
            opt.flags |= LAWWATCH_INGEST_REEXTRACT;
            break;
        case LW_CLI_OPERAND:
            paths[npaths++] = p.arg;
            break;
        default: /* help, or an unknown option */
            free(paths);
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
        if (bad) {
            free(paths);
            return LW_EXIT_FATAL;
        }
    }
    if (!npaths && !opt.flags) {
        fputs(ingest_usage, stderr);
        free(paths);
        return LW_EXIT_FATAL;
    }
    opt.read = co.read;
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    lawwatch_db *db = eng ? lw_cli_db(co.db, LAWWATCH_DB_CREATE) : NULL;
    if (!db) {
        lawwatch_engine_free(eng);
        free(paths);
        return LW_EXIT_FATAL;
    }
    progress_state ps = {isatty(2), 0};
    opt.progress = draw_progress;
    opt.progress_ud = &ps;
    lawwatch_ingest_result *res = NULL;
    lawwatch_error err;
    lawwatch_status st = lawwatch_ingest_ex(db, eng, paths, npaths, &opt, &res, &err);
    if (ps.drawn)
        fputs("\r\033[K", stderr);
    int rc = LW_EXIT_OK;
    if (res) {
        const char *dbg = getenv("LAWWATCH_DEBUG_STATS");
        lawwatch_error werr;
        lawwatch_ingest_result_write(res, dbg && *dbg && strcmp(dbg, "0"), stderr, &werr);
        lawwatch_ingest_counts n = lawwatch_ingest_result_counts(res);
        rc = n.failed || n.skipped || n.unrecorded ? LW_EXIT_FINDINGS : LW_EXIT_OK;
    }
    if (st) {
        lw_cli_error(&err);
        rc = LW_EXIT_FATAL;
    }
    lawwatch_ingest_result_free(res);
    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    free(paths);
    return rc;
}
