#!/usr/bin/env python3
"""Synthetic Vietnamese documents on theo dõi tình hình thi hành pháp luật, with planted truth.

    gen_corpus.py --out DIR --n N --seed S [--noise LEVEL] [--p-NAME RATE ...]

Writes DIR/gen_NNNNN.txt and DIR/truth.jsonl (one object per document: path, encoding, header,
legal_ref_ids, deadline_to, agencies, plus evidence and meta for scoring). Standard library only.
Every document is a function of (seed, index) alone, so a corpus is reproducible and any slice of
it can be regenerated. The truth describes the CLEAN text: noise (wraps, NFD, look-alikes, old
tone marks, page artefacts, legacy encodings, ...) never adds or removes a fact; diacritics are
only ever dropped from filler words, which carry no fact. See bench/README.md.
"""
import argparse
import calendar
import datetime as dt
import json
import os
import random
import re
import sys
import unicodedata

D = dt.date
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
FILL_OPEN, FILL_CLOSE = "\x03", "\x04"   # marks filler: the only text whose diacritics may go

# ----------------------------------------------------------------------------------------------
# units
# ----------------------------------------------------------------------------------------------
# the 63 provinces before the 2025 merger: (name, unit word, survives after 2025-07-01)
PROVINCES = [
    ("An Giang", "tỉnh", 1), ("Bà Rịa - Vũng Tàu", "tỉnh", 0), ("Bạc Liêu", "tỉnh", 0),
    ("Bắc Giang", "tỉnh", 0), ("Bắc Kạn", "tỉnh", 0), ("Bắc Ninh", "tỉnh", 1), ("Bến Tre", "tỉnh", 0),
    ("Bình Dương", "tỉnh", 0), ("Bình Định", "tỉnh", 0), ("Bình Phước", "tỉnh", 0),
    ("Bình Thuận", "tỉnh", 0), ("Cà Mau", "tỉnh", 1), ("Cao Bằng", "tỉnh", 1),
    ("Cần Thơ", "thành phố", 1), ("Đà Nẵng", "thành phố", 1), ("Đắk Lắk", "tỉnh", 1),
    ("Đắk Nông", "tỉnh", 0), ("Điện Biên", "tỉnh", 1), ("Đồng Nai", "tỉnh", 1),
    ("Đồng Tháp", "tỉnh", 1), ("Gia Lai", "tỉnh", 1), ("Hà Giang", "tỉnh", 0), ("Hà Nam", "tỉnh", 0),
    ("Hà Nội", "thành phố", 1), ("Hà Tĩnh", "tỉnh", 1), ("Hải Dương", "tỉnh", 0),
    ("Hải Phòng", "thành phố", 1), ("Hậu Giang", "tỉnh", 0), ("Hòa Bình", "tỉnh", 0),
    ("Hưng Yên", "tỉnh", 1), ("Khánh Hòa", "tỉnh", 1), ("Kiên Giang", "tỉnh", 0),
    ("Kon Tum", "tỉnh", 0), ("Lai Châu", "tỉnh", 1), ("Lâm Đồng", "tỉnh", 1), ("Lạng Sơn", "tỉnh", 1),
    ("Lào Cai", "tỉnh", 1), ("Long An", "tỉnh", 0), ("Nam Định", "tỉnh", 0), ("Nghệ An", "tỉnh", 1),
    ("Ninh Bình", "tỉnh", 1), ("Ninh Thuận", "tỉnh", 0), ("Phú Thọ", "tỉnh", 1), ("Phú Yên", "tỉnh", 0),
    ("Quảng Bình", "tỉnh", 0), ("Quảng Nam", "tỉnh", 0), ("Quảng Ngãi", "tỉnh", 1),
    ("Quảng Ninh", "tỉnh", 1), ("Quảng Trị", "tỉnh", 1), ("Sóc Trăng", "tỉnh", 0), ("Sơn La", "tỉnh", 1),
    ("Tây Ninh", "tỉnh", 1), ("Thái Bình", "tỉnh", 0), ("Thái Nguyên", "tỉnh", 1),
    ("Thanh Hóa", "tỉnh", 1), ("Thừa Thiên Huế", "tỉnh", 1), ("Tiền Giang", "tỉnh", 0),
    ("Hồ Chí Minh", "thành phố", 1), ("Trà Vinh", "tỉnh", 0), ("Tuyên Quang", "tỉnh", 1),
    ("Vĩnh Long", "tỉnh", 1), ("Vĩnh Phúc", "tỉnh", 0), ("Yên Bái", "tỉnh", 0),
]
assert len(PROVINCES) == 63
SURVIVORS = [p for p in PROVINCES if p[2]]

# provincial departments: (name, code, valid from, valid until)
DEPTS = [
    ("Sở Tư pháp", "STP", None, None),
    ("Sở Nội vụ", "SNV", None, None),
    ("Sở Tài chính", "STC", None, None),
    ("Sở Y tế", "SYT", None, None),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", None, None),
    ("Sở Công Thương", "SCT", None, None),
    ("Sở Xây dựng", "SXD", None, None),
    ("Sở Khoa học và Công nghệ", "SKHCN", None, None),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", None, None),
    ("Sở Tài nguyên và Môi trường", "STNMT", None, D(2025, 3, 1)),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT", None, D(2025, 3, 1)),
    ("Sở Nông nghiệp và Môi trường", "SNNMT", D(2025, 3, 1), None),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", None, D(2025, 3, 1)),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT", None, D(2025, 3, 1)),
    ("Sở Thông tin và Truyền thông", "STTTT", None, D(2025, 3, 1)),
    ("Sở Giao thông vận tải", "SGTVT", None, D(2025, 3, 1)),
]
DEPT_ABBR = {"Sở Tư pháp": "Sở TP", "Sở Nội vụ": "Sở NV", "Sở Tài chính": "Sở TC"}

DISTRICT_NAMES = [
    "Châu Thành", "Mỹ Tú", "Long Phú", "Kế Sách", "Ba Tri", "Giồng Trôm", "Thạnh Phú", "Chợ Lách",
    "Mỏ Cày Nam", "Tân Phú", "Định Quán", "Vĩnh Cửu", "Cái Bè", "Cai Lậy", "Tân Hiệp", "Hòn Đất",
    "Phú Tân", "Cái Nước", "Đầm Dơi", "Năm Căn", "Hương Khê", "Cẩm Xuyên", "Can Lộc", "Quỳnh Lưu",
    "Diễn Châu", "Yên Thành", "Thọ Xuân", "Hoằng Hóa", "Lục Nam", "Yên Dũng", "Tiên Du", "Gia Bình",
    "Văn Lâm", "Kim Bảng", "Lý Nhân", "Hải Hậu", "Giao Thủy", "Kiến Xương", "Tiền Hải", "Bảo Thắng",
    "Mường Tè", "Phong Thổ", "Mai Châu", "Lạc Sơn", "Đức Trọng", "Di Linh", "Bảo Lâm", "Krông Pắc",
    "Ea Kar", "Chư Sê", "Đăk Hà", "Ngọc Hồi", "Sơn Tịnh", "Tư Nghĩa", "Mộ Đức", "Điện Bàn",
    "Duy Xuyên", "Núi Thành", "Hòa Vang", "Phong Điền", "Quảng Điền", "Hải Lăng", "Gio Linh",
    "Lệ Thủy", "Bố Trạch", "Tuy Phước", "Phù Mỹ", "Hoài Nhơn", "Ninh Hòa", "Diên Khánh",
    "Ninh Phước", "Tuy Phong", "Hàm Thuận Bắc", "Đức Linh", "Vĩnh Châu", "Trần Đề", "Ngã Năm",
]
TOWN_NAMES = ["Vĩnh Châu", "Ngã Năm", "Duyên Hải", "Bình Minh", "Gò Công", "Cai Lậy", "Kiến Tường", "Hương Thủy",
              "Hương Trà", "Quảng Trị", "Ba Đồn", "Hoàng Mai", "Kỳ Anh", "Nghi Sơn", "An Nhơn", "Hoài Nhơn",
              "Sông Cầu", "Ninh Hòa", "La Gi", "Buôn Hồ", "An Khê", "Ayun Pa", "Phước Long", "Bình Long",
              "Long Khánh", "Giá Rai", "Long Mỹ", "Tân Châu", "Hồng Ngự", "Trảng Bàng", "Điện Bàn", "Đông Triều"]
# provincial cities; those named like their province are in EPONYMOUS
PCITY_NAMES = ["Mỹ Tho", "Long Xuyên", "Rạch Giá", "Cao Lãnh", "Vị Thanh", "Tân An", "Quy Nhơn", "Tuy Hòa",
               "Nha Trang", "Phan Thiết", "Buôn Ma Thuột", "Pleiku", "Đà Lạt", "Bảo Lộc", "Biên Hòa",
               "Thủ Dầu Một", "Đồng Xoài", "Vũng Tàu", "Tam Kỳ", "Hội An", "Đông Hà", "Đồng Hới", "Vinh",
               "Hạ Long", "Móng Cái", "Uông Bí", "Việt Trì", "Vĩnh Yên", "Phủ Lý", "Sầm Sơn", "Sa Đéc", "Châu Đốc"]
EPONYMOUS = {"Bến Tre", "Sóc Trăng", "Cà Mau", "Bạc Liêu", "Trà Vinh", "Vĩnh Long", "Tây Ninh", "Hà Tĩnh",
             "Lạng Sơn", "Cao Bằng", "Lào Cai", "Yên Bái", "Tuyên Quang", "Thái Nguyên", "Bắc Giang", "Bắc Ninh",
             "Hưng Yên", "Hải Dương", "Thái Bình", "Nam Định", "Ninh Bình", "Thanh Hóa", "Quảng Ngãi", "Kon Tum",
             "Sơn La", "Lai Châu", "Hòa Bình", "Bắc Kạn", "Hà Giang"}
CITY_DISTRICT_NAMES = ["Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn", "Hải Châu", "Thanh Khê",
                       "Sơn Trà", "Liên Chiểu", "Ba Đình", "Hoàn Kiếm", "Đống Đa", "Cầu Giấy",
                       "Long Biên", "Hồng Bàng", "Lê Chân", "Ngô Quyền", "Bình Thạnh", "Gò Vấp",
                       "Tân Bình", "Thủ Đức"]
COMMUNE_A = ["Tân", "An", "Phú", "Mỹ", "Long", "Vĩnh", "Bình", "Hòa", "Thạnh", "Hưng", "Đông",
             "Tây", "Thuận", "Phước", "Xuân", "Hải", "Sơn", "Thanh", "Trung", "Hiệp", "Lộc", "Quang"]
COMMUNE_B = ["Phú", "Hòa", "Thạnh", "Lợi", "Hưng", "Bình", "An", "Thành", "Lộc", "Điền", "Hiệp",
             "Thuận", "Mỹ", "Long", "Sơn", "Hải", "Phong", "Tiến", "Thắng", "Lập", "Thủy", "Khánh"]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Lâm", "Tống", "Châu", "Trương", "Đinh", "Mai"]
MIDDLES = ["Văn", "Thị", "Thanh", "Minh", "Hoàng", "Quốc", "Ngọc", "Hữu", "Đức", "Thành", "Công",
           "Anh", "Kim", "Xuân", "Hồng", "Thúy"]
GIVENS = ["Bình", "Hải", "Nghiệp", "Hùng", "Dũng", "Lan", "Hương", "Tuấn", "Phong", "Sơn", "Thảo",
          "Hòa", "Thủy", "Long", "Nam", "Trung", "Tâm", "Khoa", "Quang", "Vinh", "Hạnh", "Mai",
          "Thoại", "Tùng", "Khải", "Nga", "Phúc", "Lộc", "Toàn", "Huy"]

TOPICS = ["xử lý vi phạm hành chính", "đất đai", "bảo vệ môi trường", "an toàn thực phẩm",
          "phòng, chống tham nhũng", "giáo dục", "khám bệnh, chữa bệnh", "lao động, việc làm",
          "trật tự, an toàn giao thông", "phòng cháy, chữa cháy", "quản lý thuế", "hộ tịch",
          "xây dựng", "bảo hiểm xã hội, bảo hiểm y tế", "quản lý, sử dụng tài sản công",
          "phòng, chống ma túy", "chuyển đổi số", "hòa giải ở cơ sở", "tài nguyên nước",
          "quản lý chất lượng hàng hóa", "bình đẳng giới", "phòng, chống bạo lực gia đình"]

