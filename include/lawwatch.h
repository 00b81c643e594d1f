/* lawwatch.h: the public interface of the lawwatch library, an analyzer of Vietnamese legal
 * and administrative documents.
 *
 * The pipeline, as the lawwatch command runs it:
 *
 *   lawwatch_engine_open   load the rules (the YAML files of share/lawwatch/rules)
 *   lawwatch_db_open       open or create a database (one SQLite file)
 *   lawwatch_ingest        store documents (*.txt, PDF, images, Word, ODT; folders), incremental
 *   lawwatch_extract_file  the facts of one document, without a database (JSON text)
 *   lawwatch_search        full-text search: path, label, score, snippet per row
 *   lawwatch_cites         the documents citing a legal document (JSON text)
 *   lawwatch_check         citation and plan findings (JSON text)
 *   lawwatch_report_build  the deadline report as of a date, written in a format
 *   lawwatch_rules_test    every rule's own examples
 *
 * Each verb of the command also has a function that writes its output as the command does
 * (lawwatch_extract_write, lawwatch_search_write, lawwatch_check_write ...): the lawwatch
 * command is built on this header alone.
 *
 * Conventions (as in cmark and SQLite):
 * - Handles are opaque; each has an open/build function and a free function; every free
 *   function accepts NULL. A failed constructor sets its out-pointer to NULL.
 * - Every function that can fail returns a lawwatch_status and fills the caller's
 *   lawwatch_error (which may be NULL) with the code, the place (a file, line and column
 *   when known) and a message for reviewers (Vietnamese, English in parentheses).
 * - Strings a function hands over ("owned") are freed with lawwatch_free; strings the
 *   library lends ("borrowed") are valid until the handle they come from is freed.
 * - Text is UTF-8. JSON texts follow the contracts of lawwatch's DESIGN.md (the same keys
 *   as `lawwatch extract`, `search --cites --format json`, `check --format json`).
 * - A database handle is used by one thread at a time; an engine is read-only once open
 *   and may be shared by threads.
 *
 * This header includes only the C standard library. */
#ifndef LAWWATCH_H
#define LAWWATCH_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LAWWATCH_VERSION_STRING "0.1.0"

/* ---- status and errors ---- */

typedef enum {
    LAWWATCH_OK = 0,
    LAWWATCH_ERR_IO,        /* a file could not be read or written */
    LAWWATCH_ERR_NOMEM,     /* out of memory */
    LAWWATCH_ERR_BINARY,    /* input is not text (NUL bytes, PDF, ZIP, image) */
    LAWWATCH_ERR_ENCODING,  /* input could not be decoded */
    LAWWATCH_ERR_RULE,      /* a rule file or rule is invalid */
    LAWWATCH_ERR_DATA,      /* a data file (agencies, registry) is invalid */
    LAWWATCH_ERR_LIMIT,     /* a match or size limit was hit */
    LAWWATCH_ERR_USAGE,     /* bad arguments */
    LAWWATCH_ERR_DB,        /* the database failed */
    LAWWATCH_ERR_QUERY,     /* a search query is malformed */
    LAWWATCH_ERR_TOO_LARGE, /* input larger than the library accepts */
    LAWWATCH_ERR_BUSY,      /* another ingest holds the database (LAWWATCH_INGEST_NOWAIT) */
    LAWWATCH_ERR_REFUSED,   /* refused as unsafe: a prune over a missing or empty folder, or one
                               that would remove more than the share allowed without FORCE */
    LAWWATCH_ERR_NOT_FOUND, /* no such document (id) or registry entry */
    LAWWATCH_ERR_TIMEOUT    /* the time allowed by lawwatch_db_set_time_limit ran out */
} lawwatch_status;

/* The size of an error's file and message: a path as long as systems take, a message with
 * its Vietnamese and English texts and what they quote. */
#define LAWWATCH_ERROR_TEXT_MAX 1024

/* An error with a place: file is the path concerned (document, rule file, database); line
 * and col are 1-based, 0 when unknown; msg is the message. Filled by the functions that
 * take one; the caller owns the struct (on the stack is fine). */
typedef struct {
    lawwatch_status code;
    char file[LAWWATCH_ERROR_TEXT_MAX];
    int line;
    int col;
    char msg[LAWWATCH_ERROR_TEXT_MAX];
} lawwatch_error;

/* "0.1.0". Static string. */
const char *lawwatch_version(void);
/* A short English name of a status ("out of memory"). Static string. */
const char *lawwatch_status_str(lawwatch_status st);
/* "file:line:col: msg" (unknown parts left out) into buf; returns buf. */
const char *lawwatch_error_format(const lawwatch_error *err, char *buf, size_t size);
/* Frees a string (or any memory) the library handed over as owned. Accepts NULL. */
void lawwatch_free(void *p);

/* Formats the message named name ("CLI_UNKNOWN_OPTION") of lawwatch's message table, the one
 * place of every text lawwatch shows a person, with the printf arguments its texts take,
 * into buf (cut to size) in the tool's form "tiếng Việt (English)"; returns buf. A name the
 * table lacks is written as itself, so that a typo shows. For programs that speak as
 * lawwatch does, such as the lawwatch command. */
const char *lawwatch_message(char *buf, size_t size, const char *name, ...)
#if defined(__GNUC__)
    __attribute__((nonnull(1, 3)))
#endif
    ;
/* The same with the arguments as a va_list. */
const char *lawwatch_vmessage(char *buf, size_t size, const char *name, va_list ap);

