#!/usr/bin/env python3
"""Makes stamp.pdf: a page of text with two form widgets drawn over it, as a signed letter
has: a text field holding the letter's number ("Number 125", the letter's own: OCR keeps it)
and a signature field whose appearance is the e-signature stamp ("Signed by Office 2025": OCR
leaves it out). Standard Helvetica, nothing embedded. Usage: make_stamp_pdf.py stamp.pdf"""
import sys


def stream(d, data):
    return d + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def appearance(text):
    return stream(b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 40] /Resources << /Font << /F1 4 0 R >> >>",
                  b"BT /F1 20 Tf 5 12 Td (" + text + b") Tj ET")


objs = [
    b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R 6 0 R] /SigFlags 3 >> >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 300] /Contents 9 0 R"
    b" /Resources << /Font << /F1 4 0 R >> >> /Annots [5 0 R 6 0 R] >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (number) /V (Number 125) /F 4 /P 3 0 R"
    b" /Rect [60 120 360 160] /AP << /N 7 0 R >> >>",
    b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /F 132 /P 3 0 R"
    b" /Rect [260 30 560 70] /AP << /N 8 0 R >> >>",
    appearance(b"Number 125"),
    appearance(b"Signed by Office 2025"),
    stream(b"<<", b"BT /F1 20 Tf 60 220 Td (Plan number 48 of 2024) Tj ET"),
]
out = bytearray(b"%PDF-1.4\n")
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for off in offsets:
    out += b"%010d 00000 n \n" % off
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