# ----------------------------------------------------------------------------------------------
# legal documents: real ones (dates as issued) and per-year synthetic ones
# ----------------------------------------------------------------------------------------------
# by: (the words after "của", the canonical agency they name)
GOV = ("Chính phủ", "Chính phủ")
MINJ = ("Bộ trưởng Bộ Tư pháp", "Bộ Tư pháp")
MINJ2 = ("Bộ Tư pháp", "Bộ Tư pháp")
PM = ("Thủ tướng Chính phủ", "Thủ tướng Chính phủ")
NA = ("Quốc hội", "Quốc hội")
REG = {
    "nd59": dict(type="Nghị định", num="59", year=2012, sym="NĐ-CP", date=D(2012, 7, 23), by=GOV,
                 about="về theo dõi tình hình thi hành pháp luật"),
    "nd32": dict(type="Nghị định", num="32", year=2020, sym="NĐ-CP", date=D(2020, 3, 5), by=GOV,
                 about="sửa đổi, bổ sung một số điều của {nd59}", effective=D(2020, 5, 15)),
    "tt14": dict(type="Thông tư", num="14", year=2014, sym="TT-BTP", date=D(2014, 5, 15), by=MINJ2,
                 about="quy định chi tiết thi hành {nd59}", until=D(2021, 8, 5)),
    "tt04": dict(type="Thông tư", num="04", year=2021, sym="TT-BTP", date=D(2021, 6, 21), by=MINJ,
                 about="hướng dẫn thi hành {nd59} và {nd32}"),
    "tt16": dict(type="Thông tư", num="16", year=2018, sym="TT-BTP", date=D(2018, 12, 14), by=MINJ,
                 about="quy định chế độ báo cáo trong quản lý công tác thi hành pháp luật về xử lý vi phạm hành chính và theo dõi tình hình thi hành pháp luật"),
    "tt08": dict(type="Thông tư", num="08", year=2024, sym="TT-BTP", date=D(2024, 8, 15), by=MINJ,
                 about="quy định chi tiết việc xem xét, đánh giá tình hình thi hành pháp luật"),
    "qd722": dict(type="Quyết định", num="722", year=None, sym="QĐ-BTP", date=D(2015, 4, 17), by=MINJ,
                  about="ban hành Kế hoạch sơ kết 03 năm thi hành {nd59}"),
    "nd34": dict(type="Nghị định", num="34", year=2016, sym="NĐ-CP", date=D(2016, 5, 14), by=GOV,
                 about="quy định chi tiết một số điều và biện pháp thi hành Luật Ban hành văn bản quy phạm pháp luật"),
    "nd154": dict(type="Nghị định", num="154", year=2020, sym="NĐ-CP", date=D(2020, 12, 31), by=GOV,
                  about="sửa đổi, bổ sung một số điều của {nd34}"),
    "nd55": dict(type="Nghị định", num="55", year=2011, sym="NĐ-CP", date=D(2011, 7, 4), by=GOV,
                 about="quy định chức năng, nhiệm vụ, quyền hạn và tổ chức bộ máy của tổ chức pháp chế"),
    "nd81": dict(type="Nghị định", num="81", year=2013, sym="NĐ-CP", date=D(2013, 7, 19), by=GOV,
                 about="quy định chi tiết một số điều và biện pháp thi hành Luật Xử lý vi phạm hành chính",
                 until=D(2022, 1, 1)),
    "nd118": dict(type="Nghị định", num="118", year=2021, sym="NĐ-CP", date=D(2021, 12, 23), by=GOV,
                  about="quy định chi tiết một số điều và biện pháp thi hành Luật Xử lý vi phạm hành chính"),
    "nd30": dict(type="Nghị định", num="30", year=2020, sym="NĐ-CP", date=D(2020, 3, 5), by=GOV,
                 about="về công tác văn thư"),
    "ttlt23": dict(type="Thông tư liên tịch", num="23", year=2014, sym="TTLT-BTP-BNV", date=D(2014, 12, 22),
                   by=("Bộ Tư pháp và Bộ Nội vụ", "Bộ Tư pháp"),
                   about="hướng dẫn chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Tư pháp và Phòng Tư pháp",
                   until=D(2020, 6, 1)),
    "luat80": dict(type="Luật", num="80", year=2015, sym="QH13", date=D(2015, 6, 22), by=NA,
                   title="Ban hành văn bản quy phạm pháp luật", until=D(2025, 4, 1)),
    "luat63": dict(type="Luật", num="63", year=2020, sym="QH14", date=D(2020, 6, 18), by=NA,
                   title="sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật",
                   until=D(2025, 4, 1)),
    "luat64": dict(type="Luật", num="64", year=2025, sym="QH15", date=D(2025, 2, 19), by=NA,
                   title="Ban hành văn bản quy phạm pháp luật", effective=D(2025, 4, 1)),
    "luat15": dict(type="Luật", num="15", year=2012, sym="QH13", date=D(2012, 6, 20), by=NA,
                   title="Xử lý vi phạm hành chính"),
    "luat77": dict(type="Luật", num="77", year=2015, sym="QH13", date=D(2015, 6, 19), by=NA,
                   title="Tổ chức chính quyền địa phương", until=D(2025, 6, 16)),
    "luat72": dict(type="Luật", num="72", year=2025, sym="QH15", date=D(2025, 6, 16), by=NA,
                   title="Tổ chức chính quyền địa phương"),
    "nq66": dict(type="Nghị quyết", party=True, num="66", sym="NQ/TW", date=D(2025, 4, 30),
                 by=("Bộ Chính trị", None),
                 about="về đổi mới công tác xây dựng và thi hành pháp luật đáp ứng yêu cầu phát triển đất nước trong kỷ nguyên mới"),
    "nq27": dict(type="Nghị quyết", party=True, num="27", sym="NQ/TW", date=D(2022, 11, 9),
                 by=("Ban Chấp hành Trung ương Đảng khóa XIII", None),
                 about="về tiếp tục xây dựng và hoàn thiện Nhà nước pháp quyền xã hội chủ nghĩa Việt Nam trong giai đoạn mới"),
}
CORE = ["nd59", "nd32", "tt04", "tt14", "tt16", "tt08", "qd722", "luat80", "luat64", "nd34", "nd154",
        "nd55", "nd81", "nd118", "nd30", "ttlt23", "luat63", "luat15", "luat77", "luat72", "nq66", "nq27"]


def _year_docs():
    """Per-year central documents (synthetic numbers, fixed for every corpus): the Prime
    Minister's decision on the focus areas, the Ministry's guidance letter."""
    r = random.Random("lawwatch-year-docs")
    out = {}
    for y in range(2018, 2027):
        out[("qdttg", y)] = dict(type="Quyết định", num=str(r.randint(40, 1900)), year=None, sym="QĐ-TTg",
                                 date=D(y, r.randint(1, 3), r.randint(1, 28)), by=PM,
                                 about=f"ban hành Kế hoạch triển khai công tác theo dõi tình hình thi hành pháp luật năm {y}",
                                 yearful=True)
        out[("cvbtp", y)] = dict(type="Công văn", num=str(r.randint(200, 5200)), year=None,
                                 sym="BTP-QLXLVPHC&TDTHPL", date=D(y, r.randint(9, 11), r.randint(1, 28)),
                                 by=MINJ2, about=f"hướng dẫn báo cáo công tác theo dõi tình hình thi hành pháp luật năm {y}",
                                 yearful=True)
    return out


YEAR_DOCS = _year_docs()


def canon_id(e):
    if e.get("party"):
        return f"{int(e['num'])}-{e['sym']}"
    if e.get("year"):
        return f"{int(e['num']):02d}/{e['year']}/{e['sym']}"
    return f"{int(e['num'])}/{e['sym']}"


# ----------------------------------------------------------------------------------------------
# filler prose: no digits, no agencies, no dates, no document numbers
# ----------------------------------------------------------------------------------------------
F_OPEN = ["Tiếp tục", "Chủ động", "Tăng cường", "Đẩy mạnh", "Quan tâm", "Chú trọng", "Kịp thời",
          "Nghiêm túc", "Tập trung"]
F_ACT = ["triển khai thực hiện", "tổ chức thực hiện", "hướng dẫn, đôn đốc", "kiểm tra, giám sát",
         "rà soát, đánh giá", "thu thập, xử lý thông tin về", "phổ biến, quán triệt", "theo dõi, đánh giá",
         "nâng cao chất lượng", "đổi mới phương thức thực hiện"]
F_OBJ = ["công tác theo dõi tình hình thi hành pháp luật", "công tác tổ chức thi hành pháp luật",
         "các quy định của pháp luật về xử lý vi phạm hành chính", "việc thi hành pháp luật trong lĩnh vực {t}",
         "các văn bản quy phạm pháp luật có liên quan", "các phản ánh, kiến nghị của tổ chức, cá nhân",
         "các điều kiện bảo đảm cho công tác thi hành pháp luật", "việc ban hành văn bản quy định chi tiết",
         "tình hình tuân thủ pháp luật của cơ quan, tổ chức và công dân",
         "hiệu quả công tác pháp chế", "tình hình thi hành pháp luật trong lĩnh vực {t}"]
F_SCOPE = ["trên địa bàn", "trong phạm vi ngành, lĩnh vực được giao quản lý", "tại cơ quan, đơn vị, địa phương",
           "thuộc phạm vi quản lý", "trong toàn ngành", ""]
F_PURP = ["nhằm kịp thời phát hiện những khó khăn, vướng mắc, bất cập trong thực tiễn",
          "bảo đảm tính thống nhất, đồng bộ, khả thi của hệ thống pháp luật",
          "góp phần nâng cao hiệu lực, hiệu quả quản lý nhà nước",
          "đáp ứng yêu cầu nhiệm vụ trong tình hình mới", "tránh hình thức, trùng lắp, chồng chéo",
          "bảo đảm quyền và lợi ích hợp pháp của tổ chức, cá nhân",
          "từ đó đề xuất, kiến nghị các giải pháp hoàn thiện pháp luật",
          "tạo chuyển biến rõ nét trong nhận thức và hành động của cán bộ, công chức",
          "bảo đảm tiết kiệm, hiệu quả, đúng quy định"]
F_CANNED = [
    "Việc theo dõi thi hành pháp luật phải được thực hiện thường xuyên, có trọng tâm, trọng điểm, thiết thực gắn với chức năng, nhiệm vụ, quyền hạn của từng cơ quan, địa phương.",
    "Bảo đảm sự phối hợp chặt chẽ giữa các cơ quan, tổ chức trong quá trình theo dõi tình hình thi hành pháp luật, không trùng lắp, chồng chéo với các hoạt động thanh tra, kiểm tra khác.",
    "Xác định rõ nội dung, hoạt động theo dõi; phạm vi trách nhiệm của các cơ quan, địa phương trong việc thực hiện công tác theo dõi tình hình thi hành pháp luật.",
    "Tạo điều kiện thuận lợi và khuyến khích sự tham gia tích cực của các tổ chức, cá nhân trong công tác theo dõi tình hình thi hành pháp luật.",
    "Tuy nhiên, thực tiễn triển khai vẫn còn một số tồn tại, hạn chế có ảnh hưởng nhất định đến kết quả theo dõi tình hình thi hành pháp luật.",
    "Việc bố trí biên chế, kinh phí ở một số cơ quan, đơn vị để thực hiện công tác này chưa đảm bảo theo quy định của pháp luật.",
    "Sự tham gia, phối hợp giữa các cơ quan, đơn vị trong hoạt động theo dõi tình hình thi hành pháp luật có lúc, có nơi chưa chặt chẽ, còn hạn chế.",
    "Đội ngũ công chức làm công tác theo dõi thi hành pháp luật chủ yếu kiêm nhiệm, chưa được đào tạo chuyên sâu, nên chất lượng tham mưu có mặt còn hạn chế.",
    "Chủ động tiếp nhận, xử lý kịp thời các phản ánh, kiến nghị về tình hình thi hành pháp luật trong phạm vi ngành, lĩnh vực, địa bàn quản lý.",
    "Kịp thời đề xuất, kiến nghị cấp có thẩm quyền sửa đổi, bổ sung, thay thế, bãi bỏ các văn bản không còn phù hợp hoặc có mâu thuẫn, chồng chéo.",
    "Xác định rõ cơ chế phân công, trách nhiệm phối hợp giữa các cơ quan, tổ chức, cá nhân, nhất là trách nhiệm của người đứng đầu trong công tác tổ chức thi hành pháp luật.",
    "Phát hiện và xử lý nghiêm minh, kịp thời các hành vi vi phạm pháp luật; đối với các vụ việc phức tạp cần có sự lãnh đạo, chỉ đạo sát sao của chính quyền các cấp.",
    "Các cơ quan, đơn vị cần bám sát thực tiễn, lựa chọn nội dung theo dõi phù hợp, tránh dàn trải, hình thức.",
    "Kết quả theo dõi tình hình thi hành pháp luật là cơ sở quan trọng để đánh giá hiệu quả công tác quản lý nhà nước của từng ngành, từng cấp.",
    "Công tác thu thập, xử lý thông tin về tình hình thi hành pháp luật được thực hiện qua nhiều nguồn như báo cáo của cơ quan nhà nước, thông tin trên phương tiện thông tin đại chúng và thông tin do tổ chức, cá nhân cung cấp.",
    "Nhìn chung, các văn bản quy phạm pháp luật được ban hành kịp thời, đầy đủ, cơ bản bảo đảm tính thống nhất, đồng bộ và khả thi.",
    "Một số quy định còn chưa rõ ràng, cách hiểu chưa thống nhất nên quá trình áp dụng còn gặp khó khăn.",
    "Cơ sở vật chất, trang thiết bị phục vụ công tác này còn thiếu, chưa đáp ứng yêu cầu nhiệm vụ.",
]
F_TAIL = ["", "", " và các nhiệm vụ có liên quan", " theo đúng quy định", " một cách thực chất, hiệu quả"]


def filler_sentence(r):
    if r.random() < 0.3:
        return r.choice(F_CANNED)
    s = f"{r.choice(F_OPEN)} {r.choice(F_ACT)} {r.choice(F_OBJ)}".replace("{t}", r.choice(TOPICS))
    sc = r.choice(F_SCOPE)
    if sc:
        s += " " + sc
    if r.random() < 0.7:
        s += ", " + r.choice(F_PURP)
    return s + r.choice(F_TAIL) + "."


def fill(r, n=1, lower=False, end=True):
    """n filler sentences, marked as filler (diacritics may be lost there)"""
    s = " ".join(filler_sentence(r) for _ in range(n))
    if lower:
        s = s[:1].lower() + s[1:]
    if not end:
        s = s.rstrip(".")
    return FILL_OPEN + s + FILL_CLOSE


def lower_first(s):
    return s[:1].lower() + s[1:]


