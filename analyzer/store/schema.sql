-- schema.sql: the lawwatch database (SQLite), schema version 7. The one copy of the
-- schema: the build turns it into C strings (cmake/lw_embed_sql.cmake writes
-- lw_store_schema_sql.h, one LW_SCHEMA_<NAME> macro per section marker line below and
-- LW_SCHEMA_ALL, every section in order), which lw_store_schema.c runs to create a database
-- and reuses in the upgrade steps. Sections are cut where an upgrade needs a piece alone.
--
-- PRAGMA user_version holds the schema version; meta holds app = 'lawwatch' so a foreign
-- database with the same user_version is refused. Every ingested content (sha256) is one
-- row of documents, every file one row of doc_paths (schema 4: byte-identical files at two
-- paths were two documents, so every hit, finding and report item showed twice); everything
-- else hangs off documents.id (doc_id). Each fact is stored once (schema 7): what every fact
-- has (kind, rule, line, span, text) in the generic facts table, its kind's keys as columns
-- of a typed table per kind, for plain SQL queries, and what no column holds in facts.rest;
-- the JSON `lawwatch extract` prints for it is rebuilt from them (lw_store_codec.c). Up to
-- schema 6 facts also kept that JSON whole, which made facts the largest table. The views (v_*) are what a reviewer queries in the sqlite3 shell;
-- they never touch the FTS table, which needs lawwatch's own tokenizer. Schema 6 (issue 18):
-- a document may be a PDF, an image, a Word or OpenDocument file: documents say how it was
-- read (source_format, pages, note), facts say where they are (page and line on the page, or
-- paragraph; the OCR confidence), and source_cache keeps what the readers got out of each
-- original file, so that re-extracting never reads or OCRs the file again.

-- @section meta
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,      -- 'app' = 'lawwatch', 'created_by' = lawwatch version
  value TEXT
);

