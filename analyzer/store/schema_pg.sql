-- schema_pg.sql: the lawwatch database on PostgreSQL (issue 21), schema version 7: the
-- tables, columns and views of schema.sql (read it for what each column means), with
-- PostgreSQL's types (INTEGER -> bigint, BLOB -> bytea, TEXT -> text COLLATE "C"), so that a
-- reviewer's SQL and lawwatch's queries say the same thing on both back ends. The build turns
-- it into C strings (cmake/lw_embed_sql.cmake, prefix LW_PG_SCHEMA: lw_store_schema_pg_sql.h);
-- lw_store_pg.c runs, in one transaction under an advisory lock, the section tables, then
-- doc_text (lw_pg_text_schema_sql, lw_store_pg_search.c), then partitions, then views, then
-- writes meta (app = 'lawwatch', schema_version = '7', created_by).
--
-- What differs from SQLite, and why:
--  - Text columns are COLLATE "C": text compares and sorts by bytes, as SQLite's BINARY does,
--    whatever the server's locale (queries may still say COLLATE "C": it costs nothing).
--  - documents.id is a bigint the server assigns (identity) in ingest order; facts.id comes
--    from the sequence facts_id_seq (lw_pg_put takes a document's ids in one round trip, in
--    fact order, and gives them to the typed rows).
--  - doc_paths.seq and duty_units.seq (added) play SQLite's rowid: the order the paths were
--    found in, the first path first (documents.path is always the first); the order a duty
--    names its units (a COPY's rows take their default in the order they are sent).
--  - Partitions. The big tables (sources, facts, the typed tables, duty_units, doc_text) are
--    partitioned by LIST on an added column doc_province: the document's province key, the
--    folded (lw_store_fold) province of its issuer (the first agency fact of role issuer
--    that names a province), '' for central bodies and unknown; documents.doc_province
--    repeats it, so a document's rows are found (and deleted) in one partition. (agencies
--    already has a column province, the province the agency names: hence the other name.)
--    Every partition is made with the schema: one per province of the table provinces (the
--    63 provinces before 2025, which include the 34 after, with the spellings the rules
--    accept), one for '' and a DEFAULT for any other key. No writer ever runs DDL during an
--    ingest, so concurrent ingests never wait on, or deadlock over, a partition being made,
--    and an unexpected province never fails a document.
--  - Global uniqueness: documents and doc_paths are NOT partitioned (one row per document,
--    per file: small), so sha256 and path keep plain UNIQUE constraints over the whole
--    database; that is what makes two ingests storing one content at once end with one
--    document (INSERT ... ON CONFLICT, lw_store_pg.c). A partitioned table's unique keys must
--    include the partition key: hence PRIMARY KEY (fact_id, doc_province) on the typed tables.
--  - Foreign keys: doc_paths.doc_id references documents(id) ON DELETE CASCADE (its key-share
--    lock keeps a path one ingest adds from being lost when another deletes the document's
--    last path at the same moment). The partitioned tables have none: lw_store_pg.c deletes a
--    document's rows itself, by (doc_province, doc_id), in one partition; a cascade from
--    documents would probe every partition, and the checks would cost a look-up per fact.

-- @section tables
CREATE TABLE meta (
  key   text COLLATE "C" PRIMARY KEY,      -- 'app' = 'lawwatch', 'schema_version' = '7', 'created_by'
  value text COLLATE "C"
);