/* ---- the engine: rules ---- */

typedef struct lawwatch_engine lawwatch_engine;

/* The rules folder used when lawwatch_engine_open is given NULL: $LAWWATCH_RULES when set
 * and not empty, else the folder installed with the library (PREFIX/share/lawwatch/rules).
 * Borrowed (static or the environment's). */
const char *lawwatch_default_rules_dir(void);

/* Loads the rules of rules_dir (NULL: lawwatch_default_rules_dir()). A broken rule is an
 * error (LAWWATCH_ERR_RULE) at its file and line. *out owned (lawwatch_engine_free). */
lawwatch_status lawwatch_engine_open(const char *rules_dir, lawwatch_engine **out, lawwatch_error *err);
void lawwatch_engine_free(lawwatch_engine *eng);
/* The rules folder the engine was loaded from. Borrowed, valid until lawwatch_engine_free. */
const char *lawwatch_engine_rules_dir(const lawwatch_engine *eng);
/* The rules' version: 16 hex digits, a hash of the rule files' contents, stored with every
 * document's facts. Borrowed, valid until lawwatch_engine_free. */
const char *lawwatch_engine_rules_version(const lawwatch_engine *eng);

/* ---- reading documents ---- */

/* The encodings a document can be read in; LAWWATCH_ENCODING_DETECT finds it (BOM, UTF-16,
 * then the legacy Vietnamese encodings by their byte patterns). */
typedef enum {
    LAWWATCH_ENCODING_DETECT = 0,
    LAWWATCH_ENCODING_UTF8,
    LAWWATCH_ENCODING_UTF16LE,
    LAWWATCH_ENCODING_UTF16BE,
    LAWWATCH_ENCODING_CP1258,
    LAWWATCH_ENCODING_TCVN3,
    LAWWATCH_ENCODING_VNI
} lawwatch_encoding;

/* The encoding named name ("utf-8", "utf-16le", "utf-16be", "windows-1258", "tcvn3", "vni",
 * "auto"; case ignored) into *out. Returns 0, or -1 when name is none of them. */
int lawwatch_encoding_parse(const char *name, lawwatch_encoding *out);

/* How a document is read. Zeroed (or NULL where a function takes a pointer): detect the
 * encoding, join hard-wrapped lines, read a PDF's text layer when it is usable (else OCR its
 * pages) with the default limits. A file that is not plain text (PDF, image, DOCX, ODT, told
 * by content) is read in a child process with limits (memory, CPU, time, pages). */
typedef struct {
    lawwatch_encoding encoding; /* plain text only */
    int no_unwrap;              /* keep hard-wrapped lines as they are */
    int force_ocr;              /* OCR a PDF even when its text layer is usable */
    int dpi;                    /* OCR rendering of PDF pages; 0: 300 */
    int max_pages;              /* a PDF or image of more pages is refused; 0: 500 */
    int jobs;                   /* OCR threads for the pages of one file; 0: 1 */
    int timeout;                /* seconds (wall clock) to read one file; 0: 900 */
} lawwatch_read_options;

/* The text of the file at path as lawwatch reads it: decoded, NFC, look-alikes and tone marks
 * repaired, hard-wrapped lines joined, page artefacts dropped. opt may be NULL. *text owned
 * (lawwatch_free), *len bytes, NUL-terminated; NULL on error. */
lawwatch_status lawwatch_normalize_file(const char *path, const lawwatch_read_options *opt, char **text,
                                        size_t *len, lawwatch_error *err);

/* ---- one document, without a database ---- */

/* Decodes (encoding detected: UTF-8, UTF-16, Windows-1258, TCVN3, VNI) or reads (PDF, image,
 * DOCX, ODT), normalizes and extracts the file at path. *json (owned, lawwatch_free) is the
 * document's JSON record: path, sha256, encoding, (source_format, pages, ocr_engine, note for
 * a file that is not plain text,) header, facts, warnings. On error *json is NULL. */
lawwatch_status lawwatch_extract_file(const lawwatch_engine *eng, const char *path, char **json,
                                      lawwatch_error *err);
/* Same for len bytes in memory (copied); name stands for the path in the record and in
 * messages. */
lawwatch_status lawwatch_extract_bytes(const lawwatch_engine *eng, const char *name, const void *bytes,
                                       size_t len, char **json, lawwatch_error *err);

/* The formats of what the library writes: LAWWATCH_FORMAT_TEXT is the table a reviewer reads
 * (extract, search, check) or the text report; LAWWATCH_FORMAT_JSON the design's JSON; the
 * report also has MD, HTML and CSV. */
typedef enum {
    LAWWATCH_FORMAT_TEXT,
    LAWWATCH_FORMAT_MD,
    LAWWATCH_FORMAT_HTML,
    LAWWATCH_FORMAT_CSV,
    LAWWATCH_FORMAT_JSON
} lawwatch_format;

/* The format named name ("text", "md", "html", "csv", "json"); -1 when it is none. */
int lawwatch_format_parse(const char *name);

/* How a verb's output is written. Zeroed: the table, no colour, paths as stored. */
typedef struct {
    lawwatch_format format; /* LAWWATCH_FORMAT_TEXT (the table) or LAWWATCH_FORMAT_JSON */
    int color;              /* the table in ANSI colours (for a terminal) */
    const char *cwd;        /* paths below this folder are shown relative to it; NULL: as stored */
} lawwatch_view;

