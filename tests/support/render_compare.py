"""Compares two renderings of the same pages: for each pair of PNGs, the
share of pixels whose grey differs by 48 or more (of 255) after a 3×3 box
blur, which forgives anti-aliasing and hinting but not a missing, wrong or
moved glyph. Prints one line per page and the largest share; exits 1 when
a page exceeds LIMIT or the page counts differ.

Usage: python3 render_compare.py LIMIT A-1.png,A-2.png,... B-1.png,B-2.png,...
"""
import sys

from PIL import Image, ImageChops, ImageFilter


def share(a, b):
    a = Image.open(a).convert("L")
    b = Image.open(b).convert("L")
    if a.size != b.size:
        b = b.resize(a.size)
    blur = ImageFilter.BoxBlur(1)
    h = ImageChops.difference(a.filter(blur), b.filter(blur)).histogram()
    return sum(h[48:]) / sum(h)


def main(limit, left, right):
    left, right = left.split(","), right.split(",")
    if len(left) != len(right):
        print(f"page counts differ: {len(left)} against {len(right)}")
        return 1
    worst = 0.0
    for i, (a, b) in enumerate(zip(left, right), 1):
        s = share(a, b)
        worst = max(worst, s)
        print(f"page {i}: {s:.4f}")
    print(f"largest: {worst:.4f} (limit {limit})")
    return 1 if worst > float(limit) else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
