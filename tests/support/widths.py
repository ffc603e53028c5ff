"""Checks that every embedded font's /W widths are the advances its own
program states (PDF/A-2 §6.2.11.5 asks for that consistency), reading the
program with fontTools: CFF charstring widths for FontFile3, hmtx for
FontFile2. Prints one line per font; exits 1 on any difference over one
thousandth of an em, or on a font without an embedded program.

Usage: python3 widths.py FILE.pdf
"""
import io
import sys

import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.pens.basePen import NullPen
from fontTools.ttLib import TTFont


def stated(cid_font):
    """CID → width from /W (both of its forms), and /DW."""
    out = {}
    w = cid_font.get("/W", [])
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for k, v in enumerate(w[i + 1]):
                out[first + k] = float(v)
            i += 2
        else:
            for c in range(first, int(w[i + 1]) + 1):
                out[c] = float(w[i + 2])
            i += 3
    return out, float(cid_font.get("/DW", 1000))


def program(desc):
    """CID → advance in thousandths of an em, from the embedded program."""
    if "/FontFile3" in desc:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(desc.FontFile3.read_bytes()), None)
        top = cff[cff.fontNames[0]]
        scale = top.FontMatrix[0] * 1000
        out = {}
        for gid, name in enumerate(top.charset):
            cs = top.CharStrings[name]
            cs.draw(NullPen())  # decodes the width operand
            cid = int(name[3:]) if name.startswith("cid") else gid
            out[cid] = cs.width * scale
        return out
    if "/FontFile2" in desc:
        tt = TTFont(io.BytesIO(desc.FontFile2.read_bytes()))
        k = 1000 / tt["head"].unitsPerEm
        # CIDToGIDMap /Identity: CID = glyph id.
        return {gid: tt["hmtx"][n][0] * k for gid, n in enumerate(tt.getGlyphOrder())}
    return None


def main(path):
    bad = 0
    seen = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
                cid_font = font.DescendantFonts[0]
                widths, dw = stated(cid_font)
                advances = program(cid_font.FontDescriptor)
                if advances is None:
                    print(f"{font.BaseFont}: no embedded program")
                    bad += 1
                    continue
                wrong = [
                    (c, widths.get(c, dw), a)
                    for c, a in advances.items()
                    if abs(widths.get(c, dw) - a) > 1
                ]
                bad += len(wrong)
                print(f"{font.BaseFont}: {len(advances)} glyphs, {len(wrong)} widths differ {wrong[:5]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