/* Extracts the file at path as lawwatch_extract_file does (opt may be NULL) and writes its
 * record to out: in JSON, one line (JSON Lines); in TEXT, a table (header fields, then a line
 * per fact and warning). The decoding problems of the file are also said on diag (may be
 * NULL), one line each ("lawwatch: path:line: message"). Nothing is written on error. */
lawwatch_status lawwatch_extract_write(const lawwatch_engine *eng, const char *path, const lawwatch_read_options *opt,
                                       lawwatch_format fmt, FILE *out, FILE *diag, lawwatch_error *err);

/* ---- the database ---- */

typedef struct lawwatch_db lawwatch_db;

enum {
    LAWWATCH_DB_CREATE = 1,  /* create the file and its schema when missing */
    LAWWATCH_DB_READONLY = 2 /* open for queries only (search, cites, check, report) */
};

/* Opens the database at path. Opened for writing, a database of an older schema is upgraded
 * in place after a copy is written next to it (lawwatch_db_backup_path). Errors
 * (LAWWATCH_ERR_DB, err->file = path): missing file without LAWWATCH_DB_CREATE, not a
 * lawwatch database, another schema version, an upgrade whose copy could not be made (the
 * database left as it was). *out owned (lawwatch_db_close). */
lawwatch_status lawwatch_db_open(const char *path, int flags, lawwatch_db **out, lawwatch_error *err);
void lawwatch_db_close(lawwatch_db *db);
/* Number of documents stored; -1 on a database error. */
long long lawwatch_db_count(lawwatch_db *db);
/* 1 when name is a PostgreSQL URI (postgresql://... or postgres://...), which
 * lawwatch_db_open opens on that server; 0 for a SQLite file's path. */
int lawwatch_db_is_uri(const char *name);
/* The database's name for messages: its path, or its URI without the password. Borrowed,
 * valid until lawwatch_db_close. */
const char *lawwatch_db_name(const lawwatch_db *db);
/* name (a path or a URI) as messages show it, the URI's password left out, into buf (size
 * bytes, cut to fit); returns buf. */
const char *lawwatch_db_name_shown(const char *name, char *buf, size_t size);
/* The copy of the database written by this open before it upgraded the schema (next to
 * the database), or NULL when there was no upgrade. Borrowed, valid until lawwatch_db_close. */
const char *lawwatch_db_backup_path(const lawwatch_db *db);
/* *n = the documents whose facts were extracted by rules other than eng's (re-extract them
 * with lawwatch_ingest_ex and LAWWATCH_INGEST_REEXTRACT). */
lawwatch_status lawwatch_db_stale_count(lawwatch_db *db, const lawwatch_engine *eng, long long *n,
                                        lawwatch_error *err);

/* ---- export (issue 21) ---- */

/* The options of lawwatch_export. Zeroed: refuse documents made by other rules, batches of
 * 200 documents, no callbacks. */
typedef struct {
    int reextract; /* documents extracted with other rules than eng's: extract them with eng's */
    size_t batch;  /* documents per transaction; 0: the default (200) */
    /* documents handled so far of total (may be NULL) */
    void (*progress)(void *ud, size_t done, size_t total);
    void *progress_ud;
    /* a document that failed (failed 1), a path in conflict or a source read again (0):
     * its path and a message "vi (en)" (may be NULL; borrowed for the call) */
    void (*problem)(void *ud, int failed, const char *path, const char *msg);
    void *problem_ud;
} lawwatch_export_options;

/* What an export did. */
typedef struct {
    size_t documents;      /* documents of the source handled */
    size_t created;        /* documents the target did not have (by content) */
    size_t paths_added;    /* paths added to the target */
    size_t paths_present;  /* paths the target held with the same content (left, size and mtime set) */
    size_t touched;        /* of those, size or mtime set to the source's */
    size_t conflicts;      /* paths the target holds with other content: kept as they are */
    size_t failed;         /* documents that could not be made again or stored */
    size_t stale;          /* documents the source holds extracted with other rules */
    size_t sources_copied; /* read sources (PDF, image, Word) copied across */
    size_t sources_read;   /* of those, read again (not in the source's cache) */
} lawwatch_export_counts;

/* Copies every document of from into to (a SQLite file to a PostgreSQL server, or any back
 * end to any other): each with all its paths (first first), sizes, mtimes, original bytes,
 * topic, facts and read source; the facts are made again from the original by eng's rules,
 * which must be the rules the source's documents were extracted with (same version: the
 * facts are then the stored ones exactly), else LAWWATCH_ERR_REFUSED before any work unless
 * opt->reextract. Idempotent (a path to already holds with the same content is left; with
 * other content it is kept and counted a conflict); a document that fails is told to
 * opt->problem and the export goes on; a database failure stops it (what was committed
 * stays: run it again). Holds to's ingest lock. *counts (may be NULL) filled also on error. */
lawwatch_status lawwatch_export(lawwatch_db *from, lawwatch_db *to, const lawwatch_engine *eng,
                                const lawwatch_export_options *opt, lawwatch_export_counts *counts,
                                lawwatch_error *err);

/* ---- ingest ---- */

