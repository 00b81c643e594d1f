/* lawwatch_export: the public face of lw_store_export (issue 21): one database's documents
 * into another, e.g. a SQLite file onto a PostgreSQL server. */
#include "lawwatch_impl.h"

#include <string.h>

#include "lw_store_export.h"

lawwatch_status lawwatch_export(lawwatch_db *from, lawwatch_db *to, const lawwatch_engine *eng,
                                const lawwatch_export_options *opt, lawwatch_export_counts *counts,
                                lawwatch_error *err)
{
    lawwatch_export_options none = {0};
    if (!opt)
        opt = &none;
    lw_export_options o = {.reextract = opt->reextract,
                           .batch = opt->batch,
                           .progress = opt->progress,
                           .progress_ud = opt->progress_ud,
                           .problem = opt->problem,
                           .problem_ud = opt->problem_ud};
    lw_export_report rep;
    lw_error ie;
    lw_error_clear(&ie);
    lw_status st = lw_store_export(from->store, to->store, eng->eng, &o, &rep, &ie);
    if (counts)
        *counts = (lawwatch_export_counts){rep.documents,  rep.created, rep.paths_added,    rep.paths_present,
                                           rep.touched,    rep.conflicts, rep.failed,      rep.stale,
                                           rep.sources_copied, rep.sources_read};
    return st ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}
