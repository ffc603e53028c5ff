"""Prints the text a PDF engine extracts: `mupdf` (MuPDF through PyMuPDF,
the engine of SumatraPDF and mutool) or `pdfium` (the engine of Chrome and
Edge, through pypdfium2). Pages are separated by form feeds.

Usage: python3 extract.py mupdf|pdfium FILE.pdf
"""
import sys


def mupdf(path):
    import pymupdf

    return "\f".join(page.get_text() for page in pymupdf.open(path))


def pdfium(path):
    import pypdfium2

    doc = pypdfium2.PdfDocument(path)
    return "\f".join(
        doc[i].get_textpage().get_text_range() for i in range(len(doc))
    )


if __name__ == "__main__":
    engine, path = sys.argv[1], sys.argv[2]
    sys.stdout.write({"mupdf": mupdf, "pdfium": pdfium}[engine](path))