enum {
    LAWWATCH_INGEST_PRUNE = 1,           /* remove documents whose files are gone */
    LAWWATCH_INGEST_REEXTRACT = 2,       /* recompute facts of documents stored by other rules */
    LAWWATCH_INGEST_FOLLOW_SYMLINKS = 4, /* follow symbolic links, also out of the folders given */
    LAWWATCH_INGEST_FORCE = 8,           /* prune even more than prune_max_percent of the documents */
    LAWWATCH_INGEST_NOWAIT = 16          /* another ingest holds the database: LAWWATCH_ERR_BUSY at once
                                            instead of waiting for it */
};
/* The share of the stored documents a prune may remove without LAWWATCH_INGEST_FORCE. */
#define LAWWATCH_PRUNE_MAX_PERCENT_DEFAULT 20

/* What an ingest did. */
typedef struct {
    size_t ingested;    /* new or changed documents stored */
    size_t unchanged;   /* already stored, same content */
    size_t duplicates;  /* files whose content was stored under another path */
    size_t reextracted; /* facts recomputed (LAWWATCH_INGEST_REEXTRACT) */
    size_t pruned;      /* paths removed (LAWWATCH_INGEST_PRUNE) */
    size_t skipped;     /* what is not a document: nothing to do about it (listed) */
    size_t failed;      /* documents that could not be read, decoded, extracted or stored,
                           and PATHs missing or unreadable (listed) */
    size_t unrecorded;  /* more problems, which memory ran out to list: counted only */
    size_t pruned_docs; /* of pruned, documents removed with their last path */
    size_t files_read;  /* files whose contents were read */
    size_t touched;     /* of unchanged: content read, same hash, date updated */
    /* files of other formats than plain text (PDF, image, Word, ODT): */
    size_t sources_read;   /* read by their reader */
    size_t sources_cached; /* their text taken from the database's cache, not read again */
    size_t pages_read;     /* pages of PDFs and images read */
    size_t ocr_files;      /* of sources_read, files OCR'd (scanned PDFs, images) */
    size_t warnings;       /* documents stored with something to know (listed) */
} lawwatch_ingest_counts;

typedef enum { LAWWATCH_PROBLEM_FAILED, LAWWATCH_PROBLEM_SKIPPED, LAWWATCH_PROBLEM_WARNING } lawwatch_problem_kind;

typedef struct lawwatch_ingest_result lawwatch_ingest_result;

/* Stores the n files and folders of paths (folders recursively) with flags
 * (LAWWATCH_INGEST_*) and jobs worker threads (<= 1: none).
 * - What a document is: plain text in *.txt files; a PDF, an image (PNG, JPEG, TIFF), a
 *   DOCX or an ODT by its content, whatever its name (read in a child process with limits,
 *   after the text files, one at a time with jobs threads for its pages; what was read is
 *   cached in the database by the file's content hash, so that LAWWATCH_INGEST_REEXTRACT
 *   and a file seen again never read or OCR it again). A Word 97-2003 .doc fails with a
 *   message asking for .docx.
 * - Outcomes: a document is stored (ingested, unchanged, duplicate); what is not a document
 *   is skipped and listed with its reason (other extensions, a file whose bytes are no
 *   document, FIFOs and sockets, the database's own files, links not followed, folders
 *   nested too deep): nothing to do about it; a document that cannot be read, decoded,
 *   extracted or stored, and a PATH that does not exist or cannot be read, failed. Hidden
 *   entries are left out silently.
 * - Symbolic links: a link found in a folder is followed only when its target stays below
 *   that PATH (a link to a folder is not walked); LAWWATCH_INGEST_FOLLOW_SYMLINKS follows
 *   every link, walking linked folders too (a link back to a folder above is skipped). A
 *   PATH that is itself a link is followed.
 * - One ingest at a time per database: another one waits until this one ends; with
 *   LAWWATCH_INGEST_NOWAIT it returns LAWWATCH_ERR_BUSY at once. Readers never wait.
 * - LAWWATCH_INGEST_PRUNE is refused (LAWWATCH_ERR_REFUSED, before any work, nothing
 *   deleted) when a PATH given is missing, unreadable or an empty folder (an unmounted
 *   share), or when it would remove more than prune_max_percent of the stored documents
 *   (documents whose every path is gone) without LAWWATCH_INGEST_FORCE.
 * Returns LAWWATCH_OK when the batch ran: files that failed are in the result, with their
 * reasons; else the error that kept it from running or stopped it (what was committed
 * stays). *out owned (lawwatch_ingest_result_free), set whenever memory allows, also on an
 * error (what was done until then: nothing for BUSY and REFUSED). */
lawwatch_status lawwatch_ingest(lawwatch_db *db, const lawwatch_engine *eng, const char *const *paths,
                                size_t n, int flags, int jobs, lawwatch_ingest_result **out,
                                lawwatch_error *err);
/* The most worker threads an ingest runs: the work is per document and the writer is one,
 * so more threads than cores only wait. */
#define LAWWATCH_INGEST_JOBS_MAX 64

/* Where an ingest is, told now and then to a progress callback. */
typedef struct {
    size_t done, total;       /* files handled so far / files to handle */
    unsigned long long bytes; /* bytes read so far */
    double elapsed;           /* seconds since the start */
    /* pages of PDFs and images: of the file being read (0 and 0 when none is), and done in
     * all so far; seconds spent reading them (pages per second) */
    unsigned file_pages_done, file_pages_total;
    unsigned long long pages_done;
    double pages_elapsed;
} lawwatch_progress;

