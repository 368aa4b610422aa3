#!/usr/bin/env bash
# Regenerate assets/fonts/NotoSansSC-zoufang.otf, a subset of Noto Sans CJK SC
# Regular, from Debian's fonts-noto-cjk package.
#
# Usage (from the repository root, or anywhere):
#     bash assets/fonts/make_subset.sh
#
# Inputs:
#   * /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc   (Debian: fonts-noto-cjk)
#   * /usr/share/unicode/Unihan_OtherMappings.txt.bz2           (Debian: unicode-data)
#     Its kTGH field gives each character's number in the 通用规范汉字表
#     (Table of General Standard Chinese Characters, 2013): exactly 8,105 entries.
#     The list is written to tongyong-guifan-8105.txt (one character per line,
#     line N = character No. N of the table). If unicode-data is unavailable, the
#     committed tongyong-guifan-8105.txt is used instead.
#   * PyPI fonttools (pyftsubset), installed with pip if missing.
#
# Environment overrides: NOTO_CJK_TTC (source .ttc), UNIHAN_OTHER (Unihan file),
# PYTHON (interpreter, default python3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
SRC="${NOTO_CJK_TTC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
UNIHAN="${UNIHAN_OTHER:-/usr/share/unicode/Unihan_OtherMappings.txt.bz2}"
OUT="$HERE/NotoSansSC-zoufang.otf"
LIST="$HERE/tongyong-guifan-8105.txt"

apt_updated=0
apt_install() {
    # Install a Debian package if we are root and apt-get exists; return 1 otherwise.
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    if [ "$apt_updated" -eq 0 ]; then
        apt-get update -qq || return 1
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" || return 1
}

if [ ! -f "$SRC" ]; then
    echo "make_subset: $SRC missing, installing fonts-noto-cjk" >&2
    apt_install fonts-noto-cjk || {
        echo "make_subset: cannot install fonts-noto-cjk; install it or set NOTO_CJK_TTC" >&2
        exit 1
    }
fi

if [ ! -f "$UNIHAN" ]; then
    echo "make_subset: $UNIHAN missing, trying to install unicode-data" >&2
    apt_install unicode-data || echo "make_subset: unicode-data unavailable; will use committed $LIST" >&2
fi

if ! "$PYTHON" -c 'import fontTools.subset' >/dev/null 2>&1; then
    echo "make_subset: installing fonttools from PyPI" >&2
    "$PYTHON" -m pip install --quiet fonttools
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- 1. Work out the face index and the list of code points -------------------
FACE="$("$PYTHON" - "$SRC" "$UNIHAN" "$LIST" "$WORK/unicodes.txt" <<'PY'
import bz2, os, sys
from fontTools.ttLib import TTCollection

src, unihan, list_path, unicodes_path = sys.argv[1:5]

# Face whose family name (nameID 1) is exactly "Noto Sans CJK SC" (not the Mono one).
coll = TTCollection(src, lazy=True)
faces = [i for i, f in enumerate(coll.fonts)
         if f["name"].getDebugName(1) == "Noto Sans CJK SC"]
if len(faces) != 1:
    sys.exit(f"expected one 'Noto Sans CJK SC' face in {src}, found {faces}")
face = faces[0]
cmap = coll.fonts[face].getBestCmap()

# 通用规范汉字表 (8,105 characters) from Unihan kTGH, else the committed list.
if os.path.exists(unihan):
    by_number = {}
    with bz2.open(unihan, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] == "kTGH":
                for value in parts[2].split():          # e.g. "2013:1234"
                    number = int(value.split(":")[1])
                    by_number[number] = chr(int(parts[0][2:], 16))
    if sorted(by_number) != list(range(1, 8106)):
        sys.exit(f"kTGH in {unihan} does not number exactly 1..8105")
    table = [by_number[n] for n in range(1, 8106)]
    with open(list_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(table) + "\n")
    print(f"make_subset: 8105-character list from {unihan} -> {list_path}", file=sys.stderr)
else:
    with open(list_path, encoding="utf-8") as fh:
        table = [line.strip() for line in fh if line.strip()]
    print(f"make_subset: 8105-character list from committed {list_path}", file=sys.stderr)
if len(table) != 8105 or len(set(table)) != 8105:
    sys.exit(f"character list has {len(table)} entries ({len(set(table))} distinct), expected 8105")

chars = set(table)

# Safety net: every hanzi of GB2312 levels 1+2 (6,763; all but ~125 are already in
# the 8105 table, the rest are mostly radicals and older forms such as 後 馀 磺).
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass

# Name and place characters seen in practice but outside the 8105 table
# (堃喆昇珺犇淼鑫焱垚 are inside it; listed again here so they can never be lost).
chars.update("堃喆昇珺犇淼鑫焱垚晧龑暐濛慜韡頔頫淩峯邨")

def span(a, b):
    return range(a, b + 1)

