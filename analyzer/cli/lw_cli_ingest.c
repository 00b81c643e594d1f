/* lw_cli_ingest: the ingest verb: files and folders into the database, incrementally; a
 * progress line on a terminal, then what the ingest did: the summary on stderr at its
 * levels (lw_cli_log_text), and with --format json one object on stdout
 * (lawwatch_ingest_result_write_json). One ingest at a time per database: a second one
 * says it waits (or, --no-wait, that it skipped) instead of doing the work again. */
#define _GNU_SOURCE /* open_memstream */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char ingest_usage[] =
    "Usage: lawwatch ingest [--db PATH] [--prune [--prune-max PERCENT] [--force]] [--reextract]\n"
    "                       [--follow-symlinks] [--no-wait] [--format text|json] [--jobs N]\n"
    "                       [--rules DIR] [--encoding NAME] [PATH...]\n"
    "Stores the documents (*.txt; PDFs, scans, images, .docx and .odt by their content,\n"
    "whatever their names; folders recursively; hidden entries left out) and their\n"
    "facts in the database (default ./lawwatch.db). Incremental: a file with the same path,\n"
    "size and mtime is not read again; a changed file replaces its document and facts.\n"
    "One content is one document: a file with the same bytes as a stored one (a copy in\n"
    "another folder) is counted as a duplicate and remembered as another path of it.\n"
    "Without PATH, the folders of the configuration file (folder = ...) are ingested.\n"
    "What is not a document (another extension, a .txt that is not text, the database's\n"
    "own files, a link not followed) is skipped and listed; it does not change the exit\n"
    "status; a Word 97-2003 .doc fails (save it as .docx). What was read out of a PDF, scan\n"
    "or Word file is kept by content, so that --reextract never reads or OCRs it again.\n"
    "One ingest at a time per database: another one waits for it.\n"
    "  --prune       forget the paths whose files are gone; a document goes with its last;\n"
    "                refused (exit 2, nothing deleted) when a PATH is missing, unreadable\n"
    "                or an empty folder, or when it would remove more than PERCENT\n"
    "  --prune-max PERCENT  the share of the documents --prune may remove (default 20)\n"
    "  --force       prune even more than --prune-max\n"
    "  --reextract   recompute the facts of documents stored with other rules, from the\n"
    "                stored bytes (PATH may then be left out)\n"
    "  --follow-symlinks  follow symbolic links out of the folders and into linked\n"
    "                folders (by default a link whose target is outside is skipped)\n"
    "  --no-wait     when another ingest is running on the database, skip this one\n"
    "                (exit 0) instead of waiting for it\n"
    "  --format FMT  text (the summary on stderr, default) or json (also one object on\n"
    "                stdout: counts by outcome, the failed and skipped files, the exit\n"
    "                status)\n"
    "  --jobs N      N worker threads read and extract; one writer (default: the cores);\n"
    "                PDFs and scans are read after the text files, N pages at a time\n"
    "Exit status: 0 ok or nothing to do (skipped files only; --no-wait and busy),\n"
    "             1 a document failed, 2 could not run (database, rules, refused prune).\n"
    "LAWWATCH_DEBUG_STATS=1 adds \"read N files\" to the summary.\n";

/* Seconds in a minute, for the ETA "m:ss". */
#define SECONDS_PER_MINUTE 60
/* Skipped files the summary lists at the NOTICE level, as lawwatch_ingest_result_write does;
 * the rest are listed with --verbose (INFO). */
#define SKIPPED_SHOWN 20
/* One line of the summary: a reason names a file (PATH_MAX) and says why. */
#define LINE_MAX_BYTES (2 * LW_CLI_PATH_MAX + 1024)
/* The progress line's parts, in bytes. */
#define LW_CLI_PROGRESS_MAX 160
/* The largest --prune-max. */
#define PRUNE_MAX_PERCENT 100

typedef struct {
    int tty;
    int drawn;
} progress_state;

/* The progress line, rewritten in place (\r, erase to the end of the line): files done of
 * all; when PDFs or images are read, pages done (in all, and of the file being read), pages
 * per second and the time left, which OCR makes long; else MB/s. Only on a terminal, not
 * with --quiet nor --format json (ps->tty says it); cleared at the end. */
