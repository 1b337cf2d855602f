"""The shipped CJK font, cut to the characters of one page and embedded in it, so a report shows
Chinese on a machine with no CJK font installed.

The package's Noto Sans CJK SC subset (GBK, see tools/subset_font.py) is cut with fontTools to
the characters the page uses and embedded as a WOFF data URL in an ``@font-face`` rule; a page of
a five-vendor comparison carries about 150 KB of font. Characters outside the shipped font fall
back to the reader's system fonts.
"""
from __future__ import annotations

import base64
import io
from importlib import resources

FONT_FILE = "NotoSansSC-Subset.otf"
FAMILY = "AnalyzerCJK"  # the name the page's CSS uses for the embedded font


def font_path():
    """The shipped CJK font file (also registered with matplotlib for the charts)."""
    return resources.files("analyzer") / "resources" / "fonts" / FONT_FILE


def font_face(text: str) -> str:
    """An ``@font-face`` rule embedding the shipped font cut to the characters of ``text``."""
    data = base64.b64encode(_woff(text)).decode("ascii")
    return (f"@font-face {{ font-family: \"{FAMILY}\"; font-display: swap; "
            f"src: url(data:font/woff;base64,{data}) format(\"woff\"); }}")


def _woff(text: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    with font_path().open("rb") as fh:
        font = TTFont(fh)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # the licence notice travels with the font
    options.hinting = False
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(set(text))))
    sub.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