def upper_first(s):
    return s[:1].upper() + s[1:]


# ----------------------------------------------------------------------------------------------
# dates
# ----------------------------------------------------------------------------------------------
def month_end(y, m):
    return D(y, m, calendar.monthrange(y, m)[1])


def quarter_end(y, q):
    return month_end(y, 3 * q)


def iso(d):
    return d.isoformat()


def fmt_date(r, d, words=None):
    """23/7/2012, 05/3/2020, 23 tháng 7 năm 2012 ..."""
    if words is None:
        words = r.random() < 0.2
    c = r.random()   # 05/03/2020, 05/3/2020 or 5/3/2020
    dd = f"{d.day:02d}" if c < 0.75 else str(d.day)
    mm = f"{d.month:02d}" if c < 0.4 else str(d.month)
    if words:
        return f"{dd} tháng {mm} năm {d.year}"
    sep = "/" if r.random() < 0.96 else r.choice(".-")
    return f"{dd}{sep}{mm}{sep}{d.year}"


def rand_date(r, lo, hi):
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=r.randint(0, (hi - lo).days))


# ----------------------------------------------------------------------------------------------
# the document under construction
# ----------------------------------------------------------------------------------------------
class Doc:
    def __init__(self, r, idx):
        self.r = r
        self.idx = idx
        self.lines = []
        self.size = 0
        self.ids = {}          # id -> [(form, text)]
        self.deadlines = {}    # iso -> [(form, text)]
        self.agencies = {}     # canonical -> surface
        self.not_deadlines = []

    # -- output
    def add(self, line=""):
        self.lines.append(line)
        self.size += len(line.encode("utf-8")) + 1

    def blank(self):
        if self.lines and self.lines[-1] != "":
            self.add("")

    # -- facts
    def ag(self, canon, surface=None):
        surface = surface or canon
        if canon:
            self.agencies.setdefault(canon, surface)
        return surface

    def note_id(self, cid, form, text):
        self.ids.setdefault(cid, []).append((form, text))

    def note_dl(self, to, form, text):
        self.deadlines.setdefault(iso(to), []).append((form, text))
        return text

    def distract(self, form, text):
        self.not_deadlines.append((form, text))
        return text

    # -- citations
    def cite(self, e, style=None, with_by=None, with_about=None):
        """A citation of registry entry e, in one of the forms documents use."""
        r = self.r
        cid = canon_id(e)
        if style is None:
            style = r.choices(["full", "numbered", "noso", "words", "unpadded", "lower"],
                              [46, 26, 12, 8, 4, 4])[0]
        typ = e["type"]
        if e.get("party"):
            num = f"{e['num']}-{e['sym']}"
        elif e.get("year"):
            n = e["num"]
            if style == "unpadded" and len(n) == 2 and n[0] == "0":
                n = n[1:]
            elif style != "unpadded" and len(n) == 1:
                n = "0" + n
            num = f"{n}/{e['year']}/{e['sym']}"
        else:
            num = f"{e['num']}/{e['sym']}"
        if typ == "Luật" and style in ("full", "words", "numbered") and r.random() < 0.6:
            head = f"Luật {e['title']} số {num}"
            form = "law_named_numbered"
        elif style == "noso":
            head = f"{typ} {num}"
            form = "noso"
        elif style == "lower":
            head = f"{typ.lower()} số {num}"
            form = "lowercase_type"
        else:
            head = f"{typ} số {num}"
            form = {"unpadded": "unpadded"}.get(style, "numbered")
        text = head
        if style in ("full", "words") or (style == "unpadded" and r.random() < 0.5):
            text += f" ngày {fmt_date(r, e['date'], words=(style == 'words'))}"
            form += "+date" if style != "words" else "+date_words"
            if with_by is None:
                with_by = r.random() < 0.85
        if with_by and e.get("by"):
            words, canon = e["by"]
            text += f" của {words}"
            if canon:
                self.ag(canon)
        self.note_id(cid, form, head)
        self.last_cited = (e, num)
        if with_about is None:
            with_about = style == "full" and r.random() < 0.8
        about = e.get("about")
        if with_about and about:
            text += " " + self.expand(about)
        elif with_about and e.get("title") and typ != "Luật":
            text += " " + e["title"]
        return text

    def expand(self, s):
        def sub(m):
            return self.cite(REG[m.group(1)], style="numbered", with_by=False, with_about=False)
        return re.sub(r"\{(\w+)\}", sub, s)

    def pinpoint(self, e):
        r = self.r
        k = r.choice(["khoản {k} Điều {d}", "Điều {d}", "điểm {p} khoản {k} Điều {d}", "khoản {k}, Điều {d}",
                      "Điều {d} và Điều {d2}", "Phụ lục {ro}"])
        pin = k.format(k=r.randint(1, 6), d=r.randint(1, 20), d2=r.randint(21, 30), p=r.choice("abcdđ"),
                       ro=r.choice(ROMAN[:4]))
        cid = canon_id(e)
        num = f"{e['num']}/{e['year']}/{e['sym']}" if e.get("year") else f"{e['num']}/{e['sym']}"
        so = "số " if r.random() < 0.6 else ""
        link = " ban hành kèm theo " if pin.startswith("Phụ lục") else (" của " if r.random() < 0.15 else " ")
        text = f"{pin}{link}{e['type']} {so}{num}"
        self.note_id(cid, "pinpoint", text)
        return text

    def law_by_name(self, e):
        """a law by name and year or date: no id"""
        if self.r.random() < 0.6:
            return f"Luật {e['title']} năm {e['date'].year}"
        return f"Luật {e['title']} ngày {fmt_date(self.r, e['date'], words=True)}"


# ----------------------------------------------------------------------------------------------
# the issuing unit
# ----------------------------------------------------------------------------------------------
class Unit:
    pass


_GAZETTEER = {}


def gazetteer(prov, city):
    """The districts of a province, each with its communes: [(dtype, dname, [(ctype, cname)])].
    Drawn once per province from its own generator, so the same for every seed and size."""
    key = (prov, city)
    if key in _GAZETTEER:
        return _GAZETTEER[key]
    g = random.Random("lawwatch-gazetteer:" + prov)
    out, seen = [], set()
    want = g.randint(8, 12)
    tries = 0
    while len(out) < want and tries < 500:
        tries += 1
        if city:
            dtype = g.choices(["quận", "huyện", "thị xã"], [60, 30, 10])[0]
            dname = g.choice(CITY_DISTRICT_NAMES if dtype == "quận" else DISTRICT_NAMES)
        else:
            dtype = g.choices(["huyện", "thị xã", "thành phố"], [78, 12, 10])[0]
            if dtype == "thành phố":
                dname = prov if (prov in EPONYMOUS and g.random() < 0.7) else g.choice(PCITY_NAMES)
            elif dtype == "thị xã":
                dname = g.choice(TOWN_NAMES)
            else:
                dname = g.choice(DISTRICT_NAMES)
        if dname in seen:
            continue
        seen.add(dname)
        communes, cseen = [], set()
        for _ in range(g.randint(8, 15)):
            ctype = g.choices(["xã", "phường", "thị trấn"], [78, 16, 6])[0]
            if ctype == "thị trấn" and dtype != "huyện":
                ctype = "phường"    # a thị trấn belongs to a huyện; towns and cities have phường
            cname = f"{g.choice(COMMUNE_A)} {g.choice(COMMUNE_B)}"
            if cname not in cseen:
                cseen.add(cname)
                communes.append((ctype, cname))
        out.append((dtype, dname, communes))
    _GAZETTEER[key] = out
    return out


def pick_unit(r, date):
    u = Unit()
    after_merge = date >= D(2025, 7, 1)
    prov = r.choice(SURVIVORS if after_merge else PROVINCES)
    u.prov, u.pword, _ = prov
    if u.prov == "Thừa Thiên Huế" and date >= D(2025, 1, 1):
        u.prov, u.pword = "Huế", "thành phố"
    u.city = u.pword == "thành phố"
    u.place = "Thành phố Hồ Chí Minh" if u.prov == "Hồ Chí Minh" else u.prov
    u.prov_full = f"{u.pword} {u.prov}"                     # "tỉnh Bến Tre", "thành phố Hà Nội"
    u.ubnd_prov = f"Ủy ban nhân dân {u.prov_full}"
    levels = ["province", "department", "district", "justice_division", "commune"]
    w = [34, 30, 16, 6, 14] if not after_merge else [45, 35, 0, 0, 20]
    u.level = r.choices(levels, w)[0]
    # the district and the commune (also for documents of a province that name them), from
    # the province's own fixed list: a province has some ten districts of some ten communes
    # each, whatever the corpus size, as in life (and as cross-document reports assume)
    dtype, dname, communes = r.choice(gazetteer(u.prov, u.city))
    u.dtype, u.dname = dtype, dname
    u.district = f"{dtype} {dname}"
    ctype, cname = r.choice(communes)
    if after_merge and ctype == "thị trấn":
        ctype = "xã"                # no thị trấn after the 2025 merger
    elif not after_merge and ctype == "phường" and dtype == "huyện":
        ctype = "xã"
    u.ctype, u.cname = ctype, cname
    u.commune = f"{ctype} {u.cname}"
    u.after_merge = after_merge
    if u.level == "department":
        ok = [d for d in DEPTS if (d[2] is None or date >= d[2]) and (d[3] is None or date < d[3])]
        dep = ok[0] if r.random() < 0.55 else r.choice(ok)
        u.dept, u.code = dep[0], dep[1]
    if u.level == "province":
        u.issuer = u.ubnd_prov
        u.head = ["ỦY BAN NHÂN DÂN", u.prov_full.upper()]
        u.place_line = u.place
        u.short = "UBND"
    elif u.level == "department":
        u.issuer = f"{u.dept} {u.prov_full}"
        top = r.choice([f"UBND {u.prov_full.upper()}", f"ỦY BAN NHÂN DÂN {u.prov_full.upper()}"])
        u.head = [top, u.dept.upper()]
        u.place_line = u.place
        u.short = u.code
    elif u.level == "district":
        u.issuer = f"Ủy ban nhân dân {u.district}"
        u.head = ["ỦY BAN NHÂN DÂN", u.district.upper()]
        u.place_line = dname
        u.short = "UBND"
    elif u.level == "justice_division":
        u.issuer = f"Phòng Tư pháp {u.district}"
        u.head = [f"UBND {u.district.upper()}", "PHÒNG TƯ PHÁP"]
        u.place_line = dname
        u.short = "PTP"
    else:
        u.issuer = f"Ủy ban nhân dân {u.commune}"
        u.head = ["ỦY BAN NHÂN DÂN", u.commune.upper()]
        u.place_line = u.cname
        u.short = "UBND"
    return u


def person(r):
    return f"{r.choice(SURNAMES)} {r.choice(MIDDLES)} {r.choice(GIVENS)}"


# ----------------------------------------------------------------------------------------------
# agency mentions (each records its canonical name)
# ----------------------------------------------------------------------------------------------
def m_ubnd_prov(doc, u, form=None):
    """the provincial People's Committee"""
    r = doc.r
    if u.city:
        return doc.ag(u.ubnd_prov, r.choice([u.ubnd_prov, f"UBND {u.prov_full}"]))
    s = form or r.choices(["Ủy ban nhân dân tỉnh", "UBND tỉnh", "Chủ tịch Ủy ban nhân dân tỉnh",
                           "Ủy ban nhân dân tỉnh " + u.prov], [50, 25, 15, 10])[0]
    return doc.ag("Ủy ban nhân dân tỉnh", s)


def m_districts(doc, u):
    r = doc.r
    if u.after_merge:
        return m_communes(doc, u)
    if u.city:
        s = r.choice(["Ủy ban nhân dân các quận, huyện, thị xã", "UBND các quận, huyện",
                      "Ủy ban nhân dân cấp huyện"])
    else:
        s = r.choice(["Ủy ban nhân dân các huyện, thị xã, thành phố", "UBND các huyện, thành phố",
                      "Ủy ban nhân dân cấp huyện", "UBND cấp huyện", "Ủy ban nhân dân các huyện, thị xã"])
    return doc.ag("Ủy ban nhân dân cấp huyện", s)


def m_communes(doc, u):
    s = doc.r.choice(["Ủy ban nhân dân cấp xã", "UBND cấp xã", "Ủy ban nhân dân các xã, phường, thị trấn",
                      "Ủy ban nhân dân các xã, phường"] if not u.after_merge else
                     ["Ủy ban nhân dân cấp xã", "Ủy ban nhân dân các xã, phường", "UBND cấp xã"])
    return doc.ag("Ủy ban nhân dân cấp xã", s)


def m_stp(doc, form=None):
    return doc.ag("Sở Tư pháp", form or doc.r.choices(["Sở Tư pháp", "Sở TP"], [92, 8])[0])


def m_dept(doc, u):
    """some other provincial department"""
    ok = [d for d in DEPTS[1:] if (d[2] is None or doc.date >= d[2]) and (d[3] is None or doc.date < d[3])]
    name = doc.r.choice(ok)[0]
    return doc.ag(name)


def m_btp(doc):
    return doc.ag("Bộ Tư pháp")


def m_local_justice(doc, u):
    """the justice office one level up/down, by the unit's level"""
    if u.after_merge:
        return m_stp(doc)
    return doc.ag("Phòng Tư pháp")


def m_own(doc, u):
    """the issuing unit named in the body"""
    r = doc.r
    if u.level == "province":
        return m_ubnd_prov(doc, u)
    if u.level == "department":
        return doc.ag(u.dept)
    if u.level == "district":
        return doc.ag(u.issuer, r.choice([u.issuer, f"UBND {u.district}"]))
    if u.level == "justice_division":
        return doc.ag("Phòng Tư pháp", r.choice(["Phòng Tư pháp", u.issuer]))
    return doc.ag(u.issuer, r.choice([u.issuer, f"UBND {u.commune}"]))