static void draw_progress(void *ud, const lawwatch_progress *p)
{
    progress_state *ps = ud;
    if (!ps->tty)
        return;
    /* the time a file has taken so far, for the files left */
    double per_file = p->done ? p->elapsed / (double)p->done : 0;
    double eta = p->done < p->total ? per_file * (double)(p->total - p->done) : 0;
    char pages[LW_CLI_PROGRESS_MAX] = "";
    char pw[LW_CLI_PROGRESS_MAX / 4];
    lawwatch_message(pw, sizeof pw, "CLI_PROGRESS_PAGES");
    if (p->pages_done || p->file_pages_total) {
        double pps = p->pages_elapsed > 0 ? (double)p->pages_done / p->pages_elapsed : 0;
        if (p->file_pages_total && pps > 0 && p->done < p->total) {
            /* the file being read: its pages left at the rate seen; then the others */
            unsigned left = p->file_pages_total > p->file_pages_done ? p->file_pages_total - p->file_pages_done : 0;
            eta = (double)left / pps + per_file * (double)(p->total - p->done - 1);
        }
        if (p->file_pages_total)
            snprintf(pages, sizeof pages, "  %llu %s (%u/%u)  %.1f %s/s", p->pages_done, pw, p->file_pages_done,
                     p->file_pages_total, pps, pw);
        else
            snprintf(pages, sizeof pages, "  %llu %s  %.1f %s/s", p->pages_done, pw, pps, pw);
    } else {
        double mb = (double)p->bytes / 1e6;
        snprintf(pages, sizeof pages, "  %.1f MB/s", p->elapsed > 0 ? mb / p->elapsed : 0);
    }
    fprintf(stderr, "\r\033[K%zu/%zu tệp (files)%s  ETA %d:%02d", p->done, p->total, pages,
            (int)eta / SECONDS_PER_MINUTE, (int)eta % SECONDS_PER_MINUTE);
    fflush(stderr);
    ps->drawn = 1;
}

/* Says one line "  LABEL: reason" at level; a control character in the reason (a file
 * name may hold a newline) becomes '?', so that a log line stays one line. */
static void say_problem(int level, const char *label, const char *reason)
{
    char line[LINE_MAX_BYTES];
    int n = snprintf(line, sizeof line - 1, "  %s: %s", label, reason);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            line[i] = '?';
    line[len] = '\n';
    line[len + 1] = '\0';
    lw_cli_log_text(level, line);
}

/* The text summary at its levels: the counts NOTICE, each failed file WARNING, the first
 * skipped files NOTICE and the others INFO (--verbose). */
static void say_summary(const lawwatch_ingest_result *res)
{
    const char *dbg = getenv("LAWWATCH_DEBUG_STATS");
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    lawwatch_error werr;
    if (mem) {
        /* the library's summary, of which the first line is the counts */
        lawwatch_ingest_result_write(res, dbg && *dbg && strcmp(dbg, "0"), mem, &werr);
        fclose(mem);
    }
    if (text) {
        char *nl = strchr(text, '\n');
        if (nl)
            nl[1] = '\0';
        lw_cli_log_text(LW_CLI_NOTICE, text);
    }
    free(text);
    lawwatch_ingest_counts n = lawwatch_ingest_result_counts(res);
    char failed[LINE_MAX_BYTES / 4], skipped[LINE_MAX_BYTES / 4], more[LINE_MAX_BYTES / 4], line[LINE_MAX_BYTES];
    char warned[LINE_MAX_BYTES / 4];
    lawwatch_message(warned, sizeof warned, "API_ING_WARNED");
    lawwatch_message(failed, sizeof failed, "API_ING_FAILED");
    lawwatch_message(skipped, sizeof skipped, "API_ING_SKIPPED");
    const char *reason;
    for (size_t i = 0; i < n.failed; i++)
        if (!lawwatch_ingest_result_problem(res, LAWWATCH_PROBLEM_FAILED, i, NULL, &reason))
            say_problem(LW_CLI_WARNING, failed, reason);
    for (size_t i = 0; i < n.warnings; i++)
        if (!lawwatch_ingest_result_problem(res, LAWWATCH_PROBLEM_WARNING, i, NULL, &reason))
            say_problem(LW_CLI_WARNING, warned, reason);
    for (size_t i = 0; i < n.skipped && i < SKIPPED_SHOWN; i++)
        if (!lawwatch_ingest_result_problem(res, LAWWATCH_PROBLEM_SKIPPED, i, NULL, &reason))
            say_problem(LW_CLI_NOTICE, skipped, reason);
    if (n.skipped > SKIPPED_SHOWN) {
        snprintf(line, sizeof line, "  %s\n",
                 lawwatch_message(more, sizeof more, "API_ING_MORE_SKIPPED", n.skipped - SKIPPED_SHOWN));
        lw_cli_log_text(LW_CLI_NOTICE, line);
        for (size_t i = SKIPPED_SHOWN; i < n.skipped; i++)
            if (!lawwatch_ingest_result_problem(res, LAWWATCH_PROBLEM_SKIPPED, i, NULL, &reason))
                say_problem(LW_CLI_INFO, skipped, reason);
    }
    if (n.unrecorded) {
        snprintf(line, sizeof line, "  %zu %s\n", n.unrecorded, lawwatch_message(more, sizeof more, "API_ING_UNRECORDED"));
        lw_cli_log_text(LW_CLI_WARNING, line);
    }
}

/* The PATHs to ingest when none is given: the configuration's folder values, appended to
 * *paths (grown). Returns how many, or -1 when memory ran out. */