/* The options of lawwatch_ingest_ex. Zeroed: no flag, no worker thread, encoding detected. */
typedef struct {
    int flags;                  /* LAWWATCH_INGEST_* */
    int jobs;                   /* worker threads (<= 1: none; at most LAWWATCH_INGEST_JOBS_MAX) */
    lawwatch_read_options read; /* how the files are read */
    /* called from the writing thread as files are done (may be NULL); p is borrowed */
    void (*progress)(void *ud, const lawwatch_progress *p);
    void *progress_ud;
    /* the share of the stored documents LAWWATCH_INGEST_PRUNE may remove without
     * LAWWATCH_INGEST_FORCE: 1..100 percent; 0: LAWWATCH_PRUNE_MAX_PERCENT_DEFAULT; other
     * values are LAWWATCH_ERR_USAGE */
    int prune_max_percent;
} lawwatch_ingest_options;

/* lawwatch_ingest with every option (opt may be NULL). */
lawwatch_status lawwatch_ingest_ex(lawwatch_db *db, const lawwatch_engine *eng, const char *const *paths, size_t n,
                                   const lawwatch_ingest_options *opt, lawwatch_ingest_result **out,
                                   lawwatch_error *err);
void lawwatch_ingest_result_free(lawwatch_ingest_result *r);
/* Writes what an ingest did to out, as `lawwatch ingest` says it on stderr: one summary line
 * (prefixed "lawwatch ingest: "; with debug_stats, the files read and touched too), then the
 * failed files and the first skipped ones with their reasons. */
lawwatch_status lawwatch_ingest_result_write(const lawwatch_ingest_result *r, int debug_stats, FILE *out,
                                             lawwatch_error *err);
/* Writes what an ingest did to out as one JSON object on one line (`lawwatch ingest
 * --format json`): {"database", "rules_version", "counts": {"ingested", "unchanged",
 * "duplicates", "reextracted", "pruned", "pruned_documents", "skipped", "failed",
 * "unrecorded", "sources_read", "sources_cached", "pages_read", "ocr_files", "warnings"},
 * "failed": [{"path", "reason"}], "skipped": [{"path", "reason"}], "warnings": [{"path",
 * "reason"}], "exit"},
 * every failed and skipped file listed; "exit" is the status `lawwatch ingest` exits with
 * (0 ok or nothing to do, 1 a document failed, 2 could not run); when the ingest did not
 * run or stopped, "error": {"status", "message"} says why. */
lawwatch_status lawwatch_ingest_result_write_json(const lawwatch_ingest_result *r, FILE *out, lawwatch_error *err);
/* The counts of r. */
lawwatch_ingest_counts lawwatch_ingest_result_counts(const lawwatch_ingest_result *r);
/* The i-th problem of a kind, i < .failed or .skipped of lawwatch_ingest_result_counts
 * (.unrecorded more were counted but not listed): *path and *reason (a plain-language
 * message naming the file) are borrowed, valid until lawwatch_ingest_result_free. Returns 0,
 * or -1 when i is out of range. */
int lawwatch_ingest_result_problem(const lawwatch_ingest_result *r, lawwatch_problem_kind kind, size_t i,
                                   const char **path, const char **reason);

/* ---- search ---- */

typedef struct {
    const char *query;  /* the reviewer's words: "kế hoạch chuyển đổi số", "a OR b",
                           "\"ủy ban nhân dân\"", NOT, prefix*; diacritics optional */
    const char *year;   /* "2025" or NULL */
    const char *kind;   /* document kind, "Kế hoạch" = "ke hoach", or NULL */
    const char *issuer; /* a part of the issuer's name, or NULL */
    int limit;          /* <= 0: 20 */
    /* only the documents of a unit: those whose issuer contains this or whose duties name a
       unit containing it (diacritics and case ignored, as check's --unit), or NULL */
    const char *unit;
    int offset;         /* issue 19: the best hits skipped first, for pages (<= 0: none) */
} lawwatch_search_query;

typedef struct {
    const char *path;    /* the document's first path */
    const char *label;   /* as reviewers name it: "Kế hoạch số 48/KH-UBND ngày 10/01/2025 của
                            ..."; the path when the header names nothing */
    double score;        /* higher is more relevant (-bm25) */
    const char *snippet; /* the matching passage, the words marked « » */
} lawwatch_hit;

typedef struct lawwatch_hits lawwatch_hits;

/* Full-text search, best first. Errors: LAWWATCH_ERR_QUERY with a plain-language message
 * for a malformed query; LAWWATCH_ERR_DB. *out owned (lawwatch_hits_free). */
lawwatch_status lawwatch_search(lawwatch_db *db, const lawwatch_search_query *q, lawwatch_hits **out,
                                lawwatch_error *err);
void lawwatch_hits_free(lawwatch_hits *h);
size_t lawwatch_hits_count(const lawwatch_hits *h);
/* The i-th hit (NULL when out of range); borrowed with its strings, valid until
 * lawwatch_hits_free. */
const lawwatch_hit *lawwatch_hits_get(const lawwatch_hits *h, size_t i);

/* Runs q and writes the hits to out as the view says: in TEXT a numbered list (the document
 * as reviewers name it, its paths, the snippet: the words in colour with v->color, else
 * between « and »); in JSON an array of {path, number, kind, issuer, date, score, snippet,
 * label, id, subject, paths}. v may be NULL. *n (may be NULL) gets the number of hits. On a
 * malformed query (LAWWATCH_ERR_QUERY) err->col, when not 0, is the column of the query at
 * fault. */
