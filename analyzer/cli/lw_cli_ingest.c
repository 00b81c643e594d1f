/* lw_cli_ingest: the ingest verb: files and folders into the database, incrementally. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"
#include "lw_store_ingest.h"

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

typedef struct {
    int tty;
    int drawn;
} progress_state;

static void draw_progress(void *ud, const lw_ingest_progress *p)
{
    progress_state *ps = ud;
    if (!ps->tty)
        return;
    double mb = (double)p->bytes / 1e6;
    double rate = p->elapsed > 0 ? mb / p->elapsed : 0;
    double eta = p->done > 0 && p->done < p->total ? p->elapsed / (double)p->done * (double)(p->total - p->done) : 0;
    fprintf(stderr, "\r\033[K%zu/%zu tệp (files)  %.1f MB/s  ETA %d:%02d", p->done, p->total, rate,
            (int)eta / 60, (int)eta % 60);
    fflush(stderr);
    ps->drawn = 1;
}

int lw_cli_ingest(int argc, char **argv)
{
    const char *db = "lawwatch.db", *rules = NULL;
    lw_ingest_options opt;
    lw_ingest_options_default(&opt);
    {
        /* the work is per document and the writer is one: as many workers as cores */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        opt.jobs = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
    }
    const char **paths = calloc((size_t)argc, sizeof *paths);
    if (!paths) {
        fprintf(stderr, "lawwatch ingest: out of memory\n");
        return LW_EXIT_FATAL;
    }
    size_t npaths = 0;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"db", required_argument, NULL, 'd'},
                                             {"rules", required_argument, NULL, 'r'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"prune", no_argument, NULL, 'p'},
                                             {"reextract", no_argument, NULL, 'x'},
                                             {NULL, 0, NULL, 0}};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "ingest", ingest_usage, "h", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next(&p)) != LW_CLI_DONE;) {
        int bad = 0;
        switch (c) {
        case 'd':
            db = p.arg;
            break;
        case 'r':
            rules = p.arg;
            break;
        case 'e':
            if (lw_encoding_parse(p.arg, &opt.doc.encoding)) {
                fprintf(stderr, "lawwatch ingest: unknown encoding '%s'\n", p.arg);
                bad = 1;
            }
            break;
        case 'j': {
            char *end;
            long j = strtol(p.arg, &end, 10);
            if (*end || j < 1 || j > 64) {
                fprintf(stderr, "lawwatch ingest: --jobs wants a number from 1 to 64, not '%s'\n", p.arg);
                bad = 1;
            }
            opt.jobs = (int)j;
            break;
        }
        case 'p':
            opt.prune = 1;
            break;
        case 'x':
            opt.reextract = 1;
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
    if (!npaths && !opt.reextract && !opt.prune) {
        fputs(ingest_usage, stderr);
        free(paths);
        return LW_EXIT_FATAL;
    }
    lw_engine *eng = lw_cli_engine(rules);
    if (!eng) {
        free(paths);
        return LW_EXIT_FATAL;
    }
    lw_error err;
    lw_error_clear(&err);
    lw_store *s;
    if (lw_store_open(db, LW_STORE_CREATE, &s, &err)) {
        lw_cli_error(&err);
        lw_engine_free(eng);
        free(paths);
        return LW_EXIT_FATAL;
    }
    progress_state ps = {isatty(2), 0};
    opt.progress = draw_progress;
    opt.progress_ud = &ps;
    lw_ingest_report rep;
    lw_status st = lw_store_ingest(s, eng, paths, npaths, &opt, &rep, &err);
    if (ps.drawn)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "lawwatch ingest: %zu đã nhập (ingested), %zu không đổi (unchanged), ", rep.ingested,
            rep.unchanged);
    if (rep.duplicates)
        fprintf(stderr, "%zu trùng nội dung (duplicates), ", rep.duplicates);
    fprintf(stderr, "%zu bỏ qua (skipped), %zu lỗi (failed)", rep.n_skipped, rep.n_failed);
    if (opt.reextract || rep.reextracted)
        fprintf(stderr, ", %zu trích xuất lại (re-extracted)", rep.reextracted);
    if (opt.prune && rep.pruned_docs != rep.pruned)
        fprintf(stderr, ", %zu xóa (pruned): %zu văn bản, %zu đường dẫn của văn bản còn lại (%zu documents, %zu "
                "paths of documents kept)", rep.pruned, rep.pruned_docs, rep.pruned - rep.pruned_docs,
                rep.pruned_docs, rep.pruned - rep.pruned_docs);
    else if (opt.prune)
        fprintf(stderr, ", %zu xóa (pruned)", rep.pruned);
    const char *dbg = getenv("LAWWATCH_DEBUG_STATS");
    if (dbg && *dbg && strcmp(dbg, "0"))
        fprintf(stderr, "; read %zu files, %zu touched", rep.files_read, rep.touched);
    fputc('\n', stderr);
    for (size_t i = 0; i < rep.n_failed; i++)
        fprintf(stderr, "  lỗi (failed): %s\n", rep.failed[i].reason);
    for (size_t i = 0; i < rep.n_skipped && i < 20; i++)
        fprintf(stderr, "  bỏ qua (skipped): %s\n", rep.skipped[i].reason);
    if (rep.n_skipped > 20)
        fprintf(stderr, "  … và %zu tệp khác bị bỏ qua (and %zu more skipped)\n", rep.n_skipped - 20,
                rep.n_skipped - 20);
    if (rep.n_unrecorded)
        fprintf(stderr, "  %zu vấn đề không ghi lại được vì hết bộ nhớ (problems not recorded: out of memory)\n",
                rep.n_unrecorded);
    int rc = rep.n_failed || rep.n_skipped || rep.n_unrecorded ? LW_EXIT_FINDINGS : LW_EXIT_OK;
    if (st) {
        lw_cli_error(&err);
        rc = LW_EXIT_FATAL;
    }
    lw_ingest_report_free(&rep);
    lw_store_close(s);
    lw_engine_free(eng);
    free(paths);
    return rc;
}
