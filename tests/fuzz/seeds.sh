#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora from corpus/ and tests/data: one folder per target
# under OUT (emptied first). Usage: seeds.sh OUT SOURCE_DIR
#   decode_norm, extract, fts_tokenizer: the corpus and the crafted documents, whole, as
#     2 KB slices, re-encoded (Windows-1258, TCVN3, UTF-16 LE/BE with and without BOM), and
#     the regression inputs;
#   search_query: queries from the README and the tests, one per file;
#   rules_loader: each rule file with the macros in front, and each rule alone;
#   registry_loader: rules/registry.yaml, tests/data/registry/*.yaml, each entry alone;
#   read_sniff: the files of tests/data/read/sniff (one per format, truncated ones too);
#   docx, odt: the test files whole, and their main XML parts (NUL-separated, as the targets
#     read an input that is not a ZIP), whole and cut to their first paragraphs.
set -euo pipefail
out=$1; src=$2
rm -rf "$out"
mkdir -p "$out"/{decode_norm,extract,fts_tokenizer,search_query,rules_loader,registry_loader,docx,odt,read_sniff}
python3 - "$out" "$src" <<'PY'
import glob, os, sys
out, src = sys.argv[1], sys.argv[2]
def put(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)
docs = sorted(glob.glob(os.path.join(src, "corpus", "*.txt")) + glob.glob(os.path.join(src, "corpus", "extra", "*.txt"))
              + glob.glob(os.path.join(src, "tests", "data", "check", "*.txt"))
              + glob.glob(os.path.join(src, "tests", "data", "decode", "*.txt")))
for t in ("decode_norm", "extract", "fts_tokenizer"):
    for i, p in enumerate(docs):
        raw = open(p, "rb").read()
        base = "%03d" % i
        put(t, base + "_whole", raw)
        for k in range(0, min(len(raw), 8192), 2048):
            put(t, "%s_slice%d" % (base, k // 2048), raw[k:k + 2048])
        if t == "fts_tokenizer" or i % 3:
            continue
        text = raw.decode("utf-8", "replace")[:3000]
        put(t, base + "_utf16le_bom", b"\xff\xfe" + text.encode("utf-16-le"))
        put(t, base + "_utf16be", text.encode("utf-16-be"))
        put(t, base + "_utf16le", text.encode("utf-16-le"))
        import unicodedata
        for enc, codec in (("cp1258", "cp1258"),):
            try:
                put(t, base + "_" + enc, unicodedata.normalize("NFD", text).encode(codec, "replace"))
            except LookupError:
                pass
    for p in sorted(glob.glob(os.path.join(src, "tests", "fuzz", "regressions", t, "*"))):
        put(t, "reg_" + os.path.basename(p), open(p, "rb").read())
queries = ["nghi dinh", "Nghị định", "59/2012/NĐ-CP", "18-NQ/TW", "\"thi hành pháp luật\"", "thi hành*",
           "luật AND thi hành*", "báo cáo OR kế hoạch", "kế hoạch NOT báo cáo", "(a OR b) AND c", "ủy ban -huyện",
           "hoà hợp", "uỷ", "\u201cnghị định\u201d", "((((x))))", "a AND", "OR", "NOT x", "\"unclosed", "()",
           "tra* cứu*", "Quý III năm 2025", "04", "d\u00adinh", "đôn đốc", "x\u200by", "a OR NOT b", "\"a b\"*",
           "924/BTP-QLXLVPHC&TDTHPL", "* ; --", "NĐ-CP", "ÐỊNH"]
for i, q in enumerate(queries):
    put("search_query", "q%02d" % i, q)
rules = sorted(p for p in glob.glob(os.path.join(src, "rules", "*.yaml"))
               if not os.path.basename(p).startswith("registry"))
macros = open(os.path.join(src, "rules", "macros.yaml"), encoding="utf-8").read()
for p in rules:
    text = open(p, encoding="utf-8").read()
    name = os.path.basename(p)[:-5]
    put("rules_loader", name, text if "\nmacros:" in text or name == "macros" else macros + "\n" + text)
    if "\nrules:" not in "\n" + text:
        continue
    head, body = text.split("rules:\n", 1) if text.startswith("rules:\n") else text.split("\nrules:\n", 1)
    for j, item in enumerate(("\n" + body).split("\n  - id:")[1:40]):
        item = "  - id:" + item.split("\n# ")[0]
        put("rules_loader", "%s_%02d" % (name, j), macros + "\nrules:\n" + item + "\n")
reg = [os.path.join(src, "rules", "registry.yaml")] + sorted(glob.glob(os.path.join(src, "tests", "data", "registry", "*.yaml")))
for p in reg:
    put("registry_loader", os.path.basename(p), open(p, "rb").read())
text = open(reg[0], encoding="utf-8").read()
body = text.split("\nregistry:\n", 1)[1]
for j, item in enumerate(body.split("\n  - id:")[1:]):
    put("registry_loader", "entry_%02d" % j, "registry:\n  - id:" + item + "\n")
import re, zipfile
def cut(xml, close):
    # the XML up to its 40th paragraph, closed again: a small seed of the same shape
    ends = [m.end() for m in re.finditer(re.escape(close), xml)]
    if len(ends) < 40:
        return None
    return xml[:ends[39]]
for p in sorted(glob.glob(os.path.join(src, "tests", "data", "docx", "*.docx"))):
    name = os.path.basename(p)[:-5]
    raw = open(p, "rb").read()
    put("docx", name + "_whole", raw)
    with zipfile.ZipFile(p) as z:
        doc = z.read("word/document.xml")
        num = z.read("word/numbering.xml") if "word/numbering.xml" in z.namelist() else b""
    put("docx", name + "_xml", doc + b"\0" + num)
    head = cut(doc, b"</w:p>")
    if head:
        put("docx", name + "_head", head + b"</w:body></w:document>\0" + num)
for d in sorted(glob.glob(os.path.join(src, "tests", "data", "odt", "*", ""))):
    name = os.path.basename(os.path.dirname(d))
    content = open(os.path.join(d, "content.xml"), "rb").read()
    styles = os.path.join(d, "styles.xml")
    put("odt", name + "_xml", content + (b"\0" + open(styles, "rb").read() if os.path.exists(styles) else b""))
    with zipfile.ZipFile(os.path.join(out, "odt", name + "_whole"), "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
for p in sorted(glob.glob(os.path.join(src, "tests", "data", "read", "sniff", "*"))):
    if not p.endswith(".tsv"):
        put("read_sniff", os.path.basename(p), open(p, "rb").read())
for t in ("search_query", "rules_loader", "registry_loader", "docx", "odt", "read_sniff"):
    for p in sorted(glob.glob(os.path.join(src, "tests", "fuzz", "regressions", t, "*"))):
        put(t, "reg_" + os.path.basename(p), open(p, "rb").read())
PY
# TCVN3 through glibc's iconv, when it has it
for f in "$out"/decode_norm/*_whole; do
  n=$(basename "$f")
  case $n in 00[0-4]_whole) iconv -f UTF-8 -t TCVN5712-1 "$f" > "$out/decode_norm/${n%_whole}_tcvn3" 2>/dev/null || rm -f "$out/decode_norm/${n%_whole}_tcvn3";; esac
done
for t in "$out"/*; do echo "seeds: $(ls "$t" | wc -l) in $t"; done