-- The partitions' keys: a folded province name as lw_store_fold makes it, and the name as
-- the rules write it; '' is central bodies and unknown.
CREATE TABLE provinces (
  key  text COLLATE "C" PRIMARY KEY,
  name text COLLATE "C" NOT NULL
);
INSERT INTO provinces(key, name) VALUES
  ('', 'trung ương / không rõ (central / unknown)'),
  ('an giang', 'An Giang'),
  ('ba ria - vung tau', 'Bà Rịa - Vũng Tàu'),
  ('bac giang', 'Bắc Giang'),
  ('bac kan', 'Bắc Kạn'),
  ('bac lieu', 'Bạc Liêu'),
  ('bac ninh', 'Bắc Ninh'),
  ('ben tre', 'Bến Tre'),
  ('binh dinh', 'Bình Định'),
  ('binh duong', 'Bình Dương'),
  ('binh phuoc', 'Bình Phước'),
  ('binh thuan', 'Bình Thuận'),
  ('ca mau', 'Cà Mau'),
  ('can tho', 'Cần Thơ'),
  ('cao bang', 'Cao Bằng'),
  ('da nang', 'Đà Nẵng'),
  ('dak lak', 'Đắk Lắk'),
  ('dak nong', 'Đắk Nông'),
  ('dien bien', 'Điện Biên'),
  ('dong nai', 'Đồng Nai'),
  ('dong thap', 'Đồng Tháp'),
  ('gia lai', 'Gia Lai'),
  ('ha giang', 'Hà Giang'),
  ('ha nam', 'Hà Nam'),
  ('ha noi', 'Hà Nội'),
  ('ha tinh', 'Hà Tĩnh'),
  ('hai duong', 'Hải Dương'),
  ('hai phong', 'Hải Phòng'),
  ('hau giang', 'Hậu Giang'),
  ('ho chi minh', 'Hồ Chí Minh'),
  ('hoa binh', 'Hòa Bình'),
  ('hue', 'Huế'),
  ('hung yen', 'Hưng Yên'),
  ('khanh hoa', 'Khánh Hòa'),
  ('kien giang', 'Kiên Giang'),
  ('kon tum', 'Kon Tum'),
  ('lai chau', 'Lai Châu'),
  ('lam dong', 'Lâm Đồng'),
  ('lang son', 'Lạng Sơn'),
  ('lao cai', 'Lào Cai'),
  ('long an', 'Long An'),
  ('nam dinh', 'Nam Định'),
  ('nghe an', 'Nghệ An'),
  ('ninh binh', 'Ninh Bình'),
  ('ninh thuan', 'Ninh Thuận'),
  ('phu tho', 'Phú Thọ'),
  ('phu yen', 'Phú Yên'),
  ('quang binh', 'Quảng Bình'),
  ('quang nam', 'Quảng Nam'),
  ('quang ngai', 'Quảng Ngãi'),
  ('quang ninh', 'Quảng Ninh'),
  ('quang tri', 'Quảng Trị'),
  ('soc trang', 'Sóc Trăng'),
  ('son la', 'Sơn La'),
  ('tay ninh', 'Tây Ninh'),
  ('thai binh', 'Thái Bình'),
  ('thai nguyen', 'Thái Nguyên'),
  ('thanh hoa', 'Thanh Hóa'),
  ('thua thien - hue', 'Thừa Thiên - Huế'),
  ('thua thien hue', 'Thừa Thiên Huế'),
  ('tien giang', 'Tiền Giang'),
  ('tra vinh', 'Trà Vinh'),
  ('tuyen quang', 'Tuyên Quang'),
  ('vinh long', 'Vĩnh Long'),
  ('vinh phuc', 'Vĩnh Phúc'),
  ('yen bai', 'Yên Bái');

CREATE TABLE documents (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  path          text COLLATE "C" NOT NULL CONSTRAINT documents_path UNIQUE,
  sha256        text COLLATE "C" NOT NULL CONSTRAINT documents_sha UNIQUE,
  size          bigint NOT NULL,
  mtime_ns      bigint NOT NULL,
  encoding      text COLLATE "C" NOT NULL,
  kind          text COLLATE "C",
  number        text COLLATE "C",
  issuer        text COLLATE "C",
  place         text COLLATE "C",
  date          text COLLATE "C",
  subject       text COLLATE "C",
  kind_key      text COLLATE "C",
  issuer_key    text COLLATE "C",
  n_facts       bigint NOT NULL,
  rules_version text COLLATE "C" NOT NULL,
  ingested_at   text COLLATE "C" NOT NULL,
  topic         text COLLATE "C",
  source_format text COLLATE "C" NOT NULL DEFAULT 'text',
  pages         bigint,
  note          text COLLATE "C",
  doc_province  text COLLATE "C" NOT NULL DEFAULT ''  -- added: the partition of its rows
);

CREATE TABLE doc_paths (
  doc_id   bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  path     text COLLATE "C" NOT NULL CONSTRAINT doc_paths_path UNIQUE,
  size     bigint NOT NULL,
  mtime_ns bigint NOT NULL,
  seq      bigint GENERATED ALWAYS AS IDENTITY  -- added: SQLite's rowid, the paths' order
);
CREATE INDEX doc_paths_doc ON doc_paths(doc_id, seq);

