"""Make the CJK font the charts ship with: Noto Sans CJK SC (SIL Open Font License 1.1),
subset to the characters of GBK (every Hanzi of everyday simplified and traditional Chinese),
ASCII, Latin-1, CJK punctuation and full-width forms.

usage: python tools/subset_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
(Debian package fonts-noto-cjk) → analyzer/resources/fonts/NotoSansSC-Subset.otf
"""
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection


def characters() -> list[int]:
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    cps |= set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) | set(range(0x2460, 0x2500))
    cps |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | {0x25A0, 0x25A1, 0x25CF, 0x25CB, 0x25C6, 0x25C7}
    for cp in range(0x4E00, 0xA000):
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        cps.add(cp)
    return sorted(cps)


def main(src: str) -> None:
    collection = TTCollection(src)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=characters())
    sub.subset(font)
    out = Path(__file__).resolve().parent.parent / "analyzer" / "resources" / "fonts" / "NotoSansSC-Subset.otf"
    font.save(out)
    print(out, out.stat().st_size)


if __name__ == "__main__":
    main(sys.argv[1])