lawwatch_status lawwatch_search_write(lawwatch_db *db, const lawwatch_search_query *q, const lawwatch_view *v,
                                      FILE *out, size_t *n, lawwatch_error *err);

/* issue 19: the facets of q over ALL its matches (q's limit and offset do not count), with
 * its filters: *json (owned, lawwatch_free) is {"total": N, "year": [{"value", "count"}...],
 * "kind": [...], "issuer": [...]}, each the 10 most frequent values (ties by value), exact
 * counts; a year is the date's first four characters; documents without the value are in no
 * list. Errors as lawwatch_search. */
lawwatch_status lawwatch_search_facets(lawwatch_db *db, const lawwatch_search_query *q, char **json,
                                       lawwatch_error *err);

/* ---- facts across documents ---- */

/* The documents citing the legal document id ("59/2012/NĐ-CP"; compared without case or
 * diacritics), newest first, at most limit (<= 0: all): *json (owned, lawwatch_free) is a
 * JSON array, one object per citing document (id, path, paths, kind, number, issuer, date,
 * subject, mentions, line, type, cited_id, text ...). */
lawwatch_status lawwatch_cites(lawwatch_db *db, const char *id, int limit, char **json, lawwatch_error *err);

/* Deadlines falling in a period ("2025Q3", "2025-Q3", "2025H2", "2025-07", "2025"): *json
 * (owned) is a JSON array by deadline, one object per deadline (path, label fields, unit,
 * from, to, precision, line, text ...). LAWWATCH_ERR_USAGE when period is not one. */
lawwatch_status lawwatch_deadlines_in(lawwatch_db *db, const char *period, int limit, char **json,
                                      lawwatch_error *err);

/* True when period is one lawwatch_deadlines_in takes. */
int lawwatch_period_valid(const char *period);

/* The documents citing id written as the view says (the `search --cites` output): first what
 * amends or replaces id, from the registry of rules_dir (NULL: none read; an unreadable one is
 * said on diag, may be NULL, and left out) and from the documents, then one row per citing
 * document (limit as lawwatch_cites). In JSON, an array of rows each with label, id, path,
 * paths and cited_changes. *n (may be NULL) gets the number of rows. */
lawwatch_status lawwatch_cites_write(lawwatch_db *db, const char *rules_dir, const char *id, int limit,
                                     const lawwatch_view *v, FILE *out, FILE *diag, size_t *n, lawwatch_error *err);

/* The deadlines of period written as the view says (the `search --deadline-in` output), by
 * deadline then document, with the unit the duty names. *n (may be NULL) gets the rows. */
lawwatch_status lawwatch_deadlines_write(lawwatch_db *db, const char *period, int limit, const lawwatch_view *v,
                                         FILE *out, size_t *n, lawwatch_error *err);

/* ---- check ---- */

typedef struct {
    const char *unit; /* only documents whose issuer contains this, or NULL */
    int year;         /* only documents of this year, or 0 */
    /* registry files read after the rules folder's registry.yaml, each overriding its
     * entries (borrowed; may be NULL when n_registries is 0) */
    const char *const *registries;
    size_t n_registries;
    int list_unknown; /* lawwatch_check_write's table: a line per citation not in the
                         registry (else a summary line per document) */
    /* only the findings whose code one of these names (lawwatch_check_code_match: the code
       itself, or a prefix ending in '.' such as "citation."); n_codes 0: every finding
       (borrowed; may be NULL when n_codes is 0) */
    const char *const *codes;
    size_t n_codes;
} lawwatch_check_options;

/* Checks the stored documents: citations against the registry of the engine's rules folder
 * (wrong date, unknown or superseded documents ...), plans against the province's plan,
 * duties without deadline. opt may be NULL. *json (owned) is a JSON array of findings
 * {code, severity, path, line, message, evidence, id, label, subject}; *n_errors (may be
 * NULL) gets the number of findings of severity "error". A unit that names no issuer is an
 * error (LAWWATCH_ERR_USAGE) naming the nearest ones. When documents were extracted by rules
 * other than eng's (lawwatch_db_stale_count), a "rules.stale" warning comes first (path: the
 * database; evidence: stale_documents, command). */
lawwatch_status lawwatch_check(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                               char **json, size_t *n_errors, lawwatch_error *err);

/* Checks as lawwatch_check and writes the findings as the view says (the `check` output): in
 * TEXT a table grouped under each document as reviewers name it, the documents with errors or
 * warnings first, then a count; in JSON the findings' array, paths relative to v->cwd. */
lawwatch_status lawwatch_check_write(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                                     const lawwatch_view *v, FILE *out, size_t *n_errors, lawwatch_error *err);

/* ---- the deadline report ---- */

typedef enum {
    LAWWATCH_REPORT_OVERDUE,     /* Quá hạn */
    LAWWATCH_REPORT_LATE,        /* Nộp muộn */
    LAWWATCH_REPORT_DUE_SOON,    /* Sắp đến hạn */
    LAWWATCH_REPORT_NO_DEADLINE, /* Thiếu thời hạn */
    LAWWATCH_REPORT_NO_UNIT,     /* Chưa rõ đơn vị */
    LAWWATCH_REPORT_DONE,        /* answered in time (counted, not listed) */
    LAWWATCH_REPORT_UPCOMING,    /* due after the window (counted, not listed) */
    LAWWATCH_REPORT_STATUS_COUNT
} lawwatch_report_status;