CREATE TABLE sources (
  doc_id       bigint NOT NULL,
  raw          bytea NOT NULL,
  doc_province text COLLATE "C" NOT NULL,
  PRIMARY KEY (doc_id, doc_province)
) PARTITION BY LIST (doc_province);

CREATE SEQUENCE facts_id_seq AS bigint;
CREATE TABLE facts (
  id           bigint NOT NULL DEFAULT nextval('facts_id_seq'),
  doc_id       bigint NOT NULL,
  kind         text COLLATE "C" NOT NULL,
  rule         text COLLATE "C" NOT NULL,
  line         bigint,
  span_start   bigint,
  span_end     bigint,
  text         text COLLATE "C",
  rest         text COLLATE "C",
  page         bigint,
  paragraph    bigint,
  ocr_conf     bigint,
  doc_province text COLLATE "C" NOT NULL,
  PRIMARY KEY (id, doc_province)
) PARTITION BY LIST (doc_province);
ALTER SEQUENCE facts_id_seq OWNED BY facts.id;
CREATE INDEX facts_doc ON facts(doc_id);

CREATE TABLE legal_refs (
  fact_id       bigint NOT NULL,
  doc_id        bigint NOT NULL,
  type          text COLLATE "C",
  number        text COLLATE "C",
  year          bigint,
  symbol        text COLLATE "C",
  cited_id      text COLLATE "C",
  cited_key     text COLLATE "C",
  title         text COLLATE "C",
  cited_date    text COLLATE "C",
  pinpoint      text COLLATE "C",
  year_mismatch bigint,
  line          bigint,
  span_start    bigint,
  text          text COLLATE "C",
  page          bigint,
  doc_province  text COLLATE "C" NOT NULL,
  PRIMARY KEY (fact_id, doc_province)
) PARTITION BY LIST (doc_province);
CREATE INDEX legal_refs_doc ON legal_refs(doc_id);
CREATE INDEX legal_refs_key ON legal_refs(cited_key);

CREATE TABLE deadlines (
  fact_id       bigint NOT NULL,
  doc_id        bigint NOT NULL,
  date_from     text COLLATE "C",
  date_to       text COLLATE "C",
  precision     text COLLATE "C",
  qualifier     text COLLATE "C",
  unit          text COLLATE "C",
  nearby_agency text COLLATE "C",
  doc_province  text COLLATE "C" NOT NULL,
  PRIMARY KEY (fact_id, doc_province)
) PARTITION BY LIST (doc_province);
CREATE INDEX deadlines_to ON deadlines(date_to);

CREATE TABLE agencies (
  fact_id      bigint NOT NULL,
  doc_id       bigint NOT NULL,
  name         text COLLATE "C",
  level        text COLLATE "C",
  province     text COLLATE "C",
  role         text COLLATE "C",
  doc_province text COLLATE "C" NOT NULL,
  PRIMARY KEY (fact_id, doc_province)
) PARTITION BY LIST (doc_province);

CREATE TABLE relations (
  fact_id      bigint NOT NULL,
  doc_id       bigint NOT NULL,
  type         text COLLATE "C",
  from_id      text COLLATE "C",
  to_id        text COLLATE "C",
  doc_province text COLLATE "C" NOT NULL,
  PRIMARY KEY (fact_id, doc_province)
) PARTITION BY LIST (doc_province);

CREATE TABLE dates (
  fact_id      bigint NOT NULL,
  doc_id       bigint NOT NULL,
  value        text COLLATE "C",
  doc_province text COLLATE "C" NOT NULL,
  PRIMARY KEY (fact_id, doc_province)
) PARTITION BY LIST (doc_province);

CREATE TABLE duties (
  fact_id       bigint NOT NULL,
  doc_id        bigint NOT NULL,
  activity      text COLLATE "C",
  topic         text COLLATE "C",
  section       text COLLATE "C",
  source        text COLLATE "C",
  lead          text COLLATE "C",
  partners      text COLLATE "C",
  output        text COLLATE "C",
  date_from     text COLLATE "C",
  date_to       text COLLATE "C",
  precision     text COLLATE "C",
  qualifier     text COLLATE "C",
  deadline_text text COLLATE "C",
  deadline_line bigint,
  line          bigint,
  span_start    bigint,
  page          bigint,
  doc_province  text COLLATE "C" NOT NULL,
  PRIMARY KEY (fact_id, doc_province)
) PARTITION BY LIST (doc_province);
CREATE INDEX duties_doc ON duties(doc_id);