def m_superior(doc, u):
    if u.level in ("province",):
        return m_btp(doc)
    if u.level in ("department",):
        return m_ubnd_prov(doc, u)
    if u.level in ("district", "justice_division"):
        return m_ubnd_prov(doc, u) if doc.r.random() < 0.5 else m_stp(doc)
    if u.after_merge:
        return m_ubnd_prov(doc, u) if doc.r.random() < 0.5 else m_stp(doc)
    ubnd_d = f"Ủy ban nhân dân {u.district}"
    return doc.ag(ubnd_d, doc.r.choice([ubnd_d, f"UBND {u.district}"]))


def m_report_to(doc, u):
    """where reports go: the justice office of the unit's level (or above)"""
    if u.level in ("province",):
        return m_stp(doc) if doc.r.random() < 0.5 else m_btp(doc)
    if u.level == "department":
        return m_stp(doc) if u.dept != "Sở Tư pháp" else m_ubnd_prov(doc, u)
    if u.level in ("district", "justice_division"):
        return doc.ag("Phòng Tư pháp") if u.level == "district" else m_stp(doc)
    return m_local_justice(doc, u)


def m_lower_units(doc, u):
    """the units the document is addressed to"""
    r = doc.r
    if u.level in ("province", "department"):
        parts = [r.choice(["các sở, ban, ngành tỉnh", "các Sở, ban, ngành", "các cơ quan chuyên môn thuộc UBND tỉnh"])
                 if not u.city else "các sở, ban, ngành Thành phố", m_districts(doc, u)]
        return ", ".join(parts) if r.random() < 0.5 else f"{parts[0]} và {parts[1]}"
    if u.level in ("district", "justice_division"):
        return f"các cơ quan, đơn vị thuộc huyện và {m_communes(doc, u)}"
    return "các ban, ngành, đoàn thể xã và các ấp, khóm trên địa bàn"


# ----------------------------------------------------------------------------------------------
# deadlines
# ----------------------------------------------------------------------------------------------
LABELS = ["Thời gian thực hiện", "Thời gian thực hiện", "Thời gian thực hiện", "Thời gian hoàn thành",
          "Thời gian", "Thời hạn hoàn thành"]


def qword(r, q):
    return r.choices([ROMAN[q - 1], str(q)], [90, 10])[0]


def dl_label(doc, year, yearless_ok):
    """the value of a "Thời gian thực hiện:" label: any deadline form"""
    r = doc.r
    d0 = doc.date
    forms = ["quarter", "quarter_range", "month", "before", "by", "recurring", "in_year", "quarter_yearless",
             "month_yearless", "recurring_yearless", "month_range", "half", "year_end", "until"]
    w = [22, 6, 14, 10, 6, 10, 4, 6, 3, 4, 3, 3, 3, 2]
    if not yearless_ok:
        w = [x if "yearless" not in f else 0 for f, x in zip(forms, w)]
    form = r.choices(forms, w)[0]
    lo_q = 1 if year > d0.year else (d0.month - 1) // 3 + 1
    lo_m = 1 if year > d0.year else d0.month
    if form in ("quarter", "quarter_yearless"):
        q = r.randint(lo_q, 4)
        to = quarter_end(year, q)
        if form == "quarter":
            t = r.choices([f"Quý {qword(r, q)} năm {year}", f"Quý {ROMAN[q-1]}/{year}", f"quý {q}/{year}",
                           f"Trong quý {ROMAN[q-1]} năm {year}"], [60, 20, 5, 15])[0]
        else:
            t = r.choice([f"Quý {ROMAN[q-1]}", f"Trong quý {ROMAN[q-1]}"])
        return doc.note_dl(to, form, t)
    if form == "quarter_range":
        q = r.randint(lo_q, 3)
        q2 = r.randint(q + 1, 4)
        t = r.choice([f"Quý {ROMAN[q-1]}, quý {ROMAN[q2-1]} năm {year}", f"Quý {ROMAN[q-1]} và Quý {ROMAN[q2-1]} năm {year}",
                      f"Quý {ROMAN[q-1]} - Quý {ROMAN[q2-1]} năm {year}" if q2 == q + 1 else f"Quý {ROMAN[q-1]} đến Quý {ROMAN[q2-1]} năm {year}"])
        return doc.note_dl(quarter_end(year, q2), form, t)
    if form in ("month", "month_yearless"):
        m = r.randint(lo_m, 12)
        mm = f"{m:02d}" if m < 10 and r.random() < 0.5 else str(m)
        if form == "month":
            t = r.choices([f"Trong tháng {mm} năm {year}", f"Tháng {mm}/{year}", f"Trong tháng {mm}/{year}",
                           f"Hoàn thành trong tháng {mm} năm {year}"], [55, 20, 15, 10])[0]
        else:
            t = f"Trong tháng {mm}"
        return doc.note_dl(month_end(year, m), form, t)
    if form == "month_range":
        m = r.randint(lo_m, 11)
        m2 = r.randint(m + 1, 12)
        return doc.note_dl(month_end(year, m2), form, f"Từ tháng {m} đến tháng {m2} năm {year}")
    if form in ("before", "by", "until"):
        lo = max(d0 + dt.timedelta(days=10), D(year, 1, 1))
        d = rand_date(r, lo, D(year, 12, 31)) if lo <= D(year, 12, 31) else lo
        if form == "before":
            t = r.choice(["Trước ngày {}", "Hoàn thành trước ngày {}", "trước ngày {}"]).format(fmt_date(r, d))
            return doc.note_dl(d - dt.timedelta(days=1), form, t)
        if form == "by":
            t = r.choice(["Chậm nhất ngày {}", "Chậm nhất là ngày {}", "Hoàn thành chậm nhất ngày {}",
                          "Hạn chót ngày {}"]).format(fmt_date(r, d))
            return doc.note_dl(d, form, t)
        return doc.note_dl(d, form, "Đến ngày " + fmt_date(r, d))
    if form == "recurring":
        t = r.choice([f"Thường xuyên trong năm {year}", f"Thường xuyên, liên tục trong năm {year}", f"Cả năm {year}"])
        return doc.note_dl(D(year, 12, 31), form, t)
    if form == "recurring_yearless":
        t = r.choice(["Thường xuyên trong năm", "Thường xuyên", "Thường xuyên, liên tục", "Hằng năm"])
        return doc.note_dl(D(year, 12, 31), form, t)
    if form == "in_year":
        return doc.note_dl(D(year, 12, 31), form, r.choice([f"Năm {year}", f"Trong năm {year}"]))
    if form == "half":
        if r.random() < 0.5 and (year > d0.year or d0.month <= 6):
            return doc.note_dl(D(year, 6, 30), form, r.choice([f"6 tháng đầu năm {year}", f"06 tháng đầu năm {year}"]))
        return doc.note_dl(D(year, 12, 31), form, r.choice([f"6 tháng cuối năm {year}", f"06 tháng cuối năm {year}"]))
    # year_end
    return doc.note_dl(D(year, 12, 31), form, r.choice([f"Cuối năm {year}", f"Vào cuối năm {year}"]))