ranges = [
    span(0x0020, 0x007E),  # ASCII
    span(0x00A0, 0x00FF),  # Latin-1: × ÷ ± ° · § ¥ etc.
    span(0x0100, 0x017F),  # Latin Extended-A (pinyin ā ē ī ō ū ě ň …)
    span(0x01CD, 0x01DC),  # pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    [0x01F8, 0x01F9, 0x0251, 0x0261, 0x1E3E, 0x1E3F],  # ǹ ɑ ɡ ḿ
    span(0x02C6, 0x02DD),  # modifier letters: ˇ ˉ ˊ ˋ ˙
    span(0x0391, 0x03C9),  # Greek (as in GB2312)
    [0x0401, 0x0451], span(0x0410, 0x044F),  # Cyrillic (as in GB2312)
    span(0x2010, 0x203E),  # general punctuation: — – ‘ ’ “ ” … ‰ ′ ″ ※
    span(0x20A0, 0x20BF),  # currency: € ₩ ₽ …
    [0x2103, 0x2105, 0x2109, 0x2116, 0x2121, 0x2122],  # ℃ ℅ ℉ № ℡ ™
    span(0x2160, 0x216B), span(0x2170, 0x2179),  # Ⅰ–Ⅻ ⅰ–ⅹ
    span(0x2190, 0x2199), [0x21D2, 0x21D4],      # arrows, ⇒ ⇔
    span(0x2200, 0x22FF),  # mathematical operators: √ ∞ ≈ ≠ ≤ ≥ ∑ …
    [0x2302, 0x2312, 0x2318, 0x2329, 0x232A],
    span(0x2460, 0x24FF),  # enclosed alphanumerics: ①–⑳ ⑴ ⒈ Ⓐ
    span(0x2500, 0x259F),  # box drawing, block elements
    span(0x25A0, 0x25FF),  # geometric shapes: ○ ● □ ■ △ ▲ ◆ ◇
    span(0x2600, 0x26FF),  # misc symbols: ★ ☆ ☐ ☑ ♀ ♂ …
    span(0x2700, 0x27BF),  # dingbats: ✓ ✔ ✕ ✗ ❶–❿
    span(0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」【】〇
    span(0x3105, 0x312F),  # bopomofo (as in GB2312)
    span(0x3220, 0x3247),  # ㈠–㈩ …
    span(0x3280, 0x32B0),  # ㊀–㊉ ㊣ …
    [0x338E, 0x338F, 0x339C, 0x339D, 0x339E, 0x33A1, 0x33C4, 0x33CE, 0x33D1, 0x33D2, 0x33D5],  # ㎎ ㎏ ㎜ ㎝ ㎞ ㎡ ㏄
    span(0xFE10, 0xFE19),  # vertical forms
    span(0xFE30, 0xFE4F),  # CJK compatibility forms: ﹏ …
    span(0xFE50, 0xFE6B),  # small form variants
    span(0xFF00, 0xFFEF),  # half-width and full-width forms: ，：；！？（）
    [0xFFFD],              # replacement character
]
for r in ranges:
    chars.update(chr(c) for c in r)

wanted = sorted(ord(c) for c in chars)
present = [c for c in wanted if c in cmap]
missing_hanzi = [chr(c) for c in wanted if c not in cmap and chr(c) in set(table)]
if missing_hanzi:
    sys.exit("source font lacks table characters: " + "".join(missing_hanzi))
with open(unicodes_path, "w") as fh:
    fh.write("\n".join(f"U+{c:04X}" for c in present) + "\n")
print(f"make_subset: face {face}, {len(present)} code points "
      f"({len(wanted) - len(present)} requested symbols not in the font)", file=sys.stderr)
print(face)
PY
)"

# --- 2. Subset --------------------------------------------------------------
# Plain CFF OpenType without layout features or hints: what egui (epaint/skrifa) needs.
"$PYTHON" -m fontTools.subset "$SRC" \
    --font-number="$FACE" \
    --unicodes-file="$WORK/unicodes.txt" \
    --layout-features='' \
    --no-hinting \
    --desubroutinize \
    --notdef-outline \
    --name-IDs='*' \
    --drop-tables+=vhea,vmtx,VORG,BASE \
    --output-file="$OUT"

# --- 3. Check ---------------------------------------------------------------
"$PYTHON" - "$OUT" <<'PY'
import os, sys
from fontTools.ttLib import TTFont
path = sys.argv[1]
font = TTFont(path)
cmap = font.getBestCmap()
for ch in "张三李四王五赵六堃喆昇珺犇淼鑫焱垚，。、：；！？（）【】《》“”…—·①⑳○●□■△▲★☆√×÷±≤≥℃":
    if ord(ch) not in cmap:
        sys.exit(f"subset check failed: {ch!r} missing")
print(f"make_subset: wrote {path}: {os.path.getsize(path):,} bytes, "
      f"{len(font.getGlyphOrder())} glyphs, {len(cmap)} cmap entries")
PY