CREATE SEQUENCE duty_units_seq AS bigint;
CREATE TABLE duty_units (
  fact_id      bigint NOT NULL,
  doc_id       bigint NOT NULL,
  role         text COLLATE "C" NOT NULL,
  name         text COLLATE "C" NOT NULL,
  name_key     text COLLATE "C" NOT NULL,
  level        text COLLATE "C",
  line         bigint,
  doc_province text COLLATE "C" NOT NULL,
  -- added: SQLite's rowid, the order the units were stored in (by duty, the order it names
  -- them): each_duty_unit's ORDER BY fact_id, seq
  seq          bigint NOT NULL DEFAULT nextval('duty_units_seq')
) PARTITION BY LIST (doc_province);
CREATE INDEX duty_units_doc ON duty_units(doc_id);
CREATE INDEX duty_units_key ON duty_units(name_key);
ALTER SEQUENCE duty_units_seq OWNED BY duty_units.seq;

CREATE TABLE source_cache (
  sha256     text COLLATE "C" PRIMARY KEY,
  source     bytea NOT NULL,
  format     text COLLATE "C" NOT NULL,
  pages      bigint,
  ocr_engine text COLLATE "C",
  note       text COLLATE "C",
  created    text COLLATE "C" NOT NULL
);

-- @section partitions
-- Every partitioned table of this schema (doc_text's too) gets a partition per province,
-- TABLE_p_KEY (the key with '_' for what is not a letter or digit: the spellings of one
-- province share it), TABLE_p_none for '' and TABLE_p_default for any other key.
DO $lw$
DECLARE
  t text;
  p record;
BEGIN
  FOR t IN SELECT c.relname FROM pg_partitioned_table x JOIN pg_class c ON c.oid = x.partrelid
           WHERE c.relnamespace = current_schema()::regnamespace AND NOT c.relispartition
           ORDER BY c.relname LOOP
    FOR p IN SELECT coalesce(nullif(regexp_replace(key, '[^a-z0-9]+', '_', 'g'), ''), 'none') AS part,
                    string_agg(quote_literal(key), ', ' ORDER BY key) AS keys
             FROM provinces GROUP BY 1 ORDER BY 1 LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%s)', t || '_p_' || p.part, t, p.keys);
    END LOOP;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t || '_p_default', t);
  END LOOP;
END
$lw$;

-- @section views
CREATE VIEW v_duties AS
  SELECT d.path AS document, d.number AS doc_number, d.issuer, d.date AS doc_date, k.section,
         k.activity, k.topic, k.lead, k.partners, k.output, k.date_from, k.date_to,
         k.qualifier, k.deadline_text, k.deadline_line, k.line
  FROM duties k JOIN documents d ON d.id = k.doc_id;

CREATE VIEW v_documents AS
  SELECT id, path, kind, number, issuer, place, date, subject, encoding, size, n_facts,
         sha256, ingested_at, source_format, pages, note,
         (SELECT count(*) FROM doc_paths p WHERE p.doc_id = d.id) AS n_paths,
         (SELECT string_agg(p.path, E'\n' ORDER BY p.seq) FROM doc_paths p
           WHERE p.doc_id = d.id) AS paths  -- one a line, the first first
  FROM documents d;

CREATE VIEW v_citations AS
  SELECT d.path, d.number AS doc_number, d.date AS doc_date, r.cited_id, r.type,
         r.cited_date, r.pinpoint, r.title, f.line, f.text
  FROM legal_refs r JOIN facts f ON f.id = r.fact_id AND f.doc_province = r.doc_province
  JOIN documents d ON d.id = r.doc_id;

CREATE VIEW v_deadlines AS
  SELECT d.path AS document, d.number AS doc_number, d.issuer, k.unit, k.nearby_agency,
         k.date_from, k.date_to, k.precision, k.qualifier, f.text, f.line
  FROM deadlines k JOIN facts f ON f.id = k.fact_id AND f.doc_province = k.doc_province
  JOIN documents d ON d.id = k.doc_id;