typedef struct {
    const char *as_of; /* ISO date YYYY-MM-DD; required */
    int window;        /* days: due soon when the deadline is within it (the CLI's 14) */
    const char *since; /* ISO date: duties due before it are counted, not judged; NULL: 1
                          January of the year before as_of */
    int all;           /* judge every duty, whatever its deadline */
    const char *unit;  /* only units whose name contains this, or NULL */
    int english;       /* labels in English (else Vietnamese) */
    int color;         /* the text format in ANSI colours (for a terminal) */
} lawwatch_report_options;

/* True when iso is a date YYYY-MM-DD that exists. */
int lawwatch_date_valid(const char *iso);

typedef struct lawwatch_report lawwatch_report;

/* Gives every stored duty a status as of opt->as_of. *out owned (lawwatch_report_free).
 * LAWWATCH_ERR_USAGE when as_of is not a date, or when opt->unit matches no item and names
 * no unit of the database (the message lists the nearest names). */
lawwatch_status lawwatch_report_build(lawwatch_db *db, const lawwatch_engine *eng,
                                      const lawwatch_report_options *opt, lawwatch_report **out,
                                      lawwatch_error *err);
void lawwatch_report_free(lawwatch_report *r);
/* Number of items of a status. */
size_t lawwatch_report_count(const lawwatch_report *r, lawwatch_report_status st);
/* Writes r in a format to out (not closed). LAWWATCH_ERR_IO when the stream fails. */
lawwatch_status lawwatch_report_write(const lawwatch_report *r, lawwatch_format fmt, FILE *out,
                                      lawwatch_error *err);
/* The same as a string: *text owned (lawwatch_free), NUL-terminated. */
lawwatch_status lawwatch_report_string(const lawwatch_report *r, lawwatch_format fmt, char **text,
                                       lawwatch_error *err);
/* Writes r in a format to the file at path, whole or not at all: a temporary file made by
 * mkstemp in path's folder, synced, given the mode of the file it replaces (else 0644,
 * whatever the umask), renamed over path. LAWWATCH_ERR_IO with err->file = path when it
 * cannot be written (path untouched, the temporary file removed). */
lawwatch_status lawwatch_report_write_file(const lawwatch_report *r, lawwatch_format fmt, const char *path,
                                           lawwatch_error *err);

/* ---- rules ---- */

/* Runs the examples of the engine's rules (all, or the n_only whose ids are in only): each
 * example must give a fact from its rule carrying the expected fields, each counter-example
 * none. Writes a line per failure (rule file and line) to out, with verbose a line per
 * success too, then "rules test: R rules, P passed, F failed". *failed (may be NULL) gets F. */
lawwatch_status lawwatch_rules_test(const lawwatch_engine *eng, const char *const *only, size_t n_only, int verbose,
                                    FILE *out, size_t *failed, lawwatch_error *err);

/* ---- one stored document ---- */

/* The largest original file lawwatch_doc_original hands over: the largest PDF, image or Word
 * file ingest reads (a plain text document is at most 16 MiB). */
#define LAWWATCH_DOC_ORIGINAL_MAX ((size_t)256 * 1024 * 1024)

/* Writes the stored document id (the "id" of every JSON that names a document: search hits,
 * findings, report items) as the view says (`lawwatch show`). v may be NULL (TEXT); paths
 * below v->cwd are shown relative to it.
 * JSON: one object {id, path, paths, label (null when the header names nothing), sha256,
 * encoding, source_format, pages, note, header (as `extract`: read again from the stored
 * text with eng's rules), text (the stored text, UTF-8: the file's for plain text, what the
 * reader got out for a PDF, image, Word or ODT file; null when that is no longer cached),
 * text_spans (each fact's [start, end) in text, in bytes: its span where the stored text is
 * UTF-8 as stored, else mapped through the decoding, e.g. for TCVN3 or a BOM), facts (as
 * stored, the keys and order of `extract`; a legal_ref whose cited document is stored also
 * has cited_doc_id), findings (this document's `check --format json` findings), duties
 * (each duty: fact (its index in facts), line, page, section, activity, topic, lead,
 * partners, output, deadline {from, to, precision, qualifier, text, line} or null, report:
 * its status for each unit as of as_of, as `report --all` judges it, or [] when the report
 * does not judge it), as_of (today, local time), original {name, size, available}}.
 * TEXT: a summary for a reviewer: the label, header fields, how it was read, the facts
 * counted by kind, the findings and the duties (not the text).
 * eng gives the registry (findings), the report's rules and the header's. Errors:
 * LAWWATCH_ERR_NOT_FOUND (no document has that id), LAWWATCH_ERR_DB. Nothing is written on
 * error. */
lawwatch_status lawwatch_doc_write(lawwatch_db *db, const lawwatch_engine *eng, long long id, const lawwatch_view *v,
                                   FILE *out, lawwatch_error *err);

/* The original file of the stored document id: *bytes (owned, lawwatch_free; a NUL follows
 * the len bytes) and *len, and
 * *name (owned, lawwatch_free) the file's name without its folder. The bytes are read from
 * the paths stored for id, the first whose content still has the stored sha256: no other
 * path is ever read. LAWWATCH_ERR_NOT_FOUND when no document has that id, or when no stored
 * path holds that content any more (the file changed or moved since it was ingested);
 * LAWWATCH_ERR_TOO_LARGE past LAWWATCH_DOC_ORIGINAL_MAX. On error the out-pointers are
 * NULL. */
