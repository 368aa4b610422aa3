#!/usr/bin/env bash
# Prints a month's ledger workbook to PDF with LibreOffice (as a township clerk would on A4
# landscape) and reports the type sizes used: exactly, from the `/Fn SIZE Tf` operators of the
# PDF's page streams, and as a cross-check the smallest word box of `pdftotext -bbox` (ascent +
# descent: a little more than the point size) with the page it is on. Fails when any type is
# under 9 points. Also renders each page as PNG (page-NNN.png) to look at.
#
#   scripts/print-check.sh [WORKBOOK.xlsx] [OUT-DIR]
#
# Without a workbook it makes one: a demo township of three villages, 13 months, the ledger of
# the month before last for every village. Needs: libreoffice-calc, poppler-utils, and a CJK
# font (fonts-noto-cjk); not needed by the normal tests.
set -uo pipefail
status=0
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
book="${1:-}"
if [[ -z "$book" ]]; then
  zoufang="${ZOUFANG:-${CARGO_TARGET_DIR:-$here/target}/debug/zoufang}"
  [[ -x "$zoufang" ]] || { echo "print-check: no $zoufang: build it first (cargo build), or set ZOUFANG" >&2; exit 2; }
  db="$out/township.db"
  rm -f "$db"*
  "$zoufang" --db "$db" demo --villages 3 --households 300 --months 13 --seed 2 >/dev/null || exit 2
  month="$(date -d "$(date +%Y-%m-15) -2 month" +%Y-%m)"
  book="$out/ledger-$month.xlsx"
  "$zoufang" --db "$db" export-ledger --all-villages --month "$month" --out "$book" >/dev/null || exit 2
fi
for tool in soffice pdftotext pdftoppm; do
  command -v "$tool" >/dev/null || { echo "print-check: $tool is missing (apt-get install -y libreoffice-calc poppler-utils)" >&2; exit 2; }
done
soffice --headless --convert-to pdf --outdir "$out" "$book" >/dev/null 2>&1 || { echo "print-check: LibreOffice could not convert $book" >&2; exit 2; }
pdf="$out/$(basename "${book%.*}").pdf"
pdftotext -bbox "$pdf" "$out/bbox.html"
pdftoppm -png -r 60 "$pdf" "$out/page"
python3 - "$pdf" "$out/bbox.html" <<'PY' || status=$?
import re, sys, zlib
# Exact type sizes: LibreOffice sets each run's size with `/Fn SIZE Tf` (its text matrices do not
# scale), in the content stream of each page, pages in order.
data = open(sys.argv[1], "rb").read()
sizes = []
for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
    try:
        s = zlib.decompress(m.group(1))
    except zlib.error:
        continue
    for a, d in re.findall(rb"([\d.\-]+) [\d.\-]+ [\d.\-]+ ([\d.\-]+) [\d.\-]+ [\d.\-]+ Tm", s):
        if abs(float(a) - 1) > 1e-3 or abs(float(d) - 1) > 1e-3:
            print(f"print-check: a scaled text matrix ({a.decode()} {d.decode()}): sizes below are not exact")
    sizes += [float(x) for x in re.findall(rb"/F\d+ ([\d.]+) Tf", s)]
if not sizes:
    print("print-check: no text found in the PDF"); sys.exit(1)
counts = {}
for x in sizes:
    counts[round(x, 2)] = counts.get(round(x, 2), 0) + 1
print("type sizes (pt: runs): " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
# Cross-check and where: the word boxes pdftotext reports, per page.
page, boxes = 0, []
titles = {}
for line in open(sys.argv[2], encoding="utf-8"):
    if "<page " in line:
        page += 1
    m = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line)
    if m:
        boxes.append((float(m.group(2)) - float(m.group(1)), page, m.group(3)))
        titles.setdefault(page, []).append(m.group(3))
# Each page's title names its sheet (the title row repeats on every page): the pages of each.
spans = []
for p in range(1, page + 1):
    name = " ".join(titles.get(p, [])[:3])
    if spans and spans[-1][0] == name:
        spans[-1][2] = p
    else:
        spans.append([name, p, p])
print(f"pages: {page}: " + "; ".join(f"{n} {a}–{b}" for n, a, b in spans))
h, p, word = min(boxes)
print(f"smallest word box: {h:.2f} pt (page {p}, “{word}”); smallest type: {min(sizes):.2f} pt")
sys.exit(0 if min(sizes) >= 9.0 else 1)
PY
echo "PDF and page images in $out"
exit $status
