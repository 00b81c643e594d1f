#!/usr/bin/env python3
"""Makes scan-ext-002-p1.pdf: page 1 of corpus-files/ext-002.pdf (a real scanned letter) as a
PDF of its own, the scan's CCITT image and the page's content stream copied byte for byte;
the e-signature stamp (an annotation with its font, 200 KB) is left out to keep the file small.
Usage: cut_page.py ../../../shared/corpus-files/ext-002.pdf scan-ext-002-p1.pdf"""
import re
import sys


def obj(data, num):
    m = re.search(rb"[\r\n]%d 0 obj\s*(<<.*?>>)\s*stream\r?\n" % num, data, re.S)
    length = int(re.search(rb"/Length (\d+)", m.group(1)).group(1))
    return m.group(1), data[m.end():m.end() + length]


src = open(sys.argv[1], "rb").read()
content_dict, content = obj(src, 23)  # page 1's content stream: draws img0 over the page
image_dict, image = obj(src, 24)      # page 1's scan: 2400 x 3425, 1 bit, CCITT G4
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 575 821] /Contents 4 0 R"
    b" /Resources << /XObject << /img0 5 0 R >> >> >>",
    content_dict + b"\nstream\n" + content + b"\nendstream",
    image_dict + b"\nstream\n" + image + b"\nendstream",
]
out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for off in offsets:
    out += b"%010d 00000 n \n" % off
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[2], "wb").write(out)