lawwatch_status lawwatch_doc_original(lawwatch_db *db, long long id, void **bytes, size_t *len, char **name,
                                      lawwatch_error *err);

/* The media type of an original file's bytes, told by their content as ingest tells it
 * (never by a name): "application/pdf", the Word, ODT and old .doc types, "image/png",
 * "image/jpeg", "image/tiff", "text/plain; charset=utf-8" for UTF-8 text, else
 * "application/octet-stream". A static string. */
const char *lawwatch_media_type(const void *bytes, size_t len);
/* ---- the web pages' report and check (issue 19) ---- */

/* True when a finding's code is named by pattern: the code itself ("citation.unknown"), or a
 * prefix of it ending in '.' ("citation."), or that prefix without its '.' ("citation").
 * How lawwatch_check_options.codes and `check --code` choose findings. */
int lawwatch_check_code_match(const char *pattern, const char *code);

/* LAWWATCH_OK when each of the n codes names a code a finding can have (as
 * lawwatch_check_code_match), else LAWWATCH_ERR_USAGE naming the first that does not (the
 * error lawwatch_check gives for it, before any work). */
lawwatch_status lawwatch_check_codes_known(const char *const *codes, size_t n, lawwatch_error *err);

/* Where the HTML body of a report links (lawwatch_report_write_html_body). Borrowed. */
typedef struct {
    const char *doc_href;       /* each item's document (and answer): this, its id (documents.id), then
                                   doc_href_end, e.g. "/doc/" and "?lang=en"; NULL: no links */
    const char *doc_href_end;   /* NULL: nothing */
    const char *unit_href;      /* each unit's heading: a link to this, the unit's name
                                   percent-encoded, then unit_href_end, e.g. "/calendar/" and
                                   ".ics"; NULL: none */
    const char *unit_href_end;  /* NULL: nothing */
    const char *unit_link_text; /* the text of the unit's link */
} lawwatch_report_links;

/* Writes the body of r's HTML report (LAWWATCH_FORMAT_HTML without the page around it: the
 * heading, the summary, per unit a timeline and a table) to out, inside a
 * <div class="lw-report"> with its own style element, every text escaped, documents and units
 * linked as links says (NULL: no links). For a page that embeds the report (lawwatch serve's
 * /report). LAWWATCH_ERR_IO when the stream fails. */
lawwatch_status lawwatch_report_write_html_body(const lawwatch_report *r, const lawwatch_report_links *links,
                                                FILE *out, lawwatch_error *err);
/* ---- the registry ---- */

/* The registry of known legal documents (registry.yaml of the engine's rules folder) written
 * as the view says (the `registry` output). db may be NULL (nothing is then said of the
 * ingested documents).
 * - id NULL: every entry, sorted by type (the order of the legal hierarchy: Hiến pháp, Luật,
 *   Nghị quyết, Pháp lệnh, Nghị định, Quyết định, Chỉ thị, Thông tư, then the other types
 *   alphabetically), then year, then number. In JSON an array of {id, type, title, issuer,
 *   issued, effective, status (in_force, amended, replaced, expired, unknown: as the
 *   registry file says it), status_label (Vietnamese: "còn hiệu lực", "đã được sửa đổi, bổ
 *   sung", "bị thay thế", "hết hiệu lực", "chưa rõ tình trạng"), amended_by (array),
 *   replaced_by, note, registry ("FILE:LINE")} and, with a database, cited_by_count (the
 *   ingested documents citing it). In TEXT a table grouped by type.
 * - id given (compared without case or diacritics, as lawwatch_cites): one object: the
 *   entry's fields as above, in_registry, sources (per fact, where the corpus states it),
 *   changed_by (what amends or replaces it, transitively) and changes (what it amends or
 *   replaces, transitively): arrays of {id, by, relation ("amends" or "replaces"), of,
 *   depth, in_registry, type, title, issued, effective, status, status_label}, id being the
 *   document described (by in changed_by, of in changes); with a database, cited_by_count
 *   and cited_by, the rows of `search --cites ID --format json` (lawwatch_cites_write, same
 *   keys). An id the registry lacks but documents cite is answered with in_registry false
 *   and status_label "chưa có trong danh mục"; an id neither known nor cited (or not known,
 *   without a database) is LAWWATCH_ERR_NOT_FOUND.
 * *n (may be NULL) gets the number of entries written (1 for an id). A registry file that
 * cannot be read is LAWWATCH_ERR_DATA (or _IO) at its file and line. */
lawwatch_status lawwatch_registry_write(const lawwatch_engine *eng, lawwatch_db *db, const char *id,
                                        const lawwatch_view *v, FILE *out, size_t *n, lawwatch_error *err);

/* 1 when part occurs in text, case and diacritics ignored (đ as d), as --unit and --kind
 * compare names; 0 when it does not, when either is NULL, or when memory runs out. */
int lawwatch_text_contains(const char *text, const char *part);
/* ---- issue 19: bounds for a server ---- */

/* Bounds the time db may still spend in the database, counted from this call: a query still
 * running ms milliseconds from now is interrupted, and the call that ran it (and any later
 * call on db) fails with LAWWATCH_ERR_TIMEOUT and a message for reviewers. 0 removes the
 * limit (the default). For a server that opens a handle per request: set it once after
 * lawwatch_db_open, and the whole request is bounded. Accepts NULL. */
void lawwatch_db_set_time_limit(lawwatch_db *db, unsigned ms);

#ifdef __cplusplus
}
#endif

#endif
