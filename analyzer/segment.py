"""Clean text → clause tree.

A clause starts at a numbered line (the forms in ``MARKERS``) and takes the lines after it
until the next number; preamble lines and signature-block lines stand alone. Nesting follows
the order in which numbering styles first appear (一、 above 1. above (1)), the usual layout
of Chinese contracts. Clauses longer than ``max_chars`` are split at sentence ends.
"""
from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from .model import Clause
from .normalize import ROLE_LABEL as SIGNATURE_START, Text, fold, fold_table, fold_uncached, normalize
from .numerals import cn_to_int

CN = "一二三四五六七八九十百零〇两"
SENTENCE_MARKS = "，。；：,;:！？!?"  # what ends or parts a sentence: a title holds none
TITLE_LENGTH = 30  # the longest clause that may only title the clauses under it

# Each numbering form: (style, pattern). The pattern runs on the folded line with its indent
# removed; group "n" is the number, group "title" is not used.
MARKERS: tuple[tuple[str, re.Pattern], ...] = (
    ("chapter", re.compile(rf"^第\s*(?P<n>[{CN}\d]+)\s*[章部篇](?:分)?(?=\s|[^\w]|[\u4e00-\u9fff])")),
    ("article", re.compile(rf"^第\s*(?P<n>[{CN}\d]+)\s*条")),
    ("cn_paren", re.compile(rf"^[(]\s*(?P<n>[{CN}]+)\s*[)]")),
    ("cn_paren", re.compile(rf"^(?P<n>[{CN}]{{1,3}})\s*[)]")),  # the opening bracket left out: "四）、电气系统"
    ("cn", re.compile(rf"^(?P<n>[{CN}]{{1,3}})\s*[、,.](?![\d])")),
    ("paren", re.compile(r"^[(]\s*(?P<n>\d{1,3})\s*[)]")),
    ("dotted", re.compile(r"^(?P<n>\d{1,3}(?:\.\d{1,3})+)\.?(?![\d%元万千百])")),
    # "5-1", "2-2-7": hyphens as dots, each part at most two digits (not a date, not a phone
    # number), followed by a space or a word that is not a unit ("10-12个工作日" is a range)
    ("dotted", re.compile(r"^(?P<n>\d{1,2}(?:-\d{1,2})+)(?=[ \t\u4e00-\u9fffA-Za-z(])"
                          r"(?![个日天月年元万小时分秒次周号点倍期])")),
    # a figure after "." or "," is a decimal or thousands ("1.5", "1,000"); after "、" it opens the
    # item; a number right before a heading in brackets is one too ("3【推广规则】"), and a number
    # and a space before a short title that is the whole line ("7 系统中断或故障")
    ("arabic", re.compile(r"^(?P<n>\d{1,3})\s*(?:、|[.,](?![\d%元万])|(?=【))")),
    ("arabic", re.compile(r"^(?P<n>\d{1,2})[ \t\u3000]+(?![个日天月年元万小时分秒次周号点倍期])"
                          rf"(?=[\u4e00-\u9fff][^\s{SENTENCE_MARKS}\d]{{1,20}}$)")),
    ("half_paren", re.compile(r"^(?P<n>\d{1,3})\)")),
    ("circled", re.compile(r"^(?P<n>[\u2460-\u2473])")),
    ("bullet", re.compile(r"^(?P<n>[●•◆■▪◇□○·])")),
)
MARKER_WINDOW = 40  # the longest marker ("第 一百二十三 条") and what must follow it fit in this
# how many line starts keep their reading: a line is read when cleaned, when segmented and when checked
MARKER_CACHE = 4096
READING_CACHE = 1024  # how many numbering matches keep their marker (a contract's numbers repeat)
# the characters each numbering form starts with (in the folded line)
LEADS = {"chapter": "第", "article": "第", "cn_paren": "(" + CN, "cn": CN, "paren": "(", "dotted": "0123456789",
         "arabic": "0123456789", "half_paren": "0123456789", "circled": "".join(map(chr, range(0x2460, 0x2474))),
         "bullet": "●•◆■▪◇□○·"}
