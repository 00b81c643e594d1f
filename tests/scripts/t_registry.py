"""lawwatch registry and search --unit, over a temporary database of the five corpus documents
and one document citing a decree the registry lacks:
- the list (JSON): two entries' fields as rules/registry.yaml states them (written here by
  hand), sorted by type in the hierarchy's order then year, the citing count of 59/2012/NĐ-CP
  equal to the rows of `search --cites`; the table names them; without a database the list
  still comes, without counts;
- one id (typed without diacritics): 59/2012/NĐ-CP amended by 32/2020/NĐ-CP both ways, the
  transitive chains of 75/2021/NĐ-CP and 45/2010/NĐ-CP, cited_by equal to `search --cites
  ID --format json`; an id cited but not in the registry is answered as such; an id neither
  known nor cited exits 2 with a message in both languages;
- search --unit: the issuer or a unit a duty names, diacritics and case ignored.

Run: python3 t_registry.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import json
import os

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check

CITES_UNLISTED = ("ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: 98/KH-UBND\n\nKẾ HOẠCH\nVề việc thử danh mục\n\n"
                  "Căn cứ Nghị định số 123/2019/NĐ-CP ngày 15/3/2019 của Chính phủ;\n\nII. NỘI DUNG\n"
                  "1. Kiểm tra tình hình thi hành pháp luật\n- Cơ quan chủ trì: Sở Tư pháp.\n"
                  "- Cơ quan phối hợp: Sở Nội vụ.\n- Thời gian thực hiện: Quý III năm 2025.\n")

# Two entries of rules/registry.yaml, as the file states them (lines 23-29 and 184-191).
WANT = {
    "59/2012/NĐ-CP": {"id": "59/2012/NĐ-CP", "type": "Nghị định", "title": "Về theo dõi tình hình thi hành pháp luật",
                      "issuer": "Chính phủ", "issued": "2012-07-23", "effective": None, "status": "amended",
                      "status_label": "đã được sửa đổi, bổ sung", "amended_by": ["32/2020/NĐ-CP"],
                      "replaced_by": None, "note": None},
    "38/2022/NĐ-CP": {"id": "38/2022/NĐ-CP", "type": "Nghị định", "status": "replaced", "status_label": "bị thay thế",
                      "amended_by": [], "replaced_by": "74/2024/NĐ-CP",
                      "note": "hết hiệu lực từ ngày 01/7/2024 (corpus/extra/ext-044.txt:160)"},
}
HIERARCHY = ["Hiến pháp", "Bộ luật", "Luật", "Nghị quyết", "Pháp lệnh", "Lệnh", "Nghị định", "Quyết định",
             "Chỉ thị", "Thông tư", "Thông tư liên tịch"]


def reg(*args, cwd):
    return lwtest.run("registry", "--rules", lwtest.source("rules"), *args, cwd=cwd)


def links(items):
    return {(x["by"], x["relation"], x["of"], x["depth"]) for x in items}


with lwtest.tmpdir("lw_registry_") as tmp:
    db = lwtest.corpus_db(tmp, {"unlisted.txt": CITES_UNLISTED}, n=None)

    # --- the list
    rc, out, err = reg("--db", db, "--format", "json", cwd=tmp)
    check(rc == 0, "registry --format json: rc %d %s" % (rc, err))
    entries = json.loads(out) if rc == 0 else []
    by_id = {e["id"]: e for e in entries}
    for id_, want in WANT.items():
        got = by_id.get(id_)
        if check(got is not None, "the list has " + id_):
            lwtest.compare(want, {k: got.get(k) for k in want}, "list entry " + id_)
            check(got["registry"].endswith("registry.yaml:%d" % (23 if id_.startswith("59/") else 184)),
                  "registry FILE:LINE of %s: %s" % (id_, got["registry"]))
    rank = [HIERARCHY.index(e["type"]) if e["type"] in HIERARCHY else len(HIERARCHY) for e in entries]
    check(rank == sorted(rank), "sorted by type in the hierarchy's order")
    for a, b in zip(entries, entries[1:]):
        if a["type"] == b["type"] and a["id"].count("/") == 2 and b["id"].count("/") == 2:
            check(int(a["id"].split("/")[1]) <= int(b["id"].split("/")[1]), "by year within a type: %s, %s"
                  % (a["id"], b["id"]))
    rc, cites_out, err = lwtest.run("search", "--db", db, "--rules", lwtest.source("rules"), "--format", "json",
                                    "--cites", "59/2012/NĐ-CP", cwd=tmp)
    cites = json.loads(cites_out) if rc == 0 else None
    check(cites and by_id.get("59/2012/NĐ-CP", {}).get("cited_by_count") == len(cites),
          "cited_by_count of 59/2012/NĐ-CP = the rows of search --cites (%d)" % len(cites or []))
    check(all(isinstance(e.get("cited_by_count"), int) for e in entries), "every entry has cited_by_count")

    rc, out, err = reg("--db", db, cwd=tmp)
    check(rc == 0 and "Danh mục văn bản" in out and "(registry:" in out, "the table's heading: " + out[:100])
    line = next((ln for ln in out.splitlines() if ln.strip().startswith("38/2022/NĐ-CP")), "")
    check("bị thay thế bởi 74/2024/NĐ-CP" in line, "the table says what replaced 38/2022/NĐ-CP: " + line)
    check("\nNghị định\n" in out and "\nThông tư\n" in out, "a heading per type")

    rc, out, err = reg("--db", os.path.join(tmp, "none.db"), "--format", "json", cwd=tmp)
    got = json.loads(out) if rc == 0 else []
    check(rc == 0 and len(got) == len(entries) and "cited_by_count" not in got[0],
          "without a database: the list, no counts (rc %d %s)" % (rc, err))

    # --- one entry
    rc, out, err = reg("--db", db, "--format", "json", "59/2012/nd-cp", cwd=tmp)
    check(rc == 0, "registry 59/2012/nd-cp: rc %d %s" % (rc, err))
    one = json.loads(out) if rc == 0 else {}
    lwtest.compare(WANT["59/2012/NĐ-CP"], {k: one.get(k) for k in WANT["59/2012/NĐ-CP"]}, "entry 59/2012/NĐ-CP")
    check(one.get("in_registry") is True, "in_registry")
    check(links(one.get("changed_by", [])) == {("32/2020/NĐ-CP", "amends", "59/2012/NĐ-CP", 1)},
          "59/2012/NĐ-CP is amended by 32/2020/NĐ-CP: %s" % one.get("changed_by"))
    check(one.get("changes") == [], "59/2012/NĐ-CP changes nothing")
    check("corpus/004_09e25ca88ebb10ff.txt:15" in one.get("sources", {}).get("status", []), "sources of the status")
    if cites is not None:
        lwtest.compare(cites, one.get("cited_by"), "cited_by = search --cites --format json")
    check(one.get("cited_by_count") == len(one.get("cited_by", [])), "cited_by_count")

    rc, out, err = reg("--db", db, "--format", "json", "32/2020/NĐ-CP", cwd=tmp)
    one = json.loads(out) if rc == 0 else {}
    check([(x["id"], x["status"]) for x in one.get("changes", [])] == [("59/2012/NĐ-CP", "amended")] and
          links(one["changes"]) == {("32/2020/NĐ-CP", "amends", "59/2012/NĐ-CP", 1)},
          "32/2020/NĐ-CP amends 59/2012/NĐ-CP, whose status is said: %s" % one.get("changes"))

    # transitive: 77/2024 amends 55/2023, which amends 75/2021 (and 77/2024 amends 75/2021 too)
    rc, out, err = reg("--format", "json", "75/2021/NĐ-CP", cwd=tmp)
    one = json.loads(out) if rc == 0 else {}
    check(links(one.get("changed_by", [])) == {("55/2023/NĐ-CP", "amends", "75/2021/NĐ-CP", 1),
                                               ("77/2024/NĐ-CP", "amends", "75/2021/NĐ-CP", 1),
                                               ("77/2024/NĐ-CP", "amends", "55/2023/NĐ-CP", 2)},
          "the chain of 75/2021/NĐ-CP, transitively: %s" % links(one.get("changed_by", [])))
    rc, out, err = reg("--format", "json", "45/2010/NĐ-CP", cwd=tmp)
    one = json.loads(out) if rc == 0 else {}
    check(links(one.get("changed_by", [])) == {("33/2012/NĐ-CP", "amends", "45/2010/NĐ-CP", 1),
                                               ("126/2024/NĐ-CP", "replaces", "45/2010/NĐ-CP", 1),
                                               ("126/2024/NĐ-CP", "replaces", "33/2012/NĐ-CP", 2)},
          "the chain of 45/2010/NĐ-CP: %s" % links(one.get("changed_by", [])))
    rc, out, err = reg("--format", "json", "126/2024/NĐ-CP", cwd=tmp)
    one = json.loads(out) if rc == 0 else {}
    check({("126/2024/NĐ-CP", "replaces", "45/2010/NĐ-CP", 1), ("126/2024/NĐ-CP", "replaces", "33/2012/NĐ-CP", 1)}
          <= links(one.get("changes", [])), "126/2024/NĐ-CP replaces 45/2010 and 33/2012: %s" % one.get("changes"))

    rc, out, err = reg("--db", db, "59/2012/NĐ-CP", cwd=tmp)
    check(rc == 0 and "↑ 32/2020/NĐ-CP sửa đổi, bổ sung 59/2012/NĐ-CP" in out and "Tình trạng (status)" in out,
          "the card and chain as a table: " + out[:300])

    # cited, not in the registry
    rc, out, err = reg("--db", db, "--format", "json", "123/2019/nd-cp", cwd=tmp)
    one = json.loads(out) if rc == 0 else {}
    check(rc == 0 and one.get("in_registry") is False and one.get("id") == "123/2019/NĐ-CP" and
          one.get("status_label") == "chưa có trong danh mục" and one.get("cited_by_count") == 1,
          "an id cited but not in the registry: rc %d %s" % (rc, {k: one.get(k) for k in ("id", "status_label")}))

    # neither known nor cited
    rc, out, err = reg("--db", db, "999/2019/NĐ-CP", cwd=tmp)
    check(rc == 2 and out == "" and "không có trong danh mục" in err and "is not in the registry" in err,
          "an unknown id exits 2 with both languages: rc %d %s" % (rc, err))
    rc, out, err = reg("--db", db, "--format", "xml", cwd=tmp)
    check(rc == 2, "--format xml exits 2")
    rc, out, err = reg("--db", db, "a", "b", cwd=tmp)
    check(rc == 2, "two ids exit 2")

    # --- search --unit
    def hits(*args):
        rc, out, err = lwtest.run("search", "--db", db, "--format", "json", *args, "thi hành", cwd=tmp)
        check(rc == 0, "search %s: %s" % (" ".join(args), err))
        return json.loads(out) if rc == 0 else []

    every = hits()
    soc = hits("--unit", "Sóc Trăng")
    check(soc and len(soc) < len(every), "--unit Sóc Trăng narrows the hits (%d of %d)" % (len(soc), len(every)))
    check(hits("--unit", "SOC TRANG") == soc, "--unit ignores diacritics and case")
    nv = hits("--unit", "so noi vu")  # a partner of the test document's duty, issuer of none
    check([h["path"] for h in nv] == [os.path.join("docs", "unlisted.txt")],
          "a unit a duty names (not the issuer) finds its document: %s" % [h["path"] for h in nv])
    tp = hits("--unit", "Sở Tư pháp")
    check(any("Tư pháp" not in (h["issuer"] or "") for h in tp), "--unit matches duties, not only issuers")
    check(hits("--unit", "không có đơn vị này") == [], "a unit nobody names: no hit")

lwtest.done("t_registry")
