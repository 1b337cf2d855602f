"""Making contract text safe in every output: file names, Markdown, spreadsheet cells."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import AnalyzerError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# control characters a spreadsheet cell cannot hold (XML 1.0 forbids them; openpyxl refuses them)
CELL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def slug(name: str, *, limit: int = 60) -> str:
    """A file-name-safe form of a vendor's name: letters, digits and Hanzi kept, the rest '_'."""
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"[^\w\u4e00-\u9fff]+", "_", s).strip("._")
    return (s[:limit] or "vendor").strip("_") or "vendor"


def inside(out: Path, name: str) -> Path:
    """``out / name``, refusing anything that would land outside ``out``."""
    root = out.resolve()
    path = (root / name).resolve()
    if root != path and root not in path.parents:
        raise AnalyzerError(f"refusing to write {name!r} outside {out}")
    return path


def cell(value):
    """A spreadsheet cell that cannot be read as a formula (CSV and XLSX injection), without the
    control characters a workbook cannot hold. Every cell goes through it, headers included."""
    if not isinstance(value, str):
        return value
    value = CELL_ILLEGAL.sub("\ufffd", value)
    return "'" + value if value.startswith(FORMULA_START) else value


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
# block syntax only matters at the start of a line inside the text (values are placed inline)
_MD_LINE_START = re.compile(r"((?:\r\n?|\n)[ \t]*)(?:([#>+\-=])|(\d+)([.)]))")
_MD_LINE_BREAK = re.compile(r"\r\n?|\n")  # what CommonMark takes for the end of a line


def md(text, *, table: bool = False, line: bool = False) -> str:
    """Markdown-escaped text: HTML shows as text, emphasis, links, tables and headings are inert.

    ``table``: for a table cell, line breaks become <br>; ``line``: for a heading or a list item's
    label, line breaks become spaces (a name with a line break must not end the heading)."""
    if text is None:
        return ""
    if line:
        text = _MD_LINE_BREAK.sub(" ", str(text))
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_INLINE.sub(r"\\\1", s)
    s = _MD_LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2)
                                                  else m.group(3) + "\\" + m.group(4)), s)
    if table:
        s = _MD_LINE_BREAK.sub("<br>", s)
    return s