static long config_folders(const char ***paths, size_t *npaths)
{
    long added = 0;
    for (size_t i = 0;; i++) {
        const char *f = lw_cli_setting_at("folder", i);
        if (!f)
            break;
        const char **p = realloc(*paths, (*npaths + 1) * sizeof *p);
        if (!p)
            return -1;
        *paths = p;
        p[(*npaths)++] = f;
        added++;
    }
    return added;
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
    int json = 0;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES, LW_CLI_OPT_ENCODING,
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"prune", no_argument, NULL, 'p'},
                                             {"prune-max", required_argument, NULL, 'm'},
                                             {"force", no_argument, NULL, 'F'},
                                             {"reextract", no_argument, NULL, 'x'},
                                             {"follow-symlinks", no_argument, NULL, 'L'},
                                             {"no-wait", no_argument, NULL, 'n'},
                                             {"format", required_argument, NULL, 'f'}, LW_CLI_OPT_END};
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
        case 'm': {
            char *end;
            long m = strtol(p.arg, &end, 10);
            if (!*p.arg || *end || m < 1 || m > PRUNE_MAX_PERCENT) {
                lw_cli_say("ingest", "CLI_PRUNE_MAX", p.arg);
                bad = 1;
            }
            opt.prune_max_percent = (int)m;
            break;
        }
        case 'f':
            if (strcmp(p.arg, "text") && strcmp(p.arg, "json")) {
                lw_cli_say("ingest", "CLI_FORMAT_INGEST", p.arg);
                bad = 1;
            }
            json = !strcmp(p.arg, "json");
            break;
        case 'p':
            opt.flags |= LAWWATCH_INGEST_PRUNE;
            break;
        case 'F':
            opt.flags |= LAWWATCH_INGEST_FORCE;
            break;
        case 'x':
            opt.flags |= LAWWATCH_INGEST_REEXTRACT;
            break;
        case 'L':
            opt.flags |= LAWWATCH_INGEST_FOLLOW_SYMLINKS;
            break;
        case 'n':
            opt.flags |= LAWWATCH_INGEST_NOWAIT;
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
    /* --prune or --reextract alone work on what is stored; otherwise no PATH means the
     * configured folders */
    if (!npaths && !(opt.flags & (LAWWATCH_INGEST_PRUNE | LAWWATCH_INGEST_REEXTRACT))) {
        long k = config_folders(&paths, &npaths);
        if (k < 0) {
            lw_cli_say("ingest", "NOMEM");
            free(paths);
            return LW_EXIT_FATAL;
        }
        if (k == 0) {
            lw_cli_say("ingest", "CLI_INGEST_NO_PATH");
            fputs(ingest_usage, stderr);
            free(paths);
            return LW_EXIT_FATAL;
        }
    }
    opt.read = co.read;
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    lawwatch_db *db = eng ? lw_cli_db(co.db, LAWWATCH_DB_CREATE) : NULL;
    if (!db) {
        lawwatch_engine_free(eng);
        free(paths);
        return LW_EXIT_FATAL;
    }
    /* the progress line is for a person watching: not in a pipe or a log, not with --quiet,
     * not beside --format json's object */
    progress_state ps = {isatty(2) && lw_cli_log_verbosity() != LW_CLI_QUIET && !json, 0};
    opt.progress = draw_progress;
    opt.progress_ud = &ps;
    lawwatch_ingest_result *res = NULL;
    lawwatch_error err;
    /* first without waiting, so that a wait is said before it begins */
    int no_wait = !!(opt.flags & LAWWATCH_INGEST_NOWAIT);
    opt.flags |= LAWWATCH_INGEST_NOWAIT;
    lawwatch_status st = lawwatch_ingest_ex(db, eng, paths, npaths, &opt, &res, &err);
    if (st == LAWWATCH_ERR_BUSY && !no_wait) {
        lw_cli_note(LW_CLI_NOTICE, "ingest", "CLI_INGEST_WAITING", lawwatch_db_name(db));
        lawwatch_ingest_result_free(res);
        res = NULL;
        opt.flags &= ~LAWWATCH_INGEST_NOWAIT;
        st = lawwatch_ingest_ex(db, eng, paths, npaths, &opt, &res, &err);
    }
    if (ps.drawn)
        fputs("\r\033[K", stderr);
    int rc = LW_EXIT_OK;
    if (st == LAWWATCH_ERR_BUSY) {
        /* --no-wait: the other ingest does the work; nothing to do about it */
        lw_cli_note(LW_CLI_NOTICE, "ingest", "CLI_INGEST_BUSY_SKIPPED", lawwatch_db_name(db));
    } else {
        if (res && st != LAWWATCH_ERR_REFUSED)
            say_summary(res);
        if (res) {
            /* as lawwatch_ingest_result_write_json's "exit" */
            lawwatch_ingest_counts n = lawwatch_ingest_result_counts(res);
            rc = n.failed || n.unrecorded ? LW_EXIT_FINDINGS : LW_EXIT_OK;
        }
        if (st) {
            lw_cli_error(&err);
            rc = LW_EXIT_FATAL;
        }
    }
    if (json && res) {
        lawwatch_error jerr;
        if (lawwatch_ingest_result_write_json(res, stdout, &jerr)) {
            lw_cli_error(&jerr);
            rc = LW_EXIT_FATAL;
        }
    }
    lawwatch_ingest_result_free(res);
    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    free(paths);
    return rc;
}