SECTION_BRACKETS = "【["  # what a numbered heading may stand inside
MARKER_START = frozenset("".join(LEADS.values()) + SECTION_BRACKETS)
# the forms, in MARKERS order, that a folded line starting with a given character may have
FORMS_BY_LEAD = {c: tuple((style, pat) for style, pat in MARKERS if c in LEADS[style]) for c in "".join(LEADS.values())}
FIELD = re.compile(r"^[^\s:：，。、]{1,12}[:：]")
SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
MAX_CLAUSE = 480


@dataclass(frozen=True)
class Marker:
    style: str
    number: str
    value: int | None
    length: int  # characters of the marker in the stripped line


def parse_marker(line: str) -> Marker | None:
    """The numbering at the start of a line, if any."""
    line = line.lstrip(" \t\u3000")
    if line[:1] not in _marker_start():
        return None  # every form starts with one of these characters
    return _parse_marker(line[:MARKER_WINDOW])


@functools.lru_cache(maxsize=1)
def _marker_start() -> frozenset[str]:
    """MARKER_START and every character that folds to one of them (full-width digits, "（")."""
    return MARKER_START | {chr(o) for o, f in fold_table().items() if f in MARKER_START}


def forget_markers() -> None:
    """Drop the numbering read from the line starts seen so far (kept, bounded, across contracts)."""
    _parse_marker.cache_clear()
    _reading.cache_clear()


@functools.lru_cache(maxsize=MARKER_CACHE)
def _parse_marker(line: str) -> Marker | None:
    """``parse_marker`` of a line without indentation, at most MARKER_WINDOW long."""
    s = fold_uncached(line)  # the marker is kept: its line is folded once
    bracket = 1 if s[:1] in SECTION_BRACKETS else 0  # a heading in brackets: "【一、服务说明】"
    s = s[bracket:]
    for style, pat in FORMS_BY_LEAD.get(s[:1], MARKERS):
        m = pat.match(s)
        if not m:
            continue
        if style == "cn" and s[m.end() - 1] in ",." and s[m.end():m.end() + 1] in CN:
            continue  # "一，二，三" is a list of numerals, not a heading
        try:
            return _reading(style, m.group("n"), m.group(0), m.end() + bracket)
        except ValueError:
            continue  # not a number after all
    return None


@functools.lru_cache(maxsize=READING_CACHE)
def _reading(style: str, n: str, whole: str, length: int) -> Marker:
    """The marker of a numbering form's match: ``n`` its number, ``whole`` all of it, ``length``
    where it ends; ValueError when ``n`` is no number. Kept: a contract's numbers repeat."""
    if style == "dotted":
        n = "".join(n.split())
        parts = n.replace("-", ".").split(".")
        style = f"dotted{len(parts)}"
        value: int | None = int(parts[-1])
    elif style == "circled":
        value = ord(n) - 0x2460 + 1
    elif style == "bullet":
        value = None
    else:
        value = int(n) if n.isdigit() else cn_to_int(n)
    if style in ("chapter", "article"):
        label = whole.strip()
    elif style in ("cn_paren", "paren"):
        label = f"({n})"
    else:
        label = f"{n})" if style == "half_paren" else n
    return Marker(style, label, value, length)


def is_marker(line: str) -> bool:
    m = parse_marker(line)
    return m is not None and m.style != "bullet"


@dataclass(slots=True)
class _Node:
    style: str
    number: str | None
    value: int | None
    start: int  # clean-text offsets
    end: int
    parent: "_Node | None"
    title: str
    first_id: str | None = None
    size: int | None = None  # characters without whitespace in [start, end), once asked
    below: tuple[str, ...] | None = None  # the heading path of its children, once asked


def segment(text: Text, *, max_chars: int = MAX_CLAUSE) -> tuple[Clause, ...]:
    """Split clean text into clauses with heading paths and source offsets."""
    t = text.text
    lines = _content_lines(t)
    return _clauses(text, _nodes(t, lines, _markers(t, lines), max_chars), max_chars)


