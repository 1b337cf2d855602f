"""Rebuild analyzer/resources/t2s.txt: traditional characters and their simplified forms.

The table lets the analyzer match a contract written in traditional characters with rules
written in simplified ones (see normalize.fold: one character for one, so offsets stay exact).
It keeps only characters that are traditional-only (not in GB2312, the simplified set) and whose
simplified form, as OpenCC's t2s conversion gives it (Apache-2.0), is one character in GB2312.

usage: pip install opencc && python tools/make_t2s.py
"""
from pathlib import Path

import opencc


def simplified_set(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def main() -> None:
    convert = opencc.OpenCC("t2s").convert
    pairs = []
    for o in range(0x4E00, 0xA000):
        ch = chr(o)
        if simplified_set(ch):
            continue
        s = convert(ch)
        if len(s) == 1 and s != ch and simplified_set(s):
            pairs.append(f"{ch}{s}")
    out = Path(__file__).resolve().parent.parent / "analyzer" / "resources" / "t2s.txt"
    header = ("# Traditional → simplified characters, one pair a line (traditional first), derived from\n"
              "# OpenCC's t2s conversion (Apache-2.0); rebuilt by tools/make_t2s.py.\n")
    out.write_text(header + "\n".join(pairs) + "\n", encoding="utf-8")
    print(f"{len(pairs)} pairs written to {out}")


if __name__ == "__main__":
    main()