def dl_sentence(doc, year, kind=None, span=None):
    """a deadline inside a sentence: "... trước ngày 15/11/2025 ...", "... chậm nhất ngày ...", "... trong quý III năm 2025" """
    r = doc.r
    d0 = doc.date
    kind = kind or r.choices(["before", "by", "quarter", "month", "before_words", "before_no_ngay"], [38, 25, 15, 12, 6, 4])[0]
    if kind in ("before", "by", "before_words", "before_no_ngay"):
        lo = d0 + dt.timedelta(days=7)
        hi = max(lo, min(d0 + dt.timedelta(days=120), D(max(year, d0.year), 12, 31)))
        if span:
            lo, hi = max(lo, span[0]), max(lo, span[1])
        d = rand_date(r, lo, hi)
        if kind == "by":
            t = r.choice(["chậm nhất ngày {}", "chậm nhất là ngày {}", "chậm nhất vào ngày {}", "muộn nhất ngày {}"]).format(fmt_date(r, d))
            return doc.note_dl(d, "by", t)
        if kind == "before_no_ngay":
            return doc.note_dl(d - dt.timedelta(days=1), kind, "trước " + fmt_date(r, d, words=False))
        t = "trước ngày " + fmt_date(r, d, words=(kind == "before_words"))
        return doc.note_dl(d - dt.timedelta(days=1), kind, t)
    y = max(year, d0.year)
    if kind == "quarter":
        q = r.randint((d0.month - 1) // 3 + 1 if y == d0.year else 1, 4)
        return doc.note_dl(quarter_end(y, q), "quarter", f"trong quý {ROMAN[q-1]} năm {y}")
    m = r.randint(d0.month if y == d0.year else 1, 12)
    return doc.note_dl(month_end(y, m), "month", f"trong tháng {m:02d} năm {y}" if m < 10 and r.random() < .5 else f"trong tháng {m} năm {y}")


# ----------------------------------------------------------------------------------------------
# pieces shared by the document kinds
# ----------------------------------------------------------------------------------------------
def available(doc, keys):
    out = []
    for k in keys:
        e = REG[k]
        if e["date"] < doc.date and ("until" not in e or doc.date < e["until"]):
            out.append(e)
    return out


def year_doc(doc, what, year):
    e = YEAR_DOCS.get((what, year))
    if e and e["date"] < doc.date:
        return e
    return None


def local_doc(doc, u, typ, code, year, before):
    """a document of the unit (or its province) cited in the body"""
    r = doc.r
    lo = D(year, 1, 2)
    hi = min(before - dt.timedelta(days=3), D(year, 12, 28))
    if hi < lo:
        return None
    d = rand_date(r, lo, hi)
    num = str(r.choices([r.randint(1, 99), r.randint(100, 999), r.randint(1000, 6000)], [35, 50, 15])[0])
    if r.random() < 0.08 and len(num) == 1:
        num = "0" + num
    if code == "NQ-HĐND" or (code == "QĐ-UBND" and r.random() < 0.25) or (typ == "Chỉ thị" and r.random() < 0.5):
        # legal documents of the province carry the year: 12/2023/NQ-HĐND, 05/2024/QĐ-UBND
        num = str(r.randint(1, 60)).zfill(2)
        return dict(type=typ, num=num, year=year, sym=code, date=d, by=None)
    return dict(type=typ, num=num, year=None, sym=code, date=d, by=None)


def cite_local(doc, u, typ, code, year, who, about):
    e = local_doc(doc, u, typ, code, year, doc.date)
    if not e:
        return None
    r = doc.r
    t = doc.cite(e, style=r.choices(["full", "numbered", "noso"], [75, 20, 5])[0], with_by=False, with_about=False)
    if " ngày " in t and who:
        t += f" của {who()}"
    return t + (" " + about if about else "")


def basis_lines(doc, u, year, verb):
    """the "Căn cứ ..."/"Thực hiện ..." opening"""
    r = doc.r
    lines = []
    core = available(doc, ["nd59", "nd32", "tt04", "tt14", "tt08", "tt16", "luat80", "luat64", "luat77", "luat72", "nq66", "nq27"])
    picks = [e for e in core if e["num"] in ("59", "32") or r.random() < 0.35]
    r.shuffle(picks)
    picks.sort(key=lambda e: (e.get("party") is None, e["type"] != "Luật", e["date"]))
    for e in picks[: r.randint(1, 5)]:
        if e["type"] == "Luật" and r.random() < 0.35:
            lines.append(f"{verb} {doc.law_by_name(e)};")
        else:
            t = doc.cite(e, style=r.choices(['full', 'words', 'numbered'], [75, 15, 10])[0])
            if " ngày " in t and not e.get("party") and r.random() < 0.2:
                # corpus/004: "(sau đây gọi tắt là Nghị định số 32/2020/NĐ-CP)"; the alias names no new document
                short = f"{e['type']} số {doc.last_cited[1]}" if r.random() < 0.5 else f"{e['type']} {e['num'].lstrip('0')}"
                t += f" (sau đây gọi tắt là {short})"
            lines.append(f"{verb} {t};")
    qd = year_doc(doc, "qdttg", year)
    if qd and r.random() < 0.5:
        lines.append(f"{verb} {doc.cite(qd, style='full', with_by=True, with_about=True)};")
    if u.level != "province":
        t = cite_local(doc, u, "Kế hoạch", "KH-UBND", year if year <= doc.date.year else doc.date.year,
                       lambda: ubnd_who(doc, u), f"về theo dõi tình hình thi hành pháp luật năm {year}"
                       if year <= doc.date.year else None)
        if t:
            lines.append(f"{verb} {t};")
    return lines


def ubnd_who(doc, u):
    """the People's Committee whose plan a unit implements: the province's, or for a commune
    before the 2025 reform the district's"""
    if u.level == "commune" and not u.after_merge:
        return doc.ag(f"Ủy ban nhân dân {u.district}")
    return m_ubnd_prov(doc, u, form=doc.r.choice(["Ủy ban nhân dân tỉnh", "UBND tỉnh"]) if not u.city else None)


def header(doc, u, kind, subject, layout):
    """the header block: issuer, number, motto, place and date, kind title or V/v subject"""
    r = doc.r
    num = str(r.choices([r.randint(1, 99), r.randint(100, 999), r.randint(1000, 4999)], [40, 45, 15])[0])
    code = u.short
    if kind == "Kế hoạch":
        sym = f"KH-{code}"
    elif kind == "Báo cáo":
        sym = f"BC-{code}"
    else:
        if u.level == "province":
            sym = "UBND-" + r.choice(["NC", "VP", "KGVX", "NCKSTTHC", "TH", "PC"])
        elif u.level == "department":
            sym = code + r.choice(["-VP", "-XDKT&TDTHPL", "-PBGDPL", "-HCTP", ""]) if u.code == "STP" else code + r.choice(["-VP", "-PC", ""])
        elif u.level == "district":
            sym = "UBND" + r.choice(["-TP", "-VP", ""])
        elif u.level == "justice_division":
            sym = "PTP"
        else:
            sym = "UBND" + r.choice(["", "-VP"])
    pad = num.zfill(2) if (len(num) == 1 and r.random() < 0.3) else num
    sp = " " if r.random() < 0.25 else ""
    number_line = f"Số: {pad}{sp}/{sym}"
    doc.number = f"{int(num)}/{sym}"
    date_line = f"{u.place_line}, ngày {doc.date.day:02d} tháng {doc.date.month:02d} năm {doc.date.year}" \
        if r.random() < 0.7 else f"{u.place_line}, ngày {doc.date.day} tháng {doc.date.month} năm {doc.date.year}"
    motto = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", r.choice(["Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc"])]
    # the issuer lines name agencies
    if u.level == "department":
        m_ubnd_prov(doc, u, form=u.head[0]) if not u.city else doc.ag(u.ubnd_prov, u.head[0])
        doc.ag(u.dept, u.head[1])
    elif u.level == "province":
        if u.city:
            doc.ag(u.ubnd_prov, "\n".join(u.head))
        else:
            doc.ag("Ủy ban nhân dân tỉnh", "\n".join(u.head))
    elif u.level == "justice_division":
        doc.ag(f"Ủy ban nhân dân {u.district}", u.head[0])
        doc.ag("Phòng Tư pháp", u.head[1])
    else:
        doc.ag(u.issuer, " ".join(u.head))
    title = []
    if kind == "Công văn":
        vv = "V/v" + r.choice([" ", ": ", " "])
        title = [vv + subject]
    else:
        title = [kind.upper(), subject]
    add = doc.add
    if layout == "tabs":            # corpus/000
        add("\t" + u.head[0]); add("\t" + u.head[1]); add("-------")
        add("\t" + motto[0]); add(motto[1] + " "); add("---------------"); add("")
        add("\t" + number_line)
        if kind == "Công văn":
            add(title[0] + " ")
        add("\t" + date_line); add(""); add("")
        if kind != "Công văn":
            add(title[0]); add(title[1])
    elif layout == "interleaved":   # ext-016: pdftotext of the two header columns
        add(u.head[0]); add(u.head[1]); add(""); add(motto[0]); add(""); add(number_line); add("")
        add(date_line); add(""); add(motto[1]); add("")
        for t in title:
            add(t)
    elif layout == "flat":          # ext-038..040: web text, header flattened
        add(f"{u.head[0]} {u.head[1]} -------")
        add(f"{motto[0]} {motto[1]} ---------------")
        if kind == "Công văn":
            add(f"{number_line} {title[0]}")
            add(date_line)
        else:
            add(f"{number_line} {u.place_line}, ngày {doc.date.day:02d} tháng {doc.date.month:02d} năm {doc.date.year} "
                f"{title[0]} {title[1]}")
    elif layout == "columns":       # ext-026
        add(u.head[0]); add(u.head[1]); add(""); add(motto[0]); add(""); add(number_line); add("")
        add(motto[1]); add(date_line); add("")
        for t in title:
            add(t)
    else:                           # plain: issuer, number, subject; motto, date
        add(u.head[0]); add(u.head[1]); add("")
        add(number_line)
        if kind == "Công văn":
            add(title[0])
        add(""); add(motto[0]); add(motto[1]); add(""); add(date_line); add("")
        if kind != "Công văn":
            add(title[0]); add(title[1])
    add("")
    doc.layout = layout
    return dict(kind=kind, issuer=u.issuer, number=doc.number, date=iso(doc.date), place=u.place_line)


def recipients(doc, u, items):
    r = doc.r
    if len(items) == 1:
        doc.add(r.choice(["Kính gửi: ", "\tKính gửi: ", "               Kính gửi: "]) + items[0] + ".")
    else:
        doc.add(r.choice(["Kính gửi:", "\tKính gửi:", "               Kính gửi:      "]))
        for i, it in enumerate(items):
            doc.add(("\t" if i == 0 and r.random() < 0.3 else "") + "- " + it + (";" if i < len(items) - 1 else "."))
    doc.add("")


def signature(doc, u, kind):
    r = doc.r
    if u.level in ("province", "district", "commune"):
        auth = r.choice([["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                         ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["CHỦ TỊCH"]])
        if kind == "Công văn" and auth[0].startswith("TM.") and r.random() < 0.7:
            auth = auth[1:]
    elif u.level == "department":
        auth = r.choice([["GIÁM ĐỐC"], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]])
    else:
        auth = r.choice([["TRƯỞNG PHÒNG"], ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]])
    return auth + ["", "", "", person(r)]


def distribution(doc, u, kind, addressed):
    r = doc.r
    items = []
    if addressed:
        items.append("Như trên")
    if u.level == "province":
        items += [doc.ag("Bộ Tư pháp", r.choice(["Bộ Tư pháp (b/c)", "Bộ Tư pháp"])),
                  doc.ag("Cục Quản lý xử lý vi phạm hành chính và theo dõi thi hành pháp luật",
                         r.choice(["Cục QLXLVPHC&TDTHPL - Bộ Tư pháp", "Cục QLXLVPHC&TDTHPL (BTP)"]))]
        if r.random() < 0.6:
            items.append("TT. Tỉnh ủy" if not u.city else "TT. Thành ủy")
        if r.random() < 0.5 and not u.city:
            items.append(doc.ag("Hội đồng nhân dân tỉnh", "TT. HĐND tỉnh"))
        items.append("CT, các PCT UBND tỉnh" if not u.city else "CT, các PCT UBND Thành phố")
        if not u.city and r.random() < 0.5:
            items.append(doc.ag("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", r.choice(["UBMTTQVN tỉnh", "Ủy ban MTTQ tỉnh"])))
        items.append("Các sở, ban, ngành tỉnh" if not u.city else "Các sở, ban, ngành Thành phố")
        if not u.after_merge:
            items.append("UBND các huyện, thị xã, thành phố" if not u.city else "UBND các quận, huyện, thị xã")
        if not u.city and r.random() < 0.5:
            items.append(doc.ag("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh: CVP, các PCVP"))
        items.append("Cổng thông tin điện tử tỉnh" if not u.city else "Cổng thông tin điện tử Thành phố")
        items.append("Lưu: VT, " + r.choice(["NC", "TH", "Th7", "NCKSTTHC"]))
    elif u.level == "department":
        if not u.city:
            items.append(doc.ag("Ủy ban nhân dân tỉnh", r.choice(["UBND tỉnh (b/c)", "UBND tỉnh"])))
        if u.dept != "Sở Tư pháp":
            items.append(m_stp(doc))
        else:
            items.append(doc.ag("Bộ Tư pháp", "Cục QLXLVPHC&TDTHPL - Bộ Tư pháp"))
        items += ["Giám đốc, các PGĐ Sở", "Lưu: VT, " + r.choice(["VP", "PC", "XDKT&TDTHPL"])]
    elif u.level in ("district", "justice_division"):
        items += [doc.ag("Sở Tư pháp", r.choice(["Sở Tư pháp (b/c)", "Sở Tư pháp tỉnh"])),
                  "TT. Huyện ủy" if u.dtype == "huyện" else "TT. Thị ủy" if u.dtype == "thị xã" else "TT. Thành ủy",
                  "CT, các PCT UBND huyện" if u.dtype == "huyện" else "CT, các PCT UBND",
                  "Các cơ quan, đơn vị có liên quan", "Lưu: VT"]
    else:
        items += ["TT. Đảng ủy", "CT, các PCT UBND xã", "Công chức Tư pháp - Hộ tịch", "Lưu: VT"]
    return items


def closing(doc, u, kind, addressed):
    """Nơi nhận and the signature block, in either order"""
    r = doc.r
    dist = distribution(doc, u, kind, addressed)
    sig = signature(doc, u, kind)
    nn = [r.choice(["Nơi nhận:", "Nơi nhận:", "Nơi nhận: "])] + ["- " + it + (";" if i < len(dist) - 1 else ".")
                                                                  for i, it in enumerate(dist)]
    doc.blank()
    blocks = [nn, sig] if r.random() < 0.75 else [sig, nn]
    for b in blocks:
        for line in b:
            doc.add(line)
        doc.add("")


# ----------------------------------------------------------------------------------------------
# Kế hoạch
# ----------------------------------------------------------------------------------------------
DUTIES = [
    ("Ban hành kế hoạch theo dõi tình hình thi hành pháp luật", "Kế hoạch theo dõi tình hình thi hành pháp luật của cơ quan, đơn vị"),
    ("Xây dựng danh mục văn bản quy phạm pháp luật phục vụ việc theo dõi tình hình thi hành pháp luật", "Danh mục văn bản quy phạm pháp luật trong lĩnh vực trọng tâm"),
    ("Kiểm tra, điều tra, khảo sát tình hình thi hành pháp luật", "Kế hoạch kiểm tra; Thông báo kết luận kiểm tra; Báo cáo kết quả kiểm tra"),
    ("Thu thập, tiếp nhận, xử lý thông tin về tình hình thi hành pháp luật", "Văn bản xử lý hoặc kiến nghị xử lý kết quả theo dõi thi hành pháp luật"),
    ("Tổ chức tuyên truyền, phổ biến pháp luật, tập huấn, bồi dưỡng nghiệp vụ về theo dõi thi hành pháp luật", "Hội nghị tập huấn, tài liệu phổ biến pháp luật"),
    ("Xác định lĩnh vực trọng tâm theo dõi tình hình thi hành pháp luật", "Văn bản xác định lĩnh vực trọng tâm"),
    ("Xử lý kết quả theo dõi tình hình thi hành pháp luật", "Văn bản kiến nghị cơ quan có thẩm quyền xử lý"),
    ("Rà soát, hệ thống hóa văn bản quy phạm pháp luật có liên quan", "Báo cáo kết quả rà soát"),
    ("Kiện toàn đội ngũ công chức làm công tác theo dõi thi hành pháp luật", "Quyết định phân công công chức phụ trách"),
    ("Theo dõi tình hình thi hành pháp luật trong lĩnh vực {t}", "Báo cáo đánh giá tình hình thi hành pháp luật trong lĩnh vực {t}"),
    ("Tổng hợp, xây dựng báo cáo công tác theo dõi tình hình thi hành pháp luật", "Báo cáo công tác theo dõi tình hình thi hành pháp luật"),
    ("Phối hợp kiểm tra liên ngành tình hình thi hành pháp luật trong lĩnh vực {t}", "Báo cáo kết quả kiểm tra liên ngành"),
]


def duty(doc, u, no, year, yearless_ok, style):
    r = doc.r
    act, out = r.choice(DUTIES)
    t = r.choice(TOPICS)
    act, out = act.replace("{t}", t), out.replace("{t}", t)
    doc.add(f"{no} {act}")
    if style == "inline":
        lead = m_own(doc, u) if r.random() < 0.4 else lead_agency(doc, u)
        dl = dl_sentence(doc, year, kind=r.choice(["quarter", "month", "before", "by"]))
        doc.add(f"{lead} chủ trì, phối hợp với các cơ quan, đơn vị có liên quan tổ chức thực hiện; "
                f"{fill(r, lower=True, end=False)}; thời gian hoàn thành {dl}.")
        return
    if r.random() < 0.6:
        doc.add(f"- {r.choice(['Nội dung thực hiện', 'Nội dung công việc', 'Nội dung'])}: {fill(r)}")
    lab = r.choice(["Cơ quan thực hiện", "Cơ quan chủ trì", "Đơn vị chủ trì", "Cơ quan chủ trì thực hiện"])
    if r.random() < 0.2 and u.level in ("province", "department"):
        doc.add(f"- {lab}:")
        doc.add(f"+ {r.choice(['Các Sở, ngành', 'Các sở, ban, ngành tỉnh'])}: {fill(r)}")
        doc.add(f"+ {m_districts(doc, u)}: {fill(r)}")
    else:
        doc.add(f"- {lab}: {lead_agency(doc, u)}.")
    if r.random() < 0.6:
        doc.add(f"- Cơ quan phối hợp: {partner_agencies(doc, u)}.")
    if r.random() < 0.7:
        doc.add(f"- Sản phẩm đầu ra: {out}.")
    lab = r.choice(LABELS)
    doc.add(f"- {lab}: {dl_label(doc, year, yearless_ok)}.")


def lead_agency(doc, u):
    r = doc.r
    if u.level in ("province", "department"):
        c = r.random()
        if c < 0.45:
            return m_stp(doc)
        if c < 0.6:
            return f"{m_stp(doc)} chủ trì, phối hợp với {m_dept(doc, u)}"
        if c < 0.8:
            return f"Các sở, ban, ngành tỉnh; {m_districts(doc, u)}" if not u.city else m_districts(doc, u)
        return m_dept(doc, u)
    if u.level in ("district", "justice_division"):
        return r.choice([lambda: doc.ag("Phòng Tư pháp"), lambda: f"{doc.ag('Phòng Tư pháp')}, {m_communes(doc, u)}",
                         lambda: f"Các cơ quan chuyên môn thuộc UBND huyện; {m_communes(doc, u)}"])()
    return r.choice(["Công chức Tư pháp - Hộ tịch", "Công chức Văn phòng - Thống kê", "Các ban, ngành, đoàn thể xã"])


def partner_agencies(doc, u):
    r = doc.r
    if u.level in ("province", "department"):
        opts = [lambda: "Các cơ quan, đơn vị có liên quan", lambda: m_districts(doc, u), lambda: m_dept(doc, u),
                lambda: doc.ag("Văn phòng Ủy ban nhân dân tỉnh", r.choice(["Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"])) if not u.city else "Văn phòng UBND Thành phố",
                lambda: m_stp(doc), lambda: m_communes(doc, u)]
        parts = [f() for f in r.sample(opts, r.randint(1, 3))]
        return ", ".join([parts[0]] + [p if p[:2] in ("Ủy", "UB", "Sở", "Vă") else lower_first(p) for p in parts[1:]])
    if u.level in ("district", "justice_division"):
        parts = r.sample([lambda: "Các cơ quan, đơn vị có liên quan", lambda: m_communes(doc, u),
                          lambda: "Văn phòng HĐND và UBND huyện"], 2)
        a, b = parts[0](), parts[1]()
        return f"{a}, {lower_first(b) if b.startswith('Các') else b}"
    return "Các ban, ngành, đoàn thể xã có liên quan"


def body_plan(doc, u, year, target):
    r = doc.r
    add = doc.add
    for line in basis_lines(doc, u, year, r.choice(["Căn cứ", "Thực hiện"])):
        add(line)
    who = m_own(doc, u)
    prov_scope = f"trên địa bàn {u.prov_full}" if u.level in ("province", "department") else \
        f"trên địa bàn {u.district}" if u.level in ("district", "justice_division") else f"trên địa bàn {u.commune}"
    add(f"{who} ban hành Kế hoạch theo dõi tình hình thi hành pháp luật năm {year} {prov_scope} như sau:")
    add("")
    ab = r.random() < 0.2
    sec = iter(ROMAN)
    if ab:
        add("A. MỤC ĐÍCH, YÊU CẦU")
    else:
        add(f"{next(sec)}. MỤC ĐÍCH, YÊU CẦU")
    add("1. Mục đích")
    core = available(doc, ["nd59", "nd32", "tt04", "tt08"])
    add(f"- Triển khai thực hiện có hiệu quả công tác theo dõi tình hình thi hành pháp luật {prov_scope} theo quy định tại "
        f"{doc.cite(r.choice(core), style=r.choice(['full', 'numbered', 'noso']))}. {fill(r)}")
    for _ in range(r.randint(0, 2)):
        add(f"- {fill(r, r.randint(1, 2))}")
    add("2. Yêu cầu")
    for _ in range(r.randint(1, 3)):
        add(f"- {fill(r, r.randint(1, 2))}")
    if ab:
        add("B. NỘI DUNG THỰC HIỆN")
        sec = iter(ROMAN)
    add(f"{next(sec)}. {r.choice(['NỘI DUNG KẾ HOẠCH', 'NỘI DUNG, NHIỆM VỤ', 'CÁC HOẠT ĐỘNG THEO DÕI TÌNH HÌNH THI HÀNH PHÁP LUẬT'])}")
    add(f"1. Lĩnh vực, phạm vi theo dõi tình hình thi hành pháp luật")
    add(f"Lĩnh vực trọng tâm năm {year}: {r.choice(TOPICS)}; {r.choice(TOPICS)}. {fill(r)}")
    add("2. Các hoạt động theo dõi thi hành pháp luật")
    style = "inline" if r.random() < 0.12 else "fields"
    reserve = 2600
    n = 0
    while n < 3 or (doc.size < target - reserve and n < 30):
        n += 1
        duty(doc, u, f"2.{n}.", year, True, style if r.random() < 0.8 else "fields")
        if r.random() < 0.15:
            pinned = available(doc, ["nd59", "nd32", "tt04", "tt08", "nd118"])
            add(f"Việc xử lý kết quả theo dõi thực hiện theo quy định tại {doc.pinpoint(r.choice(pinned))}.")
    add(f"{next(sec)}. KINH PHÍ THỰC HIỆN")
    add(f"Kinh phí thực hiện công tác theo dõi tình hình thi hành pháp luật được bố trí trong dự toán ngân sách năm {year} "
        f"của các cơ quan, đơn vị, địa phương theo phân cấp ngân sách hiện hành. {fill(r)}")
    add(f"{next(sec)}. {r.choice(['CHẾ ĐỘ BÁO CÁO', 'CHẾ ĐỘ THÔNG TIN, BÁO CÁO'])}")
    to = m_report_to(doc, u)
    add(f"1. {upper_first(m_lower_units(doc, u))} báo cáo kết quả công tác theo dõi tình hình thi hành pháp luật "
        f"năm {year} gửi về {to} {dl_sentence(doc, year, kind=r.choice(['before', 'by', 'before_words']), span=(D(year, 11, 5), D(year, 12, 20)))} để tổng hợp.")
    if r.random() < 0.6:
        d1 = D(year - 1, 12, r.choice([1, 15]))
        d2 = D(year, 11, 30) if d1.day == 1 else D(year, 12, 14)
        add(doc.distract("data_period", f"2. Thời điểm lấy số liệu báo cáo tính từ ngày {fmt_date(r, d1)} đến ngày {fmt_date(r, d2)}."))
    tt = available(doc, ["tt16", "tt04"])
    if tt:
        add(f"3. Đề cương báo cáo thực hiện theo mẫu ban hành kèm theo {doc.cite(r.choice(tt), style=r.choice(['full', 'numbered']))}.")
    add(f"{next(sec)}. TỔ CHỨC THỰC HIỆN")
    k = 0
    for who_f in org_parties(doc, u):
        k += 1
        add(f"{k}. {who_f()}")
        for _ in range(r.randint(1, 3) if doc.size < 17500 else 1):
            add(f"- {fill(r, r.randint(1, 2))}")
        if (k >= 3 and doc.size > target - 600) or doc.size > 18500:
            break
    while doc.size < target - 600:
        add(f"- {fill(r, 2)}")
    add(f"Trên đây là Kế hoạch theo dõi tình hình thi hành pháp luật năm {year} của {m_own(doc, u)}. "
        f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về {m_report_to(doc, u)} để tổng hợp, báo cáo./.")


def org_parties(doc, u):
    r = doc.r
    if u.level in ("province", "department"):
        out = [lambda: m_stp(doc, "Sở Tư pháp"), lambda: r.choice(["Các sở, ban, ngành tỉnh", "Các Sở, ngành"]),
               lambda: m_districts(doc, u)]
        if not u.city and r.random() < 0.5:
            out.append(lambda: "Đề nghị " + doc.ag("Tòa án nhân dân tỉnh") + ", " + doc.ag("Viện kiểm sát nhân dân tỉnh") +
                       ", " + doc.ag("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh") + (", " + doc.ag("Hội Luật gia tỉnh") if r.random() < 0.5 else ""))
        if r.random() < 0.3 and not u.city:
            out.append(lambda: doc.ag("Công an tỉnh"))
        return out
    if u.level in ("district", "justice_division"):
        return [lambda: doc.ag("Phòng Tư pháp"), lambda: "Các cơ quan chuyên môn thuộc UBND huyện", lambda: m_communes(doc, u)]
    return [lambda: "Công chức Tư pháp - Hộ tịch", lambda: "Các ban, ngành, đoàn thể xã", lambda: "Trưởng các ấp, khóm"]


# ----------------------------------------------------------------------------------------------
# Công văn
# ----------------------------------------------------------------------------------------------
def body_letter(doc, u, year, target, topic):
    r = doc.r
    add = doc.add
    # opening: what the letter implements
    opening = []
    cv = year_doc(doc, "cvbtp", doc.date.year) or year_doc(doc, "cvbtp", doc.date.year - 1)
    if topic == "report" and cv and u.level == "province":
        opening.append(doc.cite(cv, style="full", with_by=True, with_about=True))
    elif u.level != "province":
        typ, code = r.choice([("Kế hoạch", "KH-UBND"), ("Công văn", "UBND-NC"), ("Quyết định", "QĐ-UBND"),
                              ("Công văn", "UBND-VP"), ("Chỉ thị", "CT-UBND")])
        t = cite_local(doc, u, typ, code, doc.date.year, lambda: ubnd_who(doc, u), None)
        if t:
            opening.append(t)
    core = available(doc, ["nd59", "nd32", "tt04", "tt08", "qd722"])
    if not opening or r.random() < 0.5:
        opening.append(doc.cite(r.choice(core)))
    if r.random() < 0.2 and len(core) > 1:
        # "các Nghị định số 59/2012/NĐ-CP, 32/2020/NĐ-CP": the second id without a type word
        nd = [e for e in core if e["type"] == "Nghị định"]
        if len(nd) == 2:
            a, b = nd
            doc.note_id(canon_id(a), "list_first", canon_id(a))
            doc.note_id(canon_id(b), "list_bare", canon_id(b))
            opening.append(f"các Nghị định số {a['num']}/{a['year']}/{a['sym']}, {b['num']}/{b['year']}/{b['sym']}")
    who = m_own(doc, u)
    if u.level == "province" and r.random() < 0.6:
        who = "Chủ tịch " + m_ubnd_prov(doc, u, form="Ủy ban nhân dân tỉnh" if not u.city else None)
    lower = m_lower_units(doc, u)
    if r.random() < 0.25 and REG["nd59"] in core:
        e = REG["nd59"]
        t = f"Ngày {fmt_date(r, e['date'])}, {doc.ag('Chính phủ')} đã ban hành Nghị định số 59/2012/NĐ-CP"
        doc.note_id("59/2012/NĐ-CP", "dated_before", t)
        add(f"{t} {e['about']}. {fill(r)}")
    add(f"Thực hiện {'; '.join(opening)}, {who} đề nghị {lower} {r.choice(['triển khai thực hiện một số nội dung sau:', 'quan tâm thực hiện các nội dung sau:', 'khẩn trương thực hiện các nội dung sau đây:'])}")
    n = 0
    reported = False
    while n < 2 or (doc.size < target - 900 and n < 16):
        n += 1
        c = r.random()
        if c < 0.25:
            e = r.choice(available(doc, ["nd59", "nd32", "tt04", "tt08", "nd118", "luat80", "luat64", "nd55", "nq66"]) or core)
            add(f"{n}. Tiếp tục triển khai thực hiện nghiêm các quy định của {doc.cite(e)}. {fill(r)}")
        elif c < 0.45 and not reported:
            reported = True
            to = m_report_to(doc, u)
            if topic == "report":
                add(f"{n}. Báo cáo kết quả công tác theo dõi tình hình thi hành pháp luật năm {year} gửi về {to} "
                    f"{dl_sentence(doc, year, kind=r.choice(['before', 'by', 'before_words']))} để tổng hợp, báo cáo cấp trên.")
                if r.random() < 0.6:
                    d1 = D(year - 1, 12, 1)
                    add(doc.distract("data_period", f"Số liệu báo cáo tính từ ngày {fmt_date(r, d1)} đến ngày {fmt_date(r, D(year, 11, 30))}."))
            else:
                add(f"{n}. Tổng hợp kết quả thực hiện, gửi về {to} {dl_sentence(doc, year)} để theo dõi, tổng hợp.")
        elif c < 0.55:
            add(f"{n}. {fill(r, 2)} Thời gian hoàn thành {dl_sentence(doc, year, kind=r.choice(['quarter', 'month', 'before']))}.")
        elif c < 0.62 and doc.date.month <= 9 and topic != "report":
            # a yearless month whose year comes from the paragraph
            m = r.randint(doc.date.month + 1, 12)
            t = f"trong tháng {m}"
            doc.note_dl(month_end(doc.date.year, m), "month_para_year", t)
            add(f"{n}. Tổ chức sơ kết việc thực hiện công tác theo dõi thi hành pháp luật năm {doc.date.year} {t}; "
                f"{fill(r, lower=True)}")
        elif c < 0.7:
            pinned = available(doc, ["nd59", "nd32", "tt04", "tt08"])
            add(f"{n}. Thực hiện đầy đủ các hoạt động xử lý kết quả theo dõi thi hành pháp luật theo quy định tại {doc.pinpoint(r.choice(pinned))}. {fill(r)}")
        else:
            add(f"{n}. {fill(r, r.randint(1, 3))}")
    if r.random() < 0.35:
        e = REG["nd32"]
        if e["date"] < doc.date:
            add(f"Lưu ý: {doc.cite(e, style='numbered')} " +
                doc.distract("effective", f"có hiệu lực thi hành từ ngày {fmt_date(r, e['effective'])}") + ".")
    add(f"Nhận được Công văn này, đề nghị {r.choice(['các cơ quan, đơn vị, địa phương', 'Thủ trưởng các cơ quan, đơn vị'])} "
        f"nghiêm túc triển khai thực hiện. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời phản ánh về "
        f"{m_report_to(doc, u)} để được hướng dẫn./.")
    if r.random() < 0.3:
        add(doc.distract("quy", "Rất mong nhận được sự quan tâm, phối hợp của Quý cơ quan, đơn vị."))
    if r.random() < 0.3:
        add(f"(Thông tin chi tiết liên hệ: đồng chí {person(r)}, điện thoại: 0{r.randint(200, 299)}.{r.randint(3800000, 3899999)}).")


LETTER_SUBJECTS = {
    "report": "báo cáo kết quả công tác theo dõi tình hình thi hành pháp luật năm {y}",
    "urge": "đôn đốc triển khai thực hiện công tác theo dõi thi hành pháp luật",
    "urge_y": "đôn đốc triển khai thực hiện công tác theo dõi thi hành pháp luật năm {y}",
    "plan": "triển khai Kế hoạch theo dõi tình hình thi hành pháp luật năm {y}",
    "comment": "góp ý dự thảo Kế hoạch theo dõi tình hình thi hành pháp luật",
    "focus": "tăng cường công tác theo dõi thi hành pháp luật trong lĩnh vực {t}",
}


# ----------------------------------------------------------------------------------------------
# Báo cáo
# ----------------------------------------------------------------------------------------------
def body_report(doc, u, year, target, distract_rate):
    r = doc.r
    add = doc.add
    kh = cite_local(doc, u, "Kế hoạch", "KH-UBND", year, lambda: ubnd_who(doc, u),
                    f"về theo dõi tình hình thi hành pháp luật năm {year}") if doc.date.year >= year else None
    opener = []
    if kh:
        opener.append(kh)
    cv = year_doc(doc, "cvbtp", year)
    if cv and u.level == "province":
        opener.append(doc.cite(cv, style="full", with_by=True, with_about=False))
    if not opener:
        opener.append(doc.cite(r.choice(available(doc, ["nd59", "nd32", "tt04"]))))
    add(f"Thực hiện {'; '.join(opener)}, {m_own(doc, u)} báo cáo kết quả công tác theo dõi tình hình thi hành pháp luật năm {year} như sau:")
    sec = iter(ROMAN)
    add(f"{next(sec)}. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    add(f"1. Việc ban hành văn bản chỉ đạo, hướng dẫn")
    t = cite_local(doc, u, "Kế hoạch", "KH-" + (u.short if u.short != "PTP" else "UBND"), year, None,
                   f"về theo dõi tình hình thi hành pháp luật năm {year}")
    if t:
        add(f"{m_own(doc, u)} đã ban hành {t}. {fill(r)}")
    add(f"2. Tình hình bảo đảm điều kiện cho công tác theo dõi tình hình thi hành pháp luật")
    add(f"Số công chức làm công tác theo dõi thi hành pháp luật: {r.randint(2, 40)} người, trong đó {r.randint(1, 10)} người chuyên trách. {fill(r)}")
    add(f"{next(sec)}. KẾT QUẢ THEO DÕI TÌNH HÌNH THI HÀNH PHÁP LUẬT")
    n = 0
    n_past = 0
    while n < 2 or (doc.size < target - 1500 and n < 24):
        n += 1
        c = r.random()
        past_q = 4 if doc.date.year > year else (doc.date.month - 1) // 3
        past_m = 12 if doc.date.year > year else doc.date.month - 1
        if c < 0.15 and past_q >= 1 and n_past < 2 and r.random() < distract_rate:
            # a past period: a fact about what was done, not a deadline
            n_past += 1
            q = r.randint(1, past_q)
            add(doc.distract("past_period", f"{n}. Trong quý {ROMAN[q-1]} năm {year}, {m_own(doc, u)} đã tổ chức "
                                            f"{r.randint(2, 9):02d} cuộc kiểm tra tình hình thi hành pháp luật trong lĩnh vực {r.choice(TOPICS)}. ")
                + fill(r))
        elif c < 0.23 and past_m >= 1 and n_past < 2 and r.random() < distract_rate:
            n_past += 1
            m = r.randint(1, past_m)
            add(doc.distract("past_period", f"{n}. Trong tháng {m} năm {year}, đã tổ chức hội nghị tập huấn nghiệp vụ cho "
                                            f"{r.randint(30, 300)} lượt cán bộ, công chức. ") + fill(r))
        elif c < 0.55:
            e = r.choice(available(doc, ["nd59", "nd32", "tt04", "tt08", "nd118", "luat15", "luat80", "luat64", "tt16"]) or available(doc, ["nd59"]))
            if e["type"] == "Luật" and r.random() < 0.4:
                add(f"{n}. Về tình hình thi hành {doc.law_by_name(e)}: {fill(r, 2)}")
            else:
                add(f"{n}. Về tình hình thi hành {doc.cite(e)}: {fill(r, 2)}")
        elif c < 0.6 and u.level in ("province", "department") and not u.city:
            t = cite_local(doc, u, "Nghị quyết", "NQ-HĐND", year - r.randint(0, 3), lambda: doc.ag("Hội đồng nhân dân tỉnh", r.choice(["Hội đồng nhân dân tỉnh", "HĐND tỉnh"])),
                           f"quy định một số nội dung chi trong lĩnh vực {r.choice(TOPICS)}")
            if t:
                add(f"{n}. Về tình hình thi hành {t}: {fill(r, 2)}")
        elif c < 0.65:
            add(f"{n}. Trong kỳ, đã tiếp nhận {r.randint(1, 60)} phản ánh, kiến nghị về tình hình thi hành pháp luật; "
                f"đã xử lý {r.randint(1, 40)} phản ánh, kiến nghị, đạt tỷ lệ {r.randint(60, 100)}%. {fill(r)}")
        elif c < 0.72 and r.random() < distract_rate:
            add(doc.distract("old_law", f"{n}. Qua rà soát, các văn bản được ban hành trước ngày {fmt_date(r, D(year - r.randint(1, 4), 7, 1))} "
                                        f"đã được sửa đổi, bổ sung, thay thế kịp thời. ") + fill(r))
        else:
            add(f"{n}. {fill(r, r.randint(2, 4))}")
    add(f"{next(sec)}. ĐÁNH GIÁ CHUNG")
    add(f"1. Ưu điểm: {fill(r, 2)}")
    add(f"2. Tồn tại, hạn chế và nguyên nhân: {fill(r, 2)}")
    add(f"{next(sec)}. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year + 1}")
    add(f"1. Tham mưu ban hành Kế hoạch theo dõi tình hình thi hành pháp luật năm {year + 1} "
        f"{dl_sentence_future(doc, year + 1)}.")
    add(f"2. {fill(r, 2)}")
    k = 3
    while doc.size < target - 500 and k < 10:
        add(f"{k}. {fill(r, r.randint(1, 3))}")
        k += 1
    add(f"{next(sec)}. KIẾN NGHỊ, ĐỀ XUẤT")
    add(f"Đề nghị {m_btp(doc) if u.level == 'province' else m_superior(doc, u)} {fill(r, lower=True)}")
    add(f"Trên đây là báo cáo kết quả công tác theo dõi tình hình thi hành pháp luật năm {year} của {m_own(doc, u)}./.")


def dl_sentence_future(doc, y):
    r = doc.r
    c = r.random()
    if c < 0.5:
        m = r.randint(1, 2)
        return doc.note_dl(month_end(y, m), "month", f"trong tháng {m:02d} năm {y}")
    if c < 0.8:
        return doc.note_dl(quarter_end(y, 1), "quarter", f"trong quý I năm {y}")
    d = D(y, r.randint(1, 2), r.randint(10, 28))
    return doc.note_dl(d - dt.timedelta(days=1), "before", "trước ngày " + fmt_date(r, d))


# ----------------------------------------------------------------------------------------------
# one document
# ----------------------------------------------------------------------------------------------
def target_size(r):
    """bytes: long-tailed between 3 and 20 KB (median near 7 KB)"""
    while True:
        s = int(r.lognormvariate(8.85, 0.5))
        if 3400 <= s <= 18500:
            return s


def make_document(seed, idx, distract_rate=1.0):
    r = random.Random(f"{seed}:{idx}")
    doc = Doc(r, idx)
    kind = r.choices(["Kế hoạch", "Công văn", "Báo cáo"], [40, 35, 25])[0]
    year = r.randint(2019, 2026)
    if kind == "Kế hoạch":
        # a plan for year Y is issued from December of Y-1 to March of Y
        if r.random() < 0.2 and year > 2019:
            doc.date = rand_date(r, D(year - 1, 12, 1), D(year - 1, 12, 30))
        else:
            doc.date = rand_date(r, D(year, 1, 2), D(year, 3, 31))
    elif kind == "Báo cáo":
        # the yearly report: November to January
        year = min(year, 2025)
        doc.date = rand_date(r, D(year, 11, 10), D(year, 12, 31)) if r.random() < 0.85 else rand_date(r, D(year + 1, 1, 2), D(year + 1, 1, 20))
    else:
        doc.date = rand_date(r, D(year, 1, 5), D(year, 12, 20))
        year = doc.date.year
    u = pick_unit(r, doc.date)
    target = target_size(r)
    if kind == "Công văn":          # letters run shorter than plans and reports
        target = max(4000, int(target * 0.7))
    layout = r.choices(["plain", "tabs", "interleaved", "columns", "flat"], [36, 18, 18, 18, 10])[0]
    if kind == "Kế hoạch":
        scope = f"trên địa bàn {u.prov_full}" if u.level in ("province", "department") else \
            f"trên địa bàn {u.district}" if u.level in ("district", "justice_division") else f"trên địa bàn {u.commune}"
        subject = r.choice([f"Theo dõi tình hình thi hành pháp luật năm {year} {scope}",
                            f"Theo dõi tình hình thi hành pháp luật năm {year}",
                            f"Theo dõi tình hình thi hành pháp luật lĩnh vực trọng tâm, liên ngành {scope} năm {year}"])
        hdr = header(doc, u, kind, subject, layout)
        body_plan(doc, u, year, target)
    elif kind == "Báo cáo":
        subject = r.choice([f"Kết quả công tác theo dõi tình hình thi hành pháp luật năm {year}",
                            f"Công tác theo dõi tình hình thi hành pháp luật năm {year}"])
        hdr = header(doc, u, kind, subject, layout)
        if r.random() < 0.5:
            recipients(doc, u, [m_report_to(doc, u)])
        body_report(doc, u, year, target, distract_rate)
    else:
        topic = r.choice(list(LETTER_SUBJECTS))
        if doc.date.month < 9 and topic == "report":
            topic = "urge"
        yr = year if topic != "report" else doc.date.year
        subject = LETTER_SUBJECTS[topic].format(y=yr, t=r.choice(TOPICS))
        named = available(doc, ["nd32", "tt04", "tt08", "luat64", "nq66"])
        if topic in ("urge", "focus") and named and r.random() < 0.35:
            e = r.choice(named)
            subject = f"triển khai thi hành {doc.cite(e, style=r.choice(['numbered', 'noso']), with_by=False, with_about=False)}"
        hdr = header(doc, u, kind, subject, layout)
        items = ([r.choice(["Các sở, ban, ngành tỉnh", "Các Sở, ban, ngành cấp tỉnh"]) if not u.city else "Các sở, ban, ngành Thành phố",
                   m_districts(doc, u)] if u.level in ("province", "department") else
                  ["Các cơ quan, đơn vị thuộc huyện", m_communes(doc, u)] if u.level in ("district", "justice_division") else
                  ["Các ban, ngành, đoàn thể xã"])
        recipients(doc, u, items)
        body_letter(doc, u, yr, target, "report" if topic == "report" else topic)
    addressed = kind == "Công văn" or (kind == "Báo cáo" and any(l.lstrip().startswith("Kính gửi") for l in doc.lines[:40]))
    closing(doc, u, kind, addressed)
    text = "\n".join(doc.lines).rstrip("\n") + "\n"
    return doc, u, hdr, text


# ----------------------------------------------------------------------------------------------
# noise
# ----------------------------------------------------------------------------------------------
NOISE_DEFAULTS = {
    # name: (probability that a document gets it, description)
    "wrap": (0.45, "hard wraps at 60-80 columns"),
    "double_spaced": (0.5, "of wrapped documents: a blank line after every line (OCR of scans)"),
    "hyphen": (0.5, "of wrapped documents: symbols broken after their hyphen (NĐ-\\nCP)"),
    "hdrwrap": (0.15, "the V/v subject or the title wrapped in a narrow header column"),
    "numsplit": (0.05, "the header number split: \"Số: 329\" and \"/BC-UBND\" on lines of their own"),
    "glue": (0.05, "a space lost in the header date (\"ngày 15tháng 01\")"),
    "lookalike": (0.15, "Ð (U+00D0) for Đ"),
    "nfd": (0.10, "NFD decomposition"),
    "oldtone": (0.20, "old tone-mark style (hoà, uỷ, thuỷ)"),
    "lostdiac": (0.15, "diacritics lost on some filler words"),
    "doubletone": (0.05, "a toned vowel read twice in some filler words (việệc)"),
    "nbsp": (0.10, "no-break spaces for some spaces"),
    "symspace": (0.05, "spaces around the hyphen of some symbols (NĐ - CP)"),
    "zw": (0.05, "zero-width spaces and soft hyphens inside some words"),
    "dspace": (0.20, "double spaces between words"),
    "page": (0.35, "page numbers between pages"),
    "runhead": (0.30, "of paged documents: a running header (Công báo) at each page"),
    "markdown": (0.10, "markdown emphasis on the header, title and some dates"),
    "crlf": (0.10, "CRLF line ends"),
    "bom": (0.05, "UTF-8 with BOM"),
    "utf16": (0.04, "UTF-16LE with BOM"),
    "cp1258": (0.04, "Windows-1258 (tone marks as combining characters)"),
}

TONE_OF = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_word_re = re.compile(r"[^\W\d_]+")
_oldtone_re = re.compile(r"(?<![^\W\d_])([^\W\d_]*?)([òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤ])([aeyAEY])(?![^\W\d_])")


def strip_marks(w):
    out = []
    for ch in unicodedata.normalize("NFD", w):
        if unicodedata.combining(ch):
            continue
        out.append(ch)
    return "".join(out).replace("đ", "d").replace("Đ", "D")


def old_tone(text):
    """hòa -> hoà, ủy -> uỷ, khỏe -> khoẻ (never in qu- words)"""
    def sub(m):
        pre, v, nxt = m.group(1), m.group(2), m.group(3)
        if pre[-1:].lower() == "q":
            return m.group(0)
        if v.lower() in "ùúủũụ" and nxt.lower() != "y":
            return m.group(0)
        if v.lower() in "òóỏõọ" and nxt.lower() not in "ae":
            return m.group(0)
        dec = unicodedata.normalize("NFD", v)
        base, tone = dec[0], dec[1:]
        return pre + base + unicodedata.normalize("NFC", nxt + tone)
    return _oldtone_re.sub(sub, text)


_toned = re.compile(r"[àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def ocr_word(w, r, lost, dup):
    if r.random() < lost:
        return strip_marks(w)
    if r.random() < dup:
        m = _toned.search(w)
        if m:   # OCR reads a toned vowel twice: "việc" -> "việệc"
            return w[:m.end()] + m.group(0) + w[m.end():]
    return w


def lose_diacritics(text, r, rate, dup=0.0):
    """drop the marks of some words inside the filler marks (or double a toned vowel);
    returns text without the marks"""
    out = []
    pos = 0
    while True:
        a = text.find(FILL_OPEN, pos)
        if a < 0:
            out.append(text[pos:])
            break
        b = text.find(FILL_CLOSE, a)
        out.append(text[pos:a])
        seg = text[a + 1:b]
        out.append(_word_re.sub(lambda m: ocr_word(m.group(0), r, rate, dup), seg))
        pos = b + 1
    return "".join(out)


def unmark(text):
    return text.replace(FILL_OPEN, "").replace(FILL_CLOSE, "")


_sym_hyphen = re.compile(r"^(.*\d/(?:\d{4}/)?[A-ZĐÐ][A-ZĐÐa-z&]*-)([A-ZĐÐ].*)$")


def wrap_line(line, width, r, hyphen):
    if len(line) <= width:
        return [line]
    words = line.split(" ")
    out, cur = [], ""
    for w in words:
        if not cur:
            cur = w
            continue
        if len(cur) + 1 + len(w) <= width:
            cur += " " + w
            continue
        m = _sym_hyphen.match(w) if hyphen else None
        if m and len(cur) + 1 + len(m.group(1)) <= width and r.random() < 0.7:
            out.append(cur + " " + m.group(1))
            cur = m.group(2)
            continue
        out.append(cur + (" " if r.random() < 0.3 else ""))
        cur = w
    out.append(cur)
    return out


def apply_noise(text, r, on, year, place):
    """text with the filler marks still in; returns (noisy text, encoding name, bytes)"""
    if on.get("lostdiac") or on.get("doubletone"):
        text = lose_diacritics(text, r, 0.10 if on.get("lostdiac") else 0.0, 0.03 if on.get("doubletone") else 0.0)
    else:
        text = unmark(text)
    if on.get("oldtone"):
        text = old_tone(text)
    if on.get("lookalike"):
        text = "".join("Ð" if (c == "Đ" and r.random() < 0.6) else c for c in text) if "Đ" in text else text
    lines = text.split("\n")
    if on.get("numsplit") or on.get("glue"):
        for i, l in enumerate(lines[:30]):
            if on.get("numsplit") and l.lstrip().startswith("Số: ") and "/" in l and " V/v" not in l:
                a, b = l.split("/", 1)   # ext-019: "Số: 329" and "/BC-UBND" on lines of their own
                lines[i:i + 1] = [a.rstrip(), "", "/" + b]
                break
        for i, l in enumerate(lines[:30]):
            if on.get("glue") and re.search(r", ngày \d{1,2} tháng", l):
                lines[i] = re.sub(r"(ngày \d{1,2}) (tháng)", r"\1\2", l, count=1)   # ext-018: "ngày 15tháng 01"
                break
    if on.get("hdrwrap"):
        # the header's narrow column: the V/v subject at 30-45 columns, a title at 50-70
        for i, l in enumerate(lines[:40]):
            if l.lstrip().startswith("V/v") and len(l) > 40:
                lines[i:i + 1] = wrap_line(l, r.randint(30, 45), r, False)
                break
            if l.strip() in ("KẾ HOẠCH", "BÁO CÁO") and i + 1 < len(lines) and len(lines[i + 1]) > 60:
                lines[i + 1:i + 2] = wrap_line(lines[i + 1], r.randint(50, 70), r, False)
                break
    if on.get("markdown"):
        out = []
        for i, l in enumerate(lines):
            s = l.strip()
            if i < 3 and s and s.upper() == s:
                l = f"**{s}**"
            elif s in ("KẾ HOẠCH", "BÁO CÁO", "Nơi nhận:"):
                l = f"**{s}**" if s != "Nơi nhận:" else "*Nơi nhận:*"
            elif "chậm nhất ngày " in l:
                l = re.sub(r"chậm nhất ngày (\d{1,2}/\d{1,2}/\d{4})", r"chậm nhất **ngày \1**", l, count=1)
            out.append(l)
        lines = out
    if on.get("dspace"):
        lines = [re.sub(r"(?<=\S) (?=\S)", lambda m: "  " if r.random() < 0.06 else " ", l) for l in lines]
    if on.get("wrap"):
        width = r.randint(60, 80)
        hy = on.get("hyphen")
        out = []
        for l in lines:
            out.extend(wrap_line(l, width, r, hy))
        lines = out
        if on.get("double_spaced"):
            out = []
            for l in lines:
                out.append(l)
                if l.strip():
                    out.append(" " if r.random() < 0.3 else "")
            lines = out
    if on.get("page") and not on.get("wrap"):
        # a text layer without wraps: the page ends inside a paragraph now and then
        out = []
        for l in lines:
            if len(l) > 240 and r.random() < 0.15:
                cut = l.find(" ", r.randint(100, len(l) - 100))
                if cut > 0:
                    out += [l[:cut], "", ""]
                    l = l[cut + 1:]
            out.append(l)
        lines = out
    if on.get("page"):
        per = r.randint(40, 55) * (2 if on.get("double_spaced") else 1)
        if not on.get("wrap"):
            per = r.randint(14, 22)
        style = r.choice(["bare", "dash", "trang"])
        head = None
        if on.get("runhead"):
            a = r.randint(1, 120)
            head = f"CÔNG BÁO/Số {a} + {a + 1}/Ngày {r.randint(1, 28):02d}-{r.randint(1, 12):02d}-{year}"
        out = []
        page = 1
        for i, l in enumerate(lines):
            out.append(l)
            if i and i % per == 0 and i < len(lines) - 10:
                page += 1
                pn = {"bare": str(page), "dash": f"- {page} -", "trang": f"Trang {page}"}[style]
                out += ["", "", pn] + ([head] if head else []) + [""]
        lines = out
    text = "\n".join(lines)
    if on.get("symspace"):
        # text layers and OCR space the hyphen of a symbol: "NĐ - CP", "QĐ- TTg", "TT -BTP"
        text = re.sub(r"(?<=\d/)([A-ZĐÐ]{2,4})-(?=[A-ZĐÐ][A-Za-zĐÐ]{1,5}\b)",
                      lambda m: m.group(1) + r.choice([" - ", "- ", " -"]) if r.random() < 0.5 else m.group(0), text)
    if on.get("nbsp"):
        text = re.sub(r"(?<=\S) (?=\S)", lambda m: "\u00a0" if r.random() < 0.08 else " ", text)
    if on.get("zw"):
        # zero-width spaces and soft hyphens inside some words (PDF text layers)
        text = re.sub(r"(?<![\w/-])[a-zà-ỹđ]{4,}", lambda m: (m.group(0)[:2] + r.choice("\u200b\u00ad") + m.group(0)[2:])
                      if r.random() < 0.02 else m.group(0), text)
    if on.get("nfd"):
        text = unicodedata.normalize("NFD", text)
    if on.get("crlf"):
        text = text.replace("\n", "\r\n")
    if on.get("cp1258"):
        return "windows-1258", encode_cp1258(text)
    if on.get("utf16"):
        return "utf-16le", b"\xff\xfe" + text.encode("utf-16-le")
    if on.get("bom"):
        return "utf-8", b"\xef\xbb\xbf" + text.encode("utf-8")
    return "utf-8", text.encode("utf-8")


_cp1258_cache = {}


def encode_cp1258(text):
    """as Windows-1258 text is written: a precomposed character where the code page has one,
    else the base letter (with its circumflex, breve or horn) and a combining tone mark"""
    text = unicodedata.normalize("NFC", text.replace("Ð", "Đ"))
    out = bytearray()
    for ch in text:
        b = _cp1258_cache.get(ch)
        if b is None:
            try:
                b = ch.encode("cp1258")
            except UnicodeEncodeError:
                dec = unicodedata.normalize("NFD", ch)
                base = "".join(c for c in dec if c not in TONE_OF)
                tones = "".join(c for c in dec if c in TONE_OF)
                try:
                    b = unicodedata.normalize("NFC", base).encode("cp1258") + tones.encode("cp1258")
                except UnicodeEncodeError:
                    b = b"?"
            _cp1258_cache[ch] = b
        out += b
    return bytes(out)


def draw_noise(r, level, rates):
    on = {}
    if level <= 0:
        return on
    for k, (p, _) in NOISE_DEFAULTS.items():
        p = min(1.0, rates.get(k, p) * (level if k not in ("double_spaced", "hyphen", "runhead") else 1.0))
        on[k] = r.random() < p
    if not on["wrap"]:
        on["double_spaced"] = on["hyphen"] = False
    if not on["page"]:
        on["runhead"] = False
    # one encoding at most
    if on["cp1258"]:
        on["utf16"] = on["bom"] = False
        on["lookalike"] = False     # Ð is not in the code page
        on["nfd"] = False           # the code page has its own composition
        on["zw"] = False            # no U+200B in the code page
    elif on["utf16"]:
        on["bom"] = False
    return {k: v for k, v in on.items() if v}


# ----------------------------------------------------------------------------------------------
# the corpus
# ----------------------------------------------------------------------------------------------
def agency_class(canon, u):
    """the canonical name with the unit's own place names generalised, to group misses"""
    c = canon
    if u.cname in c:
        c = c.replace(u.cname, "<tên>")
    if u.dname in c:
        c = c.replace(u.dname, "<tên trùng tên tỉnh>" if u.dname == u.prov else "<tên>")
    elif u.prov in c:
        c = c.replace(u.prov, "<thành phố TW>" if u.city else "<tỉnh>")
    return c


def generate(seed, idx, level, rates, distract_rate):
    doc, u, hdr, text = make_document(seed, idx, distract_rate)
    clean = unmark(text)
    # self-check: every planted fact text is in the clean text
    for vals in list(doc.ids.values()) + list(doc.deadlines.values()):
        for form, t in vals:
            assert t in clean, (idx, form, t)
    flat = re.sub(r"\s+", " ", clean).casefold()
    for canon, surf in doc.agencies.items():
        assert re.sub(r"\s+", " ", surf).casefold() in flat, (idx, canon, surf)
    nr = random.Random(f"{seed}:{idx}:noise")
    on = draw_noise(nr, level, rates)
    enc, data = apply_noise(text, nr, on, doc.date.year, u.place_line)
    name = f"gen_{idx:05d}.txt"
    truth = {
        "path": name,
        "encoding": enc,
        "header": hdr,
        "legal_ref_ids": list(doc.ids),
        "deadline_to": list(doc.deadlines),
        "agencies": list(doc.agencies),
        "evidence": {
            "legal_ref": {k: [list(x) for x in v[:3]] for k, v in doc.ids.items()},
            "deadline": {k: [list(x) for x in v[:3]] for k, v in doc.deadlines.items()},
            "not_deadline": [list(x) for x in doc.not_deadlines],
            "agency": {c: [surf, agency_class(c, u)] for c, surf in doc.agencies.items()},
        },
        "meta": {"unit_level": u.level, "province": u.prov, "layout": doc.layout, "bytes": len(data), "clean_bytes": len(clean.encode("utf-8")),
                 "noise": sorted(on)},
    }
    return name, data, truth


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--n", type=int, required=True, help="number of documents")
    ap.add_argument("--seed", default="1", help="seed (any string)")
    ap.add_argument("--noise", type=float, default=1.0,
                    help="scale of the per-document noise probabilities (0 = clean UTF-8 text)")
    ap.add_argument("--start", type=int, default=0, help="index of the first document")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (default: up to 8; output is the same)")
    ap.add_argument("--distractors", type=float, default=1.0,
                    help="rate of report sentences that look like deadlines but are not (past periods)")
    for k, (p, desc) in NOISE_DEFAULTS.items():
        ap.add_argument("--p-" + k.replace("_", "-"), type=float, default=None, metavar="P",
                        help=f"{desc} (default {p})")
    a = ap.parse_args(argv)
    rates = {k: getattr(a, "p_" + k) for k in NOISE_DEFAULTS if getattr(a, "p_" + k) is not None}
    os.makedirs(a.out, exist_ok=True)
    jobs = a.jobs or min(8, os.cpu_count() or 1)
    work = [(a.seed, i, a.noise, rates, a.distractors, a.out) for i in range(a.start, a.start + a.n)]
    with open(os.path.join(a.out, "truth.jsonl"), "w", encoding="utf-8") as tf:
        if jobs > 1 and a.n >= 200:
            import multiprocessing
            with multiprocessing.Pool(jobs) as pool:
                for line in pool.imap(_write_one, work, chunksize=64):
                    tf.write(line)
        else:
            for w in work:
                tf.write(_write_one(w))
    return 0


def _write_one(w):
    seed, i, level, rates, distract, out = w
    name, data, truth = generate(seed, i, level, rates, distract)
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    return json.dumps(truth, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(main())