def _content_lines(t: str) -> list[tuple[int, int]]:
    """(start, end) in ``t`` of each line that is not blank, without its indentation."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in t.split("\n"):
        if line.strip():
            lines.append((pos + len(line) - len(line.lstrip(" \t\u3000")), pos + len(line)))
        pos += len(line) + 1
    return lines


def _markers(t: str, lines: list[tuple[int, int]]) -> list[Marker | None]:
    """``parse_marker`` of each line (which has no indentation left to strip)."""
    starts = _marker_start()
    return [_parse_marker(t[a:min(b, a + MARKER_WINDOW)]) if t[a] in starts else None for a, b in lines]


def _nodes(t: str, lines: list[tuple[int, int]], markers: list[Marker | None], max_chars: int) -> list[_Node]:
    """The numbered clauses (nested by numbering form), with the lines that follow each; and the
    lines that stand alone (preamble, signature block)."""
    numbered_seen = signature = False
    nodes: list[_Node] = []
    stack: list[_Node] = []
    last_numbered_line = max((i for i, m in enumerate(markers) if m is not None and m.style != "bullet"),
                             default=-1)
    for i, (a, b) in enumerate(lines):
        marker = markers[i]
        if not signature and i > last_numbered_line and numbered_seen and SIGNATURE_START.match(fold(t[a:b])):
            signature = True
        if marker and not signature:
            numbered_seen = numbered_seen or marker.style != "bullet"
            nodes.append(_numbered(t, (a, b), marker, stack, markers, i))
        elif not _attach(t, (a, b), nodes[-1] if nodes else None, numbered_seen and not signature, max_chars):
            nodes.append(_Node("signature" if signature else "paragraph", None, None, a, b, None, _title(t[a:b])))
    return nodes


def _numbered(t: str, line: tuple[int, int], marker: Marker, stack: list[_Node], markers, i: int) -> _Node:
    """The node of the numbered line ``i`` (its [start, end)), placed in ``stack`` (the open
    headings, coarsest first); ``markers``: those of every line."""
    a, b = line
    styles = [n.style for n in stack]
    if marker.style in styles and not _opens_a_list_inside(t, marker, stack):
        del stack[len(styles) - 1 - styles[::-1].index(marker.style):]  # from the innermost of its style
    elif marker.style in styles:
        pass  # a list inside the finer clause above, numbered in a coarser style: it nests there
    elif stack and _heads_the_finer_list(marker, stack[-1], itertools.islice(markers, i + 1, None)):
        while stack and _rank(stack[-1].style) > _rank(marker.style):
            stack.pop()
    node = _Node(marker.style, marker.number, marker.value, a, b, stack[-1] if stack else None,
                 _title(t[a + marker.length:b] if marker.style != "bullet" else t[a:b]))
    stack.append(node)
    return node


def _opens_a_list_inside(t: str, marker: Marker, stack: list[_Node]) -> bool:
    """Does a number in a style already open ("1." under section "9.") start a list inside the finer
    clause above it ("9.6 …以下各项…：" then "1. …")? It does when it is a 1 right after a finer
    clause that ends with a colon."""
    return marker.value == 1 and bool(stack) and _rank(stack[-1].style) > _rank(marker.style) \
        and t[stack[-1].start:stack[-1].end].rstrip()[-1:] in (":", "：")


def _attach(t: str, line: tuple[int, int], cur: _Node | None, inside: bool, max_chars: int) -> bool:
    """Append the line [start, end) to the clause ``cur`` (when ``inside`` the numbered part), if it
    stays within ``max_chars`` or is a table row; whether it was."""
    if cur is None or not inside:
        return False
    a, b = line
    if cur.size is None:
        cur.size = _squashed_len(t[cur.start:cur.end])
    grown = cur.size + _squashed_len(t[cur.end:b])  # whitespace is dropped char by char: sizes add
    if grown <= max_chars or "\t" in t[a:b]:
        cur.end, cur.size = b, grown
        return True
    return False


def _clauses(text: Text, nodes: list[_Node], max_chars: int) -> tuple[Clause, ...]:
    """The nodes as clauses, each cut at sentence ends to at most ``max_chars``."""
    t, offsets = text.text, text.offsets
    clauses: list[Clause] = []
    blank = Clause(id="", number=None, heading_path=(), text="", start=0, end=0, level=0, style="").__dict__  # its fields
    for node in nodes:
        path = _path(node)
        # a clause no longer than max_chars with its whitespace is one piece (see _split)
        short = node.size <= max_chars if node.size is not None else node.end - node.start <= max_chars
        for s, e in [(node.start, node.end)] if short else _split(t, node.start, node.end, max_chars):
            clause = object.__new__(Clause)  # evolve(blank, …) without its call: one clause per piece
            clause.__dict__.update(
                blank, id=f"c{len(clauses) + 1:03d}", number=node.number, heading_path=path,
                text=t[s:e], start=offsets[s], end=offsets[e - 1] + 1,  # text.span(s, e) of a piece never empty
                level=len(path), style=node.style,
                parent=node.parent.first_id if node.parent else None, category_scores={})
            clauses.append(clause)
            node.first_id = node.first_id or clause.id
    return tuple(clauses)


RANKS = {"chapter": 0, "article": 1, "cn": 2, "cn_paren": 3, "arabic": 4, "paren": 6, "half_paren": 7,
         "circled": 8, "bullet": 9}


def _rank(style: str) -> int:
    """How coarse a numbering form usually is: 第一章 › 第一条 › 一、 › （一） › 1. › 1.1 › （1） › 1) › ①."""
    return 5 if style.startswith("dotted") else RANKS.get(style, 10)


def _heads_the_finer_list(marker: Marker, top: _Node, later) -> bool:
    """Does a coarse number ("一、") that follows a list of finer ones ("1." … "4.") stand above
    that list rather than inside its last item? It does when the finer list starts again at 1
    after it (or never comes back): "重要提示：1. … 4." then "一、… 1. …"."""
    if marker.style not in ("chapter", "article", "cn") or _rank(top.style) <= _rank(marker.style):
        return False
    again = next((m for m in later if m is not None and m.style == top.style), None)
    return again is None or again.value == 1


def _title(rest: str) -> str:
    s = rest.strip(" \t\u3000:：】]")
    return s if len(s) <= 24 else s[:24] + "…"


def _path(node: _Node) -> tuple[str, ...]:
    """The headings above a node (kept on each node once known: its children share them)."""
    if node.parent is None:
        return ()
    p = node.parent
    if p.below is None:
        p.below = _path(p) + (f"{p.number}、{p.title}" if p.style == "cn" else f"{p.number} {p.title}".strip(),)
    return p.below


def _squashed_len(s: str) -> int:
    return len("".join(s.split()))


def _split(t: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """[start, end) in pieces of at most max_chars non-space characters, cut at sentence ends."""
    if _squashed_len(t[start:end]) <= max_chars:
        return [(start, end)]
    cuts = [start + m.start() for m in SENTENCE_END.finditer(t[start:end])] + [end]
    if len(cuts) == 1:
        cuts = [start + m.end() for m in re.finditer(r"[，,、\n]", t[start:end])] + [end]
    pieces, a = [], start
    prev = start
    for c in cuts:
        if c <= a:
            continue
        if _squashed_len(t[a:c]) > max_chars and prev > a:
            pieces.append((a, prev))
            a = prev
        prev = c
    if a < end:
        pieces.append((a, end))
    out = []
    for s, e in pieces:  # a single sentence longer than the limit is cut hard
        while _squashed_len(t[s:e]) > max_chars:
            k, n = s, 0
            while n < max_chars:
                n += not t[k].isspace()
                k += 1
            out.append((s, k))
            s = k
        out.append((s, e))
    return [(s, e) for s, e in out if t[s:e].strip()]


def titles(clauses) -> set[str]:
    """The ids of the clauses that only title the clauses hanging from them ("4、用户账号管理及账户注销"):
    a short text with no sentence punctuation."""
    parents = {c.parent for c in clauses if c.parent}
    return {c.id for c in clauses if c.id in parents and len(c.text.strip()) <= TITLE_LENGTH
            and not any(ch in SENTENCE_MARKS for ch in c.text)}


def clauses_of(document_text: str, *, max_chars: int = MAX_CLAUSE) -> tuple[Text, tuple[Clause, ...]]:
    """Normalize and segment in one call."""
    clean = normalize(document_text, marker=is_marker)
    return clean, segment(clean, max_chars=max_chars)