-- @section documents
-- One row per ingested content (schema 3 dropped the JSON record; schema 5 added topic).
CREATE TABLE documents (
  id            INTEGER PRIMARY KEY,
  path          TEXT NOT NULL UNIQUE, -- absolute path of the file (the first of doc_paths)
  sha256        TEXT NOT NULL,        -- of the file's bytes, 64 hex digits
  size          INTEGER NOT NULL,     -- bytes
  mtime_ns      INTEGER NOT NULL,     -- modification time of path, nanoseconds since 1970
  encoding      TEXT NOT NULL,        -- as decoded: utf-8, utf-16le, windows-1258, tcvn3, vni
  kind          TEXT,                 -- header fields; NULL when the document lacks one
  number        TEXT,                 -- '768/UBND-NC'
  issuer        TEXT,
  place         TEXT,
  date          TEXT,                 -- ISO YYYY-MM-DD
  subject       TEXT,
  kind_key      TEXT,                 -- kind folded: no diacritics, lower case ('ke hoach')
  issuer_key    TEXT,                 -- issuer folded likewise
  n_facts       INTEGER NOT NULL,
  rules_version TEXT NOT NULL,        -- lw_ruleset_version of the rules that found the facts
  ingested_at   TEXT NOT NULL,        -- UTC, YYYY-MM-DDTHH:MM:SSZ
  topic         TEXT,                 -- the subject's duty topic (rules/duties.yaml: duty.topic)
                                      -- as classified at ingest, or NULL; '' until the first
                                      -- ingest after the upgrade to schema 5 classifies it
  -- schema 6: how the file was read. For any format but text, the stored text (doc_text,
  -- facts' lines and spans) is the text the reader got out (source_cache), not the file's
  -- bytes, which sources.raw still keeps for download.
  source_format TEXT NOT NULL DEFAULT 'text', -- text, pdf-text, pdf-ocr, image-ocr, docx, odt
  pages         INTEGER,              -- pages read (PDF, image); NULL otherwise
  note          TEXT                  -- the reading's choice, e.g. why the PDF was OCR'd; or NULL
);

-- @section documents_sha
CREATE UNIQUE INDEX documents_sha ON documents(sha256);

-- @section doc_paths
-- Every file a document was found at: byte-identical files are one document. The first
-- path (lowest rowid) is documents.path, with its size and mtime.
CREATE TABLE doc_paths (
  doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  path     TEXT NOT NULL UNIQUE,  -- absolute path of the file
  size     INTEGER NOT NULL,      -- bytes
  mtime_ns INTEGER NOT NULL       -- modification time, nanoseconds since 1970
);
CREATE INDEX doc_paths_doc ON doc_paths(doc_id);

-- @section facts
-- The file's original bytes, so `ingest --reextract` recomputes facts without the files.
CREATE TABLE sources (
  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  raw    BLOB NOT NULL
);

-- @section fact_rows
-- Every fact of every kind (legal_ref, relation, date, deadline, agency, duty, ...).
CREATE TABLE facts (
  id         INTEGER PRIMARY KEY,
  doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  rule       TEXT NOT NULL,  -- id of the rule that found it
  line       INTEGER,        -- 1-based line in the original file
  span_start INTEGER,        -- [span_start, span_end): byte offsets in the original file
  span_end   INTEGER,
  text       TEXT,           -- the text as in the original
  -- schema 7: what neither these columns nor the kind's typed table hold, as a JSON object
  -- (a duty's lead and partners, ...), NULL when nothing; or, for a fact the columns cannot
  -- give back exactly, the whole fact's JSON (it then starts with {"kind":)
  rest       TEXT,
  -- schema 6: for a PDF or image, line is the line on this page; for Word/ODT, paragraph
  page       INTEGER,        -- 1-based page (PDF, image) or NULL
  paragraph  INTEGER,        -- 1-based paragraph (Word, ODT) or NULL
  ocr_conf   INTEGER         -- lowest OCR confidence (0-100) of the fact's words, or NULL
);
CREATE INDEX facts_doc ON facts(doc_id);

-- @section typed
-- Typed tables: fact_id is facts.id; doc_id is repeated for joins. Which fact key fills
-- which column is the table of lw_store_facts.c. Schema 7: a typed table has an index on
-- doc_id only where a query reads it by document (legal_refs, duties, duty_units); the rows
-- of a document go by fact_id (facts_doc, then the primary key), and documents.date has no
-- index: no query looks a date up (the indexes cost ingest writes and no query used them).
CREATE TABLE legal_refs (
  fact_id    INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,
  doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  type       TEXT,     -- 'Nghị định', 'Thông tư', ...
  number     TEXT,
  year       INTEGER,
  symbol     TEXT,     -- 'NĐ-CP'
  cited_id   TEXT,     -- canonical id '59/2012/NĐ-CP'; NULL for a law cited by name
  cited_key  TEXT,     -- cited_id folded ('59/2012/nd-cp') for lookups
  title      TEXT,     -- for laws cited by name
  cited_date TEXT,     -- the date given with the citation (ISO) or NULL
  pinpoint   TEXT,     -- 'khoản 1 Điều 14' or NULL
  year_mismatch INTEGER, -- 1: the year of the number is not the year of cited_date
  line       INTEGER,  -- facts.line, span_start and text, here too (schema 3) so that
  span_start INTEGER,  -- reading citations needs no look-up of every fact
  text       TEXT,
  page       INTEGER   -- schema 6: facts.page (PDF, image; line is then on this page) or NULL
);
CREATE INDEX legal_refs_doc ON legal_refs(doc_id);
CREATE INDEX legal_refs_key ON legal_refs(cited_key);

CREATE TABLE deadlines (
  fact_id       INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,
  doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  date_from     TEXT,  -- ISO, inclusive
  date_to       TEXT,  -- ISO, inclusive
  precision     TEXT,  -- day, month, quarter, half, year
  qualifier     TEXT,  -- before, by, during, recurring
  unit          TEXT,  -- lead unit(s) of the duty carrying this deadline, when known
  nearby_agency TEXT   -- hint only: the agency named closest before it (within 6 lines)
);
CREATE INDEX deadlines_to ON deadlines(date_to);

CREATE TABLE agencies (
  fact_id  INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,
  doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  name     TEXT,  -- canonical name 'Ủy ban nhân dân tỉnh Sóc Trăng'
  level    TEXT,  -- central, province, district, commune or NULL
  province TEXT,
  role     TEXT   -- issuer, mentioned, ...
);

CREATE TABLE relations (
  fact_id INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,
  doc_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  type    TEXT,  -- amends, replaces, guides, implements, issued_with
  from_id TEXT,  -- NULL: the document itself
  to_id   TEXT
);

CREATE TABLE dates (
  fact_id INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,
  doc_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  value   TEXT   -- ISO
);

-- @section duties
-- Duties of plans and letters: what is to be done, by whom, by when (schema 2; line and
-- span_start since 3). Also what a schema-1 database gets when it is upgraded.
CREATE TABLE duties (
  fact_id       INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,
  doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  activity      TEXT,     -- the item's heading or the task's words
  topic         TEXT,     -- plan, list, focus, inspect, collect, train, report or NULL
  section       TEXT,     -- the item's number ('2.3') or NULL
  source        TEXT,     -- item, assignment or report
  lead          TEXT,     -- lead units, joined with '; '
  partners      TEXT,
  output        TEXT,
  date_from     TEXT,     -- the deadline (ISO, inclusive) or NULL
  date_to       TEXT,
  precision     TEXT,
  qualifier     TEXT,
  deadline_text TEXT,     -- the deadline's own words
  deadline_line INTEGER,
  line          INTEGER,  -- the duty's line and first byte (facts.line, facts.span_start):
  span_start    INTEGER,  -- here too, so reading duties needs no look-up of every fact
  page          INTEGER   -- schema 6: facts.page (PDF, image) or NULL; the deadline's is taken
                          -- to be the duty's
);
CREATE INDEX duties_doc ON duties(doc_id);
-- One row per unit a duty names: role lead or partner.
CREATE TABLE duty_units (
  fact_id  INTEGER NOT NULL REFERENCES duties(fact_id) ON DELETE CASCADE,
  doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  role     TEXT NOT NULL,
  name     TEXT NOT NULL,
  name_key TEXT NOT NULL,  -- name folded
  level    TEXT,
  line     INTEGER
);
CREATE INDEX duty_units_doc ON duty_units(doc_id);
CREATE INDEX duty_units_key ON duty_units(name_key);

-- @section source_cache
-- Schema 6: what a reader got out of an original file (PDF text layer or OCR, image OCR,
-- DOCX, ODT), by the file's content hash: `ingest --reextract` and a file seen again take it
-- from here instead of reading (or OCR'ing) the file again. Kept when its documents go (a
-- file that comes back costs nothing); a row whose source does not read back is read again.
CREATE TABLE IF NOT EXISTS source_cache (
  sha256     TEXT PRIMARY KEY,  -- of the original file's bytes (documents.sha256)
  source     BLOB NOT NULL,     -- lw_source_serialize: text, lines, pages, OCR words
  format     TEXT NOT NULL,     -- pdf-text, pdf-ocr, image-ocr, docx, odt
  pages      INTEGER,           -- pages read (PDF, image) or NULL
  ocr_engine TEXT,              -- 'tesseract 5.3.0 (vie)' when OCR'd, else NULL
  note       TEXT,              -- why this reading was chosen, or NULL
  created    TEXT NOT NULL      -- UTC, YYYY-MM-DDTHH:MM:SSZ
);

-- @section v_duties
CREATE VIEW v_duties AS
  SELECT d.path AS document, d.number AS doc_number, d.issuer, d.date AS doc_date, k.section,
         k.activity, k.topic, k.lead, k.partners, k.output, k.date_from, k.date_to,
         k.qualifier, k.deadline_text, k.deadline_line, k.line
  FROM duties k JOIN documents d ON d.id = k.doc_id;

-- @section doc_text
-- The normalized text for full-text search; rowid = documents.id. Needs the 'lawwatch'
-- tokenizer, so query it through `lawwatch search`, not the sqlite3 shell.
CREATE VIRTUAL TABLE doc_text USING fts5(subject, body, tokenize = 'lawwatch');

-- @section v_documents
-- Views for reviewers.
CREATE VIEW v_documents AS
  SELECT id, path, kind, number, issuer, place, date, subject, encoding, size, n_facts,
         sha256, ingested_at, source_format, pages, note,  -- how it was read (schema 6)
         (SELECT count(*) FROM doc_paths p WHERE p.doc_id = d.id) AS n_paths,
         (SELECT group_concat(path, char(10)) FROM (SELECT path FROM doc_paths p
           WHERE p.doc_id = d.id ORDER BY p.rowid)) AS paths  -- one a line, the first first
  FROM documents d;

-- @section v_citations
-- Every citation of a legal document: who cites what, with the dates on both sides.
CREATE VIEW v_citations AS
  SELECT d.path, d.number AS doc_number, d.date AS doc_date, r.cited_id, r.type,
         r.cited_date, r.pinpoint, r.title, f.line, f.text
  FROM legal_refs r JOIN facts f ON f.id = r.fact_id JOIN documents d ON d.id = r.doc_id;

-- @section v_deadlines
-- Every deadline: the document, the unit a duty gives it to (NULL when none does), the
-- agency named closest before it (a hint only, never the unit), the interval, the words.
-- Schema 4: the unit column holds units only; schema 3 put the nearby agency there when no
-- duty named one (flagged by unit_is_hint), which read as the unit in a plain SELECT.
CREATE VIEW v_deadlines AS
  SELECT d.path AS document, d.number AS doc_number, d.issuer, k.unit, k.nearby_agency,
         k.date_from, k.date_to, k.precision, k.qualifier, f.text, f.line
  FROM deadlines k JOIN facts f ON f.id = k.fact_id JOIN documents d ON d.id = k.doc_id;
